/* Chapter 10 under allocation failure: TLS bufferevents made in socket
 * mode and in filter mode, a handshake, a message each way, a free.
 *
 * Only litevent's allocations are refused (OpenSSL allocates through its
 * own hooks).  A constructor that fails takes nothing: the workload still
 * owns and frees the SSL and the descriptor, and the driver counts both
 * blocks and descriptors.  A connection that was made either carries its
 * message or ends in an event callback, never in a hang: every wait is
 * bounded, and a refusal during it is the only excuse for no message.
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"
#include "../harness/self_signed.h"

static SSL_CTX *sctx, *cctx;

struct end {
	struct bufferevent *bev;
	int got, ended;
};

static void
end_read(struct bufferevent *bev, void *arg)
{
	struct end *e = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	e->got += (int)evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
end_event(struct bufferevent *bev, short what, void *arg)
{
	struct end *e = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		e->ended = 1;
}

/* One end: socket mode, or a filter over a socket bufferevent.  NULL when
 * an allocation was refused, and then the SSL is still ours, and the fd
 * too unless *fd_gone says the socket bufferevent under it took it. */
static struct bufferevent *
make_end(struct event_base *base, evutil_socket_t fd, SSL *ssl,
    enum bufferevent_ssl_state state, int filter, int *fd_gone)
{
	struct bufferevent *under, *bev;
	long m = alloc_mark();

	if (!filter) {
		bev = bufferevent_openssl_socket_new(base, fd, ssl, state,
		    BEV_OPT_CLOSE_ON_FREE);
		ALLOC_OK(m, bev != NULL);
		return bev;
	}
	under = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, under != NULL))
		return NULL;
	m = alloc_mark();
	bev = bufferevent_openssl_filter_new(base, under, ssl, state,
	    BEV_OPT_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, bev != NULL)) {
		/* Untouched by the failed call, and still ours to free. */
		bufferevent_free(under);
		*fd_gone = 1;
	}
	return bev;
}

static void
talk(int filter)
{
	struct end c = { NULL, 0, 0 }, s = { NULL, 0, 0 };
	struct event_base *base;
	evutil_socket_t fds[2];
	SSL *cssl, *sssl;
	int rounds, gone = 0;
	long m = alloc_mark();

	base = event_base_new();
	if (!ALLOC_OK(m, base != NULL))
		return;
	alloc_pause();
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
	cssl = SSL_new(cctx);
	sssl = SSL_new(sctx);
	alloc_resume();
	c.bev = make_end(base, fds[0], cssl, BUFFEREVENT_SSL_CONNECTING, 0,
	    &gone);
	if (c.bev == NULL) {
		SSL_free(cssl);
		close(fds[0]);
	}
	s.bev = make_end(base, fds[1], sssl, BUFFEREVENT_SSL_ACCEPTING, filter,
	    &gone);
	if (s.bev == NULL) {
		SSL_free(sssl);
		if (!gone)
			close(fds[1]);
	}
	if (c.bev && s.bev) {
		bufferevent_setcb(c.bev, end_read, NULL, end_event, &c);
		bufferevent_setcb(s.bev, end_read, NULL, end_event, &s);
		bufferevent_enable(c.bev, EV_READ | EV_WRITE);
		bufferevent_enable(s.bev, EV_READ | EV_WRITE);
		m = alloc_mark();
		if (bufferevent_write(c.bev, "hello", 5) == 0 &&
		    bufferevent_write(s.bev, "world!", 6) == 0) {
			for (rounds = 0; rounds < 200 && !c.ended && !s.ended &&
			    (c.got < 6 || s.got < 5); rounds++)
				event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK),
				usleep(rounds > 20 ? 1000 : 0);
			ALLOC_OK(m, c.got == 6 && s.got == 5);
		}
	}
	if (c.bev)
		bufferevent_free(c.bev);
	if (s.bev)
		bufferevent_free(s.bev);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);
}

static void
socket_mode_talks(void)
{
	talk(0);
}

static void
filter_mode_talks(void)
{
	talk(1);
}

static const struct alloc_workload workloads[] = {
	{ "socket_mode_talks", socket_mode_talks },
	{ "filter_mode_talks", filter_mode_talks },
};

int
main(void)
{
	int r;

	if (self_signed_contexts(&sctx, &cctx) < 0)
		return 1;
	r = ALLOC_RUN_WORKLOADS(workloads);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	return r;
}
