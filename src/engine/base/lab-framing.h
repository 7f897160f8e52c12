/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "lab-enums.h"

G_BEGIN_DECLS

/* A message may not grow larger than this unless a decoder is told so: a
 * peer that never sends a newline cannot make a decoder hold more. */
#define LAB_FRAMING_DEFAULT_MAX_MESSAGE (1024 * 1024)

typedef struct _LabDecoder LabDecoder;

typedef struct {
  gsize frame_len;    /* bytes the frame took in the stream */
  gsize header_len;   /* of which before the payload (length prefix) */
  gsize trailer_len;  /* of which after the payload (\n or \r\n) */
} LabFrameInfo;

LabDecoder *lab_decoder_new        (LabFraming    framing,
                                    gsize         fixed_size,
                                    gsize         max_message);
void        lab_decoder_free       (LabDecoder   *self);
void        lab_decoder_push       (LabDecoder   *self,
                                    const guint8 *data,
                                    gsize         len);
GBytes     *lab_decoder_next       (LabDecoder   *self,
                                    LabFrameInfo *info,
                                    GError      **error);
gsize       lab_decoder_pending    (LabDecoder   *self);
void        lab_decoder_reset      (LabDecoder   *self);

GBytes     *lab_framing_encode     (LabFraming    framing,
                                    gsize         fixed_size,
                                    GBytes       *message,
                                    GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabDecoder, lab_decoder_free)

G_END_DECLS
