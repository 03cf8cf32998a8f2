/* Threads against one loop: one thread runs the loop while three others
 * add, delete, activate, re-create and free events, make descriptors
 * readable, schedule one-shot callbacks and break the loop, for a bounded
 * number of steps each.  It checks what must hold whatever the
 * interleaving: no callback runs after event_del() has returned for its
 * event (until the event is added again), every callback sees a live event,
 * and every step reports success.  Built with SANITIZE=thread (make tsan)
 * it is also the race detector's workload. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "events_test.h"

#define WORKERS 3
#define SLOTS 4			/* events per worker */
#define STEPS 4000		/* per worker */
#define MAGIC 0x5eed

enum { IDLE, ADDED, DELETED };

/* One event and what its worker last did to it.  Only the worker changes
 * state; the callback (on the loop thread) reads it. */
struct slot {
	int magic;
	struct event *ev;
	int state;
	int runs;
};

struct worker {
	struct event_base *base;
	struct slot slots[SLOTS];
	evutil_socket_t pair[2];	/* slot 0 watches pair[0] */
	unsigned seed;
	int failures;
	int once_scheduled;
};

static int violations, once_runs, stopped;

static int
load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void
bump(int *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_RELAXED);
}

static void
slot_cb(evutil_socket_t fd, short what, void *arg)
{
	struct slot *s = arg;
	char drain[64];

	if (s->magic != MAGIC || load(&s->state) == DELETED)
		bump(&violations);
	if ((what & EV_READ) && fd >= 0)
		while (read(fd, drain, sizeof(drain)) > 0)
			;
	bump(&s->runs);
}

static void
once_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	bump(&once_runs);
}

static struct event *
make_event(struct worker *w, int i)
{
	struct slot *s = &w->slots[i];

	if (i == 0)
		return event_new(w->base, w->pair[0], EV_READ | EV_PERSIST,
		    slot_cb, s);
	return event_new(w->base, -1, i == 1 ? EV_PERSIST : 0, slot_cb, s);
}

static unsigned
next_random(struct worker *w)
{
	w->seed ^= w->seed << 13;
	w->seed ^= w->seed >> 17;
	w->seed ^= w->seed << 5;
	return w->seed;
}

/* One step on one of the worker's events (or on the base). */
static void
step(struct worker *w)
{
	unsigned r = next_random(w);
	struct slot *s = &w->slots[r % SLOTS];
	struct timeval tv = { 0, (r >> 8) % 500 };

	switch ((r >> 4) % 8) {
	case 0:
	case 1:
		store(&s->state, ADDED);
		w->failures += event_add(s->ev, (r & 1) ? &tv : NULL) != 0;
		break;
	case 2:
		w->failures += event_del(s->ev) != 0;
		store(&s->state, DELETED);
		break;
	case 3:
		if (load(&s->state) == ADDED)
			event_active(s->ev, EV_TIMEOUT, 1);
		break;
	case 4:
		/* Full (nothing has drained it for a while) is fine too. */
		w->failures += write(w->pair[1], "x", 1) != 1 && errno != EAGAIN;
		break;
	case 5:
		/* Free it (event_free waits for a running callback) and make
		 * a fresh one in the same slot. */
		event_free(s->ev);
		store(&s->state, DELETED);
		s->ev = make_event(w, (int)(s - w->slots));
		w->failures += s->ev == NULL;
		break;
	case 6:
		w->failures += event_base_once(w->base, -1, EV_TIMEOUT, once_cb,
		    NULL, &tv) != 0;
		w->once_scheduled++;
		break;
	case 7:
		w->failures += event_base_loopbreak(w->base) != 0;
		break;
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < STEPS; i++)
		step(w);
	return NULL;
}

static void *
run_loop(void *arg)
{
	struct event_base *base = arg;

	while (!load(&stopped))
		if (event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY) < 0)
			break;
	return NULL;
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store(&stopped, 1);
	event_base_loopbreak(arg);
}

static void
test_one_loop_and_three_threads_changing_its_events(void **state)
{
	struct event_base *base = event_base_new();
	struct worker w[WORKERS];
	pthread_t loop, th[WORKERS];
	int i, k, runs = 0, once_scheduled = 0;

	(void)state;
	assert_non_null(base);
	violations = once_runs = stopped = 0;
	for (i = 0; i < WORKERS; i++) {
		w[i].base = base;
		w[i].seed = 2463534242u + (unsigned)i * 7919u;
		w[i].failures = 0;
		w[i].once_scheduled = 0;
		make_pair(w[i].pair);
		for (k = 0; k < SLOTS; k++) {
			w[i].slots[k].magic = MAGIC;
			w[i].slots[k].state = IDLE;
			w[i].slots[k].runs = 0;
			w[i].slots[k].ev = make_event(&w[i], k);
			assert_non_null(w[i].slots[k].ev);
		}
	}
	assert_int_equal(pthread_create(&loop, NULL, run_loop, base), 0);
	for (i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	for (i = 0; i < WORKERS; i++)
		pthread_join(th[i], NULL);

	/* Stop the loop from inside it: a break that a worker asked for
	 * just before must not end it before this has run. */
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, stop_cb, base,
	    &(struct timeval){ 0, 0 }), 0);
	pthread_join(loop, NULL);

	for (i = 0; i < WORKERS; i++) {
		assert_int_equal(w[i].failures, 0);
		once_scheduled += w[i].once_scheduled;
		for (k = 0; k < SLOTS; k++) {
			runs += w[i].slots[k].runs;
			event_free(w[i].slots[k].ev);
		}
		close_pair(w[i].pair);
	}
	/* What is left are one-shot callbacks not yet due: each runs once. */
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(once_runs, once_scheduled);
	assert_int_equal(violations, 0);
	assert_true(runs > 0);
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
		cmocka_unit_test(test_one_loop_and_three_threads_changing_its_events),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
