/* Chapter 06: making, adding, prepending, moving, draining, copying,
 * pulling up, expanding, formatting and freezing evbuffers. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include "evbuffer-internal.h"
#include "evbuffer_helpers.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Every allocation the library makes goes through these, so a test can
 * count them, and the bytes the library holds. */
static size_t n_allocs, live_bytes;

static void *
counting_malloc(size_t n)
{
	void *p = malloc(n);

	n_allocs++;
	if (p)
		live_bytes += malloc_usable_size(p);
	return p;
}

static void *
counting_realloc(void *p, size_t n)
{
	size_t before = p ? malloc_usable_size(p) : 0;
	void *q = realloc(p, n);

	n_allocs++;
	if (q || n == 0)
		live_bytes -= before;
	if (q)
		live_bytes += malloc_usable_size(q);
	return q;
}

static void
counting_free(void *p)
{
	if (p)
		live_bytes -= malloc_usable_size(p);
	free(p);
}

static void
test_new_buffer_is_empty(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_non_null(buf);
	assert_holds(buf, "", 0);
	assert_int_equal(evbuffer_get_contiguous_space(buf), 0);
	assert_null(evbuffer_pullup(buf, -1));
	evbuffer_free(buf);
	evbuffer_free(NULL);
}

static void
test_add_appends_in_order_across_chains(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char big[5000], expect[5011];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(evbuffer_add(buf, "hello ", 6), 0);
	assert_int_equal(evbuffer_add(buf, big, sizeof(big)), 0);
	assert_int_equal(evbuffer_add(buf, "world", 5), 0);
	memcpy(expect, "hello ", 6);
	memcpy(expect + 6, big, sizeof(big));
	memcpy(expect + 5006, "world", 5);
	assert_holds(buf, expect, sizeof(expect));
	assert_true(chains_with_data(buf) >= 2);
	evbuffer_free(buf);
}

static void
test_add_of_null_with_length_zero_succeeds_and_adds_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_add(buf, NULL, 0), 0);
	assert_int_equal(evbuffer_prepend(buf, NULL, 0), 0);
	assert_int_equal(evbuffer_add_reference(buf, NULL, 0, NULL, NULL), 0);
	assert_holds(buf, "", 0);
	evbuffer_free(buf);
}

static void
test_add_refuses_null_data_with_a_length_and_changes_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	evbuffer_add(buf, "keep", 4);
	assert_int_equal(evbuffer_add(buf, NULL, 3), -1);
	assert_int_equal(evbuffer_prepend(buf, NULL, 3), -1);
	assert_int_equal(evbuffer_add_reference(buf, NULL, 3, NULL, NULL), -1);
	assert_holds(buf, "keep", 4);
	evbuffer_free(buf);
}

static void
test_lengths_near_size_max_are_refused_and_change_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];
	static const char data[16] = "0123456789abcdef";

	(void)state;
	evbuffer_add(buf, "abc", 3);
	assert_int_equal(evbuffer_add(buf, data, SIZE_MAX), -1);
	assert_int_equal(evbuffer_add(buf, data, SIZE_MAX - 2), -1);
	assert_int_equal(evbuffer_add(buf, data, (size_t)EV_SSIZE_MAX), -1);
	assert_int_equal(evbuffer_prepend(buf, data, SIZE_MAX - 1), -1);
	assert_int_equal(evbuffer_expand(buf, SIZE_MAX - 5), -1);
	assert_int_equal(evbuffer_add_reference(buf, data, SIZE_MAX, NULL, NULL), -1);
	assert_int_equal(evbuffer_reserve_space(buf, EV_SSIZE_MAX, v, 2), -1);
	assert_int_equal(evbuffer_reserve_space(buf, -1, v, 2), -1);
	assert_holds(buf, "abc", 3);
	evbuffer_free(buf);
}

