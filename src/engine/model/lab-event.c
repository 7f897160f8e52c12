/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-call-private.h"
#include "lab-errno.h"
#include "lab-event-private.h"
#include "lab-hex.h"

G_DEFINE_FINAL_TYPE (LabEvent, lab_event, G_TYPE_OBJECT)

static void
lab_event_finalize (GObject *object)
{
  LabEvent *self = LAB_EVENT (object);

  g_clear_pointer (&self->endpoint_name, g_ref_string_release);
  g_clear_object (&self->args.address);
  g_clear_pointer (&self->args.bytes, g_bytes_unref);
  g_clear_pointer (&self->args.text, g_free);
  g_clear_pointer (&self->args.ref_text, g_ref_string_release);
  g_clear_object (&self->address);
  g_clear_pointer (&self->resolved, g_ptr_array_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->note_arg, g_free);

  G_OBJECT_CLASS (lab_event_parent_class)->finalize (object);
}

static void
lab_event_class_init (LabEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_event_finalize;
}

static void
lab_event_init (LabEvent *self)
{
  self->fd = -1;
  self->end_us = -1;
  self->finished = TRUE;
}

LabEvent *
lab_event_new (LabEventKind kind)
{
  LabEvent *self = g_object_new (LAB_TYPE_EVENT, NULL);

  self->kind = kind;
  return self;
}

/**
 * lab_event_copy_pending:
 * @call: a call about to be made, its arguments filled
 *
 * Returns: (transfer full): a copy of @call as it waits to be made, for
 *   others to read while the thread that makes it goes on with its own
 */
LabEvent *
lab_event_copy_pending (LabEvent *call)
{
  LabEvent *self = lab_event_new (LAB_EVENT_CALL);

  self->backend = call->backend;
  self->endpoint_id = call->endpoint_id;
  self->run = call->run;
  self->endpoint_name = g_ref_string_acquire (call->endpoint_name);
  self->begin_us = call->begin_us;
  self->thread = call->thread;
  self->fd = call->fd;
  self->conn = call->conn;
  self->op = call->op;
  self->call = call->call;
  memcpy (self->args.i, call->args.i, sizeof self->args.i);
  self->args.address = call->args.address != NULL ? g_object_ref (call->args.address) : NULL;
  self->args.bytes = call->args.bytes != NULL ? g_bytes_ref (call->args.bytes) : NULL;
  self->args.bytes_len = call->args.bytes_len;
  self->args.text = g_strdup (call->args.text);
  self->args.ref_text = call->args.ref_text != NULL ? g_ref_string_acquire (call->args.ref_text) : NULL;
  self->blocking = call->blocking;
  self->finished = FALSE;
  self->pending = TRUE;

  return self;
}

/**
 * lab_call_set_bytes:
 *
 * Keeps the first bytes a call sends, as its arguments show them.
 */
void
lab_call_set_bytes (LabEvent *self,
                    GBytes   *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_clear_pointer (&self->args.bytes, g_bytes_unref);
  self->args.bytes = g_bytes_new (data, MIN (len, LAB_CALL_PREVIEW));
  self->args.bytes_len = len;
}

LabEventKind   lab_event_get_kind          (LabEvent *self) { return self->kind; }
guint64        lab_event_get_seq           (LabEvent *self) { return self->seq; }
LabBackendKind lab_event_get_backend       (LabEvent *self) { return self->backend; }
guint          lab_event_get_endpoint_id   (LabEvent *self) { return self->endpoint_id; }
gint64         lab_event_get_begin_time    (LabEvent *self) { return self->begin_us; }
guint          lab_event_get_thread        (LabEvent *self) { return self->thread; }
int            lab_event_get_fd            (LabEvent *self) { return self->fd; }
guint64        lab_event_get_connection    (LabEvent *self) { return self->conn; }
LabOp          lab_event_get_op            (LabEvent *self) { return self->op; }
gboolean       lab_event_get_finished      (LabEvent *self) { return self->finished; }
gboolean       lab_event_get_pending       (LabEvent *self) { return self->pending; }
gboolean       lab_event_get_blocking      (LabEvent *self) { return self->blocking; }
gint64         lab_event_get_result        (LabEvent *self) { return self->result; }
int            lab_event_get_errno         (LabEvent *self) { return self->err; }
LabTcpState    lab_event_get_state         (LabEvent *self) { return self->state; }
LabTcpState    lab_event_get_previous_state (LabEvent *self) { return self->previous; }
LabDirection   lab_event_get_direction     (LabEvent *self) { return self->direction; }
LabNote        lab_event_get_note          (LabEvent *self) { return self->note; }
const char    *lab_event_get_note_arg      (LabEvent *self) { return self->note_arg; }

gboolean
lab_event_get_instrumentation (LabEvent *self)
{
  return self->instrumentation;
}

const char *
lab_event_get_endpoint_name (LabEvent *self)
{
  return self->endpoint_name;
}

/**
 * lab_event_get_end_time:
 *
 * Returns: when the call returned, in microseconds since the timeline
 *   began, or -1 while it is still blocked
 */
