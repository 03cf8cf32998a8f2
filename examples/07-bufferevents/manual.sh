#!/usr/bin/env bash
# manual.sh BINDIR - the bufferevent examples of the libevent manual
# (chapter 1's ROT13 server on bufferevents, and R6's), built unchanged
# against litevent and run.  Called by smoke.sh; see examples/manual.bash
# for where the manual comes from and why nothing of it is committed.
#
# The examples, and what is ours around them:
#   the ROT13 server    a whole program on the fixed port 40713.  The copy
#                       we have split "struct bufferevent *bev;" over two
#                       code blocks, leaving "struct" alone on a line after
#                       the break; the line is made whole again, nothing
#                       else is changed.
#   connecting          main_loop() connects to 127.0.0.1:8080 and returns
#                       when the loop has nothing left; our main() calls it,
#                       and chapter 8's greeter listens on 8080.
#   the HTTP 0.x client a whole program: it looks its host up with evdns and
#                       connects to port 80.  Our hosts file names the host,
#                       and http0.c (ours, plain sockets) answers on 80.
#   watermarks          the read and event callbacks; the example's own
#                       set-up leaves the bufferevent to the reader (it is
#                       NULL), so our main() makes one on a socketpair with
#                       the example's 128-byte low watermark.
#   reading and writing two callbacks, compiled: they need a program around
#                       them that the manual does not give.
# Everything runs in network and mount namespaces of its own, so the fixed
# ports and /etc/hosts are this script's.  Where libevent 2.1 is installed
# the same sources are built against it too and must print the same.
set -u
BIN=${1:?usage: manual.sh BINDIR}
. "$(dirname "$0")/../manual.bash"
manual_open '^Example: A simpler ROT13 server with Libevent$'
manual_enter "$0" "$@"
greeter=$BIN/../08-listeners/greeter

# Start chapter 8's greeter on PORT (it answers each client with one line
# and hangs up); wait until it listens.
start_greeter() {	# start_greeter PORT
	"$greeter" "$1" >"$work/greeter.$1" 2>&1 &
	manual_pids+=($!)
	manual_await_port "$1"
}

# --- chapter 1: "A simpler ROT13 server with Libevent" ---
manual_example "$(manual_line 0 '^Example: A simpler ROT13 server with Libevent$')" |
	sed -e '/^ *struct$/d' -e 's/^\( *\)bufferevent \*bev;$/\1struct bufferevent *bev;/' \
	>"$work/rot13.c"
cat >"$work/connect-main.c" <<'EOF'
/* Not the manual's: run its main_loop() and say what it returned. */
#include <stdio.h>
int main_loop(void);
int
main(void)
{
	int rc = main_loop();

	printf("main_loop returned %d\n", rc);
	return rc != 0;
}
EOF
cat >"$work/watermark-main.c" <<'EOF'
/* Not the manual's: the example's callbacks on one end of a socketpair,
 * read from at its 128-byte low watermark.  The other end sends 100 bytes
 * (below the mark: no callback), then, from a timer, 100 more and closes. */
#include <event2/event.h>
#include <event2/bufferevent.h>
#include <event2/util.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct info { const char *name; size_t total_drained; };	/* as the example's */
void read_callback(struct bufferevent *bev, void *ctx);
void event_callback(struct bufferevent *bev, short events, void *ctx);

static int peer;

static void
send_hundred(void)
{
	char bytes[100];

	memset(bytes, 'x', sizeof(bytes));
	if (write(peer, bytes, sizeof(bytes)) != sizeof(bytes))
		exit(2);
}

static void
send_rest_and_close(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	send_hundred();
	close(peer);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	struct info *info = malloc(sizeof(*info));
	struct timeval later = { 0, 100000 };
	struct bufferevent *bev;
	int fds[2];

	if (!base || !info || evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 ||
	    evutil_make_socket_nonblocking(fds[0]) < 0)
		return 2;
	peer = fds[1];
	info->name = "buffer 1";
	info->total_drained = 0;
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setwatermark(bev, EV_READ, 128, 0);
	bufferevent_setcb(bev, read_callback, NULL, event_callback, info);
	bufferevent_enable(bev, EV_READ);
	send_hundred();
	event_base_once(base, -1, EV_TIMEOUT, send_rest_and_close, NULL, &later);
	event_base_dispatch(base);
	event_base_free(base);
	return 0;
}
EOF
r6=$(manual_line 0 '^Bufferevents: concepts and basics$')
connect_at=$(manual_line "$r6" '^Example$')
http_at=$(manual_line "$r6" '^Example: Trivial HTTP v0 client\.$')
watermark_at=$(manual_line "$http_at" '^Example$')
readwrite_at=$(manual_line "$watermark_at" '^Example$')
manual_example "$connect_at" >"$work/connect.c"
manual_example "$http_at" >"$work/http.c"
manual_example "$watermark_at" >"$work/watermark.c"
manual_example "$readwrite_at" >"$work/readwrite.c"
printf '127.0.0.1 localhost\n127.0.0.1 www.example.test\n' >"$work/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
manual_etc hosts "$work/hosts" && manual_etc resolv.conf "$work/resolv.conf" ||
	manual_skip "/etc/hosts and resolv.conf cannot be mounted over in the private namespace"
