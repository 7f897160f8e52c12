/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lab-locale.h"
#include "lab-network.h"
#include "lab-test-utils.h"

/* Every test program starts here: GTest, then the locale and the catalogue
 * exactly as the programs set them up. */
void
lab_test_init (int    *argc,
               char ***argv)
{
  /* A desktop session always has HOME and SHELL; a bare environment may
   * not, and without them bash (a Python launcher is often a bash script)
   * and Python ask the password database, so glibc's nscd probes would be
   * a traced program's first socket calls. */
  if (g_getenv ("HOME") == NULL)
    g_setenv ("HOME", g_get_home_dir (), TRUE);
  if (g_getenv ("SHELL") == NULL)
    {
      struct passwd *pw = getpwuid (getuid ());

      g_setenv ("SHELL", pw != NULL && pw->pw_shell != NULL ? pw->pw_shell : "/bin/sh", TRUE);
    }

  /* While the test has one thread: the lab network needs it. A test of
   * what the lab says where the network cannot be made runs its program
   * again without it. */
  if (g_getenv ("PROTOLAB_TEST_WITHOUT_LAB_NETWORK") == NULL)
    lab_network_prepare ();
  g_test_init (argc, argv, NULL);
  lab_locale_init (NULL);

  /* The default main context holds a descriptor of its own for the life of
   * the program: made now, it is not counted as a test's. */
  g_main_context_iteration (NULL, FALSE);
}

/**
 * lab_test_source_path:
 *
 * Returns: a path inside the source tree, from `PROTOLAB_SOURCE_ROOT`
 */
char *
lab_test_source_path (const char *first_element,
                      ...)
{
  const char *root = g_getenv ("PROTOLAB_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_assert_nonnull (root);
  g_ptr_array_add (parts, (gpointer) root);

  va_start (args, first_element);
  for (const char *part = first_element; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

/**
 * lab_test_run:
 * @argv: the program and its arguments
 * @env: (nullable): `NAME=VALUE` entries to set on top of the test's own
 *   environment
 *
 * Runs a program to completion and asserts that it could be started.
 */
void
lab_test_run (const char * const *argv,
              const char * const *env,
              char              **out,
              char              **err,
              int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status = 0;

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      envp = g_environ_setenv (envp, pair[0], pair[1], TRUE);
    }

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL,
                out, err, &wait_status, &error);
  g_assert_no_error (error);

  if (g_spawn_check_wait_status (wait_status, NULL))
    *exit_status = 0;
  else if (WIFEXITED (wait_status))
    *exit_status = WEXITSTATUS (wait_status);
  else
    *exit_status = -1;
}

/**
 * lab_test_run_without_lab_network:
 * @test_path: a test the program adds when `PROTOLAB_TEST_WITHOUT_LAB_NETWORK`
 *   is set
 *
 * Runs that one test in the test program again, which then does not
 * prepare the lab network (lab_test_init()), as where it cannot be made,
 * and asserts that it passed.
 */
void
lab_test_run_without_lab_network (const char *test_path)
{
  const char *argv[] = { "/proc/self/exe", "-p", test_path, NULL };
  const char *env[] = { "PROTOLAB_TEST_WITHOUT_LAB_NETWORK=1", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *passed = g_strdup_printf ("\nok 1 %s\n", test_path);
  int status = -1;

  lab_test_run (argv, env, &out, &err, &status);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, passed));
}