gint64
lab_event_get_end_time (LabEvent *self)
{
  return self->finished ? self->end_us : -1;
}

LabCall
lab_event_get_call (LabEvent *self)
{
  return self->call;
}

const char *
lab_event_get_call_name (LabEvent *self)
{
  return lab_call_get_name (self->call);
}

const char *
lab_event_get_errno_name (LabEvent *self)
{
  return self->err != 0 ? lab_errno_name (self->err) : NULL;
}

/**
 * lab_event_get_address:
 *
 * Returns: (transfer none) (nullable): the address a call returned: the
 *   peer of accept (), the sender of recvfrom (), the result of
 *   getsockname (); for data, the peer of a datagram
 */
GSocketAddress *
lab_event_get_address (LabEvent *self)
{
  return self->address;
}

/**
 * lab_event_get_resolved:
 *
 * Returns: (transfer none) (nullable) (element-type GSocketAddress): every
 *   address name resolution returned, in its order
 */
GPtrArray *
lab_event_get_resolved (LabEvent *self)
{
  return self->resolved;
}

gboolean
lab_event_get_queue (LabEvent *self,
                     guint    *length,
                     guint    *limit)
{
  if (length != NULL)
    *length = self->queue_len;
  if (limit != NULL)
    *limit = self->queue_limit;

  return self->has_queue;
}

/**
 * lab_event_get_bytes:
 *
 * Returns: (transfer none) (nullable): the bytes of a data event, or %NULL
 *   when the timeline dropped them to stay within its payload limit
 */
GBytes *
lab_event_get_bytes (LabEvent *self)
{
  return self->bytes;
}

/**
 * lab_event_get_real_length:
 *
 * Returns: how many bytes crossed: for a truncated datagram, its real size,
 *   larger than the bytes kept
 */
gsize
lab_event_get_real_length (LabEvent *self)
{
  return self->real_len;
}

/**
 * lab_event_get_offset:
 *
 * Returns: where a data event's bytes start in its connection's stream in
 *   their direction, once the connection has taken the event in
 */
guint64
lab_event_get_offset (LabEvent *self)
{
  return self->offset;
}

gboolean
lab_event_get_truncated (LabEvent *self)
{
  return self->bytes != NULL && self->real_len > g_bytes_get_size (self->bytes);
}

