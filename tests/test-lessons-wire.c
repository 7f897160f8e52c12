/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "lab-capture.h"
#include "lab-error.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-packet.h"
#include "lab-session.h"
#include "lab-test-wire.h"

/* The lessons of the lab network's wire, each played as a class plays it,
 * on each backend: every packet their notes and steps speak of, tied to
 * the call they say, and every call's result as they tell it. */

/* Times are the kernel's stamps beside the lab's clock, put on one clock
 * when the capture began: a few microseconds apart at most. */
#define SLACK_US 200

/* The line each lesson's client sends. */
#define HELLO "hola, beta\n"
#define BYE "hasta luego\n"

typedef struct {
  LabTestLesson   l;
  LabTestFixture  f;
  LabEndpoint    *server;
  LabEndpoint    *client;
  guint16         port;
} Wire;

/* Plays lesson @id, its server the endpoint named @server, whose port the
 * wire is looked at on; FALSE (the test skipped) with no lab network. */
static gboolean
wire_start (Wire           *w,
            const char     *id,
            gconstpointer   data,
            const char     *server)
{
  guint port;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return FALSE;
    }
  lab_test_lesson_load (&w->l, id, GPOINTER_TO_INT (data));
  lab_session_play (w->l.session);
  w->server = lab_test_lesson_endpoint (&w->l, server);
  g_object_get (lab_endpoint_get_config (w->server), "port", &port, NULL);
  w->port = (guint16) port;
  w->f.timeline = lab_session_get_timeline (w->l.session);
  w->f.log = w->l.log;
  return TRUE;
}

/* Plays lesson @id and waits for its client to end. */
static gboolean
wire_play (Wire           *w,
           const char     *id,
           gconstpointer   data)
{
  if (!wire_start (w, id, data, "Server on beta"))
    return FALSE;
  w->client = lab_test_lesson_endpoint (&w->l, "Client on alfa");
  lab_test_lesson_wait_ended (&w->l, w->client);
  g_assert_null (lab_endpoint_get_error (w->client));
  return TRUE;
}

/* @e's close () of the connection its bytes went out on, not of its
 * listening socket. */
static LabEvent *
find_close (Wire        *w,
            LabEndpoint *e)
{
  g_autoptr(GPtrArray) sent = lab_test_log_data_events (w->l.log, e, LAB_DIRECTION_OUT);
  g_autoptr(GPtrArray) calls = lab_test_log_calls (w->l.log, e, FALSE);

  g_assert_cmpuint (sent->len, >, 0);
  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_CLOSE &&
        lab_event_get_connection (calls->pdata[i]) == lab_event_get_connection (sent->pdata[0]))
      return calls->pdata[i];
  return NULL;
}

/* The connection's segments, each said in the log of the test. */
static GArray *
wire_segments (Wire *w)
{
  GArray *segments = lab_test_wire_segments (&w->f, w->port);

  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      g_autofree char *summary = lab_wire_summary (&p->wire);

      g_test_message ("%u: %s %s", i, p->wire.host, summary);
    }
  return segments;
}

/* The server served its one client and ended by itself, as the lesson
 * does in protolab-cli run. */
static void
wire_finish (Wire *w)
{
  lab_test_lesson_wait_ended (&w->l, w->server);
  g_assert_null (lab_endpoint_get_error (w->server));
  /* The capture holds the timeline while it runs: it goes first. */
  lab_network_forget ();
  lab_test_lesson_finish (&w->l);
}

/* The first segment from @host at @from or after with @flags set, or
 * NULL; its place in @index. */
static const LabTestPacket *
find_segment (GArray     *segments,
              guint       from,
              const char *host,
              guint8      flags,
              guint      *index)
{
  for (guint i = from; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      if (lab_test_wire_from_host (p, host) && (p->wire.info.tcp_flags & flags) == flags)
        {
          if (index != NULL)
            *index = i;
          return p;
        }
    }
  return NULL;
}

/* The first segment from @host with bytes, which carry the whole of
 * @line at the stream's start, tied to the one send of @sender that gave
 * them; what it acknowledges, its caller asks. */
static const LabTestPacket *
assert_line_segment (Wire        *w,
                     GArray      *segments,
                     const char  *host,
                     LabEndpoint *sender,
                     const char  *line,
                     guint       *index)
{
  g_autoptr(GPtrArray) sent = lab_test_log_data_events (w->l.log, sender, LAB_DIRECTION_OUT);
  const LabTestPacket *p = NULL;
  g_autofree char *summary = NULL;
  guint len = strlen (line);

  for (guint i = 0; i < segments->len && p == NULL; i++)
    if (lab_test_wire_from_host (&g_array_index (segments, LabTestPacket, i), host) &&
        g_array_index (segments, LabTestPacket, i).wire.info.payload_len > 0)
      {
        p = &g_array_index (segments, LabTestPacket, i);
        *index = i;
      }
  g_assert_nonnull (p);
  /* PSH ACK, its seq the one after the handshake's SYN, len the send's */
  g_test_message ("%s", summary = lab_wire_summary (&p->wire));
  g_assert_cmpuint (p->wire.info.tcp_flags, ==, LAB_TCP_PSH | LAB_TCP_ACK);
  g_assert_cmpuint (lab_test_wire_rel_seq (p), ==, 1);
  g_assert_cmpuint (p->wire.info.payload_len, ==, len);
  g_assert_cmpuint (p->wire.stream_start, ==, 0);
  g_assert_cmpuint (p->wire.stream_end, ==, len);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (lab_event_get_bytes (p->event), NULL) +
                   p->wire.info.payload_offset, len, line, len);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpuint (p->wire.data_seq, ==, lab_event_get_seq (sent->pdata[0]));
  g_assert_cmpuint (p->wire.conn, ==, lab_event_get_connection (sent->pdata[0]));
  return p;
}

/* A segment without bytes or flags but ACK, that no call made: the
 * kernel's own, and the wire says so. */
static void
assert_kernel_ack (const LabTestPacket *p,
                   const char          *host,
                   guint32              ack)
{
  g_autofree char *summary = lab_wire_summary (&p->wire);

  g_test_message ("%s %s", p->wire.host, summary);
  g_assert_cmpstr (p->wire.host, ==, host);
  g_assert_cmpuint (p->wire.info.tcp_flags, ==, LAB_TCP_ACK);
  g_assert_cmpuint (p->wire.info.payload_len, ==, 0);
  g_assert_cmpuint (lab_test_wire_rel_ack (p), ==, ack);
  g_assert_cmpuint (p->wire.call_seq, ==, 0);
  g_assert_nonnull (strstr (summary, "sent by the kernel by itself"));
}

/* Lesson 15: the line's segment beside its send (), the ACK beta's kernel
 * sent for it by itself before the server's recv () returned it, and the
 * echo back, acknowledged by alfa's kernel. */
static void
test_data_ack (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  const LabTestPacket *line, *echo;
  LabEvent *send, *recv;
  guint at = 0, echo_at = 0;
  const guint len = strlen (HELLO);

  if (!wire_play (&w, "15-data-ack", data))
    return;
  lab_test_log_assert_received (w.l.log, w.client, HELLO);
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  segments = wire_segments (&w);

  /* send () returned the line's length: all of it was in the kernel */
  send = lab_test_log_find_result (w.l.log, w.client, LAB_OP_SEND, len);
  g_assert_nonnull (send);
  line = assert_line_segment (&w, segments, "alfa", w.client, HELLO, &at);
  g_assert_cmpuint (lab_test_wire_rel_ack (line), ==, 1);
  g_assert_cmpint (lab_event_get_begin_time (send), <=, lab_test_wire_time (line) + SLACK_US);

  /* beta's next segment: its kernel's ACK of the line, seq plus len, left
   * before the server's recv () returned the line */
  recv = lab_test_log_find_result (w.l.log, w.server, LAB_OP_RECV, len);
  g_assert_nonnull (recv);
  lab_test_log_assert_received (w.l.log, w.server, HELLO);
  assert_kernel_ack (find_segment (segments, at + 1, "beta", 0, NULL), "beta", 1 + len);
  g_assert_cmpint (lab_test_wire_time (find_segment (segments, at + 1, "beta", 0, NULL)), <=,
                   lab_event_get_end_time (recv) + SLACK_US);

  /* The echo, the server's own send (), and alfa's kernel's ACK of it */
  echo = assert_line_segment (&w, segments, "beta", w.server, HELLO, &echo_at);
  g_assert_cmpuint (echo_at, >, at);
  g_assert_cmpuint (lab_test_wire_rel_ack (echo), ==, 1 + len);
  assert_kernel_ack (find_segment (segments, echo_at + 1, "alfa", 0, NULL), "alfa", 1 + len);

  wire_finish (&w);
}

