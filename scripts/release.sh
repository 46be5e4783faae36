#!/usr/bin/env bash
# The release dropgen, built once for `make install`, `make deb` and the install tests:
#
#   .build-release/dropgen     the executable: the Swift runtime linked in (--static-swift-stdlib),
#                              the theme and scaffold files embedded, stripped
#   .build-release/dropgen.1   its man page, from --help (scripts/man-page.sh)
#
# Only the Debian libraries of cmark-gfm, libwebp and zlib (and ffmpeg on PATH for a site's media)
# are needed where it runs. The build is SwiftPM's own incremental one in its own scratch folder,
# so a second run without changes only checks and strips again.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
OUT=.build-release
start=$(date +%s)
"$SWIFT" build -c release --scratch-path "$OUT" --static-swift-stdlib --product dropgen
strip -o "$OUT/dropgen.tmp" "$OUT/release/dropgen"
mv "$OUT/dropgen.tmp" "$OUT/dropgen"
bash scripts/man-page.sh "$OUT/dropgen" > "$OUT/dropgen.1.tmp"
mv "$OUT/dropgen.1.tmp" "$OUT/dropgen.1"
# Nothing of the toolchain may be left to load at run time.
if ldd "$OUT/dropgen" | grep -E "libswift|libFoundation|libdispatch|libBlocksRuntime|not found"; then
  echo "release: $OUT/dropgen still loads the libraries above at run time" >&2
  exit 1
fi
echo "release: $OUT/dropgen ($("$OUT/dropgen" --version), $(du -m "$OUT/dropgen" | cut -f1) MB) in $(( $(date +%s) - start )) s" >&2
