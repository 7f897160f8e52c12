/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())

G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, GtkApplicationWindow)

LabWindow  *lab_window_new               (GtkApplication       *application,
                                          LabSession           *session);
LabSession *lab_window_get_session       (LabWindow            *self);
GtkWidget  *lab_window_get_timeline_view (LabWindow            *self);
GtkWidget  *lab_window_get_panel         (LabWindow            *self,
                                          LabEndpoint          *endpoint);
GtkWidget  *lab_window_get_bytes_view    (LabWindow            *self);
GtkWidget  *lab_window_get_state_diagram (LabWindow            *self);
GtkWidget  *lab_window_get_step_bar      (LabWindow            *self);
GtkWidget  *lab_window_get_wire_view     (LabWindow            *self);
GtkWidget  *lab_window_get_link_panel    (LabWindow            *self);
GtkWidget  *lab_window_get_tcp_chart     (LabWindow            *self);
void        lab_window_show_link         (LabWindow            *self);
void        lab_window_take_state        (LabWindow            *self,
                                          LabWindow            *old);
void        lab_window_open_file_async   (LabWindow            *self,
                                          GFile                *file,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    lab_window_open_file_finish  (LabWindow            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void        lab_window_save_file_async   (LabWindow            *self,
                                          GFile                *file,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    lab_window_save_file_finish  (LabWindow            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void        lab_window_export_async      (LabWindow            *self,
                                          const char           *kind,
                                          GFile                *file,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    lab_window_export_finish     (LabWindow            *self,
                                          GAsyncResult         *result,
                                          gboolean             *complete,
                                          GError              **error);

G_END_DECLS
