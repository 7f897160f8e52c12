/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-errno.h"
#include "lab-explain.h"
#include "lab-locale.h"
#include "lab-test-engine.h"

/* Every kind of call the engine can record, every name it records it by,
 * and every error it can meet has an explanation, in English and in
 * Spanish. */

static void
assert_text (const char *text,
             const char *what,
             const char *name)
{
  if (text == NULL || strlen (text) < 10)
    g_error ("%s of %s: missing or too short", what, name);
}

static void
test_every_op (void)
{
  g_autoptr(GEnumClass) ops = g_type_class_ref (LAB_TYPE_OP);

  for (guint i = 0; i < ops->n_values; i++)
    {
      const LabExplanation *explanation = lab_explain_op (ops->values[i].value);

      if (explanation == NULL)
        g_error ("no explanation for %s", ops->values[i].value_nick);
      g_assert_cmpint (explanation->kind, ==, LAB_EXPLANATION_CALL);
      g_assert_cmpint (explanation->op, ==, ops->values[i].value);
      assert_text (explanation->what, "what", explanation->name);
      assert_text (explanation->result, "result", explanation->name);
    }
}

static void
test_every_error (void)
{
  g_autofree const char **names = lab_errno_all_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      const LabExplanation *explanation = lab_explain_error (lab_errno_from_name (names[i]));

      if (explanation == NULL)
        g_error ("no explanation for %s", names[i]);
      g_assert_cmpint (explanation->kind, ==, LAB_EXPLANATION_ERROR);
      g_assert_cmpstr (explanation->name, ==, names[i]);
      assert_text (explanation->means, "means", names[i]);
      assert_text (explanation->remedy, "remedy", names[i]);
    }
}

/* Every name actually recorded: servers and clients of both transports,
 * every concurrency model, a timed connect, on both backends, with the
 * lab's own calls too. */
static void
test_recorded_calls (LabTestFixture *f,
                     gconstpointer   backend)
{
  static const LabConcurrency models[] = {
    LAB_CONCURRENCY_ITERATIVE, LAB_CONCURRENCY_THREADS, LAB_CONCURRENCY_LOOP,
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hola\n", 5);

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
      g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_CLIENT, backend, "client");
      guint16 port;

      g_object_set (lab_endpoint_get_config (server), "concurrency", models[m], "reuseaddr", TRUE, NULL);
      port = lab_test_start_server (server);
      g_object_set (lab_endpoint_get_config (client),
                    "host", "localhost",
                    "port", (guint) port,
                    "connect-timeout", (guint) 2000,
                    "initial-data", hello,
                    "expect-bytes", (guint64) 5,
                    "shutdown-after-send", TRUE,
                    NULL);
      lab_test_start (client);
      lab_test_wait_stopped (client);
      lab_endpoint_stop (server);
      lab_test_wait_stopped (server);
    }

  {
    g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_SERVER, backend, "udp-server");
    g_autoptr(LabEndpoint) client = lab_test_new_endpoint (f, LAB_ENDPOINT_UDP_CLIENT, backend, "udp-client");
    guint16 port = lab_test_start_server (server);

    g_object_set (lab_endpoint_get_config (client),
                  "port", (guint) port,
                  "initial-data", hello,
                  "expect-bytes", (guint64) 5,
                  "udp-connect", TRUE,
                  NULL);
    lab_test_start (client);
    lab_test_wait_stopped (client);
    lab_endpoint_stop (server);
    lab_test_wait_stopped (server);
  }

  lab_timeline_flush (f->timeline);
  for (guint i = 0; i < f->log->events->len; i++)
    {
      LabEvent *event = f->log->events->pdata[i];
      const char *name;

      if (lab_event_get_kind (event) != LAB_EVENT_CALL)
        continue;
      name = lab_event_get_call_name (event);
      if (lab_explain_call (name) == NULL)
        g_error ("no explanation for the call %s", name);
      g_hash_table_add (seen, (gpointer) name);
      if (lab_event_get_errno (event) != 0 && lab_explain_error (lab_event_get_errno (event)) == NULL)
        g_error ("no explanation for the error %d of %s", lab_event_get_errno (event), name);
    }

  /* The run went through the calls of the course. */
  g_assert_cmpuint (g_hash_table_size (seen), >=, 12);
}

typedef struct {
  const char *name;
  const char *texts[6];
} Texts;

static void
collect (GArray               *all,
         const LabExplanation *explanation)
{
  Texts texts = { explanation->name, { explanation->what, explanation->arguments, explanation->waits,
                                       explanation->result, explanation->gio, NULL } };

  if (explanation->kind == LAB_EXPLANATION_ERROR)
    {
      texts.texts[0] = explanation->means;
      texts.texts[1] = explanation->remedy;
      texts.texts[2] = texts.texts[3] = texts.texts[4] = NULL;
    }
  g_array_append_val (all, texts);
}

