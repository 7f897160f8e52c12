/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lab-error.h"
#include "lab-hex.h"
#include "lab-test-utils.h"

/* Bytes typed as hex or as escaped text, and bytes shown as hex, as
 * escaped text and as a dump: exact bytes in, exact text out. */

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       expected_len)
{
  gsize len = 0;
  const guint8 *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, ==, expected_len);
  if (expected_len > 0)
    g_assert_cmpmem (data, len, expected, expected_len);
}

/* The first number in an error's message: the position it names, in
 * whatever language the message is in. */
static glong
error_position (const GError *error)
{
  const char *p = error->message;

  while (*p != '\0' && !g_ascii_isdigit (*p))
    p++;
  g_assert_true (g_ascii_isdigit (*p));

  return strtol (p, NULL, 10);
}

static void
assert_parsed (const char *text,
               const char *expected,
               gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lab_hex_parse (text, &error);

  g_assert_no_error (error);
  assert_bytes (bytes, expected, expected_len);
}

/* Parses @text, which must fail at @position; returns the error. */
static GError *
parse_fails_at (const char *text,
                glong       position)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = lab_hex_parse (text, &error);

  g_assert_null (bytes);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_assert_cmpint (error_position (error), ==, position);

  return error;
}

static void
assert_unescaped (const char *text,
                  const char *expected,
                  gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lab_text_unescape (text, &error);

  g_assert_no_error (error);
  assert_bytes (bytes, expected, expected_len);
}

static GError *
unescape_fails_at (const char *text,
                   glong       position)
{
  GError *error = NULL;
  g_autoptr(GBytes) bytes = lab_text_unescape (text, &error);

  g_assert_null (bytes);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_assert_cmpint (error_position (error), ==, position);

  return error;
}

/* Every way of writing hex the lab accepts gives the same bytes. */
static void
test_hex_parse (void)
{
  assert_parsed ("48 65 6c", "Hel", 3);
  assert_parsed ("48656c", "Hel", 3);
  assert_parsed ("\\x48\\x65", "He", 2);
  assert_parsed ("\\X48\\X65", "He", 2);
  assert_parsed ("0x48 0x65", "He", 2);
  assert_parsed ("0X480x65", "He", 2);
  assert_parsed ("48:65-6c,6C", "Hell", 4);
  assert_parsed ("48 65\n6c\r\n6c\t6f 0a", "Hello\n", 6);
  assert_parsed ("  DE:ad:Be:eF  ", "\xde\xad\xbe\xef", 4);
  assert_parsed ("00 00 ff", "\0\0\xff", 3);
  assert_parsed ("0x00", "\0", 1);
  assert_parsed ("", "", 0);
  assert_parsed (" :-,\n", "", 0);
}

/* An odd number of digits is named at the digit left alone. */
static void
test_hex_parse_odd_digits (void)
{
  g_autoptr(GError) trailing = parse_fails_at ("486", 3);
  g_autoptr(GError) spaced = parse_fails_at ("48 6", 4);
  g_autoptr(GError) split = parse_fails_at ("4 8", 1);
  g_autoptr(GError) before_bad = parse_fails_at ("48 6g", 4);
  g_autoptr(GError) prefixed = parse_fails_at ("0x48 0x4", 8);
  g_autoptr(GError) late = parse_fails_at ("48 65 6c 6c 6\n", 13);
}

/* A character that is no digit nor separator is named, at its position
 * counted in characters, not bytes. */
static void
test_hex_parse_bad_character (void)
{
  g_autoptr(GError) letter = parse_fails_at ("48 zz", 4);
  g_autoptr(GError) x_alone = parse_fails_at ("48 x65", 4);
  g_autoptr(GError) backslash = parse_fails_at ("48\\n", 3);
  g_autoptr(GError) multibyte = parse_fails_at ("48 65 ñ 6c", 7);
  g_autoptr(GError) euro = parse_fails_at ("€", 1);

  g_assert_nonnull (strstr (letter->message, "z"));
  g_assert_nonnull (strstr (x_alone->message, "x"));
  g_assert_nonnull (strstr (backslash->message, "\\"));
  g_assert_nonnull (strstr (multibyte->message, "ñ"));
  g_assert_nonnull (strstr (euro->message, "€"));
}

