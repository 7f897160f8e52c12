/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>

#include "lab-cli-private.h"
#include "lab-errno.h"
#include "lab-export.h"
#include "lab-format.h"
#include "lab-hex.h"
#include "lab-session.h"

/* Running: a session played as the lab's Play button plays it, its
 * timeline printed as it is recorded, until every endpoint has stopped.
 * One endpoint of tcp-server and the others is a session of one. */

/* A terminal has no Step: a call held at a breakpoint is made by itself
 * after this long, enough to see what happens meanwhile (lesson 11's
 * sends, while the server's recv () waits). */
#define HOLD_MS 1000

typedef struct {
  /* What to play and how */
  LabSession       *session;
  LabCliFormat      format;
  gboolean          quiet;
  guint             duration_ms;    /* 0: until all have stopped */
  gboolean          name_failures;  /* several endpoints: say whose error */
  LabEndpoint      *typing_to;      /* --stdin: the endpoint lines go to */
  gboolean          sendall;
  gboolean          stepping;       /* step mode: every call is held */
  gboolean          programs;       /* run the programs the file names */

  /* Playing */
  GMainLoop        *loop;
  guint             duration_id;
  GDataInputStream *stdin_lines;
  GCancellable     *cancellable;
  guint             hold_id;
  LabEvent         *held;           /* the call being held, until it is made */
  int               exit_status;
  gboolean          signalled;
  gint64            settle_until;
  guint             notes_told;     /* of the session's Play notes */
  GHashTable       *not_started;    /* endpoint ids told not started */
  guint             clients_over_id;
} Run;

static void watch_clients (Run *run);

#define SETTLE_LIMIT_US (G_USEC_PER_SEC)
#define SETTLE_TICK_MS  20
/* After the last client ends, what it sent last may still be on its way
 * to a server: the servers are stopped this long after. */
#define CLIENTS_OVER_MS 1000

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             Run              *run)
{
  if (run->clients_over_id != 0)
    watch_clients (run);
  if (run->quiet)
    return;

  for (guint i = 0; i < n_entries; i++)
    {
      g_autoptr(LabEvent) event = lab_timeline_dup_event (timeline, entries[i].record);
      g_autofree char *line = NULL;

      if (run->format == LAB_CLI_FORMAT_JSONL)
        {
          g_autofree char *json = lab_format_jsonl (event, entries[i].end);

          line = lab_cli_json_escape_controls (json);
        }
      else
        line = lab_format_text (event, entries[i].end);

      g_print ("%s\n", line);
    }
}

static void
print_summary (LabTimeline *timeline,
               const char  *name)
{
  g_autofree char *escaped = lab_cli_escape (name);
  LabTimelineStats stats;

  lab_timeline_get_stats (timeline, &stats);
  /* Translators: the closing summary: an endpoint's name, then counts. */
  g_printerr (_("%s: %llu events recorded (%llu dropped), %llu calls, %llu bytes in, %llu bytes out\n"),
              escaped, (unsigned long long) stats.events,
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

/* Every client of the bench has ended (and Play starts no more), and a
 * server still waits for clients that will not come: a UDP server waits
 * so for ever, and so does a TCP server with no limit on its connections
 * or a program the clients went to. A TCP server that ends after its
 * connections is left to end by itself, as is one whose call is held. */
static gboolean
clients_over (Run *run)
{
  GListModel *endpoints = lab_session_get_endpoints (run->session);
  guint clients = 0;
  gboolean waiting = FALSE;

  if (lab_session_is_playing (run->session) || run->held != NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);
      gboolean program = lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (config));
      guint max_connections = 0;

      if (!lab_endpoint_config_is_server (config) && !program)
        {
          if (lab_endpoint_is_active (endpoint))
            return FALSE;
          clients++;
          continue;
        }
      if (!lab_endpoint_is_active (endpoint))
        continue;
      if (!program && lab_endpoint_config_is_tcp (config))
        g_object_get (config, "max-connections", &max_connections, NULL);
      if (max_connections > 0)
        return FALSE;
      waiting = TRUE;
    }
  return clients > 0 && waiting;
}

