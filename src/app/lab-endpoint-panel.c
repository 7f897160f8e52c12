/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-colours.h"
#include "lab-connection-row.h"
#include "lab-endpoint-host.h"
#include "lab-endpoint-panel.h"
#include "lab-endpoint-words.h"
#include "lab-errno.h"
#include "lab-explain.h"
#include "lab-focus-view.h"
#include "lab-message-log-view.h"
#include "lab-program-panel.h"
#include "lab-send-box.h"
#include "lab-step-bar.h"

/* One endpoint on the bench: its configuration as a form (the basics in
 * view, the rest folded), checked as it is typed; Start and Stop; what it
 * is doing, in words; a server's connections; and what to send. */

struct _LabEndpointPanel
{
  GtkWidget       parent_instance;

  LabSession     *session;
  LabEndpoint    *endpoint;
  gboolean        address_valid;
  gboolean        port_valid;
  gboolean        updating;
  LabEndpointState last_state;
  GtkRoot        *root;          /* whose focus says which key steps */
  gulong          focus_id;
  gboolean        typing;
  char           *start_error;   /* why Start could not start it */

  /* Template widgets */
  GtkWidget      *scroller;
  GtkWidget      *mark_label;
  GtkLabel       *name_label;
  GtkLabel       *state_label;
  GtkLabel       *error_label;
  GtkLabel       *error_hint;
  GtkWidget      *form;
  GtkDropDown    *host_dropdown;
  GtkToggleButton *posix_button;
  GtkToggleButton *gio_button;
  GtkLabel       *address_label;
  GtkEntry       *address_entry;
  GtkLabel       *address_error;
  GtkWidget      *port_label;
  GtkEntry       *port_entry;
  GtkLabel       *port_error;
  GtkWidget      *count_label;
  GtkSpinButton  *count_spin;
  GtkWidget      *interval_label;
  GtkSpinButton  *interval_spin;
  GtkLabel       *ping_note;
  GtkLabel       *ping_results;
  GString        *ping_lines;     /* a ping's replies and summary, as they come */
  gulong          recorded_id;
  GtkWidget      *behaviour_label;
  GtkDropDown    *behaviour_dropdown;
  GtkExpander    *advanced_expander;
  GtkWidget      *concurrency_label;
  GtkDropDown    *concurrency_dropdown;
  GtkWidget      *backlog_label;
  GtkSpinButton  *backlog_spin;
  GtkWidget      *max_clients_label;
  GtkSpinButton  *max_clients_spin;
  GtkWidget      *family_label;
  GtkDropDown    *family_dropdown;
  GtkSpinButton  *buffer_spin;
  GtkWidget      *framing_label;
  GtkDropDown    *framing_dropdown;
  GtkWidget      *timeout_label;
  GtkSpinButton  *timeout_spin;
  GtkCheckButton *reuseaddr_check;
  GtkCheckButton *nodelay_check;
  GtkCheckButton *udp_connect_check;
  GtkButton      *start_button;
  GtkCheckButton *step_check;
  GtkLabel       *where_label;
  GtkBox         *program_slot;
  GtkLabel       *script_label;
  GtkWidget      *code_button;
  GtkWidget      *connections_box;
  GtkWidget      *no_connections;
  GtkLabel       *forgotten_connections;
  GtkListBox     *connections_list;
  LabMessageLogView *messages;
  GtkLabel       *send_title;
  LabSendBox     *send_box;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ENDPOINT,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabEndpointPanel, lab_endpoint_panel, GTK_TYPE_WIDGET)

GtkWidget *
lab_endpoint_panel_new (LabSession  *session,
                        LabEndpoint *endpoint)
{
  return g_object_new (LAB_TYPE_ENDPOINT_PANEL,
                       "session", session,
                       "endpoint", endpoint,
                       NULL);
}

LabEndpoint *
lab_endpoint_panel_get_endpoint (LabEndpointPanel *self)
{
  return self->endpoint;
}

static gboolean
is_server (LabEndpointPanel *self)
{
  return lab_endpoint_config_is_server (lab_endpoint_get_config (self->endpoint));
}

