/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-endpoint-config-private.h"
#include "lab-kernel-private.h"
#include "lab-network.h"
#include "lab-play-ports-private.h"

/* A lesson names its ports (5000, 5001), and in a classroom one is often
 * taken: the last demo's connection in TIME_WAIT, another program. Play
 * tries each server's port first, as the server will bind it, so that a
 * taken one can be moved before anything fails. */

/* The most holders a sentence names; the rest are counted. */
#define MAX_HOLDERS_SAID 4

/* The lab host @config runs on, "" for this computer. */
static const char *
lab_host_of (LabEndpointConfig *config)
{
  return config->network_host != NULL ? config->network_host : "";
}

/* Binds a socket as @server would, at @port, and lets it go at once: no
 * listen (), no connection, so nothing lingers. Returns 0 or the errno
 * bind () gave; the port bound, with @port 0, in @bound. */
static int
trial_bind (LabEndpointConfig *server,
            guint              port,
            guint             *bound)
{
  g_autoptr(GInetAddress) address = lab_parse_bind_address (server->bind_address, NULL);
  g_autoptr(GSocketAddress) socket_address = NULL;
  struct sockaddr_storage native;
  socklen_t len = sizeof native;
  gboolean tcp = lab_endpoint_config_is_tcp (server);
  gboolean v6;
  int fd, on = 1, off = 0, err = 0;

  if (address == NULL)
    return EINVAL;
  v6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  if (!g_socket_address_to_native (socket_address, &native, sizeof native, NULL))
    return EINVAL;

  fd = socket (v6 ? AF_INET6 : AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return errno;

  /* The options the server's bind () depends on, as its backend sets them:
   * GIO makes every IPv6 socket dual-stack, and its g_socket_bind () asks
   * for SO_REUSEPORT too on a datagram socket that reuses. */
  if (server->reuseaddr)
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (server->backend == LAB_BACKEND_GIO && v6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  if (server->backend == LAB_BACKEND_GIO && !tcp && server->reuseaddr)
    setsockopt (fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);

  if (bind (fd, (struct sockaddr *) &native, g_socket_address_get_native_size (socket_address)) < 0)
    err = errno;
  else if (bound != NULL && getsockname (fd, (struct sockaddr *) &native, &len) == 0)
    *bound = ntohs (native.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &native)->sin6_port
                                                 : ((struct sockaddr_in *) &native)->sin_port);
  close (fd);

  return err;
}

/**
 * lab_play_port_in_use:
 *
 * Returns: whether @server's bind () would fail now with EADDRINUSE, with
 *   its address and options; a port 0 is never in use
 */
gboolean
lab_play_port_in_use (LabEndpointConfig *server)
{
  g_return_val_if_fail (lab_endpoint_config_is_server (server), FALSE);

  /* A lab host's ports are the lab's own: nothing else on the machine
   * holds one, and this computer's would say nothing of them. */
  if (lab_host_of (server)[0] != '\0')
    return FALSE;
  return server->port != 0 && trial_bind (server, server->port, NULL) == EADDRINUSE;
}

/**
 * lab_play_free_port:
 *
 * Returns: a port the kernel gives as free for @server's address and
 *   transport, or 0 if it gives none
 */
guint
lab_play_free_port (LabEndpointConfig *server)
{
  guint port = 0;

  g_return_val_if_fail (lab_endpoint_config_is_server (server), 0);

  return trial_bind (server, 0, &port) == 0 ? port : 0;
}

/* On the lab network, a host's name for its address; else @text itself. */
static char *
address_of (LabEndpointConfig *config,
            const char        *text)
{
  const LabNetworkHost *host = lab_host_of (config)[0] != '\0' ? lab_network_find_host (text) : NULL;

  if (host == NULL)
    return g_strdup (text);
  return g_strdup (config->family == LAB_FAMILY_IPV6 ? host->ipv6 : host->ipv4);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  return g_ascii_strcasecmp (host, "localhost") == 0 ||
         (address != NULL && g_inet_address_get_is_loopback (address));
}

/**
 * lab_play_reaches:
 *
 * Whether @client talks to @server: the same transport and port, and a
 * host that is the server's address, one of this machine's loopback
 * addresses where the server binds loopback, or any address written as
 * one where it binds every interface. A client
 * to 127.0.0.1 of a server on ::1 counts too: the experiment has it try
 * the server's port, and it must go on trying the same one.
 *
 * Returns: whether @client goes where @server listens
 */
gboolean
lab_play_reaches (LabEndpointConfig *client,
                  LabEndpointConfig *server)
{
  g_autoptr(GInetAddress) bound = NULL;
  g_autoptr(GInetAddress) host = NULL;
  g_autofree char *bound_text = NULL;
  g_autofree char *name = NULL;
  gboolean same_machine;

  if (lab_endpoint_config_is_server (client) || !lab_endpoint_config_is_server (server) ||
      lab_endpoint_config_is_tcp (client) != lab_endpoint_config_is_tcp (server) || client->port != server->port)
    return FALSE;

  /* A host of the lab network is a machine of its own: its loopback is
   * its own, and this computer does not reach it, nor it this computer. */
  same_machine = g_str_equal (lab_host_of (client), lab_host_of (server));
  if (!same_machine && (lab_host_of (client)[0] == '\0' || lab_host_of (server)[0] == '\0'))
    return FALSE;

  bound_text = address_of (server, server->bind_address);
  bound = lab_parse_bind_address (bound_text, NULL);
  name = g_strstrip (address_of (client, client->host != NULL ? client->host : ""));
  if (bound == NULL || name[0] == '\0')
    return FALSE;

  host = g_inet_address_new_from_string (name);
  if (!same_machine)
    {
      const LabNetworkHost *lab_host = lab_network_find_host (lab_host_of (server));
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_string (lab_host->ipv4);
      g_autoptr(GInetAddress) v6 = g_inet_address_new_from_string (lab_host->ipv6);

      /* Only at the server's host's own address, bound or covered by any */
      if (host == NULL || (!g_inet_address_equal (host, v4) && !g_inet_address_equal (host, v6)))
        return FALSE;
      return g_inet_address_get_is_any (bound) || g_inet_address_equal (host, bound);
    }
  if (g_inet_address_get_is_any (bound) || g_inet_address_get_is_loopback (bound))
    return is_loopback_host (name) || (g_inet_address_get_is_any (bound) && host != NULL);

  return host != NULL && g_inet_address_equal (host, bound);
}

/**
 * lab_play_shows_address_in_use:
 * @servers: (element-type LabEndpointConfig): an experiment's servers
 *
 * Whether a port in use is what the experiment shows, so that Play must
 * leave it taken: two servers of one transport on one port (the second is
 * meant to fail), or servers of one transport of which some set
 * SO_REUSEADDR and some do not, side by side to show what it changes.
 *
 * Returns: whether a taken port is the experiment's point
 */
gboolean
lab_play_shows_address_in_use (GPtrArray *servers)
{
  for (guint i = 0; i < servers->len; i++)
    for (guint j = i + 1; j < servers->len; j++)
      {
        LabEndpointConfig *a = servers->pdata[i];
        LabEndpointConfig *b = servers->pdata[j];

        if (lab_endpoint_config_is_tcp (a) != lab_endpoint_config_is_tcp (b))
          continue;
        if ((a->port != 0 && a->port == b->port) || a->reuseaddr != b->reuseaddr)
          return TRUE;
      }

  return FALSE;
}

/* The sockets that hold a port, as a class reads them (“127.0.0.1:5000 ↔
 * 127.0.0.1:40122 in TIME_WAIT”), or %NULL when none is known. */
static char *
describe_holders (GPtrArray *holders)
{
  g_autoptr(GString) text = NULL;

  if (holders == NULL || holders->len == 0)
    return NULL;

  text = g_string_new (NULL);
  for (guint i = 0; i < holders->len && i < MAX_HOLDERS_SAID; i++)
    {
      LabKernelHolder *holder = holders->pdata[i];
      const char *state = lab_tcp_state_to_string (holder->state);

      if (i > 0)
        g_string_append (text, ", ");
      if (holder->peer != NULL)
        /* Translators: a socket that holds a port: its own address, its
         * peer's, and its TCP state, e.g. “127.0.0.1:5000 ↔ 127.0.0.1:40122
         * in TIME_WAIT”. Keep the state's name as it is. */
        g_string_append_printf (text, _("%s ↔ %s in %s"), holder->local, holder->peer, state);
      else
        /* Translators: a socket that holds a port, e.g. “127.0.0.1:5000 in LISTEN”. */
        g_string_append_printf (text, _("%s in %s"), holder->local, state);
    }
  if (holders->len > MAX_HOLDERS_SAID)
    {
      guint more = holders->len - MAX_HOLDERS_SAID;

      g_string_append (text, " ");
      /* Translators: after the sockets named, how many more hold the port. */
      g_string_append_printf (text, ngettext ("and %u more", "and %u more", more), more);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
lab_play_note_free (LabPlayNote *note)
{
  lab_translated_unref (note->server);
  g_clear_pointer (&note->holders, g_ptr_array_unref);
  g_free (note);
}

/**
 * lab_play_note_format:
 *
 * Returns: (transfer full): @note in the words of the language in use
 */
char *
lab_play_note_format (const LabPlayNote *note)
{
  g_autofree char *holders = NULL;

  if (note->moved_to != 0)
    /* Translators: Play found a lesson's port taken, and moved the server
     * and its clients, for this run, to a port the kernel gave as free. */
    return g_strdup_printf (_("Port %u is in use: the server “%s” and its clients use port %u this time"),
                            note->port, lab_translated_get (note->server), note->moved_to);

  holders = describe_holders (note->holders);
  if (holders != NULL)
    /* Translators: where a port in use is the lesson: the server that
     * failed, its port, and the sockets that hold it, e.g. “127.0.0.1:5000 ↔
     * 127.0.0.1:40122 in TIME_WAIT”. */
    return g_strdup_printf (_("The server “%s” could not bind port %u, in use by %s"),
                            lab_translated_get (note->server), note->port,
                            holders);

  return g_strdup_printf (_("The server “%s” could not bind port %u: another socket uses it"),
                          lab_translated_get (note->server),
                          note->port);
}