static guint
count_flags (GArray *segments,
             guint8  flags)
{
  guint n = 0;

  for (guint i = 0; i < segments->len; i++)
    n += (g_array_index (segments, LabTestPacket, i).wire.info.tcp_flags & flags) != 0;
  return n;
}

/* Whether a segment of @segments was made by @call. */
static gboolean
has_segment_of (GArray   *segments,
                LabEvent *call)
{
  for (guint i = 0; i < segments->len; i++)
    if (g_array_index (segments, LabTestPacket, i).wire.call_seq == lab_event_get_seq (call))
      return TRUE;
  return FALSE;
}

/* Lesson 16: alfa's FIN is shutdown ()'s, and beta acknowledges it; the
 * server's recv () returns 0 after it, the echo still reaches the client
 * after its shutdown (), and beta's FIN is the server's close ()'s; the
 * client's close () sends nothing. Whether the echo leaves beta before
 * the FIN arrives or after is the two threads' race: either way it is
 * received. */
static void
test_shutdown_fin (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  const LabTestPacket *fin, *fin_ack, *server_fin;
  LabEvent *shutdown, *eof, *got_echo, *server_close, *client_close;
  guint at, fin_at = 0;
  const guint len = strlen (BYE);

  if (!wire_play (&w, "16-shutdown-fin", data))
    return;
  lab_test_log_assert_received (w.l.log, w.client, BYE);
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  lab_test_log_wait_note (w.l.log, w.server, LAB_NOTE_PEER_CLOSED);
  segments = wire_segments (&w);

  shutdown = lab_test_log_find_call (w.l.log, w.client, LAB_OP_SHUTDOWN);
  g_assert_nonnull (shutdown);
  g_assert_cmpint (lab_event_get_errno (shutdown), ==, 0);
  assert_line_segment (&w, segments, "alfa", w.client, BYE, &at);

  /* alfa's one FIN, after the line, shutdown ()'s */
  g_assert_cmpuint (count_flags (segments, LAB_TCP_FIN), ==, 2);
  fin = find_segment (segments, 0, "alfa", LAB_TCP_FIN, &fin_at);
  g_assert_nonnull (fin);
  g_assert_cmpuint (fin_at, >, at);
  g_assert_cmpuint (lab_test_wire_rel_seq (fin), ==, 1 + len);
  g_assert_cmpuint (fin->wire.call_seq, ==, lab_event_get_seq (shutdown));

  /* beta acknowledges it, by itself or with what beta sends then: the
   * FIN counts as one number. The echo may have left beta before the FIN
   * came (they cross on the link): it acknowledges the line only, and a
   * later segment the FIN. None acknowledges less than the line. */
  {
    guint from = fin_at + 1;

    while ((fin_ack = find_segment (segments, from, "beta", LAB_TCP_ACK, &from)) != NULL &&
           lab_test_wire_rel_ack (fin_ack) != 2 + len)
      {
        g_assert_cmpuint (lab_test_wire_rel_ack (fin_ack), ==, 1 + len);
        from++;
      }
  }
  g_assert_nonnull (fin_ack);
  g_assert_cmpuint (lab_test_wire_rel_ack (fin_ack), ==, 2 + len);

  /* The server's recv () returned 0 once the FIN had come */
  eof = lab_test_log_find_result (w.l.log, w.server, LAB_OP_RECV, 0);
  g_assert_nonnull (eof);
  g_assert_cmpint (lab_event_get_end_time (eof), >=, lab_test_wire_time (fin) - SLACK_US);

  /* The other way is open: the echo went, and the client's recv () got
   * it after its shutdown () */
  assert_line_segment (&w, segments, "beta", w.server, BYE, &at);
  got_echo = lab_test_log_find_result (w.l.log, w.client, LAB_OP_RECV, len);
  g_assert_nonnull (got_echo);
  g_assert_true (lab_test_returned_before (shutdown, got_echo));

  /* beta's FIN, after the echo, is the server's close ()'s, which came
   * after its recv () returned 0 */
  server_fin = find_segment (segments, 0, "beta", LAB_TCP_FIN, NULL);
  g_assert_nonnull (server_fin);
  g_assert_cmpuint (lab_test_wire_rel_seq (server_fin), ==, 1 + len);
  server_close = find_close (&w, w.server);
  g_assert_nonnull (server_close);
  g_assert_cmpuint (server_fin->wire.call_seq, ==, lab_event_get_seq (server_close));
  g_assert_true (lab_test_returned_before (eof, server_close));

  /* The client's close () sent no FIN: its own went with shutdown () */
  client_close = find_close (&w, w.client);
  g_assert_nonnull (client_close);
  g_assert_false (has_segment_of (segments, client_close));

  wire_finish (&w);
}

/* The server's recv () that failed, once it has. */
static gboolean
has_failed_recv (gpointer data)
{
  Wire *w = data;
  g_autoptr(GPtrArray) calls = lab_test_log_calls (w->l.log, w->server, FALSE);

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_RECV && lab_event_get_finished (calls->pdata[i]) &&
        lab_event_get_errno (calls->pdata[i]) != 0)
      return TRUE;
  return FALSE;
}

/* The RST has left. */
static gboolean
has_reset (gpointer data)
{
  LabTestWaiting *w = data;
  g_autoptr(GArray) segments = lab_test_wire_segments (w->f, w->port);

  return count_flags (segments, LAB_TCP_RST) > 0;
}

/* Lesson 17: the client's close () with bytes unread sends an RST and no
 * FIN; beta's kernel answers nothing, and the server's next recv () fails
 * with ECONNRESET. */
