/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-explain.h"

G_BEGIN_DECLS

typedef enum {
  LAB_EXPLAIN_BRIEF = 0,       /* what it does, its arguments, when it waits */
  LAB_EXPLAIN_FULL  = 1 << 0,  /* and what it returns, and GLib's part */
} LabExplainDetail;

char *lab_explanation_markup_for_event (LabEvent         *event,
                                        LabExplainDetail  detail);

G_END_DECLS
