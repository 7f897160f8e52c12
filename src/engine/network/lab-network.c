/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "lab-capture.h"
#include "lab-error.h"
#include "lab-link.h"
#include "lab-network.h"

/* The hosts, one subnet for all: 10.80.0.0/24 and fd80::/64. */
static const LabNetworkHost hosts[] = {
  { "alfa",  "10.80.0.1", "fd80::1" },
  { "beta",  "10.80.0.2", "fd80::2" },
};

#define LINK_NAME "link"
/* Buckets of each host's table of TCP sockets: a few thousand connections
 * a host still find theirs at once. */
#define HOST_TCP_HASH 1024

/* What lab_network_prepare() found: 0 when namespaces may be made. */
static int prepare_errno = ENOSYS;
static char *start_ping_range;     /* as read before the user namespace */
static const char *prepare_step = NULL;

/* The namespaces, once made: held by these descriptors only. */
static GMutex lock;
static gboolean made;
static int link_fd = -1;
static int host_fds[LAB_NETWORK_MAX_HOSTS] = { -1, -1, -1, -1 };

G_STATIC_ASSERT (G_N_ELEMENTS (hosts) <= LAB_NETWORK_MAX_HOSTS);

static gboolean
write_file (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gssize len = (gssize) strlen (text);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, text, (size_t) len) == len;
  if (!ok)
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return FALSE;
    }
  return close (fd) == 0;
}

static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Whether the process holds CAP_SYS_ADMIN and CAP_NET_ADMIN, which make
 * and configure network namespaces, in the namespace it is in. */
static gboolean
has_network_admin (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 caps;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nCapEff:")) == NULL)
    return FALSE;
  caps = g_ascii_strtoull (line + strlen ("\nCapEff:"), NULL, 16);
  return (caps & (G_GUINT64_CONSTANT (1) << 21)) != 0 && (caps & (G_GUINT64_CONSTANT (1) << 12)) != 0;
}

/**
 * lab_network_prepare:
 *
 * Enters a user namespace of the process's own, with its user and group
 * mapped to themselves, where it may make network namespaces without a
 * privilege. A process may do it only while it has one thread, so it is
 * the first thing both programs do. Where it is not allowed (some
 * containers, Ubuntu's AppArmor restriction) nothing changes, and
 * lab_network_check() says why. The desktop's network stays the process's:
 * only the threads of an endpoint on a lab host enter the host's.
 */
void
lab_network_prepare (void)
{
  g_autofree char *uid_map = NULL;
  g_autofree char *gid_map = NULL;
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  if (prepare_step != NULL || prepare_errno == 0)
    return;

  /* Read in a user namespace of its own, net.ipv4.ping_group_range shows
   * every group it does not map as the overflow group: it is read first,
   * as this computer has it. */
  if (start_ping_range == NULL)
    {
      char *range = NULL;

      if (g_file_get_contents ("/proc/sys/net/ipv4/ping_group_range", &range, NULL, NULL))
        start_ping_range = g_strdelimit (g_strstrip (range), "\t", ' ');
    }

  /* A process that may already make network namespaces (root) stays
   * where it is: in a user namespace of its own it would lose what its
   * privilege gives it on the desktop's network, low ports among them. */
  if (has_network_admin ())
    {
      prepare_errno = 0;
      return;
    }

  if (count_threads () != 1)
    {
      prepare_step = "unshare (CLONE_NEWUSER)";
      prepare_errno = EINVAL;
      return;
    }

  if (unshare (CLONE_NEWUSER) != 0)
    {
      prepare_step = "unshare (CLONE_NEWUSER)";
      prepare_errno = errno;
      return;
    }

  uid_map = g_strdup_printf ("%u %u 1\n", (unsigned) uid, (unsigned) uid);
  gid_map = g_strdup_printf ("%u %u 1\n", (unsigned) gid, (unsigned) gid);
  /* Without a helper, a user namespace may map its group only once it has
   * given up setgroups (). */
  if (!write_file ("/proc/self/setgroups", "deny") && errno != ENOENT)
    prepare_step = "/proc/self/setgroups";
  else if (!write_file ("/proc/self/uid_map", uid_map))
    prepare_step = "/proc/self/uid_map";
  else if (!write_file ("/proc/self/gid_map", gid_map))
    prepare_step = "/proc/self/gid_map";
  prepare_errno = prepare_step != NULL ? errno : 0;
}

