/* test_abi_threads.c -- a threaded program built against libevent 2.1's
 * headers, linked with libevent-2.1.so.7 and libevent_pthreads-2.1.so.7,
 * run on litevent's libraries of those sonames.
 *
 * abi-link: -levent -levent_pthreads
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "litevent_proof.h"

static void
test_runs_on_litevent(void **state)
{
	(void)state;
	assert_int_equal(litevent_proof(), 0);
}

struct wakeup {
	struct event *ev;
	int runs;
};

static void
on_woken(evutil_socket_t fd, short what, void *arg)
{
	struct wakeup *w = arg;

	(void)fd;
	assert_int_equal(what, EV_READ);
	w->runs++;
	event_base_loopbreak(event_get_base(w->ev));
}

static void *
activate_from_another_thread(void *arg)
{
	struct wakeup *w = arg;

	event_active(w->ev, EV_READ, 0);
	return NULL;
}

/* With pthreads locking on, a thread that activates an event wakes a loop
 * that waits for an hour: without the wake-up it would sleep that long. */
static void
test_another_thread_wakes_the_loop(void **state)
{
	struct event_base *base;
	struct wakeup w = { NULL, 0 };
	struct timeval hour = { 3600, 0 };	/* keeps the loop waiting */
	pthread_t thread;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	base = event_base_new();
	assert_non_null(base);
	w.ev = event_new(base, -1, EV_PERSIST, on_woken, &w);
	assert_non_null(w.ev);
	assert_int_equal(event_add(w.ev, &hour), 0);
	assert_int_equal(pthread_create(&thread, NULL, activate_from_another_thread, &w), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(w.runs, 1);
	assert_true(event_base_got_break(base));
	event_free(w.ev);
	event_base_free(base);
	libevent_global_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_litevent),
		cmocka_unit_test(test_another_thread_wakes_the_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
