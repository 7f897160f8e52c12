/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* What the benchmark reads of a server from /proc, as ps and ss would. */

/* Processor time (user and system) of a process, or with @tid of one of its
 * threads, in clock ticks; -1 when it has ended. */
long proc_cpu_ticks       (long pid,
                           long tid);
long proc_ticks_per_second (void);

/* Resident memory (VmRSS) in KiB; -1 when the process has ended. */
long proc_rss_kib         (long pid);

/* Whether a socket listens on the TCP @port of 127.0.0.1, or with @udp is
 * bound to that UDP port. */
int  proc_port_bound      (int  port,
                           int  udp);
