/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-hex.h"
#include "lab-send-box.h"
#include "lab-send-history.h"
#include "lab-send-repeat.h"

/* What a user sends from an endpoint's panel: text (with escapes) or hex,
 * with a line end, by send or sendall, to one connection or all, once or
 * again and again. The input is checked as it is typed; Up and Down go
 * through what was sent, as does the history's list, which sends one
 * again or puts it back in the box. */

typedef enum {
  ENDING_NONE,
  ENDING_LF,
  ENDING_CRLF,
} Ending;

struct _LabSendBox
{
  GtkWidget    parent_instance;

  LabEndpoint *endpoint;
  guint64      target;
  LabSendHistory *history;
  int          history_position;   /* -1: what is being typed */
  gboolean     input_valid;

  /* Template widgets */
  GtkWidget   *box;
  GtkEntry    *entry;
  GtkMenuButton *history_button;
  GtkListBox  *history_list;
  GtkPopover  *history_popover;
  LabSendRepeat *repeat;
  GtkLabel    *error_label;
  GtkDropDown *format_dropdown;
  GtkDropDown *ending_dropdown;
  GtkCheckButton *sendall_check;
  GtkWidget   *tcp_box;
};

G_DEFINE_FINAL_TYPE (LabSendBox, lab_send_box, GTK_TYPE_WIDGET)

GtkWidget *
lab_send_box_new (void)
{
  return g_object_new (LAB_TYPE_SEND_BOX, NULL);
}

GtkEditable *
lab_send_box_get_editable (LabSendBox *self)
{
  return GTK_EDITABLE (self->entry);
}

/* The bytes the input stands for, with the line end; NULL and @error when
 * the input is not valid. */
