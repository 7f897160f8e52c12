/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <netdb.h>
#include <sys/socket.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-lessons.h"
#include "lab-session.h"
#include "lab-test-engine.h"

/* Every bundled lesson, played headless as Play plays it, on real sockets,
 * does what its notes promise. Only the ports are changed, to free ones,
 * so that the tests can run side by side. */

typedef struct {
  LabSession *session;
  LabTestLog *log;
} Lesson;

static LabEndpoint *
endpoint (Lesson     *l,
          const char *name)
{
  GListModel *endpoints = lab_session_get_endpoints (l->session);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);

      if (g_str_equal (lab_endpoint_get_name (e), name))
        return e;
    }

  g_error ("the lesson has no endpoint named “%s”", name);
}

/* Loads lesson @id with each endpoint on @backend. */
static void
lesson_load_on (Lesson         *l,
                const char     *id,
                LabBackendKind  backend)
{
  g_autoptr(LabExperiment) experiment = lab_test_lesson_load (id, backend);

  l->session = lab_session_new ();
  l->log = lab_test_log_new (lab_session_get_timeline (l->session));
  lab_session_load (l->session, experiment);
}

static void
lesson_play_on (Lesson         *l,
                const char     *id,
                LabBackendKind  backend)
{
  lesson_load_on (l, id, backend);
  lab_session_play (l->session);
}

static void
lesson_finish (Lesson *l)
{
  GListModel *endpoints = lab_session_get_endpoints (l->session);

  lab_session_stop_all (l->session);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);

      lab_test_wait_stopped (e);
    }
  lab_test_log_free (l->log);
  g_clear_object (&l->session);
}

static void
assert_received (Lesson     *l,
                 LabEndpoint *e,
                 const char *expected)
{
  g_autoptr(GByteArray) data = lab_test_log_data (l->log, e, LAB_DIRECTION_IN);

  g_assert_cmpmem (data->data, data->len, expected, strlen (expected));
}

static guint
count_calls (Lesson      *l,
             LabEndpoint *e,
             LabOp        op)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (l->log, e, FALSE);
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    n += lab_event_get_op (calls->pdata[i]) == op;

  return n;
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

typedef struct {
  Lesson      *lesson;
  LabEndpoint *endpoint;
  LabNote      note;
  LabDirection direction;
  gsize        bytes;
} Until;

static gboolean
has_note (gpointer data)
{
  Until *u = data;

  return lab_test_log_has_note (u->lesson->log, u->endpoint, u->note);
}

static gboolean
has_bytes (gpointer data)
{
  Until *u = data;
  g_autoptr(GByteArray) bytes = lab_test_log_data (u->lesson->log, u->endpoint, u->direction);

  return bytes->len >= u->bytes;
}

static void
wait_note (Lesson      *l,
           LabEndpoint *e,
           LabNote      note)
{
  Until u = { l, e, note };

  lab_test_wait (has_note, &u, 10000);
}

static void
wait_bytes (Lesson       *l,
            LabEndpoint  *e,
            LabDirection  direction,
            gsize         bytes)
{
  Until u = { .lesson = l, .endpoint = e, .direction = direction, .bytes = bytes };

  lab_test_wait (has_bytes, &u, 10000);
}

/* Started by Play, and ended since: a client is stopped before it starts. */
static void
wait_ended (Lesson      *l,
            LabEndpoint *e)
{
  wait_note (l, e, LAB_NOTE_STOPPED);
  lab_test_wait_stopped (e);
}

/* An address as an endpoint shows it: 127.0.0.1:5000, [::1]:5000. */
static char *
address_text (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf (strchr (host, ':') != NULL ? "[%s]:%u" : "%s:%u", host,
                          g_inet_socket_address_get_port (inet));
}

/* ---- The lessons ---- */

static void
test_tcp_echo (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;

  lesson_play_on (&l, "01-tcp-echo", backend);
  server = endpoint (&l, "Echo server");
  client = endpoint (&l, "Client");

  /* The client gets back exactly what it sent; its close makes the
   * server's recv () return 0. */
  wait_ended (&l, client);
  assert_received (&l, client, "Hola, servidor!");
  g_assert_nonnull (lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT));
  wait_note (&l, server, LAB_NOTE_PEER_CLOSED);
  lesson_finish (&l);
}

