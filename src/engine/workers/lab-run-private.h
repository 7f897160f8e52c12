/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <pthread.h>
#include <sys/socket.h>
#include <gio/gio.h>

#include "lab-endpoint-config-private.h"
#include "lab-event-private.h"
#include "lab-step-gate.h"
#include "lab-timeline-private.h"

G_BEGIN_DECLS

/* A running endpoint, as its threads see it.
 *
 * LabRun is what one start of an endpoint owns: its configuration copy, its
 * threads (LabWorker), its sockets (LabSock) and the backend that makes the
 * calls. The programs (servers, clients) are written once against the
 * backend; each backend records every call it makes in the timeline. */

typedef struct _LabRun LabRun;
typedef struct _LabWorker LabWorker;
typedef struct _LabSock LabSock;
typedef struct _LabKernelWatch LabKernelWatch;

struct _LabSock
{
  gatomicrefcount  ref;
  int              fd;
  /* A traced program's socket: @fd is the lab's own copy of it, and this
   * the number the program knows it by, which its states show; else -1 */
  int              shown_fd;
  GSocket         *gsocket;
  int              family;
  int              type;
  guint64          conn;
  gboolean         nonblocking;
  GSocketAddress  *local;
  GSocketAddress  *peer;

  /* Held while the fd is in use by a thread other than its reader, so that
   * it is never closed (and its number reused) under that thread. */
  GMutex           io_lock;
  gboolean         closed;

  /* The thread that reads this socket and will close it; a close asked from
   * elsewhere interrupts it. */
  LabWorker       *reader;
  gboolean         close_requested;

  LabKernelWatch  *watch;

  /* Bytes that crossed it each way (atomic): where the next data event's
   * bytes start in its stream */
  guint64          bytes[2];

  /* GIO event loop: the sources in the loop's context, and the last poll
   * this socket was part of */
  GSource         *in_source;
  GSource         *out_source;
  gboolean         ready_in;
  gboolean         ready_out;
  guint            poll_serial;
};

/* A thread of a run, from its start until it ends: then it is freed. */
struct _LabWorker
{
  LabRun          *run;
  guint            index;
  /* Where it is in run->workers */
  guint            slot;
  pthread_t        thread;
  gboolean         started;
  int              err;
  /* When its last call was made: the bytes a send moved left no earlier,
   * and no later than it returned. */
  gint64           call_begin_us;
  GMainContext    *context;
  /* The call it is making: one at a time */
  LabRecord        call;
  gboolean         call_open;
  /* GIO: the sockets with a source in @context, each with a reference,
   * and how many polls were made */
  GPtrArray       *watched;
  guint            poll_serial;
  /* The last poll set, written once: an event loop polls the same set
   * again and again. */
  GArray          *poll_key;
  guint64          poll_blob;
  guint32          poll_blob_len;
  /* The bytes it last received, and where the timeline keeps them: bytes
   * sent from the same memory (an echo) are kept once. The reference keeps
   * the memory from being reused for other bytes meanwhile. */
  GBytes          *last_in;
  guint64          last_in_blob;
  /* The last sender of a datagram: a peer mostly sends again */
  struct sockaddr_storage from_native;
  socklen_t        from_len;
  GSocketAddress  *from;
};

typedef enum {
  LAB_COMMAND_SEND,
  LAB_COMMAND_SHUTDOWN_WRITE,
  LAB_COMMAND_CLOSE,
  LAB_COMMAND_QUIT,
} LabCommandKind;

typedef struct {
  LabCommandKind  kind;
  guint64         conn;
  GBytes         *bytes;
  gboolean        sendall;
} LabCommand;

/* A peer of a UDP server: its address, its “connection”, and its place
 * in the order they were last heard from. */
typedef struct {
  LabAddr   address;
  guint64   conn;
  GList     link;
} LabUdpPeer;

/* Who records: what every event of a run carries. */
typedef struct {
  LabTimeline    *timeline;
  guint           endpoint_id;
  guint           generation;
  GRefString     *name;
  LabBackendKind  backend;
} LabSource;

struct _LabRun
{
  gatomicrefcount     ref;
  LabSource           source;
  LabTimeline        *timeline;
  LabEndpointConfig  *config;
  const struct _LabBackend *backend;
  guint               endpoint_id;
  /* GIO's blocking calls all wait on this one, and stopping cancels it:
   * its descriptor is made once, for the whole run. */
  GCancellable       *cancellable;
  GPollFD             cancellable_fd;
  gboolean            holds_cancellable_fd;
  gint                stopping;

  GMutex              lock;
  GCond               cond;
  GPtrArray          *workers;        /* the threads that run */
  guint               next_thread;
  GHashTable         *socks;          /* conn → LabSock */
  guint               active_clients;
  gboolean            ready;          /* the program can take commands */
  guint               served;
  /* The errno accept () last failed with for want of descriptors or
   * memory, until it accepts again: said once, not at every try. */
  int                 accept_shortage;
  GAsyncQueue        *commands;
  LabWorker          *loop_worker;    /* the event loop's thread, to wake */
  guint16             listen_port;    /* a server's, once bound; set before any accept () */
  /* The network namespace of its lab host, which each of its threads
   * enters before its first call; -1 on this computer */
  int                 netns_fd;
  /* A traced program's terminal (its input and output), or -1 for the
   * lab's own: the run holds its own copy */
  int                 terminal_fd;

