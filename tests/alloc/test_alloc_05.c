/* Chapter 05 under allocation failure, with debug mode on (so every event
 * also has an entry in the debug table): I/O events, many timers (the heap
 * grows), a common timeout, a signal, a one-shot callback, a finalizer and
 * more priorities, all run by the loop.
 *
 * Every event that was made and added must run exactly as often as it
 * should; one that could not be made or added must never run.
 */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

#define NTIMERS 40

/* How often each callback ran, and how often it should have by the end. */
struct tally {
	int ran, due;
};

static void
count(evutil_socket_t fd, short what, void *arg)
{
	struct tally *t = arg;
	char byte;

	if ((what & EV_READ) && fd >= 0)
		assert_int_equal(read(fd, &byte, 1), 1);
	t->ran++;
}

static int finalized;

/* A finalizer gets the event's own argument; it counts on its own. */
static void
count_finalized(struct event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	finalized++;
}

/* Make an event and add it; 1 if both worked, in which case it is due to
 * run once more; 0 (with *evp NULL) if a refused allocation stopped it. */
static int
make_and_add(struct event **evp, struct event_base *base, evutil_socket_t fd,
    short what, struct tally *t, const struct timeval *tv)
{
	long m = alloc_mark();

	*evp = event_new(base, fd, what, count, t);
	if (!ALLOC_OK(m, *evp != NULL))
		return 0;
	m = alloc_mark();
	if (!ALLOC_OK(m, event_add(*evp, tv) == 0)) {
		assert_false(event_pending(*evp, EV_READ | EV_WRITE | EV_SIGNAL |
		    EV_TIMEOUT, NULL));
		event_free(*evp);
		*evp = NULL;
		return 0;
	}
	t->due++;
	return 1;
}

static int
all_ran(const struct tally *t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (t[i].ran < t[i].due)
			return 0;
	return 1;
}

/* The callbacks, by kind. */
enum { T_IO, T_TIMER, T_COMMON, T_SIGNAL, T_ONCE, T_ACTIVE, T_KINDS };

static void
events_timers_and_signals(void)
{
	struct event *io[2] = { NULL, NULL }, *timers[NTIMERS], *common = NULL;
	struct event *sig = NULL, *user = NULL;
	struct tally t[T_KINDS];
	const struct timeval *ct = NULL;
	struct event_base *base;
	int pair[2], i, rounds = 0;
	long m = alloc_mark();

	memset(t, 0, sizeof(t));
	base = event_base_new();
	if (!ALLOC_OK(m, base != NULL))
		return;
	m = alloc_mark();
	ALLOC_OK(m, event_base_priority_init(base, 3) == 0);
	alloc_pause();
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	alloc_resume();

	make_and_add(&io[0], base, pair[0], EV_READ, &t[T_IO], NULL);
	make_and_add(&io[1], base, pair[1], EV_WRITE, &t[T_IO], NULL);
	for (i = 0; i < NTIMERS; i++)
		make_and_add(&timers[i], base, -1, 0, &t[T_TIMER],
		    &(struct timeval){ 0, 10 * i });
	m = alloc_mark();
	ct = event_base_init_common_timeout(base, &(struct timeval){ 0, 2000 });
	if (ALLOC_OK(m, ct != NULL))
		make_and_add(&common, base, -1, 0, &t[T_COMMON], ct);
	if (make_and_add(&sig, base, SIGUSR2, EV_SIGNAL, &t[T_SIGNAL], NULL))
		assert_int_equal(raise(SIGUSR2), 0);
	m = alloc_mark();
	if (ALLOC_OK(m, event_base_once(base, -1, EV_TIMEOUT, count, &t[T_ONCE],
	    &(struct timeval){ 0, 0 }) == 0))
		t[T_ONCE].due++;
	m = alloc_mark();
	user = event_new(base, -1, 0, count, &t[T_ACTIVE]);
	if (ALLOC_OK(m, user != NULL)) {
		assert_int_equal(event_priority_set(user, 0), 0);
		event_active(user, EV_READ, 1);
		t[T_ACTIVE].due++;
	}

	while (!all_ran(t, T_KINDS)) {
		assert_true(++rounds < 10000);
		assert_true(event_base_loop(base, EVLOOP_ONCE) >= 0);
	}
	for (i = 0; i < T_KINDS; i++)
		assert_int_equal(t[i].ran, t[i].due);

	/* A finalizer runs once, from the loop, after the event is gone. */
	if (user) {
		finalized = 0;
		assert_int_equal(event_free_finalize(0, user, count_finalized),
		    0);
		assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
		assert_int_equal(finalized, 1);
	}
	event_free(io[0]);
	event_free(io[1]);
	for (i = 0; i < NTIMERS; i++)
		event_free(timers[i]);
	event_free(common);
	event_free(sig);
	event_base_free(base);
	close(pair[0]);
	close(pair[1]);
}

/* The 1.x calls: events set up on the current base, the loop run through
 * it, then everything released. */
static void
obsolete_calls(void)
{
	struct event ev;
	struct tally t = { 0, 0 };
	struct event_base *base;
	long m = alloc_mark();

	base = event_init();
	if (!ALLOC_OK(m, base != NULL))
		return;
	m = alloc_mark();
	event_set(&ev, -1, 0, count, &t);
	/* In debug mode the event needs an entry in the table; without one
	 * it is not set up, and must be refused rather than trusted. */
	if (ALLOC_OK(m, event_initialized(&ev))) {
		m = alloc_mark();
		if (ALLOC_OK(m, event_add(&ev, &(struct timeval){ 0, 0 }) == 0)) {
			t.due++;
			assert_int_equal(event_dispatch(), 1);
			assert_int_equal(t.ran, 1);
		}
		event_debug_unassign(&ev);
	}
	m = alloc_mark();
	if (ALLOC_OK(m, event_once(-1, EV_TIMEOUT, count, &t,
	    &(struct timeval){ 0, 0 }) == 0)) {
		t.due++;
		assert_int_equal(event_loop(0), 1);
	}
	assert_int_equal(t.ran, t.due);
	event_base_free(NULL);
}

static const struct alloc_workload workloads[] = {
	{ "events_timers_and_signals", events_timers_and_signals },
	{ "obsolete_calls", obsolete_calls },
};

int
main(void)
{
	event_enable_debug_mode();
	return ALLOC_RUN_WORKLOADS(workloads);
}
