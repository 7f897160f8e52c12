/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-recorder.h"
#include "lab-timeline-private.h"

G_BEGIN_DECLS

/* The timeline's own fields, for the two files that make it:
 * lab-timeline.c records, flushes and is the list model; lab-timeline-store.c
 * keeps the store the views read. */

struct _LabTimeline
{
  GObject       parent_instance;

  GMainContext *context;
  gint64        start_us;
  /* Time 0 as the events tell it: the first reading of the clock since the
   * timeline began or was cleared, when a run begins. */
  GMutex        origin_lock;
  gint64        origin_us;
  gint          origin_set;

  /* Shared by every thread */
  LabRecorders *recorders;
  gint          flush_scheduled;
  LabArena     *payload;
  LabArena     *text;
  LabArena     *samples;       /* the kernel's TCP numbers, for the charts */

  GMutex        lock;          /* the names, the old arenas, the flush's source */
  GHashTable   *run_names;     /* endpoint << 16 | run → name */
  GHashTable   *marks;         /* endpoint → its mark, plus one */
  /* Traced calls' source lines: each text once, by its number less one */
  GPtrArray    *lines;
  GHashTable   *line_ids;      /* text → its number */
  GPtrArray    *old_arenas;
  GSource      *flush_source;
  GSource      *flush_guard;     /* the same flush, ahead of drawing, later */
  gint          flush_priority;
  gboolean      shared;          /* the main context draws a window too */
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

/* The store: an array of records, the oldest out first, whose rows keep
 * their places; main context only. */
LabRecord *lab_store_at             (LabTimeline *self,
                                     guint        position);
void       lab_store_reserve        (LabTimeline *self,
                                     guint        n);
void       lab_store_resize         (LabTimeline *self,
                                     guint        size);
void       lab_store_drop_front     (LabTimeline *self,
                                     guint        n);
guint      lab_store_find           (LabTimeline *self,
                                     guint64      seq);
gboolean   lab_store_forget_payload (LabTimeline *self,
                                     guint       *first,
                                     guint       *last);
void       lab_store_number_batch   (LabTimeline *self,
                                     GPtrArray   *batch);
void       lab_store_batch          (LabTimeline *self,
                                     GPtrArray   *batch,
                                     GPtrArray   *from,
                                     guint       *rows);

G_END_DECLS
