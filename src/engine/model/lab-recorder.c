/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-recorder.h"

/* Recorders: how every thread hands its records to the timeline without a
 * lock. Each thread writes into chunks of its own (its recorder), each
 * record numbered from one counter; the main context gathers what every
 * recorder published, in the order of the numbers, up to a watermark under
 * which no record is still being written. What waits unread is bounded:
 * past twice the store's capacity, a recorder gives up its oldest chunk
 * not yet read, or, having none, the record itself; either is counted as
 * dropped, its number left as a gap. */

#define CHUNK_MAX          128
/* Chunks kept for reuse, beyond which they go back to the system. */
#define POOL_MAX           64

typedef struct _Chunk Chunk;

struct _LabRecorders
{
  guint64          id;
  guint64          next_seq;    /* atomic */
  guint            capacity;
  guint            chunk_records;
  gint             chunks_out;  /* atomic: chunks filled or being filled, not yet read */
  void           (*wake) (gpointer data);
  gpointer         wake_data;

  GMutex           lock;        /* the recorders, the pool, the totals */
  GPtrArray       *recorders;
  GPtrArray       *pool;
  LabTimelineStats totals;      /* of the recorders gone */

  /* The main context's: the recorders of the gathering in hand */
  GPtrArray       *taking;
};

struct _Chunk
{
  guint      capacity;
  guint      n;              /* published: written by the owner, read by the main context */
  guint      consumed;       /* read by the main context */
  LabRecord  records[];
};

struct _LabRecorder
{
  gatomicrefcount  ref;
  LabRecorders    *owner;      /* cleared when it goes */
  guint64          owner_id;

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


static Chunk *
chunk_new (LabRecorders *self)
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
chunk_recycle (LabRecorders *self,
               Chunk        *chunk)
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

static LabRecorder *
recorder_ref (LabRecorder *rec)
{
  g_atomic_ref_count_inc (&rec->ref);
  return rec;
}

static void
recorder_unref (gpointer data)
{
  LabRecorder *rec = data;

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
  LabRecorder *last;
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
    g_atomic_int_set (&((LabRecorder *) t->recorders->pdata[i])->closed, TRUE);
  g_ptr_array_unref (t->recorders);
  g_free (t);
}

static GPrivate thread_recorders = G_PRIVATE_INIT (thread_recorders_free);

static LabRecorder *
recorder_for_thread (LabRecorders *self)
{
  ThreadRecorders *t = thread_recorders_fast;
  LabRecorder *rec;

  if (G_LIKELY (t != NULL && t->last != NULL && t->last->owner_id == self->id))
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
      if (rec->owner_id == self->id)
        return t->last = rec;
      /* A timeline that has gone: its recorder with it. */
      if (g_atomic_pointer_get (&rec->owner) == NULL)
        {
          if (t->last == rec)
            t->last = NULL;
          g_ptr_array_remove_index_fast (t->recorders, i--);
        }
    }

  rec = g_new0 (LabRecorder, 1);
  g_atomic_ref_count_init (&rec->ref);
  g_mutex_init (&rec->lock);
  rec->owner = self;
  rec->owner_id = self->id;
  rec->busy_low = G_MAXUINT64;
  rec->open_calls = g_array_new (FALSE, FALSE, sizeof (OpenCall));

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->recorders, recorder_ref (rec));
  g_mutex_unlock (&self->lock);

  g_ptr_array_add (t->recorders, rec);
  return t->last = rec;
}

/* The owner, when its chunk is full: it goes to the main context, and a
 * fresh one takes its place. Unless too many wait unread already: then
 * the oldest of this recorder's waiting chunks is reused, its records
 * counted as dropped; or, when it has none the main context is not
 * reading, there is no room: NULL, and the record is dropped. */
static Chunk *
recorder_next_chunk (LabRecorders *self,
                     LabRecorder  *rec)
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
 * lab_recorders_push:
 * @record: a record, every field set but its number
 *
 * Hands it over: it gets the next number, and the main context gathers it
 * next time. Any thread.
 */
