/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Name-resolution failures (getaddrinfo's EAI_* codes) are kept apart from
 * errno values by an offset, so that one int holds either. */
#define LAB_ERR_EAI_BASE 100000
#define LAB_ERR_FROM_EAI(eai) (LAB_ERR_EAI_BASE - (eai))

const char  *lab_errno_name          (int          err);
int          lab_errno_from_name     (const char  *name);
const char  *lab_errno_message       (int          err);
const char **lab_errno_all_names     (void);
int          lab_errno_from_gerror   (const GError *error,
                                      int           saved_errno);

G_END_DECLS
