#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the example programs of chapter 1.
#
# BINDIR holds the compiled examples, named without .c: http_get,
# tiny_httpd, rot13_fork, rot13_select, rot13_epoll.  Everything runs on
# 127.0.0.1 and talks through bash's /dev/tcp, so neither nc nor python
# is needed.  Every wait is bounded.  One line per check, "ok - ..." or
# "not ok - ..."; the exit status is 0 only if every check passed.
#
# Environment:
#   SMOKE_TIMEOUT  seconds allowed for any single wait (default 10)
#   SMOKE_WRAPPER  a command to run each server under, for example
#                  "valgrind -q --leak-check=full --error-exitcode=1"

set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
T=${SMOKE_TIMEOUT:-10}
read -r -a WRAP <<<"${SMOKE_WRAPPER:-}"

work=$(mktemp -d "${TMPDIR:-/tmp}/smoke01.XXXXXX") || exit 1
failures=0
split_ok=0
server_pid=
port=

cleanup() {
	if [ -n "$server_pid" ]; then
		kill -KILL "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
# A server that dies mid-test must turn our writes into failed checks
# (EPIPE), not kill this script with SIGPIPE.
trap '' PIPE

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: one line of output for one check
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

rot13() { tr 'A-Za-z' 'N-ZA-Mn-za-m'; }

# Is process $1 alive (and not merely a zombie waiting to be reaped)?
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# start_server NAME [launcher...]: run BINDIR/NAME on port 0 in the
# background and read the port it prints.  Sets server_pid and port.
start_server() {
	local name=$1 i line
	shift
	# Empty the files here, not only in the background job's redirection:
	# the loop below may read before that job runs, and must not see the
	# port of an earlier server of the same name.
	: >"$work/$name.out"
	: >"$work/$name.err"
	"$@" "${WRAP[@]}" "$BIN/$name" 0 >"$work/$name.out" 2>"$work/$name.err" &
	server_pid=$!
	port=
	for ((i = 0; i < T * 20; i++)); do
		line=$(head -n 1 "$work/$name.out" 2>/dev/null)
		if [[ $line =~ ^listening\ on\ ([0-9]+)$ ]]; then
			port=${BASH_REMATCH[1]}
			return 0
		fi
		alive "$server_pid" || break
		sleep 0.05
	done
	return 1
}

# stop_server: SIGTERM, then wait (bounded) and succeed only on exit 0.
stop_server() {
	local i status
	kill -TERM "$server_pid" 2>/dev/null
	for ((i = 0; i < T * 20; i++)); do
		alive "$server_pid" || break
		sleep 0.05
	done
	if alive "$server_pid"; then
		kill -KILL "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=
		return 1
	fi
	wait "$server_pid"
	status=$?
	server_pid=
	return "$status"
}

# expect_line FD EXPECTED: the next line on FD is exactly EXPECTED.
expect_line() {
	local got
	IFS= read -r -t "$T" -u "$1" got || return 1
	[[ $got == "$2" ]]
}

# The interleaving test: A's line arrives in two writes, and B and C
# must be answered while A's line is still incomplete.  A server that
# handled one client at a time would hang here (and time out).
interleaved_clients() {
	local A=- B=- C=- result=0
	split_ok=0
	exec {A}<>"/dev/tcp/127.0.0.1/$port" &&
	    exec {B}<>"/dev/tcp/127.0.0.1/$port" &&
	    exec {C}<>"/dev/tcp/127.0.0.1/$port" || result=1
	if [ "$result" = 1 ]; then
		for fd in "$A" "$B" "$C"; do
			[ "$fd" = - ] || exec {fd}>&-
		done
		return 1
	fi
	printf 'Hello, ' >&"$A"
	printf 'abc\nXYZ\n' >&"$B"
	expect_line "$B" 'nop' || result=1
	expect_line "$B" 'KLM' || result=1
	printf 'The quick brown fox jumps over the lazy dog.\n' >&"$C"
	expect_line "$C" 'Gur dhvpx oebja sbk whzcf bire gur ynml qbt.' || result=1
	printf 'world!\n' >&"$A"
	expect_line "$A" 'Uryyb, jbeyq!' && split_ok=1
	[ "$split_ok" = 1 ] || result=1
	exec {A}>&- {B}>&- {C}>&-
	return "$result"
}

# Bytes that are not letters must come back untouched.
exact_bytes() {
	local D result=0
	exec {D}<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf '%s' $'Tab\tand CR 0123 ~!@#[]{} \xc3\xa9\xff\r\n' >&"$D"
	expect_line "$D" $'Gno\tnaq PE 0123 ~!@#[]{} \xc3\xa9\xff\r' || result=1
	exec {D}>&-
	return "$result"
}

# A client that disconnects in the middle of a line (its answer can no
# longer be delivered) must not disturb the server.
abandoned_line() {
	local E F result=0
	exec {E}<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf 'never finished' >&"$E"
	exec {E}>&-
	exec {F}<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf 'still here\n' >&"$F"
	expect_line "$F" 'fgvyy urer' || result=1
	exec {F}>&-
	return "$result"
}

# One bulk client: thousands of lines plus one line far longer than a
# server's buffer, written by a background writer while we read, so a
# server that stops reading when its buffer is full cannot deadlock us.
make_bulk_input() {
	local k=$1 i long
	long=$(printf 'AbCdEfGhIjKlMnOpQrStUvWxYz%.0s' {1..800})
	{
		for ((i = 0; i < 3000; i++)); do
			printf 'client %d line %d: Pack my box with five dozen liquor jugs!\n' "$k" "$i"
		done
		printf '%s\n' "$long"
		printf 'the end of client %d\n' "$k"
	} >"$work/bulk$k.in"
	rot13 <"$work/bulk$k.in" >"$work/bulk$k.expect"
}

bulk_client() {
	local k=$1 G size writer
	size=$(wc -c <"$work/bulk$k.in")
	exec {G}<>"/dev/tcp/127.0.0.1/$port" || return 1
	timeout "$T" cat "$work/bulk$k.in" >&"$G" &
	writer=$!
	timeout "$T" head -c "$size" <&"$G" >"$work/bulk$k.got"
	wait "$writer"
	exec {G}>&-
	cmp -s "$work/bulk$k.got" "$work/bulk$k.expect"
}

# A client that writes megabytes before it reads a single byte fills the
# kernel buffers on both sides, so the server meets EAGAIN in send() and
# must hold its output (and stop reading) until the client catches up.
make_big_input() {
	local i
	cp "$work/bulk1.in" "$work/big.in"
	for ((i = 0; i < 6; i++)); do
		cat "$work/big.in" "$work/big.in" >"$work/big.tmp"
		mv "$work/big.tmp" "$work/big.in"
	done
	rot13 <"$work/big.in" >"$work/big.expect"
}

slow_reader() {
	local S size writer
	size=$(wc -c <"$work/big.in")
	exec {S}<>"/dev/tcp/127.0.0.1/$port" || return 1
	timeout "$T" cat "$work/big.in" >&"$S" &
	writer=$!
	sleep 0.5	# not a measurement: just time for the buffers to fill
	timeout "$T" head -c "$size" <&"$S" >"$work/big.got"
	wait "$writer"
	exec {S}>&-
	cmp -s "$work/big.got" "$work/big.expect"
}

concurrent_bulk() {
	local k pids=() result=0
	for k in 1 2 3 4; do
		bulk_client "$k" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do
		wait "$k" || result=1
	done
	return "$result"
}

# rot13_fork only: after the clients leave, no child (not even a
# zombie) may be left under the server.
children_of() {
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | wc -l
}

children_reaped() {
	local i
	for ((i = 0; i < T * 20; i++)); do
		[ "$(children_of "$server_pid")" -eq 0 ] && return 0
		sleep 0.05
	done
	return 1
}

stderr_empty() { [ ! -s "$work/$1.err" ]; }

test_rot13_server() {
	local name=$1
	if ! start_server "$name"; then
		not_ok "$name: starts and prints its port"
		[ -n "$server_pid" ] && stop_server
		return
	fi
	ok "$name: starts and prints its port ($port)"
	check "$name: serves three clients at once, interleaved" interleaved_clients
	check "$name: a line split across two writes comes back whole" test "$split_ok" = 1
	check "$name: tabs, CR, digits, punctuation and high bytes pass unchanged" exact_bytes
	check "$name: survives a client that leaves mid-line" abandoned_line
	check "$name: 4 concurrent bulk clients (3000 lines + a 20800-byte line each) byte-exact" concurrent_bulk
	check "$name: a client that reads only after writing $(wc -c <"$work/big.in") bytes gets them all back" slow_reader
	if [ "$name" = rot13_fork ]; then
		check "$name: every child is reaped after its client leaves" children_reaped
	fi
	check "$name: exits 0 on SIGTERM" stop_server
	check "$name: wrote nothing to stderr" stderr_empty "$name"
}

# rot13_select must turn away a connection whose descriptor would not
# fit in an fd_set.  Start it with descriptors 4..1023 already taken, so
# that the listener gets 3 and the first client gets 1024.
FILL_FDS=(bash -c 'ulimit -n 1100 2>/dev/null || exit 77
		exec 3<&-
		for ((i = 4; i < 1024; i++)); do eval "exec $i</dev/null"; done
		exec "$@"' fill-fds)

refused_at_fd_setsize() {
	local H rc
	exec {H}<>"/dev/tcp/127.0.0.1/$port" || return 1
	IFS= read -r -t "$T" -u "$H" _
	rc=$?
	exec {H}>&-
	# 1 is end of file: the server closed the connection.  A timeout
	# would be greater than 128.
	[ "$rc" -eq 1 ] && grep -q 'FD_SETSIZE' "$work/rot13_select.err"
}

test_fd_setsize() {
	if [ ${#WRAP[@]} -gt 0 ]; then
		ok "rot13_select: refuses fds >= FD_SETSIZE # SKIP under a wrapper"
		return
	fi
	if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 1100 ]; then
		ok "rot13_select: refuses fds >= FD_SETSIZE # SKIP hard fd limit below 1100"
		return
	fi
	if ! start_server rot13_select "${FILL_FDS[@]}"; then
		not_ok "rot13_select: starts with 1020 descriptors already open"
		[ -n "$server_pid" ] && stop_server
		return
	fi
	check "rot13_select: refuses a client whose fd is >= FD_SETSIZE" refused_at_fd_setsize
	check "rot13_select: exits 0 on SIGTERM after refusing" stop_server
}

http_get_fetches() {
	timeout "$T" "$BIN/http_get" 127.0.0.1 "$port" /smoke/test.txt \
	    >"$work/http_get.out" 2>"$work/http_get.err"
}

test_http_get() {
	local status
	if ! start_server tiny_httpd; then
		not_ok "tiny_httpd: starts and prints its port"
		[ -n "$server_pid" ] && stop_server
		return
	fi
	check "http_get: exits 0 after fetching from tiny_httpd" http_get_fetches
	check "http_get: output has the status line" \
	    grep -q '^HTTP/1.0 200 OK' "$work/http_get.out"
	check "http_get: output contains the body" \
	    grep -q 'Hello from tiny_httpd: the body arrived intact.' "$work/http_get.out"
	check "http_get: sent the path it was given" \
	    grep -q '^path: /smoke/test.txt$' "$work/http_get.out"
	# tiny_httpd exits by itself after one request: 0 if it was well formed.
	local i
	for ((i = 0; i < T * 20; i++)); do
		alive "$server_pid" || break
		sleep 0.05
	done
	if alive "$server_pid"; then
		kill -KILL "$server_pid"
	fi
	wait "$server_pid"
	status=$?
	server_pid=
	check "tiny_httpd: saw a well-formed request and exited 0" test "$status" -eq 0
	# Nothing listens on that port any more: http_get must say so and fail.
	timeout "$T" "$BIN/http_get" 127.0.0.1 "$port" / \
	    >"$work/refused.out" 2>"$work/refused.err"
	status=$?
	check "http_get: fails with status 1 and a message when the connection is refused" \
	    eval '[ "$status" -eq 1 ] && grep -q "cannot connect" "$work/refused.err"'
}

for k in 1 2 3 4; do
	make_bulk_input "$k"
done
make_big_input

test_http_get
for name in rot13_fork rot13_select rot13_epoll; do
	test_rot13_server "$name"
done
test_fd_setsize

if [ "$failures" -eq 0 ]; then
	echo "# chapter 01 examples: all checks passed"
	exit 0
fi
echo "# chapter 01 examples: $failures check(s) failed"
exit 1
