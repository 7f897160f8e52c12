/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "lab-backend.h"
#include "lab-run-private.h"

/* Recording: what a run's threads write into the timeline as it happens —
 * each call (made in three steps: lab_call_new() fills it, lab_call_begin()
 * passes the step gate and shows a call that can block while it waits,
 * lab_call_end() records what it returned), the bytes that crossed, the
 * lab's notes, and the kernel watcher's states and questions. Every record
 * carries who made it (LabSource) and when, on the timeline's clock. A
 * record is written in place, then copied once into the thread's buffer:
 * nothing is allocated, nothing locked. */

static void
record_init (LabRecord       *record,
             const LabSource *src,
             LabEventKind     kind,
             guint            thread,
             LabSock         *s)
{
  lab_record_init (record, kind);
  lab_record_set (record, LAB_RECORD_GIO, src->backend == LAB_BACKEND_GIO);
  lab_record_set (record, LAB_RECORD_TRACED, src->backend == LAB_BACKEND_TRACED);
  record->endpoint_id = src->endpoint_id;
  record->run = src->generation;
  record->thread = thread;
  if (kind != LAB_EVENT_CALL || thread == 0)
    record->begin_us = lab_timeline_now (src->timeline);
  if (s != NULL)
    {
      record->fd = s->shown_fd >= 0 ? s->shown_fd : s->fd;
      record->conn = s->conn;
    }
}

/* Keeps @len bytes of @data in the timeline's arena for @record's kind. */
static void
record_blob (LabTimeline *timeline,
             LabRecord   *record,
             const void  *head,
             gsize        head_len,
             const void  *data,
             gsize        len)
{
  LabArena *arena = lab_timeline_get_arena_for (timeline, record);

  record->blob = lab_arena_write2 (arena, head, head_len, data, len);
  record->blob_len = record->blob != LAB_ARENA_NONE ? head_len + len : 0;
}

/**
 * lab_record_init_from:
 * @thread: the thread's number in its run
 *
 * A record of @src's, stamped now: for a recorder that is not a worker
 * making its own calls (the tracer, which records a traced program's).
 */
void
lab_record_init_from (LabRecord       *record,
                      const LabSource *src,
                      LabEventKind     kind,
                      guint            thread)
{
  record_init (record, src, kind, 0, NULL);
  record->thread = thread;
}

/**
 * lab_record_keep_blob:
 *
 * Keeps @len bytes for @record in the arena its kind's blobs lie in.
 */
void
lab_record_keep_blob (LabTimeline *timeline,
                      LabRecord   *record,
                      const void  *data,
                      gsize        len)
{
  record_blob (timeline, record, NULL, 0, data, len);
}

/**
 * lab_call_new:
 * @call: the call, by the name its backend's API gives it
 *
 * Returns: (transfer none): a call about to be made, the worker's own; fill
 *   its arguments, then lab_call_begin() and lab_call_end()
 */
LabRecord *
lab_call_new (LabWorker *w,
              LabSock   *s,
              LabCall    call)
{
  LabRecord *record = &w->call;
  LabOp op = lab_call_get_op (call);

  g_assert (lab_call_get_backend (call) == w->run->backend->kind);
  g_assert (!w->call_open);

  w->call_open = TRUE;
  record_init (record, &w->run->source, LAB_EVENT_CALL, w->index, s);
  /* Its time is when it begins, taken then. */
  record->op = op;
  record->call = call;
  /* A call that may wait is shown while it waits; on a non-blocking socket
   * (poll itself aside) nothing waits. */
  lab_record_set (record, LAB_RECORD_BLOCKING,
                  lab_op_can_block (op) && (s == NULL || !s->nonblocking || op == LAB_OP_POLL));

  return record;
}

/**
 * lab_call_set_address:
 *
 * The address a call is given: to bind (), to connect () or send to.
 */
void
lab_call_set_address (LabRecord      *call,
                      GSocketAddress *address)
{
  lab_addr_set (&call->address, address);
}

/**
 * lab_call_set_bytes:
 *
 * Keeps the first bytes a call sends, as its arguments show them, and how
 * many there were.
 */
void
lab_call_set_bytes (LabWorker *w,
                    LabRecord *call,
                    GBytes    *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  call->args[0] = (gint32) MIN (len, (gsize) G_MAXINT32);
  record_blob (w->run->timeline, call, NULL, 0, data, MIN (len, LAB_CALL_PREVIEW));
}

/**
 * lab_call_set_text:
 *
 * A text the call is given or carries: a name to resolve, a poll set.
 */
void
lab_call_set_text (LabWorker  *w,
                   LabRecord  *call,
                   const char *text)
{
  record_blob (w->run->timeline, call, NULL, 0, text, strlen (text));
}

