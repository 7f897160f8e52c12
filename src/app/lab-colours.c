/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-colours.h"

static const char *classes[LAB_N_COLOURS] = {
  "colour-0", "colour-1", "colour-2", "colour-3", "colour-4", "colour-5", "colour-6", "colour-7",
};

const char *
lab_colour_class (guint endpoint_id)
{
  return classes[(endpoint_id + LAB_N_COLOURS - 1) % LAB_N_COLOURS];
}
