/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-arena.h"
#include "lab-call-private.h"
#include "lab-event-private.h"
#include "lab-hex.h"

/* ---- The kinds of call ---- */

typedef struct {
  const char     *name;
  LabOp           op;
  LabBackendKind  backend;
} CallKind;

/* Every name a backend records, and what it is. */
static const CallKind calls[LAB_N_CALLS] = {
  [LAB_CALL_SOCKET] = { "socket", LAB_OP_SOCKET, LAB_BACKEND_POSIX },
  [LAB_CALL_SETSOCKOPT] = { "setsockopt", LAB_OP_SETSOCKOPT, LAB_BACKEND_POSIX },
  [LAB_CALL_GETSOCKOPT] = { "getsockopt", LAB_OP_GETSOCKOPT, LAB_BACKEND_POSIX },
  [LAB_CALL_BIND] = { "bind", LAB_OP_BIND, LAB_BACKEND_POSIX },
  [LAB_CALL_LISTEN] = { "listen", LAB_OP_LISTEN, LAB_BACKEND_POSIX },
  [LAB_CALL_ACCEPT] = { "accept", LAB_OP_ACCEPT, LAB_BACKEND_POSIX },
  [LAB_CALL_CONNECT] = { "connect", LAB_OP_CONNECT, LAB_BACKEND_POSIX },
  [LAB_CALL_SEND] = { "send", LAB_OP_SEND, LAB_BACKEND_POSIX },
  [LAB_CALL_RECV] = { "recv", LAB_OP_RECV, LAB_BACKEND_POSIX },
  [LAB_CALL_SENDTO] = { "sendto", LAB_OP_SENDTO, LAB_BACKEND_POSIX },
  [LAB_CALL_RECVFROM] = { "recvfrom", LAB_OP_RECVFROM, LAB_BACKEND_POSIX },
  [LAB_CALL_SHUTDOWN] = { "shutdown", LAB_OP_SHUTDOWN, LAB_BACKEND_POSIX },
  [LAB_CALL_CLOSE] = { "close", LAB_OP_CLOSE, LAB_BACKEND_POSIX },
  [LAB_CALL_GETADDRINFO] = { "getaddrinfo", LAB_OP_GETADDRINFO, LAB_BACKEND_POSIX },
  [LAB_CALL_GETSOCKNAME] = { "getsockname", LAB_OP_GETSOCKNAME, LAB_BACKEND_POSIX },
  [LAB_CALL_GETPEERNAME] = { "getpeername", LAB_OP_GETPEERNAME, LAB_BACKEND_POSIX },
  [LAB_CALL_POLL] = { "poll", LAB_OP_POLL, LAB_BACKEND_POSIX },
  [LAB_CALL_FCNTL] = { "fcntl", LAB_OP_FCNTL, LAB_BACKEND_POSIX },
  /* Only a traced program's kernel receives these: the lab's own calls
   * are the ones above. */
  [LAB_CALL_ACCEPT4] = { "accept4", LAB_OP_ACCEPT, LAB_BACKEND_TRACED },
  [LAB_CALL_SENDMSG] = { "sendmsg", LAB_OP_SENDTO, LAB_BACKEND_TRACED },
  [LAB_CALL_RECVMSG] = { "recvmsg", LAB_OP_RECVFROM, LAB_BACKEND_TRACED },
  [LAB_CALL_READ] = { "read", LAB_OP_RECV, LAB_BACKEND_TRACED },
  [LAB_CALL_WRITE] = { "write", LAB_OP_SEND, LAB_BACKEND_TRACED },
  [LAB_CALL_SOCK_DIAG] = { "sock_diag", LAB_OP_SOCK_DIAG, LAB_BACKEND_POSIX },
  [LAB_CALL_G_SOCKET_NEW] = { "g_socket_new", LAB_OP_SOCKET, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SET_OPTION] = { "g_socket_set_option", LAB_OP_SETSOCKOPT, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_BIND] = { "g_socket_bind", LAB_OP_BIND, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_LISTEN] = { "g_socket_listen", LAB_OP_LISTEN, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_ACCEPT] = { "g_socket_accept", LAB_OP_ACCEPT, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_CONNECT] = { "g_socket_connect", LAB_OP_CONNECT, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SEND] = { "g_socket_send", LAB_OP_SEND, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_RECEIVE] = { "g_socket_receive", LAB_OP_RECV, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SEND_TO] = { "g_socket_send_to", LAB_OP_SENDTO, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_RECEIVE_MESSAGE] = { "g_socket_receive_message", LAB_OP_RECVFROM, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SHUTDOWN] = { "g_socket_shutdown", LAB_OP_SHUTDOWN, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_CLOSE] = { "g_socket_close", LAB_OP_CLOSE, LAB_BACKEND_GIO },
  [LAB_CALL_G_RESOLVER_LOOKUP_BY_NAME] = { "g_resolver_lookup_by_name", LAB_OP_GETADDRINFO, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_GET_LOCAL_ADDRESS] = { "g_socket_get_local_address", LAB_OP_GETSOCKNAME, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_GET_REMOTE_ADDRESS] = { "g_socket_get_remote_address", LAB_OP_GETPEERNAME, LAB_BACKEND_GIO },
  [LAB_CALL_G_MAIN_CONTEXT_ITERATION] = { "g_main_context_iteration", LAB_OP_POLL, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_CONDITION_TIMED_WAIT] = { "g_socket_condition_timed_wait", LAB_OP_POLL, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SET_LISTEN_BACKLOG] = { "g_socket_set_listen_backlog", LAB_OP_CONFIGURE, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SET_BLOCKING] = { "g_socket_set_blocking", LAB_OP_CONFIGURE, LAB_BACKEND_GIO },
  [LAB_CALL_G_SOCKET_SET_TIMEOUT] = { "g_socket_set_timeout", LAB_OP_CONFIGURE, LAB_BACKEND_GIO },
};

