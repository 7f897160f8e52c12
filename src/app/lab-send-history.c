/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-send-history.h"

/* The messages sent from an endpoint's panel, as they were typed (text
 * with its escapes, or hex), the newest first and each once: the same
 * message sent again moves to the front. It belongs to the endpoint, not
 * to its panel, so that it outlives a window made again (a change of
 * language) for as long as the lab runs; it is not saved with the
 * experiment, which keeps what the bench is, not what was typed on it. */

typedef struct {
  char     *text;
  gboolean  hex;
} Entry;

struct _LabSendHistory
{
  GObject  parent_instance;

  GArray  *entries;   /* Entry, newest first */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LabSendHistory, lab_send_history, G_TYPE_OBJECT)

static void
clear_entry (gpointer data)
{
  g_free (((Entry *) data)->text);
}

/**
 * lab_send_history_for_endpoint:
 *
 * Returns: (transfer none): @endpoint's history, made when first asked for
 */
LabSendHistory *
lab_send_history_for_endpoint (LabEndpoint *endpoint)
{
  LabSendHistory *self = g_object_get_data (G_OBJECT (endpoint), "lab-send-history");

  if (self == NULL)
    {
      self = g_object_new (LAB_TYPE_SEND_HISTORY, NULL);
      g_object_set_data_full (G_OBJECT (endpoint), "lab-send-history", self, g_object_unref);
    }
  return self;
}

guint
lab_send_history_get_n_items (LabSendHistory *self)
{
  return self->entries->len;
}

const char *
lab_send_history_get_text (LabSendHistory *self,
                           guint           position)
{
  g_return_val_if_fail (position < self->entries->len, NULL);

  return g_array_index (self->entries, Entry, position).text;
}

gboolean
lab_send_history_get_hex (LabSendHistory *self,
                          guint           position)
{
  g_return_val_if_fail (position < self->entries->len, FALSE);

  return g_array_index (self->entries, Entry, position).hex;
}

/**
 * lab_send_history_add:
 * @text: the message as typed
 * @hex: whether it was typed in hexadecimal
 *
 * Puts it first; an entry that was the same goes, and past
 * %LAB_SEND_HISTORY_MAX the oldest.
 */
void
lab_send_history_add (LabSendHistory *self,
                      const char     *text,
                      gboolean        hex)
{
  Entry entry = { g_strdup (text), hex };

  g_return_if_fail (LAB_IS_SEND_HISTORY (self));

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *old = &g_array_index (self->entries, Entry, i);

      if (old->hex == hex && g_str_equal (old->text, text))
        {
          g_array_remove_index (self->entries, i);
          break;
        }
    }
  g_array_prepend_val (self->entries, entry);
  if (self->entries->len > LAB_SEND_HISTORY_MAX)
    g_array_set_size (self->entries, LAB_SEND_HISTORY_MAX);

  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * lab_send_history_row_new:
 *
 * Returns: (transfer full): a row for the message at @position: what was
 *   typed, marked when it was hex, and a button that sends it again
 *   (`send.again`, with its position)
 */
GtkWidget *
lab_send_history_row_new (LabSendHistory *self,
                          guint           position)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (lab_send_history_get_text (self, position));
  GtkWidget *again = gtk_button_new_with_label (_("Send Again"));
  g_autofree char *tooltip = NULL;

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  if (lab_send_history_get_hex (self, position))
    {
      GtkWidget *tag = gtk_label_new (_("Hex"));

      gtk_widget_add_css_class (tag, "dim-label");
      gtk_box_append (GTK_BOX (box), tag);
    }
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_tooltip_text (label, _("Choose it to put it back in the box, to change it before sending"));
  gtk_box_append (GTK_BOX (box), label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (again), "send.again");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (again), "u", position);
  gtk_widget_add_css_class (again, "flat");
  gtk_box_append (GTK_BOX (box), again);

  return box;
}

static void
lab_send_history_finalize (GObject *object)
{
  LabSendHistory *self = LAB_SEND_HISTORY (object);

  g_array_unref (self->entries);

  G_OBJECT_CLASS (lab_send_history_parent_class)->finalize (object);
}

static void
lab_send_history_class_init (LabSendHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_send_history_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
lab_send_history_init (LabSendHistory *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (self->entries, clear_entry);
}
