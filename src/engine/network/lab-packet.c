/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-packet.h"

/* The decoder reads bytes that came off a wire: every read is checked
 * against what was captured, and every length a header gives against the
 * lengths around it, before it is used. Headers are read field by field,
 * in the order they lie in the frame, so that a frame cut anywhere keeps
 * every field before the cut. When a header ends early, the decoder stops
 * there: in the capture (truncated: the capture kept only the first bytes
 * of a longer frame) or in the frame itself (malformed), as when a length
 * does not agree with the others. */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_IPV6 0x86dd

#define IP_PROTO_HOPOPTS  0
#define IP_PROTO_ICMP     1
#define IP_PROTO_TCP      6
#define IP_PROTO_UDP      17
#define IP_PROTO_ROUTING  43
#define IP_PROTO_FRAGMENT 44
#define IP_PROTO_ICMPV6   58
#define IP_PROTO_NONE     59
#define IP_PROTO_DSTOPTS  60

/* More extension headers than any real packet has: the decoder gives up
 * on a chain longer than this, which could only be made to slow it. */
#define MAX_EXTENSION_CHAIN 32

typedef struct {
  const guint8  *data;
  gsize          captured;
  gsize          wire;       /* the frame's length on the wire, never less than captured */
  LabPacketInfo *info;
} Frame;

static guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Whether the @n bytes at @offset were captured; if not, the frame is
 * marked truncated when they were on the wire, malformed when the frame
 * itself ended before them. */
static gboolean
need (const Frame *f,
      gsize        offset,
      gsize        n)
{
  if (offset <= f->captured && n <= f->captured - offset)
    {
      f->info->decoded_len = (guint32) MAX (f->info->decoded_len, offset + n);
      return TRUE;
    }

  if (offset <= f->wire && n <= f->wire - offset)
    f->info->truncated = TRUE;
  else
    f->info->malformed = TRUE;
  return FALSE;
}

/* The field of @n bytes at @offset, into @out, if it was captured. */
static gboolean
take (const Frame *f,
      gsize        offset,
      gsize        n,
      void        *out)
{
  if (!need (f, offset, n))
    return FALSE;
  memcpy (out, f->data + offset, n);
  return TRUE;
}

static gboolean
take16 (const Frame *f,
        gsize        offset,
        guint16     *out)
{
  if (!need (f, offset, 2))
    return FALSE;
  *out = get16 (f->data + offset);
  return TRUE;
}

static gboolean
take32 (const Frame *f,
        gsize        offset,
        guint32     *out)
{
  if (!need (f, offset, 4))
    return FALSE;
  *out = get32 (f->data + offset);
  return TRUE;
}

static void
stop_malformed (const Frame *f)
{
  f->info->malformed = TRUE;
}

/* The header of @proto began at @at: what it carries is unknown until it
 * is decoded whole. */
static void
begin (const Frame    *f,
       LabPacketProto  proto,
       gsize           at)
{
  if (proto == LAB_PACKET_ARP || proto == LAB_PACKET_IPV4 || proto == LAB_PACKET_IPV6)
    f->info->network_offset = (guint16) at;
  else
    f->info->transport_offset = (guint16) at;
  f->info->proto = proto;
  f->info->payload_offset = 0;
  f->info->payload_len = 0;
  f->info->captured_payload = 0;
}

/* The header of info->proto was decoded whole, and carries @len bytes
 * from @offset, by the headers. */
static void
set_payload (const Frame *f,
             gsize        offset,
             gsize        len)
{
  gsize captured = offset < f->captured ? f->captured - offset : 0;

  f->info->payload_offset = (guint32) MIN (offset, f->captured);
  f->info->payload_len = (guint32) len;
  f->info->captured_payload = (guint32) MIN (len, captured);
}

/* ---- TCP ---- */

/* The options of the TCP header at @at, whose length is @header_len: each
 * is a kind, then (but for End and No-op) its length, kind and length
 * included, which must stay within the header. */
