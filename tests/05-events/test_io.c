/* Events on descriptors: readiness, EOF, persistence, deletion, activation,
 * the accessors and the obsolete calls. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/event_compat.h>
#include <event.h>
#include "events_test.h"
#include "util-internal.h"

static void
test_read_event_fires_once_when_data_arrives(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .drain_fd = 1 };
	evutil_socket_t pair[2];
	struct event *ev;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ, log_cb, &l);
	l.ev = ev;
	assert_int_equal(event_add(ev, NULL), 0);
	assert_int_equal(event_pending(ev, EV_READ | EV_WRITE, NULL), EV_READ);
	write_byte(pair[1]);
	write_byte(pair[1]);
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.what[0], EV_READ);
	assert_int_equal(event_pending(ev, EV_READ, NULL), 0);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_persistent_read_event_fires_per_write_until_deleted(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1, .drain_fd = 1, .del_after = 3 };
	struct logged w = { .log = &log, .id = 2 };
	evutil_socket_t pair[2];
	struct event *ev;
	int i;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ | EV_PERSIST, log_cb, &l);
	l.ev = ev;
	event_add(ev, NULL);
	for (i = 0; i < 3; i++) {
		write_byte(pair[1]);
		assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
		assert_int_equal(log.n, i + 1);
	}
	assert_int_equal(event_pending(ev, EV_READ, NULL), 0);
	/* Write readiness on the other end. */
	event_assign(ev, base, pair[1], EV_WRITE, log_cb, &w);
	event_add(ev, NULL);
	event_base_dispatch(base);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[3], 2);
	assert_int_equal(log.what[3], EV_WRITE);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_peer_close_makes_the_socket_readable_with_eof(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	evutil_socket_t pair[2];
	struct event *ev;
	char c;

	(void)state;
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ, log_cb, &l);
	event_add(ev, NULL);
	evutil_closesocket(pair[1]);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_true(log.what[0] & EV_READ);
	assert_int_equal(recv(pair[0], &c, 1, 0), 0);
	event_free(ev);
	evutil_closesocket(pair[0]);
	event_base_free(base);
}

static void
test_closed_event_reports_peer_shutdown_where_supported(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	evutil_socket_t pair[2];
	struct event *ev;

	(void)state;
	if (!(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE)) {
		event_base_free(base);
		skip();
	}
	make_pair(pair);
	ev = event_new(base, pair[0], EV_CLOSED, log_cb, &l);
	event_add(ev, NULL);
	write_byte(pair[1]);	/* unread data does not hide the close */
	shutdown(pair[1], SHUT_WR);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_true(log.what[0] & EV_CLOSED);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_edge_triggered_event_fires_once_per_arrival(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };	/* never reads */
	evutil_socket_t pair[2];
	struct event *ev;

	(void)state;
	if (!(event_base_get_features(base) & EV_FEATURE_ET)) {
		event_base_free(base);
		skip();
	}
	make_pair(pair);
	ev = event_new(base, pair[0], EV_READ | EV_ET | EV_PERSIST, log_cb, &l);
	event_add(ev, NULL);
	write_byte(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(l.runs, 1);
	event_base_loop(base, EVLOOP_NONBLOCK);	/* still unread: no new edge */
	assert_int_equal(l.runs, 1);
	write_byte(pair[1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(l.runs, 2);
	event_free(ev);
	close_pair(pair);
	event_base_free(base);
}

static void
test_deleted_event_does_not_run(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = 1 }, b = { .log = &log, .id = 2 };
	evutil_socket_t pair[2];
	struct event *ea, *eb;

	(void)state;
	make_pair(pair);
	ea = event_new(base, pair[0], EV_READ, log_cb, &a);
	eb = event_new(base, pair[0], EV_READ, log_cb, &b);
	event_add(ea, NULL);
	event_add(eb, NULL);
	assert_int_equal(event_del(ea), 0);
	assert_int_equal(event_del(ea), 0);	/* twice is harmless */
	write_byte(pair[1]);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.id[0], 2);
	event_free(ea);
	event_free(eb);
	close_pair(pair);
	event_base_free(base);
}

static void
test_event_active_runs_the_callback_with_the_given_reason(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct event *ev = event_new(base, -1, 0, log_cb, &l);

	(void)state;
	event_active(ev, EV_WRITE, 1);
	event_active(ev, EV_READ, 1);	/* merges: runs once with both */
	assert_int_equal(event_pending(ev, EV_READ | EV_WRITE, NULL),
	    EV_READ | EV_WRITE);
	event_base_dispatch(base);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.what[0], EV_READ | EV_WRITE);
	event_free(ev);
	event_base_free(base);
}