static gboolean
is_ping (LabEndpointPanel *self)
{
  return lab_endpoint_kind_is_ping (lab_endpoint_config_get_kind (lab_endpoint_get_config (self->endpoint)));
}

static gboolean
is_program (LabEndpointPanel *self)
{
  return lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (lab_endpoint_get_config (self->endpoint)));
}

static gboolean
is_tcp (LabEndpointPanel *self)
{
  return lab_endpoint_config_is_tcp (lab_endpoint_get_config (self->endpoint));
}

/**
 * lab_endpoint_panel_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection chosen in a server's
 *   list, or a client's own
 */
LabConnection *
lab_endpoint_panel_get_connection (LabEndpointPanel *self)
{
  GListModel *connections = lab_endpoint_get_connections (self->endpoint);
  GtkListBoxRow *row;
  guint n = g_list_model_get_n_items (connections);

  if (!is_server (self))
    {
      g_autoptr(LabConnection) last = n > 0 ? g_list_model_get_item (connections, n - 1) : NULL;

      return last;
    }

  row = gtk_list_box_get_selected_row (self->connections_list);
  if (row == NULL)
    return NULL;

  {
    g_autoptr(LabConnection) connection = g_list_model_get_item (connections, gtk_list_box_row_get_index (row));

    return connection;
  }
}

void
lab_endpoint_panel_focus_first_field (LabEndpointPanel *self)
{
  gtk_widget_grab_focus (is_program (self) ? GTK_WIDGET (self->start_button) : GTK_WIDGET (self->port_entry));
}

/* A held call names the key that makes it from where the focus is: Space
 * would be typed into a field, F10 is not. */
static char *
state_text (LabEndpointPanel *self)
{
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (self->endpoint), 0);

  if (held != NULL && self->typing)
    /* Translators: %s is the name of a call held in step mode, e.g. accept. */
    return g_strdup_printf (_("Held before %s (): press F10 to make it"), lab_event_get_call_name (held));
  if (held != NULL)
    /* Translators: %s is the name of a call held in step mode, e.g. accept. */
    return g_strdup_printf (_("Held before %s (): press Space to make it"), lab_event_get_call_name (held));

  return lab_endpoint_state_words (self->endpoint);
}

static void
update_start (LabEndpointPanel *self)
{
  LabEndpointState state = lab_endpoint_get_state (self->endpoint);
  gboolean active = lab_endpoint_is_active (self->endpoint);
  /* A program's command is checked as it starts. */
  gboolean valid = is_program (self) || (self->address_valid && self->port_valid);

  gtk_button_set_label (self->start_button, active ? _("_Stop") : _("_Start"));
  if (active)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->start_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->start_button), "suggested-action");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "panel.start-stop",
                                 active ? state != LAB_ENDPOINT_STATE_STOPPING : valid);

  /* A focused entry made insensitive keeps a focus it cannot lose (GTK
   * 4.8 warns): the focus goes to Start/Stop first. */
  if (active)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && (gtk_widget_is_ancestor (focus, self->form) ||
                            gtk_widget_is_ancestor (focus, GTK_WIDGET (self->advanced_expander))))
        gtk_widget_grab_focus (GTK_WIDGET (self->start_button));
    }
  gtk_widget_set_sensitive (self->form, !active);
  gtk_widget_set_sensitive (GTK_WIDGET (self->advanced_expander), !active);
}

/* The error a run stopped with, as its words name it (“connect:
 * ECONNREFUSED (Connection refused)”, or GIO's own “connect:
 * G_IO_ERROR_TIMED_OUT (…)”), explained: what it means and what to try. */
static void
update_error_hint (LabEndpointPanel *self,
                   const char       *error)
{
  g_auto(GStrv) words = error != NULL ? g_strsplit_set (error, " :()", -1) : NULL;
  const LabExplanation *explanation = NULL;

  for (guint i = 0; words != NULL && words[i] != NULL && explanation == NULL; i++)
    if (lab_errno_from_name (words[i]) != 0)
      explanation = lab_explain_error (lab_errno_from_name (words[i]));

  if (explanation != NULL)
    {
      g_autofree char *means = g_markup_escape_text (explanation->means, -1);
      g_autofree char *remedy = g_markup_escape_text (explanation->remedy, -1);
      g_autofree char *heading = g_markup_escape_text (_("What to try:"), -1);
      g_autofree char *markup = g_strdup_printf ("%s\n<b>%s</b> %s", means, heading, remedy);

      gtk_label_set_markup (self->error_hint, markup);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_hint), explanation != NULL);
}

