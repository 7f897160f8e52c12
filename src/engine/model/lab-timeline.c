/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-event-private.h"
#include "lab-timeline-store-private.h"

/* The timeline is the one ordered record of everything the endpoints did.
 *
 * Recording costs a thread no lock: each thread writes its records into
 * chunks of its own (lab-recorder.c), numbered from one counter for the
 * whole timeline. At most about 60 times a second the main context gathers
 * what every recorder published, in the order of the numbers, applies it to
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
/* What one turn of the main context may spend on a flood, and in slices of
 * how many records it looks at the clock. */
#define FLUSH_BUDGET_US    (6 * G_TIME_SPAN_MILLISECOND)
#define FLUSH_SLICE        1024
/* A window that draws without pause (large text drawn without a GPU)
 * keeps a flush below its drawing from ever running: by then, one runs
 * ahead of it, its few milliseconds at most, so that the timeline and
 * the charts stay this close behind what happened. */
#define FLUSH_GUARD_MS     100
/* Texts (notes, names asked of the resolver, poll sets) are few and short:
 * a quarter of the payload's room, within bounds. */
#define TEXT_ARENA_MIN     (64 * 1024)
#define TEXT_ARENA_MAX     (4 * 1024 * 1024)
/* The TCP samples the charts draw: some thousands, each connection's
 * newest, however many bytes cross meanwhile */
#define SAMPLE_ARENA_SIZE  (512 * 1024)

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

static void schedule_flush (LabTimeline *self,
                            guint        interval_ms);

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

/* The flush's sources go: called with the lock held. */
static void
clear_sources_locked (LabTimeline *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  if (self->flush_guard != NULL)
    {
      g_source_destroy (self->flush_guard);
      g_clear_pointer (&self->flush_guard, g_source_unref);
    }
}

/* Applies at most @max records to the store and emits them. Returns
 * whether more wait. */
static gboolean
flush_batch (LabTimeline *self,
             guint        max)
{
  GPtrArray *batch = self->batch;
  guint64 watermark;
  guint first = 0, last = 0;

  g_ptr_array_set_size (batch, 0);
  g_ptr_array_set_size (self->batch_from, 0);
  watermark = lab_recorders_gather (self->recorders, max, batch, self->batch_from);

  if (batch->len > 0)
    {
      LabTimelineEntry *entries;
      guint *rows;

      g_array_set_size (self->entries, batch->len);
      g_array_set_size (self->rows, batch->len);
      entries = (LabTimelineEntry *) (void *) self->entries->data;
      rows = (guint *) (void *) self->rows->data;
      lab_store_number_batch (self, batch);
      lab_store_batch (self, batch, self->batch_from, rows);

      /* The stream carries every record whole, bytes included; the end of
       * a call as the row of the call, when it is there ... */
      for (guint i = 0; i < batch->len; i++)
        {
          entries[i].record = rows[i] != G_MAXUINT ? lab_store_at (self, rows[i]) : batch->pdata[i];
          entries[i].end = lab_record_has (batch->pdata[i], LAB_RECORD_END);
        }
      g_signal_emit (self, signals[RECORDED], 0, entries, batch->len);
    }

  lab_recorders_release (self->recorders);

  /* ... and only then do the rows say which bytes are gone. */
  if (lab_store_forget_payload (self, &first, &last))
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);

  notify_dropped (self);

  /* A record published while this one gathered, or left for the next. */
  return lab_recorders_has_more (self->recorders, watermark);
}

/* Whether a flush may begin: asked again by someone the stream told, the
 * batch in hand goes first, whole, to everyone; what came since waits for
 * the next flush. */
static gboolean
begin_flush (LabTimeline *self)
{
  if (self->flushing)
    {
      schedule_flush (self, FLUSH_INTERVAL_MS);
      return FALSE;
    }
  self->flushing = TRUE;

  /* Anything published from now on schedules the next flush. The source
   * goes and the flag falls together, under the lock: a worker that set
   * the flag in between attaches its source after, never to have it
   * destroyed here with the flag left up and nothing to flush again. */
  g_mutex_lock (&self->lock);
  clear_sources_locked (self);
  g_atomic_int_set (&self->flush_scheduled, FALSE);
  g_mutex_unlock (&self->lock);
  return TRUE;
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
  g_return_if_fail (LAB_IS_TIMELINE (self));

  if (!begin_flush (self))
    return;
  if (flush_batch (self, G_MAXUINT))
    schedule_flush (self, FLUSH_INTERVAL_MS);
  self->flushing = FALSE;
}

