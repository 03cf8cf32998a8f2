/* Lifetime done right.  A bufferevent may be freed from inside any
 * callback -- its own or another bufferevent's, a timeout, a rate-limited
 * one -- and no callback of it runs after bufferevent_free().  libevent 2.1
 * issues #689, #1127 and #1049 are cases of this; each test here says which.
 * This file uses only public calls, so it also builds against libevent
 * 2.1.12: there test_freeing_a_group_with_members_waiting_in_it aborts (an
 * assertion in bufferevent_rate_limit_group_free), and the other cases
 * pass -- libevent's failures in them need a second thread or TLS. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "bev_test.h"

enum kind { SOCKET, FILTER, PAIR };

/* One bufferevent of a kind, with the descriptor or partner it talks to. */
struct subject {
	struct event_base *base;
	struct bufferevent *bev;
	struct bufferevent *other;	/* the pair's partner, or NULL */
	evutil_socket_t peer;		/* the socket's far end, or -1 */
	struct recorder r;
};

static void
make_subject(struct subject *s, enum kind kind, int options)
{
	evutil_socket_t fds[2];
	struct bufferevent *p[2], *under;

	memset(s, 0, sizeof(*s));
	s->base = event_base_new();
	s->peer = -1;
	if (kind == PAIR) {
		assert_int_equal(bufferevent_pair_new(s->base, options, p), 0);
		s->bev = p[0];
		s->other = p[1];
	} else {
		make_socketpair(fds);
		s->peer = fds[1];
		under = bufferevent_socket_new(s->base, fds[0],
		    BEV_OPT_CLOSE_ON_FREE | (kind == SOCKET ? options : 0));
		s->bev = kind == SOCKET ? under : bufferevent_filter_new(under,
		    NULL, NULL, BEV_OPT_CLOSE_ON_FREE | options, NULL, NULL);
	}
	rec_init(&s->r, s->base);
	rec_setcb(s->bev, &s->r);
}

/* Make bytes arrive at the subject. */
static void
send_to(struct subject *s, const char *data)
{
	if (s->peer >= 0)
		send(s->peer, data, strlen(data), 0);
	else
		bufferevent_write(s->other, data, strlen(data));
}

/* Make the subject's stream end. */
static void
end_stream(struct subject *s)
{
	if (s->peer >= 0) {
		close(s->peer);
		s->peer = -1;
	} else {
		bufferevent_flush(s->other, EV_WRITE, BEV_FINISHED);
	}
}

static void
finish_subject(struct subject *s)
{
	if (s->bev)
		bufferevent_free(s->bev);
	if (s->other)
		bufferevent_free(s->other);
	if (s->peer >= 0)
		close(s->peer);
	rec_clear(&s->r);
	event_base_free(s->base);
}

/* The subject frees itself at callback `at`; after that nothing more. */
static void
free_self_at(enum kind kind, int options, char at)
{
	struct subject s;
	struct timeval t = { 0, 20000 };
	int calls;

	make_subject(&s, kind, options);
	s.r.free_on = at;
	if (at == 'E') {
		bufferevent_set_timeouts(s.bev, &t, NULL);	/* #1127 */
	}
	bufferevent_enable(s.bev, EV_READ);
	if (kind == PAIR)
		bufferevent_enable(s.other, EV_READ);
	if (at == 'W')
		bufferevent_write(s.bev, "out", 3);
	if (at == 'R')
		send_to(&s, "in");
	run_bounded(s.base, 10);
	assert_ptr_equal(s.r.freed, s.bev);
	calls = s.r.n;
	s.bev = NULL;
	/* Anything that would have been its next callback comes to nothing. */
	send_to(&s, "more");
	end_stream(&s);
	run_bounded(s.base, 10);
	assert_int_equal(s.r.n, calls);
	finish_subject(&s);
}

static void
test_freeing_in_its_own_read_callback(void **state)
{
	(void)state;
	free_self_at(SOCKET, 0, 'R');
	free_self_at(SOCKET, BEV_OPT_DEFER_CALLBACKS, 'R');
	free_self_at(FILTER, 0, 'R');
	free_self_at(FILTER, BEV_OPT_DEFER_CALLBACKS, 'R');
	free_self_at(PAIR, 0, 'R');
}

static void
test_freeing_in_its_own_write_callback(void **state)
{
	(void)state;
	free_self_at(SOCKET, 0, 'W');
	free_self_at(SOCKET, BEV_OPT_DEFER_CALLBACKS, 'W');
	free_self_at(FILTER, 0, 'W');
	free_self_at(PAIR, 0, 'W');
}

