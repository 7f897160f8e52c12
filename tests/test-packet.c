/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lab-hex.h"
#include "lab-locale.h"
#include "lab-packet.h"
#include "lab-test-utils.h"

/* Frames off a real wire, decoded: those Linux sent on a veth link
 * between two namespaces and on loopback (tests/data/capture-frames.sh
 * captured them once; tcpdump -r tests/data/veth.pcap -nn -e -v shows
 * them), and a few built byte by byte from the RFCs for what Linux does
 * not send by itself. Each is also cut at every byte and given lengths
 * that lie: nothing is read past the end, and what was before the cut
 * stays right. */

static GPtrArray *veth;   /* LabTestFrame, in tcpdump's order from 0 */
static GPtrArray *lo;

/* Frames of veth.pcap, as tcpdump -r numbers them less one. */
enum {
  MLD_REPORT = 0,
  DAD_SOLICITATION = 3,
  ARP_REQUEST = 6,
  ARP_REPLY = 7,
  ECHO_REQUEST = 8,
  ECHO_REPLY = 9,
  NEIGHBOUR_SOLICITATION = 10,
  NEIGHBOUR_ADVERTISEMENT = 11,
  ECHO6_REQUEST = 12,
  ECHO6_REPLY = 13,
  ROUTER_SOLICITATION = 15,
  SYN = 19,
  SYN_ACK = 20,
  HANDSHAKE_ACK = 21,
  DATA = 22,
  CLIENT_FIN = 26,
  REFUSED_SYN = 27,
  RST = 28,
  SERVER_FIN = 29,
  UDP6 = 32,
  UDP6_REPLY = 33,
  UDP4_CLOSED = 34,
  PORT_UNREACHABLE = 35,
};

/* The initial sequence numbers of the connection on the link, as tshark
 * reads them. */
#define CLIENT_ISN 1583771412u
#define SERVER_ISN 2966133717u

static GBytes *
frame_bytes (GPtrArray *frames,
             guint      index)
{
  g_assert_cmpuint (index, <, frames->len);
  return ((LabTestFrame *) frames->pdata[index])->data;
}

static void
decode (GBytes        *frame,
        LabPacketInfo *info)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_assert_true (lab_packet_decode (data, len, len, info));
}

static void
decode_veth (guint          index,
             LabPacketInfo *info)
{
  decode (frame_bytes (veth, index), info);
  g_assert_false (info->truncated);
  g_assert_false (info->malformed);
}

/* Bytes written as hexadecimal, as the RFCs draw them. */
static GBytes *
hex_frame (const char *hex)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = lab_hex_parse (hex, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
assert_address (int           family,
                const guint8 *address,
                const char   *expected)
{
  char text[INET6_ADDRSTRLEN];

  g_assert_nonnull (inet_ntop (family, address, text, sizeof text));
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_mac (const guint8 *mac,
            const char   *expected)
{
  g_autofree char *text = g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                                           mac[5]);

  g_assert_cmpstr (text, ==, expected);
}

/* The summary, in English and in Spanish. */
static void
assert_summary (const LabPacketInfo *info,
                guint32              seq_base,
                guint32              ack_base,
                const char          *english,
                const char          *spanish)
{
  g_autofree char *en = NULL;
  g_autofree char *es = NULL;

  en = lab_packet_summary (info, seq_base, ack_base);
  lab_locale_set_language ("es");
  es = lab_packet_summary (info, seq_base, ack_base);
  lab_locale_set_language ("en");
  g_assert_cmpstr (en, ==, english);
  g_assert_cmpstr (es, ==, spanish != NULL ? spanish : english);
}

static const LabPacketField *
find_field (GPtrArray  *fields,
            const char *layer,
            const char *name)
{
  for (guint i = 0; i < fields->len; i++)
    {
      const LabPacketField *field = fields->pdata[i];

      if (g_str_equal (field->layer, layer) && g_str_equal (field->name, name))
        return field;
    }

  return NULL;
}

static void
assert_field (GPtrArray  *fields,
              const char *layer,
              const char *name,
              const char *value)
{
  const LabPacketField *field = find_field (fields, layer, name);

  if (field == NULL)
    g_error ("no field %s %s", layer, name);
  g_assert_cmpstr (field->value, ==, value);
  g_assert_cmpuint (strlen (field->explanation), >, 20);
}

static void
assert_payload (GBytes              *frame,
                const LabPacketInfo *info,
                const char          *expected)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_assert_cmpuint (info->payload_len, ==, strlen (expected));
  g_assert_cmpuint (info->captured_payload, ==, info->payload_len);
  g_assert_cmpuint (info->payload_offset + info->captured_payload, <=, len);
  g_assert_cmpmem (data + info->payload_offset, info->captured_payload, expected, strlen (expected));
}

/* ---- TCP ---- */

/* A Linux client's SYN, with every option Linux puts in one, and the
 * server's answer: counted from the initial sequence numbers, and as on
 * the wire. */
