/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-application.h"
#include "lab-bytes-view.h"
#include "lab-endpoint-panel.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The lab as a classroom sees it: presentation mode makes the timeline's
 * text and the hex dumps large enough for the back of the room, and stays
 * so across windows; the language switches while a server runs. Measured
 * on the real widgets. */

static LabWindow *
open_window (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window = lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  lab_test_ui_present (GTK_WINDOW (window));
  return window;
}

static void
empty_bench (LabSession *session)
{
  GListModel *endpoints = lab_session_get_endpoints (session);

  while (g_list_model_get_n_items (endpoints) > 0)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, 0);

      lab_session_remove (session, endpoint);
    }
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

/* Listening, and waiting in accept () */
static gboolean
is_waiting (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_WAITING;
}

static gboolean
received (gpointer data)
{
  g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (data), 0);

  return connection != NULL && lab_connection_get_bytes_in (connection) >= 5;
}

static gboolean
is_stopped (gpointer data)
{
  return !lab_endpoint_is_active (data);
}

/* A server and a client that said hola: rows in the timeline, bytes in
 * the bytes view. */
static LabEndpoint *
talk (LabWindow *window)
{
  LabSession *session = lab_window_get_session (window);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  LabEndpoint *server, *client;
  GtkWidget *panel;

  server = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
  g_assert_true (lab_endpoint_start (server, NULL));
  lab_test_ui_wait (has_port, server, 10000);

  client = lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) lab_endpoint_get_port (server),
                "initial-data", hello,
                NULL);
  g_assert_true (lab_endpoint_start (client, NULL));
  lab_test_ui_wait (received, client, 10000);

  /* The inspector shows the client's bytes. */
  panel = lab_window_get_panel (window, client);
  g_assert_nonnull (panel);
  {
    g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (client), 0);

    lab_bytes_view_set_connection (LAB_BYTES_VIEW (lab_window_get_bytes_view (window)), client, connection);
  }
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), LAB_TYPE_WINDOW,
                                                                              "inspector_stack")),
                                    "bytes");
  /* The rows are made as the list is laid out: measured once drawn. */
  lab_timeline_flush (lab_session_get_timeline (session));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));

  return client;
}

/* Every label with text below @root that shows, and the height of the
 * smallest line among them, as laid out now. */
static void
measure_labels (GtkWidget  *root,
                const char *css_class,
                int        *smallest,
                int        *count)
{
  if (!gtk_widget_get_visible (root))
    return;

  if (GTK_IS_LABEL (root) && gtk_label_get_text (GTK_LABEL (root))[0] != '\0' &&
      (css_class == NULL || gtk_widget_has_css_class (root, css_class)) && gtk_widget_get_mapped (root))
    {
      int height;

      gtk_widget_measure (root, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (root), &height, NULL, NULL, NULL);
      /* One line's height: a wrapped label counts by its lines. */
      height /= MAX (1, pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (root))));
      *smallest = MIN (*smallest, height);
      (*count)++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    measure_labels (child, css_class, smallest, count);
}

static int
smallest_line (GtkWidget  *root,
               const char *css_class)
{
  int smallest = G_MAXINT, count = 0;

  measure_labels (root, css_class, &smallest, &count);
  g_assert_cmpint (count, >, 0);
  return smallest;
}