static gboolean
on_wait_timeout (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * lab_test_wait_until:
 *
 * Runs the default main context until @condition holds, or @timeout_ms
 * have passed.
 *
 * Returns: whether @condition held
 */
gboolean
lab_test_wait_until (LabTestCondition condition,
                     gpointer         data,
                     guint            timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_wait_timeout, &timed_out);
  /* A condition outside the main loop (a process, the kernel's tables) is
   * looked at again every few milliseconds. */
  guint tick = g_timeout_add (5, on_wait_tick, NULL);

  gboolean met;

  /* The answer seen is the one that counts: a condition such as “nothing
   * is pending” can change between two looks. */
  while (!(met = condition (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  g_source_remove (tick);

  return met;
}

/**
 * lab_test_time_scale:
 *
 * How many times longer a bound on time that an issue sets is allowed in
 * this build: 1, or PROTOLAB_TEST_TIME_SCALE where a sanitizer slows
 * every call down (build-aux/test --sanitize sets it).
 */
guint
lab_test_time_scale (void)
{
  const char *scale = g_getenv ("PROTOLAB_TEST_TIME_SCALE");
  guint64 n = scale != NULL ? g_ascii_strtoull (scale, NULL, 10) : 0;

  return n >= 1 && n <= 100 ? (guint) n : 1;
}

/**
 * lab_test_wait_at:
 *
 * Runs the default main context until @condition holds, and fails the test
 * if it does not within @timeout_ms. A bound for a test that would hang
 * otherwise, never a measure of speed: what needs a thread or another
 * program to be scheduled gets seconds, as a busy machine may take them.
 */
void
lab_test_wait_at (LabTestCondition condition,
                  gpointer         data,
                  guint            timeout_ms,
                  const char      *what,
                  const char      *file,
                  int              line)
{
  g_autofree char *message = NULL;

  if (lab_test_wait_until (condition, data, timeout_ms))
    return;
  message = g_strdup_printf ("%s did not hold within %u ms", what, timeout_ms);
  g_assertion_message (G_LOG_DOMAIN, file, line, "lab_test_wait", message);
}

/**
 * lab_test_run_for:
 *
 * Lets the default main context run for @ms, whether or not it has
 * anything to do: a running endpoint keeps it busy.
 */
void
lab_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/**
 * lab_test_unref_and_wait:
 *
 * Drops the test's reference to @object and waits until it is finalized:
 * the threads of a stopped endpoint let go of theirs a moment after they
 * said they stopped. Fails if it is still alive after a while (a leak).
 */
void
lab_test_unref_and_wait (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  lab_test_wait (is_null, &weak, 10000);
}

/* The least port the kernel gives a socket by itself (connect (),
 * sendto () or bind () to port 0 without one): the first of the two
 * numbers of its range, "32768	60999"; 0 if it cannot be read. */
static guint
ephemeral_low (void)
{
  g_autofree char *range = NULL;
  guint64 low;

  if (!g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL))
    return 0;
  low = g_ascii_strtoull (range, NULL, 10);
  return low >= 2048 && low <= 65535 ? (guint) low : 0;
}

/**
 * lab_test_free_port:
 * @type: `SOCK_STREAM` or `SOCK_DGRAM`
 *
 * Returns: a loopback port free now (so tests can run side by side), and
 *   below the kernel's ephemeral range: no client of another test, whose
 *   own port the kernel picks from that range, can take it before the
 *   server it is for binds it
 */
guint16
lab_test_free_port (int type)
{
  guint low = ephemeral_low ();
  guint16 port;

  for (guint attempt = 0; low > 0 && attempt < 500; attempt++)
    {
      struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);
      gboolean taken;

      g_assert_cmpint (fd, >=, 0);
      port = (guint16) g_random_int_range ((gint32) MAX (1024, low / 2), (gint32) low);
      sin.sin_port = htons (port);
      taken = bind (fd, (struct sockaddr *) &sin, sizeof sin) != 0;
      close (fd);
      if (!taken)
        return port;
    }

  /* None found there: one the kernel gives. */
  close (lab_test_bind_port (type, &port));
  return port;
}

/**
 * lab_test_bind_port:
 * @type: `SOCK_STREAM` or `SOCK_DGRAM`
 * @port: (out): the loopback port the kernel chose
 *
 * Returns: a socket bound to @port, and not listening: a TCP connect ()
 *   to it is refused for as long as it is open
 */
int
lab_test_bind_port (int      type,
                    guint16 *port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  *port = ntohs (sin.sin_port);

  return fd;
}

static void
end_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * lab_test_launcher_new:
 *
 * A launcher for the programs a test starts (a peer, the CLI, the lab
 * itself): each ends with the test, whatever becomes of the test. One left
 * running by a failed assertion would hold the test's output open, and
 * meson would wait for it until its timeout.
 *
 * Returns: (transfer full): the launcher
 */
GSubprocessLauncher *
lab_test_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, end_with_test, NULL, NULL);
  return launcher;
}

