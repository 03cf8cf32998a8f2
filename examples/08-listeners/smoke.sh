#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the example program of chapter 8.
#
# greeter listens on 127.0.0.1; clients talk to it through bash's /dev/tcp,
# fifty at once.  Every wait is bounded.  One line per check, "ok - ..." or
# "not ok - ..."; the exit status is 0 only if every check passed.
set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
T=${SMOKE_TIMEOUT:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/smoke08.XXXXXX") || exit 1
failures=0
pid=

cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

# The program was linked with litevent's listener, not the system's.
check "greeter is built on litevent's listener" \
	bash -c "nm '$BIN/greeter' | grep -q ' accept_pending_connections$'"

"$BIN/greeter" 0 >"$work/out" 2>"$work/err" &
pid=$!
port=
for _ in $(seq 1 $((T * 10))); do
	port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$work/out")
	[ -n "$port" ] && break
	sleep 0.1
done
check "greeter says which port it listens on" test -n "$port"

greet_once() {	# greet_once N: one client, its greeting in $work/greeting.N
	timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && IFS= read -r line <&3 && echo \"\$line\"" \
		>"$work/greeting.$1" 2>/dev/null
}
for i in $(seq 1 50); do greet_once "$i" & done
wait_ok=1
for job in $(jobs -p); do
	[ "$job" = "$pid" ] && continue
	wait "$job" || wait_ok=0
done
check "fifty clients at once each get an answer" test $wait_ok -eq 1
bad=$(cat "$work"/greeting.* | grep -cvE '^hello, 127\.0\.0\.1:[0-9]+$')
check "every answer greets a 127.0.0.1 address with a port" test "$bad" -eq 0
distinct=$(cat "$work"/greeting.* | sort -u | wc -l)
check "the fifty greetings name fifty different client ports" test "$distinct" -eq 50

timeout "$T" "$BIN/greeter" "$port" >/dev/null 2>"$work/err2"
rc=$?
check "a second greeter on the same port fails with status 1" test $rc -eq 1
check "and says the address is in use" grep -q 'Address already in use' "$work/err2"

kill -TERM "$pid"
for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
rc=$?
pid=
check "greeter exits 0 on SIGTERM" test $rc -eq 0
check "and reports fifty clients served" grep -q '^served 50$' "$work/out"

[ $failures -eq 0 ]
