/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-kernel-private.h"
#include "lab-program-private.h"

/* The programs the lab runs: a TCP server (lab-tcp-server.c, and its event
 * loop in lab-tcp-server-loop.c), a TCP client (lab-tcp-client.c), a UDP
 * server and client (lab-udp.c), and beside each the thread that carries
 * out what is asked of it (lab-commands.c). They are written once against
 * LabBackend and do what the course's programs do, in the same order of
 * calls; every call is recorded by the backend. What they share is here:
 * failing, opening a listening socket, resolving, binding a client's own
 * end, sending, and a client's reading. */

/* A call that returned because the endpoint is stopping, or because this
 * connection was asked to close, is not an error of the program. */
gboolean
lab_program_was_interrupted (LabWorker *w,
                             LabSock   *s)
{
  return (w->err == EINTR || w->err == ECANCELED) &&
         (lab_run_is_stopping (w->run) || (s != NULL && s->close_requested));
}

void
lab_program_fail (LabWorker  *w,
                  const char *op)
{
  g_autofree char *what = NULL;
  const char *name = lab_errno_name (w->err);

  if (lab_run_is_stopping (w->run))
    return;

  /* The call and the errno's name, in no language: the errno's words are
   * added as it is read (lab_errno_dup_failure()), in the language of that
   * moment. */
  what = g_strdup_printf ("%s: %s", op, name != NULL ? name : "?");
  lab_record_note (w->run, w, NULL, LAB_NOTE_FAILED, what);
}

/* Sends and closes asked of the endpoint wait until it has a socket to do
 * them on: listening, or connected. */
void
lab_program_set_ready (LabRun *run)
{
  g_mutex_lock (&run->lock);
  run->ready = TRUE;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

/* The command thread ends with the program: nothing is left to send to. */
void
lab_program_end (LabRun *run)
{
  LabCommand *quit = g_new0 (LabCommand, 1);

  lab_program_set_ready (run);

  quit->kind = LAB_COMMAND_QUIT;
  lab_run_push_command (run, quit);
}

GSocketAddress *
lab_program_make_address (const char *host,
                          guint16     port)
{
  g_autoptr(GInetAddress) address = lab_parse_bind_address (host, NULL);

  return address != NULL ? g_inet_socket_address_new (address, port) : NULL;
}

/* Sends all of @bytes (or, without sendall, what one send takes), with one
 * data event per send that moved bytes. A non-blocking socket that is full
 * is waited on with poll, as a C program would. */
gboolean
lab_program_send (LabWorker *w,
                  LabSock   *s,
                  GBytes    *bytes,
                  gboolean   sendall)
{
  const LabBackend *b = w->run->backend;
  gsize len = g_bytes_get_size (bytes);
  gsize offset = 0;

  while (offset < len || len == 0)
    {
      g_autoptr(GBytes) part = offset == 0 ? g_bytes_ref (bytes)
                                           : g_bytes_new_from_bytes (bytes, offset, len - offset);
      gssize n = b->send (w, s, part);

      if (n < 0)
        {
          if (w->err == EAGAIN && s->nonblocking && !lab_run_is_stopping (w->run))
            {
              LabPollItem item = { .sock = s, .want_out = TRUE };

              if (b->poll (w, &item, 1, -1) < 0 && lab_program_was_interrupted (w, s))
                return FALSE;
              continue;
            }
          if (w->err == EINTR && !lab_program_was_interrupted (w, s))
            continue;
          return FALSE;
        }

      if (n > 0)
        {
          g_autoptr(GBytes) sent = g_bytes_new_from_bytes (part, 0, n);

          lab_record_data (w, s, 0, LAB_DIRECTION_OUT, sent, n, NULL);
        }
      offset += n;

      if (!sendall || len == 0)
        break;
    }

  return TRUE;
}

LabSock *
lab_program_open_listener (LabWorker *w,
                           int        type)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GSocketAddress) address = lab_program_make_address (c->bind_address, (guint16) c->port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *text = NULL;
  int family = g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  LabSock *s;

  s = b->socket (w, family, type, 0);
  if (s == NULL)
    {
      lab_program_fail (w, "socket");
      return NULL;
    }

  /* GIO asks for SO_REUSEADDR in g_socket_bind () itself. */
  if (c->reuseaddr && b->kind == LAB_BACKEND_POSIX &&
      !b->setsockopt (w, s, SOL_SOCKET, SO_REUSEADDR, 1))
    goto failed_option;
  if (c->rcvbuf > 0 && !b->setsockopt (w, s, SOL_SOCKET, SO_RCVBUF, c->rcvbuf))
    goto failed_option;
  if (c->sndbuf > 0 && !b->setsockopt (w, s, SOL_SOCKET, SO_SNDBUF, c->sndbuf))
    goto failed_option;

  if (!b->bind (w, s, address, c->reuseaddr))
    {
      lab_program_fail (w, "bind");
      b->close (w, s);
      lab_sock_unref (s);
      return NULL;
    }

  if (type == SOCK_STREAM && !b->listen (w, s, c->backlog))
    {
      lab_program_fail (w, "listen");
      b->close (w, s);
      lab_sock_unref (s);
      return NULL;
    }

  /* Port 0 means the kernel picks one: ask which. */
  bound = b->getsockname (w, s);
  s->local = bound != NULL ? g_object_ref (bound) : NULL;
  /* The port every connection it accepts has too. */
  if (G_IS_INET_SOCKET_ADDRESS (bound))
    run->listen_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  text = lab_address_format (bound != NULL ? bound : address);
  lab_record_note (run, w, s, LAB_NOTE_LISTENING, text);

  if (type == SOCK_STREAM)
    lab_kernel_watch (run, s);

  return s;

failed_option:
  lab_program_fail (w, "setsockopt");
  b->close (w, s);
  lab_sock_unref (s);
  return NULL;
}

