/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "lab-program-private.h"

/* Behaviours: what a server does with what it receives. Echo sends back
 * what came (raw: the very chunk; framed: each message, framed again),
 * uppercase answers each line in capitals, speak first sends the time and
 * closes, discard and manual send nothing by themselves. A quit message
 * (bye) ends the connection, as the course's threaded server does. Each
 * message gets an answer of its own, sent on its own, as the course's line
 * server calls sendall () once per line: one recv () that brought two lines
 * makes two sends. */

GBytes *
lab_behaviour_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%d %H:%M:%S\n");

  return g_bytes_new (text, strlen (text));
}

static gboolean
is_quit_message (LabRun *run,
                 GBytes *message)
{
  const char *quit = run->config->quit_message;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autofree char *text = NULL;

  if (quit == NULL || quit[0] == '\0')
    return FALSE;

  /* As the course's server does: message.strip () == "bye". */
  text = g_strstrip (g_strndup (data, len));
  return g_str_equal (text, quit);
}

GBytes *
lab_behaviour_uppercase (GBytes *message)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);
  guint8 *upper = g_malloc (len);

  /* bytes.upper () changes ASCII letters only. */
  for (gsize i = 0; i < len; i++)
    upper[i] = (guint8) g_ascii_toupper ((char) data[i]);

  return g_bytes_new_take (upper, len);
}

/**
 * lab_behaviour_reply:
 *
 * What a server does with bytes it received, by its behaviour: the answers
 * to send, one per message and each to be sent on its own, and whether
 * the client asked to end.
 *
 * Returns: (transfer full) (nullable) (element-type GBytes): the answers,
 *   in order, or %NULL when there is none
 */
GPtrArray *
lab_behaviour_reply (LabWorker  *w,
                     LabSock    *s,
                     LabDecoder *decoder,
                     GBytes     *data,
                     gboolean   *quit)
{
  LabRun *run = w->run;
  LabEndpointConfig *c = run->config;
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  *quit = FALSE;

  /* Raw echo sends back the very chunk, untouched. */
  if (c->behaviour == LAB_BEHAVIOUR_ECHO && c->framing == LAB_FRAMING_RAW)
    {
      if (is_quit_message (run, data))
        {
          *quit = TRUE;
          return NULL;
        }
      g_ptr_array_add (answers, g_bytes_ref (data));
      return g_steal_pointer (&answers);
    }

  lab_decoder_push (decoder, bytes, len);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) message = lab_decoder_next (decoder, NULL, &error);
      GBytes *answer = NULL;

      if (error != NULL)
        {
          lab_record_note (run, w, s, LAB_NOTE_FRAMING_ERROR, error->message);
          break;
        }
      if (message == NULL)
        break;

      if (is_quit_message (run, message))
        {
          *quit = TRUE;
          break;
        }

      switch (c->behaviour)
        {
        case LAB_BEHAVIOUR_ECHO:
          answer = lab_framing_encode (c->framing, c->fixed_size, message, NULL);
          break;
        case LAB_BEHAVIOUR_UPPER:
          {
            g_autoptr(GBytes) upper = lab_behaviour_uppercase (message);

            answer = lab_framing_encode (c->framing == LAB_FRAMING_RAW ? LAB_FRAMING_LINES : c->framing,
                                         c->fixed_size, upper, NULL);
          }
          break;
        case LAB_BEHAVIOUR_TIME:
        case LAB_BEHAVIOUR_DISCARD:
        case LAB_BEHAVIOUR_MANUAL:
        default:
          break;
        }

      if (answer != NULL && g_bytes_get_size (answer) > 0)
        g_ptr_array_add (answers, answer);
      else if (answer != NULL)
        g_bytes_unref (answer);
    }

  if (answers->len == 0)
    return NULL;
  return g_steal_pointer (&answers);
}

LabDecoder *
lab_behaviour_new_decoder (LabEndpointConfig *c)
{
  /* Uppercasing goes line by line, as the course's server does. */
  LabFraming framing = c->behaviour == LAB_BEHAVIOUR_UPPER && c->framing == LAB_FRAMING_RAW
                       ? LAB_FRAMING_LINES : c->framing;

  return lab_decoder_new (framing, c->fixed_size, 0);
}

/**
 * lab_behaviour_answer_datagram:
 *
 * Returns: (nullable): what a UDP server answers to one datagram: each is
 *   a message of its own
 */
GBytes *
lab_behaviour_answer_datagram (LabEndpointConfig *c,
                               GBytes            *datagram)
{
  switch (c->behaviour)
    {
    case LAB_BEHAVIOUR_ECHO:
      return g_bytes_ref (datagram);
    case LAB_BEHAVIOUR_UPPER:
      return lab_behaviour_uppercase (datagram);
    case LAB_BEHAVIOUR_TIME:
      return lab_behaviour_time ();
    case LAB_BEHAVIOUR_DISCARD:
    case LAB_BEHAVIOUR_MANUAL:
    default:
      return NULL;
    }
}
