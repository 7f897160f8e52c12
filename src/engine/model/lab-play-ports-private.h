/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-endpoint-config.h"
#include "lab-translated.h"

G_BEGIN_DECLS

/* What Play asks of a server's port before it starts the server: whether
 * it is in use, as the server would bind it; a free one to move to; which
 * clients reach it; and, where it stays taken, what holds it. */

gboolean  lab_play_port_in_use          (LabEndpointConfig *server);
guint     lab_play_free_port            (LabEndpointConfig *server);
gboolean  lab_play_reaches              (LabEndpointConfig *client,
                                         LabEndpointConfig *server);
gboolean  lab_play_shows_address_in_use (GPtrArray         *servers);
/* What Play tells the class of a server's port: that it moved it, or,
 * where the port in use is the point, what holds it. */
typedef struct {
  LabTranslated *server; /* the server's name, in the language it is read in */
  guint      port;      /* the port it was given */
  guint      moved_to;  /* the port it uses this time, or 0: left taken */
  GPtrArray *holders;   /* (element-type LabKernelHolder) (nullable) */
} LabPlayNote;

void      lab_play_note_free            (LabPlayNote       *note);
char     *lab_play_note_format          (const LabPlayNote *note);

G_END_DECLS
