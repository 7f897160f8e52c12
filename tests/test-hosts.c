/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-network.h"
#include "lab-send-box.h"
#include "lab-test-engine.h"
#include "lab-test-ui.h"

/* Where an endpoint runs, chosen in its panel: this computer, or a host of
 * the lab network. Real drop-downs, real sockets on real hosts. */

static GtkWidget *
child (LabEndpointPanel *panel,
       const char       *name)
{
  return lab_test_ui_child (GTK_WIDGET (panel), LAB_TYPE_ENDPOINT_PANEL, name);
}

static GtkDropDown *
runs_on (LabEndpointPanel *panel)
{
  return GTK_DROP_DOWN (child (panel, "host_dropdown"));
}

/* Chosen as a click on a row of the list does: by its position, this
 * computer first, then alfa, then beta. */
enum { THIS_COMPUTER, ALFA, BETA };

static void
choose (LabEndpointPanel *panel,
        guint             position)
{
  gtk_drop_down_set_selected (runs_on (panel), position);
}

static void
type_into (LabEndpointPanel *panel,
           const char       *field,
           const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (panel, field)), text);
}

static const char *
address_field (LabEndpointPanel *panel)
{
  return gtk_editable_get_text (GTK_EDITABLE (child (panel, "address_entry")));
}

static gboolean
address_refused (LabEndpointPanel *panel)
{
  return gtk_widget_has_css_class (child (panel, "address_entry"), "error");
}

static gboolean
start_enabled (LabEndpointPanel *panel)
{
  return gtk_widget_is_sensitive (child (panel, "start_button"));
}

static char *
setting (LabEndpointPanel *panel,
         const char       *property)
{
  char *value = NULL;

  g_object_get (lab_endpoint_get_config (lab_endpoint_panel_get_endpoint (panel)), property, &value, NULL);
  return value;
}

/* The address of a server, in the field and in its settings alike. */
static void
assert_bind_address (LabEndpointPanel *panel,
                     const char       *expected)
{
  g_autofree char *bind_address = setting (panel, "bind-address");

  g_assert_cmpstr (bind_address, ==, expected);
  g_assert_cmpstr (address_field (panel), ==, expected);
}

static LabConnection *
first_connection (LabEndpoint *endpoint)
{
  g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (endpoint), 0);

  return connection;
}

static gboolean
echo_came_back (gpointer data)
{
  LabConnection *connection = first_connection (data);

  return connection != NULL && lab_connection_get_bytes_in (connection) == 5;
}

static void
press_start_stop (LabEndpointPanel *panel)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "panel.start-stop", NULL));
}

/* The choice lists this computer and every host, with its address, and is
 * named by its label, which its mnemonic reaches. */
static void
test_hosts_choices (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  GtkDropDown *dropdown = runs_on (server);
  GListModel *choices = gtk_drop_down_get_model (dropdown);
  GtkLabel *label = GTK_LABEL (lab_test_ui_find_label (GTK_WIDGET (server), "Runs on"));
  static const char *const expected[] = { "This computer", "alfa (10.80.0.1)", "beta (10.80.0.2)" };

  g_assert_cmpuint (lab_network_get_n_hosts (), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), ==, expected[i]);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, THIS_COMPUTER);

  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_use_underline (label));
  g_assert_true (gtk_label_get_mnemonic_widget (label) == GTK_WIDGET (dropdown));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_RELATION_LABELLED_BY));

  /* Set from elsewhere, the choice follows. */
  g_object_set (lab_endpoint_get_config (lab_endpoint_panel_get_endpoint (server)), "network-host", "beta", NULL);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, BETA);

  lab_test_ui_close_window (window);
}

/* A server moved keeps an address it can be reached at where it runs; a
 * client keeps the host it was given. */
