#!/usr/bin/env bash
# The installed dropgen, as a user gets it (run by `make test`, as root; it skips without root):
#
# 1. Relocation: the release binary alone in an empty folder, run by `nobody` in a mount namespace
#    where the repository (its build folders and sources) and the Swift toolchain are hidden under
#    empty folders, builds, checks and publishes the sample site to the local folder target.
# 2. `make install PREFIX=<scratch>` writes exactly the binary and the man page; `make uninstall`
#    removes them.
# 3. The package: `make deb`'s .deb installed with dpkg -i, `dropgen --version`, `dropgen init` and
#    a build of the new site from /usr/bin/dropgen, then removed with dpkg -r (nothing left).
#
# Reuses the release build of scripts/release.sh (.build-release/dropgen); prints each step's time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=$repo/.build-release/dropgen
log() { echo "test-install: $*" >&2; }
if [ "$(id -u)" -ne 0 ]; then log "skipped: the relocation and package tests need root (unshare, dpkg -i)"; exit 0; fi
[ -x "$bin" ] || { log "no $bin: run scripts/release.sh first"; exit 1; }
# The sample market's clock (the Makefile's DEMO_NOW): every drop state shows.
now=${DEMO_NOW:-2026-12-04T12:00:00+01:00}

work=$(mktemp -d /tmp/dropgen-install-test.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"
mkdir "$work/bin" "$work/site" "$work/empty"
install -m 755 "$bin" "$work/bin/dropgen"
for part in dropgen.yaml content data templates static; do
  [ -e "$part" ] && cp -R "$part" "$work/site/"
done
chown -R nobody:nogroup "$work/site"

# What to hide: the repository, and the toolchain (the folder holding bin/swift's usr/, and the
# runtime library folders it names, wherever they are).
swift_bin=$(readlink -f "$(command -v "${SWIFT:-swift}")")
toolchain=$(dirname "$(dirname "$(dirname "$swift_bin")")")
hidden=("$repo")
case $toolchain in /|/usr) ;; *) hidden+=("$toolchain") ;; esac
while IFS= read -r path; do [ -d "$path" ] && hidden+=("$path"); done < <(
  "${SWIFT:-swift}" -print-target-info | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)["paths"]["runtimeLibraryPaths"]))')

start=$(date +%s)
log "relocation: ${hidden[*]} hidden; $work/bin/dropgen as nobody"
unshare --mount --propagation private bash -euo pipefail -s -- "$work" "$now" "${hidden[@]}" <<'INSIDE'
work=$1 now=$2; shift 2
# A folder inside one hidden before is gone already.
for path in "$@"; do [ ! -e "$path" ] || mount --bind "$work/empty" "$path"; done
for path in "$@"; do [ ! -e "$path" ] || [ -z "$(ls -A "$path")" ] || { echo "relocation: $path is not hidden" >&2; exit 1; }; done
if ldd "$work/bin/dropgen" | grep "not found"; then exit 1; fi
cd "$work/site"
# The sample market has early access: its personal links need a secret (the demo's; see the Makefile).
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin HOME="$work/site" TMPDIR=/tmp
           DROPGEN_ACCESS_SECRET=sample-market-demo-access-secret)
"${as_nobody[@]}" "$work/bin/dropgen" --version
"${as_nobody[@]}" "$work/bin/dropgen" build --now "$now"
"${as_nobody[@]}" "$work/bin/dropgen" check --now "$now"
"${as_nobody[@]}" "$work/bin/dropgen" publish --target local --now "$now"
test -s .edge/index.html && test -s .edge/drops/speckled-mugs/index.html
grep -q 'data-state=' .edge/index.html
INSIDE
log "relocation: passed in $(( $(date +%s) - start )) s"

start=$(date +%s)
prefix=$work/prefix
make -s install PREFIX="$prefix" >/dev/null
installed=$(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')
[ "$installed" = "./bin/dropgen ./share/man/man1/dropgen.1 " ] || { log "make install wrote: $installed"; exit 1; }
test "$("$prefix/bin/dropgen" --version)" = "$("$bin" --version)"
make -s uninstall PREFIX="$prefix"
[ -z "$(find "$prefix" -type f -o -type l)" ] || { log "make uninstall left: $(find "$prefix" -type f)"; exit 1; }
log "make install and uninstall: passed in $(( $(date +%s) - start )) s"

start=$(date +%s)
if dpkg-query -W -f='${Status}' dropgen 2>/dev/null | grep -q "install ok installed"; then
  log "the dropgen package is installed on this machine already: not replacing it"
  exit 1
fi
deb=$(bash scripts/deb.sh)
log "package: $deb ($(du -m "$deb" | cut -f1) MB); Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -f "$deb" Package Version Architecture >&2
trap 'dpkg --purge dropgen >/dev/null 2>&1 || true; cleanup' EXIT
dpkg -i "$deb" >/dev/null
test "$(/usr/bin/dropgen --version)" = "$("$bin" --version)"
/usr/bin/dropgen --version
test -s /usr/share/man/man1/dropgen.1.gz
/usr/bin/dropgen init "$work/new-site" >/dev/null
/usr/bin/dropgen build --site "$work/new-site" --now "$now"
test -s "$work/new-site/public/drops/first-drop/index.html"
dpkg --purge dropgen >/dev/null
for path in /usr/bin/dropgen /usr/share/man/man1/dropgen.1.gz; do
  [ ! -e "$path" ] || { log "removing the package left $path"; exit 1; }
done
log "package: installed, built a new site, removed in $(( $(date +%s) - start )) s"
