/* Bad input: every call fails with NULL (or -1), an errno that says why,
 * and nothing left behind -- no descriptor, no memory (valgrind), no
 * change to the program's descriptor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/listener.h>
#include "listener_test.h"

static struct event_base *base;

static int
setup(void **state)
{
	(void)state;
	base = event_base_new();
	log_capture();
	return base ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	event_set_log_callback(NULL);
	event_base_free(base);
	return 0;
}

static struct evconnlistener *
bind_to(const struct sockaddr *sa, int len, unsigned flags)
{
	return evconnlistener_new_bind(base, record_cb, NULL,
	    flags | LEV_OPT_CLOSE_ON_FREE, -1, sa, len);
}

static void
test_binding_an_address_in_use_fails_cleanly(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_storage taken;
	struct evconnlistener *first, *second;
	socklen_t len;
	int fds;

	(void)state;
	loopback4(&sin);
	first = bind_to((struct sockaddr *)&sin, sizeof(sin), 0);
	assert_non_null(first);
	len = bound_address(evconnlistener_get_fd(first), &taken);
	fds = open_descriptors();
	errno = 0;
	second = bind_to((struct sockaddr *)&taken, (int)len, LEV_OPT_REUSEABLE);
	assert_null(second);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(open_descriptors(), fds);
	evconnlistener_free(first);
}

/* A pipe is no socket: refused with ENOTSOCK, whatever the backlog, and
 * the pipe keeps its flags. */
static void
test_a_descriptor_that_is_no_socket_is_refused(void **state)
{
	int p[2], before, backlog;

	(void)state;
	assert_int_equal(pipe(p), 0);
	before = fcntl(p[0], F_GETFL);
	for (backlog = -1; backlog <= 1; backlog++) {
		errno = 0;
		assert_null(evconnlistener_new(base, record_cb, NULL, 0, backlog,
		    p[0]));
		assert_int_equal(errno, ENOTSOCK);
	}
	assert_int_equal(fcntl(p[0], F_GETFL), before);
	assert_true(logged_messages() >= 1);
	close(p[0]);
	close(p[1]);
}

static void
test_a_negative_descriptor_is_refused(void **state)
{
	(void)state;
	errno = 0;
	assert_null(evconnlistener_new(base, record_cb, NULL, 0, 0, -1));
	assert_int_equal(errno, EBADF);
	assert_null(evconnlistener_new(base, record_cb, NULL, 0, -1, -5));
	assert_true(logged_containing("negative") >= 1);
}

/* Backlog 0 promises a listening socket; a socket that does not listen is
 * refused and left as it was (still blocking). */
static void
test_backlog_zero_on_a_socket_that_does_not_listen_is_refused(void **state)
{
	struct sockaddr_in sin;
	evutil_socket_t fd = bound_socket4(SOCK_STREAM);

	(void)state;
	errno = 0;
	assert_null(evconnlistener_new(base, record_cb, NULL, 0, 0, fd));
	assert_int_equal(errno, EINVAL);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(int_option(fd, SOL_SOCKET, SO_ACCEPTCONN), 0);
	close(fd);
	/* new_bind's own socket never listens before: backlog 0 is refused. */
	loopback4(&sin);
	assert_null(evconnlistener_new_bind(base, record_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 0, (struct sockaddr *)&sin, sizeof(sin)));
}

/* A datagram socket cannot listen. */
static void
test_a_datagram_socket_is_refused(void **state)
{
	evutil_socket_t fd = bound_socket4(SOCK_DGRAM);

	(void)state;
	errno = 0;
	assert_null(evconnlistener_new(base, record_cb, NULL, 0, -1, fd));
	assert_int_equal(errno, EOPNOTSUPP);
	assert_true(fcntl(fd, F_GETFD) >= 0);	/* not closed */
	close(fd);
}

static void
test_no_address_or_a_short_one_is_refused(void **state)
{
	struct sockaddr_in sin;
	int fds = open_descriptors();

	(void)state;
	loopback4(&sin);
	errno = 0;
	assert_null(bind_to(NULL, sizeof(sin), 0));
	assert_int_equal(errno, EINVAL);
	assert_null(bind_to((struct sockaddr *)&sin, 0, 0));
	assert_null(bind_to((struct sockaddr *)&sin, 1, 0));
	errno = 0;
	assert_null(bind_to((struct sockaddr *)&sin, 8, 0));	/* truncated */
	assert_int_equal(errno, EINVAL);
	assert_int_equal(open_descriptors(), fds);
	assert_true(logged_containing("no address") >= 1);
}

static void
test_an_unknown_family_is_refused(void **state)
{
	struct sockaddr_in sin;
	int fds = open_descriptors();

	(void)state;
	loopback4(&sin);
	sin.sin_family = 4242;
	errno = 0;
	assert_null(bind_to((struct sockaddr *)&sin, sizeof(sin), 0));
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(open_descriptors(), fds);
}

static void
test_no_base_is_refused(void **state)
{
	struct sockaddr_in sin;
	int fds = open_descriptors();

	(void)state;
	loopback4(&sin);
	errno = 0;
	assert_null(evconnlistener_new_bind(NULL, record_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof(sin)));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(open_descriptors(), fds);
}

static void
test_a_null_listener_is_refused_by_every_call(void **state)
{
	(void)state;
	assert_int_equal(evconnlistener_enable(NULL), -1);
	assert_int_equal(evconnlistener_disable(NULL), -1);
	assert_int_equal(evconnlistener_get_fd(NULL), -1);
	assert_null(evconnlistener_get_base(NULL));
	evconnlistener_set_cb(NULL, record_cb, NULL);
	evconnlistener_set_error_cb(NULL, record_error_cb);
	evconnlistener_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_binding_an_address_in_use_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_descriptor_that_is_no_socket_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_negative_descriptor_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog_zero_on_a_socket_that_does_not_listen_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_datagram_socket_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_address_or_a_short_one_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_unknown_family_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_base_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_null_listener_is_refused_by_every_call, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
