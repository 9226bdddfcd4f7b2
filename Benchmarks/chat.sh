#!/usr/bin/env bash
# Web chat benchmark: a release server with the demo data; N widget sessions connect over
# WebSocket and each opens a conversation; with all of them open, agent answers posted
# through the API are timed until the visitor's socket has them (p50/p99).
# Usage: Benchmarks/chat.sh [sessions, default 2000] [answers, default 200]
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${1:-2000}
SAMPLES=${2:-200}
python3 -c 'import websockets' 2>/dev/null || python3 -m pip install --quiet websockets
ulimit -n 65536 2>/dev/null || true
# TOUCHPOINT_BIN measures another build (an earlier commit's, for a before/after figure).
if [ -z "${TOUCHPOINT_BIN:-}" ]; then
  swift build -c release --product touchpoint >/dev/null
fi
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"
DATA=$(mktemp -d /tmp/touchpoint-chat-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" demo --data-dir "$DATA" >/dev/null
TOKEN=$("$BIN" token create --data-dir "$DATA" --email admin@acme.example --name bench 2>/dev/null)
"$BIN" serve --data-dir "$DATA" --port "$PORT" --smtp-port=-1 --lmtp-port=-1 >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
echo "Touchpoint web chat — $(nproc) cores, SQLite"
python3 Benchmarks/chat.py "http://127.0.0.1:$PORT" "$TOKEN" "$SESSIONS" "$SAMPLES"
echo "Server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$SERVER/status) / 1024)) MiB"
