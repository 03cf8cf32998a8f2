/* The loop of chapter 04, driven by bare callbacks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include "loop_test.h"

static struct event_base *
new_base_with_limit(int max_callbacks, int min_priority, int npriorities)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	assert_non_null(cfg);
	assert_int_equal(event_config_set_max_dispatch_interval(cfg, NULL,
	    max_callbacks, min_priority), 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	assert_int_equal(event_base_priority_init(base, npriorities), 0);
	return base;
}

static void
test_loop_with_nothing_to_do_returns_one(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1);
	assert_false(event_base_got_exit(base));
	assert_false(event_base_got_break(base));
	event_base_free(base);
}

static void
test_active_callbacks_run_in_activation_order(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe p[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		probe_init(&p[i], base, &t, i + 1, 0);
	probe_activate(&p[2]);
	probe_activate(&p[0]);
	probe_activate(&p[1]);
	probe_activate(&p[0]);	/* already active: not queued twice */
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.order[0], 3);
	assert_int_equal(t.order[1], 1);
	assert_int_equal(t.order[2], 2);
	event_base_free(base);
}

static void
test_cancelled_callback_does_not_run(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe a, b;

	(void)state;
	probe_init(&a, base, &t, 1, 0);
	probe_init(&b, base, &t, 2, 0);
	probe_activate(&a);
	probe_activate(&b);
	assert_int_equal(litevent_callback_cancel(base, &a.cb), 1);
	assert_int_equal(litevent_callback_cancel(base, &a.cb), 0);
	event_base_dispatch(base);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.order[0], 2);
	event_base_free(base);
}

static void
test_loopbreak_stops_after_the_running_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe p[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		probe_init(&p[i], base, &t, i + 1, 0);
		probe_activate(&p[i]);
	}
	p[0].do_break = 1;
	assert_int_equal(event_base_dispatch(base), 0);
	assert_int_equal(t.n, 1);
	assert_true(event_base_got_break(base));
	assert_false(event_base_got_exit(base));
	/* The next loop starts with the flags reset and runs the rest. */
	p[0].do_break = 0;
	assert_int_equal(event_base_dispatch(base), 1);
	assert_false(event_base_got_break(base));
	assert_int_equal(t.n, 3);
	assert_int_equal(t.order[1], 2);
	assert_int_equal(t.order[2], 3);
	event_base_free(base);
}

static void
test_loopbreak_before_the_loop_is_forgotten(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe a;

	(void)state;
	probe_init(&a, base, &t, 1, 0);
	probe_activate(&a);
	assert_int_equal(event_base_loopbreak(base), 0);
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(t.n, 1);
	event_base_free(base);
}

static void
test_loopexit_from_a_callback_finishes_the_round(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe p[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		probe_init(&p[i], base, &t, i + 1, 0);
		probe_activate(&p[i]);
	}
	p[0].do_exit = 1;
	p[0].again = 5;		/* re-activated: would run again next round */
	assert_int_equal(event_base_dispatch(base), 0);
	assert_true(event_base_got_exit(base));
	assert_false(event_base_got_break(base));
	/* The round ran everything queued, including p[0] queued again. */
	assert_int_equal(t.n, 5 + 1 + 3);
	event_base_free(base);
}

