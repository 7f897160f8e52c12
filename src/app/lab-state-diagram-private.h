/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-connection-private.h"
#include "lab-state-diagram.h"

G_BEGIN_DECLS

/* What the diagram knows (lab-state-diagram.c) and how it is laid out and
 * drawn (lab-state-diagram-draw.c). */

#define N_TRACE 8

typedef struct {
  LabTcpState state;
  int         column;
  int         row;
  gboolean    end;      /* CLOSED again, where a connection ends */
} Place;

extern const Place lab_state_diagram_places[];
#define N_PLACES 12

struct _LabStateDiagram
{
  GtkWidget      parent_instance;

  LabEndpoint   *endpoint;
  LabConnection *connection;
  LabTcpState    current;
  LabTcpState    trace[N_TRACE];
  guint          n_trace;
  gboolean       gone;
  gboolean       listening;
  guint          queue_length;
  guint          queue_limit;
  char          *title;

  /* As drawn last: where, and the smallest text's size in pixels */
  graphene_rect_t drawn;
  double         smallest_text;

  /* The bench's endpoints, to tell what to choose when nothing is */
  GListModel    *endpoints;
  GPtrArray     *watched;
};

const Place *lab_state_diagram_place_of    (LabTcpState       state,
                                          gboolean          end);
gboolean     lab_state_diagram_occupied    (int               row,
                                          int               column);
const Place *lab_state_diagram_trace_place (LabStateDiagram  *self,
                                          guint             i);
const char  *lab_state_diagram_get_hint    (LabStateDiagram  *self);
void         lab_state_diagram_measure     (GtkWidget        *widget,
                                          GtkOrientation    orientation,
                                          int               for_size,
                                          int              *minimum,
                                          int              *natural,
                                          int              *minimum_baseline,
                                          int              *natural_baseline);
void         lab_state_diagram_snapshot    (GtkWidget        *widget,
                                          GtkSnapshot      *snapshot);

G_END_DECLS
