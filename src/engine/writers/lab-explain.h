/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-event.h"

G_BEGIN_DECLS

typedef enum {
  LAB_EXPLANATION_CALL,
  LAB_EXPLANATION_ERROR,
} LabExplanationKind;

/* What a call does or an error means, for students, in the language of
 * the moment. The texts are the catalogue's: they live as long as the
 * program. */
typedef struct {
  LabExplanationKind  kind;
  const char         *name;       /* as recorded: "accept", "g_socket_accept", "ECONNREFUSED" */
  /* A call */
  LabOp               op;
  const char         *what;
  const char         *arguments;  /* or NULL */
  const char         *waits;      /* or NULL: it never blocks */
  const char         *result;
  const char         *gio;        /* for a GLib call: what GLib does around the BSD one, or NULL */
  const char         *traced;     /* for a traced program's call: what in the program made it, or NULL */
  /* An error */
  const char         *means;
  const char         *remedy;
} LabExplanation;

const LabExplanation *lab_explain_call        (const char   *call);
const LabExplanation *lab_explain_op          (LabOp         op);
const LabExplanation *lab_explain_event       (LabEvent     *event);
const LabExplanation *lab_explain_error       (int           err);
const LabExplanation *lab_explain_lookup      (const char   *name);
char                 *lab_explanation_format  (const LabExplanation *explanation);
const char          **lab_explain_call_names  (void);

G_END_DECLS
