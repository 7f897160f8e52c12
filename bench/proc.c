/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

long
proc_cpu_ticks (long pid,
                long tid)
{
  char path[64], line[1024], *fields;
  unsigned long utime, stime;
  FILE *file;
  int ok;

  if (tid > 0)
    snprintf (path, sizeof path, "/proc/%ld/task/%ld/stat", pid, tid);
  else
    snprintf (path, sizeof path, "/proc/%ld/stat", pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1;
  ok = fgets (line, sizeof line, file) != NULL;
  fclose (file);

  /* The name, the second field, is in parentheses and may hold spaces:
   * count from its end. utime and stime are the 14th and 15th fields. */
  fields = ok ? strrchr (line, ')') : NULL;
  if (fields == NULL ||
      sscanf (fields + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return -1;

  return (long) (utime + stime);
}

long
proc_ticks_per_second (void)
{
  return sysconf (_SC_CLK_TCK);
}

long
proc_rss_kib (long pid)
{
  char path[64], line[256];
  long rss = -1;
  FILE *file;

  snprintf (path, sizeof path, "/proc/%ld/status", pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (sscanf (line, "VmRSS: %ld", &rss) == 1)
      break;
  fclose (file);

  /* A process that has ended but not been reaped has no VmRSS line. */
  return rss;
}

int
proc_port_bound (int port,
                 int udp)
{
  /* 0100007F is 127.0.0.1 as the kernel writes it; 0A is LISTEN, and a
   * bound UDP socket is 07 (TCP_CLOSE). */
  const char *wanted_state = udp ? "07" : "0A";
  char line[512];
  int found = 0;
  FILE *file = fopen (udp ? "/proc/net/udp" : "/proc/net/tcp", "r");

  if (file == NULL)
    return 0;
  while (!found && fgets (line, sizeof line, file) != NULL)
    {
      unsigned address, local_port;
      char state[3];

      if (sscanf (line, " %*d: %8X:%4X %*8X:%*4X %2s", &address, &local_port, state) == 3 &&
          (int) local_port == port && strcmp (state, wanted_state) == 0 &&
          (address == 0x0100007F || address == 0))
        found = 1;
    }
  fclose (file);

  return found;
}
