/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <glib/gi18n.h>
#include <pcap/pcap.h>

#include "lab-capture.h"
#include "lab-error.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-record-private.h"
#include "lab-timeline-private.h"
#include "lab-wire.h"

/* One thread captures every interface of every host: it opens each
 * interface from inside its host's namespace (a capture socket belongs to
 * the namespace it was made in), then polls them all, and a descriptor of
 * its own that stopping writes to. */

#define MAX_HANDLES (LAB_NETWORK_MAX_HOSTS * LAB_CAPTURE_N_INTERFACES)
/* Packets taken from one interface before the others are looked at */
#define BATCH 64
/* How long a packet is held for those that left before it from another
 * interface, and how many may wait: a flood waits no longer than that. */
#define HOLD_US 5000
#define TAKEN_MAX (MAX_HANDLES * BATCH * 4)
/* What libpcap may hold in the kernel for each interface before it drops */
#define BUFFER_BYTES (2 * 1024 * 1024)

static const char *const interface_names[LAB_CAPTURE_N_INTERFACES] = { "eth0", "lo" };

typedef struct {
  pcap_t *pcap;
  guint   host;
  guint   interface;
} Handle;

typedef struct {
  GWeakRef     timeline_ref;
  LabTimeline *timeline;        /* while the thread runs, a reference */
  GThread     *thread;
  int          wake_fd;
  Handle       handles[MAX_HANDLES];
  guint        n_handles;
  /* The realtime clock the kernel stamps packets with, less the timeline's
   * monotonic one, when the capture began */
  gint64       realtime_offset_us;
  LabTcpFlows *flows;           /* the capture thread's */

  /* Set up on the thread: the main one waits for it */
  GMutex       lock;
  GCond        cond;
  gboolean     ready;
  GError      *error;
} Capture;

static GMutex capture_lock;
static Capture *capture;
static gboolean enabled = TRUE;
static LabCaptureStats stats;

const char *
lab_capture_interface_name (guint interface)
{
  g_return_val_if_fail (interface <= LAB_CAPTURE_LINK, NULL);

  /* The link's events name it in the interface's place. */
  if (interface == LAB_CAPTURE_LINK)
    return "link";
  return interface_names[interface];
}

/**
 * lab_capture_set_enabled:
 *
 * Whether the lab network's packets are captured from the next start:
 * the benchmark compares the two.
 */
void
lab_capture_set_enabled (gboolean on)
{
  g_mutex_lock (&capture_lock);
  enabled = on;
  g_mutex_unlock (&capture_lock);
}

