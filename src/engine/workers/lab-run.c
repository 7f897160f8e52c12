/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>

#include "lab-backend.h"
#include "lab-kernel-private.h"
#include "lab-network.h"
#include "lab-wire.h"
#include "lab-program-private.h"

/* Stopping must wake a thread blocked in accept (), recv (), connect () or
 * poll () at once. The POSIX backend's calls really block, so the thread is
 * sent a signal whose handler does nothing and does not restart the call:
 * the call returns EINTR, as it would in any C program, and the thread sees
 * that the endpoint is stopping. GIO's calls are woken by the run's
 * cancellable. */
#define LAB_INTERRUPT_SIGNAL (SIGRTMIN + 3)
#define REAPER_INTERVAL_US   (5 * 1000)

static void
on_interrupt_signal (int signum)
{
}

static void
install_interrupt_handler (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      struct sigaction action = { 0 };

      action.sa_handler = on_interrupt_signal;
      sigemptyset (&action.sa_mask);
      action.sa_flags = 0; /* no SA_RESTART: the blocked call returns EINTR */
      sigaction (LAB_INTERRUPT_SIGNAL, &action, NULL);

      g_once_init_leave (&installed, 1);
    }
}

/* Every worker of every run not yet freed: what a leak shows in. */
static gint n_workers;

/* The niceness the workers' threads take as they start. */
static gint worker_niceness;

/**
 * lab_run_set_worker_niceness:
 *
 * Threads started from now on run at @niceness (0: as the process does).
 */
void
lab_run_set_worker_niceness (int niceness)
{
  g_atomic_int_set (&worker_niceness, niceness);
}

static void
worker_free (LabWorker *w)
{
  g_clear_pointer (&w->watched, g_ptr_array_unref);
  g_clear_pointer (&w->poll_key, g_array_unref);
  g_clear_pointer (&w->last_in, g_bytes_unref);
  g_clear_object (&w->from);
  g_free (w);
  g_atomic_int_add (&n_workers, -1);
}

/**
 * lab_run_count_workers:
 *
 * Returns: how many workers of all runs exist: one for each thread that
 *   runs, and none once it has ended
 */
guint
lab_run_count_workers (void)
{
  return g_atomic_int_get (&n_workers);
}

LabSock *
lab_sock_new (int      fd,
              GSocket *gsocket,
              int      family,
              int      type)
{
  LabSock *sock = g_new0 (LabSock, 1);

  g_atomic_ref_count_init (&sock->ref);
  g_mutex_init (&sock->io_lock);
  sock->fd = fd;
  sock->shown_fd = -1;
  sock->gsocket = gsocket;
  sock->family = family;
  sock->type = type;

  return sock;
}

static int
compare_conn (gconstpointer a,
              gconstpointer b)
{
  const LabSock *sa = *(LabSock * const *) a;
  const LabSock *sb = *(LabSock * const *) b;

  return sa->conn < sb->conn ? -1 : sa->conn > sb->conn;
}

LabSock *
lab_sock_ref (LabSock *sock)
{
  g_atomic_ref_count_inc (&sock->ref);
  return sock;
}

void
lab_sock_unref (LabSock *sock)
{
  if (sock == NULL || !g_atomic_ref_count_dec (&sock->ref))
    return;

  g_assert (sock->watch == NULL);
  if (sock->in_source != NULL)
    {
      g_source_destroy (sock->in_source);
      g_source_unref (sock->in_source);
    }
  if (sock->out_source != NULL)
    {
      g_source_destroy (sock->out_source);
      g_source_unref (sock->out_source);
    }
  g_clear_object (&sock->gsocket);
  g_clear_object (&sock->local);
  g_clear_object (&sock->peer);
  g_mutex_clear (&sock->io_lock);
  g_free (sock);
}

void
lab_command_free (LabCommand *command)
{
  g_clear_pointer (&command->bytes, g_bytes_unref);
  g_free (command);
}

/* A lab host's name in an address setting stands for its address, of the
 * family asked for: the lab knows its hosts, no resolver does. */
static void
replace_host_name (char **address,
                   int    family)
{
  const LabNetworkHost *host = lab_network_find_host (*address);

  if (host == NULL)
    return;
  g_free (*address);
  *address = g_strdup (family == LAB_FAMILY_IPV6 ? host->ipv6 : host->ipv4);
}

/* Whether its threads run on a lab host. */
gboolean
lab_run_is_on_lab_host (LabRun *run)
{
  return run->netns_fd >= 0;
}

/**
 * lab_run_set_network_host:
 *
 * On a lab host, opens its network namespace (the lab network is made on
 * first use) for the run's threads to enter, and puts the addresses of the
 * hosts named in its settings in their place.
 *
 * Returns: whether the run can start
 */
