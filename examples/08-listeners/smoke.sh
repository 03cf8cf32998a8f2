#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the example programs of chapter 8: greeter
# (a listener alone), echo_server and chat_server (a listener handing its
# sockets to bufferevents).
#
# The servers listen on 127.0.0.1; clients talk to them through bash's
# /dev/tcp, many at once.  Every wait is bounded.  One line per check,
# "ok - ..." or "not ok - ..."; the exit status is 0 only if every check
# passed.
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
trap '' PIPE

check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

# start NAME: run BINDIR/NAME on port 0, read the port it prints.
start() {
	"$BIN/$1" 0 >"$work/$1.out" 2>"$work/$1.err" &
	pid=$!
	port=
	for _ in $(seq 1 $((T * 10))); do
		port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$work/$1.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	check "$1 says which port it listens on" test -n "$port"
}

# stop NAME SUMMARY: SIGTERM, exit status 0, and the summary line printed.
stop() {
	local rc
	kill -TERM "$pid"
	for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait "$pid"
	rc=$?
	pid=
	check "$1 exits 0 on SIGTERM" test $rc -eq 0
	check "and reports '$2'" grep -qx "$2" "$work/$1.out"
}

# wait_clients: wait for the background clients (not the server).
wait_clients() {
	local ok=1 job
	for job in $(jobs -p); do
		[ "$job" = "$pid" ] && continue
		wait "$job" || ok=0
	done
	[ $ok -eq 1 ]
}

for prog in greeter echo_server chat_server; do
	check "$prog is built on litevent's listener" \
		bash -c "nm '$BIN/$prog' | grep -q ' accept_pending_connections$'"
done

# --- greeter
start greeter
greet_once() {
	timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && IFS= read -r line <&3 && echo \"\$line\"" \
		>"$work/greeting.$1" 2>/dev/null
}
for i in $(seq 1 50); do greet_once "$i" & done
check "fifty greeter clients at once each get an answer" wait_clients
bad=$(cat "$work"/greeting.* | grep -cvE '^hello, 127\.0\.0\.1:[0-9]+$')
check "every answer greets a 127.0.0.1 address with a port" test "$bad" -eq 0
distinct=$(cat "$work"/greeting.* | sort -u | wc -l)
check "the fifty greetings name fifty different client ports" test "$distinct" -eq 50
timeout "$T" "$BIN/greeter" "$port" >/dev/null 2>"$work/err2"
check "a second greeter on the same port fails with status 1" test $? -eq 1
check "and says the address is in use" grep -q 'Address already in use' "$work/err2"
stop greeter "served 50"

# --- echo_server: fifty clients at once, each its own line back; then
# 256 KiB through one connection, more than the socket buffers hold.
start echo_server
echo_once() {
	timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && echo 'line from client $1' >&3 && IFS= read -r line <&3 && echo \"\$line\"" \
		>"$work/echo.$1" 2>/dev/null
}
for i in $(seq 1 50); do echo_once "$i" & done
check "fifty echo clients at once each get an answer" wait_clients
bad=0
for i in $(seq 1 50); do grep -qx "line from client $i" "$work/echo.$i" || bad=$((bad + 1)); done
check "each gets its own line back" test $bad -eq 0
head -c 196608 /dev/urandom | base64 >"$work/big"		# 256 KiB of text
size=$(wc -c <"$work/big")
timeout "$T" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && { cat '$work/big' >&3 & } && head -c $size <&3 >'$work/big.back'"
check "256 KiB sent through one connection come back unchanged" cmp -s "$work/big" "$work/big.back"
stop echo_server "served 51"

# --- chat_server: three clients join one after another (each knows it has
# joined when it hears its own hello); then one line reaches all three.
start chat_server
timeout "$T" bash -c "
	exec 3<>/dev/tcp/127.0.0.1/$port
	echo hello-a >&3; IFS= read -r l <&3; echo \"A \$l\"
	exec 4<>/dev/tcp/127.0.0.1/$port
	echo hello-b >&4; IFS= read -r l <&4; echo \"B \$l\"; IFS= read -r l <&3; echo \"A \$l\"
	exec 5<>/dev/tcp/127.0.0.1/$port
	echo hello-c >&5; IFS= read -r l <&5; echo \"C \$l\"
	IFS= read -r l <&3; echo \"A \$l\"; IFS= read -r l <&4; echo \"B \$l\"
	echo 'the news' >&3
	for fd in 3 4 5; do IFS= read -r l <&\$fd; echo \"\$fd \$l\"; done
" >"$work/chat" 2>/dev/null
check "each client hears its own hello" test "$(grep -cE '^([ABC]) 127\.0\.0\.1:[0-9]+: hello-' "$work/chat")" -eq 6
news=$(grep -cE '^[345] 127\.0\.0\.1:[0-9]+: the news$' "$work/chat")
check "one line reaches all three clients" test "$news" -eq 3
sender=$(sed -n 's/^A \(127\.0\.0\.1:[0-9]*\): hello-a$/\1/p' "$work/chat")
check "prefixed with the sender's address" grep -q "^4 $sender: the news$" "$work/chat"
stop chat_server "relayed 4 lines"

# The manual's own examples for this chapter, built unchanged.
bash "$(dirname "$0")/manual.sh" "$BIN" || failures=$((failures + 1))

[ $failures -eq 0 ]
