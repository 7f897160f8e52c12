/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "lab-kernel-private.h"
#include "lab-network.h"

/* Asking the kernel of TCP sockets with sock_diag, as ss does: of those
 * the lab follows, and of what holds a port. */

/* The tcp_info a dump gave with a socket, if it did: as long as the
 * kernel's is (an older kernel's is shorter, its last fields then 0). */
static void
read_sample (const struct nlmsghdr *h,
             LabDiagEntry          *entry)
{
  const struct inet_diag_msg *m = NLMSG_DATA (h);
  int len = (int) h->nlmsg_len - (int) NLMSG_LENGTH (sizeof *m);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
  for (const struct rtattr *a = (const struct rtattr *) (const void *) (m + 1); RTA_OK (a, len); a = RTA_NEXT (a, len))
#pragma GCC diagnostic pop
    if (a->rta_type == INET_DIAG_INFO)
      {
        struct tcp_info info;
        guint32 rcv_wnd = 0;
        gsize given = RTA_PAYLOAD (a);
        LabTcpSample *s = &entry->sample;

        memset (&info, 0, sizeof info);
        memcpy (&info, RTA_DATA (a), MIN (given, sizeof info));
        /* Our own window follows the peer's in kernels from 6.7 on */
        if (given >= offsetof (struct tcp_info, tcpi_snd_wnd) + 8)
          memcpy (&rcv_wnd, (const guint8 *) RTA_DATA (a) + offsetof (struct tcp_info, tcpi_snd_wnd) + 4, 4);
        s->state = info.tcpi_state;
        s->ca_state = info.tcpi_ca_state;
        s->retransmits = info.tcpi_retransmits;
        s->cwnd = info.tcpi_snd_cwnd;
        s->ssthresh = info.tcpi_snd_ssthresh;
        s->srtt_us = info.tcpi_rtt;
        s->rttvar_us = info.tcpi_rttvar;
        s->rto_us = info.tcpi_rto;
        s->mss = info.tcpi_snd_mss;
        s->unacked = info.tcpi_unacked;
        s->sacked = info.tcpi_sacked;
        s->lost = info.tcpi_lost;
        s->retrans = info.tcpi_retrans;
        s->total_retrans = info.tcpi_total_retrans;
        s->in_flight = info.tcpi_unacked - info.tcpi_sacked - info.tcpi_lost + info.tcpi_retrans;
        s->snd_wnd = given >= offsetof (struct tcp_info, tcpi_snd_wnd) + 4 ? info.tcpi_snd_wnd : 0;
        s->rcv_wnd = rcv_wnd;
        s->rcv_space = info.tcpi_rcv_space;
        entry->has_sample = TRUE;
      }
}

/* The cookie of a socket the kernel told, as SO_COOKIE gives it. */
static guint64
cookie_of (const struct inet_diag_msg *m)
{
  return (guint64) m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
}

/* Every TCP socket of @family the kernel holds, as `ss -tan` lists them,
 * into @entries by cookie; only those whose own port is one of @ports, if
 * @n_ports is not 0, and whose cookie is in @interest, if not %NULL: what
 * a dump keeps is the lab's sockets, however many the machine has. */
