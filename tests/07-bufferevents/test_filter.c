/* Filters: pass-through, a stack of a line framer over rot13 with
 * BEV_FLUSH and BEV_FINISHED, back-pressure, errors, freeing with and
 * without BEV_OPT_CLOSE_ON_FREE, and timeouts. */
#include <ctype.h>
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

/* rot13, both ways: every byte that comes in goes out, turned. */
static enum bufferevent_filter_result
rot13(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	unsigned char buf[256];
	size_t n, i;
	int *calls = ctx;

	(void)mode;
	if (calls)
		(*calls)++;
	n = evbuffer_get_length(src);
	if (n == 0)
		return BEV_NEED_MORE;
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (limit >= 0 && n > (size_t)limit)
		n = (size_t)limit;
	evbuffer_remove(src, buf, n);
	for (i = 0; i < n; i++) {
		unsigned char c = buf[i];
		if (isalpha(c))
			buf[i] = (unsigned char)((tolower(c) - 'a' + 13) % 26 +
			    (isupper(c) ? 'A' : 'a'));
	}
	evbuffer_add(dst, buf, n);
	return BEV_OK;
}

/* Complete lines only; BEV_FLUSH or BEV_FINISHED ends a partial line with
 * a newline, and on the way out BEV_FINISHED adds "END\n" once. */
struct framer {
	int trailer_written;
	int outbound;
};

static enum bufferevent_filter_result
frame_lines(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	struct framer *f = ctx;
	struct evbuffer_ptr eol;
	size_t n, len;

	(void)limit;
	eol = evbuffer_search(src, "\n", 1, NULL);
	if (eol.pos >= 0) {
		evbuffer_remove_buffer(src, dst, (size_t)eol.pos + 1);
		return BEV_OK;
	}
	if (mode == BEV_NORMAL)
		return BEV_NEED_MORE;
	if ((len = evbuffer_get_length(src)) > 0) {
		n = (size_t)evbuffer_remove_buffer(src, dst, len);
		evbuffer_add(dst, "\n", 1);
		return n ? BEV_OK : BEV_NEED_MORE;
	}
	if (mode == BEV_FINISHED && f->outbound && !f->trailer_written) {
		f->trailer_written = 1;
		evbuffer_add(dst, "END\n", 4);
		return BEV_OK;
	}
	return BEV_NEED_MORE;
}

static enum bufferevent_filter_result
frame_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	struct framer *pair = ctx;

	return frame_lines(src, dst, limit, mode, &pair[0]);
}

static enum bufferevent_filter_result
frame_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	struct framer *pair = ctx;

	return frame_lines(src, dst, limit, mode, &pair[1]);
}

