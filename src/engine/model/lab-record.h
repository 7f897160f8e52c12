/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-enums.h"

G_BEGIN_DECLS

/* A record, as the timeline's stream hands it out (LabTimelineEntry): read
 * it here without making an object, or make a LabEvent of it with
 * lab_timeline_dup_event(). Valid while the stream's signal runs. */
typedef struct _LabRecord LabRecord;

guint64       lab_record_get_seq             (const LabRecord *record);
LabEventKind  lab_record_get_kind            (const LabRecord *record);
gint64        lab_record_get_begin_time      (const LabRecord *record);
guint         lab_record_get_endpoint_id     (const LabRecord *record);
guint64       lab_record_get_connection      (const LabRecord *record);
LabOp         lab_record_get_op              (const LabRecord *record);
gboolean      lab_record_get_instrumentation (const LabRecord *record);
gboolean      lab_record_get_finished        (const LabRecord *record);
int           lab_record_get_errno           (const LabRecord *record);

G_END_DECLS
