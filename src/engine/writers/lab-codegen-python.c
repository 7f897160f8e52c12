/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-codegen-private.h"
#include "lab-hex.h"

/* The code generator's Python, as the course writes it: the literals, the
 * imports and constants every program starts with, what more than one
 * kind of program writes (socket options, a server's socket and loop,
 * now ()), a UDP server, and the entry that hands a TCP server or a client
 * to the file of its own. */

/* b"…": printable ASCII as it is, any other byte escaped. */
static char *
python_bytes (const guint8 *data,
              gsize         len)
{
  GString *out = g_string_new (NULL);

  lab_python_bytes_append (out, data, len, '"');
  return g_string_free (out, FALSE);
}

/* "…" for Python text (UTF-8 stays, control characters are escaped). */
static char *
python_str (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new ("\"");

  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\x%02x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }

  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* The words a program prints before what it shows (LABEL_…), as a Python
 * text literal. They are the program's own output, in the language of the
 * moment, as the course's programs print in Spanish. */
char *
lab_codegen_py_label (const char *text)
{
  return python_str (text);
}

/* Seconds, as Python's settimeout () takes them. */
static char *
seconds (guint ms)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", ms / 1000.0));
}

/* The family of a server's socket, or of a client's that needs no
 * getaddrinfo (). */
const char *
lab_codegen_py_family (Gen *g)
{
  return g->ipv6 ? "socket.AF_INET6" : "socket.AF_INET";
}

/* What a client is told to send, receive and bind, and its time limits. */
static void
py_client_constants (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (c->initial_data != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (c->initial_data, &len);
      g_autofree char *literal = python_bytes (data, len);

      lab_codegen_put_printf (g, "DATA = %s", literal);
      if (c->send_count > 1)
        lab_codegen_put_commented_take (g, g_strdup_printf ("SEND_COUNT = %u", c->send_count),
                                        _("how many times DATA is sent"));
    }
  if (c->expect_bytes > 0)
    lab_codegen_put_commented_take (g, g_strdup_printf ("EXPECT = %" G_GUINT64_FORMAT, c->expect_bytes),
                                    _("bytes to receive before closing"));
  if (g->bind_local)
    {
      g_autofree char *literal = python_str (g->local != NULL ? g->local : "");

      lab_codegen_put_printf (g, "LOCAL = (%s, %u)", literal, c->local_port);
    }
  if (c->connect_timeout > 0 && lab_endpoint_kind_is_tcp (c->kind))
    {
      g_autofree char *s = seconds (c->connect_timeout);

      lab_codegen_put_printf (g, "CONNECT_TIMEOUT = %s", s);
    }
  if (c->recv_timeout > 0)
    {
      g_autofree char *s = seconds (c->recv_timeout);

      lab_codegen_put_printf (g, "RECV_TIMEOUT = %s", s);
    }
}

static void
py_constants (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *host = python_str (g->host);

  lab_codegen_put_printf (g, "HOST = %s", host);
  lab_codegen_put_printf (g, "PORT = %u", c->port);
  if (c->kind == LAB_ENDPOINT_TCP_SERVER)
    lab_codegen_put_printf (g, "BACKLOG = %d", c->backlog);
  lab_codegen_put_printf (g, "BUF = %u", c->buffer_size);

  if (g->quit)
    {
      g_autofree char *quit = python_bytes ((const guint8 *) c->quit_message, strlen (c->quit_message));

      lab_codegen_put_commented_take (g, g_strdup_printf ("QUIT = %s", quit),
                                      _("a client that sends this message is closed"));
    }
  if (g->answers && g->framing == LAB_FRAMING_FIXED)
    lab_codegen_put_printf (g, "SIZE = %u", c->fixed_size);

  if (c->kind == LAB_ENDPOINT_TCP_SERVER && g->concurrency != LAB_CONCURRENCY_ITERATIVE && c->max_clients > 0)
    lab_codegen_put_commented_take (g, g_strdup_printf ("MAX_CLIENTS = %u", c->max_clients),
                                    _("clients served at the same time, at most"));
  if (lab_endpoint_kind_is_server (c->kind) && c->max_connections > 0)
    lab_codegen_put_commented_take (g, g_strdup_printf ("MAX_CONNECTIONS = %u", c->max_connections),
                                    lab_endpoint_kind_is_tcp (c->kind)
                                    ? _("clients served in all; then the server ends")
                                    : _("datagrams answered in all; then the server ends"));

  if (!lab_endpoint_kind_is_server (c->kind))
    py_client_constants (g);

  lab_codegen_blank (g);
}

static void
py_imports (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean loop = c->kind == LAB_ENDPOINT_TCP_SERVER && g->concurrency == LAB_CONCURRENCY_LOOP;

  lab_codegen_put (g, "import socket");
  if (loop)
    lab_codegen_put (g, "import selectors");
  if (g->answers && g->framing == LAB_FRAMING_LENGTH_PREFIX)
    lab_codegen_put (g, "import struct");
  if (g->manual || g->keyboard)
    lab_codegen_put (g, "import sys");
  if ((c->kind == LAB_ENDPOINT_TCP_SERVER && g->concurrency == LAB_CONCURRENCY_THREADS) ||
      ((g->manual && !loop) || g->keyboard))
    lab_codegen_put (g, "import threading");
  if (lab_endpoint_kind_is_server (c->kind) && c->behaviour == LAB_BEHAVIOUR_TIME)
    lab_codegen_put (g, "import time");
  lab_codegen_blank (g);
}

