/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lab-address.h"
#include "lab-endpoint-config-private.h"
#include "lab-error.h"
#include "lab-network.h"
#include "lab-util.h"

G_DEFINE_FINAL_TYPE (LabEndpointConfig, lab_endpoint_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_BACKEND,
  PROP_BIND_ADDRESS,
  PROP_HOST,
  PROP_PORT,
  PROP_FAMILY,
  PROP_BACKLOG,
  PROP_REUSEADDR,
  PROP_RCVBUF,
  PROP_SNDBUF,
  PROP_NODELAY,
  PROP_MAX_CLIENTS,
  PROP_CONCURRENCY,
  PROP_BEHAVIOUR,
  PROP_FRAMING,
  PROP_FIXED_SIZE,
  PROP_BUFFER_SIZE,
  PROP_QUIT_MESSAGE,
  PROP_CONNECT_TIMEOUT,
  PROP_RECV_TIMEOUT,
  PROP_LOCAL_ADDRESS,
  PROP_LOCAL_PORT,
  PROP_UDP_CONNECT,
  PROP_INITIAL_DATA,
  PROP_SENDALL,
  PROP_SHUTDOWN_AFTER_SEND,
  PROP_EXPECT_BYTES,
  PROP_MAX_CONNECTIONS,
  PROP_SEND_CHUNK,
  PROP_SEND_COUNT,
  PROP_NETWORK_HOST,
  PROP_COUNT,
  PROP_INTERVAL,
  PROP_COMMAND,
  PROP_WORKING_DIRECTORY,
  PROP_ENVIRONMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

LabEndpointConfig *
lab_endpoint_config_new (LabEndpointKind kind)
{
  return g_object_new (LAB_TYPE_ENDPOINT_CONFIG, "kind", kind, NULL);
}

LabEndpointKind
lab_endpoint_config_get_kind (LabEndpointConfig *self)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (self), LAB_ENDPOINT_TCP_SERVER);

  return self->kind;
}

gboolean
lab_endpoint_config_is_server (LabEndpointConfig *self)
{
  return lab_endpoint_kind_is_server (self->kind);
}

gboolean
lab_endpoint_config_is_tcp (LabEndpointConfig *self)
{
  return lab_endpoint_kind_is_tcp (self->kind);
}

/**
 * lab_endpoint_config_bind_client_timeouts:
 *
 * Makes a client's receive timeout follow its connect timeout, now and
 * whenever it changes, for a form or a command line that offers a client
 * one timeout. A client whose two were set apart (a file's, a receive
 * timeout of its own) keeps them apart. A server has no connect timeout:
 * its receive timeout is left alone.
 */
void
lab_endpoint_config_bind_client_timeouts (LabEndpointConfig *self)
{
  g_return_if_fail (LAB_IS_ENDPOINT_CONFIG (self));

  if (lab_endpoint_config_is_server (self) ||
      (self->recv_timeout != 0 && self->recv_timeout != self->connect_timeout))
    return;

  g_object_bind_property (self, "connect-timeout", self, "recv-timeout", G_BINDING_SYNC_CREATE);
}

/**
 * lab_endpoint_config_copy:
 *
 * Returns: (transfer full): a new configuration with every property of
 *   @self
 */
LabEndpointConfig *
lab_endpoint_config_copy (LabEndpointConfig *self)
{
  LabEndpointConfig *copy;

  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (self), NULL);

  copy = lab_endpoint_config_new (self->kind);
  for (guint i = PROP_KIND + 1; i < N_PROPS; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, properties[i]->value_type);
      g_object_get_property (G_OBJECT (self), properties[i]->name, &value);
      g_object_set_property (G_OBJECT (copy), properties[i]->name, &value);
    }

  return copy;
}

