/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "lab-endpoint-config.h"
#include "lab-experiment.h"
#include "lab-error.h"
#include "lab-format.h"
#include "lab-tcp.h"
#include "lab-test-engine.h"
#include "lab-test-program.h"

/* A program of the user's own, traced: its socket calls are those strace
 * records for the same program run alone, each Python call with the line
 * that made it, its TCP sockets' states the kernel's; threads and processes are followed; a program that
 * crashes or ends at once leaves nothing behind; step mode holds a call
 * before the kernel has it. */

#define SYSCALLS "socket,bind,listen,accept,accept4,connect,sendto,recvfrom,sendmsg,recvmsg,shutdown," \
                 "setsockopt,getsockopt,getsockname,getpeername,close,read,write"

typedef struct {
  char   *name;
  int     fd;
  gint64  result;
  char   *err;
  guint   thread;
} Sys;

static void
sys_clear (gpointer data)
{
  Sys *s = data;

  g_free (s->name);
  g_free (s->err);
}

static GArray *
sys_array_new (void)
{
  GArray *calls = g_array_new (FALSE, TRUE, sizeof (Sys));

  g_array_set_clear_func (calls, sys_clear);
  return calls;
}

static char *
course_path (const char *name)
{
  return lab_test_source_path ("tests", "course", name, NULL);
}

/* No child is left: every process the tracer made was reaped. */
static void
assert_no_child (void)
{
  int status;

  g_assert_cmpint (waitpid (-1, &status, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

/* ---- What the lab recorded ---- */

static LabEndpoint *
new_program (LabTestFixture     *f,
             const char * const *command)
{
  LabEndpoint *endpoint = lab_test_new_endpoint (f, LAB_ENDPOINT_PROGRAM, GINT_TO_POINTER (LAB_BACKEND_POSIX),
                                                 "program");

  g_object_set (lab_endpoint_get_config (endpoint), "command", command, NULL);
  return endpoint;
}

/* The program's calls, in the order they returned; the last ones, that
 * the end of the program interrupted (a server killed in accept ()), left
 * out, as strace cannot say how they ended either. */
static GArray *
recorded (LabTestFixture *f,
          LabEndpoint    *endpoint)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, endpoint, FALSE);
  GArray *out = sys_array_new ();

  for (guint i = 0; i < calls->len; i++)
    {
      LabEvent *e = calls->pdata[i];
      Sys s = { 0 };

      g_assert_cmpint (lab_event_get_backend (e), ==, LAB_BACKEND_TRACED);
      if (!lab_event_get_finished (e) || lab_event_get_errno (e) == EINTR)
        continue;
      s.name = g_strdup (lab_event_get_call_name (e));
      s.fd = lab_event_get_fd (e);
      s.result = lab_event_get_errno (e) != 0 ? -1 : lab_event_get_result (e);
      s.err = g_strdup (lab_event_get_errno_name (e));
      s.thread = lab_event_get_thread (e);
      g_array_append_val (out, s);
    }
  return out;
}

/* Each of a Python program's calls carries the line that made it, and
 * the line is the method of that call. */
static void
assert_lines (LabTestFixture *f,
              LabEndpoint    *endpoint)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, endpoint, FALSE);
  static const struct { LabOp op; const char *method; } methods[] = {
    { LAB_OP_BIND, ".bind(" }, { LAB_OP_LISTEN, ".listen(" }, { LAB_OP_ACCEPT, ".accept(" },
    { LAB_OP_SEND, ".send" }, { LAB_OP_RECV, ".recv" }, { LAB_OP_SENDTO, ".sendto(" },
    { LAB_OP_RECVFROM, ".recvfrom(" }, { LAB_OP_SETSOCKOPT, ".setsockopt(" },
  };
  guint checked = 0;

  for (guint i = 0; i < calls->len; i++)
    {
      LabEvent *e = calls->pdata[i];
      const char *line = lab_event_get_line (e);
      g_autofree char *args = lab_event_dup_args (e);

      if (strstr (args, "AF_UNIX") != NULL)
        continue;
      if (line == NULL)
        g_error ("%s (%s): no line", lab_event_get_call_name (e), args);
      g_assert_nonnull (strstr (line, ".py:"));
      /* os.read () and os.write () on a socket's descriptor */
      if (g_str_equal (lab_event_get_call_name (e), "read") || g_str_equal (lab_event_get_call_name (e), "write"))
        {
          g_autofree char *os_call = g_strdup_printf ("os.%s(", lab_event_get_call_name (e));

          if (strstr (line, os_call) == NULL)
            g_error ("%s (%s) made by “%s”, not a line with %s", lab_event_get_call_name (e), args, line, os_call);
          checked++;
          continue;
        }
      for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
        if (methods[m].op == lab_event_get_op (e))
          {
            if (strstr (line, methods[m].method) == NULL)
              g_error ("%s (%s) made by “%s”, not a line with %s", lab_event_get_call_name (e), args, line,
                       methods[m].method);
            checked++;
          }
      if (lab_event_get_op (e) == LAB_OP_SOCKET && strstr (line, "socket") == NULL)
        g_error ("socket () made by “%s”", line);
    }
  g_assert_cmpuint (checked, >, 0);
}

