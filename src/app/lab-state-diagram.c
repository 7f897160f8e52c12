/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "lab-state-diagram-private.h"

/* The TCP state machine, drawn: the connection's kernel state stands out
 * (filled, a thick border and “now” beside it: not by colour alone), the
 * states it went through are numbered in order, and what the kernel was
 * not seen passing through is dashed. For a listening socket, its accept
 * queue against the backlog. Sizes follow the font, so the zoom scales it. */

const Place lab_state_diagram_places[] = {
  { LAB_TCP_CLOSE, 1, 0 },
  { LAB_TCP_LISTEN, 0, 1 },
  { LAB_TCP_SYN_SENT, 2, 1 },
  { LAB_TCP_SYN_RECV, 0, 2 },
  { LAB_TCP_ESTABLISHED, 1, 3 },
  { LAB_TCP_FIN_WAIT1, 0, 4 },
  { LAB_TCP_CLOSE_WAIT, 2, 4 },
  { LAB_TCP_FIN_WAIT2, 0, 5 },
  { LAB_TCP_CLOSING, 1, 5 },
  { LAB_TCP_LAST_ACK, 2, 5 },
  { LAB_TCP_TIME_WAIT, 0, 6 },
  { LAB_TCP_CLOSE, 2, 6, TRUE },
};



G_DEFINE_FINAL_TYPE (LabStateDiagram, lab_state_diagram, GTK_TYPE_WIDGET)

GtkWidget *
lab_state_diagram_new (void)
{
  return g_object_new (LAB_TYPE_STATE_DIAGRAM, NULL);
}

/* CLOSED is drawn twice, as every course draws it: where a connection
 * begins, and where it ends (@end: reached from another state). */
const Place *
lab_state_diagram_place_of (LabTcpState state,
          gboolean    end)
{
  state = lab_tcp_drawn_as (state);
  end = end && state == LAB_TCP_CLOSE;
  for (guint i = 0; i < N_PLACES; i++)
    if (lab_state_diagram_places[i].state == state && lab_state_diagram_places[i].end == end)
      return &lab_state_diagram_places[i];
  return NULL;
}

gboolean
lab_state_diagram_occupied (int row,
          int column)
{
  for (guint i = 0; i < N_PLACES; i++)
    if (lab_state_diagram_places[i].row == row && lab_state_diagram_places[i].column == column)
      return TRUE;
  return FALSE;
}

/* Where the @i-th state of the trace is drawn. */
const Place *
lab_state_diagram_trace_place (LabStateDiagram *self,
             guint            i)
{
  return lab_state_diagram_place_of (self->trace[i], i > 0);
}

static void update_description (LabStateDiagram *self);

