/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-record-private.h"
#include "lab-timeline-filter.h"

/* How often a flood is counted again. */
#define FLOOD_TICK_MS 500
/* Rows waiting that are told at once, whatever the pace. */
#define FEW_ROWS      16

struct _LabTimelineFilter
{
  GObject      parent_instance;

  LabTimeline *timeline;
  guint        kinds;
  gboolean     instrumentation;
  guint        endpoint_id;
  guint64      connection;

  /* The numbers of the records that match, in order; the first @start of
   * them are gone */
  GArray      *seqs;
  guint        start;

  /* What a view has been told: the matches up to @published, and rows
   * changed in place since, between @dirty_first and @dirty_last. With a
   * pace, the rest is told at most once every @pace_ms. */
  guint        published;
  guint        dirty_first;
  guint        dirty_last;
  guint        pace_ms;
  gint64       told_at;
  guint        pace_source;

  /* A flood: past @flood_rows waiting at a turn of the pace, the view is
   * told how many came instead of the rows, twice a second, until it
   * calms. Counted since @counted_at. */
  guint        flood_rows;
  gboolean     flooding;
  gint64       counted_at;
  guint        counted;
  guint        counted_calls[LAB_N_CALLS];
  LabTimelineFilterFlood flood;
};

enum {
  PROP_0,
  PROP_FLOODING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabTimelineFilter, lab_timeline_filter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_matches (LabTimelineFilter *self)
{
  return self->seqs->len - self->start;
}

/* How many of the matches a view has been told of. */
static guint
n_told (LabTimelineFilter *self)
{
  return self->published - self->start;
}

static guint64
seq_at (LabTimelineFilter *self,
        guint              position)
{
  return g_array_index (self->seqs, guint64, self->start + position);
}

static gboolean
matches (LabTimelineFilter *self,
         const LabRecord   *record)
{
  if (self->endpoint_id != 0 && record->endpoint_id != self->endpoint_id)
    return FALSE;
  if (self->connection != 0 && record->conn != self->connection)
    return FALSE;
  if (lab_record_has (record, LAB_RECORD_INSTRUMENTATION))
    return self->instrumentation;
  return (self->kinds & (1u << record->kind)) != 0;
}

/* Where @seq is among the matches, or G_MAXUINT. */
static guint
find_in (LabTimelineFilter *self,
         guint64            seq,
         guint              hi)
{
  guint lo = 0;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 at = seq_at (self, mid);

      if (at == seq)
        return mid;
      if (at < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return G_MAXUINT;
}

/* Where @seq is among the rows a view has been told of, or G_MAXUINT. */
guint
lab_timeline_filter_find (LabTimelineFilter *self,
                          guint64            seq)
{
  g_return_val_if_fail (LAB_IS_TIMELINE_FILTER (self), G_MAXUINT);

  return find_in (self, seq, n_told (self));
}

/* Tells the view what changed since it was last told: the rows changed in
 * place, then the new rows at the end. */
static void
tell (LabTimelineFilter *self)
{
  guint told = n_told (self);
  guint now = n_matches (self);

  g_clear_handle_id (&self->pace_source, g_source_remove);
  self->told_at = g_get_monotonic_time ();

  /* Each signal as the view sees the rows: the new ones come after. */
  if (self->dirty_first != G_MAXUINT)
    {
      guint first = self->dirty_first, last = MIN (self->dirty_last, told - 1);

      self->dirty_first = G_MAXUINT;
      if (first < told)
        g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
    }
  self->published = self->seqs->len;
  if (now > told)
    g_list_model_items_changed (G_LIST_MODEL (self), told, 0, now - told);
}

static void schedule_tell (LabTimelineFilter *self,
                           guint              delay_ms);

/* What came since the last count, as a rate; the count starts again. */
static void
take_count (LabTimelineFilter *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 span = MAX (now - self->counted_at, G_TIME_SPAN_MILLISECOND);

  self->flood.per_second = (guint) MIN ((gint64) self->counted * G_USEC_PER_SEC / span, G_MAXUINT);
  for (guint i = 0; i < LAB_N_CALLS; i++)
    self->flood.calls_per_second[i] =
      (guint) MIN ((gint64) self->counted_calls[i] * G_USEC_PER_SEC / span, G_MAXUINT);
  self->counted = 0;
  memset (self->counted_calls, 0, sizeof self->counted_calls);
  self->counted_at = now;
}

/* A flood begins: the rows told go, so that those the timeline lets go
 * meanwhile are nothing to the view either. */
static void
tell_none (LabTimelineFilter *self)
{
  guint told = n_told (self);

  self->published = self->start;
  self->dirty_first = G_MAXUINT;
  if (told > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, told, 0);
}

/* A turn of the pace: the rows waiting told, or, in a flood, counted. A
 * flood begins when more wait than @flood_rows, and ends at a turn of the
 * flood with fewer come. */
static void
turn (LabTimelineFilter *self)
{
  guint waiting = n_matches (self) - n_told (self);
  guint came = self->counted;
  gboolean was = self->flooding;

  take_count (self);
  if (self->flood_rows != 0)
    self->flooding = was ? came >= self->flood_rows : waiting >= self->flood_rows;

  if (self->flooding)
    {
      if (!was)
        tell_none (self);
      /* Counted again in half a second, whether rows come or not. */
      schedule_tell (self, FLOOD_TICK_MS);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
      return;
    }
  tell (self);
  if (was)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
}

static gboolean
on_pace (gpointer data)
{
  LabTimelineFilter *self = data;

  self->pace_source = 0;
  turn (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_tell (LabTimelineFilter *self,
               guint              delay_ms)
{
  self->pace_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, on_pace, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->pace_source),
                            "[protolab] timeline filter pace");
}

/* Tells the view now, or, within @pace_ms of the last time, once that
 * much time has passed: a flood of events is told ten times a second, not
 * with each batch, while a lone event is shown at once. */
static void
tell_paced (LabTimelineFilter *self)
{
  gint64 since;

  if (self->pace_source != 0)
    return;
  since = g_get_monotonic_time () - self->told_at;
  /* A few rows cost a view little: a student's calls are shown at once. */
  if (self->pace_ms == 0 || since >= (gint64) self->pace_ms * G_TIME_SPAN_MILLISECOND ||
      n_matches (self) - n_told (self) <= FEW_ROWS)
    {
      turn (self);
      return;
    }
  schedule_tell (self, self->pace_ms - (guint) (since / G_TIME_SPAN_MILLISECOND));
}

static void
append_from (LabTimelineFilter *self,
             guint              first,
             guint              n)
{
  for (guint i = first; i < first + n; i++)
    {
      const LabRecord *record = lab_timeline_get_record (self->timeline, i);

      if (!matches (self, record))
        continue;
      g_array_append_val (self->seqs, record->seq);
      if (self->flood_rows == 0)
        continue;
      self->counted++;
      if (record->kind == LAB_EVENT_CALL && record->call < LAB_N_CALLS)
        self->counted_calls[record->call]++;
    }
}

/* Told at once, however paced: a new filter is what the user asked. */
static void
rebuild (LabTimelineFilter *self)
{
  guint old = n_told (self);

  g_array_set_size (self->seqs, 0);
  self->start = 0;
  append_from (self, 0, g_list_model_get_n_items (G_LIST_MODEL (self->timeline)));
  g_clear_handle_id (&self->pace_source, g_source_remove);
  self->published = self->seqs->len;
  self->dirty_first = G_MAXUINT;
  self->told_at = g_get_monotonic_time ();
  self->counted = 0;
  memset (self->counted_calls, 0, sizeof self->counted_calls);
  self->counted_at = self->told_at;
  if (old > 0 || n_matches (self) > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, n_matches (self));
  if (self->flooding)
    {
      self->flooding = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
    }
}

/* The oldest rows of the store went: the matches among them go, told at
 * once, for the view may not ask for a row that is gone. */
static void
drop_front (LabTimelineFilter *self)
{
  const LabRecord *first = lab_timeline_get_record (self->timeline, 0);
  guint gone = 0, gone_told;

  while (gone < n_matches (self) && (first == NULL || seq_at (self, gone) < first->seq))
    gone++;
  if (gone == 0)
    return;

  gone_told = MIN (gone, n_told (self));
  self->start += gone;
  self->published = MAX (self->published, self->start);
  if (self->dirty_first != G_MAXUINT)
    {
      if (self->dirty_last < gone_told)
        self->dirty_first = G_MAXUINT;
      else
        {
          self->dirty_first = self->dirty_first > gone_told ? self->dirty_first - gone_told : 0;
          self->dirty_last -= gone_told;
        }
    }
  if (self->start > 4096 && self->start > self->seqs->len / 2)
    {
      self->published -= self->start;
      g_array_remove_range (self->seqs, 0, self->start);
      self->start = 0;
    }
  if (gone_told > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, gone_told, 0);
}

static void
on_items_changed (LabTimelineFilter *self,
                  guint              position,
                  guint              removed,
                  guint              added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));

