/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <time.h>

#include "lab-capture.h"
#include "lab-event-private.h"
#include "lab-export.h"
#include "lab-network.h"
#include "lab-pcapng.h"
#include "lab-wire.h"

/* The packets of a timeline as a capture file that Wireshark and tcpdump
 * read: one interface for each host's eth0 and lo that has packets, and
 * each packet with a comment that says what it is to the lab, the send
 * whose bytes it carries among it. */

/* libpcap's LINKTYPE_ETHERNET */
#define LINKTYPE_ETHERNET 1

static guint64
realtime_offset_us (LabTimeline *timeline)
{
  struct timespec ts;
  gint64 now;

  /* The timeline's clock to the epoch: its events are on the monotonic
   * clock, counted from its start. */
  clock_gettime (CLOCK_REALTIME, &ts);
  now = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
  return (guint64) (now - (g_get_monotonic_time () - lab_timeline_get_clock_start (timeline)));
}

/**
 * lab_export_pcapng:
 * @timeline: the timeline whose packets to write
 *
 * Writes the packets the timeline keeps, in its order, as pcapng.
 *
 * Returns: how many packets were written, or -1 with @error
 */
gint64
lab_export_pcapng (LabTimeline    *timeline,
                   GOutputStream  *stream,
                   GError        **error)
{
  g_autoptr(LabPcapngWriter) writer = NULL;
  guint ids[LAB_NETWORK_MAX_HOSTS][LAB_CAPTURE_N_INTERFACES];
  guint n = g_list_model_get_n_items (G_LIST_MODEL (timeline));
  guint64 offset_us = realtime_offset_us (timeline);
  gint64 written = 0;

  g_return_val_if_fail (LAB_IS_TIMELINE (timeline), -1);

  writer = lab_pcapng_writer_new (stream, "Protolab " PACKAGE_VERSION, error);
  if (writer == NULL)
    return -1;
  for (guint h = 0; h < LAB_NETWORK_MAX_HOSTS; h++)
    for (guint i = 0; i < LAB_CAPTURE_N_INTERFACES; i++)
      ids[h][i] = G_MAXUINT;

  lab_timeline_flush (timeline);
  for (guint i = 0; i < n; i++)
    {
      const LabRecord *record = lab_timeline_get_record (timeline, i);
      g_autoptr(LabEvent) event = NULL;
      g_autofree char *comment = NULL;
      LabWireInfo wire;
      GBytes *bytes;
      guint *id;

      if (record->kind != LAB_EVENT_PACKET || record->sub >= lab_network_get_n_hosts () || record->fd < 0 ||
          record->fd >= LAB_CAPTURE_N_INTERFACES)
        continue;
      event = lab_timeline_dup_event (timeline, record);
      if ((bytes = lab_event_get_bytes (event)) == NULL)
        continue;

      id = &ids[record->sub][record->fd];
      if (*id == G_MAXUINT)
        {
          const char *host = lab_network_get_host (record->sub)->name;
          g_autofree char *name = g_strdup_printf ("%s %s", host, lab_capture_interface_name ((guint) record->fd));

          *id = lab_pcapng_writer_add_interface (writer, name, host, LINKTYPE_ETHERNET, LAB_CAPTURE_SNAPLEN, error);
          if (*id == G_MAXUINT)
            return -1;
        }

      lab_wire_describe_event (event, &wire);
      comment = lab_wire_summary (&wire);
      if (!lab_pcapng_writer_add_packet (writer, *id, ((guint64) record->begin_us + offset_us) * 1000,
                                         g_bytes_get_data (bytes, NULL), (guint32) g_bytes_get_size (bytes),
                                         record->real_len, comment, error))
        return -1;
      written++;
    }

  if (!lab_pcapng_writer_close (writer, error))
    return -1;
  return written;
}