gboolean
lab_run_set_network_host (LabRun  *run,
                          GError **error)
{
  LabEndpointConfig *c = run->config;

  if (c->network_host == NULL || c->network_host[0] == '\0')
    return TRUE;

  run->netns_fd = lab_network_open_host (c->network_host, error);
  if (run->netns_fd < 0)
    return FALSE;
  lab_wire_set_endpoint_host (run->endpoint_id, (int) (lab_network_find_host (c->network_host) -
                                                       lab_network_get_host (0)));
  replace_host_name (&c->bind_address, c->family);
  replace_host_name (&c->host, c->family);
  replace_host_name (&c->local_address, c->family);
  return TRUE;
}

LabRun *
lab_run_new (LabTimeline       *timeline,
             LabEndpointConfig *config,
             guint              endpoint_id,
             guint              generation,
             LabTranslated     *name)
{
  LabRun *run = g_new0 (LabRun, 1);

  install_interrupt_handler ();

  g_atomic_ref_count_init (&run->ref);
  g_mutex_init (&run->lock);
  g_cond_init (&run->cond);
  run->timeline = g_object_ref (timeline);
  run->config = lab_endpoint_config_copy (config);
  run->backend = run->config->backend == LAB_BACKEND_GIO ? &lab_backend_gio : &lab_backend_posix;
  lab_step_gate_init (&run->gate);
  run->endpoint_id = endpoint_id;
  run->source.timeline = run->timeline;
  run->source.endpoint_id = endpoint_id;
  run->source.generation = generation;
  run->source.name = g_ref_string_new (name != NULL ? lab_translated_get (name) : "");
  /* A traced program's calls are its kernel's, whatever made them. */
  run->source.backend = lab_endpoint_kind_is_program (run->config->kind) ? LAB_BACKEND_TRACED : run->config->backend;
  run->cancellable = g_cancellable_new ();
  /* GLib makes a cancellable's descriptor when a call first waits on it and
   * drops it when none does; made again when the process has no descriptor
   * left, it aborts. So it is made now, and kept. */
  if (run->config->backend == LAB_BACKEND_GIO)
    run->holds_cancellable_fd = g_cancellable_make_pollfd (run->cancellable, &run->cancellable_fd);
  run->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  run->socks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) lab_sock_unref);
  run->commands = g_async_queue_new_full ((GDestroyNotify) lab_command_free);
  run->udp_peers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  /* Its values are freed by the table; the queue only links them. */
  run->udp_conns = g_hash_table_new_full (lab_addr_hash, lab_addr_equal_func, NULL, g_free);
  g_queue_init (&run->udp_order);
  run->udp_bytes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  run->netns_fd = -1;
  run->terminal_fd = -1;
  lab_timeline_set_run_name (timeline, endpoint_id, generation, name);

  return run;
}

LabRun *
lab_run_ref (LabRun *run)
{
  g_atomic_ref_count_inc (&run->ref);
  return run;
}

void
lab_run_unref (LabRun *run)
{
  if (run == NULL || !g_atomic_ref_count_dec (&run->ref))
    return;

  g_hash_table_unref (run->socks);
  g_hash_table_unref (run->udp_peers);
  g_hash_table_unref (run->udp_conns);
  g_hash_table_unref (run->udp_bytes);
  g_clear_pointer (&run->udp_sock, lab_sock_unref);
  if (run->netns_fd >= 0)
    close (run->netns_fd);
  if (run->terminal_fd >= 0)
    close (run->terminal_fd);
  g_async_queue_unref (run->commands);
  g_ptr_array_unref (run->workers);
  if (run->holds_cancellable_fd)
    g_cancellable_release_fd (run->cancellable);
  g_object_unref (run->cancellable);
  lab_step_gate_clear (&run->gate);
  g_ref_string_release (run->source.name);
  g_object_unref (run->config);
  g_object_unref (run->timeline);
  g_cond_clear (&run->cond);
  g_mutex_clear (&run->lock);
  g_free (run);
}

gboolean
lab_run_is_stopping (LabRun *run)
{
  return g_atomic_int_get (&run->stopping);
}

void
lab_worker_interrupt (LabWorker *w)
{
  /* Called with run->lock held: while it is in run->workers, the thread
   * exists. */
  if (w->started)
    pthread_kill (w->thread, LAB_INTERRUPT_SIGNAL);
}

