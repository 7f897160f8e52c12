/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lab-locale.h"
#include "lab-test-packet.h"

/* Frames off a real wire, decoded: those Linux sent on a veth link
 * between two namespaces and on loopback, and a few built byte by byte
 * from the RFCs for what Linux does not send by itself; and what the lab
 * says of them, in English and in Spanish. test-packet-cuts.c cuts them
 * short and makes them lie. */

/* ---- TCP ---- */

/* A Linux client's SYN, with every option Linux puts in one, and the
 * server's answer: counted from the initial sequence numbers, and as on
 * the wire. */
static void
test_handshake (void)
{
  LabPacketInfo info;

  lab_test_decode_veth (LAB_TEST_SYN, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_TCP);
  lab_test_assert_mac (info.eth_src, "02:00:0a:50:00:01");
  lab_test_assert_mac (info.eth_dst, "02:00:0a:50:00:02");
  g_assert_cmpuint (info.ethertype, ==, 0x0800);
  g_assert_cmpint (info.family, ==, AF_INET);
  lab_test_assert_address (AF_INET, info.src, "10.80.0.1");
  lab_test_assert_address (AF_INET, info.dst, "10.80.0.2");
  g_assert_cmpuint (info.ttl, ==, 64);
  g_assert_cmpuint (info.ip_proto, ==, 6);
  g_assert_cmpuint (info.ip_id, ==, 0x7321);
  g_assert_cmpuint (info.ip_checksum, ==, 0xb2f8);
  g_assert_true (info.dont_fragment);
  g_assert_false (info.more_fragments);
  g_assert_cmpuint (info.ip_len, ==, 60);
  g_assert_cmpuint (info.sport, ==, 47134);
  g_assert_cmpuint (info.dport, ==, 5000);
  g_assert_cmpuint (info.seq, ==, LAB_TEST_CLIENT_ISN);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_SYN);
  g_assert_cmpuint (info.tcp_header_len, ==, 40);
  g_assert_cmpuint (info.window, ==, 64240);
  g_assert_cmpuint (info.checksum, ==, 0x14d1);
  g_assert_cmpuint (info.mss, ==, 1460);
  g_assert_cmpint (info.wscale, ==, 10);
  g_assert_true (info.sack_permitted);
  g_assert_cmpuint (info.n_sack, ==, 0);
  g_assert_true (info.has_timestamps);
  g_assert_cmpuint (info.tsval, ==, 1107820222);
  g_assert_cmpuint (info.tsecr, ==, 0);
  g_assert_cmpuint (info.payload_offset, ==, 74);
  g_assert_cmpuint (info.payload_len, ==, 0);
  lab_test_assert_summary (&info, LAB_TEST_CLIENT_ISN, 0, "SYN seq=0 win=64240 mss=1460 ws=10 sack ts", NULL);
  lab_test_assert_summary (&info, 0, 0, "SYN seq=1583771412 win=64240 mss=1460 ws=10 sack ts", NULL);

  lab_test_decode_veth (LAB_TEST_SYN_ACK, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_SYN | LAB_TCP_ACK);
  g_assert_cmpuint (info.ip_id, ==, 0);
  g_assert_cmpuint (info.ack, ==, LAB_TEST_CLIENT_ISN + 1);
  g_assert_cmpuint (info.tsval, ==, 2671843161);
  g_assert_cmpuint (info.tsecr, ==, 1107820222);
  lab_test_assert_summary (&info, LAB_TEST_SERVER_ISN, LAB_TEST_CLIENT_ISN,
                           "SYN ACK seq=0 ack=1 win=65160 mss=1460 ws=10 sack ts", NULL);

  lab_test_decode_veth (LAB_TEST_HANDSHAKE_ACK, &info);
  g_assert_cmpuint (info.tcp_header_len, ==, 32);
  g_assert_cmpuint (info.mss, ==, 0);
  g_assert_cmpint (info.wscale, ==, -1);
  g_assert_false (info.sack_permitted);
  g_assert_true (info.has_timestamps);
  lab_test_assert_summary (&info, LAB_TEST_CLIENT_ISN, LAB_TEST_SERVER_ISN, "ACK seq=1 ack=1 win=63", NULL);
}

