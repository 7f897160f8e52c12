/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-codegen-private.h"
#include "lab-network.h"

/* The code view: an endpoint written out as a program of its own, in Python
 * (the course's language) or in C (the POSIX calls the lab makes), that does
 * what the lab does with the same configuration. The text is only made,
 * never run; the same configuration always gives the same text. Comments
 * are in the language of the moment; code, names and literals are not. */

/* This file holds what every language shares: the writer that indents and
 * wraps the program's lines and comments, the header, the notes both
 * languages write, and lab_codegen_generate (), which works out what the
 * configuration asks for and hands the rest to the generator of the
 * language: lab-codegen-python*.c or lab-codegen-c*.c. */

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

/* A client told to send its data in pieces smaller than the data. */
gboolean
lab_codegen_chunked (LabEndpointConfig *c)
{
  return c->send_chunk > 0 && c->initial_data != NULL && c->send_chunk < g_bytes_get_size (c->initial_data) &&
         (c->kind == LAB_ENDPOINT_TCP_CLIENT || c->kind == LAB_ENDPOINT_UDP_CLIENT);
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
    [LAB_ENDPOINT_PING] = { "ping.py", "ping.c" },
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
    case LAB_ENDPOINT_PING:
      /* Translators: %s is the endpoint's name, as the user gave it. */
      title = g_strdup_printf (_("Ping “%s”, written out by Protolab from its settings."), name);
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
  LabEndpointConfig *c = g->c;
  const LabNetworkHost *host = c->network_host != NULL ? lab_network_find_host (c->network_host) : NULL;

  /* Both backends make the same calls; only their names differ. */
  if (c->backend == LAB_BACKEND_GIO)
    lab_codegen_comment (g, _("The lab runs this endpoint with GLib’s GSocket; this program makes the same calls with the plain socket API."));
  /* And where it runs: a lab host's address is nowhere else. */
  if (host != NULL)
    {
      /* Translators: %s is a host of the lab network, then its address. */
      g_autofree char *where = g_strdup_printf (_("The lab runs this endpoint on %s, a host of its lab network (%s): run it there, or put an address of this computer in its place."),
                                                host->name, c->family == LAB_FAMILY_IPV6 ? host->ipv6 : host->ipv4);

      lab_codegen_comment (g, where);
    }
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

/* The call that sends a server's answer to one message, said to be one of
 * its own, as the lab makes it. */
void
lab_codegen_put_one_send (Gen        *g,
                          const char *code)
{
  lab_codegen_put_commented (g, code, _("one send per message, as the course’s line server calls sendall () "
                                        "for each line"));
}

/* What a client that sends its data in pieces says of them. */
void
lab_codegen_comment_pieces (Gen *g)
{
  guint chunk = g->c->send_chunk;
  g_autofree char *why = NULL;

  if (g->c->kind == LAB_ENDPOINT_UDP_CLIENT)
    why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "in datagrams of %u byte: each arrives whole and alone, or not at all",
                                        "in datagrams of %u bytes: each arrives whole and alone, or not at all",
                                        chunk), chunk);
  else
    why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "in pieces of %u byte, one send () each: the server "
                                        "may receive them in any grouping",
                                        "in pieces of %u bytes, one send () each: the server "
                                        "may receive them in any grouping", chunk), chunk);

  lab_codegen_comment (g, why);
}

/* ---- Entry points ------------------------------------------------------- */

/* On a lab host, a host's name in an address setting stands for its
 * address, as the lab reads it: a program knows no such name. */
static char *
address_setting (LabEndpointConfig *c,
                 const char        *text)
{
  const LabNetworkHost *host = c->network_host != NULL && c->network_host[0] != '\0'
                               ? lab_network_find_host (text) : NULL;

  if (host == NULL)
    return g_strdup (text);
  return g_strdup (c->family == LAB_FAMILY_IPV6 ? host->ipv6 : host->ipv4);
}

/* The host a server binds or a client connects to, as the program writes
 * it, and its family. */
static void
work_out_host (Gen *g)
{
  LabEndpointConfig *c = g->c;
  g_autofree char *bind_address = address_setting (c, c->bind_address);
  g_autofree char *peer = address_setting (c, c->host);

  if (lab_endpoint_kind_is_server (c->kind))
    {
      g_autoptr(GInetAddress) address = lab_parse_bind_address (bind_address, NULL);

      /* An address the lab would refuse to start with is written as it is:
       * the program fails the same way when it runs. */
      g->host = address != NULL ? g_inet_address_to_string (address) : g_strstrip (g_strdup (bind_address));
      g->ipv6 = address != NULL ? g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                : strchr (g->host, ':') != NULL;
    }
  else
    {
      g_autoptr(GInetAddress) address = NULL;

      g->host = g_strstrip (g_strdup (peer));
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
  /* An address the lab would refuse to start with is written as it is:
   * the program fails when it binds, as the lab refuses it. */
  if (g->bind_local && c->local_address[0] != '\0')
    {
      g_autofree char *setting = address_setting (c, c->local_address);
      g_autoptr(GInetAddress) local = lab_parse_bind_address (setting, NULL);

      g->local = local != NULL ? g_inet_address_to_string (local) : g_strdup (setting);
    }
  g->manual = lab_endpoint_kind_is_server (c->kind) && c->behaviour == LAB_BEHAVIOUR_MANUAL;
  /* A client with nothing of its own to send is typed to, as in the
   * window, unless it says it sends nothing at all (discard): then its
   * program reads no keyboard, and ends when the server closes. */
  g->keyboard = !lab_endpoint_kind_is_server (c->kind) && !lab_endpoint_kind_is_ping (c->kind) &&
                ((c->initial_data == NULL && c->behaviour != LAB_BEHAVIOUR_DISCARD) ||
                 c->behaviour == LAB_BEHAVIOUR_MANUAL);
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
    lab_codegen_write_c (g);

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
