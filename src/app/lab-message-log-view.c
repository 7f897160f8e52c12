/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-hex.h"
#include "lab-message-log-view.h"

/* An endpoint's log of messages, in its panel, as a terminal program
 * shows them: each with its time on the timeline, which way it went, a
 * server's peer, and its bytes as escaped text or in hex. The rows are
 * the endpoint's log (lab-message-log.c): the newest so many, told at
 * most ten times a second, and only the rows in view are made. */

#define SHOWN_TEXT_BYTES 256
#define SHOWN_HEX_BYTES  96
#define MAX_LINES        3
/* A move the user makes, and the half second after it, is the user's. */
#define USER_INPUT_US    (500 * G_TIME_SPAN_MILLISECOND)

struct _LabMessageLogView
{
  GtkWidget      parent_instance;

  LabEndpoint   *endpoint;
  LabMessageLog *log;
  gboolean       hex;
  gboolean       following;
  gboolean       scrolling;
  gint64         user_until;
  guint          scroll_id;

  /* Template widgets */
  GtkWidget     *box;
  GtkToggleButton *hex_button;
  GtkLabel      *dropped_label;
  GtkLabel      *empty_label;
  GtkScrolledWindow *scroller;
  GtkListView   *list;
};

G_DEFINE_FINAL_TYPE (LabMessageLogView, lab_message_log_view, GTK_TYPE_WIDGET)

/* Who a server's message came from or went to. */
static char *
dup_peer (LabMessageLogView *self,
          LabEvent          *event)
{
  GSocketAddress *address = lab_event_get_address (event);
  LabConnection *connection = lab_endpoint_find_connection (self->endpoint, lab_event_get_connection (event));

  if (address != NULL)
    return lab_address_format (address);
  if (connection != NULL && lab_connection_get_peer_address (connection) != NULL)
    return g_strdup (lab_connection_get_peer_address (connection));
  /* Translators: a connection the server no longer lists, by its number. */
  return g_strdup_printf (_("connection %llu"), (unsigned long long) lab_event_get_connection (event));
}

static void
fill_row (LabMessageLogView *self,
          GtkWidget         *row,
          LabEvent          *event)
{
  GtkWidget *meta = gtk_widget_get_first_child (row);
  GtkWidget *content = gtk_widget_get_last_child (row);
  gboolean in = lab_event_get_direction (event) == LAB_DIRECTION_IN;
  gboolean server = lab_endpoint_config_is_server (lab_endpoint_get_config (self->endpoint));
  GBytes *bytes = lab_event_get_bytes (event);
  g_autofree char *time = g_strdup_printf ("%.3f", lab_event_get_begin_time (event) / (double) G_USEC_PER_SEC);
  g_autofree char *way = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;

  if (server)
    {
      g_autofree char *peer = dup_peer (self, event);

      /* Translators: a message a server received from (←) or sent to (→) a peer, e.g. 127.0.0.1:40122. */
      way = g_strdup_printf (in ? _("← from %s") : _("→ to %s"), peer);
    }
  else
    way = g_strdup (in ? _("← received") : _("→ sent"));

  /* Translators: a message's time on the timeline, which way it went, and its size in bytes. */
  line = g_strdup_printf (_("%s  %s · %zu B"), time, way, lab_event_get_real_length (event));
  gtk_label_set_text (GTK_LABEL (meta), line);

  if (bytes == NULL)
    text = g_strdup (_("(its bytes are no longer kept)"));
  else if (self->hex)
    text = lab_hex_format (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), SHOWN_HEX_BYTES);
  else
    text = lab_text_escape (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), SHOWN_TEXT_BYTES);
  gtk_label_set_text (GTK_LABEL (content), text);

  gtk_widget_remove_css_class (row, in ? "outgoing" : "incoming");
  gtk_widget_add_css_class (row, in ? "incoming" : "outgoing");
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *meta = gtk_label_new (NULL);
  GtkWidget *content = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_xalign (GTK_LABEL (content), 0);
  gtk_label_set_wrap (GTK_LABEL (content), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (content), PANGO_WRAP_WORD_CHAR);
  /* Three lines of a message at most, as a terminal program's log: a
   * row costs the same to lay out whatever came, where a long run of
   * bytes with no space, broken into a dozen lines at every layout, kept
   * the window from drawing for seconds in a steady exchange. The whole
   * message is in the Bytes tab. */
  gtk_label_set_lines (GTK_LABEL (content), MAX_LINES);
  gtk_label_set_ellipsize (GTK_LABEL (content), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "dim-label");
  gtk_widget_add_css_class (content, "monospace");
  gtk_box_append (GTK_BOX (row), meta);
  gtk_box_append (GTK_BOX (row), content);
  gtk_widget_add_css_class (row, "message");
  gtk_list_item_set_child (item, row);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          LabMessageLogView        *self)
{
  LabEvent *event = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  if (event == NULL)
    return;
  /* Kept for a change between text and hex, which fills again the rows
   * made, and only those. */
  g_object_set_data_full (G_OBJECT (row), "event", g_object_ref (event), g_object_unref);
  fill_row (self, row, event);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "event", NULL);
}

