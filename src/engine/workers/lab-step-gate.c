/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-event-private.h"
#include "lab-step-gate.h"

/* One call held at the gate. */
struct _LabStepHold {
  LabEvent *preview;
  gboolean  released;
  LabOp     op;
};
typedef LabStepHold Held;

/* Tells the gate's owner, on its own main context, that what the gate holds
 * changed; the workers call it, from their threads. */
typedef struct {
  gatomicrefcount     ref;
  GWeakRef            owner;
  GMainContext       *context;
  LabStepGateChanged  changed;
  gpointer            data;
  gint                scheduled;
} Watch;

static Watch *
watch_ref (Watch *watch)
{
  g_atomic_ref_count_inc (&watch->ref);
  return watch;
}

static void
watch_unref (gpointer data)
{
  Watch *watch = data;

  if (watch == NULL || !g_atomic_ref_count_dec (&watch->ref))
    return;
  g_weak_ref_clear (&watch->owner);
  g_main_context_unref (watch->context);
  g_free (watch);
}

static gboolean
on_changed (gpointer data)
{
  Watch *watch = data;
  g_autoptr(GObject) owner = g_weak_ref_get (&watch->owner);

  g_atomic_int_set (&watch->scheduled, FALSE);
  if (owner != NULL)
    watch->changed (owner, watch->data);

  return G_SOURCE_REMOVE;
}

static void
notify_changed (LabStepGate *gate)
{
  Watch *watch = gate->watch;

  /* Always through the owner's main loop, even when it is this thread's:
   * g_main_context_invoke () would run it right here when the loop is
   * idle, under the worker's feet. */
  if (watch != NULL && g_atomic_int_compare_and_exchange (&watch->scheduled, FALSE, TRUE))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, on_changed, watch_ref (watch), watch_unref);
      g_source_set_static_name (source, "[protolab] calls held");
      g_source_attach (source, watch->context);
      g_source_unref (source);
    }
}

void
lab_step_gate_init (LabStepGate *gate)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  g_queue_init (&gate->held);
}

void
lab_step_gate_clear (LabStepGate *gate)
{
  g_assert (g_queue_is_empty (&gate->held));

  g_clear_pointer (&gate->watch, watch_unref);
  g_cond_clear (&gate->cond);
  g_mutex_clear (&gate->lock);
}

/**
 * lab_step_gate_watch:
 * @owner: told of changes for as long as it lives; a weak reference is kept
 * @changed: called on the main context of the calling thread whenever the
 *   calls held change
 *
 * Set once, before any worker passes the gate.
 */
void
lab_step_gate_watch (LabStepGate        *gate,
                     GObject            *owner,
                     LabStepGateChanged  changed,
                     gpointer            data)
{
  Watch *watch = g_new0 (Watch, 1);

  g_assert (gate->watch == NULL);

  g_atomic_ref_count_init (&watch->ref);
  g_weak_ref_init (&watch->owner, owner);
  watch->context = g_main_context_ref_thread_default ();
  watch->changed = changed;
  watch->data = data;
  gate->watch = watch;
}

/* Called with the lock held. */
static gboolean
must_hold (LabStepGate *gate,
           LabOp        op)
{
  return gate->step || (gate->breakpoints & (G_GUINT64_CONSTANT (1) << op)) != 0;
}

/* Called with the lock held: something a holder waits for changed. */
static void
broadcast (LabStepGate *gate)
{
  g_atomic_int_inc (&gate->changes);
  g_cond_broadcast (&gate->cond);
}

/**
 * lab_step_gate_hold:
 * @timeline: where @call is recorded
 * @call: a call about to be made, its arguments filled
 * @now: the timeline's time, for the call held
 * @hold: (out): where the call is held, when it is
 * @go: (out): when it is not held, whether to make it
 *
 * The gate's way for a thread that cannot wait in it: one that watches
 * other threads too (the tracer of a program). A worker asks only when the
 * gate is set (LabStepGate.set).
 *
 * Returns: whether the call is held: then lab_step_gate_poll() says when
 *   it may go, and lab_step_gate_wait() waits for a change
 */
gboolean
lab_step_gate_hold (LabStepGate  *gate,
                    LabTimeline  *timeline,
                    LabRecord    *call,
                    gint64        now,
                    LabStepHold **hold,
                    gboolean     *go)
{
  Held *held;

  *hold = NULL;
  g_mutex_lock (&gate->lock);
  if (!must_hold (gate, call->op) || gate->closed)
    {
      *go = !gate->closed || !must_hold (gate, call->op) || call->op == LAB_OP_CLOSE;
      g_mutex_unlock (&gate->lock);
      return FALSE;
    }
  held = g_new0 (Held, 1);
  held->op = call->op;
  {
    LabRecord pending = *call;

    lab_record_set (&pending, LAB_RECORD_PENDING, TRUE);
    lab_record_set (&pending, LAB_RECORD_FINISHED, FALSE);
    pending.begin_us = now;
    held->preview = lab_event_new_for_record (timeline, &pending);
  }
  g_queue_push_tail (&gate->held, held);
  g_mutex_unlock (&gate->lock);

  notify_changed (gate);
  *hold = held;
  return TRUE;
}

/* Called with the lock held. */
static void
unhold (LabStepGate *gate,
        Held        *held)
{
  g_queue_remove (&gate->held, held);
  g_clear_object (&held->preview);
  g_free (held);
}

/**
 * lab_step_gate_poll:
 * @hold: (transfer full): a call held (lab_step_gate_hold())
 * @go: (out): when it is let go, whether to make it: not when the run
 *   stops first, except a close, which gives back what the program holds
 *
 * Returns: whether it was let go; then @hold is freed
 */
