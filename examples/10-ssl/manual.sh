#!/usr/bin/env bash
# manual.sh BINDIR - the OpenSSL examples of the libevent manual (R6a),
# built unchanged against litevent and run over loopback.  Called by
# smoke.sh.
#
# The manual is the specification and is not part of this repository, so
# its examples are read from it here, at test time, and never committed
# (LITEVENT_SEEDS names its directory; default ../shared/seeds beside the
# tree).  Without the manual the checks are skipped and say so.
#
# Which copy: R6a comes twice, alone and inside the whole book.  The copy
# alone has lost every line that held only a brace and a dozen others
# (function names, the constructor's last arguments, the library's set-up
# calls), so the examples are read from the whole book, whose copy is
# complete.  Its echo server is split over two code blocks, between "int"
# and "main(" -- reading the blocks one after another, as we do, puts it
# back together; not one byte is changed.
#
# The three examples:
#   the echo server   a whole program; it listens on 127.0.0.1:9999 and
#                     reads "cert" and "pkey" from its directory, made here
#                     with the three openssl commands it prints when they
#                     are missing.  It runs in a private network namespace
#                     (unshare -n), so port 9999 is ours whatever else the
#                     machine runs.
#   the lazy shutdown six lines, not a program: harness.c (ours, below)
#                     includes them as the body of the function that closes
#                     a connection, and checks that the peer, which does
#                     not allow dirty shutdowns, sees a clean end.
#   the thread set-up is in the copy alone only, which lost its lock and
#                     unlock calls and the two lines that install the
#                     callbacks: it cannot be built as given.  The same
#                     set-up, written afresh, is tests/10-ssl/test_threads.c.
#
# If pkg-config finds libevent 2.1's libevent_openssl, the same sources are
# also built against it and must print what litevent's builds print.
set -u
BIN=${1:?usage: manual.sh BINDIR}
. "$(dirname "$0")/../manual.bash"
manual_open '^Example: A simple SSL-based echo server'
command -v openssl >/dev/null || manual_skip "the openssl command is missing (tools/deps.sh installs it)"
manual_enter "$0" "$@"

# One TLS round trip through OpenSSL's own client: send LINE, print the echo.
s_client_line() {	# s_client_line LINE
	(echo "$1"; sleep 1) | timeout "$T" openssl s_client -connect 127.0.0.1:9999 \
		-quiet -no_ign_eof 2>/dev/null
}

# --- "A simple SSL-based echo server" ---
manual_extract '^Example: A simple SSL-based echo server' '^Last updated' >"$work/echo.c"
check "the manual's OpenSSL echo server is found and builds unchanged" \
	manual_build echo_server "$work/echo.c"
check "it links litevent, not libevent" manual_is_litevent "$work/echo_server" bufferevent_openssl_socket_new

run_echo_server() {	# run_echo_server BINARY OUTPUT: the checks every build gets
	local bin=$1 out=$2 i ok
	# Line-buffered, so that what it printed survives the kill at the end.
	(cd "$work" && exec stdbuf -oL "$bin") >"$out" 2>&1 &
	server=$!
	manual_pids+=("$server")
	check "$(basename "$bin") listens on 127.0.0.1:9999" manual_await_port 9999
	check "OpenSSL's s_client gets its line back" test "$(s_client_line 'hello, manual')" = 'hello, manual'
	# A client that speaks plain text, and one that hangs up mid-handshake.
	(exec 3<>/dev/tcp/127.0.0.1/9999 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 &&
		timeout 2 cat <&3 >/dev/null) 2>/dev/null
	(exec 3<>/dev/tcp/127.0.0.1/9999 && printf '\026\003\001\000' >&3) 2>/dev/null
	for i in $(seq 1 10); do s_client_line "client $i" >"$work/many.$i" & done
	wait $(jobs -p | grep -vx "$server")
	ok=0
	for i in $(seq 1 10); do [ "$(cat "$work/many.$i")" = "client $i" ] && ok=$((ok + 1)); done
	check "after a plain-text client and a hang-up, ten clients at once each get their echo" test $ok -eq 10
	check "the server is still running" kill -0 "$server"
	kill -KILL "$server"; wait "$server" 2>/dev/null
	check "it printed 'Received N bytes' once per line it echoed" \
		test "$(grep -c '^Received [0-9]* bytes$' "$out")" -eq 11
}

(cd "$work" && openssl genrsa -out pkey 2048 &&
	openssl req -new -key pkey -out cert.req -subj /CN=localhost &&
	openssl x509 -req -days 365 -in cert.req -signkey pkey -out cert) >/dev/null 2>&1
