/* event_base_free() with events still pending or active: the base lets go
 * of them, the program frees them afterwards, and nothing leaks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include "events_test.h"

static void
test_freeing_a_base_with_every_kind_of_event_pending(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 };
	const struct timeval *common = event_base_init_common_timeout(base, &hour);
	evutil_socket_t pair[2];
	struct event *io, *timer, *sig, *ct, *active, embedded;
	struct sigaction now;

	(void)state;
	make_pair(pair);
	io = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, NULL);
	timer = evtimer_new(base, log_cb, NULL);
	sig = evsignal_new(base, SIGUSR1, log_cb, NULL);
	ct = evtimer_new(base, log_cb, NULL);
	active = evtimer_new(base, log_cb, NULL);
	event_assign(&embedded, base, pair[1], EV_WRITE, log_cb, NULL);
	event_add(io, &hour);
	event_add(timer, &hour);
	event_add(sig, NULL);
	event_add(ct, common);
	event_active(active, EV_TIMEOUT, 1);
	event_add(&embedded, NULL);
	event_base_once(base, -1, EV_TIMEOUT, log_cb, NULL, &hour);
	event_base_free(base);
	/* The signal's handler went back to the default. */
	sigaction(SIGUSR1, NULL, &now);
	assert_true(now.sa_handler == SIG_DFL);
	/* Detached: nothing pending, no base, freeing is safe. */
	assert_int_equal(event_pending(io, EV_READ | EV_TIMEOUT, NULL), 0);
	assert_null(event_get_base(timer));
	assert_int_equal(event_del(&embedded), 0);
	event_free(io);
	event_free(timer);
	event_free(sig);
	event_free(ct);
	event_free(active);
	close_pair(pair);
}

static int finalized;

static void
count_finalizer(struct event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	finalized++;
}

static void
test_freeing_a_base_from_nofinalize_skips_finalizers(void **state)
{
	struct event_base *base = event_base_new();
	struct event ev;

	(void)state;
	finalized = 0;
	event_assign(&ev, base, -1, 0, log_cb, NULL);
	assert_int_equal(event_finalize(0, &ev, NULL), -1);	/* no callback */
	assert_int_equal(event_finalize(0, &ev, count_finalizer), 0);
	event_base_free_nofinalize(base);
	assert_int_equal(finalized, 0);
	base = event_base_new();
	event_assign(&ev, base, -1, 0, log_cb, NULL);
	event_finalize(0, &ev, count_finalizer);
	event_base_free(base);
	assert_int_equal(finalized, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeing_a_base_with_every_kind_of_event_pending),
		cmocka_unit_test(test_freeing_a_base_from_nofinalize_skips_finalizers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
