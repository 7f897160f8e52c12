/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-test-utils.h"

/* Protolab itself, driven with real X input: xdotool clicks into the
 * window, adds a TCP server with its shortcut, types a port and starts it;
 * then nc talks to it and gets its words echoed. A screenshot of the
 * window is kept beside the test as its artefact. */

static char *
run (const char * const *argv,
     const char         *input,
     int                *status)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;

  return out;
}

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  va_list args;
  int status;

  /* Bounded: an X request that never completes fails the step, not the run. */
  g_ptr_array_add (argv, (gpointer) "timeout");
  g_ptr_array_add (argv, (gpointer) "10");
  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  out = run ((const char * const *) argv->pdata, NULL, &status);
  g_assert_cmpint (status, ==, 0);
}

static char *find_window_named (const char *pattern);

static char *
find_window (void)
{
  return find_window_named ("^Protolab$");
}

/* A window that goes while xdotool looks through the windows (GTK makes
 * and drops some of its own as a program starts) is an X error, and
 * xdotool ends with status 1: the search is made again, a few times. One
 * that finds nothing in its 20 s (status 124) is a window never shown,
 * on however busy a machine. */
#define WINDOW_SEARCHES  5

static char *
find_window_named (const char *pattern)
{
  const char *search[] = { "timeout", "20", "xdotool", "search", "--sync", "--onlyvisible", "--name", pattern,
                           NULL };

  for (guint i = 0; i < WINDOW_SEARCHES; i++)
    {
      int status;
      g_autofree char *window = run (search, NULL, &status);

      g_strstrip (window);
      g_assert_cmpint (status, !=, 124);
      if (status != 0 || window[0] == '\0')
        {
          g_test_message ("no window named %s yet (xdotool: %d)", pattern, status);
          continue;
        }
      /* The newest, should an old one linger. */
      if (strrchr (window, '\n') != NULL)
        return g_strdup (strrchr (window, '\n') + 1);
      return g_steal_pointer (&window);
    }

  g_error ("no window named %s was found", pattern);
}

/* Waits until @process has ended, and fails the test if it does not
 * within a while. */
static void
wait_ended (GSubprocess *process)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_async (process, NULL, lab_test_keep_result, &result);
  lab_test_wait_result (&result, 20000);
  g_assert_true (g_subprocess_wait_finish (process, result, &error));
  g_assert_no_error (error);
}

static gboolean
is_listening (gpointer data)
{
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf (":%04X 00000000:0000 0A", GPOINTER_TO_UINT (data));

  return g_file_get_contents ("/proc/net/tcp", &contents, NULL, NULL) && strstr (contents, needle) != NULL;
}

static void
test_e2e_echo (void)
{
  const char *app = g_getenv ("PROTOLAB_APP");
  const char *app_argv[] = { app, NULL };
  g_autoptr(GSubprocessLauncher) launcher = lab_test_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) protolab = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *window = NULL;
  g_autofree char *port = NULL;
  g_autofree char *echoed = NULL;
  g_autofree char *shot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "e2e-screenshot.png", NULL);
  guint16 port_number = lab_test_free_port (SOCK_STREAM);
  int status;

  g_assert_nonnull (app);
  protolab = g_subprocess_launcher_spawnv (launcher, app_argv, &error);
  g_assert_no_error (error);

  /* Its window appears. */
  window = find_window ();

  g_test_message ("window %s", window);

  /* A click into it, then the keyboard: Ctrl+Shift+S adds a TCP server
   * with its port field focused; the port is typed; Ctrl+Enter starts it. */
  xdotool ("windowfocus", "--sync", window, NULL);
  xdotool ("mousemove", "--window", window, "600", "650", "click", "1", NULL);
  xdotool ("key", "--window", window, "--clearmodifiers", "ctrl+shift+s", NULL);
  g_usleep (500 * 1000);
  port = g_strdup_printf ("%u", port_number);
  xdotool ("key", "--clearmodifiers", "ctrl+a", NULL);
  xdotool ("type", "--delay", "20", port, NULL);
  xdotool ("key", "--clearmodifiers", "ctrl+Return", NULL);
  lab_test_wait (is_listening, GUINT_TO_POINTER (port_number), 10000);
  g_test_message ("listening on %u", port_number);

  /* nc talks to it and is answered with its own words. */
  {
    const char *nc[] = { "timeout", "10", "nc", "-N", "127.0.0.1", port, NULL };

    echoed = run (nc, "hola desde nc\n", &status);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (echoed, ==, "hola desde nc\n");
  }

  /* What the class sees, kept. */
  g_usleep (500 * 1000);
  {
    const char *import[] = { "import", "-window", "root", shot, NULL };
    g_autofree char *out = run (import, NULL, &status);
    GStatBuf st;

    g_assert_cmpint (status, ==, 0);
    g_assert_cmpint (g_stat (shot, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 10000);
    g_test_message ("screenshot: %s", shot);
  }

  g_test_message ("echoed; ending the program");
  g_subprocess_send_signal (protolab, SIGTERM);
  wait_ended (protolab);
}

