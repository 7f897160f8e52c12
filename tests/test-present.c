/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-application.h"
#include "lab-endpoint-panel.h"
#include "lab-state-diagram.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* Presentation mode as a projector shows it: lesson 1, its server held
 * before accept (), in a window the size of a 1080p and of a 720p screen,
 * in English and in Spanish. Nothing a class reads may be cut, ellipsised
 * or out of the window, and no text may be small: measured on the real
 * widgets, as laid out and drawn. */

typedef struct {
  const char *language;
  int         width;
  int         height;
  double      smallest;  /* the least size of any text, in pixels */
} Screen;

static const Screen screens[] = {
  { "en", 1920, 1080, 24 },
  { "en", 1280, 720, 16 },
  { "es", 1920, 1080, 24 },
  { "es", 1280, 720, 16 },
};

static LabWindow *
the_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (lab_test_ui_application ()));

  g_assert_cmpuint (g_list_length (windows), ==, 1);
  return windows->data;
}

static gboolean
has_endpoints (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

static gboolean
is_held (gpointer data)
{
  return lab_session_get_held (data, NULL) != NULL;
}

static gboolean
is_stopped (gpointer data)
{
  return !lab_endpoint_is_active (data);
}

/* Lesson 1 on an ephemeral port, its server stepped until it holds
 * accept (). */
static LabEndpoint *
hold_before_accept (LabWindow *window)
{
  LabSession *session = lab_window_get_session (window);
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(LabEndpoint) server = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "01-tcp-echo");
  lab_test_ui_wait (has_endpoints, endpoints, 10000);
  server = g_list_model_get_item (endpoints, 0);
  g_assert_true (lab_endpoint_config_is_server (lab_endpoint_get_config (server)));
  g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "step-mode", g_variant_new_boolean (TRUE));
  g_assert_true (lab_endpoint_start (server, NULL));
  for (guint steps = 0;; steps++)
    {
      LabEvent *held;

      g_assert_cmpuint (steps, <, 20);
      lab_test_ui_wait (is_held, session, 10000);
      held = lab_session_get_held (session, NULL);
      if (g_str_equal (lab_event_get_call_name (held), "accept"))
        break;
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL));
      /* The next call is held only once this one is made. */
      while (lab_session_get_held (session, NULL) == held)
        g_main_context_iteration (NULL, TRUE);
    }

  return g_steal_pointer (&server);
}

/* The TCP states tab, showing the server's listening socket. */
static void
show_states (LabWindow   *window,
             LabEndpoint *server)
{
  GObject *stack = gtk_widget_get_template_child (GTK_WIDGET (window), LAB_TYPE_WINDOW, "inspector_stack");

  gtk_stack_set_visible_child_name (GTK_STACK (stack), "states");
  lab_state_diagram_set_source (LAB_STATE_DIAGRAM (lab_window_get_state_diagram (window)), server, NULL);
}

/* The size in pixels of @label's font. */
static double
font_pixels (GtkWidget *label)
{
  PangoContext *context = pango_layout_get_context (gtk_label_get_layout (GTK_LABEL (label)));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  if (pango_font_description_get_size_is_absolute (font))
    return size;
  return size * pango_cairo_context_get_resolution (context) / 72.0;
}

typedef struct {
  GtkWidget *window;
  double     smallest;
  guint      labels;
  GString   *cut;         /* what is cut, one a line */
} Survey;

/* What @widget scrolls in, whole: or, where nothing scrolls, @window; or
 * NULL in a list, which makes its rows as they scroll into view. */
static GtkWidget *
scrolled_area (GtkWidget *widget,
               GtkWidget *window)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *child = scroller != NULL ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)) : window;

  if (GTK_IS_VIEWPORT (child))
    return gtk_viewport_get_child (GTK_VIEWPORT (child));
  return GTK_IS_SCROLLABLE (child) ? NULL : child;
}

/* Every label below @root that shows text: whole (not ellipsised, as wide
 * and as tall as it asks for the width it has), inside the window, and
 * the size of its font. */