cat >"$work/http0.c" <<'EOF'
/* Not the manual's: an HTTP 0.9 server on 127.0.0.1:80 in plain sockets.
 * It reads a request line, answers with one line naming it, and closes
 * only after the client has: no reset can eat the answer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
	char request[256], answer[300];
	int listener = socket(AF_INET, SOCK_STREAM, 0), fd, n;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(listener, 8))
		return 1;
	while ((fd = accept(listener, NULL, NULL)) >= 0) {
		n = read(fd, request, sizeof(request) - 1);
		request[n > 0 ? n : 0] = '\0';
		request[strcspn(request, "\r\n")] = '\0';
		n = snprintf(answer, sizeof(answer), "you asked for %s\n", request);
		if (write(fd, answer, n) == n)
			shutdown(fd, SHUT_WR);
		while (read(fd, request, sizeof(request)) > 0)
			;
		close(fd);
	}
	return 1;
}
EOF
cc -o "$work/http0" "$work/http0.c" && { "$work/http0" & manual_pids+=($!); }
check "our HTTP 0.9 server listens on 80" manual_await_port 80
check "chapter 8's greeter listens on 8080" start_greeter 8080

# Run every example of one build (SUFFIX: "" for litevent's, "-libevent"
# for the reference); what they print goes to $work/*SUFFIX.out, what they
# log to $work/*SUFFIX.err.
run_examples() {	# run_examples SUFFIX
	local s=$1 got rot13
	"$work/rot13$s" >"$work/rot13$s.out" 2>&1 &
	rot13=$!
	manual_pids+=($rot13)
	check "the ROT13 server$s listens on 40713" manual_await_port 40713
	got=$(timeout "$T" bash -c 'exec 3<>/dev/tcp/127.0.0.1/40713
		printf "Hello, World\nabc xyz\n" >&3
		IFS= read -r a <&3; IFS= read -r b <&3; echo "$a|$b"')
	check "it answers two lines rot13'd" test "$got" = "Uryyb, Jbeyq|nop klm"
	kill "$rot13"; wait "$rot13" 2>/dev/null
	timeout "$T" "$work/connect$s" >"$work/connect$s.out" 2>"$work/connect$s.err"
	check "main_loop()$s connects to 127.0.0.1:8080 and returns 0" \
		grep -qx 'main_loop returned 0' "$work/connect$s.out"
	timeout "$T" "$work/http$s" www.example.test / >"$work/http$s.out" 2>"$work/http$s.err"
	check "the HTTP client$s connects by name and prints the answer, then closes" \
		test "$(cat "$work/http$s.out")" = "$(printf 'Connect okay.\nyou asked for GET /\nClosing')"
	timeout "$T" "$work/http$s" nosuch.example.test / >"$work/http-missing$s.out" 2>"$work/http-missing$s.err"
	check "a name that is nowhere is a DNS error, then closes" \
		test "$(sed -n '1s/:.*//p;$p' "$work/http-missing$s.out")" = "$(printf 'DNS error\nClosing')"
	timeout "$T" "$work/watermark$s" >"$work/watermark$s.out" 2>"$work/watermark$s.err"
	check "the watermark callbacks$s: one read of 200 bytes at the mark, then the close" \
		test "$(cat "$work/watermark$s.out")" = "$(printf '%s\n' 'Drained 200 bytes from buffer 1' \
		'Got a close from buffer 1. We drained 200 bytes from it, and have 0 left.')"
}

check "the ROT13 server builds unchanged (one split line made whole)" manual_build rot13 "$work/rot13.c"
check "main_loop() builds unchanged" manual_build connect "$work/connect.c" "$work/connect-main.c"
check "the HTTP 0.x client builds unchanged" manual_build http "$work/http.c"
check "the watermark callbacks build unchanged" manual_build watermark "$work/watermark.c" "$work/watermark-main.c"
check "the reading and writing callbacks compile unchanged" \
	cc -std=gnu11 -w -c -I"$MANUAL_ROOT/src/include" -o "$work/readwrite.o" "$work/readwrite.c"
for prog in rot13:bufferevent_socket_new connect:bufferevent_socket_connect \
	http:bufferevent_socket_connect_hostname watermark:bufferevent_setwatermark; do
	check "${prog%%:*} links litevent, not libevent" manual_is_litevent "$work/${prog%%:*}" "${prog#*:}"
done
run_examples ""

if manual_has_reference; then
	for prog in rot13 connect http watermark; do
		src=("$work/$prog.c")
		[ -e "$work/$prog-main.c" ] && src+=("$work/$prog-main.c")
		check "$prog also builds against libevent 2.1" manual_reference "$prog-libevent" "${src[@]}"
	done
	run_examples -libevent
	# Not http-missing: the DNS error's text differs by design (chapter 9
	# reports a timeout as EVUTIL_EAI_AGAIN, libevent 2.1 as _FAIL).
	for out in connect http watermark; do
		check "$out printed the same on both" cmp -s "$work/$out.out" "$work/$out-libevent.out"
	done
else
	echo "ok - the comparison with libevent 2.1 skipped: pkg-config finds no libevent"
fi

[ $failures -eq 0 ]
