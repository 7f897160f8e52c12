/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-code-view.h"
#include "lab-source-line.h"

/* An endpoint as the program it runs, in the course's Python or in C,
 * written from its settings as they are now, and again when they change;
 * to read, copy or save and run. A traced program's is its own source
 * file, as it is on disk, the line of the call chosen (or held) marked. */

struct _LabCodeView
{
  GtkWindow        parent_instance;

  LabEndpoint     *endpoint;
  LabCodeLanguage  language;
  GtkNativeDialog *chooser;

  char            *source;       /* a traced program's file shown */
  guint            marked;       /* and its line marked, from 1; 0: none */
  GtkTextTag      *mark_tag;
  GtkTextMark     *called;       /* the start of the line marked */
  gboolean         to_left;      /* its scroll to come moves to the left edge */

  GtkWidget       *language_box;
  GtkWidget       *save_button;
  GtkToggleButton *python_button;
  GtkToggleButton *c_button;
  GtkLabel        *intro_label;
  GtkTextView     *text_view;
};

G_DEFINE_FINAL_TYPE (LabCodeView, lab_code_view, GTK_TYPE_WINDOW)

static gboolean
is_program (LabCodeView *self)
{
  return lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (lab_endpoint_get_config (self->endpoint)));
}

/* ---- A traced program's own source ---- */

/* Shows @path (absolute), unless it is shown already. */
static void
show_source (LabCodeView *self,
             const char  *path)
{
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (path, self->source) == 0)
    return;
  g_free (self->source);
  self->source = g_strdup (path);
  self->marked = 0;

  base = path != NULL ? g_path_get_basename (path) : NULL;
  /* Translators: the title of the code window; %s is an endpoint's name. */
  title = g_strdup_printf (_("Code of %s"), lab_endpoint_get_name (self->endpoint));
  gtk_window_set_title (GTK_WINDOW (self), title);

  if (path == NULL)
    intro = g_strdup (_("The program's source is shown here once it is a Python file, or once a call of it "
                        "made from a line it knows is chosen in the timeline."));
  else if (!g_file_get_contents (path, &text, NULL, &error) || !g_utf8_validate (text, -1, NULL))
    /* Translators: %s is a file's name, then why it could not be read. */
    intro = g_strdup_printf (_("Could not read %s: %s"), path,
                             error != NULL ? error->message : _("it is not text"));
  else
    /* Translators: %s is a file's path. */
    intro = g_strdup_printf (_("%s, as it is on disk. The line of the call chosen in the timeline, or held in step "
                               "mode, is marked."), path);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view),
                            text != NULL && g_utf8_validate (text, -1, NULL) ? text : "", -1);
  gtk_label_set_text (self->intro_label, intro);
}

/* Marks line @number (from 1) and scrolls to it. */
static void
mark_line (LabCodeView *self,
           guint        number)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->mark_tag, &start, &end);
  self->marked = 0;
  if (number == 0 || (int) number > gtk_text_buffer_get_line_count (buffer))
    return;

  gtk_text_buffer_get_iter_at_line (buffer, &start, number - 1);
  end = start;
  gtk_text_iter_forward_line (&end);
  gtk_text_buffer_apply_tag (buffer, self->mark_tag, &start, &end);
  gtk_text_buffer_place_cursor (buffer, &start);
  /* A mark, not an iter: scrolled to once the lines are laid out, which
   * they are not yet in a window just opened. */
  gtk_text_buffer_move_mark (buffer, self->called, &start);
  gtk_text_view_scroll_to_mark (self->text_view, self->called, 0.0, TRUE, 0.0, 0.3);
  self->to_left = TRUE;
  self->marked = number;
}

/* Scrolled to a line's start, the view would hide its own left margin. */
static void
on_hscroll (GtkAdjustment *adjustment,
            LabCodeView   *self)
{
  if (!self->to_left)
    return;
  self->to_left = FALSE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

/**
 * lab_code_view_show_event:
 * @event: (nullable): a call of the endpoint's traced program
 *
 * Shows the source file of the line that made @event and marks the line;
 * an event of another endpoint, or of no known line, changes nothing.
 */
void
lab_code_view_show_event (LabCodeView *self,
                          LabEvent    *event)
{
  g_autofree char *path = NULL;
  guint number = 0;

  g_return_if_fail (LAB_IS_CODE_VIEW (self));

  if (!is_program (self) || event == NULL ||
      lab_event_get_endpoint_id (event) != lab_endpoint_get_id (self->endpoint) ||
      (path = lab_source_line_dup_path (event, self->endpoint, &number)) == NULL)
    return;
  show_source (self, path);
  mark_line (self, number);
}

/**
 * lab_code_view_get_marked_line:
 *
 * Returns: the line marked in a traced program's source, from 1; 0 for none
 */
guint
lab_code_view_get_marked_line (LabCodeView *self)
{
  return self->marked;
}

/* The call held in step mode is the one to see. */
static void
on_paused_changed (LabCodeView *self)
{
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (self->endpoint), 0);

  lab_code_view_show_event (self, held);
}

/* The program's own file, before any call points to a line: FILE of
 * python3 FILE, or the program itself when it is a Python file. */
