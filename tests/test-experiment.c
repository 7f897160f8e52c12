/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lab-error.h"
#include "lab-session.h"
#include "lab-test-engine.h"

/* Experiment files: what is saved is what is loaded, and a file that is
 * not right says where, and loads nothing. */

static LabExperiment *
load (const char  *text,
      GError     **error)
{
  return lab_experiment_new_from_data (text, strlen (text), error);
}

/* Every property set away from its default, awkward bytes included. */
static LabEndpointConfig *
unusual_config (LabEndpointKind kind)
{
  static const guint8 data[] = { 'a', '"', '\\', 0, 0xff, '\n', ' ', '=', '#', '[' };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  LabEndpointConfig *config = lab_endpoint_config_new (kind);

  g_object_set (config,
                "backend", LAB_BACKEND_POSIX,
                "bind-address", "::1",
                "host", "Host_1-a.example.",
                "port", 65535,
                "family", LAB_FAMILY_IPV6,
                "backlog", 3,
                "reuseaddr", TRUE,
                "rcvbuf", 8192,
                "sndbuf", 16384,
                "nodelay", TRUE,
                "max-clients", 7,
                "concurrency", LAB_CONCURRENCY_THREADS,
                "behaviour", LAB_BEHAVIOUR_UPPER,
                "framing", LAB_FRAMING_FIXED,
                "fixed-size", 12,
                "buffer-size", 3,
                "quit-message", "adiós\n[x]=1",
                "connect-timeout", 9,
                "recv-timeout", 11,
                "local-address", "127.0.0.2",
                "local-port", 40000,
                "udp-connect", TRUE,
                "initial-data", bytes,
                "sendall", FALSE,
                "shutdown-after-send", TRUE,
                "expect-bytes", G_GUINT64_CONSTANT (1) << 40,
                "max-connections", 5,
                "send-chunk", 3,
                "send-count", 7,
                NULL);
  return config;
}

static void
test_round_trip (void)
{
  g_autoptr(LabExperiment) experiment = lab_experiment_new ();
  g_autoptr(LabExperiment) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-XXXXXX", &error);
  g_autofree char *path = NULL;
  const char *steps[] = { "Press Play.", "Watch; then stop", NULL };

  g_assert_no_error (error);
  lab_experiment_set_title (experiment, "Eco [TCP] = «prueba»");
  lab_experiment_set_notes (experiment, "Line one\nLine two; with \\ and #");
  lab_experiment_set_steps (experiment, steps);
  for (LabEndpointKind kind = LAB_ENDPOINT_TCP_SERVER; kind <= LAB_ENDPOINT_UDP_CLIENT; kind++)
    {
      g_autoptr(LabEndpointConfig) plain = lab_endpoint_config_new (kind);
      g_autoptr(LabEndpointConfig) unusual = unusual_config (kind);

      /* A client reaches a port: 0 is none. */
      if (!lab_endpoint_kind_is_server (kind))
        g_object_set (plain, "port", 5000, NULL);
      lab_experiment_add_endpoint (experiment, "Plain", plain, TRUE, 0);
      lab_experiment_add_endpoint (experiment, " Servidor ñ ", unusual, FALSE, 250);
      lab_experiment_set_breakpoints (experiment, lab_experiment_get_n_endpoints (experiment) - 1,
                                      (1 << LAB_OP_ACCEPT) | (1 << LAB_OP_RECV));
    }

  path = g_build_filename (dir, "round.protolab", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (lab_experiment_save (experiment, file, NULL, &error));
  g_assert_no_error (error);

  loaded = lab_experiment_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (lab_experiment_get_title (loaded), ==, lab_experiment_get_title (experiment));
  g_assert_cmpstr (lab_experiment_get_notes (loaded), ==, lab_experiment_get_notes (experiment));
  g_assert_true (g_strv_equal ((const char *const *) lab_experiment_get_steps (loaded), steps));
  g_assert_cmpstrv (lab_experiment_get_warnings (loaded), ((const char *[]) { NULL }));
  g_assert_cmpuint (lab_experiment_get_n_endpoints (loaded), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (loaded, i),
                                                lab_experiment_get_config (experiment, i)));
      g_assert_cmpint (lab_experiment_get_autostart (loaded, i), ==, lab_experiment_get_autostart (experiment, i));
      g_assert_cmpuint (lab_experiment_get_start_delay (loaded, i), ==,
                        lab_experiment_get_start_delay (experiment, i));
      g_assert_cmpuint (lab_experiment_get_breakpoints (loaded, i), ==,
                        lab_experiment_get_breakpoints (experiment, i));
    }
  /* A name's spaces at the ends are not kept; the rest is. */
  g_assert_cmpstr (lab_experiment_get_endpoint_name (loaded, 1), ==, "Servidor ñ");

  /* Saved again, loaded and saved, the text is the same. */
  {
    g_autofree char *a = lab_experiment_to_data (loaded, NULL);
    g_autoptr(LabExperiment) again = load (a, &error);
    g_autofree char *b = NULL;

    g_assert_no_error (error);
    b = lab_experiment_to_data (again, NULL);
    g_assert_cmpstr (a, ==, b);
  }

  g_assert_true (g_file_delete (file, NULL, NULL));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct {
  const char *what;
  const char *text;
  const char *expected;   /* in the message */
} Malformed;

