/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-bytes-view.h"
#include "lab-framing.h"
#include "lab-hex.h"

/* The bytes of one connection, both ways, in order: received on the left
 * with ←, sent on the right with →, each with its offset in its stream,
 * in hex and as text. As each recv and send got them, the chunk
 * boundaries are the rows; as messages, a decoder of the chosen framing
 * reassembles them across recvs. */

#define MAX_SHOWN 512
#define MAX_DUMPED 128
#define REFRAME_DELAY_MS 200

/* ---- A row: a chunk or a message ---- */

#define LAB_TYPE_BYTES_ROW (lab_bytes_row_get_type ())
G_DECLARE_FINAL_TYPE (LabBytesRow, lab_bytes_row, LAB, BYTES_ROW, GObject)

struct _LabBytesRow
{
  GObject       parent_instance;
  LabDirection  direction;
  guint64       offset;
  GBytes       *bytes;
  gsize         real_len;
  gboolean      message;
};

G_DEFINE_FINAL_TYPE (LabBytesRow, lab_bytes_row, G_TYPE_OBJECT)

static void
lab_bytes_row_finalize (GObject *object)
{
  g_clear_pointer (&LAB_BYTES_ROW (object)->bytes, g_bytes_unref);
  G_OBJECT_CLASS (lab_bytes_row_parent_class)->finalize (object);
}

static void
lab_bytes_row_class_init (LabBytesRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_bytes_row_finalize;
}

static void
lab_bytes_row_init (LabBytesRow *self)
{
}

static LabBytesRow *
row_new (LabDirection  direction,
         guint64       offset,
         GBytes       *bytes,
         gsize         real_len,
         gboolean      message)
{
  LabBytesRow *row = g_object_new (LAB_TYPE_BYTES_ROW, NULL);

  row->direction = direction;
  row->offset = offset;
  row->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  row->real_len = real_len;
  row->message = message;
  return row;
}

/* ---- The view ---- */

struct _LabBytesView
{
  GtkWidget      parent_instance;

  LabConnection *connection;
  char          *name;
  gboolean       datagrams;
  GListStore    *rows;
  guint          reframe_id;
  gboolean       stale;         /* data came while off screen */

  /* Template widgets */
  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkDropDown   *framing_dropdown;
  GtkSpinButton *fixed_spin;
  GtkStack      *stack;
  GtkListView   *list_view;
};

G_DEFINE_FINAL_TYPE (LabBytesView, lab_bytes_view, GTK_TYPE_WIDGET)

GtkWidget *
lab_bytes_view_new (void)
{
  return g_object_new (LAB_TYPE_BYTES_VIEW, NULL);
}

static LabFraming
framing (LabBytesView *self)
{
  switch (gtk_drop_down_get_selected (self->framing_dropdown))
    {
    case 1: return LAB_FRAMING_LINES;
    case 2: return LAB_FRAMING_LENGTH_PREFIX;
    case 3: return LAB_FRAMING_FIXED;
    default: return LAB_FRAMING_RAW;
    }
}

static int
by_time (gconstpointer a,
         gconstpointer b)
{
  gint64 ta = lab_event_get_begin_time (*(LabEvent **) a);
  gint64 tb = lab_event_get_begin_time (*(LabEvent **) b);

  return ta < tb ? -1 : ta > tb;
}

/* Rebuilds the rows from the connection's data: a row per chunk, or the
 * messages two decoders (one a direction) find in the streams, in the
 * order they were completed. */
