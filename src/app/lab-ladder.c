/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "lab-event.h"
#include "lab-ladder.h"
#include "lab-network.h"
#include "lab-packet.h"
#include "lab-wire.h"

/* The ladder: the two hosts of the lab network as two lines, and each TCP
 * segment between them an arrow from the host it left to the other, one
 * row each in the order of the list (the times are microseconds apart: a
 * scale of time would draw them on one line). Only the rows in view are
 * read and drawn; its height is the count's. Sizes follow the font, so the
 * zoom scales it. */

#define N_DESCRIBED 50

struct _LabLadder
{
  GtkWidget           parent_instance;

  GtkSingleSelection *selection;
  GtkAdjustment      *vadjustment;
};

G_DEFINE_FINAL_TYPE (LabLadder, lab_ladder, GTK_TYPE_WIDGET)

/* ---- What a row says ---- */

/* A packet, read once: the same as the list's (lab-wire-view.c), kept
 * with its event as long as it is shown. */
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

/* The name of the host drawn left (0) or right (1) */
static const char *
host_name (guint side)
{
  const LabNetworkHost *host = lab_network_get_n_hosts () > side ? lab_network_get_host (side) : NULL;

  return host != NULL ? host->name : side == 0 ? "alfa" : "beta";
}

/* Which side a packet left, or -1 when it is not one from a host to the
 * other: TCP on the link, not on a host's loopback. */
static int
arrow_side (const LabWireInfo *wire)
{
  if (!wire->decoded ||
      (wire->info.proto != LAB_PACKET_TCP && wire->info.proto != LAB_PACKET_ICMP && wire->info.proto != LAB_PACKET_UDP) ||
      wire->host == NULL ||
      g_strcmp0 (wire->interface, "lo") == 0)
    return -1;
  for (guint side = 0; side < 2; side++)
    if (g_str_equal (wire->host, host_name (side)))
      return (int) side;
  return -1;
}

/* “PSH ACK seq=1 ack=1 len=4”: its flags, and its numbers from the
 * connection's start (they stay as TCP writes them, in both languages). */
static char *
arrow_label (const LabWireInfo *wire)
{
  g_autofree char *flags = NULL;
  GString *label;

  /* An ICMP message, “Echo request id=… seq=1”; a datagram, “UDP len=4” */
  if (wire->info.proto == LAB_PACKET_ICMP || wire->info.proto == LAB_PACKET_UDP)
    return lab_packet_summary (&wire->info, 0, 0);
  flags = lab_packet_flags_text (wire->info.tcp_flags);
  label = g_string_new (flags);

  g_string_append_printf (label, " seq=%u", wire->info.seq - (wire->has_seq_base ? wire->seq_base : 0));
  if ((wire->info.tcp_flags & LAB_TCP_ACK) != 0)
    g_string_append_printf (label, " ack=%u", wire->info.ack - (wire->has_ack_base ? wire->ack_base : 0));
  if (wire->info.payload_len > 0)
    g_string_append_printf (label, " len=%u", wire->info.payload_len);
  return g_string_free (label, FALSE);
}

/* What sent it, beside the arrow's tail: the call, or the kernel by
 * itself (*by_kernel), or nothing where the lab cannot tell. */
static char *
sender_text (const LabWireInfo *wire,
             gboolean          *by_kernel)
{
  *by_kernel = FALSE;
  /* An echo reply: its host's kernel sent it by itself, for the ping's
   * recvfrom () on the other side */
  if (wire->data_seq != 0 && wire->data_received)
    {
      *by_kernel = TRUE;
      return g_strdup (_("kernel"));
    }
  if (wire->data_seq != 0 && wire->data_call != NULL)
    return g_strdup_printf ("%s ()", wire->data_call);
  if (wire->data_seq == 0 && wire->call_seq != 0)
    return g_strdup_printf ("%s ()", wire->call_name);
  if (wire->data_seq == 0 && wire->conn != 0)
    {
      *by_kernel = TRUE;
      /* Translators: beside a segment that no call made (an ACK): the kernel sent it by itself. Short. */
      return g_strdup (_("kernel"));
    }
  return NULL;
}

