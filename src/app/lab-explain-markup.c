/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-errno.h"
#include "lab-explain-markup.h"

/* The engine's explanations (lab_explain_call (), lab_explain_error ()) as
 * Pango markup: a bold heading before each part, for a label that wraps. */

/**
 * lab_explain_markup_append:
 * @text: (nullable): the part, or %NULL for none
 *
 * Adds @text to @out on a line of its own, after @heading in bold.
 */
void
lab_explain_markup_append (GString    *out,
                           const char *heading,
                           const char *text)
{
  g_autofree char *h = NULL;
  g_autofree char *t = NULL;

  if (text == NULL)
    return;

  h = g_markup_escape_text (heading, -1);
  t = g_markup_escape_text (text, -1);
  if (out->len > 0)
    g_string_append (out, "\n");
  g_string_append_printf (out, "<b>%s</b>  %s", h, t);
}

/**
 * lab_explain_markup_for_event:
 * @event: a call, finished or not, or held in step mode
 *
 * Returns: (nullable): what the call does and, when it failed, what its
 *   error means and what to try; %NULL for an event that is not a call of
 *   a name the lab explains
 */
char *
lab_explain_markup_for_event (LabEvent               *event,
                              LabExplainMarkupDetail  detail)
{
  const LabExplanation *call;
  const LabExplanation *error = NULL;
  GString *out;

  if ((call = lab_explain_event (event)) == NULL)
    return NULL;

  out = g_string_new (NULL);

  if (lab_event_get_finished (event) && lab_event_get_errno (event) != 0)
    error = lab_explain_error (lab_event_get_errno (event));
  if (error != NULL)
    {
      /* Translators: a heading: what the error a call returned means; %s is its name, e.g. ECONNREFUSED. */
      g_autofree char *heading = g_strdup_printf (_("%s:"), error->name);

      lab_explain_markup_append (out, heading, error->means);
      lab_explain_markup_append (out, _("What to try:"), error->remedy);
    }

  lab_explain_markup_append (out, _("What it does:"), call->what);
  lab_explain_markup_append (out, _("In your program:"), call->traced);
  if (detail & LAB_EXPLAIN_MARKUP_FULL)
    lab_explain_markup_append (out, _("In GLib:"), call->gio);
  lab_explain_markup_append (out, _("Its arguments:"), call->arguments);
  lab_explain_markup_append (out, _("When it waits:"),
                             call->waits != NULL ? call->waits : _("It never waits."));
  if (detail & LAB_EXPLAIN_MARKUP_FULL)
    lab_explain_markup_append (out, _("What it returns:"), call->result);

  return g_string_free (out, FALSE);
}
