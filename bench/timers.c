/* bench/timers.c -- timer churn.
 *
 * N timers (1 000 000 by default) with random timeouts between 1 and 60
 * seconds: add them all, add them all again (each one is rescheduled while
 * pending), delete them all, then add them all once more.  The same four
 * phases again with a handful of common timeouts (event_base_init_common_timeout)
 * instead of the heap.  No timer falls due; only the bookkeeping is timed.
 * Each phase prints nanoseconds per operation, the median over ROUNDS.
 *
 *   timers N ROUNDS
 */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NCOMMON 8

static int n;
static struct event *evs;
static struct timeval *tvs;
static const struct timeval **use;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
never(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	abort();
}

static double
phase_add(void)
{
	double start = now_ns();
	int i;

	for (i = 0; i < n; i++)
		event_add(&evs[i], use[i]);
	return (now_ns() - start) / n;
}

static double
phase_del(void)
{
	double start = now_ns();
	int i;

	for (i = 0; i < n; i++)
		event_del(&evs[i]);
	return (now_ns() - start) / n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void
report(const char *kind, const char *phase, double *t, int rounds)
{
	qsort(t, (size_t)rounds, sizeof(*t), cmp_double);
	printf("timers %s %s n=%d\t%.1f\n", kind, phase, n, t[rounds / 2]);
}

static void
run(const char *kind, int rounds)
{
	double add[rounds], readd[rounds], del[rounds], again[rounds];
	int r;

	for (r = 0; r < rounds; r++) {
		add[r] = phase_add();
		readd[r] = phase_add();
		del[r] = phase_del();
		again[r] = phase_add();
		phase_del();
	}
	report(kind, "add", add, rounds);
	report(kind, "reschedule", readd, rounds);
	report(kind, "delete", del, rounds);
	report(kind, "re-add", again, rounds);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	const struct timeval *common[NCOMMON];
	int rounds, i;

	if (argc != 3 || base == NULL) {
		fprintf(stderr, "usage: timers N ROUNDS\n");
		return 1;
	}
	n = atoi(argv[1]);
	rounds = atoi(argv[2]);
	evs = calloc((size_t)n, sizeof(struct event));
	tvs = calloc((size_t)n, sizeof(*tvs));
	use = calloc((size_t)n, sizeof(*use));
	if (!evs || !tvs || !use)
		return 1;
	srand(12345);
	for (i = 0; i < n; i++) {
		tvs[i].tv_sec = 1 + rand() % 60;
		tvs[i].tv_usec = rand() % 1000000;
		use[i] = &tvs[i];
		evtimer_assign(&evs[i], base, never, NULL);
	}
	run("heap", rounds);
	for (i = 0; i < NCOMMON; i++) {
		struct timeval d = { 5 + 5 * i, 0 };
		common[i] = event_base_init_common_timeout(base, &d);
	}
	for (i = 0; i < n; i++)
		use[i] = common[rand() % NCOMMON];
	run("common", rounds);
	event_base_free(base);
	free(evs);
	free(tvs);
	free(use);
	return 0;
}
