/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <vte/vte.h>

#include "lab-code-view.h"
#include "lab-format.h"
#include "lab-program-dialog.h"
#include "lab-program-panel.h"
#include "lab-step-bar.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"

/* A program of the student's own, run from the window: chosen in Run a
 * Program…, traced in step mode, each call held with the line of the
 * program that makes it; what it prints in its terminal; stopped and
 * reaped. The program is a real Python server on a loopback port. */

#define SERVER_PY \
  "import os, socket, sys\n" \
  "port = int(sys.argv[1])\n" \
  "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n" \
  "s.bind(('127.0.0.1', port))\n" \
  "s.listen(1)\n" \
  "print('listening', port, 'pid', os.getpid(), flush=True)\n" \
  "conn, addr = s.accept()\n" \
  "print('connected', flush=True)\n" \
  "conn.recv(100)\n"

/* The lines of listen () and accept (), from 1 */
#define LISTEN_LINE 5
#define ACCEPT_LINE 7

/* An endpoint in step mode, and the call it held last (a reference: a
 * new one is never at its address) */
typedef struct {
  LabEndpoint *endpoint;
  LabEvent    *held;
} Step;

static gboolean
is_held (gpointer data)
{
  Step *step = data;
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (step->endpoint), 0);

  return held != NULL && held != step->held;
}

static gboolean
is_stopped (gpointer data)
{
  int status;

  return !lab_endpoint_is_active (data) && lab_endpoint_get_program_status (data, &status);
}

typedef struct {
  LabProgramPanel *panel;
  const char      *text;
} Output;

static gboolean
terminal_shows (gpointer data)
{
  Output *output = data;
  g_autofree char *text = lab_program_panel_dup_output (output->panel);

  return strstr (text, output->text) != NULL;
}

typedef struct {
  GtkWidget *timeline;
  char      *text;
} Row;

static gboolean
row_shown (gpointer data)
{
  Row *row = data;

  return lab_test_ui_find_label (row->timeline, row->text) != NULL;
}

static LabEvent *
find_listen (GListModel *rows)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (rows, i);

      if (lab_event_get_kind (event) == LAB_EVENT_CALL && g_strcmp0 (lab_event_get_call_name (event), "listen") == 0)
        return g_steal_pointer (&event);
    }
  return NULL;
}

static gboolean
has_listen_row (gpointer data)
{
  g_autoptr(LabEvent) found = find_listen (data);

  return found != NULL;
}

/* The timeline's row of the program's listen (): the call, and below it
 * the line that made it. The timeline's rows come at its own pace. */
static void
assert_listen_row (LabWindow *window)
{
  GtkWidget *timeline = lab_window_get_timeline_view (window);
  GListModel *rows = lab_timeline_view_get_model (LAB_TIMELINE_VIEW (timeline));
  g_autoptr(LabEvent) listen_call = NULL;
  g_autofree char *call = NULL;
  Row row = { timeline, NULL };

  lab_test_ui_wait (has_listen_row, rows, 10000);
  listen_call = find_listen (rows);
  g_assert_cmpint (lab_event_get_backend (listen_call), ==, LAB_BACKEND_TRACED);
  call = lab_format_event (listen_call);
  row.text = g_strconcat (call, "\nserver.py:5  s.listen(1)", NULL);
  lab_timeline_view_select (LAB_TIMELINE_VIEW (timeline), listen_call);
  lab_test_ui_wait (row_shown, &row, 10000);
  g_free (row.text);
}

static LabProgramPanel *
find_program_panel (GtkWidget *root)
{
  if (LAB_IS_PROGRAM_PANEL (root))
    return LAB_PROGRAM_PANEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      LabProgramPanel *found = find_program_panel (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Steps until the call held is @name's, at most @steps times. */
static LabEvent *
step_to (LabWindow   *window,
         Step        *step,
         const char  *name,
         guint        steps)
{
  for (guint i = 0; i < steps; i++)
    {
      g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (step->endpoint), 0);

      g_assert_nonnull (held);
      if (g_str_has_prefix (lab_event_get_call_name (held), name))
        return g_steal_pointer (&held);
      g_set_object (&step->held, held);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL));
      lab_test_ui_wait (is_held, step, 15000);
    }
  g_assert_not_reached ();
}

