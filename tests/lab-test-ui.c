/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <gdk/x11/gdkx.h>

#include "lab-test-ui.h"
#include "lab-test-utils.h"

/* Waits until the X server that @display names completes a connection's
 * set-up, authority included, as GTK's will, and returns that connection:
 * a server that has just started can take a connection on its socket
 * before it answers, and GTK opens its display once, and does not try
 * again. The caller closes it once GTK has its own: a server started
 * without -noreset resets when its last client goes, and refuses new
 * ones meanwhile. Returns %NULL after @timeout_ms, or at once for a display
 * that is not X's, left to GTK. */
static Display *
open_x_server (const char *display,
               guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  if (display == NULL || display[0] == '\0')
    return NULL;

  do
    {
      Display *x = XOpenDisplay (display);

      if (x != NULL)
        return x;
      g_usleep (100 * 1000);
    }
  while (g_get_monotonic_time () < deadline);

  return NULL;
}

/**
 * lab_test_ui_init:
 *
 * Starts GTest, the locale and GTK. With no display named, says so as a
 * TAP skip and returns %FALSE; the caller then returns 0 at once.
 * build-aux/test always names one (Xvfb when there is none). A display
 * named that cannot be opened fails the test.
 */
gboolean
lab_test_ui_init (int    *argc,
                  char ***argv)
{
  const char *display = g_getenv ("DISPLAY");
  Display *x;

  lab_test_init (argc, argv);
  gtk_disable_setlocale ();

  if ((display == NULL || display[0] == '\0') && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("1..0 # SKIP no display named (run the tests with build-aux/test)\n");
      return FALSE;
    }

  x = open_x_server (display, 10000);
  if (!gtk_init_check ())
    {
      printf ("Bail out! cannot open the display %s%s\n", display != NULL ? display : g_getenv ("WAYLAND_DISPLAY"),
              x != NULL || display == NULL || display[0] == '\0' ? "" : " (its X server completed no connection in 10 s)");
      exit (1);
    }
  if (x != NULL)
    XCloseDisplay (x);

  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* Waits until @widget is shown, its window on the screen. With the other
 * UI tests drawing in software beside it, a window's first frame was seen
 * to take more than 10 s: it has 30. The UI tests share one X server: a
 * popover of another test that hides by itself holds the pointer while it
 * is open, and one of this test's may not map meanwhile. What did not map
 * is said, with its window. */
void
lab_test_ui_wait_mapped (GtkWidget *widget)
{
  GtkRoot *root;

  if (lab_test_wait_until (is_mapped, widget, 30000))
    return;
  root = gtk_widget_get_root (widget);
  g_error ("a %s (its window a %s “%s”, %s) was not mapped within 30 s", G_OBJECT_TYPE_NAME (widget),
           root != NULL ? G_OBJECT_TYPE_NAME (root) : "none",
           GTK_IS_WINDOW (root) && gtk_window_get_title (GTK_WINDOW (root)) != NULL
             ? gtk_window_get_title (GTK_WINDOW (root)) : "",
           root != NULL && gtk_widget_get_mapped (GTK_WIDGET (root)) ? "mapped" : "not mapped");
}

/* Shows @window and waits until it is on the screen. */
void
lab_test_ui_present (GtkWindow *window)
{
  gtk_window_present (window);
  lab_test_ui_wait_mapped (GTK_WIDGET (window));
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/**
 * lab_test_ui_wait_drawn:
 *
 * Waits until the window of @widget has drawn a frame begun after this
 * call: what was changed before has had its style, its layout and its
 * drawing. Not “until nothing is pending”: a test's own tick, or the
 * lab's sampling of the kernel, keeps something pending on a busy
 * machine, while a frame always comes.
 */
void
lab_test_ui_wait_drawn (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  g_assert_nonnull (native);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (native)));
  clock = gdk_surface_get_frame_clock (gtk_native_get_surface (native));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (native));
  lab_test_ui_wait (is_true, &painted, 10000);
  g_signal_handler_disconnect (clock, handler);
}

/**
 * lab_test_ui_find_label:
 *
 * Returns: (transfer none) (nullable): the first label below @root, depth
 *   first, whose text is @text
 */
GtkWidget *
lab_test_ui_find_label (GtkWidget  *root,
                        const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = lab_test_ui_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * lab_test_ui_find_toplevel:
 *
 * Returns: (transfer none) (nullable): the first window of @type on the
 *   screen
 */
gpointer
lab_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

/**
 * lab_test_ui_the_window:
 *
 * Returns: (transfer none): the application's one window, a #LabWindow
 */
LabWindow *
lab_test_ui_the_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (lab_test_ui_application ()));

  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (LAB_IS_WINDOW (windows->data));
  return windows->data;
}

/**
 * lab_test_ui_add:
 * @kind: an endpoint's kind, as the Add menu's action takes it: tcp-server…
 *
 * Adds an endpoint through the window's action.
 *
 * Returns: (transfer none): its panel
 */
