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

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/session/defaults", test_defaults);
  g_test_add_func ("/session/stop-all", test_stop_all);

  return g_test_run ();
}
