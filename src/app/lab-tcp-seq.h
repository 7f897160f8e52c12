/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-wire.h"

G_BEGIN_DECLS

/* A TCP connection's bytes on the wire, for its sequence–time graph: each
 * segment it sent (again, or dropped by the lab's link), each of its
 * peer's ACKs and SACK blocks, in stream bytes counted from 0, over the
 * timeline's time. The last LAB_TCP_SEQ_MAX_MARKS are kept. */

#define LAB_TCP_SEQ_MAX_MARKS 2000

typedef enum {
  LAB_TCP_SEQ_SENT,
  LAB_TCP_SEQ_RESENT,
  LAB_TCP_SEQ_DROPPED,          /* by the lab's link */
  LAB_TCP_SEQ_ACK,              /* from: the next byte the peer waits for */
  LAB_TCP_SEQ_SACK,             /* a block the peer has past a gap */
} LabTcpSeqKind;

typedef struct {
  gint64  time_us;
  guint32 from, to;
  guint8  kind;
} LabTcpSeqMark;

typedef struct {
  gboolean      tuple_known;
  int           family;
  guint8        local[16], peer[16];
  guint16       local_port, peer_port;
  guint         first, n;
  guint         sent, resent, dropped;
  gboolean      has_acked;
  guint32       acked;
  LabTcpSeqMark marks[LAB_TCP_SEQ_MAX_MARKS];
} LabTcpSeq;

gboolean             lab_tcp_seq_take_own  (LabTcpSeq         *seq,
                                            const LabWireInfo *wire,
                                            gint64             time_us);
gboolean             lab_tcp_seq_is_peer   (const LabTcpSeq   *seq,
                                            const LabWireInfo *wire);
gboolean             lab_tcp_seq_take_peer (LabTcpSeq         *seq,
                                            const LabWireInfo *wire,
                                            gint64             time_us);
const LabTcpSeqMark *lab_tcp_seq_mark      (const LabTcpSeq   *seq,
                                            guint              i);
char                *lab_tcp_seq_text      (const LabTcpSeq   *seq);

G_END_DECLS
