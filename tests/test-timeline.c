/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "lab-event-private.h"
#include "lab-test-utils.h"
#include "lab-timeline-private.h"

/* The timeline: any thread records, the main context sees it all at the
 * next flush, in order, within its limits, and tells its views exactly
 * what changed. */

#define WAIT_MS 10000

/* Watches a model: every items-changed must agree with get_n_items. */
typedef struct {
  guint   position;
  guint   removed;
  guint   added;
} Change;

typedef struct {
  guint   n;
  GArray *changes;
} ModelWatch;

/* Keeps every entry of the "recorded" stream, as an event. */
typedef struct {
  LabEvent *event;
  gboolean  end;
} Entry;

typedef struct {
  GArray *records;
  guint   batches;
} RecordLog;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ModelWatch *watch)
{
  Change change = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, watch->n);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, watch->n - removed + added);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (model, i);

      g_assert_nonnull (event);
    }

  watch->n = g_list_model_get_n_items (model);
  g_array_append_val (watch->changes, change);
}

static void
watch_model (ModelWatch  *watch,
             LabTimeline *timeline)
{
  watch->n = g_list_model_get_n_items (G_LIST_MODEL (timeline));
  watch->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (timeline, "items-changed", G_CALLBACK (on_items_changed), watch);
}

static void
assert_change (ModelWatch *watch,
               guint       index,
               guint       position,
               guint       removed,
               guint       added)
{
  Change *change;

  g_assert_cmpuint (index, <, watch->changes->len);
  change = &g_array_index (watch->changes, Change, index);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
}

static void
record_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->event);
}

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n,
             RecordLog        *log)
{
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      Entry copy = { lab_timeline_dup_event (timeline, entries[i].record), entries[i].end };

      g_array_append_val (log->records, copy);
    }
  log->batches++;
}

static void
log_records (RecordLog   *log,
             LabTimeline *timeline)
{
  log->records = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (log->records, record_clear);
  log->batches = 0;
  g_signal_connect (timeline, "recorded", G_CALLBACK (on_recorded), log);
}

static Entry *
record_at (RecordLog *log,
           guint      index)
{
  g_assert_cmpuint (index, <, log->records->len);
  return &g_array_index (log->records, Entry, index);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* Records as the workers write them; the test's thread records them. */
static LabRecord
new_note (guint   thread,
          guint64 index)
{
  LabRecord record;

  lab_record_init (&record, LAB_EVENT_NOTE);
  record.sub = LAB_NOTE_STARTED;
  record.thread = thread;
  record.conn = index;
  return record;
}

static LabRecord
new_data (LabTimeline  *timeline,
          LabDirection  direction,
          char          fill,
          gsize         len,
          gsize         real_len)
{
  LabRecord record;
  g_autofree char *data = g_malloc (len);

  memset (data, fill, len);
  lab_record_init (&record, LAB_EVENT_DATA);
  record.sub = direction;
  record.blob = lab_arena_write (lab_timeline_get_payload_arena (timeline), data, len);
  record.blob_len = len;
  record.real_len = real_len;
  return record;
}

static LabRecord
new_call (LabOp    op,
          guint    thread,
          gboolean blocking)
{
  LabRecord record;
  LabCall call;

  lab_record_init (&record, LAB_EVENT_CALL);
  record.op = op;
  g_assert_true (lab_op_get_call (op, LAB_BACKEND_POSIX, &call));
  record.call = call;
  record.thread = thread;
  lab_record_set (&record, LAB_RECORD_BLOCKING, blocking);
  lab_record_set (&record, LAB_RECORD_FINISHED, !blocking);
  return record;
}

/* Records @record; returns it numbered. */
static LabRecord
append (LabTimeline *timeline,
        LabRecord    record)
{
  lab_timeline_push (timeline, &record);
  return record;
}

/* Records the end of the blocking call @call, as a worker does. */
static void
finish (LabTimeline    *timeline,
        const LabRecord *call,
        gint64          end_us,
        gint64          result,
        int             err,
        GSocketAddress *address)
{
  LabRecord end = *call;

  lab_record_set (&end, LAB_RECORD_FINISHED | LAB_RECORD_END, TRUE);
  lab_record_set_duration (&end, end_us);
  end.result = result;
  end.err = err;
  if (address != NULL)
    lab_addr_set (&end.address, address);
  lab_timeline_push (timeline, &end);
}

static LabEvent *
item_at (LabTimeline *timeline,
         guint        position)
{
  LabEvent *event = g_list_model_get_item (G_LIST_MODEL (timeline), position);

  g_assert_nonnull (event);
  return event;
}

static guint64
seq_at (LabTimeline *timeline,
        guint        position)
{
  g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), position);

  g_assert_nonnull (event);
  return lab_event_get_seq (event);
}

