/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void lab_locale_init         (const char *language);
void lab_locale_set_language (const char *language);

G_END_DECLS
