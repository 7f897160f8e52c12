/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lab-lessons.h"
#include "lab-network.h"
#include "lab-test-engine.h"

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             LabTestLog       *log)
{
  for (guint i = 0; i < n_entries; i++)
    {
      LabEvent *event = lab_timeline_dup_event (timeline, entries[i].record);
      gpointer at;

      g_ptr_array_add (log->all, g_object_ref (event));
      g_array_append_val (log->ends, entries[i].end);
      /* The end of a call stands for the call as it began: the call is
       * seen as it returned, where it began. */
      if (entries[i].end &&
          g_hash_table_lookup_extended (log->positions, GSIZE_TO_POINTER (lab_event_get_seq (event)), NULL, &at))
        {
          g_object_unref (log->events->pdata[GPOINTER_TO_UINT (at)]);
          log->events->pdata[GPOINTER_TO_UINT (at)] = event;
          continue;
        }
      if (!entries[i].end)
        {
          g_hash_table_insert (log->positions, GSIZE_TO_POINTER (lab_event_get_seq (event)),
                               GUINT_TO_POINTER (log->events->len));
          g_ptr_array_add (log->events, event);
          continue;
        }
      g_object_unref (event);
    }
}

LabTestLog *
lab_test_log_new (LabTimeline *timeline)
{
  LabTestLog *log = g_new0 (LabTestLog, 1);

  log->timeline = g_object_ref (timeline);
  log->events = g_ptr_array_new_with_free_func (g_object_unref);
  log->all = g_ptr_array_new_with_free_func (g_object_unref);
  log->ends = g_array_new (FALSE, FALSE, sizeof (gboolean));
  log->positions = g_hash_table_new (NULL, NULL);
  log->handler = g_signal_connect (timeline, "recorded", G_CALLBACK (on_recorded), log);

  return log;
}

void
lab_test_log_free (LabTestLog *log)
{
  g_signal_handler_disconnect (log->timeline, log->handler);
  g_ptr_array_unref (log->events);
  g_ptr_array_unref (log->all);
  g_array_unref (log->ends);
  g_hash_table_unref (log->positions);
  g_object_unref (log->timeline);
  g_free (log);
}

static gboolean
belongs (LabEvent    *event,
         LabEndpoint *endpoint)
{
  return endpoint == NULL || lab_event_get_endpoint_id (event) == lab_endpoint_get_id (endpoint);
}

/* One field of an event, as a number to compare. */
typedef int (*Field) (LabEvent *event);

static int
instrumentation_of (LabEvent *event)
{
  return lab_event_get_instrumentation (event);
}

static int
direction_of (LabEvent *event)
{
  return lab_event_get_direction (event);
}

static int
state_of (LabEvent *event)
{
  return lab_event_get_state (event);
}

static int
note_of (LabEvent *event)
{
  return lab_event_get_note (event);
}


/* The events of @endpoint (NULL: of all) of @kind whose @field is @value,
 * in the order they were recorded. */
static GPtrArray *
select_events (LabTestLog   *log,
               LabEndpoint  *endpoint,
               LabEventKind  kind,
               Field         field,
               int           value)
{
  GPtrArray *found = g_ptr_array_new ();

  lab_timeline_flush (log->timeline);
  for (guint i = 0; i < log->events->len; i++)
    {
      LabEvent *event = log->events->pdata[i];

      if (belongs (event, endpoint) && lab_event_get_kind (event) == kind && field (event) == value)
        g_ptr_array_add (found, event);
    }

  return found;
}

/**
 * lab_test_log_calls:
 *
 * Returns: (transfer container): the calls of @endpoint in the order they
 *   were made
 */
GPtrArray *
lab_test_log_calls (LabTestLog  *log,
                    LabEndpoint *endpoint,
                    gboolean     instrumentation)
{
  return select_events (log, endpoint, LAB_EVENT_CALL, instrumentation_of, instrumentation);
}

/**
 * lab_test_log_ops:
 *
 * Returns: the program's calls on @thread (0 for all), as their generic
 *   operations separated by spaces: "socket bind listen accept …"
 */
