/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lines of an experiment file, for the reader (lab-experiment-reader.c):
 * where each group and key is, and its messages, each naming its line. */

typedef struct {
  GHashTable *groups;  /* group → line */
  GHashTable *keys;    /* "group\nkey" → line */
} LabLines;

gboolean lab_lines_scan     (const char  *data,
                             gsize        length,
                             LabLines    *lines,
                             GError     **error);
void     lab_lines_clear    (LabLines    *lines);
guint    lab_lines_of_group (LabLines    *lines,
                             const char  *group);
guint    lab_lines_of_key   (LabLines    *lines,
                             const char  *group,
                             const char  *key);
guint    lab_line_refused   (const char  *data,
                             gsize        length);

void     lab_line_error     (GError     **error,
                             guint        line,
                             const char  *format,
                             ...) G_GNUC_PRINTF (3, 4);
void     lab_line_warning   (GPtrArray   *warnings,
                             const char  *format,
                             ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
