/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-framing.h"
#include "lab-run-private.h"

G_BEGIN_DECLS

/* What the programs share (lab-program.c and one file per program). */

/* lab-program.c */
void            lab_program_start              (LabRun            *run);
gboolean        lab_program_was_interrupted    (LabWorker         *w,
                                                LabSock           *s);
void            lab_program_fail               (LabWorker         *w,
                                                const char        *op);
void            lab_program_set_ready          (LabRun            *run);
void            lab_program_end                (LabRun            *run);
GSocketAddress *lab_program_make_address       (const char        *host,
                                                guint16            port);
gboolean        lab_program_send               (LabWorker         *w,
                                                LabSock           *s,
                                                GBytes            *bytes,
                                                gboolean           sendall);
LabSock        *lab_program_open_listener      (LabWorker         *w,
                                                int                type);
gboolean        lab_program_enough_served      (LabRun            *run);
void            lab_program_note_enough_served (LabWorker         *w);
GPtrArray      *lab_program_resolve            (LabWorker         *w,
                                                int                type);
LabSock        *lab_program_client_socket      (LabWorker         *w,
                                                GSocketAddress    *peer,
                                                int                type);
gboolean        lab_program_bind_local         (LabWorker         *w,
                                                LabSock           *s);
gboolean        lab_program_set_buffers        (LabWorker         *w,
                                                LabSock           *s);
void            lab_program_client_read        (LabWorker         *w,
                                                LabSock           *s,
                                                gboolean           datagrams);

/* lab-behaviour.c */
GBytes         *lab_behaviour_time             (void);
GBytes         *lab_behaviour_uppercase        (GBytes            *message);
LabDecoder     *lab_behaviour_new_decoder      (LabEndpointConfig *c);
GPtrArray      *lab_behaviour_reply            (LabWorker         *w,
                                                LabSock           *s,
                                                LabDecoder        *decoder,
                                                GBytes            *data,
                                                gboolean          *quit);
GBytes         *lab_behaviour_answer_datagram  (LabEndpointConfig *c,
                                                GBytes            *datagram);

/* lab-tcp-server.c */
void            lab_tcp_server_main            (LabWorker         *w,
                                                gpointer           data);
void            lab_tcp_server_adopt           (LabWorker         *w,
                                                LabSock           *conn);
void            lab_tcp_server_drop            (LabWorker         *w,
                                                LabSock           *conn);
LabSock        *lab_tcp_server_accept          (LabWorker         *w,
                                                LabSock           *listener,
                                                gboolean          *again,
                                                gint64            *resume_us);

/* lab-tcp-server-loop.c */
void            lab_tcp_server_serve_with_loop (LabWorker         *w,
                                                LabSock           *listener);

/* lab-tcp-client.c */
void            lab_tcp_client_main            (LabWorker         *w,
                                                gpointer           data);

/* lab-udp.c */
void            lab_udp_server_main            (LabWorker         *w,
                                                gpointer           data);
void            lab_udp_client_main            (LabWorker         *w,
                                                gpointer           data);

/* lab-ping.c */
void            lab_ping_main                  (LabWorker         *w,
                                                gpointer           data);

/* lab-traced.c */
void            lab_traced_main                (LabWorker         *w,
                                                gpointer           data);

/* lab-commands.c */
void            lab_commands_main              (LabWorker         *w,
                                                gpointer           data);

G_END_DECLS
