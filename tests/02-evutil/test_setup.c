/* Chapter 02: memory hooks, logging, the fatal path, version, debug mode,
 * global shutdown. */
#include <event2/event.h>
#include <event2/util.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evutil_test.h"
#include "log-internal.h"
#include "mm-internal.h"
#include "util-internal.h"

/* Allocation hooks that count, and check the promises made to hooks. */
static int allocs, reallocs, frees, zero_sized_requests, null_frees;

static void *
counting_malloc(size_t n)
{
	allocs++;
	zero_sized_requests += n == 0;
	return malloc(n);
}

static void *
counting_realloc(void *p, size_t n)
{
	reallocs++;
	zero_sized_requests += n == 0;
	return realloc(p, n);
}

static void
counting_free(void *p)
{
	frees++;
	null_frees += p == NULL;
	free(p);
}

static int
install_counting_hooks(void **state)
{
	(void)state;
	allocs = reallocs = frees = zero_sized_requests = null_frees = 0;
	event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
	return 0;
}

static int
remove_hooks(void **state)
{
	(void)state;
	event_set_mem_functions(NULL, NULL, NULL);
	return 0;
}

static void
test_every_allocation_goes_through_the_hooks(void **state)
{
	char *s, *t;
	int *v;

	(void)state;
	s = litevent_malloc(10);
	v = litevent_calloc(4, sizeof(*v));
	t = litevent_strdup("copied through the hooks");
	s = litevent_realloc(s, 100);
	assert_non_null(s);
	assert_non_null(v);
	assert_string_equal(t, "copied through the hooks");
	assert_int_equal(v[0] | v[1] | v[2] | v[3], 0);
	assert_int_equal(allocs, 3);
	assert_int_equal(reallocs, 1);
	litevent_free(s);
	litevent_free(v);
	litevent_free(t);
	assert_int_equal(frees, 3);
}

static void
test_hooks_never_see_zero_sizes_or_null_frees(void **state)
{
	void *p;

	(void)state;
	assert_null(litevent_malloc(0));
	assert_null(litevent_calloc(0, 8));
	assert_null(litevent_calloc(8, 0));
	litevent_free(NULL);
	p = litevent_realloc(NULL, 16);	/* realloc of NULL allocates */
	assert_non_null(p);
	assert_int_equal(allocs, 1);
	assert_null(litevent_realloc(p, 0));	/* realloc to 0 frees */
	assert_int_equal(frees, 1);
	assert_int_equal(zero_sized_requests, 0);
	assert_int_equal(null_frees, 0);
}

static void
test_calloc_refuses_an_overflowing_product(void **state)
{
	(void)state;
	errno = 0;
	assert_null(litevent_calloc(SIZE_MAX / 2, 4));
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(allocs, 0);
}

/* A program's allocator that refuses and says nothing, as C allows. */
static void *
silent_refusal(size_t n)
{
	(void)n;
	return NULL;
}

static void *
silent_realloc_refusal(void *p, size_t n)
{
	(void)p;
	(void)n;
	return NULL;
}

static void
test_a_silent_hook_refusal_still_says_enomem(void **state)
{
	void *p = malloc(8);

	(void)state;
	event_set_mem_functions(silent_refusal, silent_realloc_refusal, free);
	errno = EAGAIN;		/* what the last recv() may have left */
	assert_null(litevent_malloc(8));
	assert_int_equal(errno, ENOMEM);
	errno = EAGAIN;
	assert_null(litevent_calloc(2, 8));
	assert_int_equal(errno, ENOMEM);
	errno = EAGAIN;
	assert_null(litevent_realloc(p, 64));	/* p itself is kept */
	assert_int_equal(errno, ENOMEM);
	errno = EAGAIN;
	assert_null(litevent_strdup("x"));
	assert_int_equal(errno, ENOMEM);
	free(p);
}

static void
test_strdup_of_null_is_an_error(void **state)
{
	(void)state;
	errno = 0;
	assert_null(litevent_strdup(NULL));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(allocs, 0);
}

static void
test_incomplete_hooks_restore_the_c_library(void **state)
{
	void *p;

	(void)state;
	event_set_mem_functions(counting_malloc, NULL, counting_free);
	p = litevent_malloc(8);
	litevent_free(p);
	assert_int_equal(allocs, 0);
	assert_int_equal(frees, 0);
}

static void
test_log_callback_gets_severity_and_message(void **state)
{
	(void)state;
	capture_log_start();
	event_warnx("disk %s is %d%% full", "sda", 93);
	assert_int_equal(captured.count, 1);
	assert_int_equal(captured.last_severity, EVENT_LOG_WARN);
	assert_string_equal(captured.last, "disk sda is 93% full");
	event_msgx("hello");
	assert_int_equal(captured.last_severity, EVENT_LOG_MSG);
	errno = ENOENT;
	event_warn("open(%s)", "/nowhere");
	assert_string_equal(captured.last, "open(/nowhere): No such file or directory");
	event_sock_warn(-1, "recv");
	assert_int_equal(captured.count, 3 + 1);
	capture_log_stop();
}

static void
test_debug_messages_need_debug_logging(void **state)
{
	(void)state;
	capture_log_start();
	litevent_debugx("quiet %d", 1);
	event_debug(("quiet %d", 2));
	assert_int_equal(captured.count, 0);
	event_enable_debug_logging(EVENT_DBG_ALL);
	litevent_debugx("loud %d", 1);
	event_debug(("loud %d", 2));
	assert_int_equal(captured.count, 2);
	assert_int_equal(captured.last_severity, EVENT_LOG_DEBUG);
	assert_string_equal(captured.last, "loud 2");
	event_enable_debug_logging(EVENT_DBG_NONE);
	litevent_debugx("quiet again");
	assert_int_equal(captured.count, 2);
	capture_log_stop();
}