static void
test_malformed (void)
{
  g_autofree char *huge_port = NULL;
  g_autofree char *many = NULL;
  g_autofree char *long_value = NULL;
  g_autofree char *too_big = NULL;
  g_autofree char *too_big_said = g_strdup_printf ("larger than %u KiB", LAB_EXPERIMENT_MAX_FILE_SIZE / 1024);
  GString *s;
  Malformed cases[] = {
    { "empty", "", "holds no experiment" },
    { "only comments", "# nothing\n\n", "holds no experiment" },
    { "truncated header", "[Experiment]\nTitle=x\n[Endpo", "Line 3: “[Endpo” is not a complete [group] header" },
    { "truncated mid key", "[Endpoint 1]\nKind=tcp-server\npo", "Line 3: “po” is not a [group]" },
    { "key before group", "Title=x\n[Experiment]\n", "Line 1: a key comes before the first [group]" },
    { "no kind", "[Experiment]\n\n[Endpoint 1]\nport=1\n", "Line 3: [Endpoint 1] has no “Kind”" },
    { "unknown kind", "[Endpoint 1]\nKind=sctp-server\n", "Line 2: “Kind” must be one of: tcp-server" },
    { "port a word", "[Endpoint 1]\nKind=tcp-server\n\nport=http\n",
      "Line 4: “port” must be a whole number from 0 to 65535, not “http”" },
    { "port negative", "[Endpoint 1]\nKind=tcp-client\nport=-1\n", "Line 3: “port” must be a whole number" },
    { "port too big", "[Endpoint 1]\nKind=tcp-client\nport=65536\n", "Line 3: “port” must be a whole number" },
    { "backlog huge", "[Endpoint 1]\nKind=tcp-server\nbacklog=99999999999999999999999\n",
      "Line 3: “backlog” must be a whole number" },
    { "bool", "[Endpoint 1]\nKind=tcp-server\nreuseaddr=yes\n", "Line 3: “reuseaddr” must be true or false, not “yes”" },
    { "enum", "[Endpoint 1]\nKind=tcp-server\nbehaviour=shout\n", "Line 3: “behaviour” must be one of: echo, upper" },
    { "bad escape", "[Endpoint 1]\nKind=tcp-client\ninitial-data=a\\q\n", "Line 3: “initial-data”" },
    { "bad hex", "[Endpoint 1]\nKind=tcp-client\ninitial-data-hex=zz\n", "Line 3: “initial-data-hex”" },
    { "delay", "[Endpoint 1]\nKind=tcp-client\nStartDelay=600001\n", "Line 3: “StartDelay” must be a whole number" },
    { "version", "[Experiment]\nVersion=0\n", "Line 2: “Version” must be a whole number" },
    { "breakpoint", "[Endpoint 1]\nKind=tcp-server\nBreakpoints=accept;fork;\n", "Line 3: “Breakpoints” names “fork”" },
    { "invalid UTF-8", "[Experiment]\nTitle=ok\nNotes=caf\xe9\n", "Line 3: the text is not valid UTF-8" },
    { "binary", NULL, "Line 2: a zero byte: the file is binary data" },
    { "huge port", NULL, "Line 2: “port” must be a whole number" },
    { "too many endpoints", NULL, "Line 49: an experiment holds at most 16 endpoints" },
    { "long value", NULL, "Line 2: “Title” is longer than 4096 characters" },
    { "too big", NULL, too_big_said },
  };

  {
    g_autofree char *nines = g_strnfill (200, '9');

    huge_port = g_strdup_printf ("[Endpoint 1]\nport=%s\nKind=tcp-server\n", nines);
  }
  cases[20].text = huge_port;
  s = g_string_new (NULL);
  for (guint i = 1; i <= 17; i++)
    g_string_append_printf (s, "[Endpoint %u]\nKind=udp-client\nport=1\n", i);
  many = g_string_free (s, FALSE);
  cases[21].text = many;
  {
    g_autofree char *x = g_strnfill (5000, 'x');

    long_value = g_strdup_printf ("[Experiment]\nTitle=%s\n", x);
  }
  cases[22].text = long_value;
  too_big = g_strnfill (LAB_EXPERIMENT_MAX_FILE_SIZE + 1, '#');
  cases[23].text = too_big;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) experiment = NULL;

      g_test_message ("%s", cases[i].what);
      if (cases[i].text == NULL)
        experiment = lab_experiment_new_from_data ("[Experiment]\nTitle=a\0b\n", 22, &error);
      else
        experiment = load (cases[i].text, &error);
      g_assert_null (experiment);
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].what, error->message, cases[i].expected);
    }
}

