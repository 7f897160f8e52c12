/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-codegen.h"
#include "lab-endpoint-config-private.h"

G_BEGIN_DECLS

/* What the code generator's files share: the state of the program being
 * written (Gen), the writer of its lines (lab-codegen.c), the words the
 * programs print, and the parts of each language that more than one of
 * its files write. Each generator writes into g->out through the writer,
 * at g->depth levels of indentation. */

typedef struct {
  GString           *out;
  LabEndpointConfig *c;
  LabCodeLanguage    language;
  guint              depth;
  const char        *filename;

  /* What the configuration asks for, worked out once. */
  LabFraming         framing;     /* of a TCP server's messages */
  LabConcurrency     concurrency; /* a TCP server's, as its program runs it */
  gboolean           replies;     /* a TCP server sends something back */
  gboolean           ipv6;        /* a server's (or a literal client host's) family */
  gboolean           literal;     /* a client's host is an IP address */
  gboolean           bind_local;  /* a client binds its own address or port first */
  char              *local;       /* the address it binds, as written in the program, or NULL */
  gboolean           manual;      /* a server sends what is typed */
  gboolean           keyboard;    /* a client sends what is typed */
  gboolean           quit;        /* a TCP server closes a client that sends QUIT */
  gboolean           simple_echo; /* each recv () sent back as it came */
  gboolean           answers;     /* messages go through answer () */
  gboolean           pthread;     /* the C program uses threads */
  char              *host;        /* as written in the program */
} Gen;

/* Translators: words a generated program prints before an address or the
 * bytes it received, as the course's programs print "Recibido:". */
#define LABEL_LISTENING  C_("printed by a generated program", "Listening on")
#define LABEL_CONNECTED  C_("printed by a generated program", "Connected:")
#define LABEL_RECEIVED   C_("printed by a generated program", "Received:")
#define LABEL_CLOSED     C_("printed by a generated program", "Closed:")
#define LABEL_FROM       C_("printed by a generated program", "From:")
#define LABEL_TIMEOUT    C_("printed by a generated program", "Nothing arrived in time")

/* The writer, and the notes both languages write (lab-codegen.c) */
void        lab_codegen_put                (Gen        *g,
                                            const char *text);
void        lab_codegen_put_printf         (Gen        *g,
                                            const char *format,
                                            ...) G_GNUC_PRINTF (2, 3);
void        lab_codegen_blank              (Gen        *g);
void        lab_codegen_comment            (Gen        *g,
                                            const char *text);
void        lab_codegen_put_commented      (Gen        *g,
                                            const char *code,
                                            const char *text);
void        lab_codegen_put_commented_take (Gen        *g,
                                            char       *code,
                                            const char *text);
gboolean    lab_codegen_chunked            (LabEndpointConfig *c);
void        lab_codegen_note_backend       (Gen        *g);
void        lab_codegen_note_udp_framing   (Gen        *g);
void        lab_codegen_note_send_options  (Gen        *g);
void        lab_codegen_put_one_send       (Gen        *g,
                                            const char *code);
void        lab_codegen_comment_pieces     (Gen        *g);

/* Python (lab-codegen-python.c, -python-tcp-server.c, -python-client.c) */
void        lab_codegen_write_python            (Gen        *g);
void        lab_codegen_write_python_tcp_server (Gen        *g);
void        lab_codegen_write_python_client     (Gen        *g);
char       *lab_codegen_py_label                (const char *text);
const char *lab_codegen_py_family               (Gen        *g);
void        lab_codegen_py_options              (Gen        *g,
                                                 const char *sock);
void        lab_codegen_py_server_socket        (Gen        *g);
void        lab_codegen_py_server_loop          (Gen        *g);
void        lab_codegen_py_time                 (Gen        *g);
void        lab_codegen_py_keyboard_loop        (Gen        *g);

/* A ping, in both (lab-codegen-ping.c) */
void        lab_codegen_write_c_ping            (Gen        *g);
void        lab_codegen_write_python_ping       (Gen        *g);

/* C (lab-codegen-c.c, -c-tcp-server.c, -c-client.c) */
void        lab_codegen_write_c            (Gen        *g);
void        lab_codegen_write_c_tcp_server (Gen        *g);
void        lab_codegen_write_c_client     (Gen        *g);
char       *lab_codegen_c_label            (const char *text);
void        lab_codegen_c_print_helpers    (Gen        *g,
                                            gboolean    bytes);
void        lab_codegen_c_set_option       (Gen        *g);
void        lab_codegen_c_send_all         (Gen        *g);
void        lab_codegen_c_options          (Gen        *g,
                                            const char *fd,
                                            const char *fail);
void        lab_codegen_c_time             (Gen        *g);
void        lab_codegen_c_begin_main       (Gen        *g);
void        lab_codegen_c_server_socket    (Gen        *g);
void        lab_codegen_c_server_loop      (Gen        *g);

G_END_DECLS
