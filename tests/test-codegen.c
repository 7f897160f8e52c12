/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gstdio.h>

#include "lab-codegen.h"
#include "lab-error.h"
#include "lab-test-engine.h"
#include "lab-test-program.h"

/* The code view writes an endpoint out as a program of its own. Each
 * program here is written to a temporary directory, built (C) and run
 * against a real lab endpoint on loopback, and what crossed is checked
 * on the lab's side. */

static const LabCodeLanguage languages[] = { LAB_CODE_PYTHON, LAB_CODE_C };

/* Awkward bytes for a literal: a quote, a backslash, NUL, 0xff, a trigraph,
 * a newline and an escape character. */
static const guint8 awkward[] = { 'a', '"', 'b', '\\', 'c', 0, 'd', 0xff, '?', '?', '=', '\n', 0x1b, '1' };

static LabEndpoint *
lab_client (LabTestFixture  *f,
            LabEndpointKind  kind,
            guint16          port,
            const void      *data,
            gsize            len,
            gsize            expect)
{
  LabEndpoint *client = lab_test_new_endpoint (f, kind, GINT_TO_POINTER (LAB_BACKEND_POSIX), "client");
  g_autoptr(GBytes) bytes = data != NULL ? g_bytes_new (data, len) : NULL;

  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", bytes,
                "expect-bytes", (guint64) expect,
                "recv-timeout", 5000,
                NULL);
  return client;
}

static void
assert_lab_received (LabTestFixture *f,
                     LabEndpoint    *endpoint,
                     const void     *expected,
                     gsize           len)
{
  g_autoptr(GByteArray) in = NULL;

  lab_test_wait_for_data (f, endpoint, LAB_DIRECTION_IN, len);
  in = lab_test_log_data (f->log, endpoint, LAB_DIRECTION_IN);
  g_assert_cmpmem (in->data, in->len, expected, len);
}

/* A lab client sends @send to the generated server and must get @expect
 * back; then it closes. */
static void
exchange_with_server (LabTestFixture    *f,
                      LabEndpointConfig *config,
                      LabCodeLanguage    language,
                      const void        *send,
                      gsize              send_len,
                      const void        *expect,
                      gsize              expect_len)
{
  guint16 port;
  g_autoptr(LabTestProgram) server = lab_test_program_start_server (config, language, &port);
  g_autoptr(LabEndpoint) client = lab_client (f, lab_endpoint_config_is_tcp (config) ? LAB_ENDPOINT_TCP_CLIENT
                                                                                    : LAB_ENDPOINT_UDP_CLIENT,
                                              port, send, send_len, expect_len);
  g_autoptr(GBytes) printed = NULL;

  g_test_message ("%s", lab_code_language_to_string (language));
  lab_test_start (client);
  lab_test_wait_stopped (client);
  g_assert_null (lab_endpoint_get_error (client));
  assert_lab_received (f, client, expect, expect_len);

  printed = lab_test_program_end (server);
  g_assert_cmpuint (g_bytes_get_size (printed), >, 0);
}

/* ---- Unit ---------------------------------------------------------------- */

static void
test_language_names (void)
{
  g_autoptr(LabEndpointConfig) server = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  g_autoptr(LabEndpointConfig) client = lab_endpoint_config_new (LAB_ENDPOINT_UDP_CLIENT);
  LabCodeLanguage language = LAB_CODE_C;

  g_assert_cmpstr (lab_code_language_to_string (LAB_CODE_PYTHON), ==, "python");
  g_assert_cmpstr (lab_code_language_to_string (LAB_CODE_C), ==, "c");
  g_assert_true (lab_code_language_from_string ("python", &language));
  g_assert_cmpint (language, ==, LAB_CODE_PYTHON);
  g_assert_true (lab_code_language_from_string ("c", &language));
  g_assert_cmpint (language, ==, LAB_CODE_C);
  g_assert_false (lab_code_language_from_string ("rust", &language));
  g_assert_false (lab_code_language_from_string (NULL, &language));
  g_assert_cmpint (language, ==, LAB_CODE_C);

  g_assert_cmpstr (lab_codegen_suggest_filename (server, LAB_CODE_PYTHON), ==, "tcp_server.py");
  g_assert_cmpstr (lab_codegen_suggest_filename (server, LAB_CODE_C), ==, "tcp_server.c");
  g_assert_cmpstr (lab_codegen_suggest_filename (client, LAB_CODE_C), ==, "udp_client.c");
}

