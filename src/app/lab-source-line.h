/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-session.h"

G_BEGIN_DECLS

gboolean  lab_source_line_parse      (const char  *line,
                                      char       **file,
                                      guint       *number,
                                      char       **text);
char     *lab_source_line_short      (LabEvent    *event);
char     *lab_source_line_dup_path   (LabEvent    *event,
                                      LabEndpoint *endpoint,
                                      guint       *number);

G_END_DECLS
