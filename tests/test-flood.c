/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-message-log.h"
#include "lab-test-utils.h"
#include "lab-timeline-filter.h"
#include "lab-timeline-private.h"

/* How the views are told of a flood: a filter with a pace tells its rows
 * at most once a pace, and in a flood tells how many come instead of the
 * rows; so does a panel's message log. Records pushed as a worker pushes
 * them, on the main context of the test. */

#define PACE_MS     100
/* A pace no loaded machine outlasts between two pushes: what waits for it
 * is then sure to wait. */
#define LONG_PACE_MS 3000
#define WAIT_MS      10000
#define FLOOD_ROWS  200

/* A model's length as its signals say, checked at every signal: a view
 * asks for rows while it is told, and must find each one. */
typedef struct {
  guint length;
  guint signals;
} Told;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Told       *told)
{
  g_assert_cmpuint (position + removed, <=, told->length);
  told->length = told->length - removed + added;
  told->signals++;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, told->length);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_nonnull (item);
    }
}

/* Records @n events of @kind of endpoint 1, as a worker does, and
 * flushes: received calls, or received data. */
static void
push (LabTimeline  *timeline,
      LabEventKind  kind,
      guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      LabRecord record;

      lab_record_init (&record, kind);
      record.endpoint_id = 1;
      if (kind == LAB_EVENT_CALL)
        {
          record.op = LAB_OP_RECV;
          record.call = LAB_CALL_RECV;
          lab_record_set (&record, LAB_RECORD_FINISHED, TRUE);
        }
      else
        record.sub = LAB_DIRECTION_IN;
      lab_timeline_push (timeline, &record);
    }
  lab_timeline_flush (timeline);
}

static void
push_calls (LabTimeline *timeline,
            guint        n)
{
  push (timeline, LAB_EVENT_CALL, n);
}

static void
push_data (LabTimeline *timeline,
           guint        n)
{
  push (timeline, LAB_EVENT_DATA, n);
}

typedef struct {
  GListModel *model;
  guint       n;
} Length;

static gboolean
has_length (gpointer data)
{
  Length *length = data;

  return g_list_model_get_n_items (length->model) == length->n;
}

static gboolean
filter_calm (gpointer data)
{
  return !lab_timeline_filter_get_flooding (data);
}

static gboolean
log_calm (gpointer data)
{
  return !lab_message_log_get_flooding (data);
}

/* A lone batch is told at once; the next, within the pace, once the pace
 * has passed. */
static void
test_paced (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  g_autoptr(LabTimelineFilter) filter = lab_timeline_filter_new (timeline);
  Told told = { 0, 0 };

  Length all = { G_LIST_MODEL (filter), 48 };

  lab_timeline_filter_set_pace (filter, LONG_PACE_MS);
  lab_timeline_filter_set_flood_rows (filter, FLOOD_ROWS);
  g_signal_connect (filter, "items-changed", G_CALLBACK (on_items_changed), &told);

  push_calls (timeline, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 5);
  /* A few more, at once too: what a student's calls are. */
  push_calls (timeline, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 8);
  /* More than a few within the pace wait for it. */
  push_calls (timeline, 20);
  push_calls (timeline, 20);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 8);
  lab_test_wait (has_length, &all, WAIT_MS);
  /* Three tells, the last with both batches. */
  g_assert_cmpuint (told.signals, ==, 3);

  /* Asked to show one that waits, the filter tells at once. */
  push_calls (timeline, 20);
  g_assert_true (lab_timeline_filter_tell_now (filter));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 68);
  g_assert_false (lab_timeline_filter_tell_now (filter));
  g_assert_false (lab_timeline_filter_get_flooding (filter));

  g_signal_handlers_disconnect_by_data (filter, &told);
}

static void
on_flooding (LabTimelineFilter *filter,
             GParamSpec        *pspec,
             guint             *counts)
{
  if (!lab_timeline_filter_get_flooding (filter))
    return;
  /* No rows in a flood, and how many came, of which call. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 0);
  g_assert_cmpuint (lab_timeline_filter_get_flood (filter)->per_second, >, 0);
  g_assert_cmpuint (lab_timeline_filter_get_flood (filter)->calls_per_second[LAB_CALL_RECV], ==,
                    lab_timeline_filter_get_flood (filter)->per_second);
  (*counts)++;
}

/* More rows at once than a list keeps made: the rows told go, and the
 * view is told how many come, until fewer come; then every row at once. */
static void
test_flood (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  g_autoptr(LabTimelineFilter) filter = lab_timeline_filter_new (timeline);
  Told told = { 0, 0 };
  guint counts = 0;

  lab_timeline_filter_set_pace (filter, PACE_MS);
  lab_timeline_filter_set_flood_rows (filter, FLOOD_ROWS);
  g_signal_connect (filter, "items-changed", G_CALLBACK (on_items_changed), &told);
  g_signal_connect (filter, "notify::flooding", G_CALLBACK (on_flooding), &counts);

  push_calls (timeline, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 10);

  /* Ten times the rows at once, every tenth of a second, for a second. */
  for (guint i = 0; i < 10; i++)
    {
      push_calls (timeline, 10 * FLOOD_ROWS);
      lab_test_run_for (PACE_MS);
    }
  g_assert_true (lab_timeline_filter_get_flooding (filter));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 0);
  g_assert_cmpuint (counts, >=, 2);

  /* Calm: at a count with fewer come, every row. */
  lab_test_wait (filter_calm, filter, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 10 + 10 * 10 * FLOOD_ROWS);

  /* A change of filter is shown at once, however paced. */
  lab_timeline_filter_set (filter, 1u << LAB_EVENT_STATE, TRUE, 0, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filter)), ==, 0);

  g_signal_handlers_disconnect_by_data (filter, &told);
  g_signal_handlers_disconnect_by_data (filter, &counts);
}

/* A panel's messages: more come in a tenth of a second than the log holds,
 * it holds none and says how many come; calm, the newest again. */
static void
test_message_log_flood (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  g_autoptr(LabMessageLog) log = lab_message_log_new (timeline, 1);
  Told told = { 0, 0 };
  guint max = lab_message_log_get_max_messages (log);

  g_signal_connect (log, "items-changed", G_CALLBACK (on_items_changed), &told);

  push_data (timeline, 10);
  lab_test_run_for (150);
  g_assert_false (lab_message_log_get_flooding (log));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 10);

  for (guint i = 0; i < 6; i++)
    {
      push_data (timeline, 2 * max);
      lab_test_run_for (100);
    }
  g_assert_true (lab_message_log_get_flooding (log));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (lab_message_log_get_per_second (log), >=, max);

  lab_test_wait (log_calm, log, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, max);

  g_signal_handlers_disconnect_by_data (log, &told);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/flood/paced", test_paced);
  g_test_add_func ("/flood/rows", test_flood);
  g_test_add_func ("/flood/message-log", test_message_log_flood);

  return g_test_run ();
}