static void
test_handshake (void)
{
  LabPacketInfo info;

  decode_veth (SYN, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_TCP);
  assert_mac (info.eth_src, "02:00:0a:50:00:01");
  assert_mac (info.eth_dst, "02:00:0a:50:00:02");
  g_assert_cmpuint (info.ethertype, ==, 0x0800);
  g_assert_cmpint (info.family, ==, AF_INET);
  assert_address (AF_INET, info.src, "10.80.0.1");
  assert_address (AF_INET, info.dst, "10.80.0.2");
  g_assert_cmpuint (info.ttl, ==, 64);
  g_assert_cmpuint (info.ip_proto, ==, 6);
  g_assert_cmpuint (info.ip_id, ==, 0x7321);
  g_assert_cmpuint (info.ip_checksum, ==, 0xb2f8);
  g_assert_true (info.dont_fragment);
  g_assert_false (info.more_fragments);
  g_assert_cmpuint (info.ip_len, ==, 60);
  g_assert_cmpuint (info.sport, ==, 47134);
  g_assert_cmpuint (info.dport, ==, 5000);
  g_assert_cmpuint (info.seq, ==, CLIENT_ISN);
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
  assert_summary (&info, CLIENT_ISN, 0, "SYN seq=0 win=64240 mss=1460 ws=10 sack ts", NULL);
  assert_summary (&info, 0, 0, "SYN seq=1583771412 win=64240 mss=1460 ws=10 sack ts", NULL);

  decode_veth (SYN_ACK, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_SYN | LAB_TCP_ACK);
  g_assert_cmpuint (info.ip_id, ==, 0);
  g_assert_cmpuint (info.ack, ==, CLIENT_ISN + 1);
  g_assert_cmpuint (info.tsval, ==, 2671843161);
  g_assert_cmpuint (info.tsecr, ==, 1107820222);
  assert_summary (&info, SERVER_ISN, CLIENT_ISN, "SYN ACK seq=0 ack=1 win=65160 mss=1460 ws=10 sack ts", NULL);

  decode_veth (HANDSHAKE_ACK, &info);
  g_assert_cmpuint (info.tcp_header_len, ==, 32);
  g_assert_cmpuint (info.mss, ==, 0);
  g_assert_cmpint (info.wscale, ==, -1);
  g_assert_false (info.sack_permitted);
  g_assert_true (info.has_timestamps);
  assert_summary (&info, CLIENT_ISN, SERVER_ISN, "ACK seq=1 ack=1 win=63", NULL);
}

/* "hola\n" with PSH ACK, over the link and over loopback, whose frames
 * have zero addresses. */
static void
test_data (void)
{
  LabPacketInfo info;
  GBytes *frame = frame_bytes (veth, DATA);

  decode_veth (DATA, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_PSH | LAB_TCP_ACK);
  g_assert_cmpuint (info.ip_len, ==, 57);
  assert_payload (frame, &info, "hola\n");
  assert_summary (&info, CLIENT_ISN, SERVER_ISN, "PSH ACK seq=1 ack=1 win=63 len=5", NULL);

  decode (frame_bytes (lo, 3), &info);
  g_assert_false (info.truncated);
  g_assert_cmpuint (info.proto, ==, LAB_PACKET_TCP);
  assert_mac (info.eth_src, "00:00:00:00:00:00");
  assert_mac (info.eth_dst, "00:00:00:00:00:00");
  assert_address (AF_INET, info.src, "127.0.0.1");
  g_assert_cmpuint (info.dport, ==, 5000);
  assert_payload (frame_bytes (lo, 3), &info, "hola\n");
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_PSH | LAB_TCP_ACK);

  /* The loopback SYN's MSS is its MTU's. */
  decode (frame_bytes (lo, 0), &info);
  g_assert_cmpuint (info.mss, ==, 65495);
}