/* The main context's own flush: slices of records for a few milliseconds
 * at most, so that however many wait, what else it has to do (draw, take
 * a click, fire a timer) waits no longer; the rest goes on at once after
 * it. */
static void
flush_for_a_while (LabTimeline *self)
{
  gint64 until = g_get_monotonic_time () + FLUSH_BUDGET_US;
  gboolean more;

  if (!self->shared)
    {
      lab_timeline_flush (self);
      return;
    }
  if (!begin_flush (self))
    return;
  do
    more = flush_batch (self, FLUSH_SLICE);
  while (more && g_get_monotonic_time () < until);
  if (more)
    {
      g_atomic_int_set (&self->flush_scheduled, FALSE);
      schedule_flush (self, 0);
    }
  self->flushing = FALSE;
}

static gboolean on_flush_timeout (gpointer data);

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* A source for the flush, in @interval_ms, at @priority. It holds no
 * reference, only a weak one: dispose destroys it, but the last reference
 * may go on another thread (the kernel watcher's) while the main context
 * is already running it. */
static GSource *
flush_source_new (LabTimeline *self,
                  guint        interval_ms,
                  int          priority)
{
  GSource *source = g_timeout_source_new (interval_ms);
  GWeakRef *weak = g_new (GWeakRef, 1);

  g_source_set_priority (source, priority);
  g_source_set_static_name (source, "[protolab] timeline flush");
  g_weak_ref_init (weak, self);
  g_source_set_callback (source, on_flush_timeout, weak, free_weak_ref);
  return source;
}

static void
schedule_flush (LabTimeline *self,
                guint        interval_ms)
{
  GSource *source, *guard = NULL;

  if (g_atomic_int_get (&self->flush_scheduled) ||
      !g_atomic_int_compare_and_exchange (&self->flush_scheduled, FALSE, TRUE))
    return;

  source = flush_source_new (self, interval_ms, g_atomic_int_get (&self->flush_priority));
  if (self->shared)
    guard = flush_source_new (self, MAX (interval_ms, FLUSH_GUARD_MS), G_PRIORITY_DEFAULT);

  /* One flush at most: one a worker attached after the flag fell is
   * replaced, not left to fire after the timeline is gone. */
  g_mutex_lock (&self->lock);
  clear_sources_locked (self);
  self->flush_source = source;
  g_source_attach (source, self->context);
  self->flush_guard = guard;
  if (guard != NULL)
    g_source_attach (guard, self->context);
  g_mutex_unlock (&self->lock);
}

static void
wake (gpointer data)
{
  schedule_flush (data, FLUSH_INTERVAL_MS);
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
  lab_recorders_push (self->recorders, record);
}

/**
 * lab_timeline_share_main_context:
 * @priority: the priority the store is brought up to date at
 *
 * Says that the main context also draws a window: the flushes then run at
 * @priority (one below the window's drawing, so that what is drawn and
 * what is clicked go first under a flood, and the batches grow instead),
 * and each gives the main context back after a few milliseconds, going on
 * at once after. Without it, as in a terminal, each flush takes all there
 * is.
 */
void
lab_timeline_share_main_context (LabTimeline *self,
                                 int          priority)
{
  g_return_if_fail (LAB_IS_TIMELINE (self));

  g_atomic_int_set (&self->flush_priority, priority);
  self->shared = TRUE;
}

static gboolean
on_flush_timeout (gpointer data)
{
  g_autoptr(LabTimeline) self = g_weak_ref_get (data);

  if (self != NULL)
    flush_for_a_while (self);

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

  return lab_timeline_dup_event (self, lab_store_at (self, position));
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

  return position < self->len ? lab_store_at (self, position) : NULL;
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

  return lab_store_find (self, seq);
}

LabTimeline *
lab_timeline_new (void)
{
  return g_object_new (LAB_TYPE_TIMELINE, NULL);
}

/**
 * lab_timeline_get_clock_start:
 *
 * Returns: when the timeline's clock reads 0, on g_get_monotonic_time()'s;
 *   reading it sets no origin
 */
gint64
lab_timeline_get_clock_start (LabTimeline *self)
{
  return self->start_us;
}

/**
 * lab_timeline_now:
 *
 * The clock every record is timed by. Its first reading since the timeline
 * began or was cleared is the events' time 0 (lab_timeline_get_origin()):
 * the clock itself runs on, so that a call waiting across a clear keeps
 * its duration.
 *
 * Returns: microseconds since the timeline began. Any thread.
 */
gint64
lab_timeline_now (LabTimeline *self)
{
  gint64 now = g_get_monotonic_time () - self->start_us;

  if (G_UNLIKELY (!g_atomic_int_get (&self->origin_set)))
    {
      g_mutex_lock (&self->origin_lock);
      if (!self->origin_set)
        {
          self->origin_us = now;
          g_atomic_int_set (&self->origin_set, TRUE);
        }
      g_mutex_unlock (&self->origin_lock);
    }

  return now;
}

/**
 * lab_timeline_get_origin:
 *
 * Returns: the events' time 0 on the timeline's clock: when the first
 *   event since the timeline began or was cleared was timed; 0 before.
 *   Any thread.
 */
gint64
lab_timeline_get_origin (LabTimeline *self)
{
  gint64 origin;

  g_mutex_lock (&self->origin_lock);
  origin = self->origin_set ? self->origin_us : 0;
  g_mutex_unlock (&self->origin_lock);

  return origin;
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

/* Where @record's blob is: the kernel's TCP samples in an arena of their
 * own, which a flood of bytes cannot overwrite before a chart reads them;
 * bytes in the payload arena; texts in the text arena. */
LabArena *
lab_timeline_get_arena_for (LabTimeline     *self,
                            const LabRecord *record)
{
  if (record->kind == LAB_EVENT_TCP_SAMPLE)
    return self->samples;
  return lab_record_blob_is_payload (record) ? self->payload : self->text;
}

/* Names are kept by endpoint and run: what an endpoint was called when it
 * ran, for as long as the timeline lasts, read in the language of the
 * moment. */
void
lab_timeline_set_run_name (LabTimeline   *self,
                           guint          endpoint_id,
                           guint          run,
                           LabTranslated *name)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->run_names, GUINT_TO_POINTER ((endpoint_id & 0xffff) << 16 | (run & 0xffff)),
                       name != NULL ? lab_translated_ref (name) : lab_translated_new (NULL));
  g_mutex_unlock (&self->lock);
}

