/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-link-panel.h"
#include "lab-link.h"
#include "lab-network.h"

/* The Link panel, in a popover under the header bar's Link button: the conditions of the lab's link each way, typed as
 * protolab-cli and the experiment files take them (80ms, 10%, 1mbit), each
 * host's MTU, and what the link did to the frames. A value is read with the
 * engine's own parser when its field is activated or left: a value it does
 * not take is said at the field, and changes nothing; one it takes applies
 * at once, while connections run. The counters are read twice a second
 * while the panel is shown. */

#define REFRESH_MS 500
#define N_WAYS     2

typedef enum {
  FIELD_DELAY,
  FIELD_JITTER,
  FIELD_LOSS,
  FIELD_BURST_START,
  FIELD_BURST_END,
  FIELD_BURST_LOSS,
  FIELD_DUPLICATE,
  FIELD_REORDER,
  FIELD_CORRUPT,
  FIELD_RATE,
  FIELD_QUEUE,
  FIELD_DOWN_AFTER,
  FIELD_DOWN_FOR,
  FIELD_MTU,
  N_FIELDS
} Field;

/* The keys are the experiment file's (see lab-experiment-reader.c). */
static const struct {
  const char   *key;
  const char   *label;
  const char   *tip;
  LabLinkValue  kind;
} fields[N_FIELDS] = {
  { "Delay", N_("_Delay"), N_("Added to every frame that way"), LAB_LINK_VALUE_TIME },
  { "Jitter", N_("_Jitter"), N_("Plus or minus, at random, about the delay; no more than the delay"), LAB_LINK_VALUE_TIME },
  { "Loss", N_("_Loss"), N_("The frames lost at random"), LAB_LINK_VALUE_FRACTION },
  { "BurstStart", N_("Burst _start"), N_("The chance that a frame starts a burst of losses"), LAB_LINK_VALUE_FRACTION },
  { "BurstEnd", N_("Burst _end"), N_("The chance that a frame ends a burst of losses"), LAB_LINK_VALUE_FRACTION },
  { "BurstLoss", N_("Loss in a _burst"), N_("The frames lost while a burst lasts"), LAB_LINK_VALUE_FRACTION },
  { "Duplicate", N_("D_uplication"), N_("The frames sent twice"), LAB_LINK_VALUE_FRACTION },
  { "Reorder", N_("_Reordering"), N_("The frames sent at once, ahead of those delayed"), LAB_LINK_VALUE_FRACTION },
  { "Corrupt", N_("C_orruption"), N_("The frames with one bit flipped"), LAB_LINK_VALUE_FRACTION },
  { "Rate", N_("R_ate"), N_("The most bits a second that way; empty: no limit"), LAB_LINK_VALUE_RATE },
  { "Queue", N_("_Queue (frames)"), N_("The most frames held that way; past it, frames are dropped"), LAB_LINK_VALUE_QUEUE },
  { "DownAfter", N_("Do_wn after"), N_("How long after Play, or after this is set, the line goes down"),
    LAB_LINK_VALUE_TIME },
  { "DownFor", N_("Down _for"), N_("How long the line stays down, as if cut: every frame that way is lost; empty: never"),
    LAB_LINK_VALUE_TIME },
  { "MTU", N_("_MTU (bytes)"), N_("The largest packet of the host’s eth0; empty: 1500"), LAB_LINK_VALUE_MTU },
};

/* What the link did, one row each */
typedef enum {
  COUNT_FORWARDED,
  COUNT_BYTES,
  COUNT_DELAYED,
  COUNT_LOSS,
  COUNT_BURST,
  COUNT_QUEUE,
  COUNT_DUPLICATED,
  COUNT_REORDERED,
  COUNT_CORRUPTED,
  COUNT_DOWN,
  COUNT_KERNEL,
  COUNT_QUEUED,
  N_COUNTS
} Count;

static const char *const count_labels[N_COUNTS] = {
  N_("Frames passed"),
  N_("Bytes passed"),
  N_("Delayed"),
  N_("Lost at random"),
  N_("Lost in bursts"),
  N_("Dropped, queue full"),
  N_("Duplicated"),
  N_("Reordered"),
  N_("Corrupted"),
  N_("Lost, line down"),
  N_("Dropped by the kernel"),
  N_("Held now (most)"),
};

