/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-framing.h"
#include "lab-kernel-private.h"
#include "lab-run-private.h"

/* The programs the lab runs: a TCP server (iterative, a thread per client,
 * or an event loop), a TCP client, a UDP server and a UDP client, written
 * once against LabBackend. They do what the course's programs do, in the
 * same order of calls, and every call is recorded by the backend. */

#define MAX_ACCEPTS_PER_WAKE 64

/* A call that returned because the endpoint is stopping, or because this
 * connection was asked to close, is not an error of the program. */
static gboolean
was_interrupted (LabWorker *w,
                 LabSock   *s)
{
  return (w->err == EINTR || w->err == ECANCELED) &&
         (lab_run_is_stopping (w->run) || (s != NULL && s->close_requested));
}

static void
fail (LabWorker  *w,
      const char *op)
{
  g_autofree char *what = NULL;
  const char *name = lab_errno_name (w->err);

  if (lab_run_is_stopping (w->run))
    return;

  what = g_strdup_printf ("%s: %s (%s)", op, name != NULL ? name : "?", lab_errno_message (w->err));
  lab_record_note (w->run, w, NULL, LAB_NOTE_FAILED, what);
}

/* Sends and closes asked of the endpoint wait until it has a socket to do
 * them on: listening, or connected. */
static void
set_ready (LabRun *run)
{
  g_mutex_lock (&run->lock);
  run->ready = TRUE;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

/* The command thread ends with the program: nothing is left to send to. */
static void
end_program (LabRun *run)
{
  LabCommand *quit = g_new0 (LabCommand, 1);

  set_ready (run);

  quit->kind = LAB_COMMAND_QUIT;
  lab_run_push_command (run, quit);
}

static GSocketAddress *
make_address (const char *host,
              guint16     port)
{
  g_autoptr(GInetAddress) address = lab_parse_bind_address (host, NULL);

  return address != NULL ? g_inet_socket_address_new (address, port) : NULL;
}

/* Sends all of @bytes (or, without sendall, what one send takes), with one
 * data event per send that moved bytes. A non-blocking socket that is full
 * is waited on with poll, as a C program would. */
static gboolean
send_bytes (LabWorker *w,
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

              if (b->poll (w, &item, 1, -1) < 0 && was_interrupted (w, s))
                return FALSE;
              continue;
            }
          if (w->err == EINTR && !was_interrupted (w, s))
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

static GBytes *
time_message (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%d %H:%M:%S\n");

  return g_bytes_new (text, strlen (text));
}

static gboolean
is_quit_message (LabRun *run,
                 GBytes *message)
{
  const char *quit = run->config->quit_message;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autofree char *text = NULL;

  if (quit == NULL || quit[0] == '\0')
    return FALSE;

  /* As the course's server does: message.strip () == "bye". */
  text = g_strstrip (g_strndup (data, len));
  return g_str_equal (text, quit);
}

static GBytes *
uppercase (GBytes *message)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);
  guint8 *upper = g_malloc (len);

  /* bytes.upper () changes ASCII letters only. */
  for (gsize i = 0; i < len; i++)
    upper[i] = (guint8) g_ascii_toupper ((char) data[i]);

  return g_bytes_new_take (upper, len);
}

/* What a server does with bytes it received, by its behaviour: the reply
 * to send (or %NULL), and whether the client asked to end. */
static GBytes *
behave (LabWorker  *w,
        LabSock    *s,
        LabDecoder *decoder,
        GBytes     *data,
        gboolean   *quit)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  g_autoptr(GByteArray) reply = NULL;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  *quit = FALSE;

  /* Raw echo sends back the very chunk, untouched. */
  if (c->behaviour == LAB_BEHAVIOUR_ECHO && c->framing == LAB_FRAMING_RAW)
    {
      if (is_quit_message (run, data))
        {
          *quit = TRUE;
          return NULL;
        }
      return g_bytes_ref (data);
    }

  lab_decoder_push (decoder, bytes, len);
  reply = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = lab_decoder_next (decoder, NULL, &error);
      g_autoptr(GBytes) answer = NULL;

      if (error != NULL)
        {
          lab_record_note (run, w, s, LAB_NOTE_FRAMING_ERROR, error->message);
          break;
        }
      if (message == NULL)
        break;

      if (is_quit_message (run, message))
        {
          *quit = TRUE;
          break;
        }

      switch (c->behaviour)
        {
        case LAB_BEHAVIOUR_ECHO:
          answer = lab_framing_encode (c->framing, c->fixed_size, message, NULL);
          break;
        case LAB_BEHAVIOUR_UPPER:
          {
            g_autoptr(GBytes) upper = uppercase (message);

            answer = lab_framing_encode (c->framing == LAB_FRAMING_RAW ? LAB_FRAMING_LINES : c->framing,
                                         c->fixed_size, upper, NULL);
          }
          break;
        case LAB_BEHAVIOUR_TIME:
        case LAB_BEHAVIOUR_DISCARD:
        case LAB_BEHAVIOUR_MANUAL:
        default:
          break;
        }

      if (answer != NULL)
        g_byte_array_append (reply, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
    }

  if (reply->len == 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&reply));
}