/* Socket options set before bind () (a server) or connect () (a client). */
void
lab_codegen_py_options (Gen        *g,
                        const char *sock)
{
  LabEndpointConfig *c = g->c;

  if (c->reuseaddr && lab_endpoint_kind_is_server (c->kind))
    lab_codegen_put_commented_take (g, g_strdup_printf ("%s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)", sock),
                                    _("reuse the port even while old connections wait in TIME_WAIT"));
  if (c->rcvbuf > 0)
    lab_codegen_put_printf (g, "%s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, %d)", sock, c->rcvbuf);
  if (c->sndbuf > 0)
    lab_codegen_put_printf (g, "%s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, %d)", sock, c->sndbuf);
  if (c->nodelay && c->kind == LAB_ENDPOINT_TCP_CLIENT)
    lab_codegen_put_commented_take (g, g_strdup_printf ("%s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)", sock),
                                    _("send small writes at once (no Nagle)"));
}

/* A server's socket, bound to HOST and PORT (and listening, for TCP),
 * in the with block the rest of the program goes in. */
void
lab_codegen_py_server_socket (Gen *g)
{
  gboolean tcp = lab_endpoint_kind_is_tcp (g->c->kind);
  g_autofree char *listening = lab_codegen_py_label (LABEL_LISTENING);

  lab_codegen_note_backend (g);
  lab_codegen_put_printf (g, "with socket.socket(%s, socket.%s) as server:", lab_codegen_py_family (g),
                          tcp ? "SOCK_STREAM" : "SOCK_DGRAM");
  g->depth++;
  lab_codegen_py_options (g, "server");
  lab_codegen_put (g, "server.bind((HOST, PORT))");
  if (tcp)
    lab_codegen_put (g, "server.listen(BACKLOG)");
  lab_codegen_put_printf (g, "print(%s, server.getsockname())", listening);
}

/* The loop of a server that blocks, around accept () (TCP) or
 * recvfrom () (UDP): for ever, or MAX_CONNECTIONS times. */
void
lab_codegen_py_server_loop (Gen *g)
{
  if (g->c->max_connections > 0)
    lab_codegen_put (g, "for _ in range(MAX_CONNECTIONS):");
  else
    lab_codegen_put (g, "while True:");
}

/* The loop of a thread that reads the keyboard, line by line. */
void
lab_codegen_py_keyboard_loop (Gen *g)
{
  lab_codegen_comment (g, _("Each line typed, read from the file itself rather than through Python’s buffer: a "
                            "thread still waiting here when the program ends has taken no lock, so the "
                            "program ends cleanly."));
  lab_codegen_put (g, "for line in iter(sys.stdin.buffer.raw.readline, b\"\"):");
}

/* now (), for a server that sends the time. */
void
lab_codegen_py_time (Gen *g)
{
  lab_codegen_comment (g, _("The local time, as text ending in a newline."));
  lab_codegen_put (g,
                   "def now():\n"
                   "    return time.strftime(\"%Y-%m-%d %H:%M:%S\\n\").encode()\n");
  lab_codegen_blank (g);
  lab_codegen_blank (g);
}

static void
py_udp_server (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *received = lab_codegen_py_label (LABEL_RECEIVED);
  g_autofree char *from = lab_codegen_py_label (LABEL_FROM);

  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    lab_codegen_py_time (g);

  if (g->manual)
    {
      lab_codegen_put (g, "last_peer = None\n\n\n");
      lab_codegen_comment (g, _("Sends each line you type to the last address a datagram came from."));
      lab_codegen_put (g, "def keyboard(sock):");
      g->depth++;
      lab_codegen_py_keyboard_loop (g);
      lab_codegen_put (g,
                       "    if last_peer is not None:\n"
                       "        sock.sendto(line, last_peer)\n"
                       "\n");
      g->depth--;
      lab_codegen_blank (g);
    }

  lab_codegen_note_udp_framing (g);
  lab_codegen_py_server_socket (g);
  if (g->manual)
    lab_codegen_put (g, "threading.Thread(target=keyboard, args=(server,), daemon=True).start()");
  lab_codegen_py_server_loop (g);
  g->depth++;
  lab_codegen_put (g, "data, addr = server.recvfrom(BUF)");
  lab_codegen_put_printf (g, "print(%s, addr)", from);
  lab_codegen_put_printf (g, "print(%s, data)", received);
  switch (c->behaviour)
    {
    case LAB_BEHAVIOUR_ECHO:
      lab_codegen_put (g, "server.sendto(data, addr)");
      break;
    case LAB_BEHAVIOUR_UPPER:
      lab_codegen_put (g, "server.sendto(data.upper(), addr)");
      break;
    case LAB_BEHAVIOUR_TIME:
      lab_codegen_comment (g, _("Any datagram is a question: the answer is the time."));
      lab_codegen_put (g, "server.sendto(now(), addr)");
      break;
    case LAB_BEHAVIOUR_MANUAL:
      lab_codegen_put (g, "last_peer = addr");
      break;
    case LAB_BEHAVIOUR_DISCARD:
    default:
      lab_codegen_comment (g, _("This server discards what it receives: it answers nothing."));
      break;
    }
  g->depth -= 2;
}

/* The program in Python, after the header: its imports, its constants,
 * and the program of its kind. */
void
lab_codegen_write_python (Gen *g)
{
  if (lab_endpoint_kind_is_ping (g->c->kind))
    {
      lab_codegen_write_python_ping (g);
      return;
    }
  py_imports (g);
  py_constants (g);
  switch (g->c->kind)
    {
    case LAB_ENDPOINT_TCP_SERVER: lab_codegen_write_python_tcp_server (g); break;
    case LAB_ENDPOINT_UDP_SERVER: py_udp_server (g); break;
    case LAB_ENDPOINT_TCP_CLIENT:
    case LAB_ENDPOINT_UDP_CLIENT:
    default: lab_codegen_write_python_client (g); break;
    }
}
