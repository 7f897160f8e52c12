/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-test-utils.h"

/* The timeline is the truth: run the POSIX backend under strace -f, and the
 * system calls made on its sockets are the calls it recorded, one for one,
 * in the same order. What the lab's instrumentation does to watch the
 * kernel (getsockopt TCP_INFO and SO_COOKIE, netlink sock_diag) is left
 * out, as it is flagged in the timeline. */

#define SYSCALLS "socket,setsockopt,getsockopt,bind,listen,accept,accept4,connect,sendto,recvfrom," \
                 "sendmsg,recvmsg,shutdown,getsockname,getpeername,poll,fcntl,close"

typedef struct {
  char *name;
  int   fd;
} Call;

static void
call_clear (gpointer data)
{
  g_free (((Call *) data)->name);
}

static const char *
cli_path (void)
{
  const char *path = g_getenv ("PROTOLAB_CLI");

  g_assert_nonnull (path);
  return path;
}

/* The system call each recorded call makes: glibc's send () and recv ()
 * are sendto () and recvfrom () with no address. getaddrinfo () is a
 * library call; with an address for a host it makes none. */
static const char *
syscall_of (const char *op)
{
  if (g_str_equal (op, "send"))
    return "sendto";
  if (g_str_equal (op, "recv"))
    return "recvfrom";
  if (g_str_equal (op, "getaddrinfo"))
    return NULL;
  return op;
}

/* The program's calls from protolab-cli's JSON Lines, each once, in the
 * order they were made. */
static GArray *
recorded_calls (const char *jsonl)
{
  g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *calls = g_array_new (FALSE, FALSE, sizeof (Call));

  g_array_set_clear_func (calls, call_clear);
  g_array_set_size (seqs, g_strv_length (lines));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;
      const char *syscall;
      Call call;

      if (lines[i][0] == '\0')
        continue;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));

      if (!g_str_equal (json_object_get_string_member (object, "kind"), "call") ||
          json_object_get_boolean_member (object, "instrumentation"))
        continue;

      /* A call that can block is printed when it begins and when it ends:
       * the same event, by its number. */
      g_array_index (seqs, gint64, i) = json_object_get_int_member (object, "seq");
      if (g_hash_table_contains (seen, &g_array_index (seqs, gint64, i)))
        continue;
      g_hash_table_add (seen, &g_array_index (seqs, gint64, i));

      syscall = syscall_of (json_object_get_string_member (object, "op"));
      if (syscall == NULL)
        continue;

      call.name = g_strdup (syscall);
      call.fd = (int) json_object_get_int_member (object, "fd");
      g_array_append_val (calls, call);
    }

  return calls;
}

/* A call of the program's, as the trace began it. Whose descriptor it is
 * is decided there: a close () frees its descriptor as soon as it begins,
 * and the kernel may give the number to another socket (the kernel
 * watcher's netlink socket, the next accepted connection) before the
 * trace says that close () returned. */
typedef struct {
  char *name;
  int   fd;
} Begun;

static void
begun_free (Begun *begun)
{
  g_free (begun->name);
  g_free (begun);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Begun, begun_free)

/* The call @name (@args) as it begins, or %NULL when it is not one of the
 * program's calls on its sockets. */
static Begun *
begin_call (GHashTable *sockets,
            const char *name,
            const char *args)
{
  Begun *begun;
  int fd = -1;

  if (g_str_equal (name, "socket"))
    {
      if (!g_str_has_prefix (args, "AF_INET"))
        return NULL;
    }
  else if (g_str_equal (name, "poll"))
    {
      /* GLib's main loop polls its own descriptors: only a poll on the
       * program's sockets is the program's. */
      if (!g_str_has_prefix (args, "[{fd=") ||
          !g_hash_table_contains (sockets, GINT_TO_POINTER (atoi (args + 5))))
        return NULL;
    }
  else
    {
      fd = atoi (args);
      if (!g_hash_table_contains (sockets, GINT_TO_POINTER (fd)))
        return NULL;
      if (g_str_equal (name, "getsockopt") &&
          (strstr (args, "TCP_INFO") != NULL || strstr (args, "SO_COOKIE") != NULL))
        return NULL;
      if (g_str_equal (name, "close"))
        g_hash_table_remove (sockets, GINT_TO_POINTER (fd));
    }

  begun = g_new0 (Begun, 1);
  begun->name = g_strdup (g_str_equal (name, "accept4") ? "accept" : name);
  begun->fd = fd;
  return begun;
}

