/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-focus-view.h"
#include "lab-window-private.h"
#include "lab-wire.h"

/* The lab: the bench of endpoint panels side by side above, the timeline
 * below, and beside it what is chosen: a row's details, a connection's
 * bytes, its TCP states and numbers, the wire; and, under the Link button,
 * the link's conditions. The window only reads: the endpoints and their
 * timeline belong to the application's session, and outlive it. */

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * lab_window_new:
 * @session: the bench the window shows, which outlives it
 */
LabWindow *
lab_window_new (GtkApplication *application,
                LabSession     *session)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LAB_IS_SESSION (session), NULL);

  return g_object_new (LAB_TYPE_WINDOW,
                       "application", application,
                       "session", session,
                       NULL);
}

/**
 * lab_window_get_session:
 *
 * Returns: (transfer none): the session the window shows
 */
LabSession *
lab_window_get_session (LabWindow *self)
{
  return self->session;
}

/**
 * lab_window_get_timeline_view:
 *
 * Returns: (transfer none): the timeline
 */
GtkWidget *
lab_window_get_timeline_view (LabWindow *self)
{
  return GTK_WIDGET (self->timeline_view);
}

/**
 * lab_window_get_panel:
 *
 * Returns: (transfer none) (nullable): the panel of @endpoint
 */
GtkWidget *
lab_window_get_panel (LabWindow   *self,
                      LabEndpoint *endpoint)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->bench_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (lab_endpoint_panel_get_endpoint (LAB_ENDPOINT_PANEL (child)) == endpoint)
      return child;

  return NULL;
}

GtkWidget *
lab_window_get_bytes_view (LabWindow *self)
{
  return GTK_WIDGET (self->bytes_view);
}

GtkWidget *
lab_window_get_state_diagram (LabWindow *self)
{
  return GTK_WIDGET (self->state_diagram);
}

GtkWidget *
lab_window_get_wire_view (LabWindow *self)
{
  return GTK_WIDGET (self->wire_view);
}

/**
 * lab_window_get_link_panel:
 *
 * Returns: (transfer none): the Link page: the link's conditions and
 *   counters
 */
GtkWidget *
lab_window_get_link_panel (LabWindow *self)
{
  return GTK_WIDGET (self->link_panel);
}

/**
 * lab_window_show_link:
 *
 * Opens the link's conditions under the Link button, the first field
 * ready to type.
 */
void
lab_window_show_link (LabWindow *self)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  gtk_menu_button_popup (self->link_button);
  lab_link_panel_focus_first (self->link_panel);
}

/* The conditions fit under the header bar, whatever the window's height
 * and the text's size: they scroll past it. They open over the bench,
 * towards the window's left edge, and leave the inspector, the TCP chart
 * among them, in sight. */
static void
on_link_popover_show (LabWindow *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int width = 0;

  lab_link_panel_set_max_height (self->link_panel, MAX (200, height - 120));
  gtk_widget_measure (GTK_WIDGET (self->link_panel), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_popover_set_offset (self->link_popover, -width / 2, 0);
}

/**
 * lab_window_get_tcp_chart:
 *
 * Returns: (transfer none): the chart of the chosen connection's TCP
 *   numbers, under its states
 */
GtkWidget *
lab_window_get_tcp_chart (LabWindow *self)
{
  return GTK_WIDGET (self->tcp_chart);
}

GtkWidget *
lab_window_get_step_bar (LabWindow *self)
{
  return GTK_WIDGET (self->step_bar);
}

/* ---- What the inspector shows ---- */

static void
show_connection (LabWindow        *self,
                 LabEndpointPanel *panel)
{
  LabEndpoint *endpoint = panel != NULL ? lab_endpoint_panel_get_endpoint (panel) : NULL;
  LabConnection *connection = panel != NULL ? lab_endpoint_panel_get_connection (panel) : NULL;

  self->current_panel = panel;
  self->shown_connection = connection != NULL ? lab_connection_get_id (connection) : 0;
  lab_bytes_view_set_connection (self->bytes_view, endpoint, connection);

  /* A server's framing is how its bytes read best. */
  if (endpoint != NULL)
    {
      LabFraming framing = LAB_FRAMING_RAW;

      if (lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint)))
        g_object_get (lab_endpoint_get_config (endpoint), "framing", &framing, NULL);
      lab_bytes_view_set_framing (self->bytes_view, framing);
    }
  lab_state_diagram_set_source (self->state_diagram,
                                endpoint != NULL && lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint))
                                ? endpoint : NULL,
                                endpoint != NULL && lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint))
                                ? connection : NULL);
  lab_tcp_chart_set_connection (self->tcp_chart,
                                connection != NULL && lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint))
                                ? lab_connection_get_id (connection) : 0);
}

