/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "lab-cli-private.h"
#include "lab-locale.h"
#include "lab-network.h"

/* protolab-cli: the lab's engine with no display. A command a run: an
 * endpoint or an experiment, its timeline printed as it is recorded, as
 * text or JSON Lines; or words about a lesson, a call or an error. */

typedef struct {
  const char      *name;
  LabEndpointKind  kind;
} EndpointCommand;

static const EndpointCommand endpoint_commands[] = {
  { "tcp-server", LAB_ENDPOINT_TCP_SERVER },
  { "tcp-client", LAB_ENDPOINT_TCP_CLIENT },
  { "udp-server", LAB_ENDPOINT_UDP_SERVER },
  { "udp-client", LAB_ENDPOINT_UDP_CLIENT },
  { "ping", LAB_ENDPOINT_PING },
};

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

  /* While the process has one thread: the lab network needs it. */
  lab_network_prepare ();

  /* Events are made on the endpoints' threads and freed on the main one;
   * GLib 2.74's slice allocator then keeps taking new memory on one side
   * and hoarding it on the other. Plain malloc (GLib's own choice from
   * 2.76 on) recycles it. Set before GLib allocates anything. */
  setenv ("G_SLICE", "always-malloc", 0);

  /* A peer that closes while we write must give EPIPE, not end the program. */
  signal (SIGPIPE, SIG_IGN);
  lab_locale_init (NULL);

  for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (endpoint_commands); i++)
    if (g_str_equal (argv[1], endpoint_commands[i].name))
      return lab_cli_run_endpoint (endpoint_commands[i].kind, endpoint_commands[i].name, argc - 1, argv + 1);

  if (argc > 1 && g_str_equal (argv[1], "explain"))
    return lab_cli_explain (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "run"))
    return lab_cli_run_experiment (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "lessons"))
    return lab_cli_lessons (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "code"))
    return lab_cli_code (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "trace"))
    return lab_cli_trace (argc - 1, argv + 1);

  context = lab_cli_context_new (_("COMMAND [OPTION…]"),
                                 _("Run Protolab’s servers and clients from a terminal and print "
                                   "every socket call they make."),
                                 entries);
  g_option_context_set_description (context,
                                    _("Commands:\n"
                                      "  tcp-server   a TCP server (echo, uppercase, time, discard, manual)\n"
                                      "  tcp-client   a TCP client\n"
                                      "  udp-server   a UDP server\n"
                                      "  udp-client   a UDP client\n"
                                      "  ping         ICMP echo requests to a host, with their round-trip times\n"
                                      "  run          play an experiment file (.protolab) or a lesson\n"
                                      "  lessons      list the bundled lessons\n"
                                      "  code         an experiment's endpoints as Python or C programs\n"
                                      "  trace        a program of your own, its socket calls traced\n"
                                      "  explain      what a socket call does or an error means\n"
                                      "\n"
                                      "“protolab-cli COMMAND --help” lists a command’s options."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_autofree char *message = lab_cli_escape (error->message);

      g_printerr ("protolab-cli: %s\n", message);
      return 2;
    }

  if (version)
    {
      g_print ("protolab-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (argc < 2)
    g_printerr ("protolab-cli: %s\n", _("Say which command to run: tcp-server, tcp-client, udp-server, udp-client or ping"));
  else
    {
      g_autofree char *given = lab_cli_escape (argv[1]);
      /* Translators: %s is a word given as a command that is not one. */
      g_autofree char *message = g_strdup_printf (_("“%s” is not a command: use tcp-server, tcp-client, "
                                                    "udp-server, udp-client or ping"), given);
      g_printerr ("protolab-cli: %s\n", message);
    }
  g_printerr ("%s\n", _("Try “protolab-cli --help”."));
  return 2;
}
