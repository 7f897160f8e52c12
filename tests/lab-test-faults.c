/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lab-enum-types.h"
#include "lab-test-engine.h"
#include "lab-test-faults.h"

static gint64
deadline_after (guint timeout_ms)
{
  return g_get_monotonic_time () + (gint64) timeout_ms * 1000;
}

static int
ms_until (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  return left <= 0 ? 0 : (int) ((left + 999) / 1000);
}

/* Waits for @events on @fd until @deadline; whether they came. The main
 * context runs meanwhile, so that the timeline goes on taking what the
 * server records rather than trimming it. */
static gboolean
wait_for (int    fd,
          short  events,
          gint64 deadline)
{
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = events };
      int left = ms_until (deadline);
      int r = poll (&p, 1, MIN (left, 10));

      if (r > 0)
        return TRUE;
      if (r < 0 && errno != EINTR)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      if (left == 0)
        return FALSE;
    }
}

/**
 * lab_peer_connect_start:
 *
 * Returns: a non-blocking socket whose connect () to 127.0.0.1:@port has
 *   begun (or -1 when the process has no descriptor left)
 */
int
lab_peer_connect_start (guint16 port)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  if (connect (fd, (struct sockaddr *) &sin, sizeof sin) < 0 && errno != EINPROGRESS)
    g_error ("connect to port %u: %s", port, g_strerror (errno));

  return fd;
}

gboolean
lab_peer_wait_connected (int   fd,
                         guint timeout_ms)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (!wait_for (fd, POLLOUT, deadline_after (timeout_ms)))
    return FALSE;
  getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0;
}

int
lab_peer_connect (guint16 port)
{
  int fd = lab_peer_connect_start (port);

  g_assert_cmpint (fd, >=, 0);
  g_assert_true (lab_peer_wait_connected (fd, 5000));
  return fd;
}

gboolean
lab_peer_send_all (int         fd,
                   const void *data,
                   gsize       len,
                   guint       timeout_ms)
{
  gint64 deadline = deadline_after (timeout_ms);
  gsize done = 0;

  while (done < len)
    {
      gssize n = send (fd, (const guint8 *) data + done, len - done, MSG_NOSIGNAL);

      if (n > 0)
        done += n;
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        return FALSE;
      else if (!wait_for (fd, POLLOUT, deadline))
        return FALSE;
    }

  return TRUE;
}

gboolean
lab_peer_read_exactly (int    fd,
                       void  *data,
                       gsize  len,
                       guint  timeout_ms)
{
  gint64 deadline = deadline_after (timeout_ms);
  gsize done = 0;

  while (done < len)
    {
      gssize n = recv (fd, (guint8 *) data + done, len - done, 0);

      if (n > 0)
        done += n;
      else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        return FALSE;
      else if (!wait_for (fd, POLLIN, deadline))
        return FALSE;
    }

  return TRUE;
}

/* Sends @len bytes of @out (then, if @shut, shutdown (SHUT_WR)) while
 * reading @len bytes into @in, at the same time: neither end waits for the
 * other to read. */
gboolean
lab_peer_exchange (int            fd,
                   const guint8  *out,
                   guint8        *in,
                   gsize          len,
                   gboolean       shut,
                   guint          timeout_ms)
{
  gint64 deadline = deadline_after (timeout_ms);
  gsize sent = 0, got = 0;

  while (got < len)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN | (sent < len ? POLLOUT : 0) };
      int r = poll (&p, 1, MIN (ms_until (deadline), 10));

      if (r < 0 && errno != EINTR)
        return FALSE;
      if (r <= 0)
        {
          g_main_context_iteration (NULL, FALSE);
          if (ms_until (deadline) == 0)
            return FALSE;
          continue;
        }
      if (sent < len && (p.revents & POLLOUT))
        {
          gssize n = send (fd, out + sent, MIN (len - sent, 64 * 1024), MSG_NOSIGNAL);

          if (n < 0 && errno != EAGAIN && errno != EINTR)
            return FALSE;
          sent += MAX (n, 0);
          if (sent == len && shut && shutdown (fd, SHUT_WR) != 0)
            return FALSE;
        }
      if (p.revents & (POLLIN | POLLHUP | POLLERR))
        {
          gssize n = recv (fd, in + got, len - got, 0);

          if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return FALSE;
          got += MAX (n, 0);
        }
    }

  return TRUE;
}

/* Sends @text and reads it back. */
gboolean
lab_peer_echo (int         fd,
               const char *text,
               guint       timeout_ms)
{
  gsize len = strlen (text);
  g_autofree char *back = g_malloc0 (len + 1);

  return lab_peer_send_all (fd, text, len, timeout_ms) &&
         lab_peer_read_exactly (fd, back, len, timeout_ms) &&
         memcmp (back, text, len) == 0;
}

/* Whether the other end closed (end of stream, or a reset) in time; what
 * still arrives first is read and dropped. */
