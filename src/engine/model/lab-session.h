/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-endpoint.h"
#include "lab-experiment.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSION (lab_session_get_type ())

G_DECLARE_FINAL_TYPE (LabSession, lab_session, LAB, SESSION, GObject)

/* The bench: the endpoints a class works with, and the one timeline they
 * all record in. It belongs to the application, not to a window, so that
 * a window can be rebuilt while endpoints run. */

LabSession  *lab_session_new           (void);
LabTimeline *lab_session_get_timeline  (LabSession      *self);
GListModel  *lab_session_get_endpoints (LabSession      *self);
LabEndpoint *lab_session_add           (LabSession      *self,
                                        LabEndpointKind  kind);
gboolean     lab_session_is_full       (LabSession      *self);
void         lab_session_remove        (LabSession      *self,
                                        LabEndpoint     *endpoint);
LabEndpoint *lab_session_find          (LabSession      *self,
                                        guint            id);
void         lab_session_stop_all      (LabSession      *self);

gboolean     lab_session_get_step_mode  (LabSession      *self);
void         lab_session_set_step_mode  (LabSession      *self,
                                         gboolean         step_mode);
gboolean     lab_session_get_breakpoint (LabSession      *self,
                                         LabOp            op);
void         lab_session_set_breakpoint (LabSession      *self,
                                         LabOp            op,
                                         gboolean         on);
LabEvent    *lab_session_get_held       (LabSession      *self,
                                         LabEndpoint    **endpoint);
LabEndpoint *lab_session_step           (LabSession      *self);
void         lab_session_continue       (LabSession      *self);

void         lab_session_load           (LabSession      *self,
                                         LabExperiment   *experiment);
LabExperiment *lab_session_dup_experiment (LabSession    *self);
const char  *lab_session_get_title      (LabSession      *self);
const char  *lab_session_get_notes      (LabSession      *self);
const char * const *lab_session_get_steps (LabSession    *self);
gboolean     lab_session_get_modified   (LabSession      *self);
void         lab_session_update_modified (LabSession     *self);
void         lab_session_set_saved      (LabSession      *self,
                                         LabExperiment   *experiment);
guint        lab_session_count_active   (LabSession      *self);
void         lab_session_play           (LabSession      *self);
void         lab_session_play_programs  (LabSession      *self);
GStrv        lab_session_dup_play_commands (LabSession  *self);
void         lab_session_set_thread_niceness (int         niceness);
gboolean     lab_session_is_playing     (LabSession      *self);
gboolean     lab_session_is_settling    (LabSession      *self);
GStrv        lab_session_dup_play_notes (LabSession      *self);
char        *lab_session_dup_not_started (LabSession     *self,
                                          LabEndpoint    *endpoint);

G_END_DECLS
