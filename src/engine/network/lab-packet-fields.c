/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "lab-packet-private.h"

/* Every field of a decoded packet's headers, each with what a teacher
 * would say of it, true for Linux. A field is listed only when the
 * decoder read it: one that ends past info->decoded_len was cut off. */

G_DEFINE_BOXED_TYPE (LabPacketField, lab_packet_field, lab_packet_field_copy, lab_packet_field_free)

LabPacketField *
lab_packet_field_copy (const LabPacketField *field)
{
  LabPacketField *copy = g_new (LabPacketField, 1);

  copy->layer = g_strdup (field->layer);
  copy->name = g_strdup (field->name);
  copy->value = g_strdup (field->value);
  copy->explanation = g_strdup (field->explanation);
  return copy;
}

void
lab_packet_field_free (LabPacketField *field)
{
  if (field == NULL)
    return;
  g_free (field->layer);
  g_free (field->name);
  g_free (field->value);
  g_free (field->explanation);
  g_free (field);
}

typedef struct {
  GPtrArray           *fields;
  const LabPacketInfo *info;
  const char          *layer;
  gsize                base;     /* where the layer's header starts in the frame */
} Fields;

/* Whether the field of the current layer that ends @end bytes into its
 * header was read. */
static gboolean
has (const Fields *f,
     gsize         end)
{
  return f->base + end <= f->info->decoded_len;
}

static void add (Fields     *f,
                 const char *name,
                 const char *explanation,
                 const char *format,
                 ...) G_GNUC_PRINTF (4, 5);

static void
add (Fields     *f,
     const char *name,
     const char *explanation,
     const char *format,
     ...)
{
  LabPacketField *field = g_new (LabPacketField, 1);
  va_list args;

  va_start (args, format);
  field->value = g_strdup_vprintf (format, args);
  va_end (args);
  field->layer = g_strdup (f->layer);
  field->name = g_strdup (name);
  field->explanation = g_strdup (explanation);
  g_ptr_array_add (f->fields, field);
}

/* A length, in bytes. */
static void
add_bytes (Fields     *f,
           const char *name,
           const char *explanation,
           guint       n)
{
  add (f, name, explanation, ngettext ("%u byte", "%u bytes", n), n);
}

static const char *
ethertype_name (guint16 type)
{
  switch (type)
    {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88a8: return "802.1ad";
    default: return "?";
    }
}

static void
add_ethernet (Fields *f)
{
  const LabPacketInfo *info = f->info;
  char mac[LAB_PACKET_MAC_TEXT];
  guint16 type = info->vlan ? info->vlan_tpid : info->ethertype;

  f->layer = "Ethernet";
  f->base = 0;
  add (f, _("Destination"),
       _("The MAC address of the network card the frame is for, on this link only: ff:ff:ff:ff:ff:ff is every card "
         "(broadcast), 33:33:… an IPv6 multicast group. A loopback capture shows zeros: no card takes part."),
       "%s", lab_packet_format_mac (info->eth_dst, mac));
  add (f, _("Source"),
       _("The MAC address of the network card that sent the frame. At each router the MAC addresses change; the IP "
         "addresses stay."),
       "%s", lab_packet_format_mac (info->eth_src, mac));
  add (f, _("Type"), _("What the frame carries: 0x0800 is IPv4, 0x86dd IPv6, 0x0806 ARP."), "0x%04x (%s)", type,
       ethertype_name (type));

  if (!info->vlan)
    return;
  f->layer = "802.1Q";
  add (f, _("VLAN"),
       _("The frame carries an 802.1Q tag: it belongs to this virtual LAN, which switches keep apart from the others "
         "on the same cables."),
       "%u", info->vlan_id);
  add (f, _("Priority"), _("The frame's class in the tag, 0 to 7: switches may send the higher ones first."), "%u",
       info->vlan_priority);
  add (f, _("Type"), _("What the frame carries: 0x0800 is IPv4, 0x86dd IPv6, 0x0806 ARP."), "0x%04x (%s)",
       info->ethertype, ethertype_name (info->ethertype));
}

