#!/usr/bin/env bash
# bench/run-memory.sh -- memory per connection, litevent against libevent
# 2.1: N echo connections over socketpairs (10 000, or what the descriptor
# limit allows), each server side with an input and an output evbuffer,
# echoing 4 to 8 KiB messages (bench/echo.c): peak and idle RSS, and the
# library's own heap at the peak and when idle.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export BENCH_ROUNDS=${BENCH_ROUNDS:-7}
bench/compare.sh bench/echo.c "$(bench_max_pairs)" 4
