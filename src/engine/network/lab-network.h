/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lab network: hosts of the lab's own, each a network namespace with
 * its loopback and one interface (eth0), joined by a link in a namespace
 * of their own. It needs no privilege: the process enters a user
 * namespace of its own when it starts (lab_network_prepare()), where it may
 * make network namespaces. Nothing there has a route out, and no namespace
 * or interface outlives the process: only descriptors hold them. */

#define LAB_NETWORK_MAX_HOSTS 4

typedef struct {
  const char *name;            /* "alfa" */
  const char *ipv4;            /* "10.80.0.1" */
  const char *ipv6;            /* "fd80::1" */
} LabNetworkHost;

void                  lab_network_prepare          (void);
gboolean              lab_network_check            (GError     **error);
const char           *lab_network_get_ping_group_range (void);

guint                 lab_network_get_n_hosts      (void);
const LabNetworkHost *lab_network_get_host         (guint        index);
const LabNetworkHost *lab_network_find_host        (const char  *name);
const char           *lab_network_get_link_name    (void);

int                   lab_network_open_host        (const char  *name,
                                                    GError     **error);
int                   lab_network_open_link        (GError     **error);
int                   lab_network_enter            (int          netns_fd);
int                   lab_network_socket_in        (int          netns_fd,
                                                    int          domain,
                                                    int          type,
                                                    int          protocol);
gboolean              lab_network_same             (int          a,
                                                    int          b);
gboolean              lab_network_is_made          (void);
void                  lab_network_forget           (void);

G_END_DECLS
