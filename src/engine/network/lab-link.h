/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-timeline.h"

G_BEGIN_DECLS

/* The link the lab owns: a forwarder of the lab's own between the hosts'
 * veth pairs, in the link's namespace, instead of the kernel's bridge. It
 * forwards each frame from one host to the other through the conditions
 * of that direction (named by the host the frames go to): delay with
 * jitter, loss at random or in bursts, duplication, reordering, a rate
 * with a bounded queue, corruption. Every frame it drops, delays,
 * duplicates, reorders or corrupts is a packet event in the timeline the
 * capture records into, with the link's verdict.
 *
 * Conditions may change at any time, from any thread, while connections
 * run: the forwarder takes the new ones at its next frame. With none set,
 * the kernel's bridge forwards, unless the forwarder was asked for. */

/* The most a direction holds: frames waiting for their delay or their turn
 * on a limited rate. Past it, frames are dropped at the tail and counted. */
#define LAB_LINK_DEFAULT_QUEUE 1000
#define LAB_LINK_MAX_QUEUE     100000

/* The ranges the settings are checked against, wherever they come from. */
#define LAB_LINK_MAX_DELAY_US   (10 * G_USEC_PER_SEC)
#define LAB_LINK_MAX_RATE_BPS   G_GUINT64_CONSTANT (100000000000)   /* 100 Gbit/s */
#define LAB_LINK_MIN_RATE_BPS   1000
#define LAB_LINK_MIN_MTU        1280   /* IPv6's least */
#define LAB_LINK_MAX_MTU        9000

typedef struct {
  guint    delay_us;            /* added to every frame */
  guint    jitter_us;           /* ± at random, evenly, about the delay */
  double   loss;                /* fraction lost at random, 0 to 1 */
  /* Losses in bursts (Gilbert–Elliott): the chance a frame moves the link
   * from the good state to the bad one and back, and the fraction lost in
   * the bad state. 0 for burst_enter: none. */
  double   burst_enter;
  double   burst_leave;
  double   burst_loss;
  double   duplicate;           /* fraction sent twice */
  double   reorder;             /* fraction sent at once, ahead of those delayed */
  double   corrupt;             /* fraction with one bit flipped; 0 unless set */
  guint64  rate_bps;            /* bits a second; 0: no limit */
  guint    queue_limit;         /* frames; 0: LAB_LINK_DEFAULT_QUEUE */
  /* The line goes down, as if cut: every frame that way is lost, those it
   * held too, from down_after after the conditions were set or the bench
   * played, for down_for. 0 for down_for: it never does. */
  guint    down_after_us;
  guint    down_for_us;
} LabLinkConditions;

/* What the link did to a frame, in its packet event. */
typedef enum {
  LAB_LINK_PASSED,              /* not a link event: a frame captured on a host */
  LAB_LINK_DROPPED_LOSS,        /* value: the loss, in parts per million */
  LAB_LINK_DROPPED_BURST,       /* value: the loss in the bad state, ppm */
  LAB_LINK_DROPPED_QUEUE,       /* value: the queue's limit, frames */
  LAB_LINK_DELAYED,             /* value: how long it was held, µs */
  LAB_LINK_DUPLICATED,          /* value: the duplication, ppm */
  LAB_LINK_REORDERED,           /* value: the frames it went ahead of */
  LAB_LINK_CORRUPTED,           /* value: the bit flipped, from the frame's start */
  LAB_LINK_DROPPED_DOWN,        /* value: how long the line has been down, ms */
  LAB_LINK_N_VERDICTS,
} LabLinkVerdict;

typedef struct {
  guint64 forwarded;            /* frames sent on, duplicates included */
  guint64 bytes;
  guint64 dropped_loss;
  guint64 dropped_burst;
  guint64 dropped_queue;
  guint64 duplicated;
  guint64 reordered;
  guint64 corrupted;
  guint64 delayed;
  guint64 dropped_down;         /* lost while the line was down */
  guint64 dropped_kernel;       /* the kernel could not give the link them: its socket was full */
  guint   queued;               /* held now */
  guint   queued_max;
} LabLinkCounters;

void      lab_link_conditions_init    (LabLinkConditions       *conditions);
gboolean  lab_link_conditions_is_none (const LabLinkConditions *conditions);
gboolean  lab_link_conditions_check   (const LabLinkConditions *conditions,
                                       GError                 **error);

void      lab_link_set_conditions     (guint                    to_host,
                                       const LabLinkConditions *conditions);
void      lab_link_get_conditions     (guint                    to_host,
                                       LabLinkConditions       *conditions);
void      lab_link_get_counters       (guint                    to_host,
                                       LabLinkCounters         *counters);
void      lab_link_reset              (void);
void      lab_link_restart_schedule   (void);
void      lab_link_set_seed           (guint32                  seed);

gboolean  lab_link_set_mtu            (guint                    host,
                                       guint                    mtu,
                                       GError                 **error);
guint     lab_link_get_mtu            (guint                    host);

gboolean  lab_link_apply              (GError                 **error);
gboolean  lab_link_start              (GError                 **error);
void      lab_link_stop               (void);
gboolean  lab_link_is_running         (void);
char     *lab_link_dup_failure        (void);

void      lab_link_set_timeline       (LabTimeline             *timeline);

char     *lab_link_verdict_text       (LabLinkVerdict           verdict,
                                       guint32                  value);
char     *lab_link_conditions_text    (const LabLinkConditions *conditions);

/* The kinds of value a setting of the link takes, as the files and the
 * command line write them. */
typedef enum {
  LAB_LINK_VALUE_TIME,          /* guint, µs: 80ms, 1.5s, 250us */
  LAB_LINK_VALUE_FRACTION,      /* double, 0 to 1: 10% */
  LAB_LINK_VALUE_RATE,          /* guint64, bit/s: 1mbit */
  LAB_LINK_VALUE_QUEUE,         /* guint, frames */
  LAB_LINK_VALUE_MTU,           /* guint, bytes */
} LabLinkValue;

gboolean     lab_link_parse_value     (LabLinkValue              kind,
                                       const char              *text,
                                       gpointer                 out);
const char  *lab_link_value_needs     (LabLinkValue              kind);

gboolean  lab_link_parse_time         (const char              *text,
                                       guint                   *us);
gboolean  lab_link_parse_fraction     (const char              *text,
                                       double                  *fraction);
gboolean  lab_link_parse_rate         (const char              *text,
                                       guint64                 *bps);
char     *lab_link_format_time        (guint                    us);
char     *lab_link_format_fraction    (double                   fraction);
char     *lab_link_format_rate        (guint64                  bps);

G_END_DECLS
