/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <glib/gi18n.h>

#include "lab-link.h"
#include "lab-tcp-seq.h"

static void
add_mark (LabTcpSeq *seq,
          gint64     time_us,
          guint32    from,
          guint32    to,
          guint8     kind)
{
  LabTcpSeqMark *m;

  if (seq->n < LAB_TCP_SEQ_MAX_MARKS)
    m = &seq->marks[(seq->first + seq->n++) % LAB_TCP_SEQ_MAX_MARKS];
  else
    {
      m = &seq->marks[seq->first];
      seq->first = (seq->first + 1) % LAB_TCP_SEQ_MAX_MARKS;
    }
  *m = (LabTcpSeqMark) { time_us, from, to, kind };
}

const LabTcpSeqMark *
lab_tcp_seq_mark (const LabTcpSeq *seq,
                  guint            i)
{
  return &seq->marks[(seq->first + i) % LAB_TCP_SEQ_MAX_MARKS];
}

static gsize
address_len (int family)
{
  return family == AF_INET6 ? 16 : 4;
}

/**
 * lab_tcp_seq_take_own:
 * @wire: a segment the connection sent: as it left its host, or as the
 *   lab's link dropped it
 *
 * Returns: whether it is a mark of the graph
 */
gboolean
lab_tcp_seq_take_own (LabTcpSeq         *seq,
                      const LabWireInfo *wire,
                      gint64             time_us)
{
  const LabPacketInfo *info = &wire->info;
  guint8 kind;

  if (!seq->tuple_known && wire->link_verdict == LAB_LINK_PASSED)
    {
      seq->family = info->family;
      memcpy (seq->local, info->src, address_len (info->family));
      memcpy (seq->peer, info->dst, address_len (info->family));
      seq->local_port = info->sport;
      seq->peer_port = info->dport;
      seq->tuple_known = TRUE;
    }
  if (info->payload_len == 0 || wire->stream_end <= wire->stream_start)
    return FALSE;
  if (wire->link_verdict == LAB_LINK_DROPPED_LOSS || wire->link_verdict == LAB_LINK_DROPPED_BURST ||
      wire->link_verdict == LAB_LINK_DROPPED_QUEUE || wire->link_verdict == LAB_LINK_DROPPED_DOWN)
    {
      kind = LAB_TCP_SEQ_DROPPED;
      seq->dropped++;
    }
  else if (wire->link_verdict != LAB_LINK_PASSED)
    return FALSE;
  else if (wire->retransmission)
    {
      kind = LAB_TCP_SEQ_RESENT;
      seq->resent++;
    }
  else
    {
      kind = LAB_TCP_SEQ_SENT;
      seq->sent++;
    }
  add_mark (seq, time_us, (guint32) wire->stream_start, (guint32) wire->stream_end, kind);
  return TRUE;
}

/**
 * lab_tcp_seq_is_peer:
 *
 * Returns: whether @wire went from the connection's peer to it
 */
gboolean
lab_tcp_seq_is_peer (const LabTcpSeq   *seq,
                     const LabWireInfo *wire)
{
  const LabPacketInfo *info = &wire->info;

  return seq->tuple_known && info->family == seq->family && info->sport == seq->peer_port &&
         info->dport == seq->local_port && memcmp (info->src, seq->peer, address_len (seq->family)) == 0 &&
         memcmp (info->dst, seq->local, address_len (seq->family)) == 0;
}

/**
 * lab_tcp_seq_take_peer:
 * @wire: a segment of the connection's peer, as it left the peer's host
 *
 * Returns: whether it is a mark of the graph: an ACK, with its SACK blocks
 */
gboolean
lab_tcp_seq_take_peer (LabTcpSeq         *seq,
                       const LabWireInfo *wire,
                       gint64             time_us)
{
  const LabPacketInfo *info = &wire->info;
  guint32 acked;

  if (wire->link_verdict != LAB_LINK_PASSED || !wire->has_ack_base || (info->tcp_flags & LAB_TCP_ACK) == 0 ||
      (info->tcp_flags & LAB_TCP_SYN) != 0)
    return FALSE;
  /* The stream's byte 0 is the number after our SYN's */
  acked = info->ack - wire->ack_base - 1;
  add_mark (seq, time_us, acked, acked, LAB_TCP_SEQ_ACK);
  seq->acked = seq->has_acked ? MAX (seq->acked, acked) : acked;
  seq->has_acked = TRUE;
  for (guint i = 0; i < info->n_sack && i < G_N_ELEMENTS (info->sack); i++)
    add_mark (seq, time_us, info->sack[i][0] - wire->ack_base - 1, info->sack[i][1] - wire->ack_base - 1,
              LAB_TCP_SEQ_SACK);
  return TRUE;
}

/**
 * lab_tcp_seq_text:
 *
 * Returns: (transfer full) (nullable): the graph in words, %NULL when it
 *   has no mark
 */
char *
lab_tcp_seq_text (const LabTcpSeq *seq)
{
  if (seq->n == 0)
    return NULL;
  /* Translators: the sequence graph of the TCP chart, in words: segments sent, sent again, dropped by the lab's
   * link, and the bytes the peer acknowledged. */
  return g_strdup_printf (_("On the wire: segments sent %u, sent again %u, dropped by the link %u; bytes "
                            "acknowledged %u."), seq->sent, seq->resent, seq->dropped,
                          seq->has_acked ? seq->acked : 0);
}
