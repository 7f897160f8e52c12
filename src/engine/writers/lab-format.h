/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-event.h"

G_BEGIN_DECLS

char *lab_format_text   (LabEvent *event,
                         gboolean  end);
char *lab_format_jsonl  (LabEvent *event,
                         gboolean  end);
char *lab_format_event  (LabEvent *event);
char *lab_format_result (LabEvent *event);

G_END_DECLS
