/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-explain-private.h"

/* The words of the explanations shown in Step mode, in a timeline row’s
 * details and by protolab-cli explain: what each kind of call does, each
 * name the backends record it by, and each error. Untranslated here;
 * lab-explain.c translates them when it shows them. */

/* For each kind of call: what it does, its arguments (or NULL), when it
 * waits (NULL: never) and what it returns. */
const LabCallText lab_call_texts[] = {
  { LAB_OP_SOCKET,
    N_("Asks the kernel for a new socket: one end of a future conversation over the network, not yet tied to any address or peer. It returns a descriptor, a small number the program uses to name this socket in every later call."),
    N_("The address family (AF_INET: IPv4; AF_INET6: IPv6), the type (SOCK_STREAM: TCP, a stream of bytes; SOCK_DGRAM: UDP, datagrams; SOCK_RAW: a raw socket, where the program writes the protocol’s header itself and reads whole IP packets, which needs CAP_NET_RAW) and the protocol (0: the usual one for that type; IPPROTO_ICMP: ICMP, a ping’s echo requests and replies, on SOCK_RAW or, without privilege where net.ipv4.ping_group_range allows it, on SOCK_DGRAM)."),
    NULL,
    N_("The new descriptor (3, 4…: the lowest number free), or -1 and an errno, e.g. EMFILE when the process already has too many open. (GLib: a GSocket, shown as “socket 3” after its descriptor, or NULL and an error.)") },

  { LAB_OP_SETSOCKOPT,
    N_("Changes one of the socket’s options in the kernel; an option that affects bind (), such as SO_REUSEADDR, must be set before it. The lab uses SO_REUSEADDR (reuse a port whose old connections wait in TIME_WAIT), SO_RCVBUF and SO_SNDBUF (buffer sizes), TCP_NODELAY (send small writes at once) and SO_RCVTIMEO (a receive timeout)."),
    N_("The descriptor, the level the option belongs to (SOL_SOCKET: the socket itself; IPPROTO_TCP: TCP), the option’s name and its value: 1 turns it on, a buffer size is in bytes (Linux doubles it for its own bookkeeping), and SO_RCVTIMEO takes a time in seconds and microseconds."),
    NULL,
    N_("0 on success, or -1 and an errno: ENOPROTOOPT for an option this socket does not have (a TCP option on a UDP socket), EINVAL for a bad value. (GLib: TRUE or FALSE.)") },

  { LAB_OP_GETSOCKOPT,
    N_("Reads one of the socket’s options from the kernel. The program uses it only as getsockopt (SO_ERROR) after a non-blocking connect () with a timeout, to learn how the handshake ended; the lab itself uses getsockopt (TCP_INFO) to read the kernel’s TCP state of the socket (and, for a listening socket, how many connections wait in its queue)."),
    N_("The descriptor, the level (SOL_SOCKET or IPPROTO_TCP) and the option to read: SO_ERROR, the socket’s pending error, or TCP_INFO, the kernel’s record of the TCP connection."),
    NULL,
    N_("For SO_ERROR the lab shows the value read: 0 means the connection succeeded, any other number is the errno it failed with (111 is ECONNREFUSED). The call itself returns 0, or -1 and an errno if it fails.") },

  { LAB_OP_BIND,
    N_("Ties the socket to a local address and port, where others can find it: a server binds to the port its clients will use. A client usually skips bind (); the kernel then picks a free port for it (an ephemeral port) when it connects or first sends."),
    N_("The descriptor and the local address: an IP address of this machine (127.0.0.1: reachable only from this machine; 0.0.0.0: from every interface) and a port (0 lets the kernel choose one)."),
    NULL,
    N_("0 on success, or -1 and an errno: EADDRINUSE when another socket holds that address and port, EADDRNOTAVAIL when the address is not this machine’s, EACCES for a port below 1024 without privileges. (GLib: TRUE or FALSE.)") },

  { LAB_OP_LISTEN,
    N_("Turns a bound TCP socket into a listening socket: from now on the kernel itself answers clients’ SYNs, completes their handshakes and queues the finished connections for accept (). A listening socket never carries data itself."),
    N_("The descriptor and the backlog: how many finished connections the kernel may keep queued, waiting for accept (). When the queue is full, the kernel stops answering new clients, who wait and retry until there is room."),
    NULL,
    N_("0 on success, or -1 and an errno (EOPNOTSUPP on a UDP socket, which has no connections to listen for). (GLib: TRUE or FALSE.)") },

  { LAB_OP_ACCEPT,
    N_("Takes the first finished connection from the listening socket’s queue and returns a NEW socket for talking to that one client. The listening socket goes on listening for others."),
    N_("The descriptor of the listening socket."),
    N_("Until a client has connected: the kernel completes the handshake by itself and queues the connection, and accept () only takes it, so it returns at once if one is already waiting. On a non-blocking socket (the event loop’s) it never waits: it fails with EAGAIN instead."),
    N_("The new socket’s descriptor and the client’s address and port, or -1 and an errno: EAGAIN when nobody is waiting on a non-blocking socket, EINTR when stopping the endpoint interrupted it, EMFILE when there are too many descriptors. (GLib: the new GSocket, or NULL.)") },

  { LAB_OP_CONNECT,
    N_("For TCP, makes the three-way handshake (SYN, SYN+ACK, ACK) with the server at that address; once it is over the socket is connected, and the kernel has chosen a local port for it. For UDP it sends nothing: it only fixes the peer, so that send () and recv () can be used and datagrams from anyone else are dropped."),
    N_("The descriptor and the server’s address and port, as getaddrinfo () gave them."),
    N_("For TCP, during the handshake: until the server answers (connected) or refuses (ECONNREFUSED), or the timeout passes (ETIMEDOUT). On this machine the answer is immediate; to a distant host it takes a round trip. For UDP it never waits."),
    N_("0 when connected, or -1 and an errno: ECONNREFUSED (nothing listens there), ETIMEDOUT (no answer), ENETUNREACH or EHOSTUNREACH (no route). With a timeout the lab makes a non-blocking connect (), which returns -1 EINPROGRESS at once; poll () and getsockopt (SO_ERROR) then tell how it ended. (GLib: TRUE or FALSE.)") },

  { LAB_OP_SEND,
    N_("Hands bytes to the kernel for sending on a connected socket. It returns as soon as they are copied into the kernel’s send buffer; TCP sends them when it can, so a successful send () does not mean the peer has received them yet."),
    N_("The descriptor, the bytes to send (shown as b'…') and the flags (0: none)."),
    N_("Only when the kernel’s send buffer is full: then it waits until the peer reads and its acknowledgements make room. With small messages it returns at once."),
    N_("The number of bytes accepted, normally all of them but possibly fewer (that is why sending everything, as sendall () does, means calling send () again with the rest), or -1 and an errno: EPIPE or ECONNRESET when the connection has been closed or reset by the peer. (GLib: a byte count, or -1.)") },

  { LAB_OP_RECV,
    N_("Takes the bytes that have arrived on a connected socket out of the kernel’s receive buffer. TCP is a stream of bytes, not of messages: one recv () may return part of what the peer sent with one send (), or several sends together. (On a connected UDP socket, each recv () takes one whole datagram.)"),
    N_("The descriptor, the most bytes to take at once (the size of the buffer) and the flags (0: none)."),
    N_("Until at least one byte has arrived, or the peer closed its side (then it returns 0), or the timeout passed. If bytes are already waiting it returns at once."),
    N_("The number of bytes received, which may be fewer than asked; 0 means the peer closed its side, an orderly end: nothing more will come. -1 and an errno on error: EAGAIN when the timeout passed (GLib: its own G_IO_ERROR_TIMED_OUT), ECONNRESET when the peer reset the connection.") },

  { LAB_OP_SENDTO,
    N_("Sends one datagram to the address given, without any connection: UDP just hands it to the network. If nobody listens there the datagram is simply lost, and sendto () still succeeds. That is why the lab’s UDP client, given a name with both families, takes its IPv4 address, as the course’s programs do, instead of trying each in turn. On an ICMP socket (a ping) it sends one ICMP message: the echo request whose header the program wrote (type 8, code 0, checksum, identifier, sequence number), followed by its data; the kernel adds the IP header."),
    N_("The descriptor, the bytes (one datagram), the flags (0: none) and the destination address and port (ICMP has no ports: a ping gives 0)."),
    N_("In practice never: the datagram leaves at once. Only if the socket’s send buffer were full would it wait for room."),
    N_("The number of bytes sent (the whole datagram), or -1 and an errno: EMSGSIZE when the datagram is too large for UDP, ENETUNREACH when there is no route. (GLib: a byte count, or -1.)") },

  { LAB_OP_RECVFROM,
    N_("Takes the next datagram that arrived on the socket, whole, and says who sent it. UDP keeps message boundaries: each recvfrom () returns exactly one datagram, as it was sent. On a raw ICMP socket it returns one ICMP message that reached the host, any of them, with its IP header first (20 bytes, its TTL among them): a ping keeps only the echo reply with its identifier and sequence number. On ICMP’s datagram socket it returns only the replies to this socket, without IP header."),
    N_("The descriptor, the size of the buffer (the most bytes to keep) and the flags: MSG_TRUNC makes it return the datagram’s real length even when the buffer kept less, so that truncation shows instead of passing silently."),
    N_("Until a datagram arrives, or the timeout passes. If one is already queued it returns at once."),
    N_("The datagram’s length (0 is a valid, empty datagram) and the sender’s address and port; a length larger than the buffer means the rest was cut off and lost. -1 and an errno on error: EAGAIN when the timeout passed (GLib: its own G_IO_ERROR_TIMED_OUT).") },

  { LAB_OP_SHUTDOWN,
    N_("Closes one direction of a TCP connection without closing the socket. SHUT_WR, a half-close, sends a FIN: the peer’s recv () returns 0 once it has read everything, while this side can still receive the answer."),
    N_("The descriptor and which direction: SHUT_WR (no more sending), SHUT_RD (no more receiving) or SHUT_RDWR (both)."),
    NULL,
    N_("0 on success, or -1 and an errno (ENOTCONN when the socket is not connected). (GLib: TRUE or FALSE.)") },

  { LAB_OP_CLOSE,
    N_("Gives the descriptor back and releases the socket; it returns at once. For a TCP connection the kernel then ends it on its own (with a FIN, or a RST if unread data was left), and the side that closed first keeps the connection in TIME_WAIT for a while (60 s on Linux)."),
    N_("The descriptor to close; after this its number may be reused by the next socket."),
    NULL,
    N_("0, or -1 and an errno (EBADF when that descriptor was not open). (GLib: TRUE or FALSE.)") },

  { LAB_OP_GETADDRINFO,
    N_("Turns a host name and a port into the list of socket addresses to try, e.g. “localhost” into 127.0.0.1 (and often ::1 too). It reads /etc/hosts and, for other names, asks DNS; a numeric address is converted without any lookup."),
    N_("The host name (or a numeric address), the port, the family wanted (AF_UNSPEC: IPv4 or IPv6; AF_INET: IPv4 only; AF_INET6: IPv6 only) and the socket type (SOCK_STREAM or SOCK_DGRAM), so that each address comes ready for socket () and connect ()."),
    N_("While the answer is looked up: at once for a numeric address or a name in /etc/hosts, longer while DNS answers (seconds, if the DNS server is slow or unreachable)."),
    N_("0 and the list of addresses, in the order to try them. On failure it returns an EAI_ code rather than setting errno, e.g. EAI_NONAME for a name that does not exist, EAI_AGAIN when DNS did not answer. (GLib: a list of addresses, or NULL.)") },

  { LAB_OP_GETSOCKNAME,
    N_("Asks the kernel which local address and port this socket has: the one given to bind (), or the one the kernel chose, such as the ephemeral port a client got when it connected, or the real port after binding to port 0."),
    N_("The descriptor."),
    NULL,
    N_("0 and the local address and port, or -1 and an errno. (GLib: a GSocketAddress, or NULL.)") },

  { LAB_OP_GETPEERNAME,
    N_("Asks the kernel for the address and port of the peer this socket is connected to. GLib’s g_socket_accept () does not say who connected, so the program asks this way."),
    N_("The descriptor of a connected socket."),
    NULL,
    N_("0 and the peer’s address and port, or -1 and ENOTCONN when the socket is not connected (for example, the connection was already reset). (GLib: a GSocketAddress, or NULL.)") },

  { LAB_OP_POLL,
    N_("Waits on several sockets at once and says which are ready: readable (data, a connection to accept, or the peer closed) or writable. An event-loop server uses it to serve many clients in one thread, calling accept () or recv () only on the sockets that are ready, so those calls never block."),
    N_("The list of sockets to watch, each with the events wanted (POLLIN: ready to read or accept; POLLOUT: ready to write), how many there are, and the timeout in milliseconds (-1: wait as long as it takes)."),
    N_("Until one of the sockets is ready, or the timeout passes. Stopping the endpoint wakes it too."),
    N_("How many sockets are ready (0: the timeout passed with none ready), or -1 and an errno (EINTR when stopping the endpoint interrupted it). (GLib’s g_main_context_iteration (): TRUE when some socket was ready.)") },

  { LAB_OP_FCNTL,
    N_("Changes the descriptor’s flags. The lab uses it to make a socket non-blocking (O_NONBLOCK), so that accept (), recv () or connect () return at once (with EAGAIN or EINPROGRESS) instead of waiting, and to make it blocking again."),
    N_("The descriptor, the command F_SETFL (set the file status flags) and the new flags: O_NONBLOCK for non-blocking, 0 for blocking again."),
    NULL,
    N_("0 on success, or -1 and an errno (EBADF when the descriptor is not open).") },

  { LAB_OP_CONFIGURE,
    N_("A setting of GLib’s GSocket object that makes no system call: the kernel hears nothing of it. g_socket_set_listen_backlog () keeps the number for the next g_socket_listen (), g_socket_set_blocking () decides whether GLib waits for you, and g_socket_set_timeout () how long it waits."),
    N_("The GSocket and the value set: a backlog, TRUE or FALSE, or a timeout in whole seconds (0: none)."),
    NULL,
    N_("Nothing: these functions return no value and cannot fail.") },

  { LAB_OP_SOCK_DIAG,
    N_("Not a call of the program: the lab asks the kernel, through a netlink socket (sock_diag), about connections whose sockets are already closed but which the kernel still keeps, such as one in TIME_WAIT. That is how the timeline shows a connection ending after close ()."),
    N_("The connection, as the kernel names it: the local address and port ↔ the peer’s."),
    NULL,
    N_("The connection’s TCP state in the kernel (e.g. TIME_WAIT, FIN_WAIT_2, LAST_ACK), or GONE once the kernel has forgotten it.") },
};
const guint lab_n_call_texts = G_N_ELEMENTS (lab_call_texts);

