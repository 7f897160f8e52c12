/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lab-cli-private.h"

/* Numbers on the command line, read strictly: the whole text, in decimal,
 * with no sign, no space and no hexadecimal, and within the range of the
 * setting it goes to, as the setting's own GParamSpec says. A mistake is a
 * usage error that says the option, the value and the range. */

static void
say_not_in_range (const char *command,
                  const char *option,
                  const char *text,
                  gboolean    seconds,
                  const char *low,
                  const char *high)
{
  g_autofree char *given = lab_cli_escape (text);
  g_autofree char *message = NULL;

  if (seconds)
    /* Translators: --timeout must be a number of seconds from 0 to 3600, not “inf”. */
    message = g_strdup_printf (_("--%s must be a number of seconds from %s to %s, not “%s”"),
                               option, low, high, given);
  else
    /* Translators: --backlog must be a whole number from 0 to 65535, not “-1”. */
    message = g_strdup_printf (_("--%s must be a whole number from %s to %s, not “%s”"),
                               option, low, high, given);
  lab_cli_usage_error (command, message);
}

/**
 * lab_cli_parse_whole:
 * @option: the option's name, without its dashes
 * @text: what was given to it
 *
 * Reads a whole number from @min to @max, digits only.
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_parse_whole (const char *command,
                     const char *option,
                     const char *text,
                     guint64     min,
                     guint64     max,
                     guint64    *value)
{
  gboolean ok = text[0] != '\0';

  /* g_ascii_string_to_unsigned () alone would take a leading sign. */
  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isdigit (*p);
  /* The range and overflow at once. */
  if (ok)
    ok = g_ascii_string_to_unsigned (text, 10, min, max, value, NULL);

  if (!ok)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      say_not_in_range (command, option, text, FALSE, low, high);
    }

  return ok;
}

static char *
format_seconds (guint ms)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, ms / 1000.0));
}

/**
 * lab_cli_parse_seconds:
 * @text: seconds, as 2, 0.5 or 1e3
 * @ms: (out): what @text says, in whole milliseconds
 *
 * Reads a time from @min_ms to @max_ms. It is rounded up to the
 * millisecond: a time given is never 0, which means none.
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_parse_seconds (const char *command,
                       const char *option,
                       const char *text,
                       guint       min_ms,
                       guint       max_ms,
                       guint      *ms)
{
  gboolean ok = g_ascii_isdigit (text[0]) || text[0] == '.';
  double seconds = 0;

  /* Decimal only: g_ascii_strtod () reads “inf”, “nan” and “0x10” too. */
  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isdigit (*p) || strchr (".eE+-", *p) != NULL;
  if (ok)
    {
      char *end = NULL;

      errno = 0;
      seconds = g_ascii_strtod (text, &end);
      ok = *end == '\0' && errno == 0 && isfinite (seconds) &&
           seconds >= min_ms / 1000.0 && seconds <= max_ms / 1000.0;
    }

  if (!ok)
    {
      g_autofree char *low = format_seconds (min_ms);
      g_autofree char *high = format_seconds (max_ms);

      say_not_in_range (command, option, text, TRUE, low, high);
      return FALSE;
    }

  {
    /* Within range, so within a guint once scaled. */
    double scaled = seconds * 1000;
    guint whole = (guint) scaled;

    if (whole < scaled)
      whole++;
    *ms = CLAMP (whole, min_ms, max_ms);
  }

  return TRUE;
}

static GParamSpec *
find_property (GObject    *object,
               const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);

  g_assert (pspec != NULL);
  return pspec;
}

/* The range of a number property, which is unsigned, int or 64-bit. */
static void
property_range (GParamSpec *pspec,
                guint64    *min,
                guint64    *max)
{
  if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      *min = G_PARAM_SPEC_UINT (pspec)->minimum;
      *max = G_PARAM_SPEC_UINT (pspec)->maximum;
    }
  else if (G_IS_PARAM_SPEC_INT (pspec))
    {
      /* No option takes a negative number: none is written with a sign. */
      g_assert (G_PARAM_SPEC_INT (pspec)->minimum >= 0);
      *min = (guint64) G_PARAM_SPEC_INT (pspec)->minimum;
      *max = (guint64) G_PARAM_SPEC_INT (pspec)->maximum;
    }
  else
    {
      *min = G_PARAM_SPEC_UINT64 (pspec)->minimum;
      *max = G_PARAM_SPEC_UINT64 (pspec)->maximum;
    }
}

/**
 * lab_cli_set_whole:
 * @text: (nullable): what was given to --@option, %NULL when it was not
 * @property: the number property of @object it sets
 * @least: the least it takes here, when that is more than the property's
 *   minimum
 *
 * Sets @property to the number @text says, within the property's range.
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_set_whole (const char *command,
                   const char *option,
                   const char *text,
                   GObject    *object,
                   const char *property,
                   guint64     least)
{
  GParamSpec *pspec = find_property (object, property);
  g_auto(GValue) number = G_VALUE_INIT;
  g_auto(GValue) value = G_VALUE_INIT;
  guint64 min, max, parsed;

  if (text == NULL)
    return TRUE;

  property_range (pspec, &min, &max);
  if (!lab_cli_parse_whole (command, option, text, MAX (min, least), max, &parsed))
    return FALSE;

  /* Within the range, so the property's type holds it. */
  g_value_init (&number, G_TYPE_UINT64);
  g_value_set_uint64 (&number, parsed);
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_value_transform (&number, &value);
  g_object_set_property (object, property, &value);
  return TRUE;
}

/**
 * lab_cli_set_seconds:
 * @text: (nullable): what was given to --@option, %NULL when it was not
 * @property: the property of @object it sets, a number of milliseconds
 *
 * Sets @property to the time @text says, within the property's range.
 *
 * Returns: whether it could, once the mistake has been said
 */
gboolean
lab_cli_set_seconds (const char *command,
                     const char *option,
                     const char *text,
                     GObject    *object,
                     const char *property)
{
  GParamSpecUInt *range = G_PARAM_SPEC_UINT (find_property (object, property));
  guint ms;

  if (text == NULL)
    return TRUE;

  if (!lab_cli_parse_seconds (command, option, text, range->minimum, range->maximum, &ms))
    return FALSE;
  g_object_set (object, property, ms, NULL);
  return TRUE;
}
