/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-code-view.h"
#include "lab-program-dialog.h"
#include "lab-window-private.h"

/* The window's win.* actions: the bench, the experiment and its files
 * (asked for here, read and written by lab-window-files.c), and step mode.
 * Each is enabled when it can do something, and the keys of step mode
 * come before the widgets' own. The shortcuts are the application's. */

/* ---- The bench ---- */

static void
add_endpoint_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  const char *kind = g_variant_get_string (parameter, NULL);
  static const struct {
    const char      *name;
    LabEndpointKind  kind;
  } kinds[] = {
    { "tcp-server", LAB_ENDPOINT_TCP_SERVER },
    { "tcp-client", LAB_ENDPOINT_TCP_CLIENT },
    { "udp-server", LAB_ENDPOINT_UDP_SERVER },
    { "udp-client", LAB_ENDPOINT_UDP_CLIENT },
    { "ping", LAB_ENDPOINT_PING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kind, kinds[i].name))
      {
        lab_window_add_endpoint (LAB_WINDOW (widget), kinds[i].kind);
        return;
      }
}

/* The program chosen, traced on the bench, named by its file */
static void
on_program_chosen (LabProgramDialog *dialog,
                   LabWindow        *self)
{
  g_auto(GStrv) command = lab_program_dialog_dup_command (dialog, NULL);
  LabEndpoint *endpoint;
  guint first = g_str_equal (command[0], "python3") ? 1 : 0;
  g_autofree char *name = g_path_get_basename (command[first]);

  endpoint = lab_window_add_endpoint (self, LAB_ENDPOINT_PROGRAM);
  if (endpoint == NULL)
    return;
  g_object_set (lab_endpoint_get_config (endpoint), "command", command,
                "working-directory", lab_program_dialog_get_folder (dialog), NULL);
  lab_endpoint_set_name (endpoint, name);
}

static void
run_program_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkWidget *dialog = lab_program_dialog_new (GTK_WINDOW (widget));

  g_signal_connect_object (dialog, "run", G_CALLBACK (on_program_chosen), widget, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_run_programs_response (GtkDialog *dialog,
                          int        response,
                          LabWindow *self)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_weak_pointer (&self->question);

  if (response == GTK_RESPONSE_ACCEPT)
    lab_session_play_programs (self->session);
}

/* Play runs an experiment's programs only once the user has read their
 * commands and said so: nothing in a file runs by itself. */
static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  g_auto(GStrv) commands = lab_session_dup_play_commands (self->session);
  g_autofree char *listed = NULL;
  guint n = g_strv_length (commands);
  GtkWidget *dialog, *cancel, *run;

  if (n == 0)
    {
      lab_session_play (self->session);
      return;
    }
  if (self->question != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->question));
      return;
    }

  listed = g_strjoinv ("\n", commands);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                   ngettext ("Run the experiment's program?", "Run the experiment's programs?", n));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s\n\n%s",
                                            ngettext ("Play runs it on this computer, with your rights, as you "
                                                      "would in a terminal:",
                                                      "Play runs them on this computer, with your rights, as you "
                                                      "would in a terminal:", n),
                                            listed);
  cancel = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  run = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Run and Play"), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (run, "suggested-action");
  /* Enter and Escape run nothing: only a click, or the mnemonic, does. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  gtk_window_set_focus (GTK_WINDOW (dialog), cancel);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_run_programs_response), self, 0);
  g_set_weak_pointer (&self->question, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_code_selection (LabTimelineView *timeline,
                   GParamSpec      *pspec,
                   LabCodeView     *code)
{
  lab_code_view_show_event (code, lab_timeline_view_get_selected (timeline));
}

static void
show_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  LabEndpoint *endpoint = lab_session_find (self->session, g_variant_get_uint32 (parameter));
  GtkWidget *code;

  if (endpoint == NULL)
    return;
  code = lab_code_view_new (GTK_WINDOW (self), endpoint);
  /* A traced program's source follows the row chosen in the timeline,
   * from the call it holds, if it holds one. */
  g_signal_connect_object (self->timeline_view, "notify::selected", G_CALLBACK (on_code_selection), code, 0);
  if (g_list_model_get_n_items (lab_endpoint_get_paused (endpoint)) == 0)
    lab_code_view_show_event (LAB_CODE_VIEW (code), lab_timeline_view_get_selected (self->timeline_view));
  gtk_window_present (GTK_WINDOW (code));
}

