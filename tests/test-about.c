/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-application.h"
#include "lab-test-ui.h"
#include "lab-window.h"

static GtkAboutDialog *
find_about_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_ABOUT_DIALOG (window))
        return GTK_ABOUT_DIALOG (window);
    }

  return NULL;
}

static gboolean
about_is_shown (gpointer data)
{
  GtkAboutDialog *dialog = find_about_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Run with LANGUAGE=es: the dialog speaks Spanish from our own catalogue. */
static void
test_about_spanish (void)
{
  LabApplication *app = lab_test_ui_application ();
  GtkAboutDialog *dialog;
  LabWindow *window;


  window = g_object_ref (lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app)));
  lab_test_ui_present (GTK_WINDOW (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  lab_test_ui_wait (about_is_shown, NULL, 10000);

  dialog = find_about_dialog ();
  g_assert_cmpstr (gtk_about_dialog_get_program_name (dialog), ==, "Protolab");
  g_assert_cmpstr (gtk_about_dialog_get_comments (dialog), ==,
                   "Construye servidores y clientes TCP y UDP, ejecútalos sobre sockets reales "
                   "y observa cada llamada que hacen.");
  g_assert_cmpstr (gtk_about_dialog_get_version (dialog), ==, PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/about/spanish", test_about_spanish);

  return g_test_run ();
}
