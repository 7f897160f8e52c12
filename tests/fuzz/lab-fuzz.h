/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <stdlib.h>
#include <glib.h>

G_BEGIN_DECLS

/* What every harness shares: libFuzzer's entry points, the first in
 * lab-fuzz.c for all, which makes a warning or a critical stop the run as
 * a crash does, as G_DEBUG=fatal-warnings stops a test. GLib stops on a
 * fatal message with SIGTRAP, which libFuzzer does not catch: here it is
 * abort (), so that libFuzzer saves the input. */

int  LLVMFuzzerInitialize   (int           *argc,
                             char        ***argv);
int  LLVMFuzzerTestOneInput (const guint8  *data,
                             size_t         size);

/* A property of the code that does not hold: a crash, its input saved. */
#define lab_fuzz_check(expr, ...)                                           \
  G_STMT_START {                                                            \
    if (G_UNLIKELY (!(expr)))                                               \
      {                                                                     \
        g_printerr ("%s:%d: %s does not hold: ", __FILE__, __LINE__, #expr); \
        g_printerr (__VA_ARGS__);                                           \
        g_printerr ("\n");                                                  \
        abort ();                                                           \
      }                                                                     \
  } G_STMT_END

G_END_DECLS
