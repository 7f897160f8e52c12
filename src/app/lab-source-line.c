/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-source-line.h"

/* The line of a traced program that made a call, as the tracer gives it
 * (`file:line: text`, the file relative to the folder the program runs
 * in), read back: for a row of the timeline, and for the program's own
 * source in the Code window. */

/**
 * lab_source_line_parse:
 * @line: `file:line: text`, or `file:line`
 * @file: (out) (optional): the file
 * @number: (out) (optional): the line's number, from 1
 * @text: (out) (optional): its text, "" when the file was not read
 *
 * Returns: whether @line is one
 */
gboolean
lab_source_line_parse (const char  *line,
                       char       **file,
                       guint       *number,
                       char       **text)
{
  for (const char *colon = line != NULL ? strchr (line, ':') : NULL; colon != NULL; colon = strchr (colon + 1, ':'))
    {
      char *end = NULL;
      guint64 value;

      if (colon == line || !g_ascii_isdigit (colon[1]))
        continue;
      value = g_ascii_strtoull (colon + 1, &end, 10);
      if (value == 0 || value > G_MAXUINT || (*end != '\0' && *end != ':'))
        continue;

      if (file != NULL)
        *file = g_strndup (line, colon - line);
      if (number != NULL)
        *number = (guint) value;
      if (text != NULL)
        *text = g_strchug (g_strdup (*end == ':' ? end + 1 : ""));
      return TRUE;
    }
  return FALSE;
}

/**
 * lab_source_line_short:
 *
 * Returns: (transfer full) (nullable): the line of @event's call, as a row
 *   shows it: “mi_servidor.py:12  conn, addr = s.accept()”
 */
char *
lab_source_line_short (LabEvent *event)
{
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  guint number = 0;

  if (lab_event_get_backend (event) != LAB_BACKEND_TRACED ||
      !lab_source_line_parse (lab_event_get_line (event), &file, &number, &text))
    return NULL;

  base = g_path_get_basename (file);
  if (text[0] == '\0')
    return g_strdup_printf ("%s:%u", base, number);
  return g_strdup_printf ("%s:%u  %s", base, number, text);
}

/**
 * lab_source_line_dup_path:
 * @endpoint: the traced program's endpoint, whose folder the file is in
 * @number: (out): the line's number
 *
 * Returns: (transfer full) (nullable): the absolute path of the file of
 *   @event's line
 */
char *
lab_source_line_dup_path (LabEvent    *event,
                          LabEndpoint *endpoint,
                          guint       *number)
{
  g_autofree char *file = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *cwd = NULL;

  if (lab_event_get_backend (event) != LAB_BACKEND_TRACED ||
      !lab_source_line_parse (lab_event_get_line (event), &file, number, NULL))
    return NULL;
  if (g_path_is_absolute (file))
    return g_steal_pointer (&file);

  g_object_get (lab_endpoint_get_config (endpoint), "working-directory", &folder, NULL);
  if (folder == NULL || folder[0] == '\0')
    {
      cwd = g_get_current_dir ();
      return g_build_filename (cwd, file, NULL);
    }
  return g_build_filename (folder, file, NULL);
}
