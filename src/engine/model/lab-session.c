/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-endpoint-config-private.h"
#include "lab-kernel-private.h"
#include "lab-link.h"
#include "lab-network.h"
#include "lab-play-ports-private.h"
#include "lab-run-private.h"
#include "lab-session-private.h"

/* The ports a new server is offered, by transport, as the course's
 * examples use them; the next one free among the session's is taken. */
#define FIRST_TCP_PORT 5000
#define FIRST_UDP_PORT 5001

G_DEFINE_FINAL_TYPE (LabSession, lab_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STEP_MODE,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[LAB_SESSION_N_SIGNALS];

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

/* The name the lab gives an endpoint, kept as its message and number so
 * that it reads in the language of the moment. */
static LabTranslated *
default_name (LabEndpointKind kind,
              guint           n)
{
  switch (kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      /* Translators: the name a new endpoint gets; %u numbers it. */
      return lab_translated_new_numbered (N_("TCP server %u"), n);
    case LAB_ENDPOINT_TCP_CLIENT:
      return lab_translated_new_numbered (N_("TCP client %u"), n);
    case LAB_ENDPOINT_UDP_SERVER:
      return lab_translated_new_numbered (N_("UDP server %u"), n);
    case LAB_ENDPOINT_PING:
      return lab_translated_new_numbered (N_("Ping %u"), n);
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      return lab_translated_new_numbered (N_("UDP client %u"), n);
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

static void on_held_changed (LabSession *self);
static LabEndpoint *add_endpoint (LabSession *self, LabEndpointConfig *config, LabTranslated *name);

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
 * in to reach the last server of its transport added, and runs where it
 * runs (this computer, or its host of the lab network). The bench holds no
 * more endpoints than an experiment file does, so that whatever it holds
 * can be saved and opened again.
 *
 * Returns: (transfer none) (nullable): the new endpoint, or %NULL when the
 *   bench already holds %LAB_EXPERIMENT_MAX_ENDPOINTS
 */
LabEndpoint *
lab_session_add (LabSession      *self,
                 LabEndpointKind  kind)
{
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (kind);
  g_autoptr(LabTranslated) name = NULL;
  gboolean tcp = lab_endpoint_kind_is_tcp (kind);
  guint port = tcp ? FIRST_TCP_PORT : FIRST_UDP_PORT;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (kind < G_N_ELEMENTS (self->counts), NULL);

  if (lab_session_is_full (self))
    return NULL;

  if (lab_endpoint_kind_is_ping (kind))
    {
      /* A ping has no port: it pings the host of the last server added,
       * from where that one runs, as a client would reach it. */
      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i-- > 0;)
        {
          g_autoptr(LabEndpoint) other = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
          LabEndpointConfig *c = lab_endpoint_get_config (other);

          if (lab_endpoint_config_is_server (c))
            {
              g_object_set (config, "host", reach (c->bind_address), "network-host", c->network_host, NULL);
              break;
            }
        }
    }
  else if (lab_endpoint_kind_is_server (kind))
    {
      while (port_taken (self, port, tcp))
        port += 2;
      g_object_set (config, "port", port, NULL);
    }
  else
    {
      const char *host = "127.0.0.1";
      const char *network_host = "";

      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i-- > 0;)
        {
          g_autoptr(LabEndpoint) other = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
          LabEndpointConfig *c = lab_endpoint_get_config (other);

          if (lab_endpoint_config_is_server (c) && lab_endpoint_config_is_tcp (c) == tcp)
            {
              host = reach (c->bind_address);
              port = c->port;
              network_host = c->network_host;
              break;
            }
        }
      /* Where the server runs: there, its address is one to reach. */
      g_object_set (config, "host", host, "port", port, "network-host", network_host, NULL);
    }

  name = default_name (kind, ++self->counts[kind]);
  return add_endpoint (self, config, name);
}

/**
 * lab_session_is_full:
 *
 * Returns: whether the bench holds %LAB_EXPERIMENT_MAX_ENDPOINTS, as many
 *   as an experiment file holds: no other can be added
 */
gboolean
lab_session_is_full (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)) >= LAB_EXPERIMENT_MAX_ENDPOINTS;
}

G_STATIC_ASSERT (LAB_TIMELINE_N_MARKS == LAB_EXPERIMENT_MAX_ENDPOINTS);

