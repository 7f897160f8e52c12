/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-test-engine.h"

/* The lab talks to real peers: the course's own Python programs (in
 * tests/course, adapted only in their port), nc and socat. Every peer is
 * started here, on loopback, and ended here by its process; one that
 * outlives the test (a failed assertion) is ended by the kernel. */

/* Started on a busy machine, a Python peer may take seconds to run to
 * its end. */
#define PEER_RUN_MS  30000

static GSubprocessLauncher *
new_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = lab_test_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  return launcher;
}

static GSubprocess *
spawn_va (GSubprocessFlags   flags,
          GError           **error,
          const char        *first,
          va_list            args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (flags);

  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static GSubprocess *
spawn (GSubprocessFlags   flags,
       GError           **error,
       const char        *first,
       ...)
{
  GSubprocess *process;
  va_list args;

  va_start (args, first);
  process = spawn_va (flags, error, first, args);
  va_end (args);

  return process;
}

/* A course server on a port the kernel chose, running until the test
 * ends it. */
static GSubprocess *
start_course_server (const char *program,
                     gboolean    udp,
                     guint16    *port)
{
  g_autofree char *path = lab_test_source_path ("tests", "course", program, NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *server = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                               "python3", path, "0", NULL);

  g_assert_no_error (error);
  *port = lab_test_wait_bound (server, udp);
  return server;
}

static void
end_process (GSubprocess *process)
{
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

/* Gives @input to @process, and waits until it has ended, for what it
 * printed. A peer that hangs (a UDP client whose answer never comes
 * waits for ever) fails the test after a while. */
static void
communicate (GSubprocess  *process,
             const char   *input,
             char        **out,
             char        **err)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_async (process, input, NULL, lab_test_keep_result, &result);
  lab_test_wait_result (&result, PEER_RUN_MS);
  g_subprocess_communicate_utf8_finish (process, result, out, err, &error);
  g_assert_no_error (error);
}

/* Runs a course client (or any peer) to its end and returns what it
 * printed. */
static char *
run_peer (const char  *input,
          const char  *first,
          ...)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list args;

  va_start (args, first);
  process = spawn_va (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                      &error, first, args);
  va_end (args);
  g_assert_no_error (error);

  communicate (process, input, &out, &err);
  g_test_message ("%s printed: %s%s", first, out, err);
  g_assert_true (g_subprocess_get_successful (process));

  return out;
}

static char *
run_course_client (const char *program,
                   guint16     port)
{
  g_autofree char *path = lab_test_source_path ("tests", "course", program, NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  return run_peer (NULL, "python3", path, port_text, NULL);
}

static LabEndpoint *
new_client (LabTestFixture  *f,
            LabEndpointKind  kind,
            gconstpointer    backend,
            guint16          port,
            const char      *text,
            gsize            expect)
{
  LabEndpoint *client = lab_test_new_endpoint (f, kind, backend, "client");
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", data,
                "expect-bytes", (guint64) expect,
                "recv-timeout", 5000,
                NULL);
  return client;
}

static void
assert_received (LabTestFixture *f,
                 LabEndpoint    *endpoint,
                 const char     *expected)
{
  g_autoptr(GByteArray) in = NULL;

  lab_test_wait_for_data (f, endpoint, LAB_DIRECTION_IN, strlen (expected));
  in = lab_test_log_data (f->log, endpoint, LAB_DIRECTION_IN);
  g_assert_cmpmem (in->data, in->len, expected, strlen (expected));
}

static guint16
start_lab_server (LabTestFixture  *f,
                  LabEndpointKind  kind,
                  gconstpointer    backend,
                  LabEndpoint    **server)
{
  *server = lab_test_new_endpoint (f, kind, backend, "server");
  return lab_test_start_server (*server);
}

static void
stop (LabEndpoint *endpoint)
{
  lab_endpoint_stop (endpoint);
  lab_test_wait_stopped (endpoint);
}