gboolean
lab_program_enough_served (LabRun *run)
{
  gboolean enough;

  g_mutex_lock (&run->lock);
  enough = run->config->max_connections > 0 && run->served >= run->config->max_connections;
  g_mutex_unlock (&run->lock);

  return enough;
}

void
lab_program_note_enough_served (LabWorker *w)
{
  g_autofree char *n = g_strdup_printf ("%u", w->run->config->max_connections);

  lab_record_note (w->run, w, NULL, LAB_NOTE_MAX_CONNECTIONS, n);
}

GPtrArray *
lab_program_resolve (LabWorker *w,
                     int        type)
{
  LabEndpointConfig *c = w->run->config;
  GPtrArray *addresses = w->run->backend->resolve (w, c->host, (guint16) c->port, c->family, type);

  if (addresses == NULL)
    lab_program_fail (w, "getaddrinfo");

  return addresses;
}

gboolean
lab_program_bind_local (LabWorker *w,
                        LabSock   *s)
{
  LabEndpointConfig *c = w->run->config;
  g_autoptr(GSocketAddress) local = NULL;
  const char *host = c->local_address;

  if ((host == NULL || host[0] == '\0') && c->local_port == 0)
    return TRUE;

  /* Only a port asked for: any address of the socket's family. */
  if (host == NULL || host[0] == '\0')
    host = s->family == AF_INET6 ? "::" : "0.0.0.0";

  local = lab_program_make_address (host, (guint16) c->local_port);
  if (local == NULL || !w->run->backend->bind (w, s, local, FALSE))
    {
      lab_program_fail (w, "bind");
      return FALSE;
    }

  return TRUE;
}

gboolean
lab_program_set_buffers (LabWorker *w,
                         LabSock   *s)
{
  LabEndpointConfig *c = w->run->config;
  const LabBackend *b = w->run->backend;

  if (c->rcvbuf > 0 && !b->setsockopt (w, s, SOL_SOCKET, SO_RCVBUF, c->rcvbuf))
    return FALSE;
  if (c->sndbuf > 0 && !b->setsockopt (w, s, SOL_SOCKET, SO_SNDBUF, c->sndbuf))
    return FALSE;
  if (c->nodelay && s->type == SOCK_STREAM && !b->setsockopt (w, s, IPPROTO_TCP, TCP_NODELAY, 1))
    return FALSE;

  return TRUE;
}

