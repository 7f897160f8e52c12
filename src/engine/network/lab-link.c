/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <glib/gi18n.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "lab-capture.h"
#include "lab-error.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-packet.h"
#include "lab-record-private.h"
#include "lab-timeline-private.h"
#include "lab-wire.h"

/* One thread forwards: it enters the link's namespace, takes the hosts'
 * ends of their veth pairs from the kernel's bridge, and opens a packet
 * socket on each (PACKET_IGNORE_OUTGOING: it does not see what it sends
 * itself; PACKET_VNET_HDR: a frame the kernel has not cut into segments
 * yet, or whose checksum is still to be made, goes on as it came). Frames
 * come in batches (recvmmsg), go out in batches (sendmmsg); with no
 * conditions on its way, a frame goes on from the buffer it came in.
 * Otherwise it is copied into the time-ordered queue of its direction, a
 * heap, bounded, and sent when its time comes: the thread waits in ppoll ()
 * for a frame or for the first time due, on CLOCK_MONOTONIC, never
 * spinning. Conditions change under a lock, and the thread takes them
 * when their generation does. */

#define BATCH       64
/* A frame the kernel has not segmented yet is up to 64 KiB. */
#define FRAME_MAX   (65536 + 64)
#define VNET_LEN    ((guint) sizeof (struct virtio_net_hdr))
#define SLOT_LEN    (VNET_LEN + FRAME_MAX)
#define SOCKET_BUF  (4 * 1024 * 1024)
/* Batches taken from one port before the others are looked at */
#define ROUNDS      4
/* What a held frame may take, all directions together */
#define HELD_BYTES_MAX (64u * 1024 * 1024)


typedef struct {
  gint64  release_ns;
  guint64 order;                /* arrival, for equal times */
  gint64  arrived_ns;
  guint32 len;                  /* with its vnet header */
  guint8  from;
  guint8  verdict;              /* recorded when it goes: delayed */
  guint32 value;
  guint8  data[];
} Frame;

typedef struct {
  Frame **items;
  guint   n;
  guint   cap;
} Heap;

typedef struct {
  LabLinkConditions c;
  gboolean          none;
  gboolean          bad;        /* Gilbert–Elliott: in the bad state */
  gint64            line_free_ns;
  guint64           arrivals;
  Heap              heap;
  /* When the line is down: from, until (CLOCK_MONOTONIC); equal: never */
  gint64            down_from_ns;
  gint64            down_until_ns;
} Direction;

typedef struct {
  int      fd;
  int      ifindex;
  guint8   mac[6];              /* the host's eth0, learnt from its frames */
  gboolean mac_known;
  /* Receiving */
  struct mmsghdr msgs[BATCH];
  struct iovec   iovs[BATCH];
  guint8        *slots;
  /* Sending */
  struct mmsghdr out_msgs[BATCH];
  struct iovec   out_iovs[BATCH];
  Frame         *out_frames[BATCH];
  guint          n_out;
} Port;

typedef struct {
  GThread     *thread;
  int          wake_fd;
  guint        n_ports;
  Port         ports[LAB_NETWORK_MAX_HOSTS];
  Direction    dirs[LAB_NETWORK_MAX_HOSTS];
  int          generation;
  int          seed_generation;
  int          schedule_generation;
  guint64      rng;
  guint64      held_bytes;
  gboolean     offload_off;
  LabTcpFlows *flows;
  gboolean     stopping;
  int          failed;            /* atomic: it left its loop on an error */
  char        *failure;           /* why, set before it */

  GMutex       lock;
  GCond        cond;
  gboolean     ready;
  GError      *error;
} Forwarder;

/* What every thread shares: the conditions wanted, the counters, the
 * timeline the capture records into. */
static GMutex lock;
static LabLinkConditions wanted[LAB_NETWORK_MAX_HOSTS];
static gboolean wanted_init;
static int generation;
static guint32 seed;
static gboolean seeded;
static int seed_generation;
static int schedule_generation;
static guint mtus[LAB_NETWORK_MAX_HOSTS];
static Forwarder *forwarder;
static LabLinkCounters counters[LAB_NETWORK_MAX_HOSTS];
static GMutex timeline_lock;
static LabTimeline *timeline;

#define COUNT(dir, field, n) __atomic_fetch_add (&counters[dir].field, (n), __ATOMIC_RELAXED)

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- Conditions ------------------------------------------------------------ */

void
lab_link_conditions_init (LabLinkConditions *c)
{
  memset (c, 0, sizeof *c);
  c->burst_loss = 1.0;
  c->queue_limit = LAB_LINK_DEFAULT_QUEUE;
}

/**
 * lab_link_conditions_is_none:
 *
 * Returns: whether @c lets every frame through at once, unchanged
 */
gboolean
lab_link_conditions_is_none (const LabLinkConditions *c)
{
  return c->delay_us == 0 && c->jitter_us == 0 && c->loss <= 0 && c->burst_enter <= 0 && c->duplicate <= 0 &&
         c->reorder <= 0 && c->corrupt <= 0 && c->rate_bps == 0 && c->down_for_us == 0;
}

static gboolean
check_fraction (double      value,
                const char *name,
                GError    **error)
{
  if (isfinite (value) && value >= 0 && value <= 1)
    return TRUE;
  /* Translators: %s is a setting of the link, as “loss”; a fraction is given as a percentage. */
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The link’s %s must be from 0 %% to 100 %%"), name);
  return FALSE;
}

/**
 * lab_link_conditions_check:
 *
 * Returns: whether every setting of @c is within its range, else %FALSE
 *   with @error naming the first that is not
 */
gboolean
lab_link_conditions_check (const LabLinkConditions *c,
                           GError                 **error)
{
  if (c->delay_us > LAB_LINK_MAX_DELAY_US || c->jitter_us > LAB_LINK_MAX_DELAY_US)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The link’s delay and jitter must be from 0 to %u ms"),
                   (guint) (LAB_LINK_MAX_DELAY_US / 1000));
      return FALSE;
    }
  if (c->down_after_us > LAB_LINK_MAX_DELAY_US || c->down_for_us > LAB_LINK_MAX_DELAY_US)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                   _("The times the link’s line goes down after and stays down for must be from 0 to %u ms"),
                   (guint) (LAB_LINK_MAX_DELAY_US / 1000));
      return FALSE;
    }
  if (c->jitter_us > c->delay_us)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                           _("The link’s jitter must be no more than its delay"));
      return FALSE;
    }
  if (!check_fraction (c->loss, _("loss"), error) || !check_fraction (c->burst_enter, _("chance of a burst"), error) ||
      !check_fraction (c->burst_leave, _("chance a burst ends"), error) ||
      !check_fraction (c->burst_loss, _("loss in a burst"), error) ||
      !check_fraction (c->duplicate, _("duplication"), error) || !check_fraction (c->reorder, _("reordering"), error) ||
      !check_fraction (c->corrupt, _("corruption"), error))
    return FALSE;
  if (c->burst_enter > 0 && c->burst_leave <= 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                           _("The link’s bursts of loss must have a chance to end"));
      return FALSE;
    }
  if (c->rate_bps != 0 && (c->rate_bps < LAB_LINK_MIN_RATE_BPS || c->rate_bps > LAB_LINK_MAX_RATE_BPS))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                   _("The link’s rate must be from %u bit/s to 100 Gbit/s"), (guint) LAB_LINK_MIN_RATE_BPS);
      return FALSE;
    }
  if (c->queue_limit > LAB_LINK_MAX_QUEUE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The link’s queue must hold from 1 to %u frames"),
                   (guint) LAB_LINK_MAX_QUEUE);
      return FALSE;
    }
  return TRUE;
}

