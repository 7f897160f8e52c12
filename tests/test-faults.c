/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-connection-list.h"

#include "lab-test-engine.h"
#include "lab-test-faults.h"

/* Peers that misbehave, against every model of TCP server and both
 * backends: none of them may stop the server, make it spin, or make it hold
 * what it no longer needs. */

static gboolean
serves_many (LabFault *f)
{
  return f->model != LAB_CONCURRENCY_ITERATIVE;
}

/* A fresh client is answered. */
static void
assert_answers (guint16 port)
{
  int fd = lab_peer_connect (port);

  g_assert_true (lab_peer_echo (fd, "still there?\n", 5000));
  close (fd);
}

/* Peers that send, read part of the echo, and reset (SO_LINGER 0, then
 * close) while the server still has bytes on the way to them. */
static void
test_reset_mid_stream (LabFault      *f,
                       gconstpointer  data)
{
  guint16 port;
  guint n = serves_many (f) ? 16 : 4;
  g_autofree int *fds = g_new (int, n);
  g_autofree guint8 *load = g_malloc0 (256 * 1024);

  /* Large receives, so that the echo is often a send the kernel takes in
   * part, and the next send finds the reset. */
  g_object_set (lab_endpoint_get_config (f->server), "buffer-size", 256u * 1024, NULL);
  port = lab_fault_start (f);
  for (guint round = 0; round < (serves_many (f) ? 1 : n); round++)
    {
      guint first = serves_many (f) ? 0 : round;
      guint last = serves_many (f) ? n : round + 1;

      for (guint i = first; i < last; i++)
        {
          guint8 byte;

          fds[i] = lab_peer_connect (port);
          g_assert_true (lab_peer_send_all (fds[i], load, 256 * 1024, 5000));
          g_assert_true (lab_peer_read_exactly (fds[i], &byte, 1, 5000));
        }
      for (guint i = first; i < last; i++)
        lab_peer_reset (fds[i]);
    }

  /* It closed each of them, and serves on. */
  lab_fault_wait_count (f, &f->tally->calls[LAB_OP_CLOSE], n, 10000);
  assert_answers (port);
  lab_fault_assert_serving (f);
}

/* Each half-closes (shutdown (SHUT_WR)) with its echo still coming, and
 * reads on: every byte comes back, then the server's own end. */
static void
test_half_close (LabFault      *f,
                 gconstpointer  data)
{
  guint16 port = lab_fault_start (f);
  guint n = serves_many (f) ? 4 : 2;
  gsize len = 512 * 1024;
  g_autofree guint8 *sent = g_malloc (len);
  g_autofree guint8 *back = g_malloc (len);
  g_autofree int *fds = g_new (int, n);

  for (guint i = 0; i < n; i++)
    fds[i] = lab_peer_connect (port);

  for (guint i = 0; i < n; i++)
    {
      for (gsize k = 0; k < len; k++)
        sent[k] = (guint8) (k * 7 + i);
      memset (back, 0, len);

      /* Half of it answered, then the rest and the end at once. */
      g_assert_true (lab_peer_exchange (fds[i], sent, back, len / 2, FALSE, 5000));
      g_assert_true (lab_peer_exchange (fds[i], sent + len / 2, back + len / 2, len - len / 2, TRUE, 5000));
      g_assert_cmpmem (back, len, sent, len);
      g_assert_true (lab_peer_wait_end (fds[i], 5000));
      close (fds[i]);
    }

  lab_timeline_flush (f->timeline);
  g_assert_cmpuint (f->tally->notes[LAB_NOTE_PEER_CLOSED], ==, n);
  assert_answers (port);
  lab_fault_assert_serving (f);
}

/* A peer that sends and sends and never reads what comes back: the server
 * takes no more than its buffers hold, serves the others meanwhile (one at
 * a time: once it has gone), and a stop still wakes it. */
