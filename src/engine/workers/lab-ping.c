/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-errno.h"
#include "lab-icmp.h"
#include "lab-program-private.h"

/* A ping: ICMP echo requests to a host, each answered by its kernel with
 * an echo reply, and the time between the two. As the course's raw-socket
 * programs do it on a lab host: socket (AF_INET, SOCK_RAW, IPPROTO_ICMP),
 * the ICMP header written by the program (type 8, code 0, its checksum,
 * an identifier and a sequence number), sendto () the host, recvfrom ()
 * what comes back, IP header first. A raw socket needs CAP_NET_RAW, which
 * the lab holds in its own hosts' namespaces and a user does not on this
 * computer: there the ping uses ICMP's datagram socket, socket (AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP), which Linux lets the groups of net.ipv4.ping_group_range
 * open: the kernel then picks the identifier, and recvfrom () gives the
 * ICMP message without its IP header. GIO opens neither: GSocketType has
 * no raw type, and g_socket_new () takes no protocol but GSocketProtocol's
 * (TCP, UDP, SCTP), so a ping makes the BSD calls only. */

/* What a request carries after its header: the time it left, as ping
 * does, then words a student can read in the bytes. */
#define PAYLOAD_TEXT "Protolab ping, ICMP echo"
#define PAYLOAD_LEN  (8 + sizeof PAYLOAD_TEXT - 1)

static GBytes *
echo_request (guint16 id,
              guint16 seq)
{
  guint8 packet[LAB_ICMP_HEADER_LEN + PAYLOAD_LEN] = { 0 };
  guint64 now = (guint64) g_get_real_time ();
  guint16 sum;

  packet[0] = LAB_ICMP_ECHO_REQUEST;
  packet[1] = 0;
  packet[4] = id >> 8;
  packet[5] = id & 0xff;
  packet[6] = seq >> 8;
  packet[7] = seq & 0xff;
  for (guint i = 0; i < 8; i++)
    packet[LAB_ICMP_HEADER_LEN + i] = (guint8) (now >> (56 - 8 * i));
  memcpy (packet + LAB_ICMP_HEADER_LEN + 8, PAYLOAD_TEXT, sizeof PAYLOAD_TEXT - 1);
  sum = lab_icmp_checksum (packet, sizeof packet);
  packet[2] = sum >> 8;
  packet[3] = sum & 0xff;

  return g_bytes_new (packet, sizeof packet);
}

/* Waits until @until (monotonic µs) or a stop, whichever comes first;
 * returns whether it is stopping. */
static gboolean
wait_until (LabRun *run,
            gint64  until)
{
  gboolean stopping;

  g_mutex_lock (&run->lock);
  while (!(stopping = lab_run_is_stopping (run)) && g_get_monotonic_time () < until)
    g_cond_wait_until (&run->cond, &run->lock, until);
  g_mutex_unlock (&run->lock);
  return stopping;
}

typedef struct {
  guint   sent;
  guint   received;
  gint64  min_us, max_us, sum_us;
} Stats;

static void
note_summary (LabWorker   *w,
              LabSock     *s,
              const Stats *st)
{
  g_autofree char *arg = NULL;
  char min[G_ASCII_DTOSTR_BUF_SIZE], avg[G_ASCII_DTOSTR_BUF_SIZE], max[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (min, sizeof min, "%.3f", st->received > 0 ? st->min_us / 1000.0 : 0);
  g_ascii_formatd (avg, sizeof avg, "%.3f", st->received > 0 ? st->sum_us / 1000.0 / st->received : 0);
  g_ascii_formatd (max, sizeof max, "%.3f", st->received > 0 ? st->max_us / 1000.0 : 0);
  arg = g_strdup_printf ("%u %u %s %s %s", st->sent, st->received, min, avg, max);
  lab_record_note (w->run, w, s, LAB_NOTE_PING_SUMMARY, arg);
}

/* Reads until the reply to @seq comes, the interval is over, or a stop.
 * Returns 1 for the reply, 0 for none in time, -1 to end the ping. */
static int
await_reply (LabWorker      *w,
             LabSock        *s,
             gboolean        raw,
             guint16         id,
             guint16         seq,
             gint64          sent_us,
             gint64          deadline_us,
             Stats          *st)
{
  LabRun *run = w->run;
  const LabBackend *b = run->backend;

  while (!lab_run_is_stopping (run))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      LabIcmpEcho echo;
      gssize n;

      if (g_get_monotonic_time () >= deadline_us)
        return 0;

      n = b->recvfrom (w, s, 1500, &bytes, &from);
      if (n < 0)
        {
          if (lab_program_was_interrupted (w, s))
            return -1;
          if (w->err == EINTR)
            continue;
          if (w->err == EAGAIN || w->err == LAB_ERR_GIO_TIMED_OUT)
            return 0;
          lab_program_fail (w, "recvfrom");
          return -1;
        }

      lab_record_data (w, s, 0, LAB_DIRECTION_IN, bytes, n, from);
      /* A raw socket gets every ICMP message the host receives; the
       * datagram socket only the replies to its own identifier, which the
       * kernel chose. */
      if (lab_icmp_parse_echo (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), raw, &echo) &&
          echo.type == LAB_ICMP_ECHO_REPLY && echo.seq == seq && (!raw || echo.id == id))
        {
          gint64 rtt = g_get_monotonic_time () - sent_us;
          char ms[G_ASCII_DTOSTR_BUF_SIZE];
          g_autofree char *arg = NULL;

          g_ascii_formatd (ms, sizeof ms, "%.3f", rtt / 1000.0);
          if (echo.has_ttl)
            arg = g_strdup_printf ("icmp_seq=%u ttl=%u time=%s ms", seq, echo.ttl, ms);
          else
            arg = g_strdup_printf ("icmp_seq=%u time=%s ms", seq, ms);
          lab_record_note (run, w, s, LAB_NOTE_ECHO_REPLY, arg);

          st->received++;
          st->sum_us += rtt;
          st->min_us = st->received == 1 ? rtt : MIN (st->min_us, rtt);
          st->max_us = MAX (st->max_us, rtt);
          return 1;
        }
    }
  return -1;
}

