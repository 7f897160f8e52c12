/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-event.h"

G_BEGIN_DECLS

#define LAB_TYPE_CONNECTION (lab_connection_get_type ())

G_DECLARE_FINAL_TYPE (LabConnection, lab_connection, LAB, CONNECTION, GObject)

/* One connected socket of an endpoint (for UDP, one peer), as the main
 * context knows it from the timeline: addresses, the kernel's state, the
 * bytes that crossed. */

guint64      lab_connection_get_id            (LabConnection *self);
const char  *lab_connection_get_peer_address  (LabConnection *self);
LabTcpState  lab_connection_get_state         (LabConnection *self);
gboolean     lab_connection_get_open          (LabConnection *self);
guint64      lab_connection_get_bytes_in      (LabConnection *self);
guint64      lab_connection_get_bytes_out     (LabConnection *self);
GListModel  *lab_connection_get_data          (LabConnection *self);
GArray      *lab_connection_get_transitions   (LabConnection *self);

G_END_DECLS
