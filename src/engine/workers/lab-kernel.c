/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include "lab-address.h"
#include "lab-kernel-private.h"
#include "lab-network.h"

/* The watcher asks the kernel about every socket at once, as ss does, with
 * one sock_diag dump: at once again while something changes, less and less
 * often while nothing does. A socket's changes mostly follow its own calls,
 * which sample it at once with TCP_INFO. */
#define MIN_INTERVAL_US    (10 * 1000)
#define MAX_INTERVAL_US    (320 * 1000)
/* The watcher takes no more than one part in this of a processor: where a
 * dump takes long (the kernel walks every TCP socket of the machine, and
 * the lab's may be thousands), the dumps are spaced for it. */
#define CPU_SHARE          50
/* TIME_WAIT lasts 60 s on Linux; what lingers longer is no longer followed. */
#define FOLLOW_LIMIT_US    (75 * G_USEC_PER_SEC)

struct _LabKernelWatch
{
  LabRun      *run;
  LabSock     *sock;
  int          fd;
  guint64      cookie;
  LabTcpState  last;
  guint        queue_len;
  guint        queue_limit;
  gboolean     connected;
  gboolean     following;
  guint64      updated;     /* when it was last learnt, on sample_clock */
  guint16      port;        /* its own port, once it has one */
  gint64       sampled_us;  /* when its TCP numbers were last recorded */
  LabTcpSample sample;      /* and what they were */
};

/* A socket closed by its program that the kernel may still hold. It may
 * linger a minute after its endpoint stopped: it keeps only a weak hold on
 * the timeline, and goes when the timeline does. */
typedef struct {
  GWeakRef     timeline;
  LabSource    source;
  int          family;
  int          fd;
  guint64      conn;
  guint64      cookie;
  guint16      port;
  LabTcpState  last;
  gint64       deadline;
  guint64      updated;
  /* The program still holds the descriptor of the socket the kernel took
   * the connection from; said once, with the connection's state */
  gboolean     held;
  gboolean     told_held;
  int          netns_fd;    /* its lab host's namespace (a copy), or -1 */
} Followed;

static GMutex     watch_lock;
static GCond      watch_cond;
static GPtrArray *watches;
static GPtrArray *followed;
static gboolean   watcher_running;
/* Counts the sockets that came to be watched or followed. */
static guint      watch_generation;
/* Counts what the lab learnt of any socket: a dump made before a socket's
 * state was last learnt (by its own worker) says nothing newer of it. */
static guint64    sample_clock;

static void
followed_free (gpointer data)
{
  Followed *f = data;

  g_weak_ref_clear (&f->timeline);
  g_ref_string_release (f->source.name);
  if (f->netns_fd >= 0)
    close (f->netns_fd);
  g_free (f);
}

static LabTcpState
read_tcp_info (int    fd,
               guint *queue_len,
               guint *queue_limit)
{
  struct tcp_info info;
  socklen_t len = sizeof info;

  memset (&info, 0, sizeof info);
  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return LAB_TCP_UNKNOWN;

  /* For a listening socket the kernel reports its accept queue here. */
  *queue_len = info.tcpi_unacked;
  *queue_limit = info.tcpi_sacked;

  return (LabTcpState) info.tcpi_state;
}

static void ensure_watcher_locked (void);

/* Called with watch_lock held: from now on the connection is followed by
 * its cookie through sock_diag. */
static Followed *
follow_locked (LabKernelWatch *watch,
               gboolean        held)
{
  Followed *f;

  if (watch->following || watch->cookie == 0 || !watch->connected)
    return NULL;

  f = g_new0 (Followed, 1);
  g_weak_ref_init (&f->timeline, watch->run->timeline);
  f->source = watch->run->source;
  f->source.timeline = NULL;
  f->source.name = g_ref_string_acquire (watch->run->source.name);
  f->family = watch->sock->family;
  f->fd = watch->fd;
  f->conn = watch->sock->conn;
  f->cookie = watch->cookie;
  f->port = watch->port;
  f->last = watch->last;
  f->deadline = g_get_monotonic_time () + FOLLOW_LIMIT_US;
  f->updated = ++sample_clock;
  f->held = held;
  f->netns_fd = watch->run->netns_fd >= 0 ? fcntl (watch->run->netns_fd, F_DUPFD_CLOEXEC, 3) : -1;
  g_ptr_array_add (followed, f);
  watch->following = TRUE;
  watch_generation++;
  g_cond_signal (&watch_cond);
  return f;
}

