/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab-pcapng.h"
#include "lab-test-utils.h"

/* A capture written as pcapng and read back by the programs a class opens
 * it with, tshark and tcpdump: every packet, its lengths, its interface
 * and its comment as written, the comments' padding at every length. And
 * a stream that fails, at every byte, is an error and never a crash. */

#define LINKTYPE_ETHERNET 1

/* Frames of tests/data/veth.pcap: the handshake, "hola\n" each way, and
 * the client's FIN; the client's on alfa's end of the link, the server's
 * on beta's. */
static const struct {
  guint       frame;
  guint       interface;
  guint32     captured;     /* 0: all of it */
  const char *comment;
  const char *tcpdump;      /* what tcpdump -nn says of it */
} packets[] = {
  { 19, 0, 0, "connect ()", "10.80.0.1.47134 > 10.80.0.2.5000: Flags [S], seq 1583771412" },
  { 20, 1, 0, "", "10.80.0.2.5000 > 10.80.0.1.47134: Flags [S.], seq 2966133717, ack 1583771413" },
  { 21, 0, 0, "a", "Flags [.], ack 1, win 63" },
  { 22, 0, 60, "ab", "Flags [P.], seq 1:6, ack 1" },
  { 23, 1, 0, "abc", "Flags [.], ack 6, win 64" },
  { 24, 1, 0, "abcd", "Flags [P.], seq 1:6, ack 6" },
  { 25, 0, 0, "¿Dónde está el ACK? Año, señal: 1 € → ✓", "Flags [.], ack 6, win 63" },
  { 26, 0, 0, NULL, "Flags [F.], seq 6, ack 6" },
};

static GPtrArray *veth;

/* Nanoseconds, so that a reader that kept only microseconds shows. */
static guint64
packet_time (guint i)
{
  const LabTestFrame *frame = veth->pdata[packets[i].frame];

  return frame->time_ns + 100 + i;
}

/* The capture of packets[] written to @stream; FALSE with @error at the
 * first call that fails. */
static gboolean
write_capture (GOutputStream  *stream,
               GError        **error)
{
  g_autoptr(LabPcapngWriter) writer = lab_pcapng_writer_new (stream, "Protolab test", error);

  if (writer == NULL)
    return FALSE;
  if (lab_pcapng_writer_add_interface (writer, "veth-alfa", "alfa: 10.80.0.1, fd80::1", LINKTYPE_ETHERNET, 262144,
                                       error) != 0)
    return FALSE;
  if (lab_pcapng_writer_add_interface (writer, "veth-beta", "beta: 10.80.0.2, fd80::2", LINKTYPE_ETHERNET, 262144,
                                       error) != 1)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    {
      const LabTestFrame *frame = veth->pdata[packets[i].frame];
      gsize len;
      const guint8 *data = g_bytes_get_data (frame->data, &len);
      guint32 captured = packets[i].captured != 0 ? packets[i].captured : (guint32) len;

      if (!lab_pcapng_writer_add_packet (writer, packets[i].interface, packet_time (i), data, captured,
                                         frame->wire_len, packets[i].comment, error))
        return FALSE;
    }

  return lab_pcapng_writer_close (writer, error);
}

static guint32
get32 (const guint8 *p)
{
  return GUINT32_FROM_LE (*(const guint32 *) p);
}

/* Walks the blocks of @bytes as a reader does: each starts and ends with
 * its length, a multiple of 4, and the options of each are padded to 32
 * bits and end with opt_endofopt. Returns how many packet blocks. */
static guint
check_blocks (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint n_packets = 0;
  gsize at = 0;

  g_assert_cmpuint (len, >=, 28);
  g_assert_cmpuint (get32 (data), ==, 0x0a0d0d0a);
  g_assert_cmpuint (get32 (data + 8), ==, 0x1a2b3c4d);

  while (at < len)
    {
      guint32 type, total;
      gsize fixed, o;

      g_assert_cmpuint (len - at, >=, 12);
      type = get32 (data + at);
      total = get32 (data + at + 4);
      g_assert_cmpuint (total % 4, ==, 0);
      g_assert_cmpuint (total, <=, len - at);
      g_assert_cmpuint (get32 (data + at + total - 4), ==, total);

      if (type == 0x0a0d0d0a)
        fixed = 24;
      else if (type == 1)
        fixed = 16;
      else
        {
          g_assert_cmpuint (type, ==, 6);
          fixed = 28 + ((get32 (data + at + 20) + 3) & ~3u);
          n_packets++;
        }

      /* The options, from the fixed part to the length at the end. */
      for (o = at + fixed; o < at + total - 4;)
        {
          guint16 code = GUINT16_FROM_LE (*(const guint16 *) (data + o));
          guint16 option_len = GUINT16_FROM_LE (*(const guint16 *) (data + o + 2));

          o += 4 + ((option_len + 3u) & ~3u);
          if (code == 0)
            {
              g_assert_cmpuint (option_len, ==, 0);
              break;
            }
          g_assert_cmpuint (o, <, at + total - 4);
        }
      g_assert_cmpuint (o, <=, at + total - 4);
      at += total;
    }

  g_assert_cmpuint (at, ==, len);
  return n_packets;
}

