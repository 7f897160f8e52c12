/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-bytes-view.h"
#include "lab-explain.h"
#include "lab-format.h"
#include "lab-send-box.h"
#include "lab-state-diagram.h"
#include "lab-step-bar.h"
#include "lab-endpoint-panel.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The window, driven as a student does: add a server and a client from the
 * Add menu's actions, start them, type and send, and read the timeline and
 * the bytes view. Real widgets, real sockets. */

typedef struct {
  const char     *server;
  const char     *client;
  LabBackendKind  backend;
  gboolean        tcp;
} Case;

static LabWindow *
open_window (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window = g_object_ref (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app)));

  lab_test_ui_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (LabWindow *window)
{
  LabSession *session = lab_window_get_session (window);
  GListModel *endpoints = lab_session_get_endpoints (session);

  /* The next test starts on an empty bench. */
  while (g_list_model_get_n_items (endpoints) > 0)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, 0);

      lab_session_remove (session, endpoint);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
type_into (LabEndpointPanel *panel,
           const char       *field,
           const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, field)), text);
}

static gboolean
start_enabled (LabEndpointPanel *panel)
{
  return gtk_widget_is_sensitive (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, "start_button"));
}

static void
choose_backend (LabEndpointPanel *panel,
                LabBackendKind    backend)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL,
                                                          backend == LAB_BACKEND_GIO ? "gio_button"
                                                                                     : "posix_button")),
                                TRUE);
}

static void
press_start (LabEndpointPanel *panel)
{
  g_assert_true (start_enabled (panel));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "panel.start-stop", NULL));
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

static gboolean
is_talking (gpointer data)
{
  LabEndpointState state = lab_endpoint_get_state (data);

  return state == LAB_ENDPOINT_STATE_CONNECTED || state == LAB_ENDPOINT_STATE_RUNNING;
}

static gboolean
is_stopped (gpointer data)
{
  return !lab_endpoint_is_active (data);
}

typedef struct {
  LabWindow   *window;
  const char  *expected;
} BytesWait;

static gboolean
bytes_view_shows (gpointer data)
{
  BytesWait *w = data;
  g_autofree char *text = lab_bytes_view_dup_text (LAB_BYTES_VIEW (lab_window_get_bytes_view (w->window)));

  return g_str_equal (text, w->expected);
}

/* The rows of @endpoint that are its program's calls, as the timeline
 * shows them, one a line. */
static char *
timeline_calls (LabWindow   *window,
                LabEndpoint *endpoint)
{
  GListModel *rows = lab_timeline_view_get_model (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window)));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (rows, i);
      g_autofree char *text = NULL;
      g_autofree char *result = NULL;

      if (lab_event_get_endpoint_id (event) != lab_endpoint_get_id (endpoint) ||
          lab_event_get_kind (event) != LAB_EVENT_CALL)
        continue;

      text = lab_format_event (event);
      result = lab_format_result (event);
      g_string_append_printf (out, "%s → %s\n", text, result);
    }

  return g_string_free (out, FALSE);
}

/* Each of @wanted appears in @text, in that order. */
static void
assert_in_order (const char         *text,
                 const char * const *wanted)
{
  const char *at = text;

  for (guint i = 0; wanted[i] != NULL; i++)
    {
      const char *found = strstr (at, wanted[i]);

      if (found == NULL)
        g_error ("“%s” not found in order in:\n%s", wanted[i], text);
      at = found + strlen (wanted[i]);
    }
}

/* Until the panel says what it does in @words. */
typedef struct {
  GtkLabel   *label;
  const char *words;
} StateWait;

static gboolean
state_says (gpointer data)
{
  StateWait *w = data;

  return g_strcmp0 (gtk_label_get_text (w->label), w->words) == 0;
}

static void
wait_state_says (LabEndpointPanel *panel,
                 const char       *words)
{
  StateWait w = { GTK_LABEL (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, "state_label")), words };

  lab_test_ui_wait (state_says, &w, 10000);
}