LabEndpointPanel *
lab_test_ui_add (LabWindow  *window,
                 const char *kind)
{
  GListModel *endpoints = lab_session_get_endpoints (lab_window_get_session (window));
  g_autoptr(LabEndpoint) endpoint = NULL;
  GtkWidget *panel;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-endpoint", "s", kind));
  endpoint = g_list_model_get_item (endpoints, g_list_model_get_n_items (endpoints) - 1);
  panel = lab_window_get_panel (window, endpoint);
  g_assert_nonnull (panel);

  return LAB_ENDPOINT_PANEL (panel);
}

/**
 * lab_test_ui_child:
 *
 * Returns: (transfer none): the child named @name in the template of
 *   @type that @widget is made from; the test fails without it
 */
GtkWidget *
lab_test_ui_child (GtkWidget  *widget,
                   GType       type,
                   const char *name)
{
  GObject *object = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

/**
 * lab_test_ui_all_stopped:
 * @data: a list of endpoints
 *
 * Returns: whether every endpoint of @data has stopped, as a condition
 *   for lab_test_ui_wait ()
 */
gboolean
lab_test_ui_all_stopped (gpointer data)
{
  GListModel *endpoints = data;

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_is_active (endpoint))
        return FALSE;
    }
  return TRUE;
}

/**
 * lab_test_ui_application:
 *
 * The application of the test program, registered once as it is in a real
 * run, but not unique: test programs running in parallel on one session bus
 * must not find each other.
 *
 * Returns: (transfer none): the application
 */
LabApplication *
lab_test_ui_application (void)
{
  static LabApplication *app;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = lab_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  return app;
}

/**
 * lab_test_ui_open_window:
 *
 * Returns: (transfer full): a window of the lab on the test application's
 *   session, on the screen
 */
LabWindow *
lab_test_ui_open_window (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window = g_object_ref (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app)));

  lab_test_ui_present (GTK_WINDOW (window));
  return window;
}

/**
 * lab_test_ui_open_bench:
 * @text: an experiment file's text
 *
 * Returns: (transfer none): a large window of the lab on the test
 *   application's session, on the screen, with @text's endpoints on its
 *   bench
 */
LabWindow *
lab_test_ui_open_bench (const char *text)
{
  LabApplication *app = lab_test_ui_application ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = lab_experiment_new_from_data (text, strlen (text), &error);
  LabWindow *window;

  g_assert_no_error (error);
  window = lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1800, 1000);
  lab_test_ui_present (GTK_WINDOW (window));
  lab_session_load (lab_application_get_session (app), experiment);
  return window;
}

/**
 * lab_test_ui_close_window:
 *
 * Stops every endpoint, empties the bench, so that the next test starts
 * on an empty one with nothing to ask about, and closes @window, the last
 * reference to it.
 */
void
lab_test_ui_close_window (LabWindow *window)
{
  LabSession *session = lab_window_get_session (window);
  g_autoptr(LabExperiment) empty = lab_experiment_new ();

  lab_session_stop_all (session);
  lab_session_load (session, empty);
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/**
 * lab_test_ui_open_file:
 *
 * Opens @file as the window's Open does, and waits for it.
 *
 * Returns: whether it was opened
 */
gboolean
lab_test_ui_open_file (LabWindow *window,
                       GFile     *file)
{
  g_autoptr(GAsyncResult) result = NULL;

  lab_window_open_file_async (window, file, lab_test_keep_result, &result);
  lab_test_wait_result (&result, 10000);
  return lab_window_open_file_finish (window, result, NULL);
}

/**
 * lab_test_ui_save_file:
 *
 * Saves the bench in @file as the window's Save does, and waits for it.
 *
 * Returns: whether it was saved; %FALSE with @error
 */
gboolean
lab_test_ui_save_file (LabWindow  *window,
                       GFile      *file,
                       GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lab_window_save_file_async (window, file, lab_test_keep_result, &result);
  lab_test_wait_result (&result, 10000);
  return lab_window_save_file_finish (window, result, error);
}

/**
 * lab_test_ui_find_message_dialog:
 * @n_shown: (out) (optional): how many are shown
 *
 * Returns: (transfer none) (nullable): the first message dialog shown: a
 *   question the window asks
 */
GtkWindow *
lab_test_ui_find_message_dialog (guint *n_shown)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *first = NULL;
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        {
          if (first == NULL)
            first = window;
          n++;
        }
    }

  if (n_shown != NULL)
    *n_shown = n;
  return first;
}

/* Real X input, as test-keyboard.c and test-language-window.c send it. */

/**
 * lab_test_ui_settle:
 *
 * Lets input, layout and drawing catch up. Not until the loop is idle:
 * a running endpoint keeps it busy.
 */
void
lab_test_ui_settle (void)
{
  gint64 end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
has_exited (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* Runs xdotool with the arguments given, the main loop turning meanwhile
 * so that the window takes the keys as they come. */
void
lab_test_ui_xdotool (const char *first,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  va_list args;

  /* Bounded: an X request that never completes fails the step, not the run. */
  g_ptr_array_add (argv, (gpointer) "timeout");
  g_ptr_array_add (argv, (gpointer) "10");
  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_exited, &exited);
  lab_test_ui_wait (has_exited, &exited, 15000);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  lab_test_ui_settle ();
}

/* Gives @window the X input focus, for the keys that follow. */
void
lab_test_ui_focus_x_window (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = NULL;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  lab_test_ui_xdotool ("windowfocus", "--sync", xid, NULL);
}