static void
test_fin_rst (void)
{
  LabPacketInfo info;

  decode_veth (CLIENT_FIN, &info);
  assert_summary (&info, CLIENT_ISN, SERVER_ISN, "FIN ACK seq=6 ack=6 win=63", NULL);
  decode_veth (SERVER_FIN, &info);
  assert_summary (&info, SERVER_ISN, CLIENT_ISN, "FIN ACK seq=6 ack=7 win=64", NULL);

  /* A SYN to a port where nothing listens, and the kernel's answer. */
  decode_veth (REFUSED_SYN, &info);
  g_assert_cmpuint (info.dport, ==, 5999);
  decode_veth (RST, &info);
  g_assert_cmpuint (info.tcp_flags, ==, LAB_TCP_RST | LAB_TCP_ACK);
  g_assert_cmpuint (info.tcp_header_len, ==, 20);
  g_assert_cmpuint (info.ip_id, ==, 0);
  g_assert_cmpuint (info.checksum, ==, 0xfa60);
  g_assert_cmpuint (info.seq, ==, 0);
  g_assert_cmpuint (info.ack, ==, 3277130776);
  g_assert_false (info.has_timestamps);
  assert_summary (&info, 0, 3277130775, "RST ACK seq=0 ack=1 win=0", NULL);
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

  decode_veth (UDP6, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_UDP);
  g_assert_cmpuint (info.ethertype, ==, 0x86dd);
  g_assert_cmpint (info.family, ==, AF_INET6);
  assert_address (AF_INET6, info.src, "fd80::1");
  assert_address (AF_INET6, info.dst, "fd80::2");
  g_assert_cmpuint (info.flow_label, ==, 0x0d99e);
  g_assert_cmpuint (info.ttl, ==, 64);
  g_assert_cmpuint (info.ip_len, ==, 56);
  g_assert_cmpuint (info.n_extensions, ==, 0);
  g_assert_cmpuint (info.sport, ==, 45292);
  g_assert_cmpuint (info.dport, ==, 5001);
  g_assert_cmpuint (info.udp_len, ==, 16);
  g_assert_cmpuint (info.checksum, ==, 0xfb25);
  assert_payload (frame_bytes (veth, UDP6), &info, "hola udp");
  assert_summary (&info, 0, 0, "UDP len=8", NULL);

  decode_veth (UDP6_REPLY, &info);
  g_assert_cmpuint (info.sport, ==, 5001);
  g_assert_cmpuint (info.dport, ==, 45292);
}

static void
test_icmp (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode_veth (ECHO_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMP);
  g_assert_cmpuint (info.icmp_type, ==, 8);
  g_assert_cmpuint (info.icmp_id, ==, 0x1234);
  g_assert_cmpuint (info.icmp_seq, ==, 1);
  g_assert_cmpuint (info.checksum, ==, 0x3515);
  assert_payload (frame_bytes (veth, ECHO_REQUEST), &info, "protolab");
  assert_summary (&info, 0, 0, "echo request id=4660 seq=1", "solicitud de eco id=4660 seq=1");
  decode_veth (ECHO_REPLY, &info);
  g_assert_false (info.dont_fragment);
  assert_summary (&info, 0, 0, "echo reply id=4660 seq=1", "respuesta de eco id=4660 seq=1");

  decode_veth (ECHO6_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMPV6);
  g_assert_cmpuint (info.flow_label, ==, 0x267e6);
  assert_summary (&info, 0, 0, "echo request id=4660 seq=1", "solicitud de eco id=4660 seq=1");
  decode_veth (ECHO6_REPLY, &info);
  assert_summary (&info, 0, 0, "echo reply id=4660 seq=1", "respuesta de eco id=4660 seq=1");

  /* A datagram to a port where nothing is bound: the kernel answers as
   * network control, with the datagram's own headers. */
  decode_veth (UDP4_CLOSED, &info);
  g_assert_cmpuint (info.dport, ==, 5998);
  decode_veth (PORT_UNREACHABLE, &info);
  g_assert_cmpuint (info.icmp_type, ==, 3);
  g_assert_cmpuint (info.icmp_code, ==, 3);
  g_assert_cmpuint (info.traffic_class, ==, 0xc0);
  g_assert_cmpuint (info.payload_len, ==, 33);
  assert_summary (&info, 0, 0, "destination unreachable (port unreachable)",
                  "destino inalcanzable (puerto inalcanzable)");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "ICMP", "Type", "3 (destination unreachable)");
  assert_field (fields, "ICMP", "Code", "3 (port unreachable)");
  assert_field (fields, "IPv4", "DSCP and ECN", "0xc0");
}

/* ---- ARP and neighbour discovery ---- */

static void
test_arp (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode_veth (ARP_REQUEST, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ARP);
  g_assert_cmpint (info.family, ==, 0);
  assert_mac (info.eth_dst, "ff:ff:ff:ff:ff:ff");
  g_assert_cmpuint (info.arp_op, ==, 1);
  assert_mac (info.arp_sha, "02:00:0a:50:00:01");
  assert_address (AF_INET, info.arp_spa, "10.80.0.1");
  assert_mac (info.arp_tha, "00:00:00:00:00:00");
  assert_address (AF_INET, info.arp_tpa, "10.80.0.2");
  g_assert_cmpuint (info.payload_len, ==, 0);
  assert_summary (&info, 0, 0, "who has 10.80.0.2? tell 10.80.0.1", "¿quién tiene 10.80.0.2? pregunta 10.80.0.1");

  decode_veth (ARP_REPLY, &info);
  g_assert_cmpuint (info.arp_op, ==, 2);
  assert_summary (&info, 0, 0, "10.80.0.2 is at 02:00:0a:50:00:02", "10.80.0.2 está en 02:00:0a:50:00:02");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "ARP", "Operation", "2 (reply)");
  assert_field (fields, "ARP", "Sender MAC address", "02:00:0a:50:00:02");
  assert_field (fields, "ARP", "Target IPv4 address", "10.80.0.1");
}

