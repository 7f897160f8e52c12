/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <elfutils/libdwfl.h>

#include "lab-traced-private.h"

/* The source line of a compiled program's call: the thread, stopped at
 * the system call, is unwound (libdwfl, from its registers and memory:
 * the tracer may read both) frame by frame from the system call's wrapper
 * in libc outwards, and the first frame whose address the DWARF line
 * table of its module knows is the program's line. A program built
 * without -g has none: it is then asked no more. */

/* How many frames are unwound at most */
#define MAX_FRAMES 24

struct _LabTracedSource
{
  Dwfl     *dwfl;
  pid_t     pid;
  char     *exe;                /* the program's own file: its frames are the program's */
  gboolean  none;               /* no line was found: not asked again */
};

static const Dwfl_Callbacks callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = dwfl_standard_find_debuginfo,
};

static LabTracedSource *
source_new (pid_t pid)
{
  LabTracedSource *source = g_new0 (LabTracedSource, 1);
  g_autofree char *exe_link = g_strdup_printf ("/proc/%d/exe", (int) pid);

  source->pid = pid;
  source->exe = g_file_read_link (exe_link, NULL);
  source->dwfl = dwfl_begin (&callbacks);
  if (source->dwfl == NULL || dwfl_linux_proc_report (source->dwfl, pid) != 0 ||
      dwfl_report_end (source->dwfl, NULL, NULL) != 0 ||
      dwfl_linux_proc_attach (source->dwfl, pid, true) != 0)
       source->none = TRUE;
  return source;
}

void
lab_traced_source_free (gpointer data)
{
  LabTracedSource *source = data;

  if (source->dwfl != NULL)
    dwfl_end (source->dwfl);
  g_free (source->exe);
  g_free (source);
}

typedef struct {
  LabTracedSource *source;
  gboolean    reported;         /* the modules were read again once */
  guint       depth;
  char       *file;
  int         line;
} Unwind;

static int
on_frame (Dwfl_Frame *frame,
          void       *data)
{
  Unwind *u = data;
  Dwarf_Addr pc;
  bool activation;
  Dwfl_Module *module;
  Dwfl_Line *line;
  const char *file;
  int number = 0;

  if (++u->depth > MAX_FRAMES || !dwfl_frame_pc (frame, &pc, &activation))
    return DWARF_CB_ABORT;
  /* A return address is the instruction after the call. */
  if (!activation)
    pc--;
  module = dwfl_addrmodule (u->source->dwfl, pc);
  /* A library loaded since the modules were read */
  if (module == NULL && !u->reported)
    {
      u->reported = TRUE;
      dwfl_report_begin_add (u->source->dwfl);
      dwfl_linux_proc_report (u->source->dwfl, u->source->pid);
      dwfl_report_end (u->source->dwfl, NULL, NULL);
      module = dwfl_addrmodule (u->source->dwfl, pc);
    }
  /* Only the program's own code: libc's own lines are not the program's */
  if (module == NULL || u->source->exe == NULL ||
      g_strcmp0 (dwfl_module_info (module, NULL, NULL, NULL, NULL, NULL, NULL, NULL), u->source->exe) != 0 ||
      (line = dwfl_module_getsrc (module, pc)) == NULL ||
      (file = dwfl_lineinfo (line, NULL, &number, NULL, NULL, NULL)) == NULL || number <= 0)
    return DWARF_CB_OK;
  u->file = g_strdup (file);
  u->line = number;
  return DWARF_CB_ABORT;
}

/**
 * lab_traced_source_line:
 *
 * Returns: (nullable): "file:line" of the program's own code that made
 *   @tid's call, when its binary says
 */
char *
lab_traced_source_line (LabTraced *self,
                        pid_t      pid,
                        pid_t      tid)
{
  LabTracedSource *source = g_hash_table_lookup (self->c_sources, GINT_TO_POINTER (pid));
  Unwind u = { 0 };

  if (source == NULL)
    {
      source = source_new (pid);
      g_hash_table_insert (self->c_sources, GINT_TO_POINTER (pid), source);
    }
  if (source->none)
    return NULL;

  u.source = source;
  dwfl_getthread_frames (source->dwfl, tid, on_frame, &u);
  if (u.file == NULL)
    {
      /* No line on the first call: built without them. */
      source->none = TRUE;
      return NULL;
    }
  {
    char *where = g_strdup_printf ("%s:%d", u.file, u.line);

    g_free (u.file);
    return where;
  }
}
