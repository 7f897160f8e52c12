/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The lab's link against the kernel's bridge, side by side, in one
 * program (the lab network is a process's own): a thread of it in alfa's
 * namespace sends, one in beta's receives, and in each round each
 * measure runs once over the bridge and once over the lab's link with no
 * condition, in turn first; the figures are the medians.
 *
 *   - TCP, one connection, 64 KiB writes, alfa to beta: MiB/s;
 *   - UDP datagrams of 64 bytes, alfa to beta, sent in batches as fast
 *     as they go: those beta receives a second;
 *   - frames of 64 bytes sent by a packet socket on alfa's eth0, counted
 *     by one on beta's: the small frames the link itself forwards a
 *     second, UDP's own work on both sides left out; and what the link's
 *     thread forwards for each second of processor time it has, what it
 *     would forward with a processor of its own;
 *   - with 20 ms of delay to beta: the round trip of 64-byte ICMP echoes
 *     (beta's kernel answers, alfa's stamps the answer), less the round
 *     trip with no delay: median and 99th percentile.
 *
 *   protolab-bench-link [mib=N] [rounds=N] [datagrams=N] [pings=N]
 *
 * Prints one line a figure: "name value unit". */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include "lab-link.h"
#include "lab-locale.h"
#include "lab-network.h"

#define TCP_PORT 7200
#define UDP_PORT 7201
#define CHUNK    (64 * 1024)

static guint64 mib = 1024;
static guint rounds = 5;
static guint64 datagrams = 500000;
static guint pings = 1000;

static int
socket_on (const char *host,
           int         type,
           int         protocol)
{
  int ns = lab_network_open_host (host, NULL);
  int fd;

  if (ns < 0)
    {
      fprintf (stderr, "protolab-bench-link: no lab network\n");
      exit (1);
    }
  fd = lab_network_socket_in (ns, AF_INET, type | SOCK_CLOEXEC, protocol);
  close (ns);
  return fd;
}

static void
address (const char         *ip,
         guint16             port,
         struct sockaddr_in *sin)
{
  memset (sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  sin->sin_port = htons (port);
  inet_pton (AF_INET, ip, &sin->sin_addr);
}

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* ---- TCP ---- */

typedef struct {
  int     fd;
  guint64 total;
} Sink;

static gpointer
sink_main (gpointer data)
{
  Sink *s = data;
  static guint8 buffer[CHUNK];
  gssize n;

  while ((n = recv (s->fd, buffer, sizeof buffer, 0)) > 0)
    s->total += (guint64) n;
  return NULL;
}

static double
tcp_mibps (void)
{
  static guint8 chunk[CHUNK];
  int listener = socket_on ("beta", SOCK_STREAM, 0), client = socket_on ("alfa", SOCK_STREAM, 0);
  struct sockaddr_in sin;
  int one = 1;
  Sink sink = { -1, 0 };
  GThread *thread;
  guint64 sent = 0, total = mib * 1024 * 1024;
  double start, seconds;

  address ("10.80.0.2", TCP_PORT, &sin);
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (listener, (struct sockaddr *) &sin, sizeof sin) != 0 || listen (listener, 1) != 0 ||
      connect (client, (struct sockaddr *) &sin, sizeof sin) != 0 || (sink.fd = accept (listener, NULL, NULL)) < 0)
    {
      fprintf (stderr, "protolab-bench-link: TCP: %s\n", g_strerror (errno));
      exit (1);
    }
  thread = g_thread_new ("sink", sink_main, &sink);
  start = now_s ();
  while (sent < total)
    {
      gssize n = send (client, chunk, MIN (sizeof chunk, total - sent), MSG_NOSIGNAL);

      if (n <= 0)
        break;
      sent += (guint64) n;
    }
  shutdown (client, SHUT_WR);
  g_thread_join (thread);
  seconds = now_s () - start;
  close (sink.fd);
  close (client);
  close (listener);
  return sink.total / 1048576.0 / seconds;
}

/* ---- Small datagrams ---- */

typedef struct {
  int      fd;
  guint64  received;
  double   first, last;
  gboolean stop;
} Counter;

static gpointer
counter_main (gpointer data)
{
  Counter *c = data;
  guint8 buffers[64][64];
  struct mmsghdr msgs[64];
  struct iovec iovs[64];

  for (guint i = 0; i < 64; i++)
    {
      iovs[i] = (struct iovec) { buffers[i], sizeof buffers[i] };
      msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &iovs[i], .msg_iovlen = 1 };
    }
  while (!g_atomic_int_get (&c->stop))
    {
      struct pollfd p = { c->fd, POLLIN, 0 };
      int n;

      if (poll (&p, 1, 200) <= 0)
        continue;
      n = recvmmsg (c->fd, msgs, 64, MSG_DONTWAIT, NULL);
      if (n > 0)
        {
          c->last = now_s ();
          if (c->received == 0)
            c->first = c->last;
          c->received += (guint64) n;
        }
    }
  return NULL;
}

