/* Rate limits as safety properties no slowness can break: after K ticks no
 * more than burst + K*rate bytes have moved; and liveness: every member of
 * a group keeps moving bytes.  Ticks are counted on the monotonic clock by
 * the test itself; nothing asserts how long anything took. */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "bev_test.h"

#define TICK_MS 20

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts bytes for one or more readers against the tick they arrived in. */
struct meter {
	struct event_base *base;
	long long start_tick;
	size_t rate, burst;	/* the bound to check */
	size_t total, target;
	size_t per_member[16];
	int members;
	int violations;
	size_t worst;		/* total at the worst violation */
	int eofs;
};

static long long
meter_ticks(const struct meter *m)
{
	return now_ms() / TICK_MS - m->start_tick;
}

static void
meter_check(struct meter *m)
{
	/* One tick of slack for the coarse clock the library reads. */
	size_t bound = m->burst + (size_t)(meter_ticks(m) + 1) * m->rate;

	if (m->total > bound) {
		m->violations++;
		m->worst = m->total;
	}
}

struct member {
	struct meter *m;
	int id;
};

static void
meter_read(struct bufferevent *bev, void *arg)
{
	struct member *mb = arg;
	struct meter *m = mb->m;
	size_t n = evbuffer_get_length(bufferevent_get_input(bev));

	evbuffer_drain(bufferevent_get_input(bev), n);
	m->total += n;
	m->per_member[mb->id] += n;
	meter_check(m);
	if (m->target && m->total >= m->target)
		event_base_loopbreak(m->base);
}

static void
meter_event(struct bufferevent *bev, short what, void *arg)
{
	struct member *mb = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF)
		mb->m->eofs++;
}

static void
meter_start(struct meter *m, struct event_base *base, size_t rate,
    size_t burst, size_t target)
{
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->rate = rate;
	m->burst = burst;
	m->target = target;
	m->start_tick = now_ms() / TICK_MS;
}

static const struct timeval tick = { 0, TICK_MS * 1000 };

static void
test_configurations_are_checked(void **state)
{
	struct timeval tiny = { 0, 500 }, hour = { 3600, 0 };
	struct ev_token_bucket_cfg *cfg;
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);

	(void)state;
	assert_null(ev_token_bucket_cfg_new(0, 10, 10, 10, NULL));
	assert_null(ev_token_bucket_cfg_new(10, 10, 0, 10, NULL));
	assert_null(ev_token_bucket_cfg_new(20, 10, 10, 10, NULL));
	assert_null(ev_token_bucket_cfg_new(10, 10, 10, (size_t)EV_RATE_LIMIT_MAX
	    + 1, NULL));
	cfg = ev_token_bucket_cfg_new(10, 10, 10, 10, &tiny);
	assert_non_null(cfg);	/* a tick under 1 ms is taken as 1 ms */
	ev_token_bucket_cfg_free(cfg);
	/* An hour's tick: no refill can fall between the calls below, however
	 * slowly they run (the default second did, once, under valgrind). */
	cfg = ev_token_bucket_cfg_new(100, 300, 200, 400, &hour);
	assert_null(bufferevent_get_token_bucket_cfg(bev));
	assert_int_equal(bufferevent_set_rate_limit(bev, cfg), 0);
	assert_ptr_equal(bufferevent_get_token_bucket_cfg(bev), cfg);
	/* A new bucket holds one tick's worth. */
	assert_int_equal(bufferevent_get_read_limit(bev), 100);
	assert_int_equal(bufferevent_get_write_limit(bev), 200);
	assert_int_equal(bufferevent_get_max_to_read(bev), 100);
	assert_int_equal(bufferevent_decrement_read_limit(bev, 30), 0);
	assert_int_equal(bufferevent_get_read_limit(bev), 70);
	assert_int_equal(bufferevent_decrement_write_limit(bev, -50), 0);
	assert_int_equal(bufferevent_get_write_limit(bev), 250);
	assert_int_equal(bufferevent_set_rate_limit(bev, NULL), 0);
	assert_null(bufferevent_get_token_bucket_cfg(bev));
	assert_int_equal(bufferevent_get_read_limit(bev), EV_SSIZE_MAX);
	assert_int_equal(bufferevent_decrement_read_limit(bev, 1), -1);
	bufferevent_free(bev);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