static void
test_neighbour (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode_veth (NEIGHBOUR_SOLICITATION, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMPV6);
  g_assert_cmpuint (info.icmp_type, ==, 135);
  g_assert_cmpuint (info.ttl, ==, 255);
  assert_address (AF_INET6, info.dst, "ff02::1:ff00:2");
  assert_address (AF_INET6, info.nd_target, "fd80::2");
  g_assert_true (info.has_lladdr);
  assert_mac (info.lladdr, "02:00:0a:50:00:01");
  assert_summary (&info, 0, 0, "neighbour solicitation: who has fd80::2?",
                  "solicitud de vecino: ¿quién tiene fd80::2?");

  decode_veth (NEIGHBOUR_ADVERTISEMENT, &info);
  assert_mac (info.lladdr, "02:00:0a:50:00:02");
  assert_summary (&info, 0, 0, "neighbour advertisement: fd80::2 is at 02:00:0a:50:00:02",
                  "anuncio de vecino: fd80::2 está en 02:00:0a:50:00:02");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "ICMPv6", "Target address", "fd80::2");
  assert_field (fields, "ICMPv6", "Link-layer address", "02:00:0a:50:00:02");
  assert_field (fields, "IPv6", "Hop limit", "255");

  /* Before it takes its link-local address, a host asks from :: whether
   * another has it; its option is a nonce, not an address. */
  decode_veth (DAD_SOLICITATION, &info);
  assert_address (AF_INET6, info.src, "::");
  assert_address (AF_INET6, info.nd_target, "fe80::aff:fe50:2");
  g_assert_false (info.has_lladdr);
  assert_summary (&info, 0, 0,
                  "neighbour solicitation: does anyone have fe80::aff:fe50:2? (duplicate address detection)",
                  "solicitud de vecino: ¿alguien tiene ya fe80::aff:fe50:2? (detección de direcciones duplicadas)");

  decode_veth (ROUTER_SOLICITATION, &info);
  assert_summary (&info, 0, 0, "router solicitation", "solicitud de router");
}

/* Linux's multicast listener report: a hop-by-hop options header (a
 * router alert, then padding) before ICMPv6. */
static void
test_hop_by_hop (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode_veth (MLD_REPORT, &info);
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
  assert_summary (&info, 0, 0, "multicast listener report (MLDv2)", "informe de oyente multicast (MLDv2)");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "IPv6", "Next header", "0 (hop-by-hop options)");
  assert_field (fields, "IPv6", "Extension header", "0 (hop-by-hop options)");
}

/* ---- Frames built from the RFCs ---- */

/* RFC 7042's 802.1Q tag: VLAN 80, priority 5, then IPv4 and UDP; padded,
 * as a switch sends it, to 64 bytes. */
static void
test_vlan (void)
{
  g_autoptr(GBytes) frame = hex_frame ("02000a500002 02000a500001 8100 a050 0800"
                                       "45000020 12344000 401113f7 0a500001 0a500002"
                                       "9c401389 000c6699 686f6c61"
                                       "0000000000000000000000000000");
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode (frame, &info);
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
  assert_payload (frame, &info, "hola");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "Ethernet", "Type", "0x8100 (802.1Q)");
  assert_field (fields, "802.1Q", "VLAN", "80");
  assert_field (fields, "802.1Q", "Type", "0x0800 (IPv4)");
}

/* ping -R: IPv4's record route option with nine slots and an end of
 * options fill the header to its most, 60 bytes (IHL 15). */
static void
test_ipv4_options (void)
{
  g_autoptr(GBytes) frame = hex_frame ("02000a500002 02000a500001 0800"
                                       "4f00004c 12344000 4001feb3 0a500001 0a500002"
                                       "072704 000000000000000000000000000000000000"
                                       "000000000000000000000000000000000000 00"
                                       "08003c3e 0b0b0001 70726f746f6c6162");
  LabPacketInfo info;
  g_autoptr(GPtrArray) fields = NULL;

  decode (frame, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.ip_header_len, ==, 60);
  g_assert_cmpuint (info.n_ip_options, ==, 2);
  g_assert_cmpuint (info.ip_options[0], ==, 7);
  g_assert_cmpuint (info.ip_options[1], ==, 0);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_ICMP);
  g_assert_cmpuint (info.transport_offset, ==, 14 + 60);
  g_assert_cmpuint (info.icmp_id, ==, 0x0b0b);
  assert_payload (frame, &info, "protolab");
  fields = lab_packet_fields (&info, 0, 0);
  assert_field (fields, "IPv4", "Header length", "60 bytes");
  assert_field (fields, "IPv4", "Options", "7 (record route), 0 (end of options)");
}

/* A UDP datagram over IPv6 in two fragments: the first holds the UDP
 * header, the last only bytes. */
