/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-test-utils.h"
#include "lab-timeline-private.h"

/* The timeline beside a window that draws without pause, as one drawn
 * without a GPU in large text does on a busy machine: its flushes run
 * below the drawing, and still the store follows what is recorded, a few
 * tenths of a second behind at most. */

#define RECORDS      2000
#define DRAW_MS      12      /* each frame, longer than a frame lasts */
#define PRIORITY     (G_PRIORITY_DEFAULT_IDLE + 10)

/* A frame drawn, and the next one due at once. */
static gboolean
draw_frame (gpointer data)
{
  g_usleep (DRAW_MS * 1000);
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

typedef struct {
  LabTimeline *timeline;
  guint        n;
} Writer;

static gpointer
write_notes (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < w->n; i++)
    {
      LabRecord record;

      lab_record_init (&record, LAB_EVENT_NOTE);
      record.sub = LAB_NOTE_STARTED;
      record.thread = 1;
      lab_timeline_push (w->timeline, &record);
    }
  return NULL;
}

static void
test_follows_under_drawing (void)
{
  LabTimeline *timeline = lab_timeline_new ();
  Writer writer = { timeline, RECORDS };
  guint frames = 0, drawing;
  gint64 start, caught_up = 0;

  lab_timeline_share_main_context (timeline, PRIORITY);
  drawing = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, draw_frame, &frames, NULL);

  g_thread_join (g_thread_new ("writer", write_notes, &writer));
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 2 * G_USEC_PER_SEC)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_list_model_get_n_items (G_LIST_MODEL (timeline)) == RECORDS)
        {
          caught_up = g_get_monotonic_time ();
          break;
        }
    }
  g_source_remove (drawing);

  g_test_message ("%u frames drawn; the store had all %u records after %.0f ms", frames, RECORDS,
                  caught_up > 0 ? (caught_up - start) / 1000.0 : -1.0);
  g_assert_cmpint (caught_up, >, 0);
  g_assert_cmpint (caught_up - start, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (frames, >, 0);

  g_assert_finalize_object (timeline);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/timeline-drawing/follows", test_follows_under_drawing);

  return g_test_run ();
}
