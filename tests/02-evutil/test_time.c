/* Chapter 02: timeval arithmetic, the wall clock and the monotonic clock. */
#include <event2/util.h>

#include <sys/time.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util-internal.h"

static struct timeval
tv(long sec, long usec)
{
	struct timeval t = { sec, usec };
	return t;
}

static void
test_timeradd_carries_one_second(void **state)
{
	struct timeval a = tv(1, 700000), b = tv(2, 600000), r;

	(void)state;
	evutil_timeradd(&a, &b, &r);
	assert_int_equal(r.tv_sec, 4);
	assert_int_equal(r.tv_usec, 300000);
	evutil_timeradd(&a, &a, &a);	/* the output may be an input */
	assert_int_equal(a.tv_sec, 3);
	assert_int_equal(a.tv_usec, 400000);
}

static void
test_timersub_borrows_one_second(void **state)
{
	struct timeval a = tv(5, 100000), b = tv(2, 300000), r;

	(void)state;
	evutil_timersub(&a, &b, &r);
	assert_int_equal(r.tv_sec, 2);
	assert_int_equal(r.tv_usec, 800000);
	evutil_timersub(&b, &a, &r);	/* negative: -3 s + 200000 us */
	assert_int_equal(r.tv_sec, -3);
	assert_int_equal(r.tv_usec, 200000);
}

static void
test_timercmp_works_for_every_operator(void **state)
{
	struct timeval a = tv(1, 500), b = tv(1, 600), c = tv(2, 0);

	(void)state;
	assert_true(evutil_timercmp(&a, &b, <));
	assert_true(evutil_timercmp(&a, &b, <=));
	assert_true(evutil_timercmp(&a, &a, <=));
	assert_true(evutil_timercmp(&a, &a, >=));
	assert_true(evutil_timercmp(&a, &a, ==));
	assert_false(evutil_timercmp(&b, &a, <=));
	assert_true(evutil_timercmp(&c, &b, >));
	assert_true(evutil_timercmp(&c, &b, !=));
	assert_false(evutil_timercmp(&b, &c, >=));
}

static void
test_timerclear_and_timerisset(void **state)
{
	struct timeval a = tv(0, 1);

	(void)state;
	assert_true(evutil_timerisset(&a));
	evutil_timerclear(&a);
	assert_false(evutil_timerisset(&a));
	assert_int_equal(a.tv_sec, 0);
	a.tv_sec = 3;
	assert_true(evutil_timerisset(&a));
}

static void
test_gettimeofday_reads_the_wall_clock(void **state)
{
	struct timeval now;
	time_t before = time(NULL), after;

	(void)state;
	assert_int_equal(evutil_gettimeofday(&now, NULL), 0);
	after = time(NULL);
	assert_true(now.tv_sec >= before && now.tv_sec <= after);
	assert_true(now.tv_usec >= 0 && now.tv_usec < 1000000);
}

static void
test_monotonic_time_never_goes_backwards(void **state)
{
	struct timeval prev, now;
	int i, precise;

	(void)state;
	for (precise = 0; precise <= 1; precise++) {
		assert_int_equal(evutil_gettime_monotonic(&prev, precise), 0);
		for (i = 0; i < 10000; i++) {
			assert_int_equal(evutil_gettime_monotonic(&now, precise), 0);
			assert_true(now.tv_usec >= 0 && now.tv_usec < 1000000);
			assert_false(evutil_timercmp(&now, &prev, <));
			prev = now;
		}
	}
}

static void
test_coarse_reading_never_runs_ahead_of_a_later_precise_one(void **state)
{
	struct timeval coarse, precise;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		assert_int_equal(evutil_gettime_monotonic(&coarse, 0), 0);
		assert_int_equal(evutil_gettime_monotonic(&precise, 1), 0);
		assert_false(evutil_timercmp(&coarse, &precise, >));
	}
}

static void
test_monotonic_clock_is_not_the_wall_clock(void **state)
{
	struct timeval mono, wall;
	struct timespec ts;

	(void)state;
	assert_int_equal(evutil_gettime_monotonic(&mono, 1), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_int_equal(evutil_gettimeofday(&wall, NULL), 0);
	/* The same clock as CLOCK_MONOTONIC, read a moment earlier... */
	assert_true(mono.tv_sec <= ts.tv_sec && mono.tv_sec >= ts.tv_sec - 1);
	/* ...which counts from boot, not from 1970 (unless a machine has been
	 * up for decades). */
	assert_true(wall.tv_sec - mono.tv_sec > 365L * 24 * 3600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeradd_carries_one_second),
		cmocka_unit_test(test_timersub_borrows_one_second),
		cmocka_unit_test(test_timercmp_works_for_every_operator),
		cmocka_unit_test(test_timerclear_and_timerisset),
		cmocka_unit_test(test_gettimeofday_reads_the_wall_clock),
		cmocka_unit_test(test_monotonic_time_never_goes_backwards),
		cmocka_unit_test(test_coarse_reading_never_runs_ahead_of_a_later_precise_one),
		cmocka_unit_test(test_monotonic_clock_is_not_the_wall_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