/* The lab's client and the course's servers. */
static void
test_lab_client_course_servers (LabTestFixture *f,
                                gconstpointer   backend)
{
  static const struct {
    const char      *program;
    LabEndpointKind  kind;
    const char      *send;
    const char      *expect;
  } cases[] = {
    /* 000: a fixed answer, TCP then UDP. */
    { "tcp_server_000.py", LAB_ENDPOINT_TCP_CLIENT, "Hola, servidor!", "Mensaje recibido" },
    { "udp_server_000.py", LAB_ENDPOINT_UDP_CLIENT, "Hola, servidor!", "Mensaje recibido" },
    /* 001 and 003: UDP echo servers on all interfaces. */
    { "udp_echo_server_001.py", LAB_ENDPOINT_UDP_CLIENT, "hola", "hola" },
    { "udp_echo_server_003.py", LAB_ENDPOINT_UDP_CLIENT, "hola udp", "hola udp" },
    /* 003: a thread per client, uppercase lines. */
    { "tcp_upper_server_003.py", LAB_ENDPOINT_TCP_CLIENT, "hola tcp\notra linea\n", "HOLA TCP\nOTRA LINEA\n" },
    /* 004: echo of one client. */
    { "tcp_echo_server_004.py", LAB_ENDPOINT_TCP_CLIENT, "Hello...", "Hello..." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean udp = cases[i].kind == LAB_ENDPOINT_UDP_CLIENT;
      guint16 port;
      g_autoptr(GSubprocess) server = start_course_server (cases[i].program, udp, &port);
      g_autoptr(LabEndpoint) client = new_client (f, cases[i].kind, backend, port, cases[i].send,
                                                  strlen (cases[i].expect));

      g_test_message ("%s", cases[i].program);
      lab_test_start (client);
      lab_test_wait_stopped (client);
      g_assert_null (lab_endpoint_get_error (client));
      assert_received (f, client, cases[i].expect);
      end_process (server);
    }
}

/* The course's threaded server ends a client that says “bye”. */
static void
test_lab_client_bye (LabTestFixture *f,
                     gconstpointer   backend)
{
  guint16 port;
  g_autoptr(GSubprocess) server = start_course_server ("tcp_threaded_echo_server_004.py", FALSE, &port);
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hola = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GBytes) bye = g_bytes_new_static ("bye\n", 4);
  g_autoptr(GError) error = NULL;

  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_test_start (client);
  lab_test_wait_waiting_in (client, "recv");

  lab_endpoint_send (client, 0, hola, TRUE, &error);
  g_assert_no_error (error);
  assert_received (f, client, "hola\n");

  /* bye: the server's thread closes this client. */
  lab_endpoint_send (client, 0, bye, TRUE, &error);
  g_assert_no_error (error);
  lab_test_wait_stopped (client);
  g_assert_true (lab_test_log_has_note (f->log, client, LAB_NOTE_PEER_CLOSED));

  end_process (server);
}

/* The course's clients and the lab's servers. */
static void
test_course_clients_lab_servers (LabTestFixture *f,
                                 gconstpointer   backend)
{
  g_autoptr(LabEndpoint) tcp = NULL;
  g_autoptr(LabEndpoint) udp = NULL;
  guint16 tcp_port = start_lab_server (f, LAB_ENDPOINT_TCP_SERVER, backend, &tcp);
  guint16 udp_port = start_lab_server (f, LAB_ENDPOINT_UDP_SERVER, backend, &udp);
  g_autofree char *p2 = run_course_client ("tcp_client_000.py", tcp_port);
  g_autofree char *p14 = run_course_client ("tcp_client_004.py", tcp_port);
  g_autofree char *p4 = run_course_client ("udp_client_000.py", udp_port);
  g_autofree char *p10 = run_course_client ("udp_client_003.py", udp_port);

  /* Echo servers: the clients print what they sent. */
  g_assert_cmpstr (p2, ==, "Recibido: Hola, servidor!\n");
  g_assert_nonnull (strstr (p14, "Hello..."));
  g_assert_cmpstr (p4, ==, "Recibido: Hola, servidor!\n");
  g_assert_cmpstr (p10, ==, "Respuesta: hola udp\n");

  /* Two TCP clients came and went; two UDP peers were seen. */
  lab_timeline_flush (f->timeline);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_connections (tcp)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_connections (udp)), ==, 2);

  stop (tcp);
  stop (udp);
}