static void
add_arp (Fields *f)
{
  const LabPacketInfo *info = f->info;
  char mac[LAB_PACKET_MAC_TEXT], ip[LAB_PACKET_IP_TEXT];

  f->layer = "ARP";
  if (!has (f, 8))
    return;
  add (f, _("Operation"),
       _("1 is a request, sent to every card on the link: who has this IPv4 address? 2 is the reply, sent to the "
         "card that asked alone."),
       "%u (%s)", info->arp_op,
       info->arp_op == 1 ? _("request") : info->arp_op == 2 ? _("reply") : "?");
  if (has (f, 14))
    add (f, _("Sender MAC address"),
         _("The card that sends this message. The receiver keeps it, with the sender's IPv4 address, in its ARP "
           "cache (ip neigh lists it)."),
         "%s", lab_packet_format_mac (info->arp_sha, mac));
  if (has (f, 18))
    add (f, _("Sender IPv4 address"), _("The IPv4 address of the card that sends the message."), "%s",
         lab_packet_format_ip (AF_INET, info->arp_spa, ip));
  if (has (f, 24))
    add (f, _("Target MAC address"),
         _("In a request, zeros: it is what is asked for. In a reply, the card that asked."), "%s",
         lab_packet_format_mac (info->arp_tha, mac));
  if (has (f, 28))
    add (f, _("Target IPv4 address"),
         _("The IPv4 address asked about; in a reply, the address of the host that asked."), "%s",
         lab_packet_format_ip (AF_INET, info->arp_tpa, ip));
}

static const char *
ip_proto_name (guint8 proto)
{
  switch (proto)
    {
    case 0: return _("hop-by-hop options");
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 43: return _("routing");
    case 44: return _("fragment");
    case 47: return "GRE";
    case 50: return "ESP";
    case 58: return "ICMPv6";
    case 59: return _("no next header");
    case 60: return _("destination options");
    default: return "?";
    }
}

static const char *
ip_option_name (guint8 type)
{
  switch (type)
    {
    case 0: return _("end of options");
    case 1: return _("no operation");
    case 7: return _("record route");
    case 68: return _("timestamp");
    case 130: return _("security");
    case 131: return _("loose source route");
    case 137: return _("strict source route");
    case 148: return _("router alert");
    default: return "?";
    }
}

static void
add_addresses (Fields *f,
               gsize   src_end,
               gsize   dst_end)
{
  char ip[LAB_PACKET_IP_TEXT];

  if (has (f, src_end))
    add (f, _("Source address"), _("The IP address of the host that sent the packet."), "%s",
         lab_packet_format_ip (f->info->family, f->info->src, ip));
  if (has (f, dst_end))
    add (f, _("Destination address"), _("The IP address of the host the packet is for."), "%s",
         lab_packet_format_ip (f->info->family, f->info->dst, ip));
}

static void
add_fragment (Fields *f,
              guint32 id)
{
  const LabPacketInfo *info = f->info;

  add (f, _("Identification"),
       _("A number the sender gives the packet, so that the receiver can put the fragments of one packet back "
         "together. Linux may send 0 when DF forbids fragmenting."),
       "%u", id);
  if (info->family == AF_INET)
    add (f, _("Don't fragment (DF)"),
         _("Routers must not cut this packet into fragments: one too big for the next link is dropped, and its "
           "sender told so with ICMP. Linux sets DF by default, to find the path's MTU."),
         "%d", info->dont_fragment);
  add (f, _("More fragments (MF)"),
       _("More fragments of this packet follow: 0 in a whole packet and in the last fragment."), "%d",
       info->more_fragments);
  add_bytes (f, _("Fragment offset"),
             _("Where this fragment's bytes go in the original packet: 0 in a whole packet and in the first fragment. "
               "The header counts it in units of 8 bytes."),
             info->fragment_offset);
}

