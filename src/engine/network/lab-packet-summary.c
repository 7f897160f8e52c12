/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/socket.h>

#include "lab-packet-private.h"

/* A decoded packet in one line, as a capture's list shows it: TCP as
 * Wireshark writes it (flags, then seq=, ack=, win=, len=, the names of
 * the protocol, never translated), the rest in words, translated. */

const char *
lab_packet_format_mac (const guint8 *mac,
                       char          text[LAB_PACKET_MAC_TEXT])
{
  g_snprintf (text, LAB_PACKET_MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
              mac[5]);
  return text;
}

const char *
lab_packet_format_ip (int           family,
                      const guint8 *address,
                      char          text[LAB_PACKET_IP_TEXT])
{
  if (inet_ntop (family, address, text, LAB_PACKET_IP_TEXT) == NULL)
    g_strlcpy (text, "?", LAB_PACKET_IP_TEXT);
  return text;
}

/**
 * lab_packet_flags_text:
 * @tcp_flags: #LabTcpFlags
 *
 * Returns: (transfer full): the flags set, by their names, in the order
 *   Wireshark gives them: "SYN ACK", "FIN PSH ACK"; "" for none
 */
char *
lab_packet_flags_text (guint8 tcp_flags)
{
  static const char *names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (tcp_flags & (1u << i))
      {
        if (text->len > 0)
          g_string_append_c (text, ' ');
        g_string_append (text, names[i]);
      }

  return g_string_free (text, FALSE);
}

/* What a destination unreachable's code says; NULL for another message,
 * or a code the lab does not name. */
const char *
lab_packet_icmp_code_name (const LabPacketInfo *info)
{
  gboolean ipv6 = info->proto == LAB_PACKET_ICMPV6;

  if (info->icmp_type != (ipv6 ? 1 : 3))
    return NULL;
  if (!ipv6)
    switch (info->icmp_code)
      {
      case 0: return _("network unreachable");
      case 1: return _("host unreachable");
      case 2: return _("protocol unreachable");
      case 3: return _("port unreachable");
      case 4: return _("fragmentation needed");
      case 13: return _("administratively prohibited");
      default: return NULL;
      }

  switch (info->icmp_code)
    {
    case 0: return _("no route");
    case 1: return _("administratively prohibited");
    case 3: return _("address unreachable");
    case 4: return _("port unreachable");
    default: return NULL;
    }
}

/* What an ICMP or ICMPv6 message is, in a few words; NULL for a type the
 * lab does not name. */
const char *
lab_packet_icmp_type_name (const LabPacketInfo *info)
{
  if (info->proto == LAB_PACKET_ICMP)
    switch (info->icmp_type)
      {
      case 0: return _("echo reply");
      case 3: return _("destination unreachable");
      case 8: return _("echo request");
      case 11: return _("time exceeded");
      default: return NULL;
      }

  switch (info->icmp_type)
    {
    case 1: return _("destination unreachable");
    case 2: return _("packet too big");
    case 3: return _("time exceeded");
    case 128: return _("echo request");
    case 129: return _("echo reply");
    case 130: return _("multicast listener query");
    case 131: return _("multicast listener report");
    case 132: return _("multicast listener done");
    case 133: return _("router solicitation");
    case 134: return _("router advertisement");
    case 135: return _("neighbour solicitation");
    case 136: return _("neighbour advertisement");
    case 143: return _("multicast listener report (MLDv2)");
    default: return NULL;
    }
}

/* An ICMP or ICMPv6 message in words: its type, and what it is about (the
 * echo's numbers, the address asked for). */
