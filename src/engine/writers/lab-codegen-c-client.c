/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* A TCP or a UDP client in C: binding its own address, a connect () with
 * a time limit, getaddrinfo () and each address in turn, what it sends
 * first, receive (), and the poll () loop of a client that sends what you
 * type. */

/* bind_local () and connect_with_timeout (), for a client that binds its
 * own address first or connects with a time limit. */
static void
c_client_helpers (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (g->bind_local)
    {
      lab_codegen_comment (g, _("Binds the local address and port of this end, in the family of the server’s address."));
      lab_codegen_put (g,
                       "static int\n"
                       "bind_local(int fd, int family)\n"
                       "{\n"
                       "    struct addrinfo hints, *local;\n"
                       "    int err;\n"
                       "\n"
                       "    memset(&hints, 0, sizeof hints);\n"
                       "    hints.ai_family = family;\n"
                       "    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;");
      lab_codegen_put_printf (g, "    err = getaddrinfo(%s, LOCAL_PORT, &hints, &local);",
                              g->local != NULL ? "LOCAL_ADDRESS" : "NULL");
      lab_codegen_put (g,
                       "    if (err != 0) {\n"
                       "        fprintf(stderr, \"getaddrinfo: %s\\n\", gai_strerror(err));\n"
                       "        return -1;\n"
                       "    }\n"
                       "    err = bind(fd, local->ai_addr, local->ai_addrlen);\n"
                       "    freeaddrinfo(local);\n"
                       "    if (err < 0) {\n"
                       "        perror(\"bind\");\n"
                       "        return -1;\n"
                       "    }\n"
                       "    return 0;\n"
                       "}\n");
      lab_codegen_blank (g);
    }

  if (c->kind == LAB_ENDPOINT_TCP_CLIENT && c->connect_timeout > 0)
    {
      lab_codegen_comment (g, _("connect () with a time limit: a non-blocking connect (), poll () until the handshake ends, and getsockopt (SO_ERROR) to learn how it ended."));
      lab_codegen_put (g,
                       "static int\n"
                       "connect_with_timeout(int fd, const struct sockaddr *address, socklen_t len)\n"
                       "{\n"
                       "    int flags = fcntl(fd, F_GETFL);\n"
                       "    struct pollfd p = { .fd = fd, .events = POLLOUT };\n"
                       "    int error = 0;\n"
                       "    socklen_t error_len = sizeof error;\n"
                       "\n"
                       "    fcntl(fd, F_SETFL, flags | O_NONBLOCK);\n"
                       "    if (connect(fd, address, len) < 0) {\n"
                       "        if (errno != EINPROGRESS)\n"
                       "            return -1;\n"
                       "        switch (poll(&p, 1, CONNECT_TIMEOUT_MS)) {\n"
                       "        case -1:\n"
                       "            return -1;\n"
                       "        case 0:\n"
                       "            errno = ETIMEDOUT;\n"
                       "            return -1;\n"
                       "        default:\n"
                       "            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_len) < 0)\n"
                       "                return -1;\n"
                       "            if (error != 0) {\n"
                       "                errno = error;\n"
                       "                return -1;\n"
                       "            }\n"
                       "        }\n"
                       "    }\n"
                       "    fcntl(fd, F_SETFL, flags);\n"
                       "    return 0;\n"
                       "}\n");
      lab_codegen_blank (g);
    }
}

/* One recv () and what follows it, for a client: 1 when reading is over. */
static void
c_client_receive_helper (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean tcp = lab_endpoint_kind_is_tcp (c->kind);
  g_autofree char *received = lab_codegen_c_label (LABEL_RECEIVED);
  g_autofree char *from = lab_codegen_c_label (LABEL_FROM);
  g_autofree char *timeout = lab_codegen_c_label (LABEL_TIMEOUT);

  lab_codegen_comment (g, _("Receives once and prints what arrived. Returns 1 when there is nothing more to read."));
  lab_codegen_put (g,
                   "static int\n"
                   "receive(int fd, unsigned char *data, unsigned long long *received)\n"
                   "{");
  g->depth++;
  if (tcp)
    lab_codegen_put (g, "ssize_t n = recv(fd, data, BUF_SIZE, 0);\n");
  else
    lab_codegen_put (g,
                     "struct sockaddr_storage from;\n"
                     "socklen_t from_len = sizeof from;\n"
                     "ssize_t n = recvfrom(fd, data, BUF_SIZE, 0, (struct sockaddr *) &from, &from_len);\n");
  lab_codegen_put (g,
                   "if (n < 0) {\n"
                   "    if (errno == EINTR)\n"
                   "        return 0;");
  if (c->recv_timeout > 0 && !g->keyboard)
    lab_codegen_put_printf (g,
                            "    if (errno == EAGAIN || errno == EWOULDBLOCK) {\n"
                            "        puts(%s);\n"
                            "        return 1;\n"
                            "    }", timeout);
  lab_codegen_put_printf (g,
                          "    perror(\"%s\");\n"
                          "    return 1;\n"
                          "}", tcp ? "recv" : "recvfrom");
  if (tcp)
    lab_codegen_put (g,
                     "if (n == 0)\n"
                     "    return 1;");
  else
    lab_codegen_put_printf (g, "print_address(%s, (struct sockaddr *) &from, from_len);", from);
  lab_codegen_put_printf (g,
                          "print_bytes(%s, data, (size_t) n);\n"
                          "*received += (unsigned long long) n;", received);
  if (c->expect_bytes > 0)
    lab_codegen_put (g, "return *received >= EXPECT;");
  else
    lab_codegen_put (g, "return 0;");
  g->depth--;
  lab_codegen_put (g, "}\n\n");
}

