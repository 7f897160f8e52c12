/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "lab-event.h"
#include "lab-tcp-chart.h"
#include "lab-tcp-seq.h"
#include "lab-timeline.h"

/* The chart of a connection's TCP numbers, as the kernel gave them in its
 * samples (lab-tcp-sample.h), and of its segments on the wire: four bands
 * over one time, the congestion window with the slow-start threshold, the
 * smoothed round trip with its variation and the retransmission timeout,
 * the bytes in flight with the two receive windows, and the sequence graph
 * (lab-tcp-seq.h). Each
 * connection keeps its last LAB_TCP_CHART_MAX_POINTS samples, and the chart
 * the last LAB_TCP_CHART_MAX_CONNECTIONS connections sampled: its cost is
 * bounded whatever runs. The kernel is asked for samples only while a chart
 * is mapped. Sizes follow the font, so the zoom scales it; the last values,
 * in words, are its accessible description and its text. */

typedef struct {
  gint64       time_us;
  LabTcpSample s;
} Point;

typedef struct {
  guint64 connection;
  guint64 touched;              /* the chart's count when it last had a sample */
  guint   first, n;             /* a ring */
  Point   points[LAB_TCP_CHART_MAX_POINTS];
  LabTcpSeq seq;                /* its bytes on the wire */
} Series;

struct _LabTcpChart
{
  GtkWidget    parent_instance;

  LabSession  *session;
  LabTimeline *timeline;
  GHashTable  *series;          /* connection → Series */
  guint64      count;
  guint64      connection;      /* the one shown, 0 for none */
  char        *text;
  gboolean     sampling;
  guint        tick_id;         /* the time runs on while it is shown */
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabTcpChart, lab_tcp_chart, GTK_TYPE_WIDGET)

/* Charts mapped, of every window: the kernel samples while one is. */
static guint n_sampling;

/* ---- The points ---- */

static const Point *
point_at (const Series *series,
          guint         i)
{
  return &series->points[(series->first + i) % LAB_TCP_CHART_MAX_POINTS];
}

static Series *
series_for (LabTcpChart *self,
            guint64      connection,
            gboolean     create)
{
  Series *series = g_hash_table_lookup (self->series, &connection);

  if (series != NULL || !create)
    return series;

  /* The connection sampled longest ago makes room, unless it is shown */
  if (g_hash_table_size (self->series) >= LAB_TCP_CHART_MAX_CONNECTIONS)
    {
      GHashTableIter iter;
      Series *oldest = NULL, *s;

      g_hash_table_iter_init (&iter, self->series);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
        if (s->connection != self->connection && (oldest == NULL || s->touched < oldest->touched))
          oldest = s;
      if (oldest != NULL)
        g_hash_table_remove (self->series, &oldest->connection);
    }

  series = g_new0 (Series, 1);
  series->connection = connection;
  g_hash_table_insert (self->series, &series->connection, series);
  return series;
}

static void
add_point (Series             *series,
           gint64              time_us,
           const LabTcpSample *sample)
{
  Point *p;

  if (series->n < LAB_TCP_CHART_MAX_POINTS)
    p = &series->points[(series->first + series->n++) % LAB_TCP_CHART_MAX_POINTS];
  else
    {
      p = &series->points[series->first];
      series->first = (series->first + 1) % LAB_TCP_CHART_MAX_POINTS;
    }
  p->time_us = time_us;
  p->s = *sample;
}

/* ---- In words ---- */