void
lab_ping_main (LabWorker *w,
               gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  /* A raw socket where the lab may make one (GIO can make none: the
   * configuration refuses it) */
  gboolean raw = lab_run_is_on_lab_host (run);
  g_autoptr(GPtrArray) addresses = NULL;
  GSocketAddress *target = NULL;
  guint16 id = (guint16) ((getpid () + run->endpoint_id * 257u) & 0xffff);
  Stats st = { 0 };
  LabSock *s;

  lab_record_note (run, w, NULL, LAB_NOTE_PING_SOCKET, raw ? "raw" : "dgram");

  /* ICMP has no ports: the host is resolved to its IPv4 addresses. */
  addresses = b->resolve (w, c->host, 0, LAB_FAMILY_IPV4, SOCK_DGRAM);
  if (addresses == NULL)
    {
      lab_program_fail (w, "getaddrinfo");
      lab_program_end (run);
      return;
    }
  for (guint i = 0; i < addresses->len && target == NULL; i++)
    if (g_socket_address_get_family (addresses->pdata[i]) == G_SOCKET_FAMILY_IPV4)
      target = addresses->pdata[i];
  if (target == NULL)
    {
      w->err = EAFNOSUPPORT;
      lab_program_fail (w, "getaddrinfo");
      lab_program_end (run);
      return;
    }

  s = b->socket (w, AF_INET, raw ? SOCK_RAW : SOCK_DGRAM, IPPROTO_ICMP);
  if (s == NULL)
    {
      /* ICMP's datagram socket is refused to a group outside the range */
      if (!raw && w->err == EACCES)
        {
          g_autofree char *arg = lab_event_dup_ping_group_range ();

          lab_record_note (run, w, NULL, LAB_NOTE_PING_NOT_ALLOWED, arg);
        }
      lab_program_fail (w, "socket");
      lab_program_end (run);
      return;
    }
  s->conn = lab_run_new_conn (run);
  s->reader = w;
  s->peer = g_object_ref (target);
  lab_run_register_sock (run, s);

  /* Each recvfrom () waits for one interval at most */
  if (!b->set_timeout (w, s, c->interval))
    {
      lab_program_fail (w, "setsockopt");
      goto done;
    }
  lab_program_set_ready (run);

  for (guint seq = 1; seq <= c->count && !lab_run_is_stopping (run); seq++)
    {
      g_autoptr(GBytes) request = echo_request (id, (guint16) seq);
      gint64 sent_us = g_get_monotonic_time ();
      gint64 next_us = sent_us + (gint64) c->interval * 1000;
      gssize n = b->sendto (w, s, request, target);
      int got;

      if (n < 0)
        {
          if (!lab_program_was_interrupted (w, s))
            lab_program_fail (w, "sendto");
          break;
        }
      lab_record_data (w, s, 0, LAB_DIRECTION_OUT, request, n, target);
      st.sent++;

      got = await_reply (w, s, raw, id, (guint16) seq, sent_us, next_us, &st);
      if (got < 0)
        break;
      if (got == 0)
        {
          g_autofree char *arg = g_strdup_printf ("%u %g", seq, c->interval / 1000.0);

          lab_record_note (run, w, s, LAB_NOTE_ECHO_LOST, arg);
        }
      /* The next request one interval after this one, as ping sends */
      if (seq < c->count && wait_until (run, next_us))
        break;
    }
  note_summary (w, s, &st);

done:
  lab_run_unregister_sock (run, s);
  b->close (w, s);
  lab_sock_unref (s);
  lab_program_end (run);
}