static GSubprocess *
start_with_settings (const char *config)
{
  g_autoptr(GSubprocessLauncher) launcher = lab_test_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *argv[] = { g_getenv ("PROTOLAB_APP"), NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static void
quit (GSubprocess *process,
      const char  *window)
{
  xdotool ("windowfocus", "--sync", window, NULL);
  xdotool ("key", "--clearmodifiers", "ctrl+q", NULL);
  wait_ended (process);
  g_assert_true (g_subprocess_get_successful (process));
}

static char *
read_settings (const char *config)
{
  g_autofree char *path = g_build_filename (config, "glib-2.0", "settings", "keyfile", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Presentation mode and its zoom, chosen with the keyboard, are there
 * again when the program starts again: F11 then turns it off. */
static void
test_e2e_presentation_remembered (void)
{
  g_autofree char *config = g_dir_make_tmp ("protolab-e2e-XXXXXX", NULL);
  g_autoptr(GSubprocess) first = start_with_settings (config);
  g_autoptr(GSubprocess) second = NULL;
  g_autofree char *window = find_window ();
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  xdotool ("windowfocus", "--sync", window, NULL);
  xdotool ("key", "--clearmodifiers", "F11", NULL);
  xdotool ("key", "--clearmodifiers", "ctrl+plus", NULL);
  g_usleep (300 * 1000);
  quit (first, window);

  saved = read_settings (config);
  g_test_message ("saved: %s", saved);
  g_assert_nonnull (strstr (saved, "presentation=true"));
  g_assert_nonnull (strstr (saved, "presentation-zoom=2.25"));

  second = start_with_settings (config);
  g_free (window);
  window = find_window ();
  xdotool ("windowfocus", "--sync", window, NULL);
  xdotool ("key", "--clearmodifiers", "F11", NULL);
  g_usleep (300 * 1000);
  quit (second, window);

  saved_again = read_settings (config);
  g_assert_nonnull (strstr (saved_again, "presentation=false"));
  /* Its zoom is kept for next time. */
  g_assert_nonnull (strstr (saved_again, "presentation-zoom=2.25"));

  {
    g_autofree char *path = g_build_filename (config, "glib-2.0", "settings", "keyfile", NULL);
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *parent = g_path_get_dirname (dir);

    g_remove (path);
    g_rmdir (dir);
    g_rmdir (parent);
    g_rmdir (config);
  }
}

/* protolab FILE: the experiment's bench in the window, named by its title,
 * and the file among the recent ones. */
static void
test_e2e_open_file (void)
{
  g_autofree char *home = g_dir_make_tmp ("protolab-e2e-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (home, "echo.protolab", NULL);
  g_autofree char *recent_path = g_build_filename (home, "recently-used.xbel", NULL);
  g_autofree char *recent = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *window = NULL;
  g_autoptr(GSubprocessLauncher) launcher = lab_test_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) protolab = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("PROTOLAB_APP"), path, NULL };

  g_assert_true (g_file_set_contents (path, "[Experiment]\nTitle=Eco de prueba\n\n"
                                            "[Endpoint 1]\nName=Mi servidor\nKind=tcp-server\nport=5999\n", -1, NULL));
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  protolab = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  window = find_window_named ("^Eco de prueba — Protolab$");
  g_usleep (300 * 1000);
  quit (protolab, window);

  g_assert_true (g_file_get_contents (recent_path, &recent, NULL, NULL));
  uri = g_filename_to_uri (path, NULL, NULL);
  g_assert_nonnull (strstr (recent, uri));

  g_remove (recent_path);
  g_remove (path);
  g_rmdir (home);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  /* xdotool needs an X display; build-aux/test gives it one. */
  if (g_getenv ("DISPLAY") == NULL || g_getenv ("DISPLAY")[0] == '\0')
    {
      g_print ("1..0 # SKIP no X display to drive (run the tests with build-aux/test)\n");
      return 0;
    }

  g_test_add_func ("/e2e/echo", test_e2e_echo);
  g_test_add_func ("/e2e/presentation-remembered", test_e2e_presentation_remembered);
  g_test_add_func ("/e2e/open-file", test_e2e_open_file);

  return g_test_run ();
}
