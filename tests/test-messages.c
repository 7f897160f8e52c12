/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-test-engine.h"

/* An endpoint's log of messages: the newest of its data events, the older
 * ones counted, emptied when it starts again, told at a bounded rate. */

typedef struct {
  LabEndpoint *server;
  LabEndpoint *client;
} Pair;

/* An echo server and a client connected to it, waiting in recv. */
static void
pair_start (LabTestFixture *f,
            gconstpointer   backend,
            Pair           *p)
{
  guint16 port;

  p->server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  p->client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  port = lab_test_start_server (p->server);
  g_object_set (lab_endpoint_get_config (p->client), "port", (guint) port, NULL);
  lab_test_start (p->client);
  lab_test_wait_waiting_in (p->client, "recv");
}

static void
pair_stop (Pair *p)
{
  lab_endpoint_stop (p->client);
  lab_endpoint_stop (p->server);
  lab_test_wait_stopped (p->client);
  lab_test_wait_stopped (p->server);
  g_clear_object (&p->client);
  g_clear_object (&p->server);
}

/* Sends @n messages from the client, each once the echo of the one before
 * came back, so that each is a data event of its own both ways. */
static void
exchange (LabTestFixture *f,
          Pair           *p,
          guint           n)
{
  g_autoptr(GByteArray) before = lab_test_log_data (f->log, p->client, LAB_DIRECTION_OUT);
  gsize sent = before->len;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%04u\n", i);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      g_autoptr(GError) error = NULL;

      g_assert_true (lab_endpoint_send (p->client, 0, bytes, TRUE, &error));
      g_assert_no_error (error);
      sent += strlen (text);
      /* The thread that sends records it after the one that reads may
       * have recorded the echo: both are waited for. */
      lab_test_log_wait_data (f->log, p->client, LAB_DIRECTION_IN, sent);
      lab_test_log_wait_data (f->log, p->client, LAB_DIRECTION_OUT, sent);
    }
}

static guint
count_data (LabTestFixture *f,
            LabEndpoint    *endpoint)
{
  return lab_test_log_count_data (f->log, endpoint, LAB_DIRECTION_IN) +
         lab_test_log_count_data (f->log, endpoint, LAB_DIRECTION_OUT);
}

typedef struct {
  guint signals;
  guint max_items;
  guint n_items;                /* as the signals so far say */
} Watch;

/* Counts the signals, and checks each as a view takes it: the list holds
 * what the signals so far say, and every row they add can be had. */
static void
on_log_changed (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                Watch      *w)
{
  w->signals++;
  g_assert_cmpuint (position + removed, <=, w->n_items);
  w->n_items = w->n_items - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, w->n_items);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (model, i);

      g_assert_nonnull (event);
    }
  w->max_items = MAX (w->max_items, w->n_items);
}

/* What arrives and what goes, each with its time and bytes. */
static void
test_shows_messages (LabTestFixture *f,
                     gconstpointer   backend)
{
  Pair p = { NULL, NULL };
  LabMessageLog *log;
  g_autoptr(LabEvent) out = NULL;
  g_autoptr(LabEvent) in = NULL;

  pair_start (f, backend, &p);
  log = lab_endpoint_get_messages (p.client);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  exchange (f, &p, 1);
  lab_message_log_update (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 2);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log), ==, 0);

  /* In the order of the timeline's numbers, which is not always the order
   * of the send and its echo: two threads record them. */
  out = g_list_model_get_item (G_LIST_MODEL (log), 0);
  in = g_list_model_get_item (G_LIST_MODEL (log), 1);
  if (lab_event_get_direction (out) == LAB_DIRECTION_IN)
    {
      LabEvent *swap = out;

      out = in;
      in = swap;
    }
  g_assert_cmpint (lab_event_get_direction (out), ==, LAB_DIRECTION_OUT);
  g_assert_cmpint (lab_event_get_direction (in), ==, LAB_DIRECTION_IN);
  g_assert_cmpuint (lab_event_get_seq (out), !=, lab_event_get_seq (in));
  lab_test_assert_event_bytes (out, "m0000\n");
  lab_test_assert_event_bytes (in, "m0000\n");
  g_assert_cmpint (lab_event_get_begin_time (in), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_endpoint_get_messages (p.server))), ==, 0);

  pair_stop (&p);
}

/* More than the bound: the newest stay, the others are counted. Started
 * again, the log is empty. */
