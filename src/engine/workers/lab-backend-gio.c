/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-kernel-private.h"
#include "lab-run-private.h"

/* The GIO backend: the same programs written with GSocket and GResolver,
 * each call recorded with its GIO name. GIO's blocking calls wait in poll ()
 * on the socket and the run's cancellable; stopping cancels it. */

/* Only the errno the failed call left is trusted; see lab_errno_from_gerror(). */
static int
error_to_errno (GError *error,
                int     saved_errno)
{
  return error != NULL ? lab_errno_from_gerror (error, saved_errno) : 0;
}

/* One for every call of the run: a cancellable of each connection's own
 * would cost a descriptor more for each (GLib makes one for a cancellable
 * a call waits on), and abort the program when there is none left. */
static GCancellable *
cancellable_for (LabWorker *w,
                 LabSock   *s)
{
  return w->run->cancellable;
}

static GSocketFamily
to_gio_family (int family)
{
  return family == AF_INET6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
}

static LabSock *
gio_socket (LabWorker *w,
            int        family,
            int        type,
            int        protocol)
{
  LabRecord *event = lab_call_new (w, NULL, LAB_CALL_G_SOCKET_NEW);
  g_autoptr(GError) error = NULL;
  GSocket *socket;
  int saved;

  event->args[0] = family;
  event->args[1] = type;
  event->args[2] = protocol;
  /* GSocketType has no raw type, and GSocketProtocol's values are the
   * only protocols g_socket_new () takes (DEFAULT, TCP, UDP, SCTP): GIO
   * cannot open an ICMP socket, and a ping refuses GIO before it starts. */
  g_assert (type == SOCK_DGRAM || type == SOCK_STREAM);
  g_assert (protocol == 0);
  if (!lab_call_begin (w, event))
    return NULL;
  errno = 0;
  socket = g_socket_new (to_gio_family (family),
                         type == SOCK_DGRAM ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, &error);
  saved = errno;
  event->fd = socket != NULL ? g_socket_get_fd (socket) : -1;
  lab_call_end (w, event, event->fd, error_to_errno (error, saved), NULL);

  if (socket == NULL)
    return NULL;

  return lab_sock_new (g_socket_get_fd (socket), socket, family, type);
}

static gboolean
gio_setsockopt (LabWorker *w,
                LabSock   *s,
                int        level,
                int        name,
                int        value)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_SET_OPTION);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  event->args[0] = level;
  event->args[1] = name;
  event->args[2] = value;
  if (!lab_call_begin (w, event))
    return FALSE;
  errno = 0;
  ok = g_socket_set_option (s->gsocket, level, name, value, &error);
  saved = errno;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);

  return ok;
}

/* GIO's settings of a GSocket make no system call: recorded all the same,
 * as calls the program made, and made only once recorded (a step may hold
 * them). Returns whether to make the call. */
static gboolean
record_configure (LabWorker *w,
                  LabSock   *s,
                  LabCall    call,
                  char      *text)
{
  LabRecord *event = lab_call_new (w, s, call);

  lab_call_set_text (w, event, text);
  g_free (text);
  if (!lab_call_begin (w, event))
    return FALSE;
  lab_call_end (w, event, 0, 0, NULL);
  return TRUE;
}

static gboolean
gio_set_timeout (LabWorker *w,
                 LabSock   *s,
                 guint      ms)
{
  /* GIO counts a socket's timeout in whole seconds. */
  guint seconds = (ms + 999) / 1000;

  if (!record_configure (w, s, LAB_CALL_G_SOCKET_SET_TIMEOUT, g_strdup_printf ("%u", seconds)))
    return FALSE;
  g_socket_set_timeout (s->gsocket, seconds);
  return TRUE;
}

static gboolean
gio_set_blocking (LabWorker *w,
                  LabSock   *s,
                  gboolean   blocking)
{
  if (!record_configure (w, s, LAB_CALL_G_SOCKET_SET_BLOCKING, g_strdup (blocking ? "TRUE" : "FALSE")))
    return FALSE;
  g_socket_set_blocking (s->gsocket, blocking);
  s->nonblocking = !blocking;
  return TRUE;
}