/* The configuration is in the text: a name that tries to end the comment
 * stays inside it, and the settings appear as constants and calls. */
static void
test_text (void)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  g_autofree char *py = NULL;
  g_autofree char *c = NULL;

  g_object_set (config, "port", 5000, "bind-address", "::1", "reuseaddr", TRUE, "backlog", 7,
                "rcvbuf", 65536, NULL);
  py = lab_codegen_generate (config, "evil */ name\nnext", LAB_CODE_PYTHON);
  c = lab_codegen_generate (config, "evil */ name\nnext", LAB_CODE_C);

  g_assert_nonnull (strstr (py, "HOST = \"::1\"\nPORT = 5000\nBACKLOG = 7\n"));
  g_assert_nonnull (strstr (py, "socket.socket(socket.AF_INET6, socket.SOCK_STREAM)"));
  g_assert_nonnull (strstr (py, "server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"));
  g_assert_nonnull (strstr (py, "server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)"));
  g_assert_nonnull (strstr (py, "server.listen(BACKLOG)"));
  g_assert_null (strstr (py, "\nnext"));

  g_assert_nonnull (strstr (c, "#define PORT 5000\n"));
  g_assert_nonnull (strstr (c, "struct sockaddr_in6 address;"));
  g_assert_nonnull (strstr (c, "SO_REUSEADDR, 1"));
  g_assert_null (strstr (c, "evil */"));
  g_assert_null (strstr (c, "\nnext"));
}

/* Every behaviour, framing, concurrency and kind, with options, is valid
 * Python and C that builds without a warning. */
