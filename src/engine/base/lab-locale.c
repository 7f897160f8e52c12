/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lab-locale.h"

/**
 * lab_locale_init:
 * @language: (nullable): a language code such as "es" to use instead of the
 *   user's, or %NULL or "" to follow the environment
 *
 * Sets the locale from the environment and binds the text domain. Both
 * programs and the tests call this once, before any visible string is made.
 *
 * `PROTOLAB_LOCALEDIR` overrides the installed catalogue directory, so that
 * the build tree runs in every language without being installed.
 */
/* The environment's own LANGUAGE, before the lab chose one. */
static char *environment_language;
static gboolean have_environment;

static void
apply_locale (void)
{
  const char *wanted = g_getenv ("LANGUAGE");
  const char *locale = setlocale (LC_ALL, "");

  /* gettext ignores LANGUAGE in the plain C locale; a language asked for by
   * name still has to take effect there, so move to its UTF-8 variant.
   * setlocale () also makes gettext forget the translations it looked up. */
  if (wanted != NULL && wanted[0] != '\0' &&
      (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX")))
    setlocale (LC_ALL, "C.UTF-8");
}

static void
choose_language (const char *language)
{
  if (!have_environment)
    {
      environment_language = g_strdup (g_getenv ("LANGUAGE"));
      have_environment = TRUE;
    }

  if (language != NULL && language[0] != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
  else if (environment_language != NULL)
    g_setenv ("LANGUAGE", environment_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

void
lab_locale_init (const char *language)
{
  const char *localedir;

  choose_language (language);
  apply_locale ();

  localedir = g_getenv ("PROTOLAB_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* GLib decides once, at its first translation, whether to translate at
   * all: not when the program’s domain has no catalogue for the locale,
   * unless the locale is English or C. Started in English under C.UTF-8,
   * it would never translate again, and a switch to Spanish would do
   * nothing; decided under C, it always translates. */
  {
    g_autofree char *messages = g_strdup (setlocale (LC_MESSAGES, NULL));

    setlocale (LC_MESSAGES, "C");
    g_dgettext (GETTEXT_PACKAGE, "");
    setlocale (LC_MESSAGES, messages);
  }
}

/**
 * lab_locale_set_language:
 * @language: (nullable): a language code such as "es", or %NULL or "" for
 *   the environment's
 *
 * Switches the language of the strings made from now on. Strings already
 * made (a window's labels) stay as they are: make them again.
 */
void
lab_locale_set_language (const char *language)
{
  choose_language (language);
  apply_locale ();
}
