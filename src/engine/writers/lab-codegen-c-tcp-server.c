/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* A TCP server in C: the buffers and framing of its messages and
 * answer (), serve () and the loops around accept () of the servers that
 * block (one client at a time, or a thread for each), and the event loop
 * of one thread for all the clients, with poll (). */

/* TCP_NODELAY on an accepted connection (fd), as the server sets it. */
static void
c_nodelay_accepted (Gen *g)
{
  lab_codegen_comment (g, _("send small writes at once (no Nagle)"));
  lab_codegen_put (g, "set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);");
}

/* A growing buffer of bytes, and how bytes are added to it and taken off
 * its front. */
static void
c_buffer (Gen *g)
{
  lab_codegen_put (g,
                   "struct buffer {\n"
                   "    unsigned char *data;\n"
                   "    size_t len;\n"
                   "    size_t size;\n"
                   "};\n");
  lab_codegen_blank (g);
  if (g->answers || g->replies || g->manual)
    lab_codegen_put (g,
                   "static void\n"
                   "buffer_append(struct buffer *b, const void *data, size_t len)\n"
                   "{\n"
                   "    if (b->len + len > b->size) {\n"
                   "        size_t size = b->size > 0 ? b->size : 64;\n"
                   "\n"
                   "        while (size < b->len + len)\n"
                   "            size *= 2;\n"
                   "        b->data = realloc(b->data, size);\n"
                   "        if (b->data == NULL) {\n"
                   "            perror(\"realloc\");\n"
                   "            exit(1);\n"
                   "        }\n"
                   "        b->size = size;\n"
                   "    }\n"
                   "    if (len > 0)\n"
                   "        memcpy(b->data + b->len, data, len);\n"
                   "    b->len += len;\n"
                   "}\n");
  lab_codegen_blank (g);
  lab_codegen_put (g,
                   "static void\n"
                   "buffer_consume(struct buffer *b, size_t len)\n"
                   "{\n"
                   "    memmove(b->data, b->data + len, b->len - len);\n"
                   "    b->len -= len;\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* take_message (): the reader of the server's framing. */
static void
c_take_message (Gen *g)
{
  lab_codegen_comment (g, _("Finds the first whole message in the bytes received: says where it is and how many bytes its frame takes, or that it is not complete yet."));
  lab_codegen_put (g,
                   "static int\n"
                   "take_message(unsigned char *data, size_t avail, unsigned char **message, size_t *len, size_t *used)\n"
                   "{");
  g->depth++;
  switch (g->framing)
    {
    case LAB_FRAMING_LINES:
      lab_codegen_comment (g, _("A message is a line that ends in \\n (a \\r before it is dropped)."));
      lab_codegen_put (g,
                       "unsigned char *newline = memchr(data, '\\n', avail);\n"
                       "\n"
                       "if (newline == NULL)\n"
                       "    return 0;\n"
                       "*message = data;\n"
                       "*len = (size_t) (newline - data);\n"
                       "*used = *len + 1;\n"
                       "if (*len > 0 && data[*len - 1] == '\\r')\n"
                       "    (*len)--;\n"
                       "return 1;");
      break;
    case LAB_FRAMING_LENGTH_PREFIX:
      lab_codegen_comment (g, _("A message is its length in 4 bytes (big-endian, network order), then that many bytes."));
      lab_codegen_put (g,
                       "unsigned long length;\n"
                       "\n"
                       "if (avail < 4)\n"
                       "    return 0;\n"
                       "length = (unsigned long) data[0] << 24 | (unsigned long) data[1] << 16 |\n"
                       "         (unsigned long) data[2] << 8 | data[3];\n"
                       "if (avail - 4 < length)\n"
                       "    return 0;\n"
                       "*message = data + 4;\n"
                       "*len = length;\n"
                       "*used = 4 + length;\n"
                       "return 1;");
      break;
    case LAB_FRAMING_FIXED:
      lab_codegen_comment (g, _("A message is always SIZE bytes long, padded with zero bytes."));
      lab_codegen_put (g,
                       "if (avail < SIZE)\n"
                       "    return 0;\n"
                       "*message = data;\n"
                       "*len = SIZE;\n"
                       "*used = SIZE;\n"
                       "return 1;");
      break;
    case LAB_FRAMING_RAW:
    default:
      lab_codegen_comment (g, _("No framing: whatever one recv () returned is one message."));
      lab_codegen_put (g,
                       "if (avail == 0)\n"
                       "    return 0;\n"
                       "*message = data;\n"
                       "*len = avail;\n"
                       "*used = avail;\n"
                       "return 1;");
      break;
    }
  g->depth--;
  lab_codegen_put (g, "}\n\n");
}

/* frame_message (): the writer of the server's framing, for a reply. */
static void
c_frame_message (Gen *g)
{
  lab_codegen_put (g,
                   "static void\n"
                   "frame_message(struct buffer *out, const unsigned char *message, size_t len)\n"
                   "{");
  switch (g->framing)
    {
    case LAB_FRAMING_LINES:
      lab_codegen_put (g,
                       "    buffer_append(out, message, len);\n"
                       "    buffer_append(out, \"\\n\", 1);");
      break;
    case LAB_FRAMING_LENGTH_PREFIX:
      lab_codegen_put (g,
                       "    unsigned char header[4] = {\n"
                       "        (unsigned char) (len >> 24), (unsigned char) (len >> 16),\n"
                       "        (unsigned char) (len >> 8), (unsigned char) len,\n"
                       "    };\n"
                       "\n"
                       "    buffer_append(out, header, 4);\n"
                       "    buffer_append(out, message, len);");
      break;
    case LAB_FRAMING_FIXED:
      lab_codegen_put (g,
                       "    buffer_append(out, message, len);\n"
                       "    while (len++ < SIZE)\n"
                       "        buffer_append(out, \"\", 1);");
      break;
    case LAB_FRAMING_RAW:
    default:
      lab_codegen_put (g, "    buffer_append(out, message, len);");
      break;
    }
  lab_codegen_put (g, "}\n\n");
}

static void
c_is_quit (Gen *g)
{
  lab_codegen_comment (g, _("Whether a message is the quit message, spaces and newlines around it aside."));
  lab_codegen_put (g,
                   "static int\n"
                   "is_space(unsigned char c)\n"
                   "{\n"
                   "    return c == ' ' || (c >= '\\t' && c <= '\\r');\n"
                   "}\n"
                   "\n"
                   "static int\n"
                   "is_quit(const unsigned char *message, size_t len)\n"
                   "{\n"
                   "    while (len > 0 && is_space(message[0]))\n"
                   "        message++, len--;\n"
                   "    while (len > 0 && is_space(message[len - 1]))\n"
                   "        len--;\n"
                   "    return len == strlen(QUIT) && memcmp(message, QUIT, len) == 0;\n"
                   "}\n\n");
}

/* queue_reply (): an event loop's answer, sent at once with a send () of
 * its own while nothing waits before it; what the socket does not take
 * waits for poll (). */
static void
c_queue_reply (Gen *g)
{
  lab_codegen_comment (g, _("Sends a reply at once, by a send () of its own, when nothing waits to be sent before it; what the socket does not take now waits to be sent when poll () says it can."));
  lab_codegen_put (g,
                   "static void\n"
                   "queue_reply(int fd, struct buffer *out, const unsigned char *reply, size_t len)\n"
                   "{\n"
                   "    if (out->len == 0) {\n"
                   "        ssize_t sent = send(fd, reply, len, 0);\n"
                   "\n"
                   "        if (sent > 0) {\n"
                   "            reply += sent;\n"
                   "            len -= (size_t) sent;\n"
                   "        }\n"
                   "    }\n"
                   "    buffer_append(out, reply, len);\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* answer (): each whole message received, and the reply to each, sent on
 * its own: at once by a server that blocks, queued by the event loop. */
static void
c_answer (Gen *g)
{
  gboolean loop = g->concurrency == LAB_CONCURRENCY_LOOP;

  lab_codegen_comment (g, _("Takes every whole message off the front of the bytes received and makes the reply to each, to be sent on its own; says too whether the client asked to end. A message not yet complete waits for more bytes."));
  lab_codegen_put (g, "static int");
  if (!g->replies)
    lab_codegen_put (g, "answer(struct buffer *pending)");
  else
    lab_codegen_put (g, loop ? "answer(int fd, struct buffer *pending, struct buffer *out)"
                             : "answer(int fd, struct buffer *pending)");
  lab_codegen_put (g,
                   "{\n"
                   "    unsigned char *message;\n"
                   "    size_t len, used;\n"
                   "    int quit = 0;");
  if (g->replies)
    lab_codegen_put (g, "    struct buffer reply = { 0 };");
  lab_codegen_put (g,
                   "\n"
                   "    while (!quit && take_message(pending->data, pending->len, &message, &len, &used)) {");
  g->depth += 2;
  if (g->quit)
    lab_codegen_put (g,
                     "if (is_quit(message, len))\n"
                     "    quit = 1;");
  if (g->replies)
    {
      lab_codegen_put (g, g->quit ? "else {" : "{");
      g->depth++;
      if (g->c->behaviour == LAB_BEHAVIOUR_UPPER)
        {
          lab_codegen_comment (g, _("ASCII letters only, as bytes.upper () does"));
          lab_codegen_put (g,
                           "for (size_t i = 0; i < len; i++)\n"
                           "    if (message[i] >= 'a' && message[i] <= 'z')\n"
                           "        message[i] -= 'a' - 'A';");
        }
      lab_codegen_put (g,
                       "reply.len = 0;\n"
                       "frame_message(&reply, message, len);");
      if (loop)
        lab_codegen_put (g, "queue_reply(fd, out, reply.data, reply.len);");
      else
        {
          lab_codegen_put_one_send (g, "if (send_all(fd, reply.data, reply.len) < 0)");
          lab_codegen_put (g, "    quit = 1;");
        }
      g->depth--;
      lab_codegen_put (g, "}");
    }
  lab_codegen_put (g, "buffer_consume(pending, used);");
  g->depth -= 2;
  lab_codegen_put (g, "    }");
  if (g->replies)
    lab_codegen_put (g, "    free(reply.data);");
  lab_codegen_put (g,
                   "    return quit;\n"
                   "}\n\n");
}

/* What a TCP server needs of buffers and framing: the buffers alone for
 * an event loop whose bytes go through no answer (), else the reader and
 * writer of its messages and answer () too. */
static void
c_framing (Gen *g)
{
  c_buffer (g);
  if (!g->answers)
    return;

  c_take_message (g);
  if (g->c->behaviour == LAB_BEHAVIOUR_ECHO || g->c->behaviour == LAB_BEHAVIOUR_UPPER)
    c_frame_message (g);
  if (g->quit)
    c_is_quit (g);
  if (g->replies && g->concurrency == LAB_CONCURRENCY_LOOP)
    c_queue_reply (g);
  c_answer (g);
}

static void
c_print_peer (Gen *g)
{
  lab_codegen_put (g,
                   "static void\n"
                   "print_peer(const char *label, int fd)\n"
                   "{\n"
                   "    struct sockaddr_storage peer;\n"
                   "    socklen_t len = sizeof peer;\n"
                   "\n"
                   "    if (getpeername(fd, (struct sockaddr *) &peer, &len) == 0)\n"
                   "        print_address(label, (struct sockaddr *) &peer, len);\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* The clients a server sends what you type to, and the thread that reads
 * the keyboard: for the servers that block, a thread for each client or
 * one client at a time. */
static void
c_server_keyboard (Gen *g)
{
  lab_codegen_put (g,
                   "static pthread_mutex_t clients_lock = PTHREAD_MUTEX_INITIALIZER;\n"
                   "static int *clients;\n"
                   "static size_t n_clients;\n"
                   "\n"
                   "static void\n"
                   "add_client(int fd)\n"
                   "{\n"
                   "    pthread_mutex_lock(&clients_lock);\n"
                   "    clients = realloc(clients, (n_clients + 1) * sizeof *clients);\n"
                   "    if (clients == NULL) {\n"
                   "        perror(\"realloc\");\n"
                   "        exit(1);\n"
                   "    }\n"
                   "    clients[n_clients++] = fd;\n"
                   "    pthread_mutex_unlock(&clients_lock);\n"
                   "}\n"
                   "\n"
                   "static void\n"
                   "remove_client(int fd)\n"
                   "{\n"
                   "    pthread_mutex_lock(&clients_lock);\n"
                   "    for (size_t i = 0; i < n_clients; i++)\n"
                   "        if (clients[i] == fd)\n"
                   "            clients[i] = clients[--n_clients];\n"
                   "    pthread_mutex_unlock(&clients_lock);\n"
                   "}\n"
                   "\n");
  lab_codegen_comment (g, _("Sends each line you type to every client connected."));
  lab_codegen_put (g,
                   "static void *\n"
                   "keyboard(void *arg)\n"
                   "{\n"
                   "    char line[4096];\n"
                   "    ssize_t n;\n"
                   "\n"
                   "    (void) arg;\n"
                   "    while ((n = read(STDIN_FILENO, line, sizeof line)) > 0) {\n"
                   "        pthread_mutex_lock(&clients_lock);\n"
                   "        for (size_t i = 0; i < n_clients; i++)\n"
                   "            send_all(clients[i], line, (size_t) n);\n"
                   "        pthread_mutex_unlock(&clients_lock);\n"
                   "    }\n"
                   "    return NULL;\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* A server that speaks first sends the time to the client accepted (fd). */
static void
c_send_time (Gen *g)
{
  lab_codegen_comment (g, _("This server speaks first: it sends the time and closes."));
  lab_codegen_put (g,
                   "char text[64];\n"
                   "\n"
                   "send_all(fd, text, now(text, sizeof text));");
}

/* serve ()'s loop: receive, print, and answer, until the client closes. */
static void
c_serve_receive (Gen *g)
{
  g_autofree char *received = lab_codegen_c_label (LABEL_RECEIVED);

  /* A thread for each client: the accepting thread counts it. */
  if (g->manual && g->concurrency != LAB_CONCURRENCY_THREADS)
    lab_codegen_put (g, "add_client(fd);");
  lab_codegen_put (g, "for (;;) {");
  g->depth++;
  lab_codegen_put_printf (g,
                          "ssize_t n = recv(fd, data, BUF_SIZE, 0);\n"
                          "\n"
                          "if (n < 0) {\n"
                          "    if (errno == EINTR)\n"
                          "        continue;\n"
                          "    perror(\"recv\");\n"
                          "    break;\n"
                          "}\n"
                          "if (n == 0)\n"
                          "    break;\n"
                          "print_bytes(%s, data, (size_t) n);", received);
  if (g->simple_echo)
    lab_codegen_put (g,
                     "if (send_all(fd, data, (size_t) n) < 0)\n"
                     "    break;");
  else if (g->answers)
    lab_codegen_put (g,
                     "buffer_append(&pending, data, (size_t) n);");
  if (g->answers && g->replies)
    lab_codegen_put (g,
                     "if (answer(fd, &pending))\n"
                     "    break;");
  else if (g->answers)
    lab_codegen_put (g,
                     "if (answer(&pending))\n"
                     "    break;");
  g->depth--;
  lab_codegen_put (g, "}");
  if (g->manual)
    lab_codegen_put (g, "remove_client(fd);");
}

/* serve (): one client, from accept () to close (), for the servers that
 * block. */
static void
c_serve (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_c_label (LABEL_CONNECTED);
  g_autofree char *closed = lab_codegen_c_label (LABEL_CLOSED);
  gboolean time = c->behaviour == LAB_BEHAVIOUR_TIME;

  lab_codegen_comment (g, _("Serves one client until it closes its side of the connection."));
  lab_codegen_put (g,
                   "static void\n"
                   "serve(int fd)\n"
                   "{");
  g->depth++;
  if (!time)
    {
      lab_codegen_put (g, "unsigned char *data = malloc(BUF_SIZE);");
      if (g->answers)
        lab_codegen_put (g, "struct buffer pending = { 0 };");
      lab_codegen_blank (g);
      lab_codegen_put (g,
                       "if (data == NULL) {\n"
                       "    perror(\"malloc\");\n"
                       "    exit(1);\n"
                       "}");
    }
  lab_codegen_put_printf (g, "print_peer(%s, fd);", connected);
  if (c->nodelay)
    c_nodelay_accepted (g);
  if (time)
    c_send_time (g);
  else
    c_serve_receive (g);
  lab_codegen_put_printf (g, "print_peer(%s, fd);", closed);
  lab_codegen_put (g, "close(fd);");
  if (!time)
    {
      lab_codegen_put (g, "free(data);");
      if (g->answers)
        lab_codegen_put (g, "free(pending.data);");
    }
  g->depth--;
  lab_codegen_put (g, "}\n\n");
}

/* A thread for each client, and how many are being served. */
static void
c_client_thread (Gen *g)
{
  lab_codegen_put (g,
                   "static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\n"
                   "static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;\n"
                   "static unsigned active;\n"
                   "\n"
                   "static void *\n"
                   "client_thread(void *arg)\n"
                   "{\n"
                   "    serve((int) (intptr_t) arg);\n"
                   "    pthread_mutex_lock(&lock);\n"
                   "    active--;\n"
                   "    pthread_cond_broadcast(&changed);\n"
                   "    pthread_mutex_unlock(&lock);\n"
                   "    return NULL;\n"
                   "}\n\n");
}

static void
c_accept_iterative (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_c_server_loop (g);
  g->depth++;
  if (c->concurrency == LAB_CONCURRENCY_LOOP)
    lab_codegen_comment (g, _("A server that speaks first never waits for a client: its event loop comes down to accept (), send () and close (), one client after another."));
  lab_codegen_comment (g, _("One client at a time: the others wait in the backlog meanwhile."));
  lab_codegen_put (g,
                   "int fd = accept(server, NULL, NULL);\n"
                   "\n"
                   "if (fd < 0) {\n"
                   "    if (errno == EINTR || errno == ECONNABORTED)\n"
                   "        continue;\n"
                   "    perror(\"accept\");\n"
                   "    break;\n"
                   "}");
  if (c->max_connections > 0)
    lab_codegen_put (g, "served++;");
  lab_codegen_put (g, "serve(fd);");
  g->depth--;
  lab_codegen_put (g, "}");
}

static void
c_accept_threads (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_c_server_loop (g);
  g->depth++;
  lab_codegen_comment (g, _("A thread for each client, so that several are served at once."));
  lab_codegen_put (g,
                   "pthread_t thread;\n"
                   "int fd, err;\n"
                   "\n");
  if (c->max_clients > 0)
    lab_codegen_put (g,
                     "pthread_mutex_lock(&lock);\n"
                     "while (active >= MAX_CLIENTS)\n"
                     "    pthread_cond_wait(&changed, &lock);\n"
                     "pthread_mutex_unlock(&lock);");
  lab_codegen_put (g,
                   "fd = accept(server, NULL, NULL);\n"
                   "if (fd < 0) {\n"
                   "    if (errno == EINTR || errno == ECONNABORTED)\n"
                   "        continue;\n"
                   "    perror(\"accept\");\n"
                   "    break;\n"
                   "}");
  if (c->max_connections > 0)
    lab_codegen_put (g, "served++;");
  if (g->manual)
    {
      lab_codegen_comment (g, _("Counted before its thread starts: a line typed from now on reaches this client."));
      lab_codegen_put (g, "add_client(fd);");
    }
  lab_codegen_put (g,
                   "pthread_mutex_lock(&lock);\n"
                   "active++;\n"
                   "pthread_mutex_unlock(&lock);\n"
                   "err = pthread_create(&thread, NULL, client_thread, (void *) (intptr_t) fd);\n"
                   "if (err != 0) {\n"
                   "    fprintf(stderr, \"pthread_create: %s\\n\", strerror(err));");
  if (g->manual)
    lab_codegen_put (g, "    remove_client(fd);");
  lab_codegen_put (g,
                   "    close(fd);\n"
                   "    pthread_mutex_lock(&lock);\n"
                   "    active--;\n"
                   "    pthread_mutex_unlock(&lock);\n"
                   "    continue;\n"
                   "}\n"
                   "pthread_detach(thread);");
  g->depth--;
  lab_codegen_put (g, "}");
  if (c->max_connections > 0)
    {
      lab_codegen_put (g,
                       "pthread_mutex_lock(&lock);\n"
                       "while (active > 0)\n"
                       "    pthread_cond_wait(&changed, &lock);\n"
                       "pthread_mutex_unlock(&lock);");
    }
}

/* What the event loop keeps for each client. */
static void
c_loop_client (Gen *g)
{
  lab_codegen_comment (g, _("What the event loop keeps for each client: its address, the bytes of a message not yet complete, the bytes still to send, and whether it is to be closed once they are sent."));
  lab_codegen_put (g,
                   "struct client {\n"
                   "    int fd;\n"
                   "    struct buffer pending;\n"
                   "    struct buffer out;\n"
                   "    int closing;\n"
                   "};\n\n");
}

/* The event loop's poll () set: the listening socket while there is room
 * for a client, the keyboard, and each client, to read or to write. */
static void
c_loop_poll (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_put (g,
                   "size_t n = 0, first;\n"
                   "int listening = 0;");
  if (g->manual)
    lab_codegen_put (g, "int keyboard_index = -1;");
  lab_codegen_put (g, "\n"
                   "fds = realloc(fds, (n_clients + 2) * sizeof *fds);\n"
                   "if (fds == NULL) {\n"
                   "    perror(\"realloc\");\n"
                   "    return 1;\n"
                   "}");
  if (c->max_clients > 0 || c->max_connections > 0)
    {
      lab_codegen_put_printf (g, "if (%s%s%s) {",
                              c->max_clients > 0 ? "n_clients < MAX_CLIENTS" : "",
                              c->max_clients > 0 && c->max_connections > 0 ? " && " : "",
                              c->max_connections > 0 ? "accepted < MAX_CONNECTIONS" : "");
      g->depth++;
    }
  lab_codegen_put (g,
                   "fds[n].fd = server;\n"
                   "fds[n++].events = POLLIN;\n"
                   "listening = 1;");
  if (c->max_clients > 0 || c->max_connections > 0)
    {
      g->depth--;
      lab_codegen_put (g, "}");
    }
  if (g->manual)
    lab_codegen_put (g,
                     "if (keyboard_open) {\n"
                     "    keyboard_index = (int) n;\n"
                     "    fds[n].fd = STDIN_FILENO;\n"
                     "    fds[n++].events = POLLIN;\n"
                     "}");
  lab_codegen_put (g,
                   "first = n;\n"
                   "for (size_t i = 0; i < n_clients; i++) {\n"
                   "    fds[n].fd = clients[i].fd;\n"
                   "    fds[n++].events = clients[i].out.len > 0 ? POLLOUT : POLLIN;\n"
                   "}\n"
                   "if (poll(fds, n, -1) < 0) {\n"
                   "    if (errno == EINTR)\n"
                   "        continue;\n"
                   "    perror(\"poll\");\n"
                   "    break;\n"
                   "}");
}

/* Each client poll () found ready: send what waits, or receive and answer;
 * then close it if it is done. */
static void
c_loop_clients (Gen *g)
{
  g_autofree char *received = lab_codegen_c_label (LABEL_RECEIVED);
  g_autofree char *closed = lab_codegen_c_label (LABEL_CLOSED);

  lab_codegen_put (g, "for (size_t i = n_clients; i-- > 0;) {");
  g->depth++;
  lab_codegen_put (g,
                   "struct client *cl = &clients[i];\n"
                   "short revents = fds[first + i].revents;\n"
                   "\n"
                   "if (cl->out.len > 0 && (revents & (POLLOUT | POLLERR | POLLHUP))) {\n"
                   "    ssize_t sent = send(cl->fd, cl->out.data, cl->out.len, 0);\n"
                   "\n"
                   "    if (sent >= 0)\n"
                   "        buffer_consume(&cl->out, (size_t) sent);\n"
                   "    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)\n"
                   "        cl->closing = 1, cl->out.len = 0;\n"
                   "} else if (revents & (POLLIN | POLLERR | POLLHUP)) {");
  g->depth++;
  lab_codegen_put_printf (g,
                          "ssize_t got = recv(cl->fd, data, BUF_SIZE, 0);\n"
                          "\n"
                          "if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {\n"
                          "    cl->closing = 1;\n"
                          "    cl->out.len = 0;\n"
                          "} else if (got > 0) {\n"
                          "    print_bytes(%s, data, (size_t) got);", received);
  if (g->simple_echo)
    lab_codegen_put (g, "    buffer_append(&cl->out, data, (size_t) got);");
  else if (g->answers)
    lab_codegen_put_printf (g,
                     "    buffer_append(&cl->pending, data, (size_t) got);\n"
                     "    if (%s)\n"
                     "        cl->closing = 1;", g->replies ? "answer(cl->fd, &cl->pending, &cl->out)" : "answer(&cl->pending)");
  lab_codegen_put (g, "}");
  g->depth--;
  lab_codegen_put (g, "}");
  lab_codegen_put (g, "if (cl->closing && cl->out.len == 0) {");
  lab_codegen_put_printf (g, "    print_peer(%s, cl->fd);", closed);
  lab_codegen_put (g,
                   "    close(cl->fd);\n"
                   "    free(cl->pending.data);\n"
                   "    free(cl->out.data);\n"
                   "    clients[i] = clients[--n_clients];\n"
                   "}");
  g->depth--;
  lab_codegen_put (g, "}");
}

/* A new client, when the listening socket is ready. */
static void
c_loop_accept (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_c_label (LABEL_CONNECTED);
  g_autofree char *closed = lab_codegen_c_label (LABEL_CLOSED);

  lab_codegen_put (g, "if (listening && (fds[0].revents & POLLIN)) {");
  g->depth++;
  lab_codegen_put (g,
                   "int fd = accept(server, NULL, NULL);\n"
                   "\n"
                   "if (fd < 0) {\n"
                   "    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)\n"
                   "        perror(\"accept\");\n"
                   "    continue;\n"
                   "}\n"
                   "accepted++;");
  lab_codegen_put_printf (g, "print_peer(%s, fd);", connected);
  if (c->nodelay)
    c_nodelay_accepted (g);
  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    {
      c_send_time (g);
      lab_codegen_put_printf (g, "print_peer(%s, fd);", closed);
      lab_codegen_put (g,
                       "close(fd);\n"
                       "continue;");
    }
  else
    lab_codegen_put (g,
                     "fcntl(fd, F_SETFL, O_NONBLOCK);\n"
                     "clients = realloc(clients, (n_clients + 1) * sizeof *clients);\n"
                     "if (clients == NULL) {\n"
                     "    perror(\"realloc\");\n"
                     "    return 1;\n"
                     "}\n"
                     "memset(&clients[n_clients], 0, sizeof *clients);\n"
                     "clients[n_clients++].fd = fd;");
  g->depth--;
  lab_codegen_put (g, "}");
}

static void
c_event_loop (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_comment (g, _("One thread and one event loop for all the clients: the sockets never block, and the program waits for whichever is ready."));
  lab_codegen_put (g,
                   "struct client *clients = NULL;\n"
                   "struct pollfd *fds = NULL;\n"
                   "size_t n_clients = 0;\n"
                   "unsigned char *data = malloc(BUF_SIZE);\n"
                   "unsigned accepted = 0;");
  if (g->manual)
    lab_codegen_put (g, "int keyboard_open = 1;");
  lab_codegen_put (g,
                   "\n"
                   "(void) accepted;\n"
                   "if (data == NULL || fcntl(server, F_SETFL, O_NONBLOCK) < 0) {\n"
                   "    perror(\"fcntl\");\n"
                   "    return 1;\n"
                   "}");
  if (c->max_connections > 0)
    lab_codegen_put (g, "while (accepted < MAX_CONNECTIONS || n_clients > 0) {");
  else
    lab_codegen_put (g, "for (;;) {");
  g->depth++;
  c_loop_poll (g);
  c_loop_clients (g);
  if (g->manual)
    {
      lab_codegen_put (g,
                       "if (keyboard_index >= 0 && fds[keyboard_index].revents != 0) {\n"
                       "    char line[4096];\n"
                       "    ssize_t got = read(STDIN_FILENO, line, sizeof line);\n"
                       "\n"
                       "    if (got <= 0)\n"
                       "        keyboard_open = 0;\n"
                       "    for (size_t i = 0; got > 0 && i < n_clients; i++)\n"
                       "        buffer_append(&clients[i].out, line, (size_t) got);\n"
                       "}");
    }
  c_loop_accept (g);
  g->depth--;
  lab_codegen_put (g,
                   "}\n"
                   "free(fds);\n"
                   "free(clients);\n"
                   "free(data);");
}

/* A TCP server in C, after its constants: the helpers its program calls,
 * then main (): its socket and the loop of its concurrency model. */
void
lab_codegen_write_c_tcp_server (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean loop = g->concurrency == LAB_CONCURRENCY_LOOP;
  gboolean time = c->behaviour == LAB_BEHAVIOUR_TIME;

  lab_codegen_c_print_helpers (g, !time || loop);
  c_print_peer (g);
  lab_codegen_c_set_option (g);
  if (!loop && (g->replies || time || g->manual))
    lab_codegen_c_send_all (g);
  if (time)
    lab_codegen_c_time (g);
  if (g->answers || loop)
    c_framing (g);

  if (g->manual && !loop)
    c_server_keyboard (g);
  if (!loop)
    {
      c_serve (g);
      if (g->concurrency == LAB_CONCURRENCY_THREADS)
        c_client_thread (g);
    }
  else
    c_loop_client (g);

  lab_codegen_c_begin_main (g);
  lab_codegen_c_server_socket (g);
  if (g->manual && !loop)
    lab_codegen_put (g,
                     "pthread_t keyboard_thread;\n"
                     "\n"
                     "if (pthread_create(&keyboard_thread, NULL, keyboard, NULL) == 0)\n"
                     "    pthread_detach(keyboard_thread);");

  switch (g->concurrency)
    {
    case LAB_CONCURRENCY_ITERATIVE:
      c_accept_iterative (g);
      break;
    case LAB_CONCURRENCY_THREADS:
      c_accept_threads (g);
      break;
    case LAB_CONCURRENCY_LOOP:
    default:
      c_event_loop (g);
      break;
    }

  lab_codegen_put (g,
                   "close(server);\n"
                   "return 0;");
  g->depth--;
  lab_codegen_put (g, "}");
}