static void
test_all_compile (void)
{
  static const struct {
    LabEndpointKind kind;
    const char     *settings;
  } cases[] = {
    { LAB_ENDPOINT_TCP_SERVER, "quit-message=bye framing=lines" },
    { LAB_ENDPOINT_TCP_SERVER, "quit-message=bye behaviour=discard concurrency=loop" },
    { LAB_ENDPOINT_TCP_SERVER, "quit-message=bye behaviour=upper concurrency=iterative max-connections=2" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=time" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=time concurrency=loop nodelay=1" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=discard concurrency=iterative" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=manual" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=manual concurrency=loop framing=fixed quit-message=q" },
    { LAB_ENDPOINT_TCP_SERVER, "behaviour=manual concurrency=iterative" },
    { LAB_ENDPOINT_TCP_SERVER, "framing=fixed concurrency=loop max-clients=2 max-connections=5 bind-address=::" },
    { LAB_ENDPOINT_TCP_SERVER, "framing=length-prefix concurrency=threads max-clients=2 max-connections=5" },
    { LAB_ENDPOINT_UDP_SERVER, "behaviour=time max-connections=3" },
    { LAB_ENDPOINT_UDP_SERVER, "behaviour=manual reuseaddr=1 sndbuf=8192" },
    { LAB_ENDPOINT_UDP_SERVER, "behaviour=discard framing=lines quit-message=bye" },
    { LAB_ENDPOINT_UDP_SERVER, "behaviour=upper bind-address=::1" },
    { LAB_ENDPOINT_TCP_CLIENT, "" },
    { LAB_ENDPOINT_TCP_CLIENT, "host=localhost family=ipv6 connect-timeout=1500 recv-timeout=2000 local-port=0 "
                               "local-address=::1 nodelay=1 sendall=0 expect-bytes=3" },
    { LAB_ENDPOINT_TCP_CLIENT, "behaviour=manual recv-timeout=2000 host=::1 shutdown-after-send=1" },
    { LAB_ENDPOINT_UDP_CLIENT, "" },
    { LAB_ENDPOINT_UDP_CLIENT, "udp-connect=1 recv-timeout=1000 local-port=40000 host=localhost" },
    { LAB_ENDPOINT_UDP_CLIENT, "behaviour=manual udp-connect=0 rcvbuf=4096 family=ipv4" },
    { LAB_ENDPOINT_TCP_CLIENT, "behaviour=discard local-address=no\"where local-port=4000" },
    { LAB_ENDPOINT_UDP_CLIENT, "behaviour=discard local-address=bad-host! host=localhost" },
  };

  if (!lab_test_have_compilers ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (cases[i].kind);
      g_auto(GStrv) settings = g_strsplit (cases[i].settings, " ", -1);

      for (guint j = 0; settings[j] != NULL; j++)
        {
          g_auto(GStrv) kv = g_strsplit (settings[j], "=", 2);
          GParamSpec *pspec;
          g_auto(GValue) text = G_VALUE_INIT;
          g_auto(GValue) value = G_VALUE_INIT;

          if (kv[0] == NULL || kv[0][0] == '\0')
            continue;
          pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), kv[0]);
          g_assert_nonnull (pspec);
          g_value_init (&value, pspec->value_type);
          if (G_TYPE_IS_ENUM (pspec->value_type))
            {
              g_autoptr(GEnumClass) klass = g_type_class_ref (pspec->value_type);
              GEnumValue *v = g_enum_get_value_by_nick (klass, kv[1]);

              g_assert_nonnull (v);
              g_value_set_enum (&value, v->value);
            }
          else if (pspec->value_type == G_TYPE_STRING)
            g_value_set_string (&value, kv[1]);
          else if (pspec->value_type == G_TYPE_BOOLEAN)
            g_value_set_boolean (&value, g_str_equal (kv[1], "1"));
          else if (pspec->value_type == G_TYPE_UINT64)
            g_value_set_uint64 (&value, g_ascii_strtoull (kv[1], NULL, 10));
          else if (pspec->value_type == G_TYPE_INT)
            g_value_set_int (&value, (int) g_ascii_strtoll (kv[1], NULL, 10));
          else
            g_value_set_uint (&value, (guint) g_ascii_strtoull (kv[1], NULL, 10));
          g_object_set_property (G_OBJECT (config), kv[0], &value);
        }
      if (!lab_endpoint_config_is_server (config))
        g_object_set (config, "port", 5000, NULL);

      /* Initial data for every other client, so that both shapes of a
       * client (keyboard or not) are built. */
      if (!lab_endpoint_config_is_server (config) && i % 2 == 0)
        {
          g_autoptr(GBytes) data = g_bytes_new_static (awkward, sizeof awkward);

          g_object_set (config, "initial-data", data, NULL);
        }

      for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
        {
          g_autoptr(LabTestProgram) p = NULL;

          g_test_message ("case %u: %s (%s)", i, cases[i].settings, lab_code_language_to_string (languages[l]));
          p = lab_test_program_new (config, languages[l]);
        }
    }
}

/* ---- Generated servers and the lab's clients ------------------------------ */

static void
test_tcp_echo_server (LabTestFixture *f,
                      gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);

      g_object_set (config, "reuseaddr", TRUE, "nodelay", TRUE, NULL);
      exchange_with_server (f, config, languages[l], "hola\n", 5, "hola\n", 5);
    }
}

/* Upper with lines: each line back in capitals, a \r\n line too, and a
 * line not yet ended is not answered. */
static void
test_tcp_upper_lines (LabTestFixture *f,
                      gconstpointer   data)
{
  static const char send[] = "hola\nmundo\r\nñu\n";
  static const char expect[] = "HOLA\nMUNDO\nñU\n";

  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);

      g_object_set (config, "behaviour", LAB_BEHAVIOUR_UPPER, "framing", LAB_FRAMING_LINES,
                    "concurrency", LAB_CONCURRENCY_ITERATIVE, NULL);
      exchange_with_server (f, config, languages[l], send, strlen (send), expect, strlen (expect));
    }
}

/* Length prefix: two frames in one send, echoed as frames. */
static void
test_tcp_length_prefix (LabTestFixture *f,
                        gconstpointer   data)
{
  static const guint8 frames[] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 2, 0, 0xff };

  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);

      g_object_set (config, "framing", LAB_FRAMING_LENGTH_PREFIX, NULL);
      exchange_with_server (f, config, languages[l], frames, sizeof frames, frames, sizeof frames);
    }
}

/* The event loop with a quit message: the line before is answered, the
 * quit line ends that client (the server closes it). */
