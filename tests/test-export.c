/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lab-event-private.h"
#include "lab-export.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-locale.h"
#include "lab-session.h"
#include "lab-connection.h"
#include "lab-tcp-sample.h"
#include "lab-test-engine.h"
#include "lab-timeline-private.h"

/* Exports of a real session: servers and clients on loopback exchange
 * awkward bytes, and each export is read back — JSON Lines with
 * json-glib, CSV with a reader of its own and with Python's — and checked
 * against the timeline, event by event. */

/* What a spreadsheet, a browser or a parser could trip on. */
static const guint8 awkward[] =
  "=SUM(A1)+1,\"quoted\"\r\nline two\n\0\xff\xfe<script>alert(1)</script>\n@x,-y\t+z\\";
#define AWKWARD_LEN (sizeof awkward - 1)

/* Names a person could type, as awkward. */
#define SERVER_NAME "=echo, \"server\" <b>"
#define CLIENT_NAME "+client\n@home"
#define UDP_SERVER_NAME "-udp <server>"
#define UDP_CLIENT_NAME "@udp client & co"

typedef struct {
  LabSession  *session;
  LabTimeline *timeline;
  LabEndpoint *server;
  LabEndpoint *client;
  LabEndpoint *udp_server;
  LabEndpoint *udp_client;
  guint        fds_before;
} Fixture;

static LabEndpoint *
add_endpoint (Fixture         *f,
              LabEndpointKind  kind,
              gconstpointer    backend,
              const char      *name)
{
  LabEndpoint *endpoint = lab_session_add (f->session, kind);

  lab_endpoint_set_name (endpoint, name);
  g_object_set (lab_endpoint_get_config (endpoint), "backend", GPOINTER_TO_INT (backend), NULL);
  return endpoint;
}

/* A TCP echo server and a client that sends the awkward bytes and reads
 * them back, then a UDP pair that does the same; all stopped. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  backend)
{
  g_autoptr(GBytes) payload = g_bytes_new_static (awkward, AWKWARD_LEN);
  guint16 port;

  f->fds_before = lab_test_count_fds ();
  f->session = lab_session_new ();
  f->timeline = lab_session_get_timeline (f->session);

  f->server = add_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, SERVER_NAME);
  g_object_set (lab_endpoint_get_config (f->server), "port", 0u, "reuseaddr", TRUE, NULL);
  port = lab_test_start_server (f->server);

  f->client = add_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, CLIENT_NAME);
  g_object_set (lab_endpoint_get_config (f->client),
                "host", "127.0.0.1",
                "port", (guint) port,
                "initial-data", payload,
                "expect-bytes", (guint64) AWKWARD_LEN,
                "shutdown-after-send", TRUE,
                NULL);
  lab_test_start (f->client);
  lab_test_wait_stopped (f->client);
  lab_endpoint_stop (f->server);
  lab_test_wait_stopped (f->server);

  f->udp_server = add_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, UDP_SERVER_NAME);
  g_object_set (lab_endpoint_get_config (f->udp_server), "port", 0u, NULL);
  port = lab_test_start_server (f->udp_server);

  f->udp_client = add_endpoint (f, LAB_ENDPOINT_UDP_CLIENT, backend, UDP_CLIENT_NAME);
  g_object_set (lab_endpoint_get_config (f->udp_client),
                "host", "127.0.0.1",
                "port", (guint) port,
                "initial-data", payload,
                "expect-bytes", (guint64) AWKWARD_LEN,
                "udp-connect", TRUE,
                NULL);
  lab_test_start (f->udp_client);
  lab_test_wait_stopped (f->udp_client);
  lab_endpoint_stop (f->udp_server);
  lab_test_wait_stopped (f->udp_server);

  lab_timeline_flush (f->timeline);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  backend)
{
  lab_test_unref_and_wait (f->session);
  lab_test_wait_fds (f->fds_before);
}

static void
add_backends (const char *name,
              void      (*func) (Fixture *, gconstpointer))
{
  g_autofree char *posix = g_strdup_printf ("/export/posix/%s", name);
  g_autofree char *gio = g_strdup_printf ("/export/gio/%s", name);

  g_test_add (posix, Fixture, GINT_TO_POINTER (LAB_BACKEND_POSIX), fixture_set_up, func, fixture_tear_down);
  g_test_add (gio, Fixture, GINT_TO_POINTER (LAB_BACKEND_GIO), fixture_set_up, func, fixture_tear_down);
}

/* ---- Helpers ---- */

/* The bytes written to a memory stream, as a string. */
static char *
steal_text (GOutputStream *out,
            gsize         *len)
{
  gsize size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  char *text = g_malloc (size + 1);

  memcpy (text, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), size);
  text[size] = '\0';
  if (len != NULL)
    *len = size;
  return text;
}

/* The export, as a string; @len says whether a NUL was in it. */
static char *
export (GListModel      *events,
        LabExportFormat  format,
        gsize           *len)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = lab_export_timeline (events, format, out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (g_output_stream_close (out, NULL, NULL));

  return steal_text (out, len);
}

static char *
export_handout (LabSession *session,
                const char *title,
                const char *notes)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gsize size;
  char *text;

  g_assert_true (lab_export_handout (session, NULL, title, notes, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));

  text = steal_text (out, &size);
  g_assert_cmpuint (strlen (text), ==, size);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  return text;
}