/* The kernel watcher recorded @state for one of the program's sockets;
 * if not, what it did record, and the program's calls. */
static void
assert_state (LabTestFixture *f,
              LabEndpoint    *endpoint,
              LabTcpState     state)
{
  if (lab_test_log_has_state (f->log, endpoint, state))
    return;
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *e = f->log->events->pdata[i];
      g_autofree char *text = lab_format_text (e, lab_event_get_finished (e));

      if (lab_event_get_endpoint_id (e) == lab_endpoint_get_id (endpoint))
        g_test_message ("%s", text);
    }
  g_error ("no state %s recorded", lab_tcp_state_to_string (state));
}

/* ---- What strace recorded ---- */

/* strace -f's lines: the calls on the program's sockets, in the order
 * they returned, each thread numbered as it first made one. */
static GArray *
straced (const char *trace)
{
  g_auto(GStrv) lines = g_strsplit (trace, "\n", -1);
  g_autoptr(GHashTable) sockets = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) threads = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) unfinished = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GRegex) call_re = g_regex_new ("^(\\d+) +(\\w+)\\((.*)$", 0, 0, NULL);
  g_autoptr(GRegex) resumed_re = g_regex_new ("^(\\d+) +<\\.\\.\\. (\\w+) resumed>(.*)$", 0, 0, NULL);
  g_autoptr(GRegex) result_re = g_regex_new ("\\) += (-?\\d+)(?: (E[A-Z0-9]+))?", 0, 0, NULL);
  GArray *out = sys_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* GLib gives a match its info even when it fails: one each */
      g_autoptr(GMatchInfo) resumed = NULL;
      g_autoptr(GMatchInfo) called = NULL;
      g_autoptr(GMatchInfo) r = NULL;
      GMatchInfo *m;
      g_autofree char *pid_text = NULL;
      g_autofree char *name = NULL;
      g_autofree char *args = NULL;
      g_autofree char *value = NULL;
      g_autofree char *err = NULL;
      int pid;
      Sys s = { 0 };

      if (g_regex_match (resumed_re, lines[i], 0, &resumed))
        {
          m = resumed;
          pid_text = g_match_info_fetch (m, 1);
          name = g_match_info_fetch (m, 2);
          pid = atoi (pid_text);
          args = g_strdup (g_hash_table_lookup (unfinished, GINT_TO_POINTER (pid)));
          g_hash_table_remove (unfinished, GINT_TO_POINTER (pid));
          if (args == NULL)
            continue;
          {
            g_autofree char *rest = g_match_info_fetch (m, 3);
            char *joined = g_strconcat (args, rest, NULL);

            g_free (args);
            args = joined;
          }
        }
      else if (g_regex_match (call_re, lines[i], 0, &called))
        {
          m = called;
          pid_text = g_match_info_fetch (m, 1);
          name = g_match_info_fetch (m, 2);
          args = g_match_info_fetch (m, 3);
          pid = atoi (pid_text);
          if (g_str_has_suffix (args, "<unfinished ...>"))
            {
              g_hash_table_insert (unfinished, GINT_TO_POINTER (pid), g_strdup (args));
              continue;
            }
        }
      else
        continue;

      /* A call the end of the program interrupted has no result. */
      if (!g_regex_match (result_re, args, 0, &r))
        continue;
      value = g_match_info_fetch (r, 1);
      err = g_match_info_fetch (r, 2);

      s.fd = atoi (args);
      s.result = g_ascii_strtoll (value, NULL, 10);
      if (g_str_equal (name, "socket") || g_str_equal (name, "accept") || g_str_equal (name, "accept4"))
        {
          if (s.result >= 0)
            g_hash_table_add (sockets, GINT_TO_POINTER ((int) s.result));
          if (g_str_equal (name, "socket"))
            s.fd = (int) s.result;
        }
      else if (!g_hash_table_contains (sockets, GINT_TO_POINTER (s.fd)))
        continue;
      if (g_str_equal (name, "close"))
        g_hash_table_remove (sockets, GINT_TO_POINTER (s.fd));
      if (g_str_equal (err, "EINTR"))
        continue;

      if (!g_hash_table_contains (threads, GINT_TO_POINTER (pid)))
        g_hash_table_insert (threads, GINT_TO_POINTER (pid), GUINT_TO_POINTER (g_hash_table_size (threads) + 1));
      s.thread = GPOINTER_TO_UINT (g_hash_table_lookup (threads, GINT_TO_POINTER (pid)));
      s.name = g_steal_pointer (&name);
      s.err = err[0] != '\0' ? g_steal_pointer (&err) : NULL;
      g_array_append_val (out, s);
    }
  return out;
}

/* ---- The comparison ---- */

static char *
describe_thread (GArray *calls,
                 guint   thread)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < calls->len; i++)
    {
      Sys *s = &g_array_index (calls, Sys, i);

      if (s->thread == thread)
        g_string_append_printf (out, "%s(%d)=%" G_GINT64_FORMAT "%s%s\n", s->name, s->fd, s->result,
                                s->err != NULL ? " " : "", s->err != NULL ? s->err : "");
    }
  return g_string_free (out, FALSE);
}

