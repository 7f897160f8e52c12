/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "lab-state-diagram-private.h"

/* ---- Geometry, from the font ---- */

/* The sizes of the diagram's texts against the widget's font, the one the
 * zoom sets. The diagram is never drawn smaller: where the pane is short
 * it scrolls rather than shrink its words below what the zoom asked. */
#define LABEL_SIZE    0.95
#define MIN_SCALE     1.0
#define MAX_SCALE     1.5
#define MARGIN        12

typedef struct {
  double line, box_w, box_h, gap_x, gap_y, pad, title_h;
  double x0;            /* the leftmost drawn, left of the first column */
  double width, height; /* all that is drawn, title to footer */
  double rows_bottom;
} Metrics;

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    bold,
             double      scale)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  const PangoFontDescription *base = pango_context_get_font_description (pango_layout_get_context (layout));
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (base);

  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  /* GTK gives the size in pixels: set as points, it would grow again
   * with the resolution that the zoom raises. */
  if (pango_font_description_get_size_is_absolute (font))
    pango_font_description_set_absolute_size (font, pango_font_description_get_size (font) * scale);
  else
    pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  pango_layout_set_font_description (layout, font);

  return layout;
}

static void
box_center (const Metrics *m,
            const Place   *p,
            double        *x,
            double        *y)
{
  *x = p->column * (m->box_w + m->gap_x) + m->box_w / 2;
  *y = m->title_h + p->row * (m->box_h + m->gap_y) + m->box_h / 2;
}

/* A column beside @column in @row with no state, and inside the diagram:
 * where the “now” mark may go. */
static gboolean
free_beside (int row,
             int column)
{
  return column >= 0 && column <= 2 && !lab_state_diagram_occupied (row, column);
}

typedef enum { MARK_RIGHT, MARK_LEFT, MARK_ABOVE } MarkSide;

static MarkSide
mark_side (const Place *place)
{
  if (free_beside (place->row, place->column + 1))
    return MARK_RIGHT;
  if (free_beside (place->row, place->column - 1))
    return MARK_LEFT;
  return MARK_ABOVE;
}

static char *
mark_text (LabStateDiagram *self,
           MarkSide         side)
{
  /* Translators: marks the state a connection is in now; an arrow
   * pointing at the state is put beside it. */
  const char *word = self->gone ? _("now (gone)") : _("now");

  return side == MARK_RIGHT ? g_strconcat ("◀ ", word, NULL)
         : side == MARK_LEFT ? g_strconcat (word, " ▶", NULL)
         : g_strconcat (word, " ▼", NULL);
}

/* Where the “now” mark of @place starts, its size @mw × @mh. */
static void
mark_origin (const Metrics *m,
             const Place   *place,
             MarkSide       side,
             int            mw,
             int            mh,
             double        *x,
             double        *y)
{
  double cx, cy;

  box_center (m, place, &cx, &cy);
  if (side == MARK_RIGHT)
    *x = cx + m->box_w / 2 + m->pad;
  else if (side == MARK_LEFT)
    *x = cx - m->box_w / 2 - m->pad - mw;
  else
    *x = cx + m->box_w / 2 - mw;
  *y = side == MARK_ABOVE ? cy - m->box_h / 2 - mh - m->pad / 2 : cy - mh / 2.0;
}

/* The middle of an edge, where its cause is written. */
static void
edge_middle (const Metrics    *m,
             const LabTcpEdge *edge,
             double           *x,
             double           *y)
{
  double ax, ay, bx, by;

  box_center (m, lab_state_diagram_place_of (edge->from, FALSE), &ax, &ay);
  box_center (m, lab_state_diagram_place_of (edge->to, TRUE), &bx, &by);
  *x = (ax + bx) / 2;
  *y = (ay + by) / 2;
}

/* The cause written over @edge, and the box it clears around it. */
static PangoLayout *
edge_label (LabStateDiagram  *self,
            const Metrics    *m,
            const LabTcpEdge *edge,
            graphene_rect_t  *box)
{
  PangoLayout *label = make_layout (GTK_WIDGET (self), edge->cause, FALSE, LABEL_SIZE);
  double x, y;
  int lw, lh;

  edge_middle (m, edge, &x, &y);
  pango_layout_get_pixel_size (label, &lw, &lh);
  *box = GRAPHENE_RECT_INIT (x - lw / 2.0 - 2, y - lh / 2.0, lw + 4, lh);
  return label;
}

