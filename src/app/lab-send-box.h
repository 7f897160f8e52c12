/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

#define LAB_TYPE_SEND_BOX (lab_send_box_get_type ())

G_DECLARE_FINAL_TYPE (LabSendBox, lab_send_box, LAB, SEND_BOX, GtkWidget)

GtkWidget   *lab_send_box_new            (void);
void         lab_send_box_set_endpoint   (LabSendBox  *self,
                                          LabEndpoint *endpoint);
void         lab_send_box_set_target     (LabSendBox  *self,
                                          guint64      connection);
GtkEditable *lab_send_box_get_editable   (LabSendBox  *self);
LabEndpoint *lab_send_box_get_endpoint   (LabSendBox  *self);
guint64      lab_send_box_get_target     (LabSendBox  *self);
GBytes      *lab_send_box_dup_bytes      (LabSendBox  *self,
                                          GError     **error);
gboolean     lab_send_box_get_sendall    (LabSendBox  *self);
void         lab_send_box_remember       (LabSendBox  *self);

G_END_DECLS
