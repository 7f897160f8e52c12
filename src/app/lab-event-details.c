/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-errno.h"
#include "lab-event-details.h"
#include "lab-explain-markup.h"
#include "lab-format.h"
#include "lab-hex.h"

/* All about one row of the timeline: a call's arguments, result, errno and
 * its meaning, when and how long; a state and the accept queue; data in
 * full, as a hex dump. */

struct _LabEventDetails
{
  GtkWidget  parent_instance;

  LabEvent  *event;
  guint      rows;

  /* Template widgets */
  GtkStack  *stack;
  GtkLabel  *title_label;
  GtkGrid   *grid;
  GtkLabel  *dump_label;
  GtkLabel  *explanation_label;
};

G_DEFINE_FINAL_TYPE (LabEventDetails, lab_event_details, GTK_TYPE_WIDGET)

GtkWidget *
lab_event_details_new (void)
{
  return g_object_new (LAB_TYPE_EVENT_DETAILS, NULL);
}

static void
add_row (LabEventDetails *self,
         const char      *key,
         const char      *value)
{
  GtkWidget *k = gtk_label_new (key);
  GtkWidget *v = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_label_set_yalign (GTK_LABEL (k), 0);
  gtk_widget_add_css_class (k, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_widget_set_hexpand (v, TRUE);

  gtk_grid_attach (self->grid, k, 0, self->rows, 1, 1);
  gtk_grid_attach (self->grid, v, 1, self->rows, 1, 1);
  self->rows++;
}

static void
add_rowf (LabEventDetails *self,
          const char      *key,
          const char      *format,
          ...) G_GNUC_PRINTF (3, 4);

static void
add_rowf (LabEventDetails *self,
          const char      *key,
          const char      *format,
          ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);

  add_row (self, key, value);
}

static void
clear_grid (LabEventDetails *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  self->rows = 0;
}

static void
fill (LabEventDetails *self)
{
  LabEvent *event = self->event;
  g_autofree char *title = lab_format_event (event);
  const char *name = lab_event_get_endpoint_name (event);

  gtk_label_set_text (self->title_label, title);
  clear_grid (self);
  gtk_widget_set_visible (GTK_WIDGET (self->dump_label), FALSE);

  {
    g_autofree char *markup = lab_explain_markup_for_event (event, LAB_EXPLAIN_MARKUP_FULL);

    gtk_label_set_markup (self->explanation_label, markup != NULL ? markup : "");
    gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), markup != NULL);
  }

  add_rowf (self, _("Endpoint"), "%s", name != NULL ? name : "");
  add_rowf (self, _("Thread"), "%u%s", lab_event_get_thread (event),
            lab_event_get_thread (event) == 0 ? _(" (the lab, watching the kernel)") : "");
  add_rowf (self, _("At"), _("%.6f s"), lab_event_get_begin_time (event) / (double) G_USEC_PER_SEC);
  if (lab_event_get_fd (event) >= 0)
    add_rowf (self, _("Descriptor"), "%d", lab_event_get_fd (event));
  if (lab_event_get_connection (event) != 0)
    add_rowf (self, _("Connection"), "%llu", (unsigned long long) lab_event_get_connection (event));

  switch (lab_event_get_kind (event))
    {
    case LAB_EVENT_CALL:
      {
        g_autofree char *args = lab_event_dup_args (event);
        g_autofree char *result = lab_format_result (event);
        int err = lab_event_get_errno (event);

        add_rowf (self, _("Call"), "%s%s", lab_event_get_call_name (event),
                  lab_event_get_instrumentation (event) ? _(" (the lab’s own, not the program’s)") : "");
        add_rowf (self, _("Operation"), "%s", lab_op_to_string (lab_event_get_op (event)));
        add_row (self, _("Arguments"), args);
        add_row (self, _("Result"), result);
        if (err != 0)
          add_rowf (self, _("Error"), "%s: %s", lab_errno_name (err) != NULL ? lab_errno_name (err) : "?",
                    lab_errno_message (err));
        if (lab_event_get_finished (event))
          add_rowf (self, _("Took"), _("%.3f ms"),
                    (lab_event_get_end_time (event) - lab_event_get_begin_time (event)) / 1000.0);
        else
          add_row (self, _("Took"), _("It has not returned yet: it waits."));

        if (lab_event_get_resolved (event) != NULL)
          {
            GPtrArray *resolved = lab_event_get_resolved (event);

            for (guint i = 0; i < resolved->len; i++)
              {
                g_autofree char *text = lab_address_format (resolved->pdata[i]);

                add_row (self, i == 0 ? _("Addresses") : "", text);
              }
          }
      }
      break;

    case LAB_EVENT_STATE:
      {
        guint length, limit;

        add_row (self, _("TCP state"), lab_tcp_state_to_string (lab_event_get_state (event)));
        if (lab_event_get_previous_state (event) != LAB_TCP_UNKNOWN)
          add_row (self, _("Before"), lab_tcp_state_to_string (lab_event_get_previous_state (event)));
        if (lab_event_get_queue (event, &length, &limit))
          add_rowf (self, _("Accept queue"), _("%u waiting, of at most %u"), length, limit);
      }
      break;

    case LAB_EVENT_DATA:
      {
        GBytes *bytes = lab_event_get_bytes (event);

        add_row (self, _("Direction"), lab_event_get_direction (event) == LAB_DIRECTION_IN
                                         ? _("← In: received") : _("→ Out: sent"));
        add_rowf (self, _("Bytes"), "%lu", (gulong) lab_event_get_real_length (event));
        if (lab_event_get_truncated (event))
          add_rowf (self, _("Truncated"), _("Only %lu bytes fitted in the buffer"),
                    (gulong) g_bytes_get_size (bytes));
        if (lab_event_get_address (event) != NULL)
          {
            g_autofree char *peer = lab_address_format (lab_event_get_address (event));

            add_row (self, _("Peer"), peer);
          }
        {
          g_autofree char *icmp = lab_event_dup_icmp_text (event);

          if (icmp != NULL)
            add_row (self, _("ICMP header"), icmp);
        }
        if (bytes != NULL)
          {
            gsize len;
            const guint8 *data = g_bytes_get_data (bytes, &len);
            g_autofree char *dump = lab_hex_dump (data, MIN (len, 4096), lab_event_get_offset (event), 8);

            gtk_label_set_text (self->dump_label, dump);
            gtk_widget_set_visible (GTK_WIDGET (self->dump_label), TRUE);
          }
        else
          add_row (self, _("Bytes kept"), _("None: dropped to stay within the timeline’s limit"));
      }
      break;

    case LAB_EVENT_NOTE:
    default:
      break;
    }
}

