/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-arena.h"

/* Writers reserve their place and copy their bytes there one at a time,
 * under a lock: a writer that reserved and was then kept from running
 * while the others went once round the ring would copy its bytes over
 * theirs, and their records would show its bytes as their own. A reader
 * takes no lock: it checks that the ring has not gone past what it wants
 * before it copies, and again after, so that bytes overwritten meanwhile
 * are never taken for what was written. Positions count every byte ever
 * reserved: at this machine's speed a 64-bit count never wraps. */

struct _LabArena
{
  guint8  *data;
  gsize    size;
  guint64  reserved;   /* atomic */
  GMutex   writing;
};

LabArena *
lab_arena_new (gsize size)
{
  LabArena *arena = g_new0 (LabArena, 1);

  arena->size = MAX (size, 1);
  arena->data = g_malloc (arena->size);
  g_mutex_init (&arena->writing);
  return arena;
}

void
lab_arena_free (LabArena *arena)
{
  if (arena == NULL)
    return;
  g_mutex_clear (&arena->writing);
  g_free (arena->data);
  g_free (arena);
}

gsize
lab_arena_get_size (LabArena *arena)
{
  return arena->size;
}

/**
 * lab_arena_get_written:
 *
 * Returns: how many bytes have been reserved in @arena, ever
 */
guint64
lab_arena_get_written (LabArena *arena)
{
  return __atomic_load_n (&arena->reserved, __ATOMIC_SEQ_CST);
}

static void
copy_in (LabArena   *arena,
         guint64     position,
         const void *data,
         gsize       len)
{
  gsize at = position % arena->size;
  gsize first = MIN (len, arena->size - at);

  memcpy (arena->data + at, data, first);
  if (first < len)
    memcpy (arena->data, (const guint8 *) data + first, len - first);
}

/**
 * lab_arena_write2:
 * @head: (nullable): bytes written first
 * @data: (nullable): bytes written right after @head
 *
 * Keeps @head then @data in one piece. Any thread.
 *
 * Returns: where the piece starts, or %LAB_ARENA_NONE when it is larger
 *   than the whole arena
 */
guint64
lab_arena_write2 (LabArena   *arena,
                  const void *head,
                  gsize       head_len,
                  const void *data,
                  gsize       len)
{
  gsize total = head_len + len;
  guint64 position;

  if (total > arena->size)
    return LAB_ARENA_NONE;

  g_mutex_lock (&arena->writing);
  position = __atomic_fetch_add (&arena->reserved, total, __ATOMIC_SEQ_CST);
  if (head_len > 0)
    copy_in (arena, position, head, head_len);
  if (len > 0)
    copy_in (arena, position + head_len, data, len);
  g_mutex_unlock (&arena->writing);

  return position;
}

guint64
lab_arena_write (LabArena   *arena,
                 const void *data,
                 gsize       len)
{
  return lab_arena_write2 (arena, NULL, 0, data, len);
}

/**
 * lab_arena_holds:
 *
 * Returns: whether the @len bytes written at @position are still there
 */
gboolean
lab_arena_holds (LabArena *arena,
                 guint64   position,
                 gsize     len)
{
  guint64 reserved = lab_arena_get_written (arena);

  if (position == LAB_ARENA_NONE)
    return len == 0;
  return position + len <= reserved && reserved - position <= arena->size;
}

/**
 * lab_arena_read:
 * @out: where to copy the @len bytes
 *
 * Returns: whether the bytes were still there, whole; if not, @out holds
 *   nothing worth reading
 */
gboolean
lab_arena_read (LabArena *arena,
                guint64   position,
                gsize     len,
                void     *out)
{
  gsize at, first;

  if (!lab_arena_holds (arena, position, len))
    return FALSE;
  if (len == 0)
    return TRUE;

  at = position % arena->size;
  first = MIN (len, arena->size - at);
  memcpy (out, arena->data + at, first);
  if (first < len)
    memcpy ((guint8 *) out + first, arena->data, len - first);

  /* A writer may have gone round over them while they were copied. */
  __atomic_thread_fence (__ATOMIC_ACQUIRE);
  return lab_arena_holds (arena, position, len);
}

/**
 * lab_arena_dup:
 *
 * Returns: (transfer full) (nullable): a copy of the bytes, or %NULL when
 *   they are gone
 */
GBytes *
lab_arena_dup (LabArena *arena,
               guint64   position,
               gsize     len)
{
  guint8 *copy = g_malloc (MAX (len, 1));

  if (!lab_arena_read (arena, position, len, copy))
    {
      g_free (copy);
      return NULL;
    }
  return g_bytes_new_take (copy, len);
}

/**
 * lab_arena_copy_newest:
 *
 * Gives @to, empty, the newest bytes of @from at the same positions, as
 * many as it has room for. Nothing may write to either meanwhile.
 */
void
lab_arena_copy_newest (LabArena *to,
                       LabArena *from)
{
  guint64 end = lab_arena_get_written (from);
  gsize n = MIN (MIN (to->size, from->size), end);
  guint64 start = end - n;
  guint8 *bytes = g_malloc (MAX (n, 1));

  if (lab_arena_read (from, start, n, bytes))
    {
      to->reserved = start;
      copy_in (to, start, bytes, n);
    }
  to->reserved = end;
  g_free (bytes);
}
