/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-tracer.h"

/* How it works. The child, before it runs the program, asks to be traced
 * (PTRACE_TRACEME), stops itself, and once its parent thread has set the
 * options, installs a seccomp filter and execs the program. The filter
 * returns SECCOMP_RET_TRACE for the system calls of sockets, so the
 * thread stops there (PTRACE_EVENT_SECCOMP) with the call not yet made;
 * the tracer reads it (PTRACE_GET_SYSCALL_INFO), and either lets it run to
 * its exit stop (PTRACE_SYSCALL) or on (PTRACE_CONT). Every other system
 * call never stops. The filter is inherited by every thread and process
 * the program makes, and so is the tracing (PTRACE_O_TRACECLONE, …FORK,
 * …VFORK). waitpid () with __WNOTHREAD sees only this thread's own
 * children and tracees: several programs can be traced at once, each by
 * its own thread. */

#if !defined(__x86_64__)
#error "The tracer reads system calls by their x86-64 numbers"
#endif

/* The system calls that stop: the calls of sockets, and close (), read ()
 * and write () (the tracer then sees whether the descriptor is a
 * socket's; read () and write () stop only past the standard three). */
static const int traced_calls[] = {
  __NR_socket, __NR_socketpair, __NR_bind, __NR_listen, __NR_accept, __NR_accept4, __NR_connect,
  __NR_sendto, __NR_recvfrom, __NR_sendmsg, __NR_recvmsg, __NR_shutdown, __NR_setsockopt,
  __NR_getsockopt, __NR_getsockname, __NR_getpeername, __NR_close,
};

typedef struct {
  pid_t    tid;
  pid_t    pid;
  gboolean seen_stop;           /* its first stop, after it was made, came */
  gboolean in_call;             /* stopped at the exit of a call it follows */
  gboolean held;                /* stopped before a call, until it is let go */
  LabSyscall call;
} Tracee;

struct _LabTracer
{
  const LabTracerHooks *hooks;
  gpointer              data;
  pid_t                 pid;            /* the program's first process */
  int                   status;         /* its wait status */
  gboolean              ended;
  int                   line_fd;
  int                   spawn_errno;    /* why the last spawn failed */
  GHashTable           *tracees;        /* tid → Tracee */
  guint                 n_held;         /* how many are held */
  /* Ending it: when SIGTERM was sent, and whether SIGKILL was */
  gint64                term_at;
  gboolean              killed;
  struct sock_filter   *filter;
  guint                 filter_len;
};

static void
build_filter (LabTracer *self)
{
  GArray *f = g_array_new (FALSE, FALSE, sizeof (struct sock_filter));
  guint n = G_N_ELEMENTS (traced_calls);

#define ADD(...) G_STMT_START { struct sock_filter _i = __VA_ARGS__; g_array_append_val (f, _i); } G_STMT_END

  /* Another architecture's calls (a 32-bit program) are let through, as
   * x32's are: their numbers are not these. */
  ADD (BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)));
  ADD (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  ADD (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  ADD (BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)));
  /* Each traced number jumps to the TRACE at the end */
  for (guint i = 0; i < n; i++)
    ADD (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, traced_calls[i], (guint8) (n - i + 4), 0));
  /* read () and write () stop on a descriptor past stderr's only: a
   * socket's, a file's, or the lines' */
  ADD (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_read, 1, 0));
  ADD (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 2));
  ADD (BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0])));
  ADD (BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 3, 1, 0));
  ADD (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  ADD (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE));
#undef ADD

  self->filter_len = f->len;
  self->filter = (struct sock_filter *) g_array_free (f, FALSE);
}

LabTracer *
lab_tracer_new (const LabTracerHooks *hooks,
                gpointer              data)
{
  LabTracer *self = g_new0 (LabTracer, 1);
  struct rlimit limit;

  self->hooks = hooks;
  self->data = data;
  self->pid = -1;
  self->tracees = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  /* A descriptor high enough that a program does not take it first */
  self->line_fd = 1000;
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur <= (rlim_t) self->line_fd)
    self->line_fd = (int) limit.rlim_cur - 1;
  build_filter (self);
  return self;
}

static void
kill_all (LabTracer *self,
          int        signum)
{
  GHashTableIter iter;
  Tracee *t;

  g_hash_table_iter_init (&iter, self->tracees);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (t->tid == t->pid)
      kill (t->pid, signum);
}

/* Never leaves a process behind: a tracer freed while its program runs
 * kills it and reaps what it can. */