/* A UDP client's one address of those HOST resolves to: the IPv4 one if
 * it asked for no family, as the lab takes it, else the first. */
static void
c_udp_address (Gen *g)
{
  if (g->c->family == LAB_FAMILY_ANY)
    {
      lab_codegen_comment (g, _("The IPv4 address the name resolves to, if it has one, as the lab takes: a datagram "
                                "sent where nobody listens is lost without a word, so a UDP client cannot try each "
                                "address in turn."));
      lab_codegen_put (g,
                       "for (a = addresses; a != NULL && a->ai_family != AF_INET; a = a->ai_next)\n"
                       "    continue;\n"
                       "if (a == NULL)\n"
                       "    a = addresses;");
    }
  else
    {
      lab_codegen_comment (g, _("The first address the name resolves to."));
      lab_codegen_put (g, "a = addresses;");
    }
  lab_codegen_put (g,
                   "fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);\n"
                   "if (fd < 0) {\n"
                   "    perror(\"socket\");\n"
                   "    goto out;\n"
                   "}");
  if (g->bind_local)
    lab_codegen_put (g,
                     "if (bind_local(fd, a->ai_family) < 0)\n"
                     "    goto out;");
  lab_codegen_c_options (g, "fd", "goto out;");
  if (g->c->udp_connect)
    {
      lab_codegen_comment (g, _("connect () on UDP sends nothing: it only fixes the peer"));
      lab_codegen_put (g,
                       "if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {\n"
                       "    perror(\"connect\");\n"
                       "    goto out;\n"
                       "}");
    }
}

/* A TCP client's socket: each address HOST resolves to, in turn, until
 * one connects. */
static void
c_tcp_connect (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_comment (g, _("Tries each address the name resolves to, in turn, as socket.create_connection () does."));
  lab_codegen_put (g, "for (a = addresses; a != NULL; a = a->ai_next) {");
  g->depth++;
  lab_codegen_put (g,
                   "fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);\n"
                   "if (fd < 0) {\n"
                   "    perror(\"socket\");\n"
                   "    continue;\n"
                   "}");
  if (g->bind_local)
    lab_codegen_put (g,
                     "if (bind_local(fd, a->ai_family) < 0) {\n"
                     "    close(fd);\n"
                     "    fd = -1;\n"
                     "    continue;\n"
                     "}");
  lab_codegen_c_options (g, "fd", "goto out;");
  lab_codegen_put_printf (g,
                          "if (%s(fd, a->ai_addr, a->ai_addrlen) == 0)\n"
                          "    break;\n"
                          "perror(\"connect\");\n"
                          "close(fd);\n"
                          "fd = -1;",
                          c->connect_timeout > 0 ? "connect_with_timeout" : "connect");
  g->depth--;
  lab_codegen_put (g,
                   "}\n"
                   "if (fd < 0)\n"
                   "    goto out;");
}

/* main ()'s socket: getaddrinfo () for HOST, then a TCP client's connect ()
 * or a UDP client's address. Every way out frees what main () holds. */
