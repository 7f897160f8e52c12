/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-connection-row.h"

/* A server's connection as its panel lists it: who, in what state, how
 * many bytes each way; a closed one says so. */

static void
update_row (GtkWidget     *box,
            LabConnection *connection)
{
  GtkLabel *peer = g_object_get_data (G_OBJECT (box), "peer");
  GtkLabel *detail = g_object_get_data (G_OBJECT (box), "detail");
  g_autofree char *text = NULL;
  LabTcpState tcp = lab_connection_get_state (connection);
  /* A socket the kernel has forgotten has no state to show: it is closed. */
  const char *state = tcp == LAB_TCP_UNKNOWN || tcp == LAB_TCP_GONE ? "" : lab_tcp_state_to_string (tcp);

  gtk_label_set_text (peer, lab_connection_get_peer_address (connection) != NULL
                            ? lab_connection_get_peer_address (connection) : "…");
  /* Translators: a connection's kernel state (may be empty), then the bytes received (↓) and sent (↑). */
  text = g_strdup_printf (_("%s  ↓ %llu B received  ↑ %llu B sent%s"), state,
                          (unsigned long long) lab_connection_get_bytes_in (connection),
                          (unsigned long long) lab_connection_get_bytes_out (connection),
                          lab_connection_get_open (connection) ? "" : _(" · closed"));
  gtk_label_set_text (detail, g_strstrip (text));
}

/* A row's counters change with every batch of a flood; the words are read
 * a few times a second at most, and each change lays the panel out anew. */
#define ROW_UPDATE_MS 250

typedef struct {
  GtkWidget     *box;
  LabConnection *connection;
  guint          pending;
  gint64         updated_at;
} RowUpdate;

static void
row_update_free (gpointer data)
{
  RowUpdate *u = data;

  g_clear_handle_id (&u->pending, g_source_remove);
  g_free (u);
}

static gboolean
on_row_update (gpointer data)
{
  RowUpdate *u = data;

  u->pending = 0;
  u->updated_at = g_get_monotonic_time ();
  update_row (u->box, u->connection);
  return G_SOURCE_REMOVE;
}

/* At once, or once ROW_UPDATE_MS have passed since the last time. */
static void
on_connection_notify (LabConnection *connection,
                      GParamSpec    *pspec,
                      GtkWidget     *box)
{
  RowUpdate *u = g_object_get_data (G_OBJECT (box), "update");
  gint64 since = g_get_monotonic_time () - u->updated_at;

  if (u->pending != 0)
    return;
  if (since >= ROW_UPDATE_MS * G_TIME_SPAN_MILLISECOND)
    on_row_update (u);
  else
    u->pending = g_timeout_add (ROW_UPDATE_MS - (guint) (since / G_TIME_SPAN_MILLISECOND), on_row_update, u);
}

/**
 * lab_connection_row_new:
 * @item: (type LabConnection): a connection
 * @data: unused, as a #GtkListBoxCreateWidgetFunc has it
 *
 * Returns: (transfer full): its row: the peer, then the kernel's state and
 *   the bytes each way, kept up to date
 */
GtkWidget *
lab_connection_row_new (gpointer item,
                        gpointer data)
{
  LabConnection *connection = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *peer = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  RowUpdate *update;

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (peer), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (peer, "monospace");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), peer);
  gtk_box_append (GTK_BOX (box), detail);
  g_object_set_data (G_OBJECT (box), "peer", peer);
  g_object_set_data (G_OBJECT (box), "detail", detail);

  update = g_new0 (RowUpdate, 1);
  update->box = box;
  update->connection = connection;
  update->updated_at = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (box), "update", update, row_update_free);

  update_row (box, connection);
  g_signal_connect_object (connection, "notify", G_CALLBACK (on_connection_notify), box, 0);

  return box;
}
