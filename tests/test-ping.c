/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-codegen.h"
#include "lab-error.h"
#include "lab-icmp.h"
#include "lab-network.h"
#include "lab-packet.h"
#include "lab-test-wire.h"

/* The ping: ICMP echo on a raw socket on a host of the lab network, each
 * request and reply on the wire tied to the sendto () and recvfrom () of
 * its bytes, and the round-trip times; on this computer, ICMP's datagram
 * socket where net.ipv4.ping_group_range lets it open, and where it does
 * not, the refusal and what that setting is. GIO opens no ICMP socket. */

static gboolean
is_echo (const LabWireInfo *wire,
         gconstpointer      data)
{
  return wire->info.proto == LAB_PACKET_ICMP &&
         (wire->info.icmp_type == LAB_ICMP_ECHO_REQUEST || wire->info.icmp_type == LAB_ICMP_ECHO_REPLY);
}

/* The echo requests and replies on the wire, in the order they left */
static GArray *
echo_packets (LabTestFixture *f)
{
  return lab_test_wire_packets (f, is_echo, NULL);
}

typedef struct {
  LabTestFixture *f;
  guint           n;
} Echoes;

static gboolean
has_echoes (gpointer data)
{
  Echoes *e = data;
  g_autoptr(GArray) packets = echo_packets (e->f);

  return packets->len >= e->n;
}

static LabEvent *
find_seq (LabTestFixture *f,
          guint64         seq)
{
  for (guint i = 0; i < f->log->events->len; i++)
    if (lab_event_get_seq (f->log->events->pdata[i]) == seq)
      return f->log->events->pdata[i];
  return NULL;
}

/* The round-trip times the ping noted, in ms */
static GArray *
round_trips (LabTestFixture *f,
             LabEndpoint    *ping)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];
      const char *time;
      double ms;

      if (lab_event_get_kind (event) != LAB_EVENT_NOTE || lab_event_get_endpoint_id (event) != lab_endpoint_get_id (ping) ||
          lab_event_get_note (event) != LAB_NOTE_ECHO_REPLY)
        continue;
      time = strstr (lab_event_get_note_arg (event), "time=");
      g_assert_nonnull (time);
      ms = g_ascii_strtod (time + 5, NULL);
      g_array_append_val (times, ms);
    }
  return times;
}

/* Four echo requests from alfa to beta on a raw socket: each left alfa
 * as the sendto () of its 40 bytes was made, and is tied to it; each
 * reply left beta (its kernel's, no program's) and is tied to the
 * recvfrom () that took it, 60 bytes, IP header first; every round trip
 * took more than 0 ms, and the summary counts four of four. */
