/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "lab-locale.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* A peer that closes while we write must give EPIPE, not end the program. */
  signal (SIGPIPE, SIG_IGN);
  lab_locale_init (NULL);

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_summary (context, _("Run Protolab’s servers and clients from a terminal and print "
                                           "every socket call they make."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("protolab-cli: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("protolab-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  return 0;
}