/**
 * lab_call_set_resolved:
 * @host: the name that was resolved
 * @addresses: (element-type GSocketAddress): what it resolved to
 *
 * Name resolution's name and answer, together.
 */
void
lab_call_set_resolved (LabWorker  *w,
                       LabRecord  *call,
                       const char *host,
                       GPtrArray  *addresses)
{
  g_autoptr(GByteArray) blob = g_byte_array_new ();

  g_byte_array_append (blob, (const guint8 *) host, strlen (host) + 1);
  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    {
      LabAddr addr;

      lab_addr_set (&addr, addresses->pdata[i]);
      g_byte_array_append (blob, (const guint8 *) &addr, sizeof addr);
    }
  record_blob (w->run->timeline, call, NULL, 0, blob->data, blob->len);
}

/**
 * lab_call_set_poll_set:
 * @key: (array length=n): what tells one poll set from another
 * @describe: makes the text of the poll set, when it is not the last one
 *
 * A poll set's text is kept once while the set stays the same: an event
 * loop polls the same set again and again.
 */
void
lab_call_set_poll_set (LabWorker   *w,
                       LabRecord   *call,
                       const int   *key,
                       guint        n,
                       char      *(*describe) (gpointer data),
                       gpointer     data)
{
  LabArena *arena = lab_timeline_get_text_arena (w->run->timeline);
  gboolean same = w->poll_key != NULL && w->poll_key->len == n &&
                  memcmp (w->poll_key->data, key, n * sizeof (int)) == 0;

  if (!same || !lab_arena_holds (arena, w->poll_blob, w->poll_blob_len))
    {
      g_autofree char *text = describe (data);

      if (w->poll_key == NULL)
        w->poll_key = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_set_size (w->poll_key, 0);
      g_array_append_vals (w->poll_key, key, n);
      record_blob (w->run->timeline, call, NULL, 0, text, strlen (text));
      w->poll_blob = call->blob;
      w->poll_blob_len = call->blob_len;
      return;
    }

  call->blob = w->poll_blob;
  call->blob_len = w->poll_blob_len;
}

/**
 * lab_call_begin:
 *
 * Marks the moment the call is made. A call that can block is recorded now,
 * so that it is seen waiting. In step mode the call first waits to be
 * stepped.
 *
 * Returns: whether to make the call; if not (the run stopped while it was
 *   held), @call is dropped and the worker's error is `ECANCELED`
 */
gboolean
lab_call_begin (LabWorker *w,
                LabRecord *call)
{
  LabRun *run = w->run;
  LabStepGate *gate = &run->gate;

  if (G_UNLIKELY (g_atomic_int_get (&gate->set)) &&
      !lab_step_gate_pass (gate, run->timeline, call, lab_timeline_now (run->timeline)))
    {
      w->err = ECANCELED;
      w->call_open = FALSE;
      return FALSE;
    }

  call->begin_us = lab_timeline_now (run->timeline);
  w->call_begin_us = call->begin_us;

  if (lab_record_has (call, LAB_RECORD_BLOCKING))
    {
      LabRecord begin = *call;

      lab_record_set (&begin, LAB_RECORD_FINISHED, FALSE);
      lab_timeline_push (run->timeline, &begin);
    }

  return TRUE;
}

/**
 * lab_call_end:
 * @call: the call, as lab_call_new() returned it
 * @err: the errno (or LAB_ERR_FROM_EAI()) of a failure, 0 for success
 * @address: (transfer full) (nullable): an address the call returned
 *
 * Records what the call returned and keeps @err as the worker's last error.
 */
void
lab_call_end (LabWorker      *w,
              LabRecord      *call,
              gint64          result,
              int             err,
              GSocketAddress *address)
{
  w->err = err;
  w->call_open = FALSE;

  lab_record_set_duration (call, lab_timeline_now (w->run->timeline));
  call->result = result;
  call->err = err;
  if (address != NULL)
    {
      lab_addr_set (&call->address, address);
      g_object_unref (address);
    }
  /* A blocking call was recorded as it began: this is its end, the whole
   * call as it returned. */
  lab_record_set (call, LAB_RECORD_END, lab_record_has (call, LAB_RECORD_BLOCKING));
  lab_timeline_push (w->run->timeline, call);
}

/* Bytes sent that lie in the memory of the bytes last received (an echo
 * sends what it read) are the same bytes: the record points at where the
 * timeline already keeps them, if it still does, rather than copying them
 * again. */