static void
test_raw_on_the_lab (LabTestFixture *f,
                     gconstpointer   backend)
{
  g_autoptr(LabEndpoint) ping = lab_test_new_endpoint (f, LAB_ENDPOINT_PING, backend, "ping");
  g_autoptr(GArray) packets = NULL;
  g_autoptr(GArray) times = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autofree char *args = NULL;
  LabEvent *socket_call;
  Echoes echoes = { f, 8 };

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  g_object_set (lab_endpoint_get_config (ping), "network-host", "alfa", "host", "beta", "count", 4,
                "interval", 200, NULL);
  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_GIO)
    {
      g_autoptr(GError) error = NULL;

      /* GSocket makes no raw socket and takes no ICMP protocol */
      g_assert_false (lab_endpoint_start (ping, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG);
      g_assert_nonnull (strstr (error->message, "GSocketType has no raw type"));
      g_assert_nonnull (strstr (error->message, "choose POSIX"));
      return;
    }

  lab_test_start (ping);
  lab_test_wait_stopped (ping);
  g_assert_null (lab_endpoint_get_error (ping));

  socket_call = lab_test_log_find_call (f->log, ping, LAB_OP_SOCKET);
  args = lab_event_dup_args (socket_call);
  g_assert_cmpstr (args, ==, "AF_INET, SOCK_RAW, IPPROTO_ICMP");
  g_assert_cmpuint (lab_test_log_count_calls (f->log, ping, LAB_OP_SENDTO), ==, 4);

  sent = lab_test_log_data_events (f->log, ping, LAB_DIRECTION_OUT);
  received = lab_test_log_data_events (f->log, ping, LAB_DIRECTION_IN);
  g_assert_cmpuint (sent->len, ==, 4);
  g_assert_cmpuint (received->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      GBytes *out = lab_event_get_bytes (sent->pdata[i]);
      GBytes *in = lab_event_get_bytes (received->pdata[i]);
      LabIcmpEcho request, reply;

      g_assert_cmpuint (lab_event_get_real_length (sent->pdata[i]), ==, 40);
      g_assert_cmpuint (lab_event_get_real_length (received->pdata[i]), ==, 60);
      g_assert_true (lab_icmp_parse_echo (g_bytes_get_data (out, NULL), g_bytes_get_size (out), FALSE, &request));
      g_assert_true (lab_icmp_parse_echo (g_bytes_get_data (in, NULL), g_bytes_get_size (in), TRUE, &reply));
      g_assert_cmpuint (request.type, ==, LAB_ICMP_ECHO_REQUEST);
      g_assert_cmpuint (request.seq, ==, i + 1);
      /* The checksum the program wrote checks: the sum over all is 0 */
      g_assert_cmpuint (lab_icmp_checksum (g_bytes_get_data (out, NULL), g_bytes_get_size (out)), ==, 0);
      g_assert_cmpuint (reply.type, ==, LAB_ICMP_ECHO_REPLY);
      g_assert_cmpuint (reply.id, ==, request.id);
      g_assert_cmpuint (reply.seq, ==, request.seq);
      g_assert_true (reply.has_ttl);
      g_assert_cmpuint (reply.ttl, ==, 64);
    }

  lab_test_wait (has_echoes, &echoes, 10000);
  packets = echo_packets (f);
  g_assert_cmpuint (packets->len, ==, 8);
  for (guint i = 0; i < packets->len; i++)
    {
      const LabTestPacket *p = &g_array_index (packets, LabTestPacket, i);
      gboolean request = i % 2 == 0;
      LabEvent *call = find_seq (f, p->wire.call_seq);
      LabEvent *bytes = find_seq (f, p->wire.data_seq);
      g_autofree char *summary = lab_wire_summary (&p->wire);

      g_test_message ("%s %s", p->wire.host, summary);
      g_assert_cmpuint (p->wire.info.icmp_type, ==, request ? LAB_ICMP_ECHO_REQUEST : LAB_ICMP_ECHO_REPLY);
      g_assert_cmpuint (p->wire.info.icmp_seq, ==, i / 2 + 1);
      g_assert_cmpstr (p->wire.host, ==, request ? "alfa" : "beta");
      g_assert_nonnull (call);
      g_assert_nonnull (bytes);
      g_assert_cmpint (lab_event_get_op (call), ==, request ? LAB_OP_SENDTO : LAB_OP_RECVFROM);
      g_assert_cmpuint (lab_event_get_seq (bytes), ==,
                        lab_event_get_seq ((request ? sent : received)->pdata[i / 2]));
      g_assert_nonnull (strstr (summary, request ? ", sent by sendto () of ping#1" : ", received by recvfrom () of ping#1"));
      /* From its bytes, the window finds the packet */
      g_assert_cmpuint (lab_wire_first_packet (f->timeline, p->wire.data_seq), ==, lab_event_get_seq (p->event));
      g_assert_cmpuint (lab_wire_data_of (call), ==, p->wire.data_seq);
    }

  times = round_trips (f, ping);
  g_assert_cmpuint (times->len, ==, 4);
  for (guint i = 0; i < times->len; i++)
    g_assert_cmpfloat (g_array_index (times, double, i), >, 0);
  {
    g_autoptr(GPtrArray) notes = NULL;
    guint found = 0;

    for (guint i = 0; i < f->log->events->len; i++)
      {
        LabEvent *event = f->log->events->pdata[i];

        if (lab_event_get_kind (event) == LAB_EVENT_NOTE && lab_event_get_note (event) == LAB_NOTE_PING_SUMMARY)
          {
            g_autofree char *text = lab_event_dup_summary (event);

            g_assert_true (g_str_has_prefix (text, "4 echo requests sent, 4 replies received; round-trip time "
                                                   "min/avg/max = "));
            found++;
          }
      }
    g_assert_cmpuint (found, ==, 1);
  }
  lab_network_forget ();
}

/* Nothing answers 10.80.0.9 on the lab network: each request is noted
 * lost after its interval, and the summary says none came back. */