/* Threads numbered by when they first made a call, in each list */
static GArray *
renumber (GArray *calls)
{
  g_autoptr(GHashTable) numbers = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < calls->len; i++)
    {
      Sys *s = &g_array_index (calls, Sys, i);

      if (!g_hash_table_contains (numbers, GUINT_TO_POINTER (s->thread)))
        g_hash_table_insert (numbers, GUINT_TO_POINTER (s->thread), GUINT_TO_POINTER (g_hash_table_size (numbers) + 1));
      s->thread = GPOINTER_TO_UINT (g_hash_table_lookup (numbers, GUINT_TO_POINTER (s->thread)));
    }
  return calls;
}

static guint
count_threads (GArray *calls)
{
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    n = MAX (n, g_array_index (calls, Sys, i).thread);
  return n;
}

/* Thread by thread, the same calls in the same order, on the same
 * descriptors, with the same results and errors. */
static void
assert_same_calls (GArray *lab,
                   GArray *trace)
{
  renumber (lab);
  renumber (trace);
  g_assert_cmpuint (lab->len, >, 0);
  g_assert_cmpuint (count_threads (lab), ==, count_threads (trace));
  for (guint t = 1; t <= count_threads (lab); t++)
    {
      g_autofree char *a = describe_thread (lab, t);
      g_autofree char *b = describe_thread (trace, t);

      g_test_message ("thread %u, lab:\n%sstrace:\n%s", t, a, b);
      g_assert_cmpstr (a, ==, b);
    }
}

/* ---- The course's programs ---- */

typedef struct {
  const char *program;          /* traced: a course program, or "-c CODE" (run from a file) */
  const char *peer;             /* run alone beside it: a course program, or "-c CODE" */
  gboolean    server;           /* @program is the server */
  gboolean    udp;
  gboolean    ends;             /* the server ends by itself after its client */
  guint       peers;            /* how many times the peer runs (clients of a server) */
  guint       threads;          /* how many threads make calls, at least */
  const char *name;             /* the test's, for a program given as code */
} CourseCase;

static const CourseCase course_cases[] = {
  { "tcp_server_000.py", "tcp_client_000.py", TRUE, FALSE, FALSE, 1 },
  { "tcp_client_000.py", "tcp_server_000.py", FALSE, FALSE, FALSE, 1 },
  { "udp_server_000.py", "udp_client_000.py", TRUE, TRUE, FALSE, 1 },
  { "udp_client_000.py", "udp_server_000.py", FALSE, TRUE, FALSE, 1 },
  { "udp_echo_server_001.py", "udp_client_003.py", TRUE, TRUE, FALSE, 1 },
  { "udp_echo_server_003.py", "udp_client_003.py", TRUE, TRUE, FALSE, 1 },
  { "udp_client_003.py", "udp_echo_server_003.py", FALSE, TRUE, FALSE, 1 },
  { "tcp_echo_server_004.py", "tcp_client_004.py", TRUE, FALSE, TRUE, 1 },
  { "tcp_client_004.py", "tcp_echo_server_004.py", FALSE, FALSE, FALSE, 1 },
  { "tcp_upper_server_003.py",
    "-c import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.sendall(b'hola\\n')\n"
    "print(s.recv(100))\ns.close()", TRUE, FALSE, FALSE, 2, 3 },
  { "tcp_threaded_echo_server_004.py",
    "-c import socket,sys,time\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.sendall(b'hola')\n"
    "print(s.recv(100))\ns.sendall(b'bye')\ntime.sleep(0.2)\ns.close()", TRUE, FALSE, FALSE, 2, 3 },
  /* A server that reads and writes its socket's descriptor, as C does */
  { "-c import os,socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1',int(sys.argv[1])))\ns.listen(1)\n"
    "c,a=s.accept()\nf=os.open(sys.executable,os.O_RDONLY)\nos.read(f,16)\nos.close(f)\n"
    "data=os.read(c.fileno(),100)\nos.write(c.fileno(),data.upper())\nc.close()\ns.close()",
    "-c import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\ns.sendall(b'hola')\n"
    "print(s.recv(100))\ns.close()", TRUE, FALSE, TRUE, 1, 1, "os_read_write_server" },
};

/* The command that runs a case's program, or its peer: a course
 * program, a file's, or "-c CODE" */
static GStrv
course_command (const char *program,
                guint16     port)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *path = g_path_is_absolute (program) ? g_strdup (program) : course_path (program);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  g_strv_builder_add (argv, "python3");
  if (g_str_has_prefix (program, "-c "))
    g_strv_builder_add_many (argv, "-c", program + 3, NULL);
  else
    g_strv_builder_add (argv, path);
  g_strv_builder_add (argv, port_text);
  return g_strv_builder_end (argv);
}

static GSubprocess *
spawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                      &error);

  g_assert_no_error (error);
  return p;
}

static GSubprocess *
spawn_peer (const CourseCase *c,
            guint16           port)
{
  g_auto(GStrv) argv = course_command (c->peer, port);

  return spawn ((const char * const *) argv);
}

