#!/usr/bin/env bash
# bench/compare.sh [--floor FLOOR.c] SOURCE.c [ARGS...] -- one benchmark,
# litevent against libevent 2.1 (and against a floor without any library).
#
# SOURCE.c is built against litevent and against the system's libevent 2.1
# (bench/build.sh).  The programs then run in alternation, ROUNDS times each
# (BENCH_ROUNDS, default 5), so that a slow moment of the machine falls on
# both alike.
#
# A benchmark prints one line per measurement, "NAME<TAB>VALUE", where VALUE is
# nanoseconds per operation unless NAME gives another unit: lower is better.  For every NAME this script
# prints both medians and the ratio litevent/libevent (below 1.00: litevent is
# faster).
#
# --floor FLOOR.c names the same workload written with no library at all
# (straight on the system calls); it is built once, takes the same ARGS, runs
# as a third program in the same alternation, and adds a column and the ratio
# litevent/floor: how far the library is from what the kernel allows.
set -euo pipefail

. bench/lib.sh
bench_parse_args "$@"
rounds=${BENCH_ROUNDS:-5}
built=$(bash bench/build.sh "$src" ${floor_src:+"$floor_src"})
ours=$(sed -n 1p <<<"$built")
theirs=$(sed -n 2p <<<"$built")
floor=$(sed -n 3p <<<"$built")

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 1; r <= rounds; r++)); do
	"$ours" "${args[@]}" | sed 's/^/litevent\t/' >>"$results"
	"$theirs" "${args[@]}" | sed 's/^/libevent\t/' >>"$results"
	[ -z "$floor" ] || "$floor" "${args[@]}" | sed 's/^/floor\t/' >>"$results"
done

# Median per (library, measurement), then one row per measurement.
awk -F'\t' -v with_floor="${floor:+1}" '
	{ key = $1 SUBSEP $2; n[key]++; v[key, n[key]] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++m] = $2 } }
	function median(key,   i, j, t, a, k) {
		k = n[key]
		for (i = 1; i <= k; i++) a[i] = v[key, i]
		for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	END {
		if (with_floor)
			printf "%-40s %10s %10s %10s %8s %8s\n", "measurement (median; ns/op unless named)", "litevent", "libevent", "floor", "lit/lib", "lit/floor"
		else
			printf "%-48s %12s %12s %8s\n", "measurement (median; ns/op unless named)", "litevent", "libevent", "ratio"
		for (i = 1; i <= m; i++) {
			ours = median("litevent" SUBSEP order[i]); theirs = median("libevent" SUBSEP order[i])
			if (with_floor) {
				bare = median("floor" SUBSEP order[i])
				printf "%-40s %10.1f %10.1f %10.1f %8.2f %8.2f\n", order[i], ours, theirs, bare, (theirs > 0 ? ours / theirs : 0), (bare > 0 ? ours / bare : 0)
			} else
				printf "%-48s %12.1f %12.1f %8.2f\n", order[i], ours, theirs, (theirs > 0 ? ours / theirs : 0)
		}
	}' "$results"
