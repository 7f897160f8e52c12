/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-send-box.h"
#include "lab-send-repeat.h"

/* The message of the send box, sent again every so many milliseconds, so
 * many times: what is sent is taken when the repeat starts, and so are
 * the connection and send or sendall. It stops by itself after the last,
 * when asked, when the endpoint stops, and when the connection it sends
 * on ends; it says how many went. A timer of the main loop sends: at most
 * a hundred times a second, each one send handed to the endpoint. */

typedef enum {
  STOP_DONE,
  STOP_ASKED,
  STOP_ENDPOINT,
  STOP_CONNECTION,
  STOP_NO_CONNECTION,
} StopReason;

struct _LabSendRepeat
{
  GtkWidget      parent_instance;

  /* The repeat running, if any */
  LabEndpoint   *endpoint;
  LabConnection *connection;     /* the one sent on, if there is one */
  guint64        target;
  GBytes        *bytes;
  gboolean       sendall;
  guint          count;
  guint          sent;
  guint          timeout_id;

  /* Template widgets */
  GtkWidget     *expander;
  GtkEntry      *interval_entry;
  GtkLabel      *interval_error;
  GtkEntry      *count_entry;
  GtkLabel      *count_error;
  GtkButton     *repeat_button;
  GtkLabel      *status_label;
};

G_DEFINE_FINAL_TYPE (LabSendRepeat, lab_send_repeat, GTK_TYPE_WIDGET)

gboolean
lab_send_repeat_get_running (LabSendRepeat *self)
{
  return self->timeout_id != 0;
}

/* How many of this repeat (or the last) went to the endpoint. */
guint
lab_send_repeat_get_sent (LabSendRepeat *self)
{
  return self->sent;
}

static void
set_status (LabSendRepeat *self,
            const char    *text,
            gboolean       error)
{
  gtk_label_set_text (self->status_label, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "field-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "field-error");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

/* A whole number from @min to @max, in decimal with no sign; else the
 * field says @why. */
static gboolean
read_field (GtkEntry   *entry,
            GtkLabel   *error_label,
            guint       min,
            guint       max,
            const char *why,
            guint      *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  guint64 number = 0;
  gboolean valid = g_ascii_isdigit (text[0]) &&
                   g_ascii_string_to_unsigned (text, 10, min, max, &number, NULL);

  if (!valid)
    {
      gtk_label_set_text (error_label, why);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (error_label), !valid);

  *value = (guint) number;
  return valid;
}

static void
update_button (LabSendRepeat *self)
{
  gtk_button_set_label (self->repeat_button, self->timeout_id != 0 ? _("Stop Repeating") : _("Start Repeating"));
}

/* Lets go of the repeat running: its timer, its endpoint, its bytes. */
static void
forget_run (LabSendRepeat *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  g_clear_object (&self->endpoint);
  g_clear_pointer (&self->bytes, g_bytes_unref);
}

static void
stop (LabSendRepeat *self,
      StopReason     reason)
{
  g_autofree char *status = NULL;

  if (self->endpoint == NULL)
    return;

  forget_run (self);
  switch (reason)
    {
    case STOP_DONE:
      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done: sent %u time", "Done: sent %u times",
                                             self->sent), self->sent);
      break;
    case STOP_ASKED:
      /* Translators: how many of the repeat's messages went, e.g. “Stopped: 4 of 10 sent”. */
      status = g_strdup_printf (_("Stopped: %u of %u sent"), self->sent, self->count);
      break;
    case STOP_ENDPOINT:
      status = g_strdup_printf (_("Stopped, the endpoint no longer runs: %u of %u sent"), self->sent, self->count);
      break;
    case STOP_CONNECTION:
      status = g_strdup_printf (_("Stopped, the connection has ended: %u of %u sent"), self->sent, self->count);
      break;
    case STOP_NO_CONNECTION:
    default:
      status = g_strdup_printf (_("Stopped, no connection is open: %u of %u sent"), self->sent, self->count);
      break;
    }
  set_status (self, status, FALSE);
  update_button (self);
}

static void
stop_on_error (LabSendRepeat *self,
               const GError  *error)
{
  /* Translators: %s says why a repeat could not go on, e.g. “Start it first”. */
  g_autofree char *status = g_strdup_printf (_("Stopped: %s"), error->message);

  stop (self, STOP_ASKED);
  set_status (self, status, TRUE);
}

static gboolean
sending (LabEndpoint *endpoint)
{
  LabEndpointState state = lab_endpoint_get_state (endpoint);

  return lab_endpoint_is_active (endpoint) && state != LAB_ENDPOINT_STATE_STOPPING;
}

static gboolean
has_open_connection (LabEndpoint *endpoint)
{
  GListModel *connections = lab_endpoint_get_connections (endpoint);

  for (guint i = g_list_model_get_n_items (connections); i > 0; i--)
    {
      g_autoptr(LabConnection) connection = g_list_model_get_item (connections, i - 1);

      if (lab_connection_get_open (connection))
        return TRUE;
    }
  return FALSE;
}