static void
update_state (LabEndpointPanel *self)
{
  LabEndpointState state = lab_endpoint_get_state (self->endpoint);
  const char *error = lab_endpoint_get_error (self->endpoint);
  const char *address = lab_endpoint_get_address (self->endpoint);
  gboolean failed = state == LAB_ENDPOINT_STATE_FAILED && error != NULL;

  {
    g_autofree char *text = state_text (self);

    gtk_label_set_text (self->state_label, text);
  }
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "failed");
  if (state == LAB_ENDPOINT_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "failed");

  if (failed)
    {
      /* Translators: %s is the call that failed and its error, e.g. “bind: EADDRINUSE (Address already in use)”. */
      g_autofree char *failure = lab_errno_dup_failure (error);
      g_autofree char *text = g_strdup_printf (_("Could not go on: %s"), failure);

      gtk_label_set_text (self->error_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed);
  update_error_hint (self, failed ? error : NULL);

  /* An endpoint Play could not start, or a client it left alone for its
   * server could not start. */
  if (!failed)
    {
      g_autofree char *why = lab_session_dup_not_started (self->session, self->endpoint);

      if (why != NULL)
        gtk_label_set_text (self->error_label, why);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), why != NULL);
    }

  /* Why Start refused it (the lab network cannot be made here), until it
   * starts or is moved. */
  if (lab_endpoint_is_active (self->endpoint))
    g_clear_pointer (&self->start_error, g_free);
  if (!failed && self->start_error != NULL)
    {
      gtk_label_set_text (self->error_label, self->start_error);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }

  if (address != NULL && lab_endpoint_is_active (self->endpoint))
    {
      g_autofree char *text = lab_endpoint_where_words (lab_endpoint_get_config (self->endpoint), address);

      gtk_label_set_text (self->where_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->where_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->where_label), FALSE);

  update_start (self);

  /* A client that just connected was started to talk: its send box takes
   * the focus from Start, so that the next thing typed is sent. */
  if (!is_server (self) && !is_program (self) && self->last_state != state &&
      (state == LAB_ENDPOINT_STATE_CONNECTED || state == LAB_ENDPOINT_STATE_RUNNING))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (root != NULL && gtk_root_get_focus (root) == GTK_WIDGET (self->start_button))
        gtk_widget_grab_focus (GTK_WIDGET (lab_send_box_get_editable (self->send_box)));
    }
  self->last_state = state;
}

static void
set_field_error (GtkEntry   *entry,
                 GtkLabel   *label,
                 GError     *error)
{
  if (error != NULL)
    {
      gtk_label_set_text (label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

static void
on_address_changed (LabEndpointPanel *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->address_entry));
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);

  gboolean exposed = FALSE;

  if (is_server (self))
    {
      g_autoptr(GInetAddress) address = lab_endpoint_host_parse_bind_address (config, text, &error);

      self->address_valid = address != NULL;
      exposed = address != NULL && g_inet_address_get_is_any (address);
    }
  else
    self->address_valid = lab_validate_host (text, &error);

  set_field_error (self->address_entry, self->address_error, error);

  /* Safe by default: a server open to the network says so; one on a lab
   * host says which network that is. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->address_error), "field-warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->address_error), "field-note");
  if (exposed)
    {
      gboolean warning;
      g_autofree char *words = lab_endpoint_every_interface_words (config, &warning);

      gtk_label_set_text (self->address_error, words);
      gtk_widget_add_css_class (GTK_WIDGET (self->address_error), warning ? "field-warning" : "field-note");
      gtk_widget_set_visible (GTK_WIDGET (self->address_error), TRUE);
    }
  if (self->address_valid && !self->updating)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      g_object_set (config, is_server (self) ? "bind-address" : "host", stripped, NULL);
    }
  update_start (self);
}

/* The address set from elsewhere (a server moved to a lab host): the entry
 * shows it, what is typed left as typed while it says the same. */
static void
on_config_address (LabEndpointPanel *self)
{
  g_autofree char *address = NULL;
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_entry))));

  g_object_get (lab_endpoint_get_config (self->endpoint), is_server (self) ? "bind-address" : "host", &address,
                NULL);
  if (g_strcmp0 (typed, address) == 0)
    return;
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
  self->updating = FALSE;
}