static void
test_loopexit_before_the_loop_ends_the_next_after_one_round(void **state)
{
	struct event_base *base = new_base_with_limit(1, 0, 1);
	struct trace t = { .n = 0 };
	struct probe busy;

	(void)state;
	probe_init(&busy, base, &t, 1, 0);
	busy.again = 50;
	probe_activate(&busy);
	assert_int_equal(event_base_loopexit(base, NULL), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_true(event_base_got_exit(base));
	assert_int_equal(t.n, 1);
	event_base_free(base);
}

static void
test_loopexit_with_a_delay_keeps_an_empty_loop_alive_until_due(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval ten_ms = { 0, 10000 };

	(void)state;
	assert_int_equal(event_base_loopexit(base, &ten_ms), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_true(event_base_got_exit(base));
	/* Used up: the next loop has nothing to wait for. */
	assert_int_equal(event_base_dispatch(base), 1);
	assert_false(event_base_got_exit(base));
	event_base_free(base);
}

static void
test_earliest_loopexit_wins(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval hour = { 3600, 0 }, ms = { 0, 1000 };

	(void)state;
	event_base_loopexit(base, &hour);
	event_base_loopexit(base, &ms);
	event_base_loopexit(base, &hour);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_true(event_base_got_exit(base));
	event_base_free(base);
}

static void
test_loop_once_runs_until_nothing_is_active(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe a;

	(void)state;
	probe_init(&a, base, &t, 1, 0);
	a.again = 3;
	probe_activate(&a);
	assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(t.n, 4);
	event_base_free(base);
}

static void
test_nonblock_with_no_exit_on_empty_returns_after_one_look(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	assert_int_equal(event_base_loop(base,
	    EVLOOP_NONBLOCK | EVLOOP_NO_EXIT_ON_EMPTY), 0);
	event_base_free(base);
}

static void
test_busy_urgent_callback_starves_a_less_urgent_one(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe urgent, idle;
	int i;

	(void)state;
	assert_int_equal(event_base_priority_init(base, 2), 0);
	assert_int_equal(event_base_get_npriorities(base), 2);
	probe_init(&idle, base, &t, 2, 1);
	probe_init(&urgent, base, &t, 1, 0);
	urgent.again = 9;
	probe_activate(&idle);
	probe_activate(&urgent);
	event_base_dispatch(base);
	assert_int_equal(t.n, 11);
	for (i = 0; i < 10; i++)
		assert_int_equal(t.order[i], 1);
	assert_int_equal(t.order[10], 2);
	event_base_free(base);
}

static void
test_urgent_work_activated_mid_queue_runs_before_the_rest(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe a, b, x;

	(void)state;
	event_base_priority_init(base, 2);
	probe_init(&a, base, &t, 1, 1);
	probe_init(&b, base, &t, 2, 1);
	probe_init(&x, base, &t, 3, 0);
	a.wake = &x;
	probe_activate(&a);
	probe_activate(&b);
	event_base_dispatch(base);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.order[0], 1);
	assert_int_equal(t.order[1], 3);
	assert_int_equal(t.order[2], 2);
	event_base_free(base);
}

/* A loopexit set by the first callback of a long queue is noticed at the
 * next round; the count limit decides how much of the queue is a round. */
static int
callbacks_before_exit(int max_callbacks)
{
	struct event_base *base = new_base_with_limit(max_callbacks, 0, 1);
	struct trace t = { .n = 0 };
	struct probe p[6];
	int i;

	for (i = 0; i < 6; i++) {
		probe_init(&p[i], base, &t, i + 1, 0);
		probe_activate(&p[i]);
	}
	p[0].do_exit = 1;
	event_base_dispatch(base);
	assert_true(event_base_got_exit(base));
	event_base_free(base);
	return t.n;
}

static void
test_dispatch_limit_makes_the_loop_look_again_after_n_callbacks(void **state)
{
	(void)state;
	assert_int_equal(callbacks_before_exit(-1), 6);
	assert_int_equal(callbacks_before_exit(2), 4);
	assert_int_equal(callbacks_before_exit(1), 2);
}

static void
test_dispatch_limit_spares_more_urgent_priorities(void **state)
{
	struct event_base *base = new_base_with_limit(1, 1, 2);
	struct trace t = { .n = 0 };
	struct probe p[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		probe_init(&p[i], base, &t, i + 1, 0);
		probe_activate(&p[i]);
	}
	p[0].do_exit = 1;
	event_base_dispatch(base);
	assert_int_equal(t.n, 4);	/* priority 0 is below min_priority 1 */
	event_base_free(base);
}

static void
test_loopcontinue_keeps_the_queue_in_order(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe p[3];
	int i;

	(void)state;
	assert_int_equal(event_base_loopcontinue(base), 0);
	for (i = 0; i < 3; i++) {
		probe_init(&p[i], base, &t, i + 1, 0);
		probe_activate(&p[i]);
	}
	p[0].do_continue = 1;
	event_base_dispatch(base);
	assert_int_equal(t.n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(t.order[i], i + 1);
	event_base_free(base);
}

static void
test_priority_init_refuses_bad_counts_and_active_work(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe a;

	(void)state;
	assert_int_equal(event_base_get_npriorities(base), 1);
	assert_int_equal(event_base_priority_init(base, 0), -1);
	assert_int_equal(event_base_priority_init(base, EVENT_MAX_PRIORITIES + 1), -1);
	assert_int_equal(event_base_priority_init(base, EVENT_MAX_PRIORITIES), 0);
	assert_int_equal(event_base_get_npriorities(base), EVENT_MAX_PRIORITIES);
	probe_init(&a, base, &t, 1, 0);
	probe_activate(&a);
	assert_int_equal(event_base_priority_init(base, 3), -1);
	event_base_dispatch(base);
	assert_int_equal(event_base_priority_init(base, 3), 0);
	assert_int_equal(event_base_get_npriorities(base), 3);
	event_base_free(base);
}

struct nested {
	struct event_callback cb;
	struct event_base *base;
	int inner;
	struct event *running;
};

static void
try_nested_loop(struct event_callback *cb, void *arg)
{
	struct nested *n = arg;

	(void)cb;
	n->inner = event_base_loop(n->base, EVLOOP_NONBLOCK);
	n->running = event_base_get_running_event(n->base);
}

static void
test_a_second_loop_on_a_running_base_is_refused(void **state)
{
	struct event_base *base = event_base_new();
	struct nested n = { .base = base, .inner = 7 };

	(void)state;
	litevent_callback_init(base, &n.cb, 0, try_nested_loop, &n);
	litevent_callback_activate(base, &n.cb);
	event_base_dispatch(base);
	assert_int_equal(n.inner, -1);
	assert_null(n.running);		/* a bare callback is not an event */
	assert_null(event_base_get_running_event(base));
	event_base_free(base);
}

struct clock_probe {
	struct event_callback cb;
	struct event_base *base;
	struct timeval first, second, updated;
	int r;
};

static void
read_cached_clock(struct event_callback *cb, void *arg)
{
	struct clock_probe *c = arg;

	(void)cb;
	c->r = event_base_gettimeofday_cached(c->base, &c->first);
	c->r |= event_base_gettimeofday_cached(c->base, &c->second);
	c->r |= event_base_update_cache_time(c->base);
	c->r |= event_base_gettimeofday_cached(c->base, &c->updated);
}

static void
test_cached_time_is_one_reading_per_round(void **state)
{
	struct event_base *base = event_base_new();
	struct clock_probe c = { .base = base, .r = -1 };
	struct timeval before, outside;

	(void)state;
	evutil_gettimeofday(&before, NULL);
	litevent_callback_init(base, &c.cb, 0, read_cached_clock, &c);
	litevent_callback_activate(base, &c.cb);
	event_base_dispatch(base);
	assert_int_equal(c.r, 0);
	assert_int_equal(c.first.tv_sec, c.second.tv_sec);
	assert_int_equal(c.first.tv_usec, c.second.tv_usec);
	assert_true(evutil_timercmp(&c.first, &before, >=));
	assert_true(evutil_timercmp(&c.updated, &c.first, >=));
	/* Outside the loop there is no cache: the real clock. */
	assert_int_equal(event_base_gettimeofday_cached(base, &outside), 0);
	assert_true(evutil_timercmp(&outside, &c.updated, >=));
	event_base_free(base);
}

static void
test_no_cache_time_reads_the_clock_every_time(void **state)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;
	struct clock_probe c = { .r = -1 };

	(void)state;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NO_CACHE_TIME);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	c.base = base;
	litevent_callback_init(base, &c.cb, 0, read_cached_clock, &c);
	litevent_callback_activate(base, &c.cb);
	event_base_dispatch(base);
	assert_int_equal(c.r, 0);
	assert_false(evutil_timerisset(&base->tv_cache));
	assert_true(evutil_timercmp(&c.second, &c.first, >=));
	event_base_free(base);
}

