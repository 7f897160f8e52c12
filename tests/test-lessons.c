/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <netdb.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-explain.h"
#include "lab-lessons.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-engine.h"

/* Every bundled lesson, played headless as Play plays it, on real sockets,
 * does what its notes promise. Only the ports are changed, to free ones,
 * so that the tests can run side by side. */

typedef LabTestLesson Lesson;

static void
lesson_play_on (Lesson         *l,
                const char     *id,
                LabBackendKind  backend)
{
  lab_test_lesson_load (l, id, backend);
  lab_session_play (l->session);
}

static gboolean
is_state (LabEndpoint      *e,
          LabEndpointState  state)
{
  return lab_endpoint_get_state (e) == state;
}

static gboolean
is_connected (gpointer data)
{
  return is_state (data, LAB_ENDPOINT_STATE_CONNECTED);
}

static gboolean
is_failed (gpointer data)
{
  return is_state (data, LAB_ENDPOINT_STATE_FAILED);
}

/* ---- The lessons ---- */

/* The server waits in accept () until the client connects; the client
 * gets back exactly what it sent; its close makes the server's recv ()
 * return 0, which has been waiting meanwhile. */
static void
test_tcp_echo (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;

  lesson_play_on (&l, "01-tcp-echo", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Echo server");
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_lesson_wait_ended (&l, client);
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_SEND, 15));
  lab_test_log_assert_received (l.log, client, "Hola, servidor!");
  g_assert_true (lab_test_waited_for (lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT),
                                      lab_test_log_find_call (l.log, client, LAB_OP_CONNECT)));

  lab_test_log_wait_note (l.log, server, LAB_NOTE_PEER_CLOSED);
  g_assert_true (lab_test_waited_for (lab_test_log_find_result (l.log, server, LAB_OP_RECV, 0),
                                      lab_test_log_find_call (l.log, client, LAB_OP_CLOSE)));
  lab_test_lesson_finish (&l);
}

/* No listen (), accept () or connect (); one sendto (), one datagram;
 * recvfrom () says who sent it, and the answer goes there. */
static void
test_udp_echo (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *recvfrom, *getsockname;
  g_autofree char *from = NULL;
  g_autofree char *own = NULL;
  g_autofree char *reply_to = NULL;
  guint16 port;

  lesson_play_on (&l, "02-udp-echo", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "UDP echo server");
  client = lab_test_lesson_endpoint (&l, "UDP client");

  lab_test_lesson_wait_ended (&l, client);
  lab_test_log_assert_received (l.log, client, "hola udp");
  lab_test_log_assert_received (l.log, server, "hola udp");
  for (LabOp op = LAB_OP_LISTEN; op <= LAB_OP_CONNECT; op++)
    {
      g_assert_null (lab_test_log_find_call (l.log, server, op));
      g_assert_null (lab_test_log_find_call (l.log, client, op));
    }
  g_assert_cmpuint (lab_test_log_count_calls (l.log, client, LAB_OP_SENDTO), ==, 1);
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_IN), ==, 1);

  /* recvfrom () says who sent: the client's port, which the kernel chose
   * at its first sendto (), and which its panel shows. Its socket is
   * bound to any address; the datagram left from 127.0.0.1. */
  recvfrom = lab_test_log_find_call (l.log, server, LAB_OP_RECVFROM);
  g_assert_nonnull (recvfrom);
  from = lab_test_address_text (lab_event_get_address (recvfrom));
  g_assert_true (g_str_has_prefix (from, "127.0.0.1:"));
  getsockname = lab_test_log_find_call (l.log, client, LAB_OP_GETSOCKNAME);
  g_assert_true (lab_test_returned_before (lab_test_log_find_call (l.log, client, LAB_OP_SENDTO), getsockname));
  own = lab_test_address_text (lab_event_get_address (getsockname));
  g_assert_cmpstr (lab_endpoint_get_address (client), ==, own);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (lab_event_get_address (recvfrom)));
  g_assert_cmpuint (lab_endpoint_get_port (client), ==, port);
  g_assert_cmpstr (strchr (own, ':'), ==, strchr (from, ':'));
  g_assert_true (g_str_has_prefix (own, "0.0.0.0:"));

  /* The answer goes to the address recvfrom () returned. */
  reply_to = g_strdup_printf ("('127.0.0.1', %u)", port);
  g_assert_nonnull (lab_test_log_find_args (l.log, server, LAB_OP_SENDTO, reply_to));
  lab_test_lesson_finish (&l);
}

/* The call of @op of @e that is still waiting, or NULL. */
static LabEvent *
find_waiting (Lesson      *l,
              LabEndpoint *e,
              LabOp        op)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (l->log, e, FALSE);

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == op && !lab_event_get_finished (calls->pdata[i]))
      return calls->pdata[i];

  return NULL;
}

