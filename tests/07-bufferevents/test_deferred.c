/* Deferred callbacks: they run from the loop, never inside another of the
 * bufferevent's calls, in the order the program needs; and triggers. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include "bev_test.h"

struct where {
	struct event_base *base;
	int from_event;		/* the loop's running event was ev_read */
	int calls;
};

static void
note_where(struct bufferevent *bev, void *arg)
{
	struct where *w = arg;

	w->calls++;
	w->from_event = event_base_get_running_event(w->base) == &bev->ev_read;
	evbuffer_drain(bufferevent_get_input(bev), 1 << 20);
}

static void
check_where_the_read_callback_runs(int options, int from_event)
{
	struct event_base *base = event_base_new();
	struct where w = { base, -1, 0 };
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0],
	    BEV_OPT_CLOSE_ON_FREE | options);
	bufferevent_setcb(bev, note_where, NULL, NULL, &w);
	bufferevent_enable(bev, EV_READ);
	send(fds[1], "x", 1, 0);
	close(fds[1]);
	run_bounded(base, 10);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.from_event, from_event);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_immediate_callbacks_run_inside_the_read_handler(void **state)
{
	(void)state;
	check_where_the_read_callback_runs(0, 1);
}

static void
test_deferred_callbacks_run_from_the_loop_afterwards(void **state)
{
	(void)state;
	check_where_the_read_callback_runs(BEV_OPT_DEFER_CALLBACKS, 0);
}

/* A read callback that triggers itself five more times. */
struct retrigger {
	int depth, max_depth, calls;
};

static void
trigger_again(struct bufferevent *bev, void *arg)
{
	struct retrigger *t = arg;

	if (++t->depth > t->max_depth)
		t->max_depth = t->depth;
	t->calls++;
	if (t->calls < 6)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	t->depth--;
}