/* What the lab does not know is said, and the rest loads. */
static void
test_unknown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment =
    load ("# made by hand\n"
          "[Experiment]\n"
          "Title=Hand\n"
          "Title[es]=A mano\n"
          "Colour=red\n"
          "\n"
          "[Endpoint 1]\n"
          "Kind=udp-server\n"
          "port=7000\n"
          "flavour=vanilla\n"
          "\n"
          "[Printing]\n"
          "paper=A4\n", &error);
  const char *const *warnings;

  g_assert_no_error (error);
  warnings = lab_experiment_get_warnings (experiment);
  g_assert_cmpuint (g_strv_length ((GStrv) warnings), ==, 3);
  g_assert_cmpstr (warnings[0], ==, "Line 5: unknown key “Colour” in [Experiment], left out");
  g_assert_cmpstr (warnings[1], ==, "Line 10: unknown key “flavour” in [Endpoint 1], left out");
  g_assert_cmpstr (warnings[2], ==, "Line 12: unknown group [Printing], left out");
  g_assert_cmpstr (lab_experiment_get_title (experiment), ==, "Hand");
  g_assert_cmpuint (lab_experiment_get_n_endpoints (experiment), ==, 1);
  g_assert_cmpint (lab_endpoint_config_get_kind (lab_experiment_get_config (experiment, 0)), ==,
                   LAB_ENDPOINT_UDP_SERVER);
  g_assert_cmpstr (lab_experiment_get_endpoint_name (experiment, 0), ==, "");
}

/* The file must be @reason, said at its line. */
static void
assert_refused (const char *text,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = load (text, &error);

  g_assert_null (experiment);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
  if (!g_str_has_prefix (error->message, expected))
    g_error ("“%s” does not start with “%s”", error->message, expected);
}

/* A translation is held to what the text it translates is: its length,
 * and escapes that read, whatever the language of the moment; the one
 * read is that language's. */