static void
test_many_small_adds_and_drains_keep_the_buffer_small(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char out[16];
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		assert_int_equal(evbuffer_add(buf, "0123456789", 10), 0);
		if (i % 3 == 2)
			assert_int_equal(evbuffer_remove(buf, out, 16), 16);
	}
	evbuffer_check_invariants(buf);
	/* 2,000,000 bytes in, 66,666 * 16 out. */
	assert_int_equal(evbuffer_get_length(buf), 2000000 - 66666 * 16);
	assert_true(chains_with_data(buf) < 200);
	evbuffer_drain(buf, evbuffer_get_length(buf));
	assert_holds(buf, "", 0);
	evbuffer_free(buf);
}

static void
test_contiguous_space_is_the_first_chain(void **state)
{
	static const char *const pieces[] = { "abc", "defgh", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);

	(void)state;
	assert_int_equal(evbuffer_get_contiguous_space(buf), 3);
	evbuffer_drain(buf, 3);
	assert_int_equal(evbuffer_get_contiguous_space(buf), 5);
	evbuffer_free(buf);
}

static void
test_prepend_goes_in_front_even_across_chains(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char big[3000], expect[3000 + 7];

	(void)state;
	evbuffer_add(buf, "tail", 4);
	evbuffer_drain(buf, 0);
	assert_int_equal(evbuffer_prepend(buf, "mid", 3), 0);
	memset(big, 'p', sizeof(big));
	assert_int_equal(evbuffer_prepend(buf, big, sizeof(big)), 0);
	memcpy(expect, big, sizeof(big));
	memcpy(expect + 3000, "midtail", 7);
	assert_holds(buf, expect, sizeof(expect));
	evbuffer_free(buf);
}

static void
test_prepend_into_empty_buffer_is_an_add(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_prepend(buf, "b", 1), 0);
	assert_int_equal(evbuffer_prepend(buf, "a", 1), 0);
	assert_int_equal(evbuffer_add(buf, "c", 1), 0);
	assert_holds_str(buf, "abc");
	evbuffer_free(buf);
}

static void
test_add_buffer_moves_everything_and_empties_the_source(void **state)
{
	static const char *const a_pieces[] = { "one ", "two ", NULL };
	static const char *const b_pieces[] = { "three ", "four", NULL };
	struct evbuffer *a = buffer_of_pieces(a_pieces);
	struct evbuffer *b = buffer_of_pieces(b_pieces);

	(void)state;
	evbuffer_expand(a, 4000);	/* a spare chain must not end up inside */
	assert_int_equal(evbuffer_add_buffer(a, b), 0);
	assert_holds_str(a, "one two three four");
	assert_holds(b, "", 0);
	assert_int_equal(evbuffer_add(b, "again", 5), 0);
	assert_int_equal(evbuffer_add_buffer(a, b), 0);
	assert_holds_str(a, "one two three fouragain");
	assert_int_equal(evbuffer_add_buffer(a, a), -1);
	assert_int_equal(evbuffer_add_buffer(a, b), 0);	/* empty source */
	assert_holds_str(a, "one two three fouragain");
	evbuffer_free(a);
	evbuffer_free(b);
}

static void
test_prepend_buffer_puts_the_source_in_front(void **state)
{
	static const char *const a_pieces[] = { "world", NULL };
	static const char *const b_pieces[] = { "hel", "lo ", NULL };
	struct evbuffer *a = buffer_of_pieces(a_pieces);
	struct evbuffer *b = buffer_of_pieces(b_pieces);
	struct evbuffer *empty = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_prepend_buffer(a, b), 0);
	assert_holds_str(a, "hello world");
	assert_holds(b, "", 0);
	assert_int_equal(evbuffer_add(b, "x", 1), 0);
	assert_int_equal(evbuffer_prepend_buffer(empty, b), 0);
	assert_holds_str(empty, "x");
	assert_int_equal(evbuffer_add(empty, "y", 1), 0);
	assert_holds_str(empty, "xy");
	assert_int_equal(evbuffer_prepend_buffer(a, a), -1);
	evbuffer_free(a);
	evbuffer_free(b);
	evbuffer_free(empty);
}

