/* Chapter 08 under allocation failure: listeners made with threading on
 * (LEV_OPT_THREADSAFE asks for a lock), on a new socket and on the
 * program's own, accepting clients, changing callbacks, disabled and
 * enabled, freed from inside the accept callback.
 *
 * A listener that could not be made leaves no socket open (the driver
 * counts descriptors) and leaves the program's socket as it was; one that
 * was made accepts every client that connects to it.  A second workload
 * hands each accepted socket to an echoing bufferevent, as servers do.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

#define CLIENTS 3

struct tally {
	int accepted;
	int free_at;			/* free the listener at this count */
	struct evconnlistener *lev;
};

static void
take(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *addr,
    int len, void *arg)
{
	struct tally *t = arg;

	(void)addr;
	(void)len;
	evutil_closesocket(fd);
	if (++t->accepted == t->free_at) {
		evconnlistener_free(lev);
		t->lev = NULL;
	}
}

static void
loopback(struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* Connect CLIENTS clients to lev's address and turn the loop until the
 * tally reaches want (bounded: a listener that stopped accepting fails). */
static void
serve_clients(struct event_base *base, struct tally *t, evutil_socket_t fd,
    int want)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	evutil_socket_t c[CLIENTS];
	int i, rounds = 0;

	alloc_pause();
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	for (i = 0; i < CLIENTS; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c[i], (struct sockaddr *)&sin, len), 0);
	}
	alloc_resume();
	while (t->accepted < want) {
		assert_true(++rounds < 1000);
		assert_true(event_base_loop(base, EVLOOP_ONCE) >= 0);
	}
	for (i = 0; i < CLIENTS; i++)
		close(c[i]);
}

static void
listeners_accept_and_free(void)
{
	struct tally t = { 0, 0, NULL };
	struct sockaddr_in sin;
	struct event_base *base;
	evutil_socket_t own;
	int before;
	long m = alloc_mark();

	base = event_base_new();
	if (!ALLOC_OK(m, base != NULL))
		return;

	/* On a new socket: accept, clear and set the callback, disable and
	 * enable, then free from inside the callback. */
	loopback(&sin);
	m = alloc_mark();
	t.lev = evconnlistener_new_bind(base, take, &t,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_THREADSAFE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (ALLOC_OK(m, t.lev != NULL)) {
		serve_clients(base, &t, evconnlistener_get_fd(t.lev), CLIENTS);
		evconnlistener_set_cb(t.lev, NULL, NULL);
		evconnlistener_set_cb(t.lev, take, &t);
		assert_int_equal(evconnlistener_disable(t.lev), 0);
		m = alloc_mark();
		if (ALLOC_OK(m, evconnlistener_enable(t.lev) == 0)) {
			t.free_at = t.accepted + 1;
			serve_clients(base, &t, evconnlistener_get_fd(t.lev),
			    t.free_at);
			assert_null(t.lev);
		}
		if (t.lev)
			evconnlistener_free(t.lev);
	} else {
		assert_int_equal(errno, ENOMEM);
	}

	/* On the program's socket: a failure leaves it open and blocking. */
	alloc_pause();
	own = socket(AF_INET, SOCK_STREAM, 0);
	loopback(&sin);
	assert_int_equal(bind(own, (struct sockaddr *)&sin, sizeof(sin)), 0);
	alloc_resume();
	before = fcntl(own, F_GETFL);
	t.accepted = 0;
	t.free_at = 0;
	m = alloc_mark();
	t.lev = evconnlistener_new(base, take, &t, LEV_OPT_THREADSAFE, -1, own);
	if (ALLOC_OK(m, t.lev != NULL)) {
		serve_clients(base, &t, own, CLIENTS);
		evconnlistener_free(t.lev);
	} else {
		assert_int_equal(fcntl(own, F_GETFL), before);
	}
	close(own);
	event_base_free(base);
}

/* The server a program builds from a listener: every accepted socket goes
 * to a bufferevent that echoes what it reads.  Whatever part of that is
 * refused (the bufferevent, enabling it, the bytes it reads or writes), the
 * connection is closed rather than left hanging: the client sees its echo
 * or an end, never silence. */
struct echo_server {
	struct event_base *base;
	int accepted, dropped;
};

static void
echo_back(struct bufferevent *bev, void *arg)
{
	struct echo_server *s = arg;
	long m = alloc_mark();

	if (!ALLOC_OK(m, bufferevent_write_buffer(bev,
	    bufferevent_get_input(bev)) == 0)) {
		s->dropped++;
		bufferevent_free(bev);
	}
}

static void
echo_ended(struct bufferevent *bev, short what, void *arg)
{
	struct echo_server *s = arg;

	(void)what;
	s->dropped++;
	bufferevent_free(bev);
}

static void
hand_to_bufferevent(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	struct echo_server *s = arg;
	struct bufferevent *bev;
	long m = alloc_mark();

	(void)lev;
	(void)addr;
	(void)len;
	s->accepted++;
	bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, bev != NULL)) {
		evutil_closesocket(fd);	/* a failed call takes nothing */
		s->dropped++;
		return;
	}
	bufferevent_setcb(bev, echo_back, NULL, echo_ended, s);
	m = alloc_mark();
	if (!ALLOC_OK(m, bufferevent_enable(bev, EV_READ | EV_WRITE) == 0)) {
		bufferevent_free(bev);
		s->dropped++;
	}
}

