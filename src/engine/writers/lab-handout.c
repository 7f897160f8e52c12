/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-endpoint-config-private.h"
#include "lab-errno.h"
#include "lab-export-private.h"
#include "lab-hex.h"

/* The handout: one HTML page a class can read and print, with the
 * session's endpoints and their configuration, the timeline as a table,
 * and the bytes of each connection as text and as a hex dump. Its style
 * is inline; whatever came from the network or from a person is escaped.
 * It is written with the exports' writer (lab-export.c). */

/* A handout shows at most this many bytes of each connection: paper, not
 * an archive; the raw bytes have their own export. */
#define HANDOUT_MAX_BYTES (64 * 1024)

/* ---- Style and words ---- */

static const char handout_css[] =
  "body{font-family:system-ui,'Cantarell','DejaVu Sans',sans-serif;line-height:1.45;color:#1b1b1b;"
  "background:#fff;max-width:62rem;margin:2rem auto;padding:0 1rem}\n"
  "h1{font-size:1.9rem;margin:0 0 .2rem}\n"
  "h2{font-size:1.35rem;border-bottom:2px solid #333;padding-bottom:.15rem;margin-top:2.2rem}\n"
  "h3{font-size:1.1rem;margin:1.4rem 0 .4rem}\n"
  ".meta{color:#555;margin:0}\n"
  ".notes{white-space:pre-wrap;border-left:4px solid #777;padding:.2rem .8rem;margin:0}\n"
  ".warning{border:2px dashed #555;padding:.4rem .7rem}\n"
  "table{border-collapse:collapse;width:100%;font-size:.88rem}\n"
  "th,td{border:1px solid #aaa;padding:.2rem .4rem;text-align:left;vertical-align:top}\n"
  "thead th{background:#e8e8e8}\n"
  "table.config{width:auto;min-width:50%}\n"
  "table.config th{background:#f3f3f3;font-weight:600;white-space:nowrap}\n"
  "td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
  "code,pre{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:.85rem}\n"
  "td code{overflow-wrap:anywhere}\n"
  "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0;padding:.35rem .5rem;"
  "border:1px solid #bbb;background:#f7f7f7}\n"
  "pre.hex{white-space:pre;overflow-x:auto}\n"
  ".failed{font-weight:700}\n"
  ".chunk{margin:.8rem 0;padding-left:.7rem;border-left:5px solid #2a6fb0}\n"
  ".chunk.out{border-left:5px double #2e7d32}\n"
  ".dir{font-weight:700}\n"
  "@media print{body{max-width:none;margin:0;font-size:10pt}h2,h3{break-after:avoid}"
  "tr,.chunk{break-inside:avoid}thead{display:table-header-group}pre{background:none}"
  "pre.hex{white-space:pre-wrap}}\n";

static void
html_escape (GString    *out,
             const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return;

  valid = g_utf8_make_valid (text, -1);
  escaped = g_markup_escape_text (valid, -1);
  g_string_append (out, escaped);
}

/* The language the strings are in, for <html lang>: the catalogue's own
 * header says which, and English has none. */
static char *
dup_language_tag (void)
{
  const char *header = g_dgettext (GETTEXT_PACKAGE, "");
  const char *line = header != NULL ? strstr (header, "Language:") : NULL;
  GString *tag = g_string_new (NULL);

  if (line != NULL)
    {
      const char *p = line + strlen ("Language:");

      while (*p == ' ')
        p++;
      for (; g_ascii_isalnum (*p) || *p == '_' || *p == '-'; p++)
        g_string_append_c (tag, *p == '_' ? '-' : *p);
    }

  if (tag->len == 0)
    g_string_assign (tag, "en");

  return g_string_free (tag, FALSE);
}

static char *
dup_bytes_count (guint64 n)
{
  /* Translators: a size; %lu is a number of bytes. */
  return g_strdup_printf (ngettext ("%lu byte", "%lu bytes", (gulong) n), (gulong) n);
}

/* ---- The endpoints ---- */