static gboolean
as_end (LabEvent *event)
{
  return lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_blocking (event) &&
         lab_event_get_finished (event);
}

static const char *
nick (GType type,
      int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);

  return g_enum_get_value (klass, value)->value_nick;
}

/* The id of an endpoint's first connection. */
static guint64
first_connection (LabEndpoint *endpoint)
{
  g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (endpoint), 0);

  g_assert_nonnull (connection);
  return lab_connection_get_id (connection);
}

static void
assert_bytes_equal (const guint8 *data,
                    gsize         len,
                    const guint8 *expected,
                    gsize         expected_len)
{
  g_assert_cmpmem (data, len, expected, expected_len);
}

/* ---- CSV, read back ---- */

/* A small RFC 4180 reader: rows of fields, quoted or not, CRLF or LF. */
static GPtrArray *
csv_parse (const char *text,
           gsize       len)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE, was_quoted = FALSE;
  gsize i = 0;

  while (i < len)
    {
      char c = text[i];

      if (quoted)
        {
          if (c == '"' && i + 1 < len && text[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i += 2;
              continue;
            }
          if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
          i++;
          continue;
        }

      if (c == '"')
        {
          /* A quote opens a field only at its start. */
          g_assert_cmpuint (field->len, ==, 0);
          g_assert_false (was_quoted);
          quoted = was_quoted = TRUE;
        }
      else if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
        }
      else if (c == '\r' || c == '\n')
        {
          if (c == '\r')
            {
              /* A bare CR outside quotes is no line end of RFC 4180. */
              g_assert_true (i + 1 < len && text[i + 1] == '\n');
              i++;
            }
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
      else
        {
          /* Nothing after a closing quote but a separator. */
          g_assert_false (was_quoted);
          g_string_append_c (field, c);
        }
      i++;
    }

  g_assert_false (quoted);
  /* The last row ends with a line end too. */
  g_assert_cmpuint (row->len, ==, 0);
  g_assert_cmpuint (field->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);

  return rows;
}

static int
column (GPtrArray  *header,
        const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (header->pdata[i], name))
      return (int) i;

  g_error ("no column %s", name);
}

static const char *
field (GPtrArray  *rows,
       guint       row,
       const char *name)
{
  GPtrArray *cells = rows->pdata[row];

  return cells->pdata[column (rows->pdata[0], name)];
}

/* A text field as it was before it was kept from being a formula. */
static const char *
unneutral (const char *text)
{
  if (text[0] == '\'' && text[1] != '\0' && strchr ("=+-@\t\r", text[1]) != NULL)
    return text + 1;
  return text;
}

static GBytes *
decode_hex (const char *hex)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (hex[0] == '\0')
    return g_bytes_new (NULL, 0);
  bytes = lab_hex_parse (hex, &error);
  g_assert_no_error (error);
  return bytes;
}

/* Python's own csv module reads the same rows, field for field. */
static void
check_with_python (const char *csv,
                   GPtrArray  *rows)
{
  static const char script[] =
    "import csv, io, json, sys\n"
    "rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True))\n"
    "json.dump(rows, sys.stdout)\n";
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *array;

  if (python == NULL)
    {
      g_test_message ("no python3: the cross-check with Python's csv is skipped");
      return;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, python, "-c", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, csv, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("python3 could not read the CSV: %s", err);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, rows->len);

  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *cells = rows->pdata[r];
      JsonArray *py = json_array_get_array_element (array, r);

      g_assert_cmpuint (json_array_get_length (py), ==, cells->len);
      for (guint c = 0; c < cells->len; c++)
        g_assert_cmpstr (json_array_get_string_element (py, c), ==, cells->pdata[c]);
    }
}

