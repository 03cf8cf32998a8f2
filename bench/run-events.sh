#!/usr/bin/env bash
# bench/run-events.sh -- the event core against libevent 2.1 and against the
# floor: dispatch over many descriptors (N socketpairs, A active, W chained
# writes per round; bench/dispatch-floor.c is the same workload straight on
# epoll), and timer churn (1 000 000 timers, heap and common timeouts).
# N stops short of 10000 pairs when the hard descriptor limit (two per pair,
# and a few for the program) does not allow them.  BENCH_ROUNDS alternating
# runs of each program (default 7); every figure is their median.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
limit=$(ulimit -Hn)
big=10000
if [ "$limit" != unlimited ] && [ $((2 * big + 64)) -gt "$limit" ]; then
	big=$(((limit - 64) / 2))
fi
echo "load before: $(uptime)"
header=1
for n in 100 1000 "$big"; do
	for a in 1 100; do
		for w in 100 1000; do
			bench/compare.sh --floor bench/dispatch-floor.c bench/dispatch.c \
			    "$n" "$a" "$w" 25 | { [ $header = 1 ] && cat || sed 1d; }
			header=0
		done
	done
done
bench/compare.sh bench/timers.c "${BENCH_TIMERS:-1000000}" 3
echo "load after: $(uptime)"
