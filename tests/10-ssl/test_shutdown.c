/* Chapter 10: how TLS connections end -- close_notify (sent by the
 * manual's lazy shutdown, by a free with BEV_OPT_CLOSE_ON_FREE, by a
 * BEV_FINISHED flush) is a clean EOF; a transport cut without one is an
 * error, or an EOF when dirty shutdowns are allowed (libevent #1212 on
 * OpenSSL 3); garbage and truncated records mid-stream are errors; and who
 * owns the SSL and the descriptor afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/bufferevent_ssl.h>
#include "tls_test.h"

static struct event_base *base;

static int
setup(void **state)
{
	(void)state;
	base = event_base_new();
	return base ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	event_base_free(base);
	return 0;
}

static void
open_and_connect(struct link *l, enum tls_mode cmode, enum tls_mode smode)
{
	link_open(l, base, cmode, smode, client_ctx(VERIFY_NONE, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l->client.connected, 1, 10));
	assert_true(run_until(base, &l->server.connected, 1, 10));
}

/* The manual's lazy shutdown: pretend the peer's close_notify came, send
 * ours with SSL_shutdown(), free.  The peer sees a clean EOF. */
static void
lazy_shutdown_gives_the_peer_a_clean_eof(void **state)
{
	struct link l;
	SSL *ssl;

	(void)state;
	open_and_connect(&l, MODE_SOCKET, MODE_SOCKET);
	side_send(&l.client, 1000);
	assert_true(run_until(base, &l.client.writes, 1, 10));
	ssl = bufferevent_openssl_get_ssl(l.client.bev);
	SSL_set_shutdown(ssl, SSL_RECEIVED_SHUTDOWN);
	SSL_shutdown(ssl);
	bufferevent_free(l.client.bev);
	l.client.bev = NULL;
	assert_true(run_until(base, &l.server.eof, 1, 10));
	assert_int_equal(l.server.error, 0);
	assert_true(pattern_matches(l.server.got, 1000));
	assert_true(l.server.last_what & BEV_EVENT_READING);
	link_close(&l);
}

/* Freeing with BEV_OPT_CLOSE_ON_FREE says goodbye too, in both modes. */
static void
free_with_close_on_free_sends_close_notify(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_FILTER_SOCKET, MODE_SOCKET);
	bufferevent_free(l.client.bev);
	l.client.bev = NULL;
	assert_true(run_until(base, &l.server.eof, 1, 10));
	assert_int_equal(l.server.error, 0);
	bufferevent_free(l.server.bev);
	l.server.bev = NULL;
	link_close(&l);
}

/* Data written just before the free still arrives, then the EOF. */
static void
bytes_written_before_free_arrive(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_SOCKET, MODE_SOCKET);
	side_send(&l.client, 20000);
	bufferevent_free(l.client.bev);
	l.client.bev = NULL;
	assert_true(run_until(base, &l.server.eof, 1, 10));
	assert_true(pattern_matches(l.server.got, 20000));
	link_close(&l);
}

/* The peer's transport closes with no close_notify. */
static void
cut_connection(struct link *l, int allow)
{
	open_and_connect(l, MODE_SOCKET, MODE_SOCKET);
	bufferevent_openssl_set_allow_dirty_shutdown(l->server.bev, allow);
	side_send(&l->client, 3000);
	assert_true(run_until_got(base, &l->server, 3000, 10));
	shutdown(l->raw[0], SHUT_RDWR);
	assert_true(run_until(base, &l->server.eof, 1, 10) ||
	    l->server.error);
}

static void
dirty_shutdown_not_allowed_is_an_error(void **state)
{
	struct link l;

	(void)state;
	cut_connection(&l, 0);
	assert_int_equal(l.server.error, 1);
	assert_int_equal(l.server.eof, 0);
	assert_true(l.server.last_what & BEV_EVENT_READING);
	assert_int_equal(ERR_GET_REASON(l.server.ssl_error),
	    SSL_R_UNEXPECTED_EOF_WHILE_READING);
	assert_true(pattern_matches(l.server.got, 3000));
	link_close(&l);
}

/* libevent #1212: with dirty shutdowns allowed this is an EOF, which
 * libevent 2.1.12 on OpenSSL 3 reports as an error. */
