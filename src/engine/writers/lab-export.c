/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-export-private.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-tcp-sample.h"

/* The timeline saved to a file: as the lines protolab-cli prints, as JSON
 * Lines, as CSV for a spreadsheet, or as a handout a class can read and
 * print (lab-handout.c). Every event of the model is written once, in the
 * model's order; a blocking call that returned is written as it ended,
 * with its result.
 *
 * Where the model is the timeline itself, the exports also say how many
 * events it let go of to stay within its limits, and where. */

/* Written to the stream in pieces of about this size. */
#define WRITE_CHUNK (64 * 1024)

/* ---- Writing ---- */

void
lab_export_writer_init (LabExportWriter *w,
                        GOutputStream   *out,
                        GCancellable    *cancellable)
{
  w->out = out;
  w->cancellable = cancellable;
  w->buffer = g_string_sized_new (WRITE_CHUNK + 1024);
  w->error = NULL;
}

/* Writes what is buffered; after a failure, nothing more is written. */
static gboolean
writer_flush (LabExportWriter *w)
{
  if (w->error != NULL)
    return FALSE;

  if (w->buffer->len > 0 &&
      !g_output_stream_write_all (w->out, w->buffer->str, w->buffer->len, NULL, w->cancellable, &w->error))
    return FALSE;

  g_string_truncate (w->buffer, 0);
  return TRUE;
}

/* Whether writing goes on: the buffer is written out once it is full. */
gboolean
lab_export_writer_check (LabExportWriter *w)
{
  if (w->error != NULL)
    return FALSE;
  if (w->buffer->len >= WRITE_CHUNK)
    return writer_flush (w);
  return !g_cancellable_set_error_if_cancelled (w->cancellable, &w->error);
}

/* Flushes the stream too, and hands over the first error. */
gboolean
lab_export_writer_finish (LabExportWriter  *w,
                          GError          **error)
{
  if (writer_flush (w))
    g_output_stream_flush (w->out, w->cancellable, &w->error);

  g_string_free (w->buffer, TRUE);
  if (w->error != NULL)
    {
      g_propagate_error (error, w->error);
      return FALSE;
    }
  return TRUE;
}

/* ---- What the timeline dropped ---- */

void
lab_export_drops_init (LabExportDrops *d,
                       GListModel     *events)
{
  guint n = g_list_model_get_n_items (events);
  guint64 total, middle = 0;

  d->known = LAB_IS_TIMELINE (events);
  d->front = 0;
  d->prev_seq = 0;
  if (!d->known)
    return;

  total = lab_timeline_get_n_dropped (LAB_TIMELINE (events));
  if (total == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      guint64 seq = lab_event_get_seq (event);

      if (i > 0 && seq > d->prev_seq + 1)
        middle += seq - d->prev_seq - 1;
      d->prev_seq = seq;
    }

  d->front = total > middle ? total - middle : 0;
  d->prev_seq = 0;
}

/* Call for each event in order. */
guint64
lab_export_drops_before (LabExportDrops *d,
                         guint           position,
                         LabEvent       *event)
{
  guint64 seq = lab_event_get_seq (event);
  guint64 n;

  if (!d->known)
    return 0;

  n = position == 0 ? d->front : (seq > d->prev_seq + 1 ? seq - d->prev_seq - 1 : 0);
  d->prev_seq = seq;
  return n;
}

char *
lab_export_dup_dropped_text (guint64 n)
{
  /* Translators: said in an export where the timeline let go of events to
   * stay within its limits; %lu is how many. */
  return g_strdup_printf (ngettext ("%lu earlier event is not here: the timeline dropped it to stay within its limits",
                                    "%lu earlier events are not here: the timeline dropped them to stay within its limits",
                                    (gulong) n),
                          (gulong) n);
}

/* A blocking call that returned is written as it ended. */
static gboolean
as_end (LabEvent *event)
{
  return lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_blocking (event) &&
         lab_event_get_finished (event);
}

/* ---- Text and JSON Lines ---- */

