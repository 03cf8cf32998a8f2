/* Chapter 10: lifetimes -- a TLS bufferevent freed from inside each of its
 * callbacks (connected, read, write, EOF, error), in socket and filter
 * mode, with callbacks run at once and deferred; constructors that fail
 * take nothing (libevent #1774); deferred and unlocked callbacks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

/* Free the bufferevent from the callback named by at ('C' connected,
 * 'R' read, 'W' write, 'E' EOF, 'X' error) and check that it happened
 * there and that the loop goes on without it. */
static void
free_inside(char at, enum tls_mode mode, int options)
{
	struct link l;
	unsigned char junk[64];
	struct side *victim;

	link_open(&l, base, mode, mode, client_ctx(VERIFY_NONE, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE | options);
	victim = at == 'C' || at == 'W' ? &l.client : &l.server;
	victim->free_on = at;
	if (at == 'C') {
		assert_true(run_until(base, &l.client.connected, 1, 10));
		assert_null(l.client.bev);
		assert_true(run_until(base, &l.server.eof, 1, 10) ||
		    l.server.error);
		link_close(&l);
		return;
	}
	assert_true(run_until(base, &l.server.connected, 1, 10));
	assert_true(run_until(base, &l.client.connected, 1, 10));
	switch (at) {
	case 'R':
		side_send(&l.client, 40000);
		assert_true(run_until(base, &l.server.reads, 1, 10));
		break;
	case 'W':
		side_send(&l.client, 40000);
		assert_true(run_until(base, &l.client.writes, 1, 10));
		assert_true(run_until_got(base, &l.server, 40000, 10));
		break;
	case 'E':
		bufferevent_free(l.client.bev);
		l.client.bev = NULL;
		assert_true(run_until(base, &l.server.eof, 1, 10));
		break;
	case 'X':
		memset(junk, 0x5a, sizeof(junk));
		assert_int_equal(write(l.raw[0], junk, sizeof(junk)),
		    (ssize_t)sizeof(junk));
		assert_true(run_until(base, &l.server.error, 1, 10));
		break;
	}
	assert_null(victim->bev);
	run_for(base, 20);
	link_close(&l);
}

#define FREE_TEST(name, at, mode, options)				\
	static void name(void **state)					\
	{								\
		(void)state;						\
		free_inside(at, mode, options);				\
	}

FREE_TEST(free_in_connected_callback_socket, 'C', MODE_SOCKET, 0)
FREE_TEST(free_in_read_callback_socket, 'R', MODE_SOCKET, 0)
FREE_TEST(free_in_write_callback_socket, 'W', MODE_SOCKET, 0)
FREE_TEST(free_in_eof_callback_socket, 'E', MODE_SOCKET, 0)
FREE_TEST(free_in_error_callback_socket, 'X', MODE_SOCKET, 0)
FREE_TEST(free_in_connected_callback_filter, 'C', MODE_FILTER_SOCKET, 0)
FREE_TEST(free_in_read_callback_filter, 'R', MODE_FILTER_SOCKET, 0)
FREE_TEST(free_in_write_callback_filter, 'W', MODE_FILTER_SOCKET, 0)
FREE_TEST(free_in_eof_callback_filter, 'E', MODE_FILTER_SOCKET, 0)
FREE_TEST(free_in_error_callback_filter, 'X', MODE_FILTER_SOCKET, 0)
FREE_TEST(free_in_connected_callback_deferred, 'C', MODE_SOCKET,
    BEV_OPT_DEFER_CALLBACKS)
FREE_TEST(free_in_read_callback_deferred, 'R', MODE_FILTER_SOCKET,
    BEV_OPT_DEFER_CALLBACKS)
FREE_TEST(free_in_write_callback_deferred, 'W', MODE_SOCKET,
    BEV_OPT_DEFER_CALLBACKS)
FREE_TEST(free_in_eof_callback_deferred, 'E', MODE_FILTER_SOCKET,
    BEV_OPT_DEFER_CALLBACKS)
FREE_TEST(free_in_error_callback_deferred, 'X', MODE_SOCKET,
    BEV_OPT_DEFER_CALLBACKS)

/* Freed before the loop ever ran: the first handshake step never runs
 * on freed memory (valgrind watches). */
static void
free_before_the_first_handshake_step(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	bufferevent_free(l.client.bev);
	l.client.bev = NULL;
	run_for(base, 20);
	assert_int_equal(l.server.connected, 0);
	link_close(&l);
}

/* libevent #1774: a constructor that fails (here for options that do not
 * go together) returns NULL and takes nothing, BEV_OPT_CLOSE_ON_FREE or
 * not: the descriptor is open, the SSL is the caller's and untouched. */
static void
failed_socket_new_leaves_fd_and_ssl_to_the_caller(void **state)
{
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	SSL *ssl = SSL_new(cctx);

	(void)state;
	make_socketpair(fds);
	assert_null(bufferevent_openssl_socket_new(base, fds[0], ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_UNLOCK_CALLBACKS));
	run_for(base, 10);
	assert_true(fd_is_open(fds[0]));
	assert_null(SSL_get_rbio(ssl));
	assert_int_equal(SSL_get_fd(ssl), -1);
	/* Both still work: the caller can try again with them. */
	assert_int_equal(SSL_set_fd(ssl, fds[0]), 1);
	SSL_free(ssl);
	close(fds[0]);
	close(fds[1]);
	SSL_CTX_free(cctx);
}

static void
failed_filter_new_leaves_the_underlying_bufferevent(void **state)
{
	struct bufferevent *pair[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	SSL *ssl = SSL_new(cctx);
	struct side s;

	(void)state;
	side_init(&s);
	assert_int_equal(bufferevent_pair_new(base, 0, pair), 0);
	s.bev = pair[1];
	bufferevent_setcb(pair[1], side_read, NULL, side_event, &s);
	bufferevent_enable(pair[1], EV_READ);
	assert_null(bufferevent_openssl_filter_new(base, pair[0], ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_UNLOCK_CALLBACKS));
	assert_null(SSL_get_rbio(ssl));
	/* The pair still carries the program's bytes, nothing of ours. */
	assert_int_equal(bufferevent_write(pair[0], "plain", 5), 0);
	assert_true(run_until_got(base, &s, 5, 10));
	assert_memory_equal(evbuffer_pullup(s.got, 5), "plain", 5);
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	evbuffer_free(s.got);
	SSL_free(ssl);
	SSL_CTX_free(cctx);
	run_for(base, 10);
}

/* With BEV_OPT_DEFER_CALLBACKS every callback runs from the loop, never
 * from inside a call the program made. */
static int in_write_call;
static int callbacks_inside_write_call;

static void
note_read(struct bufferevent *bev, void *arg)
{
	callbacks_inside_write_call += in_write_call;
	side_read(bev, arg);
}

static void
deferred_callbacks_never_run_inside_a_call(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_FILTER_PAIR, MODE_FILTER_PAIR,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0),
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	bufferevent_setcb(l.server.bev, note_read, side_write, side_event,
	    &l.server);
	assert_true(run_until(base, &l.server.connected, 1, 10));
	in_write_call = 1;
	side_send(&l.client, 100000);
	in_write_call = 0;
	assert_true(run_until_got(base, &l.server, 100000, 10));
	assert_int_equal(callbacks_inside_write_call, 0);
	assert_true(pattern_matches(l.server.got, 100000));
	link_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(free_in_connected_callback_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_read_callback_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_write_callback_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_eof_callback_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_error_callback_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_connected_callback_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_read_callback_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_write_callback_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_eof_callback_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_error_callback_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_connected_callback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_read_callback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_write_callback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_eof_callback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_error_callback_deferred, setup, teardown),
		cmocka_unit_test_setup_teardown(free_before_the_first_handshake_step, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_socket_new_leaves_fd_and_ssl_to_the_caller, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_filter_new_leaves_the_underlying_bufferevent, setup, teardown),
		cmocka_unit_test_setup_teardown(deferred_callbacks_never_run_inside_a_call, setup, teardown),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	tls_test_cleanup();
	return r;
}
