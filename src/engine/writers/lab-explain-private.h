/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-call.h"

G_BEGIN_DECLS

/* The texts of the explanations, untranslated (marked with N_ ()): one per
 * kind of call, a note for each of GIO's names (with its own arguments
 * where GIO's differ), and one per error.
 * lab-explain.c looks them up and
 * translates them. */

typedef struct {
  LabOp       op;
  const char *what;       /* what the call does, in a sentence or two */
  const char *arguments;  /* what its arguments mean, or NULL */
  const char *waits;      /* when it blocks and until what, or NULL: never */
  const char *result;     /* what it returns, and on failure */
} LabCallText;

typedef struct {
  const char *name;       /* "ECONNREFUSED", "EAI_NONAME" */
  const char *means;      /* what it means, in plain words */
  const char *remedy;     /* what to try */
} LabErrorText;

/* For one of GIO's names: what GLib does around the BSD call, and the
 * arguments where they are not the BSD call's (or NULL). */
typedef struct {
  const char *gio;
  const char *arguments;
} LabCallNote;

extern const LabCallText  lab_call_texts[];
extern const guint        lab_n_call_texts;
extern const LabCallNote  lab_call_notes[LAB_N_CALLS];
/* What a traced program's call was in the program: glibc's send () is
 * sendto () with no address. By the call the kernel received and the
 * operation it made. */
typedef struct {
  LabCall     call;
  LabOp       op;
  const char *traced;
} LabTracedNote;

extern const LabTracedNote lab_traced_notes[];
extern const guint         lab_n_traced_notes;
extern const LabErrorText lab_error_texts[];
extern const guint        lab_n_error_texts;

G_END_DECLS