static void
test_csv (Fixture       *f,
          gconstpointer  backend)
{
  static const char *const text_columns[] = {
    "endpoint", "backend", "kind", "call", "op", "args", "result_text", "errno", "state",
    "previous_state", "direction", "data_hex", "address", "note", "summary",
  };
  GListModel *events = G_LIST_MODEL (f->timeline);
  gsize len;
  g_autofree char *csv = export (events, LAB_EXPORT_CSV, &len);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GByteArray) client_out = g_byte_array_new ();
  g_autoptr(GByteArray) server_in = g_byte_array_new ();
  g_autoptr(GByteArray) udp_server_in = g_byte_array_new ();
  guint n = g_list_model_get_n_items (events);
  GPtrArray *header;
  guint n_data = 0, n_calls = 0, n_failed = 0;

  /* Text only: no NUL, valid UTF-8, and one line end throughout. */
  g_assert_cmpuint (strlen (csv), ==, len);
  g_assert_true (g_utf8_validate (csv, len, NULL));

  rows = csv_parse (csv, len);
  header = rows->pdata[0];
  g_assert_cmpstr (header->pdata[0], ==, "seq");
  g_assert_cmpstr (header->pdata[1], ==, "time_us");
  column (header, "data_hex");
  column (header, "dropped_before");

  /* One row an event, each as long as the header. */
  g_assert_cmpuint (n, >, 20);
  g_assert_cmpuint (rows->len, ==, n + 1);
  for (guint r = 0; r < rows->len; r++)
    g_assert_cmpuint (((GPtrArray *) rows->pdata[r])->len, ==, header->len);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autofree char *seq = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_event_get_seq (event));
      g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, lab_event_get_begin_time (event));
      g_autofree char *fd = g_strdup_printf ("%d", lab_event_get_fd (event));
      g_autofree char *conn = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_event_get_connection (event));
      const char *name = lab_event_get_endpoint_name (event);
      guint r = i + 1;

      g_assert_cmpstr (field (rows, r, "seq"), ==, seq);
      g_assert_cmpstr (field (rows, r, "time_us"), ==, time);
      g_assert_cmpstr (field (rows, r, "kind"), ==, nick (LAB_TYPE_EVENT_KIND, lab_event_get_kind (event)));
      g_assert_cmpstr (field (rows, r, "fd"), ==, fd);
      g_assert_cmpstr (field (rows, r, "connection"), ==, conn);
      g_assert_cmpstr (field (rows, r, "dropped_before"), ==, "0");

      /* The names keep their commas, quotes and line breaks, and one that
       * looks like a formula is marked as text. */
      g_assert_cmpstr (unneutral (field (rows, r, "endpoint")), ==, name);
      if (strchr ("=+-@", name[0]) != NULL)
        g_assert_cmpint (field (rows, r, "endpoint")[0], ==, '\'');

      /* No text field can start a formula. */
      for (guint c = 0; c < G_N_ELEMENTS (text_columns); c++)
        {
          const char *value = field (rows, r, text_columns[c]);

          if (value[0] != '\0')
            g_assert_null (strchr ("=+-@\t\r", value[0]));
        }

      switch (lab_event_get_kind (event))
        {
        case LAB_EVENT_CALL:
          {
            g_autofree char *args = lab_event_dup_args (event);
            g_autofree char *result_text = lab_event_dup_result (event);
            g_autofree char *result = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       lab_event_get_errno (event) != 0 ? -1 :
                                                       lab_event_get_result (event));
            const char *err_name = lab_event_get_errno_name (event);

            /* Stopped endpoints: every call returned. */
            g_assert_true (lab_event_get_finished (event));
            g_assert_cmpstr (field (rows, r, "call"), ==, lab_event_get_call_name (event));
            g_assert_cmpstr (field (rows, r, "op"), ==, lab_op_to_string (lab_event_get_op (event)));
            g_assert_cmpstr (unneutral (field (rows, r, "args")), ==, args);
            g_assert_cmpstr (field (rows, r, "result"), ==, result);
            g_assert_cmpstr (unneutral (field (rows, r, "result_text")), ==, result_text);
            g_assert_cmpstr (field (rows, r, "errno"), ==, err_name != NULL ? err_name : "");
            n_calls++;
            n_failed += err_name != NULL;
          }
          break;

        case LAB_EVENT_DATA:
          {
            g_autoptr(GBytes) decoded = decode_hex (field (rows, r, "data_hex"));
            g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, lab_event_get_real_length (event));
            GByteArray *sink = NULL;

            g_assert_cmpstr (field (rows, r, "direction"), ==,
                             lab_event_get_direction (event) == LAB_DIRECTION_IN ? "in" : "out");
            g_assert_cmpstr (field (rows, r, "length"), ==, length);
            g_assert_true (g_bytes_equal (decoded, lab_event_get_bytes (event)));
            g_assert_cmpstr (field (rows, r, "call"), ==, "");

            if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (f->client) &&
                lab_event_get_direction (event) == LAB_DIRECTION_OUT)
              sink = client_out;
            else if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (f->server) &&
                     lab_event_get_direction (event) == LAB_DIRECTION_IN)
              sink = server_in;
            else if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (f->udp_server) &&
                     lab_event_get_direction (event) == LAB_DIRECTION_IN)
              sink = udp_server_in;
            if (sink != NULL)
              g_byte_array_append (sink, g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
            n_data++;
          }
          break;

        case LAB_EVENT_STATE:
          g_assert_cmpstr (field (rows, r, "state"), ==, lab_tcp_state_to_string (lab_event_get_state (event)));
          break;

        case LAB_EVENT_NOTE:
          g_assert_cmpstr (field (rows, r, "note"), ==, nick (LAB_TYPE_NOTE, lab_event_get_note (event)));
          break;

        default:
          g_assert_not_reached ();
        }
    }

  /* The run did what it should: the bytes went there and back. */
  g_assert_cmpuint (n_calls, >, 10);
  /* At least the accept () the stop interrupted, its errno in its column. */
  g_assert_cmpuint (n_failed, >, 0);
  g_assert_cmpuint (n_data, >=, 8);
  assert_bytes_equal (client_out->data, client_out->len, awkward, AWKWARD_LEN);
  assert_bytes_equal (server_in->data, server_in->len, awkward, AWKWARD_LEN);
  assert_bytes_equal (udp_server_in->data, udp_server_in->len, awkward, AWKWARD_LEN);

  check_with_python (csv, rows);
}

/* ---- JSON Lines and text ---- */

