/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-connection-list.h"
#include "lab-arena.h"
#include "lab-error.h"
#include "lab-session.h"
#include "lab-test-engine.h"
#include "lab-timeline-private.h"

/* Lab servers and lab clients, on both backends, talking over loopback. */

static LabEndpoint *
new_client (LabTestFixture  *f,
            LabEndpointKind  kind,
            gconstpointer    backend,
            guint16          port,
            const char      *text)
{
  LabEndpoint *client = lab_test_new_endpoint (f, kind, backend, "client");
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", data,
                "expect-bytes", (guint64) strlen (text),
                NULL);
  return client;
}

static void
assert_data (LabTestFixture *f,
             LabEndpoint    *endpoint,
             LabDirection    direction,
             const char     *expected)
{
  g_autoptr(GByteArray) data = NULL;

  lab_test_wait_for_data (f, endpoint, direction, strlen (expected));
  data = lab_test_log_data (f->log, endpoint, direction);
  g_assert_cmpmem (data->data, data->len, expected, strlen (expected));
}

static LabEvent *
first_data (LabTestFixture *f,
            LabEndpoint    *endpoint,
            LabDirection    direction)
{
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];

      if (lab_event_get_kind (event) == LAB_EVENT_DATA &&
          lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint) &&
          lab_event_get_direction (event) == direction)
        return event;
    }

  g_assert_not_reached ();
}

static void
test_tcp_echo (LabTestFixture *f,
               gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = NULL;
  g_autofree char *acceptor_ops = NULL;
  g_autofree char *serving_ops = NULL;
  g_autofree char *client_ops = NULL;
  guint16 port;

  port = lab_test_start_server (server);
  g_assert_cmpuint (port, >, 0);
  lab_test_wait_waiting_in (server, "accept");
  g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_WAITING);

  client = new_client (f, LAB_ENDPOINT_TCP_CLIENT, backend, port, "hola\n");
  lab_test_start (client);
  lab_test_wait_stopped (client);
  g_assert_cmpint (lab_endpoint_get_state (client), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_null (lab_endpoint_get_error (client));

  assert_data (f, client, LAB_DIRECTION_OUT, "hola\n");
  assert_data (f, client, LAB_DIRECTION_IN, "hola\n");
  assert_data (f, server, LAB_DIRECTION_IN, "hola\n");
  assert_data (f, server, LAB_DIRECTION_OUT, "hola\n");

  /* Bytes are stamped so that a send comes before the recv that got its
   * bytes, though the two threads record them in either order. */
  g_assert_cmpint (lab_event_get_begin_time (first_data (f, client, LAB_DIRECTION_OUT)), <=,
                   lab_event_get_begin_time (first_data (f, server, LAB_DIRECTION_IN)));
  g_assert_cmpint (lab_event_get_begin_time (first_data (f, server, LAB_DIRECTION_OUT)), <=,
                   lab_event_get_begin_time (first_data (f, client, LAB_DIRECTION_IN)));

  /* The client's own port, ephemeral, was asked with getsockname. */
  g_assert_cmpuint (lab_endpoint_get_port (client), >, 0);
  g_assert_cmpuint (lab_endpoint_get_port (client), !=, port);

  /* The server saw one connection, and knows its peer. */
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_connections (server)), ==, 1);
  {
    g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (server), 0);
    g_autofree char *peer = g_strdup_printf ("('127.0.0.1', %u)", lab_endpoint_get_port (client));

    g_assert_cmpstr (lab_connection_get_peer_address (connection), ==, peer);
    g_assert_cmpuint (lab_connection_get_bytes_in (connection), ==, 5);
    g_assert_cmpuint (lab_connection_get_bytes_out (connection), ==, 5);
  }

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  /* The course's order of calls, one for one: thread 1 accepts (the last
   * accept is the one the stop interrupted), thread 3 serves the client
   * (thread 2 carries out sends asked from outside). */
  acceptor_ops = lab_test_log_ops (f->log, server, 1);
  serving_ops = lab_test_log_ops (f->log, server, 3);
  client_ops = lab_test_log_ops (f->log, client, 0);
  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX)
    g_assert_cmpstr (acceptor_ops, ==, "socket bind listen getsockname accept accept close");
  else
    g_assert_cmpstr (acceptor_ops, ==, "socket bind configure listen getsockname accept getpeername "
                                       "accept close");
  g_assert_cmpstr (serving_ops, ==, "recv send recv close");
  g_assert_cmpstr (client_ops, ==, "getaddrinfo socket connect getsockname send recv close");

  /* The accept the stop woke returned an error, not a connection. */
  {
    g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, server, FALSE);
    LabEvent *last_accept = NULL;

    for (guint i = 0; i < calls->len; i++)
      if (lab_event_get_op (calls->pdata[i]) == LAB_OP_ACCEPT)
        last_accept = calls->pdata[i];
    g_assert_nonnull (last_accept);
    g_assert_true (lab_event_get_finished (last_accept));
    g_assert_cmpint (lab_event_get_errno (last_accept), ==,
                     GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX ? EINTR : ECANCELED);
  }
}

