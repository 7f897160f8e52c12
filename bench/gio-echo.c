/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The GIO baseline: the smallest sensible TCP echo server written with GIO,
 * as a GIO program would be. A GSocketService on the default main context,
 * one thread; for each connection an asynchronous read of READ_SIZE bytes
 * (64 KiB unless told), then an asynchronous write of all that came, then the
 * next read. Records nothing. The lab's GIO backend is measured against it.
 *
 *   protolab-bench-gio-echo PORT [READ_SIZE] [BACKLOG]
 */

#include <stdlib.h>
#include <glib-unix.h>
#include <gio/gio.h>

typedef struct {
  GSocketConnection *connection;
  GInputStream      *in;
  GOutputStream     *out;
  gsize              size;
  guint8             buffer[];
} Client;

static gsize read_size = 64 * 1024;

static void on_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data);

static void
client_free (Client *client)
{
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_object_unref (client->connection);
  g_free (client);
}

static void
read_next (Client *client)
{
  g_input_stream_read_async (client->in, client->buffer, client->size, G_PRIORITY_DEFAULT, NULL,
                             on_read, client);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Client *client = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    client_free (client);
  else
    read_next (client);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Client *client = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      client_free (client);
      return;
    }

  g_output_stream_write_all_async (client->out, client->buffer, n, G_PRIORITY_DEFAULT, NULL,
                                   on_written, client);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  Client *client = g_malloc (sizeof (Client) + read_size);

  client->connection = g_object_ref (connection);
  client->in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  client->out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  client->size = read_size;
  read_next (client);
  return TRUE;
}

static gboolean
on_stop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  int backlog = argc > 3 ? atoi (argv[3]) : 128;

  if (argc < 2 || argc > 4 || backlog <= 0)
    {
      g_printerr ("usage: %s PORT [READ_SIZE] [BACKLOG]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    read_size = MAX (strtoul (argv[2], NULL, 10), 1);

  /* GIO's own backlog is 10: set it as the other servers' is, before the
   * socket listens. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), backlog);
  address = g_inet_socket_address_new (loopback, atoi (argv[1]));
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), NULL);
  g_unix_signal_add (SIGTERM, on_stop, loop);
  g_unix_signal_add (SIGINT, on_stop, loop);
  g_socket_service_start (service);
  g_main_loop_run (loop);
  g_socket_service_stop (service);
  return 0;
}
