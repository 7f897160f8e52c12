/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include "lab-address.h"
#include "lab-fuzz.h"

/* What a panel or a file gives as a port, a host or an address to bind,
 * and any address the kernel could return: each is read or refused with
 * a reason, what is read writes back as what it is, and the course's way
 * of writing an address names an address that reads back. */

static void
check_port (const char *text,
            gboolean    allow_zero)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  guint16 again = 0;
  g_autofree char *written = NULL;

  if (!lab_parse_port (text, allow_zero, &port, &error))
    {
      lab_fuzz_check (error != NULL && error->message[0] != '\0', "“%s” refused without a reason", text);
      return;
    }
  lab_fuzz_check (allow_zero || port != 0, "port 0 taken for a client");
  written = g_strdup_printf ("%u", port);
  lab_fuzz_check (lab_parse_port (written, allow_zero, &again, NULL) && again == port, "%s does not read back",
                  written);
}

static void
check_bind (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) address = lab_parse_bind_address (text, &error);
  g_autoptr(GInetAddress) again = NULL;
  g_autofree char *written = NULL;

  if (address == NULL)
    {
      lab_fuzz_check (error != NULL && error->message[0] != '\0', "“%s” refused without a reason", text);
      return;
    }
  written = g_inet_address_to_string (address);
  again = lab_parse_bind_address (written, NULL);
  lab_fuzz_check (again != NULL && g_inet_address_equal (address, again), "%s does not read back", written);
  lab_fuzz_check (lab_validate_host (written, NULL), "%s binds but cannot be reached", written);
  (void) lab_address_is_exposed (address);
}

/* The bytes as a socket address of the kernel's, written as the course
 * writes it: the host inside reads back as an address. */
static void
check_format (const guint8 *data,
              size_t        size)
{
  struct sockaddr_storage storage = { 0 };
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *written = NULL;
  socklen_t len;

  if (size < 1)
    return;
  storage.ss_family = data[0] & 1 ? AF_INET6 : AF_INET;
  len = storage.ss_family == AF_INET6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
  memcpy ((guint8 *) &storage + sizeof storage.ss_family, data + 1,
          MIN (size - 1, len - sizeof storage.ss_family));

  address = lab_address_from_sockaddr ((struct sockaddr *) &storage, len);
  written = lab_address_format (address);
  lab_fuzz_check (written != NULL && g_str_has_prefix (written, "('"), "“%s” is not an address tuple",
                  written != NULL ? written : "");
  {
    const char *end = strchr (written + 2, '\'');
    g_autofree char *host = end != NULL ? g_strndup (written + 2, end - written - 2) : NULL;
    g_autoptr(GInetAddress) back = host != NULL ? g_inet_address_new_from_string (host) : NULL;

    lab_fuzz_check (back != NULL, "“%s” does not name an address", written);
  }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;

  check_port (text, TRUE);
  check_port (text, FALSE);
  check_bind (text);
  if (!lab_validate_host (text, &error))
    lab_fuzz_check (error != NULL && error->message[0] != '\0', "“%s” refused without a reason", text);
  check_format (data, size);

  return 0;
}