void
lab_tracer_free (LabTracer *self)
{
  if (self == NULL)
    return;

  if (g_hash_table_size (self->tracees) > 0)
    {
      int status;

      kill_all (self, SIGKILL);
      while (waitpid (-1, &status, __WALL | __WNOTHREAD) > 0 || errno == EINTR)
        ;
    }
  g_hash_table_unref (self->tracees);
  g_free (self->filter);
  g_free (self);
}

pid_t
lab_tracer_get_pid (LabTracer *self)
{
  return self->pid;
}

int
lab_tracer_get_spawn_errno (LabTracer *self)
{
  return self->spawn_errno;
}

int
lab_tracer_get_line_fd (LabTracer *self)
{
  return self->line_fd;
}

/**
 * lab_tracer_is_supported:
 *
 * Returns: whether this kernel lets a process trace its child's system
 *   calls as the tracer does (PTRACE_GET_SYSCALL_INFO is Linux 5.3's)
 */
gboolean
lab_tracer_is_supported (GError **error)
{
#ifndef PTRACE_GET_SYSCALL_INFO
  g_set_error_literal (error, LAB_ERROR, LAB_ERROR_FAILED,
                       _("This system's headers have no PTRACE_GET_SYSCALL_INFO (Linux 5.3)."));
  return FALSE;
#else
  (void) error;
  return TRUE;
#endif
}

/* In the child, between fork () and exec (): only calls that are safe
 * there. @err_fd tells the parent why the program did not start. */
G_GNUC_NORETURN static void
child_main (LabTracer          *self,
            const char * const *argv,
            const char         *cwd,
            const char * const *envp,
            int                 terminal_fd,
            int                 null_fd,
            int                 err_fd)
{
  struct sock_fprog prog = { .len = (unsigned short) self->filter_len, .filter = self->filter };
  sigset_t all;
  int err;

  /* GLib's threads block every signal; the program starts with none
   * blocked and SIGPIPE as the kernel has it. */
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
  signal (SIGPIPE, SIG_DFL);

  if (terminal_fd >= 0)
    {
      /* A terminal of its own: its session, its controlling terminal */
      setsid ();
      ioctl (terminal_fd, TIOCSCTTY, 0);
      dup2 (terminal_fd, 0);
      dup2 (terminal_fd, 1);
      dup2 (terminal_fd, 2);
      if (terminal_fd > 2)
        close (terminal_fd);
    }
  /* The program has no descriptor of the lab's: only its terminal, and
   * the lines' descriptor. */
  if (syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    goto fail;
  if (dup2 (null_fd, self->line_fd) < 0)
    goto fail;
  if (null_fd != self->line_fd)
    close (null_fd);
  if (cwd != NULL && cwd[0] != '\0' && chdir (cwd) != 0)
    goto fail;

  if (ptrace (PTRACE_TRACEME, 0, NULL, NULL) != 0)
    goto fail;
  kill (getpid (), SIGSTOP);

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    goto fail;

  execvpe (argv[0], (char * const *) argv, (char * const *) envp);

fail:
  err = errno;
  (void) !write (err_fd, &err, sizeof err);
  _exit (127);
}

/**
 * lab_tracer_spawn:
 * @argv: the program and its arguments; the program is looked for in PATH
 * @envp: its whole environment
 * @terminal_fd: a terminal's descriptor for its input and output, or -1
 *   for this process's own
 *
 * Starts the program, traced, stopped before it runs: lab_tracer_run()
 * runs it. Call both from the same thread.
 */
gboolean
lab_tracer_spawn (LabTracer          *self,
                  const char * const *argv,
                  const char         *cwd,
                  const char * const *envp,
                  int                 terminal_fd,
                  GError            **error)
{
  int pipe_fds[2];
  int null_fd;
  int status;
  pid_t pid;
  int err = 0;
  gssize n;

  g_return_val_if_fail (self->pid < 0, FALSE);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  if (!lab_tracer_is_supported (error))
    return FALSE;

  null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd < 0 || pipe2 (pipe_fds, O_CLOEXEC) != 0)
    {
      err = errno;
      if (null_fd >= 0)
        close (null_fd);
      self->spawn_errno = err;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "%s", g_strerror (err));
      return FALSE;
    }
  /* The child's copy must survive until its exec: dup2 () in the child
   * clears close-on-exec for the copy on the lines' descriptor. */

  pid = fork ();
  if (pid == 0)
    child_main (self, argv, cwd, envp, terminal_fd, null_fd, pipe_fds[1]);

  err = errno;
  close (null_fd);
  close (pipe_fds[1]);
  if (pid < 0)
    {
      close (pipe_fds[0]);
      self->spawn_errno = err;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "fork: %s", g_strerror (err));
      return FALSE;
    }

  /* Its first stop, before the filter and the exec */
  while (waitpid (pid, &status, __WALL) < 0 && errno == EINTR)
    ;
  if (!WIFSTOPPED (status))
    {
      /* It failed before it could be traced: it says why. */
      n = read (pipe_fds[0], &err, sizeof err);
      close (pipe_fds[0]);
      self->spawn_errno = n == sizeof err ? err : ECHILD;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (self->spawn_errno), _("%s could not start: %s"),
                   argv[0], g_strerror (self->spawn_errno));
      return FALSE;
    }

  if (ptrace (PTRACE_SETOPTIONS, pid, NULL,
              (void *) (long) (PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE |
                               PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC |
                               PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) != 0)
    {
      err = errno;
      self->spawn_errno = err;
      kill (pid, SIGKILL);
      ptrace (PTRACE_CONT, pid, NULL, NULL);
      while (waitpid (pid, &status, __WALL) < 0 && errno == EINTR)
        ;
      close (pipe_fds[0]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "ptrace: %s", g_strerror (err));
      return FALSE;
    }

  self->pid = pid;
  {
    Tracee *t = g_new0 (Tracee, 1);

    t->tid = t->pid = pid;
    t->seen_stop = TRUE;
    g_hash_table_insert (self->tracees, GINT_TO_POINTER (pid), t);
  }

  /* Until exec, the child can still fail (a program not found): it then
   * writes why and exits 127, which lab_tracer_run() sees; the pipe is
   * read there. */
  ptrace (PTRACE_CONT, pid, NULL, NULL);

  /* The exec or the failure: the exec stop comes first, else the exit. */
  for (;;)
    {
      pid_t got = waitpid (pid, &status, __WALL);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0 || WIFEXITED (status) || WIFSIGNALED (status))
        {
          n = read (pipe_fds[0], &err, sizeof err);
          close (pipe_fds[0]);
          g_hash_table_remove (self->tracees, GINT_TO_POINTER (pid));
          self->pid = -1;
          if (n != sizeof err)
            err = ECHILD;
          self->spawn_errno = err;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _("%s could not start: %s"), argv[0],
                       g_strerror (err));
          return FALSE;
        }
      if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
        break;
      /* A signal before exec (none is expected) goes to it. */
      ptrace (PTRACE_CONT, pid, NULL, (void *) (long) (WSTOPSIG (status) == SIGSTOP ? 0 : WSTOPSIG (status)));
    }
  close (pipe_fds[0]);

  /* Stopped at its exec: lab_tracer_run() lets it go. */
  return TRUE;
}