static void
test_reset (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  const LabTestPacket *rst;
  LabEvent *took, *close, *server_close, *failed = NULL;
  guint at, rst_at = 0;
  const guint len = strlen (HELLO);

  if (!wire_play (&w, "17-reset", data))
    return;
  /* Four bytes of the echo, one recv () of four, then close () */
  lab_test_log_assert_received (w.l.log, w.client, "hola");
  took = lab_test_log_find_result (w.l.log, w.client, LAB_OP_RECV, 4);
  g_assert_nonnull (took);
  g_assert_cmpuint (lab_test_log_count_calls (w.l.log, w.client, LAB_OP_RECV), ==, 1);
  close = find_close (&w, w.client);
  g_assert_nonnull (close);
  g_assert_true (lab_test_returned_before (took, close));
  lab_test_wait (has_failed_recv, &w, 10000);
  lab_test_log_wait_calls (w.l.log, w.server, LAB_OP_CLOSE, 2);
  server_close = find_close (&w, w.server);
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (has_reset, &waiting, 10000);

  segments = wire_segments (&w);
  assert_line_segment (&w, segments, "alfa", w.client, HELLO, &at);
  assert_line_segment (&w, segments, "beta", w.server, HELLO, &at);

  /* The RST where the FIN would be: close ()'s, after all alfa sent and
   * all it was sent, and the last segment of the connection */
  g_assert_cmpuint (count_flags (segments, LAB_TCP_FIN), ==, 0);
  g_assert_cmpuint (count_flags (segments, LAB_TCP_RST), ==, 1);
  rst = find_segment (segments, 0, "alfa", LAB_TCP_RST, &rst_at);
  g_assert_nonnull (rst);
  lab_test_wire_assert_segment (rst, "alfa", LAB_TCP_RST | LAB_TCP_ACK, 1 + len, 1 + len);
  g_assert_cmpuint (rst->wire.call_seq, ==, lab_event_get_seq (close));
  g_assert_cmpuint (rst_at, ==, segments->len - 1);

  /* The server's recv () after the echo failed with ECONNRESET, once the
   * RST had come; it was its last */
  calls = lab_test_log_calls (w.l.log, w.server, FALSE);
  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == LAB_OP_RECV && lab_event_get_errno (calls->pdata[i]) != 0)
      {
        g_assert_null (failed);
        failed = calls->pdata[i];
      }
  g_assert_nonnull (failed);
  g_assert_cmpint (lab_event_get_errno (failed), ==, ECONNRESET);
  g_assert_cmpint (lab_event_get_end_time (failed), >=, lab_test_wire_time (rst) - SLACK_US);
  g_assert_true (lab_test_returned_before (lab_test_log_find_result (w.l.log, w.server, LAB_OP_RECV, len),
                                           failed));
  /* Its close () then sent nothing: the connection was gone */
  g_assert_true (lab_test_returned_before (failed, server_close));
  g_assert_false (has_segment_of (segments, server_close));

  wire_finish (&w);
}

/* The echo requests and replies of a ping on the wire, in the order they
 * left their hosts. */
static GArray *
echo_packets (Wire *w)
{
  GArray *found = g_array_new (FALSE, TRUE, sizeof (LabTestPacket));

  lab_timeline_flush (w->f.timeline);
  for (guint i = 0; i < w->l.log->events->len; i++)
    {
      LabEvent *event = w->l.log->events->pdata[i];
      LabTestPacket p = { event };
      g_autofree char *summary = NULL;

      if (lab_event_get_kind (event) != LAB_EVENT_PACKET || !lab_wire_describe_event (event, &p.wire) ||
          !p.wire.decoded || p.wire.info.proto != LAB_PACKET_ICMP ||
          (p.wire.info.icmp_type != 0 && p.wire.info.icmp_type != 8))
        continue;
      summary = lab_wire_summary (&p.wire);
      g_test_message ("%s %s", p.wire.host, summary);
      g_array_append_val (found, p);
    }
  return found;
}

/* The ping's event numbered @seq, from the log */
static LabEvent *
log_event (Wire    *w,
           guint64  seq)
{
  for (guint i = 0; i < w->l.log->events->len; i++)
    if (lab_event_get_seq (w->l.log->events->pdata[i]) == seq)
      return w->l.log->events->pdata[i];
  return NULL;
}

static gboolean
has_echoes (gpointer data)
{
  Wire *w = data;
  g_autoptr(GArray) packets = echo_packets (w);

  return packets->len >= 6;
}

/* Play refused the ping: a client is started a moment after Play. */
static gboolean
is_refused (gpointer data)
{
  Wire *w = data;
  g_autofree char *why = lab_session_dup_not_started (w->l.session, lab_test_lesson_endpoint (&w->l, "Ping from alfa"));

  return why != NULL;
}

/* Lesson 18: a ping from alfa to beta on a raw socket. Its socket () is
 * SOCK_RAW, IPPROTO_ICMP; each sendto () sent an echo request (type 8,
 * code 0, its sequence number) that left alfa, tied to that sendto ();
 * beta's kernel answered each with an echo reply, tied to the recvfrom ()
 * that took it, IP header first; each reply's round-trip time was noted,
 * more than 0, and the summary counts them. GIO opens no ICMP socket:
 * the lesson's ping is refused there, saying why. */
static void
test_ping (gconstpointer data)
{
  const LabBackendKind backend = GPOINTER_TO_INT (data);
  Wire w = { 0 };
  LabEndpoint *ping;
  LabEvent *socket_call;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GArray) packets = NULL;
  g_autofree char *args = NULL;
  guint sendtos = 0, recvfroms = 0, replies = 0;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  lab_test_lesson_load (&w.l, "18-ping", backend);
  ping = lab_test_lesson_endpoint (&w.l, "Ping from alfa");
  w.f.timeline = lab_session_get_timeline (w.l.session);
  w.f.log = w.l.log;

  if (backend == LAB_BACKEND_GIO)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *why = NULL;

      /* GSocket has no raw type and no ICMP protocol: Play does not start
       * it, and says why, as Start does */
      g_assert_false (lab_endpoint_config_validate (lab_endpoint_get_config (ping), &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG);
      g_assert_nonnull (strstr (error->message, "GSocketType has no raw type"));
      lab_session_play (w.l.session);
      lab_test_wait (is_refused, &w, 10000);
      why = lab_session_dup_not_started (w.l.session, ping);
      g_assert_nonnull (why);
      g_assert_nonnull (strstr (why, "GIO cannot ping"));
      g_assert_false (lab_endpoint_is_active (ping));
      lab_test_lesson_finish (&w.l);
      return;
    }

  lab_session_play (w.l.session);
  lab_test_lesson_wait_ended (&w.l, ping);
  g_assert_null (lab_endpoint_get_error (ping));

  /* The raw socket call */
  socket_call = lab_test_log_find_call (w.l.log, ping, LAB_OP_SOCKET);
  g_assert_nonnull (socket_call);
  args = lab_event_dup_args (socket_call);
  g_assert_cmpstr (args, ==, "AF_INET, SOCK_RAW, IPPROTO_ICMP");
  g_assert_cmpint (lab_event_get_errno (socket_call), ==, 0);

  /* Three echo requests, each sendto () 40 bytes of an ICMP echo request
   * the program wrote, and each reply taken by recvfrom () IP header first */
  calls = lab_test_log_calls (w.l.log, ping, FALSE);
  for (guint i = 0; i < calls->len; i++)
    {
      LabEvent *call = calls->pdata[i];

      if (lab_event_get_op (call) == LAB_OP_SENDTO)
        {
          sendtos++;
          g_assert_cmpint (lab_event_get_result (call), ==, 40);
        }
      if (lab_event_get_op (call) == LAB_OP_RECVFROM && lab_event_get_errno (call) == 0)
        recvfroms++;
    }
  g_assert_cmpuint (sendtos, ==, 3);
  g_assert_cmpuint (recvfroms, >=, 3);
  {
    g_autoptr(GPtrArray) sent = lab_test_log_data_events (w.l.log, ping, LAB_DIRECTION_OUT);
    g_autoptr(GPtrArray) received = lab_test_log_data_events (w.l.log, ping, LAB_DIRECTION_IN);
    g_autofree char *request = NULL, *reply = NULL;

    g_assert_cmpuint (sent->len, ==, 3);
    g_assert_cmpuint (received->len, >=, 3);
    request = lab_event_dup_icmp_text (sent->pdata[0]);
    g_assert_nonnull (request);
    g_assert_nonnull (strstr (request, "type 8 (echo request), code 0"));
    g_assert_nonnull (strstr (request, "sequence 1,"));
    reply = lab_event_dup_icmp_text (received->pdata[0]);
    g_assert_nonnull (reply);
    g_assert_nonnull (strstr (reply, "IPv4 header (20 bytes"));
    g_assert_nonnull (strstr (reply, "type 0 (echo reply)"));
  }

  /* On the wire: each request left alfa, tied to its sendto (); each
   * reply left beta, tied to the recvfrom () that took it */
  lab_test_wait (has_echoes, &w, 10000);
  packets = echo_packets (&w);
  g_assert_cmpuint (packets->len, ==, 6);
  for (guint i = 0; i < packets->len; i++)
    {
      const LabTestPacket *p = &g_array_index (packets, LabTestPacket, i);
      gboolean request = p->wire.info.icmp_type == 8;
      LabEvent *call, *bytes;

      g_assert_cmpstr (p->wire.host, ==, request ? "alfa" : "beta");
      g_assert_cmpuint (p->wire.info.icmp_code, ==, 0);
      g_assert_cmpuint (p->wire.info.icmp_seq, ==, i / 2 + 1);
      g_assert_true (request == (i % 2 == 0));
      g_assert_cmpuint (p->wire.data_seq, !=, 0);
      g_assert_cmpuint (p->wire.call_seq, !=, 0);
      g_assert_true (p->wire.data_received == !request);
      call = log_event (&w, p->wire.call_seq);
      bytes = log_event (&w, p->wire.data_seq);
      g_assert_nonnull (call);
      g_assert_nonnull (bytes);
      g_assert_cmpint (lab_event_get_op (call), ==, request ? LAB_OP_SENDTO : LAB_OP_RECVFROM);
      g_assert_cmpint (lab_event_get_direction (bytes), ==, request ? LAB_DIRECTION_OUT : LAB_DIRECTION_IN);
      g_assert_cmpuint (lab_event_get_endpoint_id (call), ==, lab_endpoint_get_id (ping));
      /* The request left while its sendto () was made; the reply came
       * before its recvfrom () returned */
      if (request)
        g_assert_cmpint (lab_event_get_begin_time (call), <=, lab_test_wire_time (p) + SLACK_US);
      else
        g_assert_cmpint (lab_event_get_end_time (call), >=, lab_test_wire_time (p) - SLACK_US);
      /* From the data or the call, the window finds the same packet */
      g_assert_cmpuint (lab_wire_first_packet (w.f.timeline, p->wire.data_seq), ==, lab_event_get_seq (p->event));
    }

  /* The round-trip times: three replies, each more than 0 ms, and the
   * summary */
  for (guint i = 0; i < w.l.log->events->len; i++)
    {
      LabEvent *event = w.l.log->events->pdata[i];
      const char *arg, *time;

      if (lab_event_get_kind (event) != LAB_EVENT_NOTE || lab_event_get_endpoint_id (event) != lab_endpoint_get_id (ping) ||
          lab_event_get_note (event) != LAB_NOTE_ECHO_REPLY)
        continue;
      arg = lab_event_get_note_arg (event);
      g_assert_nonnull (strstr (arg, "ttl=64"));
      time = strstr (arg, "time=");
      g_assert_nonnull (time);
      g_assert_cmpfloat (g_ascii_strtod (time + 5, NULL), >, 0);
      replies++;
    }
  g_assert_cmpuint (replies, ==, 3);
  g_assert_true (lab_test_log_has_note (w.l.log, ping, LAB_NOTE_PING_SUMMARY));
  g_assert_false (lab_test_log_has_note (w.l.log, ping, LAB_NOTE_ECHO_LOST));

  /* The capture holds the timeline while it runs: it goes first. */
  lab_network_forget ();
  lab_test_lesson_finish (&w.l);
}

