/* Timers: the heap, common timeouts, persistence, rescheduling, pending
 * times, one-shot callbacks and finalizers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include "events_test.h"

static struct timeval
msec(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	return tv;
}

/* Add timers from inside a callback, where the loop's cached "now" makes
 * every deadline relative to one instant, however slow the adding is. */
struct adder {
	void (*add)(void *);
	void *arg;
};

static void
add_from_loop(evutil_socket_t fd, short what, void *arg)
{
	struct adder *a = arg;

	(void)fd;
	(void)what;
	a->add(a->arg);
}

static void
run_with_timers_added_in_loop(struct event_base *base, void (*add)(void *),
    void *arg)
{
	struct adder a = { add, arg };

	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, add_from_loop,
	    &a, NULL), 0);
	event_base_dispatch(base);
}

struct timer_set {
	struct event **ev;
	const struct timeval **tv;
	int n;
	int del_every;		/* delete every n-th right after adding, or 0 */
};

static void
add_timer_set(void *arg)
{
	struct timer_set *t = arg;
	int i;

	for (i = 0; i < t->n; i++) {
		assert_int_equal(evtimer_add(t->ev[i], t->tv[i]), 0);
		if (t->del_every && i % t->del_every == 0)
			evtimer_del(t->ev[i]);
	}
}

static void
test_timers_fire_in_deadline_order(void **state)
{
	struct event_base *base = event_base_new();
	static const int delays[] = { 50, 10, 40, 20, 30, 0 };
	struct runlog log = { .n = 0 };
	struct logged l[6];
	struct event *ev[6];
	struct timeval tv[6];
	const struct timeval *tvp[6];
	struct timer_set set = { ev, tvp, 6, 0 };
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		tv[i] = msec(delays[i]);
		tvp[i] = &tv[i];
		l[i] = (struct logged){ .log = &log, .id = delays[i] };
		ev[i] = evtimer_new(base, log_cb, &l[i]);
	}
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(log.id[i], i * 10);
		assert_int_equal(log.what[i], EV_TIMEOUT);
	}
	for (i = 0; i < 6; i++)
		event_free(ev[i]);
	event_base_free(base);
}

static void
test_many_random_timers_fire_sorted(void **state)
{
	struct event_base *base = event_base_new();
	enum { N = 200 };
	struct runlog log = { .n = 0 };
	static struct logged l[N];
	static struct timeval tv[N];
	static const struct timeval *tvp[N];
	struct event *ev[N];
	/* Some are removed again, from the middle of the heap. */
	struct timer_set set = { ev, tvp, N, 5 };
	int i;

	(void)state;
	srand(7);
	for (i = 0; i < N; i++) {
		int d = rand() % 40;
		tv[i] = msec(d);
		tvp[i] = &tv[i];
		l[i] = (struct logged){ .log = &log, .id = d };
		ev[i] = evtimer_new(base, log_cb, &l[i]);
	}
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, N - N / 5);
	for (i = 1; i < log.n && i < LOG_MAX; i++)
		assert_true(log.id[i - 1] <= log.id[i]);
	for (i = 0; i < N; i++)
		event_free(ev[i]);
	event_base_free(base);
}

/* The heap keeps each deadline as a 64-bit count of microseconds; a
 * deadline beyond that range is pinned to the end of it, not wrapped around
 * to a count that would put it first and hold every real timer back. */
static void
test_absurdly_far_timers_stay_behind_near_ones(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l[3];
	struct event *ev[3];
	struct timeval tv[3] = { { 0, 10000 }, { 10000000000000L, 0 },
		{ LONG_MAX / 4, 999999 } };
	struct timeval safety = msec(500);
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		l[i] = (struct logged){ .log = &log, .id = i };
		ev[i] = evtimer_new(base, log_cb, &l[i]);
	}
	for (i = 2; i >= 0; i--)
		assert_int_equal(evtimer_add(ev[i], &tv[i]), 0);
	event_base_loopexit(base, &safety);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.id[0], 0);
	assert_true(evtimer_pending(ev[1], NULL));
	assert_true(evtimer_pending(ev[2], NULL));
	for (i = 0; i < 3; i++)
		event_free(ev[i]);
	event_base_free(base);
}