const char *
lab_timeline_get_run_name (LabTimeline *self,
                           guint        endpoint_id,
                           guint        run)
{
  LabTranslated *name;

  g_mutex_lock (&self->lock);
  name = g_hash_table_lookup (self->run_names, GUINT_TO_POINTER ((endpoint_id & 0xffff) << 16 | (run & 0xffff)));
  g_mutex_unlock (&self->lock);

  /* Kept until the timeline goes, and only read after it is made. */
  return name != NULL ? lab_translated_get (name) : "";
}

/**
 * lab_timeline_intern_line:
 * @text: a source line, `file:line: text`
 *
 * Keeps a traced call's source line once, however many calls it made.
 *
 * Returns: its number, for lab_record_set_line(); 0 when the table is full
 *   (LAB_TIMELINE_MAX_LINES)
 */
guint16
lab_timeline_intern_line (LabTimeline *self,
                          const char  *text)
{
  guint id;

  g_mutex_lock (&self->lock);
  id = GPOINTER_TO_UINT (g_hash_table_lookup (self->line_ids, text));
  if (id == 0 && self->lines->len < LAB_TIMELINE_MAX_LINES)
    {
      char *copy = g_strdup (text);

      g_ptr_array_add (self->lines, copy);
      id = self->lines->len;
      g_hash_table_insert (self->line_ids, copy, GUINT_TO_POINTER (id));
    }
  g_mutex_unlock (&self->lock);

  return (guint16) id;
}

/**
 * lab_timeline_get_line:
 *
 * Returns: (nullable): the source line numbered @id, kept until the
 *   timeline goes
 */
const char *
lab_timeline_get_line (LabTimeline *self,
                       guint16      id)
{
  const char *text = NULL;

  if (id == 0)
    return NULL;
  g_mutex_lock (&self->lock);
  if (id <= self->lines->len)
    text = self->lines->pdata[id - 1];
  g_mutex_unlock (&self->lock);

  return text;
}

/**
 * lab_timeline_set_endpoint_mark:
 * @mark: below %LAB_TIMELINE_N_MARKS
 *
 * Gives the endpoint numbered @endpoint_id its mark: what tells it from
 * the others on its bench wherever it shows (the window draws each mark in
 * a colour and a shape of its own). It is kept, as its names are, for as
 * long as the timeline lasts: the rows of an endpoint taken off keep it.
 */
