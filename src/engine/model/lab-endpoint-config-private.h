/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint-config.h"

G_BEGIN_DECLS

/* The fields, for the engine's own threads: a running endpoint's copy is
 * never changed, so they read it without locks. */
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
  guint            local_port;
  gboolean         udp_connect;
  GBytes          *initial_data;
  gboolean         sendall;
  gboolean         shutdown_after_send;
  guint64          expect_bytes;
  guint            max_connections;
  guint            send_chunk;
};

G_END_DECLS
