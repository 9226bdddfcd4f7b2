#!/usr/bin/env bash
# The API against its own document: starts `serve` on a fresh SQLite database with the demo
# data and runs schemathesis (every phase: examples, coverage, fuzzing, stateful) with the
# demo admin's token. Fails on any server error, any status, header, content type or body the
# document does not describe, any 405 without Allow. Two checks are reported but do not fail:
# schema-valid requests rejected (422 for rules no schema can state: a cursor this server did
# not issue, a topic the brand does not have) and schema-violating requests accepted (null for
# an optional field, taken as absent). Then `contract/numbers.py` sends extreme numbers into
# every numeric field of every body (gating too).
#
# Usage: Benchmarks/contract.sh [path/to/touchpoint] [examples-per-operation] [seed]
#        CONTRACT_REPORT=0 … runs only the gate (as .ci/run does); CONTRACT_KEEP=DIR keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${1:-.build/debug/touchpoint}
EXAMPLES=${2:-5}
SEED=${3:-20261206}
command -v schemathesis >/dev/null || python3 -m pip install --quiet "schemathesis==4.32.5" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "schemathesis==4.32.5"
DATA=$(mktemp -d /tmp/touchpoint-contract.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --data-dir "$DATA" --port "$PORT" --smtp-port -1 --lmtp-port -1 >"$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 300); do grep -q "Demo admin token" "$DATA/serve.log" && break; sleep 0.1; done
TOKEN=$(grep -o "tp_[A-Za-z0-9_-]*" "$DATA/serve.log" | head -1)
[ -n "$TOKEN" ] || { echo "serve did not start:"; tail -20 "$DATA/serve.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
cd "$DATA"  # schemathesis keeps its cassettes and cache in the working directory
set +e
schemathesis run "$URL/api/v1/openapi.yaml" --url "$URL" -H "Authorization: Bearer $TOKEN" \
    --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --no-color \
    --checks all --exclude-checks positive_data_acceptance,negative_data_rejection >"$DATA/gate.log" 2>&1
gate=$?
set -e
echo "gate (all checks but two):"
sed -n '/^API Operations:/,$p' "$DATA/gate.log" | grep -E "Tested|❌|✅|generated|failures|passed" || tail -20 "$DATA/gate.log"
# Extreme numbers into every numeric field of every body: no server error, refusals name the field.
python3 "$ROOT/Benchmarks/contract/numbers.py" "$URL" "$TOKEN" "$ROOT/Sources/TouchpointWeb/Resources/openapi.yaml" || gate=1
if [ "${CONTRACT_REPORT:-1}" = 1 ]; then
    schemathesis run "$URL/api/v1/openapi.yaml" --url "$URL" -H "Authorization: Bearer $TOKEN" \
        --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --no-color \
        --checks positive_data_acceptance,negative_data_rejection >"$DATA/reported.log" 2>&1 || true
    echo "reported (positive_data_acceptance, negative_data_rejection):"
    grep -E "❌ ST|generated" "$DATA/reported.log" || true
fi
# CONTRACT_KEEP=DIR keeps both schemathesis logs there (the failures in full).
[ -z "${CONTRACT_KEEP:-}" ] || { mkdir -p "$CONTRACT_KEEP"; cp "$DATA"/*.log "$CONTRACT_KEEP"/; }
if [ $gate -ne 0 ]; then
    echo "FAIL: the API disagrees with its document"
    sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$DATA/gate.log" | cut -c1-300 | head -150
    exit 1
fi
echo "PASS"
