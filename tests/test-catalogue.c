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

static GPtrArray *
read_potfiles (void)
{
  g_autofree char *path = lab_test_source_path ("po", "POTFILES.in", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
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

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/catalogue/complete", test_catalogue_complete);
  g_test_add_func ("/catalogue/check", test_catalogue_check);
  g_test_add_func ("/catalogue/potfiles", test_catalogue_potfiles);

  return g_test_run ();
}