static void
update_text (LabTcpChart *self)
{
  Series *series = self->connection != 0 ? series_for (self, self->connection, FALSE) : NULL;
  g_autofree char *text = NULL;

  if (self->connection == 0)
    text = g_strdup (_("Choose a TCP connection, on the bench or in the timeline, to chart its numbers."));
  else if (series == NULL || series->n == 0)
    text = g_strdup (_("No sample of this connection yet: the kernel gives one while its numbers change, at most "
                       "every 100 ms."));
  else
    {
      const LabTcpSample *s = &point_at (series, series->n - 1)->s;
      g_autofree char *numbers = lab_tcp_sample_text (s);

      g_autofree char *wire = lab_tcp_seq_text (&series->seq);

      /* Translators: under the TCP chart: how many samples it draws, then the last one's numbers. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sample. Last: %s", "%u samples. Last: %s",
                                           series->n),
                              series->n, numbers);
      if (wire != NULL)
        {
          char *both = g_strconcat (text, ". ", wire, NULL);

          g_free (text);
          text = both;
        }
    }

  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_steal_pointer (&text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->text, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/* ---- Following the timeline ---- */

static void
take_record (LabTcpChart     *self,
             const LabRecord *record)
{
  g_autoptr(LabEvent) event = lab_timeline_dup_event (self->timeline, record);
  LabTcpSample sample;
  Series *series;

  if (event == NULL || !lab_event_get_tcp_sample (event, &sample))
    return;
  series = series_for (self, lab_record_get_connection (record), TRUE);
  series->touched = ++self->count;
  add_point (series, lab_event_get_begin_time (event), &sample);
}

/* A packet of a lab connection's, or of its peer's: a mark of its
 * sequence graph. Returns whether the connection shown has a new one. */
static gboolean
take_packet (LabTcpChart     *self,
             const LabRecord *record)
{
  g_autoptr(LabEvent) event = lab_timeline_dup_event (self->timeline, record);
  LabWireInfo wire;
  GHashTableIter iter;
  Series *series;
  gboolean shown = FALSE;
  gint64 time_us;

  if (event == NULL || !lab_wire_describe_packet (event, &wire) || !wire.decoded ||
      wire.info.proto != LAB_PACKET_TCP)
    return FALSE;
  time_us = lab_event_get_begin_time (event);
  if (wire.conn != 0 && lab_tcp_seq_take_own (&series_for (self, wire.conn, TRUE)->seq, &wire, time_us))
    shown |= wire.conn == self->connection;
  g_hash_table_iter_init (&iter, self->series);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &series))
    if (lab_tcp_seq_is_peer (&series->seq, &wire) && lab_tcp_seq_take_peer (&series->seq, &wire, time_us))
      shown |= series->connection == self->connection;
  return shown;
}

static void
on_recorded (LabTimeline            *timeline,
             const LabTimelineEntry *entries,
             guint                   n,
             LabTcpChart            *self)
{
  gboolean shown = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const LabRecord *record = entries[i].record;

      /* The wire's packets while the kernel samples: what is drawn */
      if (!entries[i].end && self->sampling && lab_record_get_kind (record) == LAB_EVENT_PACKET)
        {
          shown |= take_packet (self, record);
          continue;
        }
      if (entries[i].end || lab_record_get_kind (record) != LAB_EVENT_TCP_SAMPLE ||
          lab_record_get_connection (record) == 0)
        continue;
      take_record (self, record);
      shown |= lab_record_get_connection (record) == self->connection;
    }
  if (shown)
    {
      update_text (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* A connection chosen that the chart has no points of: those the timeline
 * still has, its last ones, read from the newest back, among the last
 * READ_BACK records only: a flood's panels choose a connection after
 * another. */
#define READ_BACK 20000

static void
read_back (LabTcpChart *self,
           guint64      connection)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));
  guint least = n > READ_BACK ? n - READ_BACK : 0;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  for (guint i = n; i > least && found->len < LAB_TCP_CHART_MAX_POINTS; i--)
    {
      const LabRecord *record = lab_timeline_get_record (self->timeline, i - 1);

      if (record != NULL && lab_record_get_kind (record) == LAB_EVENT_TCP_SAMPLE &&
          lab_record_get_connection (record) == connection)
        g_ptr_array_add (found, (gpointer) record);
    }
  for (guint i = found->len; i > 0; i--)
    take_record (self, found->pdata[i - 1]);
}

/**
 * lab_tcp_chart_set_connection:
 * @connection: a connection's number (lab_connection_get_id()), or 0
 */
