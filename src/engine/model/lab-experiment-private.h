/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-experiment.h"

G_BEGIN_DECLS

/* What the model (lab-experiment.c), the reader
 * (lab-experiment-reader.c) and the writer (lab-experiment-writer.c)
 * share: the fields, and the shape of the file.
 *
 * The file, as a key file:
 *
 *   [Experiment]
 *   Version=1
 *   Title=The backlog queue
 *   Notes=What to look for.
 *   Steps=Press Play.;Watch the accept queue.;
 *
 *   [Endpoint 1]
 *   Name=Echo server
 *   Kind=tcp-server
 *   Autostart=true
 *   StartDelay=0
 *   port=5000
 *   initial-data=hola\n
 *
 * Title, Notes, Steps and Name may be translated (Title[es]=…). The other
 * keys of an endpoint are its configuration's properties, by name, with
 * enumerations by nick. Every value is checked before it is used, and
 * every problem names its line. */

#define LAB_EXPERIMENT_FORMAT_VERSION   1
#define LAB_EXPERIMENT_MAX_START_DELAY  60000

#define LAB_EXPERIMENT_GROUP            "Experiment"
#define LAB_EXPERIMENT_GROUP_ENDPOINT   "Endpoint"

/* One endpoint of the bench. */
typedef struct {
  char              *name;
  LabEndpointConfig *config;
  gboolean           autostart;
  guint              start_delay;
  guint64            breakpoints;
} LabExperimentItem;

struct _LabExperiment
{
  GObject    parent_instance;

  char      *title;
  char      *notes;
  GStrv      steps;
  GStrv      warnings;
  GPtrArray *items;   /* of LabExperimentItem */
};

GPtrArray *lab_experiment_config_properties (void);

G_END_DECLS