static LabDecoder *
decoder_for (LabEndpointConfig *c)
{
  /* Uppercasing goes line by line, as the course's server does. */
  LabFraming framing = c->behaviour == LAB_BEHAVIOUR_UPPER && c->framing == LAB_FRAMING_RAW
                       ? LAB_FRAMING_LINES : c->framing;

  return lab_decoder_new (framing, c->fixed_size, 0);
}

/* ---- TCP server ------------------------------------------------------- */

static void
adopt_connection (LabWorker *w,
                  LabSock   *conn)
{
  LabRun *run = w->run;

  conn->conn = lab_run_new_conn (run);
  conn->reader = w;
  lab_run_register_sock (run, conn);
  lab_kernel_watch (run, conn);

  if (run->config->nodelay)
    run->backend->setsockopt (w, conn, IPPROTO_TCP, TCP_NODELAY, 1);
}

static void
drop_connection (LabWorker *w,
                 LabSock   *conn)
{
  lab_run_unregister_sock (w->run, conn);
  w->run->backend->close (w, conn);
}

/* One client, served to its end on this thread: recv until the client
 * closes, answering by the behaviour. */
static void
serve_connection (LabWorker *w,
                  LabSock   *conn)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(LabDecoder) decoder = decoder_for (c);

  adopt_connection (w, conn);

  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    {
      g_autoptr(GBytes) now = time_message ();

      /* A server that speaks first: the time, then it closes. */
      send_bytes (w, conn, now, TRUE);
      drop_connection (w, conn);
      return;
    }

  while (!conn->close_requested)
    {
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GBytes) reply = NULL;
      gboolean quit = FALSE;
      gssize n = b->recv (w, conn, c->buffer_size, &data);

      if (n < 0)
        {
          if (was_interrupted (w, conn))
            break;
          if (w->err == EINTR || w->err == EAGAIN)
            continue;
          break;
        }

      if (n == 0)
        {
          lab_record_note (run, w, conn, LAB_NOTE_PEER_CLOSED, NULL);
          lab_kernel_sample (conn);
          break;
        }

      lab_record_data (w, conn, 0, LAB_DIRECTION_IN, data, n, NULL);
      reply = behave (w, conn, decoder, data, &quit);
      if (reply != NULL && !send_bytes (w, conn, reply, TRUE))
        break;
      if (quit)
        break;
    }

  drop_connection (w, conn);
}

static LabSock *
open_listener (LabWorker *w,
               int        type)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GSocketAddress) address = make_address (c->bind_address, (guint16) c->port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *text = NULL;
  int family = g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  LabSock *s;

  s = b->socket (w, family, type);
  if (s == NULL)
    {
      fail (w, "socket");
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
      fail (w, "bind");
      b->close (w, s);
      lab_sock_unref (s);
      return NULL;
    }

  if (type == SOCK_STREAM && !b->listen (w, s, c->backlog))
    {
      fail (w, "listen");
      b->close (w, s);
      lab_sock_unref (s);
      return NULL;
    }

  /* Port 0 means the kernel picks one: ask which. */
  bound = b->getsockname (w, s);
  s->local = bound != NULL ? g_object_ref (bound) : NULL;
  text = lab_address_format (bound != NULL ? bound : address);
  lab_record_note (run, w, s, LAB_NOTE_LISTENING, text);

  if (type == SOCK_STREAM)
    lab_kernel_watch (run, s);

  return s;

failed_option:
  fail (w, "setsockopt");
  b->close (w, s);
  lab_sock_unref (s);
  return NULL;
}

static gboolean
enough_served (LabRun *run)
{
  gboolean enough;

  g_mutex_lock (&run->lock);
  enough = run->config->max_connections > 0 && run->served >= run->config->max_connections;
  g_mutex_unlock (&run->lock);

  return enough;
}

