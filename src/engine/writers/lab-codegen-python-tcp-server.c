/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* A TCP server in Python: the framing of its messages and answer (),
 * serve () and the loops around accept () of the servers that block (one
 * client at a time, or a thread for each), and the event loop of one
 * thread for all the clients, with selectors. */

/* TCP_NODELAY on an accepted connection (conn), as the server sets it. */
static void
py_nodelay_accepted (Gen *g)
{
  lab_codegen_put_commented (g, "conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
                             _("send small writes at once (no Nagle)"));
}

static void
py_framing (Gen *g)
{
  switch (g->framing)
    {
    case LAB_FRAMING_LINES:
      lab_codegen_comment (g, _("A message is a line that ends in \\n (a \\r before it is dropped)."));
      lab_codegen_put (g,
                       "def take_message(buffer):\n"
                       "    end = buffer.find(b\"\\n\")\n"
                       "    if end < 0:\n"
                       "        return None, buffer\n"
                       "    return buffer[:end].removesuffix(b\"\\r\"), buffer[end + 1:]\n"
                       "\n"
                       "\n"
                       "def frame(message):\n"
                       "    return message + b\"\\n\"\n");
      break;
    case LAB_FRAMING_LENGTH_PREFIX:
      lab_codegen_comment (g, _("A message is its length in 4 bytes (big-endian, network order), then that many bytes."));
      lab_codegen_put (g,
                       "def take_message(buffer):\n"
                       "    if len(buffer) < 4:\n"
                       "        return None, buffer\n"
                       "    (length,) = struct.unpack(\"!I\", buffer[:4])\n"
                       "    if len(buffer) < 4 + length:\n"
                       "        return None, buffer\n"
                       "    return buffer[4:4 + length], buffer[4 + length:]\n"
                       "\n"
                       "\n"
                       "def frame(message):\n"
                       "    return struct.pack(\"!I\", len(message)) + message\n");
      break;
    case LAB_FRAMING_FIXED:
      lab_codegen_comment (g, _("A message is always SIZE bytes long, padded with zero bytes."));
      lab_codegen_put (g,
                       "def take_message(buffer):\n"
                       "    if len(buffer) < SIZE:\n"
                       "        return None, buffer\n"
                       "    return buffer[:SIZE], buffer[SIZE:]\n"
                       "\n"
                       "\n"
                       "def frame(message):\n"
                       "    return message.ljust(SIZE, b\"\\0\")\n");
      break;
    case LAB_FRAMING_RAW:
    default:
      lab_codegen_comment (g, _("No framing: whatever one recv () returned is one message."));
      lab_codegen_put (g,
                       "def take_message(buffer):\n"
                       "    if not buffer:\n"
                       "        return None, buffer\n"
                       "    return buffer, b\"\"\n"
                       "\n"
                       "\n"
                       "def frame(message):\n"
                       "    return message\n");
      break;
    }
  lab_codegen_blank (g);
  lab_codegen_blank (g);

  lab_codegen_comment (g, _("Takes every whole message off the front of the bytes received and makes the reply to each, to be sent on its own; says too whether the client asked to end. A message not yet complete waits for more bytes."));
  lab_codegen_put (g,
                   "def answer(buffer):\n"
                   "    replies = []\n"
                   "    while True:\n"
                   "        message, buffer = take_message(buffer)\n"
                   "        if message is None:\n"
                   "            return replies, buffer, False");
  if (g->quit)
    lab_codegen_put (g,
                     "        if message.strip() == QUIT:\n"
                     "            return replies, buffer, True");
  if (g->c->behaviour == LAB_BEHAVIOUR_ECHO)
    lab_codegen_put (g, "        replies.append(frame(message))");
  else if (g->c->behaviour == LAB_BEHAVIOUR_UPPER)
    lab_codegen_put_commented (g, "        replies.append(frame(message.upper()))", _("ASCII letters only, as bytes.upper () does"));
  lab_codegen_blank (g);
  lab_codegen_blank (g);
}

/* The clients a server sends what you type to, and the thread that reads
 * the keyboard: for the servers that block, a thread for each client or
 * one client at a time. */
