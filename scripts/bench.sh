#!/usr/bin/env bash
# `make bench`: builds a synthetic site of BENCH_DROPS drops (default 10000) with a release
# dropgen and reports cold, no-change and one-edit build times, pages/s and peak memory. When
# hugo is installed, builds an equivalent Hugo site from the same Markdown bodies and prints the
# ratios. BENCH_DIR (default: a fresh temporary folder) keeps the generated sites.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${BENCH_DROPS:-10000}"
NOW="2026-06-15T12:00:00+02:00"
DIR="${BENCH_DIR:-$(mktemp -d /tmp/dropgen-bench.XXXXXX)}"
SITE="$DIR/site"
HUGO_SITE="$DIR/hugo"

if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time for peak-memory figures" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -qq time >/dev/null
fi

echo "bench: release build of dropgen…" >&2
swift build -c release --product dropgen >&2
DROPGEN="$(swift build -c release --show-bin-path)/dropgen"

rm -rf "$SITE" "$HUGO_SITE"
HAVE_HUGO=0
if command -v hugo >/dev/null 2>&1; then HAVE_HUGO=1; fi
echo "bench: writing $N drops into $DIR…" >&2
if [ "$HAVE_HUGO" = 1 ]; then
    python3 scripts/bench-site.py "$N" "$SITE" "$HUGO_SITE"
else
    python3 scripts/bench-site.py "$N" "$SITE"
fi

# Runs a command under GNU time; sets SECONDS_TAKEN and PEAK_KB; its stdout goes to $DIR/out.txt.
measure() {
    local log="$DIR/time.log"
    /usr/bin/time -v -o "$log" "$@" >"$DIR/out.txt"
    SECONDS_TAKEN="$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")"
    PEAK_KB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

build() { measure "$DROPGEN" build --site "$SITE" --now "${1:-$NOW}" --json; }
# A field of the last build's JSON report.
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"r": r}))' "$DIR/out.txt" "$1"; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

rm -rf "$SITE/public" "$SITE/.dropgen-cache"
build
COLD="$SECONDS_TAKEN"; COLD_KB="$PEAK_KB"
PAGES="$(field 'r["build"]["pages"]')"
STAGES="$(field '", ".join("%s %.2f s" % (s["stage"], s["seconds"]) for s in r["seconds"])')"
build
WARM="$SECONDS_TAKEN"
printf '\nOne more line.\n' >> "$SITE/content/drops/drop-00042.md"
build
EDIT="$SECONDS_TAKEN"; EDIT_PAGES="$(field 'r["pages_rendered"]')"; EDIT_FILES="$(field 'r["files_rewritten"]')"
# The next day: every drop's state is computed again; only pages that read differently are rendered.
build 2026-06-16T12:00:00+02:00
NEXT="$SECONDS_TAKEN"; NEXT_PAGES="$(field 'r["pages_rendered"]')"

echo
echo "dropgen, $N drops, $PAGES pages ($(nproc) cores)"
printf '  cold build        %8.2f s   %s pages/s   peak %s MB\n' "$COLD" "$(ratio "$PAGES" "$COLD")" "$((COLD_KB / 1024))"
echo   "                    stages: $STAGES"
printf '  no-change rebuild %8.2f s   (%s of cold)\n' "$WARM" "$(percent "$WARM" "$COLD")"
printf '  one-edit rebuild  %8.2f s   (%s of cold; %s pages rendered, %s files written)\n' "$EDIT" "$(percent "$EDIT" "$COLD")" "$EDIT_PAGES" "$EDIT_FILES"
printf '  next-day rebuild  %8.2f s   (%s of cold; %s pages rendered)\n' "$NEXT" "$(percent "$NEXT" "$COLD")" "$NEXT_PAGES"

if [ "$HAVE_HUGO" = 1 ]; then
    rm -rf "$HUGO_SITE/public" "$HUGO_SITE/resources"
    measure hugo --quiet --source "$HUGO_SITE" --cacheDir "$DIR/hugo-cache"
    HCOLD="$SECONDS_TAKEN"; HCOLD_KB="$PEAK_KB"
    HPAGES="$(find "$HUGO_SITE/public" -name '*.html' | wc -l)"
    measure hugo --quiet --source "$HUGO_SITE" --cacheDir "$DIR/hugo-cache"
    HWARM="$SECONDS_TAKEN"
    echo "hugo $(hugo version | awk '{print $2}'), same $N Markdown bodies, $HPAGES HTML files"
    printf '  cold build        %8.2f s   peak %s MB\n' "$HCOLD" "$((HCOLD_KB / 1024))"
    printf '  no-change rebuild %8.2f s\n' "$HWARM"
    echo "dropgen / hugo: cold time $(ratio "$COLD" "$HCOLD")x, peak memory $(ratio "$COLD_KB" "$HCOLD_KB")x, no-change $(ratio "$WARM" "$HWARM")x (target: ≤ 0.5 for time and memory)"
else
    echo "hugo is not installed (apt-get install hugo): no comparison."
fi
echo "Sites kept in $DIR"
