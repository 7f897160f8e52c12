/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-event.h"

G_BEGIN_DECLS

/* The kernel's TCP numbers of a connection, sampled for the charts: the
 * watcher asks sock_diag for each connected socket's tcp_info with its
 * state, and records a sample (an event of its own, its numbers in the
 * payload arena, under the timeline's caps) when they changed, at most
 * once per connection every LAB_TCP_SAMPLE_INTERVAL_US. Off unless asked
 * for: a chart asks. */

#define LAB_TCP_SAMPLE_INTERVAL_US (100 * 1000)

typedef struct {
  guint8  state;                /* LabTcpState */
  guint8  ca_state;             /* the congestion state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss */
  guint8  retransmits;          /* timeouts in a row */
  guint8  reserved;
  guint32 cwnd;                 /* the congestion window, segments */
  guint32 ssthresh;             /* the slow-start threshold, segments; ≥ 0x7fffffff: none yet */
  guint32 srtt_us;              /* the smoothed round trip */
  guint32 rttvar_us;            /* its variation */
  guint32 rto_us;               /* the retransmission timeout */
  guint32 mss;                  /* the sender's segment size */
  guint32 unacked;              /* segments sent and not acknowledged */
  guint32 sacked;
  guint32 lost;                 /* segments taken for lost */
  guint32 retrans;              /* segments resent and not acknowledged */
  guint32 total_retrans;        /* segments resent since the start */
  guint32 in_flight;            /* unacked - sacked - lost + retrans, as the kernel counts */
  guint32 snd_wnd;              /* the peer's receive window, bytes (0: the kernel does not say) */
  guint32 rcv_wnd;              /* our own receive window, bytes (0: the kernel does not say) */
  guint32 rcv_space;            /* what the kernel estimates the receiver needs, bytes */
} LabTcpSample;

void     lab_tcp_sample_set_enabled (gboolean      enabled);
gboolean lab_tcp_sample_get_enabled (void);
gboolean lab_event_get_tcp_sample   (LabEvent     *event,
                                     LabTcpSample *sample);
char    *lab_tcp_sample_text        (const LabTcpSample *sample);

G_END_DECLS
