/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-test-engine.h"

/* Step mode: a call is not made until it is stepped. The proof is the
 * kernel's, not the lab's own record: a port is free until bind is
 * stepped, refuses connections until listen is, and a client waits in the
 * accept queue until accept is. */

/* Binds a socket of the test's own to @port: whether the port was free. */
static gboolean
port_is_free (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean free;

  g_assert_cmpint (fd, >=, 0);
  free = bind (fd, (struct sockaddr *) &sin, sizeof sin) == 0;
  close (fd);

  return free;
}

/* Connects a socket of the test's own: 0, or the errno of connect. The
 * socket is returned open in @out when it connected. */
static int
try_connect (guint16  port,
             int     *out)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
    {
      int err = errno;

      close (fd);
      return err;
    }

  *out = fd;
  return 0;
}

/* The inodes of the process's netlink sockets, the last field of each
 * line of /proc/self/net/netlink after its header. */
static GHashTable *
netlink_inodes (void)
{
  GHashTable *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/net/netlink", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint n = g_strv_length (fields);

      if (n > 1)
        g_hash_table_add (inodes, g_strdup (fields[n - 1]));
    }
  return inodes;
}

/* The sockets this process holds, but for netlink's: the kernel watcher
 * opens one a moment for each of its questions, and it is not the
 * program's. */
static guint
count_sockets (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autoptr(GHashTable) netlink = netlink_inodes ();
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);
      g_autofree char *inode = NULL;

      if (target == NULL || !g_str_has_prefix (target, "socket:[") || !g_str_has_suffix (target, "]"))
        continue;
      inode = g_strndup (target + 8, strlen (target) - 9);
      n += !g_hash_table_contains (netlink, inode);
    }

  return n;
}

static LabEvent *
held (LabEndpoint *endpoint)
{
  GListModel *paused = lab_endpoint_get_paused (endpoint);
  g_autoptr(LabEvent) first = g_list_model_get_item (paused, 0);

  /* The model holds it. */
  return first;
}

typedef struct {
  LabEndpoint *endpoint;
  gint64       after;
} Held;

static gboolean
holds_another (gpointer data)
{
  Held *h = data;
  LabEvent *now = held (h->endpoint);

  return now != NULL && lab_event_get_begin_time (now) > h->after;
}

/* Waits for a call to be held, held later than @before (an event freed
 * and another made at its address would look the same). */
static LabEvent *
wait_held (LabEndpoint *endpoint,
           LabEvent    *before)
{
  Held h = { endpoint, before != NULL ? lab_event_get_begin_time (before) : -1 };
  LabEvent *event;

  lab_test_wait (holds_another, &h, 10000);
  event = held (endpoint);
  g_assert_true (lab_event_get_pending (event));
  g_assert_false (lab_event_get_finished (event));
  return event;
}

/* Steps until a call of @op is held: an endpoint makes a handful of
 * calls before any. */
static LabEvent *
step_until (LabEndpoint *endpoint,
            LabOp        op)
{
  LabEvent *event = wait_held (endpoint, NULL);

  for (guint i = 0; lab_event_get_op (event) != op; i++)
    {
      g_assert_cmpuint (i, <, 16);
      g_assert_true (lab_endpoint_step (endpoint));
      event = wait_held (endpoint, event);
    }

  return event;
}

static guint
count_calls (LabTestFixture *f,
             LabEndpoint    *endpoint,
             LabOp           op)
{
  g_autoptr(GPtrArray) calls = NULL;
  guint n = 0;

  lab_timeline_flush (f->timeline);
  calls = lab_test_log_calls (f->log, endpoint, FALSE);
  for (guint i = 0; i < calls->len; i++)
    n += op == (LabOp) -1 || lab_event_get_op (calls->pdata[i]) == op;

  return n;
}

static gboolean
has_one_queued (gpointer data)
{
  guint length = 0;

  lab_endpoint_get_accept_queue (data, &length, NULL);
  return length == 1;
}

