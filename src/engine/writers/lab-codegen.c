/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-codegen-private.h"

/* The code view: an endpoint written out as a program of its own, in Python
 * (the course's language) or in C (the POSIX calls the lab makes), that does
 * what the lab does with the same configuration. The text is only made,
 * never run; the same configuration always gives the same text. Comments
 * are in the language of the moment; code, names and literals are not. */

/* This file holds what every language shares: the writer that indents and
 * wraps the program's lines and comments, the header, the notes both
 * languages write, and lab_codegen_generate (), which works out what the
 * configuration asks for and hands the rest to the generator of the
 * language: lab-codegen-python*.c, or the C generator below. */

/* ---- Writing ------------------------------------------------------------ */

void
lab_codegen_put (Gen        *g,
                 const char *text)
{
  const char *line = text;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize len = end != NULL ? (gsize) (end - line) : strlen (line);

      if (len > 0)
        {
          for (guint i = 0; i < g->depth; i++)
            g_string_append (g->out, "    ");
          g_string_append_len (g->out, line, len);
        }
      g_string_append_c (g->out, '\n');
      line += len + (end != NULL);
    }
}

void
lab_codegen_put_printf (Gen        *g,
                        const char *format,
                        ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  lab_codegen_put (g, text);
}

/* A TCP client told to send its data in pieces smaller than the data. */
gboolean
lab_codegen_chunked (LabEndpointConfig *c)
{
  return c->send_chunk > 0 && c->initial_data != NULL && c->send_chunk < g_bytes_get_size (c->initial_data) &&
         (c->kind == LAB_ENDPOINT_TCP_CLIENT);
}

void
lab_codegen_blank (Gen *g)
{
  g_string_append_c (g->out, '\n');
}

/* Text a person wrote or translated, made safe to stand in a comment: one
 * line, no control characters, and nothing that would end a C comment. */
static char *
comment_safe (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (out, ' ');
      else if (p[0] == '*' && p[1] == '/')
        g_string_append (out, "* ");
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* A comment on lines of its own, wrapped at about 72 columns. */
void
lab_codegen_comment (Gen        *g,
                     const char *text)
{
  g_autofree char *safe = comment_safe (text);
  g_auto(GStrv) words = g_strsplit (safe, " ", -1);
  const char *lead = g->language == LAB_CODE_PYTHON ? "# " : "/* ";
  const char *more = g->language == LAB_CODE_PYTHON ? "# " : " * ";
  g_autoptr(GString) line = g_string_new (lead);
  gboolean empty = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (!empty && g_utf8_strlen (line->str, -1) + 1 + g_utf8_strlen (words[i], -1) + g->depth * 4 > 76)
        {
          lab_codegen_put (g, line->str);
          g_string_assign (line, more);
          empty = TRUE;
        }
      if (!empty)
        g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      empty = FALSE;
    }

  if (g->language == LAB_CODE_C)
    g_string_append (line, " */");
  lab_codegen_put (g, line->str);
}

/* A line of code with a comment at its end, as the course writes them. */
void
lab_codegen_put_commented (Gen        *g,
                           const char *code,
                           const char *text)
{
  g_autofree char *safe = comment_safe (text);

  if (g->language == LAB_CODE_PYTHON)
    lab_codegen_put_printf (g, "%s  # %s", code, safe);
  else
    lab_codegen_put_printf (g, "%s  /* %s */", code, safe);
}

void
lab_codegen_put_commented_take (Gen        *g,
                                char       *code,
                                const char *text)
                                {
                                lab_codegen_put_commented (g, code, text);
  g_free (code);
}

/* ---- Shared ------------------------------------------------------------- */

static const char *
kind_filename (LabEndpointKind kind,
               LabCodeLanguage language)
{
  static const char *const names[][2] = {
    [LAB_ENDPOINT_TCP_SERVER] = { "tcp_server.py", "tcp_server.c" },
    [LAB_ENDPOINT_TCP_CLIENT] = { "tcp_client.py", "tcp_client.c" },
    [LAB_ENDPOINT_UDP_SERVER] = { "udp_server.py", "udp_server.c" },
    [LAB_ENDPOINT_UDP_CLIENT] = { "udp_client.py", "udp_client.c" },
  };

  return names[kind][language == LAB_CODE_C];
}