/* What a row that is no arrow says: ARP's question, a host's loopback. */
static char *
other_text (const LabWireInfo *wire)
{
  g_autofree char *summary = wire->decoded ? lab_packet_summary (&wire->info, 0, 0) : g_strdup ("?");

  return g_strdup_printf ("%s %s: %s", wire->host != NULL ? wire->host : "", wire->interface != NULL ? wire->interface : "",
                          summary);
}

static LabEvent *
get_packet (LabLadder *self,
            guint      row)
{
  return self->selection != NULL ? g_list_model_get_item (G_LIST_MODEL (self->selection), row) : NULL;
}

/**
 * lab_ladder_get_arrow:
 * @row: a row of the ladder, as the list's
 * @from: (out) (optional): the host it left
 * @label: (out) (optional): the words over it
 *
 * Returns: whether @row is an arrow, a TCP segment from a host to the other
 */
gboolean
lab_ladder_get_arrow (LabLadder  *self,
                      guint       row,
                      char      **from,
                      char      **label)
{
  g_autoptr(LabEvent) packet = get_packet (self, row);
  const LabWireInfo *wire;
  int side;

  g_return_val_if_fail (LAB_IS_LADDER (self), FALSE);

  if (packet == NULL)
    return FALSE;
  wire = wire_of (packet);
  if ((side = arrow_side (wire)) < 0)
    return FALSE;
  if (from != NULL)
    *from = g_strdup (host_name (side));
  if (label != NULL)
    *label = arrow_label (wire);
  return TRUE;
}

/* ---- Geometry, from the font ---- */

typedef struct {
  double em, header_h, row_h, side, left, right;
} Metrics;

static double
font_pixels (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  if (pango_font_description_get_size_is_absolute (font))
    return size;
  return size * pango_cairo_context_get_resolution (context) / 72.0;
}

static void
get_metrics (LabLadder *self,
             double     width,
             Metrics   *m)
{
  m->em = font_pixels (GTK_WIDGET (self));
  m->header_h = 3.2 * m->em;
  m->row_h = 3.6 * m->em;
  /* Room beside each line for what sent the packet */
  m->side = CLAMP (width * 0.27, 6 * m->em, 11 * m->em);
  m->left = m->side;
  m->right = MAX (width - m->side, m->left + 4 * m->em);
}

/**
 * lab_ladder_get_row_y:
 *
 * Returns: the middle of @row's arrow, in the ladder's coordinates
 */
double
lab_ladder_get_row_y (LabLadder *self,
                      guint      row)
{
  Metrics m;

  get_metrics (self, gtk_widget_get_width (GTK_WIDGET (self)), &m);
  return m.header_h + row * m.row_h + 2.3 * m.em;
}