static void
test_never_reads (LabFault      *f,
                  gconstpointer  data)
{
  guint16 port = lab_fault_start (f);
  int greedy = lab_peer_connect (port);
  gsize rss, taken;

  g_assert_true (lab_peer_echo (greedy, "hola\n", 5000));
  rss = lab_test_rss ();
  taken = lab_peer_fill (greedy, 300, 256 * 1024 * 1024);
  g_test_message ("the server took %" G_GSIZE_FORMAT " bytes from a peer that never reads", taken);
  g_assert_cmpuint (taken, <, 64 * 1024 * 1024);

  if (serves_many (f))
    {
      for (guint i = 0; i < 3; i++)
        assert_answers (port);
    }
  else
    {
      int next = lab_peer_connect (port);

      lab_peer_reset (greedy);
      greedy = -1;
      g_assert_true (lab_peer_echo (next, "next\n", 5000));
      close (next);
    }

  lab_test_assert_rss_growth (rss, RSS_SLACK);
  lab_fault_assert_serving (f);

  /* Stop wakes a send that waits for a peer that never reads. */
  lab_fault_stop (f);
  if (greedy >= 0)
    close (greedy);
}

/* 10 000 connection attempts while the server serves as many clients as
 * it may: those it serves are answered at once, and it makes no calls of
 * its own meanwhile (a loop that polls a listener it does not accept from
 * makes about 100 000 a second). */
static void
test_past_max_clients (LabFault      *f,
                       gconstpointer  data)
{
  guint n_served = serves_many (f) ? 2 : 1;
  int served[2];
  guint16 port;
  guint64 calls;
  gint64 begin, slowest = 0;
  double seconds, rate;

  g_object_set (lab_endpoint_get_config (f->server), "max-clients", 2u, "backlog", 16, NULL);
  port = lab_fault_start (f);
  for (guint i = 0; i < n_served; i++)
    {
      served[i] = lab_peer_connect (port);
      g_assert_true (lab_peer_echo (served[i], "first\n", 5000));
    }

  calls = lab_tally_program_calls (f->tally);
  begin = g_get_monotonic_time ();
  for (guint batch = 0; batch < 40; batch++)
    {
      int fds[250];

      for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
        fds[i] = lab_peer_connect_start (port);
      for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
        lab_peer_reset (fds[i]);

      for (guint i = 0; i < n_served; i++)
        {
          gint64 asked = g_get_monotonic_time ();

          g_assert_true (lab_peer_echo (served[i], "ping\n", 5000));
          slowest = MAX (slowest, g_get_monotonic_time () - asked);
        }
      g_main_context_iteration (NULL, FALSE);
    }
  seconds = (g_get_monotonic_time () - begin) / (double) G_USEC_PER_SEC;
  rate = (lab_tally_program_calls (f->tally) - calls) / MAX (seconds, 0.5);

  g_test_message ("10 000 attempts in %.2f s: %.0f calls a second, the slowest answer %.1f ms", seconds, rate,
                  slowest / 1000.0);
  g_assert_cmpfloat (rate, <, 2000);
  g_assert_cmpint (slowest, <, G_USEC_PER_SEC);
  lab_fault_assert_serving (f);

  for (guint i = 0; i < n_served; i++)
    close (served[i]);
}

static guint64
connection_of (LabFault *f,
               int       fd)
{
  g_autofree char *peer = g_strdup_printf ("('127.0.0.1', %u)", lab_peer_port (fd));
  GListModel *connections = lab_endpoint_get_connections (f->server);

  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(LabConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (lab_connection_get_peer_address (connection), peer) == 0)
        return lab_connection_get_id (connection);
    }

  g_assert_not_reached ();
}

/* Close on one connection ends it, and only it: the other's thread (or,
 * one at a time, the next client) goes on as if nothing happened. */
