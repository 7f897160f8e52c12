/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_PROGRAM_DIALOG (lab_program_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabProgramDialog, lab_program_dialog, LAB, PROGRAM_DIALOG, GtkWindow)

GtkWidget  *lab_program_dialog_new           (GtkWindow        *parent);
void        lab_program_dialog_set_file      (LabProgramDialog *self,
                                              GFile            *file);
void        lab_program_dialog_set_folder    (LabProgramDialog *self,
                                              GFile            *folder);
void        lab_program_dialog_set_arguments (LabProgramDialog *self,
                                              const char       *arguments);
char      **lab_program_dialog_dup_command   (LabProgramDialog *self,
                                              GError          **error);
const char *lab_program_dialog_get_folder    (LabProgramDialog *self);
const char *lab_program_dialog_get_shown_command (LabProgramDialog *self);
gboolean    lab_program_dialog_confirm       (LabProgramDialog *self);

G_END_DECLS
