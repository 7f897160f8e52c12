/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-cli-private.h"
#include "lab-link.h"
#include "lab-network.h"

/* The link's conditions on the command line: --delay 80ms, --loss 10%,
 * --rate 1mbit, --mtu 1280 both ways (every host's MTU), and one way,
 * --delay-to beta 80ms (the frames to beta), --mtu-of beta 1280. Each value
 * is read as the experiment files read it, and a mistake is a usage error
 * that says the option, what it must be and what it was. */

typedef struct {
  const char   *name;           /* the option, without its dashes */
  LabLinkValue  kind;
  gsize         offset;         /* in LabLinkConditions; MTU: none */
  const char   *help;
} Setting;

static const Setting settings[LAB_CLI_LINK_N_SETTINGS] = {
  { "delay", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, delay_us),
    N_("Delay every frame on the lab network’s link by this long") },
  { "jitter", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, jitter_us),
    N_("Vary the link’s delay by up to this much either way") },
  { "loss", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, loss),
    N_("Lose this share of the frames on the link, at random") },
  { "duplicate", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, duplicate),
    N_("Send this share of the frames twice") },
  { "reorder", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, reorder),
    N_("Send this share of the frames ahead of those delayed") },
  { "corrupt", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, corrupt),
    N_("Flip a bit in this share of the frames") },
  { "rate", LAB_LINK_VALUE_RATE, G_STRUCT_OFFSET (LabLinkConditions, rate_bps),
    N_("Limit the link to this rate, as 1mbit") },
  { "queue", LAB_LINK_VALUE_QUEUE, G_STRUCT_OFFSET (LabLinkConditions, queue_limit),
    N_("How many frames the link holds before it drops at the tail (default 1000)") },
  { "down-after", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, down_after_us),
    N_("Take the link’s line down this long after the start (with --down-for)") },
  { "down-for", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, down_for_us),
    N_("Keep the link’s line down this long, every frame lost") },
  { "mtu", LAB_LINK_VALUE_MTU, 0, N_("The MTU of every host’s interface, in bytes") },
};

static const char *const placeholders[] = {
  [LAB_LINK_VALUE_TIME] = N_("TIME"),
  [LAB_LINK_VALUE_FRACTION] = N_("PERCENT"),
  [LAB_LINK_VALUE_RATE] = N_("RATE"),
  [LAB_LINK_VALUE_QUEUE] = N_("FRAMES"),
  [LAB_LINK_VALUE_MTU] = N_("BYTES"),
};

static char *
one_way_name (guint i)
{
  return g_strdup_printf (settings[i].kind == LAB_LINK_VALUE_MTU ? "%s-of" : "%s-to", settings[i].name);
}

/**
 * lab_cli_link_prepare_args:
 *
 * Makes “--delay-to beta 80ms”, two words after the option, one:
 * “--delay-to=beta=80ms”, which GOption reads. Anything else is left as
 * it is.
 */
static GPtrArray *joined_words;

void
lab_cli_link_prepare_args (int    *argc,
                           char ***argv)
{
  int out = 1;

  for (int i = 1; i < *argc; i++)
    {
      gboolean joined = FALSE;

      if (g_str_equal ((*argv)[i], "--"))
        {
          for (; i < *argc; i++)
            (*argv)[out++] = (*argv)[i];
          break;
        }
      for (guint k = 0; k < G_N_ELEMENTS (settings) && !joined; k++)
        {
          g_autofree char *name = one_way_name (k);
          g_autofree char *option = g_strconcat ("--", name, NULL);

          /* Any word for the host: a wrong one is said as such later */
          if (g_str_equal ((*argv)[i], option) && i + 2 < *argc && (*argv)[i + 1][0] != '-' &&
              strchr ((*argv)[i + 1], '=') == NULL)
            {
              char *word = g_strdup_printf ("%s=%s=%s", option, (*argv)[i + 1], (*argv)[i + 2]);

              /* Kept for the life of the program, as argv is; GOption
               * takes it out of argv, so the program holds it here. */
              if (joined_words == NULL)
                joined_words = g_ptr_array_new ();
              g_ptr_array_add (joined_words, word);
              (*argv)[out++] = word;
              i += 2;
              joined = TRUE;
            }
        }
      if (!joined)
        (*argv)[out++] = (*argv)[i];
    }
  (*argv)[out] = NULL;
  *argc = out;
}

/**
 * lab_cli_link_add_entries:
 *
 * Adds the link's options to @context's own, filling @link.
 */
