/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-run-private.h"

G_BEGIN_DECLS

/* A backend: the API that makes the calls. The programs (lab-program.c and
 * the files of each program) are written once against this table; each
 * backend makes every call with its API (POSIX: the BSD calls themselves;
 * GIO: GSocket and GResolver) and records it, with its own name for it
 * (lab-call.h), in the timeline. */

typedef struct {
  LabSock *sock;
  gboolean want_in;
  gboolean want_out;
  gboolean can_in;
  gboolean can_out;
  gboolean hangup;
} LabPollItem;

typedef struct _LabBackend LabBackend;

struct _LabBackend
{
  LabBackendKind   kind;

  LabSock        *(*socket)       (LabWorker *w, int family, int type, int protocol);
  gboolean        (*setsockopt)   (LabWorker *w, LabSock *s, int level, int name, int value);
  gboolean        (*set_timeout)  (LabWorker *w, LabSock *s, guint ms);
  gboolean        (*set_blocking) (LabWorker *w, LabSock *s, gboolean blocking);
  gboolean        (*bind)         (LabWorker *w, LabSock *s, GSocketAddress *address, gboolean reuse);
  gboolean        (*listen)       (LabWorker *w, LabSock *s, int backlog);
  LabSock        *(*accept)       (LabWorker *w, LabSock *s);
  gboolean        (*connect)      (LabWorker *w, LabSock *s, GSocketAddress *address, guint timeout_ms);
  gssize          (*send)         (LabWorker *w, LabSock *s, GBytes *bytes);
  gssize          (*recv)         (LabWorker *w, LabSock *s, gsize size, GBytes **out);
  gssize          (*sendto)       (LabWorker *w, LabSock *s, GBytes *bytes, GSocketAddress *to);
  gssize          (*recvfrom)     (LabWorker *w, LabSock *s, gsize size, GBytes **out,
                                   GSocketAddress **from);
  gboolean        (*shutdown)     (LabWorker *w, LabSock *s, int how);
  void            (*close)        (LabWorker *w, LabSock *s);
  GPtrArray      *(*resolve)      (LabWorker *w, const char *host, guint16 port, LabFamily family,
                                   int type);
  GSocketAddress *(*getsockname)  (LabWorker *w, LabSock *s);
  GSocketAddress *(*getpeername)  (LabWorker *w, LabSock *s);
  int             (*poll)         (LabWorker *w, LabPollItem *items, guint n, int timeout_ms);
  void            (*wake)         (LabWorker *w);
};

extern const LabBackend lab_backend_posix;
extern const LabBackend lab_backend_gio;

G_END_DECLS