static size_t
peer_read(evutil_socket_t fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

static void
test_a_pass_through_filter_moves_bytes_unchanged(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder server, client;
	struct bufferevent *sock, *f, *echo;
	evutil_socket_t fds[2];
	static unsigned char data[256 * 1024];

	(void)state;
	make_socketpair(fds);
	fill_pattern(data, sizeof(data), 11);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	echo = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	assert_ptr_equal(bufferevent_get_underlying(f), sock);
	assert_int_equal(bufferevent_getfd(f), fds[0]);
	assert_int_equal(bufferevent_get_enabled(f), EV_WRITE);
	assert_int_equal(bufferevent_get_enabled(sock), EV_READ | EV_WRITE);
	rec_init(&server, base);
	rec_init(&client, base);
	server.echo = 1;
	client.drain = 1;
	client.stop_after = sizeof(data);
	rec_setcb(echo, &server);
	rec_setcb(f, &client);
	bufferevent_enable(echo, EV_READ);
	bufferevent_enable(f, EV_READ);
	bufferevent_write(f, data, sizeof(data));
	run_bounded(base, 30);
	assert_int_equal(evbuffer_get_length(client.got), sizeof(data));
	assert_memory_equal(evbuffer_pullup(client.got, -1), data, sizeof(data));
	assert_true(client.writes >= 1);
	rec_clear(&client);
	bufferevent_free(f);
	bufferevent_free(echo);
	event_base_free(base);
}

/* The program writes lines to a framer stacked on rot13 on a socket. */
static void
test_a_framer_over_rot13_sends_whole_lines_and_flushes_the_rest(void **state)
{
	struct event_base *base = event_base_new();
	struct framer framers[2] = { { 0, 0 }, { 0, 1 } };
	struct bufferevent *sock, *rot, *top;
	evutil_socket_t fds[2];
	char buf[256];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rot = bufferevent_filter_new(sock, rot13, rot13, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	top = bufferevent_filter_new(rot, frame_in, frame_out,
	    BEV_OPT_CLOSE_ON_FREE, NULL, framers);
	assert_ptr_equal(bufferevent_get_underlying(top), rot);
	bufferevent_write(top, "Hello\nwor", 9);
	run_bounded(base, 10);
	peer_read(fds[1], buf, sizeof(buf));
	assert_string_equal(buf, "Uryyb\n");	/* "wor" waits for its end */
	assert_int_equal(bufferevent_flush(top, EV_WRITE, BEV_FLUSH), 1);
	run_bounded(base, 10);
	peer_read(fds[1], buf, sizeof(buf));
	assert_string_equal(buf, "jbe\n");
	bufferevent_write(top, "x", 1);
	assert_int_equal(bufferevent_flush(top, EV_WRITE, BEV_FINISHED), 1);
	run_bounded(base, 10);
	peer_read(fds[1], buf, sizeof(buf));
	assert_string_equal(buf, "k\nRAQ\n");	/* rot13 of "x\nEND\n" */
	/* The trailer is written once, however often the stream finishes. */
	assert_int_equal(bufferevent_flush(top, EV_WRITE, BEV_FINISHED), 0);
	run_bounded(base, 10);
	assert_int_equal(peer_read(fds[1], buf, sizeof(buf)), 0);
	bufferevent_free(top);
	close(fds[1]);
	event_base_free(base);
}

static void
test_a_framer_over_rot13_reads_lines_and_the_tail_at_eof(void **state)
{
	struct event_base *base = event_base_new();
	struct framer framers[2] = { { 0, 0 }, { 0, 1 } };
	struct bufferevent *sock, *rot, *top;
	struct recorder r;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rot = bufferevent_filter_new(sock, rot13, rot13, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	top = bufferevent_filter_new(rot, frame_in, frame_out,
	    BEV_OPT_CLOSE_ON_FREE, NULL, framers);
	rec_init(&r, base);
	rec_setcb(top, &r);
	bufferevent_enable(top, EV_READ);
	bufferevent_enable(rot, EV_READ);
	send(fds[1], "nop\nqr", 6, 0);	/* rot13 of "abc\nde" */
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.reads, 1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(top)), 4);
	close(fds[1]);
	run_bounded(base, 10);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(top)), 7);
	assert_memory_equal(evbuffer_pullup(bufferevent_get_input(top), -1),
	    "abc\nde\n", 7);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_EOF | BEV_EVENT_READING);
	bufferevent_free(top);
	event_base_free(base);
}

/* A filter that reads nothing until enabled holds the socket back. */
static void
test_a_filter_holds_reading_back_until_enabled(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	send(fds[1], "waiting", 7, 0);
	assert_int_equal(run_bounded(base, 10), 1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(sock)), 0);
	bufferevent_enable(f, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(f)), 7);
	bufferevent_free(f);
	close(fds[1]);
	event_base_free(base);
}

static void
test_the_filters_high_watermark_holds_the_socket_back(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	struct recorder r;
	evutil_socket_t fds[2];
	static unsigned char data[5000];
	size_t total = 0;
	int i;

	(void)state;
	make_socketpair(fds);
	fill_pattern(data, sizeof(data), 0);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	bufferevent_setwatermark(f, EV_READ, 0, 1000);
	bufferevent_enable(f, EV_READ);
	send(fds[1], data, sizeof(data), 0);
	close(fds[1]);
	for (i = 0; i < 20 && total < sizeof(data); i++) {
		event_base_loop(base, EVLOOP_ONCE);
		assert_true(evbuffer_get_length(bufferevent_get_input(f)) <= 1000);
		total += evbuffer_get_length(bufferevent_get_input(f));
		evbuffer_drain(bufferevent_get_input(f), 1000);
	}
	assert_int_equal(total, sizeof(data));
	bufferevent_free(f);
	event_base_free(base);
}

static enum bufferevent_filter_result
refuse(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *ctx)
{
	(void)src;
	(void)dst;
	(void)limit;
	(void)mode;
	(void)ctx;
	return BEV_ERROR;
}

static void
test_a_filter_error_is_reported_in_its_direction(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	struct recorder r;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, refuse, refuse, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	bufferevent_enable(f, EV_READ);
	bufferevent_write(f, "out", 3);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_WRITING | BEV_EVENT_ERROR);
	send(fds[1], "in", 2, 0);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.events, 2);
	assert_int_equal(r.what[1], BEV_EVENT_READING | BEV_EVENT_ERROR);
	assert_int_equal(bufferevent_get_enabled(f), 0);
	assert_int_equal(bufferevent_flush(f, EV_WRITE, BEV_FLUSH), -1);
	bufferevent_free(f);
	close(fds[1]);
	event_base_free(base);
}