/* The model holds exactly the events numbered @first to @last. */
static void
assert_seqs (LabTimeline *timeline,
             guint64      first,
             guint64      last)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (timeline));

  g_assert_cmpuint (n, ==, last - first + 1);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (seq_at (timeline, i), ==, first + i);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (timeline), n));
}

/* Threads start together at a gate, to append at the same time. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean open;
} Gate;

#define N_THREADS 4
#define N_PER_THREAD 5000

typedef struct {
  LabTimeline *timeline;
  Gate        *gate;
  guint        index;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  g_mutex_lock (&writer->gate->lock);
  while (!writer->gate->open)
    g_cond_wait (&writer->gate->cond, &writer->gate->lock);
  g_mutex_unlock (&writer->gate->lock);

  for (guint i = 0; i < N_PER_THREAD; i++)
    append (writer->timeline, new_note (writer->index, i));

  return NULL;
}

static gboolean
has_all_events (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == N_THREADS * N_PER_THREAD;
}

/* Threads record at once; the model shows nothing until the main context
 * flushes, then all of it, in sequence order, each thread's events in the
 * order it made them, and the stream carries each event once. */
static void
test_threads (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  GThread *threads[N_THREADS];
  Writer writers[N_THREADS];
  Gate gate = { .open = FALSE };
  guint next[N_THREADS] = { 0 };
  ModelWatch watch;
  RecordLog log;
  LabTimelineStats stats;
  guint added = 0;

  watch_model (&watch, timeline);
  log_records (&log, timeline);
  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);

  for (guint t = 0; t < N_THREADS; t++)
    {
      writers[t] = (Writer) { timeline, &gate, t };
      threads[t] = g_thread_new ("writer", writer_thread, &writers[t]);
    }
  g_mutex_lock (&gate.lock);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);

  /* All recorded, nothing shown: no flush ran yet. */
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 0);
  g_assert_cmpuint (watch.changes->len, ==, 0);
  g_assert_cmpuint (log.records->len, ==, 0);

  /* The main context flushes by itself. */
  lab_test_wait (has_all_events, timeline, WAIT_MS);

  assert_seqs (timeline, 1, N_THREADS * N_PER_THREAD);
  for (guint i = 0; i < N_THREADS * N_PER_THREAD; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), i);
      guint t = lab_event_get_thread (event);

      g_assert_cmpuint (t, <, N_THREADS);
      g_assert_cmpuint (lab_event_get_connection (event), ==, next[t]);
      next[t]++;

      /* The stream holds the same event at the same place. */
      g_assert_cmpuint (lab_event_get_seq (record_at (&log, i)->event), ==, lab_event_get_seq (event));
      g_assert_false (record_at (&log, i)->end);
    }
  for (guint t = 0; t < N_THREADS; t++)
    g_assert_cmpuint (next[t], ==, N_PER_THREAD);
  g_assert_cmpuint (log.records->len, ==, N_THREADS * N_PER_THREAD);

  /* The views were told of every event added, and of no removal. */
  for (guint i = 0; i < watch.changes->len; i++)
    {
      Change *change = &g_array_index (watch.changes, Change, i);

      g_assert_cmpuint (change->removed, ==, 0);
      added += change->added;
    }
  g_assert_cmpuint (added, ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (watch.n, ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 0);

  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* lab_timeline_flush () makes the store current at once, with no main
 * loop; a flush with nothing pending tells nobody anything. */
static void
test_flush (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  ModelWatch watch;
  RecordLog log;

  watch_model (&watch, timeline);
  log_records (&log, timeline);

  for (guint i = 0; i < 3; i++)
    append (timeline, new_note (0, i));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 0);

  lab_timeline_flush (timeline);
  assert_seqs (timeline, 1, 3);
  g_assert_cmpuint (watch.changes->len, ==, 1);
  assert_change (&watch, 0, 0, 0, 3);
  g_assert_cmpuint (log.batches, ==, 1);
  g_assert_cmpuint (log.records->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (lab_event_get_seq (record_at (&log, i)->event), ==, i + 1);

  lab_timeline_flush (timeline);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (watch.changes->len, ==, 1);
  g_assert_cmpuint (log.batches, ==, 1);

  /* Later events go after, numbered on. */
  append (timeline, new_note (0, 3));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 1, 4);
  assert_change (&watch, 1, 3, 0, 1);
  g_assert_cmpuint (log.batches, ==, 2);

  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* Over max_events the oldest go first, counted as dropped, and the views
 * are told which rows left. */
static void
test_max_events (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  ModelWatch watch;
  RecordLog log;
  guint notified = 0;

  lab_timeline_set_limits (timeline, 100, 1 << 30);
  g_assert_cmpuint (lab_timeline_get_max_events (timeline), ==, 100);
  g_assert_cmpuint (lab_timeline_get_max_payload (timeline), ==, 1 << 30);
  watch_model (&watch, timeline);
  log_records (&log, timeline);
  g_signal_connect (timeline, "notify::n-dropped", G_CALLBACK (on_notify_count), &notified);

  for (guint i = 0; i < 250; i++)
    append (timeline, new_note (0, i));
  lab_timeline_flush (timeline);

  /* The newest 100 stay. */
  assert_seqs (timeline, 151, 250);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 150);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (watch.changes->len, ==, 1);
  assert_change (&watch, 0, 0, 0, 100);

  /* The stream is in order and ends with the newest. */
  g_assert_cmpuint (log.records->len, >=, 100);
  for (guint i = 1; i < log.records->len; i++)
    g_assert_cmpuint (lab_event_get_seq (record_at (&log, i)->event), >,
                      lab_event_get_seq (record_at (&log, i - 1)->event));
  g_assert_cmpuint (lab_event_get_seq (record_at (&log, log.records->len - 1)->event), ==, 250);

  /* A full store loses its oldest rows to new ones: the ring wraps. */
  for (guint i = 0; i < 30; i++)
    append (timeline, new_note (0, 250 + i));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 181, 280);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 180);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpuint (watch.changes->len, ==, 3);
  assert_change (&watch, 1, 0, 30, 0);
  assert_change (&watch, 2, 70, 0, 30);

  /* A smaller limit drops the oldest at once, and says so. */
  lab_timeline_set_limits (timeline, 50, 1 << 30);
  assert_seqs (timeline, 231, 280);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 230);
  g_assert_cmpuint (notified, ==, 3);
  assert_change (&watch, 3, 0, 50, 0);

  /* And the smaller ring goes on in order. */
  for (guint i = 0; i < 10; i++)
    append (timeline, new_note (0, 280 + i));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 241, 290);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 240);
  g_assert_cmpuint (watch.n, ==, 50);

  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

