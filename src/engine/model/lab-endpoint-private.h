/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-connection-list.h"
#include "lab-endpoint.h"
#include "lab-message-log.h"
#include "lab-run-private.h"

G_BEGIN_DECLS

struct _LabEndpoint
{
  GObject            parent_instance;

  LabTimeline       *timeline;
  LabEndpointConfig *config;
  guint              id;
  LabTranslated     *name;    /* as typed, as the lab or a file gave it */
  LabEndpointState   state;
  char              *error;
  const char        *waiting_call;
  const char        *waiting_name;
  const char        *waiting_name_before;
  LabEndpointState   state_told;
  gboolean           in_batch;
  char              *address;
  guint16            port;
  gboolean           listening;
  guint              queue_length;
  guint              queue_limit;

  LabRun            *run;
  guint              generation;
  gboolean           failed;
  /* A traced program: its wait status once it ended (-1 until then), and
   * the terminal it reads and writes (-1: the lab's own) */
  int                program_status;
  int                terminal_fd;
  GSocketAddress    *program_bound;   /* its last bind (), until it listens */

  LabConnectionList *connections;
  LabMessageLog     *messages;
  gulong             recorded_id;

  /* Step mode */
  gboolean           step_mode;
  guint64            breakpoints;
  GListStore        *paused;
};

/* The calls the step gate of the endpoint's run holds changed; @data is
 * that run's generation. */
void lab_endpoint_held_changed (gpointer owner,
                                gpointer data);

G_END_DECLS
