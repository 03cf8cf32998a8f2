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
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>

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

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double
one_round(struct event_base *base)
{
	int space = npairs / nactive, i, want = nactive + nwrites;
	double start;

	fired = 0;
	writes_left = nwrites;
	for (i = 0; i < nactive; i++)
		if (write(pairs[(i * space) % npairs][1], "e", 1) != 1)
			exit(2);
	start = now_ns();
	while (fired < want)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	return (now_ns() - start) / want;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct rlimit rl;
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
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
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
	one_round(base);	/* warm up */
	for (i = 0; i < rounds; i++)
		t[i] = one_round(base);
	qsort(t, (size_t)rounds, sizeof(*t), cmp_double);
	printf("dispatch n=%d a=%d w=%d\t%.1f\n", npairs, nactive, nwrites,
	    t[rounds / 2]);
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
