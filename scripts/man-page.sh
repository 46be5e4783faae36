#!/usr/bin/env bash
# dropgen(1) from the executable's own help: the root --help, then every command's, as printed.
#
#   scripts/man-page.sh DROPGEN > dropgen.1
set -euo pipefail
bin=$1
export COLUMNS=80
# roff: a backslash is \e, and a line starting with . or ' would be a request.
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
# The commands listed under SUBCOMMANDS: in a help text.
commands() { sed -n '/^SUBCOMMANDS:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p; s/^  \([a-z][a-z-]*\)$/\1/p' | grep -vx help || true; }
section() {  # the help of "dropgen $*", then of each of its subcommands
  local help
  help=$("$bin" "$@" --help)
  if [ $# -gt 0 ]; then printf '.SS "dropgen %s"\n' "$*"; fi
  printf '.nf\n'; printf '%s\n' "$help" | roff; printf '.fi\n'
  for command in $(printf '%s\n' "$help" | commands); do section "$@" "$command"; done
}
version=$("$bin" --version)
printf '.TH DROPGEN 1 "" "%s" "User Commands"\n' "$version"
printf '.SH NAME\ndropgen \\- build and publish a micro-drop marketplace site\n'
printf '.SH DESCRIPTION\n'
section
