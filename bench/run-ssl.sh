#!/usr/bin/env bash
# bench/run-ssl.sh -- chapter 10's TLS bufferevents against libevent 2.1's,
# both over the same OpenSSL 3: 16 KiB messages echoed over socketpairs by
# one connection and by 100 at once, and handshakes one after another.
#
# "OpenSSL alone" is the floor: the same encryptions and decryptions
# between two SSL objects over a BIO pair, no event library -- the part of
# an echo that is OpenSSL's, whichever library drives it.  What a library
# adds is its row minus the floor.  The handshake has its floor too: the
# same handshakes between two SSL objects over a BIO pair.
# bench/counts-ssl.sh gives the instruction counts.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_OPENSSL=1
m=${BENCH_MESSAGES:-2000}
bench/compare.sh bench/ssl.c echo 1 "$m"
bench/compare.sh bench/ssl.c echo 100 $((m / 50)) | sed 1d
bench/compare.sh bench/ssl.c floor "$m" | sed 1d
bench/compare.sh bench/ssl.c handshake "${BENCH_HANDSHAKES:-300}" | sed 1d
bench/compare.sh bench/ssl.c handshake-floor "${BENCH_HANDSHAKES:-300}" | sed 1d