static gboolean
decode_tcp_options (const Frame *f,
                    gsize        at,
                    gsize        header_len)
{
  LabPacketInfo *info = f->info;
  gsize end = at + header_len;

  for (gsize o = at + 20; o < end;)
    {
      const guint8 *p;
      guint8 kind, len;

      if (!need (f, o, 1))
        return FALSE;
      kind = f->data[o];
      if (kind == 0)
        break;
      if (kind == 1)
        {
          o++;
          continue;
        }
      if (o + 2 > end)
        {
          stop_malformed (f);
          return FALSE;
        }
      if (!need (f, o + 1, 1))
        return FALSE;
      len = f->data[o + 1];
      if (len < 2 || o + len > end)
        {
          stop_malformed (f);
          return FALSE;
        }
      if (!need (f, o, len))
        return FALSE;

      p = f->data + o + 2;
      switch (kind)
        {
        case 2:
          if (len != 4)
            goto bad_length;
          info->mss = get16 (p);
          break;
        case 3:
          if (len != 3)
            goto bad_length;
          /* RFC 7323: a shift over 14 is taken as 14. */
          info->wscale = (gint8) MIN (p[0], 14);
          break;
        case 4:
          if (len != 2)
            goto bad_length;
          info->sack_permitted = TRUE;
          break;
        case 5:
          if ((len - 2) % 8 != 0 || len == 2 || len > 2 + 8 * 4)
            goto bad_length;
          info->n_sack = (guint8) ((len - 2) / 8);
          for (guint i = 0; i < info->n_sack; i++)
            {
              info->sack[i][0] = get32 (p + 8 * i);
              info->sack[i][1] = get32 (p + 8 * i + 4);
            }
          break;
        case 8:
          if (len != 10)
            goto bad_length;
          info->has_timestamps = TRUE;
          info->tsval = get32 (p);
          info->tsecr = get32 (p + 4);
          break;
        default:
          break;
        }
      o += len;
    }

  return TRUE;

bad_length:
  stop_malformed (f);
  return FALSE;
}

/* The TCP segment at @at, @len bytes by the IP header. */
static void
decode_tcp (const Frame *f,
            gsize        at,
            gsize        len)
{
  LabPacketInfo *info = f->info;
  const guint8 *p = f->data + at;
  gsize header_len;

  begin (f, LAB_PACKET_TCP, at);
  if (len < 20)
    {
      stop_malformed (f);
      return;
    }
  if (!take16 (f, at, &info->sport) || !take16 (f, at + 2, &info->dport) || !take32 (f, at + 4, &info->seq) ||
      !take32 (f, at + 8, &info->ack) || !need (f, at + 12, 2))
    return;
  header_len = (p[12] >> 4) * 4;
  info->tcp_header_len = (guint8) header_len;
  info->tcp_flags = p[13];
  if (!take16 (f, at + 14, &info->window) || !take16 (f, at + 16, &info->checksum) ||
      !take16 (f, at + 18, &info->urgent))
    return;

  if (header_len < 20 || header_len > len)
    {
      stop_malformed (f);
      return;
    }
  if (!decode_tcp_options (f, at, header_len))
    return;
  set_payload (f, at + header_len, len - header_len);
}

/* ---- UDP ---- */

static void
decode_udp (const Frame *f,
            gsize        at,
            gsize        len,
            gboolean     fragmented)
{
  LabPacketInfo *info = f->info;

  begin (f, LAB_PACKET_UDP, at);
  if (len < 8)
    {
      stop_malformed (f);
      return;
    }
  if (!take16 (f, at, &info->sport) || !take16 (f, at + 2, &info->dport) || !take16 (f, at + 4, &info->udp_len) ||
      !take16 (f, at + 6, &info->checksum))
    return;

  /* The first fragment of a datagram holds only the start of what its
   * length counts: what the packet holds is what IP says. */
  if (fragmented)
    {
      set_payload (f, at + 8, len - 8);
      return;
    }
  if (info->udp_len < 8 || info->udp_len > len)
    {
      stop_malformed (f);
      return;
    }
  set_payload (f, at + 8, info->udp_len - 8u);
}

