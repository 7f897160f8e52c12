/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

G_BEGIN_DECLS

char           *lab_address_format        (GSocketAddress         *address);
GSocketAddress *lab_address_from_sockaddr (const struct sockaddr  *sa,
                                           socklen_t               len);
gboolean        lab_parse_port            (const char             *text,
                                           gboolean                allow_zero,
                                           guint16                *port,
                                           GError                **error);
gboolean        lab_validate_host         (const char             *text,
                                           GError                **error);
GInetAddress   *lab_parse_bind_address    (const char             *text,
                                           GError                **error);
gboolean        lab_address_is_exposed    (GInetAddress           *address);

G_END_DECLS
