/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-event-private.h"
#include "lab-timeline-private.h"

/* The timeline is the one ordered record of everything the endpoints did.
 *
 * Recording costs a thread no lock: each thread writes its records into
 * chunks of its own (a recorder), numbered from one counter for the whole
 * timeline. At most about 60 times a second the main context gathers what
 * every recorder published, in the order of the numbers, and applies it to
 * the store the views read — an array of records, the oldest out first, in
 * blocks, so that the rows a view has drawn keep their places between two
 * blocks — and emits the batch as a stream for those who print it. Only
 * the main context touches the store. The bytes of data and the texts lie
 * in two arenas, bounded rings shared by every thread: the one cap on the
 * bytes a timeline keeps.
 *
 * What the records must not outgrow while the main context is busy is
 * bounded too: past twice the limit of events, a recorder gives up its
 * oldest chunk not yet read, and its records are counted as dropped. */

#define FLUSH_INTERVAL_MS  16
#define CHUNK_MAX          128
/* Texts (notes, names asked of the resolver, poll sets) are few and short:
 * a quarter of the payload's room, within bounds. */
#define TEXT_ARENA_MIN     (64 * 1024)
#define TEXT_ARENA_MAX     (4 * 1024 * 1024)
/* Chunks kept for reuse, beyond which they go back to the system. */
#define POOL_MAX           64

typedef struct _Chunk Chunk;

struct _Chunk
{
  guint      capacity;
  guint      n;              /* published: written by the owner, read by the main context */
  guint      consumed;       /* read by the main context */
  LabRecord  records[];
};

typedef struct _Recorder Recorder;

struct _Recorder
{
  gatomicrefcount  ref;
  LabTimeline     *timeline;   /* not a reference; cleared when it goes */
  guint64          timeline_id;

  /* The owner's side */
  Chunk           *tail;
  guint64          busy_low;   /* no record under this number is still being written */
  guint64          events;
  guint64          calls;
  guint64          bytes_in;
  guint64          bytes_out;
  guint64          dropped;
  gint             closed;     /* its thread is gone */

  /* Chunks filled and not yet taken by the main context, oldest first,
   * and the owner's chunk as the main context last took it: it may still
   * be reading it when it is filled */
  GMutex           lock;
  GQueue           full;
  Chunk           *reading;

  /* The main context's side: chunks taken, still to be read, and the rows
   * of the blocking calls still open, counted from the first row ever: a
   * thread makes one call at a time, so a recorder has mostly one */
  GQueue           taken;
  GArray          *open_calls;   /* OpenCall */
};

typedef struct {
  guint16  endpoint_id;
  guint16  run;
  guint16  thread;
  guint64  row;
} OpenCall;

struct _LabTimeline
{
  GObject       parent_instance;

  GMainContext *context;
  gint64        start_us;
  guint64       id;

  /* Shared by every thread */
  guint64       next_seq;      /* atomic */
  gint          flush_scheduled;
  guint         chunk_records;
  gint          chunks_out;    /* atomic: chunks filled or being filled, not yet read */
  LabArena     *payload;
  LabArena     *text;

  GMutex        lock;          /* the recorders, the pool, the names, the totals */
  GPtrArray    *recorders;
  GPtrArray    *pool;
  GHashTable   *run_names;     /* endpoint << 16 | run → name */
  GPtrArray    *old_arenas;
  LabTimelineStats totals;     /* of the recorders gone */
  GSource      *flush_source;
  guint         next_endpoint;

  /* The store: main context only */
  LabRecord    *ring;
  guint         capacity;
  guint         allocated;
  guint         head;
  guint         len;
  guint         payload_first;  /* the first stored record that may still have bytes */
  guint64       rows_base;      /* how many rows have left the store, ever */
  /* Records are ordered by the number their thread took; rows are numbered
   * from 1 without the ends of calls, and with a gap where records were
   * dropped before they were seen. */
  guint64       last_order;
  guint64       next_row_seq;
  /* A flush's own arrays, kept from one to the next: a batch is often
   * large, and alike in size to the one before */
  GPtrArray    *batch;
  GPtrArray    *batch_from;     /* the recorder of each record of the batch */
  GArray       *entries;
  GArray       *rows;
  gboolean      flushing;
  guint64       store_dropped;
  guint64       notified_dropped;
  gsize         max_payload;
};

enum {
  PROP_0,
  PROP_N_DROPPED,
  N_PROPS
};

