/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

#include "lab-record-private.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* The step gate: where a program's calls wait to be stepped.
 *
 * Step mode runs one way: a worker about to make a call passes the gate
 * (lab_step_gate_pass()), which holds it while step mode or a breakpoint
 * says so; the gate tells its watcher on the watcher's main context that
 * what it holds changed (the endpoint, which lists the calls held; the
 * session then says so to the views); the views step or continue through
 * the endpoint, which opens the gate. Nothing is called until it is
 * stepped: a held bind () has not taken its port. A thread that must go on
 * watching others while one of them is held (the tracer of a program)
 * holds the call without waiting in the gate (lab_step_gate_hold()) and
 * asks when it may go (lab_step_gate_poll()). */

typedef struct _LabStepGate LabStepGate;
typedef struct _LabStepHold LabStepHold;

/* Called on the watcher's main context when the calls held changed. */
typedef void (*LabStepGateChanged) (gpointer owner,
                                    gpointer data);

struct _LabStepGate
{
  GMutex     lock;
  GCond      cond;
  gint       set;            /* step mode or a breakpoint is on: read first, without the lock */
  gboolean   step;
  guint64    breakpoints;    /* 1 << LabOp */
  gboolean   closed;         /* the run stops: nothing more waits */
  GQueue     held;           /* the calls held (LabStepHold), oldest first */
  gint       changes;        /* counts the changes holders wait for: atomic */
  gpointer   watch;
};

void       lab_step_gate_init     (LabStepGate        *gate);
void       lab_step_gate_clear    (LabStepGate        *gate);
void       lab_step_gate_watch    (LabStepGate        *gate,
                                   GObject            *owner,
                                   LabStepGateChanged  changed,
                                   gpointer            data);
gboolean   lab_step_gate_pass     (LabStepGate        *gate,
                                   LabTimeline        *timeline,
                                   LabRecord          *call,
                                   gint64              now);
gboolean   lab_step_gate_hold     (LabStepGate        *gate,
                                   LabTimeline        *timeline,
                                   LabRecord          *call,
                                   gint64              now,
                                   LabStepHold       **hold,
                                   gboolean           *go);
gboolean   lab_step_gate_poll     (LabStepGate        *gate,
                                   LabStepHold        *hold,
                                   gboolean           *go);
void       lab_step_gate_drop     (LabStepGate        *gate,
                                   LabStepHold        *hold);
void       lab_step_gate_wait     (LabStepGate        *gate,
                                   gint                changes,
                                   gint64              until);
void       lab_step_gate_close    (LabStepGate        *gate);
void       lab_step_gate_set      (LabStepGate        *gate,
                                   gboolean            step,
                                   guint64             breakpoints);
gboolean   lab_step_gate_step     (LabStepGate        *gate);
void       lab_step_gate_continue (LabStepGate        *gate,
                                   guint64             breakpoints);
GPtrArray *lab_step_gate_dup_held (LabStepGate        *gate);

G_END_DECLS
