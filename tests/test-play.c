/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-experiment.h"
#include "lab-lessons.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-engine.h"

/* Play on a machine where a lesson's port is taken, as in a classroom: by
 * a socket the test holds on a port the kernel gave it. */

#define PLAY_TIMEOUT_MS 10000

/* A socket of the test's own on a loopback port the kernel chose:
 * listening for TCP, bound for UDP. */
static int
hold_port (int      type,
           guint16 *port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  if (type == SOCK_STREAM)
    g_assert_cmpint (listen (fd, 4), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  *port = ntohs (sin.sin_port);

  return fd;
}

/* A lesson as a file with other ports would have it: each port of the
 * lesson's becomes the one @ports maps it to, for servers and clients. */
static LabExperiment *
load_lesson (const char  *id,
             const guint *from,
             const guint *to,
             guint        n_ports)
{
  g_autoptr(GError) error = NULL;
  LabExperiment *experiment = lab_lessons_load (id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      LabEndpointConfig *config = lab_experiment_get_config (experiment, i);
      guint port;

      g_object_get (config, "port", &port, NULL);
      for (guint p = 0; p < n_ports; p++)
        if (port == from[p])
          {
            g_object_set (config, "port", to[p], NULL);
            break;
          }
    }

  return experiment;
}

static LabEndpoint *
endpoint_at (LabSession *session,
             guint       position)
{
  g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (lab_session_get_endpoints (session), position);

  g_assert_nonnull (endpoint);
  return endpoint;
}

static guint
config_port (LabEndpoint *endpoint)
{
  guint port;

  g_object_get (lab_endpoint_get_config (endpoint), "port", &port, NULL);
  return port;
}

static gboolean
is_stopped (gpointer data)
{
  LabEndpointState state = lab_endpoint_get_state (data);

  return !lab_endpoint_is_active (data) &&
         (state == LAB_ENDPOINT_STATE_STOPPED || state == LAB_ENDPOINT_STATE_FAILED);
}

static gboolean
is_failed (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_FAILED;
}

static gboolean
play_over (gpointer data)
{
  return !lab_session_is_playing (data);
}

/* Plays until @server has failed and Play has nothing left to start. */
static void
play_past_failure (LabSession  *session,
                   LabEndpoint *server)
{
  lab_session_play (session);
  lab_test_wait (is_failed, server, PLAY_TIMEOUT_MS);
  lab_test_wait (play_over, session, PLAY_TIMEOUT_MS);
}

static char *
joined_notes (LabSession *session)
{
  g_auto(GStrv) notes = lab_session_dup_play_notes (session);

  return g_strjoinv ("\n", notes);
}

static gboolean
has_note (gpointer data)
{
  g_auto(GStrv) notes = lab_session_dup_play_notes (data);

  return g_strv_length (notes) > 0;
}

/* An echo lesson whose port the test holds: Play moves the server and
 * its client to a free port, says so, and the client's bytes come back. */
static void
test_moves_busy_port (gconstpointer data)
{
  const char *id = data;
  gboolean tcp = strcmp (id, "01-tcp-echo") == 0;
  guint lesson_port = tcp ? 5000 : 5001;
  guint16 held;
  int fd = hold_port (tcp ? SOCK_STREAM : SOCK_DGRAM, &held);
  guint to = held;
  g_autoptr(LabExperiment) experiment = load_lesson (id, &lesson_port, &to, 1);
  g_autoptr(LabSession) session = lab_session_new ();
  LabTestLog *log = lab_test_log_new (lab_session_get_timeline (session));
  g_autofree char *notes = NULL;
  g_autofree char *said = NULL;
  g_autoptr(GByteArray) echoed = NULL;
  g_autoptr(GByteArray) sent = NULL;
  LabEndpoint *server, *client;
  guint moved;

  lab_session_load (session, experiment);
  server = endpoint_at (session, 0);
  client = endpoint_at (session, 1);
  g_assert_cmpuint (config_port (server), ==, held);

  lab_session_play (session);
  moved = config_port (server);
  g_assert_cmpuint (moved, !=, held);
  g_assert_cmpuint (moved, !=, 0);
  g_assert_cmpuint (config_port (client), ==, moved);
  /* The lab moved it, not the class: nothing to save. */
  g_assert_false (lab_session_get_modified (session));

  notes = joined_notes (session);
  said = g_strdup_printf ("Port %u is in use: the server “%s” and its clients use port %u this time", held,
                          lab_endpoint_get_name (server), moved);
  g_assert_cmpstr (notes, ==, said);

  lab_test_wait (play_over, session, PLAY_TIMEOUT_MS);
  lab_test_wait (is_stopped, client, PLAY_TIMEOUT_MS);
  g_assert_cmpuint (lab_endpoint_get_port (server), ==, moved);
  g_assert_cmpint (lab_endpoint_get_state (client), ==, LAB_ENDPOINT_STATE_STOPPED);
  lab_timeline_flush (lab_session_get_timeline (session));
  echoed = lab_test_log_data (log, client, LAB_DIRECTION_IN);
  sent = lab_test_log_data (log, client, LAB_DIRECTION_OUT);
  g_assert_cmpuint (sent->len, >, 0);
  g_assert_cmpmem (echoed->data, echoed->len, sent->data, sent->len);

  lab_session_stop_all (session);
  lab_test_wait (is_stopped, server, PLAY_TIMEOUT_MS);
  lab_test_log_free (log);
  close (fd);
}

/* A port the user typed on a bench of his own is his: Play leaves it, and
 * the server fails as it would have. */
static void
test_keeps_typed_port (void)
{
  guint16 held;
  int fd = hold_port (SOCK_STREAM, &held);
  g_autoptr(LabSession) session = lab_session_new ();
  LabEndpoint *server = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  LabEndpoint *client = lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  g_auto(GStrv) notes = NULL;

  g_object_set (lab_endpoint_get_config (server), "port", (guint) held, NULL);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) held, NULL);
  play_past_failure (session, server);

  g_assert_cmpuint (config_port (server), ==, held);
  notes = lab_session_dup_play_notes (session);
  g_assert_cmpuint (g_strv_length (notes), ==, 0);
  close (fd);
}

