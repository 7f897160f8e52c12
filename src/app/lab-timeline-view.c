/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-colours.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-source-line.h"
#include "lab-timeline-filter.h"
#include "lab-timeline-view.h"

/* The timeline, read: every call with its arguments and result, the
 * kernel's states, the data, the notes, in order, for all endpoints. The
 * list is virtual and reads the engine's model, which changes in batches;
 * it follows the newest events until the user scrolls up. */

#define N_COLUMNS 5

typedef enum {
  COLUMN_TIME,
  COLUMN_ENDPOINT,
  COLUMN_EVENT,
  COLUMN_RESULT,
  COLUMN_DURATION,
} Column;

struct _LabTimelineView
{
  GtkWidget           parent_instance;

  LabSession         *session;
  LabTimelineFilter  *filtered;
  GtkSingleSelection *selection;
  GArray             *endpoint_ids;
  gboolean            following;
  gboolean            scrolling;
  gboolean            scroll_pending;
  GdkFrameClock      *frame_clock;
  gulong              after_paint_id;
  gint64              user_input_until;

  /* Template widgets */
  GtkWidget          *box;
  GtkWidget          *toolbar;
  GtkToggleButton    *calls_toggle;
  GtkToggleButton    *states_toggle;
  GtkToggleButton    *data_toggle;
  GtkToggleButton    *notes_toggle;
  GtkToggleButton    *kernel_toggle;
  GtkDropDown        *endpoint_dropdown;
  GtkLabel           *dropped_label;
  GtkLabel           *flood_label;
  guint               dropped_id;
  guint               scroll_to;
  GtkWidget          *newest_button;
  GtkScrolledWindow  *scroller;
  GtkColumnView      *column_view;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabTimelineView, lab_timeline_view, GTK_TYPE_WIDGET)

static void set_following (LabTimelineView *self,
                           gboolean         following);

GtkWidget *
lab_timeline_view_new (LabSession *session)
{
  return g_object_new (LAB_TYPE_TIMELINE_VIEW, "session", session, NULL);
}

/**
 * lab_timeline_view_get_selected:
 *
 * Returns: (transfer none) (nullable): the event of the selected row
 */
LabEvent *
lab_timeline_view_get_selected (LabTimelineView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * lab_timeline_view_get_model:
 *
 * Returns: (transfer none): the rows as shown, filtered
 */
GListModel *
lab_timeline_view_get_model (LabTimelineView *self)
{
  return G_LIST_MODEL (self->filtered);
}

/**
 * lab_timeline_view_select:
 *
 * Picks the row of @event, as a click on it would.
 *
 * Returns: whether the row is shown, and so was picked
 */
gboolean
lab_timeline_view_select (LabTimelineView *self,
                          LabEvent        *event)
{
  GListModel *rows = G_LIST_MODEL (self->filtered);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) row = g_list_model_get_item (rows, i);

      if (lab_event_get_seq (row) == lab_event_get_seq (event))
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

static void
scroll_to_row (LabTimelineView *self)
{
  GtkWidget *list = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));

  for (; list != NULL; list = gtk_widget_get_next_sibling (list))
    if (GTK_IS_LIST_VIEW (list))
      gtk_widget_activate_action (list, "list.scroll-to-item", "u", self->scroll_to);
}

static void queue_scroll (LabTimelineView *self);

/**
 * lab_timeline_view_select_seq:
 * @seq: the number of an event
 *
 * Picks the row of that event, and brings it into view, unless the
 * filters leave it out.
 *
 * Returns: whether the row is shown, and so was picked
 */
gboolean
lab_timeline_view_select_seq (LabTimelineView *self,
                              guint64          seq)
{
  gboolean told;
  guint position;

  g_return_val_if_fail (LAB_IS_TIMELINE_VIEW (self), FALSE);

  told = lab_timeline_filter_tell_now (self->filtered);
  position = lab_timeline_filter_find (self->filtered, seq);

  if (position == G_MAXUINT)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  /* It stays in view while newer rows arrive. */
  set_following (self, position + 1 >= g_list_model_get_n_items (G_LIST_MODEL (self->filtered)));
  /* A row just told is scrolled to once it is laid out. */
  self->scroll_to = position;
  if (told)
    queue_scroll (self);
  else
    {
      scroll_to_row (self);
      self->scroll_to = G_MAXUINT;
    }
  return TRUE;
}