static gboolean
is_connected_state (LabTcpState state)
{
  return state != LAB_TCP_UNKNOWN && state != LAB_TCP_SYN_SENT && state != LAB_TCP_SYN_RECV &&
         state != LAB_TCP_CLOSE && state != LAB_TCP_LISTEN && state != LAB_TCP_NEW_SYN_RECV &&
         state != LAB_TCP_GONE;
}

/* Called with watch_lock held. Records what @watch's socket is in, if it
 * changed: @call says how the lab learnt it. Returns whether it changed. */
static gboolean
apply_locked (LabKernelWatch *watch,
              LabTcpState     state,
              guint           queue_len,
              guint           queue_limit,
              LabCall         call,
              const char     *tuple)
{
  gboolean listening = state == LAB_TCP_LISTEN;

  if (state == LAB_TCP_UNKNOWN || watch->following)
    return FALSE;

  /* A connection's socket that says CLOSED while the program still holds
   * its descriptor: the kernel has handed the connection to a socket of
   * its own (TIME_WAIT), or forgotten it. What the connection is in, the
   * connection's own state, is the watcher's to tell, by its cookie; the
   * socket's CLOSED is not the connection's. */
  if (state == LAB_TCP_CLOSE && watch->connected && watch->cookie != 0)
    {
      follow_locked (watch, TRUE);
      return TRUE;
    }

  if (state == watch->last &&
      (!listening || (queue_len == watch->queue_len && queue_limit == watch->queue_limit)))
    return FALSE;

  if (call == LAB_CALL_SOCK_DIAG)
    lab_record_instrumentation (&watch->run->source, watch->sock, call, 0, 0, tuple, state);
  else
    lab_record_instrumentation (&watch->run->source, watch->sock, call, IPPROTO_TCP, TCP_INFO, NULL, 0);
  lab_record_state (&watch->run->source, watch->sock, state, watch->last, listening, queue_len, queue_limit);

  watch->last = state;
  watch->queue_len = queue_len;
  watch->queue_limit = queue_limit;
  watch->connected |= is_connected_state (state);
  watch->updated = ++sample_clock;

  return TRUE;
}

/* Called with watch_lock held: by a worker, right after a call that can
 * change the state. */
static void
sample_locked (LabKernelWatch *watch)
{
  guint queue_len = 0, queue_limit = 0;
  LabTcpState state = read_tcp_info (watch->fd, &queue_len, &queue_limit);

  /* Newer than any dump under way, even when nothing changed: a dump that
   * saw SYN_SENT before connect () was refused must not say so after. */
  if (!apply_locked (watch, state, queue_len, queue_limit, LAB_CALL_GETSOCKOPT, NULL))
    watch->updated = ++sample_clock;
}


static char *
format_tuple (const struct inet_diag_msg *m)
{
  char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";

  inet_ntop (m->idiag_family, m->id.idiag_src, src, sizeof src);
  inet_ntop (m->idiag_family, m->id.idiag_dst, dst, sizeof dst);

  return g_strdup_printf ("('%s', %u) ↔ ('%s', %u)", src, ntohs (m->id.idiag_sport), dst,
                          ntohs (m->id.idiag_dport));
}


static const LabDiagEntry *
lookup (GHashTable *entries,
        guint64     cookie)
{
  guint32 key[2] = { cookie & 0xffffffff, cookie >> 32 };

  return cookie != 0 ? g_hash_table_lookup (entries, key) : NULL;
}

/* Called with watch_lock held: the charts' sample of a connection's TCP
 * numbers, when they changed, and no sooner than the interval after the
 * last (less the watcher's least wait: a dump due at the interval may
 * wake a little early, and is not skipped for it). Its connection's only, not a listening socket's. */
