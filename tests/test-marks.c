/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lab-colours.h"
#include "lab-endpoint-panel.h"
#include "lab-lessons.h"
#include "lab-locale.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"

/* Every lesson's endpoints, as the window shows them: each its own shape,
 * in a colour that stays apart from the others' for a viewer with normal
 * sight and for one with deuteranopia or protanopia; and each its whole
 * name, in English and in Spanish. */

/* CIEDE2000 differences: about 2 is just seen side by side; 20 is two
 * colours named apart. Under a simulated dichromacy the differences left
 * are of lightness and of blue against yellow, so the floor is lower. */
#define MIN_DISTANCE_SEEN      18.0
#define MIN_DISTANCE_DICHROMAT 12.0
/* Sixteen on one bench cannot stay so far apart: they stay told apart,
 * their shapes doing the rest. */
#define MIN_DISTANCE_BENCH     4.0

typedef struct { double l, a, b; } Lab;

typedef enum {
  SIGHT_NORMAL,
  SIGHT_DEUTERANOPIA,
  SIGHT_PROTANOPIA,
  N_SIGHTS
} Sight;

static const char *sight_names[N_SIGHTS] = { "normal", "deuteranopia", "protanopia" };

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

/* sRGB as a viewer sees it: dichromacies by Machado, Oliveira and Fernandes
 * (2009), at full severity, on linear light. */
