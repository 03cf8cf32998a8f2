/* Socket bufferevents: moving bytes, watermarks, timeouts, the end of a
 * stream, and the calls' answers to bad input. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include "bev_test.h"

#define MIB (1024 * 1024)

/* The sender writes 1 MiB once connected and reads the echo back. */
struct echo_client {
	struct recorder rec;
	size_t sent;
};

static void
test_echo_of_one_mebibyte_comes_back_byte_for_byte(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder server, client;
	struct bufferevent *a, *b;
	evutil_socket_t fds[2];
	unsigned char *data = malloc(MIB), *back;

	(void)state;
	make_socketpair(fds);
	fill_pattern(data, MIB, 0);
	a = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&server, base);
	rec_init(&client, base);
	server.echo = 1;
	client.drain = 1;
	client.stop_after = MIB;
	rec_setcb(a, &server);
	rec_setcb(b, &client);
	bufferevent_enable(a, EV_READ | EV_WRITE);
	bufferevent_enable(b, EV_READ | EV_WRITE);
	assert_int_equal(bufferevent_write(b, data, MIB), 0);
	/* The client stops the loop once every byte has come back. */
	run_bounded(base, 30);
	assert_non_null(client.got);
	assert_int_equal(evbuffer_get_length(client.got), MIB);
	back = evbuffer_pullup(client.got, -1);
	assert_memory_equal(back, data, MIB);
	assert_int_equal(server.events + client.events, 0);
	assert_true(server.reads > 1);	/* it came in pieces */
	rec_clear(&server);
	rec_clear(&client);
	bufferevent_free(a);
	bufferevent_free(b);
	event_base_free(base);
	free(data);
}

static void
test_echo_over_loopback_tcp(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder server, client;
	struct bufferevent *a, *b;
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), c, s;
	unsigned char data[100000];

	(void)state;
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	evutil_make_socket_nonblocking(c);
	s = accept_one(l);
	fill_pattern(data, sizeof(data), 3);
	a = bufferevent_socket_new(base, s, BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, c, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&server, base);
	rec_init(&client, base);
	server.echo = 1;
	client.drain = 1;
	client.stop_after = sizeof(data);
	rec_setcb(a, &server);
	rec_setcb(b, &client);
	bufferevent_enable(a, EV_READ);
	bufferevent_enable(b, EV_READ);
	bufferevent_write(b, data, sizeof(data));
	run_bounded(base, 30);
	assert_int_equal(evbuffer_get_length(client.got), sizeof(data));
	assert_memory_equal(evbuffer_pullup(client.got, -1), data, sizeof(data));
	rec_clear(&client);
	bufferevent_free(a);
	bufferevent_free(b);
	close(l);
	event_base_free(base);
}

