#!/usr/bin/env bash
# The knowledge base: search quality over the demo articles (hit@1 and hit@3 of the
# relevance set Benchmarks/Knowledge/queries.tsv, through the API), then the same with
# the brand filled to ARTICLES articles of generated text from the same words, and search
# latency there with 32 concurrent searches (p50, p95, p99).
# Usage: Benchmarks/knowledge.sh [articles, default 10000] [seconds, default 10]
# TOUCHPOINT_BIN measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-10000}
DURATION=${2:-10}
export BENCH_DIR="$PWD/Benchmarks"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [ -z "${TOUCHPOINT_BIN:-}" ]; then
  swift build -c release --product touchpoint >/dev/null
fi
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"
DATA=$(mktemp -d /tmp/touchpoint-kb.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" demo --data-dir "$DATA" >/dev/null
export TOKEN=$("$BIN" token create --data-dir "$DATA" --email admin@acme.example --name bench 2>/dev/null)
"$BIN" serve --data-dir "$DATA" --port "$PORT" --smtp-port=-1 --lmtp-port=-1 >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"
echo "Touchpoint knowledge base — $(nproc) cores, SQLite"
echo "demo articles only:"
python3 Benchmarks/knowledge.py relevance "$URL" "$TOKEN"
START=$(date +%s)
python3 Benchmarks/knowledge.py fill "$URL" "$TOKEN" "$ARTICLES"
echo "filled to $ARTICLES articles in $(( $(date +%s) - START )) s; with them:"
python3 Benchmarks/knowledge.py relevance "$URL" "$TOKEN"
export KB_QUERIES="$DATA/queries.txt"
python3 Benchmarks/knowledge.py queries "$KB_QUERIES"
line=$(wrk -t1 -c1 -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/kb_search.lua" "$URL" | grep '^RESULT' || true)
echo "search      1 client   ${line#RESULT }"
line=$(wrk -t2 -c32 -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/wrk/kb_search.lua" "$URL" | grep '^RESULT' || true)
echo "search     32 clients  ${line#RESULT }"
