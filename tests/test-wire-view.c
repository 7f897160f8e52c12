/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-application.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"
#include "lab-wire-view.h"
#include "lab-wire.h"

/* The Wire page: the real packets of a client on alfa and an echo server
 * on beta, as the list shows them, and each chosen with the timeline's
 * event whose bytes it carries. */

#define PLAY_TIMEOUT_MS 10000

static const char bench[] = LAB_TEST_TWO_HOSTS;

/* The TCP rows of the list, in order (the ARP question and answer come
 * before them). */
static GPtrArray *
tcp_rows (LabWireView *view)
{
  GListModel *rows = lab_wire_view_get_model (view);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) packet = g_list_model_get_item (rows, i);
      LabWireInfo wire;

      if (lab_wire_describe_event (packet, &wire) && wire.decoded && wire.info.proto == LAB_PACKET_TCP)
        g_ptr_array_add (found, g_steal_pointer (&packet));
    }
  return found;
}

/* How many segments carry bytes of a send. */
static guint
count_carrying (LabWireView *view)
{
  g_autoptr(GPtrArray) rows = tcp_rows (view);
  guint carrying = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *carries = lab_wire_view_dup_cell_text (rows->pdata[i], LAB_WIRE_COLUMN_CARRIES);

      carrying += g_str_has_prefix (carries, "bytes ");
    }
  return carrying;
}

static gboolean
echoed (gpointer data)
{
  return count_carrying (data) == 2;
}

static void
assert_row (LabEvent   *packet,
            const char *host,
            const char *flags,
            const char *seq,
            const char *ack)
{
  const struct { LabWireColumn column; const char *text; } cells[] = {
    { LAB_WIRE_COLUMN_HOST, host },
    { LAB_WIRE_COLUMN_FLAGS, flags },
    { LAB_WIRE_COLUMN_SEQ, seq },
    { LAB_WIRE_COLUMN_ACK, ack },
    { LAB_WIRE_COLUMN_LENGTH, "0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *text = lab_wire_view_dup_cell_text (packet, cells[i].column);

      g_assert_cmpstr (text, ==, cells[i].text);
    }
}

static gboolean
label_drawn (gpointer data)
{
  gpointer *args = data;
  GtkWidget *label = lab_test_ui_find_label (args[0], args[1]);

  return label != NULL && gtk_widget_is_drawable (label);
}

/* The packet that carries the client's "Hola" chooses the client's data
 * event in the timeline, and that event, chosen, the packet again. */
static void
check_choosing (LabWindow *window,
                LabEvent  *packet)
{
  LabWireView *view = LAB_WIRE_VIEW (lab_window_get_wire_view (window));
  LabTimelineView *timeline = LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window));
  GtkWidget *column_view = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_WIRE_VIEW, "column_view");
  GtkSelectionModel *list = gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view));
  guint position = 0;
  g_autoptr(LabEvent) data = NULL;
  gsize length;
  const char *bytes;

  for (;; position++)
    {
      g_autoptr(LabEvent) row = g_list_model_get_item (G_LIST_MODEL (list), position);

      g_assert_nonnull (row);
      if (lab_event_get_seq (row) == lab_event_get_seq (packet))
        break;
    }

  gtk_selection_model_select_item (list, position, TRUE);
  g_assert_nonnull (lab_timeline_view_get_selected (timeline));
  data = g_object_ref (lab_timeline_view_get_selected (timeline));
  g_assert_cmpint (lab_event_get_kind (data), ==, LAB_EVENT_DATA);
  g_assert_cmpint (lab_event_get_direction (data), ==, LAB_DIRECTION_OUT);
  g_assert_cmpstr (lab_event_get_endpoint_name (data), ==, "Client");
  bytes = g_bytes_get_data (lab_event_get_bytes (data), &length);
  g_assert_cmpmem (bytes, length, "Hola", 4);

  /* Away, then back from the timeline */
  gtk_selection_model_unselect_item (list, position);
  g_assert_null (lab_wire_view_get_selected (view));
  {
    g_autoptr(LabEvent) first = g_list_model_get_item (lab_timeline_view_get_model (timeline), 0);

    g_assert_true (lab_timeline_view_select (timeline, first));
    g_assert_null (lab_wire_view_get_selected (view));
  }
  g_assert_true (lab_timeline_view_select (timeline, data));
  g_assert_nonnull (lab_wire_view_get_selected (view));
  g_assert_cmpuint (lab_event_get_seq (lab_wire_view_get_selected (view)), ==, lab_event_get_seq (packet));
}

