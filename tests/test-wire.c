/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include <glib/gstdio.h>

#include "lab-capture.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-wire.h"

/* The wire: every packet the calls of endpoints on the lab network cause,
 * captured as it leaves its host, with its numbers counted from its
 * connection's start and the bytes of the send it carries. */

/* A client on alfa sends "hola" to an echo server on beta and closes: on
 * the wire, the handshake, each side's four bytes tied to the send that
 * gave them, the kernel's ACKs, and FIN and ACK both ways, every number
 * consistent with the other side's. */
static void
test_echo_on_the_wire (LabTestFixture *f,
                       gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola", 4);
  g_autoptr(GArray) segments = NULL;
  guint32 next[2] = { 1, 1 };   /* alfa's, beta's */
  guint data_segments = 0;
  LabTestWaiting w;
  guint16 port;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  g_object_set (lab_endpoint_get_config (server), "network-host", "beta", "bind-address", "beta", NULL);
  port = lab_test_start_server (server);
  g_object_set (lab_endpoint_get_config (client), "network-host", "alfa", "host", "beta", "port", (guint) port,
                "initial-data", hello, "expect-bytes", (guint64) 4, NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  w = (LabTestWaiting) { f, port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &w, 10000);

  segments = lab_test_wire_segments (f, port);
  g_assert_cmpuint (segments->len, >=, 7);
  lab_test_wire_assert_segment (&g_array_index (segments, LabTestPacket, 0), "alfa", LAB_TCP_SYN, 0, 0);
  lab_test_wire_assert_segment (&g_array_index (segments, LabTestPacket, 1), "beta", LAB_TCP_SYN | LAB_TCP_ACK, 0, 1);
  lab_test_wire_assert_segment (&g_array_index (segments, LabTestPacket, 2), "alfa", LAB_TCP_ACK, 1, 1);
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 0).wire.info.mss, ==, 1460);
  /* The SYN is the client's connect ()'s; the SYN ACK and the ACK that
   * completes the handshake, the kernels' own. */
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 0).wire.call_seq, ==,
                    lab_event_get_seq (lab_test_log_find_call (f->log, client, LAB_OP_CONNECT)));
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 1).wire.call_seq, ==, 0);
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 2).wire.call_seq, ==, 0);

  /* Then: data both ways, the ACKs the kernels send by themselves, and
   * the FINs; each number the one the other side expects. */
  for (guint i = 3; i < segments->len; i++)
    {
      const LabTestPacket *p = &g_array_index (segments, LabTestPacket, i);
      guint me = lab_test_wire_from_host (p, "alfa") ? 0 : 1;
      g_autofree char *summary = lab_wire_summary (&p->wire);

      g_test_message ("%s %s", p->wire.host, summary);
      g_assert_cmpuint (p->wire.info.tcp_flags & (LAB_TCP_SYN | LAB_TCP_RST), ==, 0);
      g_assert_cmpuint (p->wire.info.tcp_flags & LAB_TCP_ACK, !=, 0);
      g_assert_cmpuint (lab_test_wire_rel_seq (p), ==, next[me]);
      g_assert_cmpuint (lab_test_wire_rel_ack (p), <=, next[1 - me]);
      if (p->wire.info.payload_len > 0)
        {
          LabEndpoint *sender = me == 0 ? client : server;
          g_autoptr(GPtrArray) sent = lab_test_log_data_events (f->log, sender, LAB_DIRECTION_OUT);

          /* The four bytes of the send, as the timeline has them */
          g_assert_cmpuint (p->wire.info.payload_len, ==, 4);
          g_assert_cmpuint (p->wire.stream_start, ==, 0);
          g_assert_cmpuint (p->wire.stream_end, ==, 4);
          g_assert_cmpuint (sent->len, ==, 1);
          g_assert_cmpuint (p->wire.data_seq, ==, lab_event_get_seq (sent->pdata[0]));
          g_assert_cmpuint (p->wire.conn, ==, lab_event_get_connection (sent->pdata[0]));
          g_assert_cmpmem ((const guint8 *) g_bytes_get_data (lab_event_get_bytes (p->event), NULL) +
                           p->wire.info.payload_offset, 4, "hola", 4);
          data_segments++;
        }
      /* A FIN is its side's close ()'s; a bare ACK, the kernel's own. */
      if ((p->wire.info.tcp_flags & LAB_TCP_FIN) != 0)
        {
          LabEvent *close = lab_test_log_find_call (f->log, me == 0 ? client : server, LAB_OP_CLOSE);

          g_assert_nonnull (close);
          g_assert_cmpuint (p->wire.call_seq, ==, lab_event_get_seq (close));
        }
      else if (p->wire.info.payload_len == 0)
        g_assert_cmpuint (p->wire.call_seq, ==, 0);
      next[me] += p->wire.info.payload_len + ((p->wire.info.tcp_flags & LAB_TCP_FIN) != 0);
    }
  g_assert_cmpuint (data_segments, ==, 2);
  /* Each side's FIN was acknowledged: the last number each saw */
  g_assert_cmpuint (next[0], ==, 6);
  g_assert_cmpuint (next[1], ==, 6);

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_network_forget ();
}

