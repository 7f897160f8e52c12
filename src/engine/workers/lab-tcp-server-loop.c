/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>

#include "lab-backend.h"
#include "lab-kernel-private.h"
#include "lab-program-private.h"

/* The TCP server's event loop: one thread, one poll () for the listening
 * socket and every client — the way to serve thousands. */

#define MAX_ACCEPTS_PER_WAKE 64

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

/* The poll set: the listening socket while clients may be accepted, then
 * every client, to read from or to write what waits to it. Returns where
 * the clients begin. */
static guint
loop_poll_set (GArray    *items,
               LabSock   *listener,
               gboolean   accept,
               GPtrArray *conns)
{
  g_array_set_size (items, 0);
  if (accept)
    {
      LabPollItem item = { .sock = listener, .want_in = TRUE };

      g_array_append_val (items, item);
    }
  for (guint i = 0; i < conns->len; i++)
    {
      LoopConn *lc = conns->pdata[i];
      LabPollItem item = { .sock = lc->sock, .want_in = lc->out_len == 0, .want_out = lc->out_len > 0 };

      g_array_append_val (items, item);
    }

  return accept ? 1 : 0;
}

/* Reads what a client sent and queues the answer. Returns whether the
 * client is done with. */
static gboolean
loop_read (LabWorker *w,
           LoopConn  *lc)
{
  LabRun *run = w->run;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  gboolean quit = FALSE;
  gboolean drop = FALSE;
  gssize n = run->backend->recv (w, lc->sock, run->config->buffer_size, &data);

  if (n == 0)
    {
      lab_record_note (run, w, lc->sock, LAB_NOTE_PEER_CLOSED, NULL);
      lab_kernel_sample (lc->sock);
      return TRUE;
    }
  if (n < 0)
    return w->err != EAGAIN && w->err != EINTR;

  lab_record_data (w, lc->sock, 0, LAB_DIRECTION_IN, data, n, NULL);
  /* Each answer queued on its own is sent by a send () of its own. */
  answers = lab_behaviour_reply (w, lc->sock, lc->decoder, data, &quit);
  if (answers != NULL)
    {
      for (guint i = 0; i < answers->len; i++)
        loop_queue (lc, answers->pdata[i]);
      drop = !loop_flush (w, lc);
    }
  if (quit)
    lc->closing = TRUE;
  return drop || (lc->closing && lc->out_len == 0);
}

/* A client, after poll () returned: what waits is written, what came is
 * read. Returns whether the client is done with. */
static gboolean
loop_serve (LabWorker         *w,
            LoopConn          *lc,
            const LabPollItem *item,
            gboolean           ready)
{
  gboolean drop = lc->sock->close_requested;

  if (!drop && ready && item->can_out)
    drop = !loop_flush (w, lc) || (lc->closing && lc->out_len == 0);

  if (!drop && ready && item->can_in && item->want_in)
    drop = loop_read (w, lc);

  return drop;
}

/* Takes the clients waiting in the backlog, a few at a time, as far as
 * max-clients and max-connections allow. Short of descriptors, it says
 * when to try again in @resume_us. */
static void
loop_accept (LabWorker *w,
             LabSock   *listener,
             GPtrArray *conns,
             gint64    *resume_us)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;

  for (guint k = 0; k < MAX_ACCEPTS_PER_WAKE; k++)
    {
      gboolean again;
      LabSock *sock;
      LoopConn *lc;

      if (c->max_clients > 0 && conns->len >= c->max_clients)
        break;
      if (lab_program_enough_served (run))
        break;

      sock = lab_tcp_server_accept (w, listener, &again, resume_us);
      if (sock == NULL)
        break;

      lab_tcp_server_adopt (w, sock);
      sock->reader = w;
      run->backend->set_blocking (w, sock, FALSE);

      lc = g_new0 (LoopConn, 1);
      lc->sock = sock;
      lc->decoder = lab_behaviour_new_decoder (c);
      g_queue_init (&lc->out);
      g_ptr_array_add (conns, lc);

      if (c->behaviour == LAB_BEHAVIOUR_TIME)
        {
          g_autoptr(GBytes) now = lab_behaviour_time ();

          loop_queue (lc, now);
          lc->closing = TRUE;
          if (!loop_flush (w, lc) || lc->out_len == 0)
            {
              lab_tcp_server_drop (w, sock);
              g_ptr_array_remove (conns, lc);
            }
        }
    }
}

/* One thread, one poll () for the listening socket and every client: the
 * way to serve thousands. Sockets are non-blocking; a client whose replies
 * wait to be sent is not read from until they are (backpressure). */
void
lab_tcp_server_serve_with_loop (LabWorker *w,
                                LabSock   *listener)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (loop_conn_free);
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (LabPollItem));
  gboolean accepting = TRUE;
  gint64 resume = 0;

  /* The reaper wakes the context when stopping: it is set and cleared
   * under the run's lock. */
  g_mutex_lock (&run->lock);
  if (b->kind == LAB_BACKEND_GIO)
    w->context = g_main_context_new ();
  run->loop_worker = w;
  g_mutex_unlock (&run->lock);

  if (!b->set_blocking (w, listener, FALSE))
    {
      lab_program_fail (w, "fcntl");
      goto out;
    }

  while (!lab_run_is_stopping (run))
    {
      guint first_conn;
      gint64 now = g_get_monotonic_time ();
      int timeout = -1;
      int ready;

      if (accepting && lab_program_enough_served (run))
        {
          lab_program_note_enough_served (w);
          accepting = FALSE;
        }
      if (!accepting && conns->len == 0)
        break;

      /* While accept () waits to be tried again, the listener is left out
       * and poll () given the time left: the clients are served, and the
       * loop sleeps rather than spins. */
      if (accepting && resume > now)
        timeout = (int) ((resume - now + 999) / 1000);
      first_conn = loop_poll_set (items, listener,
                                  accepting && timeout < 0 &&
                                  (c->max_clients == 0 || conns->len < c->max_clients), conns);
      ready = b->poll (w, (LabPollItem *) (void *) items->data, items->len, timeout);
      if (ready < 0 && w->err != EINTR)
        {
          lab_program_fail (w, "poll");
          break;
        }

      /* Connections first, by index from the end, so removal is safe. */
      for (guint i = conns->len; i-- > 0;)
        {
          LoopConn *lc = conns->pdata[i];

          if (loop_serve (w, lc, &g_array_index (items, LabPollItem, first_conn + i), ready > 0))
            {
              lab_tcp_server_drop (w, lc->sock);
              g_ptr_array_remove_index (conns, i);
            }
        }

      if (ready > 0 && first_conn == 1 && g_array_index (items, LabPollItem, 0).can_in)
        loop_accept (w, listener, conns, &resume);
    }

  for (guint i = 0; i < conns->len; i++)
    lab_tcp_server_drop (w, ((LoopConn *) conns->pdata[i])->sock);

out:
  /* Sockets first: their sources hold the context. */
  g_ptr_array_set_size (conns, 0);
  g_clear_pointer (&w->watched, g_ptr_array_unref);
  g_mutex_lock (&run->lock);
  run->loop_worker = NULL;
  g_clear_pointer (&w->context, g_main_context_unref);
  g_mutex_unlock (&run->lock);
}
