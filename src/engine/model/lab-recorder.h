/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-record-private.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* How every thread hands its records to the timeline (lab-recorder.c). */
typedef struct _LabRecorders LabRecorders;
typedef struct _LabRecorder  LabRecorder;

LabRecorders *lab_recorders_new            (void            (*wake) (gpointer data),
                                            gpointer          data);
void          lab_recorders_free           (LabRecorders     *self);
void          lab_recorders_set_capacity   (LabRecorders     *self,
                                            guint             max_events);
void          lab_recorders_push           (LabRecorders     *self,
                                            LabRecord        *record);

/* The main context's */
guint64       lab_recorders_gather         (LabRecorders     *self,
                                            guint             max,
                                            GPtrArray        *batch,
                                            GPtrArray        *from);
void          lab_recorders_release        (LabRecorders     *self);
gboolean      lab_recorders_has_more       (LabRecorders     *self,
                                            guint64           watermark);
void          lab_recorders_add_stats      (LabRecorders     *self,
                                            LabTimelineStats *stats);
gboolean      lab_recorder_get_open_call   (LabRecorder      *rec,
                                            const LabRecord  *record,
                                            guint64          *row);
void          lab_recorder_set_open_call   (LabRecorder      *rec,
                                            const LabRecord  *record,
                                            guint64           row);
void          lab_recorder_clear_open_call (LabRecorder      *rec,
                                            const LabRecord  *record);

G_END_DECLS