static void
survey_labels (GtkWidget *root,
               Survey    *survey)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return;

  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && gtk_label_get_text (GTK_LABEL (root))[0] != '\0')
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));
      GtkWidget *area = scrolled_area (root, survey->window);
      int width = gtk_widget_get_width (root), height = gtk_widget_get_height (root);
      int min_width, natural_width, min_height;
      graphene_rect_t bounds;

      gtk_widget_measure (root, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &natural_width, NULL, NULL);
      gtk_widget_measure (root, GTK_ORIENTATION_VERTICAL, width, &min_height, NULL, NULL, NULL);
      /* In a pane that scrolls, what is out of its view is reached by
       * scrolling: its place is measured in what scrolls. */
      if (area != NULL)
        g_assert_true (gtk_widget_compute_bounds (root, area, &bounds));
      else
        bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);

      if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (root))))
        g_string_append_printf (survey->cut, "ellipsised: “%s”\n", text);
      if (!gtk_label_get_wrap (GTK_LABEL (root)) && width < natural_width)
        g_string_append_printf (survey->cut, "narrower (%d) than its text (%d): “%s”\n", width, natural_width, text);
      if (height < min_height)
        g_string_append_printf (survey->cut, "shorter (%d) than its lines (%d): “%s”\n", height, min_height, text);
      if (bounds.origin.x < -0.5 || bounds.origin.y < -0.5 ||
          (area != NULL && (bounds.origin.x + bounds.size.width > gtk_widget_get_width (area) + 0.5 ||
                            bounds.origin.y + bounds.size.height > gtk_widget_get_height (area) + 0.5)))
        g_string_append_printf (survey->cut, "out of sight at %.0f,%.0f %.0f×%.0f: “%s”\n", bounds.origin.x,
                                bounds.origin.y, bounds.size.width, bounds.size.height, text);

      survey->smallest = MIN (survey->smallest, font_pixels (root));
      survey->labels++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    survey_labels (child, survey);
}

/* The diagram draws its own words: all of them inside it, inside the
 * window, none small. */
static void
survey_diagram (GtkWidget *diagram,
                Survey    *survey)
{
  graphene_rect_t drawn, shown;
  double smallest;

  lab_state_diagram_get_drawn (LAB_STATE_DIAGRAM (diagram), &drawn, &smallest);
  g_assert_cmpfloat (drawn.size.width, >, 0);
  g_assert_true (gtk_widget_compute_bounds (diagram, survey->window, &shown));
  g_test_message ("the diagram: drawn %.0f×%.0f in %.0f×%.0f, its smallest text %.1f px", drawn.size.width,
                  drawn.size.height, shown.size.width, shown.size.height, smallest);
  if (drawn.origin.x < 0 || drawn.origin.y < 0 || drawn.origin.x + drawn.size.width > shown.size.width + 0.5 ||
      drawn.origin.y + drawn.size.height > shown.size.height + 0.5)
    g_string_append_printf (survey->cut, "the diagram, %.0f×%.0f, is cut in %.0f×%.0f\n", drawn.size.width,
                            drawn.size.height, shown.size.width, shown.size.height);
  /* Whole in the pane's view, without scrolling. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (diagram, GTK_TYPE_SCROLLED_WINDOW);
    graphene_rect_t view;

    g_assert_true (gtk_widget_compute_bounds (scroller, survey->window, &view));
    if (!graphene_rect_contains_rect (&view, &GRAPHENE_RECT_INIT (shown.origin.x + drawn.origin.x,
                                                                  shown.origin.y + drawn.origin.y,
                                                                  drawn.size.width, drawn.size.height)))
      g_string_append_printf (survey->cut, "the diagram is out of its pane's view (%.0f×%.0f)\n", view.size.width,
                              view.size.height);
  }
  survey->smallest = MIN (survey->smallest, smallest);
}

static gboolean
in_view (gpointer data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (data, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t view, bounds;

  return gtk_widget_compute_bounds (scroller, GTK_WIDGET (gtk_widget_get_root (data)), &view) &&
         gtk_widget_compute_bounds (data, GTK_WIDGET (gtk_widget_get_root (data)), &bounds) &&
         graphene_rect_contains_rect (&view, &bounds);
}

static void
collect_buttons (GtkWidget *root,
                 GPtrArray *buttons)
{
  if (!gtk_widget_get_visible (root))
    return;
  if (GTK_IS_BUTTON (root) && gtk_widget_get_sensitive (root))
    g_ptr_array_add (buttons, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_buttons (child, buttons);
}

/* Each button of @panel (Start or Stop, Send, Close…), given the focus as
 * Tab would, comes into the bench's view, whole and on the screen. */
static void
reach_buttons (GtkWidget *panel,
               Survey    *survey)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *scroller = gtk_widget_get_ancestor (panel, GTK_TYPE_SCROLLED_WINDOW);

  guint reached = 0;

  collect_buttons (panel, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = buttons->pdata[i];
      graphene_rect_t view, bounds;

      /* A drop-down's own button takes no focus: the drop-down does. */
      if (!gtk_widget_grab_focus (button))
        continue;
      reached++;
      /* The bench glides to it: in a moment, longer on a loaded machine. */
      lab_test_wait_until (in_view, button, 10000);
      g_assert_true (gtk_widget_compute_bounds (scroller, survey->window, &view));
      g_assert_true (gtk_widget_compute_bounds (button, survey->window, &bounds));
      if (!graphene_rect_contains_rect (&view, &bounds))
        g_string_append_printf (survey->cut, "a panel's button out of reach at %.0f,%.0f %.0f×%.0f, the bench shows "
                                "%.0f,%.0f %.0f×%.0f\n", bounds.origin.x, bounds.origin.y, bounds.size.width,
                                bounds.size.height, view.origin.x, view.origin.y, view.size.width, view.size.height);
    }
  g_assert_cmpuint (reached, >=, 3);
}