static gboolean
on_clients_over (gpointer data)
{
  Run *run = data;

  run->clients_over_id = 0;
  if (!clients_over (run))
    return G_SOURCE_REMOVE;
  if (!run->quiet)
    g_printerr (_("protolab-cli: every client has ended, so the servers are stopped: nothing more will come to "
                  "them\n"));
  lab_session_stop_all (run->session);
  return G_SOURCE_REMOVE;
}

/* Counted from the last thing recorded: a second of quiet. */
static void
watch_clients (Run *run)
{
  g_clear_handle_id (&run->clients_over_id, g_source_remove);
  if (clients_over (run))
    run->clients_over_id = g_timeout_add (CLIENTS_OVER_MS, on_clients_over, run);
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
      g_autofree char *failure = lab_errno_dup_failure (lab_endpoint_get_error (endpoint));
      g_autofree char *message = lab_cli_escape (failure);
      g_autofree char *name = lab_cli_escape (lab_endpoint_get_name (endpoint));

      if (run->name_failures)
        g_printerr ("protolab-cli: %s: %s\n", name, message);
      else
        g_printerr ("protolab-cli: %s\n", message);
      /* A ping refused ICMP's datagram socket: what allows it */
      if (lab_endpoint_config_get_kind (lab_endpoint_get_config (endpoint)) == LAB_ENDPOINT_PING &&
          g_strcmp0 (lab_endpoint_get_error (endpoint), "socket: EACCES") == 0)
        {
          g_autofree char *why = lab_event_dup_ping_not_allowed_text (NULL);
          g_autofree char *escaped = lab_cli_escape (why);

          g_printerr ("protolab-cli: %s\n", escaped);
        }
      run->exit_status = 1;
    }

  if (endpoint == run->typing_to && run->stdin_lines == NULL && lab_endpoint_is_active (endpoint))
    read_stdin (run);

  if (run_over (run))
    g_main_loop_quit (run->loop);
  else
    watch_clients (run);
}

/* What Play tells the class (a port it moved, what holds one it left, a
 * client it did not start) goes to standard error as it happens. A client
 * not started is a failure of the run, as its server's is. */
static void
on_play_changed (LabSession *session,
                 Run        *run)
{
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_auto(GStrv) notes = lab_session_dup_play_notes (session);

  for (; run->notes_told < g_strv_length (notes); run->notes_told++)
    {
      g_autofree char *note = lab_cli_escape (notes[run->notes_told]);

      g_printerr ("protolab-cli: %s\n", note);
    }

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      g_autofree char *why = lab_session_dup_not_started (session, endpoint);
      gpointer id = GUINT_TO_POINTER (lab_endpoint_get_id (endpoint));

      if (why != NULL && !g_hash_table_contains (run->not_started, id))
        {
          g_autofree char *name = lab_cli_escape (lab_endpoint_get_name (endpoint));
          g_autofree char *message = lab_cli_escape (why);

          g_hash_table_add (run->not_started, id);
          g_printerr ("protolab-cli: %s: %s\n", name, message);
          run->exit_status = 1;
        }
    }

  if (run_over (run))
    g_main_loop_quit (run->loop);
}