/* SIGTERM to the program strace runs: its child, by its number */
static void
end_children (GSubprocess *p)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/task/%s/children", g_subprocess_get_identifier (p),
                                           g_subprocess_get_identifier (p));
  g_autofree char *children = NULL;
  g_auto(GStrv) pids = NULL;

  g_assert_true (g_file_get_contents (path, &children, NULL, NULL));
  pids = g_strsplit (g_strstrip (children), " ", -1);
  g_assert_cmpuint (g_strv_length (pids), >=, 1);
  for (guint i = 0; pids[i] != NULL; i++)
    if (pids[i][0] != '\0')
      kill ((pid_t) atoi (pids[i]), SIGTERM);
}

static void
wait_process (GSubprocess *p)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait (p, NULL, &error));
  g_assert_no_error (error);
}

/* Runs the case's peers once @program listens on @port, then waits for
 * each; a client's peer is the server, started first. */
static void
run_peers (const CourseCase *c,
           guint16           port)
{
  for (guint i = 0; i < c->peers; i++)
    {
      g_autoptr(GSubprocess) peer = spawn_peer (c, port);

      wait_process (peer);
      /* A thread per client closes its connection when it likes: the next
       * accept gets the same descriptor only once it has. */
      if (!c->udp && i + 1 < c->peers)
        lab_test_wait_port_connections_closed (port);
    }
}

static void
test_course (LabTestFixture *f,
             gconstpointer   data)
{
  const CourseCase *c = data;
  g_autofree char *dir = NULL;
  g_autofree char *program = NULL;
  g_autofree char *trace_file = NULL;
  g_autofree char *trace = NULL;
  g_autoptr(GArray) lab = NULL;
  g_autoptr(GArray) strace_calls = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  if (!lab_test_have ("strace") || !lab_test_have ("python3"))
    {
      g_test_skip ("strace and python3 are needed");
      return;
    }
  /* A program given as code is run from a file, so that its lines have
   * their text. */
  if (g_str_has_prefix (c->program, "-c "))
    {
      dir = g_dir_make_tmp ("protolab-trace-XXXXXX", &error);
      g_assert_no_error (error);
      program = g_strdup_printf ("%s/%s.py", dir, c->name);
      g_assert_true (g_file_set_contents (program, c->program + 3, -1, &error));
      g_assert_no_error (error);
    }
  else
    program = g_strdup (c->program);

  /* In the lab */
  {
    guint16 port = lab_test_free_port (c->udp ? SOCK_DGRAM : SOCK_STREAM);
    g_auto(GStrv) command = course_command (program, port);
    g_autoptr(GSubprocess) server = NULL;
    g_autoptr(LabEndpoint) endpoint = NULL;

    if (!c->server)
      {
        server = spawn_peer (c, port);
        lab_test_wait_port_bound (port, c->udp);
      }
    endpoint = new_program (f, (const char * const *) command);
    lab_test_start (endpoint);
    if (c->server)
      {
        lab_test_wait_port_bound (port, c->udp);
        run_peers (c, port);
        if (!c->ends)
          {
            /* The last call is in: the one it waits in (accept, recvfrom) */
            lab_test_run_for (200);
            lab_endpoint_stop (endpoint);
          }
      }
    lab_test_wait_stopped (endpoint);
    if (server != NULL)
      {
        g_subprocess_send_signal (server, SIGTERM);
        wait_process (server);
      }
    lab = recorded (f, endpoint);
    assert_lines (f, endpoint);
    /* The kernel's state of its TCP sockets, by the lab's watcher */
    if (!c->udp)
      {
        assert_state (f, endpoint, LAB_TCP_ESTABLISHED);
        if (c->server)
          assert_state (f, endpoint, LAB_TCP_LISTEN);
      }
  }
  assert_no_child ();

  /* Alone, under strace */
  fd = g_file_open_tmp ("protolab-trace-XXXXXX", &trace_file, &error);
  g_assert_no_error (error);
  close (fd);
  {
    guint16 port = lab_test_free_port (c->udp ? SOCK_DGRAM : SOCK_STREAM);
    g_auto(GStrv) command = course_command (program, port);
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    const char *strace_argv[] = { "strace", "-f", "-qq", "-e", "trace=" SYSCALLS, "-o", trace_file };
    g_autoptr(GSubprocess) server = NULL;
    g_autoptr(GSubprocess) traced = NULL;

    if (!c->server)
      {
        server = spawn_peer (c, port);
        lab_test_wait_port_bound (port, c->udp);
      }
    for (guint i = 0; i < G_N_ELEMENTS (strace_argv); i++)
      g_ptr_array_add (argv, (gpointer) strace_argv[i]);
    for (guint i = 0; command[i] != NULL; i++)
      g_ptr_array_add (argv, command[i]);
    g_ptr_array_add (argv, NULL);
    traced = spawn ((const char * const *) argv->pdata);
    if (c->server)
      {
        lab_test_wait_port_bound (port, c->udp);
        run_peers (c, port);
        if (!c->ends)
          {
            lab_test_run_for (200);
            end_children (traced);
          }
      }
    wait_process (traced);
    if (server != NULL)
      {
        g_subprocess_send_signal (server, SIGTERM);
        wait_process (server);
      }
  }
  g_assert_true (g_file_get_contents (trace_file, &trace, NULL, &error));
  g_assert_no_error (error);
  g_unlink (trace_file);
  strace_calls = straced (trace);
  if (dir != NULL)
    {
      g_unlink (program);
      g_rmdir (dir);
    }

  assert_same_calls (lab, strace_calls);
  g_assert_cmpuint (count_threads (lab), >=, MAX (c->threads, 1));
}

