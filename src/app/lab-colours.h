/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_N_COLOURS 8

/* Each endpoint has a colour, by its number: a swatch beside its name in
 * its panel and in the timeline. Never the only cue: the name is there. */
const char *lab_colour_class (guint endpoint_id);

G_END_DECLS