/* ---- ICMP and ICMPv6 ---- */

static gboolean
is_echo (LabPacketProto proto,
         guint8         type)
{
  if (proto == LAB_PACKET_ICMP)
    return type == 0 || type == 8;
  return type == 128 || type == 129;
}

/* A neighbour solicitation's or advertisement's target, and the
 * link-layer address option that gives a MAC address, of the message at
 * @at that ends at @end. */
static void
decode_neighbour (const Frame *f,
                  gsize        at,
                  gsize        end)
{
  LabPacketInfo *info = f->info;

  if (end - at < 24)
    {
      stop_malformed (f);
      return;
    }
  if (!take (f, at + 8, 16, info->nd_target))
    return;

  for (gsize o = at + 24; o < end;)
    {
      guint8 type, units;

      if (o + 2 > end)
        {
          stop_malformed (f);
          return;
        }
      if (!need (f, o, 2))
        return;
      type = f->data[o];
      units = f->data[o + 1];
      if (units == 0 || units * 8u > end - o)
        {
          stop_malformed (f);
          return;
        }
      if ((type == 1 || type == 2) && units == 1)
        {
          if (!take (f, o + 2, 6, info->lladdr))
            return;
          info->has_lladdr = TRUE;
        }
      o += units * 8u;
    }
}

static void
decode_icmp (const Frame    *f,
             LabPacketProto  proto,
             gsize           at,
             gsize           len)
{
  LabPacketInfo *info = f->info;
  const guint8 *p = f->data + at;

  begin (f, proto, at);
  if (len < 8)
    {
      stop_malformed (f);
      return;
    }
  if (!take (f, at, 1, &info->icmp_type) || !take (f, at + 1, 1, &info->icmp_code) ||
      !take16 (f, at + 2, &info->checksum) || !need (f, at + 4, 4))
    return;
  if (is_echo (proto, info->icmp_type))
    {
      info->icmp_id = get16 (p + 4);
      info->icmp_seq = get16 (p + 6);
    }
  if (proto == LAB_PACKET_ICMPV6 && (info->icmp_type == 135 || info->icmp_type == 136))
    {
      decode_neighbour (f, at, at + len);
      if (info->truncated || info->malformed)
        return;
    }
  set_payload (f, at + 8, len - 8);
}

/* ---- IP ---- */

/* What IP carries, @len bytes at @at, unless it is a later fragment,
 * which holds no transport header. */
static void
decode_transport (const Frame *f,
                  gsize        at,
                  gsize        len)
{
  LabPacketInfo *info = f->info;
  gboolean fragmented = info->more_fragments || info->fragment_offset != 0;

  /* Extension headers may lead past what was captured. */
  if (!need (f, at, 0))
    return;
  set_payload (f, at, len);
  if (info->fragment_offset != 0)
    return;

  switch (info->ip_proto)
    {
    case IP_PROTO_TCP:
      decode_tcp (f, at, len);
      break;
    case IP_PROTO_UDP:
      decode_udp (f, at, len, fragmented);
      break;
    case IP_PROTO_ICMP:
      if (info->family == AF_INET)
        decode_icmp (f, LAB_PACKET_ICMP, at, len);
      break;
    case IP_PROTO_ICMPV6:
      if (info->family == AF_INET6)
        decode_icmp (f, LAB_PACKET_ICMPV6, at, len);
      break;
    default:
      break;
    }
}

static void
decode_ipv4_options (const Frame *f,
                     gsize        at,
                     gsize        header_len)
{
  LabPacketInfo *info = f->info;
  gsize end = at + header_len;

  for (gsize o = at + 20; o < end;)
    {
      guint8 type = f->data[o];
      guint8 len;

      if (info->n_ip_options < G_N_ELEMENTS (info->ip_options))
        info->ip_options[info->n_ip_options++] = type;
      if (type == 0)
        break;
      if (type == 1)
        {
          o++;
          continue;
        }
      len = o + 1 < end ? f->data[o + 1] : 0;
      if (len < 2 || o + len > end)
        {
          stop_malformed (f);
          return;
        }
      o += len;
    }
}