void
lab_tcp_chart_set_connection (LabTcpChart *self,
                              guint64      connection)
{
  g_return_if_fail (LAB_IS_TCP_CHART (self));

  if (self->connection == connection)
    return;
  self->connection = connection;
  if (connection != 0 && gtk_widget_get_mapped (GTK_WIDGET (self)) && series_for (self, connection, FALSE) == NULL)
    read_back (self, connection);
  update_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
lab_tcp_chart_get_connection (LabTcpChart *self)
{
  return self->connection;
}

/**
 * lab_tcp_chart_get_latest:
 * @sample: (out): the last sample drawn of the connection shown
 *
 * Returns: whether there is one
 */
gboolean
lab_tcp_chart_get_latest (LabTcpChart  *self,
                          LabTcpSample *sample)
{
  Series *series = self->connection != 0 ? series_for (self, self->connection, FALSE) : NULL;

  if (series == NULL || series->n == 0)
    return FALSE;
  *sample = point_at (series, series->n - 1)->s;
  return TRUE;
}

guint
lab_tcp_chart_get_n_points (LabTcpChart *self)
{
  Series *series = self->connection != 0 ? series_for (self, self->connection, FALSE) : NULL;

  return series != NULL ? series->n : 0;
}

/**
 * lab_tcp_chart_get_text:
 *
 * Returns: the chart in words: its last values, or what to do to see some
 */
const char *
lab_tcp_chart_get_text (LabTcpChart *self)
{
  return self->text;
}

/* ---- Drawing ---- */

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

typedef struct {
  GdkRGBA fg, accent, second;
} Palette;

static void
get_palette (GtkWidget *widget,
             Palette   *p)
{
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  gboolean dark;

  gtk_style_context_get_color (style, &p->fg);
  dark = 0.299 * p->fg.red + 0.587 * p->fg.green + 0.114 * p->fg.blue > 0.5;
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &p->accent))
    gdk_rgba_parse (&p->accent, dark ? "#78aeed" : "#1c71d8");
  /* Orange, apart from the accent's blue in hue and in lightness */
  gdk_rgba_parse (&p->second, dark ? "#ffa348" : "#c64600");
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *rgba,
            double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             gboolean    bold,
             double      width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (bold)
    {
      const PangoFontDescription *base = pango_context_get_font_description (pango_layout_get_context (layout));
      g_autoptr(PangoFontDescription) font = pango_font_description_copy (base);

      pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
      pango_layout_set_font_description (layout, font);
    }
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

/* What a band draws: up to three lines, each read from a point */
typedef enum {
  LINE_CWND,
  LINE_SSTHRESH,
  LINE_SRTT,
  LINE_RTO,
  LINE_IN_FLIGHT,
  LINE_SND_WND,
  LINE_RCV_WND,
} Line;

static gboolean
line_value (Line         line,
            const Point *p,
            double      *value)
{
  const LabTcpSample *s = &p->s;

  switch (line)
    {
    case LINE_CWND: *value = s->cwnd; return TRUE;
    case LINE_SSTHRESH: *value = s->ssthresh; return s->ssthresh < 0x7fffffff;
    case LINE_SRTT: *value = s->srtt_us / 1000.0; return TRUE;
    case LINE_RTO: *value = s->rto_us / 1000.0; return s->rto_us != 0;
    case LINE_IN_FLIGHT: *value = (double) s->in_flight * s->mss; return TRUE;
    case LINE_SND_WND: *value = s->snd_wnd; return s->snd_wnd != 0;
    case LINE_RCV_WND: *value = s->rcv_wnd; return s->rcv_wnd != 0;
    default: return FALSE;
    }
}

