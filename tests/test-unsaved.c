/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "lab-test-ui.h"
#include "lab-window.h"

/* Work is never thrown away without asking: New, Open, a lesson and
 * closing the window ask first when endpoints run or the bench has
 * unsaved changes, and the answer is given with the dialog's own
 * buttons. A bench just opened or saved has nothing to ask about. */

/* An experiment's file in a folder of its own, both removed after. */
typedef struct {
  char  *dir;
  char  *path;
  GFile *file;
} TempFile;

static TempFile *
temp_file_new (const char *name)
{
  TempFile *temp = g_new0 (TempFile, 1);
  g_autoptr(GError) error = NULL;

  temp->dir = g_dir_make_tmp ("protolab-ui-XXXXXX", &error);
  g_assert_no_error (error);
  temp->path = g_build_filename (temp->dir, name, NULL);
  temp->file = g_file_new_for_path (temp->path);
  return temp;
}

static void
temp_file_free (TempFile *temp)
{
  g_remove (temp->path);
  g_assert_cmpint (g_rmdir (temp->dir), ==, 0);
  g_object_unref (temp->file);
  g_free (temp->path);
  g_free (temp->dir);
  g_free (temp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TempFile, temp_file_free)

static void
reset_bench (LabSession *session)
{
  g_autoptr(LabExperiment) empty = lab_experiment_new ();

  lab_session_stop_all (session);
  lab_session_load (session, empty);
}

static guint
n_endpoints (LabWindow *window)
{
  return g_list_model_get_n_items (lab_session_get_endpoints (lab_window_get_session (window)));
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
is_marked (LabWindow *window)
{
  return g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• ");
}

static gboolean
save_file (LabWindow *window,
           GFile     *file)
{
  g_autoptr(GError) error = NULL;
  gboolean saved = lab_test_ui_save_file (window, file, &error);

  g_assert_no_error (error);
  return saved;
}

/* ---- The dialog ---- */

static GtkWindow *
find_dialog (void)
{
  return lab_test_ui_find_message_dialog (NULL);
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
has_no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

/* The dialog shown, saying @primary and @secondary. */
static GtkWindow *
wait_dialog (const char *primary,
             const char *secondary)
{
  GtkWindow *dialog;

  lab_test_ui_wait (has_dialog, NULL, 10000);
  dialog = find_dialog ();
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (dialog), primary));
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (dialog), secondary));
  return dialog;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Presses the dialog's button labelled @label, and waits until the dialog
 * is gone. */
static void
press (GtkWindow  *dialog,
       const char *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate (button));
  lab_test_ui_wait (has_no_dialog, NULL, 10000);
}

/* ---- Tests ---- */

