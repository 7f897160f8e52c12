/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-hex.h"
#include "lab-fuzz.h"

/* The send box's two parsers, on any text, and the writers of bytes, on
 * any bytes: what is written reads back as the same bytes, and text for a
 * terminal holds no control character. */

/* No bytes may be no memory at all: memcmp () is not given it. */
static gboolean
same_bytes (GBytes       *bytes,
            const guint8 *data,
            gsize         size)
{
  return g_bytes_get_size (bytes) == size && (size == 0 || memcmp (g_bytes_get_data (bytes, NULL), data, size) == 0);
}

static void
check_text_round_trip (const guint8 *data,
                       gsize         size)
{
  g_autofree char *escaped = lab_text_escape (data, size, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;

  for (const char *p = escaped; *p != '\0'; p++)
    lab_fuzz_check ((guchar) *p >= 0x20 && *p != 0x7f, "“%s” holds 0x%02x", escaped, (guchar) *p);

  back = lab_text_unescape (escaped, &error);
  lab_fuzz_check (back != NULL, "“%s” does not read back: %s", escaped, error->message);
  lab_fuzz_check (same_bytes (back, data, size), "“%s” reads back as %" G_GSIZE_FORMAT " other bytes", escaped,
                  g_bytes_get_size (back));
}

static void
check_hex_round_trip (const guint8 *data,
                      gsize         size)
{
  g_autofree char *hex = lab_hex_format (data, size, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = lab_hex_parse (hex, &error);

  lab_fuzz_check (back != NULL, "“%s” does not read back: %s", hex, error->message);
  lab_fuzz_check (same_bytes (back, data, size), "“%s” reads back as other bytes", hex);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GString) python = g_string_new (NULL);
  g_autofree char *dump = lab_hex_dump (data, size, size, 16);
  g_autofree char *narrow = lab_hex_dump (data, size, 0, 8);
  g_autofree char *cut = lab_text_escape (data, size, size / 2 + 1);
  g_autofree char *cut_hex = lab_hex_format (data, size, size / 3 + 1);

  /* Parsed, the text is bytes or an error that says where. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = lab_hex_parse (text, &error);

    lab_fuzz_check ((bytes == NULL) == (error != NULL), "lab_hex_parse: a result and an error");
    if (bytes != NULL)
      check_hex_round_trip (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = lab_text_unescape (text, &error);

    lab_fuzz_check ((bytes == NULL) == (error != NULL), "lab_text_unescape: a result and an error");
    if (bytes != NULL)
      check_text_round_trip (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }

  check_text_round_trip (data, size);
  check_hex_round_trip (data, size);
  lab_python_bytes_append (python, data, size, '\'');
  lab_python_bytes_append (python, data, size, '"');
  lab_fuzz_check (dump != NULL && narrow != NULL && cut != NULL && cut_hex != NULL, "a writer returned nothing");

  return 0;
}
