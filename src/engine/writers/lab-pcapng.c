/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-pcapng.h"

/* The pcapng format (draft-ietf-opsawg-pcapng): a Section Header Block,
 * then an Interface Description Block for each interface, then an
 * Enhanced Packet Block for each packet. Every block starts with its type
 * and its total length and ends with the length again; every option is a
 * code, a length and a value padded to 32 bits, and a list of options
 * ends with opt_endofopt. Each block is made whole in memory and written
 * in one go, so that bad input writes nothing. */

#define BLOCK_SECTION_HEADER    0x0a0d0d0a
#define BLOCK_INTERFACE         0x00000001
#define BLOCK_ENHANCED_PACKET   0x00000006
#define BYTE_ORDER_MAGIC        0x1a2b3c4d

#define OPT_ENDOFOPT            0
#define OPT_COMMENT             1
#define OPT_SHB_USERAPPL        4
#define OPT_IF_NAME             2
#define OPT_IF_DESCRIPTION      3
#define OPT_IF_TSRESOL          9

/* if_tsresol 9: timestamps count nanoseconds. */
#define TSRESOL_NANOSECONDS     9

struct _LabPcapngWriter {
  GOutputStream *stream;
  GArray        *snaplens;   /* guint32, one per interface, by its id */
  gboolean       broken;     /* a write failed: the file is cut short */
};

static void
put16 (GByteArray *block,
       guint16     value)
{
  value = GUINT16_TO_LE (value);
  g_byte_array_append (block, (const guint8 *) &value, 2);
}

static void
put32 (GByteArray *block,
       guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (block, (const guint8 *) &value, 4);
}

static void
pad (GByteArray *block)
{
  static const guint8 zeros[3] = { 0 };

  g_byte_array_append (block, zeros, (4 - block->len % 4) % 4);
}

static GByteArray *
block_new (guint32 type)
{
  GByteArray *block = g_byte_array_new ();

  put32 (block, type);
  put32 (block, 0);   /* the total length, once it is known */
  return block;
}

static void
add_option (GByteArray   *block,
            guint16       code,
            const guint8 *value,
            gsize         len)
{
  g_assert (len <= G_MAXUINT16);
  put16 (block, code);
  put16 (block, (guint16) len);
  g_byte_array_append (block, value, (guint) len);
  pad (block);
}

static void
add_text_option (GByteArray *block,
                 guint16     code,
                 const char *text)
{
  if (text != NULL && text[0] != '\0')
    add_option (block, code, (const guint8 *) text, strlen (text));
}

/* A text for an option: UTF-8, and short enough for an option's 16-bit
 * length. */
static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      /* Translators: %s is what the text is: "the comment", "the interface's name". */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Cannot write %s in a capture: it is not UTF-8"),
                   what);
      return FALSE;
    }
  if (strlen (text) > G_MAXUINT16)
    {
      /* Translators: %s is what the text is, %u the most bytes it may have. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot write %s in a capture: it is longer than %u bytes"), what, (guint) G_MAXUINT16);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_writable (LabPcapngWriter  *writer,
                GError          **error)
{
  if (!writer->broken)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The capture cannot be written on: an earlier write failed, and the file is incomplete"));
  return FALSE;
}

/* Ends @block's options, if it has any, and its length at both ends, then
 * writes it. */
static gboolean
write_block (LabPcapngWriter  *writer,
             GByteArray       *block,
             gsize             fixed_len,
             GError          **error)
{
  guint32 total;
  gboolean written;

  if (block->len > fixed_len)
    add_option (block, OPT_ENDOFOPT, NULL, 0);
  total = GUINT32_TO_LE (block->len + 4);
  memcpy (block->data + 4, &total, 4);
  put32 (block, block->len + 4);

  written = g_output_stream_write_all (writer->stream, block->data, block->len, NULL, NULL, error);
  g_byte_array_unref (block);
  if (!written)
    {
      writer->broken = TRUE;
      g_prefix_error (error, _("Could not write the capture: "));
    }
  return written;
}

/**
 * lab_pcapng_writer_new:
 * @stream: where the file goes
 * @application: (nullable): the program that writes it, shown by
 *   Wireshark's capture file properties
 *
 * Starts a pcapng file of one section, writing its Section Header Block.
 *
 * Returns: (transfer full) (nullable): the writer, or %NULL with @error
 */
LabPcapngWriter *
lab_pcapng_writer_new (GOutputStream  *stream,
                       const char     *application,
                       GError        **error)
{
  g_autoptr(LabPcapngWriter) writer = NULL;
  GByteArray *block;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_text (application, _("the application's name"), error))
    return NULL;

  writer = g_new0 (LabPcapngWriter, 1);
  writer->stream = g_object_ref (stream);
  writer->snaplens = g_array_new (FALSE, FALSE, sizeof (guint32));

  block = block_new (BLOCK_SECTION_HEADER);
  put32 (block, BYTE_ORDER_MAGIC);
  put16 (block, 1);            /* major version */
  put16 (block, 0);            /* minor version */
  put32 (block, G_MAXUINT32);  /* section length, 64 bits: -1, not known */
  put32 (block, G_MAXUINT32);
  add_text_option (block, OPT_SHB_USERAPPL, application);
  if (!write_block (writer, block, 24, error))
    return NULL;

  return g_steal_pointer (&writer);
}

