/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-endpoint-config.h"
#include "lab-lessons.h"
#include "lab-lessons-resources.h"

#define LESSONS_PATH "/io/github/protolab/Protolab/lessons/"
#define COURSE_PATH LESSONS_PATH "course/"
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
  g_autoptr(LabExperiment) experiment = NULL;
  g_autofree char *course = NULL;

  g_return_val_if_fail (id != NULL, NULL);

  g_assert (lab_lessons_get_resource () != NULL);
  file = lab_lessons_file (id);
  experiment = lab_experiment_new_from_file (file, NULL, error);
  if (experiment == NULL)
    return NULL;

  /* A lesson's program is one of the course's, run from where the lab
   * keeps them. */
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      LabEndpointConfig *config = lab_experiment_get_config (experiment, i);
      g_autofree char *folder = NULL;

      if (!lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (config)))
        continue;
      g_object_get (config, "working-directory", &folder, NULL);
      if (folder != NULL && folder[0] != '\0')
        continue;
      if (course == NULL && (course = lab_lessons_dup_course_folder (error)) == NULL)
        return NULL;
      g_object_set (config, "working-directory", course, NULL);
    }

  return g_steal_pointer (&experiment);
}

/**
 * lab_lessons_dup_course_folder:
 *
 * Writes the course's programs that lessons run, each unchanged but for
 * its port (it takes it as its argument), into a folder of the user's
 * where a student can read and change them; a program there already is
 * left as it is: it may be the student's change.
 *
 * Returns: (transfer full) (nullable): the folder
 */
char *
lab_lessons_dup_course_folder (GError **error)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "protolab", "course", NULL);
  g_auto(GStrv) names = NULL;

  g_assert (lab_lessons_get_resource () != NULL);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int err = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), _("Could not make the folder “%s”: %s"),
                   folder, g_strerror (err));
      return NULL;
    }

  names = g_resources_enumerate_children (COURSE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *resource = g_strconcat (COURSE_PATH, names[i], NULL);
      g_autofree char *path = g_build_filename (folder, names[i], NULL);
      g_autoptr(GBytes) text = NULL;
      gsize len;
      const char *data;

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      text = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_assert (text != NULL);
      data = g_bytes_get_data (text, &len);
      if (!g_file_set_contents (path, data, (gssize) len, error))
        return NULL;
    }

  return g_steal_pointer (&folder);
}
