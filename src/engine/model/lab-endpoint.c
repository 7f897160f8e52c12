/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "lab-capture.h"
#include "lab-connection-list.h"
#include "lab-endpoint-private.h"
#include "lab-error.h"
#include "lab-message-log.h"
#include "lab-program-private.h"
#include "lab-record-private.h"
#include "lab-util.h"

/* The program's own thread: what it waits in is what the endpoint waits in. */
#define MAIN_THREAD 1

enum {
  PROP_0,
  PROP_TIMELINE,
  PROP_CONFIG,
  PROP_ID,
  PROP_NAME,
  PROP_STATE,
  PROP_ERROR,
  PROP_WAITING_CALL,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_ACTIVE,
  PROP_QUEUE_LENGTH,
  PROP_QUEUE_LIMIT,
  PROP_STEP_MODE,
  PROP_BREAKPOINTS,
  PROP_FORGOTTEN_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabEndpoint, lab_endpoint, G_TYPE_OBJECT)

LabEndpoint *
lab_endpoint_new (LabTimeline     *timeline,
                  LabEndpointKind  kind,
                  const char      *name)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (kind);

  return lab_endpoint_new_with_config (timeline, config, name);
}

/**
 * lab_endpoint_new_with_config:
 * @config: the configuration, kept (not copied): editing it edits the
 *   endpoint's next start
 */
LabEndpoint *
lab_endpoint_new_with_config (LabTimeline       *timeline,
                              LabEndpointConfig *config,
                              const char        *name)
{
  g_return_val_if_fail (LAB_IS_TIMELINE (timeline), NULL);
  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (config), NULL);

  return g_object_new (LAB_TYPE_ENDPOINT,
                       "timeline", timeline,
                       "config", config,
                       "name", name,
                       NULL);
}

guint              lab_endpoint_get_id           (LabEndpoint *self) { return self->id; }
LabTranslated     *lab_endpoint_get_translated_name (LabEndpoint *self) { return self->name; }
guint              lab_endpoint_get_mark         (LabEndpoint *self) { return lab_timeline_get_endpoint_mark (self->timeline, self->id); }
LabEndpointConfig *lab_endpoint_get_config       (LabEndpoint *self) { return self->config; }
LabEndpointState   lab_endpoint_get_state        (LabEndpoint *self) { return self->state; }
const char        *lab_endpoint_get_error        (LabEndpoint *self) { return self->error; }
const char        *lab_endpoint_get_waiting_call (LabEndpoint *self) { return self->waiting_call; }
const char        *lab_endpoint_get_address      (LabEndpoint *self) { return self->address; }
guint16            lab_endpoint_get_port         (LabEndpoint *self) { return self->port; }

/**
 * lab_endpoint_get_program_status:
 * @status: (out): its wait status, as waitpid () gives it
 *
 * Returns: whether the traced program of this endpoint's last run ended
 */
gboolean
lab_endpoint_get_program_status (LabEndpoint *self,
                                 int         *status)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  if (self->program_status < 0)
    return FALSE;
  *status = self->program_status;
  return TRUE;
}

/**
 * lab_endpoint_set_terminal_fd:
 * @fd: a terminal for a traced program (a pseudo-terminal's secondary
 *   end), or -1 for the lab's own; copied at each start
 */
void
lab_endpoint_set_terminal_fd (LabEndpoint *self,
                              int          fd)
{
  g_return_if_fail (LAB_IS_ENDPOINT (self));

  if (self->terminal_fd >= 0)
    close (self->terminal_fd);
  self->terminal_fd = fd >= 0 ? fcntl (fd, F_DUPFD_CLOEXEC, 3) : -1;
}

/**
 * lab_endpoint_get_waiting_call_name:
 *
 * Returns: (nullable): the call the program thread waits in, by the name its
 *   API gives it, as the timeline shows it: “recvfrom”, “g_socket_accept”
 */
const char *
lab_endpoint_get_waiting_call_name (LabEndpoint *self)
{
  return self->waiting_name;
}

