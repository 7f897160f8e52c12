/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The load for the benchmark, the same for every server measured. Loopback
 * only (127.0.0.1). Every mode is bounded by a count and by a time, ends by
 * itself (an alarm ends it a little after its time, whatever happens), and
 * starts no process. Options are NAME=VALUE; a mode prints its figures as
 * NAME=VALUE on one line.
 *
 *   protolab-bench-load free-port
 *       a port of 127.0.0.1 that nothing uses now, for TCP and for UDP
 *   protolab-bench-load ready port=P [proto=tcp|udp] [maxsec=5]
 *       waits until something listens (TCP) or is bound (UDP) on port P
 *   protolab-bench-load throughput port=P mib=N [maxsec=60] [pid=PID]
 *       one connection; sends N MiB in 64 KiB writes while reading the echo
 *       back: echoed megabytes (10^6) a second, and with pid= the share of a
 *       processor the server's main thread used meanwhile
 *   protolab-bench-load roundtrips port=P count=N [size=64] [conns=1] [maxsec=30]
 *       conns connections at once, each sending size bytes and waiting for
 *       them back, N times: round trips a second, median and 99th percentile
 *   protolab-bench-load connections port=P count=N [maxsec=30] [idle=0] [pid=PID]
 *       opens N connections at once, sends one byte on each and waits for
 *       it back: the time until all were echoed; then, holding them all
 *       idle, the share of a processor the server used over idle seconds
 *   protolab-bench-load udp port=P count=N [size=64] [window=32] [maxsec=30]
 *       keeps window datagrams in flight until N came back or were lost
 *       (nothing back for 50 ms): datagrams echoed a second
 *   protolab-bench-load watch pid=PID [maxsec=3600]
 *       samples the resident memory of PID every 20 ms until it ends:
 *       the largest, in KiB
 */

#include <errno.h>
#include <fcntl.h>
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
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "proc.h"

#define CHUNK   (64 * 1024)
#define WARM_UP 1000            /* round trips not counted, in all */

typedef struct {
  int    port;
  long   count;
  long   mib;
  int    size;
  int    conns;
  int    window;
  double maxsec;
  double idle;
  long   pid;
  char   proto[8];
} Options;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in
loopback (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  addr.sin_port = htons (port);
  return addr;
}

static void
set_nonblocking (int fd)
{
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
}

static int
connect_to (int port)
{
  struct sockaddr_in addr = loopback (port);
  int one = 1;

  /* A server that has just started may not listen yet: try for two
   * seconds. */
  for (int i = 0; i < 200; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM, 0);

      if (fd < 0)
        break;
      if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
        {
          setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          return fd;
        }
      close (fd);
      usleep (10 * 1000);
    }

  perror ("connect");
  exit (1);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
free_port (void)
{
  /* A port free for both, so that one answer serves TCP and UDP servers. */
  for (int attempt = 0; attempt < 50; attempt++)
    {
      struct sockaddr_in addr = loopback (0);
      socklen_t len = sizeof addr;
      int tcp = socket (AF_INET, SOCK_STREAM, 0);
      int udp = socket (AF_INET, SOCK_DGRAM, 0);
      int ok;

      bind (tcp, (struct sockaddr *) &addr, sizeof addr);
      getsockname (tcp, (struct sockaddr *) &addr, &len);
      ok = bind (udp, (struct sockaddr *) &addr, sizeof addr) == 0;
      close (tcp);
      close (udp);
      if (ok)
        {
          printf ("%d\n", ntohs (addr.sin_port));
          return 0;
        }
    }

  fprintf (stderr, "free-port: no port free for both TCP and UDP\n");
  return 1;
}

static int
ready (const Options *o)
{
  double deadline = now () + o->maxsec;
  int udp = strcmp (o->proto, "udp") == 0;

  while (now () < deadline)
    {
      if (proc_port_bound (o->port, udp))
        return 0;
      usleep (10 * 1000);
    }

  fprintf (stderr, "ready: nothing %s on port %d after %.0f s\n", udp ? "bound" : "listening",
           o->port, o->maxsec);
  return 1;
}

