/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lab-kernel-private.h"
#include "lab-test-engine.h"

/* What the kernel does with connections, seen by the lab: TCP states, the
 * accept queue, recv boundaries, truncated datagrams. */

static gboolean
is_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

/* The last accept-queue length a listening socket reported. */
static guint
last_queue_length (LabTestFixture *f,
                   LabEndpoint *server,
                   guint       *max_seen)
{
  guint last = 0;

  *max_seen = 0;
  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];
      guint length, limit;

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (server) &&
          lab_event_get_kind (event) == LAB_EVENT_STATE && lab_event_get_queue (event, &length, &limit))
        {
          last = length;
          *max_seen = MAX (*max_seen, length);
        }
    }

  return last;
}

typedef struct {
  LabTestFixture *f;
  LabEndpoint *server;
  guint        length;
} QueueWait;

static gboolean
queue_reaches (gpointer data)
{
  QueueWait *w = data;
  guint max_seen;

  last_queue_length (w->f, w->server, &max_seen);
  return max_seen >= w->length;
}

static gboolean
endpoint_queue_full (gpointer data)
{
  guint length, limit;

  return lab_endpoint_get_accept_queue (data, &length, &limit) && length == 2 && limit == 1;
}

/* An iterative server with backlog 1 serves one client; the next ones
 * wait, connected, in the accept queue, whose length the kernel reports.
 * When the queue is full the kernel drops a new client's SYN, and that
 * client stays in SYN_SENT until a retransmitted SYN gets in. */
static void
test_backlog_queue (LabTestFixture *f,
                    gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  LabEndpoint *clients[4];
  QueueWait queue = { f, server, 2 };
  guint16 port;

  g_object_set (lab_endpoint_get_config (server),
                "concurrency", LAB_CONCURRENCY_ITERATIVE,
                "backlog", 1,
                NULL);
  port = lab_test_start_server (server);

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      clients[i] = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
      g_object_set (lab_endpoint_get_config (clients[i]), "port", (guint) port, NULL);
    }

  /* The first is being served: the server blocks in its recv. */
  lab_test_start (clients[0]);
  lab_test_wait (is_connected, clients[0], 10000);
  lab_test_wait_waiting_in (server, "recv");

  /* Two more are accepted by the kernel but not by the program. Linux
   * queues backlog + 1 of them. */
  lab_test_start (clients[1]);
  lab_test_wait (is_connected, clients[1], 10000);
  lab_test_start (clients[2]);
  lab_test_wait (is_connected, clients[2], 10000);
  lab_test_wait (queue_reaches, &queue, 10000);

  /* The server endpoint shows the same queue, against its limit. */
  lab_test_wait (endpoint_queue_full, server, 10000);

  /* The queue is full: the fourth client's SYN is dropped. */
  lab_test_start (clients[3]);
  lab_test_wait_for_state (f, clients[3], LAB_TCP_SYN_SENT);
  g_assert_cmpint (lab_endpoint_get_state (clients[3]), !=, LAB_ENDPOINT_STATE_CONNECTED);

  /* The first leaves; the server takes the next from the queue, and the
   * fourth gets in when its SYN is sent again. */
  lab_endpoint_stop (clients[0]);
  lab_endpoint_stop (clients[1]);
  lab_test_wait_for_state (f, clients[3], LAB_TCP_ESTABLISHED);

  {
    g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, clients[3], TRUE);

    /* SYN_SENT, then ESTABLISHED, in that order, for the fourth. */
    gboolean syn_sent = FALSE, established_after = FALSE;

    lab_timeline_flush (f->timeline);
    for (guint i = 0; i < f->log->events->len; i++)
      {
        LabEvent *event = f->log->events->pdata[i];

        if (lab_event_get_endpoint_id (event) != lab_endpoint_get_id (clients[3]) ||
            lab_event_get_kind (event) != LAB_EVENT_STATE)
          continue;
        if (lab_event_get_state (event) == LAB_TCP_SYN_SENT)
          syn_sent = TRUE;
        else if (lab_event_get_state (event) == LAB_TCP_ESTABLISHED && syn_sent)
          established_after = TRUE;
      }
    g_assert_true (syn_sent);
    g_assert_true (established_after);
    /* They were seen by the lab's instrumentation, flagged as such. */
    g_assert_cmpuint (calls->len, >, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      lab_endpoint_stop (clients[i]);
      lab_test_wait_stopped (clients[i]);
      g_object_unref (clients[i]);
    }
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  g_assert_false (lab_endpoint_get_accept_queue (server, NULL, NULL));
}

