/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib/gi18n.h>

#include "lab-address.h"
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

const char *
lab_event_get_call_name (LabEvent *self)
{
  return self->call;
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
lab_op_to_string (LabOp op)
{
  static const char *names[] = {
    [LAB_OP_SOCKET] = "socket",
    [LAB_OP_SETSOCKOPT] = "setsockopt",
    [LAB_OP_GETSOCKOPT] = "getsockopt",
    [LAB_OP_BIND] = "bind",
    [LAB_OP_LISTEN] = "listen",
    [LAB_OP_ACCEPT] = "accept",
    [LAB_OP_CONNECT] = "connect",
    [LAB_OP_SEND] = "send",
    [LAB_OP_RECV] = "recv",
    [LAB_OP_SENDTO] = "sendto",
    [LAB_OP_RECVFROM] = "recvfrom",
    [LAB_OP_SHUTDOWN] = "shutdown",
    [LAB_OP_CLOSE] = "close",
    [LAB_OP_GETADDRINFO] = "getaddrinfo",
    [LAB_OP_GETSOCKNAME] = "getsockname",
    [LAB_OP_GETPEERNAME] = "getpeername",
    [LAB_OP_POLL] = "poll",
    [LAB_OP_FCNTL] = "fcntl",
    [LAB_OP_CONFIGURE] = "configure",
    [LAB_OP_SOCK_DIAG] = "sock_diag",
  };

  g_return_val_if_fail (op < G_N_ELEMENTS (names), "?");
  return names[op];
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

typedef struct {
  int         value;
  const char *name;
} Name;

static const char *
lookup (const Name *names,
        gsize       n,
        int         value)
{
  for (gsize i = 0; i < n; i++)
    if (names[i].value == value)
      return names[i].name;
  return NULL;
}

#define N(x) { x, #x }

static const Name families[] = { N (AF_INET), N (AF_INET6), N (AF_UNSPEC) };
static const Name gio_families[] = {
  { AF_INET, "G_SOCKET_FAMILY_IPV4" }, { AF_INET6, "G_SOCKET_FAMILY_IPV6" },
  { AF_UNSPEC, "G_SOCKET_FAMILY_INVALID" },
};
static const Name types[] = { N (SOCK_STREAM), N (SOCK_DGRAM) };
static const Name gio_types[] = {
  { SOCK_STREAM, "G_SOCKET_TYPE_STREAM" }, { SOCK_DGRAM, "G_SOCKET_TYPE_DATAGRAM" },
};
static const Name levels[] = { N (SOL_SOCKET), N (IPPROTO_TCP), N (IPPROTO_IP), N (IPPROTO_IPV6) };
static const Name socket_options[] = {
  N (SO_REUSEADDR), N (SO_REUSEPORT), N (SO_RCVBUF), N (SO_SNDBUF), N (SO_RCVTIMEO),
  N (SO_SNDTIMEO), N (SO_ERROR), N (SO_KEEPALIVE),
};
static const Name tcp_options[] = { N (TCP_NODELAY), N (TCP_INFO) };
static const Name ipv6_options[] = { N (IPV6_V6ONLY) };
static const Name shutdowns[] = { N (SHUT_RD), N (SHUT_WR), N (SHUT_RDWR) };

#undef N

static void
append_name (GString    *out,
             const Name *names,
             gsize       n,
             gint64      value)
{
  const char *name = lookup (names, n, (int) value);

  if (name != NULL)
    g_string_append (out, name);
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

static const char *
option_name (int level,
             int option)
{
  if (level == SOL_SOCKET)
    return lookup (socket_options, G_N_ELEMENTS (socket_options), option);
  if (level == IPPROTO_TCP)
    return lookup (tcp_options, G_N_ELEMENTS (tcp_options), option);
  if (level == IPPROTO_IPV6)
    return lookup (ipv6_options, G_N_ELEMENTS (ipv6_options), option);
  return NULL;
}

/* Bytes as Python writes them, b'hola\n', cut after a few. */
static void
append_python_bytes (GString           *out,
                     const LabCallArgs *a)
{
  gsize len = 0;
  const guint8 *data = a->bytes != NULL ? g_bytes_get_data (a->bytes, &len) : NULL;

  lab_python_bytes_append (out, data, len, '\'');

  if (a->bytes_len > len)
    g_string_append_printf (out, "… (%" G_GSIZE_FORMAT " bytes)", a->bytes_len);
}

static void
append_address (GString        *out,
                GSocketAddress *address)
{
  g_autofree char *text = lab_address_format (address);

  g_string_append (out, text);
}

static void
append_posix_args (GString  *out,
                   LabEvent *self)
{
  const LabCallArgs *a = &self->args;

  switch (self->op)
    {
    case LAB_OP_SOCKET:
      append_name (out, families, G_N_ELEMENTS (families), a->i[0]);
      g_string_append (out, ", ");
      append_name (out, types, G_N_ELEMENTS (types), a->i[1]);
      g_string_append (out, ", 0");
      break;

    case LAB_OP_SETSOCKOPT:
    case LAB_OP_GETSOCKOPT:
      {
        const char *option = option_name ((int) a->i[0], (int) a->i[1]);

        g_string_append_printf (out, "%d, ", self->fd);
        append_name (out, levels, G_N_ELEMENTS (levels), a->i[0]);
        g_string_append (out, ", ");
        if (option != NULL)
          g_string_append (out, option);
        else
          g_string_append_printf (out, "%" G_GINT64_FORMAT, a->i[1]);

        if (self->op == LAB_OP_GETSOCKOPT)
          break;
        if (a->i[0] == SOL_SOCKET && (a->i[1] == SO_RCVTIMEO || a->i[1] == SO_SNDTIMEO))
          g_string_append_printf (out, ", {tv_sec=%" G_GINT64_FORMAT ", tv_usec=%" G_GINT64_FORMAT "}",
                                  a->i[2] / 1000, (a->i[2] % 1000) * 1000);
        else
          g_string_append_printf (out, ", %" G_GINT64_FORMAT, a->i[2]);
      }
      break;

    case LAB_OP_BIND:
    case LAB_OP_CONNECT:
      g_string_append_printf (out, "%d, ", self->fd);
      append_address (out, a->address);
      break;

    case LAB_OP_LISTEN:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT, self->fd, a->i[0]);
      break;

    case LAB_OP_ACCEPT:
    case LAB_OP_CLOSE:
    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
      g_string_append_printf (out, "%d", self->fd);
      break;

    case LAB_OP_SEND:
      g_string_append_printf (out, "%d, ", self->fd);
      append_python_bytes (out, a);
      g_string_append (out, ", 0");
      break;

    case LAB_OP_SENDTO:
      g_string_append_printf (out, "%d, ", self->fd);
      append_python_bytes (out, a);
      g_string_append (out, ", 0, ");
      append_address (out, a->address);
      break;

    case LAB_OP_RECV:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT ", 0", self->fd, a->i[0]);
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT ", MSG_TRUNC", self->fd, a->i[0]);
      break;

    case LAB_OP_SHUTDOWN:
      g_string_append_printf (out, "%d, ", self->fd);
      append_name (out, shutdowns, G_N_ELEMENTS (shutdowns), a->i[0]);
      break;

    case LAB_OP_GETADDRINFO:
      g_string_append_printf (out, "'%s', '%" G_GINT64_FORMAT "', ", a->text, a->i[0]);
      append_name (out, families, G_N_ELEMENTS (families), a->i[1]);
      g_string_append (out, ", ");
      append_name (out, types, G_N_ELEMENTS (types), a->i[2]);
      break;

    case LAB_OP_POLL:
      g_string_append_printf (out, "%s, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT,
                              a->ref_text != NULL ? a->ref_text : "[]", a->i[0], a->i[1]);
      break;

    case LAB_OP_FCNTL:
      g_string_append_printf (out, "%d, F_SETFL, %s", self->fd, a->i[0] ? "O_NONBLOCK" : "0");
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, a->text != NULL ? a->text : "");
      break;

    case LAB_OP_CONFIGURE:
    default:
      break;
    }
}