/**
 * lab_tracer_read:
 *
 * Reads @len bytes at @address of @tid's memory, as far as it can.
 *
 * Returns: how many, or -1 with errno set
 */
gssize
lab_tracer_read (LabTracer *self,
                 pid_t      tid,
                 guint64    address,
                 void      *buffer,
                 gsize      len)
{
  struct iovec local = { buffer, len };
  struct iovec remote = { (void *) (guintptr) address, len };

  (void) self;
  if (len == 0)
    return 0;
  return process_vm_readv (tid, &local, 1, &remote, 1, 0);
}

static Tracee *
tracee_get (LabTracer *self,
            pid_t      tid)
{
  return g_hash_table_lookup (self->tracees, GINT_TO_POINTER (tid));
}

/* A thread or process made by a traced one, on the first word of it:
 * its parent's event or its own first stop, whichever comes first. */
static Tracee *
tracee_add (LabTracer *self,
            pid_t      tid)
{
  Tracee *t = tracee_get (self, tid);
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  const char *tgid;

  if (t != NULL)
    return t;

  t = g_new0 (Tracee, 1);
  t->tid = tid;
  t->pid = tid;
  path = g_strdup_printf ("/proc/%d/status", tid);
  if (g_file_get_contents (path, &status, NULL, NULL) && (tgid = strstr (status, "\nTgid:")) != NULL)
    t->pid = (pid_t) g_ascii_strtoll (tgid + 6, NULL, 10);
  g_hash_table_insert (self->tracees, GINT_TO_POINTER (tid), t);
  return t;
}

/* Reads the call @t stopped at; returns which stop it is
 * (PTRACE_SYSCALL_INFO_…), PTRACE_SYSCALL_INFO_NONE if it cannot. */
