/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "lab-endpoint.h"
#include "lab-errno.h"
#include "lab-explain.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-codegen.h"
#include "lab-lessons.h"
#include "lab-locale.h"
#include "lab-session.h"

/* protolab-cli: the lab's engine with no display. A command a run: an
 * endpoint or an experiment, its timeline printed as it is recorded, as
 * text or JSON Lines; or words about a lesson, a call or an error. */

typedef enum {
  LAB_CLI_FORMAT_TEXT,
  LAB_CLI_FORMAT_JSONL,
} LabCliFormat;

/* What tcp-server, tcp-client, udp-server and udp-client are told */
typedef struct {
  char         *bind;
  char         *host;
  int           port;
  char         *backend;
  char         *behaviour;
  char         *model;
  char         *framing;
  int           fixed_size;
  int           backlog;
  gboolean      reuseaddr;
  gboolean      nodelay;
  int           max_clients;
  int           buffer;
  int           rcvbuf;
  int           sndbuf;
  int           max_connections;
  double        duration;
  char         *format;
  gboolean      quiet;
  char         *send;
  char         *send_hex;
  gboolean      use_stdin;
  gboolean      sendall;
  gboolean      shutdown_write;
  gint64        expect_bytes;
  double        timeout;
  char         *family;
  char         *local_address;
  int           local_port;
  gboolean      udp_connect;
  char         *quit_message;
  int           max_events;
  char         *name;

  /* Read from --format */
  LabCliFormat  output;
} LabCliOptions;

static void lab_cli_options_clear (LabCliOptions *options);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabCliOptions, lab_cli_options_clear)

/* What the command line says: the words options take, the experiment it
 * names, and an endpoint's options read into its configuration. */

static void
lab_cli_usage_error (const char *command,
                     const char *message)
{
  /* Translators: %s is the command, e.g. tcp-server, for which to ask help. */
  g_autofree char *hint = g_strdup_printf (_("Try “protolab-cli %s --help”."), command);

  g_printerr ("protolab-cli: %s\n%s\n", message, hint);
}

/* A word among those an option accepts, by the enum's own nicks. */
static gboolean
lab_cli_parse_choice (const char  *command,
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
      lab_cli_usage_error (command, message);
      return FALSE;
    }

  *result = v->value;
  return TRUE;
}

static gboolean
lab_cli_parse_format (const char   *command,
                      const char   *format,
                      LabCliFormat *output)
{
  if (g_strcmp0 (format, "jsonl") == 0)
    *output = LAB_CLI_FORMAT_JSONL;
  else if (format != NULL && !g_str_equal (format, "text"))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  format, "format", "text, jsonl");
      lab_cli_usage_error (command, message);
      return FALSE;
    }
  else
    *output = LAB_CLI_FORMAT_TEXT;

  return TRUE;
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

/**
 * lab_cli_load_experiment:
 * @arg: a file or a lesson's id, as given
 *
 * Returns: (transfer full) (nullable): the experiment @arg names, or %NULL
 *   once why not has been said
 */
static LabExperiment *
lab_cli_load_experiment (const char *arg)
{
  g_autoptr(GFile) file = experiment_file (arg);
  g_autoptr(GError) error = NULL;
  LabExperiment *experiment = lab_experiment_new_from_file (file, NULL, &error);

  if (experiment == NULL)
    g_printerr ("protolab-cli: %s: %s\n", arg, error->message);

  return experiment;
}

/* The options of an endpoint command: those every kind has, then those of
 * servers or clients, then those of the one kind. */
