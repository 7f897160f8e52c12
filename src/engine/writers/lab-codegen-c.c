/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-codegen-private.h"

/* The code generator's C, with the POSIX calls the lab makes: the string
 * literals, the includes and constants every program starts with, what
 * more than one kind of program writes (printing, socket options,
 * send_all (), the time, the start of main (), a server's socket and
 * loop), a UDP server, and the entry that hands a TCP server or a client
 * to the file of its own. */

/* "…" for C: printable ASCII as it is (but ? so that no trigraph forms),
 * valid UTF-8 text too when @utf8, any other byte as a three-digit octal
 * escape, which never swallows a digit that follows. */
static char *
c_str (const guint8 *data,
       gsize         len,
       gboolean      utf8)
{
  GString *out = g_string_new ("\"");

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      switch (c)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '"': g_string_append (out, "\\\""); break;
        case '?': g_string_append (out, "\\?"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((c >= 0x20 && c < 0x7f) || (c >= 0x80 && utf8))
            g_string_append_c (out, (char) c);
          else
            g_string_append_printf (out, "\\%03o", c);
        }
    }

  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* The words a program prints before what it shows (LABEL_…), as a C
 * string literal. They are the program's own output, in the language of
 * the moment, as the course's programs print in Spanish. */
char *
lab_codegen_c_label (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  return c_str ((const guint8 *) valid, strlen (valid), TRUE);
}

static void
c_includes (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean loop = c->kind == LAB_ENDPOINT_TCP_SERVER && g->concurrency == LAB_CONCURRENCY_LOOP;
  gboolean server = lab_endpoint_kind_is_server (c->kind);
  gboolean connect_timeout = c->kind == LAB_ENDPOINT_TCP_CLIENT && c->connect_timeout > 0;

  if (server)
    lab_codegen_put (g, "#include <arpa/inet.h>");
  lab_codegen_put (g, "#include <errno.h>");
  if (loop || connect_timeout)
    lab_codegen_put (g, "#include <fcntl.h>");
  lab_codegen_put (g, "#include <netdb.h>");
  lab_codegen_put (g, "#include <netinet/in.h>");
  if (lab_endpoint_kind_is_tcp (c->kind))
    lab_codegen_put (g, "#include <netinet/tcp.h>");
  if (loop || (!server && g->keyboard) || (c->kind == LAB_ENDPOINT_UDP_SERVER && g->manual) || connect_timeout)
    lab_codegen_put (g, "#include <poll.h>");
  if (g->pthread)
    lab_codegen_put (g, "#include <pthread.h>");
  lab_codegen_put (g, "#include <signal.h>");
  if (g->pthread)
    lab_codegen_put (g, "#include <stdint.h>");
  lab_codegen_put (g, "#include <stdio.h>");
  lab_codegen_put (g, "#include <stdlib.h>");
  lab_codegen_put (g, "#include <string.h>");
  lab_codegen_put (g, "#include <sys/socket.h>");
  if (c->recv_timeout > 0 && !server && !g->keyboard)
    lab_codegen_put (g, "#include <sys/time.h>");
  if (server && c->behaviour == LAB_BEHAVIOUR_TIME)
    lab_codegen_put (g, "#include <time.h>");
  lab_codegen_put (g, "#include <unistd.h>");
  lab_codegen_blank (g);
}