static void
test_translations (void)
{
  g_autofree char *x = g_strnfill (5000, 'x');
  const char *keys[] = { "Title", "Notes", "Steps" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *text = g_strdup_printf ("[Experiment]\n%s=short\n%s[es]=%s\n", keys[i], keys[i], x);
      g_autofree char *expected = g_strdup_printf ("Line 3: “%s[es]” is longer than 4096 characters", keys[i]);
      g_autofree char *escape = g_strdup_printf ("[Experiment]\n%s=ok\n\n%s[fr]=mal \\q\n", keys[i], keys[i]);
      g_autofree char *escape_expected = g_strdup_printf ("Line 4: “%s[fr]”: ", keys[i]);

      assert_refused (text, expected);
      assert_refused (escape, escape_expected);
    }
  {
    g_autofree char *name = g_strdup_printf ("[Endpoint 1]\nKind=udp-server\nport=0\nName=a\nName[de]=%s\n", x);

    assert_refused (name, "Line 5: “Name[de]” is longer than 4096 characters");
  }
  assert_refused ("[Experiment]\nTitle=a \\q b\n", "Line 2: “Title”: “\\q” is not an escape");
  assert_refused ("[Experiment]\nTitle=ok\nNotes=a \\\n", "Line 3: “Notes”: a backslash ends the value");
  /* GKeyFile sets its error twice for these, and GLib warns of it. */
  assert_refused ("[Experiment]\nTitle=\\q\\\n", "Line 2: “Title”: “\\q” is not an escape");
  assert_refused ("[Experiment]\nTitle=x\nTitle[es]=\\q\\\n", "Line 3: “Title[es]”: “\\q”");
  assert_refused ("[Experiment]\nSteps=uno\\;\\q\\\n", "Line 2: “Steps”: “\\q” is not an escape");
  assert_refused ("[Endpoint 1]\nKind=tcp-client\nport=1\nhost=\\x\\\n", "Line 4: “host”: “\\x”");
  assert_refused ("[Endpoint 1]\nKind=tcp-server\nBreakpoints=accept;re\\qcv;\n", "Line 3: “Breakpoints”: ");

  /* An empty translated list is kept empty when saved: GLib refuses to
   * write a list of nothing in a language, and said so. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabExperiment) experiment = load ("[Experiment]\nSteps=One;\nSteps[es]=\n", &error);
    g_autoptr(LabExperiment) again = NULL;
    g_autofree char *saved = NULL;

    g_assert_no_error (error);
    saved = lab_experiment_to_data (experiment, NULL);
    g_assert_nonnull (strstr (saved, "Steps[es]="));
    again = load (saved, &error);
    g_assert_no_error (error);
    g_assert_cmpstrv (lab_experiment_get_steps (again), ((const char *[]) { "One", NULL }));
  }

  /* Read in the language of the moment, whichever it was read in. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabExperiment) experiment = NULL;
    const char *text = "[Experiment]\nTitle=Echo\nTitle[es]=Eco\nSteps=One;Two;\nSteps[es]=Uno;Dos\\;tres;\n\n"
                       "[Endpoint 1]\nKind=udp-server\nport=0\nName=Server\nName[es]=Servidor\n";

    g_setenv ("LANGUAGE", "es", TRUE);
    experiment = load (text, &error);
    g_setenv ("LANGUAGE", "en", TRUE);
    g_assert_no_error (error);
    g_assert_cmpstr (lab_experiment_get_title (experiment), ==, "Echo");
    g_assert_cmpstrv (lab_experiment_get_steps (experiment), ((const char *[]) { "One", "Two", NULL }));
    g_assert_cmpstr (lab_experiment_get_endpoint_name (experiment, 0), ==, "Server");
    g_setenv ("LANGUAGE", "es", TRUE);
    g_assert_cmpstr (lab_experiment_get_title (experiment), ==, "Eco");
    g_assert_cmpstrv (lab_experiment_get_steps (experiment), ((const char *[]) { "Uno", "Dos;tres", NULL }));
    g_assert_cmpstr (lab_experiment_get_endpoint_name (experiment, 0), ==, "Servidor");
    g_setenv ("LANGUAGE", "en", TRUE);
  }
}

static void
assert_no_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      g_error ("“%s” holds the control byte 0x%02x", text, (guchar) *p);
}

/* Every error names its line, those GKeyFile finds too; no byte of the
 * file reaches the message as a control character, in an error or in a
 * warning: it is escaped as the timeline escapes received bytes. */
static void
test_lines_and_escapes (void)
{
  const struct {
    const char *text;
    const char *expected;
    const char *escaped;
  } cases[] = {
    { "[Experiment]\nTitle=x\n\n[a[b]\n", "Line 4: ", NULL },
    { "[Endpoint 1]\nKind=tcp-server\na]b=1\n", "Line 3: ", NULL },
    { "[Experiment]\nEncoding=latin1\n", "Line 2: ", NULL },
    { "[Experiment]\nTitle=x\n[Endpoint\x1b]\n", "Line 3: ", "Endpoint\\x1b" },
    { "[Experiment]\nTitle=x\n[Endpoint 1]\v\n", "Line 3: ", "\\x0b" },
    { "[Endpoint 1]\nKind=tcp-server\nport=1\x1b[2J\n", "Line 3: “port” must be", "1\\x1b[2J" },
    { "[Endpoint 1]\nKind=tcp-server\nbehaviour=\x07\x08\n", "Line 3: “behaviour” must be", "\\x07\\x08" },
    { "[Endpoint 1]\nKind=tcp-server\nBreakpoints=accept;re\tcv;\n", "Line 3: “Breakpoints”", "re\\tcv" },
    { "[Experiment]\nTitle=x\n\x1b]0;owned\x07\n", "Line 3: ", "\\x1b]0;owned\\x07" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) experiment = load (cases[i].text, &error);

      g_test_message ("case %u", i);
      g_assert_null (experiment);
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
      if (!g_str_has_prefix (error->message, cases[i].expected))
        g_error ("“%s” does not start with “%s”", error->message, cases[i].expected);
      assert_no_control (error->message);
      if (cases[i].escaped != NULL && strstr (error->message, cases[i].escaped) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].escaped);
    }

  /* What the lab leaves out names its line, escaped too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(LabExperiment) experiment = load ("[Experiment]\nTitle=x\nco\x1blour=red\n\n"
                                                "[Printing\xc2\x9b]\npaper=A4\n", &error);
    const char *const *warnings;

    g_assert_no_error (error);
    warnings = lab_experiment_get_warnings (experiment);
    g_assert_cmpuint (g_strv_length ((GStrv) warnings), ==, 2);
    g_assert_cmpstr (warnings[0], ==, "Line 3: unknown key “co\\x1blour” in [Experiment], left out");
    g_assert_cmpstr (warnings[1], ==, "Line 5: unknown group [Printing\\xc2\\x9b], left out");
  }
}

/* Nothing to send, written as an empty value, is nothing to send, as the
 * lab writes it: saved and loaded, the endpoint is the same. */
static void
test_empty_data (void)
{
  const char *keys[] = { "initial-data", "initial-data-hex" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *text = g_strdup_printf ("[Endpoint 1]\nKind=tcp-client\nport=1\n%s=\n", keys[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) experiment = load (text, &error);
      g_autoptr(LabExperiment) again = NULL;
      g_autofree char *saved = NULL;
      g_autoptr(LabEndpointConfig) plain = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);

      g_assert_no_error (error);
      saved = lab_experiment_to_data (experiment, NULL);
      again = load (saved, &error);
      g_assert_no_error (error);
      g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (again, 0),
                                                lab_experiment_get_config (experiment, 0)));
      g_object_set (plain, "port", 1, NULL);
      g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (experiment, 0), plain));
    }
}

/* A client's bytes to send are held to the bytes' limit, not a text's:
 * 5000 bytes saved are 5000 bytes loaded, one more than 64 KiB is refused. */
static void
test_long_data (void)
{
  g_autoptr(LabExperiment) experiment = lab_experiment_new ();
  g_autoptr(LabExperiment) loaded = NULL;
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_strnfill (5000, 'a');
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, 5000);
  g_autofree char *too_long = g_strnfill (64 * 1024 + 1, 'b');
  g_autofree char *too_long_file = g_strdup_printf ("[Endpoint 1]\nKind=tcp-client\nport=1\ninitial-data=%s\n",
                                                    too_long);

  g_object_set (config, "port", 5000, "initial-data", bytes, NULL);
  lab_experiment_add_endpoint (experiment, "Long", config, TRUE, 0);
  text = lab_experiment_to_data (experiment, NULL);
  loaded = load (text, &error);
  g_assert_no_error (error);
  g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (loaded, 0), config));

  assert_refused (too_long_file, "Line 4: “initial-data”: more than 65536 bytes");
}

