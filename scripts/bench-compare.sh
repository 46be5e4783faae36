#!/usr/bin/env bash
# `make bench-compare BASE=<commit>`: this checkout's release dropgen against one built from BASE,
# for changes that must keep output and speed: first the output of both, byte for byte
# (`diff -r`), on the sample market and on `make bench`'s synthetic site; then cold, no-change and
# one-edit builds of the synthetic site, the two binaries alternating round by round so that the
# machine's drift hits both alike, with medians and the ratio new / old.
#   BASE_BIN=path   use this dropgen as the old one instead of building BASE (in a worktree).
#   NEW_BIN=path    use this dropgen as the new one instead of a release build of this checkout.
#   BENCH_DROPS (10000), BENCH_ROUNDS (3), BENCH_DIR (a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
# The sample market has early access: its personal links need a secret (the demo's by default).
export DROPGEN_ACCESS_SECRET="${DROPGEN_ACCESS_SECRET:-sample-market-demo-access-secret}"

N="${BENCH_DROPS:-10000}"
ROUNDS="${BENCH_ROUNDS:-3}"
NOW="2026-06-15T12:00:00+02:00"
DEMO_NOW="2026-12-04T12:00:00+01:00"
DIR="${BENCH_DIR:-$(mktemp -d /tmp/dropgen-compare.XXXXXX)}"
mkdir -p "$DIR"

if [ -n "${NEW_BIN:-}" ]; then
    NEW="$NEW_BIN"
else
    echo "compare: release build of this checkout…" >&2
    swift build -c release --product dropgen >&2
    NEW="$(swift build -c release --show-bin-path)/dropgen"
fi
if [ -n "${BASE_BIN:-}" ]; then
    OLD="$BASE_BIN"
else
    : "${BASE:?set BASE to the commit to compare against (or BASE_BIN to its dropgen)}"
    echo "compare: release build of $BASE in $DIR/base…" >&2
    rm -rf "$DIR/base" && git worktree add -f --detach "$DIR/base" "$BASE" >&2
    trap 'git worktree remove --force "$DIR/base" 2>/dev/null || true' EXIT
    (cd "$DIR/base" && swift build -c release --product dropgen >&2)
    OLD="$DIR/base/.build/release/dropgen"
fi
cp "$OLD" "$DIR/dropgen-old"; cp "$NEW" "$DIR/dropgen-new"
OLD="$DIR/dropgen-old"; NEW="$DIR/dropgen-new"

# Byte identity. Both binaries build the same site folder (its content cache removed in
# between), each into a folder of its own.
identical() { # site now label
    local site="$1" now="$2" label="$3"
    for which in old new; do
        rm -rf "$site/.dropgen-cache" "$DIR/$label-$which"
        "$DIR/dropgen-$which" build --site "$site" --out "$DIR/$label-$which" --now "$now" >/dev/null
    done
    # The site's files must be the same bytes; dropgen's own records (.dropgen/) are compared
    # apart: `inputs` names the executable that built (its path and time), and page fingerprints
    # change by design when the content cache's format does (a drop's cache key is in them).
    if diff -r -x .dropgen "$DIR/$label-old" "$DIR/$label-new" >"$DIR/$label.diff"; then
        echo "  $label: identical ($(find "$DIR/$label-new" -path '*/.dropgen' -prune -o -type f -print | wc -l) files)"
    else
        echo "  $label: DIFFERENT, see $DIR/$label.diff"; head -20 "$DIR/$label.diff"; exit 1
    fi
    for record in "$DIR/$label-new/.dropgen"/*; do
        name="$(basename "$record")"
        [ "$name" = inputs ] && continue
        if cmp -s "$DIR/$label-old/.dropgen/$name" "$record"; then
            echo "    .dropgen/$name: identical"
        else
            echo "    .dropgen/$name: differs ($(diff "$DIR/$label-old/.dropgen/$name" "$record" | grep -c '^>') lines)"
        fi
    done
}
echo "writing $N drops into $DIR/site…" >&2
rm -rf "$DIR/site" && python3 scripts/bench-site.py "$N" "$DIR/site"
# The sample market is this repository's own site.
rm -rf "$DIR/market" && mkdir -p "$DIR/market"
for input in dropgen.yaml content data templates static; do [ -e "$input" ] && cp -a "$input" "$DIR/market/"; done
echo "output, ${BASE:-$BASE_BIN} vs this checkout:"
identical "$DIR/market" "$DEMO_NOW" sample-market
identical "$DIR/site" "$NOW" bench-site

seconds() { # the wall-clock seconds of a command
    local start end
    start="$(date +%s.%N)"; "$@" >/dev/null; end="$(date +%s.%N)"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Each binary keeps a copy of the site of its own (its content cache, its output).
for which in old new; do rm -rf "$DIR/site-$which" && cp -a "$DIR/site" "$DIR/site-$which"; done
declare -A COLD WARM EDIT
for round in $(seq 1 "$ROUNDS"); do
    for which in old new; do
        site="$DIR/site-$which"
        rm -rf "$site/.dropgen-cache"
        # A fresh output folder each round, none deleted until the end: creating files right after
        # many were deleted is several times slower on some file systems (see bench.sh).
        COLD[$which]+="$(seconds "$DIR/dropgen-$which" build --site "$site" --out "$DIR/out-$which-$round" --now "$NOW") "
        WARM[$which]+="$(seconds "$DIR/dropgen-$which" build --site "$site" --out "$DIR/out-$which-$round" --now "$NOW") "
        printf '\nRound %s.\n' "$round" >> "$site/content/drops/drop-00042.md"
        EDIT[$which]+="$(seconds "$DIR/dropgen-$which" build --site "$site" --out "$DIR/out-$which-$round" --now "$NOW") "
    done
done

echo "speed, $N drops, $(nproc) cores, median of $ROUNDS alternating rounds (seconds: old | new, ratio new/old):"
for kind in COLD WARM EDIT; do
    declare -n times="$kind"
    # shellcheck disable=SC2086
    old="$(median ${times[old]})"; new="$(median ${times[new]})"
    printf '  %-10s %7.3f | %7.3f   %s   (old: %s; new: %s)\n' "$(echo "$kind" | tr 'A-Z' 'a-z')" "$old" "$new" \
        "$(awk -v a="$new" -v b="$old" 'BEGIN { printf "%.2f", a / b }')" "${times[old]% }" "${times[new]% }"
done
rm -rf "$DIR"/out-*
echo "Kept in $DIR"
