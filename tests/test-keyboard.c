/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-endpoint-panel.h"
#include "lab-send-box.h"
#include "lab-send-repeat.h"
#include "lab-step-bar.h"
#include "lab-test-ui.h"
#include "lab-timeline-view.h"
#include "lab-window.h"

/* The window as a teacher at a projector uses it, from the keyboard: real
 * key presses, sent to the window's X window by xdotool, through the same
 * path a keyboard's take. */

static void
press (GtkWindow  *window,
       const char *keys)
{
  lab_test_ui_focus_x_window (window);
  lab_test_ui_xdotool ("key", "--clearmodifiers", keys, NULL);
}

static LabWindow *
open_window (void)
{
  LabApplication *app = lab_test_ui_application ();
  LabWindow *window = lab_window_new (GTK_APPLICATION (app), lab_application_get_session (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  lab_test_ui_present (GTK_WINDOW (window));
  lab_test_ui_settle ();
  return window;
}

static void
close_window (LabWindow *window)
{
  LabSession *session = lab_window_get_session (window);
  GListModel *endpoints = lab_session_get_endpoints (session);

  lab_session_continue (session);
  lab_session_set_step_mode (session, FALSE);
  while (g_list_model_get_n_items (endpoints) > 0)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (endpoints, 0);

      lab_session_remove (session, endpoint);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  lab_test_ui_settle ();
}

static gboolean
has_port (gpointer data)
{
  return lab_endpoint_get_port (data) != 0;
}

static gboolean
is_held (gpointer data)
{
  return g_list_model_get_n_items (lab_endpoint_get_paused (data)) > 0;
}

static LabEndpoint *
start_server (LabSession *session)
{
  LabEndpoint *server = lab_session_add (session, LAB_ENDPOINT_TCP_SERVER);

  g_object_set (lab_endpoint_get_config (server), "port", 0, NULL);
  g_assert_true (lab_endpoint_start (server, NULL));
  lab_test_ui_wait (has_port, server, 10000);
  return server;
}

/* The call @endpoint holds now. */
static LabEvent *
held_call (LabEndpoint *endpoint)
{
  LabEvent *held = g_list_model_get_item (lab_endpoint_get_paused (endpoint), 0);

  g_assert_nonnull (held);
  return held;
}

typedef struct {
  LabEndpoint *endpoint;
  LabEvent    *held;
} Step;

/* The call held before is made: another is held, or none. */
static gboolean
has_stepped (gpointer data)
{
  Step *step = data;
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (step->endpoint), 0);

  return held != step->held;
}

static void
assert_hint (LabWindow   *window,
             LabEndpoint *endpoint,
             const char  *key)
{
  g_autoptr(LabEvent) held = g_list_model_get_item (lab_endpoint_get_paused (endpoint), 0);
  g_autofree char *panel_hint = g_strdup_printf ("Held before %s (): press %s to make it",
                                                 lab_event_get_call_name (held), key);
  g_autofree char *bar_hint = g_strdup_printf ("when you press %s", key);
  g_autofree char *bar = lab_step_bar_dup_text (LAB_STEP_BAR (lab_window_get_step_bar (window)));

  g_assert_nonnull (lab_test_ui_find_label (lab_window_get_panel (window, endpoint), panel_hint));
  g_assert_nonnull (strstr (bar, bar_hint));
}

/* A client held in step mode, its send box focused: the hints say F10,
 * Space is typed, F10 steps. Focus on a button: the hints say Space, and
 * Space steps without pressing the button. */
static void
test_keyboard_step (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpoint *server = start_server (session);
  LabEndpoint *client = lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  GtkWidget *panel = lab_window_get_panel (window, client);
  GtkWidget *entry = NULL;
  GtkWidget *stop_button = NULL;
  Step step = { client, NULL };

  g_object_set (lab_endpoint_get_config (client), "port", (guint) lab_endpoint_get_port (server), NULL);
  lab_endpoint_set_step_mode (client, TRUE);
  g_assert_true (lab_endpoint_start (client, NULL));
  lab_test_ui_wait (is_held, client, 10000);
  lab_test_ui_settle ();

  /* Its send box, and its Stop button. */
  for (GtkWidget *w = panel; w != NULL; )
    {
      if (GTK_IS_TEXT (w) && entry == NULL && gtk_widget_is_sensitive (w) && gtk_widget_get_mapped (w))
        entry = w;
      if (GTK_IS_BUTTON (w) && stop_button == NULL && gtk_widget_get_mapped (w) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), _("_Stop")) == 0)
        stop_button = w;
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != panel && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == panel ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (entry);
  g_assert_nonnull (stop_button);

  gtk_widget_grab_focus (entry);
  lab_test_ui_settle ();
  assert_hint (window, client, "F10");

  /* Space is typed; the call stays held. */
  step.held = held_call (client);
  press (GTK_WINDOW (window), "space");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, " ");
  g_assert_false (has_stepped (&step));

  /* F10 makes it, the focus where it was. */
  press (GTK_WINDOW (window), "F10");
  lab_test_ui_wait (has_stepped, &step, 10000);
  g_clear_object (&step.held);
  g_assert_true (gtk_widget_has_focus (entry));

  /* On a button, Space steps, and does not press it. */
  lab_test_ui_wait (is_held, client, 10000);
  gtk_widget_grab_focus (stop_button);
  lab_test_ui_settle ();
  assert_hint (window, client, "Space");
  step.held = held_call (client);
  press (GTK_WINDOW (window), "space");
  lab_test_ui_wait (has_stepped, &step, 10000);
  g_clear_object (&step.held);
  g_assert_true (lab_endpoint_is_active (client));

  /* And back in the field, F10 again. */
  lab_test_ui_wait (is_held, client, 10000);
  gtk_widget_grab_focus (entry);
  lab_test_ui_settle ();
  assert_hint (window, client, "F10");

  close_window (window);
}

