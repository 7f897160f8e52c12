/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "lab-enum-types.h"
#include "lab-locale.h"
#include "lab-run-private.h"
#include "lab-test-engine.h"
#include "lab-test-faults.h"

/* Limits that run out: descriptors (the process's own limit, lowered in a
 * child), many clients at once when protolab-cli is told to stop, and many
 * clients one after another. Every model of TCP server, both backends. */

#define PING "ping\n"

/* As peers, this program connects clients to @port as its standard input
 * says: “a” all @n, “l” from now on each leaves (closes) once its PING came
 * back. Each client sends PING and reads it back. It exits when its
 * standard input ends, closing what is left. */
static int
run_peers (guint16 port,
           guint   n)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, n + 1);
  g_autofree guint *got = g_new0 (guint, n);
  gboolean leave = FALSE;

  for (guint i = 0; i < n; i++)
    fds[i].fd = -1;
  fds[n].fd = STDIN_FILENO;
  fds[n].events = POLLIN;

  for (;;)
    {
      if (poll (fds, n + 1, -1) < 0 && errno != EINTR)
        return 1;

      if (fds[n].revents != 0)
        {
          char command;

          if (read (STDIN_FILENO, &command, 1) != 1)
            return 0;
          leave |= command == 'l';
          for (guint i = 0; i < n && command == 'a'; i++)
            {
              fds[i].fd = lab_peer_connect_start (port);
              fds[i].events = POLLOUT;
            }
        }

      for (guint i = 0; i < n; i++)
        {
          char buf[sizeof PING];
          gssize r;

          if (fds[i].fd < 0 || fds[i].revents == 0)
            continue;
          if (fds[i].events == POLLOUT)
            {
              int err = 0;
              socklen_t len = sizeof err;

              getsockopt (fds[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
              fds[i].events = POLLIN;
              if (err == 0 && send (fds[i].fd, PING, strlen (PING), MSG_NOSIGNAL) == (gssize) strlen (PING))
                continue;
            }
          else if ((r = recv (fds[i].fd, buf, sizeof buf, 0)) > 0)
            {
              got[i] += r;
              if (got[i] < strlen (PING) || !leave)
                continue;
            }
          else if (r < 0 && errno == EAGAIN)
            continue;
          close (fds[i].fd);
          fds[i].fd = -1;
        }
    }
}

static GSubprocess *
spawn_peers (guint16 port,
             guint   n)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  g_autoptr(GError) error = NULL;
  GSubprocess *peers = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, self, "--peers", port_text,
                                         n_text, NULL);

  g_assert_no_error (error);
  return peers;
}

/* Writing to a pipe already open takes no descriptor. */
static void
tell_peers (GSubprocess *peers,
            const char  *commands)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (peers), commands, strlen (commands), NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_flush (g_subprocess_get_stdin_pipe (peers), NULL, &error);
  g_assert_no_error (error);
}

