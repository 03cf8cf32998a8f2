#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the example programs of chapter 7.
#
# rot13_server, http_get (against chapter 1's tiny_httpd, by the name
# "localhost") and rate_sender, all on 127.0.0.1; clients are bash's
# /dev/tcp.  Every wait is bounded.  One line per check, "ok - ..." or
# "not ok - ..."; the exit status is 0 only if every check passed.
set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
T=${SMOKE_TIMEOUT:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/smoke07.XXXXXX") || exit 1
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

start() {	# start OUTFILE PROGRAM ARGS...: run it, wait for "listening on PORT"
	local out=$1; shift
	"$@" >"$out" 2>"$out.err" &
	pid=$!
	port=
	for _ in $(seq 1 $((T * 10))); do
		port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$out")
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	return 1
}

stop() {	# stop: SIGTERM, wait, status in $rc
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait "$pid"
	rc=$?
	pid=
}

# Every program was linked with litevent's bufferevents, not the system's.
for prog in rot13_server http_get rate_sender; do
	check "$prog is built on litevent's bufferevents" \
		bash -c "nm '$BIN/$prog' | grep ' T litevent_bev_init_common\$' >/dev/null"
done

# rot13_server: twenty clients at once, two lines each, and 256 KiB from one.
check "rot13_server says which port it listens on" start "$work/rot13" "$BIN/rot13_server" 0
rot13_client() {	# rot13_client N
	timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'Hello, client $1\nabc-XYZ\n' >&3 &&
		IFS= read -r a <&3 && IFS= read -r b <&3 && echo \"\$a|\$b\"" >"$work/r13.$1" 2>/dev/null
}
for i in $(seq 1 20); do rot13_client "$i" & done
wait_ok=1
for job in $(jobs -p); do [ "$job" = "$pid" ] || wait "$job" || wait_ok=0; done
check "twenty clients at once each get an answer" test $wait_ok -eq 1
bad=0
for i in $(seq 1 20); do
	[ "$(cat "$work/r13.$i")" = "Uryyb, pyvrag $i|nop-KLM" ] || bad=$((bad + 1))
done
check "every answer is its two lines, rot13'd" test $bad -eq 0
head -c 262144 /dev/urandom | base64 -w 76 >"$work/big"
tr 'A-Za-z' 'N-ZA-Mn-za-m' <"$work/big" >"$work/big.rot"
timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && { cat '$work/big' >&3 & } &&
	head -c $(stat -c %s "$work/big") <&3" >"$work/big.got" 2>/dev/null
check "a client sending 256 KiB of text gets all of it back, rot13'd" cmp -s "$work/big.got" "$work/big.rot"
stop
check "rot13_server exits 0 on SIGTERM" test $rc -eq 0
check "and reports 21 clients served" grep -q '^served 21$' "$work/rot13"

# http_get by hostname, against chapter 1's one-request server.
if check "tiny_httpd (chapter 1) starts" start "$work/httpd" "$BIN/../01-async-io/tiny_httpd" 0; then
	timeout "$T" "$BIN/http_get" localhost "$port" /smoke/07.txt >"$work/get.out" 2>"$work/get.err"
	check "http_get localhost exits 0" test $? -eq 0
	check "and prints the status line" grep -q '^HTTP/1.0 200 OK' "$work/get.out"
	check "and the body" grep -q 'Hello from tiny_httpd: the body arrived intact.' "$work/get.out"
	check "and sent the path it was given" grep -q '^path: /smoke/07.txt$' "$work/get.out"
	for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait "$pid"
	check "tiny_httpd saw a well-formed request" test $? -eq 0
	pid=
	timeout "$T" "$BIN/http_get" localhost "$port" / >/dev/null 2>"$work/get2.err"
	check "http_get to a closed port exits 1" test $? -eq 1
	check "and says the connection was refused" grep -q 'refused' "$work/get2.err"
fi
timeout "$T" "$BIN/http_get" no-such-host.invalid 80 / >/dev/null 2>"$work/get3.err"
check "http_get to a name that does not resolve exits 1" test $? -eq 1
check "and says the lookup failed" grep -q 'lookup failed' "$work/get3.err"

# rate_sender: 60 000 bytes at 100 000 bytes a second, so 10 000 a tick:
# the full bucket and five refills, however fast the machine is.  The
# program's own tick counter is not in step with the bucket's ticks, so it
# may see one fewer: at least 4 (without the limit it would see 0).
head -c 60000 /dev/urandom >"$work/file"
if check "rate_sender says which port it listens on" start "$work/rate" "$BIN/rate_sender" "$work/file" 100000 0; then
	timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 60000 <&3" >"$work/file.got" 2>/dev/null
	check "the client receives the whole file, byte for byte" cmp -s "$work/file" "$work/file.got"
	for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait "$pid"
	check "rate_sender exits 0" test $? -eq 0
	pid=
	ticks=$(sed -n 's/^sent 60000 bytes in \([0-9]*\) ticks$/\1/p' "$work/rate")
	check "and took at least 4 ticks for 6 ticks' worth (took ${ticks:-?})" test "${ticks:-0}" -ge 4
fi

# The manual's own examples for this chapter, built unchanged.
bash "$(dirname "$0")/manual.sh" "$BIN" || failures=$((failures + 1))

[ $failures -eq 0 ]
