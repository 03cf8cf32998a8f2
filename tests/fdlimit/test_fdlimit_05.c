/* Chapter 05 with the descriptor table full: a signal event.  Adding it
 * needs the base's signal socketpair; without room for one the add fails,
 * the event is not pending, and the program's handler stays in place. */
#include <event2/event.h>

#include <signal.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

static int delivered;

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	delivered++;
}

static int
signal_event(void)
{
	struct event_base *base;
	struct event *ev;
	struct sigaction before, after;

	base = event_base_new();
	if (base == NULL)
		return -1;
	ev = evsignal_new(base, SIGUSR2, on_signal, NULL);
	FD_CHECK(ev != NULL);
	FD_CHECK(sigaction(SIGUSR2, NULL, &before) == 0);
	if (event_add(ev, NULL) < 0) {
		FD_CHECK(!event_pending(ev, EV_SIGNAL, NULL));
		FD_CHECK(sigaction(SIGUSR2, NULL, &after) == 0);
		FD_CHECK(after.sa_handler == before.sa_handler);
		event_free(ev);
		event_base_free(base);
		return -1;
	}
	delivered = 0;
	FD_CHECK(raise(SIGUSR2) == 0);
	FD_CHECK(event_base_loop(base, EVLOOP_ONCE) == 0);
	FD_CHECK(delivered == 1);
	event_free(ev);
	event_base_free(base);
	return 0;
}

static void
test_signal_event_under_emfile(void **state)
{
	static const struct fd_scenario s = { "evsignal_new + event_add",
	    signal_event };

	(void)state;
	/* The base's epoll descriptor, then the signal pair. */
	assert_int_equal(fdlimit_check(&s), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_event_under_emfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