enum {
  RECORDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabTimeline, lab_timeline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* ---- Recorders ---------------------------------------------------------- */

static Chunk *
chunk_new (LabTimeline *self)
{
  Chunk *chunk = NULL;

  g_mutex_lock (&self->lock);
  if (self->pool->len > 0)
    chunk = g_ptr_array_steal_index_fast (self->pool, self->pool->len - 1);
  g_mutex_unlock (&self->lock);

  if (chunk == NULL)
    {
      chunk = g_malloc (sizeof (Chunk) + self->chunk_records * sizeof (LabRecord));
      chunk->capacity = self->chunk_records;
    }
  chunk->n = 0;
  chunk->consumed = 0;
  g_atomic_int_inc (&self->chunks_out);
  return chunk;
}

/* Main context: a chunk read to its end. */
static void
chunk_recycle (LabTimeline *self,
               Chunk       *chunk)
{
  g_atomic_int_dec_and_test (&self->chunks_out);

  g_mutex_lock (&self->lock);
  if (self->pool->len < POOL_MAX && chunk->capacity == self->chunk_records)
    {
      g_ptr_array_add (self->pool, chunk);
      chunk = NULL;
    }
  g_mutex_unlock (&self->lock);

  g_free (chunk);
}

static Recorder *
recorder_ref (Recorder *rec)
{
  g_atomic_ref_count_inc (&rec->ref);
  return rec;
}

static void
recorder_unref (gpointer data)
{
  Recorder *rec = data;

  if (!g_atomic_ref_count_dec (&rec->ref))
    return;

  g_queue_clear_full (&rec->full, g_free);
  g_queue_clear_full (&rec->taken, g_free);
  g_array_unref (rec->open_calls);
  g_free (rec->tail);
  g_mutex_clear (&rec->lock);
  g_free (rec);
}

/* What a thread records into, timeline by timeline. */
typedef struct {
  GPtrArray *recorders;
  Recorder  *last;
} ThreadRecorders;

/* Found at every record: in the thread's own storage, for speed, and
 * registered with GLib too, so that a thread's end closes its recorders. */
static __thread ThreadRecorders *thread_recorders_fast;

static void
thread_recorders_free (gpointer data)
{
  ThreadRecorders *t = data;

  thread_recorders_fast = NULL;
  for (guint i = 0; i < t->recorders->len; i++)
    g_atomic_int_set (&((Recorder *) t->recorders->pdata[i])->closed, TRUE);
  g_ptr_array_unref (t->recorders);
  g_free (t);
}

static GPrivate thread_recorders = G_PRIVATE_INIT (thread_recorders_free);

static Recorder *
recorder_for_thread (LabTimeline *self)
{
  ThreadRecorders *t = thread_recorders_fast;
  Recorder *rec;

  if (G_LIKELY (t != NULL && t->last != NULL && t->last->timeline_id == self->id))
    return t->last;

  if (t == NULL)
    {
      t = g_new0 (ThreadRecorders, 1);
      t->recorders = g_ptr_array_new_with_free_func (recorder_unref);
      g_private_set (&thread_recorders, t);
      thread_recorders_fast = t;
    }

  for (guint i = 0; i < t->recorders->len; i++)
    {
      rec = t->recorders->pdata[i];
      if (rec->timeline_id == self->id)
        return t->last = rec;
      /* A timeline that has gone: its recorder with it. */
      if (g_atomic_pointer_get (&rec->timeline) == NULL)
        {
          if (t->last == rec)
            t->last = NULL;
          g_ptr_array_remove_index_fast (t->recorders, i--);
        }
    }

  rec = g_new0 (Recorder, 1);
  g_atomic_ref_count_init (&rec->ref);
  g_mutex_init (&rec->lock);
  rec->timeline = self;
  rec->timeline_id = self->id;
  rec->busy_low = G_MAXUINT64;
  rec->open_calls = g_array_new (FALSE, FALSE, sizeof (OpenCall));

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->recorders, recorder_ref (rec));
  g_mutex_unlock (&self->lock);

  g_ptr_array_add (t->recorders, rec);
  return t->last = rec;
}

static gboolean on_flush_timeout (gpointer data);

static void
schedule_flush (LabTimeline *self)
{
  GSource *source;

  if (g_atomic_int_get (&self->flush_scheduled) || !g_atomic_int_compare_and_exchange (&self->flush_scheduled, FALSE, TRUE))
    return;

  source = g_timeout_source_new (FLUSH_INTERVAL_MS);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[protolab] timeline flush");
  /* The source holds no reference: dispose destroys it first. */
  g_source_set_callback (source, on_flush_timeout, self, NULL);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->flush_source, g_source_unref);
  self->flush_source = source;
  g_source_attach (source, self->context);
  g_mutex_unlock (&self->lock);
}

/* The owner, when its chunk is full: it goes to the main context, and a
 * fresh one takes its place. Unless too many wait unread already: then
 * the oldest of this recorder's waiting chunks is reused, its records
 * counted as dropped; or, when it has none the main context is not
 * reading, there is no room: NULL, and the record is dropped. */
