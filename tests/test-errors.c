/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-errno.h"
#include "lab-error.h"
#include "lab-explain.h"
#include "lab-test-engine.h"

/* What goes wrong is shown, named and explained, never lost: a port in
 * use, a port still held by TIME_WAIT, nobody listening, a bad host. */

/* The call failed with @err, the endpoint failed, and its error says it. */
static void
assert_failed_with (LabTestFixture *f,
                    LabEndpoint *endpoint,
                    LabOp        op,
                    int          err)
{
  LabEvent *call;

  lab_test_wait_stopped (endpoint);
  g_assert_cmpint (lab_endpoint_get_state (endpoint), ==, LAB_ENDPOINT_STATE_FAILED);
  g_assert_nonnull (lab_endpoint_get_error (endpoint));
  g_assert_nonnull (strstr (lab_endpoint_get_error (endpoint), lab_errno_name (err)));

  call = lab_test_log_find_call (f->log, endpoint, op);
  g_assert_nonnull (call);
  while (call != NULL && lab_event_get_errno (call) == 0)
    {
      /* The failed one is the last of its kind. */
      g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, endpoint, FALSE);

      call = NULL;
      for (guint i = 0; i < calls->len; i++)
        if (lab_event_get_op (calls->pdata[i]) == op)
          call = calls->pdata[i];
      break;
    }
  g_assert_nonnull (call);
  g_assert_cmpstr (lab_event_get_errno_name (call), ==, lab_errno_name (err));
}

static void
test_address_in_use (LabTestFixture *f,
                     gconstpointer  backend)
{
  g_autoptr(LabEndpoint) first = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "first");
  g_autoptr(LabEndpoint) second = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "second");
  guint16 port = lab_test_start_server (first);

  g_object_set (lab_endpoint_get_config (second), "port", (guint) port, NULL);
  lab_test_start (second);
  assert_failed_with (f, second, LAB_OP_BIND, EADDRINUSE);

  /* The first goes on serving. */
  g_assert_true (lab_endpoint_is_active (first));
  lab_endpoint_stop (first);
  lab_test_wait_stopped (first);
}

/* A server that closes first leaves its side in TIME_WAIT, holding the
 * port: a new server cannot bind it, unless it asks SO_REUSEADDR. Linux
 * lets it only when the lingering socket had asked it too: a server sets
 * it every time it starts, as the course's do. */
static void
test_reuseaddr_after_time_wait (LabTestFixture *f,
                                gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(LabEndpoint) again = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "again");
  g_autoptr(LabEndpoint) reusing = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "reusing");
  guint16 port;

  /* It speaks first (the time) and closes: the active close is its. */
  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_TIME, "reuseaddr", TRUE, NULL);
  port = lab_test_start_server (server);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  lab_test_wait_for_state (f, server, LAB_TCP_TIME_WAIT);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);

  /* Without SO_REUSEADDR: EADDRINUSE, while TIME_WAIT lasts (60 s). */
  g_object_set (lab_endpoint_get_config (again), "port", (guint) port, NULL);
  lab_test_start (again);
  assert_failed_with (f, again, LAB_OP_BIND, EADDRINUSE);

  /* With it, the same port binds at once. */
  g_object_set (lab_endpoint_get_config (reusing), "port", (guint) port, "reuseaddr", TRUE, NULL);
  g_assert_cmpuint (lab_test_start_server (reusing), ==, port);
  g_assert_true (lab_endpoint_is_active (reusing));
  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX)
    {
      g_autofree char *ops = lab_test_log_ops (f->log, reusing, 1);

      g_assert_true (g_str_has_prefix (ops, "socket setsockopt bind listen"));
    }
  lab_endpoint_stop (reusing);
  lab_test_wait_stopped (reusing);
}

static void
test_connection_refused (LabTestFixture *f,
                         gconstpointer  backend)
{
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");

  /* A port where nothing listens. */
  g_object_set (lab_endpoint_get_config (client), "port", (guint) lab_test_free_port (SOCK_STREAM), NULL);
  lab_test_start (client);
  assert_failed_with (f, client, LAB_OP_CONNECT, ECONNREFUSED);
}

