/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "lab-endpoint.h"
#include "lab-errno.h"
#include "lab-error.h"
#include "lab-explain.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-codegen.h"
#include "lab-lessons.h"
#include "lab-locale.h"
#include "lab-session.h"

/* protolab-cli: the lab's engine with no display. One endpoint a run; the
 * timeline is printed as it is recorded, as text or JSON Lines. */

typedef enum {
  FORMAT_TEXT,
  FORMAT_JSONL,
} Format;

typedef struct {
  /* Options */
  char        *bind;
  char        *host;
  int          port;
  char        *backend;
  char        *behaviour;
  char        *model;
  char        *framing;
  int          fixed_size;
  int          backlog;
  gboolean     reuseaddr;
  gboolean     nodelay;
  int          max_clients;
  int          buffer;
  int          rcvbuf;
  int          sndbuf;
  int          max_connections;
  double       duration;
  char        *format;
  gboolean     quiet;
  char        *send;
  char        *send_hex;
  gboolean     use_stdin;
  gboolean     sendall;
  gboolean     shutdown_write;
  gint64       expect_bytes;
  double       timeout;
  char        *family;
  char        *local_address;
  int          local_port;
  gboolean     udp_connect;
  char        *quit_message;
  int          max_events;
  char        *name;

  /* Running */
  Format       output;
  LabTimeline *timeline;
  LabEndpoint *endpoint;
  GMainLoop   *loop;
  GDataInputStream *stdin_lines;
  GCancellable *cancellable;
  int          exit_status;
} Cli;

static void
cli_clear (Cli *cli)
{
  g_free (cli->bind);
  g_free (cli->host);
  g_free (cli->backend);
  g_free (cli->behaviour);
  g_free (cli->model);
  g_free (cli->framing);
  g_free (cli->format);
  g_free (cli->send);
  g_free (cli->send_hex);
  g_free (cli->family);
  g_free (cli->local_address);
  g_free (cli->quit_message);
  g_free (cli->name);
  g_clear_object (&cli->endpoint);
  g_clear_object (&cli->timeline);
  g_clear_object (&cli->stdin_lines);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
}

static void
usage_error (const char *command,
             const char *message)
{
  /* Translators: %s is the command, e.g. tcp-server, for which to ask help. */
  g_autofree char *hint = g_strdup_printf (_("Try “protolab-cli %s --help”."), command);

  g_printerr ("protolab-cli: %s\n%s\n", message, hint);
}

/* A word among those an option accepts, by the enum's own nicks. */
static gboolean
parse_choice (const char  *command,
              const char  *option,
              const char  *value,
              GType        type,
              const char **aliases,
              int         *result)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v;

  if (value == NULL)
    return TRUE;

  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i += 2)
    if (g_str_equal (value, aliases[i]))
      value = aliases[i + 1];

  v = g_enum_get_value_by_nick (klass, value);
  if (v == NULL)
    {
      g_autoptr(GString) choices = g_string_new (NULL);
      g_autofree char *message = NULL;

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (choices, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
      /* Translators: “%s” is what was given to option --%s; the last %s lists the valid words. */
      message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"), value, option, choices->str);
      usage_error (command, message);
      return FALSE;
    }

  *result = v->value;
  return TRUE;
}

static gboolean
parse_format (Cli        *cli,
              const char *command)
{
  if (g_strcmp0 (cli->format, "jsonl") == 0)
    cli->output = FORMAT_JSONL;
  else if (cli->format != NULL && !g_str_equal (cli->format, "text"))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  cli->format, "format", "text, jsonl");
      usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

static void
print_record (Cli      *cli,
              LabEvent *event,
              gboolean  end)
{
  g_autofree char *line = NULL;

  if (cli->quiet)
    return;

  line = cli->output == FORMAT_JSONL ? lab_format_jsonl (event, end) : lab_format_text (event, end);
  g_print ("%s\n", line);
}

static void
on_recorded (LabTimeline *timeline,
             LabRecord   *records,
             guint        n_records,
             Cli         *cli)
{
  for (guint i = 0; i < n_records; i++)
    print_record (cli, records[i].event, records[i].end);
}

