/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-message-log.h"
#include "lab-record-private.h"

/* The messages of an endpoint are its data events, kept in the timeline
 * with their bytes: the log holds only the numbers of the newest ones, in
 * a ring as long as its bound, and makes an event of one when a view asks
 * for its row. A batch costs a look at each record it adds; the list is
 * told what changed at most ten times a second, so that a flood redraws
 * the rows in view ten times a second, not once a message. */

#define UPDATE_INTERVAL_MS 100
/* A flood, counted again every half second: the list holds nothing while
 * more messages come than it holds, in a tenth of a second at first, in
 * half a second then. */
#define FLOOD_TICK_MS      500

struct _LabMessageLog
{
  GObject      parent_instance;

  LabTimeline *timeline;
  guint        endpoint_id;
  guint        max;

  /* The numbers of the newest messages, oldest first, from @head */
  guint64     *ring;
  guint        head;
  guint        count;
  guint64      total;          /* since the log was cleared */

  /* What the list says: numbers, and how many came before it told them */
  GArray      *shown;
  guint64      shown_total;
  guint        update_id;

  /* A flood: how many came at the last count, and when it was */
  gboolean     flooding;
  guint64      counted_total;
  gint64       counted_at;
  guint        per_second;
};

enum {
  PROP_0,
  PROP_N_DROPPED,
  PROP_FLOODING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabMessageLog, lab_message_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint64
ring_at (LabMessageLog *self,
         guint          i)
{
  return self->ring[(self->head + i) % self->max];
}

static void
ring_push (LabMessageLog *self,
           guint64        seq)
{
  if (self->count < self->max)
    self->ring[(self->head + self->count++) % self->max] = seq;
  else
    {
      self->ring[self->head] = seq;
      self->head = (self->head + 1) % self->max;
    }
  self->total++;
}

guint
lab_message_log_get_max_messages (LabMessageLog *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_LOG (self), 0);

  return self->max;
}

/**
 * lab_message_log_get_n_dropped:
 *
 * Returns: how many messages came before those the list holds: past its
 *   bound, or no longer in the timeline
 */
guint64
lab_message_log_get_n_dropped (LabMessageLog *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_LOG (self), 0);

  return self->shown_total - self->shown->len;
}

/**
 * lab_message_log_update:
 *
 * Tells the list what came since it was last told. The log does it by
 * itself, at most ten times a second; a test calls it to see at once.
 */
static void tell (LabMessageLog *self);

void
lab_message_log_update (LabMessageLog *self)
{
  g_return_if_fail (LAB_IS_MESSAGE_LOG (self));

  g_clear_handle_id (&self->update_id, g_source_remove);
  tell (self);
  /* Asked for at once: a flood is over for the list. */
  if (self->flooding)
    {
      self->flooding = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
    }
}

static void
tell (LabMessageLog *self)
{
  guint64 dropped;
  guint old, removed = 0, kept, added;

  if (self->shown_total == self->total && self->shown->len == self->count)
    return;

  /* Both lists are in order, and the new one goes on from where the old
   * one's last messages are: what went is a start of the old one. */
  dropped = lab_message_log_get_n_dropped (self);
  old = self->shown->len;
  while (removed < old && (self->count == 0 || g_array_index (self->shown, guint64, removed) < ring_at (self, 0)))
    removed++;
  kept = old - removed;
  added = self->count - kept;

  /* At each signal the list holds what the signal says, no more: a view
   * asks for rows while it is told, and must find each one. */
  if (removed > 0)
    {
      g_array_remove_range (self->shown, 0, removed);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    }
  g_array_set_size (self->shown, self->count);
  for (guint i = kept; i < self->count; i++)
    g_array_index (self->shown, guint64, i) = ring_at (self, i);
  self->shown_total = self->total;
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), kept, 0, added);
  if (lab_message_log_get_n_dropped (self) != dropped)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
}

/* A flood begins: the list holds nothing, for a view would make every
 * row it holds anew each time, and say nothing a student can read. */
static void
show_none (LabMessageLog *self)
{
  guint old = self->shown->len;

  g_array_set_size (self->shown, 0);
  self->shown_total = self->total;
  if (old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
}

static gboolean
on_update_timeout (gpointer data)
{
  LabMessageLog *self = data;
  gint64 now = g_get_monotonic_time ();
  guint64 came = self->total - self->counted_total;
  gboolean was = self->flooding;

  self->update_id = 0;
  self->per_second = (guint) MIN (came * G_USEC_PER_SEC / (guint64) MAX (now - self->counted_at, 1000), G_MAXUINT);
  self->counted_total = self->total;
  self->counted_at = now;

  self->flooding = came >= self->max;
  if (self->flooding)
    {
      if (!was)
        show_none (self);
      self->update_id = g_timeout_add (FLOOD_TICK_MS, on_update_timeout, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
      return G_SOURCE_REMOVE;
    }
  tell (self);
  if (was)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
  return G_SOURCE_REMOVE;
}

/**
 * lab_message_log_get_flooding:
 *
 * Whether more messages come than the list holds, counted by the log as it
 * tells the list: the list then holds none, until fewer come in half a
 * second.
 */
gboolean
lab_message_log_get_flooding (LabMessageLog *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_LOG (self), FALSE);

  return self->flooding;
}

/**
 * lab_message_log_get_per_second:
 *
 * Returns: how many messages came a second, at the last count
 */
guint
lab_message_log_get_per_second (LabMessageLog *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_LOG (self), 0);

  return self->per_second;
}

/**
 * lab_message_log_clear:
 *
 * Forgets every message: the endpoint starts again.
 */
