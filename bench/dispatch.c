/* bench/dispatch.c -- the classic event-loop benchmark.
 *
 * N socketpairs, each with a persistent read event.  A of them are made
 * readable at the start of a round; each callback reads its byte and, while
 * the round has writes left, writes one byte into the next pair, so W more
 * callbacks follow in a chain.  Only the loop is timed: from the first
 * EVLOOP_ONCE|EVLOOP_NONBLOCK iteration to the one that ran the last
 * callback.  The result is the median over the rounds, in nanoseconds per
 * callback.
 *
 *   dispatch N A W ROUNDS
 *
 * Built unchanged against litevent and against libevent 2.1 (bench/compare.sh);
 * bench/dispatch-floor.c is the same workload with no library.
 */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdint.h>
#include "dispatch.h"

static struct dispatch_workload w;
static struct event_base *base;
static int fired, writes_left;

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	int idx = (int)(intptr_t)arg;
	char c;

	(void)what;
	if (read(fd, &c, 1) == 1)
		fired++;
	if (writes_left > 0) {
		writes_left--;
		dispatch_write_next(&w, idx);
	}
}

static void
run_loop(int want)
{
	fired = 0;
	writes_left = w.nwrites;
	while (fired < want)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
}

int
main(int argc, char **argv)
{
	struct event *events;
	int i;

	dispatch_parse(&w, argc, argv);
	dispatch_make_pairs(&w);
	events = calloc((size_t)w.npairs, sizeof(struct event));
	base = event_base_new();
	if (!events || !base)
		return 1;
	for (i = 0; i < w.npairs; i++) {
		event_assign(&events[i], base, w.pairs[i][0], EV_READ | EV_PERSIST,
		    on_read, (void *)(intptr_t)i);
		event_add(&events[i], NULL);
	}
	dispatch_run_rounds(&w, run_loop);
	for (i = 0; i < w.npairs; i++)
		event_del(&events[i]);
	event_base_free(base);
	dispatch_close_pairs(&w);
	free(events);
	return 0;
}
