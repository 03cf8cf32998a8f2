#!/usr/bin/env bash
# manual.sh BINDIR - the listener example of the libevent manual (R8's echo
# server), built unchanged against litevent and run.  Called by smoke.sh;
# see examples/manual.bash for where the manual comes from and why nothing
# of it is committed.
#
# The copy we have prints the example as two code blocks, and the first
# ends with a "}" that closes main() before the rest of its body, which is
# the second block: that one brace is dropped, nothing else is changed.
# The server listens on port 9876 unless told otherwise, so it runs in a
# network namespace of its own.  Where libevent 2.1 is installed the same
# source is built against it too and must behave the same.
set -u
BIN=${1:?usage: manual.sh BINDIR}
. "$(dirname "$0")/../manual.bash"
manual_open '^Example code: an echo server\.$'
manual_enter "$0" "$@"

# The brace to drop is the last line before the block that goes on with
# "base = event_base_new();".
manual_example "$(manual_line "$(manual_line 0 '^Example code: an echo server\.$')" '^Example$')" |
	awk '{ line[NR] = $0 }
		END {
			for (i = NR; i > 0; i--) if (line[i] ~ /^base = event_base_new\(\);$/) break
			for (j = i - 1; j > 0 && line[j] == ""; j--) ;
			for (k = 1; k <= NR; k++) if (k != j || line[k] != "}") print line[k]
		}' >"$work/echo.c"

# One client: send LINE, print the line that comes back.
echo_line() {	# echo_line PORT LINE
	timeout "$T" bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1; echo "$2" >&3
		IFS= read -r got <&3; echo "$got"' sh "$1" "$2"
}

# A megabyte through the server and back, compared.
echo_megabyte() {	# echo_megabyte PORT
	head -c 1048576 /dev/urandom >"$work/mb.in"
	timeout "$T" bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1
		head -c 1048576 <&3 >"$2.out" & cat "$2.in" >&3; wait $!' sh "$1" "$work/mb"
	cmp -s "$work/mb.in" "$work/mb.out"
}

serve() {	# serve BINARY: the checks every build gets
	local bin=$1 pid i ok=0
	"$bin" >"$bin.out" 2>&1 &
	pid=$!
	manual_pids+=($pid)
	check "$(basename "$bin") listens on its default port, 9876" manual_await_port 9876
	for i in 1 2 3 4 5; do [ "$(echo_line 9876 "line $i")" = "line $i" ] && ok=$((ok + 1)); done
	check "five clients one after another each get their line back" test $ok -eq 5
	for i in $(seq 1 20); do echo_line 9876 "client $i" >"$work/many.$i" & done
	wait $(jobs -p | grep -vx "$pid")
	ok=0
	for i in $(seq 1 20); do [ "$(cat "$work/many.$i")" = "client $i" ] && ok=$((ok + 1)); done
	check "twenty at once each get theirs" test $ok -eq 20
	check "a megabyte comes back byte for byte" echo_megabyte 9876
	check "the server is still running" kill -0 "$pid"
	kill -KILL "$pid"; wait "$pid" 2>/dev/null
	"$bin" 0 >"$bin.bad" 2>&1
	check "port 0 is refused: 'Invalid port', exit 1" \
		test $? -eq 1 -a "$(cat "$bin.bad")" = "Invalid port"
}

check "the manual's echo server builds unchanged (one stray brace dropped)" \
	manual_build echo "$work/echo.c"
check "it links litevent, not libevent" manual_is_litevent "$work/echo" evconnlistener_new_bind
serve "$work/echo"

if manual_has_reference; then
	check "it also builds against libevent 2.1" manual_reference echo-libevent "$work/echo.c"
	serve "$work/echo-libevent"
	check "and printed the same on both" cmp -s "$work/echo.out" "$work/echo-libevent.out"
else
	echo "ok - the comparison with libevent 2.1 skipped: pkg-config finds no libevent"
fi

[ $failures -eq 0 ]
