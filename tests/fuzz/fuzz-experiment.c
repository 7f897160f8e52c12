/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-experiment.h"
#include "lab-fuzz.h"

/* Any text as an experiment file: it loads or is refused with an error
 * that names its line (but for the whole file's own: too large, no
 * experiment in it), and no message holds a control character. An
 * endpoint that loads but cannot start comes with a warning at a line.
 * What loads can be saved: saved, it loads again, to the same text. */

static void
check_message (const char *message)
{
  for (const char *p = message; *p != '\0'; p++)
    lab_fuzz_check ((guchar) *p >= 0x20 && *p != 0x7f, "“%s” holds 0x%02x", message, (guchar) *p);
  lab_fuzz_check (g_utf8_validate (message, -1, NULL), "“%s” is not UTF-8", message);
}

static void
check_loaded (LabExperiment *experiment)
{
  const char *const *warnings = lab_experiment_get_warnings (experiment);
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  g_autoptr(LabExperiment) again = NULL;
  g_autoptr(GError) error = NULL;
  guint n_warnings = 0;
  guint n_unstartable = 0;
  gsize length;

  for (guint i = 0; warnings[i] != NULL; i++, n_warnings++)
    {
      check_message (warnings[i]);
      lab_fuzz_check (g_str_has_prefix (warnings[i], "Line "), "“%s” names no line", warnings[i]);
    }
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    if (!lab_endpoint_config_validate (lab_experiment_get_config (experiment, i), NULL))
      n_unstartable++;
  lab_fuzz_check (n_warnings >= n_unstartable, "%u endpoints cannot start, and %u warnings",
                  n_unstartable, n_warnings);

  saved = lab_experiment_to_data (experiment, &length);
  again = lab_experiment_new_from_data (saved, length, &error);
  lab_fuzz_check (again != NULL, "what was saved does not load: %s\n%s", error->message, saved);
  lab_fuzz_check (lab_experiment_get_n_endpoints (again) == lab_experiment_get_n_endpoints (experiment),
                  "saved and loaded, another count of endpoints");
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    lab_fuzz_check (lab_endpoint_config_equal (lab_experiment_get_config (again, i),
                                               lab_experiment_get_config (experiment, i)),
                    "endpoint %u saved and loaded is another", i);
  saved_again = lab_experiment_to_data (again, NULL);
  lab_fuzz_check (g_str_equal (saved, saved_again), "saved twice, two texts:\n%s\n%s", saved, saved_again);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = lab_experiment_new_from_data ((const char *) data, size, &error);

  if (experiment != NULL)
    {
      lab_fuzz_check (error == NULL, "an experiment and an error");
      check_loaded (experiment);
      return 0;
    }

  lab_fuzz_check (error != NULL && g_error_matches (error, LAB_ERROR, LAB_ERROR_INVALID_FILE),
                  "refused without the file's error");
  check_message (error->message);
  lab_fuzz_check (g_str_has_prefix (error->message, "Line ") ||
                  g_str_has_prefix (error->message, "The file is larger than") ||
                  g_str_has_prefix (error->message, "The file holds no experiment"),
                  "“%s” names no line", error->message);
  return 0;
}
