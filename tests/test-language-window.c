/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gdk/x11/gdkx.h>

#include "lab-application.h"
#include "lab-endpoint-panel.h"
#include "lab-lessons.h"
#include "lab-locale.h"
#include "lab-test-ui.h"
#include "lab-window.h"

/* A lesson opened in English, its server failed on a port the test holds
 * and started with a real key press, then the language switched while the
 * lab runs: the window is made again, and all it says of the lesson, of
 * the endpoints and of the failure is in the new language, then back. */

static gboolean
is_failed (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_FAILED;
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

static gboolean
is_stopped (gpointer data)
{
  return !lab_endpoint_is_active (data);
}

static const char *
label_text (GtkWidget  *widget,
            GType       type,
            const char *child)
{
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (widget, type, child)));
}

/* Every label's text under @root, shown or not. */
static void
collect_labels (GtkWidget *root,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (root))));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (texts->pdata[i], text))
      return TRUE;
  return FALSE;
}

static gboolean
has_part (GPtrArray  *texts,
          const char *part)
{
  for (guint i = 0; i < texts->len; i++)
    if (strstr (texts->pdata[i], part) != NULL)
      return TRUE;
  return FALSE;
}

/* What the window must say in one language, and what it must not. */
typedef struct {
  const char *language;
  char       *title;
  char       *notes;
  char       *steps;     /* numbered, as the lesson bar shows them */
  const char *names[3];  /* the lesson's server and client, the lab's server */
  const char *error;     /* the server's panel */
  const char *note;      /* the timeline's row of the failure */
  const char *foreign[6]; /* words of the other language */
} Expected;

static void
expected_read (Expected   *e,
               const char *language)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) lesson = NULL;
  g_autoptr(GString) steps = g_string_new (NULL);
  const char * const *list;

  /* The lesson's own texts, as it reads opened in @language. */
  lab_locale_set_language (language);
  lesson = lab_lessons_load ("01-tcp-echo", &error);
  g_assert_no_error (error);
  e->title = g_strdup (lab_experiment_get_title (lesson));
  e->notes = g_strdup (lab_experiment_get_notes (lesson));
  list = lab_experiment_get_steps (lesson);
  for (guint i = 0; list[i] != NULL; i++)
    g_string_append_printf (steps, "%s%u. %s", i > 0 ? "\n" : "", i + 1, list[i]);
  e->steps = g_strdup (steps->str);
  lab_locale_set_language ("en");
}

static void
expected_clear (Expected *e)
{
  g_free (e->title);
  g_free (e->notes);
  g_free (e->steps);
}

static void
assert_window_in (LabWindow      *window,
                  LabSession     *session,
                  const Expected *e)
{
  g_autoptr(GPtrArray) everywhere = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(LabEndpoint) server = g_list_model_get_item (endpoints, 0);
  const char *error;

  g_test_message ("in %s", e->language);
  g_assert_cmpstr (label_text (GTK_WIDGET (window), LAB_TYPE_WINDOW, "lesson_title"), ==, e->title);
  g_assert_cmpstr (label_text (GTK_WIDGET (window), LAB_TYPE_WINDOW, "lesson_notes"), ==, e->notes);
  g_assert_cmpstr (label_text (GTK_WIDGET (window), LAB_TYPE_WINDOW, "lesson_steps"), ==, e->steps);

  for (guint i = 0; i < G_N_ELEMENTS (e->names); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      g_assert_cmpstr (label_text (lab_window_get_panel (window, endpoint), LAB_TYPE_ENDPOINT_PANEL, "name_label"), ==,
                       e->names[i]);
    }

  error = label_text (lab_window_get_panel (window, server), LAB_TYPE_ENDPOINT_PANEL, "error_label");
  g_test_message ("error: %s", error);
  g_assert_cmpstr (error, ==, e->error);

  /* The timeline's rows name the endpoints and say the failure, in the
   * same language; nothing in the window is in the other. */
  collect_labels (lab_window_get_timeline_view (window), rows);
  g_assert_true (has_text (rows, e->names[0]));
  g_assert_true (has_text (rows, e->names[2]));
  g_assert_true (has_part (rows, e->note));
  collect_labels (GTK_WIDGET (window), everywhere);
  for (guint i = 0; i < G_N_ELEMENTS (e->foreign) && e->foreign[i] != NULL; i++)
    {
      if (has_part (everywhere, e->foreign[i]))
        g_error ("“%s” is still shown in %s", e->foreign[i], e->language);
    }
}