static void
sample_tcp_locked (LabKernelWatch     *watch,
                   const LabDiagEntry *entry)
{
  gint64 now = g_get_monotonic_time ();

  if (watch->following || !is_connected_state ((LabTcpState) entry->msg.idiag_state) ||
      now - watch->sampled_us < LAB_TCP_SAMPLE_INTERVAL_US - MIN_INTERVAL_US ||
      (watch->sampled_us != 0 && memcmp (&watch->sample, &entry->sample, sizeof watch->sample) == 0))
    return;
  watch->sampled_us = now;
  watch->sample = entry->sample;
  lab_record_tcp_sample (&watch->run->source, watch->sock, &entry->sample, sizeof entry->sample);
}

/* Called with watch_lock held. The state of every open socket watched, as
 * the dump says it. Returns whether any changed. */
static gboolean
apply_dump_locked (GHashTable *entries,
                   guint64     dumped)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < watches->len; i++)
    {
      LabKernelWatch *watch = watches->pdata[i];
      const LabDiagEntry *entry = lookup (entries, watch->cookie);
      LabTcpState state;
      g_autofree char *tuple = NULL;

      /* Its port, learnt from the kernel: no call of the lab's own. */
      if (entry != NULL && watch->port == 0)
        watch->port = ntohs (entry->msg.id.idiag_sport);
      if (entry != NULL && entry->has_sample)
        sample_tcp_locked (watch, entry);

      /* Its worker learnt of it since the dump began: the dump is older.
       * A connection followed by its cookie is told as followed. */
      if (entry == NULL || watch->updated > dumped || watch->following)
        continue;

      state = (LabTcpState) entry->msg.idiag_state;
      /* For a listening socket, its accept queue and the most it holds. */
      if (state == watch->last && (state != LAB_TCP_LISTEN || (entry->msg.idiag_rqueue == watch->queue_len &&
                                                               entry->msg.idiag_wqueue == watch->queue_limit)))
        continue;

      tuple = format_tuple (&entry->msg);
      changed |= apply_locked (watch, state, entry->msg.idiag_rqueue, entry->msg.idiag_wqueue,
                               LAB_CALL_SOCK_DIAG, tuple);

      /* Only a socket of the kernel's own is in TIME_WAIT: the program's
       * descriptor, still open, is behind a socket the kernel has closed.
       * From now on the connection is followed by its cookie. */
      if (state == LAB_TCP_TIME_WAIT)
        {
          Followed *f = follow_locked (watch, TRUE);

          lab_record_source_note (&watch->run->source, watch->sock, LAB_NOTE_SOCKET_CLOSED_BY_KERNEL,
                                  lab_tcp_state_to_string (state));
          if (f != NULL)
            f->told_held = TRUE;
        }
    }

  return changed;
}

/* A connection still on its way to TIME_WAIT or to being forgotten. */
static gboolean
is_settling (Followed *f)
{
  return f->last != LAB_TCP_TIME_WAIT && f->last != LAB_TCP_GONE;
}

/* Called with watch_lock held. The connections whose descriptor is closed,
 * as the dump says them; those the kernel forgot, or followed for long
 * enough, go. Returns whether any changed. */
