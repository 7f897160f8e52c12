/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-call.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

#define LAB_TYPE_TIMELINE_FILTER (lab_timeline_filter_get_type ())

G_DECLARE_FINAL_TYPE (LabTimelineFilter, lab_timeline_filter, LAB, TIMELINE_FILTER, GObject)

/* The events of a timeline that match: by kind, endpoint, connection, and
 * whether the lab's own calls are shown. It reads the records where they
 * lie and keeps only their numbers: a new batch costs what it adds, a
 * dropped block what it removes, and an event becomes an object only when
 * a view asks for its row. */

/* How fast matches came, at a filter's last count. */
typedef struct {
  guint per_second;
  guint calls_per_second[LAB_N_CALLS];
} LabTimelineFilterFlood;

#define LAB_TIMELINE_FILTER_ALL_KINDS ((1u << LAB_EVENT_CALL) | (1u << LAB_EVENT_STATE) | \
                                       (1u << LAB_EVENT_DATA) | (1u << LAB_EVENT_NOTE))

LabTimelineFilter *lab_timeline_filter_new         (LabTimeline       *timeline);
void               lab_timeline_filter_set         (LabTimelineFilter *self,
                                                    guint              kinds,
                                                    gboolean           instrumentation,
                                                    guint              endpoint_id,
                                                    guint64            connection);
guint              lab_timeline_filter_find        (LabTimelineFilter *self,
                                                    guint64            seq);
void               lab_timeline_filter_set_pace    (LabTimelineFilter *self,
                                                    guint              pace_ms);
void               lab_timeline_filter_set_flood_rows (LabTimelineFilter *self,
                                                    guint              rows);
gboolean           lab_timeline_filter_get_flooding (LabTimelineFilter *self);
gboolean           lab_timeline_filter_tell_now    (LabTimelineFilter *self);
const LabTimelineFilterFlood *
                   lab_timeline_filter_get_flood   (LabTimelineFilter *self);

G_END_DECLS
