/* Allocation-failure injection: every allocation the library makes goes
 * through the event_set_mem_functions() hooks, and these hooks can refuse
 * the N-th one, either once or from then on.  The driver runs a workload
 * (one chapter's calls, start to finish) for N = 1, 2, ... until a run
 * makes fewer than N allocations, so every allocation the workload causes is
 * refused in turn.  See tests/alloc/README.md for how a chapter adds its
 * workloads.
 *
 * What a run must show, and the driver and these helpers check:
 *  - no crash, no abort, and the fatal callback is never called;
 *  - nothing leaks: after each run as many blocks are live as before it,
 *    and as many descriptors are open (valgrind or ASan watch the rest);
 *  - a call that reports failure does so only when an allocation was
 *    refused during it (ALLOC_OK), and leaves its object as it was;
 *  - a call that reports success did what it says (the workload checks).
 */
#ifndef ALLOC_INJECT_H_INCLUDED_
#define ALLOC_INJECT_H_INCLUDED_

#include <stddef.h>

/* One chapter's scenario.  run() makes its calls, checks each result, and
 * frees everything it made, whatever was refused. */
struct alloc_workload {
	const char *name;
	void (*run)(void);
};

/* Install the hooks, then run every workload for every failure point in
 * both modes: one cmocka test per workload and mode.  A chapter's file
 * calls it from main() (after any global setup such as
 * evthread_use_pthreads(), which allocates nothing). */
int alloc_run_workloads(const char *group, const struct alloc_workload *w,
    size_t n);
#define ALLOC_RUN_WORKLOADS(workloads)					\
	alloc_run_workloads(__FILE__, (workloads),			\
	    sizeof(workloads) / sizeof((workloads)[0]))

/* A point in the count of refused allocations: take one before a call. */
long alloc_mark(void);
/* Has an allocation been refused since the mark? */
int alloc_refused_since(long mark);
/* Around a workload's own checks (reading a buffer back to compare it, say),
 * which may allocate but are not part of what is being tested: between
 * these, allocations are neither counted nor refused. */
void alloc_pause(void);
void alloc_resume(void);
/* Is a failure being injected in this run at all (the driver's mode)? */
int alloc_injecting(void);

/* After a call: ok says whether it reported success.  A reported failure is
 * allowed only when an allocation was refused since mark; anything else
 * fails the test, naming the call.  Returns ok, so a workload writes
 *	if (!ALLOC_OK(m, r == 0)) { check nothing changed; go on or stop }
 */
int alloc_ok_(long mark, int ok, const char *what, const char *file, int line);
#define ALLOC_OK(mark, ok) alloc_ok_((mark), (ok), #ok, __FILE__, __LINE__)

/* Free what the library allocated for the caller (evbuffer_readln's line,
 * say) through the hooks, as a program that installed them must. */
void alloc_free(void *p);

/* How many descriptors are open (for workloads that check their own). */
int alloc_open_fds(void);

#endif