static char
data_fill (LabTimeline *timeline,
           guint        position)
{
  g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), position);

  g_assert_nonnull (event);
  if (lab_event_get_kind (event) != LAB_EVENT_DATA)
    return '-';
  if (lab_event_get_bytes (event) == NULL)
    return 'x';
  return ((const char *) g_bytes_get_data (lab_event_get_bytes (event), NULL))[0];
}

/* Over max_payload bytes of data, the oldest events let go of their bytes
 * until the data kept fits again; the events themselves stay, and say
 * their bytes were dropped. */
static void
test_max_payload (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  ModelWatch watch;
  guint notified = 0;

  lab_timeline_set_limits (timeline, 1000, 100);
  watch_model (&watch, timeline);
  g_signal_connect (timeline, "notify::n-dropped", G_CALLBACK (on_notify_count), &notified);

  /* 150 bytes in five events: the two oldest lose theirs. */
  for (guint i = 0; i < 5; i++)
    append (timeline, new_data (timeline, i % 2 ? LAB_DIRECTION_OUT : LAB_DIRECTION_IN, '0' + i, 30, 30));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 1, 5);
  g_assert_cmpint (data_fill (timeline, 0), ==, 'x');
  g_assert_cmpint (data_fill (timeline, 1), ==, 'x');
  g_assert_cmpint (data_fill (timeline, 2), ==, '2');
  g_assert_cmpint (data_fill (timeline, 3), ==, '3');
  g_assert_cmpint (data_fill (timeline, 4), ==, '4');
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 0);
  g_assert_cmpuint (notified, ==, 0);
  assert_change (&watch, 0, 0, 0, 5);
  assert_change (&watch, 1, 0, 2, 2);

  /* 90 + 40 is over: the oldest bytes still kept go, and that is enough;
   * a note has none to give. */
  append (timeline, new_note (0, 0));
  append (timeline, new_data (timeline, LAB_DIRECTION_IN, '5', 40, 40));
  lab_timeline_flush (timeline);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 7);
  g_assert_cmpint (data_fill (timeline, 2), ==, 'x');
  g_assert_cmpint (data_fill (timeline, 3), ==, '3');
  g_assert_cmpint (data_fill (timeline, 5), ==, '-');
  g_assert_cmpint (data_fill (timeline, 6), ==, '5');
  assert_change (&watch, 2, 5, 0, 2);
  assert_change (&watch, 3, 2, 1, 1);

  /* The real size is still known when the bytes are not. */
  {
    g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), 0);

    g_assert_null (lab_event_get_bytes (event));
    g_assert_cmpuint (lab_event_get_real_length (event), ==, 30);
  }

  /* Exactly at the limit, nothing goes. */
  append (timeline, new_note (0, 1));
  lab_timeline_flush (timeline);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 8);
  g_assert_cmpint (data_fill (timeline, 3), ==, '3');
  g_assert_cmpuint (watch.changes->len, ==, 5);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 0);

  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* When the main context stalls, the pending events are trimmed too: those
 * drops are counted, and said at the next flush. */
