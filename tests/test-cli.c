/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <json-glib/json-glib.h>

#include "lab-network.h"
#include "lab-test-utils.h"

static const char *
cli_path (void)
{
  const char *path = g_getenv ("PROTOLAB_CLI");

  g_assert_nonnull (path);
  return path;
}

static void
test_cli_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--version", NULL };
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "protolab-cli " PACKAGE_VERSION "\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_cli_help_spanish (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--help", NULL };
  const char *env[] = { "LANGUAGE=es", NULL };
  int status;

  lab_test_run (argv, env, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Mostrar la versión y terminar"));
  g_assert_nonnull (strstr (out, "Ejecuta los servidores y clientes de Protolab"));
}

static void
test_cli_bad_option (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--no-such-option", NULL };
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "protolab-cli: "));
  g_assert_nonnull (strstr (err, "--no-such-option"));
}

/* protolab-cli and its arguments, from @first to NULL. */
static GPtrArray *
cli_argv (const char *first,
          va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) cli_path ());
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs protolab-cli to its end; returns its exit status. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;
  int status;

  va_start (args, first);
  argv = cli_argv (first, args);
  va_end (args);

  lab_test_run ((const char * const *) argv->pdata, NULL, out, err, &status);
  return status;
}

/* A usage mistake is one clear line, and exit status 2. */
static void
test_cli_usage_errors (void)
{
  static const struct {
    const char *args[8];
    const char *says;
  } cases[] = {
    { { "tcp-server", "--backend", "sockets", NULL }, "--backend" },
    { { "tcp-server", "--model", "forks", NULL }, "iterative, threads, loop" },
    { { "tcp-client", NULL }, "--port" },
    { { "tcp-client", "--port", "70000", NULL }, "65535" },
    { { "tcp-client", "--port", "5000", "--host", "bad host!", NULL }, "bad host!" },
    { { "tcp-client", "--port", "5000", "--send-hex", "48 6g", NULL }, "4" },
    { { "tcp-client", "--port", "5000", "--send", "a", "--stdin", NULL }, "--stdin" },
    { { "udp-server", "--bind", "example.org", NULL }, "example.org" },
    { { "tcp-server", "stray", NULL }, "stray" },
    { { "no-such-command", NULL }, "no-such-command" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_cli (&out, &err, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                            cases[i].args[3], cases[i].args[4], cases[i].args[5], cases[i].args[6], NULL);

      g_test_message ("%s: %s", cases[i].args[0], err);
      g_assert_cmpint (status, ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "protolab-cli: "));
      g_assert_nonnull (strstr (err, cases[i].says));
    }
}

static int
listening_socket (guint16 *port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  *port = ntohs (sin.sin_port);

  return fd;
}

/* A port in use: the failed bind is said in one line that names the errno,
 * and the exit status is 1. */
static void
test_cli_port_in_use (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *port_text = NULL;
  guint16 port;
  int fd = listening_socket (&port);
  int status;

  port_text = g_strdup_printf ("%u", port);
  status = run_cli (&out, &err, "tcp-server", "--port", port_text, NULL);
  close (fd);

  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "protolab-cli: bind: EADDRINUSE ("));
  g_assert_nonnull (strstr (out, "bind ("));
}

/* Nothing listens: ECONNREFUSED, in one line. */
static void
test_cli_refused (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *port_text = NULL;
  guint16 port;
  int fd = listening_socket (&port);
  int status;

  /* Bound then closed: a port where nothing listens now. */
  close (fd);
  port_text = g_strdup_printf ("%u", port);
  status = run_cli (&out, &err, "tcp-client", "--port", port_text, "--backend", "gio", NULL);

  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "protolab-cli: connect: ECONNREFUSED ("));
}