static void
test_readding_a_timer_reschedules_it(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = 1 }, b = { .log = &log, .id = 2 };
	struct event *ea = evtimer_new(base, log_cb, &a);
	struct event *eb = evtimer_new(base, log_cb, &b);
	struct timeval long_tv = msec(200), short_tv = msec(1), mid = msec(50);
	struct event *evs[3] = { ea, eb, ea };
	const struct timeval *first[3] = { &long_tv, &mid, &short_tv };
	const struct timeval *second[3] = { &short_tv, &mid, &long_tv };
	struct timer_set set = { evs, first, 3, 0 };

	(void)state;
	/* Re-added earlier than b. */
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.id[0], 1);
	assert_int_equal(log.id[1], 2);
	/* The other way: pushed later than b. */
	set.tv = second;
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[2], 2);
	assert_int_equal(log.id[3], 1);
	event_free(ea);
	event_free(eb);
	event_base_free(base);
}

static void
test_readding_a_due_timer_cancels_the_queued_run(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = 1 }, b = { .log = &log, .id = 2 };
	struct event *ea = evtimer_new(base, log_cb, &a);
	struct event *eb = evtimer_new(base, log_cb, &b);
	struct timeval zero = msec(0), later = msec(1000);

	(void)state;
	evtimer_add(ea, &zero);
	evtimer_add(eb, &zero);
	event_base_loop(base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
	/* Both ran; now make both due again, then push one back before the
	 * loop runs them: only the other runs at once.  "Later" is a whole
	 * second so that a slow pass (valgrind on a loaded machine) cannot
	 * reach it before the non-blocking pass below. */
	assert_int_equal(log.n, 2);
	event_active(ea, EV_TIMEOUT, 1);
	evtimer_add(ea, &later);
	event_active(eb, EV_TIMEOUT, 1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.id[2], 2);
	event_base_dispatch(base);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[3], 1);
	event_free(ea);
	event_free(eb);
	event_base_free(base);
}

static void
test_persistent_timer_fires_until_deleted(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .del_after = 5 };
	struct event *ev = event_new(base, -1, EV_PERSIST, log_cb, &l);
	struct timeval tv = msec(2);

	(void)state;
	l.ev = ev;
	event_add(ev, &tv);
	event_base_dispatch(base);
	assert_int_equal(l.runs, 5);
	assert_int_equal(event_pending(ev, EV_TIMEOUT, NULL), 0);
	event_free(ev);
	event_base_free(base);
}

static void
test_persistent_timeout_restarts_after_each_read(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .drain_fd = 1 };
	struct timeval hour = { 3600, 0 }, before, after, left;
	evutil_socket_t pair[2];
	struct event *ev;
	int i;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, &l);
	event_add(ev, &hour);
	event_pending(ev, EV_TIMEOUT, &before);
	/* 20 ms of sleep before each read: the three restarts move the
	 * deadline by at least 60 ms.  Without them it would not move, give or
	 * take the few milliseconds by which the coarse monotonic clock and
	 * the wall clock disagree from one reading to the next -- which is why
	 * the test asks for a clear gap rather than for "later". */
	for (i = 0; i < 3; i++) {
		usleep(20 * 1000);
		write_byte(pair[1]);
		event_base_loop(base, EVLOOP_ONCE);
	}
	assert_int_equal(l.runs, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(log.what[i], EV_READ);
	assert_int_equal(event_pending(ev, EV_TIMEOUT | EV_READ, &after),
	    EV_TIMEOUT | EV_READ);
	/* Restarted from the last read, not from the first event_add(). */
	evutil_timersub(&after, &before, &left);
	assert_true(left.tv_sec > 0 || left.tv_usec >= 30 * 1000);
	assert_true(left.tv_sec < 3600);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_persistent_io_event_gets_timeouts_while_idle(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .drain_fd = 1, .del_after = 4 };
	struct timeval tv = msec(2);
	evutil_socket_t pair[2];
	struct event *ev;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, &l);
	l.ev = ev;
	event_add(ev, &tv);
	event_base_dispatch(base);
	assert_int_equal(l.runs, 4);
	assert_int_equal(log.what[0], EV_TIMEOUT);
	assert_int_equal(log.what[3], EV_TIMEOUT);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_pending_reports_when_each_timeout_falls_due(void **state)
{
	struct event_base *base = event_base_new();
	struct event *a = evtimer_new(base, log_cb, NULL);
	struct event *b = evtimer_new(base, log_cb, NULL);
	struct timeval ten = { 10, 0 }, twenty = { 20, 0 }, now, ta, tb, d;

	(void)state;
	evutil_gettimeofday(&now, NULL);
	evtimer_add(a, &ten);
	evtimer_add(b, &twenty);
	assert_int_equal(evtimer_pending(a, &ta), EV_TIMEOUT);
	assert_int_equal(evtimer_pending(b, &tb), EV_TIMEOUT);
	assert_true(evutil_timercmp(&ta, &now, >));
	assert_true(evutil_timercmp(&tb, &ta, >));
	evutil_timersub(&tb, &ta, &d);
	assert_true(d.tv_sec >= 9 && d.tv_sec <= 10);
	assert_int_equal(event_pending(a, EV_READ, &ta), 0);
	event_free(a);
	event_free(b);
	event_base_free(base);
}

