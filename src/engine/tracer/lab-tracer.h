/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <sys/types.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The tracer: a program of the user's own, run as a child of the thread
 * that traces it, under ptrace. A seccomp filter stops it only at the
 * system calls of sockets (and at a write to the descriptor its source
 * lines are told on): every other system call runs at full speed. Its
 * threads and the processes it makes are followed. Everything here is
 * done by the one thread that called lab_tracer_spawn(), as ptrace wants. */

typedef struct _LabTracer LabTracer;

/* One system call of a traced thread, at its entry or at its exit. */
typedef struct {
  pid_t    pid;                 /* its process */
  pid_t    tid;                 /* its thread */
  long     nr;                  /* the system call's number (x86-64) */
  guint64  args[6];
  guint64  ip;                  /* where the thread was, in its memory */
  gint64   rval;                /* at the exit: what the kernel returned, -errno for a failure */
} LabSyscall;

typedef enum {
  LAB_TRACE_FOLLOW,             /* make the call, and tell its exit */
  LAB_TRACE_PASS,               /* make the call, its exit unseen */
  LAB_TRACE_HOLD,               /* not yet: ask again (LabTracerHooks.resume) */
} LabTraceAction;

typedef struct {
  /* A traced call is about to be made; the thread waits until this returns,
   * and, held, until resume says what to do. */
  LabTraceAction (*enter)  (LabTracer *tracer, const LabSyscall *call, gpointer data);
  /* Asked again of a call held, whenever one may have been let go */
  LabTraceAction (*resume) (LabTracer *tracer, const LabSyscall *call, gpointer data);
  /* A thread held ended (killed) before its call was let go */
  void           (*unhold) (LabTracer *tracer, const LabSyscall *call, gpointer data);
  /* While calls are held and no thread stops: waits until one may have
   * been let go, or until @until (monotonic time) at most */
  void           (*wait_held) (gpointer data, gint64 until);
  void           (*leave)  (LabTracer *tracer, const LabSyscall *call, gpointer data);
  /* The program said the line it is at: @text, not nul-terminated */
  void           (*line)   (LabTracer *tracer, pid_t tid, const char *text, gsize len, gpointer data);
  /* A new process (@thread FALSE) or thread of @parent's */
  void           (*forked) (LabTracer *tracer, pid_t parent, pid_t child, gboolean thread, gpointer data);
  /* A process is about to end (its first thread, before its descriptors
   * close), or has just exec'd (its descriptors closed on exec closed) */
  void           (*exiting) (LabTracer *tracer, pid_t pid, gboolean exec, gpointer data);
  /* A process ended, as waitpid () says (its last thread) */
  void           (*exited) (LabTracer *tracer, pid_t pid, int status, gpointer data);
  /* Whether to end the program: asked whenever a wait is interrupted */
  gboolean       (*stopping) (gpointer data);
} LabTracerHooks;

/* The environment variable that tells the program's start-up hook the
 * descriptor to write its lines on. */
#define LAB_TRACER_LINE_FD_ENV "PROTOLAB_LINE_FD"

/* How long a program asked to end has after SIGTERM, before SIGKILL */
#define LAB_TRACER_TERM_US (2 * G_USEC_PER_SEC)

/* While calls are held, how soon the stops of the program's other threads
 * are seen at most */
#define LAB_TRACER_HELD_POLL_US (10 * 1000)

LabTracer *lab_tracer_new           (const LabTracerHooks *hooks,
                                     gpointer              data);
void       lab_tracer_free          (LabTracer            *self);
gboolean   lab_tracer_spawn         (LabTracer            *self,
                                     const char * const   *argv,
                                     const char           *cwd,
                                     const char * const   *envp,
                                     int                   terminal_fd,
                                     GError              **error);
pid_t      lab_tracer_get_pid       (LabTracer            *self);
int        lab_tracer_get_line_fd   (LabTracer            *self);
int        lab_tracer_get_spawn_errno (LabTracer          *self);
int        lab_tracer_run           (LabTracer            *self);
gssize     lab_tracer_read          (LabTracer            *self,
                                     pid_t                 tid,
                                     guint64               address,
                                     void                 *buffer,
                                     gsize                 len);
gboolean   lab_tracer_is_supported  (GError              **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTracer, lab_tracer_free)
