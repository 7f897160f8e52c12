/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab-application.h"
#include "lab-connection.h"
#include "lab-link.h"
#include "lab-link-panel.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-tcp-chart.h"
#include "lab-tcp-sample.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"
#include "lab-window.h"

/* The Link button's panel and the TCP chart: values typed as protolab-cli
 * takes them, refused at their field or applied at once; an experiment's
 * [Link] shown and saved; and, on the lab network, the round trip the
 * chart draws following a delay typed while a connection exchanges data. */

#define TIMEOUT_MS 10000

/* Types @text in @entry, as a user does, and presses Enter: its text
 * widget says it was activated, as Enter makes it (the entry passes it
 * on). */
static void
type_in (GtkWidget  *entry,
         const char *text)
{
  GtkWidget *typed = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry)));

  gtk_widget_grab_focus (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (typed, "activate");
}

static GtkWidget *
entry_of (LabWindow  *window,
          guint       host,
          const char *key)
{
  GtkWidget *entry = lab_link_panel_get_entry (LAB_LINK_PANEL (lab_window_get_link_panel (window)), host, key);

  g_assert_nonnull (entry);
  return entry;
}

static const char *
error_of (LabWindow  *window,
          guint       host,
          const char *key)
{
  GtkWidget *label = lab_link_panel_get_error (LAB_LINK_PANEL (lab_window_get_link_panel (window)), host, key);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
has_focus_in (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return focus != NULL && (focus == data || gtk_widget_is_ancestor (focus, data));
}

static void
test_link_panel_values (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  GtkWidget *delay = NULL;
  LabLinkConditions c;

  lab_link_reset ();
  lab_window_show_link (window);
  lab_test_ui_wait_mapped (lab_window_get_link_panel (window));
  delay = entry_of (window, 1, "Delay");
  /* Ctrl+Shift+L's action: the first field ready to type */
  lab_test_ui_wait (has_focus_in, delay, TIMEOUT_MS);

  /* A value the engine takes applies at once, as it reads it */
  type_in (delay, "80 ms");
  lab_link_get_conditions (1, &c);
  g_assert_cmpuint (c.delay_us, ==, 80000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (delay)), ==, "80ms");
  g_assert_null (error_of (window, 1, "Delay"));
  g_assert_true (lab_session_get_modified (session));
  lab_link_get_conditions (0, &c);
  g_assert_cmpuint (c.delay_us, ==, 0);

  /* One it does not take is said at its field, and changes nothing */
  type_in (delay, "80 parsecs");
  g_assert_true (gtk_widget_has_css_class (delay, "error"));
  g_assert_cmpstr (error_of (window, 1, "Delay"), ==,
                   "alfa → beta: not a value it takes: it must be a time from 0 to 10000 ms, as 80ms or 1.5s");
  lab_link_get_conditions (1, &c);
  g_assert_cmpuint (c.delay_us, ==, 80000);
  type_in (delay, "80ms");
  g_assert_false (gtk_widget_has_css_class (delay, "error"));
  g_assert_null (error_of (window, 1, "Delay"));

  /* Nor one the conditions as a whole refuse: a jitter over the delay */
  type_in (entry_of (window, 1, "Jitter"), "100ms");
  g_assert_cmpstr (error_of (window, 1, "Jitter"), ==, "alfa → beta: The link’s jitter must be no more than its delay");
  lab_link_get_conditions (1, &c);
  g_assert_cmpuint (c.jitter_us, ==, 0);
  type_in (entry_of (window, 1, "Jitter"), "");
  g_assert_null (error_of (window, 1, "Jitter"));

  /* The other way, and the rest of the kinds */
  type_in (entry_of (window, 0, "Loss"), "10%");
  type_in (entry_of (window, 0, "Rate"), "1mbit");
  type_in (entry_of (window, 0, "Queue"), "50");
  lab_link_get_conditions (0, &c);
  g_assert_cmpfloat_with_epsilon (c.loss, 0.1, 1e-9);
  g_assert_cmpuint (c.rate_bps, ==, 1000000);
  g_assert_cmpuint (c.queue_limit, ==, 50);
  type_in (entry_of (window, 0, "Rate"), "1 furlong");
  g_assert_nonnull (error_of (window, 0, "Rate"));
  lab_link_get_conditions (0, &c);
  g_assert_cmpuint (c.rate_bps, ==, 1000000);
  type_in (entry_of (window, 0, "Rate"), "1mbit");

  /* An MTU out of its range */
  type_in (entry_of (window, 1, "MTU"), "100");
  g_assert_cmpstr (error_of (window, 1, "MTU"), ==,
                   "beta: not a value it takes: it must be a whole number of bytes from 1280 to 9000");
  g_assert_cmpuint (lab_link_get_mtu (1), ==, 0);
  type_in (entry_of (window, 1, "MTU"), "1400");
  g_assert_cmpuint (lab_link_get_mtu (1), ==, 1400);

  /* The counters are shown */
  {
    g_autofree char *counters = lab_link_panel_dup_counters_text (LAB_LINK_PANEL (lab_window_get_link_panel (window)), 1);

    g_assert_true (strstr (counters, "Frames passed: 0\n") != NULL);
  }

  lab_link_reset ();
  lab_link_set_mtu (1, 0, NULL);
  lab_test_ui_close_window (window);
}

