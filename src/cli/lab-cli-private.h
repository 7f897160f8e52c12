/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"
#include "lab-experiment.h"

G_BEGIN_DECLS

/* protolab-cli's parts: reading the command line (lab-cli-options.c),
 * playing a session while printing its timeline (lab-cli-run.c), the
 * commands that print without running anything (lab-cli-commands.c), and
 * what makes a file's text safe on a terminal (lab-cli-escape.c). */

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

char           *lab_cli_escape                   (const char          *text);
char           *lab_cli_escape_lines             (const char          *text);
char           *lab_cli_json_escape_controls     (const char          *line);

GOptionContext *lab_cli_context_new              (const char          *parameter,
                                                  const char          *summary,
                                                  const GOptionEntry  *entries);
gboolean        lab_cli_parse_experiment_command (const char          *command,
                                                  const char          *summary,
                                                  const GOptionEntry  *entries,
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

int             lab_cli_code                     (int                  argc,
                                                  char               **argv);
int             lab_cli_lessons                  (int                  argc,
                                                  char               **argv);
int             lab_cli_explain                  (int                  argc,
                                                  char               **argv);

G_END_DECLS