static void
test_new_bufferevent_writes_but_does_not_read(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
	size_t lo = 1, hi = 1;

	(void)state;
	assert_non_null(bev);
	assert_int_equal(bufferevent_get_enabled(bev), EV_WRITE);
	assert_int_equal(bufferevent_getfd(bev), -1);
	assert_ptr_equal(bufferevent_get_base(bev), base);
	assert_null(bufferevent_get_underlying(bev));
	assert_int_equal(bufferevent_getwatermark(bev, EV_READ, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 0);
	assert_int_equal(bufferevent_get_max_single_read(bev), 16384);
	assert_int_equal(bufferevent_get_max_single_write(bev), 16384);
	assert_int_equal(bufferevent_get_max_to_read(bev), 16384);
	assert_int_equal(bufferevent_get_read_limit(bev), EV_SSIZE_MAX);
	assert_int_equal(bufferevent_flush(bev, EV_WRITE, BEV_FLUSH), 0);
	assert_int_equal(bufferevent_set_max_single_read(bev, 100), 0);
	assert_int_equal(bufferevent_get_max_single_read(bev), 100);
	assert_int_equal(bufferevent_set_max_single_read(bev, 0), 0);
	assert_int_equal(bufferevent_get_max_single_read(bev), 16384);
	assert_int_equal(bufferevent_set_max_single_write(bev, SIZE_MAX), 0);
	assert_int_equal(bufferevent_get_max_single_write(bev), 16384);
	bufferevent_free(bev);
	event_base_free(base);
}

/* The peer sends 10000 bytes; the program does not drain. */
static void
test_high_watermark_stops_reading_at_exactly_the_mark(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	unsigned char data[10000];
	struct evbuffer *in;
	int i;

	(void)state;
	make_socketpair(fds);
	fill_pattern(data, sizeof(data), 0);
	assert_int_equal(send(fds[1], data, sizeof(data), 0), sizeof(data));
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_setwatermark(bev, EV_READ, 0, 1000);
	bufferevent_enable(bev, EV_READ);
	in = bufferevent_get_input(bev);
	/* Reading pauses at the mark, so the loop runs out of work. */
	assert_int_equal(run_bounded(base, 10), 1);
	assert_int_equal(evbuffer_get_length(in), 1000);
	assert_int_equal(r.reads, 1);
	/* Draining below the mark resumes reading, again up to the mark. */
	evbuffer_drain(in, 600);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(evbuffer_get_length(in), 1000);
	assert_int_equal(r.reads, 2);
	/* Draining the mark's worth nine more times brings in the rest. */
	for (i = 0; i < 9; i++) {
		evbuffer_drain(in, 1000);
		event_base_loop(base, EVLOOP_ONCE);
		assert_int_equal(evbuffer_get_length(in), i < 8 ? 1000 : 400);
	}
	evbuffer_drain(in, 1000);
	assert_int_equal(r.reads, 11);
	/* Removing the mark resumes reading with no limit. */
	send(fds[1], data, sizeof(data), 0);
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	close(fds[1]);
	run_bounded(base, 10);
	assert_int_equal(evbuffer_get_length(in), sizeof(data));
	bufferevent_free(bev);
	event_base_free(base);
}

/* 30 bytes at a time against a low watermark of 100. */
static void
test_read_low_watermark_holds_the_callback_back(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	char chunk[30];
	int i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_setwatermark(bev, EV_READ, 100, 0);
	bufferevent_enable(bev, EV_READ);
	for (i = 0; i < 3; i++) {
		send(fds[1], chunk, sizeof(chunk), 0);
		event_base_loop(base, EVLOOP_ONCE);
	}
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(bev)), 90);
	assert_int_equal(r.reads, 0);
	send(fds[1], chunk, sizeof(chunk), 0);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.reads, 1);
	assert_int_equal(r.input_seen[0], 120);
	close(fds[1]);
	bufferevent_free(bev);
	event_base_free(base);
}

/* 20000 bytes, 1000 per write, low watermark 5000: a write callback after
 * each write that leaves 5000, 4000, ... 0 bytes -- six of them. */