static GOptionContext *
endpoint_context_new (LabCliOptions   *o,
                      LabEndpointKind  kind)
{
  const GOptionEntry common[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, N_("The port (a server: 0 lets the kernel pick one)"), N_("N") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &o->backend, N_("Which calls to make: posix (the BSD calls) or gio (GSocket)"), "gio|posix" },
    { "buffer", 0, 0, G_OPTION_ARG_INT, &o->buffer, N_("How many bytes each recv asks for (default 1024)"), N_("BYTES") },
    { "rcvbuf", 0, 0, G_OPTION_ARG_INT, &o->rcvbuf, N_("Set SO_RCVBUF, the kernel’s receive buffer"), N_("BYTES") },
    { "sndbuf", 0, 0, G_OPTION_ARG_INT, &o->sndbuf, N_("Set SO_SNDBUF, the kernel’s send buffer"), N_("BYTES") },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &o->duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Record everything, print only the closing summary"), NULL },
    { "max-events", 0, 0, G_OPTION_ARG_INT, &o->max_events, N_("How many events the timeline keeps"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("The endpoint’s name in the timeline"), N_("NAME") },
    { NULL }
  };
  const GOptionEntry server_entries[] = {
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &o->bind, N_("The address to bind (default 127.0.0.1)"), N_("ADDRESS") },
    { "behaviour", 0, 0, G_OPTION_ARG_STRING, &o->behaviour, N_("What to do with what arrives"), "echo|upper|time|discard|manual" },
    { "reuseaddr", 0, 0, G_OPTION_ARG_NONE, &o->reuseaddr, N_("Set SO_REUSEADDR before bind"), NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &o->max_connections, N_("Serve this many connections (UDP: datagrams), then stop"), N_("N") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &o->use_stdin, N_("Send each line typed to every client (with --behaviour manual)"), NULL },
    { "framing", 0, 0, G_OPTION_ARG_STRING, &o->framing, N_("How bytes become messages"), "raw|lines|length|fixed" },
    { "fixed-size", 0, 0, G_OPTION_ARG_INT, &o->fixed_size, N_("The message size of fixed framing"), N_("BYTES") },
    { "quit-message", 0, 0, G_OPTION_ARG_STRING, &o->quit_message, N_("A message that ends a client’s connection, such as bye"), N_("TEXT") },
    { NULL }
  };
  const GOptionEntry tcp_server_entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &o->model, N_("How clients are served"), "iterative|threads|loop" },
    { "backlog", 0, 0, G_OPTION_ARG_INT, &o->backlog, N_("listen ()’s backlog (default 5)"), N_("N") },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &o->max_clients, N_("Serve at most this many clients at once"), N_("N") },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &o->nodelay, N_("Set TCP_NODELAY on each connection"), NULL },
    { NULL }
  };
  const GOptionEntry client_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &o->host, N_("The server’s name or address (default 127.0.0.1)"), N_("HOST") },
    { "family", 0, 0, G_OPTION_ARG_STRING, &o->family, N_("Which addresses to resolve the host to"), "any|4|6" },
    { "send", 0, 0, G_OPTION_ARG_STRING, &o->send, N_("Text to send (\\n, \\r, \\t, \\xHH stand for bytes)"), N_("TEXT") },
    { "send-hex", 0, 0, G_OPTION_ARG_STRING, &o->send_hex, N_("Bytes to send, in hexadecimal"), N_("HEX") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &o->use_stdin, N_("Send each line typed"), NULL },
    { "expect-bytes", 0, 0, G_OPTION_ARG_INT64, &o->expect_bytes, N_("Close once this many bytes have arrived"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o->timeout, N_("Give up connecting, or waiting for data, after this long"), N_("SECONDS") },
    { "local-address", 0, 0, G_OPTION_ARG_STRING, &o->local_address, N_("Bind this address before connecting"), N_("ADDRESS") },
    { "local-port", 0, 0, G_OPTION_ARG_INT, &o->local_port, N_("Bind this port before connecting, instead of an ephemeral one"), N_("N") },
    { NULL }
  };
  const GOptionEntry tcp_client_entries[] = {
    { "sendall", 0, 0, G_OPTION_ARG_NONE, &o->sendall, N_("Send with sendall: call send until all is sent"), NULL },
    { "shutdown-write", 0, 0, G_OPTION_ARG_NONE, &o->shutdown_write, N_("After sending, half-close: shutdown (SHUT_WR)"), NULL },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &o->nodelay, N_("Set TCP_NODELAY"), NULL },
    { NULL }
  };
  const GOptionEntry udp_client_entries[] = {
    { "connect", 0, 0, G_OPTION_ARG_NONE, &o->udp_connect, N_("connect () the UDP socket to the server first"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (lab_endpoint_kind_is_server (kind))
    g_option_context_add_main_entries (context, server_entries, GETTEXT_PACKAGE);
  else
    g_option_context_add_main_entries (context, client_entries, GETTEXT_PACKAGE);
  if (kind == LAB_ENDPOINT_TCP_SERVER)
    g_option_context_add_main_entries (context, tcp_server_entries, GETTEXT_PACKAGE);
  else if (kind == LAB_ENDPOINT_TCP_CLIENT)
    g_option_context_add_main_entries (context, tcp_client_entries, GETTEXT_PACKAGE);
  else if (kind == LAB_ENDPOINT_UDP_CLIENT)
    g_option_context_add_main_entries (context, udp_client_entries, GETTEXT_PACKAGE);

  return context;
}

static const char *
endpoint_summary (LabEndpointKind kind)
{
  switch (kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      return _("Run a TCP server: socket, bind, listen, then accept and serve clients.");
    case LAB_ENDPOINT_TCP_CLIENT:
      return _("Run a TCP client: resolve the host, connect, send, receive.");
    case LAB_ENDPOINT_UDP_SERVER:
      return _("Run a UDP server: socket, bind, then recvfrom and answer with sendto.");
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      return _("Run a UDP client: sendto the server and recvfrom its answer.");
    }
}

/**
 * lab_cli_options_parse:
 *
 * Reads the command line of an endpoint command into @options, with no
 * argument left over.
 *
 * Returns: whether it could, once the mistake has been said
 */
static gboolean
lab_cli_options_parse (LabCliOptions    *options,
                       LabEndpointKind   kind,
                       const char       *command,
                       int               argc,
                       char            **argv)
{
  g_autoptr(GOptionContext) context = endpoint_context_new (options, kind);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, endpoint_summary (kind));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      lab_cli_usage_error (command, error->message);
      return FALSE;
    }
  if (argc > 1)
    {
      /* Translators: %s is an argument that was not expected. */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”"), argv[1]);

      lab_cli_usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* The numbers, each in its range, and at most one thing to send. */
static gboolean
check_numbers (LabCliOptions *o,
               const char    *command,
               gboolean       server)
{
  if (o->port < 0 || o->port > 65535)
    {
      g_autofree char *message = g_strdup_printf (_("%d is out of range: a port goes from %d to 65535"),
                                                  o->port, server ? 0 : 1);
      lab_cli_usage_error (command, message);
      return FALSE;
    }
  if (!server && o->port == 0)
    {
      lab_cli_usage_error (command, _("A client needs the server’s port: give it with --port"));
      return FALSE;
    }
  if (o->buffer < 0 || o->backlog < 0 || o->max_clients < 0 || o->max_connections < 0 ||
      o->rcvbuf < 0 || o->sndbuf < 0 || o->expect_bytes < 0 || o->timeout < 0 ||
      o->duration < 0 || o->fixed_size < 0 || o->local_port < 0 || o->local_port > 65535 ||
      o->max_events < 0)
    {
      lab_cli_usage_error (command, _("Numbers given to options cannot be negative"));
      return FALSE;
    }
  if ((o->send != NULL) + (o->send_hex != NULL) + o->use_stdin > 1)
    {
      lab_cli_usage_error (command, _("Give only one of --send, --send-hex and --stdin"));
      return FALSE;
    }

  return TRUE;
}

/* What --send or --send-hex gives, or %NULL with @error unset when neither
 * is given. */
static GBytes *
read_data (LabCliOptions  *o,
           GError        **error)
{
  if (o->send != NULL)
    return lab_text_unescape (o->send, error);
  if (o->send_hex != NULL)
    return lab_hex_parse (o->send_hex, error);
  return NULL;
}

/* The options that leave the configuration's own value when not given. */
static void
set_given (LabCliOptions     *o,
           LabEndpointConfig *config)
{
  if (o->bind != NULL)
    g_object_set (config, "bind-address", o->bind, NULL);
  if (o->host != NULL)
    g_object_set (config, "host", o->host, NULL);
  if (o->fixed_size > 0)
    g_object_set (config, "fixed-size", (guint) o->fixed_size, NULL);
  if (o->backlog > 0)
    g_object_set (config, "backlog", o->backlog, NULL);
  if (o->max_clients > 0)
    g_object_set (config, "max-clients", (guint) o->max_clients, NULL);
  if (o->buffer > 0)
    g_object_set (config, "buffer-size", (guint) o->buffer, NULL);
  if (o->rcvbuf > 0)
    g_object_set (config, "rcvbuf", o->rcvbuf, NULL);
  if (o->sndbuf > 0)
    g_object_set (config, "sndbuf", o->sndbuf, NULL);
  lab_endpoint_config_bind_client_timeouts (config);
  if (o->timeout > 0)
    g_object_set (config, "connect-timeout", (guint) (o->timeout * 1000), NULL);
  if (o->local_address != NULL)
    g_object_set (config, "local-address", o->local_address, NULL);
  if (o->local_port > 0)
    g_object_set (config, "local-port", (guint) o->local_port, NULL);
  if (o->quit_message != NULL)
    g_object_set (config, "quit-message", o->quit_message, NULL);
}

/**
 * lab_cli_options_configure:
 *
 * Checks @options and writes them into @config, an endpoint's of the
 * command's kind; reads --format too.
 *
 * Returns: whether they make a configuration that can start, once the
 *   mistake has been said
 */
static gboolean
lab_cli_options_configure (LabCliOptions     *o,
                           const char        *command,
                           LabEndpointConfig *config)
{
  static const char *model_aliases[] = { "thread", "threads", "event-loop", "loop", NULL };
  static const char *framing_aliases[] = { "length", "length-prefix", "line", "lines", NULL };
  static const char *family_aliases[] = { "4", "ipv4", "6", "ipv6", NULL };
  int backend = LAB_BACKEND_POSIX, behaviour = LAB_BEHAVIOUR_ECHO, model = LAB_CONCURRENCY_THREADS;
  int framing = LAB_FRAMING_RAW, family = LAB_FAMILY_ANY;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;

  if (!lab_cli_parse_choice (command, "backend", o->backend, LAB_TYPE_BACKEND_KIND, NULL, &backend) ||
      !lab_cli_parse_choice (command, "behaviour", o->behaviour, LAB_TYPE_BEHAVIOUR, NULL, &behaviour) ||
      !lab_cli_parse_choice (command, "model", o->model, LAB_TYPE_CONCURRENCY, model_aliases, &model) ||
      !lab_cli_parse_choice (command, "framing", o->framing, LAB_TYPE_FRAMING, framing_aliases, &framing) ||
      !lab_cli_parse_choice (command, "family", o->family, LAB_TYPE_FAMILY, family_aliases, &family))
    return FALSE;

  if (!lab_cli_parse_format (command, o->format, &o->output) ||
      !check_numbers (o, command, lab_endpoint_config_is_server (config)))
    return FALSE;

  data = read_data (o, &error);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf ("--%s: %s", o->send != NULL ? "send" : "send-hex",
                                                  error->message);
      lab_cli_usage_error (command, message);
      return FALSE;
    }

  g_object_set (config,
                "backend", backend,
                "port", (guint) o->port,
                "behaviour", behaviour,
                "concurrency", model,
                "framing", framing,
                "family", family,
                "reuseaddr", o->reuseaddr,
                "nodelay", o->nodelay,
                "sendall", o->sendall,
                "shutdown-after-send", o->shutdown_write,
                "expect-bytes", (guint64) o->expect_bytes,
                "udp-connect", o->udp_connect,
                "max-connections", (guint) o->max_connections,
                NULL);
  set_given (o, config);
  if (data != NULL)
    g_object_set (config, "initial-data", data, NULL);

  if (!lab_endpoint_config_validate (config, &error))
    {
      lab_cli_usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

static void
lab_cli_options_clear (LabCliOptions *o)
{
  g_clear_pointer (&o->bind, g_free);
  g_clear_pointer (&o->host, g_free);
  g_clear_pointer (&o->backend, g_free);
  g_clear_pointer (&o->behaviour, g_free);
  g_clear_pointer (&o->model, g_free);
  g_clear_pointer (&o->framing, g_free);
  g_clear_pointer (&o->format, g_free);
  g_clear_pointer (&o->send, g_free);
  g_clear_pointer (&o->send_hex, g_free);
  g_clear_pointer (&o->family, g_free);
  g_clear_pointer (&o->local_address, g_free);
  g_clear_pointer (&o->quit_message, g_free);
  g_clear_pointer (&o->name, g_free);
}

/* Running: a session played as the lab's Play button plays it, its
 * timeline printed as it is recorded, until every endpoint has stopped.
 * One endpoint of tcp-server and the others is a session of one. */

typedef struct {
  /* What to play and how */
  LabSession       *session;
  LabCliFormat      format;
  gboolean          quiet;
  double            duration;
  gboolean          name_failures;
  LabEndpoint      *typing_to;
  gboolean          sendall;

  /* Playing */
  GMainLoop        *loop;
  guint             duration_id;
  GDataInputStream *stdin_lines;
  GCancellable     *cancellable;
  int               exit_status;
} Run;

static void
on_recorded (LabTimeline *timeline,
             LabRecord   *records,
             guint        n_records,
             Run         *run)
{
  if (run->quiet)
    return;

  for (guint i = 0; i < n_records; i++)
    {
      g_autofree char *line = run->format == LAB_CLI_FORMAT_JSONL
        ? lab_format_jsonl (records[i].event, records[i].end)
        : lab_format_text (records[i].event, records[i].end);

      g_print ("%s\n", line);
    }
}

static void
print_summary (LabTimeline *timeline,
               const char  *name)
{
  LabTimelineStats stats;

  lab_timeline_get_stats (timeline, &stats);
  /* Translators: the closing summary: an endpoint's name, then counts. */
  g_printerr (_("%s: %llu events recorded (%llu dropped), %llu calls, %llu bytes in, %llu bytes out\n"),
              name, (unsigned long long) stats.events,
              (unsigned long long) stats.dropped, (unsigned long long) stats.calls,
              (unsigned long long) stats.bytes_in, (unsigned long long) stats.bytes_out);
}

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

static void read_next_line (Run *run);

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     &len, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      LabEndpointConfig *config = lab_endpoint_get_config (run->typing_to);

      if (error != NULL)
        g_printerr ("protolab-cli: %s\n", error->message);

      /* End of input: a TCP client says it has no more to send. */
      if (lab_endpoint_config_get_kind (config) == LAB_ENDPOINT_TCP_CLIENT)
        lab_endpoint_shutdown_write (run->typing_to, 0, NULL);
      else if (!lab_endpoint_config_is_server (config))
        lab_endpoint_stop (run->typing_to);
      return;
    }

  {
    g_autofree char *with_newline = g_strconcat (line, "\n", NULL);
    g_autoptr(GBytes) bytes = g_bytes_new (with_newline, strlen (with_newline));
    g_autoptr(GError) send_error = NULL;

    if (!lab_endpoint_send (run->typing_to, 0, bytes, run->sendall, &send_error))
      g_printerr ("protolab-cli: %s\n", send_error->message);
  }

  read_next_line (run);
}

static void
read_next_line (Run *run)
{
  g_data_input_stream_read_line_async (run->stdin_lines, G_PRIORITY_DEFAULT, run->cancellable,
                                       on_line_read, run);
}

/* Lines typed are sent once there is an endpoint to take them. */
static void
read_stdin (Run *run)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

  run->cancellable = g_cancellable_new ();
  run->stdin_lines = g_data_input_stream_new (in);
  read_next_line (run);
}

