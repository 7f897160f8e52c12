/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

#define LAB_TYPE_BYTES_VIEW (lab_bytes_view_get_type ())

G_DECLARE_FINAL_TYPE (LabBytesView, lab_bytes_view, LAB, BYTES_VIEW, GtkWidget)

GtkWidget *lab_bytes_view_new            (void);
void       lab_bytes_view_set_connection (LabBytesView  *self,
                                          LabEndpoint   *endpoint,
                                          LabConnection *connection);
void       lab_bytes_view_set_framing    (LabBytesView  *self,
                                          LabFraming     framing);
char      *lab_bytes_view_dup_text       (LabBytesView  *self);

G_END_DECLS