/* One row of an endpoint's configuration: @value is text, escaped here. */
static void
html_config_row (GString    *out,
                 const char *label,
                 const char *value)
{
  g_string_append (out, "<tr><th scope=\"row\">");
  html_escape (out, label);
  g_string_append (out, "</th><td>");
  html_escape (out, value);
  g_string_append (out, "</td></tr>\n");
}

static void
html_endpoint (GString     *out,
               LabEndpoint *endpoint)
{
  LabEndpointConfig *config = lab_endpoint_get_config (endpoint);
  gboolean server = lab_endpoint_config_is_server (config);
  gboolean tcp = lab_endpoint_config_is_tcp (config);
  g_autofree char *address = NULL;

  g_string_append (out, "<h3>");
  html_escape (out, lab_endpoint_get_name (endpoint));
  g_string_append (out, "</h3>\n<table class=\"config\">\n");

  /* Translators: a label in a handout: what kind of program an endpoint is (TCP server…). */
  html_config_row (out, C_("endpoint", "Kind"), lab_endpoint_kind_to_label (config->kind));
  html_config_row (out, _("Backend"), config->backend == LAB_BACKEND_POSIX ? "POSIX" : "GIO");

  if (server)
    {
      g_autoptr(GInetAddress) bind = lab_parse_bind_address (config->bind_address, NULL);

      address = g_strdup_printf ("('%s', %u)", config->bind_address, config->port);
      if (config->port == 0 && lab_endpoint_get_port (endpoint) != 0)
        {
          /* Translators: after an address whose port was 0; %u is the port the kernel gave. */
          g_autofree char *chosen = g_strdup_printf (_("port %u, chosen by the kernel"),
                                                     lab_endpoint_get_port (endpoint));
          g_autofree char *both = g_strdup_printf ("%s: %s", address, chosen);

          g_free (address);
          address = g_steal_pointer (&both);
        }
      /* Translators: a label in a handout: the address a server is bound to. */
      html_config_row (out, _("Listens on"), address);
      if (bind != NULL && g_inet_address_get_is_any (bind))
        html_config_row (out, "", _("⚠ Every interface: other machines on the network can reach this server"));
      html_config_row (out, _("Behaviour"), lab_behaviour_to_label (config->behaviour));
      if (tcp)
        {
          g_autofree char *backlog = g_strdup_printf ("%d", config->backlog);

          html_config_row (out, _("Clients"), lab_concurrency_to_label (config->concurrency));
          html_config_row (out, _("Backlog"), backlog);
        }
    }
  else
    {
      address = g_strdup_printf ("('%s', %u)", config->host, config->port);
      /* Translators: a label in a handout: the address a client talks to. */
      html_config_row (out, _("Talks to"), address);
      if (config->initial_data != NULL && g_bytes_get_size (config->initial_data) > 0)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (config->initial_data, &len);
          g_autofree char *text = lab_text_escape (data, len, 256);

          /* Translators: a label in a handout: the bytes a client sends as soon as it is connected. */
          html_config_row (out, _("Sends first"), text);
          if (config->send_count > 1)
            {
              g_autofree char *times = g_strdup_printf ("%u", config->send_count);

              /* Translators: a label in a handout: how many times a client sends those bytes. */
              html_config_row (out, _("Times sent"), times);
            }
        }
    }

  if (server || tcp)
    {
      g_autofree char *size = NULL;

      html_config_row (out, _("Messages"), lab_framing_to_label (config->framing));
      if (config->framing == LAB_FRAMING_FIXED)
        {
          size = dup_bytes_count (config->fixed_size);
          html_config_row (out, _("Fixed size"), size);
          g_clear_pointer (&size, g_free);
        }
      size = dup_bytes_count (config->buffer_size);
      html_config_row (out, _("recv buffer"), size);
    }

  {
    g_autoptr(GPtrArray) options = g_ptr_array_new ();

    if (config->reuseaddr)
      g_ptr_array_add (options, (gpointer) "SO_REUSEADDR");
    if (config->nodelay && tcp)
      g_ptr_array_add (options, (gpointer) "TCP_NODELAY");
    if (config->udp_connect && !tcp && !server)
      g_ptr_array_add (options, (gpointer) _("connect () the UDP socket"));
    if (options->len > 0)
      {
        g_autofree char *joined = NULL;

        g_ptr_array_add (options, NULL);
        joined = g_strjoinv (", ", (char **) options->pdata);
        /* Translators: a label in a handout: socket options set (SO_REUSEADDR…). */
        html_config_row (out, _("Options"), joined);
      }
  }

  g_string_append (out, "</table>\n");
}