static void
test_remove_timer_keeps_the_io_part(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct runlog log2 = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct logged other = { .log = &log2, .id = 2 };
	struct timeval ms = msec(1);
	evutil_socket_t pair[2];
	struct event *ev, *t;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ, log_cb, &l);
	event_add(ev, &ms);
	assert_int_equal(event_remove_timer(ev), 0);
	assert_int_equal(event_pending(ev, EV_READ | EV_TIMEOUT, NULL), EV_READ);
	t = evtimer_new(base, log_cb, &other);
	evtimer_add(t, &ms);
	event_base_loop(base, EVLOOP_ONCE);	/* the unrelated timer */
	assert_int_equal(log.n, 0);
	write_byte(pair[1]);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.what[0], EV_READ);
	event_free(ev);
	event_free(t);
	close_pair(pair);
	event_base_free(base);
}

static void
test_common_timeouts_mixed_with_heap_timers_fire_in_order(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval d10 = msec(10), d30 = msec(30);
	const struct timeval *c10, *c30;
	struct runlog log = { .n = 0 };
	struct logged l[8];
	struct event *ev[8];
	struct timeval tv[8];
	const struct timeval *tvp[8];
	struct timer_set set = { ev, tvp, 8, 0 };
	/* delay in ms, and whether it goes through a common timeout */
	static const int delay[8] = { 30, 10, 20, 30, 10, 40, 5, 30 };
	static const int common[8] = { 1, 1, 0, 1, 1, 0, 0, 0 };
	int i;

	(void)state;
	c10 = event_base_init_common_timeout(base, &d10);
	c30 = event_base_init_common_timeout(base, &d30);
	assert_non_null(c10);
	assert_non_null(c30);
	assert_ptr_equal(event_base_init_common_timeout(base, &d10), c10);
	assert_ptr_equal(event_base_init_common_timeout(base, c30), c30);
	assert_int_not_equal(c10->tv_usec, d10.tv_usec);
	for (i = 0; i < 8; i++) {
		tv[i] = msec(delay[i]);
		tvp[i] = common[i] ? (delay[i] == 10 ? c10 : c30) : &tv[i];
		l[i] = (struct logged){ .log = &log, .id = delay[i] };
		ev[i] = evtimer_new(base, log_cb, &l[i]);
	}
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, 8);
	for (i = 1; i < log.n; i++)
		assert_true(log.id[i - 1] <= log.id[i]);
	/* Again, deleting numbers 0, 3 and 6 as they are added: the head and
	 * the second of the 30 ms queue, and a heap timer. */
	log.n = 0;
	set.del_every = 3;
	run_with_timers_added_in_loop(base, add_timer_set, &set);
	assert_int_equal(log.n, 5);
	for (i = 1; i < log.n; i++)
		assert_true(log.id[i - 1] <= log.id[i]);
	for (i = 0; i < 8; i++)
		event_free(ev[i]);
	event_base_free(base);
}

static void
test_persistent_common_timeout_keeps_firing(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval d = msec(2);
	const struct timeval *c = event_base_init_common_timeout(base, &d);
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = 1, .del_after = 4 };
	struct logged b = { .log = &log, .id = 2, .del_after = 4 };
	struct event *ea = event_new(base, -1, EV_PERSIST, log_cb, &a);
	struct event *eb = event_new(base, -1, EV_PERSIST, log_cb, &b);

	(void)state;
	a.ev = ea;
	b.ev = eb;
	event_add(ea, c);
	event_add(eb, c);
	assert_int_equal(event_pending(ea, EV_TIMEOUT, NULL), EV_TIMEOUT);
	event_base_dispatch(base);
	assert_int_equal(a.runs, 4);
	assert_int_equal(b.runs, 4);
	event_free(ea);
	event_free(eb);
	event_base_free(base);
}