static double
view_top (LabLadder *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

/**
 * lab_ladder_row_at:
 * @y: in the ladder's coordinates
 *
 * Returns: the row drawn at @y, or %G_MAXUINT where none is (the hosts'
 *   names, which stay at the top of the view, or under the last)
 */
guint
lab_ladder_row_at (LabLadder *self,
                   double     y)
{
  Metrics m;
  double row;

  g_return_val_if_fail (LAB_IS_LADDER (self), G_MAXUINT);

  get_metrics (self, gtk_widget_get_width (GTK_WIDGET (self)), &m);
  if (y < view_top (self) + m.header_h || y < m.header_h)
    return G_MAXUINT;
  row = floor ((y - m.header_h) / m.row_h);
  if (row >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return G_MAXUINT;
  return (guint) row;
}

/**
 * lab_ladder_choose_at:
 * @y: where it was clicked, in the ladder's coordinates
 *
 * Chooses the packet drawn there in the list.
 *
 * Returns: whether one is drawn there
 */
gboolean
lab_ladder_choose_at (LabLadder *self,
                      double     y)
{
  guint row = lab_ladder_row_at (self, y);

  if (row == G_MAXUINT)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, row);
  return TRUE;
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            LabLadder       *self)
{
  if (lab_ladder_choose_at (self, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* ---- Drawing ---- */

typedef struct {
  GdkRGBA fg, bg, accent;
} Palette;

static void
get_palette (GtkWidget *widget,
             Palette   *p)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (style, &p->fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &p->accent))
    gdk_rgba_parse (&p->accent, "#3584e4");
  if (!gtk_style_context_lookup_color (style, "view_bg_color", &p->bg) &&
      !gtk_style_context_lookup_color (style, "window_bg_color", &p->bg) &&
      !gtk_style_context_lookup_color (style, "theme_bg_color", &p->bg))
    gdk_rgba_parse (&p->bg, 0.299 * p->fg.red + 0.587 * p->fg.green + 0.114 * p->fg.blue > 0.5 ? "#242424"
                                                                                               : "#f6f5f4");
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    bold,
             gboolean    monospace,
             double      width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  const PangoFontDescription *base = pango_context_get_font_description (pango_layout_get_context (layout));
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (base);

  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  if (monospace)
    pango_font_description_set_family (font, "monospace");
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

/* @layout with its middle (align 0.5), left (0) or right (1) at @x, its
 * middle at @y */
static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y,
             double       align)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

/* The line from the tail to the head, and the head a filled arrowhead:
 * the direction is its shape, never its colour. */
static void
draw_arrow (cairo_t *cr,
            double   x1,
            double   y1,
            double   x2,
            double   y2,
            double   head)
{
  double angle = atan2 (y2 - y1, x2 - x1);

  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x2 - 0.7 * head * cos (angle), y2 - 0.7 * head * sin (angle));
  cairo_stroke (cr);
  cairo_move_to (cr, x2, y2);
  cairo_line_to (cr, x2 - head * cos (angle - 0.4), y2 - head * sin (angle - 0.4));
  cairo_line_to (cr, x2 - head * cos (angle + 0.4), y2 - head * sin (angle + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_row (LabLadder     *self,
          cairo_t       *cr,
          const Metrics *m,
          const Palette *p,
          guint          row,
          gboolean       chosen,
          double         width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(LabEvent) packet = get_packet (self, row);
  const LabWireInfo *wire;
  double top = m->header_h + row * m->row_h;
  int side;

  if (packet == NULL)
    return;
  wire = wire_of (packet);
  side = arrow_side (wire);

  if (chosen)
    {
      set_source (cr, &p->accent, 0.18);
      cairo_rectangle (cr, 0, top + 0.1 * m->em, width, m->row_h - 0.2 * m->em);
      cairo_fill (cr);
      set_source (cr, &p->accent, 1);
      cairo_rectangle (cr, 0, top + 0.1 * m->em, 0.3 * m->em, m->row_h - 0.2 * m->em);
      cairo_fill (cr);
    }

  if (side < 0)
    {
      /* Not between the hosts: its words, dim, across */
      g_autofree char *text = other_text (wire);
      g_autoptr(PangoLayout) layout = make_layout (widget, text, FALSE, FALSE, width - 2 * m->em);

      int w, h;

      /* On the background, over the lines */
      pango_layout_get_pixel_size (layout, &w, &h);
      if (!chosen)
        {
          set_source (cr, &p->bg, 1);
          cairo_rectangle (cr, m->em - 0.3 * m->em, top + 1.7 * m->em - h / 2.0, w + 0.6 * m->em, h);
          cairo_fill (cr);
        }
      set_source (cr, &p->fg, 0.55);
      show_layout (cr, layout, m->em, top + 1.7 * m->em, 0);
      return;
    }

  {
    double tail = side == 0 ? m->left : m->right, head = side == 0 ? m->right : m->left;
    double y1 = top + 1.9 * m->em, y2 = top + 2.7 * m->em;
    g_autofree char *label = arrow_label (wire);
    g_autoptr(PangoLayout) label_layout = make_layout (widget, label, chosen, TRUE, width - m->em);
    gboolean by_kernel;
    g_autofree char *sender = sender_text (wire, &by_kernel);

    set_source (cr, chosen ? &p->accent : &p->fg, 1);
    cairo_set_line_width (cr, MAX (1.0, m->em * (chosen ? 0.16 : 0.1)));
    draw_arrow (cr, tail, y1, head, y2, 0.8 * m->em);

    {
      int w, h;

      /* Long (a narrow pane, large text), it goes over the lines: on the
       * background, so that they do not cross its words */
      pango_layout_get_pixel_size (label_layout, &w, &h);
      if (!chosen && w > m->right - m->left - 0.4 * m->em)
        {
          set_source (cr, &p->bg, 1);
          cairo_rectangle (cr, (m->left + m->right - w) / 2 - 0.2 * m->em, top + 0.8 * m->em - h / 2.0,
                           w + 0.4 * m->em, h);
          cairo_fill (cr);
        }
    }
    set_source (cr, &p->fg, 1);
    show_layout (cr, label_layout, (m->left + m->right) / 2, top + 0.8 * m->em, 0.5);

    if (sender != NULL)
      {
        g_autoptr(PangoLayout) layout = make_layout (widget, sender, FALSE, FALSE, m->side - 0.8 * m->em);

        set_source (cr, &p->fg, by_kernel ? 0.55 : 1);
        show_layout (cr, layout, side == 0 ? tail - 0.4 * m->em : tail + 0.4 * m->em, y1, side == 0 ? 1 : 0);
      }
  }
}

/* The hosts' names and addresses, over their lines, kept at the top of
 * the view as it scrolls. */
static void
draw_header (LabLadder     *self,
             cairo_t       *cr,
             const Metrics *m,
             const Palette *p,
             double         top,
             double         width)
{
  GtkWidget *widget = GTK_WIDGET (self);

  set_source (cr, &p->bg, 1);
  cairo_rectangle (cr, 0, top, width, m->header_h);
  cairo_fill (cr);

  for (guint side = 0; side < 2; side++)
    {
      const LabNetworkHost *host = lab_network_get_n_hosts () > side ? lab_network_get_host (side) : NULL;
      double x = side == 0 ? m->left : m->right;
      g_autoptr(PangoLayout) name = make_layout (widget, host_name (side), TRUE, FALSE, 2 * m->side - m->em);
      g_autoptr(PangoLayout) address = make_layout (widget, host != NULL ? host->ipv4 : "", FALSE, TRUE,
                                                    2 * m->side - m->em);

      set_source (cr, &p->fg, 1);
      show_layout (cr, name, x, top + 0.8 * m->em, 0.5);
      set_source (cr, &p->fg, 0.7);
      show_layout (cr, address, x, top + 2.1 * m->em, 0.5);
    }
  set_source (cr, &p->fg, 0.3);
  cairo_rectangle (cr, 0, top + m->header_h - 1, width, 1);
  cairo_fill (cr);
}

static void
lab_ladder_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  LabLadder *self = LAB_LADDER (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint chosen = gtk_single_selection_get_selected (self->selection);
  double top = view_top (self);
  double page = self->vadjustment != NULL ? gtk_adjustment_get_page_size (self->vadjustment) : height;
  double bottom = MIN (height, top + MAX (page, 1));
  guint first, last;
  Metrics m;
  Palette p;
  cairo_t *cr;

  get_metrics (self, width, &m);
  get_palette (widget, &p);
  if (page <= 0)
    bottom = height;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, top, width, bottom - top));

  /* The hosts' lines, the whole height in view */
  set_source (cr, &p.fg, 0.45);
  cairo_set_line_width (cr, MAX (1.0, m.em * 0.12));
  for (guint side = 0; side < 2; side++)
    {
      cairo_move_to (cr, side == 0 ? m.left : m.right, top);
      cairo_line_to (cr, side == 0 ? m.left : m.right, bottom);
    }
  cairo_stroke (cr);

  /* Only the rows in view */
  first = (guint) MAX (0, floor ((top - m.header_h) / m.row_h));
  last = (guint) MAX (0, ceil ((bottom - m.header_h) / m.row_h));
  for (guint row = first; row < MIN (last + 1, n); row++)
    draw_row (self, cr, &m, &p, row, row == chosen, width);

  draw_header (self, cr, &m, &p, top, width);
  cairo_destroy (cr);
}

static void
lab_ladder_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  LabLadder *self = LAB_LADDER (widget);
  Metrics m;

  get_metrics (self, for_size > 0 ? for_size : 0, &m);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (2 * 6 * m.em + 10 * m.em);
      *natural = (int) ceil (2 * 11 * m.em + 18 * m.em);
    }
  else
    {
      guint n = self->selection != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->selection)) : 0;

      *minimum = *natural = (int) ceil (m.header_h + n * m.row_h + m.em);
    }
}

