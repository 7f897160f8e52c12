/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-explain.h"

G_BEGIN_DECLS

typedef enum {
  LAB_EXPLAIN_MARKUP_BRIEF = 0,       /* what it does, its arguments, when it waits */
  LAB_EXPLAIN_MARKUP_FULL  = 1 << 0,  /* and what it returns, and GLib's part */
} LabExplainMarkupDetail;

char *lab_explain_markup_for_event (LabEvent               *event,
                                    LabExplainMarkupDetail  detail);
void  lab_explain_markup_append    (GString                *out,
                                    const char             *heading,
                                    const char             *text);

G_END_DECLS
