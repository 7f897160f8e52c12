/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-call.h"
#include "lab-enums.h"
#include "lab-tcp.h"
#include "lab-enum-types.h"

G_BEGIN_DECLS

#define LAB_TYPE_EVENT (lab_event_get_type ())

G_DECLARE_FINAL_TYPE (LabEvent, lab_event, LAB, EVENT, GObject)

/* One thing that happened, recorded in the timeline: a call made on a socket,
 * a state the kernel reported, bytes that crossed, or a note. */

LabEventKind    lab_event_get_kind             (LabEvent *self);
guint64         lab_event_get_seq              (LabEvent *self);
LabBackendKind  lab_event_get_backend          (LabEvent *self);
const char     *lab_event_get_line             (LabEvent *self);
guint           lab_event_get_endpoint_id      (LabEvent *self);
const char     *lab_event_get_endpoint_name    (LabEvent *self);
guint           lab_event_get_endpoint_mark    (LabEvent *self);
gint64          lab_event_get_begin_time       (LabEvent *self);
gint64          lab_event_get_end_time         (LabEvent *self);
guint           lab_event_get_thread           (LabEvent *self);
int             lab_event_get_fd               (LabEvent *self);
guint64         lab_event_get_connection       (LabEvent *self);

/* Calls */
LabOp           lab_event_get_op               (LabEvent *self);
LabCall         lab_event_get_call             (LabEvent *self);
const char     *lab_event_get_call_name        (LabEvent *self);
char           *lab_event_dup_args             (LabEvent *self);
gboolean        lab_event_get_finished         (LabEvent *self);
gboolean        lab_event_get_blocking         (LabEvent *self);
gboolean        lab_event_get_instrumentation  (LabEvent *self);
gboolean        lab_event_get_pending          (LabEvent *self);
gint64          lab_event_get_result           (LabEvent *self);
char           *lab_event_dup_result           (LabEvent *self);
int             lab_event_get_errno            (LabEvent *self);
const char     *lab_event_get_errno_name       (LabEvent *self);
GSocketAddress *lab_event_get_address          (LabEvent *self);
GPtrArray      *lab_event_get_resolved         (LabEvent *self);

/* Kernel states */
LabTcpState     lab_event_get_state            (LabEvent *self);
LabTcpState     lab_event_get_previous_state   (LabEvent *self);
guint           lab_event_get_unseen           (LabEvent    *self,
                                                LabTcpState  unseen[LAB_TCP_MAX_UNSEEN]);
gboolean        lab_event_get_queue            (LabEvent *self,
                                                guint    *length,
                                                guint    *limit);

/* Data */
LabDirection    lab_event_get_direction        (LabEvent *self);
GBytes         *lab_event_get_bytes            (LabEvent *self);
gsize           lab_event_get_real_length      (LabEvent *self);
gboolean        lab_event_get_truncated        (LabEvent *self);
guint64         lab_event_get_offset           (LabEvent *self);

/* Notes */
LabNote         lab_event_get_note             (LabEvent *self);
const char     *lab_event_get_note_arg         (LabEvent *self);

/* Any kind, in words */
char           *lab_event_dup_summary          (LabEvent *self);
char           *lab_event_dup_ping_socket_text (const char *arg);
char           *lab_event_dup_ping_not_allowed_text (const char *arg);
char           *lab_event_dup_ping_group_range (void);
char           *lab_event_dup_icmp_text       (LabEvent *self);
const char     *lab_event_get_host_name        (LabEvent *self);

G_END_DECLS
