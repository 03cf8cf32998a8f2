/* Chapter 06: callbacks with exact evbuffer_cb_info, removal, flags, the
 * obsolete evbuffer_setcb, and callbacks deferred to an event loop. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include "evbuffer-internal.h"
#include "evbuffer_helpers.h"

#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

struct report {
	int calls;
	size_t orig_size, n_added, n_deleted;
};

static void
record(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct report *r = arg;

	(void)buf;
	r->calls++;
	r->orig_size = info->orig_size;
	r->n_added = info->n_added;
	r->n_deleted = info->n_deleted;
}

static void
expect_report(const struct report *r, int calls, size_t orig, size_t added,
    size_t deleted)
{
	assert_int_equal(r->calls, calls);
	assert_int_equal(r->orig_size, orig);
	assert_int_equal(r->n_added, added);
	assert_int_equal(r->n_deleted, deleted);
}

static void
test_callbacks_report_exact_sizes_for_each_change(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };
	char out[8];
	char *line;

	(void)state;
	assert_non_null(evbuffer_add_cb(buf, record, &r));
	evbuffer_add(buf, "0123456789", 10);
	expect_report(&r, 1, 0, 10, 0);
	evbuffer_drain(buf, 4);
	expect_report(&r, 2, 10, 0, 4);
	evbuffer_remove(buf, out, 2);
	expect_report(&r, 3, 6, 0, 2);
	evbuffer_prepend(buf, "ab", 2);
	expect_report(&r, 4, 4, 2, 0);
	evbuffer_add_printf(buf, "%s\n", "xyz");
	expect_report(&r, 5, 6, 4, 0);
	line = evbuffer_readln(buf, NULL, EVBUFFER_EOL_LF);
	free(line);
	expect_report(&r, 6, 10, 0, 10);
	/* Nothing changed: no call. */
	evbuffer_drain(buf, 5);
	evbuffer_add(buf, "", 0);
	expect_report(&r, 6, 10, 0, 10);
	evbuffer_free(buf);
	assert_int_equal(r.calls, 6);	/* freeing is not draining */
}

static void
test_moving_between_buffers_reports_on_both_sides(void **state)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct report ra = { 0, 0, 0, 0 }, rb = { 0, 0, 0, 0 };

	(void)state;
	evbuffer_add(a, "12345", 5);
	evbuffer_add(b, "xy", 2);
	evbuffer_add_cb(a, record, &ra);
	evbuffer_add_cb(b, record, &rb);
	evbuffer_add_buffer(b, a);
	expect_report(&ra, 1, 5, 0, 5);
	expect_report(&rb, 1, 2, 5, 0);
	evbuffer_remove_buffer(b, a, 3);
	expect_report(&ra, 2, 0, 3, 0);
	expect_report(&rb, 2, 7, 0, 3);
	evbuffer_prepend_buffer(b, a);
	expect_report(&ra, 3, 3, 0, 3);
	expect_report(&rb, 3, 4, 3, 0);
	evbuffer_free(a);
	evbuffer_free(b);
}

static void
test_reserve_commit_read_and_write_report_their_bytes(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };
	struct evbuffer_iovec v[2];
	int fds[2];

	(void)state;
	make_socketpair(fds);
	evbuffer_add_cb(buf, record, &r);
	evbuffer_reserve_space(buf, 16, v, 2);
	assert_int_equal(r.calls, 0);
	memcpy(v[0].iov_base, "abc", 3);
	v[0].iov_len = 3;
	evbuffer_commit_space(buf, v, 1);
	expect_report(&r, 1, 0, 3, 0);
	evbuffer_write(buf, fds[0]);
	expect_report(&r, 2, 3, 0, 3);
	evbuffer_read(buf, fds[1], -1);
	expect_report(&r, 3, 0, 3, 0);
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(buf);
}

static void
test_removed_and_disabled_callbacks_are_not_called(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r1 = { 0, 0, 0, 0 }, r2 = { 0, 0, 0, 0 };
	struct evbuffer_cb_entry *e1, *e2;

	(void)state;
	e1 = evbuffer_add_cb(buf, record, &r1);
	e2 = evbuffer_add_cb(buf, record, &r2);
	evbuffer_add(buf, "a", 1);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(evbuffer_cb_clear_flags(buf, e1, EVBUFFER_CB_ENABLED), 0);
	evbuffer_add(buf, "b", 1);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r2.calls, 2);
	assert_int_equal(evbuffer_cb_set_flags(buf, e1, EVBUFFER_CB_ENABLED), 0);
	evbuffer_add(buf, "c", 1);
	expect_report(&r1, 2, 2, 1, 0);	/* only the change since re-enabling */
	assert_int_equal(evbuffer_cb_set_flags(buf, e1, 0x100), -1);
	assert_int_equal(evbuffer_remove_cb_entry(buf, e2), 0);
	assert_int_equal(evbuffer_remove_cb_entry(buf, e2), -1);
	evbuffer_add(buf, "d", 1);
	assert_int_equal(r2.calls, 3);
	assert_int_equal(evbuffer_remove_cb(buf, record, &r2), -1);
	assert_int_equal(evbuffer_remove_cb(buf, record, &r1), 0);
	evbuffer_add(buf, "e", 1);
	assert_int_equal(r1.calls, 3);
	assert_null(evbuffer_add_cb(buf, NULL, NULL));
	evbuffer_free(buf);
}

