/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-bytes-view.h"
#include "lab-code-view.h"
#include "lab-endpoint-panel.h"
#include "lab-event-details.h"
#include "lab-export.h"
#include "lab-lessons.h"
#include "lab-state-diagram.h"
#include "lab-step-bar.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The lab: the bench of endpoint panels side by side above, the timeline
 * below, and beside it what is chosen: a row's details, a connection's
 * bytes, its TCP states. The window only reads: the endpoints and their
 * timeline belong to the application's session, and outlive it. */

struct _LabWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  LabSession           *session;
  LabTimelineView      *timeline_view;
  LabStepBar           *step_bar;
  LabEndpointPanel     *current_panel;
  guint                 scroll_idle;

  GtkPaned             *outer_paned;     /* the window's child, so not bound */
  GFile                *file;            /* the experiment's, once opened or saved */
  guint64               shown_connection; /* the one in the bytes view, to export */
  char                 *export_kind;
  gboolean              export_incomplete;
  GtkNativeDialog      *chooser;

  /* Template widgets (none a direct child of the window: GTK 4.8 would
   * unparent them twice on dispose) */
  GtkStack             *bench_stack;
  GtkBox               *bench_box;
  GtkScrolledWindow    *bench_scroller;
  GtkBox               *timeline_slot;
  GtkBox               *inspector_box;
  GtkPaned             *main_paned;
  GtkWidget            *breakpoints_button;
  gboolean              presenting;
  gboolean              placed;
  GtkStack             *inspector_stack;
  GtkRevealer          *lesson_revealer;
  GtkScrolledWindow    *lesson_scroller;
  GtkLabel             *lesson_title;
  GtkLabel             *lesson_notes;
  GtkLabel             *lesson_steps;
  GMenu                *lessons_section;
  GMenu                *recent_section;
  LabEventDetails      *details;
  LabBytesView         *bytes_view;
  LabStateDiagram      *state_diagram;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * lab_window_new:
 * @session: the bench the window shows, which outlives it
 */
LabWindow *
lab_window_new (GtkApplication *application,
                LabSession     *session)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (LAB_IS_SESSION (session), NULL);

  return g_object_new (LAB_TYPE_WINDOW,
                       "application", application,
                       "session", session,
                       NULL);
}

/**
 * lab_window_get_session:
 *
 * Returns: (transfer none): the session the window shows
 */
LabSession *
lab_window_get_session (LabWindow *self)
{
  return self->session;
}

/**
 * lab_window_get_timeline_view:
 *
 * Returns: (transfer none): the timeline
 */
GtkWidget *
lab_window_get_timeline_view (LabWindow *self)
{
  return GTK_WIDGET (self->timeline_view);
}

/**
 * lab_window_get_panel:
 *
 * Returns: (transfer none) (nullable): the panel of @endpoint
 */
GtkWidget *
lab_window_get_panel (LabWindow   *self,
                      LabEndpoint *endpoint)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->bench_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (lab_endpoint_panel_get_endpoint (LAB_ENDPOINT_PANEL (child)) == endpoint)
      return child;

  return NULL;
}

GtkWidget *
lab_window_get_bytes_view (LabWindow *self)
{
  return GTK_WIDGET (self->bytes_view);
}

GtkWidget *
lab_window_get_step_bar (LabWindow *self)
{
  return GTK_WIDGET (self->step_bar);
}

/* ---- What the inspector shows ---- */

static void
show_connection (LabWindow        *self,
                 LabEndpointPanel *panel)
{
  LabEndpoint *endpoint = panel != NULL ? lab_endpoint_panel_get_endpoint (panel) : NULL;
  LabConnection *connection = panel != NULL ? lab_endpoint_panel_get_connection (panel) : NULL;

  self->current_panel = panel;
  self->shown_connection = connection != NULL ? lab_connection_get_id (connection) : 0;
  lab_bytes_view_set_connection (self->bytes_view, endpoint, connection);

  /* A server's framing is how its bytes read best. */
  if (endpoint != NULL)
    {
      LabFraming framing = LAB_FRAMING_RAW;

      if (lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint)))
        g_object_get (lab_endpoint_get_config (endpoint), "framing", &framing, NULL);
      lab_bytes_view_set_framing (self->bytes_view, framing);
    }
  lab_state_diagram_set_source (self->state_diagram,
                                endpoint != NULL && lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint))
                                ? endpoint : NULL,
                                endpoint != NULL && lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint))
                                ? connection : NULL);
}