static char *
icmp_text (const LabPacketInfo *info)
{
  gboolean ipv6 = info->proto == LAB_PACKET_ICMPV6;
  const char *type = lab_packet_icmp_type_name (info);
  char target[LAB_PACKET_IP_TEXT], mac[LAB_PACKET_MAC_TEXT];
  static const guint8 unspecified[16] = { 0 };

  if (type == NULL)
    /* Translators: an ICMP message of a type the lab has no name for. */
    return g_strdup_printf (ipv6 ? _("ICMPv6 type %u code %u") : _("ICMP type %u code %u"), info->icmp_type,
                            info->icmp_code);

  if ((!ipv6 && (info->icmp_type == 0 || info->icmp_type == 8)) ||
      (ipv6 && (info->icmp_type == 128 || info->icmp_type == 129)))
    /* Translators: %s is "echo request" or "echo reply"; id= and seq= are kept as they are. */
    return g_strdup_printf (_("%s id=%u seq=%u"), type, info->icmp_id, info->icmp_seq);

  if ((!ipv6 && info->icmp_type == 3) || (ipv6 && info->icmp_type == 1))
    {
      const char *why = lab_packet_icmp_code_name (info);

      if (why != NULL)
        /* Translators: "destination unreachable (port unreachable)". */
        return g_strdup_printf (_("%s (%s)"), type, why);
      /* Translators: "destination unreachable (code 9)". */
      return g_strdup_printf (_("%s (code %u)"), type, info->icmp_code);
    }

  lab_packet_format_ip (AF_INET6, info->nd_target, target);
  if (ipv6 && info->icmp_type == 135 && memcmp (info->src, unspecified, 16) == 0)
    /* Translators: a host about to take an address asks whether another already has it. */
    return g_strdup_printf (_("neighbour solicitation: does anyone have %s? (duplicate address detection)"), target);
  if (ipv6 && info->icmp_type == 135)
    /* Translators: like ARP's "who has 10.80.0.2?", for IPv6. */
    return g_strdup_printf (_("neighbour solicitation: who has %s?"), target);
  if (ipv6 && info->icmp_type == 136 && info->has_lladdr)
    /* Translators: like ARP's "10.80.0.2 is at aa:bb:cc:dd:ee:ff", for IPv6. */
    return g_strdup_printf (_("neighbour advertisement: %s is at %s"), target,
                            lab_packet_format_mac (info->lladdr, mac));
  if (ipv6 && info->icmp_type == 136)
    /* Translators: %s is the IPv6 address the advertisement is about. */
    return g_strdup_printf (_("neighbour advertisement for %s"), target);

  return g_strdup (type);
}

static void
append_tcp (GString             *line,
            const LabPacketInfo *info,
            guint32              seq_base,
            guint32              ack_base)
{
  g_autofree char *flags = lab_packet_flags_text (info->tcp_flags);

  g_string_append (line, flags);
  if (line->len > 0)
    g_string_append_c (line, ' ');
  g_string_append_printf (line, "seq=%u", info->seq - seq_base);
  if (info->tcp_flags & LAB_TCP_ACK)
    g_string_append_printf (line, " ack=%u", info->ack - ack_base);
  g_string_append_printf (line, " win=%u", info->window);
  if (info->mss != 0)
    g_string_append_printf (line, " mss=%u", info->mss);
  if (info->wscale >= 0)
    g_string_append_printf (line, " ws=%d", info->wscale);
  if (info->sack_permitted)
    g_string_append (line, " sack");
  /* Every segment of a connection that agreed on them carries timestamps:
   * said on the SYNs, where they are agreed. */
  if (info->has_timestamps && (info->tcp_flags & LAB_TCP_SYN))
    g_string_append (line, " ts");
  for (guint i = 0; i < info->n_sack; i++)
    g_string_append_printf (line, " sack=%u-%u", info->sack[i][0] - ack_base, info->sack[i][1] - ack_base);
  if (info->payload_len > 0)
    g_string_append_printf (line, " len=%u", info->payload_len);
}

