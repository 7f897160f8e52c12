/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-private.h"
#include "lab-codegen.h"
#include "lab-errno.h"
#include "lab-explain.h"
#include "lab-lessons.h"

/* The commands that print without running anything: an experiment's
 * programs, the lessons, and what a call or an error means. */

/* protolab-cli code --language python|c FILE [--endpoint NAME]: an
 * experiment's endpoints as programs to hand out. */
int
lab_cli_code (int    argc,
              char **argv)
{
  g_autoptr(LabExperiment) experiment = NULL;
  g_autofree char *language_name = NULL;
  g_autofree char *endpoint_name = NULL;
  LabCodeLanguage language = LAB_CODE_PYTHON;
  gboolean found = FALSE;
  const GOptionEntry entries[] = {
    { "language", 'l', 0, G_OPTION_ARG_STRING, &language_name, N_("The language of the program: python or c"), "python|c" },
    { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint_name, N_("Only the endpoint of this name (all by default)"), N_("NAME") },
    { NULL }
  };

  if (!lab_cli_parse_experiment_command ("code", _("Print the program each endpoint of an experiment runs, in "
                                                  "Python or in C, ready to save and run."),
                                         entries, NULL, &argc, &argv))
    return 2;
  if (language_name != NULL && !lab_code_language_from_string (language_name, &language))
    {
      g_autofree char *given = lab_cli_escape (language_name);
      g_autofree char *message = g_strdup_printf (_("“%s” is not a value of --%s: use one of %s"),
                                                  given, "language", "python, c");
      lab_cli_usage_error ("code", message);
      return 2;
    }

  experiment = lab_cli_load_experiment (argv[1]);
  if (experiment == NULL)
    return 1;

  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      const char *name = lab_experiment_get_endpoint_name (experiment, i);
      g_autofree char *code = NULL;

      if (endpoint_name != NULL && g_strcmp0 (name, endpoint_name) != 0)
        continue;
      code = lab_codegen_generate (lab_experiment_get_config (experiment, i), name, language);
      g_print ("%s%s", found ? "\n" : "", code);
      found = TRUE;
    }

  if (!found)
    {
      g_autofree char *file = lab_cli_escape (argv[1]);
      g_autofree char *name = endpoint_name != NULL ? lab_cli_escape (endpoint_name) : NULL;
      /* Translators: %s is the name of an endpoint asked for with --endpoint. */
      g_autofree char *message = name != NULL
        ? g_strdup_printf (_("The experiment has no endpoint named “%s”"), name)
        : g_strdup (_("The experiment has no endpoint"));

      g_printerr ("protolab-cli: %s: %s\n", file, message);
      return 1;
    }

  return 0;
}

/* protolab-cli lessons: the bundled lessons, each an id for run. */
int
lab_cli_lessons (int    argc,
                 char **argv)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  if (argc > 1)
    {
      lab_cli_usage_error ("lessons", _("This command takes no argument"));
      return 2;
    }

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) lesson = lab_lessons_load (ids[i], &error);

      g_assert_no_error (error);
      g_print ("%-20s %s\n", ids[i], lab_experiment_get_title (lesson));
    }

  return 0;
}

/* protolab-cli explain NAME: what a call does, or what an error means. */
int
lab_cli_explain (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean list = FALSE;
  const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, N_("List every name there is an explanation for"), NULL },
    { NULL }
  };

  context = lab_cli_context_new (_("NAME"),
                                 _("Explain a socket call (accept, g_socket_accept…) or an error "
                                   "(ECONNREFUSED, EAI_NONAME…): what it does or means, when it "
                                   "waits, what it returns, what to try."),
                                 entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      lab_cli_option_error ("explain", error);
      return 2;
    }

  if (list)
    {
      g_autofree const char **calls = lab_explain_call_names ();
      g_autofree const char **errors = lab_errno_all_names ();

      for (guint i = 0; calls[i] != NULL; i++)
        g_print ("%s\n", calls[i]);
      for (guint i = 0; errors[i] != NULL; i++)
        g_print ("%s\n", errors[i]);
      return 0;
    }

  if (argc != 2)
    {
      lab_cli_usage_error ("explain", _("Give one name: a call such as accept, or an error such as ECONNREFUSED"));
      return 2;
    }

  {
    const LabExplanation *explanation = lab_explain_lookup (argv[1]);
    g_autofree char *text = NULL;

    if (explanation == NULL)
      {
        g_autofree char *given = lab_cli_escape (argv[1]);
        /* Translators: %s is a name given to explain that is neither a call nor an error the lab knows. */
        g_autofree char *message = g_strdup_printf (_("“%s” is neither a call nor an error the lab knows "
                                                      "(“protolab-cli explain --list” lists them)"), given);

        g_printerr ("protolab-cli: %s\n", message);
        return 1;
      }

    text = lab_explanation_format (explanation);
    g_print ("%s", text);
  }

  return 0;
}