static void
test_present (gconstpointer data)
{
  const Screen *screen = data;
  LabApplication *app = lab_test_ui_application ();
  GSettings *settings = lab_application_get_settings (app);
  LabWindow *window;
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(GString) cut = g_string_new (NULL);
  Survey survey = { .smallest = G_MAXDOUBLE, .cut = cut };

  /* The language first: the lesson's names are read in it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string (screen->language));
  /* On a screen of fewer lines the lab scales presentation's zoom by the
   * lines over 1080; the test's screen has 1080, so a smaller one's zoom
   * is set as the lab would set it there. */
  g_settings_set_double (settings, "presentation-zoom", 2.0 * MIN (1.0, screen->height / 1080.0));
  g_settings_set_boolean (settings, "presentation", TRUE);
  window = the_window ();
  /* A full screen, as a window manager makes it: with none under the
   * test, the window takes the screen's size as its own, and grows past
   * it only if what it holds cannot fit. */
  gtk_window_set_default_size (GTK_WINDOW (window), screen->width, screen->height);
  lab_test_ui_present (GTK_WINDOW (window));
  server = hold_before_accept (window);
  show_states (window, server);
  lab_timeline_flush (lab_session_get_timeline (lab_window_get_session (window)));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));

  g_test_message ("%s at %d×%d: the window is %d×%d", screen->language, screen->width, screen->height,
                  gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, screen->width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, screen->height);

  /* Every label of the window, the step card, the panels and the
   * timeline's among them; and the diagram's own words. */
  survey.window = GTK_WIDGET (window);
  g_assert_true (gtk_widget_get_mapped (lab_window_get_step_bar (window)));
  survey_labels (GTK_WIDGET (window), &survey);
  survey_diagram (lab_window_get_state_diagram (window), &survey);
  g_assert_cmpuint (survey.labels, >, 30);
  reach_buttons (lab_window_get_panel (window, server), &survey);

  g_test_message ("%u labels, the smallest text %.1f px", survey.labels, survey.smallest);
  if (cut->len > 0)
    g_test_message ("%s", cut->str);
  g_assert_cmpstr (cut->str, ==, "");
  g_assert_cmpfloat (survey.smallest, >=, screen->smallest);

  g_settings_set_boolean (settings, "presentation", FALSE);
  g_settings_reset (settings, "presentation-zoom");
  lab_session_continue (lab_window_get_session (window));
  lab_session_set_step_mode (lab_window_get_session (window), FALSE);
  lab_endpoint_stop (server);
  lab_test_ui_wait (is_stopped, server, 10000);
}

int
main (int   argc,
      char *argv[])
{
  LabApplication *app;

  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  /* Startup applies the settings, as in a real run. */
  app = lab_test_ui_application ();
  g_application_hold (G_APPLICATION (app));
  lab_test_ui_present (GTK_WINDOW (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app))));

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/present/%s/%dx%d", screens[i].language, screens[i].width,
                                               screens[i].height);

      g_test_add_data_func (path, &screens[i], test_present);
    }

  return g_test_run ();
}