/* "hola\n" with PSH ACK, over the link and over loopback, whose frames
 * have zero addresses. */
static void
test_data (void)
{
  LabPacketInfo info;
  GBytes *frame = lab_test_veth_frame (LAB_TEST_DATA);

  lab_test_decode_veth (LAB_TEST_DATA, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_PSH | LAB_TCP_ACK);
  g_assert_cmpuint (info.ip_len, ==, 57);
  lab_test_assert_payload (frame, &info, "hola\n");
  lab_test_assert_summary (&info, LAB_TEST_CLIENT_ISN, LAB_TEST_SERVER_ISN, "PSH ACK seq=1 ack=1 win=63 len=5", NULL);

  lab_test_decode (lab_test_lo_frame (3), &info);
  g_assert_false (info.truncated);
  g_assert_cmpuint (info.proto, ==, LAB_PACKET_TCP);
  lab_test_assert_mac (info.eth_src, "00:00:00:00:00:00");
  lab_test_assert_mac (info.eth_dst, "00:00:00:00:00:00");
  lab_test_assert_address (AF_INET, info.src, "127.0.0.1");
  g_assert_cmpuint (info.dport, ==, 5000);
  lab_test_assert_payload (lab_test_lo_frame (3), &info, "hola\n");
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_PSH | LAB_TCP_ACK);

  /* The loopback SYN's MSS is its MTU's. */
  lab_test_decode (lab_test_lo_frame (0), &info);
  g_assert_cmpuint (info.mss, ==, 65495);
}

static void
test_fin_rst (void)
{
  LabPacketInfo info;

  lab_test_decode_veth (LAB_TEST_CLIENT_FIN, &info);
  lab_test_assert_summary (&info, LAB_TEST_CLIENT_ISN, LAB_TEST_SERVER_ISN, "FIN ACK seq=6 ack=6 win=63", NULL);
  lab_test_decode_veth (LAB_TEST_SERVER_FIN, &info);
  lab_test_assert_summary (&info, LAB_TEST_SERVER_ISN, LAB_TEST_CLIENT_ISN, "FIN ACK seq=6 ack=7 win=64", NULL);

  /* A SYN to a port where nothing listens, and the kernel's answer. */
  lab_test_decode_veth (LAB_TEST_REFUSED_SYN, &info);
  g_assert_cmpuint (info.dport, ==, 5999);
  lab_test_decode_veth (LAB_TEST_RST, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_RST | LAB_TCP_ACK);
  g_assert_cmpuint (info.tcp_header_len, ==, 20);
  g_assert_cmpuint (info.ip_id, ==, 0);
  g_assert_cmpuint (info.checksum, ==, 0xfa60);
  g_assert_cmpuint (info.seq, ==, 0);
  g_assert_cmpuint (info.ack, ==, 3277130776);
  g_assert_false (info.has_timestamps);
  lab_test_assert_summary (&info, 0, 3277130775, "RST ACK seq=0 ack=1 win=0", NULL);
}

