#!/usr/bin/env bash
# bench/counts-evbuffer.sh -- the evbuffer workloads of bench/run-evbuffer.sh
# under callgrind (bench/counts.sh): instructions and simulated cache misses
# per add or remove, per line, per move and per KiB through the socketpair,
# litevent beside libevent 2.1.  Deterministic: one round of each.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/counts.sh bench/evbuffer.c 1