static void
add_ipv4 (Fields *f)
{
  const LabPacketInfo *info = f->info;

  f->layer = "IPv4";
  if (!has (f, 1) || info->family != AF_INET)
    return;
  add_bytes (f, _("Header length"),
             _("The IPv4 header's length: 20 bytes, more with options. The header counts it in 4-byte words "
               "(IHL 5 is 20 bytes)."),
             info->ip_header_len);
  if (has (f, 2))
    add (f, _("DSCP and ECN"),
         _("The type of service: a class asked of routers (DSCP), and two bits for explicit congestion "
           "notification (ECN). Linux sends 0 unless the program sets IP_TOS; its ICMP errors go as network "
           "control, 0xc0."),
         "0x%02x", info->traffic_class);
  if (has (f, 4))
    add_bytes (f, _("Total length"),
               _("The IP packet's length, header included. Ethernet pads a frame to 60 bytes: what the frame "
                 "carries past this length is padding, not data."),
               info->ip_len);
  if (has (f, 8))
    add_fragment (f, info->ip_id);
  if (has (f, 9))
    add (f, _("Time to live (TTL)"),
         _("Each router takes one from it and drops the packet at 0, so that a packet caught in a loop does not go "
           "round for ever. Linux sets it to 64."),
         "%u", info->ttl);
  if (has (f, 10))
    add (f, _("Protocol"), _("What the packet carries: 6 is TCP, 17 UDP, 1 ICMP."), "%u (%s)", info->ip_proto,
         ip_proto_name (info->ip_proto));
  if (has (f, 12))
    add (f, _("Header checksum"),
         _("A sum over the IPv4 header, which each router computes again since it changes the TTL. Not checked "
           "here."),
         "0x%04x", info->ip_checksum);
  add_addresses (f, 16, 20);

  if (info->n_ip_options > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < info->n_ip_options; i++)
        g_string_append_printf (names, "%s%u (%s)", i > 0 ? ", " : "", info->ip_options[i],
                                ip_option_name (info->ip_options[i]));
      add (f, _("Options"),
           _("IPv4 options, seldom used (a router alert, a route to record): they make the header longer than 20 "
             "bytes."),
           "%s", names->str);
    }
}

static const char *
extension_explanation (guint8 type)
{
  switch (type)
    {
    case 0:
      return _("Options every router on the path must read. Linux's multicast listener reports carry a router "
               "alert here.");
    case 43:
      return _("A list of routers the packet must go through.");
    case 44:
      return _("The packet is a fragment. In IPv6 only the sender cuts a packet into fragments, never a router.");
    default:
      return _("Options for the destination host alone.");
    }
}

static void
add_ipv6 (Fields *f)
{
  const LabPacketInfo *info = f->info;
  guint8 next = info->n_extensions > 0 ? info->extensions[0] : info->ip_proto;

  f->layer = "IPv6";
  if (!has (f, 4) || info->family != AF_INET6)
    return;
  add (f, _("Traffic class"),
       _("IPv6's type of service: a class asked of routers (DSCP), and two bits for explicit congestion "
         "notification (ECN). Linux sends 0 unless the program sets IPV6_TCLASS."),
       "0x%02x", info->traffic_class);
  add (f, _("Flow label"),
       _("A number the sender gives to the packets of one flow, so that routers keep them on one path. Linux "
         "computes one for each flow."),
       "0x%05x", info->flow_label);
  if (has (f, 6))
    add_bytes (f, _("Payload length"), _("The bytes after this 40-byte header, extension headers included."),
               info->ip_len - 40);
  if (has (f, 7))
    add (f, _("Next header"),
         _("What follows this header: 6 is TCP, 17 UDP, 58 ICMPv6, or first an extension header (0: hop-by-hop "
           "options)."),
         "%u (%s)", next, ip_proto_name (next));
  if (has (f, 8))
    add (f, _("Hop limit"),
         _("IPv6's time to live: each router takes one from it and drops the packet at 0. Linux sets it to 64; "
           "neighbour discovery sends 255, which the receiver checks to know the message comes from its own link."),
         "%u", info->ttl);
  add_addresses (f, 24, 40);

  for (guint i = 0; i < info->n_extensions; i++)
    {
      guint8 type = info->extensions[i];

      add (f, _("Extension header"), extension_explanation (type), "%u (%s)", type, ip_proto_name (type));
      if (type == 44)
        add_fragment (f, info->fragment_id);
    }
}

