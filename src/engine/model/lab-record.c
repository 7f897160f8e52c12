/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "lab-arena.h"
#include "lab-record-private.h"

void
lab_record_init (LabRecord    *record,
                 LabEventKind  kind)
{
  memset (record, 0, sizeof *record);
  record->kind = kind;
  record->fd = -1;
  record->blob = LAB_ARENA_NONE;
  record->flags = LAB_RECORD_FINISHED;
}

/**
 * lab_record_set_duration:
 * @end_us: when the call returned, on the timeline's clock
 */
void
lab_record_set_duration (LabRecord *record,
                         gint64     end_us)
{
  gint64 us = MAX (end_us - record->begin_us, 0);

  if (us < LAB_DURATION_MS_BIT)
    record->duration = (guint32) us;
  else
    record->duration = LAB_DURATION_MS_BIT | (guint32) MIN (us / 1000, (gint64) ~LAB_DURATION_MS_BIT);
}

/**
 * lab_record_get_end_us:
 *
 * Returns: when a call returned (to the millisecond after half an hour),
 *   on the timeline's clock; the time of any other event
 */
gint64
lab_record_get_end_us (const LabRecord *record)
{
  if (record->duration & LAB_DURATION_MS_BIT)
    return record->begin_us + (gint64) (record->duration & ~LAB_DURATION_MS_BIT) * 1000;
  return record->begin_us + record->duration;
}

void
lab_addr_set (LabAddr        *addr,
              GSocketAddress *address)
{
  memset (addr, 0, sizeof *addr);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return;

  {
    GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
    GInetAddress *host = g_inet_socket_address_get_address (inet);
    gsize size = g_inet_address_get_native_size (host);

    addr->family = g_inet_address_get_family (host) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
    addr->port = g_inet_socket_address_get_port (inet);
    memcpy (addr->bytes, g_inet_address_to_bytes (host), MIN (size, sizeof addr->bytes));
  }
}

gboolean
lab_addr_is_set (const LabAddr *addr)
{
  return addr->family != 0;
}

gboolean
lab_addr_equal (const LabAddr *a,
                const LabAddr *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

/* For hash tables keyed by address. */
guint
lab_addr_hash (gconstpointer addr)
{
  const guint8 *bytes = addr;
  guint hash = 5381;

  for (gsize i = 0; i < sizeof (LabAddr); i++)
    hash = hash * 33 + bytes[i];
  return hash;
}

gboolean
lab_addr_equal_func (gconstpointer a,
                     gconstpointer b)
{
  return lab_addr_equal (a, b);
}

/**
 * lab_addr_to_address:
 *
 * Returns: (transfer full) (nullable): the address, or %NULL for none
 */
GSocketAddress *
lab_addr_to_address (const LabAddr *addr)
{
  g_autoptr(GInetAddress) host = NULL;

  if (addr->family == AF_INET)
    host = g_inet_address_new_from_bytes (addr->bytes, G_SOCKET_FAMILY_IPV4);
  else if (addr->family == AF_INET6)
    host = g_inet_address_new_from_bytes (addr->bytes, G_SOCKET_FAMILY_IPV6);
  else
    return NULL;

  return g_inet_socket_address_new (host, addr->port);
}

guint64
lab_record_get_seq (const LabRecord *record)
{
  return record->seq;
}

LabEventKind
lab_record_get_kind (const LabRecord *record)
{
  return record->kind;
}

/* On the timeline's clock (lab_timeline_now()), not from its origin. */
gint64
lab_record_get_begin_time (const LabRecord *record)
{
  return record->begin_us;
}

guint
lab_record_get_endpoint_id (const LabRecord *record)
{
  return record->endpoint_id;
}

guint64
lab_record_get_connection (const LabRecord *record)
{
  return record->conn;
}

LabOp
lab_record_get_op (const LabRecord *record)
{
  return record->op;
}

gboolean
lab_record_get_instrumentation (const LabRecord *record)
{
  return lab_record_has (record, LAB_RECORD_INSTRUMENTATION);
}

gboolean
lab_record_get_finished (const LabRecord *record)
{
  return lab_record_has (record, LAB_RECORD_FINISHED);
}

int
lab_record_get_errno (const LabRecord *record)
{
  return record->kind == LAB_EVENT_CALL ? record->err : 0;
}
