/* bench/bench.h -- what every benchmark in bench/ shares: a clock, a median,
 * the descriptor limit, and the marks that let callgrind count only the timed
 * work (bench/counts.sh).
 *
 * A benchmark prints one line per measurement, "NAME<TAB>VALUE" (nanoseconds
 * per operation, or another unit its header names).  Around each timed region
 * it calls count_begin() and count_end(NAME, OPS): run natively these are a
 * handful of instructions that do nothing; under callgrind they count the
 * region alone and dump its counts labelled "NAME|OPS", so that the script
 * can divide them by the number of operations.
 */
#ifndef BENCH_H_INCLUDED
#define BENCH_H_INCLUDED

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <valgrind/callgrind.h>

/* The clock of the measurements: the CPU time of this thread (user and
 * kernel), which a busy neighbour on a shared machine cannot stretch the way
 * it stretches the wall clock; BENCH_CLOCK=wall asks for the monotonic clock. */
static inline double
now_ns(void)
{
	static clockid_t clock = (clockid_t)-1;
	struct timespec ts;

	if (clock == (clockid_t)-1) {
		const char *c = getenv("BENCH_CLOCK");
		clock = c && c[0] == 'w' ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
	}
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of t[0..n), which it sorts. */
static inline double
median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), bench_cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Raise the soft descriptor limit to the hard one: N socketpairs need 2N. */
static inline void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Under callgrind, collection is off but for the counted regions
 * (--collect-atstart=no).  Instrumentation is switched on only around them
 * too, as --instr-atstart=no asks -- except when BENCH_COUNT_WARM is set:
 * switching instrumentation on empties the simulated caches, so the cache
 * run keeps it on throughout and the caches stay as warm as the real ones. */
static inline int
count_keeps_instrumenting(void)
{
	static int keep = -1;

	if (keep < 0)
		keep = getenv("BENCH_COUNT_WARM") != NULL;
	return keep;
}

static inline void
count_begin(void)
{
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_TOGGLE_COLLECT;
}

/* End a counted region of OPS operations of measurement NAME. */
static inline void
count_end(const char *name, long ops)
{
	char label[256];

	CALLGRIND_TOGGLE_COLLECT;
	if (!RUNNING_ON_VALGRIND)
		return;
	if (!count_keeps_instrumenting())
		CALLGRIND_STOP_INSTRUMENTATION;
	snprintf(label, sizeof(label), "%s|%ld", name, ops);
	CALLGRIND_DUMP_STATS_AT(label);
}

#endif /* BENCH_H_INCLUDED */