static void
header (Gen        *g,
        const char *name)
{
  g_autofree char *title = NULL;

  switch (g->c->kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      /* Translators: %s is the endpoint's name, as the user gave it. */
      title = g_strdup_printf (_("TCP server “%s”, written out by Protolab from its settings."), name);
      break;
    case LAB_ENDPOINT_TCP_CLIENT:
      /* Translators: %s is the endpoint's name, as the user gave it. */
      title = g_strdup_printf (_("TCP client “%s”, written out by Protolab from its settings."), name);
      break;
    case LAB_ENDPOINT_UDP_SERVER:
      /* Translators: %s is the endpoint's name, as the user gave it. */
      title = g_strdup_printf (_("UDP server “%s”, written out by Protolab from its settings."), name);
      break;
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      /* Translators: %s is the endpoint's name, as the user gave it. */
      title = g_strdup_printf (_("UDP client “%s”, written out by Protolab from its settings."), name);
      break;
    }

  if (g->language == LAB_CODE_PYTHON)
    {
      lab_codegen_put (g, "#!/usr/bin/env python3");
      lab_codegen_comment (g, title);
      lab_codegen_comment (g, _("Run it with:"));
      lab_codegen_put_printf (g, "#     python3 %s", g->filename);
    }
  else
    {
      g_autofree char *program = g_strndup (g->filename, strlen (g->filename) - 2);

      lab_codegen_comment (g, title);
      lab_codegen_comment (g, _("Build it and run it with:"));
      lab_codegen_put_printf (g, "/*     gcc -Wall -Wextra -std=c11 -D_POSIX_C_SOURCE=200809L -o %s %s%s */",
                              program, g->filename, g->pthread ? " -pthread" : "");
      lab_codegen_put_printf (g, "/*     ./%s */", program);
    }

  if (g->manual || g->keyboard)
    lab_codegen_comment (g, _("What you type is sent as it is, line by line; Ctrl+D ends the input."));
  lab_codegen_blank (g);
}

void
lab_codegen_note_backend (Gen *g)
{
  /* Both backends make the same calls; only their names differ. */
  if (g->c->backend == LAB_BACKEND_GIO)
    lab_codegen_comment (g, _("The lab runs this endpoint with GLib’s GSocket; this program makes the same calls with the plain socket API."));
}

/* Says that a UDP server has no use for framing or a quit message. */
void
lab_codegen_note_udp_framing (Gen *g)
{
  if (g->c->framing != LAB_FRAMING_RAW || g->quit)
    lab_codegen_comment (g, _("UDP keeps the boundaries of each datagram: framing and the quit message do not apply."));
}

/* Says which options on sending this client has no use for. */
void
lab_codegen_note_send_options (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (lab_endpoint_kind_is_tcp (c->kind) && c->initial_data == NULL && c->shutdown_after_send)
    lab_codegen_comment (g, _("Shutting down after sending applies only to initial data, and there is none."));
  if (!lab_endpoint_kind_is_tcp (c->kind) && (c->shutdown_after_send || !c->sendall))
    lab_codegen_comment (g, _("A datagram is sent whole or not at all, and UDP has no side of a connection to shut down."));
}

