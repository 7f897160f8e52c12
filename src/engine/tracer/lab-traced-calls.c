/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>

#include "lab-address.h"
#include "lab-call.h"
#include "lab-event-private.h"
#include "lab-traced-private.h"

/* A traced program's system calls as records: what its kernel received
 * (accept4 for Python's accept (), sendto (…, NULL, 0) for send ()), with
 * the arguments read from its registers and its memory at the entry, and
 * the result, the addresses and the bytes at the exit. The fields are
 * those of the POSIX backend's records of the same operation, so every
 * part reads them alike; what only the kernel's calls have (flags, a
 * missing address) is in the arguments the POSIX backend leaves at 0. */

#define KEY(pid, fd) ((gint64) (pid) << 32 | (guint32) (fd))

static gint64 *
new_key (pid_t pid,
         int   fd)
{
  gint64 *key = g_new (gint64, 1);

  *key = KEY (pid, fd);
  return key;
}

void
lab_traced_sock_unref (gpointer data)
{
  LabTracedSock *sock = data;

  if (--sock->refs == 0)
    {
      lab_traced_unwatch (sock);
      g_free (sock);
    }
}

static LabTracedSock *
lookup_sock (LabTraced *self,
             pid_t      pid,
             gint64     fd)
{
  gint64 key = KEY (pid, fd);

  if (fd < 0 || fd > G_MAXINT)
    return NULL;
  return g_hash_table_lookup (self->socks, &key);
}

/* @type: with its flags (SOCK_CLOEXEC) */
static LabTracedSock *
add_sock (LabTraced *self,
          pid_t      pid,
          int        fd,
          int        family,
          int        type)
{
  LabTracedSock *sock = g_new0 (LabTracedSock, 1);

  sock->refs = 1;
  sock->conn = lab_run_new_conn (self->run);
  sock->family = family;
  sock->type = type & 0xf;
  sock->cloexec = (type & SOCK_CLOEXEC) != 0;
  g_hash_table_replace (self->socks, new_key (pid, fd), sock);
  lab_traced_watch (self, pid, fd, sock, 0);
  return sock;
}

void
lab_traced_forget_sock (LabTraced *self,
                        pid_t      pid,
                        int        fd)
{
  gint64 key = KEY (pid, fd);

  g_hash_table_remove (self->socks, &key);
}

/* A new process has its parent's descriptors, and so its sockets. */
void
lab_traced_fork_socks (LabTraced *self,
                       pid_t      parent,
                       pid_t      child)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gint64 *key;
  LabTracedSock *sock;

  g_hash_table_iter_init (&iter, self->socks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &sock))
    if ((pid_t) (*key >> 32) == parent)
      g_ptr_array_add (keys, key);
  for (guint i = 0; i < keys->len; i++)
    {
      gint64 k = *(gint64 *) keys->pdata[i];

      sock = g_hash_table_lookup (self->socks, &k);
      sock->refs++;
      g_hash_table_replace (self->socks, new_key (child, (int) (k & 0xffffffff)), sock);
    }
}

