/* The allocation-failure hooks and the driver (tests/alloc/alloc_inject.h). */
#include "alloc_inject.h"

#include <event2/event.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

enum fail_mode { FAIL_NEVER, FAIL_ONCE, FAIL_FROM };

/* The state of the hooks.  Workloads are single-threaded, but the loop may
 * run callbacks on a thread in some, so the counters are atomic. */
static struct {
	enum fail_mode mode;
	long fail_at;		/* the allocation to refuse, counting from 1 */
	long allocations;	/* made (or refused) in this run */
	long refused;		/* in this run */
	long live;		/* blocks handed out and not yet freed */
	int paused;		/* a check is running: count nothing, refuse nothing */
} hooks;

static long
bump(long *counter, long delta)
{
	return __atomic_add_fetch(counter, delta, __ATOMIC_RELAXED);
}

static long
read_counter(long *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* Does this allocation get refused? */
static int
refuse_this_one(void)
{
	long n;

	if (__atomic_load_n(&hooks.paused, __ATOMIC_RELAXED))
		return 0;
	n = bump(&hooks.allocations, 1);

	if ((hooks.mode == FAIL_ONCE && n == hooks.fail_at) ||
	    (hooks.mode == FAIL_FROM && n >= hooks.fail_at)) {
		bump(&hooks.refused, 1);
		return 1;
	}
	return 0;
}

static void *
hook_malloc(size_t n)
{
	void *p;

	if (refuse_this_one())
		return NULL;
	if ((p = malloc(n)) != NULL)
		bump(&hooks.live, 1);
	return p;
}

static void *
hook_realloc(void *p, size_t n)
{
	if (refuse_this_one())
		return NULL;	/* p stays the caller's */
	return realloc(p, n);
}

static void
hook_free(void *p)
{
	if (p != NULL)
		bump(&hooks.live, -1);
	free(p);
}

static void
on_fatal(int err)
{
	fail_msg("the fatal callback was called (error %d) at allocation %ld",
	    err, hooks.fail_at);
}

static void
quiet_log(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

long
alloc_mark(void)
{
	return read_counter(&hooks.refused);
}

int
alloc_refused_since(long mark)
{
	return read_counter(&hooks.refused) > mark;
}

void
alloc_pause(void)
{
	__atomic_store_n(&hooks.paused, 1, __ATOMIC_RELAXED);
}

void
alloc_resume(void)
{
	__atomic_store_n(&hooks.paused, 0, __ATOMIC_RELAXED);
}

int
alloc_injecting(void)
{
	return hooks.mode != FAIL_NEVER;
}

int
alloc_ok_(long mark, int ok, const char *what, const char *file, int line)
{
	if (!ok && !alloc_refused_since(mark)) {
		print_error("%s:%d: '%s' is false, yet no allocation was refused "
		    "(failing allocation %ld, %s)\n", file, line, what,
		    hooks.fail_at, hooks.mode == FAIL_ONCE ? "once" :
		    hooks.mode == FAIL_FROM ? "from then on" : "none");
		_fail(file, line);
	}
	return ok;
}

int
alloc_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* One run of w, with allocation `at` refused in `mode`.  Returns how many
 * allocations were refused. */
static long
run_once(const struct alloc_workload *w, enum fail_mode mode, long at)
{
	long live = read_counter(&hooks.live);
	int fds = alloc_open_fds();
	long refused;

	hooks.allocations = hooks.refused = 0;
	hooks.fail_at = at;
	hooks.mode = mode;
	w->run();
	refused = read_counter(&hooks.refused);
	hooks.mode = FAIL_NEVER;
	if (read_counter(&hooks.live) != live)
		fail_msg("%s: %ld block(s) leaked with allocation %ld refused (%s)",
		    w->name, read_counter(&hooks.live) - live, at,
		    mode == FAIL_ONCE ? "once" : "from then on");
	if (alloc_open_fds() != fds)
		fail_msg("%s: %d descriptor(s) leaked with allocation %ld refused",
		    w->name, alloc_open_fds() - fds, at);
	return refused;
}

static void
every_failure_point(const struct alloc_workload *w, enum fail_mode mode)
{
	long at, clean;

	/* A clean run first: it must succeed throughout, and it makes the
	 * library's lazily built globals (a lock, a table) before the leak
	 * count starts. */
	hooks.allocations = hooks.refused = hooks.fail_at = 0;
	hooks.mode = FAIL_NEVER;
	w->run();
	clean = hooks.allocations;
	if (getenv("ALLOC_ONLY")) {
		/* Debugging one failure point: ALLOC_ONLY=N valgrind ... */
		run_once(w, mode, atol(getenv("ALLOC_ONLY")));
		return;
	}
	for (at = 1; run_once(w, mode, at) > 0; at++)
		assert_true(at < 1000000);
	print_message("%s: %ld allocations in a clean run; refused each of "
	    "allocations 1..%ld %s\n", w->name, clean, at - 1,
	    mode == FAIL_ONCE ? "once" : "and every one after it");
}

/* After each test: if it stopped inside a run, say which failure point
 * that run had, then put the hooks back to refusing nothing. */
static int
report_failure_point(void **state)
{
	const struct alloc_workload *w = *state;

	if (hooks.mode != FAIL_NEVER)
		print_error("%s stopped with allocation %ld refused (%s); "
		    "ALLOC_ONLY=%ld runs that failure point alone\n", w->name,
		    hooks.fail_at, hooks.mode == FAIL_ONCE ? "once" :
		    "and every one after it", hooks.fail_at);
	else if (hooks.allocations > 0 && hooks.fail_at == 0)
		print_error("%s stopped in its clean run\n", w->name);
	hooks.mode = FAIL_NEVER;
	hooks.paused = 0;
	return 0;
}

void
alloc_free(void *p)
{
	hook_free(p);
}

static void
test_fail_once(void **state)
{
	every_failure_point(*state, FAIL_ONCE);
}

static void
test_fail_from_then_on(void **state)
{
	every_failure_point(*state, FAIL_FROM);
}

int
alloc_run_workloads(const char *group, const struct alloc_workload *w,
    size_t n)
{
	struct CMUnitTest *tests = calloc(2 * n, sizeof(*tests));
	char **names = calloc(2 * n, sizeof(*names));
	size_t i;
	int failed;

	assert_non_null(tests);
	assert_non_null(names);
	event_set_mem_functions(hook_malloc, hook_realloc, hook_free);
	event_set_fatal_callback(on_fatal);
	event_set_log_callback(quiet_log);
	for (i = 0; i < 2 * n; i++) {
		const struct alloc_workload *one = &w[i / 2];

		if (asprintf(&names[i], "%s_%s", one->name,
		    i % 2 ? "fails_from_then_on" : "fails_once") < 0)
			return 1;
		tests[i].name = names[i];
		tests[i].test_func = i % 2 ? test_fail_from_then_on : test_fail_once;
		tests[i].teardown_func = report_failure_point;
		tests[i].initial_state = (void *)one;
	}
	failed = _cmocka_run_group_tests(group, tests, 2 * n, NULL, NULL);
	for (i = 0; i < 2 * n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return failed;
}