/* The first mark no endpoint on the bench has: so the endpoints of a bench
 * never share one, and a bench of few has the first marks, which stand
 * furthest apart. */
static guint
free_mark (LabSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->endpoints));
  guint32 taken = 0;
  guint mark = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      taken |= 1u << lab_endpoint_get_mark (endpoint);
    }
  while (mark < LAB_TIMELINE_N_MARKS - 1 && (taken & (1u << mark)) != 0)
    mark++;
  return mark;
}

static LabEndpoint *
add_endpoint (LabSession        *self,
              LabEndpointConfig *config,
              LabTranslated     *name)
{
  g_autoptr(LabEndpoint) endpoint = lab_endpoint_new_with_config (self->timeline, config, NULL);

  lab_endpoint_set_translated_name (endpoint, name);

  lab_timeline_set_endpoint_mark (self->timeline, lab_endpoint_get_id (endpoint), free_mark (self));

  lab_endpoint_set_step_mode (endpoint, self->step_mode);
  for (guint op = 0; op < 64; op++)
    if (self->breakpoints & (G_GUINT64_CONSTANT (1) << op))
      lab_endpoint_set_breakpoint (endpoint, (LabOp) op, TRUE);
  g_signal_connect_object (lab_endpoint_get_paused (endpoint), "items-changed", G_CALLBACK (on_held_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (endpoint, "notify::step-mode", G_CALLBACK (on_held_changed), self, G_CONNECT_SWAPPED);
  /* What a file keeps of it: its name, its settings, its breakpoints */
  g_signal_connect_object (endpoint, "notify::name", G_CALLBACK (lab_session_update_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (endpoint, "notify::breakpoints", G_CALLBACK (lab_session_update_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (lab_endpoint_get_config (endpoint), "notify", G_CALLBACK (lab_session_update_modified),
                           self, G_CONNECT_SWAPPED);
  g_list_store_append (self->endpoints, endpoint);
  lab_session_update_modified (self);

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
  g_hash_table_remove (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));
  if (g_hash_table_remove (self->not_started, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint))) |
      g_hash_table_remove (self->play_refused, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint))))
    g_signal_emit (self, signals[LAB_SESSION_PLAY_CHANGED], 0);
  g_signal_handlers_disconnect_by_data (lab_endpoint_get_paused (endpoint), self);
  g_signal_handlers_disconnect_by_data (endpoint, self);
  g_signal_handlers_disconnect_by_data (lab_endpoint_get_config (endpoint), self);
  if (g_list_store_find (self->endpoints, endpoint, &position))
    g_list_store_remove (self->endpoints, position);
  g_signal_emit (self, signals[LAB_SESSION_HELD_CHANGED], 0);
  lab_session_update_modified (self);
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

/**
 * lab_session_count_active:
 *
 * Returns: how many endpoints run: started, and not yet stopped
 */
guint
lab_session_count_active (LabSession *self)
{
  guint active = 0;

  g_return_val_if_fail (LAB_IS_SESSION (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      if (lab_endpoint_is_active (endpoint))
        active++;
    }

  return active;
}

void
lab_session_stop_all (LabSession *self)
{
  if (self->play_sources != NULL)
    lab_session_play_cancel (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      lab_endpoint_stop (endpoint);
    }
}

void
lab_session_emit_play_changed (LabSession *self)
{
  g_signal_emit (self, signals[LAB_SESSION_PLAY_CHANGED], 0);
}

/* ---- Step mode ---- */

static void
on_held_changed (LabSession *self)
{
  g_signal_emit (self, signals[LAB_SESSION_HELD_CHANGED], 0);
}

gboolean
lab_session_get_step_mode (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return self->step_mode;
}

/**
 * lab_session_set_step_mode:
 *
 * Sets step mode on every endpoint, and on those added later.
 */
void
lab_session_set_step_mode (LabSession *self,
                           gboolean    step_mode)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  step_mode = !!step_mode;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      lab_endpoint_set_step_mode (endpoint, step_mode);
    }

  if (self->step_mode != step_mode)
    {
      self->step_mode = step_mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP_MODE]);
    }
}

gboolean
lab_session_get_breakpoint (LabSession *self,
                            LabOp       op)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return (self->breakpoints & (G_GUINT64_CONSTANT (1) << op)) != 0;
}

/**
 * lab_session_set_breakpoint:
 *
 * Holds every call of @op, on every endpoint, even out of step mode.
 */