struct _LabLinkPanel
{
  GtkWidget   parent_instance;

  LabSession *session;
  GtkWidget  *scroller;
  GtkLabel   *status;
  /* [field][way]; the MTU's way is the host */
  GtkEntry   *entries[N_FIELDS][N_WAYS];
  GtkLabel   *errors[N_FIELDS];
  GtkLabel   *counts[N_COUNTS][N_WAYS];
  guint       refresh_id;
};

G_DEFINE_FINAL_TYPE (LabLinkPanel, lab_link_panel, GTK_TYPE_WIDGET)

/* The ways in the order of the columns: alfa → beta is the frames to beta. */
static guint
way_to_host (guint way)
{
  return way == 0 ? 1 : 0;
}

static const char *
host_name (guint host)
{
  return lab_network_get_n_hosts () > host ? lab_network_get_host (host)->name : host == 0 ? "alfa" : "beta";
}

/* ---- Values ---- */

typedef union {
  guint   u;
  double  d;
  guint64 r;
} Value;

/* A setting as its field shows it: empty where none is set. */
static char *
format_field (Field                    field,
              const LabLinkConditions *c,
              guint                    mtu)
{
  switch (field)
    {
    case FIELD_DELAY: return c->delay_us != 0 ? lab_link_format_time (c->delay_us) : g_strdup ("");
    case FIELD_JITTER: return c->jitter_us != 0 ? lab_link_format_time (c->jitter_us) : g_strdup ("");
    case FIELD_LOSS: return c->loss > 0 ? lab_link_format_fraction (c->loss) : g_strdup ("");
    case FIELD_BURST_START: return c->burst_enter > 0 ? lab_link_format_fraction (c->burst_enter) : g_strdup ("");
    case FIELD_BURST_END: return c->burst_leave > 0 ? lab_link_format_fraction (c->burst_leave) : g_strdup ("");
    /* All lost in a burst unless said */
    case FIELD_BURST_LOSS: return c->burst_loss != 1.0 ? lab_link_format_fraction (c->burst_loss) : g_strdup ("");
    case FIELD_DUPLICATE: return c->duplicate > 0 ? lab_link_format_fraction (c->duplicate) : g_strdup ("");
    case FIELD_REORDER: return c->reorder > 0 ? lab_link_format_fraction (c->reorder) : g_strdup ("");
    case FIELD_CORRUPT: return c->corrupt > 0 ? lab_link_format_fraction (c->corrupt) : g_strdup ("");
    case FIELD_RATE: return c->rate_bps != 0 ? lab_link_format_rate (c->rate_bps) : g_strdup ("");
    case FIELD_QUEUE:
      return c->queue_limit != 0 && c->queue_limit != LAB_LINK_DEFAULT_QUEUE ? g_strdup_printf ("%u", c->queue_limit)
                                                                               : g_strdup ("");
    case FIELD_DOWN_AFTER: return c->down_after_us != 0 ? lab_link_format_time (c->down_after_us) : g_strdup ("");
    case FIELD_DOWN_FOR: return c->down_for_us != 0 ? lab_link_format_time (c->down_for_us) : g_strdup ("");
    case FIELD_MTU: return mtu != 0 ? g_strdup_printf ("%u", mtu) : g_strdup ("");
    default: g_return_val_if_reached (NULL);
    }
}

static void
put_field (Field              field,
           LabLinkConditions *c,
           const Value       *v)
{
  switch (field)
    {
    case FIELD_DELAY: c->delay_us = v->u; break;
    case FIELD_JITTER: c->jitter_us = v->u; break;
    case FIELD_LOSS: c->loss = v->d; break;
    case FIELD_BURST_START: c->burst_enter = v->d; break;
    case FIELD_BURST_END: c->burst_leave = v->d; break;
    case FIELD_BURST_LOSS: c->burst_loss = v->d; break;
    case FIELD_DUPLICATE: c->duplicate = v->d; break;
    case FIELD_REORDER: c->reorder = v->d; break;
    case FIELD_CORRUPT: c->corrupt = v->d; break;
    case FIELD_RATE: c->rate_bps = v->r; break;
    case FIELD_QUEUE: c->queue_limit = v->u != 0 ? v->u : LAB_LINK_DEFAULT_QUEUE; break;
    case FIELD_DOWN_AFTER: c->down_after_us = v->u; break;
    case FIELD_DOWN_FOR: c->down_for_us = v->u; break;
    case FIELD_MTU:
    default: g_return_if_reached ();
    }
}

