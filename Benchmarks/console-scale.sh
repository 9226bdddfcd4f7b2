#!/usr/bin/env bash
# Console and portal pages at scale: fills a fresh SQLite database with the demo data plus
# new cases from new senders (32 clients) to CASES cases, then adds staff replies spread
# over all of them until it holds INTERACTIONS interactions, and times every main page
# (Benchmarks/console.py: p50 / p95 / p99 in milliseconds as the client saw them, pages per
# second at 1 and 8 clients). The issue's bar: p95 ≤ 50 ms at 200,000 cases and 1,000,000
# interactions.
# Usage: Benchmarks/console-scale.sh [cases, default 200000] [interactions, default 1000000] [requests per page, default 200]
# TOUCHPOINT_BIN measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-200000}
INTERACTIONS=${2:-1000000}
REQUESTS=${3:-200}
source Benchmarks/lib/demo-server.sh
export RUN_ID=$RANDOM
count() { python3 -c "import sqlite3,sys; db=sqlite3.connect('file:$DATA/touchpoint.sqlite?mode=ro', uri=True); print(db.execute(sys.argv[1]).fetchone()[0])" "$1"; }
echo "Console pages at scale — $(nproc) cores, SQLite"
start=$(date +%s)
while [ "$(count 'SELECT MAX(number) FROM cases')" -lt "$CASES" ]; do
  wrk -t2 -c32 -d20s --timeout 5s -s "$BENCH_DIR/wrk/create_case.lua" "$URL" >/dev/null
done
export REPLY_CASES=$(count 'SELECT MAX(number) FROM cases') REPLY_FROM=1
while [ "$(count 'SELECT MAX(rowid) FROM interactions')" -lt "$INTERACTIONS" ]; do
  wrk -t2 -c32 -d20s --timeout 5s -s "$BENCH_DIR/wrk/reply_spread.lua" "$URL" >/dev/null
done
echo "filled in $(( $(date +%s) - start )) s: $(count 'SELECT COUNT(*) FROM cases') cases, $(count 'SELECT COUNT(*) FROM interactions') interactions, $(count 'SELECT COUNT(*) FROM events') events"
# The fill leaves work behind (events for the listeners, SLA sweeps): the pages are timed
# once the server has been idle (under 5 % of a core) for 10 s, at most 10 minutes on.
ticks() { awk '{print $14 + $15}' /proc/$SERVER/stat; }
quiet=0
for _ in $(seq 600); do
  before=$(ticks); sleep 1; after=$(ticks)
  if [ $((after - before)) -le $(( $(getconf CLK_TCK) / 20 )) ]; then quiet=$((quiet + 1)); else quiet=0; fi
  [ $quiet -ge 10 ] && break
done
echo "server idle after $(( $(date +%s) - start )) s"
python3 Benchmarks/console.py "$URL" "$REQUESTS" "$DATA/serve.log"
echo "server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024)) MiB"
