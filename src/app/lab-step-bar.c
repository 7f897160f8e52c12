/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "lab-explain-markup.h"
#include "lab-format.h"
#include "lab-step-bar.h"

/* Step mode, as a class sees it: the call made at the next step, whose it
 * is, what it does and what its arguments mean; and the call made last,
 * with its result, or why it waits. */

struct _LabStepBar
{
  GtkWidget   parent_instance;

  LabSession *session;
  LabEvent   *last;           /* the last call a stepped endpoint made */
  LabEvent   *failure;        /* and the last that failed, closes after it aside */
  guint       last_endpoint;
  gulong      recorded_id;
  GtkRoot    *root;           /* whose focus says which key steps */
  gulong      focus_id;
  gboolean    typing;

  /* Template widgets */
  GtkWidget  *scroller;
  GtkWidget  *box;
  GtkLabel   *heading_label;
  GtkLabel   *call_label;
  GtkLabel   *explanation_label;
  GtkLabel   *last_label;
  GtkWidget  *buttons;
};

G_DEFINE_FINAL_TYPE (LabStepBar, lab_step_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
lab_step_bar_new (LabSession *session)
{
  g_return_val_if_fail (LAB_IS_SESSION (session), NULL);

  return g_object_new (LAB_TYPE_STEP_BAR, "session", session, NULL);
}

/**
 * lab_step_bar_focus_types:
 * @widget: a widget of the window
 *
 * Whether Space, pressed now, would be typed: the focus of @widget's
 * window is in a text field. Step mode's key is then F10; elsewhere it is
 * Space, and the hints name the one that works.
 */
gboolean
lab_step_bar_focus_types (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (GTK_IS_EDITABLE (focus))
    return gtk_editable_get_editable (GTK_EDITABLE (focus));
  if (GTK_IS_TEXT_VIEW (focus))
    return gtk_text_view_get_editable (GTK_TEXT_VIEW (focus));
  return FALSE;
}

static gboolean
any_stepping (LabStepBar *self)
{
  GListModel *endpoints = lab_session_get_endpoints (self->session);

  if (lab_session_get_step_mode (self->session))
    return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_get_step_mode (endpoint))
        return TRUE;
    }

  return FALSE;
}

static guint
count_held (LabStepBar *self)
{
  GListModel *endpoints = lab_session_get_endpoints (self->session);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      n += g_list_model_get_n_items (lab_endpoint_get_paused (endpoint));
    }

  return n;
}

static char *
describe_call (LabEvent *event)
{
  g_autofree char *call = lab_format_event (event);
  g_autofree char *result = lab_format_result (event);

  /* Translators: a call and what it returned, e.g. “socket (AF_INET, SOCK_STREAM, 0) → 3”. */
  return g_strdup_printf (_("%s → %s"), call, result);
}

static void
update (LabStepBar *self)
{
  LabEndpoint *owner = NULL;
  LabEvent *held = lab_session_get_held (self->session, &owner);
  gboolean waiting = self->last != NULL && !lab_event_get_finished (self->last);
  const LabExplanation *failed = self->failure != NULL ? lab_explain_error (lab_event_get_errno (self->failure))
                                                      : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), held != NULL || any_stepping (self));

  if (held != NULL)
    {
      g_autofree char *heading = NULL;
      g_autofree char *call = lab_format_event (held);
      g_autofree char *markup = lab_explain_markup_for_event (held, LAB_EXPLAIN_MARKUP_BRIEF);
      guint others = count_held (self) - 1;

      /* The key named is the one that steps where the focus is now. */
      if (others > 0 && self->typing)
        /* Translators: %s is an endpoint's name; the plural is of the other calls held in step mode. */
        heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s will make this call when you press F10 (%u more call waits)",
                                                "%s will make this call when you press F10 (%u more calls wait)",
                                                others),
                                   lab_endpoint_get_name (owner), others);
      else if (others > 0)
        /* Translators: %s is an endpoint's name; the plural is of the other calls held in step mode. */
        heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s will make this call when you press Space (%u more call waits)",
                                                "%s will make this call when you press Space (%u more calls wait)",
                                                others),
                                   lab_endpoint_get_name (owner), others);
      else if (self->typing)
        /* Translators: %s is an endpoint's name. */
        heading = g_strdup_printf (_("%s will make this call when you press F10"), lab_endpoint_get_name (owner));
      else
        /* Translators: %s is an endpoint's name. */
        heading = g_strdup_printf (_("%s will make this call when you press Space"), lab_endpoint_get_name (owner));

      gtk_label_set_text (self->heading_label, heading);
      gtk_label_set_text (self->call_label, call);
      gtk_label_set_markup (self->explanation_label, markup != NULL ? markup : "");
    }
  else if (waiting)
    {
      g_autofree char *call = lab_format_event (self->last);
      const LabExplanation *explanation = lab_explain_event (self->last);
      /* Translators: %s is an endpoint's name. */
      g_autofree char *heading = g_strdup_printf (_("%s waits in this call"), lab_event_get_endpoint_name (self->last));

      gtk_label_set_text (self->heading_label, heading);
      gtk_label_set_text (self->call_label, call);
      gtk_label_set_text (self->explanation_label, explanation != NULL && explanation->waits != NULL
                                                   ? explanation->waits : "");
    }
  else if (failed != NULL)
    {
      g_autofree char *call = describe_call (self->failure);
      g_autoptr(GString) markup = g_string_new (NULL);
      /* Translators: %s is an endpoint's name. */
      g_autofree char *heading = g_strdup_printf (_("A call of %s failed"),
                                                  lab_event_get_endpoint_name (self->failure));

      lab_explain_markup_append (markup, failed->name, failed->means);
      lab_explain_markup_append (markup, _("What to try:"), failed->remedy);
      gtk_label_set_text (self->heading_label, heading);
      gtk_label_set_text (self->call_label, call);
      gtk_label_set_markup (self->explanation_label, markup->str);
    }
  else
    {
      gtk_label_set_text (self->heading_label, _("Step mode: each call waits for you before it is made. "
                                                 "Start a server or a client."));
      gtk_label_set_text (self->call_label, "");
      gtk_label_set_text (self->explanation_label, "");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->call_label), held != NULL || waiting || failed != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), held != NULL || waiting || failed != NULL);

  if (self->last != NULL && lab_event_get_finished (self->last))
    {
      g_autofree char *last = describe_call (self->last);
      /* Translators: the call made last, and its result. */
      g_autofree char *text = g_strdup_printf (_("Last call: %s"), last);

      gtk_label_set_text (self->last_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->last_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->last_label), FALSE);
}

