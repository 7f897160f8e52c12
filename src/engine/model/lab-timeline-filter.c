/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-record-private.h"
#include "lab-timeline-filter.h"

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
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabTimelineFilter, lab_timeline_filter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_matches (LabTimelineFilter *self)
{
  return self->seqs->len - self->start;
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
guint
lab_timeline_filter_find (LabTimelineFilter *self,
                          guint64            seq)
{
  guint lo = 0, hi = n_matches (self);

  g_return_val_if_fail (LAB_IS_TIMELINE_FILTER (self), G_MAXUINT);

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

static void
append_from (LabTimelineFilter *self,
             guint              first,
             guint              n)
{
  for (guint i = first; i < first + n; i++)
    {
      const LabRecord *record = lab_timeline_get_record (self->timeline, i);

      if (matches (self, record))
        g_array_append_val (self->seqs, record->seq);
    }
}

static void
rebuild (LabTimelineFilter *self)
{
  guint old = n_matches (self);

  g_array_set_size (self->seqs, 0);
  self->start = 0;
  append_from (self, 0, g_list_model_get_n_items (G_LIST_MODEL (self->timeline)));
  if (old > 0 || n_matches (self) > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, n_matches (self));
}

/* The oldest rows of the store went: the matches among them go. */
static void
drop_front (LabTimelineFilter *self)
{
  const LabRecord *first = lab_timeline_get_record (self->timeline, 0);
  guint gone = 0;

  while (gone < n_matches (self) && (first == NULL || seq_at (self, gone) < first->seq))
    gone++;
  if (gone == 0)
    return;

  self->start += gone;
  if (self->start > 4096 && self->start > self->seqs->len / 2)
    {
      g_array_remove_range (self->seqs, 0, self->start);
      self->start = 0;
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, gone, 0);
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
        g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_matches (self) - old);
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
          guint at = lab_timeline_filter_find (self, lab_timeline_get_record (self->timeline, i)->seq);

          if (at == G_MAXUINT)
            continue;
          first = MIN (first, at);
          last = MAX (last, at);
        }
      if (first != G_MAXUINT)
        g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
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
  return n_matches (LAB_TIMELINE_FILTER (model));
}

static gpointer
lab_timeline_filter_get_item (GListModel *model,
                              guint       position)
{
  LabTimelineFilter *self = LAB_TIMELINE_FILTER (model);
  guint at;

  if (position >= n_matches (self))
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
lab_timeline_filter_class_init (LabTimelineFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_timeline_filter_dispose;
  object_class->finalize = lab_timeline_filter_finalize;
}

static void
lab_timeline_filter_init (LabTimelineFilter *self)
{
  self->seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->kinds = LAB_TIMELINE_FILTER_ALL_KINDS;
  self->instrumentation = TRUE;
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
  return self;
}