static void
py_server_keyboard (Gen *g)
{
  lab_codegen_put (g,
                   "clients = []\n"
                   "clients_lock = threading.Lock()\n"
                   "\n"
                   "\n");
  lab_codegen_comment (g, _("Sends each line you type to every client connected."));
  lab_codegen_put (g, "def keyboard():");
  g->depth++;
  lab_codegen_py_keyboard_loop (g);
  lab_codegen_put (g,
                   "    with clients_lock:\n"
                   "        for conn in clients:\n"
                   "            try:\n"
                   "                conn.sendall(line)\n"
                   "            except OSError:\n"
                   "                pass\n"
                   "\n");
  g->depth--;
  lab_codegen_blank (g);
}

/* A server that speaks first sends the time to the client accepted (conn). */
static void
py_send_time (Gen *g)
{
  lab_codegen_comment (g, _("This server speaks first: it sends the time and closes."));
  lab_codegen_put (g, "conn.sendall(now())");
}

/* serve ()'s loop: receive, print, and answer, until the client closes. */
static void
py_serve_receive (Gen *g)
{
  g_autofree char *received = lab_codegen_py_label (LABEL_RECEIVED);

  /* A thread for each client: the accepting thread counts it. */
  if (g->manual && g->concurrency != LAB_CONCURRENCY_THREADS)
    lab_codegen_put (g,
                     "with clients_lock:\n"
                     "    clients.append(conn)");
  if (g->answers)
    lab_codegen_put (g, "pending = b\"\"");
  lab_codegen_put (g, "while True:");
  g->depth++;
  lab_codegen_put_printf (g,
                          "data = conn.recv(BUF)\n"
                          "if not data:\n"
                          "    break\n"
                          "print(%s, data)", received);
  if (g->simple_echo)
    lab_codegen_put (g, "conn.sendall(data)");
  else if (g->answers)
    {
      lab_codegen_put (g,
                       "replies, pending, quit = answer(pending + data)\n"
                       "for reply in replies:");
      lab_codegen_put_one_send (g, "    conn.sendall(reply)");
      lab_codegen_put (g,
                       "if quit:\n"
                       "    break");
    }
  g->depth--;
  if (g->manual)
    lab_codegen_put (g,
                     "with clients_lock:\n"
                     "    clients.remove(conn)");
}

/* serve (): one client, from accept () to close (), for the servers that
 * block; and the thread that frees a slot once it is served. */
static void
py_serve (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_py_label (LABEL_CONNECTED);
  g_autofree char *closed = lab_codegen_py_label (LABEL_CLOSED);

  lab_codegen_comment (g, _("Serves one client until it closes its side of the connection."));
  lab_codegen_put (g, "def serve(conn, addr):");
  g->depth++;
  lab_codegen_put_printf (g, "print(%s, addr)", connected);
  lab_codegen_put (g, "with conn:");
  g->depth++;
  if (c->nodelay)
    py_nodelay_accepted (g);
  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    py_send_time (g);
  else
    py_serve_receive (g);
  g->depth--;
  lab_codegen_put_printf (g, "print(%s, addr)", closed);
  g->depth--;
  lab_codegen_blank (g);
  lab_codegen_blank (g);

  if (g->concurrency == LAB_CONCURRENCY_THREADS && c->max_clients > 0)
    {
      lab_codegen_put (g,
                       "slots = threading.BoundedSemaphore(MAX_CLIENTS)\n"
                       "\n"
                       "\n"
                       "def client_thread(conn, addr):\n"
                       "    try:\n"
                       "        serve(conn, addr)\n"
                       "    finally:\n"
                       "        slots.release()\n"
                       "\n"
                       "\n");
    }
}

static void
py_accept_iterative (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (c->concurrency == LAB_CONCURRENCY_LOOP)
    lab_codegen_comment (g, _("A server that speaks first never waits for a client: its event loop comes down to accept (), send () and close (), one client after another."));
  lab_codegen_comment (g, _("One client at a time: the others wait in the backlog meanwhile."));
  lab_codegen_py_server_loop (g);
  lab_codegen_put (g,
                   "    conn, addr = server.accept()\n"
                   "    serve(conn, addr)");
}