static void
test_stalled_flush (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  guint notified = 0;

  lab_timeline_set_limits (timeline, 10, 1 << 20);
  g_signal_connect (timeline, "notify::n-dropped", G_CALLBACK (on_notify_count), &notified);

  /* Past twice the limit, what waits unread loses its oldest, a whole
   * chunk of a thread's records at a time. */
  for (guint i = 0; i < 21; i++)
    append (timeline, new_note (0, i));
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 10);
  g_assert_cmpuint (notified, ==, 0);

  lab_timeline_flush (timeline);
  assert_seqs (timeline, 12, 21);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 11);
  g_assert_cmpuint (notified, ==, 1);

  g_assert_finalize_object (timeline);
}

static gboolean
has_batches (gpointer data)
{
  RecordLog *log = data;

  return log->batches >= 2;
}

/* A blocking call is shown while it blocks; when it returns, the same row
 * is updated in place and the stream says it ended. */
static void
test_blocking_call (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  GSocketAddress *peer = g_inet_socket_address_new_from_string ("127.0.0.1", 4242);
  g_autoptr(LabEvent) item = NULL;
  LabRecord call;
  ModelWatch watch;
  RecordLog log;

  watch_model (&watch, timeline);
  log_records (&log, timeline);

  append (timeline, new_note (0, 0));
  call = append (timeline, new_call (LAB_OP_ACCEPT, 1, TRUE));
  append (timeline, new_note (0, 1));
  lab_timeline_flush (timeline);
  item = item_at (timeline, 1);
  g_assert_false (lab_event_get_finished (item));
  g_assert_cmpint (lab_event_get_end_time (item), ==, -1);
  g_assert_cmpuint (watch.changes->len, ==, 1);
  g_clear_object (&item);

  /* Its end waits for a flush, like everything else. */
  finish (timeline, &call, 1234, 7, 0, peer);
  item = item_at (timeline, 1);
  g_assert_false (lab_event_get_finished (item));
  g_clear_object (&item);
  lab_test_wait (has_batches, &log, WAIT_MS);

  item = item_at (timeline, 1);
  g_assert_cmpuint (lab_event_get_seq (item), ==, call.seq);
  g_assert_true (lab_event_get_finished (item));
  g_assert_cmpint (lab_event_get_end_time (item), ==, 1234);
  g_assert_cmpint (lab_event_get_result (item), ==, 7);
  g_assert_cmpint (lab_event_get_errno (item), ==, 0);
  g_assert_nonnull (lab_event_get_address (item));
  g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (lab_event_get_address (item))), ==, 4242);

  /* Its row changed in place, and nothing else happened to the model. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 3);
  g_assert_cmpuint (watch.changes->len, ==, 2);
  assert_change (&watch, 1, 1, 1, 1);

  /* The stream has it twice: begun, then ended, as it returned. */
  g_assert_cmpuint (log.records->len, ==, 4);
  g_assert_cmpuint (lab_event_get_seq (record_at (&log, 1)->event), ==, call.seq);
  g_assert_false (record_at (&log, 1)->end);
  g_assert_cmpuint (lab_event_get_seq (record_at (&log, 3)->event), ==, call.seq);
  g_assert_true (record_at (&log, 3)->end);
  g_assert_cmpint (lab_event_get_result (record_at (&log, 3)->event), ==, 7);

  g_clear_object (&item);
  g_object_unref (peer);
  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* Calls that return in the same flush are told as one change over their
 * rows; one that failed keeps its errno. Each thread makes its own. */