char *
lab_test_log_ops (LabTestLog  *log,
                  LabEndpoint *endpoint,
                  guint        thread)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (log, endpoint, FALSE);
  GString *ops = g_string_new (NULL);

  for (guint i = 0; i < calls->len; i++)
    if (thread == 0 || lab_event_get_thread (calls->pdata[i]) == thread)
      g_string_append_printf (ops, "%s%s", ops->len > 0 ? " " : "",
                              lab_op_to_string (lab_event_get_op (calls->pdata[i])));

  return g_string_free (ops, FALSE);
}

LabEvent *
lab_test_log_find_call (LabTestLog  *log,
                        LabEndpoint *endpoint,
                        LabOp        op)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (log, endpoint, FALSE);

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == op)
      return calls->pdata[i];

  return NULL;
}

/* The first call of @op of @endpoint that returned @result, or NULL. */
LabEvent *
lab_test_log_find_result (LabTestLog  *log,
                          LabEndpoint *endpoint,
                          LabOp        op,
                          gint64       result)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (log, endpoint, FALSE);

  for (guint i = 0; i < calls->len; i++)
    if (lab_event_get_op (calls->pdata[i]) == op && lab_event_get_finished (calls->pdata[i]) &&
        lab_event_get_result (calls->pdata[i]) == result)
      return calls->pdata[i];

  return NULL;
}

/* The first call of @op of @endpoint whose arguments hold @text, or NULL. */
LabEvent *
lab_test_log_find_args (LabTestLog  *log,
                        LabEndpoint *endpoint,
                        LabOp        op,
                        const char  *text)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (log, endpoint, FALSE);

  for (guint i = 0; i < calls->len; i++)
    {
      g_autofree char *args = lab_event_dup_args (calls->pdata[i]);

      if (lab_event_get_op (calls->pdata[i]) == op && strstr (args, text) != NULL)
        return calls->pdata[i];
    }

  return NULL;
}

guint
lab_test_log_count_calls (LabTestLog  *log,
                          LabEndpoint *endpoint,
                          LabOp        op)
{
  g_autoptr(GPtrArray) calls = lab_test_log_calls (log, endpoint, FALSE);
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    n += lab_event_get_op (calls->pdata[i]) == op;

  return n;
}

/**
 * lab_test_log_data_events:
 *
 * Returns: (transfer container): the data events of @endpoint in
 *   @direction, in order: one per send or receive
 */
GPtrArray *
lab_test_log_data_events (LabTestLog   *log,
                          LabEndpoint  *endpoint,
                          LabDirection  direction)
{
  return select_events (log, endpoint, LAB_EVENT_DATA, direction_of, direction);
}