static gboolean
gio_bind (LabWorker      *w,
          LabSock        *s,
          GSocketAddress *address,
          gboolean        reuse)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_BIND);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  lab_call_set_address (event, address);
  event->args[0] = reuse;
  if (!lab_call_begin (w, event))
    return FALSE;
  errno = 0;
  ok = g_socket_bind (s->gsocket, address, reuse, &error);
  saved = errno;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);

  return ok;
}

static gboolean
gio_listen (LabWorker *w,
            LabSock   *s,
            int        backlog)
{
  LabRecord *event;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  if (!record_configure (w, s, LAB_CALL_G_SOCKET_SET_LISTEN_BACKLOG, g_strdup_printf ("%d", backlog)))
    return FALSE;
  g_socket_set_listen_backlog (s->gsocket, backlog);

  event = lab_call_new (w, s, LAB_CALL_G_SOCKET_LISTEN);
  if (!lab_call_begin (w, event))
    return FALSE;
  errno = 0;
  ok = g_socket_listen (s->gsocket, &error);
  saved = errno;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);

  return ok;
}

static GSocketAddress *
gio_getname (LabWorker *w,
             LabSock   *s,
             gboolean   peer)
{
  LabRecord *event = lab_call_new (w, s, peer ? LAB_CALL_G_SOCKET_GET_REMOTE_ADDRESS
                                               : LAB_CALL_G_SOCKET_GET_LOCAL_ADDRESS);
  g_autoptr(GError) error = NULL;
  GSocketAddress *address;
  int saved;

  if (!lab_call_begin (w, event))
    return NULL;
  errno = 0;
  address = peer ? g_socket_get_remote_address (s->gsocket, &error)
                 : g_socket_get_local_address (s->gsocket, &error);
  saved = errno;
  lab_call_end (w, event, address != NULL ? 0 : -1, error_to_errno (error, saved),
                address != NULL ? g_object_ref (address) : NULL);

  return address;
}

static GSocketAddress *
gio_getsockname (LabWorker *w,
                 LabSock   *s)
{
  return gio_getname (w, s, FALSE);
}

static GSocketAddress *
gio_getpeername (LabWorker *w,
                 LabSock   *s)
{
  return gio_getname (w, s, TRUE);
}

static LabSock *
gio_accept (LabWorker *w,
            LabSock   *s)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_ACCEPT);
  g_autoptr(GError) error = NULL;
  GSocket *accepted;
  LabSock *conn;
  int saved;

  if (!lab_call_begin (w, event))
    return NULL;
  errno = 0;
  accepted = g_socket_accept (s->gsocket, cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, accepted != NULL ? g_socket_get_fd (accepted) : -1,
                error_to_errno (error, saved), NULL);

  if (accepted == NULL)
    return NULL;

  conn = lab_sock_new (g_socket_get_fd (accepted), accepted, s->family, s->type);
  /* g_socket_accept () does not say who connected; the program asks. */
  conn->peer = gio_getpeername (w, conn);
  return conn;
}

static gboolean
gio_connect (LabWorker      *w,
             LabSock        *s,
             GSocketAddress *address,
             guint           timeout_ms)
{
  LabRecord *event;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  if (timeout_ms > 0)
    gio_set_timeout (w, s, timeout_ms);

  event = lab_call_new (w, s, LAB_CALL_G_SOCKET_CONNECT);
  lab_call_set_address (event, address);
  if (!lab_call_begin (w, event))
    return FALSE;
  errno = 0;
  ok = g_socket_connect (s->gsocket, address, cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);

  if (timeout_ms > 0)
    gio_set_timeout (w, s, 0);

  return ok;
}

static gssize
gio_send (LabWorker *w,
          LabSock   *s,
          GBytes    *bytes)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_SEND);
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gssize n;
  int saved;

  lab_call_set_bytes (w, event, bytes);
  if (!lab_call_begin (w, event))
    return -1;
  errno = 0;
  n = g_socket_send (s->gsocket, (const char *) data, len, cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, n, error_to_errno (error, saved), NULL);

  return n;
}