static int contexts_freed;

static void
free_context(void *ctx)
{
	(void)ctx;
	contexts_freed++;
}

static void
test_close_on_free_frees_the_bufferevent_underneath(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	evutil_socket_t fds[2];
	char c;

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL, BEV_OPT_CLOSE_ON_FREE,
	    free_context, &c);
	contexts_freed = 0;
	bufferevent_free(f);
	assert_int_equal(contexts_freed, 1);
	/* The socket underneath is closed: the peer reads the end. */
	assert_int_equal(recv(fds[1], &c, 1, 0), 0);
	close(fds[1]);
	event_base_free(base);
}

static void
test_without_close_on_free_the_bufferevent_underneath_lives_on(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	struct recorder r;
	evutil_socket_t fds[2];
	bufferevent_data_cb rcb;
	char buf[16];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, rot13, rot13, 0, free_context, NULL);
	contexts_freed = 0;
	bufferevent_free(f);
	assert_int_equal(contexts_freed, 1);
	bufferevent_getcb(sock, &rcb, NULL, NULL, NULL);
	assert_null(rcb);
	rec_init(&r, base);
	rec_setcb(sock, &r);
	bufferevent_write(sock, "plain", 5);
	send(fds[1], "back", 4, 0);
	event_base_loop(base, EVLOOP_ONCE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(peer_read(fds[1], buf, sizeof(buf)), 5);
	assert_string_equal(buf, "plain");
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(sock)), 4);
	bufferevent_free(sock);
	close(fds[1]);
	event_base_free(base);
}

static void
test_a_filters_read_timeout_fires_without_bytes(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 30000 };
	struct bufferevent *sock, *f;
	struct recorder r;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	r.break_on_event = 1;
	assert_int_equal(bufferevent_set_timeouts(f, &t, NULL), 0);
	bufferevent_enable(f, EV_READ);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
	assert_int_equal(bufferevent_get_enabled(f) & EV_READ, 0);
	bufferevent_enable(f, EV_READ);
	run_bounded(base, 10);
	assert_int_equal(r.events, 2);
	bufferevent_free(f);
	close(fds[1]);
	event_base_free(base);
}

static void
test_a_filter_over_a_connecting_socket_hears_connected(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), s;
	struct bufferevent *sock, *f;
	struct recorder r;
	char buf[8];

	(void)state;
	sock = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, rot13, rot13, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	bufferevent_write(f, "abc", 3);
	bufferevent_socket_connect(sock, (struct sockaddr *)&sin, sizeof(sin));
	run_bounded(base, 10);
	assert_int_equal(r.what[0], BEV_EVENT_CONNECTED);
	s = accept_one(l);
	assert_int_equal(read_fully(s, buf, 3), 3);
	assert_memory_equal(buf, "nop", 3);
	close(s);
	bufferevent_free(f);
	close(l);
	event_base_free(base);
}

static void
test_deferred_filter_callbacks_run_from_the_loop(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *sock, *f;
	struct recorder r;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	sock = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(sock, NULL, NULL,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, NULL, NULL);
	rec_init(&r, base);
	rec_setcb(f, &r);
	bufferevent_enable(f, EV_READ);
	bufferevent_trigger(f, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	assert_int_equal(r.reads, 0);
	send(fds[1], "x", 1, 0);
	close(fds[1]);
	run_bounded(base, 10);
	assert_string_equal(r.order, "RRE");
	bufferevent_free(f);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_pass_through_filter_moves_bytes_unchanged),
		cmocka_unit_test(test_a_framer_over_rot13_sends_whole_lines_and_flushes_the_rest),
		cmocka_unit_test(test_a_framer_over_rot13_reads_lines_and_the_tail_at_eof),
		cmocka_unit_test(test_a_filter_holds_reading_back_until_enabled),
		cmocka_unit_test(test_the_filters_high_watermark_holds_the_socket_back),
		cmocka_unit_test(test_a_filter_error_is_reported_in_its_direction),
		cmocka_unit_test(test_close_on_free_frees_the_bufferevent_underneath),
		cmocka_unit_test(test_without_close_on_free_the_bufferevent_underneath_lives_on),
		cmocka_unit_test(test_a_filters_read_timeout_fires_without_bytes),
		cmocka_unit_test(test_a_filter_over_a_connecting_socket_hears_connected),
		cmocka_unit_test(test_deferred_filter_callbacks_run_from_the_loop),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
