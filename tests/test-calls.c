/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "lab-call.h"
#include "lab-codegen.h"
#include "lab-event-private.h"
#include "lab-timeline-private.h"
#include "lab-explain.h"
#include "lab-test-engine.h"

/* The one table of call kinds (lab-call.c) is complete: every operation
 * and every name a backend records has what each part of the lab reads of
 * it — a blocking flag, an explanation, words from the event writer, and
 * a place in the generated programs. A kind of call added without one of
 * them fails here. */

static void
test_ops (void)
{
  g_autoptr(GEnumClass) ops = g_type_class_ref (LAB_TYPE_OP);

  /* Breakpoints keep a bit per operation in 64. */
  g_assert_cmpuint (ops->n_values, ==, LAB_N_OPS);
  g_assert_cmpuint (LAB_N_OPS, <=, 64);

  for (guint op = 0; op < LAB_N_OPS; op++)
    {
      LabOpWaits waits = lab_op_get_waits (op);
      const LabExplanation *explanation = lab_explain_op (op);

      g_autofree char *nick = g_strdelimit (g_strdup (ops->values[op].value_nick), "-", '_');

      /* JSON Lines names an operation as the enum's nick, with _ for -. */
      g_assert_cmpstr (lab_op_to_string (op), ==, nick);
      if (waits != LAB_OP_RETURNS_AT_ONCE && waits != LAB_OP_MAY_BLOCK)
        g_error ("%s: no blocking flag", lab_op_to_string (op));
      g_assert_cmpint (lab_op_can_block (op), ==, waits == LAB_OP_MAY_BLOCK);

      /* What the explanation says of waiting agrees with the flag. */
      if (explanation == NULL)
        g_error ("%s: no explanation", lab_op_to_string (op));
      if ((explanation->waits != NULL) != lab_op_can_block (op))
        g_error ("%s: the explanation says it %s", lab_op_to_string (op),
                 explanation->waits != NULL ? "waits" : "never waits");

      if (lab_op_get_python (op) == NULL || lab_op_get_c (op) == NULL)
        g_error ("%s: no place in the generated programs", lab_op_to_string (op));
    }
}

static void
test_call_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint ops_made[3][LAB_N_OPS] = { { 0 } };

  for (guint i = 0; i < LAB_N_CALLS; i++)
    {
      const char *name = lab_call_get_name (i);
      const LabExplanation *explanation;
      LabCall found;

      g_assert_nonnull (name);
      if (!g_hash_table_add (seen, (gpointer) name))
        g_error ("%s: named twice", name);
      g_assert_true (lab_call_from_name (name, &found));
      g_assert_cmpuint (found, ==, i);

      explanation = lab_explain_call (name);
      if (explanation == NULL)
        g_error ("%s: no explanation", name);
      g_assert_cmpint (explanation->op, ==, lab_call_get_op (i));
      /* GLib's names say what GLib does around the system call. */
      if ((explanation->gio != NULL) != (lab_call_get_backend (i) == LAB_BACKEND_GIO))
        g_error ("%s: %s", name, explanation->gio != NULL ? "a note, but not GIO's" : "no note on what GLib does");

      ops_made[lab_call_get_backend (i)][lab_call_get_op (i)]++;
    }

  /* Each backend makes each operation, but GIO's settings (POSIX has none)
   * and the watcher's sock_diag, which is asked the kernel's way. */
  for (guint op = 0; op < LAB_N_OPS; op++)
    {
      g_assert_cmpuint (ops_made[LAB_BACKEND_POSIX][op], ==, op == LAB_OP_CONFIGURE ? 0 : 1);
      g_assert_cmpuint (ops_made[LAB_BACKEND_GIO][op], >=,
                        op == LAB_OP_SOCK_DIAG || op == LAB_OP_FCNTL || op == LAB_OP_GETSOCKOPT ? 0 : 1);
    }
}

/* A finished call of @call with arguments of every sort filled, as its
 * backend records them. */