/* The dialog says what will run, refuses arguments badly quoted, and
 * adds the program traced, named by its file. */
static LabEndpoint *
run_program (LabWindow  *window,
             const char *path,
             guint16     port)
{
  GListModel *endpoints = lab_session_get_endpoints (lab_window_get_session (window));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *arguments = g_strdup_printf ("%u", port);
  g_autofree char *expected = g_strdup_printf ("python3 %s %u", path, port);
  LabProgramDialog *dialog;
  g_auto(GStrv) command = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-program", NULL));
  dialog = lab_test_ui_find_toplevel (LAB_TYPE_PROGRAM_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (lab_program_dialog_confirm (dialog));

  lab_program_dialog_set_file (dialog, file);
  g_assert_cmpstr (lab_program_dialog_get_folder (dialog), ==, folder);
  lab_program_dialog_set_arguments (dialog, "'5000");
  g_assert_null (lab_program_dialog_dup_command (dialog, &error));
  g_assert_nonnull (strstr (error->message, "not well quoted"));
  g_assert_cmpstr (lab_program_dialog_get_shown_command (dialog), ==, "");
  g_assert_false (lab_program_dialog_confirm (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 0);

  lab_program_dialog_set_arguments (dialog, arguments);
  g_assert_cmpstr (lab_program_dialog_get_shown_command (dialog), ==, expected);
  g_assert_true (lab_program_dialog_confirm (dialog));
  g_assert_null (lab_test_ui_find_toplevel (LAB_TYPE_PROGRAM_DIALOG));

  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 1);
  {
    g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, 0);

    g_object_get (lab_endpoint_get_config (endpoint), "command", &command, NULL);
    g_assert_cmpstr (command[0], ==, "python3");
    g_assert_cmpstr (command[1], ==, path);
    g_assert_cmpstr (command[2], ==, arguments);
    g_assert_cmpstr (lab_endpoint_get_name (endpoint), ==, "server.py");
    return endpoint;
  }
}

static void
test_program_step (void)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-program-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "server.py", NULL);
  guint16 port = lab_test_free_port (SOCK_STREAM);
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *endpoint;
  LabProgramPanel *panel;
  LabStepBar *bar = LAB_STEP_BAR (lab_window_get_step_bar (window));
  g_autoptr(LabEvent) accept_call = NULL;
  g_autofree char *bar_text = NULL;
  g_autofree char *output = NULL;
  g_autofree char *listening = g_strdup_printf ("listening %u pid", port);
  Step step = { NULL, NULL };
  Output shows = { NULL, listening };
  const char *pid_text;
  int status = 0;
  pid_t pid;
  int client;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  g_assert_true (g_file_set_contents (path, SERVER_PY, -1, NULL));
  endpoint = run_program (window, path, port);
  panel = find_program_panel (lab_window_get_panel (window, endpoint));
  g_assert_nonnull (panel);
  shows.panel = panel;
  step.endpoint = endpoint;

  /* Held before its first call: the step bar says the line that makes it. */
  lab_endpoint_set_step_mode (endpoint, TRUE);
  gtk_widget_activate_action (lab_window_get_panel (window, endpoint), "panel.start-stop", NULL);
  lab_test_ui_wait (is_held, &step, 15000);
  bar_text = lab_step_bar_dup_text (bar);
  g_assert_nonnull (strstr (bar_text, "server.py:3  s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"));

  /* To accept (): the step bar and the Code window show its line, and the
   * terminal what the program printed before it; the timeline's rows show
   * the line of each call made. */
  accept_call = step_to (window, &step, "accept", 12);
  g_clear_pointer (&bar_text, g_free);
  bar_text = lab_step_bar_dup_text (bar);
  g_assert_nonnull (strstr (bar_text, "server.py:7  conn, addr = s.accept()"));
  g_assert_nonnull (strstr (bar_text, "Space"));
  g_assert_cmpstr (lab_event_get_line (accept_call), ==, "server.py:7: conn, addr = s.accept()");
  lab_test_ui_wait (terminal_shows, &shows, 10000);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-code", "u",
                                             lab_endpoint_get_id (endpoint)));
  g_assert_nonnull (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW));
  g_assert_cmpuint (lab_code_view_get_marked_line (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW)), ==, ACCEPT_LINE);
  /* A row chosen in the timeline: its line is marked instead. */
  assert_listen_row (window);
  g_assert_cmpuint (lab_code_view_get_marked_line (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW)), ==, LISTEN_LINE);
  {
    g_autofree char *code = lab_code_view_dup_text (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW));

    g_assert_cmpstr (code, ==, SERVER_PY);
  }
  gtk_window_destroy (GTK_WINDOW (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW)));

  /* accept () made, a client of the test's own is taken; the program
   * prints and is held before it receives. */
  client = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (connect (client, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_set_object (&step.held, accept_call);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL));
  lab_test_ui_wait (is_held, &step, 15000);
  {
    g_autoptr(LabEvent) recv_call = step_to (window, &step, "recv", 12);
  }
  shows.text = "connected";
  lab_test_ui_wait (terminal_shows, &shows, 15000);

  /* Stopped: the program ended by SIGTERM, and is no process any more. */
  output = lab_program_panel_dup_output (panel);
  pid_text = strstr (output, " pid ");
  g_assert_nonnull (pid_text);
  pid = (pid_t) g_ascii_strtoll (pid_text + 5, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (kill (pid, 0), ==, 0);
  gtk_widget_activate_action (lab_window_get_panel (window, endpoint), "panel.start-stop", NULL);
  lab_test_ui_wait (is_stopped, endpoint, 15000);
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (panel), "Ended by the signal SIGTERM (15)"));
  close (client);
  g_clear_object (&step.held);

  lab_test_ui_close_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* Starts @script, written to @dir, in @endpoint. */