/**
 * lab_event_details_set_event:
 * @event: (nullable): the event to show
 */
void
lab_event_details_set_event (LabEventDetails *self,
                             LabEvent        *event)
{
  g_return_if_fail (LAB_IS_EVENT_DETAILS (self));

  g_set_object (&self->event, event);
  if (event != NULL)
    fill (self);
  gtk_stack_set_visible_child_name (self->stack, event != NULL ? "event" : "empty");
}

/**
 * lab_event_details_dup_text:
 *
 * Returns: everything shown, as text (for tests and copying)
 */
char *
lab_event_details_dup_text (LabEventDetails *self)
{
  GString *out = g_string_new (gtk_label_get_text (self->title_label));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->grid));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_string_append_printf (out, "\n%s", gtk_label_get_text (GTK_LABEL (child)));

  if (gtk_widget_get_visible (GTK_WIDGET (self->explanation_label)))
    g_string_append_printf (out, "\n%s", gtk_label_get_text (self->explanation_label));
  if (gtk_widget_get_visible (GTK_WIDGET (self->dump_label)))
    g_string_append_printf (out, "\n%s", gtk_label_get_text (self->dump_label));

  return g_string_free (out, FALSE);
}

static void
lab_event_details_dispose (GObject *object)
{
  LabEventDetails *self = LAB_EVENT_DETAILS (object);

  g_clear_object (&self->event);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EVENT_DETAILS);

  G_OBJECT_CLASS (lab_event_details_parent_class)->dispose (object);
}

static void
lab_event_details_class_init (LabEventDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_event_details_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lab-event-details.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, LabEventDetails, dump_label);
  gtk_widget_class_bind_template_child (widget_class, LabEventDetails, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, LabEventDetails, grid);
  gtk_widget_class_bind_template_child (widget_class, LabEventDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, LabEventDetails, title_label);
}

static void
lab_event_details_init (LabEventDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
