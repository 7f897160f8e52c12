/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-hex.h"

/* Positions in messages count characters from 1, as a person counts them in
 * the field they typed. */
static glong
char_position (const char *text,
               const char *at)
{
  return g_utf8_pointer_to_offset (text, at) + 1;
}

static void
set_bad_char_error (GError    **error,
                    const char *text,
                    const char *at,
                    const char *what)
{
  gunichar c = g_utf8_get_char_validated (at, -1);
  char buf[8] = { 0 };

  if (c == (gunichar) -1 || c == (gunichar) -2)
    c = 0xFFFD;
  g_unichar_to_utf8 (c, buf);

  /* Translators: %ld is a position counted in characters from 1, “%s” the
   * character found there, and the last %s says what was expected. */
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT, _("Position %ld: “%s” is not %s"),
               char_position (text, at), buf, what);
}

/**
 * lab_hex_parse:
 * @text: bytes written as hexadecimal: `48 65 6c`, `48656c`, `\x48\x65`,
 *   `0x48 0x65`, with spaces, tabs, new lines, `:`, `-` or `,` between bytes
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with @error
 *   naming the position of the first mistake
 */
GBytes *
lab_hex_parse (const char  *text,
               GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const char *p = text;
  const char *digit_start = NULL;
  int high = -1;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT, _("The text is not valid UTF-8"));
      return NULL;
    }

  while (*p != '\0')
    {
      int value = g_ascii_xdigit_value (*p);

      /* A 0x or \x prefix before a byte is skipped. */
      if (high < 0 && (p[0] == '\\' || p[0] == '0') && (p[1] == 'x' || p[1] == 'X') &&
          g_ascii_isxdigit (p[2]))
        {
          p += 2;
          continue;
        }

      if (value >= 0)
        {
          if (high < 0)
            {
              high = value;
              digit_start = p;
            }
          else
            {
              guint8 byte = (guint8) (high << 4 | value);

              g_byte_array_append (bytes, &byte, 1);
              high = -1;
            }
          p++;
          continue;
        }

      if (high >= 0)
        {
          /* Translators: a byte written in hexadecimal needs two digits. */
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                       _("Position %ld: a byte needs two hexadecimal digits"),
                       char_position (text, digit_start));
          return NULL;
        }

      if (g_ascii_isspace (*p) || *p == ':' || *p == '-' || *p == ',')
        p++;
      else
        {
          set_bad_char_error (error, text, p, _("a hexadecimal digit"));
          return NULL;
        }
    }

  if (high >= 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                   _("Position %ld: a byte needs two hexadecimal digits"),
                   char_position (text, digit_start));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * lab_text_unescape:
 * @text: text in which `\n`, `\r`, `\t`, `\0`, `\\` and `\xHH` stand for
 *   the bytes they name
 *
 * Returns: (transfer full) (nullable): the bytes of the text, UTF-8
 *   encoded, or %NULL with @error naming the position of a bad escape
 */
GBytes *
lab_text_unescape (const char  *text,
                   GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT, _("The text is not valid UTF-8"));
      return NULL;
    }

  while (*p != '\0')
    {
      guint8 byte;

      if (*p != '\\')
        {
          g_byte_array_append (bytes, (const guint8 *) p, 1);
          p++;
          continue;
        }

      switch (p[1])
        {
        case 'n': byte = '\n'; p += 2; break;
        case 'r': byte = '\r'; p += 2; break;
        case 't': byte = '\t'; p += 2; break;
        case '0': byte = '\0'; p += 2; break;
        case '\\': byte = '\\'; p += 2; break;
        case 'x':
          if (g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
            {
              byte = (guint8) (g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3]));
              p += 4;
              break;
            }
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                       /* Translators: \xHH is an escape the user types; keep it as it is. */
                       _("Position %ld: \\x needs two hexadecimal digits after it"),
                       char_position (text, p));
          return NULL;
        case '\0':
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                       /* Translators: keep \\ as it is: it is what the user types. */
                       _("Position %ld: a lone \\ at the end; write \\\\ for a backslash"),
                       char_position (text, p));
          return NULL;
        default:
          set_bad_char_error (error, text, p + 1,
                              /* Translators: the escapes the user may type; keep them as they are. */
                              _("an escape the lab knows (\\n \\r \\t \\0 \\\\ \\xHH)"));
          return NULL;
        }

      g_byte_array_append (bytes, &byte, 1);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * lab_hex_format:
 * @max_len: how many bytes to write at most (0 for all); more is marked “…”
 *
 * Returns: the bytes in hexadecimal, separated by spaces: `68 6f 6c 61`
 */