static char *
write_temp (const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-cli-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* protolab-cli run of an experiment file of @text, on the POSIX backend. */
static int
run_text (const char  *name,
          const char  *text,
          char       **out,
          char       **err)
{
  g_autofree char *path = write_temp (name, text);
  int status = run_cli (out, err, "run", "--backend", "posix", path, NULL);

  remove_temp (path);
  return status;
}

/* run FILE plays an experiment to its end: the server listens before the
 * client connects, the exchange is printed, unknown keys are warned of. */
static void
test_cli_run (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  const char *listen_at, *connect_at;
  guint16 port;
  int status;

  close (listening_socket (&port));
  text = g_strdup_printf ("[Experiment]\nTitle=Echo once\nSteps=Press Play.;Watch.;\n\n"
                          "[Endpoint 1]\nName=Client\nKind=tcp-client\nport=%u\ninitial-data=hola\\n\n"
                          "expect-bytes=5\nwibble=1\n\n"
                          "[Endpoint 2]\nName=Echo\nKind=tcp-server\nport=%u\nmax-connections=1\n", port, port);
  status = run_text ("echo.protolab", text, &out, &err);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "Line 11: unknown key “wibble” in [Endpoint 1], left out"));
  g_assert_nonnull (strstr (err, "# Echo once\n"));
  g_assert_nonnull (strstr (err, "  2. Watch.\n"));
  listen_at = strstr (out, "Echo#1  listen (");
  connect_at = strstr (out, "Client#1  connect (");
  g_assert_nonnull (listen_at);
  g_assert_nonnull (connect_at);
  g_assert_true (listen_at < connect_at);
  g_assert_nonnull (strstr (out, "Echo#3  ← in 5 bytes: hola\\n"));
  g_assert_nonnull (strstr (out, "Client#1  ← in 5 bytes: hola\\n"));
}

/* A UDP server waits for ever: once the experiment's one client has
 * ended, run stops it a second later, says so, and ends well, after the
 * server had the client's datagram and sent its echo. */
static void
test_cli_run_clients_over (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  guint16 port;
  int status;

  port = lab_test_free_port (SOCK_DGRAM);
  text = g_strdup_printf ("[Endpoint 1]\nName=Echo\nKind=udp-server\nport=%u\nbehaviour=echo\n\n"
                          "[Endpoint 2]\nName=Client\nKind=udp-client\nport=%u\ninitial-data=hola\n"
                          "expect-bytes=4\n", port, port);
  status = run_text ("udp.protolab", text, &out, &err);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "every client has ended, so the servers are stopped"));
  g_assert_nonnull (strstr (out, "Echo#0  Stopped"));
  g_assert_nonnull (strstr (out, "Client#1  ← in 4 bytes: hola"));
}

/* A file that is not right: its line and key, exit status 1, nothing run. */
static void
test_cli_run_malformed (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = write_temp ("bad.protolab", "[Endpoint 1]\nKind=tcp-server\nport=http\n");
  int status;

  status = run_cli (&out, &err, "run", path, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "Line 3: “port” must be a whole number from 0 to 65535, not “http”"));
  g_assert_cmpstr (out, ==, "");

  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  status = run_cli (&out, &err, "run", NULL);
  g_assert_cmpint (status, ==, 2);
  remove_temp (path);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  status = run_cli (&out, &err, "run", path, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, "protolab-cli: "));
}

/* Nothing a terminal would obey: valid UTF-8, and no control character
 * but the newline, neither C0, DEL nor C1. */
static void
assert_terminal_safe (const char *text)
{
  g_test_message ("%s", text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\n')
        {
          g_assert_cmphex (c, >=, 0x20);
          g_assert_false (c >= 0x7f && c <= 0x9f);
        }
    }
}

/* ESC [31m, a carriage return, BEL, the C1 CSI (U+009B, as UTF-8) and DEL,
 * raw in the file: a key file has no escape for them. */
#define CONTROLS "\x1b[31m|\r|\x07|\xc2\x9b|\x7f|"

/* An experiment's title, notes, steps and names are the file's, and
 * anybody's: they reach the terminal escaped, in text and in JSON. */