GByteArray *
lab_test_log_data (LabTestLog   *log,
                   LabEndpoint  *endpoint,
                   LabDirection  direction)
{
  g_autoptr(GPtrArray) events = lab_test_log_data_events (log, endpoint, direction);
  GByteArray *data = g_byte_array_new ();

  for (guint i = 0; i < events->len; i++)
    {
      GBytes *bytes = lab_event_get_bytes (events->pdata[i]);

      if (bytes != NULL)
        g_byte_array_append (data, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  return data;
}

/* All that @endpoint received, exactly @expected. */
void
lab_test_log_assert_received (LabTestLog  *log,
                              LabEndpoint *endpoint,
                              const char  *expected)
{
  g_autoptr(GByteArray) data = lab_test_log_data (log, endpoint, LAB_DIRECTION_IN);

  g_assert_cmpmem (data->data, data->len, expected, strlen (expected));
}

guint
lab_test_log_count_data (LabTestLog   *log,
                         LabEndpoint  *endpoint,
                         LabDirection  direction)
{
  g_autoptr(GPtrArray) events = lab_test_log_data_events (log, endpoint, direction);

  return events->len;
}

gboolean
lab_test_log_has_state (LabTestLog  *log,
                        LabEndpoint *endpoint,
                        LabTcpState  state)
{
  g_autoptr(GPtrArray) found = select_events (log, endpoint, LAB_EVENT_STATE, state_of, state);

  return found->len > 0;
}

gboolean
lab_test_log_has_note (LabTestLog  *log,
                       LabEndpoint *endpoint,
                       LabNote      note)
{
  g_autoptr(GPtrArray) found = select_events (log, endpoint, LAB_EVENT_NOTE, note_of, note);

  return found->len > 0;
}

static gboolean
is_stopped (gpointer data)
{
  LabEndpointState state = lab_endpoint_get_state (data);

  return state == LAB_ENDPOINT_STATE_STOPPED || state == LAB_ENDPOINT_STATE_FAILED;
}

/* Stopped or failed: its threads have all finished. */
void
lab_test_wait_stopped (LabEndpoint *endpoint)
{
  lab_test_wait (is_stopped, endpoint, 10000);
  g_assert_false (lab_endpoint_is_active (endpoint));
}

typedef struct {
  LabEndpoint *endpoint;
  const char  *call;
} Waiting;

static gboolean
is_waiting_in (gpointer data)
{
  Waiting *w = data;

  return g_strcmp0 (lab_endpoint_get_waiting_call (w->endpoint), w->call) == 0;
}

/* Until the endpoint's program thread is blocked in @call. */
void
lab_test_wait_waiting_in (LabEndpoint *endpoint,
                          const char  *call)
{
  Waiting w = { endpoint, call };

  lab_test_wait (is_waiting_in, &w, 10000);
}

static gboolean
is_listening (gpointer data)
{
  LabEndpoint *endpoint = data;

  return lab_endpoint_get_port (endpoint) != 0 || is_stopped (endpoint);
}

void
lab_test_start (LabEndpoint *endpoint)
{
  g_autoptr(GError) error = NULL;

  lab_endpoint_start (endpoint, &error);
  g_assert_no_error (error);
}

/**
 * lab_test_start_server:
 *
 * Starts a server (on port 0 unless set) and waits until it is bound.
 *
 * Returns: the port it is bound to
 */
guint16
lab_test_start_server (LabEndpoint *endpoint)
{
  lab_test_start (endpoint);
  lab_test_wait (is_listening, endpoint, 10000);
  g_assert_cmpint (lab_endpoint_get_state (endpoint), !=, LAB_ENDPOINT_STATE_FAILED);

  return lab_endpoint_get_port (endpoint);
}

/* Open descriptors of this process. */
guint
lab_test_count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  /* The directory's own descriptor. */
  return n - 1;
}

typedef struct {
  guint expected;
  guint count;
} FdsWait;

static gboolean
has_fds_settled (gpointer data)
{
  FdsWait *w = data;

  w->count = lab_test_count_fds ();
  return w->count <= w->expected;
}

/* No more descriptors open than @expected. The kernel watcher opens a
 * netlink socket for an instant now and then, and GLib's own threads
 * close theirs a moment late: the count settles once they have run. */
void
lab_test_wait_fds (guint expected)
{
  FdsWait w = { expected, 0 };

  if (!lab_test_wait_until (has_fds_settled, &w, 10000))
    {
      g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
          g_autofree char *target = g_file_read_link (path, NULL);

          g_test_message ("open: fd %s → %s", name, target);
        }
    }

  g_assert_cmpuint (w.count, <=, expected);
}

void
lab_test_fixture_set_up (LabTestFixture *f,
                         gconstpointer   data)
{
  f->fds_before = lab_test_count_fds ();
  f->timeline = lab_timeline_new ();
  f->log = lab_test_log_new (f->timeline);
}

void
lab_test_fixture_tear_down (LabTestFixture *f,
                            gconstpointer   data)
{
  lab_test_log_free (f->log);
  lab_test_unref_and_wait (f->timeline);

  /* Every socket of every endpoint is closed. */
  lab_test_wait_fds (f->fds_before);
}

/**
 * lab_test_add_backends:
 *
 * Adds @func as two tests, /@prefix/posix/@name and /@prefix/gio/@name,
 * each given its backend.
 */
void
lab_test_add_backends (const char  *prefix,
                       const char  *name,
                       LabTestFunc  func)
{
  g_autofree char *posix = g_strdup_printf ("/%s/posix/%s", prefix, name);
  g_autofree char *gio = g_strdup_printf ("/%s/gio/%s", prefix, name);

  g_test_add (posix, LabTestFixture, GINT_TO_POINTER (LAB_BACKEND_POSIX),
              lab_test_fixture_set_up, func, lab_test_fixture_tear_down);
  g_test_add (gio, LabTestFixture, GINT_TO_POINTER (LAB_BACKEND_GIO),
              lab_test_fixture_set_up, func, lab_test_fixture_tear_down);
}

/**
 * lab_test_add_lessons:
 *
 * Adds each lesson's test on each backend, /@prefix/posix/ID and
 * /@prefix/gio/ID: the same story with the BSD calls and with GSocket.
 */