/* How long @call took, in ms. */
static double
took_ms (LabEvent *call)
{
  g_assert_nonnull (call);
  return (lab_event_get_end_time (call) - lab_event_get_begin_time (call)) / 1000.0;
}

/* The calls @op of @e, the newest last. */
static GPtrArray *
calls_of (Wire        *w,
          LabEndpoint *e,
          LabOp        op)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (w->l.log, e, FALSE);
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == op)
      g_ptr_array_add (found, calls->pdata[i]);
  return found;
}

static gboolean
is_arp (const LabWireInfo *wire,
        gconstpointer      data)
{
  return wire->info.proto == LAB_PACKET_ARP;
}

/* The frames the link held toward @host, and the least time it held one. */
static guint
count_delayed (GArray     *packets,
               const char *from,
               guint32    *least_us)
{
  guint n = 0;

  for (guint i = 0; i < packets->len; i++)
    {
      const LabTestPacket *p = &g_array_index (packets, LabTestPacket, i);

      if (p->wire.link_verdict != LAB_LINK_DELAYED || !lab_test_wire_from_host (p, from))
        continue;
      if (n++ == 0 || p->wire.link_value < *least_us)
        *least_us = p->wire.link_value;
    }
  return n;
}

/* Lesson 21: 80 ms each way. The first connect () takes two round trips,
 * ARP's and the handshake's, each question and answer held by the link;
 * played again, one, the answer kept. send () returns at once; the echo's
 * recv () waits a round trip. */
static void
test_delay (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) arp = NULL;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GPtrArray) connects = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) recvs = NULL;
  const double round_trip = 160, slack = 80.0 * lab_test_time_scale ();
  guint32 least = 0;
  guint held, echoes = 0;

  if (!wire_play (&w, "21-delay", data))
    return;
  lab_test_log_assert_received (w.l.log, w.client, HELLO);
  lab_test_lesson_wait_ended (&w.l, w.server);
  g_assert_null (lab_endpoint_get_error (w.server));

  /* ARP's question left alfa, its answer beta, each held 80 ms */
  arp = lab_test_wire_packets (&w.f, is_arp, NULL);
  g_assert_cmpuint (count_delayed (arp, "alfa", &least), >=, 1);
  g_assert_cmpuint (least, >=, 80000 - 1000);
  g_assert_cmpuint (count_delayed (arp, "beta", &least), >=, 1);
  g_assert_cmpuint (least, >=, 80000 - 1000);

  /* Played again, once the first has closed both ways: ARP's answer is
   * kept, the handshake alone crosses the link. */
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  lab_session_play (w.l.session);
  lab_test_log_wait_calls (w.l.log, w.client, LAB_OP_CONNECT, 2);
  lab_test_lesson_wait_ended (&w.l, w.client);
  g_assert_null (lab_endpoint_get_error (w.client));

  connects = calls_of (&w, w.client, LAB_OP_CONNECT);
  g_assert_cmpuint (connects->len, ==, 2);
  g_test_message ("connect () took %.1f ms, then %.1f ms", took_ms (connects->pdata[0]), took_ms (connects->pdata[1]));
  g_assert_cmpfloat (took_ms (connects->pdata[0]), >=, 2 * round_trip - 1);
  g_assert_cmpfloat (took_ms (connects->pdata[0]), <=, 2 * round_trip + slack);
  g_assert_cmpfloat (took_ms (connects->pdata[1]), >=, round_trip - 1);
  g_assert_cmpfloat (took_ms (connects->pdata[1]), <=, round_trip + slack);

  /* Each time, send () returned at once and recv () waited for the echo */
  sends = calls_of (&w, w.client, LAB_OP_SEND);
  recvs = calls_of (&w, w.client, LAB_OP_RECV);
  g_assert_cmpuint (sends->len, ==, 2);
  g_assert_cmpuint (recvs->len, >=, 2);
  for (guint i = 0; i < sends->len; i++)
    {
      g_test_message ("send () took %.2f ms", took_ms (sends->pdata[i]));
      g_assert_cmpfloat (took_ms (sends->pdata[i]), <, 20);
    }
  for (guint i = 0; i < recvs->len; i++)
    {
      if (lab_event_get_result (recvs->pdata[i]) != (gint64) strlen (HELLO))
        continue;
      /* From the send () to the echo's end: the line's way there and back */
      g_test_message ("recv () of the echo took %.1f ms", took_ms (recvs->pdata[i]));
      g_assert_cmpfloat ((lab_event_get_end_time (recvs->pdata[i]) -
                          lab_event_get_begin_time (sends->pdata[echoes])) / 1000.0, >=, round_trip - 1);
      echoes++;
    }
  g_assert_cmpuint (echoes, ==, 2);

  /* The segments of both connections, each held by the link, and each
   * said so on the wire */
  waiting.n = 2;
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  lab_test_lesson_wait_ended (&w.l, w.server);
  segments = wire_segments (&w);
  held = count_delayed (segments, "alfa", &least);
  g_assert_cmpuint (held, >=, 2 * 4);
  g_assert_cmpuint (least, >=, 80000 - 1000);
  held = count_delayed (segments, "beta", &least);
  g_assert_cmpuint (held, >=, 2 * 3);
  g_assert_cmpuint (least, >=, 80000 - 1000);
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      g_autofree char *summary = NULL;

      if (p->wire.link_verdict != LAB_LINK_DELAYED)
        continue;
      /* 80 ms and a little: more when the machine is busy */
      summary = lab_wire_summary (&p->wire);
      if (strstr (summary, "delayed by the link: 8") == NULL)
        g_test_message ("held late: %s", summary);
      g_assert_nonnull (strstr (summary, "delayed by the link: "));
      g_assert_cmpuint (p->wire.link_value, >=, 80000 - 1000);
    }

  wire_finish (&w);
}