/**
 * lab_endpoint_get_accept_queue:
 * @length: (out) (optional): connections waiting to be accepted
 * @limit: (out) (optional): the most the kernel queues
 *
 * Returns: whether the endpoint has a listening socket, as its kernel
 *   state last said
 */
gboolean
lab_endpoint_get_accept_queue (LabEndpoint *self,
                               guint       *length,
                               guint       *limit)
{
  if (length != NULL)
    *length = self->queue_length;
  if (limit != NULL)
    *limit = self->queue_limit;

  return self->listening;
}

/**
 * lab_endpoint_get_connections:
 *
 * Returns: (transfer none): the connections of the current (or last) run,
 *   as #LabConnection
 */
GListModel *
lab_endpoint_get_connections (LabEndpoint *self)
{
  return lab_connection_list_get_model (self->connections);
}

/**
 * lab_endpoint_find_connection:
 *
 * Returns: (transfer none) (nullable): the connection numbered @id
 */
LabConnection *
lab_endpoint_find_connection (LabEndpoint *self,
                              guint64      id)
{
  return lab_connection_list_lookup (self->connections, id);
}

/**
 * lab_endpoint_get_messages:
 *
 * Returns: (transfer none): what the current (or last) run received and
 *   sent, its newest messages, made when first asked for
 */
LabMessageLog *
lab_endpoint_get_messages (LabEndpoint *self)
{
  if (self->messages == NULL)
    self->messages = lab_message_log_new (self->timeline, self->id);
  return self->messages;
}

/**
 * lab_endpoint_get_forgotten_connections:
 *
 * Returns: how many closed connections of the current (or last) run are
 *   no longer kept: only the last %LAB_CONNECTION_LIST_KEEP_CLOSED are
 */
guint
lab_endpoint_get_forgotten_connections (LabEndpoint *self)
{
  return lab_connection_list_get_forgotten (self->connections);
}

/**
 * lab_endpoint_is_active:
 *
 * Returns: whether the endpoint's threads run (it is neither stopped nor
 *   failed)
 */
gboolean
lab_endpoint_is_active (LabEndpoint *self)
{
  return self->run != NULL;
}

void
lab_endpoint_set_name (LabEndpoint *self,
                       const char  *name)
{
  g_autoptr(LabTranslated) typed = name != NULL ? lab_translated_new (name) : NULL;

  g_return_if_fail (LAB_IS_ENDPOINT (self));

  /* The name shown, given again, keeps the language it follows. */
  if (g_strcmp0 (name, lab_endpoint_get_name (self)) != 0)
    lab_endpoint_set_translated_name (self, typed);
}

/* In the language of the moment, as it was typed or given with its
 * translations, or as the lab gave it. */
const char *
lab_endpoint_get_name (LabEndpoint *self)
{
  return self->name != NULL ? lab_translated_get (self->name) : NULL;
}

void
lab_endpoint_set_translated_name (LabEndpoint   *self,
                                  LabTranslated *name)
{
  g_return_if_fail (LAB_IS_ENDPOINT (self));

  if (name == self->name)
    return;
  g_clear_pointer (&self->name, lab_translated_unref);
  self->name = name != NULL ? lab_translated_ref (name) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

static void
set_state (LabEndpoint      *self,
           LabEndpointState  state)
{
  LabEndpointState old = self->state;

  if (old == state)
    return;

  self->state = state;
  /* An event loop goes from running to waiting in poll () and back at
   * every call: within a batch, that is told once, at its end. */
  if (self->in_batch && (old == LAB_ENDPOINT_STATE_RUNNING || old == LAB_ENDPOINT_STATE_WAITING) &&
      (state == LAB_ENDPOINT_STATE_RUNNING || state == LAB_ENDPOINT_STATE_WAITING))
    return;

  self->state_told = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* @record: (nullable): the call waited in, or none */
static void
set_waiting_call (LabEndpoint     *self,
                  const LabRecord *record)
{
  const char *name = record != NULL ? lab_call_get_name (record->call) : NULL;

  if (self->waiting_name == name)
    return;

  self->waiting_name = name;
  self->waiting_call = record != NULL ? lab_op_to_string (record->op) : NULL;
  if (!self->in_batch)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_CALL]);
}