static void
test_udp_echo (LabTestFixture *f,
               gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = NULL;
  guint16 port;

  port = lab_test_start_server (server);
  lab_test_wait_waiting_in (server, "recvfrom");

  client = new_client (f, LAB_ENDPOINT_UDP_CLIENT, backend, port, "hola udp");
  lab_test_start (client);
  lab_test_wait_stopped (client);
  g_assert_null (lab_endpoint_get_error (client));

  assert_data (f, client, LAB_DIRECTION_IN, "hola udp");
  assert_data (f, server, LAB_DIRECTION_IN, "hola udp");
  assert_data (f, server, LAB_DIRECTION_OUT, "hola udp");

  /* The peer is a “connection” of the server, to reply to. */
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_connections (server)), ==, 1);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX)
    {
      g_autofree char *server_ops = lab_test_log_ops (f->log, server, 0);
      g_autofree char *client_ops = lab_test_log_ops (f->log, client, 0);

      g_assert_cmpstr (server_ops, ==, "socket bind getsockname recvfrom sendto recvfrom close");
      g_assert_cmpstr (client_ops, ==, "getaddrinfo socket sendto getsockname recvfrom close");
    }
}

/* A client told to send its data three times: a TCP one, three send ()
 * calls and the stream three copies long; a UDP one, three datagrams,
 * each echoed. */
static void
test_send_count (LabTestFixture *f,
                 gconstpointer  backend)
{
  static const LabEndpointKind kinds[][2] = {
    { LAB_ENDPOINT_TCP_SERVER, LAB_ENDPOINT_TCP_CLIENT },
    { LAB_ENDPOINT_UDP_SERVER, LAB_ENDPOINT_UDP_CLIENT },
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, kinds[k][0], backend, "server");
      g_autoptr(LabEndpoint) client = NULL;
      gboolean tcp = k == 0;
      guint16 port;

      port = lab_test_start_server (server);
      lab_test_wait_waiting_in (server, tcp ? "accept" : "recvfrom");
      client = new_client (f, kinds[k][1], backend, port, "abc\n");
      g_object_set (lab_endpoint_get_config (client), "send-count", 3u, "expect-bytes", (guint64) 12, NULL);
      lab_test_start (client);
      lab_test_wait_stopped (client);
      g_assert_null (lab_endpoint_get_error (client));

      assert_data (f, client, LAB_DIRECTION_OUT, "abc\nabc\nabc\n");
      assert_data (f, server, LAB_DIRECTION_IN, "abc\nabc\nabc\n");
      assert_data (f, client, LAB_DIRECTION_IN, "abc\nabc\nabc\n");
      g_assert_cmpuint (lab_test_log_count_calls (f->log, client, tcp ? LAB_OP_SEND : LAB_OP_SENDTO), ==, 3);
      g_assert_cmpuint (lab_test_log_count_data (f->log, client, LAB_DIRECTION_OUT), ==, 3);
      if (!tcp)
        g_assert_cmpuint (lab_test_log_count_data (f->log, server, LAB_DIRECTION_IN), ==, 3);
      lab_endpoint_stop (server);
      lab_test_wait_stopped (server);
    }
}

/* A UDP client told to send its data in pieces: a datagram each, twice
 * over, each echoed whole. */
