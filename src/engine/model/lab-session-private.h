/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-session.h"

G_BEGIN_DECLS

/* The session's parts, shared by its two files: the bench and its
 * experiment (lab-session.c), and Play (lab-session-play.c). */

struct _LabSession
{
  GObject      parent_instance;

  LabTimeline *timeline;
  GListStore  *endpoints;
  guint        counts[LAB_N_ENDPOINT_KINDS];

  /* Step mode and breakpoints, for every endpoint, new ones too */
  gboolean     step_mode;
  guint64      breakpoints;

  /* The experiment loaded: its title, notes and steps, and how Play
   * starts each endpoint (endpoint id → Launch) */
  LabTranslated *title;
  LabTranslated *notes;
  LabTranslated *steps;
  GHashTable  *launch;

  /* The bench as it was last loaded or saved, as a file would hold it;
   * modified while what it is now differs (see update_modified ()) */
  char        *saved;
  gboolean     modified;
  gboolean     loading;

  /* Play: the clients waiting for the servers to be ready */
  GPtrArray   *play_servers;
  GArray      *play_clients;
  GArray      *play_sources;

  /* What the last Play did that the class is told: the ports it moved or
   * left taken (LabPlayNote), the endpoints whose start it was refused
   * (id → why, as lab_endpoint_start() said it), the ports in use it left so (server id → port), and the clients it did not
   * start (client id → the name, a LabTranslated, of the server that
   * could not start) */
  GPtrArray   *play_notes;
  GHashTable  *play_refused;
  GHashTable  *play_held;
  GHashTable  *not_started;
};

typedef struct {
  gboolean autostart;
  guint    start_delay;
} Launch;

enum {
  LAB_SESSION_HELD_CHANGED,
  LAB_SESSION_PLAY_CHANGED,
  LAB_SESSION_N_SIGNALS
};

void lab_session_emit_play_changed (LabSession *self);
void lab_session_play_cancel       (LabSession *self);
void lab_session_play_reset        (LabSession *self);

G_END_DECLS