static void
note_enough_served (LabWorker *w)
{
  g_autofree char *n = g_strdup_printf ("%u", w->run->config->max_connections);

  lab_record_note (w->run, w, NULL, LAB_NOTE_MAX_CONNECTIONS, n);
}

/* Accepts one client; NULL when the loop is to end. */
static LabSock *
accept_one (LabWorker *w,
            LabSock   *listener,
            gboolean  *again)
{
  LabSock *conn = w->run->backend->accept (w, listener);

  *again = FALSE;
  if (conn != NULL)
    {
      g_mutex_lock (&w->run->lock);
      w->run->served++;
      g_mutex_unlock (&w->run->lock);
      return conn;
    }

  if (lab_run_is_stopping (w->run))
    return NULL;

  /* Interrupted, or a client that gave up before it was accepted. */
  if (w->err == EINTR || w->err == ECONNABORTED || w->err == EAGAIN)
    {
      *again = TRUE;
      return NULL;
    }

  fail (w, "accept");
  return NULL;
}

static void
serve_iteratively (LabWorker *w,
                   LabSock   *listener)
{
  while (!lab_run_is_stopping (w->run))
    {
      gboolean again;
      LabSock *conn;

      if (enough_served (w->run))
        {
          note_enough_served (w);
          break;
        }

      conn = accept_one (w, listener, &again);
      if (conn == NULL)
        {
          if (again)
            continue;
          break;
        }

      /* One client at a time: the others wait in the backlog meanwhile. */
      serve_connection (w, conn);
      lab_sock_unref (conn);
    }
}

