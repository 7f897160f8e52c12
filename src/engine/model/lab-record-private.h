/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "lab-call.h"
#include "lab-enums.h"
#include "lab-record.h"

G_BEGIN_DECLS

/* A record: one event as the timeline keeps it, 96 bytes whatever its kind.
 * Threads write records as they happen; the store is an array of them; a
 * LabEvent is made from one only when something asks for an object (a row
 * on screen, a line to print). Text is made from a record only when it is
 * read. What does not fit — the bytes that crossed, the first bytes a send
 * gave, texts — lies in the timeline's two arenas, by position: bytes in the
 * payload arena, texts in the text arena. */

/* An address, kept in the record itself: IPv4 or IPv6, and a port. */
typedef struct {
  guint8  family;               /* 0 (none), AF_INET or AF_INET6 */
  guint8  reserved;
  guint16 port;                 /* in the host's order */
  guint8  bytes[16];
} LabAddr;

typedef enum {
  LAB_RECORD_BLOCKING        = 1 << 0,   /* a call shown while it waits */
  LAB_RECORD_FINISHED        = 1 << 1,   /* a call that returned */
  LAB_RECORD_INSTRUMENTATION = 1 << 2,   /* the lab's own call to watch the kernel */
  LAB_RECORD_PENDING         = 1 << 3,   /* a call held before it is made */
  LAB_RECORD_HAS_QUEUE       = 1 << 4,   /* a state with an accept queue */
  LAB_RECORD_END             = 1 << 5,   /* the end of a blocking call recorded before */
  LAB_RECORD_GIO             = 1 << 6,   /* made by the GIO backend, else the POSIX one */
  LAB_RECORD_TRACED          = 1 << 7,   /* made by a traced program, seen by the tracer */
} LabRecordFlags;

/* A call's duration, in microseconds up to half an hour, in milliseconds
 * (top bit set) beyond: exact where it is seen, whole for a day-long wait. */
#define LAB_DURATION_MS_BIT 0x80000000u

struct _LabRecord
{
  guint64   seq;
  gint64    begin_us;
  guint64   blob;               /* in an arena; LAB_ARENA_NONE when none */
  guint32   blob_len;
  guint32   duration;
  guint32   conn;
  gint32    fd;
  guint16   endpoint_id;
  guint16   run;
  guint16   thread;
  guint8    kind;               /* LabEventKind */
  guint8    op;                 /* LabOp */
  guint8    call;               /* LabCall */
  guint8    flags;              /* LabRecordFlags */
  guint8    sub;                /* a state's LabTcpState, data's LabDirection, a note's LabNote */
  guint8    previous;           /* a state's previous LabTcpState */
  LabAddr   address;            /* a call's argument or what it returned; a state's or a datagram's peer */
  union {
    /* Calls */
    struct {
      gint64  result;
      gint32  args[3];
      gint32  err;
    };
    /* Kernel states */
    struct {
      guint32 queue_len;
      guint32 queue_limit;
    };
    /* Data; a packet: real_len its length on the wire, and, in the
     * common fields, sub its host, fd its interface (LabCaptureInterface),
     * blob its first bytes */
    struct {
      guint64 offset;           /* where its bytes start in its connection's stream, that way */
      guint32 real_len;         /* how many bytes crossed: more than kept for a truncated datagram */
      /* A packet the link held or dropped: its LabLinkVerdict, and the
       * number that goes with it; 0 (passed) for any other */
      guint8  link_verdict;
      /* A TCP segment the capture saw: which duplicate ACK in a row */
      guint8  dup_ack;
      guint8  link_reserved[2];
      guint32 link_value;
    };
  };
};

G_STATIC_ASSERT (sizeof (LabRecord) == 96);

static inline gboolean
lab_record_has (const LabRecord *record,
                LabRecordFlags   flag)
{
  return (record->flags & flag) != 0;
}

static inline void
lab_record_set (LabRecord      *record,
                LabRecordFlags  flag,
                gboolean        on)
{
  if (on)
    record->flags |= flag;
  else
    record->flags &= ~flag;
}

/* A traced call's source line, by its number in the timeline's table of
 * lines (lab_timeline_intern_line()), 0 for none: in a call's sub and
 * previous, which only states and data use. */
static inline guint16
lab_record_get_line (const LabRecord *record)
{
  return record->kind == LAB_EVENT_CALL ? (guint16) (record->sub | (record->previous << 8)) : 0;
}

static inline void
lab_record_set_line (LabRecord *record,
                     guint16    line)
{
  record->sub = line & 0xff;
  record->previous = line >> 8;
}

/* Whether a record's blob lies in the payload arena, else in the text arena. */
static inline gboolean
lab_record_blob_is_payload (const LabRecord *record)
{
  return record->kind == LAB_EVENT_DATA || record->kind == LAB_EVENT_PACKET || record->kind == LAB_EVENT_TCP_SAMPLE ||
         (record->kind == LAB_EVENT_CALL && (record->op == LAB_OP_SEND || record->op == LAB_OP_SENDTO));
}

void            lab_record_init         (LabRecord       *record,
                                         LabEventKind     kind);
void            lab_record_set_duration (LabRecord       *record,
                                         gint64           end_us);
gint64          lab_record_get_end_us   (const LabRecord *record);
void            lab_addr_set            (LabAddr         *addr,
                                         GSocketAddress  *address);
GSocketAddress *lab_addr_to_address     (const LabAddr   *addr);
gboolean        lab_addr_is_set         (const LabAddr   *addr);
gboolean        lab_addr_equal          (const LabAddr   *a,
                                         const LabAddr   *b);
guint           lab_addr_hash           (gconstpointer    addr);
gboolean        lab_addr_equal_func     (gconstpointer    a,
                                         gconstpointer    b);

G_END_DECLS