static void
test_blocking_calls_together (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  g_autoptr(LabEvent) accept = NULL;
  g_autoptr(LabEvent) recv = NULL;
  LabRecord accept_call, recv_call;
  ModelWatch watch;

  watch_model (&watch, timeline);
  append (timeline, new_note (0, 0));
  accept_call = append (timeline, new_call (LAB_OP_ACCEPT, 1, TRUE));
  append (timeline, new_note (0, 1));
  recv_call = append (timeline, new_call (LAB_OP_RECV, 2, TRUE));
  append (timeline, new_note (0, 2));
  lab_timeline_flush (timeline);

  finish (timeline, &recv_call, 20, -1, ECONNRESET, NULL);
  finish (timeline, &accept_call, 10, 5, 0, NULL);
  lab_timeline_flush (timeline);

  accept = item_at (timeline, 1);
  recv = item_at (timeline, 3);
  g_assert_true (lab_event_get_finished (accept));
  g_assert_true (lab_event_get_finished (recv));
  g_assert_cmpint (lab_event_get_result (recv), ==, -1);
  g_assert_cmpint (lab_event_get_errno (recv), ==, ECONNRESET);
  g_assert_null (lab_event_get_address (recv));
  g_assert_cmpuint (watch.changes->len, ==, 2);
  assert_change (&watch, 1, 1, 3, 3);

  g_clear_object (&accept);
  g_clear_object (&recv);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* A call that ends after its row was dropped changes no row, but its end
 * is still told in the stream, whole. */
static void
test_blocking_call_dropped (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  LabRecord call;
  LabEvent *end;
  ModelWatch watch;
  RecordLog log;

  lab_timeline_set_limits (timeline, 2, 1 << 20);
  watch_model (&watch, timeline);
  log_records (&log, timeline);

  call = append (timeline, new_call (LAB_OP_RECV, 1, TRUE));
  lab_timeline_flush (timeline);
  append (timeline, new_note (0, 0));
  append (timeline, new_note (0, 1));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 2, 3);

  finish (timeline, &call, 99, 3, 0, NULL);
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 2, 3);
  /* Added 1; dropped 1, added 2; nothing for the end. */
  g_assert_cmpuint (watch.changes->len, ==, 3);
  g_assert_cmpuint (log.batches, ==, 3);
  end = record_at (&log, log.records->len - 1)->event;
  g_assert_true (record_at (&log, log.records->len - 1)->end);
  g_assert_cmpint (lab_event_get_op (end), ==, LAB_OP_RECV);
  g_assert_true (lab_event_get_finished (end));
  g_assert_cmpint (lab_event_get_end_time (end), ==, 99);
  g_assert_cmpint (lab_event_get_result (end), ==, 3);

  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* Clearing empties the model, what was pending too, and numbering goes
 * on after it. */
static void
test_clear (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  ModelWatch watch;
  RecordLog log;

  watch_model (&watch, timeline);
  log_records (&log, timeline);

  for (guint i = 0; i < 10; i++)
    append (timeline, new_note (0, i));
  lab_timeline_flush (timeline);
  for (guint i = 0; i < 5; i++)
    append (timeline, new_note (0, 10 + i));

  lab_timeline_clear (timeline);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (timeline), 0));
  g_assert_cmpuint (watch.n, ==, 0);
  g_assert_cmpuint (watch.changes->len, ==, 3);
  assert_change (&watch, 2, 0, 15, 0);
  /* The pending five were still recorded before they went. */
  g_assert_cmpuint (log.records->len, ==, 15);
  /* Clearing is not dropping. */
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 0);

  /* Clearing an empty timeline tells nothing. */
  lab_timeline_clear (timeline);
  g_assert_cmpuint (watch.changes->len, ==, 3);

  append (timeline, new_note (0, 15));
  lab_timeline_flush (timeline);
  assert_seqs (timeline, 16, 16);

  g_array_unref (log.records);
  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