/* libevent #1127: bufferevent_free() from a timeout callback asserted. */
static void
test_freeing_in_its_own_timeout_callback(void **state)
{
	(void)state;
	free_self_at(SOCKET, 0, 'E');
	free_self_at(SOCKET, BEV_OPT_DEFER_CALLBACKS, 'E');
	free_self_at(FILTER, 0, 'E');
	free_self_at(FILTER, BEV_OPT_DEFER_CALLBACKS, 'E');
	free_self_at(PAIR, 0, 'E');
}

static void
test_freeing_after_a_write_timeout(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 20000 };
	static char lots[1 << 20];
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	int small = 4096;

	(void)state;
	make_socketpair(fds);
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.free_on = 'E';
	bufferevent_set_timeouts(bev, &t, &t);
	bufferevent_enable(bev, EV_READ);
	bufferevent_write(bev, lots, sizeof(lots));
	run_bounded(base, 10);
	assert_ptr_equal(r.freed, bev);
	assert_int_equal(r.events, 1);
	close(fds[1]);
	event_base_free(base);
}

/* A's read callback frees B, whose read is due in the same round: B's
 * callback never runs. */
static void
test_freeing_another_bufferevent_whose_callback_is_due(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder ra, rb;
	struct bufferevent *a, *b;
	evutil_socket_t pa[2], pb[2];
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		make_socketpair(pa);
		make_socketpair(pb);
		a = bufferevent_socket_new(base, pa[0], BEV_OPT_CLOSE_ON_FREE);
		b = bufferevent_socket_new(base, pb[0], BEV_OPT_CLOSE_ON_FREE |
		    (round ? BEV_OPT_DEFER_CALLBACKS : 0));
		rec_init(&ra, base);
		rec_init(&rb, base);
		rec_setcb(a, &ra);
		rec_setcb(b, &rb);
		/* Whichever runs first frees the other. */
		ra.free_on = rb.free_on = 'R';
		ra.free_other = &b;
		rb.free_other = &a;
		bufferevent_enable(a, EV_READ);
		bufferevent_enable(b, EV_READ);
		send(pa[1], "x", 1, 0);
		send(pb[1], "y", 1, 0);
		run_bounded(base, 10);
		assert_int_equal(ra.reads + rb.reads, 1);
		if (a)
			bufferevent_free(a);
		if (b)
			bufferevent_free(b);
		close(pa[1]);
		close(pb[1]);
	}
	event_base_free(base);
}

/* libevent #689, callbacks after bufferevent_free(): a deferred run that
 * was already queued must come to nothing. */
static void
test_a_queued_deferred_run_is_dropped_by_free(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_DEFER_CALLBACKS);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_trigger(bev, EV_READ | EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS);
	bufferevent_trigger_event(bev, BEV_EVENT_EOF, 0);
	bufferevent_free(bev);
	run_bounded(base, 10);
	assert_int_equal(r.n, 0);
	event_base_free(base);
}

/* One deferred run with bytes and an end of stream due: the read
 * callback frees, and the event callback is not called after it, with or
 * without the lock held around callbacks. */
static void
test_no_callback_after_free_within_one_deferred_run(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_DEFER_CALLBACKS);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.free_on = 'R';
	bufferevent_trigger_event(bev, BEV_EVENT_EOF | BEV_EVENT_READING, 0);
	bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	run_bounded(base, 10);
	assert_string_equal(r.order, "R");
	event_base_free(base);
}

/* A filter freed while the bufferevent under it still has a deferred run
 * queued that would have called into the filter. */