/* The call returned @value: a new socket's descriptor is the program's
 * from then on. Calls are kept in the order they returned, as the
 * timeline records them. */
static void
end_call (GHashTable *sockets,
          Begun      *begun,
          int         value,
          GArray     *calls)
{
  Call call;

  if ((g_str_equal (begun->name, "socket") || g_str_equal (begun->name, "accept")) && value >= 0)
    g_hash_table_add (sockets, GINT_TO_POINTER (value));

  call.name = g_strdup (begun->name);
  call.fd = g_str_equal (begun->name, "socket") ? value : begun->fd;
  g_array_append_val (calls, call);
}

/* The same, from strace: calls on the sockets the program made, whose
 * numbers the trace itself tells (socket () and accept () results), and
 * on those of @open, made before the trace began. */
static GArray *
traced_calls_from (const char *trace,
                   const int  *open)
{
  g_auto(GStrv) lines = g_strsplit (trace, "\n", -1);
  g_autoptr(GHashTable) sockets = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) unfinished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify) begun_free);
  g_autoptr(GRegex) line_re = g_regex_new ("^(\\d+) +(?:<\\.\\.\\. (\\w+) resumed>.*|(\\w+)\\((.*))$", 0, 0, NULL);
  GArray *calls = g_array_new (FALSE, FALSE, sizeof (Call));

  g_array_set_clear_func (calls, call_clear);
  for (guint i = 0; open[i] >= 0; i++)
    g_hash_table_add (sockets, GINT_TO_POINTER (open[i]));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autoptr(Begun) begun = NULL;
      g_autofree char *pid = NULL;
      g_autofree char *resumed = NULL;
      const char *result;

      if (!g_regex_match (line_re, lines[i], 0, &match))
        continue;

      pid = g_match_info_fetch (match, 1);
      resumed = g_match_info_fetch (match, 2);
      if (resumed[0] == '\0')
        {
          g_autofree char *name = g_match_info_fetch (match, 3);
          g_autofree char *args = g_match_info_fetch (match, 4);

          begun = begin_call (sockets, name, args);
          if (begun != NULL && strstr (args, "<unfinished ...>") != NULL)
            {
              g_hash_table_insert (unfinished, g_steal_pointer (&pid), g_steal_pointer (&begun));
              continue;
            }
        }
      else
        {
          /* The end of a call the trace interrupted, as it began. */
          gpointer key;

          if (g_hash_table_steal_extended (unfinished, pid, &key, (gpointer *) &begun))
            g_free (key);
        }

      if (begun == NULL)
        continue;
      result = strrchr (lines[i], '=');
      end_call (sockets, begun, result != NULL ? atoi (result + 1) : -1, calls);
    }

  return calls;
}

static GArray *
traced_calls (const char *trace)
{
  return traced_calls_from (trace, (const int[]) { -1 });
}

static char *
describe (GArray *calls)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < calls->len; i++)
    {
      Call *call = &g_array_index (calls, Call, i);

      g_string_append_printf (out, "%s%s(%d)", i > 0 ? " " : "", call->name, call->fd);
    }

  return g_string_free (out, FALSE);
}

/* The calls on each descriptor, in order: threads make calls at once, but
 * on one socket they follow one another. */
static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  return strcmp (a, b);
}

static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

static char *
describe_by_fd (GArray *calls)
{
  g_autoptr(GTree) by_fd = g_tree_new_full (compare_keys, NULL, g_free, free_string);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < calls->len; i++)
    {
      Call *call = &g_array_index (calls, Call, i);
      g_autofree char *key = g_strdup_printf ("%04d", call->fd);
      GString *names = g_tree_lookup (by_fd, key);

      if (names == NULL)
        {
          names = g_string_new (NULL);
          g_tree_insert (by_fd, g_steal_pointer (&key), names);
        }
      g_string_append_printf (names, " %s", call->name);
    }

  for (GTreeNode *node = g_tree_node_first (by_fd); node != NULL; node = g_tree_node_next (node))
    g_string_append_printf (out, "[%s:%s] ", (char *) g_tree_node_key (node),
                            ((GString *) g_tree_node_value (node))->str);

  return g_string_free (out, FALSE);
}