static void
rebuild (LabBytesView *self)
{
  GListModel *data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) events = NULL;
  LabDecoder *decoders[2] = { NULL, NULL };
  guint64 offsets[2] = { 0, 0 };
  LabFraming f = framing (self);

  g_clear_handle_id (&self->reframe_id, g_source_remove);
  self->stale = FALSE;

  if (self->connection == NULL)
    {
      g_list_store_remove_all (self->rows);
      return;
    }

  data = lab_connection_get_data (self->connection);
  if (f != LAB_FRAMING_RAW)
    for (guint d = 0; d < 2; d++)
      decoders[d] = lab_decoder_new (f, (gsize) gtk_spin_button_get_value (self->fixed_spin), 0);

  /* In the order they crossed: a send from when it began, as its peer may
   * have recorded the receipt before the send returned. */
  events = g_ptr_array_new_full (g_list_model_get_n_items (data), g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (data); i++)
    g_ptr_array_add (events, g_list_model_get_item (data, i));
  g_ptr_array_sort (events, by_time);

  for (guint i = 0; i < events->len; i++)
    {
      LabEvent *event = events->pdata[i];
      LabDirection direction = lab_event_get_direction (event);
      GBytes *bytes = lab_event_get_bytes (event);

      if (f == LAB_FRAMING_RAW || bytes == NULL)
        {
          g_ptr_array_add (rows, row_new (direction, lab_event_get_offset (event), bytes,
                                          lab_event_get_real_length (event), FALSE));
          continue;
        }

      if (offsets[direction] == 0)
        offsets[direction] = lab_event_get_offset (event);
      lab_decoder_push (decoders[direction], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      for (;;)
        {
          LabFrameInfo info;
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) message = lab_decoder_next (decoders[direction], &info, &error);

          if (message == NULL)
            break;
          g_ptr_array_add (rows, row_new (direction, offsets[direction], message, g_bytes_get_size (message),
                                          TRUE));
          offsets[direction] += info.frame_len;
        }
    }

  for (guint d = 0; d < 2; d++)
    lab_decoder_free (decoders[d]);

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
}

static gboolean
on_reframe (gpointer data)
{
  LabBytesView *self = data;

  self->reframe_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* New data: a batch at a time, and in a flood no more than five times a
 * second; off screen, not at all until the view is shown again (a stack
 * still measures its hidden pages, and rows rebuilt there would be
 * measured at each frame for nothing). */
static void
on_data_changed (LabBytesView *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reframe_id == 0)
    self->reframe_id = g_timeout_add (REFRAME_DELAY_MS, on_reframe, self);
}

static void
lab_bytes_view_map (GtkWidget *widget)
{
  LabBytesView *self = LAB_BYTES_VIEW (widget);

  GTK_WIDGET_CLASS (lab_bytes_view_parent_class)->map (widget);
  if (self->stale)
    rebuild (self);
}

static void
lab_bytes_view_unmap (GtkWidget *widget)
{
  LabBytesView *self = LAB_BYTES_VIEW (widget);

  /* What was due is done when shown again */
  if (self->reframe_id != 0)
    self->stale = TRUE;
  g_clear_handle_id (&self->reframe_id, g_source_remove);
  GTK_WIDGET_CLASS (lab_bytes_view_parent_class)->unmap (widget);
}

static void
on_framing_changed (LabBytesView *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->fixed_spin), framing (self) == LAB_FRAMING_FIXED);
  rebuild (self);
}

void
lab_bytes_view_set_framing (LabBytesView *self,
                            LabFraming    f)
{
  static const guint index[] = {
    [LAB_FRAMING_RAW] = 0, [LAB_FRAMING_LINES] = 1, [LAB_FRAMING_LENGTH_PREFIX] = 2, [LAB_FRAMING_FIXED] = 3,
  };

  gtk_drop_down_set_selected (self->framing_dropdown, index[f]);
}

static void
update_title (LabBytesView *self)
{
  g_autofree char *title = NULL;
  const char *peer = self->connection != NULL ? lab_connection_get_peer_address (self->connection) : NULL;

  if (self->connection != NULL)
    /* Translators: an endpoint's name, and the address of the peer of one of its connections. */
    title = g_strdup_printf (_("%s ↔ %s"), self->name != NULL ? self->name : "", peer != NULL ? peer : "…");
  gtk_label_set_text (self->title_label, title != NULL ? title : "");
}

