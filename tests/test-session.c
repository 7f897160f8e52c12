/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-session.h"
#include "lab-test-engine.h"

/* The bench: what a new endpoint is filled in with, so a class can add a
 * server and a client and press Start twice. */

static LabEndpoint *
add (LabSession      *session,
     LabEndpointKind  kind)
{
  LabEndpoint *endpoint = lab_session_add (session, kind);

  g_assert_nonnull (endpoint);
  g_assert_true (lab_session_find (session, lab_endpoint_get_id (endpoint)) == endpoint);
  return endpoint;
}

static guint
port_of (LabEndpoint *endpoint)
{
  guint port;

  g_object_get (lab_endpoint_get_config (endpoint), "port", &port, NULL);
  return port;
}

static void
test_defaults (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  GListModel *endpoints = lab_session_get_endpoints (session);
  LabEndpoint *tcp1, *tcp2, *client, *udp, *udp_client;
  g_autofree char *host = NULL;

  /* Servers get the first free port of their transport, from 5000. */
  tcp1 = add (session, LAB_ENDPOINT_TCP_SERVER);
  tcp2 = add (session, LAB_ENDPOINT_TCP_SERVER);
  udp = add (session, LAB_ENDPOINT_UDP_SERVER);
  g_assert_cmpuint (port_of (tcp1), ==, 5000);
  g_assert_cmpuint (port_of (tcp2), ==, 5002);
  g_assert_cmpuint (port_of (udp), ==, 5001);
  g_assert_cmpstr (lab_endpoint_get_name (tcp1), ==, "TCP server 1");
  g_assert_cmpstr (lab_endpoint_get_name (tcp2), ==, "TCP server 2");
  g_assert_cmpstr (lab_endpoint_get_name (udp), ==, "UDP server 1");

  /* A client reaches the last server of its transport; one bound to every
   * interface is reached on loopback. */
  g_object_set (lab_endpoint_get_config (tcp2), "bind-address", "::", NULL);
  client = add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_object_get (lab_endpoint_get_config (client), "host", &host, NULL);
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port_of (client), ==, 5002);
  udp_client = add (session, LAB_ENDPOINT_UDP_CLIENT);
  g_assert_cmpuint (port_of (udp_client), ==, 5001);
  g_assert_cmpstr (lab_endpoint_get_name (udp_client), ==, "UDP client 1");
  {
    g_autofree char *network_host = NULL;

    g_object_get (lab_endpoint_get_config (client), "network-host", &network_host, NULL);
    g_assert_cmpstr (network_host, ==, "");
  }

  /* A server on a host of the lab network is reached there: by its name,
   * from the same host. */
  g_object_set (lab_endpoint_get_config (udp), "network-host", "beta", "bind-address", "beta", NULL);
  {
    LabEndpoint *on_beta = add (session, LAB_ENDPOINT_UDP_CLIENT);
    g_autofree char *beta_host = NULL;
    g_autofree char *network_host = NULL;

    g_object_get (lab_endpoint_get_config (on_beta), "host", &beta_host, "network-host", &network_host, NULL);
    g_assert_cmpstr (beta_host, ==, "beta");
    g_assert_cmpstr (network_host, ==, "beta");
    lab_session_remove (session, on_beta);
  }

  /* A port freed by a removed server is given again; names keep counting. */
  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 5);
  lab_session_remove (session, tcp1);
  g_assert_cmpuint (g_list_model_get_n_items (endpoints), ==, 4);
  tcp1 = add (session, LAB_ENDPOINT_TCP_SERVER);
  g_assert_cmpuint (port_of (tcp1), ==, 5000);
  g_assert_cmpstr (lab_endpoint_get_name (tcp1), ==, "TCP server 3");
  g_assert_null (lab_session_find (session, G_MAXUINT));
}

/* Stopping everything wakes the calls that block, on real sockets. */
static void
test_stop_all (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  LabEndpoint *server = add (session, LAB_ENDPOINT_TCP_SERVER);
  LabEndpoint *client;
  guint16 port;

  g_object_set (lab_endpoint_get_config (server), "bind-address", "127.0.0.1", "port", 0, NULL);
  port = lab_test_start_server (server);
  client = add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_test_start (client);
  lab_test_wait_waiting_in (client, "recv");

  lab_session_stop_all (session);
  lab_test_wait_stopped (server);
  lab_test_wait_stopped (client);
  g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_cmpint (lab_endpoint_get_state (client), ==, LAB_ENDPOINT_STATE_STOPPED);
}

