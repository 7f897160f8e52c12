/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-endpoint-config.h"
#include "lab-translated.h"

#include "lab-link.h"

G_BEGIN_DECLS

#define LAB_TYPE_EXPERIMENT (lab_experiment_get_type ())

G_DECLARE_FINAL_TYPE (LabExperiment, lab_experiment, LAB, EXPERIMENT, GObject)

/* The largest file that can be an experiment: more than the largest the
 * lab writes (see lab-experiment-private.h), so that whatever it saves it
 * can open again. */
#define LAB_EXPERIMENT_MAX_FILE_SIZE (6 * 1024 * 1024)

/* A saved bench: endpoints with their whole configuration, a title, notes
 * and the steps to try. Stored as a key file (`.protolab`); the bundled
 * ones are the lessons. Reading one never runs anything: it only fills in
 * configurations. */

#define LAB_EXPERIMENT_MAX_ENDPOINTS 16

LabExperiment     *lab_experiment_new                (void);
LabExperiment     *lab_experiment_new_from_data      (const char     *data,
                                                      gsize           length,
                                                      GError        **error);
LabExperiment     *lab_experiment_new_from_file      (GFile          *file,
                                                      GCancellable   *cancellable,
                                                      GError        **error);
char              *lab_experiment_to_data            (LabExperiment  *self,
                                                      gsize          *length);
gboolean           lab_experiment_save               (LabExperiment  *self,
                                                      GFile          *file,
                                                      GCancellable   *cancellable,
                                                      GError        **error);

const char        *lab_experiment_get_title          (LabExperiment  *self);
void               lab_experiment_set_title          (LabExperiment  *self,
                                                      const char     *title);
const char        *lab_experiment_get_notes          (LabExperiment  *self);
void               lab_experiment_set_notes          (LabExperiment  *self,
                                                      const char     *notes);
const char * const *lab_experiment_get_steps         (LabExperiment  *self);
void               lab_experiment_set_steps          (LabExperiment  *self,
                                                      const char * const *steps);
const char * const *lab_experiment_get_warnings      (LabExperiment  *self);

/* The title, the notes, the steps and the endpoints' names as they were
 * read, with their translations: each reads in the language of the
 * moment, and is written with them. */
typedef enum {
  LAB_EXPERIMENT_TITLE,
  LAB_EXPERIMENT_NOTES,
  LAB_EXPERIMENT_STEPS,
} LabExperimentText;

LabTranslated     *lab_experiment_get_text           (LabExperiment     *self,
                                                      LabExperimentText  which);
void               lab_experiment_set_text           (LabExperiment     *self,
                                                      LabExperimentText  which,
                                                      LabTranslated     *text);
LabTranslated     *lab_experiment_get_endpoint_text  (LabExperiment  *self,
                                                      guint           index);
void               lab_experiment_set_endpoint_text  (LabExperiment  *self,
                                                      guint           index,
                                                      LabTranslated  *name);

guint              lab_experiment_get_n_endpoints    (LabExperiment  *self);
void               lab_experiment_add_endpoint       (LabExperiment  *self,
                                                      const char     *name,
                                                      LabEndpointConfig *config,
                                                      gboolean        autostart,
                                                      guint           start_delay_ms);
const char        *lab_experiment_get_endpoint_name  (LabExperiment  *self,
                                                      guint           index);
LabEndpointConfig *lab_experiment_get_config         (LabExperiment  *self,
                                                      guint           index);
gboolean           lab_experiment_get_autostart      (LabExperiment  *self,
                                                      guint           index);
guint              lab_experiment_get_start_delay    (LabExperiment  *self,
                                                      guint           index);
guint64            lab_experiment_get_breakpoints    (LabExperiment  *self,
                                                      guint           index);
void               lab_experiment_set_breakpoints    (LabExperiment  *self,
                                                      guint           index,
                                                      guint64         breakpoints);

void               lab_experiment_get_link           (LabExperiment            *self,
                                                      guint                     to_host,
                                                      LabLinkConditions        *conditions);
void               lab_experiment_set_link           (LabExperiment            *self,
                                                      guint                     to_host,
                                                      const LabLinkConditions  *conditions);
guint              lab_experiment_get_mtu            (LabExperiment            *self,
                                                      guint                     host);
void               lab_experiment_set_mtu            (LabExperiment            *self,
                                                      guint                     host,
                                                      guint                     mtu);
gboolean           lab_experiment_has_link           (LabExperiment            *self);

G_END_DECLS
