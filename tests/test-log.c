/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-endpoint-panel.h"
#include "lab-message-log-view.h"
#include "lab-send-box.h"
#include "lab-send-history.h"
#include "lab-send-repeat.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"
#include "lab-window.h"

/* A panel's messages, its send history and its repeat, as a student uses
 * them: a lab server and a lab client in the window, real widgets, real
 * sockets on loopback, ports the kernel picks. */

typedef struct {
  LabWindow        *window;
  LabTestLog       *log;
  LabEndpointPanel *server;
  LabEndpointPanel *client;
} Bench;

static LabEndpoint *
endpoint_of (LabEndpointPanel *panel)
{
  return lab_endpoint_panel_get_endpoint (panel);
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

static void
press_start (LabEndpointPanel *panel)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "panel.start-stop", NULL));
}

/* A TCP server (@behaviour) on a port the kernel picks, and a client
 * connected to it, waiting in recv. */
static void
bench_open (Bench           *b,
            LabBehaviour     behaviour)
{
  g_autofree char *port = NULL;

  b->window = lab_test_ui_open_window ();
  b->log = lab_test_log_new (lab_session_get_timeline (lab_window_get_session (b->window)));
  b->server = lab_test_ui_add (b->window, "tcp-server");
  g_object_set (lab_endpoint_get_config (endpoint_of (b->server)), "behaviour", behaviour, NULL);
  gtk_editable_set_text (GTK_EDITABLE (lab_test_ui_child (GTK_WIDGET (b->server), LAB_TYPE_ENDPOINT_PANEL, "port_entry")), "0");
  press_start (b->server);
  lab_test_ui_wait (has_port, endpoint_of (b->server), 10000);

  b->client = lab_test_ui_add (b->window, "tcp-client");
  port = g_strdup_printf ("%u", lab_endpoint_get_port (endpoint_of (b->server)));
  gtk_editable_set_text (GTK_EDITABLE (lab_test_ui_child (GTK_WIDGET (b->client), LAB_TYPE_ENDPOINT_PANEL, "port_entry")), port);
  press_start (b->client);
  lab_test_wait_waiting_in (endpoint_of (b->client), "recv");
}

static void
bench_close (Bench *b)
{
  LabSession *session = lab_window_get_session (b->window);
  GListModel *endpoints = lab_session_get_endpoints (session);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);

      lab_endpoint_stop (endpoint);
      lab_test_ui_wait (is_stopped, endpoint, 10000);
    }
  while (g_list_model_get_n_items (endpoints) > 0)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, 0);

      lab_session_remove (session, endpoint);
    }
  lab_test_log_free (b->log);
  gtk_window_destroy (GTK_WINDOW (b->window));
  g_assert_finalize_object (b->window);
}

static GtkWidget *
send_box (LabEndpointPanel *panel)
{
  return lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, "send_box");
}

static GtkWidget *
send_child (LabEndpointPanel *panel,
            const char       *name)
{
  return lab_test_ui_child (send_box (panel), LAB_TYPE_SEND_BOX, name);
}

static GtkWidget *
repeat_child (LabEndpointPanel *panel,
              const char       *name)
{
  return lab_test_ui_child (send_child (panel, "repeat"), LAB_TYPE_SEND_REPEAT, name);
}

static LabMessageLogView *
messages (LabEndpointPanel *panel)
{
  return LAB_MESSAGE_LOG_VIEW (lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, "messages"));
}

/* Types @text in the client's box and presses Enter. */
static void
type_and_send (LabEndpointPanel *panel,
               const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (send_child (panel, "entry")), text);
  g_signal_emit_by_name (send_child (panel, "entry"), "activate");
}

typedef struct {
  Bench        *b;
  LabEndpoint  *endpoint;
  LabDirection  direction;
  gsize         len;
} BytesWait;

static gsize
bytes_recorded (Bench        *b,
                LabEndpoint  *endpoint,
                LabDirection  direction)
{
  g_autoptr(GByteArray) data = lab_test_log_data (b->log, endpoint, direction);

  return data->len;
}

static gboolean
has_bytes (gpointer data)
{
  BytesWait *w = data;

  return bytes_recorded (w->b, w->endpoint, w->direction) >= w->len;
}