static void
test_udp_echo (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *recvfrom, *getsockname;
  g_autofree char *from = NULL;
  g_autofree char *own = NULL;

  lesson_play_on (&l, "02-udp-echo", backend);
  server = endpoint (&l, "UDP echo server");
  client = endpoint (&l, "UDP client");

  wait_ended (&l, client);
  assert_received (&l, client, "hola udp");
  assert_received (&l, server, "hola udp");
  /* No connection at all. */
  for (LabOp op = LAB_OP_LISTEN; op <= LAB_OP_CONNECT; op++)
    {
      g_assert_null (lab_test_log_find_call (l.log, server, op));
      g_assert_null (lab_test_log_find_call (l.log, client, op));
    }

  /* recvfrom () says who sent: the client's port, which the kernel chose
   * at its first sendto (), and which its panel shows. Its socket is
   * bound to any address; the datagram left from 127.0.0.1. */
  recvfrom = lab_test_log_find_call (l.log, server, LAB_OP_RECVFROM);
  g_assert_nonnull (recvfrom);
  from = address_text (lab_event_get_address (recvfrom));
  g_assert_true (g_str_has_prefix (from, "127.0.0.1:"));
  getsockname = lab_test_log_find_call (l.log, client, LAB_OP_GETSOCKNAME);
  g_assert_nonnull (getsockname);
  g_assert_cmpuint (lab_event_get_seq (getsockname), >,
                    lab_event_get_seq (lab_test_log_find_call (l.log, client, LAB_OP_SENDTO)));
  own = address_text (lab_event_get_address (getsockname));
  g_assert_cmpstr (lab_endpoint_get_address (client), ==, own);
  g_assert_cmpuint (lab_endpoint_get_port (client), ==,
                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (lab_event_get_address (recvfrom))));
  g_assert_cmpstr (strchr (own, ':'), ==, strchr (from, ':'));
  g_assert_true (g_str_has_prefix (own, "0.0.0.0:"));
  lesson_finish (&l);
}

static void
test_chat (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GBytes) answer = g_bytes_new_static ("¿qué tal?\n", strlen ("¿qué tal?\n"));
  g_autoptr(GError) error = NULL;

  lesson_play_on (&l, "03-chat", backend);
  server = endpoint (&l, "Chat server");
  client = endpoint (&l, "Chat client");

  /* Nothing is sent until someone types. */
  lab_test_wait (is_connected, client, 10000);
  lab_test_wait_waiting_in (client, "recv");
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 0);

  /* Each side sends on the one connection. */
  g_assert_true (lab_endpoint_send (client, 0, hello, TRUE, &error));
  g_assert_no_error (error);
  wait_bytes (&l, server, LAB_DIRECTION_IN, 5);
  assert_received (&l, server, "hola\n");
  g_assert_true (lab_endpoint_send (server, 0, answer, TRUE, &error));
  g_assert_no_error (error);
  wait_bytes (&l, client, LAB_DIRECTION_IN, g_bytes_get_size (answer));
  assert_received (&l, client, "¿qué tal?\n");
  lesson_finish (&l);
}

/* The data events of @e in @direction, in order. */
static GPtrArray *
data_events (Lesson       *l,
             LabEndpoint  *e,
             LabDirection  direction)
{
  GPtrArray *data = g_ptr_array_new ();

  lab_timeline_flush (l->log->timeline);
  for (guint i = 0; i < l->log->events->len; i++)
    {
      LabEvent *event = l->log->events->pdata[i];

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (e) &&
          lab_event_get_kind (event) == LAB_EVENT_DATA && lab_event_get_direction (event) == direction)
        g_ptr_array_add (data, event);
    }

  return data;
}

static void
assert_event_bytes (LabEvent   *event,
                    const char *expected)
{
  GBytes *bytes = lab_event_get_bytes (event);

  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

static gboolean
held_in_recv (gpointer data)
{
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (data), 0);

  return held != NULL && lab_event_get_op (held) == LAB_OP_RECV;
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

  lesson_load_on (&l, "04-upper-lines", backend);
  server = endpoint (&l, "Uppercase server");
  client = endpoint (&l, "Client");
  g_object_set (lab_endpoint_get_config (server), "concurrency", model, NULL);
  if (together)
    lab_endpoint_set_breakpoint (server, LAB_OP_RECV, TRUE);
  lab_session_play (l.session);

  if (together)
    {
      wait_bytes (&l, client, LAB_DIRECTION_OUT, 11);
      lab_test_wait (held_in_recv, server, 10000);
      lab_endpoint_set_breakpoint (server, LAB_OP_RECV, FALSE);
    }

  wait_ended (&l, client);
  assert_received (&l, client, "HOLA\nMUNDO\n");
  /* Eleven bytes in pieces of three: four sends, whatever the lines. */
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 4);

  /* One answer per line, each sent once its newline had come. */
  wait_bytes (&l, server, LAB_DIRECTION_OUT, 11);
  in = data_events (&l, server, LAB_DIRECTION_IN);
  out = data_events (&l, server, LAB_DIRECTION_OUT);
  if (together)
    {
      g_assert_cmpuint (in->len, ==, 1);
      assert_event_bytes (in->pdata[0], "hola\nmundo\n");
    }
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_cmpuint (count_calls (&l, server, LAB_OP_SEND), ==, 2);
  assert_event_bytes (out->pdata[0], "HOLA\n");
  assert_event_bytes (out->pdata[1], "MUNDO\n");
  lesson_finish (&l);
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

