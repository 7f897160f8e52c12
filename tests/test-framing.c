/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-framing.h"
#include "lab-test-utils.h"

/* How a stream of bytes becomes messages, and messages become bytes to
 * send: boundaries, partial frames, and the limits that keep a peer from
 * making a decoder hold without end. */

static void
push (LabDecoder *decoder,
      const char *data,
      gsize       len)
{
  lab_decoder_push (decoder, (const guint8 *) data, len);
}

/* The next message must be @expected, its frame @frame_len bytes of which
 * @header_len before it and @trailer_len after it. */
static void
assert_next (LabDecoder *decoder,
             const char *expected,
             gsize       expected_len,
             gsize       frame_len,
             gsize       header_len,
             gsize       trailer_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  LabFrameInfo info = { 99, 99, 99 };
  const guint8 *data;
  gsize len = 0;

  message = lab_decoder_next (decoder, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  data = g_bytes_get_data (message, &len);
  g_assert_cmpuint (len, ==, expected_len);
  if (expected_len > 0)
    g_assert_cmpmem (data, len, expected, expected_len);
  g_assert_cmpuint (info.frame_len, ==, frame_len);
  g_assert_cmpuint (info.header_len, ==, header_len);
  g_assert_cmpuint (info.trailer_len, ==, trailer_len);
}

/* No whole message yet, and no error either. */
static void
assert_none (LabDecoder *decoder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = lab_decoder_next (decoder, NULL, &error);

  g_assert_no_error (error);
  g_assert_null (message);
}

static void
assert_framing_error (LabDecoder *decoder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = lab_decoder_next (decoder, NULL, &error);

  g_assert_null (message);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FRAMING);
  /* What it held is dropped: nothing left to take. */
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
}

static void
assert_encoded (LabFraming  framing,
                gsize       fixed_size,
                const char *message,
                gsize       message_len,
                const char *expected,
                gsize       expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (message, message_len);
  g_autoptr(GBytes) encoded = lab_framing_encode (framing, fixed_size, bytes, &error);
  const guint8 *data;
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_nonnull (encoded);
  data = g_bytes_get_data (encoded, &len);
  g_assert_cmpuint (len, ==, expected_len);
  if (expected_len > 0)
    g_assert_cmpmem (data, len, expected, expected_len);
}

/* Raw: each push is one message, however the bytes look. */
static void
test_raw (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_RAW, 0, 0);

  assert_none (decoder);
  push (decoder, "ab\n", 3);
  push (decoder, "", 0);
  push (decoder, "cde", 3);
  push (decoder, "\0\0", 2);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 8);

  assert_next (decoder, "ab\n", 3, 3, 0, 0);
  assert_next (decoder, "cde", 3, 3, 0, 0);
  assert_next (decoder, "\0\0", 2, 2, 0, 0);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);

  /* After a take, pushes still keep their own boundaries. */
  push (decoder, "x", 1);
  push (decoder, "yz", 2);
  assert_next (decoder, "x", 1, 1, 0, 0);
  push (decoder, "w", 1);
  assert_next (decoder, "yz", 2, 2, 0, 0);
  assert_next (decoder, "w", 1, 1, 0, 0);
  assert_none (decoder);
}

/* Lines end at \n or \r\n, which is not part of the message. */
static void
test_lines (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LINES, 0, 0);

  push (decoder, "one\ntwo\r\n\n\r\nthr", 15);
  assert_next (decoder, "one", 3, 4, 0, 1);
  assert_next (decoder, "two", 3, 5, 0, 2);
  assert_next (decoder, "", 0, 1, 0, 1);
  assert_next (decoder, "", 0, 2, 0, 2);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 3);

  /* The rest of a line comes in later pushes. */
  push (decoder, "e", 1);
  assert_none (decoder);
  push (decoder, "e\nfour", 6);
  assert_next (decoder, "three", 5, 6, 0, 1);
  assert_none (decoder);

  /* The \r and the \n of one end may come apart. */
  push (decoder, "\r", 1);
  assert_none (decoder);
  push (decoder, "\n", 1);
  assert_next (decoder, "four", 4, 6, 0, 2);

  /* A \r inside a line is data. */
  push (decoder, "a\rb\r\r\n", 6);
  assert_next (decoder, "a\rb\r", 4, 6, 0, 2);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
}

/* A peer that never sends a newline cannot make the decoder hold more than
 * max_message bytes: past it, an error, and the decoder starts afresh. */