static void
test_tcp_loop_quit (LabTestFixture *f,
                    gconstpointer   data)
{
  static const char send[] = "abc\nbye\nnot answered\n";

  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
      g_autoptr(LabTestProgram) server = NULL;
      g_autoptr(LabEndpoint) client = NULL;
      g_autoptr(GByteArray) in = NULL;
      guint16 port;

      g_object_set (config, "behaviour", LAB_BEHAVIOUR_UPPER, "concurrency", LAB_CONCURRENCY_LOOP,
                    "quit-message", "bye", NULL);
      server = lab_test_program_start_server (config, languages[l], &port);
      /* No byte count to wait for: only the server's close ends it. */
      client = lab_client (f, LAB_ENDPOINT_TCP_CLIENT, port, send, strlen (send), 0);
      lab_test_start (client);
      lab_test_wait_stopped (client);
      g_assert_null (lab_endpoint_get_error (client));
      g_assert_true (lab_test_log_has_note (f->log, client, LAB_NOTE_PEER_CLOSED));
      g_assert_false (lab_test_log_has_note (f->log, client, LAB_NOTE_TIMEOUT));
      in = lab_test_log_data (f->log, client, LAB_DIRECTION_IN);
      g_assert_cmpmem (in->data, in->len, "ABC\n", 4);
      g_clear_pointer (&in, g_byte_array_unref);
      g_clear_object (&client);
      g_bytes_unref (lab_test_program_end (server));
    }
}

/* A thread per client: a second client is served while the first one is
 * still connected (an iterative server would leave it waiting). */
static void
test_tcp_threads (LabTestFixture *f,
                  gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
      g_autoptr(LabTestProgram) server = NULL;
      g_autoptr(LabEndpoint) first = NULL;
      g_autoptr(LabEndpoint) second = NULL;
      g_autoptr(GBytes) late = g_bytes_new_static ("first\n", 6);
      g_autoptr(GError) error = NULL;
      guint16 port;

      g_object_set (config, "concurrency", LAB_CONCURRENCY_THREADS, "max-clients", 4, NULL);
      server = lab_test_program_start_server (config, languages[l], &port);

      first = lab_client (f, LAB_ENDPOINT_TCP_CLIENT, port, NULL, 0, 6);
      lab_test_start (first);
      lab_test_wait_waiting_in (first, "recv");

      second = lab_client (f, LAB_ENDPOINT_TCP_CLIENT, port, "second\n", 7, 7);
      lab_test_start (second);
      lab_test_wait_stopped (second);
      g_assert_null (lab_endpoint_get_error (second));
      assert_lab_received (f, second, "second\n", 7);

      /* The first is still connected, and still served. */
      g_assert_true (lab_endpoint_is_active (first));
      lab_endpoint_send (first, 0, late, TRUE, &error);
      g_assert_no_error (error);
      lab_test_wait_stopped (first);
      g_assert_null (lab_endpoint_get_error (first));
      assert_lab_received (f, first, "first\n", 6);

      g_bytes_unref (lab_test_program_end (server));
    }
}

static void
test_udp_echo_server (LabTestFixture *f,
                      gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_UDP_SERVER);

      exchange_with_server (f, config, languages[l], "hola udp", 8, "hola udp", 8);
    }
}

/* ---- The lab's servers and generated clients ------------------------------ */

static LabEndpoint *
lab_server (LabTestFixture  *f,
            LabEndpointKind  kind,
            guint16         *port)
{
  LabEndpoint *server = lab_test_new_endpoint (f, kind, GINT_TO_POINTER (LAB_BACKEND_POSIX), "server");

  *port = lab_test_start_server (server);
  return server;
}

static void
stop (LabEndpoint *endpoint)
{
  lab_endpoint_stop (endpoint);
  lab_test_wait_stopped (endpoint);
}

/* Awkward bytes as initial data, then shutdown (SHUT_WR): the lab's echo
 * server gets exactly those bytes and then the end of the stream, and the
 * client reads the echo back and ends. What it prints holds no raw control
 * byte. */
