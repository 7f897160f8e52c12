/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

#define LAB_TYPE_STATE_DIAGRAM (lab_state_diagram_get_type ())

G_DECLARE_FINAL_TYPE (LabStateDiagram, lab_state_diagram, LAB, STATE_DIAGRAM, GtkWidget)

GtkWidget   *lab_state_diagram_new            (void);
void         lab_state_diagram_set_source     (LabStateDiagram *self,
                                               LabEndpoint     *endpoint,
                                               LabConnection   *connection);
void         lab_state_diagram_set_endpoints  (LabStateDiagram *self,
                                               GListModel      *endpoints);
char        *lab_state_diagram_dup_text       (LabStateDiagram *self);
void         lab_state_diagram_get_drawn      (LabStateDiagram *self,
                                               graphene_rect_t *bounds,
                                               double          *smallest_text);

G_END_DECLS
