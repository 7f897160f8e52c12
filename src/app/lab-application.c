/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-colours.h"
#include "lab-locale.h"
#include "lab-probe.h"
#include "lab-window.h"

#define ZOOM_MIN  0.75
#define ZOOM_MAX  3.0
#define ZOOM_STEP 0.25

struct _LabApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  int             base_dpi;
  char           *base_theme;
  LabSession     *session;
};

G_DEFINE_FINAL_TYPE (LabApplication, lab_application, GTK_TYPE_APPLICATION)

LabApplication *
lab_application_new (void)
{
  return g_object_new (LAB_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * lab_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
lab_application_get_settings (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * lab_application_get_session:
 *
 * Returns: (transfer none): the bench: the endpoints and their timeline,
 *   which outlive any window
 */
LabSession *
lab_application_get_session (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);

  return self->session;
}

/* The setting that holds the zoom of the moment: presentation mode has its
 * own. */
static const char *
zoom_key (LabApplication *self)
{
  return g_settings_get_boolean (self->settings, "presentation") ? "presentation-zoom" : "zoom";
}

/* The zoom scales the font resolution, not a CSS font size: every text in
 * every window, popover and dialog grows with it, including text that the
 * theme sizes in points (titles, headings) and text drawn with Pango. */
/* The height of the tallest screen, in pixels; 1080 when none is known. */
static int
screen_lines (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  GListModel *monitors = display != NULL ? gdk_display_get_monitors (display) : NULL;
  int lines = 0;

  for (guint i = 0; monitors != NULL && i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      lines = MAX (lines, geometry.height);
    }
  return lines > 0 ? lines : 1080;
}

static void
lab_application_update_zoom (LabApplication *self)
{
  double zoom = g_settings_get_double (self->settings, zoom_key (self));

  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  /* Presentation's zoom is for a projector of 1080 lines: one of fewer
   * lines throws the same picture on the wall, and shows the same window
   * at the same size there, its text as large to the class. */
  if (g_settings_get_boolean (self->settings, "presentation"))
    zoom = MAX (1.0, zoom * MIN (1.0, screen_lines () / 1080.0));
  g_object_set (gtk_settings_get_default (),
                "gtk-xft-dpi", (int) (self->base_dpi * zoom + 0.5),
                NULL);
}

/* Presentation mode draws with the high-contrast theme; dark or light as
 * asked, both readable. */
static void
lab_application_update_style (LabApplication *self)
{
  gboolean presentation = g_settings_get_boolean (self->settings, "presentation");
  gboolean dark = g_settings_get_boolean (self->settings, "dark-style");

  /* The theme's dark variant follows the preference: HighContrast's is
   * HighContrastInverse. */
  g_object_set (gtk_settings_get_default (),
                "gtk-theme-name", presentation ? "HighContrast" : self->base_theme,
                "gtk-application-prefer-dark-theme", dark,
                NULL);
}

static void
on_look_changed (LabApplication *self)
{
  lab_application_update_zoom (self);
  lab_application_update_style (self);
}

/* Windows are made again in the new language; the session, with its
 * endpoints running and its timeline, stays. */
static void
on_language_changed (LabApplication *self)
{
  g_autofree char *language = g_settings_get_string (self->settings, "language");
  g_autoptr(GList) windows = NULL;

  lab_locale_set_language (language);

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    if (LAB_IS_WINDOW (l->data))
      {
        LabWindow *replacement = lab_window_new (GTK_APPLICATION (self), self->session);

        lab_window_take_state (replacement, l->data);
        gtk_window_present (GTK_WINDOW (replacement));
        gtk_window_destroy (l->data);
      }
}

static void
lab_application_about (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  LabApplication *self = user_data;
  static const char *developers[] = { "The Protolab developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "program-name", PACKAGE_NAME,
                         "logo-icon-name", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Build TCP and UDP servers and clients, run them on real sockets "
                                       "and watch every call they make."),
                         "website", PACKAGE_WEBSITE,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
lab_application_quit (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LabApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  GList *left;

  /* Each lab window is closed as its close button closes it: one with
   * work to lose asks first, and stays if told to. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (LAB_IS_WINDOW (l->data))
      gtk_window_close (l->data);

  /* None stayed: nothing else keeps the lab open. Destroying a window
   * removes it from the list, so always take the first. */
  for (left = gtk_application_get_windows (GTK_APPLICATION (self)); left != NULL; left = left->next)
    if (LAB_IS_WINDOW (left->data))
      return;
  while ((left = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (left->data);
}

/* Zoom in, out, or (zoom-reset) back to 100 %, in the zoom of the moment. */
static void
lab_application_zoom (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LabApplication *self = user_data;
  const char *name = zoom_key (self);
  const char *action_name = g_action_get_name (G_ACTION (action));
  double step = g_str_equal (action_name, "zoom-in") ? ZOOM_STEP : -ZOOM_STEP;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  double zoom;

  if (g_str_equal (action_name, "zoom-reset"))
    {
      g_settings_reset (self->settings, name);
      return;
    }

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, name);

  zoom = g_settings_get_double (self->settings, name) + step;
  /* Snap to the steps, so that 100 % is always reachable again. */
  zoom = ZOOM_STEP * (int) (zoom / ZOOM_STEP + 0.5);

  if (g_settings_schema_key_range_check (key, g_variant_new_double (zoom)))
    g_settings_set_double (self->settings, name, zoom);
  else if (gtk_application_get_active_window (GTK_APPLICATION (self)) != NULL)
    gtk_widget_error_bell (GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static const GActionEntry app_actions[] = {
  { "about", lab_application_about },
  { "quit", lab_application_quit },
  { "zoom-in", lab_application_zoom },
  { "zoom-out", lab_application_zoom },
  { "zoom-reset", lab_application_zoom },
};

/* The keyboard shortcuts of the lab's actions, the window's among them: the
 * Shortcuts window reads them here. */
static const struct {
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.presentation", { "F11", NULL } },
  { "app.quit", { "<Control>q", NULL } },
  { "app.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "app.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "app.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.play", { "<Control>p", NULL } },
  { "win.lessons", { "<Control>l", NULL } },
  { "win.show-link", { "<Control><Shift>l", NULL } },
  { "win.step-mode", { "F9", NULL } },
  /* F10, GTK's key for the main menu, is step mode's Step. */
  { "win.main-menu", { "<Control>F10", NULL } },
  { "win.add-endpoint::tcp-server", { "<Control><Shift>s", NULL } },
  { "win.add-endpoint::tcp-client", { "<Control><Shift>c", NULL } },
  { "win.add-endpoint::udp-server", { "<Control><Shift>u", NULL } },
  { "win.add-endpoint::udp-client", { "<Control><Shift>d", NULL } },
  { "win.add-endpoint::ping", { "<Control><Shift>i", NULL } },
};

static void
lab_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lab_window_new (GTK_APPLICATION (app), LAB_APPLICATION (app)->session));

  gtk_window_present (window);
  lab_probe_watch (GTK_WIDGET (window));
}

/* protolab FILE: the experiment in a window (the last file named wins). */
static void
lab_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  GtkWindow *window;

  lab_application_activate (app);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (LAB_IS_WINDOW (window) && n_files > 0)
    lab_window_open_file_async (LAB_WINDOW (window), files[n_files - 1], NULL, NULL);
}

static void
lab_application_startup (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);
  static const char *settings_actions[] = { "presentation", "dark-style", "language" };

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  /* The endpoints' threads give way to the window's when the processor is
   * short: a flood on two cores left the main thread runnable and waiting
   * for seconds, the window frozen. */
  lab_session_set_thread_niceness (10);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, settings_actions[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  /* GtkApplication loads no style sheet of its own: the lab's is added here. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* The marks' colours, from their table (lab-colours.c). */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    g_autofree char *colours = lab_colours_dup_css ();

    gtk_css_provider_load_from_data (css, colours, -1);
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_object_get (gtk_settings_get_default (),
                "gtk-xft-dpi", &self->base_dpi,
                "gtk-theme-name", &self->base_theme,
                NULL);
  if (self->base_dpi <= 0)
    self->base_dpi = 96 * 1024;
  g_signal_connect_object (self->settings, "changed::zoom", G_CALLBACK (on_look_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::presentation-zoom", G_CALLBACK (on_look_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::presentation", G_CALLBACK (on_look_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::dark-style", G_CALLBACK (on_look_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::language", G_CALLBACK (on_language_changed),
                           self, G_CONNECT_SWAPPED);
  on_look_changed (self);
}

static void
lab_application_shutdown (GApplication *app)
{
  /* Every endpoint stops with the lab: its sockets are closed. */
  lab_session_stop_all (LAB_APPLICATION (app)->session);

  G_APPLICATION_CLASS (lab_application_parent_class)->shutdown (app);
}

static void
lab_application_dispose (GObject *object)
{
  LabApplication *self = LAB_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->base_theme, g_free);

  G_OBJECT_CLASS (lab_application_parent_class)->dispose (object);
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lab_application_dispose;

  app_class->activate = lab_application_activate;
  app_class->open = lab_application_open;
  app_class->startup = lab_application_startup;
  app_class->shutdown = lab_application_shutdown;
}

static void
lab_application_init (LabApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  self->session = lab_session_new ();
  /* Under a flood, the window draws and takes clicks before it gathers
   * more of the flood. */
  lab_timeline_share_main_context (lab_session_get_timeline (self->session), GDK_PRIORITY_REDRAW + 10);
}