static void
simulate (const GdkRGBA *rgba,
          Sight          sight,
          double         out[3])
{
  static const double matrices[N_SIGHTS][3][3] = {
    { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
    { { 0.367322, 0.860646, -0.227968 }, { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } },
    { { 0.152286, 1.052583, -0.204868 }, { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } },
  };
  double in[3] = { linear (rgba->red), linear (rgba->green), linear (rgba->blue) };

  for (guint i = 0; i < 3; i++)
    out[i] = CLAMP (matrices[sight][i][0] * in[0] + matrices[sight][i][1] * in[1] + matrices[sight][i][2] * in[2],
                    0.0, 1.0);
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

/* Linear sRGB to CIELAB, D65. */
static Lab
to_lab (const double rgb[3])
{
  double x = 0.4124564 * rgb[0] + 0.3575761 * rgb[1] + 0.1804375 * rgb[2];
  double y = 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.0721750 * rgb[2];
  double z = 0.0193339 * rgb[0] + 0.1191920 * rgb[1] + 0.9503041 * rgb[2];
  double fx = lab_f (x / 0.95047), fy = lab_f (y), fz = lab_f (z / 1.08883);

  return (Lab) { 116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz) };
}

static double
radians (double degrees)
{
  return degrees * G_PI / 180.0;
}

static double
hue (double b,
     double a)
{
  double h;

  if (a == 0 && b == 0)
    return 0;
  h = atan2 (b, a) * 180.0 / G_PI;
  return h < 0 ? h + 360.0 : h;
}

/* CIEDE2000 (Sharma, Wu and Dalal's formulation). */
static double
ciede2000 (Lab one,
           Lab two)
{
  double c1 = hypot (one.a, one.b), c2 = hypot (two.a, two.b);
  double c_mean7 = pow ((c1 + c2) / 2.0, 7);
  double g = 0.5 * (1.0 - sqrt (c_mean7 / (c_mean7 + pow (25.0, 7))));
  double a1 = (1.0 + g) * one.a, a2 = (1.0 + g) * two.a;
  double c1p = hypot (a1, one.b), c2p = hypot (a2, two.b);
  double h1p = hue (one.b, a1), h2p = hue (two.b, a2);
  double dl = two.l - one.l, dc = c2p - c1p, dh = 0, h_mean;
  double l_mean = (one.l + two.l) / 2.0, c_mean = (c1p + c2p) / 2.0;
  double t, sl, sc, sh, rt, c_mean_p7;

  if (c1p * c2p != 0)
    {
      dh = h2p - h1p;
      if (dh > 180)
        dh -= 360;
      else if (dh < -180)
        dh += 360;
    }
  dh = 2.0 * sqrt (c1p * c2p) * sin (radians (dh / 2.0));

  if (c1p * c2p == 0)
    h_mean = h1p + h2p;
  else if (fabs (h1p - h2p) <= 180)
    h_mean = (h1p + h2p) / 2.0;
  else
    h_mean = (h1p + h2p + (h1p + h2p < 360 ? 360.0 : -360.0)) / 2.0;

  t = 1.0 - 0.17 * cos (radians (h_mean - 30)) + 0.24 * cos (radians (2 * h_mean)) +
      0.32 * cos (radians (3 * h_mean + 6)) - 0.20 * cos (radians (4 * h_mean - 63));
  c_mean_p7 = pow (c_mean, 7);
  sl = 1.0 + 0.015 * (l_mean - 50) * (l_mean - 50) / sqrt (20 + (l_mean - 50) * (l_mean - 50));
  sc = 1.0 + 0.045 * c_mean;
  sh = 1.0 + 0.015 * c_mean * t;
  rt = -sin (radians (60.0 * exp (-pow ((h_mean - 275) / 25.0, 2)))) * 2.0 * sqrt (c_mean_p7 / (c_mean_p7 + pow (25.0, 7)));

  return sqrt (pow (dl / sl, 2) + pow (dc / sc, 2) + pow (dh / sh, 2) + rt * (dc / sc) * (dh / sh));
}

static double
distance (const GdkRGBA *one,
          const GdkRGBA *two,
          Sight          sight)
{
  double a[3], b[3];

  simulate (one, sight, a);
  simulate (two, sight, b);
  return ciede2000 (to_lab (a), to_lab (b));
}

/* The formula, against pairs from Sharma, Wu and Dalal's table. */
static void
test_marks_ciede2000 (void)
{
  static const struct { Lab one, two; double expected; } pairs[] = {
    { { 50.0, 2.6772, -79.7751 }, { 50.0, 0.0, -82.7485 }, 2.0425 },
    { { 50.0, 2.5, 0.0 }, { 73.0, 25.0, -18.0 }, 27.1492 },
    { { 50.0, 2.5, 0.0 }, { 50.0, 3.2592, 0.3350 }, 1.0 },
    { { 60.2574, -34.0099, 36.2677 }, { 60.4626, -34.1751, 39.4387 }, 1.2644 },
    { { 22.7233, 20.0904, -46.6940 }, { 23.0331, 14.9730, -42.5619 }, 2.0373 },
    { { 90.9257, -0.5406, -0.9208 }, { 88.6381, -0.8985, -0.7239 }, 1.5381 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    g_assert_cmpfloat_with_epsilon (ciede2000 (pairs[i].one, pairs[i].two), pairs[i].expected, 1e-4);
}

/* The sixteen of a full bench: shapes all different, colours all told
 * apart, for every sight. */
static void
test_marks_bench (void)
{
  g_autoptr(GHashTable) symbols = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < LAB_N_COLOURS; i++)
    {
      GdkRGBA one;

      g_assert_false (g_hash_table_contains (symbols, lab_colour_symbol (i)));
      g_hash_table_add (symbols, (gpointer) lab_colour_symbol (i));
      lab_colour_get_rgba (i, &one);
      for (guint j = i + 1; j < LAB_N_COLOURS; j++)
        {
          GdkRGBA two;

          lab_colour_get_rgba (j, &two);
          for (Sight sight = 0; sight < N_SIGHTS; sight++)
            g_assert_cmpfloat (distance (&one, &two, sight), >=, MIN_DISTANCE_BENCH);
        }
    }
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0 || lab_endpoint_get_error (data) != NULL;
}

static gboolean
is_server (LabEndpoint *endpoint)
{
  LabEndpointKind kind = lab_endpoint_config_get_kind (lab_endpoint_get_config (endpoint));

  return kind == LAB_ENDPOINT_TCP_SERVER || kind == LAB_ENDPOINT_UDP_SERVER;
}

/* Each endpoint of the bench run once on loopback, for rows of its own in
 * the timeline: the servers on ports the kernel gives, the clients sent
 * to their server's, or to @refusing when the lesson has none for them. */
static void
run_bench (LabSession *session,
           guint16     refusing)
{
  GListModel *endpoints = lab_session_get_endpoints (session);
  guint n = g_list_model_get_n_items (endpoints);
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEndpoint) server = g_list_model_get_item (endpoints, i);
      guint port;

      if (!is_server (server))
        continue;
      g_object_get (lab_endpoint_get_config (server), "port", &port, NULL);
      g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
      g_assert_true (lab_endpoint_start (server, NULL));
      lab_test_ui_wait (has_port, server, 10000);
      g_hash_table_insert (ports, GUINT_TO_POINTER (port), GUINT_TO_POINTER (lab_endpoint_get_port (server)));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEndpoint) client = g_list_model_get_item (endpoints, i);
      guint port, given;

      if (is_server (client))
        continue;
      g_object_get (lab_endpoint_get_config (client), "port", &port, NULL);
      given = GPOINTER_TO_UINT (g_hash_table_lookup (ports, GUINT_TO_POINTER (port)));
      g_object_set (lab_endpoint_get_config (client), "port", given != 0 ? given : refusing, NULL);
      g_assert_true (lab_endpoint_start (client, NULL));
    }
  lab_timeline_flush (lab_session_get_timeline (session));
}