static GBytes *
write_to_memory (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (write_capture (stream, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static char *
write_to_file (GBytes *bytes)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-pcapng-XXXXXX", NULL);
  char *path = g_build_filename (dir, "capture.pcapng", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* tshark reads every packet back: its interface, its lengths, its time
 * to the nanosecond and its comment. */
static void
test_tshark (void)
{
  g_autoptr(GBytes) bytes = write_to_memory ();
  g_autofree char *path = write_to_file (bytes);
  const char *argv[] = { "tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=|",
                         "-e", "frame.interface_name", "-e", "frame.len", "-e", "frame.cap_len",
                         "-e", "frame.time_epoch", "-e", "frame.comment", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_cmpuint (check_blocks (bytes), ==, G_N_ELEMENTS (packets));

  lab_test_run (argv, NULL, &out, &err, &status);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (packets) + 1);
  g_assert_cmpstr (lines[G_N_ELEMENTS (packets)], ==, "");

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    {
      const LabTestFrame *frame = veth->pdata[packets[i].frame];
      guint64 ns = packet_time (i);
      g_autofree char *expected = g_strdup_printf (
        "%s|%u|%" G_GSIZE_FORMAT "|%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT "|%s",
        packets[i].interface == 0 ? "veth-alfa" : "veth-beta", frame->wire_len,
        packets[i].captured != 0 ? packets[i].captured : g_bytes_get_size (frame->data),
        ns / 1000000000, ns % 1000000000, packets[i].comment != NULL ? packets[i].comment : "");

      g_assert_cmpstr (lines[i], ==, expected);
    }

  remove_file (path);
}

/* tcpdump, through libpcap's own reader of pcapng, sees the same packets,
 * in order, at the same times to the microsecond. */
static void
test_tcpdump (void)
{
  g_autoptr(GBytes) bytes = write_to_memory ();
  g_autofree char *path = write_to_file (bytes);
  const char *argv[] = { "tcpdump", "-r", path, "-nn", "-tt", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (packets) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    {
      guint64 us = packet_time (i) / 1000;
      g_autofree char *time = g_strdup_printf ("%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT " IP ", us / 1000000,
                                               us % 1000000);

      g_test_message ("%s", lines[i]);
      g_assert_true (g_str_has_prefix (lines[i], time));
      g_assert_nonnull (strstr (lines[i], packets[i].tcpdump));
    }
  /* The packet captured short, in its TCP options, is said to be. */
  g_assert_nonnull (strstr (lines[3], "[|tcp]"));

  remove_file (path);
}

/* ---- A stream that fails ---- */

#define TYPE_FULL_STREAM (full_stream_get_type ())
G_DECLARE_FINAL_TYPE (FullStream, full_stream, FULL, STREAM, GOutputStream)

/* A disk that fills after so many bytes. */
struct _FullStream {
  GOutputStream parent;
  gsize         room;
  gsize         written;
};

G_DEFINE_TYPE (FullStream, full_stream, G_TYPE_OUTPUT_STREAM)

static gssize
full_stream_write (GOutputStream  *stream,
                   const void     *buffer,
                   gsize           count,
                   GCancellable   *cancellable,
                   GError        **error)
{
  FullStream *self = FULL_STREAM (stream);
  gsize n = MIN (count, self->room - self->written);

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
      return -1;
    }
  self->written += n;
  return (gssize) n;
}

static void
full_stream_class_init (FullStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = full_stream_write;
}

static void
full_stream_init (FullStream *self)
{
}

/* With room for every length short of the whole file, the write that does
 * not fit fails with the stream's error, every call after it fails too,
 * and so does closing. */
static void
test_full_stream (void)
{
  g_autoptr(GBytes) bytes = write_to_memory ();
  gsize whole = g_bytes_get_size (bytes);

  for (gsize room = 0; room <= whole; room++)
    {
      g_autoptr(FullStream) stream = g_object_new (TYPE_FULL_STREAM, NULL);
      g_autoptr(GError) error = NULL;
      gboolean written;

      stream->room = room;
      written = write_capture (G_OUTPUT_STREAM (stream), &error);
      g_assert_cmpuint (stream->written, <=, room);
      if (room == whole)
        {
          g_assert_no_error (error);
          g_assert_true (written);
          g_assert_cmpuint (stream->written, ==, whole);
          continue;
        }
      g_assert_false (written);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      g_assert_true (g_str_has_prefix (error->message, "Could not write the capture: "));
    }

  /* Once a write failed, nothing more is written, and closing says so. */
  {
    g_autoptr(FullStream) stream = g_object_new (TYPE_FULL_STREAM, NULL);
    g_autoptr(LabPcapngWriter) writer = NULL;
    g_autoptr(GError) error = NULL;
    static const guint8 frame[60] = { 0 };

    stream->room = 60;   /* the section header block, and not the interface's */
    writer = lab_pcapng_writer_new (G_OUTPUT_STREAM (stream), "Protolab test", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lab_pcapng_writer_add_interface (writer, "lo", NULL, LINKTYPE_ETHERNET, 0, &error), ==,
                      G_MAXUINT);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_clear_error (&error);
    g_assert_false (lab_pcapng_writer_add_packet (writer, 0, 0, frame, 60, 60, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
    g_clear_error (&error);
    g_assert_false (lab_pcapng_writer_close (writer, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  }
}

/* What cannot be written as it is given is an error that writes nothing:
 * the file stays whole and goes on. */
static void
test_bad_input (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (stream);
  g_autoptr(LabPcapngWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_comment = g_strnfill (70000, 'x');
  static const guint8 frame[60] = { 0 };
  gsize size;

  g_assert_null (lab_pcapng_writer_new (stream, "Proto\xfflab", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (memory), ==, 0);

  writer = lab_pcapng_writer_new (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_pcapng_writer_add_interface (writer, "lo", NULL, LINKTYPE_ETHERNET, 64, &error), ==, 0);
  g_assert_cmpuint (lab_pcapng_writer_add_interface (writer, "small", NULL, LINKTYPE_ETHERNET, 16, &error), ==, 1);
  g_assert_no_error (error);
  size = g_memory_output_stream_get_data_size (memory);

  /* No such interface; more captured than was on the wire; a comment not
   * UTF-8, or too long for an option; more than the interface keeps. */
  g_assert_false (lab_pcapng_writer_add_packet (writer, 2, 0, frame, 60, 60, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (lab_pcapng_writer_add_packet (writer, 0, 0, frame, 60, 59, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (lab_pcapng_writer_add_packet (writer, 0, 0, frame, 60, 60, "caf\xc3", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (lab_pcapng_writer_add_packet (writer, 0, 0, frame, 60, 60, long_comment, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (lab_pcapng_writer_add_packet (writer, 1, 0, frame, 60, 60, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (lab_pcapng_writer_add_interface (writer, "caf\xc3", NULL, LINKTYPE_ETHERNET, 0, &error), ==,
                    G_MAXUINT);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  long_comment[65535] = '\0';

  /* Nothing of those was written; the longest comment there can be is. */
  g_assert_cmpuint (g_memory_output_stream_get_data_size (memory), ==, size);
  g_assert_true (lab_pcapng_writer_add_packet (writer, 0, 0, NULL, 0, 0, long_comment, &error));
  g_assert_no_error (error);
  g_assert_true (lab_pcapng_writer_close (writer, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GBytes) bytes = g_memory_output_stream_steal_as_bytes (memory);

    g_assert_cmpuint (check_blocks (bytes), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  lab_test_init (&argc, &argv);
  veth = lab_test_read_pcap ("veth.pcap");

  g_test_add_func ("/pcapng/tshark", test_tshark);
  g_test_add_func ("/pcapng/tcpdump", test_tcpdump);
  g_test_add_func ("/pcapng/full-stream", test_full_stream);
  g_test_add_func ("/pcapng/bad-input", test_bad_input);

  status = g_test_run ();
  g_ptr_array_unref (veth);
  return status;
}