static gboolean
server_waits_in_recv (gpointer data)
{
  Lesson *l = data;

  return find_waiting (l, lab_test_lesson_endpoint (l, "Chat server"), LAB_OP_RECV) != NULL;
}

/* Nothing arrives until someone types, and both recv () wait meanwhile;
 * each side sends when it likes, even both at once, and each send ()
 * becomes a recv () on the other side. */
static void
test_chat (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GBytes) answer = g_bytes_new_static ("¿qué tal?\n", strlen ("¿qué tal?\n"));
  g_autoptr(GBytes) one = g_bytes_new_static ("uno\n", 4);
  g_autoptr(GBytes) two = g_bytes_new_static ("dos\n", 4);
  g_autoptr(GError) error = NULL;

  lesson_play_on (&l, "03-chat", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Chat server");
  client = lab_test_lesson_endpoint (&l, "Chat client");

  lab_test_wait (is_connected, client, 10000);
  lab_test_wait_waiting_in (client, "recv");
  lab_test_wait (server_waits_in_recv, &l, 10000);
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 0);
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_OUT), ==, 0);

  /* The client's send () is the server's recv (), and back. */
  g_assert_true (lab_endpoint_send (client, 0, hello, TRUE, &error));
  g_assert_no_error (error);
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_IN, 5);
  lab_test_log_wait_data (l.log, client, LAB_DIRECTION_OUT, 5);
  lab_test_log_assert_received (l.log, server, "hola\n");
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_SEND, 5));
  g_assert_nonnull (lab_test_log_find_result (l.log, server, LAB_OP_RECV, 5));
  g_assert_true (lab_endpoint_send (server, 0, answer, TRUE, &error));
  g_assert_no_error (error);
  lab_test_log_wait_data (l.log, client, LAB_DIRECTION_IN, g_bytes_get_size (answer));
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_OUT, g_bytes_get_size (answer));
  lab_test_log_assert_received (l.log, client, "¿qué tal?\n");
  g_assert_nonnull (lab_test_log_find_result (l.log, server, LAB_OP_SEND, g_bytes_get_size (answer)));
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_RECV, g_bytes_get_size (answer)));

  /* Full duplex: both at once, on the one connection. */
  g_assert_true (lab_endpoint_send (client, 0, one, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (lab_endpoint_send (server, 0, two, TRUE, &error));
  g_assert_no_error (error);
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_IN, 9);
  lab_test_log_wait_data (l.log, client, LAB_DIRECTION_IN, g_bytes_get_size (answer) + 4);
  lab_test_log_assert_received (l.log, server, "hola\nuno\n");
  lab_test_log_assert_received (l.log, client, "¿qué tal?\ndos\n");
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_connections (server)), ==, 1);
  lab_test_lesson_finish (&l);
}

typedef struct {
  LabEndpoint *endpoint;
  gint64       since;
} Held;

/* Whether the endpoint holds a recv (), held since @since: the list of
 * calls held is told a moment after the call held before was made. */
static gboolean
held_in_recv_since (gpointer data)
{
  Held *h = data;
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (h->endpoint), 0);

  return held != NULL && lab_event_get_op (held) == LAB_OP_RECV && lab_event_get_begin_time (held) >= h->since;
}

static gboolean
held_in_recv (gpointer data)
{
  Held h = { data, 0 };

  return held_in_recv_since (&h);
}

/* The server answers each line with a send () of its own, whatever
 * grouping the lines came in. With @together, its recv () is held until
 * the client has sent both lines, so that one recv () returns them both. */
static void
upper_lines_on (LabBackendKind  backend,
                LabConcurrency  model,
                gboolean        together)
{
  Lesson l;
  LabEndpoint *server, *client;
  g_autoptr(GPtrArray) in = NULL;
  g_autoptr(GPtrArray) out = NULL;

  lab_test_lesson_load (&l, "04-upper-lines", backend);
  server = lab_test_lesson_endpoint (&l, "Uppercase server");
  client = lab_test_lesson_endpoint (&l, "Client");
  g_object_set (lab_endpoint_get_config (server), "concurrency", model, NULL);
  if (together)
    lab_endpoint_set_breakpoint (server, LAB_OP_RECV, TRUE);
  lab_session_play (l.session);

  if (together)
    {
      lab_test_log_wait_data (l.log, client, LAB_DIRECTION_OUT, 11);
      lab_test_wait (held_in_recv, server, 10000);
      lab_endpoint_set_breakpoint (server, LAB_OP_RECV, FALSE);
    }

  lab_test_lesson_wait_ended (&l, client);
  lab_test_log_assert_received (l.log, client, "HOLA\nMUNDO\n");
  /* Eleven bytes in pieces of three: four sends, whatever the lines. */
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 4);

  /* One answer per line, each sent once its newline had come. */
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_OUT, 11);
  in = lab_test_log_data_events (l.log, server, LAB_DIRECTION_IN);
  out = lab_test_log_data_events (l.log, server, LAB_DIRECTION_OUT);
  if (together)
    {
      g_assert_cmpuint (in->len, ==, 1);
      lab_test_assert_event_bytes (in->pdata[0], "hola\nmundo\n");
    }
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_cmpuint (lab_test_log_count_calls (l.log, server, LAB_OP_SEND), ==, 2);
  lab_test_assert_event_bytes (out->pdata[0], "HOLA\n");
  lab_test_assert_event_bytes (out->pdata[1], "MUNDO\n");
  lab_test_lesson_finish (&l);
}