/* [Link] in a file opened shows in the panel, and the panel's values are
 * saved with the experiment. */
static void
test_link_panel_file (void)
{
  static const char text[] =
    "[Experiment]\nVersion=1\nTitle=Link\n\n"
    "[Link]\nDelay=40ms\nLoss=1%\n\n"
    "[Link to beta]\nDelay=80ms\nJitter=5ms\nRate=1mbit\nQueue=50\nMTU=1280\n";
  g_autofree char *dir = g_dir_make_tmp ("protolab-link-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "link.protolab", NULL);
  g_autofree char *saved_path = g_build_filename (dir, "saved.protolab", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) saved = g_file_new_for_path (saved_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  LabWindow *window = lab_test_ui_open_window ();

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (lab_test_ui_open_file (window, file));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "Delay"))), ==, "80ms");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "Jitter"))), ==, "5ms");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "Rate"))), ==, "1mbit");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "Queue"))), ==, "50");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "Loss"))), ==, "1%");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 0, "Delay"))), ==, "40ms");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 0, "Rate"))), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 1, "MTU"))), ==, "1280");
  /* [Link to beta]'s MTU is beta's own */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry_of (window, 0, "MTU"))), ==, "");
  g_assert_false (lab_session_get_modified (lab_window_get_session (window)));

  /* Changed in the panel, saved */
  type_in (entry_of (window, 0, "Delay"), "25ms");
  g_assert_true (lab_session_get_modified (lab_window_get_session (window)));
  g_assert_true (lab_test_ui_save_file (window, saved, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (saved_path, &contents, NULL, NULL));
  g_test_message ("%s", contents);
  g_assert_true (strstr (contents, "[Link to alfa]\nDelay=25ms\n") != NULL);
  g_assert_true (strstr (contents, "[Link to beta]\nDelay=80ms\n") != NULL);

  lab_test_ui_close_window (window);
  lab_link_reset ();
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    lab_link_set_mtu (i, 0, NULL);
  g_unlink (path);
  g_unlink (saved_path);
  g_rmdir (dir);
}

/* ---- The round trip follows the delay ---- */

static const char bench[] =
  "[Experiment]\nVersion=1\nTitle=Round trip\n\n"
  "[Endpoint 1]\nName=Server\nKind=tcp-server\nnetwork-host=beta\nbind-address=beta\nport=7000\nbehaviour=echo\n\n"
  /* No [Link]: the kernel's bridge forwards until the delay is typed,
   * and the lab's link from then on */
  "[Endpoint 2]\nName=Client\nKind=tcp-client\nnetwork-host=alfa\nhost=beta\nport=7000\nnodelay=true\n";

typedef struct {
  LabEndpoint *client;
  guint64      connection;
  gint         stop;
  gint         pushed;              /* sends the endpoint took */
} Exchange;

/* The client sends 8 KiB every 20 ms: a few segments each way, a round
 * trip measured at each acknowledgement; the server echoes them. From a
 * thread of its own, as a program's sends come: a window drawn without a
 * GPU may keep the main loop busy for a second or more while the Link
 * panel first shows, and the connection must go on meanwhile. */
static gpointer
send_some (gpointer data)
{
  Exchange *x = data;
  static char chunk[8192];
  g_autoptr(GBytes) bytes = NULL;

  memset (chunk, 'x', sizeof chunk);
  bytes = g_bytes_new_static (chunk, sizeof chunk);
  while (!g_atomic_int_get (&x->stop))
    {
      if (lab_endpoint_send (x->client, x->connection, bytes, TRUE, NULL))
        g_atomic_int_inc (&x->pushed);
      g_usleep (20 * 1000);
    }
  return NULL;
}

static gboolean
client_connected (gpointer data)
{
  Exchange *x = data;
  GListModel *connections = lab_endpoint_get_connections (x->client);

  if (g_list_model_get_n_items (connections) == 0)
    return FALSE;
  {
    g_autoptr(LabConnection) connection = g_list_model_get_item (connections, 0);

    x->connection = lab_connection_get_id (connection);
  }
  return TRUE;
}

typedef struct {
  LabTcpChart *chart;
  guint        least_us, most_us;
} RttWanted;

