/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-endpoint-panel.h"
#include "lab-test-utils.h"
#include "lab-window.h"

G_BEGIN_DECLS

gboolean lab_test_ui_init  (int              *argc,
                            char           ***argv);
/* As lab_test_wait (), a failure naming the condition and its line */
#define lab_test_ui_wait(condition, ...) lab_test_wait (condition, __VA_ARGS__)
void     lab_test_ui_wait_drawn  (GtkWidget        *widget);
void     lab_test_ui_wait_mapped (GtkWidget        *widget);
void     lab_test_ui_present (GtkWindow     *window);
gboolean lab_test_ui_all_stopped (gpointer data);
LabApplication *lab_test_ui_application (void);
LabWindow *lab_test_ui_open_window (void);
LabWindow *lab_test_ui_open_bench  (const char  *text);
void     lab_test_ui_close_window (LabWindow   *window);
gboolean lab_test_ui_open_file  (LabWindow   *window,
                                 GFile       *file);
gboolean lab_test_ui_save_file  (LabWindow   *window,
                                 GFile       *file,
                                 GError     **error);
LabWindow *lab_test_ui_the_window (void);
GtkWidget *lab_test_ui_find_label (GtkWidget   *root,
                                   const char  *text);
GtkWindow *lab_test_ui_find_message_dialog (guint *n_shown);
gpointer   lab_test_ui_find_toplevel (GType type);

/* Real X input, sent by xdotool to the window's X window */
void     lab_test_ui_settle         (void);
void     lab_test_ui_xdotool        (const char *first,
                                     ...) G_GNUC_NULL_TERMINATED;
void     lab_test_ui_focus_x_window (GtkWindow  *window);
LabEndpointPanel *lab_test_ui_add (LabWindow   *window,
                                   const char  *kind);
GtkWidget *lab_test_ui_child      (GtkWidget   *widget,
                                   GType        type,
                                   const char  *name);

G_END_DECLS
