/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "lab-errno.h"
#include "lab-program-private.h"
#include "lab-timeline-private.h"
#include "lab-tracer-resources.h"
#include "lab-traced-private.h"

/* A program of the user's own, traced: the endpoint's one thread starts it
 * as its child (in the lab host's network namespace when it runs on one:
 * the thread is already there) and traces it until it and everything it
 * made ended. Its calls are recorded as its kernel received them
 * (lab-traced-calls.c); a Python program also says, through a start-up
 * hook on its path, the line of its own that makes each socket call. */

/* Source files longer than this are not read for their lines' text */
#define SOURCE_MAX (1024 * 1024)

LabTracedThread *
lab_traced_thread (LabTraced *self,
                   pid_t      tid)
{
  LabTracedThread *thread = g_hash_table_lookup (self->threads, GINT_TO_POINTER (tid));

  if (thread == NULL)
    {
      thread = g_new0 (LabTracedThread, 1);
      thread->index = ++self->next_thread;
      g_hash_table_insert (self->threads, GINT_TO_POINTER (tid), thread);
    }
  return thread;
}

/* A source file's lines, read once */
static char **
source_lines (LabTraced  *self,
              const char *path)
{
  char **lines;
  gpointer found;

  if (g_hash_table_lookup_extended (self->sources, path, NULL, &found))
    return found;

  lines = NULL;
  {
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autofree char *full = g_path_is_absolute (path) ? g_strdup (path) : g_build_filename (self->cwd, path, NULL);

    if (g_file_get_contents (full, &text, &len, NULL) && len <= SOURCE_MAX && g_utf8_validate (text, len, NULL))
      lines = g_strsplit (text, "\n", -1);
  }
  g_hash_table_insert (self->sources, g_strdup (path), lines);
  return lines;
}

/* "file:line" as `file:line: text`, the file as the user knows it (under
 * the folder the program runs in, by its relative name), kept once. */
guint16
lab_traced_intern_line (LabTraced  *self,
                        const char *where)
{
  g_autofree char *path = g_strdup (where);
  char *colon = strrchr (path, ':');
  g_autofree char *line = NULL;
  const char *file;
  char **lines;
  guint64 number;
  gsize cwd_len = strlen (self->cwd);
  gpointer known;
  guint16 id;

  /* A loop says the same lines again and again: each is made once. */
  if (g_hash_table_lookup_extended (self->line_ids, where, NULL, &known))
    return (guint16) GPOINTER_TO_UINT (known);
  if (colon == NULL || !g_utf8_validate (path, -1, NULL))
    return 0;
  *colon = '\0';
  number = g_ascii_strtoull (colon + 1, NULL, 10);
  file = path;
  if (strncmp (file, self->cwd, cwd_len) == 0 && file[cwd_len] == '/')
    file += cwd_len + 1;

  lines = source_lines (self, path);
  if (lines != NULL && number >= 1 && number <= g_strv_length (lines))
    {
      g_autofree char *source = g_strdup (lines[number - 1]);

      line = g_strdup_printf ("%s:%" G_GUINT64_FORMAT ": %s", file, number, g_strstrip (source));
    }
  else
    line = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, file, number);
  id = lab_timeline_intern_line (self->run->timeline, line);
  g_hash_table_insert (self->line_ids, g_strdup (where), GUINT_TO_POINTER (id));
  return id;
}

/* The hook's "file:line": the thread's line until it says another */
static void
on_line (LabTracer  *tracer,
         pid_t       tid,
         const char *text,
         gsize       len,
         gpointer    data)
{
  LabTraced *self = data;
  LabTracedThread *thread = lab_traced_thread (self, tid);
  g_autofree char *where = g_strndup (text, len);

  (void) tracer;
  thread->says_lines = TRUE;
  thread->line = lab_traced_intern_line (self, where);
}

static LabTraceAction
on_enter (LabTracer        *tracer,
          const LabSyscall *call,
          gpointer          data)
{
  (void) tracer;
  return lab_traced_enter (data, call);
}

static LabTraceAction
on_resume (LabTracer        *tracer,
           const LabSyscall *call,
           gpointer          data)
{
  (void) tracer;
  return lab_traced_resume (data, call);
}

static void
on_unhold (LabTracer        *tracer,
           const LabSyscall *call,
           gpointer          data)
{
  (void) tracer;
  lab_traced_unhold (data, call);
}

static void
on_wait_held (gpointer data,
              gint64   until)
{
  lab_traced_wait_held (data, until);
}