static Chunk *
recorder_next_chunk (LabTimeline *self,
                     Recorder    *rec)
{
  Chunk *full = rec->tail;
  Chunk *next = NULL;
  guint budget = MAX (2 * self->capacity / self->chunk_records, 2);
  gboolean over = (guint) g_atomic_int_get (&self->chunks_out) >= budget;

  /* The main context reads which chunk is the owner's under the lock. */
  g_mutex_lock (&rec->lock);
  if (over && !g_queue_is_empty (&rec->full) && g_queue_peek_head (&rec->full) != rec->reading)
    {
      next = g_queue_pop_head (&rec->full);
      __atomic_fetch_add (&rec->dropped, next->n - next->consumed, __ATOMIC_RELAXED);
      next->n = 0;
      next->consumed = 0;
    }
  else if (over && full != NULL)
    {
      g_mutex_unlock (&rec->lock);
      return NULL;
    }
  if (full != NULL)
    g_queue_push_tail (&rec->full, full);
  rec->tail = NULL;
  g_mutex_unlock (&rec->lock);

  if (next == NULL)
    next = chunk_new (self);

  g_mutex_lock (&rec->lock);
  rec->tail = next;
  g_mutex_unlock (&rec->lock);
  return next;
}

/**
 * lab_timeline_push: (skip)
 * @record: a record, every field set but its number
 *
 * Records it: it gets the next number, and the main context sees it at
 * the next flush. Any thread.
 */
void
lab_timeline_push (LabTimeline *self,
                   LabRecord   *record)
{
  Recorder *rec = recorder_for_thread (self);
  Chunk *chunk = rec->tail;
  guint n;

  if (chunk == NULL || chunk->n == chunk->capacity)
    chunk = recorder_next_chunk (self, rec);
  if (chunk == NULL)
    {
      /* No room: dropped, and counted, its number left as a gap. */
      record->seq = __atomic_fetch_add (&self->next_seq, 1, __ATOMIC_SEQ_CST);
      __atomic_fetch_add (&rec->dropped, 1, __ATOMIC_RELAXED);
      __atomic_store_n (&rec->events, rec->events + 1, __ATOMIC_RELAXED);
      schedule_flush (self);
      return;
    }
  n = chunk->n;

  /* What the main context may gather: nothing numbered from here on
   * until this record is published. */
  __atomic_store_n (&rec->busy_low, __atomic_load_n (&self->next_seq, __ATOMIC_SEQ_CST), __ATOMIC_SEQ_CST);
  record->seq = __atomic_fetch_add (&self->next_seq, 1, __ATOMIC_SEQ_CST);
  chunk->records[n] = *record;
  __atomic_store_n (&chunk->n, n + 1, __ATOMIC_RELEASE);
  __atomic_store_n (&rec->busy_low, G_MAXUINT64, __ATOMIC_SEQ_CST);

  /* Counted for the summary; only this thread writes them. */
  if (!lab_record_has (record, LAB_RECORD_END))
    {
      __atomic_store_n (&rec->events, rec->events + 1, __ATOMIC_RELAXED);
      if (record->kind == LAB_EVENT_CALL && !lab_record_has (record, LAB_RECORD_INSTRUMENTATION))
        __atomic_store_n (&rec->calls, rec->calls + 1, __ATOMIC_RELAXED);
      else if (record->kind == LAB_EVENT_DATA && record->sub == LAB_DIRECTION_IN)
        __atomic_store_n (&rec->bytes_in, rec->bytes_in + record->real_len, __ATOMIC_RELAXED);
      else if (record->kind == LAB_EVENT_DATA)
        __atomic_store_n (&rec->bytes_out, rec->bytes_out + record->real_len, __ATOMIC_RELAXED);
    }

  schedule_flush (self);
}

/* ---- Gathering ---------------------------------------------------------- */

/* What one recorder has to give, as the main context reads it. */
typedef struct {
  Recorder  *rec;
  Chunk     *chunk;
  GList     *link;     /* in rec->taken; NULL for the owner's own chunk */
} Cursor;

/* The next of @c's records, or %NULL when it has none yet. */

static const LabRecord *
cursor_peek (Cursor *c)
{
  while (c->chunk != NULL)
    {
      guint n = __atomic_load_n (&c->chunk->n, __ATOMIC_ACQUIRE);

      if (c->chunk->consumed < n)
        return &c->chunk->records[c->chunk->consumed];

      /* Read to its end: the next chunk taken, then the owner's own. */
      if (c->link != NULL)
        {
          c->link = c->link->next;
          c->chunk = c->link != NULL ? c->link->data : c->rec->reading;
        }
      else
        c->chunk = NULL;
    }
  return NULL;
}

/* Takes the chunks every recorder filled; returns the number under which
 * every record is published (the watermark). */
static guint64
take_chunks (LabTimeline *self,
             GPtrArray   *recorders)
{
  guint64 watermark = __atomic_load_n (&self->next_seq, __ATOMIC_SEQ_CST);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->recorders->len; i++)
    g_ptr_array_add (recorders, recorder_ref (self->recorders->pdata[i]));
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < recorders->len; i++)
    {
      Recorder *rec = recorders->pdata[i];
      guint64 low = __atomic_load_n (&rec->busy_low, __ATOMIC_SEQ_CST);

      watermark = MIN (watermark, low);

      g_mutex_lock (&rec->lock);
      while (!g_queue_is_empty (&rec->full))
        g_queue_push_tail (&rec->taken, g_queue_pop_head (&rec->full));
      rec->reading = rec->tail;
      g_mutex_unlock (&rec->lock);
    }

  return watermark;
}

