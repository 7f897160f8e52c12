/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-event.h"

G_BEGIN_DECLS

#define LAB_TYPE_EVENT_DETAILS (lab_event_details_get_type ())

G_DECLARE_FINAL_TYPE (LabEventDetails, lab_event_details, LAB, EVENT_DETAILS, GtkWidget)

GtkWidget *lab_event_details_new       (void);
void       lab_event_details_set_event (LabEventDetails *self,
                                        LabEvent        *event);
char      *lab_event_details_dup_text  (LabEventDetails *self);

G_END_DECLS
