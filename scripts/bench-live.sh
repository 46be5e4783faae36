#!/usr/bin/env bash
# `make bench-live`: how fast a sale reaches the edge. A synthetic site of BENCH_LIVE_DROPS drops
# (default 10000) is built and published to a SeaweedFS server of its own behind the
# request-counting proxy (state $DIR/s3, ports moved by 2000, so the tests' server stays free);
# then, each BENCH_ROUNDS times (default 5), timed from the command's start (or the webhook's
# POST) to every affected object uploaded and verified:
#   dropgen stock set      the CLI: ledger, in-place rebuild, publish
#   webhook → dropgen live one signed POST /hooks/dropgen, until /healthz reports its publish
# and finally a burst of 100 webhooks within one second: all applied, how many publishes.
#   DROPGEN_BIN   an already built release dropgen (default: built here into BENCH_SCRATCH,
#                 default .build-release-bench, so the debug build's .build stays unlocked)
#   BENCH_DIR     keeps the site and logs (default: a fresh temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

N="${BENCH_LIVE_DROPS:-10000}"
ROUNDS="${BENCH_ROUNDS:-5}"
DIR="${BENCH_DIR:-$(mktemp -d /tmp/dropgen-bench-live.XXXXXX)}"
SCRATCH="${BENCH_SCRATCH:-$ROOT/.build-release-bench}"
OFFSET=2000
export DROPGEN_S3_STATE="$DIR/s3" DROPGEN_S3_PORT=$((8333 + OFFSET)) DROPGEN_S3_PROXY_PORT=$((8334 + OFFSET))
export DROPGEN_S3_PORT_OFFSET=$OFFSET DROPGEN_S3_PROXY_MODE=count
PROXY="http://127.0.0.1:$DROPGEN_S3_PROXY_PORT"
LIVE_PORT=$((8090 + OFFSET))
# The bench's clock; the stock changes go to the first drop not closed at it.
NOW="2026-06-15T12:00:00+02:00"

log() { echo "bench-live: $*" >&2; }

if [ -z "${DROPGEN_BIN:-}" ]; then
    log "release build of dropgen into $SCRATCH…"
    swift build -c release --product dropgen --scratch-path "$SCRATCH" >&2
    DROPGEN_BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/dropgen"
fi

bash scripts/s3-server.sh start >"$DIR/s3.env"
LIVE_PID=""
trap '[ -n "$LIVE_PID" ] && kill "$LIVE_PID" 2>/dev/null; bash scripts/s3-server.sh stop' EXIT
# shellcheck disable=SC1091
source "$DIR/s3.env"
export AWS_ACCESS_KEY_ID="$DROPGEN_TEST_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$DROPGEN_TEST_S3_SECRET_KEY"
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

SITE="$DIR/site"
rm -rf "$SITE"
log "writing $N drops into $SITE…"
python3 scripts/bench-site.py "$N" "$SITE"
PREFIX="live-$(date +%s)"
cat >>"$SITE/dropgen.yaml" <<EOF
stock: { from: edge }
publish:
  default: edge
  workers: 8
  targets:
    edge: { url: "s3://$DROPGEN_TEST_S3_BUCKET/$PREFIX", endpoint: "$PROXY", region: us-east-1, path_style: true }
EOF
# A drop that is open or opening soon at $NOW: the first one not closed.
SLUG="$(python3 - "$SITE" "$NOW" <<'EOF'
import glob, re, sys
from datetime import datetime
now = datetime.fromisoformat(sys.argv[2])
for path in sorted(glob.glob(sys.argv[1] + "/content/drops/*.md")):
    text = open(path).read()
    closes = datetime.fromisoformat(re.search(r"^closes: (.+)$", text, re.M).group(1))
    if closes > now:
        print(path.rsplit("/", 1)[1][:-3]); break
EOF
)"
log "building and publishing (first deploy); the stock changes go to $SLUG"
"$DROPGEN_BIN" build --site "$SITE" --now "$NOW" >/dev/null
"$DROPGEN_BIN" publish --site "$SITE" --now "$NOW" >/dev/null

