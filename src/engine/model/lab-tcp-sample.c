/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-event-private.h"
#include "lab-record-private.h"
#include "lab-tcp-sample.h"

static gint enabled;

/**
 * lab_tcp_sample_set_enabled:
 *
 * Whether the kernel watcher samples each connection's TCP numbers, from
 * its next look: what a chart of them asks for while it is shown.
 */
void
lab_tcp_sample_set_enabled (gboolean on)
{
  g_atomic_int_set (&enabled, on ? 1 : 0);
}

gboolean
lab_tcp_sample_get_enabled (void)
{
  return g_atomic_int_get (&enabled) != 0;
}

/**
 * lab_event_get_tcp_sample:
 *
 * Returns: whether @event is a sample of a connection's TCP numbers; then
 *   @sample holds them
 */
gboolean
lab_event_get_tcp_sample (LabEvent     *event,
                          LabTcpSample *sample)
{
  const LabRecord *record = lab_event_get_record (event);
  GBytes *bytes;
  gsize len = 0;
  const guint8 *data;

  memset (sample, 0, sizeof *sample);
  if (record->kind != LAB_EVENT_TCP_SAMPLE || (bytes = lab_event_peek_blob (event)) == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  memcpy (sample, data, MIN (len, sizeof *sample));
  return len >= sizeof *sample;
}

/**
 * lab_tcp_sample_text:
 *
 * Returns: the sample in a line, in the current language; the names of
 *   the kernel's fields stay as they are
 */
char *
lab_tcp_sample_text (const LabTcpSample *s)
{
  g_autofree char *ssthresh = s->ssthresh >= 0x7fffffff ? g_strdup ("∞") : g_strdup_printf ("%u", s->ssthresh);

  /* Translators: the kernel's TCP numbers of a connection; the field names (cwnd, ssthresh, srtt…) stay as they are. */
  return g_strdup_printf (_("TCP: cwnd %u, ssthresh %s, srtt %.1f ms (rttvar %.1f), rto %u ms, in flight %u, "
                            "retransmitted %u (of them unacknowledged %u), lost %u, peer’s window %u, ours %u"),
                          s->cwnd, ssthresh, s->srtt_us / 1000.0, s->rttvar_us / 1000.0, s->rto_us / 1000,
                          s->in_flight, s->total_retrans, s->retrans, s->lost, s->snd_wnd, s->rcv_wnd);
}
