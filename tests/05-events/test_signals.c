/* Signal events: raise(), a child's kill(), two at once, a signal and a
 * descriptor in one iteration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include "events_test.h"

static void
test_raised_signal_runs_its_persistent_event(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = SIGUSR1, .del_after = 2 };
	struct event *ev = evsignal_new(base, SIGUSR1, log_cb, &l);

	(void)state;
	l.ev = ev;
	assert_int_equal(evsignal_add(ev, NULL), 0);
	assert_int_equal(evsignal_pending(ev, NULL), EV_SIGNAL);
	assert_int_equal(event_get_signal(ev), SIGUSR1);
	raise(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(l.runs, 1);
	assert_int_equal(log.what[0], EV_SIGNAL);
	raise(SIGUSR1);
	event_base_dispatch(base);	/* deleted after the second: loop ends */
	assert_int_equal(l.runs, 2);
	event_free(ev);
	event_base_free(base);
}

static void
test_signal_from_a_child_process_arrives(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct event *ev = evsignal_new(base, SIGUSR2, log_cb, &l);
	pid_t parent = getpid(), pid;
	int status;

	(void)state;
	l.ev = ev;
	l.del_after = 1;
	evsignal_add(ev, NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		kill(parent, SIGUSR2);
		_exit(0);
	}
	event_base_dispatch(base);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(l.runs, 1);
	event_free(ev);
	event_base_free(base);
}

static void
test_two_signals_before_one_iteration_both_run(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = SIGUSR1 };
	struct logged b = { .log = &log, .id = SIGUSR2 };
	struct event *ea = evsignal_new(base, SIGUSR1, log_cb, &a);
	struct event *eb = evsignal_new(base, SIGUSR2, log_cb, &b);

	(void)state;
	evsignal_add(ea, NULL);
	evsignal_add(eb, NULL);
	raise(SIGUSR1);
	raise(SIGUSR2);
	raise(SIGUSR1);		/* twice: the callback runs twice */
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(a.runs, 2);
	assert_int_equal(b.runs, 1);
	event_free(ea);
	event_free(eb);
	event_base_free(base);
}

static void
test_signal_and_descriptor_in_one_iteration(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged s = { .log = &log, .id = 1 };
	struct logged r = { .log = &log, .id = 2, .drain_fd = 1 };
	evutil_socket_t pair[2];
	struct event *es, *er;

	(void)state;
	make_pair(pair);
	es = evsignal_new(base, SIGUSR1, log_cb, &s);
	er = event_new(base, pair[0], EV_READ, log_cb, &r);
	evsignal_add(es, NULL);
	event_add(er, NULL);
	write_byte(pair[1]);
	raise(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(s.runs, 1);
	assert_int_equal(r.runs, 1);
	event_free(es);
	event_free(er);
	close_pair(pair);
	event_base_free(base);
}

static void
test_deleting_the_last_signal_event_restores_the_old_handler(void **state)
{
	struct event_base *base = event_base_new();
	struct event *ev = evsignal_new(base, SIGUSR1, log_cb, NULL);
	struct sigaction now;

	(void)state;
	signal(SIGUSR1, SIG_IGN);
	evsignal_add(ev, NULL);
	sigaction(SIGUSR1, NULL, &now);
	assert_true(now.sa_handler != SIG_IGN);
	evsignal_del(ev);
	sigaction(SIGUSR1, NULL, &now);
	assert_true(now.sa_handler == SIG_IGN);
	signal(SIGUSR1, SIG_DFL);
	event_free(ev);
	event_base_free(base);
}

static void
test_obsolete_signal_calls_work(void **state)
{
	struct event_base *base = event_init();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct event ev;

	(void)state;
	signal_set(&ev, SIGUSR2, log_cb, &l);
	l.ev = &ev;
	l.del_after = 1;
	assert_true(signal_initialized(&ev));
	assert_int_equal(signal_add(&ev, NULL), 0);
	assert_true(signal_pending(&ev, NULL));
	assert_int_equal(EVENT_SIGNAL(&ev), SIGUSR2);
	raise(SIGUSR2);
	event_dispatch();
	assert_int_equal(l.runs, 1);
	assert_int_equal(signal_del(&ev), 0);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raised_signal_runs_its_persistent_event),
		cmocka_unit_test(test_signal_from_a_child_process_arrives),
		cmocka_unit_test(test_two_signals_before_one_iteration_both_run),
		cmocka_unit_test(test_signal_and_descriptor_in_one_iteration),
		cmocka_unit_test(test_deleting_the_last_signal_event_restores_the_old_handler),
		cmocka_unit_test(test_obsolete_signal_calls_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