/* The header bar's menus, from the keyboard: F10, GTK's key for the main
 * menu, steps in step mode. */
static void
main_menu_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gtk_menu_button_popup (LAB_WINDOW (widget)->primary_menu_button);
}

static void
show_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  lab_window_show_link (LAB_WINDOW (widget));
}

static void
lessons_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_menu_button_popup (LAB_WINDOW (widget)->lessons_button);
}

static void
hide_notes_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (LAB_WINDOW (widget)->lesson_revealer, FALSE);
}

/* ---- Experiments ---- */

static void
empty_bench (LabWindow *self,
             gpointer   data)
{
  g_autoptr(LabExperiment) empty = lab_experiment_new ();

  lab_window_load_experiment (self, empty, NULL);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  lab_window_ask_discard (LAB_WINDOW (widget), _("Start a new experiment?"),
                          lab_window_next_new (empty_bench, NULL, NULL));
}

/* Given the file chosen, and (nullable, transfer full) what comes after. */
typedef void (*ChosenFunc) (LabWindow     *self,
                            GFile         *file,
                            LabWindowNext *next);

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     LabWindow       *self)
{
  ChosenFunc chosen = g_object_get_data (G_OBJECT (chooser), "lab-chosen");
  g_autoptr(LabWindowNext) next = g_object_steal_data (G_OBJECT (chooser), "lab-next");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        chosen (self, file, g_steal_pointer (&next));
    }

  g_clear_object (&self->chooser);
}

/* Asks for a file to open or to save as (@experiments: only experiments
 * are offered), then gives it to @chosen with @next (nullable, transfer
 * full: freed, not done, if none is chosen). */
static void
choose_file (LabWindow            *self,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *accept,
             const char           *suggested_name,
             gboolean              experiments,
             ChosenFunc            chosen,
             LabWindowNext        *next)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, NULL);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (experiments)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Protolab experiments"));
      gtk_file_filter_add_pattern (filter, "*" LAB_EXPERIMENT_SUFFIX);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  g_object_set_data (G_OBJECT (chooser), "lab-chosen", chosen);
  g_object_set_data_full (G_OBJECT (chooser), "lab-next", next, (GDestroyNotify) lab_window_next_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);

  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
open_chosen (LabWindow     *self,
             GFile         *file,
             LabWindowNext *next)
{
  lab_window_next_free (next);
  lab_window_open_file_async (self, file, NULL, NULL);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  choose_file (LAB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open Experiment"), _("_Open"), NULL, TRUE,
               open_chosen, NULL);
}

static void
open_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  lab_window_files_open_lesson (LAB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  lab_window_open_file_async (LAB_WINDOW (widget), file, NULL, NULL);
}

static void
save_as_chosen (LabWindow     *self,
                GFile         *file,
                LabWindowNext *next)
{
  g_autofree char *base = g_file_get_basename (file);

  /* The file is an experiment: it says so in its name. */
  if (!g_str_has_suffix (base, LAB_EXPERIMENT_SUFFIX))
    {
      g_autofree char *named = g_strconcat (base, LAB_EXPERIMENT_SUFFIX, NULL);
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autoptr(GFile) sibling = parent != NULL ? g_file_get_child (parent, named) : NULL;

      lab_window_files_save_to (self, sibling != NULL ? sibling : file, next);
      return;
    }

  lab_window_files_save_to (self, file, next);
}

/* Asks where to save the bench, and saves it there; then @next, if it
 * was saved. */