/* ---- Errors at their field ---- */

static void
show_error (LabLinkPanel *self,
            Field         field,
            guint         way,
            const char   *message)
{
  GtkWidget *entry = GTK_WIDGET (self->entries[field][way]);

  if (message != NULL)
    {
      g_autofree char *where = NULL;

      if (field == FIELD_MTU)
        /* Translators: an error under a field of the Link panel: the host, then what is wrong. */
        where = g_strdup_printf (_("%s: %s"), host_name (way), message);
      else
        /* Translators: an error under a field of the Link panel: the way (“alfa → beta”), then what is wrong. */
        where = g_strdup_printf (_("%s → %s: %s"), host_name (1 - way_to_host (way)), host_name (way_to_host (way)),
                                 message);
      gtk_widget_add_css_class (entry, "error");
      gtk_label_set_text (self->errors[field], where);
      gtk_widget_set_visible (GTK_WIDGET (self->errors[field]), TRUE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, where, -1);
      return;
    }

  gtk_widget_remove_css_class (entry, "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  /* The row's label says the other way's error, if it has one */
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->entries[field][1 - way]), "error"))
    gtk_widget_set_visible (GTK_WIDGET (self->errors[field]), FALSE);
}

static gboolean
has_error (LabLinkPanel *self,
           Field         field,
           guint         way)
{
  return gtk_widget_has_css_class (GTK_WIDGET (self->entries[field][way]), "error");
}

/* ---- Applying ---- */

/* Reads the field, and applies it when the engine takes it. */
static void
apply_field (LabLinkPanel *self,
             Field         field,
             guint         way)
{
  GtkEntry *entry = self->entries[field][way];
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *shown = NULL;
  Value v = { 0 };

  if (text[0] == '\0' && field == FIELD_BURST_LOSS)
    v.d = 1.0;
  else if (text[0] != '\0' && !lab_link_parse_value (fields[field].kind, text, &v))
    {
      /* Translators: under a field of the Link panel; %s is what it takes (“a time from 0 to 10000 ms, as 80ms
       * or 1.5s”). */
      g_autofree char *message = g_strdup_printf (_("not a value it takes: it must be %s"),
                                                  lab_link_value_needs (fields[field].kind));

      show_error (self, field, way, message);
      return;
    }

  if (field == FIELD_MTU)
    {
      g_autoptr(GError) error = NULL;
      guint host = way;

      if (v.u != lab_link_get_mtu (host) && !lab_link_set_mtu (host, v.u, &error))
        {
          show_error (self, field, way, error->message);
          return;
        }
      shown = format_field (field, NULL, lab_link_get_mtu (host));
    }
  else
    {
      g_autoptr(GError) error = NULL;
      LabLinkConditions c, before;
      guint to = way_to_host (way);

      lab_link_get_conditions (to, &c);
      before = c;
      put_field (field, &c, &v);
      if (!lab_link_conditions_check (&c, &error))
        {
          show_error (self, field, way, error->message);
          return;
        }
      if (memcmp (&c, &before, sizeof c) != 0)
        lab_link_set_conditions (to, &c);
      shown = format_field (field, &c, 0);
    }

  show_error (self, field, way, NULL);
  /* As the engine read it: “80 ms” becomes 80ms */
  if (!g_str_equal (shown, gtk_editable_get_text (GTK_EDITABLE (entry))))
    gtk_editable_set_text (GTK_EDITABLE (entry), shown);
  if (self->session != NULL)
    lab_session_update_modified (self->session);
}

static void
find_field (LabLinkPanel *self,
            GtkEntry     *entry,
            Field        *field,
            guint        *way)
{
  for (guint f = 0; f < N_FIELDS; f++)
    for (guint w = 0; w < N_WAYS; w++)
      if (self->entries[f][w] == entry)
        {
          *field = f;
          *way = w;
          return;
        }
  g_assert_not_reached ();
}

static void
on_activate (GtkEntry     *entry,
             LabLinkPanel *self)
{
  Field field;
  guint way;

  find_field (self, entry, &field, &way);
  apply_field (self, field, way);
}

/* A field left applies too, while the panel is shown: not as the window
 * that holds it goes. */
