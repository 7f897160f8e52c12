/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "lab-test-utils.h"

static const char *
cli_path (void)
{
  const char *path = g_getenv ("PROTOLAB_CLI");

  g_assert_nonnull (path);
  return path;
}

static void
test_cli_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--version", NULL };
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "protolab-cli " PACKAGE_VERSION "\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_cli_help_spanish (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--help", NULL };
  const char *env[] = { "LANGUAGE=es", NULL };
  int status;

  lab_test_run (argv, env, &out, &err, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Muestra la versión y termina"));
  g_assert_nonnull (strstr (out, "Ejecuta los servidores y clientes de Protolab"));
}

static void
test_cli_bad_option (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { cli_path (), "--no-such-option", NULL };
  int status;

  lab_test_run (argv, NULL, &out, &err, &status);
  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "protolab-cli: "));
  g_assert_nonnull (strstr (err, "--no-such-option"));
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/help-spanish", test_cli_help_spanish);
  g_test_add_func ("/cli/bad-option", test_cli_bad_option);

  return g_test_run ();
}