static void
self_check(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;

	(void)fd;
	(void)what;
	assert_ptr_equal(event_base_get_running_event(event_get_base(ev)), ev);
	event_free(ev);		/* freeing itself from its callback is fine */
}

static void
test_self_cbarg_passes_the_event_to_its_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct event *ev = event_new(base, -1, 0, self_check, event_self_cbarg());

	(void)state;
	assert_ptr_equal(event_get_callback_arg(ev), ev);
	event_active(ev, EV_TIMEOUT, 1);
	event_base_dispatch(base);
	event_base_free(base);
}

static void
test_accessors_return_the_assignment(void **state)
{
	struct event_base *base = event_base_new();
	struct event ev;
	struct event_base *b;
	evutil_socket_t fd;
	short what;
	event_callback_fn cb;
	void *arg;
	int x;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	assert_false(event_initialized(&ev));
	assert_int_equal(event_get_struct_event_size(), sizeof(struct event));
	event_base_priority_init(base, 5);
	assert_int_equal(event_assign(&ev, base, 7, EV_READ | EV_PERSIST,
	    log_cb, &x), 0);
	assert_true(event_initialized(&ev));
	assert_int_equal(event_get_fd(&ev), 7);
	assert_ptr_equal(event_get_base(&ev), base);
	assert_int_equal(event_get_events(&ev), EV_READ | EV_PERSIST);
	assert_ptr_equal(event_get_callback(&ev), log_cb);
	assert_ptr_equal(event_get_callback_arg(&ev), &x);
	assert_int_equal(event_get_priority(&ev), 2);
	assert_int_equal(event_priority_set(&ev, 4), 0);
	assert_int_equal(event_get_priority(&ev), 4);
	assert_int_equal(event_priority_set(&ev, 5), -1);
	assert_int_equal(event_priority_set(&ev, -1), -1);
	event_get_assignment(&ev, &b, &fd, &what, &cb, &arg);
	assert_ptr_equal(b, base);
	assert_int_equal(fd, 7);
	assert_int_equal(what, EV_READ | EV_PERSIST);
	assert_ptr_equal(cb, log_cb);
	assert_ptr_equal(arg, &x);
	event_active(&ev, EV_READ, 1);
	assert_int_equal(event_priority_set(&ev, 1), -1);	/* active */
	event_del(&ev);
	event_base_free(base);
}

static void
test_bad_assignments_and_adds_are_refused(void **state)
{
	struct event_base *base = event_base_new();
	struct event ev, blank;

	(void)state;
	assert_int_equal(event_assign(&ev, base, SIGINT,
	    EV_SIGNAL | EV_READ, log_cb, NULL), -1);
	assert_null(event_new(base, SIGINT, EV_SIGNAL | EV_WRITE, log_cb, NULL));
	memset(&blank, 0, sizeof(blank));
	assert_int_equal(event_add(&blank, NULL), -1);
	event_assign(&ev, base, 1000000, EV_SIGNAL, log_cb, NULL);
	assert_int_equal(event_add(&ev, NULL), -1);	/* no such signal */
	assert_int_equal(event_base_once(base, -1, EV_SIGNAL, log_cb, NULL,
	    NULL), -1);
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT | EV_PERSIST,
	    log_cb, NULL, NULL), -1);
	assert_int_equal(event_base_once(base, -1, 0, log_cb, NULL, NULL), -1);
	event_base_free(base);
}

/* libevent 2.1 accepts an I/O event on fd -1: pending, counted as added,
 * never reported for I/O, its timeout working as any other. */