static char *
relative (guint32 number,
          guint32 base)
{
  if (base == 0)
    return g_strdup_printf ("%u", number);
  /* Translators: a sequence number counted from the first, then as it is on the wire. */
  return g_strdup_printf (_("%u (on the wire: %u)"), number - base, number);
}

static void
add_ports (Fields     *f,
           const char *source,
           const char *destination)
{
  if (has (f, 2))
    add (f, _("Source port"), source, "%u", f->info->sport);
  if (has (f, 4))
    add (f, _("Destination port"), destination, "%u", f->info->dport);
}

static const char *const flag_explanations[] = {
  N_("Finish: the sender will send no more data (it called close () or shutdown (SHUT_WR)). It counts as one byte "
     "of the sequence, which the other end acknowledges."),
  N_("Synchronise: opens a connection and gives the sender's initial sequence number. Only the first two segments "
     "of the three-way handshake have it: the client's SYN and the server's SYN ACK."),
  N_("Reset: the connection ends at once, and what was not read yet is lost. Linux answers with one a segment for a "
     "port where nothing listens (connect () then fails with ECONNREFUSED), and sends one on close () while "
     "received data is still unread."),
  N_("Push: this segment ends what the sender had to send for now, so the receiver hands the data to the program "
     "at once. Linux sets it on the last segment of what each send () gave it."),
  N_("The acknowledgement number is valid. Every segment after the client's first SYN has it."),
  N_("Urgent: the urgent pointer is valid (send () with MSG_OOB). Hardly any program uses it."),
  N_("ECN echo: in a SYN, the sender can take part in explicit congestion notification; later, a router marked a "
     "packet as having met congestion on the way, and the receiver says so."),
  N_("Congestion window reduced: the sender slowed down in answer to an ECE."),
};

static void
add_tcp_flags (Fields *f)
{
  static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
  const LabPacketInfo *info = f->info;
  g_autofree char *flags = lab_packet_flags_text (info->tcp_flags);

  add_bytes (f, _("Header length"),
             _("The TCP header's length, options included: 20 bytes without options. The header counts it in "
               "4-byte words (the data offset)."),
             info->tcp_header_len);
  add (f, _("Flags"), _("What the segment does besides carrying data, one bit each; those set follow."),
       "0x%02x (%s)", info->tcp_flags, flags);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (info->tcp_flags & (1u << i))
      add (f, names[i], _(flag_explanations[i]), "1");
}

static void
add_tcp_options (Fields  *f,
                 guint32  ack_base)
{
  const LabPacketInfo *info = f->info;

  if (info->mss != 0)
    add_bytes (f, _("Maximum segment size (MSS)"),
               _("The most data the sender wants in one segment: its link's MTU less the IP and TCP headers (1460 on "
                 "Ethernet, 65495 on loopback). Only in a SYN."),
               info->mss);
  if (info->sack_permitted)
    add (f, _("SACK permitted"),
         _("The sender understands selective acknowledgements (SACK): the receiver may tell it which blocks past a "
           "gap arrived. Only in a SYN."),
         "1");
  if (info->has_timestamps)
    add (f, _("Timestamps"),
         _("The sender's clock (TSval) and the last one it received from the other end (TSecr): they measure the "
           "round trip, and tell an old segment from a new one once sequence numbers wrap. Linux sends them on "
           "every segment when both ends sent them in their SYNs."),
         "TSval=%u TSecr=%u", info->tsval, info->tsecr);
  if (info->wscale >= 0)
    add (f, _("Window scale"),
         _("After the handshake, the sender's windows are to be multiplied by 2 to this power (7: by 128). Only in "
           "a SYN, and used only when both ends send it."),
         "%d (×%u)", info->wscale, 1u << info->wscale);
  if (info->n_sack > 0)
    {
      g_autoptr(GString) blocks = g_string_new (NULL);

      for (guint i = 0; i < info->n_sack; i++)
        g_string_append_printf (blocks, "%s%u-%u", i > 0 ? " " : "", info->sack[i][0] - ack_base,
                                info->sack[i][1] - ack_base);
      add (f, _("SACK"),
           _("Selective acknowledgement: these blocks, past the acknowledgement number, arrived too, so that only "
             "what is missing is sent again. Counted as the acknowledgement number is."),
           "%s", blocks->str);
    }
}