static int
nesting_of_triggers(int options)
{
	struct event_base *base = event_base_new();
	struct retrigger t = { 0, 0, 0 };
	struct bufferevent *bev = bufferevent_socket_new(base, -1, options);

	bufferevent_setcb(bev, trigger_again, NULL, NULL, &t);
	bufferevent_trigger(bev, EV_READ,
	    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	assert_int_equal(t.calls, 0);
	run_bounded(base, 10);
	assert_int_equal(t.calls, 6);
	bufferevent_free(bev);
	event_base_free(base);
	return t.max_depth;
}

static void
test_deferred_callbacks_never_nest(void **state)
{
	(void)state;
	assert_int_equal(nesting_of_triggers(BEV_OPT_DEFER_CALLBACKS), 1);
	/* Without deferral a trigger calls at once, on the same stack. */
	assert_int_equal(nesting_of_triggers(0), 6);
}

static void
test_bytes_are_reported_before_the_end_of_the_stream(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	send(fds[1], "hello", 5, 0);
	close(fds[1]);
	bev = bufferevent_socket_new(base, fds[0],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	run_bounded(base, 10);
	assert_string_equal(r.order, "RE");
	assert_int_equal(r.input_seen[0], 5);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_connected_is_reported_before_the_first_bytes(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), s;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	s = accept_one(l);
	send(s, "first", 5, 0);
	close(s);
	run_bounded(base, 10);
	assert_string_equal(r.order, "CRE");
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

/* Whatever order they were reported in, one deferred run tells of a
 * finished connect first, then of bytes in, bytes out, and the rest. */
static void
test_one_deferred_run_tells_in_the_order_the_program_needs(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_DEFER_CALLBACKS);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_trigger_event(bev, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
	bufferevent_trigger(bev, EV_WRITE, 0);
	bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	bufferevent_trigger_event(bev, BEV_EVENT_CONNECTED, 0);
	assert_int_equal(r.n, 0);
	run_bounded(base, 10);
	assert_string_equal(r.order, "CRWE");
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_a_deferred_error_keeps_its_errno(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	closed_port(&sin);
	bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_int_equal(r.errnos[0], ECONNREFUSED);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_triggers_honour_watermarks_unless_told_not_to(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_setwatermark(bev, EV_READ, 10, 0);
	bufferevent_trigger(bev, EV_READ, 0);
	assert_int_equal(r.reads, 0);
	bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	assert_int_equal(r.reads, 1);
	/* An empty output is at or below any write low watermark. */
	bufferevent_trigger(bev, EV_WRITE, 0);
	assert_int_equal(r.writes, 1);
	bufferevent_write(bev, "abc", 3);
	bufferevent_trigger(bev, EV_WRITE, 0);
	assert_int_equal(r.writes, 1);
	bufferevent_trigger(bev, EV_READ | EV_WRITE,
	    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	assert_int_equal(r.reads + r.writes, 2);
	run_bounded(base, 10);
	assert_int_equal(r.reads, 2);
	assert_int_equal(r.writes, 2);
	bufferevent_trigger_event(bev, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_EOF | BEV_EVENT_READING);
	bufferevent_trigger_event(bev, BEV_EVENT_ERROR,
	    BEV_TRIG_DEFER_CALLBACKS);
	assert_int_equal(r.events, 1);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.events, 2);
	bufferevent_free(bev);
	event_base_free(base);
}

/* Several reports before the loop runs make one event callback with every
 * flag, as libevent documents for deferred callbacks. */
static void
test_deferred_event_flags_are_combined(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_DEFER_CALLBACKS);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_trigger_event(bev, BEV_EVENT_READING | BEV_EVENT_EOF, 0);
	bufferevent_trigger_event(bev, BEV_EVENT_WRITING | BEV_EVENT_ERROR, 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_READING | BEV_EVENT_EOF |
	    BEV_EVENT_WRITING | BEV_EVENT_ERROR);
	bufferevent_free(bev);
	event_base_free(base);
}

/* Many deferred bufferevents talking to each other: each callback runs at
 * depth one, and the conversation finishes. */
struct talker {
	struct event_base *base;
	int rounds, depth, max_depth;
};

static void
talk_back(struct bufferevent *bev, void *arg)
{
	struct talker *t = arg;
	char c;

	if (++t->depth > t->max_depth)
		t->max_depth = t->depth;
	while (bufferevent_read(bev, &c, 1) == 1)
		if (t->rounds++ < 200)
			bufferevent_write(bev, &c, 1);
		else
			event_base_loopbreak(t->base);
	t->depth--;
}

static void
test_a_long_conversation_never_nests(void **state)
{
	struct event_base *base = event_base_new();
	struct talker t = { base, 0, 0, 0 };
	struct bufferevent *a, *b;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	a = bufferevent_socket_new(base, fds[0],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	b = bufferevent_socket_new(base, fds[1],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	bufferevent_setcb(a, talk_back, NULL, NULL, &t);
	bufferevent_setcb(b, talk_back, NULL, NULL, &t);
	bufferevent_enable(a, EV_READ);
	bufferevent_enable(b, EV_READ);
	bufferevent_write(a, "x", 1);
	run_bounded(base, 30);
	assert_int_equal(t.rounds, 201);
	assert_int_equal(t.max_depth, 1);
	bufferevent_free(a);
	bufferevent_free(b);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_immediate_callbacks_run_inside_the_read_handler),
		cmocka_unit_test(test_deferred_callbacks_run_from_the_loop_afterwards),
		cmocka_unit_test(test_deferred_callbacks_never_nest),
		cmocka_unit_test(test_bytes_are_reported_before_the_end_of_the_stream),
		cmocka_unit_test(test_connected_is_reported_before_the_first_bytes),
		cmocka_unit_test(test_one_deferred_run_tells_in_the_order_the_program_needs),
		cmocka_unit_test(test_a_deferred_error_keeps_its_errno),
		cmocka_unit_test(test_triggers_honour_watermarks_unless_told_not_to),
		cmocka_unit_test(test_deferred_event_flags_are_combined),
		cmocka_unit_test(test_a_long_conversation_never_nests),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