/* Moved: a host's name is an address there, or not here, so the address
 * is read again (one typed that was not an address here may be one now),
 * and why Start refused it no longer holds. */
static void
on_config_network_host (LabEndpointPanel *self)
{
  g_clear_pointer (&self->start_error, g_free);
  on_address_changed (self);
  update_state (self);
}

/* The port set from elsewhere (Play moves one in use): the entry shows it. */
static void
on_config_port (LabEndpointPanel *self)
{
  g_autofree char *port = NULL;
  guint64 typed;
  guint value;

  /* What is typed is left as typed while it says the same port. */
  g_object_get (lab_endpoint_get_config (self->endpoint), "port", &value, NULL);
  typed = g_ascii_strtoull (gtk_editable_get_text (GTK_EDITABLE (self->port_entry)), NULL, 10);
  if (self->port_valid && typed == value)
    return;
  port = g_strdup_printf ("%u", value);
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->port_entry), port);
  self->updating = FALSE;
}

static void
on_port_changed (LabEndpointPanel *self)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;

  /* A ping has no port */
  if (is_ping (self))
    {
      self->port_valid = TRUE;
      update_start (self);
      return;
    }
  self->port_valid = lab_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->port_entry)), is_server (self),
                                     &port, &error);
  set_field_error (self->port_entry, self->port_error, error);
  if (self->port_valid && !self->updating)
    g_object_set (lab_endpoint_get_config (self->endpoint), "port", (guint) port, NULL);
  update_start (self);
}

/* Which socket a ping will use where it runs, and why; or why it cannot
 * (GIO; ICMP's datagram socket refused by net.ipv4.ping_group_range). */
static void
update_ping_note (LabEndpointPanel *self)
{
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);
  g_autofree char *network_host = NULL;
  g_autofree char *text = NULL;
  LabBackendKind backend;

  if (!is_ping (self))
    return;
  g_object_get (config, "network-host", &network_host, "backend", &backend, NULL);
  if (backend == LAB_BACKEND_GIO)
    text = g_strdup (lab_endpoint_config_ping_gio_text ());
  else if (network_host != NULL && network_host[0] != '\0')
    text = lab_event_dup_ping_socket_text ("raw");
  else
    {
      g_autofree char *range = lab_event_dup_ping_group_range ();
      guint first = 1, last = 0, group = 0;

      text = lab_event_dup_ping_socket_text ("dgram");
      /* Said before Start when it will be refused */
      if (sscanf (range, "%u %u %u", &first, &last, &group) == 3 && (group < first || group > last))
        {
          g_autofree char *why = lab_event_dup_ping_not_allowed_text (range);
          char *both = g_strconcat (text, "\n\n", why, NULL);

          g_free (text);
          text = both;
        }
    }
  gtk_label_set_text (self->ping_note, text);
}

static void
on_backend_toggled (LabEndpointPanel *self)
{
  if (self->updating)
    return;

  g_object_set (lab_endpoint_get_config (self->endpoint),
                "backend", gtk_toggle_button_get_active (self->gio_button) ? LAB_BACKEND_GIO : LAB_BACKEND_POSIX,
                NULL);
  update_ping_note (self);
}