static GArray *
collect_all (void)
{
  GArray *all = g_array_new (FALSE, TRUE, sizeof (Texts));
  g_autofree const char **calls = lab_explain_call_names ();
  g_autofree const char **errors = lab_errno_all_names ();

  for (guint i = 0; calls[i] != NULL; i++)
    collect (all, lab_explain_call (calls[i]));
  for (guint i = 0; errors[i] != NULL; i++)
    collect (all, lab_explain_error (lab_errno_from_name (errors[i])));

  return all;
}

/* What the course's Python raises for each error: the OSError subclass
 * Python makes of that errno, or OSError itself with the errno. */
static const struct {
  const char *error;
  const char *python;
} python_raises[] = {
  { "EPERM", "PermissionError" },
  { "EACCES", "PermissionError" },
  { "ENOENT", "FileNotFoundError" },
  { "EINTR", "InterruptedError" },
  { "EAGAIN", "BlockingIOError" },
  { "EALREADY", "BlockingIOError" },
  { "EINPROGRESS", "BlockingIOError" },
  { "EPIPE", "BrokenPipeError" },
  { "ESHUTDOWN", "BrokenPipeError" },
  { "ECONNABORTED", "ConnectionAbortedError" },
  { "ECONNREFUSED", "ConnectionRefusedError" },
  { "ECONNRESET", "ConnectionResetError" },
  { "ETIMEDOUT", "TimeoutError" },
  { "G_IO_ERROR_TIMED_OUT", "TimeoutError" },
  { "ECANCELED", "KeyboardInterrupt" },
  { "EAI_SYSTEM", "OSError" },
};

static char *
expected_python (const char *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (python_raises); i++)
    if (g_str_equal (python_raises[i].error, error))
      return g_strdup (python_raises[i].python);

  if (g_str_has_prefix (error, "EAI_"))
    return g_strdup ("socket.gaierror");
  return g_strdup_printf ("OSError with errno %s", error);
}

/* Every error says what the course's Python raises, in both languages. */
static void
test_python_exceptions (void)
{
  g_autofree const char **names = lab_errno_all_names ();
  const char *languages[] = { "en", "es" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      lab_locale_set_language (languages[l]);
      for (guint i = 0; names[i] != NULL; i++)
        {
          const LabExplanation *explanation = lab_explain_error (lab_errno_from_name (names[i]));
          g_autofree char *python = expected_python (names[i]);
          g_autofree char *text = g_strconcat (explanation->means, " ", explanation->remedy, NULL);
          g_autofree char *python_es = NULL;

          /* “OSError with errno X” is “OSError con errno X” in Spanish. */
          if (g_str_equal (languages[l], "es") && g_str_has_prefix (python, "OSError with errno "))
            python_es = g_strdup_printf ("OSError con errno %s", names[i]);
          if (strstr (text, python_es != NULL ? python_es : python) == NULL)
            g_error ("%s (%s): does not say that the course's Python raises %s: %s",
                     names[i], languages[l], python, text);
        }
    }
  lab_locale_set_language (NULL);
}

/* Words of the window alone: protolab-cli explain prints the same texts,
 * and a terminal has no Advanced section, no buttons and no step mode. */
static const char *const window_words[] = {
  "Advanced", "Timeout (ms)", "Resolve to", "Most clients at once", "pressed", "Press ",
  "Step mode", "button", "Stop wakes", "Stop interrupted", "Stop closes", "Stop drops", "by Stop",
  "when Stop",
  /* and in Spanish */
  "Avanzado", "(ms)", "Resolver a", "pulsaste", "Pulsa ", "Detener", "modo Paso", "botón",
};

static void
test_no_window_words (void)
{
  const char *languages[] = { "en", "es" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(GArray) all = NULL;

      lab_locale_set_language (languages[l]);
      all = collect_all ();
      for (guint i = 0; i < all->len; i++)
        {
          Texts *texts = &g_array_index (all, Texts, i);

          for (guint t = 0; t < G_N_ELEMENTS (texts->texts) && texts->texts[t] != NULL; t++)
            for (guint w = 0; w < G_N_ELEMENTS (window_words); w++)
              if (strstr (texts->texts[t], window_words[w]) != NULL)
                g_error ("%s (%s) names the window's “%s”: %s",
                         texts->name, languages[l], window_words[w], texts->texts[t]);
        }
    }
  lab_locale_set_language (NULL);
}

/* A GIO name whose arguments are not the BSD call's says its own: GLib's
 * main loop takes a context and may_block, not poll ()'s list; GLib's
 * resolver takes no port, family or socket type. */