static void
test_write_low_watermark_gates_the_write_callback(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	static char data[20000], sink[20000];
	int i;

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_setwatermark(bev, EV_WRITE, 5000, 0);
	bufferevent_set_max_single_write(bev, 1000);
	bufferevent_write(bev, data, sizeof(data));
	run_bounded(base, 10);
	assert_int_equal(r.writes, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(r.output_seen[i], 5000 - 1000 * (size_t)i);
	assert_int_equal(read_fully(fds[1], sink, sizeof(sink)), sizeof(sink));
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_default_write_callback_runs_when_the_output_empties(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	static char data[50000], sink[50000];

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_write(bev, data, sizeof(data));
	run_bounded(base, 10);
	assert_int_equal(r.writes, 1);
	assert_int_equal(r.output_seen[0], 0);
	assert_int_equal(read_fully(fds[1], sink, sizeof(sink)), sizeof(sink));
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_read_timeout_disables_reading_until_enabled_again(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 50000 };
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_set_timeouts(bev, &t, NULL), 0);
	bufferevent_enable(bev, EV_READ);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
	assert_int_equal(bufferevent_get_enabled(bev) & EV_READ, 0);
	/* Disabled: nothing more happens, and the loop has nothing to do. */
	assert_int_equal(run_bounded(base, 10), 1);
	assert_int_equal(r.events, 1);
	/* Enabled again: a fresh wait, and a second timeout. */
	bufferevent_enable(bev, EV_READ);
	run_bounded(base, 10);
	assert_int_equal(r.events, 2);
	assert_string_equal(r.order, "TT");
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_read_timeout_counts_only_while_reading_is_wanted(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 20000 };
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	char data[100] = { 0 };

	(void)state;
	make_socketpair(fds);
	send(fds[1], data, sizeof(data), 0);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_set_timeouts(bev, &t, NULL);
	bufferevent_setwatermark(bev, EV_READ, 0, 100);
	bufferevent_enable(bev, EV_READ);
	/* Full at its high watermark, it waits with no timeout pending: the
	 * loop has nothing left to wait for at all. */
	assert_int_equal(run_bounded(base, 10), 1);
	assert_int_equal(r.reads, 1);
	assert_int_equal(r.events, 0);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_write_timeout_fires_when_the_peer_stops_reading(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 50000 };
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	static char data[1 << 20];
	int small = 4096;

	(void)state;
	make_socketpair(fds);
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_set_timeouts(bev, NULL, &t);
	bufferevent_write(bev, data, sizeof(data));
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_WRITING | BEV_EVENT_TIMEOUT);
	assert_int_equal(bufferevent_get_enabled(bev) & EV_WRITE, 0);
	assert_true(evbuffer_get_length(bufferevent_get_output(bev)) > 0);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_eof_error_and_timeout_are_told_apart(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 30000 };
	struct recorder r1, r2, r3;
	struct bufferevent *eof, *err, *quiet;
	evutil_socket_t p1[2], p2[2], p3[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	make_socketpair(p1);
	make_socketpair(p2);
	make_socketpair(p3);
	eof = bufferevent_socket_new(base, p1[0], BEV_OPT_CLOSE_ON_FREE);
	err = bufferevent_socket_new(base, p2[0], BEV_OPT_CLOSE_ON_FREE);
	quiet = bufferevent_socket_new(base, p3[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r1, base);
	rec_init(&r2, base);
	rec_init(&r3, base);
	rec_setcb(eof, &r1);
	rec_setcb(err, &r2);
	rec_setcb(quiet, &r3);
	bufferevent_enable(eof, EV_READ);
	bufferevent_set_timeouts(quiet, &t, NULL);
	bufferevent_enable(quiet, EV_READ);
	close(p1[1]);			/* end of stream */
	close(p2[1]);			/* writing to it: EPIPE */
	bufferevent_write(err, "x", 1);
	run_bounded(base, 10);
	assert_int_equal(r1.events, 1);
	assert_int_equal(r1.what[0], BEV_EVENT_READING | BEV_EVENT_EOF);
	assert_int_equal(r2.events, 1);
	assert_int_equal(r2.what[0], BEV_EVENT_WRITING | BEV_EVENT_ERROR);
	assert_int_equal(r2.errnos[0], EPIPE);
	assert_int_equal(r3.events, 1);
	assert_int_equal(r3.what[0], BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
	/* The end of a stream disables reading; an error, its direction. */
	assert_int_equal(bufferevent_get_enabled(eof) & EV_READ, 0);
	assert_int_equal(bufferevent_get_enabled(err) & EV_WRITE, 0);
	bufferevent_free(eof);
	bufferevent_free(err);
	bufferevent_free(quiet);
	close(p3[1]);
	event_base_free(base);
}

static void
test_reset_by_peer_is_an_error_while_reading(void **state)
{
	struct event_base *base = event_base_new();
	struct linger hard = { 1, 0 };
	struct sockaddr_in sin;
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t l = listen_loopback(&sin), c, s;

	(void)state;
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	s = accept_one(l);
	bev = bufferevent_socket_new(base, s, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	setsockopt(c, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
	close(c);			/* an RST, not a FIN */
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_READING | BEV_EVENT_ERROR);
	assert_int_equal(r.errnos[0], ECONNRESET);
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

static void
test_disabled_reading_leaves_bytes_in_the_socket(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2];

	(void)state;
	make_socketpair(fds);
	send(fds[1], "abc", 3, 0);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	bufferevent_disable(bev, EV_READ);
	assert_int_equal(run_bounded(base, 10), 1);
	assert_int_equal(r.reads, 0);
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.reads, 1);
	assert_int_equal(bufferevent_read(bev, (char[4]){ 0 }, 4), 3);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_read_and_write_buffer_calls_move_bytes(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev;
	struct evbuffer *buf = evbuffer_new();
	evutil_socket_t fds[2];
	char out[16] = { 0 };

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	evbuffer_add(buf, "hello", 5);
	assert_int_equal(bufferevent_write_buffer(bev, buf), 0);
	assert_int_equal(evbuffer_get_length(buf), 0);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(bev)), 5);
	run_bounded(base, 10);
	assert_int_equal(recv(fds[1], out, sizeof(out), 0), 5);
	send(fds[1], "world!", 6, 0);
	bufferevent_enable(bev, EV_READ);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(bufferevent_read_buffer(bev, buf), 0);
	assert_int_equal(evbuffer_get_length(buf), 6);
	assert_int_equal(bufferevent_read(bev, out, sizeof(out)), 0);
	evbuffer_free(buf);
	bufferevent_free(bev);
	close(fds[1]);
	event_base_free(base);
}

static void
test_bad_input_is_refused_with_nothing_changed(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev;
	size_t lo = 0, hi = 0;
	bufferevent_data_cb rcb = rec_read, wcb = rec_write;
	bufferevent_event_cb ecb = rec_event;
	void *arg = &lo;

	(void)state;
	assert_null(bufferevent_socket_new(base, -5, 0));
	assert_null(bufferevent_socket_new(base, -1,
	    BEV_OPT_UNLOCK_CALLBACKS));
	/* Threading is off in this program: no lock to give. */
	assert_null(bufferevent_socket_new(base, -1, BEV_OPT_THREADSAFE));
	bev = bufferevent_socket_new(base, -1, 0);
	assert_int_equal(bufferevent_write(bev, "x", SIZE_MAX), -1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(bev)), 0);
	bufferevent_setwatermark(bev, EV_READ, 10, 20);
	bufferevent_setwatermark(bev, EV_READ | EV_WRITE, 100, 50);
	assert_int_equal(bufferevent_getwatermark(bev, EV_READ, &lo, &hi), 0);
	assert_true(lo == 10 && hi == 20);
	assert_int_equal(bufferevent_getwatermark(bev, EV_WRITE, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 0);
	assert_int_equal(bufferevent_getwatermark(bev, EV_READ | EV_WRITE,
	    &lo, &hi), -1);
	assert_int_equal(bufferevent_setfd(bev, -5), -1);
	assert_int_equal(bufferevent_getfd(bev), -1);
	assert_int_equal(bufferevent_socket_connect(bev, NULL, 0), -1);
	/* NULL callbacks are allowed and reported back as NULL. */
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	bufferevent_getcb(bev, &rcb, &wcb, &ecb, &arg);
	assert_null(rcb);
	assert_null(wcb);
	assert_null(ecb);
	assert_null(arg);
	bufferevent_getcb(bev, NULL, NULL, NULL, NULL);
	/* The program's ends only: the others are frozen. */
	assert_int_equal(evbuffer_add(bufferevent_get_input(bev), "x", 1), -1);
	bufferevent_write(bev, "abc", 3);
	assert_int_equal(evbuffer_drain(bufferevent_get_output(bev), 1), -1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_output(bev)), 3);
	assert_int_equal(bufferevent_enable(bev, 0), 0);
	assert_int_equal(bufferevent_get_enabled(bev), EV_WRITE);
	bufferevent_enable(bev, EV_READ | EV_TIMEOUT | EV_SIGNAL);
	assert_int_equal(bufferevent_get_enabled(bev), EV_READ | EV_WRITE);
	assert_int_equal(bufferevent_priority_set(bev, 5), -1);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_null_callbacks_still_move_bytes(void **state)
{
	struct event_base *base = event_base_new();
	struct bufferevent *bev;
	evutil_socket_t fds[2];
	char buf[8];

	(void)state;
	make_socketpair(fds);
	bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_enable(bev, EV_READ);
	send(fds[1], "in", 2, 0);
	bufferevent_write(bev, "out", 3);
	close(fds[1]);
	run_bounded(base, 10);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(bev)), 2);
	assert_int_equal(bufferevent_read(bev, buf, sizeof(buf)), 2);
	bufferevent_free(bev);
	event_base_free(base);
}