static void
test_wire_view_echo (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  g_autoptr(LabExperiment) empty = lab_experiment_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *carries = NULL;
  LabWindow *window;
  LabWireView *view;
  LabEvent *sent = NULL;
  gpointer shown[2];

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  window = lab_test_ui_open_bench (bench);
  view = LAB_WIRE_VIEW (lab_window_get_wire_view (window));

  /* Before Play, the page says what to do. */
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_STACK)),
                               gtk_widget_get_parent (GTK_WIDGET (view)));
  shown[0] = view;
  shown[1] = (gpointer) "Run an endpoint on a host of the lab network to see its packets.";
  lab_test_ui_wait (label_drawn, shown, PLAY_TIMEOUT_MS);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (echoed, view, PLAY_TIMEOUT_MS);

  rows = tcp_rows (view);
  g_assert_cmpuint (rows->len, >=, 5);
  assert_row (rows->pdata[0], "alfa", "SYN", "0", "");
  assert_row (rows->pdata[1], "beta", "SYN ACK", "0", "1");
  assert_row (rows->pdata[2], "alfa", "ACK", "1", "1");
  /* What sent each: the client's connect (), then the kernels */
  {
    g_autofree char *syn = lab_wire_view_dup_cell_text (rows->pdata[0], LAB_WIRE_COLUMN_CARRIES);
    g_autofree char *syn_ack = lab_wire_view_dup_cell_text (rows->pdata[1], LAB_WIRE_COLUMN_CARRIES);

    g_assert_true (g_str_has_prefix (syn, "connect () of Client"));
    g_assert_cmpstr (syn_ack, ==, "the kernel, by itself");
  }

  /* The first data from alfa: the client's four bytes */
  for (guint i = 3; i < rows->len && sent == NULL; i++)
    {
      g_autofree char *host = lab_wire_view_dup_cell_text (rows->pdata[i], LAB_WIRE_COLUMN_HOST);
      g_autofree char *length = lab_wire_view_dup_cell_text (rows->pdata[i], LAB_WIRE_COLUMN_LENGTH);

      if (g_str_equal (host, "alfa") && g_str_equal (length, "4"))
        sent = rows->pdata[i];
    }
  g_assert_nonnull (sent);
  carries = lab_wire_view_dup_cell_text (sent, LAB_WIRE_COLUMN_CARRIES);
  g_assert_true (g_str_has_prefix (carries, "bytes 0–3 of Client#"));
  g_assert_true (g_str_has_suffix (carries, "'s send"));
  shown[0] = view;
  shown[1] = carries;
  lab_test_ui_wait (label_drawn, shown, PLAY_TIMEOUT_MS);

  check_choosing (window, sent);

  lab_session_stop_all (session);
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), PLAY_TIMEOUT_MS);
  lab_session_load (session, empty);
  gtk_window_destroy (GTK_WINDOW (window));
  lab_network_forget ();
}

/* ---- Which packets are shown ---- */

static const char two_clients[] =
  "[Experiment]\nVersion=1\nTitle=Two clients\n\n"
  "[Endpoint 1]\nName=Server\nKind=tcp-server\nnetwork-host=beta\nbind-address=beta\nport=7000\nbehaviour=echo\n\n"
  "[Endpoint 2]\nName=Client\nKind=tcp-client\nnetwork-host=alfa\nhost=beta\nport=7000\n"
  "initial-data=Hola\nexpect-bytes=4\n\n"
  "[Endpoint 3]\nName=Other\nKind=tcp-client\nnetwork-host=alfa\nhost=beta\nport=7000\n"
  "initial-data=Adios\nexpect-bytes=5\n";