/**
 * lab_bytes_view_set_connection:
 * @endpoint: (nullable): the endpoint @connection belongs to
 * @connection: (nullable): the connection whose bytes to show
 */
void
lab_bytes_view_set_connection (LabBytesView  *self,
                               LabEndpoint   *endpoint,
                               LabConnection *connection)
{
  g_return_if_fail (LAB_IS_BYTES_VIEW (self));

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (lab_connection_get_data (self->connection), self);
      g_signal_handlers_disconnect_by_data (self->connection, self);
    }
  g_set_object (&self->connection, connection);
  g_free (self->name);
  self->name = endpoint != NULL ? g_strdup (lab_endpoint_get_name (endpoint)) : NULL;
  /* UDP moves datagrams, each whole: there is no stream to split. */
  self->datagrams = endpoint != NULL && !lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint));
  gtk_widget_set_visible (GTK_WIDGET (self->framing_dropdown), !self->datagrams);
  if (self->datagrams)
    lab_bytes_view_set_framing (self, LAB_FRAMING_RAW);
  if (connection != NULL)
    {
      g_signal_connect_object (lab_connection_get_data (connection), "items-changed",
                               G_CALLBACK (on_data_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::peer-address", G_CALLBACK (update_title), self,
                               G_CONNECT_SWAPPED);
    }

  update_title (self);
  gtk_stack_set_visible_child_name (self->stack, connection != NULL ? "bytes" : "empty");
  rebuild (self);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *dump = gtk_label_new (NULL);

  gtk_widget_add_css_class (head, "direction");
  gtk_widget_add_css_class (text, "monospace");
  gtk_widget_add_css_class (text, "bytes-text");
  gtk_widget_add_css_class (dump, "monospace");
  gtk_widget_add_css_class (dump, "hex-dump");
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 44);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_selectable (GTK_LABEL (dump), TRUE);
  gtk_box_append (GTK_BOX (box), head);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), dump);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);

  g_object_set_data (G_OBJECT (box), "head", head);
  g_object_set_data (G_OBJECT (box), "text", text);
  g_object_set_data (G_OBJECT (box), "dump", dump);
  gtk_list_item_set_child (item, box);
}