static void
test_priority_and_fd_can_change(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev;
	evutil_socket_t fds[2], other[2];

	(void)state;
	event_base_priority_init(base, 3);
	make_socketpair(fds);
	make_socketpair(other);
	bev = bufferevent_socket_new(base, fds[0], 0);
	assert_int_equal(bufferevent_get_priority(bev), 1);
	assert_int_equal(bufferevent_priority_set(bev, 0), 0);
	assert_int_equal(bufferevent_get_priority(bev), 0);
	assert_int_equal(bufferevent_priority_set(bev, 3), -1);
	assert_int_equal(bufferevent_get_priority(bev), 0);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	/* A new descriptor: the events follow it, at the same priority. */
	assert_int_equal(bufferevent_setfd(bev, other[0]), 0);
	assert_int_equal(bufferevent_getfd(bev), other[0]);
	assert_int_equal(bufferevent_get_priority(bev), 0);
	send(fds[1], "old", 3, 0);
	send(other[1], "new", 3, 0);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r.reads, 1);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(bev)), 3);
	assert_memory_equal(evbuffer_pullup(bufferevent_get_input(bev), 3),
	    "new", 3);
	bufferevent_free(bev);
	close(fds[0]);
	close(fds[1]);
	close(other[0]);
	close(other[1]);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_of_one_mebibyte_comes_back_byte_for_byte),
		cmocka_unit_test(test_echo_over_loopback_tcp),
		cmocka_unit_test(test_new_bufferevent_writes_but_does_not_read),
		cmocka_unit_test(test_high_watermark_stops_reading_at_exactly_the_mark),
		cmocka_unit_test(test_read_low_watermark_holds_the_callback_back),
		cmocka_unit_test(test_write_low_watermark_gates_the_write_callback),
		cmocka_unit_test(test_default_write_callback_runs_when_the_output_empties),
		cmocka_unit_test(test_read_timeout_disables_reading_until_enabled_again),
		cmocka_unit_test(test_read_timeout_counts_only_while_reading_is_wanted),
		cmocka_unit_test(test_write_timeout_fires_when_the_peer_stops_reading),
		cmocka_unit_test(test_eof_error_and_timeout_are_told_apart),
		cmocka_unit_test(test_reset_by_peer_is_an_error_while_reading),
		cmocka_unit_test(test_disabled_reading_leaves_bytes_in_the_socket),
		cmocka_unit_test(test_read_and_write_buffer_calls_move_bytes),
		cmocka_unit_test(test_bad_input_is_refused_with_nothing_changed),
		cmocka_unit_test(test_null_callbacks_still_move_bytes),
		cmocka_unit_test(test_priority_and_fd_can_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