/* ---- C ------------------------------------------------------------------ */

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
static char *
c_label (const char *text)
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
    }
  if (c->expect_bytes > 0)
    {
      g_autofree char *code = g_strdup_printf ("#define EXPECT %" G_GUINT64_FORMAT "ull", c->expect_bytes);

      lab_codegen_put_commented (g, code, _("bytes to receive before closing"));
    }
  if (g->bind_local)
    {
      if (g->local != NULL)
        lab_codegen_put_printf (g, "static const char LOCAL_ADDRESS[] = \"%s\";", g->local);
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

static void
c_print_helpers (Gen      *g,
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
static void
c_set_option (Gen *g)
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

static void
c_send_all (Gen *g)
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
static void
c_options (Gen        *g,
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

static void
c_time (Gen *g)
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

/* The sockaddr a server binds, of its family, from HOST and PORT. */
static void
c_server_socket (Gen *g,
                 int  type)
{
  g_autofree char *listening = c_label (LABEL_LISTENING);
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
                          g->ipv6 ? "in6" : "in", af, type == 1 ? "SOCK_STREAM" : "SOCK_DGRAM");
  c_options (g, "server", "return 1;");
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
  if (type == 1)
    lab_codegen_put (g,
                     "if (listen(server, BACKLOG) < 0) {\n"
                     "    perror(\"listen\");\n"
                     "    return 1;\n"
                     "}");
  lab_codegen_put_printf (g,
                          "if (getsockname(server, (struct sockaddr *) &address, &len) == 0)\n"
                          "    print_address(%s, (struct sockaddr *) &address, len);", listening);
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
  g_autofree char *received = c_label (LABEL_RECEIVED);
  g_autofree char *from = c_label (LABEL_FROM);

  c_print_helpers (g, TRUE);
  c_set_option (g);
  if (c->behaviour == LAB_BEHAVIOUR_TIME)
    c_time (g);

  lab_codegen_note_udp_framing (g);
  lab_codegen_note_backend (g);
  lab_codegen_put (g,
                   "int\n"
                   "main(void)\n"
                   "{");
  g->depth++;
  c_server_socket (g, 2);
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
  if (c->max_connections > 0)
    lab_codegen_put (g, "for (unsigned served = 0; served < MAX_CONNECTIONS;) {");
  else
    lab_codegen_put (g, "for (;;) {");
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

/* answer (): each whole message received, and the reply to it. */
static void
c_answer (Gen *g)
{
  gboolean reply = g->c->behaviour == LAB_BEHAVIOUR_ECHO || g->c->behaviour == LAB_BEHAVIOUR_UPPER;

  lab_codegen_comment (g, _("Takes every whole message off the front of the bytes received and makes the reply; says too whether the client asked to end. A message not yet complete waits for more bytes."));
  lab_codegen_put (g, "static int");
  lab_codegen_put (g, g->replies ? "answer(struct buffer *pending, struct buffer *out)" : "answer(struct buffer *pending)");
  lab_codegen_put (g,
                   "{\n"
                   "    unsigned char *message;\n"
                   "    size_t len, used;\n"
                   "    int quit = 0;\n"
                   "\n"
                   "    while (!quit && take_message(pending->data, pending->len, &message, &len, &used)) {");
  g->depth += 2;
  if (g->quit)
    lab_codegen_put (g,
                     "if (is_quit(message, len))\n"
                     "    quit = 1;");
  if (reply)
    {
      if (g->quit)
        lab_codegen_put (g, "else {");
      else
        lab_codegen_put (g, "{");
      if (g->c->behaviour == LAB_BEHAVIOUR_UPPER)
        {
          lab_codegen_comment (g, _("ASCII letters only, as bytes.upper () does"));
          lab_codegen_put (g,
                           "    for (size_t i = 0; i < len; i++)\n"
                           "        if (message[i] >= 'a' && message[i] <= 'z')\n"
                           "            message[i] -= 'a' - 'A';");
        }
      lab_codegen_put (g,
                       "    frame_message(out, message, len);\n"
                       "}");
    }
  lab_codegen_put (g, "buffer_consume(pending, used);");
  g->depth -= 2;
  lab_codegen_put (g,
                   "    }\n"
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
  g_autofree char *received = c_label (LABEL_RECEIVED);

  if (g->manual)
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
                     "int quit = answer(&pending, &out);\n"
                     "\n"
                     "if (out.len > 0 && send_all(fd, out.data, out.len) < 0)\n"
                     "    break;\n"
                     "out.len = 0;\n"
                     "if (quit)\n"
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
  g_autofree char *connected = c_label (LABEL_CONNECTED);
  g_autofree char *closed = c_label (LABEL_CLOSED);
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
        lab_codegen_put (g, g->replies ? "struct buffer pending = { 0 }, out = { 0 };" : "struct buffer pending = { 0 };");
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
      if (g->answers && g->replies)
        lab_codegen_put (g, "free(out.data);");
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

/* The loop around accept () of the servers that block: for ever, or until
 * MAX_CONNECTIONS clients were accepted. */
static void
c_accept_loop (Gen *g)
{
  if (g->c->max_connections > 0)
    lab_codegen_put (g, "for (unsigned served = 0; served < MAX_CONNECTIONS;) {");
  else
    lab_codegen_put (g, "for (;;) {");
}

static void
c_accept_iterative (Gen *g)
{
  LabEndpointConfig *c = g->c;

  c_accept_loop (g);
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

  c_accept_loop (g);
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
  lab_codegen_put (g,
                   "pthread_mutex_lock(&lock);\n"
                   "active++;\n"
                   "pthread_mutex_unlock(&lock);\n"
                   "err = pthread_create(&thread, NULL, client_thread, (void *) (intptr_t) fd);\n"
                   "if (err != 0) {\n"
                   "    fprintf(stderr, \"pthread_create: %s\\n\", strerror(err));\n"
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
  g_autofree char *received = c_label (LABEL_RECEIVED);
  g_autofree char *closed = c_label (LABEL_CLOSED);

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
                     "        cl->closing = 1;", g->replies ? "answer(&cl->pending, &cl->out)" : "answer(&cl->pending)");
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
  g_autofree char *connected = c_label (LABEL_CONNECTED);
  g_autofree char *closed = c_label (LABEL_CLOSED);

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

static void
c_tcp_server (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean loop = g->concurrency == LAB_CONCURRENCY_LOOP;
  gboolean time = c->behaviour == LAB_BEHAVIOUR_TIME;

  c_print_helpers (g, !time || loop);
  c_print_peer (g);
  c_set_option (g);
  if (!loop && (g->replies || time || g->manual))
    c_send_all (g);
  if (time)
    c_time (g);
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

  lab_codegen_note_backend (g);
  lab_codegen_put (g,
                   "int\n"
                   "main(void)\n"
                   "{");
  g->depth++;
  c_server_socket (g, 1);
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

/* A client's socket: getaddrinfo () for HOST, then each address in turn. */
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
                              c->local_address[0] != '\0' ? "LOCAL_ADDRESS" : "NULL");
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
  g_autofree char *received = c_label (LABEL_RECEIVED);
  g_autofree char *from = c_label (LABEL_FROM);
  g_autofree char *timeout = c_label (LABEL_TIMEOUT);

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

/* main ()'s socket: getaddrinfo () for HOST, then each address in turn
 * until one connects (TCP), or the first (UDP). */
static void
c_client_connect (Gen *g)
{
  LabEndpointConfig *c = g->c;
  static const char *const families[] = { "AF_UNSPEC", "AF_INET", "AF_INET6" };
  gboolean tcp = lab_endpoint_kind_is_tcp (c->kind);

  lab_codegen_put (g,
                   "struct addrinfo hints, *addresses, *a;\n"
                   "unsigned char *data = malloc(BUF_SIZE);\n"
                   "unsigned long long received = 0;\n"
                   "int fd = -1, err;\n"
                   "\n"
                   "signal(SIGPIPE, SIG_IGN);\n"
                   "if (data == NULL) {\n"
                   "    perror(\"malloc\");\n"
                   "    return 1;\n"
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
                   "    return 1;\n"
                   "}");

  if (tcp)
    lab_codegen_comment (g, _("Tries each address the name resolves to, in turn, as socket.create_connection () does."));
  else
    lab_codegen_comment (g, _("The first address the name resolves to."));
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
  c_options (g, "fd", "return 1;");
  if (tcp)
    {
      lab_codegen_put_printf (g,
                              "if (%s(fd, a->ai_addr, a->ai_addrlen) == 0)\n"
                              "    break;\n"
                              "perror(\"connect\");\n"
                              "close(fd);\n"
                              "fd = -1;",
                              c->connect_timeout > 0 ? "connect_with_timeout" : "connect");
    }
  else
    {
      if (c->udp_connect)
        {
          lab_codegen_comment (g, _("connect () on UDP sends nothing: it only fixes the peer"));
          lab_codegen_put (g,
                           "if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {\n"
                           "    perror(\"connect\");\n"
                           "    return 1;\n"
                           "}");
        }
      lab_codegen_put (g, "break;");
    }
  g->depth--;
  lab_codegen_put (g,
                   "}\n"
                   "if (fd < 0)\n"
                   "    return 1;");
}

/* The initial data, as the client is told to send it. */
static void
c_client_send (Gen *g)
{
  LabEndpointConfig *c = g->c;
  gboolean tcp = lab_endpoint_kind_is_tcp (c->kind);

  if (c->initial_data != NULL)
    {
      if (tcp && lab_codegen_chunked (c))
        {
          g_autofree char *why = g_strdup_printf (_("in pieces of %u bytes, one send () each: the server "
                                                    "may receive them in any grouping"), c->send_chunk);

          lab_codegen_comment (g, why);
          lab_codegen_put_printf (g,
                                  "for (size_t start = 0; start < DATA_LEN; start += %u) {\n"
                                  "    size_t piece = DATA_LEN - start < %u ? DATA_LEN - start : %u;\n"
                                  "\n"
                                  "    if (%s(fd, DATA + start, piece%s) < 0) {\n"
                                  "        perror(\"send\");\n"
                                  "        return 1;\n"
                                  "    }\n"
                                  "}", c->send_chunk, c->send_chunk, c->send_chunk,
                                  c->sendall ? "send_all" : "send", c->sendall ? "" : ", 0");
        }
      else if (tcp && c->sendall)
        lab_codegen_put (g,
                         "if (send_all(fd, DATA, DATA_LEN) < 0)\n"
                         "    return 1;");
      else if (tcp)
        {
          lab_codegen_comment (g, _("one send (): it may take only part of the data"));
          lab_codegen_put (g,
                           "if (send(fd, DATA, DATA_LEN, 0) < 0) {\n"
                           "    perror(\"send\");\n"
                           "    return 1;\n"
                           "}");
        }
      else if (c->udp_connect)
        lab_codegen_put (g,
                         "if (send(fd, DATA, DATA_LEN, 0) < 0) {\n"
                         "    perror(\"send\");\n"
                         "    return 1;\n"
                         "}");
      else
        lab_codegen_put (g,
                         "if (sendto(fd, DATA, DATA_LEN, 0, a->ai_addr, a->ai_addrlen) < 0) {\n"
                         "    perror(\"sendto\");\n"
                         "    return 1;\n"
                         "}");
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
  g_autofree char *timeout = c_label (LABEL_TIMEOUT);

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
  g_autofree char *connected = c_label (LABEL_CONNECTED);

  lab_codegen_note_backend (g);
  lab_codegen_put (g,
                   "int\n"
                   "main(void)\n"
                   "{");
  g->depth++;
  c_client_connect (g);

  if (lab_endpoint_kind_is_tcp (c->kind))
    lab_codegen_put_printf (g, "print_address(%s, a->ai_addr, a->ai_addrlen);", connected);

  if (c->recv_timeout > 0 && !g->keyboard)
    lab_codegen_put (g,
                     "struct timeval timeout = { RECV_TIMEOUT_MS / 1000, RECV_TIMEOUT_MS % 1000 * 1000 };\n"
                     "\n"
                     "if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {\n"
                     "    perror(\"setsockopt\");\n"
                     "    return 1;\n"
                     "}");

  c_client_send (g);

  if (g->keyboard)
    c_client_keyboard (g);
  else
    lab_codegen_put (g,
                     "while (!receive(fd, data, &received))\n"
                     "    continue;");

  lab_codegen_put (g,
                   "close(fd);\n"
                   "freeaddrinfo(addresses);\n"
                   "free(data);\n"
                   "return 0;");
  g->depth--;
  lab_codegen_put (g, "}");
}

static void
c_client (Gen *g)
{
  LabEndpointConfig *c = g->c;

  c_print_helpers (g, TRUE);
  c_set_option (g);
  if (lab_endpoint_kind_is_tcp (c->kind) && ((c->initial_data != NULL && c->sendall) || g->keyboard))
    c_send_all (g);
  c_client_helpers (g);
  c_client_receive_helper (g);
  c_client_main (g);
}

/* ---- Entry points ------------------------------------------------------- */

/* The host a server binds or a client connects to, as the program writes
 * it, and its family. */
static void
work_out_host (Gen *g)
{
  LabEndpointConfig *c = g->c;

  if (lab_endpoint_kind_is_server (c->kind))
    {
      g_autoptr(GInetAddress) address = lab_parse_bind_address (c->bind_address, NULL);

      /* An address the lab would refuse to start with is written as it is:
       * the program fails the same way when it runs. */
      g->host = address != NULL ? g_inet_address_to_string (address) : g_strstrip (g_strdup (c->bind_address));
      g->ipv6 = address != NULL ? g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                : strchr (g->host, ':') != NULL;
    }
  else
    {
      g_autoptr(GInetAddress) address = NULL;

      g->host = g_strstrip (g_strdup (c->host));
      address = g_inet_address_new_from_string (g->host);
      g->literal = address != NULL;
      g->ipv6 = address != NULL && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
    }
}

/* What the configuration asks for, worked out once. */
static void
work_out (Gen *g)
{
  LabEndpointConfig *c = g->c;

  work_out_host (g);
  g->bind_local = !lab_endpoint_kind_is_server (c->kind) &&
                  (c->local_address[0] != '\0' || c->local_port > 0);
  if (g->bind_local && c->local_address[0] != '\0')
    {
      g_autoptr(GInetAddress) local = lab_parse_bind_address (c->local_address, NULL);

      g->local = local != NULL ? g_inet_address_to_string (local) : NULL;
    }
  g->manual = lab_endpoint_kind_is_server (c->kind) && c->behaviour == LAB_BEHAVIOUR_MANUAL;
  g->keyboard = !lab_endpoint_kind_is_server (c->kind) &&
                (c->initial_data == NULL || c->behaviour == LAB_BEHAVIOUR_MANUAL);
  g->quit = c->kind == LAB_ENDPOINT_TCP_SERVER && c->quit_message[0] != '\0' &&
            c->behaviour != LAB_BEHAVIOUR_TIME;
  g->framing = c->behaviour == LAB_BEHAVIOUR_UPPER && c->framing == LAB_FRAMING_RAW
               ? LAB_FRAMING_LINES : c->framing;
  g->simple_echo = c->kind == LAB_ENDPOINT_TCP_SERVER && c->behaviour == LAB_BEHAVIOUR_ECHO &&
                   g->framing == LAB_FRAMING_RAW && !g->quit;
  g->answers = c->kind == LAB_ENDPOINT_TCP_SERVER && !g->simple_echo &&
               (c->behaviour == LAB_BEHAVIOUR_ECHO || c->behaviour == LAB_BEHAVIOUR_UPPER || g->quit);
  g->replies = g->simple_echo ||
               (g->answers && (c->behaviour == LAB_BEHAVIOUR_ECHO || c->behaviour == LAB_BEHAVIOUR_UPPER));
  /* A server that speaks first never waits on a client: its event loop
   * would be accept (), send (), close () in turn, as the iterative one. */
  g->concurrency = c->behaviour == LAB_BEHAVIOUR_TIME && c->concurrency == LAB_CONCURRENCY_LOOP
                   ? LAB_CONCURRENCY_ITERATIVE : c->concurrency;
  g->pthread = g->language == LAB_CODE_C && c->kind == LAB_ENDPOINT_TCP_SERVER &&
               (g->concurrency == LAB_CONCURRENCY_THREADS ||
                (g->manual && g->concurrency != LAB_CONCURRENCY_LOOP));
}

/**
 * lab_codegen_generate:
 * @name: the endpoint's name, for the header comment
 *
 * Writes out the endpoint as a complete program that makes the same calls
 * with the same settings: what a student can read, save and run outside
 * the lab. Nothing is run, and the text depends only on the configuration,
 * the name and the language of the moment (of the comments).
 *
 * Returns: (transfer full): the program's source
 */
char *
lab_codegen_generate (LabEndpointConfig *config,
                      const char        *name,
                      LabCodeLanguage    language)
{
  LabEndpointConfig *c = config;
  Gen gen = { 0 }, *g = &gen;
  g_autofree char *safe_name = NULL;

  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (config), NULL);
  g_return_val_if_fail (language == LAB_CODE_PYTHON || language == LAB_CODE_C, NULL);

  g->out = g_string_new (NULL);
  g->c = c;
  g->language = language;
  g->filename = kind_filename (c->kind, language);

  work_out (g);

  safe_name = comment_safe (name != NULL && name[0] != '\0' ? name : g->filename);
  header (g, safe_name);

  if (language == LAB_CODE_PYTHON)
    lab_codegen_write_python (g);
  else
    {
      c_includes (g);
      c_constants (g);
      switch (c->kind)
        {
        case LAB_ENDPOINT_TCP_SERVER: c_tcp_server (g); break;
        case LAB_ENDPOINT_UDP_SERVER: c_udp_server (g); break;
        case LAB_ENDPOINT_TCP_CLIENT:
        case LAB_ENDPOINT_UDP_CLIENT:
        default: c_client (g); break;
        }
    }

  g_free (g->host);
  g_free (g->local);
  return g_string_free (g->out, FALSE);
}

/**
 * lab_codegen_suggest_filename:
 *
 * Returns: a file name for the program: "tcp_server.py", "udp_client.c"…
 */
const char *
lab_codegen_suggest_filename (LabEndpointConfig *config,
                              LabCodeLanguage    language)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (config), NULL);

  return kind_filename (lab_endpoint_config_get_kind (config), language);
}

const char *
lab_code_language_to_string (LabCodeLanguage language)
{
  switch (language)
    {
    case LAB_CODE_PYTHON: return "python";
    case LAB_CODE_C: return "c";
    default: g_return_val_if_reached (NULL);
    }
}

gboolean
lab_code_language_from_string (const char      *s,
                               LabCodeLanguage *language)
{
  g_return_val_if_fail (language != NULL, FALSE);

  if (g_strcmp0 (s, "python") == 0)
    *language = LAB_CODE_PYTHON;
  else if (g_strcmp0 (s, "c") == 0)
    *language = LAB_CODE_C;
  else
    return FALSE;

  return TRUE;
}
