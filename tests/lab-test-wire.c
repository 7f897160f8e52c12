/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-link.h"
#include "lab-packet.h"
#include "lab-test-wire.h"

/**
 * lab_test_wire_packets:
 * @keep: which decoded packets to keep
 *
 * Returns: (transfer full) (element-type LabTestPacket): the packets on
 *   the wire that @keep keeps, in the order they left their hosts
 */
GArray *
lab_test_wire_packets (LabTestFixture      *f,
                       LabTestPacketFilter  keep,
                       gconstpointer        data)
{
  GArray *found = g_array_new (FALSE, TRUE, sizeof (LabTestPacket));

  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];
      LabTestPacket p = { event };

      if (lab_event_get_kind (event) != LAB_EVENT_PACKET || !lab_wire_describe_event (event, &p.wire) ||
          !p.wire.decoded || !keep (&p.wire, data))
        continue;
      g_array_append_val (found, p);
    }
  return found;
}

static gboolean
of_tcp_port (const LabWireInfo *wire,
             gconstpointer      data)
{
  guint16 port = *(const guint16 *) data;

  return wire->info.proto == LAB_PACKET_TCP && (wire->info.sport == port || wire->info.dport == port);
}

/**
 * lab_test_wire_segments:
 *
 * Returns: (transfer full) (element-type LabTestPacket): the TCP segments
 *   of the connection between @port and the other end, in the order they
 *   left their hosts
 */
GArray *
lab_test_wire_segments (LabTestFixture *f,
                        guint16         port)
{
  return lab_test_wire_packets (f, of_tcp_port, &port);
}

/* Numbers counted from the connection's start, as the wire shows them. */
guint32
lab_test_wire_rel_seq (const LabTestPacket *p)
{
  g_assert_true (p->wire.has_seq_base);
  return p->wire.info.seq - p->wire.seq_base;
}

guint32
lab_test_wire_rel_ack (const LabTestPacket *p)
{
  g_assert_true (p->wire.has_ack_base);
  return p->wire.info.ack - p->wire.ack_base;
}

gboolean
lab_test_wire_from_host (const LabTestPacket *p,
                         const char          *host)
{
  return g_strcmp0 (p->wire.host, host) == 0;
}

/* When it left its host, on the lab's clock. */
gint64
lab_test_wire_time (const LabTestPacket *p)
{
  return lab_event_get_begin_time (p->event);
}

void
lab_test_wire_assert_segment (const LabTestPacket *p,
                              const char          *host,
                              guint8               flags,
                              guint32              seq,
                              guint32              ack)
{
  g_autofree char *summary = lab_wire_summary (&p->wire);

  g_test_message ("%s %s", p->wire.host, summary);
  g_assert_cmpstr (p->wire.host, ==, host);
  g_assert_cmpuint (p->wire.info.tcp_flags, ==, flags);
  g_assert_cmpuint (lab_test_wire_rel_seq (p), ==, seq);
  if ((flags & LAB_TCP_ACK) != 0)
    g_assert_cmpuint (lab_test_wire_rel_ack (p), ==, ack);
}

/* Both FINs and the last ACK have left their hosts, of the connection on
 * the port, or of each of @n made on it one after the other. What the
 * link did to them is not a segment leaving. */
gboolean
lab_test_wire_closed_both_ways (gpointer data)
{
  LabTestWaiting *w = data;
  g_autoptr(GArray) segments = lab_test_wire_segments (w->f, w->port);
  g_autoptr(GHashTable) fins = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint8 last = 0;

  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      gint64 key;

      if (p->wire.link_verdict != LAB_LINK_PASSED)
        continue;
      last = p->wire.info.tcp_flags;
      if ((last & LAB_TCP_FIN) == 0)
        continue;
      /* A FIN the link lost is sent again: one FIN still */
      key = (gint64) p->wire.host_index << 48 | (gint64) p->wire.info.sport << 32 | p->wire.info.seq;
      g_array_append_val (keys, key);
    }
  for (guint i = 0; i < keys->len; i++)
    g_hash_table_add (fins, &g_array_index (keys, gint64, i));
  return g_hash_table_size (fins) == 2 * MAX (w->n, 1) && (last & LAB_TCP_FIN) == 0;
}

gboolean
lab_test_wire_has_segments (gpointer data)
{
  LabTestWaiting *w = data;
  g_autoptr(GArray) segments = lab_test_wire_segments (w->f, w->port);

  return segments->len >= w->n;
}
