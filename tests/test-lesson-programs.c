/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-codegen.h"
#include "lab-lessons.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-engine.h"
#include "lab-test-program.h"

/* Every program the Code button prints for a lesson's endpoint, in Python
 * and in C, run as a student would run it against the lab playing the
 * lesson's other endpoints, on real sockets: it does what the lab's own
 * endpoint does. The C programs are built with AddressSanitizer, so that
 * a leak on any way out fails too. */

/* What an endpoint receives when the lesson is played: the bytes, or one
 * of these. */
#define REFUSED "(refused)"
#define THE_TIME "(the time)"

typedef struct {
  const char *lesson;
  const char *endpoint;
  const char *received;   /* NULL: not checked (several connections) */
} Case;

static const Case cases[] = {
  { "01-tcp-echo", "Echo server", "Hola, servidor!" },
  { "01-tcp-echo", "Client", "Hola, servidor!" },
  { "02-udp-echo", "UDP echo server", "hola udp" },
  { "02-udp-echo", "UDP client", "hola udp" },
  { "03-chat", "Chat server", "hola\n" },
  { "03-chat", "Chat client", "que tal\n" },
  { "04-upper-lines", "Uppercase server", "hola\nmundo\n" },
  { "04-upper-lines", "Client", "HOLA\nMUNDO\n" },
  { "05-time-server", "Time server", NULL },
  { "05-time-server", "Client", THE_TIME },
  { "06-threads-bye", "Threaded echo server", NULL },
  { "06-threads-bye", "Client A", "hola desde A\n" },
  { "06-threads-bye", "Client B", "hola desde B\n" },
  { "07-backlog", "Iterative server", NULL },
  { "07-backlog", "Client A", NULL },
  { "07-backlog", "Client B", "B" },
  { "07-backlog", "Client C", "C" },
  { "07-backlog", "Client D", "D" },
  { "08-reuseaddr", "Server without SO_REUSEADDR", NULL },
  { "08-reuseaddr", "Server with SO_REUSEADDR", NULL },
  { "08-reuseaddr", "Client of the first", THE_TIME },
  { "08-reuseaddr", "Client of the second", THE_TIME },
  { "09-udp-truncation", "UDP server with a small buffer", "01234567" },
  { "09-udp-truncation", "UDP client", "01234567" },
  { "10-half-close", "Echo server", "hasta luego\n" },
  { "10-half-close", "Client", "hasta luego\n" },
  { "11-coalescing", "Echo server", "abcdefgh" },
  { "11-coalescing", "Client", "abcdefgh" },
  { "12-refused", "Client", REFUSED },
  { "14-handshake", "Server on beta", "hola" },
  { "14-handshake", "Client on alfa", "hola" },
  { "15-data-ack", "Server on beta", "hola, beta\n" },
  { "15-data-ack", "Client on alfa", "hola, beta\n" },
  { "16-shutdown-fin", "Server on beta", "hasta luego\n" },
  { "16-shutdown-fin", "Client on alfa", "hasta luego\n" },
  /* The client reads four bytes of the echo and resets the connection. */
  { "17-reset", "Server on beta", "hola, beta\n" },
  { "17-reset", "Client on alfa", "hola" },
  { "13-localhost", "IPv6 server", NULL },
  { "13-localhost", "Client to localhost", NULL },
  { "13-localhost", "Client to ::1", "hola\n" },
  { "13-localhost", "Client to 127.0.0.1", REFUSED },
  { "13-localhost", "UDP server on 127.0.0.1", "hola udp" },
  { "13-localhost", "UDP client to localhost", "hola udp" },
};

/* One lesson, one endpoint of it a generated program, the others the lab's. */
typedef struct {
  const Case        *c;
  LabTestLesson      lab;
  LabEndpointConfig *config;
  LabTestProgram    *program;
  gboolean           server;
} Run;

/* localhost reaches lesson 13's IPv6 server only where it resolves to ::1. */
static const char *
expected_of (const char *lesson,
             const char *endpoint)
{
  if (g_str_equal (endpoint, "Client to localhost"))
    return lab_test_localhost_has_ipv6 () ? "hola\n" : REFUSED;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (g_str_equal (cases[i].lesson, lesson) && g_str_equal (cases[i].endpoint, endpoint))
      return cases[i].received;
  g_assert_not_reached ();
}

static gboolean
is_lesson (Run        *r,
           const char *id)
{
  return g_str_equal (r->c->lesson, id);
}

static LabEndpoint *
lab_endpoint (Run        *r,
              const char *name)
{
  return lab_test_lesson_endpoint (&r->lab, name);
}

/* The lesson in a session of its own, without @c's endpoint, which is
 * written out as a program instead, on the same free port. */