static void
save_as (LabWindow     *self,
         LabWindowNext *next)
{
  const char *title = lab_session_get_title (self->session);
  g_autofree char *suggested = g_strconcat (title[0] != '\0' ? title : _("experiment"), LAB_EXPERIMENT_SUFFIX,
                                            NULL);

  g_strdelimit (suggested, "/\\", '-');
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Save Experiment"), _("_Save"), suggested, TRUE,
               save_as_chosen, next);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save_as (LAB_WINDOW (widget), NULL);
}

/**
 * lab_window_save:
 * @next: (nullable) (transfer full): done once the bench is saved; not
 *   if it could not be, or no file was chosen
 *
 * Saves the bench to its file, or asks where when it has none.
 */
void
lab_window_save (LabWindow     *self,
                 LabWindowNext *next)
{
  if (self->file != NULL)
    lab_window_files_save_to (self, self->file, next);
  else
    save_as (self, next);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  lab_window_save (LAB_WINDOW (widget), NULL);
}

static void
export_chosen (LabWindow     *self,
               GFile         *file,
               LabWindowNext *next)
{
  lab_window_next_free (next);
  lab_window_files_export_to (self, self->export_kind, file);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabWindow *self = LAB_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autofree char *suggested = NULL;

  if (g_str_equal (kind, "bytes") && self->shown_connection == 0)
    {
      lab_window_show_message (self, GTK_MESSAGE_INFO, _("Choose a connection first"),
                               _("Pick a connection in a server’s list, or a row of the timeline that belongs to "
                                 "one: its received bytes are what is saved."));
      return;
    }

  suggested = lab_window_files_export_name (self, kind);
  g_free (self->export_kind);
  self->export_kind = g_strdup (kind);
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SAVE, _("Export"), _("_Save"), suggested, FALSE, export_chosen, NULL);
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
  gboolean held = lab_session_get_held (self->session, NULL) != NULL;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  if ((keyval == GDK_KEY_space && !lab_step_bar_focus_types (GTK_WIDGET (self))) || keyval == GDK_KEY_F10)
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

/* ---- Setting up ---- */

/**
 * lab_window_actions_update:
 *
 * Enables Play when the bench has endpoints, Step when a call is held and
 * Continue in step mode, and shows whether step mode is on.
 */
void
lab_window_actions_update (LabWindow *self)
{
  gboolean held = lab_session_get_held (self->session, NULL) != NULL;
  GAction *step_mode = g_action_map_lookup_action (G_ACTION_MAP (self), "step-mode");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play",
                                 g_list_model_get_n_items (lab_session_get_endpoints (self->session)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", held);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.continue",
                                 held || lab_session_get_step_mode (self->session));
  if (step_mode != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (step_mode),
                               g_variant_new_boolean (lab_session_get_step_mode (self->session)));
}

/**
 * lab_window_actions_init:
 *
 * Adds the actions that hold a state (step mode, each breakpoint) and the
 * keys of step mode, and follows the session to enable the others.
 */
void
lab_window_actions_init (LabWindow *self)
{
  gboolean stepping = lab_session_get_step_mode (self->session);
  g_autoptr(GSimpleAction) step_mode =
    g_simple_action_new_stateful ("step-mode", NULL, g_variant_new_boolean (stepping));
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

  g_signal_connect_object (self->session, "held-changed", G_CALLBACK (lab_window_actions_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::step-mode", G_CALLBACK (lab_window_actions_update), self,
                           G_CONNECT_SWAPPED);
  lab_window_actions_update (self);
}

void
lab_window_actions_class_init (LabWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.add-endpoint", "s", add_endpoint_action);
  gtk_widget_class_install_action (widget_class, "win.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.hide-notes", NULL, hide_notes_action);
  gtk_widget_class_install_action (widget_class, "win.lessons", NULL, lessons_action);
  gtk_widget_class_install_action (widget_class, "win.main-menu", NULL, main_menu_action);
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-lesson", "s", open_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "win.run-program", NULL, run_program_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.show-code", "u", show_code_action);
  gtk_widget_class_install_action (widget_class, "win.show-link", NULL, show_link_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
}
