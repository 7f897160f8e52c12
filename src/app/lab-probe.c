/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "lab-probe.h"
#include "lab-session.h"
#include "lab-timeline.h"
#include "lab-window.h"

/* How the window keeps up, written for the window benchmark (bench/window)
 * to a file named by PROTOLAB_PROBE, one line a fact, times on the
 * monotonic clock in microseconds:
 *   ready                        the first window is drawn
 *   tab NAME X Y                 where the inspector's tab NAME is on screen
 *   late T US                    a 10 ms timer on the main context fired US late
 *   shown T NAME                 the inspector's page NAME was first drawn
 *   newest T US                  a frame drew the newest rows, US after
 *                                their newest event was made
 * Nothing of it shows, and without PROTOLAB_PROBE none of it runs. */

#define TICK_US 10000

typedef struct {
  FILE       *out;
  GtkWidget  *window;
  GtkStack   *stack;
  gint64      last_tick;
  gboolean    told_tabs;
  gboolean    page_changed;
  /* The newest event recorded and not yet drawn, on the monotonic clock */
  gint64      newest_us;
  gint64      origin_us;   /* when the timeline's clock reads 0, on the monotonic clock */
} Probe;

static Probe probe;

static gboolean
on_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  /* A timeout is due its interval after it last ran. */
  if (probe.last_tick != 0)
    fprintf (probe.out, "late %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", now,
             MAX (0, now - probe.last_tick - TICK_US));
  probe.last_tick = now;
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
find_switcher (GtkWidget *root)
{
  if (GTK_IS_STACK_SWITCHER (root) && gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (root)) == probe.stack)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_switcher (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The tabs' centres on the screen: the window is where the benchmark's
 * screen, with no window manager, put it (0, 0). */
static void
tell_tabs (void)
{
  GtkWidget *switcher = find_switcher (probe.window);
  g_autoptr(GtkSelectionModel) pages = gtk_stack_get_pages (probe.stack);
  double sx, sy;
  guint i = 0;

  if (switcher == NULL)
    return;
  gtk_native_get_surface_transform (GTK_NATIVE (probe.window), &sx, &sy);
  for (GtkWidget *button = gtk_widget_get_first_child (switcher); button != NULL;
       button = gtk_widget_get_next_sibling (button), i++)
    {
      g_autoptr(GObject) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      graphene_point_t at;

      if (page == NULL ||
          !gtk_widget_compute_point (button, probe.window,
                                     &GRAPHENE_POINT_INIT (gtk_widget_get_width (button) / 2.f,
                                                           gtk_widget_get_height (button) / 2.f),
                                     &at))
        continue;
      fprintf (probe.out, "tab %s %d %d\n", gtk_stack_page_get_name (GTK_STACK_PAGE (page)), (int) (at.x + sx), (int) (at.y + sy));
    }
  probe.told_tabs = TRUE;
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (!probe.told_tabs)
    {
      tell_tabs ();
      fprintf (probe.out, "ready\n");
    }
  if (probe.page_changed)
    {
      fprintf (probe.out, "shown %" G_GINT64_FORMAT " %s\n", now, gtk_stack_get_visible_child_name (probe.stack));
      probe.page_changed = FALSE;
    }
  if (probe.newest_us != 0)
    {
      fprintf (probe.out, "newest %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", now, now - probe.newest_us);
      probe.newest_us = 0;
    }
  fflush (probe.out);
}

static void
on_page_changed (GtkStack   *stack,
                 GParamSpec *pspec,
                 gpointer    data)
{
  probe.page_changed = TRUE;
  gtk_widget_queue_draw (data);
}

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             gpointer          data)
{
  gint64 newest = 0;

  for (guint i = 0; i < n_entries; i++)
    if (!entries[i].end)
      newest = MAX (newest, lab_record_get_begin_time (entries[i].record));
  if (newest > 0)
    probe.newest_us = MAX (probe.newest_us, probe.origin_us + newest);
}

static void
on_realize (GtkWidget *window,
            gpointer   data)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint),
                           window, 0);
}

/**
 * lab_probe_watch:
 * @window: the lab's first window
 *
 * Starts the probe if PROTOLAB_PROBE names a file to write it to. It
 * watches that window while it lasts.
 */
void
lab_probe_watch (GtkWidget *window)
{
  const char *path = g_getenv ("PROTOLAB_PROBE");
  LabTimeline *timeline;

  if (path == NULL || probe.out != NULL || !LAB_IS_WINDOW (window))
    return;
  probe.out = fopen (path, "w");
  if (probe.out == NULL)
    {
      /* Translators: the first %s is a file's name, the second why it could not be written. */
      g_printerr (_("Could not write the probe to %s: %s\n"), path, g_strerror (errno));
      return;
    }

  probe.window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &probe.window);
  probe.stack = GTK_STACK (gtk_widget_get_template_child (window, LAB_TYPE_WINDOW, "inspector_stack"));
  timeline = lab_session_get_timeline (lab_window_get_session (LAB_WINDOW (window)));
  probe.origin_us = lab_timeline_get_clock_start (timeline);

  g_signal_connect_object (probe.stack, "notify::visible-child", G_CALLBACK (on_page_changed), window, 0);
  g_signal_connect_object (timeline, "recorded", G_CALLBACK (on_recorded), window, 0);
  if (gtk_widget_get_realized (window))
    on_realize (window, NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (on_realize), NULL);
  g_timeout_add_full (G_PRIORITY_DEFAULT, TICK_US / 1000, on_tick, NULL, NULL);
}