static void
on_panel_connection (LabEndpointPanel *panel,
                     GParamSpec       *pspec,
                     LabWindow        *self)
{
  show_connection (self, panel);
}

/* A packet chosen that carries data chooses its data event in the
 * timeline; a data event or a send chosen there, the first packet that
 * carries its bytes. */
static void
on_wire_selected (LabWindow *self)
{
  LabEvent *packet = lab_wire_view_get_selected (self->wire_view);
  LabWireInfo wire;

  if (self->choosing || packet == NULL || !lab_wire_describe_event (packet, &wire) || wire.data_seq == 0)
    return;
  self->choosing = TRUE;
  lab_timeline_view_select_seq (self->timeline_view, wire.data_seq);
  self->choosing = FALSE;
}

static void
choose_packet (LabWindow *self,
               LabEvent  *event)
{
  guint64 data_seq = lab_wire_data_of (event);
  guint64 packet = data_seq != 0 ? lab_wire_first_packet (lab_session_get_timeline (self->session), data_seq) : 0;

  if (self->choosing || packet == 0)
    return;
  self->choosing = TRUE;
  lab_wire_view_select_seq (self->wire_view, packet);
  self->choosing = FALSE;
}

static void
on_timeline_selected (LabWindow *self)
{
  LabEvent *event = lab_timeline_view_get_selected (self->timeline_view);

  lab_event_details_set_event (self->details, event);
  if (event == NULL)
    return;
  lab_wire_view_choose_connection (self->wire_view, lab_event_get_connection (event));
  choose_packet (self, event);

  /* A row of a connection shows that connection beside it; a row of a TCP
   * server's own, its listening socket. */
  {
    LabEndpoint *endpoint = lab_session_find (self->session, lab_event_get_endpoint_id (event));
    GtkWidget *panel = endpoint != NULL ? lab_window_get_panel (self, endpoint) : NULL;
    LabEndpointConfig *config = endpoint != NULL ? lab_endpoint_get_config (endpoint) : NULL;

    if (panel != NULL && lab_event_get_connection (event) == 0 &&
        lab_endpoint_config_is_tcp (config) && lab_endpoint_config_is_server (config))
      lab_state_diagram_set_source (self->state_diagram, endpoint, NULL);
    else if (panel != NULL && lab_event_get_connection (event) != 0)
      {
        LabConnection *connection = lab_endpoint_find_connection (endpoint, lab_event_get_connection (event));

        if (connection != NULL)
          {
            self->shown_connection = lab_connection_get_id (connection);
            lab_bytes_view_set_connection (self->bytes_view, endpoint, connection);
            if (lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint)))
              {
                lab_state_diagram_set_source (self->state_diagram, endpoint, connection);
                lab_tcp_chart_set_connection (self->tcp_chart, lab_connection_get_id (connection));
              }
          }
      }
  }
}

/* The chart's last values in words, under it; what to do for some, the
 * chart says itself. */
static void
on_chart_text (LabTcpChart *chart,
               GParamSpec  *pspec,
               GtkLabel    *label)
{
  gtk_label_set_text (label, lab_tcp_chart_get_text (chart));
  gtk_widget_set_visible (GTK_WIDGET (label), lab_tcp_chart_get_n_points (chart) > 0);
}

