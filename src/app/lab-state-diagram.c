/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lab-connection-private.h"
#include "lab-state-diagram.h"

/* The TCP state machine, drawn: the connection's kernel state stands out
 * (filled, a thick border and “now” beside it: not by colour alone), the
 * states it went through are numbered in order, and what the kernel was
 * not seen passing through is dashed. For a listening socket, its accept
 * queue against the backlog. Sizes follow the font, so the zoom scales it. */

#define N_TRACE 8

typedef struct {
  LabTcpState state;
  int         column;
  int         row;
  gboolean    end;      /* CLOSED again, where a connection ends */
} Place;

static const Place places[] = {
  { LAB_TCP_CLOSE, 1, 0 },
  { LAB_TCP_LISTEN, 0, 1 },
  { LAB_TCP_SYN_SENT, 2, 1 },
  { LAB_TCP_SYN_RECV, 0, 2 },
  { LAB_TCP_ESTABLISHED, 1, 3 },
  { LAB_TCP_FIN_WAIT1, 0, 4 },
  { LAB_TCP_CLOSE_WAIT, 2, 4 },
  { LAB_TCP_FIN_WAIT2, 0, 5 },
  { LAB_TCP_CLOSING, 1, 5 },
  { LAB_TCP_LAST_ACK, 2, 5 },
  { LAB_TCP_TIME_WAIT, 0, 6 },
  { LAB_TCP_CLOSE, 2, 6, TRUE },
};

struct _LabStateDiagram
{
  GtkWidget      parent_instance;

  LabEndpoint   *endpoint;
  LabConnection *connection;
  LabTcpState    current;
  LabTcpState    trace[N_TRACE];
  guint          n_trace;
  gboolean       gone;
  gboolean       listening;
  guint          queue_length;
  guint          queue_limit;
  char          *title;

  /* The bench's endpoints, to tell what to choose when nothing is */
  GListModel    *endpoints;
  GPtrArray     *watched;
};

G_DEFINE_FINAL_TYPE (LabStateDiagram, lab_state_diagram, GTK_TYPE_WIDGET)

GtkWidget *
lab_state_diagram_new (void)
{
  return g_object_new (LAB_TYPE_STATE_DIAGRAM, NULL);
}

/* CLOSED is drawn twice, as every course draws it: where a connection
 * begins, and where it ends (@end: reached from another state). */
static const Place *
place_of (LabTcpState state,
          gboolean    end)
{
  state = lab_tcp_drawn_as (state);
  end = end && state == LAB_TCP_CLOSE;
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (places[i].state == state && places[i].end == end)
      return &places[i];
  return NULL;
}

static gboolean
occupied (int row,
          int column)
{
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (places[i].row == row && places[i].column == column)
      return TRUE;
  return FALSE;
}

/* Where the @i-th state of the trace is drawn. */
static const Place *
trace_place (LabStateDiagram *self,
             guint            i)
{
  return place_of (self->trace[i], i > 0);
}

static void update_description (LabStateDiagram *self);

