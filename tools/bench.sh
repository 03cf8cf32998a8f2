#!/usr/bin/env bash
# tools/bench.sh [--counts-only] -- every benchmark, litevent against the
# system's libevent 2.1.
#
# Each bench/run-*.sh compiles its benchmark twice from one source, runs the
# two in alternation (with a floor beside them where there is one) and prints
# medians and ratios.  Then each bench/counts-*.sh prints the same workloads'
# instruction and cache-miss counts under callgrind: the second opinion that a
# busy shared machine cannot disturb.  BENCH_COUNTS=0 skips the counts;
# --counts-only runs nothing else.
set -euo pipefail
timed=1
counted=${BENCH_COUNTS:-1}
if [ "${1:-}" = --counts-only ]; then
	timed=0
	counted=1
fi
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), load: $(cut -d' ' -f1-3 /proc/loadavg)"
found=0
for runner in bench/run*.sh; do
	[ $timed = 1 ] && [ -e "$runner" ] || continue
	found=1
	echo "== $runner"
	bash "$runner"
done
for runner in bench/counts-*.sh; do
	[ "$counted" != 0 ] && [ -e "$runner" ] || continue
	found=1
	echo "== $runner"
	bash "$runner"
done
[ $found = 1 ] || echo "No benchmarks yet (bench/run*.sh)."
