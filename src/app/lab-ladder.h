/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_LADDER (lab_ladder_get_type ())

G_DECLARE_FINAL_TYPE (LabLadder, lab_ladder, LAB, LADDER, GtkWidget)

GtkWidget *lab_ladder_new       (GtkSingleSelection *selection);
gboolean   lab_ladder_get_arrow (LabLadder          *self,
                                 guint               row,
                                 char              **from,
                                 char              **label);
double     lab_ladder_get_row_y (LabLadder          *self,
                                 guint               row);
guint      lab_ladder_row_at    (LabLadder          *self,
                                 double              y);
gboolean   lab_ladder_choose_at (LabLadder          *self,
                                 double              y);
char      *lab_ladder_dup_text  (LabLadder          *self);

G_END_DECLS