static void
update (LabStateDiagram *self)
{
  self->n_trace = 0;
  self->current = LAB_TCP_UNKNOWN;
  self->gone = FALSE;
  self->listening = FALSE;

  if (self->connection != NULL)
    {
      GArray *transitions = lab_connection_get_transitions (self->connection);
      guint first = transitions->len > N_TRACE ? transitions->len - N_TRACE : 0;

      for (guint i = first; i < transitions->len; i++)
        self->trace[self->n_trace++] = g_array_index (transitions, LabTransition, i).state;
      self->current = lab_connection_get_state (self->connection);
      self->gone = self->current == LAB_TCP_GONE;
    }
  else if (self->endpoint != NULL &&
           lab_endpoint_get_accept_queue (self->endpoint, &self->queue_length, &self->queue_limit))
    {
      self->listening = TRUE;
      self->current = LAB_TCP_LISTEN;
    }

  g_clear_pointer (&self->title, g_free);
  if (self->connection != NULL)
    {
      const char *peer = lab_connection_get_peer_address (self->connection);

      self->title = g_strdup_printf (_("%s ↔ %s"), self->endpoint != NULL ? lab_endpoint_get_name (self->endpoint) : "",
                                     peer != NULL ? peer : "…");
    }
  else if (self->listening)
    /* Translators: %s is a server's name; its listening socket's states are shown. */
    self->title = g_strdup_printf (_("%s: the listening socket"), lab_endpoint_get_name (self->endpoint));

  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

/**
 * lab_state_diagram_set_source:
 * @endpoint: (nullable): whose listening socket to show when no connection is
 * @connection: (nullable): the connection to show
 */
void
lab_state_diagram_set_source (LabStateDiagram *self,
                              LabEndpoint     *endpoint,
                              LabConnection   *connection)
{
  g_return_if_fail (LAB_IS_STATE_DIAGRAM (self));

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);

  g_set_object (&self->endpoint, endpoint);
  g_set_object (&self->connection, connection);

  if (connection != NULL)
    g_signal_connect_object (connection, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  if (endpoint != NULL)
    {
      g_signal_connect_object (endpoint, "notify::queue-length", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::queue-limit", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }

  update (self);
}

/* Whether a TCP server of the bench listens, as its kernel state said. */
static gboolean
some_server_listens (LabStateDiagram *self)
{
  for (guint i = 0; self->watched != NULL && i < self->watched->len; i++)
    {
      LabEndpoint *endpoint = self->watched->pdata[i];
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);

      if (lab_endpoint_config_is_tcp (config) && lab_endpoint_config_is_server (config) &&
          lab_endpoint_get_accept_queue (endpoint, NULL, NULL))
        return TRUE;
    }
  return FALSE;
}

/* With nothing to show, what to choose: once a server listens, it is there
 * to be chosen. */
static const char *
get_hint (LabStateDiagram *self)
{
  if (self->listening || self->connection != NULL)
    return NULL;
  if (some_server_listens (self))
    return _("A TCP server is listening: choose one of its rows in the timeline, or one of its connections, "
             "to see its state here.");
  return _("Choose a TCP connection, or start a TCP server, to see its state here.");
}

/* A server of the bench started or stopped: the hint may change. */
static void
on_watched_changed (LabStateDiagram *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
}

static void
on_endpoints_changed (LabStateDiagram *self)
{
  guint n = g_list_model_get_n_items (self->endpoints);

  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (self->watched->pdata[i], on_watched_changed, self);
  g_ptr_array_set_size (self->watched, 0);

  for (guint i = 0; i < n; i++)
    {
      LabEndpoint *endpoint = g_list_model_get_item (self->endpoints, i);

      g_signal_connect_object (endpoint, "notify::queue-limit", G_CALLBACK (on_watched_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_watched_changed), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, endpoint);
    }
  on_watched_changed (self);
}

/**
 * lab_state_diagram_set_endpoints:
 * @endpoints: the bench's #LabEndpoint, to say what to choose when nothing is
 */
void
lab_state_diagram_set_endpoints (LabStateDiagram *self,
                                 GListModel      *endpoints)
{
  g_return_if_fail (LAB_IS_STATE_DIAGRAM (self));
  g_return_if_fail (self->endpoints == NULL);

  self->endpoints = g_object_ref (endpoints);
  g_signal_connect_object (endpoints, "items-changed", G_CALLBACK (on_endpoints_changed), self, G_CONNECT_SWAPPED);
  on_endpoints_changed (self);
}

/**
 * lab_state_diagram_dup_text:
 *
 * Returns: (transfer full): what the diagram shows, in words: its title,
 *   the state marked “now”, the passages drawn in order, and what to
 *   choose when nothing is chosen. It is the diagram's accessible
 *   description, for a screen reader.
 */
char *
lab_state_diagram_dup_text (LabStateDiagram *self)
{
  GString *text = g_string_new (NULL);
  const char *hint = get_hint (self);

  g_return_val_if_fail (LAB_IS_STATE_DIAGRAM (self), NULL);

  if (self->title != NULL)
    g_string_append_printf (text, "%s\n", self->title);
  if (self->current != LAB_TCP_UNKNOWN)
    /* Translators: %s is a TCP state (LISTEN, ESTABLISHED…), which stays as it is. */
    g_string_append_printf (text, _("Now: %s"), lab_tcp_state_to_string (self->current));
  if (self->current != LAB_TCP_UNKNOWN)
    g_string_append_c (text, '\n');
  if (self->n_trace > 1)
    {
      g_autoptr(GString) passages = g_string_new (NULL);

      for (guint i = 1; i < self->n_trace; i++)
        g_string_append_printf (passages, "%s%s → %s", i > 1 ? ", " : "", lab_tcp_state_to_string (self->trace[i - 1]),
                                lab_tcp_state_to_string (self->trace[i]));
      /* Translators: %s lists the passages from one TCP state to the next, “SYN_SENT → ESTABLISHED, …”. */
      g_string_append_printf (text, _("Passages, in order: %s"), passages->str);
      g_string_append_c (text, '\n');
    }
  if (hint != NULL)
    g_string_append_printf (text, "%s\n", hint);

  return g_string_free (text, FALSE);
}

/* What it shows, in words, for whoever does not see it. */
static void
update_description (LabStateDiagram *self)
{
  g_autofree char *text = lab_state_diagram_dup_text (self);

  g_strchomp (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/* ---- Geometry, from the font ---- */

typedef struct {
  double box_w, box_h, gap_x, gap_y, pad, title_h;
  double width, height;
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
  pango_font_description_set_size (font, (int) (pango_font_description_get_size (font) * scale));
  pango_layout_set_font_description (layout, font);

  return layout;
}

static void
get_metrics (GtkWidget *widget,
             Metrics   *m)
{
  int w = 0, h = 0;

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (widget, lab_tcp_state_to_string (places[i].state), TRUE, 1.0);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      w = MAX (w, lw);
      h = MAX (h, lh);
    }

  m->pad = h * 0.4;
  m->box_w = w + 2 * m->pad;
  m->box_h = h + 2 * m->pad;
  m->gap_x = h * 1.6;
  m->gap_y = h * 1.9;
  m->title_h = h * 2;
  m->width = 3 * m->box_w + 2 * m->gap_x + 2 * h;
  /* A title, seven rows of states, then a row for the accept queue. */
  m->height = m->title_h + 7 * m->box_h + 6 * m->gap_y + 2.5 * m->box_h;
}

static void
lab_state_diagram_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  Metrics m;

  get_metrics (widget, &m);
  *natural = (int) ceil (orientation == GTK_ORIENTATION_HORIZONTAL ? m.width : m.height) + 24;
  *minimum = *natural / 3;
}

/* ---- Drawing ---- */

static void
box_center (const Metrics *m,
            const Place   *p,
            double        *x,
            double        *y)
{
  *x = p->column * (m->box_w + m->gap_x) + m->box_w / 2;
  *y = m->title_h + p->row * (m->box_h + m->gap_y) + m->box_h / 2;
}

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
  const Place *a = place_of (from, FALSE), *b = place_of (to, lab_tcp_drawn_as (from) != LAB_TCP_CLOSE);
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

  title = make_layout (GTK_WIDGET (self), self->title, TRUE, 1.0);
  pango_layout_set_width (title, (int) (m->width * PANGO_SCALE));
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  gdk_cairo_set_source_rgba (cr, &p->fg);
  cairo_move_to (cr, 0, 0);
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
      const Place *a = place_of (edges[i].from, FALSE), *b = place_of (edges[i].to, TRUE);
      g_autoptr(PangoLayout) label = make_layout (GTK_WIDGET (self), edges[i].cause, FALSE, 0.8);
      double ax, ay, bx, by, lx, ly;
      int lw, lh;

      box_center (m, a, &ax, &ay);
      box_center (m, b, &bx, &by);
      lx = (ax + bx) / 2;
      ly = (ay + by) / 2;
      pango_layout_get_pixel_size (label, &lw, &lh);
      cairo_rectangle (cr, lx - lw / 2.0 - 2, ly - lh / 2.0, lw + 4, lh);
      gdk_cairo_set_source_rgba (cr, &p->bg);
      cairo_fill (cr);
      set_source_fg (cr, p, 0.75);
      show_layout_centered (cr, label, lx, ly);
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
               const Place     *place,
               double           x,
               double           y)
{
  /* Translators: marks the state a connection is in now; an arrow
   * pointing at the state is put beside it. */
  const char *word = self->gone ? _("now (gone)") : _("now");
  gboolean right_free = !occupied (place->row, place->column + 1);
  gboolean left_free = !occupied (place->row, place->column - 1);
  g_autofree char *text = right_free ? g_strconcat ("◀ ", word, NULL)
                          : left_free ? g_strconcat (word, " ▶", NULL)
                          : g_strconcat (word, " ▼", NULL);
  g_autoptr(PangoLayout) mark = make_layout (GTK_WIDGET (self), text, TRUE, 0.9);
  double cy = y + m->box_h / 2;
  int mw, mh;

  pango_layout_get_pixel_size (mark, &mw, &mh);
  gdk_cairo_set_source_rgba (cr, &p->fg);
  if (right_free)
    cairo_move_to (cr, x + m->box_w + m->pad, cy - mh / 2.0);
  else if (left_free)
    cairo_move_to (cr, x - m->pad - mw, cy - mh / 2.0);
  else
    cairo_move_to (cr, x + m->box_w - mw, y - mh - m->pad / 2);
  pango_cairo_show_layout (cr, mark);
}

/* The states, the one of now filled and marked. */
static void
draw_states (LabStateDiagram *self,
             cairo_t         *cr,
             const Metrics   *m,
             const Palette   *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      const Place *place = &places[i];
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
        draw_now_mark (self, cr, m, p, place, x, y);
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
      const Place *place = trace_place (self, i);
      g_autofree char *n = g_strdup_printf ("%u", i + 1);
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), n, TRUE, 0.75);
      double cx, cy, r = m->pad * 1.4, bx, by;
      guint same_before = 0;

      if (place == NULL)
        continue;
      for (guint j = 0; j < i; j++)
        same_before += trace_place (self, j) == place;

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
  double y = m->title_h + 7 * (m->box_h + m->gap_y) + m->pad;

  if (self->listening)
    {
      /* Translators: connections the kernel completed, waiting for accept (), of the most it queues. */
      g_autofree char *text = g_strdup_printf (_("Accept queue: %u waiting, of at most %u"),
                                               self->queue_length, self->queue_limit);
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), text, FALSE, 1.0);
      double slot = m->box_h * 0.8;
      guint slots = MIN (self->queue_limit, 32u);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      gdk_cairo_set_source_rgba (cr, &p->fg);
      cairo_move_to (cr, 0, y);
      pango_cairo_show_layout (cr, layout);

      for (guint i = 0; i < slots; i++)
        {
          rounded_rect (cr, i * (slot + m->pad), y + lh + m->pad, slot, slot, m->pad / 2);
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
  else if (get_hint (self) != NULL)
    {
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), get_hint (self), FALSE, 1.0);

      set_source_fg (cr, p, 0.6);
      pango_layout_set_width (layout, (int) (m->width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      cairo_move_to (cr, 0, y);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
lab_state_diagram_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LabStateDiagram *self = LAB_STATE_DIAGRAM (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  Metrics m;
  Palette p;
  double scale;
  cairo_t *cr;

  get_metrics (widget, &m);
  get_palette (widget, &p);

  /* Fit, and grow into a tall pane up to half as large again. */
  scale = MIN (1.5, MIN ((width - 24) / m.width, (height - 24) / m.height));

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, (width - m.width * scale) / 2, 12);
  cairo_scale (cr, scale, scale);

  draw_title (self, cr, &m, &p);
  draw_edges (self, cr, &m, &p);
  draw_trace (self, cr, &m, &p);
  draw_states (self, cr, &m, &p);
  draw_order (self, cr, &m, &p);
  draw_footer (self, cr, &m, &p);

  cairo_destroy (cr);
}

static void
lab_state_diagram_dispose (GObject *object)
{
  LabStateDiagram *self = LAB_STATE_DIAGRAM (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->endpoint != NULL)
    g_signal_handlers_disconnect_by_data (self->endpoint, self);
  g_clear_object (&self->connection);
  g_clear_object (&self->endpoint);
  g_clear_pointer (&self->title, g_free);
  if (self->watched != NULL)
    for (guint i = 0; i < self->watched->len; i++)
      g_signal_handlers_disconnect_by_func (self->watched->pdata[i], on_watched_changed, self);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_object (&self->endpoints);

  G_OBJECT_CLASS (lab_state_diagram_parent_class)->dispose (object);
}

static void
lab_state_diagram_class_init (LabStateDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_state_diagram_dispose;
  widget_class->measure = lab_state_diagram_measure;
  widget_class->snapshot = lab_state_diagram_snapshot;

  gtk_widget_class_set_css_name (widget_class, "state-diagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_state_diagram_init (LabStateDiagram *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("TCP state diagram"), -1);
  update_description (self);
}