/**
 * lab_program_client_socket:
 * @peer: the server it will reach
 *
 * Returns: (transfer full) (nullable): a client's socket for @peer, known
 *   by its connection number so that commands reach it; %NULL (recorded
 *   as the program's failure) when socket () failed
 */
LabSock *
lab_program_client_socket (LabWorker      *w,
                           GSocketAddress *peer,
                           int             type)
{
  int family = g_socket_address_get_family (peer) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  LabSock *s = w->run->backend->socket (w, family, type, 0);

  if (s == NULL)
    {
      lab_program_fail (w, "socket");
      return NULL;
    }

  s->conn = lab_run_new_conn (w->run);
  s->reader = w;
  s->peer = g_object_ref (peer);
  lab_run_register_sock (w->run, s);
  return s;
}

/* A client reads until the peer closes (TCP), enough has arrived, nothing
 * arrived in time, an error, or a stop. */
void
lab_program_client_read (LabWorker *w,
                         LabSock   *s,
                         gboolean   datagrams)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  guint64 received = 0;

  while (!s->close_requested)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      gssize n;

      if (c->expect_bytes > 0 && received >= c->expect_bytes)
        break;

      n = datagrams ? b->recvfrom (w, s, c->buffer_size, &bytes, &from)
                    : b->recv (w, s, c->buffer_size, &bytes);
      if (n < 0)
        {
          if (lab_program_was_interrupted (w, s))
            break;
          if (w->err == EINTR)
            continue;
          /* The receive timeout: POSIX's recv () fails with EAGAIN, GIO
           * says it itself once its poll () returned 0. */
          if (w->err == EAGAIN || w->err == LAB_ERR_GIO_TIMED_OUT)
            {
              g_autofree char *seconds = g_strdup_printf ("%g", c->recv_timeout / 1000.0);

              lab_record_note (run, w, s, LAB_NOTE_TIMEOUT, seconds);
              break;
            }
          /* For UDP, ECONNREFUSED: the kernel heard nothing listens there. */
          lab_program_fail (w, datagrams ? "recvfrom" : "recv");
          break;
        }

      /* An empty datagram is a datagram; an empty recv is the end. */
      if (n == 0 && !datagrams)
        {
          lab_record_note (run, w, s, LAB_NOTE_PEER_CLOSED, NULL);
          lab_kernel_sample (s);
          break;
        }

      lab_record_data (w, s, 0, LAB_DIRECTION_IN, bytes, n, from);
      received += n;
    }
}

/**
 * lab_program_start:
 *
 * Starts the endpoint's program on a thread of its own (thread 1) and the
 * thread that carries out what is asked of it (thread 2).
 */
void
lab_program_start (LabRun *run)
{
  static void (*const programs[]) (LabWorker *, gpointer) = {
    [LAB_ENDPOINT_TCP_SERVER] = lab_tcp_server_main,
    [LAB_ENDPOINT_TCP_CLIENT] = lab_tcp_client_main,
    [LAB_ENDPOINT_UDP_SERVER] = lab_udp_server_main,
    [LAB_ENDPOINT_UDP_CLIENT] = lab_udp_client_main,
    [LAB_ENDPOINT_PING] = lab_ping_main,
    [LAB_ENDPOINT_PROGRAM] = lab_traced_main,
  };

  lab_record_note (run, NULL, NULL, LAB_NOTE_STARTED, NULL);
  lab_run_spawn (run, programs[run->config->kind], NULL, NULL);
  /* A traced program is told nothing: it reads its own terminal. */
  if (!lab_endpoint_kind_is_program (run->config->kind))
    lab_run_spawn (run, lab_commands_main, NULL, NULL);
}