static void
test_cli_run_escapes (void)
{
  static const char *formats[] = { "text", "jsonl" };
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  guint16 port;

  close (listening_socket (&port));
  text = g_strdup_printf ("[Experiment]\nTitle=T" CONTROLS "\nNotes=N" CONTROLS "\\nline two\n"
                          "Steps=S" CONTROLS ";Two;\n\n"
                          "[Endpoint 1]\nName=C" CONTROLS "\nKind=tcp-client\nport=%u\n", port);
  path = write_temp ("controls.protolab", text);

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_auto(GStrv) lines = NULL;
      guint n_lines = 0;
      int status;

      /* Nothing listens: the client fails at once, and says so under its name. */
      status = run_cli (&out, &err, "run", "--format", formats[f], "--duration", "10", path, NULL);
      g_assert_cmpint (status, ==, 1);
      assert_terminal_safe (out);
      assert_terminal_safe (err);
      g_assert_nonnull (strstr (err, "# T\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|\n"));
      g_assert_nonnull (strstr (err, "\nN\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|\nline two\n"));
      g_assert_nonnull (strstr (err, "  1. S\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|\n  2. Two\n"));
      g_assert_nonnull (strstr (err, "protolab-cli: C\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|: connect: ECONNREFUSED"));

      lines = g_strsplit (out, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++, n_lines++)
        if (f == 0)
          g_assert_nonnull (strstr (lines[i], "  C\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|#"));
        else
          {
            g_autoptr(JsonParser) parser = json_parser_new ();
            g_autoptr(GError) error = NULL;
            JsonObject *o;

            /* JSON's own escapes, which read back as the name was. */
            g_assert_nonnull (strstr (lines[i], "\"C\\u001b[31m|\\r|\\u0007|\\u009b|\\u007f|\""));
            json_parser_load_from_data (parser, lines[i], -1, &error);
            g_assert_no_error (error);
            o = json_node_get_object (json_parser_get_root (parser));
            g_assert_cmpstr (json_object_get_string_member (o, "endpoint"), ==, "C" CONTROLS);
          }
      g_assert_cmpuint (n_lines, >, 3);
    }

  remove_temp (path);
}

/* What is wrong with a file quotes the file, escaped, and the file's name
 * too; text that is not UTF-8 is refused. */
static void
test_cli_run_escapes_errors (void)
{
  static const struct {
    const char *file;
    const char *says;
  } cases[] = {
    { "[Endpoint 1]\nKind=tcp-server\nport=" CONTROLS "\n",
      "not “\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|”\n" },
    { "[Endpoint 1]\nKind=tcp-server\n" CONTROLS "=1\n", ": \\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|\n" },
    { "[Experiment]\nTitle=T\x9b\xff\xfe" CONTROLS "\n", ": Line 2: the text is not valid UTF-8\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_temp ("e" CONTROLS ".protolab", cases[i].file);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_cli (&out, &err, "run", "--duration", "10", path, NULL);

      remove_temp (path);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      assert_terminal_safe (err);
      g_assert_nonnull (strstr (err, "/e\\x1b[31m|\\r|\\x07|\\xc2\\x9b|\\x7f|.protolab: "));
      g_assert_nonnull (strstr (err, cases[i].says));
    }
}

/* An endpoint that Play starts but that cannot start: the file is said to
 * be wrong, and whose setting, with nothing run and no waiting for ever.
 * One that Play leaves alone is left alone. */
static void
test_cli_run_invalid_endpoint (void)
{
  static const char *endpoint = "[Endpoint 1]\nName=Client\nKind=tcp-client\nport=1\nhost=bad host!\n";
  g_autofree char *manual = g_strconcat (endpoint, "Autostart=false\n", NULL);
  const char *files[] = { endpoint, manual };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = write_temp ("invalid.protolab", files[i]);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_cli (&out, &err, "run", "--duration", "5", path, NULL);

      remove_temp (path);
      g_assert_cmpint (status, ==, i == 0 ? 1 : 0);
      g_assert_cmpstr (out, ==, "");
      g_assert_true ((strstr (err, "invalid.protolab: Client: “bad host!”") != NULL) == (i == 0));
      /* Either way the file says at which line it is wrong. */
      g_assert_nonnull (strstr (err, "invalid.protolab: Line 5: “host”: “bad host!”"));
    }
}

