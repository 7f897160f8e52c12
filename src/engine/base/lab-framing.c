/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-framing.h"

/* How bytes become messages. The stream is kept in one buffer read from an
 * offset, so that taking many small messages off its front stays linear. */
struct _LabDecoder
{
  LabFraming  framing;
  gsize       fixed_size;
  gsize       max_message;
  GByteArray *buffer;
  gsize       offset;
  /* Raw framing: the size of each chunk pushed, not yet taken. */
  GQueue      chunks;
};

LabDecoder *
lab_decoder_new (LabFraming framing,
                 gsize      fixed_size,
                 gsize      max_message)
{
  LabDecoder *self = g_new0 (LabDecoder, 1);

  g_return_val_if_fail (framing != LAB_FRAMING_FIXED || fixed_size > 0, NULL);

  self->framing = framing;
  self->fixed_size = fixed_size;
  self->max_message = max_message > 0 ? max_message : LAB_FRAMING_DEFAULT_MAX_MESSAGE;
  self->buffer = g_byte_array_new ();
  g_queue_init (&self->chunks);

  return self;
}

void
lab_decoder_free (LabDecoder *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->buffer);
  g_queue_clear (&self->chunks);
  g_free (self);
}

void
lab_decoder_reset (LabDecoder *self)
{
  g_byte_array_set_size (self->buffer, 0);
  self->offset = 0;
  g_queue_clear (&self->chunks);
}

/**
 * lab_decoder_push:
 *
 * Adds bytes as they came from one recv. In raw framing each push is one
 * message: the recv boundaries are the lesson.
 */
void
lab_decoder_push (LabDecoder   *self,
                  const guint8 *data,
                  gsize         len)
{
  g_return_if_fail (self != NULL);

  if (len == 0)
    return;

  /* Drop what was already taken before the buffer grows again. */
  if (self->offset > 0 && self->offset >= self->buffer->len / 2)
    {
      g_byte_array_remove_range (self->buffer, 0, self->offset);
      self->offset = 0;
    }

  g_byte_array_append (self->buffer, data, len);
  if (self->framing == LAB_FRAMING_RAW)
    g_queue_push_tail (&self->chunks, GSIZE_TO_POINTER (len));
}

gsize
lab_decoder_pending (LabDecoder *self)
{
  return self->buffer->len - self->offset;
}

static GBytes *
take (LabDecoder   *self,
      LabFrameInfo *info,
      gsize         header,
      gsize         payload,
      gsize         trailer)
{
  GBytes *message = g_bytes_new (self->buffer->data + self->offset + header, payload);

  if (info != NULL)
    {
      info->frame_len = header + payload + trailer;
      info->header_len = header;
      info->trailer_len = trailer;
    }
  self->offset += header + payload + trailer;

  return message;
}

/**
 * lab_decoder_next:
 * @info: (out) (optional): where the frame's own bytes were
 *
 * Takes the next whole message, without its framing (the newline, the
 * length prefix).
 *
 * Returns: (transfer full) (nullable): the message, or %NULL when no whole
 *   message is buffered yet, or with @error when the stream broke its
 *   framing (then the decoder drops what it holds)
 */
GBytes *
lab_decoder_next (LabDecoder    *self,
                  LabFrameInfo  *info,
                  GError       **error)
{
  const guint8 *data;
  gsize avail;

  g_return_val_if_fail (self != NULL, NULL);

  /* Nothing buffered is no message in any framing (raw chunks are never
   * empty). Before the first push the buffer has no memory at all, and
   * neither an offset from it nor memchr () may be given its NULL. */
  avail = self->buffer->len - self->offset;
  if (avail == 0)
    return NULL;
  data = self->buffer->data + self->offset;

  switch (self->framing)
    {
    case LAB_FRAMING_RAW:
      if (g_queue_is_empty (&self->chunks))
        return NULL;
      return take (self, info, 0, GPOINTER_TO_SIZE (g_queue_pop_head (&self->chunks)), 0);

    case LAB_FRAMING_LINES:
      {
        const guint8 *nl = memchr (data, '\n', avail);
        gsize line;

        if (nl == NULL)
          {
            if (avail > self->max_message)
              {
                g_set_error (error, LAB_ERROR, LAB_ERROR_FRAMING,
                             _("A line longer than %lu bytes without a newline"),
                             (gulong) self->max_message);
                lab_decoder_reset (self);
              }
            return NULL;
          }

        line = nl - data;
        /* The same limit whether the newline came in the same recv or not. */
        if (line - (line > 0 && data[line - 1] == '\r') > self->max_message)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_FRAMING,
                         _("A line longer than %lu bytes without a newline"),
                         (gulong) self->max_message);
            lab_decoder_reset (self);
            return NULL;
          }
        if (line > 0 && data[line - 1] == '\r')
          return take (self, info, 0, line - 1, 2);
        return take (self, info, 0, line, 1);
      }

    case LAB_FRAMING_LENGTH_PREFIX:
      {
        guint32 length;

        if (avail < 4)
          return NULL;

        length = (guint32) data[0] << 24 | (guint32) data[1] << 16 | (guint32) data[2] << 8 | data[3];
        if (length > self->max_message)
          {
            g_set_error (error, LAB_ERROR, LAB_ERROR_FRAMING,
                         _("A length prefix of %u bytes, over the limit of %lu"),
                         length, (gulong) self->max_message);
            lab_decoder_reset (self);
            return NULL;
          }
        if (avail - 4 < length)
          return NULL;

        return take (self, info, 4, length, 0);
      }

    case LAB_FRAMING_FIXED:
      if (avail < self->fixed_size)
        return NULL;
      return take (self, info, 0, self->fixed_size, 0);

    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_framing_encode:
 *
 * Frames one message for sending: lines end with `\n` (added unless the
 * message already ends with one), a length prefix is 4 bytes big-endian,
 * and a fixed-size message is padded with zero bytes.
 *
 * Returns: (transfer full) (nullable): the bytes to send, or %NULL with
 *   @error when the message cannot be framed so
 */
GBytes *
lab_framing_encode (LabFraming   framing,
                    gsize        fixed_size,
                    GBytes      *message,
                    GError     **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);
  g_autoptr(GByteArray) out = NULL;

  switch (framing)
    {
    case LAB_FRAMING_RAW:
      return g_bytes_ref (message);

    case LAB_FRAMING_LINES:
      if (len > 0 && data[len - 1] == '\n')
        return g_bytes_ref (message);
      out = g_byte_array_sized_new (len + 1);
      g_byte_array_append (out, data, len);
      g_byte_array_append (out, (const guint8 *) "\n", 1);
      break;

    case LAB_FRAMING_LENGTH_PREFIX:
      {
        guint8 header[4] = { len >> 24, len >> 16, len >> 8, len };

        if (len > G_MAXUINT32)
          {
            g_set_error_literal (error, LAB_ERROR, LAB_ERROR_FRAMING,
                                 _("The message is too long for a 4-byte length prefix"));
            return NULL;
          }
        out = g_byte_array_sized_new (len + 4);
        g_byte_array_append (out, header, 4);
        g_byte_array_append (out, data, len);
      }
      break;

    case LAB_FRAMING_FIXED:
      if (len > fixed_size)
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_FRAMING,
                       _("The message has %lu bytes, more than the fixed size of %lu"),
                       (gulong) len, (gulong) fixed_size);
          return NULL;
        }
      out = g_byte_array_sized_new (fixed_size);
      g_byte_array_append (out, data, len);
      g_byte_array_set_size (out, fixed_size);
      memset (out->data + len, 0, fixed_size - len);
      break;

    default:
      g_assert_not_reached ();
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