/* @got is the lessons' line of 100 bytes, over and over, @total bytes. */
static void
assert_lines (GByteArray *got,
              guint       total)
{
  g_assert_cmpuint (got->len, ==, total);
  for (guint i = 0; i < total; i++)
    if (got->data[i] != (guint8) ((i % 100) < 90 ? '0' + i % 10 : (i % 100) == 99 ? '\n' : 'a' + (i % 100) - 90))
      g_error ("byte %u is %c", i, got->data[i]);
}

/* Plays lesson @id, whose client sends the server @total bytes of lines,
 * and waits for both to end; every byte arrived in its place. Returns
 * the connection's segments once it closed both ways, or %NULL (the test
 * skipped) with no lab network. */
static GArray *
wire_play_transfer (Wire          *w,
                    const char    *id,
                    gconstpointer  data,
                    guint          total)
{
  g_autoptr(GByteArray) got = NULL;
  LabTestWaiting waiting;

  if (!wire_play (w, id, data))
    return NULL;
  lab_test_lesson_wait_ended (&w->l, w->server);
  g_assert_null (lab_endpoint_get_error (w->server));
  lab_test_log_wait_data (w->l.log, w->server, LAB_DIRECTION_IN, total);
  got = lab_test_log_data (w->l.log, w->server, LAB_DIRECTION_IN);
  assert_lines (got, total);

  waiting = (LabTestWaiting) { &w->f, w->port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  return lab_test_wire_segments (&w->f, w->port);
}

/* The data segments from alfa the link dropped for @verdict, each said
 * with @text on the wire; every one's bytes left alfa again, marked a
 * retransmission, unless the capture itself missed frames. */
static guint
count_dropped_sent_again (GArray         *segments,
                          LabLinkVerdict  verdict,
                          const char     *text)
{
  LabCaptureStats stats;
  guint drops = 0;

  lab_capture_get_stats (&stats);
  g_test_message ("%u segments; the capture dropped %" G_GUINT64_FORMAT, segments->len, stats.dropped);
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *d = &g_array_index (segments, LabTestPacket, i);
      g_autofree char *summary = NULL;
      gboolean resent = FALSE;

      /* Each data segment dropped: its bytes left alfa again, so marked */
      if (d->wire.link_verdict != verdict)
        continue;
      summary = lab_wire_summary (&d->wire);
      g_assert_nonnull (strstr (summary, text));
      if (!lab_test_wire_from_host (d, "alfa") || d->wire.info.payload_len == 0)
        continue;
      if (drops++ == 0)
        g_test_message ("%s", summary);
      for (guint j = i + 1; j < segments->len && !resent; j++)
        {
          const LabTestPacket *p = &g_array_index (segments, LabTestPacket, j);
          guint32 into = d->wire.info.seq - p->wire.info.seq;

          resent = p->wire.link_verdict == LAB_LINK_PASSED && lab_test_wire_from_host (p, "alfa") &&
                   into < p->wire.info.payload_len && p->wire.retransmission;
        }
      if (!resent && stats.dropped == 0)
        g_error ("bytes from %u, dropped by the link, were not sent again as a retransmission",
                 lab_test_wire_rel_seq (d));
    }
  return drops;
}

/* Lesson 22: one frame in ten lost toward beta. The server gets all
 * 200 000 bytes in order; every data segment the link dropped left alfa
 * again, marked a retransmission; and beta's duplicate ACKs were followed
 * by alfa resending the bytes they asked for, at once. */
static void
test_loss (gconstpointer data)
{
  Wire w;
  g_autoptr(GArray) segments = NULL;
  const guint total = 200000;
  guint drops = 0, fast = 0, dups = 0, third = 0;

  /* The same frames lost from run to run, as near as TCP's timing lets */
  lab_link_set_seed (22);
  segments = wire_play_transfer (&w, "22-loss", data, total);
  if (segments == NULL)
    return;
  drops = count_dropped_sent_again (segments, LAB_LINK_DROPPED_LOSS, "dropped by the link: loss 10 %");
  g_assert_cmpuint (drops, >, 0);

  /* Duplicate ACKs; and retransmissions made for them, not for a timeout:
   * beta's last ACK before one was a duplicate that asked for its bytes.
   * With SACK the kernel may resend before the third. */
  for (guint i = 0, asked = G_MAXUINT; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      if (p->wire.link_verdict != LAB_LINK_PASSED)
        continue;
      if (lab_test_wire_from_host (p, "beta"))
        {
          dups += p->wire.dup_ack > 0;
          third += p->wire.dup_ack == 3;
          asked = p->wire.dup_ack > 0 ? i : G_MAXUINT;
        }
      else if (p->wire.retransmission && asked != G_MAXUINT)
        {
          const LabTestPacket *ack = &g_array_index (segments, LabTestPacket, asked);

          if ((guint32) (ack->wire.info.ack - p->wire.info.seq) < p->wire.info.payload_len)
            {
              g_autofree char *dup = lab_wire_summary (&ack->wire);
              g_autofree char *again = lab_wire_summary (&p->wire);

              if (fast++ == 0)
                g_test_message ("%s\n then %s", dup, again);
              g_assert_nonnull (strstr (dup, "duplicate ACK "));
              g_assert_nonnull (strstr (again, "a retransmission"));
            }
        }
    }
  g_test_message ("%u data segments dropped, %u duplicate ACKs (%u third ones), %u fast retransmissions", drops, dups,
                  third, fast);
  g_assert_cmpuint (dups, >, 0);
  g_assert_cmpuint (fast, >, 0);

  wire_finish (&w);
}

typedef struct {
  Wire  *w;
  guint  zero, probes;
} Closed;

/* beta said window 0 and alfa probed it twice, and the client waits in
 * send () */
static gboolean
window_probed (gpointer data)
{
  Closed *c = data;
  g_autoptr(GArray) segments = lab_test_wire_segments (&c->w->f, c->w->port);

  c->zero = c->probes = 0;
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      c->zero += lab_test_wire_from_host (p, "beta") && p->wire.zero_window;
      c->probes += lab_test_wire_from_host (p, "alfa") && p->wire.window_probe;
    }
  return c->zero >= 1 && c->probes >= 2 && g_strcmp0 (lab_endpoint_get_waiting_call (c->w->client), "send") == 0;
}

/* Lesson 23: the server held before accept (), its buffer small. beta's
 * window goes to 0, alfa probes it, the client's send () blocks; let go,
 * the server reads, beta's window opens with an update, and every byte
 * arrives. */
