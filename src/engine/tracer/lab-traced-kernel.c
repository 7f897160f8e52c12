/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "lab-kernel-private.h"
#include "lab-traced-private.h"

/* The kernel's state of a traced program's TCP sockets, by the lab's own
 * watcher: the tracer takes a copy of each socket (pidfd_getfd (), Linux
 * 5.6, allowed to the program's tracer) and watches the copy as it
 * watches the lab's sockets, TCP_INFO while open and sock_diag once
 * closed (TIME_WAIT). A copy keeps a socket open: it is let go at the
 * entry of the program's last close () of it (and when its process ends
 * or execs), before the kernel has the call, so that the FIN the program's
 * close () sends is the program's. */

static int
pidfd_of (LabTraced *self,
          pid_t      pid)
{
  gpointer found;
  int pidfd;

  if (g_hash_table_lookup_extended (self->pidfds, GINT_TO_POINTER (pid), NULL, &found))
    return GPOINTER_TO_INT (found);
  pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  g_hash_table_insert (self->pidfds, GINT_TO_POINTER (pid), GINT_TO_POINTER (pidfd));
  return pidfd;
}

/**
 * lab_traced_watch:
 * @port: the socket's own port, when known (an accepted one: its
 *   listener's), else 0
 *
 * Follows the kernel state of a TCP socket the program just made or
 * accepted. Without pidfd_getfd () (an older kernel) its states are not
 * shown; its calls are, all the same.
 */
void
lab_traced_watch (LabTraced     *self,
                  pid_t          pid,
                  int            fd,
                  LabTracedSock *sock,
                  guint16        port)
{
  int pidfd = pidfd_of (self, pid);
  int copy;
  LabSock *watched;

  if (sock->type != SOCK_STREAM || (sock->family != AF_INET && sock->family != AF_INET6) || sock->watched != NULL ||
      pidfd < 0 || (copy = (int) syscall (SYS_pidfd_getfd, pidfd, fd, 0)) < 0)
    return;

  watched = lab_sock_new (copy, NULL, sock->family, SOCK_STREAM);
  watched->shown_fd = fd;
  watched->conn = sock->conn;
  sock->watched = watched;
  lab_kernel_watch (self->run, watched);
  if (port != 0)
    lab_kernel_set_port (watched, port);
}

/* Its state now, after a call that can change it; and, with @find_port,
 * its port, which the kernel gave it (bind, connect, accept). */
void
lab_traced_sample (LabTracedSock *sock,
                   gboolean       find_port)
{
  guint16 port = 0;

  if (sock == NULL || sock->watched == NULL)
    return;
  if (find_port)
    {
      struct sockaddr_storage ss;
      socklen_t len = sizeof ss;

      /* The lab's own question, on its copy: not the program's call */
      if (getsockname (sock->watched->fd, (struct sockaddr *) &ss, &len) == 0)
        port = ss.ss_family == AF_INET6 ? g_ntohs (((struct sockaddr_in6 *) &ss)->sin6_port)
                                        : g_ntohs (((struct sockaddr_in *) &ss)->sin_port);
    }
  if (port != 0)
    lab_kernel_set_port (sock->watched, port);
  lab_kernel_sample (sock->watched);
}

/* Lets the copy go: the kernel watcher follows the connection from now on
 * by sock_diag only. */
void
lab_traced_unwatch (LabTracedSock *sock)
{
  LabSock *watched;

  if (sock == NULL || sock->watched == NULL)
    return;
  watched = g_steal_pointer (&sock->watched);
  lab_kernel_release (watched, TRUE);
  close (watched->fd);
  lab_sock_unref (watched);
}

/* A process ends or execs: the copies of the sockets that then close
 * (all of them; at an exec, those closed on exec) go first. */
void
lab_traced_exiting (LabTraced *self,
                    pid_t      pid,
                    gboolean   exec)
{
  GHashTableIter iter;
  gint64 *key;
  LabTracedSock *sock;

  g_hash_table_iter_init (&iter, self->socks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &sock))
    if ((pid_t) (*key >> 32) == pid && (!exec || sock->cloexec) && sock->refs == 1)
      lab_traced_unwatch (sock);
  if (!exec)
    {
      gpointer pidfd;

      if (g_hash_table_steal_extended (self->pidfds, GINT_TO_POINTER (pid), NULL, &pidfd) &&
          GPOINTER_TO_INT (pidfd) >= 0)
        close (GPOINTER_TO_INT (pidfd));
    }
}
