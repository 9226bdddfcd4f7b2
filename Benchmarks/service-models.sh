#!/usr/bin/env bash
# Service-model benchmark: segment 100,000 accounts, route 10,000 cases, recompute the
# SLA deadlines of 100,000 open cases, on the pure core in a release build; then the same
# through the store, the daily health pass, and the playbook runner over 100,000 active
# enrollments (steps/s; lag p50/p99), and what the one-need-one-case lookup adds to intake.
# Prints the time of each against its target. Usage: Benchmarks/service-models.sh [--core]
# (--core: only the decisions on the pure core, without the store).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product touchpoint-benchmarks >/dev/null
"$(swift build -c release --show-bin-path)/touchpoint-benchmarks" "$@"
