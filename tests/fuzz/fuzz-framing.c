/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-framing.h"
#include "lab-fuzz.h"

/* Every framing, on any stream pushed in any pieces, as recv () returns
 * them: no message is made of bytes that were not pushed, every byte is
 * either in a frame or still pending, the messages do not depend on where
 * the stream was cut (until the first broken frame, after which the
 * decoder drops what it held), and each message frames back to the bytes
 * it came from.
 *
 * The input: a byte for the framing, one for the fixed size, one for the
 * largest message, then pieces, each a byte of length and its bytes; a
 * length over 0xf0 asks for a reset first. */

typedef struct {
  GPtrArray *messages;   /* of GBytes, until the first broken frame */
  gboolean   broke;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_ptr_array_unref (decoded->messages);
}

static void
check_frame (LabFraming          framing,
             gsize               fixed_size,
             GBytes             *message,
             const LabFrameInfo *info,
             const guint8       *frame)
{
  gsize len = g_bytes_get_size (message);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;

  lab_fuzz_check (info->frame_len == info->header_len + len + info->trailer_len, "a frame of %" G_GSIZE_FORMAT
                  " bytes for a message of %" G_GSIZE_FORMAT, info->frame_len, len);
  if (len > 0)
    lab_fuzz_check (memcmp (g_bytes_get_data (message, NULL), frame + info->header_len, len) == 0,
                    "the message is not the frame's bytes");

  /* A line that ended in \r\n frames back with \n alone. */
  if (framing == LAB_FRAMING_LINES && info->trailer_len == 2)
    return;
  encoded = lab_framing_encode (framing, fixed_size, message, &error);
  lab_fuzz_check (encoded != NULL, "a message decoded does not encode: %s", error->message);
  lab_fuzz_check (g_bytes_get_size (encoded) == info->frame_len &&
                  memcmp (g_bytes_get_data (encoded, NULL), frame, info->frame_len) == 0,
                  "the message does not frame back to its %" G_GSIZE_FORMAT " bytes", info->frame_len);
}

/* Takes every whole message, checking each against @stream, which holds
 * what was pushed since the last reset, the bytes taken before at
 * @taken. */
static void
drain (LabDecoder *decoder,
       LabFraming  framing,
       gsize       fixed_size,
       GByteArray *stream,
       gsize      *taken,
       Decoded    *decoded)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      LabFrameInfo info = { 0 };
      GBytes *message = lab_decoder_next (decoder, &info, &error);

      if (message == NULL)
        {
          if (error != NULL)
            {
              /* The decoder dropped what it held. */
              decoded->broke = TRUE;
              *taken = stream->len;
              lab_fuzz_check (lab_decoder_pending (decoder) == 0, "a broken frame left bytes pending");
            }
          break;
        }

      lab_fuzz_check (*taken + info.frame_len <= stream->len, "a frame past what was pushed");
      check_frame (framing, fixed_size, message, &info, stream->data + *taken);
      *taken += info.frame_len;
      if (!decoded->broke)
        g_ptr_array_add (decoded->messages, message);
      else
        g_bytes_unref (message);
    }

  lab_fuzz_check (*taken + lab_decoder_pending (decoder) == stream->len, "%" G_GSIZE_FORMAT " bytes taken and %"
                  G_GSIZE_FORMAT " pending of %u pushed", *taken, lab_decoder_pending (decoder), stream->len);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  LabFraming framing;
  gsize fixed_size, max_message;
  g_autoptr(LabDecoder) pieces = NULL;
  g_autoptr(LabDecoder) whole = NULL;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) all = g_byte_array_new ();
  Decoded by_pieces = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), FALSE };
  Decoded at_once = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), FALSE };
  gboolean was_reset = FALSE;
  gsize taken = 0, whole_taken = 0;
  gsize at = 3;

  if (size < 3)
    return 0;
  framing = data[0] % 4;
  fixed_size = 1 + data[1] % 64;
  max_message = 1 + data[2] * 4;

  pieces = lab_decoder_new (framing, fixed_size, max_message);
  whole = lab_decoder_new (framing, fixed_size, max_message);
  /* Asked before anything came. */
  drain (pieces, framing, fixed_size, stream, &taken, &by_pieces);

  while (at < size)
    {
      gsize len = MIN (data[at] & 0x7f, size - at - 1);

      if (data[at] > 0xf0)
        {
          lab_decoder_reset (pieces);
          g_byte_array_set_size (stream, 0);
          taken = 0;
          was_reset = TRUE;
        }
      at++;
      lab_decoder_push (pieces, data + at, len);
      g_byte_array_append (stream, data + at, len);
      g_byte_array_append (all, data + at, len);
      drain (pieces, framing, fixed_size, stream, &taken, &by_pieces);
      at += len;
    }

  /* The same stream in one push: the same messages, but for raw framing,
   * where each push is a message. */
  lab_decoder_push (whole, all->data, all->len);
  drain (whole, framing, fixed_size, all, &whole_taken, &at_once);
  if (framing != LAB_FRAMING_RAW && !was_reset)
    {
      guint n = MIN (by_pieces.messages->len, at_once.messages->len);

      for (guint i = 0; i < n; i++)
        lab_fuzz_check (g_bytes_equal (by_pieces.messages->pdata[i], at_once.messages->pdata[i]),
                        "message %u differs with the stream cut otherwise", i);
      if (!by_pieces.broke && !at_once.broke)
        lab_fuzz_check (by_pieces.messages->len == at_once.messages->len, "%u messages in pieces, %u at once",
                        by_pieces.messages->len, at_once.messages->len);
    }

  decoded_clear (&by_pieces);
  decoded_clear (&at_once);
  return 0;
}