/* Text that is not UTF-8 is refused as a whole. */
static void
test_hex_parse_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GBytes) bytes = lab_hex_parse ("48 \xff 65", &error);
  g_autoptr(GBytes) bytes2 = lab_text_unescape ("ab\xc3", &error2);

  g_assert_null (bytes);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
  g_assert_null (bytes2);
  g_assert_error (error2, LAB_ERROR, LAB_ERROR_INVALID_INPUT);
}

/* Each escape stands for its one byte; the rest is the text's UTF-8. */
static void
test_unescape (void)
{
  assert_unescaped ("hola", "hola", 4);
  assert_unescaped ("a\\nb\\r\\t", "a\nb\r\t", 5);
  assert_unescaped ("\\0\\\\", "\0\\", 2);
  assert_unescaped ("\\x41\\xfF\\x00", "A\xff\0", 3);
  assert_unescaped ("\\\\n", "\\n", 2);
  assert_unescaped ("ñ\\n", "\xc3\xb1\n", 3);
  assert_unescaped ("", "", 0);
}

/* A bad escape is named at its character position. */
static void
test_unescape_errors (void)
{
  /* Unknown: the letter after the backslash is named. */
  g_autoptr(GError) unknown = unescape_fails_at ("ab\\q", 4);
  g_autoptr(GError) unknown_multibyte = unescape_fails_at ("\\é", 2);
  /* A backslash at the very end. */
  g_autoptr(GError) lone = unescape_fails_at ("abc\\", 4);
  /* \x with one digit, or none: the backslash is named. */
  g_autoptr(GError) one_digit = unescape_fails_at ("\\x4", 1);
  g_autoptr(GError) bad_digit = unescape_fails_at ("ok \\x4g", 4);
  g_autoptr(GError) no_digit = unescape_fails_at ("\\x", 1);

  g_assert_nonnull (strstr (unknown->message, "q"));
  g_assert_nonnull (strstr (unknown_multibyte->message, "é"));
}

/* Characters of several bytes before the mistake count once each. */
static void
test_unescape_position_after_multibyte (void)
{
  /* "ñandú " is six characters and eight bytes. */
  g_autoptr(GError) unknown = unescape_fails_at ("ñandú \\q", 8);
  g_autoptr(GError) hex = unescape_fails_at ("€€\\x4", 3);
  g_autoptr(GError) lone = unescape_fails_at ("日本語\\", 4);
  g_autoptr(GError) emoji = unescape_fails_at ("🙂 \\z", 4);

  g_assert_nonnull (strstr (unknown->message, "q"));
  g_assert_nonnull (strstr (emoji->message, "z"));
}

/* Hex is lowercase, a space between bytes, cut at max_len with " …". */
static void
test_hex_format (void)
{
  const guint8 data[] = { 0x48, 0x6f, 0x6c, 0x61, 0x00, 0xff, 0xab };
  g_autofree char *all = lab_hex_format (data, sizeof data, 0);
  g_autofree char *exact = lab_hex_format (data, 4, 4);
  g_autofree char *cut = lab_hex_format (data, sizeof data, 2);
  g_autofree char *one = lab_hex_format (data + 5, 1, 0);
  g_autofree char *cut_one = lab_hex_format (data, sizeof data, 1);
  g_autofree char *empty = lab_hex_format (data, 0, 0);

  g_assert_cmpstr (all, ==, "48 6f 6c 61 00 ff ab");
  g_assert_cmpstr (exact, ==, "48 6f 6c 61");
  g_assert_cmpstr (cut, ==, "48 6f …");
  g_assert_cmpstr (one, ==, "ff");
  g_assert_cmpstr (cut_one, ==, "48 …");
  g_assert_cmpstr (empty, ==, "");
}