static void
start_script (LabEndpoint *endpoint,
              const char  *dir,
              const char  *script)
{
  g_autofree char *path = g_build_filename (dir, "own.py", NULL);
  const char *command[] = { "python3", path, NULL };

  g_assert_true (g_file_set_contents (path, script, -1, NULL));
  g_object_set (lab_endpoint_get_config (endpoint), "command", command, "working-directory", dir, NULL);
  g_assert_true (lab_endpoint_start (endpoint, NULL));
}

/* Runs @script in @endpoint until it ends by itself. */
static void
run_to_end (LabEndpoint *endpoint,
            const char  *dir,
            const char  *script)
{
  start_script (endpoint, dir, script);
  lab_test_ui_wait (is_stopped, endpoint, 15000);
}

/* A program that asks for its input reads what is typed in its terminal;
 * the panel says how each run ended, by its exit status or a signal. */
static void
test_program_terminal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-program-XXXXXX", NULL);
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *endpoint = lab_session_add (lab_window_get_session (window), LAB_ENDPOINT_PROGRAM);
  GtkWidget *panel = lab_window_get_panel (window, endpoint);
  LabProgramPanel *program = find_program_panel (panel);
  Output shows = { program, "name? " };
  int status = 0;

  g_assert_nonnull (program);
  g_assert_nonnull (lab_test_ui_find_label (panel, "No program chosen"));
  run_to_end (endpoint, dir, "");
  g_assert_nonnull (lab_test_ui_find_label (panel, "Exited with status 0"));

  start_script (endpoint, dir, "import sys\nname = input('name? ')\nprint('hello', name)\nsys.exit(3)\n");
  lab_test_ui_wait (terminal_shows, &shows, 15000);
  g_assert_true (lab_endpoint_is_active (endpoint));
  vte_terminal_feed_child (VTE_TERMINAL (lab_program_panel_get_terminal (program)), "ana\n", -1);
  shows.text = "hello ana";
  lab_test_ui_wait (terminal_shows, &shows, 15000);
  lab_test_ui_wait (is_stopped, endpoint, 15000);
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);
  g_assert_nonnull (lab_test_ui_find_label (panel, "Exited with status 3"));

  run_to_end (endpoint, dir, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n");
  g_assert_nonnull (lab_test_ui_find_label (panel, "Ended by the signal SIGSEGV (11)"));

  lab_test_ui_close_window (window);
  {
    g_autofree char *path = g_build_filename (dir, "own.py", NULL);

    g_unlink (path);
  }
  g_rmdir (dir);
}

