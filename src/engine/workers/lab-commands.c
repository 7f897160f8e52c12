/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sys/socket.h>

#include "lab-backend.h"
#include "lab-program-private.h"

/* Commands: sends, half-closes and closes asked from the window or the
 * terminal run on a thread of their own, so that the main loop never makes
 * a socket call, and a send that blocks blocks only this thread. */

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
        lab_program_send (w, s, command->bytes, command->sendall);
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

/* A reader blocked in a GIO call waits on its socket and on the run's one
 * cancellable. A client's program ends with its connection: the
 * cancellable wakes it, as a stop would. A server's other connections go
 * on: this one is shut down, which wakes its reader alone, and the
 * timeline shows the call that did it. */
static void
wake_gio_reader (LabWorker *w,
                 LabSock   *s)
{
  LabRun *run = w->run;

  if (run->backend->kind != LAB_BACKEND_GIO || s->nonblocking)
    return;

  if (!lab_endpoint_kind_is_server (run->config->kind))
    {
      g_cancellable_cancel (run->cancellable);
      return;
    }

  g_mutex_lock (&s->io_lock);
  if (!s->closed)
    run->backend->shutdown (w, s, SHUT_RDWR);
  g_mutex_unlock (&s->io_lock);
}

/* The thread that reads a socket is the one that closes it: it is woken
 * (EINTR, or as above) and sees the request. */
static void
close_one (LabWorker *w,
           LabSock   *s)
{
  LabRun *run = w->run;

  lab_record_note (run, w, s, LAB_NOTE_CLOSE_REQUESTED, NULL);
  s->close_requested = TRUE;
  wake_gio_reader (w, s);

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

void
lab_commands_main (LabWorker *w,
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