static void
test_io_event_on_fd_minus_one_is_pending_and_keeps_its_timeout(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct timeval soon = { 0, 20000 };
	struct event *placeholder, *forgotten;

	(void)state;
	placeholder = event_new(base, -1, EV_READ | EV_WRITE, log_cb, &l);
	assert_int_equal(event_add(placeholder, NULL), 0);
	assert_int_equal(event_pending(placeholder, EV_READ | EV_WRITE, NULL),
	    EV_READ | EV_WRITE);
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 1);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(log.n, 0);
	/* Its timeout fires, and only the timeout. */
	assert_int_equal(event_add(placeholder, &soon), 0);
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 2);
	assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.what[0], EV_TIMEOUT);
	assert_int_equal(event_pending(placeholder, EV_READ, NULL), 0);
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 0);
	/* Deleted like any event; and one still pending when the base goes is
	 * detached from it, so that freeing it later touches nothing freed. */
	assert_int_equal(event_add(placeholder, NULL), 0);
	assert_int_equal(event_del(placeholder), 0);
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 0);
	event_free(placeholder);
	forgotten = event_new(base, -1, EV_READ, log_cb, &l);
	assert_int_equal(event_add(forgotten, NULL), 0);
	event_base_free(base);
	assert_int_equal(event_pending(forgotten, EV_READ, NULL), 0);
	event_free(forgotten);
}

static int
count_visit(const struct event_base *base, const struct event *ev, void *arg)
{
	(void)base;
	(void)ev;
	++*(int *)arg;
	return 0;
}

static int
stop_visit(const struct event_base *base, const struct event *ev, void *arg)
{
	(void)base;
	(void)ev;
	(void)arg;
	return 42;
}

static void
test_foreach_visits_each_pending_or_active_event_once(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 };
	evutil_socket_t pair[2];
	struct event *io, *both, *timer, *active, *idle;
	const struct timeval *common;
	struct event *ct;
	char text[2048];
	FILE *f = tmpfile();
	size_t len;
	int n = 0;

	(void)state;
	make_pair(pair);
	io = event_new(base, pair[0], EV_READ, log_cb, NULL);
	both = event_new(base, pair[1], EV_WRITE, log_cb, NULL);
	timer = evtimer_new(base, log_cb, NULL);
	active = evtimer_new(base, log_cb, NULL);
	idle = evtimer_new(base, log_cb, NULL);
	ct = evtimer_new(base, log_cb, NULL);
	common = event_base_init_common_timeout(base, &hour);
	event_add(io, NULL);
	event_add(both, &hour);
	event_add(timer, &hour);
	event_add(ct, common);
	event_active(active, EV_TIMEOUT, 1);
	event_active(io, EV_READ, 1);
	assert_int_equal(event_base_foreach_event(base, count_visit, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(event_base_foreach_event(base, stop_visit, NULL), 42);
	event_base_dump_events(base, f);
	rewind(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	assert_non_null(strstr(text, " Read"));
	assert_non_null(strstr(text, " Write"));
	assert_non_null(strstr(text, "Timeout="));
	assert_true(strncmp(text, "Inserted events:\n", 17) == 0);
	assert_non_null(strstr(text, "\nActive events:\n"));
	assert_non_null(strstr(text, "priority="));
	assert_non_null(strstr(text, " Timeout active\n"));
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED), 5);
	assert_int_equal(event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE), 2);
	event_free(io);
	event_free(both);
	event_free(timer);
	event_free(active);
	event_free(idle);
	event_free(ct);
	assert_int_equal(event_base_get_num_events(base,
	    EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE), 0);
	close_pair(pair);
	event_base_free(base);
}

static void
test_many_descriptors_each_fire_once(void **state)
{
	struct event_base *base = event_base_new();
	enum { N = 300 };
	evutil_socket_t pairs[N][2];
	struct event *evs[N];
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .drain_fd = 1 };
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		make_pair(pairs[i]);
		evs[i] = event_new(base, pairs[i][0], EV_READ, log_cb, &l);
		event_add(evs[i], NULL);
	}
	for (i = 0; i < N; i += 7)
		write_byte(pairs[i][1]);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(l.runs, (N + 6) / 7);
	for (i = 0; i < N; i++) {
		event_free(evs[i]);
		close_pair(pairs[i]);
	}
	event_base_free(base);
}