/* ---- Threads, processes, crashes ---- */

static LabEndpoint *
run_python (LabTestFixture *f,
            const char     *code)
{
  LabEndpoint *endpoint = new_program (f, (const char *[]) { "python3", "-c", code, NULL });

  lab_test_start (endpoint);
  lab_test_wait_stopped (endpoint);
  return endpoint;
}

static gboolean
has_note_text (LabTestFixture *f,
               LabEndpoint    *endpoint,
               LabNote         note,
               const char     *text)
{
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *e = f->log->events->pdata[i];

      if (lab_event_get_kind (e) == LAB_EVENT_NOTE && lab_event_get_note (e) == note &&
          lab_event_get_endpoint_id (e) == lab_endpoint_get_id (endpoint) &&
          strstr (lab_event_get_note_arg (e), text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A process the program forks shares its sockets: the child's calls are
 * recorded, on the same connection, and both ends are told. */
static void
test_fork (LabTestFixture *f,
           gconstpointer   data)
{
  g_autoptr(LabEndpoint) endpoint = run_python (f,
    "import os, socket\n"
    "a, b = socket.socketpair()\n"
    "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "u.bind(('127.0.0.1', 0))\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    u.sendto(b'child', u.getsockname())\n"
    "    os._exit(3)\n"
    "os.waitpid(pid, 0)\n"
    "print(u.recvfrom(100))\n"
    "u.close()\n");
  g_autoptr(GPtrArray) calls = lab_test_log_calls (f->log, endpoint, FALSE);
  int status = -1;

  g_assert_true (lab_test_log_has_note (f->log, endpoint, LAB_NOTE_PROGRAM_FORKED));
  g_assert_true (has_note_text (f, endpoint, LAB_NOTE_PROGRAM_EXITED, "exit 3"));
  g_assert_true (has_note_text (f, endpoint, LAB_NOTE_PROGRAM_EXITED, "exit 0 program"));
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_SENDTO), ==, 1);
  g_assert_cmpuint (lab_test_log_count_data (f->log, endpoint, LAB_DIRECTION_IN), ==, 1);
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  assert_no_child ();
}

static void
test_crash (LabTestFixture *f,
            gconstpointer   data)
{
  g_autoptr(LabEndpoint) endpoint = run_python (f,
    "import os, signal, socket\n"
    "s = socket.socket()\n"
    "os.kill(os.getpid(), signal.SIGSEGV)\n");
  int status = -1;

  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_SOCKET), ==, 1);
  g_assert_true (has_note_text (f, endpoint, LAB_NOTE_PROGRAM_EXITED, "signal 11 program"));
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGSEGV);
  assert_no_child ();
}

static void
test_exit_at_once (LabTestFixture *f,
                   gconstpointer   data)
{
  g_autoptr(LabEndpoint) endpoint = new_program (f, (const char *[]) { "true", NULL });
  g_autoptr(GPtrArray) calls = NULL;
  int status = -1;

  lab_test_start (endpoint);
  lab_test_wait_stopped (endpoint);
  calls = lab_test_log_calls (f->log, endpoint, FALSE);
  g_assert_cmpuint (calls->len, ==, 0);
  g_assert_true (lab_endpoint_get_program_status (endpoint, &status));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (lab_endpoint_get_state (endpoint), ==, LAB_ENDPOINT_STATE_STOPPED);
  assert_no_child ();
}

/* A program that cannot be run says why, and runs nothing. */
static void
test_not_found (LabTestFixture *f,
                gconstpointer   data)
{
  g_autoptr(LabEndpoint) missing = new_program (f, (const char *[]) { "protolab-no-such-program", NULL });
  g_autoptr(LabEndpoint) not_executable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = course_path ("README.md");

  g_assert_false (lab_endpoint_start (missing, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "protolab-no-such-program"));

  not_executable = new_program (f, (const char *[]) { path, NULL });
  lab_test_start (not_executable);
  lab_test_wait_stopped (not_executable);
  g_assert_cmpint (lab_endpoint_get_state (not_executable), ==, LAB_ENDPOINT_STATE_FAILED);
  g_assert_cmpstr (lab_endpoint_get_error (not_executable), ==, "execve: EACCES");
  assert_no_child ();
}

