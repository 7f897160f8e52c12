/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-experiment-lines-private.h"
#include "lab-hex.h"

/* Where things are in the text of an experiment file, found before
 * GKeyFile reads it, so that every error can name its line; and the
 * messages that quote the file, escaped. */

void
lab_lines_clear (LabLines *lines)
{
  g_clear_pointer (&lines->groups, g_hash_table_unref);
  g_clear_pointer (&lines->keys, g_hash_table_unref);
}

guint
lab_lines_of_group (LabLines   *lines,
                    const char *group)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (lines->groups, group));
}

guint
lab_lines_of_key (LabLines   *lines,
                  const char *group,
                  const char *key)
{
  g_autofree char *id = g_strconcat (group, "\n", key, NULL);
  guint line = GPOINTER_TO_UINT (g_hash_table_lookup (lines->keys, id));

  return line != 0 ? line : lab_lines_of_group (lines, group);
}

static char * G_GNUC_PRINTF (1, 0)
escaped_vprintf (const char *format,
                 va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  return lab_text_escape_message (message);
}

void
lab_line_error (GError     **error,
                guint        line,
                const char  *format,
                ...)
{
  g_autofree char *escaped = NULL;
  va_list args;

  va_start (args, format);
  escaped = escaped_vprintf (format, args);
  va_end (args);

  /* Translators: %u is a line number of the file, %s what is wrong there. */
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE, _("Line %u: %s"), line, escaped);
}

void
lab_line_warning (GPtrArray  *warnings,
                  const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (warnings, escaped_vprintf (format, args));
  va_end (args);
}

/* GKeyFile reads a text a line at a time and stops at the first line it
 * refuses, without saying which: it is the last of the fewest first
 * lines that GKeyFile refuses too. */
guint
lab_line_refused (const char *data,
                  gsize       length)
{
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint low = 1, high;

  for (const char *p = data; p < data + length; p++)
    {
      const char *eol = memchr (p, '\n', data + length - p);
      gsize end = eol != NULL ? (gsize) (eol + 1 - data) : length;

      g_array_append_val (ends, end);
      p = data + end - 1;
    }

  high = MAX (ends->len, 1);
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr(GKeyFile) file = g_key_file_new ();

      if (g_key_file_load_from_data (file, data, g_array_index (ends, gsize, middle - 1),
                                     G_KEY_FILE_KEEP_TRANSLATIONS, NULL))
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

/* What GKeyFile would refuse, found first so that the error can name the
 * line: text that is not UTF-8, and lines that are neither a group, a key
 * nor a comment. It also notes where each group and key is. */
gboolean
lab_lines_scan (const char  *data,
                gsize        length,
                LabLines    *lines,
                GError     **error)
{
  g_autofree char *group = NULL;
  const char *p = data;
  const char *end = data + length;
  guint n = 0;

  lines->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      gsize len = (eol != NULL ? eol : end) - p;
      g_autofree char *line = NULL;
      const char *text;

      n++;
      if (!g_utf8_validate_len (p, len, NULL))
        {
          lab_line_error (error, n, _("the text is not valid UTF-8"));
          return FALSE;
        }

      line = g_strndup (p, len);
      g_strchomp (line);
      text = line;
      while (*text == ' ' || *text == '\t')
        text++;

      if (*text == '\0' || *text == '#')
        ;
      else if (*text == '[')
        {
          const char *close = strchr (text, ']');

          if (close == NULL || close[1] != '\0' || close == text + 1)
            {
              /* Translators: %s is the line as it is in the file. */
              lab_line_error (error, n, _("“%s” is not a complete [group] header"), text);
              return FALSE;
            }
          g_free (group);
          group = g_strndup (text + 1, close - text - 1);
          if (!g_hash_table_contains (lines->groups, group))
            g_hash_table_insert (lines->groups, g_strdup (group), GUINT_TO_POINTER (n));
        }
      else
        {
          const char *equals = strchr (text, '=');
          g_autofree char *key = NULL;

          if (equals == NULL || equals == text)
            {
              /* Translators: %s is the line as it is in the file. */
              lab_line_error (error, n, _("“%s” is not a [group], a key=value line or a #comment"), text);
              return FALSE;
            }
          if (group == NULL)
            {
              lab_line_error (error, n, _("a key comes before the first [group]"));
              return FALSE;
            }
          key = g_strndup (text, equals - text);
          g_strchomp (key);
          g_hash_table_insert (lines->keys, g_strconcat (group, "\n", key, NULL), GUINT_TO_POINTER (n));
        }

      p = eol != NULL ? eol + 1 : end;
    }

  return TRUE;
}
