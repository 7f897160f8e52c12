/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ICMP echo (RFC 792), as a ping writes and reads it: the 8-byte header
 * (type, code, checksum, identifier, sequence number) and what follows.
 * What a raw socket's recvfrom () gives starts with the IPv4 header; what
 * ICMP's datagram socket gives, with the ICMP header. */

#define LAB_ICMP_HEADER_LEN    8
#define LAB_ICMP_ECHO_REPLY    0
#define LAB_ICMP_ECHO_REQUEST  8

typedef struct {
  guint8   type, code;
  guint16  checksum;
  guint16  id, seq;
  gboolean has_ttl;              /* an IPv4 header came first */
  guint8   ttl;
  guint8   ip_header_len;        /* 0 without one */
  guint32  data_len;             /* the bytes after the ICMP header */
} LabIcmpEcho;

guint16   lab_icmp_checksum    (const guint8  *data,
                                gsize          len);
gboolean  lab_icmp_parse_echo  (const guint8  *data,
                                gsize          len,
                                gboolean       with_ip_header,
                                LabIcmpEcho   *out);
char     *lab_icmp_describe    (const guint8  *data,
                                gsize          len);

G_END_DECLS