/**
 * lab_network_get_ping_group_range:
 *
 * Returns: (nullable): net.ipv4.ping_group_range as this computer has it
 *   (“1 0”), read before the program entered a user namespace of its own,
 *   where the groups it does not map read as the overflow group; %NULL
 *   when lab_network_prepare() did not read it
 */
const char *
lab_network_get_ping_group_range (void)
{
  return start_ping_range;
}

/**
 * lab_network_check:
 *
 * Returns: whether the lab network can be made in this process; %FALSE
 *   with @error saying why and what to do
 */
gboolean
lab_network_check (GError **error)
{
  if (prepare_errno == 0)
    return TRUE;

  if (prepare_step == NULL)
    g_set_error_literal (error, LAB_ERROR, LAB_ERROR_NETWORK,
                         _("The lab network was not prepared when the program started"));
  else if (prepare_errno == EPERM || prepare_errno == EACCES || prepare_errno == ENOSPC)
    g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK,
                 _("The lab network needs user namespaces, which this system does not allow (%s: %s). "
                   "Install the AppArmor profile that comes with Protolab, as its README says; "
                   "“This computer” works as before."),
                 prepare_step, g_strerror (prepare_errno));
  else
    g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK,
                 _("The lab network cannot be made here (%s: %s); “This computer” works as before."),
                 prepare_step, g_strerror (prepare_errno));
  return FALSE;
}

guint
lab_network_get_n_hosts (void)
{
  return G_N_ELEMENTS (hosts);
}

const LabNetworkHost *
lab_network_get_host (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (hosts), NULL);

  return &hosts[index];
}

/**
 * lab_network_find_host:
 *
 * Returns: (nullable): the host named @name, whatever its case
 */
const LabNetworkHost *
lab_network_find_host (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    if (g_ascii_strcasecmp (hosts[i].name, name) == 0)
      return &hosts[i];
  return NULL;
}

/* The name of the link's end for each host, in the link's namespace, is
 * the host's; the link itself is a bridge of the kernel's. */
const char *
lab_network_get_link_name (void)
{
  return LINK_NAME;
}

/* Making the namespaces: on a thread of its own, for a thread's network
 * namespace is its own and the main thread stays in the desktop's. */

typedef struct {
  int         fds[LAB_NETWORK_MAX_HOSTS];
  int         link;
  GError     *error;
} Setup;

static gboolean
fail_errno (Setup      *s,
            const char *what)
{
  int saved = errno;

  if (s->error == NULL)
    g_set_error (&s->error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not make the lab network: %s: %s"), what,
                 g_strerror (saved));
  return FALSE;
}

static gboolean
fail_nl (Setup      *s,
         const char *what,
         int         err)
{
  if (s->error == NULL)
    g_set_error (&s->error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not make the lab network: %s: %s"), what,
                 nl_geterror (err));
  return FALSE;
}

/* A new network namespace, entered by this thread; returns its descriptor. */
static int
new_namespace (Setup *s)
{
  int fd;

  if (unshare (CLONE_NEWNET) != 0)
    return fail_errno (s, "unshare (CLONE_NEWNET)"), -1;
  fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail_errno (s, "/proc/thread-self/ns/net");
  return fd;
}

/* Settings of the namespace this thread is in. Interfaces made later take
 * the defaults: no router solicitations, no duplicate address detection
 * (an address is usable at once), no link-local address of its own, so
 * that what crosses the link is what the endpoints cause, and ARP and
 * neighbour discovery. */