static void
test_tcp_client_awkward (LabTestFixture *f,
                         gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      guint16 port;
      g_autoptr(LabEndpoint) server = lab_server (f, LAB_ENDPOINT_TCP_SERVER, &port);
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
      g_autoptr(GBytes) bytes = g_bytes_new_static (awkward, sizeof awkward);
      g_autoptr(LabTestProgram) client = NULL;
      g_autoptr(GBytes) printed = NULL;
      gsize len;
      const guint8 *text;

      g_object_set (config, "port", (guint) port, "initial-data", bytes, "shutdown-after-send", TRUE,
                    "recv-timeout", 5000, NULL);
      client = lab_test_program_new (config, languages[l]);
      lab_test_program_start (client);
      printed = lab_test_program_wait (client);

      assert_lab_received (f, server, awkward, sizeof awkward);
      lab_test_wait_for_note (f, server, LAB_NOTE_PEER_CLOSED);

      text = g_bytes_get_data (printed, &len);
      g_assert_cmpuint (len, >, 0);
      for (gsize i = 0; i < len; i++)
        g_assert_true (text[i] == '\n' || (text[i] >= 0x20 && text[i] < 0x7f));
      stop (server);
    }
}

/* EXPECT bytes, then the client closes by itself though the server
 * would keep the connection open. */
static void
test_tcp_client_expect (LabTestFixture *f,
                        gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      guint16 port;
      g_autoptr(LabEndpoint) server = lab_server (f, LAB_ENDPOINT_TCP_SERVER, &port);
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
      g_autoptr(GBytes) bytes = g_bytes_new_static ("0123456789", 10);
      g_autoptr(LabTestProgram) client = NULL;

      g_object_set (config, "port", (guint) port, "initial-data", bytes, "expect-bytes", (guint64) 10,
                    "host", "localhost", "family", LAB_FAMILY_IPV4, "connect-timeout", 3000,
                    "sendall", FALSE, NULL);
      client = lab_test_program_new (config, languages[l]);
      lab_test_program_start (client);
      g_bytes_unref (lab_test_program_wait (client));

      assert_lab_received (f, server, "0123456789", 10);
      lab_test_wait_for_note (f, server, LAB_NOTE_PEER_CLOSED);
      stop (server);
    }
}

/* A client told to send in pieces makes one send () per piece, and the
 * lab's server gets every byte: seen with strace, the calls themselves. */
static void
test_tcp_client_pieces (LabTestFixture *f,
                        gconstpointer   data)
{
  g_autofree char *strace = g_find_program_in_path ("strace");

  if (!lab_test_have_compilers ())
    return;
  if (strace == NULL)
    {
      g_test_skip ("strace is not installed");
      return;
    }

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (guint all = 0; all < 2; all++)
      {
        guint16 port;
        g_autoptr(LabEndpoint) server = lab_server (f, LAB_ENDPOINT_TCP_SERVER, &port);
        g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
        g_autoptr(GBytes) bytes = g_bytes_new_static ("hola\nmundo\n", 11);
        g_autoptr(LabTestProgram) client = NULL;
        g_autofree char *trace = NULL;
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        guint sends = 0;

        /* With sendall, the data twice */
        guint count = 1 + all;

        g_object_set (config, "port", (guint) port, "initial-data", bytes, "send-chunk", 3,
                      "sendall", (gboolean) all, "send-count", count, "expect-bytes", (guint64) 11 * count, NULL);
        client = lab_test_program_new (config, languages[l]);
        trace = g_build_filename (client->dir, "trace", NULL);
        lab_test_program_start_traced (client, trace);
        g_bytes_unref (lab_test_program_wait (client));

        assert_lab_received (f, server, "hola\nmundo\nhola\nmundo\n", 11 * count);
        g_assert_true (g_file_get_contents (trace, &text, NULL, NULL));
        lines = g_strsplit (text, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++)
          sends += strstr (lines[i], "sendto(") != NULL && strstr (lines[i], "= 3") != NULL;
        /* 11 bytes in pieces of 3: 3 + 3 + 3, then the last 2; each time. */
        g_assert_cmpuint (sends, ==, 3 * count);
        g_assert_cmpint (g_remove (trace), ==, 0);
        stop (server);
      }
}