static void
decode_ipv4 (const Frame *f,
             gsize        at)
{
  LabPacketInfo *info = f->info;
  const guint8 *p = f->data + at;
  gsize header_len, total;
  guint16 total16, fragment;

  begin (f, LAB_PACKET_IPV4, at);
  if (!need (f, at, 1))
    return;
  if (p[0] >> 4 != 4)
    {
      stop_malformed (f);
      return;
    }
  info->family = AF_INET;
  header_len = (p[0] & 0x0f) * 4;
  info->ip_header_len = (guint8) header_len;
  if (header_len < 20)
    {
      stop_malformed (f);
      return;
    }
  if (!take (f, at + 1, 1, &info->traffic_class) || !take16 (f, at + 2, &total16))
    return;
  info->ip_len = total = total16;
  if (!take16 (f, at + 4, &info->ip_id) || !take16 (f, at + 6, &fragment))
    return;
  info->dont_fragment = (fragment & 0x4000) != 0;
  info->more_fragments = (fragment & 0x2000) != 0;
  info->fragment_offset = (guint16) ((fragment & 0x1fff) * 8);
  if (!take (f, at + 8, 1, &info->ttl) || !take (f, at + 9, 1, &info->ip_proto) ||
      !take16 (f, at + 10, &info->ip_checksum) || !take (f, at + 12, 4, info->src) || !take (f, at + 16, 4, info->dst))
    return;

  /* The packet must hold its own header, and the frame the packet; what
   * the frame holds beyond it is padding. */
  if (total < header_len || total > f->wire - at)
    {
      stop_malformed (f);
      return;
    }
  if (!need (f, at + 20, header_len - 20))
    return;
  decode_ipv4_options (f, at, header_len);
  if (info->malformed)
    return;
  decode_transport (f, at + header_len, total - header_len);
}

static gboolean
is_extension (guint8 next)
{
  return next == IP_PROTO_HOPOPTS || next == IP_PROTO_ROUTING || next == IP_PROTO_FRAGMENT ||
         next == IP_PROTO_DSTOPTS;
}

/* The extension headers from @at to @end, the IPv6 packet's end; returns
 * where the header they lead to starts, or 0 when decoding stops. */
static gsize
decode_ipv6_extensions (const Frame *f,
                        gsize        at,
                        gsize        end)
{
  LabPacketInfo *info = f->info;

  for (guint chain = 0; is_extension (info->ip_proto); chain++)
    {
      const guint8 *p = f->data + at;
      gsize len;

      if (chain == MAX_EXTENSION_CHAIN || end - at < 8)
        {
          stop_malformed (f);
          return 0;
        }
      if (!need (f, at, 2))
        return 0;
      len = info->ip_proto == IP_PROTO_FRAGMENT ? 8 : (p[1] + 1u) * 8;
      if (len > end - at)
        {
          stop_malformed (f);
          return 0;
        }
      if (info->ip_proto == IP_PROTO_FRAGMENT)
        {
          guint16 fragment;

          if (!need (f, at + 2, 6))
            return 0;
          fragment = get16 (p + 2);
          info->fragment_offset = fragment & 0xfff8;
          info->more_fragments = (fragment & 1) != 0;
          info->fragment_id = get32 (p + 4);
          info->ip_id = (guint16) info->fragment_id;
        }
      if (info->n_extensions < G_N_ELEMENTS (info->extensions))
        info->extensions[info->n_extensions++] = info->ip_proto;
      info->ip_proto = p[0];
      at += len;
    }

  return at;
}

