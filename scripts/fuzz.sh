#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with address sanitizer) and runs each in turn.
#
#   scripts/fuzz.sh [target ...]      every target when none is named (see Fuzz/Sources)
#
# FUZZ_SECONDS  time per target (default 60); FUZZ_RUNS instead caps the number of inputs.
# FUZZ_OUT      scratch folder for new corpus units, crashes and logs (default: a new folder under
#               .build-fuzz/runs/). The committed seeds in Fuzz/Corpus/<target> are only read.
# FUZZ_ARGS     more libFuzzer flags for every target.
#
# Fails when a target crashes, leaks, times out, runs out of memory or finds a differential
# mismatch, and prints the reproducer's path and the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
BUILD=.build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=${FUZZ_OUT:-$BUILD/runs/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

all=()
for dir in Fuzz/Sources/*/; do all+=("$(basename "$dir")"); done
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for target in "${targets[@]}"; do
  [ -d "Fuzz/Sources/$target" ] || { echo "fuzz: no target '$target' (targets: ${all[*]})" >&2; exit 2; }
done

# The fuzz package starts from the versions the main build resolved. Only once: replacing its own
# file later makes SwiftPM resolve again and rebuild every dependency.
if [ -f Package.resolved ] && [ ! -f Fuzz/Package.resolved ]; then cp Package.resolved Fuzz/Package.resolved; fi
echo "fuzz: building the targets into $BUILD (sanitizers: fuzzer, address)" >&2
start=$(date +%s)
# SwiftPM's --sanitize=fuzzer links libFuzzer's main instead of the executable's; it passes each
# sanitizer as its own -sanitize= flag, of which swiftc keeps only the last, so the combined flag
# is repeated for the compiler (otherwise the Swift code gets no coverage instrumentation).
build=("$SWIFT" build --package-path Fuzz --build-path "$BUILD" --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address)
# Always every target, even when only some run: alternating `--product` builds with whole-package
# builds in one build folder made SwiftPM rebuild every dependency.
if ! "${build[@]}" >"$OUT/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$OUT/build.log" | tail -40 >&2
  echo "fuzz: the build failed (log: $OUT/build.log)" >&2
  exit 1
fi
echo "fuzz: built in $(( $(date +%s) - start )) s" >&2
bin=$("$SWIFT" build --package-path Fuzz --build-path "$BUILD" --sanitize=fuzzer --sanitize=address --show-bin-path)

# Leaks inside the toolchain's libraries are suppressed (each is explained in the file); Swift's
# own crash backtracer is off, it only gets in the way of the sanitizer's report.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export SWIFT_BACKTRACE=enable=no

limit=(-max_total_time="$SECONDS_EACH")
[ -n "${FUZZ_RUNS:-}" ] && limit=(-runs="$FUZZ_RUNS")
failed=()
summary=()
for target in "${targets[@]}"; do
  work="$OUT/$target"
  mkdir -p "$work/new"
  args=("${limit[@]}" -print_final_stats=1 -timeout=25 -rss_limit_mb=2048 -artifact_prefix="$work/")
  [ -f "Fuzz/Dictionaries/$target.dict" ] && args+=(-dict="Fuzz/Dictionaries/$target.dict")
  if [ -f "Fuzz/Options/$target" ]; then
    while read -r flag; do [[ -n "$flag" && "$flag" != \#* ]] && args+=("$flag"); done <"Fuzz/Options/$target"
  fi
  # shellcheck disable=SC2206
  [ -n "${FUZZ_ARGS:-}" ] && args+=($FUZZ_ARGS)
  echo "fuzz: $target (${limit[*]})" >&2
  status=0
  # New units go to the first folder (scratch); the committed seeds are read only.
  "$bin/fuzz-$target" "${args[@]}" "$work/new" "Fuzz/Corpus/$target" >"$work/log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  if [ "$status" -ne 0 ]; then
    artifact=$(ls -t "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-* 2>/dev/null | head -1 || true)
    grep -E "DIFFERENTIAL MISMATCH|PROPERTY VIOLATED|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|Fatal error|SUMMARY" "$work/log" | head -8 >&2 || true
    echo "fuzz: $target FAILED (exit $status) after ${runs:-?} runs; reproducer: ${artifact:-none, see the log}" >&2
    echo "fuzz:   log: $work/log" >&2
    [ -n "$artifact" ] && echo "fuzz:   replay: $bin/fuzz-$target $artifact" >&2
    failed+=("$target")
    summary+=("$target: FAILED after ${runs:-?} runs")
  else
    summary+=("$target: ${runs:-?} runs, $(ls "$work/new" | wc -l) new units")
  fi
done

echo "fuzz: results (scratch: $OUT)" >&2
for line in "${summary[@]}"; do echo "  $line" >&2; done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