/* ---- The bench ---- */

static void
update_bench_page (LabWindow *self)
{
  guint n = g_list_model_get_n_items (lab_session_get_endpoints (self->session));

  gtk_stack_set_visible_child_name (self->bench_stack, n > 0 ? "bench" : "empty");
  lab_window_actions_update (self);
}

static void
on_endpoints_changed (GListModel *endpoints,
                      guint       position,
                      guint       removed,
                      guint       added,
                      LabWindow  *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->bench_box));
  GtkWidget *before = NULL;

  /* The panels follow the model, position for position. */
  for (guint i = 0; i < position && child != NULL; i++)
    {
      before = child;
      child = gtk_widget_get_next_sibling (child);
    }

  for (guint i = 0; i < removed && child != NULL; i++)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child == GTK_WIDGET (self->current_panel))
        show_connection (self, NULL);
      gtk_box_remove (self->bench_box, child);
      child = next;
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, position + i);
      GtkWidget *panel = lab_endpoint_panel_new (self->session, endpoint);

      g_signal_connect_object (panel, "notify::connection", G_CALLBACK (on_panel_connection), self, 0);
      gtk_box_insert_child_after (self->bench_box, panel, before);
      before = panel;
    }

  update_bench_page (self);
}

static gboolean
scroll_bench_to_end (gpointer data)
{
  LabWindow *self = data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->bench_scroller);

  self->scroll_idle = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));

  return G_SOURCE_REMOVE;
}

/* The bench's panels stand side by side: where they are all in sight
 * from top to bottom, the wheel takes them sideways, as Shift and the
 * wheel do anywhere. A widget in a panel that takes the wheel itself has
 * it first. */
static gboolean
on_bench_scroll (GtkEventControllerScroll *controller,
                 double                    dx,
                 double                    dy,
                 LabWindow                *self)
{
  GtkAdjustment *across = gtk_scrolled_window_get_hadjustment (self->bench_scroller);
  GtkAdjustment *down = gtk_scrolled_window_get_vadjustment (self->bench_scroller);
  double page = gtk_adjustment_get_page_size (across);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (dy == 0 || (state & GDK_SHIFT_MASK) != 0 ||
      gtk_adjustment_get_upper (down) - gtk_adjustment_get_lower (down) > gtk_adjustment_get_page_size (down) ||
      gtk_adjustment_get_upper (across) - gtk_adjustment_get_lower (across) <= page)
    return FALSE;

  /* The step GTK's own scrolling takes for a notch of the wheel. */
  gtk_adjustment_set_value (across, gtk_adjustment_get_value (across) + dy * pow (page, 2.0 / 3.0));
  return TRUE;
}

/**
 * lab_window_add_endpoint:
 *
 * Puts a new endpoint of @kind on the bench, in view, its first field
 * ready to type.
 *
 * Returns: (transfer none) (nullable): the endpoint, or %NULL when the
 *   bench is full (said in a dialog)
 */
LabEndpoint *
lab_window_add_endpoint (LabWindow       *self,
                         LabEndpointKind  kind)
{
  LabEndpoint *endpoint = lab_session_add (self->session, kind);
  GtkWidget *panel;
  g_autofree char *why = NULL;

  if (endpoint == NULL)
    {
      /* Translators: %u is the most endpoints a bench holds. */
      why = g_strdup_printf (_("It has %u endpoints, the most an experiment file takes. Remove one to add "
                               "another."), LAB_EXPERIMENT_MAX_ENDPOINTS);
      lab_window_show_message (self, GTK_MESSAGE_INFO, _("The bench is full"), why);
      return NULL;
    }

  panel = lab_window_get_panel (self, endpoint);
  if (panel != NULL)
    lab_endpoint_panel_focus_first_field (LAB_ENDPOINT_PANEL (panel));
  if (self->scroll_idle == 0)
    self->scroll_idle = g_idle_add (scroll_bench_to_end, self);
  return endpoint;
}

