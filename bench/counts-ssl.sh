#!/usr/bin/env bash
# bench/counts-ssl.sh -- bench/run-ssl.sh's workloads under callgrind
# (bench/counts.sh): instructions and simulated cache misses per echoed
# message and per handshake, litevent beside libevent 2.1, and OpenSSL's
# floors (the echo's and the handshake's).  Callgrind counts a memcpy done
# with "rep movsb" one instruction per byte, so copies weigh far more here
# than in time: on the way in, litevent's transport BIO copies each record
# once more in user space than libevent's socket BIO, whose copy the
# kernel makes (and callgrind does not see).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_OPENSSL=1
bench/counts.sh bench/ssl.c echo 1 200
bench/counts.sh bench/ssl.c echo 100 4 | sed 1d
bench/counts.sh bench/ssl.c floor 200 | sed 1d
bench/counts.sh bench/ssl.c handshake 20 | sed 1d
bench/counts.sh bench/ssl.c handshake-floor 20 | sed 1d