static gssize
gio_recv (LabWorker  *w,
          LabSock    *s,
          gsize       size,
          GBytes    **out)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_RECEIVE);
  g_autoptr(GError) error = NULL;
  guint8 *buf = g_malloc (size);
  gssize n;
  int saved;

  event->args[0] = (gint64) size;
  if (!lab_call_begin (w, event))
    {
      g_free (buf);
      return -1;
    }
  errno = 0;
  n = g_socket_receive (s->gsocket, (char *) buf, size, cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, n, error_to_errno (error, saved), NULL);

  if (n < 0)
    {
      g_free (buf);
      *out = NULL;
      return n;
    }

  if ((gsize) n < size / 2)
    {
      *out = g_bytes_new (buf, n);
      g_free (buf);
    }
  else
    *out = g_bytes_new_take (buf, n);

  return n;
}

static gssize
gio_sendto (LabWorker      *w,
            LabSock        *s,
            GBytes         *bytes,
            GSocketAddress *to)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_SEND_TO);
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gssize n;
  int saved;

  lab_call_set_bytes (w, event, bytes);
  lab_call_set_address (event, to);
  if (!lab_call_begin (w, event))
    return -1;
  errno = 0;
  n = g_socket_send_to (s->gsocket, to, (const char *) data, len, cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, n, error_to_errno (error, saved), NULL);

  return n;
}

/* g_socket_receive_message () with MSG_TRUNC: like recvfrom (), it returns
 * a datagram's real size when the buffer kept less of it. */
static gssize
gio_recvfrom (LabWorker       *w,
              LabSock         *s,
              gsize            size,
              GBytes         **out,
              GSocketAddress **from)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_RECEIVE_MESSAGE);
  g_autoptr(GError) error = NULL;
  guint8 *buf = g_malloc (size);
  GInputVector vector = { buf, size };
  GSocketAddress *peer = NULL;
  int flags = MSG_TRUNC;
  gssize n;
  int saved;

  event->args[0] = (gint64) size;
  if (!lab_call_begin (w, event))
    {
      g_free (buf);
      return -1;
    }
  errno = 0;
  n = g_socket_receive_message (s->gsocket, &peer, &vector, 1, NULL, NULL, &flags,
                                cancellable_for (w, s), &error);
  saved = errno;
  lab_call_end (w, event, n, error_to_errno (error, saved), peer != NULL ? g_object_ref (peer) : NULL);

  if (n < 0)
    {
      g_free (buf);
      g_clear_object (&peer);
      *out = NULL;
      *from = NULL;
      return n;
    }

  *out = g_bytes_new (buf, MIN ((gsize) n, size));
  g_free (buf);
  *from = peer;
  return n;
}

static gboolean
gio_shutdown (LabWorker *w,
              LabSock   *s,
              int        how)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_SHUTDOWN);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  event->args[0] = how;
  if (!lab_call_begin (w, event))
    return FALSE;
  errno = 0;
  ok = g_socket_shutdown (s->gsocket, how != SHUT_WR, how != SHUT_RD, &error);
  saved = errno;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);

  if (ok)
    lab_kernel_sample (s);
  return ok;
}

static void
gio_close (LabWorker *w,
           LabSock   *s)
{
  LabRecord *event;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int saved;

  g_mutex_lock (&s->io_lock);
  if (s->closed)
    {
      g_mutex_unlock (&s->io_lock);
      return;
    }

  /* As posix_close(): never refused, and watched until it is made. */
  event = lab_call_new (w, s, LAB_CALL_G_SOCKET_CLOSE);
  if (!lab_call_begin (w, event))
    g_assert_not_reached ();

  lab_kernel_release (s, TRUE);
  errno = 0;
  ok = g_socket_close (s->gsocket, &error);
  saved = errno;
  s->closed = TRUE;
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);
  g_mutex_unlock (&s->io_lock);
}