/* What the diagram says a connection went through between two states
 * seen one after the other, and where it says nothing. */
static void
test_unseen_passages (void)
{
  static const struct {
    LabTcpState from, to;
    const char *unseen;
  } cases[] = {
    { LAB_TCP_FIN_WAIT2, LAB_TCP_TIME_WAIT, "" },
    { LAB_TCP_ESTABLISHED, LAB_TCP_TIME_WAIT, "FIN_WAIT_1 FIN_WAIT_2" },
    { LAB_TCP_CLOSE_WAIT, LAB_TCP_GONE, "LAST_ACK" },
    { LAB_TCP_CLOSE, LAB_TCP_ESTABLISHED, "SYN_SENT" },
    { LAB_TCP_CLOSE, LAB_TCP_CLOSE_WAIT, "SYN_SENT ESTABLISHED" },
    { LAB_TCP_LISTEN, LAB_TCP_ESTABLISHED, "SYN_RECV" },
    { LAB_TCP_NEW_SYN_RECV, LAB_TCP_ESTABLISHED, "" },
    { LAB_TCP_FIN_WAIT1, LAB_TCP_GONE, "FIN_WAIT_2 TIME_WAIT" },
    { LAB_TCP_TIME_WAIT, LAB_TCP_GONE, "" },
    /* A reset ends these with nothing between: nothing is made up. */
    { LAB_TCP_ESTABLISHED, LAB_TCP_GONE, "" },
    { LAB_TCP_SYN_SENT, LAB_TCP_CLOSE, "" },
    { LAB_TCP_UNKNOWN, LAB_TCP_TIME_WAIT, "" },
    /* No way back on the diagram. */
    { LAB_TCP_TIME_WAIT, LAB_TCP_ESTABLISHED, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LabTcpState unseen[LAB_TCP_MAX_UNSEEN];
      guint n = lab_tcp_unseen (cases[i].from, cases[i].to, unseen);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint k = 0; k < n; k++)
        g_string_append_printf (names, "%s%s", k > 0 ? " " : "", lab_tcp_state_to_string (unseen[k]));
      g_test_message ("%s → %s", lab_tcp_state_to_string (cases[i].from), lab_tcp_state_to_string (cases[i].to));
      g_assert_cmpstr (names->str, ==, cases[i].unseen);
    }
}

/* Whether a connection of @endpoint was shown CLOSED after it was
 * established: a new socket is CLOSED before connect (), and a connection
 * is never CLOSED again, only forgotten (GONE). */
static gboolean
closed_once_connected (LabTestFixture *f,
                       LabEndpoint    *endpoint)
{
  gboolean connected = FALSE;

  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];

      if (lab_event_get_endpoint_id (event) != lab_endpoint_get_id (endpoint) ||
          lab_event_get_kind (event) != LAB_EVENT_STATE || lab_event_get_connection (event) == 0)
        continue;
      if (lab_event_get_state (event) == LAB_TCP_ESTABLISHED)
        connected = TRUE;
      else if (connected && lab_event_get_state (event) == LAB_TCP_CLOSE)
        return TRUE;
    }

  return FALSE;
}

/* CLOSE_WAIT on the side whose peer closed; TIME_WAIT on the side that
 * closed first, seen through sock_diag once its descriptor is gone. */
