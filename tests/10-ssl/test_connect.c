/* Chapter 10: a socket-mode TLS bufferevent made on fd -1 connects with
 * chapter 7's calls (through its carrier): bufferevent_socket_connect(),
 * bufferevent_socket_connect_hostname() with the blocking resolver, a
 * refused connection as an error with ECONNREFUSED; a server made from a
 * listener (chapter 8); filters are refused, as in libevent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/bufferevent_ssl.h>
#include "tls_test.h"

static struct event_base *base;

struct server {
	struct evconnlistener *lev;
	SSL_CTX *ctx;
	struct side side;
	struct sockaddr_in sin;
	int accepted;
};

static void
accept_tls(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct server *srv = arg;

	(void)lev;
	(void)sa;
	(void)socklen;
	srv->accepted++;
	srv->side.bev = bufferevent_openssl_socket_new(base, fd,
	    SSL_new(srv->ctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(srv->side.bev);
	srv->side.echo = 1;
	side_setcb(&srv->side);
}

static void
server_start(struct server *srv)
{
	socklen_t len = sizeof(srv->sin);

	memset(srv, 0, sizeof(*srv));
	side_init(&srv->side);
	srv->ctx = server_ctx(0);
	srv->sin.sin_family = AF_INET;
	srv->sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv->lev = evconnlistener_new_bind(base, accept_tls, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&srv->sin, sizeof(srv->sin));
	assert_non_null(srv->lev);
	getsockname(evconnlistener_get_fd(srv->lev),
	    (struct sockaddr *)&srv->sin, &len);
}

static void
server_stop(struct server *srv)
{
	if (srv->side.bev)
		bufferevent_free(srv->side.bev);
	evconnlistener_free(srv->lev);
	evbuffer_free(srv->side.got);
	SSL_CTX_free(srv->ctx);
	run_for(base, 10);
}

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

static struct bufferevent *
unconnected_client(struct side *c, SSL_CTX *cctx)
{
	side_init(c);
	c->bev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(c->bev);
	side_setcb(c);
	return c->bev;
}

/* Echo a message through the server and check it came back. */
static void
round_trip(struct side *c, struct server *srv)
{
	assert_true(run_until(base, &c->connected, 1, 10));
	side_send(c, 50000);
	assert_true(run_until_got(base, c, 50000, 20));
	assert_true(pattern_matches(c->got, 50000));
	/* One CONNECTED: the handshake's, not the socket's as well. */
	assert_int_equal(c->connected, 1);
	assert_int_equal(srv->accepted, 1);
	assert_int_equal(srv->side.connected, 1);
}

static void
connect_a_socket_mode_bufferevent_made_on_no_socket(void **state)
{
	struct server srv;
	struct side c;
	SSL_CTX *cctx = client_ctx(VERIFY_TRUSTED, 0);

	(void)state;
	server_start(&srv);
	unconnected_client(&c, cctx);
	assert_int_equal(bufferevent_socket_connect(c.bev,
	    (struct sockaddr *)&srv.sin, sizeof(srv.sin)), 0);
	assert_true(bufferevent_getfd(c.bev) >= 0);
	round_trip(&c, &srv);
	bufferevent_free(c.bev);
	evbuffer_free(c.got);
	SSL_CTX_free(cctx);
	server_stop(&srv);
}

static void
connect_hostname_with_the_blocking_resolver(void **state)
{
	struct server srv;
	struct side c;
	SSL_CTX *cctx = client_ctx(VERIFY_TRUSTED, 0);

	(void)state;
	server_start(&srv);
	unconnected_client(&c, cctx);
	assert_int_equal(bufferevent_socket_connect_hostname(c.bev, NULL,
	    AF_INET, "127.0.0.1", ntohs(srv.sin.sin_port)), 0);
	round_trip(&c, &srv);
	assert_int_equal(bufferevent_socket_get_dns_error(c.bev), 0);
	bufferevent_free(c.bev);
	evbuffer_free(c.got);
	SSL_CTX_free(cctx);
	server_stop(&srv);
}

static void
refused_connection_is_an_error_with_its_errno(void **state)
{
	struct side c;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	evutil_socket_t s = socket(AF_INET, SOCK_STREAM, 0);
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);

	(void)state;
	/* A port that was just free: bound, never listened on, closed. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	getsockname(s, (struct sockaddr *)&sin, &len);
	close(s);
	unconnected_client(&c, cctx);
	assert_int_equal(bufferevent_socket_connect(c.bev,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true(run_until(base, &c.error, 1, 10));
	assert_int_equal(c.connected, 0);
	assert_int_equal(c.last_errno, ECONNREFUSED);
	assert_int_equal(bufferevent_get_openssl_error(c.bev), 0);
	bufferevent_free(c.bev);
	evbuffer_free(c.got);
	SSL_CTX_free(cctx);
	run_for(base, 10);
}

/* Freed while its connect is in flight: nothing runs on freed memory. */
static void
free_while_connecting(void **state)
{
	struct server srv;
	struct side c;
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);

	(void)state;
	server_start(&srv);
	unconnected_client(&c, cctx);
	assert_int_equal(bufferevent_socket_connect(c.bev,
	    (struct sockaddr *)&srv.sin, sizeof(srv.sin)), 0);
	bufferevent_free(c.bev);
	run_for(base, 50);
	assert_int_equal(c.connected + c.error, 0);
	evbuffer_free(c.got);
	SSL_CTX_free(cctx);
	server_stop(&srv);
}

/* A filter has no socket of its own to connect: refused, as in libevent. */
static void
filters_are_not_connected(void **state)
{
	struct bufferevent *under, *bev;
	struct sockaddr_in sin;
	SSL_CTX *cctx = client_ctx(VERIFY_NONE, 0);

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(9);
	under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bev = bufferevent_openssl_filter_new(base, under, SSL_new(cctx),
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_INET, "127.0.0.1", 9), -1);
	assert_int_equal(bufferevent_getfd(bev), -1);
	bufferevent_free(bev);
	SSL_CTX_free(cctx);
	run_for(base, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(connect_a_socket_mode_bufferevent_made_on_no_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(connect_hostname_with_the_blocking_resolver, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_connection_is_an_error_with_its_errno, setup, teardown),
		cmocka_unit_test_setup_teardown(free_while_connecting, setup, teardown),
		cmocka_unit_test_setup_teardown(filters_are_not_connected, setup, teardown),
	};
	int r;

	signal(SIGPIPE, SIG_IGN);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	tls_test_cleanup();
	return r;
}
