#!/usr/bin/env bash
# Installs the system packages dropgen needs, only when something is missing.
set -euo pipefail
missing=()
pkg-config --exists libcmark-gfm 2>/dev/null || missing+=(libcmark-gfm-dev libcmark-gfm-extensions-dev)
pkg-config --exists libwebp 2>/dev/null || missing+=(libwebp-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "dropgen: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pkg-config "${missing[@]}" >/dev/null