/* ---- In words ---- */

/**
 * lab_ladder_dup_text:
 *
 * Returns: (transfer full): the ladder in words, its first packets, one a
 *   line: its accessible description
 */
char *
lab_ladder_dup_text (LabLadder *self)
{
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint row = 0; row < MIN (n, N_DESCRIBED); row++)
    {
      g_autoptr(LabEvent) packet = get_packet (self, row);
      const LabWireInfo *wire = wire_of (packet);
      int side = arrow_side (wire);

      if (side < 0)
        {
          g_autofree char *other = other_text (wire);

          g_string_append_printf (text, "%s\n", other);
        }
      else
        {
          g_autofree char *label = arrow_label (wire);
          gboolean by_kernel;
          g_autofree char *sender = sender_text (wire, &by_kernel);

          /* Translators: an arrow of the ladder: the host it left, the host it goes to, its flags and numbers
           * (“alfa → beta: SYN seq=0”). */
          g_string_append_printf (text, _("%s → %s: %s"), host_name (side), host_name (1 - side), label);
          if (sender != NULL)
            /* Translators: after an arrow's words, what sent it: a call (“connect ()”) or the kernel. */
            g_string_append_printf (text, _(", sent by %s"), sender);
          g_string_append_c (text, '\n');
        }
    }
  if (n > N_DESCRIBED)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "And %u packet more.", "And %u packets more.",
                                               n - N_DESCRIBED),
                            n - N_DESCRIBED);
  return g_string_free (text, FALSE);
}

