/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-private.h"
#include "lab-hex.h"
#include "lab-lessons.h"

/* What the command line says: the words options take, the experiment it
 * names, and an endpoint's options read into its configuration. */

/**
 * lab_cli_context_new:
 * @parameter: (nullable): what follows the options in --help
 * @summary: what the command does, translated
 * @entries: its options
 *
 * Returns: (transfer full): a context for a command's options, which
 *   speaks the lab's language
 */
GOptionContext *
lab_cli_context_new (const char         *parameter,
                     const char         *summary,
                     const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

void
lab_cli_usage_error (const char *command,
                     const char *message)
{
  /* Translators: %s is the command, e.g. tcp-server, for which to ask help. */
  g_autofree char *hint = g_strdup_printf (_("Try “protolab-cli %s --help”."), command);

  g_printerr ("protolab-cli: %s\n%s\n", message, hint);
}

/* GOption's errors quote the arguments as they were given. */
void
lab_cli_option_error (const char   *command,
                      const GError *error)
{
  g_autofree char *message = lab_cli_escape (error->message);

  lab_cli_usage_error (command, message);
}

/* A word among those an option accepts, by the enum's own nicks. */
gboolean
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
      g_autofree char *given = lab_cli_escape (value);
      g_autofree char *message = NULL;

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (choices, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
      /* Translators: “%s” is what was given to option --%s; the last %s lists the valid words. */
      message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"), given, option, choices->str);
      lab_cli_usage_error (command, message);
      return FALSE;
    }

  *result = v->value;
  return TRUE;
}

