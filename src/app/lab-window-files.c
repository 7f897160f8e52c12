/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "lab-export.h"
#include "lab-lessons.h"
#include "lab-window-private.h"

/* The experiment's files: opening one (chosen, recent, dropped or a
 * lesson), saving the bench, and exporting the timeline. A file that
 * cannot be used is said in a dialog, and the bench stays as it was.
 *
 * What is written is made here, in the main context that holds the
 * session and its timeline; only the reading and writing of the disk go
 * on meanwhile, and the window's cancellable stops them when it closes. */

/* A file larger than an experiment can be is read one byte past the
 * limit, then refused by the engine as too large. */
#define READ_LIMIT (LAB_EXPERIMENT_MAX_FILE_SIZE + 1)

/* ---- Files and lessons ---- */

/* A bundled lesson: never saved over, nor listed as recent. */
static gboolean
is_lesson (GFile *file)
{
  return file != NULL && g_file_has_uri_scheme (file, "resource");
}

static char *
display_name (GFile *file)
{
  /* A lesson is named by its title elsewhere; a file by its name. */
  if (is_lesson (file))
    return g_file_get_basename (file);
  return g_file_get_parse_name (file);
}

static void
remember_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  if (!is_lesson (file))
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

/* Where Save writes from now on, having read or written @file: nowhere
 * for a lesson, for which Save asks where. */
static GFile *
own_file (GFile *file)
{
  return is_lesson (file) ? NULL : file;
}

/* ---- Tasks ---- */

static GTask *
new_task (LabWindow           *self,
          gpointer             source_tag,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, self->cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static gboolean
finish_task (LabWindow     *self,
             GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  LabWindow *self = g_task_get_source_object (task);
  GFile *file = G_FILE (source);
  GError *error = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* A window closed meanwhile takes nothing, and says nothing. */
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The experiment saved is the window's from now on, and the bench as
   * it was then is what it has not changed from. */
  if (g_task_get_source_tag (task) == lab_window_save_file_async)
    {
      g_set_object (&self->file, own_file (file));
      remember_recent (file);
      lab_session_set_saved (self->session, g_task_get_task_data (task));
    }
  g_task_return_boolean (task, TRUE);
}

/* Writes @bytes to @file in the meantime; then @task returns. */
static void
write_bytes (GTask  *task,
             GFile  *file,
             GBytes *bytes)
{
  static const char nothing[1];
  g_autoptr(GBytes) empty = NULL;

  /* Nothing to write is still a file: written from a buffer that is. */
  if (g_bytes_get_size (bytes) == 0)
    bytes = empty = g_bytes_new_static (nothing, 0);

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       g_task_get_cancellable (task), on_written, task);
}

/* A save or an export asked for: the file, and what comes once it is
 * written. */
typedef struct {
  GFile         *file;
  LabWindowNext *next;
} Saving;

static Saving *
saving_new (GFile         *file,
            LabWindowNext *next)
{
  Saving *saving = g_new0 (Saving, 1);

  saving->file = g_object_ref (file);
  saving->next = next;
  return saving;
}

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->file);
  lab_window_next_free (saving->next);
  g_free (saving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

/* What came of a save or an export to @data: said, unless the window was
 * closed meanwhile; once saved, what comes next. */
static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  LabWindow *self = LAB_WINDOW (source);
  g_autoptr(Saving) saving = data;
  GFile *file = saving->file;
  g_autoptr(GError) error = NULL;
  gboolean complete = TRUE;

  if (g_task_get_source_tag (G_TASK (result)) == lab_window_export_async)
    lab_window_export_finish (self, result, &complete, &error);
  else
    lab_window_save_file_finish (self, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      g_autofree char *name = display_name (file);
      /* Translators: %s is the name of a file. */
      g_autofree char *primary = g_strdup_printf (_("Could not save “%s”"), name);

      lab_window_show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
    }
  else if (!complete)
    lab_window_show_message (self, GTK_MESSAGE_WARNING, _("Not every byte could be saved"),
                             _("The lab keeps only the newest bytes of a long exchange; the oldest of this "
                               "connection were no longer kept, so the file holds what was."));
  if (error == NULL && saving->next != NULL)
    lab_window_next_go_on (g_steal_pointer (&saving->next), self);
}

/* ---- Opening ---- */

/* Says why @file gave no experiment. */
static void
say_not_opened (LabWindow    *self,
                GFile        *file,
                const GError *error)
{
  g_autofree char *name = display_name (file);
  /* Translators: %s is the name of a file. */
  g_autofree char *primary = g_strdup_printf (_("Could not open “%s”"), name);

  lab_window_show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
}

