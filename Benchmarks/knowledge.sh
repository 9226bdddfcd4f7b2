#!/usr/bin/env bash
# The knowledge base: search quality over the demo articles (hit@1 and hit@3 of the
# relevance set Benchmarks/Knowledge/queries.tsv, through the API), then the same with
# the brand filled to ARTICLES articles of generated text from the same words, and search
# latency there with 32 concurrent searches (p50, p95, p99); and the assistant answering
# the relevance set's questions in the chat widget, 8 visitors at a time, with the demo
# articles and again with the brand filled (how long the answer takes on the server).
# Usage: Benchmarks/knowledge.sh [articles, default 10000] [seconds, default 10]
# TOUCHPOINT_BIN measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-10000}
DURATION=${2:-10}
source Benchmarks/lib/demo-server.sh
echo "Touchpoint knowledge base — $(nproc) cores, SQLite"
echo "demo articles only:"
python3 Benchmarks/knowledge.py relevance "$URL" "$TOKEN"
python3 -c 'import websockets' 2>/dev/null || pip install -q websockets >/dev/null 2>&1 || pip install -q --break-system-packages websockets >/dev/null
python3 Benchmarks/knowledge.py assistant "$URL" "${ASSISTANT_VISITORS:-400}" 1
python3 Benchmarks/knowledge.py assistant "$URL" "${ASSISTANT_VISITORS:-400}" 8
START=$(date +%s)
python3 Benchmarks/knowledge.py fill "$URL" "$TOKEN" "$ARTICLES"
echo "filled to $ARTICLES articles in $(( $(date +%s) - START )) s; with them:"
python3 Benchmarks/knowledge.py relevance "$URL" "$TOKEN"
python3 Benchmarks/knowledge.py assistant "$URL" "${ASSISTANT_VISITORS:-400}" 1
python3 Benchmarks/knowledge.py assistant "$URL" "${ASSISTANT_VISITORS:-400}" 8
export KB_QUERIES="$DATA/queries.txt"
python3 Benchmarks/knowledge.py queries "$KB_QUERIES"
line=$(wrk -t1 -c1 -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/kb_search.lua" "$URL" | grep '^RESULT' || true)
echo "search      1 client   ${line#RESULT }"
line=$(wrk -t2 -c32 -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/kb_search.lua" "$URL" | grep '^RESULT' || true)
echo "search     32 clients  ${line#RESULT }"