static gboolean
is_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

/* With a timeout, the POSIX client connects as C programs do: a
 * non-blocking connect, then poll. */
static void
test_connect_with_timeout (LabTestFixture *f,
                           gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  guint16 port = lab_test_start_server (server);

  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "connect-timeout", 2000,
                NULL);
  lab_test_start (client);
  lab_test_wait (is_connected, client, 10000);

  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX)
    {
      g_autofree char *ops = lab_test_log_ops (f->log, client, 1);
      LabEvent *connect = lab_test_log_find_call (f->log, client, LAB_OP_CONNECT);

      g_assert_true (g_str_has_prefix (ops, "getaddrinfo socket fcntl connect poll getsockopt fcntl getsockname"));
      g_assert_cmpint (lab_event_get_errno (connect), ==, EINPROGRESS);
    }

  lab_endpoint_stop (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (client);
  lab_test_wait_stopped (server);
}

/* A host that cannot be written is refused before starting; one that
 * cannot be resolved as asked fails in getaddrinfo, named so. */
static void
test_bad_host (LabTestFixture *f,
               gconstpointer  backend)
{
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(LabEndpoint) resolving = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "resolving");
  g_autoptr(GError) error = NULL;
  LabEvent *call;

  g_object_set (lab_endpoint_get_config (client), "host", "bad host!", "port", 5000, NULL);
  g_assert_false (lab_endpoint_start (client, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "bad host!"));
  g_assert_false (lab_endpoint_is_active (client));
  g_clear_error (&error);

  g_object_set (lab_endpoint_get_config (client), "host", "", NULL);
  g_assert_false (lab_endpoint_start (client, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* An IPv4 address asked for as IPv6: no DNS is asked, the answer is
   * local, and it is an error of name resolution. */
  g_object_set (lab_endpoint_get_config (resolving),
                "host", "127.0.0.1",
                "port", 5000,
                "family", LAB_FAMILY_IPV6,
                NULL);
  lab_test_start (resolving);
  lab_test_wait_stopped (resolving);
  g_assert_cmpint (lab_endpoint_get_state (resolving), ==, LAB_ENDPOINT_STATE_FAILED);
  g_assert_nonnull (strstr (lab_endpoint_get_error (resolving), "getaddrinfo"));
  call = lab_test_log_find_call (f->log, resolving, LAB_OP_GETADDRINFO);
  g_assert_nonnull (call);
  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX)
    g_assert_true (g_str_has_prefix (lab_event_get_errno_name (call), "EAI_"));
}

/* A receive timeout is said as the API says it: POSIX's recvfrom () fails
 * with EAGAIN, GIO's own timeout is G_IO_ERROR_TIMED_OUT with GLib's
 * words, never the kernel's ETIMEDOUT, and its explanation says what the
 * kernel did: poll () returned 0. */
static void
test_recv_timeout (LabTestFixture *f,
                   gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola", 4);
  gboolean gio = GPOINTER_TO_INT (backend) == LAB_BACKEND_GIO;
  const LabExplanation *explanation;
  g_autofree char *summary = NULL;
  LabEvent *call;
  guint16 port;

  /* A server that answers nothing. */
  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_DISCARD, NULL);
  port = lab_test_start_server (server);
  g_object_set (lab_endpoint_get_config (client),
                "port", (guint) port,
                "initial-data", hello,
                "recv-timeout", (guint) 300,
                NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);

  /* Not a failure: nothing came in time. */
  g_assert_null (lab_endpoint_get_error (client));
  g_assert_true (lab_test_log_has_note (f->log, client, LAB_NOTE_TIMEOUT));
  call = lab_test_log_find_call (f->log, client, LAB_OP_RECVFROM);
  g_assert_nonnull (call);
  g_assert_cmpint (lab_event_get_result (call), ==, -1);
  g_assert_cmpstr (lab_event_get_errno_name (call), ==, gio ? "G_IO_ERROR_TIMED_OUT" : "EAGAIN");
  summary = lab_event_dup_summary (call);
  g_assert_null (strstr (summary, "ETIMEDOUT"));
  g_assert_null (strstr (summary, g_strerror (ETIMEDOUT)));
  if (gio)
    g_assert_nonnull (strstr (summary, "G_IO_ERROR_TIMED_OUT (Socket I/O timed out)"));

  explanation = lab_explain_error (lab_event_get_errno (call));
  g_assert_nonnull (explanation);
  g_assert_cmpstr (explanation->name, ==, lab_event_get_errno_name (call));
  g_assert_nonnull (strstr (explanation->means, "timeout"));
  if (gio)
    g_assert_nonnull (strstr (explanation->means, "poll () returned 0"));

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

