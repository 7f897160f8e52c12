/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The kinds of program the lab runs: four of TCP and UDP, a ping (ICMP
 * echo requests, on a raw socket or ICMP's datagram socket), and a program
 * of the user's own, traced (its socket calls, as the kernel sees them). */
typedef enum {
  LAB_ENDPOINT_TCP_SERVER,
  LAB_ENDPOINT_TCP_CLIENT,
  LAB_ENDPOINT_UDP_SERVER,
  LAB_ENDPOINT_UDP_CLIENT,
  LAB_ENDPOINT_PING,
  LAB_ENDPOINT_PROGRAM,
} LabEndpointKind;

/* How many kinds there are */
#define LAB_N_ENDPOINT_KINDS (LAB_ENDPOINT_PROGRAM + 1)

/* Which API makes the calls: the toggle is the lesson. A traced program's
 * calls are the system calls its kernel received, whatever made them. */
typedef enum {
  LAB_BACKEND_GIO,
  LAB_BACKEND_POSIX,
  LAB_BACKEND_TRACED,
} LabBackendKind;

typedef enum {
  LAB_BEHAVIOUR_ECHO,
  LAB_BEHAVIOUR_UPPER,
  LAB_BEHAVIOUR_TIME,
  LAB_BEHAVIOUR_DISCARD,
  LAB_BEHAVIOUR_MANUAL,
} LabBehaviour;

typedef enum {
  LAB_CONCURRENCY_ITERATIVE,
  LAB_CONCURRENCY_THREADS,
  LAB_CONCURRENCY_LOOP,
} LabConcurrency;

/* The address family a client asks the resolver for. */
typedef enum {
  LAB_FAMILY_ANY,
  LAB_FAMILY_IPV4,
  LAB_FAMILY_IPV6,
} LabFamily;

typedef enum {
  LAB_FRAMING_RAW,
  LAB_FRAMING_LINES,
  LAB_FRAMING_LENGTH_PREFIX,
  LAB_FRAMING_FIXED,
} LabFraming;

typedef enum {
  LAB_EVENT_CALL,
  LAB_EVENT_STATE,
  LAB_EVENT_DATA,
  LAB_EVENT_NOTE,
  LAB_EVENT_PACKET,
  LAB_EVENT_TCP_SAMPLE,         /* the kernel's TCP numbers of a connection (lab-tcp-sample.h) */
} LabEventKind;

/* The generic operation of a call, whatever the backend names it. */
typedef enum {
  LAB_OP_SOCKET,
  LAB_OP_SETSOCKOPT,
  LAB_OP_GETSOCKOPT,
  LAB_OP_BIND,
  LAB_OP_LISTEN,
  LAB_OP_ACCEPT,
  LAB_OP_CONNECT,
  LAB_OP_SEND,
  LAB_OP_RECV,
  LAB_OP_SENDTO,
  LAB_OP_RECVFROM,
  LAB_OP_SHUTDOWN,
  LAB_OP_CLOSE,
  LAB_OP_GETADDRINFO,
  LAB_OP_GETSOCKNAME,
  LAB_OP_GETPEERNAME,
  LAB_OP_POLL,
  LAB_OP_FCNTL,
  /* GIO's own settings of a GSocket that make no system call:
   * g_socket_set_listen_backlog (), g_socket_set_blocking (),
   * g_socket_set_timeout (). */
  LAB_OP_CONFIGURE,
  /* Instrumentation: the kernel asked about sockets already closed. */
  LAB_OP_SOCK_DIAG,
} LabOp;

/* The kernel's TCP states, numbered as tcpi_state numbers them. */
typedef enum {
  LAB_TCP_UNKNOWN = 0,
  LAB_TCP_ESTABLISHED = 1,
  LAB_TCP_SYN_SENT,
  LAB_TCP_SYN_RECV,
  LAB_TCP_FIN_WAIT1,
  LAB_TCP_FIN_WAIT2,
  LAB_TCP_TIME_WAIT,
  LAB_TCP_CLOSE,
  LAB_TCP_CLOSE_WAIT,
  LAB_TCP_LAST_ACK,
  LAB_TCP_LISTEN,
  LAB_TCP_CLOSING,
  LAB_TCP_NEW_SYN_RECV,
  /* Not a kernel state: the socket no longer exists in the kernel. */
  LAB_TCP_GONE,
} LabTcpState;

/* What a note says; its words are made when it is shown, in the language of
 * that moment. */
typedef enum {
  LAB_NOTE_STARTED,
  LAB_NOTE_STOP_REQUESTED,
  LAB_NOTE_STOPPED,
  LAB_NOTE_FAILED,
  LAB_NOTE_LISTENING,
  LAB_NOTE_CONNECTED,
  LAB_NOTE_PEER_CLOSED,
  LAB_NOTE_FRAMING_ERROR,
  LAB_NOTE_MAX_CONNECTIONS,
  LAB_NOTE_WAITING_FOR_SLOT,
  LAB_NOTE_CLOSE_REQUESTED,
  LAB_NOTE_TIMEOUT,
  /* The kernel handed the connection to a socket of its own (TIME_WAIT)
   * while the program still holds its descriptor */
  LAB_NOTE_SOCKET_CLOSED_BY_KERNEL,
  LAB_NOTE_ACCEPT_PAUSED,
  /* A UDP server heard from more peers than it keeps: the one heard from
   * longest ago is forgotten */
  LAB_NOTE_PEER_FORGOTTEN,
  /* A ping: the socket it uses and why (raw, datagram, GIO's datagram) */
  LAB_NOTE_PING_SOCKET,
  /* A ping's echo reply came: "icmp_seq=1 ttl=64 time=0.210 ms" */
  LAB_NOTE_ECHO_REPLY,
  /* No reply to an echo request in time: its icmp_seq, then the seconds */
  LAB_NOTE_ECHO_LOST,
  /* The ping is over: "3 2 0.101 0.150 0.210" (sent, received, and the
   * round-trip times' minimum, average and maximum in ms) */
  LAB_NOTE_PING_SUMMARY,
  /* ICMP's datagram socket was refused: net.ipv4.ping_group_range, then
   * the process's group */
  LAB_NOTE_PING_NOT_ALLOWED,
  /* A traced program started: its command line */
  LAB_NOTE_PROGRAM_STARTED,
  /* A traced process ended: "exit 0", or "signal 11"; the pid is the fd */
  LAB_NOTE_PROGRAM_EXITED,
  /* A traced program made a new process: its pid is the fd */
  LAB_NOTE_PROGRAM_FORKED,
} LabNote;

/* A ping's bounds: how many echo requests, and the milliseconds between
 * two of them */
#define LAB_PING_MAX_COUNT       100
#define LAB_PING_MIN_INTERVAL_MS 200
#define LAB_PING_MAX_INTERVAL_MS 10000

/* The most times a client sends its initial data */
#define LAB_MAX_SEND_COUNT       100000

/* How long a server waits before it tries accept () again after it failed
 * for want of descriptors or memory. */
#define LAB_ACCEPT_RETRY_MS 100

/* How many peers a UDP server keeps, each a “connection” with its address:
 * a flood from ever new ports costs no more. */
#define LAB_UDP_MAX_PEERS 256

typedef enum {
  LAB_DIRECTION_IN,
  LAB_DIRECTION_OUT,
} LabDirection;

/* What an endpoint is doing, as its panel says it. */
typedef enum {
  LAB_ENDPOINT_STATE_STOPPED,
  LAB_ENDPOINT_STATE_STARTING,
  LAB_ENDPOINT_STATE_RUNNING,
  LAB_ENDPOINT_STATE_WAITING,
  LAB_ENDPOINT_STATE_CONNECTED,
  LAB_ENDPOINT_STATE_STOPPING,
  LAB_ENDPOINT_STATE_FAILED,
} LabEndpointState;

gboolean        lab_endpoint_kind_is_server  (LabEndpointKind kind);
gboolean        lab_endpoint_kind_is_tcp     (LabEndpointKind kind);
gboolean        lab_endpoint_kind_is_ping    (LabEndpointKind kind);
gboolean        lab_endpoint_kind_is_program (LabEndpointKind kind);

/* Each value in words, as the window shows it, translated */
const char     *lab_endpoint_kind_to_label   (LabEndpointKind kind);
const char     *lab_behaviour_to_label       (LabBehaviour    behaviour);
const char     *lab_concurrency_to_label     (LabConcurrency  concurrency);
const char     *lab_family_to_label          (LabFamily       family);
const char     *lab_framing_to_label         (LabFraming      framing);
GStrv           lab_enum_dup_labels          (GType           type);

G_END_DECLS
