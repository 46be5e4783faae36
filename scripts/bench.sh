#!/usr/bin/env bash
# `make bench`: builds a synthetic site of BENCH_DROPS drops (default 10000) with a release
# dropgen and reports cold (median of BENCH_ROUNDS, default 3), no-change, one-edit and next-day
# build times, pages/s, peak memory, and how soon `dropgen serve` shows an edit. When hugo is
# installed, builds an equivalent Hugo site from the same Markdown bodies, in turn with dropgen's
# cold builds, and prints the ratios. BENCH_DIR (default: a fresh temporary folder) keeps the sites.
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

# A field of the last build's JSON report.
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"r": r}))' "$DIR/out.txt" "$1"; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Cold builds, dropgen and Hugo in turn, each into a folder of its own that no earlier run wrote:
# on some file systems (this machine's ext4 without a journal among them) creating files right
# after many were deleted is several times slower, which would time the disk rather than the tools.
ROUNDS="${BENCH_ROUNDS:-3}"
COLDS=(); COLD_KBS=(); HCOLDS=(); HCOLD_KBS=()
for round in $(seq 1 "$ROUNDS"); do
    OUT="$DIR/out-$round"
    rm -rf "$SITE/.dropgen-cache"
    measure "$DROPGEN" build --site "$SITE" --out "$OUT" --now "$NOW" --json
    COLDS+=("$SECONDS_TAKEN"); COLD_KBS+=("$PEAK_KB")
    if [ "$round" = 1 ]; then
        STAGES="$(field '", ".join("%s %.2f s" % (s["stage"], s["seconds"]) for s in r["seconds"])')"
        PAGES="$(field 'r["build"]["pages"]')"
    fi
    if [ "$HAVE_HUGO" = 1 ]; then
        rm -rf "$HUGO_SITE/resources"
        measure hugo --quiet --source "$HUGO_SITE" --destination "$DIR/hugo-out-$round" --cacheDir "$DIR/hugo-cache"
        HCOLDS+=("$SECONDS_TAKEN"); HCOLD_KBS+=("$PEAK_KB")
    fi
done
COLD="$(median "${COLDS[@]}")"; COLD_KB="$(median "${COLD_KBS[@]}")"

build() { measure "$DROPGEN" build --site "$SITE" --out "$OUT" --now "${1:-$NOW}" --json; }
# A no-change build takes a fraction of a second, where the machine's own jitter shows: the
# median of three.
WARMS=()
for round in 1 2 3; do build; WARMS+=("$SECONDS_TAKEN"); done
WARM="$(median "${WARMS[@]}")"
printf '\nOne more line.\n' >> "$SITE/content/drops/drop-00042.md"
build
EDIT="$SECONDS_TAKEN"; EDIT_PAGES="$(field 'r["pages_rendered"]')"; EDIT_FILES="$(field 'r["files_rewritten"]')"
# The next day: every drop's state is computed again; only pages that read differently are rendered.
build 2026-06-16T12:00:00+02:00
NEXT="$SECONDS_TAKEN"; NEXT_PAGES="$(field 'r["pages_rendered"]')"
# `dropgen serve`: from saving a drop file to the browser's reload event, and to the full rebuild.
SERVE="$(python3 scripts/bench-serve.py "$DROPGEN" "$SITE" "$NOW" content/drops/drop-00077.md 6)"
serve_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$SERVE" "$1"; }

echo
echo "dropgen, $N drops, $PAGES pages ($(nproc) cores); cold builds: median of $ROUNDS ($(IFS=' '; echo "${COLDS[*]}") s)"
printf '  cold build        %8.2f s   %s pages/s   peak %s MB\n' "$COLD" "$(ratio "$PAGES" "$COLD")" "$((${COLD_KB%.*} / 1024))"
echo   "                    stages: $STAGES"
printf '  no-change rebuild %8.2f s   (%s of cold; median of 3: %s s)\n' "$WARM" "$(percent "$WARM" "$COLD")" "$(IFS=' '; echo "${WARMS[*]}")"
printf '  one-edit rebuild  %8.2f s   (%s of cold; %s pages rendered, %s files written)\n' "$EDIT" "$(percent "$EDIT" "$COLD")" "$EDIT_PAGES" "$EDIT_FILES"
printf '  next-day rebuild  %8.2f s   (%s of cold; %s pages rendered)\n' "$NEXT" "$(percent "$NEXT" "$COLD")" "$NEXT_PAGES"
printf '  serve, one edit:  page in the browser %.3f s (%s of cold), whole site %.2f s (%s); median of %s edits\n' \
    "$(serve_field served)" "$(percent "$(serve_field served)" "$COLD")" "$(serve_field rebuilt)" "$(percent "$(serve_field rebuilt)" "$COLD")" \
    "$(serve_field edits)"

if [ "$HAVE_HUGO" = 1 ]; then
    HCOLD="$(median "${HCOLDS[@]}")"; HCOLD_KB="$(median "${HCOLD_KBS[@]}")"
    HPAGES="$(find "$DIR/hugo-out-1" -name '*.html' | wc -l)"
    measure hugo --quiet --source "$HUGO_SITE" --destination "$DIR/hugo-out-$ROUNDS" --cacheDir "$DIR/hugo-cache"
    HWARM="$SECONDS_TAKEN"
    echo "hugo $(hugo version | awk '{print $2}'), same $N Markdown bodies, $HPAGES HTML files; cold builds: median of $ROUNDS ($(IFS=' '; echo "${HCOLDS[*]}") s)"
    printf '  cold build        %8.2f s   peak %s MB\n' "$HCOLD" "$((${HCOLD_KB%.*} / 1024))"
    printf '  no-change rebuild %8.2f s\n' "$HWARM"
    echo "dropgen / hugo: cold time $(ratio "$COLD" "$HCOLD")x, peak memory $(ratio "$COLD_KB" "$HCOLD_KB")x, no-change $(ratio "$WARM" "$HWARM")x (target: ≤ 0.5 for time and memory)"
else
    echo "hugo is not installed (apt-get install hugo): no comparison."
fi
echo "Sites kept in $DIR"
