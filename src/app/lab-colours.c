/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-colours.h"

/* GNOME's palette, its darker shades: readable on light and dark. */
static const char *colours[LAB_N_COLOURS] = {
  "#1c71d8", "#26a269", "#e66100", "#813d9c", "#c01c28", "#865e3c", "#c64600", "#1a5fb4",
};

static const char *classes[LAB_N_COLOURS] = {
  "colour-0", "colour-1", "colour-2", "colour-3", "colour-4", "colour-5", "colour-6", "colour-7",
};

const char *
lab_colour_class (guint endpoint_id)
{
  return classes[(endpoint_id + LAB_N_COLOURS - 1) % LAB_N_COLOURS];
}

void
lab_colour_rgba (guint    endpoint_id,
                 GdkRGBA *rgba)
{
  gdk_rgba_parse (rgba, colours[(endpoint_id + LAB_N_COLOURS - 1) % LAB_N_COLOURS]);
}
