/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <vte/vte.h>

#include "lab-program-panel.h"

/* A traced program on the bench, below its endpoint's Start and step mode:
 * the command it runs, how its last run ended, and its terminal, where it
 * reads what is typed and writes what it prints, as in a terminal of its
 * own. The terminal is a pseudo-terminal the lab opens: its secondary end
 * is handed to the endpoint, which gives it to the program at each start. */

struct _LabProgramPanel
{
  GtkWidget    parent_instance;

  LabEndpoint *endpoint;
  VtePty      *pty;           /* the endpoint's (see open_terminal) */

  GtkLabel    *command_label;
  GtkLabel    *folder_label;
  GtkLabel    *status_label;
  GtkLabel    *terminal_error;
  VteTerminal *terminal;
};

G_DEFINE_FINAL_TYPE (LabProgramPanel, lab_program_panel, GTK_TYPE_WIDGET)

/**
 * lab_program_panel_dup_status:
 *
 * Returns: (transfer full) (nullable): how @endpoint's traced program
 *   ended its last run, in words (“Exited with status 0”, “Ended by the
 *   signal SIGSEGV (11)”), or %NULL while it runs or before it has
 */
char *
lab_program_panel_dup_status (LabEndpoint *endpoint)
{
  int status = 0;

  if (lab_endpoint_is_active (endpoint) || !lab_endpoint_get_program_status (endpoint, &status))
    return NULL;
  if (WIFSIGNALED (status))
    {
      const char *name = sigabbrev_np (WTERMSIG (status));

      /* Translators: a signal's name and number, e.g. “SIGSEGV (11)”. */
      return g_strdup_printf (_("Ended by the signal SIG%s (%d)"), name != NULL ? name : "?", WTERMSIG (status));
    }
  /* Translators: %d is a program's exit status, 0 when it ended well. */
  return g_strdup_printf (_("Exited with status %d"), WEXITSTATUS (status));
}

GtkWidget *
lab_program_panel_get_terminal (LabProgramPanel *self)
{
  return GTK_WIDGET (self->terminal);
}

/**
 * lab_program_panel_dup_output:
 *
 * Returns: (transfer full): the text the terminal shows
 */
char *
lab_program_panel_dup_output (LabProgramPanel *self)
{
  char *text = vte_terminal_get_text (self->terminal, NULL, NULL, NULL);

  return text != NULL ? text : g_strdup ("");
}

static void
update (LabProgramPanel *self)
{
  g_auto(GStrv) command = NULL;
  g_autofree char *status = lab_program_panel_dup_status (self->endpoint);
  g_autofree char *line = NULL;
  g_autofree char *folder = NULL;

  g_object_get (lab_endpoint_get_config (self->endpoint), "command", &command, "working-directory", &folder, NULL);
  line = command != NULL ? lab_command_line_format ((const char * const *) command) : NULL;

  gtk_label_set_text (self->command_label, line != NULL ? line : _("No program chosen"));
  /* Where its files are: a student opens and changes them there. */
  if (folder != NULL && folder[0] != '\0')
    {
      g_autofree char *shown = g_filename_display_name (folder);
      /* Translators: under a traced program's command: %s is the folder it runs in. */
      g_autofree char *text = g_strdup_printf (_("In the folder %s"), shown);

      gtk_label_set_text (self->folder_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->folder_label), folder != NULL && folder[0] != '\0');
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "failed");
  if (status != NULL)
    {
      int wait_status = 0;

      if (lab_endpoint_get_program_status (self->endpoint, &wait_status) &&
          (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0))
        gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "failed");
    }
}

/* The pseudo-terminal: its main end read by the terminal widget, its
 * secondary end the program's. It is the endpoint's, kept with it: a
 * window made again (in another language) shows the same one, and the
 * program running in it goes on (closing its main end would hang it up). */
static gboolean
open_terminal (LabProgramPanel  *self,
               GError          **error)
{
  g_autoptr(VtePty) pty = NULL;
  char name[256];
  int secondary;

  if ((self->pty = g_object_get_data (G_OBJECT (self->endpoint), "lab-program-pty")) != NULL)
    {
      vte_terminal_set_pty (self->terminal, self->pty);
      return TRUE;
    }

  pty = vte_pty_new_sync (VTE_PTY_DEFAULT, NULL, error);
  if (pty == NULL)
    return FALSE;
  if (ptsname_r (vte_pty_get_fd (pty), name, sizeof name) != 0 ||
      (secondary = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  lab_endpoint_set_terminal_fd (self->endpoint, secondary);
  close (secondary);
  self->pty = pty;
  g_object_set_data_full (G_OBJECT (self->endpoint), "lab-program-pty", g_steal_pointer (&pty), g_object_unref);
  vte_terminal_set_pty (self->terminal, self->pty);
  return TRUE;
}

GtkWidget *
lab_program_panel_new (LabEndpoint *endpoint)
{
  LabProgramPanel *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (LAB_IS_ENDPOINT (endpoint), NULL);

  self = g_object_new (LAB_TYPE_PROGRAM_PANEL, NULL);
  self->endpoint = g_object_ref (endpoint);

  if (!open_terminal (self, &error))
    {
      /* Translators: %s is why no pseudo-terminal could be opened. */
      g_autofree char *text = g_strdup_printf (_("No terminal for the program (%s): what it prints goes where "
                                                 "the lab's own output goes, and it reads nothing typed."),
                                               error->message);

      gtk_label_set_text (self->terminal_error, text);
      gtk_widget_set_visible (GTK_WIDGET (self->terminal_error), TRUE);
    }

  g_signal_connect_object (lab_endpoint_get_config (endpoint), "notify::command", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_config (endpoint), "notify::working-directory", G_CALLBACK (update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

static void
lab_program_panel_dispose (GObject *object)
{
  LabProgramPanel *self = LAB_PROGRAM_PANEL (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->pty = NULL;
  g_clear_object (&self->endpoint);

  G_OBJECT_CLASS (lab_program_panel_parent_class)->dispose (object);
}

static void
lab_program_panel_class_init (LabProgramPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_program_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "program-panel");
}

static GtkLabel *
add_label (LabProgramPanel *self,
           const char      *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return GTK_LABEL (label);
}

static void
lab_program_panel_init (LabProgramPanel *self)
{
  GtkWidget *heading;
  GtkWidget *frame;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->command_label = add_label (self, "monospace");
  gtk_label_set_selectable (self->command_label, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->command_label), _("The command the lab runs, traced"));
  self->folder_label = add_label (self, "dim-label");
  gtk_label_set_selectable (self->folder_label, TRUE);
  self->status_label = add_label (self, "program-status");

  heading = GTK_WIDGET (add_label (self, "heading"));
  gtk_label_set_text (GTK_LABEL (heading), _("Its terminal: what it prints, and where you type what it reads"));
  self->terminal_error = add_label (self, "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->terminal_error), FALSE);

  self->terminal = VTE_TERMINAL (vte_terminal_new ());
  vte_terminal_set_scrollback_lines (self->terminal, 2000);
  /* Its natural width fits a panel of the bench even in presentation
   * mode's large text; wider, it takes the columns it is given. */
  vte_terminal_set_size (self->terminal, 40, 10);
  gtk_widget_set_hexpand (GTK_WIDGET (self->terminal), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->terminal), -1, 160);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->terminal), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The program's terminal"), -1);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->terminal));
  gtk_widget_set_parent (frame, GTK_WIDGET (self));
}
