/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-error.h"
#include "lab-event.h"
#include "lab-experiment-lines-private.h"
#include "lab-experiment-private.h"
#include "lab-hex.h"

/* An experiment read from the text of a `.protolab` file. The text is
 * scanned first, so that every error can name its line; then each value
 * is read and checked before it is used. What the lab does not know is
 * left out and said in the warnings. */

#define MAX_STRING        LAB_EXPERIMENT_MAX_TEXT
#define MAX_INITIAL_DATA  LAB_EXPERIMENT_MAX_DATA

/* A file the lab saved is never too large to open. */
G_STATIC_ASSERT (LAB_EXPERIMENT_MAX_FILE_SIZE >= LAB_EXPERIMENT_MAX_WRITTEN_SIZE);

/* ---- Reading values ---- */

typedef struct {
  GKeyFile   *file;
  LabLines    lines;
  const char *group;
  /* The group's translated keys, by the key they translate: "Title" →
   * "Title[es]", "Title[fr]"… */
  GHashTable *translations;
  GPtrArray  *warnings;
} Reader;

static void
reader_set_group (Reader     *r,
                  const char *group)
{
  g_auto(GStrv) keys = g_key_file_get_keys (r->file, group, NULL, NULL);

  r->group = group;
  g_clear_pointer (&r->translations, g_hash_table_unref);
  r->translations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *bracket = strchr (keys[i], '[');
      g_autofree char *base = NULL;
      GPtrArray *versions;

      if (bracket == NULL)
        continue;
      base = g_strndup (keys[i], bracket - keys[i]);
      versions = g_hash_table_lookup (r->translations, base);
      if (versions == NULL)
        {
          versions = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (r->translations, g_steal_pointer (&base), versions);
        }
      g_ptr_array_add (versions, g_strdup (keys[i]));
    }
}

/* The most characters a value may have: the bytes to send may be written
 * with escapes, four characters a byte (\xff), or in hex, three (ff ); a
 * text is counted as it reads, its escapes undone. */
static guint
limit_of (const char *key)
{
  if (g_str_equal (key, "initial-data"))
    return MAX_INITIAL_DATA * 4;
  if (g_str_equal (key, "initial-data-hex"))
    return MAX_INITIAL_DATA * 3;
  return MAX_STRING;
}

/* The characters of a text as it reads, each of the key file's escapes
 * (\n, \t, \\, \;…) one character: a text the writer escaped is held to
 * the limit it had before. A list's last separator, which the key file
 * writes after its last item, is no character of it. */
static glong
text_length (const char *value,
             gboolean    list)
{
  glong n = 0;
  gboolean escaped = FALSE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      escaped = *p == '\\' && p[1] != '\0';
      if (escaped)
        p++;
    }
  if (list && n > 0 && !escaped && g_str_has_suffix (value, ";"))
    n--;
  return n;
}

static gboolean
check_length (Reader      *r,
              const char  *key,
              const char  *version,
              GError     **error)
{
  g_autofree char *value = g_key_file_get_value (r->file, r->group, version, NULL);
  gboolean data = g_str_has_prefix (key, "initial-data");
  gboolean list = g_str_equal (key, "Steps") || g_str_equal (key, "Breakpoints");

  if (value == NULL || (data ? g_utf8_strlen (value, -1) : text_length (value, list)) <= (glong) limit_of (key))
    return TRUE;

  /* Translators: %s is a key of the file, %u a number of characters. */
  lab_line_error (error, lab_lines_of_key (&r->lines, r->group, version), _("“%s” is longer than %u characters"),
                  version, limit_of (key));
  return FALSE;
}

/* The value of @key as it is in the file, once it and each of its
 * translations are within the limit: a value too long in one language is
 * an error in all. */
static char *
read_raw (Reader      *r,
          const char  *key,
          GError     **error)
{
  GPtrArray *versions = g_hash_table_lookup (r->translations, key);

  if (!check_length (r, key, key, error))
    return NULL;
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    if (!check_length (r, key, versions->pdata[i], error))
      return NULL;

  return g_key_file_get_value (r->file, r->group, key, NULL);
}

