/* fork() and event_reinit(): the child gets its own backend and signal
 * pair, and its events still work; the parent's are untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include "events_test.h"

static int
child_status(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_child_after_reinit_sees_its_descriptors_and_signals(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged r = { .log = &log, .id = 1, .drain_fd = 1 };
	struct logged s = { .log = &log, .id = 2 };
	evutil_socket_t pair[2];
	struct event *er, *es;
	pid_t pid;

	(void)state;
	make_pair(pair);
	er = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, &r);
	es = evsignal_new(base, SIGUSR1, log_cb, &s);
	event_add(er, NULL);
	event_add(es, NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = event_reinit(base) == 0;
		write_byte(pair[1]);
		raise(SIGUSR1);
		while (ok && (r.runs == 0 || s.runs == 0))
			ok = event_base_loop(base, EVLOOP_ONCE) == 0;
		ok = ok && r.runs == 1 && s.runs == 1;
		event_free(er);
		event_free(es);
		event_base_free(base);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(child_status(pid), 0);
	/* The parent's events still work, and the child took nothing. */
	assert_int_equal(r.runs, 0);
	write_byte(pair[1]);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.runs, 1);
	event_free(er);
	event_free(es);
	close_pair(pair);
	event_base_free(base);
}

static void
test_parent_deleting_an_event_does_not_silence_the_child(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged r = { .log = &log, .id = 1, .drain_fd = 1 };
	evutil_socket_t pair[2];
	struct event *er;
	pid_t pid;
	int go[2];
	char c;

	(void)state;
	make_pair(pair);
	assert_int_equal(pipe(go), 0);
	er = event_new(base, pair[0], EV_READ, log_cb, &r);
	event_add(er, NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = event_reinit(base) == 0;
		ok = ok && read(go[0], &c, 1) == 1;	/* parent has deleted */
		write_byte(pair[1]);
		ok = ok && event_base_loop(base, EVLOOP_ONCE) == 0 && r.runs == 1;
		event_free(er);
		event_base_free(base);
		_exit(ok ? 0 : 1);
	}
	event_del(er);		/* on a shared epoll set, this would reach the child */
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(child_status(pid), 0);
	close(go[0]);
	close(go[1]);
	event_free(er);
	close_pair(pair);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_after_reinit_sees_its_descriptors_and_signals),
		cmocka_unit_test(test_parent_deleting_an_event_does_not_silence_the_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