static void
client_thread (LabWorker *w,
               gpointer   data)
{
  LabSock *conn = data;
  LabRun *run = w->run;

  serve_connection (w, conn);

  g_mutex_lock (&run->lock);
  run->active_clients--;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

/* Waits (interruptibly) until fewer than @limit clients are served. */
static void
wait_for_clients (LabWorker *w,
                  guint      limit)
{
  LabRun *run = w->run;
  gboolean noted = FALSE;

  g_mutex_lock (&run->lock);
  while (run->active_clients > limit && !lab_run_is_stopping (run))
    {
      if (limit > 0 && !noted)
        {
          g_autofree char *n = g_strdup_printf ("%u", run->active_clients);

          g_mutex_unlock (&run->lock);
          lab_record_note (run, w, NULL, LAB_NOTE_WAITING_FOR_SLOT, n);
          g_mutex_lock (&run->lock);
          noted = TRUE;
          continue;
        }
      g_cond_wait_until (&run->cond, &run->lock, g_get_monotonic_time () + 50 * 1000);
    }
  g_mutex_unlock (&run->lock);
}

static void
serve_with_threads (LabWorker *w,
                    LabSock   *listener)
{
  LabRun *run = w->run;
  guint max_clients = run->config->max_clients;

  while (!lab_run_is_stopping (run))
    {
      gboolean again;
      LabSock *conn;

      if (enough_served (run))
        {
          note_enough_served (w);
          break;
        }

      if (max_clients > 0)
        wait_for_clients (w, max_clients - 1);

      conn = accept_one (w, listener, &again);
      if (conn == NULL)
        {
          if (again)
            continue;
          break;
        }

      g_mutex_lock (&run->lock);
      run->active_clients++;
      g_mutex_unlock (&run->lock);

      /* A thread per client, as the course's threading example does. */
      lab_run_spawn (run, client_thread, conn, (GDestroyNotify) lab_sock_unref);
    }
}

/* A client of the event loop. What waits to be sent is kept as the very
 * buffers received (an echo copies nothing), the first one partly sent. */
typedef struct {
  LabSock    *sock;
  LabDecoder *decoder;
  GQueue      out;
  gsize       out_len;
  gboolean    closing;
} LoopConn;

static void
loop_conn_free (gpointer data)
{
  LoopConn *lc = data;

  lab_decoder_free (lc->decoder);
  g_queue_clear_full (&lc->out, (GDestroyNotify) g_bytes_unref);
  lab_sock_unref (lc->sock);
  g_free (lc);
}

/* Sends what is queued for a connection without blocking; FALSE if the
 * connection failed. */
static gboolean
loop_flush (LabWorker *w,
            LoopConn  *lc)
{
  while (lc->out_len > 0)
    {
      GBytes *head = g_queue_peek_head (&lc->out);
      gssize n = w->run->backend->send (w, lc->sock, head);

      if (n < 0)
        return w->err == EAGAIN || w->err == EINTR;

      if (n == 0)
        continue;

      if ((gsize) n == g_bytes_get_size (head))
        {
          lab_record_data (w, lc->sock, 0, LAB_DIRECTION_OUT, head, n, NULL);
          g_bytes_unref (g_queue_pop_head (&lc->out));
        }
      else
        {
          g_autoptr(GBytes) sent = g_bytes_new_from_bytes (head, 0, n);

          lab_record_data (w, lc->sock, 0, LAB_DIRECTION_OUT, sent, n, NULL);
          g_queue_push_head (&lc->out, g_bytes_new_from_bytes (head, n, g_bytes_get_size (head) - n));
          g_queue_remove (&lc->out, head);
          g_bytes_unref (head);
        }
      lc->out_len -= n;
    }

  return TRUE;
}

static void
loop_queue (LoopConn *lc,
            GBytes   *bytes)
{
  if (g_bytes_get_size (bytes) == 0)
    return;

  g_queue_push_tail (&lc->out, g_bytes_ref (bytes));
  lc->out_len += g_bytes_get_size (bytes);
}

/* One thread, one poll () for the listening socket and every client: the
 * way to serve thousands. Sockets are non-blocking; a client whose replies
 * wait to be sent is not read from until they are (backpressure). */
static void
serve_with_loop (LabWorker *w,
                 LabSock   *listener)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (loop_conn_free);
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (LabPollItem));
  gboolean accepting = TRUE;

  /* The reaper wakes the context when stopping: it is set and cleared
   * under the run's lock. */
  g_mutex_lock (&run->lock);
  if (b->kind == LAB_BACKEND_GIO)
    w->context = g_main_context_new ();
  run->loop_worker = w;
  g_mutex_unlock (&run->lock);

  if (!b->set_blocking (w, listener, FALSE))
    {
      fail (w, "fcntl");
      goto out;
    }

  while (!lab_run_is_stopping (run))
    {
      guint first_conn;
      int ready;

      if (accepting && enough_served (run))
        {
          note_enough_served (w);
          accepting = FALSE;
        }
      if (!accepting && conns->len == 0)
        break;

      g_array_set_size (items, 0);
      if (accepting && (c->max_clients == 0 || conns->len < c->max_clients))
        {
          LabPollItem item = { .sock = listener, .want_in = TRUE };

          g_array_append_val (items, item);
        }
      first_conn = items->len;
      for (guint i = 0; i < conns->len; i++)
        {
          LoopConn *lc = conns->pdata[i];
          LabPollItem item = { .sock = lc->sock, .want_in = lc->out_len == 0, .want_out = lc->out_len > 0 };

          g_array_append_val (items, item);
        }

      ready = b->poll (w, (LabPollItem *) items->data, items->len, -1);
      if (ready < 0 && w->err != EINTR)
        {
          fail (w, "poll");
          break;
        }

      /* Connections first, by index from the end, so removal is safe. */
      for (guint i = conns->len; i-- > 0;)
        {
          LoopConn *lc = conns->pdata[i];
          LabPollItem *item = &g_array_index (items, LabPollItem, first_conn + i);
          gboolean drop = lc->sock->close_requested;

          if (!drop && ready > 0 && item->can_out)
            drop = !loop_flush (w, lc) || (lc->closing && lc->out_len == 0);

          if (!drop && ready > 0 && item->can_in && item->want_in)
            {
              g_autoptr(GBytes) data = NULL;
              gssize n = b->recv (w, lc->sock, c->buffer_size, &data);

              if (n == 0)
                {
                  lab_record_note (run, w, lc->sock, LAB_NOTE_PEER_CLOSED, NULL);
                  lab_kernel_sample (lc->sock);
                  drop = TRUE;
                }
              else if (n < 0)
                drop = w->err != EAGAIN && w->err != EINTR;
              else
                {
                  g_autoptr(GBytes) reply = NULL;
                  gboolean quit = FALSE;

                  lab_record_data (w, lc->sock, 0, LAB_DIRECTION_IN, data, n, NULL);
                  reply = behave (w, lc->sock, lc->decoder, data, &quit);
                  if (reply != NULL)
                    {
                      loop_queue (lc, reply);
                      drop = !loop_flush (w, lc);
                    }
                  if (quit)
                    lc->closing = TRUE;
                  drop |= lc->closing && lc->out_len == 0;
                }
            }

          if (drop)
            {
              drop_connection (w, lc->sock);
              g_ptr_array_remove_index (conns, i);
            }
        }

      if (ready > 0 && first_conn == 1 && g_array_index (items, LabPollItem, 0).can_in)
        {
          for (guint k = 0; k < MAX_ACCEPTS_PER_WAKE; k++)
            {
              gboolean again;
              LabSock *sock;
              LoopConn *lc;

              if (c->max_clients > 0 && conns->len >= c->max_clients)
                break;
              if (enough_served (run))
                break;

              sock = accept_one (w, listener, &again);
              if (sock == NULL)
                break;

              adopt_connection (w, sock);
              sock->reader = w;
              b->set_blocking (w, sock, FALSE);

              lc = g_new0 (LoopConn, 1);
              lc->sock = sock;
              lc->decoder = decoder_for (c);
              g_queue_init (&lc->out);
              g_ptr_array_add (conns, lc);

              if (c->behaviour == LAB_BEHAVIOUR_TIME)
                {
                  g_autoptr(GBytes) now = time_message ();

                  loop_queue (lc, now);
                  lc->closing = TRUE;
                  if (!loop_flush (w, lc) || lc->out_len == 0)
                    {
                      drop_connection (w, sock);
                      g_ptr_array_remove (conns, lc);
                    }
                }
            }
        }
    }

  for (guint i = 0; i < conns->len; i++)
    drop_connection (w, ((LoopConn *) conns->pdata[i])->sock);