static char *
escape (const char *data,
        gsize       len,
        gsize       max_len)
{
  return lab_text_escape ((const guint8 *) data, len, max_len);
}

/* Received bytes never reach a terminal as control characters: they
 * become escapes, while printable text, UTF-8 too, stays as it is. */
static void
test_text_escape (void)
{
  g_autofree char *plain = escape ("Hola, mundo ~", 13, 0);
  g_autofree char *escapes = escape ("a\\b\n\r\t", 6, 0);
  g_autofree char *controls = escape ("\0\x01\x1b\x7f", 4, 0);
  g_autofree char *ansi = escape ("\x1b[31mred\x1b[0m", 12, 0);
  g_autofree char *utf8 = escape ("ñandú €🙂", strlen ("ñandú €🙂"), 0);
  /* U+0085, a C1 control: valid UTF-8 but not printable. */
  g_autofree char *c1 = escape ("a\xc2\x85z", 4, 0);
  /* U+202E, the right-to-left override, a format character. */
  g_autofree char *bidi = escape ("\xe2\x80\xae", 3, 0);
  /* U+2028 and U+2029 would break a line though GLib counts them printable. */
  g_autofree char *separators = escape ("a\xe2\x80\xa8" "b\xe2\x80\xa9", 8, 0);

  g_assert_cmpstr (plain, ==, "Hola, mundo ~");
  g_assert_cmpstr (escapes, ==, "a\\\\b\\n\\r\\t");
  g_assert_cmpstr (controls, ==, "\\x00\\x01\\x1b\\x7f");
  g_assert_cmpstr (ansi, ==, "\\x1b[31mred\\x1b[0m");
  g_assert_cmpstr (utf8, ==, "ñandú €🙂");
  g_assert_cmpstr (c1, ==, "a\\xc2\\x85z");
  g_assert_cmpstr (bidi, ==, "\\xe2\\x80\\xae");
  g_assert_cmpstr (separators, ==, "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9");
}

/* Bytes that are not UTF-8 are written one by one as \xHH, and what
 * follows them is read afresh. */
static void
test_text_escape_invalid_utf8 (void)
{
  g_autofree char *ff = escape ("a\xff" "b", 3, 0);
  g_autofree char *continuation = escape ("\x80\xbf", 2, 0);
  /* A lead byte with its continuation missing. */
  g_autofree char *truncated = escape ("\xc3(", 2, 0);
  /* An encoded surrogate and an overlong slash are not UTF-8. */
  g_autofree char *surrogate = escape ("\xed\xa0\x80", 3, 0);
  g_autofree char *overlong = escape ("\xc0\xaf", 2, 0);
  /* A good character right after a bad byte survives. */
  g_autofree char *then_good = escape ("\xfeñ", 3, 0);
  /* The data may end in the middle of a character. */
  g_autofree char *cut_char = escape ("ab\xe2\x82", 4, 0);

  g_assert_cmpstr (ff, ==, "a\\xffb");
  g_assert_cmpstr (continuation, ==, "\\x80\\xbf");
  g_assert_cmpstr (truncated, ==, "\\xc3(");
  g_assert_cmpstr (surrogate, ==, "\\xed\\xa0\\x80");
  g_assert_cmpstr (overlong, ==, "\\xc0\\xaf");
  g_assert_cmpstr (then_good, ==, "\\xfeñ");
  g_assert_cmpstr (cut_char, ==, "ab\\xe2\\x82");
}