static double
udp_pps (void)
{
  int rx = socket_on ("beta", SOCK_DGRAM, 0), tx = socket_on ("alfa", SOCK_DGRAM, 0);
  struct sockaddr_in sin;
  int buf = 4 * 1024 * 1024;
  guint8 payload[64] = { 0 };
  struct mmsghdr msgs[32];
  struct iovec iov = { payload, sizeof payload };
  Counter counter = { rx, 0, 0, 0, FALSE };
  GThread *thread;
  guint64 sent = 0;

  address ("10.80.0.2", UDP_PORT, &sin);
  setsockopt (rx, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (bind (rx, (struct sockaddr *) &sin, sizeof sin) != 0 || connect (tx, (struct sockaddr *) &sin, sizeof sin) != 0)
    {
      fprintf (stderr, "protolab-bench-link: UDP: %s\n", g_strerror (errno));
      exit (1);
    }
  for (guint i = 0; i < 32; i++)
    msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &iov, .msg_iovlen = 1 };
  thread = g_thread_new ("counter", counter_main, &counter);
  while (sent < datagrams)
    {
      int n = sendmmsg (tx, msgs, 32, 0);

      if (n > 0)
        sent += (guint64) n;
    }
  g_usleep (300 * 1000);
  g_atomic_int_set (&counter.stop, TRUE);
  g_thread_join (thread);
  close (rx);
  close (tx);
  if (counter.received < 2 || counter.last <= counter.first)
    return 0;
  return counter.received / (counter.last - counter.first);
}

/* ---- Small frames ---- */

/* Frames of 64 bytes of a type no stack takes (0x88b5, for experiments),
 * broadcast: sent from alfa's eth0 by a packet socket in batches, counted
 * by one on beta's, so that what is measured is what is between them, the
 * bridge or the lab's link, and not UDP's own work on either side. */
#define ETHERTYPE_LOCAL 0x88b5

static int
packet_socket_on (const char *host)
{
  int ns = lab_network_open_host (host, NULL);
  int fd = lab_network_socket_in (ns, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons (ETHERTYPE_LOCAL));
  int probe = lab_network_socket_in (ns, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };
  struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons (ETHERTYPE_LOCAL) };
  int buf = 4 * 1024 * 1024, one = 1;

  close (ns);
  g_strlcpy (ifr.ifr_name, "eth0", sizeof ifr.ifr_name);
  if (fd < 0 || probe < 0 || ioctl (probe, SIOCGIFINDEX, &ifr) != 0)
    {
      fprintf (stderr, "protolab-bench-link: packet socket: %s\n", g_strerror (errno));
      exit (1);
    }
  close (probe);
  sll.sll_ifindex = ifr.ifr_ifindex;
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  setsockopt (fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &sll, sizeof sll) != 0)
    {
      fprintf (stderr, "protolab-bench-link: bind (AF_PACKET): %s\n", g_strerror (errno));
      exit (1);
    }
  return fd;
}

/* The processor time the link's thread has had, in seconds: 0 when it
 * does not run. */
static double
link_cpu_s (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *stat_path = g_strdup_printf ("/proc/self/task/%s/schedstat", tid);
      g_autofree char *comm = NULL, *stat = NULL;

      if (g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_has_prefix (comm, "protolab-link") &&
          g_file_get_contents (stat_path, &stat, NULL, NULL))
        return g_ascii_strtoull (stat, NULL, 10) / 1e9;
    }
  return 0;
}