static gboolean
apply_followed_locked (GHashTable *entries,
                       guint64     dumped)
{
  gint64 now = g_get_monotonic_time ();
  gboolean changed = FALSE;
  guint i = 0;

  while (i < followed->len)
    {
      Followed *f = followed->pdata[i];
      g_autoptr(LabTimeline) timeline = g_weak_ref_get (&f->timeline);
      const LabDiagEntry *found;
      LabTcpState state;
      LabSock pseudo = { .fd = f->fd, .conn = f->conn };

      if (timeline == NULL)
        {
          g_ptr_array_remove_index (followed, i);
          continue;
        }
      /* Followed since the dump began: the dump may not have it yet. */
      if (f->updated > dumped)
        {
          i++;
          continue;
        }

      found = lookup (entries, f->cookie);
      if (found != NULL && f->port == 0)
        f->port = ntohs (found->msg.id.idiag_sport);
      state = found != NULL ? (LabTcpState) found->msg.idiag_state : LAB_TCP_GONE;
      if (state != f->last)
        {
          g_autofree char *tuple = found != NULL ? format_tuple (&found->msg) : NULL;

          f->source.timeline = timeline;
          lab_record_instrumentation (&f->source, &pseudo, LAB_CALL_SOCK_DIAG, 0, 0,
                                      tuple != NULL ? tuple : "", state);
          lab_record_state (&f->source, &pseudo, state, f->last, FALSE, 0, 0);
          if (f->held && !f->told_held)
            {
              lab_record_source_note (&f->source, &pseudo, LAB_NOTE_SOCKET_CLOSED_BY_KERNEL,
                                      lab_tcp_state_to_string (state));
              f->told_held = TRUE;
            }
          f->source.timeline = NULL;
          f->last = state;
          changed = TRUE;
        }

      if (state == LAB_TCP_GONE || now > f->deadline)
        g_ptr_array_remove_index (followed, i);
      else
        {
          /* Still closing: looked at again soon. */
          changed |= is_settling (f);
          i++;
        }
    }

  return changed;
}

/**
 * lab_kernel_count_settling:
 *
 * Returns: how many connections of @timeline whose descriptor is closed
 *   the kernel is still closing: neither in TIME_WAIT nor forgotten
 */
guint
lab_kernel_count_settling (LabTimeline *timeline)
{
  guint n = 0;

  g_mutex_lock (&watch_lock);
  for (guint i = 0; followed != NULL && i < followed->len; i++)
    {
      Followed *f = followed->pdata[i];
      g_autoptr(LabTimeline) owner = g_weak_ref_get (&f->timeline);

      n += owner == timeline && is_settling (f);
    }
  g_mutex_unlock (&watch_lock);

  return n;
}

/* Called with watch_lock held: which families the sockets watched are of. */
static void
families_locked (gboolean *v4,
                 gboolean *v6)
{
  *v4 = *v6 = FALSE;
  for (guint i = 0; i < watches->len; i++)
    {
      int family = ((LabKernelWatch *) watches->pdata[i])->sock->family;

      *v4 |= family == AF_INET;
      *v6 |= family == AF_INET6;
    }
  for (guint i = 0; i < followed->len; i++)
    {
      *v4 |= ((Followed *) followed->pdata[i])->family == AF_INET;
      *v6 |= ((Followed *) followed->pdata[i])->family == AF_INET6;
    }
}

/* Called with watch_lock held: the network namespaces the sockets watched
 * and followed are in, each once, -1 for the process's own; each other a
 * copy for the caller to close. */
static guint
namespaces_locked (int *spaces)
{
  guint n = 0;

  for (guint i = 0; i < watches->len + followed->len; i++)
    {
      int fd = i < watches->len ? ((LabKernelWatch *) watches->pdata[i])->run->netns_fd
                                : ((Followed *) followed->pdata[i - watches->len])->netns_fd;
      gboolean known = FALSE;

      for (guint j = 0; j < n && !known; j++)
        known = lab_network_same (spaces[j], fd);
      if (!known && n < 1 + LAB_NETWORK_MAX_HOSTS)
        spaces[n++] = fd < 0 ? -1 : fcntl (fd, F_DUPFD_CLOEXEC, 3);
    }
  return n;
}

static guint
add_port (guint16 *ports,
          guint    n_ports,
          guint16  port)
{
  for (guint i = 0; i < n_ports && i < LAB_KERNEL_MAX_FILTER_PORTS; i++)
    if (ports[i] == port)
      return n_ports;
  if (n_ports < LAB_KERNEL_MAX_FILTER_PORTS)
    ports[n_ports] = port;
  return n_ports + 1;
}

/* Called with watch_lock held: the ports of the sockets watched and
 * followed, into @ports, as the kernel's dumps told them. Returns how
 * many, 0 for all the kernel's sockets: more ports than fit, or a socket
 * whose port no dump has told yet (the next dump finds it by its cookie). */
