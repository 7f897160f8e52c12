/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-test-faults.h"

/* Linux's accept () hands a connection's network error, met before it was
 * accepted, to the program that accepts it: accept(2) says to treat those
 * (ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
 * EOPNOTSUPP, ENETUNREACH) as EAGAIN and accept again. Loopback never has
 * them, so this program makes them: its own accept () and accept4 (), which
 * the lab's calls and GLib's reach before the C library's, fail once with
 * each of them, then are the C library's. Every model, both backends. */

static const int network_errors[] = {
  ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH,
};

/* How many accepts are to fail yet: set by the test, taken by its server. */
static gint to_fail;

static gboolean
fail_now (void)
{
  int left = g_atomic_int_get (&to_fail);

  while (left > 0)
    {
      if (g_atomic_int_compare_and_exchange (&to_fail, left, left - 1))
        {
          errno = network_errors[G_N_ELEMENTS (network_errors) - left];
          return TRUE;
        }
      left = g_atomic_int_get (&to_fail);
    }
  return FALSE;
}

int
accept (int              fd,
        struct sockaddr *address,
        socklen_t       *len)
{
  static int (*real) (int, struct sockaddr *, socklen_t *);

  if (fail_now ())
    return -1;
  if (real == NULL)
    real = (int (*) (int, struct sockaddr *, socklen_t *)) dlsym (RTLD_NEXT, "accept");
  return real (fd, address, len);
}

int
accept4 (int              fd,
         struct sockaddr *address,
         socklen_t       *len,
         int              flags)
{
  static int (*real) (int, struct sockaddr *, socklen_t *, int);

  if (fail_now ())
    return -1;
  if (real == NULL)
    real = (int (*) (int, struct sockaddr *, socklen_t *, int)) dlsym (RTLD_NEXT, "accept4");
  return real (fd, address, len, flags);
}

/* Each error once, from the server's first accept () on: it records each
 * failed accept () with its errno, takes the client on the next, and
 * serves it and the clients after it. */
static void
test_network_errors (LabFault      *f,
                     gconstpointer  data)
{
  guint16 port;
  int fd;

  g_atomic_int_set (&to_fail, G_N_ELEMENTS (network_errors));
  port = lab_fault_start (f);
  fd = lab_peer_connect (port);
  g_assert_true (lab_peer_echo (fd, "hola\n", 10000));
  g_assert_cmpint (g_atomic_int_get (&to_fail), ==, 0);
  close (fd);

  lab_timeline_flush (f->timeline);
  g_assert_cmpuint (f->tally->failed[LAB_OP_ACCEPT], >=, G_N_ELEMENTS (network_errors));
  for (guint i = 0; i < G_N_ELEMENTS (network_errors); i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < f->tally->failures->len / 3 && !seen; j++)
        seen = g_array_index (f->tally->failures, guint64, 3 * j + 1) == LAB_OP_ACCEPT &&
               g_array_index (f->tally->failures, guint64, 3 * j + 2) == (guint64) network_errors[i];
      g_assert_true (seen);
    }
  g_assert_null (f->tally->failed_note);
  lab_fault_assert_serving (f);
  lab_fault_stop (f);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_fault_add ("accept-network-errors", LAB_FAULT_ALL_MODELS, test_network_errors);

  return g_test_run ();
}
