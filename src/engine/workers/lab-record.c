/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>

#include "lab-backend.h"
#include "lab-run-private.h"

/* Recording: what a run's threads write into the timeline as it happens —
 * each call (made in three steps: lab_call_new() fills it, lab_call_begin()
 * passes the step gate and shows a call that can block while it waits,
 * lab_call_end() records what it returned), the bytes that crossed, the
 * lab's notes, and the kernel watcher's states and questions. Every event
 * carries who made it (LabSource) and when, on the timeline's clock. */

static LabEvent *
event_new (const LabSource *src,
           LabEventKind     kind,
           guint            thread,
           LabSock         *s)
{
  LabEvent *event = lab_event_new (kind);

  event->backend = src->backend;
  event->endpoint_id = src->endpoint_id;
  event->run = src->generation;
  event->endpoint_name = g_ref_string_acquire (src->name);
  event->thread = thread;
  event->begin_us = lab_timeline_now (src->timeline);
  event->end_us = event->begin_us;
  if (s != NULL)
    {
      event->fd = s->fd;
      event->conn = s->conn;
    }

  return event;
}

/**
 * lab_call_new:
 * @call: the call, by the name its backend's API gives it
 *
 * Returns: (transfer full): a call about to be made; fill its arguments,
 *   then lab_call_begin() and lab_call_end()
 */
LabEvent *
lab_call_new (LabWorker *w,
              LabSock   *s,
              LabCall    call)
{
  LabEvent *event = event_new (&w->run->source, LAB_EVENT_CALL, w->index, s);
  LabOp op = lab_call_get_op (call);

  g_assert (lab_call_get_backend (call) == w->run->backend->kind);

  event->op = op;
  event->call = call;
  /* A call that may wait is shown while it waits; on a non-blocking socket
   * (poll itself aside) nothing waits. */
  event->blocking = lab_op_can_block (op) && (s == NULL || !s->nonblocking || op == LAB_OP_POLL);

  return event;
}

/**
 * lab_call_begin:
 *
 * Marks the moment the call is made. A call that can block is recorded now,
 * so that it is seen waiting. In step mode the call first waits to be
 * stepped.
 *
 * Returns: whether to make the call; if not (the run stopped while it was
 *   held), @event is dropped and the worker's error is `ECANCELED`
 */
gboolean
lab_call_begin (LabWorker *w,
                LabEvent  *event)
{
  LabStepGate *gate = &w->run->gate;

  if (G_UNLIKELY (g_atomic_int_get (&gate->set)) &&
      !lab_step_gate_pass (gate, event, lab_timeline_now (w->run->timeline)))
    {
      w->err = ECANCELED;
      g_object_unref (event);
      return FALSE;
    }

  event->begin_us = lab_timeline_now (w->run->timeline);
  w->call_begin_us = event->begin_us;

  if (event->blocking)
    {
      event->finished = FALSE;
      lab_timeline_append (w->run->timeline, g_object_ref (event));
    }

  return TRUE;
}

/**
 * lab_call_end:
 * @event: (transfer full): the call, as lab_call_new() returned it
 * @err: the errno (or LAB_ERR_FROM_EAI()) of a failure, 0 for success
 * @address: (transfer full) (nullable): an address the call returned
 *
 * Records what the call returned and keeps @err as the worker's last error.
 */
void
lab_call_end (LabWorker      *w,
              LabEvent       *event,
              gint64          result,
              int             err,
              GSocketAddress *address)
{
  gint64 now = lab_timeline_now (w->run->timeline);

  w->err = err;

  if (event->blocking)
    lab_timeline_finish (w->run->timeline, event, now, result, err, address);
  else
    {
      event->end_us = now;
      event->result = result;
      event->err = err;
      event->address = address;
      lab_timeline_append (w->run->timeline, g_object_ref (event));
    }

  g_object_unref (event);
}

/**
 * lab_record_data:
 * @conn: the connection, when it is not the socket's own (a UDP peer), or 0
 * @real_len: how many bytes crossed; more than @bytes holds for a
 *   truncated datagram
 */
void
lab_record_data (LabWorker      *w,
                 LabSock        *s,
                 guint64         conn,
                 LabDirection    direction,
                 GBytes         *bytes,
                 gsize           real_len,
                 GSocketAddress *peer)
{
  LabEvent *event = event_new (&w->run->source, LAB_EVENT_DATA, w->index, s);

  if (conn != 0)
    event->conn = conn;
  event->direction = direction;
  /* Sent bytes are stamped from the moment their send began: the peer may
   * have received them, and recorded it, before the send returned. */
  if (direction == LAB_DIRECTION_OUT && w->call_begin_us != 0 && w->call_begin_us < event->begin_us)
    event->begin_us = w->call_begin_us;
  event->bytes = g_bytes_ref (bytes);
  event->real_len = real_len;
  if (peer != NULL)
    event->address = g_object_ref (peer);

  lab_timeline_append (w->run->timeline, event);
}

void
lab_record_note (LabRun     *run,
                 LabWorker  *w,
                 LabSock    *s,
                 LabNote     note,
                 const char *arg)
{
  LabEvent *event = event_new (&run->source, LAB_EVENT_NOTE, w != NULL ? w->index : 0, s);

  event->note = note;
  event->note_arg = g_strdup (arg);

  lab_timeline_append (run->timeline, event);
}

/* The kernel watcher's records are thread 0: not the program's. */
void
lab_record_state (const LabSource *source,
                  LabSock     *s,
                  LabTcpState  state,
                  LabTcpState  previous,
                  gboolean     has_queue,
                  guint        queue_len,
                  guint        queue_limit)
{
  LabEvent *event = event_new (source, LAB_EVENT_STATE, 0, s);

  event->state = state;
  event->previous = previous;
  if (s != NULL && s->peer != NULL)
    event->address = g_object_ref (s->peer);
  event->has_queue = has_queue;
  event->queue_len = queue_len;
  event->queue_limit = queue_limit;

  lab_timeline_append (source->timeline, event);
}

void
lab_record_instrumentation (const LabSource *source,
                            LabSock    *s,
                            LabCall     call,
                            gint64      i0,
                            gint64      i1,
                            const char *text,
                            gint64      result)
{
  LabEvent *event = event_new (source, LAB_EVENT_CALL, 0, s);

  event->op = lab_call_get_op (call);
  event->call = call;
  event->instrumentation = TRUE;
  event->args.i[0] = i0;
  event->args.i[1] = i1;
  event->args.text = g_strdup (text);
  event->result = result;

  lab_timeline_append (source->timeline, event);
}
