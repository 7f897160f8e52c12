/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_SEND_REPEAT (lab_send_repeat_get_type ())

G_DECLARE_FINAL_TYPE (LabSendRepeat, lab_send_repeat, LAB, SEND_REPEAT, GtkWidget)

/* The least and the most a repeat takes. */
#define LAB_SEND_REPEAT_MIN_INTERVAL_MS 10
#define LAB_SEND_REPEAT_MAX_INTERVAL_MS 60000
#define LAB_SEND_REPEAT_MAX_COUNT       10000

gboolean lab_send_repeat_get_running (LabSendRepeat *self);
guint    lab_send_repeat_get_sent    (LabSendRepeat *self);

G_END_DECLS