static void
test_hosts_bind_address (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
  GtkLabel *says = GTK_LABEL (child (server, "address_error"));
  static const struct {
    guint       from;
    const char *before;
    guint       to;
    const char *after;
  } moves[] = {
    { THIS_COMPUTER, "127.0.0.1", BETA, "beta" },
    { BETA, "beta", THIS_COMPUTER, "127.0.0.1" },
    { THIS_COMPUTER, "::1", ALFA, "alfa" },
    { THIS_COMPUTER, "localhost", BETA, "beta" },
    { ALFA, "alfa", BETA, "beta" },
    { ALFA, "10.80.0.1", THIS_COMPUTER, "127.0.0.1" },
    { BETA, "fd80::2", THIS_COMPUTER, "127.0.0.1" },
    { ALFA, "fd80::1", BETA, "beta" },
    { BETA, "10.80.0.2", ALFA, "alfa" },
    { THIS_COMPUTER, "0.0.0.0", BETA, "0.0.0.0" },
    { BETA, "::", THIS_COMPUTER, "::" },
    { ALFA, "127.0.0.1", THIS_COMPUTER, "127.0.0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      g_test_message ("%s on %u, moved to %u", moves[i].before, moves[i].from, moves[i].to);
      choose (server, moves[i].from);
      type_into (server, "address_entry", moves[i].before);
      assert_bind_address (server, moves[i].before);
      choose (server, moves[i].to);
      assert_bind_address (server, moves[i].after);
      g_assert_false (address_refused (server));
      g_assert_true (start_enabled (server));
    }

  /* A file's empty address takes the host's name too. */
  choose (server, THIS_COMPUTER);
  g_object_set (lab_endpoint_get_config (lab_endpoint_panel_get_endpoint (server)), "bind-address", "", NULL);
  g_assert_cmpstr (address_field (server), ==, "");
  g_assert_true (address_refused (server));
  choose (server, ALFA);
  assert_bind_address (server, "alfa");
  g_assert_false (address_refused (server));

  /* A host's name is an address on a host, and not here, where the field
   * says where it is one. */
  type_into (server, "address_entry", "beta");
  g_assert_false (address_refused (server));
  choose (server, THIS_COMPUTER);
  assert_bind_address (server, "127.0.0.1");
  type_into (server, "address_entry", "beta");
  g_assert_true (address_refused (server));
  g_assert_false (start_enabled (server));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (says)));
  g_assert_nonnull (strstr (gtk_label_get_text (says), "Runs on"));
  choose (server, BETA);
  assert_bind_address (server, "beta");
  g_assert_false (address_refused (server));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (says)));

  /* Typed where it was no address, as the field says, then moved there:
   * what is typed is what it binds, not what it had before. */
  choose (server, THIS_COMPUTER);
  type_into (server, "address_entry", "0.0.0.0");
  type_into (server, "address_entry", "alfa");
  g_assert_true (address_refused (server));
  choose (server, ALFA);
  assert_bind_address (server, "alfa");
  g_assert_false (address_refused (server));

  /* A client's loopback is its host's own: nothing is guessed. */
  type_into (client, "address_entry", "127.0.0.1");
  choose (client, ALFA);
  {
    g_autofree char *host = setting (client, "host");
    g_autofree char *network_host = setting (client, "network-host");

    g_assert_cmpstr (host, ==, "127.0.0.1");
    g_assert_cmpstr (network_host, ==, "alfa");
  }
  type_into (client, "address_entry", "beta");
  g_assert_false (address_refused (client));
  choose (client, THIS_COMPUTER);
  {
    g_autofree char *host = setting (client, "host");

    g_assert_cmpstr (host, ==, "beta");
    g_assert_cmpstr (address_field (client), ==, "beta");
  }

  lab_test_ui_close_window (window);
}

/* Every interface is the interfaces of the host the server runs on: on a
 * lab host, its loopback and its link, which only the lab reaches, said
 * without the warning that this computer's network can reach it. */
static void
test_hosts_every_interface (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  GtkWidget *says = child (server, "address_error");
  const char *on_beta = "Every interface of beta (lo and eth0): only the lab network reaches it";

  choose (server, BETA);
  for (guint i = 0; i < 2; i++)
    {
      type_into (server, "address_entry", i == 0 ? "0.0.0.0" : "::");
      g_assert_false (address_refused (server));
      g_assert_true (gtk_widget_get_visible (says));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (says)), ==, on_beta);
      g_assert_false (gtk_widget_has_css_class (says, "field-warning"));
    }

  /* Moved here, the same address is this computer's every interface. */
  choose (server, THIS_COMPUTER);
  assert_bind_address (server, "::");
  g_assert_true (gtk_widget_get_visible (says));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (says)), "⚠ Every interface: other machines"));
  g_assert_true (gtk_widget_has_css_class (says, "field-warning"));
  g_assert_false (gtk_widget_has_css_class (says, "field-note"));

  choose (server, ALFA);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (says)), "Every interface of alfa "));
  g_assert_false (gtk_widget_has_css_class (says, "field-warning"));

  lab_test_ui_close_window (window);
}

/* An echo server on beta, a client on alfa that names it, both chosen and
 * started in their panels: the echo comes back over the link, from
 * 10.80.0.1 to 10.80.0.2. */