static int
throughput (const Options *o)
{
  static char out[CHUNK], in[CHUNK];
  uint64_t total = (uint64_t) o->mib * 1024 * 1024, sent = 0, received = 0;
  int fd = connect_to (o->port);
  long main_ticks = o->pid > 0 ? proc_cpu_ticks (o->pid, o->pid) : -1;
  double start = now (), elapsed;

  memset (out, 'x', sizeof out);

  /* Send and read at once, or both sides' buffers fill and all stops. */
  while (received < total && now () - start < o->maxsec)
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
  if (main_ticks >= 0)
    main_ticks = proc_cpu_ticks (o->pid, o->pid) - main_ticks;
  close (fd);
  if (received < total)
    {
      fprintf (stderr, "throughput: only %llu of %llu bytes came back\n",
               (unsigned long long) received, (unsigned long long) total);
      return 1;
    }

  printf ("throughput_mb_per_s=%.1f seconds=%.3f", received / elapsed / 1e6, elapsed);
  if (main_ticks >= 0)
    printf (" main_cpu_pct=%.1f", 100.0 * main_ticks / proc_ticks_per_second () / elapsed);
  printf ("\n");
  return 0;
}

/* One connection, one round trip at a time, blocking: the least the load
 * can add to each. */
static long
roundtrips_one (const Options *o,
                double        *latency,
                double        *elapsed)
{
  char buf[4096];
  int fd = connect_to (o->port);
  long done = 0;
  double start = 0;

  memset (buf, 'r', o->size);
  for (long i = 0; i < WARM_UP + o->count; i++)
    {
      double t0 = now ();
      int got = 0;

      if (i == WARM_UP)
        start = t0;
      if (i >= WARM_UP && t0 - start >= o->maxsec)
        break;
      if (send (fd, buf, o->size, 0) != o->size)
        break;
      while (got < o->size)
        {
          ssize_t n = recv (fd, buf, o->size - got, 0);

          if (n <= 0)
            goto out;
          got += n;
        }
      if (i >= WARM_UP)
        latency[done++] = now () - t0;
    }

out:
  *elapsed = now () - start;
  close (fd);
  return done;
}

typedef struct {
  int    fd;
  int    got;
  long   done;
  double sent_at;
} Trip;

/* Several connections at once, each with one round trip in flight; the
 * first WARM_UP round trips of all (a fifth, when there are fewer) are not
 * counted. */
static long
roundtrips_many (const Options *o,
                 double        *latency,
                 double        *elapsed)
{
  char buf[4096];
  Trip *trips = calloc (o->conns, sizeof (Trip));
  struct pollfd *polls = calloc (o->conns, sizeof (struct pollfd));
  long total = 0, done = 0, open = o->conns;
  long warm_up = o->conns * o->count / 5 < WARM_UP ? o->conns * o->count / 5 : WARM_UP;
  double start = now ();

  memset (buf, 'r', o->size);
  for (int i = 0; i < o->conns; i++)
    {
      trips[i].fd = connect_to (o->port);
      set_nonblocking (trips[i].fd);
      polls[i] = (struct pollfd) { .fd = trips[i].fd, .events = POLLIN };
    }
  for (int i = 0; i < o->conns; i++)
    {
      trips[i].sent_at = now ();
      send (trips[i].fd, buf, o->size, 0);
    }

  while (open > 0 && now () - start < o->maxsec + 5)
    {
      if (poll (polls, o->conns, 1000) <= 0)
        continue;

      for (int i = 0; i < o->conns; i++)
        {
          Trip *t = &trips[i];
          ssize_t n;

          if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
          n = recv (t->fd, buf, o->size - t->got, 0);
          if (n <= 0 && !(n < 0 && errno == EAGAIN))
            {
              polls[i].fd = -1;
              open--;
              continue;
            }
          if (n < 0 || (t->got += n) < o->size)
            continue;

          t->got = 0;
          if (++total == warm_up)
            start = now ();
          if (total > warm_up)
            latency[done++] = now () - t->sent_at;
          if (++t->done >= o->count || now () - start >= o->maxsec)
            {
              polls[i].fd = -1;
              open--;
              continue;
            }
          t->sent_at = now ();
          send (t->fd, buf, o->size, 0);
        }
    }

  *elapsed = now () - start;
  for (int i = 0; i < o->conns; i++)
    close (trips[i].fd);
  free (polls);
  free (trips);
  return done;
}