/* A connect to a port nothing listens on: the SYN, and the RST that the
 * kernel of beta answers with, which connect () returns as ECONNREFUSED. */
static void
test_refused_on_the_wire (LabTestFixture *f,
                          gconstpointer   backend)
{
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
  g_autoptr(GArray) segments = NULL;
  g_autofree char *rst_text = NULL;
  LabTestWaiting w;
  LabEvent *connect;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  /* No server on beta: any port is closed there. */
  g_object_set (lab_endpoint_get_config (client), "network-host", "alfa", "host", "beta", "port", 7000u, NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  w = (LabTestWaiting) { f, 7000, 2 };
  lab_test_wait (lab_test_wire_has_segments, &w, 10000);

  connect = lab_test_log_find_call (f->log, client, LAB_OP_CONNECT);
  g_assert_cmpint (lab_event_get_errno (connect), ==, ECONNREFUSED);
  segments = lab_test_wire_segments (f, 7000);
  g_assert_cmpuint (segments->len, ==, 2);
  lab_test_wire_assert_segment (&g_array_index (segments, LabTestPacket, 0), "alfa", LAB_TCP_SYN, 0, 0);
  g_assert_cmpstr (g_array_index (segments, LabTestPacket, 1).wire.host, ==, "beta");
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 1).wire.info.tcp_flags, ==, LAB_TCP_RST | LAB_TCP_ACK);
  g_assert_cmpuint (lab_test_wire_rel_ack (&g_array_index (segments, LabTestPacket, 1)), ==, 1);
  /* The SYN is the failed connect ()'s, known by where it went from where;
   * the RST is no lab socket's, and nothing is claimed of it. */
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 0).wire.call_seq, ==, lab_event_get_seq (connect));
  g_assert_cmpuint (g_array_index (segments, LabTestPacket, 1).wire.call_seq, ==, 0);
  rst_text = lab_wire_summary (&g_array_index (segments, LabTestPacket, 1).wire);
  g_assert_null (strstr (rst_text, "kernel"));

  lab_network_forget ();
}

/* Capture counts what it took, and the kernel dropped nothing of so few. */
static void
test_capture_counts (LabTestFixture *f,
                     gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  LabCaptureStats before, after;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  lab_capture_get_stats (&before);
  g_object_set (lab_endpoint_get_config (server), "network-host", "beta", "bind-address", "beta", NULL);
  lab_test_start_server (server);
  g_assert_true (lab_capture_is_running ());
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_network_forget ();
  g_assert_false (lab_capture_is_running ());
  lab_capture_get_stats (&after);
  g_assert_cmpuint (after.dropped, ==, before.dropped);
  g_assert_cmpuint (after.received, >=, before.received);
}

