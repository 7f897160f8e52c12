/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-test-packet.h"

/* The frames Linux sent, cut at every byte and given lengths that lie:
 * nothing is read past the end (each cut is in memory of its own size,
 * for AddressSanitizer to see), what was before the cut stays right, and
 * a length that does not agree with the others stops the decoder there. */

/* Whether every field of @part is in @whole, the same. */
static gboolean
fields_within (GPtrArray *part,
               GPtrArray *whole)
{
  for (guint i = 0; i < part->len; i++)
    {
      const LabPacketField *field = part->pdata[i];
      const LabPacketField *same = lab_test_find_field (whole, field->layer, field->name);

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
      g_assert_cmpuint (info.network_offset, <=, cut);
      g_assert_cmpuint (info.transport_offset, <=, cut);
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
  g_autoptr(GPtrArray) frames = lab_test_packet_frames ();

  for (guint i = 0; i < frames->len; i++)
    check_cuts (((LabTestFrame *) frames->pdata[i])->data);
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
  GBytes *frame = lab_test_veth_frame (LAB_TEST_SYN);
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
  g_autoptr(GBytes) bytes = lab_test_hex_frame (hex);
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
  lab_test_assert_summary (&info, 0, 0, expected, expected_es);
}

static void
test_bogus_lengths (void)
{
  GBytes *syn = lab_test_veth_frame (LAB_TEST_SYN);
  GBytes *udp = lab_test_veth_frame (LAB_TEST_UDP6);
  static const struct {
    guint          frame;
    gsize          offset;
    const char    *hex;
    LabPacketProto proto;
    const char    *name;
  } cases[] = {
    { LAB_TEST_SYN, 14, "44", LAB_PACKET_IPV4, "IPv4" },           /* IHL 4: a header shorter than its fields */
    { LAB_TEST_SYN, 14, "65", LAB_PACKET_IPV4, "IPv4" },           /* version 6 where the frame says IPv4 */
    { LAB_TEST_SYN, 16, "0013", LAB_PACKET_IPV4, "IPv4" },         /* a packet shorter than its header */
    { LAB_TEST_SYN, 16, "03e8", LAB_PACKET_IPV4, "IPv4" },         /* a packet longer than the frame */
    { LAB_TEST_SYN, 46, "40", LAB_PACKET_TCP, "TCP" },             /* data offset 4 */
    { LAB_TEST_SYN, 46, "f0", LAB_PACKET_TCP, "TCP" },             /* a header of 60 bytes in a segment of 40 */
    { LAB_TEST_SYN, 55, "00", LAB_PACKET_TCP, "TCP" },             /* an option of length 0 */
    { LAB_TEST_SYN, 72, "05", LAB_PACKET_TCP, "TCP" },             /* window scale running past the header */
    { LAB_TEST_SYN, 55, "05", LAB_PACKET_TCP, "TCP" },             /* an MSS of 5 bytes */
    { LAB_TEST_SYN, 54, "0509", LAB_PACKET_TCP, "TCP" },           /* a SACK of half a block */
    { LAB_TEST_UDP6, 58, "0007", LAB_PACKET_UDP, "UDP" },          /* a datagram shorter than its header */
    { LAB_TEST_UDP6, 58, "0064", LAB_PACKET_UDP, "UDP" },          /* longer than its packet */
    { LAB_TEST_UDP6, 18, "0004", LAB_PACKET_UDP, "UDP" },          /* a packet too short for a UDP header */
    { LAB_TEST_UDP6, 18, "03e8", LAB_PACKET_IPV6, "IPv6" },        /* longer than the frame */
    { LAB_TEST_MLD_REPORT, 55, "c8", LAB_PACKET_IPV6, "IPv6" },    /* hop-by-hop options past the packet */
    { LAB_TEST_NEIGHBOUR_SOLICITATION, 79, "00", LAB_PACKET_ICMPV6, "ICMPv6" },  /* an option of length 0 */
    { LAB_TEST_ECHO_REQUEST, 16, "0018", LAB_PACKET_ICMP, "ICMP" },  /* 4 bytes of ICMP */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) frame = patch (lab_test_veth_frame (cases[i].frame), cases[i].offset, cases[i].hex);

      g_test_message ("frame %u, %s at %" G_GSIZE_FORMAT, cases[i].frame, cases[i].hex, cases[i].offset);
      assert_malformed (frame, cases[i].proto, cases[i].name);
    }

  /* An ARP message that the frame ends in the middle of, and the same
   * where only the capture ends there. */
  {
    GBytes *arp = lab_test_veth_frame (LAB_TEST_ARP_REQUEST);
    LabPacketInfo info;
    g_autofree guint8 *cut = g_memdup2 (g_bytes_get_data (arp, NULL), 30);

    g_assert_true (lab_packet_decode (cut, 30, 30, &info));
    g_assert_true (info.malformed);
    g_assert_false (info.truncated);
    g_assert_true (lab_packet_decode (cut, 30, 42, &info));
    g_assert_false (info.malformed);
    g_assert_true (info.truncated);
    lab_test_assert_summary (&info, 0, 0, "ARP, cut short by the capture", "ARP, recortado por la captura");
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
  frame = lab_test_hex_frame (hex->str);
  lab_test_decode (frame, &info);
  g_assert_true (info.malformed);
  g_assert_cmpuint (info.n_extensions, ==, LAB_PACKET_MAX_EXTENSIONS);
  g_assert_cmpuint (info.decoded_len, <, 14 + 40 + 33 * 8);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  lab_test_init (&argc, &argv);
  lab_test_packet_init ();

  g_test_add_func ("/packet-cuts/every-byte", test_every_cut);
  g_test_add_func ("/packet-cuts/syn", test_syn_cuts);
  g_test_add_func ("/packet-cuts/bogus-lengths", test_bogus_lengths);
  g_test_add_func ("/packet-cuts/long-chain", test_long_chain);

  status = g_test_run ();
  lab_test_packet_clear ();
  return status;
}