static void
on_panel_connection (LabEndpointPanel *panel,
                     GParamSpec       *pspec,
                     LabWindow        *self)
{
  show_connection (self, panel);
}

static void
on_timeline_selected (LabWindow *self)
{
  LabEvent *event = lab_timeline_view_get_selected (self->timeline_view);

  lab_event_details_set_event (self->details, event);
  if (event == NULL)
    return;

  /* A row of a connection shows that connection beside it. */
  {
    LabEndpoint *endpoint = lab_session_find (self->session, lab_event_get_endpoint_id (event));
    GtkWidget *panel = endpoint != NULL ? lab_window_get_panel (self, endpoint) : NULL;

    if (panel != NULL && lab_event_get_connection (event) != 0)
      {
        LabConnection *connection = lab_endpoint_find_connection (endpoint, lab_event_get_connection (event));

        if (connection != NULL)
          {
            self->shown_connection = lab_connection_get_id (connection);
            lab_bytes_view_set_connection (self->bytes_view, endpoint, connection);
            if (lab_endpoint_config_is_tcp (lab_endpoint_get_config (endpoint)))
              lab_state_diagram_set_source (self->state_diagram, endpoint, connection);
          }
      }
  }
}

/* ---- The bench ---- */

static void update_play_action (LabWindow *self);

static void
update_bench_page (LabWindow *self)
{
  guint n = g_list_model_get_n_items (lab_session_get_endpoints (self->session));

  gtk_stack_set_visible_child_name (self->bench_stack, n > 0 ? "bench" : "empty");
  update_play_action (self);
}

static void
on_endpoints_changed (GListModel *endpoints,
                      guint       position,
                      guint       removed,
                      guint       added,
                      LabWindow  *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->bench_box));
  GtkWidget *before = NULL;

  /* The panels follow the model, position for position. */
  for (guint i = 0; i < position && child != NULL; i++)
    {
      before = child;
      child = gtk_widget_get_next_sibling (child);
    }

  for (guint i = 0; i < removed && child != NULL; i++)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child == GTK_WIDGET (self->current_panel))
        show_connection (self, NULL);
      gtk_box_remove (self->bench_box, child);
      child = next;
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, position + i);
      GtkWidget *panel = lab_endpoint_panel_new (self->session, endpoint);

      g_signal_connect_object (panel, "notify::connection", G_CALLBACK (on_panel_connection), self, 0);
      gtk_box_insert_child_after (self->bench_box, panel, before);
      before = panel;
    }

  update_bench_page (self);
}

static gboolean
scroll_bench_to_end (gpointer data)
{
  LabWindow *self = data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->bench_scroller);

  self->scroll_idle = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));

  return G_SOURCE_REMOVE;
}

static void
add_endpoint_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  static const struct {
    const char      *name;
    LabEndpointKind  kind;
  } kinds[] = {
    { "tcp-server", LAB_ENDPOINT_TCP_SERVER },
    { "tcp-client", LAB_ENDPOINT_TCP_CLIENT },
    { "udp-server", LAB_ENDPOINT_UDP_SERVER },
    { "udp-client", LAB_ENDPOINT_UDP_CLIENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kind, kinds[i].name))
      {
        LabEndpoint *endpoint = lab_session_add (self->session, kinds[i].kind);
        GtkWidget *panel = lab_window_get_panel (self, endpoint);

        /* The new one is in view, its port ready to type. */
        if (panel != NULL)
          lab_endpoint_panel_focus_first_field (LAB_ENDPOINT_PANEL (panel));
        if (self->scroll_idle == 0)
          self->scroll_idle = g_idle_add (scroll_bench_to_end, self);
        return;
      }
}

