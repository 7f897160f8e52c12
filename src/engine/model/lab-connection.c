/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-address.h"
#include "lab-connection-private.h"
#include "lab-record-private.h"
#include "lab-timeline-filter.h"

/* A connection's data, for the bytes view, are its events in the
 * timeline: they are kept there, within the timeline's limits, and the
 * connection keeps only a view of them, made when it is asked for. */
#define MAX_TRANSITIONS  32

struct _LabConnection
{
  GObject      parent_instance;

  guint64      id;
  int          fd;
  char        *peer_address;
  char        *local_address;
  LabTcpState  state;
  gboolean     open;
  guint64      bytes_in;
  guint64      bytes_out;
  LabTimeline *timeline;
  guint        endpoint_id;
  LabTimelineFilter *data;
  GArray      *transitions;
  /* Properties changed by the events of the batch being applied, told
   * once at its end: a flood makes one notification a batch, not one an
   * event. */
  guint        changed;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_FD,
  PROP_PEER_ADDRESS,
  PROP_LOCAL_ADDRESS,
  PROP_STATE,
  PROP_OPEN,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LabConnection, lab_connection, G_TYPE_OBJECT)

LabConnection *
lab_connection_new (LabTimeline *timeline,
                    guint        endpoint_id,
                    guint64      id,
                    int          fd)
{
  LabConnection *self = g_object_new (LAB_TYPE_CONNECTION, NULL);

  self->timeline = g_object_ref (timeline);
  self->endpoint_id = endpoint_id;
  self->id = id;
  self->fd = fd;
  return self;
}

guint64      lab_connection_get_id            (LabConnection *self) { return self->id; }
const char  *lab_connection_get_peer_address  (LabConnection *self) { return self->peer_address; }
LabTcpState  lab_connection_get_state         (LabConnection *self) { return self->state; }
gboolean     lab_connection_get_open          (LabConnection *self) { return self->open; }
guint64      lab_connection_get_bytes_in      (LabConnection *self) { return self->bytes_in; }
guint64      lab_connection_get_bytes_out     (LabConnection *self) { return self->bytes_out; }

/**
 * lab_connection_get_data:
 *
 * Returns: (transfer none): the data events of this connection, both
 *   directions, in order, as the timeline keeps them
 */
GListModel *
lab_connection_get_data (LabConnection *self)
{
  if (self->data == NULL)
    {
      self->data = lab_timeline_filter_new (self->timeline);
      lab_timeline_filter_set (self->data, 1u << LAB_EVENT_DATA, FALSE, self->endpoint_id, self->id);
    }
  return G_LIST_MODEL (self->data);
}

/**
 * lab_connection_get_transitions:
 *
 * Returns: (transfer none) (element-type LabTransition): the recent kernel
 *   states of this connection, oldest first
 */
GArray *
lab_connection_get_transitions (LabConnection *self)
{
  return self->transitions;
}

static void
set_address (LabConnection  *self,
             char          **field,
             const LabAddr  *addr,
             guint           prop)
{
  g_autoptr(GSocketAddress) address = lab_addr_to_address (addr);
  g_autofree char *text = NULL;

  if (address == NULL)
    return;

  text = lab_address_format (address);
  if (g_strcmp0 (text, *field) == 0)
    return;

  g_free (*field);
  *field = g_steal_pointer (&text);
  self->changed |= 1u << prop;
}

static void
set_open (LabConnection *self,
          gboolean       open)
{
  if (self->open == open)
    return;

  self->open = open;
  self->changed |= 1u << PROP_OPEN;
}

/**
 * lab_connection_apply:
 * @end: whether this is the end of a blocking call recorded before
 *
 * Takes in one event of this connection. What it changes is told by
 * lab_connection_notify_changes(), once the batch is applied.
 */