/* The main context is done with what it read: chunks read to their end go
 * back, and recorders whose thread has gone and who have nothing left go. */
static void
release_chunks (LabTimeline *self,
                GPtrArray   *recorders)
{
  for (guint i = 0; i < recorders->len; i++)
    {
      Recorder *rec = recorders->pdata[i];

      g_mutex_lock (&rec->lock);
      rec->reading = NULL;
      g_mutex_unlock (&rec->lock);

      while (!g_queue_is_empty (&rec->taken))
        {
          Chunk *chunk = g_queue_peek_head (&rec->taken);

          if (chunk->consumed < chunk->n)
            break;
          chunk_recycle (self, g_queue_pop_head (&rec->taken));
        }

      if (g_atomic_int_get (&rec->closed) && g_queue_is_empty (&rec->taken) && g_queue_is_empty (&rec->full) &&
          (rec->tail == NULL || rec->tail->consumed == rec->tail->n))
        {
          g_mutex_lock (&self->lock);
          self->totals.events += rec->events;
          self->totals.calls += rec->calls;
          self->totals.bytes_in += rec->bytes_in;
          self->totals.bytes_out += rec->bytes_out;
          self->totals.dropped += __atomic_load_n (&rec->dropped, __ATOMIC_RELAXED);
          if (rec->tail != NULL)
            {
              g_atomic_int_dec_and_test (&self->chunks_out);
              g_clear_pointer (&rec->tail, g_free);
            }
          g_atomic_pointer_set (&rec->timeline, NULL);
          g_ptr_array_remove (self->recorders, rec);
          g_mutex_unlock (&self->lock);
        }
    }
}

/* The cursors as a heap, lowest next record first. */
static gboolean
cursor_before (Cursor *a,
               Cursor *b)
{
  return cursor_peek (a)->seq < cursor_peek (b)->seq;
}

static void
heap_down (Cursor **heap,
           guint    n,
           guint    i)
{
  for (;;)
    {
      guint least = i, l = 2 * i + 1, r = 2 * i + 2;
      Cursor *swap;

      if (l < n && cursor_before (heap[l], heap[least]))
        least = l;
      if (r < n && cursor_before (heap[r], heap[least]))
        least = r;
      if (least == i)
        return;
      swap = heap[i];
      heap[i] = heap[least];
      heap[least] = swap;
      i = least;
    }
}

/* Every record published under @watermark, in the order of their numbers:
 * pointers into the chunks, valid until release_chunks(). */
static void
gather (GPtrArray *recorders,
        guint64    watermark,
        GPtrArray *batch,
        GPtrArray *from_recorders)
{
  g_autofree Cursor *cursors = g_new0 (Cursor, recorders->len);
  g_autofree Cursor **heap = g_new0 (Cursor *, recorders->len);
  guint n = 0;

  for (guint i = 0; i < recorders->len; i++)
    {
      Recorder *rec = recorders->pdata[i];
      Cursor *c = &cursors[i];

      c->rec = rec;
      c->link = rec->taken.head;
      c->chunk = c->link != NULL ? c->link->data : rec->reading;
      if (cursor_peek (c) != NULL)
        heap[n++] = c;
    }
  for (guint i = n / 2; i-- > 0;)
    heap_down (heap, n, i);

  while (n > 0)
    {
      Cursor *c = heap[0];
      const LabRecord *next = cursor_peek (c);

      if (next->seq >= watermark)
        break;

      g_ptr_array_add (batch, (gpointer) next);
      g_ptr_array_add (from_recorders, c->rec);
      c->chunk->consumed++;
      if (cursor_peek (c) == NULL)
        heap[0] = heap[--n];
      heap_down (heap, n, 0);
    }
}

/* ---- The store ---------------------------------------------------------- */

static LabRecord *
ring_at (LabTimeline *self,
         guint        position)
{
  return &self->ring[(self->head + position) % self->allocated];
}

/* Room for @n more, growing the array up to the capacity. */
static void
ring_reserve (LabTimeline *self,
              guint        n)
{
  guint want = MIN (self->capacity, self->len + n);
  guint size = self->allocated;
  LabRecord *ring;

  if (want <= self->allocated)
    return;

  while (size < want)
    size = size == 0 ? MIN (self->capacity, 1024) : MIN (self->capacity, size * 2);

  ring = g_new (LabRecord, size);
  for (guint i = 0; i < self->len; i++)
    ring[i] = *ring_at (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->allocated = size;
  self->head = 0;
}

static void
ring_drop_front (LabTimeline *self,
                 guint        n)
{
  if (n == 0)
    return;
  self->head = self->allocated > 0 ? (self->head + n) % self->allocated : 0;
  self->len -= n;
  self->rows_base += n;
  self->payload_first = self->payload_first > n ? self->payload_first - n : 0;
}

/* Where the record numbered @seq is in the store, or G_MAXUINT. */
static guint
ring_find (LabTimeline *self,
           guint64      seq)
{
  guint lo = 0, hi = self->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 at = ring_at (self, mid)->seq;

      if (at == seq)
        return mid;
      if (at < seq)
        lo = mid + 1;
      else
        hi = mid;
    }

  return G_MAXUINT;
}