void
lab_message_log_clear (LabMessageLog *self)
{
  guint old;

  g_return_if_fail (LAB_IS_MESSAGE_LOG (self));

  g_clear_handle_id (&self->update_id, g_source_remove);
  old = self->shown->len;
  self->head = self->count = 0;
  self->total = 0;
  self->counted_total = 0;
  if (self->flooding)
    {
      self->flooding = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOODING]);
    }
  g_array_set_size (self->shown, 0);
  if (old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
  if (self->shown_total != 0)
    {
      self->shown_total = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
    }
}

/**
 * lab_message_log_set_max_messages:
 * @max_messages: how many to keep, from 1 to %LAB_MESSAGE_LOG_MAX
 *
 * Keeps the newest @max_messages of those kept so far, and as many from
 * now on.
 */
void
lab_message_log_set_max_messages (LabMessageLog *self,
                                  guint          max_messages)
{
  guint64 *ring;
  guint keep;

  g_return_if_fail (LAB_IS_MESSAGE_LOG (self));
  g_return_if_fail (max_messages >= 1 && max_messages <= LAB_MESSAGE_LOG_MAX);

  keep = MIN (self->count, max_messages);
  ring = g_new (guint64, max_messages);
  for (guint i = 0; i < keep; i++)
    ring[i] = ring_at (self, self->count - keep + i);
  g_free (self->ring);
  self->ring = ring;
  self->max = max_messages;
  self->head = 0;
  self->count = keep;
  lab_message_log_update (self);
}

/* The timeline forgot its oldest records (or all of them): so does the
 * log, at once, for a row must never ask for one that is gone. */
static void
forget_before (LabMessageLog *self,
               guint64        first)
{
  guint gone = 0;

  while (self->count > 0 && ring_at (self, 0) < first)
    {
      self->head = (self->head + 1) % self->max;
      self->count--;
    }
  while (gone < self->shown->len && g_array_index (self->shown, guint64, gone) < first)
    gone++;
  if (gone == 0)
    return;

  g_array_remove_range (self->shown, 0, gone);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, gone, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
}

static void
on_items_changed (LabMessageLog *self,
                  guint          position,
                  guint          removed,
                  guint          added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));
  guint64 total = self->total;

  if (removed == 0 && position + added == n)
    {
      for (guint i = position; i < n; i++)
        {
          const LabRecord *record = lab_timeline_get_record (self->timeline, i);

          if (record->kind == LAB_EVENT_DATA && record->endpoint_id == self->endpoint_id)
            ring_push (self, record->seq);
        }
      if (self->total != total && self->update_id == 0)
        self->update_id = g_timeout_add (UPDATE_INTERVAL_MS, on_update_timeout, self);
    }
  else if (removed != added)
    {
      const LabRecord *first = n > 0 ? lab_timeline_get_record (self->timeline, 0) : NULL;

      forget_before (self, first != NULL ? first->seq : G_MAXUINT64);
    }
  /* Rows changed in place (bytes no longer kept) keep their number. */
}

static GType
lab_message_log_get_item_type (GListModel *model)
{
  return LAB_TYPE_EVENT;
}

static guint
lab_message_log_get_n_items (GListModel *model)
{
  return LAB_MESSAGE_LOG (model)->shown->len;
}

static gpointer
lab_message_log_get_item (GListModel *model,
                          guint       position)
{
  LabMessageLog *self = LAB_MESSAGE_LOG (model);
  guint at;

  if (position >= self->shown->len)
    return NULL;

  at = lab_timeline_find (self->timeline, g_array_index (self->shown, guint64, position));
  if (at == G_MAXUINT)
    return NULL;
  return lab_timeline_dup_event (self->timeline, lab_timeline_get_record (self->timeline, at));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_message_log_get_item_type;
  iface->get_n_items = lab_message_log_get_n_items;
  iface->get_item = lab_message_log_get_item;
}

static void
lab_message_log_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabMessageLog *self = LAB_MESSAGE_LOG (object);

  switch (prop_id)
    {
    case PROP_N_DROPPED: g_value_set_uint64 (value, lab_message_log_get_n_dropped (self)); break;
    case PROP_FLOODING: g_value_set_boolean (value, self->flooding); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_message_log_dispose (GObject *object)
{
  LabMessageLog *self = LAB_MESSAGE_LOG (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  g_clear_object (&self->timeline);

  G_OBJECT_CLASS (lab_message_log_parent_class)->dispose (object);
}

static void
lab_message_log_finalize (GObject *object)
{
  LabMessageLog *self = LAB_MESSAGE_LOG (object);

  g_free (self->ring);
  g_array_unref (self->shown);

  G_OBJECT_CLASS (lab_message_log_parent_class)->finalize (object);
}

static void
lab_message_log_class_init (LabMessageLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_message_log_get_property;
  object_class->dispose = lab_message_log_dispose;
  object_class->finalize = lab_message_log_finalize;

  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LabMessageLog:flooding:
   *
   * See lab_message_log_get_flooding().
   */
  properties[PROP_FLOODING] =
    g_param_spec_boolean ("flooding", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_message_log_init (LabMessageLog *self)
{
  self->max = LAB_MESSAGE_LOG_DEFAULT_MAX;
  self->ring = g_new (guint64, self->max);
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->counted_at = g_get_monotonic_time ();
}

/**
 * lab_message_log_new:
 *
 * Returns: (transfer full): an empty log of the messages @endpoint_id
 *   receives and sends from now on, the newest
 *   %LAB_MESSAGE_LOG_DEFAULT_MAX kept
 */
LabMessageLog *
lab_message_log_new (LabTimeline *timeline,
                     guint        endpoint_id)
{
  LabMessageLog *self = g_object_new (LAB_TYPE_MESSAGE_LOG, NULL);

  self->timeline = g_object_ref (timeline);
  self->endpoint_id = endpoint_id;
  g_signal_connect_object (timeline, "items-changed", G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  return self;
}
