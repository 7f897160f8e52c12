/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lab-network.h"
#include "lab-test-link.h"

/* A socket in @host's namespace */
int
lab_test_link_socket (guint host,
                      int   type)
{
  g_autoptr(GError) error = NULL;
  int ns = lab_network_open_host (lab_network_get_host (host)->name, &error);
  int fd;

  g_assert_no_error (error);
  fd = lab_network_socket_in (ns, AF_INET, type | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  close (ns);
  return fd;
}

/* @host's IPv4 address, on @port */
void
lab_test_link_address (guint               host,
                       guint16             port,
                       struct sockaddr_in *sin)
{
  memset (sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  sin->sin_port = htons (port);
  inet_pton (AF_INET, lab_network_get_host (host)->ipv4, &sin->sin_addr);
}
