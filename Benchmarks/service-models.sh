#!/usr/bin/env bash
# Service-model benchmark: segment 100,000 accounts, route 10,000 cases, recompute the
# SLA deadlines of 100,000 open cases, on the pure core in a release build. Prints the
# time of each (target: under 2 seconds each). Usage: Benchmarks/service-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product touchpoint-benchmarks >/dev/null
"$(swift build -c release --show-bin-path)/touchpoint-benchmarks"
