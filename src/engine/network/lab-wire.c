/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <glib/gi18n.h>

#include "lab-call.h"
#include "lab-capture.h"
#include "lab-event-private.h"
#include "lab-icmp.h"
#include "lab-network.h"
#include "lab-timeline-private.h"
#include "lab-link.h"
#include "lab-wire.h"

/* A TCP connection as the wire shows it: its two ends, the lower first. */
typedef struct {
  guint8  family;
  guint8  addr[2][16];
  guint16 port[2];
} FlowKey;

typedef struct {
  FlowKey key;
  guint32 isn[2];
  gboolean known[2];
  /* The number after the last byte each end has sent, once it sent any */
  guint32 next[2];
  gboolean sent[2];
  /* The last ACK each end sent, its window, and how many times in a row
   * it said the same, once it sent any */
  guint32 ack[2];
  guint16 window[2];
  guint8 dup[2];
  gboolean acked[2];
} Flow;

struct _LabTcpFlows
{
  GHashTable *flows;            /* FlowKey → Flow */
};

/* Flows kept at most: a connection older than this many is forgotten,
 * and its packets lose their relative numbers. */
#define MAX_FLOWS 65536

static guint
flow_hash (gconstpointer key)
{
  const FlowKey *k = key;
  guint h = k->family;

  for (guint i = 0; i < 2; i++)
    {
      for (guint j = 0; j < 16; j += 4)
        h = h * 31 + ((guint) k->addr[i][j] << 24 | (guint) k->addr[i][j + 1] << 16 |
                      (guint) k->addr[i][j + 2] << 8 | k->addr[i][j + 3]);
      h = h * 31 + k->port[i];
    }
  return h;
}

static gboolean
flow_equal (gconstpointer a,
            gconstpointer b)
{
  return memcmp (a, b, sizeof (FlowKey)) == 0;
}

LabTcpFlows *
lab_tcp_flows_new (void)
{
  LabTcpFlows *self = g_new0 (LabTcpFlows, 1);

  self->flows = g_hash_table_new_full (flow_hash, flow_equal, NULL, g_free);
  return self;
}

void
lab_tcp_flows_free (LabTcpFlows *self)
{
  g_hash_table_unref (self->flows);
  g_free (self);
}

/* The key of @info's connection, and which end (0 or 1) sent it. */
static guint
flow_key (const LabPacketInfo *info,
          FlowKey             *key)
{
  gsize len = info->family == AF_INET6 ? 16 : 4;
  int order;

  memset (key, 0, sizeof *key);
  key->family = (guint8) info->family;
  order = memcmp (info->src, info->dst, len);
  if (order == 0)
    order = (int) info->sport - (int) info->dport;
  if (order <= 0)
    {
      memcpy (key->addr[0], info->src, len);
      memcpy (key->addr[1], info->dst, len);
      key->port[0] = info->sport;
      key->port[1] = info->dport;
      return 0;
    }
  memcpy (key->addr[0], info->dst, len);
  memcpy (key->addr[1], info->src, len);
  key->port[0] = info->dport;
  key->port[1] = info->sport;
  return 1;
}

/* What a segment without bytes, SYN, FIN or RST that @from sends says of
 * the flow, before it is learnt: the receiver's window opening, a probe
 * of a window that was closed, the same ACK again while bytes are on
 * their way. */
static guint8
see_marks (Flow                *flow,
           guint                from,
           const LabPacketInfo *info,
           guint8              *dup)
{
  guint other = 1 - from;
  gboolean pure = info->payload_len == 0 && (info->tcp_flags & (LAB_TCP_SYN | LAB_TCP_FIN | LAB_TCP_RST)) == 0;
  guint8 marks = 0;

  *dup = 0;
  if ((info->tcp_flags & LAB_TCP_ACK) == 0 || (info->tcp_flags & (LAB_TCP_SYN | LAB_TCP_RST)) != 0)
    return 0;
  if (info->window == 0)
    marks |= LAB_TCP_FLOWS_ZERO_WINDOW;
  /* Linux probes a closed window with the byte before its next: a
   * segment the receiver must answer, with its window */
  if (pure && flow->acked[other] && flow->window[other] == 0 && flow->sent[from] &&
      info->seq == flow->next[from] - 1)
    marks |= LAB_TCP_FLOWS_WINDOW_PROBE;
  if (pure && flow->acked[from] && info->ack == flow->ack[from])
    {
      if (info->window != flow->window[from])
        marks |= LAB_TCP_FLOWS_WINDOW_UPDATE;
      else if (info->window != 0 && flow->sent[other] && (gint32) (flow->next[other] - info->ack) > 0)
        *dup = flow->dup[from] = (guint8) MIN (flow->dup[from] + 1, G_MAXUINT8);
    }
  if (*dup == 0)
    flow->dup[from] = 0;
  flow->ack[from] = info->ack;
  flow->window[from] = info->window;
  flow->acked[from] = TRUE;
  return marks;
}

/**
 * lab_tcp_flows_see:
 * @bases: (out): the sender's initial sequence number in the high 32 bits,
 *   the receiver's in the low
 * @known: (out): bit 0 the sender's is known, bit 1 the receiver's, and
 *   the marks LAB_TCP_FLOWS_RETRANSMISSION and on
 * @dup: (out): which duplicate ACK in a row it is, 0 when none
 *
 * Learns from a TCP segment: a SYN gives its sender's initial number (a
 * SYN without ACK opens the connection anew).
 */