/* ---- Experiments ---- */

#define EXPERIMENT_SUFFIX ".protolab"

static void
show_message (LabWindow      *self,
              GtkMessageType  type,
              const char     *primary,
              const char     *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              type, GTK_BUTTONS_CLOSE, "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A bundled lesson: never saved over, nor listed as recent. */
static gboolean
is_lesson (GFile *file)
{
  return file != NULL && g_file_has_uri_scheme (file, "resource");
}

static char *
display_name (GFile *file)
{
  /* A lesson is named by its title elsewhere; a file by its name. */
  if (is_lesson (file))
    return g_file_get_basename (file);
  return g_file_get_parse_name (file);
}

/* The notes above the bench: what to look for, and the steps to try. */
static void
update_lesson_bar (LabWindow *self)
{
  const char *title = lab_session_get_title (self->session);
  const char *notes = lab_session_get_notes (self->session);
  const char *const *steps = lab_session_get_steps (self->session);
  g_autoptr(GString) numbered = g_string_new (NULL);
  g_autofree char *window_title = NULL;

  for (guint i = 0; steps[i] != NULL; i++)
    g_string_append_printf (numbered, "%s%u. %s", i > 0 ? "\n" : "", i + 1, steps[i]);

  gtk_label_set_text (self->lesson_title, title);
  gtk_label_set_text (self->lesson_notes, notes);
  gtk_widget_set_visible (GTK_WIDGET (self->lesson_notes), notes[0] != '\0');
  gtk_label_set_text (self->lesson_steps, numbered->str);
  gtk_widget_set_visible (GTK_WIDGET (self->lesson_steps), numbered->len > 0);
  gtk_revealer_set_reveal_child (self->lesson_revealer, title[0] != '\0' || notes[0] != '\0');

  /* Translators: the window's title: an experiment's title, then the program's name. */
  window_title = title[0] != '\0' ? g_strdup_printf (_("%s — Protolab"), title) : g_strdup ("Protolab");
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
remember_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  if (!is_lesson (file))
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
set_file (LabWindow *self,
          GFile     *file)
{
  /* Save asks where for a lesson. */
  if (is_lesson (file))
    file = NULL;
  g_set_object (&self->file, file);
}

static void
load_experiment (LabWindow     *self,
                 LabExperiment *experiment,
                 GFile         *file)
{
  show_connection (self, NULL);
  lab_session_load (self->session, experiment);
  set_file (self, file);
  update_lesson_bar (self);
}

/**
 * lab_window_open_file:
 *
 * Replaces the bench with the experiment in @file. A file that cannot be
 * read is said in a dialog, with the line and key at fault, and the bench
 * is left as it was.
 *
 * Returns: whether it was opened
 */
gboolean
lab_window_open_file (LabWindow *self,
                      GFile     *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = NULL;
  const char *const *warnings;

  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  experiment = lab_experiment_new_from_file (file, NULL, &error);
  if (experiment == NULL)
    {
      g_autofree char *name = display_name (file);
      /* Translators: %s is the name of a file. */
      g_autofree char *primary = g_strdup_printf (_("Could not open “%s”"), name);

      show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
      return FALSE;
    }

  load_experiment (self, experiment, file);
  remember_recent (file);

  warnings = lab_experiment_get_warnings (experiment);
  if (warnings[0] != NULL)
    {
      g_autofree char *name = display_name (file);
      g_autofree char *primary = g_strdup_printf (_("Parts of “%s” were left out"), name);
      g_autofree char *secondary = g_strjoinv ("\n", (GStrv) warnings);

      show_message (self, GTK_MESSAGE_WARNING, primary, secondary);
    }

  return TRUE;
}

/**
 * lab_window_save_file:
 *
 * Saves the bench, as it is now, to @file, which becomes the experiment's.
 *
 * Returns: whether it was saved
 */
gboolean
lab_window_save_file (LabWindow  *self,
                      GFile      *file,
                      GError    **error)
{
  g_autoptr(LabExperiment) experiment = NULL;

  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  experiment = lab_session_dup_experiment (self->session);
  if (lab_experiment_get_title (experiment)[0] == '\0')
    {
      g_autofree char *base = g_file_get_basename (file);

      if (g_str_has_suffix (base, EXPERIMENT_SUFFIX))
        base[strlen (base) - strlen (EXPERIMENT_SUFFIX)] = '\0';
      lab_experiment_set_title (experiment, base);
    }

  if (!lab_experiment_save (experiment, file, NULL, error))
    return FALSE;

  set_file (self, file);
  remember_recent (file);
  return TRUE;
}

static void
save_to (LabWindow *self,
         GFile     *file)
{
  g_autoptr(GError) error = NULL;

  if (!lab_window_save_file (self, file, &error))
    {
      g_autofree char *name = display_name (file);
      /* Translators: %s is the name of a file. */
      g_autofree char *primary = g_strdup_printf (_("Could not save “%s”"), name);

      show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
    }
}

static void
add_experiment_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Protolab experiments"));
  gtk_file_filter_add_pattern (filter, "*" EXPERIMENT_SUFFIX);
  gtk_file_chooser_add_filter (chooser, filter);
}

typedef void (*ChosenFunc) (LabWindow *self,
                            GFile     *file);

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     LabWindow       *self)
{
  ChosenFunc chosen = g_object_get_data (G_OBJECT (chooser), "lab-chosen");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        chosen (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
choose_file (LabWindow            *self,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *accept,
             const char           *suggested_name,
             gboolean              experiments,
             ChosenFunc            chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, NULL);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (experiments)
    add_experiment_filter (GTK_FILE_CHOOSER (chooser));
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  g_object_set_data (G_OBJECT (chooser), "lab-chosen", chosen);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);

  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
open_chosen (LabWindow *self,
             GFile     *file)
{
  lab_window_open_file (self, file);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  choose_file (LAB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open Experiment"), _("_Open"), NULL, TRUE,
               open_chosen);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  lab_window_open_file (LAB_WINDOW (widget), file);
}

static void
save_as_chosen (LabWindow *self,
                GFile     *file)
{
  g_autofree char *base = g_file_get_basename (file);

  /* The file is an experiment: it says so in its name. */
  if (!g_str_has_suffix (base, EXPERIMENT_SUFFIX))
    {
      g_autofree char *named = g_strconcat (base, EXPERIMENT_SUFFIX, NULL);
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autoptr(GFile) sibling = parent != NULL ? g_file_get_child (parent, named) : NULL;

      save_to (self, sibling != NULL ? sibling : file);
      return;
    }

  save_to (self, file);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *title = lab_session_get_title (self->session);
  g_autofree char *suggested = g_strconcat (title[0] != '\0' ? title : _("experiment"), EXPERIMENT_SUFFIX, NULL);

  g_strdelimit (suggested, "/\\", '-');
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Save Experiment"), _("_Save"), suggested, TRUE,
               save_as_chosen);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);

  if (self->file != NULL)
    save_to (self, self->file);
  else
    save_as_action (widget, action_name, parameter);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  g_autoptr(LabExperiment) empty = lab_experiment_new ();

  load_experiment (self, empty, NULL);
}

