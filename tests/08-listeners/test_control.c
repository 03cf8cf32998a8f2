/* Turning a listener on and off, changing its callbacks, freeing it from
 * inside them, and what it does when accept() fails for good. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/listener.h>
#include "listener_test.h"

struct setup {
	struct server s;
	evutil_socket_t client[8];
	int nclients;
};

static void
start(struct setup *t, unsigned flags)
{
	memset(t, 0, sizeof(*t));
	server_start4(&t->s, flags);
}

static void
connect_clients(struct setup *t, int n)
{
	while (n-- > 0)
		t->client[t->nclients++] = connect_client(&t->s.addr, t->s.len);
}

/* Is the client's connection still open, i.e. neither accepted-and-closed
 * nor refused? */
static int
still_waiting(evutil_socket_t c)
{
	char byte;

	return recv(c, &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static void
finish(struct setup *t, int free_listener)
{
	int i;

	for (i = 0; i < t->nclients; i++)
		close(t->client[i]);
	if (free_listener)
		evconnlistener_free(t->s.lev);
	event_base_free(t->s.base);
	free(t->s.r);
}

static void
test_disable_leaves_connections_queued_until_enable(void **state)
{
	struct setup t;

	(void)state;
	start(&t, 0);
	assert_int_equal(evconnlistener_disable(t.s.lev), 0);
	assert_int_equal(evconnlistener_disable(t.s.lev), 0);
	connect_clients(&t, 2);
	turn_loop(t.s.base, 10);
	assert_int_equal(t.s.r->n, 0);
	assert_true(still_waiting(t.client[0]));
	assert_int_equal(evconnlistener_enable(t.s.lev), 0);
	assert_int_equal(evconnlistener_enable(t.s.lev), 0);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 2), 0);
	finish(&t, 1);
}

/* With a NULL callback connections wait in the queue, and setting a
 * callback takes them.  (libevent 2.1 accepts and closes them.) */
static void
test_a_null_callback_keeps_connections_for_the_next_one(void **state)
{
	struct setup t;

	(void)state;
	start(&t, 0);
	evconnlistener_set_cb(t.s.lev, NULL, NULL);
	connect_clients(&t, 1);
	turn_loop(t.s.base, 10);
	assert_true(still_waiting(t.client[0]));
	evconnlistener_set_cb(t.s.lev, record_cb, t.s.r);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 1), 0);
	finish(&t, 1);
}

static void
test_a_listener_made_without_a_callback_waits_for_one(void **state)
{
	struct event_base *base = event_base_new();
	struct record *r = calloc(1, sizeof(*r));
	struct sockaddr_in sin;
	struct sockaddr_storage addr;
	struct evconnlistener *lev;
	evutil_socket_t c;
	socklen_t len;

	(void)state;
	loopback4(&sin);
	lev = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE,
	    -1, (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(lev);
	len = bound_address(evconnlistener_get_fd(lev), &addr);
	c = connect_client(&addr, len);
	turn_loop(base, 10);
	assert_true(still_waiting(c));
	evconnlistener_set_cb(lev, record_cb, r);
	assert_int_equal(run_until(base, &r->n, 1), 0);
	close(c);
	evconnlistener_free(lev);
	event_base_free(base);
	free(r);
}

/* A callback set while disabled does not enable the listener. */
static void
test_setting_a_callback_does_not_undo_disable(void **state)
{
	struct setup t;

	(void)state;
	start(&t, LEV_OPT_DISABLED);
	evconnlistener_set_cb(t.s.lev, record_cb, t.s.r);
	connect_clients(&t, 1);
	turn_loop(t.s.base, 10);
	assert_int_equal(t.s.r->n, 0);
	evconnlistener_enable(t.s.lev);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 1), 0);
	finish(&t, 1);
}

/* Three connections queued; the first callback frees the listener.  No
 * other callback runs, the socket is closed, and valgrind sees no use of
 * the freed listener. */
static void
test_free_inside_the_accept_callback(void **state)
{
	struct setup t;
	evutil_socket_t fd;

	(void)state;
	start(&t, 0);
	fd = evconnlistener_get_fd(t.s.lev);
	t.s.r->free_at = 1;
	connect_clients(&t, 3);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 1), 0);
	turn_loop(t.s.base, 10);
	assert_int_equal(t.s.r->n, 1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	finish(&t, 0);
}

static void
test_disable_inside_the_accept_callback_stops_the_round(void **state)
{
	struct setup t;

	(void)state;
	start(&t, 0);
	t.s.r->disable_at = 1;
	connect_clients(&t, 3);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 1), 0);
	turn_loop(t.s.base, 10);
	assert_int_equal(t.s.r->n, 1);
	evconnlistener_enable(t.s.lev);
	assert_int_equal(run_until(t.s.base, &t.s.r->n, 3), 0);
	finish(&t, 1);
}