typedef struct {
  const char *nick;
  LabOpWaits  waits;
  /* How the generated programs make it: a piece of the course's Python and
   * of C that stands in each program that does */
  const char *python;
  const char *c;
} OpKind;

/* Every operation, whatever the backend calls it. */
static const OpKind ops[LAB_N_OPS] = {
  [LAB_OP_SOCKET] = { "socket", LAB_OP_RETURNS_AT_ONCE, "socket.socket(", "socket(" },
  [LAB_OP_SETSOCKOPT] = { "setsockopt", LAB_OP_RETURNS_AT_ONCE, ".setsockopt(", "setsockopt(" },
  /* The course's Python waits for a connection with settimeout (), and
   * reads no option back. */
  [LAB_OP_GETSOCKOPT] = { "getsockopt", LAB_OP_RETURNS_AT_ONCE, LAB_OP_NOT_GENERATED, "getsockopt(" },
  [LAB_OP_BIND] = { "bind", LAB_OP_RETURNS_AT_ONCE, ".bind(", "bind(" },
  [LAB_OP_LISTEN] = { "listen", LAB_OP_RETURNS_AT_ONCE, ".listen(", "listen(" },
  [LAB_OP_ACCEPT] = { "accept", LAB_OP_MAY_BLOCK, ".accept(", "accept(" },
  [LAB_OP_CONNECT] = { "connect", LAB_OP_MAY_BLOCK, ".connect(", "connect(" },
  [LAB_OP_SEND] = { "send", LAB_OP_MAY_BLOCK, ".sendall(", "send(" },
  [LAB_OP_RECV] = { "recv", LAB_OP_MAY_BLOCK, ".recv(", "recv(" },
  [LAB_OP_SENDTO] = { "sendto", LAB_OP_MAY_BLOCK, ".sendto(", "sendto(" },
  [LAB_OP_RECVFROM] = { "recvfrom", LAB_OP_MAY_BLOCK, ".recvfrom(", "recvfrom(" },
  [LAB_OP_SHUTDOWN] = { "shutdown", LAB_OP_RETURNS_AT_ONCE, ".shutdown(", "shutdown(" },
  [LAB_OP_CLOSE] = { "close", LAB_OP_RETURNS_AT_ONCE, ".close(", "close(" },
  [LAB_OP_GETADDRINFO] = { "getaddrinfo", LAB_OP_MAY_BLOCK, ".getaddrinfo(", "getaddrinfo(" },
  [LAB_OP_GETSOCKNAME] = { "getsockname", LAB_OP_RETURNS_AT_ONCE, ".getsockname(", "getsockname(" },
  [LAB_OP_GETPEERNAME] = { "getpeername", LAB_OP_RETURNS_AT_ONCE, ".getpeername(", "getpeername(" },
  /* The course's Python waits on many sockets with its selectors module. */
  [LAB_OP_POLL] = { "poll", LAB_OP_MAY_BLOCK, ".select(", "poll(" },
  [LAB_OP_FCNTL] = { "fcntl", LAB_OP_RETURNS_AT_ONCE, ".setblocking(", "fcntl(" },
  /* GIO's settings that make no system call: a program of its own makes
   * none of them. */
  [LAB_OP_CONFIGURE] = { "configure", LAB_OP_RETURNS_AT_ONCE, LAB_OP_NOT_GENERATED, LAB_OP_NOT_GENERATED },
  /* The lab's own question to the kernel, never a program's. */
  [LAB_OP_SOCK_DIAG] = { "sock_diag", LAB_OP_RETURNS_AT_ONCE, LAB_OP_NOT_GENERATED, LAB_OP_NOT_GENERATED },
};