/* A round number at or above @v: 1, 2 or 5 times a power of ten */
static double
nice_ceiling (double v)
{
  double power, f;

  if (v <= 0)
    return 1;
  power = pow (10, floor (log10 (v)));
  f = v / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

typedef struct {
  double em, left, right, t0, t1;
} Frame;

static double
x_of (const Frame *f,
      gint64       t)
{
  return f->left + (f->right - f->left) * (t - f->t0) / MAX (1.0, f->t1 - f->t0);
}

/* Draws the key of a legend's line @l, its middle at (@x, @y). */
typedef void (*DrawKey) (cairo_t       *cr,
                         const Frame   *f,
                         const Palette *pal,
                         guint          l,
                         double         x,
                         double         y);

/* A band's legend in its top left: each line's key and name, on as many
 * rows as the width needs */
static void
draw_legend (GtkWidget          *widget,
             cairo_t            *cr,
             const Frame        *f,
             const Palette      *pal,
             double              plot_top,
             double              plot_h,
             const char * const *names,
             guint               n,
             DrawKey             key)
{
  double x = f->left + 0.5 * f->em, y = plot_top + 0.3 * f->em;

  for (guint l = 0; l < n; l++)
    {
      g_autoptr(PangoLayout) layout = make_layout (widget, names[l], FALSE, f->right - f->left - 2.8 * f->em);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      if (x + 2 * f->em + w > f->right && x > f->left + 0.5 * f->em)
        {
          x = f->left + 0.5 * f->em;
          y += h;
        }
      if (y + h > plot_top + plot_h)
        break;
      key (cr, f, pal, l, x, y + h / 2.0);
      cairo_set_dash (cr, NULL, 0, 0);
      set_source (cr, &pal->fg, 1);
      cairo_move_to (cr, x + 1.8 * f->em, y);
      pango_cairo_show_layout (cr, layout);
      x += 2.6 * f->em + w;
    }
}

static const double dashes[3][2] = { { 0, 0 }, { 0.6, 0.35 }, { 0.15, 0.3 } };

/* A band's lines: the first solid in the accent, the others dashed */
static void
band_key (cairo_t       *cr,
          const Frame   *f,
          const Palette *pal,
          guint          l,
          double         x,
          double         y)
{
  set_source (cr, l == 0 ? &pal->accent : l == 1 ? &pal->second : &pal->fg, 1);
  cairo_set_line_width (cr, MAX (1.5, f->em * 0.14));
  if (l > 0)
    {
      double d[2] = { dashes[l][0] * f->em, dashes[l][1] * f->em };

      cairo_set_dash (cr, d, 2, 0);
    }
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 1.5 * f->em, y);
  cairo_stroke (cr);
}

/* The sequence graph's: sent, sent again, dropped (a cross), acknowledged */
static void
seq_key (cairo_t       *cr,
         const Frame   *f,
         const Palette *pal,
         guint          l,
         double         x,
         double         y)
{
  set_source (cr, l == 0 ? &pal->accent : l == 1 ? &pal->second : &pal->fg, 1);
  cairo_set_line_width (cr, MAX (1.5, f->em * (l == 1 ? 0.3 : 0.14)));
  if (l == 2)
    {
      cairo_move_to (cr, x + 0.45 * f->em, y - 0.3 * f->em);
      cairo_line_to (cr, x + 1.05 * f->em, y + 0.3 * f->em);
      cairo_move_to (cr, x + 0.45 * f->em, y + 0.3 * f->em);
      cairo_line_to (cr, x + 1.05 * f->em, y - 0.3 * f->em);
    }
  else
    {
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 1.5 * f->em, y);
    }
  cairo_stroke (cr);
}

/* A line in steps: a value holds until the next */
static void
step_to (cairo_t  *cr,
         gboolean *drawing,
         double   *prev_y,
         double    x,
         double    y)
{
  if (!*drawing)
    cairo_move_to (cr, x, y);
  else
    {
      cairo_line_to (cr, x, *prev_y);
      cairo_line_to (cr, x, y);
    }
  *drawing = TRUE;
  *prev_y = y;
}

/* A band's title, its scale at the right, and its frame: its top is the
 * scale, its bottom 0 */
static void
draw_frame (GtkWidget     *widget,
            cairo_t       *cr,
            const Frame   *f,
            const Palette *pal,
            double         top,
            double         height,
            const char    *title,
            double         max)
{
  double plot_top = top + 1.5 * f->em, plot_h = height - 1.7 * f->em;
  g_autofree char *scale = max >= 10000 ? g_strdup_printf ("%.0fk", max / 1000) : g_strdup_printf ("%g", max);

  {
    g_autoptr(PangoLayout) layout = make_layout (widget, title, TRUE, f->right - f->left - 5 * f->em);

    set_source (cr, &pal->fg, 1);
    cairo_move_to (cr, f->left, top);
    pango_cairo_show_layout (cr, layout);
  }
  {
    g_autoptr(PangoLayout) layout = make_layout (widget, scale, FALSE, 0);
    int w, h;

    pango_layout_get_pixel_size (layout, &w, &h);
    set_source (cr, &pal->fg, 0.7);
    cairo_move_to (cr, f->right - w, top);
    pango_cairo_show_layout (cr, layout);
  }
  set_source (cr, &pal->fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, f->left + 0.5, plot_top + 0.5, f->right - f->left - 1, plot_h - 1);
  cairo_stroke (cr);
}