/* shutdown() stops a socket listening: it stays readable and accept()
 * fails with EINVAL for ever -- an error that no retry cures. */
static void
stop_listening(struct setup *t)
{
	assert_int_equal(shutdown(evconnlistener_get_fd(t->s.lev), SHUT_RD), 0);
}

/* The error callback hears EINVAL, and a thousand turns of the loop call
 * it only a handful of times (the pauses double from 10 ms); libevent 2.1
 * calls it on every turn. */
static void
test_a_lasting_accept_error_is_reported_without_spinning(void **state)
{
	struct setup t;

	(void)state;
	start(&t, 0);
	evconnlistener_set_error_cb(t.s.lev, record_error_cb);
	stop_listening(&t);
	assert_int_equal(run_until(t.s.base, &t.s.r->errors, 1), 0);
	assert_int_equal(t.s.r->last_error, EINVAL);
	turn_loop(t.s.base, 1000);
	assert_true(t.s.r->errors < 20);
	assert_int_equal(t.s.r->n, 0);
	finish(&t, 1);
}

/* The pauses double, from 10 ms up to a second. */
static void
no_connections_expected(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	(void)lev;
	(void)addr;
	(void)len;
	(void)arg;
	evutil_closesocket(fd);
	fail_msg("a socket that does not listen handed over a connection");
}

static void
test_each_pause_is_twice_the_last_up_to_a_second(void **state)
{
	struct setup t;
	long want[8] = { 10, 20, 40, 80, 160, 320, 640, 1000 };
	int i;

	(void)state;
	start(&t, 0);
	evconnlistener_set_cb(t.s.lev, no_connections_expected, t.s.r);
	evconnlistener_set_error_cb(t.s.lev, record_error_cb);
	stop_listening(&t);
	assert_int_equal(run_until(t.s.base, &t.s.r->errors, 8), 0);
	for (i = 0; i < 8; i++)
		assert_true(labs(t.s.r->pause_msec[i] - want[i]) <= 1);
	finish(&t, 1);
}

static void
test_free_inside_the_error_callback(void **state)
{
	struct setup t;

	(void)state;
	start(&t, 0);
	evconnlistener_set_error_cb(t.s.lev, record_error_cb);
	t.s.r->free_on_error = 1;
	stop_listening(&t);
	assert_int_equal(run_until(t.s.base, &t.s.r->errors, 1), 0);
	turn_loop(t.s.base, 10);
	assert_int_equal(t.s.r->errors, 1);
	finish(&t, 0);
}

/* With no error callback the failure is logged, once per pause. */
static void
test_without_an_error_callback_the_failure_is_logged(void **state)
{
	struct setup t;
	struct timeval short_wait = { 0, 50000 };

	(void)state;
	start(&t, 0);
	log_capture();
	stop_listening(&t);
	event_base_loopexit(t.s.base, &short_wait);
	event_base_dispatch(t.s.base);
	assert_true(logged_messages() >= 1);
	assert_true(logged_messages() < 20);
	assert_true(logged_containing("accept") >= 1);
	event_set_log_callback(NULL);
	finish(&t, 1);
}

static void
test_get_fd_and_get_base(void **state)
{
	struct setup t;
	struct sockaddr_storage again;

	(void)state;
	start(&t, 0);
	assert_ptr_equal(evconnlistener_get_base(t.s.lev), t.s.base);
	bound_address(evconnlistener_get_fd(t.s.lev), &again);
	assert_true(same_address(&t.s.addr, (struct sockaddr *)&again));
	finish(&t, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disable_leaves_connections_queued_until_enable),
		cmocka_unit_test(test_a_null_callback_keeps_connections_for_the_next_one),
		cmocka_unit_test(test_a_listener_made_without_a_callback_waits_for_one),
		cmocka_unit_test(test_setting_a_callback_does_not_undo_disable),
		cmocka_unit_test(test_free_inside_the_accept_callback),
		cmocka_unit_test(test_disable_inside_the_accept_callback_stops_the_round),
		cmocka_unit_test(test_a_lasting_accept_error_is_reported_without_spinning),
		cmocka_unit_test(test_each_pause_is_twice_the_last_up_to_a_second),
		cmocka_unit_test(test_free_inside_the_error_callback),
		cmocka_unit_test(test_without_an_error_callback_the_failure_is_logged),
		cmocka_unit_test(test_get_fd_and_get_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