/* The position of @endpoint's first row, or G_MAXUINT. */
static guint
find_event (GListModel  *rows,
            LabEndpoint *endpoint)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(LabEvent) event = g_list_model_get_item (rows, i);

      if (lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint))
        return i;
    }
  return G_MAXUINT;
}

typedef struct {
  GListModel  *rows;
  LabEndpoint *endpoint;
} Finding;

static gboolean
has_row (gpointer data)
{
  Finding *finding = data;

  return find_event (finding->rows, finding->endpoint) != G_MAXUINT;
}

/* The mark shown beside each endpoint cell of the timeline that names
 * @endpoint: counted in @n_seen, and it must be @endpoint's. */
static void
check_rows (GtkWidget   *root,
            LabEndpoint *endpoint,
            guint       *n_seen)
{
  GtkWidget *first = gtk_widget_get_first_child (root);

  if (GTK_IS_BOX (root) && first != NULL && gtk_widget_has_css_class (first, "endpoint-mark"))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (root)));
      g_autofree char *prefix = g_strdup_printf ("%s · ", lab_endpoint_get_name (endpoint));

      if (gtk_widget_get_mapped (first) && g_str_has_prefix (text, prefix))
        {
          guint mark = lab_endpoint_get_mark (endpoint);

          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (first)), ==, lab_colour_symbol (mark));
          g_assert_true (gtk_widget_has_css_class (first, lab_colour_class (mark)));
          (*n_seen)++;
        }
      return;
    }

  for (GtkWidget *child = first; child != NULL; child = gtk_widget_get_next_sibling (child))
    check_rows (child, endpoint, n_seen);
}

typedef struct {
  GtkWidget   *view;
  LabEndpoint *endpoint;
} Marked;

/* Whether the view shows rows of the endpoint, each with its mark. */
static gboolean
shows_marked_rows (gpointer data)
{
  Marked *m = data;
  guint n_seen = 0;

  check_rows (m->view, m->endpoint, &n_seen);
  return n_seen > 0;
}

/* The colour a mark is drawn in, as the style sheets give it. */
static void
drawn_colour (GtkWidget *widget,
              GdkRGBA   *rgba)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), rgba);