/* A text of @n characters, each four bytes of UTF-8: the most bytes a
 * text can take. */
static char *
widest_text (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (text, "\xf0\x9d\x84\x9e");

  return g_string_free (text, FALSE);
}

/* Texts of the most characters whose every character the writer escapes
 * (newlines, tabs, backslashes, semicolons of a step) open again: a text
 * is held to its limit as it reads, not as it is written. */
static void
test_escaped_texts (void)
{
  g_autoptr(LabExperiment) experiment = lab_experiment_new ();
  g_autoptr(LabExperiment) again = NULL;
  g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_SERVER);
  g_autoptr(GError) error = NULL;
  g_autofree char *notes = g_strnfill (4096, '\n');
  g_autofree char *title = g_strnfill (4096, '\\');
  g_autofree char *step = g_strnfill (4096, ';');
  const char *steps[] = { step, NULL };
  g_autofree char *data = NULL;
  gsize length;

  lab_experiment_set_title (experiment, title);
  lab_experiment_set_notes (experiment, notes);
  lab_experiment_set_steps (experiment, steps);
  lab_experiment_add_endpoint (experiment, title, config, FALSE, 0);
  data = lab_experiment_to_data (experiment, &length);
  again = lab_experiment_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_experiment_get_title (again), ==, title);
  g_assert_cmpstr (lab_experiment_get_notes (again), ==, notes);
  g_assert_cmpstrv (lab_experiment_get_steps (again), steps);
  g_assert_cmpstr (lab_experiment_get_endpoint_name (again, 0), ==, title);
}

/* The largest experiment the lab can hold, saved, opens again: as many
 * endpoints as a file holds, each with the most initial data, bytes that
 * are no text and are escaped four characters a byte, and its texts as
 * long and as wide as they may be. */
static void
test_largest (void)
{
  g_autoptr(LabExperiment) experiment = lab_experiment_new ();
  g_autoptr(LabExperiment) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("protolab-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "largest.protolab", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = widest_text (4096);
  g_autofree char *step = widest_text (1000);
  const char *steps[] = { step, step, step, step, NULL };
  g_autofree guint8 *data = g_malloc (64 * 1024);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *saved = NULL;
  gsize length;

  g_assert_no_error (error);
  for (guint i = 0; i < 64 * 1024; i++)
    data[i] = 0xfe + i % 2;
  bytes = g_bytes_new (data, 64 * 1024);

  lab_experiment_set_title (experiment, text);
  lab_experiment_set_notes (experiment, text);
  lab_experiment_set_steps (experiment, steps);
  for (guint i = 0; i < LAB_EXPERIMENT_MAX_ENDPOINTS; i++)
    {
      g_autoptr(LabEndpointConfig) config = lab_endpoint_config_new (LAB_ENDPOINT_TCP_CLIENT);

      g_object_set (config, "port", 5000, "initial-data", bytes, "quit-message", text, NULL);
      lab_experiment_add_endpoint (experiment, text, config, TRUE, 60000);
    }

  /* Each client's data alone is 256 KiB written. */
  saved = lab_experiment_to_data (experiment, &length);
  g_assert_cmpuint (length, >, LAB_EXPERIMENT_MAX_ENDPOINTS * 256 * 1024);
  g_assert_true (lab_experiment_save (experiment, file, NULL, &error));
  g_assert_no_error (error);

  loaded = lab_experiment_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_experiment_get_title (loaded), ==, text);
  g_assert_cmpstr (lab_experiment_get_notes (loaded), ==, text);
  g_assert_cmpstrv (lab_experiment_get_steps (loaded), steps);
  g_assert_cmpuint (lab_experiment_get_n_endpoints (loaded), ==, LAB_EXPERIMENT_MAX_ENDPOINTS);
  for (guint i = 0; i < LAB_EXPERIMENT_MAX_ENDPOINTS; i++)
    {
      g_assert_cmpstr (lab_experiment_get_endpoint_name (loaded, i), ==, text);
      g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (loaded, i),
                                                lab_experiment_get_config (experiment, i)));
    }

  g_assert_true (g_file_delete (file, NULL, NULL));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A file saved by an editor that starts it with a byte order mark loads,
 * its lines counted as they were. */
static void
test_byte_order_mark (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = load ("\xef\xbb\xbf[Experiment]\nTitle=Con BOM\n\n"
                                              "[Endpoint 1]\nKind=udp-server\nport=0\n", &error);
  g_autoptr(LabExperiment) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (lab_experiment_get_title (experiment), ==, "Con BOM");
  g_assert_cmpuint (lab_experiment_get_n_endpoints (experiment), ==, 1);

  bad = load ("\xef\xbb\xbf[Endpoint 1]\nKind=udp-server\nport=x\n", &error);
  g_assert_null (bad);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
  g_assert_true (g_str_has_prefix (error->message, "Line 3: “port”"));
}