static void
widen (double *x0,
       double *x1,
       double  from,
       double  to)
{
  *x0 = MIN (*x0, from);
  *x1 = MAX (*x1, to);
}

/* How far the causes of the edges and the “now” marks reach to either side
 * of the three columns of states. */
static void
get_reach (LabStateDiagram *self,
           Metrics         *m,
           double          *x0,
           double          *x1)
{
  guint n_edges;
  const LabTcpEdge *edges = lab_tcp_get_edges (&n_edges);

  *x0 = 0;
  *x1 = 3 * m->box_w + 2 * m->gap_x;
  for (guint i = 0; i < n_edges; i++)
    {
      graphene_rect_t box;
      g_autoptr(PangoLayout) label = edge_label (self, m, &edges[i], &box);

      widen (x0, x1, box.origin.x, box.origin.x + box.size.width);
    }

  for (guint i = 0; i < N_PLACES; i++)
    {
      MarkSide side = mark_side (&lab_state_diagram_places[i]);
      g_autofree char *text = mark_text (self, side);
      g_autoptr(PangoLayout) mark = make_layout (GTK_WIDGET (self), text, TRUE, 1.0);
      double x, y;
      int mw, mh;

      pango_layout_get_pixel_size (mark, &mw, &mh);
      mark_origin (m, &lab_state_diagram_places[i], side, mw, mh, &x, &y);
      widen (x0, x1, x, x + mw);
    }
}

/* The title, or the hint, laid out to the diagram's width. */
static PangoLayout *
make_wrapped (LabStateDiagram *self,
              const char      *text,
              gboolean         bold,
              const Metrics   *m)
{
  PangoLayout *layout = make_layout (GTK_WIDGET (self), text, bold, 1.0);

  pango_layout_set_width (layout, (int) (m->width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

/* A listening socket's accept queue, one slot for each connection the
 * backlog takes (32 at most), in rows as wide as the diagram. */
static guint
queue_slots (LabStateDiagram *self,
             const Metrics   *m,
             guint           *per_row)
{
  double slot = m->box_h * 0.8;

  *per_row = MAX (1, (guint) ((m->width + m->pad) / (slot + m->pad)));
  return MIN (self->queue_limit, 32u);
}

static double
footer_height (LabStateDiagram *self,
               const Metrics   *m)
{
  int lw, lh;

  if (self->listening)
    {
      guint per_row, slots = queue_slots (self, m, &per_row);
      guint rows = (slots + per_row - 1) / per_row;

      return m->line + m->pad + rows * (m->box_h * 0.8 + m->pad);
    }
  if (lab_state_diagram_get_hint (self) != NULL)
    {
      g_autoptr(PangoLayout) hint = make_wrapped (self, lab_state_diagram_get_hint (self), FALSE, m);

      pango_layout_get_pixel_size (hint, &lw, &lh);
      return lh;
    }
  return 0;
}

static void
get_metrics (LabStateDiagram *self,
             Metrics         *m)
{
  int w = 0, h = 0;
  double x0, x1;

  for (guint i = 0; i < N_PLACES; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), lab_tcp_state_to_string (lab_state_diagram_places[i].state),
                                                   TRUE, 1.0);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      w = MAX (w, lw);
      h = MAX (h, lh);
    }

  m->line = h;
  m->pad = h * 0.3;
  m->box_w = w + 2 * m->pad;
  m->box_h = h + 2 * m->pad;
  m->gap_x = h * 1.2;
  m->gap_y = h * 1.5;
  m->title_h = 0;
  get_reach (self, m, &x0, &x1);
  m->x0 = x0;
  m->width = x1 - x0;

  if (self->title != NULL)
    {
      g_autoptr(PangoLayout) title = make_wrapped (self, self->title, TRUE, m);
      int tw, th;

      pango_layout_get_pixel_size (title, &tw, &th);
      m->title_h = th + h;
    }
  /* The title, seven rows of states, then the accept queue or the hint. */
  m->rows_bottom = m->title_h + 7 * m->box_h + 6 * m->gap_y;
  m->height = m->rows_bottom + m->pad + footer_height (self, m);
}

/* Drawn at its size, or up to MAX_SCALE larger in a large pane; smaller,
 * down to MIN_SCALE, where the pane is short; never smaller. */
void
lab_state_diagram_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  Metrics m;
  double size;

  get_metrics (LAB_STATE_DIAGRAM (widget), &m);
  size = orientation == GTK_ORIENTATION_HORIZONTAL ? m.width : m.height;
  *natural = (int) ceil (size) + 2 * MARGIN;
  *minimum = (int) ceil (size * MIN_SCALE) + 2 * MARGIN;
}

