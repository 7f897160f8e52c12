/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "lab-endpoint-config.h"
#include "lab-test-engine.h"
#include "lab-network.h"
#include "lab-test-program.h"
#include "lab-test-utils.h"

/* Generated programs, written out, built and run as a student would, each
 * in a temporary directory of its own, and ended (if they do not end by
 * themselves) by the process the test started, never by a name. */

gboolean
lab_test_have (const char *program)
{
  g_autofree char *path = g_find_program_in_path (program);

  if (path == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s is not installed", program);

      g_test_skip (reason);
      return FALSE;
    }
  return TRUE;
}

gboolean
lab_test_have_compilers (void)
{
  return lab_test_have ("python3") && lab_test_have ("gcc");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

/* Kills the program and, if it runs under strace, strace with it: both
 * are in the process group the program was started in, whose id is the
 * one of the process the test started. Killing strace alone would leave
 * the program running, its output still open. */
static void
kill_program (LabTestProgram *p)
{
  const char *id = g_subprocess_get_identifier (p->process);

  /* Once it has ended and been waited for, it has no id any more. */
  if (id != NULL && !p->exited)
    kill (-(pid_t) g_ascii_strtoll (id, NULL, 10), SIGKILL);
}

void
lab_test_program_free (LabTestProgram *p)
{
  if (p->process != NULL)
    {
      kill_program (p);
      g_subprocess_wait (p->process, NULL, NULL);
      g_clear_object (&p->process);
    }
  remove_tree (p->dir);
  if (p->netns_fd >= 0)
    close (p->netns_fd);
  g_strfreev (p->env);
  g_free (p->dir);
  g_free (p->source);
  g_free (p->binary);
  g_free (p);
}

/* Builds a C program as its header comment says, with warnings as errors:
 * the compiler may say nothing at all. With @sanitize, with
 * AddressSanitizer too, so that a leak or a bad access is reported. */
static void
compile_c (LabTestProgram *p,
           const char     *code,
           gboolean        sanitize)
{
  const char *argv[16] = { "gcc", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_POSIX_C_SOURCE=200809L",
                           "-o", p->binary, p->source };
  guint n = 9;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (strstr (code, " -pthread */") != NULL)
    argv[n++] = "-pthread";
  if (sanitize)
    {
      argv[n++] = "-g";
      argv[n++] = "-fsanitize=address,undefined";
    }
  argv[n] = NULL;

  lab_test_run (argv, NULL, &out, &err, &status);
  if (status != 0 || out[0] != '\0' || err[0] != '\0')
    g_test_message ("%s", code);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (status, ==, 0);
}

static void
check_python (LabTestProgram *p,
              const char     *code)
{
  const char *argv[] = { "python3", "-m", "py_compile", p->source, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  if (status != 0 || err[0] != '\0')
    g_test_message ("%s", code);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
}

/**
 * lab_test_program_new_checked:
 * @name: the endpoint's name, for the program's header
 * @sanitize: for C, built with AddressSanitizer and UndefinedBehaviorSanitizer
 *
 * Returns: (transfer full): the program @config gives in @language, written
 *   out and checked: C built, Python compiled
 */
LabTestProgram *
lab_test_program_new_checked (LabEndpointConfig *config,
                              const char        *name,
                              LabCodeLanguage    language,
                              gboolean           sanitize)
{
  LabTestProgram *p = g_new0 (LabTestProgram, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = lab_codegen_generate (config, name, language);
  g_autofree char *again = lab_codegen_generate (config, name, language);
  const char *filename = lab_codegen_suggest_filename (config, language);

  p->netns_fd = -1;
  /* The same configuration, the same text. */
  g_assert_cmpstr (code, ==, again);

  p->language = language;
  p->dir = g_dir_make_tmp ("protolab-codegen-XXXXXX", &error);
  g_assert_no_error (error);
  p->source = g_build_filename (p->dir, filename, NULL);
  p->binary = g_build_filename (p->dir, "program", NULL);
  g_file_set_contents (p->source, code, -1, &error);
  g_assert_no_error (error);

  if (language == LAB_CODE_C)
    compile_c (p, code, sanitize);
  else
    check_python (p, code);

  return p;
}

LabTestProgram *
lab_test_program_new (LabEndpointConfig *config,
                      LabCodeLanguage    language)
{
  return lab_test_program_new_checked (config, "test", language, FALSE);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  LabTestProgram *p = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  p->exited = TRUE;
}

/* Sets @name to @value in the environment the program starts with. */
void
lab_test_program_setenv (LabTestProgram *p,
                         const char     *name,
                         const char     *value)
{
  p->env = g_environ_setenv (p->env, name, value, TRUE);
}

void
lab_test_program_start (LabTestProgram *p)
{
  lab_test_program_start_traced (p, NULL);
}

/**
 * lab_test_program_set_host:
 *
 * Runs it on @host of the lab network, as a student would run it there:
 * its process in the host's network namespace.
 */
void
lab_test_program_set_host (LabTestProgram *p,
                           const char     *host)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (p->netns_fd, <, 0);
  p->netns_fd = lab_network_open_host (host, &error);
  g_assert_no_error (error);
}

/* In a process group of its own, to be ended with what it starts (strace
 * and its program), and ended with the test, whatever becomes of it; on
 * its lab host, if it has one. */
static void
in_own_group (gpointer data)
{
  LabTestProgram *p = data;

  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (p->netns_fd >= 0 && lab_network_enter (p->netns_fd) != 0)
    _exit (126);
}

/* With @trace, under strace, its sendto () calls written to @trace. Its
 * standard input is a pipe the test writes to, open until it ends. */
void
lab_test_program_start_traced (LabTestProgram *p,
                               const char     *trace)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  /* A sanitized program reports what it leaked, and its own exit status
   * stays its own. */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=1", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LSAN_OPTIONS");
  for (guint i = 0; p->env != NULL && p->env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (p->env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  g_subprocess_launcher_set_cwd (launcher, p->dir);
  g_subprocess_launcher_set_child_setup (launcher, in_own_group, p, NULL);

  if (trace != NULL && p->language == LAB_CODE_C)
    p->process = g_subprocess_launcher_spawn (launcher, &error, "strace", "-f", "-qq", "-e", "trace=sendto,write",
                                              "-o", trace, p->binary, NULL);
  else if (trace != NULL)
    p->process = g_subprocess_launcher_spawn (launcher, &error, "strace", "-f", "-qq", "-e", "trace=sendto,write",
                                              "-o", trace, "python3", p->source, NULL);
  else if (p->language == LAB_CODE_C)
    p->process = g_subprocess_launcher_spawn (launcher, &error, p->binary, NULL);
  else
    p->process = g_subprocess_launcher_spawn (launcher, &error, "python3", p->source, NULL);
  g_assert_no_error (error);

  g_subprocess_wait_async (p->process, NULL, on_exited, p);
}

/* Types @line on the program's keyboard. */
void
lab_test_program_type (LabTestProgram *p,
                       const char     *line)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (p->process);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (in, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
has_exited (gpointer data)
{
  return ((LabTestProgram *) data)->exited;
}

/* What the program printed, once it has ended; its keyboard closes only
 * now, so that a program that reads it has read nothing until it ended. */
static GBytes *
printed (LabTestProgram *p)
{
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate (p->process, nothing, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("the program printed: %.*s", (int) g_bytes_get_size (out),
                  (const char *) g_bytes_get_data (out, NULL));
  /* A program built with the sanitizers says nothing of its own: no leak
   * on any way out, no bad access, no undefined behaviour. */
  g_assert_null (g_strstr_len (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "Sanitizer"));
  g_assert_null (g_strstr_len (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "runtime error:"));

  return g_steal_pointer (&out);
}

/* Ends the program (if it still runs) and returns what it printed. */
GBytes *
lab_test_program_end (LabTestProgram *p)
{
  g_autoptr(GBytes) out = NULL;

  kill_program (p);
  lab_test_wait (has_exited, p, 10000);
  out = printed (p);
  g_clear_object (&p->process);

  return g_steal_pointer (&out);
}

/* Waits until the program ends by itself, and says how: its exit status,
 * or -1 for a signal (an abort). */
GBytes *
lab_test_program_wait_status (LabTestProgram *p,
                              int            *status)
{
  g_autoptr(GBytes) out = NULL;

  lab_test_wait (has_exited, p, 10000);
  *status = g_subprocess_get_if_exited (p->process) ? g_subprocess_get_exit_status (p->process) : -1;
  out = printed (p);
  g_clear_object (&p->process);

  return g_steal_pointer (&out);
}

/* Waits until the program ends by itself; it must end well. */
GBytes *
lab_test_program_wait (LabTestProgram *p)
{
  int status;
  GBytes *out = lab_test_program_wait_status (p, &status);

  g_assert_cmpint (status, ==, 0);
  return out;
}

typedef struct {
  guint16  port;
  gboolean udp;
  int      netns_fd;
} Bound;

static gboolean
is_bound_row (const char *const *fields,
              gpointer            data)
{
  Bound *b = data;
  g_autofree char *port = g_strdup_printf (":%04X", b->port);

  return g_str_has_suffix (fields[1], port) && (b->udp || g_str_equal (fields[3], "0A"));
}

/* Whether something is bound to @port (TCP: listening), as the kernel's
 * own tables say. */
static gboolean
is_bound (gpointer data)
{
  Bound *b = data;

  return lab_test_find_socket_row_in (b->netns_fd, b->udp, is_bound_row, b);
}

/* Until something is bound to @port (TCP: listening): for a program under
 * strace, whose sockets are its child's. */
void
lab_test_wait_port_bound (guint16  port,
                          gboolean udp)
{
  lab_test_wait_port_bound_on (NULL, port, udp);
}

/* The same on @host of the lab network (%NULL or "": this computer). */
void
lab_test_wait_port_bound_on (const char *host,
                             guint16     port,
                             gboolean    udp)
{
  Bound bound = { port, udp, -1 };

  if (host != NULL && host[0] != '\0')
    bound.netns_fd = lab_network_open_host (host, NULL);
  lab_test_wait (is_bound, &bound, 10000);
  if (bound.netns_fd >= 0)
    close (bound.netns_fd);
}

static gboolean
is_open_connection_row (const char *const *fields,
                        gpointer            data)
{
  Bound *b = data;
  g_autofree char *port = g_strdup_printf (":%04X", b->port);

  /* ESTABLISHED or CLOSE_WAIT: the program has not closed it yet */
  return g_str_has_suffix (fields[1], port) && (g_str_equal (fields[3], "01") || g_str_equal (fields[3], "08"));
}

static gboolean
has_no_open_connection (gpointer data)
{
  Bound *b = data;

  return !lab_test_find_socket_row_in (b->netns_fd, FALSE, is_open_connection_row, b);
}

/* Until the program listening on @port has closed every connection it
 * accepted there, as the kernel's tables say: a server whose threads close
 * them has then freed their descriptors for its next accept. */
void
lab_test_wait_port_connections_closed (guint16 port)
{
  Bound bound = { port, FALSE, -1 };

  lab_test_wait (has_no_open_connection, &bound, 10000);
}

/* A generated server on a loopback port the kernel chose, running and
 * bound. */
LabTestProgram *
lab_test_program_start_server (LabEndpointConfig *config,
                               LabCodeLanguage    language,
                               guint16           *port)
{
  LabTestProgram *p;

  g_object_set (config, "port", 0, NULL);
  p = lab_test_program_new (config, language);
  lab_test_program_start (p);
  *port = lab_test_wait_bound (p->process, !lab_endpoint_config_is_tcp (config));

  return p;
}