static void
test_jsonl (Fixture       *f,
            gconstpointer  backend)
{
  GListModel *events = G_LIST_MODEL (f->timeline);
  gsize len;
  g_autofree char *jsonl = export (events, LAB_EXPORT_JSONL, &len);
  g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);
  g_autoptr(GByteArray) client_in = g_byte_array_new ();
  guint n = g_list_model_get_n_items (events);

  g_assert_cmpuint (strlen (jsonl), ==, len);
  /* One line an event, each ended by a new line. */
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  g_assert_cmpstr (lines[n], ==, "");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *cli = lab_format_jsonl (event, as_end (event));
      JsonObject *object;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_nonnull (object);

      /* What protolab-cli prints, blocking calls once, as they ended. */
      g_assert_cmpstr (lines[i], ==, cli);

      g_assert_cmpint (json_object_get_int_member (object, "seq"), ==, (gint64) lab_event_get_seq (event));
      g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==,
                       nick (LAB_TYPE_EVENT_KIND, lab_event_get_kind (event)));
      g_assert_false (json_object_has_member (object, "dropped_before"));

      if (lab_event_get_kind (event) == LAB_EVENT_CALL)
        {
          const char *err_name = lab_event_get_errno_name (event);

          g_assert_cmpstr (json_object_get_string_member (object, "call"), ==, lab_event_get_call_name (event));
          g_assert_cmpstr (json_object_get_string_member (object, "phase"), ==, "end");
          g_assert_cmpint (json_object_get_int_member (object, "result"), ==,
                           lab_event_get_errno (event) != 0 ? -1 : lab_event_get_result (event));
          if (err_name != NULL)
            g_assert_cmpstr (json_object_get_string_member (object, "errno"), ==, err_name);
          else
            g_assert_true (json_object_get_null_member (object, "errno"));
        }
      else if (lab_event_get_kind (event) == LAB_EVENT_DATA)
        {
          g_autoptr(GBytes) decoded = decode_hex (json_object_get_string_member (object, "hex"));

          g_assert_true (g_bytes_equal (decoded, lab_event_get_bytes (event)));
          if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (f->client) &&
              lab_event_get_direction (event) == LAB_DIRECTION_IN)
            g_byte_array_append (client_in, g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
        }
    }

  /* The echo came back whole. */
  assert_bytes_equal (client_in->data, client_in->len, awkward, AWKWARD_LEN);
}

static void
test_text (Fixture       *f,
           gconstpointer  backend)
{
  GListModel *events = G_LIST_MODEL (f->timeline);
  gsize len;
  g_autofree char *text = export (events, LAB_EXPORT_TEXT, &len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_list_model_get_n_items (events);
  guint blocking = 0;

  g_assert_cmpuint (strlen (text), ==, len);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autofree char *cli = lab_format_text (event, as_end (event));

      g_assert_cmpstr (lines[i], ==, cli);
      /* Never a control character: the bytes are escaped. */
      for (const char *p = lines[i]; *p != '\0'; p++)
        g_assert_false (g_ascii_iscntrl (*p));
      blocking += as_end (event);
    }

  /* accept () and recv () blocked, and are each in it once. */
  g_assert_cmpuint (blocking, >, 2);
}

/* ---- Raw bytes ---- */

static void
test_connection_bytes (Fixture       *f,
                       gconstpointer  backend)
{
  GListModel *events = G_LIST_MODEL (f->timeline);
  struct {
    LabEndpoint  *endpoint;
    LabDirection  direction;
  } cases[] = {
    { f->server, LAB_DIRECTION_IN },
    { f->server, LAB_DIRECTION_OUT },
    { f->client, LAB_DIRECTION_OUT },
    { f->client, LAB_DIRECTION_IN },
    { f->udp_server, LAB_DIRECTION_IN },
    { f->udp_client, LAB_DIRECTION_IN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 id = first_connection (cases[i].endpoint);
      gboolean complete = FALSE;
      g_autoptr(GBytes) bytes = lab_export_connection_bytes (events, id, cases[i].direction, &complete);

      g_assert_true (complete);
      assert_bytes_equal (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), awkward, AWKWARD_LEN);
    }

  /* A connection the timeline never saw has no bytes. */
  {
    g_autoptr(GBytes) none = lab_export_connection_bytes (events, G_MAXUINT64, LAB_DIRECTION_IN, NULL);

    g_assert_cmpuint (g_bytes_get_size (none), ==, 0);
  }
}

/* With a payload limit of a few bytes, the timeline lets go of the oldest
 * bytes; the exports say so rather than hand out a part as the whole. */
static void
test_payload_cap (Fixture       *f,
                  gconstpointer  backend)
{
  GListModel *events = G_LIST_MODEL (f->timeline);
  guint64 id = first_connection (f->server);
  gboolean complete = TRUE;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gsize len;
  guint short_rows = 0;

  lab_timeline_set_limits (f->timeline, lab_timeline_get_max_events (f->timeline), 4);

  bytes = lab_export_connection_bytes (events, id, LAB_DIRECTION_IN, &complete);
  g_assert_false (complete);
  g_assert_cmpuint (g_bytes_get_size (bytes), <, AWKWARD_LEN);

  csv = export (events, LAB_EXPORT_CSV, &len);
  rows = csv_parse (csv, len);
  for (guint r = 1; r < rows->len; r++)
    if (g_str_equal (field (rows, r, "kind"), "data"))
      {
        guint64 length = g_ascii_strtoull (field (rows, r, "length"), NULL, 10);
        guint64 kept = g_ascii_strtoull (field (rows, r, "kept"), NULL, 10);
        g_autoptr(GBytes) decoded = decode_hex (field (rows, r, "data_hex"));

        g_assert_cmpuint (g_bytes_get_size (decoded), ==, kept);
        short_rows += kept < length;
      }
  g_assert_cmpuint (short_rows, >, 0);
}

