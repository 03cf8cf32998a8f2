#!/usr/bin/env bash
# bench/run-events.sh -- the event core against libevent 2.1: dispatch over
# many descriptors, and timer churn.  N stops below 10000 pairs where the
# descriptor limit (two per pair) does not allow them.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$(ulimit -Hn)
big=10000
if [ "$limit" != unlimited ] && [ $((2 * big + 64)) -gt "$limit" ]; then
	big=$(( (limit - 64) / 2 ))
fi
args=()
for n in 100 1000 "$big"; do
	for a in 1 100; do
		bench/compare.sh bench/dispatch.c "$n" "$a" 1000 25 | { [ ${#args[@]} = 0 ] && cat || tail -n +2; }
		args+=(x)
	done
done
bench/compare.sh bench/timers.c "${BENCH_TIMERS:-1000000}" 3
