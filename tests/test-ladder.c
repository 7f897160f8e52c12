/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-application.h"
#include "lab-ladder.h"
#include "lab-network.h"
#include "lab-session.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"
#include "lab-window.h"
#include "lab-wire-view.h"
#include "lab-wire.h"

/* The Wire page's ladder: a client on alfa and an echo server on beta,
 * each TCP segment an arrow from the host it left, with its flags and
 * numbers, and a click on one choosing it in the list. */

#define PLAY_TIMEOUT_MS 10000

static const char bench[] = LAB_TEST_TWO_HOSTS;

/* Both segments of data are on the wire */
static gboolean
echoed (gpointer data)
{
  GListModel *rows = lab_wire_view_get_model (data);
  guint carrying = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) packet = g_list_model_get_item (rows, i);
      LabWireInfo wire;

      if (lab_wire_describe_event (packet, &wire) && wire.data_seq != 0)
        carrying++;
    }
  return carrying == 2;
}

static gboolean
drawn (gpointer data)
{
  return gtk_widget_is_drawable (data) && gtk_widget_get_height (data) > 0;
}

static void
test_ladder_echo (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabSession *session = lab_application_get_session (app);
  g_autoptr(LabExperiment) empty = lab_experiment_new ();
  g_autoptr(GArray) arrows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *text = NULL;
  LabWindow *window;
  LabWireView *view;
  LabLadder *ladder;
  GListModel *rows;
  guint n_tcp = 0, data_row = G_MAXUINT;

  if (!lab_network_check (NULL))
    {
      g_test_skip ("no lab network here");
      return;
    }

  window = lab_test_ui_open_bench (bench);
  view = LAB_WIRE_VIEW (lab_window_get_wire_view (window));
  ladder = LAB_LADDER (lab_wire_view_get_ladder (view));
  rows = lab_wire_view_get_model (view);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
  lab_test_ui_wait (echoed, view, PLAY_TIMEOUT_MS);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_STACK)),
                               gtk_widget_get_parent (GTK_WIDGET (view)));
  lab_wire_view_show_ladder (view, TRUE);
  lab_test_ui_wait (drawn, ladder, PLAY_TIMEOUT_MS);

  /* One arrow for each TCP segment, and none for the rest (ARP) */
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) packet = g_list_model_get_item (rows, i);
      g_autofree char *from = NULL;
      g_autofree char *label = NULL;
      g_autofree char *host = lab_wire_view_dup_cell_text (packet, LAB_WIRE_COLUMN_HOST);
      LabWireInfo wire;
      gboolean tcp = lab_wire_describe_event (packet, &wire) && wire.decoded && wire.info.proto == LAB_PACKET_TCP;

      g_assert_cmpint (lab_ladder_get_arrow (ladder, i, &from, &label), ==, tcp);
      if (!tcp)
        continue;
      n_tcp++;
      g_array_append_val (arrows, i);
      /* From the host it left */
      g_assert_cmpstr (from, ==, host);
      if (data_row == G_MAXUINT && wire.data_seq != 0)
        data_row = i;
    }
  g_assert_cmpuint (n_tcp, >=, 5);
  {
    const struct { const char *from, *label; } handshake[] = {
      { "alfa", "SYN seq=0" },
      { "beta", "SYN ACK seq=0 ack=1" },
      { "alfa", "ACK seq=1 ack=1" },
      { "alfa", "PSH ACK seq=1 ack=1 len=4" },
    };

    for (guint k = 0; k < G_N_ELEMENTS (handshake); k++)
      {
        g_autofree char *from = NULL;
        g_autofree char *label = NULL;

        g_assert_true (lab_ladder_get_arrow (ladder, g_array_index (arrows, guint, k), &from, &label));
        g_assert_cmpstr (from, ==, handshake[k].from);
        g_assert_cmpstr (label, ==, handshake[k].label);
      }
  }
  g_assert_cmpuint (data_row, ==, g_array_index (arrows, guint, 3));

  /* In words, for a screen reader */
  text = lab_ladder_dup_text (ladder);
  g_assert_nonnull (strstr (text, "alfa → beta: SYN seq=0, sent by connect ()"));
  g_assert_nonnull (strstr (text, "beta → alfa: SYN ACK seq=0 ack=1, sent by kernel"));
  g_assert_nonnull (strstr (text, "alfa → beta: PSH ACK seq=1 ack=1 len=4, sent by send ()"));

  /* A click on the SYN ACK's arrow chooses it in the list; on the hosts'
   * names, nothing. */
  g_assert_null (lab_wire_view_get_selected (view));
  g_assert_false (lab_ladder_choose_at (ladder, 1));
  g_assert_null (lab_wire_view_get_selected (view));
  {
    guint syn_ack = g_array_index (arrows, guint, 1);
    g_autoptr(LabEvent) packet = g_list_model_get_item (rows, syn_ack);

    g_assert_true (lab_ladder_choose_at (ladder, lab_ladder_get_row_y (ladder, syn_ack)));
    g_assert_nonnull (lab_wire_view_get_selected (view));
    g_assert_cmpuint (lab_event_get_seq (lab_wire_view_get_selected (view)), ==, lab_event_get_seq (packet));
  }
  /* Chosen in the list, and so in the ladder */
  {
    guint data = g_array_index (arrows, guint, 3);
    g_autoptr(LabEvent) packet = g_list_model_get_item (rows, data);

    g_assert_true (lab_wire_view_select_seq (view, lab_event_get_seq (packet)));
    g_assert_true (lab_ladder_choose_at (ladder, lab_ladder_get_row_y (ladder, data)));
    g_assert_cmpuint (lab_ladder_row_at (ladder, lab_ladder_get_row_y (ladder, data)), ==, data);
  }
  lab_test_ui_wait (drawn, ladder, PLAY_TIMEOUT_MS);

  lab_session_stop_all (session);
  lab_test_ui_wait (lab_test_ui_all_stopped, lab_session_get_endpoints (session), PLAY_TIMEOUT_MS);
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

  g_test_add_func ("/ladder/echo", test_ladder_echo);

  return g_test_run ();
}