/* Stats count every event as it is recorded: calls the program made (not
 * the lab's own), and the real bytes of data each way. */
static void
test_stats (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  LabRecord instrumentation = new_call (LAB_OP_SOCK_DIAG, 0, FALSE);
  LabRecord state;
  LabTimelineStats stats;

  lab_record_set (&instrumentation, LAB_RECORD_INSTRUMENTATION, TRUE);
  lab_record_init (&state, LAB_EVENT_STATE);

  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, 0);

  append (timeline, new_call (LAB_OP_SOCKET, 1, FALSE));
  append (timeline, new_call (LAB_OP_RECV, 1, TRUE));
  append (timeline, instrumentation);
  /* A truncated datagram counts its real size. */
  append (timeline, new_data (timeline, LAB_DIRECTION_IN, 'a', 5, 10));
  append (timeline, new_data (timeline, LAB_DIRECTION_IN, 'b', 3, 3));
  append (timeline, new_data (timeline, LAB_DIRECTION_OUT, 'c', 7, 7));
  append (timeline, new_note (0, 0));
  append (timeline, state);

  /* Counted before any flush. */
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, 8);
  g_assert_cmpuint (stats.calls, ==, 2);
  g_assert_cmpuint (stats.bytes_in, ==, 13);
  g_assert_cmpuint (stats.bytes_out, ==, 7);
  g_assert_cmpuint (stats.dropped, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 0);

  lab_timeline_flush (timeline);
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, 8);
  g_assert_cmpuint (stats.calls, ==, 2);
  g_assert_cmpuint (stats.bytes_in, ==, 13);
  g_assert_cmpuint (stats.bytes_out, ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, 8);

  /* Dropped events stay counted; the dropped are counted too. */
  lab_timeline_set_limits (timeline, 2, 1 << 20);
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, 8);
  g_assert_cmpuint (stats.bytes_in, ==, 13);
  g_assert_cmpuint (stats.dropped, ==, 6);
  g_assert_cmpuint (lab_timeline_get_n_dropped (timeline), ==, 6);

  g_assert_finalize_object (timeline);
}

/* The oldest rows leave a block at a time: between two blocks, rows keep
 * their places, and a view is only told of rows added. */
static void
test_stable_positions (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  ModelWatch watch;
  guint removals = 0;

  /* 160 rows: blocks of 10. */
  lab_timeline_set_limits (timeline, 160, 1 << 20);
  for (guint i = 0; i < 160; i++)
    append (timeline, new_note (0, i));
  lab_timeline_flush (timeline);
  watch_model (&watch, timeline);

  for (guint i = 0; i < 11; i++)
    {
      append (timeline, new_note (0, 160 + i));
      lab_timeline_flush (timeline);
    }

  for (guint i = 0; i < watch.changes->len; i++)
    removals += g_array_index (watch.changes, Change, i).removed > 0;
  /* The first row over the limit took a block of ten with it; the next
   * nine filled it again; the eleventh took the next block. */
  g_assert_cmpuint (removals, ==, 2);
  assert_change (&watch, 0, 0, 10, 0);
  assert_change (&watch, 1, 150, 0, 1);
  for (guint i = 2; i < 11; i++)
    assert_change (&watch, i, 149 + i, 0, 1);
  assert_change (&watch, 11, 0, 10, 0);
  assert_change (&watch, 12, 150, 0, 1);
  assert_seqs (timeline, 21, 171);

  g_assert_finalize_object (timeline);
  g_array_unref (watch.changes);
}

#define FLOOD_THREADS 8
#define FLOOD_PER_THREAD 200000
#define FLOOD_EVENTS 20000
#define FLOOD_PAYLOAD (256 * 1024)

/* The resident memory of this process, in bytes. */
static gsize
rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

typedef struct {
  LabTimeline *timeline;
  gint         running;
  gint         next_thread;
} Flood;

