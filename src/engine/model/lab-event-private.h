/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-event.h"
#include "lab-record-private.h"
#include "lab-timeline.h"

G_BEGIN_DECLS

/* Of the bytes a call sends, only the first few are kept with the call,
 * for b'…' (and how many there were): the data event holds them all,
 * within the timeline's limits. */
#define LAB_CALL_PREVIEW 24

/* A LabEvent is a record made an object: a copy of it, and the timeline it
 * came from, whose arenas hold its bytes and texts. What lies there is read
 * the first time it is asked for, and kept: an event that was read stays
 * whole when the arena goes round. */
struct _LabEvent
{
  GObject         parent_instance;

  LabTimeline    *timeline;
  LabRecord       record;
  gint64          origin_us;

  GBytes         *blob_bytes;
  char           *text;
  GSocketAddress *address;
  GPtrArray      *resolved;
  guint           read_blob : 1;
  guint           read_address : 1;
};

LabEvent        *lab_event_new_for_record  (LabTimeline     *timeline,
                                            const LabRecord *record);
const LabRecord *lab_event_get_record      (LabEvent        *self);
GBytes          *lab_event_peek_blob       (LabEvent        *self);
const char      *lab_event_peek_text       (LabEvent        *self);
GSocketAddress  *lab_event_peek_address    (LabEvent        *self);

G_END_DECLS
