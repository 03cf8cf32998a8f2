/* test_abi_evbuffer.c -- evbuffers from a program built against libevent
 * 2.1's headers and libevent-2.1.so.7, run on litevent's library.
 *
 * abi-link: -levent
 *
 * The structures the program fills or reads itself cross the boundary by
 * value or by pointer: struct evbuffer_ptr returned by value, arrays of
 * struct evbuffer_iovec, struct evbuffer_cb_info handed to a callback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>

#include "litevent_proof.h"

static void
test_runs_on_litevent(void **state)
{
	(void)state;
	assert_int_equal(litevent_proof(), 0);
}

static void
test_lines_and_printf(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	size_t len = 0;
	char *line;

	(void)state;
	assert_int_equal(evbuffer_add_printf(buf, "GET /%s HTTP/1.0\r\n", "index"), 21);
	assert_int_equal(evbuffer_add(buf, "Host: x\n", 8), 0);
	line = evbuffer_readln(buf, &len, EVBUFFER_EOL_CRLF_STRICT);
	assert_string_equal(line, "GET /index HTTP/1.0");
	assert_int_equal(len, 19);
	free(line);
	line = evbuffer_readline(buf);		/* buffer_compat.h */
	assert_string_equal(line, "Host: x");
	free(line);
	assert_int_equal(evbuffer_get_length(buf), 0);
	evbuffer_free(buf);
}

/* evbuffer_ptr comes back by value: its pos field is read directly. */
static void
test_search_returns_an_evbuffer_ptr(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_ptr at;

	(void)state;
	evbuffer_add(buf, "one two ", 8);
	evbuffer_add(buf, "three two", 9);	/* a second chain, most likely */
	at = evbuffer_search(buf, "two", 3, NULL);
	assert_int_equal(at.pos, 4);
	assert_int_equal(evbuffer_ptr_set(buf, &at, 1, EVBUFFER_PTR_ADD), 0);
	at = evbuffer_search(buf, "two", 3, &at);
	assert_int_equal(at.pos, 14);
	at = evbuffer_search(buf, "four", 4, NULL);
	assert_int_equal(at.pos, -1);
	evbuffer_free(buf);
}

/* Writing through reserve/commit and reading through peek, with the
 * program's own arrays of struct evbuffer_iovec. */
static void
test_iovec_arrays_in_and_out(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec vec[2];
	struct evbuffer_iovec seen[8];
	int n, count;
	size_t total = 0;

	(void)state;
	n = evbuffer_reserve_space(buf, 100, vec, 2);
	assert_true(n >= 1 && n <= 2);
	assert_true(vec[0].iov_len >= 1);
	memcpy(vec[0].iov_base, "abcdef", 6);
	vec[0].iov_len = 6;
	assert_int_equal(evbuffer_commit_space(buf, vec, 1), 0);
	evbuffer_add(buf, "ghij", 4);
	count = evbuffer_peek(buf, -1, NULL, seen, 8);
	assert_true(count >= 1 && count <= 8);
	for (int i = 0; i < count; i++)
		total += seen[i].iov_len;
	assert_int_equal(total, 10);
	assert_memory_equal(seen[0].iov_base, "abcdef", 6);
	evbuffer_free(buf);
}

struct changes {
	size_t orig, added, deleted;
	int calls;
};

static void
record_change(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct changes *c = arg;

	(void)buf;
	c->orig = info->orig_size;
	c->added = info->n_added;
	c->deleted = info->n_deleted;
	c->calls++;
}

static void
test_callback_reads_evbuffer_cb_info(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct changes c = { 0 };

	(void)state;
	evbuffer_add(buf, "12345", 5);
	assert_non_null(evbuffer_add_cb(buf, record_change, &c));
	evbuffer_add(buf, "678", 3);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.orig, 5);
	assert_int_equal(c.added, 3);
	assert_int_equal(c.deleted, 0);
	evbuffer_drain(buf, 6);
	assert_int_equal(c.calls, 2);
	assert_int_equal(c.orig, 8);
	assert_int_equal(c.added, 0);
	assert_int_equal(c.deleted, 6);
	evbuffer_free(buf);
}

static void
test_write_and_read_a_socketpair(void **state)
{
	struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
	evutil_socket_t pair[2];
	char got[6] = { 0 };

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	evbuffer_add(out, "hello", 5);
	assert_int_equal(evbuffer_write(out, pair[0]), 5);
	assert_int_equal(evbuffer_get_length(out), 0);
	assert_int_equal(evbuffer_read(in, pair[1], 64), 5);
	assert_int_equal(evbuffer_remove(in, got, sizeof(got) - 1), 5);
	assert_string_equal(got, "hello");
	evbuffer_free(out);
	evbuffer_free(in);
	evutil_closesocket(pair[0]);
	evutil_closesocket(pair[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_litevent),
		cmocka_unit_test(test_lines_and_printf),
		cmocka_unit_test(test_search_returns_an_evbuffer_ptr),
		cmocka_unit_test(test_iovec_arrays_in_and_out),
		cmocka_unit_test(test_callback_reads_evbuffer_cb_info),
		cmocka_unit_test(test_write_and_read_a_socketpair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
