/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-link.h"
#include "lab-network.h"
#include "lab-test-link.h"

/* A delay set while a TCP connection between alfa and beta exchanges
 * data: its round trip follows within two seconds, whether the kernel's
 * bridge forwarded until then or the lab's link with a delay of its own. */

#define ALFA    0
#define BETA    1
#define PORT    7140
#define CHUNK   8192
/* What a chunk's round trip must be once 50 ms each way are on, and
 * what the kernel's smoothed one must have come to (as the TCP chart's
 * test wants it) */
#define LEAST_US      90000
#define LEAST_SRTT_US 80000

typedef struct {
  int listener;
} Echo;

/* beta sends back what it gets, until alfa closes */
static gpointer
echo_main (gpointer data)
{
  Echo *e = data;
  int fd = accept (e->listener, NULL, NULL);
  char buffer[65536];

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      gssize n = recv (fd, buffer, sizeof buffer, 0);
      gssize done = 0;

      if (n <= 0)
        break;
      while (done < n)
        {
          gssize m = send (fd, buffer + done, (gsize) (n - done), MSG_NOSIGNAL);

          if (m <= 0)
            break;
          done += m;
        }
    }
  close (fd);
  return NULL;
}

/* One chunk there and back: the µs it took, or -1 if not back within
 * @timeout_us */
static gint64
round_trip (int    fd,
            gint64 timeout_us)
{
  static char chunk[CHUNK];
  char back[CHUNK];
  gint64 start = g_get_monotonic_time (), deadline = start + timeout_us;
  gsize got = 0;

  memset (chunk, 'x', sizeof chunk);
  g_assert_cmpint (send (fd, chunk, sizeof chunk, MSG_NOSIGNAL), ==, sizeof chunk);
  while (got < sizeof chunk)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || poll (&pfd, 1, (int) ((left + 999) / 1000)) == 0)
        return -1;
      n = recv (fd, back, sizeof back - got, MSG_DONTWAIT);
      if (n < 0 && errno == EAGAIN)
        continue;
      g_assert_cmpint (n, >, 0);
      got += (gsize) n;
    }
  return g_get_monotonic_time () - start;
}

static guint
srtt_us (int fd)
{
  struct tcp_info info;
  socklen_t len = sizeof info;

  g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len), ==, 0);
  return info.tcpi_rtt;
}

static void
set_delay (guint to,
           guint us)
{
  LabLinkConditions c;

  lab_link_conditions_init (&c);
  c.delay_us = us;
  lab_link_set_conditions (to, &c);
}

/* @before_us: the delay each way while the connection begins, 0: none,
 * the kernel's bridge forwarding */
static void
follows (guint before_us)
{
  g_autoptr(GError) error = NULL;
  struct sockaddr_in sin;
  LabLinkCounters to_beta, to_alfa;
  Echo echo;
  GThread *thread;
  int client, one = 1;
  gint64 changed, rtt = -1, deadline;
  guint srtt = 0;

  if (!lab_network_check (&error))
    {
      g_test_skip (error->message);
      return;
    }
  lab_link_reset ();
  lab_link_stop ();
  if (before_us > 0)
    {
      set_delay (BETA, before_us);
      set_delay (ALFA, before_us);
      g_assert_true (lab_link_is_running ());
    }
  else
    g_assert_false (lab_link_is_running ());

  echo.listener = lab_test_link_socket (BETA, SOCK_STREAM);
  lab_test_link_address (BETA, PORT + (before_us > 0), &sin);
  setsockopt (echo.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  g_assert_cmpint (bind (echo.listener, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (echo.listener, 1), ==, 0);
  thread = g_thread_new ("echo", echo_main, &echo);
  client = lab_test_link_socket (ALFA, SOCK_STREAM);
  setsockopt (client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_assert_cmpint (connect (client, (struct sockaddr *) &sin, sizeof sin), ==, 0);

  /* Exchanging: a chunk each 20 ms for half a second */
  for (guint i = 0; i < 25; i++)
    {
      rtt = round_trip (client, G_USEC_PER_SEC);
      g_assert_cmpint (rtt, >=, 0);
      g_usleep (20000);
    }
  g_test_message ("before: round trip %" G_GINT64_FORMAT " µs, srtt %u µs", rtt, srtt_us (client));

  set_delay (BETA, 50000);
  set_delay (ALFA, 50000);
  changed = g_get_monotonic_time ();
  deadline = changed + 2 * G_USEC_PER_SEC;
  g_assert_true (lab_link_is_running ());

  /* Within two seconds, a chunk's round trip is the two delays, and so is
   * what the kernel measures */
  while (g_get_monotonic_time () < deadline)
    {
      rtt = round_trip (client, deadline - g_get_monotonic_time ());
      srtt = srtt_us (client);
      if (rtt >= LEAST_US && srtt >= LEAST_SRTT_US)
        break;
    }
  lab_link_get_counters (BETA, &to_beta);
  lab_link_get_counters (ALFA, &to_alfa);
  g_test_message ("after %" G_GINT64_FORMAT " ms: round trip %" G_GINT64_FORMAT " µs, srtt %u µs; the link "
                  "forwarded %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT " frames, holds %u and %u",
                  (g_get_monotonic_time () - changed) / 1000, rtt, srtt, to_beta.forwarded, to_alfa.forwarded,
                  to_beta.queued, to_alfa.queued);
  g_assert_cmpint (rtt, >=, LEAST_US);
  g_assert_cmpuint (srtt, >=, LEAST_SRTT_US);
  g_assert_cmpint (rtt, <, 150000);

  close (client);
  g_thread_join (thread);
  close (echo.listener);
  lab_link_reset ();
  lab_link_stop ();
}

static void
test_from_bridge (void)
{
  follows (0);
}

static void
test_from_delay (void)
{
  follows (1000);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/link-live/from-bridge", test_from_bridge);
  g_test_add_func ("/link-live/from-delay", test_from_delay);

  return g_test_run ();
}