static gboolean
on_stop_signal (gpointer data)
{
  Run *run = data;

  run->signalled = TRUE;
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

static gboolean
on_settle_tick (gpointer data)
{
  Run *run = data;

  if (g_get_monotonic_time () >= run->settle_until || !lab_session_is_settling (run->session))
    {
      g_main_loop_quit (run->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Once every endpoint has stopped, the kernel may still be closing their
 * connections (a client that closed first goes on to FIN_WAIT_2 and
 * TIME_WAIT): it is watched a little longer, for a second at most, unless
 * the run was stopped by a signal. */
static void
settle (Run *run)
{
  if (run->signalled || !lab_session_is_settling (run->session))
    return;

  run->settle_until = g_get_monotonic_time () + SETTLE_LIMIT_US;
  g_timeout_add (SETTLE_TICK_MS, on_settle_tick, run);
  g_main_loop_run (run->loop);
}

static gboolean
on_hold_over (gpointer data)
{
  Run *run = data;

  run->hold_id = 0;
  lab_session_step (run->session);
  return G_SOURCE_REMOVE;
}

/* The call held longest is made after HOLD_MS, said when it begins to wait;
 * the next one held waits its own HOLD_MS. */
static void
on_held_changed (LabSession *session,
                 Run        *run)
{
  LabEndpoint *endpoint = NULL;
  LabEvent *held = lab_session_get_held (session, &endpoint);

  if (held == run->held)
    return;

  g_clear_handle_id (&run->hold_id, g_source_remove);
  g_set_object (&run->held, held);
  if (held == NULL)
    return;

  if (!run->quiet)
    {
      g_autofree char *args = lab_event_dup_args (held);
      g_autofree char *call = g_strdup_printf ("%s (%s)", lab_event_get_call_name (held), args);
      g_autofree char *escaped_call = lab_cli_escape (call);
      g_autofree char *name = lab_cli_escape (lab_endpoint_get_name (endpoint));

      if (run->stepping)
        /* Translators: %s is an endpoint's name, then a call, e.g. “bind (3, ('127.0.0.1', 5000))”; %g is
         * seconds. */
        g_printerr (_("protolab-cli: %s: %s held before it is made, made in %g s\n"), name, escaped_call,
                    HOLD_MS / 1000.0);
      else
        /* Translators: %s is an endpoint's name, then a call, e.g. “recv (6, 1024, 0)”; %g is seconds. */
        g_printerr (_("protolab-cli: %s: %s held at a breakpoint, made in %g s\n"), name, escaped_call,
                    HOLD_MS / 1000.0);
    }
  run->hold_id = g_timeout_add (HOLD_MS, on_hold_over, run);
}

/* Said once, before anything is held: what a breakpoint does here. */
static void
say_breakpoints (Run *run)
{
  GListModel *endpoints = lab_session_get_endpoints (run->session);
  gboolean any = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (endpoints) && !any; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      for (LabOp op = 0; op < 64 && !any; op++)
        any = lab_endpoint_get_breakpoint (endpoint, op);
    }

  if (any && !run->quiet)
    /* Translators: %g is seconds. */
    g_printerr (_("protolab-cli: a terminal has no Step: each call held at a breakpoint is made by itself "
                  "after %g s\n"), HOLD_MS / 1000.0);
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

      g_signal_connect (endpoint, "notify::state", G_CALLBACK (on_state_changed), run);
    }

  g_signal_connect (timeline, "recorded", G_CALLBACK (on_recorded), run);
  run->not_started = g_hash_table_new (NULL, NULL);
  g_signal_connect (run->session, "play-changed", G_CALLBACK (on_play_changed), run);
  g_signal_connect (run->session, "held-changed", G_CALLBACK (on_held_changed), run);
  say_breakpoints (run);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, run);
  if (run->duration_ms > 0)
    run->duration_id = g_timeout_add (run->duration_ms, on_duration_over, run);

  if (run->programs)
    lab_session_play_programs (run->session);
  else
    lab_session_play (run->session);
  if (!run_over (run))
    g_main_loop_run (run->loop);
  settle (run);

  if (run->cancellable != NULL)
    g_cancellable_cancel (run->cancellable);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&run->duration_id, g_source_remove);
  g_clear_handle_id (&run->hold_id, g_source_remove);
  g_clear_handle_id (&run->clients_over_id, g_source_remove);
  g_clear_object (&run->held);
  lab_timeline_flush (timeline);
  print_summary (timeline, title);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_signal_handlers_disconnect_by_data (endpoint, run);
    }
  g_signal_handlers_disconnect_by_data (timeline, run);
  g_signal_handlers_disconnect_by_data (run->session, run);
  g_clear_pointer (&run->not_started, g_hash_table_unref);
  g_clear_object (&run->stdin_lines);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->loop, g_main_loop_unref);

  return run->exit_status;
}