/* One client: send a line, then turn the loop until the echo or an end
 * comes back (bounded: silence fails the test). */
static void
client_round_trip(struct echo_server *s, const struct sockaddr_in *sin)
{
	char got[16];
	ssize_t n = 0, r;
	evutil_socket_t c;
	int rounds = 0;

	alloc_pause();
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(c >= 0);
	assert_true(connect(c, (const struct sockaddr *)sin, sizeof(*sin)) == 0 ||
	    errno == EINPROGRESS);
	alloc_resume();
	for (;;) {
		r = send(c, "echo me\n", 8, MSG_NOSIGNAL);
		if (r == 8 || (r < 0 && errno != EAGAIN))
			break;
		assert_true(event_base_loop(s->base, EVLOOP_NONBLOCK) >= 0);
	}
	while (n < 8) {
		assert_true(++rounds < 5000);
		assert_true(event_base_loop(s->base, EVLOOP_NONBLOCK) >= 0);
		r = recv(c, got + n, sizeof(got) - (size_t)n, 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;		/* the server dropped us: allowed */
		if (r > 0)
			n += r;
		else
			usleep(1000);
	}
	if (n == 8)
		assert_memory_equal(got, "echo me\n", 8);
	else
		assert_true(alloc_injecting());
	close(c);
}

static void
listener_hands_sockets_to_bufferevents(void)
{
	struct echo_server s = { NULL, 0, 0 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct evconnlistener *lev;
	int i;
	long m = alloc_mark();

	s.base = event_base_new();
	if (!ALLOC_OK(m, s.base != NULL))
		return;
	loopback(&sin);
	m = alloc_mark();
	lev = evconnlistener_new_bind(s.base, hand_to_bufferevent, &s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (ALLOC_OK(m, lev != NULL)) {
		assert_int_equal(getsockname(evconnlistener_get_fd(lev),
		    (struct sockaddr *)&sin, &len), 0);
		for (i = 0; i < CLIENTS; i++)
			client_round_trip(&s, &sin);
		assert_int_equal(s.accepted, CLIENTS);
		evconnlistener_free(lev);
	}
	/* Echo connections the client closed are freed by their EOF; a
	 * last loop pass lets each hear it. */
	while (s.dropped < s.accepted)
		assert_true(event_base_loop(s.base, EVLOOP_ONCE) >= 0);
	event_base_free(s.base);
}

static const struct alloc_workload workloads[] = {
	{ "listeners_accept_and_free", listeners_accept_and_free },
	{ "listener_hands_sockets_to_bufferevents",
	    listener_hands_sockets_to_bufferevents },
};

int
main(void)
{
	if (evthread_use_pthreads() < 0)
		return 1;
	return ALLOC_RUN_WORKLOADS(workloads);
}
