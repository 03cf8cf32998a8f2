/* Pairs: bytes cross in memory, callbacks are always deferred, the
 * reader's high watermark holds bytes in the writer's output, flushes
 * force them across and BEV_FINISHED ends the stream, and one side may be
 * freed while the other lives on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "bev_test.h"

struct two {
	struct event_base *base;
	struct bufferevent *p[2];
	struct recorder r[2];
};

static void
make_two(struct two *t, int options)
{
	t->base = event_base_new();
	assert_int_equal(bufferevent_pair_new(t->base, options, t->p), 0);
	rec_init(&t->r[0], t->base);
	rec_init(&t->r[1], t->base);
	rec_setcb(t->p[0], &t->r[0]);
	rec_setcb(t->p[1], &t->r[1]);
}

static void
free_two(struct two *t)
{
	rec_clear(&t->r[0]);
	rec_clear(&t->r[1]);
	if (t->p[0])
		bufferevent_free(t->p[0]);
	if (t->p[1])
		bufferevent_free(t->p[1]);
	event_base_free(t->base);
}

static void
test_bytes_cross_without_a_descriptor_and_callbacks_wait(void **state)
{
	struct two t;
	char buf[8] = { 0 };

	(void)state;
	make_two(&t, 0);
	assert_ptr_equal(bufferevent_pair_get_partner(t.p[0]), t.p[1]);
	assert_ptr_equal(bufferevent_pair_get_partner(t.p[1]), t.p[0]);
	assert_int_equal(bufferevent_getfd(t.p[0]), -1);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], "ping", 4);
	/* Moved at once, reported later: pairs always defer. */
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 4);
	assert_int_equal(t.r[1].reads + t.r[0].writes, 0);
	run_bounded(t.base, 10);
	assert_int_equal(t.r[1].reads, 1);
	assert_int_equal(t.r[0].writes, 1);
	assert_int_equal(bufferevent_read(t.p[1], buf, sizeof(buf)), 4);
	assert_string_equal(buf, "ping");
	free_two(&t);
}

static void
test_a_disabled_reader_leaves_bytes_with_the_writer(void **state)
{
	struct two t;

	(void)state;
	make_two(&t, 0);
	bufferevent_write(t.p[0], "wait", 4);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(t.p[0])), 4);
	bufferevent_enable(t.p[1], EV_READ);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(t.p[0])), 0);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 4);
	bufferevent_disable(t.p[0], EV_WRITE);
	bufferevent_write(t.p[0], "more", 4);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 4);
	bufferevent_enable(t.p[0], EV_WRITE);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 8);
	free_two(&t);
}

static void
test_the_readers_high_watermark_holds_bytes_back(void **state)
{
	struct two t;
	static char data[10000];
	struct evbuffer *in;
	size_t total = 0;
	int i;

	(void)state;
	make_two(&t, 0);
	in = bufferevent_get_input(t.p[1]);
	bufferevent_setwatermark(t.p[1], EV_READ, 0, 1000);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], data, sizeof(data));
	assert_int_equal(evbuffer_get_length(in), 1000);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(t.p[0])),
	    9000);
	for (i = 0; i < 20 && total < sizeof(data); i++) {
		assert_true(evbuffer_get_length(in) <= 1000);
		total += evbuffer_get_length(in);
		evbuffer_drain(in, 1000);	/* pulls the next 1000 across */
	}
	assert_int_equal(total, sizeof(data));
	free_two(&t);
}

static void
test_a_flush_forces_bytes_past_the_watermark(void **state)
{
	struct two t;
	static char data[5000];

	(void)state;
	make_two(&t, 0);
	bufferevent_setwatermark(t.p[1], EV_READ, 0, 100);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], data, sizeof(data));
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 100);
	assert_int_equal(bufferevent_flush(t.p[0], EV_WRITE, BEV_FLUSH), 1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])),
	    sizeof(data));
	assert_int_equal(bufferevent_flush(t.p[0], EV_WRITE, BEV_FLUSH), 0);
	/* Reading side: pull what the partner has. */
	bufferevent_write(t.p[1], "back", 4);
	assert_int_equal(bufferevent_flush(t.p[0], EV_READ, BEV_NORMAL), 1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[0])), 4);
	free_two(&t);
}

static void
test_a_finished_flush_tells_the_partner_the_stream_ended(void **state)
{
	struct two t;

	(void)state;
	make_two(&t, 0);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], "last words", 10);
	bufferevent_flush(t.p[0], EV_WRITE, BEV_FINISHED);
	run_bounded(t.base, 10);
	assert_string_equal(t.r[1].order, "RE");
	assert_int_equal(t.r[1].what[0], BEV_EVENT_EOF | BEV_EVENT_READING);
	assert_int_equal(t.r[0].events, 0);
	free_two(&t);
}

