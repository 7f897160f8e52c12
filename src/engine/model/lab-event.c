/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-call-private.h"
#include "lab-errno.h"
#include "lab-event-private.h"
#include "lab-network.h"
#include "lab-tcp-sample.h"
#include "lab-wire.h"
#include "lab-hex.h"
#include "lab-icmp.h"
#include "lab-timeline-private.h"

G_DEFINE_FINAL_TYPE (LabEvent, lab_event, G_TYPE_OBJECT)

static void
lab_event_finalize (GObject *object)
{
  LabEvent *self = LAB_EVENT (object);

  g_clear_pointer (&self->blob_bytes, g_bytes_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_object (&self->address);
  g_clear_pointer (&self->resolved, g_ptr_array_unref);
  g_clear_object (&self->timeline);

  G_OBJECT_CLASS (lab_event_parent_class)->finalize (object);
}

static void
lab_event_class_init (LabEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_event_finalize;
}

static void
lab_event_init (LabEvent *self)
{
}

/**
 * lab_event_new_for_record:
 * @timeline: the timeline whose arenas hold what @record points to
 *
 * Returns: (transfer full): an event for a copy of @record
 */
LabEvent *
lab_event_new_for_record (LabTimeline     *timeline,
                          const LabRecord *record)
{
  LabEvent *self = g_object_new (LAB_TYPE_EVENT, NULL);

  self->timeline = g_object_ref (timeline);
  self->record = *record;
  self->origin_us = lab_timeline_get_origin (timeline);
  return self;
}

const LabRecord *
lab_event_get_record (LabEvent *self)
{
  return &self->record;
}

/* The record's blob, read from its arena the first time. */
static void
read_blob (LabEvent *self)
{
  LabRecord *r = &self->record;
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize len, text_len;

  if (self->read_blob)
    return;
  self->read_blob = TRUE;
  if (r->blob == LAB_ARENA_NONE)
    return;

  bytes = lab_arena_dup (lab_timeline_get_arena_for (self->timeline, r), r->blob, r->blob_len);
  if (bytes == NULL)
    return;
  if (lab_record_blob_is_payload (r))
    {
      self->blob_bytes = g_steal_pointer (&bytes);
      return;
    }

  /* A text, then for name resolution the addresses it gave. */
  data = g_bytes_get_data (bytes, &len);
  text_len = strnlen (data, len);
  self->text = g_strndup (data, text_len);
  if (r->op == LAB_OP_GETADDRINFO && r->kind == LAB_EVENT_CALL && text_len < len)
    {
      const char *p = data + text_len + 1;
      gsize left = len - text_len - 1;

      self->resolved = g_ptr_array_new_with_free_func (g_object_unref);
      for (; left >= sizeof (LabAddr); p += sizeof (LabAddr), left -= sizeof (LabAddr))
        {
          LabAddr addr;
          GSocketAddress *address;

          memcpy (&addr, p, sizeof addr);
          if ((address = lab_addr_to_address (&addr)) != NULL)
            g_ptr_array_add (self->resolved, address);
        }
    }
}

/**
 * lab_event_peek_blob:
 *
 * Returns: (transfer none) (nullable): the bytes a data event carries, or
 *   the first bytes a send gave; %NULL when none, or gone
 */
GBytes *
lab_event_peek_blob (LabEvent *self)
{
  read_blob (self);
  return self->blob_bytes;
}

/**
 * lab_event_peek_text:
 *
 * Returns: the text a call or a note carries, or ""
 */
const char *
lab_event_peek_text (LabEvent *self)
{
  read_blob (self);
  return self->text != NULL ? self->text : "";
}

/**
 * lab_event_peek_address:
 *
 * Returns: (transfer none) (nullable): the address the record holds: a
 *   call's argument or what it returned, a state's or a datagram's peer
 */
GSocketAddress *
lab_event_peek_address (LabEvent *self)
{
  if (!self->read_address)
    {
      self->read_address = TRUE;
      self->address = lab_addr_to_address (&self->record.address);
    }
  return self->address;
}

LabEventKind
lab_event_get_kind (LabEvent *self)
{
  return self->record.kind;
}

guint64
lab_event_get_seq (LabEvent *self)
{
  return self->record.seq;
}

LabBackendKind
lab_event_get_backend (LabEvent *self)
{
  if (lab_record_has (&self->record, LAB_RECORD_TRACED))
    return LAB_BACKEND_TRACED;
  return lab_record_has (&self->record, LAB_RECORD_GIO) ? LAB_BACKEND_GIO : LAB_BACKEND_POSIX;
}

/**
 * lab_event_get_line:
 *
 * Returns: (nullable): the source line of a traced program's call,
 *   `file:line: text`, when the tracer knows it
 */
const char *
lab_event_get_line (LabEvent *self)
{
  return lab_timeline_get_line (self->timeline, lab_record_get_line (&self->record));
}

guint
lab_event_get_endpoint_id (LabEvent *self)
{
  return self->record.endpoint_id;
}

const char *
lab_event_get_endpoint_name (LabEvent *self)
{
  return lab_timeline_get_run_name (self->timeline, self->record.endpoint_id, self->record.run);
}

/* The mark of its endpoint, which tells it from the others of its bench
 * (see lab_timeline_set_endpoint_mark()). */
guint
lab_event_get_endpoint_mark (LabEvent *self)
{
  return lab_timeline_get_endpoint_mark (self->timeline, self->record.endpoint_id);
}

/**
 * lab_event_get_begin_time:
 *
 * Returns: when the event happened, in microseconds since the first event
 *   recorded after the timeline began or was cleared (a call that waited
 *   across a clear began before it, below 0)
 */
gint64
lab_event_get_begin_time (LabEvent *self)
{
  return self->record.begin_us - self->origin_us;
}

/**
 * lab_event_get_end_time:
 *
 * Returns: when the call returned, on the clock of
 *   lab_event_get_begin_time(), or -1 while it is still blocked
 */
gint64
lab_event_get_end_time (LabEvent *self)
{
  return lab_event_get_finished (self) ? lab_record_get_end_us (&self->record) - self->origin_us : -1;
}

guint
lab_event_get_thread (LabEvent *self)
{
  return self->record.thread;
}

int
lab_event_get_fd (LabEvent *self)
{
  /* A packet keeps its interface there: it has no descriptor. */
  return self->record.kind == LAB_EVENT_PACKET ? -1 : self->record.fd;
}

guint64
lab_event_get_connection (LabEvent *self)
{
  return self->record.conn;
}

LabOp
lab_event_get_op (LabEvent *self)
{
  return self->record.op;
}

LabCall
lab_event_get_call (LabEvent *self)
{
  return self->record.call;
}

const char *
lab_event_get_call_name (LabEvent *self)
{
  return lab_call_get_name (self->record.call);
}

gboolean
lab_event_get_finished (LabEvent *self)
{
  return lab_record_has (&self->record, LAB_RECORD_FINISHED);
}

gboolean
lab_event_get_blocking (LabEvent *self)
{
  return lab_record_has (&self->record, LAB_RECORD_BLOCKING);
}

gboolean
lab_event_get_instrumentation (LabEvent *self)
{
  return lab_record_has (&self->record, LAB_RECORD_INSTRUMENTATION);
}

gboolean
lab_event_get_pending (LabEvent *self)
{
  return lab_record_has (&self->record, LAB_RECORD_PENDING);
}

gint64
lab_event_get_result (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_CALL ? self->record.result : 0;
}

int
lab_event_get_errno (LabEvent *self)
{
  return lab_record_get_errno (&self->record);
}

const char *
lab_event_get_errno_name (LabEvent *self)
{
  int err = lab_event_get_errno (self);

  return err != 0 ? lab_errno_name (err) : NULL;
}

/* Whether a call's address is what it returned, not an argument. */
static gboolean
returns_address (LabOp op)
{
  return op == LAB_OP_ACCEPT || op == LAB_OP_RECVFROM || op == LAB_OP_GETSOCKNAME || op == LAB_OP_GETPEERNAME;
}

/**
 * lab_event_get_address:
 *
 * Returns: (transfer none) (nullable): the address a call returned: the
 *   peer of accept (), the sender of recvfrom (), the result of
 *   getsockname (); for data, the peer of a datagram
 */
GSocketAddress *
lab_event_get_address (LabEvent *self)
{
  if (self->record.kind == LAB_EVENT_CALL && (!returns_address (self->record.op) || !lab_event_get_finished (self)))
    return NULL;
  return lab_event_peek_address (self);
}

/**
 * lab_event_get_resolved:
 *
 * Returns: (transfer none) (nullable) (element-type GSocketAddress): every
 *   address name resolution returned, in its order
 */
GPtrArray *
lab_event_get_resolved (LabEvent *self)
{
  read_blob (self);
  return self->resolved;
}

LabTcpState
lab_event_get_state (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_STATE ? self->record.sub : LAB_TCP_UNKNOWN;
}

LabTcpState
lab_event_get_previous_state (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_STATE ? self->record.previous : LAB_TCP_UNKNOWN;
}

/**
 * lab_event_get_unseen:
 * @unseen: (out caller-allocates): the states passed through, in order
 *
 * The states the connection went through between the previous state and
 * this one, too fast for the lab to see: inferred from the RFC's diagram,
 * never observed.
 *
 * Returns: how many are in @unseen
 */
guint
lab_event_get_unseen (LabEvent    *self,
                      LabTcpState  unseen[LAB_TCP_MAX_UNSEEN])
{
  if (self->record.kind != LAB_EVENT_STATE)
    return 0;
  return lab_tcp_unseen (self->record.previous, self->record.sub, unseen);
}

gboolean
lab_event_get_queue (LabEvent *self,
                     guint    *length,
                     guint    *limit)
{
  gboolean has = self->record.kind == LAB_EVENT_STATE && lab_record_has (&self->record, LAB_RECORD_HAS_QUEUE);

  if (length != NULL)
    *length = has ? self->record.queue_len : 0;
  if (limit != NULL)
    *limit = has ? self->record.queue_limit : 0;

  return has;
}

LabDirection
lab_event_get_direction (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_DATA ? self->record.sub : LAB_DIRECTION_IN;
}

/**
 * lab_event_get_bytes:
 *
 * Returns: (transfer none) (nullable): the bytes of a data event, or %NULL
 *   when the timeline dropped them to stay within its payload limit
 */
GBytes *
lab_event_get_bytes (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_DATA || self->record.kind == LAB_EVENT_PACKET ? lab_event_peek_blob (self)
                                                                                      : NULL;
}

/**
 * lab_event_get_real_length:
 *
 * Returns: how many bytes crossed: for a truncated datagram, its real size,
 *   larger than the bytes kept
 */
gsize
lab_event_get_real_length (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_DATA ? self->record.real_len : 0;
}

/**
 * lab_event_get_offset:
 *
 * Returns: where a data event's bytes start in its connection's stream in
 *   their direction
 */
guint64
lab_event_get_offset (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_DATA ? self->record.offset : 0;
}

gboolean
lab_event_get_truncated (LabEvent *self)
{
  GBytes *bytes = lab_event_get_bytes (self);

  return bytes != NULL && self->record.real_len > g_bytes_get_size (bytes);
}

LabNote
lab_event_get_note (LabEvent *self)
{
  return self->record.kind == LAB_EVENT_NOTE ? self->record.sub : LAB_NOTE_STARTED;
}

const char *
lab_event_get_note_arg (LabEvent *self)
{
  if (self->record.kind != LAB_EVENT_NOTE || self->record.blob == LAB_ARENA_NONE)
    return NULL;
  return lab_event_peek_text (self);
}

/**
 * lab_event_dup_args:
 *
 * Returns: a call's arguments as a course writes them, for its backend:
 *   `3, ('127.0.0.1', 5000)` or `socket 3, ('127.0.0.1', 5000), TRUE`
 */
char *
lab_event_dup_args (LabEvent *self)
{
  GString *out = g_string_new (NULL);

  if (self->record.kind == LAB_EVENT_CALL)
    lab_call_append_args (out, self);
  return g_string_free (out, FALSE);
}

/**
 * lab_event_dup_result:
 *
 * Returns: what a call returned, as its API returns it: `4`, `-1`, `TRUE`,
 *   `socket 4`, with the address it gave back when there is one; empty
 *   while the call is still blocked
 */
char *
lab_event_dup_result (LabEvent *self)
{
  GString *out = g_string_new (NULL);

  if (self->record.kind == LAB_EVENT_CALL && lab_event_get_finished (self))
    lab_call_append_result (out, self);
  return g_string_free (out, FALSE);
}

/**
 * lab_event_dup_ping_socket_text:
 * @arg: "raw" or "dgram", as a ping's note says it
 *
 * Returns: which socket a ping uses and why, in the language of the moment
 */
char *
lab_event_dup_ping_socket_text (const char *arg)
{
  if (g_strcmp0 (arg, "raw") == 0)
    return g_strdup (_("A raw socket, socket (AF_INET, SOCK_RAW, IPPROTO_ICMP): the program writes the ICMP "
                       "header itself, and recvfrom () gives each ICMP message that reaches the host, IP header "
                       "first. It needs CAP_NET_RAW, which the lab has on its own hosts."));
  return g_strdup (_("ICMP’s datagram socket, socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP), which needs no "
                     "privilege where net.ipv4.ping_group_range lets the program’s group open it: the kernel "
                     "picks the identifier and gives back only the replies, without IP header. A raw socket "
                     "(SOCK_RAW) needs CAP_NET_RAW: the lab has it on its own hosts, with POSIX."));
}

/**
 * lab_event_dup_ping_group_range:
 *
 * Returns: net.ipv4.ping_group_range's two numbers as this computer has
 *   them, then the process's group: "1 0 1000", as a ping's note says them
 */
char *
lab_event_dup_ping_group_range (void)
{
  g_autofree char *range = g_strdup (lab_network_get_ping_group_range ());

  /* As this computer has it: in the lab's user namespace, /proc shows
   * the groups it does not map as the overflow group */
  if (range == NULL && !g_file_get_contents ("/proc/sys/net/ipv4/ping_group_range", &range, NULL, NULL))
    range = g_strdup ("? ?");
  g_strstrip (range);
  g_strdelimit (range, "\t", ' ');
  return g_strdup_printf ("%s %u", range, (unsigned) getegid ());
}

/**
 * lab_event_dup_ping_not_allowed_text:
 * @arg: (nullable): "1 0 1000": net.ipv4.ping_group_range's two numbers,
 *   then the process's group, as a ping's note says them; %NULL: as they
 *   are now
 *
 * Returns: why ICMP's datagram socket was refused, and what to do, in the
 *   language of the moment
 */
char *
lab_event_dup_ping_not_allowed_text (const char *arg)
{
  g_autofree char *now = arg == NULL ? lab_event_dup_ping_group_range () : NULL;
  g_auto(GStrv) words = g_strsplit (arg != NULL ? arg : now, " ", 3);

  if (g_strv_length (words) != 3)
    return g_strdup (arg != NULL ? arg : "");
  /* Translators: %s %s is net.ipv4.ping_group_range's value (two group numbers), the next %s a group
   * number. Keep “net.ipv4.ping_group_range” and the sysctl command as they are. */
  return g_strdup_printf (_("socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP) was refused with EACCES: "
                            "net.ipv4.ping_group_range is “%s %s”, and this program’s group, %s, is not "
                            "in it. That setting lists the groups (from the first number to the second) that may "
                            "open ICMP’s datagram socket without privilege; “1 0” lets none. An administrator "
                            "can allow every group with: sysctl net.ipv4.ping_group_range=\"0 2147483647\". "
                            "Or run the ping on a host of the lab network, where the lab makes a raw socket."),
                          words[0], words[1], words[2]);
}

static char *lab_event_dup_exit_text (const char *arg);

static char *
dup_note_text (LabEvent *self)
{
  const char *arg = lab_event_get_note_arg (self) != NULL ? lab_event_get_note_arg (self) : "";

  switch ((LabNote) self->record.sub)
    {
    case LAB_NOTE_STARTED:
      return g_strdup (_("Started"));
    case LAB_NOTE_STOP_REQUESTED:
      return g_strdup (_("Stop asked: blocked calls are interrupted and every socket is closed"));
    case LAB_NOTE_STOPPED:
      return g_strdup (_("Stopped"));
    case LAB_NOTE_FAILED:
      {
        g_autofree char *failure = lab_errno_dup_failure (arg);

        /* Translators: %s names the call that failed and its error, e.g. “bind: EADDRINUSE (Address already in
         * use)”. */
        return g_strdup_printf (_("Stopped by an error: %s"), failure);
      }
    case LAB_NOTE_LISTENING:
      /* Translators: %s is an address such as ('127.0.0.1', 5000). */
      return g_strdup_printf (_("Listening on %s"), arg);
    case LAB_NOTE_CONNECTED:
      /* Translators: %s is an address such as ('127.0.0.1', 5000). */
      return g_strdup_printf (_("Connected to %s"), arg);
    case LAB_NOTE_PEER_CLOSED:
      return g_strdup (_("The peer closed its side: recv returned 0 bytes"));
    case LAB_NOTE_FRAMING_ERROR:
      /* Translators: %s says how the stream broke its framing. */
      return g_strdup_printf (_("Framing broken, buffered bytes dropped: %s"), arg);
    case LAB_NOTE_MAX_CONNECTIONS:
      /* Translators: %s is a number of connections (for UDP, datagrams). */
      return g_strdup_printf (_("Served as many as asked (%s): stopping"), arg);
    case LAB_NOTE_WAITING_FOR_SLOT:
      /* Translators: %s is a number of clients. */
      return g_strdup_printf (_("%s clients are being served, the most allowed: new ones wait in the backlog"),
                              arg);
    case LAB_NOTE_CLOSE_REQUESTED:
      return g_strdup (_("Close asked for this connection"));
    case LAB_NOTE_TIMEOUT:
      /* Translators: %s is a time in seconds. */
      return g_strdup_printf (_("Nothing arrived within %s s"), arg);
    case LAB_NOTE_SOCKET_CLOSED_BY_KERNEL:
      /* Translators: %s is a TCP state, such as TIME_WAIT. */
      return g_strdup_printf (_("The kernel has closed the socket behind the program's descriptor, which is "
                                "still open: the connection goes on without it, in %s"), arg);
    case LAB_NOTE_ACCEPT_PAUSED:
      /* Translators: %s is an errno name such as EMFILE, (%s) its message, %u a number of milliseconds. */
      return g_strdup_printf (_("accept () failed with %s (%s): the server tries again every %u ms, and goes on "
                                "serving the clients already connected"),
                              arg, lab_errno_message (lab_errno_from_name (arg)), LAB_ACCEPT_RETRY_MS);
    case LAB_NOTE_PEER_FORGOTTEN:
      /* Translators: %s is a number of peers. */
      return g_strdup_printf (_("More than %s peers have sent: the server forgets the one it heard from longest "
                                "ago; if it sends again, it is a new peer"), arg);
    case LAB_NOTE_PING_SOCKET:
      return lab_event_dup_ping_socket_text (arg);
    case LAB_NOTE_ECHO_REPLY:
      /* Translators: %s is "icmp_seq=1 ttl=64 time=0.210 ms", as ping prints it: keep it as it is. */
      return g_strdup_printf (_("Echo reply: %s (the round-trip time, from sendto () to the reply's recvfrom ())"),
                              arg);
    case LAB_NOTE_ECHO_LOST:
      {
        guint seq = 0;
        double seconds = 0;

        if (sscanf (arg, "%u %lf", &seq, &seconds) != 2)
          return g_strdup (arg);
        /* Translators: %u is an echo request's sequence number, %g seconds. */
        return g_strdup_printf (_("No echo reply to icmp_seq=%u within %g s"), seq, seconds);
      }
    case LAB_NOTE_PING_SUMMARY:
      {
        guint sent = 0, received = 0;
        char min[32] = "", avg[32] = "", max[32] = "";

        if (sscanf (arg, "%u %u %31s %31s %31s", &sent, &received, min, avg, max) != 5)
          return g_strdup (arg);
        if (received == 0)
          /* Translators: %u are counts of echo requests and replies. */
          return g_strdup_printf (_("%u echo requests sent, %u replies received"), sent, received);
        /* Translators: %u are counts of echo requests and replies; %s are round-trip times in
         * milliseconds (minimum, average, maximum). */
        return g_strdup_printf (_("%u echo requests sent, %u replies received; round-trip time min/avg/max = "
                                  "%s/%s/%s ms"), sent, received, min, avg, max);
      }
    case LAB_NOTE_PING_NOT_ALLOWED:
      return lab_event_dup_ping_not_allowed_text (arg);
    case LAB_NOTE_PROGRAM_STARTED:
      /* Translators: %s is a command line, e.g. “python3 mi_servidor.py 5000”. */
      return g_strdup_printf (_("Runs, traced: %s"), arg);
    case LAB_NOTE_PROGRAM_FORKED:
      {
        int child = 0, parent = 0;

        if (sscanf (arg, "%d %d", &child, &parent) != 2)
          return g_strdup (arg);
        /* Translators: %d are process numbers. */
        return g_strdup_printf (_("Process %d made a new process, %d: it has the same sockets"), parent, child);
      }
    case LAB_NOTE_PROGRAM_EXITED:
      return lab_event_dup_exit_text (arg);
    default:
      return g_strdup (arg);
    }
}

/* "PID exit N" or "PID signal N", in words */
static char *
lab_event_dup_exit_text (const char *arg)
{
  int pid = 0, value = 0;
  char how[16] = "";
  const char *name;

  if (sscanf (arg, "%d %15s %d", &pid, how, &value) != 3)
    return g_strdup (arg);
  if (strcmp (how, "signal") != 0)
    /* Translators: %d are a process number and its exit status. */
    return g_strdup_printf (_("Process %d ended with exit status %d"), pid, value);
  name = sigabbrev_np (value);
  /* Translators: the first %d is a process number; then a signal's name and number, e.g. “SIGSEGV (11)”. */
  return g_strdup_printf (_("Process %d was ended by the signal SIG%s (%d)"), pid, name != NULL ? name : "?", value);
}

/**
 * lab_event_dup_icmp_text:
 *
 * Returns: (nullable): the ICMP header of the bytes of a ping's data event
 *   (an address with no port: ICMP has none), field by field, in the
 *   language of the moment; %NULL for any other event
 */
char *
lab_event_dup_icmp_text (LabEvent *self)
{
  GBytes *bytes;
  gsize len = 0;
  const guint8 *data;

  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);

  if (self->record.kind != LAB_EVENT_DATA || self->record.address.family != AF_INET ||
      self->record.address.port != 0 || (bytes = lab_event_get_bytes (self)) == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return lab_icmp_describe (data, len);
}

/**
 * lab_event_get_host_name:
 *
 * Returns: the lab host a packet left, or %NULL for any other event
 */
const char *
lab_event_get_host_name (LabEvent *self)
{
  g_return_val_if_fail (LAB_IS_EVENT (self), NULL);

  if (self->record.kind != LAB_EVENT_PACKET || self->record.sub >= lab_network_get_n_hosts ())
    return NULL;
  return lab_network_get_host (self->record.sub)->name;
}

/**
 * lab_event_dup_summary:
 *
 * Returns: the event in one line of words, in the current language, with
 *   received bytes escaped: never a control character
 */
char *
lab_event_dup_summary (LabEvent *self)
{
  switch ((LabEventKind) self->record.kind)
    {
    case LAB_EVENT_CALL:
      {
        g_autofree char *args = lab_event_dup_args (self);
        g_autofree char *result = lab_event_dup_result (self);
        const char *err_name = lab_event_get_errno_name (self);

        if (!lab_event_get_finished (self))
          /* Translators: a call still blocked; %s (%s) is the call and its arguments. */
          return g_strdup_printf (_("%s (%s) … waiting"), lab_call_get_name (self->record.call), args);
        if (err_name != NULL)
          return g_strdup_printf ("%s (%s) → %s %s (%s)", lab_call_get_name (self->record.call), args, result, err_name,
                                  lab_errno_message (self->record.err));
        if (result[0] == '\0')
          return g_strdup_printf ("%s (%s)", lab_call_get_name (self->record.call), args);
        return g_strdup_printf ("%s (%s) → %s", lab_call_get_name (self->record.call), args, result);
      }

    case LAB_EVENT_STATE:
      {
        GString *out = g_string_new (NULL);
        LabTcpState unseen[LAB_TCP_MAX_UNSEEN];
        guint n_unseen = lab_event_get_unseen (self, unseen);

        /* Translators: a TCP state reported by the kernel; the names (ESTABLISHED…) stay as they are. */
        g_string_append_printf (out, _("TCP state %s"), lab_tcp_state_to_string (self->record.sub));
        if (self->record.previous != LAB_TCP_UNKNOWN)
          /* Translators: the TCP state a socket was in before. */
          g_string_append_printf (out, _(" (was %s)"), lab_tcp_state_to_string (self->record.previous));
        if (n_unseen > 0)
          {
            g_autoptr(GString) names = g_string_new (NULL);

            for (guint i = 0; i < n_unseen; i++)
              g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", lab_tcp_state_to_string (unseen[i]));
            /* Translators: states a connection went through too fast for the lab to see, as the RFC's diagram
             * says it must have; %s is a list of names (FIN_WAIT_1, FIN_WAIT_2), which stay as they are. */
            g_string_append_printf (out, _(", passing unseen through %s"), names->str);
          }
        if (lab_record_has (&self->record, LAB_RECORD_HAS_QUEUE))
          /* Translators: connections waiting in a listening socket's accept queue, of the most it holds. */
          g_string_append_printf (out, _(", accept queue %u of %u"), self->record.queue_len, self->record.queue_limit);
        return g_string_free (out, FALSE);
      }

    case LAB_EVENT_DATA:
      {
        gsize len = 0;
        GBytes *bytes = lab_event_get_bytes (self);
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
        g_autofree char *text = data != NULL ? lab_text_escape (data, len, 64) : NULL;
        GString *out = g_string_new (NULL);

        if (self->record.sub == LAB_DIRECTION_IN)
          /* Translators: bytes received; %lu is a count, %s the bytes as escaped text. */
          g_string_append_printf (out, ngettext ("← in %lu byte", "← in %lu bytes", self->record.real_len),
                                  (gulong) self->record.real_len);
        else
          g_string_append_printf (out, ngettext ("→ out %lu byte", "→ out %lu bytes", self->record.real_len),
                                  (gulong) self->record.real_len);
        if (lab_event_get_truncated (self))
          /* Translators: a datagram cut to the receive buffer; %lu is how many bytes were kept. */
          g_string_append_printf (out, _(" (truncated: %lu kept)"), (gulong) len);
        if (text != NULL)
          g_string_append_printf (out, ": %s", text);
        else if (self->record.real_len > 0)
          g_string_append (out, _(": (bytes dropped to stay within the payload limit)"));
        /* A ping's: its ICMP header, field by field */
        {
          g_autofree char *icmp = lab_event_dup_icmp_text (self);

          if (icmp != NULL)
            {
              g_strdelimit (icmp, "\n", ' ');
              g_string_append_printf (out, " — %s", icmp);
            }
        }
        return g_string_free (out, FALSE);
      }

    case LAB_EVENT_NOTE:
      return dup_note_text (self);

    case LAB_EVENT_PACKET:
      {
        LabWireInfo wire;

        lab_wire_describe_event (self, &wire);
        return lab_wire_summary (&wire);
      }

    case LAB_EVENT_TCP_SAMPLE:
      {
        LabTcpSample sample;

        if (!lab_event_get_tcp_sample (self, &sample))
          return g_strdup ("");
        return lab_tcp_sample_text (&sample);
      }

    default:
      g_assert_not_reached ();
    }
}