/* The escapes of a key file's value are checked here before GKeyFile
 * reads it: for a value with a bad escape and a backslash at its end,
 * GKeyFile sets its error twice, and GLib warns of it. */
static gboolean
check_escapes (const char  *value,
               gboolean     list,
               GError     **error)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p != '\\')
        continue;
      p++;
      if (*p == '\0')
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_FILE,
                               /* Translators: keep \\ as it is: it is what the file says. */
                               _("a backslash ends the value; write \\\\ for a backslash"));
          return FALSE;
        }
      if (strchr ("sntr\\", *p) == NULL && !(list && *p == ';'))
        {
          g_autofree char *escape = g_strndup (p - 1, g_utf8_next_char (p) - (p - 1));

          g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE,
                       /* Translators: “\q” is not an escape…; keep the escapes as they are. */
                       _("“%s” is not an escape a key file knows (\\s \\n \\t \\r \\\\)"), escape);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_text (Reader      *r,
            const char  *version,
            gboolean     list,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = g_key_file_get_value (r->file, r->group, version, NULL);

  if (value == NULL)
    return TRUE;

  /* GKeyFile returns what it could read of a value with a bad escape, and
   * says so only in the error. */
  if (check_escapes (value, list, &local_error))
    {
      if (list)
        g_strfreev (g_key_file_get_string_list (r->file, r->group, version, NULL, &local_error));
      else
        g_free (g_key_file_get_string (r->file, r->group, version, &local_error));
    }
  if (local_error == NULL)
    return TRUE;

  /* Translators: the first %s is a key of the file, the second why its
   * value cannot be read. */
  lab_line_error (error, lab_lines_of_key (&r->lines, r->group, version), _("“%s”: %s"), version,
                  local_error->message);
  return FALSE;
}

/* Whether @key and each of its translations when @translated read as text
 * (a list of texts when @list): a mistake in one language is an error in
 * all. */
static gboolean
check_versions (Reader      *r,
                const char  *key,
                gboolean     translated,
                gboolean     list,
                GError     **error)
{
  GPtrArray *versions = translated ? g_hash_table_lookup (r->translations, key) : NULL;

  if (!check_text (r, key, list, error))
    return FALSE;
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    if (!check_text (r, versions->pdata[i], list, error))
      return FALSE;

  return TRUE;
}

static gboolean
read_string (Reader      *r,
             const char  *key,
             char       **result,
             GError     **error)
{
  g_autofree char *raw = read_raw (r, key, error);

  if (raw == NULL)
    return error == NULL || *error == NULL;

  if (!check_versions (r, key, FALSE, FALSE, error))
    return FALSE;

  g_free (*result);
  *result = g_key_file_get_string (r->file, r->group, key, NULL);
  return TRUE;
}

/* A text that may be translated (Title, Notes, Steps, Name), with every
 * translation, once each is within its limit and reads as text; NULL in
 * @result when the file does not say it. */
static gboolean
read_translated (Reader         *r,
                 const char     *key,
                 gboolean        list,
                 LabTranslated **result,
                 GError        **error)
{
  g_autofree char *raw = read_raw (r, key, error);

  if (raw == NULL)
    return error == NULL || *error == NULL;

  if (!check_versions (r, key, TRUE, list, error))
    return FALSE;

  *result = lab_experiment_read_translated (r->file, r->group, key, g_hash_table_lookup (r->translations, key),
                                            list);
  return TRUE;
}

/* Sets @which to @text, when the file says it. */
static void
set_text (LabExperiment     *self,
          LabExperimentText  which,
          LabTranslated     *text)
{
  if (text == NULL)
    return;
  lab_experiment_set_text (self, which, text);
  lab_translated_unref (text);
}