/* When the timeline dropped its oldest events, each export says how many. */
static void
test_dropped (Fixture       *f,
              gconstpointer  backend)
{
  GListModel *events = G_LIST_MODEL (f->timeline);
  guint64 id = first_connection (f->server);
  guint n_before = g_list_model_get_n_items (events);
  guint64 dropped;
  g_autofree char *number = NULL;
  gboolean complete = TRUE;
  gsize len;

  lab_timeline_set_limits (f->timeline, 6, lab_timeline_get_max_payload (f->timeline));
  dropped = lab_timeline_get_n_dropped (f->timeline);
  g_assert_cmpuint (dropped, ==, n_before - 6);
  number = g_strdup_printf ("%" G_GUINT64_FORMAT, dropped);

  {
    g_autofree char *text = export (events, LAB_EXPORT_TEXT, &len);
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    g_autoptr(LabEvent) first = g_list_model_get_item (events, 0);
    g_autofree char *cli = lab_format_text (first, as_end (first));

    /* A line first, then the events kept. */
    g_assert_cmpuint (g_strv_length (lines), ==, 6 + 2);
    g_assert_nonnull (strstr (lines[0], number));
    g_assert_cmpstr (lines[1], ==, cli);
  }

  {
    g_autofree char *jsonl = export (events, LAB_EXPORT_JSONL, &len);
    g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 6 + 1);
    for (guint i = 0; i < 6; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(GError) error = NULL;
        JsonObject *object;

        json_parser_load_from_data (parser, lines[i], -1, &error);
        g_assert_no_error (error);
        object = json_node_get_object (json_parser_get_root (parser));
        if (i == 0)
          g_assert_cmpint (json_object_get_int_member (object, "dropped_before"), ==, (gint64) dropped);
        else
          g_assert_false (json_object_has_member (object, "dropped_before"));
      }
  }

  {
    g_autofree char *csv = export (events, LAB_EXPORT_CSV, &len);
    g_autoptr(GPtrArray) rows = csv_parse (csv, len);

    g_assert_cmpuint (rows->len, ==, 6 + 1);
    g_assert_cmpstr (field (rows, 1, "dropped_before"), ==, number);
    for (guint r = 2; r < rows->len; r++)
      g_assert_cmpstr (field (rows, r, "dropped_before"), ==, "0");
  }

  {
    g_autofree char *html = export (events, LAB_EXPORT_HTML, &len);
    g_autofree char *warning = g_strdup_printf ("<p class=\"warning\">%s ", number);

    g_assert_nonnull (strstr (html, warning));
  }

  /* The server's connection lost its first events: its bytes are not all
   * there. */
  {
    g_autoptr(GBytes) bytes = lab_export_connection_bytes (events, id, LAB_DIRECTION_IN, &complete);

    g_assert_nonnull (bytes);
    g_assert_false (complete);
  }
}

/* A data event as a connection numbers it: @offset where its bytes start
 * in the stream. */
static void
append_data (LabTimeline *timeline,
             guint64      conn,
             guint64      offset,
             const char  *text)
{
  LabRecord record;

  lab_record_init (&record, LAB_EVENT_DATA);
  record.conn = conn;
  record.sub = LAB_DIRECTION_IN;
  record.blob = lab_arena_write (lab_timeline_get_payload_arena (timeline), text, strlen (text));
  record.blob_len = strlen (text);
  record.real_len = strlen (text);
  record.offset = offset;
  lab_timeline_push (timeline, &record);
}

/* Where a connection's stream has a hole, the bytes are not complete: the
 * events before were dropped, or a filter took one out. */
static void
test_offsets (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  g_autoptr(GListStore) store = g_list_store_new (LAB_TYPE_EVENT);
  gboolean complete = FALSE;

  append_data (timeline, 7, 0, "uno ");
  append_data (timeline, 8, 0, "otro");
  append_data (timeline, 7, 4, "dos ");
  append_data (timeline, 7, 8, "tres");

  {
    g_autoptr(GBytes) bytes = lab_export_connection_bytes (G_LIST_MODEL (timeline), 7, LAB_DIRECTION_IN,
                                                           &complete);

    g_assert_true (complete);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "uno dos tres", 12);
  }

  /* Another model, with one event taken out in the middle. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (G_LIST_MODEL (timeline), i);

      if (i != 2)
        g_list_store_append (store, event);
    }
  {
    g_autoptr(GBytes) bytes = lab_export_connection_bytes (G_LIST_MODEL (store), 7, LAB_DIRECTION_IN, &complete);

    g_assert_false (complete);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "uno tres", 8);
  }

  /* The timeline keeps the last two: connection 7 lost its start. */
  lab_timeline_set_limits (timeline, 2, 1 << 20);
  {
    g_autoptr(GBytes) bytes = lab_export_connection_bytes (G_LIST_MODEL (timeline), 7, LAB_DIRECTION_IN,
                                                           &complete);

    g_assert_false (complete);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "dos tres", 8);
  }
}

