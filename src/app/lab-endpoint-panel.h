/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_ENDPOINT_PANEL (lab_endpoint_panel_get_type ())

G_DECLARE_FINAL_TYPE (LabEndpointPanel, lab_endpoint_panel, LAB, ENDPOINT_PANEL, GtkWidget)

GtkWidget     *lab_endpoint_panel_new                 (LabSession       *session,
                                                       LabEndpoint      *endpoint);
LabEndpoint   *lab_endpoint_panel_get_endpoint        (LabEndpointPanel *self);
LabConnection *lab_endpoint_panel_get_connection      (LabEndpointPanel *self);
void           lab_endpoint_panel_focus_first_field   (LabEndpointPanel *self);

G_END_DECLS