static void
test_close_states (LabTestFixture *f,
                   gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
  guint16 port;

  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_MANUAL, NULL);
  port = lab_test_start_server (server);

  /* The client sends, half-closes (shutdown SHUT_WR), and waits. */
  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", hello,
                "shutdown-after-send", TRUE,
                NULL);
  lab_test_start (client);
  lab_test_wait_for_state (f, client, LAB_TCP_ESTABLISHED);

  /* The server read to the end: its side is in CLOSE_WAIT. (The client's
   * FIN_WAIT states may pass too fast to be seen: the server, as the
   * course's do, closes at once.) */
  lab_test_wait_for_state (f, server, LAB_TCP_CLOSE_WAIT);
  lab_test_wait_for_note (f, server, LAB_NOTE_PEER_CLOSED);

  /* The client closed first (its shutdown sent the first FIN): it is the
   * one left in TIME_WAIT. */
  lab_test_wait_stopped (client);
  lab_test_wait_for_state (f, client, LAB_TCP_TIME_WAIT);
  g_assert_nonnull (lab_test_log_find_call (f->log, client, LAB_OP_SHUTDOWN));
  g_assert_false (lab_test_log_has_state (f->log, server, LAB_TCP_TIME_WAIT));
  /* The connection went from FIN_WAIT_2 to TIME_WAIT: the socket behind the
   * client's descriptor said CLOSED meanwhile, which is not the
   * connection's state and is not shown as one. */
  g_assert_false (closed_once_connected (f, client));

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

static gboolean
is_held (gpointer data)
{
  return g_list_model_get_n_items (lab_endpoint_get_paused (data)) > 0;
}

/* A program that still holds its descriptor when the kernel hands its
 * connection to TIME_WAIT is told so, once, with the connection's state;
 * the socket's own CLOSED is never shown as the connection's. */
static void
test_closed_by_kernel (LabTestFixture *f,
                       gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
  guint16 port;

  port = lab_test_start_server (server);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, "initial-data", hello,
                "shutdown-after-send", TRUE, NULL);
  /* Held before close (): its descriptor stays open while the server's
   * FIN moves the connection on. */
  lab_endpoint_set_breakpoint (client, LAB_OP_CLOSE, TRUE);
  lab_test_start (client);
  lab_test_wait (is_held, client, 10000);

  lab_test_wait_for_state (f, client, LAB_TCP_TIME_WAIT);
  lab_test_wait_for_note (f, client, LAB_NOTE_SOCKET_CLOSED_BY_KERNEL);
  g_assert_false (closed_once_connected (f, client));

  lab_endpoint_continue (client);
  lab_test_wait_stopped (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* Many small sends arrive in fewer recvs: TCP is a stream of bytes, the
 * recv boundaries are not the send boundaries. */
static void
test_sends_coalesce (LabTestFixture *f,
                     gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) busy = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "busy");
  g_autoptr(LabEndpoint) sender = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "sender");
  g_autoptr(GError) error = NULL;
  const guint n_sends = 40;
  guint16 port;
  guint sends, recvs;

  g_object_set (lab_endpoint_get_config (server),
                "concurrency", LAB_CONCURRENCY_ITERATIVE,
                "behaviour", LAB_BEHAVIOUR_DISCARD,
                "buffer-size", 4096,
                NULL);
  port = lab_test_start_server (server);

  /* The server is busy with a first client, so the second's sends pile up
   * in the kernel's buffer before the server reads any. */
  g_object_set (lab_endpoint_get_config (busy), "port", (guint) port, NULL);
  lab_test_start (busy);
  lab_test_wait (is_connected, busy, 10000);
  lab_test_wait_waiting_in (server, "recv");

  g_object_set (lab_endpoint_get_config (sender), "port", (guint) port, NULL);
  lab_test_start (sender);
  lab_test_wait (is_connected, sender, 10000);
  for (guint i = 0; i < n_sends; i++)
    {
      g_autoptr(GBytes) message = g_bytes_new_static ("message\n", 8);

      lab_endpoint_send (sender, 0, message, FALSE, &error);
      g_assert_no_error (error);
    }
  lab_test_wait_for_data (f, sender, LAB_DIRECTION_OUT, n_sends * 8);

  /* Now the server gets to the second client. */
  lab_endpoint_stop (busy);
  lab_test_wait_stopped (busy);
  lab_test_wait_for_data (f, server, LAB_DIRECTION_IN, n_sends * 8);
  lab_endpoint_stop (sender);
  lab_test_wait_stopped (sender);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  sends = lab_test_log_count_data (f->log, sender, LAB_DIRECTION_OUT);
  recvs = lab_test_log_count_data (f->log, server, LAB_DIRECTION_IN);
  g_test_message ("%u sends arrived in %u recvs", sends, recvs);
  g_assert_cmpuint (sends, ==, n_sends);
  g_assert_cmpuint (recvs, <, sends);

  {
    g_autoptr(GByteArray) in = lab_test_log_data (f->log, server, LAB_DIRECTION_IN);

    g_assert_cmpuint (in->len, ==, n_sends * 8);
  }
}

