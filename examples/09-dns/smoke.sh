#!/usr/bin/env bash
# smoke.sh BINDIR - smoke-test the DNS examples of chapter 9 against a
# tableserver on 127.0.0.1 that this script starts (never the internet).
set -u
export LC_ALL=C

BIN=${1:?usage: smoke.sh BINDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
failures=0
out=$(mktemp)
trap 'kill "$server" 2>/dev/null; rm -f "$out"' EXIT

check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

"$BIN/tableserver" 0 "$HERE/table.txt" >"$out" &
server=$!
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
check "tableserver starts and says where it listens" test -n "$port"
check "it loaded the six records of the table" grep -q 'with 6 records' "$out"
ns=127.0.0.1:$port

a=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t A www.example.test)
check "A lookup exits 0" test $? -eq 0
check "it prints both A records" test "$(grep -c $'\tIN\tA\t192.0.2.1[01]$' <<<"$a")" -eq 2
check "with the table's TTL" grep -q $'\t600\tIN' <<<"$a"

aaaa=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t AAAA www.example.test)
check "AAAA lookup prints the IPv6 address" grep -q $'AAAA\t2001:db8::10$' <<<"$aaaa"

ptr=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t PTR 192.0.2.10)
check "PTR lookup names the host" grep -q $'PTR\twww.example.test$' <<<"$ptr"

any=$(timeout 10 "$BIN/dnslookup" -s "$ns" alias.example.test)
check "getaddrinfo follows the CNAME to the canonical name" \
	grep -q $'^alias.example.test\twww.example.test\t192.0.2.10$' <<<"$any"
check "and lists IPv6 after IPv4" test "$(tail -n 1 <<<"$any" | cut -f3)" = 2001:db8::10

nx=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t A nosuch.example.test)
check "a missing name exits 1" test $? -eq 1
check "and says so" grep -q 'no such name' <<<"$nx"

many=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t A www.example.test nosuch.example.test alias.example.test)
check "several names at once: one failure, exit 1" test $? -eq 1
check "the alias resolved in the same run" grep -q $'^alias.example.test\t' <<<"$many"

bad=$(timeout 10 "$BIN/dnslookup" -s "$ns" -t A 'bad..name')
check "a name the wire cannot carry is refused at once" grep -q 'cannot ask' <<<"$bad"

# connect_by_name: a name from the tableserver, a missing one, a hosts-file one.
"$BIN/../01-async-io/rot13_epoll" 0 >"$out.rot" &
rot=$!
for _ in $(seq 50); do grep -q listening "$out.rot" && break; sleep 0.1; done
rport=$(sed -n 's/^listening on \([0-9]*\).*/\1/p' "$out.rot")
c=$(timeout 10 "$BIN/connect_by_name" -s "$ns" echo.example.test "$rport" hello)
check "connect_by_name reaches a name served by the tableserver" grep -q '^reply: uryyb$' <<<"$c"
c=$(timeout 10 "$BIN/connect_by_name" -s "$ns" nosuch.example.test "$rport" hello)
check "a missing name is a DNS error, exit 1" test $? -eq 1
printf '127.0.0.1 viahosts\n' >"$out.hosts"
c=$(timeout 10 "$BIN/connect_by_name" -s "$ns" -H "$out.hosts" viahosts. "$rport" abc)
check "a hosts-file name, written with its dot, connects" grep -q '^reply: nop$' <<<"$c"
kill "$rot"; rm -f "$out.rot" "$out.hosts"

# The manual's own DNS examples, built unchanged, against the same server.
bash "$HERE/manual.sh" "$BIN" "$ns" || failures=$((failures + 1))

kill -TERM "$server"
wait "$server"
check "tableserver exits 0 on SIGTERM" test $? -eq 0

[ $failures -eq 0 ]
