/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-event.h"
#include "lab-experiment-private.h"
#include "lab-hex.h"

/* An experiment written as the text of a `.protolab` file: the
 * [Experiment] header, then a group for each endpoint with every property
 * of its configuration. */

static void
write_property (GKeyFile          *file,
                const char        *group,
                LabEndpointConfig *config,
                GParamSpec        *pspec)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, type);
  g_object_get_property (G_OBJECT (config), pspec->name, &value);

  if (type == G_TYPE_STRING)
    g_key_file_set_string (file, group, pspec->name, g_value_get_string (&value) ? g_value_get_string (&value) : "");
  else if (type == G_TYPE_BOOLEAN)
    g_key_file_set_boolean (file, group, pspec->name, g_value_get_boolean (&value));
  else if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *v = g_enum_get_value (klass, g_value_get_enum (&value));

      g_key_file_set_value (file, group, pspec->name, v->value_nick);
    }
  else if (type == G_TYPE_INT)
    g_key_file_set_integer (file, group, pspec->name, g_value_get_int (&value));
  else if (type == G_TYPE_UINT)
    g_key_file_set_uint64 (file, group, pspec->name, g_value_get_uint (&value));
  else if (type == G_TYPE_UINT64)
    g_key_file_set_uint64 (file, group, pspec->name, g_value_get_uint64 (&value));
  else if (type == G_TYPE_BYTES)
    {
      GBytes *bytes = g_value_get_boxed (&value);
      gsize len = bytes != NULL ? g_bytes_get_size (bytes) : 0;
      const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, NULL) : NULL;

      if (len == 0)
        return;
      /* Spaces at either end would be lost in a key file: those go as hex. */
      if (data[0] == ' ' || data[len - 1] == ' ')
        {
          g_autofree char *hex = lab_hex_format (data, len, 0);

          g_key_file_set_value (file, group, "initial-data-hex", hex);
        }
      else
        {
          g_autofree char *text = lab_text_escape (data, len, 0);

          g_key_file_set_value (file, group, pspec->name, text);
        }
    }
  else if (type == G_TYPE_STRV)
    {
      const char * const *list = g_value_get_boxed (&value);

      /* Only a traced program has these: no other endpoint writes them. */
      if (list != NULL && list[0] != NULL)
        g_key_file_set_string_list (file, group, pspec->name, list, g_strv_length ((char **) list));
    }
  else
    g_assert_not_reached ();
}

/* A name the lab gave (“TCP server 2”) is written as no name when the
 * file, read again, gives it back, numbered as it is (the second TCP
 * server of the file): it then reads in the language it is opened in. */
static void
write_name (GKeyFile      *file,
            const char    *group,
            LabExperiment *self,
            guint          index)
{
  LabExperimentItem *item = self->items->pdata[index];
  LabEndpointKind kind = lab_endpoint_config_get_kind (item->config);
  guint number, position = 0;

  for (guint i = 0; i <= index; i++)
    position += lab_endpoint_config_get_kind (((LabExperimentItem *) self->items->pdata[i])->config) == kind;

  if (lab_translated_get_msgid (item->name, &number) != NULL && number == position)
    g_key_file_set_string (file, group, "Name", "");
  else
    lab_experiment_write_translated (file, group, "Name", item->name, FALSE);
}

/* The link's conditions, a group for each way that has some: what is not
 * written is the default. */