static void
wait_bytes (Bench        *b,
            LabEndpoint  *endpoint,
            LabDirection  direction,
            gsize         len)
{
  BytesWait w = { b, endpoint, direction, len };

  if (!lab_test_wait_until (has_bytes, &w, 10000))
    {
      g_autoptr(GByteArray) data = lab_test_log_data (b->log, endpoint, direction);
      g_autofree char *text = g_strndup ((const char *) data->data, data->len);

      g_test_message ("%zu bytes, not %zu: %s", (gsize) data->len, len, text);
      g_assert_cmpuint (data->len, >=, len);
    }
}

typedef struct {
  LabMessageLogView *view;
  const char        *wanted;
} ShowsWait;

static gboolean
log_shows (gpointer data)
{
  ShowsWait *w = data;
  g_autofree char *text = lab_message_log_view_dup_text (w->view);

  return g_regex_match_simple (w->wanted, text, G_REGEX_MULTILINE, 0);
}

static void
wait_log_shows (LabEndpointPanel *panel,
                const char       *wanted)
{
  ShowsWait w = { messages (panel), wanted };

  if (!lab_test_wait_until (log_shows, &w, 10000))
    {
      g_autofree char *text = lab_message_log_view_dup_text (w.view);

      g_test_message ("the log shows:\n%s", text);
      g_assert_true (log_shows (&w));
    }
}

/* What arrived, with its time and which way it went, as escaped text and
 * in hex; a server says who it came from. */
static void
test_log_shows (void)
{
  Bench b = { 0 };

  bench_open (&b, LAB_BEHAVIOUR_ECHO);
  type_and_send (b.client, "hola\\tmundo");

  wait_log_shows (b.client, "^[0-9]+\\.[0-9]{3}  → sent · 11 B hola\\\\tmundo\\\\n$");
  wait_log_shows (b.client, "^[0-9]+\\.[0-9]{3}  ← received · 11 B hola\\\\tmundo\\\\n$");
  wait_log_shows (b.server, "^[0-9]+\\.[0-9]{3}  ← from \\('127\\.0\\.0\\.1', [0-9]+\\) · 11 B hola\\\\tmundo");

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lab_test_ui_child (GTK_WIDGET (messages (b.client)), LAB_TYPE_MESSAGE_LOG_VIEW,
                                                          "hex_button")), TRUE);
  wait_log_shows (b.client, "← received · 11 B 68 6f 6c 61 09 6d 75 6e 64 6f 0a$");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lab_test_ui_child (GTK_WIDGET (messages (b.client)), LAB_TYPE_MESSAGE_LOG_VIEW,
                                                          "hex_button")), FALSE);
  wait_log_shows (b.client, "← received · 11 B hola\\\\tmundo\\\\n$");

  bench_close (&b);
}

/* The rows the log's list made: each a box of its line and its bytes. */
static GtkLabel *
bytes_label_of (LabMessageLogView *view,
                const char        *start)
{
  GtkWidget *list = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_MESSAGE_LOG_VIEW, "list");

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      GtkWidget *content = row != NULL ? gtk_widget_get_last_child (row) : NULL;

      if (GTK_IS_LABEL (content) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (content)), start))
        return GTK_LABEL (content);
    }
  return NULL;
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

/* A long message with no space in it takes three lines of its row at
 * most, cut with an ellipsis: every row costs the same to lay out, and a
 * steady exchange of such messages leaves the window free to draw. What
 * it says is still the whole of what was shown. */
static void
test_log_long_message (void)
{
  Bench b = { 0 };
  g_autofree char *text = g_strnfill (240, 'x');
  PangoLayout *layout;
  GtkLabel *label;

  bench_open (&b, LAB_BEHAVIOUR_ECHO);
  type_and_send (b.client, text);
  wait_log_shows (b.client, "← received · 241 B x{240}\\\\n$");
  label = bytes_label_of (messages (b.client), "xxxx");
  g_assert_nonnull (label);
  lab_test_ui_wait_mapped (GTK_WIDGET (label));
  lab_test_ui_wait (is_allocated, label, 10000);
  layout = gtk_label_get_layout (label);
  g_test_message ("%d lines, %d px wide", pango_layout_get_line_count (layout), gtk_widget_get_width (GTK_WIDGET (label)));
  g_assert_cmpint (pango_layout_get_line_count (layout), <=, 3);
  g_assert_true (pango_layout_is_ellipsized (layout));
  g_assert_cmpuint (strlen (gtk_label_get_text (label)), ==, 242);

  bench_close (&b);
}

