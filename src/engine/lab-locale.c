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
void
lab_locale_init (const char *language)
{
  const char *localedir;
  const char *locale;
  const char *wanted;

  if (language != NULL && language[0] != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
  wanted = g_getenv ("LANGUAGE");

  locale = setlocale (LC_ALL, "");

  /* gettext ignores LANGUAGE in the plain C locale; a language asked for by
   * name still has to take effect there, so move to its UTF-8 variant. */
  if (wanted != NULL && wanted[0] != '\0' &&
      (locale == NULL || g_str_equal (locale, "C") || g_str_equal (locale, "POSIX")))
    setlocale (LC_ALL, "C.UTF-8");

  localedir = g_getenv ("PROTOLAB_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
