#!/usr/bin/env bash
# Playbook steps exactly once across crashes: kill -9 of a release `touchpoint serve` while
# its runner works through a six-step playbook (three emails, two waits, a tag) for many
# contacts; after the restarts every contact must have entered once, every enrollment must
# have run each step once and in order, and each email must be in the outbox exactly once.
# Usage: Benchmarks/crash-playbooks.sh [rounds, default 20] [contacts, default 400]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
CONTACTS=${2:-400}
swift build -c release --product touchpoint >/dev/null
BIN="${TOUCHPOINT_BIN:-$(swift build -c release --show-bin-path)/touchpoint}"
python3 Benchmarks/crash/playbook_kill.py "$BIN" --rounds "$ROUNDS" --contacts "$CONTACTS"