/**
 * lab_state_diagram_get_drawn:
 * @bounds: (out) (optional): where the diagram was drawn last, in the
 *   widget's coordinates: title, states, their labels and marks, footer
 * @smallest_text: (out) (optional): the size in pixels of the smallest
 *   font it was drawn in
 *
 * What a class sees of it, to measure: all of it inside the widget, and
 * how small its smallest words are.
 */
void
lab_state_diagram_get_drawn (LabStateDiagram *self,
                             graphene_rect_t *bounds,
                             double          *smallest_text)
{
  g_return_if_fail (LAB_IS_STATE_DIAGRAM (self));

  if (bounds != NULL)
    *bounds = self->drawn;
  if (smallest_text != NULL)
    *smallest_text = self->smallest_text;
}

/* ---- Drawing ---- */

/* Where the line from the centre of a box towards (tx, ty) leaves it. */
static void
box_exit (const Metrics *m,
          double         cx,
          double         cy,
          double         tx,
          double         ty,
          double        *ex,
          double        *ey)
{
  double dx = tx - cx, dy = ty - cy;
  double sx = dx != 0 ? (m->box_w / 2) / fabs (dx) : G_MAXDOUBLE;
  double sy = dy != 0 ? (m->box_h / 2) / fabs (dy) : G_MAXDOUBLE;
  double s = MIN (sx, sy);

  *ex = cx + dx * s;
  *ey = cy + dy * s;
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_arrow (cairo_t       *cr,
            const Metrics *m,
            LabTcpState    from,
            LabTcpState    to,
            double         width,
            gboolean       dashed)
{
  const Place *a = lab_state_diagram_place_of (from, FALSE), *b = lab_state_diagram_place_of (to, lab_tcp_drawn_as (from) != LAB_TCP_CLOSE);
  double ax, ay, bx, by, sx, sy, ex, ey, angle, head = m->pad * 1.6;

  if (a == NULL || b == NULL || a == b)
    return;

  box_center (m, a, &ax, &ay);
  box_center (m, b, &bx, &by);
  box_exit (m, ax, ay, bx, by, &sx, &sy);
  box_exit (m, bx, by, ax, ay, &ex, &ey);

  cairo_set_line_width (cr, width);
  if (dashed)
    {
      double dash = width * 3;

      cairo_set_dash (cr, &dash, 1, 0);
    }
  cairo_move_to (cr, sx, sy);
  cairo_line_to (cr, ex, ey);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  angle = atan2 (ey - sy, ex - sx);
  cairo_move_to (cr, ex, ey);
  cairo_line_to (cr, ex - head * cos (angle - 0.4), ey - head * sin (angle - 0.4));
  cairo_line_to (cr, ex - head * cos (angle + 0.4), ey - head * sin (angle + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
show_layout_centered (cairo_t     *cr,
                      PangoLayout *layout,
                      double       x,
                      double       y)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* The colours it is drawn in, from the theme. */
typedef struct {
  GdkRGBA fg, bg, accent, accent_fg;
} Palette;

static void
get_palette (GtkWidget *widget,
             Palette   *p)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (style, &p->fg);
  p->accent_fg = (GdkRGBA) { 1, 1, 1, 1 };
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &p->accent))
    gdk_rgba_parse (&p->accent, "#3584e4");
  /* The background the labels sit on: the theme's name for it, or else
   * the opposite of the text's lightness. */
  if (!gtk_style_context_lookup_color (style, "window_bg_color", &p->bg) &&
      !gtk_style_context_lookup_color (style, "theme_bg_color", &p->bg))
    gdk_rgba_parse (&p->bg, 0.299 * p->fg.red + 0.587 * p->fg.green + 0.114 * p->fg.blue > 0.5 ? "#242424"
                                                                                               : "#f6f5f4");
}

static void
set_source_fg (cairo_t       *cr,
               const Palette *p,
               double         alpha)
{
  cairo_set_source_rgba (cr, p->fg.red, p->fg.green, p->fg.blue, alpha);
}

/* Whose states these are. */
static void
draw_title (LabStateDiagram *self,
            cairo_t         *cr,
            const Metrics   *m,
            const Palette   *p)
{
  g_autoptr(PangoLayout) title = NULL;

  if (self->title == NULL)
    return;

  /* Whole: a peer's address is what tells two connections apart. */
  title = make_wrapped (self, self->title, TRUE, m);
  gdk_cairo_set_source_rgba (cr, &p->fg);
  cairo_move_to (cr, m->x0, 0);
  pango_cairo_show_layout (cr, title);
}

/* The transitions, then their causes over the lines, on the background. */
static void
draw_edges (LabStateDiagram *self,
            cairo_t         *cr,
            const Metrics   *m,
            const Palette   *p)
{
  guint n_edges;
  const LabTcpEdge *edges = lab_tcp_get_edges (&n_edges);

  for (guint i = 0; i < n_edges; i++)
    {
      set_source_fg (cr, p, 0.35);
      draw_arrow (cr, m, edges[i].from, edges[i].to, 1.5, FALSE);
    }

  for (guint i = 0; i < n_edges; i++)
    {
      graphene_rect_t box;
      g_autoptr(PangoLayout) label = edge_label (self, m, &edges[i], &box);

      cairo_rectangle (cr, box.origin.x, box.origin.y, box.size.width, box.size.height);
      gdk_cairo_set_source_rgba (cr, &p->bg);
      cairo_fill (cr);
      set_source_fg (cr, p, 0.75);
      cairo_move_to (cr, box.origin.x + 2, box.origin.y);
      pango_cairo_show_layout (cr, label);
    }
}

/* The way this connection went, in order: dashed where states passed too
 * fast to be seen, along the arrows the diagram says it took, or straight
 * across where it does not say (a reset). */
static void
draw_trace (LabStateDiagram *self,
            cairo_t         *cr,
            const Metrics   *m,
            const Palette   *p)
{
  gdk_cairo_set_source_rgba (cr, &p->accent);
  for (guint i = 1; i < self->n_trace; i++)
    {
      LabTcpState from = self->trace[i - 1], to = self->trace[i];
      LabTcpState unseen[LAB_TCP_MAX_UNSEEN];
      guint n_unseen;

      if (lab_tcp_drawn_as (from) == lab_tcp_drawn_as (to))
        continue;
      if (lab_tcp_has_edge (from, to))
        {
          draw_arrow (cr, m, from, to, 4, FALSE);
          continue;
        }

      n_unseen = lab_tcp_unseen (from, to, unseen);
      for (guint k = 0; k < n_unseen; k++)
        {
          draw_arrow (cr, m, from, unseen[k], 4, TRUE);
          from = unseen[k];
        }
      draw_arrow (cr, m, from, to, 4, TRUE);
    }
}

/* “now” beside the state the connection is in, where there is room. */
static void
draw_now_mark (LabStateDiagram *self,
               cairo_t         *cr,
               const Metrics   *m,
               const Palette   *p,
               const Place     *place)
{
  MarkSide side = mark_side (place);
  g_autofree char *text = mark_text (self, side);
  g_autoptr(PangoLayout) mark = make_layout (GTK_WIDGET (self), text, TRUE, 1.0);
  double x, y;
  int mw, mh;

  pango_layout_get_pixel_size (mark, &mw, &mh);
  mark_origin (m, place, side, mw, mh, &x, &y);
  gdk_cairo_set_source_rgba (cr, &p->fg);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, mark);
}