void
lab_tcp_flows_see (LabTcpFlows         *self,
                   const LabPacketInfo *info,
                   guint64             *bases,
                   guint8              *known,
                   guint8              *dup)
{
  FlowKey key;
  guint from = flow_key (info, &key);
  Flow *flow = g_hash_table_lookup (self->flows, &key);
  guint32 numbers;

  *bases = 0;
  *known = 0;
  *dup = 0;
  if (info->proto != LAB_PACKET_TCP)
    return;

  if ((info->tcp_flags & LAB_TCP_SYN) != 0)
    {
      if (flow == NULL || (info->tcp_flags & LAB_TCP_ACK) == 0)
        {
          if (flow == NULL && g_hash_table_size (self->flows) >= MAX_FLOWS)
            g_hash_table_remove_all (self->flows);
          if (flow == NULL)
            {
              flow = g_new0 (Flow, 1);
              flow->key = key;
              g_hash_table_add (self->flows, flow);
            }
          memset (&flow->next, 0, sizeof *flow - G_STRUCT_OFFSET (Flow, next));
          flow->known[0] = flow->known[1] = FALSE;
        }
      flow->isn[from] = info->seq;
      flow->known[from] = TRUE;
    }
  if (flow == NULL)
    return;

  *bases = (guint64) flow->isn[from] << 32 | flow->isn[1 - from];
  *known = (flow->known[from] ? 1 : 0) | (flow->known[1 - from] ? 2 : 0);
  *known |= see_marks (flow, from, info, dup);

  /* Bytes this end sent before: a retransmission. A probe of no byte is
   * none. A SYN or a FIN counts one number after its bytes. */
  numbers = info->payload_len + ((info->tcp_flags & (LAB_TCP_SYN | LAB_TCP_FIN)) != 0);
  if (info->payload_len > 0 && flow->sent[from] && (gint32) (info->seq - flow->next[from]) < 0)
    *known |= LAB_TCP_FLOWS_RETRANSMISSION;
  if (numbers > 0)
    {
      guint32 end = info->seq + numbers;

      if (!flow->sent[from] || (gint32) (end - flow->next[from]) > 0)
        flow->next[from] = end;
      flow->sent[from] = TRUE;
    }
}

/* The lab's TCP sockets, by their peer's address and port and their own
 * port: each end of a connection, on whatever host, is known this way. */

typedef struct {
  guint8  family;
  guint8  addr[16];
  guint16 peer_port;
  guint16 local_port;
} SockKey;

static GMutex registry_lock;
static GHashTable *registry;     /* SockKey → guint64 conn */

static guint
sock_hash (gconstpointer key)
{
  const SockKey *k = key;
  guint h = (guint) k->family << 16 ^ k->peer_port ^ (guint) k->local_port << 8;

  for (guint i = 0; i < 16; i++)
    h = h * 31 + k->addr[i];
  return h;
}

static gboolean
sock_equal (gconstpointer a,
            gconstpointer b)
{
  return memcmp (a, b, sizeof (SockKey)) == 0;
}

/**
 * lab_wire_register:
 *
 * Says which lab connection a TCP socket carries, once its own port and
 * its peer are known: the packets it sends are then known as its.
 */
void
lab_wire_register (GSocketAddress *peer,
                   guint16         local_port,
                   guint64         conn)
{
  SockKey *key;
  GInetAddress *address;
  gsize len;

  if (!G_IS_INET_SOCKET_ADDRESS (peer) || conn == 0)
    return;

  key = g_new0 (SockKey, 1);
  address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer));
  len = g_inet_address_get_native_size (address);
  key->family = len == 16 ? AF_INET6 : AF_INET;
  memcpy (key->addr, g_inet_address_to_bytes (address), MIN (len, sizeof key->addr));
  key->peer_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (peer));
  key->local_port = local_port;

  g_mutex_lock (&registry_lock);
  if (registry == NULL || g_hash_table_size (registry) >= MAX_FLOWS)
    {
      g_clear_pointer (&registry, g_hash_table_unref);
      registry = g_hash_table_new_full (sock_hash, sock_equal, g_free, g_free);
    }
  g_hash_table_replace (registry, key, g_memdup2 (&conn, sizeof conn));
  g_mutex_unlock (&registry_lock);
}

static guint64
lookup_sender (const LabPacketInfo *info)
{
  SockKey key;
  const guint64 *conn = NULL;
  guint64 found;

  memset (&key, 0, sizeof key);
  key.family = (guint8) info->family;
  memcpy (key.addr, info->dst, info->family == AF_INET6 ? 16 : 4);
  key.peer_port = info->dport;
  key.local_port = info->sport;

  g_mutex_lock (&registry_lock);
  if (registry != NULL)
    conn = g_hash_table_lookup (registry, &key);
  found = conn != NULL ? *conn : 0;
  g_mutex_unlock (&registry_lock);
  return found;
}

/* The lab host each endpoint runs on, by its id: a SYN of a connect ()
 * that failed is known by its host and where it went. */
