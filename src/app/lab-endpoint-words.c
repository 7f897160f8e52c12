/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-endpoint-words.h"
#include "lab-hex.h"

/* What an endpoint is doing, in a panel's words. A call waited in is named
 * as the timeline names it: recvfrom () for UDP, g_socket_receive () with
 * GIO, not a recv () it does not make. */
static char *
waiting_words (LabEndpointState state,
               const char      *op,
               const char      *name)
{
  if (state == LAB_ENDPOINT_STATE_WAITING && g_strcmp0 (op, "accept") == 0)
    /* Translators: %s is the call a server waits in, e.g. accept or g_socket_accept. */
    return g_strdup_printf (_("Waiting in %s () for a client"), name);
  if (state == LAB_ENDPOINT_STATE_WAITING && (g_strcmp0 (op, "connect") == 0 || g_strcmp0 (op, "poll") == 0))
    /* Translators: %s is the call waited in, e.g. connect, poll or g_socket_connect. */
    return g_strdup_printf (_("Waiting in %s ()"), name);
  if (state == LAB_ENDPOINT_STATE_WAITING && g_strcmp0 (op, "getaddrinfo") == 0)
    return g_strdup (_("Looking up the host…"));
  if (state == LAB_ENDPOINT_STATE_CONNECTED)
    /* Translators: %s is the call waited in, e.g. recv, recvfrom or g_socket_receive. */
    return g_strdup_printf (_("Connected, waiting in %s ()"), name);
  if (state == LAB_ENDPOINT_STATE_RUNNING)
    /* Translators: %s is the call waited in, e.g. recv, recvfrom or g_socket_receive. */
    return g_strdup_printf (_("Running, waiting in %s ()"), name);
  return NULL;
}

/**
 * lab_endpoint_state_words:
 *
 * Returns: (transfer full): what @endpoint is doing, as its panel says it:
 *   “Waiting in accept () for a client”, “Running, waiting in recvfrom ()”
 */
char *
lab_endpoint_state_words (LabEndpoint *endpoint)
{
  LabEndpointState state = lab_endpoint_get_state (endpoint);
  const char *op = lab_endpoint_get_waiting_call (endpoint);
  const char *name = lab_endpoint_get_waiting_call_name (endpoint);
  gboolean receiving = g_strcmp0 (op, "recv") == 0 || g_strcmp0 (op, "recvfrom") == 0;

  if (name != NULL && (state == LAB_ENDPOINT_STATE_WAITING || receiving))
    {
      char *words = waiting_words (state, op, name);

      if (words != NULL)
        return words;
    }

  switch (state)
    {
    case LAB_ENDPOINT_STATE_STOPPED:
      return g_strdup (_("Stopped"));
    case LAB_ENDPOINT_STATE_STARTING:
      return g_strdup (_("Starting…"));
    case LAB_ENDPOINT_STATE_WAITING:
      return g_strdup (_("Waiting"));
    case LAB_ENDPOINT_STATE_CONNECTED:
      return g_strdup (_("Connected"));
    case LAB_ENDPOINT_STATE_STOPPING:
      return g_strdup (_("Stopping…"));
    case LAB_ENDPOINT_STATE_FAILED:
      return g_strdup (_("Stopped by an error"));
    case LAB_ENDPOINT_STATE_RUNNING:
    default:
      return g_strdup (_("Running"));
    }
}

/**
 * lab_endpoint_script_words:
 *
 * A client filled in by an experiment may send by itself on connecting, in
 * pieces, half-close, close after so many bytes, and wait for data a time
 * of its own.
 *
 * Returns: (transfer full) (nullable): what the client of @config does by
 *   itself, in words; %NULL for a server, or a client that does nothing
 */
