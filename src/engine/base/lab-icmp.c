/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-icmp.h"

/**
 * lab_icmp_checksum:
 *
 * Returns: the Internet checksum of @data (RFC 1071): the ones' complement
 *   of the ones' complement sum of its 16-bit words, to be written in the
 *   header (whose checksum field was 0 while it was summed)
 */
guint16
lab_icmp_checksum (const guint8 *data,
                   gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) data[i] << 8 | data[i + 1];
  if (len % 2 == 1)
    sum += (guint32) data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/**
 * lab_icmp_parse_echo:
 * @with_ip_header: whether @data starts with an IPv4 header (a raw
 *   socket's recvfrom ()), or with the ICMP header
 *
 * Reads an ICMP message's header; the identifier and sequence number are
 * those of an echo request or reply.
 *
 * Returns: whether @data holds a whole ICMP header (after an IPv4 header
 *   carrying ICMP, with @with_ip_header)
 */
gboolean
lab_icmp_parse_echo (const guint8 *data,
                     gsize         len,
                     gboolean      with_ip_header,
                     LabIcmpEcho  *out)
{
  gsize at = 0;

  memset (out, 0, sizeof *out);
  if (data == NULL)
    return FALSE;
  if (with_ip_header)
    {
      if (len < 20 || data[0] >> 4 != 4 || (data[0] & 0xf) < 5 || data[9] != 1)
        return FALSE;
      at = (gsize) (data[0] & 0xf) * 4;
      out->has_ttl = TRUE;
      out->ttl = data[8];
      out->ip_header_len = (guint8) at;
    }
  if (len < at + LAB_ICMP_HEADER_LEN)
    return FALSE;
  out->type = data[at];
  out->code = data[at + 1];
  out->checksum = (guint16) (data[at + 2] << 8 | data[at + 3]);
  out->id = (guint16) (data[at + 4] << 8 | data[at + 5]);
  out->seq = (guint16) (data[at + 6] << 8 | data[at + 7]);
  out->data_len = (guint32) (len - at - LAB_ICMP_HEADER_LEN);
  return TRUE;
}

/**
 * lab_icmp_describe:
 *
 * Returns: (nullable): the ICMP header of bytes a ping sent or received,
 *   field by field, in the language of the moment; %NULL when they hold
 *   none
 */
char *
lab_icmp_describe (const guint8 *data,
                   gsize         len)
{
  LabIcmpEcho echo;
  GString *out;
  const char *type;

  /* A raw socket's bytes start with an IPv4 header: version 4, and at
   * least 20 bytes of it. An ICMP message starts with its type: 0, 8, 3… */
  gboolean ip = len >= 20 && data[0] >> 4 == 4 && (data[0] & 0xf) >= 5;

  if (!lab_icmp_parse_echo (data, len, ip, &echo))
    return NULL;

  switch (echo.type)
    {
    case LAB_ICMP_ECHO_REPLY: type = _("echo reply"); break;
    case LAB_ICMP_ECHO_REQUEST: type = _("echo request"); break;
    case 3: type = _("destination unreachable"); break;
    case 11: type = _("time exceeded"); break;
    default: type = "?"; break;
    }

  out = g_string_new (NULL);
  if (echo.has_ttl)
    /* Translators: the IPv4 header a raw socket's recvfrom () gives first;
     * %u are its length in bytes and its time to live. */
    g_string_append_printf (out, _("IPv4 header (%u bytes, given by the raw socket): TTL %u; "),
                            echo.ip_header_len, echo.ttl);
  /* Translators: an ICMP header, field by field: type and its name, code,
   * checksum, identifier, sequence number, then the bytes after it. */
  g_string_append_printf (out, _("ICMP: type %u (%s), code %u, checksum 0x%04x, identifier %u, sequence %u, "
                                 "%u bytes of data"),
                          echo.type, type, echo.code, echo.checksum, echo.id, echo.seq, echo.data_len);
  return g_string_free (out, FALSE);
}
