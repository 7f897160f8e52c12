/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-tcp-sample.h"
#include "lab-test-engine.h"
#include "lab-test-utils.h"

/* The lab network: hosts of the lab's own, made without privilege, that
 * endpoints run on; real connections between them, nothing out of them,
 * and nothing left behind. */

static void
skip_unless_available (void)
{
  g_autoptr(GError) error = NULL;

  /* Where user namespaces are refused the lab says so; the tests cannot
   * do more than check that it does. */
  if (!lab_network_check (&error))
    {
      g_assert_error (error, LAB_ERROR, LAB_ERROR_NETWORK);
      g_test_skip (error->message);
    }
}

static LabEndpoint *
new_on_host (LabTestFixture  *f,
             LabEndpointKind  kind,
             gconstpointer    backend,
             const char      *name,
             const char      *host)
{
  LabEndpoint *endpoint = lab_test_new_endpoint (f, kind, backend, name);

  g_object_set (lab_endpoint_get_config (endpoint), "network-host", host, NULL);
  return endpoint;
}

static char *
peer_of_first (LabEndpoint *endpoint)
{
  GListModel *connections = lab_endpoint_get_connections (endpoint);
  g_autoptr(LabConnection) connection = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (connections), >=, 1);
  connection = g_list_model_get_item (connections, 0);
  return g_strdup (lab_connection_get_peer_address (connection));
}

/* A server on beta, a client on alfa that names it: a real connection
 * from 10.80.0.1 to 10.80.0.2, and the echo back. */
