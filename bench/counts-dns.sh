#!/usr/bin/env bash
# bench/counts-dns.sh -- chapter 9's workloads of bench/run-dns.sh under
# callgrind (bench/counts.sh): instructions and simulated cache misses per
# lookup, the client's (the resolver) and the server's (the evdns server in
# its child process) counted apart, litevent beside libevent 2.1.
# Deterministic: one run each, 20 000 lookups.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_DNS_COUNTED:-20000}
bench/counts.sh bench/dns.c lookups "$n" 100
bench/counts.sh bench/dns.c replies "$n" 100 | sed 1d