const char *
lab_call_get_name (LabCall call)
{
  g_return_val_if_fail (call < LAB_N_CALLS, "?");

  return calls[call].name;
}

LabOp
lab_call_get_op (LabCall call)
{
  g_return_val_if_fail (call < LAB_N_CALLS, LAB_OP_SOCKET);

  return calls[call].op;
}

LabBackendKind
lab_call_get_backend (LabCall call)
{
  g_return_val_if_fail (call < LAB_N_CALLS, LAB_BACKEND_POSIX);

  return calls[call].backend;
}

/**
 * lab_call_from_name:
 * @name: a call's name as a backend records it: "accept", "g_socket_accept"
 *
 * Returns: whether the lab records a call by that name
 */
gboolean
lab_call_from_name (const char *name,
                    LabCall    *call)
{
  for (guint i = 0; i < LAB_N_CALLS; i++)
    if (g_strcmp0 (calls[i].name, name) == 0)
      {
        *call = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * lab_op_get_call:
 *
 * Returns: whether @backend makes calls of @op; if so, @call is the first
 *   of them (the BSD call itself for POSIX)
 */
gboolean
lab_op_get_call (LabOp           op,
                 LabBackendKind  backend,
                 LabCall        *call)
{
  for (guint i = 0; i < LAB_N_CALLS; i++)
    if (calls[i].op == op && calls[i].backend == backend)
      {
        *call = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * lab_op_to_string:
 *
 * Returns: the operation's name as JSON Lines and files write it
 */
const char *
lab_op_to_string (LabOp op)
{
  g_return_val_if_fail (op < LAB_N_OPS, "?");

  return ops[op].nick;
}

/**
 * lab_op_get_waits:
 *
 * Returns: whether a call of @op can wait, on a blocking socket
 */
LabOpWaits
lab_op_get_waits (LabOp op)
{
  g_return_val_if_fail (op < LAB_N_OPS, LAB_OP_RETURNS_AT_ONCE);

  return ops[op].waits;
}

gboolean
lab_op_can_block (LabOp op)
{
  return lab_op_get_waits (op) == LAB_OP_MAY_BLOCK;
}

/**
 * lab_op_get_python:
 *
 * Returns: (nullable): a piece of the Python that a generated program
 *   making @op has, or %LAB_OP_NOT_GENERATED
 */
const char *
lab_op_get_python (LabOp op)
{
  g_return_val_if_fail (op < LAB_N_OPS, NULL);

  return ops[op].python;
}

/**
 * lab_op_get_c:
 *
 * Returns: (nullable): a piece of the C that a generated program making
 *   @op has, or %LAB_OP_NOT_GENERATED
 */
const char *
lab_op_get_c (LabOp op)
{
  g_return_val_if_fail (op < LAB_N_OPS, NULL);

  return ops[op].c;
}

/* ---- A call in words ---- */

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

static const Name families[] = { N (AF_INET), N (AF_INET6), N (AF_UNSPEC), N (AF_UNIX), N (AF_NETLINK) };
static const Name gio_families[] = {
  { AF_INET, "G_SOCKET_FAMILY_IPV4" }, { AF_INET6, "G_SOCKET_FAMILY_IPV6" },
  { AF_UNSPEC, "G_SOCKET_FAMILY_INVALID" },
};
static const Name types[] = { N (SOCK_STREAM), N (SOCK_DGRAM), N (SOCK_RAW) };
static const Name protocols[] = { { 0, "0" }, N (IPPROTO_ICMP), N (IPPROTO_TCP), N (IPPROTO_UDP) };
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
append_python_bytes (GString  *out,
                     LabEvent *self)
{
  GBytes *preview = lab_event_peek_blob (self);
  gsize len = 0;
  const guint8 *data = preview != NULL ? g_bytes_get_data (preview, &len) : NULL;
  gsize sent = (guint32) self->record.args[0];

  lab_python_bytes_append (out, data, len, '\'');

  if (sent > len)
    g_string_append_printf (out, "… (%" G_GSIZE_FORMAT " bytes)", sent);
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
  const LabRecord *a = &self->record;

  switch ((LabOp) self->record.op)
    {
    case LAB_OP_SOCKET:
      append_name (out, families, G_N_ELEMENTS (families), a->args[0]);
      g_string_append (out, ", ");
      append_name (out, types, G_N_ELEMENTS (types), a->args[1]);
      g_string_append (out, ", ");
      append_name (out, protocols, G_N_ELEMENTS (protocols), a->args[2]);
      break;

    case LAB_OP_SETSOCKOPT:
    case LAB_OP_GETSOCKOPT:
      {
        const char *option = option_name ((int) a->args[0], (int) a->args[1]);

        g_string_append_printf (out, "%d, ", self->record.fd);
        append_name (out, levels, G_N_ELEMENTS (levels), a->args[0]);
        g_string_append (out, ", ");
        if (option != NULL)
          g_string_append (out, option);
        else
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) a->args[1]);

        if (self->record.op == LAB_OP_GETSOCKOPT)
          break;
        if (a->args[0] == SOL_SOCKET && (a->args[1] == SO_RCVTIMEO || a->args[1] == SO_SNDTIMEO))
          g_string_append_printf (out, ", {tv_sec=%" G_GINT64_FORMAT ", tv_usec=%" G_GINT64_FORMAT "}",
                                  (gint64) a->args[2] / 1000, ((gint64) a->args[2] % 1000) * 1000);
        else
          g_string_append_printf (out, ", %" G_GINT64_FORMAT, (gint64) a->args[2]);
      }
      break;

    case LAB_OP_BIND:
    case LAB_OP_CONNECT:
      g_string_append_printf (out, "%d, ", self->record.fd);
      append_address (out, lab_event_peek_address (self));
      break;

    case LAB_OP_LISTEN:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT, self->record.fd, (gint64) a->args[0]);
      break;

    case LAB_OP_ACCEPT:
    case LAB_OP_CLOSE:
    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
      g_string_append_printf (out, "%d", self->record.fd);
      break;

    case LAB_OP_SEND:
      g_string_append_printf (out, "%d, ", self->record.fd);
      append_python_bytes (out, self);
      g_string_append (out, ", 0");
      break;

    case LAB_OP_SENDTO:
      g_string_append_printf (out, "%d, ", self->record.fd);
      append_python_bytes (out, self);
      g_string_append (out, ", 0, ");
      append_address (out, lab_event_peek_address (self));
      break;

    case LAB_OP_RECV:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT ", 0", self->record.fd, (gint64) a->args[0]);
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, "%d, %" G_GINT64_FORMAT ", MSG_TRUNC", self->record.fd,
                              (gint64) a->args[0]);
      break;

    case LAB_OP_SHUTDOWN:
      g_string_append_printf (out, "%d, ", self->record.fd);
      append_name (out, shutdowns, G_N_ELEMENTS (shutdowns), a->args[0]);
      break;

    case LAB_OP_GETADDRINFO:
      g_string_append_printf (out, "'%s', '%" G_GINT64_FORMAT "', ", lab_event_peek_text (self),
                              (gint64) a->args[0]);
      append_name (out, families, G_N_ELEMENTS (families), a->args[1]);
      g_string_append (out, ", ");
      append_name (out, types, G_N_ELEMENTS (types), a->args[2]);
      break;

    case LAB_OP_POLL:
      g_string_append_printf (out, "%s, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT,
                              lab_event_peek_text (self)[0] != '\0' ? lab_event_peek_text (self) : "[]",
                              (gint64) a->args[0], (gint64) a->args[1]);
      break;

    case LAB_OP_FCNTL:
      g_string_append_printf (out, "%d, F_SETFL, %s", self->record.fd, a->args[0] ? "O_NONBLOCK" : "0");
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, lab_event_peek_text (self));
      break;

    /* Only GIO has settings that make no system call. */
    case LAB_OP_CONFIGURE:
      break;
    }
}