static void
test_upper_lines (gconstpointer data)
{
  static const LabConcurrency models[] = { LAB_CONCURRENCY_ITERATIVE, LAB_CONCURRENCY_THREADS, LAB_CONCURRENCY_LOOP };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint together = 0; together < 2; together++)
      {
        g_test_message ("model %u, %s", models[m], together ? "both lines in one recv ()" : "as they come");
        upper_lines_on (GPOINTER_TO_INT (data), models[m], together);
      }
}

/* The server sends the time as soon as it accepts, and closes first; the
 * client sends nothing, and its recv () returns 0 once the server closed. */
static void
test_time_server (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *accept, *sent, *closed, *eof;
  g_autoptr(GByteArray) now = NULL;
  g_autofree char *text = NULL;

  lesson_play_on (&l, "05-time-server", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Time server");
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_lesson_wait_ended (&l, client);
  now = lab_test_log_data (l.log, client, LAB_DIRECTION_IN);
  text = g_strndup ((const char *) now->data, now->len);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n$", text, 0, 0));
  g_assert_cmpuint (lab_test_log_count_calls (l.log, client, LAB_OP_SEND), ==, 0);
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 0);

  /* accept (), send (), close (), with no recv () between. */
  lab_test_log_wait_calls (l.log, server, LAB_OP_CLOSE, 1);
  accept = lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT);
  sent = lab_test_log_find_call (l.log, server, LAB_OP_SEND);
  closed = lab_test_log_find_call (l.log, server, LAB_OP_CLOSE);
  g_assert_true (lab_test_returned_before (accept, sent));
  g_assert_true (lab_test_returned_before (sent, closed));
  g_assert_null (lab_test_log_find_call (l.log, server, LAB_OP_RECV));
  g_assert_cmpint (lab_event_get_fd (closed), ==, lab_event_get_fd (sent));

  /* The server closed first: the client's recv () returned 0 after. */
  eof = lab_test_log_find_result (l.log, client, LAB_OP_RECV, 0);
  g_assert_true (lab_test_log_has_note (l.log, client, LAB_NOTE_PEER_CLOSED));
  g_assert_nonnull (eof);
  g_assert_cmpint (lab_event_get_end_time (eof), >=, lab_event_get_begin_time (closed));
  g_assert_cmpint (lab_event_get_begin_time (closed), <,
                   lab_event_get_begin_time (lab_test_log_find_call (l.log, client, LAB_OP_CLOSE)));
  lab_test_lesson_finish (&l);
}

/* Each connection is served on a thread of its own, not the one that
 * accepts; bye is not echoed, the server closes that connection, and the
 * others go on. */
static void
test_threads_bye (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *a, *b;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GHashTable) threads = g_hash_table_new (NULL, NULL);
  guint accepting;

  lesson_play_on (&l, "06-threads-bye", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Threaded echo server");
  a = lab_test_lesson_endpoint (&l, "Client A");
  b = lab_test_lesson_endpoint (&l, "Client B");

  lab_test_lesson_wait_ended (&l, a);
  lab_test_lesson_wait_ended (&l, b);
  lab_test_log_assert_received (l.log, a, "hola desde A\n");
  lab_test_log_assert_received (l.log, b, "hola desde B\n");
  g_assert_true (lab_test_log_has_note (l.log, a, LAB_NOTE_PEER_CLOSED));
  g_assert_true (lab_test_log_has_note (l.log, b, LAB_NOTE_PEER_CLOSED));
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_IN, 2 * strlen ("hola desde A\nbye\n"));

  /* Each connection's recv () on a thread of its own; the server closed
   * each connection itself: each client's recv () returned 0. */
  accepting = lab_event_get_thread (lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT));
  calls = lab_test_log_calls (l.log, server, FALSE);
  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_RECV)
      g_hash_table_add (threads, GUINT_TO_POINTER (lab_event_get_thread (calls->pdata[i])));
  g_assert_cmpuint (g_hash_table_size (threads), ==, 2);
  g_assert_false (g_hash_table_contains (threads, GUINT_TO_POINTER (accepting)));
  lab_test_log_wait_calls (l.log, server, LAB_OP_CLOSE, 2);
  g_assert_cmpuint (lab_test_log_count_calls (l.log, server, LAB_OP_CLOSE), ==, 2);

  /* The server goes on: it waits for the next client. */
  g_assert_true (lab_endpoint_is_active (server));
  lab_test_wait_waiting_in (server, "accept");
  lab_test_lesson_finish (&l);
}

