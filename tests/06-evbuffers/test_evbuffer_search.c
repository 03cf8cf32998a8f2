/* Chapter 06: lines in every end-of-line style, positions, searching,
 * peeking and the obsolete finders, including bytes that straddle chains. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include "evbuffer-internal.h"
#include "evbuffer_helpers.h"

#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Read one line and compare it (NULL: expect no line). */
static void
expect_line(struct evbuffer *buf, enum evbuffer_eol_style style,
    const char *want)
{
	size_t n = 12345;
	char *line = evbuffer_readln(buf, &n, style);

	evbuffer_check_invariants(buf);
	if (want == NULL) {
		assert_null(line);
		assert_int_equal(n, 0);
		return;
	}
	assert_non_null(line);
	assert_string_equal(line, want);
	assert_int_equal(n, strlen(want));
	free(line);
}

static void
test_readln_lf_splits_on_newline_only(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add_printf(buf, "one\r\ntwo\n\nthree");
	expect_line(buf, EVBUFFER_EOL_LF, "one\r");
	expect_line(buf, EVBUFFER_EOL_LF, "two");
	expect_line(buf, EVBUFFER_EOL_LF, "");
	expect_line(buf, EVBUFFER_EOL_LF, NULL);
	assert_holds_str(buf, "three");
	evbuffer_free(buf);
}

static void
test_readln_crlf_accepts_a_bare_lf(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add_printf(buf, "GET / HTTP/1.0\r\nHost: x\n\r\n");
	expect_line(buf, EVBUFFER_EOL_CRLF, "GET / HTTP/1.0");
	expect_line(buf, EVBUFFER_EOL_CRLF, "Host: x");
	expect_line(buf, EVBUFFER_EOL_CRLF, "");
	expect_line(buf, EVBUFFER_EOL_CRLF, NULL);
	assert_holds(buf, "", 0);
	evbuffer_free(buf);
}

static void
test_readln_crlf_keeps_a_lone_cr_in_the_line(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add_printf(buf, "a\rb\r\r\n");
	expect_line(buf, EVBUFFER_EOL_CRLF, "a\rb\r");
	evbuffer_free(buf);
}

static void
test_readln_crlf_strict_needs_both_bytes(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add_printf(buf, "a\nb\rc\r\nd\n");
	expect_line(buf, EVBUFFER_EOL_CRLF_STRICT, "a\nb\rc");
	expect_line(buf, EVBUFFER_EOL_CRLF_STRICT, NULL);
	assert_holds_str(buf, "d\n");
	evbuffer_free(buf);
}