static void
dirty_shutdown_allowed_is_eof_on_openssl3(void **state)
{
	struct link l;

	(void)state;
	cut_connection(&l, 1);
	assert_int_equal(l.server.eof, 1);
	assert_int_equal(l.server.error, 0);
	assert_true(l.server.last_what & BEV_EVENT_READING);
	assert_true(pattern_matches(l.server.got, 3000));
	link_close(&l);
}

/* The same in filter mode, over a pair whose other end is freed. */
static void
dirty_shutdown_allowed_over_a_pair(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_FILTER_PAIR, MODE_FILTER_PAIR);
	bufferevent_openssl_set_allow_dirty_shutdown(l.server.bev, 1);
	side_send(&l.client, 500);
	assert_true(run_until_got(base, &l.server, 500, 10));
	/* The transport below the server ends, and no close_notify came. */
	bufferevent_trigger_event(l.under[1], BEV_EVENT_EOF |
	    BEV_EVENT_READING, 0);
	assert_true(run_until(base, &l.server.eof, 1, 10));
	assert_int_equal(l.server.error, 0);
	link_close(&l);
}

/* A record's header promises 16 KiB, three bytes come, the transport
 * closes: a truncation, so (dirty shutdowns not allowed) an error. */
static void
truncated_record_then_close(void **state)
{
	evutil_socket_t fds[2];
	struct side s;
	SSL_CTX *sctx = server_ctx(0), *cctx = client_ctx(VERIFY_NONE, 0);
	const unsigned char header[] = { 23, 3, 3, 0x40, 0x00, 1, 2, 3 };

	(void)state;
	make_socketpair(fds);
	side_init(&s);
	s.bev = bufferevent_openssl_socket_new(base, fds[1], SSL_new(sctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&s);
	{
		/* A blocking client handshake from the test's own SSL. */
		SSL *c = SSL_new(cctx);
		int r, i;

		SSL_set_fd(c, fds[0]);
		SSL_set_connect_state(c);
		for (i = 0; i < 2000 && (r = SSL_do_handshake(c)) != 1; i++)
			run_for(base, 5);
		assert_int_equal(r, 1);
		assert_true(run_until(base, &s.connected, 1, 10));
		assert_int_equal(write(fds[0], header, sizeof(header)),
		    (ssize_t)sizeof(header));
		SSL_free(c);
	}
	shutdown(fds[0], SHUT_WR);
	assert_true(run_until(base, &s.error, 1, 10));
	assert_int_equal(s.eof, 0);
	bufferevent_free(s.bev);
	evbuffer_free(s.got);
	close(fds[0]);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* Garbage in the middle of the stream (bytes that are no record) is an
 * error, never a crash; the bytes before it arrived. */
static void
garbage_mid_stream_is_an_error(void **state)
{
	struct link l;
	unsigned char junk[300];

	(void)state;
	open_and_connect(&l, MODE_SOCKET, MODE_FILTER_SOCKET);
	side_send(&l.client, 2000);
	assert_true(run_until_got(base, &l.server, 2000, 10));
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(write(l.raw[0], junk, sizeof(junk)),
	    (ssize_t)sizeof(junk));
	assert_true(run_until(base, &l.server.error, 1, 10));
	assert_true(l.server.last_what & BEV_EVENT_READING);
	assert_int_not_equal(l.server.ssl_error, 0);
	assert_true(pattern_matches(l.server.got, 2000));
	/* Nothing more is read or written on a failed connection. */
	assert_int_equal(bufferevent_get_enabled(l.server.bev), 0);
	link_close(&l);
}

/* A record whose authentication tag does not match (one bit flipped on
 * the way): an error. */
static int
flip_a_bit(struct evbuffer *buf)
{
	struct evbuffer_iovec v[64];
	int n = evbuffer_peek(buf, -1, NULL, v, 64);

	if (n < 1 || n > 64 || v[n - 1].iov_len < 3)
		return 0;
	((unsigned char *)v[n - 1].iov_base)[v[n - 1].iov_len - 3] ^= 0x10;
	return 1;
}

static int
holds_a_record(const void *arg)
{
	return evbuffer_get_length((struct evbuffer *)arg) > 1000;
}

static void
tampered_record_is_an_error(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_FILTER_PAIR, MODE_FILTER_PAIR);
	bufferevent_disable(l.under[1], EV_READ);
	side_send(&l.client, 1000);
	/* The ciphertext waits in the client's end of the pair. */
	assert_true(run_until_cond(base, holds_a_record,
	    bufferevent_get_output(l.under[0]), 10));
	assert_true(flip_a_bit(bufferevent_get_output(l.under[0])));
	bufferevent_enable(l.under[1], EV_READ);
	assert_true(run_until(base, &l.server.error, 1, 10));
	assert_int_equal(evbuffer_get_length(l.server.got), 0);
	assert_int_equal(ERR_GET_REASON(l.server.ssl_error),
	    SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
	link_close(&l);
}

/* BEV_OPT_CLOSE_ON_FREE closes the socket (and frees the SSL: valgrind
 * would see it otherwise). */
static void
close_on_free_closes_the_socket(void **state)
{
	struct link l;
	evutil_socket_t fd;

	(void)state;
	open_and_connect(&l, MODE_SOCKET, MODE_SOCKET);
	fd = bufferevent_getfd(l.client.bev);
	assert_int_equal(fd, l.raw[0]);
	bufferevent_free(l.client.bev);
	l.client.bev = NULL;
	assert_false(fd_is_open(fd));
	link_close(&l);
}

/* Without it the program keeps both: the descriptor is open, and the SSL
 * still works on it (socket mode hands it a socket BIO). */
static void
without_close_on_free_the_program_keeps_fd_and_ssl(void **state)
{
	struct side c, s;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0), *sctx = server_ctx(0);
	SSL *ssl = SSL_new(cctx);
	int i, r = 0;

	(void)state;
	make_socketpair(fds);
	side_init(&c);
	side_init(&s);
	c.bev = bufferevent_openssl_socket_new(base, fds[0], ssl,
	    BUFFEREVENT_SSL_CONNECTING, 0);
	s.bev = bufferevent_openssl_socket_new(base, fds[1], SSL_new(sctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&c);
	side_setcb(&s);
	assert_true(run_until(base, &c.connected, 1, 10));
	assert_true(run_until(base, &s.connected, 1, 10));
	bufferevent_free(c.bev);
	run_for(base, 10);
	assert_true(fd_is_open(fds[0]));
	assert_int_equal(SSL_get_fd(ssl), fds[0]);
	for (i = 0; i < 2000 && r <= 0; i++) {
		r = SSL_write(ssl, "after", 5);
		if (r <= 0)
			run_for(base, 5);
	}
	assert_int_equal(r, 5);
	assert_true(run_until_got(base, &s, 5, 10));
	assert_memory_equal(evbuffer_pullup(s.got, 5), "after", 5);
	SSL_free(ssl);
	close(fds[0]);
	bufferevent_free(s.bev);
	evbuffer_free(c.got);
	evbuffer_free(s.got);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	run_for(base, 10);
}

/* The server closes its socket with SO_LINGER 0, and no close_notify:
 * the client's kernel gets a reset. */
static void
reset_by_the_server(struct link *l)
{
	struct linger hard = { 1, 0 };

	assert_int_equal(setsockopt(l->raw[1], SOL_SOCKET, SO_LINGER, &hard,
	    sizeof(hard)), 0);
	/* No close_notify: the free only closes, and the close resets. */
	SSL_set_quiet_shutdown(bufferevent_openssl_get_ssl(l->server.bev), 1);
	bufferevent_free(l->server.bev);
	l->server.bev = NULL;
}

/* Once the handshake is over, socket mode send()s each record itself
 * when nothing waits in the transport.  A peer that reset the connection
 * makes that send() fail with ECONNRESET -- which the kernel says once:
 * the transport's own write then fails with EPIPE.  The program still
 * hears ERROR|WRITING with ECONNRESET, as when the transport met it. */
static void
write_to_a_reset_peer_reports_the_reset(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_SOCKET_TCP, MODE_SOCKET_TCP);
	bufferevent_disable(l.client.bev, EV_READ);
	run_for(base, 10);
	reset_by_the_server(&l);
	run_for(base, 10);
	side_send(&l.client, 1000);
	assert_true(run_until(base, &l.client.error, 1, 10));
	assert_int_equal(l.client.last_what, BEV_EVENT_ERROR |
	    BEV_EVENT_WRITING);
	assert_int_equal(l.client.last_errno, ECONNRESET);
	assert_int_equal(l.client.ssl_error, 0);
	link_close(&l);
}

/* After the handshake socket mode recv()s from the socket itself.  A
 * reset met there is the transport's error, as when chapter 7's reader
 * met it: ERROR|READING with ECONNRESET, nothing from OpenSSL. */
static void
read_from_a_reset_peer_reports_the_reset(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_SOCKET_TCP, MODE_SOCKET_TCP);
	run_for(base, 10);
	reset_by_the_server(&l);
	assert_true(run_until(base, &l.client.error, 1, 10));
	assert_int_equal(l.client.last_what, BEV_EVENT_ERROR |
	    BEV_EVENT_READING);
	assert_int_equal(l.client.last_errno, ECONNRESET);
	assert_int_equal(l.client.ssl_error, 0);
	assert_int_equal(l.client.eof, 0);
	link_close(&l);
}