/* A call still blocked when the export is made: written as it began, with
 * no result yet. */
static void
test_still_blocked (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();
  LabRecord call;
  g_autofree char *csv = NULL;
  g_autofree char *jsonl = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize len;

  lab_record_init (&call, LAB_EVENT_CALL);
  call.op = LAB_OP_ACCEPT;
  call.call = LAB_CALL_ACCEPT;
  call.fd = 3;
  lab_record_set (&call, LAB_RECORD_BLOCKING, TRUE);
  lab_record_set (&call, LAB_RECORD_FINISHED, FALSE);
  lab_timeline_push (timeline, &call);

  csv = export (G_LIST_MODEL (timeline), LAB_EXPORT_CSV, &len);
  rows = csv_parse (csv, len);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (field (rows, 1, "call"), ==, "accept");
  g_assert_cmpstr (field (rows, 1, "args"), ==, "3");
  g_assert_cmpstr (field (rows, 1, "result"), ==, "");
  g_assert_cmpstr (field (rows, 1, "end_us"), ==, "");

  jsonl = export (G_LIST_MODEL (timeline), LAB_EXPORT_JSONL, &len);
  json_parser_load_from_data (parser, jsonl, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "phase"), ==, "begin");
  g_assert_false (json_object_has_member (object, "result"));

  text = export (G_LIST_MODEL (timeline), LAB_EXPORT_TEXT, &len);
  g_assert_true (g_str_has_suffix (text, "accept (3) …\n"));
}

/* ---- The handout ---- */

/* Python's HTML parser walks the page: every element closed in order, no
 * script, nothing loaded from elsewhere; it prints the page's text. */
static char *
walk_html (const char *html)
{
  static const char script[] =
    "import sys\n"
    "from html.parser import HTMLParser\n"
    "VOID = {'meta', 'br', 'hr', 'img', 'link', 'input', 'wbr'}\n"
    "class Walk(HTMLParser):\n"
    "    def __init__(self):\n"
    "        super().__init__(convert_charrefs=True)\n"
    "        self.stack = []\n"
    "        self.text = []\n"
    "    def handle_starttag(self, tag, attrs):\n"
    "        assert tag not in ('script', 'iframe', 'object', 'embed', 'img', 'link'), tag\n"
    "        for name, value in attrs:\n"
    "            assert name not in ('src', 'href') and not name.startswith('on'), name\n"
    "        if tag not in VOID:\n"
    "            self.stack.append(tag)\n"
    "    def handle_endtag(self, tag):\n"
    "        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])\n"
    "        self.stack.pop()\n"
    "    def handle_data(self, data):\n"
    "        if self.stack and self.stack[-1] != 'style':\n"
    "            self.text.append(data)\n"
    "w = Walk()\n"
    "w.feed(sys.stdin.buffer.read().decode('utf-8'))\n"
    "w.close()\n"
    "assert not w.stack, w.stack\n"
    "sys.stdout.write(''.join(w.text))\n";
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (python == NULL)
    {
      g_test_message ("no python3: the page is not walked");
      return NULL;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, python, "-c", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, html, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("the handout is not well formed: %s", err);

  return g_steal_pointer (&out);
}

static void
test_handout (Fixture       *f,
              gconstpointer  backend)
{
  const char *title = "<i>Sockets</i> & «eco»";
  const char *notes = "<script>alert('notes')</script>\nSecond line & more";
  g_autofree char *html = export_handout (f->session, title, notes);
  g_autofree char *lower = g_ascii_strdown (html, -1);
  g_autofree char *text = NULL;

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\">"));

  /* Never a raw tag from the data, the names, the title or the notes. */
  g_assert_null (strstr (lower, "<script"));
  g_assert_null (strstr (lower, "<b>"));
  g_assert_null (strstr (lower, "<i>"));
  g_assert_null (strstr (lower, "src="));
  g_assert_null (strstr (lower, "href="));
  g_assert_null (strstr (lower, "@import"));

  /* Escaped, they are all there. */
  g_assert_nonnull (strstr (html, "<title>&lt;i&gt;Sockets&lt;/i&gt; &amp; «eco»</title>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(&apos;notes&apos;)&lt;/script&gt;\nSecond line &amp; more"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_nonnull (strstr (html, "<h3>=echo, &quot;server&quot; &lt;b&gt;</h3>"));
  g_assert_nonnull (strstr (html, "<h3>+client\n@home</h3>"));
  g_assert_nonnull (strstr (html, "<h3>-udp &lt;server&gt;</h3>"));
  g_assert_nonnull (strstr (html, "<h3>@udp client &amp; co</h3>"));

  /* The configuration, the timeline and the data, as a class reads them. */
  g_assert_nonnull (strstr (html, "<th scope=\"row\">Kind</th><td>TCP server</td>"));
  g_assert_nonnull (strstr (html, "<th scope=\"row\">Backend</th><td>"));
  g_assert_nonnull (strstr (html, GPOINTER_TO_INT (backend) == LAB_BACKEND_POSIX ?
                                  "<code>accept</code>" : "<code>g_socket_accept</code>"));
  g_assert_nonnull (strstr (html, "<span class=\"dir\">← received</span>"));
  g_assert_nonnull (strstr (html, "<span class=\"dir\">→ sent</span>"));
  /* Non-printable bytes shown as escapes, and the hex dump's first line. */
  g_assert_nonnull (strstr (html, "line two\\n\n\\x00\\xff\\xfe&lt;script&gt;"));
  g_assert_nonnull (strstr (html, "00000000  3d 53 55 4d 28 41 31 29  2b 31 2c 22 71 75 6f 74"));

  text = walk_html (html);
  if (text != NULL)
    {
      /* Read as a browser reads it, the bytes are text again. */
      g_assert_nonnull (strstr (text, "<script>alert(1)</script>"));
      g_assert_nonnull (strstr (text, "<i>Sockets</i> & «eco»"));
      g_assert_nonnull (strstr (text, SERVER_NAME));
    }
}

/* In Spanish, the handout says so and speaks it. */
static void
test_handout_spanish (Fixture       *f,
                      gconstpointer  backend)
{
  g_autofree char *html = NULL;

  lab_locale_set_language ("es");
  html = export_handout (f->session, NULL, NULL);
  lab_locale_set_language (NULL);

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"es\">"));
  g_assert_nonnull (strstr (html, "<th scope=\"col\">Llamada</th>"));
  g_assert_nonnull (strstr (html, "<th scope=\"col\">Argumentos</th>"));
  g_assert_nonnull (strstr (html, "<th scope=\"row\">Comportamiento</th><td>Eco</td>"));
  g_assert_null (strstr (html, "<th scope=\"col\">Call</th>"));
}

