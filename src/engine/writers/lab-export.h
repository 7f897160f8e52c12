/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-session.h"

G_BEGIN_DECLS

/* What a timeline can be saved as: for a script (JSON Lines), for a
 * spreadsheet (CSV, and the TCP samples' numbers in a CSV of their own),
 * for reading (text), for a class to take home (an HTML handout). */
typedef enum {
  LAB_EXPORT_TEXT,
  LAB_EXPORT_CSV,
  LAB_EXPORT_JSONL,
  LAB_EXPORT_HTML,
  LAB_EXPORT_TCP_SAMPLES_CSV,   /* only the TCP samples, their numbers a column each */
} LabExportFormat;

gboolean    lab_export_timeline                 (GListModel       *events,
                                                 LabExportFormat   format,
                                                 GOutputStream    *out,
                                                 GCancellable     *cancellable,
                                                 GError          **error);
GBytes     *lab_export_connection_bytes         (GListModel       *events,
                                                 guint64           connection,
                                                 LabDirection      direction,
                                                 gboolean         *complete);
gboolean    lab_export_handout                  (LabSession       *session,
                                                 GListModel       *events,
                                                 const char       *title,
                                                 const char       *notes,
                                                 GOutputStream    *out,
                                                 GCancellable     *cancellable,
                                                 GError          **error);
gint64      lab_export_pcapng                   (LabTimeline      *timeline,
                                                 GOutputStream    *stream,
                                                 GError          **error);
const char *lab_export_format_suggest_extension (LabExportFormat   format);
const char *lab_export_format_get_content_type  (LabExportFormat   format);

G_END_DECLS
