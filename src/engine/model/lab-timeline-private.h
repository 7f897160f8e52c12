/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-timeline.h"

G_BEGIN_DECLS

/* Any thread may record; the main context sees it at the next flush. */
void lab_timeline_append (LabTimeline    *self,
                          LabEvent       *event);
void lab_timeline_finish (LabTimeline    *self,
                          LabEvent       *begin,
                          gint64          end_us,
                          gint64          result,
                          int             err,
                          GSocketAddress *address);

G_END_DECLS
