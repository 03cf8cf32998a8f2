/* test_abi_events.c -- a program built against libevent 2.1's headers and
 * libevent_core-2.1.so.7, run on litevent's library of that soname.
 *
 * abi-link: -levent_core
 *
 * It does what programs do that the headers let them do: embed struct event
 * in their own structures, read its fields through event_struct.h, use the
 * macros (evtimer_*, evsignal_*, EV_*), and the 1.x calls. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>

#include "litevent_proof.h"

static void
test_runs_on_litevent(void **state)
{
	(void)state;
	assert_int_equal(litevent_proof(), 0);
}

static void
make_pair(evutil_socket_t pair[2])
{
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(evutil_make_socket_nonblocking(pair[0]), 0);
	assert_int_equal(evutil_make_socket_nonblocking(pair[1]), 0);
}

/* A program's own structure with an event inside it, guarded on both sides:
 * a library whose struct event were bigger than the program's would write
 * over "after". */
struct connection {
	unsigned long before;
	struct event readable;
	unsigned long after;
	int reads;
	short res;
};

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct connection *c = arg;
	char byte;

	assert_int_equal(read(fd, &byte, 1), 1);
	c->reads++;
	c->res = what;
}

static void
test_struct_event_embedded_in_a_program_struct(void **state)
{
	struct event_base *base = event_base_new();
	struct connection c = { .before = 0x5a5a5a5aUL, .after = 0xa5a5a5a5UL };
	evutil_socket_t pair[2];

	(void)state;
	assert_non_null(base);
	assert_int_equal(event_get_struct_event_size(), sizeof(struct event));
	make_pair(pair);
	assert_int_equal(event_assign(&c.readable, base, pair[1], EV_READ, on_readable, &c), 0);
	assert_int_equal(event_add(&c.readable, NULL), 0);
	assert_int_equal(write(pair[0], "x", 1), 1);
	assert_int_equal(event_base_dispatch(base), 1);	/* ran, then nothing left */
	assert_int_equal(c.reads, 1);
	assert_int_equal(c.res, EV_READ);
	assert_int_equal(c.before, 0x5a5a5a5aUL);
	assert_int_equal(c.after, 0xa5a5a5a5UL);
	event_base_free(base);
	evutil_closesocket(pair[0]);
	evutil_closesocket(pair[1]);
}

/* What the callback sees of its own event, through the public layout. */
struct seen {
	struct event *ev;
	short res_field;
	int flags_field;
};

static void
on_readable_look_inside(evutil_socket_t fd, short what, void *arg)
{
	struct seen *s = arg;
	char byte;

	(void)what;
	assert_int_equal(read(fd, &byte, 1), 1);
	s->res_field = s->ev->ev_res;
	s->flags_field = s->ev->ev_evcallback.evcb_flags;
	event_del(s->ev);
}

static void
test_fields_read_through_event_struct_h(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval minute = { 60, 0 };
	struct seen s = { 0 };
	struct event ev;
	evutil_socket_t pair[2];

	(void)state;
	make_pair(pair);
	s.ev = &ev;
	assert_int_equal(event_assign(&ev, base, pair[1], EV_READ | EV_PERSIST, on_readable_look_inside, &s), 0);
	assert_int_equal(ev.ev_fd, pair[1]);
	assert_ptr_equal(ev.ev_base, base);
	assert_int_equal(ev.ev_events, EV_READ | EV_PERSIST);
	assert_ptr_equal(ev.ev_evcallback.evcb_arg, &s);
	assert_true(ev.ev_evcallback.evcb_cb_union.evcb_callback == on_readable_look_inside);
	assert_int_equal(ev.ev_evcallback.evcb_flags, EVLIST_INIT);

	assert_int_equal(event_priority_set(&ev, 0), 0);
	assert_int_equal(ev.ev_evcallback.evcb_pri, 0);
	assert_int_equal(event_add(&ev, &minute), 0);
	assert_int_equal(ev.ev_evcallback.evcb_flags, EVLIST_INIT | EVLIST_INSERTED | EVLIST_TIMEOUT);
	assert_int_equal(write(pair[0], "y", 1), 1);
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(s.res_field, EV_READ);
	/* Taken off the active queue before it runs; still waiting (persistent). */
	assert_int_equal(s.flags_field & (EVLIST_ACTIVE | EVLIST_INSERTED), EVLIST_INSERTED);
	assert_int_equal(ev.ev_evcallback.evcb_flags, EVLIST_INIT);
	event_base_free(base);
	evutil_closesocket(pair[0]);
	evutil_closesocket(pair[1]);
}

struct order {
	int ids[3];
	int n;
};
struct timer {
	struct order *order;
	int id;
};

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct timer *t = arg;

	(void)fd;
	assert_int_equal(what, EV_TIMEOUT);
	t->order->ids[t->order->n++] = t->id;
}

static void
test_timers_fire_in_deadline_order(void **state)
{
	struct event_base *base = event_base_new();
	struct order order = { { 0 }, 0 };
	struct timer timers[3] = { { &order, 30 }, { &order, 10 }, { &order, 20 } };
	struct event *ev[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct timeval after = { 0, timers[i].id * 1000 };
		ev[i] = evtimer_new(base, on_timer, &timers[i]);
		assert_non_null(ev[i]);
		assert_int_equal(evtimer_add(ev[i], &after), 0);
		assert_true(evtimer_pending(ev[i], NULL));
	}
	assert_int_equal(event_base_dispatch(base), 1);
	assert_int_equal(order.n, 3);
	assert_int_equal(order.ids[0], 10);
	assert_int_equal(order.ids[1], 20);
	assert_int_equal(order.ids[2], 30);
	for (int i = 0; i < 3; i++)
		event_free(ev[i]);
	event_base_free(base);
}

static void
count_signal(evutil_socket_t signum, short what, void *arg)
{
	assert_int_equal(signum, SIGUSR1);
	assert_int_equal(what, EV_SIGNAL);
	++*(int *)arg;
}

static void
raise_usr1(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	raise(SIGUSR1);
}

static void
test_signal_event_sees_a_raised_signal(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval soon = { 0, 1000 };
	int count = 0;
	struct event *sig = evsignal_new(base, SIGUSR1, count_signal, &count);

	(void)state;
	assert_non_null(sig);
	assert_int_equal(evsignal_add(sig, NULL), 0);
	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, raise_usr1, NULL, &soon), 0);
	while (count == 0)
		assert_int_equal(event_base_loop(base, EVLOOP_ONCE), 0);
	assert_int_equal(count, 1);
	event_free(sig);
	event_base_free(base);
}

/* The 1.x interface: a global base, event_set() on the program's memory. */
static void
test_the_1x_calls_on_a_stack_event(void **state)
{
	struct event_base *base = event_init();
	struct order order = { { 0 }, 0 };
	struct timer t = { &order, 7 };
	struct timeval soon = { 0, 1000 };
	struct event ev;

	(void)state;
	assert_non_null(base);
	event_set(&ev, -1, 0, on_timer, &t);
	assert_int_equal(event_base_set(base, &ev), 0);
	assert_int_equal(event_add(&ev, &soon), 0);
	assert_int_equal(event_dispatch(), 1);
	assert_int_equal(order.n, 1);
	assert_int_equal(order.ids[0], 7);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_litevent),
		cmocka_unit_test(test_struct_event_embedded_in_a_program_struct),
		cmocka_unit_test(test_fields_read_through_event_struct_h),
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_signal_event_sees_a_raised_signal),
		cmocka_unit_test(test_the_1x_calls_on_a_stack_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
