/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-event-private.h"
#include "lab-timeline-private.h"

/* The timeline is the one ordered record of everything the endpoints did.
 *
 * Worker threads append to a pending list under a lock; at most about 60
 * times a second the main context takes that list in one go (a flush),
 * applies it to the store the views read — a bounded ring, oldest out first
 * — and emits the batch as a stream for those who print it. Only the main
 * context touches the store, so a view never sees it change under it. */

#define FLUSH_INTERVAL_MS 16

typedef struct {
  LabEvent       *event;
  gboolean        end;
  gint64          end_us;
  gint64          result;
  int             err;
  GSocketAddress *address;
} Pending;

struct _LabTimeline
{
  GObject       parent_instance;

  GMainContext *context;
  gint64        start_us;

  /* Written by any thread, under lock */
  GMutex        lock;
  GArray       *pending;
  gsize         pending_payload;
  GSource      *flush_source;
  guint64       next_seq;
  guint         next_endpoint;
  LabTimelineStats stats;

  /* The store: main context only */
  LabEvent    **ring;
  guint         capacity;
  guint         head;
  guint         len;
  gsize         payload;
  gsize         max_payload;
  /* The first stored event that may still hold bytes. */
  guint         payload_first;
  guint64       notified_dropped;
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

static gsize
event_payload (LabEvent *event)
{
  return event->kind == LAB_EVENT_DATA && event->bytes != NULL ? g_bytes_get_size (event->bytes) : 0;
}

static void
pending_clear (gpointer data)
{
  Pending *p = data;

  g_clear_object (&p->event);
  g_clear_object (&p->address);
}

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

  return g_object_ref (self->ring[(self->head + position) % self->capacity]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_timeline_get_item_type;
  iface->get_n_items = lab_timeline_get_n_items;
  iface->get_item = lab_timeline_get_item;
}

LabTimeline *
lab_timeline_new (void)
{
  return g_object_new (LAB_TYPE_TIMELINE, NULL);
}

static LabEvent *
ring_at (LabTimeline *self,
         guint        position)
{
  return self->ring[(self->head + position) % self->capacity];
}

/* Removes @n events from the front of the store; no signal. */
static void
ring_drop_front (LabTimeline *self,
                 guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      LabEvent **slot = &self->ring[self->head];

      self->payload -= event_payload (*slot);
      g_clear_object (slot);
      self->head = (self->head + 1) % self->capacity;
      self->len--;
    }

  self->payload_first = self->payload_first > n ? self->payload_first - n : 0;
}

/* Keeps the stored bytes within the payload limit by letting go of the
 * oldest events' bytes; the events themselves stay (“bytes dropped”).
 * Returns the range of rows that changed. */
static gboolean
ring_trim_payload (LabTimeline *self,
                   guint       *first,
                   guint       *last)
{
  gboolean changed = FALSE;

  while (self->payload > self->max_payload && self->payload_first < self->len)
    {
      LabEvent *event = ring_at (self, self->payload_first);
      gsize size = event_payload (event);

      if (size > 0 || event->bytes != NULL)
        {
          self->payload -= size;
          g_clear_pointer (&event->bytes, g_bytes_unref);
          if (!changed)
            *first = self->payload_first;
          *last = self->payload_first;
          changed = TRUE;
        }
      self->payload_first++;
    }

  return changed;
}

/* Where an event is in the store, by its sequence number, or -1. */
static int
ring_find (LabTimeline *self,
           LabEvent    *event)
{
  guint lo = 0, hi = self->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      LabEvent *at = ring_at (self, mid);

      if (at->seq == event->seq)
        return at == event ? (int) mid : -1;
      if (at->seq < event->seq)
        lo = mid + 1;
      else
        hi = mid;
    }

  return -1;
}