static void
assert_same_calls (const char *jsonl,
                   const char *trace_path,
                   gboolean    one_thread)
{
  g_autofree char *trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) recorded = recorded_calls (jsonl);
  g_autoptr(GArray) traced = NULL;
  g_autofree char *recorded_text = NULL;
  g_autofree char *traced_text = NULL;

  g_file_get_contents (trace_path, &trace, NULL, &error);
  g_assert_no_error (error);
  traced = traced_calls (trace);

  /* poll () has no single descriptor: compare it by name only. */
  for (guint i = 0; i < recorded->len; i++)
    if (g_str_equal (g_array_index (recorded, Call, i).name, "poll"))
      g_array_index (recorded, Call, i).fd = -1;

  recorded_text = describe (recorded);
  traced_text = describe (traced);
  g_test_message ("recorded: %s", recorded_text);
  g_test_message ("traced:   %s", traced_text);
  g_assert_cmpuint (recorded->len, >, 4);

  /* One thread: the very same sequence. Several: the same on each socket. */
  if (one_thread)
    g_assert_cmpstr (recorded_text, ==, traced_text);
  else
    {
      g_autofree char *recorded_by_fd = describe_by_fd (recorded);
      g_autofree char *traced_by_fd = describe_by_fd (traced);

      g_assert_cmpstr (recorded_by_fd, ==, traced_by_fd);
    }
}

static GSubprocess *
spawn_traced (const char  *trace_path,
              GError     **error,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "strace");
  g_ptr_array_add (argv, (gpointer) "-f");
  g_ptr_array_add (argv, (gpointer) "-qq");
  g_ptr_array_add (argv, (gpointer) "-e");
  g_ptr_array_add (argv, (gpointer) "trace=" SYSCALLS);
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer) trace_path);
  g_ptr_array_add (argv, (gpointer) cli_path ());

  va_start (args, error);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = lab_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  /* LeakSanitizer stops the world with ptrace, which strace holds: in the
   * sanitizer build the traced program leaves leaks to the other tests. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":detect_leaks=0", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }

  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

/* Traced, a program on a busy machine may take seconds between two
 * lines. */
#define TRACED_WAIT_MS 20000

/* The next line @in gives, or NULL at its end; a program that says
 * nothing for a while fails the test. */
static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, lab_test_keep_result, &result);
  lab_test_wait_result (&result, TRACED_WAIT_MS);
  line = g_data_input_stream_read_line_finish_utf8 (in, result, NULL, &error);
  g_assert_no_error (error);

  return line;
}