static void
test_obsolete_calls_use_the_current_base(void **state)
{
	struct event_base *base = event_init();
	struct event ev, tm;
	struct runlog log = { .n = 0 };
	struct logged a = { .log = &log, .id = 1 }, b = { .log = &log, .id = 2 };
	struct logged c = { .log = &log, .id = 3 };
	struct timeval ms = { 0, 1000 };
	evutil_socket_t pair[2];

	(void)state;
	make_pair(pair);
	event_set(&ev, pair[0], EV_READ, log_cb, &a);
	assert_ptr_equal(event_get_base(&ev), base);
	timeout_set(&tm, log_cb, &b);
	assert_true(timeout_initialized(&tm));
	assert_int_equal(event_base_set(base, &tm), 0);
	assert_int_equal(event_add(&ev, NULL), 0);
	assert_int_equal(timeout_add(&tm, &ms), 0);
	assert_true(timeout_pending(&tm, NULL));
	assert_int_equal(event_base_set(base, &tm), -1);	/* pending */
	assert_int_equal(event_once(-1, EV_TIMEOUT, log_cb, &c, NULL), 0);
	write_byte(pair[1]);
	assert_int_equal(EVENT_FD(&ev), pair[0]);
	event_dispatch();
	assert_int_equal(log.n, 3);
	assert_int_equal(a.runs + b.runs + c.runs, 3);
	close_pair(pair);
	event_base_free(NULL);
}

static void
test_debug_mode_is_refused_once_events_exist(void **state)
{
	struct event ev;

	(void)state;
	event_assign(&ev, NULL, -1, 0, log_cb, NULL);
	event_enable_debug_mode();
	assert_false(event_debug_mode_enabled());
}

static void
test_activating_by_fd_or_signal_reaches_every_event_on_it(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged r = { .log = &log, .id = 1 }, w = { .log = &log, .id = 2 };
	struct logged s = { .log = &log, .id = 3 };
	evutil_socket_t pair[2];
	struct event *er, *ew, *es;

	(void)state;
	make_pair(pair);
	er = event_new(base, pair[0], EV_READ, log_cb, &r);
	ew = event_new(base, pair[0], EV_WRITE, log_cb, &w);
	es = evsignal_new(base, SIGUSR1, log_cb, &s);
	event_add(er, NULL);
	event_add(ew, NULL);
	event_add(es, NULL);
	event_base_active_by_fd(base, pair[0], EV_READ);
	event_base_active_by_signal(base, SIGUSR1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.runs, 1);
	assert_int_equal(s.runs, 1);
	assert_int_equal(log.what[0] | log.what[1], EV_READ | EV_SIGNAL);
	event_free(er);
	event_free(ew);
	event_free(es);
	close_pair(pair);
	event_base_free(base);
}

static void
test_user_event_runs_when_triggered(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged l = { .log = &log, .id = 1 };
	struct event *ev = evuser_new(base, log_cb, &l);
	struct timeval mono, later;

	(void)state;
	assert_true(evuser_initialized(ev));
	assert_int_equal(evuser_pending(ev, NULL), 0);
	evuser_trigger(ev);
	event_base_dispatch(base);
	assert_int_equal(l.runs, 1);
	assert_int_equal(event_base_get_max_events(base,
	    EVENT_BASE_COUNT_ACTIVE, 1), 1);
	assert_int_equal(event_base_get_max_events(base,
	    EVENT_BASE_COUNT_ACTIVE, 0), 0);
	assert_int_equal(event_gettime_monotonic(base, &mono), 0);
	assert_int_equal(event_gettime_monotonic(base, &later), 0);
	assert_true(evutil_timercmp(&later, &mono, >=));
	assert_int_equal(evuser_del(ev), 0);
	event_free(ev);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_event_fires_once_when_data_arrives),
		cmocka_unit_test(test_persistent_read_event_fires_per_write_until_deleted),
		cmocka_unit_test(test_peer_close_makes_the_socket_readable_with_eof),
		cmocka_unit_test(test_closed_event_reports_peer_shutdown_where_supported),
		cmocka_unit_test(test_edge_triggered_event_fires_once_per_arrival),
		cmocka_unit_test(test_deleted_event_does_not_run),
		cmocka_unit_test(test_event_active_runs_the_callback_with_the_given_reason),
		cmocka_unit_test(test_self_cbarg_passes_the_event_to_its_callback),
		cmocka_unit_test(test_accessors_return_the_assignment),
		cmocka_unit_test(test_bad_assignments_and_adds_are_refused),
		cmocka_unit_test(test_foreach_visits_each_pending_or_active_event_once),
		cmocka_unit_test(test_many_descriptors_each_fire_once),
		cmocka_unit_test(test_obsolete_calls_use_the_current_base),
		cmocka_unit_test(test_activating_by_fd_or_signal_reaches_every_event_on_it),
		cmocka_unit_test(test_user_event_runs_when_triggered),
		cmocka_unit_test(test_io_event_on_fd_minus_one_is_pending_and_keeps_its_timeout),
		cmocka_unit_test(test_debug_mode_is_refused_once_events_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