static gint64
clock_us (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* A packet taken from its interface, waiting to be recorded in the order
 * of its time with those taken from the others at the same look. */
typedef struct {
  gint64  stamp_us;
  guint32 len;
  guint32 caplen;
  Handle *handle;
  guint8  bytes[LAB_CAPTURE_SNAPLEN];
} Taken;

typedef struct {
  Taken  *taken;
  guint   n;
  Handle *handle;
} Take;

static void
on_taken (u_char                   *data,
          const struct pcap_pkthdr *header,
          const u_char             *bytes)
{
  Take *take = (Take *) (void *) data;
  Taken *t = &take->taken[take->n++];

  /* With nanosecond precision, libpcap's microseconds field holds them. */
  t->stamp_us = (gint64) header->ts.tv_sec * G_USEC_PER_SEC + header->ts.tv_usec / 1000;
  t->len = header->len;
  t->caplen = MIN (header->caplen, (guint32) LAB_CAPTURE_SNAPLEN);
  t->handle = take->handle;
  memcpy (t->bytes, bytes, t->caplen);
}

static int
compare_taken (gconstpointer a,
               gconstpointer b)
{
  const Taken *x = a, *y = b;

  return x->stamp_us < y->stamp_us ? -1 : x->stamp_us > y->stamp_us;
}

static void
record_packet (Capture     *c,
               const Taken *t)
{
  LabArena *arena = lab_timeline_get_payload_arena (c->timeline);
  LabPacketInfo info;
  LabRecord record;

  lab_record_init (&record, LAB_EVENT_PACKET);
  record.begin_us = t->stamp_us - c->realtime_offset_us;
  record.sub = (guint8) t->handle->host;
  record.fd = (gint32) t->handle->interface;
  record.real_len = t->len;
  /* The connection's initial numbers, learnt from its SYNs, go with each
   * of its segments: its numbers can be read from its start. */
  if (lab_packet_decode (t->bytes, t->caplen, t->len, &info))
    lab_tcp_flows_see (c->flows, &info, &record.offset, &record.previous, &record.dup_ack);
  record.blob = lab_arena_write (arena, t->bytes, t->caplen);
  record.blob_len = record.blob != LAB_ARENA_NONE ? t->caplen : 0;
  lab_timeline_push (c->timeline, &record);
  __atomic_fetch_add (&stats.received, 1, __ATOMIC_RELAXED);
}

static pcap_t *
open_interface (const char  *name,
                GError     **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pcap = pcap_create (name, errbuf);
  int status;

  if (pcap == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not capture on %s: %s"), name, errbuf);
      return NULL;
    }
  pcap_set_snaplen (pcap, LAB_CAPTURE_SNAPLEN);
  pcap_set_immediate_mode (pcap, 1);
  pcap_set_buffer_size (pcap, BUFFER_BYTES);
  pcap_set_tstamp_precision (pcap, PCAP_TSTAMP_PRECISION_NANO);
  status = pcap_activate (pcap);
  /* Each packet once: as it leaves its host (on lo, once, not twice). */
  if (status >= 0 && pcap_setdirection (pcap, PCAP_D_OUT) != 0)
    status = PCAP_ERROR;
  if (status >= 0 && pcap_setnonblock (pcap, 1, errbuf) != 0)
    status = PCAP_ERROR;
  if (status < 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not capture on %s: %s"), name, pcap_geterr (pcap));
      pcap_close (pcap);
      return NULL;
    }
  return pcap;
}

/* On the capture thread: every interface of every host, opened from
 * inside the host. */
static gboolean
open_all (Capture  *c,
          GError  **error)
{
  for (guint host = 0; host < lab_network_get_n_hosts (); host++)
    {
      int fd = lab_network_open_host (lab_network_get_host (host)->name, error);
      int err;

      if (fd < 0)
        return FALSE;
      err = lab_network_enter (fd);
      close (fd);
      if (err != 0)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not capture on the lab network: %s"),
                       g_strerror (err));
          return FALSE;
        }
      for (guint i = 0; i < LAB_CAPTURE_N_INTERFACES; i++)
        {
          Handle *h = &c->handles[c->n_handles];

          if ((h->pcap = open_interface (interface_names[i], error)) == NULL)
            return FALSE;
          h->host = host;
          h->interface = i;
          c->n_handles++;
        }
    }
  return TRUE;
}

/* Records, in the order of their time, the packets taken that left at
 * least @hold_us ago (all with 0), and keeps the others for the next look. */
static void
record_older (Capture *c,
              Take    *take,
              gint64   hold_us)
{
  gint64 before = clock_us (CLOCK_REALTIME) - hold_us;
  guint n = 0;

  qsort (take->taken, take->n, sizeof (Taken), compare_taken);
  while (n < take->n && (hold_us == 0 || take->taken[n].stamp_us <= before))
    record_packet (c, &take->taken[n++]);
  memmove (take->taken, take->taken + n, (take->n - n) * sizeof (Taken));
  take->n -= n;
}

static gpointer
capture_main (gpointer data)
{
  Capture *c = data;
  struct pollfd fds[MAX_HANDLES + 1];
  g_autofree Taken *taken = g_new (Taken, TAKEN_MAX);
  Take take = { taken, 0, NULL };
  gboolean ok;
  GError *error = NULL;

  ok = open_all (c, &error);
  g_mutex_lock (&c->lock);
  c->error = error;
  c->ready = TRUE;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  if (!ok)
    return NULL;

  for (guint i = 0; i < c->n_handles; i++)
    fds[i] = (struct pollfd) { pcap_get_selectable_fd (c->handles[i].pcap), POLLIN, 0 };
  fds[c->n_handles] = (struct pollfd) { c->wake_fd, POLLIN, 0 };

  for (;;)
    {
      /* Packets held wait a moment, then go; with none, the wait is for
       * the next packet. */
      if (poll (fds, c->n_handles + 1, take.n > 0 ? HOLD_US / 1000 + 1 : -1) < 0 && errno != EINTR)
        break;
      if (fds[c->n_handles].revents != 0)
        break;
      /* Each interface hands its packets in its own order, and one may
       * hand a packet later than another hands the answer to it: what
       * each has is taken, and held until every packet that left before
       * it has surely been taken too, then recorded in the order of time. */
      for (guint i = 0; i < c->n_handles && take.n < TAKEN_MAX; i++)
        {
          take.handle = &c->handles[i];
          pcap_dispatch (c->handles[i].pcap, (int) MIN (BATCH, TAKEN_MAX - take.n), on_taken, (u_char *) &take);
        }
      record_older (c, &take, take.n >= TAKEN_MAX ? 0 : HOLD_US);
    }
  record_older (c, &take, 0);
  return NULL;
}