static void
on_state_changed (LabEndpoint *endpoint,
                  GParamSpec  *pspec,
                  Run         *run)
{
  if (lab_endpoint_get_state (endpoint) == LAB_ENDPOINT_STATE_FAILED)
    {
      if (run->name_failures)
        g_printerr ("protolab-cli: %s: %s\n", lab_endpoint_get_name (endpoint), lab_endpoint_get_error (endpoint));
      else
        g_printerr ("protolab-cli: %s\n", lab_endpoint_get_error (endpoint));
      run->exit_status = 1;
    }

  if (endpoint == run->typing_to && run->stdin_lines == NULL && lab_endpoint_is_active (endpoint))
    read_stdin (run);

  if (run_over (run))
    g_main_loop_quit (run->loop);
}

static gboolean
on_stop_signal (gpointer data)
{
  Run *run = data;

  lab_session_stop_all (run->session);
  if (run_over (run))
    g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration_over (gpointer data)
{
  Run *run = data;

  run->duration_id = 0;
  on_stop_signal (run);
  return G_SOURCE_REMOVE;
}

/* The one run loop: plays the session until every endpoint has stopped,
 * or a signal or --duration stops them, then prints the summary under
 * @title. Returns the exit status. */
static int
play (Run        *run,
      const char *title)
{
  GListModel *endpoints = lab_session_get_endpoints (run->session);
  LabTimeline *timeline = lab_session_get_timeline (run->session);
  guint sigint_id, sigterm_id;

  run->loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      lab_endpoint_set_keep_data (endpoint, FALSE);
      g_signal_connect (endpoint, "notify::state", G_CALLBACK (on_state_changed), run);
    }

  g_signal_connect (timeline, "recorded", G_CALLBACK (on_recorded), run);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, run);
  if (run->duration > 0)
    run->duration_id = g_timeout_add ((guint) (run->duration * 1000), on_duration_over, run);

  lab_session_play (run->session);
  if (!run_over (run))
    g_main_loop_run (run->loop);

  if (run->cancellable != NULL)
    g_cancellable_cancel (run->cancellable);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&run->duration_id, g_source_remove);
  lab_timeline_flush (timeline);
  print_summary (timeline, title);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_signal_handlers_disconnect_by_data (endpoint, run);
    }
  g_signal_handlers_disconnect_by_data (timeline, run);
  g_clear_object (&run->stdin_lines);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->loop, g_main_loop_unref);

  return run->exit_status;
}

