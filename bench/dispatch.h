/* bench/dispatch.h -- what bench/dispatch.c and its floor,
 * bench/dispatch-floor.c, share, so that the two run exactly the same
 * workload: the command line and the measurement's name, the socketpairs,
 * and the writes that start a round.
 *
 *   PROGRAM N A W ROUNDS
 */
#ifndef BENCH_DISPATCH_H_INCLUDED
#define BENCH_DISPATCH_H_INCLUDED

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "bench.h"

struct dispatch_workload {
	int npairs, nactive, nwrites, rounds;
	char name[64];		/* "dispatch n=N a=A w=W" */
	int (*pairs)[2];	/* nonblocking; [0] is read, [1] written */
};

static inline void
dispatch_parse(struct dispatch_workload *w, int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s N ACTIVE WRITES ROUNDS\n", argv[0]);
		exit(1);
	}
	w->npairs = atoi(argv[1]);
	w->nactive = atoi(argv[2]);
	w->nwrites = atoi(argv[3]);
	w->rounds = atoi(argv[4]);
	snprintf(w->name, sizeof(w->name), "dispatch n=%d a=%d w=%d",
	    w->npairs, w->nactive, w->nwrites);
}

static inline void
dispatch_make_pairs(struct dispatch_workload *w)
{
	int i;

	raise_fd_limit();
	w->pairs = calloc((size_t)w->npairs, sizeof(*w->pairs));
	if (w->pairs == NULL)
		exit(1);
	for (i = 0; i < w->npairs; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, w->pairs[i]) < 0) {
			fprintf(stderr, "socketpair %d: %s\n", i, strerror(errno));
			exit(1);
		}
		fcntl(w->pairs[i][0], F_SETFL, O_NONBLOCK);
		fcntl(w->pairs[i][1], F_SETFL, O_NONBLOCK);
	}
}

/* Make A pairs readable, evenly spaced; returns the callbacks to expect. */
static inline int
dispatch_start_round(const struct dispatch_workload *w)
{
	int space = w->npairs / w->nactive, i;

	for (i = 0; i < w->nactive; i++)
		if (write(w->pairs[(i * space) % w->npairs][1], "e", 1) != 1)
			exit(2);
	return w->nactive + w->nwrites;
}

/* The write a callback makes into the pair after idx. */
static inline void
dispatch_write_next(const struct dispatch_workload *w, int idx)
{
	if (write(w->pairs[(idx + 1) % w->npairs][1], "w", 1) != 1)
		exit(2);
}

/* Time one round, counted under callgrind as NAME unless NAME is NULL;
 * run(want) runs callbacks until want of them have fired. */
static inline double
dispatch_time_round(const struct dispatch_workload *w, const char *name,
    void (*run)(int want))
{
	int want = dispatch_start_round(w);
	double start, took;

	start = now_ns();
	if (name)
		count_begin();
	run(want);
	took = now_ns() - start;
	if (name)
		count_end(name, want);
	return took / want;
}

/* A warm-up round, then the timed ones; prints the median per callback. */
static inline void
dispatch_run_rounds(const struct dispatch_workload *w, void (*run)(int want))
{
	double *t = calloc((size_t)w->rounds, sizeof(*t));
	int i;

	if (t == NULL)
		exit(1);
	dispatch_time_round(w, NULL, run);
	for (i = 0; i < w->rounds; i++)
		t[i] = dispatch_time_round(w, w->name, run);
	printf("%s\t%.1f\n", w->name, median(t, w->rounds));
	free(t);
}

static inline void
dispatch_close_pairs(struct dispatch_workload *w)
{
	int i;

	for (i = 0; i < w->npairs; i++) {
		close(w->pairs[i][0]);
		close(w->pairs[i][1]);
	}
	free(w->pairs);
}

#endif /* BENCH_DISPATCH_H_INCLUDED */
