/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-bytes-view.h"
#include "lab-endpoint-panel.h"
#include "lab-event-details.h"
#include "lab-link-panel.h"
#include "lab-state-diagram.h"
#include "lab-step-bar.h"
#include "lab-tcp-chart.h"
#include "lab-timeline-view.h"
#include "lab-wire-view.h"
#include "lab-window.h"

G_BEGIN_DECLS

/* The window, as its three files share it: lab-window.c lays out the
 * bench, the timeline and the inspector; lab-window-actions.c holds the
 * win.* actions; lab-window-files.c opens, saves and exports. */

#define LAB_EXPERIMENT_SUFFIX ".protolab"

/* What to do once a question is answered or a save is done, if it goes
 * on (see lab-window-unsaved.c) */
typedef void (*LabWindowGoOn) (LabWindow *self,
                               gpointer   data);
typedef struct _LabWindowNext LabWindowNext;

struct _LabWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  LabSession           *session;
  LabTimelineView      *timeline_view;
  LabWireView          *wire_view;
  LabLinkPanel         *link_panel;
  LabTcpChart          *tcp_chart;
  gboolean              choosing;        /* one of the timeline and the wire follows the other */
  LabStepBar           *step_bar;
  LabEndpointPanel     *current_panel;
  guint                 scroll_idle;
  gboolean              presenting;
  gboolean              placed;
  gboolean              bench_placed;  /* in presentation mode, the bench's share of the height set */
  gboolean              may_close;       /* asked, and answered: close */
  GtkWidget            *question;        /* the one asked now, if any (weak) */

  GtkBox               *content;         /* the window's child, so not bound */
  GtkHeaderBar         *header_bar;      /* the titlebar, so not bound */
  GFile                *file;            /* the experiment's, once opened or saved */
  guint64               shown_connection; /* the one in the bytes view, to export */
  char                 *export_kind;
  GtkNativeDialog      *chooser;
  GCancellable         *cancellable;     /* of the files read and written */
  GtkLabel             *play_notes;      /* under the lesson's title: what Play did */

  /* Template widgets (none a direct child of the window: GTK 4.8 would
   * unparent them twice on dispose) */
  GtkWidget            *add_button;
  GtkBox               *bench_box;
  GtkScrolledWindow    *bench_scroller;
  GtkStack             *bench_stack;
  GtkWidget            *breakpoints_button;
  LabBytesView         *bytes_view;
  LabEventDetails      *details;
  GtkBox               *inspector_box;
  GtkBox               *left_box;
  GtkMenuButton        *link_button;
  GtkPopover           *link_popover;
  GtkStack             *inspector_stack;
  GtkMenuButton        *lessons_button;
  GtkLabel             *lesson_notes;
  GtkRevealer          *lesson_revealer;
  GtkScrolledWindow    *lesson_scroller;
  GtkPaned             *outer_paned;
  GtkWidget            *play_button;
  GtkHeaderBar         *presentation_bar;
  GtkMenuButton        *primary_menu_button;
  GtkLabel             *lesson_steps;
  GtkLabel             *lesson_title;
  GMenu                *lessons_section;
  GtkPaned             *main_paned;
  GMenu                *recent_section;
  LabStateDiagram      *state_diagram;
  GtkBox               *states_box;
  GtkBox               *chart_slot;
  GtkWidget            *step_toggle;
  GtkBox               *timeline_slot;
  GtkBox               *wire_slot;
};

/* lab-window.c */
LabEndpoint *lab_window_add_endpoint (LabWindow       *self,
                                      LabEndpointKind  kind);
void  lab_window_load_experiment     (LabWindow       *self,
                                      LabExperiment   *experiment,
                                      GFile           *file);
void  lab_window_show_message        (LabWindow       *self,
                                      GtkMessageType   type,
                                      const char      *primary,
                                      const char      *secondary);

/* lab-window-actions.c */
void  lab_window_save                (LabWindow       *self,
                                      LabWindowNext   *next);
void  lab_window_actions_class_init  (LabWindowClass  *klass);
void  lab_window_actions_init        (LabWindow       *self);
void  lab_window_actions_update      (LabWindow       *self);

/* lab-window-files.c */
void  lab_window_files_init          (LabWindow       *self);
void  lab_window_files_open_lesson   (LabWindow       *self,
                                      const char      *id);
void  lab_window_files_save_to       (LabWindow       *self,
                                      GFile           *file,
                                      LabWindowNext   *next);
void  lab_window_files_export_to     (LabWindow       *self,
                                      const char      *kind,
                                      GFile           *file);
char *lab_window_files_export_name   (LabWindow       *self,
                                      const char      *kind);

/* lab-window-unsaved.c */
LabWindowNext *lab_window_next_new   (LabWindowGoOn    go_on,
                                      gpointer         data,
                                      GDestroyNotify   destroy);
void  lab_window_next_go_on          (LabWindowNext   *next,
                                      LabWindow       *self);
void  lab_window_next_free           (LabWindowNext   *next);
void  lab_window_ask_discard         (LabWindow       *self,
                                      const char      *question,
                                      LabWindowNext   *next);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabWindowNext, lab_window_next_free)

G_END_DECLS
