/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-errno.h"

typedef struct {
  int         err;
  const char *name;
  const char *message;
} ErrName;

#define E(x, message) { x, #x, message }
#define EAI(x, message) { LAB_ERR_FROM_EAI (x), #x, message }

/* Every error a socket call of the lab can meet: the calls it makes, their
 * name resolution, and the ones an interrupted or stopped call returns;
 * each with the lab's own words for it, as the C library says it, so that
 * it reads in the language of the moment (the C library's strerror (), as
 * GLib keeps it, stays in the language it was first asked in). */
static const ErrName err_names[] = {
  E (EPERM, N_("Operation not permitted")),
  E (ENOENT, N_("No such file or directory")),
  E (EINTR, N_("Interrupted system call")),
  E (EIO, N_("Input/output error")),
  E (EBADF, N_("Bad file descriptor")),
  E (EAGAIN, N_("Resource temporarily unavailable")),
  E (ENOMEM, N_("Cannot allocate memory")),
  E (EACCES, N_("Permission denied")),
  E (EFAULT, N_("Bad address")),
  E (EBUSY, N_("Device or resource busy")),
  E (EINVAL, N_("Invalid argument")),
  E (ENFILE, N_("Too many open files in system")),
  E (EMFILE, N_("Too many open files")),
  E (ENOSPC, N_("No space left on device")),
  E (EPIPE, N_("Broken pipe")),
  E (ENOTSOCK, N_("Socket operation on non-socket")),
  E (EDESTADDRREQ, N_("Destination address required")),
  E (EMSGSIZE, N_("Message too long")),
  E (EPROTOTYPE, N_("Protocol wrong type for socket")),
  E (ENOPROTOOPT, N_("Protocol not available")),
  E (EPROTONOSUPPORT, N_("Protocol not supported")),
  E (ESOCKTNOSUPPORT, N_("Socket type not supported")),
  E (EOPNOTSUPP, N_("Operation not supported")),
  E (EPFNOSUPPORT, N_("Protocol family not supported")),
  E (EAFNOSUPPORT, N_("Address family not supported by protocol")),
  E (EADDRINUSE, N_("Address already in use")),
  E (EADDRNOTAVAIL, N_("Cannot assign requested address")),
  E (ENETDOWN, N_("Network is down")),
  E (ENETUNREACH, N_("Network is unreachable")),
  E (ENETRESET, N_("Network dropped connection on reset")),
  E (ECONNABORTED, N_("Software caused connection abort")),
  E (ECONNRESET, N_("Connection reset by peer")),
  E (ENOBUFS, N_("No buffer space available")),
  E (EISCONN, N_("Transport endpoint is already connected")),
  E (ENOTCONN, N_("Transport endpoint is not connected")),
  E (ESHUTDOWN, N_("Cannot send after transport endpoint shutdown")),
  E (ETIMEDOUT, N_("Connection timed out")),
  E (ECONNREFUSED, N_("Connection refused")),
  E (EHOSTDOWN, N_("Host is down")),
  E (EHOSTUNREACH, N_("No route to host")),
  E (EALREADY, N_("Operation already in progress")),
  E (EINPROGRESS, N_("Operation now in progress")),
  E (ECANCELED, N_("Operation canceled")),
  E (EPROTO, N_("Protocol error")),
  E (ENONET, N_("Machine is not on the network")),
  EAI (EAI_AGAIN, N_("Temporary failure in name resolution")),
  EAI (EAI_BADFLAGS, N_("Bad value for ai_flags")),
  EAI (EAI_FAIL, N_("Non-recoverable failure in name resolution")),
  EAI (EAI_FAMILY, N_("ai_family not supported")),
  EAI (EAI_MEMORY, N_("Memory allocation failure")),
  EAI (EAI_NONAME, N_("Name or service not known")),
  EAI (EAI_SERVICE, N_("Servname not supported for ai_socktype")),
  EAI (EAI_SOCKTYPE, N_("ai_socktype not supported")),
  EAI (EAI_SYSTEM, N_("System error")),
  EAI (EAI_ADDRFAMILY, N_("Address family for hostname not supported")),
  EAI (EAI_NODATA, N_("No address associated with hostname")),
  /* GLib's own words for its timeout */
  { LAB_ERR_GIO_TIMED_OUT, "G_IO_ERROR_TIMED_OUT", N_("Socket I/O timed out") },
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
 * Returns: the lab's words for @err, as the C library says them, in the
 *   language of the moment; for a value the lab does not know, words
 *   that say so
 */
const char *
lab_errno_message (int err)
{
  for (guint i = 0; i < G_N_ELEMENTS (err_names); i++)
    if (err_names[i].err == err)
      return _(err_names[i].message);

  return _("An error the lab does not know");
}

/**
 * lab_errno_dup_failure:
 * @failure: what failed, as a run records it: a call and an errno's name
 *   (“bind: EADDRINUSE”)
 *
 * Returns: (transfer full): @failure with the errno's words in the
 *   language of the moment: “bind: EADDRINUSE (Address already in use)”
 */
char *
lab_errno_dup_failure (const char *failure)
{
  const char *colon;
  int err;

  g_return_val_if_fail (failure != NULL, NULL);

  colon = strrchr (failure, ' ');
  err = lab_errno_from_name (colon != NULL ? colon + 1 : failure);
  if (err == 0)
    return g_strdup (failure);
  return g_strdup_printf ("%s (%s)", failure, lab_errno_message (err));
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