/* ---- The timeline's rows ---- */

static void
html_seconds (GString *out,
              gint64   us)
{
  g_string_append_printf (out, "%.6f", us / (double) G_USEC_PER_SEC);
}

static void
html_direction (GString      *out,
                LabDirection  direction)
{
  /* The arrow and a word: never colour alone. */
  if (direction == LAB_DIRECTION_IN)
    g_string_append_printf (out, "<span class=\"dir\">← %s</span>",
                            /* Translators: the direction of bytes, after an arrow ←. */
                            C_("direction", "received"));
  else
    g_string_append_printf (out, "<span class=\"dir\">→ %s</span>",
                            /* Translators: the direction of bytes, after an arrow →. */
                            C_("direction", "sent"));
}

static void
html_timeline_row (GString  *out,
                   LabEvent *event)
{
  LabEventKind kind = lab_event_get_kind (event);
  const char *endpoint = lab_event_get_endpoint_name (event);

  g_string_append_printf (out, "<tr class=\"%s\"><td class=\"num\">%" G_GUINT64_FORMAT "</td><td class=\"num\">",
                          lab_export_enum_nick (LAB_TYPE_EVENT_KIND, kind), lab_event_get_seq (event));
  html_seconds (out, lab_event_get_begin_time (event));
  g_string_append (out, "</td><td>");
  {
    g_autofree char *name = lab_text_escape ((const guint8 *) (endpoint != NULL ? endpoint : ""),
                                             endpoint != NULL ? strlen (endpoint) : 0, 0);

    html_escape (out, name);
  }
  g_string_append (out, "</td>");

  switch (kind)
    {
    case LAB_EVENT_CALL:
      {
        g_autofree char *args = lab_event_dup_args (event);
        const char *err_name = lab_event_get_errno_name (event);

        g_string_append (out, "<td>");
        if (lab_event_get_instrumentation (event))
          html_escape (out, _("[kernel] "));
        g_string_append (out, "<code>");
        html_escape (out, lab_event_get_call_name (event));
        g_string_append (out, "</code></td><td><code>");
        html_escape (out, args);
        g_string_append (out, "</code></td><td>");

        if (!lab_event_get_finished (event))
          /* Translators: in a handout's timeline, a call that had not returned yet. */
          html_escape (out, _("still blocked"));
        else
          {
            g_autofree char *result = lab_event_dup_result (event);

            g_string_append (out, "<code>");
            html_escape (out, result);
            g_string_append (out, "</code>");
            if (err_name != NULL)
              {
                g_autofree char *message = g_strdup_printf ("%s (%s)", err_name,
                                                            lab_errno_message (lab_event_get_errno (event)));

                g_string_append (out, " <span class=\"failed\">");
                html_escape (out, message);
                g_string_append (out, "</span>");
              }
          }
        g_string_append (out, "</td>");
      }
      break;

    case LAB_EVENT_DATA:
      {
        GBytes *bytes = lab_event_get_bytes (event);
        gsize len = 0;
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
        g_autofree char *count = dup_bytes_count (lab_event_get_real_length (event));
        g_autofree char *text = data != NULL ? lab_text_escape (data, len, 64) : NULL;

        g_string_append (out, "<td>");
        html_direction (out, lab_event_get_direction (event));
        g_string_append (out, "</td><td colspan=\"2\">");
        html_escape (out, count);
        if (text != NULL)
          {
            g_string_append (out, ": <code>");
            html_escape (out, text);
            g_string_append (out, "</code>");
          }
        g_string_append (out, "</td>");
      }
      break;

    case LAB_EVENT_STATE:
    case LAB_EVENT_NOTE:
    default:
      {
        g_autofree char *summary = lab_event_dup_summary (event);

        g_string_append (out, "<td colspan=\"3\">");
        html_escape (out, summary);
        g_string_append (out, "</td>");
      }
      break;
    }

  g_string_append (out, "</tr>\n");
}

