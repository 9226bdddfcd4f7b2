#!/usr/bin/env bash
# Webhook intake benchmark: starts a release server on a fresh SQLite database with the
# demo data and posts signed SMS webhooks (the demo-sms integration) from wrk at 1, 8 and
# 32 connections. Every event is verified and stored in the inbox before its 202; the intake
# worker takes it into the history (a new case for a number's first message, the open case
# after that) after the answer. Prints events/s acknowledged (wrk) and events/s processed:
# the run's events over the time until the inbox had none left to process.
# 5,000 distinct senders; every messageId is new.
# Usage: Benchmarks/webhooks.sh [seconds-per-run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
export BENCH_DIR="$PWD/Benchmarks" TOKEN=unused
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product touchpoint >/dev/null
BIN="$(swift build -c release --show-bin-path)/touchpoint"
DATA=$(mktemp -d /tmp/touchpoint-webhook-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --data-dir "$DATA" --port "$PORT" --smtp-port=-1 --lmtp-port=-1 >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
echo "Touchpoint webhook intake — $(nproc) cores, SQLite, ${DURATION}s per run"
for clients in 1 8 32; do
    export PAIRS="$DATA/pairs-$clients.txt"
    python3 - "$PAIRS" "$clients" <<'PY'
import hashlib, hmac, json, sys
path, run = sys.argv[1], sys.argv[2]
with open(path, "w") as out:
    for n in range(200_000):
        body = json.dumps({"messageId": f"bench-{run}-{n}", "from": f"+48600{(n % 5000):06d}", "text": f"Benchmark message {n}: my meter shows E5"},
                          separators=(",", ":"))
        out.write(hmac.new(b"demo-secret", body.encode(), hashlib.sha256).hexdigest() + "\t" + body + "\n")
PY
    threads=$(( clients < 2 ? 1 : 2 ))
    before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM inbox').fetchone()[0])" "$DATA/touchpoint.sqlite")
    started=$(date +%s.%N)
    line=$(wrk -t"$threads" -c"$clients" -d"${DURATION}s" --timeout 5s -s "$BENCH_DIR/wrk/sms_webhook.lua" "http://127.0.0.1:$PORT" | grep '^RESULT' || true)
    processed=$(python3 - "$DATA/touchpoint.sqlite" "$before" "$started" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
while db.execute("SELECT COUNT(*) FROM inbox WHERE state = 'received'").fetchone()[0] > 0:
    time.sleep(0.05)
events = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] - int(sys.argv[2])
print(f"{events / (time.time() - float(sys.argv[3])):,.0f} events/s processed")
PY
)
    printf 'sms webhook %3d clients  %s; %s\n' "$clients" "${line#RESULT }" "$processed"
done
echo "Server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024)) MiB"