/* Both echoes came back. */
static gboolean
both_echoed (gpointer data)
{
  return count_carrying (data) == 4;
}

static GtkSelectionModel *
list_of (LabWireView *view)
{
  GtkWidget *column_view = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_WIRE_VIEW, "column_view");

  return gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view));
}

static gboolean
filtered (gpointer data)
{
  GListModel *shown = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (list_of (data)));

  return gtk_filter_list_model_get_pending (GTK_FILTER_LIST_MODEL (shown)) == 0;
}

/* Presses one of the page's choices of what to show, and waits until the
 * list shows it. */
static void
press_show (LabWireView *view,
            const char  *name)
{
  GtkWidget *button = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_WIRE_VIEW, name);

  g_assert_true (gtk_widget_is_sensitive (button));
  /* As a click does */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  lab_test_ui_wait (filtered, view, PLAY_TIMEOUT_MS);
  /* and what it then does, at idle, with the packet chosen */
  lab_test_ui_settle ();
}

static guint
n_listed (LabWireView *view)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list_of (view)));
}

static LabWireInfo
row_wire (LabWireView *view,
          guint        position)
{
  g_autoptr(LabEvent) packet = g_list_model_get_item (G_LIST_MODEL (list_of (view)), position);
  LabWireInfo wire;

  g_assert_true (lab_wire_describe_event (packet, &wire));
  g_assert_true (wire.decoded);
  return wire;
}

/* The client's port of a TCP segment between alfa and beta's port 7000. */
static guint16
client_port (const LabWireInfo *wire)
{
  g_assert_true (wire->info.sport == 7000 || wire->info.dport == 7000);
  return wire->info.sport == 7000 ? wire->info.dport : wire->info.sport;
}

/* Every row is of one client's connection, both ways. */
static void
assert_connection_rows (LabWireView *view,
                        guint16      port)
{
  gboolean from_alfa = FALSE, from_beta = FALSE;

  g_assert_cmpuint (n_listed (view), >=, 5);
  for (guint i = 0; i < n_listed (view); i++)
    {
      LabWireInfo wire = row_wire (view, i);

      g_assert_cmpint (wire.info.proto, ==, LAB_PACKET_TCP);
      g_assert_cmpuint (client_port (&wire), ==, port);
      from_alfa |= g_str_equal (wire.host, "alfa");
      from_beta |= g_str_equal (wire.host, "beta");
    }
  g_assert_true (from_alfa && from_beta);
}

/* The timeline's event of @name's send. */
static LabEvent *
find_sent (LabTimelineView *timeline,
           const char      *name)
{
  GListModel *events = lab_timeline_view_get_model (timeline);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i);

      if (lab_event_get_kind (event) == LAB_EVENT_DATA && lab_event_get_direction (event) == LAB_DIRECTION_OUT &&
          g_str_equal (lab_event_get_endpoint_name (event), name))
        return g_steal_pointer (&event);
    }
  g_assert_not_reached ();
}

static gboolean
has_chosen (gpointer data)
{
  return lab_wire_view_get_selected (data) != NULL;
}

/* Chooses @sent in the timeline, and returns the client port of the
 * connection the wire list then shows, checked to be that one's only. */
static guint16
select_sent_connection (LabWireView     *view,
                        LabTimelineView *timeline,
                        LabEvent        *sent)
{
  LabWireInfo wire;
  guint16 port;

  g_assert_true (lab_timeline_view_select (timeline, sent));
  lab_test_ui_wait (filtered, view, PLAY_TIMEOUT_MS);
  /* The packet is chosen once the filter has shown it, at idle. */
  lab_test_ui_wait (has_chosen, view, PLAY_TIMEOUT_MS);
  wire = row_wire (view, 0);
  port = client_port (&wire);
  assert_connection_rows (view, port);
  return port;
}

/* Two clients on alfa, one echo server on beta: TCP shows the segments and
 * not the ARP before them; This connection, offered once a packet or a
 * connection's event is chosen, shows that connection's segments both ways;
 * a kind that leaves the chosen packet out unchooses it, and the timeline
 * then chooses none. */
