/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-kernel-private.h"
#include "lab-run-private.h"

/* The POSIX backend: the BSD calls themselves, each made once and recorded
 * as it was made. Run under strace -f, its system calls are the timeline's
 * (the instrumentation's getsockopt (TCP_INFO), getsockopt (SO_COOKIE) and
 * netlink sock_diag aside). */

static int
errno_or (int fallback)
{
  return errno != 0 ? errno : fallback;
}

static LabSock *
posix_socket (LabWorker *w,
              int        family,
              int        type,
              int        protocol)
{
  LabRecord *event = lab_call_new (w, NULL, LAB_CALL_SOCKET);
  int fd;

  event->args[0] = family;
  event->args[1] = type;
  event->args[2] = protocol;
  if (!lab_call_begin (w, event))
    return NULL;
  fd = socket (family, type, protocol);
  event->fd = fd;
  lab_call_end (w, event, fd, fd < 0 ? errno_or (EIO) : 0, NULL);

  if (fd < 0)
    return NULL;

  return lab_sock_new (fd, NULL, family, type);
}

static gboolean
posix_setsockopt (LabWorker *w,
                  LabSock   *s,
                  int        level,
                  int        name,
                  int        value)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_SETSOCKOPT);
  int r;

  event->args[0] = level;
  event->args[1] = name;
  event->args[2] = value;
  if (!lab_call_begin (w, event))
    return FALSE;

  if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
    {
      struct timeval tv = { .tv_sec = value / 1000, .tv_usec = (value % 1000) * 1000 };

      r = setsockopt (s->fd, level, name, &tv, sizeof tv);
    }
  else
    r = setsockopt (s->fd, level, name, &value, sizeof value);

  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);
  return r == 0;
}

/* A C program's receive timeout is SO_RCVTIMEO. */
static gboolean
posix_set_timeout (LabWorker *w,
                   LabSock   *s,
                   guint      ms)
{
  return posix_setsockopt (w, s, SOL_SOCKET, SO_RCVTIMEO, (int) ms);
}

static gboolean
posix_set_blocking (LabWorker *w,
                    LabSock   *s,
                    gboolean   blocking)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_FCNTL);
  int r;

  event->args[0] = !blocking;
  if (!lab_call_begin (w, event))
    return FALSE;
  r = fcntl (s->fd, F_SETFL, blocking ? 0 : O_NONBLOCK);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);

  if (r == 0)
    s->nonblocking = !blocking;
  return r == 0;
}

static gboolean
posix_bind (LabWorker      *w,
            LabSock        *s,
            GSocketAddress *address,
            gboolean        reuse)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_BIND);
  struct sockaddr_storage ss;
  gssize len = g_socket_address_get_native_size (address);
  int r;

  g_socket_address_to_native (address, &ss, sizeof ss, NULL);
  lab_call_set_address (event, address);
  if (!lab_call_begin (w, event))
    return FALSE;
  r = bind (s->fd, (struct sockaddr *) &ss, (socklen_t) len);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);

  return r == 0;
}

static gboolean
posix_listen (LabWorker *w,
              LabSock   *s,
              int        backlog)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_LISTEN);
  int r;

  event->args[0] = backlog;
  if (!lab_call_begin (w, event))
    return FALSE;
  r = listen (s->fd, backlog);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);

  return r == 0;
}

static LabSock *
posix_accept (LabWorker *w,
              LabSock   *s)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_ACCEPT);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  GSocketAddress *peer = NULL;
  LabSock *conn;
  int fd;

  if (!lab_call_begin (w, event))
    return NULL;
  fd = accept (s->fd, (struct sockaddr *) &ss, &len);
  if (fd >= 0)
    peer = lab_address_from_sockaddr ((struct sockaddr *) &ss, len);
  lab_call_end (w, event, fd, fd < 0 ? errno_or (EIO) : 0, peer != NULL ? g_object_ref (peer) : NULL);

  if (fd < 0)
    return NULL;

  conn = lab_sock_new (fd, NULL, s->family, s->type);
  conn->peer = peer;
  return conn;
}