static void
test_flags_text (void)
{
  static const struct {
    guint8      flags;
    const char *text;
  } cases[] = {
    { LAB_TCP_SYN, "SYN" },
    { LAB_TCP_SYN | LAB_TCP_ACK, "SYN ACK" },
    { LAB_TCP_PSH | LAB_TCP_ACK, "PSH ACK" },
    { LAB_TCP_FIN | LAB_TCP_ACK, "FIN ACK" },
    { LAB_TCP_RST | LAB_TCP_ACK, "RST ACK" },
    { LAB_TCP_FIN | LAB_TCP_PSH | LAB_TCP_ACK, "FIN PSH ACK" },
    { LAB_TCP_SYN | LAB_TCP_ECE | LAB_TCP_CWR, "SYN ECE CWR" },
    { 0xff, "FIN SYN RST PSH ACK URG ECE CWR" },
    { 0, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lab_packet_flags_text (cases[i].flags);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* ---- UDP and ICMP ---- */

static void
test_udp6 (void)
{
  LabPacketInfo info;

  lab_test_decode_veth (LAB_TEST_UDP6, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_UDP);
  g_assert_cmpuint (info.ethertype, ==, 0x86dd);
  g_assert_cmpint (info.family, ==, AF_INET6);
  lab_test_assert_address (AF_INET6, info.src, "fd80::1");
  lab_test_assert_address (AF_INET6, info.dst, "fd80::2");
  g_assert_cmpuint (info.flow_label, ==, 0x0d99e);
  g_assert_cmpuint (info.ttl, ==, 64);
  g_assert_cmpuint (info.ip_len, ==, 56);
  g_assert_cmpuint (info.n_extensions, ==, 0);
  g_assert_cmpuint (info.sport, ==, 45292);
  g_assert_cmpuint (info.dport, ==, 5001);
  g_assert_cmpuint (info.udp_len, ==, 16);
  g_assert_cmpuint (info.checksum, ==, 0xfb25);
  lab_test_assert_payload (lab_test_veth_frame (LAB_TEST_UDP6), &info, "hola udp");
  lab_test_assert_summary (&info, 0, 0, "UDP len=8", NULL);

  lab_test_decode_veth (LAB_TEST_UDP6_REPLY, &info);
  g_assert_cmpuint (info.sport, ==, 5001);
  g_assert_cmpuint (info.dport, ==, 45292);
}

static void
test_icmp (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode_veth (LAB_TEST_ECHO_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMP);
  g_assert_cmpuint (info.icmp_type, ==, 8);
  g_assert_cmpuint (info.icmp_id, ==, 0x1234);
  g_assert_cmpuint (info.icmp_seq, ==, 1);
  g_assert_cmpuint (info.checksum, ==, 0x3515);
  lab_test_assert_payload (lab_test_veth_frame (LAB_TEST_ECHO_REQUEST), &info, "protolab");
  lab_test_assert_summary (&info, 0, 0, "echo request id=4660 seq=1", "solicitud de eco id=4660 seq=1");
  lab_test_decode_veth (LAB_TEST_ECHO_REPLY, &info);
  g_assert_false (info.dont_fragment);
  lab_test_assert_summary (&info, 0, 0, "echo reply id=4660 seq=1", "respuesta de eco id=4660 seq=1");

  lab_test_decode_veth (LAB_TEST_ECHO6_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMPV6);
  g_assert_cmpuint (info.flow_label, ==, 0x267e6);
  lab_test_assert_summary (&info, 0, 0, "echo request id=4660 seq=1", "solicitud de eco id=4660 seq=1");
  lab_test_decode_veth (LAB_TEST_ECHO6_REPLY, &info);
  lab_test_assert_summary (&info, 0, 0, "echo reply id=4660 seq=1", "respuesta de eco id=4660 seq=1");

  /* A datagram to a port where nothing is bound: the kernel answers as
   * network control, with the datagram's own headers. */
  lab_test_decode_veth (LAB_TEST_UDP4_CLOSED, &info);
  g_assert_cmpuint (info.dport, ==, 5998);
  lab_test_decode_veth (LAB_TEST_PORT_UNREACHABLE, &info);
  g_assert_cmpuint (info.icmp_type, ==, 3);
  g_assert_cmpuint (info.icmp_code, ==, 3);
  g_assert_cmpuint (info.traffic_class, ==, 0xc0);
  g_assert_cmpuint (info.payload_len, ==, 33);
  lab_test_assert_summary (&info, 0, 0, "destination unreachable (port unreachable)",
                           "destino inalcanzable (puerto inalcanzable)");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "ICMP", "Type", "3 (destination unreachable)");
  lab_test_assert_field (fields, "ICMP", "Code", "3 (port unreachable)");
  lab_test_assert_field (fields, "IPv4", "DSCP and ECN", "0xc0");
}

/* ---- ARP and neighbour discovery ---- */

static void
test_arp (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode_veth (LAB_TEST_ARP_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ARP);
  g_assert_cmpint (info.family, ==, 0);
  lab_test_assert_mac (info.eth_dst, "ff:ff:ff:ff:ff:ff");
  g_assert_cmpuint (info.arp_op, ==, 1);
  lab_test_assert_mac (info.arp_sha, "02:00:0a:50:00:01");
  lab_test_assert_address (AF_INET, info.arp_spa, "10.80.0.1");
  lab_test_assert_mac (info.arp_tha, "00:00:00:00:00:00");
  lab_test_assert_address (AF_INET, info.arp_tpa, "10.80.0.2");
  g_assert_cmpuint (info.payload_len, ==, 0);
  lab_test_assert_summary (&info, 0, 0, "who has 10.80.0.2? tell 10.80.0.1",
                           "¿quién tiene 10.80.0.2? pregunta 10.80.0.1");

  lab_test_decode_veth (LAB_TEST_ARP_REPLY, &info);
  g_assert_cmpuint (info.arp_op, ==, 2);
  lab_test_assert_summary (&info, 0, 0, "10.80.0.2 is at 02:00:0a:50:00:02", "10.80.0.2 está en 02:00:0a:50:00:02");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "ARP", "Operation", "2 (reply)");
  lab_test_assert_field (fields, "ARP", "Sender MAC address", "02:00:0a:50:00:02");
  lab_test_assert_field (fields, "ARP", "Target IPv4 address", "10.80.0.1");
}

static void
test_neighbour (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode_veth (LAB_TEST_NEIGHBOUR_SOLICITATION, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMPV6);
  g_assert_cmpuint (info.icmp_type, ==, 135);
  g_assert_cmpuint (info.ttl, ==, 255);
  lab_test_assert_address (AF_INET6, info.dst, "ff02::1:ff00:2");
  lab_test_assert_address (AF_INET6, info.nd_target, "fd80::2");
  g_assert_true (info.has_lladdr);
  lab_test_assert_mac (info.lladdr, "02:00:0a:50:00:01");
  lab_test_assert_summary (&info, 0, 0, "neighbour solicitation: who has fd80::2?",
                           "solicitud de vecino: ¿quién tiene fd80::2?");

  lab_test_decode_veth (LAB_TEST_NEIGHBOUR_ADVERTISEMENT, &info);
  lab_test_assert_mac (info.lladdr, "02:00:0a:50:00:02");
  lab_test_assert_summary (&info, 0, 0, "neighbour advertisement: fd80::2 is at 02:00:0a:50:00:02",
                           "anuncio de vecino: fd80::2 está en 02:00:0a:50:00:02");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "ICMPv6", "Target address", "fd80::2");
  lab_test_assert_field (fields, "ICMPv6", "Link-layer address", "02:00:0a:50:00:02");
  lab_test_assert_field (fields, "IPv6", "Hop limit", "255");

  /* Before it takes its link-local address, a host asks from :: whether
   * another has it; its option is a nonce, not an address. */
  lab_test_decode_veth (LAB_TEST_DAD_SOLICITATION, &info);
  lab_test_assert_address (AF_INET6, info.src, "::");
  lab_test_assert_address (AF_INET6, info.nd_target, "fe80::aff:fe50:2");
  g_assert_false (info.has_lladdr);
  lab_test_assert_summary (&info, 0, 0,
                           "neighbour solicitation: does anyone have fe80::aff:fe50:2? (duplicate address detection)",
                           "solicitud de vecino: ¿alguien tiene ya fe80::aff:fe50:2? "
                           "(detección de direcciones duplicadas)");

  lab_test_decode_veth (LAB_TEST_ROUTER_SOLICITATION, &info);
  lab_test_assert_summary (&info, 0, 0, "router solicitation", "solicitud de router");
}

