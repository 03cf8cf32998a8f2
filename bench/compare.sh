#!/usr/bin/env bash
# bench/compare.sh SOURCE.c [ARGS...] -- one benchmark, litevent against libevent 2.1.
#
# SOURCE.c is compiled twice from the same text: once against litevent's
# headers and static library (build/lib/libevent.a, src/include), once against
# the system's libevent 2.1 (pkg-config libevent, from libevent-dev).  The two
# programs then run in alternation, ROUNDS times each (BENCH_ROUNDS, default 5),
# so that a slow moment of the machine falls on both alike.
#
# A benchmark prints one line per measurement, "NAME<TAB>VALUE", where VALUE is
# nanoseconds per operation: lower is better.  For every NAME this script
# prints both medians and the ratio litevent/libevent (below 1.00: litevent is
# faster).
set -euo pipefail

src=${1:?usage: bench/compare.sh SOURCE.c [ARGS...]}
shift
rounds=${BENCH_ROUNDS:-5}
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
# shellcheck disable=SC2046
cc "${cflags[@]}" -Isrc/include -MD -MF "$ours.d" -o "$ours" "$src" build/lib/libevent.a \
	$(ls build/lib/libevent_pthreads.a 2>/dev/null) -pthread -lm
# shellcheck disable=SC2046
cc "${cflags[@]}" $(pkg-config --cflags libevent) -o "$theirs" "$src" \
	$(pkg-config --libs libevent libevent_pthreads) -pthread -lm
# A comparison is only one if each side is what it says: ours read no
# system libevent header and loads no libevent shared object; theirs does.
if tr ' \\' '\n\n' <"$ours.d" | grep -E '^/.*/(event2/[A-Za-z_-]+|event|evutil)\.h$'; then
	echo "bench: $ours read the system's libevent headers (above)" >&2
	exit 1
fi
if ldd "$ours" | grep libevent || ! ldd "$theirs" | grep libevent >/dev/null; then
	echo "bench: $ours must link litevent statically, $theirs the system's libevent" >&2
	exit 1
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 1; r <= rounds; r++)); do
	"$ours" "$@" | sed 's/^/litevent\t/' >>"$results"
	"$theirs" "$@" | sed 's/^/libevent\t/' >>"$results"
done

# Median per (library, measurement), then one row per measurement.
awk -F'\t' '
	{ key = $1 SUBSEP $2; n[key]++; v[key, n[key]] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++m] = $2 } }
	function median(key,   i, j, t, a, k) {
		k = n[key]
		for (i = 1; i <= k; i++) a[i] = v[key, i]
		for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	END {
		printf "%-44s %14s %14s %8s\n", "measurement (ns/op, median)", "litevent", "libevent", "ratio"
		for (i = 1; i <= m; i++) {
			ours = median("litevent" SUBSEP order[i]); theirs = median("libevent" SUBSEP order[i])
			printf "%-44s %14.1f %14.1f %8.2f\n", order[i], ours, theirs, (theirs > 0 ? ours / theirs : 0)
		}
	}' "$results"
