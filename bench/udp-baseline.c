/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The UDP baseline: the smallest sensible C UDP echo server. One thread, a
 * blocking recvfrom of READ_SIZE bytes (64 KiB unless told) and a sendto of
 * what came back to whoever sent it, records nothing. The lab's UDP server is
 * measured against it, side by side, with the same read size.
 *
 *   protolab-bench-udp-baseline PORT [READ_SIZE]
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static volatile sig_atomic_t stopping;

static void
on_signal (int signum)
{
  stopping = 1;
}

int
main (int   argc,
      char *argv[])
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  /* No SA_RESTART: a signal ends the recvfrom it interrupts, and the loop. */
  struct sigaction stop = { .sa_handler = on_signal };
  size_t read_size = argc > 2 ? strtoul (argv[2], NULL, 10) : 64 * 1024;
  char *buffer;
  int fd;

  if (argc < 2 || argc > 3 || read_size == 0)
    {
      fprintf (stderr, "usage: %s PORT [READ_SIZE]\n", argv[0]);
      return 2;
    }

  sigaction (SIGTERM, &stop, NULL);
  sigaction (SIGINT, &stop, NULL);
  buffer = malloc (read_size);
  addr.sin_port = htons (atoi (argv[1]));
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      perror ("bind");
      return 1;
    }

  while (!stopping)
    {
      struct sockaddr_storage peer;
      socklen_t peer_len = sizeof peer;
      ssize_t n = recvfrom (fd, buffer, read_size, 0, (struct sockaddr *) &peer, &peer_len);

      if (n >= 0)
        sendto (fd, buffer, n, 0, (struct sockaddr *) &peer, peer_len);
      else if (errno != EINTR)
        perror ("recvfrom");
    }

  close (fd);
  free (buffer);
  return 0;
}