static void
test_two_hosts (LabTestFixture *f,
                gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(LabEndpoint) client = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola", 4);
  g_autofree char *server_peer = NULL;
  g_autofree char *client_peer = NULL;
  g_autofree char *expected_peer = NULL;
  g_autofree char *args = NULL;
  LabEvent *connect;
  guint16 port;

  skip_unless_available ();
  if (!lab_network_check (NULL))
    return;

  server = new_on_host (f, LAB_ENDPOINT_TCP_SERVER, backend, "server", "beta");
  g_object_set (lab_endpoint_get_config (server), "bind-address", "beta", NULL);
  port = lab_test_start_server (server);

  client = new_on_host (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client", "alfa");
  g_object_set (lab_endpoint_get_config (client), "host", "beta", "port", (guint) port, "initial-data", hello, NULL);
  lab_test_start (client);
  lab_test_log_wait_data (f->log, client, LAB_DIRECTION_IN, 4);

  connect = lab_test_log_find_call (f->log, client, LAB_OP_CONNECT);
  g_assert_nonnull (connect);
  g_assert_cmpint (lab_event_get_errno (connect), ==, 0);
  args = lab_event_dup_args (connect);
  g_assert_nonnull (strstr (args, "10.80.0.2"));

  server_peer = peer_of_first (server);
  client_peer = peer_of_first (client);
  g_assert_true (g_str_has_prefix (server_peer, "('10.80.0.1', "));
  expected_peer = g_strdup_printf ("('10.80.0.2', %u)", port);
  g_assert_cmpstr (client_peer, ==, expected_peer);

  lab_endpoint_stop (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (client);
  lab_test_wait_stopped (server);
  /* The fixture counts descriptors: the lab's are let go of. */
  lab_network_forget ();
}

/* The hosts have no route out: an address beyond them is unreachable at
 * once, and nothing is sent. */
static void
test_no_route_out (LabTestFixture *f,
                   gconstpointer   backend)
{
  g_autoptr(LabEndpoint) client = NULL;
  LabEvent *connect;

  skip_unless_available ();
  if (!lab_network_check (NULL))
    return;

  client = new_on_host (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client", "alfa");
  /* TEST-NET-1: no machine has it; here it is not even routed to. */
  g_object_set (lab_endpoint_get_config (client), "host", "192.0.2.1", "port", 9u, NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);

  connect = lab_test_log_find_call (f->log, client, LAB_OP_CONNECT);
  g_assert_nonnull (connect);
  g_assert_cmpint (lab_event_get_errno (connect), ==, ENETUNREACH);
  lab_network_forget ();
}

/* A host the lab network does not have is a configuration's mistake. */
static void
test_unknown_host (void)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
  g_autoptr(GError) error = NULL;

  g_object_set (config, "network-host", "gamma", NULL);
  g_assert_false (lab_endpoint_config_validate (config, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "gamma"));
}

/* How many of the links under @dir (each entry's, or its @sub's) name a
 * network namespace other than the process's own. */
static guint
count_other_networks (const char *dir_path,
                      const char *sub)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autofree char *own = g_file_read_link ("/proc/self/ns/net", NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, sub, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      n += target != NULL && g_str_has_prefix (target, "net:[") && g_strcmp0 (target, own) != 0;
    }
  return n;
}

/* The network namespaces this process has a descriptor of, besides its own. */
static guint
count_other_namespaces (void)
{
  return count_other_networks ("/proc/self/fd", NULL);
}

/* The threads of this process in a network namespace not its own. */
static guint
count_threads_away (void)
{
  return count_other_networks ("/proc/self/task", "ns/net");
}

static gboolean
no_thread_away (gpointer data)
{
  return count_threads_away () == 0;
}

/* Made on first use, in namespaces only descriptors hold: once the lab
 * lets go of them and its threads are home, nothing of it is left, and the
 * desktop's network never had an interface of it. */
static void
test_nothing_left (LabTestFixture *f,
                   gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = NULL;
  struct if_nameindex *names;

  skip_unless_available ();
  if (!lab_network_check (NULL))
    return;

  server = new_on_host (f, LAB_ENDPOINT_TCP_SERVER, backend, "server", "alfa");
  lab_test_start_server (server);
  g_assert_true (lab_network_is_made ());
  g_assert_cmpuint (count_other_namespaces (), >=, 3);
  g_assert_cmpuint (count_threads_away (), >=, 1);

  names = if_nameindex ();
  for (guint i = 0; names != NULL && names[i].if_index != 0; i++)
    {
      g_assert_cmpstr (names[i].if_name, !=, "alfa");
      g_assert_cmpstr (names[i].if_name, !=, lab_network_get_link_name ());
    }
  if_freenameindex (names);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_network_forget ();
  lab_test_wait (no_thread_away, NULL, 10000);
  g_assert_cmpuint (count_other_namespaces (), ==, 0);
  g_assert_false (lab_network_is_made ());
}

/* Each thread of an endpoint on a host is in the host's network, from its
 * first call: the calls recorded are made there, by the threads recorded.
 * The test's own thread, as the window's, stays home. */
static void
test_threads_in_host (LabTestFixture *f,
                      gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(GDir) tasks = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *beta = NULL;
  g_autofree char *own = g_file_read_link ("/proc/thread-self/ns/net", NULL);
  g_autofree char *after = NULL;
  const char *tid;
  struct stat st;
  guint n = 0;
  int fd;

  skip_unless_available ();
  if (!lab_network_check (NULL))
    return;

  server = new_on_host (f, LAB_ENDPOINT_TCP_SERVER, backend, "server", "beta");
  lab_test_start_server (server);
  fd = lab_network_open_host ("beta", NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  close (fd);
  beta = g_strdup_printf ("net:[%" G_GUINT64_FORMAT "]", (guint64) st.st_ino);
  g_assert_cmpstr (beta, !=, own);

  prefix = g_strdup_printf ("protolab-%u.", lab_endpoint_get_id (server));
  tasks = g_dir_open ("/proc/self/task", 0, NULL);
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *net_path = g_build_filename ("/proc/self/task", tid, "ns", "net", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *net = NULL;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_has_prefix (comm, prefix))
        continue;
      net = g_file_read_link (net_path, NULL);
      g_assert_cmpstr (net, ==, beta);
      n++;
    }
  /* The program's thread and the one that carries out commands */
  g_assert_cmpuint (n, >=, 2);
  after = g_file_read_link ("/proc/thread-self/ns/net", NULL);
  g_assert_cmpstr (after, ==, own);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_network_forget ();
}

/* A lesson file with both hosts, run by protolab-cli as a user with no
 * privilege at all: when the tests run as root, as nobody. */
static void
test_without_privilege (void)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-network-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "two-hosts.protolab", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_assert_true (g_file_set_contents (file, LAB_TEST_TWO_HOSTS, -1, NULL));
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  g_assert_cmpint (chmod (file, 0644), ==, 0);

  if (geteuid () == 0)
    g_subprocess_launcher_set_child_setup (launcher, lab_test_drop_privilege, NULL, NULL);
  cli = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PROTOLAB_CLI"), "run", file, "--duration", "3",
                                     NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s", out);

  if (strstr (out, "user namespaces") != NULL)
    {
      g_test_skip ("user namespaces are not allowed here");
      return;
    }
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  g_assert_nonnull (strstr (out, "('10.80.0.2', 7000)) → 0"));
  g_assert_nonnull (strstr (out, "← in 4 bytes: Hola"));
  g_assert_nonnull (strstr (out, "accept ("));
  g_assert_nonnull (strstr (out, "('10.80.0.1', "));

  g_unlink (file);
  g_rmdir (dir);
}

