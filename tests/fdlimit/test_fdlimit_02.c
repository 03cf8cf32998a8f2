/* Chapter 02 with the descriptor table full: evutil_socketpair() reports
 * EMFILE and leaves no half of a pair behind. */
#include <event2/util.h>

#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

static int
make_pair(void)
{
	evutil_socket_t sv[2] = { -1, -1 };

	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		FD_CHECK(sv[0] == -1 || sv[1] == -1);
		return -1;
	}
	FD_CHECK(evutil_make_socket_nonblocking(sv[0]) == 0);
	FD_CHECK(evutil_make_socket_closeonexec(sv[1]) == 0);
	FD_CHECK(write(sv[0], "x", 1) == 1);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	return 0;
}

static void
test_socketpair_reports_emfile_and_leaks_nothing(void **state)
{
	static const struct fd_scenario s = { "evutil_socketpair", make_pair };

	(void)state;
	assert_int_equal(fdlimit_check(&s), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socketpair_reports_emfile_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