char *
lab_hex_format (const guint8 *data,
                gsize         len,
                gsize         max_len)
{
  static const char digits[] = "0123456789abcdef";
  gsize n = max_len > 0 ? MIN (len, max_len) : len;
  GString *out = g_string_sized_new (n * 3 + 4);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[data[i] >> 4]);
      g_string_append_c (out, digits[data[i] & 0xf]);
    }

  if (n < len)
    g_string_append (out, " …");

  return g_string_free (out, FALSE);
}

/**
 * lab_text_escape:
 * @max_len: how many bytes to write at most (0 for all); more is marked “…”
 *
 * Received bytes are data, never commands: the result holds no control
 * character, so that it is safe on a terminal and in a label. Printable
 * ASCII and valid UTF-8 stay as they are; `\n`, `\r`, `\t`, `\\` are
 * escaped, and any other byte is written `\xHH`.
 *
 * Returns: the escaped text
 */
char *
lab_text_escape (const guint8 *data,
                 gsize         len,
                 gsize         max_len)
{
  gsize n = max_len > 0 ? MIN (len, max_len) : len;
  GString *out = g_string_sized_new (n + 8);
  gsize i = 0;

  while (i < n)
    {
      guint8 c = data[i];

      const char *escape = NULL;

      switch (c)
        {
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
        }

      if (escape != NULL)
        {
          g_string_append (out, escape);
          i++;
        }
      else if (c >= 0x20 && c < 0x7f)
        {
          g_string_append_c (out, (char) c);
          i++;
        }
      else if (c >= 0x80)
        {
          const char *start = (const char *) data + i;
          const char *end = NULL;
          gunichar uc;

          /* One whole UTF-8 character that is printable stays as it is. */
          g_utf8_validate_len (start, MIN (n - i, 4), &end);
          uc = end > start ? g_utf8_get_char (start) : 0;
          /* The line and paragraph separators would break the line. */
          if (end > start && g_unichar_isprint (uc) && uc != 0x2028 && uc != 0x2029)
            {
              gsize char_len = g_utf8_next_char (start) - start;

              g_string_append_len (out, start, char_len);
              i += char_len;
            }
          else
            {
              g_string_append_printf (out, "\\x%02x", c);
              i++;
            }
        }
      else
        {
          g_string_append_printf (out, "\\x%02x", c);
          i++;
        }
    }

  if (n < len)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * lab_hex_dump:
 * @offset: the offset of @data in its stream, printed at each line's start
 * @per_line: how many bytes a line holds: 16 for a terminal, 8 for a narrow
 *   pane
 *
 * Returns: a classic dump: offset, hex in two groups, and the bytes as
 *   text with `.` for anything not printable ASCII
 */
char *
lab_hex_dump (const guint8 *data,
              gsize         len,
              gsize         offset,
              guint         per_line)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (per_line >= 2, g_string_free (out, FALSE));

  for (gsize line = 0; line < len; line += per_line)
    {
      gsize n = MIN (per_line, len - line);

      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", offset + line);
      for (gsize i = 0; i < per_line; i++)
        {
          if (i < n)
            g_string_append_printf (out, "%02x ", data[line + i]);
          else
            g_string_append (out, "   ");
          if (i == per_line / 2 - 1)
            g_string_append_c (out, ' ');
        }
      g_string_append (out, " ");
      for (gsize i = 0; i < n; i++)
        {
          guint8 c = data[line + i];
          g_string_append_c (out, c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

/**
 * lab_python_bytes_append:
 * @quote: `'` or `"`, the quote the literal is written between
 *
 * Appends @data as a Python bytes literal, `b'hola\n'`: printable ASCII as
 * it is, any other byte escaped, so that Python reads back the same bytes.
 */
void
lab_python_bytes_append (GString      *out,
                         const guint8 *data,
                         gsize         len,
                         char          quote)
{
  g_string_append_c (out, 'b');
  g_string_append_c (out, quote);
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c == (guint8) quote)
            {
              g_string_append_c (out, '\\');
              g_string_append_c (out, quote);
            }
          else if (c >= 0x20 && c < 0x7f)
            g_string_append_c (out, (char) c);
          else
            g_string_append_printf (out, "\\x%02x", c);
        }
    }
  g_string_append_c (out, quote);
}

/**
 * lab_text_escape_message:
 * @message: a message that may quote outside text: a file, an argument
 *
 * The characters of @message that are not printable written as
 * lab_text_escape() writes them (\t, \x1b): quoted text cannot move a
 * terminal's cursor or turn a label's text around. Backslashes are left
 * as they are, so that a message escaped already reads the same.
 *
 * Returns: the escaped message
 */
char *
lab_text_escape_message (const char *message)
{
  g_autofree char *valid = g_utf8_make_valid (message, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (*p == '\\')
        g_string_append_c (out, '\\');
      else
        {
          g_autofree char *escaped = lab_text_escape ((const guint8 *) p, g_utf8_next_char (p) - p, 0);

          g_string_append (out, escaped);
        }
    }

  return g_string_free (out, FALSE);
}
