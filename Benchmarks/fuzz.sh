#!/usr/bin/env bash
# Fuzzing: libFuzzer targets (Swift's -sanitize=fuzzer, with AddressSanitizer) over the parts
# that read what strangers send: the MIME parser (mail), the HTML sanitizer (html), the SMS,
# WhatsApp and phone webhook decoders (webhook), the API's rule and settings bodies (json)
# and the SMTP/LMTP session state machine (smtp). Each starts from the seeds in
# Benchmarks/fuzz/seeds (the mail target and the sanitizer also from the test mail corpus)
# and keeps what it learns in .build-fuzz/corpus. A crash stops the run with its input in
# .build-fuzz/crashes and a non-zero exit.
#
# Usage: Benchmarks/fuzz.sh [seconds-per-target] [target…]        (default 60 s, all targets)
#        FUZZ_RUNS=10000000 Benchmarks/fuzz.sh 0 [target…]         (a number of executions instead)
#        FUZZ_WORKERS=2 …                                         (that many processes per target, one corpus)
# FUZZ_TIMEOUT (default 10 s) is how long one input may take, in wall-clock time: raise it for
# a long run at low priority beside other work, where a busy machine alone can exceed it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(mail html webhook json smtp)
OUT=.build-fuzz
# The Swift runtime's own crash reporter reads memory AddressSanitizer guards; libFuzzer reports instead.
export SWIFT_BACKTRACE=enable=no
FLAGS=(-O -sanitize=fuzzer,address -parse-as-library -suppress-warnings)
mkdir -p "$OUT/crashes"

# The core is compiled once as a module with coverage; a target is rebuilt when it or the
# core changed since its binary was made.
CORE_SOURCES=$(find Sources/TouchpointCore -name '*.swift' | sort)
if [ ! -e "$OUT/libTouchpointCore.a" ] || [ -n "$(find Sources/TouchpointCore -name '*.swift' -newer "$OUT/libTouchpointCore.a")" ]; then
    echo "building the core with fuzzing instrumentation…"
    # shellcheck disable=SC2086
    swiftc "${FLAGS[@]}" -module-name TouchpointCore -emit-module -emit-module-path "$OUT/TouchpointCore.swiftmodule" \
        -emit-library -static -o "$OUT/libTouchpointCore.a" $CORE_SOURCES
fi
for target in "${TARGETS[@]}"; do
    source="Benchmarks/fuzz/targets/$target.swift"
    [ -e "$source" ] || { echo "no fuzz target '$target' (have: $(ls Benchmarks/fuzz/targets | sed 's/\.swift//' | xargs))"; exit 2; }
    if [ ! -e "$OUT/fuzz-$target" ] || [ "$source" -nt "$OUT/fuzz-$target" ] || [ "$OUT/libTouchpointCore.a" -nt "$OUT/fuzz-$target" ]; then
        swiftc "${FLAGS[@]}" -I "$OUT" -L "$OUT" -lTouchpointCore "$source" -o "$OUT/fuzz-$target" 2>&1 | grep -v "Cannot export local symbol" || true
        [ -x "$OUT/fuzz-$target" ] || { echo "building fuzz-$target failed"; exit 1; }
    fi
done

printf '%-8s %14s %9s %11s %s\n' target executions seconds "execs/s" result
status=0
for target in "${TARGETS[@]}"; do
    corpus="$OUT/corpus/$target"
    mkdir -p "$corpus"
    seeds=()
    [ -d "Benchmarks/fuzz/seeds/$target" ] && seeds+=("Benchmarks/fuzz/seeds/$target")
    # Whole messages need room; a session or a body finds its paths within 4 KB, faster.
    case $target in
        mail | html) seeds+=(Tests/Fixtures/mail/corpus) max_len=65536 ;;
        *) max_len=4096 ;;
    esac
    limits=(-max_len=$max_len -timeout=${FUZZ_TIMEOUT:-10} -rss_limit_mb=4096 -print_final_stats=1)
    # FUZZ_WORKERS processes share the corpus (what one finds, the others read at their next
    # start) and split FUZZ_RUNS between them; the executions are their sum.
    workers=${FUZZ_WORKERS:-1}
    if [ -n "${FUZZ_RUNS:-}" ]; then limits+=(-runs=$(( (FUZZ_RUNS + workers - 1) / workers ))); else limits+=(-max_total_time="$SECONDS_EACH"); fi
    log="$OUT/fuzz-$target.log"
    started=$(date +%s)
    failed=0
    pids=()
    for worker in $(seq 2 "$workers"); do
        "$OUT/fuzz-$target" "${limits[@]}" -artifact_prefix="$OUT/crashes/$target-" "$corpus" "${seeds[@]}" >"$log.$worker" 2>&1 &
        pids+=($!)
    done
    "$OUT/fuzz-$target" "${limits[@]}" -artifact_prefix="$OUT/crashes/$target-" "$corpus" "${seeds[@]}" >"$log" 2>&1 || failed=1
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    if [ $failed -eq 0 ]; then
        result="0 crashes"
    else
        result="FAILED: see $log* and $OUT/crashes/"
        status=1
    fi
    elapsed=$(( $(date +%s) - started ))
    runs=0
    for file in "$log" $(for worker in $(seq 2 "$workers"); do echo "$log.$worker"; done); do
        runs=$(( runs + $(sed -n 's/^stat::number_of_executed_units: *//p' "$file" | tail -1 | grep . || echo 0) ))
    done
    printf '%-8s %14s %9s %11s %s\n' "$target" "$runs" "$elapsed" "$(( runs / (elapsed > 0 ? elapsed : 1) ))" "$result"
    [ $failed -eq 0 ] || { grep -m5 -E "ERROR|Fatal error|panic|SUMMARY" "$log"* || tail -20 "$log"; }
done
exit $status