/* Puts @experiment, read from @file, on the bench, and says what of it
 * was left out. */
static void
put_on_bench (LabWindow     *self,
              GFile         *file,
              LabExperiment *experiment)
{
  const char *const *warnings;

  lab_window_load_experiment (self, experiment, own_file (file));
  remember_recent (file);

  warnings = lab_experiment_get_warnings (experiment);
  if (warnings[0] != NULL)
    {
      g_autofree char *name = display_name (file);
      g_autofree char *primary = g_strdup_printf (_("Parts of “%s” were left out"), name);
      g_autofree char *secondary = g_strjoinv ("\n", (GStrv) warnings);

      lab_window_show_message (self, GTK_MESSAGE_WARNING, primary, secondary);
    }
}

/* An experiment read, to replace the bench once the user lets it. */
typedef struct {
  GTask         *task;         /* (nullable): returned once opened, or not */
  GFile         *file;
  LabExperiment *experiment;
} Opening;

static void
opening_free (Opening *opening)
{
  /* Not opened: the bench was kept. */
  if (opening->task != NULL)
    g_task_return_new_error (opening->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The bench was kept"));
  g_clear_object (&opening->task);
  g_object_unref (opening->file);
  g_object_unref (opening->experiment);
  g_free (opening);
}

static void
open_now (LabWindow *self,
          gpointer   data)
{
  Opening *opening = data;

  put_on_bench (self, opening->file, opening->experiment);
  if (opening->task != NULL)
    g_task_return_boolean (opening->task, TRUE);
  g_clear_object (&opening->task);
}

/* Opens @experiment, read from @file, once the bench may go; then @task
 * (nullable, transfer full) returns. */
static void
open_when_let (LabWindow     *self,
               GFile         *file,
               LabExperiment *experiment,
               GTask         *task)
{
  Opening *opening = g_new0 (Opening, 1);
  g_autofree char *question = NULL;

  opening->task = task;
  opening->file = g_object_ref (file);
  opening->experiment = g_object_ref (experiment);

  if (is_lesson (file))
    /* Translators: %s is a lesson's title. */
    question = g_strdup_printf (_("Open the lesson “%s”?"), lab_experiment_get_title (experiment));
  else
    {
      g_autofree char *name = display_name (file);

      /* Translators: %s is the name of a file. */
      question = g_strdup_printf (_("Open “%s”?"), name);
    }
  lab_window_ask_discard (self, question, lab_window_next_new (open_now, opening, (GDestroyNotify) opening_free));
}

static gboolean
read_on (const char *contents,
         goffset     size,
         gpointer    data)
{
  return size <= READ_LIMIT;
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  LabWindow *self = g_task_get_source_object (task);
  GFile *file = G_FILE (source);
  g_autoptr(LabExperiment) experiment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_load_partial_contents_finish (file, result, &contents, &length, NULL, &error))
    experiment = lab_experiment_new_from_data (contents, length, &error);

  /* A window closed meanwhile opens nothing, and says nothing. */
  if (g_task_return_error_if_cancelled (task))
    return;

  if (experiment == NULL)
    {
      say_not_opened (self, file, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open_when_let (self, file, experiment, g_steal_pointer (&task));
}

/**
 * lab_window_open_file_async:
 * @callback: (nullable): called once the file is open, or was not
 *
 * Replaces the bench with the experiment in @file, read from the disk in
 * the meantime. A file that cannot be read is said in a dialog, with the
 * line and key at fault, and the bench is left as it was. A bench with
 * endpoints running or unsaved changes asks first: kept, it was not
 * opened (%G_IO_ERROR_CANCELLED). Closing the window stops it.
 */
void
lab_window_open_file_async (LabWindow           *self,
                            GFile               *file,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = new_task (self, lab_window_open_file_async, callback, user_data);
  g_file_load_partial_contents_async (file, self->cancellable, read_on, on_file_loaded, task);
}

/**
 * lab_window_open_file_finish:
 *
 * Returns: whether the file was opened, with @error saying why not
 */
gboolean
lab_window_open_file_finish (LabWindow     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_task (self, result, lab_window_open_file_async, error);
}

/**
 * lab_window_files_open_lesson:
 * @id: a lesson's, as lab_lessons_list() names it
 */
void
lab_window_files_open_lesson (LabWindow  *self,
                              const char *id)
{
  g_autoptr(GFile) file = lab_lessons_file (id);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabExperiment) lesson = lab_lessons_load (id, &error);

  /* A lesson is in the program itself, not on a disk: it opens at once,
   * unless the bench asks first. */
  if (lesson == NULL)
    say_not_opened (self, file, error);
  else
    open_when_let (self, file, lesson, NULL);
}

/* ---- Saving ---- */

/**
 * lab_window_save_file_async:
 * @callback: (nullable): called once it is saved, or could not be
 *
 * Saves the bench, as it is now, to @file, which becomes the experiment's
 * once it is written. Closing the window stops it.
 */
void
lab_window_save_file_async (LabWindow           *self,
                            GFile               *file,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(LabExperiment) experiment = NULL;
  LabExperiment *as_is;
  g_autoptr(GBytes) bytes = NULL;
  GTask *task;
  char *data;
  gsize length;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* What the bench has not changed from, once written */
  as_is = lab_session_dup_experiment (self->session);
  experiment = lab_session_dup_experiment (self->session);
  if (lab_experiment_get_title (experiment)[0] == '\0')
    {
      g_autofree char *base = g_file_get_basename (file);

      if (g_str_has_suffix (base, LAB_EXPERIMENT_SUFFIX))
        base[strlen (base) - strlen (LAB_EXPERIMENT_SUFFIX)] = '\0';
      lab_experiment_set_title (experiment, base);
    }
  data = lab_experiment_to_data (experiment, &length);
  bytes = g_bytes_new_take (data, length);

  task = new_task (self, lab_window_save_file_async, callback, user_data);
  g_task_set_task_data (task, as_is, g_object_unref);
  write_bytes (task, file, bytes);
}

/**
 * lab_window_save_file_finish:
 *
 * Returns: whether it was saved, with @error saying why not
 */
gboolean
lab_window_save_file_finish (LabWindow     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_task (self, result, lab_window_save_file_async, error);
}

/**
 * lab_window_files_save_to:
 * @next: (nullable) (transfer full): done once it is saved
 *
 * Saves the experiment to @file, and says so if it could not.
 */
void
lab_window_files_save_to (LabWindow     *self,
                          GFile         *file,
                          LabWindowNext *next)
{
  lab_window_save_file_async (self, file, on_saved, saving_new (file, next));
}

/* ---- Exports ---- */

/* What each item of the Export menu writes: the timeline formats, the
 * handout, or (with no format) a connection's bytes. */
static const struct {
  const char      *kind;
  LabExportFormat  format;
} export_kinds[] = {
  { "text", LAB_EXPORT_TEXT },
  { "csv", LAB_EXPORT_CSV },
  { "jsonl", LAB_EXPORT_JSONL },
  { "handout", LAB_EXPORT_HTML },
  { "tcp-samples", LAB_EXPORT_TCP_SAMPLES_CSV },
};

static gboolean
export_format (const char      *kind,
               LabExportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_kinds); i++)
    if (g_str_equal (kind, export_kinds[i].kind))
      {
        *format = export_kinds[i].format;
        return TRUE;
      }

  return FALSE;
}