static GBytes *
parse_input (LabSendBox  *self,
             GError     **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GByteArray) out = NULL;

  if (gtk_drop_down_get_selected (self->format_dropdown) == 1)
    bytes = lab_hex_parse (text, error);
  else
    bytes = lab_text_unescape (text, error);

  if (bytes == NULL)
    return NULL;

  out = g_byte_array_new ();
  g_byte_array_append (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  switch (gtk_drop_down_get_selected (self->ending_dropdown))
    {
    case ENDING_LF:
      g_byte_array_append (out, (const guint8 *) "\n", 1);
      break;
    case ENDING_CRLF:
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
      break;
    case ENDING_NONE:
    default:
      break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * lab_send_box_dup_bytes:
 *
 * Returns: (transfer full) (nullable): the bytes the box stands for, with
 *   the line end; %NULL with @error when they are not valid or there are
 *   none
 */
GBytes *
lab_send_box_dup_bytes (LabSendBox  *self,
                        GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (LAB_IS_SEND_BOX (self), NULL);

  bytes = parse_input (self, error);
  if (bytes != NULL && g_bytes_get_size (bytes) == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT, _("Type what to send first"));
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/**
 * lab_send_box_remember:
 *
 * Puts what is typed first in the endpoint's history.
 */
void
lab_send_box_remember (LabSendBox *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  g_return_if_fail (LAB_IS_SEND_BOX (self));

  if (self->history != NULL && text[0] != '\0')
    lab_send_history_add (self->history, text, gtk_drop_down_get_selected (self->format_dropdown) == 1);
  self->history_position = -1;
}

LabEndpoint *
lab_send_box_get_endpoint (LabSendBox *self)
{
  return self->endpoint;
}

guint64
lab_send_box_get_target (LabSendBox *self)
{
  return self->target;
}

/* Whether to send until all is sent (sendall ()) or once (send ()). */
gboolean
lab_send_box_get_sendall (LabSendBox *self)
{
  return gtk_check_button_get_active (self->sendall_check);
}

static void
update_actions (LabSendBox *self)
{
  gboolean active = self->endpoint != NULL && lab_endpoint_get_state (self->endpoint) != LAB_ENDPOINT_STATE_STOPPED &&
                    lab_endpoint_get_state (self->endpoint) != LAB_ENDPOINT_STATE_FAILED &&
                    lab_endpoint_get_state (self->endpoint) != LAB_ENDPOINT_STATE_STOPPING;
  gboolean server = self->endpoint != NULL &&
                    lab_endpoint_config_is_server (lab_endpoint_get_config (self->endpoint));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.send", active && self->input_valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.shutdown", active && (!server || self->target != 0));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.close", active && (!server || self->target != 0));
}

static void
check_input (LabSendBox *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = parse_input (self, &error);

  self->input_valid = bytes != NULL && g_bytes_get_size (bytes) > 0;

  if (error != NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);

  update_actions (self);
}

static void
on_entry_changed (LabSendBox *self)
{
  check_input (self);
}

static void
on_format_changed (LabSendBox *self)
{
  gtk_entry_set_placeholder_text (self->entry, gtk_drop_down_get_selected (self->format_dropdown) == 1
                                               ? _("Bytes in hexadecimal: 68 6f 6c 61")
                                               : _("Text to send"));
  check_input (self);
}

static void
on_state_changed (LabSendBox *self)
{
  update_actions (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabSendBox *self = LAB_SEND_BOX (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = parse_input (self, &error);

  if (bytes == NULL || self->endpoint == NULL)
    return;

  if (!lab_endpoint_send (self->endpoint, self->target, bytes, lab_send_box_get_sendall (self), &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  lab_send_box_remember (self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

static void
on_entry_activate (LabSendBox *self)
{
  if (gtk_widget_activate_action (GTK_WIDGET (self), "send.send", NULL))
    return;
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabSendBox *self = LAB_SEND_BOX (widget);

  if (self->endpoint != NULL)
    lab_endpoint_shutdown_write (self->endpoint, self->target, NULL);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabSendBox *self = LAB_SEND_BOX (widget);

  if (self->endpoint != NULL)
    lab_endpoint_close_connection (self->endpoint, self->target, NULL);
}

/* Puts the message at @position of the history back in the box, as it
 * was typed: its text and whether it was hex. */
static void
put_back (LabSendBox *self,
          guint       position)
{
  gtk_drop_down_set_selected (self->format_dropdown, lab_send_history_get_hex (self->history, position) ? 1 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), lab_send_history_get_text (self->history, position));
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LabSendBox            *self)
{
  int position = self->history_position;
  int n;

  if (keyval == GDK_KEY_Up)
    position++;
  else if (keyval == GDK_KEY_Down)
    position--;
  else
    return GDK_EVENT_PROPAGATE;

  n = self->history != NULL ? (int) lab_send_history_get_n_items (self->history) : 0;
  if (n == 0)
    return GDK_EVENT_STOP;

  /* Up goes back in time, Down forward, to what is being typed. */
  self->history_position = CLAMP (position, -1, n - 1);
  if (self->history_position >= 0)
    put_back (self, self->history_position);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->entry), "");

  return GDK_EVENT_STOP;
}

static void
on_history_changed (LabSendBox *self)
{
  guint n = lab_send_history_get_n_items (self->history);
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, row);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->history_list, lab_send_history_row_new (self->history, i));
  gtk_widget_set_sensitive (GTK_WIDGET (self->history_button), n > 0);
}

static void
on_history_row_activated (LabSendBox    *self,
                          GtkListBoxRow *row)
{
  put_back (self, gtk_list_box_row_get_index (row));
  gtk_popover_popdown (self->history_popover);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* Sends again the message at the position given, as it was typed, and
 * leaves the box as it was. */
static void
again_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabSendBox *self = LAB_SEND_BOX (widget);
  guint position = g_variant_get_uint32 (parameter);
  g_autofree char *typed = NULL;
  guint format;

  if (self->history == NULL || position >= lab_send_history_get_n_items (self->history))
    return;

  typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  format = gtk_drop_down_get_selected (self->format_dropdown);
  put_back (self, position);
  send_action (widget, "send.send", NULL);
  gtk_drop_down_set_selected (self->format_dropdown, format);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), typed);
  gtk_popover_popdown (self->history_popover);
}

/**
 * lab_send_box_set_endpoint:
 *
 * The endpoint to send from. UDP has neither half-close nor close.
 */
void
lab_send_box_set_endpoint (LabSendBox  *self,
                           LabEndpoint *endpoint)
{
  g_return_if_fail (LAB_IS_SEND_BOX (self));

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  self->history = NULL;
  self->history_position = -1;
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);
  g_set_object (&self->endpoint, endpoint);

  if (endpoint != NULL)
    {
      gboolean tcp = lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint));

      self->history = lab_send_history_for_endpoint (endpoint);
      g_signal_connect_object (self->history, "changed", G_CALLBACK (on_history_changed), self,
                               G_CONNECT_SWAPPED);
      on_history_changed (self);

      g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_state_changed), self,
                               G_CONNECT_SWAPPED);
      /* A datagram goes whole or not at all: sendall is for streams. */
      gtk_widget_set_visible (self->tcp_box, tcp);
      gtk_widget_set_visible (GTK_WIDGET (self->sendall_check), tcp);
    }

  update_actions (self);
}

/**
 * lab_send_box_set_target:
 * @connection: the connection to send to, or 0 for all of them (a client:
 *   its own)
 */
void
lab_send_box_set_target (LabSendBox *self,
                         guint64     connection)
{
  g_return_if_fail (LAB_IS_SEND_BOX (self));

  self->target = connection;
  update_actions (self);
}

static void
lab_send_box_dispose (GObject *object)
{
  LabSendBox *self = LAB_SEND_BOX (object);

  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  self->history = NULL;
  g_clear_object (&self->endpoint);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SEND_BOX);

  G_OBJECT_CLASS (lab_send_box_parent_class)->dispose (object);
}

static void
lab_send_box_class_init (LabSendBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_send_box_dispose;

  g_type_ensure (LAB_TYPE_SEND_REPEAT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-send-box.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, box);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, ending_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, entry);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, error_label);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, history_button);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, history_list);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, history_popover);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, repeat);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, sendall_check);
  gtk_widget_class_bind_template_child (widget_class, LabSendBox, tcp_box);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_history_row_activated);

  gtk_widget_class_install_action (widget_class, "send.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "send.again", "u", again_action);
  gtk_widget_class_install_action (widget_class, "send.shutdown", NULL, shutdown_action);
  gtk_widget_class_install_action (widget_class, "send.close", NULL, close_action);
}

static void
lab_send_box_init (LabSendBox *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->history_position = -1;
  gtk_drop_down_set_selected (self->ending_dropdown, ENDING_LF);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  check_input (self);
}