/* The peer floods; the limited reader may not take more than the bound. */
static void
test_reading_never_beats_burst_plus_ticks_times_rate(void **state)
{
	struct event_base *base = event_base_new();
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(1000, 3000,
	    1000, 3000, &tick);
	static char flood[60000];
	struct bufferevent *bev;
	struct member mb;
	struct meter m;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	assert_int_equal(send(fds[1], flood, sizeof(flood), 0), sizeof(flood));
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	meter_start(&m, base, 1000, 3000, 10000);
	mb.m = &m;
	mb.id = 0;
	bufferevent_setcb(bev, meter_read, NULL, meter_event, &mb);
	bufferevent_set_rate_limit(bev, cfg);
	bufferevent_enable(bev, EV_READ);
	run_bounded(base, 10);
	assert_int_equal(m.violations, 0);
	assert_true(m.total >= 10000);	/* it kept going, tick after tick */
	assert_int_equal(m.eofs, 0);
	bufferevent_free(bev);
	close(fds[1]);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

static void
test_writing_never_beats_burst_plus_ticks_times_rate(void **state)
{
	struct event_base *base = event_base_new();
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(1000, 2000,
	    500, 1500, &tick);
	static char data[8000];
	struct bufferevent *writer, *reader;
	struct member mb;
	struct meter m;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	writer = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	reader = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	meter_start(&m, base, 500, 1500, sizeof(data));
	mb.m = &m;
	mb.id = 0;
	bufferevent_setcb(reader, meter_read, NULL, NULL, &mb);
	bufferevent_enable(reader, EV_READ);
	bufferevent_set_rate_limit(writer, cfg);
	bufferevent_write(writer, data, sizeof(data));
	run_bounded(base, 10);
	assert_int_equal(m.violations, 0);
	assert_int_equal(m.total, sizeof(data));
	bufferevent_free(writer);
	bufferevent_free(reader);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

/* Spent to exactly zero by hand: nothing is read (and no end of stream is
 * invented from a zero-byte read) until the next tick brings tokens. */
static void
test_an_empty_bucket_waits_for_the_next_tick(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval long_tick = { 0, 200000 };
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(100, 100,
	    100, 100, &long_tick);
	struct bufferevent *bev;
	struct recorder r;
	evutil_socket_t fds[2];
	long long start = now_ms();

	(void)state;
	make_socketpair(fds);
	send(fds[1], "waiting", 7, 0);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_set_rate_limit(bev, cfg);
	bufferevent_decrement_read_limit(bev, bufferevent_get_read_limit(bev));
	assert_int_equal(bufferevent_get_read_limit(bev), 0);
	assert_int_equal(bufferevent_get_max_to_read(bev), 0);
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.reads + r.events, 0);
	/* The refill timer is the only thing left, and it brings the bytes. */
	while (r.reads == 0 && r.events == 0 && now_ms() - start < 10000)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.events, 0);
	assert_int_equal(r.reads, 1);
	assert_int_equal(r.input_seen[0], 7);
	bufferevent_free(bev);
	close(fds[1]);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

#define MEMBERS 10

struct group_run {
	struct event_base *base;
	struct bufferevent_rate_limit_group *group;
	struct bufferevent *bev[MEMBERS];
	evutil_socket_t peer[MEMBERS];
	struct member mb[MEMBERS];
	struct meter m;
};

static void
group_start(struct group_run *g, size_t rate, size_t burst, size_t min_share,
    size_t per_member, size_t target)
{
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(rate, burst,
	    rate, burst, &tick);
	char *data = calloc(1, per_member);
	evutil_socket_t fds[2];
	int i;

	g->base = event_base_new();
	g->group = bufferevent_rate_limit_group_new(g->base, cfg);
	ev_token_bucket_cfg_free(cfg);	/* the group keeps a copy */
	bufferevent_rate_limit_group_set_min_share(g->group, min_share);
	meter_start(&g->m, g->base, rate, burst, target);
	g->m.members = MEMBERS;
	for (i = 0; i < MEMBERS; i++) {
		make_socketpair(fds);
		assert_int_equal(send(fds[1], data, per_member, 0), per_member);
		g->peer[i] = fds[1];
		g->bev[i] = bufferevent_socket_new(g->base, fds[0],
		    BEV_OPT_CLOSE_ON_FREE);
		g->mb[i].m = &g->m;
		g->mb[i].id = i;
		bufferevent_setcb(g->bev[i], meter_read, NULL, meter_event,
		    &g->mb[i]);
		assert_int_equal(bufferevent_add_to_rate_limit_group(g->bev[i],
		    g->group), 0);
		bufferevent_enable(g->bev[i], EV_READ);
	}
	free(data);
}

static void
group_finish(struct group_run *g)
{
	int i;

	for (i = 0; i < MEMBERS; i++) {
		bufferevent_free(g->bev[i]);
		close(g->peer[i]);
	}
	bufferevent_rate_limit_group_free(g->group);
	event_base_free(g->base);
}

static void
test_a_group_of_ten_never_beats_its_rate_and_all_progress(void **state)
{
	struct group_run g;
	ev_uint64_t in = 0, out = 0;
	int i;

	(void)state;
	group_start(&g, 1000, 1000, 64, 3000, 8000);
	run_bounded(g.base, 10);
	assert_int_equal(g.m.violations, 0);
	assert_true(g.m.total >= 8000);
	for (i = 0; i < MEMBERS; i++)
		if (g.m.per_member[i] == 0)
			fail_msg("member %d moved nothing", i);
	bufferevent_rate_limit_group_get_totals(g.group, &in, &out);
	assert_int_equal(in, g.m.total);
	assert_int_equal(out, 0);
	bufferevent_rate_limit_group_reset_totals(g.group);
	bufferevent_rate_limit_group_get_totals(g.group, &in, NULL);
	assert_int_equal(in, 0);
	group_finish(&g);
}

/* A min share above the even split serves only some members per tick;
 * the ones left out go first next time, so every one moves bytes.  The
 * check is an order, not a time: by the moment one member has had ten
 * shares, every member has had one. */
static size_t
most_moved(const struct group_run *g)
{
	size_t most = 0;
	int i;

	for (i = 0; i < MEMBERS; i++)
		if (g->m.per_member[i] > most)
			most = g->m.per_member[i];
	return most;
}

static void
test_a_large_min_share_still_lets_every_member_progress(void **state)
{
	struct group_run g;
	long long start = now_ms();
	int i;

	(void)state;
	group_start(&g, 1000, 1000, 400, 20000, 0);
	while (most_moved(&g) < 4000 && now_ms() - start < 10000)
		event_base_loop(g.base, EVLOOP_ONCE);
	assert_true(most_moved(&g) >= 4000);
	assert_int_equal(g.m.violations, 0);
	for (i = 0; i < MEMBERS; i++)
		if (g.m.per_member[i] < 400)
			fail_msg("member %d moved only %zu bytes", i,
			    g.m.per_member[i]);
	group_finish(&g);
}

/* libevent 2.1 reads with a zero budget here and reports the end of the
 * stream for all ten members (its issue #1440).  Here each waits. */
static void
test_fewer_tokens_than_members_is_not_the_end_of_the_stream(void **state)
{
	struct group_run g;
	int i;

	(void)state;
	group_start(&g, 5, 5, 0, 10, 10 * MEMBERS);
	assert_int_equal(bufferevent_get_max_to_read(g.bev[0]), 1);
	run_bounded(g.base, 10);
	assert_int_equal(g.m.eofs, 0);
	assert_int_equal(g.m.violations, 0);
	assert_int_equal(g.m.total, 10 * MEMBERS);
	for (i = 0; i < MEMBERS; i++)
		assert_int_equal(g.m.per_member[i], 10);
	group_finish(&g);
}

static void
test_leaving_a_group_lifts_its_limit(void **state)
{
	struct group_run g;
	int i;

	(void)state;
	group_start(&g, 10, 10, 10, 5000, 0);
	assert_int_equal(bufferevent_rate_limit_group_get_read_limit(g.group),
	    10);
	assert_int_equal(bufferevent_remove_from_rate_limit_group(g.bev[3]), 0);
	assert_int_equal(bufferevent_get_max_to_read(g.bev[3]), 16384);
	for (i = 0; i < 5 && g.m.per_member[3] < 5000; i++)
		event_base_loop(g.base, EVLOOP_ONCE);
	assert_int_equal(g.m.per_member[3], 5000);
	/* The group decrement works both ways. */
	assert_int_equal(bufferevent_rate_limit_group_decrement_read(g.group,
	    -100), 0);
	assert_true(bufferevent_rate_limit_group_get_read_limit(g.group) >= 100);
	group_finish(&g);
}

static void
test_filters_and_pairs_accept_limits_without_slowing(void **state)
{
	struct event_base *base = event_base_new();
	struct ev_token_bucket_cfg *cfg = ev_token_bucket_cfg_new(1, 1, 1, 1,
	    NULL);
	struct bufferevent *p[2];
	static char data[10000];

	(void)state;
	bufferevent_pair_new(base, 0, p);
	assert_int_equal(bufferevent_set_rate_limit(p[0], cfg), 0);
	bufferevent_enable(p[1], EV_READ);
	bufferevent_write(p[0], data, sizeof(data));
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(p[1])),
	    sizeof(data));
	bufferevent_free(p[0]);
	bufferevent_free(p[1]);
	ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configurations_are_checked),
		cmocka_unit_test(test_reading_never_beats_burst_plus_ticks_times_rate),
		cmocka_unit_test(test_writing_never_beats_burst_plus_ticks_times_rate),
		cmocka_unit_test(test_an_empty_bucket_waits_for_the_next_tick),
		cmocka_unit_test(test_a_group_of_ten_never_beats_its_rate_and_all_progress),
		cmocka_unit_test(test_a_large_min_share_still_lets_every_member_progress),
		cmocka_unit_test(test_fewer_tokens_than_members_is_not_the_end_of_the_stream),
		cmocka_unit_test(test_leaving_a_group_lifts_its_limit),
		cmocka_unit_test(test_filters_and_pairs_accept_limits_without_slowing),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
