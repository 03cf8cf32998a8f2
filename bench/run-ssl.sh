#!/usr/bin/env bash
# bench/run-ssl.sh -- chapter 10's TLS bufferevents against libevent 2.1's,
# both over the same OpenSSL 3: 16 KiB messages echoed over socketpairs by
# one connection and by 100 at once, and handshakes one after another.
#
# "OpenSSL alone" is the floor: the same encryptions and decryptions
# between two SSL objects over memory BIOs, no event library.  What a
# library adds is its row minus the floor.  The second opinion is
# callgrind's count of instructions per message (user space, the whole
# process: both ends, the library, OpenSSL, the C library), again with the
# floor, which no other process on the machine can disturb.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_OPENSSL=1
m=${BENCH_MESSAGES:-2000}
bench/compare.sh bench/ssl.c echo 1 "$m"
bench/compare.sh bench/ssl.c echo 100 $((m / 50)) | sed 1d
bench/compare.sh bench/ssl.c floor "$m" | sed 1d
bench/compare.sh bench/ssl.c handshake "${BENCH_HANDSHAKES:-300}" | sed 1d

command -v valgrind >/dev/null || exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=200
ir() {	# ir LIB ARGS...: instructions of one run
	local lib=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$work/out" \
		"build/bench/ssl-$lib" "$@" >/dev/null 2>&1
	awk '/^(summary|totals):/ { print $2; exit }' "$work/out"
}
# Per message: a run of count+1 messages minus a run of 1, so that the
# handshake and setup drop out.
for lib in litevent libevent; do
	echo $(( ($(ir "$lib" echo 1 $((count + 1))) - $(ir "$lib" echo 1 1)) / count )) >"$work/$lib"
done
floor=$(( ($(ir litevent floor $((count + 1))) - $(ir litevent floor 1)) / count ))
awk -v ours="$(cat "$work/litevent")" -v theirs="$(cat "$work/libevent")" -v floor="$floor" 'BEGIN {
	printf "%-44s %14.0f %14.0f %8.2f\n", "tls echo: instructions per message", ours, theirs, ours / theirs
	printf "%-44s %14.0f %14.0f %8.2f\n", "  the same above OpenSSL alone", ours - floor, theirs - floor, (ours - floor) / (theirs - floor)
	printf "%-44s %14.0f %14s\n", "  OpenSSL alone (the floor)", floor, "" }'