static void
on_peers_ended (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

/* Waits on the default context: g_subprocess_wait () would make a
 * context of its own, and its wakeup takes a descriptor there may not be
 * (GLib aborts when it cannot have one). */
static void
end_peers (GSubprocess *peers)
{
  gboolean ended = FALSE;

  g_output_stream_close (g_subprocess_get_stdin_pipe (peers), NULL, NULL);
  g_subprocess_wait_check_async (peers, NULL, on_peers_ended, &ended);
  while (!ended)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
has_paused (gpointer data)
{
  LabFault *f = data;

  lab_timeline_flush (f->timeline);
  return (f->tally->accept_shortages > 0 && f->tally->notes[LAB_NOTE_ACCEPT_PAUSED] > 0) ||
         f->tally->failed_note != NULL || !lab_endpoint_is_active (f->server);
}

/* The note says why, in the language of the moment it is read. */
static void
assert_paused_note (LabEvent *note)
{
  g_autofree char *english = lab_event_dup_summary (note);
  g_autofree char *spanish = NULL;

  g_assert_cmpstr (lab_event_get_note_arg (note), ==, "EMFILE");
  g_assert_nonnull (strstr (english, "accept () failed with EMFILE (Too many open files)"));
  g_assert_nonnull (strstr (english, "every 100 ms"));
  lab_locale_set_language ("es");
  spanish = lab_event_dup_summary (note);
  lab_locale_set_language ("en");
  g_assert_nonnull (strstr (spanish, "accept () falló con EMFILE"));
  g_assert_nonnull (strstr (spanish, "sigue atendiendo"));
}

/* Takes every descriptor left. */
static void
fill (GArray *filler)
{
  int fd;

  while ((fd = dup (STDERR_FILENO)) >= 0)
    g_array_append_val (filler, fd);
}

/* Until @condition holds, taking every descriptor let go of meanwhile
 * into @filler, if there is one. */
static void
wait_filling (LabTestCondition  condition,
              gpointer          data,
              GArray           *filler)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gboolean met;

  while (!(met = condition (data)) && g_get_monotonic_time () < deadline)
    {
      if (filler != NULL)
        fill (filler);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
  g_assert_true (met);
}

static gboolean
has_waited (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static gboolean
holds_a_call (gpointer data)
{
  return g_list_model_get_n_items (lab_endpoint_get_paused (data)) > 0;
}

/* The child: 64 descriptors, 100 clients. */
static void
serve_short_of_descriptors (LabFault *f)
{
  gboolean iterative = f->model == LAB_CONCURRENCY_ITERATIVE;
  struct rlimit limit;
  guint16 port;
  g_autoptr(GSubprocess) peers = NULL;
  g_autoptr(GArray) filler = g_array_new (FALSE, FALSE, sizeof (int));
  guint64 accepts, polls;
  gint64 later;
  int fd;

  if (iterative)
    lab_endpoint_set_breakpoint (f->server, LAB_OP_ACCEPT, TRUE);
  port = lab_fault_start (f);
  peers = spawn_peers (port, 100);

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = 64;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);

  if (iterative)
    {
      /* One client at a time never fills the table, and a blocking
       * accept () takes its descriptor as it begins: the test fills the
       * table while the first accept () is held, before it is made. */
      lab_test_wait (holds_a_call, f->server, 10000);
      fill (filler);
      tell_peers (peers, "la");
      lab_endpoint_set_breakpoint (f->server, LAB_OP_ACCEPT, FALSE);
      lab_endpoint_continue (f->server);
    }
  else
    tell_peers (peers, "a");
  wait_filling (has_paused, f, iterative ? filler : NULL);
  lab_fault_assert_serving (f);

  /* Paused, it waits: a try every 100 ms, not a spin (which makes a
   * million a second). */
  lab_timeline_flush (f->timeline);
  accepts = f->tally->calls[LAB_OP_ACCEPT];
  polls = f->tally->calls[LAB_OP_POLL];
  later = g_get_monotonic_time () + 500 * 1000;
  wait_filling (has_waited, &later, iterative ? filler : NULL);
  lab_timeline_flush (f->timeline);
  g_test_message ("in 0.5 s paused: %" G_GUINT64_FORMAT " accept (), %" G_GUINT64_FORMAT " poll ()",
                  f->tally->calls[LAB_OP_ACCEPT] - accepts, f->tally->calls[LAB_OP_POLL] - polls);
  g_assert_cmpuint (f->tally->calls[LAB_OP_ACCEPT] - accepts, <, 15);
  g_assert_cmpuint (f->tally->calls[LAB_OP_POLL] - polls, <, 100);
  lab_fault_assert_serving (f);

  if (iterative)
    {
      /* Descriptors again: it takes the clients one by one, each leaving
       * once answered. */
      for (guint i = 0; i < filler->len; i++)
        close (g_array_index (filler, int, i));
      lab_fault_wait_count (f, &f->tally->data_in, 100 * strlen (PING), 20000);
      end_peers (peers);
    }
  else
    {
      /* Those it could take are served; once they leave, it takes more. */
      lab_fault_wait_count (f, &f->tally->data_in, 20 * strlen (PING), 10000);
      g_test_message ("%" G_GUINT64_FORMAT " of 100 clients served with 64 descriptors",
                      f->tally->data_in / strlen (PING));
      end_peers (peers);
      /* The server takes and ends the clients left in its backlog: the
       * process has a descriptor for this one a moment later. */
      for (guint i = 0; i < 500 && (fd = lab_peer_connect_start (port)) < 0; i++)
        g_usleep (10 * 1000);
      g_assert_true (lab_peer_wait_connected (fd, 5000));
      g_assert_true (lab_peer_echo (fd, "back\n", 5000));
      close (fd);
    }

  /* Read with descriptors to spare: a catalogue is a file to open. */
  assert_paused_note (f->tally->paused);
  lab_fault_assert_serving (f);
  lab_fault_stop (f);
}

/* With RLIMIT_NOFILE at 64 and 100 clients, accept () fails with EMFILE:
 * the server says so, waits, tries again, and serves all it can. */
static void
test_short_of_descriptors (LabFault      *f,
                           gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      serve_short_of_descriptors (f);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static const char *
nick (GType  type,
      int    value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);

  return g_enum_get_value (klass, value)->value_nick;
}

/* The usual limit of a desktop session, for protolab-cli. */
static void
limit_descriptors (gpointer data)
{
  struct rlimit limit;

  getrlimit (RLIMIT_NOFILE, &limit);
  limit.rlim_cur = MIN (limit.rlim_max, 1024);
  setrlimit (RLIMIT_NOFILE, &limit);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static guint
count_fds_of (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* protolab-cli tcp-server with 500 clients connected, under the usual
 * limit of 1024 descriptors, stops on SIGTERM: status 0, its summary, and
 * every client sees its connection end. */
static void
test_sigterm_with_clients (LabFault      *f,
                           gconstpointer  data)
{
  guint n = 500;
  guint16 port = lab_test_free_port (SOCK_STREAM);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree int *fds = g_new (int, n);
  char err[4096] = "";
  gsize len;
  gboolean exited = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint answered = f->model == LAB_CONCURRENCY_ITERATIVE ? 1 : n;
  guint held;

  g_subprocess_launcher_set_child_setup (launcher, limit_descriptors, NULL, NULL);
  cli = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PROTOLAB_CLI"), "tcp-server",
                                     "--port", port_text, "--backend", nick (LAB_TYPE_BACKEND_KIND, f->backend),
                                     "--model", nick (LAB_TYPE_CONCURRENCY, f->model), "--backlog", "1024",
                                     "--quiet", NULL);
  g_assert_no_error (error);

  /* Until it listens. */
  do
    {
      fds[0] = lab_peer_connect_start (port);
      if (lab_peer_wait_connected (fds[0], 1000))
        break;
      close (fds[0]);
      fds[0] = -1;
      g_usleep (20 * 1000);
    }
  while (g_get_monotonic_time () < deadline);
  g_assert_cmpint (fds[0], >=, 0);

  for (guint i = 1; i < n; i++)
    fds[i] = lab_peer_connect_start (port);
  for (guint i = 0; i < n; i++)
    g_assert_true (lab_peer_wait_connected (fds[i], 5000));
  for (guint i = 0; i < answered; i++)
    g_assert_true (lab_peer_send_all (fds[i], PING, strlen (PING), 5000));
  for (guint i = 0; i < answered; i++)
    {
      char back[sizeof PING] = "";

      g_assert_true (lab_peer_read_exactly (fds[i], back, strlen (PING), 10000));
      g_assert_cmpstr (back, ==, PING);
    }
  held = count_fds_of (g_subprocess_get_identifier (cli));
  g_test_message ("protolab-cli holds %u descriptors for %u clients", held, answered);
  g_assert_cmpuint (held, >=, answered);

  /* Its standard error holds one line: it is read once the program has
   * ended, and the pipe with it. */
  g_subprocess_send_signal (cli, SIGTERM);
  g_subprocess_wait_async (cli, NULL, on_exited, &exited);
  lab_test_wait (is_true, &exited, 15000);
  g_assert_true (g_input_stream_read_all (g_subprocess_get_stderr_pipe (cli), err, sizeof err - 1, &len, NULL,
                                          &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  g_assert_nonnull (strstr (err, "events recorded"));

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (lab_peer_wait_closed (fds[i], 5000));
      close (fds[i]);
    }
}

/* Until the threads of the clients served have ended, for a moment at
 * most: what is left is what the test measures. */
static void
settle (guint workers)
{
  for (guint i = 0; i < 200 && lab_run_count_workers () > workers; i++)
    g_usleep (10 * 1000);
}

static gboolean
threads_back (gpointer data)
{
  return lab_test_count_threads () <= GPOINTER_TO_UINT (data);
}

/* @total clients, @streams at a time, each connecting, sending a byte,
 * reading it back and resetting; the next of its stream then. */
static void
run_clients (guint16 port,
             guint   total,
             guint   streams)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, streams);
  g_autofree gboolean *sent = g_new0 (gboolean, streams);
  guint started = 0, done = 0;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (guint i = 0; i < streams; i++)
    {
      fds[i].fd = lab_peer_connect_start (port);
      fds[i].events = POLLOUT;
      started++;
    }

  while (done < total)
    {
      int r = poll (fds, streams, 10);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (r <= 0)
        {
          g_main_context_iteration (NULL, FALSE);
          continue;
        }
      for (guint i = 0; i < streams; i++)
        {
          char byte;

          if (fds[i].fd < 0 || fds[i].revents == 0)
            continue;
          if (!sent[i])
            {
              g_assert_cmpint (send (fds[i].fd, "x", 1, MSG_NOSIGNAL), ==, 1);
              sent[i] = TRUE;
              fds[i].events = POLLIN;
              continue;
            }
          g_assert_cmpint (recv (fds[i].fd, &byte, 1, 0), ==, 1);
          lab_peer_reset (fds[i].fd);
          done++;
          sent[i] = FALSE;
          fds[i].fd = -1;
          if (started < total)
            {
              fds[i].fd = lab_peer_connect_start (port);
              fds[i].events = POLLOUT;
              started++;
            }
        }
      /* The timeline takes what was recorded as it goes. */
      if (done % 64 == 0)
        g_main_context_iteration (NULL, FALSE);
    }
}

/* 20 000 clients, 128 at a time, one after another in each: once they
 * have gone, the server holds what it held before (its threads, their
 * entries, its descriptors), and its memory grew by little. */
static void
test_one_after_another (LabFault      *f,
                        gconstpointer  data)
{
  guint n = 20000;
  guint16 port;
  guint workers, threads, fds;
  gsize rss;
  gint64 begin;

  /* What is measured is what the server's threads hold, not the events
   * the timeline keeps. */
  lab_timeline_set_limits (f->timeline, 5000, 256 * 1024);
  port = lab_fault_start (f);

  /* Thread stacks and the allocator's arenas are made once. */
  run_clients (port, 400, 8);
  settle (2);
  workers = lab_run_count_workers ();
  threads = lab_test_count_threads ();
  fds = lab_test_count_fds ();
  rss = lab_test_rss ();

  begin = g_get_monotonic_time ();
  run_clients (port, n, 128);
  g_test_message ("%u clients in %.1f s", n, (g_get_monotonic_time () - begin) / (double) G_USEC_PER_SEC);

  settle (workers);
  g_test_message ("workers %u → %u, threads %u → %u", workers, lab_run_count_workers (), threads,
                  lab_test_count_threads ());
  /* The program's thread and the one that carries out commands. */
  g_assert_cmpuint (workers, ==, 2);
  g_assert_cmpuint (lab_run_count_workers (), <=, workers);
  lab_test_wait (threads_back, GUINT_TO_POINTER (threads), 5000);
  lab_test_wait_fds (fds);
  /* It keeps its open connections and the last ones closed, and the
   * timeline its capped events: what the threads left behind would come
   * on top, a kilobyte a client. */
  lab_test_assert_rss_growth (rss, n * 1024 + RSS_SLACK);
  lab_fault_assert_serving (f);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--peers") == 0)
    return run_peers ((guint16) atoi (argv[2]), (guint) atoi (argv[3]));

  lab_test_init (&argc, &argv);

  /* GSubprocess starts GLib's worker thread, with a descriptor of its own,
   * for good: it is started now, not counted as a test's. */
  {
    g_autoptr(GSubprocess) warm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "true", NULL);

    g_assert_true (g_subprocess_wait (warm, NULL, NULL));
  }

  lab_fault_add ("short-of-descriptors", LAB_FAULT_ALL_MODELS, test_short_of_descriptors);
  lab_fault_add ("sigterm-with-clients", LAB_FAULT_ALL_MODELS, test_sigterm_with_clients);
  lab_fault_add ("one-after-another", LAB_FAULT_MODEL (LAB_CONCURRENCY_THREADS), test_one_after_another);

  return g_test_run ();
}
