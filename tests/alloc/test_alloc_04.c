/* Chapter 04 under allocation failure: bases made from configurations with
 * threading on (a lock, a condition and a wake-up descriptor each), more
 * priorities, the loop run and stopped, event_reinit(), and the 1.x
 * global base.
 *
 * A base that is made must be whole: with threading on it has its lock,
 * its condition (without which event_del() could not wait for a running
 * callback) and its wake-up descriptor.
 */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/thread.h>
#include "event-internal.h"

#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

static void
assert_whole(struct event_base *base)
{
	assert_non_null(base->th_base_lock);
	assert_non_null(base->current_event_cond);
	assert_true(base->th_notifiable && base->th_notify_fd >= 0);
}

static struct event_base *
configured_base(void)
{
	struct event_config *cfg;
	struct event_base *base = NULL;
	struct timeval max = { 0, 5000 };
	long m = alloc_mark();

	cfg = event_config_new();
	if (!ALLOC_OK(m, cfg != NULL))
		return NULL;
	m = alloc_mark();
	if (!ALLOC_OK(m, event_config_avoid_method(cfg, "select") == 0))
		goto out;
	assert_int_equal(event_config_set_max_dispatch_interval(cfg, &max, 10, 1), 0);
	assert_int_equal(event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER), 0);
	m = alloc_mark();
	base = event_base_new_with_config(cfg);
	if (ALLOC_OK(m, base != NULL))
		assert_whole(base);
out:
	event_config_free(cfg);
	return base;
}

static void
priorities_loop_and_reinit(void)
{
	struct event_base *base = configured_base();
	FILE *null;
	long m;
	int r;

	if (base == NULL)
		return;
	m = alloc_mark();
	r = event_base_priority_init(base, 8);
	if (ALLOC_OK(m, r == 0))
		assert_int_equal(event_base_get_npriorities(base), 8);
	else	/* refused: the old queues are still in place */
		assert_int_equal(event_base_get_npriorities(base), 1);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1);
	assert_int_equal(event_base_loopexit(base, NULL), 0);
	assert_int_equal(event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	assert_true(event_base_got_exit(base));

	m = alloc_mark();
	r = event_reinit(base);
	ALLOC_OK(m, r == 0);
	/* Whether or not the rebuild worked, the base runs and frees. */
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1);
	alloc_pause();
	null = fopen("/dev/null", "w");
	alloc_resume();
	assert_non_null(null);
	event_base_dump_events(base, null);
	fclose(null);
	event_base_free(base);
}

static void
global_base(void)
{
	struct event_base *base;
	long m = alloc_mark();

	base = event_init();
	if (!ALLOC_OK(m, base != NULL))
		return;
	assert_whole(base);
	m = alloc_mark();
	ALLOC_OK(m, event_priority_init(3) == 0);
	assert_int_equal(event_loop(EVLOOP_NONBLOCK), 1);
	assert_string_equal(event_get_method(), event_base_get_method(base));
	event_base_free(NULL);	/* the current base */
}

static const struct alloc_workload workloads[] = {
	{ "priorities_loop_and_reinit", priorities_loop_and_reinit },
	{ "global_base", global_base },
};

int
main(void)
{
	assert_int_equal(evthread_use_pthreads(), 0);
	return ALLOC_RUN_WORKLOADS(workloads);
}
