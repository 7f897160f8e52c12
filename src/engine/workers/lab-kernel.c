/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lab-address.h"
#include "lab-kernel-private.h"

#define POLL_INTERVAL_US   (10 * 1000)
/* TCP_INFO takes the socket's lock: a connection that is simply
 * established is looked at less often. Its changes mostly follow its own
 * calls, which sample it at once. */
#define SETTLED_INTERVAL_US (50 * 1000)
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
  gint64       next_poll;
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
  LabTcpState  last;
  gint64       deadline;
} Followed;

static GMutex     watch_lock;
static GCond      watch_cond;
static GPtrArray *watches;
static GPtrArray *followed;
static gboolean   watcher_running;

static void
followed_free (gpointer data)
{
  Followed *f = data;

  g_weak_ref_clear (&f->timeline);
  g_ref_string_release (f->source.name);
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
static void
follow_locked (LabKernelWatch *watch)
{
  Followed *f;

  if (watch->following || watch->cookie == 0 || !watch->connected)
    return;

  f = g_new0 (Followed, 1);
  g_weak_ref_init (&f->timeline, watch->run->timeline);
  f->source = watch->run->source;
  f->source.timeline = NULL;
  f->source.name = g_ref_string_acquire (watch->run->source.name);
  f->family = watch->sock->family;
  f->fd = watch->fd;
  f->conn = watch->sock->conn;
  f->cookie = watch->cookie;
  f->last = watch->last;
  f->deadline = g_get_monotonic_time () + FOLLOW_LIMIT_US;
  g_ptr_array_add (followed, f);
  watch->following = TRUE;
  g_cond_signal (&watch_cond);
}

static gboolean
is_connected_state (LabTcpState state)
{
  return state != LAB_TCP_UNKNOWN && state != LAB_TCP_SYN_SENT && state != LAB_TCP_SYN_RECV &&
         state != LAB_TCP_CLOSE && state != LAB_TCP_LISTEN && state != LAB_TCP_NEW_SYN_RECV &&
         state != LAB_TCP_GONE;
}

/* Called with watch_lock held. */
static void
sample_locked (LabKernelWatch *watch)
{
  guint queue_len = 0, queue_limit = 0;
  LabTcpState state = read_tcp_info (watch->fd, &queue_len, &queue_limit);
  gboolean listening = state == LAB_TCP_LISTEN;

  if (state == LAB_TCP_UNKNOWN)
    return;

  if (state == watch->last &&
      (!listening || (queue_len == watch->queue_len && queue_limit == watch->queue_limit)))
    return;

  lab_record_instrumentation (&watch->run->source, watch->sock, LAB_CALL_GETSOCKOPT, IPPROTO_TCP, TCP_INFO,
                              NULL, 0);
  lab_record_state (&watch->run->source, watch->sock, state, watch->last, listening, queue_len, queue_limit);

  watch->last = state;
  watch->queue_len = queue_len;
  watch->queue_limit = queue_limit;
  watch->connected |= is_connected_state (state);

  /* A connection that ends while its descriptor is still open: TCP_INFO
   * says CLOSED, for the socket behind the descriptor is; the connection
   * itself may linger in the kernel (TIME_WAIT), where sock_diag sees it. */
  if (state == LAB_TCP_CLOSE)
    follow_locked (watch);
}

typedef struct {
  guint64     cookie;
  LabTcpState state;
  char       *tuple;
} DiagEntry;

static void
diag_entry_clear (gpointer data)
{
  g_free (((DiagEntry *) data)->tuple);
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

/* Every TCP socket of @family the kernel holds that is not listening, as
 * `ss -tan` lists them. */
static GArray *
sock_diag_dump (int family)
{
  struct {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } req;
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (DiagEntry));
  guint8 buf[32 * 1024];
  gboolean done = FALSE;
  int fd;

  g_array_set_clear_func (entries, diag_entry_clear);

  fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return entries;

  memset (&req, 0, sizeof req);
  req.header.nlmsg_len = sizeof req;
  req.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.request.sdiag_family = family;
  req.request.sdiag_protocol = IPPROTO_TCP;
  req.request.idiag_states = ~(1u << LAB_TCP_LISTEN);

  if (send (fd, &req, sizeof req, 0) != sizeof req)
    {
      close (fd);
      return entries;
    }

  while (!done)
    {
      gssize n = recv (fd, buf, sizeof buf, 0);
      int len = (int) n;

      if (n <= 0)
        break;

      for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK (h, len); h = NLMSG_NEXT (h, len))
        {
          const struct inet_diag_msg *m;
          DiagEntry entry;

          if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
            {
              done = TRUE;
              break;
            }

          m = NLMSG_DATA (h);
          entry.cookie = (guint64) m->id.idiag_cookie[0] | (guint64) m->id.idiag_cookie[1] << 32;
          entry.state = (LabTcpState) m->idiag_state;
          entry.tuple = format_tuple (m);
          g_array_append_val (entries, entry);
        }
    }

  close (fd);
  return entries;
}

