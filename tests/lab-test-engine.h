/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"
#include "lab-experiment.h"
#include "lab-session.h"
#include "lab-test-utils.h"

G_BEGIN_DECLS

/* Everything a timeline emitted, in order, for a test to look through. */
typedef struct {
  LabTimeline *timeline;
  GPtrArray   *events;   /* LabEvent, each where first recorded, as it is now */
  GArray      *ends;     /* gboolean per entry of all, parallel to all */
  GPtrArray   *all;      /* LabEvent per record, ends included */
  GHashTable  *positions; /* an event's number → where it is in events */
  gulong       handler;
} LabTestLog;

LabTestLog  *lab_test_log_new           (LabTimeline      *timeline);
void         lab_test_log_free          (LabTestLog       *log);
GPtrArray   *lab_test_log_calls         (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         gboolean          instrumentation);
char        *lab_test_log_ops           (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         guint             thread);
LabEvent    *lab_test_log_find_call     (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabOp             op);
LabEvent    *lab_test_log_find_result   (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabOp             op,
                                         gint64            result);
LabEvent    *lab_test_log_find_args     (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabOp             op,
                                         const char       *text);
guint        lab_test_log_count_calls   (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabOp             op);
GPtrArray   *lab_test_log_data_events   (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabDirection      direction);
GByteArray  *lab_test_log_data          (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabDirection      direction);
void         lab_test_log_assert_received (LabTestLog     *log,
                                         LabEndpoint      *endpoint,
                                         const char       *expected);
guint        lab_test_log_count_data    (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabDirection      direction);
gboolean     lab_test_log_has_state     (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabTcpState       state);
gboolean     lab_test_log_has_note      (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabNote           note);
void         lab_test_log_wait_state    (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabTcpState       state);
void         lab_test_log_wait_note     (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabNote           note);
void         lab_test_log_wait_data     (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabDirection      direction,
                                         gsize             len);
void         lab_test_log_wait_calls    (LabTestLog       *log,
                                         LabEndpoint      *endpoint,
                                         LabOp             op,
                                         guint             n);

/* A test with its own timeline, and a check that it leaves no socket open. */
typedef struct {
  LabTimeline *timeline;
  LabTestLog  *log;
  guint        fds_before;
} LabTestFixture;

typedef void (*LabTestFunc) (LabTestFixture *f,
                             gconstpointer   backend);

void         lab_test_fixture_set_up    (LabTestFixture   *f,
                                         gconstpointer     data);
void         lab_test_fixture_tear_down (LabTestFixture   *f,
                                         gconstpointer     data);
void         lab_test_add_backends      (const char       *prefix,
                                         const char       *name,
                                         LabTestFunc       func);
LabEndpoint *lab_test_new_endpoint      (LabTestFixture   *f,
                                         LabEndpointKind   kind,
                                         gconstpointer     backend,
                                         const char       *name);
void         lab_test_wait_for_state    (LabTestFixture   *f,
                                         LabEndpoint      *endpoint,
                                         LabTcpState       state);
void         lab_test_wait_for_data     (LabTestFixture   *f,
                                         LabEndpoint      *endpoint,
                                         LabDirection      direction,
                                         gsize             len);
void         lab_test_wait_for_note     (LabTestFixture   *f,
                                         LabEndpoint      *endpoint,
                                         LabNote           note);

void         lab_test_wait_stopped      (LabEndpoint      *endpoint);
void         lab_test_wait_waiting_in   (LabEndpoint      *endpoint,
                                         const char       *call);
guint16      lab_test_start_server      (LabEndpoint      *endpoint);
void         lab_test_start             (LabEndpoint      *endpoint);
guint        lab_test_count_fds         (void);
char        *lab_test_address_text      (GSocketAddress   *address);
void         lab_test_assert_event_bytes (LabEvent       *event,
                                          const char     *expected);
gboolean     lab_test_returned_before   (LabEvent         *first,
                                         LabEvent         *then);
gboolean     lab_test_waited_for        (LabEvent         *call,
                                         LabEvent         *cause);

/* An experiment file of two endpoints on the lab network: an echo server
 * on beta, port 7000 (the lab's hosts are its own: no other program holds
 * their ports), and a client on alfa that sends "Hola" and closes once it
 * is back. */
#define LAB_TEST_TWO_HOSTS \
  "[Experiment]\nVersion=1\nTitle=Two hosts\n\n" \
  "[Endpoint 1]\nName=Server\nKind=tcp-server\nnetwork-host=beta\nbind-address=beta\nport=7000\nbehaviour=echo\n\n" \
  "[Endpoint 2]\nName=Client\nKind=tcp-client\nnetwork-host=alfa\nhost=beta\nport=7000\n" \
  "initial-data=Hola\nexpect-bytes=4\n"

/* A lesson's test, to be run on each backend. */
typedef struct {
  const char    *id;
  GTestDataFunc  func;
} LabTestLessonCase;

void         lab_test_add_lessons       (const char              *prefix,
                                         const LabTestLessonCase *lessons,
                                         guint                    n);

/* A bundled lesson on free ports, in a session of its own. */
typedef struct {
  LabSession *session;
  LabTestLog *log;
} LabTestLesson;

LabExperiment *lab_test_lesson_experiment (const char     *id,
                                           LabBackendKind  backend);
void         lab_test_lesson_load       (LabTestLesson    *l,
                                         const char       *id,
                                         LabBackendKind    backend);
LabEndpoint *lab_test_lesson_endpoint   (LabTestLesson    *l,
                                         const char       *name);
void         lab_test_lesson_wait_ended (LabTestLesson    *l,
                                         LabEndpoint      *e);
void         lab_test_lesson_finish     (LabTestLesson    *l);
void         lab_test_wait_fds          (guint             expected);
typedef gboolean (*LabTestRowMatch) (const char *const *fields,
                                     gpointer            data);
gboolean     lab_test_find_socket_row_in (int              netns_fd,
                                          gboolean         udp,
                                          LabTestRowMatch  match,
                                          gpointer         data);
gboolean     lab_test_find_socket_row   (gboolean          udp,
                                         LabTestRowMatch   match,
                                         gpointer          data);
guint16      lab_test_wait_bound        (GSubprocess      *process,
                                         gboolean          udp);
gboolean     lab_test_localhost_has_ipv6 (void);

G_END_DECLS