static gboolean
tick (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The charts' samples of a connection's TCP numbers: asked for, the
 * watcher records them for a connection on the lab network, its round
 * trip the link's delay (20 ms to beta, on the way there only), its
 * congestion window and the peer's window given; not asked for, none. */
static void
test_tcp_samples (LabTestFixture *f,
                  gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(LabEndpoint) client = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola", 4);
  LabLinkConditions c;
  LabTcpSample sample = { 0 };
  gboolean found = FALSE;
  gint64 deadline;
  guint16 port;

  skip_unless_available ();
  if (!lab_network_check (NULL))
    return;

  lab_link_conditions_init (&c);
  c.delay_us = 20000;
  lab_link_set_conditions (1, &c);
  lab_tcp_sample_set_enabled (TRUE);
  server = new_on_host (f, LAB_ENDPOINT_TCP_SERVER, backend, "server", "beta");
  g_object_set (lab_endpoint_get_config (server), "bind-address", "beta", NULL);
  port = lab_test_start_server (server);
  client = new_on_host (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client", "alfa");
  g_object_set (lab_endpoint_get_config (client), "host", "beta", "port", (guint) port, "initial-data", hello, NULL);
  lab_test_start (client);
  lab_test_log_wait_data (f->log, client, LAB_DIRECTION_IN, 4);

  /* A sample comes within the watcher's interval of the connection's
   * last change: a few of them, bounded */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!found && g_get_monotonic_time () < deadline)
    {
      gboolean ticked = FALSE;
      guint id = g_timeout_add (20, tick, &ticked);

      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
      (void) id;
      lab_timeline_flush (f->timeline);
      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (f->timeline)); i > 0 && !found; i--)
        {
          g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (f->timeline), i - 1);

          found = lab_event_get_kind (event) == LAB_EVENT_TCP_SAMPLE &&
                  lab_event_get_endpoint_id (event) == lab_endpoint_get_id (client) &&
                  lab_event_get_tcp_sample (event, &sample);
        }
    }
  lab_tcp_sample_set_enabled (FALSE);
  lab_link_reset ();
  lab_endpoint_stop (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (client);
  lab_test_wait_stopped (server);
  lab_network_forget ();

  g_assert_true (found);
  g_test_message ("cwnd %u, srtt %u µs, peer's window %u", sample.cwnd, sample.srtt_us, sample.snd_wnd);
  g_assert_cmpuint (sample.cwnd, >=, 1);
  g_assert_cmpuint (sample.srtt_us, >=, 15000);
  g_assert_cmpuint (sample.srtt_us, <, 200000);
  g_assert_cmpuint (sample.snd_wnd, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("network", "two-hosts", test_two_hosts);
  lab_test_add_backends ("network", "no-route-out", test_no_route_out);
  lab_test_add_backends ("network", "nothing-left", test_nothing_left);
  lab_test_add_backends ("network", "threads-in-host", test_threads_in_host);
  lab_test_add_backends ("network", "tcp-samples", test_tcp_samples);
  g_test_add_func ("/network/unknown-host", test_unknown_host);
  g_test_add_func ("/network/without-privilege", test_without_privilege);

  return g_test_run ();
}