static void
print_summary (Cli *cli)
{
  LabTimelineStats stats;

  lab_timeline_get_stats (cli->timeline, &stats);
  /* Translators: the closing summary: an endpoint's name, then counts. */
  g_printerr (_("%s: %llu events recorded (%llu dropped), %llu calls, %llu bytes in, %llu bytes out\n"),
              lab_endpoint_get_name (cli->endpoint), (unsigned long long) stats.events,
              (unsigned long long) stats.dropped, (unsigned long long) stats.calls,
              (unsigned long long) stats.bytes_in, (unsigned long long) stats.bytes_out);
}

static void
on_state_changed (LabEndpoint *endpoint,
                  GParamSpec  *pspec,
                  Cli         *cli)
{
  LabEndpointState state = lab_endpoint_get_state (endpoint);

  if (state != LAB_ENDPOINT_STATE_STOPPED && state != LAB_ENDPOINT_STATE_FAILED)
    return;

  if (state == LAB_ENDPOINT_STATE_FAILED)
    {
      g_printerr ("protolab-cli: %s\n", lab_endpoint_get_error (endpoint));
      cli->exit_status = 1;
    }

  g_main_loop_quit (cli->loop);
}

static gboolean
on_stop_signal (gpointer data)
{
  Cli *cli = data;

  lab_endpoint_stop (cli->endpoint);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration_over (gpointer data)
{
  Cli *cli = data;

  lab_endpoint_stop (cli->endpoint);
  return G_SOURCE_REMOVE;
}

static void read_next_line (Cli *cli);

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Cli *cli = data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     &len, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      LabEndpointConfig *config = lab_endpoint_get_config (cli->endpoint);

      if (error != NULL)
        g_printerr ("protolab-cli: %s\n", error->message);

      /* End of input: a TCP client says it has no more to send. */
      if (lab_endpoint_config_get_kind (config) == LAB_ENDPOINT_TCP_CLIENT)
        lab_endpoint_shutdown_write (cli->endpoint, 0, NULL);
      else if (!lab_endpoint_config_is_server (config))
        lab_endpoint_stop (cli->endpoint);
      return;
    }

  {
    g_autofree char *with_newline = g_strconcat (line, "\n", NULL);
    g_autoptr(GBytes) bytes = g_bytes_new (with_newline, strlen (with_newline));
    g_autoptr(GError) send_error = NULL;

    if (!lab_endpoint_send (cli->endpoint, 0, bytes, cli->sendall, &send_error))
      g_printerr ("protolab-cli: %s\n", send_error->message);
  }

  read_next_line (cli);
}

static void
read_next_line (Cli *cli)
{
  g_data_input_stream_read_line_async (cli->stdin_lines, G_PRIORITY_DEFAULT, cli->cancellable,
                                       on_line_read, cli);
}