/* The sequence graph: each segment the connection sent a stroke over its
 * bytes at its time (those sent again thicker, in the second colour; those
 * the link dropped a cross), its peer's ACKs a line of the next byte it
 * waits for, its SACK blocks light strokes. */
static void
draw_seq_band (LabTcpChart   *self,
               cairo_t       *cr,
               const Frame   *f,
               const Palette *pal,
               const Series  *series,
               double         top,
               double         height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const LabTcpSeq *seq = &series->seq;
  double max = 0, plot_top = top + 1.5 * f->em, plot_h = height - 1.7 * f->em, prev_y = 0;
  gboolean drawing = FALSE;
  g_autofree char *sent = g_strdup_printf (_("sent %u"), seq->sent);
  g_autofree char *again = g_strdup_printf (_("sent again %u"), seq->resent);
  g_autofree char *dropped = g_strdup_printf (_("dropped by the link %u"), seq->dropped);
  const char *names[] = { sent, again, dropped, _("acknowledged") };

  for (guint i = 0; i < seq->n; i++)
    max = MAX (max, lab_tcp_seq_mark (seq, i)->to);
  /* Tight: a stream's top is its last byte, not the next power of ten */
  max = MAX (max, 1) * 1.08;

  /* Translators: a band of the TCP chart: the bytes of the stream each segment carried, over time. */
  draw_frame (widget, cr, f, pal, top, height, _("Sequence (bytes of the stream)"), max);

  cairo_save (cr);
  cairo_rectangle (cr, f->left, plot_top, f->right - f->left, plot_h);
  cairo_clip (cr);
  for (guint i = 0; i < seq->n; i++)
    {
      const LabTcpSeqMark *m = lab_tcp_seq_mark (seq, i);
      double x = x_of (f, m->time_us), y0 = plot_top + plot_h * (1 - m->from / max),
             y1 = plot_top + plot_h * (1 - m->to / max), r = 0.3 * f->em;

      if (m->time_us < f->t0)
        continue;
      switch (m->kind)
        {
        case LAB_TCP_SEQ_ACK:
          continue;
        case LAB_TCP_SEQ_SACK:
          set_source (cr, &pal->accent, 0.35);
          cairo_set_line_width (cr, MAX (1.0, f->em * 0.12));
          break;
        case LAB_TCP_SEQ_RESENT:
          set_source (cr, &pal->second, 1);
          cairo_set_line_width (cr, MAX (3.0, f->em * 0.35));
          break;
        case LAB_TCP_SEQ_DROPPED:
          set_source (cr, &pal->fg, 1);
          cairo_set_line_width (cr, MAX (1.5, f->em * 0.12));
          cairo_move_to (cr, x - r, (y0 + y1) / 2 - r);
          cairo_line_to (cr, x + r, (y0 + y1) / 2 + r);
          cairo_move_to (cr, x - r, (y0 + y1) / 2 + r);
          cairo_line_to (cr, x + r, (y0 + y1) / 2 - r);
          cairo_stroke (cr);
          continue;
        case LAB_TCP_SEQ_SENT:
        default:
          set_source (cr, &pal->accent, 1);
          cairo_set_line_width (cr, MAX (2.0, f->em * 0.2));
          break;
        }
      /* A tick at least, however few its bytes against the scale */
      cairo_move_to (cr, x, y0 + (m->kind == LAB_TCP_SEQ_RESENT ? 0.3 : 0.2) * f->em);
      cairo_line_to (cr, x, MIN (y1, y0 - (m->kind == LAB_TCP_SEQ_RESENT ? 0.3 : 0.2) * f->em));
      cairo_stroke (cr);
    }
  /* The ACKs, a step each: one holds until the next */
  set_source (cr, &pal->fg, 0.8);
  cairo_set_line_width (cr, MAX (1.0, f->em * 0.1));
  for (guint i = 0; i < seq->n; i++)
    {
      const LabTcpSeqMark *m = lab_tcp_seq_mark (seq, i);

      if (m->kind == LAB_TCP_SEQ_ACK && m->time_us >= f->t0)
        step_to (cr, &drawing, &prev_y, x_of (f, m->time_us), plot_top + plot_h * (1 - m->from / max));
    }
  if (drawing)
    cairo_line_to (cr, f->right, prev_y);
  cairo_stroke (cr);
  cairo_restore (cr);

  /* The legend, in the band's top left */
  draw_legend (widget, cr, f, pal, plot_top, plot_h, names, G_N_ELEMENTS (names), seq_key);
}

