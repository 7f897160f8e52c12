/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_STEP_BAR (lab_step_bar_get_type ())

G_DECLARE_FINAL_TYPE (LabStepBar, lab_step_bar, LAB, STEP_BAR, GtkWidget)

GtkWidget *lab_step_bar_new      (LabSession *session);
char      *lab_step_bar_dup_text (LabStepBar *self);
void       lab_step_bar_set_wide (LabStepBar *self,
                                  gboolean    wide);

gboolean   lab_step_bar_focus_types (GtkWidget *widget);

G_END_DECLS
