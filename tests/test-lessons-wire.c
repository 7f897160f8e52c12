/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>

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

/* Plays lesson @id and waits for its client to end. */
static gboolean
wire_play (Wire           *w,
           const char     *id,
           gconstpointer   data)
{
  guint port;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return FALSE;
    }
  lab_test_lesson_load (&w->l, id, GPOINTER_TO_INT (data));
  lab_session_play (w->l.session);
  w->client = lab_test_lesson_endpoint (&w->l, "Client on alfa");
  w->server = lab_test_lesson_endpoint (&w->l, "Server on beta");
  lab_test_lesson_wait_ended (&w->l, w->client);
  g_assert_null (lab_endpoint_get_error (w->client));
  g_object_get (lab_endpoint_get_config (w->server), "port", &port, NULL);
  w->port = (guint16) port;
  w->f.timeline = lab_session_get_timeline (w->l.session);
  w->f.log = w->l.log;
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

static void
assert_received (Wire        *w,
                 LabEndpoint *e,
                 const char  *expected)
{
  g_autoptr(GByteArray) data = lab_test_log_data (w->l.log, e, LAB_DIRECTION_IN);

  g_assert_cmpmem (data->data, data->len, expected, strlen (expected));
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
  assert_received (&w, w.client, HELLO);
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000);
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
  assert_received (&w, w.server, HELLO);
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
  assert_received (&w, w.client, BYE);
  waiting = (LabTestWaiting) { &w.f, w.port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &waiting, 10000);
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

  /* beta's next segment acknowledges it, by itself or with what beta
   * sends then: the FIN counts as one number */
  fin_ack = find_segment (segments, fin_at + 1, "beta", LAB_TCP_ACK, NULL);
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
  assert_received (&w, w.client, "hola");
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

static const LabTestLessonCase lessons[] = {
  { "15-data-ack", test_data_ack },
  { "16-shutdown-fin", test_shutdown_fin },
  { "17-reset", test_reset },
};

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);
  lab_test_add_lessons ("lessons-wire", lessons, G_N_ELEMENTS (lessons));

  return g_test_run ();
}