/* code: a lesson's endpoint as a program; wrong words are said. */
static void
test_cli_code (void)
{
  static const struct {
    const char *args[6];
    int         status;
    const char *says[3];
    const char *not;
  } cases[] = {
    { { "code", "--language", "python", "--endpoint", "Echo server", "01-tcp-echo" }, 0,
      { "import socket", ".bind((", "5000" }, "Hola, servidor!" },
    { { "code", "-l", "c", "01-tcp-echo" }, 0, { "listen(", "\"Hola, servidor!\"" }, NULL },
    { { "code", "--language", "cobol", "01-tcp-echo" }, 2, { "cobol" }, NULL },
    { { "code", "--endpoint", "Nobody", "01-tcp-echo" }, 1, { "“Nobody”" }, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_cli (&out, &err, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3],
                            cases[i].args[4], cases[i].args[5], NULL);

      g_assert_cmpint (status, ==, cases[i].status);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].says) && cases[i].says[j] != NULL; j++)
        g_assert_nonnull (strstr (status == 0 ? out : err, cases[i].says[j]));
      if (cases[i].not != NULL)
        g_assert_null (strstr (out, cases[i].not));
    }
}

static GSubprocess *
spawn_cli (GSubprocessFlags   flags,
           const char        *first,
           ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list args;

  va_start (args, first);
  argv = cli_argv (first, args);
  va_end (args);

  launcher = lab_test_launcher_new (flags);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Reads a server's output until it says its port. */
static char *
read_port (GDataInputStream *lines,
           GString          *seen)
{
  g_autoptr(GRegex) listening = g_regex_new ("Listening on \\('127\\.0\\.0\\.1', (\\d+)\\)", 0, 0, NULL);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_string_append_printf (seen, "%s\n", line);
      if (g_regex_match (listening, line, 0, &match))
        return g_match_info_fetch (match, 1);
    }
}

static char *
read_rest (GDataInputStream *lines,
           GString          *seen)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        return g_strdup (seen->str);
      g_string_append_printf (seen, "%s\n", line);
    }
}

/* SIGTERM stops a server cleanly: sockets closed, a summary, status 0. */
static void
test_cli_sigterm (void)
{
  g_autoptr(GSubprocess) server = spawn_cli (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                             "tcp-server", "--port", "0", NULL);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = read_port (out, seen);
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  gsize len;

  g_assert_nonnull (port);
  /* Once it waits in accept (): a signal before it begins that call ends
   * the server as well, with no call to interrupt. */
  while (strstr (seen->str, "accept (") == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_string_append_printf (seen, "%s\n", line);
    }
  g_subprocess_send_signal (server, SIGTERM);
  text = read_rest (out, seen);
  err = g_data_input_stream_read_upto (g_data_input_stream_new (g_subprocess_get_stderr_pipe (server)),
                                       "", 0, &len, NULL, NULL);
  g_subprocess_wait (server, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);

  /* The blocked accept was interrupted and the socket closed. */
  g_assert_nonnull (strstr (text, "EINTR"));
  g_assert_nonnull (strstr (text, "close ("));
  g_assert_nonnull (strstr (text, "Stopped"));
}

/* --duration stops by itself. */
static void
test_cli_duration (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = run_cli (&out, &err, "udp-server", "--port", "0", "--duration", "0.3", "--quiet", NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "udp-server: "));
  g_assert_nonnull (strstr (err, "events recorded (0 dropped)"));
}

/* A server and a client through the CLI, returning both outputs. */
static void
exchange (const char  *format,
          const char  *send_option,
          const char  *send_value,
          const char  *expect,
          char       **server_out,
          char       **client_out)
{
  g_autoptr(GSubprocess) server = spawn_cli (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                             "tcp-server", "--port", "0", "--max-connections", "1",
                                             "--format", format, NULL);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = read_port (out, seen);
  g_autofree char *err = NULL;
  int status;

  status = run_cli (client_out, &err, "tcp-client", "--port", port, send_option, send_value,
                    "--expect-bytes", expect, "--format", format, NULL);
  g_assert_cmpint (status, ==, 0);

  *server_out = read_rest (out, seen);
  g_subprocess_wait_check (server, NULL, &error);
  g_assert_no_error (error);
}