static void
test_a_filter_freed_before_its_underlying_run(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *under, *f;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	under = bufferevent_socket_new(base, fds[0],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	f = bufferevent_filter_new(under, NULL, NULL, 0, NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	bufferevent_enable(f, EV_READ);
	bufferevent_trigger(under, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	bufferevent_trigger_event(under, BEV_EVENT_EOF, 0);
	bufferevent_free(f);
	run_bounded(base, 10);
	assert_int_equal(r.n, 0);
	bufferevent_free(under);
	close(fds[1]);
	event_base_free(base);
}

/* Freed in the callback that reports the connect: the write of queued
 * bytes that would follow must not touch it. */
static void
test_freeing_in_the_connected_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.free_on = 'E';
	bufferevent_write(bev, "queued", 6);
	bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	assert_ptr_equal(r.freed, bev);
	close(l);
	event_base_free(base);
}

/* A reference the program holds keeps the memory; the last drop frees. */
static void
test_a_held_reference_outlives_free(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	bufferevent_incref(bev);
	bufferevent_free(bev);
	/* Still there to look at, but quiet. */
	assert_non_null(bufferevent_get_input(bev));
	send(fds[1], "x", 1, 0);
	run_bounded(base, 10);
	assert_int_equal(r.n, 0);
	assert_int_equal(bufferevent_decref(bev), 1);
	close(fds[1]);
	event_base_free(base);
}

/* libevent #1049: frees of rate-limited bufferevents -- members of a
 * group whose timer is pending, and one waiting on its own refill. */
static struct bufferevent_rate_limit_group *the_group;
static struct bufferevent *members[4];

static void
free_every_member(struct bufferevent *bev, void *arg)
{
	int i;

	(void)bev;
	(void)arg;
	for (i = 0; i < 4; i++) {
		if (members[i]) {
			bufferevent_free(members[i]);
			members[i] = NULL;
		}
	}
}

static void
test_freeing_rate_limited_group_members_from_a_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 10000 };
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(10, 10, 10, 10,
	    &t);
	evutil_socket_t fds[4][2];
	int i;

	(void)state;
	the_group = bufferevent_rate_limit_group_new(base, cfg);
	for (i = 0; i < 4; i++) {
		make_socketpair(fds[i]);
		send(fds[i][1], "0123456789abcdef", 16, 0);
		members[i] = bufferevent_socket_new(base, fds[i][0],
		    BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(members[i], i == 3 ? free_every_member : NULL,
		    NULL, NULL, NULL);
		bufferevent_add_to_rate_limit_group(members[i], the_group);
		bufferevent_set_rate_limit(members[i], cfg);
		bufferevent_enable(members[i], EV_READ);
	}
	/* Ticks pass, the group wakes its members, member 3 reads at last and
	 * frees them all -- including ones the group is about to wake. */
	run_bounded(base, 10);
	for (i = 0; i < 4; i++)
		assert_null(members[i]);
	bufferevent_rate_limit_group_free(the_group);
	for (i = 0; i < 4; i++)
		close(fds[i][1]);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

static void
test_freeing_a_group_with_members_waiting_in_it(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 10000 };
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(4, 4, 4, 4, &t);
	struct bufferevent_rate_limit_group *g;
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	g = bufferevent_rate_limit_group_new(base, cfg);
	make_socketpair(fds);
	send(fds[1], "0123456789", 10, 0);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.drain = 1;
	bufferevent_add_to_rate_limit_group(bev, g);
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);	/* reads 4, waits for the group */
	bufferevent_rate_limit_group_free(g);	/* ... which goes away */
	close(fds[1]);
	run_bounded(base, 10);
	assert_int_equal(evbuffer_get_length(r.got), 10);
	assert_int_equal(r.events, 1);
	bufferevent_free(bev);
	rec_clear(&r);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

static void
test_freeing_while_waiting_for_its_own_refill(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 10000 };
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(4, 4, 4, 4, &t);
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	send(fds[1], "0123456789", 10, 0);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_set_rate_limit(bev, cfg);
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);	/* reads 4; the refill is armed */
	bufferevent_free(bev);
	run_bounded(base, 10);
	close(fds[1]);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeing_in_its_own_read_callback),
		cmocka_unit_test(test_freeing_in_its_own_write_callback),
		cmocka_unit_test(test_freeing_in_its_own_timeout_callback),
		cmocka_unit_test(test_freeing_after_a_write_timeout),
		cmocka_unit_test(test_freeing_another_bufferevent_whose_callback_is_due),
		cmocka_unit_test(test_a_queued_deferred_run_is_dropped_by_free),
		cmocka_unit_test(test_no_callback_after_free_within_one_deferred_run),
		cmocka_unit_test(test_a_filter_freed_before_its_underlying_run),
		cmocka_unit_test(test_freeing_in_the_connected_callback),
		cmocka_unit_test(test_a_held_reference_outlives_free),
		cmocka_unit_test(test_freeing_rate_limited_group_members_from_a_callback),
		cmocka_unit_test(test_freeing_a_group_with_members_waiting_in_it),
		cmocka_unit_test(test_freeing_while_waiting_for_its_own_refill),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