static void
on_focus_leave (GtkEventControllerFocus *focus,
                LabLinkPanel            *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  on_activate (GTK_ENTRY (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus))), self);
}

/* ---- Showing ---- */

static void
show_values (LabLinkPanel *self,
             gboolean      all)
{
  for (guint way = 0; way < N_WAYS; way++)
    {
      LabLinkConditions c;

      lab_link_get_conditions (way_to_host (way), &c);
      for (Field f = 0; f < N_FIELDS; f++)
        {
          GtkWidget *entry = GTK_WIDGET (self->entries[f][way]);
          g_autofree char *text = format_field (f, &c, lab_link_get_mtu (way));

          /* What is being typed, or is wrong, stays as typed unless asked */
          if (!all && (gtk_widget_has_focus (entry) || gtk_widget_is_focus (entry) ||
                       gtk_widget_get_focus_child (entry) != NULL || has_error (self, f, way)))
            continue;
          if (all)
            show_error (self, f, way, NULL);
          if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (entry))))
            gtk_editable_set_text (GTK_EDITABLE (entry), text);
        }
    }
}

static void
set_count (GtkLabel *label,
           guint64   value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  if (!g_str_equal (text, gtk_label_get_text (label)))
    gtk_label_set_text (label, text);
}

static void
show_counters (LabLinkPanel *self)
{
  gboolean running = lab_link_is_running ();
  g_autofree char *failure = lab_link_dup_failure ();
  g_autofree char *failed = NULL;
  const char *status;

  for (guint way = 0; way < N_WAYS; way++)
    {
      LabLinkCounters c;

      lab_link_get_counters (way_to_host (way), &c);
      set_count (self->counts[COUNT_FORWARDED][way], c.forwarded);
      set_count (self->counts[COUNT_BYTES][way], c.bytes);
      set_count (self->counts[COUNT_DELAYED][way], c.delayed);
      set_count (self->counts[COUNT_LOSS][way], c.dropped_loss);
      set_count (self->counts[COUNT_BURST][way], c.dropped_burst);
      set_count (self->counts[COUNT_QUEUE][way], c.dropped_queue);
      set_count (self->counts[COUNT_DUPLICATED][way], c.duplicated);
      set_count (self->counts[COUNT_REORDERED][way], c.reordered);
      set_count (self->counts[COUNT_CORRUPTED][way], c.corrupted);
      set_count (self->counts[COUNT_DOWN][way], c.dropped_down);
      set_count (self->counts[COUNT_KERNEL][way], c.dropped_kernel);
      {
        g_autofree char *text = g_strdup_printf ("%u (%u)", c.queued, c.queued_max);

        if (!g_str_equal (text, gtk_label_get_text (self->counts[COUNT_QUEUED][way])))
          gtk_label_set_text (self->counts[COUNT_QUEUED][way], text);
      }
    }

  if (failure != NULL)
    /* Translators: %s says why the link stopped (“The lab’s link stopped: ppoll: …”). */
    status = failed = g_strdup_printf (_("%s. The kernel’s bridge forwards the frames now, without these conditions; "
                                         "change one to start the link again."), failure);
  else if (running)
    status = _("The lab’s link forwards the frames between the hosts, through these conditions.");
  else if (lab_network_is_made ())
    status = _("No condition is set: the kernel’s bridge forwards the frames, and the link counts none.");
  else
    status = _("The conditions apply to the endpoints on the lab network’s hosts, once one runs.");
  if (!g_str_equal (status, gtk_label_get_text (self->status)))
    gtk_label_set_text (self->status, status);
}

static gboolean
on_refresh (gpointer data)
{
  LabLinkPanel *self = data;

  show_counters (self);
  show_values (self, FALSE);
  return G_SOURCE_CONTINUE;
}

/**
 * lab_link_panel_refresh:
 *
 * Shows the link's conditions as the engine has them now (an experiment
 * just loaded), what was typed and not taken included.
 */
void
lab_link_panel_refresh (LabLinkPanel *self)
{
  g_return_if_fail (LAB_IS_LINK_PANEL (self));

  show_values (self, TRUE);
  show_counters (self);
}

/**
 * lab_link_panel_get_entry:
 * @host: the host the frames go to, or the MTU's host
 * @key: the experiment file's key: Delay, Loss, Rate, MTU…
 *
 * Returns: (transfer none) (nullable): the field
 */