static void
append_gio_args (GString  *out,
                 LabEvent *self)
{
  const LabCallArgs *a = &self->args;

  if (self->op != LAB_OP_SOCKET && self->op != LAB_OP_GETADDRINFO && self->op != LAB_OP_POLL &&
      self->op != LAB_OP_SOCK_DIAG)
    g_string_append_printf (out, "socket %d", self->fd);

  switch (self->op)
    {
    case LAB_OP_SOCKET:
      append_name (out, gio_families, G_N_ELEMENTS (gio_families), a->i[0]);
      g_string_append (out, ", ");
      append_name (out, gio_types, G_N_ELEMENTS (gio_types), a->i[1]);
      g_string_append (out, ", G_SOCKET_PROTOCOL_DEFAULT");
      break;

    case LAB_OP_SETSOCKOPT:
    case LAB_OP_GETSOCKOPT:
      {
        const char *option = option_name ((int) a->i[0], (int) a->i[1]);

        g_string_append (out, ", ");
        append_name (out, levels, G_N_ELEMENTS (levels), a->i[0]);
        g_string_append_printf (out, ", %s", option != NULL ? option : "?");
        if (self->op == LAB_OP_SETSOCKOPT)
          g_string_append_printf (out, ", %" G_GINT64_FORMAT, a->i[2]);
      }
      break;

    case LAB_OP_BIND:
      g_string_append (out, ", ");
      append_address (out, a->address);
      g_string_append (out, a->i[0] ? ", TRUE" : ", FALSE");
      break;

    case LAB_OP_CONNECT:
      g_string_append (out, ", ");
      append_address (out, a->address);
      break;

    case LAB_OP_SEND:
      g_string_append (out, ", ");
      append_python_bytes (out, a);
      break;

    case LAB_OP_SENDTO:
      g_string_append (out, ", ");
      append_address (out, a->address);
      g_string_append (out, ", ");
      append_python_bytes (out, a);
      break;

    case LAB_OP_RECV:
      g_string_append_printf (out, ", %" G_GINT64_FORMAT, a->i[0]);
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, ", %" G_GINT64_FORMAT ", MSG_TRUNC", a->i[0]);
      break;

    case LAB_OP_SHUTDOWN:
      g_string_append_printf (out, ", %s, %s", a->i[0] != SHUT_WR ? "TRUE" : "FALSE",
                              a->i[0] != SHUT_RD ? "TRUE" : "FALSE");
      break;

    case LAB_OP_GETADDRINFO:
      g_string_append_printf (out, "'%s'", a->text);
      break;

    case LAB_OP_POLL:
      g_string_append (out, "context, TRUE");
      break;

    case LAB_OP_CONFIGURE:
      if (a->text != NULL)
        g_string_append_printf (out, ", %s", a->text);
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, a->text != NULL ? a->text : "");
      break;

    case LAB_OP_LISTEN:
    case LAB_OP_ACCEPT:
    case LAB_OP_CLOSE:
    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
    case LAB_OP_FCNTL:
    default:
      break;
    }
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

  if (self->kind != LAB_EVENT_CALL)
    return g_string_free (out, FALSE);

  /* Instrumentation is asked the kernel's way, whatever the backend. */
  if (self->backend == LAB_BACKEND_POSIX || self->instrumentation)
    append_posix_args (out, self);
  else
    append_gio_args (out, self);

  return g_string_free (out, FALSE);
}