G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
check_lesson (LabWindow  *window,
              const char *id,
              gboolean    with_rows,
              guint16     refusing,
              double      minimum[N_SIGHTS])
{
  LabSession *session = lab_window_get_session (window);
  GListModel *endpoints = lab_session_get_endpoints (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) lesson = lab_lessons_load (id, &error);
  g_autoptr(GHashTable) symbols = g_hash_table_new (g_str_hash, g_str_equal);
  GdkRGBA colours[LAB_N_COLOURS];
  GtkDropDown *menu;
  guint n;

  g_assert_no_error (error);
  lab_session_load (session, lesson);
  n = g_list_model_get_n_items (endpoints);
  g_assert_cmpuint (n, >, 0);
  lab_test_ui_wait_drawn (GTK_WIDGET (window));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      GtkWidget *panel = lab_window_get_panel (window, endpoint);
      GtkWidget *mark = GTK_WIDGET (gtk_widget_get_template_child (panel, LAB_TYPE_ENDPOINT_PANEL, "mark_label"));
      GtkLabel *name = GTK_LABEL (gtk_widget_get_template_child (panel, LAB_TYPE_ENDPOINT_PANEL, "name_label"));
      PangoLayout *layout = gtk_label_get_layout (name);
      const char *symbol = gtk_label_get_text (GTK_LABEL (mark));
      int width, height;

      g_test_message ("%s: %s %s", id, symbol, lab_endpoint_get_name (endpoint));
      g_assert_true (gtk_widget_get_mapped (mark));
      g_assert_cmpstr (symbol, ==, lab_colour_symbol (lab_endpoint_get_mark (endpoint)));
      g_assert_false (g_hash_table_contains (symbols, symbol));
      g_hash_table_add (symbols, (gpointer) symbol);
      drawn_colour (mark, &colours[i]);
      {
        GdkRGBA expected;

        lab_colour_get_rgba (lab_endpoint_get_mark (endpoint), &expected);
        g_assert_true (gdk_rgba_equal (&colours[i], &expected));
      }

      /* The whole name, none of it cut, and room for all of it. */
      g_assert_cmpstr (gtk_label_get_text (name), ==, lab_endpoint_get_name (endpoint));
      g_assert_false (pango_layout_is_ellipsized (layout));
      pango_layout_get_pixel_size (layout, &width, &height);
      g_assert_cmpint (width, <=, gtk_widget_get_width (GTK_WIDGET (name)));
      g_assert_cmpint (height, <=, gtk_widget_get_height (GTK_WIDGET (name)));
    }

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      for (Sight sight = 0; sight < N_SIGHTS; sight++)
        {
          double d = distance (&colours[i], &colours[j], sight);

          minimum[sight] = MIN (minimum[sight], d);
          g_assert_cmpfloat (d, >=, sight == SIGHT_NORMAL ? MIN_DISTANCE_SEEN : MIN_DISTANCE_DICHROMAT);
        }

  if (!with_rows)
    return;

  /* Each endpoint's rows in the timeline bear its mark: its own, picked
   * in the timeline's menu of endpoints, as a class would look at them. */
  run_bench (session, refusing);
  menu = GTK_DROP_DOWN (gtk_widget_get_template_child (lab_window_get_timeline_view (window), LAB_TYPE_TIMELINE_VIEW,
                                                       "endpoint_dropdown"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, i);
      GtkWidget *view = lab_window_get_timeline_view (window);
      Finding finding = { G_LIST_MODEL (lab_session_get_timeline (session)), endpoint };
      guint n_seen = 0;

      Marked marked = { view, endpoint };

      lab_test_ui_wait (has_row, &finding, 10000);
      gtk_drop_down_set_selected (menu, i + 1);
      /* A bench of thousands of rows is filtered in turns of the main
       * loop, not in one frame */
      lab_test_ui_wait (shows_marked_rows, &marked, 10000);
      check_rows (view, endpoint, &n_seen);
      g_assert_cmpuint (n_seen, >, 0);
    }
  gtk_drop_down_set_selected (menu, 0);
  lab_session_stop_all (session);
}

static void
check_lessons (const char *language,
               gboolean    with_rows)
{
  LabApplication *app = lab_test_ui_application ();
  g_auto(GStrv) ids = lab_lessons_list ();
  double minimum[N_SIGHTS] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  guint16 refusing;
  int fd = lab_test_bind_port (SOCK_STREAM, &refusing);
  LabWindow *window;

  lab_locale_set_language (language);
  window = g_object_ref (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app)));
  lab_test_ui_present (GTK_WINDOW (window));

  /* One after the other in the same window, as a class goes through them:
   * the endpoints' numbers grow, their marks start again. */
  g_assert_cmpuint (g_strv_length (ids), >, 0);
  for (guint i = 0; ids[i] != NULL; i++)
    check_lesson (window, ids[i], with_rows, refusing, minimum);
  for (Sight sight = 0; sight < N_SIGHTS; sight++)
    g_test_message ("least distance, %s: %.1f", sight_names[sight], minimum[sight]);

  {
    g_autoptr(LabExperiment) empty = lab_experiment_new ();

    lab_session_load (lab_window_get_session (window), empty);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  close (fd);
  lab_locale_set_language ("");
}

static void
test_marks_lessons (void)
{
  check_lessons ("en", TRUE);
}

/* Spanish names are longer: “Servidor sin SO_REUSEADDR” and “Servidor con
 * SO_REUSEADDR” differ in their last words. */
static void
test_marks_lessons_spanish (void)
{
  check_lessons ("es", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/marks/ciede2000", test_marks_ciede2000);
  g_test_add_func ("/marks/bench", test_marks_bench);
  g_test_add_func ("/marks/lessons", test_marks_lessons);
  g_test_add_func ("/marks/lessons-spanish", test_marks_lessons_spanish);

  return g_test_run ();
}