/**
 * lab_timeline_view_set_toolbar_visible:
 *
 * Shows or hides the filters, which presentation mode leaves out.
 */
void
lab_timeline_view_set_toolbar_visible (LabTimelineView *self,
                                       gboolean         visible)
{
  g_return_if_fail (LAB_IS_TIMELINE_VIEW (self));

  gtk_widget_set_visible (self->toolbar, visible);
}

static char *
format_duration (LabEvent *event)
{
  gint64 us;

  if (lab_event_get_kind (event) != LAB_EVENT_CALL || !lab_event_get_finished (event) ||
      lab_event_get_instrumentation (event))
    return g_strdup ("");

  us = lab_event_get_end_time (event) - lab_event_get_begin_time (event);
  if (us < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT " µs", us);
  if (us < G_USEC_PER_SEC)
    return g_strdup_printf ("%.1f ms", us / 1000.0);
  return g_strdup_printf ("%.2f s", us / (double) G_USEC_PER_SEC);
}

/* ---- Cells ---- */

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_TIME || column == COLUMN_DURATION ? 1 : 0);
  /* A call and its result wrap, rather than end in “…”, where the
   * columns are narrow (presentation's large text): whole to three lines
   * (four for a result, and for a traced call with its line below);
   * past that only long data, which the bytes view shows whole. */
  if (column == COLUMN_EVENT || column == COLUMN_RESULT)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      /* A result with an address takes four narrow lines. */
      gtk_label_set_lines (GTK_LABEL (label), 4);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), column == COLUMN_EVENT ? 16 : 8);
    }
  else
    gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column != COLUMN_ENDPOINT)
    gtk_widget_add_css_class (label, "monospace");

  if (column == COLUMN_ENDPOINT)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_box_append (GTK_BOX (box), lab_colour_mark_new ());
      gtk_box_append (GTK_BOX (box), label);
      gtk_list_item_set_child (item, box);
      return;
    }

  /* Its row, found again to take the focus (see focus_newest_row). */
  if (column == COLUMN_TIME)
    g_object_set_data (G_OBJECT (label), "lab-list-item", item);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  LabEvent *event = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkWidget *label = column == COLUMN_ENDPOINT ? gtk_widget_get_last_child (child) : child;
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_TIME:
      text = g_strdup_printf ("%.3f", lab_event_get_begin_time (event) / (double) G_USEC_PER_SEC);
      break;

    case COLUMN_ENDPOINT:
      {
        const char *name = lab_event_get_endpoint_name (event);

        lab_colour_mark_set (gtk_widget_get_first_child (child), lab_event_get_endpoint_mark (event));
        /* Translators: an endpoint's name and the number of its thread (0: the lab watching the kernel). */
        text = g_strdup_printf (_("%s · %u"), name != NULL ? name : "", lab_event_get_thread (event));
      }
      break;

    case COLUMN_EVENT:
      {
        g_autofree char *line = lab_source_line_short (event);

        /* A traced program's call, and below it the line that made it */
        text = lab_format_event (event);
        if (line != NULL)
          {
            char *both = g_strconcat (text, "\n", line, NULL);

            g_free (text);
            text = both;
          }
      }
      break;

    case COLUMN_RESULT:
      text = lab_format_result (event);
      gtk_widget_remove_css_class (label, "call-failed");
      gtk_widget_remove_css_class (label, "call-waiting");
      if (lab_event_get_kind (event) == LAB_EVENT_CALL)
        {
          if (!lab_event_get_finished (event))
            gtk_widget_add_css_class (label, "call-waiting");
          else if (lab_event_get_errno (event) != 0)
            gtk_widget_add_css_class (label, "call-failed");
        }
      break;

    case COLUMN_DURATION:
    default:
      text = format_duration (event);
      break;
    }

  gtk_label_set_text (GTK_LABEL (label), text);

  /* What kind of row it is, for the eye, beside its words. */
  if (column == COLUMN_EVENT)
    {
      static const char *kinds[] = { "event-call", "event-state", "event-data", "event-note", "event-kernel" };
      LabEventKind kind = lab_event_get_kind (event);

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        gtk_widget_remove_css_class (label, kinds[i]);
      gtk_widget_add_css_class (label, lab_event_get_instrumentation (event) ? "event-kernel" : kinds[kind]);
    }
}