/* Leaves a connection on @port in TIME_WAIT: the test's own server side
 * closes first. Returns the port of the other end. */
static guint16
leave_time_wait (guint16 *port)
{
  int listener = hold_port (SOCK_STREAM, port);
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (*port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int client = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int accepted;
  char byte;

  g_assert_cmpint (connect (client, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  accepted = accept (listener, NULL, NULL);
  g_assert_cmpint (accepted, >=, 0);
  g_assert_cmpint (getsockname (client, (struct sockaddr *) &sin, &len), ==, 0);
  close (listener);
  close (accepted);
  /* The FIN has come once the client reads the end of the stream. */
  g_assert_cmpint (read (client, &byte, 1), ==, 0);
  close (client);

  return ntohs (sin.sin_port);
}

/* The lesson about EADDRINUSE with its port in TIME_WAIT: nothing moves,
 * the server without SO_REUSEADDR fails as the lesson says, and the lab
 * says what holds its port; its client is not started, and the other
 * server and its client play on. */
static void
test_reuseaddr_explains (void)
{
  guint from[2] = { 5000, 5002 };
  guint16 held, other, peer;
  guint to[2];
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabSession) session = lab_session_new ();
  LabTestLog *log = lab_test_log_new (lab_session_get_timeline (session));
  g_autofree char *notes = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *why = NULL;
  LabEndpoint *server, *second, *client, *second_client;

  peer = leave_time_wait (&held);
  other = lab_test_free_port (SOCK_STREAM);
  to[0] = held;
  to[1] = other;
  experiment = load_lesson ("08-reuseaddr", from, to, 2);
  lab_session_load (session, experiment);
  server = endpoint_at (session, 0);
  second = endpoint_at (session, 1);
  client = endpoint_at (session, 2);
  second_client = endpoint_at (session, 3);

  play_past_failure (session, server);
  lab_test_wait (has_note, session, PLAY_TIMEOUT_MS);
  g_assert_cmpuint (config_port (server), ==, held);
  g_assert_cmpuint (config_port (client), ==, held);
  g_assert_nonnull (strstr (lab_endpoint_get_error (server), "EADDRINUSE"));

  notes = joined_notes (session);
  g_test_message ("%s", notes);
  holder = g_strdup_printf ("127.0.0.1:%u ↔ 127.0.0.1:%u in TIME_WAIT", held, peer);
  g_assert_nonnull (strstr (notes, "The server “Server without SO_REUSEADDR” could not bind port"));
  g_assert_nonnull (strstr (notes, holder));

  why = lab_session_dup_not_started (session, client);
  g_assert_cmpstr (why, ==, "Not started: the server “Server without SO_REUSEADDR” could not start");

  lab_test_wait (is_stopped, second_client, PLAY_TIMEOUT_MS);
  lab_test_wait (is_stopped, second, PLAY_TIMEOUT_MS);
  g_assert_null (lab_session_dup_not_started (session, second_client));
  g_assert_cmpuint (config_port (second), ==, other);
  lab_timeline_flush (lab_session_get_timeline (session));
  g_assert_null (lab_test_log_find_call (log, client, LAB_OP_CONNECT));
  g_assert_nonnull (lab_test_log_find_call (log, second_client, LAB_OP_CONNECT));
  lab_test_log_free (log);
}

/* A server that cannot bind: its clients are not started, each says why,
 * and the timeline has no connect () of theirs; one started by hand
 * later no longer says it. */
static void
test_client_not_started (void)
{
  g_autoptr(LabExperiment) experiment = lab_experiment_new ();
  g_autoptr(LabEndpointConfig) server_config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  g_autoptr(LabEndpointConfig) client_config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
  g_autoptr(GBytes) data = g_bytes_new_static ("x", 1);
  g_autoptr(LabSession) session = lab_session_new ();
  LabTestLog *log = lab_test_log_new (lab_session_get_timeline (session));
  guint port = lab_test_free_port (SOCK_STREAM);
  g_autofree char *why = NULL;
  LabEndpoint *server, *first, *second;

  /* TEST-NET-1: no interface of this machine has it, so bind () fails. */
  g_object_set (server_config, "bind-address", "192.0.2.1", "port", port, NULL);
  g_object_set (client_config, "host", "192.0.2.1", "port", port, "initial-data", data, NULL);
  lab_experiment_set_title (experiment, "Nowhere to bind");
  lab_experiment_add_endpoint (experiment, "Echo server", server_config, TRUE, 0);
  lab_experiment_add_endpoint (experiment, "Client A", client_config, TRUE, 0);
  lab_experiment_add_endpoint (experiment, "Client B", client_config, TRUE, 200);
  lab_session_load (session, experiment);
  server = endpoint_at (session, 0);
  first = endpoint_at (session, 1);
  second = endpoint_at (session, 2);

  play_past_failure (session, server);
  lab_timeline_flush (lab_session_get_timeline (session));

  g_assert_nonnull (lab_test_log_find_call (log, server, LAB_OP_BIND));
  for (guint i = 0; i < 2; i++)
    {
      LabEndpoint *client = i == 0 ? first : second;
      g_autofree char *said = lab_session_dup_not_started (session, client);

      g_assert_cmpstr (said, ==, "Not started: the server “Echo server” could not start");
      g_assert_false (lab_endpoint_is_active (client));
      g_assert_null (lab_test_log_find_call (log, client, LAB_OP_CONNECT));
      g_assert_null (lab_test_log_find_call (log, client, LAB_OP_SOCKET));
    }

  /* Started by hand, it tries, and Play's word on it is over. */
  g_assert_true (lab_endpoint_start (first, NULL));
  why = lab_session_dup_not_started (session, first);
  g_assert_null (why);
  lab_test_wait (is_stopped, first, PLAY_TIMEOUT_MS);
  lab_test_log_free (log);
}

/* protolab-cli run FILE; the file is written in a directory of its own,
 * and goes with it. */
static int
run_cli_on (const char  *text,
            char       **out,
            char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-play-XXXXXX", &error);
  g_autofree char *path = NULL;
  const char *argv[] = { g_getenv ("PROTOLAB_CLI"), "run", "--duration", "20000", NULL, NULL };
  int status = -1;

  g_assert_no_error (error);
  g_assert_nonnull (argv[0]);
  path = g_build_filename (dir, "busy.protolab", NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  argv[4] = path;

  lab_test_run (argv, NULL, out, err, &status);
  g_remove (path);
  g_rmdir (dir);
  g_test_message ("%s", *err);

  return status;
}

/* The command line's Play moves a port in use as the window's does, and
 * says so on standard error; the client's bytes come back. */
static void
test_cli_moves_busy_port (void)
{
  guint16 held;
  int fd = hold_port (SOCK_STREAM, &held);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *said = NULL;
  const char *moved_at;
  guint moved;
  int status;

  text = g_strdup_printf ("[Experiment]\nTitle=Echo on a busy port\n\n"
                          "[Endpoint 1]\nName=Echo\nKind=tcp-server\nbind-address=127.0.0.1\nport=%u\n"
                          "max-connections=1\n\n"
                          "[Endpoint 2]\nName=Client\nKind=tcp-client\nhost=127.0.0.1\nport=%u\n"
                          "initial-data=hola\\n\nexpect-bytes=5\n", held, held);
  status = run_cli_on (text, &out, &err);
  close (fd);

  g_assert_cmpint (status, ==, 0);
  said = g_strdup_printf ("protolab-cli: Port %u is in use: the server “Echo” and its clients use port ", held);
  moved_at = strstr (err, said);
  g_assert_nonnull (moved_at);
  moved = (guint) g_ascii_strtoull (moved_at + strlen (said), NULL, 10);
  g_assert_cmpuint (moved, !=, held);
  g_assert_cmpuint (moved, !=, 0);
  g_assert_nonnull (strstr (out, "Client#1  ← in 5 bytes: hola\\n"));
}

/* Two servers, one with SO_REUSEADDR and one without, as the lesson about
 * EADDRINUSE has them, the first on a port the test listens on: nothing
 * moves, the command line says what holds the port and that the first
 * client was not started, and exits with 1. */
static void
test_cli_explains_and_fails (void)
{
  guint16 held;
  int fd = hold_port (SOCK_STREAM, &held);
  guint other = lab_test_free_port (SOCK_STREAM);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *said = NULL;
  int status;

  text = g_strdup_printf ("[Experiment]\nTitle=Address in use\n\n"
                          "[Endpoint 1]\nName=Plain\nKind=tcp-server\nbind-address=127.0.0.1\nport=%u\n"
                          "behaviour=time\nmax-connections=1\n\n"
                          "[Endpoint 2]\nName=Reusing\nKind=tcp-server\nbind-address=127.0.0.1\nport=%u\n"
                          "behaviour=time\nreuseaddr=true\nmax-connections=1\n\n"
                          "[Endpoint 3]\nName=First\nKind=tcp-client\nhost=127.0.0.1\nport=%u\n\n"
                          "[Endpoint 4]\nName=Second\nKind=tcp-client\nhost=127.0.0.1\nport=%u\n",
                          held, other, held, other);
  status = run_cli_on (text, &out, &err);
  close (fd);

  g_assert_cmpint (status, ==, 1);
  said = g_strdup_printf ("protolab-cli: The server “Plain” could not bind port %u, "
                          "in use by 127.0.0.1:%u in LISTEN", held, held);
  g_assert_nonnull (strstr (err, said));
  g_assert_nonnull (strstr (err, "protolab-cli: First: Not started: the server “Plain” could not start\n"));
  g_assert_null (strstr (out, "First#1  connect ("));
  g_assert_nonnull (strstr (out, "Second#1  connect ("));
}

static void
count_told (guint *told)
{
  (*told)++;
}

/* Where the lab network cannot be made, run in a program that did not
 * prepare it: Play says why the lesson's server on beta could not start,
 * as Start says it, and does not start the client that goes to it; once
 * the server is started by hand, that is no longer said. */
static void
refused_here (void)
{
  g_autoptr(GError) why = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = lab_lessons_load ("14-handshake", &error);
  g_autoptr(LabSession) session = lab_session_new ();
  g_autofree char *said = NULL;
  LabEndpoint *server, *client;
  guint told = 0;

  g_assert_no_error (error);
  g_assert_false (lab_network_check (&why));
  lab_session_load (session, experiment);
  server = endpoint_at (session, 0);
  client = endpoint_at (session, 1);
  g_signal_connect_swapped (session, "play-changed", G_CALLBACK (count_told), &told);

  lab_session_play (session);
  lab_test_wait (play_over, session, PLAY_TIMEOUT_MS);
  g_assert_cmpuint (told, >, 0);
  g_assert_false (lab_endpoint_is_active (server));
  g_assert_false (lab_endpoint_is_active (client));
  said = lab_session_dup_not_started (session, server);
  g_assert_cmpstr (said, ==, why->message);
  g_clear_pointer (&said, g_free);
  said = lab_session_dup_not_started (session, client);
  g_assert_cmpstr (said, ==, "Not started: the server “Server on beta” could not start");
  g_clear_pointer (&said, g_free);

  g_object_set (lab_endpoint_get_config (server), "network-host", "", "bind-address", "127.0.0.1", "port", 0, NULL);
  told = 0;
  lab_test_start (server);
  g_assert_cmpuint (told, ==, 1);
  g_assert_null (lab_session_dup_not_started (session, server));
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* The program run again, without the lab network. */
static void
test_refused (void)
{
  lab_test_run_without_lab_network ("/play/refused/here");
}

/* In the child, before the command line runs: a user namespace of its own,
 * in which it allows none to be made (the limit is the namespace's owner's
 * to set), as a system that allows no user namespace does. */
static void
allow_no_user_namespace (gpointer data)
{
  static const char zero[] = "0\n";
  int fd;

  if (unshare (CLONE_NEWUSER) != 0)
    _exit (77);
  fd = open ("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, zero, sizeof zero - 1) != sizeof zero - 1)
    _exit (78);
  close (fd);
}

/* Where the lab network cannot be made, the command line says why the
 * lesson's server could not start, and exits with 1. */
static void
test_cli_refused (void)
{
  const char *argv[] = { g_getenv ("PROTOLAB_CLI"), "run", "--quiet", "--duration", "20000", "14-handshake", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, allow_no_user_namespace, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err);
  if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 77)
    {
      g_test_skip ("This system allows no user namespace");
      return;
    }

  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 1);
  g_assert_nonnull (strstr (err, "protolab-cli: Server on beta: The lab network needs user namespaces, which "
                                 "this system does not allow (unshare (CLONE_NEWUSER): "));
  g_assert_nonnull (strstr (err, "protolab-cli: Client on alfa: Not started: the server “Server on beta” "
                                 "could not start\n"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  if (g_getenv ("PROTOLAB_TEST_WITHOUT_LAB_NETWORK") != NULL)
    {
      g_test_add_func ("/play/refused/here", refused_here);
      return g_test_run ();
    }

  g_test_add_data_func ("/play/moves-busy-port/tcp", "01-tcp-echo", test_moves_busy_port);
  g_test_add_data_func ("/play/moves-busy-port/udp", "02-udp-echo", test_moves_busy_port);
  g_test_add_func ("/play/keeps-typed-port", test_keeps_typed_port);
  g_test_add_func ("/play/reuseaddr-explains", test_reuseaddr_explains);
  g_test_add_func ("/play/client-not-started", test_client_not_started);
  g_test_add_func ("/play/refused", test_refused);
  g_test_add_func ("/play/cli/moves-busy-port", test_cli_moves_busy_port);
  g_test_add_func ("/play/cli/explains-and-fails", test_cli_explains_and_fails);
  g_test_add_func ("/play/cli/refused", test_cli_refused);

  return g_test_run ();
}