static void
test_time_server (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *client;
  g_autoptr(GByteArray) now = NULL;

  lesson_play_on (&l, "05-time-server", backend);
  client = endpoint (&l, "Client");

  wait_ended (&l, client);
  now = lab_test_log_data (l.log, client, LAB_DIRECTION_IN);
  g_assert_cmpuint (now->len, >, 0);
  g_assert_cmpint (now->data[now->len - 1], ==, '\n');
  g_assert_cmpuint (count_calls (&l, client, LAB_OP_SEND), ==, 0);
  g_assert_true (lab_test_log_has_note (l.log, client, LAB_NOTE_PEER_CLOSED));
  lesson_finish (&l);
}

static void
test_threads_bye (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *a, *b;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GHashTable) threads = g_hash_table_new (NULL, NULL);

  lesson_play_on (&l, "06-threads-bye", backend);
  server = endpoint (&l, "Threaded echo server");
  a = endpoint (&l, "Client A");
  b = endpoint (&l, "Client B");

  /* bye is not echoed: the server closes, and each client sees it. */
  wait_ended (&l, a);
  wait_ended (&l, b);
  assert_received (&l, a, "hola desde A\n");
  assert_received (&l, b, "hola desde B\n");
  g_assert_true (lab_test_log_has_note (l.log, a, LAB_NOTE_PEER_CLOSED));
  g_assert_true (lab_test_log_has_note (l.log, b, LAB_NOTE_PEER_CLOSED));

  /* Each connection's recv () on a thread of its own. */
  calls = lab_test_log_calls (l.log, server, FALSE);
  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_RECV)
      g_hash_table_add (threads, GUINT_TO_POINTER (lab_event_get_thread (calls->pdata[i])));
  g_assert_cmpuint (g_hash_table_size (threads), ==, 2);
  g_assert_true (lab_endpoint_is_active (server));
  lesson_finish (&l);
}

static gboolean
queue_full (gpointer data)
{
  guint length = 0;

  lab_endpoint_get_accept_queue (data, &length, NULL);
  return length >= 2;
}

static void
test_backlog (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *a, *b, *c, *d;
  guint length, limit;

  lesson_play_on (&l, "07-backlog", backend);
  server = endpoint (&l, "Iterative server");
  a = endpoint (&l, "Client A");
  b = endpoint (&l, "Client B");
  c = endpoint (&l, "Client C");
  d = endpoint (&l, "Client D");

  /* A is served; B and C are connected by the kernel alone, in the accept
   * queue; D finds it full and waits in connect (). */
  lab_test_wait (is_connected, a, 10000);
  lab_test_wait (is_connected, b, 10000);
  lab_test_wait (is_connected, c, 10000);
  lab_test_wait (queue_full, server, 10000);
  lab_endpoint_get_accept_queue (server, &length, &limit);
  g_assert_cmpuint (length, ==, 2);
  g_assert_cmpuint (limit, ==, 1);
  lab_test_wait_waiting_in (d, "connect");
  g_assert_cmpuint (count_calls (&l, server, LAB_OP_ACCEPT), ==, 1);

  /* A goes: the server accepts B, which gets its echo. */
  lab_endpoint_stop (a);
  wait_ended (&l, b);
  assert_received (&l, b, "B");
  lesson_finish (&l);
}

