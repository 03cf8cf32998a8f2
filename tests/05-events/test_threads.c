/* Events and threads: another thread adds, activates and deletes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "events_test.h"
#include "event-internal.h"

static void
wait_for_loop(struct event_base *base)
{
	int running = 0, tries;

	/* Bounded, so that a loop that never starts fails the test instead
	 * of hanging it. */
	for (tries = 0; !running && tries < 3000; tries++) {
		EVBASE_ACQUIRE_LOCK(base);
		running = base->running_loop;
		EVBASE_RELEASE_LOCK(base);
		usleep(1000);
	}
	usleep(20000);
}

struct job {
	struct event_base *base;
	struct event *ev;
	evutil_socket_t fd;
};

static void *
add_timer_later(void *arg)
{
	struct job *j = arg;
	struct timeval zero = { 0, 0 };

	wait_for_loop(j->base);
	event_add(j->ev, &zero);
	return NULL;
}

static void
test_timer_added_by_another_thread_wakes_the_loop(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .break_after = 1 };
	struct job j = { .base = base };
	pthread_t th;

	(void)state;
	j.ev = evtimer_new(base, log_cb, &l);
	l.ev = j.ev;
	pthread_create(&th, NULL, add_timer_later, &j);
	assert_int_equal(event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_int_equal(l.runs, 1);
	event_free(j.ev);
	event_base_free(base);
}

static void *
add_reader_then_write(void *arg)
{
	struct job *j = arg;

	wait_for_loop(j->base);
	event_add(j->ev, NULL);
	write_byte(j->fd);
	return NULL;
}

static void
test_descriptor_added_by_another_thread_is_watched(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .break_after = 1, .drain_fd = 1 };
	evutil_socket_t pair[2];
	struct job j = { .base = base };
	pthread_t th;

	(void)state;
	make_pair(pair);
	j.ev = event_new(base, pair[0], EV_READ, log_cb, &l);
	j.fd = pair[1];
	l.ev = j.ev;
	pthread_create(&th, NULL, add_reader_then_write, &j);
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	pthread_join(th, NULL);
	assert_int_equal(l.runs, 1);
	assert_int_equal(log.what[0], EV_READ);
	event_free(j.ev);
	close_pair(pair);
	event_base_free(base);
}

static void *
activate_later(void *arg)
{
	struct job *j = arg;

	wait_for_loop(j->base);
	event_active(j->ev, EV_WRITE, 1);
	return NULL;
}

static void
test_event_activated_by_another_thread_runs(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .break_after = 1 };
	struct job j = { .base = base };
	pthread_t th;

	(void)state;
	j.ev = evtimer_new(base, log_cb, &l);
	l.ev = j.ev;
	pthread_create(&th, NULL, activate_later, &j);
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	pthread_join(th, NULL);
	assert_int_equal(log.what[0], EV_WRITE);
	event_free(j.ev);
	event_base_free(base);
}

static void *
delete_later(void *arg)
{
	struct job *j = arg;

	wait_for_loop(j->base);
	event_del(j->ev);
	return NULL;
}

static void
test_event_deleted_by_another_thread_stops_the_loop_waiting(void **state)
{
	struct event_base *base = event_base_new();
	struct job j = { .base = base };
	pthread_t th;

	(void)state;
	j.ev = event_new(base, -1, 0, log_cb, NULL);
	struct timeval hour = { 3600, 0 };
	evtimer_add(j.ev, &hour);
	pthread_create(&th, NULL, delete_later, &j);
	/* Once the hour-long timer is deleted nothing is left: the loop ends. */
	assert_int_equal(event_base_dispatch(base), 1);
	pthread_join(th, NULL);
	event_free(j.ev);
	event_base_free(base);
}

/* event_del() from another thread waits for a running callback.  The
 * flags cross threads outside the base's lock, so they are atomic. */
static int in_callback, callback_done, deleted_while_running;

static void
slow_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	__atomic_store_n(&in_callback, 1, __ATOMIC_RELEASE);
	usleep(100000);
	__atomic_store_n(&callback_done, 1, __ATOMIC_RELEASE);
}

static void *
delete_during_callback(void *arg)
{
	struct job *j = arg;

	int tries;

	for (tries = 0; !__atomic_load_n(&in_callback, __ATOMIC_ACQUIRE) &&
	    tries < 3000; tries++)
		usleep(1000);
	event_del(j->ev);
	deleted_while_running = !__atomic_load_n(&callback_done, __ATOMIC_ACQUIRE);
	return NULL;
}

static void
test_event_del_from_another_thread_waits_for_the_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct job j = { .base = base };
	pthread_t th;

	(void)state;
	j.ev = event_new(base, -1, EV_PERSIST, slow_cb, NULL);
	struct timeval zero = { 0, 0 };
	evtimer_add(j.ev, &zero);
	pthread_create(&th, NULL, delete_during_callback, &j);
	event_base_dispatch(base);
	pthread_join(th, NULL);
	assert_int_equal(callback_done, 1);
	assert_int_equal(deleted_while_running, 0);
	event_free(j.ev);
	event_base_free(base);
}

static int
setup(void **state)
{
	(void)state;
	return evthread_use_pthreads();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_added_by_another_thread_wakes_the_loop),
		cmocka_unit_test(test_descriptor_added_by_another_thread_is_watched),
		cmocka_unit_test(test_event_activated_by_another_thread_runs),
		cmocka_unit_test(test_event_deleted_by_another_thread_stops_the_loop_waiting),
		cmocka_unit_test(test_event_del_from_another_thread_waits_for_the_callback),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
