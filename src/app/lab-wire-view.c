/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-ladder.h"
#include "lab-packet.h"
#include "lab-timeline-filter.h"
#include "lab-link.h"
#include "lab-wire-view.h"
#include "lab-wire.h"

/* The wire: the real packets of the lab network, each as it left its
 * host, listed from the timeline as the timeline view lists its events
 * (its bounds, its cost: a row is read only when it is shown), and the
 * chosen one's every header field, with what it means. The list, and the
 * ladder that draws it, may show only a kind of packet, or the packets of
 * one connection: each packet is then read once, in batches. */

/* A TCP or UDP connection as its packets name it: both ends, either way. */
typedef struct {
  LabPacketProto proto;
  int            family;
  guint8         a[16], b[16];
  guint16        a_port, b_port;
} LabWireFlow;

struct _LabWireView
{
  GtkWidget           parent_instance;

  LabSession         *session;
  LabTimelineFilter  *packets;
  GtkFilterListModel *shown;
  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  LabWireShow         show;
  gboolean            has_flow;   /* a connection chosen */
  LabWireFlow         flow;
  guint64             flow_conn;  /* the lab connection it was last found by */
  guint64             keep_seq;   /* the packet chosen when what is shown changed */
  guint               keep_id;

  /* Template widgets */
  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkLabel           *summary_label;
  GtkListBox         *fields_box;
  GtkScrolledWindow  *ladder_scroller;
  GtkStack           *view_stack;
  GtkWidget          *ladder;
  GtkToggleButton    *show_buttons[LAB_WIRE_N_SHOWS];
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabWireView, lab_wire_view, GTK_TYPE_WIDGET)

GtkWidget *
lab_wire_view_new (LabSession *session)
{
  return g_object_new (LAB_TYPE_WIRE_VIEW, "session", session, NULL);
}

/**
 * lab_wire_view_get_model:
 *
 * Returns: (transfer none): the packets listed, in order, as the list
 *   shows them
 */
GListModel *
lab_wire_view_get_model (LabWireView *self)
{
  return G_LIST_MODEL (self->shown);
}

/**
 * lab_wire_view_get_selected:
 *
 * Returns: (transfer none) (nullable): the packet chosen
 */