static int
get_info (pid_t       tid,
          Tracee     *t)
{
  struct __ptrace_syscall_info info;
  long n = ptrace (PTRACE_GET_SYSCALL_INFO, tid, (void *) sizeof info, &info);

  if (n <= 0)
    return PTRACE_SYSCALL_INFO_NONE;
  if (info.op == PTRACE_SYSCALL_INFO_SECCOMP || info.op == PTRACE_SYSCALL_INFO_ENTRY)
    {
      t->call.pid = t->pid;
      t->call.tid = tid;
      t->call.nr = (long) info.entry.nr;
      memcpy (t->call.args, info.entry.args, sizeof t->call.args);
      t->call.ip = info.instruction_pointer;
      t->call.rval = 0;
    }
  else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
    t->call.rval = info.exit.rval;
  return info.op;
}

static void
on_seccomp_stop (LabTracer *self,
                 Tracee    *t)
{
  LabTraceAction action = LAB_TRACE_PASS;

  if (get_info (t->tid, t) == PTRACE_SYSCALL_INFO_SECCOMP)
    {
      if (t->call.nr == __NR_write && (int) t->call.args[0] == self->line_fd)
        {
          char text[512];
          gsize len = MIN ((gsize) t->call.args[2], sizeof text);
          gssize n = lab_tracer_read (self, t->tid, t->call.args[1], text, len);

          if (n > 0 && self->hooks->line != NULL)
            self->hooks->line (self, t->tid, text, (gsize) n, self->data);
        }
      else
        action = self->hooks->enter (self, &t->call, self->data);
    }

  /* Held, it stays stopped here; the tracer goes on with the others. */
  if (action == LAB_TRACE_HOLD)
    {
      t->held = TRUE;
      self->n_held++;
      return;
    }
  t->in_call = action == LAB_TRACE_FOLLOW;
  ptrace (t->in_call ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, NULL, NULL);
}

/* The calls held that were let go are made. */
static void
resume_held (LabTracer *self)
{
  GHashTableIter iter;
  Tracee *t;

  g_hash_table_iter_init (&iter, self->tracees);
  while (self->n_held > 0 && g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      LabTraceAction action;

      if (!t->held || (action = self->hooks->resume (self, &t->call, self->data)) == LAB_TRACE_HOLD)
        continue;
      t->held = FALSE;
      self->n_held--;
      t->in_call = action == LAB_TRACE_FOLLOW;
      ptrace (t->in_call ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, NULL, NULL);
    }
}

/* A thread held is leaving, killed, its call never made. */
static void
drop_held (LabTracer *self,
           Tracee    *t)
{
  if (!t->held)
    return;
  t->held = FALSE;
  self->n_held--;
  if (self->hooks->unhold != NULL)
    self->hooks->unhold (self, &t->call, self->data);
}

static void
on_syscall_stop (LabTracer *self,
                 Tracee    *t)
{
  LabSyscall entry = t->call;
  int op = get_info (t->tid, t);

  /* Only a call followed stops here, at its exit; were it its entry
   * (another tracer's ways), the exit is next. */
  if (op == PTRACE_SYSCALL_INFO_ENTRY)
    {
      t->call = entry;
      ptrace (PTRACE_SYSCALL, t->tid, NULL, NULL);
      return;
    }
  if (t->in_call && op == PTRACE_SYSCALL_INFO_EXIT)
    self->hooks->leave (self, &t->call, self->data);
  t->in_call = FALSE;
  ptrace (PTRACE_CONT, t->tid, NULL, NULL);
}