/* Each event's bytes say whose they are: its thread, and its number. */
static void
fill_bytes (char    bytes[64],
            guint   thread,
            guint32 index)
{
  memset (bytes, 'a' + thread, 64);
  memcpy (bytes, &index, sizeof index);
}

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  guint thread = g_atomic_int_add (&flood->next_thread, 1);
  char bytes[64];

  for (guint i = 0; i < FLOOD_PER_THREAD; i++)
    {
      LabRecord record;

      fill_bytes (bytes, thread, i);
      lab_record_init (&record, LAB_EVENT_DATA);
      record.thread = thread;
      record.conn = i;
      record.sub = LAB_DIRECTION_IN;
      record.real_len = sizeof bytes;
      record.blob = lab_arena_write (lab_timeline_get_payload_arena (flood->timeline), bytes, sizeof bytes);
      record.blob_len = sizeof bytes;
      lab_timeline_push (flood->timeline, &record);
    }

  g_atomic_int_dec_and_test (&flood->running);
  return NULL;
}

static void
flood (LabTimeline *timeline,
       gboolean     flushing,
       gsize       *peak)
{
  GThread *threads[FLOOD_THREADS];
  Flood f = { timeline, FLOOD_THREADS, 0 };

  for (guint t = 0; t < FLOOD_THREADS; t++)
    threads[t] = g_thread_new ("flood", flood_thread, &f);

  /* The main context keeps up, or stalls until the flood is over. */
  while (flushing && g_atomic_int_get (&f.running) > 0)
    {
      lab_timeline_flush (timeline);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), <=, FLOOD_EVENTS);
      *peak = MAX (*peak, rss ());
      g_usleep (2000);
    }
  for (guint t = 0; t < FLOOD_THREADS; t++)
    g_thread_join (threads[t]);
  *peak = MAX (*peak, rss ());
  lab_timeline_flush (timeline);
}

#define RACE_ROUNDS 250
#define RACE_THREADS 8
#define RACE_PER_THREAD 2000

typedef struct {
  LabTimeline *timeline;
  gint         running;
} Race;

static gpointer
race_thread (gpointer data)
{
  Race *race = data;

  for (guint i = 0; i < RACE_PER_THREAD; i++)
    {
      append (race->timeline, new_note (0, i));
      /* As a worker does, take the timeline's lock now and then: a flush
       * may have to wait for it. */
      (void) lab_timeline_get_run_name (race->timeline, 1, 1);
    }
  g_atomic_int_dec_and_test (&race->running);
  return NULL;
}

typedef struct {
  LabTimeline *timeline;
  guint        want;
} Shown;

static gboolean
shows (gpointer data)
{
  Shown *shown = data;

  return g_list_model_get_n_items (G_LIST_MODEL (shown->timeline)) == shown->want;
}

/* The main context flushes at once while threads record: whatever a
 * thread records while a flush runs is shown by the next flush the main
 * context makes by itself, round after round, never left unshown. */
static void
test_flush_while_recording (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  Shown shown = { timeline, 0 };

  lab_timeline_set_limits (timeline, RACE_ROUNDS * RACE_THREADS * RACE_PER_THREAD, 1024 * 1024);
  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      GThread *threads[RACE_THREADS];
      Race race = { timeline, RACE_THREADS };

      for (guint t = 0; t < RACE_THREADS; t++)
        threads[t] = g_thread_new ("race", race_thread, &race);
      while (g_atomic_int_get (&race.running) > 0)
        lab_timeline_flush (timeline);
      for (guint t = 0; t < RACE_THREADS; t++)
        g_thread_join (threads[t]);

      /* No flush by hand now: the main context's own must come. */
      shown.want += RACE_THREADS * RACE_PER_THREAD;
      lab_test_wait (shows, &shown, WAIT_MS);
    }

  g_object_unref (timeline);
}

typedef struct {
  LabTimeline *timeline;
  LabTimeline *alive;    /* a weak pointer */
  gboolean     dropped;
  gboolean     checked;
} LastRef;

static gpointer
drop_last_ref (gpointer data)
{
  LastRef *last = data;

  g_object_unref (last->timeline);
  return NULL;
}

/* While the main context's flush tells what it recorded, another thread
 * lets go of the timeline's last reference, as the kernel watcher may. */
static void
on_recorded_drop (LabTimeline      *timeline,
                  LabTimelineEntry *entries,
                  guint             n_entries,
                  LastRef          *last)
{
  if (last->dropped)
    return;
  last->dropped = TRUE;
  g_thread_join (g_thread_new ("last-ref", drop_last_ref, last));
  /* The flush running holds the timeline: it is not gone under it. */
  g_assert_nonnull (last->alive);
  last->checked = TRUE;
}

static gboolean
is_gone (gpointer data)
{
  return ((LastRef *) data)->alive == NULL;
}