/**
 * lab_cli_play:
 * @stepping: the endpoints are in step mode: each call is held, then made
 *   by itself after a moment
 *
 * Plays @session's endpoints as the endpoint commands do, its timeline
 * printed as it is recorded. Returns the exit status of the run.
 */
int
lab_cli_play (LabSession   *session,
              LabCliFormat  format,
              gboolean      quiet,
              guint         duration_ms,
              gboolean      stepping,
              const char   *title)
{
  Run run = { 0 };

  run.session = session;
  run.format = format;
  run.quiet = quiet;
  run.duration_ms = duration_ms;
  run.stepping = stepping;
  return play (&run, title);
}

/* The packets the timeline kept, as pcapng; said on standard error. */
static gboolean
save_pcap (LabTimeline *timeline,
           const char  *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = lab_cli_escape (path);
  gint64 written = -1;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  if (stream != NULL)
    written = lab_export_pcapng (timeline, G_OUTPUT_STREAM (stream), &error);
  if (written >= 0 && !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error))
    written = -1;
  if (written < 0)
    {
      g_autofree char *message = lab_cli_escape (error->message);

      g_printerr ("protolab-cli: %s: %s\n", shown, message);
      return FALSE;
    }
  /* Translators: %lu is a count of packets, %s a file. */
  g_printerr (ngettext ("%lu packet saved in %s\n", "%lu packets saved in %s\n", (gulong) written),
              (gulong) written, shown);
  return TRUE;
}

/* protolab-cli tcp-server|tcp-client|udp-server|udp-client [OPTION…]: one
 * endpoint, configured by the options. */
int
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
  int status;

  if (!lab_cli_options_parse (&options, kind, command, argc, argv))
    return 2;

  session = lab_session_new ();
  timeline = lab_session_get_timeline (session);
  endpoint = lab_session_add (session, kind);
  if (!lab_cli_options_configure (&options, command, lab_endpoint_get_config (endpoint)))
    return 2;
  if (lab_cli_link_given (&options.link) && options.lab_host == NULL)
    {
      /* Translators: --delay, --loss… set the lab network's link; --lab-host puts the endpoint there. */
      lab_cli_usage_error (command, _("The link’s options (--delay, --loss…) need the lab network: give --lab-host"));
      return 2;
    }
  if (!lab_cli_link_apply (&options.link, command, options.quiet))
    return 2;
  if (options.event_limit > 0)
    lab_timeline_set_limits (timeline, options.event_limit, lab_timeline_get_max_payload (timeline));
  lab_endpoint_set_name (endpoint, options.name != NULL ? options.name : command);

  run.session = session;
  run.format = options.output;
  run.quiet = options.quiet;
  run.duration_ms = options.duration_ms;
  run.typing_to = options.use_stdin ? endpoint : NULL;
  run.sendall = options.sendall;
  status = play (&run, lab_endpoint_get_name (endpoint));
  if (options.pcap != NULL && !save_pcap (timeline, options.pcap) && status == 0)
    status = 1;
  return status;
}

/* What the file says, escaped: a file is anybody's, and its text must not
 * drive the terminal. */
static void
print_experiment (LabExperiment *experiment)
{
  const char *const *steps = lab_experiment_get_steps (experiment);
  g_autofree char *title = lab_cli_escape (lab_experiment_get_title (experiment));
  g_autofree char *notes = lab_cli_escape_lines (lab_experiment_get_notes (experiment));

  if (title[0] != '\0')
    g_printerr ("# %s\n", title);
  if (notes[0] != '\0')
    g_printerr ("%s\n", notes);
  for (guint i = 0; steps[i] != NULL; i++)
    {
      g_autofree char *step = lab_cli_escape (steps[i]);

      g_printerr ("  %u. %s\n", i + 1, step);
    }
}

/* An endpoint that Play starts but that cannot start makes no call and
 * changes no state: the run would wait for it for ever, and say nothing.
 * The file cannot be used as it is: say whose setting is wrong first. */
