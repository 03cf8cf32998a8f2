#!/usr/bin/env bash
# tools/exercise.sh -- the learner's side of the book.
#
#   exercise.sh list          a table of every exercise and a progress bar
#   exercise.sh run N.M       build the library with exercises/NN-slug/N.M-*.c in
#                             place of the reference chunk, run the chapter's
#                             tests, and say what fails and what to re-read
#   exercise.sh watch N.M     run again whenever that file is saved
#   exercise.sh verify        (make check) every generated starter makes at
#                             least one test of its chapter fail
#
#   TEST_SECONDS=5            the time limit of each test (a test that runs
#                             longer is reported by name as timed out)
#   ALL=1                     run every test in every environment; without
#                             it a run stops at the first binary that fails
#
# Each test runs in a process of its own (tests/harness/watchdog.c), so a test
# that crashes or never returns costs only itself.  It works in the current
# directory (chapters/, tests/, exercises/, build/), so the tangler's tests can
# run it on a small fixture book.
set -u

TOOLS=$(cd "$(dirname "$0")" && pwd)
LIT=${LIT:-build/tools/lit}
shopt -s nullglob
CHAPTERS=(chapters/*/*.adoc)
TEST_SECONDS=${TEST_SECONDS:-5}
ALL=${ALL:-0}
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
# when there is one (the chapter's prefix build, library and tests), so only
# the file that holds the exercise is recompiled and the tests relinked.
build_with() {
	local id=$1 file=$2 out=$3 log=$4
	local seed=build/prefix/$ex_number
	mkdir -p "$out"
	if [ -d "$seed/obj" ] && [ ! -d "$out/obj" ]; then
		cp -a "$seed/src" "$seed/obj" "$out/" 2>/dev/null
		if [ -d "$seed/tests/$ex_dir" ]; then
			mkdir -p "$out/tests"
			cp -a "$seed/tests/$ex_dir" "$out/tests/" 2>/dev/null
		fi
		# Their dependency lists name the seed's files, not these.
		rm -f "$out"/obj/*.d "$out"/tests/*/*.d
	fi
	if ! "$LIT" tangle --lines --upto "$ex_number" --exercise "$id=$file" --out "$out" \
		"${CHAPTERS[@]}" >"$log" 2>&1; then
		return 1
	fi
	# A header that changed invalidates every object that has no dependency
	# list (the seed's); a .c file only its own.
	if [ -n "$(find "$out/src" -name '*.h' -newer "$log" 2>/dev/null)" ]; then
		for o in "$out"/obj/*.o "$out"/tests/*/*.o; do
			[ -e "${o%.o}.d" ] || rm -f "$o"
		done
	fi
	make --no-print-directory -j "${JOBS:-$(nproc)}" -f "$TOOLS/lib.mk" SRC="$out/src" OUT="$out" \
		WARNINGS="$EX_WARNINGS" OPT=-O1 TEST_CHAPTERS="$ex_dir" lib tests >>"$log" 2>&1
}

# The environments the chapter's tests run in, one a line ("" is the plain one).
environments() {
	if [ -f "tests/$ex_dir/ENVIRONMENTS" ]; then grep -v '^#' "tests/$ex_dir/ENVIRONMENTS"; else echo; fi
}

env_label() {
	echo "${1:-plain}"
}