/* What a client is told to send, receive and bind, and its time limits. */
static void
c_client_constants (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (c->initial_data != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (c->initial_data, &len);
      gsize start = 0;

      lab_codegen_put (g, "static const char DATA[] =");
      if (len == 0)
        lab_codegen_put (g, "    \"\";");
      /* One literal per line of the data, or per 32 bytes. */
      while (start < len)
        {
          gsize end = start;
          g_autofree char *literal = NULL;

          while (end < len && end - start < 32 && (end == start || data[end - 1] != '\n'))
            end++;
          literal = c_str (data + start, end - start, FALSE);
          lab_codegen_put_printf (g, "    %s%s", literal, end == len ? ";" : "");
          start = end;
        }
      {
        g_autofree char *code = g_strdup_printf ("#define DATA_LEN %" G_GSIZE_FORMAT, len);

        lab_codegen_put_commented (g, code, _("the length of DATA, which may hold zero bytes"));
      }
      if (c->send_count > 1)
        {
          g_autofree char *code = g_strdup_printf ("#define SEND_COUNT %u", c->send_count);

          lab_codegen_put_commented (g, code, _("how many times DATA is sent"));
        }
    }
  if (c->expect_bytes > 0)
    {
      g_autofree char *code = g_strdup_printf ("#define EXPECT %" G_GUINT64_FORMAT "ull", c->expect_bytes);

      lab_codegen_put_commented (g, code, _("bytes to receive before closing"));
    }
  if (g->bind_local)
    {
      if (g->local != NULL)
        {
          g_autofree char *local = c_str ((const guint8 *) g->local, strlen (g->local), FALSE);

          lab_codegen_put_printf (g, "static const char LOCAL_ADDRESS[] = %s;", local);
        }
      lab_codegen_put_printf (g, "static const char LOCAL_PORT[] = \"%u\";", c->local_port);
    }
  if (c->connect_timeout > 0 && lab_endpoint_kind_is_tcp (c->kind))
    lab_codegen_put_printf (g, "#define CONNECT_TIMEOUT_MS %u", c->connect_timeout);
  if (c->recv_timeout > 0)
    lab_codegen_put_printf (g, "#define RECV_TIMEOUT_MS %u", c->recv_timeout);
}

static void
c_constants (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *host = c_str ((const guint8 *) g->host, strlen (g->host), FALSE);

  lab_codegen_put_printf (g, "static const char HOST[] = %s;", host);
  if (lab_endpoint_kind_is_server (c->kind))
    lab_codegen_put_printf (g, "#define PORT %u", c->port);
  else
    lab_codegen_put_printf (g, "static const char PORT[] = \"%u\";", c->port);
  if (c->kind == LAB_ENDPOINT_TCP_SERVER)
    lab_codegen_put_printf (g, "#define BACKLOG %d", c->backlog);
  lab_codegen_put_printf (g, "#define BUF_SIZE %u", c->buffer_size);

  if (g->quit)
    {
      g_autofree char *quit = c_str ((const guint8 *) c->quit_message, strlen (c->quit_message), FALSE);
      g_autofree char *code = g_strdup_printf ("static const char QUIT[] = %s;", quit);

      lab_codegen_put_commented (g, code, _("a client that sends this message is closed"));
    }
  if (g->answers && g->framing == LAB_FRAMING_FIXED)
    lab_codegen_put_printf (g, "#define SIZE %u", c->fixed_size);

  if (c->kind == LAB_ENDPOINT_TCP_SERVER && g->concurrency != LAB_CONCURRENCY_ITERATIVE && c->max_clients > 0)
    {
      g_autofree char *code = g_strdup_printf ("#define MAX_CLIENTS %u", c->max_clients);

      lab_codegen_put_commented (g, code, _("clients served at the same time, at most"));
    }
  if (lab_endpoint_kind_is_server (c->kind) && c->max_connections > 0)
    {
      g_autofree char *code = g_strdup_printf ("#define MAX_CONNECTIONS %uu", c->max_connections);

      lab_codegen_put_commented (g, code, lab_endpoint_kind_is_tcp (c->kind)
                                          ? _("clients served in all; then the server ends")
                                          : _("datagrams answered in all; then the server ends"));
    }

  if (!lab_endpoint_kind_is_server (c->kind))
    c_client_constants (g);

  lab_codegen_blank (g);
}