static gboolean
check_endpoints (LabExperiment *experiment,
                 GListModel    *endpoints,
                 const char    *arg)
{
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      g_autoptr(GError) error = NULL;

      if (!lab_experiment_get_autostart (experiment, i) ||
          lab_endpoint_config_validate (lab_endpoint_get_config (endpoint), &error))
        continue;

      {
        g_autofree char *file = lab_cli_escape (arg);
        g_autofree char *name = lab_cli_escape (lab_endpoint_get_name (endpoint));
        g_autofree char *message = lab_cli_escape (error->message);

        g_printerr ("protolab-cli: %s: %s: %s\n", file, name, message);
        return FALSE;
      }
    }

  return TRUE;
}

/* The programs the file names: what runs, said before it runs; or that
 * they do not run, and how they would. */
static void
say_programs (LabSession *session,
              const char *arg,
              gboolean    programs)
{
  g_auto(GStrv) commands = lab_session_dup_play_commands (session);
  g_autofree char *file = lab_cli_escape (arg);

  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *command = lab_cli_escape (commands[i]);

      if (programs)
        /* Translators: %s is a program's command line, run traced. */
        g_printerr (_("protolab-cli: running %s\n"), command);
      else
        /* Translators: the first %s is an experiment file, the second a program's command line. */
        g_printerr (_("protolab-cli: %s: not running %s: add --programs to run it\n"), file, command);
    }
}

/* protolab-cli run FILE|LESSON: an experiment's endpoints, all of them. */
int
lab_cli_run_experiment (int    argc,
                        char **argv)
{
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autofree char *backend_name = NULL;
  g_autofree char *format = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *pcap = NULL;
  const char *const *warnings;
  int status;
  GListModel *endpoints;
  Run run = { .name_failures = TRUE };
  int backend = -1;
  /* Its options' names and values, gone on every way out */
  g_auto(LabCliLink) link = { { 0 } };
  const GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_name, N_("Make every endpoint use these calls: posix or gio"), "gio|posix" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &duration, N_("Stop after this many seconds"), N_("SECONDS") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &run.quiet, N_("Record everything, print only the closing summary"), NULL },
    { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &pcap, N_("Save the lab network’s packets in this file, as pcapng"), N_("FILE") },
    { "programs", 0, 0, G_OPTION_ARG_NONE, &run.programs, N_("Run the programs the experiment names too, traced (each is said first)"), NULL },
    { NULL }
  };

  if (!lab_cli_parse_experiment_command ("run", _("Play an experiment (.protolab): start its servers, then its "
                                                 "clients, and print the timeline until all have stopped."),
                                         entries, &link, &argc, &argv))
    return 2;
  if (!lab_cli_parse_choice ("run", "backend", backend_name, LAB_TYPE_BACKEND_KIND, NULL, &backend) ||
      !lab_cli_parse_format ("run", format, &run.format))
    return 2;
  if (duration != NULL &&
      !lab_cli_parse_seconds ("run", "duration", duration, 0, LAB_CLI_MAX_DURATION_MS, &run.duration_ms))
    return 2;

  experiment = lab_cli_load_experiment (argv[1]);
  if (experiment == NULL)
    return 1;
  warnings = lab_experiment_get_warnings (experiment);
  for (guint i = 0; warnings[i] != NULL; i++)
    {
      g_autofree char *file = lab_cli_escape (argv[1]);
      g_autofree char *warning = lab_text_escape_message (warnings[i]);

      g_printerr ("protolab-cli: %s: %s\n", file, warning);
    }
  if (!run.quiet)
    print_experiment (experiment);

  session = lab_session_new ();
  lab_session_load (session, experiment);
  /* The link the command line gives, over the file's */
  if (!lab_cli_link_apply (&link, "run", run.quiet))
    return 2;
  endpoints = lab_session_get_endpoints (session);
  for (guint i = 0; backend >= 0 && i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_object_set (lab_endpoint_get_config (endpoint), "backend", backend, NULL);
    }
  if (!check_endpoints (experiment, endpoints, argv[1]))
    return 1;
  say_programs (session, argv[1], run.programs);

  run.session = session;
  status = play (&run, argv[1]);
  if (pcap != NULL && !save_pcap (lab_session_get_timeline (session), pcap) && status == 0)
    status = 1;
  return status;
}