static void
test_udp_chunks (LabTestFixture *f,
                 gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = NULL;
  g_autoptr(GPtrArray) got = NULL;
  guint16 port;

  port = lab_test_start_server (server);
  lab_test_wait_waiting_in (server, "recvfrom");
  client = new_client (f, LAB_ENDPOINT_UDP_CLIENT, backend, port, "01\n02\n03\n");
  g_object_set (lab_endpoint_get_config (client), "send-chunk", 3u, "send-count", 2u, "expect-bytes", (guint64) 18,
                NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  g_assert_null (lab_endpoint_get_error (client));

  g_assert_cmpuint (lab_test_log_count_calls (f->log, client, LAB_OP_SENDTO), ==, 6);
  got = lab_test_log_data_events (f->log, server, LAB_DIRECTION_IN);
  g_assert_cmpuint (got->len, ==, 6);
  for (guint i = 0; i < got->len; i++)
    {
      char expected[4];
      gsize len;
      const char *text = g_bytes_get_data (lab_event_get_bytes (got->pdata[i]), &len);

      g_snprintf (expected, sizeof expected, "0%u\n", i % 3 + 1);
      g_assert_cmpmem (text, len, expected, 3);
    }
  assert_data (f, client, LAB_DIRECTION_IN, "01\n02\n03\n01\n02\n03\n");
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* With the uppercase behaviour, lines are what count, not recv chunks. */
static void
test_tcp_upper (LabTestFixture *f,
                gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = NULL;
  guint16 port;

  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_UPPER, NULL);
  port = lab_test_start_server (server);

  client = new_client (f, LAB_ENDPOINT_TCP_CLIENT, backend, port, "hola tcp\notra linea\n");
  lab_test_start (client);
  lab_test_wait_stopped (client);
  assert_data (f, client, LAB_DIRECTION_IN, "HOLA TCP\nOTRA LINEA\n");

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

static void
test_each_model (LabTestFixture *f,
                 gconstpointer  backend)
{
  static const LabConcurrency models[] = {
    LAB_CONCURRENCY_ITERATIVE, LAB_CONCURRENCY_THREADS, LAB_CONCURRENCY_LOOP,
  };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
      LabEndpoint *clients[3];
      guint16 port;

      g_object_set (lab_endpoint_get_config (server), "concurrency", models[m], NULL);
      port = lab_test_start_server (server);

      for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
        {
          g_autofree char *text = g_strdup_printf ("client %u\n", i);

          clients[i] = new_client (f, LAB_ENDPOINT_TCP_CLIENT, backend, port, text);
          lab_test_start (clients[i]);
        }

      for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
        {
          g_autofree char *text = g_strdup_printf ("client %u\n", i);

          lab_test_wait_stopped (clients[i]);
          g_assert_null (lab_endpoint_get_error (clients[i]));
          assert_data (f, clients[i], LAB_DIRECTION_IN, text);
          g_object_unref (clients[i]);
        }

      lab_endpoint_stop (server);
      lab_test_wait_stopped (server);
      g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_STOPPED);
    }
}

/* Sends asked from outside (the window, the terminal) go out on the
 * endpoint's command thread, to one connection or to all. */
static void
test_manual_send (LabTestFixture *f,
                  gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello\n", 6);
  g_autoptr(GBytes) bye = g_bytes_new_static ("bye\n", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConnection) connection = NULL;
  guint16 port;

  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_MANUAL, NULL);
  port = lab_test_start_server (server);

  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_test_start (client);
  lab_test_wait_waiting_in (client, "recv");

  /* The client sends; the manual server only receives. */
  lab_endpoint_send (client, 0, hello, TRUE, &error);
  g_assert_no_error (error);
  assert_data (f, server, LAB_DIRECTION_IN, "hello\n");

  /* The server answers that one connection. */
  connection = g_list_model_get_item (lab_endpoint_get_connections (server), 0);
  lab_endpoint_send (server, lab_connection_get_id (connection), bye, TRUE, &error);
  g_assert_no_error (error);
  assert_data (f, client, LAB_DIRECTION_IN, "bye\n");

  /* Closing the connection from the server wakes its blocked recv. */
  lab_endpoint_close_connection (server, lab_connection_get_id (connection), &error);
  g_assert_no_error (error);
  lab_test_wait_stopped (client);
  g_assert_true (lab_test_log_has_note (f->log, client, LAB_NOTE_PEER_CLOSED));

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  /* A stopped endpoint says so, rather than sending nothing silently. */
  g_assert_false (lab_endpoint_send (server, 0, hello, TRUE, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_RUNNING);
}

