/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-experiment-private.h"

/* The experiment itself: a title, notes, the steps to try and the
 * endpoints with their configuration, whether Play starts each, after how
 * long, and the calls it holds before. lab-experiment-reader.c reads one
 * from a file, lab-experiment-writer.c writes one. */

G_DEFINE_FINAL_TYPE (LabExperiment, lab_experiment, G_TYPE_OBJECT)

static void
item_free (LabExperimentItem *item)
{
  lab_translated_unref (item->name);
  g_clear_object (&item->config);
  g_free (item);
}

static void
lab_experiment_finalize (GObject *object)
{
  LabExperiment *self = LAB_EXPERIMENT (object);

  lab_translated_unref (self->title);
  lab_translated_unref (self->notes);
  lab_translated_unref (self->steps);
  g_strfreev (self->warnings);
  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (lab_experiment_parent_class)->finalize (object);
}

static void
lab_experiment_class_init (LabExperimentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_experiment_finalize;
}

static void
lab_experiment_init (LabExperiment *self)
{
  self->title = lab_translated_new (NULL);
  self->notes = lab_translated_new (NULL);
  self->steps = lab_translated_new_list (NULL);
  self->warnings = g_new0 (char *, 1);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    lab_link_conditions_init (&self->link[i]);
}

LabExperiment *
lab_experiment_new (void)
{
  return g_object_new (LAB_TYPE_EXPERIMENT, NULL);
}

/* ---- What a file can hold ---- */

static int
by_param_id (gconstpointer a,
             gconstpointer b)
{
  GParamSpec *pa = *(GParamSpec **) a;
  GParamSpec *pb = *(GParamSpec **) b;

  return (int) pa->param_id - (int) pb->param_id;
}

/* The properties a file can set, in the order they were declared. */
GPtrArray *
lab_experiment_config_properties (void)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (LAB_TYPE_ENDPOINT_CONFIG);
  GPtrArray *props = g_ptr_array_new ();
  guint n;
  g_autofree GParamSpec **all = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n);

  for (guint i = 0; i < n; i++)
    if (!g_str_equal (all[i]->name, "kind"))
      g_ptr_array_add (props, all[i]);
  g_ptr_array_sort (props, by_param_id);

  return props;
}

/* ---- Accessors ---- */

const char *
lab_experiment_get_title (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  return lab_translated_get (self->title);
}

void
lab_experiment_set_title (LabExperiment *self,
                          const char    *title)
{
  g_autoptr(LabTranslated) text = lab_translated_new (title);

  lab_experiment_set_text (self, LAB_EXPERIMENT_TITLE, text);
}

const char *
lab_experiment_get_notes (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  return lab_translated_get (self->notes);
}

void
lab_experiment_set_notes (LabExperiment *self,
                          const char    *notes)
{
  g_autoptr(LabTranslated) text = lab_translated_new (notes);

  lab_experiment_set_text (self, LAB_EXPERIMENT_NOTES, text);
}

/**
 * lab_experiment_get_steps:
 *
 * Returns: (transfer none): what to try, in order, in the language of the
 *   moment
 */
const char * const *
lab_experiment_get_steps (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  return lab_translated_get_list (self->steps);
}

/* The steps, those with words only. */
void
lab_experiment_set_steps (LabExperiment      *self,
                          const char * const *steps)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;
  g_autoptr(LabTranslated) text = NULL;

  g_return_if_fail (LAB_IS_EXPERIMENT (self));

  for (guint i = 0; steps != NULL && steps[i] != NULL; i++)
    if (steps[i][0] != '\0')
      g_strv_builder_add (builder, steps[i]);
  kept = g_strv_builder_end (builder);
  text = lab_translated_new_list ((const char * const *) kept);
  lab_experiment_set_text (self, LAB_EXPERIMENT_STEPS, text);
}

static LabTranslated **
text_field (LabExperiment     *self,
            LabExperimentText  which)
{
  switch (which)
    {
    case LAB_EXPERIMENT_TITLE:
      return &self->title;
    case LAB_EXPERIMENT_NOTES:
      return &self->notes;
    case LAB_EXPERIMENT_STEPS:
    default:
      return &self->steps;
    }
}

/**
 * lab_experiment_get_text:
 *
 * Returns: (transfer none): the title, the notes or the steps, with their
 *   translations
 */
LabTranslated *
lab_experiment_get_text (LabExperiment     *self,
                         LabExperimentText  which)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  return *text_field (self, which);
}

/**
 * lab_experiment_set_text:
 * @text: kept
 */
void
lab_experiment_set_text (LabExperiment     *self,
                         LabExperimentText  which,
                         LabTranslated     *text)
{
  LabTranslated **field;

  g_return_if_fail (LAB_IS_EXPERIMENT (self));
  g_return_if_fail (text != NULL);

  field = text_field (self, which);
  lab_translated_ref (text);
  lab_translated_unref (*field);
  *field = text;
}

/**
 * lab_experiment_get_warnings:
 *
 * Returns: (transfer none): what was left out when the file was read: keys
 *   and groups the lab does not know, each naming its line
 */
const char * const *
lab_experiment_get_warnings (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);

  return (const char * const *) self->warnings;
}

guint
lab_experiment_get_n_endpoints (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), 0);

  return self->items->len;
}

/**
 * lab_experiment_add_endpoint:
 * @config: copied
 * @autostart: whether Play starts it
 * @start_delay_ms: how long after the servers are ready Play starts it
 */
