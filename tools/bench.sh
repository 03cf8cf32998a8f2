#!/usr/bin/env bash
# tools/bench.sh -- every benchmark, litevent against the system's libevent 2.1.
#
# Each bench/run-*.sh (or bench/run.sh) compiles its benchmark twice from one
# source, runs the two in alternation and prints medians and ratios.
set -euo pipefail
found=0
for runner in bench/run*.sh; do
	[ -e "$runner" ] || continue
	found=1
	echo "== $runner"
	bash "$runner"
done
[ $found = 1 ] || echo "No benchmarks yet (bench/run*.sh)."