/* ---- The experiment ---- */

/**
 * lab_window_show_message:
 *
 * Says @primary, then @secondary, in a dialog over the window.
 */
void
lab_window_show_message (LabWindow      *self,
                         GtkMessageType  type,
                         const char     *primary,
                         const char     *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              type, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The notes above the bench: what to look for, and the steps to try. */
static void
update_lesson_bar (LabWindow *self)
{
  const char *title = lab_session_get_title (self->session);
  const char *notes = lab_session_get_notes (self->session);
  const char *const *steps = lab_session_get_steps (self->session);
  g_autoptr(GString) numbered = g_string_new (NULL);

  for (guint i = 0; steps[i] != NULL; i++)
    g_string_append_printf (numbered, "%s%u. %s", i > 0 ? "\n" : "", i + 1, steps[i]);

  gtk_label_set_text (self->lesson_title, title);
  gtk_label_set_text (self->lesson_notes, notes);
  gtk_widget_set_visible (GTK_WIDGET (self->lesson_notes), notes[0] != '\0');
  gtk_label_set_text (self->lesson_steps, numbered->str);
  gtk_widget_set_visible (GTK_WIDGET (self->lesson_steps), numbered->len > 0);
  gtk_revealer_set_reveal_child (self->lesson_revealer, title[0] != '\0' || notes[0] != '\0' ||
                                 gtk_widget_get_visible (GTK_WIDGET (self->play_notes)));

}

/* The experiment's title, marked while the bench has unsaved changes. */
static void
update_title (LabWindow *self)
{
  const char *title = lab_session_get_title (self->session);
  g_autofree char *named = NULL;
  g_autofree char *marked = NULL;

  /* Translators: the window's title: an experiment's title, then the program's name. */
  named = title[0] != '\0' ? g_strdup_printf (_("%s — Protolab"), title) : g_strdup ("Protolab");
  if (lab_session_get_modified (self->session))
    /* Translators: the window's title while the bench has unsaved changes: the dot marks them. */
    marked = g_strdup_printf (_("• %s"), named);
  gtk_window_set_title (GTK_WINDOW (self), marked != NULL ? marked : named);
}

/* What Play did that the class must know, where it reads the lesson: a
 * port it moved, what holds one it left in use, a server it could not
 * start and why (its clients' panels say they were not started). */
static void
update_play_notes (LabWindow *self)
{
  g_auto(GStrv) notes = lab_session_dup_play_notes (self->session);
  GListModel *endpoints = lab_session_get_endpoints (self->session);
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_auto(GStrv) all = NULL;
  g_autofree char *text = NULL;
  gboolean any;

  g_strv_builder_addv (lines, (const char **) notes);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      g_autofree char *why = NULL;

      if (!lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint)))
        continue;
      why = lab_session_dup_not_started (self->session, endpoint);
      if (why != NULL)
        {
          /* Translators: in the lesson's bar after Play: a server's name, then why it could not start. */
          g_autofree char *line = g_strdup_printf (_("The server “%s” could not start: %s"),
                                                   lab_endpoint_get_name (endpoint), why);

          g_strv_builder_add (lines, line);
        }
    }
  all = g_strv_builder_end (lines);
  text = g_strjoinv ("\n", all);
  any = text[0] != '\0';

  gtk_label_set_text (self->play_notes, text);
  gtk_widget_set_visible (GTK_WIDGET (self->play_notes), any);
  if (any)
    gtk_revealer_set_reveal_child (self->lesson_revealer, TRUE);
}

static void
add_play_notes (LabWindow *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  g_autoptr(PangoAttrList) attributes = NULL;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (label), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 90);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* Bold, to be read first: it changes what the lesson's notes say. */
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  gtk_widget_set_visible (label, FALSE);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->lesson_title))), label,
                              GTK_WIDGET (self->lesson_title));
  self->play_notes = GTK_LABEL (label);
  g_signal_connect_object (self->session, "play-changed", G_CALLBACK (update_play_notes), self, G_CONNECT_SWAPPED);
  update_play_notes (self);
}