static void
test_readln_crlf_with_cr_and_lf_in_different_chains(void **state)
{
	static const char *const pieces[] = { "first\r", "\nsecond\r", "\n", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer *strict = buffer_of_pieces(pieces);

	(void)state;
	expect_line(buf, EVBUFFER_EOL_CRLF, "first");
	expect_line(buf, EVBUFFER_EOL_CRLF, "second");
	assert_holds(buf, "", 0);
	expect_line(strict, EVBUFFER_EOL_CRLF_STRICT, "first");
	expect_line(strict, EVBUFFER_EOL_CRLF_STRICT, "second");
	assert_holds(strict, "", 0);
	evbuffer_free(buf);
	evbuffer_free(strict);
}

static void
test_readln_crlf_waits_while_the_cr_is_the_last_byte(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add(buf, "partial\r", 8);
	expect_line(buf, EVBUFFER_EOL_CRLF, NULL);
	expect_line(buf, EVBUFFER_EOL_CRLF_STRICT, NULL);
	assert_holds_str(buf, "partial\r");
	add_as_own_chain(buf, "\nnext");
	expect_line(buf, EVBUFFER_EOL_CRLF, "partial");
	assert_holds_str(buf, "next");
	evbuffer_free(buf);
}

static void
test_readln_any_takes_the_whole_run_across_chains(void **state)
{
	static const char *const pieces[] = { "x\r", "\n\r", "\ny\n", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);

	(void)state;
	expect_line(buf, EVBUFFER_EOL_ANY, "x");
	assert_holds_str(buf, "y\n");
	expect_line(buf, EVBUFFER_EOL_ANY, "y");
	expect_line(buf, EVBUFFER_EOL_ANY, NULL);
	evbuffer_free(buf);
}

static void
test_readln_nul_splits_on_zero_bytes(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add(buf, "ab\0cd\0e", 7);
	expect_line(buf, EVBUFFER_EOL_NUL, "ab");
	expect_line(buf, EVBUFFER_EOL_NUL, "cd");
	expect_line(buf, EVBUFFER_EOL_NUL, NULL);
	assert_holds_str(buf, "e");
	evbuffer_free(buf);
}

static void
test_readln_of_an_unknown_style_fails_and_keeps_the_bytes(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add(buf, "a\n", 2);
	expect_line(buf, (enum evbuffer_eol_style)42, NULL);
	assert_holds_str(buf, "a\n");
	evbuffer_free(buf);
}

static void
test_readln_over_many_lines_in_many_chains(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char want[32];
	int i;

	(void)state;
	for (i = 0; i < 3000; i++)
		evbuffer_add_printf(buf, "line %d\r\n", i);
	for (i = 0; i < 3000; i++) {
		snprintf(want, sizeof(want), "line %d", i);
		expect_line(buf, EVBUFFER_EOL_CRLF, want);
	}
	assert_holds(buf, "", 0);
	evbuffer_free(buf);
}

static void
test_obsolete_readline_is_eol_any(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char *line;

	(void)state;
	evbuffer_add_printf(buf, "old\n\r\nnew");
	line = evbuffer_readline(buf);
	assert_string_equal(line, "old");
	free(line);
	assert_holds_str(buf, "new");
	assert_null(evbuffer_readline(buf));
	evbuffer_free(buf);
}

static void
test_search_finds_a_pattern_that_straddles_chains(void **state)
{
	static const char *const pieces[] = { "hello wo", "r", "ld, hello", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr p;
	char out[5];

	(void)state;
	p = evbuffer_search(buf, "world", 5, NULL);
	assert_int_equal(p.pos, 6);
	assert_int_equal(evbuffer_copyout_from(buf, &p, out, 5), 5);
	assert_memory_equal(out, "world", 5);
	p = evbuffer_search(buf, "hello", 5, NULL);
	assert_int_equal(p.pos, 0);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD), 0);
	p = evbuffer_search(buf, "hello", 5, &p);
	assert_int_equal(p.pos, 13);
	p = evbuffer_search(buf, "worlds", 6, NULL);
	assert_int_equal(p.pos, -1);
	p = evbuffer_search(buf, "hello!", 6, NULL);
	assert_int_equal(p.pos, -1);
	evbuffer_free(buf);
}

static void
test_search_counts_every_occurrence(void **state)
{
	static const char *const pieces[] = { "abab", "aba", "b", "ab", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr p;
	int count = 0;

	(void)state;
	evbuffer_ptr_set(buf, &p, 0, EVBUFFER_PTR_SET);
	for (;;) {
		p = evbuffer_search(buf, "ab", 2, &p);
		if (p.pos < 0)
			break;
		count++;
		if (evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD) < 0)
			break;
	}
	assert_int_equal(count, 5);
	evbuffer_free(buf);
}

