/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-colours.h"

/* The colours stay apart for viewers with deuteranopia or protanopia too
 * (the first ones most: a bench of few takes the first marks), and each
 * stands out at least 3 to 1 against white and against black, so that a
 * mark reads on the light theme, on the high-contrast one presentation mode
 * uses, and on their dark variants. The first are Okabe and Ito's and
 * IBM's; the colour distances are checked in tests/test-lessons.c.
 *
 * The shapes are filled first, then open, all in DejaVu Sans. */
static const struct {
  const char *rgb;
  const char *symbol;
} marks[LAB_N_COLOURS] = {
  { "#785ef0", "●" },
  { "#d55e00", "▲" },
  { "#009e73", "■" },
  { "#cc79a7", "◆" },
  { "#aa3377", "▼" },
  { "#8c564b", "★" },
  { "#ee6677", "⬟" },
  { "#648fff", "✚" },
  { "#a0522d", "○" },
  { "#4477aa", "△" },
  { "#2ca02c", "□" },
  { "#aa4499", "◇" },
  { "#fe6100", "▽" },
  { "#9c6b30", "☆" },
  { "#dc267f", "⬠" },
  { "#5e81b5", "✖" },
};

static const char *classes[LAB_N_COLOURS] = {
  "colour-0", "colour-1", "colour-2", "colour-3", "colour-4", "colour-5", "colour-6", "colour-7",
  "colour-8", "colour-9", "colour-10", "colour-11", "colour-12", "colour-13", "colour-14", "colour-15",
};

const char *
lab_colour_class (guint mark)
{
  return classes[mark % LAB_N_COLOURS];
}

const char *
lab_colour_symbol (guint mark)
{
  return marks[mark % LAB_N_COLOURS].symbol;
}

void
lab_colour_get_rgba (guint    mark,
                     GdkRGBA *rgba)
{
  gboolean parsed = gdk_rgba_parse (rgba, marks[mark % LAB_N_COLOURS].rgb);

  g_assert (parsed);
}

/**
 * lab_colours_dup_css:
 *
 * Returns: (transfer full): the style sheet of the marks' colours, made
 *   from the one table the tests read
 */
char *
lab_colours_dup_css (void)
{
  GString *css = g_string_new (NULL);

  for (guint i = 0; i < LAB_N_COLOURS; i++)
    g_string_append_printf (css, ".endpoint-mark.%s { color: %s; }\n", classes[i], marks[i].rgb);
  return g_string_free (css, FALSE);
}

/**
 * lab_colour_mark_new:
 *
 * Returns: (transfer floating): a label for an endpoint's mark; its name,
 *   beside it, is what a screen reader says
 */
GtkWidget *
lab_colour_mark_new (void)
{
  GtkWidget *label = g_object_new (GTK_TYPE_LABEL,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   "valign", GTK_ALIGN_CENTER,
                                   NULL);

  gtk_widget_add_css_class (label, "endpoint-mark");
  return label;
}

/* Shows @mark in @mark_label, whatever mark it showed before (a row of the
 * timeline is bound again to another endpoint's event). */
void
lab_colour_mark_set (GtkWidget *mark_label,
                     guint      mark)
{
  for (guint i = 0; i < LAB_N_COLOURS; i++)
    gtk_widget_remove_css_class (mark_label, classes[i]);
  gtk_widget_add_css_class (mark_label, lab_colour_class (mark));
  gtk_label_set_text (GTK_LABEL (mark_label), lab_colour_symbol (mark));
}