static void
count (guint *changes)
{
  (*changes)++;
}

/* The bench knows when it differs from what was last loaded or saved:
 * an endpoint added or taken off, a name or a setting changed; a change
 * undone is no change. */
static void
test_modified (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) empty = lab_experiment_new ();
  g_autoptr(LabExperiment) saved = NULL;
  LabEndpoint *server, *client;
  guint notified = 0;

  g_assert_false (lab_session_get_modified (session));
  g_signal_connect_swapped (session, "notify::modified", G_CALLBACK (count), &notified);

  server = add (session, LAB_ENDPOINT_TCP_SERVER);
  g_assert_true (lab_session_get_modified (session));
  g_assert_cmpuint (notified, ==, 1);
  lab_session_remove (session, server);
  g_assert_false (lab_session_get_modified (session));

  server = add (session, LAB_ENDPOINT_TCP_SERVER);
  client = add (session, LAB_ENDPOINT_TCP_CLIENT);
  saved = lab_session_dup_experiment (session);
  lab_session_set_saved (session, saved);
  g_assert_false (lab_session_get_modified (session));

  g_object_set (lab_endpoint_get_config (server), "backlog", 1, NULL);
  g_assert_true (lab_session_get_modified (session));
  g_object_set (lab_endpoint_get_config (server), "backlog", 5, NULL);
  g_assert_false (lab_session_get_modified (session));
  lab_endpoint_set_name (client, "Ana's client");
  g_assert_true (lab_session_get_modified (session));
  lab_session_set_saved (session, saved);
  g_assert_true (lab_session_get_modified (session));

  /* Loaded, the bench is what was loaded. */
  lab_session_load (session, saved);
  g_assert_false (lab_session_get_modified (session));
  {
    g_autoptr(LabEndpoint) loaded = g_list_model_get_item (lab_session_get_endpoints (session), 1);

    lab_endpoint_set_breakpoint (loaded, LAB_OP_CONNECT, TRUE);
  }
  g_assert_true (lab_session_get_modified (session));
  lab_session_load (session, empty);
  g_assert_false (lab_session_get_modified (session));
  add (session, LAB_ENDPOINT_UDP_SERVER);
  g_assert_true (lab_session_get_modified (session));
}

/* What runs is counted: started, and not yet stopped. */
static void
test_count_active (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  LabEndpoint *server = add (session, LAB_ENDPOINT_TCP_SERVER);

  add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_assert_cmpuint (lab_session_count_active (session), ==, 0);
  g_object_set (lab_endpoint_get_config (server), "bind-address", "127.0.0.1", "port", 0, NULL);
  lab_test_start_server (server);
  g_assert_cmpuint (lab_session_count_active (session), ==, 1);
  lab_session_stop_all (session);
  lab_test_wait_stopped (server);
  g_assert_cmpuint (lab_session_count_active (session), ==, 0);
}

typedef struct {
  LabSession *session;
  LabOp       op;      /* -1: any */
  gint64      after;   /* held later than this */
} HeldWait;