/* nc and socat against the lab, both ways, TCP and UDP. */
static void
test_nc_and_socat (LabTestFixture *f,
                   gconstpointer   backend)
{
  g_autoptr(LabEndpoint) tcp = NULL;
  g_autoptr(LabEndpoint) udp = NULL;
  guint16 tcp_port = start_lab_server (f, LAB_ENDPOINT_TCP_SERVER, backend, &tcp);
  guint16 udp_port = start_lab_server (f, LAB_ENDPOINT_UDP_SERVER, backend, &udp);
  g_autofree char *tcp_text = g_strdup_printf ("%u", tcp_port);
  g_autofree char *socat_tcp = g_strdup_printf ("TCP4:127.0.0.1:%u", tcp_port);
  g_autofree char *socat_udp = g_strdup_printf ("UDP4:127.0.0.1:%u", udp_port);
  g_autofree char *nc_out = run_peer ("hola nc\n", "nc", "-N", "127.0.0.1", tcp_text, NULL);
  g_autofree char *socat_out = run_peer ("hola socat\n", "socat", "-t", "0.3", "-", socat_tcp, NULL);
  g_autofree char *socat_udp_out = run_peer ("hola udp\n", "socat", "-t", "0.3", "-", socat_udp, NULL);

  /* The lab's servers echo what the real clients sent. */
  g_assert_cmpstr (nc_out, ==, "hola nc\n");
  g_assert_cmpstr (socat_out, ==, "hola socat\n");
  g_assert_cmpstr (socat_udp_out, ==, "hola udp\n");
  stop (tcp);
  stop (udp);

  /* The lab's clients and real servers: nc listening, socat echoing. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) nc = spawn (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                       "nc", "-N", "-l", "127.0.0.1", "0", NULL);
    g_autoptr(LabEndpoint) client = NULL;
    g_autofree char *heard = NULL;

    g_assert_no_error (error);
    client = new_client (f, LAB_ENDPOINT_TCP_CLIENT, backend, lab_test_wait_bound (nc, FALSE), "hola lab\n", 8);
    lab_test_start (client);

    /* nc says something back, then ends its side. */
    communicate (nc, "desde nc", &heard, NULL);
    lab_test_wait_stopped (client);
    g_assert_cmpstr (heard, ==, "hola lab\n");
    assert_received (f, client, "desde nc");
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) socat = spawn (G_SUBPROCESS_FLAGS_NONE, &error, "socat", "UDP4-RECVFROM:0,bind=127.0.0.1",
                                          "PIPE", NULL);
    g_autoptr(LabEndpoint) client = NULL;

    g_assert_no_error (error);
    client = new_client (f, LAB_ENDPOINT_UDP_CLIENT, backend, lab_test_wait_bound (socat, TRUE), "eco udp", 7);
    lab_test_start (client);
    lab_test_wait_stopped (client);
    g_assert_null (lab_endpoint_get_error (client));
    assert_received (f, client, "eco udp");
    end_process (socat);
  }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  /* GSubprocess starts GLib's worker thread, with a descriptor of its own,
   * for good: it is started now, not counted as a test's. */
  g_free (run_peer (NULL, "true", NULL));

  lab_test_add_backends ("peers", "lab-client-course-servers", test_lab_client_course_servers);
  lab_test_add_backends ("peers", "lab-client-bye", test_lab_client_bye);
  lab_test_add_backends ("peers", "course-clients-lab-servers", test_course_clients_lab_servers);
  lab_test_add_backends ("peers", "nc-and-socat", test_nc_and_socat);

  return g_test_run ();
}
