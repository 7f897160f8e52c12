/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <linux/inet_diag.h>

#include "lab-run-private.h"
#include "lab-tcp-sample.h"

G_BEGIN_DECLS

/* The kernel's view of TCP sockets, truthfully: TCP_INFO while a socket is
 * open, sock_diag (as ss does) once it is closed and lingers, in TIME_WAIT
 * for instance. A state is recorded when it is seen to change, by the
 * worker right after a call that can change it, and by a watcher thread
 * that polls every open and lingering socket. These are instrumentation:
 * recorded as thread 0 and flagged, never taken for the program's calls. */

void lab_kernel_watch   (LabRun  *run,
                         LabSock *sock);
void lab_kernel_sample  (LabSock *sock);
void lab_kernel_set_port (LabSock *sock,
                          guint16  port);
void lab_kernel_release (LabSock *sock,
                         gboolean follow);

/* A socket that holds a port: its state, its own address and, but for a
 * listening one, its peer's, as "127.0.0.1:5000". */
typedef struct {
  LabTcpState  state;
  char        *local;
  char        *peer;
} LabKernelHolder;

GPtrArray *lab_kernel_list_tcp       (int          family);
GPtrArray *lab_kernel_list_port      (guint16      port);
guint      lab_kernel_count_settling (LabTimeline *timeline);

/* lab-kernel-diag.c: sock_diag, for the watcher. A dump asks only for the
 * sockets on the lab's own ports, while they are this few: a server
 * holding thousands of connections from another program is not made to
 * copy the other ends too. */
#define LAB_KERNEL_MAX_FILTER_PORTS 64

/* What one dump said of one socket, kept by its cookie. */
typedef struct {
  struct inet_diag_msg msg;
  gboolean             has_sample;   /* asked for: lab_tcp_sample_get_enabled() */
  LabTcpSample         sample;
} LabDiagEntry;

void     lab_kernel_diag_dump    (int            netns_fd,
                                  int            family,
                                  const guint16 *ports,
                                  guint          n_ports,
                                  GHashTable    *interest,
                                  GHashTable    *entries);
guint    lab_kernel_cookie_hash  (gconstpointer  key);
gboolean lab_kernel_cookie_equal (gconstpointer  a,
                                  gconstpointer  b);

G_END_DECLS