static gboolean
posix_getsockopt_error (LabWorker *w,
                        LabSock   *s,
                        int       *so_error)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_GETSOCKOPT);
  socklen_t len = sizeof (int);
  int r;

  event->args[0] = SOL_SOCKET;
  event->args[1] = SO_ERROR;
  if (!lab_call_begin (w, event))
    return FALSE;
  r = getsockopt (s->fd, SOL_SOCKET, SO_ERROR, so_error, &len);
  lab_call_end (w, event, r == 0 ? *so_error : r, r < 0 ? errno_or (EIO) : 0, NULL);

  return r == 0;
}

static int posix_poll (LabWorker *w, LabPollItem *items, guint n, int timeout_ms);

static gboolean
posix_connect (LabWorker      *w,
               LabSock        *s,
               GSocketAddress *address,
               guint           timeout_ms)
{
  LabRecord *event;
  struct sockaddr_storage ss;
  gssize len = g_socket_address_get_native_size (address);
  gboolean timed = timeout_ms > 0;
  int r, err;

  g_socket_address_to_native (address, &ss, sizeof ss, NULL);

  /* With a timeout, as C programs (and Python's settimeout) do it: a
   * non-blocking connect, then poll for the socket to become writable. */
  if (timed && !posix_set_blocking (w, s, FALSE))
    return FALSE;

  event = lab_call_new (w, s, LAB_CALL_CONNECT);
  lab_call_set_address (event, address);
  if (!lab_call_begin (w, event))
    return FALSE;
  r = connect (s->fd, (struct sockaddr *) &ss, (socklen_t) len);
  err = r < 0 ? errno_or (EIO) : 0;
  lab_call_end (w, event, r, err, NULL);

  if (timed && err == EINPROGRESS)
    {
      LabPollItem item = { .sock = s, .want_out = TRUE };
      int so_error = 0;
      int ready = posix_poll (w, &item, 1, (int) timeout_ms);

      if (ready == 0)
        err = ETIMEDOUT;
      else if (ready < 0)
        err = w->err;
      else if (!posix_getsockopt_error (w, s, &so_error))
        err = w->err;
      else
        err = so_error;
    }

  if (timed)
    {
      int saved = err;

      posix_set_blocking (w, s, TRUE);
      err = saved;
    }

  w->err = err;
  return err == 0;
}

static gssize
posix_send (LabWorker *w,
            LabSock   *s,
            GBytes    *bytes)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_SEND);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gssize n;

  lab_call_set_bytes (w, event, bytes);
  if (!lab_call_begin (w, event))
    return -1;
  n = send (s->fd, data, len, 0);
  lab_call_end (w, event, n, n < 0 ? errno_or (EIO) : 0, NULL);

  return n;
}

/* What was received, in a buffer no larger than needed. */
static GBytes *
take_buffer (guint8 *buf,
             gsize   size,
             gsize   n)
{
  if (n < size / 2)
    {
      GBytes *bytes = g_bytes_new (buf, n);

      g_free (buf);
      return bytes;
    }

  return g_bytes_new_take (buf, n);
}

static gssize
posix_recv (LabWorker  *w,
            LabSock    *s,
            gsize       size,
            GBytes    **out)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_RECV);
  guint8 *buf = g_malloc (size);
  gssize n;

  event->args[0] = (gint64) size;
  if (!lab_call_begin (w, event))
    {
      g_free (buf);
      return -1;
    }
  n = recv (s->fd, buf, size, 0);
  lab_call_end (w, event, n, n < 0 ? errno_or (EIO) : 0, NULL);

  if (n < 0)
    {
      g_free (buf);
      *out = NULL;
      return n;
    }

  *out = take_buffer (buf, size, (gsize) n);
  return n;
}

static gssize
posix_sendto (LabWorker      *w,
              LabSock        *s,
              GBytes         *bytes,
              GSocketAddress *to)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_SENDTO);
  struct sockaddr_storage ss;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gssize n;

  g_socket_address_to_native (to, &ss, sizeof ss, NULL);
  lab_call_set_bytes (w, event, bytes);
  lab_call_set_address (event, to);
  if (!lab_call_begin (w, event))
    return -1;
  n = sendto (s->fd, data, len, 0, (struct sockaddr *) &ss,
              (socklen_t) g_socket_address_get_native_size (to));
  lab_call_end (w, event, n, n < 0 ? errno_or (EIO) : 0, NULL);

  return n;
}

/* MSG_TRUNC makes recvfrom () return a datagram's real size even when the
 * buffer kept less of it: truncation is seen, not silent. */
/* The sender of a datagram, as an address: the same object as last time
 * when it is the same peer. */