static gboolean
configure (Cli                *cli,
           const char         *command,
           LabEndpointConfig  *config)
{
  static const char *model_aliases[] = { "thread", "threads", "event-loop", "loop", NULL };
  static const char *framing_aliases[] = { "length", "length-prefix", "line", "lines", NULL };
  static const char *family_aliases[] = { "4", "ipv4", "6", "ipv6", NULL };
  gboolean server = lab_endpoint_config_is_server (config);
  int backend = LAB_BACKEND_POSIX, behaviour = LAB_BEHAVIOUR_ECHO, model = LAB_CONCURRENCY_THREADS;
  int framing = LAB_FRAMING_RAW, family = LAB_FAMILY_ANY;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_choice (command, "backend", cli->backend, LAB_TYPE_BACKEND_KIND, NULL, &backend) ||
      !parse_choice (command, "behaviour", cli->behaviour, LAB_TYPE_BEHAVIOUR, NULL, &behaviour) ||
      !parse_choice (command, "model", cli->model, LAB_TYPE_CONCURRENCY, model_aliases, &model) ||
      !parse_choice (command, "framing", cli->framing, LAB_TYPE_FRAMING, framing_aliases, &framing) ||
      !parse_choice (command, "family", cli->family, LAB_TYPE_FAMILY, family_aliases, &family))
    return FALSE;

  if (!parse_format (cli, command))
    return FALSE;

  if (cli->port < 0 || cli->port > 65535)
    {
      g_autofree char *message = g_strdup_printf (_("%d is out of range: a port goes from %d to 65535"),
                                                  cli->port, server ? 0 : 1);
      usage_error (command, message);
      return FALSE;
    }
  if (!server && cli->port == 0)
    {
      usage_error (command, _("A client needs the server’s port: give it with --port"));
      return FALSE;
    }
  if (cli->buffer < 0 || cli->backlog < 0 || cli->max_clients < 0 || cli->max_connections < 0 ||
      cli->rcvbuf < 0 || cli->sndbuf < 0 || cli->expect_bytes < 0 || cli->timeout < 0 ||
      cli->duration < 0 || cli->fixed_size < 0 || cli->local_port < 0 || cli->local_port > 65535 ||
      cli->max_events < 0)
    {
      usage_error (command, _("Numbers given to options cannot be negative"));
      return FALSE;
    }
  if ((cli->send != NULL) + (cli->send_hex != NULL) + cli->use_stdin > 1)
    {
      usage_error (command, _("Give only one of --send, --send-hex and --stdin"));
      return FALSE;
    }

  if (cli->send != NULL)
    data = lab_text_unescape (cli->send, &error);
  else if (cli->send_hex != NULL)
    data = lab_hex_parse (cli->send_hex, &error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf ("--%s: %s", cli->send != NULL ? "send" : "send-hex",
                                                  error->message);
      usage_error (command, message);
      return FALSE;
    }

  g_object_set (config,
                "backend", backend,
                "port", (guint) cli->port,
                "behaviour", behaviour,
                "concurrency", model,
                "framing", framing,
                "family", family,
                "reuseaddr", cli->reuseaddr,
                "nodelay", cli->nodelay,
                "sendall", cli->sendall,
                "shutdown-after-send", cli->shutdown_write,
                "expect-bytes", (guint64) cli->expect_bytes,
                "udp-connect", cli->udp_connect,
                "max-connections", (guint) cli->max_connections,
                NULL);

  if (cli->bind != NULL)
    g_object_set (config, "bind-address", cli->bind, NULL);
  if (cli->host != NULL)
    g_object_set (config, "host", cli->host, NULL);
  if (cli->fixed_size > 0)
    g_object_set (config, "fixed-size", (guint) cli->fixed_size, NULL);
  if (cli->backlog > 0)
    g_object_set (config, "backlog", cli->backlog, NULL);
  if (cli->max_clients > 0)
    g_object_set (config, "max-clients", (guint) cli->max_clients, NULL);
  if (cli->buffer > 0)
    g_object_set (config, "buffer-size", (guint) cli->buffer, NULL);
  if (cli->rcvbuf > 0)
    g_object_set (config, "rcvbuf", cli->rcvbuf, NULL);
  if (cli->sndbuf > 0)
    g_object_set (config, "sndbuf", cli->sndbuf, NULL);
  lab_endpoint_config_bind_client_timeouts (config);
  if (cli->timeout > 0)
    g_object_set (config, "connect-timeout", (guint) (cli->timeout * 1000), NULL);
  if (cli->local_address != NULL)
    g_object_set (config, "local-address", cli->local_address, NULL);
  if (cli->local_port > 0)
    g_object_set (config, "local-port", (guint) cli->local_port, NULL);
  if (cli->quit_message != NULL)
    g_object_set (config, "quit-message", cli->quit_message, NULL);
  if (data != NULL)
    g_object_set (config, "initial-data", data, NULL);

  if (!lab_endpoint_config_validate (config, &error))
    {
      usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

static int
run_endpoint (LabEndpointKind   kind,
              const char       *command,
              int               argc,
              char            **argv)
{
  Cli cli = { .sendall = FALSE, .exit_status = 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (kind);
  gboolean server = lab_endpoint_kind_is_server (kind);
  guint sigint_id, sigterm_id;
  int status;
  const GOptionEntry common[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &cli.port, N_("The port (a server: 0 lets the kernel pick one)"), N_("N") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &cli.backend, N_("Which calls to make: posix (the BSD calls) or gio (GSocket)"), "gio|posix" },
    { "buffer", 0, 0, G_OPTION_ARG_INT, &cli.buffer, N_("How many bytes each recv asks for (default 1024)"), N_("BYTES") },
    { "rcvbuf", 0, 0, G_OPTION_ARG_INT, &cli.rcvbuf, N_("Set SO_RCVBUF, the kernel’s receive buffer"), N_("BYTES") },
    { "sndbuf", 0, 0, G_OPTION_ARG_INT, &cli.sndbuf, N_("Set SO_SNDBUF, the kernel’s send buffer"), N_("BYTES") },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &cli.duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cli.format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli.quiet, N_("Record everything, print only the closing summary"), NULL },
    { "max-events", 0, 0, G_OPTION_ARG_INT, &cli.max_events, N_("How many events the timeline keeps"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &cli.name, N_("The endpoint’s name in the timeline"), N_("NAME") },
    { NULL }
  };
  const GOptionEntry server_entries[] = {
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &cli.bind, N_("The address to bind (default 127.0.0.1)"), N_("ADDRESS") },
    { "behaviour", 0, 0, G_OPTION_ARG_STRING, &cli.behaviour, N_("What to do with what arrives"), "echo|upper|time|discard|manual" },
    { "reuseaddr", 0, 0, G_OPTION_ARG_NONE, &cli.reuseaddr, N_("Set SO_REUSEADDR before bind"), NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &cli.max_connections, N_("Serve this many connections (UDP: datagrams), then stop"), N_("N") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &cli.use_stdin, N_("Send each line typed to every client (with --behaviour manual)"), NULL },
    { "framing", 0, 0, G_OPTION_ARG_STRING, &cli.framing, N_("How bytes become messages"), "raw|lines|length|fixed" },
    { "fixed-size", 0, 0, G_OPTION_ARG_INT, &cli.fixed_size, N_("The message size of fixed framing"), N_("BYTES") },
    { "quit-message", 0, 0, G_OPTION_ARG_STRING, &cli.quit_message, N_("A message that ends a client’s connection, such as bye"), N_("TEXT") },
    { NULL }
  };
  const GOptionEntry tcp_server_entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &cli.model, N_("How clients are served"), "iterative|threads|loop" },
    { "backlog", 0, 0, G_OPTION_ARG_INT, &cli.backlog, N_("listen ()’s backlog (default 5)"), N_("N") },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &cli.max_clients, N_("Serve at most this many clients at once"), N_("N") },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &cli.nodelay, N_("Set TCP_NODELAY on each connection"), NULL },
    { NULL }
  };
  const GOptionEntry client_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &cli.host, N_("The server’s name or address (default 127.0.0.1)"), N_("HOST") },
    { "family", 0, 0, G_OPTION_ARG_STRING, &cli.family, N_("Which addresses to resolve the host to"), "any|4|6" },
    { "send", 0, 0, G_OPTION_ARG_STRING, &cli.send, N_("Text to send (\\n, \\r, \\t, \\xHH stand for bytes)"), N_("TEXT") },
    { "send-hex", 0, 0, G_OPTION_ARG_STRING, &cli.send_hex, N_("Bytes to send, in hexadecimal"), N_("HEX") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &cli.use_stdin, N_("Send each line typed"), NULL },
    { "expect-bytes", 0, 0, G_OPTION_ARG_INT64, &cli.expect_bytes, N_("Close once this many bytes have arrived"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &cli.timeout, N_("Give up connecting, or waiting for data, after this long"), N_("SECONDS") },
    { "local-address", 0, 0, G_OPTION_ARG_STRING, &cli.local_address, N_("Bind this address before connecting"), N_("ADDRESS") },
    { "local-port", 0, 0, G_OPTION_ARG_INT, &cli.local_port, N_("Bind this port before connecting, instead of an ephemeral one"), N_("N") },
    { NULL }
  };
  const GOptionEntry tcp_client_entries[] = {
    { "sendall", 0, 0, G_OPTION_ARG_NONE, &cli.sendall, N_("Send with sendall: call send until all is sent"), NULL },
    { "shutdown-write", 0, 0, G_OPTION_ARG_NONE, &cli.shutdown_write, N_("After sending, half-close: shutdown (SHUT_WR)"), NULL },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &cli.nodelay, N_("Set TCP_NODELAY"), NULL },
    { NULL }
  };
  const GOptionEntry udp_client_entries[] = {
    { "connect", 0, 0, G_OPTION_ARG_NONE, &cli.udp_connect, N_("connect () the UDP socket to the server first"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (server)
    g_option_context_add_main_entries (context, server_entries, GETTEXT_PACKAGE);
  else
    g_option_context_add_main_entries (context, client_entries, GETTEXT_PACKAGE);
  if (kind == LAB_ENDPOINT_TCP_SERVER)
    g_option_context_add_main_entries (context, tcp_server_entries, GETTEXT_PACKAGE);
  else if (kind == LAB_ENDPOINT_TCP_CLIENT)
    g_option_context_add_main_entries (context, tcp_client_entries, GETTEXT_PACKAGE);
  else if (kind == LAB_ENDPOINT_UDP_CLIENT)
    g_option_context_add_main_entries (context, udp_client_entries, GETTEXT_PACKAGE);

  switch (kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      g_option_context_set_summary (context, _("Run a TCP server: socket, bind, listen, then accept and serve clients."));
      break;
    case LAB_ENDPOINT_TCP_CLIENT:
      g_option_context_set_summary (context, _("Run a TCP client: resolve the host, connect, send, receive."));
      break;
    case LAB_ENDPOINT_UDP_SERVER:
      g_option_context_set_summary (context, _("Run a UDP server: socket, bind, then recvfrom and answer with sendto."));
      break;
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      g_option_context_set_summary (context, _("Run a UDP client: sendto the server and recvfrom its answer."));
      break;
    }

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error (command, error->message);
      cli_clear (&cli);
      return 2;
    }
  if (argc > 1)
    {
      /* Translators: %s is an argument that was not expected. */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”"), argv[1]);

      usage_error (command, message);
      cli_clear (&cli);
      return 2;
    }

  if (!configure (&cli, command, config))
    {
      cli_clear (&cli);
      return 2;
    }

  cli.timeline = lab_timeline_new ();
  if (cli.max_events > 0)
    lab_timeline_set_limits (cli.timeline, (guint) cli.max_events, lab_timeline_get_max_payload (cli.timeline));
  cli.endpoint = lab_endpoint_new_with_config (cli.timeline, config, cli.name != NULL ? cli.name : command);
  lab_endpoint_set_keep_data (cli.endpoint, FALSE);
  cli.loop = g_main_loop_new (NULL, FALSE);

  g_signal_connect (cli.timeline, "recorded", G_CALLBACK (on_recorded), &cli);
  g_signal_connect (cli.endpoint, "notify::state", G_CALLBACK (on_state_changed), &cli);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, &cli);
  if (cli.duration > 0)
    g_timeout_add ((guint) (cli.duration * 1000), on_duration_over, &cli);

  if (!lab_endpoint_start (cli.endpoint, &error))
    {
      g_printerr ("protolab-cli: %s\n", error->message);
      cli_clear (&cli);
      return 1;
    }

  if (cli.use_stdin)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      cli.cancellable = g_cancellable_new ();
      cli.stdin_lines = g_data_input_stream_new (in);
      read_next_line (&cli);
    }

  g_main_loop_run (cli.loop);

  if (cli.cancellable != NULL)
    g_cancellable_cancel (cli.cancellable);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  lab_timeline_flush (cli.timeline);
  print_summary (&cli);

  status = cli.exit_status;
  cli_clear (&cli);
  return status;
}

