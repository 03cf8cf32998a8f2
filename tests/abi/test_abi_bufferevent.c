/* test_abi_bufferevent.c -- bufferevents from a program built against
 * libevent 2.1's headers and libevent_core-2.1.so.7, run on litevent.
 *
 * abi-link: -levent_core
 * abi-chapter: 07
 *
 * Old programs reach into struct bufferevent (bufferevent_struct.h) for its
 * buffers, watermarks and callbacks; EVBUFFER_INPUT() and EVBUFFER_OUTPUT()
 * are the same reach in macro form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>

#include "litevent_proof.h"

static void
test_runs_on_litevent(void **state)
{
	(void)state;
	assert_int_equal(litevent_proof(), 0);
}

struct echo {
	char got[16];
	size_t n;
};

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct echo *e = arg;

	/* The input buffer read straight from the struct, as old code does. */
	e->n += evbuffer_remove(bev->input, e->got + e->n, sizeof(e->got) - 1 - e->n);
	if (e->n >= 5)
		event_base_loopexit(bev->ev_base, NULL);
}

static void
test_fields_read_through_bufferevent_struct_h(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *a, *b;
	struct echo e = { { 0 }, 0 };
	evutil_socket_t pair[2];

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	a = bufferevent_socket_new(base, pair[0], BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, pair[1], BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(a);
	assert_non_null(b);
	bufferevent_setcb(b, on_read, NULL, NULL, &e);
	bufferevent_setwatermark(b, EV_READ, 2, 4096);
	assert_int_equal(bufferevent_enable(b, EV_READ), 0);

	assert_ptr_equal(b->ev_base, base);
	assert_ptr_equal(b->input, bufferevent_get_input(b));
	assert_ptr_equal(b->output, bufferevent_get_output(b));
	assert_ptr_equal(EVBUFFER_INPUT(b), b->input);
	assert_ptr_equal(EVBUFFER_OUTPUT(a), a->output);
	assert_true(b->readcb == on_read);
	assert_null(b->writecb);
	assert_ptr_equal(b->cbarg, &e);
	assert_int_equal(b->wm_read.low, 2);
	assert_int_equal(b->wm_read.high, 4096);
	assert_true(b->enabled & EV_READ);

	assert_int_equal(bufferevent_write(a, "hello", 5), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.got, "hello");
	bufferevent_free(a);
	bufferevent_free(b);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_litevent),
		cmocka_unit_test(test_fields_read_through_bufferevent_struct_h),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