static void
test_close_one (LabFault      *f,
                gconstpointer  data)
{
  guint16 port = lab_fault_start (f);
  int closed = lab_peer_connect (port);
  int other = lab_peer_connect (port);
  g_autoptr(GError) error = NULL;
  guint64 other_conn = 0;

  g_assert_true (lab_peer_echo (closed, "one\n", 5000));
  if (serves_many (f))
    {
      g_assert_true (lab_peer_echo (other, "two\n", 5000));
      other_conn = connection_of (f, other);
    }
  /* Its server side waits in recv () again. */
  g_usleep (50 * 1000);

  g_assert_true (lab_endpoint_close_connection (f->server, connection_of (f, closed), &error));
  g_assert_no_error (error);
  g_assert_true (lab_peer_wait_end (closed, 5000));

  g_assert_true (lab_peer_echo (other, "still two\n", 5000));
  if (other_conn == 0)
    other_conn = connection_of (f, other);
  g_assert_cmpuint (lab_tally_failures_on (f->tally, other_conn), ==, 0);
  lab_fault_assert_serving (f);

  close (closed);
  close (other);
}

/* Send from the window more than the peer's buffers take while it does
 * not read: the send waits until the peer reads, in every model (the
 * event loop's sockets are non-blocking: it waits for them to be
 * writable), and every byte arrives in order. */
static void
test_send_to_slow_reader (LabFault      *f,
                          gconstpointer  data)
{
  const gsize len = 8 * 1024 * 1024;
  guint16 port = lab_fault_start (f);
  int slow = lab_peer_connect (port);
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *out = g_malloc (len);
  g_autofree guint8 *in = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    out[i] = (guint8) (i * 7 + i / 251);
  big = g_bytes_new (out, len);

  g_assert_true (lab_peer_echo (slow, "hi\n", 5000));
  g_assert_true (lab_endpoint_send (f->server, connection_of (f, slow), big, TRUE, &error));
  g_assert_no_error (error);

  /* The peer's buffers fill: the send is left waiting a while. */
  g_usleep (200 * 1000);
  g_assert_true (lab_peer_read_exactly (slow, in, len, 20000));
  g_assert_true (memcmp (in, out, len) == 0);
  lab_fault_assert_serving (f);

  close (slow);
}

/* A client costs the server its socket and nothing more: 200 clients
 * waiting in recv () hold 200 descriptors (and the test's own 200). */
static void
test_descriptors_per_client (LabFault      *f,
                             gconstpointer  data)
{
  guint16 port = lab_fault_start (f);
  guint n = 200;
  g_autofree int *fds = g_new (int, n);
  guint base, count;

  assert_answers (port);
  g_usleep (50 * 1000);
  base = lab_test_count_fds ();
  for (guint i = 0; i < n; i++)
    {
      fds[i] = lab_peer_connect (port);
      g_assert_true (lab_peer_echo (fds[i], "x", 5000));
    }
  g_usleep (100 * 1000);
  count = lab_test_count_fds ();
  g_test_message ("%u clients: %u descriptors more", n, count - base);
  g_assert_cmpuint (count, <=, base + 2 * n + 8);

  for (guint i = 0; i < n; i++)
    close (fds[i]);
}

/* A client's Close ends its program, without an error. */
static void
test_client_close (LabTestFixture *f,
                   gconstpointer   backend)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(LabConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int peer;

  g_assert_cmpint (bind (listener, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (listener, 1), ==, 0);
  g_assert_cmpint (getsockname (listener, (struct sockaddr *) &sin, &len), ==, 0);

  g_object_set (lab_endpoint_get_config (client), "port", (guint) ntohs (sin.sin_port), NULL);
  lab_test_start (client);
  lab_test_wait_waiting_in (client, "recv");
  peer = accept (listener, NULL, NULL);
  g_assert_cmpint (peer, >=, 0);

  connection = g_list_model_get_item (lab_endpoint_get_connections (client), 0);
  g_assert_true (lab_endpoint_close_connection (client, lab_connection_get_id (connection), &error));
  g_assert_no_error (error);
  lab_test_wait_stopped (client);
  g_assert_null (lab_endpoint_get_error (client));
  g_assert_true (lab_peer_wait_end (peer, 5000));

  close (peer);
  close (listener);
}

/* Sends one datagram from @fd to 127.0.0.1:@port and waits for its echo. */
static gboolean
udp_echo (int     fd,
          guint16 port)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port),
                            .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  char answer[8];

  if (sendto (fd, "x", 1, 0, (struct sockaddr *) &to, sizeof to) != 1)
    return FALSE;
  return poll (&pfd, 1, 5000) == 1 && recv (fd, answer, sizeof answer, 0) == 1 && answer[0] == 'x';
}