/* A file named on the command line, or a bundled lesson by its id when no
 * file has that name. */
static GFile *
experiment_file (const char *arg)
{
  GFile *file = g_file_new_for_commandline_arg (arg);

  if (!g_file_query_exists (file, NULL))
    {
      g_auto(GStrv) lessons = lab_lessons_list ();

      if (g_strv_contains ((const char *const *) lessons, arg))
        g_set_object (&file, lab_lessons_file (arg));
    }

  return file;
}

/* protolab-cli run FILE: an experiment, played as the lab's Play button
 * plays it, its timeline printed until every endpoint has stopped. */

typedef struct {
  Cli         cli;
  LabSession *session;
} Run;

static gboolean
run_over (Run *run)
{
  GListModel *endpoints = lab_session_get_endpoints (run->session);

  if (lab_session_is_playing (run->session))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (lab_endpoint_is_active (endpoint))
        return FALSE;
    }

  return TRUE;
}

static void
on_run_state_changed (LabEndpoint *endpoint,
                      GParamSpec  *pspec,
                      Run         *run)
{
  if (lab_endpoint_get_state (endpoint) == LAB_ENDPOINT_STATE_FAILED)
    {
      g_printerr ("protolab-cli: %s: %s\n", lab_endpoint_get_name (endpoint), lab_endpoint_get_error (endpoint));
      run->cli.exit_status = 1;
    }

  if (run_over (run))
    g_main_loop_quit (run->cli.loop);
}

