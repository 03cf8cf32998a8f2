/* Chapter 04 with the descriptor table full: a threaded base (its backend,
 * its wake-up eventfd, a timerfd for precise timers) and event_reinit(),
 * which needs a fresh backend and a fresh wake-up descriptor before it can
 * let go of the old ones.  A reinit that fails leaves a base that still
 * runs and frees. */
#include <event2/event.h>
#include <event2/thread.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

static int precise;

static struct event_base *
threaded_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	FD_CHECK(cfg != NULL);
	FD_CHECK(event_config_avoid_method(cfg, "poll") == 0);
	FD_CHECK(event_config_avoid_method(cfg, "select") == 0);
	if (precise)
		FD_CHECK(event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

static int
base_and_reinit(void)
{
	struct event_base *base = threaded_base();
	int r;

	if (base == NULL)
		return -1;
	FD_CHECK(event_base_loop(base, EVLOOP_NONBLOCK) == 1);
	r = event_reinit(base);
	/* Whatever the rebuild did, the base runs and frees. */
	FD_CHECK(event_base_loop(base, EVLOOP_NONBLOCK) == 1);
	FD_CHECK(event_base_loopbreak(base) == 0);
	event_base_free(base);
	return r;
}

static void
test_threaded_base_and_reinit_under_emfile(void **state)
{
	static const struct fd_scenario s = { "threaded base", base_and_reinit };

	(void)state;
	precise = 0;
	/* epoll and the eventfd, and a fresh epoll made before the old one
	 * is let go. */
	assert_int_equal(fdlimit_check(&s), 3);
}

static void
test_precise_timer_base_under_emfile(void **state)
{
	static const struct fd_scenario s = { "precise-timer base", base_and_reinit };

	(void)state;
	precise = 1;
	/* One more for the timerfd.  (Without room for it a base falls back
	 * to epoll's own timeout, so it never fails for the timerfd alone.) */
	assert_int_equal(fdlimit_check(&s), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threaded_base_and_reinit_under_emfile),
		cmocka_unit_test(test_precise_timer_base_under_emfile),
	};

	assert_int_equal(evthread_use_pthreads(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
