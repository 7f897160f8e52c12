/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-application.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

static LabWindow *
open_window (LabApplication *app)
{
  LabWindow *window = lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app));

  lab_test_ui_present (GTK_WINDOW (window));

  return window;
}

static GtkWidget *
find_label (LabWindow  *window,
            const char *text)
{
  GtkWidget *label = lab_test_ui_find_label (GTK_WIDGET (window), text);

  g_assert_nonnull (label);
  return label;
}

static void
test_window_open_close (void)
{
  LabApplication *app = lab_test_ui_application ();
  GSettings *settings;
  LabWindow *window;
  GtkWidget *next_step;
  int width, height;

  settings = lab_application_get_settings (app);

  window = g_object_ref (open_window (app));
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));

  /* An empty bench says what to do first, and it is what the window shows. */
  next_step = find_label (window, "Add a server with the Add button, then a client to talk to it. "
                                  "Each appears here side by side, with every socket call it makes below.");
  g_assert_true (gtk_widget_is_drawable (next_step));

  /* Closing remembers the size. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_close (GTK_WINDOW (window));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);
  g_assert_cmpint (width, ==, 900);

  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_finalize_object (window);

  /* A new window opens at the remembered size. */
  window = g_object_ref (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app)));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static int
label_height (GtkWidget *label)
{
  int height;

  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  return height;
}

static void
test_window_zoom (void)
{
  LabApplication *app = lab_test_ui_application ();
  GSettings *settings;
  LabWindow *window;
  GtkWidget *title;
  int dpi_normal, dpi_zoomed;
  int height_normal, height_zoomed;

  settings = lab_application_get_settings (app);
  window = g_object_ref (open_window (app));
  title = find_label (window, "The bench is empty");

  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi_normal, NULL);
  height_normal = label_height (title);

  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 2.0, 0.001);

  /* The text itself is drawn larger, titles in points included. */
  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &dpi_zoomed, NULL);
  g_assert_cmpint (dpi_zoomed, ==, dpi_normal * 2);
  height_zoomed = label_height (title);
  g_assert_cmpint (height_zoomed, >=, height_normal * 18 / 10);

  gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-reset", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 1.0, 0.001);
  g_assert_cmpint (label_height (title), ==, height_normal);

  /* Zooming out stops at the smallest size the schema allows. */
  for (guint i = 0; i < 5; i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-out", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 0.75, 0.001);

  /* And in, at the largest. */
  for (guint i = 0; i < 12; i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "app.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 3.0, 0.001);

  g_settings_reset (settings, "zoom");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static gboolean
has_endpoints (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

/* The timeline's filters stay whole in a 1280×720 window in Spanish, whose
 * words are the longest: whose events to show goes under the kinds rather
 * than past the edge. */
static void
test_window_filters_whole (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window;
  GObject *timeline;
  GtkWidget *dropdown, *scroller;
  graphene_rect_t view, bounds;

  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string ("es"));
  window = g_object_ref (open_window (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "01-tcp-echo");
  lab_test_ui_wait (has_endpoints, lab_session_get_endpoints (lab_window_get_session (window)), 10000);
  lab_test_ui_wait_drawn (GTK_WIDGET (window));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));

  timeline = G_OBJECT (lab_window_get_timeline_view (window));
  dropdown = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (timeline), LAB_TYPE_TIMELINE_VIEW,
                                                        "endpoint_dropdown"));
  scroller = gtk_widget_get_ancestor (dropdown, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_true (gtk_widget_compute_bounds (scroller, GTK_WIDGET (window), &view));
  g_assert_true (gtk_widget_compute_bounds (dropdown, GTK_WIDGET (window), &bounds));
  g_test_message ("the filters show %.0f×%.0f at %.0f,%.0f; whose events, %.0f×%.0f at %.0f,%.0f", view.size.width,
                  view.size.height, view.origin.x, view.origin.y, bounds.size.width, bounds.size.height,
                  bounds.origin.x, bounds.origin.y);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1280);
  g_assert_true (graphene_rect_contains_rect (&view, &bounds));

  lab_test_ui_close_window (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string ("en"));
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/window/open-close", test_window_open_close);
  g_test_add_func ("/window/zoom", test_window_zoom);
  g_test_add_func ("/window/filters-whole", test_window_filters_whole);

  return g_test_run ();
}