static gboolean
on_run_stop (gpointer data)
{
  Run *run = data;

  lab_session_stop_all (run->session);
  if (run_over (run))
    g_main_loop_quit (run->cli.loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_run_duration_over (gpointer data)
{
  on_run_stop (data);
  return G_SOURCE_REMOVE;
}

static void
print_experiment (LabExperiment *experiment)
{
  const char *const *steps = lab_experiment_get_steps (experiment);

  if (lab_experiment_get_title (experiment)[0] != '\0')
    g_printerr ("# %s\n", lab_experiment_get_title (experiment));
  if (lab_experiment_get_notes (experiment)[0] != '\0')
    g_printerr ("%s\n", lab_experiment_get_notes (experiment));
  for (guint i = 0; steps[i] != NULL; i++)
    g_printerr ("  %u. %s\n", i + 1, steps[i]);
}

static int
run_experiment (int    argc,
                char **argv)
{
  Run run = { .cli = { .exit_status = 0 } };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(LabExperiment) experiment = NULL;
  const char *const *warnings;
  GListModel *endpoints;
  guint sigint_id, sigterm_id;
  LabTimelineStats stats;
  int status, backend = -1;
  const GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &run.cli.backend, N_("Make every endpoint use these calls: posix or gio"), "gio|posix" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &run.cli.duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &run.cli.format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &run.cli.quiet, N_("Record everything, print only the closing summary"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE|LESSON"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Play an experiment (.protolab): start its servers, then its clients, "
                                           "and print the timeline until all have stopped."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error ("run", error->message);
      cli_clear (&run.cli);
      return 2;
    }
  if (argc != 2)
    {
      usage_error ("run", _("Give one experiment file"));
      cli_clear (&run.cli);
      return 2;
    }
  if (run.cli.backend != NULL &&
      !parse_choice ("run", "backend", run.cli.backend, LAB_TYPE_BACKEND_KIND, NULL, &backend))
    {
      cli_clear (&run.cli);
      return 2;
    }
  if (!parse_format (&run.cli, "run"))
    {
      cli_clear (&run.cli);
      return 2;
    }
  if (run.cli.duration < 0)
    {
      usage_error ("run", _("Numbers given to options cannot be negative"));
      cli_clear (&run.cli);
      return 2;
    }

  file = experiment_file (argv[1]);
  experiment = lab_experiment_new_from_file (file, NULL, &error);
  if (experiment == NULL)
    {
      g_printerr ("protolab-cli: %s: %s\n", argv[1], error->message);
      cli_clear (&run.cli);
      return 1;
    }
  warnings = lab_experiment_get_warnings (experiment);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr ("protolab-cli: %s: %s\n", argv[1], warnings[i]);
  if (!run.cli.quiet)
    print_experiment (experiment);

  run.session = lab_session_new ();
  lab_session_load (run.session, experiment);
  run.cli.timeline = g_object_ref (lab_session_get_timeline (run.session));
  run.cli.loop = g_main_loop_new (NULL, FALSE);
  endpoints = lab_session_get_endpoints (run.session);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      if (backend >= 0)
        g_object_set (lab_endpoint_get_config (endpoint), "backend", backend, NULL);
      lab_endpoint_set_keep_data (endpoint, FALSE);
      g_signal_connect (endpoint, "notify::state", G_CALLBACK (on_run_state_changed), &run);
    }

  g_signal_connect (run.cli.timeline, "recorded", G_CALLBACK (on_recorded), &run.cli);
  sigint_id = g_unix_signal_add (SIGINT, on_run_stop, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_run_stop, &run);
  if (run.cli.duration > 0)
    g_timeout_add ((guint) (run.cli.duration * 1000), on_run_duration_over, &run);

  lab_session_play (run.session);
  if (!run_over (&run))
    g_main_loop_run (run.cli.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  lab_timeline_flush (run.cli.timeline);
  lab_timeline_get_stats (run.cli.timeline, &stats);
  g_printerr (_("%s: %llu events recorded (%llu dropped), %llu calls, %llu bytes in, %llu bytes out\n"), argv[1],
              (unsigned long long) stats.events, (unsigned long long) stats.dropped,
              (unsigned long long) stats.calls, (unsigned long long) stats.bytes_in,
              (unsigned long long) stats.bytes_out);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_signal_handlers_disconnect_by_data (endpoint, &run);
    }
  g_clear_object (&run.session);
  status = run.cli.exit_status;
  cli_clear (&run.cli);
  return status;
}

/* protolab-cli code --language python|c FILE [--endpoint NAME]: an
 * experiment's endpoints as programs to hand out. */
static int
run_code (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(LabExperiment) experiment = NULL;
  g_autofree char *language_name = NULL;
  g_autofree char *endpoint_name = NULL;
  LabCodeLanguage language = LAB_CODE_PYTHON;
  gboolean found = FALSE;
  const GOptionEntry entries[] = {
    { "language", 'l', 0, G_OPTION_ARG_STRING, &language_name, N_("The language of the program: python or c"), "python|c" },
    { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint_name, N_("Only the endpoint of this name (all by default)"), N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("FILE|LESSON"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Print the program each endpoint of an experiment runs, in Python "
                                           "or in C, ready to save and run."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error ("code", error->message);
      return 2;
    }
  if (argc != 2)
    {
      usage_error ("code", _("Give one experiment file"));
      return 2;
    }
  if (language_name != NULL && !lab_code_language_from_string (language_name, &language))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  language_name, "language", "python, c");
      usage_error ("code", message);
      return 2;
    }

  file = experiment_file (argv[1]);
  experiment = lab_experiment_new_from_file (file, NULL, &error);
  if (experiment == NULL)
    {
      g_printerr ("protolab-cli: %s: %s\n", argv[1], error->message);
      return 1;
    }

  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      const char *name = lab_experiment_get_endpoint_name (experiment, i);
      g_autofree char *code = NULL;

      if (endpoint_name != NULL && g_strcmp0 (name, endpoint_name) != 0)
        continue;
      code = lab_codegen_generate (lab_experiment_get_config (experiment, i), name, language);
      g_print ("%s%s", found ? "\n" : "", code);
      found = TRUE;
    }

  if (!found)
    {
      /* Translators: %s is the name of an endpoint asked for with --endpoint. */
      g_autofree char *message = endpoint_name != NULL
        ? g_strdup_printf (_("The experiment has no endpoint named “%s”"), endpoint_name)
        : g_strdup (_("The experiment has no endpoint"));

      g_printerr ("protolab-cli: %s: %s\n", argv[1], message);
      return 1;
    }

  return 0;
}