/* A ping's echo replies, losses and summary, as they are recorded */
static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             LabEndpointPanel *self)
{
  guint id = lab_endpoint_get_id (self->endpoint);
  gboolean changed = FALSE;

  for (guint i = 0; i < n_entries; i++)
    {
      const LabRecord *record = entries[i].record;
      g_autoptr(LabEvent) event = NULL;
      g_autofree char *text = NULL;
      LabNote note;

      if (lab_record_get_kind (record) != LAB_EVENT_NOTE || lab_record_get_endpoint_id (record) != id)
        continue;
      event = lab_timeline_dup_event (timeline, record);
      note = lab_event_get_note (event);
      if (note == LAB_NOTE_STARTED)
        g_string_truncate (self->ping_lines, 0);
      if (note != LAB_NOTE_ECHO_REPLY && note != LAB_NOTE_ECHO_LOST && note != LAB_NOTE_PING_SUMMARY)
        continue;
      text = note == LAB_NOTE_ECHO_REPLY ? g_strdup (lab_event_get_note_arg (event)) : lab_event_dup_summary (event);
      /* The last replies of a long ping, and its summary */
      if (self->ping_lines->len > 4096)
        g_string_erase (self->ping_lines, 0, strchr (self->ping_lines->str, '\n') - self->ping_lines->str + 1);
      if (self->ping_lines->len > 0)
        g_string_append_c (self->ping_lines, '\n');
      g_string_append (self->ping_lines, text);
      changed = TRUE;
    }
  if (!changed)
    return;
  gtk_label_set_text (self->ping_results, self->ping_lines->str);
  gtk_widget_set_visible (GTK_WIDGET (self->ping_results), TRUE);
}

/* The drop-downs list their choices in the enums' own order (set_choices). */
static void
on_enum_changed (LabEndpointPanel *self)
{
  if (self->updating)
    return;

  g_object_set (lab_endpoint_get_config (self->endpoint),
                "behaviour", (int) gtk_drop_down_get_selected (self->behaviour_dropdown),
                "concurrency", (int) gtk_drop_down_get_selected (self->concurrency_dropdown),
                "framing", (int) gtk_drop_down_get_selected (self->framing_dropdown),
                "family", (int) gtk_drop_down_get_selected (self->family_dropdown),
                NULL);
}

static void
on_remove_clicked (LabEndpointPanel *self)
{
  lab_session_remove (self->session, self->endpoint);
}

static void
start_stop_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (widget);
  g_autoptr(GError) error = NULL;

  if (lab_endpoint_is_active (self->endpoint))
    {
      lab_endpoint_stop (self->endpoint);
      return;
    }

  g_clear_pointer (&self->start_error, g_free);
  if (!lab_endpoint_start (self->endpoint, &error))
    self->start_error = g_strdup (error->message);
  update_state (self);
}