/**
 * lab_test_keep_result:
 * @data: a `GAsyncResult *` that is %NULL
 *
 * A #GAsyncReadyCallback that keeps the result where @data points, for
 * lab_test_wait_result().
 */
void
lab_test_keep_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Runs the main context until lab_test_keep_result() kept a result in
 * @result; fails the test if none comes within @timeout_ms. */
void
lab_test_wait_result (GAsyncResult **result,
                      guint          timeout_ms)
{
  lab_test_wait (has_result, result, timeout_ms);
}

/**
 * lab_test_hold_port:
 * @port: (out): the port it holds
 *
 * Binds a TCP socket of the test's own on loopback, to a port the kernel
 * chooses, and listens: a server of the lab then fails in bind () with
 * EADDRINUSE.
 *
 * Returns: the socket; close it after
 */
int
lab_test_hold_port (guint16 *port)
{
  int fd = lab_test_bind_port (SOCK_STREAM, port);

  g_assert_cmpint (listen (fd, 1), ==, 0);
  return fd;
}

/**
 * lab_test_drop_privilege:
 *
 * A child's setup: it runs as nobody (uid and gid 65534), with no
 * supplementary group, as a user with no privilege would. For a test
 * that runs as root.
 */
void
lab_test_drop_privilege (gpointer data)
{
  if (setgroups (0, NULL) != 0 || setresgid (65534, 65534, 65534) != 0 || setresuid (65534, 65534, 65534) != 0)
    _exit (126);
}

static void
test_frame_free (gpointer data)
{
  LabTestFrame *frame = data;

  g_bytes_unref (frame->data);
  g_free (frame);
}

static guint32
pcap_get32 (const guint8 *p,
            gboolean      swapped)
{
  guint32 value;

  memcpy (&value, p, 4);
  return swapped ? GUINT32_SWAP_LE_BE (value) : value;
}

/**
 * lab_test_read_pcap:
 * @name: a classic pcap file of Ethernet frames in tests/data, as tcpdump
 *   -w writes it
 *
 * Returns: (transfer container) (element-type LabTestFrame): its frames,
 *   in order, each in memory of its own exact size
 */
GPtrArray *
lab_test_read_pcap (const char *name)
{
  g_autofree char *path = lab_test_source_path ("tests", "data", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *frames = g_ptr_array_new_with_free_func (test_frame_free);
  const guint8 *p;
  gsize len, at = 24;
  guint32 magic;
  gboolean swapped, nanoseconds;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, 24);
  p = (const guint8 *) contents;
  memcpy (&magic, p, 4);
  swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  magic = pcap_get32 (p, swapped);
  g_assert_true (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d);
  nanoseconds = magic == 0xa1b23c4d;
  g_assert_cmpuint (pcap_get32 (p + 20, swapped), ==, 1);   /* LINKTYPE_ETHERNET */

  while (at < len)
    {
      LabTestFrame *frame = g_new0 (LabTestFrame, 1);
      guint32 captured;

      g_assert_cmpuint (len - at, >=, 16);
      captured = pcap_get32 (p + at + 8, swapped);
      frame->wire_len = pcap_get32 (p + at + 12, swapped);
      frame->time_ns = pcap_get32 (p + at, swapped) * G_GUINT64_CONSTANT (1000000000) +
                       pcap_get32 (p + at + 4, swapped) * (nanoseconds ? 1 : 1000);
      g_assert_cmpuint (len - at - 16, >=, captured);
      frame->data = g_bytes_new (p + at + 16, captured);
      g_ptr_array_add (frames, frame);
      at += 16 + captured;
    }

  return frames;
}