void
lab_test_add_lessons (const char              *prefix,
                      const LabTestLessonCase *lessons,
                      guint                    n)
{
  static const struct {
    const char     *name;
    LabBackendKind  kind;
  } backends[] = {
    { "posix", LAB_BACKEND_POSIX },
    { "gio", LAB_BACKEND_GIO },
  };

  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    for (guint i = 0; i < n; i++)
      {
        g_autofree char *path = g_strdup_printf ("/%s/%s/%s", prefix, backends[b].name, lessons[i].id);

        g_test_add_data_func (path, GINT_TO_POINTER (backends[b].kind), lessons[i].func);
      }
}

LabEndpoint *
lab_test_new_endpoint (LabTestFixture  *f,
                       LabEndpointKind  kind,
                       gconstpointer    backend,
                       const char      *name)
{
  LabEndpoint *endpoint = lab_endpoint_new (f->timeline, kind, name);

  g_object_set (lab_endpoint_get_config (endpoint), "backend", GPOINTER_TO_INT (backend), NULL);
  return endpoint;
}

/* What a wait looks for in a log: a state, a note, bytes in a direction,
 * or calls of an operation. */
typedef struct {
  LabTestLog  *log;
  LabEndpoint *endpoint;
  int          value;
  gsize        count;
} LogWait;

static gboolean
has_state (gpointer data)
{
  LogWait *w = data;

  return lab_test_log_has_state (w->log, w->endpoint, w->value);
}

static gboolean
has_note (gpointer data)
{
  LogWait *w = data;

  return lab_test_log_has_note (w->log, w->endpoint, w->value);
}

static gboolean
has_data (gpointer data)
{
  LogWait *w = data;
  g_autoptr(GByteArray) bytes = lab_test_log_data (w->log, w->endpoint, w->value);

  return bytes->len >= w->count;
}

static gboolean
has_calls (gpointer data)
{
  LogWait *w = data;

  return lab_test_log_count_calls (w->log, w->endpoint, w->value) >= w->count;
}

void
lab_test_log_wait_state (LabTestLog  *log,
                         LabEndpoint *endpoint,
                         LabTcpState  state)
{
  LogWait w = { log, endpoint, state };

  lab_test_wait (has_state, &w, 10000);
}

void
lab_test_log_wait_note (LabTestLog  *log,
                        LabEndpoint *endpoint,
                        LabNote      note)
{
  LogWait w = { log, endpoint, note };

  lab_test_wait (has_note, &w, 10000);
}

/* Until @endpoint recorded at least @len bytes in @direction: a thread of
 * the other end may record its send a moment after this end received. */
void
lab_test_log_wait_data (LabTestLog   *log,
                        LabEndpoint  *endpoint,
                        LabDirection  direction,
                        gsize         len)
{
  LogWait w = { log, endpoint, direction, len };

  lab_test_wait (has_data, &w, 10000);
}

/* Until @endpoint made @n calls of @op: a thread records its call a moment
 * after the other end saw what it did. */
void
lab_test_log_wait_calls (LabTestLog  *log,
                         LabEndpoint *endpoint,
                         LabOp        op,
                         guint        n)
{
  LogWait w = { log, endpoint, op, n };

  lab_test_wait (has_calls, &w, 10000);
}

void
lab_test_wait_for_state (LabTestFixture *f,
                         LabEndpoint    *endpoint,
                         LabTcpState     state)
{
  lab_test_log_wait_state (f->log, endpoint, state);
}

void
lab_test_wait_for_note (LabTestFixture *f,
                        LabEndpoint    *endpoint,
                        LabNote         note)
{
  lab_test_log_wait_note (f->log, endpoint, note);
}

void
lab_test_wait_for_data (LabTestFixture *f,
                        LabEndpoint    *endpoint,
                        LabDirection    direction,
                        gsize           len)
{
  lab_test_log_wait_data (f->log, endpoint, direction, len);
}

/* An address as an endpoint shows it: 127.0.0.1:5000, [::1]:5000. */
char *
lab_test_address_text (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf (strchr (host, ':') != NULL ? "[%s]:%u" : "%s:%u", host,
                          g_inet_socket_address_get_port (inet));
}

