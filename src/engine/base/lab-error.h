/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_ERROR (lab_error_quark ())

typedef enum {
  /* What the user typed cannot be used: a port, a host, hex. */
  LAB_ERROR_INVALID_INPUT,
  /* An endpoint's configuration cannot start. */
  LAB_ERROR_INVALID_CONFIG,
  /* A framed stream broke its framing (a length over the limit, say). */
  LAB_ERROR_FRAMING,
  /* A file could not be read as what it should be. */
  LAB_ERROR_INVALID_FILE,
  /* What was asked needs the endpoint running, and it is not. */
  LAB_ERROR_NOT_RUNNING,
  /* What was asked needs the endpoint stopped, and it runs. */
  LAB_ERROR_RUNNING,
  /* The lab network cannot be made, or used, here. */
  LAB_ERROR_NETWORK,
} LabError;

GQuark lab_error_quark (void);

G_END_DECLS
