/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"

G_BEGIN_DECLS

char *lab_endpoint_state_words  (LabEndpoint       *endpoint);
char *lab_endpoint_script_words (LabEndpointConfig *config);
char *lab_endpoint_where_words  (LabEndpointConfig *config,
                                 const char        *address);
char *lab_endpoint_every_interface_words (LabEndpointConfig *config,
                                          gboolean          *warning);

G_END_DECLS