static void
set_error (LabEndpoint *self,
           const char  *error)
{
  if (lab_set_str (&self->error, error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_address (LabEndpoint    *self,
             GSocketAddress *address)
{
  g_autofree char *text = NULL;
  guint16 port = 0;

  if (address != NULL && G_IS_INET_SOCKET_ADDRESS (address))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
      g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

      port = g_inet_socket_address_get_port (inet);
      text = g_strdup_printf (g_inet_address_get_family (g_inet_socket_address_get_address (inet)) ==
                              G_SOCKET_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u", host, port);
    }

  if (lab_set_str (&self->address, text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
  if (self->port != port)
    {
      self->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
}

static void
finish_run (LabEndpoint *self)
{
  g_clear_pointer (&self->run, lab_run_unref);
  self->listening = FALSE;
  g_clear_object (&self->program_bound);
  g_list_store_remove_all (self->paused);
  set_waiting_call (self, NULL);
  set_state (self, self->failed ? LAB_ENDPOINT_STATE_FAILED : LAB_ENDPOINT_STATE_STOPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static gboolean
waits_for_peer (LabOp op)
{
  return op == LAB_OP_ACCEPT || op == LAB_OP_CONNECT || op == LAB_OP_POLL || op == LAB_OP_GETADDRINFO;
}

static void
apply_note (LabEndpoint     *self,
            const LabRecord *record)
{
  switch (record->sub)
    {
    case LAB_NOTE_STARTED:
      set_state (self, LAB_ENDPOINT_STATE_RUNNING);
      break;
    case LAB_NOTE_STOP_REQUESTED:
      /* A program can end on its own just before it is asked to: the
       * request is then recorded after it stopped. */
      if (self->run != NULL)
        set_state (self, LAB_ENDPOINT_STATE_STOPPING);
      break;
    case LAB_NOTE_FAILED:
      {
        g_autoptr(LabEvent) event = lab_timeline_dup_event (self->timeline, record);

        self->failed = TRUE;
        set_error (self, lab_event_get_note_arg (event));
      }
      break;
    case LAB_NOTE_CONNECTED:
      set_state (self, LAB_ENDPOINT_STATE_CONNECTED);
      break;
    case LAB_NOTE_PROGRAM_EXITED:
      {
        g_autoptr(LabEvent) event = lab_timeline_dup_event (self->timeline, record);
        const char *arg = lab_event_get_note_arg (event);
        int pid = 0, value = 0;
        char how[16] = "", whose[16] = "";

        if (arg != NULL && sscanf (arg, "%d %15s %d %15s", &pid, how, &value, whose) == 4 &&
            strcmp (whose, "program") == 0)
          self->program_status = strcmp (how, "signal") == 0 ? value & 0x7f : (value & 0xff) << 8;
      }
      break;
    case LAB_NOTE_STOPPED:
      finish_run (self);
      break;
    default:
      break;
    }
}

static void
apply_call (LabEndpoint     *self,
            const LabRecord *record,
            gboolean         end)
{
  if (lab_record_has (record, LAB_RECORD_INSTRUMENTATION) || record->thread != MAIN_THREAD)
    return;

  if (lab_record_has (record, LAB_RECORD_BLOCKING) && !lab_record_has (record, LAB_RECORD_FINISHED))
    {
      set_waiting_call (self, record);
      if (waits_for_peer (record->op) && self->state == LAB_ENDPOINT_STATE_RUNNING)
        set_state (self, LAB_ENDPOINT_STATE_WAITING);
    }
  else if (lab_record_has (record, LAB_RECORD_BLOCKING) || end)
    {
      set_waiting_call (self, NULL);
      if (self->state == LAB_ENDPOINT_STATE_WAITING)
        set_state (self, LAB_ENDPOINT_STATE_RUNNING);
    }

  /* A traced program says where it listens by its own calls: the
   * address of the bind () its listen () follows. */
  if (lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (self->config)) &&
      lab_record_has (record, LAB_RECORD_FINISHED) && record->result == 0)
    {
      if (record->op == LAB_OP_BIND && lab_addr_is_set (&record->address) && record->address.port != 0)
        {
          g_clear_object (&self->program_bound);
          self->program_bound = lab_addr_to_address (&record->address);
        }
      else if (record->op == LAB_OP_LISTEN && self->program_bound != NULL)
        set_address (self, self->program_bound);
    }

  /* Where the endpoint is: the listening address (port 0 resolved), or
   * a client's own ephemeral port. */
  if (record->op == LAB_OP_GETSOCKNAME && lab_record_has (record, LAB_RECORD_FINISHED) &&
      lab_addr_is_set (&record->address))
    {
      g_autoptr(GSocketAddress) address = lab_addr_to_address (&record->address);

      set_address (self, address);
    }
}

/* The listening socket's own state, and its accept queue. */
static void
apply_state (LabEndpoint     *self,
             const LabRecord *record)
{
  gboolean listening = lab_record_has (record, LAB_RECORD_HAS_QUEUE) && record->sub == LAB_TCP_LISTEN;
  guint length = listening ? record->queue_len : 0;
  guint limit = listening ? record->queue_limit : 0;

  if (record->conn != 0)
    return;

  self->listening = listening;
  if (self->queue_length != length)
    {
      self->queue_length = length;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUE_LENGTH]);
    }
  if (self->queue_limit != limit)
    {
      self->queue_limit = limit;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUE_LIMIT]);
    }
}

static void
apply_to_endpoint (LabEndpoint     *self,
                   const LabRecord *record,
                   gboolean         end)
{
  switch (record->kind)
    {
    case LAB_EVENT_NOTE:
      apply_note (self, record);
      break;
    case LAB_EVENT_CALL:
      apply_call (self, record, end);
      break;
    case LAB_EVENT_STATE:
      apply_state (self, record);
      break;
    case LAB_EVENT_DATA:
    default:
      break;
    }
}

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             LabEndpoint      *self)
{
  LabConnection *last = NULL;

  g_object_ref (self);
  self->waiting_name_before = self->waiting_name;
  self->in_batch = TRUE;

  for (guint i = 0; i < n_entries; i++)
    {
      const LabRecord *record = entries[i].record;
      guint64 conn = record->conn;
      LabConnection *connection = NULL;

      if (record->endpoint_id != self->id)
        continue;

      if (record->run == (self->generation & 0xffff))
        {
          apply_to_endpoint (self, record, entries[i].end);
          if (conn != 0)
            connection = lab_connection_list_ensure (self->connections, self->timeline, self->id, record);
        }
      else if (conn != 0)
        connection = lab_connection_list_lookup (self->connections, conn);

      if (connection != NULL)
        {
          lab_connection_list_apply (self->connections, connection, record, entries[i].end);
          /* Mostly the same connection runs on: tell the one left behind. */
          if (last != NULL && last != connection)
            lab_connection_notify_changes (last);
          last = connection;
        }
    }

  if (last != NULL)
    lab_connection_notify_changes (last);
  if (lab_connection_list_forget_old (self->connections))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORGOTTEN_CONNECTIONS]);

  /* The call waited in is told once a batch, if it changed: a flood changes
   * it thousands of times a batch. So is going from running to waiting and
   * back; other states are told as they change. */
  self->in_batch = FALSE;
  if (self->waiting_name != self->waiting_name_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_CALL]);
  if (self->state != self->state_told)
    {
      self->state_told = self->state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_unref (self);
}