static void
send_once (LabSendRepeat *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  /* A server sending to all of them, with none left. */
  if (self->connection == NULL && lab_endpoint_config_is_server (lab_endpoint_get_config (self->endpoint)) &&
      !has_open_connection (self->endpoint))
    {
      stop (self, STOP_NO_CONNECTION);
      return;
    }

  if (!lab_endpoint_send (self->endpoint, self->target, self->bytes, self->sendall, &error))
    {
      stop_on_error (self, error);
      return;
    }

  self->sent++;
  if (self->sent >= self->count)
    {
      stop (self, STOP_DONE);
      return;
    }
  /* Translators: a repeat under way, e.g. “Repeating: 4 of 10 sent”. */
  status = g_strdup_printf (_("Repeating: %u of %u sent"), self->sent, self->count);
  set_status (self, status, FALSE);
}

static gboolean
on_tick (gpointer data)
{
  LabSendRepeat *self = data;

  send_once (self);
  return self->timeout_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
on_endpoint_state (LabSendRepeat *self)
{
  if (!sending (self->endpoint))
    stop (self, STOP_ENDPOINT);
}

static void
on_connection_open (LabSendRepeat *self)
{
  if (!lab_connection_get_open (self->connection))
    stop (self, STOP_CONNECTION);
}

/* The connection the send box sends on: the one chosen in a server's
 * list, a client's own; none for a server sending to all. */
static LabConnection *
find_connection (LabEndpoint *endpoint,
                 guint64      target)
{
  GListModel *connections = lab_endpoint_get_connections (endpoint);
  guint n = g_list_model_get_n_items (connections);

  if (target != 0)
    {
      LabConnection *connection = lab_endpoint_find_connection (endpoint, target);

      return connection != NULL ? g_object_ref (connection) : NULL;
    }
  if (lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint)) || n == 0)
    return NULL;
  return g_list_model_get_item (connections, n - 1);
}

static void
start (LabSendRepeat *self)
{
  LabSendBox *box = LAB_SEND_BOX (gtk_widget_get_ancestor (GTK_WIDGET (self), LAB_TYPE_SEND_BOX));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  /* Translators: what a repeat's field takes; %u and %u are the least and the most. */
  g_autofree char *interval_why = g_strdup_printf (_("A whole number of milliseconds from %u to %u"),
                                                   LAB_SEND_REPEAT_MIN_INTERVAL_MS, LAB_SEND_REPEAT_MAX_INTERVAL_MS);
  /* Translators: how many times to send; %u and %u are the least and the most. */
  g_autofree char *count_why = g_strdup_printf (_("A whole number of times from %u to %u"), 1,
                                                LAB_SEND_REPEAT_MAX_COUNT);
  gboolean valid = TRUE;
  LabEndpoint *endpoint;
  guint interval = 0;

  valid &= read_field (self->interval_entry, self->interval_error, LAB_SEND_REPEAT_MIN_INTERVAL_MS,
                       LAB_SEND_REPEAT_MAX_INTERVAL_MS, interval_why, &interval);
  valid &= read_field (self->count_entry, self->count_error, 1, LAB_SEND_REPEAT_MAX_COUNT, count_why, &self->count);
  if (!valid)
    {
      set_status (self, _("Nothing sent: set the repeat right first"), TRUE);
      return;
    }

  g_assert (box != NULL);
  bytes = lab_send_box_dup_bytes (box, &error);
  endpoint = lab_send_box_get_endpoint (box);
  if (bytes == NULL)
    {
      /* Translators: %s says what is wrong with the message to send, e.g. bad hexadecimal. */
      g_autofree char *status = g_strdup_printf (_("Nothing sent: %s"), error->message);

      set_status (self, status, TRUE);
      return;
    }
  if (endpoint == NULL || !sending (endpoint))
    {
      set_status (self, _("Nothing sent: start the endpoint first"), TRUE);
      return;
    }

  self->endpoint = g_object_ref (endpoint);
  self->target = lab_send_box_get_target (box);
  self->connection = find_connection (endpoint, self->target);
  self->bytes = g_steal_pointer (&bytes);
  self->sendall = lab_send_box_get_sendall (box);
  self->sent = 0;
  g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_endpoint_state), self, G_CONNECT_SWAPPED);
  if (self->connection != NULL)
    g_signal_connect_object (self->connection, "notify::open", G_CALLBACK (on_connection_open), self,
                             G_CONNECT_SWAPPED);
  lab_send_box_remember (box);

  self->timeout_id = g_timeout_add (interval, on_tick, self);
  update_button (self);
  send_once (self);
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabSendRepeat *self = LAB_SEND_REPEAT (widget);

  if (self->endpoint != NULL)
    stop (self, STOP_ASKED);
  else
    start (self);
}

static void
on_field_changed (LabSendRepeat *self,
                  GtkEntry      *entry)
{
  /* What was wrong is said until it is typed again. */
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (entry == self->interval_entry ? self->interval_error : self->count_error),
                          FALSE);
}

static void
on_field_activate (LabSendRepeat *self)
{
  if (self->endpoint == NULL)
    start (self);
}

static void
lab_send_repeat_dispose (GObject *object)
{
  LabSendRepeat *self = LAB_SEND_REPEAT (object);

  forget_run (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SEND_REPEAT);

  G_OBJECT_CLASS (lab_send_repeat_parent_class)->dispose (object);
}

static void
lab_send_repeat_class_init (LabSendRepeatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_send_repeat_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-send-repeat.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, count_entry);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, count_error);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, expander);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, interval_entry);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, interval_error);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, repeat_button);
  gtk_widget_class_bind_template_child (widget_class, LabSendRepeat, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);

  gtk_widget_class_install_action (widget_class, "repeat.toggle", NULL, toggle_action);
}

static void
lab_send_repeat_init (LabSendRepeat *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
