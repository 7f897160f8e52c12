/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "lab-focus-view.h"

/* What has the keyboard's focus in a scrolled pane comes whole into its
 * view, gliding there, and stays there while the pane settles.
 *
 * The viewport's own scroll-to-focus places the focus by where its child
 * was last laid out, against where the adjustment is going: when the focus
 * moves again before a glide has been laid out (Tab pressed quickly, or a
 * loaded machine), the two disagree and the focus ends part out of sight,
 * with nothing to bring it back. Here the place is measured in the child,
 * which does not move as it scrolls, and measured again at each frame of
 * the glide. */

#define GLIDE_SECONDS 0.06     /* the time constant of the glide */
#define MOST_FRAMES   120      /* a glide that has not arrived by then stops */

typedef struct {
  GtkViewport *viewport;       /* unowned: this lives in its data */
  GtkRoot     *root;
  gulong       focus_handler;
  guint        tick;
  gint64       last_frame;
  guint        frames;
  gboolean     animate;        /* the glide's, read as it starts */
} FocusView;

/* Where @adjustment goes for @start to @end of the child to be in view:
 * the start first, where the focus is larger than the view. */
static double
target_for (GtkAdjustment *adjustment,
            double         start,
            double         end)
{
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double lower = gtk_adjustment_get_lower (adjustment);
  double target = value;

  if (end > value + page + 0.5)
    target = end - page;
  if (start < target - 0.5)
    target = start;

  return CLAMP (target, lower, MAX (lower, gtk_adjustment_get_upper (adjustment) - page));
}

/* Moves @adjustment toward @target, by @share of the way; TRUE when it is
 * there. */
static gboolean
glide (GtkAdjustment *adjustment,
       double         target,
       double         share)
{
  double value = gtk_adjustment_get_value (adjustment);

  if (fabs (target - value) < 0.5)
    return TRUE;
  value += (target - value) * share;
  if (fabs (target - value) < 0.5)
    value = target;
  gtk_adjustment_set_value (adjustment, value);

  return value == target;
}

/* Moves toward the focus by @share of the way; TRUE when it is in view,
 * or when the focus is not in the viewport at all. */
static gboolean
keep_in_view (FocusView *self,
              double     share)
{
  GtkWidget *child = gtk_viewport_get_child (self->viewport);
  GtkWidget *focus = self->root != NULL ? gtk_root_get_focus (self->root) : NULL;
  GtkAdjustment *across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->viewport));
  GtkAdjustment *down = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->viewport));
  graphene_rect_t bounds;
  double left, top;
  gboolean there;

  if (child == NULL || focus == NULL || !gtk_widget_is_ancestor (focus, child))
    return TRUE;
  /* An entry's text has the focus; the entry, frame and all, is shown. */
  if (GTK_IS_TEXT (focus) && gtk_widget_get_parent (focus) != NULL)
    focus = gtk_widget_get_parent (focus);
  if (!gtk_widget_compute_bounds (focus, child, &bounds))
    return TRUE;

  /* The child's coordinates start inside its margins; the adjustments'
   * extent at their edge. */
  left = bounds.origin.x + gtk_widget_get_margin_start (child);
  top = bounds.origin.y + gtk_widget_get_margin_top (child);
  there = glide (across, target_for (across, left, left + bounds.size.width), share);
  there = glide (down, target_for (down, top, top + bounds.size.height), share) && there;

  return there;
}

static gboolean
on_tick (GtkWidget     *viewport,
         GdkFrameClock *clock,
         gpointer       data)
{
  FocusView *self = data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double seconds = self->last_frame > 0 ? (now - self->last_frame) / (double) G_USEC_PER_SEC : 0.016;

  /* Without glides, straight there; measured again at the next frames
   * all the same, as the pane may still be settling. */
  self->last_frame = now;
  if (keep_in_view (self, self->animate ? 1.0 - exp (-seconds / GLIDE_SECONDS) : 1.0) ||
      ++self->frames >= MOST_FRAMES)
    {
      self->tick = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
on_focus_changed (FocusView *self)
{
  self->frames = 0;
  /* Gliding already, or in view: nothing to start. */
  if (self->tick != 0 || keep_in_view (self, 0.0))
    return;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self->viewport)), "gtk-enable-animations", &self->animate, NULL);
  self->last_frame = 0;
  self->tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->viewport), on_tick, self, NULL);
}

static void
on_realize (GtkWidget *viewport,
            FocusView *self)
{
  self->root = gtk_widget_get_root (viewport);
  self->focus_handler = g_signal_connect_swapped (self->root, "notify::focus-widget", G_CALLBACK (on_focus_changed),
                                                  self);
}

static void
on_unrealize (GtkWidget *viewport,
              FocusView *self)
{
  if (self->tick != 0)
    gtk_widget_remove_tick_callback (viewport, self->tick);
  self->tick = 0;
  if (self->root != NULL)
    g_clear_signal_handler (&self->focus_handler, self->root);
  self->root = NULL;
}

/**
 * lab_focus_view_attach:
 * @scroller: a scrolled window whose child is in a #GtkViewport
 *
 * Keeps the widget with the focus in @scroller's view, in place of the
 * viewport's own scroll-to-focus.
 */
void
lab_focus_view_attach (GtkScrolledWindow *scroller)
{
  GtkWidget *viewport = gtk_scrolled_window_get_child (scroller);
  FocusView *self;

  g_return_if_fail (GTK_IS_VIEWPORT (viewport));

  gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), FALSE);
  self = g_new0 (FocusView, 1);
  self->viewport = GTK_VIEWPORT (viewport);
  g_object_set_data_full (G_OBJECT (viewport), "lab-focus-view", self, g_free);
  g_signal_connect (viewport, "realize", G_CALLBACK (on_realize), self);
  g_signal_connect (viewport, "unrealize", G_CALLBACK (on_unrealize), self);
  if (gtk_widget_get_realized (viewport))
    on_realize (viewport, self);
}