/* The last reference to a timeline may go on another thread while its
 * flush runs on the main context: the flush finishes with the timeline
 * whole, which goes after it. */
static void
test_last_ref_elsewhere (void)
{
  LastRef last = { lab_timeline_new (), NULL, FALSE, FALSE };

  last.alive = last.timeline;
  g_object_add_weak_pointer (G_OBJECT (last.timeline), (gpointer *) &last.alive);
  g_signal_connect (last.timeline, "recorded", G_CALLBACK (on_recorded_drop), &last);
  append (last.timeline, new_note (0, 0));

  /* The flush comes by itself: no one here holds the timeline now but the
   * reference the other thread will drop. */
  lab_test_wait (is_gone, &last, WAIT_MS);
  g_assert_true (last.checked);
}

/* With AddressSanitizer, which keeps freed memory aside for a while and
 * shadows all it maps, the resident set says nothing of the timeline: it
 * is only told there, and held to @bound in the other builds. */
static void
assert_growth_within (gsize before,
                      gsize peak,
                      gsize bound)
{
#if defined (__SANITIZE_ADDRESS__)
  (void) before;
  (void) peak;
  (void) bound;
#else
  g_assert_cmpuint (peak - MIN (peak, before), <=, bound);
#endif
}

/* Eight threads flood the timeline: what it keeps, what it holds unread,
 * and the bytes stay within its limits, whether the main context keeps
 * up or stalls; every event is counted, kept or dropped. */
static void
test_flood (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  gsize before, peak = 0;
  LabTimelineStats stats;
  /* The store, twice the store unread, the arenas, and a chunk a thread,
   * with room for the allocator's own: far below the 150 MiB the flood
   * would take unbounded. */
  gsize bound = (3 * FLOOD_EVENTS + FLOOD_THREADS * 128) * sizeof (LabRecord) + FLOOD_PAYLOAD + 64 * 1024 +
                32 * 1024 * 1024;

  lab_timeline_set_limits (timeline, FLOOD_EVENTS, FLOOD_PAYLOAD);
  before = rss ();

  flood (timeline, FALSE, &peak);
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, FLOOD_THREADS * FLOOD_PER_THREAD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (timeline)), <=, FLOOD_EVENTS);
  g_assert_cmpuint (stats.dropped + g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, stats.events);
  g_test_message ("stalled: RSS %zu → %zu bytes", before, peak);
  assert_growth_within (before, peak, bound);

  flood (timeline, TRUE, &peak);
  lab_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.events, ==, 2 * FLOOD_THREADS * FLOOD_PER_THREAD);
  g_assert_cmpuint (stats.dropped + g_list_model_get_n_items (G_LIST_MODEL (timeline)), ==, stats.events);
  g_test_message ("flushing: RSS peak %zu bytes", peak);
  assert_growth_within (before, peak, bound);

  /* The bytes an event still has are its own, whole: never another's,
   * written over them while they were read. */
  {
    guint with_bytes = 0;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (timeline)); i++)
      {
        g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), i);
        GBytes *bytes = lab_event_get_bytes (event);
        char expected[64];

        if (bytes == NULL)
          continue;
        fill_bytes (expected, lab_event_get_thread (event), (guint32) lab_event_get_connection (event));
        g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected);
        with_bytes++;
      }
    g_test_message ("%u of the events kept still have their bytes", with_bytes);
  }

  g_assert_finalize_object (timeline);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/timeline/threads", test_threads);
  g_test_add_func ("/timeline/flush", test_flush);
  g_test_add_func ("/timeline/max-events", test_max_events);
  g_test_add_func ("/timeline/max-payload", test_max_payload);
  g_test_add_func ("/timeline/stalled-flush", test_stalled_flush);
  g_test_add_func ("/timeline/blocking-call", test_blocking_call);
  g_test_add_func ("/timeline/blocking-calls-together", test_blocking_calls_together);
  g_test_add_func ("/timeline/blocking-call-dropped", test_blocking_call_dropped);
  g_test_add_func ("/timeline/clear", test_clear);
  g_test_add_func ("/timeline/stats", test_stats);
  g_test_add_func ("/timeline/stable-positions", test_stable_positions);
  g_test_add_func ("/timeline/flood", test_flood);
  g_test_add_func ("/timeline/flush-while-recording", test_flush_while_recording);
  g_test_add_func ("/timeline/last-ref-elsewhere", test_last_ref_elsewhere);

  return g_test_run ();
}