static void
test_hosts_two_hosts (void)
{
  g_autoptr(GError) why = NULL;
  LabWindow *window;
  LabEndpointPanel *server, *client;
  LabEndpoint *server_endpoint, *client_endpoint;
  GtkWidget *entry;
  g_autofree char *expected_peer = NULL;

  /* Where user namespaces are refused, the lab says so (test_hosts_refused):
   * there is no lab network to reach. */
  if (!lab_network_check (&why))
    {
      g_test_skip (why->message);
      return;
    }

  window = lab_test_ui_open_window ();
  server = lab_test_ui_add (window, "tcp-server");
  server_endpoint = lab_endpoint_panel_get_endpoint (server);
  choose (server, BETA);
  assert_bind_address (server, "beta");
  /* The lab's own port: no other program shares beta's. */
  type_into (server, "port_entry", "7000");
  press_start_stop (server);
  lab_test_wait_waiting_in (server_endpoint, "accept");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (runs_on (server))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (server, "where_label"))), ==,
                   "Bound to 10.80.0.2:7000 on beta");

  client = lab_test_ui_add (window, "tcp-client");
  client_endpoint = lab_endpoint_panel_get_endpoint (client);
  choose (client, ALFA);
  type_into (client, "address_entry", "beta");
  type_into (client, "port_entry", "7000");
  g_assert_false (address_refused (client));
  press_start_stop (client);
  lab_test_wait_waiting_in (client_endpoint, "recv");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (runs_on (client))));
  {
    g_autofree char *where = g_strdup_printf ("This end is %s on alfa (its port chosen by the kernel)",
                                              lab_endpoint_get_address (client_endpoint));

    g_assert_true (g_str_has_prefix (lab_endpoint_get_address (client_endpoint), "10.80.0.1:"));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (client, "where_label"))), ==, where);
  }

  entry = lab_test_ui_child (child (client, "send_box"), LAB_TYPE_SEND_BOX, "entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), "hola");
  g_signal_emit_by_name (entry, "activate");
  lab_test_ui_wait (echo_came_back, client_endpoint, 10000);

  g_assert_true (g_str_has_prefix (lab_connection_get_peer_address (first_connection (server_endpoint)),
                                   "('10.80.0.1', "));
  expected_peer = g_strdup_printf ("('10.80.0.2', %u)", lab_endpoint_get_port (server_endpoint));
  g_assert_cmpstr (lab_connection_get_peer_address (first_connection (client_endpoint)), ==, expected_peer);

  press_start_stop (client);
  press_start_stop (server);
  lab_test_wait_stopped (client_endpoint);
  lab_test_wait_stopped (server_endpoint);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (runs_on (server))));

  lab_test_ui_close_window (window);
  /* Its namespaces are held by descriptors: they are let go of. */
  lab_network_forget ();
}

/* Saved, the file says where each runs; opened, the panels show it. */
static void
test_hosts_file (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpointPanel *client = lab_test_ui_add (window, "tcp-client");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-hosts-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "hosts.protolab", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  g_autoptr(LabEndpointConfig) before = NULL;

  g_assert_no_error (error);
  choose (server, BETA);
  choose (client, ALFA);
  type_into (client, "address_entry", "beta");
  before = lab_endpoint_config_copy (lab_endpoint_get_config (lab_endpoint_panel_get_endpoint (server)));

  g_assert_true (lab_test_ui_save_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\nnetwork-host=beta\n"));
  g_assert_nonnull (strstr (text, "\nbind-address=beta\n"));
  g_assert_nonnull (strstr (text, "\nnetwork-host=alfa\n"));
  g_assert_nonnull (strstr (text, "\nhost=beta\n"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 0);
  g_assert_true (lab_test_ui_open_file (window, file));
  {
    GListModel *endpoints = lab_session_get_endpoints (session);
    g_autoptr(LabEndpoint) first = g_list_model_get_item (endpoints, 0);
    g_autoptr(LabEndpoint) second = g_list_model_get_item (endpoints, 1);

    server = LAB_ENDPOINT_PANEL (lab_window_get_panel (window, first));
    client = LAB_ENDPOINT_PANEL (lab_window_get_panel (window, second));
    g_assert_true (lab_endpoint_config_equal (lab_endpoint_get_config (first), before));
  }
  g_assert_cmpuint (gtk_drop_down_get_selected (runs_on (server)), ==, BETA);
  g_assert_cmpuint (gtk_drop_down_get_selected (runs_on (client)), ==, ALFA);
  g_assert_cmpstr (address_field (server), ==, "beta");
  g_assert_cmpstr (address_field (client), ==, "beta");
  g_assert_false (address_refused (server));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  lab_test_ui_close_window (window);
}

/* Where the lab network cannot be made, run in a program that did not
 * prepare it: the hosts are still listed, Start says why, as the engine
 * says it, until the endpoint is moved; this computer works. */
static void
refused_here (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpoint *endpoint = lab_endpoint_panel_get_endpoint (server);
  GtkLabel *error_label = GTK_LABEL (child (server, "error_label"));
  g_autoptr(GError) why = NULL;

  g_assert_false (lab_network_check (&why));
  g_assert_error (why, LAB_ERROR, LAB_ERROR_NETWORK);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (runs_on (server))), ==, 3);

  choose (server, BETA);
  /* Here, the kernel picks the port. */
  type_into (server, "port_entry", "0");
  g_assert_true (start_enabled (server));
  press_start_stop (server);
  g_assert_false (lab_endpoint_is_active (endpoint));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, why->message);

  /* Still said once the panel is drawn again. */
  lab_test_ui_wait_drawn (GTK_WIDGET (server));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  choose (server, THIS_COMPUTER);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  press_start_stop (server);
  lab_test_wait_waiting_in (endpoint, "accept");
  press_start_stop (server);
  lab_test_wait_stopped (endpoint);

  lab_test_ui_close_window (window);
}