static void
test_remove_buffer_moves_whole_chains_and_copies_the_straddling_one(void **state)
{
	static const char *const pieces[] = { "abc", "defg", "hijkl", NULL };
	struct evbuffer *src = buffer_of_pieces(pieces);
	struct evbuffer *dst = evbuffer_new();

	(void)state;
	evbuffer_add(dst, ">", 1);
	assert_int_equal(evbuffer_remove_buffer(src, dst, 9), 9);
	assert_holds_str(dst, ">abcdefghi");
	assert_holds_str(src, "jkl");
	assert_int_equal(evbuffer_remove_buffer(src, dst, 3), 3);
	assert_holds_str(dst, ">abcdefghijkl");
	assert_holds(src, "", 0);
	assert_int_equal(evbuffer_remove_buffer(src, dst, 5), 0);
	assert_int_equal(evbuffer_remove_buffer(src, src, 5), -1);
	evbuffer_free(src);
	evbuffer_free(dst);
}

static void
test_remove_buffer_of_more_than_held_moves_everything(void **state)
{
	static const char *const pieces[] = { "ab", "cd", NULL };
	struct evbuffer *src = buffer_of_pieces(pieces);
	struct evbuffer *dst = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_remove_buffer(src, dst, 1000), 4);
	assert_holds_str(dst, "abcd");
	assert_holds(src, "", 0);
	/* Exactly at a chain boundary. */
	add_as_own_chain(src, "12");
	add_as_own_chain(src, "34");
	assert_int_equal(evbuffer_remove_buffer(src, dst, 2), 2);
	assert_holds_str(dst, "abcd12");
	assert_holds_str(src, "34");
	evbuffer_free(src);
	evbuffer_free(dst);
}

static void
test_drain_frees_whole_chains_and_trims_the_first(void **state)
{
	static const char *const pieces[] = { "abc", "def", "ghi", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);

	(void)state;
	assert_int_equal(evbuffer_drain(buf, 4), 0);
	assert_holds_str(buf, "efghi");
	assert_int_equal(chains_with_data(buf), 2);
	assert_int_equal(evbuffer_drain(buf, 100), 0);
	assert_holds(buf, "", 0);
	assert_int_equal(evbuffer_add(buf, "new", 3), 0);
	assert_holds_str(buf, "new");
	evbuffer_free(buf);
}

/* An idle connection's buffers should cost next to nothing: draining the
 * last byte frees the last chain, whichever call drains it. */
static void
test_a_drained_buffer_holds_no_chain(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char data[8000], out[8000];
	size_t empty = live_bytes;

	(void)state;
	memset(data, 'd', sizeof(data));
	assert_int_equal(evbuffer_add(buf, data, sizeof(data)), 0);
	assert_true(live_bytes > empty + sizeof(data));
	assert_int_equal(evbuffer_drain(buf, sizeof(data)), 0);
	assert_int_equal(live_bytes, empty);
	assert_int_equal(evbuffer_add(buf, data, 100), 0);
	assert_int_equal(evbuffer_remove(buf, out, sizeof(out)), 100);
	assert_int_equal(live_bytes, empty);
	assert_int_equal(evbuffer_add(buf, data, 100), 0);
	assert_int_equal(evbuffer_drain(buf, 60), 0);
	assert_int_equal(evbuffer_drain(buf, 60), 0);	/* more than is left */
	assert_int_equal(live_bytes, empty);
	evbuffer_check_invariants(buf);
	evbuffer_free(buf);
}

/* Moving a whole buffer relinks its chains: a hundred round trips between
 * two buffers allocate nothing and free nothing, and once drained the pair
 * holds what two empty buffers hold and nothing more. */