static void
test_search_range_only_accepts_matches_that_end_before_end(void **state)
{
	static const char *const pieces[] = { "xxab", "cxxabc", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr start, end, p;

	(void)state;
	evbuffer_ptr_set(buf, &end, 4, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(buf, "abc", 3, NULL, &end);
	assert_int_equal(p.pos, -1);
	evbuffer_ptr_set(buf, &end, 5, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(buf, "abc", 3, NULL, &end);
	assert_int_equal(p.pos, 2);
	evbuffer_ptr_set(buf, &start, 3, EVBUFFER_PTR_SET);
	evbuffer_ptr_set(buf, &end, 10, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(buf, "abc", 3, &start, &end);
	assert_int_equal(p.pos, 7);
	evbuffer_ptr_set(buf, &end, 9, EVBUFFER_PTR_SET);
	p = evbuffer_search_range(buf, "abc", 3, &start, &end);
	assert_int_equal(p.pos, -1);
	p = evbuffer_search_range(buf, "c", 1, &start, NULL);
	assert_int_equal(p.pos, 4);
	evbuffer_free(buf);
}

static void
test_search_with_an_empty_pattern_finds_the_start(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_ptr p;

	(void)state;
	evbuffer_add(buf, "abc", 3);
	evbuffer_ptr_set(buf, &p, 2, EVBUFFER_PTR_SET);
	p = evbuffer_search(buf, "", 0, &p);
	assert_int_equal(p.pos, 2);
	evbuffer_free(buf);
}

static void
test_search_refuses_negative_and_out_of_range_positions(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_ptr p, r;
	struct evbuffer_iovec v[2];
	size_t eol_len = 7;

	(void)state;
	evbuffer_add(buf, "abc\n", 4);
	p.pos = -1;
	p.internal_.chain = NULL;
	p.internal_.pos_in_chain = 0;
	r = evbuffer_search(buf, "a", 1, &p);
	assert_int_equal(r.pos, -1);
	r = evbuffer_search_range(buf, "a", 1, NULL, &p);
	assert_int_equal(r.pos, -1);
	r = evbuffer_search_eol(buf, &p, &eol_len, EVBUFFER_EOL_LF);
	assert_int_equal(r.pos, -1);
	assert_int_equal(eol_len, 0);
	assert_int_equal(evbuffer_peek(buf, -1, &p, v, 2), -1);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD), -1);
	p.pos = 99;
	r = evbuffer_search(buf, "a", 1, &p);
	assert_int_equal(r.pos, -1);
	assert_int_equal(evbuffer_search(buf, NULL, 3, NULL).pos, -1);
	assert_holds_str(buf, "abc\n");
	evbuffer_free(buf);
}

static void
test_search_eol_reports_position_and_length_for_each_style(void **state)
{
	static const char *const pieces[] = { "ab\r", "\n\ncd", "\0", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr p, start;
	size_t len;

	(void)state;
	evbuffer_add(buf, "", 1);	/* a real NUL byte at the end */
	p = evbuffer_search_eol(buf, NULL, &len, EVBUFFER_EOL_CRLF);
	assert_int_equal(p.pos, 2);
	assert_int_equal(len, 2);
	p = evbuffer_search_eol(buf, NULL, &len, EVBUFFER_EOL_CRLF_STRICT);
	assert_int_equal(p.pos, 2);
	assert_int_equal(len, 2);
	p = evbuffer_search_eol(buf, NULL, &len, EVBUFFER_EOL_LF);
	assert_int_equal(p.pos, 3);
	assert_int_equal(len, 1);
	p = evbuffer_search_eol(buf, NULL, &len, EVBUFFER_EOL_ANY);
	assert_int_equal(p.pos, 2);
	assert_int_equal(len, 3);
	p = evbuffer_search_eol(buf, NULL, &len, EVBUFFER_EOL_NUL);
	assert_int_equal(p.pos, 7);
	assert_int_equal(len, 1);
	evbuffer_ptr_set(buf, &start, 4, EVBUFFER_PTR_SET);
	p = evbuffer_search_eol(buf, &start, &len, EVBUFFER_EOL_CRLF);
	assert_int_equal(p.pos, 4);
	assert_int_equal(len, 1);
	evbuffer_ptr_set(buf, &start, 5, EVBUFFER_PTR_SET);
	p = evbuffer_search_eol(buf, &start, NULL, EVBUFFER_EOL_LF);
	assert_int_equal(p.pos, -1);
	evbuffer_free(buf);
}

static void
test_ptr_set_moves_within_the_buffer_and_refuses_beyond_it(void **state)
{
	static const char *const pieces[] = { "ab", "cde", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr p;
	char c;

	(void)state;
	assert_int_equal(evbuffer_ptr_set(buf, &p, 3, EVBUFFER_PTR_SET), 0);
	assert_int_equal(p.pos, 3);
	assert_int_equal(evbuffer_copyout_from(buf, &p, &c, 1), 1);
	assert_int_equal(c, 'd');
	assert_int_equal(evbuffer_ptr_set(buf, &p, 2, EVBUFFER_PTR_ADD), 0);
	assert_int_equal(p.pos, 5);		/* just past the end is fine */
	assert_int_equal(evbuffer_copyout_from(buf, &p, &c, 1), 0);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 1, EVBUFFER_PTR_ADD), -1);
	assert_int_equal(p.pos, -1);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 6, EVBUFFER_PTR_SET), -1);
	assert_int_equal(p.pos, -1);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 0, EVBUFFER_PTR_SET), 0);
	assert_int_equal(evbuffer_ptr_set(buf, &p, (size_t)-1, EVBUFFER_PTR_ADD), -1);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 0, (enum evbuffer_ptr_how)9), -1);
	evbuffer_free(buf);
}

