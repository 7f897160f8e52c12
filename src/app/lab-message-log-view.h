/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint.h"

G_BEGIN_DECLS

#define LAB_TYPE_MESSAGE_LOG_VIEW (lab_message_log_view_get_type ())

G_DECLARE_FINAL_TYPE (LabMessageLogView, lab_message_log_view, LAB, MESSAGE_LOG_VIEW, GtkWidget)

void  lab_message_log_view_set_endpoint (LabMessageLogView *self,
                                         LabEndpoint       *endpoint);
char *lab_message_log_view_dup_text     (LabMessageLogView *self);

G_END_DECLS
