/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-experiment.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-translated.h"

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
 *   [Link]
 *   Delay=40ms
 *   Loss=1%
 *
 *   [Link to beta]
 *   Delay=80ms
 *   Rate=1mbit
 *   MTU=1280
 *
 * Title, Notes, Steps and Name may be translated (Title[es]=…). The other
 * keys of an endpoint are its configuration's properties, by name, with
 * enumerations by nick. Every value is checked before it is used, and
 * every problem names its line. */

#define LAB_EXPERIMENT_FORMAT_VERSION   1
#define LAB_EXPERIMENT_MAX_START_DELAY  60000

/* The most characters of a value as the file writes it (a title, a
 * name, a host), and the most bytes a client's initial data holds. */
#define LAB_EXPERIMENT_MAX_TEXT         4096
#define LAB_EXPERIMENT_MAX_DATA         (64 * 1024)

/* The most bytes of the lines of an endpoint's group: its initial data,
 * each byte escaped in at most four characters (\xff); its five texts
 * (Name, bind-address, host, quit-message, local-address), each character
 * at most four bytes of UTF-8; and room for the rest, numbers and words
 * under some thirty keys, and the op names of its breakpoints. */
#define LAB_EXPERIMENT_MAX_ENDPOINT_SIZE \
  (4 * LAB_EXPERIMENT_MAX_DATA + 5 * 4 * LAB_EXPERIMENT_MAX_TEXT + 4096)

/* The most bytes of a file the writer writes with every value within its
 * limit: the header's three texts (Title, Notes, Steps) and room for its
 * Version, and as many endpoints as a file holds. A client's 64 KiB of
 * binary data alone are 256 KiB written: LAB_EXPERIMENT_MAX_FILE_SIZE is
 * at least this sum, so that no file is refused for its size whose
 * values are all within theirs. */
#define LAB_EXPERIMENT_MAX_WRITTEN_SIZE \
  (3 * 4 * LAB_EXPERIMENT_MAX_TEXT + 4096 + LAB_EXPERIMENT_MAX_ENDPOINTS * LAB_EXPERIMENT_MAX_ENDPOINT_SIZE)

#define LAB_EXPERIMENT_GROUP            "Experiment"
#define LAB_EXPERIMENT_GROUP_ENDPOINT   "Endpoint"
/* The link's conditions both ways, then those of one way (“Link to beta”),
 * which override them; MTU is that of the host's interface (all hosts'
 * in [Link]). */
#define LAB_EXPERIMENT_GROUP_LINK       "Link"
#define LAB_EXPERIMENT_GROUP_LINK_TO    "Link to "

/* One endpoint of the bench. */
typedef struct {
  LabTranslated     *name;
  LabEndpointConfig *config;
  gboolean           autostart;
  guint              start_delay;
  guint64            breakpoints;
} LabExperimentItem;

struct _LabExperiment
{
  GObject    parent_instance;

  /* Each with its translations, read in the language of the moment */
  LabTranslated *title;
  LabTranslated *notes;
  LabTranslated *steps;
  GStrv      warnings;
  GPtrArray *items;   /* of LabExperimentItem */

  /* The link's conditions, by the host their frames go to, and each host's
   * MTU (0: the default) */
  LabLinkConditions link[LAB_NETWORK_MAX_HOSTS];
  guint             mtu[LAB_NETWORK_MAX_HOSTS];
};

GPtrArray *lab_experiment_config_properties (void);

/* A text of the file with its translations (Title=…, Title[es]=…), from
 * the key and the translated keys of @group found with it (“Title[es]”);
 * and the same written. Both in lab-experiment-texts.c. */
LabTranslated *lab_experiment_read_translated  (GKeyFile      *file,
                                                const char    *group,
                                                const char    *key,
                                                GPtrArray     *versions,
                                                gboolean       list);
void           lab_experiment_write_translated (GKeyFile      *file,
                                                const char    *group,
                                                const char    *key,
                                                LabTranslated *text,
                                                gboolean       list);

G_END_DECLS