gboolean
lab_endpoint_config_equal (LabEndpointConfig *a,
                           LabEndpointConfig *b)
{
  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (a), FALSE);
  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (b), FALSE);

  for (guint i = PROP_KIND; i < N_PROPS; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      g_value_init (&va, properties[i]->value_type);
      g_value_init (&vb, properties[i]->value_type);
      g_object_get_property (G_OBJECT (a), properties[i]->name, &va);
      g_object_get_property (G_OBJECT (b), properties[i]->name, &vb);

      if (i == PROP_INITIAL_DATA)
        {
          GBytes *ba = g_value_get_boxed (&va);
          GBytes *bb = g_value_get_boxed (&vb);

          if ((ba == NULL) != (bb == NULL) || (ba != NULL && !g_bytes_equal (ba, bb)))
            return FALSE;
        }
      else if (properties[i]->value_type == G_TYPE_STRV)
        {
          const char * const *sa = g_value_get_boxed (&va);
          const char * const *sb = g_value_get_boxed (&vb);
          const char * const none[] = { NULL };

          if (!g_strv_equal (sa != NULL ? sa : none, sb != NULL ? sb : none))
            return FALSE;
        }
      else if (g_param_values_cmp (properties[i], &va, &vb) != 0)
        return FALSE;
    }

  return TRUE;
}

/**
 * lab_endpoint_config_ping_gio_text:
 *
 * Returns: why a ping cannot be made with GIO, in the language of the moment
 */
const char *
lab_endpoint_config_ping_gio_text (void)
{
  return _("GIO cannot ping: GSocketType has no raw type, and g_socket_new () takes no protocol but "
           "GSocketProtocol’s (TCP, UDP, SCTP), so it opens no ICMP socket, neither socket (AF_INET, "
           "SOCK_RAW, IPPROTO_ICMP) nor socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP). A ping makes the BSD "
           "calls: choose POSIX.");
}

/**
 * lab_endpoint_config_validate:
 *
 * Checks what can be checked before starting: addresses, ports, sizes.
 * What only the kernel can say (a port in use) comes when it runs.
 *
 * Returns: whether the endpoint can start, with @error saying why not
 */
static gboolean lab_endpoint_config_validate_program (LabEndpointConfig  *self,
                                                      GError            **error);

gboolean
lab_endpoint_config_validate (LabEndpointConfig  *self,
                              GError            **error)
{
  gboolean on_lab;

  g_return_val_if_fail (LAB_IS_ENDPOINT_CONFIG (self), FALSE);

  on_lab = self->network_host != NULL && self->network_host[0] != '\0';
  if (on_lab && lab_network_find_host (self->network_host) == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("The lab network has no host named “%s”"),
                   self->network_host);
      return FALSE;
    }

  /* On the lab network, a host's name stands for its address. */
  if (lab_endpoint_config_is_server (self))
    {
      g_autoptr(GInetAddress) address = NULL;

      if (on_lab && lab_network_find_host (self->bind_address) != NULL)
        ;
      else if ((address = lab_parse_bind_address (self->bind_address, error)) == NULL)
        return FALSE;
    }
  else if (lab_endpoint_kind_is_program (self->kind))
    return lab_endpoint_config_validate_program (self, error);
  else if (lab_endpoint_kind_is_ping (self->kind))
    {
      /* GIO opens no ICMP socket: GSocketType has no raw type, and
       * g_socket_new () refuses a protocol GSocketProtocol does not name. */
      if (self->backend == LAB_BACKEND_GIO)
        {
          g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, lab_endpoint_config_ping_gio_text ());
          return FALSE;
        }
      /* A ping reaches an address: it has no port. */
      if (!lab_validate_host (self->host, error))
        return FALSE;
    }
  else
    {
      g_autofree char *port = g_strdup_printf ("%u", self->port);

      if (!lab_validate_host (self->host, error))
        return FALSE;
      if (!lab_parse_port (port, FALSE, NULL, error))
        return FALSE;

      if (self->local_address != NULL && self->local_address[0] != '\0' &&
          !(on_lab && lab_network_find_host (self->local_address) != NULL))
        {
          g_autoptr(GInetAddress) local = lab_parse_bind_address (self->local_address, error);

          if (local == NULL)
            return FALSE;
        }
    }

  if (self->framing == LAB_FRAMING_FIXED && self->fixed_size == 0)
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                           _("Fixed-size framing needs a size of at least one byte"));
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_command_line_format:
 *
 * Returns: (transfer full): @command as a shell would read it back, each
 *   argument quoted only where it needs to be
 */