static void
test_the_1x_calls_use_the_current_base(void **state)
{
	struct event_base *base;
	struct trace t = { .n = 0 };
	struct probe a;

	(void)state;
	base = event_init();
	assert_non_null(base);
	assert_string_equal(event_get_method(), event_base_get_method(base));
	assert_int_equal(event_priority_init(2), 0);
	assert_int_equal(event_base_get_npriorities(base), 2);
	probe_init(&a, base, &t, 1, 1);
	a.again = 3;
	probe_activate(&a);
	assert_int_equal(event_loop(EVLOOP_NONBLOCK), 1);
	assert_int_equal(t.n, 4);
	assert_int_equal(event_loopexit(NULL), 0);
	assert_int_equal(event_dispatch(), 0);
	assert_int_equal(event_loopbreak(), 0);
	event_base_free(NULL);		/* the current base */
	assert_null(event_get_method());
	assert_int_equal(event_dispatch(), -1);
}

static int
count_event(const struct event_base *base, const struct event *ev, void *arg)
{
	(void)base;
	(void)ev;
	++*(int *)arg;
	return 0;
}

static void
test_internal_events_are_neither_visited_nor_dumped(void **state)
{
	struct event_base *base = event_base_new();
	char text[512];
	FILE *f = tmpfile();
	size_t len;
	int n = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(event_base_foreach_event(base, count_event, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(event_base_foreach_event(base, NULL, &n), -1);
	event_base_dump_events(base, f);
	rewind(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	assert_string_equal(text, "Inserted events:\nActive events:\n");
	assert_int_equal(event_base_get_num_events(base,
	    EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_ADDED), 0);
	event_base_free(base);
}

/* An event made by hand, as chapter 03's tests make them: chapter 05's
 * event_new() does not exist yet. */
static void
hand_made_event(struct event *ev, struct event_base *base, int fd, short what)
{
	memset(ev, 0, sizeof(*ev));
	ev->ev_base = base;
	ev->ev_fd = fd;
	ev->ev_events = what;
	ev->ev_flags = EVLIST_INIT;
	ev->ev_heap_idx = -1;
	ev->ev_pri = 0;
}

/* Tools parse the dump, so it has libevent 2.1's shape: two sections, one
 * line per event, deadlines on the wall clock. */
static void
test_dump_lists_inserted_then_active_events_in_libevents_shape(void **state)
{
	struct event_base *base = event_base_new();
	struct event reader, writer;
	struct timeval mono, before, after;
	char text[1024], expect[1024];
	FILE *f = tmpfile();
	long at_sec;
	int pair[2], at_usec, tail;
	size_t len;

	(void)state;
	assert_non_null(f);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	hand_made_event(&reader, base, pair[0], EV_READ | EV_PERSIST);
	hand_made_event(&writer, base, pair[1], EV_WRITE | EV_CLOSED | EV_ET);
	assert_int_equal(fd_table_add(base, pair[0], &reader), 1);
	assert_int_equal(fd_table_add(base, pair[1], &writer), 1);
	reader.ev_flags |= EVLIST_INSERTED | EVLIST_TIMEOUT;
	writer.ev_flags |= EVLIST_INSERTED;
	/* A deadline five seconds away on the loop's (monotonic) clock. */
	assert_int_equal(event_gettime_monotonic(base, &mono), 0);
	reader.ev_timeout.tv_sec = mono.tv_sec + 5;
	reader.ev_timeout.tv_usec = mono.tv_usec;
	event_activate_locked(&writer, EV_WRITE | EV_CLOSED, 1);
	evutil_gettimeofday(&before, NULL);
	event_base_dump_events(base, f);
	evutil_gettimeofday(&after, NULL);
	rewind(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	text[len] = '\0';
	fclose(f);
	event_base_unqueue_active(base, &writer.ev_evcallback);
	fd_table_del(base, pair[0], &reader);
	fd_table_del(base, pair[1], &writer);
	event_base_free(base);
	close(pair[0]);
	close(pair[1]);

	/* The reader's line ends in its deadline, read back separately. */
	snprintf(expect, sizeof(expect), "Inserted events:\n"
	    "  %p [fd  %d] Read Persist Timeout=", (void *)&reader, pair[0]);
	assert_memory_equal(text, expect, strlen(expect));
	assert_int_equal(sscanf(text + strlen(expect), "%ld.%6d\n%n", &at_sec,
	    &at_usec, &tail), 2);
	assert_true(at_sec >= before.tv_sec + 4 && at_sec <= after.tv_sec + 6);
	snprintf(expect, sizeof(expect),
	    "  %p [fd  %d] Write EOF ET\n"
	    "Active events:\n"
	    "  %p [fd  %d, priority=0] Write EOF active\n",
	    (void *)&writer, pair[1], (void *)&writer, pair[1]);
	assert_string_equal(text + strlen("Inserted events:\n") +
	    strcspn(text + strlen("Inserted events:\n"), "\n") + 1, expect);
}

static void
test_reinit_in_a_forked_child_gives_a_working_base(void **state)
{
	struct event_base *base = event_base_new();
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct trace t = { .n = 0 };
		struct probe a;
		struct timeval ms = { 0, 1000 };
		int ok = event_reinit(base) == 0;
		probe_init(&a, base, &t, 1, 0);
		probe_activate(&a);
		ok = ok && event_base_dispatch(base) == 1 && t.n == 1;
		event_base_loopexit(base, &ms);
		ok = ok && event_base_dispatch(base) == 0;
		event_base_free(base);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent's base still works. */
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1);
	event_base_free(base);
}

static void
test_supported_methods_name_every_backend(void **state)
{
	const char **m = event_get_supported_methods();

	(void)state;
	assert_string_equal(m[0], "epoll");
	assert_string_equal(m[1], "poll");
	assert_string_equal(m[2], "select");
	assert_null(m[3]);
	assert_int_equal(event_config_set_max_dispatch_interval(NULL, NULL, 1, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_with_nothing_to_do_returns_one),
		cmocka_unit_test(test_active_callbacks_run_in_activation_order),
		cmocka_unit_test(test_cancelled_callback_does_not_run),
		cmocka_unit_test(test_loopbreak_stops_after_the_running_callback),
		cmocka_unit_test(test_loopbreak_before_the_loop_is_forgotten),
		cmocka_unit_test(test_loopexit_from_a_callback_finishes_the_round),
		cmocka_unit_test(test_loopexit_before_the_loop_ends_the_next_after_one_round),
		cmocka_unit_test(test_loopexit_with_a_delay_keeps_an_empty_loop_alive_until_due),
		cmocka_unit_test(test_earliest_loopexit_wins),
		cmocka_unit_test(test_loop_once_runs_until_nothing_is_active),
		cmocka_unit_test(test_nonblock_with_no_exit_on_empty_returns_after_one_look),
		cmocka_unit_test(test_busy_urgent_callback_starves_a_less_urgent_one),
		cmocka_unit_test(test_urgent_work_activated_mid_queue_runs_before_the_rest),
		cmocka_unit_test(test_dispatch_limit_makes_the_loop_look_again_after_n_callbacks),
		cmocka_unit_test(test_dispatch_limit_spares_more_urgent_priorities),
		cmocka_unit_test(test_loopcontinue_keeps_the_queue_in_order),
		cmocka_unit_test(test_priority_init_refuses_bad_counts_and_active_work),
		cmocka_unit_test(test_a_second_loop_on_a_running_base_is_refused),
		cmocka_unit_test(test_cached_time_is_one_reading_per_round),
		cmocka_unit_test(test_no_cache_time_reads_the_clock_every_time),
		cmocka_unit_test(test_the_1x_calls_use_the_current_base),
		cmocka_unit_test(test_internal_events_are_neither_visited_nor_dumped),
		cmocka_unit_test(test_dump_lists_inserted_then_active_events_in_libevents_shape),
		cmocka_unit_test(test_reinit_in_a_forked_child_gives_a_working_base),
		cmocka_unit_test(test_supported_methods_name_every_backend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