static gboolean
queue_full (gpointer data)
{
  guint length = 0;

  lab_endpoint_get_accept_queue (data, &length, NULL);
  return length >= 2;
}

/* A is served; B and C are connected by the kernel alone, in the accept
 * queue, two with a backlog of 1; D finds it full and waits in
 * connect (). Once A goes, the server accepts the others in turn. */
static void
test_backlog (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *a, *b, *c, *d;
  guint length, limit;

  lesson_play_on (&l, "07-backlog", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Iterative server");
  a = lab_test_lesson_endpoint (&l, "Client A");
  b = lab_test_lesson_endpoint (&l, "Client B");
  c = lab_test_lesson_endpoint (&l, "Client C");
  d = lab_test_lesson_endpoint (&l, "Client D");

  lab_test_wait (is_connected, a, 10000);
  lab_test_wait (is_connected, b, 10000);
  lab_test_wait (is_connected, c, 10000);
  lab_test_wait (queue_full, server, 10000);
  lab_endpoint_get_accept_queue (server, &length, &limit);
  g_assert_cmpuint (length, ==, 2);
  g_assert_cmpuint (limit, ==, 1);
  lab_test_wait_waiting_in (d, "connect");
  g_assert_cmpint (lab_endpoint_get_state (d), ==, LAB_ENDPOINT_STATE_WAITING);
  g_assert_cmpuint (lab_test_log_count_calls (l.log, server, LAB_OP_ACCEPT), ==, 1);

  /* A goes: the server accepts B, then C, then D, each echoed. */
  lab_endpoint_stop (a);
  lab_test_lesson_wait_ended (&l, b);
  lab_test_lesson_wait_ended (&l, c);
  lab_test_lesson_wait_ended (&l, d);
  lab_test_log_assert_received (l.log, b, "B");
  lab_test_log_assert_received (l.log, c, "C");
  lab_test_log_assert_received (l.log, d, "D");
  g_assert_cmpuint (lab_test_log_count_calls (l.log, server, LAB_OP_ACCEPT), >=, 4);
  lab_test_lesson_finish (&l);
}

/* The first bind () of @server that failed, or NULL. */
static LabEvent *
failed_bind (Lesson      *l,
             LabEndpoint *server)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (l->log, server, FALSE);

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_BIND && lab_event_get_errno (calls->pdata[i]) != 0)
      return calls->pdata[i];

  return NULL;
}

/* Each server closes first, so its side keeps the connection in
 * TIME_WAIT, and stops after its one client. Started again at once, only
 * the one that set SO_REUSEADDR before bind () binds beside the TIME_WAIT;
 * the other fails in bind () with EADDRINUSE, though nothing listens. */