/* Linux's multicast listener report: a hop-by-hop options header (a
 * router alert, then padding) before ICMPv6. */
static void
test_hop_by_hop (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode_veth (LAB_TEST_MLD_REPORT, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMPV6);
  g_assert_cmpuint (info.ttl, ==, 1);
  g_assert_cmpuint (info.ip_len, ==, 96);
  g_assert_cmpuint (info.n_extensions, ==, 1);
  g_assert_cmpuint (info.extensions[0], ==, 0);
  g_assert_cmpuint (info.ip_proto, ==, 58);
  g_assert_cmpuint (info.network_offset, ==, 14);
  g_assert_cmpuint (info.transport_offset, ==, 14 + 40 + 8);
  g_assert_cmpuint (info.icmp_type, ==, 143);
  g_assert_cmpuint (info.payload_len, ==, 40);
  lab_test_assert_summary (&info, 0, 0, "multicast listener report (MLDv2)", "informe de oyente multicast (MLDv2)");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "IPv6", "Next header", "0 (hop-by-hop options)");
  lab_test_assert_field (fields, "IPv6", "Extension header", "0 (hop-by-hop options)");
}

/* ---- Frames built from the RFCs ---- */

/* RFC 7042's 802.1Q tag: VLAN 80, priority 5, then IPv4 and UDP; padded,
 * as a switch sends it, to 64 bytes. */