/* The export of @kind, made from the timeline as it is now; @complete says
 * whether a connection's bytes are all there. */
static GBytes *
make_export (LabWindow   *self,
             const char  *kind,
             gboolean    *complete,
             GError     **error)
{
  GListModel *events = G_LIST_MODEL (lab_session_get_timeline (self->session));
  g_autoptr(GOutputStream) out = NULL;
  LabExportFormat format;
  gboolean made;

  lab_timeline_flush (lab_session_get_timeline (self->session));

  if (g_str_equal (kind, "bytes"))
    return lab_export_connection_bytes (events, self->shown_connection, LAB_DIRECTION_IN, complete);

  out = g_memory_output_stream_new_resizable ();
  if (g_str_equal (kind, "handout"))
    {
      const char *title = lab_session_get_title (self->session);

      made = lab_export_handout (self->session, events, title[0] != '\0' ? title : _("A Protolab session"),
                                 lab_session_get_notes (self->session), out, NULL, error);
    }
  else if (export_format (kind, &format))
    made = lab_export_timeline (events, format, out, NULL, error);
  else
    g_assert_not_reached ();

  if (!made || !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/**
 * lab_window_export_async:
 * @kind: `text`, `csv`, `jsonl`, `handout`, or `bytes` (what the
 *   connection in the bytes view received)
 * @callback: (nullable): called once it is written, or could not be
 *
 * Writes the session's timeline, or a connection's bytes, to @file: made
 * now, from the timeline as it is, and written in the meantime. Closing
 * the window stops it.
 */
void
lab_window_export_async (LabWindow           *self,
                         const char          *kind,
                         GFile               *file,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean complete = TRUE;

  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (kind != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = new_task (self, lab_window_export_async, callback, user_data);
  bytes = make_export (self, kind, &complete, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, GINT_TO_POINTER (complete), NULL);
  write_bytes (g_steal_pointer (&task), file, bytes);
}

/**
 * lab_window_export_finish:
 * @complete: (out) (optional): set to whether every byte of the
 *   connection is in the file: the timeline lets go of the oldest
 *
 * Returns: whether it was written, with @error saying why not
 */
gboolean
lab_window_export_finish (LabWindow     *self,
                          GAsyncResult  *result,
                          gboolean      *complete,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (complete != NULL)
    *complete = GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)));
  return finish_task (self, result, lab_window_export_async, error);
}