/* ---- The exchanges ---- */

/* A connection's data events, in order: one endpoint's view of it. */
typedef struct {
  guint      endpoint_id;
  guint64    connection;
  char      *endpoint_name;
  GPtrArray *events;
} Exchange;

static void
exchange_free (gpointer data)
{
  Exchange *x = data;

  g_free (x->endpoint_name);
  g_ptr_array_unref (x->events);
  g_free (x);
}

static GPtrArray *
collect_exchanges (GListModel *events)
{
  GPtrArray *exchanges = g_ptr_array_new_with_free_func (exchange_free);
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (events);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      g_autofree char *key = NULL;
      Exchange *x;

      if (lab_event_get_kind (event) != LAB_EVENT_DATA)
        continue;

      key = g_strdup_printf ("%u %" G_GUINT64_FORMAT, lab_event_get_endpoint_id (event),
                             lab_event_get_connection (event));
      x = g_hash_table_lookup (by_key, key);
      if (x == NULL)
        {
          x = g_new0 (Exchange, 1);
          x->endpoint_id = lab_event_get_endpoint_id (event);
          x->connection = lab_event_get_connection (event);
          x->endpoint_name = g_strdup (lab_event_get_endpoint_name (event));
          x->events = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (exchanges, x);
          g_hash_table_insert (by_key, g_steal_pointer (&key), x);
        }
      g_ptr_array_add (x->events, g_steal_pointer (&event));
    }

  return exchanges;
}

/* The bytes as text a person reads: escapes for what is not printable,
 * and a new line after each \n, so lines stay lines. */
static void
html_data_text (GString      *out,
                const guint8 *data,
                gsize         len)
{
  gsize start = 0;

  g_string_append (out, "<pre class=\"text\">");
  for (gsize i = 0; i <= len; i++)
    {
      if (i == len || data[i] == '\n')
        {
          gsize end = i < len ? i + 1 : len;
          g_autofree char *text = lab_text_escape (data + start, end - start, 0);

          html_escape (out, text);
          if (i < len && i + 1 < len)
            g_string_append_c (out, '\n');
          start = end;
        }
    }
  g_string_append (out, "</pre>\n");
}

static void
html_exchange (GString     *out,
               Exchange    *x,
               LabSession  *session)
{
  LabEndpoint *endpoint = session != NULL ? lab_session_find (session, x->endpoint_id) : NULL;
  LabConnection *connection = endpoint != NULL && x->connection != 0 ?
                              lab_endpoint_find_connection (endpoint, x->connection) : NULL;
  gsize shown = 0;
  guint64 hidden = 0;
  gboolean missing = FALSE;

  g_string_append (out, "<h3>");
  html_escape (out, x->endpoint_name);
  if (x->connection != 0)
    {
      /* Translators: a heading in a handout, after an endpoint's name; %lu numbers a connection. */
      g_autofree char *label = g_strdup_printf (_("connection %lu"), (gulong) x->connection);

      g_string_append (out, " — ");
      html_escape (out, label);
    }
  g_string_append (out, "</h3>\n");

  if (connection != NULL && lab_connection_get_peer_address (connection) != NULL)
    {
      g_string_append (out, "<p>");
      html_escape (out, _("Peer"));
      g_string_append (out, ": <code>");
      html_escape (out, lab_connection_get_peer_address (connection));
      g_string_append (out, "</code></p>\n");
    }

  for (guint i = 0; i < x->events->len; i++)
    {
      LabEvent *event = x->events->pdata[i];
      GBytes *bytes = lab_event_get_bytes (event);
      gsize len = 0;
      const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
      g_autofree char *count = dup_bytes_count (lab_event_get_real_length (event));
      g_autofree char *dump = NULL;
      gsize n;

      if (len < lab_event_get_real_length (event))
        missing = TRUE;
      if (shown >= HANDOUT_MAX_BYTES)
        {
          hidden += len;
          continue;
        }

      n = MIN (len, HANDOUT_MAX_BYTES - shown);
      hidden += len - n;
      shown += n;

      g_string_append_printf (out, "<div class=\"chunk %s\">\n<p>",
                              lab_event_get_direction (event) == LAB_DIRECTION_IN ? "in" : "out");
      html_direction (out, lab_event_get_direction (event));
      g_string_append (out, " · ");
      html_escape (out, count);
      g_string_append (out, " · ");
      html_seconds (out, lab_event_get_begin_time (event));
      g_string_append (out, " s</p>\n");

      if (n > 0)
        {
          html_data_text (out, data, n);
          dump = lab_hex_dump (data, n, lab_event_get_offset (event), 16);
          g_string_append (out, "<pre class=\"hex\">");
          html_escape (out, dump);
          g_string_append (out, "</pre>\n");
        }
      g_string_append (out, "</div>\n");
    }

  if (hidden > 0)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("… and %lu byte more", "… and %lu bytes more",
                                                         (gulong) hidden),
                                               (gulong) hidden);

      g_string_append (out, "<p>");
      html_escape (out, more);
      g_string_append (out, "</p>\n");
    }

  if (missing)
    {
      g_string_append (out, "<p class=\"warning\">");
      /* Translators: in a handout, under a connection's data. */
      html_escape (out, _("Some of these bytes are not shown: the timeline let go of them to stay within its "
                          "payload limit, or a datagram was cut to the receive buffer."));
      g_string_append (out, "</p>\n");
    }
}