/* The handshake lesson as its notes tell it: the SYN is connect ()'s, the
 * SYN ACK and the ACK are the kernels', connect () returns once the SYN ACK
 * came, accept () once the handshake was complete, and each FIN is a
 * close ()'s. Times are the kernel's stamps beside the lab's clock, put on
 * one clock when the capture began: a few microseconds apart at most. */
static void
test_handshake_lesson (gconstpointer data)
{
  LabTestLesson l;
  LabEndpoint *client, *server;
  LabEvent *connect, *accept;
  g_autoptr(GArray) segments = NULL;
  const LabTestPacket *syn, *syn_ack, *ack;
  guint port_value;
  guint16 port;
  LabTestWaiting w;
  LabTestFixture f;
  const gint64 slack_us = 200;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  lab_test_lesson_load (&l, "14-handshake", GPOINTER_TO_INT (data));
  lab_session_play (l.session);
  client = lab_test_lesson_endpoint (&l, "Client on alfa");
  server = lab_test_lesson_endpoint (&l, "Server on beta");
  lab_test_lesson_wait_ended (&l, client);
  g_object_get (lab_endpoint_get_config (server), "port", &port_value, NULL);
  port = (guint16) port_value;
  f.timeline = lab_session_get_timeline (l.session);
  f.log = l.log;
  w = (LabTestWaiting) { &f, port, 0 };
  lab_test_wait (lab_test_wire_closed_both_ways, &w, 10000);

  segments = lab_test_wire_segments (&f, port);
  syn = &g_array_index (segments, LabTestPacket, 0);
  syn_ack = &g_array_index (segments, LabTestPacket, 1);
  ack = &g_array_index (segments, LabTestPacket, 2);
  connect = lab_test_log_find_call (l.log, client, LAB_OP_CONNECT);
  accept = lab_test_log_find_call (l.log, server, LAB_OP_ACCEPT);
  lab_test_wire_assert_segment (syn, "alfa", LAB_TCP_SYN, 0, 0);
  lab_test_wire_assert_segment (syn_ack, "beta", LAB_TCP_SYN | LAB_TCP_ACK, 0, 1);
  lab_test_wire_assert_segment (ack, "alfa", LAB_TCP_ACK, 1, 1);
  g_assert_cmpuint (syn->wire.call_seq, ==, lab_event_get_seq (connect));
  g_assert_cmpuint (syn_ack->wire.call_seq, ==, 0);
  g_assert_cmpuint (ack->wire.call_seq, ==, 0);
  /* connect () began before its SYN left, and returned after the SYN ACK */
  g_assert_cmpint (lab_event_get_begin_time (connect), <=, lab_test_wire_time (syn) + slack_us);
  g_assert_cmpint (lab_event_get_end_time (connect), >=, lab_test_wire_time (syn_ack) - slack_us);
  /* accept () returned after the ACK that completed the handshake left */
  g_assert_cmpint (lab_event_get_end_time (accept), >=, lab_test_wire_time (ack) - slack_us);

  /* The capture holds the timeline while it runs: it goes first. */
  lab_network_forget ();
  lab_test_lesson_finish (&l);
}

typedef struct {
  LabTestFixture *f;
  guint16         port;
} UdpWait;

static gboolean
of_udp_port (const LabWireInfo *wire,
             gconstpointer      data)
{
  guint16 port = *(const guint16 *) data;

  return wire->info.proto == LAB_PACKET_UDP && (wire->info.sport == port || wire->info.dport == port);
}

/* The datagrams to or from @port on the wire, in the order they left */
static GArray *
udp_datagrams (LabTestFixture *f,
               guint16         port)
{
  return lab_test_wire_packets (f, of_udp_port, &port);
}

static gboolean
has_two_datagrams (gpointer data)
{
  UdpWait *w = data;
  g_autoptr(GArray) found = udp_datagrams (w->f, w->port);

  return found->len >= 2;
}

static LabEvent *
event_of_seq (LabTestFixture *f,
              guint64         seq)
{
  for (guint i = 0; i < f->log->events->len; i++)
    if (lab_event_get_seq (f->log->events->pdata[i]) == seq)
      return f->log->events->pdata[i];
  return NULL;
}