/* What a pipe's writer sends: opening the FIFO for writing waits for the
 * reader, as the writer of a real pipe does. A reader that stops early
 * breaks the pipe; the writer then stops too. */
typedef struct {
  char       *path;
  const char *text;
} PipeWriter;

static gpointer
write_pipe (gpointer data)
{
  PipeWriter *writer = data;
  gsize len = strlen (writer->text), done = 0;
  int fd = open (writer->path, O_WRONLY);

  g_assert_cmpint (fd, >=, 0);
  while (done < len)
    {
      ssize_t n = write (fd, writer->text + done, MIN (len - done, 4096));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_assert_cmpint (errno, ==, EPIPE);
          break;
        }
      done += n;
    }
  close (fd);
  return NULL;
}

/* Reads @text through a named pipe, as `protolab-cli run /dev/stdin` or a
 * shell's <(…) gives a file: a read returns what the pipe holds, at most
 * 64 KiB, not the whole file. */
static LabExperiment *
load_through_pipe (const char  *text,
                   GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("protolab-pipe-XXXXXX", NULL);
  PipeWriter writer = { g_build_filename (dir, "experiment.protolab", NULL), text };
  g_autoptr(GFile) file = NULL;
  LabExperiment *experiment;
  GThread *thread;

  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (writer.path, 0600), ==, 0);
  thread = g_thread_new ("pipe-writer", write_pipe, &writer);
  file = g_file_new_for_path (writer.path);
  experiment = lab_experiment_new_from_file (file, NULL, error);
  g_thread_join (thread);

  g_assert_cmpint (g_unlink (writer.path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (writer.path);
  return experiment;
}

/* A file from a pipe is read to its end, and one over the limit is
 * refused as it is from a disk. */
static void
test_pipe (void)
{
  g_autoptr(GString) text = g_string_new ("[Experiment]\nTitle=Through a pipe\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabExperiment) too_big = NULL;
  g_autofree char *comment = g_strnfill (99, '#');

  signal (SIGPIPE, SIG_IGN);

  /* 150 KiB of comments, then the endpoint. */
  while (text->len < 150 * 1024)
    g_string_append_printf (text, "%s\n", comment);
  g_string_append (text, "[Endpoint 1]\nName=Last\nKind=tcp-server\nport=0\n");
  experiment = load_through_pipe (text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_experiment_get_title (experiment), ==, "Through a pipe");
  g_assert_cmpuint (lab_experiment_get_n_endpoints (experiment), ==, 1);
  g_assert_cmpstr (lab_experiment_get_endpoint_name (experiment, 0), ==, "Last");

  while (text->len <= LAB_EXPERIMENT_MAX_FILE_SIZE)
    g_string_append_printf (text, "%s\n", comment);
  too_big = load_through_pipe (text->str, &error);
  g_assert_null (too_big);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
  g_assert_true (g_str_has_prefix (error->message, "The file is larger than "));
}

/* An endpoint the file sets up so that it could not start is said at its
 * line, naming its key, and loaded as it was saved, to be set right in
 * its panel; protolab-cli run, whose Play would start it, refuses it. */
static void
test_cannot_start (void)
{
  const struct {
    const char *text;
    const char *expected;
  } cases[] = {
    { "[Endpoint 1]\nKind=tcp-client\nhost=\nport=5000\n", "Line 3: “host”: Enter the server’s host" },
    { "[Endpoint 1]\nKind=udp-client\nport=5000\nhost=a..b\n", "Line 4: “host”: “a..b” is neither" },
    { "[Endpoint 1]\nKind=tcp-server\nport=0\n\n[Endpoint 2]\nKind=tcp-client\nport=1\nlocal-address=here\n",
      "Line 8: “local-address”: “here” is not an IP address" },
    { "[Experiment]\n\n[Endpoint 1]\nKind=udp-server\nbind-address=*\n", "Line 5: “bind-address”: “*” is not" },
    { "[Endpoint 1]\nKind=tcp-client\nhost=localhost\n", "Line 1: [Endpoint 1] cannot start: A client needs" },
  };
  g_autofree char *dir = g_dir_make_tmp ("protolab-start-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.protolab", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { g_getenv ("PROTOLAB_CLI"), "run", path, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) experiment = load (cases[i].text, &error);
      const char *const *warnings;

      g_assert_no_error (error);
      warnings = lab_experiment_get_warnings (experiment);
      g_assert_cmpuint (g_strv_length ((GStrv) warnings), ==, 1);
      if (!g_str_has_prefix (warnings[0], cases[i].expected))
        g_error ("“%s” does not start with “%s”", warnings[0], cases[i].expected);
      /* Nothing of it is lost: saved again, it reads the same, if at
       * another line. */
      {
        g_autofree char *saved = lab_experiment_to_data (experiment, NULL);
        g_autoptr(LabExperiment) again = load (saved, &error);
        const char *const *said = NULL;

        g_assert_no_error (error);
        said = lab_experiment_get_warnings (again);
        g_assert_cmpuint (g_strv_length ((GStrv) said), ==, 1);
        g_assert_cmpstr (strchr (said[0], ':'), ==, strchr (warnings[0], ':'));
      }

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      lab_test_run (argv, NULL, &out, &err, &status);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, cases[i].expected));
    }

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
is_connected (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_CONNECTED;
}

static gboolean
is_failed (gpointer data)
{
  return lab_endpoint_get_state (data) == LAB_ENDPOINT_STATE_FAILED;
}

/* Loaded into a bench and played: the server first, the client once it
 * listens, the one not started by itself left alone; saved back, the bench
 * is the file. */
static void
test_play (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(LabExperiment) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(LabEndpoint) server = NULL, client = NULL, idle = NULL;
  guint16 port = lab_test_free_port (SOCK_STREAM);

  lab_session_add (session, LAB_ENDPOINT_UDP_CLIENT);
  text = g_strdup_printf ("[Experiment]\nTitle=Echo\nNotes=Watch\nSteps=One;Two;\n\n"
                          "[Endpoint 1]\nName=Client\nKind=tcp-client\nhost=127.0.0.1\nport=%u\n"
                          "initial-data=hola\\n\n\n"
                          "[Endpoint 2]\nName=Idle\nKind=tcp-client\nport=%u\nAutostart=false\n\n"
                          "[Endpoint 3]\nName=Server\nKind=tcp-server\nbind-address=127.0.0.1\nport=%u\n",
                          port, port, port);
  experiment = load (text, &error);
  g_assert_no_error (error);
  lab_session_load (session, experiment);
  g_assert_cmpuint (g_list_model_get_n_items (lab_session_get_endpoints (session)), ==, 3);
  g_assert_cmpstr (lab_session_get_title (session), ==, "Echo");
  g_assert_cmpstr (lab_session_get_steps (session)[1], ==, "Two");
  client = g_list_model_get_item (lab_session_get_endpoints (session), 0);
  idle = g_list_model_get_item (lab_session_get_endpoints (session), 1);
  server = g_list_model_get_item (lab_session_get_endpoints (session), 2);
  g_assert_cmpstr (lab_endpoint_get_name (server), ==, "Server");

  lab_session_play (session);
  lab_test_wait (is_connected, client, 10000);
  g_assert_cmpint (lab_endpoint_get_state (idle), ==, LAB_ENDPOINT_STATE_STOPPED);
  g_assert_nonnull (lab_endpoint_get_connections (server));

  back = lab_session_dup_experiment (session);
  saved = lab_experiment_to_data (back, NULL);
  {
    g_autoptr(LabExperiment) again = load (saved, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (lab_experiment_get_n_endpoints (again), ==, 3);
    g_assert_false (lab_experiment_get_autostart (again, 1));
    g_assert_cmpstr (lab_experiment_get_endpoint_name (again, 2), ==, "Server");
    for (guint i = 0; i < 3; i++)
      g_assert_true (lab_endpoint_config_equal (lab_experiment_get_config (again, i),
                                                lab_experiment_get_config (experiment, i)));
  }

  lab_session_stop_all (session);
  lab_test_wait_stopped (server);
  lab_test_wait_stopped (client);
}

/* A client whose server cannot start still starts, and shows the refusal. */
static void
test_play_failed_server (void)
{
  g_autoptr(LabSession) session = lab_session_new ();
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabEndpoint) server = NULL, client = NULL;
  g_autofree char *text = NULL;
  guint16 port = lab_test_free_port (SOCK_STREAM);

  text = g_strdup_printf ("[Endpoint 1]\nKind=tcp-server\nbind-address=192.0.2.1\nport=%u\n\n"
                          "[Endpoint 2]\nKind=tcp-client\nhost=127.0.0.1\nport=%u\n", port, port);
  experiment = load (text, &error);
  g_assert_no_error (error);
  lab_session_load (session, experiment);
  server = g_list_model_get_item (lab_session_get_endpoints (session), 0);
  client = g_list_model_get_item (lab_session_get_endpoints (session), 1);
  g_assert_cmpstr (lab_endpoint_get_name (server), ==, "TCP server 1");

  lab_session_play (session);
  lab_test_wait (is_failed, server, 10000);
  lab_test_wait (is_failed, client, 10000);
  g_assert_nonnull (strstr (lab_endpoint_get_error (client), "ECONNREFUSED"));
}

/* The link's conditions: [Link] both ways, [Link to beta] one way over
 * it, whichever comes first; written back the same; every value out of
 * its range refused at its line. */
static void
test_link (void)
{
  static const char text[] =
    "[Link to beta]\n"
    "Delay=80ms\n"
    "Rate=1mbit\n"
    "DownAfter=1s\n"
    "DownFor=3s\n"
    "MTU=1280\n"
    "\n"
    "[Endpoint 1]\n"
    "Kind=udp-server\n"
    "\n"
    "[Link]\n"
    "Delay=20ms\n"
    "Jitter=1.5ms\n"
    "Loss=10%\n"
    "Queue=50\n"
    "Flavour=mint\n";
  static const struct { const char *text; const char *expected; } refused[] = {
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nDelay=soon\n",
      "Line 4: “Delay” must be a time from 0 to 10000 ms, as 80ms or 1.5s, not “soon”" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nDelay=20000ms\n", "Line 4: “Delay” must be a time" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nLoss=110%\n", "Line 4: “Loss” must be a percentage" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nLoss=-1%\n", "Line 4: “Loss” must be a percentage" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\n\nRate=1\n", "Line 5: “Rate” must be a rate" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nRate=fast\n", "Line 4: “Rate” must be a rate" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nMTU=100\n", "Line 4: “MTU” must be a whole number of bytes" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nQueue=0\n", "Line 4: “Queue” must be a whole number of frames" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nDownFor=20s\n", "Line 4: “DownFor” must be a time" },
    { "[Endpoint 1]\nKind=udp-server\n[Link]\nDelay=1ms\nJitter=2ms\n",
      "Line 3: The link’s jitter must be no more than its delay" },
    { "[Endpoint 1]\nKind=udp-server\n[Link to gamma]\nDelay=1ms\n",
      "Line 3: [Link to gamma]: the lab network has no host named “gamma”" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) experiment = load (text, &error);
  g_autoptr(LabExperiment) again = NULL;
  g_autofree char *written = NULL;
  LabLinkConditions c;
  const char * const *warnings;

  g_assert_no_error (error);
  lab_experiment_get_link (experiment, 0, &c);
  g_assert_cmpuint (c.delay_us, ==, 20000);
  g_assert_cmpuint (c.jitter_us, ==, 1500);
  g_assert_cmpfloat (c.loss, ==, 0.10);
  g_assert_cmpuint (c.queue_limit, ==, 50);
  g_assert_cmpuint (c.rate_bps, ==, 0);
  g_assert_cmpuint (lab_experiment_get_mtu (experiment, 0), ==, 0);
  lab_experiment_get_link (experiment, 1, &c);
  g_assert_cmpuint (c.delay_us, ==, 80000);
  g_assert_cmpuint (c.jitter_us, ==, 1500);
  g_assert_cmpuint (c.rate_bps, ==, 1000000);
  g_assert_cmpuint (c.down_after_us, ==, 1000000);
  g_assert_cmpuint (c.down_for_us, ==, 3000000);
  g_assert_cmpuint (lab_experiment_get_mtu (experiment, 1), ==, 1280);
  g_assert_true (lab_experiment_has_link (experiment));
  warnings = lab_experiment_get_warnings (experiment);
  g_assert_cmpstr (warnings[0], ==, "Line 16: unknown key “Flavour” in [Link], left out");

  written = lab_experiment_to_data (experiment, NULL);
  g_assert_nonnull (strstr (written, "[Link to alfa]\nDelay=20ms\nJitter=1500us\nLoss=10%\nQueue=50\n"));
  g_assert_nonnull (strstr (written, "[Link to beta]\nDelay=80ms\nJitter=1500us\nLoss=10%\nDownAfter=1000ms\nDownFor=3000ms\n"
                                    "Rate=1mbit\nQueue=50\nMTU=1280\n"));
  again = load (written, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      LabLinkConditions a, b;

      lab_experiment_get_link (experiment, i, &a);
      lab_experiment_get_link (again, i, &b);
      g_assert_true (memcmp (&a, &b, sizeof a) == 0);
      g_assert_cmpuint (lab_experiment_get_mtu (experiment, i), ==, lab_experiment_get_mtu (again, i));
    }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(LabExperiment) bad = load (refused[i].text, &error);

      g_assert_null (bad);
      g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE);
      if (!g_str_has_prefix (error->message, refused[i].expected))
        g_error ("“%s” does not say “%s”", error->message, refused[i].expected);
      g_clear_error (&error);
    }

  /* None given: none, and nothing written */
  g_clear_object (&experiment);
  experiment = load ("[Endpoint 1]\nKind=udp-server\n", &error);
  g_assert_no_error (error);
  g_assert_false (lab_experiment_has_link (experiment));
  g_free (written);
  written = lab_experiment_to_data (experiment, NULL);
  g_assert_null (strstr (written, "[Link"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/experiment/round-trip", test_round_trip);
  g_test_add_func ("/experiment/malformed", test_malformed);
  g_test_add_func ("/experiment/link", test_link);
  g_test_add_func ("/experiment/unknown", test_unknown);
  g_test_add_func ("/experiment/lines-and-escapes", test_lines_and_escapes);
  g_test_add_func ("/experiment/translations", test_translations);
  g_test_add_func ("/experiment/long-data", test_long_data);
  g_test_add_func ("/experiment/largest", test_largest);
  g_test_add_func ("/experiment/escaped-texts", test_escaped_texts);
  g_test_add_func ("/experiment/empty-data", test_empty_data);
  g_test_add_func ("/experiment/pipe", test_pipe);
  g_test_add_func ("/experiment/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/experiment/cannot-start", test_cannot_start);
  g_test_add_func ("/experiment/play", test_play);
  g_test_add_func ("/experiment/play-failed-server", test_play_failed_server);

  return g_test_run ();
}