static void
test_lost_on_the_lab (LabTestFixture *f,
                      gconstpointer   backend)
{
  g_autoptr(LabEndpoint) ping = lab_test_new_endpoint (f, LAB_ENDPOINT_PING, backend, "ping");
  guint lost = 0;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  g_object_set (lab_endpoint_get_config (ping), "network-host", "alfa", "host", "10.80.0.9", "count", 2,
                "interval", 200, NULL);
  lab_test_start (ping);
  lab_test_wait_stopped (ping);
  g_assert_null (lab_endpoint_get_error (ping));
  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];

      if (lab_event_get_kind (event) == LAB_EVENT_NOTE && lab_event_get_note (event) == LAB_NOTE_ECHO_LOST)
        {
          g_autofree char *text = lab_event_dup_summary (event);

          g_assert_cmpstr (text, ==, lost == 0 ? "No echo reply to icmp_seq=1 within 0.2 s"
                                               : "No echo reply to icmp_seq=2 within 0.2 s");
          lost++;
        }
    }
  g_assert_cmpuint (lost, ==, 2);
  g_assert_false (lab_test_log_has_note (f->log, ping, LAB_NOTE_ECHO_REPLY));
  lab_network_forget ();
}

/* Whether net.ipv4.ping_group_range lets this process's group open ICMP's
 * datagram socket here */
static gboolean
dgram_allowed (void)
{
  g_autofree char *range = lab_event_dup_ping_group_range ();
  unsigned first = 1, last = 0;

  /* As this computer has it, read before the user namespace */
  if (sscanf (range, "%u %u", &first, &last) != 2)
    return FALSE;
  return first <= (unsigned) getegid () && (unsigned) getegid () <= last;
}

/* On this computer: ICMP's datagram socket to 127.0.0.1 where the setting
 * allows it, its replies without IP header; where it does not, socket ()
 * fails with EACCES and the note says what net.ipv4.ping_group_range is,
 * its value and the group, and what to do. Either way no raw socket. */
static void
test_this_computer (LabTestFixture *f,
                    gconstpointer   backend)
{
  g_autoptr(LabEndpoint) ping = lab_test_new_endpoint (f, LAB_ENDPOINT_PING, backend, "ping");
  g_autofree char *args = NULL;
  LabEvent *socket_call;

  if (GPOINTER_TO_INT (backend) == LAB_BACKEND_GIO)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lab_endpoint_start (ping, &error));
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG);
      return;
    }

  g_object_set (lab_endpoint_get_config (ping), "host", "127.0.0.1", "count", 2, "interval", 200, NULL);
  lab_test_start (ping);
  lab_test_wait_stopped (ping);
  socket_call = lab_test_log_find_call (f->log, ping, LAB_OP_SOCKET);
  g_assert_nonnull (socket_call);
  args = lab_event_dup_args (socket_call);
  g_assert_cmpstr (args, ==, "AF_INET, SOCK_DGRAM, IPPROTO_ICMP");

  if (dgram_allowed ())
    {
      g_autoptr(GPtrArray) received = lab_test_log_data_events (f->log, ping, LAB_DIRECTION_IN);
      g_autoptr(GArray) times = round_trips (f, ping);

      g_test_message ("net.ipv4.ping_group_range allows this group: the datagram socket");
      g_assert_null (lab_endpoint_get_error (ping));
      g_assert_cmpint (lab_event_get_errno (socket_call), ==, 0);
      g_assert_cmpuint (received->len, ==, 2);
      /* No IP header: the ICMP message alone */
      g_assert_cmpuint (lab_event_get_real_length (received->pdata[0]), ==, 40);
      g_assert_cmpuint (times->len, ==, 2);
      for (guint i = 0; i < times->len; i++)
        g_assert_cmpfloat (g_array_index (times, double, i), >, 0);
    }
  else
    {
      g_autofree char *text = NULL;

      g_test_message ("net.ipv4.ping_group_range leaves this group out: the refusal");
      g_assert_cmpint (lab_event_get_errno (socket_call), ==, EACCES);
      g_assert_cmpstr (lab_endpoint_get_error (ping), ==, "socket: EACCES");
      g_assert_true (lab_test_log_has_note (f->log, ping, LAB_NOTE_PING_NOT_ALLOWED));
      for (guint i = 0; i < f->log->events->len && text == NULL; i++)
        {
          LabEvent *event = f->log->events->pdata[i];

          if (lab_event_get_kind (event) == LAB_EVENT_NOTE && lab_event_get_note (event) == LAB_NOTE_PING_NOT_ALLOWED)
            text = lab_event_dup_summary (event);
        }
      g_assert_nonnull (strstr (text, "net.ipv4.ping_group_range is “"));
      g_assert_nonnull (strstr (text, "sysctl net.ipv4.ping_group_range="));
      g_assert_nonnull (strstr (text, "host of the lab network"));
      g_assert_cmpuint (lab_test_log_count_calls (f->log, ping, LAB_OP_SENDTO), ==, 0);
    }
}

