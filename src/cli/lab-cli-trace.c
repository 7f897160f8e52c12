/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sys/wait.h>
#include <glib/gi18n.h>

#include "lab-cli-private.h"
#include "lab-network.h"

/* protolab-cli trace -- PROGRAM ARGS…: a program of the user's own, run
 * under the lab's tracer, its socket calls printed as they are made, with
 * the line of the program that made each. It exits as the program did. */

int
lab_cli_trace (int    argc,
               char **argv)
{
  const char *command = "trace";
  g_autofree char *format = NULL;
  g_autofree char *network = NULL;
  g_autofree char *host = NULL;
  g_autofree char *lab_host = NULL;
  g_autofree char *cwd = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) env = NULL;
  gboolean step = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("How to print the timeline: text or jsonl"), "text|jsonl" },
    { "step", 0, 0, G_OPTION_ARG_NONE, &step, N_("Hold the program before each socket call for a second"), NULL },
    { "network", 0, 0, G_OPTION_ARG_STRING, &network, N_("Where the program runs: this computer or the lab network"), "this|lab" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("With --network lab: the lab host it runs on"), "alfa|beta" },
    { "lab-host", 0, 0, G_OPTION_ARG_STRING, &lab_host, N_("Run on this host of the lab network"), "alfa|beta" },
    { "cwd", 0, 0, G_OPTION_ARG_FILENAME, &cwd, N_("Run the program in this folder"), N_("FOLDER") },
    { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &env, N_("Give the program this variable too (again for more)"), N_("NAME=VALUE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The endpoint's name in the timeline"), N_("NAME") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Record everything, print only the closing summary"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autofree char *title = NULL;
  LabCliFormat output = LAB_CLI_FORMAT_TEXT;
  LabEndpoint *endpoint;
  const char *on_host;
  int status;
  int program;

  context = lab_cli_context_new (_("[OPTION…] -- PROGRAM [ARGUMENT…]"),
                                 _("Run a program of your own and print every socket call it makes, as its "
                                   "kernel receives them, each with the line of the program that made it (for "
                                   "Python)."),
                                 entries);
  /* What follows the program's name is its own, options too. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      lab_cli_option_error (command, error);
      return 2;
    }
  /* GOption keeps "--" when it ends the options. */
  if (argc > 1 && g_str_equal (argv[1], "--"))
    {
      argc--;
      argv++;
    }
  if (argc < 2)
    {
      lab_cli_usage_error (command, _("Say which program to run, after --"));
      return 2;
    }
  if (format != NULL && !lab_cli_parse_format (command, format, &output))
    return 2;
  if (network != NULL && !g_str_equal (network, "this") && !g_str_equal (network, "lab"))
    {
      lab_cli_usage_error (command, _("--network is this (this computer) or lab (the lab network)"));
      return 2;
    }
  if (host != NULL && g_strcmp0 (network, "lab") != 0)
    {
      lab_cli_usage_error (command, _("--host is a host of the lab network: give --network lab too"));
      return 2;
    }
  on_host = lab_host != NULL ? lab_host : host;
  if (on_host == NULL && g_strcmp0 (network, "lab") == 0)
    on_host = "alfa";

  session = lab_session_new ();
  endpoint = lab_session_add (session, LAB_ENDPOINT_PROGRAM);
  g_object_set (lab_endpoint_get_config (endpoint),
                "command", (const char * const *) (argv + 1),
                "working-directory", cwd != NULL ? cwd : "",
                "environment", (const char * const *) env,
                "network-host", on_host != NULL ? on_host : "",
                NULL);
  if (!lab_endpoint_config_validate (lab_endpoint_get_config (endpoint), &error))
    {
      g_autofree char *message = lab_cli_escape (error->message);

      g_printerr ("protolab-cli: %s\n", message);
      return 2;
    }
  if (name == NULL)
    name = g_path_get_basename (argv[1]);
  lab_endpoint_set_name (endpoint, name);
  lab_endpoint_set_step_mode (endpoint, step);

  title = g_strjoinv (" ", argv + 1);
  status = lab_cli_play (session, output, quiet, 0, step, title);
  if (!lab_endpoint_get_program_status (endpoint, &program))
    return status != 0 ? status : 1;
  /* As a shell says a program a signal ended */
  return WIFSIGNALED (program) ? 128 + WTERMSIG (program) : WEXITSTATUS (program);
}