static void
test_reuseaddr (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *plain, *reuse;
  g_autoptr(GError) error = NULL;

  lesson_play_on (&l, "08-reuseaddr", backend);
  plain = endpoint (&l, "Server without SO_REUSEADDR");
  reuse = endpoint (&l, "Server with SO_REUSEADDR");

  /* Each server closes first, leaving TIME_WAIT, and stops after its one
   * connection. */
  wait_ended (&l, endpoint (&l, "Client of the first"));
  wait_ended (&l, endpoint (&l, "Client of the second"));
  wait_ended (&l, plain);
  wait_ended (&l, reuse);
  g_assert_cmpint (lab_endpoint_get_state (plain), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_cmpint (lab_endpoint_get_state (reuse), ==, LAB_ENDPOINT_STATE_STOPPED);

  /* Started again at once: only SO_REUSEADDR binds beside the TIME_WAIT. */
  g_assert_true (lab_endpoint_start (plain, &error));
  g_assert_no_error (error);
  g_assert_true (lab_endpoint_start (reuse, &error));
  g_assert_no_error (error);
  lab_test_wait (is_failed, plain, 10000);
  g_assert_nonnull (strstr (lab_endpoint_get_error (plain), "EADDRINUSE"));
  lab_test_wait_waiting_in (reuse, "accept");
  lesson_finish (&l);
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
  server = endpoint (&l, "UDP server with a small buffer");
  client = endpoint (&l, "UDP client");
  /* The notes name the flag that makes the difference, and what the
   * course's Python gets without it. */
  g_assert_nonnull (strstr (lab_session_get_notes (l.session), "MSG_TRUNC"));
  g_assert_nonnull (strstr (lab_session_get_notes (l.session), "recvfrom(8)"));

  wait_ended (&l, client);
  g_assert_cmpint (lab_event_get_result (lab_test_log_find_call (l.log, client, LAB_OP_SENDTO)), ==, 20);

  /* Asked for 8, with MSG_TRUNC: 20 returned, 8 kept. */
  recvfrom = lab_test_log_find_call (l.log, server, LAB_OP_RECVFROM);
  g_assert_nonnull (recvfrom);
  args = lab_event_dup_args (recvfrom);
  g_assert_true (g_str_has_suffix (args, ", 8, MSG_TRUNC"));
  g_assert_cmpint (lab_event_get_result (recvfrom), ==, 20);
  received = data_events (&l, server, LAB_DIRECTION_IN);
  g_assert_cmpuint (received->len, ==, 1);
  in = received->pdata[0];
  g_assert_cmpuint (lab_event_get_real_length (in), ==, 20);
  g_assert_true (lab_event_get_truncated (in));
  assert_event_bytes (in, "01234567");

  /* The server echoes what it kept; the client gets 8 bytes, not 20. */
  wait_bytes (&l, server, LAB_DIRECTION_OUT, 8);
  echoed = data_events (&l, server, LAB_DIRECTION_OUT);
  g_assert_cmpuint (echoed->len, ==, 1);
  assert_event_bytes (echoed->pdata[0], "01234567");
  assert_received (&l, client, "01234567");
  g_assert_cmpint (lab_event_get_result (lab_test_log_find_call (l.log, client, LAB_OP_RECVFROM)), ==, 8);

  /* The next recvfrom () waits for a new datagram: nothing more came. */
  lab_test_wait_waiting_in (server, "recvfrom");
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_IN), ==, 1);
  lesson_finish (&l);
}

static void
test_half_close (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;
  LabEvent *shutdown;
  guint64 first_in = 0;

  lesson_play_on (&l, "10-half-close", backend);
  server = endpoint (&l, "Echo server");
  client = endpoint (&l, "Client");

  wait_ended (&l, client);
  assert_received (&l, client, "hasta luego\n");
  wait_note (&l, server, LAB_NOTE_PEER_CLOSED);

  /* The echo came in after the client had shut its sending side. */
  shutdown = lab_test_log_find_call (l.log, client, LAB_OP_SHUTDOWN);
  g_assert_nonnull (shutdown);
  for (guint i = 0; i < l.log->events->len && first_in == 0; i++)
    {
      LabEvent *e = l.log->events->pdata[i];

      if (lab_event_get_endpoint_id (e) == lab_endpoint_get_id (client) &&
          lab_event_get_kind (e) == LAB_EVENT_DATA && lab_event_get_direction (e) == LAB_DIRECTION_IN)
        first_in = lab_event_get_seq (e);
    }
  g_assert_cmpuint (first_in, >, lab_event_get_seq (shutdown));
  lesson_finish (&l);
}