  /* Step mode: the program's calls wait here to be stepped */
  LabStepGate         gate;

  /* UDP: the one socket, and the peers seen, each a “connection” */
  LabSock            *udp_sock;
  GHashTable         *udp_peers;      /* conn → GSocketAddress */
  GHashTable         *udp_conns;      /* LabAddr → LabUdpPeer */
  GQueue              udp_order;      /* of LabUdpPeer, the one heard from longest ago first */
  GHashTable         *udp_bytes;      /* conn → guint64[2], bytes each way */
};

/* lab-run.c */
gboolean   lab_run_set_network_host  (LabRun            *run,
                                      GError           **error);
gboolean   lab_run_is_on_lab_host    (LabRun            *run);
void       lab_run_set_terminal_fd   (LabRun            *run,
                                      int                fd);
int        lab_run_get_terminal_fd   (LabRun            *run);
LabRun    *lab_run_new               (LabTimeline       *timeline,
                                      LabEndpointConfig *config,
                                      guint              endpoint_id,
                                      guint              generation,
                                      LabTranslated     *name);
LabRun    *lab_run_ref               (LabRun            *run);
void       lab_run_unref             (LabRun            *run);
gboolean   lab_run_is_stopping       (LabRun            *run);
void       lab_run_stop              (LabRun            *run);
LabWorker *lab_run_spawn             (LabRun            *run,
                                      void             (*func) (LabWorker *w, gpointer data),
                                      gpointer           data,
                                      GDestroyNotify     destroy);
void       lab_run_push_command      (LabRun            *run,
                                      LabCommand        *command);
void       lab_run_register_sock     (LabRun            *run,
                                      LabSock           *sock);
void       lab_run_unregister_sock   (LabRun            *run,
                                      LabSock           *sock);
LabSock   *lab_run_lookup_sock       (LabRun            *run,
                                      guint64            conn);
GPtrArray *lab_run_list_socks        (LabRun            *run);
guint64    lab_run_new_conn          (LabRun            *run);
void       lab_command_free          (LabCommand        *command);
LabStepGate *lab_run_get_gate        (LabRun            *run);
guint64    lab_run_count_bytes       (LabRun            *run,
                                      LabSock           *s,
                                      guint64            conn,
                                      LabDirection       direction,
                                      gsize              len);

guint      lab_run_count_workers     (void);
void       lab_run_set_worker_niceness (int niceness);
void       lab_worker_interrupt      (LabWorker         *w);

LabSock   *lab_sock_new              (int                fd,
                                      GSocket           *gsocket,
                                      int                family,
                                      int                type);
LabSock   *lab_sock_ref              (LabSock           *sock);
void       lab_sock_unref            (LabSock           *sock);

/* lab-record.c: recording, from the worker that makes the call */
void       lab_record_init_from      (LabRecord         *record,
                                      const LabSource   *src,
                                      LabEventKind       kind,
                                      guint              thread);
void       lab_record_keep_blob      (LabTimeline       *timeline,
                                      LabRecord         *record,
                                      const void        *data,
                                      gsize              len);
LabRecord *lab_call_new              (LabWorker         *w,
                                      LabSock           *s,
                                      LabCall            call);
void       lab_call_set_address      (LabRecord         *call,
                                      GSocketAddress    *address);
void       lab_call_set_bytes        (LabWorker         *w,
                                      LabRecord         *call,
                                      GBytes            *bytes);
void       lab_call_set_text         (LabWorker         *w,
                                      LabRecord         *call,
                                      const char        *text);
void       lab_call_set_resolved     (LabWorker         *w,
                                      LabRecord         *call,
                                      const char        *host,
                                      GPtrArray         *addresses);
void       lab_call_set_poll_set     (LabWorker         *w,
                                      LabRecord         *call,
                                      const int         *key,
                                      guint              n,
                                      char            *(*describe) (gpointer data),
                                      gpointer           data);
gboolean   lab_call_begin            (LabWorker         *w,
                                      LabRecord         *call) G_GNUC_WARN_UNUSED_RESULT;
void       lab_call_end              (LabWorker         *w,
                                      LabRecord         *call,
                                      gint64             result,
                                      int                err,
                                      GSocketAddress    *address);
void       lab_record_data           (LabWorker         *w,
                                      LabSock           *s,
                                      guint64            conn,
                                      LabDirection       direction,
                                      GBytes            *bytes,
                                      gsize              real_len,
                                      GSocketAddress    *peer);
void       lab_record_source_note    (const LabSource   *source,
                                      LabSock           *s,
                                      LabNote            note,
                                      const char        *arg);
void       lab_record_note           (LabRun            *run,
                                      LabWorker         *w,
                                      LabSock           *s,
                                      LabNote            note,
                                      const char        *arg);
void       lab_record_tcp_sample     (const LabSource   *source,
                                      LabSock           *s,
                                      const void        *sample,
                                      gsize              len);
void       lab_record_state          (const LabSource   *source,
                                      LabSock           *s,
                                      LabTcpState        state,
                                      LabTcpState        previous,
                                      gboolean           has_queue,
                                      guint              queue_len,
                                      guint              queue_limit);
void       lab_record_instrumentation (const LabSource  *source,
                                      LabSock           *s,
                                      LabCall            call,
                                      gint64             i0,
                                      gint64             i1,
                                      const char        *text,
                                      gint64             result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSock, lab_sock_unref)

G_END_DECLS