/* The decoder of the bytes a ping sends and receives, and the checksum,
 * on RFC 1071's example and a header it wrote */
static void
test_icmp_header (void)
{
  static const guint8 rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
  static const guint8 request[] = { 8, 0, 0xf7, 0xfd, 0x00, 0x01, 0x00, 0x01 };
  g_autofree char *text = NULL;
  LabIcmpEcho echo;

  /* RFC 1071, 3: the sum is 0xddf2, its complement 0x220d */
  g_assert_cmpuint (lab_icmp_checksum (rfc1071, sizeof rfc1071), ==, 0x220d);
  g_assert_cmpuint (lab_icmp_checksum (request, sizeof request), ==, 0);
  g_assert_true (lab_icmp_parse_echo (request, sizeof request, FALSE, &echo));
  g_assert_cmpuint (echo.id, ==, 1);
  g_assert_cmpuint (echo.seq, ==, 1);
  g_assert_false (lab_icmp_parse_echo (request, 7, FALSE, &echo));
  g_assert_false (lab_icmp_parse_echo (request, sizeof request, TRUE, &echo));
  text = lab_icmp_describe (request, sizeof request);
  g_assert_cmpstr (text, ==, "ICMP: type 8 (echo request), code 0, checksum 0xf7fd, identifier 1, sequence 1, "
                             "0 bytes of data");
}

static char *
run_cli (const char *const *argv,
         int               *status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status,
                               &error));
  g_assert_no_error (error);
  g_test_message ("%s", err);
  return g_strconcat (out, err, NULL);
}

/* protolab-cli ping --lab-host alfa 10.80.0.2: the raw socket, each reply
 * with its round-trip time in the text, the summary; the request and the
 * reply on the wire, each with its call */
static void
test_cli_on_the_lab (void)
{
  const char *argv[] = { g_getenv ("PROTOLAB_CLI"), "ping", "--lab-host", "alfa", "10.80.0.2", "--count", "2",
                         "--interval", "0.2", NULL };
  g_autofree char *text = NULL;
  int status;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  text = run_cli (argv, &status);
  g_test_message ("%s", text);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (text, "socket (AF_INET, SOCK_RAW, IPPROTO_ICMP) → "));
  g_assert_nonnull (strstr (text, "Echo reply: icmp_seq=1 ttl=64 time="));
  g_assert_nonnull (strstr (text, "Echo reply: icmp_seq=2 ttl=64 time="));
  g_assert_nonnull (strstr (text, "2 echo requests sent, 2 replies received; round-trip time min/avg/max = "));
  g_assert_nonnull (strstr (text, "10.80.0.1 → 10.80.0.2 echo request"));
  g_assert_nonnull (strstr (text, "seq=2, sent by sendto () of ping#1"));
  g_assert_nonnull (strstr (text, "seq=2, received by recvfrom () of ping#1"));
  g_assert_nonnull (strstr (text, "ICMP: type 8 (echo request), code 0"));
}

/* protolab-cli ping 127.0.0.1 where net.ipv4.ping_group_range allows the
 * group: a network namespace of its own (as root), with the setting
 * opened there, so that the machine's own is left alone */
static void
test_cli_this_computer_allowed (void)
{
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *ip = g_find_program_in_path ("ip");
  const char *argv[] = { "unshare", "--net", "sh", "-c",
                         "echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range && ip link set lo up && "
                         "exec \"$0\" ping --count 2 --interval 0.2 127.0.0.1",
                         g_getenv ("PROTOLAB_CLI"), NULL };
  g_autofree char *text = NULL;
  int status;

  if (getuid () != 0 || unshare == NULL || ip == NULL)
    {
      g_test_skip ("needs root, unshare and ip: a network namespace of its own");
      return;
    }
  text = run_cli (argv, &status);
  g_test_message ("%s", text);
  if (strstr (text, "unshare failed") != NULL || strstr (text, "unshare:") != NULL)
    {
      g_test_skip ("no network namespace here");
      return;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (text, "socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP) → "));
  g_assert_nonnull (strstr (text, "Echo reply: icmp_seq=2 time="));
  g_assert_nonnull (strstr (text, "2 echo requests sent, 2 replies received"));
}

