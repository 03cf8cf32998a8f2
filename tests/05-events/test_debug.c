/* Debug mode: each misuse is reported through the fatal path.  Each one
 * runs in a forked child whose fatal callback exits with a known code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include "events_test.h"

#define FATAL_EXIT 42

static void
fatal_exit(int err)
{
	(void)err;
	_exit(FATAL_EXIT);
}

static void
quiet(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

/* Run misuse() in a child; return its exit status (0: no fatal report). */
static int
in_child(void (*misuse)(struct event_base *))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct event_base *base = event_base_new();
		event_set_fatal_callback(fatal_exit);
		event_set_log_callback(quiet);
		misuse(base);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
add_never_assigned(struct event_base *base)
{
	struct event ev;

	(void)base;
	memset(&ev, 0, sizeof(ev));
	ev.ev_base = base;
	ev.ev_evcallback.evcb_flags = EVLIST_INIT;	/* looks assigned; never was */
	event_add(&ev, NULL);
}

static void
assign_pending(struct event_base *base)
{
	struct event ev;
	struct timeval hour = { 3600, 0 };

	event_assign(&ev, base, -1, 0, log_cb, NULL);
	event_add(&ev, &hour);
	event_assign(&ev, base, -1, 0, log_cb, NULL);
}

static void
free_pending(struct event_base *base)
{
	struct event *ev = evtimer_new(base, log_cb, NULL);
	struct timeval hour = { 3600, 0 };

	event_add(ev, &hour);
	event_debug_unassign(ev);
}

static void
use_after_free(struct event_base *base)
{
	struct event *ev = evtimer_new(base, log_cb, NULL);
	struct event copy;

	memcpy(&copy, ev, sizeof(copy));
	event_free(ev);
	event_del(&copy);	/* an address debug mode never saw */
}

static void
correct_use(struct event_base *base)
{
	struct event ev;
	struct timeval hour = { 3600, 0 };

	event_assign(&ev, base, -1, 0, log_cb, NULL);
	event_add(&ev, &hour);
	event_del(&ev);
	event_assign(&ev, base, -1, 0, log_cb, NULL);	/* not pending: fine */
	event_debug_unassign(&ev);
	event_base_free(base);
}

/* A finalizer may reuse its event's memory with event_assign(): debug mode
 * forgot the event before the finalizer ran, not after. */
static struct event_base *finalizing_base;
static int reused_runs;

static void
count_run(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	reused_runs++;
}

static void
reassign_in_finalizer(struct event *ev, void *arg)
{
	(void)arg;
	event_assign(ev, finalizing_base, -1, 0, count_run, NULL);
}

static void
reuse_after_finalize(struct event_base *base)
{
	struct event *ev = evtimer_new(base, log_cb, NULL);
	struct timeval zero = { 0, 0 };

	finalizing_base = base;
	event_finalize(0, ev, reassign_in_finalizer);
	event_base_loop(base, EVLOOP_NONBLOCK);
	if (event_add(ev, &zero) != 0)
		_exit(2);
	event_base_loop(base, EVLOOP_ONCE);
	if (reused_runs != 1)
		_exit(3);
	event_free(ev);
	event_base_free(base);
}

static void
nothing_in_finalizer(struct event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static void
free_in_finalizer(struct event *ev, void *arg)
{
	(void)arg;
	event_free(ev);
}

/* event_free() of an event whose finalizer ran, later or from the
 * finalizer itself, is not "an event never assigned". */
static void
free_after_finalize(struct event_base *base)
{
	struct event *later = evtimer_new(base, log_cb, NULL);
	struct event *inside = evtimer_new(base, log_cb, NULL);

	event_finalize(0, later, nothing_in_finalizer);
	event_finalize(0, inside, free_in_finalizer);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_free(later);
	event_base_free(base);
}

static void
test_finalizer_may_assign_its_event_again(void **state)
{
	(void)state;
	assert_int_equal(in_child(reuse_after_finalize), 0);
}

static void
test_freeing_a_finalized_event_is_not_reported(void **state)
{
	(void)state;
	assert_int_equal(in_child(free_after_finalize), 0);
}

static void
test_adding_an_unassigned_event_is_fatal(void **state)
{
	(void)state;
	assert_int_equal(in_child(add_never_assigned), FATAL_EXIT);
}

static void
test_assigning_a_pending_event_is_fatal(void **state)
{
	(void)state;
	assert_int_equal(in_child(assign_pending), FATAL_EXIT);
}

static void
test_unassigning_a_pending_event_is_fatal(void **state)
{
	(void)state;
	assert_int_equal(in_child(free_pending), FATAL_EXIT);
}

static void
test_deleting_an_unknown_event_is_fatal(void **state)
{
	(void)state;
	assert_int_equal(in_child(use_after_free), FATAL_EXIT);
}

static void
test_correct_use_is_not_reported(void **state)
{
	(void)state;
	assert_int_equal(in_child(correct_use), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adding_an_unassigned_event_is_fatal),
		cmocka_unit_test(test_assigning_a_pending_event_is_fatal),
		cmocka_unit_test(test_unassigning_a_pending_event_is_fatal),
		cmocka_unit_test(test_deleting_an_unknown_event_is_fatal),
		cmocka_unit_test(test_correct_use_is_not_reported),
		cmocka_unit_test(test_finalizer_may_assign_its_event_again),
		cmocka_unit_test(test_freeing_a_finalized_event_is_not_reported),
	};
	int r;

	event_enable_debug_mode();	/* before any event exists */
	r = cmocka_run_group_tests(tests, NULL, NULL);
	libevent_global_shutdown();
	return r;
}