check "cert and pkey made with the commands the example prints" test -s "$work/cert" -a -s "$work/pkey"
run_echo_server "$work/echo_server" "$work/echo.out"

# --- the lazy shutdown ---
# From the code block after the paragraph that introduces it to the end of
# that block.
awk '/^Currently the only workaround is to do lazy SSL shutdowns/ { on = 1; next }
	on && /^```/ { if (inside) exit; inside = 1; next }
	on && inside { print }' "$manual" >"$work/lazy_shutdown.inc"
cat >"$work/harness.c" <<'EOF'
/* Not the manual's: one TLS connection over a socketpair, both ends in this
 * process.  The client writes a line and, once it is on its way, closes
 * with the manual's lazy shutdown (lazy_shutdown.inc, read from the manual
 * at test time).  The server does not allow dirty shutdowns, so it says
 * "EOF" only if a close_notify arrived. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/ssl.h>
#include <event2/util.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

static const char line[] = "last words\n";

static void
close_lazily(struct bufferevent *bev)
{
#include "lazy_shutdown.inc"
}

static void
client_sent(struct bufferevent *bev, void *arg)
{
	(void)arg;
	close_lazily(bev);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		bufferevent_write(bev, line, strlen(line));
	else
		printf("client: event 0x%x\n", what);
}

static void
server_event(struct bufferevent *bev, short what, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	if (what & BEV_EVENT_CONNECTED)
		return;
	printf("server read: %.*s", (int)evbuffer_get_length(in),
	    (char *)evbuffer_pullup(in, -1));
	printf("server end: %s\n", what & BEV_EVENT_EOF ? "EOF" :
	    what & BEV_EVENT_ERROR ? "ERROR" : "other");
	bufferevent_free(bev);
	event_base_loopexit(arg, NULL);
}

int
main(void)
{
	SSL_CTX *server_ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method());
	struct event_base *base = event_base_new();
	struct bufferevent *server, *client;
	int fds[2];

	if (!server_ctx || !client_ctx || !base ||
	    SSL_CTX_use_certificate_chain_file(server_ctx, "cert") != 1 ||
	    SSL_CTX_use_PrivateKey_file(server_ctx, "pkey", SSL_FILETYPE_PEM) != 1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 ||
	    evutil_make_socket_nonblocking(fds[0]) != 0 ||
	    evutil_make_socket_nonblocking(fds[1]) != 0)
		return 2;
	server = bufferevent_openssl_socket_new(base, fds[0], SSL_new(server_ctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	client = bufferevent_openssl_socket_new(base, fds[1], SSL_new(client_ctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (!server || !client)
		return 2;
	bufferevent_setcb(server, NULL, NULL, server_event, base);
	bufferevent_setcb(client, NULL, client_sent, client_event, NULL);
	bufferevent_enable(server, EV_READ);
	bufferevent_enable(client, EV_READ | EV_WRITE);
	event_base_dispatch(base);
	event_base_free(base);
	SSL_CTX_free(server_ctx);
	SSL_CTX_free(client_ctx);
	return 0;
}
EOF
check "the manual's lazy shutdown is found (it ends by freeing the bufferevent)" \
	grep -q '^bufferevent_free(bev);$' "$work/lazy_shutdown.inc"
check "and builds unchanged inside harness.c" manual_build lazy "$work/harness.c"
check "which links litevent, not libevent" manual_is_litevent "$work/lazy" bufferevent_openssl_get_ssl
(cd "$work" && timeout "$T" "$work/lazy") >"$work/lazy.out" 2>&1
check "the harness exits 0" test $? -eq 0
check "the peer reads the last line, then a clean end (EOF, not ERROR)" \
	test "$(cat "$work/lazy.out")" = "$(printf 'server read: last words\nserver end: EOF')"

# --- the same sources on libevent 2.1, for comparison ---
if manual_has_reference; then
	check "the echo server also builds against libevent 2.1" manual_reference echo_libevent "$work/echo.c"
	run_echo_server "$work/echo_libevent" "$work/echo_libevent.out"
	check "and prints what litevent's build printed" \
		cmp -s <(sort "$work/echo.out") <(sort "$work/echo_libevent.out")
	check "the lazy-shutdown harness also builds against libevent 2.1" \
		manual_reference lazy_libevent "$work/harness.c"
	(cd "$work" && timeout "$T" "$work/lazy_libevent") >"$work/lazy_libevent.out" 2>&1
	check "and prints what litevent's build printed" cmp -s "$work/lazy.out" "$work/lazy_libevent.out"
else
	echo "ok - the comparison with libevent 2.1 skipped: pkg-config finds no libevent_openssl"
fi

[ $failures -eq 0 ]