static void
on_leave (LabTracer        *tracer,
          const LabSyscall *call,
          gpointer          data)
{
  (void) tracer;
  lab_traced_leave (data, call);
}

static void
on_forked (LabTracer *tracer,
           pid_t      parent,
           pid_t      child,
           gboolean   thread,
           gpointer   data)
{
  LabTraced *self = data;

  (void) tracer;
  if (thread)
    return;
  lab_traced_fork_socks (self, parent, child);
  g_hash_table_insert (self->processes, GINT_TO_POINTER (child), GINT_TO_POINTER (parent));
}

/* A process the program made is told of at its first socket call: a
 * program's helpers (a shell, a launcher) that make none stay out of the
 * timeline. */
void
lab_traced_saw_process (LabTraced *self,
                        pid_t      pid)
{
  pid_t parent = GPOINTER_TO_INT (g_hash_table_lookup (self->processes, GINT_TO_POINTER (pid)));
  g_autofree char *arg = NULL;

  if (parent == 0)
    return;
  g_hash_table_insert (self->processes, GINT_TO_POINTER (pid), GINT_TO_POINTER (0));
  arg = g_strdup_printf ("%d %d", (int) pid, (int) parent);
  lab_record_note (self->run, self->worker, NULL, LAB_NOTE_PROGRAM_FORKED, arg);
}

static void
on_exited (LabTracer *tracer,
           pid_t      pid,
           int        status,
           gpointer   data)
{
  LabTraced *self = data;
  g_autofree char *arg = NULL;
  gpointer parent;
  gboolean told = !g_hash_table_lookup_extended (self->processes, GINT_TO_POINTER (pid), NULL, &parent) ||
                  parent == NULL;

  lab_traced_forget_pid (self, pid);
  g_hash_table_remove (self->processes, GINT_TO_POINTER (pid));
  /* Its end, if its start was told (the program's own always is) */
  if (!told && pid != lab_tracer_get_pid (tracer))
    return;
  /* The program's own process is told from those it made: it is the one
   * whose status is the program's. */
  if (WIFSIGNALED (status))
    arg = g_strdup_printf ("%d signal %d%s", (int) pid, WTERMSIG (status),
                           pid == lab_tracer_get_pid (tracer) ? " program" : "");
  else
    arg = g_strdup_printf ("%d exit %d%s", (int) pid, WEXITSTATUS (status),
                           pid == lab_tracer_get_pid (tracer) ? " program" : "");
  lab_record_note (self->run, self->worker, NULL, LAB_NOTE_PROGRAM_EXITED, arg);
}

static void
on_exiting (LabTracer *tracer,
            pid_t      pid,
            gboolean   exec,
            gpointer   data)
{
  LabTraced *self = data;

  (void) tracer;
  lab_traced_exiting (self, pid, exec);
  /* Its code is another after an exec, and gone at its end */
  g_hash_table_remove (self->c_sources, GINT_TO_POINTER (pid));
}

static gboolean
on_stopping (gpointer data)
{
  LabTraced *self = data;

  return lab_run_is_stopping (self->run);
}

static const LabTracerHooks hooks = {
  .enter = on_enter,
  .resume = on_resume,
  .unhold = on_unhold,
  .wait_held = on_wait_held,
  .leave = on_leave,
  .line = on_line,
  .forked = on_forked,
  .exiting = on_exiting,
  .exited = on_exited,
  .stopping = on_stopping,
};

/* The hook a Python program starts with, as sitecustomize in a folder of
 * its own put first on PYTHONPATH. Returns the folder. */
