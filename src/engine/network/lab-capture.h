/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-timeline.h"

G_BEGIN_DECLS

/* What crosses the lab network, captured (libpcap) on every host's
 * interfaces as it leaves the host, so that each packet is seen once: its
 * headers and first bytes, its kernel timestamp, into the timeline as
 * packet events under the timeline's caps. */

/* Bytes kept of each packet: every header of Ethernet, IPv6 and TCP with
 * its options, and the first bytes of what it carries. */
#define LAB_CAPTURE_SNAPLEN 192

/* The interfaces of each host, in the order of their numbers in a packet
 * event. */
typedef enum {
  LAB_CAPTURE_ETH0,
  LAB_CAPTURE_LO,
  LAB_CAPTURE_N_INTERFACES,
} LabCaptureInterface;

/* The interface number of a packet event the lab's link recorded: a frame
 * it dropped, delayed, duplicated, reordered or corrupted. */
#define LAB_CAPTURE_LINK LAB_CAPTURE_N_INTERFACES

typedef struct {
  guint64 received;             /* packets the capture recorded */
  guint64 dropped;              /* the kernel could not give it, by pcap_stats */
} LabCaptureStats;

gboolean    lab_capture_start               (LabTimeline        *timeline,
                                             GError            **error);
void        lab_capture_stop                (void);
gboolean    lab_capture_is_running          (void);
void        lab_capture_get_stats           (LabCaptureStats    *stats);
void        lab_capture_set_enabled         (gboolean            enabled);
const char *lab_capture_interface_name      (guint               interface);

G_END_DECLS
