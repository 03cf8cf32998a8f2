#!/usr/bin/env bash
# tools/check.sh -- everything `make check` runs, in the order that fails fastest.
#
# Each stage prints what it did; the last line is "N passed, M failed", where
# N and M count test cases (cmocka's) and one-shot checks (drift, a smoke
# test, the book).  With SANITIZE=address,undefined the library and tests are
# built with sanitizers into build/sanitize and the valgrind stage is skipped
# (the two cannot run together).
set -u

B=build
[ -n "${SANITIZE:-}" ] && B=build/sanitize
export SANITIZE=${SANITIZE:-}
if [[ ,$SANITIZE, == *,thread,* ]]; then
	# ThreadSanitizer cannot share objects with ASan, and does not
	# intercept select(): see tools/tsan.sh for why select is left out.
	B=build/tsan
	export SKIP_ENVIRONMENTS=${SKIP_ENVIRONMENTS:-EVENT_NOPOLL=1}
fi
LIT=build/tools/lit
MAKE_LIB=(make -j"$(nproc)" --no-print-directory -f tools/lib.mk SRC=src OUT="$B" SANITIZE="$SANITIZE")
passed=0 failed=0
failures=()
started=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

stage() {
	printf '\n== %s (%ds)\n' "$1" $(($(date +%s) - started))
}

# A one-shot check: run the command, count it as one pass or one failure.
one() {
	local name=$1; shift
	if "$@" >"$log" 2>&1; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		tail -n 30 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

# A runner that ends with "N passed, M failed": add its counts.
counted() {
	local name=$1; shift
	"$@" 2>&1 | tee "$log" | grep -v '^[0-9]* passed, [0-9]* failed$'
	local status=${PIPESTATUS[0]} line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	p=$(cut -d' ' -f1 <<<"${line:-0 passed, 0 failed}")
	f=$(cut -d' ' -f3 <<<"${line:-0 passed, 0 failed}")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1    # it failed before it could count (a build error)
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$name")
	echo "   $name: $p passed, $f failed"
}

chapter_dirs() {
	for d in chapters/[0-9][0-9]-*/; do basename "$d"; done
}
test_dirs() {
	for d in tests/[0-9][0-9]-*/; do [ -d "$d" ] && basename "$d"; done
}

stage "the tangler and its tests"
counted "tangler tests" bash -c "make --no-print-directory -s build/tests/tools/test_lit >/dev/null && tools/run-tests.sh build tools"

stage "drift: src/ is what the chapters tangle to"
one "check-tangle" make --no-print-directory -s check-tangle
if [ "${CI:-}" = true ]; then
	# Before any chapter has an exercise there is no exercises/ to compare
	# with: an empty directory stands in for it.
	one "committed starters match the chapters" bash -c \
		"rm -rf build/starters-ci build/no-exercises && mkdir -p build/starters-ci build/no-exercises && $LIT starters --out build/starters-ci chapters/*/*.adoc && diff -r build/starters-ci \$(test -d exercises && echo exercises || echo build/no-exercises) -x README.md"
fi

stage "the library, built with -Wall -Wextra -Werror"
mapfile -t tests < <(test_dirs)
# Besides the chapters' suites: allocation failure (tests/alloc), descriptor
# exhaustion (tests/fdlimit) and the fuzz corpus replays (tests/fuzz), one
# file per chapter or target, each chapter's picked up as it exists.
robust=(alloc fdlimit fuzz)
one "build: libraries and tests" "${MAKE_LIB[@]}" TEST_CHAPTERS="${tests[*]} ${robust[*]}" lib tests
one "fuzz corpora: 1 to 50 files of at most 4 KiB per target" tools/fuzz.sh limits

stage "drop-in: libevent 2.1's headers against ours (names, prototypes, symbols)"
counted "api" tools/api-check.sh "$B"

if [ -z "$SANITIZE" ]; then
	stage "binary compatibility: programs built for libevent 2.1 run on litevent's shared libraries"
	if [ -f /usr/include/event2/event.h ] && [ -e /usr/lib/x86_64-linux-gnu/libevent_core-2.1.so.7 ]; then
		counted "abi: exported functions" tools/abi-symbols.sh "$B"
		counted "abi: sizes, offsets, values" tools/abi-layout.sh
		counted "abi: programs built for 2.1" tools/abi-run.sh "$B"
	else
		echo "skipped: libevent-dev is not installed, so there is no libevent 2.1 to compare with"
	fi
fi

stage "every chapter's tests, allocation failure, descriptor exhaustion, fuzz corpora"
counted "tests" tools/run-tests.sh "$B" "${tests[@]}" "${robust[@]}"

if [ -z "$SANITIZE" ]; then
	# Not tests/fdlimit: valgrind emulates the descriptor limit, and what it
	# finds in the forked children it does not report.
	stage "every test binary under valgrind memcheck"
	counted "valgrind" tools/run-tests.sh --valgrind "$B" "${tests[@]}" alloc fuzz
fi

stage "every chapter prefix: chapters 00..k build and pass their tests"
mapfile -t chapters < <(chapter_dirs)
last=${chapters[${#chapters[@]}-1]:-}
for ch in "${chapters[@]}"; do
	# The last prefix is the whole book, tested above.
	[ "$ch" = "$last" ] && continue
	counted "prefix $ch" env QUIET=1 tools/prefix.sh "$B" "$ch"
done

stage "exercises: every starter fails a test, the reference passes"
counted "exercises" tools/exercise.sh verify

stage "examples"
one "build: examples" "${MAKE_LIB[@]}" examples
for smoke in examples/*/smoke.sh; do
	[ -e "$smoke" ] || continue
	dir=$(basename "$(dirname "$smoke")")
	one "smoke: $dir" timeout 300 bash "$smoke" "$B/examples/$dir"
done

stage "guards: every program built against litevent read litevent's headers and loads no libevent"
counted "guards" tools/guard-check.sh "$B"

if [ -f src/include/event2/event.h ] && [ -z "$SANITIZE" ]; then
	stage "install: a program finds litevent through pkg-config, as it would libevent"
	one "install and pkg-config" tools/install-probe.sh "$B"
	counted "README recipes" tools/readme-check.sh
fi

stage "the book (HTML, EPUB and PDF, no warnings)"
one "book" tools/book.sh

stage "done"
echo "took $(($(date +%s) - started))s"
if [ ${#failures[@]} -gt 0 ]; then
	echo "failing: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
