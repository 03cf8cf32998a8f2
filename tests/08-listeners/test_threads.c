/* LEV_OPT_THREADSAFE: a second thread disables, enables and frees a
 * listener while the loop runs it in the first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include "listener_test.h"

struct shared {
	struct event_base *base;
	struct evconnlistener *lev;
	struct sockaddr_storage addr;
	socklen_t len;
	int accepted;			/* atomic */
	int inside;			/* atomic: the callback has started */
	int returned;			/* atomic: the callback has returned */
	int hold_ms;			/* the callback sleeps this long */
	int verdict;			/* the second thread's: 0 is good */
	evutil_socket_t ping[2];	/* a round trip through the loop */
	struct event *pong_event;
	evutil_socket_t listening;	/* closed by finish() */
};

static int
load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void
store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void
count_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	struct shared *s = arg;

	(void)lev;
	(void)addr;
	(void)len;
	store(&s->inside, 1);
	if (s->hold_ms)
		usleep((useconds_t)s->hold_ms * 1000);
	evutil_closesocket(fd);
	__atomic_add_fetch(&s->accepted, 1, __ATOMIC_SEQ_CST);
	store(&s->returned, 1);
}

/* The loop answers every byte on ping[0] with a byte back. */
static void
pong(evutil_socket_t fd, short what, void *arg)
{
	char byte;

	(void)what;
	(void)arg;
	if (recv(fd, &byte, 1, 0) == 1)
		(void)send(fd, &byte, 1, 0);
}

/* After a round trip the loop has run at least one whole turn since now. */
static void
round_trip(struct shared *s)
{
	char byte = 'p';

	if (send(s->ping[1], &byte, 1, 0) != 1 || recv(s->ping[1], &byte, 1, 0) != 1)
		s->verdict = 100;
}

/* Bounded: a loop that never gets there fails the test, not hangs it. */
static int
wait_for(int *p, int value)
{
	int tries;

	for (tries = 0; tries < 10000 && load(p) < value; tries++)
		usleep(1000);
	return load(p) >= value;
}

/* The second thread's client: cmocka's asserts belong to the main thread,
 * so a failure here only sets the verdict. */
static evutil_socket_t
client(struct shared *s)
{
	evutil_socket_t fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&s->addr, s->len) < 0)
		s->verdict = 101;
	return fd;
}

static void
start(struct shared *s, unsigned flags)
{
	struct sockaddr_in sin;

	memset(s, 0, sizeof(*s));
	s->base = event_base_new();
	assert_non_null(s->base);
	loopback4(&sin);
	s->lev = evconnlistener_new_bind(s->base, count_cb, s,
	    LEV_OPT_THREADSAFE | flags, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(s->lev);
	s->listening = evconnlistener_get_fd(s->lev);
	s->len = bound_address(s->listening, &s->addr);
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, s->ping), 0);
	s->pong_event = event_new(s->base, s->ping[0], EV_READ | EV_PERSIST,
	    pong, NULL);
	event_add(s->pong_event, NULL);
}

static void
run_with(struct shared *s, void *(*second)(void *))
{
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, second, s), 0);
	assert_int_equal(event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_int_equal(s->verdict, 0);
}

static void
finish(struct shared *s)
{
	event_free(s->pong_event);
	evutil_closesocket(s->listening);
	evutil_closesocket(s->ping[0]);
	evutil_closesocket(s->ping[1]);
	event_base_free(s->base);
}

/* Disable: a client that connects is not accepted, even after the loop
 * has turned; enable: it is.  Then many toggles while clients keep
 * connecting, and every client is accepted in the end; then free, after
 * which a client is accepted no more.  (The socket is closed by the main
 * thread at the end, not by the free: a descriptor closed while another
 * thread's select() is about to wait on it makes select() fail with
 * EBADF.) */
static void *
toggle_from_outside(void *arg)
{
	struct shared *s = arg;
	evutil_socket_t c[51];
	int i;

	round_trip(s);
	evconnlistener_disable(s->lev);
	c[0] = client(s);
	round_trip(s);
	round_trip(s);
	if (load(&s->accepted) != 0)
		s->verdict = 1;
	evconnlistener_enable(s->lev);
	if (!wait_for(&s->accepted, 1))
		s->verdict = 2;
	for (i = 1; i < 50; i++) {
		if (i % 2)
			evconnlistener_disable(s->lev);
		c[i] = client(s);
		evconnlistener_enable(s->lev);
	}
	if (!wait_for(&s->accepted, 50))
		s->verdict = 3;
	evconnlistener_free(s->lev);
	c[50] = client(s);
	round_trip(s);
	round_trip(s);
	if (load(&s->accepted) != 50)
		s->verdict = 4;
	for (i = 0; i < 51; i++)
		close(c[i]);
	event_base_loopbreak(s->base);
	return NULL;
}

static void
test_another_thread_disables_enables_and_frees(void **state)
{
	struct shared s;

	(void)state;
	start(&s, 0);
	run_with(&s, toggle_from_outside);
	assert_int_equal(s.accepted, 50);
	finish(&s);
}

/* Free while the accept callback runs in the loop's thread: free waits
 * for it to return, so the program may release what the callback uses. */
static void *
free_during_the_callback(void *arg)
{
	struct shared *s = arg;
	evutil_socket_t c = client(s);

	if (!wait_for(&s->inside, 1))
		s->verdict = 1;
	evconnlistener_free(s->lev);
	if (load(&s->returned) != 1)
		s->verdict = 2;		/* free returned with the callback running */
	close(c);
	event_base_loopbreak(s->base);
	return NULL;
}

static void
test_free_from_another_thread_waits_for_a_running_callback(void **state)
{
	struct shared s;

	(void)state;
	start(&s, 0);
	s.hold_ms = 100;
	run_with(&s, free_during_the_callback);
	assert_int_equal(s.accepted, 1);
	finish(&s);
}

/* A listener made disabled, enabled from outside. */
static void *
enable_from_outside(void *arg)
{
	struct shared *s = arg;
	evutil_socket_t c = client(s);

	round_trip(s);
	if (load(&s->accepted) != 0)
		s->verdict = 1;
	evconnlistener_enable(s->lev);
	if (!wait_for(&s->accepted, 1))
		s->verdict = 2;
	evconnlistener_free(s->lev);
	close(c);
	event_base_loopbreak(s->base);
	return NULL;
}

static void
test_a_disabled_listener_enabled_from_another_thread(void **state)
{
	struct shared s;

	(void)state;
	start(&s, LEV_OPT_DISABLED);
	run_with(&s, enable_from_outside);
	finish(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_another_thread_disables_enables_and_frees),
		cmocka_unit_test(test_free_from_another_thread_waits_for_a_running_callback),
		cmocka_unit_test(test_a_disabled_listener_enabled_from_another_thread),
	};

	if (evthread_use_pthreads() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