static gboolean
quiet_ipv6 (Setup   *s,
            gboolean disable)
{
  static const char *const settings[][2] = {
    { "accept_ra", "0" },
    { "router_solicitations", "0" },
    { "accept_dad", "0" },
    { "dad_transmits", "0" },
    { "addr_gen_mode", "1" },
  };

  if (disable)
    {
      if (!write_file ("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1") && errno != ENOENT)
        return fail_errno (s, "disable_ipv6");
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/sys/net/ipv6/conf/default/%s", settings[i][0]);

      if (!write_file (path, settings[i][1]) && errno != ENOENT)
        return fail_errno (s, path);
    }
  return TRUE;
}

static struct nl_sock *
connect_route (Setup *s)
{
  struct nl_sock *sk = nl_socket_alloc ();
  int err;

  if (sk == NULL)
    return fail_errno (s, "nl_socket_alloc"), NULL;
  if ((err = nl_connect (sk, NETLINK_ROUTE)) < 0)
    {
      fail_nl (s, "nl_connect", err);
      nl_socket_free (sk);
      return NULL;
    }
  return sk;
}

static gboolean
set_up (Setup          *s,
        struct nl_sock *sk,
        const char     *name)
{
  struct rtnl_link *link = NULL, *change;
  int err;

  if ((err = rtnl_link_get_kernel (sk, 0, name, &link)) < 0)
    return fail_nl (s, name, err);
  change = rtnl_link_alloc ();
  rtnl_link_set_flags (change, IFF_UP);
  err = rtnl_link_change (sk, link, change, 0);
  rtnl_link_put (change);
  rtnl_link_put (link);
  return err < 0 ? fail_nl (s, name, err) : TRUE;
}

static gboolean
add_address (Setup          *s,
             struct nl_sock *sk,
             int             ifindex,
             const char     *address,
             int             family)
{
  struct rtnl_addr *addr = rtnl_addr_alloc ();
  struct nl_addr *local = NULL;
  int err;

  err = nl_addr_parse (address, family, &local);
  if (err >= 0)
    {
      rtnl_addr_set_ifindex (addr, ifindex);
      rtnl_addr_set_local (addr, local);
      rtnl_addr_set_flags (addr, IFA_F_NODAD);
      err = rtnl_addr_add (sk, addr, 0);
      nl_addr_put (local);
    }
  rtnl_addr_put (addr);
  return err < 0 ? fail_nl (s, address, err) : TRUE;
}

/* In the link's namespace: the bridge, and a veth pair for each host, the
 * host's end (eth0) moved into the host's namespace. */
static gboolean
make_link (Setup *s)
{
  struct nl_sock *sk;
  int err, bridge;
  gboolean ok = TRUE;

  if (!quiet_ipv6 (s, TRUE) || (sk = connect_route (s)) == NULL)
    return FALSE;

  if ((err = rtnl_link_bridge_add (sk, LINK_NAME)) < 0)
    ok = fail_nl (s, LINK_NAME, err);
  if (ok && (bridge = (int) if_nametoindex (LINK_NAME)) == 0)
    ok = fail_errno (s, LINK_NAME);

  for (guint i = 0; ok && i < G_N_ELEMENTS (hosts); i++)
    {
      struct rtnl_link *veth = rtnl_link_veth_alloc ();
      struct rtnl_link *peer = rtnl_link_veth_get_peer (veth);

      rtnl_link_set_name (veth, hosts[i].name);
      rtnl_link_set_master (veth, bridge);
      rtnl_link_set_flags (veth, IFF_UP);
      rtnl_link_set_name (peer, "eth0");
      rtnl_link_set_ns_fd (peer, s->fds[i]);
      if ((err = rtnl_link_add (sk, veth, NLM_F_CREATE | NLM_F_EXCL)) < 0)
        ok = fail_nl (s, hosts[i].name, err);
      rtnl_link_put (peer);
      rtnl_link_veth_release (veth);
    }
  if (ok)
    ok = set_up (s, sk, LINK_NAME);

  nl_socket_free (sk);
  return ok;
}

