#!/usr/bin/env bash
# bench/run-events.sh -- the event core against libevent 2.1 and against the
# floor: dispatch over many descriptors (N socketpairs, A active, W chained
# writes per round; bench/dispatch-floor.c is the same workload straight on
# epoll), and timer churn (1 000 000 timers, heap and common timeouts).
# N stops short of 10000 pairs when the hard descriptor limit does not allow
# them.  BENCH_ROUNDS alternating runs of each program (default 7); every
# figure is their median.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_for_dispatch_configs 25 \
    bench/compare.sh --floor bench/dispatch-floor.c bench/dispatch.c
bench/compare.sh bench/timers.c "${BENCH_TIMERS:-1000000}" 3
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