gboolean
lab_peer_wait_closed (int   fd,
                      guint timeout_ms)
{
  gint64 deadline = deadline_after (timeout_ms);
  char buf[4096];

  for (;;)
    {
      gssize n = recv (fd, buf, sizeof buf, 0);

      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return TRUE;
      if (n < 0 && !wait_for (fd, POLLIN, deadline))
        return FALSE;
    }
}

/* Whether the other end ended the stream cleanly (FIN, nothing more to
 * read) in time. */
gboolean
lab_peer_wait_end (int   fd,
                   guint timeout_ms)
{
  char byte;

  if (!wait_for (fd, POLLIN, deadline_after (timeout_ms)))
    return FALSE;
  return recv (fd, &byte, 1, 0) == 0;
}

/* The local port of a peer's socket. */
guint16
lab_peer_port (int fd)
{
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;

  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  return ntohs (sin.sin_port);
}

/* Closes with SO_LINGER 0: the kernel sends RST, not FIN. */
void
lab_peer_reset (int fd)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  close (fd);
}

/* Sends until nothing more is taken for @quiet_ms (the peer no longer
 * reads), or @most bytes were. Returns how much was taken. */
gsize
lab_peer_fill (int   fd,
               guint quiet_ms,
               gsize most)
{
  static const guint8 chunk[64 * 1024];
  gsize total = 0;

  while (total < most)
    {
      gssize n = send (fd, chunk, sizeof chunk, MSG_NOSIGNAL);

      if (n > 0)
        total += n;
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        return total;
      else if (!wait_for (fd, POLLOUT, deadline_after (quiet_ms)))
        return total;
    }

  return total;
}

guint
lab_test_count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* The resident set, in bytes: what the program holds. What the allocator
 * keeps free for later is given back first: each thread's arena keeps the
 * pages its last frees left, the more of them the more threads ran at
 * once, and they are no more the program's than the kernel's caches. */