static void
open_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  g_autoptr(GFile) file = lab_lessons_file (g_variant_get_string (parameter, NULL));

  lab_window_open_file (self, file);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lab_session_play (LAB_WINDOW (widget)->session);
}

static void
show_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  LabEndpoint *endpoint = lab_session_find (self->session, g_variant_get_uint32 (parameter));

  if (endpoint != NULL)
    gtk_window_present (GTK_WINDOW (lab_code_view_new (GTK_WINDOW (self), endpoint)));
}

static void
hide_notes_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (LAB_WINDOW (widget)->lesson_revealer, FALSE);
}

static char *
lab_replace_all (const char *text,
                 const char *from,
                 const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static void
build_lessons_menu (LabWindow *self)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) lesson = lab_lessons_load (ids[i], &error);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;

      if (lesson == NULL)
        {
          g_warning ("Lesson %s: %s", ids[i], error->message);
          continue;
        }
      /* A menu reads _ as a mnemonic: SO_REUSEADDR keeps its own. */
      label = lab_replace_all (lab_experiment_get_title (lesson), "_", "__");
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-lesson", g_variant_new_string (ids[i]));
      g_menu_append_item (self->lessons_section, item);
    }
}

#define MAX_RECENT 8

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return g_date_time_compare (tb, ta);
}