/* The window made again in another language shows the same terminal:
 * the program waiting there for its input goes on, and reads it. */
static void
test_program_language (void)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-program-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "own.py", NULL);
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpoint *endpoint = lab_session_add (session, LAB_ENDPOINT_PROGRAM);
  Output shows = { find_program_panel (lab_window_get_panel (window, endpoint)), "name? " };
  LabWindow *again;
  int status = 0;

  start_script (endpoint, dir, "name = input('name? ')\nprint('hello', name)\n");
  lab_test_ui_wait (terminal_shows, &shows, 15000);

  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string ("es"));
  again = lab_test_ui_the_window ();
  g_assert_true (again != window);
  g_object_unref (window);
  lab_test_ui_wait_mapped (GTK_WIDGET (again));
  g_assert_true (lab_endpoint_is_active (endpoint));

  shows.panel = find_program_panel (lab_window_get_panel (again, endpoint));
  g_assert_nonnull (shows.panel);
  vte_terminal_feed_child (VTE_TERMINAL (lab_program_panel_get_terminal (shows.panel)), "ana\n", -1);
  shows.text = "hello ana";
  lab_test_ui_wait (terminal_shows, &shows, 15000);
  lab_test_ui_wait (is_stopped, endpoint, 15000);
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string (""));
  lab_test_ui_close_window (g_object_ref (lab_test_ui_the_window ()));
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
asks (gpointer data)
{
  return lab_test_ui_find_message_dialog (NULL) != NULL;
}

static gboolean
has_ended (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_STOPPED && !lab_endpoint_is_active (data);
}

/* The lesson that runs the course's echo server: Play shows the command
 * and runs nothing until told; Cancel runs nothing; Run and Play runs the
 * server, and the lab's client once it listens. */
static void
test_program_play (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(LabEndpoint) client = NULL;
  g_autofree char *port = g_strdup_printf ("%u", lab_test_free_port (SOCK_STREAM));
  g_auto(GStrv) command = NULL;
  g_autofree char *secondary = NULL;
  GtkWindow *dialog;
  int status = -1;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "19-course-server-watched");
  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 2);
  server = g_list_model_get_item (endpoints, 0);
  client = g_list_model_get_item (endpoints, 1);
  g_object_get (lab_endpoint_get_config (server), "command", &command, NULL);
  g_assert_cmpstr (command[1], ==, "tcp_echo_server_004.py");
  g_free (command[2]);
  command[2] = g_strdup (port);
  g_object_set (lab_endpoint_get_config (server), "command", command, NULL);
  g_object_set (lab_endpoint_get_config (client), "port", atoi (port), NULL);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (asks, NULL, 10000);
  dialog = lab_test_ui_find_message_dialog (NULL);
  g_object_get (dialog, "secondary-text", &secondary, NULL);
  g_assert_nonnull (strstr (secondary, "python3 tcp_echo_server_004.py"));
  g_assert_nonnull (strstr (secondary, port));
  g_assert_false (lab_endpoint_is_active (server));
  g_assert_false (lab_endpoint_is_active (client));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_null (lab_test_ui_find_message_dialog (NULL));
  g_assert_false (lab_endpoint_is_active (server));
  g_assert_false (lab_endpoint_is_active (client));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (asks, NULL, 10000);
  gtk_dialog_response (GTK_DIALOG (lab_test_ui_find_message_dialog (NULL)), GTK_RESPONSE_ACCEPT);
  lab_test_ui_wait (has_ended, client, 20000);
  lab_test_ui_wait (is_stopped, server, 20000);
  g_assert_cmpuint (lab_endpoint_get_port (server), ==, (guint) atoi (port));
  g_assert_true (lab_endpoint_get_program_status (server, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_null (lab_endpoint_get_error (client));

  lab_test_ui_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/program-window/step", test_program_step);
  g_test_add_func ("/program-window/terminal", test_program_terminal);
  g_test_add_func ("/program-window/language", test_program_language);
  g_test_add_func ("/program-window/play", test_program_play);

  return g_test_run ();
}
