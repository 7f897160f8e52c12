/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-program-dialog.h"
#include "lab-program-panel.h"

/* Run a program…: which program of the user's own to trace, with which
 * arguments, in which folder. A Python file runs as python3 FILE ARGS. The
 * exact command is shown before it is confirmed: the lab runs only what
 * was chosen here, and says so. "run" is emitted on confirming. */

struct _LabProgramDialog
{
  GtkWindow        parent_instance;

  char            *file;        /* the program chosen */
  char            *folder;      /* where it runs: its own folder unless chosen */
  gboolean         folder_chosen;
  GtkNativeDialog *chooser;

  GtkButton       *file_button;
  GtkButton       *folder_button;
  GtkEntry        *arguments_entry;
  GtkLabel        *command_label;
  GtkLabel        *error_label;
  GtkWidget       *run_button;
};

G_DEFINE_FINAL_TYPE (LabProgramDialog, lab_program_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_RUN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
lab_program_dialog_new (GtkWindow *parent)
{
  return g_object_new (LAB_TYPE_PROGRAM_DIALOG, "transient-for", parent, "modal", TRUE,
                       "destroy-with-parent", TRUE, NULL);
}

/**
 * lab_program_dialog_dup_command:
 *
 * Returns: (transfer full) (nullable): the command line that will run, or
 *   %NULL with @error set when no program is chosen or the arguments are
 *   not well quoted
 */
char **
lab_program_dialog_dup_command (LabProgramDialog  *self,
                                GError           **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->arguments_entry));
  g_auto(GStrv) arguments = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) parse_error = NULL;

  if (self->file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose the program to run: a Python file (.py) or an executable."));
      return NULL;
    }
  if (!g_str_has_suffix (self->file, ".py") && !g_file_test (self->file, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *base = g_path_get_basename (self->file);

      /* Translators: %s is a file's name. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a program: choose a Python file (.py) or a file that can be executed."), base);
      return NULL;
    }
  if (!g_shell_parse_argv (text, NULL, &arguments, &parse_error) &&
      !g_error_matches (parse_error, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING))
    {
      /* Translators: %s is why the arguments could not be read, e.g. “Text ended before matching quote was found”. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The arguments are not well quoted: %s. Close each quote you open, or write \\ before a "
                     "quote that is part of an argument."), parse_error->message);
      return NULL;
    }

  if (g_str_has_suffix (self->file, ".py"))
    g_strv_builder_add (builder, "python3");
  g_strv_builder_add (builder, self->file);
  if (arguments != NULL)
    g_strv_builder_addv (builder, (const char **) arguments);
  return g_strv_builder_end (builder);
}

const char *
lab_program_dialog_get_folder (LabProgramDialog *self)
{
  return self->folder;
}

/* What will run, as a shell would read it back; or why nothing can. */
static void
update (LabProgramDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) command = lab_program_dialog_dup_command (self, &error);
  g_autofree char *base = self->file != NULL ? g_path_get_basename (self->file) : NULL;
  g_autofree char *folder = self->folder != NULL ? g_filename_display_basename (self->folder) : NULL;

  gtk_button_set_label (self->file_button, base != NULL ? base : _("Choose…"));
  gtk_button_set_label (self->folder_button, folder != NULL ? folder : _("Choose…"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_button), self->folder);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->file_button), self->file);

  if (command != NULL)
    {
      g_autofree char *line = lab_command_line_format ((const char * const *) command);

      gtk_label_set_text (self->command_label, line);
    }
  else
    gtk_label_set_text (self->command_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->command_label), command != NULL);
  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_set_sensitive (self->run_button, command != NULL);
}

/**
 * lab_program_dialog_get_shown_command:
 *
 * Returns: the command line the dialog shows, "" when none can run
 */
const char *
lab_program_dialog_get_shown_command (LabProgramDialog *self)
{
  return gtk_label_get_text (self->command_label);
}

void
lab_program_dialog_set_file (LabProgramDialog *self,
                             GFile            *file)
{
  g_return_if_fail (LAB_IS_PROGRAM_DIALOG (self));

  g_free (self->file);
  self->file = g_file_get_path (file);
  if (!self->folder_chosen && self->file != NULL)
    {
      g_free (self->folder);
      self->folder = g_path_get_dirname (self->file);
    }
  update (self);
}

void
lab_program_dialog_set_folder (LabProgramDialog *self,
                               GFile            *folder)
{
  g_return_if_fail (LAB_IS_PROGRAM_DIALOG (self));

  g_free (self->folder);
  self->folder = g_file_get_path (folder);
  self->folder_chosen = self->folder != NULL;
  update (self);
}

void
lab_program_dialog_set_arguments (LabProgramDialog *self,
                                  const char       *arguments)
{
  g_return_if_fail (LAB_IS_PROGRAM_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->arguments_entry), arguments);
}

/**
 * lab_program_dialog_confirm:
 *
 * Runs the command shown, as the Run button does: emits "run" and closes.
 *
 * Returns: whether there was a command to run
 */
gboolean
lab_program_dialog_confirm (LabProgramDialog *self)
{
  g_auto(GStrv) command = lab_program_dialog_dup_command (self, NULL);

  if (command == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_RUN], 0);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
on_run_clicked (LabProgramDialog *self)
{
  lab_program_dialog_confirm (self);
}