/* A UDP client on alfa sends “hola udp” to an echo server on beta: each
 * datagram on the wire is one sendto (), whole, tied to it by where it
 * goes, its length and its bytes: the client's from alfa, the server's
 * answer from beta; and from each data event the window finds its
 * datagram. */
static void
test_udp_on_the_wire (LabTestFixture *f,
                      gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "server");
  g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_CLIENT, backend, "client");
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola udp", 8);
  g_autoptr(GArray) datagrams = NULL;
  g_autoptr(GPtrArray) client_sent = NULL;
  g_autoptr(GPtrArray) server_sent = NULL;
  UdpWait w;
  guint16 port;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  g_object_set (lab_endpoint_get_config (server), "network-host", "beta", "bind-address", "beta", NULL);
  port = lab_test_start_server (server);
  g_object_set (lab_endpoint_get_config (client), "network-host", "alfa", "host", "beta", "port", (guint) port,
                "initial-data", hello, "expect-bytes", (guint64) 8, NULL);
  lab_test_start (client);
  lab_test_wait_stopped (client);
  w = (UdpWait) { f, port };
  lab_test_wait (has_two_datagrams, &w, 10000);

  client_sent = lab_test_log_data_events (f->log, client, LAB_DIRECTION_OUT);
  server_sent = lab_test_log_data_events (f->log, server, LAB_DIRECTION_OUT);
  g_assert_cmpuint (client_sent->len, ==, 1);
  g_assert_cmpuint (server_sent->len, ==, 1);

  datagrams = udp_datagrams (f, port);
  g_assert_cmpuint (datagrams->len, ==, 2);
  for (guint i = 0; i < datagrams->len; i++)
    {
      const LabTestPacket *p = &g_array_index (datagrams, LabTestPacket, i);
      gboolean from_client = i == 0;
      LabEvent *data = from_client ? client_sent->pdata[0] : server_sent->pdata[0];
      LabEvent *call = event_of_seq (f, p->wire.call_seq);
      g_autofree char *summary = lab_wire_summary (&p->wire);
      g_autofree char *expected = g_strdup_printf (", sent by %s () of %s#",
                                                   GPOINTER_TO_INT (backend) == LAB_BACKEND_GIO ? "g_socket_send_to"
                                                                                                 : "sendto",
                                                   from_client ? "client" : "server");

      g_test_message ("%s %s", p->wire.host, summary);
      g_assert_cmpstr (p->wire.host, ==, from_client ? "alfa" : "beta");
      g_assert_cmpuint (p->wire.info.payload_len, ==, 8);
      g_assert_cmpuint (p->wire.data_seq, ==, lab_event_get_seq (data));
      g_assert_nonnull (call);
      g_assert_cmpint (lab_event_get_op (call), ==, LAB_OP_SENDTO);
      g_assert_cmpuint (lab_event_get_endpoint_id (call), ==, lab_endpoint_get_id (from_client ? client : server));
      g_assert_nonnull (strstr (summary, expected));
      /* It left while its sendto () was made */
      g_assert_cmpint (lab_event_get_begin_time (call), <=, lab_test_wire_time (p) + 200);
      /* From the data event, or the call, the window finds it */
      g_assert_cmpuint (lab_wire_first_packet (f->timeline, lab_event_get_seq (data)), ==, lab_event_get_seq (p->event));
      g_assert_cmpuint (lab_wire_data_of (call), ==, lab_event_get_seq (data));
    }

  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_network_forget ();
}

/* protolab-cli run --pcap: the packets in a pcapng file that an
 * independent reader (Wireshark's tshark) reads whole, every packet with
 * the comment that ties it to the lab's calls. */