static void
test_ports (void)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;

  g_assert_true (lab_parse_port ("5000", FALSE, &port, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (port, ==, 5000);
  g_assert_true (lab_parse_port (" 0 ", TRUE, &port, &error));
  g_assert_cmpuint (port, ==, 0);

  g_assert_false (lab_parse_port ("0", FALSE, &port, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (lab_parse_port ("70000", TRUE, &port, &error));
  g_assert_nonnull (strstr (error->message, "65535"));
  g_clear_error (&error);
  g_assert_false (lab_parse_port ("999999999999999999999", TRUE, &port, &error));
  g_clear_error (&error);
  g_assert_false (lab_parse_port ("abc", TRUE, &port, &error));
  g_assert_nonnull (strstr (error->message, "abc"));
  g_clear_error (&error);
  g_assert_false (lab_parse_port ("-1", TRUE, &port, &error));
  g_clear_error (&error);
  g_assert_false (lab_parse_port ("", TRUE, &port, &error));
  g_clear_error (&error);

  g_assert_true (lab_validate_host ("localhost", NULL));
  g_assert_true (lab_validate_host ("::1", NULL));
  g_assert_true (lab_validate_host ("example.org.", NULL));
  g_assert_false (lab_validate_host ("-bad.org", NULL));
  g_assert_false (lab_validate_host ("a..b", NULL));
}

static void
test_ipv6 (LabTestFixture *f,
           gconstpointer  backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola6", 5);
  g_autoptr(GByteArray) in = NULL;
  LabEvent *getsockname;
  g_autofree char *result = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *address = NULL;
  guint16 port;

  g_object_set (lab_endpoint_get_config (server), "bind-address", "::1", NULL);
  port = lab_test_start_server (server);
  address = g_strdup_printf ("[::1]:%u", port);
  g_assert_cmpstr (lab_endpoint_get_address (server), ==, address);

  g_object_set (lab_endpoint_get_config (client),
                "host", "::1",
                "port", (guint) port,
                "initial-data", hello,
                "expect-bytes", (guint64) 5,
                NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  g_assert_null (lab_endpoint_get_error (client));
  in = lab_test_log_data (f->log, client, LAB_DIRECTION_IN);
  g_assert_cmpmem (in->data, in->len, "hola6", 5);

  /* Addresses as Python writes an IPv6 one: four items. */
  getsockname = lab_test_log_find_call (f->log, server, LAB_OP_GETSOCKNAME);
  result = lab_event_dup_result (getsockname);
  expected = g_strdup_printf ("('::1', %u, 0, 0)", port);
  g_assert_nonnull (strstr (result, expected));

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("errors", "address-in-use", test_address_in_use);
  lab_test_add_backends ("errors", "reuseaddr-after-time-wait", test_reuseaddr_after_time_wait);
  lab_test_add_backends ("errors", "connection-refused", test_connection_refused);
  lab_test_add_backends ("errors", "connect-with-timeout", test_connect_with_timeout);
  lab_test_add_backends ("errors", "bad-host", test_bad_host);
  lab_test_add_backends ("errors", "recv-timeout", test_recv_timeout);
  lab_test_add_backends ("errors", "ipv6", test_ipv6);
  g_test_add_func ("/errors/ports", test_ports);

  return g_test_run ();
}
