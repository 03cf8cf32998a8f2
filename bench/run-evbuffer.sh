#!/usr/bin/env bash
# bench/run-evbuffer.sh -- chapter 06's evbuffer workloads, litevent against
# libevent 2.1: small adds and removes, evbuffer_readln over a million CRLF
# lines, evbuffer_add_buffer ping-pong, and 256 MiB through a nonblocking
# socketpair with evbuffer_write/evbuffer_read.  Each workload is compared on
# its own, so that the rounds of one do not wait for the others: BENCH_ROUNDS
# alternating runs of each program (default 7), each the median of 3 rounds
# in the process; every figure is the median of those.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
header=1
for workload in small readln pingpong socket; do
	if [ $header = 1 ]; then
		bench/compare.sh bench/evbuffer.c 3 "$workload"
		header=0
	else
		bench/compare.sh bench/evbuffer.c 3 "$workload" | sed 1d
	fi
done