/* Stopped, a program that will not end by SIGTERM is killed, and reaped. */
static void
test_stop_kills (LabTestFixture *f,
                 gconstpointer   data)
{
  g_autoptr(LabEndpoint) endpoint = new_program (f, (const char *[]) {
    "python3", "-c",
    "import signal, socket, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen(1)\n"
    "while True:\n"
    "    time.sleep(1)\n", NULL });

  lab_test_start (endpoint);
  lab_test_log_wait_calls (f->log, endpoint, LAB_OP_LISTEN, 1);
  lab_endpoint_stop (endpoint);
  lab_test_wait_stopped (endpoint);
  g_assert_true (has_note_text (f, endpoint, LAB_NOTE_PROGRAM_EXITED, "signal 9 program"));
  assert_no_child ();
}

static gboolean
port_is_free (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean free;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  free = bind (fd, (struct sockaddr *) &sin, sizeof sin) == 0;
  close (fd);
  return free;
}

static gboolean
held_op_is (gpointer data)
{
  gpointer *d = data;
  GListModel *held = lab_endpoint_get_paused (d[0]);
  g_autoptr(LabEvent) first = g_list_model_get_n_items (held) > 0 ? g_list_model_get_item (held, 0) : NULL;

  return first != NULL && lab_event_get_op (first) == GPOINTER_TO_INT (d[1]);
}

/* In step mode the program waits before the kernel has its call: before
 * bind () is stepped the port is free, after it is taken. */
static void
test_step_bind (LabTestFixture *f,
                gconstpointer   data)
{
  guint16 port = lab_test_free_port (SOCK_STREAM);
  g_autofree char *code = g_strdup_printf ("import socket\n"
                                           "s = socket.socket()\n"
                                           "s.bind(('127.0.0.1', %u))\n"
                                           "s.listen(1)\n"
                                           "s.close()\n", port);
  g_autoptr(LabEndpoint) endpoint = new_program (f, (const char *[]) { "python3", "-c", code, NULL });
  gpointer wait_socket[] = { endpoint, GINT_TO_POINTER (LAB_OP_SOCKET) };
  gpointer wait_bind[] = { endpoint, GINT_TO_POINTER (LAB_OP_BIND) };
  gpointer wait_listen[] = { endpoint, GINT_TO_POINTER (LAB_OP_LISTEN) };
  LabEvent *bind_call;

  lab_endpoint_set_step_mode (endpoint, TRUE);
  lab_test_start (endpoint);
  /* socket () first */
  lab_test_wait (held_op_is, wait_socket, 10000);
  g_assert_true (lab_endpoint_step (endpoint));
  lab_test_wait (held_op_is, wait_bind, 10000);
  g_assert_true (port_is_free (port));
  g_assert_true (lab_endpoint_step (endpoint));
  lab_test_wait (held_op_is, wait_listen, 10000);
  g_assert_false (port_is_free (port));
  bind_call = lab_test_log_find_call (f->log, endpoint, LAB_OP_BIND);
  g_assert_nonnull (bind_call);
  /* python3 -c: a file with no text to show */
  g_assert_cmpstr (lab_event_get_line (bind_call), ==, "<string>:3");
  lab_endpoint_set_step_mode (endpoint, FALSE);
  lab_endpoint_continue (endpoint);
  lab_test_wait_stopped (endpoint);
  assert_no_child ();
}

static gboolean
two_recvs_held (gpointer data)
{
  GListModel *held = lab_endpoint_get_paused (data);
  guint recvs = 0;

  for (guint i = 0; i < g_list_model_get_n_items (held); i++)
    {
      g_autoptr(LabEvent) call = g_list_model_get_item (held, i);

      recvs += lab_event_get_op (call) == LAB_OP_RECV;
    }
  return recvs == 2;
}

static GSocketConnection *
connect_and_say (guint16     port,
                 const char *text)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), text,
                                            strlen (text), NULL, NULL, &error));
  g_assert_no_error (error);
  return connection;
}

static void
assert_echo (GSocketConnection *connection,
             const char        *text)
{
  g_autoptr(GError) error = NULL;
  char echo[16] = { 0 };
  gsize got = 0;

  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), echo,
                                          strlen (text), &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (echo, ==, text);
}

/* A call held stops only the thread that makes it: with a breakpoint at
 * recv (), a threaded server's first client's thread waits there while
 * its main thread accepts the second client, whose thread is held at its
 * own recv () too; both go on when continued. */
static void
test_step_threads (LabTestFixture *f,
                   gconstpointer   data)
{
  guint16 port = lab_test_free_port (SOCK_STREAM);
  g_autofree char *code = g_strdup_printf ("import socket, threading\n"
                                           "s = socket.socket()\n"
                                           "s.bind(('127.0.0.1', %u))\n"
                                           "s.listen(5)\n"
                                           "def serve(c):\n"
                                           "    c.sendall(c.recv(100))\n"
                                           "    c.close()\n"
                                           "threads = []\n"
                                           "for i in range(2):\n"
                                           "    c, a = s.accept()\n"
                                           "    threads.append(threading.Thread(target=serve, args=(c,)))\n"
                                           "    threads[-1].start()\n"
                                           "for t in threads:\n"
                                           "    t.join()\n"
                                           "s.close()\n", port);
  g_autoptr(LabEndpoint) endpoint = new_program (f, (const char *[]) { "python3", "-c", code, NULL });
  g_autoptr(GSocketConnection) first = NULL;
  g_autoptr(GSocketConnection) second = NULL;

  lab_endpoint_set_breakpoint (endpoint, LAB_OP_RECV, TRUE);
  lab_test_start (endpoint);
  lab_test_wait_port_bound (port, FALSE);
  first = connect_and_say (port, "uno");
  second = connect_and_say (port, "dos");

  lab_test_wait (two_recvs_held, endpoint, 10000);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_ACCEPT), >=, 2);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_RECV), ==, 0);

  lab_endpoint_set_breakpoint (endpoint, LAB_OP_RECV, FALSE);
  lab_endpoint_continue (endpoint);
  assert_echo (first, "uno");
  assert_echo (second, "dos");
  lab_test_wait_stopped (endpoint);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_RECV), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_paused (endpoint)), ==, 0);
  assert_no_child ();
}

