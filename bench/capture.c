/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The capture's cost, measured against the lab without it, side by side:
 * the lab's TCP echo server on the lab host beta, recording every call,
 * and a load on alfa (a thread of this program in alfa's namespace: the
 * lab network is this process's own) that sends through the link and
 * reads the echo back. In each round the echo runs once with capture and
 * once without, in turn first; the figures are the medians. Then round
 * trips of 64 bytes with capture on: every packet captured, or the drops
 * counted by the kernel.
 *
 *   protolab-bench-capture [mib=N] [rounds=N] [roundtrips=N]
 *
 * Prints one line a figure: "name value unit". */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lab-capture.h"
#include "lab-endpoint.h"
#include "lab-enums.h"
#include "lab-locale.h"
#include "lab-network.h"
#include "lab-timeline.h"

#define PORT 7000   /* on beta: the lab network is this program's alone */
#define CHUNK (64 * 1024)

typedef struct {
  guint64  bytes;               /* to echo, or round trips */
  gboolean roundtrips;
  double   seconds;
  gboolean done;
  gboolean failed;
} Load;

static int
connect_beta (void)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (PORT) };
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  inet_pton (AF_INET, "10.80.0.2", &to.sin_addr);
  while (g_get_monotonic_time () < deadline)
    {
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      if (fd >= 0 && connect (fd, (struct sockaddr *) &to, sizeof to) == 0)
        return fd;
      if (fd >= 0)
        close (fd);
      g_usleep (10 * 1000);
    }
  return -1;
}

/* Sends load->bytes in 64 KiB writes and reads the echo back, both at
 * once, as the benchmark's load does. */
static gboolean
echo_bytes (int      fd,
            guint64  total)
{
  static guint8 out[CHUNK], in[CHUNK];
  guint64 sent = 0, received = 0;

  while (received < total)
    {
      struct pollfd p = { fd, POLLIN | (sent < total ? POLLOUT : 0), 0 };

      if (poll (&p, 1, 10000) <= 0)
        return FALSE;
      if ((p.revents & POLLOUT) != 0 && sent < total)
        {
          ssize_t n = send (fd, out, MIN ((guint64) CHUNK, total - sent), MSG_DONTWAIT);

          if (n < 0 && errno != EAGAIN)
            return FALSE;
          sent += n > 0 ? (guint64) n : 0;
        }
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0)
        {
          ssize_t n = recv (fd, in, sizeof in, MSG_DONTWAIT);

          if (n == 0 || (n < 0 && errno != EAGAIN))
            return FALSE;
          received += n > 0 ? (guint64) n : 0;
        }
    }
  return TRUE;
}

static gboolean
round_trips (int     fd,
             guint64 count)
{
  guint8 message[64] = { 0 };

  for (guint64 i = 0; i < count; i++)
    {
      gsize got = 0;

      if (send (fd, message, sizeof message, 0) != sizeof message)
        return FALSE;
      while (got < sizeof message)
        {
          ssize_t n = recv (fd, message + got, sizeof message - got, 0);

          if (n <= 0)
            return FALSE;
          got += (gsize) n;
        }
    }
  return TRUE;
}

static gpointer
load_main (gpointer data)
{
  Load *load = data;
  int host = lab_network_open_host ("alfa", NULL);
  gint64 start;
  int fd, one = 1;

  if (host < 0 || lab_network_enter (host) != 0 || (fd = connect_beta ()) < 0)
    {
      load->failed = TRUE;
      g_atomic_int_set (&load->done, TRUE);
      return NULL;
    }
  close (host);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  start = g_get_monotonic_time ();
  load->failed = !(load->roundtrips ? round_trips (fd, load->bytes) : echo_bytes (fd, load->bytes));
  load->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  close (fd);
  g_atomic_int_set (&load->done, TRUE);
  return NULL;
}

/* One run: the lab's echo server on beta, with or without capture, and
 * the load. Returns the seconds the load took, or a negative number. */
