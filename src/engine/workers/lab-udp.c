/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "lab-address.h"
#include "lab-backend.h"
#include "lab-program-private.h"

/* UDP: a server (socket, bind, then recvfrom and answer with sendto) and a
 * client (sendto, or connect and send, then recvfrom). No connections:
 * each address that sends is counted as one, so that a reply can be
 * addressed to it. */

/* The socket commands send on, from the window or the terminal: set while
 * the program has it. */
static void
set_udp_sock (LabRun  *run,
              LabSock *s)
{
  g_mutex_lock (&run->lock);
  g_clear_pointer (&run->udp_sock, lab_sock_unref);
  if (s != NULL)
    run->udp_sock = lab_sock_ref (s);
  g_mutex_unlock (&run->lock);
}

/* The number of the “connection” of a UDP peer: each address that sent a
 * datagram gets one, so that a reply can be addressed to it. Past
 * LAB_UDP_MAX_PEERS, the peer heard from longest ago is forgotten, and
 * said so: if it sends again it is a new peer. */
static guint64
udp_peer (LabWorker      *w,
          LabSock        *s,
          GSocketAddress *address)
{
  LabRun *run = w->run;
  LabAddr key;
  LabUdpPeer *peer;
  guint64 forgotten = 0;
  guint64 result;

  lab_addr_set (&key, address);

  g_mutex_lock (&run->lock);
  peer = g_hash_table_lookup (run->udp_conns, &key);
  if (peer != NULL)
    {
      g_queue_unlink (&run->udp_order, &peer->link);
      g_queue_push_tail_link (&run->udp_order, &peer->link);
    }
  else
    {
      guint64 *id = g_new (guint64, 1);

      if (run->udp_order.length >= LAB_UDP_MAX_PEERS)
        {
          LabUdpPeer *oldest = g_queue_pop_head_link (&run->udp_order)->data;

          forgotten = oldest->conn;
          g_hash_table_remove (run->udp_peers, &oldest->conn);
          g_hash_table_remove (run->udp_bytes, &oldest->conn);
          g_hash_table_remove (run->udp_conns, &oldest->address);
        }

      peer = g_new0 (LabUdpPeer, 1);
      peer->address = key;
      peer->conn = lab_run_new_conn (run);
      peer->link.data = peer;
      *id = peer->conn;
      g_hash_table_insert (run->udp_conns, &peer->address, peer);
      g_hash_table_insert (run->udp_peers, id, g_object_ref (address));
      g_queue_push_tail_link (&run->udp_order, &peer->link);
    }
  result = peer->conn;
  g_mutex_unlock (&run->lock);

  if (forgotten != 0)
    {
      LabSock as_forgotten = { .fd = s->fd, .conn = forgotten, .family = s->family, .type = s->type };
      g_autofree char *most = g_strdup_printf ("%u", LAB_UDP_MAX_PEERS);

      lab_record_note (run, w, &as_forgotten, LAB_NOTE_PEER_FORGOTTEN, most);
    }

  return result;
}

void
lab_udp_server_main (LabWorker *w,
                     gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  LabSock *s = lab_program_open_listener (w, SOCK_DGRAM);
  guint64 datagrams = 0;

  if (s == NULL)
    {
      lab_program_end (run);
      return;
    }

  s->reader = w;
  set_udp_sock (run, s);
  lab_program_set_ready (run);

  while (!lab_run_is_stopping (run))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GBytes) reply = NULL;
      guint64 conn;
      gssize n;

      if (c->max_connections > 0 && datagrams >= c->max_connections)
        {
          lab_program_note_enough_served (w);
          break;
        }

      n = b->recvfrom (w, s, c->buffer_size, &bytes, &from);
      if (n < 0)
        {
          if (lab_program_was_interrupted (w, s))
            break;
          /* A UDP server goes on after an error about one datagram. */
          continue;
        }

      datagrams++;
      conn = udp_peer (w, s, from);
      lab_record_data (w, s, conn, LAB_DIRECTION_IN, bytes, n, from);

      reply = lab_behaviour_answer_datagram (c, bytes);
      if (reply != NULL && b->sendto (w, s, reply, from) >= 0)
        {
          lab_record_data (w, s, conn, LAB_DIRECTION_OUT, reply, g_bytes_get_size (reply), from);
        }
    }

  set_udp_sock (run, NULL);
  b->close (w, s);
  lab_sock_unref (s);
  lab_program_end (run);
}