void
lab_kernel_diag_dump (int            netns_fd,
                int            family,
                const guint16 *ports,
                guint          n_ports,
                GHashTable    *interest,
                GHashTable    *entries)
{
  struct {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
    struct rtattr           attribute;
    /* Each port a test of two operations, and a jump between two. */
    struct inet_diag_bc_op  filter[3 * LAB_KERNEL_MAX_FILTER_PORTS];
  } req;
  guint filter_len = n_ports > 0 ? 12 * n_ports - 4 : 0;
  /* Aligned for the headers in it, which NLMSG_NEXT () finds by casting. */
  guint8 buf[32 * 1024] __attribute__ ((aligned (NLMSG_ALIGNTO)));
  gboolean done = FALSE;
  int fd;

  g_return_if_fail (n_ports <= LAB_KERNEL_MAX_FILTER_PORTS);

  fd = lab_network_socket_in (netns_fd, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return;

  memset (&req, 0, sizeof req);
  req.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.request.sdiag_family = family;
  req.request.sdiag_protocol = IPPROTO_TCP;
  req.request.idiag_states = ~0u;
  /* Each socket's tcp_info with it, for the charts' samples */
  if (lab_tcp_sample_get_enabled ())
    req.request.idiag_ext = 1u << (INET_DIAG_INFO - 1);
  req.header.nlmsg_len = offsetof (__typeof__ (req), attribute);
  if (n_ports > 0)
    {
      struct inet_diag_bc_op *op = req.filter;

      /* The kernel's filter as ss writes "sport = :A or sport = :B": a
       * test goes on to the next operation if the port matches, over it
       * if not. After a test that matched, a jump to the end, where the
       * socket is kept; the last test, not matched, lands past the end,
       * where it is left out. */
      for (guint i = 0; i < n_ports; i++)
        {
          *op++ = (struct inet_diag_bc_op) { INET_DIAG_BC_S_EQ, 8, 12 };
          *op++ = (struct inet_diag_bc_op) { 0, 0, ports[i] };
          if (i + 1 < n_ports)
            {
              *op = (struct inet_diag_bc_op) { INET_DIAG_BC_JMP, 4, 0 };
              op->no = filter_len - (guint) ((guint8 *) op - (guint8 *) req.filter);
              op++;
            }
        }
      req.attribute.rta_type = INET_DIAG_REQ_BYTECODE;
      req.attribute.rta_len = RTA_LENGTH (filter_len);
      req.header.nlmsg_len += RTA_ALIGN (req.attribute.rta_len);
    }

  if (send (fd, &req, req.header.nlmsg_len, 0) != (gssize) req.header.nlmsg_len)
    {
      close (fd);
      return;
    }

  while (!done)
    {
      gssize n = recv (fd, buf, sizeof buf, 0);
      int len = (int) n;

      if (n <= 0)
        break;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
      for (struct nlmsghdr *h = (struct nlmsghdr *) (void *) buf; NLMSG_OK (h, len); h = NLMSG_NEXT (h, len))
        {
          LabDiagEntry *entry;

          if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
            {
              done = TRUE;
              break;
            }

          if (interest != NULL && !g_hash_table_contains (interest, &(guint64) { cookie_of (NLMSG_DATA (h)) }))
            continue;
          entry = g_new0 (LabDiagEntry, 1);
          memcpy (&entry->msg, NLMSG_DATA (h), sizeof entry->msg);
          read_sample (h, entry);
          g_hash_table_insert (entries, &entry->msg.id.idiag_cookie, entry);
        }
#pragma GCC diagnostic pop
    }

  close (fd);
}

guint
lab_kernel_cookie_hash (gconstpointer key)
{
  const guint32 *cookie = key;

  return cookie[0] ^ cookie[1];
}

gboolean
lab_kernel_cookie_equal (gconstpointer a,
              gconstpointer b)
{
  return memcmp (a, b, 2 * sizeof (guint32)) == 0;
}

/* An address as the lab writes one: 127.0.0.1:5000, [::1]:5000. */
static char *
format_address (int            family,
                const guint32 *address,
                guint16        port)
{
  char text[INET6_ADDRSTRLEN] = "";

  inet_ntop (family, address, text, sizeof text);
  return family == AF_INET6 ? g_strdup_printf ("[%s]:%u", text, port) : g_strdup_printf ("%s:%u", text, port);
}

static int
compare_holders (gconstpointer a,
                 gconstpointer b)
{
  const LabKernelHolder *x = *(LabKernelHolder * const *) a;
  const LabKernelHolder *y = *(LabKernelHolder * const *) b;

  if ((x->state == LAB_TCP_LISTEN) != (y->state == LAB_TCP_LISTEN))
    return x->state == LAB_TCP_LISTEN ? -1 : 1;
  return g_strcmp0 (x->local, y->local) != 0 ? g_strcmp0 (x->local, y->local) : g_strcmp0 (x->peer, y->peer);
}

/**
 * lab_kernel_list_tcp:
 * @family: AF_INET or AF_INET6
 *
 * What one dump of the watcher says of every TCP socket of @family, as
 * `ss -tan` lists them: "ESTABLISHED 127.0.0.1:5000 127.0.0.1:40000".
 *
 * Returns: (transfer full) (element-type utf8): a line a socket
 */
GPtrArray *
lab_kernel_list_tcp (int family)
{
  g_autoptr(GHashTable) entries = g_hash_table_new_full (lab_kernel_cookie_hash, lab_kernel_cookie_equal, NULL, g_free);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  lab_kernel_diag_dump (-1, family, NULL, 0, NULL, entries);
  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const struct inet_diag_msg *m = &((LabDiagEntry *) value)->msg;
      char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";

      inet_ntop (m->idiag_family, m->id.idiag_src, src, sizeof src);
      inet_ntop (m->idiag_family, m->id.idiag_dst, dst, sizeof dst);
      g_ptr_array_add (lines, g_strdup_printf ("%s %s:%u %s:%u", lab_tcp_state_to_string (m->idiag_state), src,
                                               ntohs (m->id.idiag_sport), dst, ntohs (m->id.idiag_dport)));
    }

  return lines;
}

static void
holder_free (gpointer data)
{
  LabKernelHolder *holder = data;

  g_free (holder->local);
  g_free (holder->peer);
  g_free (holder);
}

/**
 * lab_kernel_list_port:
 * @port: a TCP port of this machine
 *
 * What holds @port, as `ss -tan sport = :PORT` says it: every TCP socket,
 * IPv4 and IPv6, whose own port it is, listening, connected or lingering
 * in TIME_WAIT after its program closed it.
 *
 * Returns: (transfer full) (element-type LabKernelHolder): the sockets,
 *   listening ones first, then by address
 */
GPtrArray *
lab_kernel_list_port (guint16 port)
{
  static const int families[] = { AF_INET, AF_INET6 };
  GPtrArray *holders = g_ptr_array_new_with_free_func (holder_free);

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    {
      g_autoptr(GHashTable) entries = g_hash_table_new_full (lab_kernel_cookie_hash, lab_kernel_cookie_equal, NULL, g_free);
      GHashTableIter iter;
      gpointer value;

      lab_kernel_diag_dump (-1, families[f], &port, 1, NULL, entries);
      g_hash_table_iter_init (&iter, entries);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const struct inet_diag_msg *m = &((LabDiagEntry *) value)->msg;
          LabKernelHolder *holder = g_new0 (LabKernelHolder, 1);

          holder->state = (LabTcpState) m->idiag_state;
          holder->local = format_address (m->idiag_family, m->id.idiag_src, ntohs (m->id.idiag_sport));
          if (holder->state != LAB_TCP_LISTEN)
            holder->peer = format_address (m->idiag_family, m->id.idiag_dst, ntohs (m->id.idiag_dport));
          g_ptr_array_add (holders, holder);
        }
    }
  g_ptr_array_sort (holders, compare_holders);

  return holders;
}
