/* Accepting: each connection is handed over once, with its own peer
 * address, over IPv4, IPv6 and AF_UNIX; one wake-up takes many queued
 * connections but not an unbounded number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/listener.h>
#include "listener_test.h"

static void
test_a_client_is_handed_over_with_its_address(void **state)
{
	struct server s;
	struct sockaddr_storage mine;
	evutil_socket_t c;

	(void)state;
	server_start4(&s, 0);
	c = connect_client(&s.addr, s.len);
	bound_address(c, &mine);
	assert_int_equal(run_until(s.base, &s.r->n, 1), 0);
	assert_int_equal(s.r->n, 1);
	assert_int_equal(s.r->peerlen[0], sizeof(struct sockaddr_in));
	assert_true(same_address(&mine, (struct sockaddr *)&s.r->peer[0]));
	assert_int_equal(s.r->peer_agrees, 1);
	close(c);
	server_stop(&s);
}

/* A thousand clients in ten batches (so that a low descriptor limit is
 * not needed): every callback's address is a client's, and every client's
 * address comes back exactly once. */
static void
test_a_thousand_clients_each_get_their_own_address(void **state)
{
	struct server s;
	struct record *r;
	struct sockaddr_storage mine[100];
	evutil_socket_t c[100];
	int batch, i, j;

	(void)state;
	server_start4(&s, 0);
	r = s.r;
	for (batch = 0; batch < 10; batch++) {
		int first = r->n;
		for (i = 0; i < 100; i++) {
			c[i] = connect_client(&s.addr, s.len);
			bound_address(c[i], &mine[i]);
		}
		assert_int_equal(run_until(s.base, &r->n, first + 100), 0);
		for (i = 0; i < 100; i++) {
			int found = 0;
			for (j = first; j < r->n; j++)
				found += same_address(&mine[i],
				    (struct sockaddr *)&r->peer[j]);
			assert_int_equal(found, 1);
			close(c[i]);
		}
	}
	assert_int_equal(r->n, 1000);
	assert_int_equal(r->peer_agrees, 1000);
	server_stop(&s);
}

static void
note_readable(evutil_socket_t fd, short what, void *arg)
{
	char byte;

	(void)what;
	(void)recv(fd, &byte, 1, 0);
	++*(int *)arg;
}

/* A hundred connections queued and another descriptor ready: one turn of
 * the loop accepts more than one connection, fewer than all of them, and
 * runs the other descriptor's callback too.  (libevent 2.1 takes all
 * hundred in one go.) */
static void
test_one_wakeup_accepts_many_but_not_all(void **state)
{
	struct server s;
	struct event_base *base;
	struct record *r;
	evutil_socket_t c[100], pair[2];
	struct event *other;
	int i, other_ran = 0, rounds = 1;

	(void)state;
	server_start4(&s, 0);
	base = s.base;
	r = s.r;
	for (i = 0; i < 100; i++)
		c[i] = connect_client(&s.addr, s.len);
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	other = event_new(base, pair[0], EV_READ | EV_PERSIST, note_readable,
	    &other_ran);
	event_add(other, NULL);
	assert_int_equal(send(pair[1], "x", 1, 0), 1);

	event_base_loop(base, EVLOOP_ONCE);
	assert_true(r->n > 1);
	assert_true(r->n < 100);
	assert_int_equal(other_ran, 1);
	while (r->n < 100 && rounds < 100) {
		event_base_loop(base, EVLOOP_ONCE);
		rounds++;
	}
	assert_int_equal(r->n, 100);
	assert_true(rounds >= 2);
	for (i = 0; i < 100; i++)
		close(c[i]);
	event_free(other);
	evutil_closesocket(pair[0]);
	evutil_closesocket(pair[1]);
	server_stop(&s);
}

