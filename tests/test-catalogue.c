/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "lab-test-utils.h"

/* The keywords of meson's 'glib' preset, and the lessons' keys, which
 * po/meson.build adds. */
static const char *xgettext_keywords[] = {
  "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
  "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
  "--keyword=Title", "--keyword=Notes", "--keyword=Steps", "--keyword=Name",
  NULL
};

/* The lines of po/@name in the source tree. */
static GStrv
read_po_lines (const char *name)
{
  g_autofree char *path = lab_test_source_path ("po", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return g_strsplit (contents, "\n", -1);
}

static GPtrArray *
read_potfiles (void)
{
  g_auto(GStrv) lines = read_po_lines ("POTFILES.in");
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0' && lines[i][0] != '#')
        g_ptr_array_add (files, g_strdup (lines[i]));
    }

  return files;
}

/* Every message of the sources, as the catalogue would be updated today,
 * has a Spanish translation that is not fuzzy. */
static void
test_catalogue_complete (void)
{
  g_autoptr(GPtrArray) potfiles = read_potfiles ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *root = lab_test_source_path (NULL, NULL);
  g_autofree char *es_po = lab_test_source_path ("po", "es.po", NULL);
  g_autofree char *tmpdir = g_dir_make_tmp ("protolab-po-XXXXXX", NULL);
  g_autofree char *pot = g_build_filename (tmpdir, "protolab.pot", NULL);
  g_autofree char *merged = g_build_filename (tmpdir, "es.po", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *directory = g_strdup_printf ("--directory=%s", root);
  g_autofree char *output = g_strdup_printf ("--output=%s", pot);
  int status;

  g_assert_nonnull (tmpdir);
  g_assert_cmpuint (potfiles->len, >, 0);

  g_ptr_array_add (argv, (gpointer) "xgettext");
  g_ptr_array_add (argv, directory);
  g_ptr_array_add (argv, output);
  g_ptr_array_add (argv, (gpointer) "--from-code=UTF-8");
  g_ptr_array_add (argv, (gpointer) "--add-comments");
  for (guint i = 0; xgettext_keywords[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) xgettext_keywords[i]);
  for (guint i = 0; i < potfiles->len; i++)
    g_ptr_array_add (argv, potfiles->pdata[i]);
  g_ptr_array_add (argv, NULL);

  lab_test_run ((const char * const *) argv->pdata, NULL, &out, &err, &status);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    const char *merge[] = { "msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file", merged,
                            es_po, pot, NULL };

    lab_test_run (merge, NULL, &out, &err, &status);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *stats[] = { "msgfmt", "--statistics", "--output-file=/dev/null", merged, NULL };
    const char *env[] = { "LANGUAGE=en", "LC_ALL=C.UTF-8", NULL };

    lab_test_run (stats, env, &out, &err, &status);
    g_assert_cmpint (status, ==, 0);
    g_test_message ("against today's sources: %s", err);
    g_assert_null (strstr (err, "untranslated"));
    g_assert_null (strstr (err, "fuzzy"));
    g_assert_nonnull (strstr (err, "translated message"));
  }

  g_unlink (merged);
  g_unlink (pot);
  g_rmdir (tmpdir);
}

/* The catalogue as it is compiles cleanly, format strings included. */
static void
test_catalogue_check (void)
{
  g_autofree char *es_po = lab_test_source_path ("po", "es.po", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "msgfmt", "--check", "--output-file=/dev/null", es_po, NULL };
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  /* Also no fuzzy entries in the file itself. */
  {
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;

    g_file_get_contents (es_po, &contents, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (strstr (contents, "#, fuzzy"));
  }
}

static gboolean
has_translatable_strings (const char *contents)
{
  return strstr (contents, "_(\"") != NULL ||
         strstr (contents, "C_(\"") != NULL ||
         strstr (contents, "translatable=\"yes\"") != NULL;
}

static void
collect_missing (const char *root,
                 const char *dir,
                 GPtrArray  *potfiles,
                 GPtrArray  *missing)
{
  g_autofree char *path = g_build_filename (root, dir, NULL);
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    return;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *relative = g_build_filename (dir, name, NULL);
      g_autofree char *full = g_build_filename (root, relative, NULL);
      g_autofree char *contents = NULL;
      gboolean listed = FALSE;

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          collect_missing (root, relative, potfiles, missing);
          continue;
        }

      if (!g_str_has_suffix (name, ".c") && !g_str_has_suffix (name, ".ui"))
        continue;
      if (!g_file_get_contents (full, &contents, NULL, NULL) || !has_translatable_strings (contents))
        continue;

      for (guint i = 0; i < potfiles->len; i++)
        listed |= g_str_equal (potfiles->pdata[i], relative);
      if (!listed)
        g_ptr_array_add (missing, g_steal_pointer (&relative));
    }
}