static gboolean
focus_is_in (GtkWidget *window,
             GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static gboolean
has_rows (gpointer data)
{
  GListModel *rows = lab_timeline_view_get_model (data);

  return g_list_model_get_n_items (rows) >= GPOINTER_TO_UINT (g_object_get_data (data, "lab-test-rows"));
}

static void
wait_rows (LabTimelineView *view,
           guint            n)
{
  g_object_set_data (G_OBJECT (view), "lab-test-rows", GUINT_TO_POINTER (n));
  lab_timeline_flush (lab_session_get_timeline (lab_application_get_session (lab_test_ui_application ())));
  lab_test_ui_wait (has_rows, view, 10000);
  lab_test_ui_settle ();
}

static gboolean
is_at_bottom (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2;
}

/* Whether the list shows its newest row at its foot, and the focused row
 * is that one. */
static void
assert_follows (LabTimelineView *view,
                GtkWidget       *window)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *row = gtk_root_get_focus (GTK_ROOT (window));
  graphene_rect_t bounds;

  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >=,
                     gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2);
  g_assert_true (gtk_widget_compute_bounds (row, scroller, &bounds));
  /* The newest row is the last one drawn: nothing below it. */
  g_assert_cmpfloat (bounds.origin.y + 2 * bounds.size.height, >, gtk_widget_get_height (scroller));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (scroller) + 1);
}

/* Tab from the widget before the list lands in it, on the newest row; the
 * next Tab leaves it, Shift+Tab comes back; new rows are still followed. */