typedef enum {
  GIO_RETURNS_POINTER,
  GIO_RETURNS_BOOLEAN,
  GIO_RETURNS_SIZE,
  GIO_RETURNS_VOID,
} GioReturn;

static GioReturn
gio_return (LabOp op)
{
  switch (op)
    {
    case LAB_OP_SOCKET:
    case LAB_OP_ACCEPT:
    case LAB_OP_GETADDRINFO:
    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
      return GIO_RETURNS_POINTER;
    case LAB_OP_SEND:
    case LAB_OP_RECV:
    case LAB_OP_SENDTO:
    case LAB_OP_RECVFROM:
      return GIO_RETURNS_SIZE;
    case LAB_OP_CONFIGURE:
      return GIO_RETURNS_VOID;
    default:
      return GIO_RETURNS_BOOLEAN;
    }
}

static void
append_resolved (GString   *out,
                 GPtrArray *resolved)
{
  g_string_append_c (out, '[');
  for (guint i = 0; resolved != NULL && i < resolved->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_address (out, resolved->pdata[i]);
    }
  g_string_append_c (out, ']');
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
  gboolean gio = self->backend == LAB_BACKEND_GIO && !self->instrumentation;

  if (self->kind != LAB_EVENT_CALL || !self->finished)
    return g_string_free (out, FALSE);

  if (self->err != 0)
    {
      if (!gio)
        g_string_append (out, self->op == LAB_OP_GETADDRINFO ? "EAI" : "-1");
      else
        switch (gio_return (self->op))
          {
          case GIO_RETURNS_POINTER: g_string_append (out, "NULL"); break;
          case GIO_RETURNS_SIZE: g_string_append (out, "-1"); break;
          case GIO_RETURNS_BOOLEAN: g_string_append (out, "FALSE"); break;
          case GIO_RETURNS_VOID: break;
          }
      return g_string_free (out, FALSE);
    }

  switch (self->op)
    {
    case LAB_OP_SOCKET:
      g_string_append_printf (out, gio ? "socket %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, self->result);
      break;

    case LAB_OP_ACCEPT:
      g_string_append_printf (out, gio ? "socket %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, self->result);
      if (self->address != NULL)
        {
          g_string_append_c (out, ' ');
          append_address (out, self->address);
        }
      break;

    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
      if (!gio)
        g_string_append (out, "0 ");
      append_address (out, self->address);
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, "%" G_GINT64_FORMAT " ", self->result);
      append_address (out, self->address);
      break;

    case LAB_OP_GETADDRINFO:
      if (!gio)
        g_string_append (out, "0 ");
      append_resolved (out, self->resolved);
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, lab_tcp_state_to_string ((LabTcpState) self->result));
      break;

    default:
      if (gio && gio_return (self->op) == GIO_RETURNS_BOOLEAN)
        g_string_append (out, "TRUE");
      else if (!gio || gio_return (self->op) != GIO_RETURNS_VOID)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, self->result);
      break;
    }

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
          return g_strdup_printf (_("%s (%s) … waiting"), self->call, args);
        if (err_name != NULL)
          return g_strdup_printf ("%s (%s) → %s %s (%s)", self->call, args, result, err_name,
                                  lab_errno_message (self->err));
        if (result[0] == '\0')
          return g_strdup_printf ("%s (%s)", self->call, args);
        return g_strdup_printf ("%s (%s) → %s", self->call, args, result);
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