static void
test_bound_and_restart (LabTestFixture *f,
                        gconstpointer   backend)
{
  Pair p = { NULL, NULL };
  LabMessageLog *log;
  g_autoptr(LabEvent) last = NULL;
  Watch w = { 0, 0, 0 };
  guint total;

  pair_start (f, backend, &p);
  log = lab_endpoint_get_messages (p.server);
  g_signal_connect (log, "items-changed", G_CALLBACK (on_log_changed), &w);
  lab_message_log_set_max_messages (log, 10);

  exchange (f, &p, 12);
  lab_test_log_wait_data (f->log, p.server, LAB_DIRECTION_OUT, 12 * 6);
  lab_message_log_update (log);
  total = count_data (f, p.server);
  g_assert_cmpuint (total, >=, 24);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 10);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log), ==, total - 10);
  last = g_list_model_get_item (G_LIST_MODEL (log), 9);
  g_assert_cmpint (lab_event_get_direction (last), ==, LAB_DIRECTION_OUT);
  lab_test_assert_event_bytes (last, "m0011\n");

  /* A smaller bound keeps the newest of those kept. */
  lab_message_log_set_max_messages (log, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 4);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log), ==, total - 4);
  g_clear_object (&last);
  last = g_list_model_get_item (G_LIST_MODEL (log), 3);
  lab_test_assert_event_bytes (last, "m0011\n");

  lab_endpoint_stop (p.server);
  lab_test_wait_stopped (p.server);
  lab_test_start_server (p.server);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log), ==, 0);
  g_assert_cmpuint (w.signals, >=, 3);

  g_signal_handlers_disconnect_by_data (log, &w);
  pair_stop (&p);
}

/* A timeline cleared takes the log's messages with it: no row is left
 * pointing at an event that is gone. */
static void
test_timeline_cleared (LabTestFixture *f,
                       gconstpointer   backend)
{
  Pair p = { NULL, NULL };
  LabMessageLog *log;

  pair_start (f, backend, &p);
  log = lab_endpoint_get_messages (p.client);
  exchange (f, &p, 3);
  lab_message_log_update (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 6);

  lab_timeline_clear (f->timeline);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log), ==, 6);

  exchange (f, &p, 1);
  lab_message_log_update (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (log), i);

      g_assert_nonnull (event);
    }

  pair_stop (&p);
}

typedef struct {
  LabTestFixture *f;
  LabEndpoint    *server;
  gsize           bytes;
} FloodWait;

static gboolean
flood_arrived (gpointer data)
{
  FloodWait *w = data;
  g_autoptr(GByteArray) echoed = lab_test_log_data (w->f->log, w->server, LAB_DIRECTION_OUT);

  /* The server records what it echoes after what it received. */
  return echoed->len >= w->bytes;
}

static void
on_flooding (LabMessageLog *log,
             GParamSpec    *pspec,
             guint         *floods)
{
  if (lab_message_log_get_flooding (log))
    (*floods)++;
}

/* A flood: ten thousand messages in a second or so. The log holds no
 * more than its bound, and tells the list ten times a second, not once a
 * message. */
static void
test_flood (LabTestFixture *f,
            gconstpointer   backend)
{
  Pair p = { NULL, NULL };
  LabMessageLog *log;
  Watch w = { 0, 0, 0 };
  guint floods = 0;
  FloodWait fw;
  gint64 start, elapsed_ms;
  const guint rounds = 20, per_round = 500, n = rounds * per_round;

  pair_start (f, backend, &p);
  log = lab_endpoint_get_messages (p.server);
  g_signal_connect (log, "items-changed", G_CALLBACK (on_log_changed), &w);
  g_signal_connect (log, "notify::flooding", G_CALLBACK (on_flooding), &floods);

  start = g_get_monotonic_time ();
  for (guint round = 0; round < rounds; round++)
    {
      for (guint i = 0; i < per_round; i++)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static ("flood\n", 6);

          g_assert_true (lab_endpoint_send (p.client, 0, bytes, FALSE, NULL));
        }
      lab_test_run_for (50);
    }
  fw = (FloodWait) { f, p.server, n * 6 };
  lab_test_wait (flood_arrived, &fw, 20000);
  lab_message_log_update (log);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_test_message ("%u messages in %" G_GINT64_FORMAT " ms: %u signals to the list, %u rows at most", n, elapsed_ms,
                  w.signals, w.max_items);
  g_assert_cmpuint (w.max_items, <=, LAB_MESSAGE_LOG_DEFAULT_MAX);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, LAB_MESSAGE_LOG_DEFAULT_MAX);
  g_assert_cmpuint (lab_message_log_get_n_dropped (log) + LAB_MESSAGE_LOG_DEFAULT_MAX, ==, count_data (f, p.server));
  /* Two signals an update at most (the oldest out, the newest in), ten
   * updates a second, and the last one asked for. */
  g_assert_cmpuint (w.signals, <=, 2 * (elapsed_ms / 100 + 2));
  /* ... and while the flood goes on, not only once it is over: the rows,
   * or, when more came in a tenth of a second than it holds, the flood. */
  g_assert_true (w.signals >= 4 || floods > 0);

  g_signal_handlers_disconnect_by_data (log, &w);
  g_signal_handlers_disconnect_by_data (log, &floods);
  pair_stop (&p);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("messages", "shows", test_shows_messages);
  lab_test_add_backends ("messages", "bound-restart", test_bound_and_restart);
  lab_test_add_backends ("messages", "timeline-cleared", test_timeline_cleared);
  lab_test_add_backends ("messages", "flood", test_flood);

  return g_test_run ();
}