static char *
row_head (LabBytesView *self,
          LabBytesRow  *row)
{
  gboolean in = row->direction == LAB_DIRECTION_IN;
  gulong n = (gulong) row->real_len;
  unsigned long long at = (unsigned long long) row->offset;

  /* Translators: what one recv (←) or send (→) moved, or a whole message
   * received or sent: how many bytes, and from which byte of the stream. */
  /* Translators: a datagram recvfrom (←) received or sendto (→) sent, and its size. */
  if (self->datagrams)
    return in ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "← recvfrom: a datagram of %lu byte",
                                              "← recvfrom: a datagram of %lu bytes", n), n)
              : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "→ sendto: a datagram of %lu byte",
                                              "→ sendto: a datagram of %lu bytes", n), n);

  if (row->message)
    return in ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "← message in: %lu byte, from byte %llu",
                                              "← message in: %lu bytes, from byte %llu", n), n, at)
              : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "→ message out: %lu byte, from byte %llu",
                                              "→ message out: %lu bytes, from byte %llu", n), n, at);

  return in ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "← recv: %lu byte, from byte %llu",
                                            "← recv: %lu bytes, from byte %llu", n), n, at)
            : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "→ send: %lu byte, from byte %llu",
                                            "→ send: %lu bytes, from byte %llu", n), n, at);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  data)
{
  LabBytesRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *head = g_object_get_data (G_OBJECT (box), "head");
  GtkWidget *text = g_object_get_data (G_OBJECT (box), "text");
  GtkWidget *dump = g_object_get_data (G_OBJECT (box), "dump");
  gboolean in = row->direction == LAB_DIRECTION_IN;
  LabBytesView *self = data;
  g_autofree char *head_text = row_head (self, row);
  gsize len = 0;
  const guint8 *bytes = row->bytes != NULL ? g_bytes_get_data (row->bytes, &len) : NULL;

  /* Received on the left, sent on the right; the arrow and the words say
   * it too. */
  gtk_widget_set_halign (box, in ? GTK_ALIGN_START : GTK_ALIGN_END);
  gtk_widget_remove_css_class (box, in ? "outgoing" : "incoming");
  gtk_widget_add_css_class (box, in ? "incoming" : "outgoing");
  gtk_label_set_xalign (GTK_LABEL (head), in ? 0 : 1);
  gtk_label_set_xalign (GTK_LABEL (text), in ? 0 : 1);
  gtk_label_set_xalign (GTK_LABEL (dump), 0);
  gtk_label_set_text (GTK_LABEL (head), head_text);

  if (bytes != NULL)
    {
      g_autofree char *t = lab_text_escape (bytes, len, MAX_SHOWN);
      g_autofree char *d = lab_hex_dump (bytes, MIN (len, MAX_DUMPED), self->datagrams ? 0 : row->offset, 8);

      /* The dump ends with a newline, which a label would show as space. */
      if (len > MAX_DUMPED)
        {
          g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… and %lu byte more", "… and %lu bytes more",
                                                                (gulong) (len - MAX_DUMPED)),
                                                   (gulong) (len - MAX_DUMPED));
          g_autofree char *with_more = g_strconcat (d, more, NULL);

          g_free (d);
          d = g_steal_pointer (&with_more);
        }
      else
        g_strchomp (d);
      gtk_label_set_text (GTK_LABEL (text), t);
      gtk_label_set_text (GTK_LABEL (dump), d);
      gtk_widget_set_visible (dump, TRUE);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (text), _("(bytes dropped to stay within the limit)"));
      gtk_widget_set_visible (dump, FALSE);
    }
}

/**
 * lab_bytes_view_dup_text:
 *
 * Returns: the rows as text, one a line: direction, then the bytes as
 *   escaped text and in hex (for tests)
 */
char *
lab_bytes_view_dup_text (LabBytesView *self)
{
  GString *out = g_string_new (NULL);

  if (self->stale || self->reframe_id != 0)
    rebuild (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(LabBytesRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      gsize len = 0;
      const guint8 *bytes = row->bytes != NULL ? g_bytes_get_data (row->bytes, &len) : NULL;
      g_autofree char *text = bytes != NULL ? lab_text_escape (bytes, len, 0) : g_strdup ("");
      g_autofree char *hex = bytes != NULL ? lab_hex_format (bytes, len, 0) : g_strdup ("");

      g_string_append_printf (out, "%s %s [%s]\n", row->direction == LAB_DIRECTION_IN ? "←" : "→", text, hex);
    }

  return g_string_free (out, FALSE);
}

static void
lab_bytes_view_dispose (GObject *object)
{
  LabBytesView *self = LAB_BYTES_VIEW (object);

  g_clear_handle_id (&self->reframe_id, g_source_remove);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (lab_connection_get_data (self->connection), self);
      g_signal_handlers_disconnect_by_data (self->connection, self);
    }
  g_clear_object (&self->connection);
  g_clear_pointer (&self->name, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_BYTES_VIEW);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (lab_bytes_view_parent_class)->dispose (object);
}

static void
lab_bytes_view_class_init (LabBytesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_bytes_view_dispose;
  widget_class->map = lab_bytes_view_map;
  widget_class->unmap = lab_bytes_view_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-bytes-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, box);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, fixed_spin);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, framing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, list_view);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, stack);
  gtk_widget_class_bind_template_child (widget_class, LabBytesView, title_label);
  gtk_widget_class_bind_template_callback (widget_class, on_framing_changed);
}

static void
lab_bytes_view_init (LabBytesView *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (LAB_TYPE_BYTES_ROW);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  {
    g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));

    gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  }
}