static double link_frames_per_cpu_s;

static double
frames_per_s (void)
{
  int rx = packet_socket_on ("beta"), tx = packet_socket_on ("alfa");
  guint8 frame[64];
  struct mmsghdr msgs[64];
  struct iovec iov = { frame, sizeof frame };
  Counter counter = { rx, 0, 0, 0, FALSE };
  GThread *thread;
  guint64 sent = 0;

  memset (frame, 0, sizeof frame);
  memset (frame, 0xff, 6);
  frame[6] = 0x02;
  frame[12] = ETHERTYPE_LOCAL >> 8;
  frame[13] = ETHERTYPE_LOCAL & 0xff;
  for (guint i = 0; i < 64; i++)
    msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &iov, .msg_iovlen = 1 };
  double cpu = link_cpu_s ();

  thread = g_thread_new ("counter", counter_main, &counter);
  while (sent < datagrams)
    {
      int n = sendmmsg (tx, msgs, 64, 0);

      if (n > 0)
        sent += (guint64) n;
      else if (errno == ENOBUFS || errno == EAGAIN)
        g_usleep (100);
    }
  g_usleep (300 * 1000);
  g_atomic_int_set (&counter.stop, TRUE);
  g_thread_join (thread);
  cpu = link_cpu_s () - cpu;
  /* What the link's one thread could forward, had it a processor of its
   * own: the frames it forwarded for the time it ran */
  if (cpu > 0)
    link_frames_per_cpu_s = MAX (link_frames_per_cpu_s, counter.received / cpu);
  close (rx);
  close (tx);
  if (counter.received < 2 || counter.last <= counter.first)
    return 0;
  return counter.received / (counter.last - counter.first);
}

/* ---- Round trips ---- */

static guint16
checksum (const guint8 *data,
          gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) data[i] << 8 | data[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static gint64
realtime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The round trips of @n echoes a millisecond apart, sorted, in ms */
static double *
ping_ms (guint n)
{
  int fd = socket_on ("alfa", SOCK_RAW, IPPROTO_ICMP);
  int one = 1;
  struct sockaddr_in to;
  double *rtts = g_new0 (double, n);
  guint16 id = (guint16) g_random_int ();
  guint sent = 0, got = 0;
  gint64 next = g_get_monotonic_time (), deadline = next + (gint64) n * 1000 + 5 * G_USEC_PER_SEC;

  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  address ("10.80.0.2", 0, &to);
  while (got < n && g_get_monotonic_time () < deadline)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      gint64 wait = sent < n ? MAX (0, next - g_get_monotonic_time ()) : 100000;

      poll (&p, 1, (int) ((wait + 999) / 1000));
      if (sent < n && g_get_monotonic_time () >= next)
        {
          guint8 echo[16] = { 8, 0, 0, 0, id >> 8, id & 0xff, (sent >> 8) & 0xff, sent & 0xff };
          gint64 stamp = realtime_ns ();
          guint16 sum;

          memcpy (echo + 8, &stamp, sizeof stamp);
          sum = checksum (echo, sizeof echo);
          echo[2] = sum >> 8;
          echo[3] = sum & 0xff;
          sendto (fd, echo, sizeof echo, 0, (struct sockaddr *) &to, sizeof to);
          sent++;
          next += 1000;
        }
      for (;;)
        {
          guint8 packet[128];
          char control[256];
          struct iovec iov = { packet, sizeof packet };
          struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                                .msg_controllen = sizeof control };
          gssize len = recvmsg (fd, &msg, MSG_DONTWAIT);
          gint64 at = 0, stamp;
          guint ihl;

          if (len < 0)
            break;
          for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
              {
                struct timespec ts;

                memcpy (&ts, CMSG_DATA (c), sizeof ts);
                at = (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
              }
          ihl = (packet[0] & 0xf) * 4u;
          if (len < (gssize) (ihl + 16) || packet[ihl] != 0 || packet[ihl + 4] != id >> 8 ||
              packet[ihl + 5] != (id & 0xff) || at == 0 || got >= n)
            continue;
          memcpy (&stamp, packet + ihl + 8, sizeof stamp);
          rtts[got++] = (at - stamp) / 1e6;
        }
    }
  close (fd);
  if (got < n)
    {
      fprintf (stderr, "protolab-bench-link: %u of %u echoes answered\n", got, n);
      exit (1);
    }
  qsort (rtts, n, sizeof *rtts, compare_double);
  return rtts;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_double);
  return n % 2 != 0 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
