/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-enums.h"

G_BEGIN_DECLS

/* The most states a connection can pass through, on the RFC's diagram,
 * between two states seen one after the other. */
#define LAB_TCP_MAX_UNSEEN 4

/* One arrow of the RFC 793 state diagram, and what causes it. */
typedef struct {
  LabTcpState from;
  LabTcpState to;
  const char *cause;
} LabTcpEdge;

const char       *lab_tcp_state_to_string (LabTcpState state);

const LabTcpEdge *lab_tcp_get_edges (guint       *n_edges);
LabTcpState       lab_tcp_drawn_as  (LabTcpState  state);
gboolean          lab_tcp_has_edge  (LabTcpState  from,
                                     LabTcpState  to);
guint             lab_tcp_unseen    (LabTcpState  from,
                                     LabTcpState  to,
                                     LabTcpState  between[LAB_TCP_MAX_UNSEEN]);

G_END_DECLS