static LabEvent *
new_call (LabTimeline *timeline,
          LabCall      call)
{
  LabRecord record;
  LabOp op = lab_call_get_op (call);
  gboolean returns = op == LAB_OP_ACCEPT || op == LAB_OP_RECVFROM || op == LAB_OP_GETSOCKNAME ||
                     op == LAB_OP_GETPEERNAME;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", returns ? 40000 : 5000);

  lab_record_init (&record, LAB_EVENT_CALL);
  record.call = call;
  record.op = op;
  lab_record_set (&record, LAB_RECORD_GIO, lab_call_get_backend (call) == LAB_BACKEND_GIO);
  lab_record_set (&record, LAB_RECORD_INSTRUMENTATION, call == LAB_CALL_SOCK_DIAG);
  record.fd = 3;
  record.args[0] = AF_INET;
  record.args[1] = SOCK_STREAM;
  record.args[2] = 1;
  record.result = 4;
  lab_addr_set (&record.address, address);

  if (op == LAB_OP_SEND || op == LAB_OP_SENDTO)
    record.blob = lab_arena_write (lab_timeline_get_payload_arena (timeline), "hola", record.blob_len = 4);
  else if (op == LAB_OP_GETADDRINFO)
    {
      g_autoptr(GSocketAddress) resolved = g_inet_socket_address_new_from_string ("127.0.0.1", 5000);
      g_autoptr(GByteArray) blob = g_byte_array_new ();
      LabAddr addr;

      lab_addr_set (&addr, resolved);
      g_byte_array_append (blob, (const guint8 *) "localhost", sizeof "localhost");
      g_byte_array_append (blob, (const guint8 *) &addr, sizeof addr);
      record.blob = lab_arena_write (lab_timeline_get_text_arena (timeline), blob->data, blob->len);
      record.blob_len = blob->len;
    }
  else
    {
      const char *text = op == LAB_OP_SOCK_DIAG ? "127.0.0.1:5000 ↔ 127.0.0.1:40000" : "TRUE";

      record.blob = lab_arena_write (lab_timeline_get_text_arena (timeline), text, strlen (text));
      record.blob_len = strlen (text);
    }

  return lab_event_new_for_record (timeline, &record);
}

/* The event writer has words for every call's arguments and result. */
static void
test_event_writer (void)
{
  g_autoptr(LabTimeline) timeline = lab_timeline_new ();

  for (guint i = 0; i < LAB_N_CALLS; i++)
    {
      g_autoptr(LabEvent) event = new_call (timeline, i);
      g_autofree char *args = lab_event_dup_args (event);
      g_autofree char *result = lab_event_dup_result (event);
      g_autofree char *summary = lab_event_dup_summary (event);

      if (args[0] == '\0')
        g_error ("%s: no arguments written", lab_call_get_name (i));
      /* GIO's settings return nothing. */
      if ((result[0] == '\0') != (lab_call_get_op (i) == LAB_OP_CONFIGURE))
        g_error ("%s: result “%s”", lab_call_get_name (i), result);
      g_assert_true (g_str_has_prefix (summary, lab_call_get_name (i)));
    }
}

/* Endpoints set up so that, between them, they make every call a program
 * of the course makes. */
static GPtrArray *
configs (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) hola = g_bytes_new_static ("hola\n", 5);

  for (guint model = LAB_CONCURRENCY_ITERATIVE; model <= LAB_CONCURRENCY_LOOP; model++)
    {
      LabEndpointConfig *server = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);

      g_object_set (server, "concurrency", model, "reuseaddr", TRUE, "nodelay", TRUE, NULL);
      g_ptr_array_add (list, server);
    }
  for (guint timeout = 0; timeout < 2; timeout++)
    {
      LabEndpointConfig *client = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);

      /* A name, not an address: resolved first. */
      g_object_set (client, "host", "localhost", "initial-data", hola, "shutdown-after-send", TRUE,
                    "connect-timeout", timeout * 2000, "local-port", 40000, NULL);
      g_ptr_array_add (list, client);
    }
  g_ptr_array_add (list, lab_endpoint_config_new (LAB_ENDPOINT_UDP_SERVER));
  for (guint connect = 0; connect < 2; connect++)
    {
      LabEndpointConfig *client = lab_endpoint_config_new (LAB_ENDPOINT_UDP_CLIENT);

      g_object_set (client, "initial-data", hola, "udp-connect", (gboolean) connect, NULL);
      g_ptr_array_add (list, client);
    }

  return list;
}

/* Every operation the table places in the generated programs is in one of
 * them, in Python and in C. */
static void
test_generators (void)
{
  g_autoptr(GPtrArray) list = configs ();

  for (LabCodeLanguage language = LAB_CODE_PYTHON; language <= LAB_CODE_C; language++)
    {
      g_autoptr(GString) all = g_string_new (NULL);

      for (guint i = 0; i < list->len; i++)
        {
          g_autofree char *code = lab_codegen_generate (list->pdata[i], "t", language);

          g_string_append (all, code);
        }

      for (guint op = 0; op < LAB_N_OPS; op++)
        {
          const char *made = language == LAB_CODE_PYTHON ? lab_op_get_python (op) : lab_op_get_c (op);

          if (g_strcmp0 (made, LAB_OP_NOT_GENERATED) != 0 && strstr (all->str, made) == NULL)
            g_error ("%s: “%s” in no generated %s program", lab_op_to_string (op), made,
                     lab_code_language_to_string (language));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/calls/ops", test_ops);
  g_test_add_func ("/calls/names", test_call_names);
  g_test_add_func ("/calls/event-writer", test_event_writer);
  g_test_add_func ("/calls/generators", test_generators);

  return g_test_run ();
}