/* Stopped while a call is held, the program ends and nothing stays held. */
static void
test_stop_held (LabTestFixture *f,
                gconstpointer   data)
{
  g_autoptr(LabEndpoint) endpoint = new_program (f, (const char *[]) {
    "python3", "-c",
    "import socket\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen(1)\n", NULL });
  gpointer wait_listen[] = { endpoint, GINT_TO_POINTER (LAB_OP_LISTEN) };

  lab_endpoint_set_breakpoint (endpoint, LAB_OP_LISTEN, TRUE);
  lab_test_start (endpoint);
  lab_test_wait (held_op_is, wait_listen, 10000);
  lab_endpoint_stop (endpoint);
  lab_test_wait_stopped (endpoint);
  g_assert_cmpuint (g_list_model_get_n_items (lab_endpoint_get_paused (endpoint)), ==, 0);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_LISTEN), ==, 0);
  g_assert_true (has_note_text (f, endpoint, LAB_NOTE_PROGRAM_EXITED, "program"));
  assert_no_child ();
}

/* A C program the lab wrote, built and traced: its calls are the BSD
 * calls its source makes, one for one. */
static void
test_c_program (LabTestFixture *f,
                gconstpointer   data)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  g_autoptr(LabTestProgram) program = NULL;
  g_autoptr(LabEndpoint) endpoint = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = lab_test_free_port (SOCK_STREAM);
  char echo[5] = { 0 };
  gsize got = 0;

  if (!lab_test_have_compilers ())
    {
      g_test_skip ("gcc is needed");
      return;
    }
  g_object_set (config, "port", (guint) port, "behaviour", LAB_BEHAVIOUR_ECHO, "concurrency",
                LAB_CONCURRENCY_ITERATIVE, NULL);
  program = lab_test_program_new (config, LAB_CODE_C);
  endpoint = new_program (f, (const char *[]) { program->binary, NULL });
  lab_test_start (endpoint);
  lab_test_wait_port_bound (port, FALSE);

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), "hola", 4,
                                            NULL, NULL, &error));
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), echo, 4, &got,
                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (echo, ==, "hola");
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  lab_test_log_wait_data (f->log, endpoint, LAB_DIRECTION_OUT, 4);

  lab_endpoint_stop (endpoint);
  lab_test_wait_stopped (endpoint);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_BIND), ==, 1);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_LISTEN), ==, 1);
  g_assert_cmpuint (lab_test_log_count_calls (f->log, endpoint, LAB_OP_ACCEPT), >=, 1);
  g_assert_nonnull (lab_test_log_find_args (f->log, endpoint, LAB_OP_BIND, "('127.0.0.1',"));
  /* Built without -g: no line to show */
  g_assert_null (lab_event_get_line (lab_test_log_find_call (f->log, endpoint, LAB_OP_BIND)));
  assert_no_child ();
}

/* A C program built with -g: each call's line, from its DWARF line table
 * (the thread unwound from libc's wrapper to the program's own frame). */
static void
test_c_lines (LabTestFixture *f,
              gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-trace-c-XXXXXX", &error);
  g_autofree char *source = g_build_filename (dir, "cliente.c", NULL);
  g_autofree char *binary = g_build_filename (dir, "cliente", NULL);
  g_autoptr(LabEndpoint) endpoint = NULL;
  int status = -1;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  LabEvent *call;

  if (!lab_test_have_compilers ())
    {
      g_test_skip ("gcc is needed");
      return;
    }
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (source,
                                      "#include <arpa/inet.h>\n"
                                      "#include <sys/socket.h>\n"
                                      "#include <unistd.h>\n"
                                      "int\n"
                                      "main (void)\n"
                                      "{\n"
                                      "  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (9) };\n"
                                      "  int fd = socket (AF_INET, SOCK_DGRAM, 0);\n"
                                      "  inet_pton (AF_INET, \"127.0.0.1\", &to.sin_addr);\n"
                                      "  sendto (fd, \"hola\", 4, 0, (struct sockaddr *) &to, sizeof to);\n"
                                      "  close (fd);\n"
                                      "  return 0;\n"
                                      "}\n", -1, &error));
  lab_test_run ((const char *[]) { "gcc", "-g", "-O0", "-o", binary, source, NULL }, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);

  endpoint = new_program (f, (const char *[]) { binary, NULL });
  g_object_set (lab_endpoint_get_config (endpoint), "working-directory", dir, NULL);
  lab_test_start (endpoint);
  lab_test_wait_stopped (endpoint);
  call = lab_test_log_find_call (f->log, endpoint, LAB_OP_SOCKET);
  g_assert_cmpstr (lab_event_get_line (call), ==, "cliente.c:8: int fd = socket (AF_INET, SOCK_DGRAM, 0);");
  call = lab_test_log_find_call (f->log, endpoint, LAB_OP_SENDTO);
  g_assert_cmpstr (lab_event_get_line (call), ==,
                   "cliente.c:10: sendto (fd, \"hola\", 4, 0, (struct sockaddr *) &to, sizeof to);");
  call = lab_test_log_find_call (f->log, endpoint, LAB_OP_CLOSE);
  g_assert_cmpstr (lab_event_get_line (call), ==, "cliente.c:11: close (fd);");
  assert_no_child ();

  g_unlink (binary);
  g_unlink (source);
  g_rmdir (dir);
}