static void
build_recent_menu (LabWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) experiments = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    if (g_str_has_suffix (gtk_recent_info_get_uri (l->data), EXPERIMENT_SUFFIX) &&
        gtk_recent_info_is_local (l->data))
      g_ptr_array_add (experiments, l->data);
  g_ptr_array_sort (experiments, newest_first);

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; i < experiments->len && i < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = experiments->pdata[i];
      g_autofree char *label = lab_replace_all (gtk_recent_info_get_display_name (info), "_", "__");
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (gtk_recent_info_get_uri (info)));
      g_menu_append_item (self->recent_section, item);
    }
  if (experiments->len == 0)
    {
      /* Named after an action that nothing provides: shown, greyed, it does nothing. */
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No experiment opened yet"), "win.no-recent");

      g_menu_append_item (self->recent_section, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LabWindow     *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;

  return lab_window_open_file (self, g_value_get_object (value));
}

static void
update_play_action (LabWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play",
                                 g_list_model_get_n_items (lab_session_get_endpoints (self->session)) > 0);
}

/* ---- Exports ---- */

/* What each item of the Export menu writes: the timeline formats, the
 * handout, or (with no format) a connection's bytes. */
static const struct {
  const char      *kind;
  LabExportFormat  format;
} export_kinds[] = {
  { "text", LAB_EXPORT_TEXT },
  { "csv", LAB_EXPORT_CSV },
  { "jsonl", LAB_EXPORT_JSONL },
  { "handout", LAB_EXPORT_HTML },
};

static gboolean
export_format (const char      *kind,
               LabExportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_kinds); i++)
    if (g_str_equal (kind, export_kinds[i].kind))
      {
        *format = export_kinds[i].format;
        return TRUE;
      }

  return FALSE;
}

static gboolean
write_export (LabWindow     *self,
              const char    *kind,
              GOutputStream *out,
              GError       **error)
{
  GListModel *events = G_LIST_MODEL (lab_session_get_timeline (self->session));
  LabExportFormat format;

  lab_timeline_flush (lab_session_get_timeline (self->session));

  if (g_str_equal (kind, "handout"))
    {
      const char *title = lab_session_get_title (self->session);

      return lab_export_handout (self->session, events, title[0] != '\0' ? title : _("A Protolab session"),
                                 lab_session_get_notes (self->session), out, NULL, error);
    }

  if (g_str_equal (kind, "bytes"))
    {
      gboolean complete = TRUE;
      g_autoptr(GBytes) bytes = lab_export_connection_bytes (events, self->shown_connection, LAB_DIRECTION_IN,
                                                             &complete);
      gsize written;

      self->export_incomplete = !complete;
      return g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &written,
                                        NULL, error);
    }

  if (!export_format (kind, &format))
    g_assert_not_reached ();
  return lab_export_timeline (events, format, out, NULL, error);
}

/**
 * lab_window_export:
 * @kind: `text`, `csv`, `jsonl`, `handout`, or `bytes` (what the
 *   connection in the bytes view received)
 *
 * Writes the session's timeline, or a connection's bytes, to @file.
 *
 * Returns: whether it was written
 */