/* The end of a blocking call, onto the call as it began: the row keeps its
 * place and its number. */
static void
apply_end (LabRecord       *call,
           const LabRecord *end)
{
  guint64 seq = call->seq;

  *call = *end;
  call->seq = seq;
  call->flags &= ~LAB_RECORD_END;
}

static guint
open_call_find (Recorder        *rec,
                const LabRecord *record)
{
  for (guint i = 0; i < rec->open_calls->len; i++)
    {
      OpenCall *call = &g_array_index (rec->open_calls, OpenCall, i);

      if (call->thread == record->thread && call->endpoint_id == record->endpoint_id && call->run == record->run)
        return i;
    }
  return G_MAXUINT;
}

static void
open_call_add (Recorder        *rec,
               const LabRecord *record,
               guint64          row)
{
  OpenCall call = { record->endpoint_id, record->run, record->thread, row };
  guint at = open_call_find (rec, record);

  if (at != G_MAXUINT)
    g_array_index (rec->open_calls, OpenCall, at) = call;
  else
    g_array_append_val (rec->open_calls, call);
}

/* Where the call that @end ends is in the store, from @from on, or
 * G_MAXUINT: the open call of the thread that recorded it. The call is no
 * longer open once it is found there, or once it is known to be gone. */
static guint
find_open_call (LabTimeline *self,
                Recorder    *rec,
                LabRecord   *end,
                guint        from)
{
  guint at = open_call_find (rec, end);
  guint64 row;
  guint position = G_MAXUINT;

  if (at == G_MAXUINT)
    return G_MAXUINT;

  row = g_array_index (rec->open_calls, OpenCall, at).row;
  if (row >= self->rows_base && row - self->rows_base < self->len)
    {
      position = row - self->rows_base;
      /* The end carries its call's number. */
      end->seq = ring_at (self, position)->seq;
    }
  if (position == G_MAXUINT || position >= from)
    g_array_remove_index_fast (rec->open_calls, at);
  return position != G_MAXUINT && position >= from ? position : G_MAXUINT;
}

static gboolean
blob_held (LabTimeline     *self,
           const LabRecord *record)
{
  return lab_arena_holds (lab_record_blob_is_payload (record) ? self->payload : self->text, record->blob,
                          record->blob_len);
}

/* The oldest rows whose bytes the payload arena has gone past since the
 * last look. Returns the range of rows that changed. */
static gboolean
ring_forget_payload (LabTimeline *self,
                     guint       *first,
                     guint       *last)
{
  gboolean changed = FALSE;

  for (; self->payload_first < self->len; self->payload_first++)
    {
      LabRecord *record = ring_at (self, self->payload_first);

      if (!lab_record_blob_is_payload (record) || record->blob == LAB_ARENA_NONE)
        continue;
      if (blob_held (self, record))
        break;

      record->blob = LAB_ARENA_NONE;
      record->blob_len = 0;
      if (!changed)
        *first = self->payload_first;
      *last = self->payload_first;
      changed = TRUE;
    }

  return changed;
}

/* How many of the oldest go to take @added more: the whole excess, but at
 * least a block of a sixteenth of the store, so that the rows stay where
 * they are between two blocks. */
static guint
drop_count (LabTimeline *self,
            guint        added)
{
  guint block = MAX (self->capacity / 16, 1);
  guint excess;

  if (self->len + added <= self->capacity)
    return 0;

  excess = self->len + added - self->capacity;
  return MIN (self->len, MAX (excess, block));
}

/* Applies a batch to the store; @rows says, for each end of a call, the
 * row it ended (G_MAXUINT when that row is gone). */
/* Gives each record of the batch, in order, its number as a row. */
static void
number_batch (LabTimeline *self,
              GPtrArray   *batch)
{
  for (guint i = 0; i < batch->len; i++)
    {
      LabRecord *record = batch->pdata[i];

      /* Records dropped before they were seen leave their gap. */
      if (record->seq > self->last_order + 1)
        self->next_row_seq += record->seq - self->last_order - 1;
      self->last_order = record->seq;

      if (lab_record_has (record, LAB_RECORD_END))
        record->seq = 0;
      else
        record->seq = self->next_row_seq++;
    }
}