static void
test_moving_back_and_forth_allocates_nothing_and_draining_frees(void **state)
{
	size_t before = live_bytes, two_empty, allocs, held;
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	char data[4096];
	int i;

	(void)state;
	two_empty = live_bytes - before;
	memset(data, 'm', sizeof(data));
	for (i = 0; i < 4; i++)
		assert_int_equal(evbuffer_add(a, data, 1024), 0);
	allocs = n_allocs;
	held = live_bytes;
	for (i = 0; i < 100; i++) {
		assert_int_equal(evbuffer_add_buffer(b, a), 0);
		assert_int_equal(evbuffer_add_buffer(a, b), 0);
	}
	assert_int_equal(n_allocs, allocs);
	assert_int_equal(live_bytes, held);
	assert_int_equal(evbuffer_get_length(b), 0);
	assert_holds(a, data, sizeof(data));
	assert_int_equal(evbuffer_drain(a, sizeof(data)), 0);
	assert_int_equal(live_bytes - before, two_empty);
	evbuffer_check_invariants(a);
	evbuffer_free(a);
	evbuffer_free(b);
}

/* An add ends an open reservation even when the bytes fit beside the data:
 * the reserved chain is no longer pinned, so draining frees it. */
static void
test_an_add_that_fits_ends_a_reservation_so_draining_frees(void **state)
{
	size_t before = live_bytes, empty;
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[1];

	(void)state;
	empty = live_bytes - before;
	assert_int_equal(evbuffer_add(buf, "a", 1), 0);
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 1), 1);
	assert_int_equal(evbuffer_add(buf, "b", 1), 0);
	assert_holds_str(buf, "ab");
	assert_int_equal(evbuffer_commit_space(buf, v, 1), -1);
	assert_int_equal(evbuffer_drain(buf, 2), 0);
	assert_int_equal(live_bytes - before, empty);
	evbuffer_check_invariants(buf);
	evbuffer_free(buf);
}