static void
on_connection_selected (LabEndpointPanel *self,
                        GtkListBoxRow    *row)
{
  LabConnection *connection = lab_endpoint_panel_get_connection (self);

  lab_send_box_set_target (self->send_box, connection != NULL ? lab_connection_get_id (connection) : 0);
  gtk_label_set_text (self->send_title, connection != NULL ? _("Send to the chosen connection")
                                                           : _("Send to every connection"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* ---- The connection rows ---- */

/* Only the last closed connections are listed: how many older ones are
 * not is said under the list. */
static void
update_forgotten (LabEndpointPanel *self)
{
  guint forgotten = lab_endpoint_get_forgotten_connections (self->endpoint);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->forgotten_connections), forgotten > 0);
  if (forgotten == 0)
    return;

  /* Translators: %u is a count of connections that were closed long ago and are no longer listed. */
  text = g_strdup_printf (ngettext ("%u older closed connection is no longer listed",
                                    "%u older closed connections are no longer listed", forgotten),
                          forgotten);
  gtk_label_set_label (self->forgotten_connections, text);
}

static void
on_connections_changed (LabEndpointPanel *self)
{
  GListModel *connections = lab_endpoint_get_connections (self->endpoint);
  guint n = g_list_model_get_n_items (connections);

  gtk_widget_set_visible (self->no_connections, n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->connections_list), n > 0);
  update_forgotten (self);

  /* A client's one connection is what the inspector shows. */
  if (!is_server (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* ---- Setting up ---- */

static void
fill_form (LabEndpointPanel *self)
{
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);
  LabBackendKind backend;
  g_autofree char *address = NULL;
  g_autofree char *port = NULL;
  guint port_value;
  int behaviour, concurrency, framing, family;

  g_object_get (config,
                "backend", &backend,
                is_server (self) ? "bind-address" : "host", &address,
                "port", &port_value,
                "behaviour", &behaviour,
                "concurrency", &concurrency,
                "framing", &framing,
                "family", &family,
                NULL);

  self->updating = TRUE;
  gtk_toggle_button_set_active (backend == LAB_BACKEND_GIO ? self->gio_button : self->posix_button, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
  port = g_strdup_printf ("%u", port_value);
  gtk_editable_set_text (GTK_EDITABLE (self->port_entry), port);
  gtk_drop_down_set_selected (self->behaviour_dropdown, behaviour);
  gtk_drop_down_set_selected (self->concurrency_dropdown, concurrency);
  gtk_drop_down_set_selected (self->framing_dropdown, framing);
  gtk_drop_down_set_selected (self->family_dropdown, family);
  self->updating = FALSE;
  lab_endpoint_host_attach (self->host_dropdown, config);

  /* The numbers and switches follow the configuration both ways. */
  g_object_bind_property (config, "backlog", self->backlog_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "max-clients", self->max_clients_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "buffer-size", self->buffer_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, is_server (self) ? "recv-timeout" : "connect-timeout",
                          self->timeout_spin, "value", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "reuseaddr", self->reuseaddr_check, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "nodelay", self->nodelay_check, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "udp-connect", self->udp_connect_check, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "count", self->count_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (config, "interval", self->interval_spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  lab_endpoint_config_bind_client_timeouts (config);

  on_address_changed (self);
  on_port_changed (self);
}

/* What a kind of endpoint shows of the form. */
static void
show_fields (LabEndpointPanel *self)
{
  gboolean server = is_server (self);
  gboolean tcp = is_tcp (self);

  gtk_label_set_text_with_mnemonic (self->address_label, server ? _("Bind _address") : _("_Host"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->address_entry),
                               server ? _("127.0.0.1: this machine only; 0.0.0.0 or ::: every interface")
                                      : _("The server’s name or address"));
  if (is_program (self))
    {
      /* A program of the user's own: its panel has what it needs, and is
       * wide enough for its terminal's lines (style.css). */
      gtk_widget_add_css_class (GTK_WIDGET (self), "program");
      gtk_box_append (self->program_slot, lab_program_panel_new (self->endpoint));
      gtk_widget_set_visible (GTK_WIDGET (self->program_slot), TRUE);
      gtk_widget_set_visible (self->form, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->advanced_expander), FALSE);
      gtk_widget_set_visible (self->connections_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->send_title), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->send_box), FALSE);
      return;
    }
  if (is_ping (self))
    {
      gboolean ping = TRUE;

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->address_entry), _("The host to ping, by name or address"));
      gtk_widget_set_visible (self->port_label, !ping);
      gtk_widget_set_visible (GTK_WIDGET (self->port_entry), !ping);
      gtk_widget_set_visible (self->count_label, ping);
      gtk_widget_set_visible (GTK_WIDGET (self->count_spin), ping);
      gtk_widget_set_visible (self->interval_label, ping);
      gtk_widget_set_visible (GTK_WIDGET (self->interval_spin), ping);
      gtk_widget_set_visible (GTK_WIDGET (self->ping_note), ping);
      gtk_widget_set_visible (self->behaviour_label, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->behaviour_dropdown), FALSE);
      /* Nothing of the advanced settings is a ping's, and nothing is sent
       * but its echo requests. */
      gtk_widget_set_visible (GTK_WIDGET (self->advanced_expander), FALSE);
      gtk_widget_set_visible (self->connections_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->send_title), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->send_box), FALSE);
      return;
    }

  gtk_widget_set_visible (self->behaviour_label, server);
  gtk_widget_set_visible (GTK_WIDGET (self->behaviour_dropdown), server);
  gtk_widget_set_visible (self->concurrency_label, server && tcp);
  gtk_widget_set_visible (GTK_WIDGET (self->concurrency_dropdown), server && tcp);
  gtk_widget_set_visible (self->backlog_label, server && tcp);
  gtk_widget_set_visible (GTK_WIDGET (self->backlog_spin), server && tcp);
  gtk_widget_set_visible (self->max_clients_label, server && tcp);
  gtk_widget_set_visible (GTK_WIDGET (self->max_clients_spin), server && tcp);
  gtk_widget_set_visible (self->framing_label, server);
  gtk_widget_set_visible (GTK_WIDGET (self->framing_dropdown), server);
  gtk_widget_set_visible (self->family_label, !server);
  gtk_widget_set_visible (GTK_WIDGET (self->family_dropdown), !server);
  gtk_widget_set_visible (self->timeout_label, !server);
  gtk_widget_set_visible (GTK_WIDGET (self->timeout_spin), !server);
  gtk_widget_set_visible (GTK_WIDGET (self->reuseaddr_check), server);
  gtk_widget_set_visible (GTK_WIDGET (self->nodelay_check), tcp);
  gtk_widget_set_visible (GTK_WIDGET (self->udp_connect_check), !server && !tcp);
  gtk_widget_set_visible (self->connections_box, server);

  gtk_label_set_text (self->send_title, server ? _("Send to every connection") : _("Send"));
  gtk_widget_set_tooltip_text (self->connections_box,
                               tcp ? _("Choose one to send to it or close it; none chosen sends to all")
                                   : _("Each address that sent a datagram; choose one to answer it"));
}

