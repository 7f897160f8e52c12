/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The load for the benchmark, the same for every server measured. Every
 * mode is bounded by a count and by a time, and ends by itself.
 *
 *   protolab-bench-load free-port
 *       prints a port of 127.0.0.1 that nothing uses now
 *   protolab-bench-load throughput PORT MIB [MAXSEC]
 *       one connection; sends MIB MiB in 64 KiB chunks while reading the
 *       echo back; prints the echoed megabytes (10^6) per second
 *   protolab-bench-load roundtrips PORT COUNT [SIZE] [MAXSEC]
 *       one connection; sends SIZE bytes, waits for them back, COUNT times;
 *       prints round trips per second and the median and 99th percentile
 */

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define CHUNK (64 * 1024)

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
connect_to (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int one = 1;

  addr.sin_port = htons (port);
  /* The server may still be starting: try for two seconds. */
  for (int i = 0; i < 200; i++)
    {
      if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
        {
          setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          return fd;
        }
      close (fd);
      fd = socket (AF_INET, SOCK_STREAM, 0);
      usleep (10 * 1000);
    }

  perror ("connect");
  exit (1);
}

static int
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  bind (fd, (struct sockaddr *) &addr, sizeof addr);
  getsockname (fd, (struct sockaddr *) &addr, &len);
  close (fd);
  printf ("%d\n", ntohs (addr.sin_port));
  return 0;
}

static int
throughput (int    port,
            long   mib,
            double maxsec)
{
  static char out[CHUNK], in[CHUNK];
  uint64_t total = (uint64_t) mib * 1024 * 1024, sent = 0, received = 0;
  int fd = connect_to (port);
  double start = now (), elapsed;

  memset (out, 'x', sizeof out);

  /* Send and read at once, or both sides' buffers fill and all stops. */
  while (received < total && now () - start < maxsec)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0) };

      if (poll (&p, 1, 1000) <= 0)
        continue;

      if (p.revents & POLLOUT)
        {
          size_t want = total - sent < CHUNK ? total - sent : CHUNK;
          ssize_t n = send (fd, out, want, MSG_DONTWAIT);

          if (n > 0)
            sent += n;
        }
      if (p.revents & (POLLIN | POLLHUP | POLLERR))
        {
          ssize_t n = recv (fd, in, sizeof in, MSG_DONTWAIT);

          if (n == 0 || (n < 0 && errno != EAGAIN))
            break;
          if (n > 0)
            received += n;
        }
    }

  elapsed = now () - start;
  close (fd);
  if (received < total)
    {
      fprintf (stderr, "throughput: only %llu of %llu bytes came back\n",
               (unsigned long long) received, (unsigned long long) total);
      return 1;
    }

  printf ("throughput_mb_per_s=%.1f seconds=%.3f\n", received / elapsed / 1e6, elapsed);
  return 0;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
roundtrips (int    port,
            long   count,
            int    size,
            double maxsec)
{
  char buf[4096];
  double *latency = calloc (count, sizeof (double));
  int fd = connect_to (port);
  long done = 0;
  double start, elapsed;

  if (size <= 0 || size > (int) sizeof buf)
    size = 64;
  memset (buf, 'r', size);

  /* Warm up: a thousand round trips not counted. */
  for (int i = 0; i < 1000; i++)
    {
      int got = 0;

      send (fd, buf, size, 0);
      while (got < size)
        {
          ssize_t n = recv (fd, buf, size - got, 0);

          if (n <= 0)
            return 1;
          got += n;
        }
    }

  start = now ();
  while (done < count && now () - start < maxsec)
    {
      double t0 = now ();
      int got = 0;

      if (send (fd, buf, size, 0) != size)
        break;
      while (got < size)
        {
          ssize_t n = recv (fd, buf, size - got, 0);

          if (n <= 0)
            goto out;
          got += n;
        }
      latency[done++] = now () - t0;
    }

out:
  elapsed = now () - start;
  close (fd);
  if (done == 0)
    return 1;

  qsort (latency, done, sizeof (double), compare_doubles);
  printf ("roundtrips_per_s=%.0f p50_us=%.1f p99_us=%.1f count=%ld\n", done / elapsed,
          latency[done / 2] * 1e6, latency[(long) (done * 0.99)] * 1e6, done);
  free (latency);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 2 && strcmp (argv[1], "free-port") == 0)
    return free_port ();
  if (argc >= 4 && strcmp (argv[1], "throughput") == 0)
    return throughput (atoi (argv[2]), atol (argv[3]), argc > 4 ? atof (argv[4]) : 60);
  if (argc >= 4 && strcmp (argv[1], "roundtrips") == 0)
    return roundtrips (atoi (argv[2]), atol (argv[3]), argc > 4 ? atoi (argv[4]) : 64,
                       argc > 5 ? atof (argv[5]) : 30);

  fprintf (stderr, "usage: %s free-port | throughput PORT MIB [MAXSEC] | "
                   "roundtrips PORT COUNT [SIZE] [MAXSEC]\n", argv[0]);
  return 2;
}