static int
roundtrips (const Options *o)
{
  long capacity = o->count * o->conns + 1;
  double *latency = calloc (capacity, sizeof (double));
  double elapsed = 0;
  long done;

  if (o->size <= 0 || o->size > 4096 || o->conns <= 0 || latency == NULL)
    {
      fprintf (stderr, "roundtrips: size goes from 1 to 4096, conns from 1\n");
      return 2;
    }

  done = o->conns == 1 ? roundtrips_one (o, latency, &elapsed) : roundtrips_many (o, latency, &elapsed);
  if (done <= 0)
    {
      fprintf (stderr, "roundtrips: no round trip came back\n");
      return 1;
    }

  qsort (latency, done, sizeof (double), compare_doubles);
  printf ("roundtrips_per_s=%.0f p50_us=%.1f p99_us=%.1f count=%ld\n", done / elapsed,
          latency[done / 2] * 1e6, latency[(long) (done * 0.99)] * 1e6, done);
  free (latency);
  return 0;
}

/* Opens count connections at once, without waiting for any; sends a byte on
 * each as it connects, and counts the echoes. Returns how many came back. */
static long
connect_all (const Options *o,
             int           *fds,
             long          *connected,
             double         start)
{
  struct sockaddr_in addr = loopback (o->port);
  struct epoll_event events[256];
  int epfd = epoll_create1 (0);
  long echoed = 0, failed = 0;

  for (long i = 0; i < o->count; i++)
    {
      struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = i };

      fds[i] = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (fds[i] < 0)
        {
          perror ("socket");
          exit (1);
        }
      if (connect (fds[i], (struct sockaddr *) &addr, sizeof addr) < 0 && errno != EINPROGRESS)
        {
          close (fds[i]);
          fds[i] = -1;
          failed++;
          continue;
        }
      epoll_ctl (epfd, EPOLL_CTL_ADD, fds[i], &ev);
    }

  while (echoed + failed < o->count && now () - start < o->maxsec)
    {
      int n = epoll_wait (epfd, events, 256, 100);

      for (int e = 0; e < n; e++)
        {
          long i = events[e].data.u64;
          int error = 0;
          socklen_t len = sizeof error;
          char byte = 'c';

          if (events[e].events & EPOLLOUT)
            {
              struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

              getsockopt (fds[i], SOL_SOCKET, SO_ERROR, &error, &len);
              if (error != 0 || send (fds[i], &byte, 1, 0) != 1)
                {
                  epoll_ctl (epfd, EPOLL_CTL_DEL, fds[i], NULL);
                  failed++;
                  continue;
                }
              (*connected)++;
              epoll_ctl (epfd, EPOLL_CTL_MOD, fds[i], &ev);
            }
          else
            {
              epoll_ctl (epfd, EPOLL_CTL_DEL, fds[i], NULL);
              if (recv (fds[i], &byte, 1, 0) == 1)
                echoed++;
              else
                failed++;
            }
        }
    }

  close (epfd);
  return echoed;
}

static int
connections (const Options *o)
{
  int *fds = calloc (o->count, sizeof (int));
  long connected = 0, echoed;
  double start = now (), seconds;

  echoed = connect_all (o, fds, &connected, start);
  seconds = now () - start;
  printf ("connected=%ld echoed=%ld seconds=%.3f", connected, echoed, seconds);
  /* Written now, so that who waits for the idle part knows it began. */
  fflush (stdout);

  /* Hold them all, idle, and see what the server spends meanwhile: a
   * second first for what the connections themselves set going. */
  if (o->idle > 0 && o->pid > 0)
    {
      long ticks;

      sleep (1);
      ticks = proc_cpu_ticks (o->pid, 0);
      usleep ((useconds_t) (o->idle * 1e6));
      ticks = proc_cpu_ticks (o->pid, 0) - ticks;
      printf (" idle_cpu_pct=%.2f", 100.0 * ticks / proc_ticks_per_second () / o->idle);
    }
  printf ("\n");

  for (long i = 0; i < o->count; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
  return 0;
}

static int
udp (const Options *o)
{
  struct sockaddr_in addr = loopback (o->port);
  char buf[65536];
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  long sent = 0, received = 0, lost = 0, in_flight = 0;
  double start, elapsed;

  if (o->size <= 0 || o->size > (int) sizeof buf || o->window <= 0)
    {
      fprintf (stderr, "udp: size goes from 1 to 65536, window from 1\n");
      return 2;
    }
  memset (buf, 'u', o->size);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      perror ("connect");
      return 1;
    }

  start = now ();
  while (received + lost < o->count && now () - start < o->maxsec)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };

      while (in_flight < o->window && sent < o->count)
        {
          if (send (fd, buf, o->size, 0) != o->size)
            break;
          sent++;
          in_flight++;
        }

      if (poll (&p, 1, 50) <= 0)
        {
          /* Nothing back for 50 ms: what is in flight is lost. */
          lost += in_flight;
          in_flight = 0;
          continue;
        }
      for (;;)
        {
          ssize_t n = recv (fd, buf, sizeof buf, MSG_DONTWAIT);

          if (n < 0 && errno == ECONNREFUSED)
            {
              fprintf (stderr, "udp: nothing listens on port %d\n", o->port);
              return 1;
            }
          if (n < 0)
            break;
          received++;
          if (in_flight > 0)
            in_flight--;
        }
    }

  elapsed = now () - start;
  close (fd);
  if (received == 0)
    {
      fprintf (stderr, "udp: no datagram came back\n");
      return 1;
    }

  printf ("datagrams_per_s=%.0f lost=%ld seconds=%.3f\n", received / elapsed, lost, elapsed);
  return 0;
}