static void
test_peek_across_many_chains(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[40];
	struct evbuffer_ptr p;
	char piece[8];
	int i, n;

	(void)state;
	for (i = 0; i < 30; i++) {
		snprintf(piece, sizeof(piece), "%02d:", i);
		add_as_own_chain(buf, piece);
	}
	assert_int_equal(evbuffer_peek(buf, -1, NULL, NULL, 0), 30);
	n = evbuffer_peek(buf, -1, NULL, v, 40);
	assert_int_equal(n, 30);
	for (i = 0; i < 30; i++) {
		snprintf(piece, sizeof(piece), "%02d:", i);
		assert_int_equal(v[i].iov_len, 3);
		assert_memory_equal(v[i].iov_base, piece, 3);
	}
	/* Ten bytes need four chains; only two vectors are given. */
	assert_int_equal(evbuffer_peek(buf, 10, NULL, v, 2), 4);
	assert_memory_equal(v[1].iov_base, "01:", 3);
	assert_int_equal(evbuffer_peek(buf, 10, NULL, NULL, 0), 4);
	assert_int_equal(evbuffer_peek(buf, -1, NULL, v, 5), 5);
	assert_int_equal(evbuffer_peek(buf, 0, NULL, v, 5), 0);
	/* From the middle of chain 20. */
	evbuffer_ptr_set(buf, &p, 61, EVBUFFER_PTR_SET);
	n = evbuffer_peek(buf, 4, &p, v, 40);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].iov_len, 2);
	assert_memory_equal(v[0].iov_base, "0:", 2);
	assert_memory_equal(v[1].iov_base, "21:", 3);
	evbuffer_ptr_set(buf, &p, 90, EVBUFFER_PTR_SET);
	assert_int_equal(evbuffer_peek(buf, -1, &p, v, 40), 0);
	evbuffer_check_invariants(buf);
	evbuffer_free(buf);
}

static void
test_obsolete_find_returns_a_contiguous_match(void **state)
{
	static const char *const pieces[] = { "abcne", "edle", "xyz", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	unsigned char *p;

	(void)state;
	p = evbuffer_find(buf, (const unsigned char *)"needle", 6);
	assert_non_null(p);
	assert_memory_equal(p, "needle", 6);
	assert_null(evbuffer_find(buf, (const unsigned char *)"hay", 3));
	assert_holds_str(buf, "abcneedlexyz");
	evbuffer_free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readln_lf_splits_on_newline_only),
		cmocka_unit_test(test_readln_crlf_accepts_a_bare_lf),
		cmocka_unit_test(test_readln_crlf_keeps_a_lone_cr_in_the_line),
		cmocka_unit_test(test_readln_crlf_strict_needs_both_bytes),
		cmocka_unit_test(test_readln_crlf_with_cr_and_lf_in_different_chains),
		cmocka_unit_test(test_readln_crlf_waits_while_the_cr_is_the_last_byte),
		cmocka_unit_test(test_readln_any_takes_the_whole_run_across_chains),
		cmocka_unit_test(test_readln_nul_splits_on_zero_bytes),
		cmocka_unit_test(test_readln_of_an_unknown_style_fails_and_keeps_the_bytes),
		cmocka_unit_test(test_readln_over_many_lines_in_many_chains),
		cmocka_unit_test(test_obsolete_readline_is_eol_any),
		cmocka_unit_test(test_search_finds_a_pattern_that_straddles_chains),
		cmocka_unit_test(test_search_counts_every_occurrence),
		cmocka_unit_test(test_search_range_only_accepts_matches_that_end_before_end),
		cmocka_unit_test(test_search_with_an_empty_pattern_finds_the_start),
		cmocka_unit_test(test_search_refuses_negative_and_out_of_range_positions),
		cmocka_unit_test(test_search_eol_reports_position_and_length_for_each_style),
		cmocka_unit_test(test_ptr_set_moves_within_the_buffer_and_refuses_beyond_it),
		cmocka_unit_test(test_peek_across_many_chains),
		cmocka_unit_test(test_obsolete_find_returns_a_contiguous_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