static void
draw_band (LabTcpChart   *self,
           cairo_t       *cr,
           const Frame   *f,
           const Palette *pal,
           const Series  *series,
           double         top,
           double         height,
           const char    *title,
           const Line    *lines,
           const char   **names,
           guint          n_lines)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double max = 0, plot_top = top + 1.5 * f->em, plot_h = height - 1.7 * f->em;

  for (guint l = 0; l < n_lines; l++)
    for (guint i = 0; i < series->n; i++)
      {
        double v;

        if (line_value (lines[l], point_at (series, i), &v))
          max = MAX (max, v);
      }
  /* The round trip's band holds its variation above it */
  if (lines[0] == LINE_SRTT)
    for (guint i = 0; i < series->n; i++)
      max = MAX (max, (point_at (series, i)->s.srtt_us + point_at (series, i)->s.rttvar_us) / 1000.0);
  max = nice_ceiling (max * 1.1);

  draw_frame (widget, cr, f, pal, top, height, title, max);

  if (lines[0] == LINE_SRTT)
    {
      /* srtt ± rttvar, a band under the line */
      set_source (cr, &pal->accent, 0.22);
      for (guint i = 0; i < series->n; i++)
        {
          const Point *p = point_at (series, i);
          double hi = (p->s.srtt_us + p->s.rttvar_us) / 1000.0;

          if (i == 0)
            cairo_move_to (cr, x_of (f, p->time_us), plot_top + plot_h * (1 - hi / max));
          else
            cairo_line_to (cr, x_of (f, p->time_us), plot_top + plot_h * (1 - hi / max));
        }
      for (guint i = series->n; i > 0; i--)
        {
          const Point *p = point_at (series, i - 1);
          double lo = MAX (0.0, ((double) p->s.srtt_us - p->s.rttvar_us) / 1000.0);

          cairo_line_to (cr, x_of (f, p->time_us), plot_top + plot_h * (1 - lo / max));
        }
      cairo_close_path (cr);
      cairo_fill (cr);
    }

  for (guint l = 0; l < n_lines; l++)
    {
      const GdkRGBA *colour = l == 0 ? &pal->accent : l == 1 ? &pal->second : &pal->fg;
      gboolean drawing = FALSE;
      double prev_y = 0;

      set_source (cr, colour, 1);
      cairo_set_line_width (cr, MAX (1.5, f->em * (l == 0 ? 0.16 : 0.12)));
      if (l > 0)
        {
          double d[2] = { dashes[l][0] * f->em, dashes[l][1] * f->em };

          cairo_set_dash (cr, d, 2, 0);
        }
      else
        cairo_set_dash (cr, NULL, 0, 0);
      /* Steps: a value holds until the next sample */
      for (guint i = 0; i < series->n; i++)
        {
          const Point *p = point_at (series, i);
          double v, x = x_of (f, p->time_us), y;

          if (!line_value (lines[l], p, &v))
            {
              drawing = FALSE;
              continue;
            }
          y = plot_top + plot_h * (1 - MIN (v, max) / max);
          step_to (cr, &drawing, &prev_y, x, y);
        }
      if (drawing)
        cairo_line_to (cr, f->right, prev_y);
      cairo_stroke (cr);
      /* Each sample a dot on the first line: where the kernel said */
      if (l == 0)
        for (guint i = 0; i < series->n; i++)
          {
            const Point *p = point_at (series, i);
            double v;

            if (!line_value (lines[l], p, &v))
              continue;
            cairo_arc (cr, x_of (f, p->time_us), plot_top + plot_h * (1 - MIN (v, max) / max), 0.18 * f->em, 0,
                       2 * G_PI);
            cairo_fill (cr);
          }
    }
  cairo_set_dash (cr, NULL, 0, 0);

  /* The legend, in the band's top left: each line's stroke, its name and
   * its last value */
  draw_legend (widget, cr, f, pal, plot_top, plot_h, names, n_lines, band_key);
}