static gboolean
read_number (Reader      *r,
             const char  *key,
             gboolean     is_signed,
             gint64       min,
             guint64      max,
             GValue      *out,
             gboolean    *present,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *raw = read_raw (r, key, error);
  gboolean ok;

  *present = raw != NULL;
  if (raw == NULL)
    return error == NULL || *error == NULL;

  g_strstrip (raw);
  if (is_signed)
    {
      gint64 v;

      ok = g_ascii_string_to_signed (raw, 10, min, (gint64) max, &v, &local_error);
      if (ok)
        g_value_set_int64 (out, v);
    }
  else
    {
      guint64 v;

      ok = g_ascii_string_to_unsigned (raw, 10, (guint64) MAX (min, 0), max, &v, &local_error);
      if (ok)
        g_value_set_uint64 (out, v);
    }

  if (!ok)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      /* Translators: “port” must be a whole number from 0 to 65535, not “abc”. */
      lab_line_error (error, lab_lines_of_key (&r->lines, r->group, key),
                      _("“%s” must be a whole number from %s to %s, not “%s”"), key, low, high, raw);
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_boolean (Reader      *r,
              const char  *key,
              gboolean    *result,
              GError     **error)
{
  g_autofree char *raw = read_raw (r, key, error);

  if (raw == NULL)
    return error == NULL || *error == NULL;

  g_strstrip (raw);
  if (g_str_equal (raw, "true"))
    *result = TRUE;
  else if (g_str_equal (raw, "false"))
    *result = FALSE;
  else
    {
      /* Translators: “reuseaddr” must be true or false, not “yes”. Keep
       * true and false in English: they are what the file says. */
      lab_line_error (error, lab_lines_of_key (&r->lines, r->group, key),
                      _("“%s” must be true or false, not “%s”"), key, raw);
      return FALSE;
    }

  return TRUE;
}

static char *
enum_choices (GEnumClass *klass)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);

  return g_string_free (s, FALSE);
}

static gboolean
read_enum (Reader      *r,
           const char  *key,
           GType        type,
           int         *result,
           gboolean    *present,
           GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  g_autofree char *raw = read_raw (r, key, error);
  GEnumValue *value;

  *present = raw != NULL;
  if (raw == NULL)
    return error == NULL || *error == NULL;

  g_strstrip (raw);
  value = g_enum_get_value_by_nick (klass, raw);
  if (value == NULL)
    {
      g_autofree char *choices = enum_choices (klass);

      /* Translators: “behaviour” must be one of: echo, upper, …; not “xyz”.
       * The choices are words of the file, kept in English. */
      lab_line_error (error, lab_lines_of_key (&r->lines, r->group, key),
                      _("“%s” must be one of: %s; not “%s”"), key, choices, raw);
      return FALSE;
    }

  *result = value->value;
  return TRUE;
}

static gboolean
read_data (Reader             *r,
           LabEndpointConfig  *config,
           GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hex = NULL;
  const char *key = "initial-data";

  text = read_raw (r, "initial-data", error);
  if (text == NULL && error != NULL && *error != NULL)
    return FALSE;
  hex = read_raw (r, "initial-data-hex", error);
  if (hex == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (text == NULL && hex == NULL)
    return TRUE;

  if (hex != NULL)
    {
      key = "initial-data-hex";
      bytes = lab_hex_parse (hex, &local_error);
    }
  else
    bytes = lab_text_unescape (text, &local_error);

  if (bytes != NULL && g_bytes_get_size (bytes) > MAX_INITIAL_DATA)
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      g_set_error (&local_error, LAB_ERROR, LAB_ERROR_INVALID_FILE,
                   /* Translators: %u is a number of bytes. */
                   _("more than %u bytes"), MAX_INITIAL_DATA);
    }
  if (bytes == NULL)
    {
      lab_line_error (error, lab_lines_of_key (&r->lines, r->group, key), _("“%s”: %s"), key, local_error->message);
      return FALSE;
    }

  /* No bytes are nothing to send, as the writer leaves them out. */
  if (g_bytes_get_size (bytes) > 0)
    g_object_set (config, "initial-data", bytes, NULL);
  return TRUE;
}

