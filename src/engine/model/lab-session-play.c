/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-endpoint-config-private.h"
#include "lab-kernel-private.h"
#include "lab-link.h"
#include "lab-play-ports-private.h"
#include "lab-session-private.h"

/* Play: an experiment's servers first, then each client once its server
 * is ready, as a lesson says; and what it tells the class on the way. */

static void on_play_server_state (LabSession *self, GParamSpec *pspec, LabEndpoint *server);
static void play_clients (LabSession *self);

/* Play no longer waits for its servers: what it watches on them for that
 * ends; what it told of them is still watched (on_not_started_state). */
static void
forget_play_servers (LabSession *self)
{
  for (guint i = 0; i < self->play_servers->len; i++)
    {
      g_signal_handlers_disconnect_by_func (self->play_servers->pdata[i], on_play_server_state, self);
      g_signal_handlers_disconnect_by_func (self->play_servers->pdata[i], play_clients, self);
    }
  g_ptr_array_set_size (self->play_servers, 0);
}

void
lab_session_play_cancel (LabSession *self)
{
  for (guint i = 0; i < self->play_sources->len; i++)
    g_source_remove (g_array_index (self->play_sources, guint, i));
  g_array_set_size (self->play_sources, 0);
  forget_play_servers (self);
  g_array_set_size (self->play_clients, 0);
}

/* A server's name as Play tells of it, in the language it is read in. */
static LabTranslated *
play_name (LabEndpoint *server)
{
  LabTranslated *name = lab_endpoint_get_translated_name (server);

  return name != NULL ? lab_translated_ref (name) : lab_translated_new (NULL);
}

static void on_not_started_state (LabEndpoint *endpoint, GParamSpec *pspec, LabSession *self);

/* Stops watching the endpoints of @told, each keyed by its id, to forget
 * what Play said of them. */
static void
forget_told (LabSession *self,
             GHashTable *told)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, told);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      LabEndpoint *endpoint = lab_session_find (self, GPOINTER_TO_UINT (id));

      if (endpoint != NULL)
        g_signal_handlers_disconnect_by_func (endpoint, on_not_started_state, self);
    }
  g_hash_table_remove_all (told);
}

/* Forgets what the last Play told. */
void
lab_session_play_reset (LabSession *self)
{
  gboolean told = self->play_notes->len > 0 || g_hash_table_size (self->not_started) > 0 ||
                  g_hash_table_size (self->play_refused) > 0;

  forget_told (self, self->not_started);
  forget_told (self, self->play_refused);
  g_hash_table_remove_all (self->play_held);
  g_ptr_array_set_size (self->play_notes, 0);
  if (told)
    lab_session_emit_play_changed (self);
}

typedef struct {
  LabSession *session;
  guint       id;
} PlayStart;

/* Play could not start @endpoint at all (its configuration, or the lab
 * network that cannot be made here): its panel says why, as after Start,
 * until it is started. */
static void
play_refuse (LabSession   *self,
             LabEndpoint  *endpoint,
             const GError *error)
{
  g_hash_table_insert (self->play_refused, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)),
                       g_strdup (error->message));
  g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_not_started_state), self, 0);
}

static gboolean
play_start_client (gpointer data)
{
  PlayStart *start = data;
  LabEndpoint *endpoint = lab_session_find (start->session, start->id);
  g_autoptr(GError) error = NULL;
  guint position;

  /* A failure of a call is the endpoint's to show, as when Start is
   * pressed; a refusal is Play's to tell. */
  if (endpoint != NULL && !lab_endpoint_is_active (endpoint) && !lab_endpoint_start (endpoint, &error))
    {
      play_refuse (start->session, endpoint, error);
      lab_session_emit_play_changed (start->session);
    }
  for (position = 0; position < start->session->play_sources->len; position++)
    if (g_array_index (start->session->play_sources, guint, position) == g_source_get_id (g_main_current_source ()))
      {
        g_array_remove_index_fast (start->session->play_sources, position);
        break;
      }

  return G_SOURCE_REMOVE;
}

static gboolean
server_ready (LabEndpoint *server)
{
  LabEndpointState state = lab_endpoint_get_state (server);

  /* Its address is known once it is bound (UDP) or listens (TCP). */
  return lab_endpoint_get_port (server) != 0 || state == LAB_ENDPOINT_STATE_FAILED ||
         state == LAB_ENDPOINT_STATE_STOPPED;
}

/* Whether a server Play started could not: refused at once, or failed
 * before it listened. */