void
lab_connection_apply (LabConnection   *self,
                      const LabRecord *record,
                      gboolean         end)
{
  switch (record->kind)
    {
    case LAB_EVENT_STATE:
      set_address (self, &self->peer_address, &record->address, PROP_PEER_ADDRESS);
      if (record->sub != self->state)
        {
          LabTransition t = { record->sub, record->begin_us };

          g_array_append_val (self->transitions, t);
          if (self->transitions->len > MAX_TRANSITIONS)
            g_array_remove_index (self->transitions, 0);
          self->state = record->sub;
          self->changed |= 1u << PROP_STATE;
        }
      break;

    case LAB_EVENT_DATA:
      if (self->peer_address == NULL)
        set_address (self, &self->peer_address, &record->address, PROP_PEER_ADDRESS);
      if (record->sub == LAB_DIRECTION_IN)
        {
          self->bytes_in += record->real_len;
          self->changed |= 1u << PROP_BYTES_IN;
        }
      else
        {
          self->bytes_out += record->real_len;
          self->changed |= 1u << PROP_BYTES_OUT;
        }
      break;

    case LAB_EVENT_CALL:
      if (lab_record_has (record, LAB_RECORD_INSTRUMENTATION))
        break;
      if (record->op == LAB_OP_CLOSE && lab_record_has (record, LAB_RECORD_FINISHED) && record->err == 0)
        set_open (self, FALSE);
      else if (record->op == LAB_OP_GETSOCKNAME && lab_record_has (record, LAB_RECORD_FINISHED))
        set_address (self, &self->local_address, &record->address, PROP_LOCAL_ADDRESS);
      else if (record->op == LAB_OP_CONNECT)
        set_address (self, &self->peer_address, &record->address, PROP_PEER_ADDRESS);
      break;

    case LAB_EVENT_NOTE:
      /* A UDP peer the server no longer keeps is over, as a closed
       * connection is. */
      if (record->sub == LAB_NOTE_PEER_FORGOTTEN)
        set_open (self, FALSE);
      break;

    default:
      break;
    }
}

/**
 * lab_connection_notify_changes:
 *
 * Tells what the events applied since the last call changed.
 *
 * Returns: whether anything did
 */
gboolean
lab_connection_notify_changes (LabConnection *self)
{
  guint changed = self->changed;

  if (changed == 0)
    return FALSE;

  self->changed = 0;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_0 + 1; prop < N_PROPS; prop++)
    if (changed & (1u << prop))
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

static void
lab_connection_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabConnection *self = LAB_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_uint64 (value, self->id); break;
    case PROP_FD: g_value_set_int (value, self->fd); break;
    case PROP_PEER_ADDRESS: g_value_set_string (value, self->peer_address); break;
    case PROP_LOCAL_ADDRESS: g_value_set_string (value, self->local_address); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_OPEN: g_value_set_boolean (value, self->open); break;
    case PROP_BYTES_IN: g_value_set_uint64 (value, self->bytes_in); break;
    case PROP_BYTES_OUT: g_value_set_uint64 (value, self->bytes_out); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_connection_finalize (GObject *object)
{
  LabConnection *self = LAB_CONNECTION (object);

  g_free (self->peer_address);
  g_free (self->local_address);
  g_clear_object (&self->data);
  g_clear_object (&self->timeline);
  g_array_unref (self->transitions);

  G_OBJECT_CLASS (lab_connection_parent_class)->finalize (object);
}

#define RO (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
lab_connection_class_init (LabConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_connection_get_property;
  object_class->finalize = lab_connection_finalize;

  properties[PROP_ID] = g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0, RO);
  properties[PROP_FD] = g_param_spec_int ("fd", NULL, NULL, -1, G_MAXINT, -1, RO);
  properties[PROP_PEER_ADDRESS] = g_param_spec_string ("peer-address", NULL, NULL, NULL, RO);
  properties[PROP_LOCAL_ADDRESS] = g_param_spec_string ("local-address", NULL, NULL, NULL, RO);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, LAB_TYPE_TCP_STATE, LAB_TCP_UNKNOWN, RO);
  properties[PROP_OPEN] = g_param_spec_boolean ("open", NULL, NULL, FALSE, RO);
  properties[PROP_BYTES_IN] = g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0, RO);
  properties[PROP_BYTES_OUT] = g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0, RO);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

#undef RO

static void
lab_connection_init (LabConnection *self)
{
  self->fd = -1;
  self->open = TRUE;
  self->transitions = g_array_new (FALSE, FALSE, sizeof (LabTransition));
}