void
lab_codegen_c_print_helpers (Gen      *g,
                             gboolean  bytes)
{
  if (bytes)
    {
      lab_codegen_comment (g, _("Prints bytes received as text: anything but printable ASCII is shown as \\xNN, so that no control character reaches the terminal."));
      lab_codegen_put (g,
                       "static void\n"
                       "print_bytes(const char *label, const unsigned char *data, size_t len)\n"
                       "{\n"
                       "    printf(\"%s \", label);\n"
                       "    for (size_t i = 0; i < len; i++) {\n"
                       "        if (data[i] == '\\n')\n"
                       "            fputs(\"\\\\n\", stdout);\n"
                       "        else if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\\\')\n"
                       "            putchar(data[i]);\n"
                       "        else\n"
                       "            printf(\"\\\\x%02x\", data[i]);\n"
                       "    }\n"
                       "    putchar('\\n');\n"
                       "    fflush(stdout);\n"
                       "}\n");
      lab_codegen_blank (g);
    }
  lab_codegen_put (g,
                   "static void\n"
                   "print_address(const char *label, const struct sockaddr *address, socklen_t len)\n"
                   "{\n"
                   "    char host[INET6_ADDRSTRLEN];\n"
                   "    char port[8];\n"
                   "\n"
                   "    if (getnameinfo(address, len, host, sizeof host, port, sizeof port,\n"
                   "                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)\n"
                   "        strcpy(host, \"?\"), strcpy(port, \"?\");\n"
                   "    printf(\"%s %s %s\\n\", label, host, port);\n"
                   "    fflush(stdout);\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* set_option (), for a program that sets a socket option. */
void
lab_codegen_c_set_option (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if ((c->reuseaddr && lab_endpoint_kind_is_server (c->kind)) || c->rcvbuf > 0 || c->sndbuf > 0 ||
      (c->nodelay && lab_endpoint_kind_is_tcp (c->kind)))
    {
      lab_codegen_put (g,
                       "static int\n"
                       "set_option(int fd, int level, int name, int value)\n"
                       "{\n"
                       "    if (setsockopt(fd, level, name, &value, sizeof value) < 0) {\n"
                       "        perror(\"setsockopt\");\n"
                       "        return -1;\n"
                       "    }\n"
                       "    return 0;\n"
                       "}\n");
      lab_codegen_blank (g);
    }
}

void
lab_codegen_c_send_all (Gen *g)
{
  lab_codegen_comment (g, _("send () may take only part of the bytes: this sends them all, as Python’s sendall () does."));
  lab_codegen_put (g,
                   "static int\n"
                   "send_all(int fd, const void *data, size_t len)\n"
                   "{\n"
                   "    const char *p = data;\n"
                   "\n"
                   "    while (len > 0) {\n"
                   "        ssize_t n = send(fd, p, len, 0);\n"
                   "\n"
                   "        if (n < 0) {\n"
                   "            if (errno == EINTR)\n"
                   "                continue;\n"
                   "            perror(\"send\");\n"
                   "            return -1;\n"
                   "        }\n"
                   "        p += n;\n"
                   "        len -= (size_t) n;\n"
                   "    }\n"
                   "    return 0;\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* Options set before bind () (a server) or connect () (a client); @fail is
 * what to do when one fails. */
void
lab_codegen_c_options (Gen        *g,
                       const char *fd,
                       const char *fail)
{
  LabEndpointConfig *c = g->c;

  if (c->reuseaddr && lab_endpoint_kind_is_server (c->kind))
    {
      lab_codegen_comment (g, _("reuse the port even while old connections wait in TIME_WAIT"));
      lab_codegen_put_printf (g, "if (set_option(%s, SOL_SOCKET, SO_REUSEADDR, 1) < 0)\n    %s", fd, fail);
    }
  if (c->rcvbuf > 0)
    lab_codegen_put_printf (g, "if (set_option(%s, SOL_SOCKET, SO_RCVBUF, %d) < 0)\n    %s", fd, c->rcvbuf, fail);
  if (c->sndbuf > 0)
    lab_codegen_put_printf (g, "if (set_option(%s, SOL_SOCKET, SO_SNDBUF, %d) < 0)\n    %s", fd, c->sndbuf, fail);
  if (c->nodelay && c->kind == LAB_ENDPOINT_TCP_CLIENT)
    {
      lab_codegen_comment (g, _("send small writes at once (no Nagle)"));
      lab_codegen_put_printf (g, "if (set_option(%s, IPPROTO_TCP, TCP_NODELAY, 1) < 0)\n    %s", fd, fail);
    }
}

void
lab_codegen_c_time (Gen *g)
{
  lab_codegen_comment (g, _("The local time, as text ending in a newline."));
  lab_codegen_put (g,
                   "static size_t\n"
                   "now(char *text, size_t size)\n"
                   "{\n"
                   "    time_t t = time(NULL);\n"
                   "    struct tm tm;\n"
                   "\n"
                   "    localtime_r(&t, &tm);\n"
                   "    return strftime(text, size, \"%Y-%m-%d %H:%M:%S\\n\", &tm);\n"
                   "}\n");
  lab_codegen_blank (g);
}

/* The start of main (), inside which the rest of the program goes. */
void
lab_codegen_c_begin_main (Gen *g)
{
  lab_codegen_note_backend (g);
  lab_codegen_put (g,
                   "int\n"
                   "main(void)\n"
                   "{");
  g->depth++;
}

/* The sockaddr a server binds, of its family, from HOST and PORT. */
void
lab_codegen_c_server_socket (Gen *g)
{
  gboolean tcp = lab_endpoint_kind_is_tcp (g->c->kind);
  g_autofree char *listening = lab_codegen_c_label (LABEL_LISTENING);
  const char *sin = g->ipv6 ? "sin6" : "sin";
  const char *af = g->ipv6 ? "AF_INET6" : "AF_INET";

  lab_codegen_put_printf (g,
                          "struct sockaddr_%s address;\n"
                          "socklen_t len = sizeof address;\n"
                          "int server;\n"
                          "\n"
                          "signal(SIGPIPE, SIG_IGN);\n"
                          "server = socket(%s, %s, 0);\n"
                          "if (server < 0) {\n"
                          "    perror(\"socket\");\n"
                          "    return 1;\n"
                          "}",
                          g->ipv6 ? "in6" : "in", af, tcp ? "SOCK_STREAM" : "SOCK_DGRAM");
  lab_codegen_c_options (g, "server", "return 1;");
  lab_codegen_put_printf (g,
                          "memset(&address, 0, sizeof address);\n"
                          "address.%s_family = %s;\n"
                          "address.%s_port = htons(PORT);\n"
                          "if (inet_pton(%s, HOST, &address.%s_addr) != 1) {\n"
                          "    fprintf(stderr, \"inet_pton: %%s\\n\", HOST);\n"
                          "    return 1;\n"
                          "}\n"
                          "if (bind(server, (struct sockaddr *) &address, sizeof address) < 0) {\n"
                          "    perror(\"bind\");\n"
                          "    return 1;\n"
                          "}",
                          sin, af, sin, af, sin);
  if (tcp)
    lab_codegen_put (g,
                     "if (listen(server, BACKLOG) < 0) {\n"
                     "    perror(\"listen\");\n"
                     "    return 1;\n"
                     "}");
  lab_codegen_put_printf (g,
                          "if (getsockname(server, (struct sockaddr *) &address, &len) == 0)\n"
                          "    print_address(%s, (struct sockaddr *) &address, len);", listening);
}

/* The loop of a server that blocks, around accept () (TCP) or
 * recvfrom () (UDP): for ever, or until MAX_CONNECTIONS were served. */
void
lab_codegen_c_server_loop (Gen *g)
{
  if (g->c->max_connections > 0)
    lab_codegen_put (g, "for (unsigned served = 0; served < MAX_CONNECTIONS;) {");
  else
    lab_codegen_put (g, "for (;;) {");
}

/* A UDP server that sends what you type: poll () the socket and the
 * keyboard, and send each line to the last peer. */
static void
c_udp_keyboard (Gen *g)
{
  lab_codegen_put (g,
                   "if (poll(fds, n_fds, -1) < 0) {\n"
                   "    if (errno == EINTR)\n"
                   "        continue;\n"
                   "    perror(\"poll\");\n"
                   "    break;\n"
                   "}\n"
                   "if (n_fds == 2 && fds[1].revents != 0) {\n"
                   "    char line[4096];\n"
                   "    ssize_t got = read(STDIN_FILENO, line, sizeof line);\n"
                   "\n"
                   "    if (got <= 0)\n"
                   "        n_fds = 1;\n"
                   "    else if (last_peer_len > 0 &&\n"
                   "             sendto(server, line, (size_t) got, 0, (struct sockaddr *) &last_peer, last_peer_len) < 0)\n"
                   "        perror(\"sendto\");\n"
                   "}\n"
                   "if (fds[0].revents == 0)\n"
                   "    continue;");
}

/* What a UDP server does with a datagram (data, n) from a peer (from). */
static void
c_udp_answer (Gen *g)
{
  switch (g->c->behaviour)
    {
    case LAB_BEHAVIOUR_ECHO:
      lab_codegen_put (g,
                       "if (sendto(server, data, (size_t) n, 0, (struct sockaddr *) &from, from_len) < 0)\n"
                       "    perror(\"sendto\");");
      break;
    case LAB_BEHAVIOUR_UPPER:
      lab_codegen_comment (g, _("ASCII letters only, as bytes.upper () does"));
      lab_codegen_put (g,
                       "for (ssize_t i = 0; i < n; i++)\n"
                       "    if (data[i] >= 'a' && data[i] <= 'z')\n"
                       "        data[i] -= 'a' - 'A';\n"
                       "if (sendto(server, data, (size_t) n, 0, (struct sockaddr *) &from, from_len) < 0)\n"
                       "    perror(\"sendto\");");
      break;
    case LAB_BEHAVIOUR_TIME:
      lab_codegen_comment (g, _("Any datagram is a question: the answer is the time."));
      lab_codegen_put (g,
                       "char text[64];\n"
                       "size_t text_len = now(text, sizeof text);\n"
                       "\n"
                       "if (sendto(server, text, text_len, 0, (struct sockaddr *) &from, from_len) < 0)\n"
                       "    perror(\"sendto\");");
      break;
    case LAB_BEHAVIOUR_MANUAL:
      lab_codegen_put (g,
                       "memcpy(&last_peer, &from, from_len);\n"
                       "last_peer_len = from_len;");
      break;
    case LAB_BEHAVIOUR_DISCARD:
    default:
      lab_codegen_comment (g, _("This server discards what it receives: it answers nothing."));
      break;
    }
}

static void
c_udp_server (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *received = lab_codegen_c_label (LABEL_RECEIVED);
  g_autofree char *from = lab_codegen_c_label (LABEL_FROM);

  lab_codegen_c_print_helpers (g, TRUE);
  lab_codegen_c_set_option (g);
  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    lab_codegen_c_time (g);

  lab_codegen_note_udp_framing (g);
  lab_codegen_c_begin_main (g);
  lab_codegen_c_server_socket (g);
  lab_codegen_put (g,
                   "unsigned char *data = malloc(BUF_SIZE);\n"
                   "\n"
                   "if (data == NULL) {\n"
                   "    perror(\"malloc\");\n"
                   "    return 1;\n"
                   "}");
  if (g->manual)
    {
      lab_codegen_comment (g, _("poll () waits for whichever comes first: a line you type, or what arrives on the socket."));
      lab_codegen_comment (g, _("Sends each line you type to the last address a datagram came from."));
      lab_codegen_put (g,
                       "struct sockaddr_storage last_peer;\n"
                       "socklen_t last_peer_len = 0;\n"
                       "struct pollfd fds[2] = {\n"
                       "    { .fd = server, .events = POLLIN },\n"
                       "    { .fd = STDIN_FILENO, .events = POLLIN },\n"
                       "};\n"
                       "nfds_t n_fds = 2;\n");
    }
  lab_codegen_c_server_loop (g);
  g->depth++;
  lab_codegen_put (g,
                   "struct sockaddr_storage from;\n"
                   "socklen_t from_len = sizeof from;\n"
                   "ssize_t n;\n");
  if (g->manual)
    c_udp_keyboard (g);
  lab_codegen_put (g,
                   "n = recvfrom(server, data, BUF_SIZE, 0, (struct sockaddr *) &from, &from_len);\n"
                   "if (n < 0) {\n"
                   "    if (errno != EINTR)\n"
                   "        perror(\"recvfrom\");\n"
                   "    continue;\n"
                   "}");
  if (c->max_connections > 0)
    lab_codegen_put (g, "served++;");
  lab_codegen_put_printf (g, "print_address(%s, (struct sockaddr *) &from, from_len);", from);
  lab_codegen_put_printf (g, "print_bytes(%s, data, (size_t) n);", received);
  c_udp_answer (g);
  g->depth--;
  lab_codegen_put (g,
                   "}\n"
                   "free(data);\n"
                   "close(server);\n"
                   "return 0;");
  g->depth--;
  lab_codegen_put (g, "}");
}

/* The program in C, after the header: its includes, its constants, and
 * the program of its kind. */
void
lab_codegen_write_c (Gen *g)
{
  if (lab_endpoint_kind_is_ping (g->c->kind))
    {
      lab_codegen_write_c_ping (g);
      return;
    }
  c_includes (g);
  c_constants (g);
  switch (g->c->kind)
    {
    case LAB_ENDPOINT_TCP_SERVER: lab_codegen_write_c_tcp_server (g); break;
    case LAB_ENDPOINT_UDP_SERVER: c_udp_server (g); break;
    case LAB_ENDPOINT_TCP_CLIENT:
    case LAB_ENDPOINT_UDP_CLIENT:
    default: lab_codegen_write_c_client (g); break;
    }
}