char *
lab_command_line_format (const char * const *command)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; command[i] != NULL; i++)
    {
      gboolean plain = command[i][0] != '\0' && strpbrk (command[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") == NULL;
      g_autofree char *quoted = plain ? NULL : g_shell_quote (command[i]);

      if (i > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, plain ? command[i] : quoted);
    }
  return g_string_free (line, FALSE);
}

/* A traced program: a command that can be run, from a folder that is one. */
static gboolean
lab_endpoint_config_validate_program (LabEndpointConfig  *self,
                                      GError            **error)
{
  g_autofree char *found = NULL;

  if (self->command == NULL || self->command[0] == NULL || self->command[0][0] == '\0')
    {
      g_set_error_literal (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("Say which program to run"));
      return FALSE;
    }
  if (self->working_directory != NULL && self->working_directory[0] != '\0' &&
      !g_file_test (self->working_directory, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("There is no folder “%s” to run the program in"),
                   self->working_directory);
      return FALSE;
    }
  if (strchr (self->command[0], '/') == NULL && (found = g_find_program_in_path (self->command[0])) == NULL)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG, _("No program named “%s” is found in PATH"),
                   self->command[0]);
      return FALSE;
    }
  for (guint i = 0; self->environment != NULL && self->environment[i] != NULL; i++)
    if (strchr (self->environment[i], '=') == NULL || self->environment[i][0] == '=')
      {
        g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID_CONFIG,
                     _("“%s” is not a variable of the environment: write NAME=value"), self->environment[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
set_strv (char               ***field,
          const char * const   *value)
{
  const char * const none[] = { NULL };

  if (g_strv_equal ((const char * const *) (*field != NULL ? *field : (char **) none), value != NULL ? value : none))
    return FALSE;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  return TRUE;
}

static void
lab_endpoint_config_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabEndpointConfig *self = LAB_ENDPOINT_CONFIG (object);

  switch (prop_id)
    {
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_BACKEND: g_value_set_enum (value, self->backend); break;
    case PROP_BIND_ADDRESS: g_value_set_string (value, self->bind_address); break;
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_FAMILY: g_value_set_enum (value, self->family); break;
    case PROP_BACKLOG: g_value_set_int (value, self->backlog); break;
    case PROP_REUSEADDR: g_value_set_boolean (value, self->reuseaddr); break;
    case PROP_RCVBUF: g_value_set_int (value, self->rcvbuf); break;
    case PROP_SNDBUF: g_value_set_int (value, self->sndbuf); break;
    case PROP_NODELAY: g_value_set_boolean (value, self->nodelay); break;
    case PROP_MAX_CLIENTS: g_value_set_uint (value, self->max_clients); break;
    case PROP_CONCURRENCY: g_value_set_enum (value, self->concurrency); break;
    case PROP_BEHAVIOUR: g_value_set_enum (value, self->behaviour); break;
    case PROP_FRAMING: g_value_set_enum (value, self->framing); break;
    case PROP_FIXED_SIZE: g_value_set_uint (value, self->fixed_size); break;
    case PROP_BUFFER_SIZE: g_value_set_uint (value, self->buffer_size); break;
    case PROP_QUIT_MESSAGE: g_value_set_string (value, self->quit_message); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_timeout); break;
    case PROP_RECV_TIMEOUT: g_value_set_uint (value, self->recv_timeout); break;
    case PROP_LOCAL_ADDRESS: g_value_set_string (value, self->local_address); break;
    case PROP_NETWORK_HOST: g_value_set_string (value, self->network_host); break;
    case PROP_LOCAL_PORT: g_value_set_uint (value, self->local_port); break;
    case PROP_UDP_CONNECT: g_value_set_boolean (value, self->udp_connect); break;
    case PROP_INITIAL_DATA: g_value_set_boxed (value, self->initial_data); break;
    case PROP_SENDALL: g_value_set_boolean (value, self->sendall); break;
    case PROP_SHUTDOWN_AFTER_SEND: g_value_set_boolean (value, self->shutdown_after_send); break;
    case PROP_EXPECT_BYTES: g_value_set_uint64 (value, self->expect_bytes); break;
    case PROP_MAX_CONNECTIONS: g_value_set_uint (value, self->max_connections); break;
    case PROP_SEND_CHUNK: g_value_set_uint (value, self->send_chunk); break;
    case PROP_SEND_COUNT: g_value_set_uint (value, self->send_count); break;
    case PROP_COUNT: g_value_set_uint (value, self->count); break;
    case PROP_INTERVAL: g_value_set_uint (value, self->interval); break;
    case PROP_COMMAND: g_value_set_boxed (value, self->command); break;
    case PROP_WORKING_DIRECTORY: g_value_set_string (value, self->working_directory); break;
    case PROP_ENVIRONMENT: g_value_set_boxed (value, self->environment); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  return lab_set_str (field, value != NULL ? value : "");
}

#define SET(field, getter)                 \
  G_STMT_START {                           \
    __typeof__ (self->field) v = getter;   \
    changed = self->field != v;            \
    self->field = v;                       \
  } G_STMT_END

static void
lab_endpoint_config_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LabEndpointConfig *self = LAB_ENDPOINT_CONFIG (object);
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_KIND: SET (kind, g_value_get_enum (value)); break;
    case PROP_BACKEND: SET (backend, g_value_get_enum (value)); break;
    case PROP_BIND_ADDRESS: changed = set_string (&self->bind_address, g_value_get_string (value)); break;
    case PROP_HOST: changed = set_string (&self->host, g_value_get_string (value)); break;
    case PROP_PORT: SET (port, g_value_get_uint (value)); break;
    case PROP_FAMILY: SET (family, g_value_get_enum (value)); break;
    case PROP_BACKLOG: SET (backlog, g_value_get_int (value)); break;
    case PROP_REUSEADDR: SET (reuseaddr, g_value_get_boolean (value)); break;
    case PROP_RCVBUF: SET (rcvbuf, g_value_get_int (value)); break;
    case PROP_SNDBUF: SET (sndbuf, g_value_get_int (value)); break;
    case PROP_NODELAY: SET (nodelay, g_value_get_boolean (value)); break;
    case PROP_MAX_CLIENTS: SET (max_clients, g_value_get_uint (value)); break;
    case PROP_CONCURRENCY: SET (concurrency, g_value_get_enum (value)); break;
    case PROP_BEHAVIOUR: SET (behaviour, g_value_get_enum (value)); break;
    case PROP_FRAMING: SET (framing, g_value_get_enum (value)); break;
    case PROP_FIXED_SIZE: SET (fixed_size, g_value_get_uint (value)); break;
    case PROP_BUFFER_SIZE: SET (buffer_size, g_value_get_uint (value)); break;
    case PROP_QUIT_MESSAGE: changed = set_string (&self->quit_message, g_value_get_string (value)); break;
    case PROP_CONNECT_TIMEOUT: SET (connect_timeout, g_value_get_uint (value)); break;
    case PROP_RECV_TIMEOUT: SET (recv_timeout, g_value_get_uint (value)); break;
    case PROP_LOCAL_ADDRESS: changed = set_string (&self->local_address, g_value_get_string (value)); break;
    case PROP_NETWORK_HOST: changed = set_string (&self->network_host, g_value_get_string (value)); break;
    case PROP_LOCAL_PORT: SET (local_port, g_value_get_uint (value)); break;
    case PROP_UDP_CONNECT: SET (udp_connect, g_value_get_boolean (value)); break;
    case PROP_INITIAL_DATA:
      {
        GBytes *bytes = g_value_get_boxed (value);

        changed = (bytes == NULL) != (self->initial_data == NULL) ||
                  (bytes != NULL && !g_bytes_equal (bytes, self->initial_data));
        g_clear_pointer (&self->initial_data, g_bytes_unref);
        self->initial_data = bytes != NULL ? g_bytes_ref (bytes) : NULL;
      }
      break;
    case PROP_SENDALL: SET (sendall, g_value_get_boolean (value)); break;
    case PROP_SHUTDOWN_AFTER_SEND: SET (shutdown_after_send, g_value_get_boolean (value)); break;
    case PROP_EXPECT_BYTES: SET (expect_bytes, g_value_get_uint64 (value)); break;
    case PROP_MAX_CONNECTIONS: SET (max_connections, g_value_get_uint (value)); break;
    case PROP_SEND_CHUNK: SET (send_chunk, g_value_get_uint (value)); break;
    case PROP_SEND_COUNT: SET (send_count, g_value_get_uint (value)); break;
    case PROP_COUNT: SET (count, g_value_get_uint (value)); break;
    case PROP_INTERVAL: SET (interval, g_value_get_uint (value)); break;
    case PROP_COMMAND: changed = set_strv (&self->command, g_value_get_boxed (value)); break;
    case PROP_WORKING_DIRECTORY: changed = set_string (&self->working_directory, g_value_get_string (value)); break;
    case PROP_ENVIRONMENT: changed = set_strv (&self->environment, g_value_get_boxed (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); return;
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

#undef SET

static void
lab_endpoint_config_finalize (GObject *object)
{
  LabEndpointConfig *self = LAB_ENDPOINT_CONFIG (object);

  g_free (self->bind_address);
  g_free (self->host);
  g_free (self->quit_message);
  g_free (self->local_address);
  g_free (self->network_host);
  g_free (self->working_directory);
  g_strfreev (self->command);
  g_strfreev (self->environment);
  g_clear_pointer (&self->initial_data, g_bytes_unref);

  G_OBJECT_CLASS (lab_endpoint_config_parent_class)->finalize (object);
}

#define RW (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
lab_endpoint_config_class_init (LabEndpointConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lab_endpoint_config_get_property;
  object_class->set_property = lab_endpoint_config_set_property;
  object_class->finalize = lab_endpoint_config_finalize;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, LAB_TYPE_ENDPOINT_KIND, LAB_ENDPOINT_TCP_SERVER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BACKEND] =
    g_param_spec_enum ("backend", NULL, NULL, LAB_TYPE_BACKEND_KIND, LAB_BACKEND_POSIX, RW);
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_string ("bind-address", NULL, NULL, "127.0.0.1", RW);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, "127.0.0.1", RW);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, RW);
  properties[PROP_FAMILY] =
    g_param_spec_enum ("family", NULL, NULL, LAB_TYPE_FAMILY, LAB_FAMILY_ANY, RW);
  properties[PROP_BACKLOG] =
    g_param_spec_int ("backlog", NULL, NULL, 0, 65535, 5, RW);
  properties[PROP_REUSEADDR] =
    g_param_spec_boolean ("reuseaddr", NULL, NULL, FALSE, RW);
  properties[PROP_RCVBUF] =
    g_param_spec_int ("rcvbuf", NULL, NULL, 0, 64 * 1024 * 1024, 0, RW);
  properties[PROP_SNDBUF] =
    g_param_spec_int ("sndbuf", NULL, NULL, 0, 64 * 1024 * 1024, 0, RW);
  properties[PROP_NODELAY] =
    g_param_spec_boolean ("nodelay", NULL, NULL, FALSE, RW);
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 0, 100000, 0, RW);
  properties[PROP_CONCURRENCY] =
    g_param_spec_enum ("concurrency", NULL, NULL, LAB_TYPE_CONCURRENCY, LAB_CONCURRENCY_THREADS, RW);
  properties[PROP_BEHAVIOUR] =
    g_param_spec_enum ("behaviour", NULL, NULL, LAB_TYPE_BEHAVIOUR, LAB_BEHAVIOUR_ECHO, RW);
  properties[PROP_FRAMING] =
    g_param_spec_enum ("framing", NULL, NULL, LAB_TYPE_FRAMING, LAB_FRAMING_RAW, RW);
  properties[PROP_FIXED_SIZE] =
    g_param_spec_uint ("fixed-size", NULL, NULL, 1, 1024 * 1024, 16, RW);
  properties[PROP_BUFFER_SIZE] =
    g_param_spec_uint ("buffer-size", NULL, NULL, 1, 16 * 1024 * 1024, 1024, RW);
  properties[PROP_QUIT_MESSAGE] =
    g_param_spec_string ("quit-message", NULL, NULL, "", RW);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 0, 3600 * 1000, 0, RW);
  properties[PROP_RECV_TIMEOUT] =
    g_param_spec_uint ("recv-timeout", NULL, NULL, 0, 3600 * 1000, 0, RW);
  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_string ("local-address", NULL, NULL, "", RW);
  /* The lab host it runs on; empty: this computer */
  properties[PROP_NETWORK_HOST] =
    g_param_spec_string ("network-host", NULL, NULL, "", RW);
  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL, 0, 65535, 0, RW);
  properties[PROP_UDP_CONNECT] =
    g_param_spec_boolean ("udp-connect", NULL, NULL, FALSE, RW);
  properties[PROP_INITIAL_DATA] =
    g_param_spec_boxed ("initial-data", NULL, NULL, G_TYPE_BYTES, RW);
  properties[PROP_SENDALL] =
    g_param_spec_boolean ("sendall", NULL, NULL, TRUE, RW);
  properties[PROP_SHUTDOWN_AFTER_SEND] =
    g_param_spec_boolean ("shutdown-after-send", NULL, NULL, FALSE, RW);
  properties[PROP_EXPECT_BYTES] =
    g_param_spec_uint64 ("expect-bytes", NULL, NULL, 0, G_MAXUINT64, 0, RW);
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXUINT, 0, RW);
  /* A client sends its initial data in pieces of this many bytes, as a
   * program writing field by field does: a TCP client one send () each, a
   * UDP client one datagram each (0: at once). */
  properties[PROP_SEND_CHUNK] =
    g_param_spec_uint ("send-chunk", NULL, NULL, 0, 65536, 0, RW);
  /* A client sends its initial data this many times, one after the other:
   * a TCP client's stream is that many copies, a UDP client's that many
   * datagrams; enough for a link to lose, queue or hold some. */
  properties[PROP_SEND_COUNT] =
    g_param_spec_uint ("send-count", NULL, NULL, 1, LAB_MAX_SEND_COUNT, 1, RW);
  /* A ping's echo requests, and the milliseconds from one to the next
   * (and the longest it waits for the last one's reply) */
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 1, LAB_PING_MAX_COUNT, 3, RW);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, LAB_PING_MIN_INTERVAL_MS, LAB_PING_MAX_INTERVAL_MS, 1000, RW);

  /* A traced program: its command line (the program, looked for in PATH,
   * and its arguments), the folder it runs in (empty: the lab's own), and
   * what it gets in its environment beside the lab's (NAME=value each) */
  properties[PROP_COMMAND] =
    g_param_spec_boxed ("command", NULL, NULL, G_TYPE_STRV, RW);
  properties[PROP_WORKING_DIRECTORY] =
    g_param_spec_string ("working-directory", NULL, NULL, "", RW);
  properties[PROP_ENVIRONMENT] =
    g_param_spec_boxed ("environment", NULL, NULL, G_TYPE_STRV, RW);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

#undef RW

static void
lab_endpoint_config_init (LabEndpointConfig *self)
{
  self->backend = LAB_BACKEND_POSIX;
  self->bind_address = g_strdup ("127.0.0.1");
  self->host = g_strdup ("127.0.0.1");
  self->family = LAB_FAMILY_ANY;
  self->backlog = 5;
  self->concurrency = LAB_CONCURRENCY_THREADS;
  self->behaviour = LAB_BEHAVIOUR_ECHO;
  self->framing = LAB_FRAMING_RAW;
  self->fixed_size = 16;
  self->buffer_size = 1024;
  self->quit_message = g_strdup ("");
  self->local_address = g_strdup ("");
  self->network_host = g_strdup ("");
  self->working_directory = g_strdup ("");
  self->sendall = TRUE;
  self->send_count = 1;
  self->count = 3;
  self->interval = 1000;
}
