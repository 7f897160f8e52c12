/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_PROGRAM_PANEL (lab_program_panel_get_type ())

G_DECLARE_FINAL_TYPE (LabProgramPanel, lab_program_panel, LAB, PROGRAM_PANEL, GtkWidget)

GtkWidget *lab_program_panel_new           (LabEndpoint     *endpoint);
char      *lab_program_panel_dup_status    (LabEndpoint     *endpoint);
GtkWidget *lab_program_panel_get_terminal  (LabProgramPanel *self);
char      *lab_program_panel_dup_output    (LabProgramPanel *self);

G_END_DECLS