/* protolab-cli tcp-server|tcp-client|udp-server|udp-client [OPTION…]: one
 * endpoint, configured by the options. */
static int
lab_cli_run_endpoint (LabEndpointKind   kind,
                      const char       *command,
                      int               argc,
                      char            **argv)
{
  g_auto(LabCliOptions) options = { 0 };
  g_autoptr(LabSession) session = NULL;
  LabTimeline *timeline;
  LabEndpoint *endpoint;
  Run run = { 0 };

  if (!lab_cli_options_parse (&options, kind, command, argc, argv))
    return 2;

  session = lab_session_new ();
  timeline = lab_session_get_timeline (session);
  if (options.max_events > 0)
    lab_timeline_set_limits (timeline, (guint) options.max_events, lab_timeline_get_max_payload (timeline));
  endpoint = lab_session_add (session, kind);
  if (!lab_cli_options_configure (&options, command, lab_endpoint_get_config (endpoint)))
    return 2;
  lab_endpoint_set_name (endpoint, options.name != NULL ? options.name : command);

  run.session = session;
  run.format = options.output;
  run.quiet = options.quiet;
  run.duration = options.duration;
  run.typing_to = options.use_stdin ? endpoint : NULL;
  run.sendall = options.sendall;
  return play (&run, lab_endpoint_get_name (endpoint));
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

/* protolab-cli run FILE|LESSON: an experiment's endpoints, all of them. */
static int
lab_cli_run_experiment (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autofree char *backend_name = NULL;
  g_autofree char *format = NULL;
  const char *const *warnings;
  GListModel *endpoints;
  Run run = { .name_failures = TRUE };
  int backend = -1;
  const GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_name, N_("Make every endpoint use these calls: posix or gio"), "gio|posix" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &run.duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &run.quiet, N_("Record everything, print only the closing summary"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE|LESSON"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Play an experiment (.protolab): start its servers, then its clients, "
                                           "and print the timeline until all have stopped."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      lab_cli_usage_error ("run", error->message);
      return 2;
    }
  if (argc != 2)
    {
      lab_cli_usage_error ("run", _("Give one experiment file"));
      return 2;
    }
  if (!lab_cli_parse_choice ("run", "backend", backend_name, LAB_TYPE_BACKEND_KIND, NULL, &backend) ||
      !lab_cli_parse_format ("run", format, &run.format))
    return 2;
  if (run.duration < 0)
    {
      lab_cli_usage_error ("run", _("Numbers given to options cannot be negative"));
      return 2;
    }

  experiment = lab_cli_load_experiment (argv[1]);
  if (experiment == NULL)
    return 1;
  warnings = lab_experiment_get_warnings (experiment);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr ("protolab-cli: %s: %s\n", argv[1], warnings[i]);
  if (!run.quiet)
    print_experiment (experiment);

  session = lab_session_new ();
  lab_session_load (session, experiment);
  endpoints = lab_session_get_endpoints (session);
  for (guint i = 0; backend >= 0 && i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_object_set (lab_endpoint_get_config (endpoint), "backend", backend, NULL);
    }

  run.session = session;
  return play (&run, argv[1]);
}

/* The commands that print without running anything: an experiment's
 * programs, the lessons, and what a call or an error means. */

/* protolab-cli code --language python|c FILE [--endpoint NAME]: an
 * experiment's endpoints as programs to hand out. */
static int
lab_cli_code (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
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
      lab_cli_usage_error ("code", error->message);
      return 2;
    }
  if (argc != 2)
    {
      lab_cli_usage_error ("code", _("Give one experiment file"));
      return 2;
    }
  if (language_name != NULL && !lab_code_language_from_string (language_name, &language))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  language_name, "language", "python, c");
      lab_cli_usage_error ("code", message);
      return 2;
    }

  experiment = lab_cli_load_experiment (argv[1]);
  if (experiment == NULL)
    return 1;

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
lab_cli_lessons (int    argc,
                 char **argv)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  if (argc > 1)
    {
      lab_cli_usage_error ("lessons", _("This command takes no argument"));
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
lab_cli_explain (int    argc,
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
      lab_cli_usage_error ("explain", error->message);
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
      lab_cli_usage_error ("explain", _("Give one name: a call such as accept, or an error such as ECONNREFUSED"));
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
      return lab_cli_run_endpoint (endpoint_commands[i].kind, endpoint_commands[i].name, argc - 1, argv + 1);

  if (argc > 1 && g_str_equal (argv[1], "explain"))
    return lab_cli_explain (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "run"))
    return lab_cli_run_experiment (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "lessons"))
    return lab_cli_lessons (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "code"))
    return lab_cli_code (argc - 1, argv + 1);

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