const char *
lab_tcp_state_to_string (LabTcpState state)
{
  static const char *names[] = {
    [LAB_TCP_UNKNOWN] = "UNKNOWN",
    [LAB_TCP_ESTABLISHED] = "ESTABLISHED",
    [LAB_TCP_SYN_SENT] = "SYN_SENT",
    [LAB_TCP_SYN_RECV] = "SYN_RECV",
    [LAB_TCP_FIN_WAIT1] = "FIN_WAIT_1",
    [LAB_TCP_FIN_WAIT2] = "FIN_WAIT_2",
    [LAB_TCP_TIME_WAIT] = "TIME_WAIT",
    [LAB_TCP_CLOSE] = "CLOSED",
    [LAB_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [LAB_TCP_LAST_ACK] = "LAST_ACK",
    [LAB_TCP_LISTEN] = "LISTEN",
    [LAB_TCP_CLOSING] = "CLOSING",
    [LAB_TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
    [LAB_TCP_GONE] = "GONE",
  };

  g_return_val_if_fail (state < G_N_ELEMENTS (names), "?");
  return names[state];
}

/**
 * lab_event_dup_args:
 *
 * Returns: a call's arguments as a course writes them, for its backend:
 *   `3, ('127.0.0.1', 5000)` or `socket 3, ('127.0.0.1', 5000), TRUE`
 */
char *
lab_event_dup_args (LabEvent *self)
{
  GString *out = g_string_new (NULL);

  if (self->kind == LAB_EVENT_CALL)
    lab_call_append_args (out, self);
  return g_string_free (out, FALSE);
}

/**
 * lab_event_dup_result:
 *
 * Returns: what a call returned, as its API returns it: `4`, `-1`, `TRUE`,
 *   `socket 4`, with the address it gave back when there is one; empty
 *   while the call is still blocked
 */
char *
lab_event_dup_result (LabEvent *self)
{
  GString *out = g_string_new (NULL);

  if (self->kind == LAB_EVENT_CALL && self->finished)
    lab_call_append_result (out, self);
  return g_string_free (out, FALSE);
}

static char *
dup_note_text (LabEvent *self)
{
  const char *arg = self->note_arg != NULL ? self->note_arg : "";

  switch (self->note)
    {
    case LAB_NOTE_STARTED:
      return g_strdup (_("Started"));
    case LAB_NOTE_STOP_REQUESTED:
      return g_strdup (_("Stop asked: blocked calls are interrupted and every socket is closed"));
    case LAB_NOTE_STOPPED:
      return g_strdup (_("Stopped"));
    case LAB_NOTE_FAILED:
      /* Translators: %s names the call that failed and its error, e.g. “bind: EADDRINUSE”. */
      return g_strdup_printf (_("Stopped by an error: %s"), arg);
    case LAB_NOTE_LISTENING:
      /* Translators: %s is an address such as ('127.0.0.1', 5000). */
      return g_strdup_printf (_("Listening on %s"), arg);
    case LAB_NOTE_CONNECTED:
      /* Translators: %s is an address such as ('127.0.0.1', 5000). */
      return g_strdup_printf (_("Connected to %s"), arg);
    case LAB_NOTE_PEER_CLOSED:
      return g_strdup (_("The peer closed its side: recv returned 0 bytes"));
    case LAB_NOTE_FRAMING_ERROR:
      /* Translators: %s says how the stream broke its framing. */
      return g_strdup_printf (_("Framing broken, buffered bytes dropped: %s"), arg);
    case LAB_NOTE_MAX_CONNECTIONS:
      /* Translators: %s is a number of connections (for UDP, datagrams). */
      return g_strdup_printf (_("Served as many as asked (%s): stopping"), arg);
    case LAB_NOTE_WAITING_FOR_SLOT:
      /* Translators: %s is a number of clients. */
      return g_strdup_printf (_("%s clients are being served, the most allowed: new ones wait in the backlog"),
                              arg);
    case LAB_NOTE_CLOSE_REQUESTED:
      return g_strdup (_("Close asked for this connection"));
    case LAB_NOTE_TIMEOUT:
      /* Translators: %s is a time in seconds. */
      return g_strdup_printf (_("Nothing arrived within %s s"), arg);
    case LAB_NOTE_ACCEPT_PAUSED:
      /* Translators: %s is an errno name such as EMFILE, (%s) its message, %u a number of milliseconds. */
      return g_strdup_printf (_("accept () failed with %s (%s): the server tries again every %u ms, and goes on "
                                "serving the clients already connected"),
                              arg, lab_errno_message (lab_errno_from_name (arg)), LAB_ACCEPT_RETRY_MS);
    default:
      return g_strdup (arg);
    }
}

/**
 * lab_event_dup_summary:
 *
 * Returns: the event in one line of words, in the current language, with
 *   received bytes escaped: never a control character
 */
char *
lab_event_dup_summary (LabEvent *self)
{
  switch (self->kind)
    {
    case LAB_EVENT_CALL:
      {
        g_autofree char *args = lab_event_dup_args (self);
        g_autofree char *result = lab_event_dup_result (self);
        const char *err_name = lab_event_get_errno_name (self);

        if (!self->finished)
          /* Translators: a call still blocked; %s (%s) is the call and its arguments. */
          return g_strdup_printf (_("%s (%s) … waiting"), lab_call_get_name (self->call), args);
        if (err_name != NULL)
          return g_strdup_printf ("%s (%s) → %s %s (%s)", lab_call_get_name (self->call), args, result, err_name,
                                  lab_errno_message (self->err));
        if (result[0] == '\0')
          return g_strdup_printf ("%s (%s)", lab_call_get_name (self->call), args);
        return g_strdup_printf ("%s (%s) → %s", lab_call_get_name (self->call), args, result);
      }

    case LAB_EVENT_STATE:
      {
        GString *out = g_string_new (NULL);

        /* Translators: a TCP state reported by the kernel; the names (ESTABLISHED…) stay as they are. */
        g_string_append_printf (out, _("TCP state %s"), lab_tcp_state_to_string (self->state));
        if (self->previous != LAB_TCP_UNKNOWN)
          /* Translators: the TCP state a socket was in before. */
          g_string_append_printf (out, _(" (was %s)"), lab_tcp_state_to_string (self->previous));
        if (self->has_queue)
          /* Translators: connections waiting in a listening socket's accept queue, of the most it holds. */
          g_string_append_printf (out, _(", accept queue %u of %u"), self->queue_len, self->queue_limit);
        return g_string_free (out, FALSE);
      }

    case LAB_EVENT_DATA:
      {
        gsize len = 0;
        const guint8 *data = self->bytes != NULL ? g_bytes_get_data (self->bytes, &len) : NULL;
        g_autofree char *text = data != NULL ? lab_text_escape (data, len, 64) : NULL;
        GString *out = g_string_new (NULL);

        if (self->direction == LAB_DIRECTION_IN)
          /* Translators: bytes received; %lu is a count, %s the bytes as escaped text. */
          g_string_append_printf (out, ngettext ("← in %lu byte", "← in %lu bytes", self->real_len),
                                  (gulong) self->real_len);
        else
          g_string_append_printf (out, ngettext ("→ out %lu byte", "→ out %lu bytes", self->real_len),
                                  (gulong) self->real_len);
        if (lab_event_get_truncated (self))
          /* Translators: a datagram cut to the receive buffer; %lu is how many bytes were kept. */
          g_string_append_printf (out, _(" (truncated: %lu kept)"), (gulong) len);
        if (text != NULL)
          g_string_append_printf (out, ": %s", text);
        else if (self->real_len > 0)
          g_string_append (out, _(": (bytes dropped to stay within the payload limit)"));
        return g_string_free (out, FALSE);
      }

    case LAB_EVENT_NOTE:
      return dup_note_text (self);

    default:
      g_assert_not_reached ();
    }
}