void
lab_session_set_breakpoint (LabSession *self,
                            LabOp       op,
                            gboolean    on)
{
  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (op < 64);

  if (on)
    self->breakpoints |= G_GUINT64_CONSTANT (1) << op;
  else
    self->breakpoints &= ~(G_GUINT64_CONSTANT (1) << op);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      lab_endpoint_set_breakpoint (endpoint, op, on);
    }
}

/**
 * lab_session_get_held:
 * @endpoint: (out) (optional) (transfer none): whose call it is
 *
 * Returns: (transfer none) (nullable): the call held longest, of all the
 *   endpoints': the one lab_session_step() makes
 */
LabEvent *
lab_session_get_held (LabSession   *self,
                      LabEndpoint **endpoint)
{
  LabEvent *oldest = NULL;
  LabEndpoint *owner = NULL;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) candidate = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
      g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (candidate), 0);

      if (held != NULL && (oldest == NULL || lab_event_get_begin_time (held) < lab_event_get_begin_time (oldest)))
        {
          oldest = held;
          owner = candidate;
        }
    }

  /* The endpoints' models hold them. */
  if (endpoint != NULL)
    *endpoint = owner;
  return oldest;
}

/**
 * lab_session_step:
 *
 * Makes the call held longest, whoever's it is.
 *
 * Returns: (transfer none) (nullable): the endpoint whose call it was, or
 *   %NULL when no call was held
 */
LabEndpoint *
lab_session_step (LabSession *self)
{
  LabEndpoint *endpoint = NULL;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  if (lab_session_get_held (self, &endpoint) == NULL || !lab_endpoint_step (endpoint))
    return NULL;

  return endpoint;
}

/**
 * lab_session_continue:
 *
 * Leaves step mode everywhere: every call held is made, and the programs
 * run on until a breakpoint.
 */
void
lab_session_continue (LabSession *self)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  /* Each endpoint leaves step mode as it lets its calls go, so that one
   * reaching a breakpoint just after is held there. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      lab_endpoint_continue (endpoint);
    }
  lab_session_set_step_mode (self, FALSE);
}

static void
lab_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabSession *self = LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STEP_MODE: g_value_set_boolean (value, self->step_mode); break;
    case PROP_MODIFIED: g_value_set_boolean (value, self->modified); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_session_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LabSession *self = LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STEP_MODE: lab_session_set_step_mode (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}


/* ---- Experiments ---- */

/* Whether a file names an endpoint, in any language. */
static gboolean
has_name (LabTranslated *name)
{
  g_auto(GStrv) locales = lab_translated_dup_locales (name);

  return lab_translated_get (name)[0] != '\0' || locales[0] != NULL;
}

/**
 * lab_session_load:
 *
 * Stops and removes every endpoint, then adds those of @experiment, with
 * their names and configurations, and takes its title, notes and steps.
 * Nothing starts: see lab_session_play().
 */
void
lab_session_load (LabSession    *self,
                  LabExperiment *experiment)
{
  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (LAB_IS_EXPERIMENT (experiment));

  lab_session_play_cancel (self);
  lab_session_play_reset (self);
  self->loading = TRUE;
  while (g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)) > 0)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), 0);

      lab_session_remove (self, endpoint);
    }
  memset (self->counts, 0, sizeof self->counts);

  lab_translated_unref (self->title);
  self->title = lab_translated_ref (lab_experiment_get_text (experiment, LAB_EXPERIMENT_TITLE));
  lab_translated_unref (self->notes);
  self->notes = lab_translated_ref (lab_experiment_get_text (experiment, LAB_EXPERIMENT_NOTES));
  lab_translated_unref (self->steps);
  self->steps = lab_translated_ref (lab_experiment_get_text (experiment, LAB_EXPERIMENT_STEPS));

  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      LabEndpointConfig *config = lab_experiment_get_config (experiment, i);
      LabEndpointKind kind = lab_endpoint_config_get_kind (config);
      LabTranslated *given = lab_experiment_get_endpoint_text (experiment, i);
      g_autoptr(LabTranslated) name = NULL;
      Launch *launch = g_new0 (Launch, 1);
      LabEndpoint *endpoint;

      /* Numbers count on from those the file has, as if added here. */
      self->counts[kind]++;
      name = has_name (given) ? lab_translated_ref (given) : default_name (kind, self->counts[kind]);
      endpoint = add_endpoint (self, config, name);
      for (LabOp op = 0; op < 64; op++)
        if (lab_experiment_get_breakpoints (experiment, i) & (G_GUINT64_CONSTANT (1) << op))
          lab_endpoint_set_breakpoint (endpoint, op, TRUE);
      launch->autostart = lab_experiment_get_autostart (experiment, i);
      launch->start_delay = lab_experiment_get_start_delay (experiment, i);
      g_hash_table_insert (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)), launch);
    }
  self->loading = FALSE;

  /* The link is the experiment's: its conditions, or none. */
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      LabLinkConditions c;
      g_autoptr(GError) error = NULL;

      lab_experiment_get_link (experiment, i, &c);
      lab_link_set_conditions (i, &c);
      if (!lab_link_set_mtu (i, lab_experiment_get_mtu (experiment, i), &error))
        g_warning ("%s", error->message);
    }

  /* What was loaded is what the bench has not changed from. */
  {
    g_autoptr(LabExperiment) loaded = lab_session_dup_experiment (self);

    lab_session_set_saved (self, loaded);
  }
}