  if (removed == 0 && position + added == n)
    {
      /* New rows at the end. */
      guint old = n_matches (self);

      append_from (self, position, added);
      if (n_matches (self) > old)
        tell_paced (self);
    }
  else if (position == 0 && added == 0 && n > 0)
    drop_front (self);
  else if (removed == added)
    {
      /* Rows changed in place: the ends of calls, bytes gone. Which rows
       * match does not change. */
      guint first = G_MAXUINT, last = 0;

      for (guint i = position; i < position + added; i++)
        {
          guint at = find_in (self, lab_timeline_get_record (self->timeline, i)->seq, n_told (self));

          if (at == G_MAXUINT)
            continue;
          first = MIN (first, at);
          last = MAX (last, at);
        }
      if (first != G_MAXUINT)
        {
          if (self->dirty_first == G_MAXUINT)
            self->dirty_last = last;
          self->dirty_first = MIN (self->dirty_first, first);
          self->dirty_last = MAX (self->dirty_last, last);
          tell_paced (self);
        }
    }
  else
    rebuild (self);
}

/**
 * lab_timeline_filter_set:
 * @kinds: the kinds of event shown, a bit each (`1 << LabEventKind`)
 * @instrumentation: whether the lab's own calls to watch the kernel show
 * @endpoint_id: only this endpoint's, or 0 for every one
 * @connection: only this connection's, or 0 for every one
 */
