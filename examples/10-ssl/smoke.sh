#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test chapter 10's examples over loopback.
#
# tls_echo_server makes its certificate and writes it out; tls_client trusts
# only that certificate, checks the name, sends a line and ends with the
# manual's lazy shutdown; OpenSSL's own s_client is a second, independent
# client.  Every wait is bounded.  One line per check, "ok - ..." or
# "not ok - ..."; the exit status is 0 only if every check passed.
set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
T=${SMOKE_TIMEOUT:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/smoke10.XXXXXX") || exit 1
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

# Both programs were linked with litevent's TLS bufferevents.
for prog in tls_echo_server tls_client; do
	check "$prog is built on litevent's TLS engine" \
		bash -c "nm '$BIN/$prog' | grep -q ' tls_read_some$'"
done

"$BIN/tls_echo_server" 0 "$work/cert.pem" >"$work/out" 2>"$work/err" &
pid=$!
port=
for _ in $(seq 1 $((T * 10))); do
	port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$work/out")
	[ -n "$port" ] && break
	sleep 0.1
done
check "the server says which port it listens on" test -n "$port"
check "and wrote its certificate" grep -q 'BEGIN CERTIFICATE' "$work/cert.pem"

reply=$(timeout "$T" "$BIN/tls_client" "$port" "$work/cert.pem" localhost "hello over TLS" 2>"$work/cerr")
check "the client exits 0 after a verified round trip" test $? -eq 0
check "and prints the echo" test "$reply" = "hello over TLS"

timeout "$T" "$BIN/tls_client" "$port" "$work/cert.pem" not-localhost "x" >/dev/null 2>"$work/cerr2"
check "a client that expects another name exits 1" test $? -eq 1
check "and says the certificate did not verify" grep -q 'certificate verify failed' "$work/cerr2"

for i in $(seq 1 20); do
	timeout "$T" "$BIN/tls_client" "$port" "$work/cert.pem" localhost "client $i" >"$work/many.$i" 2>&1 &
done
ok=1
for job in $(jobs -p); do
	[ "$job" = "$pid" ] && continue
	wait "$job" || ok=0
done
check "twenty clients at once each get their own line back" test $ok -eq 1
bad=0
for i in $(seq 1 20); do [ "$(cat "$work/many.$i")" = "client $i" ] || bad=$((bad + 1)); done
check "and every echo is the line that client sent" test $bad -eq 0

if command -v openssl >/dev/null; then
	echo_back=$( (echo "from s_client"; sleep 1) | timeout "$T" openssl s_client \
		-connect "127.0.0.1:$port" -CAfile "$work/cert.pem" -verify_return_error \
		-quiet -no_ign_eof 2>/dev/null)
	check "OpenSSL's s_client verifies the server and gets its echo" test "$echo_back" = "from s_client"
fi

kill -TERM "$pid"
for _ in $(seq 1 $((T * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
rc=$?
pid=
check "the server exits 0 on SIGTERM" test $rc -eq 0
served=$(sed -n 's/^served \([0-9]*\)$/\1/p' "$work/out")
expected=21
command -v openssl >/dev/null && expected=22
check "and counts $expected completed handshakes (not the client that refused it)" test "${served:-0}" -eq $expected

# The manual's own OpenSSL examples, built unchanged.
bash "$(dirname "$0")/manual.sh" "$BIN" || failures=$((failures + 1))

[ $failures -eq 0 ]
