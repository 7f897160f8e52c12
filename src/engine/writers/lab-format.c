/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-errno.h"
#include "lab-format.h"
#include "lab-link.h"
#include "lab-tcp-sample.h"
#include "lab-hex.h"
#include "lab-icmp.h"
#include "lab-wire.h"

/* One event as a line of text or of JSON: what protolab-cli prints and the
 * timeline's exports write. A blocking call is two lines, when it began and
 * when it returned. And an event in a few words, and a call's result, as
 * the window's timeline, step bar and details show them. */

static double
seconds (gint64 us)
{
  return us / (double) G_USEC_PER_SEC;
}

static char *
format_duration (gint64 us)
{
  if (us < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT " µs", us);
  if (us < G_USEC_PER_SEC)
    return g_strdup_printf ("%.1f ms", us / 1000.0);
  return g_strdup_printf ("%.3f s", us / (double) G_USEC_PER_SEC);
}

/**
 * lab_format_text:
 * @end: whether to write the end of a blocking call rather than its start
 *
 * Returns: one line for a class to read: time, endpoint and thread, then
 *   the event; never a control character
 */
char *
lab_format_text (LabEvent *event,
                 gboolean  end)
{
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  const char *endpoint = lab_event_get_endpoint_name (event);
  gint64 t = end ? lab_event_get_end_time (event) : lab_event_get_begin_time (event);
  GString *line = g_string_new (NULL);

  name = lab_text_escape ((const guint8 *) (endpoint != NULL ? endpoint : ""),
                          endpoint != NULL ? strlen (endpoint) : 0, 0);

  if (lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_blocking (event) && !end)
    {
      g_autofree char *args = lab_event_dup_args (event);

      /* Translators: a call that may block has begun; %s (%s) is the call and its arguments. */
      body = g_strdup_printf (_("%s (%s) …"), lab_event_get_call_name (event), args);
    }
  else
    body = lab_event_dup_summary (event);

  /* A packet is a host's, no endpoint's: its host stands in the name's place. */
  if (lab_event_get_kind (event) == LAB_EVENT_PACKET)
    g_string_append_printf (line, "%10.6f  %s  ", seconds (t), lab_event_get_host_name (event));
  else
    g_string_append_printf (line, "%10.6f  %s#%u  ", seconds (t), name, lab_event_get_thread (event));
  if (lab_event_get_instrumentation (event))
    /* Translators: marks a call the lab made to watch the kernel, not the program's. */
    g_string_append (line, _("[kernel] "));
  g_string_append (line, body);

  if (lab_event_get_kind (event) == LAB_EVENT_CALL && !lab_event_get_instrumentation (event) &&
      (end || !lab_event_get_blocking (event)))
    {
      g_autofree char *duration = format_duration (lab_event_get_end_time (event) -
                                                   lab_event_get_begin_time (event));

      g_string_append_printf (line, "  [%s]", duration);
    }

  /* A traced call: the line of the program that made it */
  if (lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_line (event) != NULL)
    {
      const char *source = lab_event_get_line (event);
      g_autofree char *escaped = lab_text_escape ((const guint8 *) source, strlen (source), 0);

      g_string_append_printf (line, "  ← %s", escaped);
    }

  return g_string_free (line, FALSE);
}

/**
 * lab_format_event:
 *
 * Returns: the event in a few words, with no time nor endpoint, as a list
 *   of events shows it: a call and its arguments, a state, the bytes
 *   escaped, a note
 */
char *
lab_format_event (LabEvent *event)
{
  switch (lab_event_get_kind (event))
    {
    case LAB_EVENT_CALL:
      {
        g_autofree char *args = lab_event_dup_args (event);

        return g_strdup_printf ("%s (%s)", lab_event_get_call_name (event), args);
      }
    case LAB_EVENT_STATE:
    case LAB_EVENT_DATA:
    case LAB_EVENT_NOTE:
    default:
      return lab_event_dup_summary (event);
    }
}

/**
 * lab_format_result:
 *
 * Returns: what a call returned and its errno, or that it still waits, to
 *   stand beside lab_format_event(); empty for other events
 */
char *
lab_format_result (LabEvent *event)
{
  g_autofree char *result = NULL;
  const char *err = NULL;

  if (lab_event_get_kind (event) != LAB_EVENT_CALL)
    return g_strdup ("");

  if (!lab_event_get_finished (event))
    /* Translators: a call that has not returned yet. */
    return g_strdup (_("waiting…"));

  result = lab_event_dup_result (event);
  err = lab_event_get_errno_name (event);
  if (err != NULL)
    return g_strdup_printf ("%s %s", result, err);

  return g_steal_pointer (&result);
}

