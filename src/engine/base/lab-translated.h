/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A text kept by where it comes from, so that it reads in the language of
 * the moment wherever it is shown, even after the language was switched:
 * the same in every language (a name typed, a file's own text), a file's
 * value with its translations (Title=…, Title[es]=…), or one of the lab's
 * own messages with a number (“TCP server %u”). A value is a list of
 * texts (a lesson's steps); a single text is a list of one. Made, then
 * only read: it may be shared between threads. */

typedef struct _LabTranslated LabTranslated;

#define LAB_TYPE_TRANSLATED (lab_translated_get_type ())

GType               lab_translated_get_type        (void) G_GNUC_CONST;

LabTranslated      *lab_translated_new             (const char          *text);
LabTranslated      *lab_translated_new_list        (const char * const  *texts);
LabTranslated      *lab_translated_new_numbered    (const char          *msgid,
                                                    guint                number);
void                lab_translated_add_translation (LabTranslated       *self,
                                                    const char          *locale,
                                                    const char * const  *texts);
LabTranslated      *lab_translated_ref             (LabTranslated       *self);
void                lab_translated_unref           (LabTranslated       *self);

const char         *lab_translated_get             (LabTranslated       *self);
const char * const *lab_translated_get_list        (LabTranslated       *self);

const char * const *lab_translated_get_untranslated (LabTranslated      *self);
GStrv               lab_translated_dup_locales     (LabTranslated       *self);
const char * const *lab_translated_get_translation (LabTranslated       *self,
                                                    const char          *locale);
const char         *lab_translated_get_msgid       (LabTranslated       *self,
                                                    guint               *number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTranslated, lab_translated_unref)

G_END_DECLS