static gboolean
is_listening (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

static gboolean
is_stopped (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_STOPPED && !lab_endpoint_is_active (data);
}

/* New on a bench that runs asks: Cancel, or Escape, keeps it running as
 * it was; Discard empties it. */
static void
test_new_running (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  g_autoptr(TempFile) temp = temp_file_new ("running.protolab");
  g_autoptr(GError) error = NULL;
  g_autoptr(LabEndpoint) server = NULL;
  GtkWindow *dialog;
  GtkWidget *cancel;
  guint16 port;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");
  server = g_object_ref (endpoint_at (window, 0));
  g_object_set (lab_endpoint_get_config (server), "bind-address", "127.0.0.1", "port", 0, NULL);
  g_assert_true (save_file (window, temp->file));
  g_assert_false (lab_session_get_modified (lab_window_get_session (window)));
  g_assert_true (lab_endpoint_start (server, &error));
  g_assert_no_error (error);
  lab_test_ui_wait (is_listening, server, 10000);
  port = lab_endpoint_get_port (server);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  dialog = wait_dialog ("Start a new experiment?", "1 endpoint is running. Discarding the bench stops it.");
  /* Nothing is unsaved: nothing to save first. Cancel is the default. */
  g_assert_null (find_button (GTK_WIDGET (dialog), "_Save First"));
  g_assert_true (gtk_widget_has_css_class (find_button (GTK_WIDGET (dialog), "_Discard"), "destructive-action"));
  cancel = find_button (GTK_WIDGET (dialog), "_Cancel");
  g_assert_true (gtk_window_get_default_widget (dialog) == cancel);
  press (dialog, "_Cancel");
  g_assert_cmpuint (n_endpoints (window), ==, 1);
  g_assert_true (endpoint_at (window, 0) == server);
  g_assert_true (lab_endpoint_is_active (server));
  g_assert_cmpuint (lab_endpoint_get_port (server), ==, port);

  /* Escape is Cancel: GtkDialog::close is its key binding. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  dialog = wait_dialog ("Start a new experiment?", "1 endpoint is running. Discarding the bench stops it.");
  g_signal_emit_by_name (dialog, "close");
  lab_test_ui_wait (has_no_dialog, NULL, 10000);
  g_assert_cmpuint (n_endpoints (window), ==, 1);
  g_assert_true (lab_endpoint_is_active (server));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  press (wait_dialog ("Start a new experiment?", "1 endpoint is running. Discarding the bench stops it."),
         "_Discard");
  g_assert_cmpuint (n_endpoints (window), ==, 0);
  lab_test_ui_wait (is_stopped, server, 10000);

  lab_test_ui_close_window (window);
}

static gboolean
has_lesson (gpointer data)
{
  LabWindow *window = data;

  return g_strcmp0 (lab_session_get_title (lab_window_get_session (window)), "TCP echo") == 0;
}

/* A lesson over unsaved changes asks; Save First writes them to the
 * bench's file, then opens the lesson. */
static void
test_lesson_save_first (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  g_autoptr(TempFile) temp = temp_file_new ("mine.protolab");
  g_autofree char *text = NULL;
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");
  g_assert_true (save_file (window, temp->file));
  g_assert_false (is_marked (window));

  g_object_set (lab_endpoint_get_config (endpoint_at (window, 0)), "backlog", 2, NULL);
  g_assert_true (lab_session_get_modified (session));
  g_assert_true (is_marked (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "01-tcp-echo");
  dialog = wait_dialog ("Open the lesson “TCP echo”?",
                        "The bench has unsaved changes. Discarding the bench loses them.");
  g_assert_cmpuint (n_endpoints (window), ==, 1);
  press (dialog, "_Save First");

  lab_test_ui_wait (has_lesson, window, 10000);
  g_assert_true (g_file_get_contents (temp->path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "backlog=2\n"));
  g_assert_cmpuint (n_endpoints (window), ==, 2);
  g_assert_false (lab_session_get_modified (session));
  g_assert_false (is_marked (window));
  g_assert_null (find_dialog ());

  lab_test_ui_close_window (window);
}

/* A bench just opened, or just saved, is not modified: New does not ask.
 * Changed, Open Recent asks, and Cancel keeps the bench. */
static void
test_opened_not_modified (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  g_autoptr(TempFile) temp = temp_file_new ("two.protolab");
  g_autofree char *uri = g_file_get_uri (temp->file);
  g_autofree char *question = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (g_file_set_contents (temp->path, "[Experiment]\nTitle=Two\n\n[Endpoint 1]\nKind=tcp-server\nport=0\n\n"
                                      "[Endpoint 2]\nKind=tcp-client\nhost=127.0.0.1\nport=1\n", -1, NULL));
  lab_window_open_file_async (window, temp->file, lab_test_keep_result, &result);
  lab_test_wait_result (&result, 10000);
  g_assert_true (lab_window_open_file_finish (window, result, NULL));
  g_clear_object (&result);
  g_assert_cmpuint (n_endpoints (window), ==, 2);
  lab_test_ui_wait_drawn (GTK_WIDGET (window));
  g_assert_false (lab_session_get_modified (session));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Two — Protolab");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  g_assert_cmpuint (n_endpoints (window), ==, 0);
  g_assert_null (find_dialog ());

  /* Changed, then saved: nothing to ask either. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "udp-server");
  g_assert_true (is_marked (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Protolab");
  g_assert_true (save_file (window, temp->file));
  g_assert_false (is_marked (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  g_assert_cmpuint (n_endpoints (window), ==, 0);
  g_assert_null (find_dialog ());

  /* Changed, and opened over: asked, and kept. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri);
  question = g_strdup_printf ("Open “%s”?", temp->path);
  press (wait_dialog (question, "The bench has unsaved changes. Discarding the bench loses them."), "_Cancel");
  g_assert_cmpuint (n_endpoints (window), ==, 1);
  g_assert_true (lab_session_get_modified (session));

  lab_test_ui_close_window (window);
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the window with unsaved changes asks: Cancel keeps it open,
 * Discard closes it. */
static void
test_close (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  const char *question = "Close Protolab?";
  const char *why = "The bench has unsaved changes. Discarding the bench loses them.";
  gpointer weak = window;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", "tcp-server");
  gtk_window_close (GTK_WINDOW (window));
  press (wait_dialog (question, why), "_Cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  g_object_unref (window);
  gtk_window_close (GTK_WINDOW (window));
  press (wait_dialog (question, why), "_Discard");
  lab_test_ui_wait (is_gone, &weak, 10000);

  reset_bench (session);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/unsaved/new-running", test_new_running);
  g_test_add_func ("/unsaved/lesson-save-first", test_lesson_save_first);
  g_test_add_func ("/unsaved/opened-not-modified", test_opened_not_modified);
  g_test_add_func ("/unsaved/close", test_close);

  return g_test_run ();
}