static void
test_lines_flood (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LINES, 0, 16);

  /* Exactly the limit is still waited on. */
  push (decoder, "0123456789abcdef", 16);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 16);

  /* One more byte, still no newline: too long. */
  push (decoder, "g", 1);
  assert_framing_error (decoder);
  assert_none (decoder);

  /* What comes after is read as new lines. */
  push (decoder, "ok\n", 3);
  assert_next (decoder, "ok", 2, 3, 0, 1);

  /* A line of exactly the limit, with its newline, is a message. */
  push (decoder, "0123456789abcdef\r\n", 18);
  assert_next (decoder, "0123456789abcdef", 16, 18, 0, 2);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);

  /* Too long is too long, whether its newline came with it or later. */
  push (decoder, "0123456789abcdefg\n", 18);
  assert_framing_error (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);

  /* Whole lines before the flood come out before the error. */
  push (decoder, "a\nb\n0123456789abcdefXYZ", 23);
  assert_next (decoder, "a", 1, 2, 0, 1);
  assert_next (decoder, "b", 1, 2, 0, 1);
  assert_framing_error (decoder);
}

/* The default limit applies when none is given. */
static void
test_lines_default_limit (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LINES, 0, 0);
  g_autofree guint8 *junk = g_malloc (LAB_FRAMING_DEFAULT_MAX_MESSAGE + 1);

  memset (junk, 'x', LAB_FRAMING_DEFAULT_MAX_MESSAGE + 1);
  lab_decoder_push (decoder, junk, LAB_FRAMING_DEFAULT_MAX_MESSAGE);
  assert_none (decoder);
  lab_decoder_push (decoder, junk, 1);
  assert_framing_error (decoder);
}

/* A 4-byte big-endian length, then that many bytes, in any pieces. */
static void
test_length_prefix (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LENGTH_PREFIX, 0, 0);

  /* The prefix itself split in two. */
  push (decoder, "\0\0", 2);
  assert_none (decoder);
  push (decoder, "\0\x05he", 4);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 6);
  /* The rest, a zero-length message, and half of a third. */
  push (decoder, "llo\0\0\0\0\0\0\x01", 10);
  assert_next (decoder, "hello", 5, 9, 4, 0);
  assert_next (decoder, "", 0, 4, 4, 0);
  assert_none (decoder);
  /* Its last prefix byte: 0x00000102, 258 bytes to wait for. */
  push (decoder, "\x02", 1);
  assert_none (decoder);
  {
    g_autofree char *payload = g_malloc (0x102);

    memset (payload, 'z', 0x102);
    push (decoder, payload, 0x101);
    assert_none (decoder);
    g_assert_cmpuint (lab_decoder_pending (decoder), ==, 4 + 0x101);
    push (decoder, payload, 1);
    assert_next (decoder, payload, 0x102, 4 + 0x102, 4, 0);
  }
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
}

/* Every byte of the prefix counts, the high one first. */
static void
test_length_prefix_big_endian (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LENGTH_PREFIX, 0, 0);
  g_autofree guint8 *message = g_malloc (0x10203 + 4);

  message[0] = 0x00;
  message[1] = 0x01;
  message[2] = 0x02;
  message[3] = 0x03;
  for (gsize i = 0; i < 0x10203; i++)
    message[4 + i] = (guint8) (i * 7);

  lab_decoder_push (decoder, message, 4 + 0x10202);
  assert_none (decoder);
  lab_decoder_push (decoder, message + 4 + 0x10202, 1);
  assert_next (decoder, (const char *) message + 4, 0x10203, 4 + 0x10203, 4, 0);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
}

/* A length over max_message is refused at once, before its bytes come. */
static void
test_length_prefix_limit (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LENGTH_PREFIX, 0, 8);

  push (decoder, "\0\0\0\x08" "12345678", 12);
  assert_next (decoder, "12345678", 8, 12, 4, 0);

  push (decoder, "\0\0\0\x09" "1", 5);
  assert_framing_error (decoder);

  /* A prefix with the high bit set is a large number, not a negative one. */
  push (decoder, "\xff\xff\xff\xff", 4);
  assert_framing_error (decoder);
  push (decoder, "\x80\0\0\0", 4);
  assert_framing_error (decoder);

  /* After an error the decoder reads afresh. */
  push (decoder, "\0\0\0\x02hi", 6);
  assert_next (decoder, "hi", 2, 6, 4, 0);
}

