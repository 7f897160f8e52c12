/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-codegen.h"

G_BEGIN_DECLS

/* A program the code generator wrote, saved to a directory of its own and
 * (C) built with warnings as errors, ready to run against the lab. */
typedef struct {
  char            *dir;
  char            *source;
  char            *binary;
  LabCodeLanguage  language;
  GSubprocess     *process;
  gboolean         exited;
  GStrv            env;      /* NAME=VALUE, set for it when it starts */
  int              netns_fd; /* the lab host it runs on, or -1 */
} LabTestProgram;

gboolean        lab_test_have                 (const char        *program);
gboolean        lab_test_have_compilers       (void);
LabTestProgram *lab_test_program_new          (LabEndpointConfig *config,
                                               LabCodeLanguage    language);
LabTestProgram *lab_test_program_new_checked  (LabEndpointConfig *config,
                                               const char        *name,
                                               LabCodeLanguage    language,
                                               gboolean           sanitize);
void            lab_test_program_free         (LabTestProgram    *p);
void            lab_test_program_setenv       (LabTestProgram    *p,
                                               const char        *name,
                                               const char        *value);
void            lab_test_program_set_host     (LabTestProgram    *p,
                                               const char        *host);
void            lab_test_program_start        (LabTestProgram    *p);
void            lab_test_program_start_traced (LabTestProgram    *p,
                                               const char        *trace);
void            lab_test_program_type         (LabTestProgram    *p,
                                               const char        *line);
GBytes         *lab_test_program_end          (LabTestProgram    *p);
GBytes         *lab_test_program_wait         (LabTestProgram    *p);
GBytes         *lab_test_program_wait_status  (LabTestProgram    *p,
                                               int               *status);
void            lab_test_wait_port_bound_on   (const char        *host,
                                               guint16            port,
                                               gboolean           udp);
void            lab_test_wait_port_bound      (guint16            port,
                                               gboolean           udp);
void            lab_test_wait_port_connections_closed (guint16 port);
LabTestProgram *lab_test_program_start_server (LabEndpointConfig *config,
                                               LabCodeLanguage    language,
                                               guint16           *port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTestProgram, lab_test_program_free)

G_END_DECLS