static void
test_remove_copies_then_drains(void **state)
{
	static const char *const pieces[] = { "hello", " there", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	char out[32];

	(void)state;
	assert_int_equal(evbuffer_remove(buf, out, 7), 7);
	assert_memory_equal(out, "hello t", 7);
	assert_holds_str(buf, "here");
	assert_int_equal(evbuffer_remove(buf, out, sizeof(out)), 4);
	assert_memory_equal(out, "here", 4);
	assert_int_equal(evbuffer_remove(buf, out, sizeof(out)), 0);
	assert_int_equal(evbuffer_remove(buf, NULL, 3), -1);
	evbuffer_free(buf);
}

static void
test_copyout_leaves_the_buffer_as_it_was(void **state)
{
	static const char *const pieces[] = { "ab", "cd", "ef", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	char out[8];

	(void)state;
	assert_int_equal(evbuffer_copyout(buf, out, 5), 5);
	assert_memory_equal(out, "abcde", 5);
	assert_int_equal(evbuffer_copyout(buf, out, 8), 6);
	assert_int_equal(evbuffer_copyout(buf, out, 0), 0);
	assert_holds_str(buf, "abcdef");
	evbuffer_free(buf);
}

static void
test_copyout_from_starts_at_the_position(void **state)
{
	static const char *const pieces[] = { "ab", "cd", "ef", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	struct evbuffer_ptr p;
	char out[8];

	(void)state;
	assert_int_equal(evbuffer_ptr_set(buf, &p, 3, EVBUFFER_PTR_SET), 0);
	assert_int_equal(evbuffer_copyout_from(buf, &p, out, 8), 3);
	assert_memory_equal(out, "def", 3);
	assert_int_equal(evbuffer_ptr_set(buf, &p, 6, EVBUFFER_PTR_SET), 0);
	assert_int_equal(evbuffer_copyout_from(buf, &p, out, 8), 0);
	p.pos = -1;
	assert_int_equal(evbuffer_copyout_from(buf, &p, out, 8), -1);
	assert_holds_str(buf, "abcdef");
	evbuffer_free(buf);
}

static void
test_pullup_joins_chains_and_keeps_the_rest(void **state)
{
	static const char *const pieces[] = { "abc", "defg", "hijkl", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);
	unsigned char *p;

	(void)state;
	assert_null(evbuffer_pullup(buf, 13));
	p = evbuffer_pullup(buf, 2);
	assert_memory_equal(p, "ab", 2);
	p = evbuffer_pullup(buf, 9);
	assert_non_null(p);
	assert_memory_equal(p, "abcdefghi", 9);
	assert_true(evbuffer_get_contiguous_space(buf) >= 9);
	assert_holds_str(buf, "abcdefghijkl");
	p = evbuffer_pullup(buf, -1);
	assert_memory_equal(p, "abcdefghijkl", 12);
	assert_int_equal(evbuffer_get_contiguous_space(buf), 12);
	assert_int_equal(chains_with_data(buf), 1);
	assert_holds_str(buf, "abcdefghijkl");
	evbuffer_free(buf);
}

static void
test_pullup_of_a_borrowed_first_chain_copies_into_a_new_one(void **state)
{
	static const char text[] = "referenced";
	struct evbuffer *buf = evbuffer_new();
	unsigned char *p;

	(void)state;
	evbuffer_add_reference(buf, text, 4, NULL, NULL);
	add_as_own_chain(buf, "-more");
	p = evbuffer_pullup(buf, 6);
	assert_non_null(p);
	assert_true((const char *)p != text);
	assert_memory_equal(p, "refe-m", 6);
	assert_holds_str(buf, "refe-more");
	assert_string_equal(text, "referenced");
	evbuffer_free(buf);
}

static void
test_pullup_that_swallows_the_last_chain_keeps_appends_in_order(void **state)
{
	static const char *const pieces[] = { "ab", "cd", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);

	(void)state;
	assert_non_null(evbuffer_pullup(buf, 4));
	assert_int_equal(evbuffer_add(buf, "ef", 2), 0);
	assert_holds_str(buf, "abcdef");
	evbuffer_free(buf);
}

static void
test_expand_makes_the_next_appends_allocation_free(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char data[100];
	size_t before;
	int i;

	(void)state;
	memset(data, 'e', sizeof(data));
	evbuffer_add(buf, "start", 5);
	assert_int_equal(evbuffer_expand(buf, 20000), 0);
	before = n_allocs;
	for (i = 0; i < 200; i++)
		assert_int_equal(evbuffer_add(buf, data, sizeof(data)), 0);
	assert_int_equal(n_allocs, before);
	evbuffer_check_invariants(buf);
	assert_int_equal(evbuffer_get_length(buf), 20005);
	evbuffer_free(buf);
}

static void
test_expand_of_an_empty_buffer_with_a_small_spare_covers_everything(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char data[6000];
	size_t before;

	(void)state;
	memset(data, 'z', sizeof(data));
	assert_int_equal(evbuffer_expand(buf, 4), 0);	/* a spare of about 1 KiB */
	assert_int_equal(evbuffer_expand(buf, sizeof(data)), 0);
	evbuffer_check_invariants(buf);
	before = n_allocs;
	assert_int_equal(evbuffer_add(buf, data, sizeof(data)), 0);
	assert_int_equal(n_allocs, before);
	assert_holds(buf, data, sizeof(data));
	evbuffer_free(buf);
}

static void
test_add_printf_formats_and_returns_the_length(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	char *big = malloc(10001), *expect = malloc(10010);

	(void)state;
	assert_int_equal(evbuffer_add_printf(buf, "%d-%s", 42, "x"), 4);
	memset(big, 'q', 10000);
	big[10000] = '\0';
	assert_int_equal(evbuffer_add_printf(buf, "[%s]", big), 10002);
	strcpy(expect, "42-x[");
	strcat(expect, big);
	strcat(expect, "]");
	assert_holds(buf, expect, strlen(expect));
	assert_int_equal(evbuffer_add_printf(buf, "%s", ""), 0);
	evbuffer_check_invariants(buf);
	free(big);
	free(expect);
	evbuffer_free(buf);
}

static void
test_add_printf_into_an_empty_buffer_with_a_spare_chain(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_expand(buf, 3), 0);	/* an empty spare chain */
	assert_int_equal(evbuffer_add_printf(buf, "v=%u", 7u), 3);
	assert_holds_str(buf, "v=7");
	evbuffer_free(buf);
}

static void
test_add_iovec_appends_every_vector(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[3];

	(void)state;
	v[0].iov_base = "ab";
	v[0].iov_len = 2;
	v[1].iov_base = NULL;
	v[1].iov_len = 0;
	v[2].iov_base = "cde";
	v[2].iov_len = 3;
	assert_int_equal(evbuffer_add_iovec(buf, v, 3), 5);
	assert_holds_str(buf, "abcde");
	evbuffer_free(buf);
}

static int n_cb_calls;

static void
count_calls(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf;
	(void)info;
	(void)arg;
	n_cb_calls++;
}

static void
test_frozen_back_refuses_every_add_and_changes_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer *other = evbuffer_new();
	struct evbuffer_iovec v[2];
	char out[4];

	(void)state;
	evbuffer_add(buf, "data", 4);
	evbuffer_add(other, "more", 4);
	evbuffer_add_cb(buf, count_calls, NULL);
	n_cb_calls = 0;
	assert_int_equal(evbuffer_freeze(buf, 0), 0);
	assert_int_equal(evbuffer_add(buf, "x", 1), -1);
	assert_int_equal(evbuffer_add_printf(buf, "%d", 5), -1);
	assert_int_equal(evbuffer_add_buffer(buf, other), -1);
	assert_int_equal(evbuffer_remove_buffer(other, buf, 2), -1);
	assert_int_equal(evbuffer_add_reference(buf, "r", 1, NULL, NULL), -1);
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 2), -1);
	assert_int_equal(evbuffer_add_buffer_reference(buf, other), -1);
	assert_int_equal(n_cb_calls, 0);
	assert_holds_str(buf, "data");
	assert_holds_str(other, "more");
	/* The front still works. */
	assert_int_equal(evbuffer_remove(buf, out, 1), 1);
	assert_int_equal(evbuffer_prepend(buf, "D", 1), 0);
	assert_int_equal(evbuffer_unfreeze(buf, 0), 0);
	assert_int_equal(evbuffer_add(buf, "!", 1), 0);
	assert_holds_str(buf, "Data!");
	evbuffer_free(buf);
	evbuffer_free(other);
}