static gboolean
is_waiting_in_recv (gpointer data)
{
  return g_strcmp0 (lab_endpoint_get_waiting_call (data), "recv") == 0;
}

/* Stopping wakes what blocks: accept, recv, and a client's recv. */
static void
test_stop_wakes (LabTestFixture *f,
                 gconstpointer  backend)
{
  static const LabConcurrency models[] = {
    LAB_CONCURRENCY_ITERATIVE, LAB_CONCURRENCY_THREADS, LAB_CONCURRENCY_LOOP,
  };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
      g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
      guint16 port;

      g_object_set (lab_endpoint_get_config (server), "concurrency", models[m], NULL);
      port = lab_test_start_server (server);
      g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
      lab_test_start (client);
      lab_test_wait (is_waiting_in_recv, client, 10000);

      /* Both block now, each in a real call. */
      lab_endpoint_stop (server);
      lab_endpoint_stop (client);
      lab_test_wait_stopped (server);
      lab_test_wait_stopped (client);
      g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_STOPPED);
      g_assert_cmpint (lab_endpoint_get_state (client), ==, LAB_ENDPOINT_STATE_STOPPED);
    }
}

/* A client offers one timeout: waiting for data follows the connect
 * timeout, as it changes, unless the two were set apart; a server's
 * receive timeout is its own. */
static void
test_client_timeouts (void)
{
  g_autoptr(LabEndpointConfig) client = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
  g_autoptr(LabEndpointConfig) server = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  guint recv_timeout;

  g_object_set (client, "connect-timeout", 1500, NULL);
  lab_endpoint_config_bind_client_timeouts (client);
  g_object_get (client, "recv-timeout", &recv_timeout, NULL);
  g_assert_cmpuint (recv_timeout, ==, 1500);
  g_object_set (client, "connect-timeout", 2500, NULL);
  g_object_get (client, "recv-timeout", &recv_timeout, NULL);
  g_assert_cmpuint (recv_timeout, ==, 2500);

  g_object_set (server, "recv-timeout", 700, NULL);
  lab_endpoint_config_bind_client_timeouts (server);
  g_object_get (server, "recv-timeout", &recv_timeout, NULL);
  g_assert_cmpuint (recv_timeout, ==, 700);

  /* A file's client with a receive timeout of its own keeps it when a
   * panel shows it: the UDP lessons' clients wait 2 s for their echoes */
  {
    g_autoptr(LabEndpointConfig) apart = lab_endpoint_config_new (LAB_ENDPOINT_UDP_CLIENT);

    g_object_set (apart, "recv-timeout", 2000, NULL);
    lab_endpoint_config_bind_client_timeouts (apart);
    g_object_get (apart, "recv-timeout", &recv_timeout, NULL);
    g_assert_cmpuint (recv_timeout, ==, 2000);
    g_object_set (apart, "connect-timeout", 3000, NULL);
    g_object_get (apart, "recv-timeout", &recv_timeout, NULL);
    g_assert_cmpuint (recv_timeout, ==, 2000);
  }
}

static int
connect_loopback (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  return fd;
}

/* A peer's one exchange with an echo server: sent, echoed, closed. */
static void
echo_once (guint16 port)
{
  int fd = connect_loopback (port);
  char buf[4];

  g_assert_cmpint (send (fd, "hey\n", 4, 0), ==, 4);
  g_assert_cmpint (recv (fd, buf, sizeof buf, MSG_WAITALL), ==, 4);
  close (fd);
}

/* An echo server sends back the very bytes it read: the timeline keeps
 * them once, for both events, and each event still shows its own. */