void
lab_timeline_set_endpoint_mark (LabTimeline *self,
                                guint        endpoint_id,
                                guint        mark)
{
  g_return_if_fail (LAB_IS_TIMELINE (self));
  g_return_if_fail (mark < LAB_TIMELINE_N_MARKS);

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->marks, GUINT_TO_POINTER (endpoint_id), GUINT_TO_POINTER (mark + 1));
  g_mutex_unlock (&self->lock);
}

/**
 * lab_timeline_get_endpoint_mark:
 *
 * Returns: the mark given to the endpoint numbered @endpoint_id; one by
 *   its number if none was given (an endpoint made with no bench)
 */
guint
lab_timeline_get_endpoint_mark (LabTimeline *self,
                                guint        endpoint_id)
{
  guint mark;

  g_return_val_if_fail (LAB_IS_TIMELINE (self), 0);

  g_mutex_lock (&self->lock);
  mark = GPOINTER_TO_UINT (g_hash_table_lookup (self->marks, GUINT_TO_POINTER (endpoint_id)));
  g_mutex_unlock (&self->lock);

  if (mark > 0)
    return mark - 1;
  return endpoint_id > 0 ? (endpoint_id - 1) % LAB_TIMELINE_N_MARKS : 0;
}

void
lab_timeline_get_stats (LabTimeline      *self,
                        LabTimelineStats *stats)
{
  g_return_if_fail (LAB_IS_TIMELINE (self));

  memset (stats, 0, sizeof *stats);
  lab_recorders_add_stats (self->recorders, stats);
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

      lab_store_drop_front (self, n);
      self->store_dropped += n;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
    }

  /* The store anew, in order, as large as it needs to be. */
  lab_store_resize (self, MAX (self->len, MIN (max_events, 1024)));
  self->capacity = max_events;
  lab_recorders_set_capacity (self->recorders, max_events);

  if (max_payload != self->max_payload)
    {
      self->payload = replace_arena (self, self->payload, max_payload);
      self->text = replace_arena (self, self->text, text_arena_size (max_payload));
      self->max_payload = max_payload;
    }

  if (lab_store_forget_payload (self, &first, &last))
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
  notify_dropped (self);
}

/**
 * lab_timeline_clear:
 *
 * Forgets every stored event (what is not yet flushed is flushed first),
 * and the time starts again from 0 with the next one.
 */
void
lab_timeline_clear (LabTimeline *self)
{
  guint n;

  g_return_if_fail (LAB_IS_TIMELINE (self));

  lab_timeline_flush (self);

  /* What is recorded next starts the time again from 0. */
  g_mutex_lock (&self->origin_lock);
  g_atomic_int_set (&self->origin_set, FALSE);
  g_mutex_unlock (&self->origin_lock);

  n = self->len;
  lab_store_drop_front (self, n);
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
  clear_sources_locked (self);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (lab_timeline_parent_class)->dispose (object);
}

static void
lab_timeline_finalize (GObject *object)
{
  LabTimeline *self = LAB_TIMELINE (object);

  lab_recorders_free (self->recorders);
  g_ptr_array_unref (self->old_arenas);
  g_hash_table_unref (self->run_names);
  g_hash_table_unref (self->marks);
  g_hash_table_unref (self->line_ids);
  g_ptr_array_unref (self->lines);
  g_ptr_array_unref (self->batch);
  g_ptr_array_unref (self->batch_from);
  g_array_unref (self->entries);
  g_array_unref (self->rows);
  lab_arena_free (self->payload);
  lab_arena_free (self->text);
  lab_arena_free (self->samples);
  g_free (self->ring);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->origin_lock);

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
  g_mutex_init (&self->lock);
  g_mutex_init (&self->origin_lock);
  self->context = g_main_context_ref_thread_default ();
  self->start_us = g_get_monotonic_time ();
  self->flush_priority = G_PRIORITY_DEFAULT;
  self->recorders = lab_recorders_new (wake, self);
  self->old_arenas = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_arena_free);
  self->run_names = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) lab_translated_unref);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->line_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->marks = g_hash_table_new (NULL, NULL);
  self->batch = g_ptr_array_new ();
  self->batch_from = g_ptr_array_new ();
  self->entries = g_array_new (FALSE, FALSE, sizeof (LabTimelineEntry));
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));
  self->next_row_seq = 1;
  self->capacity = LAB_TIMELINE_DEFAULT_MAX_EVENTS;
  self->max_payload = LAB_TIMELINE_DEFAULT_MAX_PAYLOAD;
  self->payload = lab_arena_new (self->max_payload);
  self->text = lab_arena_new (text_arena_size (self->max_payload));
  self->samples = lab_arena_new (SAMPLE_ARENA_SIZE);
}
