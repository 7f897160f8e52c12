/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-connection-list.h"
#include "lab-record-private.h"

/* A server that runs all morning serves thousands of connections: those
 * still open are all kept, of those closed only the last ones, so that
 * what an endpoint keeps does not grow with the connections it served.
 * A forgotten connection's events may still come (its TIME_WAIT ending):
 * its number is marked, a bit each, and they are left alone. */

struct _LabConnectionList
{
  GListStore *store;
  GHashTable *by_id;
  GByteArray *forgotten_ids;
  guint       n_closed;
  guint       n_forgotten;
};

LabConnectionList *
lab_connection_list_new (void)
{
  LabConnectionList *self = g_new0 (LabConnectionList, 1);

  self->store = g_list_store_new (LAB_TYPE_CONNECTION);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->forgotten_ids = g_byte_array_new ();
  return self;
}

void
lab_connection_list_free (LabConnectionList *self)
{
  g_object_unref (self->store);
  g_hash_table_unref (self->by_id);
  g_byte_array_unref (self->forgotten_ids);
  g_free (self);
}

/**
 * lab_connection_list_get_model:
 *
 * Returns: (transfer none): the connections kept, in the order they began
 */
GListModel *
lab_connection_list_get_model (LabConnectionList *self)
{
  return G_LIST_MODEL (self->store);
}

/* A new run: nothing of the last one is kept or forgotten. */
void
lab_connection_list_clear (LabConnectionList *self)
{
  g_hash_table_remove_all (self->by_id);
  g_list_store_remove_all (self->store);
  g_byte_array_set_size (self->forgotten_ids, 0);
  self->n_closed = 0;
  self->n_forgotten = 0;
}

LabConnection *
lab_connection_list_lookup (LabConnectionList *self,
                            guint64            id)
{
  return g_hash_table_lookup (self->by_id, &id);
}

static gboolean
is_forgotten (LabConnectionList *self,
              guint64            id)
{
  return id / 8 < self->forgotten_ids->len && (self->forgotten_ids->data[id / 8] & (1u << (id % 8))) != 0;
}

static void
mark_forgotten (LabConnectionList *self,
                guint64            id)
{
  if (id / 8 >= self->forgotten_ids->len)
    {
      guint old = self->forgotten_ids->len;

      g_byte_array_set_size (self->forgotten_ids, (guint) (id / 8) + 1);
      memset (self->forgotten_ids->data + old, 0, self->forgotten_ids->len - old);
    }
  self->forgotten_ids->data[id / 8] |= 1u << (id % 8);
}

/**
 * lab_connection_list_ensure:
 *
 * Returns: (transfer none) (nullable): the connection of @record, made if
 *   it is new; %NULL for a note, or for a connection forgotten
 */
LabConnection *
lab_connection_list_ensure (LabConnectionList *self,
                            LabTimeline       *timeline,
                            guint              endpoint_id,
                            const LabRecord   *record)
{
  guint64 id = record->conn;
  LabConnection *connection = g_hash_table_lookup (self->by_id, &id);

  if (connection == NULL && record->kind != LAB_EVENT_NOTE && !is_forgotten (self, id))
    {
      guint64 *key = g_new (guint64, 1);

      *key = id;
      connection = lab_connection_new (timeline, endpoint_id, id, record->fd);
      g_hash_table_insert (self->by_id, key, connection);
      g_list_store_append (self->store, connection);
    }

  return connection;
}

/* Applies @record to @connection, counting the connections it closes. */
void
lab_connection_list_apply (LabConnectionList *self,
                           LabConnection     *connection,
                           const LabRecord   *record,
                           gboolean           end)
{
  gboolean was_open = lab_connection_get_open (connection);

  lab_connection_apply (connection, record, end);
  if (was_open && !lab_connection_get_open (connection))
    self->n_closed++;
}

/**
 * lab_connection_list_forget_old:
 *
 * Forgets the oldest closed connections but the last
 * %LAB_CONNECTION_LIST_KEEP_CLOSED, once a quarter more have closed: the
 * list is gone through once for many connections, not once each.
 *
 * Returns: whether any was forgotten
 */
gboolean
lab_connection_list_forget_old (LabConnectionList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint to_forget, closed = 0;
  g_autoptr(GArray) gone = NULL;

  if (self->n_closed <= LAB_CONNECTION_LIST_KEEP_CLOSED + LAB_CONNECTION_LIST_KEEP_CLOSED / 4)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      LabConnection *connection = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      closed += !lab_connection_get_open (connection);
      g_object_unref (connection);
    }
  self->n_closed = closed;
  if (closed <= LAB_CONNECTION_LIST_KEEP_CLOSED)
    return FALSE;

  /* The oldest first; what is kept stays where it is, so that a row chosen
   * in a list stays chosen. */
  to_forget = closed - LAB_CONNECTION_LIST_KEEP_CLOSED;
  gone = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n && gone->len < to_forget; i++)
    {
      g_autoptr(LabConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      guint64 id = lab_connection_get_id (connection);

      if (lab_connection_get_open (connection))
        continue;
      mark_forgotten (self, id);
      g_hash_table_remove (self->by_id, &id);
      g_array_append_val (gone, i);
    }

  /* From the end, a run of neighbours at a time. */
  for (guint k = gone->len; k > 0;)
    {
      guint last = g_array_index (gone, guint, k - 1), first = last;

      for (k--; k > 0 && g_array_index (gone, guint, k - 1) == first - 1; k--)
        first--;
      g_list_store_splice (self->store, first, last - first + 1, NULL, 0);
    }

  self->n_closed -= gone->len;
  self->n_forgotten += gone->len;
  return TRUE;
}

/**
 * lab_connection_list_get_forgotten:
 *
 * Returns: how many closed connections of this run were forgotten
 */
guint
lab_connection_list_get_forgotten (LabConnectionList *self)
{
  return self->n_forgotten;
}