static gpointer
reaper_main (gpointer data)
{
  LabRun *run = data;

  /* A signal can land just before a thread enters its blocking call and be
   * lost; so every live thread is interrupted again until none is left. */
  g_mutex_lock (&run->lock);
  while (run->workers->len > 0)
    {
      for (guint i = 0; i < run->workers->len; i++)
        {
          LabWorker *w = run->workers->pdata[i];

          lab_worker_interrupt (w);
          if (w->context != NULL)
            g_main_context_wakeup (w->context);
        }

      g_cond_wait_until (&run->cond, &run->lock, g_get_monotonic_time () + REAPER_INTERVAL_US);
    }
  g_mutex_unlock (&run->lock);

  lab_run_unref (run);
  return NULL;
}

/**
 * lab_run_set_terminal_fd:
 * @fd: a terminal (a pseudo-terminal's secondary end), or -1
 *
 * Where a traced program reads and writes, set before its start: the run
 * keeps a copy of its own.
 */
void
lab_run_set_terminal_fd (LabRun *run,
                         int     fd)
{
  if (run->terminal_fd >= 0)
    close (run->terminal_fd);
  run->terminal_fd = fd >= 0 ? fcntl (fd, F_DUPFD_CLOEXEC, 3) : -1;
}

int
lab_run_get_terminal_fd (LabRun *run)
{
  return run->terminal_fd;
}

/**
 * lab_run_stop:
 *
 * Asks every thread of @run to stop and wakes those that block. Returns at
 * once; the last thread to finish records that the endpoint stopped.
 */
void
lab_run_stop (LabRun *run)
{
  LabCommand *quit;

  if (!g_atomic_int_compare_and_exchange (&run->stopping, FALSE, TRUE))
    return;

  lab_record_note (run, NULL, NULL, LAB_NOTE_STOP_REQUESTED, NULL);
  /* Every GIO call that waits, at once, and every thread that waits for
   * a moment to go on. */
  g_cancellable_cancel (run->cancellable);
  g_mutex_lock (&run->lock);
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);

  /* Calls held in step mode are not made. */
  lab_step_gate_close (&run->gate);

  quit = g_new0 (LabCommand, 1);
  quit->kind = LAB_COMMAND_QUIT;
  g_async_queue_push (run->commands, quit);

  g_thread_unref (g_thread_new ("protolab-reaper", reaper_main, lab_run_ref (run)));
}

typedef struct {
  LabWorker      *worker;
  void          (*func) (LabWorker *w, gpointer data);
  gpointer        data;
  GDestroyNotify  destroy;
} Spawn;

static gpointer
worker_main (gpointer data)
{
  Spawn *spawn = data;
  LabWorker *w = spawn->worker;
  LabRun *run = w->run;
  gboolean last;
  sigset_t set;

  /* GLib starts threads with every signal blocked. */
  sigemptyset (&set);
  sigaddset (&set, LAB_INTERRUPT_SIGNAL);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);

  g_mutex_lock (&run->lock);
  w->thread = pthread_self ();
  w->started = TRUE;
  g_mutex_unlock (&run->lock);

  /* Linux's niceness is a thread's own. Raising it needs no privilege; a
   * failure leaves the thread as it was, which is no worse. */
  if (g_atomic_int_get (&worker_niceness) != 0)
    (void) setpriority (PRIO_PROCESS, (id_t) gettid (), g_atomic_int_get (&worker_niceness));

  /* A thread's network namespace is its own: the lab host's, for every
   * call this thread makes. The run holds the namespace, so this fails only
   * for want of memory or a descriptor: the thread then makes no call. */
  if (run->netns_fd >= 0 && (w->err = lab_network_enter (run->netns_fd)) != 0)
    lab_program_fail (w, "setns");
  else
    spawn->func (w, spawn->data);
  if (spawn->destroy != NULL)
    spawn->destroy (spawn->data);
  g_free (spawn);

  /* The last worker takes this one's place, which is freed: a thread's end
   * costs the same however many came before it. */
  g_mutex_lock (&run->lock);
  ((LabWorker *) g_ptr_array_index (run->workers, run->workers->len - 1))->slot = w->slot;
  g_ptr_array_remove_index_fast (run->workers, w->slot);
  last = run->workers->len == 0;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);

  if (last)
    {
      /* Nothing of this run touches a socket any more: the kernel watcher
       * keeps only what it follows after close (TIME_WAIT). */
      lab_record_note (run, NULL, NULL, LAB_NOTE_STOPPED, NULL);
    }

  lab_run_unref (run);
  return NULL;
}

/**
 * lab_run_spawn:
 *
 * Starts a thread of @run running @func. Threads are numbered from 1 in
 * the order they start; the kernel watcher is thread 0.
 *
 * Returns: (transfer none): the new worker
 */
