/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-lessons.h"
#include "lab-lessons-resources.h"

#define LESSONS_PATH "/io/github/protolab/Protolab/lessons/"
#define SUFFIX ".protolab"

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * lab_lessons_list:
 *
 * Returns: (transfer full): the ids of the lessons, in order
 */
GStrv
lab_lessons_list (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_auto(GStrv) names = NULL;

  /* Named so that the linker keeps the resource, which registers itself. */
  g_assert (lab_lessons_get_resource () != NULL);

  names = g_resources_enumerate_children (LESSONS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], SUFFIX))
      g_ptr_array_add (ids, g_strndup (names[i], strlen (names[i]) - strlen (SUFFIX)));
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/**
 * lab_lessons_file:
 *
 * Returns: (transfer full): where lesson @id is, as a resource
 */
GFile *
lab_lessons_file (const char *id)
{
  g_autofree char *uri = g_strconcat ("resource://" LESSONS_PATH, id, SUFFIX, NULL);

  g_return_val_if_fail (id != NULL, NULL);

  return g_file_new_for_uri (uri);
}

/**
 * lab_lessons_load:
 *
 * Reads lesson @id, in the language of the moment.
 *
 * Returns: (transfer full) (nullable): the lesson
 */
LabExperiment *
lab_lessons_load (const char  *id,
                  GError     **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  g_assert (lab_lessons_get_resource () != NULL);
  file = lab_lessons_file (id);
  return lab_experiment_new_from_file (file, NULL, error);
}