static void
test_bench_exchange (gconstpointer data)
{
  const Case *c = data;
  LabWindow *window = open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, c->server);
  LabEndpointPanel *client = NULL;
  LabEndpoint *server_endpoint = lab_endpoint_panel_get_endpoint (server);
  LabEndpoint *client_endpoint;
  GtkWidget *send_box;
  g_autofree char *port = NULL;
  g_autofree char *server_calls = NULL;
  g_autofree char *client_calls = NULL;
  BytesWait bytes = { window, "→ hola\\n [68 6f 6c 61 0a]\n← hola\\n [68 6f 6c 61 0a]\n" };
  gboolean gio = c->backend == LAB_BACKEND_GIO;
  /* The call each waits in, by the name the timeline gives it. */
  const char *receive = c->tcp ? (gio ? "g_socket_receive" : "recv") : (gio ? "g_socket_receive_message" : "recvfrom");
  g_autofree char *server_waits = c->tcp ? g_strdup_printf ("Waiting in %s () for a client",
                                                            gio ? "g_socket_accept" : "accept")
                                         : g_strdup_printf ("Running, waiting in %s ()", receive);
  g_autofree char *client_waits = g_strdup_printf ("%s, waiting in %s ()", c->tcp ? "Connected" : "Running", receive);

  /* Port 0: the kernel picks one, so tests can run side by side. */
  choose_backend (server, c->backend);
  type_into (server, "port_entry", "0");
  press_start (server);
  lab_test_ui_wait (has_port, server_endpoint, 10000);
  wait_state_says (server, server_waits);

  /* A new client is filled in to reach the last server; its port is the
   * one the kernel chose. */
  client = lab_test_ui_add (window, c->client);
  client_endpoint = lab_endpoint_panel_get_endpoint (client);
  choose_backend (client, c->backend);
  port = g_strdup_printf ("%u", lab_endpoint_get_port (server_endpoint));
  type_into (client, "port_entry", port);
  press_start (client);
  lab_test_ui_wait (is_talking, client_endpoint, 10000);

  /* Its receive has begun, as the engine says: what is typed now is sent
   * after it, as the calls below are checked. Connected, a client may
   * not have reached its recv yet. */
  lab_test_wait_waiting_in (client_endpoint, c->tcp ? "recv" : "recvfrom");
  wait_state_says (client, client_waits);

  /* Type “hola”, Enter: the line end is LF. */
  send_box = lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL, "send_box");
  gtk_editable_set_text (GTK_EDITABLE (lab_test_ui_child (send_box, LAB_TYPE_SEND_BOX, "entry")), "hola");
  g_signal_emit_by_name (lab_test_ui_child (send_box, LAB_TYPE_SEND_BOX, "entry"), "activate");

  /* The bytes view shows the client's connection: out, then the echo in. */
  lab_test_ui_wait (bytes_view_shows, &bytes, 10000);

  server_calls = timeline_calls (window, server_endpoint);
  client_calls = timeline_calls (window, client_endpoint);
  g_test_message ("server:\n%s\nclient:\n%s", server_calls, client_calls);

  if (c->tcp && c->backend == LAB_BACKEND_POSIX)
    {
      const char *server_wanted[] = { "socket (AF_INET, SOCK_STREAM, 0) → ", "bind (", "('127.0.0.1', 0)) → 0",
                                      "listen (", "accept (", "recv (", "→ 5", "send (", "b'hola\\n'", "→ 5",
                                      NULL };
      /* The client's recv began, and waited, before the send: its row is
       * where it began, and shows what it returned. */
      const char *client_wanted[] = { "getaddrinfo ('127.0.0.1'", "socket (AF_INET, SOCK_STREAM, 0)",
                                      "connect (", "→ 0", "getsockname (", "recv (", "→ 5", "send (",
                                      "b'hola\\n'", "→ 5", NULL };

      assert_in_order (server_calls, server_wanted);
      assert_in_order (client_calls, client_wanted);
    }
  else if (c->tcp)
    {
      const char *server_wanted[] = { "g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM", "g_socket_bind (",
                                      "g_socket_listen (", "g_socket_accept (", "g_socket_receive (", "→ 5",
                                      "g_socket_send (", "→ 5", NULL };
      const char *client_wanted[] = { "g_resolver_lookup_by_name (", "g_socket_new (", "g_socket_connect (",
                                      "→ TRUE", "g_socket_receive (", "→ 5", "g_socket_send (", "→ 5", NULL };

      assert_in_order (server_calls, server_wanted);
      assert_in_order (client_calls, client_wanted);
    }
  else if (c->backend == LAB_BACKEND_POSIX)
    {
      const char *server_wanted[] = { "socket (AF_INET, SOCK_DGRAM, 0)", "bind (", "recvfrom (", "→ 5",
                                      "sendto (", "→ 5", NULL };
      const char *client_wanted[] = { "getaddrinfo (", "socket (AF_INET, SOCK_DGRAM, 0)", "recvfrom (",
                                      "→ 5", "sendto (", "b'hola\\n'", NULL };

      assert_in_order (server_calls, server_wanted);
      assert_in_order (client_calls, client_wanted);
    }
  else
    {
      const char *server_wanted[] = { "g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM", "g_socket_bind (",
                                      "g_socket_receive_message (", "→ 5", "g_socket_send_to (", "→ 5", NULL };
      const char *client_wanted[] = { "g_resolver_lookup_by_name (", "g_socket_receive_message (", "→ 5",
                                      "g_socket_send_to (", "→ 5", NULL };

      assert_in_order (server_calls, server_wanted);
      assert_in_order (client_calls, client_wanted);
    }

  /* Stop: every blocked call wakes, both stop. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (client), "panel.start-stop", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server), "panel.start-stop", NULL));
  lab_test_ui_wait (is_stopped, client_endpoint, 10000);
  lab_test_ui_wait (is_stopped, server_endpoint, 10000);

  close_window (window);
}

/* Bad input is refused as it is typed: Start stays off and the field says
 * why. */
