/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The baseline: the smallest sensible C echo server. One thread, epoll,
 * non-blocking sockets, one recv of READ_SIZE bytes (64 KiB unless told) for
 * each time a socket is readable, records nothing. The lab's TCP servers
 * are measured against it, side by side, with the same read size.
 *
 *   protolab-bench-baseline PORT [READ_SIZE] [BACKLOG]
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define MAX_EVENTS  64

typedef struct {
  int    fd;
  char  *pending;
  size_t pending_len;
} Conn;

static volatile sig_atomic_t stopping;

static void
on_signal (int signum)
{
  stopping = 1;
}

static void
set_nonblocking (int fd)
{
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
}

static void
close_conn (int   epfd,
            Conn *conn)
{
  epoll_ctl (epfd, EPOLL_CTL_DEL, conn->fd, NULL);
  close (conn->fd);
  free (conn->pending);
  free (conn);
}

/* Writes what is pending; 0 when all is written, 1 when the socket is full,
 * -1 on error. */
static int
flush_conn (Conn *conn)
{
  while (conn->pending_len > 0)
    {
      ssize_t n = send (conn->fd, conn->pending, conn->pending_len, 0);

      if (n < 0)
        return errno == EAGAIN ? 1 : -1;
      memmove (conn->pending, conn->pending + n, conn->pending_len - n);
      conn->pending_len -= n;
    }

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct epoll_event events[MAX_EVENTS];
  struct rlimit files;
  size_t read_size = argc > 2 ? strtoul (argv[2], NULL, 10) : 64 * 1024;
  int backlog = argc > 3 ? atoi (argv[3]) : 128;
  char *buffer;
  int listener, epfd, one = 1;

  if (argc < 2 || argc > 4 || read_size == 0 || backlog <= 0)
    {
      fprintf (stderr, "usage: %s PORT [READ_SIZE] [BACKLOG]\n", argv[0]);
      return 2;
    }
  buffer = malloc (read_size);

  /* Thousands of connections need as many descriptors as may be had. */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
    }

  signal (SIGPIPE, SIG_IGN);
  signal (SIGTERM, on_signal);
  signal (SIGINT, on_signal);

  addr.sin_port = htons (atoi (argv[1]));
  listener = socket (AF_INET, SOCK_STREAM, 0);
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (listener, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (listener, backlog) < 0)
    {
      perror ("bind");
      return 1;
    }
  set_nonblocking (listener);

  epfd = epoll_create1 (0);
  {
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

    epoll_ctl (epfd, EPOLL_CTL_ADD, listener, &ev);
  }

  while (!stopping)
    {
      int n = epoll_wait (epfd, events, MAX_EVENTS, -1);

      for (int i = 0; i < n; i++)
        {
          Conn *conn = events[i].data.ptr;

          if (conn == NULL)
            {
              int fd;

              while ((fd = accept (listener, NULL, NULL)) >= 0)
                {
                  struct epoll_event ev = { .events = EPOLLIN };

                  set_nonblocking (fd);
                  conn = calloc (1, sizeof (Conn));
                  conn->fd = fd;
                  ev.data.ptr = conn;
                  epoll_ctl (epfd, EPOLL_CTL_ADD, fd, &ev);
                }
              continue;
            }

          if (events[i].events & EPOLLOUT)
            {
              int r = flush_conn (conn);

              if (r < 0)
                {
                  close_conn (epfd, conn);
                  continue;
                }
              if (r == 0)
                {
                  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = conn };

                  epoll_ctl (epfd, EPOLL_CTL_MOD, conn->fd, &ev);
                }
              continue;
            }

          if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            {
              ssize_t got = recv (conn->fd, buffer, read_size, 0);
              int r;

              if (got <= 0)
                {
                  if (got < 0 && errno == EAGAIN)
                    continue;
                  close_conn (epfd, conn);
                  continue;
                }

              conn->pending = realloc (conn->pending, conn->pending_len + got);
              memcpy (conn->pending + conn->pending_len, buffer, got);
              conn->pending_len += got;

              r = flush_conn (conn);
              if (r < 0)
                close_conn (epfd, conn);
              else if (r == 1)
                {
                  /* Full: stop reading until the peer reads. */
                  struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = conn };

                  epoll_ctl (epfd, EPOLL_CTL_MOD, conn->fd, &ev);
                }
            }
        }
    }

  close (listener);
  close (epfd);
  free (buffer);
  return 0;
}