/* A file with visible strings that POTFILES.in forgot would never be
 * translated: every one of them is listed. */
static void
test_catalogue_potfiles (void)
{
  g_autoptr(GPtrArray) potfiles = read_potfiles ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = lab_test_source_path (NULL, NULL);

  collect_missing (root, "src", potfiles, missing);
  collect_missing (root, "ui", potfiles, missing);

  for (guint i = 0; i < missing->len; i++)
    g_test_message ("not in po/POTFILES.in: %s", (char *) missing->pdata[i]);
  g_assert_cmpuint (missing->len, ==, 0);

  /* And the list is sorted, so that merges stay simple. */
  for (guint i = 1; i < potfiles->len; i++)
    g_assert_cmpstr (potfiles->pdata[i - 1], <, potfiles->pdata[i]);
}

/* ---- The glossary ---- */

typedef struct {
  GString   *msgid;    /* the English; a plural's two forms, a line apart */
  GPtrArray *msgstr;   /* GString: each Spanish form */
} Entry;

static void
string_free (gpointer data)
{
  g_string_free (data, TRUE);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_string_free (entry->msgid, TRUE);
  g_ptr_array_unref (entry->msgstr);
  g_free (entry);
}

/* The string of a PO line's quotes, its escapes undone. */
static void
append_quoted (GString    *out,
               const char *line)
{
  const char *p = strchr (line, '"');

  g_assert_nonnull (p);
  for (p++; *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          g_string_append_c (out, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
        }
      else
        g_string_append_c (out, *p);
    }
}

/* Every message of es.po, the header and obsolete ones left out. */
static GPtrArray *
read_catalogue (void)
{
  g_auto(GStrv) lines = read_po_lines ("es.po");
  GPtrArray *entries = g_ptr_array_new_with_free_func (entry_free);
  GString *current = NULL;     /* the string a continued line adds to */
  Entry *entry = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "msgid "))
        {
          entry = g_new0 (Entry, 1);
          entry->msgid = current = g_string_new (NULL);
          entry->msgstr = g_ptr_array_new_with_free_func (string_free);
          g_ptr_array_add (entries, entry);
          append_quoted (current, line);
        }
      else if (g_str_has_prefix (line, "msgid_plural ") && entry != NULL)
        {
          current = entry->msgid;
          g_string_append_c (current, '\n');
          append_quoted (current, line);
        }
      else if (g_str_has_prefix (line, "msgstr") && entry != NULL)
        {
          current = g_string_new (NULL);
          g_ptr_array_add (entry->msgstr, current);
          append_quoted (current, line);
        }
      else if (line[0] == '"' && current != NULL)
        append_quoted (current, line);
      else if (!g_str_has_prefix (line, "msgctxt"))
        current = NULL;
    }

  g_assert_cmpuint (entries->len, >, 0);
  g_assert_cmpstr (((Entry *) entries->pdata[0])->msgid->str, ==, "");
  g_ptr_array_remove_index (entries, 0);   /* the header */

  return entries;
}

typedef struct {
  char  *name;       /* the first English form */
  GStrv  english;    /* whole words, lower case */
  GStrv  spanish;    /* forms, one of which the Spanish holds, lower case */
} Term;

static void
term_free (gpointer data)
{
  Term *term = data;

  g_free (term->name);
  g_strfreev (term->english);
  g_strfreev (term->spanish);
  g_free (term);
}

static GStrv
split_list (const char *cell)
{
  g_autofree char *lower = g_utf8_strdown (cell, -1);
  GStrv list = g_strsplit (lower, ",", -1);

  for (guint i = 0; list[i] != NULL; i++)
    g_strstrip (list[i]);
  return list;
}

/* The glossary's table, and its exceptions: English term → fragments of
 * the messages where the word means something else. */