static void
c_client_connect (Gen *g)
{
  LabEndpointConfig *c = g->c;
  static const char *const families[] = { "AF_UNSPEC", "AF_INET", "AF_INET6" };
  gboolean tcp = lab_endpoint_kind_is_tcp (c->kind);

  lab_codegen_put (g,
                   "struct addrinfo hints, *addresses = NULL, *a;\n"
                   "unsigned char *data = malloc(BUF_SIZE);\n"
                   "unsigned long long received = 0;\n"
                   "int fd = -1, err, status = 1;\n"
                   "\n"
                   "signal(SIGPIPE, SIG_IGN);\n"
                   "if (data == NULL) {\n"
                   "    perror(\"malloc\");\n"
                   "    goto out;\n"
                   "}\n"
                   "memset(&hints, 0, sizeof hints);");
  lab_codegen_put_printf (g,
                          "hints.ai_family = %s;\n"
                          "hints.ai_socktype = %s;",
                          families[c->family], tcp ? "SOCK_STREAM" : "SOCK_DGRAM");
  lab_codegen_put (g,
                   "err = getaddrinfo(HOST, PORT, &hints, &addresses);\n"
                   "if (err != 0) {\n"
                   "    fprintf(stderr, \"getaddrinfo: %s\\n\", gai_strerror(err));\n"
                   "    goto out;\n"
                   "}");

  if (tcp)
    c_tcp_connect (g);
  else
    c_udp_address (g);
}

/* The initial data, as the client is told to send it. */
static void
c_client_send (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean tcp = lab_endpoint_kind_is_tcp (c->kind);

  if (c->initial_data != NULL)
    {
      if (c->send_count > 1)
        {
          lab_codegen_comment (g, tcp || lab_codegen_chunked (c)
                                  ? _("the data, SEND_COUNT times, one copy after the other")
                                  : _("the data, SEND_COUNT times, a datagram each"));
          lab_codegen_put (g, "for (unsigned n = 0; n < SEND_COUNT; n++) {");
          g->depth++;
        }
      if (tcp && lab_codegen_chunked (c))
        {
          lab_codegen_comment_pieces (g);
          lab_codegen_put_printf (g,
                                  "for (size_t start = 0; start < DATA_LEN; start += %u) {\n"
                                  "    size_t piece = DATA_LEN - start < %u ? DATA_LEN - start : %u;\n"
                                  "\n"
                                  "    if (%s(fd, DATA + start, piece%s) < 0) {\n"
                                  "        perror(\"send\");\n"
                                  "        goto out;\n"
                                  "    }\n"
                                  "}", c->send_chunk, c->send_chunk, c->send_chunk,
                                  c->sendall ? "send_all" : "send", c->sendall ? "" : ", 0");
        }
      else if (tcp && c->sendall)
        lab_codegen_put (g,
                         "if (send_all(fd, DATA, DATA_LEN) < 0)\n"
                         "    goto out;");
      else if (tcp)
        {
          lab_codegen_comment (g, _("one send (): it may take only part of the data"));
          lab_codegen_put (g,
                           "if (send(fd, DATA, DATA_LEN, 0) < 0) {\n"
                           "    perror(\"send\");\n"
                           "    goto out;\n"
                           "}");
        }
      else if (lab_codegen_chunked (c))
        {
          lab_codegen_comment_pieces (g);
          lab_codegen_put_printf (g,
                                  "for (size_t start = 0; start < DATA_LEN; start += %u) {\n"
                                  "    size_t piece = DATA_LEN - start < %u ? DATA_LEN - start : %u;\n"
                                  "\n"
                                  "    if (%s < 0) {\n"
                                  "        perror(\"%s\");\n"
                                  "        goto out;\n"
                                  "    }\n"
                                  "}", c->send_chunk, c->send_chunk, c->send_chunk,
                                  c->udp_connect ? "send(fd, DATA + start, piece, 0)"
                                                 : "sendto(fd, DATA + start, piece, 0, a->ai_addr, a->ai_addrlen)",
                                  c->udp_connect ? "send" : "sendto");
        }
      else if (c->udp_connect)
        lab_codegen_put (g,
                         "if (send(fd, DATA, DATA_LEN, 0) < 0) {\n"
                         "    perror(\"send\");\n"
                         "    goto out;\n"
                         "}");
      else
        lab_codegen_put (g,
                         "if (sendto(fd, DATA, DATA_LEN, 0, a->ai_addr, a->ai_addrlen) < 0) {\n"
                         "    perror(\"sendto\");\n"
                         "    goto out;\n"
                         "}");
      if (c->send_count > 1)
        {
          g->depth--;
          lab_codegen_put (g, "}");
        }
      if (tcp && c->shutdown_after_send)
        {
          lab_codegen_comment (g, _("nothing more to send: the server reads the end of the stream"));
          lab_codegen_put (g,
                           "if (shutdown(fd, SHUT_WR) < 0)\n"
                           "    perror(\"shutdown\");");
        }
    }
  lab_codegen_note_send_options (g);
}

