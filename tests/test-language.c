/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-errno.h"
#include "lab-lessons.h"
#include "lab-locale.h"
#include "lab-test-engine.h"

/* One language at a time, everywhere: what the lab shows is kept by where
 * it comes from and put in words as it is read, so that a switch of
 * language while the lab runs leaves nothing in the language before. */

static LabEvent *
find_failure (LabTestLog  *log,
              LabEndpoint *endpoint)
{
  for (guint i = 0; i < log->events->len; i++)
    {
      LabEvent *event = log->events->pdata[i];

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint) &&
          lab_event_get_kind (event) == LAB_EVENT_NOTE && lab_event_get_note (event) == LAB_NOTE_FAILED)
        return event;
    }

  return NULL;
}

/* The words of a failed call, in the timeline and in the endpoint's
 * error, are those of the language they are read in, the errno's own
 * words too: never the language the call failed in. */
static void
test_failure (LabTestFixture *f,
              gconstpointer   backend)
{
  g_autoptr(LabEndpoint) server = lab_test_new_endpoint (f, LAB_ENDPOINT_TCP_SERVER, backend, "server");
  guint16 port;
  int fd = lab_test_hold_port (&port);
  LabEvent *failure;
  const char *languages[] = { "en", "es", "en" };

  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  lab_test_start (server);
  lab_test_wait_stopped (server);
  g_assert_cmpint (lab_endpoint_get_state (server), ==, LAB_ENDPOINT_STATE_FAILED);
  lab_timeline_flush (f->timeline);
  failure = find_failure (f->log, server);
  g_assert_nonnull (failure);

  /* What failed is kept in no language: the call and the errno's name. */
  g_assert_cmpstr (lab_event_get_note_arg (failure), ==, "bind: EADDRINUSE");

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gboolean spanish = g_str_equal (languages[i], "es");
      g_autofree char *summary = NULL;
      g_autofree char *error = NULL;

      lab_locale_set_language (languages[i]);
      summary = lab_event_dup_summary (failure);
      error = lab_errno_dup_failure (lab_endpoint_get_error (server));
      g_test_message ("%s: %s; %s", languages[i], summary, error);

      g_assert_true (g_str_has_prefix (summary, spanish ? "Detenido por un error: " : "Stopped by an error: "));
      g_assert_true (g_str_has_suffix (summary, spanish ? "EADDRINUSE (La dirección ya está en uso)"
                                                        : "EADDRINUSE (Address already in use)"));
      g_assert_true (g_str_has_suffix (error, spanish ? "EADDRINUSE (La dirección ya está en uso)"
                                                      : "EADDRINUSE (Address already in use)"));
      g_assert_cmpstr (lab_errno_message (EADDRINUSE), ==,
                       spanish ? "La dirección ya está en uso" : "Address already in use");
    }

  lab_locale_set_language ("en");
  close (fd);
}

/* The names, as the timeline's events give them, of the endpoints of
 * @session, in order. */
static GStrv
dup_event_names (LabTestLog *log,
                 LabSession *session)
{
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      LabEvent *call = lab_test_log_find_call (log, endpoint, LAB_OP_SOCKET);

      g_assert_nonnull (call);
      g_strv_builder_add (names, lab_event_get_endpoint_name (call));
    }

  return g_strv_builder_end (names);
}

static GStrv
dup_panel_names (LabSession *session)
{
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      g_autofree char *name = NULL;

      /* As a panel binds it: through the property. */
      g_object_get (endpoint, "name", &name, NULL);
      g_strv_builder_add (names, name);
    }

  return g_strv_builder_end (names);
}

/* What a lesson says, copied as it reads in the language of the moment. */
typedef struct {
  char  *title;
  char  *notes;
  GStrv  steps;
  GStrv  names;   /* its endpoints', then the lab's second TCP server's */
} Texts;

static void
texts_capture (Texts         *texts,
               LabExperiment *lesson,
               const char    *own)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  texts->title = g_strdup (lab_experiment_get_title (lesson));
  texts->notes = g_strdup (lab_experiment_get_notes (lesson));
  texts->steps = g_strdupv ((GStrv) lab_experiment_get_steps (lesson));
  for (guint i = 0; i < lab_experiment_get_n_endpoints (lesson); i++)
    g_strv_builder_add (names, lab_experiment_get_endpoint_name (lesson, i));
  g_strv_builder_add (names, own);
  texts->names = g_strv_builder_end (names);
}

static void
texts_clear (Texts *texts)
{
  g_free (texts->title);
  g_free (texts->notes);
  g_strfreev (texts->steps);
  g_strfreev (texts->names);
}

/* A lesson opened in one language, with a server of the bench's own beside
 * its endpoints, reads wholly in the language switched to: its title,
 * notes and steps, its endpoints' names, the name the lab gave the server,
 * in the endpoints and in the timeline's events; and is saved the same in
 * either, every language in it. */
