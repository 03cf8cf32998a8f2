#!/usr/bin/env bash
# tools/exercise.sh -- the learner's side of the book.
#
#   exercise.sh list          a table of every exercise and a progress bar
#   exercise.sh run N.M       build the library with exercises/NN-slug/N.M-*.c in
#                             place of the reference chunk, run the chapter's
#                             tests, and say what fails and what to re-read
#   exercise.sh watch N.M     run again whenever the file is saved
#   exercise.sh verify        (make check) every generated starter makes at
#                             least one test of its chapter fail
#
# It works in the current directory (chapters/, tests/, exercises/, build/),
# so the tangler's tests can run it on a small fixture book.
set -u

TOOLS=$(cd "$(dirname "$0")" && pwd)
LIT=${LIT:-build/tools/lit}
shopt -s nullglob
CHAPTERS=(chapters/*/*.adoc)
TIME_LIMIT=${TIME_LIMIT:-120}
# A learner's half-written function should build: warnings are shown, not fatal.
EX_WARNINGS="-Wall -Wextra -Wno-unused-parameter -Wno-unused-function -Wno-unused-variable -Wno-unused-but-set-variable"

manifest() {
	"$LIT" manifest "${CHAPTERS[@]}"
}

# Fields of one exercise's manifest line.
load_exercise() {
	local line
	line=$(manifest | awk -F'\t' -v id="$1" '$1 == id')
	if [ -z "$line" ]; then
		echo "There is no exercise '$1'. 'make exercises' lists them." >&2
		exit 2
	fi
	IFS=$'\t' read -r ex_id ex_dir ex_fn ex_chunk ex_section ex_hint ex_place ex_tests <<<"$line"
	ex_number=${ex_dir%%-*}
	ex_file=exercises/$ex_dir/$ex_id-$ex_fn.c
}

generate_starters() {
	rm -rf build/starters && mkdir -p build/starters
	"$LIT" starters --out build/starters "${CHAPTERS[@]}" || exit 1
}

# Build the library of chapters 00..NN with FILE in place of exercise ID, into
# OUT, plus the chapter's tests.  The objects of an earlier build are reused
# when there is one, so only the file that holds the exercise is recompiled.
build_with() {
	local id=$1 file=$2 out=$3 log=$4
	local seed=build/prefix/$ex_number
	mkdir -p "$out"
	if [ -d "$seed/obj" ] && [ ! -d "$out/obj" ]; then
		cp -a "$seed/src" "$seed/obj" "$out/" 2>/dev/null
		rm -f "$out"/obj/*.d
	fi
	if ! "$LIT" tangle --lines --upto "$ex_number" --exercise "$id=$file" --out "$out" \
		"${CHAPTERS[@]}" >"$log" 2>&1; then
		return 1
	fi
	# A header that changed invalidates every object; a .c file only its own.
	if [ -n "$(find "$out/src" -name '*.h' -newer "$log" 2>/dev/null)" ]; then
		rm -f "$out"/obj/*.o
	fi
	make --no-print-directory -f "$TOOLS/lib.mk" SRC="$out/src" OUT="$out" \
		WARNINGS="$EX_WARNINGS" OPT=-O1 TEST_CHAPTERS="$ex_dir" lib tests >>"$log" 2>&1
}

# Run the chapter's tests; print each failure as "test<TAB>message".
run_tests() {
	local out=$1 bin envline log
	log=$(mktemp)
	for bin in "$out"/tests/"$ex_dir"/test_*; do
		[ -x "$bin" ] || continue
		while IFS= read -r envline; do
			# shellcheck disable=SC2086
			env $envline timeout -k 5 "$TIME_LIMIT" "$bin" >"$log" 2>&1
			local rc=$?
			awk -v bin="$(basename "$bin")" -v envl="$envline" -v rc="$rc" '
				/^\[ RUN      \]/ { test = $4; msg = "" }
				/^\[  ERROR   \]|^\[   LINE   \]/ { sub(/^\[[^]]*\] (--- )?/, ""); msg = msg (msg ? " | " : "") $0 }
				/^\[       OK \]/ { ok++ }
				/^\[  FAILED  \] [A-Za-z_]/ && !seen[$4]++ && test == $4 {
					print $4 (envl ? " [" envl "]" : "") "\t" msg; bad++ }
				END {
					if (rc != 0 && bad == 0) {
						why = (rc == 124 || rc == 137) ? "timed out (an endless loop?)" : "crashed or exited with status " rc
						print bin (envl ? " [" envl "]" : "") "\t" why " while running " (test ? test : "its setup")
					}
					print "#ok\t" ok + 0
				}' "$log"
		done < <(if [ -f "tests/$ex_dir/ENVIRONMENTS" ]; then grep -v '^#' "tests/$ex_dir/ENVIRONMENTS"; else echo; fi)
	done
	rm -f "$log"
}

file_hash() {
	sha256sum "$1" | cut -d' ' -f1
}

cmd_run() {
	local id=${1:-}
	[ -n "$id" ] || { echo "usage: make exercise EX=N.M" >&2; exit 2; }
	load_exercise "$id"
	if [ ! -f "$ex_file" ]; then
		generate_starters
		mkdir -p "$(dirname "$ex_file")"
		cp "build/starters/$ex_dir/$ex_id-$ex_fn.c" "$ex_file"
		echo "Created $ex_file from the starter."
	fi
	local out=build/ex/$id log=build/ex/$id.log
	mkdir -p build/ex
	echo "Exercise $id: $ex_fn() -- building chapters 00..$ex_number with $ex_file"
	if ! build_with "$id" "$ex_file" "$out" "$log"; then
		echo
		grep -E 'error|warning|Error' "$log" | grep -v '^make' | head -n 30
		echo
		echo "$ex_file does not build yet (the compiler's messages are above; all of them: $log)."
		echo "Re-read \"$ex_section\" ($ex_place)."
		exit 1
	fi
	grep -E "^$ex_file:[0-9]+:[0-9]+: warning" "$log" | head -n 10
	local results failures ok
	results=$(run_tests "$out")
	failures=$(grep -v '^#ok' <<<"$results")
	ok=$(awk -F'\t' '/^#ok/ { n += $2 } END { print n + 0 }' <<<"$results")
	if [ -z "$failures" ]; then
		echo "All $ok tests of $ex_dir pass: exercise $id is done."
		file_hash "$ex_file" >"build/ex/$id.done"
		exit 0
	fi
	rm -f "build/ex/$id.done"
	local nfail
	nfail=$(wc -l <<<"$failures")
	echo
	while IFS=$'\t' read -r test msg; do
		echo "  FAIL $test"
		[ -n "$msg" ] && echo "       $msg"
	done <<<"$failures"
	echo
	echo "$nfail failing, $ok passing.  Re-read \"$ex_section\" ($ex_place)."
	[ -n "$ex_hint" ] && echo "Hint: $ex_hint"
	exit 1
}

cmd_list() {
	manifest >/dev/null || exit 1
	generate_starters
	local total=0 done=0 started=0
	printf '%-6s %-22s %-30s %s\n' "EX" "CHAPTER" "FUNCTION" "STATUS"
	while IFS=$'\t' read -r id dir fn _chunk _section _hint _place _tests; do
		local file=exercises/$dir/$id-$fn.c status="not started"
		total=$((total + 1))
		if [ -f "$file" ] && ! cmp -s "$file" "build/starters/$dir/$id-$fn.c"; then
			status="in progress"
			if [ -f "build/ex/$id.done" ] && [ "$(cat "build/ex/$id.done")" = "$(file_hash "$file")" ]; then
				status="done"
				done=$((done + 1))
			else
				started=$((started + 1))
			fi
		fi
		printf '%-6s %-22s %-30s %s\n' "$id" "$dir" "$fn()" "$status"
	done < <(manifest)
	local width=40 filled=0
	[ $total -gt 0 ] && filled=$((done * width / total))
	printf '\n[%s%s] %d of %d done, %d in progress\n' \
		"$(printf '%*s' $filled '' | tr ' ' '#')" "$(printf '%*s' $((width - filled)) '' | tr ' ' '.')" \
		"$done" "$total" "$started"
	echo "Start one with: make exercise EX=N.M   (then edit the file it names)"
}

cmd_watch() {
	local id=${1:-}
	[ -n "$id" ] || { echo "usage: make watch EX=N.M" >&2; exit 2; }
	load_exercise "$id"
	[ -f "$ex_file" ] || (cmd_run "$id")
	local how=poll
	if command -v inotifywait >/dev/null 2>&1 &&
		timeout 1 inotifywait -q -e close_write "$(dirname "$ex_file")" >/dev/null 2>&1; [ $? -ne 1 ]; then
		how=inotify
	fi
	if [ $how = inotify ]; then
		echo "Watching $ex_file with inotify; Ctrl-C stops."
	else
		echo "Watching $ex_file by polling once a second (inotify is not available here); Ctrl-C stops."
	fi
	while true; do
		(cmd_run "$id")
		echo "-- waiting for $ex_file to change --"
		if [ $how = inotify ]; then
			inotifywait -q -e close_write,moved_to,create "$(dirname "$ex_file")" >/dev/null 2>&1
		else
			local before
			before=$(stat -c %Y "$ex_file")
			while [ "$(stat -c %Y "$ex_file" 2>/dev/null)" = "$before" ]; do sleep 1; done
		fi
	done
}

# The maintainers' check: never reads exercises/, only the starters generated
# from the chapters.  Each must build and make at least one test fail.
cmd_verify() {
	manifest >/dev/null || exit 1
	generate_starters
	local passed=0 failed=0
	while IFS=$'\t' read -r id dir fn _rest; do
		load_exercise "$id"
		local starter=build/starters/$dir/$id-$fn.c out=build/verify/$id log=build/verify/$id.log
		mkdir -p build/verify
		if ! build_with "$id" "$starter" "$out" "$log"; then
			echo "FAIL exercise $id: the starter does not build (see $log)"
			failed=$((failed + 1))
			continue
		fi
		local results nfail
		results=$(run_tests "$out")
		nfail=$(grep -vc '^#ok' <<<"$results")
		if [ "$nfail" -gt 0 ]; then
			echo "ok   exercise $id: the starter fails $nfail test(s) of $dir"
			passed=$((passed + 1))
		else
			echo "FAIL exercise $id: the starter passes every test of $dir (give it a stub, or test it)"
			failed=$((failed + 1))
		fi
	done < <(manifest)
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ]
}

case ${1:-} in
list) cmd_list ;;
run) cmd_run "${2:-}" ;;
watch) cmd_watch "${2:-}" ;;
verify) cmd_verify ;;
*) echo "usage: $0 list | run N.M | watch N.M | verify" >&2; exit 2 ;;
esac