static gboolean
server_failed (LabSession  *self,
               LabEndpoint *server)
{
  return lab_endpoint_get_state (server) == LAB_ENDPOINT_STATE_FAILED ||
         g_hash_table_contains (self->play_refused, GUINT_TO_POINTER (lab_endpoint_get_id (server)));
}

/* The server Play started that @client goes to, if any. */
static LabEndpoint *
find_play_server (LabSession  *self,
                  LabEndpoint *client)
{
  for (guint i = 0; i < self->play_servers->len; i++)
    if (lab_play_reaches (lab_endpoint_get_config (client), lab_endpoint_get_config (self->play_servers->pdata[i])))
      return self->play_servers->pdata[i];

  return NULL;
}

static void
on_not_started_state (LabEndpoint *endpoint,
                      GParamSpec  *pspec,
                      LabSession  *self)
{
  gpointer id = GUINT_TO_POINTER (lab_endpoint_get_id (endpoint));

  /* Started since, by hand: what Play said of it is over. */
  if (!lab_endpoint_is_active (endpoint))
    return;
  g_signal_handlers_disconnect_by_func (endpoint, on_not_started_state, self);
  g_hash_table_remove (self->not_started, id);
  g_hash_table_remove (self->play_refused, id);
  lab_session_emit_play_changed (self);
}

static void
play_schedule_client (LabSession *self,
                      guint       id)
{
  Launch *launch = g_hash_table_lookup (self->launch, GUINT_TO_POINTER (id));
  PlayStart *start = g_new0 (PlayStart, 1);
  guint source;

  start->session = self;
  start->id = id;
  source = g_timeout_add_full (G_PRIORITY_DEFAULT, launch != NULL ? launch->start_delay : 0,
                               play_start_client, start, g_free);
  g_array_append_val (self->play_sources, source);
}

/* Each client starts its delay after its server is ready, and not at all
 * if its server could not start: it would only fail too, and hide why. A
 * client of no server Play started waits for them all. */
static void
play_clients (LabSession *self)
{
  gboolean all_ready = TRUE;
  gboolean told = FALSE;
  guint i = 0;

  for (guint s = 0; s < self->play_servers->len; s++)
    all_ready &= server_ready (self->play_servers->pdata[s]);

  while (i < self->play_clients->len)
    {
      guint id = g_array_index (self->play_clients, guint, i);
      LabEndpoint *client = lab_session_find (self, id);
      LabEndpoint *server = client != NULL ? find_play_server (self, client) : NULL;

      if (server != NULL ? !server_ready (server) : !all_ready)
        {
          i++;
          continue;
        }

      if (server != NULL && server_failed (self, server))
        {
          g_hash_table_insert (self->not_started, GUINT_TO_POINTER (id), play_name (server));
          g_signal_connect_object (client, "notify::state", G_CALLBACK (on_not_started_state), self, 0);
          told = TRUE;
        }
      else if (client != NULL)
        play_schedule_client (self, id);
      g_array_remove_index (self->play_clients, i);
    }

  if (all_ready)
    forget_play_servers (self);
  if (told)
    lab_session_emit_play_changed (self);
}

/**
 * lab_session_is_playing:
 *
 * Returns: whether Play still has clients to start
 */
gboolean
lab_session_is_playing (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return self->play_clients->len > 0 || self->play_sources->len > 0;
}

/**
 * lab_session_is_settling:
 *
 * Returns: whether the kernel is still closing connections of the
 *   session's endpoints whose descriptors are closed: neither in TIME_WAIT
 *   nor forgotten yet, so that a state may still come
 */
gboolean
lab_session_is_settling (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);

  return lab_kernel_count_settling (self->timeline) > 0;
}

/* Moves @server, and every client that goes to it, to a port the kernel
 * gives as free, and says so. Its panel shows the port it uses. */
static void
play_move (LabSession  *self,
           LabEndpoint *server)
{
  LabEndpointConfig *config = lab_endpoint_get_config (server);
  guint port = config->port;
  guint free_port = lab_play_free_port (config);
  LabPlayNote *note;

  /* None free: it fails in bind () as it would have, and says why. */
  if (free_port == 0)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) client = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      if (lab_play_reaches (lab_endpoint_get_config (client), config))
        g_object_set (lab_endpoint_get_config (client), "port", free_port, NULL);
    }
  g_object_set (config, "port", free_port, NULL);

  note = g_new0 (LabPlayNote, 1);
  note->server = play_name (server);
  note->port = port;
  note->moved_to = free_port;
  g_ptr_array_add (self->play_notes, note);
}