# Run the chapter's tests of the tree OUT, one record per test and
# environment (tools/test-outcomes.awk: outcome, test, binary, environment,
# message).  Each test runs alone with a limit of TEST_SECONDS.  The first
# environment goes first; unless ALL=1, the run stops after the first binary
# with a failure (and a binary after its first test that timed out), and
# every test left is recorded as not run, so the counts add up to the
# chapter's total.
run_tests() {
	local out=$1 bin envline names log rc stopped=0 n
	local -a envs bins
	mapfile -t envs < <(environments)
	bins=()
	for bin in "$out"/tests/"$ex_dir"/test_*; do
		case $bin in *.o | *.d) continue ;; esac
		[ -x "$bin" ] && bins+=("$bin")
	done
	names=$(mktemp -d)
	log=$(mktemp)
	for bin in "${bins[@]}"; do
		LITEVENT_TEST_LIST=1 "$bin" >"$names/$(basename "$bin")" 2>/dev/null
	done
	for envline in "${envs[@]}"; do
		for bin in "${bins[@]}"; do
			n=$(wc -l <"$names/$(basename "$bin")")
			if [ $stopped = 1 ]; then
				: >"$log"
				rc=0
			else
				# shellcheck disable=SC2086
				env $envline LITEVENT_TEST_SECONDS="$TEST_SECONDS" \
					LITEVENT_TEST_STOP_AFTER_TIMEOUT=$([ "$ALL" = 1 ] && echo 0 || echo 1) \
					timeout -k 5 $((n * TEST_SECONDS + 30)) "$bin" >"$log" 2>&1
				rc=$?
			fi
			awk -v bin="$(basename "$bin")" -v envl="$envline" -v rc="$rc" \
				-f "$TOOLS/test-outcomes.awk" "$names/$(basename "$bin")" "$log" |
				tee "$log.records"
			if [ "$ALL" != 1 ] && grep -qE '^(fail|timeout|crash)'$'\t' "$log.records"; then
				stopped=1
			fi
		done
	done
	rm -rf "$names" "$log" "$log.records"
}

# Print the failures among a run's records, each once: a test that failed
# the same way in several environments is one entry naming them; every test
# the untouched starter stopped ("exercise N.M is not written yet") is named
# under that message, shown once; and a crash message shared by several tests
# is shown once above their names.
report_failures() {
	awk -F'\t' -v SEP=$'\037' -v id="$ex_id" -v nenv="$1" -v secs="$TEST_SECONDS" '
		function label(e) { return e == "" ? "plain" : e }
		function show(msg,   lines, m, k) {
			m = split(msg, lines, SEP)
			for (k = 1; k <= m; k++)
				print "       " lines[k]
		}
		# Names, comma-separated, wrapped under an indent.
		function show_names(names,   list, m, k, line) {
			m = split(names, list, ",")
			line = "       (" list[1]
			for (k = 2; k <= m; k++) {
				if (length(line) + length(list[k]) + 2 > 76) {
					print line ","
					line = "        " list[k]
				} else {
					line = line ", " list[k]
				}
			}
			print line ")"
		}
		function starter_line(msg,   lines, m, k) {
			m = split(msg, lines, SEP)
			for (k = 1; k <= m; k++)
				if (index(lines[k], "exercise " id " is not written yet"))
					return lines[k]
			return ""
		}
		function add_name(list, name) { return list (list == "" ? "" : ",") name }
		$1 == "fail" || $1 == "timeout" || $1 == "crash" {
			st = starter_line($5)
			if (st != "") {
				starter = st
				if (!($2 in stopped_by_starter)) {
					stopped_by_starter[$2] = 1
					nstarter++
					starter_tests = add_name(starter_tests, $2)
				}
				starter_envs[label($4)] = 1
				next
			}
			key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5
			if (!(key in seen)) { order[++n] = key; seen[key] = 0 }
			where[key] = where[key] (seen[key]++ ? ", " : "") label($4)
			if ($1 == "crash" && !(($5, $2) in crashed)) {
				crashed[$5, $2] = 1
				alike[$5]++
				who[$5] = add_name(who[$5], $2)
			}
		}
		END {
			if (nstarter) {
				envs = ""
				for (e in starter_envs) envs = envs (envs == "" ? "" : ", ") e
				print "  NOT WRITTEN YET: the starter stopped " nstarter " test" (nstarter > 1 ? "s" : "") \
				    " where " (nstarter > 1 ? "they" : "it") " reached your function" \
				    (nenv > 1 || envs != "plain" ? " [" envs "]" : "")
				print "       " starter
				show_names(starter_tests)
			}
			for (i = 1; i <= n; i++) {
				split(order[i], f, SUBSEP)
				envs = (seen[order[i]] == nenv && nenv > 1) ? "every environment" : where[order[i]]
				envs = (nenv > 1 || envs != "plain") ? " [" envs "]" : ""
				if (f[1] == "crash" && alike[f[4]] > 1) {
					if (grouped[f[4]]++)
						continue
					print "  CRASH: " alike[f[4]] " tests stopped the same way" envs
					show(f[4])
					show_names(who[f[4]])
				} else if (f[1] == "timeout") {
					print "  TIMEOUT " f[2] " (" f[3] ")" envs
					print "       timed out after " secs " s -- probably a loop that never ends"
					show(f[4])
				} else {
					print "  " (f[1] == "crash" ? "CRASH " : "FAIL ") f[2] " (" f[3] ")" envs
					show(f[4])
				}
			}
		}'
}