void
lab_experiment_add_endpoint (LabExperiment     *self,
                             const char        *name,
                             LabEndpointConfig *config,
                             gboolean           autostart,
                             guint              start_delay_ms)
{
  LabExperimentItem *item;

  g_return_if_fail (LAB_IS_EXPERIMENT (self));
  g_return_if_fail (LAB_IS_ENDPOINT_CONFIG (config));

  item = g_new0 (LabExperimentItem, 1);
  item->name = lab_translated_new (name);
  item->config = lab_endpoint_config_copy (config);
  item->autostart = !!autostart;
  item->start_delay = MIN (start_delay_ms, LAB_EXPERIMENT_MAX_START_DELAY);
  g_ptr_array_add (self->items, item);
}

static LabExperimentItem *
get_item (LabExperiment *self,
          guint          index)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return self->items->pdata[index];
}

/**
 * lab_experiment_get_endpoint_name:
 *
 * Returns: the name of endpoint @index in the language of the moment, ""
 *   when the file gives none
 */
const char *
lab_experiment_get_endpoint_name (LabExperiment *self,
                                  guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL ? lab_translated_get (item->name) : NULL;
}

/**
 * lab_experiment_get_endpoint_text:
 *
 * Returns: (transfer none) (nullable): the name of endpoint @index, with
 *   its translations, or as the lab gave it (“TCP server 2”)
 */
LabTranslated *
lab_experiment_get_endpoint_text (LabExperiment *self,
                                  guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL ? item->name : NULL;
}

/**
 * lab_experiment_set_endpoint_text:
 * @name: kept
 */
void
lab_experiment_set_endpoint_text (LabExperiment *self,
                                  guint          index,
                                  LabTranslated *name)
{
  LabExperimentItem *item = get_item (self, index);

  g_return_if_fail (name != NULL);

  if (item == NULL)
    return;
  lab_translated_ref (name);
  lab_translated_unref (item->name);
  item->name = name;
}

/**
 * lab_experiment_get_config:
 *
 * Returns: (transfer none): the configuration of endpoint @index
 */
LabEndpointConfig *
lab_experiment_get_config (LabExperiment *self,
                           guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL ? item->config : NULL;
}

gboolean
lab_experiment_get_autostart (LabExperiment *self,
                              guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL && item->autostart;
}

guint
lab_experiment_get_start_delay (LabExperiment *self,
                                guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL ? item->start_delay : 0;
}

/**
 * lab_experiment_get_breakpoints:
 *
 * Returns: the calls endpoint @index holds before, a bit each (`1 << LabOp`)
 */
guint64
lab_experiment_get_breakpoints (LabExperiment *self,
                                guint          index)
{
  LabExperimentItem *item = get_item (self, index);

  return item != NULL ? item->breakpoints : 0;
}

void
lab_experiment_set_breakpoints (LabExperiment *self,
                                guint          index,
                                guint64        breakpoints)
{
  LabExperimentItem *item = get_item (self, index);

  if (item != NULL)
    item->breakpoints = breakpoints & ((G_GUINT64_CONSTANT (1) << LAB_OP_SOCK_DIAG) - 1);
}

/**
 * lab_experiment_get_link:
 * @to_host: the direction: the host the frames go to
 *
 * The link's conditions that way: none unless the file gives some.
 */
void
lab_experiment_get_link (LabExperiment     *self,
                         guint              to_host,
                         LabLinkConditions *conditions)
{
  g_return_if_fail (LAB_IS_EXPERIMENT (self));
  g_return_if_fail (to_host < LAB_NETWORK_MAX_HOSTS);

  *conditions = self->link[to_host];
}

void
lab_experiment_set_link (LabExperiment           *self,
                         guint                    to_host,
                         const LabLinkConditions *conditions)
{
  g_return_if_fail (LAB_IS_EXPERIMENT (self));
  g_return_if_fail (to_host < LAB_NETWORK_MAX_HOSTS);
  g_return_if_fail (lab_link_conditions_check (conditions, NULL));

  self->link[to_host] = *conditions;
  if (self->link[to_host].queue_limit == 0)
    self->link[to_host].queue_limit = LAB_LINK_DEFAULT_QUEUE;
}

guint
lab_experiment_get_mtu (LabExperiment *self,
                        guint          host)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), 0);
  g_return_val_if_fail (host < LAB_NETWORK_MAX_HOSTS, 0);

  return self->mtu[host];
}

/**
 * lab_experiment_set_mtu:
 * @mtu: 0 (the default), or from LAB_LINK_MIN_MTU to LAB_LINK_MAX_MTU
 */
void
lab_experiment_set_mtu (LabExperiment *self,
                        guint          host,
                        guint          mtu)
{
  g_return_if_fail (LAB_IS_EXPERIMENT (self));
  g_return_if_fail (host < LAB_NETWORK_MAX_HOSTS);
  g_return_if_fail (mtu == 0 || (mtu >= LAB_LINK_MIN_MTU && mtu <= LAB_LINK_MAX_MTU));

  self->mtu[host] = mtu;
}

/**
 * lab_experiment_has_link:
 *
 * Returns: whether the experiment sets a condition on the link or an MTU
 */
gboolean
lab_experiment_has_link (LabExperiment *self)
{
  g_return_val_if_fail (LAB_IS_EXPERIMENT (self), FALSE);

  for (guint i = 0; i < LAB_NETWORK_MAX_HOSTS; i++)
    if (!lab_link_conditions_is_none (&self->link[i]) || self->mtu[i] != 0 ||
        self->link[i].queue_limit != LAB_LINK_DEFAULT_QUEUE)
      return TRUE;
  return FALSE;
}
