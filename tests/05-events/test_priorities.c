/* Priorities with real events, and the dispatch limit letting urgent I/O
 * in before the rest of a long, less urgent queue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include "events_test.h"

static void
test_busy_urgent_event_starves_a_less_urgent_one(void **state)
{
	struct event_base *base = event_base_new();
	struct runlog log = { .n = 0 };
	struct logged hi = { .log = &log, .id = 0, .drain_fd = 1, .del_after = 5 };
	struct logged lo = { .log = &log, .id = 1 };
	evutil_socket_t pair[2];
	struct event *eh, *el;
	int i;

	(void)state;
	assert_int_equal(event_base_priority_init(base, 2), 0);
	make_pair(pair);
	/* The urgent event is a writable socket: ready in every iteration. */
	eh = event_new(base, pair[1], EV_WRITE | EV_PERSIST, log_cb, &hi);
	el = evtimer_new(base, log_cb, &lo);
	hi.ev = eh;
	event_priority_set(eh, 0);
	event_priority_set(el, 1);
	event_add(eh, NULL);
	event_active(el, EV_TIMEOUT, 1);
	event_base_dispatch(base);
	assert_int_equal(log.n, 6);
	for (i = 0; i < 5; i++)
		assert_int_equal(log.id[i], 0);
	assert_int_equal(log.id[5], 1);
	event_free(eh);
	event_free(el);
	close_pair(pair);
	event_base_free(base);
}

/* A long queue of less urgent callbacks; the first one makes a socket
 * readable, waking an urgent read event.  Returns the position in the log
 * at which the urgent event ran. */
struct writer {
	struct logged l;
	evutil_socket_t fd;
};

static void
write_then_log(evutil_socket_t fd, short what, void *arg)
{
	struct writer *w = arg;

	if (w->fd >= 0)
		write_byte(w->fd);
	log_cb(fd, what, &w->l);
}

static int
urgent_position(int max_callbacks)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;
	struct runlog log = { .n = 0 };
	struct logged urgent = { .log = &log, .id = 99, .drain_fd = 1 };
	struct writer w[8];
	struct event *slow[8], *eu;
	evutil_socket_t pair[2];
	int i, pos = -1;

	event_config_set_max_dispatch_interval(cfg, NULL, max_callbacks, 1);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	event_base_priority_init(base, 2);
	make_pair(pair);
	eu = event_new(base, pair[0], EV_READ, log_cb, &urgent);
	event_priority_set(eu, 0);
	event_add(eu, NULL);
	for (i = 0; i < 8; i++) {
		w[i] = (struct writer){ .l = { .log = &log, .id = i }, .fd = -1 };
		slow[i] = evtimer_new(base, write_then_log, &w[i]);
		event_priority_set(slow[i], 1);
		event_active(slow[i], EV_TIMEOUT, 1);
	}
	w[0].fd = pair[1];
	event_base_dispatch(base);
	assert_int_equal(log.n, 9);
	for (i = 0; i < log.n; i++)
		if (log.id[i] == 99)
			pos = i;
	for (i = 0; i < 8; i++)
		event_free(slow[i]);
	event_free(eu);
	close_pair(pair);
	event_base_free(base);
	return pos;
}

static void
test_dispatch_limit_lets_urgent_io_in_before_a_long_queue(void **state)
{
	(void)state;
	/* No limit: the whole slow queue runs before the loop looks again. */
	assert_int_equal(urgent_position(-1), 8);
	/* One callback per round: the loop looks again after the writer. */
	assert_int_equal(urgent_position(1), 1);
	/* Three per round. */
	assert_int_equal(urgent_position(3), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busy_urgent_event_starves_a_less_urgent_one),
		cmocka_unit_test(test_dispatch_limit_lets_urgent_io_in_before_a_long_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
