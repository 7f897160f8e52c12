/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-enums.h"
#include "lab-enum-types.h"

/* What the enums say of themselves: the questions every part asks of a
 * kind of endpoint, and each value's words as the window shows them. The
 * window builds its choices from these, in the enums' order. */

gboolean
lab_endpoint_kind_is_server (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_TCP_SERVER || kind == LAB_ENDPOINT_UDP_SERVER;
}

gboolean
lab_endpoint_kind_is_tcp (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_TCP_SERVER || kind == LAB_ENDPOINT_TCP_CLIENT;
}

gboolean
lab_endpoint_kind_is_ping (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_PING;
}

gboolean
lab_endpoint_kind_is_program (LabEndpointKind kind)
{
  return kind == LAB_ENDPOINT_PROGRAM;
}

const char *
lab_endpoint_kind_to_label (LabEndpointKind kind)
{
  switch (kind)
    {
    case LAB_ENDPOINT_TCP_SERVER:
      return _("TCP server");
    case LAB_ENDPOINT_TCP_CLIENT:
      return _("TCP client");
    case LAB_ENDPOINT_UDP_SERVER:
      return _("UDP server");
    case LAB_ENDPOINT_PING:
      return _("Ping (ICMP echo)");
    case LAB_ENDPOINT_PROGRAM:
      return _("Program of your own, traced");
    case LAB_ENDPOINT_UDP_CLIENT:
    default:
      return _("UDP client");
    }
}

const char *
lab_behaviour_to_label (LabBehaviour behaviour)
{
  switch (behaviour)
    {
    case LAB_BEHAVIOUR_ECHO:
      return _("Echo");
    case LAB_BEHAVIOUR_UPPER:
      return _("Uppercase lines");
    case LAB_BEHAVIOUR_TIME:
      return _("Speak first: the time");
    case LAB_BEHAVIOUR_DISCARD:
      return _("Discard");
    case LAB_BEHAVIOUR_MANUAL:
    default:
      return _("Manual: I answer");
    }
}

const char *
lab_concurrency_to_label (LabConcurrency concurrency)
{
  switch (concurrency)
    {
    case LAB_CONCURRENCY_ITERATIVE:
      return _("One at a time");
    case LAB_CONCURRENCY_THREADS:
      return _("A thread per client");
    case LAB_CONCURRENCY_LOOP:
    default:
      return _("Event loop (poll)");
    }
}

const char *
lab_family_to_label (LabFamily family)
{
  switch (family)
    {
    case LAB_FAMILY_ANY:
      return _("IPv4 or IPv6");
    case LAB_FAMILY_IPV4:
      return _("IPv4 only");
    case LAB_FAMILY_IPV6:
    default:
      return _("IPv6 only");
    }
}

const char *
lab_framing_to_label (LabFraming framing)
{
  switch (framing)
    {
    case LAB_FRAMING_RAW:
      return _("Each recv as it comes");
    case LAB_FRAMING_LINES:
      return _("Lines (\\n)");
    case LAB_FRAMING_LENGTH_PREFIX:
      return _("4-byte length prefix");
    case LAB_FRAMING_FIXED:
    default:
      return _("Fixed size");
    }
}

static const char *
label (GType type,
       int   value)
{
  if (type == LAB_TYPE_ENDPOINT_KIND)
    return lab_endpoint_kind_to_label (value);
  if (type == LAB_TYPE_BEHAVIOUR)
    return lab_behaviour_to_label (value);
  if (type == LAB_TYPE_CONCURRENCY)
    return lab_concurrency_to_label (value);
  if (type == LAB_TYPE_FAMILY)
    return lab_family_to_label (value);
  if (type == LAB_TYPE_FRAMING)
    return lab_framing_to_label (value);
  g_return_val_if_reached (NULL);
}

/**
 * lab_enum_dup_labels:
 * @type: one of the enums that have labels: #LabEndpointKind,
 *   #LabBehaviour, #LabConcurrency, #LabFamily or #LabFraming
 *
 * Returns: (transfer full): every value's label, in the enum's order, for
 *   a list of choices
 */
GStrv
lab_enum_dup_labels (GType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv labels;

  /* The enums number their values from 0, one after the other: a choice's
   * position is its value. */
  for (guint i = 0; i < klass->n_values; i++)
    {
      g_assert (klass->values[i].value == (int) i);
      g_strv_builder_add (builder, label (type, klass->values[i].value));
    }

  labels = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return labels;
}