static void
add_column (LabTimelineView *self,
            Column           column,
            const char      *title,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

/* ---- Filtering ---- */

/* The filter reads the records where they lie: switching it costs a pass
 * over them, and no row is made that is not shown. */
static void
on_filter_toggled (LabTimelineView *self)
{
  guint selected = gtk_drop_down_get_selected (self->endpoint_dropdown);
  guint endpoint = 0;
  guint kinds = 0;

  if (self->filtered == NULL)
    return;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->endpoint_ids->len)
    endpoint = g_array_index (self->endpoint_ids, guint, selected - 1);
  if (gtk_toggle_button_get_active (self->calls_toggle))
    kinds |= 1u << LAB_EVENT_CALL;
  if (gtk_toggle_button_get_active (self->states_toggle))
    kinds |= 1u << LAB_EVENT_STATE;
  if (gtk_toggle_button_get_active (self->data_toggle))
    kinds |= 1u << LAB_EVENT_DATA;
  if (gtk_toggle_button_get_active (self->notes_toggle))
    kinds |= 1u << LAB_EVENT_NOTE;

  lab_timeline_filter_set (self->filtered, kinds, gtk_toggle_button_get_active (self->kernel_toggle), endpoint, 0);
}

static void
update_endpoints (LabTimelineView *self)
{
  GListModel *endpoints = lab_session_get_endpoints (self->session);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected_id = 0;
  guint selected = gtk_drop_down_get_selected (self->endpoint_dropdown);
  guint new_selected = 0;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->endpoint_ids->len)
    selected_id = g_array_index (self->endpoint_ids, guint, selected - 1);

  g_array_set_size (self->endpoint_ids, 0);
  gtk_string_list_append (names, _("All endpoints"));
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      guint id = lab_endpoint_get_id (endpoint);

      g_array_append_val (self->endpoint_ids, id);
      gtk_string_list_append (names, lab_endpoint_get_name (endpoint));
      if (id == selected_id)
        new_selected = i + 1;
    }

  gtk_drop_down_set_model (self->endpoint_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->endpoint_dropdown, new_selected);
}

/* ---- Following the newest ---- */

#define USER_INPUT_US (500 * G_TIME_SPAN_MILLISECOND)
/* New rows are shown ten times a second at most: GTK 4.8 makes a row's
 * widgets anew for each row it is told of, which a flood would otherwise
 * ask sixty times a second of every row in view. */
#define ROWS_PACE_MS  100
/* Past this many rows at once, a tenth of a second's worth, the view says
 * how many come instead of showing them: a student reads a few calls a
 * second; a flood brings tens of thousands. */
#define FLOOD_ROWS 200

/* Once a frame is drawn, the list's layout is that of its rows: a move
 * asked before it, while rows wait to be laid out, finds no row where it
 * lands (GTK 4.8 warns, and ignores it). */
static void
on_after_paint (GdkFrameClock   *clock,
                LabTimelineView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  if (self->scroll_to != G_MAXUINT)
    {
      scroll_to_row (self);
      self->scroll_to = G_MAXUINT;
    }
  if (!self->scroll_pending)
    return;
  self->scroll_pending = FALSE;
  self->scrolling = TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  self->scrolling = FALSE;
}

/* At the end of the next frame, which comes however busy the main context
 * is: GDK_PRIORITY_REDRAW is above the traffic's work. */