static gboolean
is_known_key (GPtrArray  *props,
              const char *key,
              const char *const *own)
{
  g_autofree char *base = g_strdup (key);
  char *bracket = strchr (base, '[');

  if (bracket != NULL)
    *bracket = '\0';
  if (g_strv_contains (own, base))
    return TRUE;
  for (guint i = 0; i < props->len; i++)
    if (g_str_equal (((GParamSpec *) props->pdata[i])->name, key))
      return TRUE;

  return FALSE;
}

static void
warn_unknown_keys (Reader             *r,
                   GPtrArray          *props,
                   const char *const  *own)
{
  g_auto(GStrv) keys = g_key_file_get_keys (r->file, r->group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!is_known_key (props, keys[i], own))
      lab_line_warning (r->warnings,
                        /* Translators: line 12: unknown key “colour” in
                         * [Endpoint 1], left out. */
                        _("Line %u: unknown key “%s” in [%s], left out"),
                        lab_lines_of_key (&r->lines, r->group, keys[i]), keys[i], r->group);
}

static gboolean
read_property (Reader             *r,
               LabEndpointConfig  *config,
               GParamSpec         *pspec,
               GError            **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean present = FALSE;

  if (type == G_TYPE_STRING)
    {
      g_autofree char *s = NULL;

      if (!read_string (r, pspec->name, &s, error))
        return FALSE;
      if (s != NULL)
        g_object_set (config, pspec->name, s, NULL);
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      gboolean b;

      if (g_key_file_has_key (r->file, r->group, pspec->name, NULL))
        {
          if (!read_boolean (r, pspec->name, &b, error))
            return FALSE;
          g_object_set (config, pspec->name, b, NULL);
        }
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      int v;

      if (!read_enum (r, pspec->name, type, &v, &present, error))
        return FALSE;
      if (present)
        g_object_set (config, pspec->name, v, NULL);
    }
  else if (type == G_TYPE_INT)
    {
      GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);

      g_value_init (&value, G_TYPE_INT64);
      if (!read_number (r, pspec->name, TRUE, p->minimum, (guint64) p->maximum, &value, &present, error))
        return FALSE;
      if (present)
        g_object_set (config, pspec->name, (int) g_value_get_int64 (&value), NULL);
    }
  else if (type == G_TYPE_UINT)
    {
      GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);

      g_value_init (&value, G_TYPE_UINT64);
      if (!read_number (r, pspec->name, FALSE, p->minimum, p->maximum, &value, &present, error))
        return FALSE;
      if (present)
        g_object_set (config, pspec->name, (guint) g_value_get_uint64 (&value), NULL);
    }
  else if (type == G_TYPE_UINT64)
    {
      GParamSpecUInt64 *p = G_PARAM_SPEC_UINT64 (pspec);

      g_value_init (&value, G_TYPE_UINT64);
      if (!read_number (r, pspec->name, FALSE, (gint64) MIN (p->minimum, G_MAXINT64), p->maximum, &value,
                        &present, error))
        return FALSE;
      if (present)
        g_object_set (config, pspec->name, g_value_get_uint64 (&value), NULL);
    }
  else if (type == G_TYPE_BYTES)
    return read_data (r, config, error);
  else if (type == G_TYPE_STRV)
    {
      g_autofree char *raw = read_raw (r, pspec->name, error);
      g_auto(GStrv) list = NULL;

      if (raw == NULL)
        return error == NULL || *error == NULL;
      if (!check_text (r, pspec->name, TRUE, error))
        return FALSE;
      list = g_key_file_get_string_list (r->file, r->group, pspec->name, NULL, NULL);
      g_object_set (config, pspec->name, list, NULL);
    }
  else
    g_assert_not_reached ();

  return TRUE;
}

/* ---- Reading the groups ---- */

static const char *const endpoint_keys[] = { "Name", "Kind", "Autostart", "StartDelay", "Breakpoints",
                                             "initial-data-hex", NULL };

