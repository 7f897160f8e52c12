/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"
#include "lab-experiment.h"
#include "lab-session.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* protolab-cli's parts: reading the command line (lab-cli-options.c),
 * playing a session while printing its timeline (lab-cli-run.c), the
 * commands that print without running anything (lab-cli-commands.c),
 * numbers read strictly (lab-cli-numbers.c), and what makes a file's text
 * safe on a terminal (lab-cli-escape.c). */

typedef enum {
  LAB_CLI_FORMAT_TEXT,
  LAB_CLI_FORMAT_JSONL,
} LabCliFormat;

/* The longest --duration: a week, longer than any class, and within the
 * milliseconds a GLib timeout counts (49 days). */
#define LAB_CLI_MAX_DURATION_MS (7u * 24 * 3600 * 1000)

/* The most events --max-events keeps: the timeline's store is made whole
 * at once, and each event kept takes memory of its own. */
#define LAB_CLI_MAX_EVENTS (5 * LAB_TIMELINE_DEFAULT_MAX_EVENTS)

/* The link's options (lab-cli-link.c): each setting both ways, and one
 * way as HOST=VALUE, repeated. */
#define LAB_CLI_LINK_N_SETTINGS 11

typedef struct {
  char  *both[LAB_CLI_LINK_N_SETTINGS];
  char **one_way[LAB_CLI_LINK_N_SETTINGS];
  char  *one_way_names[LAB_CLI_LINK_N_SETTINGS];
} LabCliLink;

void      lab_cli_link_prepare_args (int             *argc,
                                     char          ***argv);
void      lab_cli_link_add_entries  (GOptionContext  *context,
                                     LabCliLink      *link);
gboolean  lab_cli_link_given        (const LabCliLink *link);
gboolean  lab_cli_link_apply        (const LabCliLink *link,
                                     const char       *command,
                                     gboolean          quiet);
void      lab_cli_link_clear        (LabCliLink      *link);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabCliLink, lab_cli_link_clear)

/* What tcp-server, tcp-client, udp-server and udp-client are told. The
 * numbers are kept as they were given, to be read strictly. */
typedef struct {
  char         *bind;
  char         *host;
  char         *port;
  char         *backend;
  char         *behaviour;
  char         *model;
  char         *framing;
  char         *fixed_size;
  char         *backlog;
  gboolean      reuseaddr;
  gboolean      nodelay;
  char         *max_clients;
  char         *buffer;
  char         *rcvbuf;
  char         *sndbuf;
  char         *max_connections;
  char         *duration;
  char         *format;
  gboolean      quiet;
  char         *send;
  char         *send_hex;
  char         *send_count;
  gboolean      use_stdin;
  gboolean      sendall;
  gboolean      shutdown_write;
  char         *expect_bytes;
  char         *timeout;
  char         *family;
  char         *local_address;
  char         *local_port;
  gboolean      udp_connect;
  char         *quit_message;
  char         *max_events;
  char         *name;
  char         *lab_host;
  char         *pcap;
  char         *count;
  char         *interval;
  LabCliLink    link;

  /* Read from --format, --duration and --max-events (0: not given) */
  LabCliFormat  output;
  guint         duration_ms;
  guint         event_limit;
} LabCliOptions;

char           *lab_cli_escape                   (const char          *text);
char           *lab_cli_escape_lines             (const char          *text);
char           *lab_cli_json_escape_controls     (const char          *line);

gboolean        lab_cli_parse_whole              (const char          *command,
                                                  const char          *option,
                                                  const char          *text,
                                                  guint64              min,
                                                  guint64              max,
                                                  guint64             *value);
gboolean        lab_cli_parse_seconds            (const char          *command,
                                                  const char          *option,
                                                  const char          *text,
                                                  guint                min_ms,
                                                  guint                max_ms,
                                                  guint               *ms);
gboolean        lab_cli_set_whole                (const char          *command,
                                                  const char          *option,
                                                  const char          *text,
                                                  GObject             *object,
                                                  const char          *property,
                                                  guint64              least);
gboolean        lab_cli_set_seconds              (const char          *command,
                                                  const char          *option,
                                                  const char          *text,
                                                  GObject             *object,
                                                  const char          *property);

GOptionContext *lab_cli_context_new              (const char          *parameter,
                                                  const char          *summary,
                                                  const GOptionEntry  *entries);
gboolean        lab_cli_parse_experiment_command (const char          *command,
                                                  const char          *summary,
                                                  const GOptionEntry  *entries,
                                                  LabCliLink          *link,
                                                  int                 *argc,
                                                  char              ***argv);
void            lab_cli_usage_error              (const char          *command,
                                                  const char          *message);
void            lab_cli_option_error             (const char          *command,
                                                  const GError        *error);
gboolean        lab_cli_parse_choice             (const char          *command,
                                                  const char          *option,
                                                  const char          *value,
                                                  GType                type,
                                                  const char         **aliases,
                                                  int                 *result);
gboolean        lab_cli_parse_format             (const char          *command,
                                                  const char          *format,
                                                  LabCliFormat        *output);
LabExperiment  *lab_cli_load_experiment          (const char          *arg);

gboolean        lab_cli_options_parse            (LabCliOptions       *options,
                                                  LabEndpointKind      kind,
                                                  const char          *command,
                                                  int                  argc,
                                                  char               **argv);
gboolean        lab_cli_options_configure        (LabCliOptions       *options,
                                                  const char          *command,
                                                  LabEndpointConfig   *config);
void            lab_cli_options_clear            (LabCliOptions       *options);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabCliOptions, lab_cli_options_clear)

int             lab_cli_run_endpoint             (LabEndpointKind      kind,
                                                  const char          *command,
                                                  int                  argc,
                                                  char               **argv);
int             lab_cli_run_experiment           (int                  argc,
                                                  char               **argv);
int             lab_cli_play                     (LabSession          *session,
                                                  LabCliFormat         format,
                                                  gboolean             quiet,
                                                  guint                duration_ms,
                                                  gboolean             stepping,
                                                  const char          *title);
int             lab_cli_trace                    (int                  argc,
                                                  char               **argv);

int             lab_cli_code                     (int                  argc,
                                                  char               **argv);
int             lab_cli_lessons                  (int                  argc,
                                                  char               **argv);
int             lab_cli_explain                  (int                  argc,
                                                  char               **argv);

G_END_DECLS