static void
test_keyboard_timeline (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabTimelineView *view = LAB_TIMELINE_VIEW (lab_window_get_timeline_view (window));
  GtkWidget *list = NULL;
  GtkWidget *clear = NULL;
  guint n;

  /* Enough rows to scroll: servers that start. */
  for (guint i = 0; i < 6; i++)
    start_server (session);
  n = g_list_model_get_n_items (lab_timeline_view_get_model (view));
  wait_rows (view, n);

  /* The widget before the list: the toolbar's last button, Clear. */
  for (GtkWidget *w = GTK_WIDGET (view); w != NULL; w = gtk_widget_get_first_child (w))
    if (GTK_IS_BOX (w) && gtk_widget_get_first_child (w) != NULL)
      {
        GtkWidget *toolbar = gtk_widget_get_first_child (w);

        clear = gtk_widget_get_last_child (toolbar);
        break;
      }
  g_assert_true (GTK_IS_BUTTON (clear));
  /* Past the words shown in a flood, hidden. */
  list = gtk_widget_get_next_sibling (gtk_widget_get_parent (clear));
  while (list != NULL && !gtk_widget_get_visible (list))
    list = gtk_widget_get_next_sibling (list);
  g_assert_true (GTK_IS_SCROLLED_WINDOW (list));

  gtk_widget_grab_focus (clear);
  press (GTK_WINDOW (window), "Tab");
  g_assert_true (focus_is_in (GTK_WIDGET (window), list));
  assert_follows (view, GTK_WIDGET (window));

  /* One Tab leaves it, Shift+Tab comes back, one more goes before it. */
  press (GTK_WINDOW (window), "Tab");
  g_assert_false (focus_is_in (GTK_WIDGET (window), GTK_WIDGET (view)));
  press (GTK_WINDOW (window), "shift+Tab");
  g_assert_true (focus_is_in (GTK_WIDGET (window), list));
  assert_follows (view, GTK_WIDGET (window));
  press (GTK_WINDOW (window), "shift+Tab");
  g_assert_true (gtk_widget_has_focus (clear));

  /* Tabbed in again, it goes on following as rows come. */
  press (GTK_WINDOW (window), "Tab");
  n = g_list_model_get_n_items (lab_timeline_view_get_model (view));
  for (guint i = 0; i < 4; i++)
    start_server (session);
  wait_rows (view, n + 4);
  g_assert_true (focus_is_in (GTK_WIDGET (window), list));
  lab_test_ui_wait (is_at_bottom, gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (list)), 5000);

  /* Up moves within it. */
  press (GTK_WINDOW (window), "Up");
  g_assert_true (focus_is_in (GTK_WIDGET (window), list));

  close_window (window);
}

/* Destroyed, or hidden for the windows GTK keeps to show again. */
static gboolean
is_closed (gpointer data)
{
  GtkWidget *dialog = *(GtkWidget **) data;

  return dialog == NULL || !gtk_widget_get_mapped (dialog);
}

/* Escape closes the Code window and About. */
static void
test_keyboard_escape (void)
{
  LabWindow *window = open_window ();
  LabEndpoint *server = lab_session_add (lab_window_get_session (window), LAB_ENDPOINT_TCP_SERVER);
  GtkWindow *code = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  struct {
    const char *action;
    GVariant   *target;
  } dialogs[] = {
    { "win.show-code", g_variant_new_uint32 (lab_endpoint_get_id (server)) },
    { "app.about", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
    {
      g_test_message ("%s", dialogs[i].action);
      gtk_widget_activate_action_variant (GTK_WIDGET (window), dialogs[i].action, dialogs[i].target);
      lab_test_ui_settle ();
      code = NULL;
      for (guint j = 0; j < g_list_model_get_n_items (toplevels); j++)
        {
          g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, j);

          if (toplevel != GTK_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (toplevel)))
            code = toplevel;
        }
      g_assert_nonnull (code);
      g_object_add_weak_pointer (G_OBJECT (code), (gpointer *) &code);
      press (code, "Escape");
      lab_test_ui_wait (is_closed, &code, 5000);
      if (code != NULL)
        g_object_remove_weak_pointer (G_OBJECT (code), (gpointer *) &code);
    }

  close_window (window);
}

static void
collect_shortcuts (GtkWidget  *root,
                   GHashTable *actions,
                   GHashTable *accels)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (root))
    {
      g_autofree char *action = NULL;
      g_autofree char *accel = NULL;

      g_object_get (root, "action-name", &action, "accelerator", &accel, NULL);
      if (action != NULL)
        g_hash_table_add (actions, g_steal_pointer (&action));
      if (accel != NULL)
        {
          g_auto(GStrv) each = g_strsplit (accel, " ", -1);

          for (guint i = 0; each[i] != NULL; i++)
            g_hash_table_add (accels, g_strdup (each[i]));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, actions, accels);
}

/* Every action with a key is in the Shortcuts window, and the keys of
 * step mode; Lessons, Step Mode and the main menu have theirs, which work. */