static void
test_reuseaddr (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *plain, *reuse;
  LabEvent *bind;
  g_autoptr(GError) error = NULL;

  lesson_play_on (&l, "08-reuseaddr", backend);
  plain = lab_test_lesson_endpoint (&l, "Server without SO_REUSEADDR");
  reuse = lab_test_lesson_endpoint (&l, "Server with SO_REUSEADDR");

  lab_test_lesson_wait_ended (&l, lab_test_lesson_endpoint (&l, "Client of the first"));
  lab_test_lesson_wait_ended (&l, lab_test_lesson_endpoint (&l, "Client of the second"));
  lab_test_lesson_wait_ended (&l, plain);
  lab_test_lesson_wait_ended (&l, reuse);
  g_assert_cmpint (lab_endpoint_get_state (plain), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_cmpint (lab_endpoint_get_state (reuse), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_true (lab_test_log_has_note (l.log, plain, LAB_NOTE_MAX_CONNECTIONS));
  g_assert_true (lab_test_log_has_note (l.log, reuse, LAB_NOTE_MAX_CONNECTIONS));
  g_assert_true (lab_test_log_has_note (l.log, lab_test_lesson_endpoint (&l, "Client of the first"),
                                        LAB_NOTE_PEER_CLOSED));
  g_assert_true (lab_test_log_has_note (l.log, lab_test_lesson_endpoint (&l, "Client of the second"),
                                        LAB_NOTE_PEER_CLOSED));
  lab_test_log_wait_state (l.log, plain, LAB_TCP_TIME_WAIT);
  lab_test_log_wait_state (l.log, reuse, LAB_TCP_TIME_WAIT);

  /* SO_REUSEADDR before bind (): GIO asks for it in g_socket_bind (). */
  bind = lab_test_log_find_call (l.log, reuse, LAB_OP_BIND);
  if (backend == LAB_BACKEND_POSIX)
    g_assert_true (lab_test_returned_before (lab_test_log_find_args (l.log, reuse, LAB_OP_SETSOCKOPT, "SO_REUSEADDR"),
                                             bind));
  else
    g_assert_nonnull (lab_test_log_find_args (l.log, reuse, LAB_OP_BIND, ", TRUE"));
  g_assert_null (lab_test_log_find_args (l.log, plain, LAB_OP_SETSOCKOPT, "SO_REUSEADDR"));

  /* Started again at once: only SO_REUSEADDR binds beside the TIME_WAIT. */
  g_assert_true (lab_endpoint_start (plain, &error));
  g_assert_no_error (error);
  g_assert_true (lab_endpoint_start (reuse, &error));
  g_assert_no_error (error);
  lab_test_wait (is_failed, plain, 10000);
  g_assert_nonnull (strstr (lab_endpoint_get_error (plain), "EADDRINUSE"));
  g_assert_nonnull (failed_bind (&l, plain));
  g_assert_cmpstr (lab_event_get_errno_name (failed_bind (&l, plain)), ==, "EADDRINUSE");
  lab_test_wait_waiting_in (reuse, "accept");
  g_assert_null (failed_bind (&l, reuse));
  lab_test_lesson_finish (&l);
}

/* The notes: recvfrom () with MSG_TRUNC returns the datagram's real size,
 * 20, while 8 bytes were kept; those 8 are echoed, and the rest is gone. */
static void
test_udp_truncation (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *recvfrom, *in;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GPtrArray) echoed = NULL;
  g_autofree char *args = NULL;

  lesson_play_on (&l, "09-udp-truncation", backend);
  server = lab_test_lesson_endpoint (&l, "UDP server with a small buffer");
  client = lab_test_lesson_endpoint (&l, "UDP client");
  /* The notes name the flag that makes the difference, and what the
   * course's Python gets without it. */
  g_assert_nonnull (strstr (lab_session_get_notes (l.session), "MSG_TRUNC"));
  g_assert_nonnull (strstr (lab_session_get_notes (l.session), "recvfrom(8)"));

  lab_test_lesson_wait_ended (&l, client);
  g_assert_cmpint (lab_event_get_result (lab_test_log_find_call (l.log, client, LAB_OP_SENDTO)), ==, 20);

  /* Asked for 8, with MSG_TRUNC: 20 returned, 8 kept. */
  recvfrom = lab_test_log_find_call (l.log, server, LAB_OP_RECVFROM);
  g_assert_nonnull (recvfrom);
  args = lab_event_dup_args (recvfrom);
  g_assert_true (g_str_has_suffix (args, ", 8, MSG_TRUNC"));
  g_assert_cmpint (lab_event_get_result (recvfrom), ==, 20);
  received = lab_test_log_data_events (l.log, server, LAB_DIRECTION_IN);
  g_assert_cmpuint (received->len, ==, 1);
  in = received->pdata[0];
  g_assert_cmpuint (lab_event_get_real_length (in), ==, 20);
  g_assert_true (lab_event_get_truncated (in));
  lab_test_assert_event_bytes (in, "01234567");

  /* The server echoes what it kept; the client gets 8 bytes, not 20. */
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_OUT, 8);
  echoed = lab_test_log_data_events (l.log, server, LAB_DIRECTION_OUT);
  g_assert_cmpuint (echoed->len, ==, 1);
  lab_test_assert_event_bytes (echoed->pdata[0], "01234567");
  lab_test_log_assert_received (l.log, client, "01234567");
  g_assert_cmpint (lab_event_get_result (lab_test_log_find_call (l.log, client, LAB_OP_RECVFROM)), ==, 8);

  /* The next recvfrom () waits for a new datagram: nothing more came. */
  lab_test_wait_waiting_in (server, "recvfrom");
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_IN), ==, 1);
  lab_test_lesson_finish (&l);
}

/* The client's shutdown (SHUT_WR) ends only its sending side: the server's
 * recv () returns 0 after the data, and the client's recv () still gets
 * the echo. */