static gboolean
is_failure (const LabRecord *record)
{
  int err = lab_record_get_errno (record);

  return lab_record_get_finished (record) && err != 0 && err != EINTR && err != ECANCELED;
}

/* The calls of endpoints in step mode, as they are made and end. */
static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             LabStepBar       *self)
{
  gboolean changed = FALSE;
  LabEndpoint *found = NULL;
  guint found_id = 0;

  for (guint i = 0; i < n_entries; i++)
    {
      const LabRecord *record = entries[i].record;
      LabEndpoint *endpoint;

      if (lab_record_get_kind (record) != LAB_EVENT_CALL || lab_record_get_instrumentation (record))
        continue;
      if (entries[i].end && self->last != NULL && lab_record_get_seq (record) == lab_event_get_seq (self->last))
        {
          /* Its end: the call as it returned; a failure (not a stop's
           * interruption) is kept. */
          g_autoptr(LabEvent) event = lab_timeline_dup_event (timeline, record);

          g_set_object (&self->last, event);
          if (is_failure (record))
            g_set_object (&self->failure, event);
          changed = TRUE;
          continue;
        }
      /* A flood is mostly one endpoint's: it is looked up once. */
      if (lab_record_get_endpoint_id (record) != found_id)
        {
          found_id = lab_record_get_endpoint_id (record);
          found = lab_session_find (self->session, found_id);
        }
      endpoint = found;
      if (endpoint == NULL || (!lab_endpoint_get_step_mode (endpoint) &&
                               g_list_model_get_n_items (lab_endpoint_get_paused (endpoint)) == 0))
        continue;

      g_clear_object (&self->last);
      self->last = lab_timeline_dup_event (timeline, record);
      if (is_failure (record))
        g_set_object (&self->failure, self->last);
      else if (lab_record_get_op (record) != LAB_OP_CLOSE)
        g_clear_object (&self->failure);
      changed = TRUE;
    }

  if (changed)
    update (self);
}

char *
lab_step_bar_dup_text (LabStepBar *self)
{
  g_return_val_if_fail (LAB_IS_STEP_BAR (self), NULL);

  return g_strjoin ("\n", gtk_label_get_text (self->heading_label), gtk_label_get_text (self->call_label),
                    gtk_label_get_text (self->explanation_label), gtk_label_get_text (self->last_label), NULL);
}

/* One label's place in the grid: under the heading and the buttons in a
 * column, beside the buttons in a band. */
static void
set_span (LabStepBar *self,
          GtkWidget  *child,
          int         columns,
          int         rows)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (self->box);
  GtkGridLayoutChild *place = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, child));

  gtk_grid_layout_child_set_column_span (place, columns);
  gtk_grid_layout_child_set_row_span (place, rows);
}

/**
 * lab_step_bar_set_wide:
 * @wide: whether the bar is a band across the window
 *
 * As a band, the words take the width, in lines as long as a class reads
 * at a glance, and Step and Continue stand one over the other at the
 * right, large; in a column, the buttons share the heading's line.
 */
void
lab_step_bar_set_wide (LabStepBar *self,
                       gboolean    wide)
{
  GtkWidget *labels[] = {
    GTK_WIDGET (self->heading_label), GTK_WIDGET (self->call_label),
    GTK_WIDGET (self->explanation_label), GTK_WIDGET (self->last_label),
  };

  g_return_if_fail (LAB_IS_STEP_BAR (self));

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (i > 0)
        set_span (self, labels[i], wide ? 1 : 2, 1);
      gtk_label_set_max_width_chars (GTK_LABEL (labels[i]), wide ? 100 : 40);
    }
  set_span (self, self->buttons, 1, wide ? G_N_ELEMENTS (labels) : 1);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->buttons),
                                  wide ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_valign (self->buttons, wide ? GTK_ALIGN_CENTER : GTK_ALIGN_START);
  if (wide)
    gtk_widget_add_css_class (GTK_WIDGET (self), "wide");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "wide");
}