/* In a host's namespace: its loopback and eth0 up, with its addresses. */
static gboolean
make_host (Setup                *s,
           const LabNetworkHost *host)
{
  struct nl_sock *sk = connect_route (s);
  gboolean ok;
  int eth0;

  if (sk == NULL)
    return FALSE;
  ok = set_up (s, sk, "lo") && set_up (s, sk, "eth0");
  if (ok && (eth0 = (int) if_nametoindex ("eth0")) == 0)
    ok = fail_errno (s, "eth0");
  if (ok && lab_link_get_mtu ((guint) (host - hosts)) != 0)
    {
      struct rtnl_link *link = NULL, *change;
      int err;

      if ((err = rtnl_link_get_kernel (sk, 0, "eth0", &link)) < 0)
        ok = fail_nl (s, "eth0", err);
      else
        {
          change = rtnl_link_alloc ();
          rtnl_link_set_mtu (change, lab_link_get_mtu ((guint) (host - hosts)));
          if ((err = rtnl_link_change (sk, link, change, 0)) < 0)
            ok = fail_nl (s, "MTU", err);
          rtnl_link_put (change);
          rtnl_link_put (link);
        }
    }
  if (ok)
    {
      g_autofree char *v4 = g_strdup_printf ("%s/24", host->ipv4);
      g_autofree char *v6 = g_strdup_printf ("%s/64", host->ipv6);

      ok = add_address (s, sk, eth0, v4, AF_INET) && add_address (s, sk, eth0, v6, AF_INET6);
    }
  nl_socket_free (sk);
  return ok;
}

static gpointer
setup_main (gpointer data)
{
  Setup *s = data;

  /* The link's namespace first, and the hosts' made from it, each
   * entered once to set its defaults before eth0 is moved into it; then
   * the link makes the pairs; then each host is entered again for its
   * addresses. This thread ends in one of them, and its namespace is its
   * own: nothing else is moved. */
  if ((s->link = new_namespace (s)) < 0)
    return NULL;
  /* A table of TCP sockets of the hosts' own, not the machine's: the
   * kernel watcher's dumps of a host then walk its few sockets, not the
   * hundreds of thousands of buckets of the machine's table, and the
   * charts are sampled as often as they ask. Kernels before 6.1 do not
   * have the setting: the table is shared, as it was. */
  (void) write_file ("/proc/sys/net/ipv4/tcp_child_ehash_entries", G_STRINGIFY (HOST_TCP_HASH));
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      if (setns (s->link, CLONE_NEWNET) != 0)
        return fail_errno (s, "setns"), NULL;
      if ((s->fds[i] = new_namespace (s)) < 0 || !quiet_ipv6 (s, FALSE))
        return NULL;
    }
  if (setns (s->link, CLONE_NEWNET) != 0)
    return fail_errno (s, "setns"), NULL;
  if (!make_link (s))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      if (setns (s->fds[i], CLONE_NEWNET) != 0)
        return fail_errno (s, "setns"), NULL;
      if (!make_host (s, &hosts[i]))
        return NULL;
    }
  return NULL;
}

static void
close_setup (Setup *s)
{
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    if (s->fds[i] >= 0)
      close (s->fds[i]);
  if (s->link >= 0)
    close (s->link);
}

/* Makes the namespaces once; called with the lock held. */
static gboolean
ensure_made (GError **error)
{
  Setup s = { { -1, -1, -1, -1 }, -1, NULL };

  if (made)
    return TRUE;
  if (!lab_network_check (error))
    return FALSE;

  g_thread_join (g_thread_new ("protolab-network", setup_main, &s));
  if (s.error != NULL)
    {
      close_setup (&s);
      g_propagate_error (error, s.error);
      return FALSE;
    }

  memcpy (host_fds, s.fds, sizeof host_fds);
  link_fd = s.link;
  made = TRUE;
  return TRUE;
}

static int
dup_fd (int      fd,
        GError **error)
{
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);

  if (copy < 0)
    {
      int saved = errno;

      g_set_error (error, LAB_ERROR, LAB_ERROR_NETWORK, _("Could not use the lab network: %s"), g_strerror (saved));
    }
  return copy;
}