static void
test_flow_control (gconstpointer data)
{
  Wire w = { 0 };
  Closed closed = { &w };
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GByteArray) got = NULL;
  const guint total = 100000;
  guint updates = 0, last_zero = 0;
  gint64 blocked_us = 0;

  if (!wire_start (&w, "23-flow-control", data, "Server on beta"))
    return;
  w.client = lab_test_lesson_endpoint (&w.l, "Client on alfa");

  /* Nothing read: the window closes, is probed, and send () waits */
  lab_test_wait (window_probed, &closed, 20000);
  g_test_message ("%u ACKs of window 0, %u probes, the client in %s ()", closed.zero, closed.probes,
                  lab_endpoint_get_waiting_call (w.client));
  g_assert_null (lab_test_log_find_call (w.l.log, w.server, LAB_OP_ACCEPT));
  g_assert_null (lab_test_log_find_call (w.l.log, w.server, LAB_OP_RECV));

  /* Let go: the server reads it all, and the client's sends end */
  lab_endpoint_continue (w.server);
  lab_test_lesson_wait_ended (&w.l, w.client);
  g_assert_null (lab_endpoint_get_error (w.client));
  lab_test_lesson_wait_ended (&w.l, w.server);
  g_assert_null (lab_endpoint_get_error (w.server));
  lab_test_log_wait_data (w.l.log, w.server, LAB_DIRECTION_IN, total);
  got = lab_test_log_data (w.l.log, w.server, LAB_DIRECTION_IN);
  g_assert_cmpuint (got->len, ==, total);

  /* One send () waited long: as long as the window was shut. A send ()
   * that took part of its bytes is followed by one for the rest. */
  sends = calls_of (&w, w.client, LAB_OP_SEND);
  g_assert_cmpuint (sends->len, >=, 1000);
  {
    g_autoptr(GByteArray) sent = lab_test_log_data (w.l.log, w.client, LAB_DIRECTION_OUT);

    g_assert_cmpuint (sent->len, ==, total);
  }
  for (guint i = 0; i < sends->len; i++)
    blocked_us = MAX (blocked_us, lab_event_get_end_time (sends->pdata[i]) - lab_event_get_begin_time (sends->pdata[i]));
  g_test_message ("the longest send () took %.0f ms", blocked_us / 1000.0);
  g_assert_cmpint (blocked_us, >=, 200 * 1000);

  /* After the last ACK of window 0, beta's window update */
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  segments = lab_test_wire_segments (&w.f, w.port);
  for (guint i = 0; i < segments->len; i++)
    if (lab_test_wire_from_host (&g_array_index (segments, LabTestPacket, i), "beta") &&
        g_array_index (segments, LabTestPacket, i).wire.zero_window)
      last_zero = i;
  for (guint i = last_zero + 1; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      if (lab_test_wire_from_host (p, "beta") && p->wire.window_update && p->wire.info.window > 0)
        {
          g_autofree char *summary = lab_wire_summary (&p->wire);

          if (updates++ == 0)
            g_test_message ("%s", summary);
          g_assert_nonnull (strstr (summary, "a window update"));
        }
    }
  g_assert_cmpuint (updates, >, 0);
  {
    const LabTestPacket *zero = &g_array_index (segments, LabTestPacket, last_zero);
    g_autofree char *summary = lab_wire_summary (&zero->wire);

    g_test_message ("%s", summary);
    g_assert_nonnull (strstr (summary, "window 0: the receiver’s buffer is full"));
  }

  wire_finish (&w);
}

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

typedef struct {
  guint  segments;
  gint64 first_us, last_us;
} Sent;

/* The segments with bytes @name's connection sent from alfa, not sent
 * again, and when the first and the last left. */
static Sent
data_segments_of (GArray     *segments,
                  const char *name)
{
  Sent sent = { 0 };

  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      if (p->wire.link_verdict != LAB_LINK_PASSED || !lab_test_wire_from_host (p, "alfa") ||
          p->wire.info.payload_len == 0 || p->wire.retransmission || g_strcmp0 (p->wire.data_endpoint, name) != 0)
        continue;
      if (sent.segments++ == 0)
        sent.first_us = lab_test_wire_time (p);
      sent.last_us = lab_test_wire_time (p);
      g_test_message ("%s: %u bytes from %u at %.1f ms", name, p->wire.info.payload_len, lab_test_wire_rel_seq (p),
                      (sent.last_us - sent.first_us) / 1000.0);
    }
  return sent;
}

/* Lesson 24: ten small sends from each client, 20 ms each way. With
 * Nagle's algorithm a few segments, the last a round trip after the
 * first; with TCP_NODELAY one a send (), all within a few milliseconds;
 * the server gets every line of both, and each client its echo. */
static void
test_nagle (gconstpointer data)
{
  Wire w = { 0 };
  LabEndpoint *nagle, *nodelay;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GHashTable) streams = g_hash_table_new_full (NULL, NULL, NULL, free_string);
  LabTestWaiting waiting;
  Sent with_nagle, with_nodelay;

  if (!wire_start (&w, "24-nagle", data, "Server on beta"))
    return;
  nagle = lab_test_lesson_endpoint (&w.l, "Client with Nagle");
  nodelay = lab_test_lesson_endpoint (&w.l, "Client with TCP_NODELAY");
  lab_test_lesson_wait_ended (&w.l, nagle);
  lab_test_lesson_wait_ended (&w.l, nodelay);
  g_assert_null (lab_endpoint_get_error (nagle));
  g_assert_null (lab_endpoint_get_error (nodelay));
  lab_test_lesson_wait_ended (&w.l, w.server);
  g_assert_null (lab_endpoint_get_error (w.server));

  /* Ten send () calls each */
  {
    g_autoptr(GPtrArray) a = calls_of (&w, nagle, LAB_OP_SEND);
    g_autoptr(GPtrArray) b = calls_of (&w, nodelay, LAB_OP_SEND);

    g_assert_cmpuint (a->len, ==, 10);
    g_assert_cmpuint (b->len, ==, 10);
  }

  /* Every line of both, in order, each connection's */
  lab_test_log_wait_data (w.l.log, w.server, LAB_DIRECTION_IN, 2 * 10 * strlen (HELLO));
  received = lab_test_log_data_events (w.l.log, w.server, LAB_DIRECTION_IN);
  for (guint i = 0; i < received->len; i++)
    {
      guint64 conn = lab_event_get_connection (received->pdata[i]);
      GBytes *bytes = lab_event_get_bytes (received->pdata[i]);
      GString *stream = g_hash_table_lookup (streams, GSIZE_TO_POINTER (conn));
      gsize len;
      const char *text = g_bytes_get_data (bytes, &len);

      if (stream == NULL)
        g_hash_table_insert (streams, GSIZE_TO_POINTER (conn), stream = g_string_new (NULL));
      g_string_append_len (stream, text, (gssize) len);
    }
  g_assert_cmpuint (g_hash_table_size (streams), ==, 2);
  {
    GHashTableIter iter;
    GString *stream;
    g_autoptr(GString) lines = g_string_new (NULL);

    for (guint i = 0; i < 10; i++)
      g_string_append (lines, HELLO);
    g_hash_table_iter_init (&iter, streams);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &stream))
      g_assert_cmpstr (stream->str, ==, lines->str);
    /* And the echo of them all, each client its own */
    for (guint k = 0; k < 2; k++)
      {
        g_autoptr(GByteArray) echo = lab_test_log_data (w.l.log, k == 0 ? nagle : nodelay, LAB_DIRECTION_IN);

        g_assert_cmpmem (echo->data, echo->len, lines->str, lines->len);
      }
  }

  /* The segments each connection sent */
  waiting = (LabTestWaiting) { &w.f, w.port, 2 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  segments = lab_test_wire_segments (&w.f, w.port);
  with_nagle = data_segments_of (segments, "Client with Nagle");
  with_nodelay = data_segments_of (segments, "Client with TCP_NODELAY");
  g_test_message ("Nagle: %u segments over %.1f ms; TCP_NODELAY: %u over %.1f ms", with_nagle.segments,
                  (with_nagle.last_us - with_nagle.first_us) / 1000.0, with_nodelay.segments,
                  (with_nodelay.last_us - with_nodelay.first_us) / 1000.0);
  g_assert_cmpuint (with_nagle.segments, >=, 2);
  g_assert_cmpuint (with_nagle.segments, <=, 3);
  g_assert_cmpint (with_nagle.last_us - with_nagle.first_us, >=, 35 * 1000);
  g_assert_cmpuint (with_nodelay.segments, >=, 8);
  g_assert_cmpint (with_nodelay.last_us - with_nodelay.first_us, <, 20 * 1000);

  lab_network_forget ();
  lab_test_lesson_finish (&w.l);
}

