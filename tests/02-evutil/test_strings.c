/* Chapter 02: evutil_strtoll, the snprintf pair, ASCII case folding. */
#include <event2/util.h>

#include <errno.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static void
test_strtoll_parses_64_bit_values_in_any_base(void **state)
{
	char *end;

	(void)state;
	assert_true(evutil_strtoll("9223372036854775807", &end, 10) == EV_INT64_MAX);
	assert_int_equal(*end, '\0');
	assert_true(evutil_strtoll("-9223372036854775808", NULL, 10) == EV_INT64_MIN);
	assert_true(evutil_strtoll("ff", NULL, 16) == 255);
	assert_true(evutil_strtoll("0x10", NULL, 0) == 16);
	assert_true(evutil_strtoll("010", NULL, 0) == 8);
	assert_true(evutil_strtoll("  +42", NULL, 10) == 42);
}

static void
test_strtoll_of_empty_text_returns_zero_and_points_at_the_start(void **state)
{
	const char *empty = "", *junk = "xyz";
	char *end;

	(void)state;
	assert_true(evutil_strtoll(empty, &end, 10) == 0);
	assert_ptr_equal(end, empty);
	assert_true(evutil_strtoll(junk, &end, 10) == 0);
	assert_ptr_equal(end, junk);
	assert_true(evutil_strtoll("-", &end, 10) == 0);
}

static void
test_strtoll_stops_at_trailing_junk(void **state)
{
	const char *s = "1234abc";
	char *end;

	(void)state;
	assert_true(evutil_strtoll(s, &end, 10) == 1234);
	assert_ptr_equal(end, s + 4);
	assert_string_equal(end, "abc");
}

static void
test_strtoll_out_of_range_clamps_and_sets_erange(void **state)
{
	char *end;
	char overlong[400];

	(void)state;
	errno = 0;
	assert_true(evutil_strtoll("9223372036854775808", &end, 10) == EV_INT64_MAX);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_true(evutil_strtoll("-9223372036854775809", NULL, 10) == EV_INT64_MIN);
	assert_int_equal(errno, ERANGE);
	memset(overlong, '7', sizeof(overlong) - 1);
	overlong[sizeof(overlong) - 1] = '\0';
	errno = 0;
	assert_true(evutil_strtoll(overlong, &end, 10) == EV_INT64_MAX);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(*end, '\0');	/* every digit was consumed */
}

