/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"

G_BEGIN_DECLS

char *lab_endpoint_state_words  (LabEndpoint       *endpoint);
char *lab_endpoint_script_words (LabEndpointConfig *config);

G_END_DECLS
