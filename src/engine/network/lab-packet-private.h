/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <netinet/in.h>

#include "lab-packet.h"

G_BEGIN_DECLS

/* Room for a MAC address as text, aa:bb:cc:dd:ee:ff, and for an IP
 * address of either family. */
#define LAB_PACKET_MAC_TEXT 18
#define LAB_PACKET_IP_TEXT  INET6_ADDRSTRLEN

const char *lab_packet_format_mac     (const guint8        *mac,
                                       char                 text[LAB_PACKET_MAC_TEXT]);
const char *lab_packet_format_ip      (int                  family,
                                       const guint8        *address,
                                       char                 text[LAB_PACKET_IP_TEXT]);
const char *lab_packet_icmp_type_name (const LabPacketInfo *info);
const char *lab_packet_icmp_code_name (const LabPacketInfo *info);

G_END_DECLS