static void
test_wire_view_shows (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  g_autoptr(LabExperiment) empty = lab_experiment_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(LabEvent) other_sent = NULL;
  g_autoptr(LabEvent) client_sent = NULL;
  LabWindow *window;
  LabWireView *view;
  LabTimelineView *timeline;
  GtkWidget *connection;
  guint all, tcp;
  guint16 first_port;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  window = lab_test_ui_open_bench (two_clients);
  view = LAB_WIRE_VIEW (lab_window_get_wire_view (window));
  timeline = LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window));
  connection = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_WIRE_VIEW, "show_connection");
  /* The packets of this test's only */
  lab_timeline_clear (lab_session_get_timeline (session));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (both_echoed, view, PLAY_TIMEOUT_MS);
  /* Stopped, and their last segments come: then the list holds still. */
  lab_session_stop_all (session);
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), PLAY_TIMEOUT_MS);
  lab_test_run_for (300);

  /* Nothing chosen: This connection says how to choose one. */
  g_assert_false (gtk_widget_is_sensitive (connection));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (connection), "Choose a TCP or UDP packet"));

  all = n_listed (view);
  rows = tcp_rows (view);
  tcp = rows->len;
  g_assert_cmpuint (tcp, <, all);
  press_show (view, "show_tcp");
  g_assert_cmpuint (n_listed (view), ==, tcp);
  for (guint i = 0; i < n_listed (view); i++)
    g_assert_cmpint (row_wire (view, i).info.proto, ==, LAB_PACKET_TCP);
  /* ARP; what is neither is IPv6's own ICMPv6 */
  press_show (view, "show_arp");
  g_assert_cmpuint (n_listed (view), >, 0);
  for (guint i = 0; i < n_listed (view); i++)
    g_assert_cmpint (row_wire (view, i).info.proto, ==, LAB_PACKET_ARP);
  press_show (view, "show_udp");
  g_assert_cmpuint (n_listed (view), ==, 0);

  /* A segment chosen: its connection may be shown, and it stays chosen. */
  press_show (view, "show_tcp");
  gtk_selection_model_select_item (list_of (view), 0, TRUE);
  {
    LabWireInfo wire = row_wire (view, 0);

    first_port = client_port (&wire);
  }
  g_assert_true (gtk_widget_is_sensitive (connection));
  press_show (view, "show_connection");
  assert_connection_rows (view, first_port);
  g_assert_cmpuint (n_listed (view), <, tcp);
  g_assert_nonnull (lab_wire_view_get_selected (view));

  /* Each client's send chosen in the timeline: its own connection. Which
   * client's SYN came first is the kernel's choice, so the first row's
   * connection is one of the two. */
  other_sent = find_sent (timeline, "Other");
  client_sent = find_sent (timeline, "Client");
  {
    guint16 other_port = select_sent_connection (view, timeline, other_sent);
    guint16 own_port = select_sent_connection (view, timeline, client_sent);

    g_assert_cmpuint (other_port, !=, own_port);
    g_assert_true (first_port == other_port || first_port == own_port);
  }

  /* A kind without the chosen packet: none is chosen, nor can the
   * timeline choose one. */
  press_show (view, "show_arp");
  g_assert_null (lab_wire_view_get_selected (view));
  {
    g_assert_true (lab_timeline_view_select (timeline, client_sent));
    g_assert_null (lab_wire_view_get_selected (view));
    /* (An ARP or ICMPv6 of the hosts' own may have come since.) */
    press_show (view, "show_all");
    g_assert_cmpuint (n_listed (view), >=, all);
    g_assert_true (lab_timeline_view_select (timeline, other_sent));
    g_assert_true (lab_timeline_view_select (timeline, client_sent));
    lab_test_ui_wait (has_chosen, view, PLAY_TIMEOUT_MS);
  }

  lab_session_load (session, empty);
  gtk_window_destroy (GTK_WINDOW (window));
  lab_network_forget ();
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/wire-view/echo", test_wire_view_echo);
  g_test_add_func ("/wire-view/shows", test_wire_view_shows);

  return g_test_run ();
}