static GPtrArray *
gio_resolve (LabWorker  *w,
             const char *host,
             guint16     port,
             LabFamily   family,
             int         type)
{
  LabRecord *event = lab_call_new (w, NULL, LAB_CALL_G_RESOLVER_LOOKUP_BY_NAME);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  GList *list;
  GPtrArray *addresses = NULL;
  int saved;

  lab_call_set_text (w, event, host);
  if (!lab_call_begin (w, event))
    return NULL;
  errno = 0;
  list = g_resolver_lookup_by_name (resolver, host, w->run->cancellable, &error);
  saved = errno;

  if (list != NULL)
    {
      addresses = g_ptr_array_new_with_free_func (g_object_unref);
      for (GList *l = list; l != NULL; l = l->next)
        {
          GInetAddress *inet = l->data;
          GSocketFamily f = g_inet_address_get_family (inet);

          if ((family == LAB_FAMILY_IPV4 && f != G_SOCKET_FAMILY_IPV4) ||
              (family == LAB_FAMILY_IPV6 && f != G_SOCKET_FAMILY_IPV6))
            continue;
          g_ptr_array_add (addresses, g_inet_socket_address_new (inet, port));
        }
      g_resolver_free_addresses (list);
      lab_call_set_resolved (w, event, host, addresses);
    }

  lab_call_end (w, event, addresses != NULL ? addresses->len : -1, error_to_errno (error, saved), NULL);

  if (addresses != NULL && addresses->len == 0)
    {
      /* None of the family asked for: as getaddrinfo () says it. */
      w->err = LAB_ERR_FROM_EAI (-9 /* EAI_ADDRFAMILY */);
      g_clear_pointer (&addresses, g_ptr_array_unref);
    }

  return addresses;
}

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      data)
{
  LabSock *s = data;

  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    s->ready_in = TRUE;
  if (condition & (G_IO_OUT | G_IO_ERR))
    s->ready_out = TRUE;

  return G_SOURCE_CONTINUE;
}

static GSource *
attach_source (LabWorker    *w,
               LabSock      *s,
               GIOCondition  condition)
{
  GSource *source = g_socket_create_source (s->gsocket, condition, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (on_socket_ready), s, NULL);
  g_source_attach (source, w->context);
  return source;
}

static gboolean
on_poll_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
detach_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* The sources a poll wants, each kept from one poll to the next: a socket
 * left out of this poll loses its own, or it would wake the loop for
 * nothing (a listener with a client waiting, while no more are taken). */
static void
watch_poll_set (LabWorker   *w,
                LabPollItem *items,
                guint        n)
{
  guint serial = ++w->poll_serial;

  if (w->watched == NULL)
    w->watched = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_sock_unref);

  for (guint i = 0; i < n; i++)
    {
      LabSock *s = items[i].sock;
      gboolean watched = s->in_source != NULL || s->out_source != NULL;

      s->poll_serial = serial;
      s->ready_in = s->ready_out = FALSE;
      if (items[i].want_in && s->in_source == NULL)
        s->in_source = attach_source (w, s, G_IO_IN | G_IO_HUP | G_IO_ERR);
      else if (!items[i].want_in)
        detach_source (&s->in_source);

      if (items[i].want_out && s->out_source == NULL)
        s->out_source = attach_source (w, s, G_IO_OUT | G_IO_ERR);
      else if (!items[i].want_out)
        detach_source (&s->out_source);

      if (!watched && (s->in_source != NULL || s->out_source != NULL))
        g_ptr_array_add (w->watched, lab_sock_ref (s));
    }

  for (guint i = w->watched->len; i-- > 0;)
    {
      LabSock *s = w->watched->pdata[i];

      if (s->poll_serial != serial)
        {
          detach_source (&s->in_source);
          detach_source (&s->out_source);
        }
      if (s->in_source == NULL && s->out_source == NULL)
        g_ptr_array_remove_index_fast (w->watched, i);
    }
}