/* ---- Failures ---- */

static void
assert_write_fails (Fixture          *f,
                    GOutputStream    *out,
                    GCancellable     *cancellable,
                    GQuark            domain,
                    int               code)
{
  for (LabExportFormat format = LAB_EXPORT_TEXT; format <= LAB_EXPORT_HTML; format++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lab_export_timeline (G_LIST_MODEL (f->timeline), format, out, cancellable, &error));
      g_assert_error (error, domain, code);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (lab_export_handout (f->session, NULL, "t", "n", out, cancellable, &error));
    g_assert_error (error, domain, code);
  }
}

static void
test_failing_stream (Fixture       *f,
                     gconstpointer  backend)
{
  /* A stream with room for 64 bytes, and no more. */
  {
    g_autofree guint8 *buffer = g_malloc (64);
    g_autoptr(GOutputStream) out = g_memory_output_stream_new (buffer, 64, NULL, NULL);

    for (LabExportFormat format = LAB_EXPORT_TEXT; format <= LAB_EXPORT_HTML; format++)
      {
        g_autoptr(GError) error = NULL;

        g_assert_true (g_seekable_seek (G_SEEKABLE (out), 0, G_SEEK_SET, NULL, NULL));
        g_assert_false (lab_export_timeline (G_LIST_MODEL (f->timeline), format, out, NULL, &error));
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      }
  }

  /* A closed stream. */
  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

    g_output_stream_close (out, NULL, NULL);
    assert_write_fails (f, out, NULL, G_IO_ERROR, G_IO_ERROR_CLOSED);
  }

  /* A cancelled export. */
  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    assert_write_fails (f, out, cancellable, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

/* ---- The TCP samples ---- */

static gboolean
tick (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The sample events of @connection in @events, in order */
static GPtrArray *
samples_of (GListModel *events,
            guint64     connection)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);

      if (lab_event_get_kind (event) == LAB_EVENT_TCP_SAMPLE && lab_event_get_connection (event) == connection)
        g_ptr_array_add (found, g_steal_pointer (&event));
    }
  return found;
}

/* A client on loopback sends to an echo server for a while, the kernel's
 * TCP numbers sampled: the export has a row for each sample and only for
 * them, under a header naming its columns, each number as the sample has
 * it. */