static int
watch (const Options *o)
{
  double deadline = now () + o->maxsec;
  long largest = 0;

  for (;;)
    {
      long rss = proc_rss_kib (o->pid);

      if (rss < 0 || now () > deadline)
        break;
      if (rss > largest)
        largest = rss;
      usleep (20 * 1000);
    }

  printf ("rss_max_kib=%ld\n", largest);
  return 0;
}

static void
usage (const char *program)
{
  fprintf (stderr, "usage: %s free-port | ready port=P [proto=tcp|udp] | throughput port=P mib=N [pid=PID] |\n"
                   "  roundtrips port=P count=N [size=64] [conns=1] | connections port=P count=N [idle=S pid=PID] |\n"
                   "  udp port=P count=N [size=64] [window=32] | watch pid=PID  (each with [maxsec=S])\n",
           program);
  exit (2);
}

static void
parse_options (Options *o,
               int      argc,
               char    *argv[])
{
  for (int i = 2; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      const char *value = eq != NULL ? eq + 1 : "";
      size_t len = eq != NULL ? (size_t) (eq - argv[i]) : 0;

#define IS(name) (len == strlen (name) && strncmp (argv[i], name, len) == 0)
      if (IS ("port"))
        o->port = atoi (value);
      else if (IS ("count"))
        o->count = atol (value);
      else if (IS ("mib"))
        o->mib = atol (value);
      else if (IS ("size"))
        o->size = atoi (value);
      else if (IS ("conns"))
        o->conns = atoi (value);
      else if (IS ("window"))
        o->window = atoi (value);
      else if (IS ("maxsec"))
        o->maxsec = atof (value);
      else if (IS ("idle"))
        o->idle = atof (value);
      else if (IS ("pid"))
        o->pid = atol (value);
      else if (IS ("proto"))
        snprintf (o->proto, sizeof o->proto, "%s", value);
      else
        {
          fprintf (stderr, "%s: unknown option “%s”\n", argv[0], argv[i]);
          usage (argv[0]);
        }
#undef IS
    }
}

int
main (int   argc,
      char *argv[])
{
  Options o = { .size = 64, .conns = 1, .window = 32, .maxsec = 30, .proto = "tcp" };
  struct rlimit files;
  const char *mode = argc > 1 ? argv[1] : "";

  parse_options (&o, argc, argv);
  if (strcmp (mode, "watch") == 0 && o.maxsec == 30)
    o.maxsec = 3600;
  if (strcmp (mode, "ready") == 0 && o.maxsec == 30)
    o.maxsec = 5;

  /* Thousands of connections need as many descriptors as may be had. */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
    }
  /* Whatever happens, the load ends a little after its time. */
  alarm ((unsigned) o.maxsec + 15 + (unsigned) o.idle);

  if (strcmp (mode, "free-port") == 0)
    return free_port ();
  if (strcmp (mode, "watch") == 0 && o.pid > 0)
    return watch (&o);
  if (o.port <= 0 || o.port > 65535)
    usage (argv[0]);
  if (strcmp (mode, "ready") == 0)
    return ready (&o);
  if (strcmp (mode, "throughput") == 0 && o.mib > 0)
    return throughput (&o);
  if (strcmp (mode, "roundtrips") == 0 && o.count > 0)
    return roundtrips (&o);
  if (strcmp (mode, "connections") == 0 && o.count > 0)
    return connections (&o);
  if (strcmp (mode, "udp") == 0 && o.count > 0)
    return udp (&o);

  usage (argv[0]);
  return 2;
}
