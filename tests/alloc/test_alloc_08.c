/* Chapter 08 under allocation failure: listeners made with threading on
 * (LEV_OPT_THREADSAFE asks for a lock), on a new socket and on the
 * program's own, accepting clients, changing callbacks, disabled and
 * enabled, freed from inside the accept callback.
 *
 * A listener that could not be made leaves no socket open (the driver
 * counts descriptors) and leaves the program's socket as it was; one that
 * was made accepts every client that connects to it.
 */
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

static const struct alloc_workload workloads[] = {
	{ "listeners_accept_and_free", listeners_accept_and_free },
};

int
main(void)
{
	if (evthread_use_pthreads() < 0)
		return 1;
	return ALLOC_RUN_WORKLOADS(workloads);
}