/* ---- The page ---- */

/* The whole page: lab_export_handout () writes it, and so does
 * lab_export_timeline () for %LAB_EXPORT_HTML, with no session. */
void
lab_export_write_handout (LabSession      *session,
                          GListModel      *events,
                          const char      *title,
                          const char      *notes,
                          LabExportWriter *w)
{
  GString *out = w->buffer;
  g_autofree char *lang = dup_language_tag ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *made = NULL;
  g_autoptr(GPtrArray) exchanges = NULL;
  guint n = g_list_model_get_n_items (events);
  LabExportDrops drops;

  if (title == NULL || title[0] == '\0')
    /* Translators: the title of a handout when none was given. */
    title = _("A Protolab session");

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"generator\" content=\"%s %s\">\n<title>",
                          lang, PACKAGE_NAME, PACKAGE_VERSION);
  html_escape (out, title);
  g_string_append_printf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", handout_css);
  html_escape (out, title);
  g_string_append (out, "</h1>\n<p class=\"meta\">");
  /* Translators: under a handout's title; the first %s is the program's version, the second a date and time. */
  made = g_strdup_printf (_("Made with Protolab %s on %s"), PACKAGE_VERSION, date);
  html_escape (out, made);
  g_string_append (out, "</p>\n</header>\n");

  if (notes != NULL && notes[0] != '\0')
    {
      g_string_append (out, "<section id=\"notes\">\n<h2>");
      /* Translators: a heading in a handout: what the teacher wrote about the session. */
      html_escape (out, C_("handout", "Notes"));
      g_string_append (out, "</h2>\n<p class=\"notes\">");
      html_escape (out, notes);
      g_string_append (out, "</p>\n</section>\n");
    }

  if (session != NULL)
    {
      GListModel *endpoints = lab_session_get_endpoints (session);

      g_string_append (out, "<section id=\"endpoints\">\n<h2>");
      /* Translators: a heading in a handout: the servers and clients of the session. */
      html_escape (out, _("Endpoints"));
      g_string_append (out, "</h2>\n");
      for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
        {
          g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

          html_endpoint (out, endpoint);
        }
      g_string_append (out, "</section>\n");
    }

  if (!lab_export_writer_check (w))
    return;

  /* ---- The timeline ---- */
  lab_export_drops_init (&drops, events);
  g_string_append (out, "<section id=\"timeline\">\n<h2>");
  /* Translators: a heading in a handout. */
  html_escape (out, _("Timeline"));
  g_string_append (out, "</h2>\n");
  if (drops.known && lab_timeline_get_n_dropped (LAB_TIMELINE (events)) > 0)
    {
      guint64 dropped = lab_timeline_get_n_dropped (LAB_TIMELINE (events));
      g_autofree char *text = lab_export_dup_dropped_text (dropped);

      g_string_append (out, "<p class=\"warning\">");
      html_escape (out, text);
      g_string_append (out, "</p>\n");
    }

  g_string_append (out, "<table class=\"timeline\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">");
  /* Translators: a column of a handout's timeline: seconds since the timeline began. */
  html_escape (out, _("Time (s)"));
  g_string_append (out, "</th><th scope=\"col\">");
  html_escape (out, _("Endpoint"));
  g_string_append (out, "</th><th scope=\"col\">");
  html_escape (out, _("Call"));
  g_string_append (out, "</th><th scope=\"col\">");
  html_escape (out, _("Arguments"));
  g_string_append (out, "</th><th scope=\"col\">");
  html_escape (out, _("Result"));
  g_string_append (out, "</th></tr></thead>\n<tbody>\n");

  for (guint i = 0; i < n && lab_export_writer_check (w); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);
      guint64 dropped = lab_export_drops_before (&drops, i, event);

      if (dropped > 0)
        {
          g_autofree char *text = lab_export_dup_dropped_text (dropped);

          g_string_append (out, "<tr><td colspan=\"6\" class=\"warning\">");
          html_escape (out, text);
          g_string_append (out, "</td></tr>\n");
        }
      html_timeline_row (out, event);
    }
  if (w->error != NULL)
    return;
  g_string_append (out, "</tbody>\n</table>\n</section>\n");

  /* ---- The bytes, connection by connection ---- */
  exchanges = collect_exchanges (events);
  g_string_append (out, "<section id=\"data\">\n<h2>");
  /* Translators: a heading in a handout: the bytes each connection sent and received. */
  html_escape (out, _("Exchanged data"));
  g_string_append (out, "</h2>\n");
  if (exchanges->len == 0)
    {
      g_string_append (out, "<p>");
      /* Translators: in a handout, when no bytes crossed. */
      html_escape (out, _("No data was exchanged."));
      g_string_append (out, "</p>\n");
    }
  for (guint i = 0; i < exchanges->len && lab_export_writer_check (w); i++)
    html_exchange (out, exchanges->pdata[i], session);
  g_string_append (out, "</section>\n</body>\n</html>\n");
}