/* max_len counts bytes of the data; more is marked with "…". */
static void
test_text_escape_max_len (void)
{
  g_autofree char *cut = escape ("Hola", 4, 2);
  g_autofree char *exact = escape ("Hola", 4, 4);
  g_autofree char *more = escape ("Hola", 4, 10);
  g_autofree char *escaped = escape ("\n\n\n", 3, 2);
  /* A limit inside a character leaves its first byte alone. */
  g_autofree char *mid_char = escape ("ñ", 2, 1);
  g_autofree char *empty = escape ("", 0, 0);

  g_assert_cmpstr (cut, ==, "Ho…");
  g_assert_cmpstr (exact, ==, "Hola");
  g_assert_cmpstr (more, ==, "Hola");
  g_assert_cmpstr (escaped, ==, "\\n\\n…");
  g_assert_cmpstr (mid_char, ==, "\\xc3…");
  g_assert_cmpstr (empty, ==, "");
}

/* A dump has 16 bytes a line: offset, hex in two groups of 8, text with
 * "." for anything not printable ASCII. */
static void
test_hex_dump (void)
{
  const char data[] = "0123456789abcdef\0\n\x7f\xff" "A";
  const char mixed[] = "Hola, mundo\r\n\t\x1b~";
  g_autofree char *two_lines = lab_hex_dump ((const guint8 *) data, 21, 0x100, 16);
  g_autofree char *one_line = lab_hex_dump ((const guint8 *) mixed, 16, 0, 16);
  g_autofree char *empty = lab_hex_dump ((const guint8 *) data, 0, 0, 16);
  g_autofree char *far = lab_hex_dump ((const guint8 *) "x", 1, 0xabcdef012, 16);
  g_autofree char *short_line = lab_hex_dump ((const guint8 *) "hi", 2, 0, 16);

  g_assert_cmpstr (two_lines, ==,
                   "00000100  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef\n"
                   "00000110  00 0a 7f ff 41                                    ....A\n");
  g_assert_cmpstr (one_line, ==,
                   "00000000  48 6f 6c 61 2c 20 6d 75  6e 64 6f 0d 0a 09 1b 7e  Hola, mundo....~\n");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (far, ==,
                   "abcdef012  78                                                x\n");
  g_assert_cmpstr (short_line, ==,
                   "00000000  68 69                                             hi\n");
}

/* 33 bytes make three lines, the offsets 16 apart. */
static void
test_hex_dump_lines (void)
{
  guint8 data[33];
  g_autofree char *dump = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) i;
  dump = lab_hex_dump (data, sizeof data, 0, 16);
  lines = g_strsplit (dump, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[3], ==, "");
  g_assert_cmpstr (lines[0], ==, "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................");
  g_assert_cmpstr (lines[1], ==, "00000010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  ................");
  /* The last byte, a space, is printable: it shows as itself. */
  g_assert_cmpstr (lines[2], ==, "00000020  20                                                 ");
  g_strfreev (g_steal_pointer (&lines));
  g_free (dump);

  /* Eight a line for a narrow pane: the groups are of four. */
  dump = lab_hex_dump (data, 10, 0x20, 8);
  g_assert_cmpstr (dump, ==,
                   "00000020  00 01 02 03  04 05 06 07  ........\n"
                   "00000028  08 09                     ..\n");
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/hex/parse", test_hex_parse);
  g_test_add_func ("/hex/parse-odd-digits", test_hex_parse_odd_digits);
  g_test_add_func ("/hex/parse-bad-character", test_hex_parse_bad_character);
  g_test_add_func ("/hex/parse-invalid-utf8", test_hex_parse_invalid_utf8);
  g_test_add_func ("/hex/unescape", test_unescape);
  g_test_add_func ("/hex/unescape-errors", test_unescape_errors);
  g_test_add_func ("/hex/unescape-position-after-multibyte", test_unescape_position_after_multibyte);
  g_test_add_func ("/hex/format", test_hex_format);
  g_test_add_func ("/hex/escape", test_text_escape);
  g_test_add_func ("/hex/escape-invalid-utf8", test_text_escape_invalid_utf8);
  g_test_add_func ("/hex/escape-max-len", test_text_escape_max_len);
  g_test_add_func ("/hex/dump", test_hex_dump);
  g_test_add_func ("/hex/dump-lines", test_hex_dump_lines);

  return g_test_run ();
}