LabWorker *
lab_run_spawn (LabRun     *run,
               void      (*func) (LabWorker *w, gpointer data),
               gpointer     data,
               GDestroyNotify destroy)
{
  LabWorker *w = g_new0 (LabWorker, 1);
  Spawn *spawn = g_new0 (Spawn, 1);
  g_autofree char *name = NULL;

  g_atomic_int_inc (&n_workers);
  w->run = run;

  g_mutex_lock (&run->lock);
  w->index = ++run->next_thread;
  w->slot = run->workers->len;
  g_ptr_array_add (run->workers, w);
  g_mutex_unlock (&run->lock);

  spawn->worker = w;
  spawn->func = func;
  spawn->data = data;
  spawn->destroy = destroy;

  name = g_strdup_printf ("protolab-%u.%u", run->endpoint_id, w->index);
  lab_run_ref (run);
  g_thread_unref (g_thread_new (name, worker_main, spawn));

  return w;
}

/**
 * lab_run_push_command:
 * @command: (transfer full): what the command thread is to do
 */
void
lab_run_push_command (LabRun     *run,
                      LabCommand *command)
{
  g_async_queue_push (run->commands, command);
}

/* Connection numbers are unique in the process, so that what the kernel
 * watcher reports of an old connection after a restart is never taken for
 * a new one. */
static GMutex conn_lock;
static guint64 conn_counter;

guint64
lab_run_new_conn (LabRun *run)
{
  guint64 conn;

  g_mutex_lock (&conn_lock);
  conn = ++conn_counter;
  g_mutex_unlock (&conn_lock);

  return conn;
}

/* A socket that carries a connection is known by its number, so that a
 * send or a close asked from the window reaches it. */
void
lab_run_register_sock (LabRun  *run,
                       LabSock *sock)
{
  g_assert (sock->conn != 0);

  g_mutex_lock (&run->lock);
  g_hash_table_insert (run->socks, &sock->conn, lab_sock_ref (sock));
  g_mutex_unlock (&run->lock);
}

/* Its reader is forgotten with it: a worker is freed when its thread
 * ends, and a close asked later must not reach for it. */
void
lab_run_unregister_sock (LabRun  *run,
                         LabSock *sock)
{
  g_mutex_lock (&run->lock);
  sock->reader = NULL;
  if (g_hash_table_lookup (run->socks, &sock->conn) == sock)
    g_hash_table_remove (run->socks, &sock->conn);
  g_mutex_unlock (&run->lock);
}

/**
 * lab_run_lookup_sock:
 *
 * Returns: (transfer full) (nullable): the socket of connection @conn
 */
LabSock *
lab_run_lookup_sock (LabRun  *run,
                     guint64  conn)
{
  LabSock *sock;

  g_mutex_lock (&run->lock);
  sock = g_hash_table_lookup (run->socks, &conn);
  if (sock != NULL)
    lab_sock_ref (sock);
  g_mutex_unlock (&run->lock);

  return sock;
}

/**
 * lab_run_list_socks:
 *
 * Returns: (transfer container) (element-type LabSock): every connected
 *   socket, each with a reference, in connection order
 */
GPtrArray *
lab_run_list_socks (LabRun *run)
{
  GPtrArray *socks = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_sock_unref);
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&run->lock);
  g_hash_table_iter_init (&iter, run->socks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (socks, lab_sock_ref (value));
  g_mutex_unlock (&run->lock);

  g_ptr_array_sort (socks, compare_conn);
  return socks;
}

/**
 * lab_run_get_gate:
 *
 * Returns: (transfer none): where the program's calls wait in step mode
 */
LabStepGate *
lab_run_get_gate (LabRun *run)
{
  return &run->gate;
}

/**
 * lab_run_count_bytes:
 * @conn: a UDP peer's connection, or 0 for the socket's own
 *
 * Counts @len bytes that crossed @s (for a UDP server, to or from one of
 * its peers) in @direction.
 *
 * Returns: where they start in their stream
 */
guint64
lab_run_count_bytes (LabRun       *run,
                     LabSock      *s,
                     guint64       conn,
                     LabDirection  direction,
                     gsize         len)
{
  guint64 offset;
  guint64 *counts;

  if (conn == 0 || conn == s->conn)
    return __atomic_fetch_add (&s->bytes[direction], len, __ATOMIC_RELAXED);

  g_mutex_lock (&run->lock);
  counts = g_hash_table_lookup (run->udp_bytes, &conn);
  if (counts == NULL)
    {
      guint64 *key = g_new (guint64, 1);

      *key = conn;
      counts = g_new0 (guint64, 2);
      g_hash_table_insert (run->udp_bytes, key, counts);
    }
  offset = counts[direction];
  counts[direction] += len;
  g_mutex_unlock (&run->lock);

  return offset;
}
