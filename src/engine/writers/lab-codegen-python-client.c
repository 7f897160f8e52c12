/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* A TCP or a UDP client in Python: how it finds the server, connects and
 * binds, what it sends first, the thread that sends what you type, and
 * how it receives until it is done. */

/* What getaddrinfo () is asked for, by LabFamily. */
static const char *const py_families[] = { "socket.AF_UNSPEC", "socket.AF_INET", "socket.AF_INET6" };

static void
py_keyboard (Gen *g)
{
  gboolean tcp = lab_endpoint_kind_is_tcp (g->c->kind);

  lab_codegen_comment (g, tcp ? _("Sends each line you type; at the end of the input, ends this side of the connection.")
                              : _("Sends each line you type as one datagram."));
  lab_codegen_put (g,
                   "def keyboard(sock):\n"
                   "    try:");
  g->depth += 2;
  lab_codegen_py_keyboard_loop (g);
  if (tcp)
    lab_codegen_put (g,
                     "    sock.sendall(line)\n"
                     "sock.shutdown(socket.SHUT_WR)");
  else if (g->c->udp_connect)
    lab_codegen_put (g, "    sock.send(line)");
  else
    lab_codegen_put (g, "    sock.sendto(line, server_address)");
  g->depth -= 2;
  lab_codegen_put (g,
                   "    except OSError:\n"
                   "        pass\n"
                   "\n"
                   "\n");
}

/* The receiving end of a client, until the peer closes (TCP), EXPECT bytes
 * arrived, nothing arrives in time, or an error. */
static void
py_client_receive (Gen        *g,
                   const char *sock)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *received = lab_codegen_py_label (LABEL_RECEIVED);
  g_autofree char *from = lab_codegen_py_label (LABEL_FROM);
  g_autofree char *timeout = lab_codegen_py_label (LABEL_TIMEOUT);

  lab_codegen_put (g, "received = 0");
  if (c->recv_timeout > 0)
    {
      lab_codegen_put (g, "try:");
      g->depth++;
    }
  if (c->expect_bytes > 0)
    lab_codegen_put (g, "while received < EXPECT:");
  else
    lab_codegen_put (g, "while True:");
  g->depth++;
  if (lab_endpoint_kind_is_tcp (c->kind))
    lab_codegen_put_printf (g,
                            "data = %s.recv(BUF)\n"
                            "if not data:\n"
                            "    break", sock);
  else
    {
      lab_codegen_put_printf (g, "data, addr = %s.recvfrom(BUF)", sock);
      lab_codegen_put_printf (g, "print(%s, addr)", from);
    }
  lab_codegen_put_printf (g,
                          "print(%s, data)\n"
                          "received += len(data)", received);
  g->depth--;
  if (c->recv_timeout > 0)
    {
      g->depth--;
      lab_codegen_put_printf (g,
                              "except TimeoutError:\n"
                              "    print(%s)", timeout);
    }
}

/* A client's HOST is an address of the family it asks for (or it asks for
 * none): it makes its socket of that family and needs no getaddrinfo (). */
static gboolean
py_direct (Gen *g)
{
  LabEndpointConfig *c = g->c;

  return g->literal && (c->family == LAB_FAMILY_ANY || (c->family == LAB_FAMILY_IPV6) == g->ipv6);
}

/* connect (): each address the name resolves to, in turn. */
static void
py_connect (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_comment (g, _("Tries each address the name resolves to, in turn, as socket.create_connection () does."));
  lab_codegen_put (g,
                   "def connect():\n"
                   "    error = OSError(\"getaddrinfo\")");
  lab_codegen_put_printf (g, "    for family, kind, proto, _, address in socket.getaddrinfo(HOST, PORT, %s, socket.SOCK_STREAM):",
                          py_families[c->family]);
  g->depth += 2;
  lab_codegen_put (g,
                   "client = socket.socket(family, kind, proto)\n"
                   "try:");
  g->depth++;
  if (g->bind_local)
    lab_codegen_put (g, "client.bind(LOCAL)");
  lab_codegen_py_options (g, "client");
  if (c->connect_timeout > 0)
    lab_codegen_put (g, "client.settimeout(CONNECT_TIMEOUT)");
  lab_codegen_put (g,
                   "client.connect(address)\n"
                   "return client");
  g->depth--;
  lab_codegen_put (g,
                   "except OSError as e:\n"
                   "    error = e\n"
                   "    client.close()");
  g->depth -= 2;
  lab_codegen_put (g, "    raise error\n\n\n");
}

/* A client's socket of @family, made by the program itself, with its
 * own address bound and its options set, in the with block the rest of
 * the program goes in. */
static void
py_client_socket (Gen        *g,
                  const char *family)
{
  lab_codegen_note_backend (g);
  lab_codegen_put_printf (g, "with socket.socket(%s, socket.%s) as client:", family,
                          lab_endpoint_kind_is_tcp (g->c->kind) ? "SOCK_STREAM" : "SOCK_DGRAM");
  g->depth++;
  if (g->bind_local)
    lab_codegen_put_commented (g, "client.bind(LOCAL)", _("the local address and port of this end"));
  lab_codegen_py_options (g, "client");
}

/* What a client does once it has sent what it had to: the thread that
 * sends what you type, and receiving until it is done. */