static GMutex hosts_lock;
static GHashTable *endpoint_hosts;    /* endpoint id → host + 1 */

void
lab_wire_set_endpoint_host (guint endpoint_id,
                            int   host)
{
  g_mutex_lock (&hosts_lock);
  if (endpoint_hosts == NULL)
    endpoint_hosts = g_hash_table_new (NULL, NULL);
  if (host >= 0)
    g_hash_table_insert (endpoint_hosts, GUINT_TO_POINTER (endpoint_id), GINT_TO_POINTER (host + 1));
  else
    g_hash_table_remove (endpoint_hosts, GUINT_TO_POINTER (endpoint_id));
  g_mutex_unlock (&hosts_lock);
}

static int
endpoint_host (guint endpoint_id)
{
  int host;

  g_mutex_lock (&hosts_lock);
  host = endpoint_hosts != NULL ? GPOINTER_TO_INT (g_hash_table_lookup (endpoint_hosts,
                                                                       GUINT_TO_POINTER (endpoint_id))) - 1 : -1;
  g_mutex_unlock (&hosts_lock);
  return host;
}

/* How far from a packet, in rows, the event it is tied to is looked for */
#define NEAR_ROWS 4096

typedef gboolean (*RecordMatch) (const LabRecord   *record,
                                 const LabWireInfo *wire,
                                 guint              ops);

/* The record nearest to the packet numbered @seq that @match takes, both
 * ways, for the call's or the data's record may come before or after the
 * packet's: a send's data event is recorded when the send returns, mostly
 * after its segment left. */
static const LabRecord *
find_near (LabTimeline       *timeline,
           guint64            seq,
           RecordMatch        match,
           const LabWireInfo *wire,
           guint              ops)
{
  guint at = lab_timeline_find (timeline, seq);

  if (at == G_MAXUINT)
    return NULL;
  for (guint n = 1; n <= NEAR_ROWS; n++)
    {
      guint i = n % 2 == 1 ? at + (n + 1) / 2 : at - n / 2;
      const LabRecord *r = n % 2 == 0 && at < n / 2 ? NULL : lab_timeline_get_record (timeline, i);

      if (r != NULL && match (r, wire, ops))
        return r;
    }
  return NULL;
}

/* The data event of the sender's that holds the segment's first byte */
static gboolean
carries_start (const LabRecord   *r,
               const LabWireInfo *wire,
               guint              ops)
{
  return r->kind == LAB_EVENT_DATA && r->conn == (guint32) wire->conn && r->sub == LAB_DIRECTION_OUT &&
         r->offset <= wire->stream_start && wire->stream_start < r->offset + r->real_len;
}

/* A call of the sender's connection, of one of @ops */
static gboolean
is_call_of (const LabRecord   *r,
            const LabWireInfo *wire,
            guint              ops)
{
  return r->kind == LAB_EVENT_CALL && !lab_record_has (r, LAB_RECORD_INSTRUMENTATION) &&
         r->conn == (guint32) wire->conn && (ops & (1u << r->op)) != 0;
}

/* A connect () to where the SYN goes, made on the host it left: the one
 * of a connection that never had a port of its own known to the lab (a
 * refused one). @ops carries the packet's host. */
static gboolean
is_connect_to (const LabRecord   *r,
               const LabWireInfo *wire,
               guint              host)
{
  gsize len = wire->info.family == AF_INET6 ? 16 : 4;

  return r->kind == LAB_EVENT_CALL && r->op == LAB_OP_CONNECT && !lab_record_has (r, LAB_RECORD_INSTRUMENTATION) &&
         r->address.family == wire->info.family && r->address.port == wire->info.dport &&
         memcmp (r->address.bytes, wire->info.dst, len) == 0 && endpoint_host (r->endpoint_id) == (int) host;
}

static void
find_data (LabTimeline *timeline,
           guint64      seq,
           LabWireInfo *out)
{
  const LabRecord *r = find_near (timeline, seq, carries_start, out, 0);
  guint at;

  if (r == NULL)
    return;
  out->data_seq = r->seq;
  out->data_endpoint = lab_timeline_get_run_name (timeline, r->endpoint_id, r->run);
  out->data_thread = r->thread;

  /* The call that sent them: its thread's send nearest its data event */
  at = lab_timeline_find (timeline, r->seq);
  for (guint n = 1; at != G_MAXUINT && n <= 64; n++)
    {
      guint i = n % 2 == 1 ? at - (n + 1) / 2 : at + n / 2;
      const LabRecord *c = n % 2 == 1 && at < (n + 1) / 2 ? NULL : lab_timeline_get_record (timeline, i);

      if (c != NULL && c->kind == LAB_EVENT_CALL && (c->op == LAB_OP_SEND || c->op == LAB_OP_SENDTO) &&
          !lab_record_has (c, LAB_RECORD_INSTRUMENTATION) && c->endpoint_id == r->endpoint_id && c->run == r->run &&
          c->thread == r->thread)
        {
          out->data_call = lab_call_get_name ((LabCall) c->call);
          break;
        }
    }
}

