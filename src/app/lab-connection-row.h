/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-connection.h"

G_BEGIN_DECLS

GtkWidget *lab_connection_row_new (gpointer item,
                                   gpointer data);

G_END_DECLS