static void
test_freeing_one_side_leaves_the_other_usable_and_alone(void **state)
{
	struct two t;

	(void)state;
	make_two(&t, 0);
	bufferevent_enable(t.p[0], EV_READ);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], "pending", 7);
	bufferevent_free(t.p[0]);
	t.p[0] = NULL;
	assert_null(bufferevent_pair_get_partner(t.p[1]));
	/* The survivor still has what crossed, and is told nothing more. */
	run_bounded(t.base, 10);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(t.p[1])), 7);
	assert_int_equal(t.r[1].events, 0);
	assert_int_equal(bufferevent_write(t.p[1], "into the void", 13), 0);
	assert_int_equal(bufferevent_flush(t.p[1], EV_WRITE, BEV_FLUSH), -1);
	bufferevent_setcb(t.p[1], NULL, NULL, NULL, NULL);
	assert_int_equal(bufferevent_enable(t.p[1], EV_READ | EV_WRITE), 0);
	run_bounded(t.base, 10);
	free_two(&t);
}

static void
test_a_pair_echoes_a_mebibyte(void **state)
{
	struct two t;
	static unsigned char data[1 << 20];

	(void)state;
	make_two(&t, 0);
	fill_pattern(data, sizeof(data), 5);
	t.r[0].echo = 1;
	t.r[1].drain = 1;
	t.r[1].stop_after = sizeof(data);
	bufferevent_enable(t.p[0], EV_READ);
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_setwatermark(t.p[0], EV_READ, 0, 4096);
	bufferevent_write(t.p[1], data, sizeof(data));
	run_bounded(t.base, 30);
	assert_int_equal(evbuffer_get_length(t.r[1].got), sizeof(data));
	assert_memory_equal(evbuffer_pullup(t.r[1].got, -1), data,
	    sizeof(data));
	assert_int_equal(t.r[0].max_depth, 1);
	free_two(&t);
}

static void
test_a_pairs_read_timeout_fires_when_the_partner_is_quiet(void **state)
{
	struct two t;
	struct timeval tm = { 0, 20000 };

	(void)state;
	make_two(&t, 0);
	bufferevent_set_timeouts(t.p[1], &tm, NULL);
	bufferevent_enable(t.p[1], EV_READ);
	run_bounded(t.base, 10);
	assert_int_equal(t.r[1].events, 1);
	assert_int_equal(t.r[1].what[0], BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
	/* Bytes restart the wait: a partner that keeps talking is never late. */
	bufferevent_enable(t.p[1], EV_READ);
	bufferevent_write(t.p[0], "x", 1);
	assert_int_equal(t.r[1].events, 1);
	run_bounded(t.base, 10);
	assert_int_equal(t.r[1].events, 2);
	assert_string_equal(t.r[1].order, "TRT");
	free_two(&t);
}

static void
test_the_options_are_honoured(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *p[2];

	(void)state;
	/* CLOSE_ON_FREE has nothing to close and is accepted. */
	assert_int_equal(bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE, p),
	    0);
	assert_null(bufferevent_get_underlying(p[0]));
	assert_int_equal(bufferevent_priority_set(p[0], 0), -1);
	assert_int_equal(bufferevent_setfd(p[0], 0), -1);
	bufferevent_free(p[1]);
	bufferevent_free(p[0]);
	/* Threading is off here: no lock to share. */
	assert_int_equal(bufferevent_pair_new(base, BEV_OPT_THREADSAFE, p), -1);
	assert_int_equal(bufferevent_pair_new(NULL, 0, p), -1);
	assert_null(bufferevent_pair_get_partner(NULL));
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_cross_without_a_descriptor_and_callbacks_wait),
		cmocka_unit_test(test_a_disabled_reader_leaves_bytes_with_the_writer),
		cmocka_unit_test(test_the_readers_high_watermark_holds_bytes_back),
		cmocka_unit_test(test_a_flush_forces_bytes_past_the_watermark),
		cmocka_unit_test(test_a_finished_flush_tells_the_partner_the_stream_ended),
		cmocka_unit_test(test_freeing_one_side_leaves_the_other_usable_and_alone),
		cmocka_unit_test(test_a_pair_echoes_a_mebibyte),
		cmocka_unit_test(test_a_pairs_read_timeout_fires_when_the_partner_is_quiet),
		cmocka_unit_test(test_the_options_are_honoured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