/* JSON Lines: every line one object with the documented fields. */
static void
test_cli_jsonl (void)
{
  g_autofree char *server_out = NULL;
  g_autofree char *client_out = NULL;
  g_autofree char *both = NULL;
  g_auto(GStrv) lines = NULL;
  guint calls = 0, states = 0, data = 0, notes = 0;

  exchange ("jsonl", "--send", "hola\\n", "5", &server_out, &client_out);
  both = g_strconcat (server_out, client_out, NULL);
  lines = g_strsplit (both, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *o;
      const char *kind;

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));

      g_assert_true (json_object_has_member (o, "t"));
      g_assert_true (json_object_has_member (o, "endpoint"));
      g_assert_true (json_object_has_member (o, "fd"));
      g_assert_true (json_object_has_member (o, "conn"));
      kind = json_object_get_string_member (o, "kind");

      if (g_str_equal (kind, "call"))
        {
          const char *phase = json_object_get_string_member (o, "phase");

          calls++;
          g_assert_true (json_object_has_member (o, "call"));
          g_assert_true (json_object_has_member (o, "op"));
          g_assert_true (json_object_has_member (o, "args"));
          g_assert_true (g_str_equal (phase, "begin") || g_str_equal (phase, "end"));
          if (g_str_equal (phase, "end"))
            {
              g_assert_true (json_object_has_member (o, "result"));
              g_assert_true (json_object_has_member (o, "errno"));
            }
        }
      else if (g_str_equal (kind, "state"))
        {
          states++;
          g_assert_nonnull (json_object_get_string_member (o, "state"));
        }
      else if (g_str_equal (kind, "data"))
        {
          const char *dir = json_object_get_string_member (o, "dir");

          data++;
          g_assert_true (g_str_equal (dir, "in") || g_str_equal (dir, "out"));
          g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 5);
          g_assert_cmpstr (json_object_get_string_member (o, "hex"), ==, "68 6f 6c 61 0a");
        }
      else
        {
          g_assert_cmpstr (kind, ==, "note");
          notes++;
        }
    }

  /* Both sides sent and received “hola\n”. */
  g_assert_cmpuint (data, ==, 4);
  /* The client closed first: its connection's TIME_WAIT came after the
   * client stopped, and the CLI waited for it. */
  g_assert_nonnull (strstr (client_out, "\"state\":\"TIME_WAIT\""));
  g_assert_cmpuint (calls, >, 10);
  g_assert_cmpuint (states, >, 2);
  g_assert_cmpuint (notes, >, 2);
}

/* Received bytes are data: an escape sequence sent to the terminal shows
 * escaped, never raw. */
static void
test_cli_escapes (void)
{
  g_autofree char *server_out = NULL;
  g_autofree char *client_out = NULL;

  /* ESC [31m red BEL */
  exchange ("text", "--send-hex", "1b 5b 33 31 6d 72 65 64 07", "9", &server_out, &client_out);

  g_assert_null (strchr (server_out, 0x1b));
  g_assert_null (strchr (server_out, 0x07));
  g_assert_null (strchr (client_out, 0x1b));
  g_assert_nonnull (strstr (server_out, "\\x1b[31mred\\x07"));
}

/* A numeric option, a run that stops by itself with it, its range, just
 * over it, and what a run with its largest value shows (a regex), if any.
 * PORT is a closed port; ADDR a loopback address of the test's own, where
 * the largest port collides with no one's. */
typedef struct {
  const char *run;
  const char *option;
  const char *low;
  const char *largest;
  const char *over;
  const char *shows;
} NumberOption;

static const NumberOption whole_numbers[] = {
  { "tcp-server --bind ADDR --duration 0.3", "port", "0", "65535", "65536", "bind \\(\\d+, \\('ADDR', 65535\\)\\)" },
  { "tcp-client --host ADDR --duration 5", "port", "1", "65535", "65536", "connect \\(\\d+, \\('ADDR', 65535\\)\\)" },
  { "tcp-server --port 0 --duration 0.3", "backlog", "0", "65535", "65536", "listen \\(\\d+, 65535\\)" },
  { "tcp-server --port 0 --duration 0.3", "max-clients", "0", "100000", "100001", NULL },
  { "tcp-server --port 0 --duration 0.3", "rcvbuf", "0", "67108864", "67108865", "SO_RCVBUF, 67108864\\)" },
  { "tcp-server --port 0 --duration 0.3", "sndbuf", "0", "67108864", "67108865", "SO_SNDBUF, 67108864\\)" },
  { "tcp-server --port 0 --framing fixed --duration 0.3", "fixed-size", "1", "1048576", "1048577", NULL },
  { "udp-server --port 0 --duration 0.3", "buffer", "1", "16777216", "16777217", "recvfrom \\(\\d+, 16777216," },
  { "udp-server --port 0 --duration 0.3", "max-connections", "0", "4294967295", "4294967296", NULL },
  { "udp-server --port 0 --duration 0.3", "max-events", "1", "1000000", "1000001", NULL },
  { "tcp-client --port PORT --duration 5", "send-count", "1", "100000", "100001", NULL },
  { "tcp-client --port PORT --duration 5", "expect-bytes", "0", "18446744073709551615", "18446744073709551616",
    NULL },
  { "tcp-client --port PORT --local-address ADDR --duration 5", "local-port", "0", "65535", "65536",
    "bind \\(\\d+, \\('ADDR', 65535\\)\\)" },
};