/**
 * lab_endpoint_start:
 *
 * Starts the endpoint's threads with a copy of its configuration. What
 * happens then is recorded in the timeline; a failure of a call (a port in
 * use) shows as the endpoint's state and error.
 *
 * Returns: whether it started; %FALSE with @error when it is running
 *   already or its configuration cannot start
 */
gboolean
lab_endpoint_start (LabEndpoint  *self,
                    GError      **error)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  if (self->run != NULL)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_RUNNING, _("It is running already"));
      return FALSE;
    }

  if (!lab_endpoint_config_validate (self->config, error))
    return FALSE;

  self->generation++;
  self->failed = FALSE;
  self->program_status = -1;
  set_error (self, NULL);
  set_address (self, NULL);
  lab_connection_list_clear (self->connections);
  if (self->messages != NULL)
    lab_message_log_clear (self->messages);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORGOTTEN_CONNECTIONS]);

  self->run = lab_run_new (self->timeline, self->config, self->id, self->generation, self->name);
  /* On a lab host, what the calls cause on the wire is captured too. */
  if (!lab_run_set_network_host (self->run, error) ||
      (lab_run_is_on_lab_host (self->run) && !lab_capture_start (self->timeline, error)))
    {
      g_clear_pointer (&self->run, lab_run_unref);
      return FALSE;
    }
  lab_run_set_terminal_fd (self->run, self->terminal_fd);
  lab_step_gate_set (lab_run_get_gate (self->run), self->step_mode, self->breakpoints);
  lab_step_gate_watch (lab_run_get_gate (self->run), G_OBJECT (self), lab_endpoint_held_changed,
                       GUINT_TO_POINTER (self->generation));
  set_state (self, LAB_ENDPOINT_STATE_STARTING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  lab_program_start (self->run);

  return TRUE;
}