LabEvent *
lab_wire_view_get_selected (LabWireView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * lab_wire_view_get_ladder:
 *
 * Returns: (transfer none): the ladder diagram of the packets listed
 */
GtkWidget *
lab_wire_view_get_ladder (LabWireView *self)
{
  return self->ladder;
}

/**
 * lab_wire_view_show_ladder:
 * @ladder: the ladder, or else the list
 */
void
lab_wire_view_show_ladder (LabWireView *self,
                           gboolean     ladder)
{
  gtk_stack_set_visible_child_name (self->view_stack, ladder ? "ladder" : "list");
}

/* The inner list of the column view, which scrolls to a row. */
static GtkWidget *
find_list (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* Where the packet numbered @seq is among those shown, or G_MAXUINT: they
 * are in the timeline's order, so a few are read to find it. */
static guint
find_shown (LabWireView *self,
            guint64      seq)
{
  GListModel *shown = G_LIST_MODEL (self->shown);
  guint lo = 0, hi = g_list_model_get_n_items (shown);

  if (seq == 0)
    return G_MAXUINT;
  if (gtk_filter_list_model_get_filter (self->shown) == NULL)
    return lab_timeline_filter_find (self->packets, seq);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(LabEvent) packet = g_list_model_get_item (shown, mid);
      guint64 at = lab_event_get_seq (packet);

      if (at == seq)
        return mid;
      if (at < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return G_MAXUINT;
}

static gboolean
select_shown (LabWireView *self,
              guint64      seq)
{
  guint position = find_shown (self, seq);
  GtkWidget *list;

  if (position == G_MAXUINT)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return FALSE;
    }
  gtk_single_selection_set_selected (self->selection, position);
  if ((list = find_list (GTK_WIDGET (self->column_view))) != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
  return TRUE;
}

/**
 * lab_wire_view_select_seq:
 * @seq: the number of a packet event, or 0 for none
 *
 * Chooses that packet and brings it into view.
 *
 * Returns: whether it is listed (the packets shown may leave it out), and
 *   so chosen
 */
gboolean
lab_wire_view_select_seq (LabWireView *self,
                          guint64      seq)
{
  g_return_val_if_fail (LAB_IS_WIRE_VIEW (self), FALSE);

  /* While the filter reads the packets, the one asked for is chosen once
   * it is shown. */
  if (gtk_filter_list_model_get_pending (self->shown) > 0)
    self->keep_seq = seq;
  return select_shown (self, seq);
}

/* ---- Rows ---- */

/* A packet, read once for all its cells: its event lives as long as its
 * row is shown. */
static const LabWireInfo *
wire_of (LabEvent *packet)
{
  LabWireInfo *wire = g_object_get_data (G_OBJECT (packet), "lab-wire");

  if (wire == NULL)
    {
      wire = g_new0 (LabWireInfo, 1);
      lab_wire_describe_event (packet, wire);
      g_object_set_data_full (G_OBJECT (packet), "lab-wire", wire, g_free);
    }
  return wire;
}

static gboolean
is_tcp (const LabWireInfo *wire)
{
  return wire->decoded && wire->info.proto == LAB_PACKET_TCP;
}

/* What is neither TCP nor UDP, in the words of the summary: ARP's
 * question, ICMP's type. */
static char *
other_text (const LabWireInfo *wire)
{
  if (!wire->decoded)
    return g_strdup ("?");
  return lab_packet_summary (&wire->info, 0, 0);
}

/* What sent it: the send whose bytes it carries, the call that made the
 * kernel send it, or the kernel by itself; nothing where the lab cannot
 * tell. */
static char *
carries_text (const LabWireInfo *wire)
{
  if (wire->data_seq == 0 && wire->call_seq != 0)
    /* Translators: the call that made the kernel send a segment, and the
     * endpoint and thread that made it: “connect () of Client#1”. */
    return g_strdup_printf (_("%s () of %s#%u"), wire->call_name,
                            wire->call_endpoint != NULL ? wire->call_endpoint : "", wire->call_thread);
  if (wire->data_seq == 0 && wire->conn != 0 && wire->info.proto == LAB_PACKET_TCP)
    /* Translators: a segment of a lab socket that no call made: an ACK. */
    return g_strdup (_("the kernel, by itself"));
  if (wire->data_seq == 0)
    return g_strdup ("");
  if (wire->info.proto == LAB_PACKET_ICMP && wire->data_received)
    /* Translators: an echo reply: its host's kernel sent it by itself, and
     * the call that received it: “recvfrom () of Ping 1#1”. */
    return g_strdup_printf (_("the kernel, by itself, for %s () of %s#%u"),
                            wire->data_call != NULL ? wire->data_call : "?",
                            wire->data_endpoint != NULL ? wire->data_endpoint : "", wire->data_thread);
  if (wire->info.proto == LAB_PACKET_ICMP || wire->info.proto == LAB_PACKET_UDP)
    /* Translators: the call that sent an echo request, and the endpoint
     * and thread that made it: “sendto () of Ping 1#1”. */
    return g_strdup_printf (_("%s () of %s#%u"), wire->data_call != NULL ? wire->data_call : "?",
                            wire->data_endpoint != NULL ? wire->data_endpoint : "", wire->data_thread);
  /* Translators: the bytes of the stream a segment carries, and the
   * endpoint and thread whose send gave them: “bytes 0–3 of Client#1's send”. */
  return g_strdup_printf (_("bytes %lu–%lu of %s#%u's send"), (gulong) wire->stream_start,
                          (gulong) (wire->stream_end - 1), wire->data_endpoint != NULL ? wire->data_endpoint : "",
                          wire->data_thread);
}

/**
 * lab_wire_view_dup_cell_text:
 * @packet: a packet event
 *
 * Returns: what the list shows of @packet in @column
 */
char *
lab_wire_view_dup_cell_text (LabEvent      *packet,
                             LabWireColumn  column)
{
  const LabWireInfo *wire = wire_of (packet);
  gboolean ports = wire->decoded && (wire->info.proto == LAB_PACKET_TCP || wire->info.proto == LAB_PACKET_UDP);

  switch (column)
    {
    case LAB_WIRE_COLUMN_TIME:
      return g_strdup_printf ("%.6f", lab_event_get_begin_time (packet) / (double) G_USEC_PER_SEC);
    case LAB_WIRE_COLUMN_HOST:
      return g_strdup (wire->host != NULL ? wire->host : "");
    case LAB_WIRE_COLUMN_ENDS:
      {
        g_autofree char *from = lab_wire_end_text (wire, TRUE);
        g_autofree char *to = lab_wire_end_text (wire, FALSE);

        /* Two lines, each end whole, where the column is narrow */
        return *from != '\0' ? g_strdup_printf ("%s\n→ %s", from, to) : g_strdup (wire->interface);
      }
    case LAB_WIRE_COLUMN_FLAGS:
      /* Other than TCP, the protocol's name, and its words where the
       * flags' call would be: the widest column. */
      return is_tcp (wire) ? lab_packet_flags_text (wire->info.tcp_flags)
                           : g_ascii_strup (lab_wire_proto_name (wire->decoded ? wire->info.proto : LAB_PACKET_OTHER), -1);
    case LAB_WIRE_COLUMN_SEQ:
      if (!is_tcp (wire))
        return g_strdup ("");
      return g_strdup_printf ("%u", wire->info.seq - (wire->has_seq_base ? wire->seq_base : 0));
    case LAB_WIRE_COLUMN_ACK:
      if (!is_tcp (wire) || (wire->info.tcp_flags & LAB_TCP_ACK) == 0)
        return g_strdup ("");
      return g_strdup_printf ("%u", wire->info.ack - (wire->has_ack_base ? wire->ack_base : 0));
    case LAB_WIRE_COLUMN_WINDOW:
      return is_tcp (wire) ? g_strdup_printf ("%u", wire->info.window) : g_strdup ("");
    case LAB_WIRE_COLUMN_LENGTH:
      return ports ? g_strdup_printf ("%u", wire->info.payload_len) : g_strdup ("");
    case LAB_WIRE_COLUMN_CARRIES:
    case LAB_WIRE_N_COLUMNS:
    default:
      {
        g_autofree char *text = NULL;
        g_autofree char *marks = NULL;
        g_autofree char *verdict = lab_link_verdict_text (wire->link_verdict, wire->link_value);

        if (is_tcp (wire))
          text = carries_text (wire);
        else if (wire->data_seq != 0)
          {
            /* An echo or a datagram tied to its call: what it is, then the call */
            g_autofree char *what = other_text (wire);
            g_autofree char *call = carries_text (wire);

            text = g_strdup_printf ("%s — %s", what, call);
          }
        else
          text = other_text (wire);

        /* What it says of the flow, before what it carries */
        marks = lab_wire_marks_text (wire);
        if (marks != NULL)
          {
            char *both = text[0] != '\0' ? g_strdup_printf ("%s — %s", marks, text) : g_strdup (marks);

            g_free (text);
            text = both;
          }

        /* What the lab's link did to it comes first: why it is missing */
        if (wire->retransmission && verdict == NULL)
          /* Translators: in the Wire list, a segment whose bytes had been sent before. */
          return text[0] != '\0' ? g_strdup_printf (_("retransmission — %s"), text) : g_strdup (_("retransmission"));
        if (verdict == NULL)
          return g_steal_pointer (&text);
        return text[0] != '\0' ? g_strdup_printf ("%s — %s", verdict, text) : g_steal_pointer (&verdict);
      }
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  LabWireColumn column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);
  gboolean number = column == LAB_WIRE_COLUMN_TIME || column == LAB_WIRE_COLUMN_SEQ ||
                    column == LAB_WIRE_COLUMN_ACK || column == LAB_WIRE_COLUMN_WINDOW ||
                    column == LAB_WIRE_COLUMN_LENGTH;

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  if (column == LAB_WIRE_COLUMN_ENDS || column == LAB_WIRE_COLUMN_FLAGS || column == LAB_WIRE_COLUMN_CARRIES)
    {
      /* Narrow, in presentation's large text: they wrap, rather than end in “…”. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), column == LAB_WIRE_COLUMN_FLAGS ? 7 : 15);
      gtk_label_set_max_width_chars (GTK_LABEL (label), column == LAB_WIRE_COLUMN_FLAGS ? 12 : 22);
    }
  else
    gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column != LAB_WIRE_COLUMN_HOST && column != LAB_WIRE_COLUMN_CARRIES)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  g_autofree char *text = lab_wire_view_dup_cell_text (gtk_list_item_get_item (item), GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_column (LabWireView   *self,
            LabWireColumn  column,
            const char    *title,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

/* ---- The packets shown ---- */

static gboolean
flow_of (const LabWireInfo *wire,
         LabWireFlow       *flow)
{
  if (!wire->decoded || (wire->info.proto != LAB_PACKET_TCP && wire->info.proto != LAB_PACKET_UDP))
    return FALSE;

  memset (flow, 0, sizeof *flow);
  flow->proto = wire->info.proto;
  flow->family = wire->info.family;
  memcpy (flow->a, wire->info.src, sizeof flow->a);
  memcpy (flow->b, wire->info.dst, sizeof flow->b);
  flow->a_port = wire->info.sport;
  flow->b_port = wire->info.dport;
  return TRUE;
}

static gboolean
in_flow (const LabWireInfo *wire,
         const LabWireFlow *flow)
{
  const LabPacketInfo *info = &wire->info;

  if (!wire->decoded || info->proto != flow->proto || info->family != flow->family)
    return FALSE;
  return (memcmp (info->src, flow->a, 16) == 0 && info->sport == flow->a_port &&
          memcmp (info->dst, flow->b, 16) == 0 && info->dport == flow->b_port) ||
         (memcmp (info->src, flow->b, 16) == 0 && info->sport == flow->b_port &&
          memcmp (info->dst, flow->a, 16) == 0 && info->dport == flow->a_port);
}

static gboolean
shows (gpointer item,
       gpointer data)
{
  LabWireView *self = data;
  const LabWireInfo *wire = wire_of (item);
  LabPacketProto proto = wire->decoded ? wire->info.proto : LAB_PACKET_OTHER;

  switch (self->show)
    {
    case LAB_WIRE_SHOW_CONNECTION:
      return self->has_flow && in_flow (wire, &self->flow);
    case LAB_WIRE_SHOW_TCP:
      return proto == LAB_PACKET_TCP;
    case LAB_WIRE_SHOW_UDP:
      return proto == LAB_PACKET_UDP;
    case LAB_WIRE_SHOW_ICMP:
      return proto == LAB_PACKET_ICMP || proto == LAB_PACKET_ICMPV6;
    case LAB_WIRE_SHOW_ARP:
      return proto == LAB_PACKET_ARP;
    case LAB_WIRE_SHOW_ALL:
    case LAB_WIRE_N_SHOWS:
    default:
      return TRUE;
    }
}

/* The packet chosen stays chosen while it is shown: the rows the filter
 * gives again are new objects, which a selection does not know. */
static void
keep_chosen (LabWireView *self)
{
  LabEvent *chosen = lab_wire_view_get_selected (self);

  if (self->keep_seq == 0)
    return;
  if (chosen == NULL || lab_event_get_seq (chosen) != self->keep_seq)
    select_shown (self, self->keep_seq);
  if (gtk_filter_list_model_get_pending (self->shown) == 0)
    self->keep_seq = 0;
}

static gboolean
keep_chosen_later (gpointer data)
{
  LabWireView *self = data;

  self->keep_id = 0;
  keep_chosen (self);
  return G_SOURCE_REMOVE;
}

/* A batch of the filter's is done: not while the list tells its views of
 * it, but once it has. */
static void
on_pending (LabWireView *self)
{
  if (self->keep_seq != 0 && self->keep_id == 0)
    self->keep_id = g_idle_add (keep_chosen_later, self);
}

/* What is shown changed. Every packet needs no filter: none is read until
 * its row is shown. */
static void
refilter (LabWireView *self)
{
  LabEvent *chosen = lab_wire_view_get_selected (self);
  gboolean filtered = self->show != LAB_WIRE_SHOW_ALL;

  self->keep_seq = chosen != NULL ? lab_event_get_seq (chosen) : 0;
  if (filtered && gtk_filter_list_model_get_filter (self->shown) != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  else
    gtk_filter_list_model_set_filter (self->shown, filtered ? GTK_FILTER (self->filter) : NULL);
  keep_chosen (self);
}

static void
set_show (LabWireView *self,
          LabWireShow  show)
{
  if (self->show == show)
    return;
  self->show = show;
  refilter (self);
  if (!gtk_toggle_button_get_active (self->show_buttons[show]))
    gtk_toggle_button_set_active (self->show_buttons[show], TRUE);
}

static void
on_show_toggled (LabWireView     *self,
                 GtkToggleButton *button)
{
  for (guint show = 0; show < LAB_WIRE_N_SHOWS; show++)
    if (button == self->show_buttons[show] && gtk_toggle_button_get_active (button))
      set_show (self, show);
}

/* The connection chosen changed: This connection shows its packets, and
 * is offered once there is one. */
static void
set_flow (LabWireView       *self,
          const LabWireFlow *flow)
{
  if (flow == NULL ? !self->has_flow : self->has_flow && memcmp (&self->flow, flow, sizeof *flow) == 0)
    return;

  self->has_flow = flow != NULL;
  if (flow != NULL)
    self->flow = *flow;
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_buttons[LAB_WIRE_SHOW_CONNECTION]), self->has_flow);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->show_buttons[LAB_WIRE_SHOW_CONNECTION]),
                               self->has_flow ? _("Only the packets of the chosen connection, both ways")
                                              : _("Choose a TCP or UDP packet, or an event of a connection in "
                                                  "the timeline, to see only that connection’s packets"));
  if (self->show == LAB_WIRE_SHOW_CONNECTION)
    refilter (self);
}

/**
 * lab_wire_view_choose_connection:
 * @connection: a lab connection, as the timeline's events name it, or 0
 *
 * The connection of the event chosen in the timeline becomes the one This
 * connection shows, once a packet of it is known; 0 leaves the one chosen
 * before.
 */
void
lab_wire_view_choose_connection (LabWireView *self,
                                 guint64      connection)
{
  GListModel *packets;

  g_return_if_fail (LAB_IS_WIRE_VIEW (self));

  /* Found before: the packets are not read again at each click. */
  if (connection == 0 || connection == self->flow_conn)
    return;

  /* Its packets name it by its ends: the first of them tells them. */
  packets = G_LIST_MODEL (self->packets);
  for (guint i = 0; i < g_list_model_get_n_items (packets); i++)
    {
      g_autoptr(LabEvent) packet = g_list_model_get_item (packets, i);
      const LabWireInfo *wire = wire_of (packet);
      LabWireFlow flow;

      if (wire->conn == connection && flow_of (wire, &flow))
        {
          set_flow (self, &flow);
          self->flow_conn = connection;
          return;
        }
    }
}

/* ---- The packet chosen ---- */

static GtkWidget *
field_label (const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A field: its layer, name and value on a line, what it means under. */
static GtkWidget *
field_row (const LabPacketField *field)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *value = field_label (field->value, "monospace");
  GtkWidget *explanation = field_label (field->explanation, "dim-label");

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_widget_set_margin_top (grid, 4);
  gtk_widget_set_margin_bottom (grid, 4);
  gtk_grid_attach (GTK_GRID (grid), field_label (field->layer, "dim-label"), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), field_label (field->name, "heading"), 1, 0, 1, 1);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_grid_attach (GTK_GRID (grid), value, 2, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), explanation, 1, 1, 2, 1);
  gtk_widget_set_tooltip_text (grid, field->explanation);
  return grid;
}

