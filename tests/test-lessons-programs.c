/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "lab-lessons.h"
#include "lab-session.h"
#include "lab-test-engine.h"

/* The lessons that run the course's own programs, traced: Play, given
 * leave to run them, does what their notes promise, on real sockets, with
 * each call of the program beside its line. Only the ports change, to
 * free ones, in the lab's endpoints and in the programs' arguments. */

typedef LabTestLesson Lesson;

/* The one program @l's Play would run, shown before it runs: the
 * course's @file, from the folder the lab keeps the course in. */
static void
assert_asks_to_run (Lesson     *l,
                    const char *file)
{
  g_auto(GStrv) commands = lab_session_dup_play_commands (l->session);
  g_autofree char *start = g_strdup_printf ("python3 %s ", file);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = lab_lessons_dup_course_folder (&error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (commands), ==, 1);
  g_assert_true (g_str_has_prefix (commands[0], start));
  path = g_build_filename (folder, file, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/* The call of @op the program made from the line that has @code. */
static void
assert_line (Lesson      *l,
             LabEndpoint *program,
             LabOp        op,
             const char  *file,
             const char  *code)
{
  LabEvent *call = lab_test_log_find_call (l->log, program, op);
  const char *line;

  g_assert_nonnull (call);
  line = lab_event_get_line (call);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, file));
  g_assert_nonnull (strstr (line, code));
}

static void
assert_exited_well (Lesson      *l,
                    LabEndpoint *program)
{
  int status = -1;

  lab_test_log_wait_note (l->log, program, LAB_NOTE_PROGRAM_EXITED);
  lab_test_wait_stopped (program);
  g_assert_true (lab_endpoint_get_program_status (program, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* What the program prints is not the test's output. */
static void
quiet (LabEndpoint *program)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  g_assert_cmpint (null, >=, 0);
  lab_endpoint_set_terminal_fd (program, null);
  close (null);
}

/* Not started by Play alone: nothing in a file runs by itself. */
static void
assert_not_run_by_play (const char     *id,
                        const char     *name,
                        LabBackendKind  backend)
{
  Lesson l;
  LabEndpoint *program;

  lab_test_lesson_load (&l, id, backend);
  program = lab_test_lesson_endpoint (&l, name);
  lab_session_play (l.session);
  g_assert_false (lab_endpoint_is_active (program));
  lab_test_lesson_finish (&l);
}

/* Lesson @id played with leave to run its program, the course's @file,
 * once Play alone has been seen not to run it. Returns the program. */
static LabEndpoint *
play_with_leave (Lesson         *l,
                 const char     *id,
                 LabBackendKind  backend,
                 const char     *name,
                 const char     *file)
{
  LabEndpoint *program;

  assert_not_run_by_play (id, name, backend);
  lab_test_lesson_load (l, id, backend);
  program = lab_test_lesson_endpoint (l, name);
  quiet (program);
  assert_asks_to_run (l, file);
  lab_session_play_programs (l->session);
  return program;
}

/* The course's echo server listens before the lab's client connects:
 * Play waits for its listen (), and its panel shows where it listens. It
 * sends back what it got, and ends, status 0, once its recv () returns 0. */
static void
test_course_server (gconstpointer data)
{
  const char *file = "tcp_echo_server_004.py";
  Lesson l;
  LabEndpoint *server, *client;
  guint port;

  server = play_with_leave (&l, "19-course-server-watched", GPOINTER_TO_INT (data), "The course's echo server", file);
  client = lab_test_lesson_endpoint (&l, "Client");

  lab_test_lesson_wait_ended (&l, client);
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_SEND, 15));
  lab_test_log_assert_received (l.log, client, "Hola, servidor!");
  g_object_get (lab_endpoint_get_config (client), "port", &port, NULL);
  g_assert_cmpuint (lab_endpoint_get_port (server), ==, port);

  assert_exited_well (&l, server);
  assert_line (&l, server, LAB_OP_BIND, file, "server.bind((host, port))");
  assert_line (&l, server, LAB_OP_LISTEN, file, "server.listen(1)");
  assert_line (&l, server, LAB_OP_ACCEPT, file, "server.accept()");
  assert_line (&l, server, LAB_OP_SEND, file, "conn.sendall(data)");
  g_assert_nonnull (lab_test_log_find_result (l.log, server, LAB_OP_SEND, 15));
  g_assert_nonnull (lab_test_log_find_result (l.log, server, LAB_OP_RECV, 0));
  lab_test_lesson_finish (&l);
}

