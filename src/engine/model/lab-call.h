/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-enums.h"

G_BEGIN_DECLS

/* A call: one real call a program makes on a socket, under the name its API
 * gives it. Every name a backend records is here, with the operation it is
 * whatever the backend (LabOp). The tables in lab-call.c say of each what
 * every part needs to know: the backends record calls by these names, the
 * step gate and the recording ask whether an operation can block, the
 * event writer and the explanations cover each, and the code generators
 * write each the way the tests look for. A new kind of call is added here
 * and in lab-call.c, then made by the backends. */
typedef enum {
  /* The BSD calls, as the POSIX backend makes them */
  LAB_CALL_SOCKET,
  LAB_CALL_SETSOCKOPT,
  LAB_CALL_GETSOCKOPT,
  LAB_CALL_BIND,
  LAB_CALL_LISTEN,
  LAB_CALL_ACCEPT,
  LAB_CALL_CONNECT,
  LAB_CALL_SEND,
  LAB_CALL_RECV,
  LAB_CALL_SENDTO,
  LAB_CALL_RECVFROM,
  LAB_CALL_SHUTDOWN,
  LAB_CALL_CLOSE,
  LAB_CALL_GETADDRINFO,
  LAB_CALL_GETSOCKNAME,
  LAB_CALL_GETPEERNAME,
  LAB_CALL_POLL,
  LAB_CALL_FCNTL,
  /* What a traced program's kernel receives beside those */
  LAB_CALL_ACCEPT4,
  LAB_CALL_SENDMSG,
  LAB_CALL_RECVMSG,
  LAB_CALL_READ,
  LAB_CALL_WRITE,
  /* The kernel watcher's question about sockets already closed */
  LAB_CALL_SOCK_DIAG,
  /* GLib's, as the GIO backend makes them */
  LAB_CALL_G_SOCKET_NEW,
  LAB_CALL_G_SOCKET_SET_OPTION,
  LAB_CALL_G_SOCKET_BIND,
  LAB_CALL_G_SOCKET_LISTEN,
  LAB_CALL_G_SOCKET_ACCEPT,
  LAB_CALL_G_SOCKET_CONNECT,
  LAB_CALL_G_SOCKET_SEND,
  LAB_CALL_G_SOCKET_RECEIVE,
  LAB_CALL_G_SOCKET_SEND_TO,
  LAB_CALL_G_SOCKET_RECEIVE_MESSAGE,
  LAB_CALL_G_SOCKET_SHUTDOWN,
  LAB_CALL_G_SOCKET_CLOSE,
  LAB_CALL_G_RESOLVER_LOOKUP_BY_NAME,
  LAB_CALL_G_SOCKET_GET_LOCAL_ADDRESS,
  LAB_CALL_G_SOCKET_GET_REMOTE_ADDRESS,
  LAB_CALL_G_MAIN_CONTEXT_ITERATION,
  LAB_CALL_G_SOCKET_CONDITION_TIMED_WAIT,
  LAB_CALL_G_SOCKET_SET_LISTEN_BACKLOG,
  LAB_CALL_G_SOCKET_SET_BLOCKING,
  LAB_CALL_G_SOCKET_SET_TIMEOUT,
  LAB_N_CALLS
} LabCall;

/* How many operations there are: LabOp numbers them from 0. */
#define LAB_N_OPS (LAB_OP_SOCK_DIAG + 1)

/* Whether an operation can wait. Never 0, so that a kind of call left out
 * of the table is seen. */
typedef enum {
  LAB_OP_RETURNS_AT_ONCE = 1,
  LAB_OP_MAY_BLOCK,
} LabOpWaits;

/* How the generated programs make an operation, to be found in them: a
 * piece of Python or C, or LAB_OP_NOT_GENERATED where they never do. */
#define LAB_OP_NOT_GENERATED ""

const char     *lab_call_get_name      (LabCall         call);
LabOp           lab_call_get_op        (LabCall         call);
LabBackendKind  lab_call_get_backend   (LabCall         call);
gboolean        lab_call_from_name     (const char     *name,
                                        LabCall        *call);
gboolean        lab_op_get_call        (LabOp           op,
                                        LabBackendKind  backend,
                                        LabCall        *call);

const char     *lab_op_to_string       (LabOp           op);
LabOpWaits      lab_op_get_waits       (LabOp           op);
gboolean        lab_op_can_block       (LabOp           op);
const char     *lab_op_get_python      (LabOp           op);
const char     *lab_op_get_c           (LabOp           op);

G_END_DECLS