static void
py_client_finish (Gen *g)
{
  if (g->keyboard)
    lab_codegen_put (g, "threading.Thread(target=keyboard, args=(client,), daemon=True).start()");
  py_client_receive (g, "client");
  g->depth--;
}

/* The sends of the initial data, SEND_COUNT times when more than once. */
static void
py_repeat_begin (Gen      *g,
                 gboolean  tcp)
{
  if (g->c->send_count <= 1)
    return;
  lab_codegen_comment (g, tcp || lab_codegen_chunked (g->c)
                          ? _("the data, SEND_COUNT times, one copy after the other")
                          : _("the data, SEND_COUNT times, a datagram each"));
  lab_codegen_put (g, "for _ in range(SEND_COUNT):");
  g->depth++;
}

static void
py_repeat_end (Gen *g)
{
  if (g->c->send_count > 1)
    g->depth--;
}

static void
py_tcp_client (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_py_label (LABEL_CONNECTED);
  gboolean direct = py_direct (g);

  if (g->keyboard)
    py_keyboard (g);

  if (!direct)
    {
      py_connect (g);
      lab_codegen_note_backend (g);
      lab_codegen_put (g, "with connect() as client:");
      g->depth++;
    }
  else
    {
      py_client_socket (g, lab_codegen_py_family (g));
      if (c->connect_timeout > 0)
        lab_codegen_put (g, "client.settimeout(CONNECT_TIMEOUT)");
      lab_codegen_put (g, "client.connect((HOST, PORT))");
    }

  lab_codegen_put_printf (g, "print(%s, client.getpeername())", connected);
  if (c->recv_timeout > 0)
    lab_codegen_put (g, "client.settimeout(RECV_TIMEOUT)");
  else if (c->connect_timeout > 0)
    lab_codegen_put (g, "client.settimeout(None)");

  if (c->initial_data != NULL)
    {
      py_repeat_begin (g, TRUE);
      if (lab_codegen_chunked (c))
        {
          lab_codegen_comment_pieces (g);
          lab_codegen_put_printf (g,
                                  "for start in range(0, len(DATA), %u):\n"
                                  "    client.%s(DATA[start:start + %u])", c->send_chunk,
                                  c->sendall ? "sendall" : "send", c->send_chunk);
        }
      else if (c->sendall)
        lab_codegen_put (g, "client.sendall(DATA)");
      else
        lab_codegen_put_commented (g, "client.send(DATA)", _("one send (): it may take only part of the data"));
      py_repeat_end (g);
      if (c->shutdown_after_send)
        lab_codegen_put_commented (g, "client.shutdown(socket.SHUT_WR)",
                                   _("nothing more to send: the server reads the end of the stream"));
    }
  lab_codegen_note_send_options (g);

  py_client_finish (g);
}

static void
py_udp_client (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean direct = py_direct (g);

  if (g->keyboard)
    py_keyboard (g);

  if (!direct && c->family == LAB_FAMILY_ANY)
    {
      lab_codegen_comment (g, _("The IPv4 address the name resolves to, if it has one, as the lab takes: a datagram "
                                "sent where nobody listens is lost without a word, so a UDP client cannot try each "
                                "address in turn."));
      lab_codegen_put (g,
                       "addresses = socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_DGRAM)\n"
                       "family, _, _, _, server_address = next((a for a in addresses if a[0] == socket.AF_INET), addresses[0])");
    }
  else if (!direct)
    {
      lab_codegen_comment (g, _("The first address the name resolves to."));
      lab_codegen_put_printf (g, "family, _, _, _, server_address = socket.getaddrinfo(HOST, PORT, %s, socket.SOCK_DGRAM)[0]",
                              py_families[c->family]);
    }
  else
    lab_codegen_put (g, "server_address = (HOST, PORT)");
  lab_codegen_blank (g);

  py_client_socket (g, direct ? lab_codegen_py_family (g) : "family");
  if (c->recv_timeout > 0)
    lab_codegen_put (g, "client.settimeout(RECV_TIMEOUT)");
  if (c->udp_connect)
    lab_codegen_put_commented (g, "client.connect(server_address)",
                               _("connect () on UDP sends nothing: it only fixes the peer"));
  if (c->initial_data != NULL)
    {
      py_repeat_begin (g, FALSE);
      if (lab_codegen_chunked (c))
        {
          lab_codegen_comment_pieces (g);
          lab_codegen_put_printf (g,
                                  "for start in range(0, len(DATA), %u):\n"
                                  "    client.%s(DATA[start:start + %u]%s)", c->send_chunk,
                                  c->udp_connect ? "send" : "sendto", c->send_chunk,
                                  c->udp_connect ? "" : ", server_address");
        }
      else
        lab_codegen_put (g, c->udp_connect ? "client.send(DATA)" : "client.sendto(DATA, server_address)");
      py_repeat_end (g);
    }
  lab_codegen_note_send_options (g);
  py_client_finish (g);
}

/* A TCP or a UDP client in Python, after its constants. */
void
lab_codegen_write_python_client (Gen *g)
{
  if (g->c->kind == LAB_ENDPOINT_TCP_CLIENT)
    py_tcp_client (g);
  else
    py_udp_client (g);
}
