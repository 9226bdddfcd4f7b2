#!/usr/bin/env bash
# Load benchmark: starts a release server on a fresh SQLite database and drives it over
# HTTP from a separate process (wrk) at 1, 8 and 32 concurrent clients:
#   1. create a case with its first message (new sender each time)
#   2. reply on a case
#   3. read a contact's timeline, for a contact with 10,000 interactions
# Prints throughput and p50/p99 latency. Usage: Benchmarks/run.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
export BENCH_DIR="$PWD/Benchmarks"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
# TOUCHPOINT_BIN measures another build (an earlier commit's, for a before/after figure).
if [ -z "${TOUCHPOINT_BIN:-}" ]; then
  swift build -c release --product touchpoint >/dev/null
fi
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"

DATA=$(mktemp -d /tmp/touchpoint-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" demo --data-dir "$DATA" >/dev/null
export TOKEN=$("$BIN" token create --data-dir "$DATA" --email admin@acme.example --name bench 2>/dev/null)
"$BIN" serve --data-dir "$DATA" --port "$PORT" >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"
export RUN_ID=$RANDOM

echo "Touchpoint load benchmark — $(nproc) cores, SQLite (WAL, synchronous=FULL), ${DURATION}s per run"
run() { # scenario clients
    local threads=$(( $2 < 2 ? 1 : 2 ))
    local line
    line=$(wrk -t"$threads" -c"$2" -d"${DURATION}s" --timeout 5s -s "$BENCH_DIR/wrk/$1.lua" "$URL" | grep '^RESULT' || true)
    printf '%-10s %3d clients  %s\n' "$1" "$2" "${line#RESULT }"
}
for clients in 1 8 32; do run create_case "$clients"; done
# Replies go to email cases the creation runs made: demo WhatsApp cases older than 24 hours
# rightly refuse a free-form reply.
export REPLY_FROM=1000
for clients in 1 8 32; do run reply "$clients"; done

# One contact with a history of 10,000 interactions, then read its timeline.
CASE=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/api/v1/cases" \
    -d '{"contactPoint":"email","from":"long.history@example.com","subject":"Long history","body":"first"}')
CASE_NUMBER=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["number"])' "$CASE")
export CONTACT_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["contactId"])' "$CASE")
python3 - "$URL" "$TOKEN" "$CASE_NUMBER" <<'PY'
import http.client, json, sys, threading
url, token, number = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = url.replace("http://", "").split(":")
def worker(count):
    conn = http.client.HTTPConnection(host, int(port))
    for i in range(count):
        conn.request("POST", f"/api/v1/cases/{number}/interactions", json.dumps({"type": "reply" if i % 2 else "inbound", "body": f"message {i}"}),
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse(); response.read()
        assert response.status == 201, response.status
threads = [threading.Thread(target=worker, args=(1250,)) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
PY
echo "timeline of a contact with $(( 10000 + 1 )) interactions:"
for clients in 1 8 32; do run timeline "$clients"; done
echo "server RSS: $(ps -o rss= -p $SERVER | awk '{printf "%.0f MiB", $1/1024}')"
