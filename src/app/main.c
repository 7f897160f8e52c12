/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>

#include "lab-application.h"
#include "lab-locale.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LabApplication) app = NULL;
  g_autofree char *language = NULL;

  /* A peer that closes while we write must give EPIPE, not end the program. */
  signal (SIGPIPE, SIG_IGN);

  /* The language chosen in the lab wins over the environment's. */
  app = lab_application_new ();
  language = g_settings_get_string (lab_application_get_settings (app), "language");
  lab_locale_init (language);
  gtk_disable_setlocale ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