file_hash() {
	sha256sum "$1" | cut -d' ' -f1
}

# "3 failing, 10 passing, 203 not run (of 216: 54 tests in 4 environments)"
count_line() {
	local records=$1 nenv=$2
	awk -F'\t' -v nenv="$nenv" '
		{ c[$1]++; total++; if (!(($2, $3) in t)) { t[$2, $3] = 1; tests++ } }
		END {
			line = (c["fail"] + c["timeout"] + c["crash"]) + 0 " failing, " c["pass"] + 0 " passing"
			if (c["skip"]) line = line ", " c["skip"] " skipped"
			line = line ", " c["notrun"] + 0 " not run (of " total + 0
			if (nenv > 1) line = line ": " tests " tests in " nenv " environments"
			print line ")"
		}' "$records"
}

# A learner starts from the starter: copy it in when there is no file yet.
ensure_exercise_file() {
	[ -f "$ex_file" ] && return
	generate_starters
	mkdir -p "$(dirname "$ex_file")"
	cp "build/starters/$ex_dir/$ex_id-$ex_fn.c" "$ex_file"
	echo "Created $ex_file from the starter."
}

cmd_run() {
	local id=${1:-}
	[ -n "$id" ] || { echo "usage: make exercise EX=N.M" >&2; exit 2; }
	load_exercise "$id"
	ensure_exercise_file
	local out=build/ex/$id log=build/ex/$id.log records=build/ex/$id.results
	mkdir -p build/ex
	echo "Exercise $id: $ex_fn() -- building chapters 0 to $((10#$ex_number)) with $ex_file"
	if ! build_with "$id" "$ex_file" "$out" "$log"; then
		echo
		grep -E 'error|warning|Error' "$log" | grep -v '^make' | head -n 30
		echo
		echo "$ex_file does not build yet (the compiler's messages are above; all of them: $log)."
		echo "Re-read \"$ex_section\" ($ex_place)."
		exit 1
	fi
	grep -E "^$ex_file:[0-9]+:[0-9]+: warning" "$log" | head -n 10
	local nenv
	nenv=$(environments | wc -l)
	echo "Running tests/$ex_dir, each test alone with a ${TEST_SECONDS} s limit$([ "$nenv" -gt 1 ] && echo ", in $nenv environments, $(env_label "$(environments | head -n 1)") first")."
	run_tests "$out" >"$records"
	if [ ! -s "$records" ]; then
		echo "The tests of $ex_dir did not start: run one by hand to see why, e.g. $(echo "$out"/tests/"$ex_dir"/test_* | cut -d' ' -f1)"
		exit 1
	fi
	if ! grep -qvE $'^(pass|skip)\t' "$records"; then
		echo "All $(wc -l <"$records") tests of $ex_dir pass: exercise $id is done."
		file_hash "$ex_file" >"build/ex/$id.done"
		exit 0
	fi
	rm -f "build/ex/$id.done"
	echo
	report_failures "$nenv" <"$records"
	echo
	count_line "$records" "$nenv"
	if grep -q $'^notrun\t' "$records"; then
		echo "The run stopped at the first test binary with a failure; ALL=1 make exercise EX=$id runs every test."
	fi
	echo "Re-read \"$ex_section\" ($ex_place)."
	[ -n "$ex_hint" ] && echo "Hint: $ex_hint"
	echo "One test alone: LITEVENT_TEST=name $out/tests/$ex_dir/<binary> (under gdb too)."
	exit 1
}

