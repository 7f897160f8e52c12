/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-kernel-private.h"
#include "lab-wire.h"
#include "lab-program-private.h"

/* The TCP server: socket, bind, listen, then accept and serve its clients
 * by one of three models — one at a time (the others wait in the backlog),
 * a thread per client, or an event loop (lab-tcp-server-loop.c). */

void
lab_tcp_server_adopt (LabWorker *w,
                      LabSock   *conn)
{
  LabRun *run = w->run;

  conn->conn = lab_run_new_conn (run);
  conn->reader = w;
  lab_run_register_sock (run, conn);
  lab_kernel_watch (run, conn);
  lab_kernel_set_port (conn, run->listen_port);
  lab_wire_register (conn->peer, run->listen_port, conn->conn);

  if (run->config->nodelay)
    run->backend->setsockopt (w, conn, IPPROTO_TCP, TCP_NODELAY, 1);
}

void
lab_tcp_server_drop (LabWorker *w,
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
  g_autoptr(LabDecoder) decoder = lab_behaviour_new_decoder (c);

  lab_tcp_server_adopt (w, conn);

  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    {
      g_autoptr(GBytes) now = lab_behaviour_time ();

      /* A server that speaks first: the time, then it closes. */
      lab_program_send (w, conn, now, TRUE);
      lab_tcp_server_drop (w, conn);
      return;
    }

  while (!conn->close_requested)
    {
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GPtrArray) answers = NULL;
      gboolean quit = FALSE;
      gboolean sent = TRUE;
      gssize n = b->recv (w, conn, c->buffer_size, &data);

      if (n < 0)
        {
          if (lab_program_was_interrupted (w, conn))
            break;
          if (w->err == EINTR || w->err == EAGAIN)
            continue;
          break;
        }

      /* A close asked here may have shut the socket down to wake it. */
      if (n == 0 && conn->close_requested)
        break;
      if (n == 0)
        {
          lab_record_note (run, w, conn, LAB_NOTE_PEER_CLOSED, NULL);
          lab_kernel_sample (conn);
          break;
        }

      lab_record_data (w, conn, 0, LAB_DIRECTION_IN, data, n, NULL);
      /* One sendall () per answer, as the course's line server does. */
      answers = lab_behaviour_reply (w, conn, decoder, data, &quit);
      for (guint i = 0; answers != NULL && i < answers->len && sent; i++)
        sent = lab_program_send (w, conn, answers->pdata[i], TRUE);
      if (!sent || quit)
        break;
    }

  lab_tcp_server_drop (w, conn);
}

/* Descriptors or memory ran out: no client's doing, and it passes as the
 * connections being served end. */
static gboolean
is_shortage (int err)
{
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

/* A connection's own network error, met before it was accepted: Linux's
 * accept () hands it to the program, and accept(2) says to accept again,
 * as for EAGAIN. */
static gboolean
is_accepted_network_error (int err)
{
  return err == ENETDOWN || err == EPROTO || err == ENOPROTOOPT || err == EHOSTDOWN || err == ENONET ||
         err == EHOSTUNREACH || err == EOPNOTSUPP || err == ENETUNREACH;
}

/**
 * lab_tcp_server_accept:
 * @again: (out): when none was accepted, whether to go on
 * @resume_us: (out): when to try again (monotonic time), or 0 for at once
 *
 * Accepts one client. A shortage of descriptors or memory does not end
 * the server: it says so once and waits a moment, serving the clients it
 * has, as a robust C server does.
 *
 * Returns: (transfer full) (nullable): the client
 */
LabSock *
lab_tcp_server_accept (LabWorker *w,
                       LabSock   *listener,
                       gboolean  *again,
                       gint64    *resume_us)
{
  LabRun *run = w->run;
  LabSock *conn = run->backend->accept (w, listener);

  *again = FALSE;
  *resume_us = 0;
  if (conn != NULL)
    {
      g_mutex_lock (&run->lock);
      run->served++;
      g_mutex_unlock (&run->lock);
      run->accept_shortage = 0;
      return conn;
    }

  if (lab_run_is_stopping (run))
    return NULL;

  /* Interrupted, or a client that gave up or failed before it was
   * accepted. */
  if (w->err == EINTR || w->err == ECONNABORTED || w->err == EAGAIN || is_accepted_network_error (w->err))
    {
      *again = TRUE;
      return NULL;
    }

  if (is_shortage (w->err))
    {
      if (run->accept_shortage != w->err)
        lab_record_note (run, w, listener, LAB_NOTE_ACCEPT_PAUSED, lab_errno_name (w->err));
      run->accept_shortage = w->err;
      *again = TRUE;
      *resume_us = g_get_monotonic_time () + LAB_ACCEPT_RETRY_MS * 1000;
      return NULL;
    }

  lab_program_fail (w, "accept");
  return NULL;
}

/* Until @until (monotonic time), or a stop. */
static void
pause_until (LabRun *run,
             gint64  until)
{
  g_mutex_lock (&run->lock);
  while (!lab_run_is_stopping (run) && g_get_monotonic_time () < until)
    g_cond_wait_until (&run->cond, &run->lock, until);
  g_mutex_unlock (&run->lock);
}

static void
serve_iteratively (LabWorker *w,
                   LabSock   *listener)
{
  while (!lab_run_is_stopping (w->run))
    {
      gboolean again;
      gint64 resume;
      LabSock *conn;

      if (lab_program_enough_served (w->run))
        {
          lab_program_note_enough_served (w);
          break;
        }

      conn = lab_tcp_server_accept (w, listener, &again, &resume);
      if (conn == NULL)
        {
          if (!again)
            break;
          pause_until (w->run, resume);
          continue;
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
      gint64 resume;
      LabSock *conn;

      if (lab_program_enough_served (run))
        {
          lab_program_note_enough_served (w);
          break;
        }

      if (max_clients > 0)
        wait_for_clients (w, max_clients - 1);

      /* Short of descriptors, the threads go on with their clients. */
      conn = lab_tcp_server_accept (w, listener, &again, &resume);
      if (conn == NULL)
        {
          if (!again)
            break;
          pause_until (run, resume);
          continue;
        }

      g_mutex_lock (&run->lock);
      run->active_clients++;
      g_mutex_unlock (&run->lock);

      /* A thread per client, as the course's threading example does. */
      lab_run_spawn (run, client_thread, conn, (GDestroyNotify) lab_sock_unref);
    }
}

void
lab_tcp_server_main (LabWorker *w,
                     gpointer   data)
{
  LabRun *run = w->run;
  LabSock *listener = lab_program_open_listener (w, SOCK_STREAM);

  if (listener != NULL)
    {
      lab_program_set_ready (run);
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
          lab_tcp_server_serve_with_loop (w, listener);
          break;
        }

      run->backend->close (w, listener);
      lab_sock_unref (listener);

      /* Clients still being served end on their own, or when stopped. */
      wait_for_clients (w, 0);
    }

  lab_program_end (run);
}
