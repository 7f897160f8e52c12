/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-event.h"
#include "lab-packet.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* What a captured packet is, in the lab's terms: its headers, its host
 * and interface, its sequence numbers counted from the start of its
 * connection, the lab connection that sent it, and the bytes of the data
 * event it carries. Every relation is computed from the numbers on the
 * wire and those the lab recorded; where one cannot be computed, none is
 * given. */

typedef struct _LabTcpFlows LabTcpFlows;

/* The capture thread's: the initial sequence numbers of each TCP
 * connection it saw open, both ways. */
LabTcpFlows *lab_tcp_flows_new     (void);
void         lab_tcp_flows_free    (LabTcpFlows         *flows);
void         lab_tcp_flows_see     (LabTcpFlows         *flows,
                                    const LabPacketInfo *info,
                                    guint64             *bases,
                                    guint8              *known,
                                    guint8              *dup);

/* In what lab_tcp_flows_see() says it knows: a segment whose bytes, some
 * or all, its end had sent before; one that says its end's window is 0;
 * one that asks whether the other end's closed window opened; one that
 * says the window changed and nothing else. */
#define LAB_TCP_FLOWS_RETRANSMISSION  4
#define LAB_TCP_FLOWS_ZERO_WINDOW     8
#define LAB_TCP_FLOWS_WINDOW_PROBE    16
#define LAB_TCP_FLOWS_WINDOW_UPDATE   32

/* The endpoints': which lab host an endpoint's run is on (-1: none). */
void         lab_wire_set_endpoint_host (guint           endpoint_id,
                                         int             host);

/* The workers': a TCP socket of the lab, by its peer and its own port. */
void         lab_wire_register     (GSocketAddress      *peer,
                                    guint16              local_port,
                                    guint64              conn);

typedef struct {
  LabPacketInfo info;
  gboolean      decoded;
  const char   *host;              /* the host it left, and its number */
  guint         host_index;
  const char   *interface;         /* eth0, lo; link for what the link did */
  guint32       wire_len;
  /* What the lab's link did to it (a LabLinkVerdict, 0 when it is a
   * capture's), and the number that goes with it */
  guint         link_verdict;
  guint32       link_value;
  /* TCP: the initial sequence numbers, each way, when the SYNs were seen */
  gboolean      has_seq_base, has_ack_base;
  guint32       seq_base, ack_base;
  /* Its bytes, some or all, had left the same end before: sent again */
  gboolean      retransmission;
  /* What the capture, which sees every segment leave, saw it say of the
   * flow: which duplicate ACK in a row (0: none), its end's window at 0,
   * a probe of the other end's closed window, a window that changed */
  guint         dup_ack;
  gboolean      zero_window;
  gboolean      window_probe;
  gboolean      window_update;
  /* The lab connection that sent it, 0 when it is none of the lab's */
  guint64       conn;
  /* Its bytes in that connection's stream, and the data event (its
   * number) where the first of them is; 0 when none */
  guint64       stream_start, stream_end;
  guint64       data_seq;
  const char   *data_endpoint;     /* its endpoint's name, and thread */
  guint         data_thread;
  const char   *data_call;         /* the call that sent them (send ()), or NULL */
  /* ICMP echo: the data event is the one that received it (a ping's
   * recvfrom () of the reply), not the one that sent it */
  gboolean      data_received;
  /* TCP: the call that made the kernel send it (connect () its SYN,
   * close () or shutdown () its FIN or RST), by its number; 0 when the
   * kernel sent it by itself (an ACK, a SYN ACK, an RST to a closed port) */
  guint64       call_seq;
  const char   *call_name;
  const char   *call_endpoint;
  guint         call_thread;
} LabWireInfo;

gboolean     lab_wire_describe_event (LabEvent          *event,
                                      LabWireInfo       *out);
gboolean     lab_wire_describe_packet (LabEvent         *event,
                                       LabWireInfo      *out);
char        *lab_wire_marks_text   (const LabWireInfo   *wire);
char        *lab_wire_summary      (const LabWireInfo   *wire);
char        *lab_wire_end_text     (const LabWireInfo   *wire,
                                    gboolean             source);
guint64      lab_wire_data_of      (LabEvent            *event);
guint64      lab_wire_first_packet (LabTimeline         *timeline,
                                    guint64              data_seq);
const char  *lab_wire_proto_name   (LabPacketProto       proto);

G_END_DECLS