static void
run_prepare (Run             *r,
             const Case      *c,
             LabCodeLanguage  language)
{
  g_autoptr(LabExperiment) experiment = lab_test_lesson_experiment (c->lesson, LAB_BACKEND_POSIX);
  g_autofree char *host = NULL;
  int behaviour;

  r->c = c;
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    if (g_str_equal (lab_experiment_get_endpoint_name (experiment, i), c->endpoint))
      r->config = g_object_ref (lab_experiment_get_config (experiment, i));
  g_assert_nonnull (r->config);
  r->server = lab_endpoint_config_is_server (r->config);
  r->program = lab_test_program_new_checked (r->config, c->endpoint, language, language == LAB_CODE_C);
  /* A lab host's program runs on that host, as its code says. */
  g_object_get (r->config, "network-host", &host, NULL);
  if (host[0] != '\0')
    lab_test_program_set_host (r->program, host);

  /* A client the lesson says sends nothing reads no keyboard: nothing
   * waits on it when the program ends. */
  g_object_get (r->config, "behaviour", &behaviour, NULL);
  if (!r->server && behaviour == LAB_BEHAVIOUR_DISCARD)
    {
      g_autofree char *code = lab_codegen_generate (r->config, c->endpoint, language);

      g_assert_null (strstr (code, language == LAB_CODE_C ? "STDIN_FILENO" : "sys.stdin"));
    }

  r->lab.session = lab_session_new ();
  r->lab.log = lab_test_log_new (lab_session_get_timeline (r->lab.session));
  lab_session_load (r->lab.session, experiment);
  lab_session_remove (r->lab.session, lab_endpoint (r, c->endpoint));
}

/* The lab's servers the program's client talks to, listening. */
static void
wait_lab_servers (Run *r)
{
  GListModel *endpoints = lab_session_get_endpoints (r->lab.session);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);

      LabEndpointConfig *config = lab_endpoint_get_config (e);
      g_autofree char *host = NULL;
      guint port;

      if (!lab_endpoint_config_is_server (config))
        continue;
      g_object_get (config, "port", &port, "network-host", &host, NULL);
      lab_test_wait_port_bound_on (host, port, !lab_endpoint_config_is_tcp (config));
    }
}

/* The text a program prints for @bytes, as far as it is plain: both
 * languages print printable ASCII as it is. */
static char *
printable_start (const char *bytes)
{
  gsize n = 0;

  while (bytes[n] >= ' ' && bytes[n] < 0x7f)
    n++;
  return g_strndup (bytes, n);
}

static void
assert_printed (GBytes     *printed,
                const char *text)
{
  g_autofree char *plain = printable_start (text);

  g_assert_cmpuint (strlen (plain), >, 0);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed), plain));
}

/* What a lab endpoint of the lesson was to receive, it received. */
static void
assert_lab_received (Run         *r,
                     LabEndpoint *e,
                     const char  *expected)
{
  g_autoptr(GByteArray) data = NULL;

  if (expected == NULL)
    return;
  if (g_str_equal (expected, REFUSED))
    {
      lab_test_lesson_wait_ended (&r->lab, e);
      g_assert_nonnull (strstr (lab_endpoint_get_error (e), "ECONNREFUSED"));
      return;
    }
  if (g_str_equal (expected, THE_TIME))
    {
      /* "2026-12-01 12:00:00\n" */
      lab_test_log_wait_data (r->lab.log, e, LAB_DIRECTION_IN, 20);
      data = lab_test_log_data (r->lab.log, e, LAB_DIRECTION_IN);
      g_assert_cmpuint (data->len, ==, 20);
      g_assert_cmpint (data->data[19], ==, '\n');
      return;
    }
  lab_test_log_wait_data (r->lab.log, e, LAB_DIRECTION_IN, strlen (expected));
  data = lab_test_log_data (r->lab.log, e, LAB_DIRECTION_IN);
  g_assert_cmpmem (data->data, data->len, expected, strlen (expected));
}

/* Each of the lab's clients got what the lesson gives it, and ended. */
static void
assert_lab_clients (Run *r)
{
  GListModel *endpoints = lab_session_get_endpoints (r->lab.session);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);
      const char *expected = expected_of (r->c->lesson, lab_endpoint_get_name (e));

      if (lab_endpoint_config_is_server (lab_endpoint_get_config (e)))
        continue;
      g_test_message ("the lab's %s", lab_endpoint_get_name (e));
      assert_lab_received (r, e, expected);
      if (expected != NULL && !g_str_equal (expected, REFUSED))
        {
          lab_test_lesson_wait_ended (&r->lab, e);
          g_assert_null (lab_endpoint_get_error (e));
        }
    }
}

/* Lesson 7: the iterative server serves client A, which sends nothing,
 * while B and C wait in the accept queue and D in connect (). */