/**
 * lab_network_open_host:
 *
 * Makes the lab network if it is not yet made.
 *
 * Returns: a new descriptor of host @name's network namespace, for
 *   lab_network_enter(), or -1 with @error
 */
int
lab_network_open_host (const char  *name,
                       GError     **error)
{
  const LabNetworkHost *host = lab_network_find_host (name);
  int fd = -1;

  if (host == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The lab network has no host named “%s”"), name);
      return -1;
    }

  g_mutex_lock (&lock);
  if (ensure_made (error))
    fd = dup_fd (host_fds[host - hosts], error);
  g_mutex_unlock (&lock);
  return fd;
}

/**
 * lab_network_open_link:
 *
 * Returns: a new descriptor of the link's network namespace, or -1 with
 *   @error
 */
int
lab_network_open_link (GError **error)
{
  int fd = -1;

  g_mutex_lock (&lock);
  if (ensure_made (error))
    fd = dup_fd (link_fd, error);
  g_mutex_unlock (&lock);
  return fd;
}

/**
 * lab_network_enter:
 *
 * Moves the calling thread, and only it, into the network namespace of
 * @netns_fd: the sockets it makes from then on are there.
 *
 * Returns: 0, or the errno of setns ()
 */
int
lab_network_enter (int netns_fd)
{
  return setns (netns_fd, CLONE_NEWNET) == 0 ? 0 : errno;
}

typedef struct {
  int netns_fd, domain, type, protocol, fd, err;
} SocketIn;

static gpointer
socket_in_main (gpointer data)
{
  SocketIn *s = data;

  if (setns (s->netns_fd, CLONE_NEWNET) != 0)
    s->err = errno;
  else if ((s->fd = socket (s->domain, s->type, s->protocol)) < 0)
    s->err = errno;
  return NULL;
}

/**
 * lab_network_socket_in:
 * @netns_fd: a network namespace, or -1 for the calling thread's own
 *
 * Makes a socket in another network namespace, the calling thread staying
 * in its own: a socket belongs to the namespace it was made in, whoever
 * uses it later. For the lab's netlink sockets, which ask a host's kernel.
 * A thread of its own enters the namespace, makes the socket and ends
 * there: once in the user namespace, a thread that left the desktop's
 * network could not come back to it without privilege.
 *
 * Returns: the socket, or -1 with errno set
 */
int
lab_network_socket_in (int netns_fd,
                       int domain,
                       int type,
                       int protocol)
{
  SocketIn s = { netns_fd, domain, type, protocol, -1, 0 };

  if (netns_fd < 0)
    return socket (domain, type, protocol);

  g_thread_join (g_thread_new ("protolab-netns", socket_in_main, &s));
  errno = s.err;
  return s.fd;
}

/**
 * lab_network_same:
 *
 * Returns: whether two descriptors of network namespaces (-1: the
 *   process's own) are of the same one
 */
gboolean
lab_network_same (int a,
                  int b)
{
  struct stat sa, sb;

  if (a < 0 || b < 0)
    return a < 0 && b < 0;
  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

gboolean
lab_network_is_made (void)
{
  gboolean is_made;

  g_mutex_lock (&lock);
  is_made = made;
  g_mutex_unlock (&lock);
  return is_made;
}

/**
 * lab_network_forget:
 *
 * Lets go of the lab network: once no endpoint's thread is in a host any
 * more, the kernel removes its namespaces and their interfaces. The next
 * use makes them anew.
 */
void
lab_network_forget (void)
{
  lab_capture_stop ();
  lab_link_stop ();
  g_mutex_lock (&lock);
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    if (host_fds[i] >= 0)
      {
        close (host_fds[i]);
        host_fds[i] = -1;
      }
  if (link_fd >= 0)
    close (link_fd);
  link_fd = -1;
  made = FALSE;
  g_mutex_unlock (&lock);
}