/* A client filled in by an experiment may send by itself on connecting:
 * said in words, as the form has no fields for it. */
static void
update_script (LabEndpointPanel *self)
{
  g_autofree char *text = lab_endpoint_script_words (lab_endpoint_get_config (self->endpoint));

  gtk_label_set_text (self->script_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->script_label), text != NULL);
}

static void
lab_endpoint_panel_constructed (GObject *object)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (object);

  G_OBJECT_CLASS (lab_endpoint_panel_parent_class)->constructed (object);

  g_assert (self->endpoint != NULL);

  lab_colour_mark_set (self->mark_label, lab_endpoint_get_mark (self->endpoint));
  g_object_bind_property (self->endpoint, "name", self->name_label, "label", G_BINDING_SYNC_CREATE);

  show_fields (self);
  fill_form (self);
  update_script (self);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->code_button), "u", lab_endpoint_get_id (self->endpoint));
  g_signal_connect_object (lab_endpoint_get_config (self->endpoint), "notify", G_CALLBACK (update_script), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_config (self->endpoint), "notify::port", G_CALLBACK (on_config_port),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_config (self->endpoint),
                           is_server (self) ? "notify::bind-address" : "notify::host",
                           G_CALLBACK (on_config_address), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_config (self->endpoint), "notify::network-host",
                           G_CALLBACK (on_config_network_host), self, G_CONNECT_SWAPPED);
  if (is_ping (self))
    {
      g_signal_connect_object (lab_endpoint_get_config (self->endpoint), "notify::network-host",
                               G_CALLBACK (update_ping_note), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lab_endpoint_get_config (self->endpoint), "notify::backend",
                               G_CALLBACK (update_ping_note), self, G_CONNECT_SWAPPED);
      self->recorded_id = g_signal_connect (lab_session_get_timeline (self->session), "recorded",
                                            G_CALLBACK (on_recorded), self);
      update_ping_note (self);
    }
  g_signal_connect_object (self->session, "play-changed", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->connections_list, lab_endpoint_get_connections (self->endpoint),
                           lab_connection_row_new, NULL, NULL);
  g_signal_connect_object (lab_endpoint_get_connections (self->endpoint), "items-changed",
                           G_CALLBACK (on_connections_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint, "notify::forgotten-connections", G_CALLBACK (update_forgotten), self,
                           G_CONNECT_SWAPPED);
  on_connections_changed (self);

  lab_send_box_set_endpoint (self->send_box, self->endpoint);
  lab_message_log_view_set_endpoint (self->messages, self->endpoint);

  g_signal_connect_object (self->endpoint, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint, "notify::waiting-call", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint, "notify::error", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint, "notify::address", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_paused (self->endpoint), "items-changed", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->endpoint, "step-mode", self->step_check, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update_state (self);
}

static void
lab_endpoint_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_ENDPOINT: g_value_set_object (value, self->endpoint); break;
    case PROP_CONNECTION: g_value_set_object (value, lab_endpoint_panel_get_connection (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_endpoint_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_ENDPOINT: self->endpoint = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_focus_moved (LabEndpointPanel *self)
{
  gboolean typing = lab_step_bar_focus_types (GTK_WIDGET (self));

  if (typing != self->typing)
    {
      self->typing = typing;
      update_state (self);
    }
}

static void
lab_endpoint_panel_root (GtkWidget *widget)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (widget);

  GTK_WIDGET_CLASS (lab_endpoint_panel_parent_class)->root (widget);

  self->root = gtk_widget_get_root (widget);
  self->focus_id = g_signal_connect_swapped (self->root, "notify::focus-widget", G_CALLBACK (on_focus_moved), self);
  on_focus_moved (self);
}

static void
lab_endpoint_panel_unroot (GtkWidget *widget)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (widget);

  g_clear_signal_handler (&self->focus_id, self->root);
  self->root = NULL;

  GTK_WIDGET_CLASS (lab_endpoint_panel_parent_class)->unroot (widget);
}

static void
lab_endpoint_panel_dispose (GObject *object)
{
  LabEndpointPanel *self = LAB_ENDPOINT_PANEL (object);

  if (self->session != NULL)
    g_clear_signal_handler (&self->recorded_id, lab_session_get_timeline (self->session));
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ENDPOINT_PANEL);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->session);
  if (self->ping_lines != NULL)
    g_string_free (g_steal_pointer (&self->ping_lines), TRUE);
  g_clear_pointer (&self->start_error, g_free);

  G_OBJECT_CLASS (lab_endpoint_panel_parent_class)->dispose (object);
}

