/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-connection.h"
#include "lab-record.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* One change of kernel state, for drawing where a connection has been. */
typedef struct {
  LabTcpState state;
  gint64      time_us;
} LabTransition;

LabConnection *lab_connection_new            (LabTimeline     *timeline,
                                              guint            endpoint_id,
                                              guint64          id,
                                              int              fd);
void           lab_connection_apply          (LabConnection   *self,
                                              const LabRecord *record,
                                              gboolean         end);
gboolean       lab_connection_notify_changes (LabConnection *self);

G_END_DECLS