static char *
install_python_hook (GError **error)
{
  g_autoptr(GBytes) hook = g_resource_lookup_data (lab_tracer_get_resource (),
                                                   "/io/github/protolab/Protolab/tracer/lab-python-hook.py",
                                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gsize len;
  const char *text;

  if (hook == NULL || (dir = g_dir_make_tmp ("protolab-trace-XXXXXX", error)) == NULL)
    return NULL;
  text = g_bytes_get_data (hook, &len);
  path = g_build_filename (dir, "sitecustomize.py", NULL);
  if (!g_file_set_contents (path, text, (gssize) len, error))
    {
      g_rmdir (dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

static void
remove_python_hook (const char *dir)
{
  g_autofree char *path = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, "sitecustomize.py", NULL);
  g_unlink (path);
  /* Python may have left its compiled copy. */
  cache = g_build_filename (dir, "__pycache__", NULL);
  if ((d = g_dir_open (cache, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (cache, name, NULL);

        g_unlink (file);
      }
  g_rmdir (cache);
  g_rmdir (dir);
}

/* The lab's environment, the endpoint's additions over it, and what the
 * hook needs. */
static char **
make_environment (LabEndpointConfig *c,
                  const char        *hook_dir,
                  int                line_fd)
{
  char **env = g_get_environ ();
  g_autofree char *fd = g_strdup_printf ("%d", line_fd);
  const char *path;

  for (guint i = 0; c->environment != NULL && c->environment[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (c->environment[i], strcspn (c->environment[i], "="));

      env = g_environ_setenv (env, name, c->environment[i] + strlen (name) + 1, TRUE);
    }
  if (hook_dir != NULL)
    {
      g_autofree char *python_path = NULL;

      path = g_environ_getenv (env, "PYTHONPATH");
      python_path = path != NULL && path[0] != '\0' ? g_strconcat (hook_dir, ":", path, NULL) : g_strdup (hook_dir);
      env = g_environ_setenv (env, "PYTHONPATH", python_path, TRUE);
      env = g_environ_setenv (env, LAB_TRACER_LINE_FD_ENV, fd, TRUE);
    }
  /* Output as it is written: a traced program's prints come in step with
   * its calls. */
  env = g_environ_setenv (env, "PYTHONUNBUFFERED", "1", FALSE);
  return env;
}

/**
 * lab_traced_main:
 *
 * The one thread of a traced program's run.
 */
void
lab_traced_main (LabWorker *w,
                 gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  g_autoptr(GError) error = NULL;
  g_autofree char *hook_dir = NULL;
  g_auto(GStrv) env = NULL;
  g_autofree char *command = NULL;
  LabTraced self = { 0 };
  int terminal_fd;

  (void) data;
  self.run = run;
  self.worker = w;
  self.threads = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self.socks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, lab_traced_sock_unref);
  self.processes = g_hash_table_new (NULL, NULL);
  self.line_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.pidfds = g_hash_table_new (NULL, NULL);
  self.c_sources = g_hash_table_new_full (NULL, NULL, NULL, lab_traced_source_free);
  self.sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self.cwd = c->working_directory != NULL && c->working_directory[0] != '\0' ? g_canonicalize_filename (c->working_directory, NULL)
                                                                              : g_get_current_dir ();
  self.tracer = lab_tracer_new (&hooks, &self);

  /* Without the hook a program is traced all the same, without its lines. */
  hook_dir = install_python_hook (&error);
  if (hook_dir == NULL)
    g_clear_error (&error);
  env = make_environment (c, hook_dir, lab_tracer_get_line_fd (self.tracer));

  {
    GString *line = g_string_new (NULL);

    for (guint i = 0; c->command[i] != NULL; i++)
      {
        g_autofree char *quoted = g_shell_quote (c->command[i]);

        if (i > 0)
          g_string_append_c (line, ' ');
        g_string_append (line, strpbrk (c->command[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL ? quoted
                                                                                             : c->command[i]);
      }
    command = g_string_free (line, FALSE);
  }
  lab_record_note (run, w, NULL, LAB_NOTE_PROGRAM_STARTED, command);

  terminal_fd = lab_run_get_terminal_fd (run);
  if (!lab_tracer_spawn (self.tracer, (const char * const *) c->command, self.cwd, (const char * const *) env,
                         terminal_fd, &error))
    {
      g_autofree char *failure = g_strdup_printf ("execve: %s", lab_errno_name (lab_tracer_get_spawn_errno (self.tracer)) ?: "ENOEXEC");

      lab_record_note (run, w, NULL, LAB_NOTE_FAILED, failure);
    }
  else
    {
      lab_program_set_ready (run);
      lab_tracer_run (self.tracer);
    }

  lab_tracer_free (self.tracer);
  g_hash_table_unref (self.c_sources);
  remove_python_hook (hook_dir);
  g_hash_table_unref (self.socks);
  {
    GHashTableIter iter;
    gpointer pidfd;

    g_hash_table_iter_init (&iter, self.pidfds);
    while (g_hash_table_iter_next (&iter, NULL, &pidfd))
      if (GPOINTER_TO_INT (pidfd) >= 0)
        close (GPOINTER_TO_INT (pidfd));
    g_hash_table_unref (self.pidfds);
  }
  g_hash_table_unref (self.threads);
  g_hash_table_unref (self.sources);
  g_hash_table_unref (self.processes);
  g_hash_table_unref (self.line_ids);
  g_free (self.data);
  g_free (self.cwd);
}
