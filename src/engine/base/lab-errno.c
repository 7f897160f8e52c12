/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "lab-errno.h"

typedef struct {
  int         err;
  const char *name;
} ErrName;

#define E(x) { x, #x }
#define EAI(x) { LAB_ERR_FROM_EAI (x), #x }

/* Every error a socket call of the lab can meet: the calls it makes, their
 * name resolution, and the ones an interrupted or stopped call returns. */
static const ErrName err_names[] = {
  E (EPERM), E (ENOENT), E (EINTR), E (EIO), E (EBADF), E (EAGAIN), E (ENOMEM),
  E (EACCES), E (EFAULT), E (EBUSY), E (EINVAL), E (ENFILE), E (EMFILE), E (ENOSPC),
  E (EPIPE), E (ENOTSOCK), E (EDESTADDRREQ), E (EMSGSIZE), E (EPROTOTYPE),
  E (ENOPROTOOPT), E (EPROTONOSUPPORT), E (ESOCKTNOSUPPORT), E (EOPNOTSUPP),
  E (EPFNOSUPPORT), E (EAFNOSUPPORT), E (EADDRINUSE), E (EADDRNOTAVAIL), E (ENETDOWN),
  E (ENETUNREACH), E (ENETRESET), E (ECONNABORTED), E (ECONNRESET), E (ENOBUFS),
  E (EISCONN), E (ENOTCONN), E (ESHUTDOWN), E (ETIMEDOUT), E (ECONNREFUSED),
  E (EHOSTDOWN), E (EHOSTUNREACH), E (EALREADY), E (EINPROGRESS), E (ECANCELED), E (EPROTO),
  E (ENONET),
  EAI (EAI_AGAIN), EAI (EAI_BADFLAGS), EAI (EAI_FAIL), EAI (EAI_FAMILY), EAI (EAI_MEMORY),
  EAI (EAI_NONAME), EAI (EAI_SERVICE), EAI (EAI_SOCKTYPE), EAI (EAI_SYSTEM),
  EAI (EAI_ADDRFAMILY), EAI (EAI_NODATA),
  { LAB_ERR_GIO_TIMED_OUT, "G_IO_ERROR_TIMED_OUT" },
};

#undef E
#undef EAI

/**
 * lab_errno_name:
 * @err: an errno value, or a name-resolution failure from LAB_ERR_FROM_EAI()
 *
 * Returns: (nullable): its symbolic name, such as "ECONNREFUSED", or %NULL
 *   for 0 or a value the lab does not know
 */
const char *
lab_errno_name (int err)
{
  for (guint i = 0; i < G_N_ELEMENTS (err_names); i++)
    if (err_names[i].err == err)
      return err_names[i].name;

  return NULL;
}

int
lab_errno_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (err_names); i++)
    if (g_str_equal (err_names[i].name, name))
      return err_names[i].err;

  return 0;
}

/**
 * lab_errno_message:
 *
 * Returns: the system's own message for @err (GLib's, for a failure GIO
 *   made itself), in the user's language when the system has it
 */
const char *
lab_errno_message (int err)
{
  if (err >= LAB_ERR_EAI_BASE - 1000 && err < LAB_ERR_EAI_BASE + 1000)
    return gai_strerror (LAB_ERR_EAI_BASE - err);

  /* GLib's words for it, from GLib's own catalogue. */
  if (err == LAB_ERR_GIO_TIMED_OUT)
    return g_dgettext ("glib20", "Socket I/O timed out");

  return g_strerror (err);
}

/**
 * lab_errno_all_names:
 *
 * Returns: (transfer container): every name lab_errno_name() can return,
 *   %NULL-terminated; free the array with g_free()
 */
const char **
lab_errno_all_names (void)
{
  const char **names = g_new0 (const char *, G_N_ELEMENTS (err_names) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (err_names); i++)
    names[i] = err_names[i].name;

  return names;
}

typedef struct {
  int code;
  int err;
} GioErr;

/* The errno behind each GIO error, for when errno itself was not kept. */
static const GioErr gio_errs[] = {
  { G_IO_ERROR_CONNECTION_REFUSED, ECONNREFUSED },
  { G_IO_ERROR_ADDRESS_IN_USE, EADDRINUSE },
  { G_IO_ERROR_TIMED_OUT, ETIMEDOUT },
  { G_IO_ERROR_HOST_UNREACHABLE, EHOSTUNREACH },
  { G_IO_ERROR_NETWORK_UNREACHABLE, ENETUNREACH },
  { G_IO_ERROR_PERMISSION_DENIED, EACCES },
  { G_IO_ERROR_BROKEN_PIPE, EPIPE },
  { G_IO_ERROR_NOT_CONNECTED, ENOTCONN },
  { G_IO_ERROR_MESSAGE_TOO_LARGE, EMSGSIZE },
  { G_IO_ERROR_WOULD_BLOCK, EAGAIN },
  { G_IO_ERROR_CANCELLED, ECANCELED },
  { G_IO_ERROR_INVALID_ARGUMENT, EINVAL },
  { G_IO_ERROR_NOT_SUPPORTED, EOPNOTSUPP },
  { G_IO_ERROR_TOO_MANY_OPEN_FILES, EMFILE },
  { G_IO_ERROR_NO_SPACE, ENOBUFS },
};

/**
 * lab_errno_from_gerror:
 * @error: a GIO or resolver error from a call that failed
 * @saved_errno: errno as it was right after the call
 *
 * GIO turns errno into a #GIOErrorEnum; this finds the errno again. errno
 * itself is trusted when it agrees with the error GIO made of it. GIO's
 * own timeout, which no system call returned, stays itself:
 * LAB_ERR_GIO_TIMED_OUT.
 *
 * Returns: the errno (or LAB_ERR_FROM_EAI() or LAB_ERR_GIO_TIMED_OUT value)
 *   behind @error
 */
int
lab_errno_from_gerror (const GError *error,
                       int           saved_errno)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain == G_RESOLVER_ERROR)
    {
      switch ((GResolverError) error->code)
        {
        case G_RESOLVER_ERROR_NOT_FOUND:
          return LAB_ERR_FROM_EAI (EAI_NONAME);
        case G_RESOLVER_ERROR_TEMPORARY_FAILURE:
          return LAB_ERR_FROM_EAI (EAI_AGAIN);
        case G_RESOLVER_ERROR_INTERNAL:
        default:
          return LAB_ERR_FROM_EAI (EAI_FAIL);
        }
    }

  if (error->domain != G_IO_ERROR)
    return saved_errno != 0 ? saved_errno : EIO;

  if (saved_errno != 0 && (int) g_io_error_from_errno (saved_errno) == error->code)
    return saved_errno;

  /* The kernel's ETIMEDOUT (a connect () whose SYNs went unanswered) comes
   * with its strerror () in the message; GIO's own timeout, after its poll ()
   * returned 0, with words of GLib's. */
  if (error->code == G_IO_ERROR_TIMED_OUT && strstr (error->message, g_strerror (ETIMEDOUT)) == NULL)
    return LAB_ERR_GIO_TIMED_OUT;

  for (guint i = 0; i < G_N_ELEMENTS (gio_errs); i++)
    if (gio_errs[i].code == error->code)
      return gio_errs[i].err;

  return saved_errno != 0 ? saved_errno : EIO;
}