static void
test_vlan (void)
{
  g_autoptr(GBytes) frame = lab_test_hex_frame ("02000a500002 02000a500001 8100 a050 0800"
                                                "45000020 12344000 401113f7 0a500001 0a500002"
                                                "9c401389 000c6699 686f6c61"
                                                "0000000000000000000000000000");
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode (frame, &info);
  g_assert_false (info.truncated);
  g_assert_false (info.malformed);
  g_assert_true (info.vlan);
  g_assert_cmpuint (info.vlan_tpid, ==, 0x8100);
  g_assert_cmpuint (info.vlan_id, ==, 80);
  g_assert_cmpuint (info.vlan_priority, ==, 5);
  g_assert_cmpuint (info.ethertype, ==, 0x0800);
  g_assert_cmpuint (info.network_offset, ==, 18);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_UDP);
  g_assert_cmpuint (info.dport, ==, 5001);
  lab_test_assert_payload (frame, &info, "hola");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "Ethernet", "Type", "0x8100 (802.1Q)");
  lab_test_assert_field (fields, "802.1Q", "VLAN", "80");
  lab_test_assert_field (fields, "802.1Q", "Type", "0x0800 (IPv4)");
}

/* ping -R: IPv4's record route option with nine slots and an end of
 * options fill the header to its most, 60 bytes (IHL 15). */
static void
test_ipv4_options (void)
{
  g_autoptr(GBytes) frame = lab_test_hex_frame ("02000a500002 02000a500001 0800"
                                                "4f00004c 12344000 4001feb3 0a500001 0a500002"
                                                "072704 000000000000000000000000000000000000"
                                                "000000000000000000000000000000000000 00"
                                                "08003c3e 0b0b0001 70726f746f6c6162");
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  lab_test_decode (frame, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.ip_header_len, ==, 60);
  g_assert_cmpuint (info.n_ip_options, ==, 2);
  g_assert_cmpuint (info.ip_options[0], ==, 7);
  g_assert_cmpuint (info.ip_options[1], ==, 0);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMP);
  g_assert_cmpuint (info.transport_offset, ==, 14 + 60);
  g_assert_cmpuint (info.icmp_id, ==, 0x0b0b);
  lab_test_assert_payload (frame, &info, "protolab");
  fields = lab_packet_fields (&info, 0, 0);
  lab_test_assert_field (fields, "IPv4", "Header length", "60 bytes");
  lab_test_assert_field (fields, "IPv4", "Options", "7 (record route), 0 (end of options)");
}

/* A UDP datagram over IPv6 in two fragments: the first holds the UDP
 * header, the last only bytes. */
static void
test_ipv6_fragments (void)
{
  g_autoptr(GBytes) first = lab_test_hex_frame ("02000a500002 02000a500001 86dd 60000000 00182c40"
                                                "fd800000000000000000000000000001 fd800000000000000000000000000002"
                                                "11000001 deadbeef 9c401389 0014dc73 667261676d656e74");
  g_autoptr(GBytes) last = lab_test_hex_frame ("02000a500002 02000a500001 86dd 60000000 000c2c40"
                                               "fd800000000000000000000000000001 fd800000000000000000000000000002"
                                               "11000010 deadbeef 686f6c61");
  LabPacketInfo info;

  lab_test_decode (first, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.n_extensions, ==, 1);
  g_assert_cmpuint (info.extensions[0], ==, 44);
  g_assert_cmpuint (info.fragment_id, ==, 0xdeadbeef);
  g_assert_true (info.more_fragments);
  g_assert_cmpuint (info.fragment_offset, ==, 0);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_UDP);
  g_assert_cmpuint (info.udp_len, ==, 20);
  /* What this packet holds, not what the whole datagram's length says. */
  lab_test_assert_payload (first, &info, "fragment");

  lab_test_decode (last, &info);
  g_assert_false (info.malformed);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_IPV6);
  g_assert_cmpuint (info.ip_proto, ==, 17);
  g_assert_false (info.more_fragments);
  g_assert_cmpuint (info.fragment_offset, ==, 16);
  g_assert_cmpuint (info.sport, ==, 0);
  lab_test_assert_payload (last, &info, "hola");
  lab_test_assert_summary (&info, 0, 0, "IPv6 fragment at byte 16, protocol 17",
                           "fragmento IPv6 en el byte 16, protocolo 17");
}

