#!/usr/bin/env bash
# manual.sh BINDIR NAMESERVER - the DNS examples of the libevent manual (R9),
# built unchanged against litevent and run against the tableserver that
# smoke.sh started (NAMESERVER is its 127.0.0.1:PORT).  Called by smoke.sh.
#
# See examples/manual.bash for where the manual comes from and why nothing
# of it is committed.  Both examples read the system's configuration --
# /etc/resolv.conf and /etc/hosts -- so each runs in a private mount
# namespace (unshare -m) in which files this script writes are mounted over
# those two: the machine's own files are never touched.
#
# The extraction undoes one fault of the copy we were given: a closing
# brace of the getaddrinfo example's callback was carried into the next
# code block, which then begins with a lone "}" (no C block can).  That line
# is dropped; not one other byte of either example is changed.
set -u
BIN=${1:?usage: manual.sh BINDIR NAMESERVER}
NS=${2:?usage: manual.sh BINDIR NAMESERVER}
. "$(dirname "$0")/../manual.bash"
manual_open '^Example: Nonblocking lookups with `evdns_getaddrinfo()`'
# The examples must reach the table server in this network namespace, so
# only the mount namespace is private, per command (not manual_enter).
unshare -m true 2>/dev/null || manual_skip "unshare -m is not allowed here (it needs root)"
manual_workdir

# manual_extract, less the brace the copy misplaced: a "}" first in a code
# block (no C block can begin so).
extract() {	# extract TITLE-REGEX END-REGEX
	awk -v start="$1" -v stop="$2" '
		$0 ~ start { on = 1; next }
		on && $0 ~ stop { exit }
		on && /^```/ { inside = !inside; fresh = 1; next }
		on && inside {
			if (fresh && $0 == "}") { fresh = 0; next }
			if ($0 != "") fresh = 0
			print
		}' "$manual"
}

# Run with our resolv.conf and hosts in place of the system's.
in_namespace() {	# in_namespace COMMAND...
	timeout 20 unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
		mount --bind "$2" /etc/hosts && shift 2 && exec "$@"' sh \
		"$work/resolv.conf" "$work/hosts" "$@"
}

printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$NS" >"$work/resolv.conf"
printf '127.0.0.1 localhost\n127.0.0.1 echohost\n' >"$work/hosts"

# --- "Nonblocking lookups with evdns_getaddrinfo()" ---
extract '^Example: Nonblocking lookups with `evdns_getaddrinfo\(\)`' \
	'^These functions were new' >"$work/lookups.c"
check "the manual's evdns_getaddrinfo example is found and builds unchanged" \
	manual_build lookups "$work/lookups.c"
check "it links litevent, not libevent" manual_is_litevent "$work/lookups" evdns_getaddrinfo
out=$(in_namespace "$work/lookups" www.example.test alias.example.test echohost)
check "it runs to the end (exit 0)" test $? -eq 0
check "a name from the server: both A records and the AAAA" \
	test "$(grep -A3 '^1\. www.example.test' <<<"$out" | grep -c -- '-> 192.0.2.1[01]$\|-> 2001:db8::10$')" -eq 3
check "the alias, with its canonical name" grep -q '^2\. alias.example.test \[www.example.test\]$' <<<"$out"
check "a hosts-file name answered at once, without the network" \
	grep -q 'request for echohost returned immediately' <<<"$out"
check "and its address" grep -qx -- '    -> 127.0.0.1' <<<"$(grep -A1 '^3\. echohost' <<<"$out")"

# --- "Resolving a hostname and making a blocking connection" ---
# The manual gives the function only; the main() that calls it is ours.
extract '^Example: Resolving a hostname and making a blocking connection' \
	'^These functions and constants were new' >"$work/connect.c"
cat >>"$work/connect.c" <<'EOF'

/* Not the manual's: connect to HOST PORT, send a line, print the reply. */
#include <stdlib.h>

int
main(int argc, char **argv)
{
	char reply[64];
	ssize_t n;
	evutil_socket_t fd;

	if (argc != 3)
		return 2;
	fd = get_tcp_socket_for_host(argv[1], (ev_uint16_t)atoi(argv[2]));
	if (fd < 0 || write(fd, "hello\n", 6) != 6)
		return 1;
	if ((n = read(fd, reply, sizeof(reply) - 1)) <= 0)
		return 1;
	reply[n] = '\0';
	printf("reply: %s", reply);
	return 0;
}
EOF
check "the manual's blocking-connect example builds unchanged" manual_build connect "$work/connect.c"
check "it links litevent, not libevent" manual_is_litevent "$work/connect" evutil_getaddrinfo
"$BIN/../01-async-io/rot13_epoll" 0 >"$work/rot.out" &
manual_pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/rot.out" && break; sleep 0.1; done
rport=$(sed -n 's/^listening on \([0-9]*\).*/\1/p' "$work/rot.out")
out=$(in_namespace "$work/connect" echohost "$rport")
check "it connects to a hosts-file name and talks" grep -q '^reply: uryyb$' <<<"$out"

[ $failures -eq 0 ]