static void
lab_tcp_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  LabTcpChart *self = LAB_TCP_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  Series *series = self->connection != 0 ? series_for (self, self->connection, FALSE) : NULL;
  Palette pal;
  Frame f;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  get_palette (widget, &pal);
  f.em = font_pixels (widget);
  f.left = 0.3 * f.em;
  f.right = width - 0.3 * f.em;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (series == NULL || series->n == 0)
    {
      /* What to do, across the middle */
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->text);
      int w, h;

      pango_layout_set_width (layout, (int) ((width - 2 * f.em) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &w, &h);
      set_source (cr, &pal.fg, 0.7);
      cairo_move_to (cr, f.em, (height - h) / 2.0);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      return;
    }

  {
    const Point *last = point_at (series, series->n - 1);
    double axis_h = 1.5 * f.em, band_h = (height - axis_h) / 4;
    static const Line cwnd_lines[] = { LINE_CWND, LINE_SSTHRESH };
    static const Line rtt_lines[] = { LINE_SRTT, LINE_RTO };
    static const Line byte_lines[] = { LINE_IN_FLIGHT, LINE_SND_WND, LINE_RCV_WND };
    g_autofree char *ssthresh = last->s.ssthresh >= 0x7fffffff ? g_strdup ("∞") : g_strdup_printf ("%u", last->s.ssthresh);
    g_autofree char *cwnd = g_strdup_printf ("cwnd %u", last->s.cwnd);
    g_autofree char *thresh = g_strdup_printf ("ssthresh %s", ssthresh);
    g_autofree char *srtt = g_strdup_printf ("srtt %.1f ± %.1f", last->s.srtt_us / 1000.0, last->s.rttvar_us / 1000.0);
    g_autofree char *rto = g_strdup_printf ("rto %u", last->s.rto_us / 1000);
    /* Translators: the TCP chart's lines of bytes, with their last values: in flight, the peer's receive
     * window, ours. */
    g_autofree char *flight = g_strdup_printf (_("in flight %u"), last->s.in_flight * last->s.mss);
    g_autofree char *peer = g_strdup_printf (_("peer’s window %u"), last->s.snd_wnd);
    g_autofree char *ours = g_strdup_printf (_("our window %u"), last->s.rcv_wnd);
    const char *cwnd_names[] = { cwnd, thresh };
    const char *rtt_names[] = { srtt, rto };
    const char *byte_names[] = { flight, peer, ours };

    /* Ten seconds at least, up to now at the right: the last values hold
     * until the next sample. A lesson's transfer of a few seconds fills
     * most of the width; a longer one is drawn whole. */
    f.t1 = MAX ((double) last->time_us,
                (double) (lab_timeline_now (self->timeline) - lab_timeline_get_origin (self->timeline)));
    f.t0 = MIN ((double) point_at (series, 0)->time_us, f.t1 - 10.0 * G_USEC_PER_SEC);

    /* Translators: the bands of the TCP chart: what each draws, and in what unit. */
    draw_band (self, cr, &f, &pal, series, 0, band_h, _("Congestion window (segments)"), cwnd_lines, cwnd_names, 2);
    draw_band (self, cr, &f, &pal, series, band_h, band_h, _("Round trip and RTO (ms)"), rtt_lines,
               rtt_names, 2);
    draw_band (self, cr, &f, &pal, series, 2 * band_h, band_h, _("Bytes"), byte_lines, byte_names, 3);
    draw_seq_band (self, cr, &f, &pal, series, 3 * band_h, band_h);

    /* The time: seconds before the last sample */
    {
      /* Translators: under the TCP chart: the time it spans, up to now, in seconds. */
      g_autofree char *span = g_strdup_printf (_("−%.0f s"), (f.t1 - f.t0) / G_USEC_PER_SEC);
      g_autoptr(PangoLayout) from = make_layout (widget, span, FALSE, 0);
      /* Translators: under the TCP chart, at its right: the time now. */
      g_autoptr(PangoLayout) to = make_layout (widget, C_("chart", "now"), FALSE, 0);
      int w, h;

      set_source (cr, &pal.fg, 0.7);
      cairo_move_to (cr, f.left, height - axis_h + 0.1 * f.em);
      pango_cairo_show_layout (cr, from);
      pango_layout_get_pixel_size (to, &w, &h);
      cairo_move_to (cr, f.right - w, height - axis_h + 0.1 * f.em);
      pango_cairo_show_layout (cr, to);
    }
  }
  cairo_destroy (cr);
}