static void
test_frozen_front_refuses_every_removal_and_changes_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer *other = evbuffer_new();
	char out[4];
	size_t n = 99;

	(void)state;
	evbuffer_add(buf, "line\n", 5);
	evbuffer_add_cb(buf, count_calls, NULL);
	n_cb_calls = 0;
	assert_int_equal(evbuffer_freeze(buf, 1), 0);
	assert_int_equal(evbuffer_drain(buf, 1), -1);
	assert_int_equal(evbuffer_remove(buf, out, 1), -1);
	assert_null(evbuffer_readln(buf, &n, EVBUFFER_EOL_LF));
	assert_int_equal(n, 0);
	assert_int_equal(evbuffer_prepend(buf, "x", 1), -1);
	assert_int_equal(evbuffer_remove_buffer(buf, other, 2), -1);
	assert_int_equal(evbuffer_add_buffer(other, buf), -1);
	assert_int_equal(evbuffer_prepend_buffer(buf, other), -1);
	assert_int_equal(evbuffer_write(buf, 1), -1);
	assert_int_equal(n_cb_calls, 0);
	assert_holds_str(buf, "line\n");
	assert_holds(other, "", 0);
	/* The back still works. */
	assert_int_equal(evbuffer_add(buf, "+", 1), 0);
	assert_int_equal(evbuffer_unfreeze(buf, 1), 0);
	assert_int_equal(evbuffer_drain(buf, 5), 0);
	assert_holds_str(buf, "+");
	evbuffer_free(buf);
	evbuffer_free(other);
}