static GSocketAddress *
sender (LabWorker               *w,
        struct sockaddr_storage *ss,
        socklen_t                len)
{
  if (w->from == NULL || len != w->from_len || memcmp (ss, &w->from_native, len) != 0)
    {
      g_clear_object (&w->from);
      w->from = lab_address_from_sockaddr ((struct sockaddr *) ss, len);
      memcpy (&w->from_native, ss, MIN ((gsize) len, sizeof w->from_native));
      w->from_len = len;
    }
  return w->from != NULL ? g_object_ref (w->from) : NULL;
}

static gssize
posix_recvfrom (LabWorker       *w,
                LabSock         *s,
                gsize            size,
                GBytes         **out,
                GSocketAddress **from)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_RECVFROM);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  guint8 *buf = g_malloc (size);
  GSocketAddress *peer = NULL;
  gssize n;

  event->args[0] = (gint64) size;
  if (!lab_call_begin (w, event))
    {
      g_free (buf);
      return -1;
    }
  n = recvfrom (s->fd, buf, size, MSG_TRUNC, (struct sockaddr *) &ss, &len);
  if (n >= 0)
    peer = sender (w, &ss, len);
  lab_call_end (w, event, n, n < 0 ? errno_or (EIO) : 0, peer != NULL ? g_object_ref (peer) : NULL);

  if (n < 0)
    {
      g_free (buf);
      *out = NULL;
      *from = NULL;
      return n;
    }

  *out = take_buffer (buf, size, MIN ((gsize) n, size));
  *from = peer;
  return n;
}

static gboolean
posix_shutdown (LabWorker *w,
                LabSock   *s,
                int        how)
{
  LabRecord *event = lab_call_new (w, s, LAB_CALL_SHUTDOWN);
  int r;

  event->args[0] = how;
  if (!lab_call_begin (w, event))
    return FALSE;
  r = shutdown (s->fd, how);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);

  if (r == 0)
    lab_kernel_sample (s);
  return r == 0;
}

static void
posix_close (LabWorker *w,
             LabSock   *s)
{
  LabRecord *event;
  int r;

  g_mutex_lock (&s->io_lock);
  if (s->closed)
    {
      g_mutex_unlock (&s->io_lock);
      return;
    }

  /* Never refused, not even when the run stops while it is held: a close
   * gives back what the program holds. */
  event = lab_call_new (w, s, LAB_CALL_CLOSE);
  if (!lab_call_begin (w, event))
    g_assert_not_reached ();

  /* The kernel watcher lets go of the number first, and only now: while
   * the call was held it went on watching the connection. */
  lab_kernel_release (s, TRUE);
  r = close (s->fd);
  s->closed = TRUE;
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);
  g_mutex_unlock (&s->io_lock);
}

static GPtrArray *
posix_resolve (LabWorker  *w,
               const char *host,
               guint16     port,
               LabFamily   family,
               int         type)
{
  LabRecord *event = lab_call_new (w, NULL, LAB_CALL_GETADDRINFO);
  struct addrinfo hints = { 0 };
  struct addrinfo *res = NULL;
  g_autofree char *service = g_strdup_printf ("%u", port);
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);
  int r, saved_errno;

  hints.ai_family = family == LAB_FAMILY_IPV4 ? AF_INET : family == LAB_FAMILY_IPV6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = type;

  lab_call_set_text (w, event, host);
  event->args[0] = port;
  event->args[1] = hints.ai_family;
  event->args[2] = type;
  if (!lab_call_begin (w, event))
    {
      g_ptr_array_unref (addresses);
      return NULL;
    }
  r = getaddrinfo (host, service, &hints, &res);
  saved_errno = errno;

  for (struct addrinfo *ai = res; r == 0 && ai != NULL; ai = ai->ai_next)
    {
      GSocketAddress *address = lab_address_from_sockaddr (ai->ai_addr, ai->ai_addrlen);

      if (address != NULL)
        g_ptr_array_add (addresses, address);
    }
  if (res != NULL)
    freeaddrinfo (res);

  /* The list is the call's result: it is recorded with the call. */
  lab_call_set_resolved (w, event, host, addresses);
  lab_call_end (w, event, r == 0 ? addresses->len : r,
                r == 0 ? 0 : r == EAI_SYSTEM ? saved_errno : LAB_ERR_FROM_EAI (r), NULL);

  if (r != 0)
    g_clear_pointer (&addresses, g_ptr_array_unref);
  return addresses;
}