static void
test_keyboard_shortcuts (void)
{
  LabWindow *window = open_window ();
  GtkApplication *app = GTK_APPLICATION (lab_test_ui_application ());
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_autoptr(GHashTable) actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) described = gtk_application_list_action_descriptions (app);
  const char *needed[] = { "win.lessons", "win.step-mode", "win.main-menu" };
  const char *keys[] = { "space", "F10", "F5", "Escape" };
  LabSession *session = lab_window_get_session (window);

  g_assert_nonnull (overlay);
  collect_shortcuts (GTK_WIDGET (overlay), actions, accels);

  for (guint i = 0; described[i] != NULL; i++)
    {
      g_auto(GStrv) its = gtk_application_get_accels_for_action (app, described[i]);

      g_test_message ("%s: %s", described[i], its[0]);
      if (its[0] != NULL)
        g_assert_true (g_hash_table_contains (actions, described[i]));
    }
  /* And nothing in the window without its key. */
  {
    GHashTableIter iter;
    const char *action;

    g_hash_table_iter_init (&iter, actions);
    while (g_hash_table_iter_next (&iter, (gpointer *) &action, NULL))
      {
        g_auto(GStrv) its = gtk_application_get_accels_for_action (app, action);

        g_assert_nonnull (its[0]);
      }
  }
  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_auto(GStrv) its = gtk_application_get_accels_for_action (app, needed[i]);

      g_assert_nonnull (its[0]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (g_hash_table_contains (accels, keys[i]));

  /* The keys, pressed. */
  press (GTK_WINDOW (window), "F9");
  g_assert_true (lab_session_get_step_mode (session));
  press (GTK_WINDOW (window), "F9");
  g_assert_false (lab_session_get_step_mode (session));

  press (GTK_WINDOW (window), "ctrl+l");
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_POPOVER));
  press (GTK_WINDOW (window), "Escape");
  g_assert_null (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_POPOVER));

  press (GTK_WINDOW (window), "ctrl+F10");
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_POPOVER_MENU));
  press (GTK_WINDOW (window), "Escape");

  close_window (window);
}

static gboolean
has_text_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && gtk_label_get_text (GTK_LABEL (root))[0] != '\0')
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_text_label (child))
      return TRUE;

  return FALSE;
}

/* The buttons below @root that show and have no name: no label, no
 * tooltip, no accessible label. */