static void
test_ipv6_fragments (void)
{
  g_autoptr(GBytes) first = hex_frame ("02000a500002 02000a500001 86dd 60000000 00182c40"
                                       "fd800000000000000000000000000001 fd800000000000000000000000000002"
                                       "11000001 deadbeef 9c401389 0014dc73 667261676d656e74");
  g_autoptr(GBytes) last = hex_frame ("02000a500002 02000a500001 86dd 60000000 000c2c40"
                                      "fd800000000000000000000000000001 fd800000000000000000000000000002"
                                      "11000010 deadbeef 686f6c61");
  LabPacketInfo info;

  decode (first, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.n_extensions, ==, 1);
  g_assert_cmpuint (info.extensions[0], ==, 44);
  g_assert_cmpuint (info.fragment_id, ==, 0xdeadbeef);
  g_assert_true (info.more_fragments);
  g_assert_cmpuint (info.fragment_offset, ==, 0);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_UDP);
  g_assert_cmpuint (info.udp_len, ==, 20);
  /* What this packet holds, not what the whole datagram's length says. */
  assert_payload (first, &info, "fragment");

  decode (last, &info);
  g_assert_false (info.malformed);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_IPV6);
  g_assert_cmpuint (info.ip_proto, ==, 17);
  g_assert_false (info.more_fragments);
  g_assert_cmpuint (info.fragment_offset, ==, 16);
  g_assert_cmpuint (info.sport, ==, 0);
  assert_payload (last, &info, "hola");
  assert_summary (&info, 0, 0, "IPv6 fragment at byte 16, protocol 17",
                  "fragmento IPv6 en el byte 16, protocolo 17");
}

/* A frame as a network card receives it: padded to Ethernet's 60 bytes.
 * The padding is no part of the datagram. */
static void
test_padding (void)
{
  GBytes *datagram = frame_bytes (veth, UDP4_CLOSED);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  g_autoptr(GBytes) frame = NULL;
  LabPacketInfo info;

  g_byte_array_append (padded, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
  g_byte_array_set_size (padded, 60);
  memset (padded->data + g_bytes_get_size (datagram), 0, 60 - g_bytes_get_size (datagram));
  frame = g_byte_array_free_to_bytes (g_steal_pointer (&padded));
  decode (frame, &info);
  g_assert_false (info.malformed);
  g_assert_cmpuint (info.ip_len, ==, 33);
  assert_payload (frame, &info, "nadie");
  assert_summary (&info, 0, 0, "UDP len=5", NULL);
}

static void
test_other (void)
{
  g_autoptr(GBytes) lldp = hex_frame ("0180c200000e 02000a500001 88cc 0207046e6f6e65");
  g_autoptr(GBytes) gre = hex_frame ("02000a500002 02000a500001 0800"
                                     "45000018 00004000 402f0000 0a500001 0a500002 00000800");
  g_autoptr(GBytes) short_frame = hex_frame ("02000a500002 02000a500001 08");
  LabPacketInfo info;

  decode (lldp, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_OTHER);
  g_assert_cmpuint (info.payload_offset, ==, 14);
  g_assert_cmpuint (info.payload_len, ==, 7);
  assert_summary (&info, 0, 0, "EtherType 0x88cc", NULL);

  decode (gre, &info);
  g_assert_cmpint (info.proto, ==, LAB_PACKET_IPV4);
  g_assert_cmpuint (info.payload_len, ==, 4);
  assert_summary (&info, 0, 0, "IPv4 protocol 47", "IPv4, protocolo 47");

  g_assert_false (lab_packet_decode (g_bytes_get_data (short_frame, NULL), 13, 13, &info));
  g_assert_false (lab_packet_decode (NULL, 0, 0, &info));
}

/* ---- Cut short, and lying ---- */

/* Whether every field of @part is in @whole, the same. */
static gboolean
fields_within (GPtrArray *part,
               GPtrArray *whole)
{
  for (guint i = 0; i < part->len; i++)
    {
      const LabPacketField *field = part->pdata[i];
      const LabPacketField *same = find_field (whole, field->layer, field->name);

      if (same == NULL || !g_str_equal (same->value, field->value))
        return FALSE;
    }

  return TRUE;
}

static void
assert_same_fields (GPtrArray *a,
                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_true (fields_within (a, b));
}

/* @frame cut at every byte, each cut in memory of its own size, so that a
 * read past it is AddressSanitizer's to see: the headers before the cut
 * decode as they do whole, and a cut before the headers' end says so. */
static void
check_cuts (GBytes *frame)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);
  LabPacketInfo whole;
  g_autoptr(GPtrArray) whole_fields = NULL;
  g_autofree char *whole_summary = NULL;

  g_assert_true (lab_packet_decode (data, len, len, &whole));
  g_assert_false (whole.truncated);
  whole_fields = lab_packet_fields (&whole, 0, 0);
  whole_summary = lab_packet_summary (&whole, 0, 0);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);
      g_autoptr(GPtrArray) fields = NULL;
      g_autofree char *summary = NULL;
      LabPacketInfo info;

      if (!lab_packet_decode (copy, cut, len, &info))
        {
          g_assert_cmpuint (cut, <, 14);
          continue;
        }
      g_assert_cmpuint (cut, >=, 14);
      g_assert_false (info.malformed);
      g_assert_cmpuint (info.decoded_len, <=, cut);
      g_assert_cmpuint (info.payload_offset + info.captured_payload, <=, cut);
      fields = lab_packet_fields (&info, 0, 0);
      summary = lab_packet_summary (&info, 0, 0);

      if (cut < whole.decoded_len)
        {
          g_assert_true (info.truncated);
          g_assert_true (fields_within (fields, whole_fields));
          g_assert_true (g_str_has_suffix (summary, ", cut short by the capture"));
        }
      else
        {
          g_assert_false (info.truncated);
          assert_same_fields (fields, whole_fields);
          g_assert_cmpstr (summary, ==, whole_summary);
          g_assert_cmpuint (info.payload_offset, ==, whole.payload_offset);
          g_assert_cmpuint (info.payload_len, ==, whole.payload_len);
          g_assert_cmpuint (info.captured_payload, ==, MIN (whole.payload_len, cut - whole.payload_offset));
        }
    }
}

