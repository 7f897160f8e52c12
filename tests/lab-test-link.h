/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <netinet/in.h>

#include "lab-test-utils.h"

G_BEGIN_DECLS

/* Sockets of the lab's hosts, for the tests of the link between them. */
int   lab_test_link_socket  (guint               host,
                             int                 type);
void  lab_test_link_address (guint               host,
                             guint16             port,
                             struct sockaddr_in *sin);

G_END_DECLS