gsize
lab_test_rss (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  malloc_trim (0);

  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", -1);
  return (gsize) g_ascii_strtoull (fields[1], NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
}

/* The resident set grew by less than @most since it was @before. With
 * AddressSanitizer, which keeps freed memory aside for a while and shadows
 * all it maps, the figure says nothing of the program: it is only told. */
void
lab_test_assert_rss_growth (gsize before,
                            gsize most)
{
  gsize now = lab_test_rss ();

  g_test_message ("resident set %.1f → %.1f MiB", before / 1048576.0, now / 1048576.0);
#if !defined (__SANITIZE_ADDRESS__)
  g_assert_cmpuint (now, <, before + most);
#endif
}

static gboolean
is_shortage (int err)
{
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

static void
on_recorded (LabTimeline      *timeline,
             LabTimelineEntry *entries,
             guint             n_entries,
             LabTally         *tally)
{
  for (guint i = 0; i < n_entries; i++)
    {
      g_autoptr(LabEvent) event = lab_timeline_dup_event (timeline, entries[i].record);
      LabEventKind kind = lab_event_get_kind (event);

      if (tally->endpoint_id != 0 && lab_event_get_endpoint_id (event) != tally->endpoint_id)
        continue;

      if (kind == LAB_EVENT_NOTE && !entries[i].end)
        {
          LabNote note = lab_event_get_note (event);

          if (note < G_N_ELEMENTS (tally->notes))
            tally->notes[note]++;
          if (note == LAB_NOTE_FAILED && tally->failed_note == NULL)
            tally->failed_note = g_strdup (lab_event_get_note_arg (event));
          if (note == LAB_NOTE_ACCEPT_PAUSED && tally->paused == NULL)
            tally->paused = g_object_ref (event);
        }
      else if (kind == LAB_EVENT_DATA && lab_event_get_direction (event) == LAB_DIRECTION_IN)
        tally->data_in += lab_event_get_real_length (event);
      else if (kind == LAB_EVENT_CALL && !lab_event_get_instrumentation (event))
        {
          LabOp op = lab_event_get_op (event);
          int err = lab_event_get_errno (event);

          /* A call that blocked is counted when it began, its error when it
           * ended. */
          if (!entries[i].end)
            tally->calls[op]++;
          if (!lab_event_get_finished (event) || err == 0)
            continue;

          tally->failed[op]++;
          if (op == LAB_OP_ACCEPT && is_shortage (err))
            tally->accept_shortages++;
          if (tally->failures->len < 3 * 4096)
            {
              guint64 row[3] = { lab_event_get_connection (event), op, (guint64) err };

              g_array_append_vals (tally->failures, row, 3);
            }
        }
    }
}

/**
 * lab_tally_new:
 * @endpoint: (nullable): whose events to count; %NULL for all
 */
LabTally *
lab_tally_new (LabTimeline *timeline,
               LabEndpoint *endpoint)
{
  LabTally *tally = g_new0 (LabTally, 1);

  tally->timeline = g_object_ref (timeline);
  tally->endpoint_id = endpoint != NULL ? lab_endpoint_get_id (endpoint) : 0;
  tally->failures = g_array_new (FALSE, FALSE, sizeof (guint64));
  tally->handler = g_signal_connect (timeline, "recorded", G_CALLBACK (on_recorded), tally);

  return tally;
}

void
lab_tally_free (LabTally *tally)
{
  g_signal_handler_disconnect (tally->timeline, tally->handler);
  g_object_unref (tally->timeline);
  g_array_unref (tally->failures);
  g_free (tally->failed_note);
  g_clear_object (&tally->paused);
  g_free (tally);
}

/* Every call the programs made (the lab's own watching aside). */
guint64
lab_tally_program_calls (LabTally *tally)
{
  guint64 n = 0;

  lab_timeline_flush (tally->timeline);
  for (guint i = 0; i < LAB_N_OPS; i++)
    n += tally->calls[i];

  return n;
}

/* How many calls on connection @conn failed. */
guint64
lab_tally_failures_on (LabTally *tally,
                       guint64   conn)
{
  guint64 n = 0;

  lab_timeline_flush (tally->timeline);
  for (guint i = 0; i < tally->failures->len; i += 3)
    n += g_array_index (tally->failures, guint64, i) == conn;

  return n;
}

static void
fault_set_up (LabFault      *f,
              gconstpointer  data)
{
  guint packed = GPOINTER_TO_UINT (data);

  f->backend = packed >> 4;
  f->model = packed & 0xf;
  f->fds_before = lab_test_count_fds ();
  f->timeline = lab_timeline_new ();
  /* The timeline keeps little: what is measured is the server. */
  lab_timeline_set_limits (f->timeline, 50000, 16 * 1024 * 1024);
  f->server = lab_endpoint_new (f->timeline, LAB_ENDPOINT_TCP_SERVER, "server");
  g_object_set (lab_endpoint_get_config (f->server),
                "backend", f->backend,
                "concurrency", f->model,
                "port", 0u,
                "backlog", 128,
                NULL);
  f->tally = lab_tally_new (f->timeline, f->server);
}

static void
fault_tear_down (LabFault      *f,
                 gconstpointer  data)
{
  lab_fault_stop (f);
  g_clear_pointer (&f->tally, lab_tally_free);
  lab_test_unref_and_wait (f->server);
  lab_test_unref_and_wait (f->timeline);
  lab_test_wait_fds (f->fds_before);
}

/**
 * lab_fault_add:
 * @models: the models it applies to, LAB_FAULT_MODEL() of each
 *
 * Adds @func as /faults/BACKEND/MODEL/@name for both backends and each of
 * @models.
 */
void
lab_fault_add (const char   *name,
               guint         models,
               LabFaultFunc  func)
{
  static const LabBackendKind backends[] = { LAB_BACKEND_POSIX, LAB_BACKEND_GIO };
  g_autoptr(GEnumClass) backend_class = g_type_class_ref (LAB_TYPE_BACKEND_KIND);
  g_autoptr(GEnumClass) model_class = g_type_class_ref (LAB_TYPE_CONCURRENCY);

  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    for (guint m = LAB_CONCURRENCY_ITERATIVE; m <= LAB_CONCURRENCY_LOOP; m++)
      {
        g_autofree char *path = NULL;

        if ((models & LAB_FAULT_MODEL (m)) == 0)
          continue;
        path = g_strdup_printf ("/faults/%s/%s/%s", g_enum_get_value (backend_class, backends[b])->value_nick,
                                g_enum_get_value (model_class, m)->value_nick, name);
        g_test_add (path, LabFault, GUINT_TO_POINTER (backends[b] << 4 | m), fault_set_up,
                    (void (*) (LabFault *, gconstpointer)) func, fault_tear_down);
      }
}

guint16
lab_fault_start (LabFault *f)
{
  return lab_test_start_server (f->server);
}

void
lab_fault_stop (LabFault *f)
{
  if (!lab_endpoint_is_active (f->server))
    return;
  lab_endpoint_stop (f->server);
  lab_test_wait_stopped (f->server);
}

/* The server runs on, and nothing stopped it with an error. */
void
lab_fault_assert_serving (LabFault *f)
{
  lab_timeline_flush (f->timeline);
  g_assert_cmpstr (f->tally->failed_note, ==, NULL);
  g_assert_true (lab_endpoint_is_active (f->server));
  g_assert_cmpint (lab_endpoint_get_state (f->server), !=, LAB_ENDPOINT_STATE_FAILED);
}

typedef struct {
  LabFault      *f;
  const guint64 *counter;
  guint64        n;
} Count;

static gboolean
reaches (gpointer data)
{
  Count *c = data;

  lab_timeline_flush (c->f->timeline);
  return *c->counter >= c->n;
}

/**
 * lab_fault_wait_count:
 * @counter: one of the counts of f->tally
 *
 * Until @counter reaches @n; fails the test if it does not within
 * @timeout_ms.
 */
void
lab_fault_wait_count (LabFault      *f,
                      const guint64 *counter,
                      guint64        n,
                      guint          timeout_ms)
{
  Count c = { f, counter, n };

  lab_test_wait (reaches, &c, timeout_ms);
}