char *
lab_endpoint_script_words (LabEndpointConfig *config)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean tcp = lab_endpoint_config_is_tcp (config);
  guint64 expect = 0;
  guint chunk = 0, count = 1, connect_timeout = 0, recv_timeout = 0;
  gboolean shut = FALSE;

  if (lab_endpoint_config_is_server (config))
    return NULL;

  g_object_get (config, "initial-data", &data, "expect-bytes", &expect, "send-chunk", &chunk,
                "send-count", &count, "shutdown-after-send", &shut, "connect-timeout", &connect_timeout,
                "recv-timeout", &recv_timeout, NULL);

  if (data != NULL && g_bytes_get_size (data) > 0)
    {
      gsize len = g_bytes_get_size (data);
      g_autofree char *escaped = lab_text_escape (g_bytes_get_data (data, NULL), len, 64);

      /* Translators: what a client sends by itself: %s is the text (with
       * \n for new lines), then its size in bytes. */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "On connecting it sends “%s” (%zu byte)",
                                                 "On connecting it sends “%s” (%zu bytes)", len),
                              escaped, len);
      if (count > 1 && (tcp || (chunk > 0 && chunk < len)))
        /* Translators: follows “On connecting it sends …”: the data sent
         * again and again, %u times, then how many bytes in all. */
        g_string_append_printf (text, _(", %u times: %llu bytes in all"), count,
                                (unsigned long long) count * len);
      else if (count > 1)
        /* Translators: follows “On connecting it sends …”: a UDP
         * client's data, sent %u times. */
        g_string_append_printf (text, _(", %u times, a datagram each"), count);
      if (chunk > 0 && chunk < len && tcp)
        /* Translators: follows “On connecting it sends …”. */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, ", %u byte per send ()",
                                                   ", %u bytes per send ()", chunk), chunk);
      else if (chunk > 0 && chunk < len)
        /* Translators: follows “On connecting it sends …”: a UDP
         * client's data cut into datagrams of %u bytes. */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, ", %u byte per datagram",
                                                   ", %u bytes per datagram", chunk), chunk);
      if (shut && tcp)
        g_string_append (text, _(", then shuts down its sending side"));
      g_string_append (text, ".");
    }
  if (expect > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "It closes once %llu byte has arrived.",
                                                 "It closes once %llu bytes have arrived.", expect),
                              (unsigned long long) expect);
    }
  /* The panel's timeout is the connect timeout: one of its own to wait
   * for data is said */
  if (recv_timeout > 0 && recv_timeout != connect_timeout)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* Translators: %s is the call, recv or recvfrom; %u is milliseconds. */
      g_string_append_printf (text, _("Each %s () waits for data at most %u ms."), tcp ? "recv" : "recvfrom",
                              recv_timeout);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* The lab host @config runs on, or %NULL for this computer. */
static char *
dup_lab_host (LabEndpointConfig *config)
{
  g_autofree char *network_host = NULL;

  g_object_get (config, "network-host", &network_host, NULL);
  return network_host != NULL && network_host[0] != '\0' ? g_steal_pointer (&network_host) : NULL;
}

/**
 * lab_endpoint_where_words:
 * @address: the endpoint's own address and port, e.g. 127.0.0.1:5000
 *
 * Returns: (transfer full): where a running endpoint is, as its panel says
 *   it: “Bound to 10.80.0.2:5000 on beta” for a server on a lab host,
 *   which this computer's addresses could be mistaken for
 */
char *
lab_endpoint_where_words (LabEndpointConfig *config,
                          const char        *address)
{
  g_autofree char *host = dup_lab_host (config);

  if (lab_endpoint_config_is_server (config))
    return host != NULL
      /* Translators: %s is an address and port, e.g. 10.80.0.2:5000, then a host of the lab network, e.g. beta. */
      ? g_strdup_printf (_("Bound to %s on %s"), address, host)
      /* Translators: %s is an address and port, e.g. 127.0.0.1:5000. */
      : g_strdup_printf (_("Bound to %s"), address);

  return host != NULL
    /* Translators: %s is the client's own address and port, e.g. 10.80.0.1:51234, then a host of the lab
     * network, e.g. alfa. */
    ? g_strdup_printf (_("This end is %s on %s (its port chosen by the kernel)"), address, host)
    /* Translators: %s is the client's own address and port, e.g. 127.0.0.1:51234. */
    : g_strdup_printf (_("This end is %s (its port chosen by the kernel)"), address);
}

/**
 * lab_endpoint_every_interface_words:
 * @warning: (out): whether it is a warning: on this computer, other
 *   machines can reach the server; a lab host's interfaces are the lab's
 *   own, which nothing outside reaches
 *
 * Returns: (transfer full): what binding every interface (0.0.0.0 or ::)
 *   means where the server of @config runs
 */
char *
lab_endpoint_every_interface_words (LabEndpointConfig *config,
                                    gboolean          *warning)
{
  g_autofree char *host = dup_lab_host (config);

  *warning = host == NULL;
  if (host == NULL)
    return g_strdup (_("⚠ Every interface: other machines on the network can reach this server"));

  /* Translators: %s is a host of the lab network, e.g. beta; lo (its loopback) and eth0 (its
   * link to the other hosts) are the names of its interfaces, not to be translated. */
  return g_strdup_printf (_("Every interface of %s (lo and eth0): only the lab network reaches it"), host);
}
