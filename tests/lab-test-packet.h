/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-packet.h"
#include "lab-test-utils.h"

G_BEGIN_DECLS

/* The frames that Linux sent, kept in tests/data (capture-frames.sh
 * captured them once; tcpdump -r tests/data/veth.pcap -nn -e -v shows
 * them), and what the packet tests ask of them. */

/* Frames of veth.pcap, as tcpdump -r numbers them less one. */
enum {
  LAB_TEST_MLD_REPORT = 0,
  LAB_TEST_DAD_SOLICITATION = 3,
  LAB_TEST_ARP_REQUEST = 6,
  LAB_TEST_ARP_REPLY = 7,
  LAB_TEST_ECHO_REQUEST = 8,
  LAB_TEST_ECHO_REPLY = 9,
  LAB_TEST_NEIGHBOUR_SOLICITATION = 10,
  LAB_TEST_NEIGHBOUR_ADVERTISEMENT = 11,
  LAB_TEST_ECHO6_REQUEST = 12,
  LAB_TEST_ECHO6_REPLY = 13,
  LAB_TEST_ROUTER_SOLICITATION = 15,
  LAB_TEST_SYN = 19,
  LAB_TEST_SYN_ACK = 20,
  LAB_TEST_HANDSHAKE_ACK = 21,
  LAB_TEST_DATA = 22,
  LAB_TEST_CLIENT_FIN = 26,
  LAB_TEST_REFUSED_SYN = 27,
  LAB_TEST_RST = 28,
  LAB_TEST_SERVER_FIN = 29,
  LAB_TEST_UDP6 = 32,
  LAB_TEST_UDP6_REPLY = 33,
  LAB_TEST_UDP4_CLOSED = 34,
  LAB_TEST_PORT_UNREACHABLE = 35,
};

/* The initial sequence numbers of the connection on the link, as tshark
 * reads them. */
#define LAB_TEST_CLIENT_ISN 1583771412u
#define LAB_TEST_SERVER_ISN 2966133717u

void                  lab_test_packet_init    (void);
void                  lab_test_packet_clear   (void);
GPtrArray            *lab_test_packet_frames  (void);
GBytes               *lab_test_veth_frame     (guint                index);
GBytes               *lab_test_lo_frame       (guint                index);
GBytes               *lab_test_hex_frame      (const char          *hex);

void                  lab_test_decode         (GBytes              *frame,
                                               LabPacketInfo       *info);
void                  lab_test_decode_veth    (guint                index,
                                               LabPacketInfo       *info);
void                  lab_test_assert_address (int                  family,
                                               const guint8        *address,
                                               const char          *expected);
void                  lab_test_assert_mac     (const guint8        *mac,
                                               const char          *expected);
void                  lab_test_assert_summary (const LabPacketInfo *info,
                                               guint32              seq_base,
                                               guint32              ack_base,
                                               const char          *english,
                                               const char          *spanish);
const LabPacketField *lab_test_find_field     (GPtrArray           *fields,
                                               const char          *layer,
                                               const char          *name);
void                  lab_test_assert_field   (GPtrArray           *fields,
                                               const char          *layer,
                                               const char          *name,
                                               const char          *value);
void                  lab_test_assert_payload (GBytes              *frame,
                                               const LabPacketInfo *info,
                                               const char          *expected);

G_END_DECLS