static void
show_fields (LabWireView *self,
             LabEvent    *packet)
{
  GtkWidget *child;
  const LabWireInfo *wire;
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *summary = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box))) != NULL)
    gtk_list_box_remove (self->fields_box, child);

  if (packet == NULL)
    {
      gtk_label_set_text (self->summary_label, _("Choose a packet to see each field of its headers."));
      return;
    }

  wire = wire_of (packet);
  summary = lab_wire_summary (wire);
  {
    /* Translators: a host of the lab network, and a packet that left it, in a line. */
    g_autofree char *title = g_strdup_printf (_("From %s: %s"), wire->host, summary);

    gtk_label_set_text (self->summary_label, title);
  }
  if (!wire->decoded)
    return;

  fields = lab_packet_fields (&wire->info, wire->has_seq_base ? wire->seq_base : 0,
                              wire->has_ack_base ? wire->ack_base : 0);
  for (guint i = 0; i < fields->len; i++)
    gtk_list_box_append (self->fields_box, field_row (fields->pdata[i]));
}

static void
on_selection_changed (LabWireView *self)
{
  LabEvent *packet = lab_wire_view_get_selected (self);
  LabWireFlow flow;

  if (packet != NULL && flow_of (wire_of (packet), &flow))
    {
      set_flow (self, &flow);
      self->flow_conn = wire_of (packet)->conn;
    }
  show_fields (self, packet);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
update_page (LabWireView *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->packets)) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "packets" : "empty");
}

