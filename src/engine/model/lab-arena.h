/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An arena: a ring of bytes of a fixed size, written by any thread (one at
 * a time, for as long as a copy takes) and read by the main context without
 * a lock. What is written is known by where
 * it starts in the stream of everything ever written (a position), so that
 * a reader can tell whether it is still there: once the ring has gone
 * round past it, it is gone, and the reader says so. The oldest bytes go
 * first, and nothing outside the ring is ever kept: the arena is the one
 * cap on the bytes a timeline keeps. */

#define LAB_ARENA_NONE G_MAXUINT64

typedef struct _LabArena LabArena;

LabArena *lab_arena_new     (gsize        size);
void      lab_arena_free    (LabArena    *arena);
gsize     lab_arena_get_size (LabArena   *arena);
guint64   lab_arena_write   (LabArena    *arena,
                             const void  *data,
                             gsize        len);
guint64   lab_arena_write2  (LabArena    *arena,
                             const void  *head,
                             gsize        head_len,
                             const void  *data,
                             gsize        len);
gboolean  lab_arena_holds   (LabArena    *arena,
                             guint64      position,
                             gsize        len);
gboolean  lab_arena_read    (LabArena    *arena,
                             guint64      position,
                             gsize        len,
                             void        *out);
GBytes   *lab_arena_dup     (LabArena    *arena,
                             guint64      position,
                             gsize        len);
guint64   lab_arena_get_written (LabArena *arena);
void      lab_arena_copy_newest (LabArena *to,
                                 LabArena *from);

G_END_DECLS
