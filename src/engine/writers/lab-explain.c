/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-errno.h"
#include "lab-explain.h"
#include "lab-explain-private.h"

/* Explanations are made once for each name and language, and kept: the
 * strings they point to are the catalogue's, which live as long as the
 * program. A language switch makes them again. */

G_LOCK_DEFINE_STATIC (cache);
static GHashTable *cache;       /* "language\nname" → LabExplanation */

static const char *
tr (const char *text)
{
  return text != NULL ? g_dgettext (GETTEXT_PACKAGE, text) : NULL;
}

static const LabCallText *
find_call_text (LabOp op)
{
  for (guint i = 0; i < lab_n_call_texts; i++)
    if (lab_call_texts[i].op == op)
      return &lab_call_texts[i];
  return NULL;
}

static const LabErrorText *
find_error_text (const char *name)
{
  for (guint i = 0; i < lab_n_error_texts; i++)
    if (g_strcmp0 (lab_error_texts[i].name, name) == 0)
      return &lab_error_texts[i];
  return NULL;
}

/* The translation of the moment: the catalogue's header says which. */
static const char *
language (void)
{
  const char *header = g_dgettext (GETTEXT_PACKAGE, "");

  return header != NULL ? header : "";
}

static const LabExplanation *
cached (const char *name,
        LabExplanation *(*make) (const char *name))
{
  g_autofree char *key = g_strconcat (language (), "\n", name, NULL);
  LabExplanation *explanation;

  G_LOCK (cache);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  explanation = g_hash_table_lookup (cache, key);
  if (explanation == NULL && (explanation = make (name)) != NULL)
    g_hash_table_insert (cache, g_steal_pointer (&key), explanation);
  G_UNLOCK (cache);

  return explanation;
}

static LabExplanation *
make_call (const char *name)
{
  LabCall call;
  const LabCallText *text;
  const LabCallNote *note;
  LabExplanation *explanation;

  if (!lab_call_from_name (name, &call) || (text = find_call_text (lab_call_get_op (call))) == NULL)
    return NULL;
  note = &lab_call_notes[call];

  explanation = g_new0 (LabExplanation, 1);
  explanation->kind = LAB_EXPLANATION_CALL;
  explanation->name = lab_call_get_name (call);
  explanation->op = lab_call_get_op (call);
  explanation->what = tr (text->what);
  /* GIO's own arguments, where they are not the BSD call's. */
  explanation->arguments = tr (note->arguments != NULL ? note->arguments : text->arguments);
  explanation->waits = tr (text->waits);
  explanation->result = tr (text->result);
  explanation->gio = tr (note->gio);
  return explanation;
}

static LabExplanation *
make_error (const char *name)
{
  const LabErrorText *text = find_error_text (name);
  LabExplanation *explanation;

  if (text == NULL)
    return NULL;

  explanation = g_new0 (LabExplanation, 1);
  explanation->kind = LAB_EXPLANATION_ERROR;
  explanation->name = text->name;
  explanation->means = tr (text->means);
  explanation->remedy = tr (text->remedy);
  return explanation;
}

/* "sendto:send": a traced call as its kernel received it, explained by
 * what it did, with what made it in the program */
static LabExplanation *
make_traced (const char *key)
{
  g_auto(GStrv) parts = g_strsplit (key, ":", 2);
  const LabCallText *text;
  const LabTracedNote *note = NULL;
  LabExplanation *explanation;
  LabCall call;
  gboolean op_found = FALSE;
  LabOp op = 0;

  if (g_strv_length (parts) != 2 || !lab_call_from_name (parts[0], &call))
    return NULL;
  for (guint i = 0; i < LAB_N_OPS && !op_found; i++)
    if (g_strcmp0 (lab_op_to_string (i), parts[1]) == 0)
      {
        op = i;
        op_found = TRUE;
      }
  if (!op_found || (text = find_call_text (op)) == NULL)
    return NULL;
  for (guint i = 0; i < lab_n_traced_notes; i++)
    if (lab_traced_notes[i].call == call && lab_traced_notes[i].op == op)
      note = &lab_traced_notes[i];

  explanation = g_new0 (LabExplanation, 1);
  explanation->kind = LAB_EXPLANATION_CALL;
  explanation->name = lab_call_get_name (call);
  explanation->op = op;
  explanation->what = tr (text->what);
  explanation->arguments = tr (text->arguments);
  explanation->waits = tr (text->waits);
  explanation->result = tr (text->result);
  explanation->traced = note != NULL ? tr (note->traced) : NULL;
  return explanation;
}