static void
ensure_wanted (void)
{
  if (wanted_init)
    return;
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    lab_link_conditions_init (&wanted[i]);
  wanted_init = TRUE;
}

/* Called with the lock held: the forwarder takes new conditions now,
 * not at the next frame, which they then apply to from the first. */
static void
wake_locked (void)
{
  guint64 one = 1;

  if (forwarder != NULL && forwarder->wake_fd >= 0)
    (void) !write (forwarder->wake_fd, &one, sizeof one);
}

static gboolean
any_wanted (void)
{
  ensure_wanted ();
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    if (!lab_link_conditions_is_none (&wanted[i]))
      return TRUE;
  return FALSE;
}

/**
 * lab_link_set_conditions:
 * @to_host: the direction: the host its frames go to
 *
 * Sets the conditions of frames to @to_host, at once, connections running
 * or not; the forwarder starts if it is not running and the lab network
 * is made. @conditions must have passed lab_link_conditions_check().
 */
void
lab_link_set_conditions (guint                    to_host,
                         const LabLinkConditions *conditions)
{
  g_return_if_fail (to_host < LAB_NETWORK_MAX_HOSTS);
  g_return_if_fail (lab_link_conditions_check (conditions, NULL));

  g_mutex_lock (&lock);
  ensure_wanted ();
  wanted[to_host] = *conditions;
  if (wanted[to_host].queue_limit == 0)
    wanted[to_host].queue_limit = LAB_LINK_DEFAULT_QUEUE;
  g_atomic_int_inc (&generation);
  wake_locked ();
  g_mutex_unlock (&lock);

  if (lab_network_is_made ())
    {
      g_autoptr(GError) error = NULL;

      if (!lab_link_apply (&error))
        g_warning ("%s", error->message);
    }
}

void
lab_link_get_conditions (guint              to_host,
                         LabLinkConditions *conditions)
{
  g_return_if_fail (to_host < LAB_NETWORK_MAX_HOSTS);

  g_mutex_lock (&lock);
  ensure_wanted ();
  *conditions = wanted[to_host];
  g_mutex_unlock (&lock);
}

/**
 * lab_link_get_counters:
 *
 * What the link did to the frames to @to_host since it began, or since
 * lab_link_reset().
 */