/* A client that sends what you type: poll () the socket and the keyboard. */
static void
c_client_keyboard (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *timeout = lab_codegen_c_label (LABEL_TIMEOUT);

  lab_codegen_comment (g, _("poll () waits for whichever comes first: a line you type, or what arrives on the socket."));
  lab_codegen_put_printf (g,
                          "struct pollfd fds[2] = {\n"
                          "    { .fd = fd, .events = POLLIN },\n"
                          "    { .fd = STDIN_FILENO, .events = POLLIN },\n"
                          "};\n"
                          "nfds_t n_fds = 2;\n"
                          "\n"
                          "for (;;) {\n"
                          "    int ready = poll(fds, n_fds, %s);\n"
                          "\n"
                          "    if (ready < 0) {\n"
                          "        if (errno == EINTR)\n"
                          "            continue;\n"
                          "        perror(\"poll\");\n"
                          "        break;\n"
                          "    }",
                          c->recv_timeout > 0 ? "RECV_TIMEOUT_MS" : "-1");
  if (c->recv_timeout > 0)
    lab_codegen_put_printf (g,
                            "    if (ready == 0) {\n"
                            "        puts(%s);\n"
                            "        break;\n"
                            "    }", timeout);
  lab_codegen_put (g,
                   "    if (n_fds == 2 && fds[1].revents != 0) {\n"
                   "        char line[4096];\n"
                   "        ssize_t n = read(STDIN_FILENO, line, sizeof line);\n"
                   "\n"
                   "        if (n <= 0) {\n"
                   "            n_fds = 1;");
  if (lab_endpoint_kind_is_tcp (c->kind))
    {
      lab_codegen_put (g,
                       "            shutdown(fd, SHUT_WR);\n"
                       "        } else if (send_all(fd, line, (size_t) n) < 0) {\n"
                       "            break;\n"
                       "        }");
    }
  else
    {
      lab_codegen_put_printf (g,
                              "        } else if (%s < 0) {\n"
                              "            perror(\"%s\");\n"
                              "        }",
                              c->udp_connect ? "send(fd, line, (size_t) n, 0)"
                                             : "sendto(fd, line, (size_t) n, 0, a->ai_addr, a->ai_addrlen)",
                              c->udp_connect ? "send" : "sendto");
    }
  lab_codegen_put (g,
                   "    }\n"
                   "    if (fds[0].revents != 0 && receive(fd, data, &received))\n"
                   "        break;\n"
                   "}");
}

static void
c_client_main (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *connected = lab_codegen_c_label (LABEL_CONNECTED);

  lab_codegen_c_begin_main (g);
  c_client_connect (g);

  if (lab_endpoint_kind_is_tcp (c->kind))
    lab_codegen_put_printf (g, "print_address(%s, a->ai_addr, a->ai_addrlen);", connected);

  if (c->recv_timeout > 0 && !g->keyboard)
    lab_codegen_put (g,
                     "struct timeval timeout = { RECV_TIMEOUT_MS / 1000, RECV_TIMEOUT_MS % 1000 * 1000 };\n"
                     "\n"
                     "if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {\n"
                     "    perror(\"setsockopt\");\n"
                     "    goto out;\n"
                     "}");

  c_client_send (g);

  if (g->keyboard)
    c_client_keyboard (g);
  else
    lab_codegen_put (g,
                     "while (!receive(fd, data, &received))\n"
                     "    continue;");

  lab_codegen_put (g, "status = 0;");
  g->depth--;
  lab_codegen_put (g, "out:");
  g->depth++;
  lab_codegen_put (g,
                   "if (fd >= 0)\n"
                   "    close(fd);\n"
                   "if (addresses != NULL)\n"
                   "    freeaddrinfo(addresses);\n"
                   "free(data);\n"
                   "return status;");
  g->depth--;
  lab_codegen_put (g, "}");
}

/* A TCP or a UDP client in C, after its constants: the helpers its
 * program calls, then main (). */
void
lab_codegen_write_c_client (Gen *g)
{
  LabEndpointConfig *c = g->c;

  lab_codegen_c_print_helpers (g, TRUE);
  lab_codegen_c_set_option (g);
  if (lab_endpoint_kind_is_tcp (c->kind) && ((c->initial_data != NULL && c->sendall) || g->keyboard))
    lab_codegen_c_send_all (g);
  c_client_helpers (g);
  c_client_receive_helper (g);
  c_client_main (g);
}