static void
test_bench_validation (void)
{
  LabWindow *window = open_window ();
  LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
  GtkLabel *port_error = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL, "port_error"));
  GtkLabel *address_error = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL, "address_error"));
  static const struct {
    const char *port;
    const char *says;
  } ports[] = {
    { "0", "0" },
    { "70000", "65535" },
    { "abc", "abc" },
    { "", "port" },
  };

  g_assert_true (start_enabled (client));

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      type_into (client, "port_entry", ports[i].port);
      g_assert_false (start_enabled (client));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (port_error)));
      g_assert_nonnull (strstr (gtk_label_get_text (port_error), ports[i].says));
      g_assert_true (gtk_widget_has_css_class (lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL, "port_entry"),
                                               "error"));
    }

  type_into (client, "port_entry", "5000");
  g_assert_true (start_enabled (client));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (port_error)));

  type_into (client, "address_entry", "");
  g_assert_false (start_enabled (client));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (address_error)));
  g_assert_cmpuint (strlen (gtk_label_get_text (address_error)), >, 10);

  type_into (client, "address_entry", "no such host!");
  g_assert_false (start_enabled (client));
  g_assert_nonnull (strstr (gtk_label_get_text (address_error), "no such host!"));

  type_into (client, "address_entry", "localhost");
  g_assert_true (start_enabled (client));

  /* A server open to every interface may start, and says so. */
  {
    LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
    GtkLabel *warning = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL, "address_error"));

    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (warning)));
    type_into (server, "address_entry", "0.0.0.0");
    g_assert_true (start_enabled (server));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (warning)));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (warning), "field-warning"));
    type_into (server, "address_entry", "::");
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (warning)));
    type_into (server, "address_entry", "127.0.0.1");
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (warning)));

    /* A field in error says why beneath it; made right, it loses both the
     * border and the words. localhost binds 127.0.0.1, as with --bind. */
    {
      static const char *fields[][3] = {
        { "address_entry", "no address", "localhost" },
        { "port_entry", "99999", "0" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          GtkWidget *entry = lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL, fields[i][0]);
          GtkWidget *says = lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL,
                                   i == 0 ? "address_error" : "port_error");

          type_into (server, fields[i][0], fields[i][1]);
          g_assert_true (gtk_widget_has_css_class (entry, "error"));
          g_assert_true (gtk_widget_get_visible (says));
          g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (says)), fields[i][1]));
          type_into (server, fields[i][0], fields[i][2]);
          g_assert_false (gtk_widget_has_css_class (entry, "error"));
          g_assert_false (gtk_widget_get_visible (says));
          g_assert_true (start_enabled (server));
        }
    }
  }

  close_window (window);
}

typedef struct {
  LabEndpoint *endpoint;
} FailWait;

static gboolean
has_failed (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_FAILED;
}