/* A datagram larger than the buffer is cut, and the lab says so with its
 * real size (MSG_TRUNC). */
static void
test_udp_truncation (LabTestFixture *f,
                     gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_CLIENT, backend, "client");
  g_autofree guint8 *payload = g_malloc (3000);
  g_autoptr(GBytes) datagram = NULL;
  LabEvent *in = NULL;
  guint16 port;

  memset (payload, 'x', 3000);
  datagram = g_bytes_new (payload, 3000);

  g_object_set (lab_endpoint_get_config (server),
                "buffer-size", 1024,
                "behaviour", LAB_BEHAVIOUR_DISCARD,
                NULL);
  port = lab_test_start_server (server);

  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", datagram,
                "recv-timeout", 200,
                NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  lab_test_wait_for_data (f, server, LAB_DIRECTION_IN, 1);

  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (server) &&
          lab_event_get_kind (event) == LAB_EVENT_DATA)
        in = event;
    }

  g_assert_nonnull (in);
  g_assert_true (lab_event_get_truncated (in));
  g_assert_cmpuint (lab_event_get_real_length (in), ==, 3000);
  g_assert_cmpuint (g_bytes_get_size (lab_event_get_bytes (in)), ==, 1024);

  /* recvfrom itself returned the real size. */
  g_assert_cmpint (lab_event_get_result (lab_test_log_find_call (f->log, server, LAB_OP_RECVFROM)), ==, 3000);

  /* The client waited 200 ms for an answer and said so. */
  lab_test_wait_for_note (f, client, LAB_NOTE_TIMEOUT);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* ---- The watcher's dump against ss ------------------------------------- */

#define N_PAIRS 1000

static const struct {
  const char *ss;
  const char *lab;
} ss_states[] = {
  { "ESTAB", "ESTABLISHED" }, { "SYN-SENT", "SYN_SENT" }, { "SYN-RECV", "SYN_RECV" },
  { "FIN-WAIT-1", "FIN_WAIT_1" }, { "FIN-WAIT-2", "FIN_WAIT_2" }, { "TIME-WAIT", "TIME_WAIT" },
  { "UNCONN", "CLOSED" }, { "CLOSE-WAIT", "CLOSE_WAIT" }, { "LAST-ACK", "LAST_ACK" },
  { "LISTEN", "LISTEN" }, { "CLOSING", "CLOSING" },
};

/* The sockets of 127.0.0.1:@port and its peers, as `ss -tan` lists them,
 * in the lab's words: other programs' sockets may have the same port on
 * other addresses. */
static GPtrArray *
ss_lines (guint16 port)
{
  const char *argv[] = { "ss", "-tan", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *suffix = g_strdup_printf ("127.0.0.1:%u", port);
  int status;

  lab_test_run (argv, NULL, &out, NULL, &status);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], " \t", -1);
      const char *f[5] = { NULL };
      guint n = 0;

      for (guint k = 0; fields[k] != NULL && n < 5; k++)
        if (fields[k][0] != '\0')
          f[n++] = fields[k];
      if (n < 5 || (!g_str_equal (f[3], suffix) && !g_str_equal (f[4], suffix)))
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (ss_states); k++)
        if (g_str_equal (f[0], ss_states[k].ss))
          {
            /* ss writes no peer's port as *. */
            g_autofree char *peer = g_str_has_suffix (f[4], ":*")
                                    ? g_strdup_printf ("%.*s:0", (int) strlen (f[4]) - 2, f[4])
                                    : g_strdup (f[4]);

            g_ptr_array_add (found, g_strdup_printf ("%s %s %s", ss_states[k].lab, f[3], peer));
          }
    }

  return found;
}

