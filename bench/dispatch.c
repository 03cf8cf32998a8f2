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
 * Built unchanged against litevent and against libevent 2.1 (bench/compare.sh).
 */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include "bench.h"

static int npairs, nactive, nwrites;
static int (*pairs)[2];
static struct event *events;
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
		int next = (idx + 1) % npairs;
		writes_left--;
		if (write(pairs[next][1], "w", 1) != 1)
			exit(2);
	}
}

/* One timed round; counted under callgrind as NAME unless NAME is NULL. */
static double
one_round(struct event_base *base, const char *name)
{
	int space = npairs / nactive, i, want = nactive + nwrites;
	double start, took;

	fired = 0;
	writes_left = nwrites;
	for (i = 0; i < nactive; i++)
		if (write(pairs[(i * space) % npairs][1], "e", 1) != 1)
			exit(2);
	start = now_ns();
	if (name)
		count_begin();
	while (fired < want)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	took = now_ns() - start;
	if (name)
		count_end(name, want);
	return took / want;
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	char name[64];
	double *t;
	int rounds, i;

	if (argc != 5) {
		fprintf(stderr, "usage: dispatch N ACTIVE WRITES ROUNDS\n");
		return 1;
	}
	npairs = atoi(argv[1]);
	nactive = atoi(argv[2]);
	nwrites = atoi(argv[3]);
	rounds = atoi(argv[4]);
	snprintf(name, sizeof(name), "dispatch n=%d a=%d w=%d", npairs, nactive,
	    nwrites);
	raise_fd_limit();
	pairs = calloc((size_t)npairs, sizeof(*pairs));
	events = calloc((size_t)npairs, sizeof(struct event));
	t = calloc((size_t)rounds, sizeof(*t));
	base = event_base_new();
	if (!pairs || !events || !t || !base)
		return 1;
	for (i = 0; i < npairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[i]) < 0) {
			fprintf(stderr, "socketpair %d: %s\n", i, strerror(errno));
			return 1;
		}
		fcntl(pairs[i][0], F_SETFL, O_NONBLOCK);
		fcntl(pairs[i][1], F_SETFL, O_NONBLOCK);
		event_assign(&events[i], base, pairs[i][0], EV_READ | EV_PERSIST,
		    on_read, (void *)(intptr_t)i);
		event_add(&events[i], NULL);
	}
	one_round(base, NULL);	/* warm up */
	for (i = 0; i < rounds; i++)
		t[i] = one_round(base, name);
	printf("%s\t%.1f\n", name, median(t, rounds));
	for (i = 0; i < npairs; i++) {
		event_del(&events[i]);
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
	event_base_free(base);
	free(events);
	free(pairs);
	free(t);
	return 0;
}
