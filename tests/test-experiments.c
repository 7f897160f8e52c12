/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/socket.h>

#include "lab-code-view.h"
#include "lab-endpoint-panel.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* Lessons and experiment files in the window: a lesson opened from its
 * menu shows its notes and plays on real sockets; the bench saved is the
 * bench opened again; a bad file is said, and the bench stays. */

static gboolean
export_file (LabWindow   *window,
             const char  *kind,
             GFile       *file,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lab_window_export_async (window, kind, file, lab_test_keep_result, &result);
  lab_test_wait_result (&result, 10000);
  return lab_window_export_finish (window, result, NULL, error);
}

static LabEndpoint *
endpoint_at (LabWindow *window,
             guint      position)
{
  g_autoptr(LabEndpoint) endpoint =
    g_list_model_get_item (lab_session_get_endpoints (lab_window_get_session (window)), position);

  g_assert_nonnull (endpoint);
  return endpoint;
}

static gboolean
client_got_echo (gpointer data)
{
  LabEndpoint *client = data;

  return lab_endpoint_get_state (client) == LAB_ENDPOINT_STATE_STOPPED &&
         g_object_get_data (G_OBJECT (client), "started") != NULL;
}

static void
on_state (LabEndpoint *client)
{
  if (lab_endpoint_get_state (client) == LAB_ENDPOINT_STATE_CONNECTED)
    g_object_set_data (G_OBJECT (client), "started", GUINT_TO_POINTER (1));
}

static GtkWindow *
find_dialog (void)
{
  return lab_test_ui_find_toplevel (GTK_TYPE_MESSAGE_DIALOG);
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static GtkWidget *
find_label_with (GtkWidget  *root,
                 const char *part)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with (child, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The UDP echo lesson's client waits 2 s for its echo, a timeout of its
 * own the panel's field (the connect timeout) does not show: its words
 * say it, and keep it. */
static void
test_own_recv_timeout (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *client;
  GtkWidget *panel;
  guint recv_timeout = 0;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "02-udp-echo");
  client = endpoint_at (window, 1);
  panel = GTK_WIDGET (lab_window_get_panel (window, client));
  g_assert_nonnull (find_label_with (panel, "Each recvfrom () waits for data at most 2000 ms."));
  g_object_get (lab_endpoint_get_config (client), "recv-timeout", &recv_timeout, NULL);
  g_assert_cmpuint (recv_timeout, ==, 2000);
  /* The echo server's panel says nothing of the kind */
  g_assert_null (find_label_with (GTK_WIDGET (lab_window_get_panel (window, endpoint_at (window, 0))), "waits for data"));
  lab_test_ui_close_window (window);
}

/* A lesson from the Lessons menu: its endpoints, named, its notes above
 * the bench, and Play plays it. */
static void
test_lesson (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *server, *client;
  guint16 port = lab_test_free_port (SOCK_STREAM);

  /* A lesson is in the program: it is on the bench once the action
   * returns. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "01-tcp-echo");
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (lab_window_get_session (window))), ==, 2);
  server = endpoint_at (window, 0);
  client = endpoint_at (window, 1);
  g_assert_cmpstr (lab_endpoint_get_name (server), ==, "Echo server");
  g_assert_nonnull (lab_window_get_panel (window, client));
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (window), "TCP echo"));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "TCP echo"));

  /* Played on a port free here, as a teacher would after a clash. */
  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state), NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (client_got_echo, client, 10000);
  g_assert_cmpint (lab_endpoint_get_state (server), !=, LAB_ENDPOINT_STATE_FAILED);
  {
    GListModel *timeline = G_LIST_MODEL (lab_session_get_timeline (lab_window_get_session (window)));
    g_autoptr(GByteArray) in = g_byte_array_new ();

    lab_timeline_flush (LAB_TIMELINE (timeline));
    for (guint i = 0; i < g_list_model_get_n_items (timeline); i++)
      {
        g_autoptr(LabEvent) event = g_list_model_get_item (timeline, i);

        if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (client) &&
            lab_event_get_kind (event) == LAB_EVENT_DATA && lab_event_get_direction (event) == LAB_DIRECTION_IN)
          g_byte_array_append (in, g_bytes_get_data (lab_event_get_bytes (event), NULL),
                               g_bytes_get_size (lab_event_get_bytes (event)));
      }
    g_assert_cmpmem (in->data, in->len, "Hola, servidor!", 15);
  }

  lab_test_ui_close_window (window);
}

/* Saved, then opened again: the same endpoints, names and settings. */
static void
test_save_open (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-ui-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(LabEndpointConfig) before = NULL;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "udp-server");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-client");
  g_object_set (lab_endpoint_get_config (endpoint_at (window, 0)), "buffer-size", 8, "behaviour",
                LAB_BEHAVIOUR_UPPER, NULL);
  lab_endpoint_set_name (endpoint_at (window, 1), "Ana's client");
  before = lab_endpoint_config_copy (lab_endpoint_get_config (endpoint_at (window, 0)));

  path = g_build_filename (dir, "mine.protolab", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (lab_test_ui_save_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Title=mine\n"));
  g_assert_nonnull (strstr (text, "buffer-size=8\n"));

  /* Something else on the bench, then the file again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 0);
  /* Opened, it is on the bench: the window loads it before it answers. */
  g_assert_true (lab_test_ui_open_file (window, file));
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 2);
  g_assert_true (lab_endpoint_config_equal (lab_endpoint_get_config (endpoint_at (window, 0)), before));
  g_assert_cmpstr (lab_endpoint_get_name (endpoint_at (window, 1)), ==, "Ana's client");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "mine"));
  g_assert_null (find_dialog ());

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  lab_test_ui_close_window (window);
}