static void
on_event_stop (LabTracer *self,
               Tracee    *t,
               int        event)
{
  unsigned long msg = 0;

  switch (event)
    {
    case PTRACE_EVENT_CLONE:
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
      if (ptrace (PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == 0)
        {
          Tracee *child = tracee_add (self, (pid_t) msg);

          if (self->hooks->forked != NULL)
            self->hooks->forked (self, t->pid, child->tid, child->pid == t->pid, self->data);
        }
      break;

    case PTRACE_EVENT_EXEC:
      /* A thread other than the leader that execs takes the leader's
       * number: the one it had is gone. */
      if (ptrace (PTRACE_GETEVENTMSG, t->tid, NULL, &msg) == 0 && (pid_t) msg != t->tid)
        g_hash_table_remove (self->tracees, GINT_TO_POINTER ((pid_t) msg));
      if (self->hooks->exiting != NULL)
        self->hooks->exiting (self, t->pid, TRUE, self->data);
      break;

    case PTRACE_EVENT_EXIT:
      drop_held (self, t);
      /* The first of its threads to end with the process (exit_group ())
       * is the leader, or the thread that called it: its descriptors are
       * still open. */
      if (t->tid == t->pid && self->hooks->exiting != NULL)
        self->hooks->exiting (self, t->pid, FALSE, self->data);
      break;

    default:
      break;
    }
  ptrace (PTRACE_CONT, t->tid, NULL, NULL);
}

static void
on_signal_stop (LabTracer *self,
                Tracee    *t,
                int        signum)
{
  (void) self;
  /* A new thread or process starts with a SIGSTOP that is not the
   * program's: it goes on without it. Any other signal is delivered. */
  if (!t->seen_stop && signum == SIGSTOP)
    {
      t->seen_stop = TRUE;
      signum = 0;
    }
  ptrace (PTRACE_CONT, t->tid, NULL, (void *) (long) signum);
}

static void
on_end (LabTracer *self,
        pid_t      tid,
        int        status)
{
  Tracee *t = tracee_get (self, tid);
  pid_t pid = t != NULL ? t->pid : tid;

  if (t != NULL)
    drop_held (self, t);
  if (t != NULL && t->in_call && self->hooks->leave != NULL)
    {
      /* It ended inside a call it was making (a signal, or exit_group ()
       * from another thread): the call never returned. */
      t->call.rval = -EINTR;
      self->hooks->leave (self, &t->call, self->data);
    }
  g_hash_table_remove (self->tracees, GINT_TO_POINTER (tid));

  if (tid == pid && self->hooks->exited != NULL)
    self->hooks->exited (self, pid, status, self->data);
  if (tid == self->pid)
    {
      self->status = status;
      self->ended = TRUE;
    }
}

/* Asked to end: SIGTERM to each process, then SIGKILL once it had its time. */
static void
check_stopping (LabTracer *self)
{
  gint64 now;

  if (self->killed || self->hooks->stopping == NULL || !self->hooks->stopping (self->data))
    return;
  now = g_get_monotonic_time ();
  if (self->term_at == 0)
    {
      self->term_at = now;
      kill_all (self, SIGTERM);
    }
  else if (now - self->term_at >= LAB_TRACER_TERM_US)
    {
      self->killed = TRUE;
      kill_all (self, SIGKILL);
    }
}

/**
 * lab_tracer_run:
 *
 * Runs the program spawned until it and every process it made ended (or
 * were ended: see LabTracerHooks.stopping), and reaps them all.
 *
 * Returns: the program's wait status
 */
int
lab_tracer_run (LabTracer *self)
{
  g_return_val_if_fail (self->pid > 0, -1);

  /* From its exec stop */
  ptrace (PTRACE_CONT, self->pid, NULL, NULL);

  while (g_hash_table_size (self->tracees) > 0)
    {
      int status;
      pid_t tid;
      Tracee *t;

      /* While calls are held, the others' stops are looked for without
       * waiting in waitpid (), which nothing would end when a call is let
       * go: between them, the gate is waited on, a bounded time. */
      if (self->n_held > 0)
        resume_held (self);
      tid = waitpid (-1, &status, __WALL | __WNOTHREAD | (self->n_held > 0 ? WNOHANG : 0));
      if (tid == 0)
        {
          check_stopping (self);
          self->hooks->wait_held (self->data, g_get_monotonic_time () + LAB_TRACER_HELD_POLL_US);
          continue;
        }
      if (tid < 0)
        {
          if (errno == EINTR)
            {
              check_stopping (self);
              continue;
            }
          /* ECHILD: nothing is left to wait for */
          break;
        }
      if (self->term_at == 0)
        check_stopping (self);

      if (WIFEXITED (status) || WIFSIGNALED (status))
        {
          on_end (self, tid, status);
          continue;
        }
      if (!WIFSTOPPED (status))
        continue;

      t = tracee_get (self, tid);
      if (t == NULL)
        t = tracee_add (self, tid);

      if (WSTOPSIG (status) == (SIGTRAP | 0x80))
        on_syscall_stop (self, t);
      else if (WSTOPSIG (status) == SIGTRAP && (status >> 16) == PTRACE_EVENT_SECCOMP)
        on_seccomp_stop (self, t);
      else if (WSTOPSIG (status) == SIGTRAP && (status >> 16) != 0)
        on_event_stop (self, t, status >> 16);
      else
        on_signal_stop (self, t, WSTOPSIG (status));
    }

  {
    GHashTableIter iter;
    Tracee *t;

    g_hash_table_iter_init (&iter, self->tracees);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
      drop_held (self, t);
  }
  g_hash_table_remove_all (self->tracees);
  return self->ended ? self->status : -1;
}