static void
test_every_cut (void)
{
  for (guint i = 0; i < veth->len; i++)
    check_cuts (frame_bytes (veth, i));
  for (guint i = 0; i < lo->len; i++)
    check_cuts (frame_bytes (lo, i));
}

/* A member of LabPacketInfo, and where in the SYN's frame its bytes end. */
typedef struct {
  const char *name;
  gsize       offset;
  gsize       size;
  gsize       end;
} Member;

#define MEMBER(m, end) { #m, G_STRUCT_OFFSET (LabPacketInfo, m), sizeof (((LabPacketInfo *) NULL)->m), end }

/* The SYN cut at every byte of its headers: each member of the struct is
 * right once its bytes are in, and untouched before. */
static void
test_syn_cuts (void)
{
  static const Member members[] = {
    MEMBER (eth_dst, 6), MEMBER (eth_src, 12), MEMBER (ethertype, 14),
    MEMBER (family, 15), MEMBER (ip_header_len, 15), MEMBER (traffic_class, 16), MEMBER (ip_len, 18),
    MEMBER (ip_id, 20), MEMBER (dont_fragment, 22), MEMBER (more_fragments, 22), MEMBER (fragment_offset, 22),
    MEMBER (ttl, 23), MEMBER (ip_proto, 24), MEMBER (ip_checksum, 26), MEMBER (src, 30), MEMBER (dst, 34),
    MEMBER (transport_offset, 34), MEMBER (sport, 36), MEMBER (dport, 38), MEMBER (seq, 42), MEMBER (ack, 46),
    MEMBER (tcp_header_len, 48), MEMBER (tcp_flags, 48), MEMBER (window, 50), MEMBER (checksum, 52),
    MEMBER (urgent, 54), MEMBER (mss, 58), MEMBER (sack_permitted, 60), MEMBER (has_timestamps, 70),
    MEMBER (tsval, 70), MEMBER (tsecr, 70), MEMBER (wscale, 74), MEMBER (payload_len, 74),
    MEMBER (payload_offset, 74),
  };
  GBytes *frame = frame_bytes (veth, SYN);
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);
  LabPacketInfo whole, none;

  g_assert_cmpuint (len, ==, 74);
  memset (&none, 0, sizeof none);
  none.wscale = -1;
  g_assert_true (lab_packet_decode (data, len, len, &whole));

  for (gsize cut = 14; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);
      LabPacketInfo info;

      g_assert_true (lab_packet_decode (copy, cut, len, &info));
      g_assert_true (info.truncated);
      g_assert_cmpint (info.proto, ==, cut < 34 ? LAB_PACKET_IPV4 : LAB_PACKET_TCP);
      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        {
          const LabPacketInfo *expected = cut >= members[m].end ? &whole : &none;

          if (memcmp ((const guint8 *) &info + members[m].offset, (const guint8 *) expected + members[m].offset,
                      members[m].size) != 0)
            g_error ("cut at %" G_GSIZE_FORMAT ": %s is not as %s", cut, members[m].name,
                     expected == &whole ? "in the whole frame" : "before its bytes");
        }
    }
}

/* @frame with @hex written at @offset. */
static GBytes *
patch (GBytes     *frame,
       gsize       offset,
       const char *hex)
{
  g_autoptr(GBytes) bytes = hex_frame (hex);
  gsize len, n;
  const guint8 *whole = g_bytes_get_data (frame, &len);
  guint8 *copy = g_memdup2 (whole, len);
  const guint8 *data = g_bytes_get_data (bytes, &n);

  g_assert_cmpuint (offset + n, <=, len);
  memcpy (copy + offset, data, n);
  return g_bytes_new_take (copy, len);
}

