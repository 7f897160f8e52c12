/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One frame captured on an interface of the lab (libpcap's DLT_EN10MB:
 * Ethernet, which Linux's loopback captures are too, with zero addresses),
 * its headers decoded into a plain struct: no allocation, nothing read
 * past what was captured, and no length a header gives trusted before it
 * is checked against the others. The words for it, a summary line and
 * every field with what it means, are made in the language of the moment. */

typedef enum {
  LAB_PACKET_OTHER,
  LAB_PACKET_ARP,
  LAB_PACKET_IPV4,
  LAB_PACKET_IPV6,
  LAB_PACKET_TCP,
  LAB_PACKET_UDP,
  LAB_PACKET_ICMP,
  LAB_PACKET_ICMPV6,
} LabPacketProto;

typedef enum /*< flags >*/ {
  LAB_TCP_FIN = 1,
  LAB_TCP_SYN = 2,
  LAB_TCP_RST = 4,
  LAB_TCP_PSH = 8,
  LAB_TCP_ACK = 16,
  LAB_TCP_URG = 32,
  LAB_TCP_ECE = 64,
  LAB_TCP_CWR = 128,
} LabTcpFlags;

/* How many IPv4 options and IPv6 extension headers a packet's fields list
 * by name; the decoder goes past more, but names only these. */
#define LAB_PACKET_MAX_IP_OPTIONS 8
#define LAB_PACKET_MAX_EXTENSIONS 8

typedef struct {
  LabPacketProto proto;          /* the innermost header decoded */
  gboolean truncated;            /* the capture ends before a header it began */
  gboolean malformed;            /* a header's lengths do not agree: decoding stopped there */
  guint32  decoded_len;          /* the frame's bytes read as headers: a field past it was not */
  guint16  network_offset;       /* where the IP or ARP header starts; 0: none */
  guint16  transport_offset;     /* where the TCP, UDP, ICMP or ICMPv6 header starts; 0: none */

  guint8   eth_src[6], eth_dst[6];
  guint16  ethertype;            /* after one 802.1Q tag if any */
  gboolean vlan;                 /* the frame had an 802.1Q tag */
  guint16  vlan_tpid;            /* the tag's own type: 0x8100, or 0x88a8 */
  guint16  vlan_id;
  guint8   vlan_priority;

  /* IP (4 or 6): family AF_INET/AF_INET6 or 0; addresses in network
   * order, IPv4 in the first 4 bytes. */
  int      family;
  guint8   src[16], dst[16];
  guint8   ttl;                  /* hop limit for IPv6 */
  guint8   ip_proto;             /* after IPv6 extension headers */
  guint16  ip_id;                /* IPv6: the fragment header's, its low 16 bits */
  gboolean dont_fragment;
  gboolean more_fragments;
  guint16  fragment_offset;      /* bytes */
  guint32  ip_len;               /* the IP packet's length by its header */
  guint8   ip_header_len;        /* IPv4: IHL in bytes; IPv6: 40 */
  guint8   traffic_class;        /* IPv4's type of service: DSCP and ECN */
  guint16  ip_checksum;          /* IPv4, as on the wire: not checked */
  guint32  flow_label;           /* IPv6 */
  guint32  fragment_id;          /* IPv6: the fragment header's whole identification */
  guint8   n_ip_options;         /* IPv4: the options' types, in order */
  guint8   ip_options[LAB_PACKET_MAX_IP_OPTIONS];
  guint8   n_extensions;         /* IPv6: the extension headers, in order */
  guint8   extensions[LAB_PACKET_MAX_EXTENSIONS];

  /* TCP / UDP */
  guint16  sport, dport;
  guint32  seq, ack;             /* as on the wire (absolute) */
  guint8   tcp_header_len;       /* bytes, options included */
  guint8   tcp_flags;            /* LabTcpFlags */
  guint16  window;               /* as on the wire, unscaled */
  guint16  checksum;             /* TCP's, UDP's or ICMP's, as on the wire: not checked */
  guint16  urgent;
  guint16  mss;                  /* 0: none */
  gint8    wscale;               /* -1: none */
  gboolean sack_permitted;
  guint8   n_sack;
  guint32  sack[4][2];
  gboolean has_timestamps;
  guint32  tsval, tsecr;
  guint16  udp_len;

  /* ICMP / ICMPv6 */
  guint8   icmp_type, icmp_code;
  guint16  icmp_id, icmp_seq;    /* for echo request and reply */
  guint8   nd_target[16];        /* ICMPv6 neighbour solicitation and advertisement */
  gboolean has_lladdr;           /* the link-layer address option of one */
  guint8   lladdr[6];

  /* ARP (Ethernet/IPv4) */
  guint16  arp_op;
  guint8   arp_sha[6], arp_spa[4], arp_tha[6], arp_tpa[4];

  /* What the innermost header carries: where it starts in the captured
   * bytes, its length by the headers (right even when the capture kept
   * only the first bytes), and how much of it was captured. */
  guint32  payload_offset, payload_len, captured_payload;
} LabPacketInfo;

gboolean   lab_packet_decode     (const guint8        *frame,
                                  gsize                captured,
                                  gsize                wire_len,
                                  LabPacketInfo       *info);

char      *lab_packet_flags_text (guint8               tcp_flags);
char      *lab_packet_summary    (const LabPacketInfo *info,
                                  guint32              seq_base,
                                  guint32              ack_base);

/* One field of a decoded packet, as a view or protolab-cli lists it: its
 * layer ("TCP"), its name, its value as text, and what it means. */
typedef struct {
  char *layer;
  char *name;
  char *value;
  char *explanation;
} LabPacketField;

#define LAB_TYPE_PACKET_FIELD (lab_packet_field_get_type ())

GType           lab_packet_field_get_type (void) G_GNUC_CONST;
LabPacketField *lab_packet_field_copy     (const LabPacketField *field);
void            lab_packet_field_free     (LabPacketField       *field);

GPtrArray      *lab_packet_fields         (const LabPacketInfo  *info,
                                           guint32               seq_base,
                                           guint32               ack_base);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPacketField, lab_packet_field_free)

G_END_DECLS