static GSocketAddress *
posix_getname (LabWorker *w,
               LabSock   *s,
               gboolean   peer)
{
  LabRecord *event = lab_call_new (w, s, peer ? LAB_CALL_GETPEERNAME : LAB_CALL_GETSOCKNAME);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  GSocketAddress *address = NULL;
  int r;

  if (!lab_call_begin (w, event))
    return NULL;
  r = peer ? getpeername (s->fd, (struct sockaddr *) &ss, &len)
           : getsockname (s->fd, (struct sockaddr *) &ss, &len);
  if (r == 0)
    address = lab_address_from_sockaddr ((struct sockaddr *) &ss, len);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, address != NULL ? g_object_ref (address) : NULL);

  return address;
}

static GSocketAddress *
posix_getsockname (LabWorker *w,
                   LabSock   *s)
{
  return posix_getname (w, s, FALSE);
}

static GSocketAddress *
posix_getpeername (LabWorker *w,
                   LabSock   *s)
{
  return posix_getname (w, s, TRUE);
}

typedef struct {
  LabPollItem *items;
  guint        n;
} PollSet;

/* The poll set as C writes it, [{fd=5, events=POLLIN}, …]. */
static char *
describe_poll (gpointer data)
{
  PollSet *set = data;
  GString *out = g_string_new ("[");

  for (guint i = 0; i < set->n && i < 6; i++)
    g_string_append_printf (out, "%s{fd=%d, events=%s%s%s}", i > 0 ? ", " : "", set->items[i].sock->fd,
                            set->items[i].want_in ? "POLLIN" : "",
                            set->items[i].want_in && set->items[i].want_out ? "|" : "",
                            set->items[i].want_out ? "POLLOUT" : "");
  if (set->n > 6)
    g_string_append_printf (out, ", … %u in all", set->n);
  g_string_append_c (out, ']');

  return g_string_free (out, FALSE);
}

static int
posix_poll (LabWorker   *w,
            LabPollItem *items,
            guint        n,
            int          timeout_ms)
{
  LabRecord *event = lab_call_new (w, NULL, LAB_CALL_POLL);
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, n);
  int r;

  g_autofree int *key = g_new (int, n);
  PollSet set = { items, n };

  for (guint i = 0; i < n; i++)
    {
      fds[i].fd = items[i].sock->fd;
      fds[i].events = (items[i].want_in ? POLLIN : 0) | (items[i].want_out ? POLLOUT : 0);
      key[i] = items[i].sock->fd << 2 | items[i].want_in << 1 | items[i].want_out;
    }

  /* An event loop polls the same set again and again: its text is kept
   * once while it stays the same. */
  lab_call_set_poll_set (w, event, key, n, describe_poll, &set);
  event->args[0] = n;
  event->args[1] = timeout_ms;
  if (!lab_call_begin (w, event))
    return -1;
  r = poll (fds, n, timeout_ms);
  lab_call_end (w, event, r, r < 0 ? errno_or (EIO) : 0, NULL);

  for (guint i = 0; i < n; i++)
    {
      items[i].can_in = r > 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
      items[i].can_out = r > 0 && (fds[i].revents & (POLLOUT | POLLERR)) != 0;
      items[i].hangup = r > 0 && (fds[i].revents & (POLLHUP | POLLERR)) != 0;
    }

  return r;
}

static void
posix_wake (LabWorker *w)
{
  g_mutex_lock (&w->run->lock);
  lab_worker_interrupt (w);
  g_mutex_unlock (&w->run->lock);
}

const LabBackend lab_backend_posix = {
  .kind = LAB_BACKEND_POSIX,
  .socket = posix_socket,
  .setsockopt = posix_setsockopt,
  .set_timeout = posix_set_timeout,
  .set_blocking = posix_set_blocking,
  .bind = posix_bind,
  .listen = posix_listen,
  .accept = posix_accept,
  .connect = posix_connect,
  .send = posix_send,
  .recv = posix_recv,
  .sendto = posix_sendto,
  .recvfrom = posix_recvfrom,
  .shutdown = posix_shutdown,
  .close = posix_close,
  .resolve = posix_resolve,
  .getsockname = posix_getsockname,
  .getpeername = posix_getpeername,
  .poll = posix_poll,
  .wake = posix_wake,
};