static void
test_echo_kept_once (LabTestFixture *f,
                     gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  LabArena *payload = lab_timeline_get_payload_arena (f->timeline);
  const gsize n = 256 * 1024;
  g_autofree guint8 *sent = g_malloc (n);
  g_autofree guint8 *back = g_malloc (n);
  g_autoptr(GByteArray) in = NULL;
  g_autoptr(GByteArray) out = NULL;
  guint64 written;
  int fd;

  for (gsize i = 0; i < n; i++)
    sent[i] = (guint8) g_random_int ();
  fd = connect_loopback (lab_test_start_server (server));
  written = lab_arena_get_written (payload);

  /* Sent and read back a piece at a time, so that nothing waits on a
   * full buffer either way. */
  for (gsize done = 0; done < n; done += 16384)
    {
      g_assert_cmpint (send (fd, sent + done, 16384, 0), ==, 16384);
      g_assert_cmpint (recv (fd, back + done, 16384, MSG_WAITALL), ==, 16384);
    }
  g_assert_cmpmem (back, n, sent, n);
  close (fd);
  lab_test_wait_for_data (f, server, LAB_DIRECTION_OUT, n);

  in = lab_test_log_data (f->log, server, LAB_DIRECTION_IN);
  out = lab_test_log_data (f->log, server, LAB_DIRECTION_OUT);
  g_assert_cmpmem (in->data, in->len, sent, n);
  g_assert_cmpmem (out->data, out->len, sent, n);
  /* Copied into the timeline as they came in, not again as they left. */
  g_test_message ("%" G_GSIZE_FORMAT " bytes echoed, %" G_GUINT64_FORMAT " kept", n,
                  lab_arena_get_written (payload) - written);
  g_assert_cmpuint (lab_arena_get_written (payload) - written, <, n + n / 4);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* The niceness of this process's threads named @prefix…, the lowest and
 * the highest, and how many there are. */
static guint
threads_niceness (const char *prefix,
                  int        *lowest,
                  int        *highest)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  *lowest = G_MAXINT;
  *highest = G_MININT;
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *end;
      int nice;

      if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
        continue;
      /* "tid (comm) state …": the niceness is the 19th field, the 17th
       * after the name. */
      fields = g_strsplit (end + 2, " ", -1);
      if (g_strv_length (fields) < 17 || !g_str_has_prefix (strchr (stat, '(') + 1, prefix))
        continue;
      nice = atoi (fields[16]);
      *lowest = MIN (*lowest, nice);
      *highest = MAX (*highest, nice);
      n++;
    }
  return n;
}

static gboolean
has_two_threads (gpointer data)
{
  int lowest, highest;

  return threads_niceness (data, &lowest, &highest) >= 2;
}

/* The endpoints' threads run at the niceness the session sets, from their
 * start: the window's own thread has the processor first. */
static void
test_thread_niceness (LabTestFixture *f,
                      gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autofree char *prefix = g_strdup_printf ("protolab-%u.", lab_endpoint_get_id (server));
  int lowest, highest;

  lab_session_set_thread_niceness (7);
  lab_test_start_server (server);
  /* The program's thread and the one that carries out commands, named by
   * the endpoint, the second a moment after the first may be: other
   * tests' threads may not have gone yet. */
  lab_test_wait (has_two_threads, prefix, 10000);
  threads_niceness (prefix, &lowest, &highest);
  g_assert_cmpint (lowest, ==, 7);
  g_assert_cmpint (highest, ==, 7);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_session_set_thread_niceness (0);
}

typedef struct {
  LabEndpoint *server;
  guint        served;
} Served;

static gboolean
all_closed (gpointer data)
{
  Served *s = data;
  GListModel *connections = lab_endpoint_get_connections (s->server);
  guint open = 0;

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(LabConnection) connection = g_list_model_get_item (connections, i);

      open += lab_connection_get_open (connection);
    }
  return open == 1 &&
         g_list_model_get_n_items (connections) + lab_endpoint_get_forgotten_connections (s->server) == s->served;
}

/* A server that serves all morning keeps its open connections and the
 * last closed ones, not every connection it served: the others are
 * forgotten, and counted. */
