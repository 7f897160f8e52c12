/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-fuzz.h"

static void
on_log (const char     *domain,
        GLogLevelFlags  level,
        const char     *message,
        gpointer        data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_printerr ("%s: %s\n", domain != NULL ? domain : "?", message);
      abort ();
    }
}

static GLogWriterOutput
on_structured_log (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_default_handler (on_log, NULL);
  g_log_set_writer_func (on_structured_log, NULL, NULL);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  return 0;
}
