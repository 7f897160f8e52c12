/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-window-private.h"

/* Work is never thrown away without asking: before the bench is replaced
 * (New, Open, a lesson) or the window closed, a bench with endpoints
 * running or changes not saved asks first. Cancel keeps it; Discard goes
 * on; Save First saves it, and goes on once it is saved. */

enum {
  RESPONSE_DISCARD = 1,
  RESPONSE_SAVE = 2,
};

/* ---- What comes next ---- */

struct _LabWindowNext
{
  LabWindowGoOn  go_on;
  gpointer       data;
  GDestroyNotify destroy;
};

/**
 * lab_window_next_new:
 * @go_on: what to do once it may go on
 * @destroy: (nullable): frees @data, whether it went on or not
 *
 * Returns: (transfer full): what comes after a question or a save
 */
LabWindowNext *
lab_window_next_new (LabWindowGoOn  go_on,
                     gpointer       data,
                     GDestroyNotify destroy)
{
  LabWindowNext *next = g_new0 (LabWindowNext, 1);

  next->go_on = go_on;
  next->data = data;
  next->destroy = destroy;
  return next;
}

/**
 * lab_window_next_free:
 *
 * Goes no further: @next is not done, and is freed.
 */
void
lab_window_next_free (LabWindowNext *next)
{
  if (next == NULL)
    return;
  if (next->destroy != NULL)
    next->destroy (next->data);
  g_free (next);
}

/**
 * lab_window_next_go_on:
 * @next: (transfer full)
 *
 * Does @next, then frees it.
 */
void
lab_window_next_go_on (LabWindowNext *next,
                       LabWindow     *self)
{
  next->go_on (self, next->data);
  lab_window_next_free (next);
}

/* ---- The question ---- */

/* What would be lost: what runs, what is not saved. */
static char *
describe (guint    running,
          gboolean modified)
{
  if (running > 0 && modified)
    return g_strdup_printf (ngettext ("%u endpoint is running and the bench has unsaved changes. Discarding the "
                                      "bench stops it and loses the changes.",
                                      "%u endpoints are running and the bench has unsaved changes. Discarding the "
                                      "bench stops them and loses the changes.", running), running);
  if (running > 0)
    return g_strdup_printf (ngettext ("%u endpoint is running. Discarding the bench stops it.",
                                      "%u endpoints are running. Discarding the bench stops them.", running),
                            running);
  return g_strdup (_("The bench has unsaved changes. Discarding the bench loses them."));
}

static void
on_response (GtkDialog *dialog,
             int        response,
             LabWindow *self)
{
  LabWindowNext *next = g_object_steal_data (G_OBJECT (dialog), "lab-next");

  /* The signal keeps the dialog a while: it must not keep a window that
   * going on closes. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* Answered: what comes next may ask again. */
  g_clear_weak_pointer (&self->question);

  if (response == RESPONSE_DISCARD)
    lab_window_next_go_on (next, self);
  else if (response == RESPONSE_SAVE)
    lab_window_save (self, next);
  else
    lab_window_next_free (next);
}

/**
 * lab_window_ask_discard:
 * @question: what is about to be done, as a question
 * @next: (transfer full): done at once if nothing would be lost; else
 *   once the user discards the bench or it is saved
 *
 * Asks first when endpoints run or the bench has unsaved changes.
 */
void
lab_window_ask_discard (LabWindow     *self,
                        const char    *question,
                        LabWindowNext *next)
{
  guint running = lab_session_count_active (self->session);
  gboolean modified = lab_session_get_modified (self->session);
  g_autofree char *secondary = NULL;
  GtkWidget *dialog, *discard, *cancel;

  if (running == 0 && !modified)
    {
      lab_window_next_go_on (next, self);
      return;
    }
  /* Asked already (the window closed again, Ctrl+Q while it asks): the
   * one question stays, answered for what was asked first. */
  if (self->question != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->question));
      lab_window_next_free (next);
      return;
    }

  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
  secondary = describe (running, modified);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);

  cancel = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  discard = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Discard"), RESPONSE_DISCARD);
  gtk_widget_add_css_class (discard, "destructive-action");
  if (modified)
    gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Save First"), RESPONSE_SAVE);
  /* Enter and Escape keep the bench: only a click, or a mnemonic, loses it. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  gtk_window_set_focus (GTK_WINDOW (dialog), cancel);

  g_object_set_data_full (G_OBJECT (dialog), "lab-next", next, (GDestroyNotify) lab_window_next_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_response), self, 0);
  g_set_weak_pointer (&self->question, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}