static void
store_batch (LabTimeline *self,
             GPtrArray   *batch,
             GPtrArray   *from,
             guint       *rows)
{
  guint added = 0, drop_old, drop_new, old_len, skipped = 0;
  guint changed_min = G_MAXUINT, changed_max = 0;

  for (guint i = 0; i < batch->len; i++)
    added += !lab_record_has (batch->pdata[i], LAB_RECORD_END);

  /* What goes to stay within the count: the oldest stored first, then the
   * oldest of this batch. */
  drop_old = drop_count (self, added);
  drop_new = self->len - drop_old + added > self->capacity ? self->len - drop_old + added - self->capacity : 0;
  if (drop_old > 0)
    {
      ring_drop_front (self, drop_old);
      self->store_dropped += drop_old;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, drop_old, 0);
    }
  self->store_dropped += drop_new;

  /* Blocking calls that returned: their row changes in place. */
  old_len = self->len;
  for (guint i = 0; i < batch->len; i++)
    {
      LabRecord *record = batch->pdata[i];
      guint position;

      rows[i] = G_MAXUINT;
      if (!lab_record_has (record, LAB_RECORD_END))
        continue;
      position = find_open_call (self, from->pdata[i], record, 0);
      if (position == G_MAXUINT || position >= old_len)
        continue;
      apply_end (ring_at (self, position), record);
      rows[i] = position;
      changed_min = MIN (changed_min, position);
      changed_max = MAX (changed_max, position);
    }
  if (changed_min != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), changed_min, changed_max - changed_min + 1,
                                changed_max - changed_min + 1);

  /* The new rows, and the ends of calls among them. */
  ring_reserve (self, added - drop_new);
  for (guint i = 0; i < batch->len; i++)
    {
      LabRecord *record = batch->pdata[i];

      if (lab_record_has (record, LAB_RECORD_END))
        {
          if (rows[i] == G_MAXUINT && (rows[i] = find_open_call (self, from->pdata[i], record, old_len)) != G_MAXUINT)
            apply_end (ring_at (self, rows[i]), record);
          continue;
        }
      if (skipped < drop_new)
        {
          skipped++;
          continue;
        }
      *ring_at (self, self->len) = *record;
      if (lab_record_has (record, LAB_RECORD_BLOCKING) && !lab_record_has (record, LAB_RECORD_FINISHED))
        open_call_add (from->pdata[i], record, self->rows_base + self->len);
      self->len++;
    }

  if (self->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, self->len - old_len);
}

/* Says how many were dropped when it changed, whoever dropped them. */
static void
notify_dropped (LabTimeline *self)
{
  guint64 dropped = lab_timeline_get_n_dropped (self);

  if (dropped != self->notified_dropped)
    {
      self->notified_dropped = dropped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
    }
}

/**
 * lab_timeline_flush:
 *
 * Applies everything recorded so far to the store and emits it. The main
 * context does this by itself; a caller that needs the store current at
 * once (a test, a closing summary) calls it.
 */
void
lab_timeline_flush (LabTimeline *self)
{
  g_autoptr(GPtrArray) recorders = g_ptr_array_new_with_free_func (recorder_unref);
  GPtrArray *batch = self->batch;
  guint64 watermark;
  guint first = 0, last = 0;

  g_return_if_fail (LAB_IS_TIMELINE (self));

  /* Asked again by someone the stream told: the batch in hand goes first,
   * whole, to everyone; what came since waits for the next flush. */
  if (self->flushing)
    {
      schedule_flush (self);
      return;
    }
  self->flushing = TRUE;

  /* Anything published from now on schedules the next flush. */
  g_atomic_int_set (&self->flush_scheduled, FALSE);
  g_mutex_lock (&self->lock);
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);

  watermark = take_chunks (self, recorders);
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_set_size (self->batch_from, 0);
  gather (recorders, watermark, batch, self->batch_from);

  if (batch->len > 0)
    {
      LabTimelineEntry *entries;
      guint *rows;

      g_array_set_size (self->entries, batch->len);
      g_array_set_size (self->rows, batch->len);
      entries = (LabTimelineEntry *) self->entries->data;
      rows = (guint *) self->rows->data;
      number_batch (self, batch);
      store_batch (self, batch, self->batch_from, rows);

      /* The stream carries every record whole, bytes included; the end of
       * a call as the row of the call, when it is there ... */
      for (guint i = 0; i < batch->len; i++)
        {
          entries[i].record = rows[i] != G_MAXUINT ? ring_at (self, rows[i]) : batch->pdata[i];
          entries[i].end = lab_record_has (batch->pdata[i], LAB_RECORD_END);
        }
      g_signal_emit (self, signals[RECORDED], 0, entries, batch->len);
    }

  release_chunks (self, recorders);

  /* ... and only then do the rows say which bytes are gone. */
  if (ring_forget_payload (self, &first, &last))
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);

  notify_dropped (self);

  /* A record published while this one gathered, but over the watermark. */
  if (__atomic_load_n (&self->next_seq, __ATOMIC_SEQ_CST) > watermark)
    schedule_flush (self);
  self->flushing = FALSE;
}

static gboolean
on_flush_timeout (gpointer data)
{
  lab_timeline_flush (LAB_TIMELINE (data));

  return G_SOURCE_REMOVE;
}

/* ---- The model -------------------------------------------------------------- */

static GType
lab_timeline_get_item_type (GListModel *model)
{
  return LAB_TYPE_EVENT;
}

static guint
lab_timeline_get_n_items (GListModel *model)
{
  return LAB_TIMELINE (model)->len;
}