static void
update_description (LabLadder *self)
{
  g_autofree char *text = lab_ladder_dup_text (self);

  g_strchomp (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/* ---- Following the list ---- */

static void
on_items_changed (LabLadder  *self,
                  guint       position,
                  guint       removed,
                  guint       added)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  if (position <= N_DESCRIBED || removed > 0)
    update_description (self);
}

/* The packet chosen, in view, where the list or the timeline chose it */
static void
on_selected (LabLadder *self)
{
  guint chosen = gtk_single_selection_get_selected (self->selection);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (chosen != GTK_INVALID_LIST_POSITION && self->vadjustment != NULL)
    {
      Metrics m;
      double top;

      get_metrics (self, gtk_widget_get_width (GTK_WIDGET (self)), &m);
      top = m.header_h + chosen * m.row_h;
      /* Its top under the hosts' names, which stay at the view's top */
      gtk_adjustment_clamp_page (self->vadjustment, top - m.header_h, top + m.row_h);
    }
}

static void
lab_ladder_root (GtkWidget *widget)
{
  LabLadder *self = LAB_LADDER (widget);
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  GTK_WIDGET_CLASS (lab_ladder_parent_class)->root (widget);

  if (scroller != NULL)
    {
      self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)));
      g_signal_connect_object (self->vadjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->vadjustment, "notify::page-size", G_CALLBACK (gtk_widget_queue_draw), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
lab_ladder_unroot (GtkWidget *widget)
{
  LabLadder *self = LAB_LADDER (widget);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);

  GTK_WIDGET_CLASS (lab_ladder_parent_class)->unroot (widget);
}

static void
lab_ladder_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lab_ladder_parent_class)->css_changed (widget, change);
  gtk_widget_queue_resize (widget);
}

static void
lab_ladder_dispose (GObject *object)
{
  LabLadder *self = LAB_LADDER (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (lab_ladder_parent_class)->dispose (object);
}

static void
lab_ladder_class_init (LabLadderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_ladder_dispose;
  widget_class->measure = lab_ladder_measure;
  widget_class->snapshot = lab_ladder_snapshot;
  widget_class->root = lab_ladder_root;
  widget_class->unroot = lab_ladder_unroot;
  widget_class->css_changed = lab_ladder_css_changed;

  gtk_widget_class_set_css_name (widget_class, "ladder");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_ladder_init (LabLadder *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Ladder of the packets between the hosts"), -1);
}

/**
 * lab_ladder_new:
 * @selection: the packets, as the list has them, and the one chosen
 */
GtkWidget *
lab_ladder_new (GtkSingleSelection *selection)
{
  LabLadder *self = g_object_new (LAB_TYPE_LADDER, NULL);

  self->selection = g_object_ref (selection);
  g_signal_connect_object (selection, "items-changed", G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (selection, "notify::selected", G_CALLBACK (on_selected), self, G_CONNECT_SWAPPED);
  update_description (self);
  return GTK_WIDGET (self);
}
