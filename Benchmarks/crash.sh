#!/usr/bin/env bash
# Crash safety under load: kill -9 of a release `touchpoint serve` while SMS, WhatsApp and
# phone-system providers, two MTAs (SMTP, LMTP) and an API client keep sending and retry
# whatever was not answered; after every restart the run goes on, and at the end every
# acknowledged message must be in the history exactly once, on a case. Prints the counts per
# contact point (acknowledged, exactly once, lost, doubled, retries).
# Usage: Benchmarks/crash.sh [rounds, default 30] [senders per contact point, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-30}
SENDERS=${2:-8}
swift build -c release --product touchpoint >/dev/null
BIN="$(swift build -c release --show-bin-path)/touchpoint"
python3 Benchmarks/crash/crash_test.py "$BIN" --rounds "$ROUNDS" --senders "$SENDERS"