gboolean
lab_cli_parse_format (const char   *command,
                      const char   *format,
                      LabCliFormat *output)
{
  if (g_strcmp0 (format, "jsonl") == 0)
    *output = LAB_CLI_FORMAT_JSONL;
  else if (format != NULL && !g_str_equal (format, "text"))
    {
      g_autofree char *given = lab_cli_escape (format);
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  given, "format", "text, jsonl");
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
LabExperiment *
lab_cli_load_experiment (const char *arg)
{
  g_autoptr(GFile) file = experiment_file (arg);
  g_autoptr(GError) error = NULL;
  LabExperiment *experiment;

  /* A lesson as the window opens it: its programs in the course's folder */
  if (g_file_has_uri_scheme (file, "resource"))
    experiment = lab_lessons_load (arg, &error);
  else
    experiment = lab_experiment_new_from_file (file, NULL, &error);

  if (experiment == NULL)
    {
      /* The file's own text is quoted, escaped, in what is wrong with it;
       * what else the message quotes is escaped here. */
      g_autofree char *name = lab_cli_escape (arg);
      g_autofree char *message = lab_text_escape_message (error->message);

      g_printerr ("protolab-cli: %s: %s\n", name, message);
    }

  return experiment;
}

/**
 * lab_cli_parse_experiment_command:
 * @command: run or code
 *
 * Reads the options of a command that takes one experiment file or
 * lesson, left in (*@argv)[1].
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_parse_experiment_command (const char          *command,
                                  const char          *summary,
                                  const GOptionEntry  *entries,
                                  LabCliLink          *link,
                                  int                 *argc,
                                  char              ***argv)
{
  g_autoptr(GOptionContext) context = lab_cli_context_new (_("FILE|LESSON"), summary, entries);
  g_autoptr(GError) error = NULL;

  if (link != NULL)
    {
      lab_cli_link_add_entries (context, link);
      lab_cli_link_prepare_args (argc, argv);
    }

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      lab_cli_option_error (command, error);
      return FALSE;
    }
  if (*argc != 2)
    {
      lab_cli_usage_error (command, _("Give one experiment file"));
      return FALSE;
    }

  return TRUE;
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
    case LAB_ENDPOINT_PING:
      return _("Ping a host: ICMP echo requests with sendto, their replies with recvfrom, and each round-trip "
               "time. On a host of the lab network (--lab-host) with POSIX, a raw socket (SOCK_RAW, "
               "IPPROTO_ICMP); elsewhere ICMP's datagram socket (SOCK_DGRAM), where net.ipv4.ping_group_range "
               "allows it. The host may be given alone: protolab-cli ping --lab-host alfa 10.80.0.2");
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      return _("Run a UDP client: sendto the server and recvfrom its answer.");
    }
}

/* The options of an endpoint command: those every kind has, then those of
 * servers or clients, then those of the one kind. */
static GOptionContext *
endpoint_context_new (LabCliOptions   *o,
                      LabEndpointKind  kind)
{
  const GOptionEntry common[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &o->port, N_("The port (a server: 0 lets the kernel pick one)"), N_("N") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &o->backend, N_("Which calls to make: posix (the BSD calls) or gio (GSocket)"), "gio|posix" },
    { "buffer", 0, 0, G_OPTION_ARG_STRING, &o->buffer, N_("How many bytes each recv asks for (default 1024)"), N_("BYTES") },
    { "rcvbuf", 0, 0, G_OPTION_ARG_STRING, &o->rcvbuf, N_("Set SO_RCVBUF, the kernel’s receive buffer"), N_("BYTES") },
    { "sndbuf", 0, 0, G_OPTION_ARG_STRING, &o->sndbuf, N_("Set SO_SNDBUF, the kernel’s send buffer"), N_("BYTES") },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &o->duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Record everything, print only the closing summary"), NULL },
    { "max-events", 0, 0, G_OPTION_ARG_STRING, &o->max_events, N_("How many events the timeline keeps"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("The endpoint’s name in the timeline"), N_("NAME") },
    { "lab-host", 0, 0, G_OPTION_ARG_STRING, &o->lab_host, N_("Run on this host of the lab network"), "alfa|beta" },
    { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &o->pcap, N_("Save the lab network’s packets in this file, as pcapng"), N_("FILE") },
    { NULL }
  };
  const GOptionEntry server_entries[] = {
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &o->bind, N_("The address to bind (default 127.0.0.1)"), N_("ADDRESS") },
    { "behaviour", 0, 0, G_OPTION_ARG_STRING, &o->behaviour, N_("What to do with what arrives"), "echo|upper|time|discard|manual" },
    { "reuseaddr", 0, 0, G_OPTION_ARG_NONE, &o->reuseaddr, N_("Set SO_REUSEADDR before bind"), NULL },
    { "max-connections", 0, 0, G_OPTION_ARG_STRING, &o->max_connections, N_("Serve this many connections (UDP: datagrams), then stop"), N_("N") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &o->use_stdin, N_("Send each line typed to every client (with --behaviour manual)"), NULL },
    { "framing", 0, 0, G_OPTION_ARG_STRING, &o->framing, N_("How bytes become messages"), "raw|lines|length|fixed" },
    { "fixed-size", 0, 0, G_OPTION_ARG_STRING, &o->fixed_size, N_("The message size of fixed framing"), N_("BYTES") },
    { "quit-message", 0, 0, G_OPTION_ARG_STRING, &o->quit_message, N_("A message that ends a client’s connection, such as bye"), N_("TEXT") },
    { NULL }
  };
  const GOptionEntry tcp_server_entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &o->model, N_("How clients are served"), "iterative|threads|loop" },
    { "backlog", 0, 0, G_OPTION_ARG_STRING, &o->backlog, N_("listen ()’s backlog (default 5)"), N_("N") },
    { "max-clients", 0, 0, G_OPTION_ARG_STRING, &o->max_clients, N_("Serve at most this many clients at once"), N_("N") },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &o->nodelay, N_("Set TCP_NODELAY on each connection"), NULL },
    { NULL }
  };
  const GOptionEntry client_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &o->host, N_("The server’s name or address (default 127.0.0.1)"), N_("HOST") },
    { "family", 0, 0, G_OPTION_ARG_STRING, &o->family, N_("Which addresses to resolve the host to"), "any|4|6" },
    { "send", 0, 0, G_OPTION_ARG_STRING, &o->send, N_("Text to send (\\n, \\r, \\t, \\xHH stand for bytes)"), N_("TEXT") },
    { "send-hex", 0, 0, G_OPTION_ARG_STRING, &o->send_hex, N_("Bytes to send, in hexadecimal"), N_("HEX") },
    { "send-count", 0, 0, G_OPTION_ARG_STRING, &o->send_count, N_("Send them this many times, one after the other (a datagram each over UDP)"), N_("N") },
    { "stdin", 0, 0, G_OPTION_ARG_NONE, &o->use_stdin, N_("Send each line typed"), NULL },
    { "expect-bytes", 0, 0, G_OPTION_ARG_STRING, &o->expect_bytes, N_("Close once this many bytes have arrived"), N_("N") },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &o->timeout, N_("Give up connecting, or waiting for data, after this long"), N_("SECONDS") },
    { "local-address", 0, 0, G_OPTION_ARG_STRING, &o->local_address, N_("Bind this address before connecting"), N_("ADDRESS") },
    { "local-port", 0, 0, G_OPTION_ARG_STRING, &o->local_port, N_("Bind this port before connecting, instead of an ephemeral one"), N_("N") },
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
  const GOptionEntry ping_entries[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &o->host, N_("The host to ping, by name or address (default 127.0.0.1)"), N_("HOST") },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &o->count, N_("How many echo requests to send (1 to 100, default 3)"), N_("N") },
    { "interval", 'i', 0, G_OPTION_ARG_STRING, &o->interval, N_("Seconds from one echo request to the next, and the longest wait for its reply (0.2 to 10, default 1)"), N_("SECONDS") },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &o->backend, N_("Which calls to make: posix (the BSD calls) or gio (GSocket, which has no raw socket)"), "gio|posix" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &o->duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Record everything, print only the closing summary"), NULL },
    { "max-events", 0, 0, G_OPTION_ARG_STRING, &o->max_events, N_("How many events the timeline keeps"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("The endpoint’s name in the timeline"), N_("NAME") },
    { "lab-host", 0, 0, G_OPTION_ARG_STRING, &o->lab_host, N_("Run on this host of the lab network"), "alfa|beta" },
    { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &o->pcap, N_("Save the lab network’s packets in this file, as pcapng"), N_("FILE") },
    { NULL }
  };
  GOptionContext *context;

  if (kind == LAB_ENDPOINT_PING)
    return lab_cli_context_new (_("[HOST]"), endpoint_summary (kind), ping_entries);

  context = lab_cli_context_new (NULL, endpoint_summary (kind), common);

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