static void
add_tcp (Fields  *f,
         guint32  seq_base,
         guint32  ack_base)
{
  const LabPacketInfo *info = f->info;

  add_ports (f,
             _("The port of the socket that sent the segment: for a client, most often one the kernel chose for it "
               "(an ephemeral port, from 32768 up on Linux)."),
             _("The port of the socket the segment is for: in a client's segments, the server's port."));
  if (has (f, 8))
    {
      g_autofree char *seq = relative (info->seq, seq_base);

      add (f, _("Sequence number"),
           seq_base != 0
             ? _("Where this segment's first byte lies in the sender's stream, counted here from the initial "
                 "sequence number, which the kernel chose at random and shows as 0 (the number on the wire follows). "
                 "SYN and FIN count one byte each.")
             : _("Where this segment's first byte lies in the sender's stream, as on the wire: it counts from an "
                 "initial sequence number that the kernel chose at random. SYN and FIN count one byte each."),
           "%s", seq);
    }
  if (has (f, 12) && (info->tcp_flags & LAB_TCP_ACK))
    {
      g_autofree char *ack = relative (info->ack, ack_base);

      add (f, _("Acknowledgement number"),
           _("The next byte the sender expects from the other end: every byte before it has arrived. Counted as the "
             "other end's sequence numbers are."),
           "%s", ack);
    }
  if (!has (f, 14))
    return;
  add_tcp_flags (f);
  if (has (f, 16))
    add (f, _("Window"),
         _("How many more bytes the sender can receive now, as on the wire. In a SYN it is in bytes; after the "
           "handshake it is multiplied by 2 to the power of the window scale that the sender gave in its SYN."),
         "%u", info->window);
  if (has (f, 18))
    add (f, _("Checksum"),
         _("Covers the segment and the IP addresses. Not checked here: in a capture of what this machine sends it "
           "is often not filled in yet, since the network card computes it (on loopback and veth links, nothing "
           "does)."),
         "0x%04x", info->checksum);
  if (has (f, 20))
    add (f, _("Urgent pointer"), _("With URG, where the urgent data ends; 0 otherwise."), "%u", info->urgent);
  add_tcp_options (f, ack_base);
}

static void
add_udp (Fields *f)
{
  const LabPacketInfo *info = f->info;

  add_ports (f, _("The port of the socket that sent the datagram."),
             _("The port of the socket the datagram is for. When no socket is bound there, Linux answers with an ICMP "
               "port unreachable."));
  if (has (f, 6))
    add_bytes (f, _("Length"), _("The datagram's length, its 8-byte header included."), info->udp_len);
  if (has (f, 8))
    add (f, _("Checksum"),
         _("Covers the datagram and the IP addresses. Not checked here: in a capture of what this machine sends it "
           "is often not filled in yet. Over IPv4, 0 means none; IPv6 requires one."),
         "0x%04x", info->checksum);
}

/* A number, with its name when it has one. */
static char *
named (guint       number,
       const char *name)
{
  return name != NULL ? g_strdup_printf ("%u (%s)", number, name) : g_strdup_printf ("%u", number);
}