/**
 * lab_pcapng_writer_add_interface:
 * @name: (nullable): the interface's name (if_name): "veth-alfa"
 * @description: (nullable): what it is (if_description)
 * @link_type: libpcap's LINKTYPE_ of its frames: 1 for Ethernet
 * @snaplen: the most bytes kept of a frame, 0 for no limit
 *
 * Writes an Interface Description Block, with timestamps in nanoseconds.
 *
 * Returns: the interface's id, for lab_pcapng_writer_add_packet (), or
 *   G_MAXUINT with @error
 */
guint
lab_pcapng_writer_add_interface (LabPcapngWriter  *writer,
                                 const char       *name,
                                 const char       *description,
                                 guint16           link_type,
                                 guint32           snaplen,
                                 GError          **error)
{
  static const guint8 tsresol = TSRESOL_NANOSECONDS;
  GByteArray *block;

  g_return_val_if_fail (writer != NULL, G_MAXUINT);
  g_return_val_if_fail (error == NULL || *error == NULL, G_MAXUINT);

  if (!check_writable (writer, error) || !check_text (name, _("the interface's name"), error) ||
      !check_text (description, _("the interface's description"), error))
    return G_MAXUINT;

  block = block_new (BLOCK_INTERFACE);
  put16 (block, link_type);
  put16 (block, 0);            /* reserved */
  put32 (block, snaplen);
  add_text_option (block, OPT_IF_NAME, name);
  add_text_option (block, OPT_IF_DESCRIPTION, description);
  add_option (block, OPT_IF_TSRESOL, &tsresol, 1);
  if (!write_block (writer, block, 16, error))
    return G_MAXUINT;

  g_array_append_val (writer->snaplens, snaplen);
  return writer->snaplens->len - 1;
}

/* Whether a packet may be written as it is given. */
static gboolean
check_packet (LabPcapngWriter  *writer,
              guint             interface_id,
              guint32           captured,
              guint32           wire_len,
              GError          **error)
{
  guint32 snaplen;

  if (interface_id >= writer->snaplens->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("The capture has no interface %u"),
                   interface_id);
      return FALSE;
    }
  if (captured > wire_len)
    {
      /* Translators: a packet cannot be captured whole and more. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A packet of %u bytes cannot have %u bytes captured"), wire_len, captured);
      return FALSE;
    }
  snaplen = g_array_index (writer->snaplens, guint32, interface_id);
  /* The block's own length, in 32 bits, must hold the packet. */
  if ((snaplen != 0 && captured > snaplen) || captured > G_MAXUINT32 - 0x20000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A packet with %u bytes captured is over its interface's limit of %u"), captured,
                   snaplen != 0 ? snaplen : G_MAXUINT32 - 0x20000);
      return FALSE;
    }
  return TRUE;
}

/**
 * lab_pcapng_writer_add_packet:
 * @interface_id: as lab_pcapng_writer_add_interface () returned it
 * @timestamp_ns: when it was captured, in nanoseconds since the epoch
 * @data: (array length=captured): the bytes captured
 * @captured: how many
 * @wire_len: the frame's length on the wire
 * @comment: (nullable): UTF-8 to show with the packet (opt_comment); an
 *   empty one is none
 *
 * Writes an Enhanced Packet Block. A packet that cannot be written as it
 * is given (an interface that is not there, more captured than was on the
 * wire, a comment that is not UTF-8) writes nothing.
 *
 * Returns: whether it was written
 */
gboolean
lab_pcapng_writer_add_packet (LabPcapngWriter  *writer,
                              guint             interface_id,
                              guint64           timestamp_ns,
                              const guint8     *data,
                              guint32           captured,
                              guint32           wire_len,
                              const char       *comment,
                              GError          **error)
{
  GByteArray *block;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || captured == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_writable (writer, error) || !check_packet (writer, interface_id, captured, wire_len, error) ||
      !check_text (comment, _("the packet's comment"), error))
    return FALSE;

  block = block_new (BLOCK_ENHANCED_PACKET);
  put32 (block, interface_id);
  put32 (block, (guint32) (timestamp_ns >> 32));
  put32 (block, (guint32) timestamp_ns);
  put32 (block, captured);
  put32 (block, wire_len);
  g_byte_array_append (block, data, captured);
  pad (block);
  add_text_option (block, OPT_COMMENT, comment);
  return write_block (writer, block, 28 + ((captured + 3u) & ~3u), error);
}

/**
 * lab_pcapng_writer_close:
 *
 * Closes the stream, which flushes what it kept.
 *
 * Returns: whether the whole file was written
 */
gboolean
lab_pcapng_writer_close (LabPcapngWriter  *writer,
                         GError          **error)
{
  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (writer->broken)
    {
      g_output_stream_close (writer->stream, NULL, NULL);
      return check_writable (writer, error);
    }
  if (!g_output_stream_close (writer->stream, NULL, error))
    {
      writer->broken = TRUE;
      g_prefix_error (error, _("Could not write the capture: "));
      return FALSE;
    }
  return TRUE;
}

void
lab_pcapng_writer_free (LabPcapngWriter *writer)
{
  if (writer == NULL)
    return;
  g_object_unref (writer->stream);
  g_array_unref (writer->snaplens);
  g_free (writer);
}
