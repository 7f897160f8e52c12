/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include "lab-hex.h"
#include "lab-locale.h"
#include "lab-test-packet.h"

static GPtrArray *veth;   /* LabTestFrame, in tcpdump's order from 0 */
static GPtrArray *lo;

void
lab_test_packet_init (void)
{
  veth = lab_test_read_pcap ("veth.pcap");
  lo = lab_test_read_pcap ("lo.pcap");
  g_assert_cmpuint (veth->len, ==, 36);
  g_assert_cmpuint (lo->len, ==, 10);
}

void
lab_test_packet_clear (void)
{
  g_clear_pointer (&veth, g_ptr_array_unref);
  g_clear_pointer (&lo, g_ptr_array_unref);
}

/**
 * lab_test_packet_frames:
 *
 * Returns: (transfer container) (element-type LabTestFrame): every frame
 *   kept, those of the link, then those of loopback
 */
GPtrArray *
lab_test_packet_frames (void)
{
  GPtrArray *frames = g_ptr_array_new ();

  g_ptr_array_extend (frames, veth, NULL, NULL);
  g_ptr_array_extend (frames, lo, NULL, NULL);
  return frames;
}

static GBytes *
frame_bytes (GPtrArray *frames,
             guint      index)
{
  g_assert_cmpuint (index, <, frames->len);
  return ((LabTestFrame *) frames->pdata[index])->data;
}

GBytes *
lab_test_veth_frame (guint index)
{
  return frame_bytes (veth, index);
}

GBytes *
lab_test_lo_frame (guint index)
{
  return frame_bytes (lo, index);
}

/* Bytes written as hexadecimal, as the RFCs draw them. */
GBytes *
lab_test_hex_frame (const char *hex)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = lab_hex_parse (hex, &error);

  g_assert_no_error (error);
  return bytes;
}

void
lab_test_decode (GBytes        *frame,
                 LabPacketInfo *info)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_assert_true (lab_packet_decode (data, len, len, info));
}

void
lab_test_decode_veth (guint          index,
                      LabPacketInfo *info)
{
  lab_test_decode (lab_test_veth_frame (index), info);
  g_assert_false (info->truncated);
  g_assert_false (info->malformed);
}

void
lab_test_assert_address (int           family,
                         const guint8 *address,
                         const char   *expected)
{
  char text[INET6_ADDRSTRLEN];

  g_assert_nonnull (inet_ntop (family, address, text, sizeof text));
  g_assert_cmpstr (text, ==, expected);
}

void
lab_test_assert_mac (const guint8 *mac,
                     const char   *expected)
{
  g_autofree char *text = g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                                           mac[5]);

  g_assert_cmpstr (text, ==, expected);
}

/* The summary, in English and in Spanish (NULL: the same). */
void
lab_test_assert_summary (const LabPacketInfo *info,
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

const LabPacketField *
lab_test_find_field (GPtrArray  *fields,
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

void
lab_test_assert_field (GPtrArray  *fields,
                       const char *layer,
                       const char *name,
                       const char *value)
{
  const LabPacketField *field = lab_test_find_field (fields, layer, name);

  if (field == NULL)
    g_error ("no field %s %s", layer, name);
  g_assert_cmpstr (field->value, ==, value);
  g_assert_cmpuint (strlen (field->explanation), >, 20);
}

/* The payload is @expected, all of it captured. */
void
lab_test_assert_payload (GBytes              *frame,
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