void
lab_test_assert_event_bytes (LabEvent   *event,
                             const char *expected)
{
  GBytes *bytes = lab_event_get_bytes (event);

  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

/* Whether @first had returned when @then began: by the clock, across
 * endpoints, as the timeline orders them. */
gboolean
lab_test_returned_before (LabEvent *first,
                          LabEvent *then)
{
  g_assert_nonnull (first);
  g_assert_nonnull (then);
  g_assert_true (lab_event_get_finished (first));
  return lab_event_get_end_time (first) <= lab_event_get_begin_time (then);
}

/* Whether @call returned only once @cause had begun: it waited for it. */
gboolean
lab_test_waited_for (LabEvent *call,
                     LabEvent *cause)
{
  g_assert_nonnull (call);
  g_assert_nonnull (cause);
  g_assert_true (lab_event_get_finished (call));
  return lab_event_get_end_time (call) >= lab_event_get_begin_time (cause);
}

/**
 * lab_test_lesson_experiment:
 *
 * Returns: (transfer full): bundled lesson @id, every endpoint on
 *   @backend, each port of the file changed for a free one, the same port
 *   to the same free one, so that tests can run side by side
 */
LabExperiment *
lab_test_lesson_experiment (const char     *id,
                            LabBackendKind  backend)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = lab_lessons_load (id, &error);
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);

  g_assert_no_error (error);
  g_assert_nonnull (experiment);
  g_assert_cmpstrv (lab_experiment_get_warnings (experiment), ((const char *[]) { NULL }));
  g_assert_cmpstr (lab_experiment_get_title (experiment), !=, "");
  g_assert_cmpstr (lab_experiment_get_notes (experiment), !=, "");
  g_assert_cmpuint (g_strv_length ((GStrv) lab_experiment_get_steps (experiment)), >, 0);

  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      LabEndpointConfig *config = lab_experiment_get_config (experiment, i);
      int type = lab_endpoint_config_is_tcp (config) ? SOCK_STREAM : SOCK_DGRAM;
      guint port, key;
      gpointer mapped;

      if (lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (config)))
        continue;
      g_object_get (config, "port", &port, NULL);
      key = port * 2 + (type == SOCK_STREAM);
      if (!g_hash_table_lookup_extended (ports, GUINT_TO_POINTER (key), NULL, &mapped))
        {
          mapped = GUINT_TO_POINTER ((guint) lab_test_free_port (type));
          g_hash_table_insert (ports, GUINT_TO_POINTER (key), mapped);
        }
      g_object_set (config, "port", GPOINTER_TO_UINT (mapped), "backend", backend, NULL);
    }

  /* A course program takes its port as an argument: a TCP one, the same
   * as the lab's endpoints'. */
  for (guint i = 0; i < lab_experiment_get_n_endpoints (experiment); i++)
    {
      LabEndpointConfig *config = lab_experiment_get_config (experiment, i);
      g_auto(GStrv) command = NULL;

      if (!lab_endpoint_kind_is_program (lab_endpoint_config_get_kind (config)))
        continue;
      g_object_get (config, "command", &command, NULL);
      for (guint a = 1; command != NULL && command[a] != NULL; a++)
        {
          guint64 port;
          gpointer mapped;
          guint key;

          if (!g_ascii_string_to_unsigned (command[a], 10, 1, 65535, &port, NULL))
            continue;
          key = (guint) port * 2 + 1;
          if (!g_hash_table_lookup_extended (ports, GUINT_TO_POINTER (key), NULL, &mapped))
            {
              mapped = GUINT_TO_POINTER ((guint) lab_test_free_port (SOCK_STREAM));
              g_hash_table_insert (ports, GUINT_TO_POINTER (key), mapped);
            }
          g_free (command[a]);
          command[a] = g_strdup_printf ("%u", GPOINTER_TO_UINT (mapped));
        }
      g_object_set (config, "command", command, NULL);
    }

  return g_steal_pointer (&experiment);
}

/* Loads lesson @id into a session of its own, each endpoint on @backend,
 * with a log of its timeline; nothing is started. */
void
lab_test_lesson_load (LabTestLesson  *l,
                      const char     *id,
                      LabBackendKind  backend)
{
  g_autoptr(LabExperiment) experiment = lab_test_lesson_experiment (id, backend);

  l->session = lab_session_new ();
  l->log = lab_test_log_new (lab_session_get_timeline (l->session));
  lab_session_load (l->session, experiment);
}