gboolean
lab_window_export (LabWindow   *self,
                   const char  *kind,
                   GFile       *file,
                   GError     **error)
{
  g_autoptr(GFileOutputStream) out = NULL;

  g_return_val_if_fail (LAB_IS_WINDOW (self), FALSE);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (out == NULL)
    return FALSE;

  if (!write_export (self, kind, G_OUTPUT_STREAM (out), error))
    {
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
      return FALSE;
    }

  return g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
export_chosen (LabWindow *self,
               GFile     *file)
{
  g_autoptr(GError) error = NULL;

  self->export_incomplete = FALSE;
  if (!lab_window_export (self, self->export_kind, file, &error))
    {
      g_autofree char *name = display_name (file);
      g_autofree char *primary = g_strdup_printf (_("Could not save “%s”"), name);

      show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
    }
  else if (self->export_incomplete)
    show_message (self, GTK_MESSAGE_WARNING, _("Not every byte could be saved"),
                  _("The lab keeps only the newest bytes of a long exchange; the oldest of this connection were "
                    "no longer kept, so the file holds what was."));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  const char *title = lab_session_get_title (self->session);
  g_autofree char *base = g_strdup (title[0] != '\0' ? title : _("timeline"));
  g_autofree char *suggested = NULL;
  LabExportFormat format;

  if (g_str_equal (kind, "bytes") && self->shown_connection == 0)
    {
      show_message (self, GTK_MESSAGE_INFO, _("Choose a connection first"),
                    _("Pick a connection in a server’s list, or a row of the timeline that belongs to one: its "
                      "received bytes are what is saved."));
      return;
    }

  g_strdelimit (base, "/\\", '-');
  if (export_format (kind, &format))
    suggested = g_strdup_printf ("%s.%s", base, lab_export_format_suggest_extension (format));
  else
    suggested = g_strdup_printf ("%s-%" G_GUINT64_FORMAT ".bin", base, self->shown_connection);

  g_free (self->export_kind);
  self->export_kind = g_strdup (kind);
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export"), _("_Save"), suggested, FALSE, export_chosen);
}

/* ---- Step mode ---- */

/* The kinds of call a breakpoint can hold, as the menu offers them. */
static const struct {
  const char *action;
  LabOp       ops[2];
} breakpoint_kinds[] = {
  { "break-socket", { LAB_OP_SOCKET, LAB_OP_SOCKET } },
  { "break-bind", { LAB_OP_BIND, LAB_OP_BIND } },
  { "break-listen", { LAB_OP_LISTEN, LAB_OP_LISTEN } },
  { "break-accept", { LAB_OP_ACCEPT, LAB_OP_ACCEPT } },
  { "break-connect", { LAB_OP_CONNECT, LAB_OP_CONNECT } },
  { "break-send", { LAB_OP_SEND, LAB_OP_SENDTO } },
  { "break-recv", { LAB_OP_RECV, LAB_OP_RECVFROM } },
  { "break-shutdown", { LAB_OP_SHUTDOWN, LAB_OP_SHUTDOWN } },
  { "break-close", { LAB_OP_CLOSE, LAB_OP_CLOSE } },
};

static void
update_step_actions (LabWindow *self)
{
  gboolean held = lab_session_get_held (self->session, NULL) != NULL;
  GAction *step_mode = g_action_map_lookup_action (G_ACTION_MAP (self), "step-mode");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", held);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.continue",
                                 held || lab_session_get_step_mode (self->session));
  g_simple_action_set_state (G_SIMPLE_ACTION (step_mode),
                             g_variant_new_boolean (lab_session_get_step_mode (self->session)));
}

static void
change_step_mode (GSimpleAction *action,
                  GVariant      *state,
                  gpointer       data)
{
  LabWindow *self = data;

  if (g_variant_get_boolean (state))
    lab_session_set_step_mode (self->session, TRUE);
  else
    lab_session_continue (self->session);
}

