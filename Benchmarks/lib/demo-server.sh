# Sourced by the HTTP benchmarks: builds the release binary (unless TOUCHPOINT_BIN names
# another build), installs wrk if missing, loads the demo data into a fresh SQLite directory,
# and starts `serve` on a free port without mail listeners. Sets BIN, DATA, SERVER, URL and
# exports TOKEN (the demo admin's) and BENCH_DIR; the server and its data go at exit.
export BENCH_DIR="$PWD/Benchmarks"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [ -z "${TOUCHPOINT_BIN:-}" ]; then
  swift build -c release --product touchpoint >/dev/null
fi
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"
DATA=$(mktemp -d /tmp/touchpoint-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" demo --data-dir "$DATA" >/dev/null
export TOKEN=$("$BIN" token create --data-dir "$DATA" --email admin@acme.example --name bench 2>/dev/null)
"$BIN" serve --data-dir "$DATA" --port "$PORT" --smtp-port=-1 --lmtp-port=-1 >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"