static void
add_address (JsonBuilder    *builder,
             const char     *member,
             GSocketAddress *address)
{
  g_autofree char *text = NULL;

  if (address == NULL)
    return;

  text = lab_address_format (address);
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_enum_nick (JsonBuilder *builder,
               const char  *member,
               GType        type,
               int          value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, v != NULL ? v->value_nick : "");
}

static void
add_call (JsonBuilder *builder,
          LabEvent    *event,
          gboolean     end)
{
  g_autofree char *args = lab_event_dup_args (event);
  gboolean blocking = lab_event_get_blocking (event);

  json_builder_set_member_name (builder, "call");
  json_builder_add_string_value (builder, lab_event_get_call_name (event));
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, lab_op_to_string (lab_event_get_op (event)));
  json_builder_set_member_name (builder, "phase");
  json_builder_add_string_value (builder, blocking && !end ? "begin" : "end");
  json_builder_set_member_name (builder, "args");
  json_builder_add_string_value (builder, args);
  json_builder_set_member_name (builder, "instrumentation");
  json_builder_add_boolean_value (builder, lab_event_get_instrumentation (event));
  if (lab_event_get_line (event) != NULL)
    {
      json_builder_set_member_name (builder, "line");
      json_builder_add_string_value (builder, lab_event_get_line (event));
    }

  if (blocking && !end)
    return;

  {
    g_autofree char *result = lab_event_dup_result (event);
    const char *err_name = lab_event_get_errno_name (event);

    json_builder_set_member_name (builder, "result");
    json_builder_add_int_value (builder, lab_event_get_errno (event) != 0 ? -1 : lab_event_get_result (event));
    json_builder_set_member_name (builder, "result_text");
    json_builder_add_string_value (builder, result);
    json_builder_set_member_name (builder, "errno");
    if (err_name != NULL)
      json_builder_add_string_value (builder, err_name);
    else
      json_builder_add_null_value (builder);
    if (lab_event_get_errno (event) != 0)
      {
        json_builder_set_member_name (builder, "errmsg");
        json_builder_add_string_value (builder, lab_errno_message (lab_event_get_errno (event)));
      }
    json_builder_set_member_name (builder, "duration");
    json_builder_add_double_value (builder, seconds (lab_event_get_end_time (event) -
                                                     lab_event_get_begin_time (event)));
    add_address (builder, "address", lab_event_get_address (event));

    if (lab_event_get_resolved (event) != NULL)
      {
        GPtrArray *resolved = lab_event_get_resolved (event);

        json_builder_set_member_name (builder, "resolved");
        json_builder_begin_array (builder);
        for (guint i = 0; i < resolved->len; i++)
          {
            g_autofree char *text = lab_address_format (resolved->pdata[i]);

            json_builder_add_string_value (builder, text);
          }
        json_builder_end_array (builder);
      }
  }
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_ip (JsonBuilder  *builder,
        const char   *name,
        int           family,
        const guint8 *bytes)
{
  char text[INET6_ADDRSTRLEN] = "";

  inet_ntop (family, bytes, text, sizeof text);
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

/* A packet: every decoded field, and what it is to the lab. */
static void
add_packet (JsonBuilder *builder,
            LabEvent    *event)
{
  LabWireInfo w;
  const LabPacketInfo *p = &w.info;
  g_autofree char *summary = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *hex = NULL;
  GBytes *bytes = lab_event_get_bytes (event);

  lab_wire_describe_event (event, &w);
  summary = lab_wire_summary (&w);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, w.host);
  json_builder_set_member_name (builder, "interface");
  json_builder_add_string_value (builder, w.interface);
  add_int (builder, "len", w.wire_len);
  if (bytes != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      add_int (builder, "captured", (gint64) len);
      hex = lab_hex_format (data, len, 0);
      json_builder_set_member_name (builder, "hex");
      json_builder_add_string_value (builder, hex);
    }
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, summary);
  if (w.retransmission)
    {
      json_builder_set_member_name (builder, "retransmission");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (w.link_verdict != LAB_LINK_PASSED)
    {
      static const char *const nicks[] = {
        "passed", "dropped-loss", "dropped-burst", "dropped-queue", "delayed", "duplicated", "reordered", "corrupted",
        "dropped-down",
      };
      g_autofree char *verdict = lab_link_verdict_text (w.link_verdict, w.link_value);

      G_STATIC_ASSERT (G_N_ELEMENTS (nicks) == LAB_LINK_N_VERDICTS);
      json_builder_set_member_name (builder, "link");
      json_builder_add_string_value (builder, w.link_verdict < LAB_LINK_N_VERDICTS ? nicks[w.link_verdict] : "?");
      add_int (builder, "link_value", w.link_value);
      json_builder_set_member_name (builder, "link_text");
      json_builder_add_string_value (builder, verdict != NULL ? verdict : "");
    }
  if (!w.decoded)
    return;

  json_builder_set_member_name (builder, "proto");
  json_builder_add_string_value (builder, lab_wire_proto_name (p->proto));
  if (p->family != 0)
    {
      add_ip (builder, "src", p->family, p->src);
      add_ip (builder, "dst", p->family, p->dst);
      add_int (builder, "ttl", p->ttl);
    }
  if (p->proto == LAB_PACKET_TCP || p->proto == LAB_PACKET_UDP)
    {
      add_int (builder, "sport", p->sport);
      add_int (builder, "dport", p->dport);
      add_int (builder, "payload_len", p->payload_len);
    }
  if (p->proto == LAB_PACKET_TCP)
    {
      flags = lab_packet_flags_text (p->tcp_flags);
      json_builder_set_member_name (builder, "flags");
      json_builder_add_string_value (builder, flags);
      add_int (builder, "tcp_seq_raw", p->seq);
      add_int (builder, "tcp_ack_raw", p->ack);
      /* Counted from the connection's first number, where it was seen */
      if (w.has_seq_base)
        add_int (builder, "tcp_seq", (guint32) (p->seq - w.seq_base));
      if (w.has_ack_base && (p->tcp_flags & LAB_TCP_ACK) != 0)
        add_int (builder, "tcp_ack", (guint32) (p->ack - w.ack_base));
      add_int (builder, "window", p->window);
      if (p->mss != 0)
        add_int (builder, "mss", p->mss);
      if (p->wscale >= 0)
        add_int (builder, "wscale", p->wscale);
      json_builder_set_member_name (builder, "sack_permitted");
      json_builder_add_boolean_value (builder, p->sack_permitted);
      if (w.conn != 0)
        add_int (builder, "sender_conn", (gint64) w.conn);
      if (w.data_seq != 0)
        {
          add_int (builder, "stream_start", (gint64) w.stream_start);
          add_int (builder, "stream_end", (gint64) w.stream_end);
          add_int (builder, "data_seq", (gint64) w.data_seq);
        }
    }
  if (p->proto == LAB_PACKET_ICMP || p->proto == LAB_PACKET_ICMPV6)
    {
      add_int (builder, "icmp_type", p->icmp_type);
      add_int (builder, "icmp_code", p->icmp_code);
    }
  if (p->proto == LAB_PACKET_ARP)
    add_int (builder, "arp_op", p->arp_op);
}

