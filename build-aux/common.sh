# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by build-aux/run and build-aux/test: packages, configuration, build.
# shellcheck shell=sh

LAB_TOP=$(cd "$(dirname "$0")/.." && pwd)
LAB_PACKAGES="$LAB_TOP/build-aux/debian-packages.txt"

lab_say () {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

# The packages of the list for PURPOSE (build, or test for all of them).
lab_packages_for () {
  if [ "$1" = test ]; then
    sed -e 's/#.*//' "$LAB_PACKAGES" | awk 'NF >= 2 { print $1 }'
  else
    sed -e 's/#.*//' "$LAB_PACKAGES" | awk -v p="$1" 'NF >= 2 && $2 == p { print $1 }'
  fi
}

lab_missing_packages () {
  for pkg in $(lab_packages_for "$1"); do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || printf '%s ' "$pkg"
  done
}

# Installs what is missing: as root with apt-get, otherwise through sudo,
# asking first when someone is there to answer.
lab_install_packages () {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    lab_say "not a Debian system: install the packages listed in build-aux/debian-packages.txt yourself"
    return 0
  fi

  missing=$(lab_missing_packages "$1")
  [ -n "$missing" ] || return 0

  lab_say "installing the missing packages: $missing"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then
      printf 'Install them with sudo apt-get? [Y/n] ' >&2
      read -r answer
      case "$answer" in
        [nN]*) lab_say "not installing; to do it yourself: sudo apt-get install $missing"; return 1 ;;
      esac
      sudo="sudo"
    else
      sudo="sudo -n"
    fi
  else
    lab_say "cannot install packages: not root and no sudo. As root: apt-get install $missing"
    return 1
  fi

  log=$(mktemp)
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1 || {
      tail -n 20 "$log" >&2
      rm -f "$log"
      lab_say "apt-get could not install: $missing"
      return 1
    }
  rm -f "$log"
}

# Configures BUILDDIR with the given options the first time, then builds.
lab_build () {
  builddir=$1
  shift
  if [ ! -f "$builddir/build.ninja" ]; then
    log=$(mktemp)
    meson setup "$builddir" "$LAB_TOP" "$@" >"$log" 2>&1 || {
      cat "$log" >&2
      rm -f "$log"
      lab_say "meson could not configure $builddir"
      return 1
    }
    rm -f "$log"
  fi
  meson compile -C "$builddir" >"$builddir/compile.log" 2>&1 || {
    cat "$builddir/compile.log" >&2
    lab_say "the build failed"
    return 1
  }
}

# The environment a program needs to run from the build tree: the compiled
# schema and the compiled translations.
lab_build_env () {
  GSETTINGS_SCHEMA_DIR="$1/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
  PROTOLAB_LOCALEDIR="$1/po"
  export GSETTINGS_SCHEMA_DIR PROTOLAB_LOCALEDIR
}

lab_has_display () {
  [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${DISPLAY:-}" ]
}