/**
 * lab_export_handout:
 * @session: (nullable): the session, for its endpoints and their
 *   configuration
 * @events: (nullable) (element-type LabEvent): the events to show, or
 *   %NULL for the session's whole timeline
 * @title: (nullable): the handout's title, or %NULL for a default one
 * @notes: (nullable): what the teacher wrote, shown as it was typed
 *
 * Writes one self-contained HTML page, in the current language: the
 * title and notes, the endpoints and their configuration, the timeline as
 * a table, and the bytes of each connection as text and as a hex dump. It
 * has its style inline, no script and nothing from elsewhere, and it
 * prints on paper. Whatever came from the network or from a person is
 * escaped.
 *
 * Returns: whether all was written, with @error saying why not
 */
gboolean
lab_export_handout (LabSession     *session,
                    GListModel     *events,
                    const char     *title,
                    const char     *notes,
                    GOutputStream  *out,
                    GCancellable   *cancellable,
                    GError        **error)
{
  LabExportWriter w;

  g_return_val_if_fail (session == NULL || LAB_IS_SESSION (session), FALSE);
  g_return_val_if_fail (events != NULL || session != NULL, FALSE);
  g_return_val_if_fail (events == NULL || G_IS_LIST_MODEL (events), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (events == NULL)
    events = G_LIST_MODEL (lab_session_get_timeline (session));
  if (LAB_IS_TIMELINE (events))
    lab_timeline_flush (LAB_TIMELINE (events));

  lab_export_writer_init (&w, out, cancellable);
  lab_export_write_handout (session, events, title, notes, &w);
  return lab_export_writer_finish (&w, error);
}