/* Lesson 25: alfa's MTU 1280. Its SYN offers mss=1240, beta's SYN ACK
 * 1460; no segment either way carries more than 1240 bytes of TCP less
 * its options, and full ones do; every byte comes back. */
static void
test_mtu (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GByteArray) echo = NULL;
  const guint total = 10000;
  guint full[2] = { 0, 0 }, largest[2] = { 0, 0 }, mss[2] = { 0, 0 };

  if (!wire_play (&w, "25-mtu", data))
    return;
  lab_test_lesson_wait_ended (&w.l, w.server);
  g_assert_null (lab_endpoint_get_error (w.server));
  echo = lab_test_log_data (w.l.log, w.client, LAB_DIRECTION_IN);
  assert_lines (echo, total);

  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  segments = wire_segments (&w);
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      guint from = lab_test_wire_from_host (p, "alfa") ? 0 : 1;

      if (p->wire.link_verdict != LAB_LINK_PASSED)
        continue;
      if ((p->wire.info.tcp_flags & LAB_TCP_SYN) != 0)
        {
          g_autofree char *summary = lab_wire_summary (&p->wire);

          g_assert_nonnull (strstr (summary, from == 0 ? "mss=1240" : "mss=1460"));
          mss[from] = p->wire.info.mss;
          continue;
        }
      /* What the other end offered, less this segment's options */
      g_assert_cmpuint (mss[1 - from], !=, 0);
      largest[from] = MAX (largest[from], p->wire.info.payload_len);
      g_assert_cmpuint (p->wire.info.payload_len, <=, 1240 - (p->wire.info.tcp_header_len - 20u));
      full[from] += p->wire.info.payload_len == 1240 - (p->wire.info.tcp_header_len - 20u);
    }
  g_test_message ("largest segments: %u bytes from alfa, %u from beta; %u and %u full", largest[0], largest[1],
                  full[0], full[1]);
  g_assert_cmpuint (mss[0], ==, 1240);
  g_assert_cmpuint (mss[1], ==, 1460);
  g_assert_cmpuint (full[0], >, 0);
  g_assert_cmpuint (full[1], >, 0);

  wire_finish (&w);
}

/* Lesson 26: 1 megabit a second toward beta, a queue of 10 frames. The
 * queue fills and drops data segments, each sent again; the bytes take
 * as long as the line needs and no less; every one arrives. */
static void
test_rate (gconstpointer data)
{
  Wire w;
  LabTestWaiting waiting;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GByteArray) got = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) received = NULL;
  const guint total = 400000;
  LabLinkCounters counters;
  guint drops;
  double took_s, since_play_s;
  gint64 played;

  /* The link's counters, this lesson's only */
  lab_link_reset ();
  played = g_get_monotonic_time ();
  if (!wire_play (&w, "26-rate", data))
    return;
  lab_test_lesson_wait_ended (&w.l, w.server);
  g_assert_null (lab_endpoint_get_error (w.server));
  lab_test_log_wait_data (w.l.log, w.server, LAB_DIRECTION_IN, total);
  got = lab_test_log_data (w.l.log, w.server, LAB_DIRECTION_IN);
  assert_lines (got, total);

  /* No faster than the line */
  sends = calls_of (&w, w.client, LAB_OP_SEND);
  received = lab_test_log_data_events (w.l.log, w.server, LAB_DIRECTION_IN);
  /* A send () that took part of its bytes is followed by one for the rest */
  g_assert_cmpuint (sends->len, >=, 4000);
  took_s = (lab_event_get_end_time (received->pdata[received->len - 1]) -
            lab_event_get_begin_time (sends->pdata[0])) / 1e6;
  since_play_s = (g_get_monotonic_time () - played) / 1e6;
  lab_link_get_counters (1, &counters);
  g_test_message ("from the first send () to the last recv (): %.2f s, %u sends and %u recvs; %.2f s since Play; "
                  "the link sent %" G_GUINT64_FORMAT " frames toward beta, %" G_GUINT64_FORMAT " bytes, dropped %"
                  G_GUINT64_FORMAT " at its queue", took_s, sends->len, received->len, since_play_s,
                  counters.forwarded, counters.bytes, counters.dropped_queue);
  /* Every byte crossed the link's line, none the kernel's bridge, and
   * took the line's time: 400 000 bytes at 1 megabit a second, 3.2 s */
  g_assert_cmpuint (counters.bytes, >=, total);
  g_assert_cmpfloat (since_play_s, >=, 3.2);
  g_assert_cmpfloat (took_s, >=, 3.2);

  /* The queue toward beta overflowed, and what it dropped was sent again */
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000 * lab_test_time_scale ());
  segments = lab_test_wire_segments (&w.f, w.port);
  drops = count_dropped_sent_again (segments, LAB_LINK_DROPPED_QUEUE,
                                    "dropped by the link: its queue was full (10 frames)");
  g_test_message ("%u data segments dropped at the queue", drops);
  g_assert_cmpuint (drops, >, 0);

  wire_finish (&w);
}

/* Lesson 28: the line down for 3 s, one second after Play. The bytes
 * alfa sent last before it went down left alfa again and again, with no
 * ACK at all between: each time after the retransmission timeout, at
 * least 200 ms, and each time about twice as long after the one before;
 * every one but the last was lost with the line, the last arrived and
 * beta acknowledged it. The client's send () waited meanwhile, and the
 * server got every byte in order. */
