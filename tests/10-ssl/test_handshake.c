/* Chapter 10: handshakes in both directions and every pairing of modes;
 * the ways a handshake fails (an unverifiable certificate, no common
 * protocol version, a peer that speaks plain text or hangs up), each an
 * error with OpenSSL's reason readable and never a crash or a hang. */
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

/* Both ends hear CONNECTED once; then a line goes each way. */
static void
handshake_and_talk(enum tls_mode cmode, enum tls_mode smode)
{
	struct link l;

	link_open(&l, base, cmode, smode, client_ctx(VERIFY_TRUSTED, 0),
	    server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	bufferevent_write(l.client.bev, "ping\n", 5);
	bufferevent_write(l.server.bev, "pong\n", 5);
	assert_true(run_until_got(base, &l.server, 5, 10));
	assert_true(run_until_got(base, &l.client, 5, 10));
	assert_memory_equal(evbuffer_pullup(l.server.got, 5), "ping\n", 5);
	assert_memory_equal(evbuffer_pullup(l.client.got, 5), "pong\n", 5);
	assert_int_equal(l.client.connected, 1);
	assert_int_equal(l.server.connected, 1);
	assert_int_equal(l.client.error + l.server.error, 0);
	assert_true(SSL_is_init_finished(bufferevent_openssl_get_ssl(
	    l.client.bev)));
	link_close(&l);
}

static void
handshake_socket_to_socket_over_socketpair(void **state)
{
	(void)state;
	handshake_and_talk(MODE_SOCKET, MODE_SOCKET);
}

static void
handshake_filter_to_filter_over_a_pair(void **state)
{
	(void)state;
	handshake_and_talk(MODE_FILTER_PAIR, MODE_FILTER_PAIR);
}

static void
handshake_filter_to_filter_over_sockets(void **state)
{
	(void)state;
	handshake_and_talk(MODE_FILTER_SOCKET, MODE_FILTER_SOCKET);
}

static void
handshake_socket_client_filter_server(void **state)
{
	(void)state;
	handshake_and_talk(MODE_SOCKET, MODE_FILTER_SOCKET);
}

static void
handshake_filter_client_socket_server(void **state)
{
	(void)state;
	handshake_and_talk(MODE_FILTER_SOCKET, MODE_SOCKET);
}

static void
handshake_over_loopback_tcp(void **state)
{
	(void)state;
	handshake_and_talk(MODE_SOCKET_TCP, MODE_SOCKET_TCP);
}

/* TLS over TLS: a filter over a TLS bufferevent, as a proxy would nest. */
static void
handshake_tls_inside_tls(void **state)
{
	struct link outer;
	struct side ic, is;
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0), *sctx = server_ctx(0);

	(void)state;
	link_open(&outer, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, 0), server_ctx(0), BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &outer.server.connected, 1, 10));
	side_init(&ic);
	side_init(&is);
	ic.bev = bufferevent_openssl_filter_new(base, outer.client.bev,
	    SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	is.bev = bufferevent_openssl_filter_new(base, outer.server.bev,
	    SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	outer.client.bev = outer.server.bev = NULL;	/* the inner own them */
	side_setcb(&ic);
	side_setcb(&is);
	assert_true(run_until(base, &ic.connected, 1, 10));
	assert_true(run_until(base, &is.connected, 1, 10));
	side_send(&ic, 100000);
	assert_true(run_until_got(base, &is, 100000, 20));
	assert_true(pattern_matches(is.got, 100000));
	bufferevent_free(ic.bev);
	bufferevent_free(is.bev);
	evbuffer_free(ic.got);
	evbuffer_free(is.got);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	link_close(&outer);
}

static void
verification_failure_is_an_error_with_the_reason(void **state)
{
	struct link l;

	(void)state;
	link_open(&l, base, MODE_SOCKET, MODE_FILTER_SOCKET,
	    client_ctx(VERIFY_UNTRUSTED, 0), server_ctx(0),
	    BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.client.error, 1, 10));
	assert_true(run_until(base, &l.server.error, 1, 10));
	assert_int_equal(l.client.connected + l.server.connected, 0);
	assert_int_equal(ERR_GET_REASON(l.client.ssl_error),
	    SSL_R_CERTIFICATE_VERIFY_FAILED);
	/* The client's alert reached the server: its reason is the alert. */
	assert_int_not_equal(l.server.ssl_error, 0);
	assert_int_equal(SSL_get_verify_result(bufferevent_openssl_get_ssl(
	    l.client.bev)), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	link_close(&l);
}

static void
no_common_protocol_version_is_an_error(void **state)
{
	struct link l;
	SSL_CTX *sctx = server_ctx(0);

	(void)state;
	SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
	link_open(&l, base, MODE_SOCKET, MODE_SOCKET,
	    client_ctx(VERIFY_NONE, TLS1_2_VERSION), sctx,
	    BEV_OPT_CLOSE_ON_FREE);
	assert_true(run_until(base, &l.server.error, 1, 10));
	assert_true(run_until(base, &l.client.error, 1, 10));
	assert_int_equal(ERR_GET_REASON(l.server.ssl_error),
	    SSL_R_UNSUPPORTED_PROTOCOL);
	assert_int_equal(l.client.connected + l.server.connected, 0);
	link_close(&l);
}

/* A TLS server meets a client that sends an HTTP request in clear. */
static void
plain_text_client_is_an_error(void **state)
{
	struct side s;
	evutil_socket_t fds[2];
	SSL_CTX *sctx = server_ctx(0);
	const char req[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

	(void)state;
	make_socketpair(fds);
	side_init(&s);
	s.bev = bufferevent_openssl_socket_new(base, fds[1], SSL_new(sctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&s);
	assert_int_equal(write(fds[0], req, sizeof(req) - 1),
	    (ssize_t)sizeof(req) - 1);
	assert_true(run_until(base, &s.error, 1, 10));
	assert_int_equal(s.connected, 0);
	assert_int_equal(ERR_GET_REASON(s.ssl_error), SSL_R_HTTP_REQUEST);
	bufferevent_free(s.bev);
	evbuffer_free(s.got);
	close(fds[0]);
	SSL_CTX_free(sctx);
}

/* A TLS client meets a server that answers in clear. */
static void
plain_text_server_is_an_error(void **state)
{
	struct side s;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	char hello[512];
	int i;
	const char banner[] = "220 smtp.example ESMTP ready\r\n";

	(void)state;
	make_socketpair(fds);
	side_init(&s);
	s.bev = bufferevent_openssl_socket_new(base, fds[0], SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&s);
	for (i = 0; i < 2000 && read(fds[1], hello, sizeof(hello)) <= 0; i++)
		run_for(base, 5);	/* until the ClientHello is there */
	assert_true(i < 2000);
	assert_int_equal(write(fds[1], banner, sizeof(banner) - 1),
	    (ssize_t)sizeof(banner) - 1);
	assert_true(run_until(base, &s.error, 1, 10));
	assert_int_equal(s.connected, 0);
	assert_int_not_equal(s.ssl_error, 0);
	bufferevent_free(s.bev);
	evbuffer_free(s.got);
	close(fds[1]);
	SSL_CTX_free(cctx);
}

/* A peer that hangs up in the middle of the handshake: an error even with
 * dirty shutdowns allowed, because there never was a connection. */
static void
hang_up_during_handshake_is_an_error(void **state)
{
	struct side s;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);

	(void)state;
	make_socketpair(fds);
	side_init(&s);
	s.bev = bufferevent_openssl_socket_new(base, fds[0], SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_openssl_set_allow_dirty_shutdown(s.bev, 1);
	side_setcb(&s);
	run_for(base, 20);
	close(fds[1]);
	assert_true(run_until(base, &s.error, 1, 10));
	assert_int_equal(s.eof, 0);
	assert_int_equal(s.connected, 0);
	bufferevent_free(s.bev);
	evbuffer_free(s.got);
	SSL_CTX_free(cctx);
}

/* The SSL can say it has a socket already: fd -1 takes that one. */
static void
fd_minus_one_uses_the_socket_the_ssl_has(void **state)
{
	struct link l;
	SSL *ssl;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0), *sctx = server_ctx(0);

	(void)state;
	memset(&l, 0, sizeof(l));
	make_socketpair(fds);
	side_init(&l.client);
	side_init(&l.server);
	ssl = SSL_new(cctx);
	assert_int_equal(SSL_set_fd(ssl, fds[0]), 1);
	l.client.bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_int_equal(bufferevent_getfd(l.client.bev), fds[0]);
	l.server.bev = bufferevent_openssl_socket_new(base, fds[1],
	    SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	l.base = base;
	l.cctx = cctx;
	l.sctx = sctx;
	side_setcb(&l.client);
	side_setcb(&l.server);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	link_close(&l);
}

/* No socket at first; the program connects one itself and sets it. */
static void
setfd_after_the_programs_own_connect(void **state)
{
	struct link l;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0), *sctx = server_ctx(0);

	(void)state;
	memset(&l, 0, sizeof(l));
	l.base = base;
	l.cctx = cctx;
	l.sctx = sctx;
	side_init(&l.client);
	side_init(&l.server);
	l.client.bev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(l.client.bev);
	assert_int_equal(bufferevent_getfd(l.client.bev), -1);
	side_setcb(&l.client);
	run_for(base, 20);		/* the ClientHello waits for a socket */
	make_tcp_pair(fds);
	assert_int_equal(bufferevent_setfd(l.client.bev, fds[0]), 0);
	l.server.bev = bufferevent_openssl_socket_new(base, fds[1],
	    SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&l.server);
	assert_true(run_until(base, &l.client.connected, 1, 10));
	assert_true(run_until(base, &l.server.connected, 1, 10));
	link_close(&l);
}

/* An SSL whose handshake the program did itself (BUFFEREVENT_SSL_OPEN). */
static void
open_state_moves_data_at_once(void **state)
{
	struct link l;
	SSL *c, *s;
	evutil_socket_t fds[2];
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0), *sctx = server_ctx(0);
	int rc, rs, rounds;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.base = base;
	l.cctx = cctx;
	l.sctx = sctx;
	make_socketpair(fds);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	SSL_set_fd(c, fds[0]);
	SSL_set_fd(s, fds[1]);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (rounds = 0, rc = rs = 0; (rc != 1 || rs != 1) && rounds < 1000;
	    rounds++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(rs, 1);
	side_init(&l.client);
	side_init(&l.server);
	l.client.bev = bufferevent_openssl_socket_new(base, fds[0], c,
	    BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
	l.server.bev = bufferevent_openssl_socket_new(base, fds[1], s,
	    BUFFEREVENT_SSL_OPEN, BEV_OPT_CLOSE_ON_FREE);
	side_setcb(&l.client);
	side_setcb(&l.server);
	side_send(&l.client, 3000);
	assert_true(run_until_got(base, &l.server, 3000, 10));
	assert_true(pattern_matches(l.server.got, 3000));
	assert_int_equal(l.client.connected + l.server.connected, 0);
	link_close(&l);
}

static void
get_ssl_answers_only_for_tls_bufferevents(void **state)
{
	struct bufferevent *plain;
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	SSL *ssl = SSL_new(cctx);
	struct bufferevent *bev;

	(void)state;
	plain = bufferevent_socket_new(base, -1, 0);
	assert_null(bufferevent_openssl_get_ssl(plain));
	assert_int_equal(bufferevent_get_openssl_error(plain), 0);
	assert_int_equal(bufferevent_ssl_renegotiate(plain), -1);
	assert_int_equal(bufferevent_openssl_get_allow_dirty_shutdown(plain),
	    -1);
	bufferevent_openssl_set_allow_dirty_shutdown(plain, 1);
	assert_null(bufferevent_openssl_get_ssl(NULL));
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_ptr_equal(bufferevent_openssl_get_ssl(bev), ssl);
	assert_null(bufferevent_get_underlying(bev));
	assert_int_equal(bufferevent_openssl_get_allow_dirty_shutdown(bev), 0);
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 7);
	assert_int_equal(bufferevent_openssl_get_allow_dirty_shutdown(bev), 1);
	/* Renegotiation before the handshake finished is refused. */
	assert_int_equal(bufferevent_ssl_renegotiate(bev), -1);
	bufferevent_free(bev);
	bufferevent_free(plain);
	SSL_CTX_free(cctx);
}

static void
bad_arguments_are_refused(void **state)
{
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);
	SSL *ssl = SSL_new(cctx);

	(void)state;
	assert_null(bufferevent_openssl_socket_new(base, -1, NULL,
	    BUFFEREVENT_SSL_CONNECTING, 0));
	assert_null(bufferevent_openssl_socket_new(base, -1, ssl,
	    (enum bufferevent_ssl_state)7, 0));
	assert_null(bufferevent_openssl_filter_new(base, NULL, ssl,
	    BUFFEREVENT_SSL_CONNECTING, 0));
	/* The SSL is still the caller's, untouched. */
	assert_null(SSL_get_rbio(ssl));
	SSL_free(ssl);
	SSL_CTX_free(cctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(handshake_socket_to_socket_over_socketpair, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_filter_to_filter_over_a_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_filter_to_filter_over_sockets, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_socket_client_filter_server, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_filter_client_socket_server, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_over_loopback_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_tls_inside_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(verification_failure_is_an_error_with_the_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(no_common_protocol_version_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(plain_text_client_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(plain_text_server_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(hang_up_during_handshake_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(fd_minus_one_uses_the_socket_the_ssl_has, setup, teardown),
		cmocka_unit_test_setup_teardown(setfd_after_the_programs_own_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(open_state_moves_data_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(get_ssl_answers_only_for_tls_bufferevents, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_arguments_are_refused, setup, teardown),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, NULL, NULL);

	tls_test_cleanup();
	return r;
}