static void
test_snprintf_truncates_and_always_terminates(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(evutil_snprintf(buf, sizeof(buf), "%s-%d", "hello", 12345), 11);
	assert_string_equal(buf, "hello-1");
	assert_int_equal(evutil_snprintf(buf, sizeof(buf), "%d", 42), 2);
	assert_string_equal(buf, "42");
	/* With no room at all, nothing is written and the length is still told. */
	buf[0] = 'q';
	assert_int_equal(evutil_snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'q');
	assert_int_equal(evutil_snprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
}

static int
format_via_va_list(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = evutil_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return r;
}

static void
test_vsnprintf_takes_a_va_list(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(format_via_va_list(buf, sizeof(buf), "%s=%u", "port", 80u), 7);
	assert_string_equal(buf, "port=80");
	assert_int_equal(format_via_va_list(buf, 4, "%s", "truncated"), 9);
	assert_string_equal(buf, "tru");
}

static void
test_ascii_strcasecmp_ignores_only_ascii_case(void **state)
{
	(void)state;
	assert_int_equal(evutil_ascii_strcasecmp("Content-Type", "content-type"), 0);
	assert_int_equal(evutil_ascii_strcasecmp("TITLE", "title"), 0);
	assert_true(evutil_ascii_strcasecmp("abc", "ABD") < 0);
	assert_true(evutil_ascii_strcasecmp("ABD", "abc") > 0);
	assert_true(evutil_ascii_strcasecmp("abc", "abcd") < 0);
	assert_true(evutil_ascii_strcasecmp("abcd", "ABC") > 0);
	assert_int_equal(evutil_ascii_strcasecmp("", ""), 0);
	/* '[' (0x5b) sits between 'Z' and 'a': no folding may move it. */
	assert_true(evutil_ascii_strcasecmp("[", "a") < 0);
	assert_true(evutil_ascii_strcasecmp("[", "A") < 0);
}

static void
test_ascii_strncasecmp_stops_after_n_bytes(void **state)
{
	(void)state;
	assert_int_equal(evutil_ascii_strncasecmp("HOST: a", "host: b", 5), 0);
	assert_true(evutil_ascii_strncasecmp("HOST: a", "host: b", 7) < 0);
	assert_int_equal(evutil_ascii_strncasecmp("abc", "xyz", 0), 0);
	assert_true(evutil_ascii_strncasecmp("ab", "abc", 3) < 0);
	assert_true(evutil_ascii_strncasecmp("abc", "ab", 3) > 0);
	assert_int_equal(evutil_ascii_strncasecmp("ab", "AB", 100), 0);
	assert_int_equal(evutil_ascii_strncasecmp("Ab\0zz", "aB\0yy", 5), 0);
}

static void
test_ascii_case_folding_leaves_high_bytes_alone(void **state)
{
	(void)state;
	/* 0xc9 and 0xe9 are E-acute in Latin-1; they must stay different, and
	 * high bytes sort above every ASCII byte. */
	assert_int_not_equal(evutil_ascii_strcasecmp("\xc9", "\xe9"), 0);
	assert_true(evutil_ascii_strcasecmp("\xc9", "\xe9") < 0);
	assert_true(evutil_ascii_strncasecmp("a\x80", "A\x7f", 2) > 0);
	assert_true(evutil_ascii_strcasecmp("z", "\xff") < 0);
}

struct sample {
	char a;
	int b;
	double c;
};

static void
test_offsetof_matches_the_compiler(void **state)
{
	(void)state;
	assert_int_equal(evutil_offsetof(struct sample, c), offsetof(struct sample, c));
	assert_int_equal(evutil_offsetof(struct sample, a), 0);
}

static void
test_integer_types_have_their_widths(void **state)
{
	(void)state;
	assert_int_equal(sizeof(ev_uint64_t), 8);
	assert_int_equal(sizeof(ev_int32_t), 4);
	assert_int_equal(sizeof(ev_uint16_t), 2);
	assert_int_equal(sizeof(ev_int8_t), 1);
	assert_int_equal(sizeof(ev_uintptr_t), sizeof(void *));
	assert_int_equal(sizeof(ev_ssize_t), sizeof(size_t));
	assert_int_equal(sizeof(ev_off_t), 8);
	assert_true(EV_UINT32_MAX == 4294967295u);
	assert_true(EV_INT16_MIN == -32768);
	assert_true(EV_SSIZE_MIN < 0 && EV_SSIZE_MAX > 0);
	assert_true(EV_UINT8_MAX == 255 && EV_INT8_MAX == 127);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtoll_parses_64_bit_values_in_any_base),
		cmocka_unit_test(test_strtoll_of_empty_text_returns_zero_and_points_at_the_start),
		cmocka_unit_test(test_strtoll_stops_at_trailing_junk),
		cmocka_unit_test(test_strtoll_out_of_range_clamps_and_sets_erange),
		cmocka_unit_test(test_snprintf_truncates_and_always_terminates),
		cmocka_unit_test(test_vsnprintf_takes_a_va_list),
		cmocka_unit_test(test_ascii_strcasecmp_ignores_only_ascii_case),
		cmocka_unit_test(test_ascii_strncasecmp_stops_after_n_bytes),
		cmocka_unit_test(test_ascii_case_folding_leaves_high_bytes_alone),
		cmocka_unit_test(test_offsetof_matches_the_compiler),
		cmocka_unit_test(test_integer_types_have_their_widths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
