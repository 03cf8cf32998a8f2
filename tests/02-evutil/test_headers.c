/* Chapter 02: <event2/util.h> gives a program what libevent 2.1's does.
 * It is included first and alone, so that nothing else brings <time.h>. */
#include <event2/util.h>

#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Programs that include only <event2/util.h> use struct tm, gmtime_r() and
 * PRIu64: libevent's header includes <time.h> and <inttypes.h>. */
static void
test_util_h_brings_time_h_and_inttypes_h(void **state)
{
	(void)state;
#if defined(CLOCKS_PER_SEC) && defined(PRIu64)
	{
		struct tm tm;
		time_t t = 86400;
		char text[32];

		assert_non_null(gmtime_r(&t, &tm));
		assert_int_equal(tm.tm_mday, 2);
		snprintf(text, sizeof(text), "%" PRIu64, (uint64_t)t);
		assert_string_equal(text, "86400");
	}
#else
	fail_msg("<event2/util.h> did not include <time.h> and <inttypes.h>");
#endif
}

/* On Linux libevent 2.1 makes evutil_gettimeofday a macro for
 * gettimeofday(); the exported function is still there. */
static void
test_gettimeofday_is_a_macro_and_still_a_function(void **state)
{
	struct timeval a, b;
	int is_macro = 0;

	(void)state;
#ifdef evutil_gettimeofday
	is_macro = 1;
#endif
	assert_true(is_macro);
	assert_int_equal(evutil_gettimeofday(&a, NULL), 0);
	assert_int_equal((evutil_gettimeofday)(&b, NULL), 0);
	assert_true(evutil_timercmp(&a, &b, <=));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_h_brings_time_h_and_inttypes_h),
		cmocka_unit_test(test_gettimeofday_is_a_macro_and_still_a_function),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
