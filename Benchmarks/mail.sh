#!/usr/bin/env bash
# Mail benchmark: starts a release `touchpoint serve` on a fresh SQLite database with the
# demo data, measures MIME parse throughput, then SMTP intake with 1, 8 and 32 concurrent
# senders (messages/s stored, p99 time to 250, messages/s stored and threaded).
# Usage: Benchmarks/mail.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
swift build -c release --product touchpoint >/dev/null
swift build -c release --product touchpoint-mail-benchmark >/dev/null
BIN=$(swift build -c release --show-bin-path)
DATA=$(mktemp -d /tmp/touchpoint-mail-bench.XXXXXX)
LOG="$DATA/serve.log"
"$BIN/touchpoint" serve --data-dir "$DATA" --port 0 --smtp-port 0 --lmtp-port=-1 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do grep -q 'SMTP 127.0.0.1:' "$LOG" && break; sleep 0.2; done
PORT=$(grep -o "SMTP 127.0.0.1:[0-9]*" "$LOG" | head -1 | cut -d: -f2 || true)
[ -n "$PORT" ] || { cat "$LOG"; exit 1; }
"$BIN/touchpoint-mail-benchmark" --port "$PORT" --data-dir "$DATA" --seconds "$SECONDS_PER_RUN"
echo "Server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024)) MiB"