/**
 * lab_window_files_export_to:
 * @kind: as lab_window_export_async() takes it
 *
 * Exports to @file, and says so if it could not, or not every byte.
 */
void
lab_window_files_export_to (LabWindow  *self,
                            const char *kind,
                            GFile      *file)
{
  lab_window_export_async (self, kind, file, on_saved, saving_new (file, NULL));
}

/**
 * lab_window_files_export_name:
 * @kind: as lab_window_export_async() takes it
 *
 * Returns: (transfer full): a name for the export's file, from the
 *   experiment's title
 */
char *
lab_window_files_export_name (LabWindow  *self,
                              const char *kind)
{
  const char *title = lab_session_get_title (self->session);
  g_autofree char *base = g_strdup (title[0] != '\0' ? title : _("timeline"));
  LabExportFormat format;

  g_strdelimit (base, "/\\", '-');
  if (g_str_equal (kind, "tcp-samples"))
    /* Translators: the end of the name of the file of the TCP samples exported, after the experiment's title. */
    return g_strdup_printf ("%s-%s.csv", base, _("tcp-samples"));
  if (export_format (kind, &format))
    return g_strdup_printf ("%s.%s", base, lab_export_format_suggest_extension (format));
  return g_strdup_printf ("%s-%" G_GUINT64_FORMAT ".bin", base, self->shown_connection);
}

/* ---- The menus, and a file dropped ---- */

static char *
lab_replace_all (const char *text,
                 const char *from,
                 const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static void
build_lessons_menu (LabWindow *self)
{
  g_auto(GStrv) ids = lab_lessons_list ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabExperiment) lesson = lab_lessons_load (ids[i], &error);
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;

      if (lesson == NULL)
        {
          g_warning ("Lesson %s: %s", ids[i], error->message);
          continue;
        }
      /* A menu reads _ as a mnemonic: SO_REUSEADDR keeps its own. */
      label = lab_replace_all (lab_experiment_get_title (lesson), "_", "__");
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-lesson", g_variant_new_string (ids[i]));
      g_menu_append_item (self->lessons_section, item);
    }
}

#define MAX_RECENT 8

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return g_date_time_compare (tb, ta);
}

static void
build_recent_menu (LabWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) experiments = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    if (g_str_has_suffix (gtk_recent_info_get_uri (l->data), LAB_EXPERIMENT_SUFFIX) &&
        gtk_recent_info_is_local (l->data))
      g_ptr_array_add (experiments, l->data);
  g_ptr_array_sort (experiments, newest_first);

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; i < experiments->len && i < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = experiments->pdata[i];
      g_autofree char *label = lab_replace_all (gtk_recent_info_get_display_name (info), "_", "__");
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (gtk_recent_info_get_uri (info)));
      g_menu_append_item (self->recent_section, item);
    }
  if (experiments->len == 0)
    {
      /* Named after an action that nothing provides: shown, greyed, it does nothing. */
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No experiment opened yet"), "win.no-recent");

      g_menu_append_item (self->recent_section, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         LabWindow     *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;

  lab_window_open_file_async (self, g_value_get_object (value), NULL, NULL);
  return TRUE;
}

/**
 * lab_window_files_init:
 *
 * Fills in the Lessons and Open Recent menus, and follows the recent
 * files; a file dropped on the window is opened.
 */
void
lab_window_files_init (LabWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  build_lessons_menu (self);
  build_recent_menu (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (build_recent_menu), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
