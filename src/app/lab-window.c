/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-bytes-view.h"
#include "lab-endpoint-panel.h"
#include "lab-event-details.h"
#include "lab-state-diagram.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The lab: the bench of endpoint panels side by side above, the timeline
 * below, and beside it what is chosen: a row's details, a connection's
 * bytes, its TCP states. The window only reads: the endpoints and their
 * timeline belong to the application's session, and outlive it. */

#define ZOOM_STEP 0.25

struct _LabWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  LabSession           *session;
  LabTimelineView      *timeline_view;
  LabEndpointPanel     *current_panel;
  guint                 scroll_idle;

  /* Template widgets (none a direct child of the window: GTK 4.8 would
   * unparent them twice on dispose) */
  GtkStack             *bench_stack;
  GtkBox               *bench_box;
  GtkScrolledWindow    *bench_scroller;
  GtkBox               *timeline_slot;
  GtkStack             *inspector_stack;
  LabEventDetails      *details;
  LabBytesView         *bytes_view;
  LabStateDiagram      *state_diagram;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

LabWindow *
lab_window_new (LabApplication *application)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (application), NULL);

  return g_object_new (LAB_TYPE_WINDOW,
                       "application", application,
                       "session", lab_application_get_session (application),
                       NULL);
}

/**
 * lab_window_set_accels:
 *
 * Sets the keyboard shortcuts of the window's actions on @application.
 */
void
lab_window_set_accels (GtkApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[4];
  } accels[] = {
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.add-endpoint::tcp-server", { "<Control><Shift>s", NULL } },
    { "win.add-endpoint::tcp-client", { "<Control><Shift>c", NULL } },
    { "win.add-endpoint::udp-server", { "<Control><Shift>u", NULL } },
    { "win.add-endpoint::udp-client", { "<Control><Shift>d", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (application, accels[i].action, accels[i].accels);
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
lab_window_get_details (LabWindow *self)
{
  return GTK_WIDGET (self->details);
}

GtkWidget *
lab_window_get_state_diagram (LabWindow *self)
{
  return GTK_WIDGET (self->state_diagram);
}

/* ---- What the inspector shows ---- */

static void
show_connection (LabWindow        *self,
                 LabEndpointPanel *panel)
{
  LabEndpoint *endpoint = panel != NULL ? lab_endpoint_panel_get_endpoint (panel) : NULL;
  LabConnection *connection = panel != NULL ? lab_endpoint_panel_get_connection (panel) : NULL;

  self->current_panel = panel;
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
}

static void
on_panel_connection (LabEndpointPanel *panel,
                     GParamSpec       *pspec,
                     LabWindow        *self)
{
  show_connection (self, panel);
}

static void
on_timeline_selected (LabWindow *self)
{
  LabEvent *event = lab_timeline_view_get_selected (self->timeline_view);

  lab_event_details_set_event (self->details, event);
  if (event == NULL)
    return;

  /* A row of a connection shows that connection beside it. */
  {
    LabEndpoint *endpoint = lab_session_find (self->session, lab_event_get_endpoint_id (event));
    GtkWidget *panel = endpoint != NULL ? lab_window_get_panel (self, endpoint) : NULL;

    if (panel != NULL && lab_event_get_connection (event) != 0)
      {
        LabConnection *connection = lab_endpoint_find_connection (endpoint, lab_event_get_connection (event));

        if (connection != NULL)
          {
            lab_bytes_view_set_connection (self->bytes_view, endpoint, connection);
            if (lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint)))
              lab_state_diagram_set_source (self->state_diagram, endpoint, connection);
          }
      }
  }
}

/* ---- The bench ---- */

static void
update_bench_page (LabWindow *self)
{
  guint n = g_list_model_get_n_items (lab_session_get_endpoints (self->session));

  gtk_stack_set_visible_child_name (self->bench_stack, n > 0 ? "bench" : "empty");
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

static void
add_endpoint_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  static const struct {
    const char      *name;
    LabEndpointKind  kind;
  } kinds[] = {
    { "tcp-server", LAB_ENDPOINT_TCP_SERVER },
    { "tcp-client", LAB_ENDPOINT_TCP_CLIENT },
    { "udp-server", LAB_ENDPOINT_UDP_SERVER },
    { "udp-client", LAB_ENDPOINT_UDP_CLIENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kind, kinds[i].name))
      {
        LabEndpoint *endpoint = lab_session_add (self->session, kinds[i].kind);
        GtkWidget *panel = lab_window_get_panel (self, endpoint);

        /* The new one is in view, its port ready to type. */
        if (panel != NULL)
          lab_endpoint_panel_focus_first_field (LAB_ENDPOINT_PANEL (panel));
        if (self->scroll_idle == 0)
          self->scroll_idle = g_idle_add (scroll_bench_to_end, self);
        return;
      }
}

/* ---- Zoom ---- */

static void
lab_window_change_zoom (LabWindow *self,
                        double     step)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  double zoom;

  if (step == 0)
    {
      g_settings_reset (self->settings, "zoom");
      return;
    }

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "zoom");

  zoom = g_settings_get_double (self->settings, "zoom") + step;
  /* Snap to the steps, so that 100 % is always reachable again. */
  zoom = ZOOM_STEP * (int) (zoom / ZOOM_STEP + 0.5);

  if (g_settings_schema_key_range_check (key, g_variant_new_double (zoom)))
    g_settings_set_double (self->settings, "zoom", zoom);
  else
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  lab_window_change_zoom (LAB_WINDOW (widget), ZOOM_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  lab_window_change_zoom (LAB_WINDOW (widget), -ZOOM_STEP);
}

static void
zoom_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  lab_window_change_zoom (LAB_WINDOW (widget), 0);
}

/* ---- The window ---- */

static void
lab_window_save_size (LabWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  lab_window_save_size (LAB_WINDOW (window));

  return GTK_WINDOW_CLASS (lab_window_parent_class)->close_request (window);
}

static void
lab_window_constructed (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);
  GListModel *endpoints;

  G_OBJECT_CLASS (lab_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);

  self->timeline_view = LAB_TIMELINE_VIEW (lab_timeline_view_new (self->session));
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline_view), TRUE);
  gtk_box_append (self->timeline_slot, GTK_WIDGET (self->timeline_view));
  g_signal_connect_object (self->timeline_view, "notify::selected", G_CALLBACK (on_timeline_selected), self,
                           G_CONNECT_SWAPPED);

  endpoints = lab_session_get_endpoints (self->session);
  g_signal_connect_object (endpoints, "items-changed", G_CALLBACK (on_endpoints_changed), self, 0);
  on_endpoints_changed (endpoints, 0, 0, g_list_model_get_n_items (endpoints), self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
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
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bytes_view);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, details);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, state_diagram);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, timeline_slot);

  gtk_widget_class_install_action (widget_class, "win.add-endpoint", "s", add_endpoint_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_reset_action);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
}
