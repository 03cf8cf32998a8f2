/* Fuzz target: a TLS bufferevent facing a peer that sends arbitrary bytes.
 *
 * The first input byte picks the victim, the rest is what the peer sends
 * before it closes its socket:
 *   0  a server bufferevent in the middle of its first handshake;
 *   1  a client bufferevent, after its ClientHello went out;
 *   2  a server bufferevent after a real handshake, dirty shutdowns allowed:
 *      the bytes land where records are expected.
 * The model: no forged bytes ever complete a handshake or decrypt into
 * plaintext (nobody but the real peer has the keys), and the stream ends in
 * exactly one event: BEV_EVENT_ERROR during a handshake (a handshake cut
 * short never was a connection), EOF or ERROR after one.  The run never
 * crashes, never hangs (each wait is bounded by a timer) and leaks nothing.
 */
/* fuzz-chapter: 10 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "fuzz.h"
#include "../harness/self_signed.h"

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

static SSL_CTX *server_ctx, *client_ctx;

struct seen {
	int connected, eof, error, timeout;
	size_t plaintext;
};

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct seen *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	s->plaintext += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct seen *s = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		s->connected++;
	if (what & BEV_EVENT_EOF)
		s->eof++;
	if (what & BEV_EVENT_ERROR)
		s->error++;
	if (what & BEV_EVENT_TIMEOUT)
		s->timeout++;
}

static void
time_is_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Run until the victim has ended, or give up (a hang: the model fails). */
static void
run_until_ended(struct event_base *base, struct seen *s)
{
	int expired = 0;
	struct event *t = evtimer_new(base, time_is_up, &expired);
	struct timeval tv = { 5, 0 };

	evtimer_add(t, &tv);
	while (!s->eof && !s->error && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
	CHECK(!expired);
}

/* Client and server in this process, until both have connected. */
static int
real_handshake(struct event_base *base, struct seen *s,
    evutil_socket_t client_fd, SSL *client)
{
	int r, i;

	SSL_set_fd(client, client_fd);
	SSL_set_connect_state(client);
	for (i = 0; i < 1000 && !s->connected; i++) {
		r = SSL_do_handshake(client);
		if (r != 1 && SSL_get_error(client, r) != SSL_ERROR_WANT_READ)
			return -1;
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	return s->connected ? 0 : -1;
}

static void
write_all(evutil_socket_t fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0 && (w = write(fd, p, n)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned victim = take(&in) % 3;
	struct seen s;
	struct event_base *base = event_base_new();
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	SSL *peer = NULL;
	char hello[4096];

	if (in.n > 65536)
		in.n = 65536;
	memset(&s, 0, sizeof(s));
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	evutil_make_socket_nonblocking(fds[1]);
	bev = bufferevent_openssl_socket_new(base, fds[1],
	    SSL_new(victim == 1 ? client_ctx : server_ctx),
	    victim == 1 ? BUFFEREVENT_SSL_CONNECTING : BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	CHECK(bev != NULL);
	bufferevent_setcb(bev, on_read, NULL, on_event, &s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (victim == 1) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		CHECK(read(fds[0], hello, sizeof(hello)) > 0);
	} else if (victim == 2) {
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
		evutil_make_socket_nonblocking(fds[0]);
		peer = SSL_new(client_ctx);
		CHECK(real_handshake(base, &s, fds[0], peer) == 0);
	}
	evutil_make_socket_nonblocking(fds[0]);
	write_all(fds[0], in.p, in.n);
	shutdown(fds[0], SHUT_WR);
	run_until_ended(base, &s);

	CHECK(s.plaintext == 0);
	CHECK(s.eof + s.error == 1);
	CHECK(s.timeout == 0);
	if (victim == 2) {
		CHECK(s.connected == 1);
	} else {
		CHECK(s.connected == 0);
		CHECK(s.error == 1);
	}
	bufferevent_free(bev);
	SSL_free(peer);
	close(fds[0]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);
	ERR_clear_error();
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	event_set_log_callback(fuzz_quiet_log);
	CHECK(self_signed_contexts(&server_ctx, &client_ctx) == 0);
	/* No session tickets: after the handshake the socket is quiet. */
	SSL_CTX_set_num_tickets(server_ctx, 0);
	return 0;
}