static guint
ports_locked (guint16 *ports)
{
  guint n = 0;

  for (guint i = 0; i < watches->len; i++)
    {
      guint16 port = ((LabKernelWatch *) watches->pdata[i])->port;

      if (port == 0)
        return 0;
      n = add_port (ports, n, port);
    }
  for (guint i = 0; i < followed->len; i++)
    {
      guint16 port = ((Followed *) followed->pdata[i])->port;

      if (port == 0)
        return 0;
      n = add_port (ports, n, port);
    }

  return n <= LAB_KERNEL_MAX_FILTER_PORTS ? n : 0;
}

/* Called with watch_lock held: the cookies of the sockets watched and
 * followed, in @cookies, as a set. */
static GHashTable *
interest_locked (GArray *cookies)
{
  GHashTable *interest = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_array_set_size (cookies, watches->len + followed->len);
  for (guint i = 0; i < watches->len; i++)
    g_array_index (cookies, guint64, i) = ((LabKernelWatch *) watches->pdata[i])->cookie;
  for (guint i = 0; i < followed->len; i++)
    g_array_index (cookies, guint64, watches->len + i) = ((Followed *) followed->pdata[i])->cookie;
  /* The array is not resized again: its elements are the set's keys. */
  for (guint i = 0; i < cookies->len; i++)
    g_hash_table_add (interest, &g_array_index (cookies, guint64, i));

  return interest;
}

/* The processor time this thread has taken, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gpointer
watcher_main (gpointer data)
{
  gint64 interval = MIN_INTERVAL_US;

  g_mutex_lock (&watch_lock);
  while (watches->len > 0 || followed->len > 0)
    {
      g_autoptr(GHashTable) entries = g_hash_table_new_full (lab_kernel_cookie_hash, lab_kernel_cookie_equal, NULL, g_free);
      gboolean v4, v6, changed;
      guint generation = watch_generation;
      guint64 dumped = sample_clock;
      gint64 began = g_get_monotonic_time (), cpu_began = thread_cpu_us (), now, least;
      g_autoptr(GArray) cookies = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_autoptr(GHashTable) interest = NULL;
      guint16 ports[LAB_KERNEL_MAX_FILTER_PORTS];
      guint n_ports, n_spaces;
      int spaces[1 + LAB_NETWORK_MAX_HOSTS];

      /* The kernel is asked without the lock: the workers sample their
       * own sockets meanwhile. */
      families_locked (&v4, &v6);
      n_ports = ports_locked (ports);
      interest = interest_locked (cookies);
      n_spaces = namespaces_locked (spaces);
      g_mutex_unlock (&watch_lock);
      /* Each network the sockets are in is asked: the desktop's, and the
       * lab hosts'. A cookie names one socket of the machine. */
      for (guint i = 0; i < n_spaces; i++)
        {
          if (v4)
            lab_kernel_diag_dump (spaces[i], AF_INET, ports, n_ports, interest, entries);
          if (v6)
            lab_kernel_diag_dump (spaces[i], AF_INET6, ports, n_ports, interest, entries);
          if (spaces[i] >= 0)
            close (spaces[i]);
        }
      g_mutex_lock (&watch_lock);

      changed = apply_dump_locked (entries, dumped);
      changed |= apply_followed_locked (entries, dumped);

      /* Something changed, or a socket came: look again soon, but never
       * sooner than the processor's share allows. */
      least = MAX (MIN_INTERVAL_US, (thread_cpu_us () - cpu_began) * CPU_SHARE);
      interval = changed || generation != watch_generation ? least : MAX (least, MIN (interval * 2, MAX_INTERVAL_US));
      /* Sampled for the charts: a dump each interval of theirs at least */
      if (lab_tcp_sample_get_enabled ())
        interval = MAX (least, MIN (interval, LAB_TCP_SAMPLE_INTERVAL_US));
      g_cond_wait_until (&watch_cond, &watch_lock, began + interval);

      /* Woken early by a socket watched or followed: still no sooner. A
       * server closing thousands of connections a second would otherwise
       * have the kernel walk its every TCP socket at each. */
      now = g_get_monotonic_time ();
      if (now < began + least)
        {
          g_mutex_unlock (&watch_lock);
          g_usleep (began + least - now);
          g_mutex_lock (&watch_lock);
        }
    }
  watcher_running = FALSE;
  g_mutex_unlock (&watch_lock);

  return NULL;
}