void
lab_cli_link_add_entries (GOptionContext *context,
                          LabCliLink     *link)
{
  GOptionEntry entries[2 * LAB_CLI_LINK_N_SETTINGS + 1];

  memset (entries, 0, sizeof entries);
  for (guint i = 0; i < LAB_CLI_LINK_N_SETTINGS; i++)
    {
      if (link->one_way_names[i] == NULL)
        link->one_way_names[i] = one_way_name (i);
      entries[2 * i] = (GOptionEntry) { settings[i].name, 0, 0, G_OPTION_ARG_STRING, &link->both[i],
                                        settings[i].help, placeholders[settings[i].kind] };
      entries[2 * i + 1] = (GOptionEntry) { link->one_way_names[i], 0, 0, G_OPTION_ARG_STRING_ARRAY,
                                            &link->one_way[i],
                                            settings[i].kind == LAB_LINK_VALUE_MTU
                                              ? N_("The MTU of one host’s interface: --mtu-of beta 1280")
                                              : N_("The same, for the frames to one host only: --delay-to beta 80ms"),
                                            N_("HOST VALUE") };
    }
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static gboolean
say_bad (const char *command,
         const char *option,
         guint       k,
         const char *text)
{
  g_autofree char *given = lab_cli_escape (text);
  /* Translators: --delay must be a time from 0 to 10000 ms, as 80ms or 1.5s, not “soon”. */
  g_autofree char *message = g_strdup_printf (_("--%s must be %s, not “%s”"), option,
                                              lab_link_value_needs (settings[k].kind), given);

  lab_cli_usage_error (command, message);
  return FALSE;
}

static gboolean
set_value (const char        *command,
           const char        *option,
           guint              k,
           const char        *text,
           LabLinkConditions *c,
           guint             *mtu)
{
  gpointer field = settings[k].kind == LAB_LINK_VALUE_MTU ? (gpointer) mtu
                                                            : (gpointer) ((guint8 *) c + settings[k].offset);

  if (!lab_link_parse_value (settings[k].kind, text, field))
    return say_bad (command, option, k, text);
  return TRUE;
}

/**
 * lab_cli_link_given:
 *
 * Returns: whether any of the link's options was given
 */
gboolean
lab_cli_link_given (const LabCliLink *link)
{
  for (guint k = 0; k < LAB_CLI_LINK_N_SETTINGS; k++)
    if (link->both[k] != NULL || link->one_way[k] != NULL)
      return TRUE;
  return FALSE;
}

/**
 * lab_cli_link_apply:
 *
 * Sets the link as the options say, over what it was (an experiment's);
 * says on standard error what each way has then.
 *
 * Returns: whether every value was right, once the mistake has been said
 */
gboolean
lab_cli_link_apply (const LabCliLink *link,
                    const char       *command,
                    gboolean          quiet)
{
  LabLinkConditions c[LAB_NETWORK_MAX_HOSTS];
  guint mtu[LAB_NETWORK_MAX_HOSTS];
  guint n = lab_network_get_n_hosts ();

  if (!lab_cli_link_given (link))
    return TRUE;
  for (guint i = 0; i < n; i++)
    {
      lab_link_get_conditions (i, &c[i]);
      mtu[i] = lab_link_get_mtu (i);
    }

  /* Both ways first, then each way's own */
  for (guint k = 0; k < LAB_CLI_LINK_N_SETTINGS; k++)
    for (guint i = 0; link->both[k] != NULL && i < n; i++)
      if (!set_value (command, settings[k].name, k, link->both[k], &c[i], &mtu[i]))
        return FALSE;
  for (guint k = 0; k < LAB_CLI_LINK_N_SETTINGS; k++)
    for (guint j = 0; link->one_way[k] != NULL && link->one_way[k][j] != NULL; j++)
      {
        const char *arg = link->one_way[k][j];
        const char *sep = strchr (arg, '=');
        g_autofree char *host_name = sep != NULL ? g_strndup (arg, (gsize) (sep - arg)) : NULL;
        const LabNetworkHost *host = lab_network_find_host (host_name);

        if (host == NULL)
          {
            g_autofree char *given = lab_cli_escape (arg);
            /* Translators: --delay-to takes a host and a value: --delay-to beta 80ms, not “80ms”. */
            g_autofree char *message = g_strdup_printf (_("--%s takes a host of the lab network and a value, as "
                                                          "--%s beta 80ms, not “%s”"),
                                                        link->one_way_names[k], link->one_way_names[k], given);

            lab_cli_usage_error (command, message);
            return FALSE;
          }
        if (!set_value (command, link->one_way_names[k], k, sep + 1, &c[host - lab_network_get_host (0)],
                        &mtu[host - lab_network_get_host (0)]))
          return FALSE;
      }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!lab_link_conditions_check (&c[i], &error))
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", lab_network_get_host (i)->name, error->message);

          lab_cli_usage_error (command, message);
          return FALSE;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = lab_link_conditions_text (&c[i]);

      lab_link_set_conditions (i, &c[i]);
      if (!lab_link_set_mtu (i, mtu[i], NULL))
        return FALSE;
      if (!quiet)
        {
          if (mtu[i] != 0)
            /* Translators: the link's conditions for the frames to a host, and the MTU of its interface. */
            g_printerr (_("protolab-cli: the link to %s: %s; MTU %u\n"), lab_network_get_host (i)->name, text, mtu[i]);
          else
            /* Translators: the link's conditions for the frames to a host. */
            g_printerr (_("protolab-cli: the link to %s: %s\n"), lab_network_get_host (i)->name, text);
        }
    }
  return TRUE;
}

void
lab_cli_link_clear (LabCliLink *link)
{
  for (guint k = 0; k < LAB_CLI_LINK_N_SETTINGS; k++)
    {
      g_clear_pointer (&link->both[k], g_free);
      g_clear_pointer (&link->one_way[k], g_strfreev);
      g_clear_pointer (&link->one_way_names[k], g_free);
    }
}
