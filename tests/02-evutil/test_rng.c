/* Chapter 02: secure random numbers from the kernel. */
#include <event2/event.h>
#include <event2/util.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evutil_test.h"

static void
test_init_succeeds_and_may_be_repeated(void **state)
{
	(void)state;
	assert_int_equal(evutil_secure_rng_init(), 0);
	assert_int_equal(evutil_secure_rng_init(), 0);
}

static void
test_two_draws_differ(void **state)
{
	unsigned char a[32], b[32];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	evutil_secure_rng_get_bytes(a, sizeof(a));
	evutil_secure_rng_get_bytes(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
}

static void
test_a_large_request_is_filled_to_the_end(void **state)
{
	static unsigned char buf[1 << 20];
	size_t zeros_at_end = 0, i, seen[256] = { 0 }, distinct = 0;

	(void)state;
	memset(buf, 0, sizeof(buf));
	evutil_secure_rng_get_bytes(buf, sizeof(buf));
	/* getrandom() returns at most 32 MiB - 1 per call and may return less;
	 * the tail must have been filled too. */
	for (i = sizeof(buf) - 64; i < sizeof(buf); i++)
		zeros_at_end += buf[i] == 0;
	assert_true(zeros_at_end < 8);
	for (i = 0; i < sizeof(buf); i++)
		seen[buf[i]]++;
	for (i = 0; i < 256; i++)
		distinct += seen[i] > 0;
	assert_int_equal(distinct, 256);
	evutil_secure_rng_get_bytes(buf, 0);	/* nothing asked, nothing done */
}

static void
test_parent_and_child_draw_different_bytes_after_fork(void **state)
{
	unsigned char mine[32], theirs[32];
	int fds[2], status;
	pid_t pid;

	(void)state;
	evutil_secure_rng_get_bytes(mine, sizeof(mine));	/* used before fork */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char child[32];

		evutil_secure_rng_get_bytes(child, sizeof(child));
		_exit(write(fds[1], child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	close(fds[1]);
	evutil_secure_rng_get_bytes(mine, sizeof(mine));
	assert_int_equal(read(fds[0], theirs, sizeof(theirs)), sizeof(theirs));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_not_equal(mine, theirs, sizeof(mine));
}

static void
test_added_bytes_are_accepted(void **state)
{
	unsigned char a[16];

	(void)state;
	evutil_secure_rng_add_bytes("not very random", 15);
	evutil_secure_rng_add_bytes(NULL, 0);
	evutil_secure_rng_get_bytes(a, sizeof(a));
}

static void
test_urandom_device_name_is_checked(void **state)
{
	char path[] = "/dev/urandom", tooLong[400];

	(void)state;
	assert_int_equal(evutil_secure_rng_set_urandom_device_file(path), 0);
	memset(tooLong, 'x', sizeof(tooLong) - 1);
	tooLong[sizeof(tooLong) - 1] = '\0';
	capture_log_start();
	assert_int_equal(evutil_secure_rng_set_urandom_device_file(tooLong), -1);
	assert_int_equal(evutil_secure_rng_set_urandom_device_file(NULL), -1);
	assert_int_equal(captured.count, 2);
	capture_log_stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_succeeds_and_may_be_repeated),
		cmocka_unit_test(test_two_draws_differ),
		cmocka_unit_test(test_a_large_request_is_filled_to_the_end),
		cmocka_unit_test(test_parent_and_child_draw_different_bytes_after_fork),
		cmocka_unit_test(test_added_bytes_are_accepted),
		cmocka_unit_test(test_urandom_device_name_is_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
