/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "lab-application.h"
#include "lab-locale.h"
#include "lab-network.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LabApplication) app = NULL;
  g_autofree char *language = NULL;

  /* While the process has one thread: the lab network needs it. */
  lab_network_prepare ();

  /* Events are made on the endpoints' threads and freed on the main one;
   * GLib 2.74's slice allocator then keeps taking new memory on one side
   * and hoarding it on the other. Plain malloc (GLib's own choice from
   * 2.76 on) recycles it. Set before GLib allocates anything. */
  setenv ("G_SLICE", "always-malloc", 0);

  /* A peer that closes while we write must give EPIPE, not end the program. */
  signal (SIGPIPE, SIG_IGN);

  /* The language chosen in the lab wins over the environment's. */
  app = lab_application_new ();
  language = g_settings_get_string (lab_application_get_settings (app), "language");
  lab_locale_init (language);
  gtk_disable_setlocale ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