static void
write_link (GKeyFile      *file,
            LabExperiment *self)
{
  for (guint i = 0; i < lab_network_get_n_hosts (); i++)
    {
      const LabLinkConditions *c = &self->link[i];
      g_autofree char *group = g_strconcat (LAB_EXPERIMENT_GROUP_LINK_TO, lab_network_get_host (i)->name, NULL);

      if (lab_link_conditions_is_none (c) && self->mtu[i] == 0 && c->queue_limit == LAB_LINK_DEFAULT_QUEUE)
        continue;
#define TIME(key, v) if ((v) != 0) { g_autofree char *t = lab_link_format_time (v); g_key_file_set_value (file, group, key, t); }
#define FRACTION(key, v) if ((v) > 0) { g_autofree char *t = lab_link_format_fraction (v); g_key_file_set_value (file, group, key, t); }
      TIME ("Delay", c->delay_us);
      TIME ("Jitter", c->jitter_us);
      FRACTION ("Loss", c->loss);
      FRACTION ("BurstStart", c->burst_enter);
      if (c->burst_enter > 0)
        {
          FRACTION ("BurstEnd", c->burst_leave);
          FRACTION ("BurstLoss", c->burst_loss);
        }
      FRACTION ("Duplicate", c->duplicate);
      FRACTION ("Reorder", c->reorder);
      FRACTION ("Corrupt", c->corrupt);
      if (c->down_for_us != 0)
        {
          TIME ("DownAfter", c->down_after_us);
          TIME ("DownFor", c->down_for_us);
        }
#undef TIME
#undef FRACTION
      if (c->rate_bps != 0)
        {
          g_autofree char *t = lab_link_format_rate (c->rate_bps);

          g_key_file_set_value (file, group, "Rate", t);
        }
      if (c->queue_limit != LAB_LINK_DEFAULT_QUEUE)
        g_key_file_set_uint64 (file, group, "Queue", c->queue_limit);
      if (self->mtu[i] != 0)
        g_key_file_set_uint64 (file, group, "MTU", self->mtu[i]);
    }
}

/**
 * lab_experiment_to_data:
 *
 * Returns: (transfer full): the experiment as the text of a `.protolab` file
 */
char *
lab_experiment_to_data (LabExperiment *self,
                        gsize         *length)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GPtrArray) props = lab_experiment_config_properties ();

  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  g_key_file_set_integer (file, LAB_EXPERIMENT_GROUP, "Version", LAB_EXPERIMENT_FORMAT_VERSION);
  lab_experiment_write_translated (file, LAB_EXPERIMENT_GROUP, "Title", self->title, FALSE);
  lab_experiment_write_translated (file, LAB_EXPERIMENT_GROUP, "Notes", self->notes, FALSE);
  if (lab_translated_get_untranslated (self->steps)[0] != NULL)
    lab_experiment_write_translated (file, LAB_EXPERIMENT_GROUP, "Steps", self->steps, TRUE);

  for (guint i = 0; i < self->items->len; i++)
    {
      LabExperimentItem *item = self->items->pdata[i];
      g_autofree char *group = g_strdup_printf (LAB_EXPERIMENT_GROUP_ENDPOINT " %u", i + 1);
      g_autoptr(GEnumClass) kinds = g_type_class_ref (LAB_TYPE_ENDPOINT_KIND);

      write_name (file, group, self, i);
      g_key_file_set_value (file, group, "Kind",
                            g_enum_get_value (kinds, lab_endpoint_config_get_kind (item->config))->value_nick);
      g_key_file_set_boolean (file, group, "Autostart", item->autostart);
      g_key_file_set_uint64 (file, group, "StartDelay", item->start_delay);
      if (item->breakpoints != 0)
        {
          g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
          g_auto(GStrv) list = NULL;

          for (LabOp op = 0; op < LAB_OP_SOCK_DIAG; op++)
            if (item->breakpoints & (G_GUINT64_CONSTANT (1) << op))
              g_strv_builder_add (names, lab_op_to_string (op));
          list = g_strv_builder_end (names);
          g_key_file_set_string_list (file, group, "Breakpoints", (const char *const *) list, g_strv_length (list));
        }
      for (guint p = 0; p < props->len; p++)
        write_property (file, group, item->config, props->pdata[p]);
    }

  write_link (file, self);
  return g_key_file_to_data (file, length, NULL);
}

/**
 * lab_experiment_save:
 *
 * Writes the experiment to @file, replacing it only once all is written.
 */
gboolean
lab_experiment_save (LabExperiment  *self,
                     GFile          *file,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = lab_experiment_to_data (self, &length);
  return g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE, NULL, cancellable, error);
}