/**
 * lab_endpoint_stop:
 *
 * Wakes every blocked call and closes every socket. Returns at once; the
 * state becomes stopped when the last thread has finished.
 */
void
lab_endpoint_stop (LabEndpoint *self)
{
  g_return_if_fail (LAB_IS_ENDPOINT (self));

  if (self->run == NULL)
    return;

  lab_run_stop (self->run);
  set_state (self, LAB_ENDPOINT_STATE_STOPPING);
}

static gboolean
push_command (LabEndpoint     *self,
              LabCommandKind   kind,
              guint64          connection,
              GBytes          *bytes,
              gboolean         sendall,
              GError         **error)
{
  LabCommand *command;

  if (self->run == NULL || lab_run_is_stopping (self->run))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_NOT_RUNNING, _("Start it first"));
      return FALSE;
    }

  command = g_new0 (LabCommand, 1);
  command->kind = kind;
  command->conn = connection;
  command->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  command->sendall = sendall;
  lab_run_push_command (self->run, command);

  return TRUE;
}

/**
 * lab_endpoint_send:
 * @connection: the connection to send on, or 0 for all of them
 * @sendall: whether to send until all is sent (sendall ()) or once (send ())
 *
 * Sends @bytes from the endpoint's command thread.
 */
gboolean
lab_endpoint_send (LabEndpoint  *self,
                   guint64       connection,
                   GBytes       *bytes,
                   gboolean      sendall,
                   GError      **error)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  return push_command (self, LAB_COMMAND_SEND, connection, bytes, sendall, error);
}

/**
 * lab_endpoint_shutdown_write:
 *
 * Half-closes a TCP connection: shutdown (SHUT_WR), “no more from me”.
 */
gboolean
lab_endpoint_shutdown_write (LabEndpoint  *self,
                             guint64       connection,
                             GError      **error)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  return push_command (self, LAB_COMMAND_SHUTDOWN_WRITE, connection, NULL, FALSE, error);
}

gboolean
lab_endpoint_close_connection (LabEndpoint  *self,
                               guint64       connection,
                               GError      **error)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  return push_command (self, LAB_COMMAND_CLOSE, connection, NULL, FALSE, error);
}