static GPtrArray *
read_glossary (GHashTable **exceptions)
{
  g_auto(GStrv) lines = read_po_lines ("GLOSSARY.md");
  GPtrArray *terms = g_ptr_array_new_with_free_func (term_free);

  *exceptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "| ") && !g_str_has_prefix (lines[i], "| English "))
        {
          g_auto(GStrv) cells = g_strsplit (lines[i], "|", -1);
          Term *term;

          g_assert_cmpuint (g_strv_length (cells), >=, 5);
          term = g_new0 (Term, 1);
          term->english = split_list (cells[1]);
          term->spanish = split_list (cells[3]);
          term->name = g_strdup (term->english[0]);
          g_assert_cmpstr (term->spanish[0], !=, "");
          g_ptr_array_add (terms, term);
        }
      else if (g_str_has_prefix (lines[i], "- ") && strchr (lines[i], ':') != NULL)
        {
          const char *colon = strchr (lines[i], ':');
          g_autofree char *name = g_strndup (lines[i] + 2, colon - lines[i] - 2);
          GPtrArray *fragments = g_hash_table_lookup (*exceptions, name);

          if (fragments == NULL)
            {
              fragments = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (*exceptions, g_strdup (name), fragments);
            }
          g_ptr_array_add (fragments, g_strstrip (g_strdup (colon + 1)));
        }
    }

  return terms;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Whether @text holds @word as a whole word. */
static gboolean
has_word (const char *text,
          const char *word)
{
  gsize len = strlen (word);

  for (const char *p = strstr (text, word); p != NULL; p = strstr (p + 1, word))
    if ((p == text || !is_word_char (p[-1])) && !is_word_char (p[len]))
      return TRUE;

  return FALSE;
}

static gboolean
is_exception (GPtrArray  *fragments,
              const char *msgid)
{
  for (guint i = 0; fragments != NULL && i < fragments->len; i++)
    if (strstr (msgid, fragments->pdata[i]) != NULL)
      return TRUE;

  return FALSE;
}

/* A message that holds a term of the glossary says it in Spanish with the
 * glossary's word: one word for one idea, through the whole catalogue. */
static void
test_catalogue_glossary (void)
{
  g_autoptr(GHashTable) exceptions = NULL;
  g_autoptr(GPtrArray) terms = read_glossary (&exceptions);
  g_autoptr(GPtrArray) entries = read_catalogue ();
  guint checked = 0, wrong = 0;

  g_assert_cmpuint (terms->len, >=, 10);
  g_assert_cmpuint (entries->len, >, 100);

  for (guint t = 0; t < terms->len; t++)
    {
      Term *term = terms->pdata[t];
      GPtrArray *fragments = g_hash_table_lookup (exceptions, term->name);

      for (guint e = 0; e < entries->len; e++)
        {
          Entry *entry = entries->pdata[e];
          g_autofree char *english = g_utf8_strdown (entry->msgid->str, -1);
          gboolean holds = FALSE;

          for (guint w = 0; term->english[w] != NULL && !holds; w++)
            holds = has_word (english, term->english[w]);
          if (!holds || is_exception (fragments, entry->msgid->str))
            continue;

          for (guint s = 0; s < entry->msgstr->len; s++)
            {
              GString *msgstr = entry->msgstr->pdata[s];
              g_autofree char *spanish = g_utf8_strdown (msgstr->str, -1);
              gboolean found = FALSE;

              for (guint f = 0; term->spanish[f] != NULL && !found; f++)
                found = strstr (spanish, term->spanish[f]) != NULL;
              checked++;
              if (!found)
                {
                  g_test_message ("“%s” is “%s” in the glossary, but:\n  %s\n  %s", term->name,
                                  term->spanish[0], entry->msgid->str, msgstr->str);
                  wrong++;
                }
            }
        }
    }

  g_test_message ("%u translations of glossary terms checked", checked);
  g_assert_cmpuint (checked, >, 100);
  g_assert_cmpuint (wrong, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/catalogue/complete", test_catalogue_complete);
  g_test_add_func ("/catalogue/check", test_catalogue_check);
  g_test_add_func ("/catalogue/potfiles", test_catalogue_potfiles);
  g_test_add_func ("/catalogue/glossary", test_catalogue_glossary);

  return g_test_run ();
}