void
lab_link_get_counters (guint            to_host,
                       LabLinkCounters *out)
{
  LabLinkCounters *c;

  g_return_if_fail (to_host < LAB_NETWORK_MAX_HOSTS);

  /* What the kernel dropped on the way in, taken from each socket: frames
   * from the one host to the other, with two. */
  g_mutex_lock (&lock);
  if (forwarder != NULL)
    for (guint from = 0; from < forwarder->n_ports; from++)
      {
        struct tpacket_stats st;
        socklen_t len = sizeof st;

        if (getsockopt (forwarder->ports[from].fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0 && st.tp_drops > 0)
          COUNT (forwarder->n_ports == 2 ? 1 - from : from, dropped_kernel, st.tp_drops);
      }
  g_mutex_unlock (&lock);

  c = &counters[to_host];
#define LOAD(field) out->field = __atomic_load_n (&c->field, __ATOMIC_RELAXED)
  LOAD (forwarded);
  LOAD (bytes);
  LOAD (dropped_loss);
  LOAD (dropped_burst);
  LOAD (dropped_queue);
  LOAD (duplicated);
  LOAD (reordered);
  LOAD (corrupted);
  LOAD (delayed);
  LOAD (dropped_down);
  LOAD (dropped_kernel);
  LOAD (queued);
  LOAD (queued_max);
#undef LOAD
}

/**
 * lab_link_reset:
 *
 * Takes every condition off, and sets the counters to 0.
 */
void
lab_link_reset (void)
{
  g_mutex_lock (&lock);
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    lab_link_conditions_init (&wanted[i]);
  wanted_init = TRUE;
  g_atomic_int_inc (&generation);
  wake_locked ();
  g_mutex_unlock (&lock);
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    {
      LabLinkCounters *c = &counters[i];

#define ZERO(field) __atomic_store_n (&c->field, 0, __ATOMIC_RELAXED)
      ZERO (forwarded);
      ZERO (bytes);
      ZERO (dropped_loss);
      ZERO (dropped_burst);
      ZERO (dropped_queue);
      ZERO (duplicated);
      ZERO (reordered);
      ZERO (corrupted);
      ZERO (delayed);
      ZERO (dropped_down);
      ZERO (dropped_kernel);
      ZERO (queued_max);
#undef ZERO
    }
}

/**
 * lab_link_restart_schedule:
 *
 * Counts the times a line goes down after from now, as when its
 * conditions were set: the bench plays.
 */
void
lab_link_restart_schedule (void)
{
  g_mutex_lock (&lock);
  schedule_generation++;
  g_atomic_int_inc (&generation);
  wake_locked ();
  g_mutex_unlock (&lock);
}

/**
 * lab_link_set_seed:
 *
 * Makes the link's chances the same from run to run: the tests' and the
 * benchmark's, from the next frame on.
 */
void
lab_link_set_seed (guint32 value)
{
  g_mutex_lock (&lock);
  seed = value;
  seeded = TRUE;
  seed_generation++;
  g_atomic_int_inc (&generation);
  g_mutex_unlock (&lock);
}

/* ---- Chance: xorshift64* ----------------------------------------------------- */

static inline guint64
next_random (Forwarder *f)
{
  f->rng ^= f->rng >> 12;
  f->rng ^= f->rng << 25;
  f->rng ^= f->rng >> 27;
  return f->rng * G_GUINT64_CONSTANT (2685821657736338717);
}

/* From 0 to 1, never 1 */
static inline double
next_double (Forwarder *f)
{
  return (double) (next_random (f) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
happens (Forwarder *f,
         double     chance)
{
  return chance > 0 && next_double (f) < chance;
}

/* ---- The heap of held frames ------------------------------------------------- */

static inline gboolean
before (const Frame *a,
        const Frame *b)
{
  return a->release_ns < b->release_ns || (a->release_ns == b->release_ns && a->order < b->order);
}

static void
heap_push (Heap  *h,
           Frame *frame)
{
  guint i;

  if (h->n == h->cap)
    {
      h->cap = MAX (64, h->cap * 2);
      h->items = g_renew (Frame *, h->items, h->cap);
    }
  i = h->n++;
  while (i > 0 && before (frame, h->items[(i - 1) / 2]))
    {
      h->items[i] = h->items[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  h->items[i] = frame;
}

static Frame *
heap_pop (Heap *h)
{
  Frame *top = h->items[0], *last = h->items[--h->n];
  guint i = 0;

  for (;;)
    {
      guint child = 2 * i + 1;

      if (child >= h->n)
        break;
      if (child + 1 < h->n && before (h->items[child + 1], h->items[child]))
        child++;
      if (!before (h->items[child], last))
        break;
      h->items[i] = h->items[child];
      i = child;
    }
  if (h->n > 0)
    h->items[i] = last;
  return top;
}

/* ---- Events ------------------------------------------------------------------ */

/**
 * lab_link_set_timeline:
 *
 * The timeline the link's events go to, the capture's; %NULL: none.
 */
void
lab_link_set_timeline (LabTimeline *value)
{
  g_mutex_lock (&timeline_lock);
  if (value != NULL)
    g_object_ref (value);
  g_clear_object (&timeline);
  timeline = value;
  g_mutex_unlock (&timeline_lock);
}

static void
record (Forwarder      *f,
        guint           from,
        const guint8   *data,
        guint32         len,
        LabLinkVerdict  verdict,
        guint32         value)
{
  g_autoptr(LabTimeline) tl = NULL;
  const guint8 *frame = data + VNET_LEN;
  guint32 frame_len = len - VNET_LEN;
  guint32 caplen = MIN (frame_len, (guint32) LAB_CAPTURE_SNAPLEN);
  LabPacketInfo info;
  LabRecord r;
  LabArena *arena;

  g_mutex_lock (&timeline_lock);
  if (timeline != NULL)
    tl = g_object_ref (timeline);
  g_mutex_unlock (&timeline_lock);
  if (tl == NULL)
    return;

  lab_record_init (&r, LAB_EVENT_PACKET);
  r.begin_us = g_get_monotonic_time () - lab_timeline_get_clock_start (tl);
  r.sub = (guint8) from;
  r.fd = LAB_CAPTURE_LINK;
  r.real_len = frame_len;
  r.link_verdict = (guint8) verdict;
  r.link_value = value;
  if (lab_packet_decode (frame, caplen, frame_len, &info))
    lab_tcp_flows_see (f->flows, &info, &r.offset, &r.previous, &r.dup_ack);
  arena = lab_timeline_get_payload_arena (tl);
  r.blob = lab_arena_write (arena, frame, caplen);
  r.blob_len = r.blob != LAB_ARENA_NONE ? caplen : 0;
  lab_timeline_push (tl, &r);
}

/* Frames that pass with no verdict still teach the link the connections'
 * first numbers, for those it may hold later. */
static void
see (Forwarder    *f,
     const guint8 *data,
     guint32       len)
{
  LabPacketInfo info;
  guint64 bases;
  guint8 known, dup;

  if (lab_packet_decode (data + VNET_LEN, MIN (len - VNET_LEN, (guint32) LAB_CAPTURE_SNAPLEN), len - VNET_LEN, &info) &&
      info.proto == LAB_PACKET_TCP && (info.tcp_flags & LAB_TCP_SYN) != 0)
    lab_tcp_flows_see (f->flows, &info, &bases, &known, &dup);
}

/* ---- The hosts' interfaces -------------------------------------------------------- */

/* Turns the segmentation of TCP by the interface off (or on again) on
 * every host's eth0: under conditions, each segment must be a frame of
 * its own, to be lost or late alone. */
static void
set_offload (gboolean on)
{
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      int ns = lab_network_open_host (lab_network_get_host (i)->name, NULL);
      int fd;

      if (ns < 0)
        continue;
      fd = lab_network_socket_in (ns, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      close (ns);
      if (fd < 0)
        continue;
      for (guint k = 0; k < 3; k++)
        {
          static const guint32 commands[] = { ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SUFO };
          struct ethtool_value value = { commands[k], on ? 1 : 0 };
          struct ifreq ifr;

          memset (&ifr, 0, sizeof ifr);
          g_strlcpy (ifr.ifr_name, "eth0", sizeof ifr.ifr_name);
          ifr.ifr_data = (void *) &value;
          (void) ioctl (fd, SIOCETHTOOL, &ifr);
        }
      close (fd);
    }
}

typedef struct {
  int         netns;
  const char *name;
  guint       mtu;
  int         master;           /* -1: leave; 0: none; else the bridge's index */
  int         err;
} LinkChange;

static gpointer
change_main (gpointer data)
{
  LinkChange *c = data;
  struct nl_sock *sk = NULL;
  struct rtnl_link *link = NULL, *change = NULL;

  if (c->netns >= 0 && lab_network_enter (c->netns) != 0)
    {
      c->err = -NLE_FAILURE;
      return NULL;
    }
  sk = nl_socket_alloc ();
  if (sk == NULL || (c->err = nl_connect (sk, NETLINK_ROUTE)) < 0 ||
      (c->err = rtnl_link_get_kernel (sk, 0, c->name, &link)) < 0)
    goto out;
  change = rtnl_link_alloc ();
  if (c->mtu != 0)
    rtnl_link_set_mtu (change, c->mtu);
  if (c->master >= 0)
    rtnl_link_set_master (change, c->master);
  c->err = rtnl_link_change (sk, link, change, 0);
out:
  if (change != NULL)
    rtnl_link_put (change);
  if (link != NULL)
    rtnl_link_put (link);
  if (sk != NULL)
    nl_socket_free (sk);
  return NULL;
}

/* Changes an interface of a namespace (-1: the calling thread's), from a
 * thread of its own unless it is the calling thread's. */
static int
change_link (int         netns,
             const char *name,
             guint       mtu,
             int         master)
{
  LinkChange c = { netns, name, mtu, master, 0 };

  if (netns < 0)
    change_main (&c);
  else
    g_thread_join (g_thread_new ("protolab-netlink", change_main, &c));
  return c.err;
}

/**
 * lab_link_set_mtu:
 * @mtu: from LAB_LINK_MIN_MTU to LAB_LINK_MAX_MTU; 0: the default, 1500
 *
 * Sets the MTU of @host's interface (eth0) now if the network is made,
 * and whenever it is.
 */
gboolean
lab_link_set_mtu (guint    host,
                  guint    mtu,
                  GError **error)
{
  int ns, err;

  g_return_val_if_fail (host < lab_network_get_n_hosts (), FALSE);

  if (mtu != 0 && (mtu < LAB_LINK_MIN_MTU || mtu > LAB_LINK_MAX_MTU))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The MTU must be from %u to %u bytes"),
                   (guint) LAB_LINK_MIN_MTU, (guint) LAB_LINK_MAX_MTU);
      return FALSE;
    }
  g_mutex_lock (&lock);
  mtus[host] = mtu;
  g_mutex_unlock (&lock);
  if (!lab_network_is_made ())
    return TRUE;

  if ((ns = lab_network_open_host (lab_network_get_host (host)->name, error)) < 0)
    return FALSE;
  err = change_link (ns, "eth0", mtu != 0 ? mtu : 1500, -1);
  close (ns);
  if (err < 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not set the MTU of %s: %s"),
                   lab_network_get_host (host)->name, nl_geterror (err));
      return FALSE;
    }
  return TRUE;
}

/**
 * lab_link_get_mtu:
 *
 * Returns: the MTU set for @host's eth0, 0 for the default
 */
guint
lab_link_get_mtu (guint host)
{
  guint mtu;

  g_return_val_if_fail (host < LAB_NETWORK_MAX_HOSTS, 0);

  g_mutex_lock (&lock);
  mtu = mtus[host];
  g_mutex_unlock (&lock);
  return mtu;
}

/* ---- The forwarder ------------------------------------------------------------ */

static gboolean
fail (Forwarder  *f,
      const char *what,
      int         err)
{
  if (f->error == NULL)
    g_set_error (&f->error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not start the lab’s link: %s: %s"), what,
                 g_strerror (err));
  return FALSE;
}

static gboolean
open_port (Forwarder  *f,
           Port       *p,
           const char *name)
{
  struct sockaddr_ll sll = { 0 };
  int one = 1, buf = SOCKET_BUF;

  p->fd = socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons (ETH_P_ALL));
  if (p->fd < 0)
    return fail (f, "socket (AF_PACKET)", errno);
  if ((p->ifindex = (int) if_nametoindex (name)) == 0)
    return fail (f, name, errno);
  if (setsockopt (p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0)
    return fail (f, "PACKET_IGNORE_OUTGOING", errno);
  if (setsockopt (p->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0)
    return fail (f, "PACKET_VNET_HDR", errno);
  (void) setsockopt (p->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  (void) setsockopt (p->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  (void) setsockopt (p->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons (ETH_P_ALL);
  sll.sll_ifindex = p->ifindex;
  if (bind (p->fd, (struct sockaddr *) &sll, sizeof sll) != 0)
    return fail (f, "bind (AF_PACKET)", errno);

  p->slots = g_malloc ((gsize) BATCH * SLOT_LEN);
  for (guint i = 0; i < BATCH; i++)
    {
      p->iovs[i] = (struct iovec) { p->slots + (gsize) i * SLOT_LEN, SLOT_LEN };
      p->msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &p->iovs[i], .msg_iovlen = 1 };
      p->out_msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &p->out_iovs[i], .msg_iovlen = 1 };
    }
  return TRUE;
}

/* Takes the hosts' ends off the bridge (or puts them back), from the
 * link's namespace, which the calling thread is in. */
static gboolean
set_bridged (Forwarder *f,
             gboolean   bridged)
{
  int bridge = (int) if_nametoindex (lab_network_get_link_name ());

  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      int err = change_link (-1, lab_network_get_host (i)->name, bridged ? 0 : LAB_LINK_MAX_MTU,
                             bridged ? bridge : 0);

      if (err < 0)
        {
          if (f != NULL && f->error == NULL)
            g_set_error (&f->error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not start the lab’s link: %s: %s"),
                         lab_network_get_host (i)->name, nl_geterror (err));
          return FALSE;
        }
    }
  return TRUE;
}

static void
take_conditions (Forwarder *f)
{
  gboolean any = FALSE;

  g_mutex_lock (&lock);
  ensure_wanted ();
  f->generation = g_atomic_int_get (&generation);
  if (seeded && f->seed_generation != seed_generation)
    {
      f->rng = (guint64) seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;
      f->seed_generation = seed_generation;
    }
  for (guint i = 0; i < f->n_ports; i++)
    {
      Direction *d = &f->dirs[i];
      gboolean restart = f->schedule_generation != schedule_generation || d->c.down_after_us != wanted[i].down_after_us ||
                         d->c.down_for_us != wanted[i].down_for_us;

      d->c = wanted[i];
      d->none = lab_link_conditions_is_none (&d->c);
      if (restart)
        {
          d->down_from_ns = now_ns () + (gint64) d->c.down_after_us * 1000;
          d->down_until_ns = d->down_from_ns + (gint64) d->c.down_for_us * 1000;
        }
      if (d->c.burst_enter <= 0)
        d->bad = FALSE;
      any |= !d->none;
    }
  f->schedule_generation = schedule_generation;
  g_mutex_unlock (&lock);

  /* Segments one frame each while there are conditions, and as the
   * kernel likes best when there are none. */
  if (any != f->offload_off)
    {
      set_offload (!any);
      f->offload_off = any;
    }
}

static void
flush_port (Forwarder *f,
            Port      *p)
{
  guint sent = 0;

  while (sent < p->n_out)
    {
      int n = sendmmsg (p->fd, p->out_msgs + sent, p->n_out - sent, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == ENOBUFS)
            {
              struct pollfd pfd = { p->fd, POLLOUT, 0 };

              (void) poll (&pfd, 1, 10);
              continue;
            }
          /* A frame the interface refuses (too long for it) goes no
           * further; the others do. */
          sent++;
          continue;
        }
      sent += (guint) n;
    }
  for (guint i = 0; i < p->n_out; i++)
    if (p->out_frames[i] != NULL)
      {
        f->held_bytes -= p->out_frames[i]->len;
        g_free (p->out_frames[i]);
        p->out_frames[i] = NULL;
      }
  p->n_out = 0;
}

static void
queue_out (Forwarder *f,
           guint      to,
           guint8    *data,
           guint32    len,
           Frame     *frame)
{
  Port *p = &f->ports[to];

  if (p->n_out == BATCH)
    flush_port (f, p);
  p->out_iovs[p->n_out] = (struct iovec) { data, len };
  p->out_msgs[p->n_out].msg_hdr.msg_iovlen = 1;
  p->out_frames[p->n_out] = frame;
  p->n_out++;
  COUNT (to, forwarded, 1);
  COUNT (to, bytes, len - VNET_LEN);
}

/* Makes the checksum a frame's vnet header says is still to be made, as
 * the kernel would, so that a bit flipped after is one the receiver sees. */
static void
finish_checksum (guint8  *data,
                 guint32  len)
{
  struct virtio_net_hdr *vnet = (struct virtio_net_hdr *) (void *) data;
  guint8 *frame = data + VNET_LEN;
  guint32 frame_len = len - VNET_LEN, start = vnet->csum_start, at = start + vnet->csum_offset;
  guint32 sum = 0;
  guint16 result;

  if ((vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) == 0)
    return;
  if (start >= frame_len || at + 2 > frame_len)
    return;
  for (guint32 i = start; i + 1 < frame_len; i += 2)
    sum += (guint32) frame[i] << 8 | frame[i + 1];
  if ((frame_len - start) % 2 != 0)
    sum += (guint32) frame[frame_len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  result = (guint16) ~sum;
  frame[at] = (guint8) (result >> 8);
  frame[at + 1] = (guint8) result;
  vnet->flags &= (guint8) ~VIRTIO_NET_HDR_F_NEEDS_CSUM;
}

static Frame *
frame_new (Forwarder    *f,
           guint         from,
           const guint8 *data,
           guint32       len,
           gint64        now)
{
  Frame *frame;

  if (f->held_bytes + len > HELD_BYTES_MAX)
    return NULL;
  frame = g_malloc (sizeof (Frame) + len);
  memcpy (frame->data, data, len);
  frame->len = len;
  frame->from = (guint8) from;
  frame->arrived_ns = now;
  frame->verdict = LAB_LINK_PASSED;
  frame->value = 0;
  f->held_bytes += len;
  return frame;
}

static guint32
ppm (double fraction)
{
  return (guint32) lround (fraction * 1e6);
}

static gboolean
is_down (const Direction *d,
         gint64           now)
{
  return now >= d->down_from_ns && now < d->down_until_ns;
}

static guint32
down_ms (const Direction *d,
         gint64           now)
{
  return (guint32) ((now - d->down_from_ns) / 1000000);
}

/* A frame from @from to @to, through the conditions of its direction. */
static void
condition (Forwarder *f,
           guint      from,
           guint      to,
           guint8    *data,
           guint32    len,
           gint64     now)
{
  Direction *d = &f->dirs[to];
  const LabLinkConditions *c = &d->c;
  guint copies = 1;
  guint limit = c->queue_limit != 0 ? c->queue_limit : LAB_LINK_DEFAULT_QUEUE;

  if (d->none && d->heap.n == 0)
    {
      see (f, data, len);
      queue_out (f, to, data, len, NULL);
      return;
    }

  if (is_down (d, now))
    {
      COUNT (to, dropped_down, 1);
      record (f, from, data, len, LAB_LINK_DROPPED_DOWN, down_ms (d, now));
      return;
    }

  /* Loss: in bursts (the state changes first), then at random. */
  if (c->burst_enter > 0)
    {
      if (!d->bad ? happens (f, c->burst_enter) : happens (f, c->burst_leave))
        d->bad = !d->bad;
      if (d->bad && happens (f, c->burst_loss))
        {
          COUNT (to, dropped_burst, 1);
          record (f, from, data, len, LAB_LINK_DROPPED_BURST, ppm (c->burst_loss));
          return;
        }
    }
  if (happens (f, c->loss))
    {
      COUNT (to, dropped_loss, 1);
      record (f, from, data, len, LAB_LINK_DROPPED_LOSS, ppm (c->loss));
      return;
    }
  if (happens (f, c->duplicate))
    copies = 2;

  for (guint k = 0; k < copies; k++)
    {
      Frame *frame;
      gint64 release = now + (gint64) c->delay_us * 1000;
      gboolean ahead;

      if (d->heap.n >= limit || (frame = frame_new (f, from, data, len, now)) == NULL)
        {
          COUNT (to, dropped_queue, 1);
          record (f, from, data, len, LAB_LINK_DROPPED_QUEUE, limit);
          return;
        }
      if (c->jitter_us > 0)
        release += (gint64) ((next_double (f) * 2 - 1) * c->jitter_us * 1000);
      /* Reordering, as netem does it: a frame goes at once, ahead of those
       * held; with no delay to go ahead of, the others go ahead of it. */
      ahead = happens (f, c->reorder);
      if (ahead)
        {
          if (c->delay_us > 0)
            release = now;
          else
            release = now + 1000000;
          COUNT (to, reordered, 1);
          record (f, from, data, len, LAB_LINK_REORDERED, d->heap.n);
        }
      if (c->rate_bps > 0)
        {
          gint64 transmit = (gint64) ((len - VNET_LEN + 24) * 8 * G_GUINT64_CONSTANT (1000000000) / c->rate_bps);

          /* The line is one: a frame begins when the one before it has
           * gone (its delay then counts from its end). */
          d->line_free_ns = MAX (d->line_free_ns, now) + transmit;
          release = MAX (release, d->line_free_ns + (gint64) c->delay_us * 1000);
          if (ahead)
            release = d->line_free_ns;
        }
      if (happens (f, c->corrupt))
        {
          struct virtio_net_hdr *vnet = (struct virtio_net_hdr *) (void *) frame->data;

          if (vnet->gso_type == VIRTIO_NET_HDR_GSO_NONE && len > VNET_LEN + ETH_HLEN)
            {
              guint32 bit = ETH_HLEN * 8 + (guint32) (next_random (f) % ((len - VNET_LEN - ETH_HLEN) * 8));

              finish_checksum (frame->data, len);
              frame->data[VNET_LEN + bit / 8] ^= (guint8) (1u << (7 - bit % 8));
              COUNT (to, corrupted, 1);
              record (f, from, frame->data, len, LAB_LINK_CORRUPTED, bit);
            }
        }
      if (k == 1)
        {
          COUNT (to, duplicated, 1);
          record (f, from, data, len, LAB_LINK_DUPLICATED, ppm (c->duplicate));
        }
      else
        see (f, data, len);
      frame->release_ns = release;
      frame->order = d->arrivals++;
      if (release > now + 200000)   /* held more than 0.2 ms: recorded when it goes */
        frame->verdict = LAB_LINK_DELAYED;
      heap_push (&d->heap, frame);
      COUNT (to, queued, 1);
      if (d->heap.n > __atomic_load_n (&counters[to].queued_max, __ATOMIC_RELAXED))
        __atomic_store_n (&counters[to].queued_max, d->heap.n, __ATOMIC_RELAXED);
    }
}

/* Sends the held frames whose time has come. */
static void
release_due (Forwarder *f,
             gint64     now)
{
  for (guint to = 0; to < f->n_ports; to++)
    {
      Direction *d = &f->dirs[to];

      while (d->heap.n > 0 && d->heap.items[0]->release_ns <= now)
        {
          Frame *frame = heap_pop (&d->heap);

          COUNT (to, queued, (guint) -1);
          /* On the line when it went down: lost with it */
          if (is_down (d, now))
            {
              COUNT (to, dropped_down, 1);
              record (f, frame->from, frame->data, frame->len, LAB_LINK_DROPPED_DOWN, down_ms (d, now));
              f->held_bytes -= frame->len;
              g_free (frame);
              continue;
            }
          if (frame->verdict == LAB_LINK_DELAYED)
            {
              COUNT (to, delayed, 1);
              record (f, frame->from, frame->data, frame->len, LAB_LINK_DELAYED,
                      (guint32) MIN ((now - frame->arrived_ns) / 1000, (gint64) G_MAXUINT32));
            }
          queue_out (f, to, frame->data, frame->len, frame);
        }
      flush_port (f, &f->ports[to]);
    }
}

/* Where a frame from @from goes: the port of its destination, when known
 * and a host's, else every other port. */
static void
forward (Forwarder *f,
         guint      from,
         guint8    *data,
         guint32    len,
         gint64     now)
{
  const guint8 *dst = data + VNET_LEN;
  Port *src = &f->ports[from];

  if (len < VNET_LEN + ETH_HLEN)
    return;
  if (!src->mac_known)
    {
      memcpy (src->mac, dst + 6, 6);
      src->mac_known = TRUE;
    }
  if ((dst[0] & 1) == 0)
    for (guint to = 0; to < f->n_ports; to++)
      if (to != from && f->ports[to].mac_known && memcmp (f->ports[to].mac, dst, 6) == 0)
        {
          condition (f, from, to, data, len, now);
          return;
        }
  for (guint to = 0; to < f->n_ports; to++)
    if (to != from)
      condition (f, from, to, data, len, now);
}

static void
take_port (Forwarder *f,
           guint      from)
{
  Port *p = &f->ports[from];

  for (guint round = 0; round < ROUNDS; round++)
    {
      int n = recvmmsg (p->fd, p->msgs, BATCH, MSG_DONTWAIT, NULL);
      gint64 now;

      if (n <= 0)
        return;
      now = now_ns ();
      for (int i = 0; i < n; i++)
        if ((p->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) == 0)
          forward (f, from, p->iovs[i].iov_base, p->msgs[i].msg_len, now);
      /* What went on from the buffers goes before they are used again. */
      for (guint to = 0; to < f->n_ports; to++)
        flush_port (f, &f->ports[to]);
      if (n < BATCH)
        return;
    }
}

static gboolean
forwarder_open (Forwarder *f)
{
  int link = lab_network_open_link (&f->error);
  int err;

  if (link < 0)
    return FALSE;
  err = lab_network_enter (link);
  close (link);
  if (err != 0)
    return fail (f, "setns", err);
  if (!set_bridged (f, FALSE))
    return FALSE;
  f->n_ports = lab_network_get_n_hosts ();
  for (guint i = 0; i < f->n_ports; i++)
    if (!open_port (f, &f->ports[i], lab_network_get_host (i)->name))
      {
        /* The bridge forwards again, as if the link had not been tried */
        set_bridged (NULL, TRUE);
        return FALSE;
      }
  return TRUE;
}

static gpointer
forwarder_main (gpointer data)
{
  Forwarder *f = data;
  struct pollfd fds[LAB_NETWORK_MAX_HOSTS + 1];
  gboolean ok = forwarder_open (f);

  /* A held frame goes when its time comes, not up to 50 µs after */
  (void) prctl (PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

  if (ok)
    take_conditions (f);
  g_mutex_lock (&f->lock);
  f->ready = TRUE;
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->lock);
  if (!ok)
    return NULL;

  for (guint i = 0; i < f->n_ports; i++)
    fds[i] = (struct pollfd) { f->ports[i].fd, POLLIN, 0 };
  fds[f->n_ports] = (struct pollfd) { f->wake_fd, POLLIN, 0 };

  for (;;)
    {
      gint64 now = now_ns (), first = G_MAXINT64;
      struct timespec wait;

      if (g_atomic_int_get (&generation) != f->generation)
        take_conditions (f);
      release_due (f, now);
      for (guint to = 0; to < f->n_ports; to++)
        if (f->dirs[to].heap.n > 0)
          first = MIN (first, f->dirs[to].heap.items[0]->release_ns);
      if (first != G_MAXINT64)
        {
          /* Once: the clock read twice may have passed @first between */
          gint64 left = first - now_ns ();

          left = MAX (left, 0);

          wait.tv_sec = left / 1000000000;
          wait.tv_nsec = left % 1000000000;
        }
      if (ppoll (fds, f->n_ports + 1, first != G_MAXINT64 ? &wait : NULL, NULL) < 0 && errno != EINTR)
        {
          int err = errno;

          /* Said, not silent: the bridge forwards from now on, without
           * the conditions, until they are set again */
          /* Translators: the call that failed, then why. */
          f->failure = g_strdup_printf (_("The lab’s link stopped: %s: %s"), "ppoll", g_strerror (err));
          g_atomic_int_set (&f->failed, TRUE);
          break;
        }
      if (fds[f->n_ports].revents != 0)
        {
          guint64 count;

          (void) !read (f->wake_fd, &count, sizeof count);
          if (f->stopping)
            break;
        }
      /* Conditions changed while it waited apply to what woke it */
      if (g_atomic_int_get (&generation) != f->generation)
        take_conditions (f);
      for (guint i = 0; i < f->n_ports; i++)
        if (fds[i].revents != 0)
          take_port (f, i);
    }

  /* What is held goes, as it would have. */
  for (guint to = 0; to < f->n_ports; to++)
    while (f->dirs[to].heap.n > 0)
      {
        g_free (heap_pop (&f->dirs[to].heap));
        COUNT (to, queued, (guint) -1);
      }
  /* The hosts are joined again by the bridge; after an error, what made
   * it may stop that too for a while (no descriptor to spare): tried
   * again, for five seconds at most */
  for (guint tries = 0; !set_bridged (NULL, TRUE) && g_atomic_int_get (&f->failed) && !f->stopping && tries < 50;
       tries++)
    g_usleep (100000);
  if (f->offload_off)
    set_offload (TRUE);
  return NULL;
}

static void
forwarder_free (Forwarder *f)
{
  if (f->thread != NULL)
    {
      guint64 one = 1;

      f->stopping = TRUE;
      (void) !write (f->wake_fd, &one, sizeof one);
      g_thread_join (f->thread);
    }
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    {
      if (f->ports[i].fd >= 0)
        close (f->ports[i].fd);
      g_free (f->ports[i].slots);
      g_free (f->dirs[i].heap.items);
    }
  if (f->wake_fd >= 0)
    close (f->wake_fd);
  g_clear_pointer (&f->flows, lab_tcp_flows_free);
  g_clear_error (&f->error);
  g_free (f->failure);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
  g_free (f);
}

/**
 * lab_link_start:
 *
 * Forwards between the hosts with the lab's own link, instead of the
 * kernel's bridge, conditions or none; makes the lab network if it is not
 * made. Nothing if it does already.
 */
gboolean
lab_link_start (GError **error)
{
  Forwarder *f;
  gboolean ok = TRUE;

  g_mutex_lock (&lock);
  if (forwarder != NULL && !g_atomic_int_get (&forwarder->failed))
    {
      g_mutex_unlock (&lock);
      return TRUE;
    }
  /* One that stopped on an error gives way to a new one */
  if (forwarder != NULL)
    {
      Forwarder *stopped = g_steal_pointer (&forwarder);

      g_mutex_unlock (&lock);
      forwarder_free (stopped);
      g_mutex_lock (&lock);
    }
  f = g_new0 (Forwarder, 1);
  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    f->ports[i].fd = -1;
  f->rng = seeded ? seed : (guint64) g_get_real_time ();
  f->rng = f->rng * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;
  f->flows = lab_tcp_flows_new ();
  f->generation = -1;
  f->seed_generation = -1;
  g_mutex_unlock (&lock);

  if ((f->wake_fd = eventfd (0, EFD_CLOEXEC)) < 0)
    ok = fail (f, "eventfd", errno);
  else
    {
      f->thread = g_thread_new ("protolab-link", forwarder_main, f);
      g_mutex_lock (&f->lock);
      while (!f->ready)
        g_cond_wait (&f->cond, &f->lock);
      g_mutex_unlock (&f->lock);
    }
  if (f->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&f->error));
      ok = FALSE;
    }
  if (!ok)
    {
      forwarder_free (f);
      return FALSE;
    }

  g_mutex_lock (&lock);
  if (forwarder == NULL)
    forwarder = f, f = NULL;
  g_mutex_unlock (&lock);
  if (f != NULL)
    forwarder_free (f);
  return TRUE;
}

/**
 * lab_link_apply:
 *
 * Starts the lab's link if a direction has conditions; makes the lab
 * network then.
 */
gboolean
lab_link_apply (GError **error)
{
  gboolean any;

  g_mutex_lock (&lock);
  any = any_wanted ();
  g_mutex_unlock (&lock);
  return !any || lab_link_start (error);
}

/**
 * lab_link_stop:
 *
 * The kernel's bridge forwards again; the conditions stay for the next
 * start.
 */
void
lab_link_stop (void)
{
  Forwarder *f;

  g_mutex_lock (&lock);
  f = g_steal_pointer (&forwarder);
  g_mutex_unlock (&lock);
  if (f != NULL)
    forwarder_free (f);
}

gboolean
lab_link_is_running (void)
{
  gboolean running;

  g_mutex_lock (&lock);
  running = forwarder != NULL && !g_atomic_int_get (&forwarder->failed);
  g_mutex_unlock (&lock);
  return running;
}

/**
 * lab_link_dup_failure:
 *
 * Returns: (transfer full) (nullable): why the lab's link stopped by
 *   itself, in the current language, while it has not started again;
 *   the kernel's bridge forwards meanwhile, without the conditions
 */
char *
lab_link_dup_failure (void)
{
  char *text;

  g_mutex_lock (&lock);
  text = forwarder != NULL && g_atomic_int_get (&forwarder->failed) ? g_strdup (forwarder->failure) : NULL;
  g_mutex_unlock (&lock);
  return text;
}

/* ---- Words ------------------------------------------------------------------ */

static char *
format_percent (guint32 parts_per_million)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.4g", parts_per_million / 1e4));
}