static gboolean
holds (gpointer data)
{
  HeldWait *w = data;
  LabEvent *held = lab_session_get_held (w->session, NULL);

  return held != NULL && (w->op == (LabOp) -1 || lab_event_get_op (held) == w->op) &&
         lab_event_get_begin_time (held) > w->after;
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

/* Step mode for the whole bench: an endpoint added later is held too, the
 * call held longest is stepped first, and continue lets all run. */
static void
test_step_all (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  LabEndpoint *server, *client;
  HeldWait wait = { session, LAB_OP_SOCKET, -1 };
  guint16 port;
  guint changes = 0;

  g_signal_connect_swapped (session, "held-changed", G_CALLBACK (count), &changes);
  server = add (session, LAB_ENDPOINT_TCP_SERVER);
  g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
  lab_session_set_step_mode (session, TRUE);
  g_assert_true (lab_endpoint_get_step_mode (server));
  lab_session_set_breakpoint (session, LAB_OP_CONNECT, TRUE);
  g_assert_true (lab_session_get_breakpoint (session, LAB_OP_CONNECT));

  lab_test_start (server);
  lab_test_wait (holds, &wait, 10000);
  g_assert_cmpuint (changes, >, 0);

  /* Step the server to its accept, a call at a time: each held after the
   * one stepped. A server makes a handful of calls before it. */
  wait.op = LAB_OP_ACCEPT;
  for (guint i = 0; !holds (&wait); i++)
    {
      HeldWait after = { session, (LabOp) -1, lab_event_get_begin_time (lab_session_get_held (session, NULL)) };

      g_assert_cmpuint (i, <, 16);
      g_assert_true (lab_session_step (session) == server);
      lab_test_wait (holds, &after, 10000);
    }
  lab_test_wait (has_port, server, 10000);
  port = lab_endpoint_get_port (server);

  /* A client added now is in step mode, and has the breakpoint. */
  client = add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_assert_true (lab_endpoint_get_step_mode (client));
  g_assert_true (lab_endpoint_get_breakpoint (client, LAB_OP_CONNECT));
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_test_start (client);

  /* The server's accept was held first: it is stepped first. */
  wait.op = LAB_OP_ACCEPT;
  g_assert_true (holds (&wait));
  g_assert_true (lab_session_step (session) == server);

  /* Out of step mode the client runs to its breakpoint, then on. */
  lab_session_continue (session);
  g_assert_false (lab_session_get_step_mode (session));
  g_assert_false (lab_endpoint_get_step_mode (client));
  wait.op = LAB_OP_CONNECT;
  lab_test_wait (holds, &wait, 10000);
  g_assert_true (lab_session_step (session) == client);
  lab_test_wait_waiting_in (client, "recv");

  lab_session_stop_all (session);
  lab_test_wait_stopped (server);
  lab_test_wait_stopped (client);
}

/* The bench holds as many endpoints as a file does, and no more: saved
 * full, it opens again whole. */
static void
test_full (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabExperiment) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  for (guint i = 0; i < LAB_EXPERIMENT_MAX_ENDPOINTS; i++)
    {
      g_assert_false (lab_session_is_full (session));
      g_assert_nonnull (lab_session_add (session, i % 2 == 0 ? LAB_ENDPOINT_TCP_SERVER : LAB_ENDPOINT_UDP_CLIENT));
    }
  g_assert_true (lab_session_is_full (session));
  g_assert_null (lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT));
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, LAB_EXPERIMENT_MAX_ENDPOINTS);

  experiment = lab_session_dup_experiment (session);
  data = lab_experiment_to_data (experiment, &length);
  again = lab_experiment_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_experiment_get_n_endpoints (again), ==, LAB_EXPERIMENT_MAX_ENDPOINTS);
}

static LabEndpoint *
nth_endpoint (LabSession *session,
              guint       position)
{
  g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (lab_session_get_endpoints (session), position);

  return endpoint;
}

/* The endpoints of a bench never share a mark: a full bench has them all,
 * one taken off leaves its mark to the next added, and a file opened
 * starts them again from the first, however many came before. The rows of
 * an endpoint taken off keep its mark. */
static void
test_marks (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabEndpoint) removed = NULL;
  guint32 seen = 0;
  guint removed_id;

  for (guint i = 0; i < LAB_EXPERIMENT_MAX_ENDPOINTS; i++)
    {
      LabEndpoint *endpoint = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);

      g_assert_cmpuint (lab_endpoint_get_mark (endpoint), ==, i);
      seen |= 1u << lab_endpoint_get_mark (endpoint);
    }
  g_assert_cmpuint (seen, ==, 0xffff);

  removed = g_object_ref (nth_endpoint (session, 5));
  removed_id = lab_endpoint_get_id (removed);
  lab_session_remove (session, removed);
  g_assert_cmpuint (lab_endpoint_get_mark (lab_session_add (session, LAB_ENDPOINT_UDP_CLIENT)), ==, 5);
  g_assert_cmpuint (lab_timeline_get_endpoint_mark (lab_session_get_timeline (session), removed_id), ==, 5);

  /* A file of two: they open as the first two. */
  experiment = lab_experiment_new ();
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);

      lab_experiment_add_endpoint (experiment, "", config, FALSE, 0);
    }
  lab_session_load (session, experiment);
  g_assert_cmpuint (lab_endpoint_get_id (nth_endpoint (session, 0)), >, LAB_EXPERIMENT_MAX_ENDPOINTS);
  g_assert_cmpuint (lab_endpoint_get_mark (nth_endpoint (session, 0)), ==, 0);
  g_assert_cmpuint (lab_endpoint_get_mark (nth_endpoint (session, 1)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/session/defaults", test_defaults);
  g_test_add_func ("/session/stop-all", test_stop_all);
  g_test_add_func ("/session/step-all", test_step_all);
  g_test_add_func ("/session/full", test_full);
  g_test_add_func ("/session/marks", test_marks);
  g_test_add_func ("/session/modified", test_modified);
  g_test_add_func ("/session/count-active", test_count_active);

  return g_test_run ();
}
