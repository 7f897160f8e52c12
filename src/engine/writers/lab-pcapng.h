/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A capture written as pcapng, which Wireshark, tshark and tcpdump read:
 * unlike libpcap's classic format it keeps several interfaces in one file,
 * each with its name, and a comment on each packet (the call whose bytes
 * it carries). Blocks are written as they come, little-endian; a write
 * that fails is reported, and every call after it fails too, since the
 * file is cut short. Not thread-safe: one writer per thread. */

typedef struct _LabPcapngWriter LabPcapngWriter;

LabPcapngWriter *lab_pcapng_writer_new           (GOutputStream    *stream,
                                                  const char       *application,
                                                  GError          **error);
guint            lab_pcapng_writer_add_interface (LabPcapngWriter  *writer,
                                                  const char       *name,
                                                  const char       *description,
                                                  guint16           link_type,
                                                  guint32           snaplen,
                                                  GError          **error);
gboolean         lab_pcapng_writer_add_packet    (LabPcapngWriter  *writer,
                                                  guint             interface_id,
                                                  guint64           timestamp_ns,
                                                  const guint8     *data,
                                                  guint32           captured,
                                                  guint32           wire_len,
                                                  const char       *comment,
                                                  GError          **error);
gboolean         lab_pcapng_writer_close         (LabPcapngWriter  *writer,
                                                  GError          **error);
void             lab_pcapng_writer_free          (LabPcapngWriter  *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabPcapngWriter, lab_pcapng_writer_free)

G_END_DECLS