/* A frame as a network card receives it: padded to Ethernet's 60 bytes.
 * The padding is no part of the datagram. */
static void
test_padding (void)
{
  GBytes *datagram = lab_test_veth_frame (LAB_TEST_UDP4_CLOSED);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  g_autoptr(GBytes) frame = NULL;
  LabPacketInfo info;

  g_byte_array_append (padded, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
  g_byte_array_set_size (padded, 60);
  memset (padded->data + g_bytes_get_size (datagram), 0, 60 - g_bytes_get_size (datagram));
  frame = g_byte_array_free_to_bytes (g_steal_pointer (&padded));
  lab_test_decode (frame, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.ip_len, ==, 33);
  lab_test_assert_payload (frame, &info, "nadie");
  lab_test_assert_summary (&info, 0, 0, "UDP len=5", NULL);
}

static void
test_other (void)
{
  g_autoptr(GBytes) lldp = lab_test_hex_frame ("0180c200000e 02000a500001 88cc 0207046e6f6e65");
  g_autoptr(GBytes) gre = lab_test_hex_frame ("02000a500002 02000a500001 0800"
                                              "45000018 00004000 402f0000 0a500001 0a500002 00000800");
  g_autoptr(GBytes) short_frame = lab_test_hex_frame ("02000a500002 02000a500001 08");
  LabPacketInfo info;

  lab_test_decode (lldp, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_OTHER);
  g_assert_cmpuint (info.payload_offset, ==, 14);
  g_assert_cmpuint (info.payload_len, ==, 7);
  lab_test_assert_summary (&info, 0, 0, "EtherType 0x88cc", NULL);

  lab_test_decode (gre, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_IPV4);
  g_assert_cmpuint (info.payload_len, ==, 4);
  lab_test_assert_summary (&info, 0, 0, "IPv4 protocol 47", "IPv4, protocolo 47");

  /* Less than an Ethernet header: a frame that short, or a capture. */
  g_assert_false (lab_packet_decode (g_bytes_get_data (short_frame, NULL), 13, 13, &info));
  g_assert_true (info.malformed);
  g_assert_false (info.truncated);
  g_assert_false (lab_packet_decode (g_bytes_get_data (short_frame, NULL), 13, 60, &info));
  g_assert_false (info.malformed);
  g_assert_true (info.truncated);
  g_assert_false (lab_packet_decode (NULL, 0, 0, &info));
}

/* ---- In words ---- */

static void
test_fields (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) en = NULL;
  g_autoptr(GPtrArray) es = NULL;

  lab_test_decode_veth (LAB_TEST_SYN_ACK, &info);
  en = lab_packet_fields (&info, LAB_TEST_SERVER_ISN, LAB_TEST_CLIENT_ISN);
  lab_test_assert_field (en, "Ethernet", "Source", "02:00:0a:50:00:02");
  lab_test_assert_field (en, "Ethernet", "Type", "0x0800 (IPv4)");
  lab_test_assert_field (en, "IPv4", "Time to live (TTL)", "64");
  lab_test_assert_field (en, "IPv4", "Don't fragment (DF)", "1");
  lab_test_assert_field (en, "IPv4", "Protocol", "6 (TCP)");
  lab_test_assert_field (en, "IPv4", "Source address", "10.80.0.2");
  lab_test_assert_field (en, "TCP", "Source port", "5000");
  lab_test_assert_field (en, "TCP", "Sequence number", "0 (on the wire: 2966133717)");
  lab_test_assert_field (en, "TCP", "Acknowledgement number", "1 (on the wire: 1583771413)");
  lab_test_assert_field (en, "TCP", "Header length", "40 bytes");
  lab_test_assert_field (en, "TCP", "Flags", "0x12 (SYN ACK)");
  lab_test_assert_field (en, "TCP", "SYN", "1");
  lab_test_assert_field (en, "TCP", "ACK", "1");
  g_assert_null (lab_test_find_field (en, "TCP", "FIN"));
  lab_test_assert_field (en, "TCP", "Window", "65160");
  lab_test_assert_field (en, "TCP", "Maximum segment size (MSS)", "1460 bytes");
  lab_test_assert_field (en, "TCP", "Window scale", "10 (×1024)");
  lab_test_assert_field (en, "TCP", "SACK permitted", "1");
  lab_test_assert_field (en, "TCP", "Timestamps", "TSval=2671843161 TSecr=1107820222");

  lab_locale_set_language ("es");
  es = lab_packet_fields (&info, LAB_TEST_SERVER_ISN, LAB_TEST_CLIENT_ISN);
  lab_locale_set_language ("en");
  lab_test_assert_field (es, "TCP", "Número de secuencia", "0 (en el cable: 2966133717)");
  lab_test_assert_field (es, "TCP", "Número de confirmación", "1 (en el cable: 1583771413)");
  lab_test_assert_field (es, "TCP", "Ventana", "65160");
  lab_test_assert_field (es, "TCP", "Longitud de la cabecera", "40 bytes");
  lab_test_assert_field (es, "IPv4", "Tiempo de vida (TTL)", "64");
}

