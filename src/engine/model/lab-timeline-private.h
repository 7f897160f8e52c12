/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-arena.h"
#include "lab-record-private.h"
#include "lab-timeline.h"
#include "lab-translated.h"

G_BEGIN_DECLS

/* Any thread may record: lab_timeline_push() gives a record its number
 * and hands it to the calling thread's own buffer, without a lock; the
 * main context sees it at the next flush, in the order of the numbers. */
void       lab_timeline_push              (LabTimeline     *self,
                                           LabRecord       *record);
LabArena  *lab_timeline_get_payload_arena (LabTimeline     *self);
LabArena  *lab_timeline_get_text_arena    (LabTimeline     *self);
LabArena  *lab_timeline_get_arena_for     (LabTimeline     *self,
                                           const LabRecord *record);
void       lab_timeline_set_run_name      (LabTimeline     *self,
                                           guint            endpoint_id,
                                           guint            run,
                                           LabTranslated   *name);
const char *lab_timeline_get_run_name     (LabTimeline     *self,
                                           guint            endpoint_id,
                                           guint            run);

/* How many source lines a timeline keeps (their numbers fit a record's
 * 16 bits, 0 being none) */
#define LAB_TIMELINE_MAX_LINES 65535

guint16     lab_timeline_intern_line      (LabTimeline     *self,
                                           const char      *text);
const char *lab_timeline_get_line         (LabTimeline     *self,
                                           guint16          id);

G_END_DECLS
