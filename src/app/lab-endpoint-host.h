/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-endpoint-config.h"

G_BEGIN_DECLS

void          lab_endpoint_host_attach             (GtkDropDown        *dropdown,
                                                    LabEndpointConfig  *config);
GInetAddress *lab_endpoint_host_parse_bind_address (LabEndpointConfig  *config,
                                                    const char         *text,
                                                    GError            **error);

G_END_DECLS
