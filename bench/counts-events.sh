#!/usr/bin/env bash
# bench/counts-events.sh -- the event core's workloads of bench/run-events.sh
# under callgrind (bench/counts.sh): instructions and simulated cache misses
# per callback and per timer operation, litevent beside libevent 2.1 and, for
# dispatch, the floor.  Deterministic: one run each, few rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_for_dispatch_configs 3 \
    bench/counts.sh --floor bench/dispatch-floor.c bench/dispatch.c
bench/counts.sh bench/timers.c "${BENCH_TIMERS:-1000000}" 1