/* Every field of every frame here has its explanation in Spanish. */
static void
test_fields_translated (void)
{
  g_autoptr(GPtrArray) frames = lab_test_packet_frames ();
  guint checked = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      LabPacketInfo info;
      g_autoptr(GPtrArray) en = NULL;
      g_autoptr(GPtrArray) es = NULL;

      lab_test_decode (((LabTestFrame *) frames->pdata[i])->data, &info);
      en = lab_packet_fields (&info, 1, 1);
      lab_locale_set_language ("es");
      es = lab_packet_fields (&info, 1, 1);
      lab_locale_set_language ("en");
      g_assert_cmpuint (en->len, ==, es->len);
      for (guint f = 0; f < en->len; f++)
        {
          const LabPacketField *english = en->pdata[f];
          const LabPacketField *spanish = es->pdata[f];

          g_assert_cmpstr (english->layer, ==, spanish->layer);
          if (g_str_equal (english->explanation, spanish->explanation))
            g_error ("%s %s: not translated", english->layer, english->name);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 400);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  lab_test_init (&argc, &argv);
  lab_test_packet_init ();

  g_test_add_func ("/packet/tcp/handshake", test_handshake);
  g_test_add_func ("/packet/tcp/data", test_data);
  g_test_add_func ("/packet/tcp/fin-rst", test_fin_rst);
  g_test_add_func ("/packet/tcp/flags", test_flags_text);
  g_test_add_func ("/packet/udp/ipv6", test_udp6);
  g_test_add_func ("/packet/icmp", test_icmp);
  g_test_add_func ("/packet/arp", test_arp);
  g_test_add_func ("/packet/icmpv6/neighbour", test_neighbour);
  g_test_add_func ("/packet/ipv6/hop-by-hop", test_hop_by_hop);
  g_test_add_func ("/packet/vlan", test_vlan);
  g_test_add_func ("/packet/ipv4/options", test_ipv4_options);
  g_test_add_func ("/packet/ipv6/fragments", test_ipv6_fragments);
  g_test_add_func ("/packet/padding", test_padding);
  g_test_add_func ("/packet/other", test_other);
  g_test_add_func ("/packet/fields", test_fields);
  g_test_add_func ("/packet/fields/translated", test_fields_translated);

  status = g_test_run ();
  lab_test_packet_clear ();
  return status;
}