/* A UDP client cannot try each address in turn, as a TCP client does: a
 * datagram sent where nobody listens is lost, and sendto () succeeds all
 * the same. Of a name with both families it takes the IPv4 address, as the
 * course's programs do (an AF_INET socket, whose sendto () resolves the name
 * in that family), so that both backends reach a server bound to localhost:
 * 127.0.0.1. GLib answers localhost itself, ::1 first, whatever /etc/hosts
 * says; getaddrinfo () puts ::1 first where /etc/hosts has it. */
static GSocketAddress *
udp_server_address (GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    if (g_socket_address_get_family (addresses->pdata[i]) == G_SOCKET_FAMILY_IPV4)
      return addresses->pdata[i];

  return addresses->pdata[0];
}

void
lab_udp_client_main (LabWorker *w,
                     gpointer   data)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  const LabBackend *b = run->backend;
  g_autoptr(GPtrArray) addresses = lab_program_resolve (w, SOCK_DGRAM);
  GSocketAddress *server;
  LabSock *s;

  if (addresses == NULL || addresses->len == 0)
    {
      lab_program_end (run);
      return;
    }

  server = udp_server_address (addresses);
  s = lab_program_client_socket (w, server, SOCK_DGRAM);
  if (s == NULL)
    {
      lab_program_end (run);
      return;
    }
  set_udp_sock (run, s);

  if (!lab_program_bind_local (w, s) || !lab_program_set_buffers (w, s))
    goto done;
  if (c->recv_timeout > 0)
    b->set_timeout (w, s, c->recv_timeout);

  /* connect () on UDP only fixes the peer: no packet is sent. */
  if (c->udp_connect)
    {
      g_autofree char *text = lab_address_format (server);

      if (!b->connect (w, s, server, 0))
        {
          lab_program_fail (w, "connect");
          goto done;
        }
      lab_record_note (run, w, s, LAB_NOTE_CONNECTED, text);
    }
  lab_program_set_ready (run);

  /* Each time, a datagram of its own, or one for each piece of
   * send-chunk bytes */
  for (guint i = 0; c->initial_data != NULL && i < c->send_count && !lab_run_is_stopping (run); i++)
    {
      gsize len = g_bytes_get_size (c->initial_data);
      gsize chunk = c->send_chunk > 0 ? c->send_chunk : MAX (len, 1);
      gsize offset = 0;

      /* At least one datagram, even of nothing */
      do
        {
          g_autoptr(GBytes) piece = g_bytes_new_from_bytes (c->initial_data, offset, MIN (chunk, len - offset));
          gssize n;

          if (lab_run_is_stopping (run))
            goto done;
          n = c->udp_connect ? b->send (w, s, piece) : b->sendto (w, s, piece, server);
          if (n < 0)
            {
              lab_program_fail (w, c->udp_connect ? "send" : "sendto");
              goto done;
            }
          lab_record_data (w, s, 0, LAB_DIRECTION_OUT, piece, n, server);
          offset += chunk;
        }
      while (offset < len);
    }

  /* The port the kernel gave this end, at connect () or at the first
   * datagram sent, shown as a TCP client's is. */
  if (c->udp_connect || c->initial_data != NULL)
    s->local = b->getsockname (w, s);

  lab_program_client_read (w, s, TRUE);

done:
  set_udp_sock (run, NULL);
  lab_run_unregister_sock (run, s);
  b->close (w, s);
  lab_sock_unref (s);
  lab_program_end (run);
}
