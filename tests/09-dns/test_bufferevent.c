/* Chapter 09: bufferevent_socket_connect_hostname through an evdns_base
 * (chapter 7's hook, CONTRACTS.md section 2), and #1765: names from the
 * hosts file connect, in every family and written with a trailing dot. */
#include "evdns-internal.h"
#include "dns_test.h"

#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define LIMIT 20000

/* A TCP listener on 127.0.0.1 that accepts and holds connections. */
struct listener {
	int fd, port, accepted;
	struct event *ev;
};

static void
accept_one(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	int s = accept(fd, NULL, NULL);

	(void)what;
	if (s >= 0) {
		l->accepted++;
		close(s);
	}
}

static void
listener_start(struct listener *l)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(l, 0, sizeof(*l));
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l->fd, 8), 0);
	getsockname(l->fd, (struct sockaddr *)&sin, &len);
	l->port = ntohs(sin.sin_port);
	l->ev = event_new(base, l->fd, EV_READ | EV_PERSIST, accept_one, l);
	event_add(l->ev, NULL);
}

static void
listener_stop(struct listener *l)
{
	event_free(l->ev);
	close(l->fd);
}

struct outcome {
	int calls;
	short what;
};

static void
record_event(struct bufferevent *bev, short what, void *arg)
{
	struct outcome *o = arg;

	(void)bev;
	o->calls++;
	o->what = what;
}

/* Connect bev to host:port through dns and wait for the event. */
static struct outcome
connect_by_name(struct evdns_base *dns, int family, const char *host, int port,
    int *dns_error)
{
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	struct outcome o = { 0, 0 };

	bufferevent_setcb(bev, NULL, NULL, record_event, &o);
	if (bufferevent_socket_connect_hostname(bev, dns, family, host, port) == 0 ||
	    o.calls == 0)
		run_until(base, &o.calls, LIMIT);
	*dns_error = bufferevent_socket_get_dns_error(bev);
	bufferevent_free(bev);
	return o;
}

static void
test_hosts_file_name_connects_without_a_packet(void **state)
{
	struct raw_responder r;
	struct listener l;
	struct evdns_base *dns;
	struct outcome o;
	int err;

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	listener_start(&l);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_load_hosts(dns, temp_file(0, "127.0.0.1 myhost\n"));
	o = connect_by_name(dns, AF_UNSPEC, "myhost", l.port, &err);
	assert_true(o.what & BEV_EVENT_CONNECTED);
	assert_int_equal(err, 0);
	o = connect_by_name(dns, AF_INET, "MyHost.", l.port, &err);	/* #1765 */
	assert_true(o.what & BEV_EVENT_CONNECTED);
	assert_int_equal(r.queries, 0);
	evdns_base_free(dns, 0);
	listener_stop(&l);
	raw_responder_stop(&r);
}

static void
answer_loopback(struct test_server *s, struct evdns_server_request *req)
{
	static const unsigned char lo[4] = { 127, 0, 0, 1 };

	(void)s;
	if (req->questions[0]->type == EVDNS_TYPE_A)
		evdns_server_request_add_a_reply(req, req->questions[0]->name, 1,
		    lo, 60);
	evdns_server_request_respond(req, strncasecmp(req->questions[0]->name,
	    "service.", 8) ? DNS_ERR_NOTEXIST : 0);
}

static void
test_name_from_dns_connects_and_a_missing_one_reports_its_error(void **state)
{
	struct test_server s;
	struct listener l;
	struct evdns_base *dns;
	struct outcome o;
	int err;

	(void)state;
	test_server_start(&s, base);
	s.answer = answer_loopback;
	listener_start(&l);
	dns = resolver_for(base, s.portno, 0, NULL);
	o = connect_by_name(dns, AF_INET, "service.example", l.port, &err);
	assert_true(o.what & BEV_EVENT_CONNECTED);
	o = connect_by_name(dns, AF_INET, "missing.example", l.port, &err);
	assert_true(o.what & BEV_EVENT_ERROR);
	assert_int_equal(err, EVUTIL_EAI_NONAME);
	evdns_base_free(dns, 0);
	listener_stop(&l);
	test_server_stop(&s);
}

/* #1765: libevent 2.1 hands the bufferevent success and no address, and
 * crashes on it inside bufferevent_socket_connect_hostname(). */
static void
test_hosts_name_of_the_other_family_asks_dns_and_errs_cleanly(void **state)
{
	struct test_server s;
	struct listener l;
	struct evdns_base *dns;
	struct outcome o;
	int err;

	(void)state;
	test_server_start(&s, base);
	s.answer = answer_loopback;	/* NXDOMAIN for this name */
	listener_start(&l);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_load_hosts(dns, temp_file(0, "127.0.0.1 v4only\n"));
	o = connect_by_name(dns, AF_INET6, "v4only", l.port, &err);
	assert_true(o.what & BEV_EVENT_ERROR);
	assert_int_equal(err, EVUTIL_EAI_NONAME);
	assert_int_equal(s.queries, 1);		/* the AAAA question */
	evdns_base_free(dns, 0);
	listener_stop(&l);
	test_server_stop(&s);
}

static void
test_bufferevent_freed_during_its_lookup_hears_nothing(void **state)
{
	struct raw_responder silent;
	struct evdns_base *dns;
	struct bufferevent *bev;
	struct outcome o = { 0, 0 };

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	dns = resolver_for(base, silent.port, 0, NULL);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, NULL, NULL, record_event, &o);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, dns, AF_UNSPEC,
	    "slow.example", 80), 0);
	bufferevent_free(bev);		/* cancels the lookup */
	run_for(base, 50);
	assert_int_equal(o.calls, 0);
	evdns_base_free(dns, 1);	/* the lookup is gone: nothing to fail */
	assert_int_equal(o.calls, 0);
	raw_responder_stop(&silent);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, dns_setup, dns_teardown)
		T(test_hosts_file_name_connects_without_a_packet),
		T(test_name_from_dns_connects_and_a_missing_one_reports_its_error),
		T(test_hosts_name_of_the_other_family_asks_dns_and_errs_cleanly),
		T(test_bufferevent_freed_during_its_lookup_hears_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