static void
backlog_hold (Run *r)
{
  LabEndpoint *b = lab_endpoint (r, "Client B");

  lab_test_wait_waiting_in (lab_endpoint (r, "Client D"), "connect");
  g_assert_cmpuint (lab_test_log_count_data (r->lab.log, b, LAB_DIRECTION_IN), ==, 0);
}

/* Whether @e has received @len bytes within @ms milliseconds. */
static gboolean
received_within (Run         *r,
                 LabEndpoint *e,
                 gsize        len,
                 guint        ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      g_autoptr(GByteArray) data = lab_test_log_data (r->lab.log, e, LAB_DIRECTION_IN);

      if (data->len >= len)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
  return FALSE;
}

/* Types @line on the program's keyboard until @e receives it. The server
 * sends what is typed to the clients it has counted, which it does a
 * moment after accept (): a line typed before that goes to nobody. */
static void
type_until_received (Run         *r,
                     LabEndpoint *e,
                     const char  *line)
{
  g_autoptr(GByteArray) data = NULL;
  guint tries = 0;

  do
    {
      g_assert_cmpuint (++tries, <=, 20);
      lab_test_program_type (r->program, line);
    }
  while (!received_within (r, e, strlen (line), 500));

  data = lab_test_log_data (r->lab.log, e, LAB_DIRECTION_IN);
  g_assert_cmpmem (data->data, strlen (line), line, strlen (line));
}

/* Lesson 3 with the program as the server: the lab's client types a line,
 * the program's keyboard answers. */