static void
test_timeout (gconstpointer data)
{
  Wire w;
  g_autoptr(GArray) segments = NULL;
  g_autoptr(GHashTable) sends = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) client_sends = NULL;
  const guint total = 200000;
  guint32 seq = 0;
  guint most = 0, lost_down = 0, acked = 0;
  gint64 longest_send = 0;
  LabLinkCounters counters;

  lab_link_reset ();
  segments = wire_play_transfer (&w, "28-timeout", data, total);
  if (segments == NULL)
    return;

  /* The bytes that left alfa most often */
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      guint32 at;
      guint n;

      if (p->wire.link_verdict != LAB_LINK_PASSED || !lab_test_wire_from_host (p, "alfa") ||
          p->wire.info.payload_len == 0)
        continue;
      at = lab_test_wire_rel_seq (p);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (sends, GUINT_TO_POINTER (at))) + 1;
      g_hash_table_insert (sends, GUINT_TO_POINTER (at), GUINT_TO_POINTER (n));
      if (n > most)
        {
          most = n;
          seq = at;
        }
    }
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);

      if (!lab_test_wire_from_host (p, "alfa") || p->wire.info.payload_len == 0 || lab_test_wire_rel_seq (p) != seq)
        continue;
      if (p->wire.link_verdict == LAB_LINK_PASSED)
        {
          gint64 t = lab_test_wire_time (p);
          g_autofree char *summary = lab_wire_summary (&p->wire);

          g_test_message ("%.3f s: %s", t / 1e6, summary);
          g_assert_true (times->len == 0 || p->wire.retransmission);
          g_array_append_val (times, t);
        }
      else if (p->wire.link_verdict == LAB_LINK_DROPPED_DOWN)
        {
          g_autofree char *summary = lab_wire_summary (&p->wire);

          g_assert_nonnull (strstr (summary, "dropped by the link: the line has been down for "));
          lost_down++;
        }
    }
  lab_link_get_counters (1, &counters);
  g_test_message ("bytes from %u left alfa %u times, %u lost with the line; the link lost %" G_GUINT64_FORMAT
                  " frames toward beta with the line down", seq, times->len, lost_down, counters.dropped_down);
  /* Sent, then sent again at least three times */
  g_assert_cmpuint (times->len, >=, 4);
  g_assert_cmpuint (lost_down, >=, times->len - 2);
  /* The first after the timeout, never less than 200 ms; then the timeout
   * doubles each time it runs out (exponential backoff) */
  g_assert_cmpint (g_array_index (times, gint64, 1) - g_array_index (times, gint64, 0), >=, 200000);
  for (guint i = 3; i < times->len; i++)
    {
      gint64 before = g_array_index (times, gint64, i - 1) - g_array_index (times, gint64, i - 2);
      gint64 gap = g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1);

      g_test_message ("%.3f s after the one before, %.2f times as long", gap / 1e6, (double) gap / before);
      g_assert_cmpfloat ((double) gap / before, >=, 1.6);
      g_assert_cmpfloat ((double) gap / before, <=, 2.6);
    }

  /* Nothing from beta between the first of them and the one that
   * arrived: no ACK at all; then beta's ACK for its bytes */
  for (guint i = 0; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      gint64 t = lab_test_wire_time (p);

      if (p->wire.link_verdict != LAB_LINK_PASSED || !lab_test_wire_from_host (p, "beta"))
        continue;
      if (t > g_array_index (times, gint64, 1) && t < g_array_index (times, gint64, times->len - 1))
        {
          g_autofree char *summary = lab_wire_summary (&p->wire);

          g_error ("beta sent %s while the line was down", summary);
        }
      if (t > g_array_index (times, gint64, times->len - 1) && (p->wire.info.tcp_flags & LAB_TCP_ACK) != 0 &&
          (gint32) (lab_test_wire_rel_ack (p) - seq) > 0)
        acked++;
    }
  g_assert_cmpuint (acked, >, 0);

  /* The client's send () waited while the line was down */
  client_sends = calls_of (&w, w.client, LAB_OP_SEND);
  for (guint i = 0; i < client_sends->len; i++)
    longest_send = MAX (longest_send, lab_event_get_end_time (client_sends->pdata[i]) -
                                        lab_event_get_begin_time (client_sends->pdata[i]));
  g_test_message ("the longest send (): %.3f s", longest_send / 1e6);
  g_assert_cmpint (longest_send, >=, 2 * G_USEC_PER_SEC);

  wire_finish (&w);
}

static gboolean
is_udp_to (const LabWireInfo *wire,
           gconstpointer      data)
{
  return wire->info.proto == LAB_PACKET_UDP && wire->info.dport == GPOINTER_TO_UINT (data);
}

/* Lesson 27: loss and reordering toward beta. The UDP server gets fewer
 * than the 100 numbered datagrams, some out of order, each once; each left
 * alfa once, and the wire says which the link dropped and sent ahead. The
 * TCP server gets all 100 lines in order. */
static void
test_udp_loss (gconstpointer data)
{
  Wire w = { 0 };
  LabEndpoint *udp_client, *udp_server, *tcp_client, *tcp_server;
  g_autoptr(GPtrArray) datagrams = NULL;
  g_autoptr(GByteArray) stream = NULL;
  g_autoptr(GArray) udp = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  gboolean seen[101] = { FALSE };
  guint previous = 0, out_of_order = 0, left = 0, dropped = 0, ahead = 0;

  for (guint i = 1; i <= 100; i++)
    g_string_append_printf (lines, "%03u\n", i);
  /* The same frames lost and sent ahead from run to run, as near as the
   * two clients' timing lets */
  lab_link_set_seed (27);
  if (!wire_start (&w, "27-udp-loss", data, "UDP server on beta"))
    return;
  udp_server = w.server;
  udp_client = lab_test_lesson_endpoint (&w.l, "UDP client on alfa");
  tcp_client = lab_test_lesson_endpoint (&w.l, "TCP client on alfa");
  tcp_server = lab_test_lesson_endpoint (&w.l, "TCP server on beta");
  lab_test_lesson_wait_ended (&w.l, tcp_client);
  lab_test_lesson_wait_ended (&w.l, tcp_server);
  lab_test_lesson_wait_ended (&w.l, udp_client);
  g_assert_null (lab_endpoint_get_error (tcp_client));
  g_assert_null (lab_endpoint_get_error (tcp_server));
  g_assert_null (lab_endpoint_get_error (udp_client));
  /* TCP: every line, in order */
  lab_test_log_wait_data (w.l.log, tcp_server, LAB_DIRECTION_IN, lines->len);
  stream = lab_test_log_data (w.l.log, tcp_server, LAB_DIRECTION_IN);
  g_assert_cmpmem (stream->data, stream->len, lines->str, lines->len);

  /* UDP: some lost, some out of order, none twice */
  datagrams = lab_test_log_data_events (w.l.log, udp_server, LAB_DIRECTION_IN);
  for (guint i = 0; i < datagrams->len; i++)
    {
      gsize len;
      const char *text = g_bytes_get_data (lab_event_get_bytes (datagrams->pdata[i]), &len);
      guint n;

      g_assert_cmpuint (len, ==, 4);
      g_assert_true (g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]));
      n = (guint) g_ascii_strtoull (text, NULL, 10);
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 100);
      g_assert_false (seen[n]);
      seen[n] = TRUE;
      out_of_order += n < previous;
      previous = n;
    }
  g_test_message ("the UDP server got %u datagrams of 100, %u after a larger number", datagrams->len, out_of_order);
  g_assert_cmpuint (datagrams->len, <, 100);
  g_assert_cmpuint (datagrams->len, >=, 50);
  g_assert_cmpuint (out_of_order, >, 0);

  /* Each datagram left alfa once; the link said what it did to them */
  udp = lab_test_wire_packets (&w.f, is_udp_to, GUINT_TO_POINTER (w.port));
  for (guint i = 0; i < udp->len; i++)
    {
      const LabTestPacket *p = &g_array_index (udp, LabTestPacket, i);
      g_autofree char *summary = lab_wire_summary (&p->wire);

      if (p->wire.link_verdict == LAB_LINK_PASSED)
        left += lab_test_wire_from_host (p, "alfa");
      else if (p->wire.link_verdict == LAB_LINK_DROPPED_LOSS)
        {
          if (dropped++ == 0)
            g_test_message ("%s", summary);
          g_assert_nonnull (strstr (summary, "dropped by the link: loss 10 %"));
        }
      else if (p->wire.link_verdict == LAB_LINK_REORDERED)
        {
          if (ahead++ == 0)
            g_test_message ("%s", summary);
          g_assert_nonnull (strstr (summary, "reordered by the link: sent ahead of "));
        }
    }
  g_test_message ("%u datagrams left alfa, the link dropped %u and sent %u ahead", left, dropped, ahead);
  g_assert_cmpuint (left, ==, 100);
  g_assert_cmpuint (dropped, ==, 100 - datagrams->len);
  g_assert_cmpuint (ahead, >, 0);

  lab_endpoint_stop (udp_server);
  lab_test_lesson_wait_ended (&w.l, udp_server);
  lab_network_forget ();
  lab_test_lesson_finish (&w.l);
}

static const LabTestLessonCase lessons[] = {
  { "15-data-ack", test_data_ack },
  { "16-shutdown-fin", test_shutdown_fin },
  { "17-reset", test_reset },
  { "18-ping", test_ping },
  { "21-delay", test_delay },
  { "22-loss", test_loss },
  { "23-flow-control", test_flow_control },
  { "24-nagle", test_nagle },
  { "25-mtu", test_mtu },
  { "26-rate", test_rate },
  { "27-udp-loss", test_udp_loss },
  { "28-timeout", test_timeout },
};

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);
  lab_test_add_lessons ("lessons-wire", lessons, G_N_ELEMENTS (lessons));

  return g_test_run ();
}
