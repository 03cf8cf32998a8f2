#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the example program of chapter 2.
#
# One line per check, "ok - ..." or "not ok - ..."; the exit status is 0
# only if every check passed.
set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
failures=0

check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

out=$(timeout 10 "$BIN/ground_floor")
check "ground_floor exits 0 on the default address" test $? -eq 0
check "it reports a 2.1 version" grep -q '^running on 2\.1\.' <<<"$out"
check "it parses [::1]:8080 as IPv6" grep -q '^\[::1\]:8080 is an IPv6 address$' <<<"$out"
check "it prints a random token" grep -Eq '^token starts [0-9a-f]{4}$' <<<"$out"

out=$(timeout 10 "$BIN/ground_floor" 192.0.2.1:80)
check "it parses an IPv4 address with a port" grep -q 'is an IPv4 address$' <<<"$out"

timeout 10 "$BIN/ground_floor" '[::1' >/dev/null
check "it rejects a malformed address with status 1" test $? -eq 1

a=$(timeout 10 "$BIN/ground_floor" | tail -n 1)
b=$(timeout 10 "$BIN/ground_floor" | tail -n 1)
c=$(timeout 10 "$BIN/ground_floor" | tail -n 1)
check "three runs do not all draw the same token" test "$a|$b" != "$b|$c"

[ $failures -eq 0 ]
