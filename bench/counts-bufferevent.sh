#!/usr/bin/env bash
# bench/counts-bufferevent.sh -- the bufferevent workloads of
# bench/run-bufferevent.sh under callgrind (bench/counts.sh): instructions and
# simulated cache misses per round trip, litevent beside libevent 2.1.
# Deterministic: one round of each.  Counts are of user space only: the
# system calls each library makes are counted by strace (see chapter 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/counts.sh bench/bufferevent.c 1
