/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-test-engine.h"
#include "lab-wire.h"

G_BEGIN_DECLS

/* The captured TCP segments of one connection on the lab network, each
 * with what the wire says of it, for the tests of the wire and of the
 * lessons that show it. */

typedef struct {
  LabEvent    *event;
  LabWireInfo  wire;
} LabTestPacket;

/* What a wait on the wire waits for: @n segments on @port, or its end. */
typedef struct {
  LabTestFixture *f;
  guint16         port;
  guint           n;
} LabTestWaiting;

typedef gboolean (*LabTestPacketFilter) (const LabWireInfo *wire,
                                         gconstpointer       data);
GArray  *lab_test_wire_packets        (LabTestFixture      *f,
                                       LabTestPacketFilter  keep,
                                       gconstpointer        data);
GArray  *lab_test_wire_segments       (LabTestFixture      *f,
                                       guint16              port);
guint32  lab_test_wire_rel_seq        (const LabTestPacket *p);
guint32  lab_test_wire_rel_ack        (const LabTestPacket *p);
gboolean lab_test_wire_from_host      (const LabTestPacket *p,
                                       const char          *host);
gint64   lab_test_wire_time           (const LabTestPacket *p);
void     lab_test_wire_assert_segment (const LabTestPacket *p,
                                       const char          *host,
                                       guint8               flags,
                                       guint32              seq,
                                       guint32              ack);
gboolean lab_test_wire_closed_both_ways (gpointer           data);
gboolean lab_test_wire_has_segments   (gpointer             data);

G_END_DECLS