/* Called with watch_lock held. */
static void
ensure_watcher_locked (void)
{
  if (watches == NULL)
    {
      watches = g_ptr_array_new ();
      followed = g_ptr_array_new_with_free_func (followed_free);
    }

  if (!watcher_running)
    {
      watcher_running = TRUE;
      g_thread_unref (g_thread_new ("protolab-kernel", watcher_main, NULL));
    }
}

/**
 * lab_kernel_watch:
 *
 * Follows the kernel state of a TCP socket from now until
 * lab_kernel_release(), and records the state it is in now.
 */
void
lab_kernel_watch (LabRun  *run,
                  LabSock *sock)
{
  LabKernelWatch *watch;
  socklen_t len = sizeof (guint64);

  g_return_if_fail (sock->type == SOCK_STREAM);
  g_return_if_fail (sock->watch == NULL);

  watch = g_new0 (LabKernelWatch, 1);
  watch->run = lab_run_ref (run);
  watch->sock = sock;
  watch->fd = sock->fd;
  watch->last = LAB_TCP_UNKNOWN;
  /* The cookie names the socket for sock_diag even after it is closed:
   * its TIME_WAIT remains keeps it. */
  if (getsockopt (sock->fd, SOL_SOCKET, SO_COOKIE, &watch->cookie, &len) != 0)
    watch->cookie = 0;

  /* A listening socket's port is known once bound. */
  if (G_IS_INET_SOCKET_ADDRESS (sock->local))
    watch->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sock->local));

  g_mutex_lock (&watch_lock);
  ensure_watcher_locked ();
  sock->watch = watch;
  g_ptr_array_add (watches, watch);
  watch_generation++;
  g_cond_signal (&watch_cond);
  sample_locked (watch);
  g_mutex_unlock (&watch_lock);
}

/**
 * lab_kernel_set_port:
 *
 * Tells the watcher the socket's own port, as its program learnt it (an
 * accepted socket has its listener's; a client's comes with getsockname ()
 * after connect ()), so that its dumps ask only for the lab's ports.
 */
void
lab_kernel_set_port (LabSock *sock,
                     guint16  port)
{
  g_mutex_lock (&watch_lock);
  if (sock->watch != NULL && sock->watch->port == 0)
    sock->watch->port = port;
  g_mutex_unlock (&watch_lock);
}

/**
 * lab_kernel_sample:
 *
 * Records the socket's state now if it changed: called by the worker right
 * after a call that can change it.
 */
void
lab_kernel_sample (LabSock *sock)
{
  g_mutex_lock (&watch_lock);
  if (sock->watch != NULL)
    sample_locked (sock->watch);
  g_mutex_unlock (&watch_lock);
}

/**
 * lab_kernel_release:
 * @follow: whether to go on following the connection with sock_diag once
 *   its descriptor is closed
 *
 * Must be called before the socket's descriptor is closed: from then on
 * the watcher no longer touches it, so that a new socket given the same
 * number is never mistaken for it.
 */
void
lab_kernel_release (LabSock  *sock,
                    gboolean  follow)
{
  LabKernelWatch *watch;

  g_mutex_lock (&watch_lock);
  watch = g_steal_pointer (&sock->watch);
  if (watch != NULL)
    {
      /* The last state while it is still open. */
      sample_locked (watch);
      g_ptr_array_remove_fast (watches, watch);

      if (follow)
        follow_locked (watch, FALSE);
      /* Its descriptor goes now: the program holds it no longer. */
      for (guint i = 0; i < followed->len; i++)
        if (((Followed *) followed->pdata[i])->cookie == watch->cookie)
          ((Followed *) followed->pdata[i])->held = FALSE;

      lab_run_unref (watch->run);
      g_free (watch);
    }
  g_mutex_unlock (&watch_lock);
}