static void
py_accept_threads (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_comment (g, _("A thread for each client, so that several are served at once."));
  if (c->max_connections > 0)
    lab_codegen_put (g, "threads = []");
  lab_codegen_py_server_loop (g);
  g->depth++;
  if (c->max_clients > 0)
    {
      lab_codegen_put_commented (g, "slots.acquire()", _("wait while MAX_CLIENTS are being served"));
      lab_codegen_put (g, "conn, addr = server.accept()");
    }
  else
    lab_codegen_put (g, "conn, addr = server.accept()");
  if (g->manual)
    {
      lab_codegen_comment (g, _("Counted before its thread starts: a line typed from now on reaches this client."));
      lab_codegen_put (g,
                       "with clients_lock:\n"
                       "    clients.append(conn)");
    }
  if (c->max_clients > 0)
    lab_codegen_put (g, "thread = threading.Thread(target=client_thread, args=(conn, addr), daemon=True)");
  else
    lab_codegen_put (g, "thread = threading.Thread(target=serve, args=(conn, addr), daemon=True)");
  lab_codegen_put (g, "thread.start()");
  if (c->max_connections > 0)
    lab_codegen_put (g, "threads.append(thread)");
  g->depth--;
  if (c->max_connections > 0)
    lab_codegen_put (g,
                     "for thread in threads:\n"
                     "    thread.join()");
}

/* What the event loop keeps for each client. */
static void
py_loop_client (Gen *g)
{
  lab_codegen_comment (g, _("What the event loop keeps for each client: its address, the bytes of a message not yet complete, the bytes still to send, and whether it is to be closed once they are sent."));
  lab_codegen_put (g,
                   "class Client:\n"
                   "    def __init__(self, addr):\n"
                   "        self.addr = addr\n"
                   "        self.pending = b\"\"\n"
                   "        self.out = []\n"
                   "        self.closing = False\n"
                   "\n"
                   "\n");
}

/* A new client, when the listening socket is ready. */
static void
py_loop_accept (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_py_label (LABEL_CONNECTED);
  g_autofree char *closed = lab_codegen_py_label (LABEL_CLOSED);

  lab_codegen_put (g, "if key.fileobj is server:");
  g->depth++;
  lab_codegen_put (g,
                   "try:\n"
                   "    conn, addr = server.accept()\n"
                   "except BlockingIOError:\n"
                   "    continue\n"
                   "accepted += 1");
  lab_codegen_put_printf (g, "print(%s, addr)", connected);
  if (c->nodelay)
    py_nodelay_accepted (g);
  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    {
      py_send_time (g);
      lab_codegen_put_printf (g,
                              "conn.close()\n"
                              "print(%s, addr)\n"
                              "continue", closed);
    }
  else
    lab_codegen_put (g,
                     "conn.setblocking(False)\n"
                     "clients[conn] = Client(addr)\n"
                     "selector.register(conn, selectors.EVENT_READ)\n"
                     "continue");
  g->depth--;
}

/* A client the selector found ready: receive and answer, or send what
 * waits; then close it if it is done. */
static void
py_loop_client_io (Gen *g)
{
  g_autofree char *received = lab_codegen_py_label (LABEL_RECEIVED);
  g_autofree char *closed = lab_codegen_py_label (LABEL_CLOSED);

  lab_codegen_put (g,
                   "conn = key.fileobj\n"
                   "client = clients[conn]\n"
                   "if events & selectors.EVENT_READ:");
  g->depth++;
  lab_codegen_put_printf (g,
                          "try:\n"
                          "    data = conn.recv(BUF)\n"
                          "except BlockingIOError:\n"
                          "    data = None\n"
                          "except OSError:\n"
                          "    data = b\"\"\n"
                          "if data == b\"\":\n"
                          "    client.closing = True\n"
                          "    client.out = []\n"
                          "elif data:\n"
                          "    print(%s, data)", received);
  if (g->simple_echo)
    lab_codegen_put (g, "    client.out.append(data)");
  else if (g->answers)
    lab_codegen_put (g,
                     "    replies, client.pending, quit = answer(client.pending + data)\n"
                     "    client.out += replies\n"
                     "    client.closing = client.closing or quit");
  g->depth--;
  lab_codegen_put (g,
                   "while client.out:\n"
                   "    try:\n"
                   "        sent = conn.send(client.out[0])\n"
                   "    except BlockingIOError:\n"
                   "        break\n"
                   "    except OSError:\n"
                   "        client.closing = True\n"
                   "        client.out = []\n"
                   "        break\n"
                   "    if sent < len(client.out[0]):\n"
                   "        client.out[0] = client.out[0][sent:]\n"
                   "        break\n"
                   "    client.out.pop(0)\n"
                   "if client.closing and not client.out:\n"
                   "    selector.unregister(conn)\n"
                   "    del clients[conn]\n"
                   "    conn.close()");
  lab_codegen_put_printf (g, "    print(%s, client.addr)", closed);
  lab_codegen_put (g,
                   "else:\n"
                   "    wanted = selectors.EVENT_WRITE if client.out else selectors.EVENT_READ\n"
                   "    selector.modify(conn, wanted)");
}