static GPtrArray *
dump_lines (guint16 port)
{
  g_autoptr(GPtrArray) all = lab_kernel_list_tcp (AF_INET);
  g_autofree char *suffix = g_strdup_printf (" 127.0.0.1:%u", port);
  g_autofree char *infix = g_strdup_printf (" 127.0.0.1:%u ", port);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < all->len; i++)
    if (strstr (all->pdata[i], infix) != NULL || g_str_has_suffix (all->pdata[i], suffix))
      g_ptr_array_add (found, g_strdup (all->pdata[i]));

  return found;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

typedef struct {
  guint16 port;
  guint   closed;
} Closing;

/* Each client that closed has had its FIN acknowledged, as the kernel's
 * dump says: as many FIN_WAIT_2 as closed, and as many CLOSE_WAIT. From
 * then on no state changes, and two reads of the kernel can agree. */
static gboolean
fins_acknowledged (gpointer data)
{
  Closing *c = data;
  g_autoptr(GPtrArray) lines = dump_lines (c->port);
  guint fin_wait = 0, close_wait = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      fin_wait += g_str_has_prefix (lines->pdata[i], "FIN_WAIT_2 ");
      close_wait += g_str_has_prefix (lines->pdata[i], "CLOSE_WAIT ");
    }

  return fin_wait == c->closed && close_wait == c->closed;
}

/* What the watcher reads of the kernel in one dump is what ss reads: on a
 * thousand connections, some closed by their client (FIN_WAIT_2 on one
 * side, CLOSE_WAIT on the other). */
static void
test_dump_matches_ss (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int listener = socket (AF_INET, SOCK_STREAM, 0);
  int clients[N_PAIRS], servers[N_PAIRS];
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  struct rlimit limit;
  Closing closing = { 0 };
  guint16 port;

  /* Two descriptors a connection: the usual 1024 is not enough. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < 2 * N_PAIRS + 64)
    {
      limit.rlim_cur = MIN (limit.rlim_max, 2 * N_PAIRS + 64);
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }
  if (limit.rlim_cur < 2 * N_PAIRS + 64)
    {
      g_test_skip ("this system allows fewer descriptors than a thousand connections need");
      close (listener);
      return;
    }

  g_assert_cmpint (bind (listener, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (listener, N_PAIRS), ==, 0);
  g_assert_cmpint (getsockname (listener, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  closing.port = port;

  for (guint i = 0; i < N_PAIRS; i++)
    {
      clients[i] = socket (AF_INET, SOCK_STREAM, 0);
      g_assert_cmpint (clients[i], >=, 0);
      g_assert_cmpint (connect (clients[i], (struct sockaddr *) &addr, sizeof addr), ==, 0);
      servers[i] = accept (listener, NULL, NULL);
      g_assert_cmpint (servers[i], >=, 0);
    }
  /* A third of the clients close: their FIN is acknowledged by the kernel
   * on its own, in a moment. */
  for (guint i = 0; i < N_PAIRS; i += 3)
    {
      g_assert_cmpint (shutdown (clients[i], SHUT_WR), ==, 0);
      closing.closed++;
    }
  lab_test_wait (fins_acknowledged, &closing, 10000);

  ours = dump_lines (port);
  theirs = ss_lines (port);
  g_ptr_array_sort (ours, compare_lines);
  g_ptr_array_sort (theirs, compare_lines);

  g_assert_cmpuint (ours->len, ==, 2 * N_PAIRS + 1);
  g_assert_cmpuint (ours->len, ==, theirs->len);
  for (guint i = 0; i < ours->len; i++)
    g_assert_cmpstr (ours->pdata[i], ==, theirs->pdata[i]);

  for (guint i = 0; i < N_PAIRS; i++)
    {
      close (clients[i]);
      close (servers[i]);
    }
  close (listener);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/kernel/dump-matches-ss", test_dump_matches_ss);
  g_test_add_func ("/kernel/unseen-passages", test_unseen_passages);
  lab_test_add_backends ("kernel", "backlog-queue", test_backlog_queue);
  lab_test_add_backends ("kernel", "close-states", test_close_states);
  lab_test_add_backends ("kernel", "closed-by-kernel", test_closed_by_kernel);
  lab_test_add_backends ("kernel", "sends-coalesce", test_sends_coalesce);
  lab_test_add_backends ("kernel", "udp-truncation", test_udp_truncation);

  return g_test_run ();
}