static void
test_half_close (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *shutdown, *echo;

  lesson_play_on (&l, "10-half-close", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Echo server");
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_lesson_wait_ended (&l, client);
  lab_test_log_assert_received (l.log, client, "hasta luego\n");
  lab_test_log_wait_note (l.log, server, LAB_NOTE_PEER_CLOSED);
  lab_test_log_assert_received (l.log, server, "hasta luego\n");

  /* The sending side only: g_socket_shutdown (…, FALSE, TRUE) with GIO. */
  shutdown = lab_test_log_find_args (l.log, client, LAB_OP_SHUTDOWN,
                                     GPOINTER_TO_INT (data) == LAB_BACKEND_POSIX ? "SHUT_WR" : "FALSE, TRUE");
  g_assert_nonnull (shutdown);
  g_assert_cmpint (lab_event_get_errno (shutdown), ==, 0);
  g_assert_true (lab_test_returned_before (lab_test_log_find_result (l.log, client, LAB_OP_SEND, 12), shutdown));

  /* The echo came in after the shutdown, by a recv () of the client's. */
  echo = lab_test_log_find_result (l.log, client, LAB_OP_RECV, 12);
  g_assert_nonnull (echo);
  g_assert_cmpint (lab_event_get_end_time (echo), >=, lab_event_get_end_time (shutdown));

  /* The server's recv () returned 0 after it had the data. */
  g_assert_true (lab_test_returned_before (lab_test_log_find_result (l.log, server, LAB_OP_RECV, 12),
                                           lab_test_log_find_result (l.log, server, LAB_OP_RECV, 0)));
  lab_test_lesson_finish (&l);
}

/* Eight sends, with TCP_NODELAY, while the server is held before recv ();
 * one step, one recv (), all eight bytes; Continue, and the echo goes back
 * and the server, its one client served, stops. */
static void
test_coalescing (gconstpointer data)
{
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *recv;
  Held again;

  lesson_play_on (&l, "11-coalescing", GPOINTER_TO_INT (data));
  server = lab_test_lesson_endpoint (&l, "Echo server");
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_log_wait_data (l.log, client, LAB_DIRECTION_OUT, 8);
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 8);
  g_assert_cmpuint (lab_test_log_count_calls (l.log, client, LAB_OP_SEND), ==, 8);
  g_assert_true (lab_test_returned_before (lab_test_log_find_args (l.log, client, LAB_OP_SETSOCKOPT, "TCP_NODELAY"),
                                           lab_test_log_find_call (l.log, client, LAB_OP_SEND)));
  lab_test_wait (held_in_recv, server, 10000);
  g_assert_null (lab_test_log_find_call (l.log, server, LAB_OP_RECV));

  g_assert_true (lab_endpoint_step (server));
  lab_test_log_wait_data (l.log, server, LAB_DIRECTION_IN, 1);
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_IN), ==, 1);
  lab_test_log_assert_received (l.log, server, "abcdefgh");
  recv = lab_test_log_find_result (l.log, server, LAB_OP_RECV, 8);
  g_assert_nonnull (recv);

  /* Held again before its next recv (): Continue lets it go. */
  again = (Held) { server, lab_event_get_end_time (recv) };
  lab_test_wait (held_in_recv_since, &again, 10000);
  lab_endpoint_continue (server);
  lab_test_lesson_wait_ended (&l, client);
  lab_test_log_assert_received (l.log, client, "abcdefgh");
  lab_test_lesson_wait_ended (&l, server);
  g_assert_true (lab_test_log_has_note (l.log, server, LAB_NOTE_MAX_CONNECTIONS));
  lab_test_lesson_finish (&l);
}

/* One line of protolab-cli's JSON Lines, of @endpoint and @kind, or NULL. */
static JsonObject *
jsonl_event (JsonParser *parser,
             const char *line,
             const char *endpoint,
             const char *kind)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member (o, "endpoint"), endpoint) != 0 ||
      g_strcmp0 (json_object_get_string_member (o, "kind"), kind) != 0)
    return NULL;
  return o;
}

/* protolab-cli run: a terminal has no Step, so the breakpoint holds the
 * server's recv () a moment, as it says, and then makes it. The lesson
 * plays to its end by itself, and the eight bytes still come in one
 * recv (). --duration is only a bound, never reached. */
