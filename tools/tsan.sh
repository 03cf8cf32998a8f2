#!/usr/bin/env bash
# tools/tsan.sh -- every test binary built with ThreadSanitizer (make tsan).
#
# The library and all tests (the chapters', tests/alloc, tests/fdlimit and
# the fuzz corpus replays) are built with -fsanitize=thread into build/tsan
# and run once per environment; a race report fails the binary (TSan exits
# with 66).  The select backend's environment is left out: TSan does not
# intercept select(), so it holds signals back while a select loop sleeps
# (google/sanitizers#838), which hangs the signal tests and makes it report
# the later deliveries as signal-unsafe calls.  SANITIZE=thread make check
# runs the same tests inside the full check.
set -u
export SANITIZE=thread
export SKIP_ENVIRONMENTS=${SKIP_ENVIRONMENTS:-EVENT_NOPOLL=1}
tests=()
for d in tests/[0-9][0-9]-*/; do tests+=("$(basename "$d")"); done
tests+=(alloc fdlimit fuzz)
make --no-print-directory -f tools/lib.mk SRC=src OUT=build/tsan SANITIZE=thread \
	TEST_CHAPTERS="${tests[*]}" lib tests >build/tsan.log 2>&1 ||
	{ tail -n 30 build/tsan.log; exit 1; }
exec tools/run-tests.sh build/tsan "${tests[@]}"
