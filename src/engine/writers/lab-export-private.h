/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-export.h"

G_BEGIN_DECLS

/* What the timeline's exports (lab-export.c) and the handout
 * (lab-handout.c) share: the writer that buffers, stops at the first
 * error and hands it over, and the count of what the timeline dropped. */

/* Text goes into @buffer; lab_export_writer_check () writes it out. */
typedef struct {
  GOutputStream *out;
  GCancellable  *cancellable;
  GString       *buffer;
  GError        *error;
} LabExportWriter;

/* How many events the timeline let go of before each one it kept. Only
 * known when the model is the timeline: the gaps in a filtered model are
 * its filter's. Events go oldest first, so most are missing before the
 * first one kept; a stalled main loop loses some in between, which the
 * gaps in the sequence numbers show. */
typedef struct {
  gboolean known;
  guint64  front;
  guint64  prev_seq;
} LabExportDrops;

void        lab_export_writer_init      (LabExportWriter *w,
                                         GOutputStream   *out,
                                         GCancellable    *cancellable);
gboolean    lab_export_writer_check     (LabExportWriter *w);
gboolean    lab_export_writer_finish    (LabExportWriter *w,
                                         GError         **error);

void        lab_export_drops_init       (LabExportDrops  *d,
                                         GListModel      *events);
guint64     lab_export_drops_before     (LabExportDrops  *d,
                                         guint            position,
                                         LabEvent        *event);
char       *lab_export_dup_dropped_text (guint64          n);

const char *lab_export_enum_nick        (GType            type,
                                         int              value);

void        lab_export_write_handout    (LabSession      *session,
                                         GListModel      *events,
                                         const char      *title,
                                         const char      *notes,
                                         LabExportWriter *w);

G_END_DECLS
