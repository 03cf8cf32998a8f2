/* Chapter 03 with the descriptor table full: a base on each backend, and
 * a signal watched through the base's socketpair.  A backend that cannot
 * get its descriptor fails the base, and a signal that cannot get its pair
 * is refused with the program's handler left in place. */
#include <event2/event.h>
#include "event-internal.h"
#include "evmap-internal.h"

#include <signal.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

static const char *method;
static int changelist;

static void
noop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static struct event_base *
base_on(void)
{
	static const char *const all[] = { "epoll", "poll", "select" };
	struct event_config *cfg = event_config_new();
	struct event_base *base;
	size_t i;

	FD_CHECK(cfg != NULL);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i], method) != 0)
			FD_CHECK(event_config_avoid_method(cfg, all[i]) == 0);
	FD_CHECK(event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV |
	    (changelist ? EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST : 0)) == 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base)
		FD_CHECK(strcmp(event_base_get_method(base),
		    changelist ? "epoll (with changelist)" : method) == 0);
	return base;
}

/* A base, and SIGUSR1 watched on it (by hand: chapter 3 has no
 * event_add), delivered once. */
static int
base_and_signal(void)
{
	struct event_base *base = base_on();
	struct sigaction before, after;
	struct event ev;

	if (base == NULL)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.ev_base = base;
	ev.ev_fd = SIGUSR1;
	ev.ev_events = EV_SIGNAL;
	ev.ev_callback = noop;
	ev.ev_closure = EV_CLOSURE_EVENT_SIGNAL;
	ev.ev_flags = EVLIST_INIT;
	ev.ev_heap_idx = -1;
	FD_CHECK(sigaction(SIGUSR1, NULL, &before) == 0);
	if (signal_table_add(base, SIGUSR1, &ev) < 0) {
		FD_CHECK(sigaction(SIGUSR1, NULL, &after) == 0);
		FD_CHECK(after.sa_handler == before.sa_handler);
		event_base_free(base);
		return -1;
	}
	FD_CHECK(raise(SIGUSR1) == 0);
	FD_CHECK(base->evsel->dispatch(base, &(struct timeval){ 0, 0 }) == 0);
	FD_CHECK(signal_table_del(base, SIGUSR1, &ev) >= 0);
	event_base_free(base);
	return 0;
}

static void
check_backend(const char *m, int cl, int needs)
{
	static struct fd_scenario s = { NULL, base_and_signal };

	method = m;
	changelist = cl;
	s.name = m;
	assert_int_equal(fdlimit_check(&s), needs);
}

/* epoll needs its own descriptor; the signal pair two more. */
static void
test_epoll_base_and_signal_under_emfile(void **state)
{
	(void)state;
	check_backend("epoll", 0, 3);
}

static void
test_epoll_changelist_base_and_signal_under_emfile(void **state)
{
	(void)state;
	check_backend("epoll", 1, 3);
}

static void
test_poll_base_and_signal_under_emfile(void **state)
{
	(void)state;
	check_backend("poll", 0, 2);
}

static void
test_select_base_and_signal_under_emfile(void **state)
{
	(void)state;
	check_backend("select", 0, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoll_base_and_signal_under_emfile),
		cmocka_unit_test(test_epoll_changelist_base_and_signal_under_emfile),
		cmocka_unit_test(test_poll_base_and_signal_under_emfile),
		cmocka_unit_test(test_select_base_and_signal_under_emfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
