/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint-config.h"

G_BEGIN_DECLS

/* The fields, for the engine's files to read directly. A running
 * endpoint's threads read the copy it started with, which is never
 * changed, so they need no lock; the code generator, the exports and the
 * session read the endpoint's own configuration on the main context,
 * where it is changed. Nothing reads one configuration from two threads. */
struct _LabEndpointConfig
{
  GObject          parent_instance;

  LabEndpointKind  kind;
  LabBackendKind   backend;
  char            *bind_address;
  char            *host;
  guint            port;
  LabFamily        family;
  int              backlog;
  gboolean         reuseaddr;
  int              rcvbuf;
  int              sndbuf;
  gboolean         nodelay;
  guint            max_clients;
  LabConcurrency   concurrency;
  LabBehaviour     behaviour;
  LabFraming       framing;
  guint            fixed_size;
  guint            buffer_size;
  char            *quit_message;
  guint            connect_timeout;
  guint            recv_timeout;
  char            *local_address;
  char            *network_host;    /* a lab host's name, or empty */
  guint            local_port;
  gboolean         udp_connect;
  GBytes          *initial_data;
  gboolean         sendall;
  gboolean         shutdown_after_send;
  guint64          expect_bytes;
  guint            max_connections;
  guint            send_chunk;
  guint            send_count;
  guint            count;           /* a ping's echo requests */
  guint            interval;        /* ms between two of them */
  char           **command;         /* a traced program's command line */
  char            *working_directory;
  char           **environment;     /* NAME=value, beside the lab's */
};

G_END_DECLS
