/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-cli-private.h"
#include "lab-hex.h"

/* What a file or a command line says is printed as the timeline prints
 * the bytes it received: a file's title, an endpoint's name, a value in an
 * error may hold an escape sequence, and a terminal would obey it. */

/**
 * lab_cli_escape:
 * @text: (nullable): text to print
 *
 * Returns: @text with every control character, C1 control and byte that
 *   is not UTF-8 written as the timeline writes them (`\x1b`, `\r`);
 *   empty for %NULL
 */
char *
lab_cli_escape (const char *text)
{
  if (text == NULL)
    return g_strdup ("");

  return lab_text_escape ((const guint8 *) text, strlen (text), 0);
}

/**
 * lab_cli_escape_lines:
 *
 * Returns: @text escaped as lab_cli_escape() does, but for its newlines,
 *   which stay: notes written on several lines are read on several
 */
char *
lab_cli_escape_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *escaped = lab_cli_escape (lines[i]);

      g_free (lines[i]);
      lines[i] = escaped;
    }

  return g_strjoinv ("\n", lines);
}

/**
 * lab_cli_json_escape_controls:
 * @line: one line of JSON
 *
 * JSON escapes the C0 controls, and json-glib DEL too, but leaves the C1
 * controls (U+0080 to U+009F) raw, and a terminal may obey them as it
 * obeys ESC; the line and paragraph separators break lines. They are
 * written `\u009b` here, which any JSON reader reads back as they were.
 * Outside strings JSON is ASCII, so only strings change. JSON is UTF-8:
 * a byte that is not is replaced by U+FFFD.
 *
 * Returns: the line with those characters escaped
 */
char *
lab_cli_json_escape_controls (const char *line)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p = line;

  /* Most lines are ASCII, and stay as they are. */
  while (*p != '\0' && (guchar) *p < 0x80)
    p++;
  if (*p == '\0')
    return g_strdup (line);

  valid = g_utf8_make_valid (line, -1);
  out = g_string_sized_new (strlen (valid) + 1);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}