GtkWidget *
lab_link_panel_get_entry (LabLinkPanel *self,
                          guint         host,
                          const char   *key)
{
  for (Field f = 0; f < N_FIELDS; f++)
    if (g_ascii_strcasecmp (fields[f].key, key) == 0 && host < N_WAYS)
      return GTK_WIDGET (self->entries[f][f == FIELD_MTU ? host : way_to_host (host)]);
  return NULL;
}

/**
 * lab_link_panel_get_error:
 *
 * Returns: (transfer none) (nullable): the label under the field that says
 *   what is wrong with it, visible while something is
 */
GtkWidget *
lab_link_panel_get_error (LabLinkPanel *self,
                          guint         host,
                          const char   *key)
{
  for (Field f = 0; f < N_FIELDS; f++)
    if (g_ascii_strcasecmp (fields[f].key, key) == 0 && host < N_WAYS)
      return GTK_WIDGET (self->errors[f]);
  return NULL;
}

/**
 * lab_link_panel_set_max_height:
 *
 * Its height, at most: past it, the panel scrolls.
 */
void
lab_link_panel_set_max_height (LabLinkPanel *self,
                               int           height)
{
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), height);
}

void
lab_link_panel_focus_first (LabLinkPanel *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entries[FIELD_DELAY][0]));
}

/**
 * lab_link_panel_dup_counters_text:
 *
 * Returns: (transfer full): the counters of the frames to @to_host, as
 *   shown, one “label: value” a line
 */
char *
lab_link_panel_dup_counters_text (LabLinkPanel *self,
                                  guint         to_host)
{
  GString *text = g_string_new (NULL);
  guint way = to_host == 1 ? 0 : 1;

  for (Count c = 0; c < N_COUNTS; c++)
    g_string_append_printf (text, "%s: %s\n", _(count_labels[c]), gtk_label_get_text (self->counts[c][way]));
  return g_string_free (text, FALSE);
}

/* ---- Building ---- */

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
way_label (guint way)
{
  guint to = way_to_host (way);
  /* Translators: a column of the Link panel: the frames from a host to the other (“alfa → beta”). */
  g_autofree char *text = g_strdup_printf (_("%s → %s"), host_name (1 - to), host_name (to));
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
add_field_row (LabLinkPanel *self,
               GtkGrid      *grid,
               Field         field,
               int           row)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (_(fields[field].label));
  GtkWidget *error = gtk_label_new (NULL);
  g_autofree char *tip = g_strdup_printf ("%s (%s)", _(fields[field].tip), lab_link_value_needs (fields[field].kind));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_tooltip_text (label, tip);
  gtk_grid_attach (grid, label, 0, row, 1, 1);

  for (guint way = 0; way < N_WAYS; way++)
    {
      GtkWidget *entry = gtk_entry_new ();
      GtkEventController *focus = gtk_event_controller_focus_new ();
      g_autofree char *name = NULL;
      g_autofree char *what = g_strstrip (g_strdup (_(fields[field].label)));

      /* The label without its mnemonic, and the way or the host */
      {
        GString *plain = g_string_new (NULL);

        for (const char *p = what; *p != '\0'; p++)
          if (*p != '_')
            g_string_append_c (plain, *p);
        g_free (what);
        what = g_string_free (plain, FALSE);
      }
      if (field == FIELD_MTU)
        name = g_strdup_printf ("%s, %s", what, host_name (way));
      else
        name = g_strdup_printf ("%s, %s → %s", what, host_name (1 - way_to_host (way)), host_name (way_to_host (way)));

      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 7);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_widget_set_tooltip_text (entry, tip);
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                      field == FIELD_QUEUE ? "1000" :
                                      field == FIELD_MTU ? "1500" :
                                      field == FIELD_BURST_LOSS ? "100%" :
                                      /* Translators: what an empty field of the Link panel means: nothing set. */
                                      C_("link", "none"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_signal_connect (entry, "activate", G_CALLBACK (on_activate), self);
      g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave), self);
      gtk_widget_add_controller (entry, focus);
      gtk_grid_attach (grid, entry, 1 + way, row, 1, 1);
      self->entries[field][way] = GTK_ENTRY (entry);
      if (way == 0)
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
    }

  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (error), 16);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_grid_attach (grid, error, 0, row + 1, 3, 1);
  self->errors[field] = GTK_LABEL (error);
}