/* ---- The object ---- */

static void
lab_wire_view_constructed (GObject *object)
{
  LabWireView *self = LAB_WIRE_VIEW (object);

  G_OBJECT_CLASS (lab_wire_view_parent_class)->constructed (object);

  self->packets = lab_timeline_filter_new (lab_session_get_timeline (self->session));
  lab_timeline_filter_set (self->packets, 1u << LAB_EVENT_PACKET, FALSE, 0, 0);
  self->filter = gtk_custom_filter_new (shows, self, NULL);
  self->shown = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->packets)), NULL);
  /* A few hundred packets a frame: the window goes on drawing meanwhile. */
  gtk_filter_list_model_set_incremental (self->shown, TRUE);
  g_signal_connect_object (self->shown, "notify::pending", G_CALLBACK (on_pending), self, G_CONNECT_SWAPPED);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->packets, "items-changed", G_CALLBACK (update_page), self, G_CONNECT_SWAPPED);
  update_page (self);

  self->ladder = lab_ladder_new (self->selection);
  gtk_scrolled_window_set_child (self->ladder_scroller, self->ladder);

  /* What a lesson asks first, what it is and what sent it, in view in a
   * narrow inspector; the numbers after. */
  add_column (self, LAB_WIRE_COLUMN_TIME, _("Time (s)"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_HOST, _("Host"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_FLAGS, _("Flags"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_CARRIES, _("Sent by"), TRUE);
  add_column (self, LAB_WIRE_COLUMN_ENDS, _("From → to"), FALSE);
  /* Translators: column titles, short: TCP's sequence number, acknowledgement number, window and payload length. */
  add_column (self, LAB_WIRE_COLUMN_SEQ, C_("wire", "Seq"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_ACK, C_("wire", "Ack"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_WINDOW, C_("wire", "Win"), FALSE);
  add_column (self, LAB_WIRE_COLUMN_LENGTH, C_("wire", "Len"), FALSE);
}

static void
lab_wire_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabWireView *self = LAB_WIRE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_SELECTED: g_value_set_object (value, lab_wire_view_get_selected (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_wire_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabWireView *self = LAB_WIRE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_wire_view_dispose (GObject *object)
{
  LabWireView *self = LAB_WIRE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WIRE_VIEW);
  g_clear_handle_id (&self->keep_id, g_source_remove);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->filter);
  g_clear_object (&self->packets);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_wire_view_parent_class)->dispose (object);
}

/* The buttons of the choices of what to show, by LabWireShow. */
static const char *const show_names[LAB_WIRE_N_SHOWS] = {
  "show_all", "show_connection", "show_tcp", "show_udp", "show_icmp", "show_arp",
};

static void
lab_wire_view_class_init (LabWireViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lab_wire_view_constructed;
  object_class->get_property = lab_wire_view_get_property;
  object_class->set_property = lab_wire_view_set_property;
  object_class->dispose = lab_wire_view_dispose;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, LAB_TYPE_EVENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-wire-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabWireView, column_view);
  gtk_widget_class_bind_template_child (widget_class, LabWireView, fields_box);
  gtk_widget_class_bind_template_child (widget_class, LabWireView, ladder_scroller);
  for (guint show = 0; show < LAB_WIRE_N_SHOWS; show++)
    gtk_widget_class_bind_template_child_full (widget_class, show_names[show], FALSE,
                                               G_STRUCT_OFFSET (LabWireView, show_buttons) +
                                               show * sizeof (GtkToggleButton *));
  gtk_widget_class_bind_template_child (widget_class, LabWireView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWireView, stack);
  gtk_widget_class_bind_template_child (widget_class, LabWireView, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, on_show_toggled);
}

static void
lab_wire_view_init (LabWireView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Until a connection is chosen, This connection says how to choose one. */
  self->has_flow = TRUE;
  set_flow (self, NULL);
}