static void
capture_free (Capture *c)
{
  guint64 dropped = 0;

  if (c->thread != NULL)
    {
      guint64 one = 1;

      (void) !write (c->wake_fd, &one, sizeof one);
      g_thread_join (c->thread);
    }
  for (guint i = 0; i < c->n_handles; i++)
    {
      struct pcap_stat ps;

      if (pcap_stats (c->handles[i].pcap, &ps) == 0)
        dropped += ps.ps_drop;
      pcap_close (c->handles[i].pcap);
    }
  stats.dropped += dropped;
  if (c->wake_fd >= 0)
    close (c->wake_fd);
  lab_link_set_timeline (NULL);
  g_clear_pointer (&c->flows, lab_tcp_flows_free);
  g_clear_object (&c->timeline);
  g_weak_ref_clear (&c->timeline_ref);
  g_clear_error (&c->error);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

/**
 * lab_capture_start:
 *
 * Captures the lab network's packets into @timeline from now on: nothing
 * if it does already, else instead of the timeline it did. The lab
 * network is made if it is not yet.
 *
 * Returns: whether it captures (or capturing is off), %FALSE with @error
 */
gboolean
lab_capture_start (LabTimeline  *timeline,
                   GError      **error)
{
  Capture *c;
  gboolean ok = TRUE;

  g_return_val_if_fail (LAB_IS_TIMELINE (timeline), FALSE);

  g_mutex_lock (&capture_lock);
  if (!enabled || (capture != NULL && capture->timeline == timeline))
    {
      g_mutex_unlock (&capture_lock);
      return lab_link_apply (error);
    }
  if (capture != NULL)
    g_clear_pointer (&capture, capture_free);

  c = g_new0 (Capture, 1);
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  g_weak_ref_init (&c->timeline_ref, timeline);
  c->timeline = g_object_ref (timeline);
  c->wake_fd = eventfd (0, EFD_CLOEXEC);
  c->flows = lab_tcp_flows_new ();
  /* Packets are stamped on the realtime clock, the timeline's events on
   * the monotonic one; the difference, taken once, puts them on one. */
  c->realtime_offset_us = clock_us (CLOCK_REALTIME) - (g_get_monotonic_time () - lab_timeline_get_clock_start (timeline));
  capture = c;
  if (c->wake_fd < 0)
    {
      int saved = errno;

      g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not capture on the lab network: %s"),
                   g_strerror (saved));
      ok = FALSE;
    }
  else
    {
      c->thread = g_thread_new ("protolab-capture", capture_main, c);
      g_mutex_lock (&c->lock);
      while (!c->ready)
        g_cond_wait (&c->cond, &c->lock);
      g_mutex_unlock (&c->lock);
      /* Time 0 is no later than when the lab watches the wire: a packet
       * it captures comes after, but for the kernel's own reports of a
       * host just made, while its last interfaces opened. */
      (void) lab_timeline_now (timeline);
      if (c->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&c->error));
          ok = FALSE;
        }
    }
  if (!ok)
    g_clear_pointer (&capture, capture_free);
  else
    lab_link_set_timeline (timeline);
  g_mutex_unlock (&capture_lock);
  /* The link's conditions, set before the network was made, from now on */
  return ok && lab_link_apply (error);
}

/**
 * lab_capture_stop:
 *
 * Stops capturing, and keeps the kernel's count of what it dropped.
 */
void
lab_capture_stop (void)
{
  g_mutex_lock (&capture_lock);
  g_clear_pointer (&capture, capture_free);
  g_mutex_unlock (&capture_lock);
}

gboolean
lab_capture_is_running (void)
{
  gboolean running;

  g_mutex_lock (&capture_lock);
  running = capture != NULL;
  g_mutex_unlock (&capture_lock);
  return running;
}

/**
 * lab_capture_get_stats:
 *
 * What was captured since the program began, and what the kernel dropped
 * (known of a capture once it stopped).
 */
void
lab_capture_get_stats (LabCaptureStats *out)
{
  g_mutex_lock (&capture_lock);
  out->received = __atomic_load_n (&stats.received, __ATOMIC_RELAXED);
  out->dropped = stats.dropped;
  g_mutex_unlock (&capture_lock);
}