/* A UDP client, with and without connect (): its datagram reaches the
 * lab's echo server, and the echo comes back to it. Told to send its data
 * in pieces of 4 bytes, three datagrams of 4, 4 and 1 bytes. */
static void
test_udp_client (LabTestFixture *f,
                 gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (guint v = 0; v < 4; v++)
      {
        guint16 port;
        g_autoptr(LabEndpoint) server = lab_server (f, LAB_ENDPOINT_UDP_SERVER, &port);
        g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_UDP_CLIENT);
        g_autoptr(GBytes) bytes = g_bytes_new_static ("ping\0pong", 9);
        g_autoptr(LabTestProgram) client = NULL;
        g_autoptr(GBytes) printed = NULL;
        g_autoptr(GByteArray) out = NULL;
        g_autoptr(GPtrArray) got = NULL;
        gboolean connect = v % 2, chunked = v >= 2;
        static const guint pieces[] = { 4, 4, 1 };

        /* Without connect (), three datagrams, each echoed */
        guint count = connect || chunked ? 1 : 3;
        const char three[] = "ping\0pongping\0pongping\0pong";

        g_object_set (config, "port", (guint) port, "initial-data", bytes, "expect-bytes", (guint64) 9 * count,
                      "recv-timeout", 5000, "udp-connect", connect, "send-count", count,
                      "send-chunk", chunked ? 4u : 0u, NULL);
        if (chunked)
          {
            g_autofree char *code = lab_codegen_generate (config, "pieces", languages[l]);

            g_assert_nonnull (strstr (code, "in datagrams of 4 bytes: each arrives whole and alone"));
          }
        client = lab_test_program_new (config, languages[l]);
        lab_test_program_start (client);
        printed = lab_test_program_wait (client);

        assert_lab_received (f, server, three, 9 * count);
        got = lab_test_log_data_events (f->log, server, LAB_DIRECTION_IN);
        g_assert_cmpuint (got->len, ==, chunked ? G_N_ELEMENTS (pieces) : count);
        for (guint i = 0; chunked && i < got->len; i++)
          g_assert_cmpuint (g_bytes_get_size (lab_event_get_bytes (got->pdata[i])), ==, pieces[i]);
        /* The echo went out to the client, which printed it and ended. The
         * server records what it sent once sendto () returns, which may be
         * after the client has already printed it. */
        lab_test_wait_for_data (f, server, LAB_DIRECTION_OUT, 9 * count);
        out = lab_test_log_data (f->log, server, LAB_DIRECTION_OUT);
        g_assert_cmpmem (out->data, out->len, three, 9 * count);
        g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed), "ping"));
        stop (server);
      }
}

/* A resolver where localhost gives ::1 before 127.0.0.1, as many systems'
 * do: a library put before the C library's, which adds ::1 in front of
 * what getaddrinfo () gives for localhost with no family asked for. */
static const char ipv6_first[] =
  "#define _GNU_SOURCE\n"
  "#include <dlfcn.h>\n"
  "#include <netdb.h>\n"
  "#include <string.h>\n"
  "#include <sys/socket.h>\n"
  "\n"
  "typedef int (*lookup) (const char *, const char *, const struct addrinfo *, struct addrinfo **);\n"
  "\n"
  "int\n"
  "getaddrinfo (const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)\n"
  "{\n"
  "  lookup real = (lookup) dlsym (RTLD_NEXT, \"getaddrinfo\");\n"
  "  int err = real (node, service, hints, res);\n"
  "  struct addrinfo v6hints = { .ai_family = AF_INET6 }, *v6, *last;\n"
  "\n"
  "  if (err != 0 || node == NULL || strcmp (node, \"localhost\") != 0 ||\n"
  "      (hints != NULL && hints->ai_family != AF_UNSPEC))\n"
  "    return err;\n"
  "  if (hints != NULL)\n"
  "    v6hints.ai_socktype = hints->ai_socktype;\n"
  "  if (real (\"::1\", service, &v6hints, &v6) != 0)\n"
  "    return err;\n"
  "  for (last = v6; last->ai_next != NULL; last = last->ai_next)\n"
  "    continue;\n"
  "  last->ai_next = *res;\n"
  "  *res = v6;\n"
  "  return 0;\n"
  "}\n";

