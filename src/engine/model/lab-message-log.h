/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-timeline.h"

G_BEGIN_DECLS

#define LAB_TYPE_MESSAGE_LOG (lab_message_log_get_type ())

G_DECLARE_FINAL_TYPE (LabMessageLog, lab_message_log, LAB, MESSAGE_LOG, GObject)

/* What an endpoint received and sent, as a list of its data events: the
 * newest so many, the older ones counted. */

#define LAB_MESSAGE_LOG_DEFAULT_MAX 500
#define LAB_MESSAGE_LOG_MAX         10000

LabMessageLog *lab_message_log_new              (LabTimeline   *timeline,
                                                 guint          endpoint_id);
guint          lab_message_log_get_max_messages (LabMessageLog *self);
void           lab_message_log_set_max_messages (LabMessageLog *self,
                                                 guint          max_messages);
guint64        lab_message_log_get_n_dropped    (LabMessageLog *self);
void           lab_message_log_update           (LabMessageLog *self);
gboolean       lab_message_log_get_flooding     (LabMessageLog *self);
guint          lab_message_log_get_per_second   (LabMessageLog *self);
void           lab_message_log_clear            (LabMessageLog *self);

G_END_DECLS