/**
 * lab_cli_options_parse:
 *
 * Reads the command line of an endpoint command into @options, with no
 * argument left over.
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_options_parse (LabCliOptions    *options,
                       LabEndpointKind   kind,
                       const char       *command,
                       int               argc,
                       char            **argv)
{
  g_autoptr(GOptionContext) context = endpoint_context_new (options, kind);
  g_autoptr(GError) error = NULL;

  lab_cli_link_add_entries (context, &options->link);
  lab_cli_link_prepare_args (&argc, &argv);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      lab_cli_option_error (command, error);
      return FALSE;
    }
  /* A ping's host may be given alone, as ping takes it. */
  if (kind == LAB_ENDPOINT_PING && argc == 2 && options->host == NULL)
    {
      options->host = g_strdup (argv[1]);
      argc--;
    }
  if (argc > 1)
    {
      g_autofree char *given = lab_cli_escape (argv[1]);
      /* Translators: %s is an argument that was not expected. */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”"), given);

      lab_cli_usage_error (command, message);
      return FALSE;
    }

  return TRUE;
}

/* The numbers, each to its setting and within the setting's range. */
static gboolean
set_numbers (LabCliOptions     *o,
             const char        *command,
             LabEndpointConfig *config)
{
  const struct {
    const char *option;
    const char *property;
    const char *text;
  } numbers[] = {
    { "fixed-size", "fixed-size", o->fixed_size },
    { "backlog", "backlog", o->backlog },
    { "max-clients", "max-clients", o->max_clients },
    { "buffer", "buffer-size", o->buffer },
    { "rcvbuf", "rcvbuf", o->rcvbuf },
    { "sndbuf", "sndbuf", o->sndbuf },
    { "max-connections", "max-connections", o->max_connections },
    { "expect-bytes", "expect-bytes", o->expect_bytes },
    { "local-port", "local-port", o->local_port },
  };
  gboolean server = lab_endpoint_config_is_server (config);
  guint64 events = 0;

  if (lab_endpoint_kind_is_ping (lab_endpoint_config_get_kind (config)))
    {
      if (!lab_cli_set_whole (command, "count", o->count, G_OBJECT (config), "count", 1) ||
          !lab_cli_set_seconds (command, "interval", o->interval, G_OBJECT (config), "interval"))
        return FALSE;
    }
  else if (!server && o->port == NULL)
    {
      lab_cli_usage_error (command, _("A client needs the server’s port: give it with --port"));
      return FALSE;
    }
  /* A server's port 0 lets the kernel pick one; a client has none to reach. */
  if (o->port != NULL &&
      !lab_cli_set_whole (command, "port", o->port, G_OBJECT (config), "port", server ? 0 : 1))
    return FALSE;
  if (!lab_cli_set_whole (command, "send-count", o->send_count, G_OBJECT (config), "send-count", 1))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (!lab_cli_set_whole (command, numbers[i].option, numbers[i].text, G_OBJECT (config),
                            numbers[i].property, 0))
      return FALSE;

  lab_endpoint_config_bind_client_timeouts (config);
  if (!lab_cli_set_seconds (command, "timeout", o->timeout, G_OBJECT (config), "connect-timeout"))
    return FALSE;

  if (o->duration != NULL &&
      !lab_cli_parse_seconds (command, "duration", o->duration, 0, LAB_CLI_MAX_DURATION_MS, &o->duration_ms))
    return FALSE;
  if (o->max_events != NULL &&
      !lab_cli_parse_whole (command, "max-events", o->max_events, 1, LAB_CLI_MAX_EVENTS, &events))
    return FALSE;
  o->event_limit = (guint) events;

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

/* The words that leave the configuration's own value when not given. */
static void
set_given (LabCliOptions     *o,
           LabEndpointConfig *config)
{
  /* A server on a lab host binds the host's address unless told: its own
   * loopback is reached by nothing else there. */
  if (o->lab_host != NULL)
    g_object_set (config, "network-host", o->lab_host, NULL);
  if (o->lab_host != NULL && o->bind == NULL)
    g_object_set (config, "bind-address", o->lab_host, NULL);
  if (o->bind != NULL)
    g_object_set (config, "bind-address", o->bind, NULL);
  if (o->host != NULL)
    g_object_set (config, "host", o->host, NULL);
  if (o->local_address != NULL)
    g_object_set (config, "local-address", o->local_address, NULL);
  if (o->quit_message != NULL)
    g_object_set (config, "quit-message", o->quit_message, NULL);
}

/**
 * lab_cli_options_configure:
 *
 * Checks @options and writes them into @config, an endpoint's of the
 * command's kind; reads --format, --duration and --max-events too.
 *
 * Returns: whether they make a configuration that can start, once the
 *   mistake has been said
 */
gboolean
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

  if (!lab_cli_parse_format (command, o->format, &o->output))
    return FALSE;
  if ((o->send != NULL) + (o->send_hex != NULL) + o->use_stdin > 1)
    {
      lab_cli_usage_error (command, _("Give only one of --send, --send-hex and --stdin"));
      return FALSE;
    }

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
                "behaviour", behaviour,
                "concurrency", model,
                "framing", framing,
                "family", family,
                "reuseaddr", o->reuseaddr,
                "nodelay", o->nodelay,
                "sendall", o->sendall,
                "shutdown-after-send", o->shutdown_write,
                "udp-connect", o->udp_connect,
                NULL);
  if (!set_numbers (o, command, config))
    return FALSE;
  set_given (o, config);
  if (data != NULL)
    g_object_set (config, "initial-data", data, NULL);

  if (!lab_endpoint_config_validate (config, &error))
    {
      lab_cli_option_error (command, error);
      return FALSE;
    }

  return TRUE;
}

void
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
  g_clear_pointer (&o->port, g_free);
  g_clear_pointer (&o->fixed_size, g_free);
  g_clear_pointer (&o->backlog, g_free);
  g_clear_pointer (&o->max_clients, g_free);
  g_clear_pointer (&o->buffer, g_free);
  g_clear_pointer (&o->rcvbuf, g_free);
  g_clear_pointer (&o->sndbuf, g_free);
  g_clear_pointer (&o->max_connections, g_free);
  g_clear_pointer (&o->duration, g_free);
  g_clear_pointer (&o->expect_bytes, g_free);
  g_clear_pointer (&o->send_count, g_free);
  g_clear_pointer (&o->timeout, g_free);
  g_clear_pointer (&o->local_port, g_free);
  g_clear_pointer (&o->max_events, g_free);
  g_clear_pointer (&o->lab_host, g_free);
  g_clear_pointer (&o->pcap, g_free);
  g_clear_pointer (&o->count, g_free);
  g_clear_pointer (&o->interval, g_free);
  lab_cli_link_clear (&o->link);
}