/**
 * lab_format_jsonl:
 *
 * Returns: the event as one JSON object, on one line, with no newline
 */
char *
lab_format_jsonl (LabEvent *event,
                  gboolean  end)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 t = end ? lab_event_get_end_time (event) : lab_event_get_begin_time (event);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "t");
  json_builder_add_double_value (builder, seconds (t));
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, (gint64) lab_event_get_seq (event));
  json_builder_set_member_name (builder, "endpoint");
  json_builder_add_string_value (builder, lab_event_get_endpoint_name (event));
  json_builder_set_member_name (builder, "thread");
  json_builder_add_int_value (builder, lab_event_get_thread (event));
  add_enum_nick (builder, "kind", LAB_TYPE_EVENT_KIND, lab_event_get_kind (event));
  add_enum_nick (builder, "backend", LAB_TYPE_BACKEND_KIND, lab_event_get_backend (event));
  json_builder_set_member_name (builder, "fd");
  json_builder_add_int_value (builder, lab_event_get_fd (event));
  json_builder_set_member_name (builder, "conn");
  json_builder_add_int_value (builder, (gint64) lab_event_get_connection (event));

  switch (lab_event_get_kind (event))
    {
    case LAB_EVENT_CALL:
      add_call (builder, event, end);
      break;

    case LAB_EVENT_STATE:
      {
        LabTcpState unseen[LAB_TCP_MAX_UNSEEN];
        guint length, limit, n_unseen;

        json_builder_set_member_name (builder, "state");
        json_builder_add_string_value (builder, lab_tcp_state_to_string (lab_event_get_state (event)));
        json_builder_set_member_name (builder, "previous");
        json_builder_add_string_value (builder, lab_tcp_state_to_string (lab_event_get_previous_state (event)));
        n_unseen = lab_event_get_unseen (event, unseen);
        if (n_unseen > 0)
          {
            /* Inferred from the RFC's diagram, not observed. */
            json_builder_set_member_name (builder, "unseen");
            json_builder_begin_array (builder);
            for (guint i = 0; i < n_unseen; i++)
              json_builder_add_string_value (builder, lab_tcp_state_to_string (unseen[i]));
            json_builder_end_array (builder);
          }
        if (lab_event_get_queue (event, &length, &limit))
          {
            json_builder_set_member_name (builder, "queue");
            json_builder_add_int_value (builder, length);
            json_builder_set_member_name (builder, "queue_limit");
            json_builder_add_int_value (builder, limit);
          }
      }
      break;

    case LAB_EVENT_DATA:
      {
        GBytes *bytes = lab_event_get_bytes (event);
        gsize len = 0;
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
        g_autofree char *hex = data != NULL ? lab_hex_format (data, len, 0) : NULL;

        json_builder_set_member_name (builder, "dir");
        json_builder_add_string_value (builder, lab_event_get_direction (event) == LAB_DIRECTION_IN ? "in" : "out");
        json_builder_set_member_name (builder, "len");
        json_builder_add_int_value (builder, (gint64) lab_event_get_real_length (event));
        json_builder_set_member_name (builder, "hex");
        if (hex != NULL)
          json_builder_add_string_value (builder, hex);
        else
          json_builder_add_null_value (builder);
        json_builder_set_member_name (builder, "truncated");
        json_builder_add_boolean_value (builder, lab_event_get_truncated (event));
        add_address (builder, "address", lab_event_get_address (event));
        /* A ping's bytes: their ICMP header, decoded (after the IPv4
         * header a raw socket gives) */
        {
          g_autofree char *icmp = lab_event_dup_icmp_text (event);
          LabIcmpEcho echo;
          gboolean ip = data != NULL && len >= 20 && data[0] >> 4 == 4 && (data[0] & 0xf) >= 5;

          if (icmp != NULL && lab_icmp_parse_echo (data, len, ip, &echo))
            {
              json_builder_set_member_name (builder, "icmp");
              json_builder_begin_object (builder);
              add_int (builder, "type", echo.type);
              add_int (builder, "code", echo.code);
              add_int (builder, "checksum", echo.checksum);
              add_int (builder, "id", echo.id);
              add_int (builder, "seq", echo.seq);
              if (echo.has_ttl)
                add_int (builder, "ttl", echo.ttl);
              json_builder_end_object (builder);
            }
        }
      }
      break;

    case LAB_EVENT_NOTE:
      {
        g_autofree char *text = lab_event_dup_summary (event);

        add_enum_nick (builder, "note", LAB_TYPE_NOTE, lab_event_get_note (event));
        json_builder_set_member_name (builder, "text");
        json_builder_add_string_value (builder, text);
        if (lab_event_get_note_arg (event) != NULL)
          {
            json_builder_set_member_name (builder, "arg");
            json_builder_add_string_value (builder, lab_event_get_note_arg (event));
          }
      }
      break;

    case LAB_EVENT_PACKET:
      add_packet (builder, event);
      break;

    case LAB_EVENT_TCP_SAMPLE:
      {
        LabTcpSample ts;

        if (lab_event_get_tcp_sample (event, &ts))
          {
            add_int (builder, "cwnd", ts.cwnd);
            add_int (builder, "ssthresh", ts.ssthresh);
            add_int (builder, "srtt_us", ts.srtt_us);
            add_int (builder, "rttvar_us", ts.rttvar_us);
            add_int (builder, "rto_us", ts.rto_us);
            add_int (builder, "mss", ts.mss);
            add_int (builder, "in_flight", ts.in_flight);
            add_int (builder, "unacked", ts.unacked);
            add_int (builder, "sacked", ts.sacked);
            add_int (builder, "lost", ts.lost);
            add_int (builder, "retrans", ts.retrans);
            add_int (builder, "total_retrans", ts.total_retrans);
            add_int (builder, "snd_wnd", ts.snd_wnd);
            add_int (builder, "rcv_wnd", ts.rcv_wnd);
            add_int (builder, "ca_state", ts.ca_state);
          }
      }
      break;

    default:
      break;
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
