/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

#define LAB_TYPE_SEND_HISTORY (lab_send_history_get_type ())

G_DECLARE_FINAL_TYPE (LabSendHistory, lab_send_history, LAB, SEND_HISTORY, GObject)

/* What was sent from an endpoint's panel, as typed, newest first. */

#define LAB_SEND_HISTORY_MAX 20

LabSendHistory *lab_send_history_for_endpoint (LabEndpoint    *endpoint);
guint           lab_send_history_get_n_items  (LabSendHistory *self);
const char     *lab_send_history_get_text     (LabSendHistory *self,
                                               guint           position);
gboolean        lab_send_history_get_hex      (LabSendHistory *self,
                                               guint           position);
void            lab_send_history_add          (LabSendHistory *self,
                                               const char     *text,
                                               gboolean        hex);
GtkWidget      *lab_send_history_row_new      (LabSendHistory *self,
                                               guint           position);

G_END_DECLS
