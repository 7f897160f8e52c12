/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "lab-timeline.h"

G_BEGIN_DECLS

#define LAB_N_COLOURS LAB_TIMELINE_N_MARKS

/* Each endpoint of a bench has a mark of its own (lab_endpoint_get_mark()):
 * a shape, drawn in a colour, beside its name in its panel and in the
 * timeline. The shape tells it where the colour cannot (a viewer who does
 * not see it, a projector that washes it out); the name is always there. */
const char *lab_colour_class   (guint        mark);
const char *lab_colour_symbol  (guint        mark);
void        lab_colour_get_rgba (guint       mark,
                                 GdkRGBA    *rgba);
char       *lab_colours_dup_css (void);
GtkWidget  *lab_colour_mark_new (void);
void        lab_colour_mark_set (GtkWidget  *mark_label,
                                 guint       mark);

G_END_DECLS