static const NumberOption seconds[] = {
  { "tcp-client --port PORT --duration 5", "timeout", "0", "3600", "3600.001", "poll \\(.*, 3600000\\)" },
  { "tcp-client --port PORT", "duration", "0", "604800", "604800.001", NULL },
  { "run FILE", "duration", "0", "604800", "604800.001", NULL },
};

/* Runs the option's command with --option VALUE; returns its status. */
static int
run_number (const NumberOption  *number,
            const char          *port,
            const char          *address,
            const char          *file,
            const char          *value,
            const char * const  *env,
            char               **out,
            char               **err)
{
  g_autoptr(GString) run = g_string_new (number->run);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *option = g_strconcat ("--", number->option, NULL);
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) argv = NULL;
  int status;

  g_string_replace (run, "PORT", port, 0);
  g_string_replace (run, "ADDR", address, 0);
  g_string_replace (run, "FILE", file, 0);
  args = g_strsplit (run->str, " ", -1);
  g_strv_builder_add (builder, cli_path ());
  g_strv_builder_addv (builder, (const char **) args);
  g_strv_builder_add_many (builder, option, value, NULL);
  argv = g_strv_builder_end (builder);
  g_test_message ("protolab-cli %s %s “%s”", run->str, option, value);
  lab_test_run ((const char * const *) argv, env, out, err, &status);
  return status;
}

/* Refused, each value, with a usage error that says the option, the value
 * and the range; and the largest value runs. */
static void
check_number (const NumberOption  *number,
              gboolean             in_seconds,
              const char * const  *bad,
              const char          *port,
              const char          *address,
              const char          *file)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *far_over = g_strconcat (number->largest, "0", NULL);
  const char *over[] = { number->over, far_over, NULL };
  const char * const *values[] = { over, bad };
  int status;

  for (guint list = 0; list < G_N_ELEMENTS (values); list++)
    for (guint i = 0; values[list][i] != NULL; i++)
      {
        g_autofree char *says = g_strdup_printf ("protolab-cli: --%s must be a %s from %s to %s, not “%s”\n",
                                                 number->option, in_seconds ? "number of seconds" : "whole number",
                                                 number->low, number->largest, values[list][i]);

        g_clear_pointer (&out, g_free);
        g_clear_pointer (&err, g_free);
        status = run_number (number, port, address, file, values[list][i], NULL, &out, &err);
        g_test_message ("%s", err);
        g_assert_cmpint (status, ==, 2);
        g_assert_cmpstr (out, ==, "");
        g_assert_true (g_str_has_prefix (err, says));
      }

  /* It ran, with real calls, and ended by --duration or the closed port. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_number (number, port, address, file, number->largest, NULL, &out, &err);
  g_test_message ("%s", err);
  g_assert_true (status == 0 || status == 1);
  g_assert_null (strstr (err, " must be a "));
  g_assert_nonnull (strstr (out, "socket ("));
  if (number->shows != NULL)
    {
      g_autoptr(GString) shows = g_string_new (number->shows);

      g_string_replace (shows, "ADDR", address, 0);
      g_assert_true (g_regex_match_simple (shows->str, out, G_REGEX_MULTILINE, 0));
    }
}

/* Every numeric option refuses what is not a number in its range, and
 * runs with its largest value. */