void
lab_timeline_filter_set (LabTimelineFilter *self,
                         guint              kinds,
                         gboolean           instrumentation,
                         guint              endpoint_id,
                         guint64            connection)
{
  g_return_if_fail (LAB_IS_TIMELINE_FILTER (self));

  if (self->kinds == kinds && self->instrumentation == instrumentation && self->endpoint_id == endpoint_id &&
      self->connection == connection)
    return;

  self->kinds = kinds;
  self->instrumentation = instrumentation;
  self->endpoint_id = endpoint_id;
  self->connection = connection;
  rebuild (self);
}

static GType
lab_timeline_filter_get_item_type (GListModel *model)
{
  return LAB_TYPE_EVENT;
}

static guint
lab_timeline_filter_get_n_items (GListModel *model)
{
  return n_told (LAB_TIMELINE_FILTER (model));
}

static gpointer
lab_timeline_filter_get_item (GListModel *model,
                              guint       position)
{
  LabTimelineFilter *self = LAB_TIMELINE_FILTER (model);
  guint at;

  if (position >= n_told (self))
    return NULL;

  at = lab_timeline_find (self->timeline, seq_at (self, position));
  if (at == G_MAXUINT)
    return NULL;
  return lab_timeline_dup_event (self->timeline, lab_timeline_get_record (self->timeline, at));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_timeline_filter_get_item_type;
  iface->get_n_items = lab_timeline_filter_get_n_items;
  iface->get_item = lab_timeline_filter_get_item;
}

static void
lab_timeline_filter_dispose (GObject *object)
{
  LabTimelineFilter *self = LAB_TIMELINE_FILTER (object);

  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  g_clear_object (&self->timeline);
  g_clear_handle_id (&self->pace_source, g_source_remove);

  G_OBJECT_CLASS (lab_timeline_filter_parent_class)->dispose (object);
}

static void
lab_timeline_filter_finalize (GObject *object)
{
  LabTimelineFilter *self = LAB_TIMELINE_FILTER (object);

  g_array_unref (self->seqs);

  G_OBJECT_CLASS (lab_timeline_filter_parent_class)->finalize (object);
}