static void
queue_scroll (LabTimelineView *self)
{
  if (self->frame_clock != NULL)
    gdk_frame_clock_request_phase (self->frame_clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

static void
queue_scroll_to_end (LabTimelineView *self)
{
  self->scroll_pending = TRUE;
  queue_scroll (self);
}

static void
set_following (LabTimelineView *self,
               gboolean         following)
{
  self->following = following;
  gtk_widget_set_visible (self->newest_button, !following);
}

/* The list moves by itself too (rows change height at another zoom, the
 * oldest are dropped): only a move the user just asked for, with the
 * wheel, the scroll bar or the keys, stops the following. */
static void
note_user_input (LabTimelineView *self)
{
  self->user_input_until = g_get_monotonic_time () + USER_INPUT_US;
}

static gboolean
user_is_acting (LabTimelineView *self)
{
  return g_get_monotonic_time () < self->user_input_until;
}

static gboolean
on_user_scroll (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                LabTimelineView          *self)
{
  note_user_input (self);
  return FALSE;
}

static gboolean
on_user_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             LabTimelineView       *self)
{
  /* Tab only takes the focus in or out, and moves nothing. */
  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab)
    note_user_input (self);
  return FALSE;
}

static gboolean
on_user_pointer (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 LabTimelineView          *self)
{
  GdkEventType type = gdk_event_get_event_type (event);

  if (type == GDK_BUTTON_PRESS || type == GDK_BUTTON_RELEASE ||
      (type == GDK_MOTION_NOTIFY && (gdk_event_get_modifier_state (event) & GDK_BUTTON1_MASK)))
    note_user_input (self);
  return FALSE;
}

static void
on_adjustment_value_changed (GtkAdjustment   *adjustment,
                             LabTimelineView *self)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (self->scrolling)
    return;

  /* The user scrolled: at the bottom, follow; above it, stay there. */
  if (user_is_acting (self))
    set_following (self, gtk_adjustment_get_value (adjustment) >= bottom - 2);
  else if (self->following)
    queue_scroll_to_end (self);
}

static void
on_adjustment_changed (GtkAdjustment   *adjustment,
                       LabTimelineView *self)
{
  if (self->following)
    queue_scroll_to_end (self);
}

static void
on_newest_clicked (LabTimelineView *self)
{
  set_following (self, TRUE);
  queue_scroll_to_end (self);
}

static void
on_clear_clicked (LabTimelineView *self)
{
  lab_timeline_clear (lab_session_get_timeline (self->session));
}