static void
find_unnamed (GtkWidget *root,
              GString   *unnamed,
              guint     *n_buttons)
{
  gboolean button = (GTK_IS_BUTTON (root) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (root))) ||
                    GTK_IS_MENU_BUTTON (root);

  if (button && gtk_widget_get_mapped (root))
    (*n_buttons)++;
  if (button && gtk_widget_get_mapped (root) && !has_text_label (root) &&
      gtk_widget_get_tooltip_text (root) == NULL &&
      !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_string_append_printf (unnamed, " %s (in %s)", G_OBJECT_TYPE_NAME (root),
                            G_OBJECT_TYPE_NAME (gtk_widget_get_parent (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_unnamed (child, unnamed, n_buttons);
}

/* The fields below @root that show and have no name: an entry, a
 * spin button, a drop-down, a check button or a switch with no label of
 * its own, no label that labels it (LABELLED_BY, which a label's
 * mnemonic widget gets too), no accessible label and no tooltip. */
static void
find_unnamed_fields (GtkWidget *root,
                     GString   *unnamed,
                     guint     *n_fields)
{
  gboolean field = GTK_IS_ENTRY (root) || GTK_IS_SPIN_BUTTON (root) || GTK_IS_DROP_DOWN (root) ||
                   GTK_IS_CHECK_BUTTON (root) || GTK_IS_SWITCH (root);

  if (field && gtk_widget_get_mapped (root))
    {
      (*n_fields)++;
      if (!has_text_label (root) && gtk_widget_get_tooltip_text (root) == NULL &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
          !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_string_append_printf (unnamed, " %s %s (in %s)", G_OBJECT_TYPE_NAME (root),
                                gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (root)));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_unnamed_fields (child, unnamed, n_fields);
}

/* Every button that shows has a name a screen reader can say, with the
 * bench full and step mode on. */
static void
test_keyboard_names (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  g_autoptr(GString) unnamed = g_string_new (NULL);
  guint n_buttons = 0, n_fields = 0;
  LabEndpoint *server = start_server (session);
  LabEndpoint *client = lab_session_add (session, LAB_ENDPOINT_UDP_CLIENT);

  lab_session_add (session, LAB_ENDPOINT_UDP_SERVER);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) lab_endpoint_get_port (server), NULL);
  lab_session_set_step_mode (session, TRUE);
  lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  lab_test_ui_settle ();

  find_unnamed (GTK_WIDGET (window), unnamed, &n_buttons);
  g_assert_cmpstr (unnamed->str, ==, "");
  /* The header bar's, the panels', the timeline's and the step bar's. */
  g_assert_cmpuint (n_buttons, >, 20);

  /* And every field, each panel's Advanced unfolded. */
  for (guint i = 0; i < g_list_model_get_n_items (lab_session_get_endpoints (session)); i++)
    {
      g_autoptr(LabEndpoint) endpoint = g_list_model_get_item (lab_session_get_endpoints (session), i);
      GtkWidget *panel = lab_window_get_panel (window, endpoint);

      gtk_expander_set_expanded (GTK_EXPANDER (gtk_widget_get_template_child (panel, LAB_TYPE_ENDPOINT_PANEL,
                                                                               "advanced_expander")), TRUE);
    }
  lab_test_ui_settle ();
  find_unnamed_fields (GTK_WIDGET (window), unnamed, &n_fields);
  g_assert_cmpstr (unnamed->str, ==, "");
  g_assert_cmpuint (n_fields, >, 20);

  close_window (window);
}

static gboolean
is_hidden (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

/* Ctrl+? opens the Shortcuts window, whole and with no warning from GTK;
 * Escape closes it, and the window has the keys again. */
static void
test_keyboard_shortcuts_window (void)
{
  LabWindow *window = open_window ();
  GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  press (GTK_WINDOW (window), "ctrl+question");
  lab_test_ui_wait_mapped (overlay);
  lab_test_ui_wait_drawn (overlay);
  g_assert_nonnull (lab_test_ui_find_label (overlay, "Make the call held longest, while typing in a field"));

  press (GTK_WINDOW (overlay), "Escape");
  lab_test_ui_wait (is_hidden, overlay, 5000);
  press (GTK_WINDOW (window), "F9");
  g_assert_true (lab_session_get_step_mode (lab_window_get_session (window)));
  press (GTK_WINDOW (window), "F9");

  close_window (window);
}

/* The message dialogs shown: the questions asked. */
static guint
n_questions (void)
{
  guint n;

  lab_test_ui_find_message_dialog (&n);
  return n;
}

static gboolean
has_question (gpointer data)
{
  return n_questions () > 0;
}

static gboolean
has_no_question (gpointer data)
{
  return n_questions () == 0;
}

static GtkWindow *
question (void)
{
  GtkWindow *dialog = lab_test_ui_find_message_dialog (NULL);

  g_assert_nonnull (dialog);
  return dialog;
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Ctrl+Q with a server running asks first, as closing the window does;
 * Ctrl+Q again, or the window closed again, while it asks asks nothing
 * more; Escape keeps the bench; Discard quits. */
static void
test_keyboard_quit (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpoint *server = start_server (session);
  g_autoptr(LabExperiment) saved = lab_session_dup_experiment (session);
  gpointer weak = window;

  /* Nothing unsaved: what it asks about is the server running. */
  lab_session_set_saved (session, saved);
  g_assert_false (lab_session_get_modified (session));
  press (GTK_WINDOW (window), "ctrl+q");
  lab_test_ui_wait (has_question, NULL, 5000);
  g_assert_cmpuint (n_questions (), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  press (GTK_WINDOW (window), "ctrl+q");
  gtk_window_close (GTK_WINDOW (window));
  lab_test_ui_settle ();
  g_assert_cmpuint (n_questions (), ==, 1);

  press (question (), "Escape");
  lab_test_ui_wait (has_no_question, NULL, 5000);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (lab_endpoint_is_active (server));

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  press (GTK_WINDOW (window), "ctrl+q");
  lab_test_ui_wait (has_question, NULL, 5000);
  press (question (), "alt+d");
  lab_test_ui_wait (is_gone, &weak, 5000);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (lab_test_ui_application ())));
  lab_session_stop_all (session);
  lab_session_remove (session, server);
}

static guint64
bytes_in (LabEndpoint *server)
{
  g_autoptr(LabConnection) connection = g_list_model_get_item (lab_endpoint_get_connections (server), 0);

  return connection != NULL ? lab_connection_get_bytes_in (connection) : 0;
}

static gboolean
has_eight_bytes (gpointer data)
{
  return bytes_in (data) >= 8;
}

static void
assert_entry (GtkWidget  *entry,
              const char *text)
{
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, text);
}

/* What is typed and sent, with real keys: Up and Down go back and forth
 * through it, newest first; a repeat every 5 ms, typed and entered, is
 * refused at its field, and nothing more is sent. */
static void
test_keyboard_send_history (void)
{
  LabWindow *window = open_window ();
  LabSession *session = lab_window_get_session (window);
  LabEndpoint *server = start_server (session);
  LabEndpoint *client = lab_session_add (session, LAB_ENDPOINT_TCP_CLIENT);
  GtkWidget *panel = lab_window_get_panel (window, client);
  GtkWidget *box = lab_test_ui_child (panel, LAB_TYPE_ENDPOINT_PANEL, "send_box");
  GtkWidget *entry = lab_test_ui_child (box, LAB_TYPE_SEND_BOX, "entry");
  GtkWidget *repeat = lab_test_ui_child (box, LAB_TYPE_SEND_BOX, "repeat");
  GtkWidget *interval = lab_test_ui_child (repeat, LAB_TYPE_SEND_REPEAT, "interval_entry");

  g_object_set (lab_endpoint_get_config (server), "behaviour", LAB_BEHAVIOUR_DISCARD, NULL);
  g_object_set (lab_endpoint_get_config (client), "port", (guint) lab_endpoint_get_port (server), NULL);
  g_assert_true (lab_endpoint_start (client, NULL));
  lab_test_ui_wait (has_port, client, 10000);

  gtk_widget_grab_focus (entry);
  lab_test_ui_focus_x_window (GTK_WINDOW (window));
  lab_test_ui_xdotool ("type", "--delay", "20", "uno", NULL);
  lab_test_ui_xdotool ("key", "--clearmodifiers", "Return", NULL);
  lab_test_ui_xdotool ("type", "--delay", "20", "dos", NULL);
  lab_test_ui_xdotool ("key", "--clearmodifiers", "Return", NULL);
  lab_test_ui_wait (has_eight_bytes, server, 10000);
  assert_entry (entry, "");

  press (GTK_WINDOW (window), "Up");
  assert_entry (entry, "dos");
  press (GTK_WINDOW (window), "Up");
  assert_entry (entry, "uno");
  press (GTK_WINDOW (window), "Up");
  assert_entry (entry, "uno");
  press (GTK_WINDOW (window), "Down");
  assert_entry (entry, "dos");
  press (GTK_WINDOW (window), "Down");
  assert_entry (entry, "");

  /* The repeat, unfolded; 5 ms typed over its interval, and Enter. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tres");
  gtk_expander_set_expanded (GTK_EXPANDER (lab_test_ui_child (repeat, LAB_TYPE_SEND_REPEAT, "expander")), TRUE);
  lab_test_ui_settle ();
  gtk_widget_grab_focus (interval);
  press (GTK_WINDOW (window), "ctrl+a");
  lab_test_ui_xdotool ("type", "--delay", "20", "5", NULL);
  lab_test_ui_xdotool ("key", "--clearmodifiers", "Return", NULL);
  assert_entry (interval, "5");
  g_assert_false (lab_send_repeat_get_running (LAB_SEND_REPEAT (repeat)));
  g_assert_true (gtk_widget_get_visible (lab_test_ui_child (repeat, LAB_TYPE_SEND_REPEAT, "interval_error")));
  g_assert_true (gtk_widget_has_css_class (interval, "error"));
  lab_test_ui_settle ();
  g_assert_cmpuint (bytes_in (server), ==, 8);

  lab_endpoint_stop (client);
  lab_endpoint_stop (server);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  /* xdotool speaks X: the window must be an X window. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (!lab_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/keyboard/step", test_keyboard_step);
  g_test_add_func ("/keyboard/timeline", test_keyboard_timeline);
  g_test_add_func ("/keyboard/escape", test_keyboard_escape);
  g_test_add_func ("/keyboard/shortcuts", test_keyboard_shortcuts);
  g_test_add_func ("/keyboard/names", test_keyboard_names);
  g_test_add_func ("/keyboard/quit", test_keyboard_quit);
  g_test_add_func ("/keyboard/shortcuts-window", test_keyboard_shortcuts_window);
  g_test_add_func ("/keyboard/send-history", test_keyboard_send_history);

  return g_test_run ();
}
