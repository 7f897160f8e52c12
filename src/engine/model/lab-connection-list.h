/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "lab-connection-private.h"

G_BEGIN_DECLS

/* The closed connections an endpoint keeps, the last ones; older ones are
 * forgotten, and counted. */
#define LAB_CONNECTION_LIST_KEEP_CLOSED 100

typedef struct _LabConnectionList LabConnectionList;

LabConnectionList *lab_connection_list_new           (void);
void               lab_connection_list_free          (LabConnectionList *self);
GListModel        *lab_connection_list_get_model     (LabConnectionList *self);
void               lab_connection_list_clear         (LabConnectionList *self);
LabConnection     *lab_connection_list_lookup        (LabConnectionList *self,
                                                      guint64            id);
LabConnection     *lab_connection_list_ensure        (LabConnectionList *self,
                                                      LabTimeline       *timeline,
                                                      guint              endpoint_id,
                                                      const LabRecord   *record);
void               lab_connection_list_apply         (LabConnectionList *self,
                                                      LabConnection     *connection,
                                                      const LabRecord   *record,
                                                      gboolean           end);
gboolean           lab_connection_list_forget_old    (LabConnectionList *self);
guint              lab_connection_list_get_forgotten (LabConnectionList *self);

G_END_DECLS