/* A process that ended has no descriptor left. */
void
lab_traced_forget_pid (LabTraced *self,
                       pid_t      pid)
{
  GHashTableIter iter;
  gint64 *key;

  g_hash_table_iter_init (&iter, self->socks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if ((pid_t) (*key >> 32) == pid)
      g_hash_table_iter_remove (&iter);
}

/* An address in the program's memory: IPv4 and IPv6 in the record's own
 * field, a local socket's path as the call's text. */
static void
read_address (LabTraced *self,
              pid_t      tid,
              LabRecord *record,
              guint64    at,
              guint64    len)
{
  struct sockaddr_storage ss = { 0 };
  gssize n;

  if (at == 0 || len == 0)
    return;
  n = lab_tracer_read (self->tracer, tid, at, &ss, MIN (len, sizeof ss));
  if (n < (gssize) sizeof (sa_family_t))
    return;

  if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
    {
      g_autoptr(GSocketAddress) address = lab_address_from_sockaddr ((struct sockaddr *) &ss, (gsize) n);

      if (address != NULL)
        lab_addr_set (&record->address, address);
    }
  else if (ss.ss_family == AF_UNIX && record->blob == LAB_ARENA_NONE)
    {
      const struct sockaddr_un *un = (const struct sockaddr_un *) &ss;
      gsize path_len = strnlen (un->sun_path, MIN ((gsize) n - offsetof (struct sockaddr_un, sun_path),
                                                   sizeof un->sun_path));

      lab_record_keep_blob (self->run->timeline, record, un->sun_path, path_len);
    }
}

/* An address the kernel wrote back, with its length where @len_at points. */
static void
read_returned_address (LabTraced *self,
                       pid_t      tid,
                       LabRecord *record,
                       guint64    at,
                       guint64    len_at)
{
  socklen_t len = 0;

  if (at == 0 || len_at == 0 || lab_tracer_read (self->tracer, tid, len_at, &len, sizeof len) != sizeof len)
    return;
  read_address (self, tid, record, at, len);
}

static void
keep_preview (LabTraced *self,
              pid_t      tid,
              LabRecord *record,
              guint64    at,
              guint64    len)
{
  guint8 preview[LAB_CALL_PREVIEW];
  gssize n = lab_tracer_read (self->tracer, tid, at, preview, MIN (len, sizeof preview));

  record->args[0] = (gint32) MIN (len, (guint64) G_MAXINT32);
  if (n > 0)
    lab_record_keep_blob (self->run->timeline, record, preview, (gsize) n);
}

/* The first buffer of a message, and the total its buffers hold */
static gboolean
read_msghdr (LabTraced     *self,
             pid_t          tid,
             guint64        at,
             struct msghdr *msg,
             struct iovec  *first,
             guint64       *total)
{
  struct iovec iov[16];
  gsize n;

  *total = 0;
  memset (first, 0, sizeof *first);
  if (lab_tracer_read (self->tracer, tid, at, msg, sizeof *msg) != sizeof *msg)
    return FALSE;
  n = MIN (msg->msg_iovlen, G_N_ELEMENTS (iov));
  if (n > 0 && lab_tracer_read (self->tracer, tid, (guintptr) msg->msg_iov, iov, n * sizeof iov[0]) ==
                 (gssize) (n * sizeof iov[0]))
    {
      *first = iov[0];
      for (gsize i = 0; i < n; i++)
        *total += iov[i].iov_len;
    }
  return TRUE;
}

static void
read_option (LabTraced        *self,
             const LabSyscall *call,
             LabRecord        *record)
{
  int level = (int) call->args[1];
  int name = (int) call->args[2];

  record->args[0] = level;
  record->args[1] = name;
  if (call->nr != __NR_setsockopt)
    return;

  if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
    {
      struct timeval tv = { 0 };

      if (lab_tracer_read (self->tracer, call->tid, call->args[3], &tv, sizeof tv) == sizeof tv)
        record->args[2] = (gint32) MIN ((gint64) tv.tv_sec * 1000 + tv.tv_usec / 1000, G_MAXINT32);
    }
  else
    {
      int value = 0;

      if (call->args[4] >= sizeof value &&
          lab_tracer_read (self->tracer, call->tid, call->args[3], &value, sizeof value) == sizeof value)
        record->args[2] = value;
    }
}

static void
set_call (LabRecord *record,
          LabCall    kind,
          LabOp      op)
{
  record->call = kind;
  record->op = op;
}

/* The call at its entry. Returns FALSE for a call not recorded (a
 * close () of a descriptor that is not a socket's). */
static gboolean
fill_entry (LabTraced        *self,
            LabTracedThread  *thread,
            const LabSyscall *call)
{
  LabRecord *r = &thread->call;
  const guint64 *a = call->args;

  lab_record_init_from (r, &self->run->source, LAB_EVENT_CALL, thread->index);
  lab_record_set_line (r, thread->line);
  r->fd = (gint32) a[0];
  thread->sock = lookup_sock (self, call->pid, (gint64) a[0]);
  if (thread->sock != NULL)
    r->conn = (guint32) thread->sock->conn;

  switch (call->nr)
    {
    case __NR_socket:
      set_call (r, LAB_CALL_SOCKET, LAB_OP_SOCKET);
      r->fd = -1;
      r->args[0] = (gint32) a[0];
      r->args[1] = (gint32) a[1];
      r->args[2] = (gint32) a[2];
      break;
    case __NR_bind:
      set_call (r, LAB_CALL_BIND, LAB_OP_BIND);
      read_address (self, call->tid, r, a[1], a[2]);
      break;
    case __NR_connect:
      set_call (r, LAB_CALL_CONNECT, LAB_OP_CONNECT);
      read_address (self, call->tid, r, a[1], a[2]);
      break;
    case __NR_listen:
      set_call (r, LAB_CALL_LISTEN, LAB_OP_LISTEN);
      r->args[0] = (gint32) a[1];
      break;
    case __NR_accept:
      set_call (r, LAB_CALL_ACCEPT, LAB_OP_ACCEPT);
      break;
    case __NR_accept4:
      set_call (r, LAB_CALL_ACCEPT4, LAB_OP_ACCEPT);
      r->args[1] = (gint32) a[3];
      break;
    case __NR_sendto:
      /* send () is sendto () with no address */
      set_call (r, LAB_CALL_SENDTO, a[4] != 0 ? LAB_OP_SENDTO : LAB_OP_SEND);
      keep_preview (self, call->tid, r, a[1], a[2]);
      r->args[1] = (gint32) a[3];
      r->args[2] = a[4] != 0;
      read_address (self, call->tid, r, a[4], a[5]);
      break;
    case __NR_recvfrom:
      set_call (r, LAB_CALL_RECVFROM, a[4] != 0 ? LAB_OP_RECVFROM : LAB_OP_RECV);
      r->args[0] = (gint32) MIN (a[2], (guint64) G_MAXINT32);
      r->args[1] = (gint32) a[3];
      r->args[2] = a[4] != 0;
      break;
    /* read () and write () on a socket are recv () and send () with no
     * flags; on anything else they are not the lab's */
    case __NR_read:
      if (thread->sock == NULL)
        return FALSE;
      set_call (r, LAB_CALL_READ, LAB_OP_RECV);
      r->args[0] = (gint32) MIN (a[2], (guint64) G_MAXINT32);
      break;
    case __NR_write:
      if (thread->sock == NULL)
        return FALSE;
      set_call (r, LAB_CALL_WRITE, LAB_OP_SEND);
      keep_preview (self, call->tid, r, a[1], a[2]);
      r->args[0] = (gint32) MIN (a[2], (guint64) G_MAXINT32);
      break;
    case __NR_sendmsg:
      {
        struct msghdr msg;
        struct iovec first;
        guint64 total;

        set_call (r, LAB_CALL_SENDMSG, LAB_OP_SEND);
        r->args[1] = (gint32) a[2];
        if (read_msghdr (self, call->tid, a[1], &msg, &first, &total))
          {
            if (msg.msg_name != NULL)
              r->op = LAB_OP_SENDTO;
            r->args[2] = msg.msg_name != NULL;
            keep_preview (self, call->tid, r, (guintptr) first.iov_base, first.iov_len);
            r->args[0] = (gint32) MIN (total, (guint64) G_MAXINT32);
            read_address (self, call->tid, r, (guintptr) msg.msg_name, msg.msg_namelen);
          }
      }
      break;
    case __NR_recvmsg:
      set_call (r, LAB_CALL_RECVMSG, LAB_OP_RECVFROM);
      r->args[1] = (gint32) a[2];
      break;
    case __NR_shutdown:
      set_call (r, LAB_CALL_SHUTDOWN, LAB_OP_SHUTDOWN);
      r->args[0] = (gint32) a[1];
      break;
    case __NR_setsockopt:
      set_call (r, LAB_CALL_SETSOCKOPT, LAB_OP_SETSOCKOPT);
      read_option (self, call, r);
      break;
    case __NR_getsockopt:
      set_call (r, LAB_CALL_GETSOCKOPT, LAB_OP_GETSOCKOPT);
      read_option (self, call, r);
      break;
    case __NR_getsockname:
      set_call (r, LAB_CALL_GETSOCKNAME, LAB_OP_GETSOCKNAME);
      break;
    case __NR_getpeername:
      set_call (r, LAB_CALL_GETPEERNAME, LAB_OP_GETPEERNAME);
      break;
    case __NR_close:
      if (thread->sock == NULL)
        return FALSE;
      set_call (r, LAB_CALL_CLOSE, LAB_OP_CLOSE);
      break;
    default:
      return FALSE;
    }
  return TRUE;
}

/* The call is made now: recorded as begun. */
static LabTraceAction
enter_now (LabTraced       *self,
           LabTracedThread *thread)
{
  LabRun *run = self->run;
  LabRecord *r = &thread->call;

  /* The program's last descriptor of a socket: the lab's copy goes
   * first, so that this close () is the one that ends it. */
  if (r->op == LAB_OP_CLOSE && thread->sock != NULL && thread->sock->refs == 1)
    lab_traced_unwatch (thread->sock);

  r->begin_us = lab_timeline_now (run->timeline);
  lab_record_set (r, LAB_RECORD_BLOCKING, lab_op_can_block (r->op));
  if (lab_record_has (r, LAB_RECORD_BLOCKING))
    {
      LabRecord begin = *r;

      lab_record_set (&begin, LAB_RECORD_FINISHED, FALSE);
      lab_timeline_push (run->timeline, &begin);
    }
  thread->open = TRUE;
  return LAB_TRACE_FOLLOW;
}

/* The gate's changes, read before a call held is asked about */
static void
read_gate_changes (LabTraced *self)
{
  if (!self->gate_read)
    {
      self->gate_changes = g_atomic_int_get (&self->run->gate.changes);
      self->gate_read = TRUE;
    }
}

/**
 * lab_traced_enter:
 *
 * A traced thread is about to make a call: recorded now, or held at the
 * step gate (the thread stays stopped, the program's others go on) until
 * it is stepped (lab_traced_resume()).
 */
LabTraceAction
lab_traced_enter (LabTraced        *self,
                  const LabSyscall *call)
{
  LabTracedThread *thread = lab_traced_thread (self, call->tid);
  LabRun *run = self->run;
  LabRecord *r = &thread->call;
  gboolean go = TRUE;

  if (!fill_entry (self, thread, call))
    return LAB_TRACE_PASS;
  lab_traced_saw_process (self, call->pid);
  /* A program that does not say its lines: its binary's, if it has them */
  if (!thread->says_lines)
    {
      g_autofree char *where = lab_traced_source_line (self, call->pid, call->tid);

      thread->line = where != NULL ? lab_traced_intern_line (self, where) : 0;
      lab_record_set_line (r, thread->line);
    }

  /* In step mode the thread waits, before the kernel has its call: a
   * bind () held has not taken its port. */
  if (G_UNLIKELY (g_atomic_int_get (&run->gate.set)))
    {
      read_gate_changes (self);
      if (lab_step_gate_hold (&run->gate, run->timeline, r, lab_timeline_now (run->timeline), &thread->hold, &go))
        return LAB_TRACE_HOLD;
      if (!go)
        return LAB_TRACE_PASS;
    }
  return enter_now (self, thread);
}

/**
 * lab_traced_resume:
 *
 * Asks again about a call held: still held, made (recorded), or, when the
 * run stopped first, let through unrecorded (the program is ending).
 */
LabTraceAction
lab_traced_resume (LabTraced        *self,
                   const LabSyscall *call)
{
  LabTracedThread *thread = lab_traced_thread (self, call->tid);
  gboolean go = FALSE;

  g_return_val_if_fail (thread->hold != NULL, LAB_TRACE_PASS);

  read_gate_changes (self);
  if (!lab_step_gate_poll (&self->run->gate, thread->hold, &go))
    return LAB_TRACE_HOLD;
  thread->hold = NULL;
  return go ? enter_now (self, thread) : LAB_TRACE_PASS;
}

/**
 * lab_traced_unhold:
 *
 * A thread held ended before its call was made: its call is no longer held.
 */
void
lab_traced_unhold (LabTraced        *self,
                   const LabSyscall *call)
{
  LabTracedThread *thread = lab_traced_thread (self, call->tid);

  if (thread->hold != NULL)
    lab_step_gate_drop (&self->run->gate, g_steal_pointer (&thread->hold));
}

/**
 * lab_traced_wait_held:
 *
 * Calls are held: waits until one may have been let go since they were
 * last asked about, or until @until.
 */
void
lab_traced_wait_held (LabTraced *self,
                      gint64     until)
{
  if (self->gate_read)
    lab_step_gate_wait (&self->run->gate, self->gate_changes, until);
  else
    g_usleep (MAX (until - g_get_monotonic_time (), 0));
  self->gate_read = FALSE;
}

static void
record_data (LabTraced        *self,
             LabTracedThread  *thread,
             const LabSyscall *call,
             LabDirection      direction,
             guint64           at,
             gsize             len,
             const LabAddr    *peer)
{
  LabRecord record;
  LabTracedSock *sock = thread->sock;
  gssize n;

  /* One buffer for the run's bytes: the timeline copies what it keeps. */
  if (self->data == NULL)
    self->data = g_malloc (LAB_TRACED_DATA_MAX);
  n = lab_tracer_read (self->tracer, call->tid, at, self->data, MIN (len, LAB_TRACED_DATA_MAX));

  lab_record_init_from (&record, &self->run->source, LAB_EVENT_DATA, thread->index);
  record.fd = thread->call.fd;
  record.conn = thread->call.conn;
  record.sub = direction;
  /* Sent bytes are stamped from the moment their call began, as the
   * backends do: the peer may have them before the call returned. */
  if (direction == LAB_DIRECTION_OUT)
    record.begin_us = thread->call.begin_us;
  record.real_len = (guint32) MIN (len, (gsize) G_MAXUINT32);
  if (sock != NULL)
    {
      record.offset = sock->bytes[direction];
      sock->bytes[direction] += len;
    }
  if (peer != NULL)
    record.address = *peer;
  if (n > 0)
    lab_record_keep_blob (self->run->timeline, &record, self->data, (gsize) n);
  lab_timeline_push (self->run->timeline, &record);
}

/**
 * lab_traced_leave:
 *
 * A traced thread's call returned: its result, and the bytes that crossed.
 */
void
lab_traced_leave (LabTraced        *self,
                  const LabSyscall *call)
{
  LabTracedThread *thread = lab_traced_thread (self, call->tid);
  LabRecord *r = &thread->call;
  const guint64 *a = call->args;
  gint64 rval = call->rval;
  int err = rval < 0 && rval >= -4095 ? (int) -rval : 0;
  struct msghdr msg;
  struct iovec first;
  guint64 total = 0;
  gboolean has_msg;

  /* A call a signal interrupted, to be made again (ERESTARTSYS and its
   * kind, the kernel's own numbers): the program sees EINTR or the call
   * made anew, which stops here again. */
  if (err >= 512 && err <= 516)
    err = EINTR;

  if (!thread->open)
    return;
  thread->open = FALSE;

  lab_record_set_duration (r, lab_timeline_now (self->run->timeline));
  r->result = err != 0 ? -1 : rval;
  r->err = err;
  /* A message's header, read once for its address and its bytes */
  has_msg = err == 0 && (call->nr == __NR_sendmsg || call->nr == __NR_recvmsg) &&
            read_msghdr (self, call->tid, a[1], &msg, &first, &total);

  if (err == 0)
    switch (call->nr)
      {
      case __NR_socket:
        r->fd = (gint32) rval;
        r->conn = (guint32) add_sock (self, call->pid, (int) rval, (int) a[0], (int) a[1])->conn;
        break;
      case __NR_accept:
      case __NR_accept4:
        read_returned_address (self, call->tid, r, a[1], a[2]);
        lab_traced_sample (add_sock (self, call->pid, (int) rval,
                                     thread->sock != NULL ? thread->sock->family : AF_UNSPEC,
                                     SOCK_STREAM | (call->nr == __NR_accept4 ? (int) a[3] : 0)),
                           TRUE);
        lab_traced_sample (thread->sock, FALSE);
        break;
      case __NR_bind:
      case __NR_connect:
      case __NR_listen:
        lab_traced_sample (thread->sock, TRUE);
        break;
      case __NR_shutdown:
        lab_traced_sample (thread->sock, FALSE);
        break;
      case __NR_getsockname:
      case __NR_getpeername:
        read_returned_address (self, call->tid, r, a[1], a[2]);
        break;
      case __NR_recvfrom:
        read_returned_address (self, call->tid, r, a[4], a[5]);
        break;
      case __NR_recvmsg:
        if (has_msg && msg.msg_name != NULL)
          read_address (self, call->tid, r, (guintptr) msg.msg_name, msg.msg_namelen);
        r->args[0] = (gint32) MIN (total, (guint64) G_MAXINT32);
        break;
      default:
        break;
      }

  lab_record_set (r, LAB_RECORD_END, lab_record_has (r, LAB_RECORD_BLOCKING));
  lab_timeline_push (self->run->timeline, r);

  /* The bytes, after the call that moved them */
  if (err == 0 && rval > 0)
    switch (call->nr)
      {
      case __NR_sendto:
        record_data (self, thread, call, LAB_DIRECTION_OUT, a[1], (gsize) rval, a[4] != 0 ? &r->address : NULL);
        break;
      case __NR_write:
        record_data (self, thread, call, LAB_DIRECTION_OUT, a[1], (gsize) rval, NULL);
        break;
      case __NR_read:
        record_data (self, thread, call, LAB_DIRECTION_IN, a[1], (gsize) rval, NULL);
        break;
      case __NR_recvfrom:
        record_data (self, thread, call, LAB_DIRECTION_IN, a[1], (gsize) rval, a[4] != 0 ? &r->address : NULL);
        break;
      case __NR_sendmsg:
      case __NR_recvmsg:
        /* The first buffer's bytes, as far as they go */
        if (has_msg)
          record_data (self, thread, call, call->nr == __NR_sendmsg ? LAB_DIRECTION_OUT : LAB_DIRECTION_IN,
                       (guintptr) first.iov_base, MIN ((gsize) rval, first.iov_len),
                       msg.msg_name != NULL ? &r->address : NULL);
        break;
      default:
        break;
      }

  /* The kernel closes the descriptor even when close () fails. */
  if (call->nr == __NR_close)
    lab_traced_forget_sock (self, call->pid, (int) a[0]);
}