/**
 * lab_window_load_experiment:
 * @file: (nullable): where Save writes it from now on
 *
 * Replaces the bench with @experiment, and shows its notes.
 */
void
lab_window_load_experiment (LabWindow     *self,
                            LabExperiment *experiment,
                            GFile         *file)
{
  show_connection (self, NULL);
  lab_session_load (self->session, experiment);
  lab_link_panel_refresh (self->link_panel);
  g_set_object (&self->file, file);
  update_lesson_bar (self);
  update_title (self);
}

/* ---- Presentation mode ---- */

/* A full screen hides the titlebar: there the header bar's buttons move
 * to a bar atop the content, with no window buttons, so that Add, Play,
 * Lessons and the menu stay at hand. */
static void
place_buttons (LabWindow *self)
{
  gboolean atop = gtk_window_is_fullscreen (GTK_WINDOW (self));
  GtkHeaderBar *from = atop ? self->header_bar : self->presentation_bar;
  GtkHeaderBar *to = atop ? self->presentation_bar : self->header_bar;
  GtkWidget *start[] = { self->add_button, self->play_button, self->step_toggle, GTK_WIDGET (self->link_button),
                         self->breakpoints_button };
  /* From the end inwards, as they were packed. */
  GtkWidget *end[] = { GTK_WIDGET (self->primary_menu_button), GTK_WIDGET (self->lessons_button) };

  if (gtk_widget_get_ancestor (self->add_button, GTK_TYPE_HEADER_BAR) != GTK_WIDGET (to))
    {
      for (guint i = 0; i < G_N_ELEMENTS (start) + G_N_ELEMENTS (end); i++)
        {
          gboolean at_start = i < G_N_ELEMENTS (start);
          g_autoptr(GtkWidget) button = g_object_ref (at_start ? start[i] : end[i - G_N_ELEMENTS (start)]);

          gtk_header_bar_remove (from, button);
          if (at_start)
            gtk_header_bar_pack_start (to, button);
          else
            gtk_header_bar_pack_end (to, button);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->presentation_bar), atop);
}

/* In presentation mode the step held becomes a band across the window,
 * large, where a class reads it; the header bar shows no title, which
 * the lesson's notes show whole, and keeps its width for the buttons. */
static void
place_step_bar (LabWindow *self,
                gboolean   presentation)
{
  g_autoptr(GtkWidget) step_bar = g_object_ref (GTK_WIDGET (self->step_bar));

  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (step_bar)), step_bar);
  if (presentation)
    gtk_box_prepend (self->left_box, step_bar);
  else
    gtk_box_prepend (self->inspector_box, step_bar);
  lab_step_bar_set_wide (self->step_bar, presentation);
  gtk_header_bar_set_title_widget (self->header_bar, presentation ? gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0)
                                                                  : NULL);
}

/* Full screen, the theme's high contrast (set by the application), and only
 * what a class needs to read: the filters and the breakpoints go. */
static void
update_presentation (LabWindow *self)
{
  gboolean presentation = g_settings_get_boolean (self->settings, "presentation");

  if (presentation)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      if (self->presenting)
        gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  /* Placed again for the mode, once laid out in it. */
  if (self->presenting != presentation)
    self->placed = self->bench_placed = FALSE;
  self->presenting = presentation;

  place_step_bar (self, presentation);
  gtk_widget_set_visible (self->breakpoints_button, !presentation);
  /* The notes scroll: in presentation mode, where the step held, the
   * bench and the timeline share the height in large text, in fewer
   * lines. */
  gtk_scrolled_window_set_max_content_height (self->lesson_scroller, presentation ? 120 : 220);
  lab_timeline_view_set_toolbar_visible (self->timeline_view, !presentation);
}

/**
 * lab_window_take_state:
 * @old: the window @self replaces
 *
 * Takes @old's size, divisions and choices, so that a window made again
 * (in another language) looks the same.
 */
