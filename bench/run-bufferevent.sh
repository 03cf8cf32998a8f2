#!/usr/bin/env bash
# bench/run-bufferevent.sh -- chapter 07's bufferevent workloads, litevent
# against libevent 2.1: echo over 1, 100 and 1000 socketpairs with 64 B and
# 16 KiB messages, the same echo through a pass-through filter, and a
# bufferevent pair's ping-pong (bench/bufferevent.c).  Each workload is
# compared on its own: BENCH_ROUNDS alternating runs of each program
# (default 5), each the median of 3 rounds in the process; every figure is
# the median of those.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_ROUNDS=${BENCH_ROUNDS:-5}
header=1
for workload in echo filter pair; do
	if [ $header = 1 ]; then
		bench/compare.sh bench/bufferevent.c 3 "$workload"
		header=0
	else
		bench/compare.sh bench/bufferevent.c 3 "$workload" | sed 1d
	fi
done
