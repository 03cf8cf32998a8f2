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

/* event_del() from another thread, while the callback of a persistent read
 * event runs on the loop thread: it returns only once that callback has
 * returned, and the callback never runs again.  The descriptor stays
 * readable throughout, so a run after the delete would surely happen.  The
 * test records the order of what happened and counts runs; it never
 * measures a duration. */
enum { CB_START = 1, DEL_CALL, CB_END, DEL_RETURN };

struct del_race {
	struct event_base *base;
	struct event *reader, *ticker;
	pthread_mutex_t lock;
	int order[16], n;
	int runs, ticks;
	int pending_while_deleter_waits;
	volatile int entered;
};

static void
race_note(struct del_race *r, int what)
{
	pthread_mutex_lock(&r->lock);
	if (r->n < 16)
		r->order[r->n++] = what;
	pthread_mutex_unlock(&r->lock);
}

/* Is a thread waiting in event_del() for the running callback? */
static int
deleter_is_waiting(struct event_base *base)
{
	int waiting;

	EVBASE_ACQUIRE_LOCK(base);
	waiting = base->current_event_waiters > 0;
	EVBASE_RELEASE_LOCK(base);
	return waiting;
}

static void
race_reader_cb(evutil_socket_t fd, short what, void *arg)
{
	struct del_race *r = arg;
	int tries;

	(void)fd;
	(void)what;
	r->runs++;
	if (r->runs > 1)
		return;
	race_note(r, CB_START);
	__atomic_store_n(&r->entered, 1, __ATOMIC_RELEASE);	/* read by the deleter */
	/* Return only once the deleter waits for us (bounded, so that a
	 * deleter that never comes fails the test instead of hanging it). */
	for (tries = 0; !deleter_is_waiting(r->base) && tries < 5000; tries++)
		usleep(1000);
	/* A waiting event_del() has already taken the event off its lists,
	 * which is what keeps the loop from running it again. */
	r->pending_while_deleter_waits = event_pending(r->reader, EV_READ, NULL);
	race_note(r, CB_END);
}

/* A few more rounds of the loop after the delete, then stop. */
static void
race_ticker_cb(evutil_socket_t fd, short what, void *arg)
{
	struct del_race *r = arg;

	(void)fd;
	(void)what;
	if (++r->ticks < 3)
		event_active(r->ticker, EV_TIMEOUT, 1);
	else
		event_base_loopbreak(r->base);
}

static void *
race_deleter(void *arg)
{
	struct del_race *r = arg;
	int tries;

	for (tries = 0; !__atomic_load_n(&r->entered, __ATOMIC_ACQUIRE) &&
	    tries < 5000; tries++)
		usleep(1000);
	race_note(r, DEL_CALL);
	event_del(r->reader);
	race_note(r, DEL_RETURN);
	event_active(r->ticker, EV_TIMEOUT, 1);
	return NULL;
}

static void
test_event_del_from_another_thread_returns_after_the_last_run(void **state)
{
	struct del_race r = { .n = 0 };
	evutil_socket_t pair[2];
	pthread_t th;

	(void)state;
	pthread_mutex_init(&r.lock, NULL);
	r.base = event_base_new();
	make_pair(pair);
	write_byte(pair[1]);		/* never read: stays readable */
	r.reader = event_new(r.base, pair[0], EV_READ | EV_PERSIST,
	    race_reader_cb, &r);
	r.ticker = evtimer_new(r.base, race_ticker_cb, &r);
	event_add(r.reader, NULL);
	pthread_create(&th, NULL, race_deleter, &r);
	assert_int_equal(event_base_loop(r.base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.order[0], CB_START);
	assert_int_equal(r.order[1], DEL_CALL);
	assert_int_equal(r.order[2], CB_END);
	assert_int_equal(r.order[3], DEL_RETURN);
	assert_int_equal(r.pending_while_deleter_waits, 0);
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.ticks, 3);
	assert_int_equal(event_pending(r.reader, EV_READ, NULL), 0);
	event_free(r.reader);
	event_free(r.ticker);
	close_pair(pair);
	event_base_free(r.base);
	pthread_mutex_destroy(&r.lock);
}

/* The same event_del() from inside the callback itself must not wait: it
 * would wait for itself.  A hang here fails the test by its time limit. */
static void
delete_self_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = arg;

	(void)fd;
	(void)what;
	assert_int_equal(event_del(self), 0);
	assert_int_equal(event_del_block(self), 0);
}

static void
test_event_del_from_its_own_callback_does_not_wait(void **state)
{
	struct event_base *base = event_base_new();
	evutil_socket_t pair[2];
	struct event *ev;

	(void)state;
	make_pair(pair);
	write_byte(pair[1]);
	ev = event_new(base, pair[0], EV_READ | EV_PERSIST, delete_self_cb,
	    event_self_cbarg());
	event_add(ev, NULL);
	/* Once it deleted itself nothing is left: the loop ends. */
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(event_pending(ev, EV_READ, NULL), 0);
	event_free(ev);
	close_pair(pair);
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
		cmocka_unit_test(test_event_del_from_another_thread_returns_after_the_last_run),
		cmocka_unit_test(test_event_del_from_its_own_callback_does_not_wait),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