/* The calls to hold before, by name: "recv;accept;" */
static gboolean
read_breakpoints (Reader   *r,
                  guint64  *breakpoints,
                  GError  **error)
{
  g_autofree char *raw = read_raw (r, "Breakpoints", error);
  g_auto(GStrv) names = NULL;

  if (raw == NULL)
    return error == NULL || *error == NULL;

  if (!check_text (r, "Breakpoints", TRUE, error))
    return FALSE;
  names = g_key_file_get_string_list (r->file, r->group, "Breakpoints", NULL, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      LabOp op;

      for (op = 0; op <= LAB_OP_SOCK_DIAG; op++)
        if (g_str_equal (lab_op_to_string (op), name))
          break;
      if (op > LAB_OP_SOCK_DIAG || op == LAB_OP_SOCK_DIAG)
        {
          /* Translators: “Breakpoints” names a call the lab does not make. */
          lab_line_error (error, lab_lines_of_key (&r->lines, r->group, "Breakpoints"),
                          _("“%s” names “%s”, which is not a call: use names such as accept, recv or connect"),
                          "Breakpoints", name);
          return FALSE;
        }
      *breakpoints |= G_GUINT64_CONSTANT (1) << op;
    }

  return TRUE;
}

/* An endpoint set up so that it could not start is said, at its line:
 * Start would refuse it. It is loaded all the same, as it was saved, so
 * that nothing of the file is lost and it can be set right in its panel.
 * The key at fault is the one that, given back its default, lets the
 * endpoint start or fail otherwise; the last keys first, as they refine
 * the first (fixed-size refines framing). When none does, what is wrong
 * is a default the file left, such as a client's port 0. */
static void
check_endpoint (Reader             *r,
                LabEndpointConfig  *config,
                GPtrArray          *props)
{
  g_autoptr(GError) failure = NULL;
  g_autoptr(LabEndpointConfig) defaults = NULL;

  if (lab_endpoint_config_validate (config, &failure))
    return;

  defaults = lab_endpoint_config_new (lab_endpoint_config_get_kind (config));
  for (guint i = props->len; i-- > 0;)
    {
      GParamSpec *pspec = props->pdata[i];
      g_autoptr(LabEndpointConfig) trial = NULL;
      g_autoptr(GError) trial_error = NULL;
      g_auto(GValue) value = G_VALUE_INIT;

      if (!g_key_file_has_key (r->file, r->group, pspec->name, NULL))
        continue;

      trial = lab_endpoint_config_copy (config);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (defaults), pspec->name, &value);
      g_object_set_property (G_OBJECT (trial), pspec->name, &value);
      if (lab_endpoint_config_validate (trial, &trial_error) ||
          !g_str_equal (trial_error->message, failure->message))
        {
          g_autofree char *why = g_strdup_printf (_("“%s”: %s"), pspec->name, failure->message);

          lab_line_warning (r->warnings, _("Line %u: %s"), lab_lines_of_key (&r->lines, r->group, pspec->name), why);
          return;
        }
    }

  {
    /* Translators: [Endpoint 1] cannot start: why, as the panel says it. */
    g_autofree char *why = g_strdup_printf (_("[%s] cannot start: %s"), r->group, failure->message);

    lab_line_warning (r->warnings, _("Line %u: %s"), lab_lines_of_group (&r->lines, r->group), why);
  }
}

static const char *const experiment_keys[] = { "Version", "Title", "Notes", "Steps", NULL };