static void
change_breakpoint (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       data)
{
  LabWindow *self = data;
  const char *name = g_action_get_name (G_ACTION (action));

  for (guint i = 0; i < G_N_ELEMENTS (breakpoint_kinds); i++)
    if (g_str_equal (name, breakpoint_kinds[i].action))
      for (guint j = 0; j < G_N_ELEMENTS (breakpoint_kinds[i].ops); j++)
        lab_session_set_breakpoint (self->session, breakpoint_kinds[i].ops[j], g_variant_get_boolean (state));

  g_simple_action_set_state (action, state);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);

  if (lab_session_step (self->session) == NULL)
    gtk_widget_error_bell (widget);
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  lab_session_continue (LAB_WINDOW (widget)->session);
}

/* Space steps when a call is held, unless it is typed into a field; F10
 * and F5 step and continue wherever the focus is. They come before the
 * widgets' own keys (Space would press a focused button). */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                LabWindow             *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean held = lab_session_get_held (self->session, NULL) != NULL;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  if ((keyval == GDK_KEY_space && !GTK_IS_EDITABLE (focus) && !GTK_IS_TEXT_VIEW (focus)) ||
      keyval == GDK_KEY_F10)
    {
      if (!held)
        return keyval == GDK_KEY_F10 && lab_session_get_step_mode (self->session);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.step", NULL);
      return TRUE;
    }

  if (keyval == GDK_KEY_F5 && (held || lab_session_get_step_mode (self->session)))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.continue", NULL);
      return TRUE;
    }

  return FALSE;
}

/* ---- Presentation mode ---- */

/* Full screen, the theme's high contrast (set by the application), and only
 * what a class needs to read: the filters and the breakpoints go. */
static void
update_presentation (LabWindow *self)
{
  gboolean presentation = g_settings_get_boolean (self->settings, "presentation");

  if (presentation)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      if (self->presenting)
        gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  self->presenting = presentation;

  gtk_widget_set_visible (self->breakpoints_button, !presentation);
  /* The notes, in larger text, may take more of the height. */
  gtk_scrolled_window_set_max_content_height (self->lesson_scroller, presentation ? 400 : 220);
  lab_timeline_view_set_toolbar_visible (self->timeline_view, !presentation);
}

/**
 * lab_window_take_state:
 * @old: the window @self replaces
 *
 * Takes @old's size, divisions and choices, so that a window made again
 * (in another language) looks the same.
 */
void
lab_window_take_state (LabWindow *self,
                       LabWindow *old)
{
  int width, height;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (LAB_IS_WINDOW (old));

  gtk_window_get_default_size (GTK_WINDOW (old), &width, &height);
  if (gtk_widget_get_width (GTK_WIDGET (old)) > 0)
    {
      width = gtk_widget_get_width (GTK_WIDGET (old));
      height = gtk_widget_get_height (GTK_WIDGET (old));
    }
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (gtk_window_is_maximized (GTK_WINDOW (old)))
    gtk_window_maximize (GTK_WINDOW (self));

  self->placed = old->placed;
  g_set_object (&self->file, old->file);
  gtk_revealer_set_reveal_child (self->lesson_revealer, gtk_revealer_get_reveal_child (old->lesson_revealer));
  gtk_paned_set_position (self->outer_paned, gtk_paned_get_position (old->outer_paned));
  gtk_paned_set_position (self->main_paned, gtk_paned_get_position (old->main_paned));
  gtk_stack_set_visible_child_name (self->inspector_stack, gtk_stack_get_visible_child_name (old->inspector_stack));
}

/* The inspector takes a third of the window's width, whatever its size at
 * first; after that, what the user makes of it. */
static void
on_outer_max_position (LabWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->outer_paned));
  int max = 0;

  g_object_get (self->outer_paned, "max-position", &max, NULL);

  if (self->placed || width <= 0 || max <= 0 || max == G_MAXINT)
    return;
  self->placed = TRUE;
  gtk_paned_set_position (self->outer_paned, MIN (max, width * 2 / 3));
}

/* ---- The window ---- */

