/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-experiment.h"

G_BEGIN_DECLS

/* The bundled lessons: one experiment for each program and idea of the
 * course, in the course's order. */

GStrv          lab_lessons_list (void);
LabExperiment *lab_lessons_load (const char  *id,
                                 GError     **error);
GFile         *lab_lessons_file (const char  *id);
char          *lab_lessons_dup_course_folder (GError **error);

G_END_DECLS