/* Before the experiment's servers start, each one's port is tried as it
 * will bind it. One in use is moved, with its clients, unless a port in
 * use is what the experiment shows: then it is left to fail, and what
 * holds it is said when it does. Only endpoints loaded from an experiment
 * move: a port the user typed is the user's. */
static void
play_check_ports (LabSession *self)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();
  g_autoptr(GPtrArray) configs = g_ptr_array_new ();
  gboolean keep;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
      Launch *launch = g_hash_table_lookup (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));

      if (launch == NULL || !lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint)))
        continue;
      g_ptr_array_add (configs, lab_endpoint_get_config (endpoint));
      if (launch->autostart && !lab_endpoint_is_active (endpoint))
        g_ptr_array_add (servers, endpoint);
    }

  keep = lab_play_shows_address_in_use (configs);
  for (guint i = 0; i < servers->len; i++)
    {
      LabEndpoint *server = servers->pdata[i];
      LabEndpointConfig *config = lab_endpoint_get_config (server);

      if (!lab_play_port_in_use (config))
        continue;
      if (keep)
        g_hash_table_insert (self->play_held, GUINT_TO_POINTER (lab_endpoint_get_id (server)),
                             GUINT_TO_POINTER (config->port));
      else
        play_move (self, server);
    }
}

/* A port Play moves is the lab's change, not the class's: a bench not
 * modified before is not after. */
static void
play_check_ports_unmodified (LabSession *self)
{
  gboolean modified = lab_session_get_modified (self);

  play_check_ports (self);
  if (!modified)
    {
      g_autoptr(LabExperiment) moved = lab_session_dup_experiment (self);

      lab_session_set_saved (self, moved);
    }
}

/* A server left on a port in use has failed: what holds the port, as the
 * kernel says it then, is told beside the error. */
static void
on_play_server_state (LabSession  *self,
                      GParamSpec  *pspec,
                      LabEndpoint *server)
{
  gpointer id = GUINT_TO_POINTER (lab_endpoint_get_id (server));
  gpointer port;

  if (lab_endpoint_get_state (server) == LAB_ENDPOINT_STATE_FAILED &&
      g_hash_table_lookup_extended (self->play_held, id, NULL, &port))
    {
      LabPlayNote *note = g_new0 (LabPlayNote, 1);

      g_hash_table_remove (self->play_held, id);
      note->server = play_name (server);
      note->port = GPOINTER_TO_UINT (port);
      if (lab_endpoint_config_is_tcp (lab_endpoint_get_config (server)))
        note->holders = lab_kernel_list_port ((guint16) note->port);
      g_ptr_array_add (self->play_notes, note);
      lab_session_emit_play_changed (self);
    }

  play_clients (self);
}

/* A program an experiment's file names, not one the user chose. */
static gboolean
is_file_program (LabSession  *self,
                 LabEndpoint *endpoint)
{
  return lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (lab_endpoint_get_config (endpoint))) &&
         g_hash_table_contains (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));
}

/* Whether Play starts @endpoint: what the experiment starts by itself and
 * what the user added, but a program the file names only when the user
 * has agreed to run the experiment's programs. */
static gboolean
play_starts (LabSession  *self,
             LabEndpoint *endpoint,
             gboolean     programs)
{
  Launch *launch = g_hash_table_lookup (self->launch, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));

  if (lab_endpoint_is_active (endpoint))
    return FALSE;
  if (is_file_program (self, endpoint))
    return programs;

  return launch == NULL || launch->autostart;
}

static void
play (LabSession *self,
      gboolean    programs)
{
  g_autoptr(GPtrArray) to_start = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean refused = FALSE, lab_servers = FALSE;

  lab_session_play_cancel (self);
  lab_session_play_reset (self);
  play_check_ports_unmodified (self);
  /* A line that goes down does so the time it says after Play */
  lab_link_restart_schedule ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      LabEndpoint *endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);

      if (!play_starts (self, endpoint, programs))
        {
          g_object_unref (endpoint);
          continue;
        }
      lab_servers |= lab_endpoint_config_is_server (lab_endpoint_get_config (endpoint));
      g_ptr_array_add (to_start, endpoint);
    }

  for (guint i = 0; i < to_start->len; i++)
    {
      LabEndpoint *endpoint = to_start->pdata[i];
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);
      guint id = lab_endpoint_get_id (endpoint);

      /* A program is what the bench's clients go to where the bench has
       * no server of the lab's; else it is a client of those servers. */
      if (lab_endpoint_config_is_server (config) ||
          (lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (config)) && !lab_servers))
        {
          g_autoptr(GError) error = NULL;

          g_ptr_array_add (self->play_servers, g_object_ref (endpoint));
          if (!lab_endpoint_start (endpoint, &error))
            {
              play_refuse (self, endpoint, error);
              refused = TRUE;
              continue;
            }
          g_signal_connect_object (endpoint, "notify::state", G_CALLBACK (on_play_server_state), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (endpoint, "notify::port", G_CALLBACK (play_clients), self, G_CONNECT_SWAPPED);
        }
      else
        g_array_append_val (self->play_clients, id);
    }

  if (self->play_notes->len > 0 || refused)
    lab_session_emit_play_changed (self);
  play_clients (self);
}