/* A UDP client of no family sends to localhost's IPv4 address, as the lab
 * does, even where localhost gives ::1 first: nobody answers a datagram
 * sent where nobody listens. */
static void
test_udp_client_localhost (LabTestFixture *f,
                           gconstpointer   data)
{
  if (!lab_test_have_compilers ())
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      guint16 port;
      g_autoptr(LabEndpoint) server = lab_server (f, LAB_ENDPOINT_UDP_SERVER, &port);
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_UDP_CLIENT);
      g_autoptr(GBytes) bytes = g_bytes_new_static ("hola", 4);
      g_autoptr(LabTestProgram) client = NULL;
      g_autoptr(GBytes) printed = NULL;
      g_autofree char *shim = NULL;
      g_autofree char *library = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", lab_code_language_to_string (languages[l]));
      g_object_set (config, "host", "localhost", "family", LAB_FAMILY_ANY, "port", (guint) port,
                    "initial-data", bytes, "expect-bytes", (guint64) 4, "recv-timeout", 2000, NULL);
      client = lab_test_program_new (config, languages[l]);

      shim = g_build_filename (client->dir, "ipv6-first.c", NULL);
      library = g_build_filename (client->dir, "ipv6-first.so", NULL);
      g_file_set_contents (shim, ipv6_first, -1, &error);
      g_assert_no_error (error);
      {
        const char *argv[] = { "gcc", "-shared", "-fPIC", "-Wall", "-Werror", "-o", library, shim, "-ldl", NULL };
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        int status;

        lab_test_run (argv, NULL, &out, &err, &status);
        g_assert_cmpstr (err, ==, "");
        g_assert_cmpint (status, ==, 0);
      }
      lab_test_program_setenv (client, "LD_PRELOAD", library);

      lab_test_program_start (client);
      printed = lab_test_program_wait (client);
      assert_lab_received (f, server, "hola", 4);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed), "hola"));
      stop (server);
    }
}

/* One byte, or several: the comment on a client's pieces says which. */
static void
test_pieces_plural (void)
{
  static const struct {
    guint       chunk;
    const char *said;
  } sizes[] = { { 1, "in pieces of 1 byte, one send () each" }, { 3, "in pieces of 3 bytes, one send () each" } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
      {
        g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
        g_autoptr(GBytes) bytes = g_bytes_new_static ("abcdefgh", 8);
        g_autofree char *code = NULL;

        g_object_set (config, "initial-data", bytes, "send-chunk", sizes[i].chunk, NULL);
        code = lab_codegen_generate (config, "pieces", languages[l]);
        g_assert_nonnull (strstr (code, sizes[i].said));
      }
}

/* Sends of 5 and 6 bytes a strace of a program saw, and of any other size. */
static void
count_sends (const char *trace,
             guint      *hola,
             guint      *mundo,
             guint      *other)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (trace, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  *hola = *mundo = *other = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], "sendto(") == NULL)
        continue;
      if (strstr (lines[i], "\"HOLA\\n\", 5") != NULL)
        (*hola)++;
      else if (strstr (lines[i], "\"MUNDO\\n\", 6") != NULL)
        (*mundo)++;
      else
        (*other)++;
    }
}

/* An uppercase server answers each line with a send () of its own, as the
 * course's server and the lab do, whatever its model, even when both
 * lines came in one recv (): the lab's client sends them in one send (). */