/* The program run again, without the lab network. */
/* The ping's panel: its host, its count and interval, no port, no send
 * box; the socket it will use where it runs, and GIO's refusal; run on
 * alfa against beta, each reply with its round-trip time, and the
 * summary. */
static gboolean
ping_summed_up (gpointer data)
{
  const char *text = gtk_label_get_text (GTK_LABEL (child (data, "ping_results")));

  return strstr (text, "echo requests sent") != NULL;
}

static void
test_hosts_ping (void)
{
  g_autoptr(GError) why = NULL;
  LabWindow *window;
  LabEndpointPanel *ping;
  LabEndpoint *endpoint;
  const char *results;

  if (!lab_network_check (&why))
    {
      g_test_skip (why->message);
      return;
    }

  window = lab_test_ui_open_window ();
  ping = lab_test_ui_add (window, "ping");
  endpoint = lab_endpoint_panel_get_endpoint (ping);
  g_assert_false (gtk_widget_get_visible (child (ping, "port_entry")));
  g_assert_true (gtk_widget_get_visible (child (ping, "count_spin")));
  g_assert_true (gtk_widget_get_visible (child (ping, "interval_spin")));
  g_assert_false (gtk_widget_get_visible (child (ping, "send_box")));
  g_assert_true (gtk_widget_get_visible (child (ping, "ping_note")));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child (ping, "ping_note"))),
                                   "ICMP’s datagram socket, socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP)"));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (ping, "gio_button")), TRUE);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child (ping, "ping_note"))), "GIO cannot ping"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (ping, "posix_button")), TRUE);

  choose (ping, ALFA);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child (ping, "ping_note"))),
                                   "A raw socket, socket (AF_INET, SOCK_RAW, IPPROTO_ICMP)"));
  type_into (ping, "address_entry", "beta");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (ping, "count_spin")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (ping, "interval_spin")), 200);
  g_assert_true (start_enabled (ping));
  press_start_stop (ping);
  lab_test_ui_wait (ping_summed_up, ping, 10000);
  lab_test_wait_stopped (endpoint);
  g_assert_null (lab_endpoint_get_error (endpoint));

  results = gtk_label_get_text (GTK_LABEL (child (ping, "ping_results")));
  g_test_message ("%s", results);
  g_assert_true (gtk_widget_get_visible (child (ping, "ping_results")));
  g_assert_true (g_str_has_prefix (results, "icmp_seq=1 ttl=64 time="));
  g_assert_nonnull (strstr (results, "\nicmp_seq=2 ttl=64 time="));
  g_assert_nonnull (strstr (results, "\n2 echo requests sent, 2 replies received; round-trip time min/avg/max = "));

  lab_test_ui_close_window (window);
  lab_network_forget ();
}

static void
test_hosts_refused (void)
{
  lab_test_run_without_lab_network ("/hosts/refused/here");
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  if (g_getenv ("PROTOLAB_TEST_WITHOUT_LAB_NETWORK") != NULL)
    {
      g_test_add_func ("/hosts/refused/here", refused_here);
      return g_test_run ();
    }

  g_test_add_func ("/hosts/choices", test_hosts_choices);
  g_test_add_func ("/hosts/bind-address", test_hosts_bind_address);
  g_test_add_func ("/hosts/every-interface", test_hosts_every_interface);
  g_test_add_func ("/hosts/two-hosts", test_hosts_two_hosts);
  g_test_add_func ("/hosts/file", test_hosts_file);
  g_test_add_func ("/hosts/ping", test_hosts_ping);
  g_test_add_func ("/hosts/refused", test_hosts_refused);

  return g_test_run ();
}