static void
test_pcapng_read_back (void)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-wire-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "two-hosts.protolab", NULL);
  g_autofree char *pcap = g_build_filename (dir, "two-hosts.pcapng", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint n_sent = 0, n_syn = 0;
  int status;
  const char *cli_argv[] = { g_getenv ("PROTOLAB_CLI"), "run", file, "--quiet", "--duration", "2", "--pcap", pcap, NULL };
  const char *tshark_argv[] = { "tshark", "-r", pcap, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.len",
                                "-e", "frame.comment", NULL };

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  g_assert_true (g_file_set_contents (file, LAB_TEST_TWO_HOSTS, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) cli_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  g_test_message ("%s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, " packets saved in "));

  g_assert_true (g_spawn_sync (NULL, (char **) tshark_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &fields, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strchomp (fields), "\n", -1);
  expected = g_strdup_printf ("%u packets saved in ", g_strv_length (lines));
  g_assert_nonnull (strstr (err, expected));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);

      g_assert_cmpuint (g_strv_length (f), ==, 3);
      g_assert_true (g_str_equal (f[0], "alfa eth0") || g_str_equal (f[0], "beta eth0") ||
                     g_str_equal (f[0], "alfa lo") || g_str_equal (f[0], "beta lo"));
      g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), >=, 42);
      g_assert_cmpstr (f[2], !=, "");
      n_sent += strstr (f[2], "bytes 0–3 sent by Client#1") != NULL || strstr (f[2], "bytes 0–3 sent by Server#") != NULL;
      n_syn += strstr (f[2], " SYN seq=0 ") != NULL;
    }
  /* The client's four bytes and the echo, each tied to its send */
  g_assert_cmpuint (n_sent, ==, 2);
  g_assert_cmpuint (n_syn, ==, 1);

  g_unlink (pcap);
  g_unlink (file);
  g_rmdir (dir);
}

/* One segment of a flow between 10.0.0.1:40000 (alfa, 0) and
 * 10.0.0.2:7000 (beta, 1), numbers from 1000 and 5000: what the flows
 * say of it. */
typedef struct {
  guint    from;
  guint8   flags;
  guint32  seq, ack;
  guint16  window;
  guint32  len;
  guint8   known;        /* the marks expected, beyond bits 0 and 1 */
  guint8   dup;
} Segment;

/* The marks of a flow's segments: the third duplicate ACK after a loss,
 * a retransmission, a window closed and probed, and opened again. */