static void
test_an_overlong_message_is_cut_short_not_lost(void **state)
{
	char big[5000];

	(void)state;
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	capture_log_start();
	event_warnx("%s", big);
	assert_int_equal(captured.count, 1);
	assert_int_equal(strlen(captured.last), 1023);
	capture_log_stop();
}

static void
test_default_log_goes_to_stderr_with_a_severity_tag(void **state)
{
	int fds[2], saved = dup(2);
	char buf[256] = "";
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	dup2(fds[1], 2);
	event_set_log_callback(NULL);
	event_warnx("to stderr %d", 7);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	assert_string_equal(buf, "[warn] to stderr 7\n");
}

/* The fatal path, in children. */
static int fatal_code_seen = -1;

static void
note_fatal_code_and_exit(int err)
{
	fatal_code_seen = err;
	_exit(err == EVENT_ABORT_NOT_EXIT ? 77 : 40 + err);
}

static void
returning_fatal_callback(int err)
{
	(void)err;
}

static void
fatal_with_callback(void)
{
	event_set_fatal_callback(note_fatal_code_and_exit);
	event_errx(2, "cannot go on: %s", "state corrupt");
}

static void
fatal_without_callback(void)
{
	event_errx(3, "no callback");
}

static void
fatal_with_a_callback_that_returns(void)
{
	event_set_fatal_callback(returning_fatal_callback);
	event_errx(4, "the callback returned");
}

static void
failed_assertion_with_callback(void)
{
	int zero = 0;

	event_set_fatal_callback(note_fatal_code_and_exit);
	EVUTIL_ASSERT(zero == 1);
}

static void
failed_assertion(void)
{
	int zero = 0;

	EVUTIL_ASSERT(zero == 1);
}

static void
test_fatal_error_calls_the_fatal_callback_with_its_code(void **state)
{
	struct child_result r;

	(void)state;
	run_in_child(fatal_with_callback, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 42);
	assert_non_null(strstr(r.log, "3 cannot go on: state corrupt"));
}

static void
test_fatal_error_exits_with_its_code_without_a_callback(void **state)
{
	struct child_result r;

	(void)state;
	run_in_child(fatal_without_callback, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 3);
	run_in_child(fatal_with_a_callback_that_returns, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 4);
}

static void
test_failed_assertion_reports_and_aborts(void **state)
{
	struct child_result r;

	(void)state;
	run_in_child(failed_assertion, &r);
	assert_false(r.exited);
	assert_int_equal(r.status, SIGABRT);
	assert_non_null(strstr(r.log, "Assertion zero == 1 failed in failed_assertion"));
	run_in_child(failed_assertion_with_callback, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 77);
	assert_int_equal(fatal_code_seen, -1);	/* it was the child's variable */
}

static void
test_version_is_libevent_2_1_compatible(void **state)
{
	(void)state;
	assert_string_equal(event_get_version(), LIBEVENT_VERSION);
	assert_int_equal(event_get_version_number(), LIBEVENT_VERSION_NUMBER);
	assert_true(LIBEVENT_VERSION_NUMBER >= 0x02010000);
	assert_true(LIBEVENT_VERSION_NUMBER < 0x02020000);
	assert_int_equal(strncmp(event_get_version(), "2.1.", 4), 0);
	assert_int_equal((event_get_version_number() >> 24) & 0xff, 2);
	assert_int_equal((event_get_version_number() >> 16) & 0xff, 1);
}

static void
test_debug_mode_switches_on_once(void **state)
{
	(void)state;
	assert_int_equal(event_debug_mode_enabled(), 0);
	event_enable_debug_mode();
	assert_int_equal(event_debug_mode_enabled(), 1);
	capture_log_start();
	event_enable_debug_mode();
	assert_int_equal(captured.count, 1);
	assert_true(captured_contains("already on"));
	capture_log_stop();
	assert_int_equal(event_debug_mode_enabled(), 1);
}

static void
test_global_shutdown_may_be_repeated(void **state)
{
	(void)state;
	libevent_global_shutdown();
	libevent_global_shutdown();
}

#define HOOKED(t) cmocka_unit_test_setup_teardown(t, install_counting_hooks, remove_hooks)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HOOKED(test_every_allocation_goes_through_the_hooks),
		HOOKED(test_hooks_never_see_zero_sizes_or_null_frees),
		HOOKED(test_calloc_refuses_an_overflowing_product),
		HOOKED(test_strdup_of_null_is_an_error),
		HOOKED(test_incomplete_hooks_restore_the_c_library),
		HOOKED(test_a_silent_hook_refusal_still_says_enomem),
		cmocka_unit_test(test_log_callback_gets_severity_and_message),
		cmocka_unit_test(test_debug_messages_need_debug_logging),
		cmocka_unit_test(test_an_overlong_message_is_cut_short_not_lost),
		cmocka_unit_test(test_default_log_goes_to_stderr_with_a_severity_tag),
		cmocka_unit_test(test_fatal_error_calls_the_fatal_callback_with_its_code),
		cmocka_unit_test(test_fatal_error_exits_with_its_code_without_a_callback),
		cmocka_unit_test(test_failed_assertion_reports_and_aborts),
		cmocka_unit_test(test_version_is_libevent_2_1_compatible),
		cmocka_unit_test(test_debug_mode_switches_on_once),
		cmocka_unit_test(test_global_shutdown_may_be_repeated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