static void
test_an_ipv6_client_is_handed_over_with_its_address(void **state)
{
	struct server s;
	struct sockaddr_in6 sin6;
	struct sockaddr_storage mine;
	evutil_socket_t c = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	if (c < 0)
		skip();		/* no IPv6 on this machine */
	close(c);
	loopback6(&sin6);
	server_start(&s, (struct sockaddr *)&sin6, sizeof(sin6),
	    LEV_OPT_CLOSE_ON_FREE);
	c = connect_client(&s.addr, s.len);
	bound_address(c, &mine);
	assert_int_equal(run_until(s.base, &s.r->n, 1), 0);
	assert_int_equal(s.r->peerlen[0], sizeof(struct sockaddr_in6));
	assert_int_equal(s.r->peer[0].ss_family, AF_INET6);
	assert_true(same_address(&mine, (struct sockaddr *)&s.r->peer[0]));
	assert_int_equal(s.r->peer_agrees, 1);
	close(c);
	server_stop(&s);
}

static void
unix_address(struct sockaddr_un *sun, const char *tag)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "/tmp/litevent-08-%s-%d",
	    tag, (int)getpid());
	unlink(sun->sun_path);
}

/* A named client's path comes back as its address; an unnamed client's
 * address is its family alone. */
static void
test_unix_clients_are_handed_over_with_their_names(void **state)
{
	struct server s;
	struct record *r;
	struct sockaddr_un server, named;
	evutil_socket_t anon, c;

	(void)state;
	unix_address(&server, "server");
	unix_address(&named, "client");
	server_start(&s, (struct sockaddr *)&server, sizeof(server),
	    LEV_OPT_CLOSE_ON_FREE);
	r = s.r;
	anon = connect_client(&s.addr, s.len);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(c, (struct sockaddr *)&named, sizeof(named)), 0);
	assert_int_equal(connect(c, (struct sockaddr *)&server, sizeof(server)), 0);
	assert_int_equal(run_until(s.base, &r->n, 2), 0);
	assert_int_equal(r->peer[0].ss_family, AF_UNIX);
	assert_int_equal(r->peerlen[0], sizeof(sa_family_t));
	assert_int_equal(r->peer[1].ss_family, AF_UNIX);
	assert_string_equal(((struct sockaddr_un *)&r->peer[1])->sun_path,
	    named.sun_path);
	assert_int_equal(r->peer_agrees, 2);
	close(anon);
	close(c);
	server_stop(&s);
	unlink(server.sun_path);
	unlink(named.sun_path);
}

/* evconnlistener_new() on an AF_UNIX socket the program bound. */
static void
test_a_listener_on_the_programs_unix_socket_accepts(void **state)
{
	struct event_base *base = event_base_new();
	struct record *r = calloc(1, sizeof(*r));
	struct sockaddr_un server;
	struct sockaddr_storage addr;
	struct evconnlistener *lev;
	evutil_socket_t fd = socket(AF_UNIX, SOCK_STREAM, 0), c;

	(void)state;
	unix_address(&server, "own");
	assert_int_equal(bind(fd, (struct sockaddr *)&server, sizeof(server)), 0);
	lev = evconnlistener_new(base, record_cb, r, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	assert_non_null(lev);
	assert_int_equal(evconnlistener_get_fd(lev), fd);
	assert_ptr_equal(evconnlistener_get_base(lev), base);
	memset(&addr, 0, sizeof(addr));
	memcpy(&addr, &server, sizeof(server));
	c = connect_client(&addr, sizeof(server));
	assert_int_equal(run_until(base, &r->n, 1), 0);
	assert_int_equal(r->peer[0].ss_family, AF_UNIX);
	close(c);
	evconnlistener_free(lev);
	unlink(server.sun_path);
	event_base_free(base);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_client_is_handed_over_with_its_address),
		cmocka_unit_test(test_a_thousand_clients_each_get_their_own_address),
		cmocka_unit_test(test_one_wakeup_accepts_many_but_not_all),
		cmocka_unit_test(test_an_ipv6_client_is_handed_over_with_its_address),
		cmocka_unit_test(test_unix_clients_are_handed_over_with_their_names),
		cmocka_unit_test(test_a_listener_on_the_programs_unix_socket_accepts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
