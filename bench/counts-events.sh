#!/usr/bin/env bash
# bench/counts-events.sh -- the event core's workloads of bench/run-events.sh
# under callgrind (bench/counts.sh): instructions and simulated cache misses
# per callback and per timer operation, litevent beside libevent 2.1 and, for
# dispatch, the floor.  Deterministic: one run each, few rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$(ulimit -Hn)
big=10000
if [ "$limit" != unlimited ] && [ $((2 * big + 64)) -gt "$limit" ]; then
	big=$(((limit - 64) / 2))
fi
header=1
for n in 100 1000 "$big"; do
	for a in 1 100; do
		for w in 100 1000; do
			bench/counts.sh --floor bench/dispatch-floor.c bench/dispatch.c \
			    "$n" "$a" "$w" 3 | { [ $header = 1 ] && cat || sed 1d; }
			header=0
		done
	done
done
bench/counts.sh bench/timers.c "${BENCH_TIMERS:-1000000}" 1