/**
 * lab_session_dup_experiment:
 *
 * Returns: (transfer full): the bench as an experiment: every endpoint's
 *   name and configuration, with the title, notes and steps loaded last
 */
LabExperiment *
lab_session_dup_experiment (LabSession *self)
{
  LabExperiment *experiment;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  experiment = lab_experiment_new ();
  lab_experiment_set_text (experiment, LAB_EXPERIMENT_TITLE, self->title);
  lab_experiment_set_text (experiment, LAB_EXPERIMENT_NOTES, self->notes);
  lab_experiment_set_text (experiment, LAB_EXPERIMENT_STEPS, self->steps);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
      Launch *launch = g_hash_table_lookup (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));
      guint64 breakpoints = 0;

      lab_experiment_add_endpoint (experiment, NULL, lab_endpoint_get_config (endpoint),
                                   launch != NULL ? launch->autostart : TRUE,
                                   launch != NULL ? launch->start_delay : 0);
      if (lab_endpoint_get_translated_name (endpoint) != NULL)
        lab_experiment_set_endpoint_text (experiment, i, lab_endpoint_get_translated_name (endpoint));
      for (LabOp op = 0; op < 64; op++)
        if (lab_endpoint_get_breakpoint (endpoint, op) && !lab_session_get_breakpoint (self, op))
          breakpoints |= G_GUINT64_CONSTANT (1) << op;
      lab_experiment_set_breakpoints (experiment, i, breakpoints);
    }
  /* And the link as it is now */
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      LabLinkConditions c;

      lab_link_get_conditions (i, &c);
      lab_experiment_set_link (experiment, i, &c);
      lab_experiment_set_mtu (experiment, i, lab_link_get_mtu (i));
    }

  return experiment;
}

const char *
lab_session_get_title (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return lab_translated_get (self->title);
}

const char *
lab_session_get_notes (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return lab_translated_get (self->notes);
}

/**
 * lab_session_get_steps:
 *
 * Returns: (transfer none): the steps of the experiment loaded last
 */
const char * const *
lab_session_get_steps (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  return lab_translated_get_list (self->steps);
}

/* ---- Changes not saved ---- */

/* The bench as a file would hold it. */
static char *
dup_state (LabSession    *self,
           LabExperiment *experiment)
{
  g_autoptr(LabExperiment) now = experiment == NULL ? lab_session_dup_experiment (self) : NULL;

  return lab_experiment_to_data (experiment != NULL ? experiment : now, NULL);
}

/**
 * lab_session_update_modified:
 *
 * Sets #LabSession:modified to whether the bench differs from what was
 * last loaded or saved: an endpoint added or taken off, a name or a
 * setting changed, whatever a file would hold otherwise. The link's
 * conditions are the engine's, not the session's: whoever changes them
 * (the window's Link panel) calls it.
 */