/* A thread other than the event loop's (the one that carries out the
 * window's commands) waits for one of the loop's non-blocking sockets as
 * GIO lets a thread wait outside a main loop. */
static int
gio_condition_wait (LabWorker   *w,
                    LabPollItem *item,
                    int          timeout_ms)
{
  LabSock *s = item->sock;
  GIOCondition condition = item->want_out ? G_IO_OUT : G_IO_IN;
  gint64 timeout_us = timeout_ms >= 0 ? (gint64) timeout_ms * 1000 : -1;
  LabRecord *event = lab_call_new (w, s, LAB_CALL_G_SOCKET_CONDITION_TIMED_WAIT);
  g_autoptr(GError) error = NULL;
  GIOCondition now;
  gboolean ok;
  int saved;

  event->args[0] = item->want_out;
  event->args[1] = timeout_us;
  if (!lab_call_begin (w, event))
    return -1;
  errno = 0;
  ok = g_socket_condition_timed_wait (s->gsocket, condition, timeout_us, cancellable_for (w, s), &error);
  saved = errno;
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      lab_call_end (w, event, 0, 0, NULL);
      return 0;
    }
  lab_call_end (w, event, ok, error_to_errno (error, saved), NULL);
  if (!ok)
    return -1;

  now = g_socket_condition_check (s->gsocket, G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR);
  item->can_in = (now & G_IO_IN) != 0;
  item->can_out = (now & G_IO_OUT) != 0;
  item->hangup = (now & (G_IO_HUP | G_IO_ERR)) != 0;
  return 1;
}

/* GIO's event loop: a GMainContext of the worker's own, with a GSocket
 * source for each socket it watches, iterated once per call. */
static int
gio_poll (LabWorker   *w,
          LabPollItem *items,
          guint        n,
          int          timeout_ms)
{
  LabRecord *event;
  GSource *timeout = NULL;
  gboolean timed_out = FALSE;
  int ready = 0;

  if (w->context == NULL)
    {
      g_return_val_if_fail (n == 1, -1);
      return gio_condition_wait (w, items, timeout_ms);
    }

  watch_poll_set (w, items, n);

  if (timeout_ms >= 0)
    {
      timeout = g_timeout_source_new (timeout_ms);
      g_source_set_callback (timeout, on_poll_timeout, &timed_out, NULL);
      g_source_attach (timeout, w->context);
    }

  event = lab_call_new (w, NULL, LAB_CALL_G_MAIN_CONTEXT_ITERATION);
  if (!lab_call_begin (w, event))
    {
      if (timeout != NULL)
        {
          g_source_destroy (timeout);
          g_source_unref (timeout);
        }
      return -1;
    }
  g_main_context_iteration (w->context, TRUE);

  for (guint i = 0; i < n; i++)
    {
      LabSock *s = items[i].sock;

      items[i].can_in = s->ready_in;
      items[i].can_out = s->ready_out;
      items[i].hangup = FALSE;
      ready += s->ready_in || s->ready_out;
    }
  lab_call_end (w, event, ready > 0, 0, NULL);

  if (timeout != NULL)
    {
      g_source_destroy (timeout);
      g_source_unref (timeout);
    }

  return ready;
}

static void
gio_wake (LabWorker *w)
{
  if (w->context != NULL)
    g_main_context_wakeup (w->context);
}

const LabBackend lab_backend_gio = {
  .kind = LAB_BACKEND_GIO,
  .socket = gio_socket,
  .setsockopt = gio_setsockopt,
  .set_timeout = gio_set_timeout,
  .set_blocking = gio_set_blocking,
  .bind = gio_bind,
  .listen = gio_listen,
  .accept = gio_accept,
  .connect = gio_connect,
  .send = gio_send,
  .recv = gio_recv,
  .sendto = gio_sendto,
  .recvfrom = gio_recvfrom,
  .shutdown = gio_shutdown,
  .close = gio_close,
  .resolve = gio_resolve,
  .getsockname = gio_getsockname,
  .getpeername = gio_getpeername,
  .poll = gio_poll,
  .wake = gio_wake,
};