static void
test_lesson (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) english = NULL;
  g_autoptr(LabExperiment) spanish = NULL;
  LabTestLog *log;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_english = NULL;
  g_autofree char *saved_spanish = NULL;
  GListModel *endpoints = lab_session_get_endpoints (session);
  LabEndpoint *own;

  Texts texts[2];

  /* The lesson's texts in each language, as it reads when opened in it. */
  lab_locale_set_language ("en");
  english = lab_lessons_load ("01-tcp-echo", &error);
  g_assert_no_error (error);
  texts_capture (&texts[0], english, "TCP server 2");
  lab_locale_set_language ("es");
  spanish = lab_lessons_load ("01-tcp-echo", &error);
  g_assert_no_error (error);
  texts_capture (&texts[1], spanish, "Servidor TCP 2");
  g_assert_cmpstr (texts[1].title, ==, "Eco TCP");
  g_assert_cmpstr (texts[1].names[0], ==, "Servidor de eco");
  g_assert_cmpstr (texts[0].names[0], ==, "Echo server");
  g_assert_cmpstr (texts[1].steps[0], !=, texts[0].steps[0]);
  g_assert_cmpstr (texts[1].notes, !=, texts[0].notes);

  /* Opened in English, and run: each endpoint's socket () is in the
   * timeline under its name. */
  lab_locale_set_language ("en");
  log = lab_test_log_new (lab_session_get_timeline (session));
  lab_session_load (session, english);
  own = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  g_assert_cmpstr (lab_endpoint_get_name (own), ==, "TCP server 2");
  /* The servers on ports the kernel chooses, the client to the lesson's. */
  {
    g_autoptr(LabEndpoint) server = g_list_model_get_item (endpoints, 0);
    g_autoptr(LabEndpoint) client = g_list_model_get_item (endpoints, 1);
    g_autoptr(LabExperiment) bench = NULL;

    g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
    g_object_set (lab_endpoint_get_config (client), "port", (guint) lab_test_start_server (server), NULL);
    lab_test_start (client);
    g_object_set (lab_endpoint_get_config (own), "port", 0, NULL);
    lab_test_start_server (own);
    lab_test_log_wait_calls (log, client, LAB_OP_SOCKET, 1);
    bench = lab_session_dup_experiment (session);
    saved_english = lab_experiment_to_data (bench, NULL);
  }

  /* Switched to Spanish, and back. */
  for (guint round = 0; round < 2; round++)
    {
      Texts *expected = &texts[round == 0 ? 1 : 0];
      g_auto(GStrv) panels = NULL;
      g_auto(GStrv) events = NULL;

      lab_locale_set_language (round == 0 ? "es" : "en");
      g_assert_cmpstr (lab_session_get_title (session), ==, expected->title);
      g_assert_cmpstr (lab_session_get_notes (session), ==, expected->notes);
      g_assert_cmpstrv (lab_session_get_steps (session), expected->steps);
      panels = dup_panel_names (session);
      g_assert_cmpstrv (panels, expected->names);
      events = dup_event_names (log, session);
      g_assert_cmpstrv (events, expected->names);
    }

  /* Saved in Spanish, it is the file saved in English: the lesson's texts
   * with their translations, and the lab's name as no name, which opens
   * again as the lab names it, in the language it is opened in. */
  lab_locale_set_language ("es");
  {
    g_autoptr(LabExperiment) bench = lab_session_dup_experiment (session);

    saved_spanish = lab_experiment_to_data (bench, NULL);
  }
  g_assert_cmpstr (saved_spanish, ==, saved_english);
  g_assert_nonnull (strstr (saved_spanish, "\nName=Echo server\nName[es]=Servidor de eco\n"));
  g_assert_nonnull (strstr (saved_spanish, "\nTitle=TCP echo\nTitle[es]=Eco TCP\n"));

  /* Saved in English, the bench is not changed by a switch: a setting
   * changed and set back leaves it as saved. */
  {
    g_autoptr(LabExperiment) bench = lab_session_dup_experiment (session);
    g_autoptr(LabEndpoint) server = g_list_model_get_item (endpoints, 0);
    LabEndpointConfig *config = lab_endpoint_get_config (server);
    guint backlog;

    lab_locale_set_language ("en");
    lab_session_set_saved (session, bench);
    g_assert_false (lab_session_get_modified (session));
    lab_locale_set_language ("es");
    g_object_get (config, "backlog", &backlog, NULL);
    g_object_set (config, "backlog", backlog + 1, NULL);
    g_assert_true (lab_session_get_modified (session));
    g_object_set (config, "backlog", backlog, NULL);
    g_assert_false (lab_session_get_modified (session));
  }
  {
    g_autoptr(LabExperiment) again = lab_experiment_new_from_data (saved_spanish, strlen (saved_spanish), &error);
    g_autoptr(LabSession) other = lab_session_new ();
    g_autoptr(LabEndpoint) third = NULL;

    g_assert_no_error (error);
    lab_session_load (other, again);
    third = g_list_model_get_item (lab_session_get_endpoints (other), 2);
    g_assert_cmpstr (lab_endpoint_get_name (third), ==, "Servidor TCP 2");
    lab_locale_set_language ("en");
    g_assert_cmpstr (lab_endpoint_get_name (third), ==, "TCP server 2");
    g_assert_cmpstr (lab_session_get_title (other), ==, "TCP echo");
  }

  lab_locale_set_language ("en");
  lab_session_stop_all (session);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      lab_test_wait_stopped (endpoint);
    }
  lab_test_log_free (log);
  texts_clear (&texts[0]);
  texts_clear (&texts[1]);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  lab_test_add_backends ("language", "failure", test_failure);
  g_test_add_func ("/language/lesson", test_lesson);

  return g_test_run ();
}