static void
lab_timeline_flush_pending (LabTimeline *self,
                            GArray      *batch)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autofree LabRecord *records = g_new (LabRecord, batch->len + 1);
  guint drop_old = 0, drop_new = 0;
  guint trimmed_first = 0, trimmed_last = 0;
  int changed_min = G_MAXINT, changed_max = -1;
  guint old_len;

  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = &g_array_index (batch, Pending, i);

      records[i].event = p->event;
      records[i].end = p->end;
      if (!p->end)
        g_ptr_array_add (added, p->event);
    }

  /* What goes to stay within the count: the oldest stored first, then the
   * oldest of this batch. */
  if (self->len + added->len > self->capacity)
    {
      guint excess = self->len + added->len - self->capacity;

      drop_old = MIN (excess, self->len);
      drop_new = excess - drop_old;
    }

  if (drop_old > 0)
    {
      ring_drop_front (self, drop_old);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, drop_old, 0);
    }

  /* Blocking calls that returned: their row changes in place. */
  for (guint i = 0; i < batch->len; i++)
    {
      Pending *p = &g_array_index (batch, Pending, i);
      int position;

      if (!p->end)
        continue;

      p->event->end_us = p->end_us;
      p->event->result = p->result;
      p->event->err = p->err;
      p->event->finished = TRUE;
      if (p->address != NULL)
        g_set_object (&p->event->address, p->address);

      position = ring_find (self, p->event);
      if (position >= 0)
        {
          changed_min = MIN (changed_min, position);
          changed_max = MAX (changed_max, position);
        }
    }

  if (changed_max >= 0)
    g_list_model_items_changed (G_LIST_MODEL (self), changed_min,
                                changed_max - changed_min + 1, changed_max - changed_min + 1);

  old_len = self->len;
  for (guint i = drop_new; i < added->len; i++)
    {
      LabEvent *event = added->pdata[i];

      self->ring[(self->head + self->len) % self->capacity] = g_object_ref (event);
      self->len++;
      self->payload += event_payload (event);
    }

  if (self->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, self->len - old_len);

  g_mutex_lock (&self->lock);
  self->stats.dropped += drop_old + drop_new;
  g_mutex_unlock (&self->lock);

  /* The stream carries every event whole, bytes included ... */
  g_signal_emit (self, signals[RECORDED], 0, records, batch->len);

  /* ... and only then does the store let go of the oldest bytes. */
  if (ring_trim_payload (self, &trimmed_first, &trimmed_last))
    g_list_model_items_changed (G_LIST_MODEL (self), trimmed_first,
                                trimmed_last - trimmed_first + 1, trimmed_last - trimmed_first + 1);
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
  g_autoptr(GArray) batch = NULL;

  g_return_if_fail (LAB_IS_TIMELINE (self));

  g_mutex_lock (&self->lock);
  batch = self->pending;
  /* The next batch is likely as large as this one. */
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (Pending), batch->len);
  g_array_set_clear_func (self->pending, pending_clear);
  self->pending_payload = 0;
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);

  if (batch->len > 0)
    lab_timeline_flush_pending (self, batch);
  notify_dropped (self);
}

static gboolean
on_flush_timeout (gpointer data)
{
  lab_timeline_flush (LAB_TIMELINE (data));

  return G_SOURCE_REMOVE;
}

/* Called with the lock held. */
static void
schedule_flush (LabTimeline *self)
{
  if (self->flush_source != NULL)
    return;

  self->flush_source = g_timeout_source_new (FLUSH_INTERVAL_MS);
  g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (self->flush_source, "[protolab] timeline flush");
  /* The source holds no reference: dispose destroys it first. */
  g_source_set_callback (self->flush_source, on_flush_timeout, self, NULL);
  g_source_attach (self->flush_source, self->context);
}

static gsize
saturating_double (gsize value)
{
  return value > G_MAXSIZE / 2 ? G_MAXSIZE : value * 2;
}

/* Called with the lock held. Only when the main context stalls does the
 * pending list grow past twice the limits; then it loses its oldest events
 * (counted as dropped) down to the limits, in one pass. Ends are kept:
 * they only update an event recorded before. */
static void
trim_pending (LabTimeline *self)
{
  gsize max_len = saturating_double (self->capacity);
  gsize max_payload = saturating_double (self->max_payload);
  guint excess, kept = 0;
  gsize payload_excess;

  if (self->pending->len <= max_len && self->pending_payload <= max_payload)
    return;

  excess = self->pending->len > self->capacity ? self->pending->len - self->capacity : 0;
  payload_excess = self->pending_payload > self->max_payload ? self->pending_payload - self->max_payload : 0;

  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *p = &g_array_index (self->pending, Pending, i);

      if (!p->end && (excess > 0 || payload_excess > 0))
        {
          gsize size = event_payload (p->event);

          excess -= excess > 0;
          payload_excess -= MIN (payload_excess, size);
          self->pending_payload -= size;
          self->stats.dropped++;
          pending_clear (p);
          continue;
        }

      if (kept != i)
        g_array_index (self->pending, Pending, kept) = *p;
      kept++;
    }

  /* The moved entries are not cleared again. */
  g_array_set_clear_func (self->pending, NULL);
  g_array_set_size (self->pending, kept);
  g_array_set_clear_func (self->pending, pending_clear);
}