static void
test_coalescing_cli (gconstpointer data)
{
  g_autoptr(LabExperiment) experiment = lab_test_lesson_experiment ("11-coalescing", GPOINTER_TO_INT (data));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-lesson-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "11-coalescing.protolab", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const char *argv[] = { g_getenv ("PROTOLAB_CLI"), "run", "--format", "jsonl", "--duration", "20", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint server_in = 0, client_in = 0, stopped = 0;
  int status;

  g_assert_no_error (error);
  g_assert_nonnull (argv[0]);
  g_assert_true (lab_experiment_save (experiment, file, NULL, &error));
  g_assert_no_error (error);
  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "protolab-cli: a terminal has no Step: each call held at a breakpoint is made "
                                 "by itself after 1 s\n"));
  g_assert_nonnull (strstr (err, "protolab-cli: Echo server: "));
  g_assert_nonnull (strstr (err, " held at a breakpoint, made in 1 s\n"));

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      if (lines[i][0] == '\0')
        continue;
      if ((o = jsonl_event (parser, lines[i], "Echo server", "data")) != NULL &&
          g_str_equal (json_object_get_string_member (o, "dir"), "in"))
        {
          server_in++;
          g_assert_cmpstr (json_object_get_string_member (o, "hex"), ==, "61 62 63 64 65 66 67 68");
        }
      if ((o = jsonl_event (parser, lines[i], "Client", "data")) != NULL &&
          g_str_equal (json_object_get_string_member (o, "dir"), "in"))
        client_in += json_object_get_int_member (o, "len");
      if ((o = jsonl_event (parser, lines[i], "Echo server", "note")) != NULL ||
          (o = jsonl_event (parser, lines[i], "Client", "note")) != NULL)
        {
          const char *note = json_object_get_string_member (o, "note");

          /* Each ends by itself: the run asks no endpoint to stop. */
          g_assert_cmpstr (note, !=, "stop-requested");
          stopped += g_str_equal (note, "stopped");
        }
    }
  g_assert_cmpuint (server_in, ==, 1);
  g_assert_cmpuint (client_in, ==, 8);
  g_assert_cmpuint (stopped, ==, 2);
}

/* Nothing listens: connect () fails with ECONNREFUSED at once, and the
 * error has its explanation: what it means and what to check. */
static void
test_refused (gconstpointer data)
{
  Lesson l;
  LabEndpoint *client;
  LabEvent *connect;
  const LabExplanation *explanation;

  lesson_play_on (&l, "12-refused", GPOINTER_TO_INT (data));
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_wait (is_failed, client, 10000);
  connect = lab_test_log_find_call (l.log, client, LAB_OP_CONNECT);
  g_assert_nonnull (connect);
  g_assert_true (lab_event_get_finished (connect));
  g_assert_cmpstr (lab_event_get_errno_name (connect), ==, "ECONNREFUSED");
  g_assert_nonnull (strstr (lab_endpoint_get_error (client), "ECONNREFUSED"));
  /* At once: the kernel answered the handshake with a reset. */
  g_assert_cmpint (lab_event_get_end_time (connect) - lab_event_get_begin_time (connect), <, G_USEC_PER_SEC);

  explanation = lab_explain_error (lab_event_get_errno (connect));
  g_assert_nonnull (explanation);
  g_assert_cmpstr (explanation->name, ==, "ECONNREFUSED");
  g_assert_cmpstr (explanation->means, !=, "");
  g_assert_cmpstr (explanation->remedy, !=, "");
  lab_test_lesson_finish (&l);
}

/* Two hosts of the lab network: the client on alfa reaches the server on
 * beta at beta's address, and gets its four bytes back. What crosses the
 * link, packet by packet, is tested with the wire (test-wire.c). */
static void
test_handshake (gconstpointer data)
{
  Lesson l;
  LabEndpoint *client, *server;
  LabEvent *connect;
  g_autofree char *args = NULL;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  lesson_play_on (&l, "14-handshake", GPOINTER_TO_INT (data));
  client = lab_test_lesson_endpoint (&l, "Client on alfa");
  server = lab_test_lesson_endpoint (&l, "Server on beta");
  lab_test_lesson_wait_ended (&l, client);
  lab_test_log_assert_received (l.log, client, "hola");
  connect = lab_test_log_find_call (l.log, client, LAB_OP_CONNECT);
  g_assert_cmpint (lab_event_get_errno (connect), ==, 0);
  args = lab_event_dup_args (connect);
  g_assert_nonnull (strstr (args, "10.80.0.2"));
  g_assert_nonnull (lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT));
  /* The capture holds the timeline while it runs: it goes first. */
  lab_network_forget ();
  lab_test_lesson_finish (&l);
}

/* Whether @address is the loopback of @family. */
static gboolean
is_loopback (GSocketAddress *address,
             GSocketFamily   family)
{
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));

  return g_inet_address_get_family (inet) == family && g_inet_address_get_is_loopback (inet);
}

/* The same story on both backends, each resolver as it is: getaddrinfo ()
 * gives what /etc/hosts says, GLib answers localhost itself with ::1 and
 * 127.0.0.1. The TCP client tries each address; the UDP client, which
 * cannot, reaches the UDP server bound to 127.0.0.1 by the name. */