static void
test_tcp_samples (void)
{
  static const char *const columns[] = {
    "seq", "time_us", "endpoint", "connection", "state", "ca_state", "retransmits", "cwnd", "ssthresh",
    "srtt_us", "rttvar_us", "rto_us", "mss", "unacked", "sacked", "lost", "retrans", "total_retrans",
    "in_flight", "snd_wnd", "rcv_wnd", "rcv_space",
  };
  g_autoptr(LabSession) session = lab_session_new ();
  LabTimeline *timeline = lab_session_get_timeline (session);
  GListModel *events = G_LIST_MODEL (timeline);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *csv = NULL;
  LabEndpoint *server, *client;
  guint64 connection = 0;
  guint n_samples = 0;
  gint64 deadline;
  guint16 port;
  gsize len;

  lab_tcp_sample_set_enabled (TRUE);
  server = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  lab_endpoint_set_name (server, "Server");
  g_object_set (lab_endpoint_get_config (server), "port", 0u, "reuseaddr", TRUE, NULL);
  port = lab_test_start_server (server);
  client = lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  lab_endpoint_set_name (client, "Client");
  g_object_set (lab_endpoint_get_config (client), "host", "127.0.0.1", "port", (guint) port, "nodelay", TRUE, NULL);
  lab_test_start (client);

  /* Bytes each way every 20 ms, until the client's connection has a few
   * samples (they come when its numbers change, at most every 100 ms) */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && n_samples < 4)
    {
      gboolean ticked = FALSE;

      g_timeout_add (20, tick, &ticked);
      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
      if (connection == 0 && g_list_model_get_n_items (lab_endpoint_get_connections (client)) > 0)
        {
          g_autoptr(LabConnection) c = g_list_model_get_item (lab_endpoint_get_connections (client), 0);

          connection = lab_connection_get_id (c);
        }
      if (connection != 0)
        {
          g_autoptr(GPtrArray) so_far = NULL;

          lab_endpoint_send (client, connection, hello, TRUE, NULL);
          lab_timeline_flush (timeline);
          so_far = samples_of (events, connection);
          n_samples = so_far->len;
        }
    }
  lab_tcp_sample_set_enabled (FALSE);
  lab_endpoint_stop (client);
  lab_test_wait_stopped (client);
  lab_endpoint_stop (server);
  lab_test_wait_stopped (server);
  lab_timeline_flush (timeline);
  g_assert_cmpuint (n_samples, >=, 4);

  csv = export (events, LAB_EXPORT_TCP_SAMPLES_CSV, &len);
  g_assert_cmpuint (strlen (csv), ==, len);
  rows = csv_parse (csv, len);

  /* The header, named */
  {
    GPtrArray *header = rows->pdata[0];

    g_assert_cmpuint (header->len, ==, G_N_ELEMENTS (columns));
    for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
      g_assert_cmpstr (header->pdata[c], ==, columns[c]);
  }

  /* A row a sample of any connection, in order, each as the sample says */
  {
    guint r = 1;
    guint client_rows = 0;

    for (guint i = 0; i < g_list_model_get_n_items (events); i++)
      {
        g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
        GPtrArray *row;
        LabTcpSample s;
        g_autofree char *seq = NULL, *cwnd = NULL, *srtt = NULL, *conn = NULL, *wnd = NULL;

        if (!lab_event_get_tcp_sample (event, &s))
          continue;
        g_assert_cmpuint (r, <, rows->len);
        row = rows->pdata[r++];
        g_assert_cmpuint (row->len, ==, G_N_ELEMENTS (columns));
        seq = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_event_get_seq (event));
        conn = g_strdup_printf ("%" G_GUINT64_FORMAT, lab_event_get_connection (event));
        cwnd = g_strdup_printf ("%u", s.cwnd);
        srtt = g_strdup_printf ("%u", s.srtt_us);
        wnd = g_strdup_printf ("%u", s.snd_wnd);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "seq")], ==, seq);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "connection")], ==, conn);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "cwnd")], ==, cwnd);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "srtt_us")], ==, srtt);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "snd_wnd")], ==, wnd);
        g_assert_cmpstr (row->pdata[column (rows->pdata[0], "state")], ==, lab_tcp_state_to_string (s.state));
        if (lab_event_get_connection (event) == connection)
          {
            client_rows++;
            g_assert_cmpstr (row->pdata[column (rows->pdata[0], "endpoint")], ==, "Client");
            g_assert_cmpuint (s.cwnd, >=, 1);
            g_assert_cmpuint (s.mss, >, 0);
          }
      }
    g_assert_cmpuint (r, ==, rows->len);
    g_assert_cmpuint (client_rows, >=, 4);
    g_test_message ("%u rows, %u of the client", r - 1, client_rows);
  }
}

static void
test_extensions (void)
{
  g_assert_cmpstr (lab_export_format_suggest_extension (LAB_EXPORT_TEXT), ==, "txt");
  g_assert_cmpstr (lab_export_format_suggest_extension (LAB_EXPORT_CSV), ==, "csv");
  g_assert_cmpstr (lab_export_format_suggest_extension (LAB_EXPORT_JSONL), ==, "jsonl");
  g_assert_cmpstr (lab_export_format_suggest_extension (LAB_EXPORT_HTML), ==, "html");
  g_assert_cmpstr (lab_export_format_get_content_type (LAB_EXPORT_CSV), ==, "text/csv");
  g_assert_cmpstr (lab_export_format_suggest_extension (LAB_EXPORT_TCP_SAMPLES_CSV), ==, "csv");
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  /* A subprocess starts GLib's worker thread, whose descriptor stays for
   * the life of the program: started now, no test counts it as its own. */
  {
    g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "true", NULL);

    g_assert_nonnull (process);
    g_subprocess_wait (process, NULL, NULL);
  }

  add_backends ("csv", test_csv);
  add_backends ("jsonl", test_jsonl);
  add_backends ("text", test_text);
  add_backends ("connection-bytes", test_connection_bytes);
  add_backends ("handout", test_handout);
  g_test_add ("/export/posix/payload-cap", Fixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              fixture_set_up, test_payload_cap, fixture_tear_down);
  g_test_add ("/export/posix/dropped", Fixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              fixture_set_up, test_dropped, fixture_tear_down);
  g_test_add ("/export/posix/handout-spanish", Fixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              fixture_set_up, test_handout_spanish, fixture_tear_down);
  g_test_add ("/export/posix/failing-stream", Fixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              fixture_set_up, test_failing_stream, fixture_tear_down);
  g_test_add_func ("/export/extensions", test_extensions);
  g_test_add_func ("/export/tcp-samples", test_tcp_samples);
  g_test_add_func ("/export/offsets", test_offsets);
  g_test_add_func ("/export/still-blocked", test_still_blocked);

  return g_test_run ();
}
