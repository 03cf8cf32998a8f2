/* Chapter 02: timeval arithmetic, the wall clock, the monotonic clock, the
 * monotonic timer object and RFC 1123 dates. */
#include <event2/util.h>

#include <event2/event.h>

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evutil_test.h"
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
	/* Bracketed by the precise wall clock: time() reads the kernel's
	 * coarse copy, which can still show the last second just after
	 * gettimeofday() has seen the next one. */
	struct timeval now;
	struct timespec before, after;

	(void)state;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &before), 0);
	assert_int_equal(evutil_gettimeofday(&now, NULL), 0);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &after), 0);
	assert_true(now.tv_sec >= before.tv_sec && now.tv_sec <= after.tv_sec);
	assert_true(now.tv_usec >= 0 && now.tv_usec < 1000000);
}

static void
test_monotonic_time_never_goes_backwards(void **state)
{
	struct timeval prev, now;
	int i, precise;

	(void)state;
	for (precise = 0; precise <= 1; precise++) {
		assert_int_equal(evutil_monotonic_now(&prev, precise), 0);
		for (i = 0; i < 10000; i++) {
			assert_int_equal(evutil_monotonic_now(&now, precise), 0);
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
		assert_int_equal(evutil_monotonic_now(&coarse, 0), 0);
		assert_int_equal(evutil_monotonic_now(&precise, 1), 0);
		assert_false(evutil_timercmp(&coarse, &precise, >));
	}
}

static void
test_monotonic_clock_is_not_the_wall_clock(void **state)
{
	struct timeval mono, wall;
	struct timespec ts;

	(void)state;
	assert_int_equal(evutil_monotonic_now(&mono, 1), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_int_equal(evutil_gettimeofday(&wall, NULL), 0);
	/* The same clock as CLOCK_MONOTONIC, read a moment earlier... */
	assert_true(mono.tv_sec <= ts.tv_sec && mono.tv_sec >= ts.tv_sec - 1);
	/* ...which counts from boot, not from 1970 (unless a machine has been
	 * up for decades). */
	assert_true(wall.tv_sec - mono.tv_sec > 365L * 24 * 3600);
}

/* Allocation hooks that count, to see where a timer comes from. */
static int allocs, frees;

static void *
counting_malloc(size_t n)
{
	allocs++;
	return malloc(n);
}

static void *
counting_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

static void
counting_free(void *p)
{
	frees++;
	free(p);
}

static void
test_monotonic_timer_comes_from_the_allocation_hooks(void **state)
{
	struct evutil_monotonic_timer *timer;

	(void)state;
	allocs = frees = 0;
	event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
	timer = evutil_monotonic_timer_new();
	assert_non_null(timer);
	assert_int_equal(allocs, 1);
	evutil_monotonic_timer_free(timer);
	assert_int_equal(frees, 1);
	evutil_monotonic_timer_free(NULL);	/* allowed, like free(NULL) */
	event_set_mem_functions(NULL, NULL, NULL);
}

static void
test_monotonic_timer_never_goes_backwards_for_any_flags(void **state)
{
	const int flags[] = { 0, EV_MONOT_PRECISE, EV_MONOT_FALLBACK,
		EV_MONOT_PRECISE | EV_MONOT_FALLBACK };
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();
	struct timeval prev, now;
	size_t f;
	int i;

	(void)state;
	assert_non_null(timer);
	for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		assert_int_equal(evutil_configure_monotonic_time(timer, flags[f]), 0);
		assert_int_equal(evutil_gettime_monotonic(timer, &prev), 0);
		for (i = 0; i < 10000; i++) {
			assert_int_equal(evutil_gettime_monotonic(timer, &now), 0);
			assert_true(now.tv_usec >= 0 && now.tv_usec < 1000000);
			assert_false(evutil_timercmp(&now, &prev, <));
			prev = now;
		}
	}
	evutil_monotonic_timer_free(timer);
}

static void
test_unconfigured_timer_reads_the_coarse_clock(void **state)
{
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();
	struct timeval coarse, precise;
	int i;

	(void)state;
	assert_non_null(timer);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(evutil_gettime_monotonic(timer, &coarse), 0);
		assert_int_equal(evutil_monotonic_now(&precise, 1), 0);
		assert_false(evutil_timercmp(&coarse, &precise, >));
	}
	evutil_monotonic_timer_free(timer);
}