/* protolab-cli ping where it is not allowed: the error and what the
 * setting is, on standard error; with GIO, why GIO cannot */
static void
test_cli_refused (void)
{
  const char *gio[] = { g_getenv ("PROTOLAB_CLI"), "ping", "--backend", "gio", "127.0.0.1", NULL };
  const char *quiet[] = { g_getenv ("PROTOLAB_CLI"), "ping", "--quiet", "--count", "1", "127.0.0.1", NULL };
  g_autofree char *text = NULL;
  int status;

  text = run_cli (gio, &status);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (text, "GIO cannot ping"));
  g_clear_pointer (&text, g_free);

  if (dgram_allowed ())
    return;
  text = run_cli (quiet, &status);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (text, "socket: EACCES"));
  g_assert_nonnull (strstr (text, "net.ipv4.ping_group_range is “"));
}

/* A ping's program, in C and in Python, as the course's raw-socket
 * section writes it: it builds, and, as root, pings this computer. */
static void
test_code (void)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_PING);
  g_autofree char *dir = g_dir_make_tmp ("protolab-ping-XXXXXX", NULL);
  g_autofree char *c_file = g_build_filename (dir, "ping.c", NULL);
  g_autofree char *py_file = g_build_filename (dir, "ping.py", NULL);
  g_autofree char *program = g_build_filename (dir, "ping", NULL);
  g_autofree char *c = NULL;
  g_autofree char *py = NULL;
  g_autofree char *gcc = g_find_program_in_path ("gcc");
  g_autofree char *python = g_find_program_in_path ("python3");

  g_object_set (config, "host", "127.0.0.1", "count", 2, "interval", 200, NULL);
  c = lab_codegen_generate (config, "ping", LAB_CODE_C);
  py = lab_codegen_generate (config, "ping", LAB_CODE_PYTHON);
  g_assert_nonnull (strstr (c, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)"));
  g_assert_nonnull (strstr (c, "#define COUNT 2"));
  g_assert_nonnull (strstr (c, "#define INTERVAL_MS 200"));
  g_assert_nonnull (strstr (py, "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)"));
  g_assert_nonnull (strstr (py, "INTERVAL = 0.2"));
  g_assert_true (g_file_set_contents (c_file, c, -1, NULL));
  g_assert_true (g_file_set_contents (py_file, py, -1, NULL));

  for (guint language = 0; language < 2; language++)
    {
      const char *build_c[] = { "gcc", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-o",
                                program, c_file, NULL };
      const char *check_py[] = { "python3", "-m", "py_compile", py_file, NULL };
      const char *run_c[] = { program, NULL };
      const char *run_py[] = { "python3", py_file, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status;

      if ((language == 0 && gcc == NULL) || (language == 1 && python == NULL))
        continue;
      g_assert_true (g_spawn_sync (NULL, (char **) (language == 0 ? build_c : check_py), NULL, G_SPAWN_SEARCH_PATH,
                                   NULL, NULL, &out, &err, &status, &error));
      g_assert_no_error (error);
      g_test_message ("%s", err);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      if (getuid () != 0)
        continue;
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) (language == 0 ? run_c : run_py), NULL, G_SPAWN_SEARCH_PATH,
                                   NULL, NULL, &out, &err, &status, &error));
      g_assert_no_error (error);
      g_test_message ("%s%s", out, err);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="));
      g_assert_nonnull (strstr (out, "icmp_seq=2 ttl=64 time="));
    }

  g_unlink (program);
  g_unlink (c_file);
  g_unlink (py_file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/ping/icmp-header", test_icmp_header);
  g_test_add_func ("/ping/code", test_code);
  lab_test_add_backends ("ping", "raw-on-the-lab", test_raw_on_the_lab);
  g_test_add ("/ping/posix/lost-on-the-lab", LabTestFixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              lab_test_fixture_set_up, test_lost_on_the_lab, lab_test_fixture_tear_down);
  lab_test_add_backends ("ping", "this-computer", test_this_computer);
  g_test_add_func ("/ping/cli/on-the-lab", test_cli_on_the_lab);
  g_test_add_func ("/ping/cli/this-computer-allowed", test_cli_this_computer_allowed);
  g_test_add_func ("/ping/cli/refused", test_cli_refused);

  return g_test_run ();
}