out:
  /* Sockets first: their sources hold the context. */
  g_ptr_array_set_size (conns, 0);
  g_mutex_lock (&run->lock);
  run->loop_worker = NULL;
  g_clear_pointer (&w->context, g_main_context_unref);
  g_mutex_unlock (&run->lock);
}

static void
tcp_server_main (LabWorker *w,
                 gpointer   data)
{
  LabRun *run = w->run;
  LabSock *listener = open_listener (w, SOCK_STREAM);

  if (listener != NULL)
    {
      set_ready (run);
      switch (run->config->concurrency)
        {
        case LAB_CONCURRENCY_ITERATIVE:
          serve_iteratively (w, listener);
          break;
        case LAB_CONCURRENCY_THREADS:
          serve_with_threads (w, listener);
          break;
        case LAB_CONCURRENCY_LOOP:
        default:
          serve_with_loop (w, listener);
          break;
        }

      run->backend->close (w, listener);
      lab_sock_unref (listener);

      /* Clients still being served end on their own, or when stopped. */
      wait_for_clients (w, 0);
    }

  end_program (run);
}

/* ---- TCP client -------------------------------------------------------- */

static GPtrArray *
resolve (LabWorker *w,
         int        type)
{
  LabEndpointConfig *c = w->run->config;
  GPtrArray *addresses = w->run->backend->resolve (w, c->host, (guint16) c->port, c->family, type);

  if (addresses == NULL)
    fail (w, "getaddrinfo");

  return addresses;
}