static gboolean
show_dropped (gpointer data)
{
  LabTimelineView *self = data;
  guint64 dropped = lab_timeline_get_n_dropped (lab_session_get_timeline (self->session));
  g_autofree char *text = NULL;

  self->dropped_id = 0;
  if (dropped > 0)
    /* Translators: how many of the oldest events the timeline let go, to stay within its limits. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu older event dropped", "%llu older events dropped",
                                         dropped),
                            (unsigned long long) dropped);
  gtk_label_set_text (self->dropped_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->dropped_label), text != NULL);
  return G_SOURCE_REMOVE;
}

/* Told at each flush under a flood: shown twice a second at most. */
static void
on_dropped_changed (LabTimelineView *self)
{
  if (self->dropped_id == 0)
    self->dropped_id = g_timeout_add (500, show_dropped, self);
}

/* The busiest calls of a flood, “recv 12 802, send 12 801”: three at most. */
static char *
dup_busiest_calls (const LabTimelineFilterFlood *flood)
{
  GString *text = g_string_new (NULL);
  gboolean taken[LAB_N_CALLS] = { FALSE };

  for (guint n = 0; n < 3; n++)
    {
      guint best = LAB_N_CALLS;

      for (guint i = 0; i < LAB_N_CALLS; i++)
        if (!taken[i] && flood->calls_per_second[i] > 0 &&
            (best == LAB_N_CALLS || flood->calls_per_second[i] > flood->calls_per_second[best]))
          best = i;
      if (best == LAB_N_CALLS)
        break;
      taken[best] = TRUE;
      if (text->len > 0)
        /* Translators: between two calls of a flood, as in “recv 12802, send 12801”. */
        g_string_append (text, _(", "));
      g_string_append_printf (text, "%s %u", lab_call_get_name (best), flood->calls_per_second[best]);
    }
  return g_string_free (text, FALSE);
}

/* A flood: what came, instead of the rows, which wait until it calms. */
static void
on_flooding (LabTimelineView *self)
{
  const LabTimelineFilterFlood *flood = lab_timeline_filter_get_flood (self->filtered);
  g_autofree char *calls = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->flood_label), lab_timeline_filter_get_flooding (self->filtered));
  if (!lab_timeline_filter_get_flooding (self->filtered))
    return;

  calls = dup_busiest_calls (flood);
  if (calls[0] != '\0')
    /* Translators: the timeline in a flood; %u is how many events a second, %s the busiest calls, e.g. “recv 12802, send 12801”. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "A flood: %u event a second (%s). The rows come back when it calms, so that the window keeps up; every event is kept.",
                                         "A flood: %u events a second (%s). The rows come back when it calms, so that the window keeps up; every event is kept.",
                                         flood->per_second),
                            flood->per_second, calls);
  else
    /* Translators: the timeline in a flood; %u is how many events a second. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "A flood: %u event a second. The rows come back when it calms, so that the window keeps up; every event is kept.",
                                         "A flood: %u events a second. The rows come back when it calms, so that the window keeps up; every event is kept.",
                                         flood->per_second),
                            flood->per_second);
  gtk_label_set_text (self->flood_label, text);
}

static void
on_selection_changed (LabTimelineView *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  /* A row the user picks stays in view while newer ones arrive. */
  if (user_is_acting (self) && selected != GTK_INVALID_LIST_POSITION && selected + 1 < n)
    set_following (self, FALSE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/* The widget below @root that shows the row at @position, if it is
 * drawn: GTK 4.8 lets no other way focus a row. */
static GtkWidget *
find_row (GtkWidget *root,
          guint      position)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (root), "lab-list-item");

  if (item != NULL && gtk_list_item_get_position (item) == position)
    {
      GtkWidget *row = root;

      while (gtk_widget_get_parent (row) != NULL && !GTK_IS_LIST_VIEW (gtk_widget_get_parent (row)))
        row = gtk_widget_get_parent (row);
      return gtk_widget_get_parent (row) != NULL ? row : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, position);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
focus_newest_row (LabTimelineView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  GtkWidget *row = n > 0 ? find_row (GTK_WIDGET (self->column_view), n - 1) : NULL;

  return row != NULL && gtk_widget_grab_focus (row);
}

/* The list is one stop of Tab, as any list is: the arrows move within it,
 * Tab and Shift+Tab leave it (GTK 4.8 would Tab through every row). Tabbed
 * into while it follows the newest event, it focuses the newest row and
 * goes on following; otherwise the row focused last. */
static gboolean
enter_list (LabTimelineView  *self,
            GtkDirectionType  direction)
{
  if (self->following && focus_newest_row (self))
    return TRUE;

  return gtk_widget_child_focus (GTK_WIDGET (self->column_view), direction);
}

static gboolean
lab_timeline_view_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (widget);
  GtkWidget *focus_child = gtk_widget_get_focus_child (self->box);

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return gtk_widget_child_focus (self->box, direction);

  if (focus_child == GTK_WIDGET (self->scroller))
    return direction == GTK_DIR_TAB_BACKWARD && gtk_widget_child_focus (self->toolbar, direction);

  if (direction == GTK_DIR_TAB_FORWARD)
    return gtk_widget_child_focus (self->toolbar, direction) || enter_list (self, direction);

  if (focus_child == self->toolbar)
    return gtk_widget_child_focus (self->toolbar, direction);
  return enter_list (self, direction) || gtk_widget_child_focus (self->toolbar, direction);
}