static gboolean
record_sent_from_received (LabWorker  *w,
                           LabRecord  *record,
                           const void *data,
                           gsize       len)
{
  gsize in_len;
  const guint8 *in;
  gsize at;

  if (w->last_in == NULL || len == 0)
    return FALSE;
  in = g_bytes_get_data (w->last_in, &in_len);
  if ((const guint8 *) data < in || (const guint8 *) data >= in + in_len)
    return FALSE;
  at = (const guint8 *) data - in;
  if (len > in_len - at ||
      !lab_arena_holds (lab_timeline_get_payload_arena (w->run->timeline), w->last_in_blob + at, len))
    return FALSE;

  record->blob = w->last_in_blob + at;
  record->blob_len = len;
  return TRUE;
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
  LabRecord record;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  record_init (&record, &w->run->source, LAB_EVENT_DATA, w->index, s);
  if (conn != 0)
    record.conn = conn;
  record.sub = direction;
  /* Sent bytes are stamped from the moment their send began: the peer may
   * have received them, and recorded it, before the send returned. */
  if (direction == LAB_DIRECTION_OUT && w->call_begin_us != 0 && w->call_begin_us < record.begin_us)
    record.begin_us = w->call_begin_us;
  record.real_len = (guint32) MIN (real_len, (gsize) G_MAXUINT32);
  record.offset = lab_run_count_bytes (w->run, s, conn, direction, real_len);
  if (direction != LAB_DIRECTION_OUT || !record_sent_from_received (w, &record, data, len))
    record_blob (w->run->timeline, &record, NULL, 0, data, len);
  if (direction == LAB_DIRECTION_IN && record.blob != LAB_ARENA_NONE)
    {
      g_clear_pointer (&w->last_in, g_bytes_unref);
      w->last_in = g_bytes_ref (bytes);
      w->last_in_blob = record.blob;
    }
  if (peer != NULL)
    lab_addr_set (&record.address, peer);

  lab_timeline_push (w->run->timeline, &record);
}

/* A note of the kernel watcher, thread 0. */
void
lab_record_source_note (const LabSource *source,
                        LabSock         *s,
                        LabNote          note,
                        const char      *arg)
{
  LabRecord record;

  record_init (&record, source, LAB_EVENT_NOTE, 0, s);
  record.sub = note;
  if (arg != NULL)
    record_blob (source->timeline, &record, NULL, 0, arg, strlen (arg));

  lab_timeline_push (source->timeline, &record);
}

void
lab_record_note (LabRun     *run,
                 LabWorker  *w,
                 LabSock    *s,
                 LabNote     note,
                 const char *arg)
{
  LabRecord record;

  record_init (&record, &run->source, LAB_EVENT_NOTE, w != NULL ? w->index : 0, s);
  record.sub = note;
  if (arg != NULL)
    record_blob (run->timeline, &record, NULL, 0, arg, strlen (arg));

  lab_timeline_push (run->timeline, &record);
}

/* The kernel watcher's records are thread 0: not the program's. */
void
lab_record_state (const LabSource *source,
                  LabSock         *s,
                  LabTcpState      state,
                  LabTcpState      previous,
                  gboolean         has_queue,
                  guint            queue_len,
                  guint            queue_limit)
{
  LabRecord record;

  record_init (&record, source, LAB_EVENT_STATE, 0, s);
  record.sub = state;
  record.previous = previous;
  if (s != NULL && s->peer != NULL)
    lab_addr_set (&record.address, s->peer);
  lab_record_set (&record, LAB_RECORD_HAS_QUEUE, has_queue);
  record.queue_len = queue_len;
  record.queue_limit = queue_limit;

  lab_timeline_push (source->timeline, &record);
}

/* A sample of the kernel's TCP numbers of @s's connection, for the
 * charts: its numbers in the arena of samples, under its cap. */
void
lab_record_tcp_sample (const LabSource *source,
                       LabSock         *s,
                       const void      *sample,
                       gsize            len)
{
  LabRecord record;

  record_init (&record, source, LAB_EVENT_TCP_SAMPLE, 0, s);
  lab_record_set (&record, LAB_RECORD_INSTRUMENTATION, TRUE);
  record_blob (source->timeline, &record, NULL, 0, sample, len);
  if (record.blob == LAB_ARENA_NONE)
    return;
  lab_timeline_push (source->timeline, &record);
}

void
lab_record_instrumentation (const LabSource *source,
                            LabSock         *s,
                            LabCall          call,
                            gint64           i0,
                            gint64           i1,
                            const char      *text,
                            gint64           result)
{
  LabRecord record;

  record_init (&record, source, LAB_EVENT_CALL, 0, s);
  record.op = lab_call_get_op (call);
  record.call = call;
  lab_record_set (&record, LAB_RECORD_INSTRUMENTATION, TRUE);
  record.args[0] = (gint32) i0;
  record.args[1] = (gint32) i1;
  if (text != NULL)
    record_blob (source->timeline, &record, NULL, 0, text, strlen (text));
  record.result = result;

  lab_timeline_push (source->timeline, &record);
}