static void
on_focus_moved (LabStepBar *self)
{
  gboolean typing = lab_step_bar_focus_types (GTK_WIDGET (self));

  if (typing != self->typing)
    {
      self->typing = typing;
      update (self);
    }
}

static void
lab_step_bar_root (GtkWidget *widget)
{
  LabStepBar *self = LAB_STEP_BAR (widget);

  GTK_WIDGET_CLASS (lab_step_bar_parent_class)->root (widget);

  self->root = gtk_widget_get_root (widget);
  self->focus_id = g_signal_connect_swapped (self->root, "notify::focus-widget", G_CALLBACK (on_focus_moved), self);
  on_focus_moved (self);
}

static void
lab_step_bar_unroot (GtkWidget *widget)
{
  LabStepBar *self = LAB_STEP_BAR (widget);

  g_clear_signal_handler (&self->focus_id, self->root);
  self->root = NULL;

  GTK_WIDGET_CLASS (lab_step_bar_parent_class)->unroot (widget);
}

static void
lab_step_bar_constructed (GObject *object)
{
  LabStepBar *self = LAB_STEP_BAR (object);

  G_OBJECT_CLASS (lab_step_bar_parent_class)->constructed (object);

  g_signal_connect_object (self->session, "held-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::step-mode", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  self->recorded_id = g_signal_connect (lab_session_get_timeline (self->session), "recorded",
                                        G_CALLBACK (on_recorded), self);
  update (self);
}

/* The words wrap: their height depends on the width given. A scroller
 * asked for its child's height gives the height at the child's narrowest,
 * many lines of a word each; the bar asks its words for their height at
 * the width it has. It may be shorter, and scroll, rather than make the
 * window taller than the screen. */
#define COLUMN_MIN_HEIGHT 160

static GtkSizeRequestMode
lab_step_bar_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The most height the bar asks for before it scrolls. */
static int
most_height (LabStepBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  int height = root != NULL ? gtk_widget_get_height (GTK_WIDGET (root)) : 0;

  /* A band leaves two thirds of the window to the bench and the timeline
   * below it: longer words scroll in it. */
  if (gtk_widget_has_css_class (GTK_WIDGET (self), "wide"))
    return height > 0 ? height / 3 : 2 * COLUMN_MIN_HEIGHT;
  return COLUMN_MIN_HEIGHT;
}

static void
lab_step_bar_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  LabStepBar *self = LAB_STEP_BAR (widget);
  int most;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      gtk_widget_measure (self->scroller, orientation, for_size, minimum, natural, NULL, NULL);
      return;
    }

  /* With no width given, the most any width needs: no more than before
   * it scrolls. */
  most = most_height (self);
  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, NULL, NULL);
  if (for_size < 0)
    {
      *minimum = most;
      *natural = MAX (*natural, most);
      return;
    }
  *minimum = MIN (*minimum, most);
  /* A band is no taller than that even where there is room: the bench
   * below it needs the room more than the last lines of an explanation. */
  if (gtk_widget_has_css_class (widget, "wide"))
    *natural = MAX (*minimum, MIN (*natural, most));
}

static void
lab_step_bar_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  gtk_widget_allocate (LAB_STEP_BAR (widget)->scroller, width, height, baseline, NULL);
}

static void
lab_step_bar_dispose (GObject *object)
{
  LabStepBar *self = LAB_STEP_BAR (object);

  if (self->session != NULL)
    g_clear_signal_handler (&self->recorded_id, lab_session_get_timeline (self->session));
  g_clear_object (&self->last);
  g_clear_object (&self->failure);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_STEP_BAR);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_step_bar_parent_class)->dispose (object);
}

static void
lab_step_bar_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LabStepBar *self = LAB_STEP_BAR (object);

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
lab_step_bar_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabStepBar *self = LAB_STEP_BAR (object);

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
lab_step_bar_class_init (LabStepBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lab_step_bar_constructed;
  object_class->dispose = lab_step_bar_dispose;
  object_class->get_property = lab_step_bar_get_property;
  object_class->set_property = lab_step_bar_set_property;
  widget_class->root = lab_step_bar_root;
  widget_class->unroot = lab_step_bar_unroot;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-step-bar.ui");
  widget_class->get_request_mode = lab_step_bar_get_request_mode;
  widget_class->measure = lab_step_bar_measure;
  widget_class->size_allocate = lab_step_bar_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "stepbar");
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, box);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, buttons);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, call_label);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, heading_label);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, last_label);
  gtk_widget_class_bind_template_child (widget_class, LabStepBar, scroller);
}

static void
lab_step_bar_init (LabStepBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