/**
 * lab_session_play:
 *
 * Starts the endpoints the experiment starts by itself: the servers at
 * once, then each client its delay after its server is ready (bound, or
 * listening for TCP); a client of no server waits for them all. A client
 * whose server could not start is not started: lab_session_dup_not_started()
 * says why, and why an endpoint refused to start. A server of the experiment whose port is in use is moved first,
 * with its clients, to a free port, unless the experiment shows a port in
 * use: lab_session_dup_play_notes() says which. Endpoints running already
 * are left as they are. The experiment's programs are not run: see
 * lab_session_play_programs().
 */
void
lab_session_play (LabSession *self)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  play (self, FALSE);
}

/**
 * lab_session_play_programs:
 *
 * Plays as lab_session_play() does, and runs the experiment's programs
 * too, which the user has been shown and agreed to (see
 * lab_session_dup_play_commands()). Where the bench has servers of the
 * lab's, a program starts as a client does, once they are ready; where it
 * has none, the programs start first, and the clients once each program
 * listens.
 */
void
lab_session_play_programs (LabSession *self)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  play (self, TRUE);
}

/**
 * lab_session_dup_play_commands:
 *
 * Returns: (transfer full): the command lines of the experiment's
 *   programs that lab_session_play_programs() would run now, as a user is
 *   shown them before they run; none when Play runs no program
 */
GStrv
lab_session_dup_play_commands (LabSession *self)
{
  GPtrArray *commands;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  commands = g_ptr_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->endpoints)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (G_LIST_MODEL (self->endpoints), i);
      LabEndpointConfig *config = lab_endpoint_get_config (endpoint);

      if (is_file_program (self, endpoint) && !lab_endpoint_is_active (endpoint))
        {
          g_auto(GStrv) command = NULL;

          g_object_get (config, "command", &command, NULL);
          if (command != NULL && command[0] != NULL)
            g_ptr_array_add (commands, lab_command_line_format ((const char * const *) command));
        }
    }
  g_ptr_array_add (commands, NULL);

  return (GStrv) g_ptr_array_free (commands, FALSE);
}

/**
 * lab_session_dup_play_notes:
 *
 * What the last Play did with the ports of the experiment's servers, in
 * the language in use: each one it moved, and what held each one it left
 * in use and that failed.
 *
 * Returns: (transfer full): a sentence a note, perhaps none
 */
GStrv
lab_session_dup_play_notes (LabSession *self)
{
  GPtrArray *notes;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  notes = g_ptr_array_new ();
  for (guint i = 0; i < self->play_notes->len; i++)
    g_ptr_array_add (notes, lab_play_note_format (self->play_notes->pdata[i]));
  g_ptr_array_add (notes, NULL);

  return (GStrv) g_ptr_array_free (notes, FALSE);
}

/**
 * lab_session_dup_not_started:
 *
 * Returns: (transfer full) (nullable): why the last Play did not start
 *   @endpoint, until it is started: why it refused to start (as
 *   lab_endpoint_start() says it), or, for a client, that its server could
 *   not start; %NULL if it did not leave it so
 */
char *
lab_session_dup_not_started (LabSession  *self,
                             LabEndpoint *endpoint)
{
  LabTranslated *server;
  const char *refused;

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  g_return_val_if_fail (LAB_IS_ENDPOINT (endpoint), NULL);

  refused = g_hash_table_lookup (self->play_refused, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));
  if (refused != NULL)
    return g_strdup (refused);
  server = g_hash_table_lookup (self->not_started, GUINT_TO_POINTER (lab_endpoint_get_id (endpoint)));
  if (server == NULL)
    return NULL;

  /* Translators: in a client's panel, after Play: %s is its server's name. */
  return g_strdup_printf (_("Not started: the server “%s” could not start"), lab_translated_get (server));
}

