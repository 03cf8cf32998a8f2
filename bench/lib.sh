# bench/lib.sh -- sourced by the scripts in bench/: what they have in common.

# Parse "[--floor FLOOR.c] SOURCE.c [ARGS...]" into floor_src (maybe empty),
# src and the array args.
bench_parse_args() {
	floor_src=
	if [ "${1:-}" = --floor ]; then
		floor_src=${2:?--floor needs a file}
		shift 2
	fi
	src=${1:?usage: $0 [--floor FLOOR.c] SOURCE.c [ARGS...]}
	shift
	args=("$@")
}

# The most socketpairs, up to 10 000, that the hard descriptor limit allows:
# two descriptors a pair, and a few for the program itself.
bench_max_pairs() {
	local limit big=10000
	limit=$(ulimit -Hn)
	if [ "$limit" != unlimited ] && [ $((2 * big + 64)) -gt "$limit" ]; then
		big=$(((limit - 64) / 2))
	fi
	echo "$big"
}

# Run "COMMAND... N A W ROUNDS" for every dispatch configuration of make
# bench (N = 100, 1000, the most pairs; A = 1, 100; W = 100, 1000), keeping
# the header line of the first run only.
bench_for_dispatch_configs() {	# ROUNDS COMMAND...
	local rounds=$1 n a w first=1
	shift
	for n in 100 1000 "$(bench_max_pairs)"; do
		for a in 1 100; do
			for w in 100 1000; do
				"$@" "$n" "$a" "$w" "$rounds" |
				    if [ $first = 1 ]; then cat; else sed 1d; fi
				first=0
			done
		done
	done
}