static void
update (LabStateDiagram *self)
{
  self->n_trace = 0;
  self->current = LAB_TCP_UNKNOWN;
  self->gone = FALSE;
  self->listening = FALSE;

  if (self->connection != NULL)
    {
      GArray *transitions = lab_connection_get_transitions (self->connection);
      guint first = transitions->len > N_TRACE ? transitions->len - N_TRACE : 0;

      for (guint i = first; i < transitions->len; i++)
        self->trace[self->n_trace++] = g_array_index (transitions, LabTransition, i).state;
      self->current = lab_connection_get_state (self->connection);
      self->gone = self->current == LAB_TCP_GONE;
    }
  else if (self->endpoint != NULL &&
           lab_endpoint_get_accept_queue (self->endpoint, &self->queue_length, &self->queue_limit))
    {
      self->listening = TRUE;
      self->current = LAB_TCP_LISTEN;
    }

  g_clear_pointer (&self->title, g_free);
  if (self->connection != NULL)
    {
      const char *peer = lab_connection_get_peer_address (self->connection);

      self->title = g_strdup_printf (_("%s ↔ %s"), self->endpoint != NULL ? lab_endpoint_get_name (self->endpoint) : "",
                                     peer != NULL ? peer : "…");
    }
  else if (self->listening)
    /* Translators: %s is a server's name; its listening socket's states are shown. */
    self->title = g_strdup_printf (_("%s: the listening socket"), lab_endpoint_get_name (self->endpoint));

  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

/**
 * lab_state_diagram_set_source:
 * @endpoint: (nullable): whose listening socket to show when no connection is
 * @connection: (nullable): the connection to show
 */
void
lab_state_diagram_set_source (LabStateDiagram *self,
                              LabEndpoint     *endpoint,
                              LabConnection   *connection)
{
  g_return_if_fail (LAB_IS_STATE_DIAGRAM (self));

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);

  g_set_object (&self->endpoint, endpoint);
  g_set_object (&self->connection, connection);

  if (connection != NULL)
    g_signal_connect_object (connection, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  if (endpoint != NULL)
    {
      g_signal_connect_object (endpoint, "notify::queue-length", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::queue-limit", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }

  update (self);
}

/* Whether a TCP server of the bench listens, as its kernel state said. */
static gboolean
some_server_listens (LabStateDiagram *self)
{
  for (guint i = 0; self->watched != NULL && i < self->watched->len; i++)
    {
      LabEndpoint *endpoint = self->watched->pdata[i];
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);

      if (lab_endpoint_config_is_tcp (config) && lab_endpoint_config_is_server (config) &&
          lab_endpoint_get_accept_queue (endpoint, NULL, NULL))
        return TRUE;
    }
  return FALSE;
}

/* With nothing to show, what to choose: once a server listens, it is there
 * to be chosen. */
const char *
lab_state_diagram_get_hint (LabStateDiagram *self)
{
  if (self->listening || self->connection != NULL)
    return NULL;
  if (some_server_listens (self))
    return _("A TCP server is listening: choose one of its rows in the timeline, or one of its connections, "
             "to see its state here.");
  return _("Choose a TCP connection, or start a TCP server, to see its state here.");
}

/* A server of the bench started or stopped: the hint may change. */
static void
on_watched_changed (LabStateDiagram *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

static void
on_endpoints_changed (LabStateDiagram *self)
{
  guint n = g_list_model_get_n_items (self->endpoints);

  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (self->watched->pdata[i], on_watched_changed, self);
  g_ptr_array_set_size (self->watched, 0);

  for (guint i = 0; i < n; i++)
    {
      LabEndpoint *endpoint = g_list_model_get_item (self->endpoints, i);

      g_signal_connect_object (endpoint, "notify::queue-limit", G_CALLBACK (on_watched_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_watched_changed), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, endpoint);
    }
  on_watched_changed (self);
}

/**
 * lab_state_diagram_set_endpoints:
 * @endpoints: the bench's #LabEndpoint, to say what to choose when nothing is
 */
void
lab_state_diagram_set_endpoints (LabStateDiagram *self,
                                 GListModel      *endpoints)
{
  g_return_if_fail (LAB_IS_STATE_DIAGRAM (self));
  g_return_if_fail (self->endpoints == NULL);

  self->endpoints = g_object_ref (endpoints);
  g_signal_connect_object (endpoints, "items-changed", G_CALLBACK (on_endpoints_changed), self, G_CONNECT_SWAPPED);
  on_endpoints_changed (self);
}

/**
 * lab_state_diagram_dup_text:
 *
 * Returns: (transfer full): what the diagram shows, in words: its title,
 *   the state marked “now”, the passages drawn in order, and what to
 *   choose when nothing is chosen. It is the diagram's accessible
 *   description, for a screen reader.
 */
char *
lab_state_diagram_dup_text (LabStateDiagram *self)
{
  GString *text = g_string_new (NULL);
  const char *hint = lab_state_diagram_get_hint (self);

  g_return_val_if_fail (LAB_IS_STATE_DIAGRAM (self), NULL);

  if (self->title != NULL)
    g_string_append_printf (text, "%s\n", self->title);
  if (self->current != LAB_TCP_UNKNOWN)
    /* Translators: %s is a TCP state (LISTEN, ESTABLISHED…), which stays as it is. */
    g_string_append_printf (text, _("Now: %s"), lab_tcp_state_to_string (self->current));
  if (self->current != LAB_TCP_UNKNOWN)
    g_string_append_c (text, '\n');
  if (self->n_trace > 1)
    {
      g_autoptr(GString) passages = g_string_new (NULL);

      for (guint i = 1; i < self->n_trace; i++)
        g_string_append_printf (passages, "%s%s → %s", i > 1 ? ", " : "", lab_tcp_state_to_string (self->trace[i - 1]),
                                lab_tcp_state_to_string (self->trace[i]));
      /* Translators: %s lists the passages from one TCP state to the next, “SYN_SENT → ESTABLISHED, …”. */
      g_string_append_printf (text, _("Passages, in order: %s"), passages->str);
      g_string_append_c (text, '\n');
    }
  if (hint != NULL)
    g_string_append_printf (text, "%s\n", hint);

  return g_string_free (text, FALSE);
}

/* What it shows, in words, for whoever does not see it. */
static void
update_description (LabStateDiagram *self)
{
  g_autofree char *text = lab_state_diagram_dup_text (self);

  g_strchomp (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
lab_state_diagram_dispose (GObject *object)
{
  LabStateDiagram *self = LAB_STATE_DIAGRAM (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);
  g_clear_object (&self->connection);
  g_clear_object (&self->endpoint);
  g_clear_pointer (&self->title, g_free);
  if (self->watched != NULL)
    for (guint i = 0; i < self->watched->len; i++)
      g_signal_handlers_disconnect_by_func (self->watched->pdata[i], on_watched_changed, self);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_object (&self->endpoints);

  G_OBJECT_CLASS (lab_state_diagram_parent_class)->dispose (object);
}

static void
lab_state_diagram_class_init (LabStateDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_state_diagram_dispose;
  widget_class->measure = lab_state_diagram_measure;
  widget_class->snapshot = lab_state_diagram_snapshot;

  gtk_widget_class_set_css_name (widget_class, "state-diagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_state_diagram_init (LabStateDiagram *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("TCP state diagram"), -1);
  update_description (self);
}