void
lab_recorders_push (LabRecorders *self,
                    LabRecord    *record)
{
  LabRecorder *rec = recorder_for_thread (self);
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
      self->wake (self->wake_data);
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

  self->wake (self->wake_data);
}

/* ---- Gathering: the main context ---------------------------------------- */

/* What one recorder has to give, as the main context reads it. */
typedef struct {
  LabRecorder *rec;
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
take_chunks (LabRecorders *self,
             GPtrArray    *recorders)
{
  guint64 watermark = __atomic_load_n (&self->next_seq, __ATOMIC_SEQ_CST);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->recorders->len; i++)
    g_ptr_array_add (recorders, recorder_ref (self->recorders->pdata[i]));
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < recorders->len; i++)
    {
      LabRecorder *rec = recorders->pdata[i];
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
release_chunks (LabRecorders *self,
                GPtrArray    *recorders)
{
  for (guint i = 0; i < recorders->len; i++)
    {
      LabRecorder *rec = recorders->pdata[i];

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
          g_atomic_pointer_set (&rec->owner, NULL);
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

/* Every record published under @watermark, in the order of their numbers,
 * @max at most: pointers into the chunks, valid until release_chunks().
 * Returns the number under which every record is now read. */
static guint64
merge (GPtrArray *recorders,
       guint64    watermark,
       guint      max,
       GPtrArray *batch,
       GPtrArray *from_recorders)
{
  g_autofree Cursor *cursors = g_new0 (Cursor, recorders->len);
  g_autofree Cursor **heap = g_new0 (Cursor *, recorders->len);
  guint n = 0;

  for (guint i = 0; i < recorders->len; i++)
    {
      LabRecorder *rec = recorders->pdata[i];
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
      /* The rest waits in its chunks for the next gathering. */
      if (batch->len >= max)
        return next->seq;

      g_ptr_array_add (batch, (gpointer) next);
      g_ptr_array_add (from_recorders, c->rec);
      c->chunk->consumed++;
      if (cursor_peek (c) == NULL)
        heap[0] = heap[--n];
      heap_down (heap, n, 0);
    }
  return watermark;
}


/**
 * lab_recorders_gather:
 * @max: how many records at most; the rest wait for the next gathering
 * @batch: (element-type LabRecord): filled with the records published,
 *   in the order of their numbers, read in place
 * @from: (element-type LabRecorder): the recorder of each
 *
 * The main context's turn: until lab_recorders_release(), the records of
 * @batch are its own to read and renumber.
 *
 * Returns: the number under which every record has been gathered
 */
guint64
lab_recorders_gather (LabRecorders *self,
                      guint         max,
                      GPtrArray    *batch,
                      GPtrArray    *from)
{
  guint64 watermark;

  g_assert (self->taking->len == 0);

  watermark = take_chunks (self, self->taking);
  return merge (self->taking, watermark, max, batch, from);
}

/**
 * lab_recorders_release:
 *
 * The main context is done with what it gathered.
 */
void
lab_recorders_release (LabRecorders *self)
{
  release_chunks (self, self->taking);
  g_ptr_array_set_size (self->taking, 0);
}

/**
 * lab_recorders_has_more:
 *
 * Returns: whether a record was published past @watermark, and waits
 */
gboolean
lab_recorders_has_more (LabRecorders *self,
                        guint64       watermark)
{
  return __atomic_load_n (&self->next_seq, __ATOMIC_SEQ_CST) > watermark;
}

/**
 * lab_recorders_add_stats:
 *
 * Adds what every recorder counted, those gone included, to @stats.
 */
void
lab_recorders_add_stats (LabRecorders     *self,
                         LabTimelineStats *stats)
{
  g_mutex_lock (&self->lock);
  stats->events += self->totals.events;
  stats->calls += self->totals.calls;
  stats->bytes_in += self->totals.bytes_in;
  stats->bytes_out += self->totals.bytes_out;
  stats->dropped += self->totals.dropped;
  for (guint i = 0; i < self->recorders->len; i++)
    {
      LabRecorder *rec = self->recorders->pdata[i];

      stats->events += __atomic_load_n (&rec->events, __ATOMIC_RELAXED);
      stats->calls += __atomic_load_n (&rec->calls, __ATOMIC_RELAXED);
      stats->bytes_in += __atomic_load_n (&rec->bytes_in, __ATOMIC_RELAXED);
      stats->bytes_out += __atomic_load_n (&rec->bytes_out, __ATOMIC_RELAXED);
      stats->dropped += __atomic_load_n (&rec->dropped, __ATOMIC_RELAXED);
    }
  g_mutex_unlock (&self->lock);
}

/* ---- Open calls: the main context ---------------------------------------- */

static guint
open_call_find (LabRecorder     *rec,
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
open_call_add (LabRecorder     *rec,
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


/**
 * lab_recorder_get_open_call:
 * @record: the end of a call
 *
 * Returns: whether the thread that recorded @record has a blocking call
 *   open; @row is its row, counted from the first the store ever had
 */
gboolean
lab_recorder_get_open_call (LabRecorder     *rec,
                            const LabRecord *record,
                            guint64         *row)
{
  guint at = open_call_find (rec, record);

  if (at == G_MAXUINT)
    return FALSE;
  *row = g_array_index (rec->open_calls, OpenCall, at).row;
  return TRUE;
}

void
lab_recorder_set_open_call (LabRecorder     *rec,
                            const LabRecord *record,
                            guint64          row)
{
  open_call_add (rec, record, row);
}

void
lab_recorder_clear_open_call (LabRecorder     *rec,
                              const LabRecord *record)
{
  guint at = open_call_find (rec, record);

  if (at != G_MAXUINT)
    g_array_remove_index_fast (rec->open_calls, at);
}

/* ---- Life ------------------------------------------------------------------ */

/**
 * lab_recorders_new:
 * @wake: called, from any thread, when a record is published: the main
 *   context is to gather soon
 */
LabRecorders *
lab_recorders_new (void     (*wake) (gpointer data),
                   gpointer   data)
{
  static guint64 next_id;
  LabRecorders *self = g_new0 (LabRecorders, 1);

  g_mutex_init (&self->lock);
  self->id = __atomic_add_fetch (&next_id, 1, __ATOMIC_SEQ_CST);
  self->next_seq = 1;
  self->recorders = g_ptr_array_new_with_free_func (recorder_unref);
  self->pool = g_ptr_array_new_with_free_func (g_free);
  self->taking = g_ptr_array_new_with_free_func (recorder_unref);
  self->wake = wake;
  self->wake_data = data;
  lab_recorders_set_capacity (self, LAB_TIMELINE_DEFAULT_MAX_EVENTS);
  return self;
}

/**
 * lab_recorders_set_capacity:
 * @max_events: how many the store keeps: twice as many may wait unread
 *
 * Set before recording: chunks made for another capacity are not reused.
 */
void
lab_recorders_set_capacity (LabRecorders *self,
                            guint         max_events)
{
  self->capacity = max_events;
  self->chunk_records = CLAMP (max_events, 1, CHUNK_MAX);
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->pool, 0);
  g_mutex_unlock (&self->lock);
}

void
lab_recorders_free (LabRecorders *self)
{
  /* Threads that recorded here keep their recorder until they look again:
   * it is marked as no longer of these. */
  for (guint i = 0; i < self->recorders->len; i++)
    g_atomic_pointer_set (&((LabRecorder *) self->recorders->pdata[i])->owner, NULL);
  g_ptr_array_unref (self->recorders);
  g_ptr_array_unref (self->pool);
  g_ptr_array_unref (self->taking);
  g_mutex_clear (&self->lock);
  g_free (self);
}