static gboolean
bind_local (LabWorker *w,
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

  local = make_address (host, (guint16) c->local_port);
  if (local == NULL || !w->run->backend->bind (w, s, local, FALSE))
    {
      fail (w, "bind");
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_buffers (LabWorker *w,
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

/* Tries each address in turn, as socket.create_connection () does. */
static LabSock *
connect_any (LabWorker *w,
             GPtrArray *addresses)
{
  LabRun *run = w->run;
  const LabBackend *b = run->backend;

  for (guint i = 0; i < addresses->len && !lab_run_is_stopping (run); i++)
    {
      GSocketAddress *address = addresses->pdata[i];
      int family = g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
      LabSock *s = b->socket (w, family, SOCK_STREAM);
      int err;

      if (s == NULL)
        {
          fail (w, "socket");
          return NULL;
        }

      s->conn = lab_run_new_conn (run);
      s->reader = w;
      s->peer = g_object_ref (address);
      lab_run_register_sock (run, s);
      lab_kernel_watch (run, s);

      if (bind_local (w, s) && set_buffers (w, s) &&
          b->connect (w, s, address, run->config->connect_timeout))
        return s;

      err = w->err;
      lab_kernel_sample (s);
      lab_run_unregister_sock (run, s);
      b->close (w, s);
      lab_sock_unref (s);
      w->err = err;
    }

  fail (w, "connect");
  return NULL;
}

/* A client reads until the peer closes (TCP), enough has arrived, nothing
 * arrived in time, an error, or a stop. */
static void
client_read (LabWorker *w,
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
          if (was_interrupted (w, s))
            break;
          if (w->err == EINTR)
            continue;
          if (w->err == EAGAIN || w->err == ETIMEDOUT)
            {
              g_autofree char *seconds = g_strdup_printf ("%g", c->recv_timeout / 1000.0);

              lab_record_note (run, w, s, LAB_NOTE_TIMEOUT, seconds);
              break;
            }
          /* For UDP, ECONNREFUSED: the kernel heard nothing listens there. */
          fail (w, datagrams ? "recvfrom" : "recv");
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

static void
tcp_client_main (LabWorker *w,
                 gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) addresses = resolve (w, SOCK_STREAM);
  g_autofree char *peer_text = NULL;
  LabSock *s;

  if (addresses == NULL || (s = connect_any (w, addresses)) == NULL)
    {
      end_program (run);
      return;
    }

  /* The port the kernel gave this end, unless one was bound. */
  s->local = b->getsockname (w, s);
  lab_kernel_sample (s);
  peer_text = lab_address_format (s->peer);
  lab_record_note (run, w, s, LAB_NOTE_CONNECTED, peer_text);
  set_ready (run);

  if (c->recv_timeout > 0)
    b->set_timeout (w, s, c->recv_timeout);

  if (c->initial_data != NULL)
    {
      gsize len = g_bytes_get_size (c->initial_data);
      gsize chunk = c->send_chunk > 0 ? c->send_chunk : len;
      gsize offset = 0;

      /* At least one send, even of nothing. */
      do
        {
          g_autoptr(GBytes) piece = g_bytes_new_from_bytes (c->initial_data, offset, MIN (chunk, len - offset));

          if (!send_bytes (w, s, piece, c->sendall))
            goto done;
          offset += chunk;
        }
      while (offset < len);
      if (c->shutdown_after_send)
        b->shutdown (w, s, SHUT_WR);
    }

  client_read (w, s, FALSE);

done:
  lab_run_unregister_sock (run, s);
  b->close (w, s);
  lab_sock_unref (s);
  end_program (run);
}

/* ---- UDP --------------------------------------------------------------- */

/**
 * lab_run_udp_peer:
 *
 * Returns: the number of the “connection” of a UDP peer: each address that
 *   sent a datagram gets one, so that a reply can be addressed to it
 */
guint64
lab_run_udp_peer (LabRun         *run,
                  GSocketAddress *address,
                  gboolean       *is_new)
{
  g_autofree char *key = lab_address_format (address);
  guint64 *conn;
  guint64 result;

  g_mutex_lock (&run->lock);
  conn = g_hash_table_lookup (run->udp_conns, key);
  *is_new = conn == NULL;
  if (conn == NULL)
    {
      guint64 *id = g_new (guint64, 1);

      conn = g_new (guint64, 1);
      *conn = lab_run_new_conn (run);
      *id = *conn;
      g_hash_table_insert (run->udp_conns, g_steal_pointer (&key), conn);
      g_hash_table_insert (run->udp_peers, id, g_object_ref (address));
    }
  result = *conn;
  g_mutex_unlock (&run->lock);

  return result;
}

static void
udp_server_main (LabWorker *w,
                 gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  LabSock *s = open_listener (w, SOCK_DGRAM);
  guint64 datagrams = 0;

  if (s == NULL)
    {
      end_program (run);
      return;
    }

  s->reader = w;
  g_mutex_lock (&run->lock);
  run->udp_sock = lab_sock_ref (s);
  g_mutex_unlock (&run->lock);
  set_ready (run);

  while (!lab_run_is_stopping (run))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GBytes) reply = NULL;
      gboolean is_new;
      guint64 conn;
      gssize n;

      if (c->max_connections > 0 && datagrams >= c->max_connections)
        {
          note_enough_served (w);
          break;
        }

      n = b->recvfrom (w, s, c->buffer_size, &bytes, &from);
      if (n < 0)
        {
          if (was_interrupted (w, s))
            break;
          /* A UDP server goes on after an error about one datagram. */
          continue;
        }

      datagrams++;
      conn = lab_run_udp_peer (run, from, &is_new);
      lab_record_data (w, s, conn, LAB_DIRECTION_IN, bytes, n, from);

      switch (c->behaviour)
        {
        case LAB_BEHAVIOUR_ECHO:
          reply = g_bytes_ref (bytes);
          break;
        case LAB_BEHAVIOUR_UPPER:
          reply = uppercase (bytes);
          break;
        case LAB_BEHAVIOUR_TIME:
          reply = time_message ();
          break;
        case LAB_BEHAVIOUR_DISCARD:
        case LAB_BEHAVIOUR_MANUAL:
        default:
          break;
        }

      if (reply != NULL && b->sendto (w, s, reply, from) >= 0)
        {
          lab_record_data (w, s, conn, LAB_DIRECTION_OUT, reply, g_bytes_get_size (reply), from);
        }
    }

  g_mutex_lock (&run->lock);
  g_clear_pointer (&run->udp_sock, lab_sock_unref);
  g_mutex_unlock (&run->lock);
  b->close (w, s);
  lab_sock_unref (s);
  end_program (run);
}

static void
udp_client_main (LabWorker *w,
                 gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) addresses = resolve (w, SOCK_DGRAM);
  GSocketAddress *server;
  LabSock *s;
  int family;

  if (addresses == NULL || addresses->len == 0)
    {
      end_program (run);
      return;
    }

  server = addresses->pdata[0];
  family = g_socket_address_get_family (server) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  s = b->socket (w, family, SOCK_DGRAM);
  if (s == NULL)
    {
      fail (w, "socket");
      end_program (run);
      return;
    }

  s->conn = lab_run_new_conn (run);
  s->reader = w;
  s->peer = g_object_ref (server);
  lab_run_register_sock (run, s);
  g_mutex_lock (&run->lock);
  run->udp_sock = lab_sock_ref (s);
  g_mutex_unlock (&run->lock);

  if (!bind_local (w, s) || !set_buffers (w, s))
    goto done;
  if (c->recv_timeout > 0)
    b->set_timeout (w, s, c->recv_timeout);

  /* connect () on UDP only fixes the peer: no packet is sent. */
  if (c->udp_connect)
    {
      g_autofree char *text = lab_address_format (server);

      if (!b->connect (w, s, server, 0))
        {
          fail (w, "connect");
          goto done;
        }
      lab_record_note (run, w, s, LAB_NOTE_CONNECTED, text);
    }
  set_ready (run);

  if (c->initial_data != NULL)
    {
      gssize n = c->udp_connect ? b->send (w, s, c->initial_data) : b->sendto (w, s, c->initial_data, server);

      if (n < 0)
        {
          fail (w, c->udp_connect ? "send" : "sendto");
          goto done;
        }
      lab_record_data (w, s, 0, LAB_DIRECTION_OUT, c->initial_data, n, server);
    }

  client_read (w, s, TRUE);

done:
  g_mutex_lock (&run->lock);
  g_clear_pointer (&run->udp_sock, lab_sock_unref);
  g_mutex_unlock (&run->lock);
  lab_run_unregister_sock (run, s);
  b->close (w, s);
  lab_sock_unref (s);
  end_program (run);
}