/* A server and a client of the POSIX backend, each under strace. */
static void
test_strace_tcp (gconstpointer data)
{
  const char *model = data;
  g_autofree char *dir = g_dir_make_tmp ("protolab-strace-XXXXXX", NULL);
  g_autofree char *server_trace = g_build_filename (dir, "server.trace", NULL);
  g_autofree char *client_trace = g_build_filename (dir, "client.trace", NULL);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) server_out = NULL;
  g_autoptr(GString) server_jsonl = g_string_new (NULL);
  g_autofree char *client_jsonl = NULL;
  g_autofree char *port_text = NULL;
  g_autoptr(GAsyncResult) client_done = NULL;
  g_autoptr(GAsyncResult) server_done = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) listening = g_regex_new ("\"note\":\"listening\".*'127\\.0\\.0\\.1', (\\d+)\\)", 0, 0, NULL);

  server = spawn_traced (server_trace, &error,
                         "tcp-server", "--backend", "posix", "--port", "0", "--model", model,
                         "--max-connections", "1", "--format", "jsonl", NULL);
  g_assert_no_error (error);
  server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));

  /* Its first lines say where it listens. */
  while (port_text == NULL)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *line = read_line (server_out);

      g_assert_nonnull (line);
      g_string_append_printf (server_jsonl, "%s\n", line);
      if (g_regex_match (listening, line, 0, &match))
        port_text = g_match_info_fetch (match, 1);
    }

  client = spawn_traced (client_trace, &error,
                         "tcp-client", "--backend", "posix", "--port", port_text,
                         "--send", "hola\\n", "--expect-bytes", "5", "--format", "jsonl", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (client, NULL, NULL, lab_test_keep_result, &client_done);
  lab_test_wait_result (&client_done, TRACED_WAIT_MS);
  g_subprocess_communicate_utf8_finish (client, client_done, &client_jsonl, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (client));

  for (;;)
    {
      g_autofree char *line = read_line (server_out);

      if (line == NULL)
        break;
      g_string_append_printf (server_jsonl, "%s\n", line);
    }
  g_subprocess_wait_async (server, NULL, lab_test_keep_result, &server_done);
  lab_test_wait_result (&server_done, TRACED_WAIT_MS);
  g_assert_true (g_subprocess_wait_finish (server, server_done, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (server));

  assert_same_calls (server_jsonl->str, server_trace, !g_str_equal (model, "threads"));
  assert_same_calls (client_jsonl, client_trace, TRUE);

  g_unlink (server_trace);
  g_unlink (client_trace);
  g_rmdir (dir);
}

/* The trace is in the order calls returned, and a descriptor is free once
 * its close () begins: the kernel may give it to the kernel watcher's
 * netlink socket, or to the next accepted connection, before the trace
 * says that close () returned. Those lines, from a real trace, must be
 * read as the program made its calls. */
static void
test_reused_descriptor (void)
{
  const char *trace =
    "100 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 5\n"
    "100 connect(5, {sa_family=AF_INET, sin_port=htons(48597), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0\n"
    "100 sendto(5, \"hola\\n\", 5, 0, NULL, 0) = 5\n"
    "100 recvfrom(5, \"hola\\n\", 1024, 0, NULL, NULL) = 5\n"
    "100 close(5 <unfinished ...>\n"
    "102 socket(AF_NETLINK, SOCK_DGRAM|SOCK_CLOEXEC, NETLINK_SOCK_DIAG) = 5\n"
    "102 sendto(5, [{nlmsg_len=72, nlmsg_type=0x14 /* NLMSG_??? */}], 72, 0, NULL, 0) = 72\n"
    "102 recvfrom(5, [{nlmsg_len=96, nlmsg_type=SOCK_DIAG_BY_FAMILY}], 32768, 0, NULL, NULL <unfinished ...>\n"
    "100 <... close resumed>)              = 0\n"
    "102 <... recvfrom resumed>)           = 96\n"
    "102 recvfrom(5, [{nlmsg_len=20, nlmsg_type=NLMSG_DONE}, 0], 32768, 0, NULL, NULL) = 20\n"
    "102 close(5)                          = 0\n"
    "200 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 7\n"
    "200 listen(7, 5)                      = 0\n"
    "201 recvfrom(8, \"\", 1024, 0, NULL, NULL) = 0\n"
    "200 accept(7, {sa_family=AF_INET}, [16] <unfinished ...>\n"
    "201 close(8 <unfinished ...>\n"
    "200 <... accept resumed>)             = 8\n"
    "201 <... close resumed>)              = 0\n"
    "200 recvfrom(8, \"x\", 1024, 0, NULL, NULL) = 1\n";
  g_autoptr(GArray) calls = NULL;
  g_autofree char *text = NULL;

  /* fd 8 was accepted before the trace began. */
  calls = traced_calls_from (trace, (const int[]) { 8, -1 });
  text = describe (calls);
  g_assert_cmpstr (text, ==, "socket(5) connect(5) sendto(5) recvfrom(5) close(5) socket(7) listen(7) recvfrom(8) "
                             "accept(7) close(8) recvfrom(8)");
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/strace/reused-descriptor", test_reused_descriptor);
  g_test_add_data_func ("/strace/tcp/iterative", "iterative", test_strace_tcp);
  g_test_add_data_func ("/strace/tcp/threads", "threads", test_strace_tcp);
  g_test_add_data_func ("/strace/tcp/loop", "loop", test_strace_tcp);

  return g_test_run ();
}