static void
test_common_timeouts_are_limited_and_checked(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval d = { 1, 0 }, odd = { 0, 2500000 };
	const struct timeval *c;
	int i;

	(void)state;
	c = event_base_init_common_timeout(base, &odd);	/* 2.5 s, normalized */
	assert_non_null(c);
	assert_int_equal(c->tv_sec, 2);
	for (i = 0; i < 255; i++) {
		d.tv_usec = i;
		assert_non_null(event_base_init_common_timeout(base, &d));
	}
	d.tv_usec = 999;
	assert_null(event_base_init_common_timeout(base, &d));
	assert_null(event_base_init_common_timeout(NULL, &d));
	event_base_free(base);
}

/* The marked timeval is visible to programs, so it is libevent 2.1's: the
 * marker 0x50000000 in the top bits, the queue's index in 0x0ff00000, the
 * microseconds in 0x000fffff (values read off the system's libevent). */
static void
test_common_timeout_encoding_is_libevents(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval one = { 1, 0 }, odd = { 2, 250000 }, most = { 0, 999999 };
	const struct timeval *a, *b, *c;

	(void)state;
	a = event_base_init_common_timeout(base, &one);
	b = event_base_init_common_timeout(base, &odd);
	c = event_base_init_common_timeout(base, &most);
	assert_int_equal(a->tv_sec, 1);
	assert_int_equal(a->tv_usec, 0x50000000);
	assert_int_equal(b->tv_sec, 2);
	assert_int_equal(b->tv_usec, 0x5013d090);	/* index 1, 250000 us */
	assert_int_equal(c->tv_sec, 0);
	assert_int_equal(c->tv_usec, 0x502f423f);	/* index 2, 999999 us */
	assert_int_equal(c->tv_usec & 0xf0000000, 0x50000000);
	assert_int_equal((c->tv_usec & 0x0ff00000) >> 20, 2);
	assert_int_equal(c->tv_usec & 0x000fffff, 999999);
	/* The marked value given back names the same queue. */
	assert_ptr_equal(event_base_init_common_timeout(base, b), b);
	event_base_free(base);
}

/* event_base_active_by_fd(base, fd, EV_TIMEOUT) makes the events on fd that
 * have a timeout run as if it had passed, in the heap or in a common queue;
 * with EV_TIMEOUT it ignores the directions, as libevent 2.1 does. */
static void
test_active_by_fd_with_ev_timeout_times_out_that_fds_events(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 };
	const struct timeval *common = event_base_init_common_timeout(base, &hour);
	struct runlog log = { .n = 0 };
	struct logged reader = { .log = &log, .id = 1 };
	struct logged timed = { .log = &log, .id = 2 };
	struct logged queued = { .log = &log, .id = 3 };
	struct logged pure = { .log = &log, .id = 4 };
	struct logged other = { .log = &log, .id = 5 };
	evutil_socket_t pair[2], more[2];
	struct event *r, *t, *q, *p, *o;
	int i, seen[6] = { 0 };

	(void)state;
	make_pair(pair);
	make_pair(more);
	r = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, &reader);
	t = event_new(base, pair[0], EV_READ, log_cb, &timed);
	q = event_new(base, pair[0], EV_READ, log_cb, &queued);
	p = evtimer_new(base, log_cb, &pure);
	o = event_new(base, more[0], EV_READ, log_cb, &other);
	event_add(r, NULL);		/* no timeout: not touched */
	event_add(t, &hour);		/* in the heap */
	event_add(q, common);		/* in a common queue */
	event_add(p, &hour);		/* fd -1 */
	event_add(o, &hour);		/* another descriptor */
	event_base_active_by_fd(base, pair[0], EV_READ | EV_TIMEOUT);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(log.n, 2);
	for (i = 0; i < log.n; i++) {
		seen[log.id[i]]++;
		assert_int_equal(log.what[i], EV_TIMEOUT);
	}
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 1);
	/* fd -1 names the pure timers. */
	event_base_active_by_fd(base, -1, EV_TIMEOUT);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.id[2], 4);
	assert_int_equal(log.what[2], EV_TIMEOUT);
	/* Without EV_TIMEOUT it is the directions, as before. */
	event_base_active_by_fd(base, pair[0], EV_READ);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[3], 1);
	assert_int_equal(log.what[3], EV_READ);
	assert_int_equal(event_pending(o, EV_TIMEOUT, NULL), EV_TIMEOUT);
	event_free(r);
	event_free(t);
	event_free(q);
	event_free(p);
	event_free(o);
	close_pair(pair);
	close_pair(more);
	event_base_free(base);
}