/* The states, the one of now filled and marked. */
static void
draw_states (LabStateDiagram *self,
             cairo_t         *cr,
             const Metrics   *m,
             const Palette   *p)
{
  for (guint i = 0; i < N_PLACES; i++)
    {
      const Place *place = &lab_state_diagram_places[i];
      gboolean now = self->current != LAB_TCP_UNKNOWN && lab_tcp_drawn_as (self->current) == place->state &&
                     (place->state != LAB_TCP_CLOSE || place->end == (self->n_trace > 1));
      g_autoptr(PangoLayout) layout =
        make_layout (GTK_WIDGET (self), lab_tcp_state_to_string (place->state), TRUE, 1.0);
      double cx, cy, x, y;

      box_center (m, place, &cx, &cy);
      x = cx - m->box_w / 2;
      y = cy - m->box_h / 2;

      rounded_rect (cr, x, y, m->box_w, m->box_h, m->pad);
      if (now)
        {
          gdk_cairo_set_source_rgba (cr, &p->accent);
          cairo_fill_preserve (cr);
          set_source_fg (cr, p, 1);
          cairo_set_line_width (cr, 4);
        }
      else
        {
          set_source_fg (cr, p, 0.06);
          cairo_fill_preserve (cr);
          set_source_fg (cr, p, 0.5);
          cairo_set_line_width (cr, 1.5);
        }
      cairo_stroke (cr);

      if (now)
        gdk_cairo_set_source_rgba (cr, &p->accent_fg);
      else
        set_source_fg (cr, p, 0.85);
      show_layout_centered (cr, layout, cx, cy);

      if (now)
        draw_now_mark (self, cr, m, p, place);
    }
}