static void
py_event_loop (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_comment (g, _("One thread and one event loop for all the clients: the sockets never block, and the program waits for whichever is ready."));
  lab_codegen_put (g,
                   "server.setblocking(False)\n"
                   "selector = selectors.DefaultSelector()\n"
                   "selector.register(server, selectors.EVENT_READ)");
  if (g->manual)
    lab_codegen_put (g, "selector.register(sys.stdin, selectors.EVENT_READ)");
  lab_codegen_put (g,
                   "clients = {}\n"
                   "listening = True\n"
                   "accepted = 0");
  if (c->max_connections > 0)
    lab_codegen_put (g, "while accepted < MAX_CONNECTIONS or clients:");
  else
    lab_codegen_put (g, "while True:");
  g->depth++;
  if (c->max_clients > 0 || c->max_connections > 0)
    {
      lab_codegen_put_printf (g, "room = %s%s%s",
                              c->max_clients > 0 ? "len(clients) < MAX_CLIENTS" : "",
                              c->max_clients > 0 && c->max_connections > 0 ? " and " : "",
                              c->max_connections > 0 ? "accepted < MAX_CONNECTIONS" : "");
      lab_codegen_put (g,
                       "if room != listening:\n"
                       "    if room:\n"
                       "        selector.register(server, selectors.EVENT_READ)\n"
                       "    else:\n"
                       "        selector.unregister(server)\n"
                       "    listening = room");
    }
  lab_codegen_put (g, "for key, events in selector.select():");
  g->depth++;
  py_loop_accept (g);
  if (g->manual)
    lab_codegen_put (g,
                     "if key.fileobj is sys.stdin:\n"
                     "    line = sys.stdin.buffer.readline()\n"
                     "    if not line:\n"
                     "        selector.unregister(sys.stdin)\n"
                     "    for conn, client in clients.items():\n"
                     "        client.out.append(line)\n"
                     "        selector.modify(conn, selectors.EVENT_READ | selectors.EVENT_WRITE)\n"
                     "    continue");
  py_loop_client_io (g);
  g->depth -= 2;
}

/* A TCP server in Python, after its constants: what its program defines,
 * then its socket and the loop of its concurrency model. */
void
lab_codegen_write_python_tcp_server (Gen *g)
{
  gboolean loop = g->concurrency == LAB_CONCURRENCY_LOOP;

  if (g->answers)
    py_framing (g);
  if (g->c->behaviour == LAB_BEHAVIOUR_TIME)
    lab_codegen_py_time (g);

  if (g->manual && !loop)
    py_server_keyboard (g);
  if (!loop)
    py_serve (g);
  else
    py_loop_client (g);

  lab_codegen_py_server_socket (g);
  if (g->manual && !loop)
    lab_codegen_put (g, "threading.Thread(target=keyboard, daemon=True).start()");

  switch (g->concurrency)
    {
    case LAB_CONCURRENCY_ITERATIVE:
      py_accept_iterative (g);
      break;
    case LAB_CONCURRENCY_THREADS:
      py_accept_threads (g);
      break;
    case LAB_CONCURRENCY_LOOP:
    default:
      py_event_loop (g);
      break;
    }
  g->depth--;
}