static gboolean
read_endpoint (LabExperiment  *self,
               Reader         *r,
               GPtrArray      *props,
               GError        **error)
{
  g_autoptr(LabEndpointConfig) config = NULL;
  g_autoptr(LabTranslated) name = NULL;
  g_auto(GValue) delay = G_VALUE_INIT;
  gboolean autostart = TRUE;
  guint64 breakpoints = 0;
  gboolean present;
  int kind;

  if (!g_key_file_has_key (r->file, r->group, "Kind", NULL))
    {
      /* Translators: [Endpoint 1] has no “Kind”: … Keep the key names. */
      lab_line_error (error, lab_lines_of_group (&r->lines, r->group),
                      _("[%s] has no “Kind”: say tcp-server, tcp-client, udp-server or udp-client"), r->group);
      return FALSE;
    }
  if (!read_enum (r, "Kind", LAB_TYPE_ENDPOINT_KIND, &kind, &present, error))
    return FALSE;

  config = lab_endpoint_config_new (kind);
  for (guint i = 0; i < props->len; i++)
    if (!read_property (r, config, props->pdata[i], error))
      return FALSE;

  if (!read_translated (r, "Name", FALSE, &name, error) || !read_boolean (r, "Autostart", &autostart, error))
    return FALSE;
  g_value_init (&delay, G_TYPE_UINT64);
  if (!read_number (r, "StartDelay", FALSE, 0, LAB_EXPERIMENT_MAX_START_DELAY, &delay, &present,
                    error) ||
      !read_breakpoints (r, &breakpoints, error))
    return FALSE;

  check_endpoint (r, config, props);
  /* A program a file names is never run by Play: its panel shows the
   * command, and the user starts it. */
  if (lab_endpoint_kind_is_program (kind))
    autostart = FALSE;

  warn_unknown_keys (r, props, endpoint_keys);
  lab_experiment_add_endpoint (self, NULL, config, autostart, present ? (guint) g_value_get_uint64 (&delay) : 0);
  if (name != NULL)
    lab_experiment_set_endpoint_text (self, self->items->len - 1, name);
  lab_experiment_set_breakpoints (self, self->items->len - 1, breakpoints);
  return TRUE;
}

/* [Experiment]: the title, notes and steps. */
static gboolean
read_header (LabExperiment  *self,
             Reader         *r,
             GPtrArray      *props,
             GError        **error)
{
  g_auto(GValue) version = G_VALUE_INIT;
  LabTranslated *title = NULL, *notes = NULL, *steps = NULL;
  gboolean present, ok;

  g_value_init (&version, G_TYPE_UINT64);
  ok = read_number (r, "Version", FALSE, 1, G_MAXUINT32, &version, &present, error) &&
       read_translated (r, "Title", FALSE, &title, error) &&
       read_translated (r, "Notes", FALSE, &notes, error) &&
       read_translated (r, "Steps", TRUE, &steps, error);
  set_text (self, LAB_EXPERIMENT_TITLE, title);
  set_text (self, LAB_EXPERIMENT_NOTES, notes);
  set_text (self, LAB_EXPERIMENT_STEPS, steps);
  if (!ok)
    return FALSE;

  if (present && g_value_get_uint64 (&version) > LAB_EXPERIMENT_FORMAT_VERSION)
    lab_line_warning (r->warnings,
                      _("Line %u: the file was made by a newer Protolab; what this one does not know is left out"),
                      lab_lines_of_key (&r->lines, r->group, "Version"));
  warn_unknown_keys (r, props, experiment_keys);
  return TRUE;
}

/* ---- The link ---- */

static const struct {
  const char *key;
  LabLinkValue kind;
  gsize       offset;
} link_keys[] = {
  { "Delay", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, delay_us) },
  { "Jitter", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, jitter_us) },
  { "Loss", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, loss) },
  { "BurstStart", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, burst_enter) },
  { "BurstEnd", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, burst_leave) },
  { "BurstLoss", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, burst_loss) },
  { "Duplicate", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, duplicate) },
  { "Reorder", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, reorder) },
  { "Corrupt", LAB_LINK_VALUE_FRACTION, G_STRUCT_OFFSET (LabLinkConditions, corrupt) },
  { "Rate", LAB_LINK_VALUE_RATE, G_STRUCT_OFFSET (LabLinkConditions, rate_bps) },
  { "Queue", LAB_LINK_VALUE_QUEUE, G_STRUCT_OFFSET (LabLinkConditions, queue_limit) },
  { "DownAfter", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, down_after_us) },
  { "DownFor", LAB_LINK_VALUE_TIME, G_STRUCT_OFFSET (LabLinkConditions, down_for_us) },
  { "MTU", LAB_LINK_VALUE_MTU, 0 },
};

