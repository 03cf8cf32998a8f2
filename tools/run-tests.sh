#!/usr/bin/env bash
# tools/run-tests.sh -- run the chapters' cmocka test binaries of one build.
#
#   tools/run-tests.sh [--valgrind] [--quiet] OUT CHAPTER...
#
# Each binary OUT/tests/CHAPTER/test_* runs once per line of
# tests/CHAPTER/ENVIRONMENTS (a line of VAR=value words; an empty line or no
# file means one run in the plain environment), under a time limit, so a hung
# test fails instead of hanging the check.  The last line printed is
# "N passed, M failed", counting test cases; a binary that crashes, hangs or
# (under valgrind) reports an error or a leak counts as one more failure.
set -u

valgrind=0 quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	--valgrind) valgrind=1; shift ;;
	--quiet) quiet=1; shift ;;
	*) break ;;
	esac
done
out=$1; shift

TIME_LIMIT=${TIME_LIMIT:-120}
VALGRIND=(valgrind --quiet --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
	--child-silent-after-fork=yes --track-origins=yes)

# Binaries run JOBS at a time (default: one per core); each writes its own
# log, and the results are read back in the order the runs were listed, so
# the output is the same whatever finished first.  A test binary is its own
# process with its own sockets, so runs cannot see each other.
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# SKIP_ENVIRONMENTS (an extended regular expression) leaves out the
# environments it matches: the ThreadSanitizer run skips select's.
environments() {
	local file=tests/$1/ENVIRONMENTS
	if [ -f "$file" ]; then grep -v '^#' "$file"; else echo; fi |
		if [ -n "${SKIP_ENVIRONMENTS:-}" ]; then grep -Ev -- "$SKIP_ENVIRONMENTS" || true; else cat; fi
}

# One run: job number, environment line, binary.
run_one() {
	local n=$1 envline=$2 bin=$3 cmd=("$3")
	[ "$valgrind" = 1 ] && cmd=("${VALGRIND[@]}" "$bin")
	# shellcheck disable=SC2086
	env $envline timeout -k 5 "$TIME_LIMIT" "${cmd[@]}" >"$work/$n.log" 2>&1
	echo $? >"$work/$n.rc"
}

jobs=()
for chapter in "$@"; do
	for bin in "$out"/tests/"$chapter"/test_*; do
		[ -x "$bin" ] || continue
		while IFS= read -r envline; do
			jobs+=("$envline" "$bin")
		done < <(environments "$chapter")
	done
done

if [ ${#jobs[@]} -gt 0 ]; then
	VALGRIND_WORDS="${VALGRIND[*]}"
	export valgrind TIME_LIMIT work VALGRIND_WORDS
	for ((i = 0; i < ${#jobs[@]}; i += 2)); do
		printf '%s\0%s\0%s\0' $((i / 2)) "${jobs[i]}" "${jobs[i + 1]}"
	done | xargs -0 -n 3 -P "$JOBS" bash -c "$(declare -f run_one)"'
		read -r -a VALGRIND <<<"$VALGRIND_WORDS"; run_one "$@"' run_one
fi

passed=0 failed=0
for ((i = 0; i < ${#jobs[@]}; i += 2)); do
	n=$((i / 2)) envline=${jobs[i]} bin=${jobs[i + 1]}
	log=$work/$n.log
	chapter=$(basename "$(dirname "$bin")")
	label="$chapter/$(basename "$bin")${envline:+ [$envline]}"
	[ $valgrind = 1 ] && label="$label (valgrind)"
	rc=$(cat "$work/$n.rc" 2>/dev/null || echo 125)
	ok=$(grep -c '^\[       OK \]' "$log")
	bad=$(grep -c '^\[  FAILED  \] [a-zA-Z_]' "$log")
	# cmocka lists each failed test twice (as it fails, and in the summary).
	bad=$(( (bad + 1) / 2 ))
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$rc" -ne 0 ] && [ $bad -eq 0 ]; then
		failed=$((failed + 1))
		case $rc in
		124|137) why="timed out after ${TIME_LIMIT}s" ;;
		99) why="valgrind reported errors or leaks" ;;
		*) why="exited with status $rc" ;;
		esac
		echo "FAIL $label: $why"
		tail -n 40 "$log" | sed 's/^/    /'
	elif [ "$rc" -ne 0 ]; then
		echo "FAIL $label: $bad failing test(s)"
		grep -E '^\[  (ERROR|FAILED|  LINE)  \]|^\[   LINE   \]|^\[  ERROR   \]' "$log" | sed 's/^/    /' | head -n 40
	elif [ $quiet = 0 ]; then
		echo "ok   $label: $ok tests"
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