/* The course's client starts once the lab's server listens, gets back
 * what it sent, and ends well; the server sees it close. */
static void
test_course_client (gconstpointer data)
{
  const char *file = "tcp_client_004.py";
  Lesson l;
  LabEndpoint *server, *client;

  client = play_with_leave (&l, "20-course-client-lab-server", GPOINTER_TO_INT (data), "The course's client", file);
  server = lab_test_lesson_endpoint (&l, "Echo server");

  assert_exited_well (&l, client);
  assert_line (&l, client, LAB_OP_CONNECT, file, "server.connect((host, port))");
  assert_line (&l, client, LAB_OP_SEND, file, "server.sendall(b\"Hello...\")");
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_CONNECT, 0));
  g_assert_nonnull (lab_test_log_find_result (l.log, client, LAB_OP_RECV, 8));

  lab_test_log_wait_note (l.log, server, LAB_NOTE_PEER_CLOSED);
  lab_test_log_assert_received (l.log, server, "Hello...");
  g_assert_nonnull (lab_test_log_find_result (l.log, server, LAB_OP_RECV, 0));
  lab_test_lesson_finish (&l);
}

/* protolab-cli run says which program a file names and does not run it,
 * unless told to: then it says it, runs it and plays the rest with it. */
static void
test_cli_programs (void)
{
  const char *cli = g_getenv ("PROTOLAB_CLI");
  g_autofree char *course = g_build_filename (g_getenv ("PROTOLAB_SOURCE_ROOT"), "tests", "course", NULL);
  g_autofree char *dir = g_dir_make_tmp ("protolab-programs-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "watched.protolab", NULL);
  guint port = lab_test_free_port (SOCK_STREAM);
  g_autofree char *command = g_strdup_printf ("python3 tcp_echo_server_004.py %u", port);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  text = g_strdup_printf ("[Experiment]\nTitle=Watched\n\n"
                          "[Endpoint 1]\nName=Course\nKind=program\ncommand=python3;tcp_echo_server_004.py;%u;\n"
                          "working-directory=%s\n\n"
                          "[Endpoint 2]\nName=Client\nKind=tcp-client\nport=%u\ninitial-data=hola\nexpect-bytes=4\n",
                          port, course, port);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  lab_test_run ((const char *[]) { cli, "run", "--duration", "20", path, NULL }, NULL, &out, &err, &status);
  g_assert_nonnull (strstr (err, command));
  g_assert_nonnull (strstr (err, "add --programs to run it"));
  g_assert_null (strstr (out, "Course#1"));
  g_assert_nonnull (strstr (out, "ECONNREFUSED"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  lab_test_run ((const char *[]) { cli, "run", "--programs", "--duration", "20", path, NULL }, NULL, &out, &err,
                &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "running python3 tcp_echo_server_004.py"));
  g_assert_nonnull (strstr (out, "← tcp_echo_server_004.py:26: conn, addr = server.accept()"));
  g_assert_nonnull (strstr (out, "Client#1  ← in 4 bytes: hola"));
  g_assert_nonnull (strstr (out, "exit status 0"));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static const LabTestLessonCase lessons[] = {
  { "19-course-server-watched", test_course_server },
  { "20-course-client-lab-server", test_course_client },
};

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_lessons ("lessons-programs", lessons, G_N_ELEMENTS (lessons));
  g_test_add_func ("/lessons-programs/cli", test_cli_programs);

  return g_test_run ();
}