static void
add_icmp (Fields *f)
{
  const LabPacketInfo *info = f->info;
  gboolean ipv6 = info->proto == LAB_PACKET_ICMPV6;
  g_autofree char *type = named (info->icmp_type, lab_packet_icmp_type_name (info));
  g_autofree char *code = named (info->icmp_code, lab_packet_icmp_code_name (info));
  char ip[LAB_PACKET_IP_TEXT], mac[LAB_PACKET_MAC_TEXT];

  if (!has (f, 2))
    return;
  add (f, _("Type"),
       ipv6 ? _("What the message is: 128 is an echo request (ping), 129 its reply, 1 destination unreachable, 135 "
                "and 136 a neighbour solicitation and advertisement (what ARP is to IPv4), 143 a multicast listener "
                "report.")
            : _("What the message is: 8 is an echo request (ping), 0 its reply, 3 destination unreachable, 11 time "
                "exceeded."),
       "%s", type);
  add (f, _("Code"),
       ipv6 ? _("Details the type: for destination unreachable, 4 is port unreachable, Linux's answer to a UDP "
                "datagram for a port where no socket is bound.")
            : _("Details the type: for destination unreachable, 3 is port unreachable, Linux's answer to a UDP "
                "datagram for a port where no socket is bound."),
       "%s", code);
  if (has (f, 4))
    add (f, _("Checksum"),
         _("Covers the message (for ICMPv6, the IP addresses too). Not checked here."), "0x%04x", info->checksum);

  if (has (f, 8) && (ipv6 ? info->icmp_type == 128 || info->icmp_type == 129
                          : info->icmp_type == 0 || info->icmp_type == 8))
    {
      add (f, _("Identifier"),
           _("Chosen by the program that pings, to tell its replies from those of another; the reply carries it "
             "back."),
           "%u", info->icmp_id);
      add (f, _("Sequence number"), _("Counts the requests, 1, 2, 3…; the reply carries back its request's."), "%u",
           info->icmp_seq);
    }
  if (ipv6 && (info->icmp_type == 135 || info->icmp_type == 136) && has (f, 24))
    add (f, _("Target address"),
         _("The IPv6 address whose MAC address is asked for (in a solicitation) or given (in an advertisement)."),
         "%s", lab_packet_format_ip (AF_INET6, info->nd_target, ip));
  if (info->has_lladdr)
    add (f, _("Link-layer address"),
         _("The MAC address of the sender (in a solicitation) or of the target (in an advertisement), so that no "
           "second question is needed."),
         "%s", lab_packet_format_mac (info->lladdr, mac));
}

/**
 * lab_packet_fields:
 * @info: a decoded packet
 * @seq_base: as for lab_packet_summary ()
 * @ack_base: as for lab_packet_summary ()
 *
 * Returns: (transfer container) (element-type LabPacketField): every field
 *   of the headers decoded, outermost first, in the language of the moment
 */
GPtrArray *
lab_packet_fields (const LabPacketInfo *info,
                   guint32              seq_base,
                   guint32              ack_base)
{
  Fields f = { g_ptr_array_new_with_free_func ((GDestroyNotify) lab_packet_field_free), info, NULL, 0 };

  g_return_val_if_fail (info != NULL, f.fields);

  if (info->decoded_len < 14)
    return f.fields;
  add_ethernet (&f);

  f.base = info->network_offset;
  if (info->network_offset == 0)
    return f.fields;
  if (info->proto == LAB_PACKET_ARP)
    add_arp (&f);
  else if (info->family == AF_INET || info->proto == LAB_PACKET_IPV4)
    add_ipv4 (&f);
  else
    add_ipv6 (&f);

  f.base = info->transport_offset;
  if (info->transport_offset == 0)
    return f.fields;
  switch (info->proto)
    {
    case LAB_PACKET_TCP:
      f.layer = "TCP";
      add_tcp (&f, seq_base, ack_base);
      break;
    case LAB_PACKET_UDP:
      f.layer = "UDP";
      add_udp (&f);
      break;
    case LAB_PACKET_ICMP:
    case LAB_PACKET_ICMPV6:
      f.layer = info->proto == LAB_PACKET_ICMP ? "ICMP" : "ICMPv6";
      add_icmp (&f);
      break;
    default:
      break;
    }

  return f.fields;
}
