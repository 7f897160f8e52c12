/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes *lab_hex_parse        (const char   *text,
                              GError      **error);
GBytes *lab_text_unescape    (const char   *text,
                              GError      **error);
char   *lab_hex_format       (const guint8 *data,
                              gsize         len,
                              gsize         max_len);
char   *lab_text_escape      (const guint8 *data,
                              gsize         len,
                              gsize         max_len);
char   *lab_text_escape_message (const char *message);
char   *lab_hex_dump         (const guint8 *data,
                              gsize         len,
                              gsize         offset,
                              guint         per_line);
void    lab_python_bytes_append (GString      *out,
                                 const guint8 *data,
                                 gsize         len,
                                 char          quote);

G_END_DECLS