static void
show_program_file (LabCodeView *self)
{
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);
  g_auto(GStrv) command = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  const char *file = NULL;

  g_object_get (config, "command", &command, "working-directory", &folder, NULL);
  for (guint i = 0; command != NULL && command[i] != NULL && i < 2 && file == NULL; i++)
    if (g_str_has_suffix (command[i], ".py"))
      file = command[i];

  if (file != NULL && g_path_is_absolute (file))
    path = g_strdup (file);
  else if (file != NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();

      path = g_build_filename (folder != NULL && folder[0] != '\0' ? folder : cwd, file, NULL);
    }
  show_source (self, path);
}

/* ---- The lab's own endpoints, as programs ---- */

static void
regenerate (LabCodeView *self)
{
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);
  g_autofree char *code = NULL;
  g_autofree char *title = NULL;
  g_autofree char *intro = NULL;

  if (is_program (self))
    return;
  code = lab_codegen_generate (config, lab_endpoint_get_name (self->endpoint), self->language);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), code, -1);

  /* Translators: the title of the code window; %s is an endpoint's name. */
  title = g_strdup_printf (_("Code of %s"), lab_endpoint_get_name (self->endpoint));
  gtk_window_set_title (GTK_WINDOW (self), title);

  intro = self->language == LAB_CODE_PYTHON
    /* Translators: %s is a file name such as tcp_server.py. */
    ? g_strdup_printf (_("The same program, as the course writes it. Save it as %s and run it with "
                         "python3 %s."), lab_codegen_suggest_filename (config, self->language),
                       lab_codegen_suggest_filename (config, self->language))
    : g_strdup_printf (_("The same program with the POSIX calls. Save it as %s; the first lines say how to "
                         "build and run it."), lab_codegen_suggest_filename (config, self->language));
  gtk_label_set_text (self->intro_label, intro);
}

void
lab_code_view_set_language (LabCodeView     *self,
                            LabCodeLanguage  language)
{
  g_return_if_fail (LAB_IS_CODE_VIEW (self));

  gtk_toggle_button_set_active (language == LAB_CODE_C ? self->c_button : self->python_button, TRUE);
  if (self->language == language)
    return;
  self->language = language;
  regenerate (self);
}

/**
 * lab_code_view_dup_text:
 *
 * Returns: (transfer full): the program shown
 */
char *
lab_code_view_dup_text (LabCodeView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_language_toggled (LabCodeView     *self,
                     GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    lab_code_view_set_language (self, button == self->c_button ? LAB_CODE_C : LAB_CODE_PYTHON);
}

static void
on_copy_clicked (LabCodeView *self)
{
  g_autofree char *text = lab_code_view_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     LabCodeView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *text = lab_code_view_dup_text (self);
      g_autoptr(GError) error = NULL;

      if (file != NULL &&
          !g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        {
          GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                      GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                                      _("Could not save the program"));

          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
          g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (dialog));
        }
    }

  g_clear_object (&self->chooser);
}

static void
on_save_clicked (LabCodeView *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the Program"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     lab_codegen_suggest_filename (config, self->language));
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/**
 * lab_code_view_new:
 *
 * Returns: (transfer none): a window with @endpoint's program
 */
GtkWidget *
lab_code_view_new (GtkWindow   *parent,
                   LabEndpoint *endpoint)
{
  LabCodeView *self;

  g_return_val_if_fail (LAB_IS_ENDPOINT (endpoint), NULL);

  self = g_object_new (LAB_TYPE_CODE_VIEW, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  self->endpoint = g_object_ref (endpoint);
  g_signal_connect_object (lab_endpoint_get_config (endpoint), "notify", G_CALLBACK (regenerate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (endpoint, "notify::name", G_CALLBACK (regenerate), self, G_CONNECT_SWAPPED);
  regenerate (self);

  if (is_program (self))
    {
      gtk_widget_set_visible (self->language_box, FALSE);
      gtk_widget_set_visible (self->save_button, FALSE);
      self->mark_tag = gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->text_view), "called",
                                                   "paragraph-background", "#f6d32d",
                                                   "foreground", "#000000",
                                                   "weight", PANGO_WEIGHT_BOLD, NULL);
      {
        GtkTextIter start;

        gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (self->text_view), &start);
        self->called = gtk_text_buffer_create_mark (gtk_text_view_get_buffer (self->text_view), "called", &start,
                                                    TRUE);
      }
      g_signal_connect_object (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->text_view)), "value-changed",
                               G_CALLBACK (on_hscroll), self, 0);
      show_program_file (self);
      g_signal_connect_object (lab_endpoint_get_paused (endpoint), "items-changed", G_CALLBACK (on_paused_changed),
                               self, G_CONNECT_SWAPPED);
      on_paused_changed (self);
    }

  return GTK_WIDGET (self);
}

static void
lab_code_view_dispose (GObject *object)
{
  LabCodeView *self = LAB_CODE_VIEW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->endpoint);
  g_clear_pointer (&self->source, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CODE_VIEW);

  G_OBJECT_CLASS (lab_code_view_parent_class)->dispose (object);
}

static void
lab_code_view_class_init (LabCodeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_code_view_dispose;

  /* A window of its own, closed as a dialog is. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-code-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, c_button);
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, language_box);
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, save_button);
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, intro_label);
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, python_button);
  gtk_widget_class_bind_template_child (widget_class, LabCodeView, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_language_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
}

static void
lab_code_view_init (LabCodeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->language = LAB_CODE_PYTHON;
}