static gboolean
log_has (gpointer data)
{
  LabMessageLogView *view = data;
  GtkListView *list = GTK_LIST_VIEW (lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_MESSAGE_LOG_VIEW, "list"));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list))) ==
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (view), "wanted"));
}

static gboolean
at_end (gpointer data)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (lab_test_ui_child (data, LAB_TYPE_MESSAGE_LOG_VIEW, "scroller"));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_value (adjustment) >= gtk_adjustment_get_upper (adjustment) -
                                                  gtk_adjustment_get_page_size (adjustment) - 2;
}

/* Past its bound the log shows the newest and says how many older ones
 * it dropped; started again, it is empty. */
static void
test_log_bound (void)
{
  Bench b = { 0 };
  LabEndpoint *server;
  LabMessageLogView *view;
  GtkLabel *dropped;
  g_autofree char *said = NULL;
  guint total;

  bench_open (&b, LAB_BEHAVIOUR_ECHO);
  server = endpoint_of (b.server);
  view = messages (b.server);
  lab_message_log_set_max_messages (lab_endpoint_get_messages (server), 10);

  for (guint i = 0; i < 15; i++)
    {
      g_autofree char *text = g_strdup_printf ("n%02u", i);

      type_and_send (b.client, text);
      wait_bytes (&b, server, LAB_DIRECTION_OUT, (i + 1) * 4);
    }
  wait_log_shows (b.server, "→ to .* · 4 B n14\\\\n$");

  g_object_set_data (G_OBJECT (view), "wanted", GUINT_TO_POINTER (10));
  lab_test_ui_wait (log_has, view, 10000);
  /* More than it has room for: it follows the newest. */
  lab_test_ui_wait (at_end, view, 10000);
  total = lab_test_log_count_data (b.log, server, LAB_DIRECTION_IN) +
          lab_test_log_count_data (b.log, server, LAB_DIRECTION_OUT);
  dropped = GTK_LABEL (lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_MESSAGE_LOG_VIEW, "dropped_label"));
  said = g_strdup_printf ("Older messages dropped: %u (the newest 10 are kept)", total - 10);
  g_assert_cmpuint (total, >=, 30);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropped)));
  g_assert_cmpstr (gtk_label_get_text (dropped), ==, said);
  {
    g_autofree char *text = lab_message_log_view_dup_text (view);

    g_assert_null (strstr (text, "n00"));
  }

  /* Stopped and started again: nothing yet, nothing dropped. */
  press_start (b.server);
  lab_test_ui_wait (is_stopped, server, 10000);
  press_start (b.server);
  lab_test_ui_wait (has_port, server, 10000);
  g_object_set_data (G_OBJECT (view), "wanted", GUINT_TO_POINTER (0));
  lab_test_ui_wait (log_has, view, 10000);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropped)));
  g_assert_true (gtk_widget_get_visible (lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_MESSAGE_LOG_VIEW, "empty_label")));

  bench_close (&b);
}

/* The history: newest first, the same message once; one sent again
 * reaches the server again, one put back fills the box as it was typed. */