/* What GLib does around the system call, for each of GIO's names (the
 * names and what they are: lab-call.c), and its own arguments where they
 * are not the BSD call's. The BSD calls need no note. */
const LabCallNote lab_call_notes[LAB_N_CALLS] = {
  [LAB_CALL_G_SOCKET_NEW] = {
    N_("GLib calls socket () and then makes the descriptor non-blocking with fcntl (O_NONBLOCK): a GSocket is always non-blocking underneath, and GLib itself waits with poll () when a call has to wait."),
    N_("The family (G_SOCKET_FAMILY_IPV4: AF_INET; G_SOCKET_FAMILY_IPV6: AF_INET6), the type (G_SOCKET_TYPE_STREAM: SOCK_STREAM, TCP; G_SOCKET_TYPE_DATAGRAM: SOCK_DGRAM, UDP) and the protocol (G_SOCKET_PROTOCOL_DEFAULT: 0, the usual one for that type). GSocketProtocol has only DEFAULT, TCP, UDP and SCTP, and g_socket_new () refuses any other protocol, and GSocketType has no raw type: GIO cannot open an ICMP socket, neither SOCK_RAW nor SOCK_DGRAM, which is why the lab’s ping makes the BSD calls only."),
  },
  [LAB_CALL_G_SOCKET_SET_OPTION] = {
    N_("GLib calls setsockopt () with the integer value given."),
    N_("The GSocket, the level (SOL_SOCKET or IPPROTO_TCP), the option’s name and its value, always a whole number: 1 turns it on, a buffer size is in bytes (Linux doubles it for its own bookkeeping). An option that is not a number, such as SO_RCVTIMEO, cannot be set this way; GIO has g_socket_set_timeout () instead."),
  },
  [LAB_CALL_G_SOCKET_BIND] = {
    N_("GLib first sets two options with setsockopt (): SO_REUSEADDR to its allow_reuse argument, and SO_REUSEPORT to allow_reuse on a UDP socket but to 0 on a TCP one, whatever allow_reuse says. Then it calls bind ()."),
    N_("The GSocket, the local address (an IP address of this machine and a port; 0 lets the kernel choose one) and allow_reuse, TRUE or FALSE, which GLib writes into SO_REUSEADDR (and, on a UDP socket, SO_REUSEPORT) before binding."),
  },
  [LAB_CALL_G_SOCKET_LISTEN] = {
    N_("GLib calls listen () with the backlog set before with g_socket_set_listen_backlog () (10 if none was set)."),
    N_("Only the GSocket: the backlog is the number g_socket_set_listen_backlog () kept before."),
  },
  [LAB_CALL_G_SOCKET_ACCEPT] = {
    N_("GLib calls accept () on its non-blocking socket; if no connection is waiting and the GSocket is blocking, it waits with poll () on the socket and on a cancellable (which is how stopping the endpoint wakes it), then tries again."),
    N_("The listening GSocket, and a GCancellable (not shown) that stopping the endpoint cancels."),
  },
  [LAB_CALL_G_SOCKET_CONNECT] = {
    N_("GLib calls connect () on its non-blocking socket; while the handshake is under way (EINPROGRESS) it waits with poll (), then reads the outcome with getsockopt (SO_ERROR) itself."),
    N_("The GSocket and the server’s address and port (a GSocketAddress), and a GCancellable (not shown). Its timeout is the GSocket’s own, set before with g_socket_set_timeout ()."),
  },
  [LAB_CALL_G_SOCKET_SEND] = {
    N_("GLib calls send () with MSG_NOSIGNAL, so that a closed connection gives EPIPE instead of a signal; if the send buffer is full and the GSocket is blocking, it waits with poll () and tries again."),
    N_("The GSocket, the bytes to send (shown as b'…') with their size, and a GCancellable (not shown). There are no flags: GLib adds MSG_NOSIGNAL by itself."),
  },
  [LAB_CALL_G_SOCKET_RECEIVE] = {
    N_("GLib calls recv (); if nothing has arrived and the GSocket is blocking, it waits with poll () and tries again; when the GSocket’s timeout passes with poll () returning 0, GLib fails with its own G_IO_ERROR_TIMED_OUT."),
    N_("The GSocket, the buffer and its size (the most bytes to take at once), and a GCancellable (not shown). There are no flags."),
  },
  [LAB_CALL_G_SOCKET_SEND_TO] = {
    N_("GLib sends the datagram with sendmsg (), the general form of sendto () that carries the address and the bytes in one message structure."),
    N_("The GSocket, the destination address and port (a GSocketAddress), the bytes (one datagram) with their size, and a GCancellable (not shown). There are no flags."),
  },
  [LAB_CALL_G_SOCKET_RECEIVE_MESSAGE] = {
    N_("GLib receives with recvmsg (), the general form of recvfrom (), here with MSG_TRUNC; if nothing has arrived and the GSocket is blocking, it waits with poll () and tries again."),
    N_("The GSocket, where to put the sender’s address, the buffer (one GInputVector, of the size shown), no control messages, the flags (MSG_TRUNC: return the datagram’s real length even when the buffer kept less) and a GCancellable (not shown)."),
  },
  [LAB_CALL_G_SOCKET_SHUTDOWN] = {
    N_("GLib turns its two booleans (shut down reading, shut down writing) into SHUT_RD, SHUT_WR or SHUT_RDWR and calls shutdown ()."),
    N_("The GSocket and two booleans: shut down reading, shut down writing. FALSE, TRUE is a half-close, shutdown (SHUT_WR)."),
  },
  [LAB_CALL_G_SOCKET_CLOSE] = {
    N_("GLib calls close () on the descriptor and marks the GSocket closed; closing it again is not an error."),
    N_("The GSocket to close; its descriptor’s number may then be reused by the next socket."),
  },
  [LAB_CALL_G_RESOLVER_LOOKUP_BY_NAME] = {
    N_("GLib’s resolver: a numeric address it converts, and “localhost” it answers by itself, ::1 and then 127.0.0.1, without reading /etc/hosts; any other name it resolves with getaddrinfo () in a thread of its own. It returns addresses only, and the program adds the port."),
    N_("The GResolver (the default one), the host name (or a numeric address) and a GCancellable (not shown). No port, family or socket type: it returns bare addresses of both families, and the program adds the port to each and keeps only the family asked for."),
  },
  [LAB_CALL_G_SOCKET_GET_LOCAL_ADDRESS] = {
    N_("GLib calls getsockname () and wraps the answer in a GSocketAddress."),
    N_("The GSocket."),
  },
  [LAB_CALL_G_SOCKET_GET_REMOTE_ADDRESS] = {
    N_("GLib calls getpeername (), unless it already knows the peer (as after g_socket_connect ()), and keeps the answer in the GSocket."),
    N_("The GSocket, which must be connected."),
  },
  [LAB_CALL_G_MAIN_CONTEXT_ITERATION] = {
    N_("GLib’s main loop: it gathers the descriptors of its sources (here one GSocket source per socket watched), waits for them with poll (), and runs the callbacks of those that are ready."),
    N_("The GMainContext to run once (the worker’s own, holding a GSocket source for each socket watched, and a timeout source when the loop has a timeout) and may_block: TRUE, wait until some source is ready. The descriptors and the timeout it passes to poll () come from those sources."),
  },
  [LAB_CALL_G_SOCKET_CONDITION_TIMED_WAIT] = {
    N_("GLib waits with poll () for one socket, outside any main loop, until it is ready or the time passes. The lab uses it where a thread other than the event loop’s sends on one of the loop’s sockets, which are non-blocking: when the peer’s buffers are full, it waits here until the peer reads."),
    N_("The GSocket, the condition to wait for (G_IO_OUT: room to send; G_IO_IN: something to read), the timeout in microseconds (-1: no limit) and a GCancellable (not shown), which stopping the endpoint cancels."),
  },
  [LAB_CALL_G_SOCKET_SET_LISTEN_BACKLOG] = {
    N_("No system call: GLib only keeps the number, and passes it to listen () in g_socket_listen ()."),
  },
  [LAB_CALL_G_SOCKET_SET_BLOCKING] = {
    N_("No system call: the descriptor stays non-blocking in the kernel; this only says whether GLib waits with poll () for you (TRUE) or fails at once (FALSE) with G_IO_ERROR_WOULD_BLOCK, which the lab shows as EAGAIN."),
  },
  [LAB_CALL_G_SOCKET_SET_TIMEOUT] = {
    N_("No system call: GIO counts this timeout in whole seconds (the lab rounds its milliseconds up) and waits with poll () itself; when poll () returns 0 after that time, GLib fails with its own G_IO_ERROR_TIMED_OUT, not the kernel’s ETIMEDOUT."),
  },
};

