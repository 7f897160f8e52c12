/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-errno.h"
#include "lab-locale.h"
#include "lab-test-engine.h"

/* One language at a time, everywhere: what the lab shows is kept by where
 * it comes from and put in words as it is read, so that a switch of
 * language while the lab runs leaves nothing in the language before. */

/* A TCP socket of the test's own, bound on loopback to a port the kernel
 * chose and listening, which a server of the lab then cannot bind. */
static int
hold_port (guint16 *port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &len), ==, 0);
  *port = ntohs (address.sin_port);
  return fd;
}

static LabEvent *
find_failure (LabTestLog  *log,
              LabEndpoint *endpoint)
{
  for (guint i = 0; i < log->events->len; i++)
    {
      LabEvent *event = log->events->pdata[i];

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint) &&
          lab_event_get_kind (event) == LAB_EVENT_NOTE && lab_event_get_note (event) == LAB_NOTE_FAILED)
        return event;
    }

  return NULL;
}

/* The words of a failed call, in the timeline and in the endpoint's
 * error, are those of the language they are read in, the errno's own
 * words too: never the language the call failed in. */
static void
test_failure (LabTestFixture *f,
              gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  guint16 port;
  int fd = hold_port (&port);
  LabEvent *failure;
  const char *languages[] = { "en", "es", "en" };

  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  lab_test_start (server);
  lab_test_wait_stopped (server);
  g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_FAILED);
  lab_timeline_flush (f->timeline);
  failure = find_failure (f->log, server);
  g_assert_nonnull (failure);

  /* What failed is kept in no language: the call and the errno's name. */
  g_assert_cmpstr (lab_event_get_note_arg (failure), ==, "bind: EADDRINUSE");

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gboolean spanish = g_str_equal (languages[i], "es");
      g_autofree char *summary = NULL;
      g_autofree char *error = NULL;

      lab_locale_set_language (languages[i]);
      summary = lab_event_dup_summary (failure);
      error = lab_errno_dup_failure (lab_endpoint_get_error (server));
      g_test_message ("%s: %s; %s", languages[i], summary, error);

      g_assert_true (g_str_has_prefix (summary, spanish ? "Detenido por un error: " : "Stopped by an error: "));
      g_assert_true (g_str_has_suffix (summary, spanish ? "EADDRINUSE (La dirección ya está en uso)"
                                                        : "EADDRINUSE (Address already in use)"));
      g_assert_true (g_str_has_suffix (error, spanish ? "EADDRINUSE (La dirección ya está en uso)"
                                                      : "EADDRINUSE (Address already in use)"));
      g_assert_cmpstr (lab_errno_message (EADDRINUSE), ==,
                       spanish ? "La dirección ya está en uso" : "Address already in use");
    }

  lab_locale_set_language ("en");
  close (fd);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("language", "failure", test_failure);

  return g_test_run ();
}