/* One value of a [Link] group, read strictly; an error names its line,
 * its key, what it must be and what it was. */
static gboolean
read_link_value (Reader            *r,
                 guint              k,
                 LabLinkConditions *c,
                 guint             *mtu,
                 gboolean          *present,
                 GError           **error)
{
  g_autofree char *raw = read_raw (r, link_keys[k].key, error);
  guint8 *field = (guint8 *) c + link_keys[k].offset;
  guint line = lab_lines_of_key (&r->lines, r->group, link_keys[k].key);
  gboolean ok;

  *present = raw != NULL;
  if (raw == NULL)
    return error == NULL || *error == NULL;
  ok = lab_link_parse_value (link_keys[k].kind, raw,
                             link_keys[k].kind == LAB_LINK_VALUE_MTU ? (gpointer) mtu : (gpointer) field);
  if (!ok)
    /* Translators: “Delay” must be a time from 0 to 10000 ms, as 80ms or 1.5s, not “soon”. */
    lab_line_error (error, line, _("“%s” must be %s, not “%s”"), link_keys[k].key,
                    lab_link_value_needs (link_keys[k].kind), raw);
  return ok;
}

/* [Link] (@host -1: both ways, every host's MTU) or [Link to beta]. */
static gboolean
read_link (LabExperiment  *self,
           Reader         *r,
           int             host,
           GError        **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (r->file, r->group, NULL, NULL);

  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      LabLinkConditions c;
      g_autoptr(GError) local_error = NULL;
      guint mtu = self->mtu[i];

      if (host >= 0 && (guint) host != i)
        continue;
      c = self->link[i];
      for (guint k = 0; k < G_N_ELEMENTS (link_keys); k++)
        {
          gboolean present;

          if (!read_link_value (r, k, &c, &mtu, &present, error))
            return FALSE;
        }
      if (!lab_link_conditions_check (&c, &local_error))
        {
          lab_line_error (error, lab_lines_of_group (&r->lines, r->group), "%s", local_error->message);
          return FALSE;
        }
      self->link[i] = c;
      self->mtu[i] = mtu;
    }

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (link_keys); k++)
        known |= g_str_equal (keys[i], link_keys[k].key);
      if (!known)
        lab_line_warning (r->warnings, _("Line %u: unknown key “%s” in [%s], left out"),
                          lab_lines_of_key (&r->lines, r->group, keys[i]), keys[i], r->group);
    }
  return TRUE;
}

/* ---- Reading the file ---- */

/**
 * lab_experiment_new_from_data:
 * @data: the text of a `.protolab` file
 *
 * Reads an experiment. A value that cannot be used is an error naming its
 * line and key; a key or group the lab does not know is left out and said
 * in lab_experiment_get_warnings().
 *
 * Returns: (transfer full) (nullable): the experiment
 */