/**
 * lab_link_verdict_text:
 *
 * Returns: (nullable): what the link did to a frame, in the current
 *   language; %NULL for %LAB_LINK_PASSED
 */
char *
lab_link_verdict_text (LabLinkVerdict verdict,
                       guint32        value)
{
  g_autofree char *percent = format_percent (value);

  switch (verdict)
    {
    case LAB_LINK_DROPPED_LOSS:
      /* Translators: %s is a percentage, as 10. */
      return g_strdup_printf (_("dropped by the link: loss %s %%"), percent);
    case LAB_LINK_DROPPED_BURST:
      /* Translators: %s is a percentage, as 100. */
      return g_strdup_printf (_("dropped by the link: a burst of loss (%s %% lost in it)"), percent);
    case LAB_LINK_DROPPED_QUEUE:
      /* Translators: %u is a number of frames. */
      return g_strdup_printf (_("dropped by the link: its queue was full (%u frames)"), value);
    case LAB_LINK_DELAYED:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        /* Translators: %s is a number of milliseconds, as 80.2. */
        return g_strdup_printf (_("delayed by the link: %s ms"),
                                g_ascii_formatd (buffer, sizeof buffer, "%.1f", value / 1000.0));
      }
    case LAB_LINK_DUPLICATED:
      /* Translators: %s is a percentage, as 1. */
      return g_strdup_printf (_("duplicated by the link: duplication %s %%"), percent);
    case LAB_LINK_REORDERED:
      /* Translators: %u is a number of frames. */
      return g_strdup_printf (ngettext ("reordered by the link: sent ahead of %u frame held",
                                        "reordered by the link: sent ahead of %u frames held", value),
                              value);
    case LAB_LINK_CORRUPTED:
      /* Translators: %u is a bit's position in the frame, counted from 0. */
      return g_strdup_printf (_("corrupted by the link: bit %u flipped"), value);
    case LAB_LINK_DROPPED_DOWN:
      /* Translators: %u is a number of milliseconds. */
      return g_strdup_printf (_("dropped by the link: the line has been down for %u ms"), value);
    case LAB_LINK_PASSED:
    case LAB_LINK_N_VERDICTS:
    default:
      return NULL;
    }
}

