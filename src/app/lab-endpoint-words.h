/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"

G_BEGIN_DECLS

char *lab_endpoint_state_words (LabEndpoint *endpoint);

G_END_DECLS