static void
set_call (LabTimeline     *timeline,
          const LabRecord *r,
          LabWireInfo     *out)
{
  out->call_seq = r->seq;
  out->call_name = lab_call_get_name ((LabCall) r->call);
  out->call_endpoint = lab_timeline_get_run_name (timeline, r->endpoint_id, r->run);
  out->call_thread = r->thread;
}

/* The call of the sender's connection, of one of @ops, nearest to the
 * packet: the segment it made the kernel send. */
static void
find_call (LabTimeline *timeline,
           guint64      seq,
           guint        ops,
           LabWireInfo *out)
{
  const LabRecord *r = find_near (timeline, seq, is_call_of, out, ops);

  if (r != NULL)
    set_call (timeline, r, out);
}

/* Whether @r ends the sending side of the sender's connection: its
 * close (), or a shutdown () of SHUT_WR or SHUT_RDWR. */
static gboolean
ends_sending (const LabRecord   *r,
              const LabWireInfo *wire,
              guint              ops)
{
  return is_call_of (r, wire, 1u << LAB_OP_CLOSE | 1u << LAB_OP_SHUTDOWN) &&
         (r->op == LAB_OP_CLOSE || r->args[0] != SHUT_RD);
}

/* A FIN is the first call that ended the sending side, not the nearest:
 * after a shutdown (SHUT_WR), the close () that follows sends no FIN of
 * its own, though it may be nearer the FIN's row than the shutdown (). */
static void
find_fin_call (LabTimeline *timeline,
               guint64      seq,
               LabWireInfo *out)
{
  guint at = lab_timeline_find (timeline, seq);
  const LabRecord *first = NULL;

  if (at == G_MAXUINT)
    return;
  for (guint i = at > NEAR_ROWS / 2 ? at - NEAR_ROWS / 2 : 0; i <= at + NEAR_ROWS / 2; i++)
    {
      const LabRecord *r = lab_timeline_get_record (timeline, i);

      if (r == NULL)
        break;
      if (ends_sending (r, out, 0) && (first == NULL || r->seq < first->seq))
        first = r;
    }
  if (first != NULL)
    set_call (timeline, first, out);
}

/* A SYN without ACK is connect ()'s; a FIN, the close () or shutdown ()
 * that ended the sending side; an RST from a connection the lab holds, its
 * close ()'s (with bytes left unread, or SO_LINGER 0). Everything else the
 * kernel sends by itself. */
static void
find_cause (LabTimeline *timeline,
            guint64      seq,
            LabWireInfo *out)
{
  guint8 flags = out->info.tcp_flags;

  if (out->conn == 0 && (flags & LAB_TCP_SYN) != 0 && (flags & LAB_TCP_ACK) == 0)
    {
      const LabRecord *r = find_near (timeline, seq, is_connect_to, out, out->host_index);

      if (r != NULL)
        set_call (timeline, r, out);
      return;
    }
  if (out->conn == 0)
    return;
  if ((flags & LAB_TCP_SYN) != 0 && (flags & LAB_TCP_ACK) == 0)
    find_call (timeline, seq, 1u << LAB_OP_CONNECT, out);
  else if ((flags & LAB_TCP_RST) != 0)
    find_call (timeline, seq, 1u << LAB_OP_CLOSE, out);
  else if ((flags & LAB_TCP_FIN) != 0)
    find_fin_call (timeline, seq, out);
}

/* ---- ICMP echo: a ping's requests and replies ----
 *
 * A request on the wire is the bytes of one sendto () of a ping; a reply,
 * of one recvfrom (), IP header first on a raw socket. Each is known by
 * its addresses, its type and sequence number, and the first bytes after
 * its header (the time the request left, which the reply echoes), not by
 * its identifier, which the kernel picks on ICMP's datagram socket. */

typedef struct {
  const LabWireInfo *wire;
  LabTimeline       *timeline;
  const guint8      *payload;    /* the packet's bytes after the ICMP header */
  gsize              payload_len;
} EchoMatch;

static gboolean
same_address (const LabRecord *r,
              const guint8    *addr)
{
  return r->address.family == AF_INET && memcmp (r->address.bytes, addr, 4) == 0;
}