static void
test_history (void)
{
  Bench b = { 0 };
  LabEndpoint *server;
  LabSendHistory *history;
  GtkListBox *list;
  GtkListBoxRow *row;
  GtkWidget *again;

  bench_open (&b, LAB_BEHAVIOUR_DISCARD);
  server = endpoint_of (b.server);
  history = lab_send_history_for_endpoint (endpoint_of (b.client));

  type_and_send (b.client, "uno");
  type_and_send (b.client, "dos");
  type_and_send (b.client, "uno");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (send_child (b.client, "format_dropdown")), 1);
  type_and_send (b.client, "74 72 65 73");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (send_child (b.client, "format_dropdown")), 0);
  wait_bytes (&b, server, LAB_DIRECTION_IN, 4 + 4 + 4 + 5);

  g_assert_cmpuint (lab_send_history_get_n_items (history), ==, 3);
  g_assert_cmpstr (lab_send_history_get_text (history, 0), ==, "74 72 65 73");
  g_assert_true (lab_send_history_get_hex (history, 0));
  g_assert_cmpstr (lab_send_history_get_text (history, 1), ==, "uno");
  g_assert_cmpstr (lab_send_history_get_text (history, 2), ==, "dos");

  /* Its list, as the popover shows it, and “dos” sent again from it. */
  list = GTK_LIST_BOX (send_child (b.client, "history_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 2));
  g_assert_null (gtk_list_box_get_row_at_index (list, 3));
  gtk_menu_button_popup (GTK_MENU_BUTTON (send_child (b.client, "history_button")));
  again = gtk_widget_get_last_child (gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (list, 2)));
  lab_test_ui_wait_mapped (again);
  g_assert_true (gtk_widget_activate (again));
  wait_bytes (&b, server, LAB_DIRECTION_IN, 17 + 4);
  {
    g_autoptr(GByteArray) data = lab_test_log_data (b.log, server, LAB_DIRECTION_IN);

    g_assert_cmpmem (data->data, data->len, "uno\ndos\nuno\ntres\ndos\n", 21);
  }
  /* Sent again, it is the newest; the box is as it was. */
  g_assert_cmpstr (lab_send_history_get_text (history, 0), ==, "dos");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (send_child (b.client, "entry"))), ==, "");

  /* The hex one put back: its text, and the box in hex. */
  row = gtk_list_box_get_row_at_index (list, 1);
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (send_child (b.client, "entry"))), ==, "74 72 65 73");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (send_child (b.client, "format_dropdown"))), ==, 1);

  /* At most so many, the oldest out. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (send_child (b.client, "format_dropdown")), 0);
  for (guint i = 0; i < LAB_SEND_HISTORY_MAX + 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%u", i);

      type_and_send (b.client, text);
    }
  g_assert_cmpuint (lab_send_history_get_n_items (history), ==, LAB_SEND_HISTORY_MAX);
  g_assert_null (gtk_list_box_get_row_at_index (list, LAB_SEND_HISTORY_MAX));

  bench_close (&b);
}

static void
set_repeat (LabEndpointPanel *panel,
            const char       *interval,
            const char       *count)
{
  gtk_editable_set_text (GTK_EDITABLE (repeat_child (panel, "interval_entry")), interval);
  gtk_editable_set_text (GTK_EDITABLE (repeat_child (panel, "count_entry")), count);
}

static void
toggle_repeat (LabEndpointPanel *panel)
{
  g_assert_true (gtk_widget_activate_action (send_child (panel, "repeat"), "repeat.toggle", NULL));
}

static gboolean
repeat_stopped (gpointer data)
{
  return !lab_send_repeat_get_running (data);
}

static const char *
repeat_status (LabEndpointPanel *panel)
{
  return gtk_label_get_text (GTK_LABEL (repeat_child (panel, "status_label")));
}

/* Exactly as many as asked, then it stops by itself; the server counts
 * the bytes. */
static void
test_repeat_count (void)
{
  Bench b = { 0 };
  LabEndpoint *server;
  LabSendRepeat *repeat;

  bench_open (&b, LAB_BEHAVIOUR_DISCARD);
  server = endpoint_of (b.server);
  repeat = LAB_SEND_REPEAT (send_child (b.client, "repeat"));

  gtk_editable_set_text (GTK_EDITABLE (send_child (b.client, "entry")), "ping");
  set_repeat (b.client, "10", "25");
  toggle_repeat (b.client);
  g_assert_true (lab_send_repeat_get_running (repeat));
  lab_test_ui_wait (repeat_stopped, repeat, 10000);
  g_assert_cmpuint (lab_send_repeat_get_sent (repeat), ==, 25);
  g_assert_cmpstr (repeat_status (b.client), ==, "Done: sent 25 times");

  wait_bytes (&b, server, LAB_DIRECTION_IN, 25 * 5);
  lab_test_run_for (300);
  g_assert_cmpuint (bytes_recorded (&b, server, LAB_DIRECTION_IN), ==, 25 * 5);
  g_assert_cmpuint (lab_test_log_count_data (b.log, endpoint_of (b.client), LAB_DIRECTION_OUT), ==, 25);
  /* The message repeated is in the history. */
  g_assert_cmpstr (lab_send_history_get_text (lab_send_history_for_endpoint (endpoint_of (b.client)), 0), ==,
                   "ping");

  bench_close (&b);
}

static gboolean
sent_some (gpointer data)
{
  return lab_send_repeat_get_sent (data) >= 3;
}

/* Stopped by hand it sends no more, and says how many went; so when the
 * endpoint stops. */