static void
test_tcp_upper_one_send_per_line (LabTestFixture *f,
                                  gconstpointer   data)
{
  static const LabConcurrency models[] = { LAB_CONCURRENCY_ITERATIVE, LAB_CONCURRENCY_THREADS, LAB_CONCURRENCY_LOOP };

  if (!lab_test_have_compilers () || !lab_test_have ("strace"))
    return;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (guint m = 0; m < G_N_ELEMENTS (models); m++)
      {
        g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
        g_autoptr(LabTestProgram) server = NULL;
        g_autoptr(LabEndpoint) client = NULL;
        g_autofree char *trace = NULL;
        guint16 port;
        guint hola, mundo, other;

        g_test_message ("%s, model %u", lab_code_language_to_string (languages[l]), models[m]);
        /* Port 0: the kernel's choice, which no other program can take
         * before the server binds it. */
        g_object_set (config, "behaviour", LAB_BEHAVIOUR_UPPER, "framing", LAB_FRAMING_LINES,
                      "concurrency", models[m], "port", 0, NULL);
        server = lab_test_program_new (config, languages[l]);
        trace = g_build_filename (server->dir, "trace", NULL);
        lab_test_program_start_traced (server, trace);
        port = lab_test_wait_bound (server->process, FALSE);

        client = lab_client (f, LAB_ENDPOINT_TCP_CLIENT, port, "hola\nmundo\n", 11, 11);
        lab_test_start (client);
        lab_test_wait_stopped (client);
        g_assert_null (lab_endpoint_get_error (client));
        assert_lab_received (f, client, "HOLA\nMUNDO\n", 11);
        g_clear_object (&client);

        g_bytes_unref (lab_test_program_end (server));
        count_sends (trace, &hola, &mundo, &other);
        g_assert_cmpuint (hola, ==, 1);
        g_assert_cmpuint (mundo, ==, 1);
        g_assert_cmpuint (other, ==, 0);
        g_assert_cmpint (g_remove (trace), ==, 0);
      }
}

/* A local address the lab refuses at once is written as it is, and the
 * program refuses it when it binds: it builds, and ends with an error. */
static void
test_client_bad_local_address (LabTestFixture *f,
                               gconstpointer   data)
{
  static const LabEndpointKind kinds[] = { LAB_ENDPOINT_TCP_CLIENT, LAB_ENDPOINT_UDP_CLIENT };

  if (!lab_test_have_compilers ())
    return;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
      {
        g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (kinds[k]);
        g_autoptr(GBytes) bytes = g_bytes_new_static ("hola", 4);
        g_autoptr(LabTestProgram) client = NULL;
        g_autoptr(GBytes) printed = NULL;
        g_autoptr(GError) error = NULL;
        int status;

        g_object_set (config, "port", (guint) lab_test_free_port (SOCK_STREAM), "local-address", "nowhere",
                      "initial-data", bytes, NULL);
        g_assert_false (lab_endpoint_config_validate (config, &error));
        g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);

        client = lab_test_program_new (config, languages[l]);
        lab_test_program_start (client);
        printed = lab_test_program_wait_status (client, &status);
        g_assert_cmpint (status, ==, 1);
        g_assert_nonnull (g_strstr_len (g_bytes_get_data (printed, NULL), g_bytes_get_size (printed),
                                        languages[l] == LAB_CODE_C ? "getaddrinfo: " : "gaierror"));
      }
}

static void
add (const char  *name,
     LabTestFunc  func)
{
  g_autofree char *path = g_strdup_printf ("/codegen/%s", name);

  g_test_add (path, LabTestFixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              lab_test_fixture_set_up, func, lab_test_fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  /* GSubprocess starts GLib's worker thread, with a descriptor of its own,
   * for good: it is started now, not counted as a test's. */
  {
    g_autoptr(GSubprocess) warm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "true", NULL);

    if (warm != NULL)
      g_subprocess_wait (warm, NULL, NULL);
  }

  g_test_add_func ("/codegen/language-names", test_language_names);
  g_test_add_func ("/codegen/text", test_text);
  g_test_add_func ("/codegen/all-compile", test_all_compile);
  g_test_add_func ("/codegen/pieces-plural", test_pieces_plural);
  add ("tcp-echo-server", test_tcp_echo_server);
  add ("tcp-upper-lines", test_tcp_upper_lines);
  add ("tcp-length-prefix", test_tcp_length_prefix);
  add ("tcp-loop-quit", test_tcp_loop_quit);
  add ("tcp-threads", test_tcp_threads);
  add ("udp-echo-server", test_udp_echo_server);
  add ("tcp-client-awkward", test_tcp_client_awkward);
  add ("tcp-client-expect", test_tcp_client_expect);
  add ("tcp-client-pieces", test_tcp_client_pieces);
  add ("udp-client", test_udp_client);
  add ("udp-client-localhost", test_udp_client_localhost);
  add ("tcp-upper-one-send-per-line", test_tcp_upper_one_send_per_line);
  add ("client-bad-local-address", test_client_bad_local_address);

  return g_test_run ();
}