typedef struct {
  LabEndpoint *server;
  guint        heard;
} Peers;

/* The model has applied every peer: those listed and those forgotten. */
static gboolean
has_every_peer (gpointer data)
{
  Peers *peers = data;
  GListModel *connections = lab_endpoint_get_connections (peers->server);

  return g_list_model_get_n_items (connections) + lab_endpoint_get_forgotten_connections (peers->server) ==
         peers->heard;
}

/* Datagrams from ever new ports, one each: the UDP server keeps the
 * LAB_UDP_MAX_PEERS heard from last, forgets the others and says so, and
 * still answers every one, a forgotten peer that sends again included. */
static void
test_udp_many_peers (LabTestFixture *f,
                     gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  Peers peers = { server, LAB_UDP_MAX_PEERS + LAB_CONNECTION_LIST_KEEP_CLOSED * 2 };
  GListModel *connections = lab_endpoint_get_connections (server);
  guint16 port = lab_test_start_server (server);
  g_autofree int *fds = g_new (int, peers.heard);
  guint open = 0;

  /* Each socket kept open to the end, so that no two share a port. */
  for (guint i = 0; i < peers.heard; i++)
    {
      fds[i] = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      g_assert_true (udp_echo (fds[i], port));
    }
  lab_test_wait_for_note (f, server, LAB_NOTE_PEER_FORGOTTEN);
  lab_test_wait (has_every_peer, &peers, 10000);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(LabConnection) connection = g_list_model_get_item (connections, i);

      open += lab_connection_get_open (connection);
    }
  g_test_message ("%u peers: %u listed, %u open, %u forgotten", peers.heard, g_list_model_get_n_items (connections),
                  open, lab_endpoint_get_forgotten_connections (server));
  g_assert_cmpuint (open, <=, LAB_UDP_MAX_PEERS);
  g_assert_cmpuint (g_list_model_get_n_items (connections), <=,
                    LAB_UDP_MAX_PEERS + LAB_CONNECTION_LIST_KEEP_CLOSED + LAB_CONNECTION_LIST_KEEP_CLOSED / 4);
  g_assert_cmpuint (lab_endpoint_get_forgotten_connections (server), >, 0);

  /* Forgotten long ago, it is a new peer, answered as any. */
  g_assert_true (udp_echo (fds[0], port));
  for (guint i = 0; i < peers.heard; i++)
    close (fds[i]);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_fault_add ("reset-mid-stream", LAB_FAULT_ALL_MODELS, test_reset_mid_stream);
  lab_fault_add ("half-close", LAB_FAULT_ALL_MODELS, test_half_close);
  lab_fault_add ("never-reads", LAB_FAULT_ALL_MODELS, test_never_reads);
  lab_fault_add ("past-max-clients", LAB_FAULT_ALL_MODELS, test_past_max_clients);
  lab_fault_add ("close-one", LAB_FAULT_ALL_MODELS, test_close_one);
  lab_fault_add ("send-to-slow-reader", LAB_FAULT_ALL_MODELS, test_send_to_slow_reader);
  lab_fault_add ("descriptors-per-client", LAB_FAULT_MODEL (LAB_CONCURRENCY_THREADS),
                 test_descriptors_per_client);
  lab_test_add_backends ("faults", "client-close", test_client_close);
  lab_test_add_backends ("faults", "udp-many-peers", test_udp_many_peers);

  return g_test_run ();
}