static void
assert_malformed (GBytes         *frame,
                  LabPacketProto  proto,
                  const char     *name)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *expected = g_strdup_printf ("%s, malformed: its lengths do not agree", name);
  g_autofree char *expected_es = g_strdup_printf ("%s, mal formado: sus longitudes no concuerdan", name);
  LabPacketInfo info;

  g_assert_true (lab_packet_decode (copy, len, len, &info));
  g_assert_true (info.malformed);
  g_assert_false (info.truncated);
  g_assert_cmpint (info.proto, ==, proto);
  g_assert_cmpuint (info.decoded_len, <=, len);
  /* What a header that does not hold together carries is not trusted. */
  g_assert_cmpuint (info.payload_len, ==, 0);
  g_assert_cmpuint (info.captured_payload, ==, 0);
  fields = lab_packet_fields (&info, 0, 0);
  g_assert_cmpuint (fields->len, >=, 3);
  assert_summary (&info, 0, 0, expected, expected_es);
}

static void
test_bogus_lengths (void)
{
  GBytes *syn = frame_bytes (veth, SYN);
  GBytes *udp = frame_bytes (veth, UDP6);
  static const struct {
    guint          frame;
    gsize          offset;
    const char    *hex;
    LabPacketProto proto;
    const char    *name;
  } cases[] = {
    { SYN, 14, "44", LAB_PACKET_IPV4, "IPv4" },           /* IHL 4: a header shorter than its fields */
    { SYN, 14, "65", LAB_PACKET_IPV4, "IPv4" },           /* version 6 where the frame says IPv4 */
    { SYN, 16, "0013", LAB_PACKET_IPV4, "IPv4" },         /* a packet shorter than its header */
    { SYN, 16, "03e8", LAB_PACKET_IPV4, "IPv4" },         /* a packet longer than the frame */
    { SYN, 46, "40", LAB_PACKET_TCP, "TCP" },             /* data offset 4 */
    { SYN, 46, "f0", LAB_PACKET_TCP, "TCP" },             /* a header of 60 bytes in a segment of 40 */
    { SYN, 55, "00", LAB_PACKET_TCP, "TCP" },             /* an option of length 0 */
    { SYN, 72, "05", LAB_PACKET_TCP, "TCP" },             /* window scale running past the header */
    { SYN, 55, "05", LAB_PACKET_TCP, "TCP" },             /* an MSS of 5 bytes */
    { SYN, 54, "0509", LAB_PACKET_TCP, "TCP" },           /* a SACK of half a block */
    { UDP6, 58, "0007", LAB_PACKET_UDP, "UDP" },          /* a datagram shorter than its header */
    { UDP6, 58, "0064", LAB_PACKET_UDP, "UDP" },          /* longer than its packet */
    { UDP6, 18, "0004", LAB_PACKET_UDP, "UDP" },          /* a packet too short for a UDP header */
    { UDP6, 18, "03e8", LAB_PACKET_IPV6, "IPv6" },        /* longer than the frame */
    { MLD_REPORT, 55, "c8", LAB_PACKET_IPV6, "IPv6" },    /* hop-by-hop options past the packet */
    { NEIGHBOUR_SOLICITATION, 79, "00", LAB_PACKET_ICMPV6, "ICMPv6" },  /* an option of length 0 */
    { ECHO_REQUEST, 16, "0018", LAB_PACKET_ICMP, "ICMP" },  /* 4 bytes of ICMP */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) frame = patch (frame_bytes (veth, cases[i].frame), cases[i].offset, cases[i].hex);

      g_test_message ("frame %u, %s at %" G_GSIZE_FORMAT, cases[i].frame, cases[i].hex, cases[i].offset);
      assert_malformed (frame, cases[i].proto, cases[i].name);
    }

  /* An ARP message that the frame ends in the middle of, and the same
   * where only the capture ends there. */
  {
    GBytes *arp = frame_bytes (veth, ARP_REQUEST);
    LabPacketInfo info;
    g_autofree guint8 *cut = g_memdup2 (g_bytes_get_data (arp, NULL), 30);

    g_assert_true (lab_packet_decode (cut, 30, 30, &info));
    g_assert_true (info.malformed);
    g_assert_false (info.truncated);
    g_assert_true (lab_packet_decode (cut, 30, 42, &info));
    g_assert_false (info.malformed);
    g_assert_true (info.truncated);
    assert_summary (&info, 0, 0, "ARP, cut short by the capture", "ARP, recortado por la captura");
  }

  /* A wire length under what was captured is what was captured. */
  {
    LabPacketInfo info;

    g_assert_true (lab_packet_decode (g_bytes_get_data (udp, NULL), g_bytes_get_size (udp), 10, &info));
    g_assert_false (info.malformed);
    g_assert_cmpuint (info.payload_len, ==, 8);
    g_assert_true (lab_packet_decode (g_bytes_get_data (syn, NULL), g_bytes_get_size (syn), 1u << 20, &info));
    g_assert_false (info.malformed);
  }
}

