/* The libevent 1.x interface: bufferevent_new on the current base,
 * bufferevent_base_set, bufferevent_settimeout, the EVBUFFER_ names, and
 * the public layout of struct bufferevent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event.h>
#include "bev_test.h"

static void
test_the_layout_is_libevent_2_1s(void **state)
{
	(void)state;
	/* Measured with libevent 2.1.12's own header on x86-64. */
	assert_int_equal(sizeof(struct bufferevent), 392);
	assert_int_equal(offsetof(struct bufferevent, ev_read), 16);
	assert_int_equal(offsetof(struct bufferevent, ev_write), 144);
	assert_int_equal(offsetof(struct bufferevent, input), 272);
	assert_int_equal(offsetof(struct bufferevent, wm_read), 288);
	assert_int_equal(offsetof(struct bufferevent, readcb), 320);
	assert_int_equal(offsetof(struct bufferevent, cbarg), 344);
	assert_int_equal(offsetof(struct bufferevent, timeout_read), 352);
	assert_int_equal(offsetof(struct bufferevent, enabled), 384);
}

static void
old_read(struct bufferevent *bev, void *arg)
{
	struct recorder *r = arg;

	r->reads++;
	evbuffer_drain(EVBUFFER_INPUT(bev), EVBUFFER_LENGTH(EVBUFFER_INPUT(bev)));
}

static void
old_error(struct bufferevent *bev, short what, void *arg)
{
	struct recorder *r = arg;

	(void)bev;
	r->what[r->events++] = what;
}

static void
test_bufferevent_new_uses_the_current_base(void **state)
{
	struct event_base *base = event_init();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	evbuffercb rcb = old_read;
	everrorcb ecb = old_error;

	(void)state;
	rec_init(&r, base);
	make_socketpair(fds);
	bev = bufferevent_new(fds[0], rcb, NULL, ecb, &r);
	assert_non_null(bev);
	assert_ptr_equal(bufferevent_get_base(bev), base);
	bufferevent_enable(bev, EV_READ);
	assert_ptr_equal(EVBUFFER_OUTPUT(bev), bufferevent_get_output(bev));
	send(fds[1], "x", 1, 0);
	close(fds[1]);
	event_dispatch();
	assert_int_equal(r.reads, 1);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], EVBUFFER_READ | EVBUFFER_EOF);
	bufferevent_free(bev);
	close(fds[0]);
	event_base_free(base);
}

static void
test_settimeout_takes_seconds_and_zero_means_none(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);

	(void)state;
	bufferevent_settimeout(bev, 3, 0);
	assert_int_equal(bev->timeout_read.tv_sec, 3);
	assert_int_equal(bev->timeout_read.tv_usec, 0);
	assert_false(evutil_timerisset(&bev->timeout_write));
	bufferevent_settimeout(bev, 0, 7);
	assert_false(evutil_timerisset(&bev->timeout_read));
	assert_int_equal(bev->timeout_write.tv_sec, 7);
	assert_int_equal(EVBUFFER_TIMEOUT, BEV_EVENT_TIMEOUT);
	assert_int_equal(EVBUFFER_ERROR, BEV_EVENT_ERROR);
	assert_int_equal(EVBUFFER_WRITE, BEV_EVENT_WRITING);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_base_set_moves_a_socket_bufferevent(void **state)
{
	struct event_base *one = event_base_new(), *two = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(one, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, two);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	assert_int_equal(bufferevent_base_set(two, bev), 0);
	assert_ptr_equal(bufferevent_get_base(bev), two);
	send(fds[1], "moved", 5, 0);
	close(fds[1]);
	assert_int_equal(run_bounded(one, 1), 1);	/* nothing left here */
	assert_int_equal(r.reads, 0);
	run_bounded(two, 10);
	assert_int_equal(r.reads, 1);
	assert_int_equal(r.events, 1);
	assert_int_equal(bufferevent_base_set(NULL, bev), -1);
	bufferevent_free(bev);
	event_base_free(one);
	event_base_free(two);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_layout_is_libevent_2_1s),
		cmocka_unit_test(test_bufferevent_new_uses_the_current_base),
		cmocka_unit_test(test_settimeout_takes_seconds_and_zero_means_none),
		cmocka_unit_test(test_base_set_moves_a_socket_bufferevent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
