/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-codegen.h"
#include "lab-endpoint.h"
#include "lab-event.h"

G_BEGIN_DECLS

#define LAB_TYPE_CODE_VIEW (lab_code_view_get_type ())

G_DECLARE_FINAL_TYPE (LabCodeView, lab_code_view, LAB, CODE_VIEW, GtkWindow)

GtkWidget       *lab_code_view_new          (GtkWindow       *parent,
                                             LabEndpoint     *endpoint);
void             lab_code_view_set_language (LabCodeView     *self,
                                             LabCodeLanguage  language);
char            *lab_code_view_dup_text     (LabCodeView     *self);
void             lab_code_view_show_event   (LabCodeView     *self,
                                             LabEvent        *event);
guint            lab_code_view_get_marked_line (LabCodeView  *self);

G_END_DECLS
