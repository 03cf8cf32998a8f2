/* Chapter 02: the socket helpers and the socket-error macros. */
#include <event2/event.h>
#include <event2/util.h>
#include <evutil.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evutil_test.h"

static int
int_option(int fd, int level, int option)
{
	int value = -1;
	socklen_t len = sizeof(value);

	assert_int_equal(getsockopt(fd, level, option, &value, &len), 0);
	return value;
}

static void
test_socketpair_is_connected_both_ways(void **state)
{
	evutil_socket_t sv[2];
	char buf[8];

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], "ping", 4), 4);
	assert_int_equal(read(sv[1], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(write(sv[1], "pong", 4), 4);
	assert_int_equal(read(sv[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "pong", 4);
	assert_int_equal(evutil_closesocket(sv[0]), 0);
	assert_int_equal(evutil_closesocket(sv[1]), 0);
}

static void
test_nonblocking_read_returns_eagain_instead_of_waiting(void **state)
{
	evutil_socket_t sv[2];
	char c;

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(evutil_make_socket_nonblocking(sv[0]), 0);
	assert_int_not_equal(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	/* A second call finds the flag set and leaves it so. */
	assert_int_equal(evutil_make_socket_nonblocking(sv[0]), 0);
	assert_int_equal(read(sv[0], &c, 1), -1);
	assert_int_equal(errno, EAGAIN);
	assert_true(EVUTIL_SOCKET_ERROR() == EAGAIN);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
}

static void
test_closeonexec_sets_the_descriptor_flag(void **state)
{
	evutil_socket_t sv[2];

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[1], F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(evutil_make_socket_closeonexec(sv[1]), 0);
	assert_int_not_equal(fcntl(sv[1], F_GETFD) & FD_CLOEXEC, 0);
	/* The status flags were not touched. */
	assert_int_equal(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
}

static void
test_listener_options_are_turned_on(void **state)
{
	evutil_socket_t tcp = socket(AF_INET, SOCK_STREAM, 0);
	evutil_socket_t tcp6 = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	assert_true(tcp >= 0);
	assert_int_equal(evutil_make_listen_socket_reuseable(tcp), 0);
	assert_int_equal(int_option(tcp, SOL_SOCKET, SO_REUSEADDR), 1);
	assert_int_equal(evutil_make_listen_socket_reuseable_port(tcp), 0);
	assert_int_equal(int_option(tcp, SOL_SOCKET, SO_REUSEPORT), 1);
	assert_int_equal(evutil_make_tcp_listen_socket_deferred(tcp), 0);
	assert_true(int_option(tcp, IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0);
	if (tcp6 >= 0) {
		assert_int_equal(evutil_make_listen_socket_ipv6only(tcp6), 0);
		assert_int_equal(int_option(tcp6, IPPROTO_IPV6, IPV6_V6ONLY), 1);
		evutil_closesocket(tcp6);
	}
	evutil_closesocket(tcp);
}

static void
test_helpers_on_a_closed_descriptor_fail_with_a_warning(void **state)
{
	evutil_socket_t sv[2];

	(void)state;
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	capture_log_start();
	assert_int_equal(evutil_make_socket_nonblocking(sv[0]), -1);
	assert_int_equal(EVUTIL_SOCKET_ERROR(), EBADF);
	assert_int_equal(evutil_make_socket_closeonexec(sv[0]), -1);
	assert_int_equal(evutil_make_listen_socket_reuseable(sv[0]), -1);
	assert_int_equal(captured.count, 3);
	assert_int_equal(captured.last_severity, EVENT_LOG_WARN);
	assert_true(captured_contains("SO_REUSEADDR"));
	assert_true(captured_contains(strerror(EBADF)));
	capture_log_stop();
	/* Closing twice is an error the caller sees, never a crash. */
	assert_int_equal(evutil_closesocket(sv[0]), -1);
	assert_int_equal(errno, EBADF);
}

static void
test_socket_error_macros_are_errno_on_unix(void **state)
{
	evutil_socket_t sv[2];
	int side_effects = 0;

	(void)state;
	EVUTIL_SET_SOCKET_ERROR(ECONNRESET);
	assert_int_equal(errno, ECONNRESET);
	assert_int_equal(EVUTIL_SOCKET_ERROR(), ECONNRESET);
	assert_int_equal(evutil_socket_geterror((side_effects++, 3)), ECONNRESET);
	assert_int_equal(side_effects, 1);
	assert_string_equal(evutil_socket_error_to_string(ECONNRESET),
	    strerror(ECONNRESET));
	assert_int_equal(EVUTIL_INVALID_SOCKET, -1);
	assert_int_equal(sizeof(evutil_socket_t), sizeof(int));
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(shutdown(sv[0], EVUTIL_SHUT_WR), 0);
	assert_int_equal(EVUTIL_CLOSESOCKET(sv[0]), 0);
	assert_int_equal(EVUTIL_CLOSESOCKET(sv[1]), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socketpair_is_connected_both_ways),
		cmocka_unit_test(test_nonblocking_read_returns_eagain_instead_of_waiting),
		cmocka_unit_test(test_closeonexec_sets_the_descriptor_flag),
		cmocka_unit_test(test_listener_options_are_turned_on),
		cmocka_unit_test(test_helpers_on_a_closed_descriptor_fail_with_a_warning),
		cmocka_unit_test(test_socket_error_macros_are_errno_on_unix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