static GtkWidget *
new_grid (void)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  return grid;
}

static void
build (LabLinkPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro = gtk_label_new (_("Conditions on the link between the lab network’s hosts, each way. Type "
                                      "them as protolab-cli takes them, 80ms, 10%, 1mbit, and press Enter: they "
                                      "apply at once, while the connections run. Empty: none."));
  GtkWidget *grid = new_grid ();
  GtkWidget *count_grid = new_grid ();
  int row = 0;

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (intro), 20);
  /* Narrow, so that the popover leaves the TCP chart beside it in sight */
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 40);
  gtk_box_append (GTK_BOX (box), intro);

  /* The conditions, a column each way */
  gtk_grid_attach (GTK_GRID (grid), way_label (0), 1, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), way_label (1), 2, row, 1, 1);
  row++;
  for (Field f = 0; f < FIELD_MTU; f++, row += 2)
    add_field_row (self, GTK_GRID (grid), f, row);

  /* Each host's MTU, under a column each host */
  for (guint host = 0; host < N_WAYS; host++)
    {
      GtkWidget *label = gtk_label_new (host_name (host));

      gtk_widget_add_css_class (label, "heading");
      gtk_widget_set_margin_top (label, 6);
      gtk_grid_attach (GTK_GRID (grid), label, 1 + host, row, 1, 1);
    }
  add_field_row (self, GTK_GRID (grid), FIELD_MTU, row + 1);
  gtk_box_append (GTK_BOX (box), grid);

  /* What the link did */
  gtk_box_append (GTK_BOX (box), heading (_("What the link did")));
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_width_chars (self->status, 20);
  gtk_label_set_max_width_chars (self->status, 40);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));
  /* Numbers right-aligned under their ways: the ways' names kept apart */
  gtk_grid_set_column_spacing (GTK_GRID (count_grid), 24);
  gtk_grid_attach (GTK_GRID (count_grid), way_label (0), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (count_grid), way_label (1), 2, 0, 1, 1);
  for (Count c = 0; c < N_COUNTS; c++)
    {
      GtkWidget *label = gtk_label_new (_(count_labels[c]));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_grid_attach (GTK_GRID (count_grid), label, 0, 1 + c, 1, 1);
      for (guint way = 0; way < N_WAYS; way++)
        {
          GtkWidget *value = gtk_label_new ("0");

          gtk_label_set_xalign (GTK_LABEL (value), 1);
          gtk_widget_add_css_class (value, "numeric");
          gtk_grid_attach (GTK_GRID (count_grid), value, 1 + way, 1 + c, 1, 1);
          self->counts[c][way] = GTK_LABEL (value);
        }
    }
  gtk_box_append (GTK_BOX (box), count_grid);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), 600);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), box);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

static void
lab_link_panel_map (GtkWidget *widget)
{
  LabLinkPanel *self = LAB_LINK_PANEL (widget);

  GTK_WIDGET_CLASS (lab_link_panel_parent_class)->map (widget);
  show_counters (self);
  show_values (self, FALSE);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, on_refresh, self);
}

static void
lab_link_panel_unmap (GtkWidget *widget)
{
  LabLinkPanel *self = LAB_LINK_PANEL (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (lab_link_panel_parent_class)->unmap (widget);
}

static void
lab_link_panel_dispose (GObject *object)
{
  LabLinkPanel *self = LAB_LINK_PANEL (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lab_link_panel_parent_class)->dispose (object);
}

static void
lab_link_panel_class_init (LabLinkPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_link_panel_dispose;
  widget_class->map = lab_link_panel_map;
  widget_class->unmap = lab_link_panel_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "linkpanel");
}

static void
lab_link_panel_init (LabLinkPanel *self)
{
  build (self);
}

/**
 * lab_link_panel_new:
 * @session: (nullable): the bench whose experiment saves the link: told
 *   when a value changes
 */
GtkWidget *
lab_link_panel_new (LabSession *session)
{
  LabLinkPanel *self = g_object_new (LAB_TYPE_LINK_PANEL, NULL);

  if (session != NULL)
    self->session = g_object_ref (session);
  show_values (self, TRUE);
  show_counters (self);
  return GTK_WIDGET (self);
}