static gpointer
lab_timeline_get_item (GListModel *model,
                       guint       position)
{
  LabTimeline *self = LAB_TIMELINE (model);

  if (position >= self->len)
    return NULL;

  return lab_timeline_dup_event (self, ring_at (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_timeline_get_item_type;
  iface->get_n_items = lab_timeline_get_n_items;
  iface->get_item = lab_timeline_get_item;
}

/**
 * lab_timeline_dup_event:
 * @record: a record of this timeline: in its store or in its stream
 *
 * Returns: (transfer full): an object for the record, for those who keep
 *   it or show it
 */
LabEvent *
lab_timeline_dup_event (LabTimeline     *self,
                        const LabRecord *record)
{
  g_return_val_if_fail (LAB_IS_TIMELINE (self), NULL);

  return lab_event_new_for_record (self, record);
}

/**
 * lab_timeline_get_record:
 *
 * Returns: (nullable): the record at @position, read in place; valid until
 *   the next flush
 */
const LabRecord *
lab_timeline_get_record (LabTimeline *self,
                         guint        position)
{
  g_return_val_if_fail (LAB_IS_TIMELINE (self), NULL);

  return position < self->len ? ring_at (self, position) : NULL;
}

/**
 * lab_timeline_find:
 *
 * Returns: where the record numbered @seq is in the store, or %G_MAXUINT
 *   when it is not there (dropped, or not yet flushed)
 */
guint
lab_timeline_find (LabTimeline *self,
                   guint64      seq)
{
  g_return_val_if_fail (LAB_IS_TIMELINE (self), G_MAXUINT);

  return ring_find (self, seq);
}

LabTimeline *
lab_timeline_new (void)
{
  return g_object_new (LAB_TYPE_TIMELINE, NULL);
}

/**
 * lab_timeline_now:
 *
 * Returns: microseconds since the timeline began. Any thread.
 */
gint64
lab_timeline_now (LabTimeline *self)
{
  return g_get_monotonic_time () - self->start_us;
}

/**
 * lab_timeline_add_endpoint:
 *
 * Returns: a new endpoint number, unique in this timeline, from 1
 */
guint
lab_timeline_add_endpoint (LabTimeline *self)
{
  guint id;

  g_mutex_lock (&self->lock);
  id = ++self->next_endpoint;
  g_mutex_unlock (&self->lock);

  return id;
}

LabArena *
lab_timeline_get_payload_arena (LabTimeline *self)
{
  return self->payload;
}

LabArena *
lab_timeline_get_text_arena (LabTimeline *self)
{
  return self->text;
}

/* Names are kept by endpoint and run: what an endpoint was called when it
 * ran, for as long as the timeline lasts. */
void
lab_timeline_set_run_name (LabTimeline *self,
                           guint        endpoint_id,
                           guint        run,
                           const char  *name)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->run_names, GUINT_TO_POINTER ((endpoint_id & 0xffff) << 16 | (run & 0xffff)),
                       g_strdup (name != NULL ? name : ""));
  g_mutex_unlock (&self->lock);
}

const char *
lab_timeline_get_run_name (LabTimeline *self,
                           guint        endpoint_id,
                           guint        run)
{
  const char *name;

  g_mutex_lock (&self->lock);
  name = g_hash_table_lookup (self->run_names, GUINT_TO_POINTER ((endpoint_id & 0xffff) << 16 | (run & 0xffff)));
  g_mutex_unlock (&self->lock);

  return name != NULL ? name : "";
}

void
lab_timeline_get_stats (LabTimeline      *self,
                        LabTimelineStats *stats)
{
  g_return_if_fail (LAB_IS_TIMELINE (self));

  g_mutex_lock (&self->lock);
  *stats = self->totals;
  for (guint i = 0; i < self->recorders->len; i++)
    {
      Recorder *rec = self->recorders->pdata[i];

      stats->events += __atomic_load_n (&rec->events, __ATOMIC_RELAXED);
      stats->calls += __atomic_load_n (&rec->calls, __ATOMIC_RELAXED);
      stats->bytes_in += __atomic_load_n (&rec->bytes_in, __ATOMIC_RELAXED);
      stats->bytes_out += __atomic_load_n (&rec->bytes_out, __ATOMIC_RELAXED);
      stats->dropped += __atomic_load_n (&rec->dropped, __ATOMIC_RELAXED);
    }
  g_mutex_unlock (&self->lock);

  stats->dropped += self->store_dropped;
}

guint64
lab_timeline_get_n_dropped (LabTimeline *self)
{
  LabTimelineStats stats;

  lab_timeline_get_stats (self, &stats);
  return stats.dropped;
}

guint
lab_timeline_get_max_events (LabTimeline *self)
{
  return self->capacity;
}

gsize
lab_timeline_get_max_payload (LabTimeline *self)
{
  return self->max_payload;
}

static gsize
text_arena_size (gsize max_payload)
{
  return CLAMP (max_payload / 4, TEXT_ARENA_MIN, TEXT_ARENA_MAX);
}

/* A new arena for a new limit, with the newest bytes of the old one. The
 * old one stays until the timeline goes: a thread may still be writing. */
static LabArena *
replace_arena (LabTimeline *self,
               LabArena    *old,
               gsize        size)
{
  LabArena *arena = lab_arena_new (size);

  lab_arena_copy_newest (arena, old);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->old_arenas, old);
  g_mutex_unlock (&self->lock);
  return arena;
}