static void
test_nothing_until_stepped (LabTestFixture *f,
                            gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  guint16 port = lab_test_free_port (SOCK_STREAM);
  guint sockets = count_sockets ();
  LabEvent *event;
  int client = -1;

  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  lab_endpoint_set_step_mode (server, TRUE);
  lab_test_start (server);

  /* Held before socket (): no call made, no socket open. */
  event = wait_held (server, NULL);
  g_assert_cmpint (lab_event_get_op (event), ==, LAB_OP_SOCKET);
  g_usleep (100 * 1000);
  g_assert_cmpuint (count_calls (f, server, (LabOp) -1), ==, 0);
  g_assert_cmpuint (count_sockets (), ==, sockets);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_paused (server)), ==, 1);

  /* Stepped: the socket exists, and bind is held with its address. */
  event = step_until (server, LAB_OP_BIND);
  g_assert_cmpuint (count_calls (f, server, LAB_OP_SOCKET), ==, 1);
  g_assert_cmpuint (count_sockets (), ==, sockets + 1);
  {
    /* The preview shows the address bind will get. */
    g_autofree char *args = lab_event_dup_args (event);
    g_autofree char *where = g_strdup_printf ("%u", port);

    g_assert_nonnull (strstr (args, where));
  }
  g_assert_true (port_is_free (port));

  /* bind made, listen held: the port is taken but refuses connections. */
  step_until (server, LAB_OP_LISTEN);
  g_assert_false (port_is_free (port));
  g_assert_cmpint (try_connect (port, &client), ==, ECONNREFUSED);

  /* listen made, accept held: the kernel completes a client's handshake,
   * and the client waits in the queue, as the kernel says, not accepted. */
  step_until (server, LAB_OP_ACCEPT);
  g_assert_cmpint (try_connect (port, &client), ==, 0);
  lab_test_wait (has_one_queued, server, 10000);
  g_assert_cmpuint (count_calls (f, server, LAB_OP_ACCEPT), ==, 0);

  /* Continue: it runs on, accepts the client and serves it. */
  lab_endpoint_continue (server);
  g_assert_false (lab_endpoint_get_step_mode (server));
  lab_test_wait_for_state (f, server, LAB_TCP_ESTABLISHED);
  lab_test_wait_waiting_in (server, "accept");
  g_assert_cmpuint (count_calls (f, server, LAB_OP_ACCEPT), >=, 1);

  close (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

/* Stopping while a call is held: the call is not made, and the endpoint
 * stops. */
static void
test_stop_while_held (LabTestFixture *f,
                      gconstpointer   backend)
{
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  guint16 port = lab_test_free_port (SOCK_STREAM);

  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_endpoint_set_step_mode (client, TRUE);
  lab_test_start (client);
  step_until (client, LAB_OP_CONNECT);

  lab_endpoint_stop (client);
  lab_test_wait_stopped (client);
  g_assert_cmpint (lab_endpoint_get_state (client), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_cmpuint (count_calls (f, client, LAB_OP_CONNECT), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_paused (client)), ==, 0);
  /* The socket it had was closed all the same. */
  g_assert_cmpuint (count_calls (f, client, LAB_OP_CLOSE), ==, 1);
}

/* Held before close () itself, a stop makes the call all the same: it
 * gives back the descriptor (the fixture counts them). */
static void
test_stop_while_held_at_close (LabTestFixture *f,
                               gconstpointer   backend)
{
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  guint16 port = lab_test_free_port (SOCK_STREAM);

  /* Nobody listens: connect () is refused and close () comes next. */
  g_object_set (lab_endpoint_get_config (client), "port", (guint) port, NULL);
  lab_endpoint_set_breakpoint (client, LAB_OP_CLOSE, TRUE);
  lab_test_start (client);
  step_until (client, LAB_OP_CLOSE);

  lab_endpoint_stop (client);
  lab_test_wait_stopped (client);
  g_assert_cmpuint (count_calls (f, client, LAB_OP_CONNECT), ==, 1);
  g_assert_cmpuint (count_calls (f, client, LAB_OP_CLOSE), ==, 1);
}

/* A breakpoint holds only its calls, each time, out of step mode. */
static void
test_breakpoint (LabTestFixture *f,
                 gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  guint16 port = lab_test_free_port (SOCK_STREAM);
  LabEvent *event;
  int client = -1;

  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  lab_endpoint_set_breakpoint (server, LAB_OP_ACCEPT, TRUE);
  g_assert_true (lab_endpoint_get_breakpoint (server, LAB_OP_ACCEPT));
  g_assert_false (lab_endpoint_get_breakpoint (server, LAB_OP_LISTEN));
  lab_test_start (server);

  /* Everything before accept ran on its own. */
  event = wait_held (server, NULL);
  g_assert_cmpint (lab_event_get_op (event), ==, LAB_OP_ACCEPT);
  g_assert_cmpuint (count_calls (f, server, LAB_OP_LISTEN), ==, 1);
  g_assert_cmpuint (count_calls (f, server, LAB_OP_ACCEPT), ==, 0);

  /* Stepped, accept takes a client; the next accept is held again. */
  g_assert_cmpint (try_connect (port, &client), ==, 0);
  g_assert_true (lab_endpoint_step (server));
  event = wait_held (server, event);
  g_assert_cmpint (lab_event_get_op (event), ==, LAB_OP_ACCEPT);
  g_assert_cmpuint (count_calls (f, server, LAB_OP_ACCEPT), ==, 1);

  /* Without the breakpoint the held call is made. */
  lab_endpoint_set_breakpoint (server, LAB_OP_ACCEPT, FALSE);
  lab_test_wait_waiting_in (server, "accept");
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_paused (server)), ==, 0);

  close (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("step", "nothing-until-stepped", test_nothing_until_stepped);
  lab_test_add_backends ("step", "stop-while-held", test_stop_while_held);
  lab_test_add_backends ("step", "stop-while-held-at-close", test_stop_while_held_at_close);
  lab_test_add_backends ("step", "breakpoint", test_breakpoint);

  return g_test_run ();
}