static gboolean
write_lines (GListModel       *events,
             LabExportFormat   format,
             LabExportWriter  *w)
{
  guint n = g_list_model_get_n_items (events);
  LabExportDrops drops;

  lab_export_drops_init (&drops, events);
  if (n == 0 && drops.front > 0 && format == LAB_EXPORT_TEXT)
    {
      g_autofree char *text = lab_export_dup_dropped_text (drops.front);

      g_string_append_printf (w->buffer, "%s\n", text);
    }

  for (guint i = 0; i < n && lab_export_writer_check (w); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      guint64 dropped = lab_export_drops_before (&drops, i, event);
      g_autofree char *line = NULL;

      if (format == LAB_EXPORT_TEXT)
        {
          if (dropped > 0)
            {
              g_autofree char *text = lab_export_dup_dropped_text (dropped);

              g_string_append_printf (w->buffer, "%s\n", text);
            }
          line = lab_format_text (event, as_end (event));
          g_string_append (w->buffer, line);
        }
      else
        {
          gsize len;

          line = lab_format_jsonl (event, as_end (event));
          len = strlen (line);
          g_assert (len > 2 && line[len - 1] == '}');
          /* Said on the first event after the gap, as one more member. */
          if (dropped > 0)
            {
              g_string_append_len (w->buffer, line, len - 1);
              g_string_append_printf (w->buffer, ",\"dropped_before\":%" G_GUINT64_FORMAT "}", dropped);
            }
          else
            g_string_append_len (w->buffer, line, len);
        }
      g_string_append_c (w->buffer, '\n');
    }

  return w->error == NULL;
}

/* ---- CSV ---- */

/* The columns are a data format, not words for people: stable, English,
 * never translated. Only `summary` is in the language of the moment. */
static const char *const csv_columns[] = {
  "seq", "time_us", "end_us", "endpoint", "thread", "backend", "kind", "call", "op", "args",
  "result", "result_text", "errno", "fd", "connection", "state", "previous_state",
  "direction", "length", "kept", "data_hex", "address", "instrumentation", "note", "summary",
  "dropped_before",
};

static void
csv_separator (GString *out,
               gboolean first)
{
  if (!first)
    g_string_append_c (out, ',');
}

/* A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a
 * line break, quotes doubled. */
