/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"
#include "lab-tcp-sample.h"

G_BEGIN_DECLS

#define LAB_TYPE_TCP_CHART (lab_tcp_chart_get_type ())

G_DECLARE_FINAL_TYPE (LabTcpChart, lab_tcp_chart, LAB, TCP_CHART, GtkWidget)

/* The points kept of each connection, and the connections kept: a sample
 * comes at most every 100 ms, so some 30 s of one. */
#define LAB_TCP_CHART_MAX_POINTS      300
#define LAB_TCP_CHART_MAX_CONNECTIONS 64

GtkWidget  *lab_tcp_chart_new            (LabSession   *session);
void        lab_tcp_chart_set_connection (LabTcpChart  *self,
                                          guint64       connection);
guint64     lab_tcp_chart_get_connection (LabTcpChart  *self);
gboolean    lab_tcp_chart_get_latest     (LabTcpChart  *self,
                                          LabTcpSample *sample);
guint       lab_tcp_chart_get_n_points   (LabTcpChart  *self);
const char *lab_tcp_chart_get_text       (LabTcpChart  *self);

G_END_DECLS
