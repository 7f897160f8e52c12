/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-translated.h"

struct _LabTranslated
{
  gatomicrefcount  ref_count;

  /* The text as written, in no language in particular: the file's own
   * value, or the lab's message in English */
  GStrv            untranslated;
  /* A file's translations: locale (“es”, “pt_BR”) → list of texts */
  GHashTable      *translations;

  /* One of the lab's messages and its number; each language's text is
   * made the first time it is read, and kept, so that what was returned
   * lasts as long as the text does */
  const char      *msgid;
  guint            number;
  GMutex           lock;
  GHashTable      *numbered;    /* the message's translation → list of one */
};

G_DEFINE_BOXED_TYPE (LabTranslated, lab_translated, lab_translated_ref, lab_translated_unref)

static LabTranslated *
translated_new (GStrv untranslated)
{
  LabTranslated *self = g_new0 (LabTranslated, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->untranslated = untranslated;
  return self;
}

/**
 * lab_translated_new:
 * @text: (nullable): the text, the same in every language; %NULL for ""
 */
LabTranslated *
lab_translated_new (const char *text)
{
  const char *texts[] = { text != NULL ? text : "", NULL };

  return translated_new (g_strdupv ((GStrv) texts));
}

/**
 * lab_translated_new_list:
 * @texts: (nullable): the texts, the same in every language
 */
LabTranslated *
lab_translated_new_list (const char * const *texts)
{
  const char *none[] = { NULL };

  return translated_new (g_strdupv ((GStrv) (texts != NULL ? texts : none)));
}

/**
 * lab_translated_new_numbered:
 * @msgid: one of the lab's messages, marked with N_(), with one “%u”
 * @number: the number it says
 *
 * Returns: (transfer full): the message, translated as it is read
 */
LabTranslated *
lab_translated_new_numbered (const char *msgid,
                             guint       number)
{
  LabTranslated *self;
  char **texts = g_new0 (char *, 2);

  g_return_val_if_fail (msgid != NULL, NULL);

  /* A message of the lab's, with its one %u: checked by msgfmt in each
   * catalogue, and here where it is marked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  texts[0] = g_strdup_printf (msgid, number);
#pragma GCC diagnostic pop
  self = translated_new (texts);
  self->msgid = g_intern_string (msgid);
  self->number = number;
  self->numbered = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_strfreev);
  return self;
}

/**
 * lab_translated_add_translation:
 * @locale: as a key file names it: “es”, “pt_BR”
 *
 * Gives the text in @locale, while it is being made, before it is shared.
 */
void
lab_translated_add_translation (LabTranslated      *self,
                                const char         *locale,
                                const char * const *texts)
{
  const char *none[] = { NULL };

  g_return_if_fail (self != NULL && self->msgid == NULL);
  g_return_if_fail (locale != NULL);

  if (self->translations == NULL)
    self->translations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  g_hash_table_insert (self->translations, g_strdup (locale), g_strdupv ((GStrv) (texts != NULL ? texts : none)));
}

LabTranslated *
lab_translated_ref (LabTranslated *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lab_translated_unref (LabTranslated *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_strfreev (self->untranslated);
  g_clear_pointer (&self->translations, g_hash_table_unref);
  g_clear_pointer (&self->numbered, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* The lab's message in the language of the moment, made once for each. */
static const char * const *
get_numbered (LabTranslated *self)
{
  const char *template = g_dgettext (GETTEXT_PACKAGE, self->msgid);
  GStrv texts;

  if (template == self->msgid)
    return (const char * const *) self->untranslated;

  g_mutex_lock (&self->lock);
  texts = g_hash_table_lookup (self->numbered, template);
  if (texts == NULL)
    {
      texts = g_new0 (char *, 2);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      texts[0] = g_strdup_printf (template, self->number);
#pragma GCC diagnostic pop
      g_hash_table_insert (self->numbered, (gpointer) template, texts);
    }
  g_mutex_unlock (&self->lock);

  return (const char * const *) texts;
}

/**
 * lab_translated_get_list:
 *
 * The value in the language of the moment: of the languages the user asks
 * for, in order, the first it has, as GKeyFile looks up Key[locale];
 * otherwise as written.
 *
 * Returns: (transfer none): the texts; they last as long as @self
 */
const char * const *
lab_translated_get_list (LabTranslated *self)
{
  const char * const *languages;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->msgid != NULL)
    return get_numbered (self);
  if (self->translations == NULL)
    return (const char * const *) self->untranslated;

  languages = g_get_language_names ();
  for (guint i = 0; languages[i] != NULL; i++)
    {
      GStrv texts;

      if (g_str_equal (languages[i], "C"))
        break;
      texts = g_hash_table_lookup (self->translations, languages[i]);
      if (texts != NULL)
        return (const char * const *) texts;
    }

  return (const char * const *) self->untranslated;
}

/**
 * lab_translated_get:
 *
 * Returns: (transfer none): the first text in the language of the moment,
 *   "" when there is none; it lasts as long as @self
 */
const char *
lab_translated_get (LabTranslated *self)
{
  const char * const *texts = lab_translated_get_list (self);

  return texts != NULL && texts[0] != NULL ? texts[0] : "";
}

/**
 * lab_translated_get_untranslated:
 *
 * Returns: (transfer none): the value as written, in no language
 */
const char * const *
lab_translated_get_untranslated (LabTranslated *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->untranslated;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * lab_translated_dup_locales:
 *
 * Returns: (transfer full): the locales it has a file's translation for,
 *   sorted
 */
GStrv
lab_translated_dup_locales (LabTranslated *self)
{
  g_autoptr(GPtrArray) locales = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer locale;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->translations != NULL)
    {
      g_hash_table_iter_init (&iter, self->translations);
      while (g_hash_table_iter_next (&iter, &locale, NULL))
        g_ptr_array_add (locales, g_strdup (locale));
    }
  g_ptr_array_sort (locales, compare_strings);
  g_ptr_array_add (locales, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&locales), FALSE);
}

/**
 * lab_translated_get_translation:
 *
 * Returns: (transfer none) (nullable): the file's translation for @locale
 */
const char * const *
lab_translated_get_translation (LabTranslated *self,
                                const char    *locale)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (locale != NULL, NULL);

  return self->translations != NULL ? g_hash_table_lookup (self->translations, locale) : NULL;
}

/**
 * lab_translated_get_msgid:
 * @number: (out) (optional): the number it says
 *
 * Returns: (nullable): the lab's message it is, untranslated, or %NULL
 *   for a text of a file's or one typed
 */
const char *
lab_translated_get_msgid (LabTranslated *self,
                          guint         *number)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (number != NULL)
    *number = self->number;
  return self->msgid;
}