static void
decode_ipv6 (const Frame *f,
             gsize        at)
{
  LabPacketInfo *info = f->info;
  guint32 first;
  guint16 payload_len;
  gsize end, next;

  begin (f, LAB_PACKET_IPV6, at);
  if (!take32 (f, at, &first))
    return;
  if (first >> 28 != 6)
    {
      stop_malformed (f);
      return;
    }
  info->family = AF_INET6;
  info->ip_header_len = 40;
  info->traffic_class = (guint8) (first >> 20);
  info->flow_label = first & 0xfffff;
  if (!take16 (f, at + 4, &payload_len))
    return;
  info->ip_len = payload_len + 40u;
  if (!take (f, at + 6, 1, &info->ip_proto) || !take (f, at + 7, 1, &info->ttl) || !take (f, at + 8, 16, info->src) ||
      !take (f, at + 24, 16, info->dst))
    return;

  if (info->ip_len > f->wire - at)
    {
      stop_malformed (f);
      return;
    }
  end = at + info->ip_len;
  next = decode_ipv6_extensions (f, at + 40, end);
  if (next == 0)
    return;
  if (info->ip_proto == IP_PROTO_NONE)
    {
      set_payload (f, next, 0);
      return;
    }
  decode_transport (f, next, end - next);
}

/* ---- ARP and Ethernet ---- */

static void
decode_arp (const Frame *f,
            gsize        at)
{
  LabPacketInfo *info = f->info;
  const guint8 *p = f->data + at;

  begin (f, LAB_PACKET_ARP, at);
  if (!need (f, at, 8))
    return;
  info->arp_op = get16 (p + 6);
  /* Only Ethernet's hardware addresses for IPv4's. */
  if (get16 (p) != 1 || get16 (p + 2) != ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
    {
      set_payload (f, at + 8, f->wire - at - 8);
      return;
    }
  if (!take (f, at + 8, 6, info->arp_sha) || !take (f, at + 14, 4, info->arp_spa) ||
      !take (f, at + 18, 6, info->arp_tha) || !take (f, at + 24, 4, info->arp_tpa))
    return;
  set_payload (f, at + 28, 0);
}

/**
 * lab_packet_decode:
 * @frame: (array length=captured): the bytes captured
 * @captured: how many were captured
 * @wire_len: the frame's length on the wire (a capture may keep only the
 *   first bytes); less than @captured is taken as @captured
 * @info: (out caller-allocates): where the headers go
 *
 * Decodes an Ethernet frame as deep as its bytes allow, setting
 * info->truncated where the capture cut a header short, and
 * info->malformed where the frame's own lengths do not agree (an IHL
 * under 5, options past their header): decoding stops there. Every field
 * not decoded is 0 (wscale -1).
 *
 * Returns: %FALSE when not even the Ethernet header was captured
 */
gboolean
lab_packet_decode (const guint8  *frame,
                   gsize          captured,
                   gsize          wire_len,
                   LabPacketInfo *info)
{
  Frame f = { frame, captured, MAX (wire_len, captured), info };
  gsize at = 14;

  g_return_val_if_fail (frame != NULL || captured == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  info->wscale = -1;
  if (!need (&f, 0, 14))
    return FALSE;

  memcpy (info->eth_dst, frame, 6);
  memcpy (info->eth_src, frame + 6, 6);
  info->ethertype = get16 (frame + 12);
  if (info->ethertype == ETHERTYPE_VLAN || info->ethertype == ETHERTYPE_QINQ)
    {
      guint16 tci;

      if (!need (&f, 14, 4))
        return TRUE;
      tci = get16 (frame + 14);
      info->vlan = TRUE;
      info->vlan_tpid = info->ethertype;
      info->vlan_priority = (guint8) (tci >> 13);
      info->vlan_id = tci & 0x0fff;
      info->ethertype = get16 (frame + 16);
      at = 18;
    }

  switch (info->ethertype)
    {
    case ETHERTYPE_IPV4:
      decode_ipv4 (&f, at);
      break;
    case ETHERTYPE_IPV6:
      decode_ipv6 (&f, at);
      break;
    case ETHERTYPE_ARP:
      decode_arp (&f, at);
      break;
    default:
      set_payload (&f, at, f.wire - at);
      break;
    }

  return TRUE;
}