static void
test_cli_numbers (void)
{
  static const char *bad_whole[] = { "abc", "7x", "-1", "nan", "inf", "+1", "1.5", " 1", "0x10", "", NULL };
  static const char *bad_seconds[] = { "abc", "7x", "-1", "nan", "inf", "+1", "1e999", " 1", "0x10", "", "1,5",
                                       NULL };
  static const char *spanish[] = { "LANGUAGE=es", NULL };
  g_autofree char *address = g_strdup_printf ("127.%d.%d.%d", g_test_rand_int_range (1, 255),
                                              g_test_rand_int_range (0, 256), g_test_rand_int_range (1, 255));
  g_autofree char *text = NULL;
  g_autofree char *file = NULL;
  g_autofree char *port = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint16 closed;

  close (listening_socket (&closed));
  port = g_strdup_printf ("%u", closed);
  text = g_strdup_printf ("[Endpoint 1]\nName=Client\nKind=tcp-client\nport=%u\n", closed);
  file = write_temp ("client.protolab", text);

  for (guint i = 0; i < G_N_ELEMENTS (whole_numbers); i++)
    check_number (&whole_numbers[i], FALSE, bad_whole, port, address, file);
  for (guint i = 0; i < G_N_ELEMENTS (seconds); i++)
    check_number (&seconds[i], TRUE, bad_seconds, port, address, file);

  /* In the user's language. */
  g_assert_cmpint (run_number (&whole_numbers[2], port, address, file, "nan", spanish, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "protolab-cli: --backlog tiene que ser un número entero de 0 a 65535, "
                                        "no «nan»\n"));
  remove_temp (file);
}

/* Lines typed on standard input are sent one by one; the end of input
 * half-closes the connection. */
static void
test_cli_stdin (void)
{
  g_autoptr(GSubprocess) server = spawn_cli (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                             "tcp-server", "--port", "0", "--behaviour", "upper", NULL);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = read_port (out, seen);
  g_autofree char *client_out = NULL;

  client = spawn_cli (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                      G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                      "tcp-client", "--port", port, "--stdin", NULL);
  g_subprocess_communicate_utf8 (client, "uno\ndos\n", NULL, &client_out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (client));

  g_assert_nonnull (strstr (client_out, "shutdown ("));
  g_assert_nonnull (strstr (client_out, "UNO\\n"));
  g_assert_nonnull (strstr (client_out, "DOS\\n"));

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait_check (server, NULL, &error);
  g_assert_no_error (error);
}

/* protolab-cli explain: a call, a GLib call, an error, in both languages. */
static void
test_cli_explain (void)
{
  static const struct {
    const char *name;
    const char *language;
    int         status;
    const char *says[2];
  } cases[] = {
    { "accept", "en", 0, { "accept ()\n", "When it waits" } },
    { "g_socket_accept", "en", 0, { "In GLib", NULL } },
    { "econnrefused", "en", 0, { "ECONNREFUSED\n", "What to try" } },
    { "--list", "en", 0, { "\ng_socket_receive_message\n", "\nEAI_NONAME\n" } },
    { "frobnicate", "en", 1, { "frobnicate", NULL } },
    { NULL, "en", 2, { NULL, NULL } },
    { "EADDRINUSE", "es", 0, { "Qué probar", "SO_REUSEADDR" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { cli_path (), "explain", cases[i].name, NULL };
      g_autofree char *env_language = g_strconcat ("LANGUAGE=", cases[i].language, NULL);
      const char *env[] = { env_language, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      lab_test_run (argv, env, &out, &err, &status);
      g_assert_cmpint (status, ==, cases[i].status);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].says) && cases[i].says[j] != NULL; j++)
        g_assert_nonnull (strstr (status == 0 ? out : err, cases[i].says[j]));
    }
}

/* The link's options: each value read strictly, a mistake said with what
 * it must be; and a lesson on the lab network run over a link that delays
 * the frames to beta: the wire says so, and connect () takes the round
 * trip (ARP and SYN each wait 40 ms on their way to beta). */
