#!/usr/bin/env bash
# tools/fuzz.sh run|merge|limits -- the libFuzzer side of tests/fuzz/.
#
#   run     build every active target (tools/fuzz-targets.sh) with clang's
#           libFuzzer and the address and undefined-behaviour sanitizers
#           into build/fuzz/, then fuzz each for FUZZ_SECONDS seconds
#           (default 60), starting from its committed corpus.  New inputs go
#           to build/fuzz/corpus/NAME/, a crashing input to
#           build/fuzz/crashes/NAME/ (replay it with
#           build/tests/fuzz/test_fuzz_NAME FILE).
#           FUZZ_ONLY="NAME ..." restricts run and merge to those targets.
#   merge   fold build/fuzz/corpus/NAME/ into tests/fuzz/corpus/NAME/: of all
#           the inputs, keep at most 50 that reach every edge any of them
#           reaches (tools/fuzz-pick.awk, on the coverage libFuzzer's -merge=1
#           measures), then check the limits.  For maintainers, after a run.
#           A file named regress-* (an input that once found a bug, saved
#           from build/fuzz/crashes/) is always kept.
#   limits  check the committed corpora: at most 50 files of at most 4 KiB
#           each per target (CONTRACTS.md §4).
#
# The check (make check) never needs clang: it replays the committed corpora
# through tests/fuzz/replay.c, built by the ordinary compiler.
set -u
mode=${1:-run}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
MAX_FILES=50 MAX_BYTES=4096
out=build/fuzz
mapfile -t targets < <(tools/fuzz-targets.sh)
[ -n "${FUZZ_ONLY:-}" ] && targets=($FUZZ_ONLY)

build() {
	tools/deps.sh fuzz || exit 1
	make --no-print-directory -f tools/lib.mk SRC=src OUT="$out" CC=clang \
		SANITIZE=fuzzer-no-link,address,undefined WARNINGS="-Wall -Wextra -Wno-misleading-indentation" \
		FUZZ_TARGETS="${targets[*]}" \
		fuzzers >"$out.log" 2>&1 || { tail -n 30 "$out.log"; exit 1; }
}

limits() {
	local bad=0 name dir n big
	for name in "${targets[@]}"; do
		dir=tests/fuzz/corpus/$name
		n=$(find "$dir" -type f 2>/dev/null | wc -l)
		big=$(find "$dir" -type f -size +${MAX_BYTES}c 2>/dev/null | wc -l)
		if [ "$n" -eq 0 ] || [ "$n" -gt $MAX_FILES ] || [ "$big" -gt 0 ]; then
			echo "$dir: $n files ($big over $MAX_BYTES bytes); want 1 to $MAX_FILES, none over $MAX_BYTES bytes"
			bad=1
		fi
	done
	return $bad
}

mkdir -p "$out"
case $mode in
run)
	build
	passed=0 failed=0
	for name in "${targets[@]}"; do
		mkdir -p "$out/corpus/$name" "$out/crashes/$name"
		echo "== fuzz_$name for ${FUZZ_SECONDS}s"
		if "$out/fuzzers/fuzz_$name" -max_total_time="$FUZZ_SECONDS" \
			-max_len=$MAX_BYTES -len_control=0 -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$out/crashes/$name/" \
			"$out/corpus/$name" "tests/fuzz/corpus/$name" \
			>"$out/$name.log" 2>&1; then
			grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' \
				"$out/$name.log" | sed 's/^/   /'
			echo "ok   fuzz_$name"
			passed=$((passed + 1))
		else
			tail -n 40 "$out/$name.log" | sed 's/^/    /'
			echo "FAIL fuzz_$name: see $out/$name.log and $out/crashes/$name/"
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	;;
merge)
	build
	for name in "${targets[@]}"; do
		work=$out/merge/$name
		rm -rf "$work" && mkdir -p "$work/all" "$work/one" "$work/none" "$work/picked"
		mkdir -p "$out/corpus/$name"
		# Every input that adds a feature, as libFuzzer's merge keeps them...
		"$out/fuzzers/fuzz_$name" -merge=1 -max_len=$MAX_BYTES "$work/all" \
			"tests/fuzz/corpus/$name" "$out/corpus/$name" \
			>"$work/log" 2>&1 || { tail -n 20 "$work/log"; exit 1; }
		# ...then the coverage of each one alone (a merge's control file
		# lists only what each input adds to those before it)...
		i=0
		: >"$work/paths"; : >"$work/coverage"
		for f in "$work"/all/*; do
			rm -f "$work"/one/* "$work"/none/* "$work/control"
			cp "$f" "$work/one/"
			"$out/fuzzers/fuzz_$name" -merge=1 -merge_control_file="$work/control" \
				"$work/none" "$work/one" >/dev/null 2>&1
			echo "$f" >>"$work/paths"
			sed -n "s/^\(STARTED\|FT\|COV\) 0 /\1 $i /p" "$work/control" >>"$work/coverage"
			i=$((i + 1))
		done
		# ...and the fewest that reach every edge, up to the limit, besides
		# the inputs kept by name (regress-*: each once found a bug).
		{ echo "$i"; echo 0; cat "$work/paths" "$work/coverage"; } >"$work/control"
		kept=$(find "tests/fuzz/corpus/$name" -name 'regress-*' | wc -l)
		find "tests/fuzz/corpus/$name" -name 'regress-*' -exec cp {} "$work/picked/" \;
		echo -n "tests/fuzz/corpus/$name: $kept kept by name, "
		awk -v max=$((MAX_FILES - kept)) -f tools/fuzz-pick.awk "$work/control" |
			while IFS= read -r f; do cp "$f" "$work/picked/"; done
		rm -rf "tests/fuzz/corpus/$name"
		mv "$work/picked" "tests/fuzz/corpus/$name"
	done
	limits
	;;
limits)
	limits
	;;
*)
	echo "usage: tools/fuzz.sh run|merge|limits" >&2
	exit 2
	;;
esac