static void
test_coalescing (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *server, *client;

  lesson_play_on (&l, "11-coalescing", backend);
  server = endpoint (&l, "Echo server");
  client = endpoint (&l, "Client");

  /* Eight sends while the server is held before recv (). */
  wait_bytes (&l, client, LAB_DIRECTION_OUT, 8);
  g_assert_cmpuint (lab_test_log_count_data (l.log, client, LAB_DIRECTION_OUT), ==, 8);
  g_assert_cmpuint (count_calls (&l, client, LAB_OP_SEND), ==, 8);
  lab_test_wait (held_in_recv, server, 10000);

  /* One step, one recv (), all eight bytes. */
  g_assert_true (lab_endpoint_step (server));
  wait_bytes (&l, server, LAB_DIRECTION_IN, 1);
  g_assert_cmpuint (lab_test_log_count_data (l.log, server, LAB_DIRECTION_IN), ==, 1);
  assert_received (&l, server, "abcdefgh");

  lab_endpoint_continue (server);
  wait_ended (&l, client);
  assert_received (&l, client, "abcdefgh");
  lesson_finish (&l);
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
  g_autoptr(LabExperiment) experiment = lab_test_lesson_load ("11-coalescing", GPOINTER_TO_INT (data));
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

static void
test_refused (gconstpointer data)
{
  LabBackendKind backend = GPOINTER_TO_INT (data);
  Lesson l;
  LabEndpoint *client;
  LabEvent *connect;

  lesson_play_on (&l, "12-refused", backend);
  client = endpoint (&l, "Client");

  lab_test_wait (is_failed, client, 10000);
  connect = lab_test_log_find_call (l.log, client, LAB_OP_CONNECT);
  g_assert_nonnull (connect);
  g_assert_cmpstr (lab_event_get_errno_name (connect), ==, "ECONNREFUSED");
  lesson_finish (&l);
}

/* Whether this machine's resolver gives ::1 for localhost. */
static gboolean
localhost_has_ipv6 (void)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
  struct addrinfo *result = NULL;
  gboolean found = FALSE;

  if (getaddrinfo ("localhost", "1", &hints, &result) != 0)
    return FALSE;
  for (struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next)
    found |= ai->ai_family == AF_INET6;
  freeaddrinfo (result);

  return found;
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
  by_name = endpoint (&l, "Client to localhost");
  v6 = endpoint (&l, "Client to ::1");
  v4 = endpoint (&l, "Client to 127.0.0.1");
  udp_server = endpoint (&l, "UDP server on 127.0.0.1");
  udp_client = endpoint (&l, "UDP client to localhost");

  wait_ended (&l, v6);
  assert_received (&l, v6, "hola\n");
  lab_test_wait (is_failed, v4, 10000);
  g_assert_nonnull (strstr (lab_endpoint_get_error (v4), "ECONNREFUSED"));

  /* localhost reaches the TCP server only where it resolves to ::1. */
  wait_ended (&l, by_name);
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
  if (backend == LAB_BACKEND_GIO || localhost_has_ipv6 ())
    assert_received (&l, by_name, "hola\n");
  else
    g_assert_cmpint (lab_endpoint_get_state (by_name), ==, LAB_ENDPOINT_STATE_FAILED);

  /* The UDP client sent to 127.0.0.1, and its echo came back. */
  wait_ended (&l, udp_client);
  g_assert_null (lab_endpoint_get_error (udp_client));
  sendto = lab_test_log_find_call (l.log, udp_client, LAB_OP_SENDTO);
  g_assert_nonnull (sendto);
  g_assert_cmpint (lab_event_get_result (sendto), ==, 8);
  sent_to = lab_event_dup_args (sendto);
  g_assert_nonnull (strstr (sent_to, "('127.0.0.1', "));
  assert_received (&l, udp_server, "hola udp");
  assert_received (&l, udp_client, "hola udp");
  lesson_finish (&l);
}

static const struct {
  const char    *id;
  GTestDataFunc  func;
} lessons[] = {
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
};

static const struct {
  const char     *name;
  LabBackendKind  kind;
} backends[] = {
  { "posix", LAB_BACKEND_POSIX },
  { "gio", LAB_BACKEND_GIO },
};

/* Every lesson bundled has its test here, and every test its lesson. */
static void
test_all_checked (void)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  g_assert_cmpuint (g_strv_length (ids), ==, G_N_ELEMENTS (lessons));
  for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
    g_assert_cmpstr (ids[i], ==, lessons[i].id);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/lessons/all-checked", test_all_checked);
  /* Both backends: the same story, with the BSD calls and with GSocket. */
  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    for (guint i = 0; i < G_N_ELEMENTS (lessons); i++)
      {
        g_autofree char *path = g_strdup_printf ("/lessons/%s/%s", backends[b].name, lessons[i].id);

        g_test_add_data_func (path, GINT_TO_POINTER (backends[b].kind), lessons[i].func);
      }
  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    {
      g_autofree char *path = g_strdup_printf ("/lessons/%s/11-coalescing/cli", backends[b].name);

      g_test_add_data_func (path, GINT_TO_POINTER (backends[b].kind), test_coalescing_cli);
    }

  return g_test_run ();
}