/* Every error lab-errno.c names: what it means, and what to try. */
const LabErrorText lab_error_texts[] = {
  { "EPERM",
    N_("Operation not permitted: not a file permission but a rule, most often a firewall rule on this machine that blocks the packet the call wanted to send. In the course’s Python it raises PermissionError."),
    N_("Look at the firewall rules (nft list ruleset) for that address and port, or try 127.0.0.1, which is seldom filtered.") },

  { "ENOENT",
    N_("No such file or directory. Internet sockets have no file names, so the lab’s socket calls do not normally meet it; it may show up behind a failed name resolution, when a system file it needs is missing. In the course’s Python it raises FileNotFoundError."),
    N_("Check that /etc/hosts and /etc/resolv.conf exist, or use a numeric address such as 127.0.0.1, which needs no lookup.") },

  { "EINTR",
    N_("A signal interrupted the call while it was waiting, and it gave up without doing anything. In the lab, this is how stopping an endpoint wakes a POSIX call blocked in accept (), recv (), connect () or poll (). The course’s Python makes the call again by itself, so InterruptedError is seldom seen; Ctrl+C raises KeyboardInterrupt instead."),
    N_("Nothing to fix when the endpoint was being stopped. A real program that uses signals checks for EINTR and simply makes the call again.") },

  { "EIO",
    N_("A low-level input/output error. Socket calls hardly ever return it; the lab also shows it when a call failed without saying why. In the course’s Python it raises OSError with errno EIO."),
    N_("Try again; if it keeps happening, look at the kernel’s log (journalctl -k) for network errors.") },

  { "EBADF",
    N_("The descriptor is not open: the socket was already closed (perhaps by another thread, or because the endpoint was stopped), or the number was never valid. In the course’s Python, using a closed socket raises OSError with errno EBADF."),
    N_("Make sure a socket is not used after close (). In the lab it can appear when stopping the endpoint closes a socket that another thread was about to use; then there is nothing to fix.") },

  { "EAGAIN",
    N_("Nothing was ready and the call would have had to wait, but it may not: the socket is non-blocking, or it has a timeout and the time passed. In recv () with a timeout, this is the timeout; in a non-blocking accept (), it means no client is waiting. In the course’s Python a socket with settimeout () raises TimeoutError (socket.timeout) instead, and a non-blocking one BlockingIOError."),
    N_("It is not a failure: wait until the socket is ready (poll () does that) and call again. If it was the timeout, nothing arrived in time: check that the peer really sends, or raise the timeout.") },

  { "ENOMEM",
    N_("The kernel or the library ran out of memory for the request. In the course’s Python it raises OSError with errno ENOMEM."),
    N_("Close programs and connections you do not need and try again; if you asked for huge SO_RCVBUF or SO_SNDBUF sizes, choose smaller ones.") },

  { "EACCES",
    N_("Permission denied: most often bind () to a port below 1024 (a privileged port) without being root; also sending to a broadcast address without SO_BROADCAST, or a firewall rule. In the course’s Python it raises PermissionError."),
    N_("Use a port of 1024 or above (5000, for instance); the ports below need root or the CAP_NET_BIND_SERVICE capability.") },

  { "EFAULT",
    N_("A pointer passed to the kernel points outside the program’s memory: a bug in the program, not a network problem. In the course’s Python it raises OSError with errno EFAULT."),
    N_("Nothing you set in the lab can cause it; if you see it, report it as a bug.") },

  { "EBUSY",
    N_("Device or resource busy. The lab’s socket calls do not normally return it. In the course’s Python it raises OSError with errno EBUSY."),
    N_("Try again in a moment; if it keeps happening, report it.") },

  { "EINVAL",
    N_("An argument is not valid for this socket in its present state: e.g. bind () on a socket that is already bound, accept () on a socket that is not listening, a bad option value, or an address of another family than the socket’s. In the course’s Python it raises OSError with errno EINVAL."),
    N_("Look at the call’s arguments: do the family of the socket and of the address match (AF_INET with IPv4, AF_INET6 with IPv6), and are the calls made in the right order (socket, bind, listen, accept)?") },

  { "ENFILE",
    N_("The whole system has too many open files: the system-wide limit was reached. In the course’s Python it raises OSError with errno ENFILE."),
    N_("Close programs and connections you do not need; a program that never closes its sockets can cause this.") },

  { "EMFILE",
    N_("This process already has as many descriptors open as it may (the limit of ulimit -n, often 1024): every socket, file and pipe counts. In the course’s Python it raises OSError with errno EMFILE."),
    N_("Close sockets you no longer need (a server must close each connection’s socket when it is done), or lower how many clients the server serves at once; the limit can be raised with ulimit -n.") },

  { "ENOSPC",
    N_("No space left on device. Socket calls hardly ever return it, and nothing you set in the lab should cause it. In the course’s Python it raises OSError with errno ENOSPC."),
    N_("Close programs and connections you do not need and try again.") },

  { "EPIPE",
    N_("Writing to a connection that cannot carry data: this side already shut down its writing, the socket never connected, or the peer closed and the connection is over (often the second send () after the peer closed: the first may still succeed, and the peer answers it with a reset). The kernel also sends the program the signal SIGPIPE, which ends it at once unless it ignores the signal: the lab ignores it, as Python does, and GLib sends with MSG_NOSIGNAL, so the call returns -1 EPIPE instead. In the course’s Python it raises BrokenPipeError."),
    N_("Connect before sending, stop sending once the peer has closed (a recv () that returns 0 tells you), and do not send after your own shutdown (SHUT_WR).") },

  { "ENOTSOCK",
    N_("The descriptor is open but is not a socket (a file or a pipe, for example). In the course’s Python it raises OSError with errno ENOTSOCK."),
    N_("A bug in the program: the wrong number was passed. Nothing you set in the lab can cause it.") },

  { "EDESTADDRREQ",
    N_("The socket has no destination: send () on a UDP socket that was never connected does not know where to send. In the course’s Python it raises OSError with errno EDESTADDRREQ."),
    N_("Use sendto () with an address, or connect () the UDP socket first: the UDP client can be set to do it.") },

  { "EMSGSIZE",
    N_("The datagram is too large to go as one UDP datagram (about 64 KiB at most, less the headers). In the course’s Python it raises OSError with errno EMSGSIZE."),
    N_("Send less in each datagram, or split the data into several; for large amounts of data, TCP is the better choice.") },

  { "EPROTOTYPE",
    N_("The protocol is of the wrong type for this socket. The lab always asks for the usual protocol (0), so it should not meet this error. In the course’s Python it raises OSError with errno EPROTOTYPE."),
    N_("Pass 0 as the protocol of socket (), so that the kernel picks the right one for the type.") },

  { "ENOPROTOOPT",
    N_("The option is not known at the level given: e.g. a TCP option such as TCP_NODELAY on a UDP socket, or an option this kernel does not have. In the course’s Python it raises OSError with errno ENOPROTOOPT."),
    N_("Check that the level and the option go together (SOL_SOCKET with SO_…, IPPROTO_TCP with TCP_…), and set TCP options only on TCP sockets.") },

  { "EPROTONOSUPPORT",
    N_("The protocol asked for is not supported for this family and type, e.g. socket (AF_INET, SOCK_DGRAM, IPPROTO_TCP). In the course’s Python it raises OSError with errno EPROTONOSUPPORT."),
    N_("Pass 0 as the protocol, as the lab always does, so that the kernel picks the usual one.") },

  { "ESOCKTNOSUPPORT",
    N_("The socket type is not supported in this address family. In the course’s Python it raises OSError with errno ESOCKTNOSUPPORT."),
    N_("Use SOCK_STREAM (TCP) or SOCK_DGRAM (UDP), the two types the lab works with.") },

  { "EOPNOTSUPP",
    N_("The operation is not supported on this kind of socket, e.g. listen () or accept () on a UDP socket: UDP has no connections. In the course’s Python it raises OSError with errno EOPNOTSUPP."),
    N_("Use a TCP socket (SOCK_STREAM) for a server that accepts connections; a UDP server only binds and waits in recvfrom ().") },

  { "EPFNOSUPPORT",
    N_("The protocol family is not supported on this machine. In the course’s Python it raises OSError with errno EPFNOSUPPORT."),
    N_("Use IPv4 or IPv6; if IPv6 is disabled here, set the family to IPv4 only.") },

  { "EAFNOSUPPORT",
    N_("The address family is not supported: e.g. an IPv6 socket when IPv6 is disabled in the kernel, or an address whose family does not match the socket’s. In the course’s Python it raises OSError with errno EAFNOSUPPORT."),
    N_("Set the family to IPv4 only, or use 127.0.0.1 instead of ::1; the address and the socket must be of the same family.") },

  { "EADDRINUSE",
    N_("Another socket already holds this address and port: often a server still running (perhaps started elsewhere), or the old server’s connections waiting in TIME_WAIT. In the course’s Python it raises OSError with errno EADDRINUSE."),
    N_("Stop the other server (ss -tlnp shows who listens) or choose another port; if it is only a connection in TIME_WAIT, turn on SO_REUSEADDR for the server.") },

  { "EADDRNOTAVAIL",
    N_("The address asked for is not available here: bind () was given an IP that does not belong to this machine, or connect () found no free local port for the client. In the course’s Python it raises OSError with errno EADDRNOTAVAIL."),
    N_("Bind to an address of this machine (127.0.0.1, 0.0.0.0, or one that ip address shows); for a client, close the connections you no longer need so that their ports are freed.") },

  { "ENETDOWN",
    N_("The network interface the packets would leave by is down. In the course’s Python it raises OSError with errno ENETDOWN."),
    N_("Check the network connection (ip link); for tests on this machine use 127.0.0.1, which needs no network.") },

  { "ENETUNREACH",
    N_("There is no route to that network: this machine does not know how to reach it, e.g. it has no network connection, or an IPv6 address was tried without an IPv6 network. In the course’s Python it raises OSError with errno ENETUNREACH."),
    N_("Check the address and the network connection; on a machine without IPv6, set the family to IPv4 only.") },

  { "ENETRESET",
    N_("The network dropped the connection, e.g. after a failed keep-alive check. Linux rarely reports it. In the course’s Python it raises OSError with errno ENETRESET."),
    N_("Connect again; the lab’s usual tests on 127.0.0.1 do not meet it.") },

  { "EPROTO",
    N_("A protocol error: on Linux, accept () returns it when the connection it was about to give failed on the network before it was taken. In the course’s Python it raises OSError with errno EPROTO."),
    N_("A server simply calls accept () again, as the lab’s servers do: the next client is not affected.") },

  { "ENONET",
    N_("This machine is not on the network the connection needed: on Linux, accept () can return it for a connection that failed before it was taken. In the course’s Python it raises OSError with errno ENONET."),
    N_("A server simply calls accept () again, as the lab’s servers do; check the network connection if it keeps happening.") },

  { "ECONNABORTED",
    N_("The connection was aborted on this machine, not by the peer: e.g. the kernel was told to kill it (ss -K), or, on some systems, a client gave up before accept () took its connection. In the course’s Python it raises ConnectionAbortedError."),
    N_("A server simply calls accept () again; a client connects again.") },

  { "ECONNRESET",
    N_("The peer reset the connection (it sent a RST): e.g. it closed with unread data in its buffer, crashed, or was stopped abruptly. Data still on its way is lost. In the course’s Python it raises ConnectionResetError."),
    N_("Look at the other side: did it close while data was still waiting to be read? Make it read everything before closing, or end with shutdown (SHUT_WR) first; then connect again.") },

  { "ENOBUFS",
    N_("The kernel had no buffer space for the operation: its memory for network buffers, or a queue, is exhausted. In the course’s Python it raises OSError with errno ENOBUFS."),
    N_("Send less at once or more slowly, close sockets you do not need, and try again.") },

  { "EISCONN",
    N_("The socket is already connected: connect () was called a second time on a TCP socket that had already connected. In the course’s Python it raises OSError with errno EISCONN."),
    N_("Connect each TCP socket only once; for a new connection, make a new socket.") },

  { "ENOTCONN",
    N_("The socket is not connected: recv (), getpeername () or shutdown () on a TCP socket that never connected, or whose connection is already over (send () reports this case as EPIPE). In the course’s Python it raises OSError with errno ENOTCONN."),
    N_("Connect first (or use the socket accept () returned, not the listening socket); for UDP without connect (), use sendto () and recvfrom ().") },

  { "ESHUTDOWN",
    N_("Cannot send after the socket was shut down for writing. Linux reports this case as EPIPE instead, so the lab is unlikely to show it. The course’s Python would raise BrokenPipeError, as for EPIPE."),
    N_("Do not send after shutdown (SHUT_WR): the half-close means “no more from me”.") },

  { "ETIMEDOUT",
    N_("The wait lasted too long: connect () got no answer in time (the host is off, or a firewall drops the packets silently), or an open connection stopped being acknowledged. (GLib’s own timeout, when its poll () returned 0, is G_IO_ERROR_TIMED_OUT instead.) In the course’s Python it raises TimeoutError."),
    N_("Check the host’s address and that the machine is reachable (ping); a firewall that drops packets looks exactly like this. If the peer is only slow, raise the timeout.") },

  { "ECONNREFUSED",
    N_("Connection refused: nothing listens at that address and port, and the peer’s kernel answered the SYN with a reset. With UDP, a later recv () on a connected socket can report it, when an ICMP “port unreachable” came back for an earlier datagram. In the course’s Python, connect () (or that recv ()) raises ConnectionRefusedError."),
    N_("Start the server first, and check that the host and port match the server’s, family included: a server on 127.0.0.1 does not answer on ::1.") },

  { "EHOSTDOWN",
    N_("The host is known to be down. Linux rarely reports it; an unreachable host usually gives EHOSTUNREACH. In the course’s Python it raises OSError with errno EHOSTDOWN."),
    N_("Check that the other machine is on and connected to the network.") },

  { "EHOSTUNREACH",
    N_("There is no route to that host: it does not answer on its network, or a router or firewall reported it unreachable. In the course’s Python it raises OSError with errno EHOSTUNREACH."),
    N_("Check the address and that the machine is on (try ping); for tests on this machine use 127.0.0.1.") },

  { "EALREADY",
    N_("A connect () is already in progress on this non-blocking socket and has not finished yet. In the course’s Python it raises BlockingIOError."),
    N_("Do not call connect () again: wait with poll () until the socket is writable, then read the outcome with getsockopt (SO_ERROR).") },

  { "EINPROGRESS",
    N_("A non-blocking connect () has sent its SYN and the handshake is under way; it will end later. This is what the lab’s connect () with a timeout expects. In the course’s Python, connect () on a non-blocking socket raises BlockingIOError; after settimeout (), Python makes this wait itself and raises TimeoutError only if the time passes."),
    N_("Nothing to fix: the lab now waits with poll () until the socket is writable (or the timeout passes) and reads the outcome with getsockopt (SO_ERROR).") },

  { "ECANCELED",
    N_("The operation was cancelled: GLib’s cancellation. In the lab, this is how stopping an endpoint wakes a waiting GIO call, or ends a call held before it was made. The course’s Python has nothing like it: Ctrl+C raises KeyboardInterrupt in the call that waits."),
    N_("Nothing to fix when the endpoint was being stopped: it simply ends.") },

  { "G_IO_ERROR_TIMED_OUT",
    N_("GIO’s own timeout, not an error of the kernel: the GSocket has a timeout (g_socket_set_timeout ()), GLib waited for the socket in poll () that long, and poll () returned 0: nothing was ready in time. No system call failed; GLib made this error itself. In the course’s Python the same wait, after settimeout (), raises TimeoutError (socket.timeout)."),
    N_("Nothing arrived in time: check that the peer really sends (a datagram sent where nobody listens is lost without a word), or give it longer with the timeout setting; GIO counts it in whole seconds.") },

  { "EAI_AGAIN",
    N_("The name could not be resolved now, but might be later: the DNS server did not answer in time, or could not be reached. In the course’s Python it raises socket.gaierror."),
    N_("Check the network connection and the DNS settings (/etc/resolv.conf) and try again, or use a numeric address such as 127.0.0.1, which needs no DNS.") },

  { "EAI_BADFLAGS",
    N_("getaddrinfo () was given an invalid combination of flags. In the course’s Python it raises socket.gaierror."),
    N_("A bug in the program, not a setting: the lab passes no special flags, so it should not happen here.") },

  { "EAI_FAIL",
    N_("The name server failed for good (a non-recoverable error), not just slowly. In the course’s Python it raises socket.gaierror."),
    N_("Check the DNS settings, or use a numeric address; trying again soon will likely fail the same way.") },

  { "EAI_FAMILY",
    N_("getaddrinfo () does not support the address family asked for. In the course’s Python it raises socket.gaierror."),
    N_("Ask for AF_UNSPEC, AF_INET or AF_INET6: the family set to IPv4 or IPv6, IPv4 only or IPv6 only.") },

  { "EAI_MEMORY",
    N_("The resolver ran out of memory. In the course’s Python it raises socket.gaierror."),
    N_("Close programs you do not need and try again.") },

  { "EAI_NONAME",
    N_("The name does not exist or could not be resolved: neither /etc/hosts nor DNS know it (or a numeric address was badly written). In the course’s Python it raises socket.gaierror (“Name or service not known”)."),
    N_("Check the spelling of the host name; for this machine use localhost or 127.0.0.1.") },

  { "EAI_SERVICE",
    N_("The port (the service) is not valid for the socket type asked for. In the course’s Python it raises socket.gaierror."),
    N_("Give the port as a number from 1 to 65535; the lab always passes it as a number, so it should not meet this.") },

  { "EAI_SOCKTYPE",
    N_("getaddrinfo () does not support the socket type asked for. In the course’s Python it raises socket.gaierror."),
    N_("Ask for SOCK_STREAM or SOCK_DGRAM, as the lab always does.") },

  { "EAI_SYSTEM",
    N_("A system error happened during the resolution; the real cause is in errno, and the lab shows that errno in its place. In the course’s Python it raises OSError with that errno, not socket.gaierror."),
    N_("Look at the explanation of that errno; often a system file is missing or cannot be read.") },

  { "EAI_ADDRFAMILY",
    N_("The host has no address of the family asked for, e.g. the family was set to IPv6 only but the name has only an IPv4 address. In the course’s Python it raises socket.gaierror."),
    N_("Set the family to IPv4 or IPv6, or to the family the server really has.") },

  { "EAI_NODATA",
    N_("The name exists but has no address: DNS knows it, without any IPv4 or IPv6 address for it. In the course’s Python it raises socket.gaierror."),
    N_("Check the name (it may be a domain rather than a host), or use the host’s address directly.") },
};
const guint lab_n_error_texts = G_N_ELEMENTS (lab_error_texts);