static void
test_precise_timer_reads_clock_monotonic(void **state)
{
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();
	struct timeval mono, wall;
	struct timespec ts;

	(void)state;
	assert_non_null(timer);
	assert_int_equal(evutil_configure_monotonic_time(timer, EV_MONOT_PRECISE), 0);
	assert_int_equal(evutil_gettime_monotonic(timer, &mono), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_int_equal(evutil_gettimeofday(&wall, NULL), 0);
	assert_true(mono.tv_sec <= ts.tv_sec && mono.tv_sec >= ts.tv_sec - 1);
	assert_true(wall.tv_sec - mono.tv_sec > 365L * 24 * 3600);
	evutil_monotonic_timer_free(timer);
}

static void
test_fallback_timer_follows_the_wall_clock(void **state)
{
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();
	struct timeval before, reading, after;

	(void)state;
	assert_non_null(timer);
	assert_int_equal(evutil_configure_monotonic_time(timer, EV_MONOT_FALLBACK), 0);
	assert_int_equal(evutil_gettimeofday(&before, NULL), 0);
	assert_int_equal(evutil_gettime_monotonic(timer, &reading), 0);
	assert_int_equal(evutil_gettimeofday(&after, NULL), 0);
	/* Nobody sets the clock back during the test, so the offset is 0. */
	assert_false(evutil_timercmp(&reading, &before, <));
	assert_false(evutil_timercmp(&reading, &after, >));
	evutil_monotonic_timer_free(timer);
}

static void
expect_adjusted(struct evutil_monotonic_timer *timer, long sec, long usec,
    long want_sec, long want_usec)
{
	struct timeval t = tv(sec, usec);

	evutil_adjust_fallback_reading(timer, &t);
	assert_int_equal(t.tv_sec, want_sec);
	assert_int_equal(t.tv_usec, want_usec);
}

static void
test_fallback_stands_still_when_the_wall_clock_goes_back(void **state)
{
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();

	(void)state;
	assert_non_null(timer);
	assert_int_equal(evutil_configure_monotonic_time(timer, EV_MONOT_FALLBACK), 0);
	expect_adjusted(timer, 100, 500000, 100, 500000);
	expect_adjusted(timer, 100, 900000, 100, 900000);
	expect_adjusted(timer, 99, 0, 100, 900000);	/* back 1.9 s: stand still */
	expect_adjusted(timer, 99, 100000, 101, 0);	/* then go on from there */
	expect_adjusted(timer, 98, 0, 101, 0);	/* back again: offset 3.0 s */
	expect_adjusted(timer, 98, 500000, 101, 500000);
	expect_adjusted(timer, 200, 0, 203, 0);	/* forward jumps are kept */
	/* Configuring again forgets the offset and the last reading. */
	assert_int_equal(evutil_configure_monotonic_time(timer, EV_MONOT_FALLBACK), 0);
	expect_adjusted(timer, 5, 0, 5, 0);
	evutil_monotonic_timer_free(timer);
}

static void
test_monotonic_timer_refuses_null_and_unknown_flags(void **state)
{
	struct evutil_monotonic_timer *timer = evutil_monotonic_timer_new();
	struct timeval t;

	(void)state;
	assert_non_null(timer);
	capture_log_start();
	assert_int_equal(evutil_configure_monotonic_time(timer, 4), -1);
	assert_true(captured_contains("unknown flags 0x4"));
	assert_int_equal(evutil_configure_monotonic_time(timer, -1), -1);
	assert_int_equal(evutil_configure_monotonic_time(NULL, 0), -1);
	assert_int_equal(evutil_gettime_monotonic(NULL, &t), -1);
	assert_int_equal(evutil_gettime_monotonic(timer, NULL), -1);
	assert_int_equal(captured.count, 5);
	capture_log_stop();
	/* The refused flags left the timer as it was: still usable. */
	assert_int_equal(evutil_gettime_monotonic(timer, &t), 0);
	evutil_monotonic_timer_free(timer);
}

/* 784111777 is RFC 7231's example date, Sun, 06 Nov 1994 08:49:37 GMT. */
static const time_t rfc_example = 784111777;

static void
test_date_rfc1123_formats_a_fixed_time(void **state)
{
	struct tm tm;
	char buf[64];

	(void)state;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 94;
	tm.tm_mon = 10;
	tm.tm_mday = 6;
	tm.tm_wday = 0;
	tm.tm_hour = 8;
	tm.tm_min = 49;
	tm.tm_sec = 37;
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
	assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_year = 100;
	tm.tm_mon = 0;
	tm.tm_wday = 6;
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
	assert_string_equal(buf, "Sat, 01 Jan 2000 00:00:00 GMT");
}

static void
test_date_rfc1123_names_every_day_and_month_in_english(void **state)
{
	const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char buf[64];
	time_t t;
	int i;

	(void)state;
	for (i = 0; i < 7; i++) {
		t = rfc_example + (time_t)i * 86400;
		assert_non_null(gmtime_r(&t, &tm));
		assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
		assert_memory_equal(buf, days[i], 3);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 15;
	tm.tm_year = 121;
	for (i = 0; i < 12; i++) {
		tm.tm_mon = i;
		assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
		assert_memory_equal(buf + 8, months[i], 3);
	}
}

static void
test_date_rfc1123_truncates_like_snprintf(void **state)
{
	struct tm tm;
	char buf[10];

	(void)state;
	assert_non_null(gmtime_r(&rfc_example, &tm));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), 29);
	assert_string_equal(buf, "Sun, 06 N");
	assert_int_equal(evutil_date_rfc1123(buf, 1, &tm), 29);
	assert_string_equal(buf, "");
	/* No buffer at all: only the length it would need. */
	assert_int_equal(evutil_date_rfc1123(NULL, 0, &tm), 29);
}