static gboolean
rtt_within (gpointer data)
{
  RttWanted *w = data;
  LabTcpSample s;

  return lab_tcp_chart_get_latest (w->chart, &s) && s.srtt_us >= w->least_us && s.srtt_us <= w->most_us;
}

static gboolean
exchanging (gpointer data)
{
  return lab_tcp_chart_get_n_points (data) >= 4;
}

static void
test_link_rtt_follows (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  LabWindow *window;
  LabTcpChart *chart;
  GtkWidget *page;
  Exchange x = { 0 };
  RttWanted wanted;
  LabTcpSample s;
  GThread *sender;
  gint64 changed;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  lab_link_reset ();
  window = lab_test_ui_open_bench (bench);
  chart = LAB_TCP_CHART (lab_window_get_tcp_chart (window));
  g_assert_false (lab_tcp_sample_get_enabled ());

  /* The TCP states' page, its chart under them: the kernel samples only
   * while it is shown */
  page = gtk_widget_get_ancestor (gtk_widget_get_ancestor (GTK_WIDGET (chart), GTK_TYPE_SCROLLED_WINDOW), GTK_TYPE_BOX);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_ancestor (page, GTK_TYPE_STACK)), page);
  lab_test_ui_wait_mapped (GTK_WIDGET (chart));
  g_assert_true (lab_tcp_sample_get_enabled ());

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  {
    g_autoptr(GListModel) endpoints = g_object_ref (lab_session_get_endpoints (session));

    x.client = g_list_model_get_item (endpoints, 1);
  }
  lab_test_ui_wait (client_connected, &x, TIMEOUT_MS);
  sender = g_thread_new ("sender", send_some, &x);
  lab_tcp_chart_set_connection (chart, x.connection);

  /* The bytes go and come back: the kernel's numbers change, and the chart
   * has a few samples, their round trip a few milliseconds at most */
  lab_test_ui_wait (exchanging, chart, TIMEOUT_MS);
  wanted = (RttWanted) { chart, 1, 20000 };
  lab_test_ui_wait (rtt_within, &wanted, TIMEOUT_MS);

  /* 50 ms each way, typed in the Link button's panel */
  lab_window_show_link (window);
  lab_test_ui_wait_mapped (lab_window_get_link_panel (window));
  g_assert_false (lab_link_is_running ());
  type_in (entry_of (window, 1, "Delay"), "50ms");
  type_in (entry_of (window, 0, "Delay"), "50ms");
  changed = g_get_monotonic_time ();
  g_assert_null (error_of (window, 1, "Delay"));
  g_assert_true (lab_link_is_running ());
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (chart)));

  /* The chart's round trip is twice the delay within two seconds */
  wanted = (RttWanted) { chart, 80000, 150000 };
  if (!lab_test_wait_until (rtt_within, &wanted, 2000 * lab_test_time_scale ()))
    {
      GListModel *events = G_LIST_MODEL (lab_session_get_timeline (session));
      LabLinkCounters to_beta, to_alfa;
      guint in_timeline = 0, sends = 0;
      gint64 last_send = 0;

      /* Whether the chart missed samples, or the kernel's watcher gave none */
      for (guint i = 0; i < g_list_model_get_n_items (events); i++)
        {
          g_autoptr(LabEvent) event = g_list_model_get_item (events, i);

          in_timeline += lab_event_get_kind (event) == LAB_EVENT_TCP_SAMPLE &&
                         lab_event_get_connection (event) == x.connection;
          if (lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_op (event) == LAB_OP_SEND &&
              lab_event_get_connection (event) == x.connection)
            sends++, last_send = lab_event_get_begin_time (event);
        }
      g_test_message ("the client took %d sends, the timeline has %u, the last %.0f ms after the change; "
                      "the client waits in %s", g_atomic_int_get (&x.pushed), sends,
                      (last_send - changed) / 1000.0, lab_endpoint_get_waiting_call (x.client));
      lab_link_get_counters (1, &to_beta);
      lab_link_get_counters (0, &to_alfa);
      g_assert_true (lab_tcp_chart_get_latest (chart, &s));
      {
        g_autofree char *text = lab_tcp_sample_text (&s);

        g_error ("the chart's srtt is %.1f ms (rttvar %.1f, %u points; the timeline has %u samples of the connection) "
                 "%u s after the change, not 80 to 150 ms; its last sample: %s (state %u, ca_state %u, timeouts %u, "
                 "rto %u µs, unacked %u, lost %u, resent %u); the link forwarded %" G_GUINT64_FORMAT " and %"
                 G_GUINT64_FORMAT " frames, delayed %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT ", dropped %"
                 G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT " (kernel %" G_GUINT64_FORMAT " and %"
                 G_GUINT64_FORMAT "), holds %u and %u", s.srtt_us / 1000.0, s.rttvar_us / 1000.0,
                 lab_tcp_chart_get_n_points (chart), in_timeline, 2 * lab_test_time_scale (), text, s.state,
                 s.ca_state, s.retransmits, s.rto_us, s.unacked, s.lost, s.total_retrans, to_beta.forwarded,
                 to_alfa.forwarded, to_beta.delayed, to_alfa.delayed,
                 to_beta.dropped_loss + to_beta.dropped_burst + to_beta.dropped_queue,
                 to_alfa.dropped_loss + to_alfa.dropped_burst + to_alfa.dropped_queue, to_beta.dropped_kernel,
                 to_alfa.dropped_kernel, to_beta.queued, to_alfa.queued);
      }
    }
  g_assert_true (lab_tcp_chart_get_latest (chart, &s));
  g_test_message ("srtt %.1f ms, rttvar %.1f ms, %.0f ms after the change, %u points", s.srtt_us / 1000.0,
                  s.rttvar_us / 1000.0, (g_get_monotonic_time () - changed) / 1000.0,
                  lab_tcp_chart_get_n_points (chart));
  g_assert_cmpuint (lab_tcp_chart_get_n_points (chart), <=, LAB_TCP_CHART_MAX_POINTS);
  /* And says so in words */
  g_assert_true (strstr (lab_tcp_chart_get_text (chart), "srtt ") != NULL);

  /* The counters say what the link held */
  {
    LabLinkCounters counters;

    lab_link_get_counters (1, &counters);
    g_assert_cmpuint (counters.delayed, >, 0);
  }

  g_atomic_int_set (&x.stop, TRUE);
  g_thread_join (sender);
  g_clear_object (&x.client);
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (lab_window_get_link_panel (window), GTK_TYPE_POPOVER)));
  lab_session_stop_all (session);
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), TIMEOUT_MS);
  {
    g_autoptr(LabExperiment) empty = lab_experiment_new ();

    lab_session_load (session, empty);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_false (lab_tcp_sample_get_enabled ());
  lab_link_reset ();
  lab_network_forget ();
}

