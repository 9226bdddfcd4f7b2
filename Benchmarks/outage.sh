#!/usr/bin/env bash
# Database outages under load: `serve` on a PostgreSQL cluster of the harness's own while SMS,
# WhatsApp and phone-system providers, two MTAs (SMTP, LMTP), an API client and chat widgets
# keep sending; the database is stopped (`pg_ctl stop -m fast`) for one to three seconds the
# given number of times while the server keeps running. Prints what was answered meanwhile
# (and how fast), how soon each contact point took messages again, and the lost/doubled
# counts per contact point. Needs the PostgreSQL server binaries (apt-get install postgresql).
# Usage: Benchmarks/outage.sh [outages, default 5] [senders per contact point, default 4]
# TOUCHPOINT_BIN measures another build (an earlier commit's, for a before/after figure).
set -euo pipefail
cd "$(dirname "$0")/.."
OUTAGES=${1:-5}
SENDERS=${2:-4}
if [ -z "${TOUCHPOINT_BIN:-}" ]; then
  swift build -c release --product touchpoint >/dev/null
fi
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"
python3 Benchmarks/crash/crash_test.py "$BIN" --outages "$OUTAGES" --senders "$SENDERS" --drain-timeout 90
