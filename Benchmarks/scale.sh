#!/usr/bin/env bash
# Reads as the history grows: fills a fresh SQLite database through the API (case creation
# from new senders, 32 clients) to about the given number of cases, then times getting one
# case at random (8 clients), searches cases for words in every case, one in ten, one in a
# thousand, one case and none (one at a time, Benchmarks/case_search.py), and prints the
# database's bytes per case.
# Usage: Benchmarks/scale.sh [cases, default 100000] [seconds-per-read-run, default 10]
# TOUCHPOINT_BIN measures another build (an earlier commit's, for a before/after figure).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-100000}
DURATION=${2:-10}
source Benchmarks/lib/demo-server.sh
export RUN_ID=$RANDOM
newest() { curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/v1/cases?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["number"])'; }
echo "Touchpoint reads at scale — $(nproc) cores, SQLite"
while [ "$(newest)" -lt "$TARGET" ]; do
  wrk -t2 -c32 -d20s --timeout 5s -s "$BENCH_DIR/wrk/create_case.lua" "$URL" >/dev/null
done
export MAX_CASE=$(newest)
BYTES=$(du -cb "$DATA"/touchpoint.sqlite* | tail -1 | cut -f1)
echo "cases: $MAX_CASE · database: $((BYTES / 1048576)) MiB, $((BYTES / MAX_CASE)) bytes per case (with its first message and events)"
# What takes the space: bytes per case of each table and index, largest first.
python3 - "$DATA/touchpoint.sqlite" "$MAX_CASE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cases = int(sys.argv[2])
rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 14").fetchall()
print("space per case: " + ", ".join(f"{name} {size / cases:.0f} B" for name, size in rows))
PY
line=$(wrk -t2 -c8 -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/get_case.lua" "$URL" | grep '^RESULT' || true)
echo "get case    8 clients  ${line#RESULT }"
python3 Benchmarks/case_search.py "$URL" "$TOKEN" "$MAX_CASE" "${SEARCHES:-100}"
echo "server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024)) MiB"