/* ---- Choosing the program and its folder ---- */

static void
on_chooser_response (GtkNativeDialog  *chooser,
                     int               response,
                     LabProgramDialog *self)
{
  gboolean folder = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL && folder)
        lab_program_dialog_set_folder (self, file);
      else if (file != NULL)
        lab_program_dialog_set_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern,
            const char     *mime_type)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  if (pattern != NULL)
    gtk_file_filter_add_pattern (filter, pattern);
  if (mime_type != NULL)
    {
      gtk_file_filter_add_mime_type (filter, mime_type);
      gtk_file_filter_add_mime_type (filter, "application/x-pie-executable");
      gtk_file_filter_add_mime_type (filter, "application/x-sharedlib");
      gtk_file_filter_add_mime_type (filter, "application/x-shellscript");
    }
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
choose (LabProgramDialog     *self,
        GtkFileChooserAction  action)
{
  gboolean folder = action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (folder ? _("The Folder the Program Runs In") : _("Run a Program"),
                                 GTK_WINDOW (self), action, folder ? _("_Select") : _("_Open"), NULL);
  GtkFileChooser *files = GTK_FILE_CHOOSER (chooser);
  const char *start = folder ? self->folder : self->file;

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (!folder)
    {
      add_filter (files, _("Python programs and executables"), "*.py", "application/x-executable");
      add_filter (files, _("Python programs"), "*.py", NULL);
      add_filter (files, _("Executables"), NULL, "application/x-executable");
    }
  if (start != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (start);
      g_autoptr(GFile) parent = folder ? NULL : g_file_get_parent (file);

      gtk_file_chooser_set_current_folder (files, folder ? file : parent, NULL);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
on_file_clicked (LabProgramDialog *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
on_folder_clicked (LabProgramDialog *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

/* ---- Setting up ---- */

static GtkWidget *
field_label (const char *mnemonic,
             GtkWidget  *field)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
  return label;
}

static void
lab_program_dialog_dispose (GObject *object)
{
  LabProgramDialog *self = LAB_PROGRAM_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->file, g_free);
  g_clear_pointer (&self->folder, g_free);

  G_OBJECT_CLASS (lab_program_dialog_parent_class)->dispose (object);
}

static void
lab_program_dialog_class_init (LabProgramDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_program_dialog_dispose;

  /* Emitted when the command shown is confirmed: read it with
   * lab_program_dialog_dup_command () and lab_program_dialog_get_folder (). */
  signals[SIGNAL_RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_program_dialog_init (LabProgramDialog *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *intro;
  GtkWidget *heading;

  gtk_window_set_title (GTK_WINDOW (self), _("Run a Program"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, -1);

  self->run_button = gtk_button_new_with_mnemonic (_("_Run"));
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  g_signal_connect_swapped (self->run_button, "clicked", G_CALLBACK (on_run_clicked), self);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  gtk_header_bar_set_show_title_buttons (GTK_HEADER_BAR (header), FALSE);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cancel);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->run_button);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->run_button);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_top (grid, 18);
  gtk_widget_set_margin_bottom (grid, 18);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);

  intro = gtk_label_new (_("A program of your own, traced: each socket call it makes is shown in the timeline as "
                           "its kernel receives it, with the line that made it (in Python, and in a program "
                           "compiled with -g)."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 60);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_grid_attach (GTK_GRID (grid), intro, 0, 0, 2, 1);

  self->file_button = GTK_BUTTON (gtk_button_new_with_label (""));
  g_signal_connect_swapped (self->file_button, "clicked", G_CALLBACK (on_file_clicked), self);
  gtk_widget_set_hexpand (GTK_WIDGET (self->file_button), TRUE);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("_Program"), GTK_WIDGET (self->file_button)), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->file_button), 1, 1, 1, 1);

  self->arguments_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_activates_default (self->arguments_entry, TRUE);
  gtk_entry_set_placeholder_text (self->arguments_entry, _("As in a terminal, e.g. 5000"));
  gtk_widget_add_css_class (GTK_WIDGET (self->arguments_entry), "monospace");
  g_signal_connect_swapped (self->arguments_entry, "changed", G_CALLBACK (update), self);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("_Arguments"), GTK_WIDGET (self->arguments_entry)), 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->arguments_entry), 1, 2, 1, 1);

  self->folder_button = GTK_BUTTON (gtk_button_new_with_label (""));
  g_signal_connect_swapped (self->folder_button, "clicked", G_CALLBACK (on_folder_clicked), self);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("Runs in the _folder"), GTK_WIDGET (self->folder_button)),
                   0, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->folder_button), 1, 3, 1, 1);

  heading = gtk_label_new (_("The lab will run exactly this command:"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_top (heading, 6);
  gtk_grid_attach (GTK_GRID (grid), heading, 0, 4, 2, 1);

  self->command_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->command_label, 0);
  gtk_label_set_wrap (self->command_label, TRUE);
  gtk_label_set_wrap_mode (self->command_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->command_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->command_label), "monospace");
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->command_label), 0, 5, 2, 1);

  self->error_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_max_width_chars (self->error_label, 60);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->error_label), 0, 6, 2, 1);

  gtk_window_set_child (GTK_WINDOW (self), grid);
  update (self);
}