/* A peer that sent close_notify and closed: our next write fails with
 * EPIPE, but the close_notify waiting to be read is still a clean EOF,
 * and the EPIPE comes when the program writes again. */
static void
write_after_the_peer_left_still_hears_its_close_notify(void **state)
{
	struct link l;

	(void)state;
	open_and_connect(&l, MODE_SOCKET, MODE_SOCKET);
	bufferevent_free(l.server.bev);	/* close_notify, then close */
	l.server.bev = NULL;
	side_send(&l.client, 1000);
	assert_true(run_until(base, &l.client.eof, 1, 10));
	assert_int_equal(l.client.eof, 1);
	side_send(&l.client, 1000);
	assert_true(run_until(base, &l.client.error, 1, 10));
	assert_true(l.client.last_what & BEV_EVENT_WRITING);
	assert_int_equal(l.client.last_errno, EPIPE);
	link_close(&l);
}

/* A filter without BEV_OPT_CLOSE_ON_FREE leaves the bufferevent below to
 * the program, working and with no callbacks of ours. */
static void
filter_free_leaves_the_underlying_bufferevent(void **state)
{
	struct bufferevent *under;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	SSL *ssl = SSL_new(cctx);
	struct bufferevent *bev;
	bufferevent_data_cb rcb = NULL;
	char buf[4];
	int i;

	(void)state;
	make_socketpair(fds);
	under = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bev = bufferevent_openssl_filter_new(base, under, ssl,
	    BUFFEREVENT_SSL_CONNECTING, 0);
	assert_ptr_equal(bufferevent_get_underlying(bev), under);
	run_for(base, 10);
	bufferevent_free(bev);
	run_for(base, 10);
	bufferevent_getcb(under, &rcb, NULL, NULL, NULL);
	assert_null(rcb);
	assert_int_equal(bufferevent_write(under, "abc", 3), 0);
	bufferevent_enable(under, EV_WRITE);
	/* Under it: the ClientHello, then our three bytes. */
	for (i = 0, buf[0] = 0; i < 10000 && buf[0] != 'a'; i++)
		if (read(fds[1], buf, 1) != 1)
			run_for(base, 1);
	assert_int_equal(buf[0], 'a');
	bufferevent_free(under);
	SSL_free(ssl);
	SSL_CTX_free(cctx);
	close(fds[1]);
	run_for(base, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lazy_shutdown_gives_the_peer_a_clean_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(free_with_close_on_free_sends_close_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(bytes_written_before_free_arrive, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_shutdown_not_allowed_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_shutdown_allowed_is_eof_on_openssl3, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_shutdown_allowed_over_a_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_record_then_close, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_mid_stream_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(tampered_record_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(close_on_free_closes_the_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(without_close_on_free_the_program_keeps_fd_and_ssl, setup, teardown),
		cmocka_unit_test_setup_teardown(filter_free_leaves_the_underlying_bufferevent, setup, teardown),
		cmocka_unit_test_setup_teardown(write_to_a_reset_peer_reports_the_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(read_from_a_reset_peer_reports_the_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(write_after_the_peer_left_still_hears_its_close_notify, setup, teardown),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	tls_test_cleanup();
	return r;
}