use_link (gboolean on)
{
  g_autoptr(GError) error = NULL;

  if (!on)
    {
      lab_link_stop ();
      return;
    }
  if (!lab_link_start (&error))
    {
      fprintf (stderr, "protolab-bench-link: %s\n", error->message);
      exit (1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree double *tcp[2] = { NULL, NULL };
  g_autofree double *udp[2] = { NULL, NULL };
  g_autofree double *frames[2] = { NULL, NULL };
  LabLinkConditions c;

  lab_network_prepare ();
  lab_locale_init (NULL);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "mib="))
        mib = g_ascii_strtoull (argv[i] + 4, NULL, 10);
      else if (g_str_has_prefix (argv[i], "rounds="))
        rounds = (guint) g_ascii_strtoull (argv[i] + 7, NULL, 10);
      else if (g_str_has_prefix (argv[i], "datagrams="))
        datagrams = g_ascii_strtoull (argv[i] + 10, NULL, 10);
      else if (g_str_has_prefix (argv[i], "pings="))
        pings = (guint) g_ascii_strtoull (argv[i] + 6, NULL, 10);
      else
        {
          fprintf (stderr, "Usage: protolab-bench-link [mib=N] [rounds=N] [datagrams=N] [pings=N]\n");
          return 2;
        }
    }
  if (mib == 0 || rounds == 0 || datagrams == 0 || pings < 2)
    {
      fprintf (stderr, "protolab-bench-link: every figure must be above 0\n");
      return 2;
    }
  if (!lab_network_check (&error))
    {
      fprintf (stderr, "protolab-bench-link: %s\n", error->message);
      return 1;
    }

  for (guint k = 0; k < 2; k++)
    {
      tcp[k] = g_new0 (double, rounds);
      udp[k] = g_new0 (double, rounds);
      frames[k] = g_new0 (double, rounds);
    }
  /* Each round: the bridge and the link, in turn first */
  for (guint r = 0; r < rounds; r++)
    for (guint j = 0; j < 2; j++)
      {
        guint k = (r + j) % 2;          /* 0: the bridge; 1: the lab's link */

        use_link (k == 1);
        tcp[k][r] = tcp_mibps ();
        udp[k][r] = udp_pps ();
        frames[k][r] = frames_per_s ();
        fprintf (stderr, "round %u, %s: %.0f MiB/s, %.0f datagrams/s, %.0f frames/s\n", r + 1,
                 k == 1 ? "link" : "bridge", tcp[k][r], udp[k][r], frames[k][r]);
      }
  printf ("bridge-mibps %.1f MiB/s\n", median (tcp[0], rounds));
  printf ("link-mibps %.1f MiB/s\n", median (tcp[1], rounds));
  printf ("bridge-pps %.0f datagrams/s\n", median (udp[0], rounds));
  printf ("link-pps %.0f datagrams/s\n", median (udp[1], rounds));
  printf ("bridge-fps %.0f frames/s\n", median (frames[0], rounds));
  printf ("link-fps %.0f frames/s\n", median (frames[1], rounds));
  printf ("link-capacity-fps %.0f frames/s\n", link_frames_per_cpu_s);

  /* The delay the link adds: with 20 ms to beta, less with none */
  use_link (TRUE);
  {
    g_autofree double *none = ping_ms (pings);
    g_autofree double *delayed = NULL;
    double base = none[pings / 2];

    lab_link_conditions_init (&c);
    c.delay_us = 20000;
    lab_link_set_conditions (1, &c);
    delayed = ping_ms (pings);
    printf ("rtt-none-median %.3f ms\n", base);
    printf ("added-median %.3f ms\n", delayed[pings / 2] - base);
    printf ("added-p99 %.3f ms\n", delayed[(guint) (pings * 0.99)] - base);
    printf ("added-p1 %.3f ms\n", delayed[pings / 100] - base);
  }
  lab_link_reset ();
  lab_link_stop ();
  return 0;
}
