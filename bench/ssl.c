/* bench/ssl.c -- TLS bufferevents: echo throughput and handshakes.
 *
 *   ssl echo CONNECTIONS MESSAGES   16 KiB messages echoed over TLS
 *   ssl handshake COUNT             handshakes, one after another
 *   ssl floor MESSAGES              the same echo with OpenSSL alone
 *   ssl handshake-floor COUNT       the same handshakes with OpenSSL alone
 *
 * Both ends run in this process, on one event_base, over socketpairs, in
 * socket mode (bufferevent_openssl_socket_new): each client sends a 16 KiB
 * message, its server echoes it, and the client sends the next when the
 * whole echo is back, until each client has had MESSAGES.  So one message
 * costs two encryptions, two decryptions, four socket writes and reads,
 * and the library's work around them.  "floor" does the encryptions and
 * decryptions alone, between two SSL objects over memory BIOs with no
 * event library at all: what any TLS library over OpenSSL must spend, the
 * part of the echo's time that is OpenSSL's.  "handshake-floor" does the
 * handshakes alone the same way: a fresh pair of SSL objects, a full
 * handshake between them, both freed.
 *
 * Prints "NAME<TAB>nanoseconds per operation" lines (bench/compare.sh),
 * in the CPU time of the one thread that runs both ends (bench/bench.h),
 * and marks each timed region for callgrind (bench/counts.sh).
 * Built unchanged against litevent and against libevent 2.1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include "../tests/harness/self_signed.h"
#include "bench.h"

#define MESSAGE (16 * 1024)

static SSL_CTX *server_ctx, *client_ctx;
static struct event_base *base;
static unsigned char message[MESSAGE];
static int connected, finished, wanted;

static void
make_contexts(void)
{
	if (self_signed_contexts(&server_ctx, &client_ctx) < 0) {
		fprintf(stderr, "ssl bench: cannot make a certificate\n");
		exit(1);
	}
	/* Every handshake a full one: no session tickets to resume from. */
	SSL_CTX_set_num_tickets(server_ctx, 0);
}

struct conn {
	struct bufferevent *client, *server;
	size_t have;		/* bytes of the current echo back */
	int done;		/* messages echoed */
};

static void
echo(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	c->have += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	while (c->have >= MESSAGE) {
		c->have -= MESSAGE;
		if (++c->done < wanted)
			bufferevent_write(bev, message, MESSAGE);
		else
			finished++;
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		connected++;
	else if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
		fprintf(stderr, "ssl bench: connection failed (%#x)\n", what);
		exit(1);
	}
}

static void
open_conn(struct conn *c)
{
	evutil_socket_t fds[2];

	memset(c, 0, sizeof(*c));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
		perror("socketpair");
		exit(1);
	}
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
	c->client = bufferevent_openssl_socket_new(base, fds[0],
	    SSL_new(client_ctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	c->server = bufferevent_openssl_socket_new(base, fds[1],
	    SSL_new(server_ctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->client, client_read, NULL, on_event, c);
	bufferevent_setcb(c->server, echo, NULL, on_event, c);
	bufferevent_enable(c->client, EV_READ | EV_WRITE);
	bufferevent_enable(c->server, EV_READ | EV_WRITE);
}

static void
run_until(const int *count, int target)
{
	while (*count < target)
		event_base_loop(base, EVLOOP_ONCE);
}

static void
bench_echo(int n, int messages)
{
	struct conn *conns = calloc((size_t)n, sizeof(*conns));
	char name[64];
	double t0;
	int i;

	wanted = messages;
	for (i = 0; i < n; i++)
		open_conn(&conns[i]);
	run_until(&connected, 2 * n);
	snprintf(name, sizeof(name), "tls echo 16KiB, %d connection%s", n,
	    n > 1 ? "s" : "");
	count_begin();
	t0 = now_ns();
	for (i = 0; i < n; i++)
		bufferevent_write(conns[i].client, message, MESSAGE);
	run_until(&finished, n);
	t0 = now_ns() - t0;
	count_end(name, (long)n * messages);
	printf("%s\t%.1f\n", name, t0 / ((double)n * messages));
	for (i = 0; i < n; i++) {
		bufferevent_free(conns[i].client);
		bufferevent_free(conns[i].server);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	free(conns);
}

static void
bench_handshakes(int count)
{
	const char *name = "tls handshake (ECDHE, P-256 certificate)";
	struct conn c;
	double t0;
	int i;

	count_begin();
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		connected = 0;
		open_conn(&c);
		run_until(&connected, 2);
		bufferevent_free(c.client);
		bufferevent_free(c.server);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	t0 = now_ns() - t0;
	count_end(name, count);
	printf("%s\t%.1f\n", name, t0 / count);
}

/* Two SSL objects joined by a BIO pair: what one writes, the other reads,
 * one copy into the pair's buffer and one out, as a transport must.  Made
 * and taken through a full handshake, with no event library. */
static void
open_pair(SSL **c, SSL **s)
{
	BIO *cb, *sb;
	int rc = 0, rs = 0;

	*c = SSL_new(client_ctx);
	*s = SSL_new(server_ctx);
	BIO_new_bio_pair(&cb, 4 * MESSAGE, &sb, 4 * MESSAGE);
	SSL_set_bio(*c, cb, cb);
	SSL_set_bio(*s, sb, sb);
	SSL_set_connect_state(*c);
	SSL_set_accept_state(*s);
	while (rc != 1 || rs != 1) {
		rc = SSL_do_handshake(*c);
		rs = SSL_do_handshake(*s);
	}
}

static void
bench_floor(int messages)
{
	SSL *c, *s;
	unsigned char buf[MESSAGE];
	double t0;
	int i;

	open_pair(&c, &s);
	count_begin();
	t0 = now_ns();
	for (i = 0; i < messages; i++) {
		SSL_write(c, message, MESSAGE);
		SSL_read(s, buf, MESSAGE);
		SSL_write(s, buf, MESSAGE);
		SSL_read(c, buf, MESSAGE);
	}
	t0 = now_ns() - t0;
	count_end("tls echo 16KiB: OpenSSL alone (the floor)", messages);
	printf("tls echo 16KiB: OpenSSL alone (the floor)\t%.1f\n",
	    t0 / messages);
	SSL_free(c);
	SSL_free(s);
}

/* The handshakes of bench_handshakes() with OpenSSL alone: the share of a
 * handshake that is OpenSSL's, whichever library drives it. */
static void
bench_handshake_floor(int count)
{
	const char *name = "tls handshake: OpenSSL alone (the floor)";
	SSL *c, *s;
	double t0;
	int i;

	count_begin();
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		open_pair(&c, &s);
		SSL_free(c);
		SSL_free(s);
	}
	t0 = now_ns() - t0;
	count_end(name, count);
	printf("%s\t%.1f\n", name, t0 / count);
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s echo CONNS MESSAGES | handshake N |"
		    " floor MESSAGES | handshake-floor N\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(message, 'x', sizeof(message));
	make_contexts();
	base = event_base_new();
	if (strcmp(argv[1], "echo") == 0 && argc > 3)
		bench_echo(atoi(argv[2]), atoi(argv[3]));
	else if (strcmp(argv[1], "handshake") == 0)
		bench_handshakes(atoi(argv[2]));
	else if (strcmp(argv[1], "floor") == 0)
		bench_floor(atoi(argv[2]));
	else if (strcmp(argv[1], "handshake-floor") == 0)
		bench_handshake_floor(atoi(argv[2]));
	event_base_free(base);
	SSL_CTX_free(server_ctx);
	SSL_CTX_free(client_ctx);
	return 0;
}