LabEndpoint *
lab_test_lesson_endpoint (LabTestLesson *l,
                          const char    *name)
{
  GListModel *endpoints = lab_session_get_endpoints (l->session);

  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);

      if (g_str_equal (lab_endpoint_get_name (e), name))
        return e;
    }

  g_error ("the lesson has no endpoint named “%s”", name);
}

/* Started by Play, and ended since: a client is stopped before it starts. */
void
lab_test_lesson_wait_ended (LabTestLesson *l,
                            LabEndpoint   *e)
{
  lab_test_log_wait_note (l->log, e, LAB_NOTE_STOPPED);
  lab_test_wait_stopped (e);
}

typedef struct {
  LabTimeline *timeline;
  gint64       until;
} Quiet;

static gboolean
timeline_quiet (gpointer data)
{
  Quiet *q = data;

  if (g_atomic_int_get (&G_OBJECT (q->timeline)->ref_count) > 1)
    return FALSE;
  if (q->until == 0)
    q->until = g_get_monotonic_time () + 100 * 1000;
  return g_get_monotonic_time () >= q->until;
}

/* Stops every endpoint, and waits until each has. The threads of a stopped
 * endpoint let go of the timeline a moment after they said they stopped,
 * and a flush they asked for may be due yet: the timeline is let go of
 * once no thread holds it and its flushes are done, on the main context
 * where they run. */
void
lab_test_lesson_finish (LabTestLesson *l)
{
  GListModel *endpoints = lab_session_get_endpoints (l->session);
  g_autoptr(LabTimeline) timeline = g_object_ref (lab_session_get_timeline (l->session));

  lab_session_stop_all (l->session);
  for (guint i = 0; i < g_list_model_get_n_items (endpoints); i++)
    {
      g_autoptr(LabEndpoint) e = g_list_model_get_item (endpoints, i);

      lab_test_wait_stopped (e);
    }
  lab_test_log_free (l->log);
  g_clear_object (&l->session);
  lab_test_wait (timeline_quiet, &(Quiet) { timeline, 0 }, 5000);
}

/* Whether this machine's resolver gives ::1 for localhost. */
gboolean
lab_test_localhost_has_ipv6 (void)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
  struct addrinfo *result = NULL;
  gboolean found = FALSE;

  if (getaddrinfo ("localhost", "1", &hints, &result) != 0)
    return FALSE;
  for (struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next)
    found |= ai->ai_family == AF_INET6;
  freeaddrinfo (result);

  return found;
}

/* ---- Programs of other people: their ports ---- */

/* Adds the inodes of the sockets process @pid holds ("socket:[1234]"),
 * and its children's: a program run under strace is strace's child. */