static void
on_hex_toggled (LabMessageLogView *self)
{
  self->hex = gtk_toggle_button_get_active (self->hex_button);

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      LabEvent *event = row != NULL ? g_object_get_data (G_OBJECT (row), "event") : NULL;

      if (event != NULL)
        fill_row (self, row, event);
    }
}

/* ---- Following the newest ---- */

static gboolean
scroll_to_end (gpointer data)
{
  LabMessageLogView *self = data;
  guint n = self->log != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->log)) : 0;

  /* To the newest row itself, not to where the list guesses the end is:
   * rows of wrapped bytes are not all as tall. */
  self->scroll_id = 0;
  if (self->log == NULL)
    return G_SOURCE_REMOVE;
  self->scrolling = TRUE;
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list), "list.scroll-to-item", "u", n - 1);
  self->scrolling = FALSE;
  return G_SOURCE_REMOVE;
}

static void
follow (LabMessageLogView *self)
{
  if (self->following && self->scroll_id == 0)
    self->scroll_id = g_idle_add_full (G_PRIORITY_LOW, scroll_to_end, self, NULL);
}

/* Rows added, the oldest dropped, another zoom: the list moves by itself,
 * and goes back to the end while it follows. Only a move in the moment
 * after the user's wheel, click or key says where the user wants to be:
 * at the end, follow; above it, stay. */
static void
on_value_changed (LabMessageLogView *self,
                  GtkAdjustment     *adjustment)
{
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (self->scrolling)
    return;
  if (g_get_monotonic_time () < self->user_until)
    self->following = gtk_adjustment_get_value (adjustment) >= end - 2;
  else
    follow (self);
}

static void
note_user (LabMessageLogView *self)
{
  self->user_until = g_get_monotonic_time () + USER_INPUT_US;
}

static gboolean
on_user_scroll (LabMessageLogView *self)
{
  note_user (self);
  return FALSE;
}

static void
update_counts (LabMessageLogView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->log));
  guint64 dropped = lab_message_log_get_n_dropped (self->log);

  gboolean flooding = lab_message_log_get_flooding (self->log);

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0 && dropped == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->scroller), n > 0);
  if (flooding)
    {
      guint per_second = lab_message_log_get_per_second (self->log);
      g_autofree char *text = NULL;

      /* Translators: the panel's messages in a flood; %u is how many a second. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "A flood: %u message a second, too many to list. The newest are listed again when it calms.",
                                           "A flood: %u messages a second, too many to list. The newest are listed again when it calms.",
                                           per_second),
                              per_second);
      gtk_label_set_text (self->dropped_label, text);
    }
  else if (dropped > 0)
    {
      g_autofree char *count = g_strdup_printf ("%'" G_GUINT64_FORMAT, dropped);
      /* Translators: %s is how many older messages are no longer shown, e.g. “1 204”; %u is how many are kept. */
      g_autofree char *text = g_strdup_printf (_("Older messages dropped: %s (the newest %u are kept)"), count,
                                               lab_message_log_get_max_messages (self->log));

      gtk_label_set_text (self->dropped_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->dropped_label), flooding || dropped > 0);
  follow (self);
}

/**
 * lab_message_log_view_set_endpoint:
 *
 * Shows @endpoint's messages.
 */
void
lab_message_log_view_set_endpoint (LabMessageLogView *self,
                                   LabEndpoint       *endpoint)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (LAB_IS_MESSAGE_LOG_VIEW (self));
  g_return_if_fail (self->endpoint == NULL);

  self->endpoint = g_object_ref (endpoint);
  self->log = g_object_ref (lab_endpoint_get_messages (endpoint));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->log)));
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (self->log, "items-changed", G_CALLBACK (update_counts), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log, "notify::n-dropped", G_CALLBACK (update_counts), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->log, "notify::flooding", G_CALLBACK (update_counts), self, G_CONNECT_SWAPPED);
  update_counts (self);
}

/**
 * lab_message_log_view_dup_text:
 *
 * Returns: (transfer full): the rows made, as they read, one a line: the
 *   time, the way and size, then the bytes
 */
char *
lab_message_log_view_dup_text (LabMessageLogView *self)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row == NULL || g_object_get_data (G_OBJECT (row), "event") == NULL)
        continue;
      g_string_append_printf (text, "%s %s\n", gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (row))),
                              gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (row))));
    }
  return g_string_free (text, FALSE);
}

static void
lab_message_log_view_dispose (GObject *object)
{
  LabMessageLogView *self = LAB_MESSAGE_LOG_VIEW (object);

  g_clear_handle_id (&self->scroll_id, g_source_remove);
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MESSAGE_LOG_VIEW);
  g_clear_object (&self->log);
  g_clear_object (&self->endpoint);

  G_OBJECT_CLASS (lab_message_log_view_parent_class)->dispose (object);
}

static void
lab_message_log_view_class_init (LabMessageLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_message_log_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-message-log-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, box);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, hex_button);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, list);
  gtk_widget_class_bind_template_child (widget_class, LabMessageLogView, scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_hex_toggled);
}

static void
lab_message_log_view_init (LabMessageLogView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment;
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->following = TRUE;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list, factory);
  g_object_unref (factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (follow), self, G_CONNECT_SWAPPED);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (on_user_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);
  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "pressed", G_CALLBACK (note_user), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);
  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (on_user_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);
}