void
lab_window_take_state (LabWindow *self,
                       LabWindow *old)
{
  int width, height;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (LAB_IS_WINDOW (old));

  gtk_window_get_default_size (GTK_WINDOW (old), &width, &height);
  if (gtk_widget_get_width (GTK_WIDGET (old)) > 0)
    {
      width = gtk_widget_get_width (GTK_WIDGET (old));
      height = gtk_widget_get_height (GTK_WIDGET (old));
    }
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (gtk_window_is_maximized (GTK_WINDOW (old)))
    gtk_window_maximize (GTK_WINDOW (self));

  self->placed = old->placed;
  g_set_object (&self->file, old->file);
  gtk_revealer_set_reveal_child (self->lesson_revealer, gtk_revealer_get_reveal_child (old->lesson_revealer));
  gtk_paned_set_position (self->outer_paned, gtk_paned_get_position (old->outer_paned));
  gtk_paned_set_position (self->main_paned, gtk_paned_get_position (old->main_paned));
  gtk_stack_set_visible_child_name (self->inspector_stack, gtk_stack_get_visible_child_name (old->inspector_stack));
}

/* The inspector takes a third of the window's width, whatever its size at
 * first; after that, what the user makes of it. In presentation mode, where
 * the step held has left it for a band across, it takes nearly half: the
 * TCP states, in large text, need the width. */
static void
on_outer_max_position (LabWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->outer_paned));
  int max = 0;

  g_object_get (self->outer_paned, "max-position", &max, NULL);

  if (self->placed || width <= 0 || max <= 0 || max == G_MAXINT)
    return;
  self->placed = TRUE;
  gtk_paned_set_position (self->outer_paned, MIN (max, self->presenting ? width * 11 / 20 : width * 2 / 3));
}

/* Under the band of the step held, the bench keeps room for a panel's
 * buttons; the timeline, whose rows follow the newest, the rest. Set once
 * the pane has its height in presentation mode, which may come after the
 * width. */
static void
on_main_max_position (LabWindow *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->main_paned));
  int max = 0;

  g_object_get (self->main_paned, "max-position", &max, NULL);
  if (!self->presenting || self->bench_placed || height <= 0 || max <= 0 || max == G_MAXINT)
    return;
  self->bench_placed = TRUE;
  gtk_paned_set_position (self->main_paned, MIN (max, height * 7 / 10));
}

/* ---- The window ---- */