static void
lab_window_save_size (LabWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  /* A full screen is presentation mode's, not a size to come back to. */
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  lab_window_save_size (LAB_WINDOW (window));

  return GTK_WINDOW_CLASS (lab_window_parent_class)->close_request (window);
}

static void
lab_window_constructed (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);
  GListModel *endpoints;

  G_OBJECT_CLASS (lab_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);

  /* The call held in step mode, above what is chosen: a step explained
   * needs height more than width. */
  self->outer_paned = GTK_PANED (gtk_window_get_child (GTK_WINDOW (self)));
  self->step_bar = LAB_STEP_BAR (lab_step_bar_new (self->session));
  gtk_box_prepend (self->inspector_box, GTK_WIDGET (self->step_bar));
  self->timeline_view = LAB_TIMELINE_VIEW (lab_timeline_view_new (self->session));
  gtk_widget_set_vexpand (GTK_WIDGET (self->timeline_view), TRUE);
  gtk_box_append (self->timeline_slot, GTK_WIDGET (self->timeline_view));

  {
    g_autoptr(GSimpleAction) step_mode =
      g_simple_action_new_stateful ("step-mode", NULL,
                                    g_variant_new_boolean (lab_session_get_step_mode (self->session)));
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect_object (step_mode, "change-state", G_CALLBACK (change_step_mode), self, 0);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (step_mode));

    for (guint i = 0; i < G_N_ELEMENTS (breakpoint_kinds); i++)
      {
        gboolean on = lab_session_get_breakpoint (self->session, breakpoint_kinds[i].ops[0]);
        g_autoptr(GSimpleAction) action =
          g_simple_action_new_stateful (breakpoint_kinds[i].action, NULL, g_variant_new_boolean (on));

        g_signal_connect_object (action, "change-state", G_CALLBACK (change_breakpoint), self, 0);
        g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      }

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);

    g_signal_connect_object (self->session, "held-changed", G_CALLBACK (update_step_actions), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->session, "notify::step-mode", G_CALLBACK (update_step_actions), self,
                             G_CONNECT_SWAPPED);
    update_step_actions (self);
  }
  g_signal_connect_object (self->timeline_view, "notify::selected", G_CALLBACK (on_timeline_selected), self,
                           G_CONNECT_SWAPPED);

  endpoints = lab_session_get_endpoints (self->session);
  g_signal_connect_object (endpoints, "items-changed", G_CALLBACK (on_endpoints_changed), self, 0);
  on_endpoints_changed (endpoints, 0, 0, g_list_model_get_n_items (endpoints), self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  build_lessons_menu (self);
  build_recent_menu (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (build_recent_menu), self,
                           G_CONNECT_SWAPPED);
  update_lesson_bar (self);
  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

    g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  g_signal_connect_object (self->outer_paned, "notify::max-position", G_CALLBACK (on_outer_max_position), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::presentation", G_CALLBACK (update_presentation), self,
                           G_CONNECT_SWAPPED);
  update_presentation (self);
}

static void
lab_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LabWindow *self = LAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = LAB_WINDOW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (lab_session_get_endpoints (self->session), self);
  self->current_panel = NULL;
  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->file);
  g_clear_pointer (&self->export_kind, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lab_window_constructed;
  object_class->dispose = lab_window_dispose;
  object_class->get_property = lab_window_get_property;
  object_class->set_property = lab_window_set_property;

  window_class->close_request = lab_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LAB_TYPE_BYTES_VIEW);
  g_type_ensure (LAB_TYPE_EVENT_DETAILS);
  g_type_ensure (LAB_TYPE_STATE_DIAGRAM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bench_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, bytes_view);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, details);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, breakpoints_button);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector_box);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, inspector_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_notes);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_scroller);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_steps);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lesson_title);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, lessons_section);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, state_diagram);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, timeline_slot);

  gtk_widget_class_install_action (widget_class, "win.add-endpoint", "s", add_endpoint_action);
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.hide-notes", NULL, hide_notes_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-lesson", "s", open_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.show-code", "u", show_code_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.continue", NULL, continue_action);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
}