gboolean
lab_step_gate_poll (LabStepGate *gate,
                    LabStepHold *hold,
                    gboolean    *go)
{
  gboolean done;

  g_mutex_lock (&gate->lock);
  done = hold->released || gate->closed;
  if (done)
    {
      *go = hold->released || hold->op == LAB_OP_CLOSE;
      unhold (gate, hold);
    }
  g_mutex_unlock (&gate->lock);

  if (done)
    notify_changed (gate);
  return done;
}

/**
 * lab_step_gate_drop:
 * @hold: (transfer full): a call held whose thread is gone
 */
void
lab_step_gate_drop (LabStepGate *gate,
                    LabStepHold *hold)
{
  g_mutex_lock (&gate->lock);
  unhold (gate, hold);
  g_mutex_unlock (&gate->lock);
  notify_changed (gate);
}

/**
 * lab_step_gate_wait:
 * @changes: LabStepGate.changes as the holder read it (g_atomic_int_get())
 *   before it last looked: a change since then is not waited for
 * @until: the monotonic time to wait until at most
 *
 * Waits for a call held to be let go, or the gate to close.
 */
void
lab_step_gate_wait (LabStepGate *gate,
                    gint         changes,
                    gint64       until)
{
  g_mutex_lock (&gate->lock);
  while (g_atomic_int_get (&gate->changes) == changes && g_cond_wait_until (&gate->cond, &gate->lock, until))
    ;
  g_mutex_unlock (&gate->lock);
}

/**
 * lab_step_gate_pass:
 * @timeline: where @call is recorded
 * @call: a call about to be made, its arguments filled
 * @now: the timeline's time, for the call held
 *
 * Holds @call until it is stepped, when step mode or a breakpoint says so.
 * A worker asks only when the gate is set (LabStepGate.set).
 *
 * Returns: whether to make the call: not when the run stops first, except
 *   a close, which gives back what the program holds
 */
gboolean
lab_step_gate_pass (LabStepGate *gate,
                    LabTimeline *timeline,
                    LabRecord   *call,
                    gint64       now)
{
  LabStepHold *hold;
  gboolean go = FALSE;

  if (!lab_step_gate_hold (gate, timeline, call, now, &hold, &go))
    return go;
  for (;;)
    {
      gint changes = g_atomic_int_get (&gate->changes);

      if (lab_step_gate_poll (gate, hold, &go))
        return go;
      lab_step_gate_wait (gate, changes, G_MAXINT64);
    }
}

/**
 * lab_step_gate_close:
 *
 * The run stops: the calls held are not made (but a close), and none is
 * held from now on.
 */
void
lab_step_gate_close (LabStepGate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->closed = TRUE;
  broadcast (gate);
  g_mutex_unlock (&gate->lock);
}

/**
 * lab_step_gate_set:
 * @step: hold every call of the program until it is stepped
 * @breakpoints: the operations to hold even out of step mode, a bit each
 *   (`1 << LabOp`)
 *
 * Calls held that no longer need to be are made at once.
 */
void
lab_step_gate_set (LabStepGate *gate,
                   gboolean     step,
                   guint64      breakpoints)
{
  g_mutex_lock (&gate->lock);
  gate->step = step;
  gate->breakpoints = breakpoints;
  g_atomic_int_set (&gate->set, step || breakpoints != 0);
  for (GList *l = gate->held.head; l != NULL; l = l->next)
    {
      Held *held = l->data;

      if (!must_hold (gate, held->op))
        held->released = TRUE;
    }
  broadcast (gate);
  g_mutex_unlock (&gate->lock);
}

/**
 * lab_step_gate_step:
 *
 * Makes the call held longest.
 *
 * Returns: whether a call was held
 */
gboolean
lab_step_gate_step (LabStepGate *gate)
{
  gboolean stepped = FALSE;

  g_mutex_lock (&gate->lock);
  for (GList *l = gate->held.head; l != NULL && !stepped; l = l->next)
    {
      Held *held = l->data;

      if (!held->released)
        stepped = held->released = TRUE;
    }
  broadcast (gate);
  g_mutex_unlock (&gate->lock);

  return stepped;
}

/**
 * lab_step_gate_continue:
 * @breakpoints: the operations to hold from now on
 *
 * Leaves step mode: every call held now is made, and the next ones are held
 * only at @breakpoints. Done at once, so a call that reaches a breakpoint
 * just after is held there and not let through with the others.
 */
void
lab_step_gate_continue (LabStepGate *gate,
                        guint64      breakpoints)
{
  g_mutex_lock (&gate->lock);
  gate->step = FALSE;
  gate->breakpoints = breakpoints;
  g_atomic_int_set (&gate->set, breakpoints != 0);
  for (GList *l = gate->held.head; l != NULL; l = l->next)
    ((Held *) l->data)->released = TRUE;
  broadcast (gate);
  g_mutex_unlock (&gate->lock);
}

/**
 * lab_step_gate_dup_held:
 *
 * Returns: (transfer full) (element-type LabEvent): the calls held, as
 *   previews (lab_event_get_pending()), the oldest first
 */
GPtrArray *
lab_step_gate_dup_held (LabStepGate *gate)
{
  GPtrArray *calls = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&gate->lock);
  for (GList *l = gate->held.head; l != NULL; l = l->next)
    {
      Held *held = l->data;

      if (!held->released)
        g_ptr_array_add (calls, g_object_ref (held->preview));
    }
  g_mutex_unlock (&gate->lock);

  return calls;
}