/**
 * lab_timeline_set_limits:
 * @max_events: how many events the store keeps at most
 * @max_payload: how many bytes of data it keeps at most
 *
 * When full, the oldest events go first and are counted as dropped. Set
 * before recording: bytes recorded while the limit changes may be lost.
 */
void
lab_timeline_set_limits (LabTimeline *self,
                         guint        max_events,
                         gsize        max_payload)
{
  guint first = 0, last = 0;

  g_return_if_fail (LAB_IS_TIMELINE (self));
  g_return_if_fail (max_events > 0);

  lab_timeline_flush (self);

  if (self->len > max_events)
    {
      guint n = self->len - max_events;

      ring_drop_front (self, n);
      self->store_dropped += n;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
    }

  /* The store anew, in order, as large as it needs to be. */
  {
    guint size = MAX (self->len, MIN (max_events, 1024));
    LabRecord *ring = g_new (LabRecord, size);

    for (guint i = 0; i < self->len; i++)
      ring[i] = *ring_at (self, i);
    g_free (self->ring);
    self->ring = ring;
    self->allocated = size;
    self->head = 0;
  }
  self->capacity = max_events;
  self->chunk_records = CLAMP (max_events, 1, CHUNK_MAX);

  if (max_payload != self->max_payload)
    {
      self->payload = replace_arena (self, self->payload, max_payload);
      self->text = replace_arena (self, self->text, text_arena_size (max_payload));
      self->max_payload = max_payload;
    }

  if (ring_forget_payload (self, &first, &last))
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
  notify_dropped (self);
}

/**
 * lab_timeline_clear:
 *
 * Forgets every stored event (what is not yet flushed is flushed first).
 */
void
lab_timeline_clear (LabTimeline *self)
{
  guint n;

  g_return_if_fail (LAB_IS_TIMELINE (self));

  lab_timeline_flush (self);
  n = self->len;
  ring_drop_front (self, n);
  self->head = 0;
  self->payload_first = 0;
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

static void
lab_timeline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabTimeline *self = LAB_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_N_DROPPED:
      g_value_set_uint64 (value, lab_timeline_get_n_dropped (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timeline_dispose (GObject *object)
{
  LabTimeline *self = LAB_TIMELINE (object);

  g_mutex_lock (&self->lock);
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (lab_timeline_parent_class)->dispose (object);
}

static void
lab_timeline_finalize (GObject *object)
{
  LabTimeline *self = LAB_TIMELINE (object);

  /* Threads that recorded here keep their recorder until they look again:
   * it is marked as the timeline's no longer. */
  for (guint i = 0; i < self->recorders->len; i++)
    g_atomic_pointer_set (&((Recorder *) self->recorders->pdata[i])->timeline, NULL);
  g_ptr_array_unref (self->recorders);
  g_ptr_array_unref (self->pool);
  g_ptr_array_unref (self->old_arenas);
  g_hash_table_unref (self->run_names);
  g_ptr_array_unref (self->batch);
  g_ptr_array_unref (self->batch_from);
  g_array_unref (self->entries);
  g_array_unref (self->rows);
  lab_arena_free (self->payload);
  lab_arena_free (self->text);
  g_free (self->ring);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lab_timeline_parent_class)->finalize (object);
}

static void
lab_timeline_class_init (LabTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_timeline_get_property;
  object_class->dispose = lab_timeline_dispose;
  object_class->finalize = lab_timeline_finalize;

  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabTimeline::recorded:
   * @entries: (array length=n_entries): what was recorded since the last
   *   flush, in order; an entry with `end` set is a blocking call that
   *   returned
   *
   * Emitted in the main context after the store took a batch. The records
   * are valid while it is emitted.
   */
  signals[RECORDED] =
    g_signal_new ("recorded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
}

static void
lab_timeline_init (LabTimeline *self)
{
  static guint64 next_id;

  g_mutex_init (&self->lock);
  self->id = __atomic_add_fetch (&next_id, 1, __ATOMIC_SEQ_CST);
  self->context = g_main_context_ref_thread_default ();
  self->start_us = g_get_monotonic_time ();
  self->next_seq = 1;
  self->recorders = g_ptr_array_new_with_free_func (recorder_unref);
  self->pool = g_ptr_array_new_with_free_func (g_free);
  self->old_arenas = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_arena_free);
  self->run_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->batch = g_ptr_array_new ();
  self->batch_from = g_ptr_array_new ();
  self->entries = g_array_new (FALSE, FALSE, sizeof (LabTimelineEntry));
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));
  self->next_row_seq = 1;
  self->capacity = LAB_TIMELINE_DEFAULT_MAX_EVENTS;
  self->chunk_records = CHUNK_MAX;
  self->max_payload = LAB_TIMELINE_DEFAULT_MAX_PAYLOAD;
  self->payload = lab_arena_new (self->max_payload);
  self->text = lab_arena_new (text_arena_size (self->max_payload));
}