static void
test_repeat_stop (void)
{
  Bench b = { 0 };
  LabEndpoint *server;
  LabSendRepeat *repeat;
  g_autofree char *said = NULL;
  guint sent;

  bench_open (&b, LAB_BEHAVIOUR_DISCARD);
  server = endpoint_of (b.server);
  repeat = LAB_SEND_REPEAT (send_child (b.client, "repeat"));

  gtk_editable_set_text (GTK_EDITABLE (send_child (b.client, "entry")), "ping");
  set_repeat (b.client, "20", "10000");
  toggle_repeat (b.client);
  lab_test_ui_wait (sent_some, repeat, 10000);
  toggle_repeat (b.client);
  g_assert_false (lab_send_repeat_get_running (repeat));
  sent = lab_send_repeat_get_sent (repeat);
  said = g_strdup_printf ("Stopped: %u of 10000 sent", sent);
  g_assert_cmpstr (repeat_status (b.client), ==, said);
  wait_bytes (&b, server, LAB_DIRECTION_IN, sent * 5);
  lab_test_run_for (300);
  g_assert_cmpuint (bytes_recorded (&b, server, LAB_DIRECTION_IN), ==, sent * 5);

  /* Again, and the client stopped meanwhile. */
  toggle_repeat (b.client);
  lab_test_ui_wait (sent_some, repeat, 10000);
  press_start (b.client);
  lab_test_ui_wait (repeat_stopped, repeat, 10000);
  g_assert_true (g_str_has_prefix (repeat_status (b.client), "Stopped, the endpoint no longer runs: "));
  lab_test_ui_wait (is_stopped, endpoint_of (b.client), 10000);

  bench_close (&b);
}

/* Bad numbers and bad hex are refused, said where they are, and nothing
 * is sent. */
static void
test_repeat_refused (void)
{
  const char *intervals[] = { "", "0", "-5", "9", "60001", "1e3", " ", NULL };
  Bench b = { 0 };
  LabEndpoint *server;
  LabSendRepeat *repeat;
  GtkWidget *interval_error, *count_error;

  bench_open (&b, LAB_BEHAVIOUR_DISCARD);
  server = endpoint_of (b.server);
  repeat = LAB_SEND_REPEAT (send_child (b.client, "repeat"));
  interval_error = repeat_child (b.client, "interval_error");
  count_error = repeat_child (b.client, "count_error");
  gtk_editable_set_text (GTK_EDITABLE (send_child (b.client, "entry")), "ping");

  for (guint i = 0; intervals[i] != NULL; i++)
    {
      set_repeat (b.client, intervals[i], "5");
      toggle_repeat (b.client);
      g_assert_false (lab_send_repeat_get_running (repeat));
      g_assert_true (gtk_widget_get_visible (interval_error));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (interval_error)), ==,
                       "A whole number of milliseconds from 10 to 60000");
      g_assert_false (gtk_widget_get_visible (count_error));
      g_assert_cmpstr (repeat_status (b.client), ==, "Nothing sent: set the repeat right first");
    }

  set_repeat (b.client, "10", "0");
  toggle_repeat (b.client);
  g_assert_false (lab_send_repeat_get_running (repeat));
  g_assert_false (gtk_widget_get_visible (interval_error));
  g_assert_true (gtk_widget_get_visible (count_error));
  set_repeat (b.client, "10", "10001");
  toggle_repeat (b.client);
  g_assert_true (gtk_widget_get_visible (count_error));

  /* Bad hex: the box says why, the repeat sends nothing. */
  set_repeat (b.client, "10", "5");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (send_child (b.client, "format_dropdown")), 1);
  gtk_editable_set_text (GTK_EDITABLE (send_child (b.client, "entry")), "6g");
  toggle_repeat (b.client);
  g_assert_false (lab_send_repeat_get_running (repeat));
  g_assert_true (gtk_widget_get_visible (send_child (b.client, "error_label")));
  g_assert_true (g_str_has_prefix (repeat_status (b.client), "Nothing sent: "));

  lab_test_run_for (200);
  g_assert_cmpuint (bytes_recorded (&b, server, LAB_DIRECTION_IN), ==, 0);
  g_assert_cmpuint (lab_test_log_count_data (b.log, endpoint_of (b.client), LAB_DIRECTION_OUT), ==, 0);

  bench_close (&b);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/log/shows", test_log_shows);
  g_test_add_func ("/log/bound", test_log_bound);
  g_test_add_func ("/log/long-message", test_log_long_message);
  g_test_add_func ("/log/history", test_history);
  g_test_add_func ("/log/repeat-count", test_repeat_count);
  g_test_add_func ("/log/repeat-stop", test_repeat_stop);
  g_test_add_func ("/log/repeat-refused", test_repeat_refused);

  return g_test_run ();
}