/* A port in use: the panel says so in words, with the errno's name. */
/* Beneath the error, what it means and what to try. */
static void
assert_explained (LabEndpointPanel *panel,
                  int               err)
{
  GtkLabel *hint = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, "error_hint"));
  const LabExplanation *explanation = lab_explain_error (err);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (hint)));
  g_assert_nonnull (strstr (gtk_label_get_text (hint), explanation->means));
  g_assert_nonnull (strstr (gtk_label_get_text (hint), explanation->remedy));
}

static void
test_bench_port_in_use (void)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  LabWindow *window = open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  GtkLabel *error = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL, "error_label"));
  GtkLabel *state = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL, "state_label"));
  g_autofree char *port = NULL;

  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  port = g_strdup_printf ("%u", ntohs (sin.sin_port));

  type_into (server, "port_entry", port);
  press_start (server);
  lab_test_ui_wait (has_failed, lab_endpoint_panel_get_endpoint (server), 10000);
  close (fd);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_nonnull (strstr (gtk_label_get_text (error), "bind: EADDRINUSE"));
  g_assert_cmpstr (gtk_label_get_text (state), ==, "Stopped by an error");
  assert_explained (server, EADDRINUSE);

  /* It can be started again, once the port is free. */
  g_assert_true (start_enabled (server));

  close_window (window);
}

/* A setting the form has no field for, as a file may leave it, that
 * Start refuses: said under the name, however often the panel is told
 * again, until it starts. */
static void
test_bench_start_refused (void)
{
  LabWindow *window = open_window ();
  LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
  LabEndpoint *endpoint = lab_endpoint_panel_get_endpoint (client);
  GtkLabel *error = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL, "error_label"));
  g_autoptr(GError) why = NULL;

  g_object_set (lab_endpoint_get_config (endpoint), "local-address", "nowhere", NULL);
  g_assert_false (lab_endpoint_config_validate (lab_endpoint_get_config (endpoint), &why));
  press_start (client);
  g_assert_false (lab_endpoint_is_active (endpoint));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (gtk_label_get_text (error), ==, why->message);

  /* The focus from a field to a button and back: each time the panel is
   * told again which key steps. */
  for (guint i = 0; i < 2; i++)
    {
      gtk_widget_grab_focus (lab_test_ui_child (GTK_WIDGET (client), LAB_TYPE_ENDPOINT_PANEL,
                                                i == 0 ? "start_button" : "port_entry"));
      lab_test_ui_wait_drawn (GTK_WIDGET (client));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
      g_assert_cmpstr (gtk_label_get_text (error), ==, why->message);
    }

  /* Set right, it starts (to a port no one listens on): nothing more of
   * what Start said. */
  g_object_set (lab_endpoint_get_config (endpoint), "local-address", "", "port",
                (guint) lab_test_free_port (SOCK_STREAM), NULL);
  press_start (client);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)) &&
                  g_strcmp0 (gtk_label_get_text (error), why->message) == 0);
  lab_test_ui_wait (is_stopped, endpoint, 10000);

  close_window (window);
}

typedef struct {
  LabWindow  *window;
  const char *text;
} StepBarWait;

static gboolean
step_bar_says (gpointer data)
{
  StepBarWait *w = data;
  g_autofree char *text = lab_step_bar_dup_text (LAB_STEP_BAR (lab_window_get_step_bar (w->window)));

  return strstr (text, w->text) != NULL;
}

static void
wait_step_bar (LabWindow  *window,
               const char *text)
{
  StepBarWait w = { window, text };

  lab_test_ui_wait (step_bar_says, &w, 10000);
}

static guint
count_rows_with (LabWindow   *window,
                 LabEndpoint *endpoint,
                 const char  *call)
{
  LabTimelineView *view = LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window));
  GListModel *rows = lab_timeline_view_get_model (view);
  guint n = 0;

  /* The rows follow the timeline as it is flushed, with nothing more to
   * wait for. */
  lab_timeline_flush (lab_session_get_timeline (lab_window_get_session (window)));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (rows, i);

      n += lab_event_get_kind (event) == LAB_EVENT_CALL &&
           lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint) &&
           g_str_equal (lab_event_get_call_name (event), call);
    }

  return n;
}