/* Called with watch_lock held. */
static void
poll_followed_locked (void)
{
  g_autoptr(GArray) v4 = NULL;
  g_autoptr(GArray) v6 = NULL;
  gint64 now = g_get_monotonic_time ();
  guint i = 0;

  for (guint j = 0; j < followed->len; j++)
    {
      Followed *f = followed->pdata[j];

      if (f->family == AF_INET && v4 == NULL)
        v4 = sock_diag_dump (AF_INET);
      else if (f->family == AF_INET6 && v6 == NULL)
        v6 = sock_diag_dump (AF_INET6);
    }

  while (i < followed->len)
    {
      Followed *f = followed->pdata[i];
      GArray *entries = f->family == AF_INET ? v4 : v6;
      g_autoptr(LabTimeline) timeline = g_weak_ref_get (&f->timeline);
      const DiagEntry *found = NULL;
      LabTcpState state;
      LabSock pseudo = { .fd = f->fd, .conn = f->conn };

      if (timeline == NULL)
        {
          g_ptr_array_remove_index (followed, i);
          continue;
        }

      for (guint k = 0; entries != NULL && k < entries->len; k++)
        if (g_array_index (entries, DiagEntry, k).cookie == f->cookie)
          found = &g_array_index (entries, DiagEntry, k);

      state = found != NULL ? found->state : LAB_TCP_GONE;
      if (state != f->last)
        {
          f->source.timeline = timeline;
          lab_record_instrumentation (&f->source, &pseudo, LAB_CALL_SOCK_DIAG, 0, 0,
                                      found != NULL ? found->tuple : "", state);
          lab_record_state (&f->source, &pseudo, state, f->last, FALSE, 0, 0);
          f->source.timeline = NULL;
          f->last = state;
        }

      if (state == LAB_TCP_GONE || now > f->deadline)
        g_ptr_array_remove_index (followed, i);
      else
        i++;
    }
}

static gpointer
watcher_main (gpointer data)
{
  g_mutex_lock (&watch_lock);
  while (watches->len > 0 || followed->len > 0)
    {
      gint64 now = g_get_monotonic_time ();

      for (guint i = 0; i < watches->len; i++)
        {
          LabKernelWatch *watch = watches->pdata[i];

          if (now < watch->next_poll)
            continue;
          sample_locked (watch);
          watch->next_poll = now + (watch->last == LAB_TCP_ESTABLISHED ? SETTLED_INTERVAL_US : 0);
        }
      if (followed->len > 0)
        poll_followed_locked ();

      g_cond_wait_until (&watch_cond, &watch_lock, g_get_monotonic_time () + POLL_INTERVAL_US);
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

  g_mutex_lock (&watch_lock);
  ensure_watcher_locked ();
  sock->watch = watch;
  g_ptr_array_add (watches, watch);
  sample_locked (watch);
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
        follow_locked (watch);

      lab_run_unref (watch->run);
      g_free (watch);
    }
  g_mutex_unlock (&watch_lock);
}