static void
csv_quoted (GString    *out,
            const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* A text field. A spreadsheet takes a cell that begins with = + - @ (or a
 * tab or carriage return before one) for a formula: a peer or a name could
 * make it run one. Such a text gets a leading apostrophe, which
 * spreadsheets show as text and do not display. Numeric columns are the
 * lab's own numbers and are written as they are. */
static void
csv_text (GString    *out,
          gboolean    first,
          const char *text)
{
  csv_separator (out, first);
  if (text == NULL)
    return;

  if (strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0')
    {
      g_autofree char *neutral = g_strconcat ("'", text, NULL);

      csv_quoted (out, neutral);
    }
  else
    csv_quoted (out, text);
}

static void
csv_int (GString *out,
         gint64   value)
{
  g_string_append_printf (out, ",%" G_GINT64_FORMAT, value);
}

static void
csv_uint (GString *out,
          guint64  value)
{
  g_string_append_printf (out, ",%" G_GUINT64_FORMAT, value);
}

static void
csv_empty (GString *out)
{
  g_string_append_c (out, ',');
}

const char *
lab_export_enum_nick (GType type,
                      int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  /* The nicks are static strings: they outlive the class reference. */
  return v != NULL ? v->value_nick : "";
}

static void
csv_row (GString  *out,
         LabEvent *event,
         guint64   dropped)
{
  LabEventKind kind = lab_event_get_kind (event);
  gboolean call = kind == LAB_EVENT_CALL;
  gboolean finished = call && lab_event_get_finished (event);
  GSocketAddress *address = lab_event_get_address (event);
  g_autofree char *address_text = address != NULL ? lab_address_format (address) : NULL;
  g_autofree char *args = call ? lab_event_dup_args (event) : NULL;
  g_autofree char *result = finished ? lab_event_dup_result (event) : NULL;
  g_autofree char *summary = lab_event_dup_summary (event);

  g_string_append_printf (out, "%" G_GUINT64_FORMAT, lab_event_get_seq (event));
  csv_int (out, lab_event_get_begin_time (event));
  if (finished)
    csv_int (out, lab_event_get_end_time (event));
  else
    csv_empty (out);
  csv_text (out, FALSE, lab_event_get_endpoint_name (event));
  csv_uint (out, lab_event_get_thread (event));
  csv_text (out, FALSE, lab_export_enum_nick (LAB_TYPE_BACKEND_KIND, lab_event_get_backend (event)));
  csv_text (out, FALSE, lab_export_enum_nick (LAB_TYPE_EVENT_KIND, kind));
  csv_text (out, FALSE, call ? lab_event_get_call_name (event) : NULL);
  csv_text (out, FALSE, call ? lab_op_to_string (lab_event_get_op (event)) : NULL);
  csv_text (out, FALSE, args);
  /* As JSON Lines says it: -1 for a call that failed. */
  if (finished)
    csv_int (out, lab_event_get_errno (event) != 0 ? -1 : lab_event_get_result (event));
  else
    csv_empty (out);
  csv_text (out, FALSE, result);
  csv_text (out, FALSE, finished ? lab_event_get_errno_name (event) : NULL);
  csv_int (out, lab_event_get_fd (event));
  csv_uint (out, lab_event_get_connection (event));

  if (kind == LAB_EVENT_STATE)
    {
      csv_text (out, FALSE, lab_tcp_state_to_string (lab_event_get_state (event)));
      csv_text (out, FALSE, lab_tcp_state_to_string (lab_event_get_previous_state (event)));
    }
  else
    {
      csv_empty (out);
      csv_empty (out);
    }

  if (kind == LAB_EVENT_DATA)
    {
      GBytes *bytes = lab_event_get_bytes (event);
      gsize len = 0;
      const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
      g_autofree char *hex = lab_hex_format (data, len, 0);

      csv_text (out, FALSE, lab_event_get_direction (event) == LAB_DIRECTION_IN ? "in" : "out");
      csv_uint (out, lab_event_get_real_length (event));
      csv_uint (out, len);
      /* Hex: nothing binary reaches a spreadsheet. */
      csv_text (out, FALSE, hex);
    }
  else
    {
      csv_empty (out);
      csv_empty (out);
      csv_empty (out);
      csv_empty (out);
    }

  csv_text (out, FALSE, address_text);
  if (call)
    csv_int (out, lab_event_get_instrumentation (event) ? 1 : 0);
  else
    csv_empty (out);
  csv_text (out, FALSE,
            kind == LAB_EVENT_NOTE ? lab_export_enum_nick (LAB_TYPE_NOTE, lab_event_get_note (event)) : NULL);
  csv_text (out, FALSE, summary);
  csv_uint (out, dropped);
  g_string_append (out, "\r\n");
}

static gboolean
write_csv (GListModel      *events,
           LabExportWriter *w)
{
  guint n = g_list_model_get_n_items (events);
  LabExportDrops drops;

  lab_export_drops_init (&drops, events);

  for (guint c = 0; c < G_N_ELEMENTS (csv_columns); c++)
    csv_text (w->buffer, c == 0, csv_columns[c]);
  g_string_append (w->buffer, "\r\n");

  for (guint i = 0; i < n && lab_export_writer_check (w); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);

      csv_row (w->buffer, event, lab_export_drops_before (&drops, i, event));
    }

  return w->error == NULL;
}

/* ---- The TCP samples, as CSV ---- */

/* The kernel's names for its numbers (struct tcp_info's, without tcpi_),
 * where it has them: stable, never translated. */
static const char *const sample_columns[] = {
  "seq", "time_us", "endpoint", "connection", "state", "ca_state", "retransmits", "cwnd", "ssthresh",
  "srtt_us", "rttvar_us", "rto_us", "mss", "unacked", "sacked", "lost", "retrans", "total_retrans",
  "in_flight", "snd_wnd", "rcv_wnd", "rcv_space",
};

static gboolean
write_samples_csv (GListModel      *events,
                   LabExportWriter *w)
{
  gboolean is_timeline = LAB_IS_TIMELINE (events);
  guint n = g_list_model_get_n_items (events);

  for (guint c = 0; c < G_N_ELEMENTS (sample_columns); c++)
    csv_text (w->buffer, c == 0, sample_columns[c]);
  g_string_append (w->buffer, "\r\n");

  for (guint i = 0; i < n && lab_export_writer_check (w); i++)
    {
      g_autoptr(LabEvent) event = NULL;
      LabTcpSample s;

      /* Most events are not samples: the timeline's records say so without
       * an object made of each */
      if (is_timeline && lab_record_get_kind (lab_timeline_get_record (LAB_TIMELINE (events), i)) != LAB_EVENT_TCP_SAMPLE)
        continue;
      event = g_list_model_get_item (events, i);
      if (!lab_event_get_tcp_sample (event, &s))
        continue;

      g_string_append_printf (w->buffer, "%" G_GUINT64_FORMAT, lab_event_get_seq (event));
      csv_int (w->buffer, lab_event_get_begin_time (event));
      csv_text (w->buffer, FALSE, lab_event_get_endpoint_name (event));
      csv_uint (w->buffer, lab_event_get_connection (event));
      csv_text (w->buffer, FALSE, lab_tcp_state_to_string ((LabTcpState) s.state));
      csv_uint (w->buffer, s.ca_state);
      csv_uint (w->buffer, s.retransmits);
      csv_uint (w->buffer, s.cwnd);
      /* None yet: empty, not the kernel's 2147483647 */
      if (s.ssthresh >= 0x7fffffff)
        csv_empty (w->buffer);
      else
        csv_uint (w->buffer, s.ssthresh);
      csv_uint (w->buffer, s.srtt_us);
      csv_uint (w->buffer, s.rttvar_us);
      csv_uint (w->buffer, s.rto_us);
      csv_uint (w->buffer, s.mss);
      csv_uint (w->buffer, s.unacked);
      csv_uint (w->buffer, s.sacked);
      csv_uint (w->buffer, s.lost);
      csv_uint (w->buffer, s.retrans);
      csv_uint (w->buffer, s.total_retrans);
      csv_uint (w->buffer, s.in_flight);
      csv_uint (w->buffer, s.snd_wnd);
      csv_uint (w->buffer, s.rcv_wnd);
      csv_uint (w->buffer, s.rcv_space);
      g_string_append (w->buffer, "\r\n");
    }

  return w->error == NULL;
}

/* ---- Exporting ---- */

/**
 * lab_export_timeline:
 * @events: (element-type LabEvent): the events, in order: a #LabTimeline,
 *   or a model made from one (then what was dropped is not known)
 * @format: %LAB_EXPORT_TEXT: the lines protolab-cli prints;
 *   %LAB_EXPORT_JSONL: one JSON object a line, as protolab-cli prints them
 *   with `--json`; %LAB_EXPORT_CSV: one row an event under a header row
 *   (see below); %LAB_EXPORT_HTML: the handout with no session, see
 *   lab_export_handout()
 *
 * Writes every event of @events once, in order. A blocking call that
 * returned is written as protolab-cli writes its end: with its result, at
 * the time it returned.
 *
 * When @events is the timeline and it dropped events to stay within its
 * limits, the export says how many and where: in text, a line before the
 * first event after the gap; in JSON Lines, a member `dropped_before` on
 * that event; in CSV, the column `dropped_before` (0 elsewhere).
 *
 * CSV follows RFC 4180 with CRLF line ends. Its columns are `seq`,
 * `time_us` (when the event happened, in microseconds since the timeline
 * began), `end_us` (when a call returned), `endpoint`, `thread`, `backend`,
 * `kind`, `call`, `op`, `args`, `result` (a number: -1 for a failed call),
 * `result_text` (as its API returns it), `errno` (its name), `fd`,
 * `connection` (0 for none), `state`, `previous_state`, `direction` (`in`
 * or `out`), `length` (bytes that crossed), `kept` (bytes the timeline
 * kept), `data_hex` (those bytes in hexadecimal), `address`,
 * `instrumentation` (1 for the lab's own calls), `note`, `summary` (the
 * event in words, in the current language), `dropped_before`. A text field
 * that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * written with a leading `'`, so that no spreadsheet takes it for a
 * formula.
 *
 * %LAB_EXPORT_TCP_SAMPLES_CSV writes only the samples of the connections'
 * TCP numbers (lab-tcp-sample.h), one row each under a header row, as CSV
 * above: `seq`, `time_us`, `endpoint`, `connection`, `state`, then the
 * kernel's own names of its numbers: `ca_state`, `retransmits`, `cwnd`,
 * `ssthresh` (empty while the kernel has none), `srtt_us`, `rttvar_us`,
 * `rto_us`, `mss`, `unacked`, `sacked`, `lost`, `retrans`,
 * `total_retrans`, `in_flight` (segments), `snd_wnd`, `rcv_wnd`,
 * `rcv_space` (bytes).
 *
 * Call it in the timeline's main context, which alone reads the store. It
 * writes as it goes; to keep a window responsive, write to a
 * #GMemoryOutputStream and save that with g_file_replace_contents_async().
 *
 * Returns: whether all was written, with @error saying why not
 */
gboolean
lab_export_timeline (GListModel       *events,
                     LabExportFormat   format,
                     GOutputStream    *out,
                     GCancellable     *cancellable,
                     GError          **error)
{
  LabExportWriter w;

  g_return_val_if_fail (G_IS_LIST_MODEL (events), FALSE);
  g_return_val_if_fail (g_type_is_a (g_list_model_get_item_type (events), LAB_TYPE_EVENT), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (format <= LAB_EXPORT_TCP_SAMPLES_CSV, FALSE);

  if (LAB_IS_TIMELINE (events))
    lab_timeline_flush (LAB_TIMELINE (events));

  lab_export_writer_init (&w, out, cancellable);
  if (format == LAB_EXPORT_CSV)
    write_csv (events, &w);
  else if (format == LAB_EXPORT_TCP_SAMPLES_CSV)
    write_samples_csv (events, &w);
  else if (format == LAB_EXPORT_HTML)
    lab_export_write_handout (NULL, events, NULL, NULL, &w);
  else
    write_lines (events, format, &w);

  return lab_export_writer_finish (&w, error);
}

/* ---- Raw bytes ---- */

/**
 * lab_export_connection_bytes:
 * @events: (element-type LabEvent): the events, in order
 * @connection: a connection's number (lab_connection_get_id())
 * @direction: %LAB_DIRECTION_IN for what it received, %LAB_DIRECTION_OUT
 *   for what it sent
 * @complete: (out) (optional): set to whether these are all the bytes that
 *   crossed: %FALSE when the timeline let go of some, to stay within its
 *   payload limit or its count of events, or a datagram was cut
 *
 * Returns: (transfer full): the bytes of @connection in @direction, in the
 *   order they crossed, as the stream (or the datagrams, one after another)
 *   carried them
 */
GBytes *
lab_export_connection_bytes (GListModel   *events,
                             guint64       connection,
                             LabDirection  direction,
                             gboolean     *complete)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint n;
  gboolean known, seen = FALSE, any = FALSE, all = TRUE;
  guint64 expected = 0, prev_seq = 0;

  g_return_val_if_fail (G_IS_LIST_MODEL (events), NULL);

  if (LAB_IS_TIMELINE (events))
    lab_timeline_flush (LAB_TIMELINE (events));

  /* Gaps in the sequence numbers are dropped events only in the timeline
   * itself, not in a filtered model. */
  known = LAB_IS_TIMELINE (events);
  n = g_list_model_get_n_items (events);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      guint64 seq = lab_event_get_seq (event);
      GBytes *bytes;
      gsize len = 0;
      const guint8 *bytes_data;
      guint64 offset;

      /* Any event lost once the connection existed may have been its. */
      if (known && seen && seq != prev_seq + 1)
        all = FALSE;
      prev_seq = seq;

      if (lab_event_get_connection (event) != connection)
        continue;
      seen = TRUE;

      if (lab_event_get_kind (event) != LAB_EVENT_DATA || lab_event_get_direction (event) != direction)
        continue;

      any = TRUE;
      bytes = lab_event_get_bytes (event);
      bytes_data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
      if (len < lab_event_get_real_length (event))
        all = FALSE;

      /* The connection counts where each event's bytes start: a jump means
       * events before it were dropped. */
      offset = lab_event_get_offset (event);
      if (offset > expected)
        all = FALSE;
      expected = MAX (expected, offset) + lab_event_get_real_length (event);

      if (len > 0)
        g_byte_array_append (data, bytes_data, len);
    }

  /* Nothing kept, but the timeline dropped some: they may have been its. */
  if (known && !any && lab_timeline_get_n_dropped (LAB_TIMELINE (events)) > 0)
    all = FALSE;

  if (complete != NULL)
    *complete = all;

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/**
 * lab_export_format_suggest_extension:
 *
 * Returns: the usual file name extension of @format, without a dot
 */
const char *
lab_export_format_suggest_extension (LabExportFormat format)
{
  switch (format)
    {
    case LAB_EXPORT_TEXT: return "txt";
    case LAB_EXPORT_CSV: return "csv";
    case LAB_EXPORT_JSONL: return "jsonl";
    case LAB_EXPORT_HTML: return "html";
    case LAB_EXPORT_TCP_SAMPLES_CSV: return "csv";
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * lab_export_format_get_content_type:
 *
 * Returns: the MIME type of @format, for a file chooser's filter
 */
const char *
lab_export_format_get_content_type (LabExportFormat format)
{
  switch (format)
    {
    case LAB_EXPORT_TEXT: return "text/plain";
    case LAB_EXPORT_CSV: return "text/csv";
    case LAB_EXPORT_JSONL: return "application/jsonl";
    case LAB_EXPORT_HTML: return "text/html";
    case LAB_EXPORT_TCP_SAMPLES_CSV: return "text/csv";
    default: g_return_val_if_reached (NULL);
    }
}