typedef struct {
  LabWindow   *window;
  LabEndpoint *endpoint;
  const char  *call;
} RowsWait;

static gboolean
has_one_row (gpointer data)
{
  RowsWait *w = data;

  return count_rows_with (w->window, w->endpoint, w->call) == 1;
}

/* Step mode from the window: each call is held and explained before it is
 * made, Step makes it and shows its result, and at accept the bar says
 * why it now waits. */
static void
test_bench_step (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpoint *endpoint = lab_endpoint_panel_get_endpoint (server);
  GtkWidget *bar = lab_window_get_step_bar (window);
  const char *held[] = { "socket (", "bind (", "listen (", "getsockname (", "accept (" };

  type_into (server, "port_entry", "0");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "step-mode", g_variant_new_boolean (TRUE));
  g_assert_true (lab_session_get_step_mode (session));
  g_assert_true (lab_endpoint_get_step_mode (endpoint));
  lab_test_ui_wait_mapped (bar);
  press_start (server);

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      /* Held, with what it does; not made yet. */
      wait_step_bar (window, held[i]);
      {
        g_autofree char *name = g_strndup (held[i], strlen (held[i]) - 2);
        const LabExplanation *explanation = lab_explain_call (name);

        wait_step_bar (window, explanation->what);
        g_assert_cmpuint (count_rows_with (window, endpoint, name), ==, 0);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL));
        if (i + 1 < G_N_ELEMENTS (held))
          {
            RowsWait made = { window, endpoint, name };

            /* Made: its row in the timeline, the next call held, and it
             * as the last call with its result. The bar's words for one
             * call may name the next: the row says it was made. */
            lab_test_ui_wait (has_one_row, &made, 10000);
            wait_step_bar (window, held[i + 1]);
            wait_step_bar (window, "Last call: ");
          }
      }
    }

  /* accept waits for a client: the bar says so, and why. */
  wait_step_bar (window, "waits in this call");
  wait_step_bar (window, lab_explain_call ("accept")->waits);
  lab_test_wait_waiting_in (endpoint, "accept");
  g_assert_cmpint (lab_endpoint_get_state (endpoint), ==, LAB_ENDPOINT_STATE_WAITING);

  /* Continue leaves step mode. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.continue", NULL));
  g_assert_false (lab_session_get_step_mode (session));
  g_assert_false (lab_endpoint_get_step_mode (endpoint));

  lab_endpoint_stop (endpoint);
  lab_test_ui_wait (is_stopped, endpoint, 10000);
  close_window (window);
}

typedef struct {
  LabWindow   *window;
  LabEndpoint *endpoint;
} StepWait;

/* Steps each call held, as a student pressing Step would, until the
 * endpoint has failed. */
static gboolean
stepped_to_failure (gpointer data)
{
  StepWait *w = data;

  if (has_failed (w->endpoint))
    return TRUE;
  gtk_widget_activate_action (GTK_WIDGET (w->window), "win.step", NULL);
  return FALSE;
}

/* A client that connects before its server listens: refused, and told
 * why and what to do, in the panel and in step mode's bar. */
static void
test_bench_refused (void)
{
  LabWindow *window = open_window ();
  LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
  g_autofree char *port = g_strdup_printf ("%u", lab_test_free_port (SOCK_STREAM));
  StepWait stepping = { window, lab_endpoint_panel_get_endpoint (client) };

  type_into (client, "port_entry", port);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "step-mode", g_variant_new_boolean (TRUE));
  press_start (client);
  wait_step_bar (window, "connect (");
  lab_test_ui_wait (stepped_to_failure, &stepping, 10000);

  assert_explained (client, ECONNREFUSED);
  wait_step_bar (window, "ECONNREFUSED");
  wait_step_bar (window, lab_explain_error (ECONNREFUSED)->remedy);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "step-mode", g_variant_new_boolean (FALSE));
  close_window (window);
}

typedef struct {
  LabStateDiagram *diagram;
  const char      *text;
} DiagramWait;

static gboolean
diagram_says (gpointer data)
{
  DiagramWait *w = data;
  g_autofree char *text = lab_state_diagram_dup_text (w->diagram);
  g_autofree char *read = NULL;

  /* And a screen reader is told the same, as it changes. */
  g_strchomp (text);
  read = gtk_test_accessible_check_property (GTK_ACCESSIBLE (w->diagram), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text);
  g_assert_null (read);
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w->diagram), GTK_ACCESSIBLE_PROPERTY_LABEL));

  return strstr (text, w->text) != NULL;
}