/* A file that is not right: a dialog names the line, the bench stays. */
static void
test_bad_file (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bad.protolab", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (path, "[Endpoint 1]\nKind=tcp-server\nport=99999\n", -1, NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");

  g_assert_false (lab_test_ui_open_file (window, file));
  lab_test_ui_wait (has_dialog, NULL, 10000);
  dialog = find_dialog ();
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (dialog),
                                            "Line 3: “port” must be a whole number from 0 to 65535, not “99999”"));
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 1);
  gtk_window_destroy (dialog);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  lab_test_ui_close_window (window);
}

/* A panel's Code: the endpoint as Python, then C, following its settings
 * as they change. */
static void
test_code (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *server;
  LabCodeView *view;
  g_autofree char *python = NULL;
  g_autofree char *c = NULL;
  g_autofree char *changed = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");
  server = endpoint_at (window, 0);
  g_object_set (lab_endpoint_get_config (server), "port", 5123, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-code", "u", lab_endpoint_get_id (server));
  view = LAB_CODE_VIEW (lab_test_ui_find_toplevel (LAB_TYPE_CODE_VIEW));
  g_assert_nonnull (view);

  python = lab_code_view_dup_text (view);
  g_assert_nonnull (strstr (python, "import socket"));
  g_assert_nonnull (strstr (python, "5123"));
  lab_code_view_set_language (view, LAB_CODE_C);
  c = lab_code_view_dup_text (view);
  g_assert_nonnull (strstr (c, "#include <sys/socket.h>"));
  g_assert_nonnull (strstr (c, "listen("));

  g_object_set (lab_endpoint_get_config (server), "port", 6234, NULL);
  changed = lab_code_view_dup_text (view);
  g_assert_nonnull (strstr (changed, "6234"));
  g_assert_null (strstr (changed, "5123"));

  gtk_window_destroy (GTK_WINDOW (view));
  lab_test_ui_close_window (window);
}

static gboolean
is_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

typedef struct {
  LabWindow   *window;
  LabEndpoint *endpoint;
  LabEvent    *found;     /* owned */
} DataIn;

static gboolean
has_data_in (gpointer data)
{
  DataIn *d = data;
  LabTimeline *timeline = lab_session_get_timeline (lab_window_get_session (d->window));

  lab_timeline_flush (timeline);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)) && d->found == NULL; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (d->endpoint) &&
          lab_event_get_kind (event) == LAB_EVENT_DATA && lab_event_get_direction (event) == LAB_DIRECTION_IN)
        d->found = g_steal_pointer (&event);
    }

  return d->found != NULL;
}

static char *
export_to_text (LabWindow  *window,
                const char *kind,
                const char *dir)
{
  g_autofree char *path = g_build_filename (dir, kind, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (export_file (window, kind, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpint (g_remove (path), ==, 0);
  return text;
}

/* The chat lesson, one line each way, exported: the timeline in each
 * format, the handout, and the bytes of the connection picked. */
static void
test_export (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpoint *server, *client;
  guint16 port = lab_test_free_port (SOCK_STREAM);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-ui-XXXXXX", &error);
  g_autofree char *csv = NULL, *jsonl = NULL, *text = NULL, *handout = NULL, *bytes = NULL;
  DataIn in = { window };

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "03-chat");
  server = endpoint_at (window, 0);
  client = endpoint_at (window, 1);
  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (is_connected, client, 10000);
  g_assert_true (lab_endpoint_send (client, 0, hello, TRUE, &error));
  g_assert_no_error (error);
  in.endpoint = server;
  lab_test_ui_wait (has_data_in, &in, 10000);

  csv = export_to_text (window, "csv", dir);
  g_assert_true (g_str_has_prefix (csv, "seq,"));
  g_assert_nonnull (strstr (csv, "68 6f 6c 61 0a"));
  jsonl = export_to_text (window, "jsonl", dir);
  g_assert_nonnull (strstr (jsonl, "\"call\""));
  text = export_to_text (window, "text", dir);
  g_assert_nonnull (strstr (text, "Chat server"));
  handout = export_to_text (window, "handout", dir);
  g_assert_nonnull (strstr (handout, "Two-way chat"));
  g_assert_nonnull (strstr (handout, "Chat client"));

  /* The row picked names the connection whose bytes are saved. */
  g_assert_true (lab_timeline_view_select (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window)), in.found));
  bytes = export_to_text (window, "bytes", dir);
  g_assert_cmpstr (bytes, ==, "hola\n");
  g_clear_object (&in.found);

  g_assert_cmpint (g_rmdir (dir), ==, 0);
  lab_test_ui_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/experiments/lesson", test_lesson);
  g_test_add_func ("/experiments/own-recv-timeout", test_own_recv_timeout);
  g_test_add_func ("/experiments/save-open", test_save_open);
  g_test_add_func ("/experiments/bad-file", test_bad_file);
  g_test_add_func ("/experiments/code", test_code);
  g_test_add_func ("/experiments/export", test_export);

  return g_test_run ();
}
