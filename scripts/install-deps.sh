#!/usr/bin/env bash
# Installs the system packages dropgen needs, only when something is missing.
set -euo pipefail
missing=()
pkg-config --exists libcmark-gfm 2>/dev/null || missing+=(libcmark-gfm-dev libcmark-gfm-extensions-dev)
pkg-config --exists libwebp 2>/dev/null || missing+=(libwebp-dev)
pkg-config --exists libheif 2>/dev/null || missing+=(libheif-dev)
# heif-enc: the media tests make their HEIC inputs with it.
command -v heif-enc >/dev/null 2>&1 || missing+=(libheif-examples)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "dropgen: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pkg-config "${missing[@]}" >/dev/null
fi
# `make deb` (and the package test) read the binary's library dependencies with dpkg-shlibdeps.
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--deb" ]; then
  if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
    echo "dropgen: installing dpkg-dev (dpkg-shlibdeps, for make deb)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
  fi
fi
# The tests check the CI workflow `dropgen init` writes against GitHub's workflow schema.
if [ "${1:-}" = "--test" ] && ! command -v check-jsonschema >/dev/null 2>&1; then
  echo "dropgen: installing the Python check-jsonschema package (tests only)" >&2
  python3 -m pip install -q check-jsonschema
fi
# The tests read generated calendars back with a standard iCalendar parser.
if [ "${1:-}" = "--test" ] && ! python3 -c "import icalendar" 2>/dev/null; then
  echo "dropgen: installing the Python icalendar package (tests only)" >&2
  python3 -m pip install -q icalendar
fi
