/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-endpoint-config.h"

G_BEGIN_DECLS

/* The languages an endpoint can be written out in. */
typedef enum {
  LAB_CODE_PYTHON,
  LAB_CODE_C,
} LabCodeLanguage;

char       *lab_codegen_generate          (LabEndpointConfig *config,
                                           const char        *name,
                                           LabCodeLanguage    language);
const char *lab_codegen_suggest_filename  (LabEndpointConfig *config,
                                           LabCodeLanguage    language);
const char *lab_code_language_to_string   (LabCodeLanguage    language);
gboolean    lab_code_language_from_string (const char        *s,
                                           LabCodeLanguage   *language);

G_END_DECLS