static void
test_flow_marks (void)
{
  enum { A = 1000, B = 5000 };
  const Segment segments[] = {
    { 0, LAB_TCP_SYN, A, 0, 64240, 0, 0, 0 },
    { 1, LAB_TCP_SYN | LAB_TCP_ACK, B, A + 1, 65160, 0, 0, 0 },
    { 0, LAB_TCP_ACK, A + 1, B + 1, 502, 0, 0, 0 },
    /* Five segments; the second is lost: beta acknowledges the first,
     * then says A + 101 again for each that came after the gap */
    { 0, LAB_TCP_ACK, A + 1, B + 1, 502, 100, 0, 0 },
    { 0, LAB_TCP_ACK, A + 101, B + 1, 502, 100, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 101, 509, 0, 0, 0 },
    { 0, LAB_TCP_ACK, A + 201, B + 1, 502, 100, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 101, 509, 0, 0, 1 },
    { 0, LAB_TCP_ACK, A + 301, B + 1, 502, 100, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 101, 509, 0, 0, 2 },
    { 0, LAB_TCP_ACK | LAB_TCP_PSH, A + 401, B + 1, 502, 100, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 101, 509, 0, 0, 3 },
    { 0, LAB_TCP_ACK, A + 101, B + 1, 502, 100, LAB_TCP_FLOWS_RETRANSMISSION, 0 },
    /* All is there: a new ACK, no longer a duplicate, then the window shuts */
    { 1, LAB_TCP_ACK, B + 1, A + 501, 509, 0, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 501, 0, 0, LAB_TCP_FLOWS_ZERO_WINDOW | LAB_TCP_FLOWS_WINDOW_UPDATE, 0 },
    /* alfa probes with the byte before its next; beta answers, still 0 */
    { 0, LAB_TCP_ACK, A + 500, B + 1, 502, 0, LAB_TCP_FLOWS_WINDOW_PROBE, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 501, 0, 0, LAB_TCP_FLOWS_ZERO_WINDOW, 0 },
    { 0, LAB_TCP_ACK, A + 500, B + 1, 502, 0, LAB_TCP_FLOWS_WINDOW_PROBE, 0 },
    /* the server read: the window opens, by itself and not a duplicate */
    { 1, LAB_TCP_ACK, B + 1, A + 501, 509, 0, LAB_TCP_FLOWS_WINDOW_UPDATE, 0 },
    { 0, LAB_TCP_ACK | LAB_TCP_FIN, A + 501, B + 1, 502, 0, 0, 0 },
    { 1, LAB_TCP_ACK, B + 1, A + 502, 509, 0, 0, 0 },
  };
  LabTcpFlows *flows = lab_tcp_flows_new ();

  for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
    {
      const Segment *seg = &segments[i];
      LabPacketInfo info = { 0 };
      LabWireInfo wire = { 0 };
      guint64 bases;
      guint8 known, dup;
      g_autofree char *marks = NULL;

      info.proto = LAB_PACKET_TCP;
      info.family = AF_INET;
      memcpy (info.src, seg->from == 0 ? "\x0a\x00\x00\x01" : "\x0a\x00\x00\x02", 4);
      memcpy (info.dst, seg->from == 0 ? "\x0a\x00\x00\x02" : "\x0a\x00\x00\x01", 4);
      info.sport = seg->from == 0 ? 40000 : 7000;
      info.dport = seg->from == 0 ? 7000 : 40000;
      info.tcp_flags = seg->flags;
      info.seq = seg->seq;
      info.ack = seg->ack;
      info.window = seg->window;
      info.payload_len = seg->len;
      lab_tcp_flows_see (flows, &info, &bases, &known, &dup);
      wire.retransmission = (known & LAB_TCP_FLOWS_RETRANSMISSION) != 0;
      wire.zero_window = (known & LAB_TCP_FLOWS_ZERO_WINDOW) != 0;
      wire.window_probe = (known & LAB_TCP_FLOWS_WINDOW_PROBE) != 0;
      wire.window_update = (known & LAB_TCP_FLOWS_WINDOW_UPDATE) != 0;
      wire.dup_ack = dup;
      marks = lab_wire_marks_text (&wire);
      g_test_message ("%u: %s", i, marks != NULL ? marks : "");
      g_assert_cmphex (known & ~3u, ==, seg->known);
      g_assert_cmpuint (dup, ==, seg->dup);
      if (i >= 2)
        g_assert_cmphex (known & 3u, ==, 3);
    }

  {
    LabWireInfo wire = { .dup_ack = 3 };
    g_autofree char *three = lab_wire_marks_text (&wire);
    g_autofree char *none = NULL;

    g_assert_cmpstr (three, ==, "duplicate ACK 3");
    wire = (LabWireInfo) { .window_probe = TRUE, .zero_window = TRUE, .window_update = TRUE };
    g_free (three);
    three = lab_wire_marks_text (&wire);
    g_assert_cmpstr (three, ==, "a window probe, window 0: the receiver’s buffer is full");
    wire = (LabWireInfo) { 0 };
    none = lab_wire_marks_text (&wire);
    g_assert_null (none);
  }
  lab_tcp_flows_free (flows);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("wire", "echo", test_echo_on_the_wire);
  lab_test_add_backends ("wire", "refused", test_refused_on_the_wire);
  lab_test_add_backends ("wire", "udp", test_udp_on_the_wire);
  lab_test_add_backends ("wire", "capture-counts", test_capture_counts);
  g_test_add_func ("/wire/pcapng-read-back", test_pcapng_read_back);
  g_test_add_func ("/wire/flow-marks", test_flow_marks);
  g_test_add_data_func ("/wire/posix/lesson-handshake", GINT_TO_POINTER (LAB_BACKEND_POSIX), test_handshake_lesson);
  g_test_add_data_func ("/wire/gio/lesson-handshake", GINT_TO_POINTER (LAB_BACKEND_GIO), test_handshake_lesson);

  return g_test_run ();
}
