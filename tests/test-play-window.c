/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-application.h"
#include "lab-session.h"
#include "lab-test-ui.h"
#include "lab-window.h"

/* What the window says of Play on a busy port: in the lesson bar, and in
 * the panels. The port is one the test listens on, as the kernel gave it. */

#define PLAY_TIMEOUT_MS 10000

static int
hold_port (guint16 *port)
{
  int fd = lab_test_bind_port (SOCK_STREAM, port);

  g_assert_cmpint (listen (fd, 4), ==, 0);
  return fd;
}

/* A lesson opened from the menu, then given other ports, as a file with
 * those ports would have it. */
static gboolean
has_endpoints (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

static void
open_lesson (LabWindow  *window,
             const char *id,
             guint       from,
             guint       to,
             guint       other_from,
             guint       other_to)
{
  GListModel *endpoints = lab_session_get_endpoints (lab_application_get_session (lab_test_ui_application ()));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", id);
  lab_test_ui_wait (has_endpoints, endpoints, 10000);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);
      guint port;

      g_object_get (config, "port", &port, NULL);
      if (port == from || port == other_from)
        g_object_set (config, "port", port == from ? to : other_to, NULL);
    }
}

/* How many entries below @root show @text. */
static guint
count_entries (GtkWidget  *root,
               const char *text)
{
  guint n = GTK_IS_ENTRY (root) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (root)), text) == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_entries (child, text);

  return n;
}

typedef struct {
  GtkWidget  *window;
  const char *text;
} Shown;

static gboolean
label_shown (gpointer data)
{
  Shown *shown = data;
  GtkWidget *label = lab_test_ui_find_label (shown->window, shown->text);

  return label != NULL && gtk_widget_is_drawable (label);
}

static gboolean
play_over (gpointer data)
{
  return !lab_session_is_playing (data);
}

static LabWindow *
open_window (LabApplication *app)
{
  LabWindow *window = lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1800, 1000);
  lab_test_ui_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (LabWindow *window)
{
  LabSession *session = lab_application_get_session (lab_test_ui_application ());
  g_autoptr(LabExperiment) empty = lab_experiment_new ();

  lab_session_stop_all (session);
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), 10000);
  /* The next test starts on an empty bench, with nothing to ask about. */
  lab_session_load (session, empty);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The lesson bar says the port moved, and both panels show the new one. */
static void
test_window_moved (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  guint16 held;
  int fd = hold_port (&held);
  LabWindow *window = open_window (app);
  g_autoptr(LabEndpoint) server = NULL;
  g_autofree char *said = NULL;
  g_autofree char *port = NULL;
  guint moved;
  Shown shown;

  open_lesson (window, "01-tcp-echo", 5000, held, 0, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (play_over, session, PLAY_TIMEOUT_MS);

  server = g_list_model_get_item (lab_session_get_endpoints (session), 0);
  g_object_get (lab_endpoint_get_config (server), "port", &moved, NULL);
  g_assert_cmpuint (moved, !=, held);
  said = g_strdup_printf ("Port %u is in use: the server “Echo server” and its clients use port %u this time", held,
                          moved);
  shown = (Shown) { GTK_WIDGET (window), said };
  lab_test_ui_wait (label_shown, &shown, PLAY_TIMEOUT_MS);

  port = g_strdup_printf ("%u", moved);
  g_assert_cmpuint (count_entries (GTK_WIDGET (window), port), ==, 2);
  g_free (port);
  port = g_strdup_printf ("%u", held);
  g_assert_cmpuint (count_entries (GTK_WIDGET (window), port), ==, 0);

  close_window (window);
  close (fd);
}

/* Where the port in use is the lesson: the bar names what holds it, and
 * the client of the server that failed says it was not started. */
static void
test_window_not_started (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  guint16 held;
  int fd = hold_port (&held);
  guint other = lab_test_free_port (SOCK_STREAM);
  LabWindow *window = open_window (app);
  g_autofree char *said = NULL;
  Shown shown;

  open_lesson (window, "08-reuseaddr", 5000, held, 5002, other);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (play_over, session, PLAY_TIMEOUT_MS);

  said = g_strdup_printf ("The server “Server without SO_REUSEADDR” could not bind port %u, "
                          "in use by 127.0.0.1:%u in LISTEN", held, held);
  shown = (Shown) { GTK_WIDGET (window), said };
  lab_test_ui_wait (label_shown, &shown, PLAY_TIMEOUT_MS);
  shown.text = "Not started: the server “Server without SO_REUSEADDR” could not start";
  lab_test_ui_wait (label_shown, &shown, PLAY_TIMEOUT_MS);

  close_window (window);
  close (fd);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/play-window/moved", test_window_moved);
  g_test_add_func ("/play-window/not-started", test_window_not_started);

  return g_test_run ();
}
