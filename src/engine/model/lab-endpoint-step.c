/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-endpoint-private.h"

/* An endpoint's step mode and breakpoints: what its run's step gate holds,
 * and the calls held, as the window lists them. */

static void
refresh_paused (LabEndpoint *self)
{
  g_autoptr(GPtrArray) paused = NULL;

  if (self->run == NULL)
    {
      g_list_store_remove_all (self->paused);
      return;
    }

  paused = lab_step_gate_dup_held (lab_run_get_gate (self->run));
  g_list_store_splice (self->paused, 0, g_list_model_get_n_items (G_LIST_MODEL (self->paused)),
                       paused->pdata, paused->len);
}

/* The step gate of the endpoint's run says that the calls it holds
 * changed: of this run, not of one stopped before. */
void
lab_endpoint_held_changed (gpointer owner,
                           gpointer data)
{
  LabEndpoint *self = owner;

  if (self->generation == GPOINTER_TO_UINT (data))
    refresh_paused (self);
}

/**
 * lab_endpoint_get_paused:
 *
 * Returns: (transfer none): the calls held before they are made, oldest
 *   first, as events not yet in the timeline (lab_event_get_pending())
 */
GListModel *
lab_endpoint_get_paused (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), NULL);

  return G_LIST_MODEL (self->paused);
}

gboolean
lab_endpoint_get_step_mode (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  return self->step_mode;
}

static void
apply_gate (LabEndpoint *self)
{
  if (self->run != NULL)
    lab_step_gate_set (lab_run_get_gate (self->run), self->step_mode, self->breakpoints);
}

/**
 * lab_endpoint_set_step_mode:
 *
 * In step mode every call the program makes waits, before it is made, for
 * lab_endpoint_step(). Turning it off makes the calls held.
 */
void
lab_endpoint_set_step_mode (LabEndpoint *self,
                            gboolean     step_mode)
{
  g_return_if_fail (LAB_IS_ENDPOINT (self));

  step_mode = !!step_mode;
  if (self->step_mode == step_mode)
    return;
  self->step_mode = step_mode;
  apply_gate (self);
  g_object_notify (G_OBJECT (self), "step-mode");
}

gboolean
lab_endpoint_get_breakpoint (LabEndpoint *self,
                             LabOp        op)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  return (self->breakpoints & (G_GUINT64_CONSTANT (1) << op)) != 0;
}

/**
 * lab_endpoint_set_breakpoint:
 *
 * Holds every call of @op, as step mode would, even out of step mode.
 */
void
lab_endpoint_set_breakpoint (LabEndpoint *self,
                             LabOp        op,
                             gboolean     on)
{
  guint64 breakpoints;

  g_return_if_fail (LAB_IS_ENDPOINT (self));
  g_return_if_fail (op < 64);

  breakpoints = on ? self->breakpoints | (G_GUINT64_CONSTANT (1) << op)
                   : self->breakpoints & ~(G_GUINT64_CONSTANT (1) << op);
  if (breakpoints == self->breakpoints)
    return;
  self->breakpoints = breakpoints;
  apply_gate (self);
  g_object_notify (G_OBJECT (self), "breakpoints");
}

/**
 * lab_endpoint_step:
 *
 * Makes the call held longest.
 *
 * Returns: whether a call was held
 */
gboolean
lab_endpoint_step (LabEndpoint *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT (self), FALSE);

  return self->run != NULL && lab_step_gate_step (lab_run_get_gate (self->run));
}

/**
 * lab_endpoint_continue:
 *
 * Leaves step mode: the calls held are made, and the program runs on until
 * a breakpoint.
 */
void
lab_endpoint_continue (LabEndpoint *self)
{
  g_return_if_fail (LAB_IS_ENDPOINT (self));

  if (self->run != NULL)
    lab_step_gate_continue (lab_run_get_gate (self->run), self->breakpoints);
  if (self->step_mode)
    {
      self->step_mode = FALSE;
      g_object_notify (G_OBJECT (self), "step-mode");
    }
}