/**
 * lab_link_conditions_text:
 *
 * Returns: the conditions in a line, in the current language: “none”
 *   when there are none
 */
char *
lab_link_conditions_text (const LabLinkConditions *c)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (c->delay_us > 0)
    /* Translators: a condition of the link; %s is a number of milliseconds. */
    g_ptr_array_add (parts, g_strdup_printf (_("delay %s ms"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.6g", c->delay_us / 1000.0)));
  if (c->jitter_us > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("jitter %s ms"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.6g", c->jitter_us / 1000.0)));
  if (c->loss > 0)
    /* Translators: a condition of the link; %s is a percentage. */
    g_ptr_array_add (parts, g_strdup_printf (_("loss %s %%"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.4g", c->loss * 100)));
  if (c->burst_enter > 0)
    g_ptr_array_add (parts, g_strdup (_("bursts of loss")));
  if (c->duplicate > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("duplication %s %%"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.4g", c->duplicate * 100)));
  if (c->reorder > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("reordering %s %%"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.4g", c->reorder * 100)));
  if (c->corrupt > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("corruption %s %%"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.4g", c->corrupt * 100)));
  if (c->rate_bps > 0)
    /* Translators: a condition of the link; %s is a number of kilobits a second. */
    g_ptr_array_add (parts, g_strdup_printf (_("rate %s kbit/s"),
                                             g_ascii_formatd (buffer, sizeof buffer, "%.6g", c->rate_bps / 1000.0)));
  if (c->down_for_us > 0)
    {
      char after[G_ASCII_DTOSTR_BUF_SIZE];

      /* Translators: a condition of the link; each %s is a number of seconds. */
      g_ptr_array_add (parts, g_strdup_printf (_("down for %s s after %s s"),
                                               g_ascii_formatd (buffer, sizeof buffer, "%.6g", c->down_for_us / 1e6),
                                               g_ascii_formatd (after, sizeof after, "%.6g", c->down_after_us / 1e6)));
    }
  if (parts->len == 0)
    /* Translators: the link's conditions, when there are none. */
    return g_strdup (C_("link conditions", "none"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

/* ---- Reading settings: 80ms, 10%, 1mbit ------------------------------------ */

/* A decimal number, digits and one point, no sign, no exponent, then its
 * unit: the text after it, spaces between allowed. */
static gboolean
read_decimal (const char  *text,
              double      *value,
              const char **unit)
{
  const char *p = text;
  gboolean digits = FALSE, point = FALSE;

  while (g_ascii_isspace (*p))
    p++;
  text = p;
  for (; g_ascii_isdigit (*p) || (*p == '.' && !point); p++)
    {
      if (*p == '.')
        point = TRUE;
      else
        digits = TRUE;
    }
  if (!digits || p - text > 32)
    return FALSE;
  {
    g_autofree char *number = g_strndup (text, (gsize) (p - text));

    *value = g_ascii_strtod (number, NULL);
  }
  while (g_ascii_isspace (*p))
    p++;
  *unit = p;
  return isfinite (*value);
}

static gboolean
unit_is (const char *unit,
         const char *name)
{
  gsize len = strlen (name);

  if (g_ascii_strncasecmp (unit, name, len) != 0)
    return FALSE;
  unit += len;
  while (g_ascii_isspace (*unit))
    unit++;
  return *unit == '\0';
}

/**
 * lab_link_parse_time:
 * @text: “80ms”, “1.5 s”, “250us”; a number alone is milliseconds
 * @us: (out): in microseconds
 *
 * Returns: whether @text is a time from 0 to LAB_LINK_MAX_DELAY_US
 */
gboolean
lab_link_parse_time (const char *text,
                     guint      *us)
{
  const char *unit;
  double value, scale;

  if (!read_decimal (text, &value, &unit))
    return FALSE;
  if (*unit == '\0' || unit_is (unit, "ms"))
    scale = 1000;
  else if (unit_is (unit, "s"))
    scale = 1e6;
  else if (unit_is (unit, "us") || unit_is (unit, "µs"))
    scale = 1;
  else
    return FALSE;
  value *= scale;
  if (value > LAB_LINK_MAX_DELAY_US)
    return FALSE;
  *us = (guint) lround (value);
  return TRUE;
}

/**
 * lab_link_parse_fraction:
 * @text: “10%”, “0.5 %”; a number alone is a percentage too
 * @fraction: (out): from 0 to 1
 */
gboolean
lab_link_parse_fraction (const char *text,
                         double     *fraction)
{
  const char *unit;
  double value;

  if (!read_decimal (text, &value, &unit) || (*unit != '\0' && !unit_is (unit, "%")) || value > 100)
    return FALSE;
  *fraction = value / 100;
  return TRUE;
}

/**
 * lab_link_parse_rate:
 * @text: “1mbit”, “500kbit”, “2.5 Mbit/s”, “1gbit”, “64000bit”; a number
 *   alone is bits a second
 * @bps: (out): bits a second, from LAB_LINK_MIN_RATE_BPS to
 *   LAB_LINK_MAX_RATE_BPS
 */
gboolean
lab_link_parse_rate (const char *text,
                     guint64    *bps)
{
  static const struct { const char *name; double scale; } units[] = {
    { "", 1 }, { "bit", 1 }, { "bit/s", 1 }, { "bps", 1 },
    { "kbit", 1e3 }, { "kbit/s", 1e3 }, { "kbps", 1e3 },
    { "mbit", 1e6 }, { "mbit/s", 1e6 }, { "mbps", 1e6 },
    { "gbit", 1e9 }, { "gbit/s", 1e9 }, { "gbps", 1e9 },
  };
  const char *unit;
  double value;

  if (!read_decimal (text, &value, &unit))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (units[i].name[0] == '\0' ? *unit == '\0' : unit_is (unit, units[i].name))
      {
        value *= units[i].scale;
        if (value < LAB_LINK_MIN_RATE_BPS || value > (double) LAB_LINK_MAX_RATE_BPS)
          return FALSE;
        *bps = (guint64) llround (value);
        return TRUE;
      }
  return FALSE;
}

/**
 * lab_link_format_time:
 *
 * Returns: @us as lab_link_parse_time() reads it back: “80ms”, “250us”
 */
char *
lab_link_format_time (guint us)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (us % 1000 != 0)
    return g_strdup_printf ("%uus", us);
  return g_strdup_printf ("%sms", g_ascii_formatd (buffer, sizeof buffer, "%.10g", us / 1000.0));
}

char *
lab_link_format_fraction (double fraction)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s%%", g_ascii_formatd (buffer, sizeof buffer, "%.10g", fraction * 100));
}

char *
lab_link_format_rate (guint64 bps)
{
  if (bps % 1000000000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "gbit", bps / 1000000000);
  if (bps % 1000000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "mbit", bps / 1000000);
  if (bps % 1000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "kbit", bps / 1000);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "bit", bps);
}

/**
 * lab_link_parse_value:
 * @out: where the value goes, of the type @kind says
 *
 * Returns: whether @text is a value of @kind within its range
 */
gboolean
lab_link_parse_value (LabLinkValue  kind,
                      const char   *text,
                      gpointer      out)
{
  guint64 v;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  switch (kind)
    {
    case LAB_LINK_VALUE_TIME:
      return lab_link_parse_time (stripped, out);
    case LAB_LINK_VALUE_FRACTION:
      return lab_link_parse_fraction (stripped, out);
    case LAB_LINK_VALUE_RATE:
      return lab_link_parse_rate (stripped, out);
    case LAB_LINK_VALUE_QUEUE:
    case LAB_LINK_VALUE_MTU:
      for (const char *p = stripped; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          return FALSE;
      if (!g_ascii_string_to_unsigned (stripped, 10, kind == LAB_LINK_VALUE_QUEUE ? 1 : LAB_LINK_MIN_MTU,
                                       kind == LAB_LINK_VALUE_QUEUE ? LAB_LINK_MAX_QUEUE : LAB_LINK_MAX_MTU, &v, NULL))
        return FALSE;
      *(guint *) out = (guint) v;
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * lab_link_value_needs:
 *
 * Returns: what a value of @kind must be, in the current language: “a
 *   time from 0 to 10000 ms, as 80ms or 1.5s”
 */
const char *
lab_link_value_needs (LabLinkValue kind)
{
  switch (kind)
    {
    case LAB_LINK_VALUE_TIME:
      /* Translators: what a value of the link must be; 10000 ms is the most. */
      return _("a time from 0 to 10000 ms, as 80ms or 1.5s");
    case LAB_LINK_VALUE_FRACTION:
      return _("a percentage from 0 % to 100 %, as 10%");
    case LAB_LINK_VALUE_RATE:
      return _("a rate from 1kbit to 100gbit, as 1mbit or 500kbit");
    case LAB_LINK_VALUE_QUEUE:
      return _("a whole number of frames from 1 to 100000");
    case LAB_LINK_VALUE_MTU:
    default:
      return _("a whole number of bytes from 1280 to 9000");
    }
}