static double
run_once (gboolean  capture,
          Load     *load)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  g_autoptr(LabEndpoint) server = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  lab_capture_stop ();
  lab_capture_set_enabled (capture);
  server = lab_endpoint_new (timeline, LAB_ENDPOINT_TCP_SERVER, "echo");
  g_object_set (lab_endpoint_get_config (server), "network-host", "beta", "bind-address", "beta", "port", PORT,
                "buffer-size", CHUNK, "backlog", 16, NULL);
  if (!lab_endpoint_start (server, &error))
    {
      fprintf (stderr, "protolab-bench-capture: %s\n", error->message);
      return -1;
    }

  load->done = FALSE;
  thread = g_thread_new ("load", load_main, load);
  while (!g_atomic_int_get (&load->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  lab_endpoint_stop (server);
  while (lab_endpoint_is_active (server))
    g_main_context_iteration (NULL, TRUE);
  lab_timeline_flush (timeline);
  lab_capture_stop ();
  return load->failed ? -1 : load->seconds;
}

/* The most memory the program held, in KiB: VmHWM. */
static guint64
rss_max_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static guint64
arg (int         argc,
     char      **argv,
     const char *name,
     guint64     fallback)
{
  gsize len = strlen (name);

  for (int i = 1; i < argc; i++)
    if (strncmp (argv[i], name, len) == 0 && argv[i][len] == '=')
      return g_ascii_strtoull (argv[i] + len + 1, NULL, 10);
  return fallback;
}

int
main (int   argc,
      char *argv[])
{
  guint64 mib, rounds, trips;
  g_autofree double *on = NULL;
  g_autofree double *off = NULL;
  LabCaptureStats before, after;
  g_autoptr(GError) error = NULL;
  Load load = { 0 };
  double trip_seconds;

  lab_network_prepare ();
  lab_locale_init (NULL);
  mib = arg (argc, argv, "mib", 256);
  rounds = MAX (arg (argc, argv, "rounds", 3), 1);
  trips = arg (argc, argv, "roundtrips", 100000);
  if (!lab_network_check (&error))
    {
      fprintf (stderr, "protolab-bench-capture: %s\n", error->message);
      return 1;
    }

  on = g_new (double, rounds);
  off = g_new (double, rounds);
  for (guint64 r = 0; r < rounds; r++)
    for (guint turn = 0; turn < 2; turn++)
      {
        gboolean capture = (turn + r) % 2 == 0;
        double seconds;

        load = (Load) { mib * 1024 * 1024, FALSE };
        seconds = run_once (capture, &load);
        if (seconds <= 0)
          {
            fprintf (stderr, "protolab-bench-capture: the echo did not complete\n");
            return 1;
          }
        (capture ? on : off)[r] = mib / seconds;
        fprintf (stderr, "round %" G_GUINT64_FORMAT ": capture %s %.1f MiB/s\n", r + 1, capture ? "on" : "off",
                 mib / seconds);
      }
  printf ("capture-on-mibps %.1f MiB/s\n", median (on, rounds));
  printf ("capture-off-mibps %.1f MiB/s\n", median (off, rounds));

  lab_capture_get_stats (&before);
  load = (Load) { trips, TRUE };
  trip_seconds = run_once (TRUE, &load);
  lab_capture_get_stats (&after);
  if (trip_seconds <= 0)
    {
      fprintf (stderr, "protolab-bench-capture: the round trips did not complete\n");
      return 1;
    }
  printf ("roundtrips %" G_GUINT64_FORMAT " trips\n", trips);
  printf ("roundtrips-per-s %.0f trips/s\n", trips / trip_seconds);
  printf ("packets-captured %" G_GUINT64_FORMAT " packets\n", after.received - before.received);
  printf ("packets-dropped %" G_GUINT64_FORMAT " packets\n", after.dropped - before.dropped);
  printf ("rss-max-kib %" G_GUINT64_FORMAT " KiB\n", rss_max_kib ());
  return 0;
}
