/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-experiment-private.h"

/* The texts of a file that may be translated (Title, Notes, Steps, Name),
 * read with every translation the file has, so that they read in whatever
 * language the lab is switched to, and written back with them. The reader
 * has checked each version first (its length, its escapes). */

/* A list's items without spaces at either end, and without the empty ones;
 * a text without spaces at either end when @strip. */
static GStrv
read_value (GKeyFile   *file,
            const char *group,
            const char *key,
            gboolean    list,
            gboolean    strip)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = NULL;

  if (!list)
    {
      g_autofree char *text = g_key_file_get_string (file, group, key, NULL);

      if (text == NULL)
        text = g_strdup ("");
      g_strv_builder_add (builder, strip ? g_strstrip (text) : text);
      return g_strv_builder_end (builder);
    }

  items = g_key_file_get_string_list (file, group, key, NULL, NULL);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    if (g_strstrip (items[i])[0] != '\0')
      g_strv_builder_add (builder, items[i]);
  return g_strv_builder_end (builder);
}

/**
 * lab_experiment_read_translated:
 * @versions: (nullable): the keys that translate @key (“Title[es]”)
 * @list: whether the value is a list (the steps): its items are stripped,
 *   and the empty ones left out
 *
 * Returns: (transfer full): the value of @key with its translations; a
 *   name is stripped
 */
LabTranslated *
lab_experiment_read_translated (GKeyFile   *file,
                                const char *group,
                                const char *key,
                                GPtrArray  *versions,
                                gboolean    list)
{
  gboolean strip = g_str_equal (key, "Name");
  g_auto(GStrv) untranslated = read_value (file, group, key, list, strip);
  LabTranslated *text = lab_translated_new_list ((const char * const *) untranslated);

  for (guint i = 0; versions != NULL && i < versions->len; i++)
    {
      const char *version = versions->pdata[i];
      const char *open = strchr (version, '[');
      g_autofree char *locale = NULL;
      g_auto(GStrv) value = NULL;

      if (open == NULL || !g_str_has_suffix (open, "]") || open[1] == ']')
        continue;
      locale = g_strndup (open + 1, strlen (open + 1) - 1);
      value = read_value (file, group, version, list, strip);
      lab_translated_add_translation (text, locale, (const char * const *) value);
    }

  return text;
}

static void
write_value (GKeyFile           *file,
             const char         *group,
             const char         *key,
             const char         *locale,
             const char * const *value,
             gboolean            list)
{
  /* GLib refuses a translated list of nothing (a file's "Steps[es]="):
   * an empty value reads back as the same empty list. */
  if (list && locale != NULL && value[0] == NULL)
    g_key_file_set_locale_string (file, group, key, locale, "");
  else if (list && locale != NULL)
    g_key_file_set_locale_string_list (file, group, key, locale, value, g_strv_length ((GStrv) value));
  else if (list)
    g_key_file_set_string_list (file, group, key, value, g_strv_length ((GStrv) value));
  else if (locale != NULL)
    g_key_file_set_locale_string (file, group, key, locale, value[0] != NULL ? value[0] : "");
  else
    g_key_file_set_string (file, group, key, value[0] != NULL ? value[0] : "");
}

/**
 * lab_experiment_write_translated:
 *
 * Writes @text as @key, and each of its translations as Key[locale]: the
 * file reads in every language as the one it was read from did. One of
 * the lab's own messages (a name it gave) is written as it reads now.
 */
void
lab_experiment_write_translated (GKeyFile      *file,
                                 const char    *group,
                                 const char    *key,
                                 LabTranslated *text,
                                 gboolean       list)
{
  g_auto(GStrv) locales = lab_translated_dup_locales (text);

  if (lab_translated_get_msgid (text, NULL) != NULL)
    {
      write_value (file, group, key, NULL, lab_translated_get_list (text), list);
      return;
    }

  write_value (file, group, key, NULL, lab_translated_get_untranslated (text), list);
  for (guint i = 0; locales[i] != NULL; i++)
    write_value (file, group, key, locales[i], lab_translated_get_translation (text, locales[i]), list);
}
