/* Signals reach the backend through the base's socketpair: raise() and a
 * child's kill() become one activation with a count of deliveries. */
#include "backend_test.h"
#include "evmap-internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int
setup_base(void **state)
{
	struct event_base *base = event_base_new();

	if (base == NULL)
		return -1;
	*state = base;
	return 0;
}

static int
teardown_base(void **state)
{
	event_base_free(*state);
	return 0;
}

/* Dispatch and run the pair's reader until ev is active, at most n times. */
static void
wait_active(struct event_base *base, struct event *ev, int n)
{
	while (!is_active(ev) && n-- > 0) {
		assert_int_equal(dispatch_once(base, 2000000), 0);
		run_internal(base);
	}
	assert_true(is_active(ev));
}

static void
test_base_without_signal_events_opens_no_pair(void **state)
{
	struct event_base *base = *state;

	assert_int_equal(base->sig.pair[0], -1);
	assert_int_equal(base->sig.pair[1], -1);
}

static void
test_raise_activates_the_signal_event_once(void **state)
{
	struct event_base *base = *state;
	struct event ev;

	init_event(&ev, base, SIGUSR1, EV_SIGNAL | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_true(base->sig.pair[0] >= 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(base, &ev, 3);
	assert_int_equal(ev.ev_res, EV_SIGNAL);
	assert_int_equal(ev.ev_ncalls, 1);
	assert_int_equal(clear_active(base), 1);
	/* Nothing more to read: no second activation. */
	assert_int_equal(dispatch_once(base, 0), 0);
	run_internal(base);
	assert_false(is_active(&ev));
	assert_int_equal(unwatch(&ev), 0);
}

static void
test_three_deliveries_become_one_activation_with_three_calls(void **state)
{
	struct event_base *base = *state;
	struct event ev;

	init_event(&ev, base, SIGUSR1, EV_SIGNAL | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(base, &ev, 3);
	assert_int_equal(ev.ev_ncalls, 3);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
}

static void
test_two_signals_at_once_activate_their_own_events(void **state)
{
	struct event_base *base = *state;
	struct event one, two, other;

	init_event(&one, base, SIGUSR1, EV_SIGNAL);
	init_event(&two, base, SIGUSR2, EV_SIGNAL);
	init_event(&other, base, SIGHUP, EV_SIGNAL);
	assert_int_equal(watch(&one), 0);
	assert_int_equal(watch(&two), 0);
	assert_int_equal(watch(&other), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	wait_active(base, &one, 3);
	assert_true(is_active(&two));
	assert_false(is_active(&other));
	assert_int_equal(one.ev_ncalls, 1);
	assert_int_equal(two.ev_ncalls, 2);
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&one), 0);
	assert_int_equal(unwatch(&two), 0);
	assert_int_equal(unwatch(&other), 0);
}

static void
test_signal_and_fd_ready_in_one_dispatch(void **state)
{
	struct event_base *base = *state;
	struct event sig, io;
	int pair[2];

	make_pair(pair);
	init_event(&sig, base, SIGUSR1, EV_SIGNAL);
	init_event(&io, base, pair[0], EV_READ);
	assert_int_equal(watch(&sig), 0);
	assert_int_equal(watch(&io), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	run_internal(base);
	assert_true(is_active(&sig));
	assert_true(is_active(&io));
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&sig), 0);
	assert_int_equal(unwatch(&io), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_signal_from_a_forked_child_arrives(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	pid_t pid;
	int status;

	init_event(&ev, base, SIGUSR2, EV_SIGNAL);
	assert_int_equal(watch(&ev), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	wait_active(base, &ev, 10);
	assert_int_equal(ev.ev_ncalls, 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
}

static void
test_program_handler_is_restored_after_the_last_event_leaves(void **state)
{
	struct event_base *base = *state;
	struct sigaction before, during, after;
	struct event a, b;

	assert_int_equal(sigaction(SIGUSR1, NULL, &before), 0);
	init_event(&a, base, SIGUSR1, EV_SIGNAL);
	init_event(&b, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&a), 0);
	assert_int_equal(watch(&b), 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &during), 0);
	assert_ptr_not_equal(during.sa_handler, before.sa_handler);
	assert_int_equal(unwatch(&a), 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, during.sa_handler);
	assert_int_equal(unwatch(&b), 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
}

static void
test_freeing_a_base_restores_the_handler(void **state)
{
	struct event_base *base;
	struct sigaction before, after;
	struct event ev;

	(void)state;
	assert_int_equal(sigaction(SIGUSR1, NULL, &before), 0);
	base = event_base_new();
	assert_non_null(base);
	init_event(&ev, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&ev), 0);
	event_base_free(base);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
}

static void
test_two_bases_watch_different_signals(void **state)
{
	struct event_base *a = *state, *b = event_base_new();
	struct event ea, eb;

	assert_non_null(b);
	init_event(&ea, a, SIGUSR1, EV_SIGNAL);
	init_event(&eb, b, SIGUSR2, EV_SIGNAL);
	assert_int_equal(watch(&ea), 0);
	assert_int_equal(watch(&eb), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	wait_active(a, &ea, 3);
	wait_active(b, &eb, 3);
	assert_int_equal(clear_active(a), 1);
	assert_int_equal(clear_active(b), 1);
	assert_int_equal(unwatch(&ea), 0);
	assert_int_equal(unwatch(&eb), 0);
	event_base_free(b);
}

static void
test_same_signal_in_two_bases_goes_to_the_latest_then_hands_over(void **state)
{
	struct event_base *a = *state, *b = event_base_new();
	struct event ea, eb;
	struct sigaction before, after;

	assert_non_null(b);
	assert_int_equal(sigaction(SIGUSR1, NULL, &before), 0);
	init_event(&ea, a, SIGUSR1, EV_SIGNAL);
	init_event(&eb, b, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&ea), 0);
	assert_int_equal(watch(&eb), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(b, &eb, 3);
	assert_int_equal(dispatch_once(a, 0), 0);
	run_internal(a);
	assert_false(is_active(&ea));
	assert_int_equal(clear_active(b), 1);
	/* b lets go: a gets the signal from now on, and the handler stays. */
	assert_int_equal(unwatch(&eb), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(a, &ea, 3);
	assert_int_equal(clear_active(a), 1);
	event_base_free(b);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(a, &ea, 3);
	assert_int_equal(clear_active(a), 1);
	assert_int_equal(unwatch(&ea), 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
}

/* After fork() the child rebuilds its backend and its signal pair; its
 * descriptors and signals keep working and the parent's are untouched.
 * The child reports through its exit status. */
static int
child_after_fork(struct event_base *base, struct event *io, struct event *sig,
    int pair1, ino_t old_ino)
{
	struct stat st;

	if (event_base_restart_backend(base) < 0)
		return 1;
	if (fstat(base->sig.pair[0], &st) < 0 || st.st_ino == old_ino)
		return 2;	/* still the parent's pair */
	if (write(pair1, "c", 1) != 1)
		return 3;
	if (raise(SIGUSR1) != 0)
		return 4;
	for (int i = 0; i < 5 && !(is_active(io) && is_active(sig)); i++) {
		if (dispatch_once(base, 2000000) < 0)
			return 5;
		run_internal(base);
	}
	if (!is_active(io) || !is_active(sig))
		return 6;
	clear_active(base);
	unwatch(io);
	unwatch(sig);
	return 0;
}

static void
test_forked_child_rebuilds_backend_and_signal_pair(void **state)
{
	struct event_base *base = *state;
	struct event io, sig;
	int pair[2], status;
	struct stat st;
	pid_t pid;
	char c;

	make_pair(pair);
	init_event(&io, base, pair[0], EV_READ);
	init_event(&sig, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&io), 0);
	assert_int_equal(watch(&sig), 0);
	assert_int_equal(fstat(base->sig.pair[0], &st), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r = child_after_fork(base, &io, &sig, pair[1], st.st_ino);
		event_base_free(base);
		_exit(r);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The child's byte is on the shared socket; the parent sees it too,
	 * and nothing of the child's signal. */
	assert_int_equal(dispatch_once(base, -1), 0);
	run_internal(base);
	assert_true(is_active(&io));
	assert_false(is_active(&sig));
	assert_int_equal(read(pair[0], &c, 1), 1);
	assert_int_equal(clear_active(base), 1);
	/* And the parent's own signals still arrive. */
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(base, &sig, 3);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&io), 0);
	assert_int_equal(unwatch(&sig), 0);
	close(pair[0]);
	close(pair[1]);
}

struct visit {
	int total, internal, stop_after;
};

static int
count_event(struct event_base *base, struct event *ev, void *arg)
{
	struct visit *v = arg;

	(void)base;
	v->total++;
	if (ev->ev_flags & EVLIST_INTERNAL)
		v->internal++;
	return v->total == v->stop_after ? 42 : 0;
}

static void
test_every_waiting_event_is_visited_once(void **state)
{
	struct event_base *base = *state;
	struct event rd, wr, sig;
	struct visit v = { 0, 0, -1 };
	int pair[2];

	make_pair(pair);
	init_event(&rd, base, pair[0], EV_READ);
	init_event(&wr, base, pair[1], EV_WRITE);
	init_event(&sig, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&rd), 0);
	assert_int_equal(watch(&wr), 0);
	assert_int_equal(watch(&sig), 0);
	/* Three events of the program, and the signal pair's reader. */
	assert_int_equal(event_tables_foreach(base, count_event, &v), 0);
	assert_int_equal(v.total, 4);
	assert_int_equal(v.internal, 1);
	/* A visitor can stop the walk; its value comes back. */
	v.total = v.internal = 0;
	v.stop_after = 2;
	assert_int_equal(event_tables_foreach(base, count_event, &v), 42);
	assert_int_equal(v.total, 2);
	assert_int_equal(unwatch(&rd), 0);
	assert_int_equal(unwatch(&wr), 0);
	assert_int_equal(unwatch(&sig), 0);
	close(pair[0]);
	close(pair[1]);
}

/* Two threads, each with its own base, start and stop watching the same
 * signal over and over; the process-wide tables must come out balanced:
 * the program's handler back in place, and a later base served normally. */
static void *
churn_signal(void *arg)
{
	struct event_base *base = event_base_new();
	struct event ev;
	int i, *failures = arg;

	if (base == NULL) {
		++*failures;
		return NULL;
	}
	for (i = 0; i < 20000; i++) {
		init_event(&ev, base, SIGUSR1, EV_SIGNAL);
		if (watch(&ev) < 0 || unwatch(&ev) < 0)
			++*failures;
	}
	event_base_free(base);
	return NULL;
}

static void
test_two_threads_sharing_a_signal_leave_the_tables_balanced(void **state)
{
	struct event_base *base = *state;
	struct sigaction before, after;
	int failures[2] = { 0, 0 };
	pthread_t t[2];
	struct event ev;

	assert_int_equal(sigaction(SIGUSR1, NULL, &before), 0);
	assert_int_equal(pthread_create(&t[0], NULL, churn_signal, &failures[0]), 0);
	assert_int_equal(pthread_create(&t[1], NULL, churn_signal, &failures[1]), 0);
	assert_int_equal(pthread_join(t[0], NULL), 0);
	assert_int_equal(pthread_join(t[1], NULL), 0);
	assert_int_equal(failures[0] + failures[1], 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
	init_event(&ev, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(base, &ev, 3);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	assert_int_equal(sigaction(SIGUSR1, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
}

static void
test_invalid_signal_number_is_refused(void **state)
{
	struct event_base *base = *state;
	struct event ev;

	init_event(&ev, base, 0, EV_SIGNAL);
	assert_int_equal(watch(&ev), -1);
	init_event(&ev, base, NSIG, EV_SIGNAL);
	assert_int_equal(watch(&ev), -1);
	/* The kernel will not let anyone catch SIGKILL. */
	init_event(&ev, base, SIGKILL, EV_SIGNAL);
	assert_int_equal(watch(&ev), -1);
	/* A signal that can be caught still works afterwards. */
	init_event(&ev, base, SIGUSR1, EV_SIGNAL);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	wait_active(base, &ev, 3);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_base, teardown_base)
		T(test_base_without_signal_events_opens_no_pair),
		T(test_raise_activates_the_signal_event_once),
		T(test_three_deliveries_become_one_activation_with_three_calls),
		T(test_two_signals_at_once_activate_their_own_events),
		T(test_signal_and_fd_ready_in_one_dispatch),
		T(test_signal_from_a_forked_child_arrives),
		T(test_program_handler_is_restored_after_the_last_event_leaves),
		T(test_freeing_a_base_restores_the_handler),
		T(test_two_bases_watch_different_signals),
		T(test_same_signal_in_two_bases_goes_to_the_latest_then_hands_over),
		T(test_forked_child_rebuilds_backend_and_signal_pair),
		T(test_every_waiting_event_is_visited_once),
		T(test_two_threads_sharing_a_signal_leave_the_tables_balanced),
		T(test_invalid_signal_number_is_refused),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
