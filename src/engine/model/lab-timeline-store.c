/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-timeline-store-private.h"

/* The store the views read: the records of the timeline in a ring that
 * grows up to the limit of events, the oldest out first, in blocks, so
 * that a row keeps its place between two blocks; the end of a call is
 * applied to its call's row, and a row's bytes are forgotten once the
 * payload arena has gone past them. Only the main context touches it. */

LabRecord *
lab_store_at (LabTimeline *self,
              guint        position)
{
  return &self->ring[(self->head + position) % self->allocated];
}

/* Room for @n more, growing the array up to the capacity. */
void
lab_store_reserve (LabTimeline *self,
                   guint        n)
{
  guint want = MIN (self->capacity, self->len + n);
  guint size = self->allocated;

  if (want <= self->allocated)
    return;

  while (size < want)
    size = size == 0 ? MIN (self->capacity, 1024) : MIN (self->capacity, size * 2);
  lab_store_resize (self, size);
}

/* The array anew, of @size records, the stored ones first, in order. */
void
lab_store_resize (LabTimeline *self,
                  guint        size)
{
  LabRecord *ring = g_new (LabRecord, size);

  g_assert (size >= self->len);
  for (guint i = 0; i < self->len; i++)
    ring[i] = *lab_store_at (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->allocated = size;
  self->head = 0;
}

void
lab_store_drop_front (LabTimeline *self,
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
guint
lab_store_find (LabTimeline *self,
                guint64      seq)
{
  guint lo = 0, hi = self->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 at = lab_store_at (self, mid)->seq;

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

/* Where the call that @end ends is in the store, from @from on, or
 * G_MAXUINT: the open call of the thread that recorded it. The call is no
 * longer open once it is found there, or once it is known to be gone. */
static guint
find_open_call (LabTimeline *self,
                LabRecorder *rec,
                LabRecord   *end,
                guint        from)
{
  guint64 row;
  guint position = G_MAXUINT;

  if (!lab_recorder_get_open_call (rec, end, &row))
    return G_MAXUINT;

  if (row >= self->rows_base && row - self->rows_base < self->len)
    {
      position = row - self->rows_base;
      /* The end carries its call's number. */
      end->seq = lab_store_at (self, position)->seq;
    }
  if (position == G_MAXUINT || position >= from)
    lab_recorder_clear_open_call (rec, end);
  return position != G_MAXUINT && position >= from ? position : G_MAXUINT;
}

static gboolean
blob_held (LabTimeline     *self,
           const LabRecord *record)
{
  return lab_arena_holds (lab_timeline_get_arena_for (self, record), record->blob, record->blob_len);
}

/* The oldest rows whose bytes the payload arena has gone past since the
 * last look. Returns the range of rows that changed. */
gboolean
lab_store_forget_payload (LabTimeline *self,
                          guint       *first,
                          guint       *last)
{
  gboolean changed = FALSE;

  for (; self->payload_first < self->len; self->payload_first++)
    {
      LabRecord *record = lab_store_at (self, self->payload_first);

      /* Samples are in an arena of their own. */
      if (!lab_record_blob_is_payload (record) || record->kind == LAB_EVENT_TCP_SAMPLE ||
          record->blob == LAB_ARENA_NONE)
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

/* Gives each record of the batch, in order, its number as a row. */
void
lab_store_number_batch (LabTimeline *self,
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

/* Applies a batch to the store; @rows says, for each end of a call, the
 * row it ended (G_MAXUINT when that row is gone). */
void
lab_store_batch (LabTimeline *self,
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
      lab_store_drop_front (self, drop_old);
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
      apply_end (lab_store_at (self, position), record);
      rows[i] = position;
      changed_min = MIN (changed_min, position);
      changed_max = MAX (changed_max, position);
    }
  if (changed_min != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), changed_min, changed_max - changed_min + 1,
                                changed_max - changed_min + 1);

  /* The new rows, and the ends of calls among them. */
  lab_store_reserve (self, added - drop_new);
  for (guint i = 0; i < batch->len; i++)
    {
      LabRecord *record = batch->pdata[i];

      if (lab_record_has (record, LAB_RECORD_END))
        {
          if (rows[i] == G_MAXUINT && (rows[i] = find_open_call (self, from->pdata[i], record, old_len)) != G_MAXUINT)
            apply_end (lab_store_at (self, rows[i]), record);
          continue;
        }
      if (skipped < drop_new)
        {
          skipped++;
          continue;
        }
      *lab_store_at (self, self->len) = *record;
      if (lab_record_has (record, LAB_RECORD_BLOCKING) && !lab_record_has (record, LAB_RECORD_FINISHED))
        lab_recorder_set_open_call (from->pdata[i], record, self->rows_base + self->len);
      self->len++;
    }

  if (self->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, self->len - old_len);
}
