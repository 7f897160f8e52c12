/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*LabTestCondition) (gpointer data);

gboolean  lab_test_wait_until  (LabTestCondition    condition,
                                gpointer            data,
                                guint               timeout_ms);
void      lab_test_wait_at     (LabTestCondition    condition,
                                gpointer            data,
                                guint               timeout_ms,
                                const char         *what,
                                const char         *file,
                                int                 line);
/* A failed wait names its condition and the line that waited. */
#define lab_test_wait(condition, ...) \
  lab_test_wait_at ((condition), __VA_ARGS__, #condition, __FILE__, __LINE__)
void      lab_test_unref_and_wait (gpointer           object);
void      lab_test_run_for     (guint               ms);
guint     lab_test_time_scale  (void);
void      lab_test_init        (int                *argc,
                                char             ***argv);
char     *lab_test_source_path (const char         *first_element,
                                ...) G_GNUC_NULL_TERMINATED;
void      lab_test_run         (const char * const *argv,
                                const char * const *env,
                                char              **out,
                                char              **err,
                                int                *exit_status);
void      lab_test_run_without_lab_network (const char *test_path);
guint16   lab_test_free_port   (int                 type);
int       lab_test_bind_port   (int                 type,
                                guint16            *port);
int       lab_test_hold_port   (guint16            *port);
GSubprocessLauncher *lab_test_launcher_new (GSubprocessFlags flags);
void      lab_test_keep_result (GObject            *source,
                                GAsyncResult       *result,
                                gpointer            data);
void      lab_test_wait_result (GAsyncResult      **result,
                                guint               timeout_ms);

void         lab_test_drop_privilege    (gpointer          data);
/* One frame of a capture kept in tests/data. */
typedef struct {
  GBytes  *data;       /* what was captured */
  guint32  wire_len;   /* its length on the wire */
  guint64  time_ns;    /* since the epoch */
} LabTestFrame;

GPtrArray *lab_test_read_pcap  (const char         *name);

G_END_DECLS