requests() { curl -s "$PROXY/__control" | sed -n 's/.* count=\([0-9]*\).*/\1/p'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mkdir -p "$DIR/results"
: >"$DIR/results/set"; : >"$DIR/results/hook"

# dropgen stock set: the whole command, as CI or a maker runs it.
for r in $(seq 1 "$ROUNDS"); do
    curl -s "$PROXY/__control?reset=1" >/dev/null
    start="$(date +%s.%N)"
    "$DROPGEN_BIN" stock set "$SLUG" $((20 - r)) --site "$SITE" --now "$NOW" --json >"$DIR/results/set-$r.json"
    end="$(date +%s.%N)"
    objects="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["uploaded"]))' "$DIR/results/set-$r.json")"
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $(requests) $objects" >>"$DIR/results/set"
done

# dropgen live: one signed webhook at a time, timed until /healthz reports the publish after it.
export DROPGEN_WEBHOOK_SECRET="bench-secret-$RANDOM$RANDOM"
# At the bench's clock, as `stock set` above: at the wall clock every page's countdown text would
# change with each rebuild, and the bench would time those uploads instead of a sale's.
"$DROPGEN_BIN" live --site "$SITE" --port "$LIVE_PORT" --now "$NOW" >"$DIR/live.log" 2>&1 &
LIVE_PID=$!
python3 - "$LIVE_PORT" "$SLUG" "$ROUNDS" "$PROXY" "$DIR/results/hook" <<'EOF'
import hashlib, hmac, json, os, sys, time, urllib.request
port, slug, rounds, proxy, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
secret = os.environ["DROPGEN_WEBHOOK_SECRET"].encode()
base = f"http://127.0.0.1:{port}"

def health():
    with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
        return json.load(r)

def post(event_id, sold):
    body = json.dumps({"id": event_id, "drop": slug, "sold": sold}).encode()
    sig = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(base + "/hooks/dropgen", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "X-Dropgen-Signature": sig})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status

def settled(after):
    h = health()
    last = h.get("last_publish")
    return h["pending"] == 0 and last is not None and last["at"] != after, h

def wait_settled(after, limit=120):
    deadline = time.time() + limit
    while time.time() < deadline:
        ok, h = settled(after)
        if ok:
            return h
        time.sleep(0.01)
    sys.exit("bench-live: dropgen live did not publish within %d s" % limit)

deadline = time.time() + 120
while True:
    try:
        h = health(); break
    except OSError:
        if time.time() > deadline: sys.exit("bench-live: dropgen live did not start")
        time.sleep(0.1)
# Whatever it publishes at start (a transition, a replay) first.
time.sleep(1); h = health()
while h["pending"]: time.sleep(0.05); h = health()
count = lambda: int(urllib.request.urlopen(proxy + "/__control").read().decode().split(" count=")[1].split()[0])
with open(out, "a") as f:
    for r in range(rounds):
        before = (health().get("last_publish") or {}).get("at")
        urllib.request.urlopen(proxy + "/__control?reset=1").read()
        start = time.time()
        assert post(f"bench-hook-{time.time_ns()}", 1) == 202
        h = wait_settled(before)
        f.write("%.3f %d %d\n" % (time.time() - start, count(), h["last_publish"]["uploaded"]))
        time.sleep(0.3)
    # The burst: 100 events within one second.
    before = (health().get("last_publish") or {}).get("at")
    start = time.time()
    for i in range(100):
        assert post(f"bench-burst-{i}-{time.time_ns()}", 1) in (200, 202)
        time.sleep(max(0, start + (i + 1) / 100 - time.time()))
    posted = time.time() - start
    h = wait_settled(before)
    while h["pending"]: time.sleep(0.05); h = health()
    print("%.2f %.2f" % (posted, time.time() - start), file=open(out + "-burst", "w"))
EOF
kill -TERM "$LIVE_PID"; wait "$LIVE_PID" || true; LIVE_PID=""
PUBLISHES="$(grep -c ' publish=ok ' "$DIR/live.log" || true)"
read -r POSTED SETTLED <"$DIR/results/hook-burst"
LEFT="$(curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    "$DROPGEN_TEST_S3_ENDPOINT/$DROPGEN_TEST_S3_BUCKET/$PREFIX/live/$SLUG.json")"

col() { awk -v c="$2" '{ print $c }' "$DIR/results/$1" | median; }
all() { awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' "$DIR/results/$1"; }
echo
echo "live stock, $N drops, SeaweedFS behind the counting proxy, $(nproc) cores; median of $ROUNDS (each run in brackets)"
printf '  %-40s %8s %9s %8s\n' "" "seconds" "requests" "objects"
printf '  %-40s %8.2f %9s %8s   [%s]\n' "dropgen stock set → edge (whole command)" "$(col set 1)" "$(col set 2)" "$(col set 3)" "$(all set)"
printf '  %-40s %8.2f %9s %8s   [%s]\n' "webhook → dropgen live → edge" "$(col hook 1)" "$(col hook 2)" "$(col hook 3)" "$(all hook)"
echo "burst of 100 webhooks posted in $POSTED s, all applied and published $SETTLED s after the first;"
echo "  publishes by dropgen live over the whole run ($ROUNDS single webhooks, then the burst): $PUBLISHES;"
echo "  $SLUG's live file at the end: $LEFT"
echo "targets: ≤ 1.0 s, requests ≤ objects + 4, a burst in ≤ 5 publishes. Logs in $DIR"