static void
append_gio_args (GString  *out,
                 LabEvent *self)
{
  const LabRecord *a = &self->record;

  if (self->record.op != LAB_OP_SOCKET && self->record.op != LAB_OP_GETADDRINFO && self->record.op != LAB_OP_POLL &&
      self->record.op != LAB_OP_SOCK_DIAG)
    g_string_append_printf (out, "socket %d", self->record.fd);

  switch ((LabOp) self->record.op)
    {
    case LAB_OP_SOCKET:
      append_name (out, gio_families, G_N_ELEMENTS (gio_families), a->args[0]);
      g_string_append (out, ", ");
      append_name (out, gio_types, G_N_ELEMENTS (gio_types), a->args[1]);
      g_string_append (out, ", G_SOCKET_PROTOCOL_DEFAULT");
      break;

    case LAB_OP_SETSOCKOPT:
    case LAB_OP_GETSOCKOPT:
      {
        const char *option = option_name ((int) a->args[0], (int) a->args[1]);

        g_string_append (out, ", ");
        append_name (out, levels, G_N_ELEMENTS (levels), a->args[0]);
        g_string_append_printf (out, ", %s", option != NULL ? option : "?");
        if (self->record.op == LAB_OP_SETSOCKOPT)
          g_string_append_printf (out, ", %" G_GINT64_FORMAT, (gint64) a->args[2]);
      }
      break;

    case LAB_OP_BIND:
      g_string_append (out, ", ");
      append_address (out, lab_event_peek_address (self));
      g_string_append (out, a->args[0] ? ", TRUE" : ", FALSE");
      break;

    case LAB_OP_CONNECT:
      g_string_append (out, ", ");
      append_address (out, lab_event_peek_address (self));
      break;

    case LAB_OP_SEND:
      g_string_append (out, ", ");
      append_python_bytes (out, self);
      break;

    case LAB_OP_SENDTO:
      g_string_append (out, ", ");
      append_address (out, lab_event_peek_address (self));
      g_string_append (out, ", ");
      append_python_bytes (out, self);
      break;

    case LAB_OP_RECV:
      g_string_append_printf (out, ", %" G_GINT64_FORMAT, (gint64) a->args[0]);
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, ", %" G_GINT64_FORMAT ", MSG_TRUNC", (gint64) a->args[0]);
      break;

    case LAB_OP_SHUTDOWN:
      g_string_append_printf (out, ", %s, %s", a->args[0] != SHUT_WR ? "TRUE" : "FALSE",
                              a->args[0] != SHUT_RD ? "TRUE" : "FALSE");
      break;

    case LAB_OP_GETADDRINFO:
      g_string_append_printf (out, "'%s'", lab_event_peek_text (self));
      break;

    case LAB_OP_POLL:
      if (self->record.call == LAB_CALL_G_SOCKET_CONDITION_TIMED_WAIT)
        g_string_append_printf (out, "socket %d, %s, %" G_GINT64_FORMAT, self->record.fd,
                                a->args[0] ? "G_IO_OUT" : "G_IO_IN", (gint64) a->args[1]);
      else
        g_string_append (out, "context, TRUE");
      break;

    case LAB_OP_CONFIGURE:
      if (lab_event_peek_text (self)[0] != '\0')
        g_string_append_printf (out, ", %s", lab_event_peek_text (self));
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, lab_event_peek_text (self));
      break;

    case LAB_OP_LISTEN:
    case LAB_OP_ACCEPT:
    case LAB_OP_CLOSE:
    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
    case LAB_OP_FCNTL:
      break;
    }
}

