/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-fuzz.h"
#include "lab-packet.h"

/* The packet decoder, and the words made of what it decoded, on any
 * bytes as a capture gives them: nothing is read past what was captured
 * (AddressSanitizer sees a read past the input, which libFuzzer hands in
 * memory of its own size), what the payload is said to be lies within
 * the capture, a frame is cut short only when the capture kept less than
 * the wire had, and every text is UTF-8.
 *
 * The input: two bytes, little-endian, of how much longer the frame was
 * on the wire than what was captured (0xffff: as long as can be), a byte
 * whose low bit counts sequence numbers from the frame's own, then the
 * bytes captured. */

static void
check_text (const char *text)
{
  lab_fuzz_check (text != NULL, "a text is NULL");
  lab_fuzz_check (g_utf8_validate (text, -1, NULL), "“%s” is not UTF-8", text);
}

static void
check_info (const LabPacketInfo *info,
            gsize                captured,
            gsize                wire_len)
{
  lab_fuzz_check (info->decoded_len <= captured, "%u bytes decoded of %" G_GSIZE_FORMAT, info->decoded_len,
                  captured);
  lab_fuzz_check (info->payload_offset <= captured, "a payload at %u of %" G_GSIZE_FORMAT, info->payload_offset,
                  captured);
  lab_fuzz_check (info->payload_offset + (gsize) info->captured_payload <= captured,
                  "a payload of %u bytes at %u of %" G_GSIZE_FORMAT, info->captured_payload, info->payload_offset,
                  captured);
  lab_fuzz_check (info->captured_payload <= info->payload_len, "%u bytes captured of a payload of %u",
                  info->captured_payload, info->payload_len);
  lab_fuzz_check (info->network_offset <= captured && info->transport_offset <= captured,
                  "a header at %u or %u of %" G_GSIZE_FORMAT, info->network_offset, info->transport_offset, captured);
  lab_fuzz_check (!info->truncated || captured < wire_len, "cut short, but all %" G_GSIZE_FORMAT " bytes captured",
                  captured);
  lab_fuzz_check (info->n_sack <= G_N_ELEMENTS (info->sack), "%u SACK blocks", info->n_sack);
  lab_fuzz_check (info->n_extensions <= LAB_PACKET_MAX_EXTENSIONS, "%u extension headers", info->n_extensions);
  lab_fuzz_check (info->n_ip_options <= LAB_PACKET_MAX_IP_OPTIONS, "%u IPv4 options", info->n_ip_options);
  lab_fuzz_check (info->wscale >= -1 && info->wscale <= 14, "a window scale of %d", info->wscale);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const guint8 *frame = data + 3;
  gsize captured, wire_len;
  guint32 seq_base = 0, ack_base = 0;
  LabPacketInfo info, again;
  gboolean decoded;
  g_autofree char *summary = NULL;
  g_autofree char *summary_again = NULL;
  g_autoptr(GPtrArray) fields = NULL;

  if (size < 3)
    return 0;
  captured = size - 3;
  wire_len = data[0] == 0xff && data[1] == 0xff ? G_MAXSIZE : captured + (data[0] | data[1] << 8);

  decoded = lab_packet_decode (frame, captured, wire_len, &info);
  lab_fuzz_check (decoded == (captured >= 14), "decoded: %d, with %" G_GSIZE_FORMAT " bytes", decoded, captured);
  check_info (&info, captured, wire_len);
  if (data[2] & 1)
    {
      seq_base = info.seq - data[2];
      ack_base = info.ack - data[2];
    }

  summary = lab_packet_summary (&info, seq_base, ack_base);
  check_text (summary);
  fields = lab_packet_fields (&info, seq_base, ack_base);
  for (guint i = 0; i < fields->len; i++)
    {
      const LabPacketField *field = fields->pdata[i];

      check_text (field->layer);
      check_text (field->name);
      check_text (field->value);
      check_text (field->explanation);
    }
  lab_fuzz_check (decoded || fields->len == 0, "fields of a frame with no Ethernet header");

  /* The same bytes, the same packet. */
  lab_fuzz_check (lab_packet_decode (frame, captured, wire_len, &again) == decoded, "decoded once, not twice");
  summary_again = lab_packet_summary (&again, seq_base, ack_base);
  lab_fuzz_check (g_str_equal (summary, summary_again), "“%s”, then “%s”", summary, summary_again);

  return 0;
}
