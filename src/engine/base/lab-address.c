/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-error.h"

/**
 * lab_address_format:
 *
 * Writes an address the way the course writes it in Python: `('127.0.0.1',
 * 5000)` for IPv4 and `('::1', 5000, 0, 0)` for IPv6 (flow info and scope).
 *
 * Returns: the address as text
 */
char *
lab_address_format (GSocketAddress *address)
{
  GInetSocketAddress *inet;
  g_autofree char *host = NULL;

  if (address == NULL)
    return g_strdup ("None");

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  if (g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("('%s', %u, %u, %u)", host,
                            g_inet_socket_address_get_port (inet),
                            g_inet_socket_address_get_flowinfo (inet),
                            g_inet_socket_address_get_scope_id (inet));

  return g_strdup_printf ("('%s', %u)", host, g_inet_socket_address_get_port (inet));
}

GSocketAddress *
lab_address_from_sockaddr (const struct sockaddr *sa,
                           socklen_t              len)
{
  if (sa == NULL || len == 0)
    return NULL;

  return g_socket_address_new_from_native ((gpointer) sa, len);
}

/**
 * lab_parse_port:
 * @allow_zero: whether 0 is allowed (a server's “the kernel picks”)
 *
 * Returns: whether @text is a port number, with @error saying why not
 */
gboolean
lab_parse_port (const char  *text,
                gboolean     allow_zero,
                guint16     *port,
                GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  guint64 value;

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT, _("Enter a port number"));
      return FALSE;
    }

  for (const char *p = stripped; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                       _("“%s” is not a port number: use digits only, from %d to 65535"),
                       stripped, allow_zero ? 0 : 1);
          return FALSE;
        }
    }

  value = g_ascii_strtoull (stripped, NULL, 10);
  if (strlen (stripped) > 5 || value > 65535)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                   _("%s is out of range: a port goes from %d to 65535"), stripped, allow_zero ? 0 : 1);
      return FALSE;
    }

  if (value == 0 && !allow_zero)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                           _("A client needs the server’s port: 0 is not a port you can connect to"));
      return FALSE;
    }

  if (port != NULL)
    *port = (guint16) value;

  return TRUE;
}

static gboolean
is_hostname (const char *text)
{
  g_auto(GStrv) labels = NULL;
  gsize len = strlen (text);

  if (len == 0 || len > 253)
    return FALSE;

  labels = g_strsplit (text, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize label_len = strlen (labels[i]);

      /* A trailing dot, as in “localhost.”, leaves one empty label at the end. */
      if (label_len == 0)
        {
          if (labels[i + 1] == NULL && i > 0)
            continue;
          return FALSE;
        }

      if (label_len > 63 || labels[i][0] == '-' || labels[i][label_len - 1] == '-')
        return FALSE;

      for (const char *p = labels[i]; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
          return FALSE;
    }

  return TRUE;
}

/**
 * lab_validate_host:
 *
 * Returns: whether @text can be looked up: an IPv4 or IPv6 address, or a
 *   name made of letters, digits, hyphens and dots
 */
gboolean
lab_validate_host (const char  *text,
                   GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autoptr(GInetAddress) address = NULL;

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                           _("Enter the server’s host: a name such as localhost or an address such as 127.0.0.1"));
      return FALSE;
    }

  address = g_inet_address_new_from_string (stripped);
  if (address != NULL || is_hostname (stripped))
    return TRUE;

  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
               _("“%s” is neither an IP address nor a host name"), stripped);
  return FALSE;
}

/**
 * lab_parse_bind_address:
 *
 * A server binds an address of this machine, written as an IP address:
 * 127.0.0.1, 0.0.0.0, ::1, :: or one of its interfaces'. “localhost” is
 * taken as 127.0.0.1, as the course's programs use it.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error
 */
GInetAddress *
lab_parse_bind_address (const char  *text,
                        GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  GInetAddress *address;

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                           _("Enter the address to bind, such as 127.0.0.1"));
      return NULL;
    }

  if (g_ascii_strcasecmp (stripped, "localhost") == 0)
    return g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  address = g_inet_address_new_from_string (stripped);
  if (address == NULL)
    g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
                 _("“%s” is not an IP address; a server binds one such as 127.0.0.1, 0.0.0.0, ::1 or ::"),
                 stripped);

  return address;
}

/**
 * lab_address_is_exposed:
 *
 * Returns: whether a server bound to @address can be reached from other
 *   machines (anything but loopback)
 */
gboolean
lab_address_is_exposed (GInetAddress *address)
{
  return !g_inet_address_get_is_loopback (address);
}