static void
lab_timeline_view_constructed (GObject *object)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (object);
  LabTimeline *timeline = lab_session_get_timeline (self->session);
  GtkAdjustment *adjustment;

  G_OBJECT_CLASS (lab_timeline_view_parent_class)->constructed (object);

  self->filtered = lab_timeline_filter_new (timeline);
  lab_timeline_filter_set_pace (self->filtered, ROWS_PACE_MS);
  lab_timeline_filter_set_flood_rows (self->filtered, FLOOD_ROWS);
  g_signal_connect_object (self->filtered, "notify::flooding", G_CALLBACK (on_flooding), self, G_CONNECT_SWAPPED);
  on_filter_toggled (self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);

  add_column (self, COLUMN_TIME, _("Time (s)"), FALSE);
  add_column (self, COLUMN_ENDPOINT, _("Endpoint · thread"), FALSE);
  add_column (self, COLUMN_EVENT, _("Call, state, data"), TRUE);
  add_column (self, COLUMN_RESULT, _("Result"), FALSE);
  add_column (self, COLUMN_DURATION, _("Took"), FALSE);

  update_endpoints (self);
  g_signal_connect_object (lab_session_get_endpoints (self->session), "items-changed",
                           G_CALLBACK (update_endpoints), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (timeline, "notify::n-dropped", G_CALLBACK (on_dropped_changed), self,
                           G_CONNECT_SWAPPED);
  on_dropped_changed (self);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_adjustment_value_changed), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self, 0);
  set_following (self, TRUE);

  {
    GtkEventController *controller;

    controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect_object (controller, "scroll", G_CALLBACK (on_user_scroll), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);

    controller = gtk_event_controller_key_new ();
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_user_key), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);

    controller = gtk_event_controller_legacy_new ();
    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    g_signal_connect_object (controller, "event", G_CALLBACK (on_user_pointer), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);
  }
}

static void
lab_timeline_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_SELECTED: g_value_set_object (value, lab_timeline_view_get_selected (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timeline_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timeline_view_realize (GtkWidget *widget)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (widget);

  GTK_WIDGET_CLASS (lab_timeline_view_parent_class)->realize (widget);
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->after_paint_id = g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (on_after_paint), self);
  if (self->scroll_pending || self->scroll_to != G_MAXUINT)
    queue_scroll (self);
}

static void
lab_timeline_view_unrealize (GtkWidget *widget)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (widget);

  g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
  GTK_WIDGET_CLASS (lab_timeline_view_parent_class)->unrealize (widget);
}

static void
lab_timeline_view_dispose (GObject *object)
{
  LabTimelineView *self = LAB_TIMELINE_VIEW (object);

  g_clear_handle_id (&self->dropped_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_TIMELINE_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->session);
  g_clear_pointer (&self->endpoint_ids, g_array_unref);

  G_OBJECT_CLASS (lab_timeline_view_parent_class)->dispose (object);
}

static void
lab_timeline_view_class_init (LabTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lab_timeline_view_constructed;
  object_class->get_property = lab_timeline_view_get_property;
  object_class->set_property = lab_timeline_view_set_property;
  object_class->dispose = lab_timeline_view_dispose;
  widget_class->focus = lab_timeline_view_focus;
  widget_class->realize = lab_timeline_view_realize;
  widget_class->unrealize = lab_timeline_view_unrealize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, LAB_TYPE_EVENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-timeline-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, box);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, calls_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, column_view);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, data_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, flood_label);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, endpoint_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, kernel_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, newest_button);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, notes_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, scroller);
  gtk_widget_class_bind_template_child (widget_class, LabTimelineView, states_toggle);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_newest_clicked);
}

static void
lab_timeline_view_init (LabTimelineView *self)
{
  self->endpoint_ids = g_array_new (FALSE, FALSE, sizeof (guint));
  self->scroll_to = G_MAXUINT;
  gtk_widget_init_template (GTK_WIDGET (self));
}
