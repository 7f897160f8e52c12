/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-event.h"

G_BEGIN_DECLS

/* A call's arguments, kept as they were given and written out only when
 * someone reads them: recording stays cheap on the hot path. Of the bytes
 * a call sends, only the first few are kept, for b'…' (and how many there
 * were): the data event holds them all, within the timeline's limits. */
#define LAB_CALL_PREVIEW 24

typedef struct {
  gint64          i[4];
  GSocketAddress *address;
  GBytes         *bytes;
  gsize           bytes_len;
  char           *text;
  GRefString     *ref_text;   /* a text shared by many calls */
} LabCallArgs;

struct _LabEvent
{
  GObject         parent_instance;

  guint64         seq;
  LabEventKind    kind;
  LabBackendKind  backend;
  guint           endpoint_id;
  guint           run;
  GRefString     *endpoint_name;
  gint64          begin_us;
  gint64          end_us;
  guint           thread;
  int             fd;
  guint64         conn;

  /* Calls */
  LabOp           op;
  LabCall         call;
  LabCallArgs     args;
  gint64          result;
  int             err;
  GSocketAddress *address;
  GPtrArray      *resolved;
  guint           blocking : 1;
  guint           finished : 1;
  guint           instrumentation : 1;
  guint           pending : 1;      /* held before it is made: a step's preview */

  /* Kernel states */
  LabTcpState     state;
  LabTcpState     previous;
  guint           has_queue : 1;
  guint           queue_len;
  guint           queue_limit;

  /* Data */
  LabDirection    direction;
  GBytes         *bytes;
  gsize           real_len;
  guint64         offset;     /* in its connection's stream, that way */

  /* Notes */
  LabNote         note;
  char           *note_arg;
};

LabEvent *lab_event_new      (LabEventKind  kind);
LabEvent *lab_event_copy_pending (LabEvent *call);
void      lab_call_set_bytes (LabEvent     *self,
                              GBytes       *bytes);

G_END_DECLS