/* A type with its flags, as strace writes it: SOCK_STREAM|SOCK_CLOEXEC */
static void
append_type_flags (GString *out,
                   gint64   value,
                   gboolean with_type)
{
  gboolean any = FALSE;

  if (with_type)
    {
      append_name (out, types, G_N_ELEMENTS (types), value & 0xf);
      any = TRUE;
    }
  if (value & SOCK_NONBLOCK)
    {
      g_string_append (out, any ? "|SOCK_NONBLOCK" : "SOCK_NONBLOCK");
      any = TRUE;
    }
  if (value & SOCK_CLOEXEC)
    {
      g_string_append (out, any ? "|SOCK_CLOEXEC" : "SOCK_CLOEXEC");
      any = TRUE;
    }
  if (!any)
    g_string_append_c (out, '0');
}

/* An address, or a local socket's path, or NULL */
static void
append_traced_address (GString  *out,
                       LabEvent *self)
{
  GSocketAddress *address = lab_event_peek_address (self);

  if (address != NULL)
    append_address (out, address);
  else if (self->record.blob != LAB_ARENA_NONE && !lab_record_blob_is_payload (&self->record))
    g_string_append_printf (out, "{AF_UNIX, '%s'}", lab_event_peek_text (self));
  else
    g_string_append (out, "NULL");
}