/* protolab-cli lessons: the bundled lessons, each an id for run. */
static int
run_lessons (int    argc,
             char **argv)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  if (argc > 1)
    {
      usage_error ("lessons", _("This command takes no argument"));
      return 2;
    }

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) lesson = lab_lessons_load (ids[i], &error);

      g_assert_no_error (error);
      g_print ("%-20s %s\n", ids[i], lab_experiment_get_title (lesson));
    }

  return 0;
}

/* protolab-cli explain NAME: what a call does, or what an error means. */
static int
run_explain (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean list = FALSE;
  const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, N_("List every name there is an explanation for"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("NAME"));
  g_option_context_set_summary (context, _("Explain a socket call (accept, g_socket_accept…) or an error "
                                           "(ECONNREFUSED, EAI_NONAME…): what it does or means, when it "
                                           "waits, what it returns, what to try."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error ("explain", error->message);
      return 2;
    }

  if (list)
    {
      g_autofree const char **calls = lab_explain_call_names ();
      g_autofree const char **errors = lab_errno_all_names ();

      for (guint i = 0; calls[i] != NULL; i++)
        g_print ("%s\n", calls[i]);
      for (guint i = 0; errors[i] != NULL; i++)
        g_print ("%s\n", errors[i]);
      return 0;
    }

  if (argc != 2)
    {
      usage_error ("explain", _("Give one name: a call such as accept, or an error such as ECONNREFUSED"));
      return 2;
    }

  {
    const LabExplanation *explanation = lab_explain_lookup (argv[1]);
    g_autofree char *text = NULL;

    if (explanation == NULL)
      {
        /* Translators: %s is a name given to explain that is neither a call nor an error the lab knows. */
        g_autofree char *message = g_strdup_printf (_("“%s” is neither a call nor an error the lab knows "
                                                      "(“protolab-cli explain --list” lists them)"), argv[1]);

        g_printerr ("protolab-cli: %s\n", message);
        return 1;
      }

    text = lab_explanation_format (explanation);
    g_print ("%s", text);
  }

  return 0;
}

typedef struct {
  const char      *name;
  LabEndpointKind  kind;
} EndpointCommand;

static const EndpointCommand endpoint_commands[] = {
  { "tcp-server", LAB_ENDPOINT_TCP_SERVER },
  { "tcp-client", LAB_ENDPOINT_TCP_CLIENT },
  { "udp-server", LAB_ENDPOINT_UDP_SERVER },
  { "udp-client", LAB_ENDPOINT_UDP_CLIENT },
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* Events are made on the endpoints' threads and freed on the main one;
   * GLib 2.74's slice allocator then keeps taking new memory on one side
   * and hoarding it on the other. Plain malloc (GLib's own choice from
   * 2.76 on) recycles it. Set before GLib allocates anything. */
  setenv ("G_SLICE", "always-malloc", 0);

  /* A peer that closes while we write must give EPIPE, not end the program. */
  signal (SIGPIPE, SIG_IGN);
  lab_locale_init (NULL);

  for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (endpoint_commands); i++)
    if (g_str_equal (argv[1], endpoint_commands[i].name))
      return run_endpoint (endpoint_commands[i].kind, endpoint_commands[i].name, argc - 1, argv + 1);

  if (argc > 1 && g_str_equal (argv[1], "explain"))
    return run_explain (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "run"))
    return run_experiment (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "lessons"))
    return run_lessons (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "code"))
    return run_code (argc - 1, argv + 1);

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_summary (context, _("Run Protolab’s servers and clients from a terminal and print "
                                           "every socket call they make."));
  g_option_context_set_description (context,
                                    _("Commands:\n"
                                      "  tcp-server   a TCP server (echo, uppercase, time, discard, manual)\n"
                                      "  tcp-client   a TCP client\n"
                                      "  udp-server   a UDP server\n"
                                      "  udp-client   a UDP client\n"
                                      "  run          play an experiment file (.protolab) or a lesson\n"
                                      "  lessons      list the bundled lessons\n"
                                      "  code         an experiment's endpoints as Python or C programs\n"
                                      "  explain      what a socket call does or an error means\n"
                                      "\n"
                                      "“protolab-cli COMMAND --help” lists a command’s options."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("protolab-cli: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("protolab-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (argc < 2)
    g_printerr ("protolab-cli: %s\n", _("Say which command to run: tcp-server, tcp-client, udp-server or udp-client"));
  else
    {
      /* Translators: %s is a word given as a command that is not one. */
      g_autofree char *message = g_strdup_printf (_("“%s” is not a command: use tcp-server, tcp-client, "
                                                    "udp-server or udp-client"), argv[1]);
      g_printerr ("protolab-cli: %s\n", message);
    }
  g_printerr ("%s\n", _("Try “protolab-cli --help”."));
  return 2;
}