/* ---- Commands ----------------------------------------------------------- */

/* Sends asked from the window or the terminal run on a thread of their own,
 * so that the main loop never makes a socket call, and a send that blocks
 * blocks only this thread. */

/* The connection a command names, or every one for 0. */
static GPtrArray *
command_socks (LabRun  *run,
               guint64  conn)
{
  GPtrArray *socks;
  LabSock *s;

  if (conn == 0)
    return lab_run_list_socks (run);

  socks = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_sock_unref);
  s = lab_run_lookup_sock (run, conn);
  if (s != NULL)
    g_ptr_array_add (socks, s);

  return socks;
}

static void
command_send (LabWorker  *w,
              LabCommand *command)
{
  LabRun *run = w->run;
  const LabBackend *b = run->backend;
  gboolean udp = !lab_endpoint_config_is_tcp (run->config);
  g_autoptr(GPtrArray) socks = NULL;

  if (udp)
    {
      g_autoptr(LabSock) s = NULL;
      g_autoptr(GSocketAddress) to = NULL;

      g_mutex_lock (&run->lock);
      s = run->udp_sock != NULL ? lab_sock_ref (run->udp_sock) : NULL;
      if (s != NULL && command->conn != 0 && command->conn != s->conn)
        {
          GSocketAddress *peer = g_hash_table_lookup (run->udp_peers, &command->conn);
          to = peer != NULL ? g_object_ref (peer) : NULL;
        }
      else if (s != NULL && s->peer != NULL)
        to = g_object_ref (s->peer);
      g_mutex_unlock (&run->lock);

      if (s == NULL || to == NULL)
        return;

      g_mutex_lock (&s->io_lock);
      if (!s->closed)
        {
          gssize n = run->config->udp_connect && s->conn == command->conn
                     ? b->send (w, s, command->bytes) : b->sendto (w, s, command->bytes, to);

          if (n >= 0)
            lab_record_data (w, s, command->conn != 0 ? command->conn : s->conn, LAB_DIRECTION_OUT,
                             command->bytes, n, to);
        }
      g_mutex_unlock (&s->io_lock);
      return;
    }

  socks = command_socks (run, command->conn);

  for (guint i = 0; i < socks->len && !lab_run_is_stopping (run); i++)
    {
      LabSock *s = socks->pdata[i];

      g_mutex_lock (&s->io_lock);
      if (!s->closed)
        send_bytes (w, s, command->bytes, command->sendall);
      g_mutex_unlock (&s->io_lock);
    }
}