/* A traced program's call, as its kernel received it: strace's words,
 * with addresses and bytes as the course writes them. */
static void
append_traced_args (GString  *out,
                    LabEvent *self)
{
  const LabRecord *a = &self->record;

  switch ((LabCall) a->call)
    {
    case LAB_CALL_SOCKET:
      append_name (out, families, G_N_ELEMENTS (families), a->args[0]);
      g_string_append (out, ", ");
      append_type_flags (out, a->args[1], TRUE);
      g_string_append (out, ", ");
      append_name (out, protocols, G_N_ELEMENTS (protocols), a->args[2]);
      return;
    case LAB_CALL_BIND:
    case LAB_CALL_CONNECT:
      g_string_append_printf (out, "%d, ", a->fd);
      append_traced_address (out, self);
      return;
    case LAB_CALL_ACCEPT4:
      g_string_append_printf (out, "%d, ", a->fd);
      append_type_flags (out, a->args[1], FALSE);
      return;
    case LAB_CALL_SENDTO:
    case LAB_CALL_SENDMSG:
      g_string_append_printf (out, "%d, ", a->fd);
      append_python_bytes (out, self);
      g_string_append_printf (out, ", %d, ", a->args[1]);
      append_traced_address (out, self);
      return;
    case LAB_CALL_WRITE:
      g_string_append_printf (out, "%d, ", a->fd);
      append_python_bytes (out, self);
      g_string_append_printf (out, ", %d", a->args[0]);
      return;
    case LAB_CALL_READ:
      g_string_append_printf (out, "%d, %d", a->fd, a->args[0]);
      return;
    case LAB_CALL_RECVFROM:
    case LAB_CALL_RECVMSG:
      g_string_append_printf (out, "%d, %d, %d, ", a->fd, a->args[0], a->args[1]);
      if (a->args[2] || lab_event_peek_address (self) != NULL)
        append_traced_address (out, self);
      else
        g_string_append (out, "NULL");
      return;
    default:
      append_posix_args (out, self);
      return;
    }
}

