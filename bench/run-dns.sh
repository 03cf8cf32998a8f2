#!/usr/bin/env bash
# bench/run-dns.sh -- chapter 9's resolver and server against libevent 2.1:
# 10 000 lookups with 100 in flight, to an evdns server in a child process on
# 127.0.0.1; and 1 000 000 replies that each carry a CNAME and 16 A records,
# so that reading replies (parsing, following the CNAME, matching) is most
# of the work.  BENCH_DNS_REPLIES shrinks the second for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_ROUNDS=${BENCH_ROUNDS:-11} bench/compare.sh bench/dns.c lookups 10000 100
BENCH_ROUNDS=${BENCH_ROUNDS:-3} bench/compare.sh bench/dns.c replies \
	"${BENCH_DNS_REPLIES:-1000000}" 100 | sed 1d
