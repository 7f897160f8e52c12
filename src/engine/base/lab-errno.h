/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Name-resolution failures (getaddrinfo's EAI_* codes) are kept apart from
 * errno values by an offset, so that one int holds either. */
#define LAB_ERR_EAI_BASE 100000
#define LAB_ERR_FROM_EAI(eai) (LAB_ERR_EAI_BASE - (eai))

/* A failure GIO made itself, with no system call failing (its timeout:
 * its own poll () returned 0), is kept apart by another offset, under its
 * GIOErrorEnum name, so that it is not shown as an errno it never was. */
#define LAB_ERR_GIO_BASE 200000
#define LAB_ERR_FROM_GIO(code) (LAB_ERR_GIO_BASE + (code))
#define LAB_ERR_GIO_TIMED_OUT LAB_ERR_FROM_GIO (G_IO_ERROR_TIMED_OUT)

const char  *lab_errno_name          (int          err);
int          lab_errno_from_name     (const char  *name);
const char  *lab_errno_message       (int          err);
char        *lab_errno_dup_failure   (const char  *failure);
const char **lab_errno_all_names     (void);
int          lab_errno_from_gerror   (const GError *error,
                                      int           saved_errno);

G_END_DECLS