/* A file may name a program to trace; reading it runs nothing, and Play
 * never starts it: its panel shows the command, and the user starts it.
 * Written again, it reads the same. */
static void
test_file (void)
{
  const char *text = "[Experiment]\nVersion=1\nTitle=Mine\n\n"
                     "[Endpoint 1]\nName=My server\nKind=program\ncommand=python3;mi_servidor.py;5000;\n"
                     "environment=LANG=es_ES.UTF-8;\nAutostart=true\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = lab_experiment_new_from_data (text, strlen (text), &error);
  g_autoptr(LabExperiment) again = NULL;
  g_autofree char *written = NULL;
  g_auto(GStrv) command = NULL;
  g_auto(GStrv) environment = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (lab_experiment_get_n_endpoints (experiment), ==, 1);
  g_assert_false (lab_experiment_get_autostart (experiment, 0));
  g_object_get (lab_experiment_get_config (experiment, 0), "command", &command, "environment", &environment, NULL);
  g_assert_true (g_strv_equal ((const char * const *) command,
                               (const char * const *) (const char *[]) { "python3", "mi_servidor.py", "5000", NULL }));
  g_assert_cmpstr (environment[0], ==, "LANG=es_ES.UTF-8");

  written = lab_experiment_to_data (experiment, NULL);
  again = lab_experiment_new_from_data (written, strlen (written), &error);
  g_assert_no_error (error);
  g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (experiment, 0),
                                            lab_experiment_get_config (again, 0)));
}

/* protolab-cli trace exits as the program did, its calls in JSON Lines
 * with their backend and line. */
static void
test_cli (void)
{
  const char *cli = g_getenv ("PROTOLAB_CLI");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_assert_nonnull (cli);
  lab_test_run ((const char *[]) { cli, "trace", "--format", "jsonl", "--", "python3", "-c",
                                   "import socket, sys\ns = socket.socket()\ns.close()\nsys.exit(3)", NULL },
                NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (out, "\"backend\":\"traced\""));
  g_assert_nonnull (strstr (out, "\"line\":\"<string>:2\""));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  lab_test_run ((const char *[]) { cli, "trace", NULL }, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);
  /* GLib watches a subprocess from a thread of its own, with its own
   * descriptor, made once: before any test counts descriptors. */
  {
    g_autoptr(GSubprocess) first = spawn ((const char *[]) { "true", NULL });

    wait_process (first);
  }

  for (guint i = 0; i < G_N_ELEMENTS (course_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/trace/course/%s", course_cases[i].name != NULL ? course_cases[i].name
                                                                                         : course_cases[i].program);

      g_test_add (path, LabTestFixture, &course_cases[i], lab_test_fixture_set_up, test_course,
                  lab_test_fixture_tear_down);
    }
  g_test_add ("/trace/fork", LabTestFixture, NULL, lab_test_fixture_set_up, test_fork, lab_test_fixture_tear_down);
  g_test_add ("/trace/crash", LabTestFixture, NULL, lab_test_fixture_set_up, test_crash, lab_test_fixture_tear_down);
  g_test_add ("/trace/exit-at-once", LabTestFixture, NULL, lab_test_fixture_set_up, test_exit_at_once,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/not-found", LabTestFixture, NULL, lab_test_fixture_set_up, test_not_found,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/stop-kills", LabTestFixture, NULL, lab_test_fixture_set_up, test_stop_kills,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/step-threads", LabTestFixture, NULL, lab_test_fixture_set_up, test_step_threads,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/stop-held", LabTestFixture, NULL, lab_test_fixture_set_up, test_stop_held,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/step-bind", LabTestFixture, NULL, lab_test_fixture_set_up, test_step_bind,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/c-program", LabTestFixture, NULL, lab_test_fixture_set_up, test_c_program,
              lab_test_fixture_tear_down);
  g_test_add ("/trace/c-lines", LabTestFixture, NULL, lab_test_fixture_set_up, test_c_lines,
              lab_test_fixture_tear_down);
  g_test_add_func ("/trace/cli", test_cli);
  g_test_add_func ("/trace/file", test_file);

  return g_test_run ();
}
