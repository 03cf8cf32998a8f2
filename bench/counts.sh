#!/usr/bin/env bash
# bench/counts.sh [--floor FLOOR.c] SOURCE.c [ARGS...] -- the noise-free second
# opinion: instructions and simulated cache misses per operation.
#
# The programs of bench/build.sh run once each under callgrind with
# instrumentation off at the start; the benchmark switches it on only around
# its timed regions (count_begin/count_end in bench/bench.h), so set-up,
# warm-up and teardown are not counted.  Each region is dumped with the label
# "NAME|OPS"; this script adds up the dumps of each NAME and divides by the
# operations.  Counts are of user-space work only: a system call costs the
# instructions that make it, not what the kernel does.
#
# The cache is simulated, not measured (this VM gives perf no hardware
# counters): a 32 KiB 8-way L1d and, as the last level, a 1 MiB 8-way cache --
# the private L2 of one core of the machine the figures in the book come from.
# The shared L3 belongs to every tenant of the host and is left out.
#
# Prints, per measurement: instructions per operation for litevent, libevent
# (and the floor), their ratio, then L1d and last-level misses per operation.
set -euo pipefail

. bench/lib.sh
bench_parse_args "$@"
built=$(bash bench/build.sh "$src" ${floor_src:+"$floor_src"})
dumps=$(mktemp -d)
trap 'rm -rf "$dumps"' EXIT

who=(litevent libevent floor)
cache=(--cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 --LL=1048576,8,64)
# A program that forks (bench/dns.c's server) dumps from each process: %p in
# the file names keeps their dumps apart.
# Two runs of each program: instructions with instrumentation switched on only
# around the counted regions, cache misses with it on throughout (a warm
# simulated cache; see bench/bench.h).  Both collect only inside the regions.
count() {	# DIR PROGRAM ARGS...
	local dir=$1
	shift
	mkdir -p "$dir"
	valgrind -q --tool=callgrind --collect-atstart=no "$@" 2>&1 >/dev/null |
	    { grep -v "warning: .*\(L3 cache\|LL cache\)" >&2 || true; }
}
i=0
while read -r prog; do
	count "$dumps/ir/${who[$i]}" --instr-atstart=no \
	    --callgrind-out-file="$dumps/ir/${who[$i]}/out.%p" "$prog" "${args[@]}"
	BENCH_COUNT_WARM=1 count "$dumps/cache/${who[$i]}" "${cache[@]}" \
	    --callgrind-out-file="$dumps/cache/${who[$i]}/out.%p" "$prog" "${args[@]}"
	i=$((i + 1))
done <<<"$built"

# One line per dump: KIND (ir or cache), WHO, NAME, OPS, then the totals (Ir,
# or Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw as --cache-sim=yes writes them).
for kind in ir cache; do
	for w in "${who[@]}"; do
		[ -d "$dumps/$kind/$w" ] || continue
		for f in "$dumps/$kind/$w"/out*; do
			awk -v kind="$kind" -v who="$w" '
				/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); label = $0 }
				/^totals: / { totals = $0 }
				END {
					if (label == "") exit
					split(label, part, "|"); n = split(totals, t, " ")
					printf "%s\t%s\t%s\t%s", kind, who, part[1], part[2]
					for (k = 2; k <= n; k++) printf "\t%s", t[k]
					printf "\n"
				}' "$f"
		done
	done
done | awk -F'\t' '
	{
		key = $2 SUBSEP $3
		if ($1 == "ir") { ops[key] += $4; ir[key] += $5 }
		else { cops[key] += $4; d1[key] += $9 + $10; ll[key] += $12 + $13 }
		if (!($3 in seen)) { seen[$3] = 1; order[++m] = $3 }
		if ($2 == "floor") floor = 1
	}
	function per(a, n, w, name,   k) { k = w SUBSEP name; return n[k] ? a[k] / n[k] : 0 }
	END {
		printf "%-36s %8s %8s", "per operation (callgrind)", "Ir lit", "Ir lib"
		if (floor) printf " %8s", "Ir floor"
		printf " %7s %7s %7s %7s %7s\n", "lit/lib", "D1 lit", "D1 lib", "LL lit", "LL lib"
		for (i = 1; i <= m; i++) {
			n = order[i]; a = per(ir, ops, "litevent", n); b = per(ir, ops, "libevent", n)
			printf "%-36s %8.1f %8.1f", n, a, b
			if (floor) printf " %8.1f", per(ir, ops, "floor", n)
			printf " %7.2f %7.2f %7.2f %7.2f %7.2f\n", (b ? a / b : 0),
			    per(d1, cops, "litevent", n), per(d1, cops, "libevent", n),
			    per(ll, cops, "litevent", n), per(ll, cops, "libevent", n)
		}
	}'
