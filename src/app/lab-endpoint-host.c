/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-endpoint-host.h"
#include "lab-error.h"
#include "lab-network.h"

/* Where an endpoint runs, as its panel chooses it: this computer, or a host
 * of the lab network. The choice follows the configuration's network-host
 * both ways; a server moved keeps an address it can be reached at there. */

typedef struct {
  LabEndpointConfig *config;
  gboolean           updating;
} HostChoice;

static void
host_choice_free (HostChoice *choice)
{
  g_object_unref (choice->config);
  g_free (choice);
}

/* The choices: this computer first, then each host, in the lab network's
 * order. */
static GListModel *
new_choices (void)
{
  GtkStringList *choices = gtk_string_list_new (NULL);

  gtk_string_list_append (choices, _("This computer"));
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      const LabNetworkHost *host = lab_network_get_host (i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", host->name, host->ipv4);

      gtk_string_list_append (choices, label);
    }

  return G_LIST_MODEL (choices);
}

/* A host the lab network does not have (a file's) is no choice of the
 * list: none is shown, and Start says why. */
static guint
position_of (const char *network_host)
{
  const LabNetworkHost *host;

  if (network_host == NULL || network_host[0] == '\0')
    return 0;
  host = lab_network_find_host (network_host);
  for (guint i = 0; host != NULL && i < lab_network_get_n_hosts (); i++)
    if (lab_network_get_host (i) == host)
      return i + 1;
  return GTK_INVALID_LIST_POSITION;
}

/* The lab host @text names, by its name or one of its addresses. */
static const LabNetworkHost *
named_host (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  if (address == NULL)
    return lab_network_find_host (text);

  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      const LabNetworkHost *host = lab_network_get_host (i);
      g_autoptr(GInetAddress) ipv4 = g_inet_address_new_from_string (host->ipv4);
      g_autoptr(GInetAddress) ipv6 = g_inet_address_new_from_string (host->ipv6);

      if (g_inet_address_equal (address, ipv4) || g_inet_address_equal (address, ipv6))
        return host;
    }
  return NULL;
}

/* What a server moved to @to (NULL: this computer) binds, or NULL to keep
 * @bind_address. On a host, loopback would leave it alone there, and
 * another host's address is not the host's: it takes the host's name, so
 * that a client on another host reaches it. Back on this computer, an
 * address of the lab network is no address here: loopback again. */
static char *
moved_bind_address (const char           *bind_address,
                    const LabNetworkHost *to)
{
  g_autofree char *stripped = g_strstrip (g_strdup (bind_address != NULL ? bind_address : ""));
  const LabNetworkHost *named = named_host (stripped);
  g_autoptr(GInetAddress) address = NULL;

  if (to == NULL)
    return named != NULL ? g_strdup ("127.0.0.1") : NULL;
  if (named == to)
    return NULL;
  if (named != NULL || stripped[0] == '\0' || g_ascii_strcasecmp (stripped, "localhost") == 0)
    return g_strdup (to->name);

  address = g_inet_address_new_from_string (stripped);
  return address != NULL && g_inet_address_get_is_loopback (address) ? g_strdup (to->name) : NULL;
}

static void
on_chosen (GtkDropDown *dropdown,
           GParamSpec  *pspec,
           HostChoice  *choice)
{
  guint position = gtk_drop_down_get_selected (dropdown);
  const LabNetworkHost *to;
  g_autofree char *bind_address = NULL;
  g_autofree char *moved = NULL;

  if (choice->updating || position == GTK_INVALID_LIST_POSITION)
    return;

  to = position > 0 ? lab_network_get_host (position - 1) : NULL;
  if (lab_endpoint_config_is_server (choice->config))
    {
      g_object_get (choice->config, "bind-address", &bind_address, NULL);
      moved = moved_bind_address (bind_address, to);
    }

  /* Once it runs there, the panel reads the address shown as that
   * place's: the one moved, or one typed that was no address here. */
  g_object_set (choice->config, "network-host", to != NULL ? to->name : "", NULL);
  if (moved != NULL)
    g_object_set (choice->config, "bind-address", moved, NULL);
}

/* The configuration set from elsewhere: the choice shows it. */
static void
on_config_host (GtkDropDown *dropdown)
{
  HostChoice *choice = g_object_get_data (G_OBJECT (dropdown), "lab-host-choice");
  g_autofree char *network_host = NULL;

  g_object_get (choice->config, "network-host", &network_host, NULL);
  choice->updating = TRUE;
  gtk_drop_down_set_selected (dropdown, position_of (network_host));
  choice->updating = FALSE;
}

/**
 * lab_endpoint_host_attach:
 *
 * Fills @dropdown with where an endpoint can run, shows where @config's
 * runs, and moves it when another is chosen.
 */
void
lab_endpoint_host_attach (GtkDropDown       *dropdown,
                          LabEndpointConfig *config)
{
  g_autoptr(GListModel) choices = new_choices ();
  HostChoice *choice = g_new0 (HostChoice, 1);

  choice->config = g_object_ref (config);
  g_object_set_data_full (G_OBJECT (dropdown), "lab-host-choice", choice, (GDestroyNotify) host_choice_free);

  choice->updating = TRUE;
  gtk_drop_down_set_model (dropdown, choices);
  choice->updating = FALSE;
  on_config_host (dropdown);

  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_chosen), choice);
  g_signal_connect_object (config, "notify::network-host", G_CALLBACK (on_config_host), dropdown,
                           G_CONNECT_SWAPPED);
}

/**
 * lab_endpoint_host_parse_bind_address:
 *
 * A server's bind address, as lab_parse_bind_address() reads it, and on a
 * lab host a host's name too, which stands for its address there.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error
 */
GInetAddress *
lab_endpoint_host_parse_bind_address (LabEndpointConfig  *config,
                                      const char         *text,
                                      GError            **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  const LabNetworkHost *host = lab_network_find_host (stripped);
  g_autofree char *network_host = NULL;

  if (host == NULL)
    return lab_parse_bind_address (stripped, error);

  g_object_get (config, "network-host", &network_host, NULL);
  if (network_host != NULL && network_host[0] != '\0')
    return g_inet_address_new_from_string (host->ipv4);

  /* Translators: %s is a host of the lab network, e.g. beta; “Runs on” is
   * the label of the choice of where an endpoint runs. */
  g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_INPUT,
               _("“%s” is a host of the lab network: to bind its address, choose it in “Runs on”"), stripped);
  return NULL;
}
