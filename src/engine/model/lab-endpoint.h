/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-connection.h"
#include "lab-endpoint-config.h"
#include "lab-message-log.h"
#include "lab-timeline.h"
#include "lab-translated.h"

G_BEGIN_DECLS

#define LAB_TYPE_ENDPOINT (lab_endpoint_get_type ())

G_DECLARE_FINAL_TYPE (LabEndpoint, lab_endpoint, LAB, ENDPOINT, GObject)

/* One configured program — a TCP or UDP server or client — started and
 * stopped as a unit. Its threads make real calls; the main context learns
 * what happened from the timeline, and this object shows it: a state, the
 * call it waits in, its connections. */

LabEndpoint       *lab_endpoint_new              (LabTimeline      *timeline,
                                                  LabEndpointKind   kind,
                                                  const char       *name);
LabEndpoint       *lab_endpoint_new_with_config  (LabTimeline      *timeline,
                                                  LabEndpointConfig *config,
                                                  const char       *name);
guint              lab_endpoint_get_id           (LabEndpoint      *self);
const char        *lab_endpoint_get_name         (LabEndpoint      *self);
guint              lab_endpoint_get_mark         (LabEndpoint      *self);
void               lab_endpoint_set_name         (LabEndpoint      *self,
                                                  const char       *name);
/* The name with its translations, or as the lab gave it (“TCP server 2”):
 * it reads in the language of the moment. */
LabTranslated     *lab_endpoint_get_translated_name (LabEndpoint   *self);
void               lab_endpoint_set_translated_name (LabEndpoint   *self,
                                                  LabTranslated    *name);
LabEndpointConfig *lab_endpoint_get_config       (LabEndpoint      *self);
LabEndpointState   lab_endpoint_get_state        (LabEndpoint      *self);
/* The call that failed and its errno's name (“bind: EADDRINUSE”), in no
 * language: lab_errno_dup_failure() puts it in words. */
const char        *lab_endpoint_get_error        (LabEndpoint      *self);
gboolean           lab_endpoint_get_program_status (LabEndpoint    *self,
                                                    int            *status);
void               lab_endpoint_set_terminal_fd  (LabEndpoint      *self,
                                                  int               fd);
const char        *lab_endpoint_get_waiting_call (LabEndpoint      *self);
const char        *lab_endpoint_get_waiting_call_name (LabEndpoint *self);
const char        *lab_endpoint_get_address      (LabEndpoint      *self);
guint16            lab_endpoint_get_port         (LabEndpoint      *self);
gboolean           lab_endpoint_get_accept_queue (LabEndpoint      *self,
                                                  guint            *length,
                                                  guint            *limit);
GListModel        *lab_endpoint_get_connections  (LabEndpoint      *self);
guint              lab_endpoint_get_forgotten_connections (LabEndpoint *self);
LabMessageLog     *lab_endpoint_get_messages     (LabEndpoint      *self);
GListModel        *lab_endpoint_get_paused       (LabEndpoint      *self);
gboolean           lab_endpoint_get_step_mode    (LabEndpoint      *self);
void               lab_endpoint_set_step_mode    (LabEndpoint      *self,
                                                  gboolean          step_mode);
gboolean           lab_endpoint_get_breakpoint   (LabEndpoint      *self,
                                                  LabOp             op);
void               lab_endpoint_set_breakpoint   (LabEndpoint      *self,
                                                  LabOp             op,
                                                  gboolean          on);
gboolean           lab_endpoint_step             (LabEndpoint      *self);
void               lab_endpoint_continue         (LabEndpoint      *self);
LabConnection     *lab_endpoint_find_connection  (LabEndpoint      *self,
                                                  guint64           id);
gboolean           lab_endpoint_is_active        (LabEndpoint      *self);

gboolean           lab_endpoint_start            (LabEndpoint      *self,
                                                  GError          **error);
void               lab_endpoint_stop             (LabEndpoint      *self);
gboolean           lab_endpoint_send             (LabEndpoint      *self,
                                                  guint64           connection,
                                                  GBytes           *bytes,
                                                  gboolean          sendall,
                                                  GError          **error);
gboolean           lab_endpoint_shutdown_write   (LabEndpoint      *self,
                                                  guint64           connection,
                                                  GError          **error);
gboolean           lab_endpoint_close_connection (LabEndpoint      *self,
                                                  guint64           connection,
                                                  GError          **error);

G_END_DECLS