static gboolean
carries_echo (const LabRecord *r,
              const EchoMatch *m)
{
  const LabWireInfo *wire = m->wire;
  gboolean request = wire->info.icmp_type == LAB_ICMP_ECHO_REQUEST;
  guint32 icmp_len = wire->info.payload_len + LAB_ICMP_HEADER_LEN;
  g_autoptr(LabEvent) event = NULL;
  GBytes *bytes;
  const guint8 *data;
  gsize len, at = 0;

  if (r->kind != LAB_EVENT_DATA || r->sub != (request ? LAB_DIRECTION_OUT : LAB_DIRECTION_IN) ||
      !same_address (r, request ? wire->info.dst : wire->info.src) ||
      (r->real_len != icmp_len && r->real_len != icmp_len + wire->info.ip_header_len))
    return FALSE;

  event = lab_timeline_dup_event (m->timeline, r);
  if ((bytes = lab_event_peek_blob (event)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  if (r->real_len != icmp_len)
    at = wire->info.ip_header_len;
  if (len < at + LAB_ICMP_HEADER_LEN || data[at] != wire->info.icmp_type ||
      (guint16) (data[at + 6] << 8 | data[at + 7]) != wire->info.icmp_seq)
    return FALSE;
  /* The bytes after the header, as far as both were kept */
  len -= at + LAB_ICMP_HEADER_LEN;
  return memcmp (data + at + LAB_ICMP_HEADER_LEN, m->payload, MIN (MIN (len, m->payload_len), 16)) == 0;
}

/* The call of @r's thread that gave or took its bytes: the one of @op
 * made last before its data event. */
static const LabRecord *
call_of_data (LabTimeline     *timeline,
              const LabRecord *r,
              LabOp            op)
{
  guint at = lab_timeline_find (timeline, r->seq);

  for (guint n = 1; at != G_MAXUINT && n <= 64 && n <= at; n++)
    {
      const LabRecord *c = lab_timeline_get_record (timeline, at - n);

      if (c != NULL && c->kind == LAB_EVENT_CALL && c->op == op && !lab_record_has (c, LAB_RECORD_INSTRUMENTATION) &&
          c->endpoint_id == r->endpoint_id && c->run == r->run && c->thread == r->thread)
        return c;
    }
  return NULL;
}

static void
find_echo (LabTimeline  *timeline,
           guint64       seq,
           const guint8 *frame,
           gsize         frame_len,
           LabWireInfo  *out)
{
  EchoMatch m = { out, timeline, NULL, 0 };
  gboolean request = out->info.icmp_type == LAB_ICMP_ECHO_REQUEST;
  const LabRecord *r = NULL, *call;
  guint at = lab_timeline_find (timeline, seq);

  if (out->info.payload_offset < frame_len)
    {
      m.payload = frame + out->info.payload_offset;
      m.payload_len = MIN (out->info.captured_payload, frame_len - out->info.payload_offset);
    }
  if (at == G_MAXUINT)
    return;
  for (guint n = 1; n <= NEAR_ROWS && r == NULL; n++)
    {
      guint i = n % 2 == 1 ? at + (n + 1) / 2 : at - n / 2;
      const LabRecord *c = n % 2 == 0 && at < n / 2 ? NULL : lab_timeline_get_record (timeline, i);

      if (c != NULL && carries_echo (c, &m))
        r = c;
    }
  if (r == NULL)
    return;

  out->conn = r->conn;
  out->data_seq = r->seq;
  out->data_received = !request;
  out->data_endpoint = lab_timeline_get_run_name (timeline, r->endpoint_id, r->run);
  out->data_thread = r->thread;
  call = call_of_data (timeline, r, request ? LAB_OP_SENDTO : LAB_OP_RECVFROM);
  if (call != NULL)
    {
      out->data_call = lab_call_get_name ((LabCall) call->call);
      set_call (timeline, call, out);
    }
}

/* ---- UDP: a datagram is one sendto () ----
 *
 * A datagram on the wire is the bytes of one sendto () (or send () on a
 * connected socket), whole: it is known by the host it left, where it
 * goes (address and port), its length and its first bytes; of two alike,
 * the nearest in the timeline, as they are sent in order. */

typedef struct {
  const LabWireInfo *wire;
  LabTimeline       *timeline;
  const guint8      *payload;
  gsize              payload_len;
} DatagramMatch;

static gboolean
sent_to (const LabRecord   *r,
         const LabWireInfo *wire)
{
  gsize len = wire->info.family == AF_INET6 ? 16 : 4;

  return r->kind == LAB_EVENT_DATA && r->sub == LAB_DIRECTION_OUT && r->address.family == wire->info.family &&
         r->address.port == wire->info.dport && memcmp (r->address.bytes, wire->info.dst, len) == 0 &&
         r->real_len == wire->info.payload_len;
}

static gboolean
carries_datagram (const LabRecord     *r,
                  const DatagramMatch *m)
{
  g_autoptr(LabEvent) event = NULL;
  GBytes *bytes;
  const guint8 *data;
  gsize len;

  if (!sent_to (r, m->wire) || endpoint_host (r->endpoint_id) != (int) m->wire->host_index)
    return FALSE;
  event = lab_timeline_dup_event (m->timeline, r);
  if ((bytes = lab_event_peek_blob (event)) == NULL)
    return m->payload_len == 0;
  data = g_bytes_get_data (bytes, &len);
  return memcmp (data, m->payload, MIN (MIN (len, m->payload_len), 32)) == 0;
}

static void
find_datagram (LabTimeline  *timeline,
               guint64       seq,
               const guint8 *frame,
               gsize         frame_len,
               LabWireInfo  *out)
{
  DatagramMatch m = { out, timeline, NULL, 0 };
  const LabRecord *r = NULL, *call;
  guint at = lab_timeline_find (timeline, seq);

  if (out->info.payload_offset < frame_len)
    {
      m.payload = frame + out->info.payload_offset;
      m.payload_len = MIN (out->info.captured_payload, frame_len - out->info.payload_offset);
    }
  if (at == G_MAXUINT)
    return;
  for (guint n = 1; n <= NEAR_ROWS && r == NULL; n++)
    {
      guint i = n % 2 == 1 ? at + (n + 1) / 2 : at - n / 2;
      const LabRecord *c = n % 2 == 0 && at < n / 2 ? NULL : lab_timeline_get_record (timeline, i);

      if (c != NULL && carries_datagram (c, &m))
        r = c;
    }
  if (r == NULL)
    return;

  out->conn = r->conn;
  out->stream_start = r->offset;
  out->stream_end = r->offset + r->real_len;
  out->data_seq = r->seq;
  out->data_endpoint = lab_timeline_get_run_name (timeline, r->endpoint_id, r->run);
  out->data_thread = r->thread;
  if ((call = call_of_data (timeline, r, LAB_OP_SENDTO)) == NULL)
    call = call_of_data (timeline, r, LAB_OP_SEND);
  if (call != NULL)
    {
      out->data_call = lab_call_get_name ((LabCall) call->call);
      set_call (timeline, call, out);
    }
}

/* What @event is; with @find, the call and the data it is tied to too,
 * which a search of the rows around it finds. */
static gboolean
describe (LabEvent    *event,
          LabWireInfo *out,
          gboolean     find)
{
  const LabRecord *record = lab_event_get_record (event);
  GBytes *bytes;
  const guint8 *data = NULL;
  gsize len = 0;

  memset (out, 0, sizeof *out);
  if (record->kind != LAB_EVENT_PACKET)
    return FALSE;

  if ((bytes = lab_event_peek_blob (event)) != NULL)
    data = g_bytes_get_data (bytes, &len);
  out->host = record->sub < lab_network_get_n_hosts () ? lab_network_get_host (record->sub)->name : "?";
  out->host_index = record->sub;
  out->interface = record->fd >= 0 && record->fd <= LAB_CAPTURE_LINK ? lab_capture_interface_name ((guint) record->fd)
                                                                     : "?";
  out->wire_len = record->real_len;
  if (record->fd == LAB_CAPTURE_LINK)
    {
      out->link_verdict = record->link_verdict;
      out->link_value = record->link_value;
    }
  out->decoded = data != NULL && lab_packet_decode (data, len, record->real_len, &out->info);
  if (out->decoded && out->info.proto == LAB_PACKET_ICMP && out->info.family == AF_INET &&
      (out->info.icmp_type == LAB_ICMP_ECHO_REQUEST || out->info.icmp_type == LAB_ICMP_ECHO_REPLY))
    {
      if (find)
        find_echo (event->timeline, record->seq, data, len, out);
      return TRUE;
    }
  if (out->decoded && out->info.proto == LAB_PACKET_UDP && out->info.family != 0 && !out->info.truncated &&
      !out->info.malformed)
    {
      if (find)
        find_datagram (event->timeline, record->seq, data, len, out);
      return TRUE;
    }
  if (!out->decoded || out->info.proto != LAB_PACKET_TCP)
    return TRUE;

  out->has_seq_base = (record->previous & 1) != 0;
  out->has_ack_base = (record->previous & 2) != 0;
  /* Told by the capture, which sees every segment leave; the link sees
   * only those it holds or drops */
  if (record->fd != LAB_CAPTURE_LINK)
    {
      out->retransmission = (record->previous & LAB_TCP_FLOWS_RETRANSMISSION) != 0;
      out->zero_window = (record->previous & LAB_TCP_FLOWS_ZERO_WINDOW) != 0;
      out->window_probe = (record->previous & LAB_TCP_FLOWS_WINDOW_PROBE) != 0;
      out->window_update = (record->previous & LAB_TCP_FLOWS_WINDOW_UPDATE) != 0;
      out->dup_ack = record->dup_ack;
    }
  out->seq_base = (guint32) (record->offset >> 32);
  out->ack_base = (guint32) record->offset;
  out->conn = lookup_sender (&out->info);

  /* Its bytes: the SYN counts one number, so byte 0 of the stream is the
   * number after the initial one. */
  if (out->conn != 0 && out->has_seq_base && out->info.payload_len > 0)
    {
      out->stream_start = (guint32) (out->info.seq - out->seq_base - 1);
      out->stream_end = out->stream_start + out->info.payload_len;
      if (find)
        find_data (event->timeline, record->seq, out);
    }
  if (find)
    find_cause (event->timeline, record->seq, out);
  return TRUE;
}

/**
 * lab_wire_describe_event:
 * @event: a packet event
 *
 * Returns: whether @event is a packet; @out then says what it is
 */
gboolean
lab_wire_describe_event (LabEvent    *event,
                         LabWireInfo *out)
{
  return describe (event, out, TRUE);
}

/**
 * lab_wire_describe_packet:
 *
 * As lab_wire_describe_event(), without the search for the call and the
 * data it is tied to: what a chart of many packets needs, at little cost.
 */
gboolean
lab_wire_describe_packet (LabEvent    *event,
                          LabWireInfo *out)
{
  return describe (event, out, FALSE);
}

/* A ping's peer: an IPv4 address, and no port (ICMP has none) */
static gboolean
is_icmp_peer (const LabRecord *r)
{
  return r->address.family == AF_INET && r->address.port == 0;
}

/* How far after a send call, in rows, its data event is looked for */
#define CALL_LOOKAHEAD 64

/**
 * lab_wire_data_of:
 * @event: an event of the timeline
 *
 * Returns: the number of the data event whose bytes @event gave the
 *   wire: its own for data sent, the one a send call recorded for a send;
 *   0 for any other
 */
guint64
lab_wire_data_of (LabEvent *event)
{
  const LabRecord *call = lab_event_get_record (event);
  guint at;

  LabDirection direction = call->op == LAB_OP_RECVFROM ? LAB_DIRECTION_IN : LAB_DIRECTION_OUT;

  /* Data received is on the wire only as a ping's echo reply: bytes from
   * an IPv4 address with no port */
  if (call->kind == LAB_EVENT_DATA)
    return call->sub == LAB_DIRECTION_OUT || is_icmp_peer (call) ? call->seq : 0;
  if (call->kind != LAB_EVENT_CALL ||
      (call->op != LAB_OP_SEND && call->op != LAB_OP_SENDTO && call->op != LAB_OP_RECVFROM) ||
      (at = lab_timeline_find (event->timeline, call->seq)) == G_MAXUINT)
    return 0;

  /* A send's data event follows it, on its thread, when it returns. */
  for (guint i = at + 1; i <= at + CALL_LOOKAHEAD; i++)
    {
      const LabRecord *r = lab_timeline_get_record (event->timeline, i);

      if (r == NULL)
        break;
      if (r->endpoint_id != call->endpoint_id || r->thread != call->thread)
        continue;
      /* A UDP server's sendto () is on its one socket; its data event, of
       * the peer it answers */
      if (r->kind == LAB_EVENT_DATA && r->sub == direction && (r->conn == call->conn || call->op == LAB_OP_SENDTO))
        return direction == LAB_DIRECTION_OUT || is_icmp_peer (r) ? r->seq : 0;
      if (r->kind == LAB_EVENT_CALL)
        break;
    }
  return 0;
}

/**
 * lab_wire_first_packet:
 * @timeline: the timeline
 * @data_seq: the number of a data event sent
 *
 * Returns: the number of the first packet that carries bytes of it, in
 *   the timeline's order, or 0
 */
guint64
lab_wire_first_packet (LabTimeline *timeline,
                       guint64      data_seq)
{
  guint at = lab_timeline_find (timeline, data_seq);
  const LabRecord *data = at != G_MAXUINT ? lab_timeline_get_record (timeline, at) : NULL;

  if (data == NULL || data->kind != LAB_EVENT_DATA)
    return 0;

  /* Where find_data looks from a packet, looked at from its data: a
   * packet carries bytes of it when its first byte is among them. */
  for (guint i = at > NEAR_ROWS ? at - NEAR_ROWS : 0; i <= at + NEAR_ROWS; i++)
    {
      const LabRecord *r = lab_timeline_get_record (timeline, i);
      g_autoptr(LabEvent) event = NULL;
      LabWireInfo wire;

      if (r == NULL)
        {
          if (i > at)
            break;
          continue;
        }
      if (r->kind != LAB_EVENT_PACKET)
        continue;
      event = lab_timeline_dup_event (timeline, r);
      if (!describe (event, &wire, FALSE))
        continue;
      /* An echo request or reply, or a datagram: the one tied to this
       * data event, of its length */
      if (wire.decoded && wire.info.proto == LAB_PACKET_ICMP &&
          (wire.info.icmp_type == LAB_ICMP_ECHO_REQUEST || wire.info.icmp_type == LAB_ICMP_ECHO_REPLY))
        {
          if (wire.info.payload_len + LAB_ICMP_HEADER_LEN <= data->real_len &&
              describe (event, &wire, TRUE) && wire.data_seq == data->seq)
            return r->seq;
          continue;
        }
      if (wire.decoded && wire.info.proto == LAB_PACKET_UDP)
        {
          if (sent_to (data, &wire) && describe (event, &wire, TRUE) && wire.data_seq == data->seq)
            return r->seq;
          continue;
        }
      if (data->sub == LAB_DIRECTION_OUT && (guint32) wire.conn == data->conn && wire.info.payload_len > 0 &&
          data->offset <= wire.stream_start && wire.stream_start < data->offset + data->real_len)
        return r->seq;
    }
  return 0;
}

/**
 * lab_wire_proto_name:
 *
 * Returns: the innermost protocol decoded, as JSON Lines names it: "tcp"
 */
const char *
lab_wire_proto_name (LabPacketProto proto)
{
  static const char *const names[] = { "other", "arp", "ipv4", "ipv6", "tcp", "udp", "icmp", "icmpv6" };

  return (guint) proto < G_N_ELEMENTS (names) ? names[proto] : "other";
}

static void
append_end (GString             *out,
            const LabPacketInfo *info,
            const guint8        *addr,
            guint16              port)
{
  char text[INET6_ADDRSTRLEN] = "";

  inet_ntop (info->family, addr, text, sizeof text);
  if (info->proto == LAB_PACKET_TCP || info->proto == LAB_PACKET_UDP)
    g_string_append_printf (out, info->family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, port);
  else
    g_string_append (out, text);
}

/**
 * lab_wire_end_text:
 * @source: the end it left, else the one it goes to
 *
 * Returns: that end, as the summary writes it: "10.80.0.1:48896",
 *   "[fd80::2]:7000", an address alone for a packet with no ports, or ""
 */
char *
lab_wire_end_text (const LabWireInfo *wire,
                   gboolean           source)
{
  GString *out = g_string_new (NULL);

  if (wire->decoded && wire->info.family != 0)
    append_end (out, &wire->info, source ? wire->info.src : wire->info.dst,
                source ? wire->info.sport : wire->info.dport);
  return g_string_free (out, FALSE);
}

static void
append_mark (GString    *out,
             const char *mark)
{
  g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", mark);
}

/**
 * lab_wire_marks_text:
 *
 * Returns: (nullable): what a TCP segment says of its flow beside its
 *   numbers, in words: "duplicate ACK 3", "window 0: the receiver's
 *   buffer is full"; %NULL when nothing
 */
char *
lab_wire_marks_text (const LabWireInfo *wire)
{
  GString *out = g_string_new (NULL);

  if (wire->dup_ack > 0)
    /* Translators: an ACK that says again what the ACK before it said,
     * while bytes are on their way: a sign one went missing; %u counts
     * them in a row. */
    g_string_append_printf (out, _("duplicate ACK %u"), wire->dup_ack);
  if (wire->window_probe)
    /* Translators: a segment that asks whether a closed window opened. */
    append_mark (out, _("a window probe"));
  if (wire->zero_window)
    /* Translators: the receiver advertises a window of 0 bytes. */
    append_mark (out, _("window 0: the receiver’s buffer is full"));
  else if (wire->window_update)
    /* Translators: an ACK that only says the window changed. */
    append_mark (out, _("a window update"));
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/**
 * lab_wire_summary:
 *
 * Returns: the packet in one line, its host left out: "eth0
 *   10.80.0.1:48896 → 10.80.0.2:7000 PSH ACK seq=1 ack=1 win=63 len=4,
 *   bytes 0–3 sent by Client#1"
 */
char *
lab_wire_summary (const LabWireInfo *wire)
{
  g_autofree char *line = NULL;
  g_autofree char *marks = NULL;
  GString *out;

  if (!wire->decoded)
    /* Translators: %s is an interface, %u a length in bytes. */
    {
      g_autofree char *verdict = lab_link_verdict_text (wire->link_verdict, wire->link_value);

      if (verdict != NULL)
        /* Translators: %s is an interface, %u a length in bytes, the last %s what the link did to the frame. */
        return g_strdup_printf (_("%s: a frame of %u bytes too short to read; %s"), wire->interface, wire->wire_len,
                                verdict);
      /* Translators: %s is an interface, %u a length in bytes. */
      return g_strdup_printf (_("%s: a frame of %u bytes too short to read"), wire->interface, wire->wire_len);
    }

  out = g_string_new (wire->interface);
  g_string_append_c (out, ' ');
  if (wire->info.family != 0)
    {
      append_end (out, &wire->info, wire->info.src, wire->info.sport);
      g_string_append (out, " → ");
      append_end (out, &wire->info, wire->info.dst, wire->info.dport);
      g_string_append_c (out, ' ');
    }
  line = lab_packet_summary (&wire->info, wire->has_seq_base ? wire->seq_base : 0,
                             wire->has_ack_base ? wire->ack_base : 0);
  g_string_append (out, line);
  if (wire->data_seq != 0 && (wire->info.proto == LAB_PACKET_ICMP || wire->info.proto == LAB_PACKET_UDP))
    /* Translators: the call that sent an echo request (sendto) or received
     * an echo reply (recvfrom), and the endpoint and thread that made it. */
    g_string_append_printf (out, wire->data_received ? _(", received by %s () of %s#%u") : _(", sent by %s () of %s#%u"),
                            wire->data_call != NULL ? wire->data_call : "?",
                            wire->data_endpoint != NULL ? wire->data_endpoint : "", wire->data_thread);
  else if (wire->data_seq != 0)
    /* Translators: the bytes of the stream a segment carries, and the
     * endpoint and thread whose send gave them: “Client#1”. */
    g_string_append_printf (out, _(", bytes %lu–%lu sent by %s#%u"),
                            (gulong) wire->stream_start, (gulong) (wire->stream_end - 1),
                            wire->data_endpoint != NULL ? wire->data_endpoint : "", wire->data_thread);
  else if (wire->call_seq != 0)
    /* Translators: the call that made the kernel send a segment, and the
     * endpoint and thread that made it: “connect () of Client#1”. */
    g_string_append_printf (out, _(", from %s () of %s#%u"), wire->call_name,
                            wire->call_endpoint != NULL ? wire->call_endpoint : "", wire->call_thread);
  else if (wire->info.proto == LAB_PACKET_TCP && wire->conn != 0)
    /* Translators: a segment of a lab socket that no call made: an ACK, a
     * SYN ACK. */
    g_string_append (out, _(", sent by the kernel by itself"));
  if (wire->retransmission)
    /* Translators: a segment whose bytes had been sent before. */
    g_string_append (out, _(", a retransmission"));
  marks = lab_wire_marks_text (wire);
  if (marks != NULL)
    g_string_append_printf (out, ", %s", marks);
  if (wire->link_verdict != LAB_LINK_PASSED)
    {
      g_autofree char *verdict = lab_link_verdict_text (wire->link_verdict, wire->link_value);

      if (verdict != NULL)
        g_string_append_printf (out, "; %s", verdict);
    }
  return g_string_free (out, FALSE);
}