static void
chat_server (Run *r)
{
  LabEndpoint *client = lab_endpoint (r, "Chat client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GBytes) printed = NULL;
  g_autoptr(GError) error = NULL;

  lab_test_wait_waiting_in (client, "recv");
  g_assert_true (lab_endpoint_send (client, 0, hello, TRUE, &error));
  g_assert_no_error (error);
  /* The send is only queued for the client's command thread, and a stop
   * drops what is still queued: it is made before the client stops. */
  lab_test_log_wait_data (r->lab.log, client, LAB_DIRECTION_OUT, g_bytes_get_size (hello));
  type_until_received (r, client, "que tal\n");
  lab_endpoint_stop (client);
  lab_test_wait_stopped (client);
  /* The client's TIME_WAIT means the program closed its side, which its
   * thread for the client does only after it printed every line it got. */
  lab_test_log_wait_state (r->lab.log, client, LAB_TCP_TIME_WAIT);
  printed = lab_test_program_end (r->program);
  assert_printed (printed, "hola\n");
}

static gboolean
has_connection (gpointer data)
{
  return g_list_model_get_n_items (lab_endpoint_get_connections (data)) > 0;
}

/* Lesson 3 with the program as the client: it sends the line typed, gets
 * the lab's answer, and ends by itself, well, when the lab closes first,
 * its keyboard still open. */
static void
chat_client (Run *r)
{
  LabEndpoint *server = lab_endpoint (r, "Chat server");
  g_autoptr(GBytes) answer = g_bytes_new_static ("que tal\n", 8);
  g_autoptr(GBytes) printed = NULL;
  g_autoptr(GError) error = NULL;

  lab_test_wait (has_connection, server, 10000);
  lab_test_program_type (r->program, "hola\n");
  assert_lab_received (r, server, "hola\n");
  g_assert_true (lab_endpoint_send (server, 0, answer, TRUE, &error));
  g_assert_no_error (error);
  lab_test_log_wait_data (r->lab.log, server, LAB_DIRECTION_OUT, g_bytes_get_size (answer));
  g_assert_true (lab_endpoint_close_connection (server, 0, &error));
  g_assert_no_error (error);
  printed = lab_test_program_wait (r->program);
  assert_printed (printed, "que tal");
}

typedef struct {
  LabSession     *session;
  LabTestProgram *program;
} Stepping;

/* Makes each call the lab holds until the program has ended. */
static gboolean
step_until_ended (gpointer data)
{
  Stepping *s = data;

  if (lab_session_get_held (s->session, NULL) != NULL)
    lab_session_step (s->session);
  return s->program->exited;
}

static void
run_program_server (Run *r)
{
  g_autofree char *host = NULL;
  guint port;

  g_object_get (r->config, "port", &port, "network-host", &host, NULL);
  lab_test_program_start (r->program);
  lab_test_wait_port_bound_on (host, port, !lab_endpoint_config_is_tcp (r->config));
  lab_session_play (r->lab.session);

  if (is_lesson (r, "03-chat"))
    {
      chat_server (r);
      return;
    }
  if (is_lesson (r, "07-backlog"))
    {
      backlog_hold (r);
      lab_endpoint_stop (lab_endpoint (r, "Client A"));
    }
  assert_lab_clients (r);
  g_bytes_unref (lab_test_program_end (r->program));
}

typedef struct {
  guint16 port;
  guint   bytes;
} Queued;

static gboolean
is_queued_row (const char *const *fields,
               gpointer            data)
{
  Queued *q = data;
  g_autofree char *port = g_strdup_printf (":%04X", q->port);
  const char *rx = strchr (fields[4], ':');

  return g_str_has_suffix (fields[1], port) && g_str_equal (fields[3], "01") && rx != NULL &&
         g_ascii_strtoull (rx + 1, NULL, 16) >= q->bytes;
}

/* Whether a connection accepted on @port holds @bytes unread, as the
 * kernel's tables say: the program's sends have all arrived. */
static gboolean
has_queued (gpointer data)
{
  return lab_test_find_socket_row (FALSE, is_queued_row, data);
}

static gboolean
is_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

/* Lesson 7 with the program as client A: the lab's clients come after
 * it, in the lesson's order, once the server serves it; A holds the
 * server until it is stopped, then the others are served in turn. Play's
 * delays count from the lab's server, not from a program that takes its
 * time to start: the lab's clients are started here instead. */
static void
backlog_client_a (Run *r)
{
  LabEndpoint *server = lab_endpoint (r, "Iterative server");
  const char *queued[] = { "Client B", "Client C" };

  lab_test_start (server);
  wait_lab_servers (r);
  lab_test_program_start (r->program);
  lab_test_wait (has_connection, server, 10000);
  for (guint i = 0; i < G_N_ELEMENTS (queued); i++)
    {
      lab_test_start (lab_endpoint (r, queued[i]));
      lab_test_wait (is_connected, lab_endpoint (r, queued[i]), 10000);
    }
  lab_test_start (lab_endpoint (r, "Client D"));

  backlog_hold (r);
  g_bytes_unref (lab_test_program_end (r->program));
  assert_lab_clients (r);
}

static void
run_program_client (Run *r)
{
  const char *expected = expected_of (r->c->lesson, r->c->endpoint);
  g_autoptr(GBytes) printed = NULL;
  int status;

  if (is_lesson (r, "07-backlog") && g_str_equal (r->c->endpoint, "Client A"))
    {
      backlog_client_a (r);
      return;
    }

  lab_session_play (r->lab.session);
  wait_lab_servers (r);
  lab_test_program_start (r->program);

  if (is_lesson (r, "03-chat"))
    {
      chat_client (r);
      return;
    }
  if (is_lesson (r, "07-backlog"))
    {
      lab_test_wait (is_connected, lab_endpoint (r, "Client A"), 10000);
      lab_endpoint_stop (lab_endpoint (r, "Client A"));
    }
  if (is_lesson (r, "11-coalescing"))
    {
      /* The lesson's point: the server's one recv () takes all eight
       * sends. It is stepped once they have all arrived, as a class
       * steps it once the client is done. */
      if (g_str_equal (r->c->endpoint, "Client"))
        {
          guint port;

          g_object_get (lab_endpoint_get_config (lab_endpoint (r, "Echo server")), "port", &port, NULL);
          lab_test_wait (has_queued, &(Queued) { port, 8 }, 10000);
        }
      lab_test_wait (step_until_ended, &(Stepping) { r->lab.session, r->program }, 10000);
    }

  printed = lab_test_program_wait_status (r->program, &status);
  if (expected != NULL && g_str_equal (expected, REFUSED))
    {
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed),
                                      "Connection refused"));
      return;
    }
  g_assert_cmpint (status, ==, 0);
  if (expected != NULL && g_str_equal (expected, THE_TIME))
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed), "20"));
  else if (expected != NULL)
    assert_printed (printed, expected);
  assert_lab_clients (r);
}

static void
test_lesson_program (gconstpointer data)
{
  const Case *c = data;
  static const LabCodeLanguage languages[] = { LAB_CODE_PYTHON, LAB_CODE_C };

  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      Run r = { 0 };

      g_test_message ("%s, %s, %s", c->lesson, c->endpoint, lab_code_language_to_string (languages[l]));
      run_prepare (&r, c, languages[l]);
      if (r.server)
        run_program_server (&r);
      else
        run_program_client (&r);
      lab_test_program_free (r.program);
      g_object_unref (r.config);
      /* The capture of a lab lesson holds the timeline while it runs. */
      lab_network_forget ();
      lab_test_lesson_finish (&r.lab);
    }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *endpoint = g_ascii_strdown (cases[i].endpoint, -1);
      g_autofree char *path = NULL;

      g_strdelimit (endpoint, " :.", '-');
      path = g_strdup_printf ("/lesson-programs/%s/%s", cases[i].lesson, endpoint);
      g_test_add_data_func (path, &cases[i], test_lesson_program);
    }

  return g_test_run ();
}
