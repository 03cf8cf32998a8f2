#!/usr/bin/env bash
# bench/build.sh SOURCE.c [FLOOR.c] -- build one benchmark for comparison.
#
# SOURCE.c is compiled twice from the same text: once against litevent's
# headers and static library (build/lib/libevent.a, src/include) into
# build/bench/NAME-litevent, once against the system's libevent 2.1
# (pkg-config libevent, from libevent-dev) into build/bench/NAME-libevent.
# FLOOR.c, the same workload with no library, becomes build/bench/FLOORNAME.
# Prints the paths it built, one a line, in that order.
set -euo pipefail

src=${1:?usage: bench/build.sh SOURCE.c [FLOOR.c]}
floor_src=${2:-}
name=$(basename "${src%.c}")
out=build/bench
mkdir -p "$out"

if ! pkg-config --exists libevent; then
	echo "bench: the system's libevent 2.1 is missing (apt-get install libevent-dev)" >&2
	exit 1
fi
ours=$out/$name-litevent
theirs=$out/$name-libevent
cflags=(-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra)
# BENCH_OPENSSL=1: the benchmark uses TLS bufferevents (libevent_openssl).
ours_tls=() theirs_tls=()
if [ -n "${BENCH_OPENSSL:-}" ]; then
	ours_tls=(build/lib/libevent_openssl.a -lssl -lcrypto)
	theirs_tls=(libevent_openssl openssl)
fi
# shellcheck disable=SC2046
cc "${cflags[@]}" -Isrc/include -MD -MF "$ours.d" -o "$ours" "$src" "${ours_tls[@]}" build/lib/libevent.a \
	$(ls build/lib/libevent_pthreads.a 2>/dev/null) -pthread -lm
# shellcheck disable=SC2046
cc "${cflags[@]}" $(pkg-config --cflags libevent) -o "$theirs" "$src" \
	$(pkg-config --libs libevent libevent_pthreads "${theirs_tls[@]}") -pthread -lm
# A comparison is only one if each side is what it says: ours read no
# system libevent header and loads no libevent shared object; theirs does.
if tr ' \\' '\n\n' <"$ours.d" | grep -E '^/.*/(event2/[A-Za-z_-]+|event|evutil)\.h$' >&2; then
	echo "bench: $ours read the system's libevent headers (above)" >&2
	exit 1
fi
# (grep reads all of ldd's output: with -q it could exit first and, under
# pipefail, the SIGPIPE of ldd would read as "no libevent".)
if ldd "$ours" | grep libevent >&2 || ! ldd "$theirs" | grep libevent >/dev/null; then
	echo "bench: $ours must link litevent statically, $theirs the system's libevent" >&2
	exit 1
fi
echo "$ours"
echo "$theirs"
if [ -n "$floor_src" ]; then
	floor=$out/$(basename "${floor_src%.c}")
	cc "${cflags[@]}" -o "$floor" "$floor_src" -lm
	echo "$floor"
fi