/**
 * lab_timeline_append: (skip)
 * @event: (transfer full): a new event, its fields all set
 *
 * Records an event. Any thread.
 */
void
lab_timeline_append (LabTimeline *self,
                     LabEvent    *event)
{
  Pending p = { .event = event };

  g_mutex_lock (&self->lock);

  event->seq = self->next_seq++;
  self->stats.events++;
  if (event->kind == LAB_EVENT_CALL && !event->instrumentation)
    self->stats.calls++;
  if (event->kind == LAB_EVENT_DATA)
    {
      if (event->direction == LAB_DIRECTION_IN)
        self->stats.bytes_in += event->real_len;
      else
        self->stats.bytes_out += event->real_len;
    }

  g_array_append_val (self->pending, p);
  self->pending_payload += event_payload (event);
  trim_pending (self);
  schedule_flush (self);

  g_mutex_unlock (&self->lock);
}

/**
 * lab_timeline_finish: (skip)
 * @begin: the event recorded when a blocking call began
 * @address: (transfer full) (nullable): an address the call returned
 *
 * Records the end of a blocking call. Any thread.
 */
void
lab_timeline_finish (LabTimeline    *self,
                     LabEvent       *begin,
                     gint64          end_us,
                     gint64          result,
                     int             err,
                     GSocketAddress *address)
{
  Pending p = {
    .event = g_object_ref (begin),
    .end = TRUE,
    .end_us = end_us,
    .result = result,
    .err = err,
    .address = address,
  };

  g_mutex_lock (&self->lock);
  g_array_append_val (self->pending, p);
  schedule_flush (self);
  g_mutex_unlock (&self->lock);
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

void
lab_timeline_get_stats (LabTimeline      *self,
                        LabTimelineStats *stats)
{
  g_return_if_fail (LAB_IS_TIMELINE (self));

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
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

/**
 * lab_timeline_set_limits:
 * @max_events: how many events the store keeps at most
 * @max_payload: how many bytes of data it keeps at most
 *
 * When full, the oldest events go first and are counted as dropped.
 */
void
lab_timeline_set_limits (LabTimeline *self,
                         guint        max_events,
                         gsize        max_payload)
{
  LabEvent **ring;
  guint keep;

  g_return_if_fail (LAB_IS_TIMELINE (self));
  g_return_if_fail (max_events > 0);

  lab_timeline_flush (self);

  keep = MIN (self->len, max_events);
  if (keep < self->len)
    {
      guint n = self->len - keep;

      ring_drop_front (self, n);
      g_mutex_lock (&self->lock);
      self->stats.dropped += n;
      g_mutex_unlock (&self->lock);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
    }

  ring = g_new0 (LabEvent *, max_events);
  for (guint i = 0; i < self->len; i++)
    ring[i] = ring_at (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->head = 0;

  g_mutex_lock (&self->lock);
  self->capacity = max_events;
  self->max_payload = max_payload;
  g_mutex_unlock (&self->lock);

  {
    guint first, last;

    if (ring_trim_payload (self, &first, &last))
      g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
  }
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

  ring_drop_front (self, self->len);
  g_free (self->ring);
  g_array_unref (self->pending);
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
   * @records: (array length=n_records): what was recorded since the last
   *   flush, in order; an entry with `end` set is a blocking call that
   *   returned
   *
   * Emitted in the main context after the store took a batch.
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
  self->context = g_main_context_ref_thread_default ();
  self->start_us = g_get_monotonic_time ();
  self->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_array_set_clear_func (self->pending, pending_clear);
  self->capacity = LAB_TIMELINE_DEFAULT_MAX_EVENTS;
  self->max_payload = LAB_TIMELINE_DEFAULT_MAX_PAYLOAD;
  self->ring = g_new0 (LabEvent *, self->capacity);
  self->next_seq = 1;
}