static void
switch_language (LabApplication *app,
                 const char     *language)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "language", g_variant_new_string (language));
  lab_test_ui_wait_mapped (GTK_WIDGET (lab_test_ui_the_window ()));
  lab_test_ui_wait_drawn (GTK_WIDGET (lab_test_ui_the_window ()));
  lab_test_ui_settle ();
}

static void
test_switch (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  LabWindow *window = lab_window_new (GTK_APPLICATION (app), session);
  g_autoptr(LabEndpoint) server = NULL;
  LabEndpoint *own;
  GtkWidget *start;
  guint16 port;
  int fd = lab_test_hold_port (&port);
  Expected english = {
    "en", NULL, NULL, NULL, { "Echo server", "Client", "TCP server 2" },
    "Could not go on: bind: EADDRINUSE (Address already in use)",
    "Stopped by an error: bind: EADDRINUSE (Address already in use)",
    { "Servidor", "Cliente", "dirección", "No pudo seguir", "Detenido", NULL },
  };
  Expected spanish = {
    "es", NULL, NULL, NULL, { "Servidor de eco", "Cliente", "Servidor TCP 2" },
    "No pudo seguir: bind: EADDRINUSE (La dirección ya está en uso)",
    "Detenido por un error: bind: EADDRINUSE (La dirección ya está en uso)",
    { "Echo server", "TCP server", "Address", "already in use", "Could not go on", "Stopped by" },
  };

  expected_read (&english, "en");
  expected_read (&spanish, "es");
  g_assert_cmpstr (spanish.title, !=, english.title);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  lab_test_ui_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-lesson", "s", "01-tcp-echo");
  lab_test_ui_settle ();
  g_assert_cmpstr (lab_session_get_title (session), ==, "TCP echo");

  /* The lesson's server on the port the test holds, and one of the
   * bench's own on a port the kernel gives. */
  server = g_list_model_get_item (lab_session_get_endpoints (session), 0);
  g_object_set (lab_endpoint_get_config (server), "port", (guint) port, NULL);
  own = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);
  g_object_set (lab_endpoint_get_config (own), "port", 0, NULL);
  g_assert_true (lab_endpoint_start (own, NULL));
  lab_test_ui_wait (has_port, own, 10000);

  /* Start, pressed on the server's panel. */
  start = GTK_WIDGET (gtk_widget_get_template_child (lab_window_get_panel (window, server), LAB_TYPE_ENDPOINT_PANEL,
                                                    "start_button"));
  lab_test_ui_settle ();
  gtk_widget_grab_focus (start);
  lab_test_ui_focus_x_window (GTK_WINDOW (window));
  lab_test_ui_xdotool ("key", "--clearmodifiers", "space", NULL);
  lab_test_ui_wait (is_failed, server, 10000);
  lab_timeline_flush (lab_session_get_timeline (session));
  lab_test_ui_wait_drawn (GTK_WIDGET (window));
  lab_test_ui_settle ();
  assert_window_in (window, session, &english);

  switch_language (app, "es");
  g_assert_true (lab_test_ui_the_window () != window);
  assert_window_in (lab_test_ui_the_window (), session, &spanish);

  /* The failed call's words, in the timeline and in the panel, are the
   * catalogue's in Spanish, the errno's too; and back in English, none. */
  switch_language (app, "");
  assert_window_in (lab_test_ui_the_window (), session, &english);
  g_assert_true (lab_endpoint_is_active (own));

  lab_session_stop_all (session);
  lab_test_ui_wait (is_stopped, own, 10000);
  {
    g_autoptr(LabExperiment) empty = lab_experiment_new ();

    lab_session_load (session, empty);
  }
  gtk_window_destroy (GTK_WINDOW (lab_test_ui_the_window ()));
  lab_test_ui_settle ();
  close (fd);
  expected_clear (&english);
  expected_clear (&spanish);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  /* Startup applies the settings, as in a real run. */
  g_application_hold (G_APPLICATION (lab_test_ui_application ()));

  g_test_add_func ("/language-window/switch", test_switch);

  return g_test_run ();
}
