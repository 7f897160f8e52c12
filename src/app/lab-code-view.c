/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-code-view.h"

/* An endpoint as the program it runs, in the course's Python or in C,
 * written from its settings as they are now, and again when they change;
 * to read, copy or save and run. */

struct _LabCodeView
{
  GtkWindow        parent_instance;

  LabEndpoint     *endpoint;
  LabCodeLanguage  language;
  GtkNativeDialog *chooser;

  GtkToggleButton *python_button;
  GtkToggleButton *c_button;
  GtkLabel        *intro_label;
  GtkTextView     *text_view;
};

G_DEFINE_FINAL_TYPE (LabCodeView, lab_code_view, GTK_TYPE_WINDOW)

static void
regenerate (LabCodeView *self)
{
  LabEndpointConfig *config = lab_endpoint_get_config (self->endpoint);
  g_autofree char *code = lab_codegen_generate (config, lab_endpoint_get_name (self->endpoint), self->language);
  g_autofree char *title = NULL;
  g_autofree char *intro = NULL;

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