static void
test_gio_arguments (void)
{
  const LabExplanation *iteration = lab_explain_call ("g_main_context_iteration");
  const LabExplanation *lookup = lab_explain_call ("g_resolver_lookup_by_name");
  const LabExplanation *bind = lab_explain_call ("g_socket_bind");

  for (guint i = 0; i < LAB_N_CALLS; i++)
    {
      LabCall posix_call;
      const LabExplanation *gio, *posix;

      if (lab_call_get_backend (i) != LAB_BACKEND_GIO ||
          !lab_op_get_call (lab_call_get_op (i), LAB_BACKEND_POSIX, &posix_call))
        continue;
      gio = lab_explain_call (lab_call_get_name (i));
      posix = lab_explain_call (lab_call_get_name (posix_call));
      if (gio->arguments == NULL || g_strcmp0 (gio->arguments, posix->arguments) == 0)
        g_error ("%s: the arguments of %s, not its own", lab_call_get_name (i), lab_call_get_name (posix_call));
    }

  g_assert_nonnull (strstr (iteration->arguments, "may_block"));
  g_assert_null (strstr (iteration->arguments, "POLLIN"));
  g_assert_null (strstr (lookup->arguments, "AF_UNSPEC"));
  g_assert_nonnull (strstr (lookup->gio, "/etc/hosts"));

  /* GLib 2.74 sets SO_REUSEPORT on TCP too: to 0. */
  g_assert_nonnull (strstr (bind->gio, "SO_REUSEPORT"));
  g_assert_nonnull (strstr (bind->gio, "TCP"));
  g_assert_null (strstr (lab_explain_lookup ("bind")->arguments, "allow_reuse"));

  /* EPIPE comes with the signal it is the quiet form of. */
  g_assert_nonnull (strstr (lab_explain_lookup ("EPIPE")->means, "SIGPIPE"));
}

/* In Spanish each part is the catalogue's own, not the English. */
static void
test_spanish (void)
{
  g_autoptr(GArray) english = NULL;
  g_autoptr(GArray) spanish = NULL;

  lab_locale_set_language ("en");
  english = collect_all ();
  lab_locale_set_language ("es");
  spanish = collect_all ();
  lab_locale_set_language (NULL);

  g_assert_cmpuint (english->len, ==, spanish->len);
  for (guint i = 0; i < english->len; i++)
    {
      Texts *en = &g_array_index (english, Texts, i);
      Texts *es = &g_array_index (spanish, Texts, i);

      g_assert_cmpstr (en->name, ==, es->name);
      for (guint t = 0; t < G_N_ELEMENTS (en->texts); t++)
        {
          g_assert_true ((en->texts[t] == NULL) == (es->texts[t] == NULL));
          if (en->texts[t] != NULL && g_str_equal (en->texts[t], es->texts[t]))
            g_error ("%s: not translated: %s", en->name, en->texts[t]);
        }
    }

  /* A known one, to be sure the catalogue was read. */
  lab_locale_set_language ("es");
  g_assert_nonnull (strstr (lab_explain_lookup ("ECONNREFUSED")->remedy, "servidor"));
  lab_locale_set_language (NULL);
}

static void
test_lookup (void)
{
  const LabExplanation *gio = lab_explain_lookup ("g_socket_accept");
  const LabExplanation *posix = lab_explain_lookup ("accept");

  g_assert_nonnull (gio);
  g_assert_nonnull (posix);
  g_assert_cmpint (gio->op, ==, LAB_OP_ACCEPT);
  g_assert_nonnull (gio->gio);
  g_assert_null (posix->gio);
  g_assert_true (gio->what == posix->what);
  g_assert_nonnull (posix->waits);
  g_assert_null (lab_explain_lookup ("bind")->waits);

  g_assert_true (lab_explain_lookup ("econnrefused") == lab_explain_lookup ("ECONNREFUSED"));
  g_assert_nonnull (lab_explain_lookup ("EAI_NONAME"));
  g_assert_null (lab_explain_lookup ("no_such_call"));
  g_assert_null (lab_explain_error (0));

  {
    g_autofree char *text = lab_explanation_format (posix);

    g_assert_true (g_str_has_prefix (text, "accept ()\n"));
    g_assert_nonnull (strstr (text, posix->waits));
  }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/explain/every-op", test_every_op);
  g_test_add_func ("/explain/every-error", test_every_error);
  g_test_add_func ("/explain/spanish", test_spanish);
  g_test_add_func ("/explain/lookup", test_lookup);
  g_test_add_func ("/explain/python-exceptions", test_python_exceptions);
  g_test_add_func ("/explain/no-window-words", test_no_window_words);
  g_test_add_func ("/explain/gio-arguments", test_gio_arguments);
  lab_test_add_backends ("explain", "recorded-calls", test_recorded_calls);

  return g_test_run ();
}