static void
test_cli_link (void)
{
  static const struct {
    const char *args[10];
    const char *says;
  } cases[] = {
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--delay", "soon", NULL },
      "protolab-cli: --delay must be a time from 0 to 10000 ms, as 80ms or 1.5s, not “soon”\n" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--loss", "120%", NULL },
      "protolab-cli: --loss must be a percentage from 0 % to 100 %, as 10%, not “120%”\n" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--rate", "1", NULL }, "--rate must be a rate" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--mtu", "100", NULL }, "--mtu must be a whole number" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--delay-to", "gamma", "80ms", NULL },
      "--delay-to takes a host of the lab network and a value, as --delay-to beta 80ms, not “gamma=80ms”" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--delay-to", "beta", "1h", NULL },
      "--delay-to must be a time" },
    { { "udp-client", "--port", "7", "--lab-host", "alfa", "--delay", "1ms", "--jitter", "5ms", NULL },
      "jitter must be no more than its delay" },
    { { "udp-client", "--port", "7", "--delay", "80ms", NULL }, "need the lab network: give --lab-host" },
    { { "run", "15-data-ack", "--loss-to", "beta", "x", NULL }, "--loss-to must be a percentage" },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint delayed = 0;
  gboolean slow_connect = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      int status;

      g_ptr_array_add (argv, (gpointer) g_getenv ("PROTOLAB_CLI"));
      for (guint k = 0; cases[i].args[k] != NULL; k++)
        g_ptr_array_add (argv, (gpointer) cases[i].args[k]);
      g_ptr_array_add (argv, NULL);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      lab_test_run ((const char * const *) argv->pdata, NULL, &out, &err, &status);
      g_assert_cmpint (status, ==, 2);
      if (strstr (err, cases[i].says) == NULL)
        g_error ("“%s” does not say “%s”", err, cases[i].says);
    }

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "run", "15-data-ack", "--delay-to", "beta", "40ms", "--format", "jsonl",
                            "--duration", "5", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "protolab-cli: the link to beta: delay 40 ms\n"));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = lines[i][0] != '\0' ? json_from_string (lines[i], NULL) : NULL;
      JsonObject *o = node != NULL ? json_node_get_object (node) : NULL;

      if (o == NULL)
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "link", NULL), "delayed") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "interface"), ==, "link");
          g_assert_nonnull (strstr (json_object_get_string_member (o, "text"), "delayed by the link: "));
          /* held for 40 ms, in µs, and a little more on a busy machine */
          g_assert_cmpint (json_object_get_int_member (o, "link_value"), >=, 40000);
          delayed++;
        }
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "call", NULL), "connect") == 0 &&
          json_object_has_member (o, "duration") && json_object_get_double_member (o, "duration") >= 0.080)
        slow_connect = TRUE;
    }
  g_assert_cmpuint (delayed, >, 0);
  g_assert_true (slow_connect);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/help-spanish", test_cli_help_spanish);
  g_test_add_func ("/cli/bad-option", test_cli_bad_option);
  g_test_add_func ("/cli/usage-errors", test_cli_usage_errors);
  g_test_add_func ("/cli/port-in-use", test_cli_port_in_use);
  g_test_add_func ("/cli/refused", test_cli_refused);
  g_test_add_func ("/cli/sigterm", test_cli_sigterm);
  g_test_add_func ("/cli/duration", test_cli_duration);
  g_test_add_func ("/cli/numbers", test_cli_numbers);
  g_test_add_func ("/cli/jsonl", test_cli_jsonl);
  g_test_add_func ("/cli/explain", test_cli_explain);
  g_test_add_func ("/cli/escapes", test_cli_escapes);
  g_test_add_func ("/cli/stdin", test_cli_stdin);
  g_test_add_func ("/cli/run", test_cli_run);
  g_test_add_func ("/cli/run-clients-over", test_cli_run_clients_over);
  g_test_add_func ("/cli/run-malformed", test_cli_run_malformed);
  g_test_add_func ("/cli/run-escapes", test_cli_run_escapes);
  g_test_add_func ("/cli/run-escapes-errors", test_cli_run_escapes_errors);
  g_test_add_func ("/cli/run-invalid-endpoint", test_cli_run_invalid_endpoint);
  g_test_add_func ("/cli/code", test_cli_code);
  g_test_add_func ("/cli/link", test_cli_link);

  return g_test_run ();
}