static LabEvent *
find_row (LabWindow   *window,
          LabEndpoint *endpoint,
          LabOp        op)
{
  GListModel *rows = lab_timeline_view_get_model (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window)));

  lab_timeline_flush (lab_session_get_timeline (lab_window_get_session (window)));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (rows, i);

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint) &&
          lab_event_get_kind (event) == LAB_EVENT_CALL && lab_event_get_op (event) == op)
        return g_steal_pointer (&event);
    }
  g_assert_not_reached ();
}

static gboolean
has_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

/* @client's connect (), once it is connected. */
static LabEvent *
find_connect (LabWindow   *window,
              LabEndpoint *client)
{
  lab_test_ui_wait (has_connected, client, 10000);
  return find_row (window, client, LAB_OP_CONNECT);
}

/* The TCP states tab says what to choose: once a server listens, the
 * server; and a row of the server's own shows its listening socket. */
static void
test_bench_states_hint (void)
{
  LabWindow *window = open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpoint *endpoint = lab_endpoint_panel_get_endpoint (server);
  DiagramWait says = { LAB_STATE_DIAGRAM (lab_window_get_state_diagram (window)),
                       "Choose a TCP connection, or start a TCP server, to see its state here." };
  g_autoptr(LabEvent) listen = NULL;

  g_assert_true (diagram_says (&says));

  type_into (server, "port_entry", "0");
  press_start (server);
  says.text = "A TCP server is listening: choose one of its rows in the timeline, or one of its connections";
  lab_test_ui_wait (diagram_says, &says, 10000);

  listen = find_row (window, endpoint, LAB_OP_LISTEN);
  g_assert_true (lab_timeline_view_select (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window)), listen));
  says.text = "Now: LISTEN";
  lab_test_ui_wait (diagram_says, &says, 10000);
  says.text = "the listening socket";
  g_assert_true (diagram_says (&says));

  /* A client's connection: the passages it made, in order. */
  {
    LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
    LabEndpoint *client_endpoint = lab_endpoint_panel_get_endpoint (client);
    g_autofree char *port = g_strdup_printf ("%u", lab_endpoint_get_port (endpoint));
    g_autoptr(LabEvent) connect = NULL;

    type_into (client, "port_entry", port);
    press_start (client);
    connect = find_connect (window, client_endpoint);
    g_assert_true (lab_timeline_view_select (LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window)), connect));
    says.text = "Passages, in order: ";
    lab_test_ui_wait (diagram_says, &says, 10000);
    says.text = "→ ESTABLISHED";
    g_assert_true (diagram_says (&says));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (client), "panel.start-stop", NULL));
    lab_test_ui_wait (is_stopped, client_endpoint, 10000);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server), "panel.start-stop", NULL));
  lab_test_ui_wait (is_stopped, endpoint, 10000);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  static const Case cases[] = {
    { "tcp-server", "tcp-client", LAB_BACKEND_POSIX, TRUE },
    { "tcp-server", "tcp-client", LAB_BACKEND_GIO, TRUE },
    { "udp-server", "udp-client", LAB_BACKEND_POSIX, FALSE },
    { "udp-server", "udp-client", LAB_BACKEND_GIO, FALSE },
  };

  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_data_func ("/bench/tcp/posix", &cases[0], test_bench_exchange);
  g_test_add_data_func ("/bench/tcp/gio", &cases[1], test_bench_exchange);
  g_test_add_data_func ("/bench/udp/posix", &cases[2], test_bench_exchange);
  g_test_add_data_func ("/bench/udp/gio", &cases[3], test_bench_exchange);
  g_test_add_func ("/bench/validation", test_bench_validation);
  g_test_add_func ("/bench/port-in-use", test_bench_port_in_use);
  g_test_add_func ("/bench/start-refused", test_bench_start_refused);
  g_test_add_func ("/bench/step", test_bench_step);
  g_test_add_func ("/bench/refused", test_bench_refused);
  g_test_add_func ("/bench/states-hint", test_bench_states_hint);

  return g_test_run ();
}