static struct evbuffer_cb_entry *self_entry;
static int self_calls;

static void
remove_myself(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)info;
	(void)arg;
	self_calls++;
	assert_int_equal(evbuffer_remove_cb_entry(buf, self_entry), 0);
}

static void
test_a_callback_may_remove_itself(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };

	(void)state;
	evbuffer_add_cb(buf, record, &r);
	self_entry = evbuffer_add_cb(buf, remove_myself, NULL);
	evbuffer_add(buf, "x", 1);
	evbuffer_add(buf, "y", 1);
	assert_int_equal(self_calls, 1);
	assert_int_equal(r.calls, 2);
	evbuffer_free(buf);
}

static void
drain_half(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct report *r = arg;

	record(buf, info, arg);
	if (r->calls == 1)
		evbuffer_drain(buf, evbuffer_get_length(buf) / 2);
}

static void
test_a_callback_that_changes_the_buffer_gets_a_fresh_report(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };

	(void)state;
	evbuffer_add_cb(buf, drain_half, &r);
	evbuffer_add(buf, "12345678", 8);
	expect_report(&r, 2, 8, 0, 4);
	assert_holds_str(buf, "5678");
	evbuffer_free(buf);
}

static size_t old_seen, new_seen;
static int old_calls;

static void
old_style(struct evbuffer *buf, size_t old_len, size_t new_len, void *arg)
{
	(void)buf;
	assert_ptr_equal(arg, &old_calls);
	old_calls++;
	old_seen = old_len;
	new_seen = new_len;
}

static void
test_obsolete_setcb_replaces_callbacks_and_reports_lengths(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };

	(void)state;
	evbuffer_add_cb(buf, record, &r);
	assert_int_equal(evbuffer_setcb(buf, old_style, &old_calls), 0);
	evbuffer_add(buf, "abcdef", 6);
	assert_int_equal(old_calls, 1);
	assert_int_equal(old_seen, 0);
	assert_int_equal(new_seen, 6);
	evbuffer_drain(buf, 2);
	assert_int_equal(old_seen, 6);
	assert_int_equal(new_seen, 4);
	assert_int_equal(r.calls, 0);
	assert_int_equal(evbuffer_setcb(buf, NULL, NULL), 0);
	evbuffer_add(buf, "g", 1);
	assert_int_equal(old_calls, 2);
	evbuffer_free(buf);
}

static void
test_deferred_callbacks_run_once_from_the_loop_with_the_sum(void **state)
{
	struct event_base *base = event_base_new();
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };

	(void)state;
	assert_non_null(base);
	evbuffer_add(buf, "xx", 2);
	evbuffer_add_cb(buf, record, &r);
	assert_int_equal(evbuffer_defer_callbacks(buf, base), 0);
	evbuffer_add(buf, "abc", 3);
	evbuffer_add(buf, "defg", 4);
	evbuffer_drain(buf, 1);
	assert_int_equal(r.calls, 0);
	assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
	expect_report(&r, 1, 2, 7, 1);
	assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
	assert_int_equal(r.calls, 1);
	evbuffer_add(buf, "h", 1);
	assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
	expect_report(&r, 2, 8, 1, 0);
	assert_int_equal(evbuffer_defer_callbacks(buf, NULL), -1);
	evbuffer_free(buf);
	event_base_free(base);
}

static void
test_freeing_a_buffer_with_a_deferred_run_queued_is_safe(void **state)
{
	struct event_base *base = event_base_new();
	struct evbuffer *buf = evbuffer_new();
	struct report r = { 0, 0, 0, 0 };

	(void)state;
	evbuffer_add_cb(buf, record, &r);
	evbuffer_defer_callbacks(buf, base);
	evbuffer_add(buf, "pending", 7);
	evbuffer_free(buf);
	assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
	assert_int_equal(r.calls, 0);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callbacks_report_exact_sizes_for_each_change),
		cmocka_unit_test(test_moving_between_buffers_reports_on_both_sides),
		cmocka_unit_test(test_reserve_commit_read_and_write_report_their_bytes),
		cmocka_unit_test(test_removed_and_disabled_callbacks_are_not_called),
		cmocka_unit_test(test_a_callback_may_remove_itself),
		cmocka_unit_test(test_a_callback_that_changes_the_buffer_gets_a_fresh_report),
		cmocka_unit_test(test_obsolete_setcb_replaces_callbacks_and_reports_lengths),
		cmocka_unit_test(test_deferred_callbacks_run_once_from_the_loop_with_the_sum),
		cmocka_unit_test(test_freeing_a_buffer_with_a_deferred_run_queued_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