static void
test_localhost (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *by_name, *v6, *v4, *udp_server, *udp_client;
  LabEvent *lookup, *sendto;
  GPtrArray *resolved;
  g_autofree char *sent_to = NULL;

  lesson_play_on (&l, "13-localhost", backend);
  by_name = lab_test_lesson_endpoint (&l, "Client to localhost");
  v6 = lab_test_lesson_endpoint (&l, "Client to ::1");
  v4 = lab_test_lesson_endpoint (&l, "Client to 127.0.0.1");
  udp_server = lab_test_lesson_endpoint (&l, "UDP server on 127.0.0.1");
  udp_client = lab_test_lesson_endpoint (&l, "UDP client to localhost");

  lab_test_lesson_wait_ended (&l, v6);
  lab_test_log_assert_received (l.log, v6, "hola\n");
  lab_test_wait (is_failed, v4, 10000);
  g_assert_nonnull (strstr (lab_endpoint_get_error (v4), "ECONNREFUSED"));

  /* localhost reaches the TCP server only where it resolves to ::1. */
  lab_test_lesson_wait_ended (&l, by_name);
  lookup = lab_test_log_find_call (l.log, by_name, LAB_OP_GETADDRINFO);
  g_assert_nonnull (lookup);
  resolved = lab_event_get_resolved (lookup);
  g_assert_cmpuint (resolved->len, >, 0);
  if (backend == LAB_BACKEND_GIO)
    {
      g_assert_cmpuint (resolved->len, ==, 2);
      g_assert_true (is_loopback (resolved->pdata[0], G_SOCKET_FAMILY_IPV6));
      g_assert_true (is_loopback (resolved->pdata[1], G_SOCKET_FAMILY_IPV4));
    }
  if (backend == LAB_BACKEND_GIO || lab_test_localhost_has_ipv6 ())
    lab_test_log_assert_received (l.log, by_name, "hola\n");
  else
    g_assert_cmpint (lab_endpoint_get_state (by_name), ==, LAB_ENDPOINT_STATE_FAILED);

  /* The UDP client sent to 127.0.0.1, and its echo came back. */
  lab_test_lesson_wait_ended (&l, udp_client);
  g_assert_null (lab_endpoint_get_error (udp_client));
  sendto = lab_test_log_find_call (l.log, udp_client, LAB_OP_SENDTO);
  g_assert_nonnull (sendto);
  g_assert_cmpint (lab_event_get_result (sendto), ==, 8);
  sent_to = lab_event_dup_args (sendto);
  g_assert_nonnull (strstr (sent_to, "('127.0.0.1', "));
  lab_test_log_assert_received (l.log, udp_server, "hola udp");
  lab_test_log_assert_received (l.log, udp_client, "hola udp");
  lab_test_lesson_finish (&l);
}

static const LabTestLessonCase lessons[] = {
  { "01-tcp-echo", test_tcp_echo },
  { "02-udp-echo", test_udp_echo },
  { "03-chat", test_chat },
  { "04-upper-lines", test_upper_lines },
  { "05-time-server", test_time_server },
  { "06-threads-bye", test_threads_bye },
  { "07-backlog", test_backlog },
  { "08-reuseaddr", test_reuseaddr },
  { "09-udp-truncation", test_udp_truncation },
  { "10-half-close", test_half_close },
  { "11-coalescing", test_coalescing },
  { "12-refused", test_refused },
  { "13-localhost", test_localhost },
  { "14-handshake", test_handshake },
};

/* The lessons of the wire, which test-lessons-wire.c tests, and those
 * that run the course's programs, which test-lessons-programs.c does. */
static const char *const other_lessons[] = {
  "15-data-ack",
  "16-shutdown-fin",
  "17-reset",
  "18-ping",
  "19-course-server-watched",
  "20-course-client-lab-server",
  "21-delay",
  "22-loss",
  "23-flow-control",
  "24-nagle",
  "25-mtu",
  "26-rate",
  "27-udp-loss",
  "28-timeout",
};

/* Every lesson bundled has its test, here or in another, and every test
 * its lesson. */
static void
test_all_checked (void)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  g_assert_cmpuint (g_strv_length (ids), ==, G_N_ELEMENTS (lessons) + G_N_ELEMENTS (other_lessons));
  for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
    g_assert_cmpstr (ids[i], ==, lessons[i].id);
  for (guint i = 0; i < G_N_ELEMENTS (other_lessons); i++)
    g_assert_cmpstr (ids[G_N_ELEMENTS (lessons) + i], ==, other_lessons[i]);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/lessons/all-checked", test_all_checked);
  lab_test_add_lessons ("lessons", lessons, G_N_ELEMENTS (lessons));
  g_test_add_data_func ("/lessons/posix/11-coalescing/cli", GINT_TO_POINTER (LAB_BACKEND_POSIX),
                        test_coalescing_cli);
  g_test_add_data_func ("/lessons/gio/11-coalescing/cli", GINT_TO_POINTER (LAB_BACKEND_GIO), test_coalescing_cli);

  return g_test_run ();
}