/* The order it went through them: 1, 2, 3… */
static void
draw_order (LabStateDiagram *self,
            cairo_t         *cr,
            const Metrics   *m,
            const Palette   *p)
{
  for (guint i = 0; i < self->n_trace; i++)
    {
      const Place *place = lab_state_diagram_trace_place (self, i);
      g_autofree char *n = g_strdup_printf ("%u", i + 1);
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), n, TRUE, LABEL_SIZE);
      double cx, cy, r = m->line * LABEL_SIZE * 0.6, bx, by;
      guint same_before = 0;

      if (place == NULL)
        continue;
      for (guint j = 0; j < i; j++)
        same_before += lab_state_diagram_trace_place (self, j) == place;

      box_center (m, place, &cx, &cy);
      bx = cx - m->box_w / 2 + r + same_before * (2.2 * r);
      by = cy - m->box_h / 2;
      cairo_arc (cr, bx, by, r, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &p->fg);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 1 - p->fg.red, 1 - p->fg.green, 1 - p->fg.blue, 1);
      show_layout_centered (cr, layout, bx, by);
    }
}

/* Below the states: a listening socket's accept queue, against its limit;
 * or, with nothing to show, what to choose. */
static void
draw_footer (LabStateDiagram *self,
             cairo_t         *cr,
             const Metrics   *m,
             const Palette   *p)
{
  double y = m->rows_bottom + m->pad;

  if (self->listening)
    {
      /* Translators: connections the kernel completed, waiting for accept (), of the most it queues. */
      g_autofree char *text = g_strdup_printf (_("Accept queue: %u waiting, of at most %u"),
                                               self->queue_length, self->queue_limit);
      g_autoptr(PangoLayout) layout = make_wrapped (self, text, FALSE, m);
      double slot = m->box_h * 0.8;
      guint per_row, slots = queue_slots (self, m, &per_row);

      gdk_cairo_set_source_rgba (cr, &p->fg);
      cairo_move_to (cr, m->x0, y);
      pango_cairo_show_layout (cr, layout);

      for (guint i = 0; i < slots; i++)
        {
          rounded_rect (cr, m->x0 + (i % per_row) * (slot + m->pad),
                        y + m->line + m->pad + (i / per_row) * (slot + m->pad), slot, slot, m->pad / 2);
          if (i < self->queue_length)
            {
              gdk_cairo_set_source_rgba (cr, &p->accent);
              cairo_fill_preserve (cr);
            }
          gdk_cairo_set_source_rgba (cr, &p->fg);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
  else if (lab_state_diagram_get_hint (self) != NULL)
    {
      g_autoptr(PangoLayout) layout = make_wrapped (self, lab_state_diagram_get_hint (self), FALSE, m);

      set_source_fg (cr, p, 0.6);
      cairo_move_to (cr, m->x0, y);
      pango_cairo_show_layout (cr, layout);
    }
}

/* The size in pixels of the widget's font */
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

void
lab_state_diagram_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LabStateDiagram *self = LAB_STATE_DIAGRAM (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  Metrics m;
  Palette p;
  double scale, left;
  cairo_t *cr;

  get_metrics (self, &m);
  get_palette (widget, &p);

  /* Fit, and grow into a large pane; never below the smallest readable. */
  scale = MIN ((width - 2.0 * MARGIN) / m.width, (height - 2.0 * MARGIN) / m.height);
  scale = CLAMP (scale, MIN_SCALE, MAX_SCALE);
  left = MAX (MARGIN, (width - m.width * scale) / 2);
  self->drawn = GRAPHENE_RECT_INIT (left, MARGIN, m.width * scale, m.height * scale);
  self->smallest_text = font_pixels (widget) * LABEL_SIZE * scale;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, left - m.x0 * scale, MARGIN);
  cairo_scale (cr, scale, scale);

  draw_title (self, cr, &m, &p);
  draw_edges (self, cr, &m, &p);
  draw_trace (self, cr, &m, &p);
  draw_states (self, cr, &m, &p);
  draw_order (self, cr, &m, &p);
  draw_footer (self, cr, &m, &p);

  cairo_destroy (cr);
}
