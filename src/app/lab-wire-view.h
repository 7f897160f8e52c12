/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-session.h"

G_BEGIN_DECLS

#define LAB_TYPE_WIRE_VIEW (lab_wire_view_get_type ())

G_DECLARE_FINAL_TYPE (LabWireView, lab_wire_view, LAB, WIRE_VIEW, GtkWidget)

/* The columns of the packet list, in order. */
typedef enum {
  LAB_WIRE_COLUMN_TIME,
  LAB_WIRE_COLUMN_HOST,
  LAB_WIRE_COLUMN_ENDS,
  LAB_WIRE_COLUMN_FLAGS,
  LAB_WIRE_COLUMN_SEQ,
  LAB_WIRE_COLUMN_ACK,
  LAB_WIRE_COLUMN_WINDOW,
  LAB_WIRE_COLUMN_LENGTH,
  LAB_WIRE_COLUMN_CARRIES,
  LAB_WIRE_N_COLUMNS
} LabWireColumn;

/* Which packets the list and the ladder show. */
typedef enum {
  LAB_WIRE_SHOW_ALL,
  LAB_WIRE_SHOW_CONNECTION,
  LAB_WIRE_SHOW_TCP,
  LAB_WIRE_SHOW_UDP,
  LAB_WIRE_SHOW_ICMP,
  LAB_WIRE_SHOW_ARP,
  LAB_WIRE_N_SHOWS
} LabWireShow;

GtkWidget  *lab_wire_view_new           (LabSession    *session);
GListModel *lab_wire_view_get_model     (LabWireView   *self);
LabEvent   *lab_wire_view_get_selected  (LabWireView   *self);
gboolean    lab_wire_view_select_seq    (LabWireView   *self,
                                         guint64        seq);
GtkWidget  *lab_wire_view_get_ladder    (LabWireView   *self);
void        lab_wire_view_show_ladder   (LabWireView   *self,
                                         gboolean       ladder);
char       *lab_wire_view_dup_cell_text (LabEvent      *packet,
                                         LabWireColumn  column);
void        lab_wire_view_choose_connection (LabWireView *self,
                                             guint64      connection);

G_END_DECLS
