/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-endpoint-config-private.h"
#include "lab-session.h"

/* The ports a new server is offered, by transport, as the course's
 * examples use them; the next one free among the session's is taken. */
#define FIRST_TCP_PORT 5000
#define FIRST_UDP_PORT 5001

struct _LabSession
{
  GObject      parent_instance;

  LabTimeline *timeline;
  GListStore  *endpoints;
  guint        counts[4];
};

G_DEFINE_FINAL_TYPE (LabSession, lab_session, G_TYPE_OBJECT)

LabSession *
lab_session_new (void)
{
  return g_object_new (LAB_TYPE_SESSION, NULL);
}

/**
 * lab_session_get_timeline:
 *
 * Returns: (transfer none): the timeline every endpoint records in
 */
LabTimeline *
lab_session_get_timeline (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return self->timeline;
}

/**
 * lab_session_get_endpoints:
 *
 * Returns: (transfer none): the endpoints, as #LabEndpoint, in the order
 *   they were added
 */
GListModel *
lab_session_get_endpoints (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return G_LIST_MODEL (self->endpoints);
}

static gboolean
is_server (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_TCP_SERVER || kind == LAB_ENDPOINT_UDP_SERVER;
}

static gboolean
is_tcp (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_TCP_SERVER || kind == LAB_ENDPOINT_TCP_CLIENT;
}

static char *
default_name (LabEndpointKind kind,
              guint           n)
{
  switch (kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      /* Translators: the name a new endpoint gets; %u numbers it. */
      return g_strdup_printf (_("TCP server %u"), n);
    case LAB_ENDPOINT_TCP_CLIENT:
      return g_strdup_printf (_("TCP client %u"), n);
    case LAB_ENDPOINT_UDP_SERVER:
      return g_strdup_printf (_("UDP server %u"), n);
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      return g_strdup_printf (_("UDP client %u"), n);
    }
}

static gboolean
port_taken (LabSession *self,
            guint       port,
            gboolean    tcp)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);

      if (lab_endpoint_config_is_server (config) && lab_endpoint_config_is_tcp (config) == tcp &&
          config->port == port)
        return TRUE;
    }

  return FALSE;
}

/* The address a client reaches a server at: a server bound to every
 * interface is reached on loopback. */
static const char *
reach (const char *bind_address)
{
  if (g_strcmp0 (bind_address, "0.0.0.0") == 0)
    return "127.0.0.1";
  if (g_strcmp0 (bind_address, "::") == 0)
    return "::1";
  return bind_address;
}

/**
 * lab_session_add:
 *
 * Adds a new endpoint of @kind, named and numbered for its kind. A server
 * gets the first free port of its transport from 5000; a client is filled
 * in to reach the last server of its transport added.
 *
 * Returns: (transfer none): the new endpoint
 */
LabEndpoint *
lab_session_add (LabSession      *self,
                 LabEndpointKind  kind)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (kind);
  g_autoptr(LabEndpoint) endpoint = NULL;
  g_autofree char *name = NULL;
  gboolean tcp = is_tcp (kind);
  guint port = tcp ? FIRST_TCP_PORT : FIRST_UDP_PORT;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (kind < G_N_ELEMENTS (self->counts), NULL);

  if (is_server (kind))
    {
      while (port_taken (self, port, tcp))
        port += 2;
      g_object_set (config, "port", port, NULL);
    }
  else
    {
      const char *host = "127.0.0.1";

      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i-- > 0;)
        {
          g_autoptr(LabEndpoint) other = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
          LabEndpointConfig *c = lab_endpoint_get_config (other);

          if (lab_endpoint_config_is_server (c) && lab_endpoint_config_is_tcp (c) == tcp)
            {
              host = reach (c->bind_address);
              port = c->port;
              break;
            }
        }
      g_object_set (config, "host", host, "port", port, NULL);
    }

  name = default_name (kind, ++self->counts[kind]);
  endpoint = lab_endpoint_new_with_config (self->timeline, config, name);
  g_list_store_append (self->endpoints, endpoint);

  return endpoint;
}

/**
 * lab_session_remove:
 *
 * Stops @endpoint (its threads finish on their own) and takes it off.
 */
void
lab_session_remove (LabSession  *self,
                    LabEndpoint *endpoint)
{
  guint position;

  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (LAB_IS_ENDPOINT (endpoint));

  lab_endpoint_stop (endpoint);
  if (g_list_store_find (self->endpoints, endpoint, &position))
    g_list_store_remove (self->endpoints, position);
}

/**
 * lab_session_find:
 *
 * Returns: (transfer none) (nullable): the endpoint numbered @id
 */
LabEndpoint *
lab_session_find (LabSession *self,
                  guint       id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      if (lab_endpoint_get_id (endpoint) == id)
        return endpoint;
    }

  return NULL;
}

void
lab_session_stop_all (LabSession *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      lab_endpoint_stop (endpoint);
    }
}

static void
lab_session_dispose (GObject *object)
{
  LabSession *self = LAB_SESSION (object);

  if (self->endpoints != NULL)
    lab_session_stop_all (self);
  g_clear_object (&self->endpoints);
  g_clear_object (&self->timeline);

  G_OBJECT_CLASS (lab_session_parent_class)->dispose (object);
}

static void
lab_session_class_init (LabSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lab_session_dispose;
}

static void
lab_session_init (LabSession *self)
{
  self->timeline = lab_timeline_new ();
  self->endpoints = g_list_store_new (LAB_TYPE_ENDPOINT);
}
