/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_TIMELINE_VIEW (lab_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (LabTimelineView, lab_timeline_view, LAB, TIMELINE_VIEW, GtkWidget)

GtkWidget  *lab_timeline_view_new            (LabSession      *session);
LabEvent   *lab_timeline_view_get_selected   (LabTimelineView *self);
gboolean    lab_timeline_view_select         (LabTimelineView *self,
                                              LabEvent        *event);
gboolean    lab_timeline_view_select_seq     (LabTimelineView *self,
                                              guint64          seq);
GListModel *lab_timeline_view_get_model      (LabTimelineView *self);
void        lab_timeline_view_set_toolbar_visible (LabTimelineView *self,
                                                   gboolean         visible);

G_END_DECLS