static int once_runs;
static short once_what;

static void
once_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	once_runs++;
	once_what |= what;
}

static void
test_base_once_runs_once_on_timeout_or_descriptor(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval ms = msec(1);
	evutil_socket_t pair[2];

	(void)state;
	once_runs = 0;
	once_what = 0;
	make_pair(pair);
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, once_cb, NULL,
	    &ms), 0);
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, once_cb, NULL,
	    NULL), 0);
	assert_int_equal(event_base_once(base, pair[0], EV_READ, once_cb, NULL,
	    NULL), 0);
	write_byte(pair[1]);
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(once_runs, 3);
	assert_int_equal(once_what, EV_TIMEOUT | EV_READ);
	close_pair(pair);
	event_base_free(base);
}

static void
test_base_free_releases_unrun_once_callbacks(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 };

	(void)state;
	once_runs = 0;
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, once_cb, NULL,
	    &hour), 0);
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, once_cb, NULL,
	    NULL), 0);
	event_base_free(base);	/* valgrind: nothing leaks */
	assert_int_equal(once_runs, 0);
}

static int finalized;

static void
finalize_cb(struct event *ev, void *arg)
{
	(void)ev;
	finalized += *(int *)arg;
}

static void
test_finalizers_run_from_the_loop_and_free_when_asked(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 };
	int one = 1, ten = 10;
	struct event *a = evtimer_new(base, log_cb, &one);
	struct event *b = evtimer_new(base, log_cb, &ten);
	struct event c;

	(void)state;
	finalized = 0;
	evtimer_add(a, &hour);
	evtimer_add(b, &hour);
	event_assign(&c, base, -1, 0, log_cb, &ten);
	assert_int_equal(event_finalize(0, &c, finalize_cb), 0);
	assert_int_equal(event_free_finalize(0, a, finalize_cb), 0);
	assert_int_equal(event_free_finalize(0, b, finalize_cb), 0);
	assert_int_equal(event_finalize(0, &c, finalize_cb), -1);
	assert_int_equal(event_add(&c, NULL), -1);
	assert_int_equal(finalized, 0);
	event_base_dispatch(base);	/* the timers are gone: runs the finalizers */
	assert_int_equal(finalized, 21);
	event_base_free(base);
}

static void
test_base_free_runs_pending_finalizers(void **state)
{
	struct event_base *base = event_base_new();
	int one = 1;
	struct event *a = evtimer_new(base, log_cb, &one);

	(void)state;
	finalized = 0;
	event_free_finalize(0, a, finalize_cb);
	event_base_free(base);
	assert_int_equal(finalized, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_many_random_timers_fire_sorted),
		cmocka_unit_test(test_absurdly_far_timers_stay_behind_near_ones),
		cmocka_unit_test(test_readding_a_timer_reschedules_it),
		cmocka_unit_test(test_readding_a_due_timer_cancels_the_queued_run),
		cmocka_unit_test(test_persistent_timer_fires_until_deleted),
		cmocka_unit_test(test_persistent_timeout_restarts_after_each_read),
		cmocka_unit_test(test_persistent_io_event_gets_timeouts_while_idle),
		cmocka_unit_test(test_pending_reports_when_each_timeout_falls_due),
		cmocka_unit_test(test_remove_timer_keeps_the_io_part),
		cmocka_unit_test(test_common_timeouts_mixed_with_heap_timers_fire_in_order),
		cmocka_unit_test(test_persistent_common_timeout_keeps_firing),
		cmocka_unit_test(test_common_timeouts_are_limited_and_checked),
		cmocka_unit_test(test_common_timeout_encoding_is_libevents),
		cmocka_unit_test(test_active_by_fd_with_ev_timeout_times_out_that_fds_events),
		cmocka_unit_test(test_base_once_runs_once_on_timeout_or_descriptor),
		cmocka_unit_test(test_base_free_releases_unrun_once_callbacks),
		cmocka_unit_test(test_finalizers_run_from_the_loop_and_free_when_asked),
		cmocka_unit_test(test_base_free_runs_pending_finalizers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
