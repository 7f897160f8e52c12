/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-run-private.h"
#include "lab-tracer.h"

G_BEGIN_DECLS

/* A traced program as its run records it (lab-traced.c), and its calls
 * made records (lab-traced-calls.c). */

/* A socket of the program's, by the descriptors that stand for it: a
 * process that forks shares it with its child. */
typedef struct {
  guint   refs;
  guint64 conn;
  int     family;
  int     type;
  guint64 bytes[2];             /* that crossed it each way */
  gboolean cloexec;             /* an exec closes it */
  /* A TCP socket's copy in the lab (pidfd_getfd ()), for the kernel
   * watcher: let go before the program's last descriptor of it closes,
   * so that the program's close () is the one that ends it */
  LabSock *watched;
} LabTracedSock;

typedef struct _LabTracedSource LabTracedSource;

/* A thread of the program's, and the call it is making */
typedef struct {
  guint          index;         /* its thread number in the run */
  guint16        line;          /* the source line it last said */
  gboolean       says_lines;    /* it says them itself (Python's hook) */
  gboolean       open;
  LabRecord      call;
  LabTracedSock *sock;
  LabStepHold   *hold;          /* its call, held at the step gate */
} LabTracedThread;

typedef struct {
  LabRun     *run;
  LabWorker  *worker;
  LabTracer  *tracer;
  GHashTable *threads;          /* tid → LabTracedThread */
  GHashTable *socks;            /* pid << 32 | fd → LabTracedSock */
  guint       next_thread;
  GHashTable *sources;          /* a source file's path → its lines (GStrv), or NULL */
  GHashTable *line_ids;         /* "file:line" as said → its number in the timeline */
  guint8     *data;             /* the bytes of a call, read from the program */
  /* The processes it made: pid → its parent's, until it makes a socket
   * call (then pid → 0, told); a process that makes none is not told of */
  GHashTable *processes;
  GHashTable *pidfds;           /* pid → its pidfd, to copy its sockets */
  GHashTable *c_sources;        /* pid → LabTracedSource: its compiled code's lines */
  char       *cwd;
  /* The step gate's changes as read before the first call held was last
   * asked about: a change since then ends the wait at once */
  gint        gate_changes;
  gboolean    gate_read;
} LabTraced;

/* How many bytes of a call's buffer are read into the timeline, at most */
#define LAB_TRACED_DATA_MAX (64 * 1024)

LabTracedThread *lab_traced_thread       (LabTraced        *self,
                                          pid_t             tid);
LabTraceAction   lab_traced_enter        (LabTraced        *self,
                                          const LabSyscall *call);
LabTraceAction   lab_traced_resume       (LabTraced        *self,
                                          const LabSyscall *call);
void             lab_traced_unhold       (LabTraced        *self,
                                          const LabSyscall *call);
void             lab_traced_wait_held    (LabTraced        *self,
                                          gint64            until);
void             lab_traced_leave        (LabTraced        *self,
                                          const LabSyscall *call);
void             lab_traced_forget_sock  (LabTraced        *self,
                                          pid_t             pid,
                                          int               fd);
void             lab_traced_fork_socks   (LabTraced        *self,
                                          pid_t             parent,
                                          pid_t             child);
void             lab_traced_saw_process  (LabTraced        *self,
                                          pid_t             pid);
void             lab_traced_sock_unref   (gpointer          sock);

/* lab-traced-source.c: a compiled program's lines, from its DWARF */
char            *lab_traced_source_line  (LabTraced        *self,
                                          pid_t             pid,
                                          pid_t             tid);
void             lab_traced_source_free  (gpointer          source);

/* lab-traced.c */
guint16          lab_traced_intern_line  (LabTraced        *self,
                                          const char       *where);

/* lab-traced-kernel.c: the kernel's state of the program's TCP sockets */
void             lab_traced_watch        (LabTraced        *self,
                                          pid_t             pid,
                                          int               fd,
                                          LabTracedSock    *sock,
                                          guint16           port);
void             lab_traced_sample       (LabTracedSock    *sock,
                                          gboolean          find_port);
void             lab_traced_unwatch      (LabTracedSock    *sock);
void             lab_traced_exiting      (LabTraced        *self,
                                          pid_t             pid,
                                          gboolean          exec);
void             lab_traced_forget_pid   (LabTraced        *self,
                                          pid_t             pid);

G_END_DECLS
