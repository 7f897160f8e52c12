/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-endpoint-panel.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The timeline in a flood, as a class sees it: a lab echo server in the
 * window and a peer of the test's own that sends it 64 KiB blocks as fast
 * as the echo comes back, on loopback. While it floods, the timeline says
 * how many events come a second instead of drawing each; once it calms,
 * the rows come back, the newest among them. */

#define FLOOD_MAX_S 20
#define WAIT_MS     20000

typedef struct {
  guint16        port;
  volatile gint  stop;
  guint64        echoed;
} Peer;

/* Sends and reads until told to stop, or FLOOD_MAX_S at most. */
static gpointer
flood (gpointer data)
{
  Peer *peer = data;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (peer->port) };
  static char block[65536];
  gint64 until = g_get_monotonic_time () + FLOOD_MAX_S * G_USEC_PER_SEC;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &to, sizeof to), ==, 0);
  memset (block, 'x', sizeof block);

  while (!g_atomic_int_get (&peer->stop) && g_get_monotonic_time () < until)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
      ssize_t n;

      if (poll (&p, 1, 100) <= 0)
        continue;
      if (p.revents & POLLIN)
        {
          n = recv (fd, block, sizeof block, MSG_DONTWAIT);
          if (n <= 0 && !(n < 0 && errno == EAGAIN))
            break;
          if (n > 0)
            peer->echoed += (guint64) n;
        }
      if (p.revents & POLLOUT)
        {
          n = send (fd, block, sizeof block, MSG_DONTWAIT | MSG_NOSIGNAL);
          if (n < 0 && errno != EAGAIN)
            break;
        }
    }
  close (fd);
  return NULL;
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

static gboolean
is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
is_stopped (gpointer data)
{
  return !lab_endpoint_is_active (data);
}

/* The newest of the program's calls in the timeline (the lab's own to
 * watch the kernel are not shown), if any. */
static LabEvent *
newest_call (LabTimeline *timeline)
{
  GListModel *events = G_LIST_MODEL (timeline);

  for (guint i = g_list_model_get_n_items (events); i > 0; i--)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (events, i - 1);

      if (lab_event_get_kind (event) == LAB_EVENT_CALL && !lab_event_get_instrumentation (event))
        return g_steal_pointer (&event);
    }
  return NULL;
}

static void
test_flood_window_band (void)
{
  LabWindow *window = lab_test_ui_open_window ();
  LabSession *session = lab_window_get_session (window);
  LabTimeline *timeline = lab_session_get_timeline (session);
  LabTimelineView *view = LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window));
  GtkWidget *band = lab_test_ui_child (GTK_WIDGET (view), LAB_TYPE_TIMELINE_VIEW, "flood_label");
  LabEndpointPanel *server = lab_test_ui_add (window, "tcp-server");
  LabEndpoint *endpoint = lab_endpoint_panel_get_endpoint (server);
  g_autoptr(LabEvent) last = NULL;
  Peer peer = { 0 };
  GThread *thread;
  const char *text;

  g_object_set (lab_endpoint_get_config (endpoint), "behaviour", LAB_BEHAVIOUR_ECHO, NULL);
  gtk_editable_set_text (GTK_EDITABLE (lab_test_ui_child (GTK_WIDGET (server), LAB_TYPE_ENDPOINT_PANEL, "port_entry")),
                         "0");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server), "panel.start-stop", NULL));
  lab_test_ui_wait (has_port, endpoint, WAIT_MS);
  g_assert_false (gtk_widget_get_visible (band));

  peer.port = lab_endpoint_get_port (endpoint);
  thread = g_thread_new ("flood", flood, &peer);

  /* The flood said, with its rate and its busiest calls. */
  lab_test_ui_wait (is_visible, band, WAIT_MS);
  text = gtk_label_get_text (GTK_LABEL (band));
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "A flood: "));
  g_assert_nonnull (strstr (text, " events a second ("));
  g_assert_true (strstr (text, "recv ") != NULL || strstr (text, "send ") != NULL);
  g_assert_nonnull (strstr (text, "every event is kept"));
  /* Meanwhile the list holds no row that could be let go under it. */
  g_assert_cmpuint (g_list_model_get_n_items (lab_timeline_view_get_model (view)), ==, 0);

  g_atomic_int_set (&peer.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (peer.echoed, >, 0);
  lab_endpoint_stop (endpoint);
  lab_test_ui_wait (is_stopped, endpoint, WAIT_MS);

  /* Calm: the band goes, the rows come back, the newest call among them. */
  lab_test_ui_wait (is_hidden, band, WAIT_MS);
  lab_test_ui_wait_drawn (GTK_WIDGET (view));
  last = newest_call (timeline);
  g_assert_nonnull (last);
  g_assert_cmpuint (g_list_model_get_n_items (lab_timeline_view_get_model (view)), >, 0);
  g_assert_true (lab_timeline_view_select (view, last));

  lab_session_remove (session, endpoint);
  lab_test_ui_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/flood-window/band", test_flood_window_band);
  return g_test_run ();
}