/**
 * lab_call_append_args:
 *
 * Appends a call's arguments as a course writes them, for its backend:
 * `3, ('127.0.0.1', 5000)` or `socket 3, ('127.0.0.1', 5000), TRUE`.
 */
void
lab_call_append_args (GString  *out,
                      LabEvent *self)
{
  /* Instrumentation is asked the kernel's way, whatever the backend. */
  if (lab_event_get_backend (self) == LAB_BACKEND_TRACED)
    append_traced_args (out, self);
  else if (lab_event_get_backend (self) == LAB_BACKEND_POSIX || lab_event_get_instrumentation (self))
    append_posix_args (out, self);
  else
    append_gio_args (out, self);
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
 * lab_call_append_result:
 *
 * Appends what a finished call returned, as its API returns it: `4`, `-1`,
 * `TRUE`, `socket 4`, with the address it gave back when there is one.
 */
void
lab_call_append_result (GString  *out,
                        LabEvent *self)
{
  gboolean gio = lab_event_get_backend (self) == LAB_BACKEND_GIO && !lab_event_get_instrumentation (self);

  if (self->record.err != 0)
    {
      if (!gio)
        g_string_append (out, self->record.op == LAB_OP_GETADDRINFO ? "EAI" : "-1");
      else
        switch (gio_return (self->record.op))
          {
          case GIO_RETURNS_POINTER: g_string_append (out, "NULL"); break;
          case GIO_RETURNS_SIZE: g_string_append (out, "-1"); break;
          case GIO_RETURNS_BOOLEAN: g_string_append (out, "FALSE"); break;
          case GIO_RETURNS_VOID: break;
          }
      return;
    }

  switch ((LabOp) self->record.op)
    {
    case LAB_OP_SOCKET:
      g_string_append_printf (out, gio ? "socket %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, self->record.result);
      break;

    case LAB_OP_ACCEPT:
      g_string_append_printf (out, gio ? "socket %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, self->record.result);
      if (lab_event_get_address (self) != NULL)
        {
          g_string_append_c (out, ' ');
          append_address (out, lab_event_get_address (self));
        }
      break;

    case LAB_OP_GETSOCKNAME:
    case LAB_OP_GETPEERNAME:
      if (!gio)
        g_string_append (out, "0 ");
      append_address (out, lab_event_get_address (self));
      break;

    case LAB_OP_RECVFROM:
      g_string_append_printf (out, "%" G_GINT64_FORMAT " ", self->record.result);
      append_address (out, lab_event_get_address (self));
      break;

    case LAB_OP_GETADDRINFO:
      if (!gio)
        g_string_append (out, "0 ");
      append_resolved (out, lab_event_get_resolved (self));
      break;

    case LAB_OP_SOCK_DIAG:
      g_string_append (out, lab_tcp_state_to_string ((LabTcpState) self->record.result));
      break;

    default:
      if (gio && gio_return (self->record.op) == GIO_RETURNS_BOOLEAN)
        g_string_append (out, "TRUE");
      else if (!gio || gio_return (self->record.op) != GIO_RETURNS_VOID)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, self->record.result);
      break;
    }

}