/* Fixed: every message is fixed_size bytes, whatever the pushes. */
static void
test_fixed (void)
{
  g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_FIXED, 3, 0);

  push (decoder, "ab", 2);
  assert_none (decoder);
  push (decoder, "cdefg", 5);
  assert_next (decoder, "abc", 3, 3, 0, 0);
  assert_next (decoder, "def", 3, 3, 0, 0);
  assert_none (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 1);
  push (decoder, "\n\0", 2);
  assert_next (decoder, "g\n\0", 3, 3, 0, 0);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);

  /* Reset forgets a partial message. */
  push (decoder, "xy", 2);
  lab_decoder_reset (decoder);
  g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
  push (decoder, "123", 3);
  assert_next (decoder, "123", 3, 3, 0, 0);
}

#define N_SMALL 100000

/* Many one-byte lines, pushed in chunks that cut them anywhere: each comes
 * out, in order, whether taken as they come or all at the end. */
static void
test_many_small_messages (void)
{
  g_autofree guint8 *stream = g_malloc (N_SMALL * 2);
  const gsize chunk = 4093;

  for (guint i = 0; i < N_SMALL; i++)
    {
      stream[2 * i] = (guint8) ('a' + i % 26);
      stream[2 * i + 1] = '\n';
    }

  for (guint interleaved = 0; interleaved < 2; interleaved++)
    {
      g_autoptr(LabDecoder) decoder = lab_decoder_new (LAB_FRAMING_LINES, 0, 0);
      guint taken = 0;

      for (gsize at = 0; at < N_SMALL * 2; at += chunk)
        {
          lab_decoder_push (decoder, stream + at, MIN (chunk, N_SMALL * 2 - at));

          while (interleaved)
            {
              g_autoptr(GBytes) message = lab_decoder_next (decoder, NULL, NULL);

              if (message == NULL)
                break;
              g_assert_cmpuint (g_bytes_get_size (message), ==, 1);
              g_assert_cmpint (((const guint8 *) g_bytes_get_data (message, NULL))[0], ==, 'a' + taken % 26);
              taken++;
            }
        }

      if (!interleaved)
        g_assert_cmpuint (lab_decoder_pending (decoder), ==, N_SMALL * 2);

      for (;;)
        {
          LabFrameInfo info;
          g_autoptr(GBytes) message = lab_decoder_next (decoder, &info, NULL);

          if (message == NULL)
            break;
          g_assert_cmpuint (g_bytes_get_size (message), ==, 1);
          g_assert_cmpint (((const guint8 *) g_bytes_get_data (message, NULL))[0], ==, 'a' + taken % 26);
          g_assert_cmpuint (info.frame_len, ==, 2);
          taken++;
        }

      g_assert_cmpuint (taken, ==, N_SMALL);
      g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
    }
}

/* Raw sends the message as it is; lines add \n only when it is missing. */
static void
test_encode_raw_and_lines (void)
{
  assert_encoded (LAB_FRAMING_RAW, 0, "a\nb", 3, "a\nb", 3);
  assert_encoded (LAB_FRAMING_RAW, 0, "", 0, "", 0);

  assert_encoded (LAB_FRAMING_LINES, 0, "hola", 4, "hola\n", 5);
  assert_encoded (LAB_FRAMING_LINES, 0, "hola\n", 5, "hola\n", 5);
  assert_encoded (LAB_FRAMING_LINES, 0, "hola\r\n", 6, "hola\r\n", 6);
  assert_encoded (LAB_FRAMING_LINES, 0, "hola\r", 5, "hola\r\n", 6);
  assert_encoded (LAB_FRAMING_LINES, 0, "", 0, "\n", 1);
}

/* The length prefix is 4 bytes, big-endian, before the message. */
static void
test_encode_length_prefix (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *big = g_malloc0 (0x10203);
  g_autoptr(GBytes) message = g_bytes_new_take (g_steal_pointer (&big), 0x10203);
  g_autoptr(GBytes) encoded = lab_framing_encode (LAB_FRAMING_LENGTH_PREFIX, 0, message, &error);
  const guint8 *data;
  gsize len = 0;

  assert_encoded (LAB_FRAMING_LENGTH_PREFIX, 0, "hello", 5, "\0\0\0\x05hello", 9);
  assert_encoded (LAB_FRAMING_LENGTH_PREFIX, 0, "", 0, "\0\0\0\0", 4);

  g_assert_no_error (error);
  data = g_bytes_get_data (encoded, &len);
  g_assert_cmpuint (len, ==, 4 + 0x10203);
  g_assert_cmpmem (data, 4, "\x00\x01\x02\x03", 4);
}