/* A chain of hop-by-hop headers longer than any real packet's: the
 * decoder gives up rather than follow it. */
static void
test_long_chain (void)
{
  g_autoptr(GString) hex = g_string_new ("02000a500002 02000a500001 86dd 60000000 01400040"
                                         "fd800000000000000000000000000001 fd800000000000000000000000000002");
  g_autoptr(GBytes) frame = NULL;
  LabPacketInfo info;

  for (guint i = 0; i < 40; i++)
    g_string_append (hex, " 0000000000000000");
  frame = hex_frame (hex->str);
  decode (frame, &info);
  g_assert_true (info.malformed);
  g_assert_cmpuint (info.n_extensions, ==, LAB_PACKET_MAX_EXTENSIONS);
  g_assert_cmpuint (info.decoded_len, <, 14 + 40 + 33 * 8);
}

/* ---- In words ---- */

static void
test_fields (void)
{
  LabPacketInfo info;
  g_autoptr(GPtrArray) en = NULL;
  g_autoptr(GPtrArray) es = NULL;

  decode_veth (SYN_ACK, &info);
  en = lab_packet_fields (&info, SERVER_ISN, CLIENT_ISN);
  assert_field (en, "Ethernet", "Source", "02:00:0a:50:00:02");
  assert_field (en, "Ethernet", "Type", "0x0800 (IPv4)");
  assert_field (en, "IPv4", "Time to live (TTL)", "64");
  assert_field (en, "IPv4", "Don't fragment (DF)", "1");
  assert_field (en, "IPv4", "Protocol", "6 (TCP)");
  assert_field (en, "IPv4", "Source address", "10.80.0.2");
  assert_field (en, "TCP", "Source port", "5000");
  assert_field (en, "TCP", "Sequence number", "0 (on the wire: 2966133717)");
  assert_field (en, "TCP", "Acknowledgement number", "1 (on the wire: 1583771413)");
  assert_field (en, "TCP", "Header length", "40 bytes");
  assert_field (en, "TCP", "Flags", "0x12 (SYN ACK)");
  assert_field (en, "TCP", "SYN", "1");
  assert_field (en, "TCP", "ACK", "1");
  g_assert_null (find_field (en, "TCP", "FIN"));
  assert_field (en, "TCP", "Window", "65160");
  assert_field (en, "TCP", "Maximum segment size (MSS)", "1460 bytes");
  assert_field (en, "TCP", "Window scale", "10 (×1024)");
  assert_field (en, "TCP", "SACK permitted", "1");
  assert_field (en, "TCP", "Timestamps", "TSval=2671843161 TSecr=1107820222");

  lab_locale_set_language ("es");
  es = lab_packet_fields (&info, SERVER_ISN, CLIENT_ISN);
  lab_locale_set_language ("en");
  assert_field (es, "TCP", "Número de secuencia", "0 (en el cable: 2966133717)");
  assert_field (es, "TCP", "Número de confirmación", "1 (en el cable: 1583771413)");
  assert_field (es, "TCP", "Ventana", "65160");
  assert_field (es, "TCP", "Longitud de la cabecera", "40 bytes");
  assert_field (es, "IPv4", "Tiempo de vida (TTL)", "64");
}

/* Every field of every frame here has its explanation in Spanish. */
static void
test_fields_translated (void)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new ();
  guint checked = 0;

  g_ptr_array_extend (frames, veth, NULL, NULL);
  g_ptr_array_extend (frames, lo, NULL, NULL);
  for (guint i = 0; i < frames->len; i++)
    {
      LabPacketInfo info;
      g_autoptr(GPtrArray) en = NULL;
      g_autoptr(GPtrArray) es = NULL;

      decode (((LabTestFrame *) frames->pdata[i])->data, &info);
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
  veth = lab_test_read_pcap ("veth.pcap");
  lo = lab_test_read_pcap ("lo.pcap");
  g_assert_cmpuint (veth->len, ==, 36);
  g_assert_cmpuint (lo->len, ==, 10);

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
  g_test_add_func ("/packet/cut/every-byte", test_every_cut);
  g_test_add_func ("/packet/cut/syn", test_syn_cuts);
  g_test_add_func ("/packet/bogus-lengths", test_bogus_lengths);
  g_test_add_func ("/packet/long-chain", test_long_chain);
  g_test_add_func ("/packet/fields", test_fields);
  g_test_add_func ("/packet/fields/translated", test_fields_translated);

  status = g_test_run ();
  g_ptr_array_unref (veth);
  g_ptr_array_unref (lo);
  return status;
}
