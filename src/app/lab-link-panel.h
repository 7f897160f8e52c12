/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_LINK_PANEL (lab_link_panel_get_type ())

G_DECLARE_FINAL_TYPE (LabLinkPanel, lab_link_panel, LAB, LINK_PANEL, GtkWidget)

GtkWidget *lab_link_panel_new          (LabSession   *session);
void       lab_link_panel_refresh      (LabLinkPanel *self);
GtkWidget *lab_link_panel_get_entry    (LabLinkPanel *self,
                                        guint         host,
                                        const char   *key);
GtkWidget *lab_link_panel_get_error    (LabLinkPanel *self,
                                        guint         host,
                                        const char   *key);
void       lab_link_panel_focus_first  (LabLinkPanel *self);
void       lab_link_panel_set_max_height (LabLinkPanel *self,
                                          int           height);
char      *lab_link_panel_dup_counters_text (LabLinkPanel *self,
                                             guint         to_host);

G_END_DECLS