/**
 * lab_explain_event:
 *
 * Returns: (nullable): what the call @event records does: for a traced
 *   program's, by what it did (a sendto () with no address is a send ()),
 *   and what in the program made it
 */
const LabExplanation *
lab_explain_event (LabEvent *event)
{
  g_autofree char *key = NULL;

  if (lab_event_get_kind (event) != LAB_EVENT_CALL)
    return NULL;
  if (lab_event_get_backend (event) != LAB_BACKEND_TRACED)
    return lab_explain_call (lab_event_get_call_name (event));

  key = g_strconcat (lab_event_get_call_name (event), ":", lab_op_to_string (lab_event_get_op (event)), NULL);
  return cached (key, make_traced);
}

/**
 * lab_explain_call:
 * @call: a call's name as a backend records it: "accept", "g_socket_accept"
 *
 * Returns: (nullable): what it does, or %NULL for a name the lab does not
 *   record
 */
const LabExplanation *
lab_explain_call (const char *call)
{
  g_return_val_if_fail (call != NULL, NULL);

  return cached (call, make_call);
}

/**
 * lab_explain_op:
 *
 * Returns: (nullable): what a call of @op does, under its BSD name when
 *   it has one
 */
const LabExplanation *
lab_explain_op (LabOp op)
{
  LabCall call;

  /* GIO's settings have no BSD name. */
  if (!lab_op_get_call (op, LAB_BACKEND_POSIX, &call) && !lab_op_get_call (op, LAB_BACKEND_GIO, &call))
    return NULL;
  return lab_explain_call (lab_call_get_name (call));
}

/**
 * lab_explain_error:
 * @err: an errno value, or a name-resolution failure (LAB_ERR_FROM_EAI ())
 *
 * Returns: (nullable): what it means and what to try
 */
const LabExplanation *
lab_explain_error (int err)
{
  const char *name = lab_errno_name (err);

  return name != NULL ? cached (name, make_error) : NULL;
}

/**
 * lab_explain_lookup:
 * @name: a call's name ("accept", "g_socket_accept") or an error's
 *   ("ECONNREFUSED", "econnrefused")
 *
 * Returns: (nullable): its explanation
 */
const LabExplanation *
lab_explain_lookup (const char *name)
{
  g_autofree char *upper = NULL;
  const LabExplanation *explanation;

  g_return_val_if_fail (name != NULL, NULL);

  if ((explanation = lab_explain_call (name)) != NULL)
    return explanation;

  upper = g_ascii_strup (name, -1);
  if (lab_errno_from_name (upper) != 0)
    return cached (upper, make_error);

  return NULL;
}

static void
append_part (GString    *out,
             const char *heading,
             const char *text)
{
  if (text == NULL)
    return;
  g_string_append_printf (out, "\n%s\n  %s\n", heading, text);
}

/**
 * lab_explanation_format:
 *
 * Returns: the explanation as plain text, a heading and a paragraph for
 *   each part, for a terminal
 */
char *
lab_explanation_format (const LabExplanation *explanation)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (explanation != NULL, NULL);

  if (explanation->kind == LAB_EXPLANATION_CALL)
    {
      g_string_append_printf (out, "%s ()\n  %s\n", explanation->name, explanation->what);
      append_part (out, _("In GLib"), explanation->gio);
      append_part (out, _("Its arguments"), explanation->arguments);
      append_part (out, _("When it waits"), explanation->waits != NULL ? explanation->waits
                                                                       : _("It never waits."));
      append_part (out, _("What it returns"), explanation->result);
    }
  else
    {
      g_string_append_printf (out, "%s\n  %s\n", explanation->name, explanation->means);
      append_part (out, _("What to try"), explanation->remedy);
    }

  return g_string_free (out, FALSE);
}

/**
 * lab_explain_call_names:
 *
 * Returns: (transfer container): every call name the backends record,
 *   %NULL-terminated
 */
const char **
lab_explain_call_names (void)
{
  const char **names = g_new0 (const char *, LAB_N_CALLS + 1);

  for (guint i = 0; i < LAB_N_CALLS; i++)
    names[i] = lab_call_get_name (i);

  return names;
}