static void
test_date_rfc1123_without_tm_is_the_current_time(void **state)
{
	char now[64], earlier[64], later[64];
	time_t before, after;
	struct tm tm;

	(void)state;
	before = time(NULL);
	assert_int_equal(evutil_date_rfc1123(now, sizeof(now), NULL), 29);
	after = time(NULL);
	assert_non_null(gmtime_r(&before, &tm));
	evutil_date_rfc1123(earlier, sizeof(earlier), &tm);
	assert_non_null(gmtime_r(&after, &tm));
	evutil_date_rfc1123(later, sizeof(later), &tm);
	assert_true(strcmp(now, earlier) == 0 || strcmp(now, later) == 0);
}

static void
test_date_rfc1123_refuses_fields_out_of_range(void **state)
{
	struct tm tm;
	char buf[64] = "untouched";

	(void)state;
	assert_non_null(gmtime_r(&rfc_example, &tm));
	capture_log_start();
	tm.tm_wday = 7;
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), -1);
	tm.tm_wday = 0;
	tm.tm_mon = -1;
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), -1);
	tm.tm_mon = 12;
	assert_int_equal(evutil_date_rfc1123(buf, sizeof(buf), &tm), -1);
	tm.tm_mon = 10;
	assert_int_equal(evutil_date_rfc1123(NULL, 5, &tm), -1);
	assert_int_equal(captured.count, 4);
	assert_true(captured_contains("out of range"));
	capture_log_stop();
	assert_string_equal(buf, "untouched");
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
		cmocka_unit_test(test_monotonic_timer_comes_from_the_allocation_hooks),
		cmocka_unit_test(test_monotonic_timer_never_goes_backwards_for_any_flags),
		cmocka_unit_test(test_unconfigured_timer_reads_the_coarse_clock),
		cmocka_unit_test(test_precise_timer_reads_clock_monotonic),
		cmocka_unit_test(test_fallback_timer_follows_the_wall_clock),
		cmocka_unit_test(test_fallback_stands_still_when_the_wall_clock_goes_back),
		cmocka_unit_test(test_monotonic_timer_refuses_null_and_unknown_flags),
		cmocka_unit_test(test_date_rfc1123_formats_a_fixed_time),
		cmocka_unit_test(test_date_rfc1123_names_every_day_and_month_in_english),
		cmocka_unit_test(test_date_rfc1123_truncates_like_snprintf),
		cmocka_unit_test(test_date_rfc1123_without_tm_is_the_current_time),
		cmocka_unit_test(test_date_rfc1123_refuses_fields_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