static void
command_shutdown (LabWorker  *w,
                  LabCommand *command)
{
  g_autoptr(GPtrArray) socks = command_socks (w->run, command->conn);

  for (guint i = 0; i < socks->len; i++)
    {
      LabSock *s = socks->pdata[i];

      g_mutex_lock (&s->io_lock);
      if (!s->closed)
        w->run->backend->shutdown (w, s, SHUT_WR);
      g_mutex_unlock (&s->io_lock);
    }
}

/* The thread that reads a socket is the one that closes it: it is woken
 * (EINTR, or its cancellable) and sees the request. */
static void
close_one (LabWorker *w,
           LabSock   *s)
{
  LabRun *run = w->run;

  lab_record_note (run, w, s, LAB_NOTE_CLOSE_REQUESTED, NULL);
  s->close_requested = TRUE;
  g_cancellable_cancel (s->cancellable);

  while (!lab_run_is_stopping (run))
    {
      gboolean closed;

      g_mutex_lock (&s->io_lock);
      closed = s->closed;
      g_mutex_unlock (&s->io_lock);
      if (closed)
        break;

      g_mutex_lock (&run->lock);
      if (s->reader != NULL)
        lab_worker_interrupt (s->reader);
      if (run->loop_worker != NULL && run->loop_worker->context != NULL)
        g_main_context_wakeup (run->loop_worker->context);
      g_mutex_unlock (&run->lock);

      g_usleep (5 * 1000);
    }
}

static void
command_close (LabWorker  *w,
               LabCommand *command)
{
  g_autoptr(GPtrArray) socks = command_socks (w->run, command->conn);

  for (guint i = 0; i < socks->len; i++)
    close_one (w, socks->pdata[i]);
}

static void
command_main (LabWorker *w,
              gpointer   data)
{
  LabRun *run = w->run;

  g_mutex_lock (&run->lock);
  while (!run->ready && !lab_run_is_stopping (run))
    g_cond_wait_until (&run->cond, &run->lock, g_get_monotonic_time () + 50 * 1000);
  g_mutex_unlock (&run->lock);

  for (;;)
    {
      LabCommand *command = g_async_queue_pop (run->commands);
      LabCommandKind kind = command->kind;

      if (kind != LAB_COMMAND_QUIT && !lab_run_is_stopping (run))
        {
          switch (kind)
            {
            case LAB_COMMAND_SEND:
              command_send (w, command);
              break;
            case LAB_COMMAND_SHUTDOWN_WRITE:
              command_shutdown (w, command);
              break;
            case LAB_COMMAND_CLOSE:
              command_close (w, command);
              break;
            case LAB_COMMAND_QUIT:
            default:
              break;
            }
        }

      lab_command_free (command);
      if (kind == LAB_COMMAND_QUIT)
        break;
    }
}

/**
 * lab_run_start:
 *
 * Starts the endpoint's program on a thread of its own (thread 1) and the
 * thread that carries out what is asked of it (thread 2).
 */
void
lab_run_start (LabRun *run)
{
  static void (*const programs[]) (LabWorker *, gpointer) = {
    [LAB_ENDPOINT_TCP_SERVER] = tcp_server_main,
    [LAB_ENDPOINT_TCP_CLIENT] = tcp_client_main,
    [LAB_ENDPOINT_UDP_SERVER] = udp_server_main,
    [LAB_ENDPOINT_UDP_CLIENT] = udp_client_main,
  };

  lab_record_note (run, NULL, NULL, LAB_NOTE_STARTED, NULL);
  lab_run_spawn (run, programs[run->config->kind], NULL, NULL);
  lab_run_spawn (run, command_main, NULL, NULL);
}