static void
lab_tcp_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  double em = font_pixels (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (16 * em);
      *natural = (int) ceil (30 * em);
    }
  else
    {
      /* Three bands, each its title and a few lines, and the time */
      *minimum = (int) ceil (3 * 4.4 * em + 1.5 * em);
      *natural = (int) ceil (3 * 7 * em + 1.5 * em);
    }
}

/* ---- Asking the kernel ---- */

static gboolean
on_tick (gpointer data)
{
  LabTcpChart *self = data;

  if (self->connection != 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_CONTINUE;
}

static void
lab_tcp_chart_map (GtkWidget *widget)
{
  LabTcpChart *self = LAB_TCP_CHART (widget);

  GTK_WIDGET_CLASS (lab_tcp_chart_parent_class)->map (widget);
  if (self->connection != 0 && series_for (self, self->connection, FALSE) == NULL)
    {
      read_back (self, self->connection);
      update_text (self);
    }
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (500, on_tick, self);
  if (!self->sampling)
    {
      self->sampling = TRUE;
      if (n_sampling++ == 0)
        lab_tcp_sample_set_enabled (TRUE);
    }
}

static void
stop_sampling (LabTcpChart *self)
{
  if (self->sampling)
    {
      self->sampling = FALSE;
      if (--n_sampling == 0)
        lab_tcp_sample_set_enabled (FALSE);
    }
}

static void
lab_tcp_chart_unmap (GtkWidget *widget)
{
  stop_sampling (LAB_TCP_CHART (widget));
  g_clear_handle_id (&LAB_TCP_CHART (widget)->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (lab_tcp_chart_parent_class)->unmap (widget);
}

static void
lab_tcp_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lab_tcp_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_resize (widget);
}

static void
lab_tcp_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabTcpChart *self = LAB_TCP_CHART (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_tcp_chart_dispose (GObject *object)
{
  LabTcpChart *self = LAB_TCP_CHART (object);

  stop_sampling (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->timeline != NULL)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  g_clear_object (&self->timeline);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_tcp_chart_parent_class)->dispose (object);
}

static void
lab_tcp_chart_finalize (GObject *object)
{
  LabTcpChart *self = LAB_TCP_CHART (object);

  g_hash_table_unref (self->series);
  g_free (self->text);

  G_OBJECT_CLASS (lab_tcp_chart_parent_class)->finalize (object);
}

static void
lab_tcp_chart_class_init (LabTcpChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_tcp_chart_dispose;
  object_class->finalize = lab_tcp_chart_finalize;
  object_class->get_property = lab_tcp_chart_get_property;
  widget_class->snapshot = lab_tcp_chart_snapshot;
  widget_class->measure = lab_tcp_chart_measure;
  widget_class->map = lab_tcp_chart_map;
  widget_class->unmap = lab_tcp_chart_unmap;
  widget_class->css_changed = lab_tcp_chart_css_changed;

  /**
   * LabTcpChart:text:
   *
   * The chart in words: the last values of the connection shown.
   */
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "tcpchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_tcp_chart_init (LabTcpChart *self)
{
  self->series = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chart of the connection’s TCP numbers"), -1);
  update_text (self);
}

/**
 * lab_tcp_chart_new:
 * @session: whose timeline it reads the samples from
 */
GtkWidget *
lab_tcp_chart_new (LabSession *session)
{
  LabTcpChart *self = g_object_new (LAB_TYPE_TCP_CHART, NULL);

  self->session = g_object_ref (session);
  self->timeline = g_object_ref (lab_session_get_timeline (session));
  g_signal_connect_object (self->timeline, "recorded", G_CALLBACK (on_recorded), self, 0);
  return GTK_WIDGET (self);
}