const LabTracedNote lab_traced_notes[] = {
  { LAB_CALL_SOCKET, LAB_OP_SOCKET,
    N_("Python’s socket.socket () and C’s socket () make it. Python adds SOCK_CLOEXEC to the type, so that a program it starts does not inherit the socket.") },
  { LAB_CALL_ACCEPT4, LAB_OP_ACCEPT,
    N_("Python’s accept () reaches the kernel as accept4 (): accept () with flags, here SOCK_CLOEXEC, so that the new socket is not inherited by a program started later. It is the same call.") },
  { LAB_CALL_SENDTO, LAB_OP_SEND,
    N_("Python’s send () and sendall (), and C’s send (), reach the kernel as sendto () with no address (NULL): on a connected socket it is the same call. sendall () calls it again until every byte is taken.") },
  { LAB_CALL_SENDTO, LAB_OP_SENDTO,
    N_("Python’s sendto () and C’s sendto () make it, with the address to send to.") },
  { LAB_CALL_RECVFROM, LAB_OP_RECV,
    N_("Python’s recv () and C’s recv () reach the kernel as recvfrom () with no address (NULL): on a connected socket it is the same call.") },
  { LAB_CALL_RECVFROM, LAB_OP_RECVFROM,
    N_("Python’s recvfrom () and C’s recvfrom () make it, and get the sender’s address back.") },
  { LAB_CALL_SENDMSG, LAB_OP_SEND,
    N_("sendmsg (): a message of several buffers at once, on a connected socket. Python’s sendmsg () makes it, and so do some libraries’ send ().") },
  { LAB_CALL_SENDMSG, LAB_OP_SENDTO,
    N_("sendmsg (): a message of several buffers at once, with the address to send to. Python’s sendmsg () makes it, and so does glibc’s name resolution when it asks a DNS server.") },
  { LAB_CALL_RECVMSG, LAB_OP_RECVFROM,
    N_("recvmsg (): one message into several buffers, with the sender’s address. Python’s recvmsg () makes it, and so does glibc’s name resolution for a DNS server’s answer.") },
  { LAB_CALL_READ, LAB_OP_RECV,
    N_("read () on a socket’s descriptor is recv () with no flags: it waits for bytes and takes as many as are there, up to its length; 0 means the peer closed. C’s read () and Python’s os.read () make it, and so does C’s fgets () after fdopen ().") },
  { LAB_CALL_WRITE, LAB_OP_SEND,
    N_("write () on a socket’s descriptor is send () with no flags: the kernel takes what fits in the socket’s send buffer and returns how many bytes it took. C’s write () and Python’s os.write () make it.") },
  { LAB_CALL_CONNECT, LAB_OP_CONNECT,
    N_("Python’s connect () and create_connection () make it. A connect () to /var/run/nscd/socket that fails with ENOENT is glibc’s getaddrinfo () asking the name service cache, which is not running: glibc then reads /etc/hosts itself.") },
};

const guint lab_n_traced_notes = G_N_ELEMENTS (lab_traced_notes);
