/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-tcp.h"

/* The transitions every course draws, labelled with what causes them. A
 * reset, or a timeout, ends a connection from any state: the diagram has
 * no arrow for it. */
static const LabTcpEdge edges[] = {
  { LAB_TCP_CLOSE, LAB_TCP_LISTEN, "listen ()" },
  { LAB_TCP_CLOSE, LAB_TCP_SYN_SENT, "connect ()" },
  { LAB_TCP_LISTEN, LAB_TCP_SYN_RECV, "SYN" },
  { LAB_TCP_SYN_SENT, LAB_TCP_ESTABLISHED, "SYN+ACK" },
  { LAB_TCP_SYN_RECV, LAB_TCP_ESTABLISHED, "ACK" },
  { LAB_TCP_ESTABLISHED, LAB_TCP_FIN_WAIT1, "close ()" },
  { LAB_TCP_ESTABLISHED, LAB_TCP_CLOSE_WAIT, "FIN" },
  { LAB_TCP_FIN_WAIT1, LAB_TCP_FIN_WAIT2, "ACK" },
  { LAB_TCP_FIN_WAIT1, LAB_TCP_CLOSING, "FIN" },
  { LAB_TCP_FIN_WAIT2, LAB_TCP_TIME_WAIT, "FIN" },
  { LAB_TCP_CLOSING, LAB_TCP_TIME_WAIT, "ACK" },
  { LAB_TCP_CLOSE_WAIT, LAB_TCP_LAST_ACK, "close ()" },
  { LAB_TCP_LAST_ACK, LAB_TCP_CLOSE, "ACK" },
  { LAB_TCP_TIME_WAIT, LAB_TCP_CLOSE, "2MSL" },
};

const char *
lab_tcp_state_to_string (LabTcpState state)
{
  static const char *names[] = {
    [LAB_TCP_UNKNOWN] = "UNKNOWN",
    [LAB_TCP_ESTABLISHED] = "ESTABLISHED",
    [LAB_TCP_SYN_SENT] = "SYN_SENT",
    [LAB_TCP_SYN_RECV] = "SYN_RECV",
    [LAB_TCP_FIN_WAIT1] = "FIN_WAIT_1",
    [LAB_TCP_FIN_WAIT2] = "FIN_WAIT_2",
    [LAB_TCP_TIME_WAIT] = "TIME_WAIT",
    [LAB_TCP_CLOSE] = "CLOSED",
    [LAB_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [LAB_TCP_LAST_ACK] = "LAST_ACK",
    [LAB_TCP_LISTEN] = "LISTEN",
    [LAB_TCP_CLOSING] = "CLOSING",
    [LAB_TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
    [LAB_TCP_GONE] = "GONE",
  };

  g_return_val_if_fail (state < G_N_ELEMENTS (names), "?");
  return names[state];
}

/**
 * lab_tcp_get_edges:
 *
 * Returns: (array length=n_edges): the arrows of the RFC's diagram, in the
 *   order a connection most often takes them first
 */
const LabTcpEdge *
lab_tcp_get_edges (guint *n_edges)
{
  *n_edges = G_N_ELEMENTS (edges);
  return edges;
}

/**
 * lab_tcp_drawn_as:
 *
 * Returns: the state of the diagram @state is: NEW_SYN_RECV is SYN_RECV,
 *   and a connection the kernel forgot is CLOSED
 */
LabTcpState
lab_tcp_drawn_as (LabTcpState state)
{
  if (state == LAB_TCP_NEW_SYN_RECV)
    return LAB_TCP_SYN_RECV;
  if (state == LAB_TCP_GONE)
    return LAB_TCP_CLOSE;
  return state;
}

gboolean
lab_tcp_has_edge (LabTcpState from,
                  LabTcpState to)
{
  from = lab_tcp_drawn_as (from);
  to = lab_tcp_drawn_as (to);
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    if (edges[i].from == from && edges[i].to == to)
      return TRUE;
  return FALSE;
}

/* Where a connection is closing: from these the diagram's way to CLOSED
 * is the likely one. From the others, a reset (a refused connect (), an
 * abort) ends it with no state between. */
static gboolean
is_closing (LabTcpState state)
{
  switch (state)
    {
    case LAB_TCP_FIN_WAIT1:
    case LAB_TCP_FIN_WAIT2:
    case LAB_TCP_CLOSING:
    case LAB_TCP_CLOSE_WAIT:
    case LAB_TCP_LAST_ACK:
    case LAB_TCP_TIME_WAIT:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * lab_tcp_unseen:
 * @from: a state seen
 * @to: the next state seen of the same connection
 * @between: (out caller-allocates): the states passed through, in order
 *
 * The states a connection went through, too fast for the lab to see them,
 * between two it saw: the shortest way on the RFC's diagram, the arrows
 * most often taken first. They are inferred, not seen.
 *
 * Returns: how many states are in @between: none when @to follows @from
 *   by an arrow, when either is not a state of the diagram, or when a
 *   reset may have ended the connection with none between
 */
guint
lab_tcp_unseen (LabTcpState from,
                LabTcpState to,
                LabTcpState between[LAB_TCP_MAX_UNSEEN])
{
  LabTcpState came_from[LAB_TCP_GONE + 1];
  LabTcpState queue[LAB_TCP_GONE + 1];
  guint head = 0, tail = 0, n = 0;

  from = lab_tcp_drawn_as (from);
  to = lab_tcp_drawn_as (to);
  if (from == LAB_TCP_UNKNOWN || to == LAB_TCP_UNKNOWN || from == to || lab_tcp_has_edge (from, to))
    return 0;
  if (to == LAB_TCP_CLOSE && !is_closing (from))
    return 0;

  /* Breadth first, from @from: each state is reached first by the
   * shortest way, by the arrows in the table's order. */
  for (guint i = 0; i < G_N_ELEMENTS (came_from); i++)
    came_from[i] = LAB_TCP_UNKNOWN;
  queue[tail++] = from;
  came_from[from] = from;
  while (head < tail && came_from[to] == LAB_TCP_UNKNOWN)
    {
      LabTcpState state = queue[head++];

      /* CLOSED is where a connection ends: it does not begin again. */
      if (state == LAB_TCP_CLOSE && state != from)
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
        if (edges[i].from == state && came_from[edges[i].to] == LAB_TCP_UNKNOWN)
          {
            came_from[edges[i].to] = state;
            queue[tail++] = edges[i].to;
          }
    }
  if (came_from[to] == LAB_TCP_UNKNOWN)
    return 0;

  /* Walked back from @to, then turned round. */
  for (LabTcpState s = came_from[to]; s != from; s = came_from[s])
    {
      if (n == LAB_TCP_MAX_UNSEEN)
        return 0;
      between[n++] = s;
    }
  for (guint i = 0; i < n / 2; i++)
    {
      LabTcpState t = between[i];

      between[i] = between[n - 1 - i];
      between[n - 1 - i] = t;
    }

  return n;
}