static void
append_arp (GString             *line,
            const LabPacketInfo *info)
{
  char sender[LAB_PACKET_IP_TEXT], target[LAB_PACKET_IP_TEXT], mac[LAB_PACKET_MAC_TEXT];

  lab_packet_format_ip (AF_INET, info->arp_spa, sender);
  lab_packet_format_ip (AF_INET, info->arp_tpa, target);
  if (info->arp_op == 1)
    /* Translators: an ARP request: which card has the first address, asked by the second. */
    g_string_append_printf (line, _("who has %s? tell %s"), target, sender);
  else if (info->arp_op == 2)
    /* Translators: an ARP reply: the card that has the address. */
    g_string_append_printf (line, _("%s is at %s"), sender, lab_packet_format_mac (info->arp_sha, mac));
  else
    g_string_append_printf (line, _("ARP operation %u"), info->arp_op);
}

/* The header that was cut short or did not hold together, by name. */
static char *
header_name (const LabPacketInfo *info)
{
  switch (info->proto)
    {
    case LAB_PACKET_ARP: return g_strdup ("ARP");
    case LAB_PACKET_IPV4: return g_strdup ("IPv4");
    case LAB_PACKET_IPV6: return g_strdup ("IPv6");
    case LAB_PACKET_TCP: return g_strdup ("TCP");
    case LAB_PACKET_UDP: return g_strdup ("UDP");
    case LAB_PACKET_ICMP: return g_strdup ("ICMP");
    case LAB_PACKET_ICMPV6: return g_strdup ("ICMPv6");
    case LAB_PACKET_OTHER:
    default:
      return g_strdup (info->vlan ? "802.1Q" : "Ethernet");
    }
}

static void
append_ip (GString             *line,
           const LabPacketInfo *info)
{
  if (info->fragment_offset != 0)
    /* Translators: a later piece of a fragmented packet: where its bytes go, and what the packet carries. */
    g_string_append_printf (line, info->family == AF_INET ? _("IPv4 fragment at byte %u, protocol %u")
                                                          : _("IPv6 fragment at byte %u, protocol %u"),
                            info->fragment_offset, info->ip_proto);
  else
    /* Translators: a packet carrying a protocol the lab does not decode (47 is GRE). */
    g_string_append_printf (line, info->family == AF_INET ? _("IPv4 protocol %u") : _("IPv6 protocol %u"),
                            info->ip_proto);
}

/**
 * lab_packet_summary:
 * @info: a decoded packet
 * @seq_base: what to take from the sequence numbers: the sender's initial
 *   sequence number, to count from it, or 0 to show them as on the wire
 * @ack_base: the same for the acknowledgement numbers (and SACK's): the
 *   receiver's initial sequence number, or 0
 *
 * Returns: (transfer full): the packet in one line, in the language of the
 *   moment: "SYN seq=0 win=64240 mss=1460 ws=7 sack ts", "UDP len=5",
 *   "who has 10.80.0.2? tell 10.80.0.1"
 */
char *
lab_packet_summary (const LabPacketInfo *info,
                    guint32              seq_base,
                    guint32              ack_base)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (info != NULL, NULL);

  if (info->truncated || info->malformed)
    {
      g_autofree char *name = header_name (info);

      return g_strdup_printf (info->truncated ? _("%s, cut short by the capture")
                                              : _("%s, malformed: its lengths do not agree"), name);
    }

  switch (info->proto)
    {
    case LAB_PACKET_TCP:
      append_tcp (line, info, seq_base, ack_base);
      break;
    case LAB_PACKET_UDP:
      g_string_append_printf (line, "UDP len=%u", info->payload_len);
      break;
    case LAB_PACKET_ICMP:
    case LAB_PACKET_ICMPV6:
      {
        g_autofree char *text = icmp_text (info);

        g_string_append (line, text);
      }
      break;
    case LAB_PACKET_ARP:
      append_arp (line, info);
      break;
    case LAB_PACKET_IPV4:
    case LAB_PACKET_IPV6:
      append_ip (line, info);
      break;
    case LAB_PACKET_OTHER:
    default:
      /* Translators: a frame the lab does not decode, by the number that says what it carries. */
      g_string_append_printf (line, _("EtherType 0x%04x"), info->ethertype);
      break;
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}