LabExperiment *
lab_experiment_new_from_data (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(LabExperiment) self = NULL;
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(GPtrArray) props = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_auto(GStrv) groups = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) failure = NULL;
  Reader r = { 0 };
  gboolean found = FALSE;
  const char *zero;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > LAB_EXPERIMENT_MAX_FILE_SIZE)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_FILE,
                   /* Translators: %u is a size in KiB. */
                   _("The file is larger than %u KiB: it is not an experiment"),
                   LAB_EXPERIMENT_MAX_FILE_SIZE / 1024);
      return NULL;
    }
  /* Some editors start a UTF-8 file with a byte order mark; it is not
   * part of the first line. The size was the file's, mark and all: a file
   * cut one byte past the limit is still refused. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  zero = memchr (data, '\0', length);
  if (zero != NULL)
    {
      guint line = 1;

      for (const char *p = data; p < zero; p++)
        line += *p == '\n';
      lab_line_error (error, line, _("a zero byte: the file is binary data, not an experiment"));
      return NULL;
    }

  if (!lab_lines_scan (data, length, &r.lines, error))
    {
      lab_lines_clear (&r.lines);
      return NULL;
    }

  file = g_key_file_new ();
  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_KEEP_TRANSLATIONS, &local_error))
    {
      lab_lines_clear (&r.lines);
      lab_line_error (error, lab_line_refused (data, length), "%s", local_error->message);
      return NULL;
    }

  self = lab_experiment_new ();
  props = lab_experiment_config_properties ();
  warnings = g_ptr_array_new_with_free_func (g_free);
  r.file = file;
  r.warnings = warnings;

  groups = g_key_file_get_groups (file, NULL);
  /* Both ways first, wherever the group is: one way's own override it. */
  if (g_key_file_has_group (file, LAB_EXPERIMENT_GROUP_LINK))
    {
      reader_set_group (&r, LAB_EXPERIMENT_GROUP_LINK);
      read_link (self, &r, -1, &failure);
    }
  for (guint i = 0; failure == NULL && groups[i] != NULL; i++)
    {
      reader_set_group (&r, groups[i]);

      if (g_str_equal (groups[i], LAB_EXPERIMENT_GROUP_LINK))
        continue;
      if (g_str_has_prefix (groups[i], LAB_EXPERIMENT_GROUP_LINK_TO))
        {
          const LabNetworkHost *host = lab_network_find_host (groups[i] + strlen (LAB_EXPERIMENT_GROUP_LINK_TO));

          if (host == NULL)
            {
              lab_line_error (&failure, lab_lines_of_group (&r.lines, r.group),
                              /* Translators: [Link to gamma]: the lab network has no host named “gamma”. */
                              _("[%s]: the lab network has no host named “%s”"), groups[i],
                              groups[i] + strlen (LAB_EXPERIMENT_GROUP_LINK_TO));
              break;
            }
          if (!read_link (self, &r, (int) (host - lab_network_get_host (0)), &failure))
            break;
        }
      else if (g_str_equal (groups[i], LAB_EXPERIMENT_GROUP))
        {
          found = TRUE;
          if (!read_header (self, &r, props, &failure))
            break;
        }
      else if (g_str_has_prefix (groups[i], LAB_EXPERIMENT_GROUP_ENDPOINT))
        {
          found = TRUE;
          if (self->items->len == LAB_EXPERIMENT_MAX_ENDPOINTS)
            {
              lab_line_error (&failure, lab_lines_of_group (&r.lines, r.group),
                              /* Translators: %u is the most endpoints a file can have. */
                              _("an experiment holds at most %u endpoints"), LAB_EXPERIMENT_MAX_ENDPOINTS);
              break;
            }
          if (!read_endpoint (self, &r, props, &failure))
            break;
        }
      else
        lab_line_warning (warnings,
                          /* Translators: Line 3: unknown group [Colours], left out. */
                          _("Line %u: unknown group [%s], left out"), lab_lines_of_group (&r.lines, groups[i]),
                          groups[i]);
    }

  lab_lines_clear (&r.lines);
  g_clear_pointer (&r.translations, g_hash_table_unref);
  if (failure != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failure));
      return NULL;
    }

  if (!found)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_FILE,
                           _("The file holds no experiment: it has no [Experiment] and no [Endpoint] group"));
      return NULL;
    }

  g_ptr_array_add (warnings, NULL);
  g_strfreev (self->warnings);
  self->warnings = (GStrv) g_ptr_array_free (g_steal_pointer (&warnings), FALSE);

  return g_steal_pointer (&self);
}

/**
 * lab_experiment_new_from_file:
 *
 * Returns: (transfer full) (nullable): the experiment in @file
 */
LabExperiment *
lab_experiment_new_from_file (GFile         *file,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  /* To the end, or one byte more than is allowed, to know that there was
   * more: a pipe gives at most what it holds at each read. */
  data = g_malloc (LAB_EXPERIMENT_MAX_FILE_SIZE + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, LAB_EXPERIMENT_MAX_FILE_SIZE + 1, &length,
                                cancellable, error))
    return NULL;

  return lab_experiment_new_from_data (data, length, error);
}