static void
lab_timeline_filter_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabTimelineFilter *self = LAB_TIMELINE_FILTER (object);

  switch (prop_id)
    {
    case PROP_FLOODING: g_value_set_boolean (value, self->flooding); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_timeline_filter_class_init (LabTimelineFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_timeline_filter_dispose;
  object_class->finalize = lab_timeline_filter_finalize;
  object_class->get_property = lab_timeline_filter_get_property;

  /**
   * LabTimelineFilter:flooding:
   *
   * Whether matches come too fast to be shown as rows, and the view has
   * none; see lab_timeline_filter_set_flood_rows().
   */
  properties[PROP_FLOODING] =
    g_param_spec_boolean ("flooding", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_timeline_filter_init (LabTimelineFilter *self)
{
  self->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->kinds = LAB_TIMELINE_FILTER_ALL_KINDS;
  self->instrumentation = TRUE;
  self->dirty_first = G_MAXUINT;
  self->counted_at = g_get_monotonic_time ();
}

/**
 * lab_timeline_filter_new:
 *
 * Returns: (transfer full): every event of @timeline, until it is told
 *   which to keep with lab_timeline_filter_set()
 */
LabTimelineFilter *
lab_timeline_filter_new (LabTimeline *timeline)
{
  LabTimelineFilter *self = g_object_new (LAB_TYPE_TIMELINE_FILTER, NULL);

  self->timeline = g_object_ref (timeline);
  g_signal_connect_object (timeline, "items-changed", G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  append_from (self, 0, g_list_model_get_n_items (G_LIST_MODEL (timeline)));
  self->published = self->seqs->len;
  return self;
}

/**
 * lab_timeline_filter_set_pace:
 * @pace_ms: at most how often a view is told of new rows and rows changed
 *   in place, in milliseconds; 0 (the default) with every batch
 *
 * A view of a list redraws each row it is told of, and GTK makes its
 * widgets anew: told with every batch of a flood, the window would do
 * nothing else. Rows that go are told at once, whatever the pace.
 */
void
lab_timeline_filter_set_pace (LabTimelineFilter *self,
                              guint              pace_ms)
{
  g_return_if_fail (LAB_IS_TIMELINE_FILTER (self));

  self->pace_ms = pace_ms;
  if (pace_ms == 0 && self->pace_source != 0)
    tell (self);
}

/**
 * lab_timeline_filter_tell_now:
 *
 * Tells the view every row waiting for the pace, unless in a flood: for a
 * view asked to show an event that may be among them.
 *
 * Returns: whether it told the view something: its rows are laid out at
 *   the next frame
 */
gboolean
lab_timeline_filter_tell_now (LabTimelineFilter *self)
{
  g_return_val_if_fail (LAB_IS_TIMELINE_FILTER (self), FALSE);

  if (self->flooding || (self->pace_source == 0 && self->dirty_first == G_MAXUINT))
    return FALSE;
  tell (self);
  return TRUE;
}

/**
 * lab_timeline_filter_set_flood_rows:
 * @rows: how many rows waiting at a turn of the pace make a flood; 0 (the
 *   default) for never
 *
 * GTK 4.8's lists keep some two hundred rows made, and make them anew
 * when they change: a list told of a flood ten times a second makes two
 * thousand rows a second and does little else. In a flood the view has
 * no rows, and is told how many came instead (lab_timeline_filter_get_flood(),
 * #LabTimelineFilter:flooding) twice a second; at a count with fewer than
 * @rows come, every row is told at once. Nothing is lost meanwhile: the
 * rows are in the timeline. Needs a pace.
 */
void
lab_timeline_filter_set_flood_rows (LabTimelineFilter *self,
                                    guint              rows)
{
  g_return_if_fail (LAB_IS_TIMELINE_FILTER (self));

  self->flood_rows = rows;
}

/**
 * lab_timeline_filter_get_flood:
 *
 * Returns: (transfer none): how many matches came a second, in all and of
 *   each call, at the last count; in a flood, at the last half second
 */
const LabTimelineFilterFlood *
lab_timeline_filter_get_flood (LabTimelineFilter *self)
{
  g_return_val_if_fail (LAB_IS_TIMELINE_FILTER (self), NULL);

  return &self->flood;
}

gboolean
lab_timeline_filter_get_flooding (LabTimelineFilter *self)
{
  g_return_val_if_fail (LAB_IS_TIMELINE_FILTER (self), FALSE);

  return self->flooding;
}