cmd_list() {
	manifest >/dev/null || exit 1
	generate_starters
	local total=0 done=0 started=0 rows
	rows=$(while IFS=$'\t' read -r id dir fn _chunk _section _hint _place _tests; do
		local file=exercises/$dir/$id-$fn.c status="not started"
		if [ -f "$file" ] && ! cmp -s "$file" "build/starters/$dir/$id-$fn.c"; then
			status="in progress"
			if [ -f "build/ex/$id.done" ] && [ "$(cat "build/ex/$id.done")" = "$(file_hash "$file")" ]; then
				status="done"
			fi
		fi
		printf '%s\t%s\t%s\t%s\n' "$id" "$dir" "$fn()" "$status"
	done < <(manifest))
	total=$(grep -c . <<<"$rows")
	done=$(grep -c $'\tdone$' <<<"$rows")
	started=$(grep -c $'\tin progress$' <<<"$rows")
	# Columns as wide as their widest entry, whatever the names.
	awk -F'\t' '
		{ for (i = 1; i <= 4; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
		END {
			split("EX CHAPTER FUNCTION STATUS", h, " ")
			for (i = 1; i <= 4; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
			printf "%-" w[1] "s  %-" w[2] "s  %-" w[3] "s  %s\n", h[1], h[2], h[3], h[4]
			for (r = 1; r <= NR; r++)
				printf "%-" w[1] "s  %-" w[2] "s  %-" w[3] "s  %s\n", cell[r, 1], cell[r, 2], cell[r, 3], cell[r, 4]
		}' <<<"$rows"
	local width=40 filled=0
	[ "$total" -gt 0 ] && filled=$((done * width / total))
	printf '\n[%s%s] %d of %d done, %d in progress\n' \
		"$(printf '%*s' $filled '' | tr ' ' '#')" "$(printf '%*s' $((width - filled)) '' | tr ' ' '.')" \
		"$done" "$total" "$started"
	echo "Start one with: make exercise EX=N.M   (then edit the file it names)"
}

# Wait until the exercise's own file is written (saved in place, or renamed
# over it as some editors do): events on the other files of its directory
# do not count.
wait_for_save() {
	local how=$1 name
	name=$(basename "$ex_file")
	if [ "$how" = inotify ]; then
		local events watcher changed found=1
		exec {events}< <(exec inotifywait -m -q -e close_write,moved_to --format '%f' \
			"$(dirname "$ex_file")" 2>/dev/null)
		watcher=$!
		while IFS= read -r -u "$events" changed; do
			[ "$changed" = "$name" ] && { found=0; break; }
		done
		kill "$watcher" 2>/dev/null
		exec {events}<&-
		return $found
	fi
	local before
	before=$(stat -c %Y.%s "$ex_file" 2>/dev/null)
	while [ "$(stat -c %Y.%s "$ex_file" 2>/dev/null)" = "$before" ]; do sleep 1; done
}

cmd_watch() {
	local id=${1:-}
	[ -n "$id" ] || { echo "usage: make watch EX=N.M" >&2; exit 2; }
	load_exercise "$id"
	ensure_exercise_file
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
		wait_for_save $how || { echo "inotifywait stopped; polling instead."; how=poll; }
	done
}

# The maintainers' check: never reads exercises/, only the starters generated
# from the chapters.  Each must build and make at least one test fail.
cmd_verify() {
	manifest >/dev/null || exit 1
	generate_starters
	local passed=0 failed=0
	ALL=0
	while IFS=$'\t' read -r id dir fn _rest; do
		load_exercise "$id"
		local starter=build/starters/$dir/$id-$fn.c out=build/verify/$id log=build/verify/$id.log
		mkdir -p build/verify
		if ! build_with "$id" "$starter" "$out" "$log"; then
			echo "FAIL exercise $id: the starter does not build (see $log)"
			failed=$((failed + 1))
			continue
		fi
		local results first
		results=$(run_tests "$out")
		first=$(grep -m 1 -E $'^(fail|timeout|crash)\t' <<<"$results" |
			awk -F'\t' '{ print $3 ": " $2 " (" ($1 == "fail" ? "failed" : $1 == "crash" ? "crashed" : "timed out") ")" }')
		if [ -n "$first" ]; then
			echo "ok   exercise $id: the starter fails a test of $dir, $first"
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
