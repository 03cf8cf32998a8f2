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
#include "bench.h"

#define NCOMMON 8

static int n;
static struct event *evs;
static struct timeval *tvs;
static const struct timeval **use;

static void
never(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	abort();
}

static const char *kind;	/* "heap" or "common" */

static void
phase_name(char *name, size_t size, const char *phase)
{
	snprintf(name, size, "timers %s %s n=%d", kind, phase, n);
}

/* Add (or, when adding is false, delete) every timer; time it and count it
 * under callgrind as PHASE, unless PHASE is NULL. */
static double
phase(const char *phase, int adding)
{
	char name[64];
	double start;
	int i;

	if (phase) {
		phase_name(name, sizeof(name), phase);
		count_begin();
	}
	start = now_ns();
	for (i = 0; i < n; i++) {
		if (adding)
			event_add(&evs[i], use[i]);
		else
			event_del(&evs[i]);
	}
	start = (now_ns() - start) / n;
	if (phase)
		count_end(name, n);
	return start;
}

static void
report(const char *phase, double *t, int rounds)
{
	char name[64];

	phase_name(name, sizeof(name), phase);
	printf("%s\t%.1f\n", name, median(t, rounds));
}

static void
run(int rounds)
{
	double add[rounds], readd[rounds], del[rounds], again[rounds];
	int r;

	for (r = 0; r < rounds; r++) {
		add[r] = phase("add", 1);
		readd[r] = phase("reschedule", 1);
		del[r] = phase("delete", 0);
		again[r] = phase("re-add", 1);
		phase(NULL, 0);
	}
	report("add", add, rounds);
	report("reschedule", readd, rounds);
	report("delete", del, rounds);
	report("re-add", again, rounds);
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
	kind = "heap";
	run(rounds);
	for (i = 0; i < NCOMMON; i++) {
		struct timeval d = { 5 + 5 * i, 0 };
		common[i] = event_base_init_common_timeout(base, &d);
	}
	for (i = 0; i < n; i++)
		use[i] = common[rand() % NCOMMON];
	kind = "common";
	run(rounds);
	event_base_free(base);
	free(evs);
	free(tvs);
	free(use);
	return 0;
}
