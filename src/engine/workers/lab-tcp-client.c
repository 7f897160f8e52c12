/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-kernel-private.h"
#include "lab-wire.h"
#include "lab-program-private.h"

/* The TCP client: getaddrinfo, then socket and connect to each address in
 * turn until one answers, send what it has to say, read until the peer
 * closes or enough has arrived, close. */

/* Tries each address in turn, as socket.create_connection () does. */
static LabSock *
connect_any (LabWorker *w,
             GPtrArray *addresses)
{
  LabRun *run = w->run;
  const LabBackend *b = run->backend;

  for (guint i = 0; i < addresses->len && !lab_run_is_stopping (run); i++)
    {
      GSocketAddress *address = addresses->pdata[i];
      LabSock *s = lab_program_client_socket (w, address, SOCK_STREAM);
      int err;

      if (s == NULL)
        return NULL;
      lab_kernel_watch (run, s);

      if (lab_program_bind_local (w, s) && lab_program_set_buffers (w, s) &&
          b->connect (w, s, address, run->config->connect_timeout))
        return s;

      err = w->err;
      lab_kernel_sample (s);
      lab_run_unregister_sock (run, s);
      b->close (w, s);
      lab_sock_unref (s);
      w->err = err;
    }

  lab_program_fail (w, "connect");
  return NULL;
}

void
lab_tcp_client_main (LabWorker *w,
                     gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) addresses = lab_program_resolve (w, SOCK_STREAM);
  g_autofree char *peer_text = NULL;
  LabSock *s;

  if (addresses == NULL || (s = connect_any (w, addresses)) == NULL)
    {
      lab_program_end (run);
      return;
    }

  /* The port the kernel gave this end, unless one was bound. */
  s->local = b->getsockname (w, s);
  if (G_IS_INET_SOCKET_ADDRESS (s->local))
    {
      guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (s->local));

      lab_kernel_set_port (s, port);
      lab_wire_register (s->peer, port, s->conn);
    }
  lab_kernel_sample (s);
  peer_text = lab_address_format (s->peer);
  lab_record_note (run, w, s, LAB_NOTE_CONNECTED, peer_text);
  lab_program_set_ready (run);

  if (c->recv_timeout > 0)
    b->set_timeout (w, s, c->recv_timeout);

  if (c->initial_data != NULL)
    {
      gsize len = g_bytes_get_size (c->initial_data);
      gsize chunk = c->send_chunk > 0 ? c->send_chunk : len;

      for (guint n = 0; n < c->send_count; n++)
        {
          gsize offset = 0;

          /* At least one send, even of nothing. */
          do
            {
              g_autoptr(GBytes) piece = g_bytes_new_from_bytes (c->initial_data, offset, MIN (chunk, len - offset));

              if (lab_run_is_stopping (run) || !lab_program_send (w, s, piece, c->sendall))
                goto done;
              offset += chunk;
            }
          while (offset < len);
        }
      if (c->shutdown_after_send)
        b->shutdown (w, s, SHUT_WR);
    }

  lab_program_client_read (w, s, FALSE);

done:
  lab_run_unregister_sock (run, s);
  b->close (w, s);
  lab_sock_unref (s);
  lab_program_end (run);
}