void
lab_session_update_modified (LabSession *self)
{
  g_autofree char *state = NULL;
  gboolean modified;

  /* Loading takes the bench apart and builds it again: what it is once
   * done counts, not each step. */
  if (self->loading || self->saved == NULL)
    return;

  state = dup_state (self, NULL);
  modified = !g_str_equal (state, self->saved);
  if (modified != self->modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
}

/**
 * lab_session_get_modified:
 *
 * Returns: whether the bench has changes made since it was last loaded
 *   or saved
 */
gboolean
lab_session_get_modified (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return self->modified;
}

/**
 * lab_session_set_saved:
 * @experiment: the bench as lab_session_dup_experiment() gave it, now
 *   saved
 *
 * The bench is not modified while it is the same as @experiment.
 */
void
lab_session_set_saved (LabSession    *self,
                       LabExperiment *experiment)
{
  g_return_if_fail (LAB_IS_SESSION (self));
  g_return_if_fail (LAB_IS_EXPERIMENT (experiment));

  g_free (self->saved);
  self->saved = dup_state (self, experiment);
  lab_session_update_modified (self);
}

static void
lab_session_dispose (GObject *object)
{
  LabSession *self = LAB_SESSION (object);

  if (self->play_sources != NULL)
    lab_session_play_cancel (self);

  if (self->endpoints != NULL)
    lab_session_stop_all (self);
  g_clear_object (&self->endpoints);
  g_clear_object (&self->timeline);
  g_clear_pointer (&self->launch, g_hash_table_unref);
  g_clear_pointer (&self->play_servers, g_ptr_array_unref);
  g_clear_pointer (&self->play_clients, g_array_unref);
  g_clear_pointer (&self->play_sources, g_array_unref);
  g_clear_pointer (&self->play_notes, g_ptr_array_unref);
  g_clear_pointer (&self->play_refused, g_hash_table_unref);
  g_clear_pointer (&self->play_held, g_hash_table_unref);
  g_clear_pointer (&self->not_started, g_hash_table_unref);

  G_OBJECT_CLASS (lab_session_parent_class)->dispose (object);
}

static void
lab_session_finalize (GObject *object)
{
  LabSession *self = LAB_SESSION (object);

  g_clear_pointer (&self->title, lab_translated_unref);
  g_clear_pointer (&self->notes, lab_translated_unref);
  g_clear_pointer (&self->steps, lab_translated_unref);
  g_free (self->saved);

  G_OBJECT_CLASS (lab_session_parent_class)->finalize (object);
}

static void
lab_session_class_init (LabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_session_dispose;
  object_class->finalize = lab_session_finalize;
  object_class->get_property = lab_session_get_property;
  object_class->set_property = lab_session_set_property;

  properties[PROP_STEP_MODE] =
    g_param_spec_boolean ("step-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LabSession:modified:
   *
   * Whether the bench has changed since it was last loaded or saved.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabSession::held-changed:
   *
   * The calls held in step mode changed, of any endpoint, or an
   * endpoint's step mode.
   */
  signals[LAB_SESSION_HELD_CHANGED] = g_signal_new ("held-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * LabSession::play-changed:
   *
   * What Play tells changed: its notes on the ports, or an endpoint it
   * did not start (see lab_session_dup_play_notes() and
   * lab_session_dup_not_started()).
   */
  signals[LAB_SESSION_PLAY_CHANGED] = g_signal_new ("play-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lab_session_init (LabSession *self)
{
  self->timeline = lab_timeline_new ();
  self->endpoints = g_list_store_new (LAB_TYPE_ENDPOINT);
  self->title = lab_translated_new (NULL);
  self->notes = lab_translated_new (NULL);
  self->steps = lab_translated_new_list (NULL);
  self->launch = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->play_servers = g_ptr_array_new_with_free_func (g_object_unref);
  self->play_clients = g_array_new (FALSE, FALSE, sizeof (guint));
  self->play_sources = g_array_new (FALSE, FALSE, sizeof (guint));
  self->play_notes = g_ptr_array_new_with_free_func ((GDestroyNotify) lab_play_note_free);
  self->play_refused = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->play_held = g_hash_table_new (NULL, NULL);
  self->not_started = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) lab_translated_unref);
  self->saved = dup_state (self, NULL);
}

/**
 * lab_session_set_thread_niceness:
 * @niceness: 0 to 19
 *
 * The niceness of the threads every endpoint runs its program in, from
 * their next start: a window whose main thread is to have the processor
 * first, however hard its endpoints work, sets it above 0. What the
 * threads do is the same; only who waits for the processor changes when
 * it is short.
 */
void
lab_session_set_thread_niceness (int niceness)
{
  g_return_if_fail (niceness >= 0 && niceness <= 19);

  lab_run_set_worker_niceness (niceness);
}
