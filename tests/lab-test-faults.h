/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-endpoint.h"
#include "lab-call.h"
#include "lab-test-utils.h"

G_BEGIN_DECLS

/* Peers of the test's own: plain non-blocking sockets on loopback that do
 * to a server what no endpoint of the lab would (reset, never read, half
 * close, crowd it), and what the process holds meanwhile. */

int       lab_peer_connect_start     (guint16      port);
gboolean  lab_peer_wait_connected    (int          fd,
                                      guint        timeout_ms);
int       lab_peer_connect           (guint16      port);
gboolean  lab_peer_send_all          (int          fd,
                                      const void  *data,
                                      gsize        len,
                                      guint        timeout_ms);
gboolean  lab_peer_read_exactly      (int          fd,
                                      void        *data,
                                      gsize        len,
                                      guint        timeout_ms);
gboolean  lab_peer_exchange          (int           fd,
                                      const guint8 *out,
                                      guint8       *in,
                                      gsize         len,
                                      gboolean      shut,
                                      guint         timeout_ms);
gboolean  lab_peer_echo              (int          fd,
                                      const char  *text,
                                      guint        timeout_ms);
gboolean  lab_peer_wait_closed       (int          fd,
                                      guint        timeout_ms);
void      lab_peer_reset             (int          fd);
gboolean  lab_peer_wait_end          (int          fd,
                                      guint        timeout_ms);
guint16   lab_peer_port              (int          fd);
gsize     lab_peer_fill              (int          fd,
                                      guint        quiet_ms,
                                      gsize        most);

/* How much the resident set may grow, beyond what a test counts. */
#define RSS_SLACK (32u * 1024 * 1024)

guint     lab_test_count_threads     (void);
gsize     lab_test_rss               (void);
void      lab_test_assert_rss_growth (gsize        before,
                                      gsize        most);

/* What a timeline recorded, counted as it goes by and nothing kept: a
 * test that makes thousands of connections measures the process, not its
 * own log. */
typedef struct {
  LabTimeline *timeline;
  gulong       handler;
  guint        endpoint_id;
  guint64      calls[LAB_N_OPS];
  guint64      failed[LAB_N_OPS];
  guint64      notes[32];
  guint64      data_in;
  guint64      accept_shortages;
  /* Calls that failed: conn, op and errno, three guint64 each. */
  GArray      *failures;
  char        *failed_note;
  /* The first note that accept () waits to be tried again. */
  LabEvent    *paused;
} LabTally;

LabTally *lab_tally_new              (LabTimeline *timeline,
                                      LabEndpoint *endpoint);
void      lab_tally_free             (LabTally    *tally);
guint64   lab_tally_program_calls    (LabTally    *tally);
guint64   lab_tally_failures_on      (LabTally    *tally,
                                      guint64      conn);

/* A TCP echo server of one backend and one model on a timeline of its own,
 * with a tally of what it did; at the end it is stopped and every socket
 * of the test must be closed. */
typedef struct {
  LabTimeline    *timeline;
  LabEndpoint    *server;
  LabTally       *tally;
  LabBackendKind  backend;
  LabConcurrency  model;
  guint           fds_before;
} LabFault;

typedef void (*LabFaultFunc) (LabFault      *f,
                              gconstpointer  data);

void      lab_fault_add              (const char    *name,
                                      guint          models,
                                      LabFaultFunc   func);
guint16   lab_fault_start            (LabFault      *f);
void      lab_fault_stop             (LabFault      *f);
void      lab_fault_assert_serving   (LabFault      *f);
void      lab_fault_wait_count       (LabFault      *f,
                                      const guint64 *counter,
                                      guint64        n,
                                      guint          timeout_ms);

#define LAB_FAULT_MODEL(m) (1u << (m))
#define LAB_FAULT_ALL_MODELS (LAB_FAULT_MODEL (LAB_CONCURRENCY_ITERATIVE) | \
                              LAB_FAULT_MODEL (LAB_CONCURRENCY_THREADS) |   \
                              LAB_FAULT_MODEL (LAB_CONCURRENCY_LOOP))

G_END_DECLS
