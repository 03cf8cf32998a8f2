#!/usr/bin/env bash
# bench/run-accept.sh -- chapter 08's listener against libevent 2.1:
# loopback connections accepted as fast as a client thread can make them,
# one at a time and 64 in flight (BENCH_CONNECTIONS each, default 20000);
# then accept + one 64-byte echo through a bufferevent, one and four client
# threads.
#
# The wall and CPU times are mostly the kernel's (the TCP handshake, the
# reset, accept4() and close()).  The second opinion is callgrind's count
# of the instructions the server's thread runs in user space -- ours or
# libevent's, and the C library's -- per connection, which no other
# process on the machine can disturb.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_CONNECTIONS:-20000}
bench/compare.sh bench/accept.c "$n" 1
bench/compare.sh bench/accept.c "$n" 64 | sed 1d
bench/compare.sh bench/accept_echo.c "$n" 1 | sed 1d
bench/compare.sh bench/accept_echo.c "$n" 4 | sed 1d

command -v valgrind >/dev/null || exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=4000
for window in 1 64; do
	for lib in litevent libevent; do
		valgrind --tool=callgrind --separate-threads=yes \
			--callgrind-out-file="$work/$lib.$window" \
			"build/bench/accept-$lib" "$count" "$window" >/dev/null 2>&1
		# Thread 1 is the server (the loop); thread 2 the client.
		awk '/^(summary|totals):/ { print $2; exit }' "$work/$lib.$window-01" >"$work/$lib.$window.ir"
	done
	awk -v w="$window" -v n="$count" -v ours="$(cat "$work/litevent.$window.ir")" \
		-v theirs="$(cat "$work/libevent.$window.ir")" 'BEGIN {
		printf "%-44s %14.1f %14.1f %8.2f\n", "accept: server instructions, " w " in flight",
			ours / n, theirs / n, ours / theirs }'
done