static gboolean
client_ended (gpointer data)
{
  Exchange *x = data;

  return !lab_endpoint_is_active (x->client);
}

/* The lesson of the line that goes down, its client's connection charted:
 * the chart's sequence graph, in words, has the segments sent, those sent
 * again after each timeout, those the link dropped, and every byte
 * acknowledged in the end. */
static void
test_link_sequence_graph (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  LabWindow *window;
  LabTcpChart *chart;
  GtkWidget *page;
  Exchange x = { 0 };
  const char *text, *wire;
  guint sent = 0, again = 0, dropped = 0, acked = 0;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  lab_link_reset ();
  window = lab_test_ui_open_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "28-timeout");
  chart = LAB_TCP_CHART (lab_window_get_tcp_chart (window));
  page = gtk_widget_get_ancestor (gtk_widget_get_ancestor (GTK_WIDGET (chart), GTK_TYPE_SCROLLED_WINDOW), GTK_TYPE_BOX);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_ancestor (page, GTK_TYPE_STACK)), page);
  lab_test_ui_wait_mapped (GTK_WIDGET (chart));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  {
    g_autoptr(GListModel) endpoints = g_object_ref (lab_session_get_endpoints (session));

    x.client = g_list_model_get_item (endpoints, 1);
  }
  lab_test_ui_wait (client_connected, &x, TIMEOUT_MS);
  lab_tcp_chart_set_connection (chart, x.connection);
  lab_test_ui_wait (client_ended, &x, 4 * TIMEOUT_MS);
  g_assert_null (lab_endpoint_get_error (x.client));
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), TIMEOUT_MS);

  text = lab_tcp_chart_get_text (chart);
  g_test_message ("%s", text);
  wire = strstr (text, "On the wire: ");
  g_assert_nonnull (wire);
  g_assert_cmpint (sscanf (wire, "On the wire: segments sent %u, sent again %u, dropped by the link %u; bytes "
                                 "acknowledged %u.", &sent, &again, &dropped, &acked), ==, 4);
  /* 200 000 bytes in segments of 1448 at most, the same sent again at
   * each of three timeouts and more, each but the last lost */
  g_assert_cmpuint (sent, >=, 200000 / 1448);
  g_assert_cmpuint (again, >=, 3);
  g_assert_cmpuint (dropped, >=, 3);
  g_assert_cmpuint (acked, >=, 200000);

  g_clear_object (&x.client);
  {
    g_autoptr(LabExperiment) empty = lab_experiment_new ();

    lab_session_load (session, empty);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  lab_link_reset ();
  lab_network_forget ();
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/link-window/values", test_link_panel_values);
  g_test_add_func ("/link-window/file", test_link_panel_file);
  g_test_add_func ("/link-window/rtt-follows", test_link_rtt_follows);
  g_test_add_func ("/link-window/sequence-graph", test_link_sequence_graph);

  return g_test_run ();
}