static void
test_forgets_old_connections (LabTestFixture *f,
                              gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  GListModel *connections = lab_endpoint_get_connections (server);
  Served served = { server, 0 };
  const guint n_peers = 3 * LAB_CONNECTION_LIST_KEEP_CLOSED;
  g_autoptr(LabConnection) first = NULL;
  guint16 port;
  int held;

  g_object_set (lab_endpoint_get_config (server), "concurrency", LAB_CONCURRENCY_THREADS, NULL);
  port = lab_test_start_server (server);

  /* The first connection stays open all along: never forgotten. */
  held = connect_loopback (port);
  echo_once (port);
  served.served = 2;
  lab_test_wait (all_closed, &served, 10000);
  /* Which of the two is the one still open: the threads may take them
   * in either order. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(LabConnection) c = g_list_model_get_item (connections, i);

      if (lab_connection_get_open (c))
        first = g_object_ref (c);
    }
  g_assert_nonnull (first);

  for (guint i = 0; i < n_peers; i++)
    echo_once (port);
  served.served += n_peers;
  lab_test_wait (all_closed, &served, 20000);

  g_assert_cmpuint (g_list_model_get_n_items (connections), <=, 1 + LAB_CONNECTION_LIST_KEEP_CLOSED * 5 / 4);
  g_assert_cmpuint (lab_endpoint_get_forgotten_connections (server), >=, n_peers + 1 - LAB_CONNECTION_LIST_KEEP_CLOSED * 5 / 4);
  {
    g_autoptr(LabConnection) newest = g_list_model_get_item (connections, g_list_model_get_n_items (connections) - 1);

    g_assert_true (lab_endpoint_find_connection (server, lab_connection_get_id (first)) == first);
    /* The last ones served are kept, in order, with their bytes. */
    for (guint i = 1; i < g_list_model_get_n_items (connections); i++)
      {
        g_autoptr(LabConnection) a = g_list_model_get_item (connections, i - 1);
        g_autoptr(LabConnection) b = g_list_model_get_item (connections, i);

        g_assert_cmpuint (lab_connection_get_id (a), <, lab_connection_get_id (b));
      }
    g_assert_false (lab_connection_get_open (newest));
    g_assert_cmpuint (lab_connection_get_bytes_in (newest), ==, 4);
  }

  close (held);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  /* A new run keeps nothing of the last, and has forgotten nothing. */
  lab_test_start_server (server);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 0);
  g_assert_cmpuint (lab_endpoint_get_forgotten_connections (server), ==, 0);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* Time 0 is the first event of a run, not when the timeline began: and it
 * is again after the timeline is cleared. */
static void
test_time_origin (LabTestFixture *f,
                  gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");

  for (guint run = 0; run < 2; run++)
    {
      guint first = f->log->events->len;
      gint64 earliest = G_MAXINT64;

      /* Long enough after the timeline began, or was cleared, to tell. */
      g_usleep (200 * 1000);
      lab_test_start_server (server);
      lab_test_wait_waiting_in (server, "accept");
      lab_endpoint_stop (server);
      lab_test_wait_stopped (server);
      lab_timeline_flush (f->timeline);

      g_assert_cmpuint (f->log->events->len, >, first);
      for (guint i = first; i < f->log->events->len; i++)
        earliest = MIN (earliest, lab_event_get_begin_time (f->log->events->pdata[i]));
      g_assert_cmpint (earliest, ==, 0);

      lab_timeline_clear (f->timeline);
    }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/endpoints/client-timeouts", test_client_timeouts);
  lab_test_add_backends ("endpoints", "tcp-echo", test_tcp_echo);
  lab_test_add_backends ("endpoints", "echo-kept-once", test_echo_kept_once);
  lab_test_add_backends ("endpoints", "thread-niceness", test_thread_niceness);
  lab_test_add_backends ("endpoints", "time-origin", test_time_origin);
  lab_test_add_backends ("endpoints", "udp-echo", test_udp_echo);
  lab_test_add_backends ("endpoints", "send-count", test_send_count);
  lab_test_add_backends ("endpoints", "udp-chunks", test_udp_chunks);
  lab_test_add_backends ("endpoints", "tcp-upper", test_tcp_upper);
  lab_test_add_backends ("endpoints", "models", test_each_model);
  lab_test_add_backends ("endpoints", "manual-send", test_manual_send);
  lab_test_add_backends ("endpoints", "stop-wakes", test_stop_wakes);
  lab_test_add_backends ("endpoints", "forgets-old-connections", test_forgets_old_connections);

  return g_test_run ();
}
