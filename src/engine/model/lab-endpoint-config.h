/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-enums.h"
#include "lab-enum-types.h"

G_BEGIN_DECLS

#define LAB_TYPE_ENDPOINT_CONFIG (lab_endpoint_config_get_type ())

G_DECLARE_FINAL_TYPE (LabEndpointConfig, lab_endpoint_config, LAB, ENDPOINT_CONFIG, GObject)

/* Everything an endpoint is told before it starts. The properties are the
 * configuration: a form binds to them, a file saves them, and a running
 * endpoint works from a copy taken when it started. */

LabEndpointConfig *lab_endpoint_config_new        (LabEndpointKind    kind);
LabEndpointConfig *lab_endpoint_config_copy       (LabEndpointConfig *self);
gboolean           lab_endpoint_config_equal      (LabEndpointConfig *a,
                                                   LabEndpointConfig *b);
gboolean           lab_endpoint_config_validate   (LabEndpointConfig *self,
                                                   GError           **error);
const char        *lab_endpoint_config_ping_gio_text (void);

LabEndpointKind    lab_endpoint_config_get_kind   (LabEndpointConfig *self);
gboolean           lab_endpoint_config_is_server  (LabEndpointConfig *self);
gboolean           lab_endpoint_config_is_tcp     (LabEndpointConfig *self);
char              *lab_command_line_format        (const char * const *command);

void               lab_endpoint_config_bind_client_timeouts (LabEndpointConfig *self);

G_END_DECLS