static void
lab_endpoint_panel_class_init (LabEndpointPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lab_endpoint_panel_constructed;
  object_class->get_property = lab_endpoint_panel_get_property;
  object_class->set_property = lab_endpoint_panel_set_property;
  object_class->dispose = lab_endpoint_panel_dispose;
  widget_class->root = lab_endpoint_panel_root;
  widget_class->unroot = lab_endpoint_panel_unroot;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINT] =
    g_param_spec_object ("endpoint", NULL, NULL, LAB_TYPE_ENDPOINT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, LAB_TYPE_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_MESSAGE_LOG_VIEW);
  g_type_ensure (LAB_TYPE_SEND_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-endpoint-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "endpoint-panel");
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, address_entry);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, address_error);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, address_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, advanced_expander);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, backlog_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, backlog_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, behaviour_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, behaviour_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, buffer_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, concurrency_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, concurrency_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, connections_box);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, connections_list);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, error_hint);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, family_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, family_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, form);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, framing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, framing_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, gio_button);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, host_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, max_clients_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, max_clients_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, mark_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, messages);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, name_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, no_connections);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, forgotten_connections);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, nodelay_check);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, port_entry);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, port_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, count_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, interval_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, ping_note);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, ping_results);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, program_slot);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, port_error);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, posix_button);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, reuseaddr_check);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, send_box);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, send_title);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, start_button);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, step_check);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, timeout_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, udp_connect_check);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, where_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, script_label);
  gtk_widget_class_bind_template_child (widget_class, LabEndpointPanel, code_button);
  gtk_widget_class_bind_template_callback (widget_class, on_address_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_backend_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_connection_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_enum_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_port_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);

  gtk_widget_class_install_action (widget_class, "panel.start-stop", NULL, start_stop_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "panel.start-stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "panel.start-stop", NULL);
}

static void
set_choices (LabEndpointPanel *self,
             GtkDropDown      *dropdown,
             GType             type)
{
  g_auto(GStrv) labels = lab_enum_dup_labels (type);
  g_autoptr(GtkStringList) choices = gtk_string_list_new ((const char * const *) labels);

  self->updating = TRUE;
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (choices));
  self->updating = FALSE;
}

static void
lab_endpoint_panel_init (LabEndpointPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->ping_lines = g_string_new (NULL);
  /* Tab walks down a panel taller than the bench. */
  lab_focus_view_attach (GTK_SCROLLED_WINDOW (self->scroller));

  /* A choice's position is its value in the enum. */
  set_choices (self, self->behaviour_dropdown, LAB_TYPE_BEHAVIOUR);
  set_choices (self, self->concurrency_dropdown, LAB_TYPE_CONCURRENCY);
  set_choices (self, self->family_dropdown, LAB_TYPE_FAMILY);
  set_choices (self, self->framing_dropdown, LAB_TYPE_FRAMING);
}