static void
test_presentation (void)
{
  LabApplication *app = lab_test_ui_application ();
  GSettings *settings = lab_application_get_settings (app);
  LabWindow *window = g_object_ref (open_window ());
  GtkWidget *timeline = lab_window_get_timeline_view (window);
  GtkWidget *bytes = lab_window_get_bytes_view (window);
  LabEndpoint *client = talk (window);
  int rows_normal, hex_normal, rows_presenting, hex_presenting;
  int dpi_normal, dpi_presenting;

  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi_normal, NULL);
  rows_normal = smallest_line (timeline, NULL);
  hex_normal = smallest_line (bytes, "hex-dump");

  /* The menu's toggle, as a teacher uses it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "presentation", NULL);
  g_assert_true (g_settings_get_boolean (settings, "presentation"));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));

  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi_presenting, NULL);
  g_assert_cmpint (dpi_presenting, >, dpi_normal);
  rows_presenting = smallest_line (timeline, NULL);
  hex_presenting = smallest_line (bytes, "hex-dump");
  g_test_message ("timeline's smallest line: %d px, then %d px; hex: %d px, then %d px",
                  rows_normal, rows_presenting, hex_normal, hex_presenting);
  g_assert_cmpint (rows_presenting * 10, >=, rows_normal * 15);
  g_assert_cmpint (hex_presenting * 10, >=, hex_normal * 15);
  /* Readable from the back of a room: every line of the timeline at least
   * 24 pixels high. */
  g_assert_cmpint (rows_presenting, >=, 24);

  /* High contrast, only the essential controls. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));
  {
    GtkWidget *filters = lab_test_ui_find_label (timeline, "Show");

    g_assert_true (filters == NULL || !gtk_widget_is_drawable (filters));
  }
  {
    g_autofree char *theme = NULL;

    g_object_get (gtk_settings_get_default (), "gtk-theme-name", &theme, NULL);
    g_assert_cmpstr (theme, ==, "HighContrast");
  }

  /* Zoom in presentation mode changes presentation's own zoom. */
  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "presentation-zoom"), 2.25, 0.001);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 1.0, 0.001);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-reset", NULL);

  /* Remembered: a window opened later presents too. */
  empty_bench (lab_window_get_session (window));
  lab_test_ui_wait (is_stopped, client, 10000);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  window = g_object_ref (open_window ());
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));

  /* And back. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "presentation", NULL);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "presentation"));
  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi_presenting, NULL);
  g_assert_cmpint (dpi_presenting, ==, dpi_normal);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* Switching the language makes the window again, in that language, while
 * the server runs on and the timeline keeps what it showed. */
static void
test_language (void)
{
  LabApplication *app = lab_test_ui_application ();
  GSettings *settings = lab_application_get_settings (app);
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpoint *server = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  LabWindow *spanish;
  guint rows;

  g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
  g_assert_true (lab_endpoint_start (server, NULL));
  /* Its port is known once bound, a moment before it waits in accept () */
  lab_test_ui_wait (is_waiting, server, 10000);
  lab_timeline_flush (lab_session_get_timeline (session));
  rows = g_list_model_get_n_items (lab_timeline_view_get_model (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window))));
  g_assert_cmpuint (rows, >, 0);
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (window), "Add"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string ("es"));
  {
    g_autofree char *language = g_settings_get_string (settings, "language");

    g_assert_cmpstr (language, ==, "es");
  }

  /* The window is made again at once, in Spanish, and shown. */
  spanish = lab_test_ui_the_window ();
  g_assert_true (spanish != window);
  lab_test_ui_wait_mapped (GTK_WIDGET (spanish));
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (spanish), "Añadir"));
  g_assert_true (lab_session_find (session, lab_endpoint_get_id (server)) == server);
  g_assert_true (lab_endpoint_is_active (server));
  g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_WAITING);
  g_assert_cmpuint (g_list_model_get_n_items (lab_timeline_view_get_model (
                      LAB_TIMELINE_VIEW (lab_window_get_timeline_view (spanish)))), >=, rows);
  {
    g_autofree char *state = g_strdup (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (
      lab_window_get_panel (spanish, server), LAB_TYPE_ENDPOINT_PANEL, "state_label"))));

    g_assert_cmpstr (state, ==, "Esperando en accept () a un cliente");
  }

  /* Back to the system's. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string (""));
  lab_test_ui_wait_mapped (GTK_WIDGET (lab_test_ui_the_window ()));
  g_assert_nonnull (lab_test_ui_find_label (GTK_WIDGET (lab_test_ui_the_window ()), "Add"));
  g_assert_true (lab_endpoint_is_active (server));

  empty_bench (session);
  lab_test_ui_wait (is_stopped, server, 10000);
  gtk_window_destroy (GTK_WINDOW (lab_test_ui_the_window ()));
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  /* Startup applies the settings, as in a real run. */
  g_application_hold (G_APPLICATION (lab_test_ui_application ()));

  g_test_add_func ("/classroom/presentation", test_presentation);
  g_test_add_func ("/classroom/language", test_language);

  return g_test_run ();
}