/* Fixed pads with zero bytes, and refuses a message longer than the size. */
static void
test_encode_fixed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) too_long = g_bytes_new ("123456789", 9);
  g_autoptr(GBytes) encoded = NULL;

  assert_encoded (LAB_FRAMING_FIXED, 8, "abc", 3, "abc\0\0\0\0\0", 8);
  assert_encoded (LAB_FRAMING_FIXED, 8, "12345678", 8, "12345678", 8);
  assert_encoded (LAB_FRAMING_FIXED, 4, "", 0, "\0\0\0\0", 4);

  encoded = lab_framing_encode (LAB_FRAMING_FIXED, 8, too_long, &error);
  g_assert_null (encoded);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FRAMING);
}

/* What is encoded decodes to the same message, in every framing. */
static void
test_round_trip (void)
{
  const LabFraming framings[] = {
    LAB_FRAMING_RAW, LAB_FRAMING_LINES, LAB_FRAMING_LENGTH_PREFIX, LAB_FRAMING_FIXED,
  };
  const char *messages[] = { "hola", "", "a\rb", "\xff\x00\x01" };
  const gsize lengths[] = { 4, 0, 3, 3 };

  for (guint f = 0; f < G_N_ELEMENTS (framings); f++)
    {
      g_autoptr(LabDecoder) decoder = lab_decoder_new (framings[f], 4, 0);

      for (guint m = 0; m < G_N_ELEMENTS (messages); m++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) message = g_bytes_new (messages[m], lengths[m]);
          g_autoptr(GBytes) encoded = lab_framing_encode (framings[f], 4, message, &error);
          g_autoptr(GBytes) decoded = NULL;
          gsize len = 0;
          const guint8 *data;

          g_assert_no_error (error);
          /* Raw has no frame for an empty message: nothing is pushed. */
          if (framings[f] == LAB_FRAMING_RAW && lengths[m] == 0)
            continue;

          data = g_bytes_get_data (encoded, &len);
          lab_decoder_push (decoder, data, len);
          decoded = lab_decoder_next (decoder, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (decoded);

          if (framings[f] == LAB_FRAMING_FIXED)
            {
              /* Padded to the size: the message, then zeros. */
              g_assert_cmpuint (g_bytes_get_size (decoded), ==, 4);
              if (lengths[m] > 0)
                g_assert_cmpmem (g_bytes_get_data (decoded, NULL), lengths[m], messages[m], lengths[m]);
            }
          else
            {
              g_assert_cmpuint (g_bytes_get_size (decoded), ==, lengths[m]);
              if (lengths[m] > 0)
                g_assert_cmpmem (g_bytes_get_data (decoded, NULL), lengths[m], messages[m], lengths[m]);
            }
          g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
        }
    }
}

/* A decoder asked before anything came, or after it was reset, has no
 * message and no error, in every framing. Run in the sanitizer build:
 * its buffer has no memory yet then. */
static void
test_next_when_empty (void)
{
  const LabFraming framings[] = {
    LAB_FRAMING_RAW, LAB_FRAMING_LINES, LAB_FRAMING_LENGTH_PREFIX, LAB_FRAMING_FIXED,
  };

  for (guint f = 0; f < G_N_ELEMENTS (framings); f++)
    {
      g_autoptr(LabDecoder) decoder = lab_decoder_new (framings[f], 4, 0);

      for (guint round = 0; round < 2; round++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) message = NULL;

          push (decoder, "", 0);
          message = lab_decoder_next (decoder, NULL, &error);
          g_assert_no_error (error);
          g_assert_null (message);
          g_assert_cmpuint (lab_decoder_pending (decoder), ==, 0);
          /* Once more after bytes came and went. */
          push (decoder, "ab", 2);
          lab_decoder_reset (decoder);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/framing/raw", test_raw);
  g_test_add_func ("/framing/lines", test_lines);
  g_test_add_func ("/framing/lines-flood", test_lines_flood);
  g_test_add_func ("/framing/lines-default-limit", test_lines_default_limit);
  g_test_add_func ("/framing/length-prefix", test_length_prefix);
  g_test_add_func ("/framing/length-prefix-big-endian", test_length_prefix_big_endian);
  g_test_add_func ("/framing/length-prefix-limit", test_length_prefix_limit);
  g_test_add_func ("/framing/fixed", test_fixed);
  g_test_add_func ("/framing/many-small-messages", test_many_small_messages);
  g_test_add_func ("/framing/encode-raw-lines", test_encode_raw_and_lines);
  g_test_add_func ("/framing/encode-length-prefix", test_encode_length_prefix);
  g_test_add_func ("/framing/encode-fixed", test_encode_fixed);
  g_test_add_func ("/framing/round-trip", test_round_trip);
  g_test_add_func ("/framing/next-when-empty", test_next_when_empty);

  return g_test_run ();
}