static void
lab_endpoint_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_TIMELINE: g_value_set_object (value, self->timeline); break;
    case PROP_CONFIG: g_value_set_object (value, self->config); break;
    case PROP_ID: g_value_set_uint (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, lab_endpoint_get_name (self)); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_WAITING_CALL: g_value_set_string (value, self->waiting_call); break;
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_ACTIVE: g_value_set_boolean (value, self->run != NULL); break;
    case PROP_QUEUE_LENGTH: g_value_set_uint (value, self->queue_length); break;
    case PROP_QUEUE_LIMIT: g_value_set_uint (value, self->queue_limit); break;
    case PROP_STEP_MODE: g_value_set_boolean (value, self->step_mode); break;
    case PROP_BREAKPOINTS: g_value_set_uint64 (value, self->breakpoints); break;
    case PROP_FORGOTTEN_CONNECTIONS:
      g_value_set_uint (value, lab_connection_list_get_forgotten (self->connections));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_endpoint_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_TIMELINE: self->timeline = g_value_dup_object (value); break;
    case PROP_CONFIG: self->config = g_value_dup_object (value); break;
    case PROP_NAME: lab_endpoint_set_name (self, g_value_get_string (value)); break;
    case PROP_STEP_MODE: lab_endpoint_set_step_mode (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_endpoint_constructed (GObject *object)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  G_OBJECT_CLASS (lab_endpoint_parent_class)->constructed (object);

  g_assert (self->timeline != NULL);
  g_assert (self->config != NULL);

  self->id = lab_timeline_add_endpoint (self->timeline);
  self->recorded_id = g_signal_connect (self->timeline, "recorded", G_CALLBACK (on_recorded), self);
}

static void
lab_endpoint_dispose (GObject *object)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  /* The threads hold the run; they end on their own once stopped. */
  if (self->run != NULL)
    lab_run_stop (self->run);
  g_clear_pointer (&self->run, lab_run_unref);

  g_clear_signal_handler (&self->recorded_id, self->timeline);
  g_clear_object (&self->messages);
  g_clear_object (&self->timeline);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (lab_endpoint_parent_class)->dispose (object);
}

static void
lab_endpoint_finalize (GObject *object)
{
  LabEndpoint *self = LAB_ENDPOINT (object);

  g_clear_pointer (&self->name, lab_translated_unref);
  g_free (self->error);
  g_free (self->address);
  g_clear_object (&self->program_bound);
  if (self->terminal_fd >= 0)
    close (self->terminal_fd);
  lab_connection_list_free (self->connections);
  g_object_unref (self->paused);

  G_OBJECT_CLASS (lab_endpoint_parent_class)->finalize (object);
}

#define RO (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
lab_endpoint_class_init (LabEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_endpoint_get_property;
  object_class->set_property = lab_endpoint_set_property;
  object_class->constructed = lab_endpoint_constructed;
  object_class->dispose = lab_endpoint_dispose;
  object_class->finalize = lab_endpoint_finalize;

  properties[PROP_TIMELINE] =
    g_param_spec_object ("timeline", NULL, NULL, LAB_TYPE_TIMELINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, LAB_TYPE_ENDPOINT_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, RO);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LAB_TYPE_ENDPOINT_STATE, LAB_ENDPOINT_STATE_STOPPED, RO);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, RO);
  properties[PROP_WAITING_CALL] = g_param_spec_string ("waiting-call", NULL, NULL, NULL, RO);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, RO);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, RO);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, RO);
  properties[PROP_QUEUE_LENGTH] = g_param_spec_uint ("queue-length", NULL, NULL, 0, G_MAXUINT, 0, RO);
  properties[PROP_QUEUE_LIMIT] = g_param_spec_uint ("queue-limit", NULL, NULL, 0, G_MAXUINT, 0, RO);
  properties[PROP_STEP_MODE] =
    g_param_spec_boolean ("step-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A bit for each LabOp held even out of step mode. */
  properties[PROP_BREAKPOINTS] = g_param_spec_uint64 ("breakpoints", NULL, NULL, 0, G_MAXUINT64, 0, RO);
  properties[PROP_FORGOTTEN_CONNECTIONS] =
    g_param_spec_uint ("forgotten-connections", NULL, NULL, 0, G_MAXUINT, 0, RO);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

#undef RO

static void
lab_endpoint_init (LabEndpoint *self)
{
  self->program_status = -1;
  self->terminal_fd = -1;
  self->connections = lab_connection_list_new ();
  self->paused = g_list_store_new (LAB_TYPE_EVENT);
}