static void
lab_window_save_size (LabWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  /* A full screen is presentation mode's, not a size to come back to. */
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static void
close_now (LabWindow *self,
           gpointer   data)
{
  self->may_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  LabWindow *self = LAB_WINDOW (window);

  /* What runs stops with the lab, and changes not saved are lost: asked
   * first, as Ctrl+Q asks (it closes the window this way). */
  if (!self->may_close &&
      (lab_session_count_active (self->session) > 0 || lab_session_get_modified (self->session)))
    {
      lab_window_ask_discard (self, _("Close Protolab?"), lab_window_next_new (close_now, NULL, NULL));
      return TRUE;
    }

  lab_window_save_size (self);

  return GTK_WINDOW_CLASS (lab_window_parent_class)->close_request (window);
}

static void
lab_window_constructed (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);
  GListModel *endpoints;

  G_OBJECT_CLASS (lab_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);

  /* The call held in step mode, above what is chosen: a step explained
   * needs height more than width. */
  self->content = GTK_BOX (gtk_window_get_child (GTK_WINDOW (self)));
  self->header_bar = GTK_HEADER_BAR (gtk_window_get_titlebar (GTK_WINDOW (self)));
  self->step_bar = LAB_STEP_BAR (lab_step_bar_new (self->session));
  gtk_box_prepend (self->inspector_box, GTK_WIDGET (self->step_bar));
  self->timeline_view = LAB_TIMELINE_VIEW (lab_timeline_view_new (self->session));
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline_view), TRUE);
  gtk_box_append (self->timeline_slot, GTK_WIDGET (self->timeline_view));
  self->wire_view = LAB_WIRE_VIEW (lab_wire_view_new (self->session));
  gtk_widget_set_vexpand (GTK_WIDGET (self->wire_view), TRUE);
  gtk_box_append (self->wire_slot, GTK_WIDGET (self->wire_view));
  self->link_panel = LAB_LINK_PANEL (lab_link_panel_new (self->session));
  gtk_popover_set_child (self->link_popover, GTK_WIDGET (self->link_panel));
  g_signal_connect_object (self->link_popover, "show", G_CALLBACK (on_link_popover_show), self, G_CONNECT_SWAPPED);
  {
    GtkWidget *label = gtk_label_new (NULL);

    self->tcp_chart = LAB_TCP_CHART (lab_tcp_chart_new (self->session));
    gtk_widget_set_vexpand (GTK_WIDGET (self->tcp_chart), TRUE);
    gtk_box_append (self->chart_slot, GTK_WIDGET (self->tcp_chart));
    /* The chart in words, under it */
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_width_chars (GTK_LABEL (label), 20);
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    gtk_widget_add_css_class (label, "dim-label");
    g_signal_connect_object (self->tcp_chart, "notify::text", G_CALLBACK (on_chart_text), label, 0);
    on_chart_text (self->tcp_chart, NULL, GTK_LABEL (label));
    gtk_box_append (self->chart_slot, label);
  }

  lab_window_actions_init (self);
  /* A field or a button reached with Tab comes into view: the keyboard
   * takes the bench sideways, and each panel down itself. */
  lab_focus_view_attach (self->bench_scroller);
  {
    GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    g_signal_connect_object (wheel, "scroll", G_CALLBACK (on_bench_scroll), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->bench_box), wheel);
  }
  g_signal_connect_object (self->timeline_view, "notify::selected", G_CALLBACK (on_timeline_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->wire_view, "notify::selected", G_CALLBACK (on_wire_selected), self,
                           G_CONNECT_SWAPPED);

  endpoints = lab_session_get_endpoints (self->session);
  g_signal_connect_object (endpoints, "items-changed", G_CALLBACK (on_endpoints_changed), self, 0);
  lab_state_diagram_set_endpoints (self->state_diagram, endpoints);
  on_endpoints_changed (endpoints, 0, 0, g_list_model_get_n_items (endpoints), self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  lab_window_files_init (self);
  add_play_notes (self);
  update_lesson_bar (self);
  g_signal_connect_object (self->session, "notify::modified", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  update_title (self);

  g_signal_connect_object (self->outer_paned, "notify::max-position", G_CALLBACK (on_outer_max_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_paned, "notify::max-position", G_CALLBACK (on_main_max_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::presentation", G_CALLBACK (update_presentation), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::fullscreened", G_CALLBACK (place_buttons), self, G_CONNECT_SWAPPED);
  update_presentation (self);
}

static void
lab_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (lab_session_get_endpoints (self->session), self);
  self->current_panel = NULL;
  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  /* What is still being read or written is left, and not said. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_weak_pointer (&self->question);
  g_clear_object (&self->file);
  g_clear_pointer (&self->export_kind, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lab_window_constructed;
  object_class->dispose = lab_window_dispose;
  object_class->get_property = lab_window_get_property;
  object_class->set_property = lab_window_set_property;

  window_class->close_request = lab_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_BYTES_VIEW);
  g_type_ensure (LAB_TYPE_EVENT_DETAILS);
  g_type_ensure (LAB_TYPE_STATE_DIAGRAM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, breakpoints_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bytes_view);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, details);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_notes);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lessons_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_steps);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_title);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, left_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, link_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, link_popover);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lessons_section);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, presentation_bar);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, state_diagram);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, states_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, chart_slot);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, step_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, timeline_slot);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, wire_slot);

  lab_window_actions_class_init (klass);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
}