static void
test_locking_needs_threads_and_lock_calls_are_harmless_without(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_enable_locking(buf, NULL), -1);
	evbuffer_lock(buf);
	evbuffer_add(buf, "a", 1);
	evbuffer_unlock(buf);
	assert_holds_str(buf, "a");
	evbuffer_free(buf);
}

static void
test_flags_accept_only_drains_to_fd(void **state)
{
	struct evbuffer *buf = evbuffer_new();

	(void)state;
	assert_int_equal(evbuffer_set_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD), 0);
	assert_int_equal(evbuffer_clear_flags(buf, EVBUFFER_FLAG_DRAINS_TO_FD), 0);
	assert_int_equal(evbuffer_set_flags(buf, 0x100), -1);
	evbuffer_free(buf);
}

static void
test_compat_length_and_data_macros(void **state)
{
	static const char *const pieces[] = { "old", "-style", NULL };
	struct evbuffer *buf = buffer_of_pieces(pieces);

	(void)state;
	assert_int_equal(EVBUFFER_LENGTH(buf), 9);
	assert_memory_equal(EVBUFFER_DATA(buf), "old-style", 9);
	assert_int_equal(chains_with_data(buf), 1);
	evbuffer_free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_buffer_is_empty),
		cmocka_unit_test(test_add_appends_in_order_across_chains),
		cmocka_unit_test(test_add_of_null_with_length_zero_succeeds_and_adds_nothing),
		cmocka_unit_test(test_add_refuses_null_data_with_a_length_and_changes_nothing),
		cmocka_unit_test(test_lengths_near_size_max_are_refused_and_change_nothing),
		cmocka_unit_test(test_many_small_adds_and_drains_keep_the_buffer_small),
		cmocka_unit_test(test_contiguous_space_is_the_first_chain),
		cmocka_unit_test(test_prepend_goes_in_front_even_across_chains),
		cmocka_unit_test(test_prepend_into_empty_buffer_is_an_add),
		cmocka_unit_test(test_add_buffer_moves_everything_and_empties_the_source),
		cmocka_unit_test(test_prepend_buffer_puts_the_source_in_front),
		cmocka_unit_test(test_remove_buffer_moves_whole_chains_and_copies_the_straddling_one),
		cmocka_unit_test(test_remove_buffer_of_more_than_held_moves_everything),
		cmocka_unit_test(test_drain_frees_whole_chains_and_trims_the_first),
		cmocka_unit_test(test_a_drained_buffer_holds_no_chain),
		cmocka_unit_test(test_moving_back_and_forth_allocates_nothing_and_draining_frees),
		cmocka_unit_test(test_an_add_that_fits_ends_a_reservation_so_draining_frees),
		cmocka_unit_test(test_remove_copies_then_drains),
		cmocka_unit_test(test_copyout_leaves_the_buffer_as_it_was),
		cmocka_unit_test(test_copyout_from_starts_at_the_position),
		cmocka_unit_test(test_pullup_joins_chains_and_keeps_the_rest),
		cmocka_unit_test(test_pullup_of_a_borrowed_first_chain_copies_into_a_new_one),
		cmocka_unit_test(test_pullup_that_swallows_the_last_chain_keeps_appends_in_order),
		cmocka_unit_test(test_expand_makes_the_next_appends_allocation_free),
		cmocka_unit_test(test_expand_of_an_empty_buffer_with_a_small_spare_covers_everything),
		cmocka_unit_test(test_add_printf_formats_and_returns_the_length),
		cmocka_unit_test(test_add_printf_into_an_empty_buffer_with_a_spare_chain),
		cmocka_unit_test(test_add_iovec_appends_every_vector),
		cmocka_unit_test(test_frozen_back_refuses_every_add_and_changes_nothing),
		cmocka_unit_test(test_frozen_front_refuses_every_removal_and_changes_nothing),
		cmocka_unit_test(test_locking_needs_threads_and_lock_calls_are_harmless_without),
		cmocka_unit_test(test_flags_accept_only_drains_to_fd),
		cmocka_unit_test(test_compat_length_and_data_macros),
	};

	event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