static void
add_socket_inodes (GHashTable *inodes,
                   const char *pid,
                   guint       depth)
{
  g_autofree char *fds = g_build_filename ("/proc", pid, "fd", NULL);
  g_autofree char *tasks = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr(GDir) dir = g_dir_open (fds, 0, NULL);
  g_autoptr(GDir) task_dir = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fds, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:[") && g_str_has_suffix (target, "]"))
        g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    }

  if (depth == 0 || (task_dir = g_dir_open (tasks, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (task_dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, name, "children", NULL);
      g_autofree char *children = NULL;
      g_auto(GStrv) pids = NULL;

      if (!g_file_get_contents (path, &children, NULL, NULL))
        continue;
      pids = g_strsplit (g_strstrip (children), " ", -1);
      for (guint i = 0; pids[i] != NULL; i++)
        if (pids[i][0] != '\0')
          add_socket_inodes (inodes, pids[i], depth - 1);
    }
}

static GHashTable *
socket_inodes (const char *pid)
{
  GHashTable *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_socket_inodes (inodes, pid, 2);
  return inodes;
}

/**
 * lab_test_find_socket_row:
 * @udp: whether to read the kernel's tables of UDP sockets (else TCP)
 * @match: called with the fields of each row, IPv4 then IPv6
 *
 * Walks /proc/net/tcp and tcp6 (or udp and udp6): "1: 0100007F:1F90
 * 00000000:0000 0A 00000000:00000000 … 0 12345 …", the local address, the
 * remote one, the state, the queues, and tenth the socket's inode.
 *
 * Returns: whether @match returned %TRUE for a row
 */
gboolean
lab_test_find_socket_row (gboolean         udp,
                          LabTestRowMatch  match,
                          gpointer         data)
{
  return lab_test_find_socket_row_in (-1, udp, match, data);
}

typedef struct {
  int         netns_fd;
  const char *name;
  char       *contents;
} NetFile;

static gpointer
read_net_file (gpointer data)
{
  NetFile *f = data;
  g_autofree char *path = g_build_filename ("/proc/thread-self/net", f->name, NULL);

  if (lab_network_enter (f->netns_fd) == 0)
    g_file_get_contents (path, &f->contents, NULL, NULL);
  return NULL;
}

/* /proc/net/@name as a network namespace has it (-1: the process's own):
 * read by a thread of its own that enters it, for a thread's /proc/net is
 * its own namespace's. */
static char *
dup_net_file (int         netns_fd,
              const char *name)
{
  g_autofree char *path = g_build_filename ("/proc/net", name, NULL);
  NetFile f = { netns_fd, name, NULL };

  if (netns_fd < 0)
    {
      g_file_get_contents (path, &f.contents, NULL, NULL);
      return f.contents;
    }
  g_thread_join (g_thread_new ("net-file", read_net_file, &f));
  return f.contents;
}

/**
 * lab_test_find_socket_row_in:
 * @netns_fd: a lab host's network namespace, or -1 for this computer's
 *
 * As lab_test_find_socket_row(), in that namespace's tables.
 */
gboolean
lab_test_find_socket_row_in (int              netns_fd,
                             gboolean         udp,
                             LabTestRowMatch  match,
                             gpointer         data)
{
  const char *files[] = { udp ? "udp" : "tcp", udp ? "udp6" : "tcp6" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *contents = dup_net_file (netns_fd, files[i]);
      g_auto(GStrv) lines = NULL;

      if (contents == NULL)
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint j = 1; lines[j] != NULL; j++)
        {
          g_auto(GStrv) fields = g_regex_split_simple ("\\s+", g_strstrip (lines[j]), 0, 0);

          if (g_strv_length (fields) >= 10 && match ((const char *const *) fields, data))
            return TRUE;
        }
    }

  return FALSE;
}

typedef struct {
  GSubprocess *process;
  gboolean     udp;
  guint16      port;
  GHashTable  *inodes;
} Bound;

static gboolean
is_own_bound_row (const char *const *fields,
                  gpointer            data)
{
  Bound *b = data;
  const char *colon = strrchr (fields[1], ':');

  if (!g_hash_table_contains (b->inodes, fields[9]) || colon == NULL || !(b->udp || g_str_equal (fields[3], "0A")))
    return FALSE;
  b->port = strtoul (colon + 1, NULL, 16);
  return TRUE;
}

/* Whether the process has a socket bound (TCP: listening), and on which
 * port, as the kernel's own tables say of the process's own sockets. Met
 * too when the process has ended, unbound. */
static gboolean
is_bound (gpointer data)
{
  Bound *b = data;
  const char *pid = g_subprocess_get_identifier (b->process);
  g_autoptr(GHashTable) inodes = NULL;

  if (pid == NULL)
    return TRUE;
  inodes = socket_inodes (pid);
  b->inodes = inodes;
  return g_hash_table_size (inodes) > 0 && lab_test_find_socket_row (b->udp, is_own_bound_row, b);
}

/**
 * lab_test_wait_bound:
 * @process: a server started on port 0
 * @udp: whether it is a UDP server (else TCP, and listening)
 *
 * Waits until @process (or a child of it, as under strace) is bound.
 * Given port 0, the kernel chose its port:
 * there was no port picked beforehand that another program could take
 * before @process bound it, and the kernel's tables say where it is and
 * that it is ready, with nothing sent to it. A program of someone else's
 * started on a busy machine (Python's takes seconds) has a while.
 *
 * Returns: the port @process is bound to
 */
guint16
lab_test_wait_bound (GSubprocess *process,
                     gboolean     udp)
{
  Bound bound = { process, udp, 0, NULL };

  lab_test_wait (is_bound, &bound, 20000);
  if (bound.port == 0)
    g_error ("the program ended before it was bound");
  return bound.port;
}
