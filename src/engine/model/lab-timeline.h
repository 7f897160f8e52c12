/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-event.h"
#include "lab-record.h"

G_BEGIN_DECLS

#define LAB_TYPE_TIMELINE (lab_timeline_get_type ())

G_DECLARE_FINAL_TYPE (LabTimeline, lab_timeline, LAB, TIMELINE, GObject)

#define LAB_TIMELINE_DEFAULT_MAX_EVENTS  200000
/* The bytes kept: enough for every message of a lesson, and few enough to
 * stay in the processor's cache while a peer floods. */
#define LAB_TIMELINE_DEFAULT_MAX_PAYLOAD (4 * 1024 * 1024)

/* As many marks as a bench takes endpoints (LAB_EXPERIMENT_MAX_ENDPOINTS). */
#define LAB_TIMELINE_N_MARKS 16

typedef struct {
  guint64 events;
  guint64 dropped;
  guint64 calls;
  guint64 bytes_in;
  guint64 bytes_out;
} LabTimelineStats;

/* One entry of the stream the timeline emits: an event as it was recorded,
 * or the end of a blocking call recorded earlier (then @record is the
 * whole call, as it returned). */
typedef struct {
  const LabRecord *record;
  gboolean         end;
} LabTimelineEntry;

LabTimeline *lab_timeline_new              (void);
void         lab_timeline_set_limits       (LabTimeline      *self,
                                            guint             max_events,
                                            gsize             max_payload);
guint        lab_timeline_get_max_events   (LabTimeline      *self);
gsize        lab_timeline_get_max_payload  (LabTimeline      *self);
guint64      lab_timeline_get_n_dropped    (LabTimeline      *self);
void         lab_timeline_get_stats        (LabTimeline      *self,
                                            LabTimelineStats *stats);
gint64       lab_timeline_now              (LabTimeline      *self);
gint64       lab_timeline_get_origin       (LabTimeline      *self);
gint64       lab_timeline_get_clock_start  (LabTimeline      *self);
guint        lab_timeline_add_endpoint     (LabTimeline      *self);
void         lab_timeline_set_endpoint_mark (LabTimeline     *self,
                                            guint             endpoint_id,
                                            guint             mark);
guint        lab_timeline_get_endpoint_mark (LabTimeline     *self,
                                            guint             endpoint_id);
void         lab_timeline_flush            (LabTimeline      *self);
void         lab_timeline_share_main_context (LabTimeline    *self,
                                            int             priority);
void         lab_timeline_clear            (LabTimeline      *self);
LabEvent    *lab_timeline_dup_event        (LabTimeline      *self,
                                            const LabRecord  *record);
const LabRecord *lab_timeline_get_record   (LabTimeline      *self,
                                            guint             position);
guint        lab_timeline_find             (LabTimeline      *self,
                                            guint64           seq);

G_END_DECLS
