#!/usr/bin/env bash
# Console and portal page benchmark: starts a release `touchpoint serve` on a fresh SQLite
# database with the demo data, signs in as an agent and as a customer, and times the main
# pages (inbox queues, case page, contact and account pages, portal) one after another and
# with 8 concurrent clients: p50 / p99 in milliseconds and pages per second.
# Usage: Benchmarks/console.sh [requests per page, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-200}
swift build -c release --product touchpoint >/dev/null
BIN=$(swift build -c release --show-bin-path)
DATA=$(mktemp -d /tmp/touchpoint-console-bench.XXXXXX)
LOG="$DATA/serve.log"
"$BIN/touchpoint" serve --data-dir "$DATA" --port 0 --smtp-port=-1 --lmtp-port=-1 >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do grep -q 'Touchpoint is running at' "$LOG" && break; sleep 0.2; done
BASE=$(grep -o "running at http://[0-9.:]*" "$LOG" | head -1 | cut -d' ' -f3)
[ -n "$BASE" ] || { cat "$LOG"; exit 1; }
python3 Benchmarks/console.py "$BASE" "$REQUESTS" "$LOG"
