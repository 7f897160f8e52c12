/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-call.h"
#include "lab-event.h"

G_BEGIN_DECLS

/* A call in words, for the event that recorded it */
void lab_call_append_args   (GString  *out,
                             LabEvent *call);
void lab_call_append_result (GString  *out,
                             LabEvent *call);

G_END_DECLS
