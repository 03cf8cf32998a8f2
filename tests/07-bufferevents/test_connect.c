/* Connecting: by address, by name (blocking, and through a resolver
 * registered as chapter 9's will be), refused, impossible; and the rule
 * that a call returning -1 runs no callback while one returning 0 reports
 * every later failure from the loop. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "bev_test.h"
#include <event2/event_struct.h>
#include "resolver-internal.h"
#include "bufferevent-internal.h"

static void
test_connect_to_a_listener_reports_connected_then_sends(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), s;
	struct recorder r;
	struct bufferevent *bev;
	char buf[16];

	(void)state;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	/* Bytes written before the connect wait for it. */
	bufferevent_write(bev, "early", 5);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true(bufferevent_getfd(bev) >= 0);
	assert_int_equal(r.events, 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_CONNECTED);
	s = accept_one(l);
	assert_int_equal(read_fully(s, buf, 5), 5);
	assert_memory_equal(buf, "early", 5);
	/* Reading works after the connect. */
	bufferevent_enable(bev, EV_READ);
	send(s, "reply", 5, 0);
	close(s);
	run_bounded(base, 10);
	assert_int_equal(evbuffer_get_length(bufferevent_get_input(bev)), 5);
	assert_string_equal(r.order, "CWRE");
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

static void
test_connect_to_a_closed_port_reports_an_error_later(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	closed_port(&sin);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(r.events, 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_int_equal(r.errnos[0], ECONNREFUSED);
	assert_int_equal(r.reads, 0);
	bufferevent_free(bev);
	event_base_free(base);
}

/* A local socket refuses at once, inside connect(): the call still returns
 * 0 and the refusal is reported from the loop. */
static void
test_an_immediate_refusal_is_reported_from_the_loop(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	evutil_socket_t unbound = socket(AF_UNIX, SOCK_STREAM, 0);
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/litevent-refuse-%d",
	    (int)getpid());
	unlink(un.sun_path);
	assert_int_equal(bind(unbound, (struct sockaddr *)&un, sizeof(un)), 0);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&un, sizeof(un)), 0);
	assert_int_equal(r.events, 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_int_equal(r.errnos[0], ECONNREFUSED);
	bufferevent_free(bev);
	close(unbound);
	unlink(un.sun_path);
	event_base_free(base);
}

/* connect() fails outright (no such socket file): -1, no callback, ever,
 * and the bufferevent is as it was. */
static void
test_a_connect_that_cannot_start_returns_minus_one_and_no_callback(
    void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	strcpy(un.sun_path, "/nonexistent/litevent.sock");
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_enable(bev, EV_READ);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&un, sizeof(un)), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(bufferevent_getfd(bev), -1);
	assert_int_equal(bufferevent_get_enabled(bev), EV_READ | EV_WRITE);
	run_bounded(base, 1);
	assert_int_equal(r.events, 0);
	assert_int_equal(bufferevent_socket_connect(bev, NULL, 0), -1);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&un, 0), -1);
	bufferevent_free(bev);
	event_base_free(base);
}

/* Use up every descriptor below a low limit; give them back after. */
struct fd_squeeze {
	struct rlimit old;
	int fds[64];
	int n;
};

static void
squeeze_fds(struct fd_squeeze *q)
{
	struct rlimit low;
	int fd;

	getrlimit(RLIMIT_NOFILE, &q->old);
	low = q->old;
	low.rlim_cur = 32;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	q->n = 0;
	while (q->n < 64 && (fd = dup(0)) >= 0)
		q->fds[q->n++] = fd;
}

static void
release_fds(struct fd_squeeze *q)
{
	while (q->n > 0)
		close(q->fds[--q->n]);
	setrlimit(RLIMIT_NOFILE, &q->old);
}

static void
test_no_descriptor_left_fails_connect_with_minus_one(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	struct fd_squeeze q;
	struct recorder r;
	struct bufferevent *bev;
	int rv, err;

	(void)state;
	closed_port(&sin);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	squeeze_fds(&q);
	rv = bufferevent_socket_connect(bev, (struct sockaddr *)&sin,
	    sizeof(sin));
	err = errno;
	release_fds(&q);
	assert_int_equal(rv, -1);
	assert_int_equal(err, EMFILE);
	run_bounded(base, 1);
	assert_int_equal(r.events, 0);
	bufferevent_free(bev);
	event_base_free(base);
}

/* libevent 2.1 calls the event callback from inside
 * bufferevent_socket_connect_hostname() when socket() fails, and returns 0
 * -- so a program that frees in its callback then touches freed memory.
 * Here the failure waits for the loop. */
static void
test_no_descriptor_left_in_a_hostname_connect_is_reported_from_the_loop(
    void **state)
{
	struct event_base *base = event_base_new();
	struct fd_squeeze q;
	struct recorder r;
	struct bufferevent *bev;
	int rv, during;

	(void)state;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.free_on = 'E';
	squeeze_fds(&q);
	rv = bufferevent_socket_connect_hostname(bev, NULL, AF_INET,
	    "127.0.0.1", 9);
	during = r.events;
	release_fds(&q);
	assert_int_equal(rv, 0);
	assert_int_equal(during, 0);
	assert_int_equal(bufferevent_socket_get_dns_error(bev), 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_int_equal(r.errnos[0], EMFILE);
	assert_ptr_equal(r.freed, bev);
	event_base_free(base);
}

static void
test_connect_by_the_name_localhost(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), s;
	struct recorder r;
	struct bufferevent *bev;
	char buf[4];

	(void)state;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_write(bev, "hi", 2);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_INET, "localhost", ntohs(sin.sin_port)), 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_CONNECTED);
	assert_int_equal(bufferevent_socket_get_dns_error(bev), 0);
	s = accept_one(l);
	assert_int_equal(read_fully(s, buf, 2), 2);
	close(s);
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

static void
test_hostname_connect_refuses_bad_arguments_without_callbacks(void **state)
{
	struct event_base *base = event_base_new();
	struct recorder r;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);

	(void)state;
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_INET, NULL, 80), -1);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_INET, "localhost", 0), -1);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_INET, "localhost", 65536), -1);
	assert_int_equal(bufferevent_socket_connect_hostname(bev, NULL,
	    AF_UNIX, "localhost", 80), -1);
	run_bounded(base, 1);
	assert_int_equal(r.events, 0);
	assert_int_equal(bufferevent_get_enabled(bev), EV_WRITE);
	bufferevent_free(bev);
	event_base_free(base);
}

/* A resolver registered through the contract chapter 9 uses.  It answers
 * numeric hosts from the loop, through a zero-timeout event, says NONAME
 * for other names, and can be asked to answer at once instead. */
struct test_dns {
	struct event_base *base;
	int answer_at_once;
	int started, cancelled;
};

struct test_request {
	struct event ev;
	int result;
	struct evutil_addrinfo *res;
	hostname_lookup_done done;
	void *arg;
};

static void
test_request_answer(evutil_socket_t fd, short what, void *arg)
{
	struct test_request *req = arg;

	(void)fd;
	(void)what;
	req->done(req->result, req->res, req->arg);
	free(req);
}

static struct evdns_getaddrinfo_request *
test_start(struct evdns_base *dns_base, const char *node, const char *service,
    const struct evutil_addrinfo *hints, hostname_lookup_done done, void *arg)
{
	struct test_dns *dns = (struct test_dns *)dns_base;
	struct evutil_addrinfo numeric = *hints, *res = NULL;
	struct test_request *req;
	struct timeval now = { 0, 0 };
	int err;

	dns->started++;
	numeric.ai_flags |= EVUTIL_AI_NUMERICHOST;
	err = evutil_getaddrinfo(node, service, &numeric, &res);
	if (err)
		err = EVUTIL_EAI_NONAME;
	if (dns->answer_at_once) {
		done(err, res, arg);
		return NULL;
	}
	req = calloc(1, sizeof(*req));
	req->result = err;
	req->res = res;
	req->done = done;
	req->arg = arg;
	evtimer_assign(&req->ev, dns->base, test_request_answer, req);
	evtimer_add(&req->ev, &now);
	return (struct evdns_getaddrinfo_request *)req;
}

static struct test_dns *cancel_counter;

static void
test_cancel(struct evdns_getaddrinfo_request *r)
{
	struct test_request *req = (struct test_request *)r;

	cancel_counter->cancelled++;
	event_del(&req->ev);
	if (req->res)
		evutil_freeaddrinfo(req->res);
	req->done(EVUTIL_EAI_CANCEL, NULL, req->arg);
	free(req);
}

static const struct hostname_resolver test_resolver = {
	test_start, test_cancel
};

static void
use_test_resolver(struct test_dns *dns, struct event_base *base)
{
	memset(dns, 0, sizeof(*dns));
	dns->base = base;
	cancel_counter = dns;
	evutil_set_hostname_resolver(&test_resolver);
}

static void
test_hostname_connect_through_a_registered_resolver(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	struct test_dns dns;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	use_test_resolver(&dns, base);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.break_on_event = 1;
	bufferevent_enable(bev, EV_READ);
	assert_int_equal(bufferevent_socket_connect_hostname(bev,
	    (struct evdns_base *)&dns, AF_INET, "127.0.0.1",
	    ntohs(sin.sin_port)), 0);
	assert_int_equal(dns.started, 1);
	assert_int_equal(bufferevent_getfd(bev), -1);	/* not yet looked up */
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_CONNECTED);
	assert_true(bufferevent_getfd(bev) >= 0);
	bufferevent_free(bev);
	close(l);
	evutil_set_hostname_resolver(NULL);
	event_base_free(base);
}

static void
test_a_resolver_that_answers_at_once_still_reports_from_the_loop(
    void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	struct test_dns dns;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	use_test_resolver(&dns, base);
	dns.answer_at_once = 1;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.free_on = 'E';
	assert_int_equal(bufferevent_socket_connect_hostname(bev,
	    (struct evdns_base *)&dns, AF_INET, "not-a-number",
	    ntohs(sin.sin_port)), 0);
	assert_int_equal(r.events, 0);
	assert_int_equal(bufferevent_socket_get_dns_error(bev),
	    EVUTIL_EAI_NONAME);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_ptr_equal(r.freed, bev);
	close(l);
	evutil_set_hostname_resolver(NULL);
	event_base_free(base);
}

static void
test_a_failed_lookup_is_reported_with_its_error(void **state)
{
	struct event_base *base = event_base_new();
	struct test_dns dns;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	use_test_resolver(&dns, base);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect_hostname(bev,
	    (struct evdns_base *)&dns, AF_UNSPEC, "no.such.host", 80), 0);
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.what[0], BEV_EVENT_ERROR);
	assert_int_equal(bufferevent_socket_get_dns_error(bev),
	    EVUTIL_EAI_NONAME);
	bufferevent_free(bev);
	evutil_set_hostname_resolver(NULL);
	event_base_free(base);
}

static void
test_freeing_with_a_lookup_in_flight_cancels_it(void **state)
{
	struct event_base *base = event_base_new();
	struct test_dns dns;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	use_test_resolver(&dns, base);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect_hostname(bev,
	    (struct evdns_base *)&dns, AF_INET, "127.0.0.1", 9), 0);
	bufferevent_free(bev);
	assert_int_equal(dns.cancelled, 1);
	run_bounded(base, 10);
	assert_int_equal(r.events, 0);
	evutil_set_hostname_resolver(NULL);
	event_base_free(base);
}

static void
test_a_second_connect_abandons_the_lookup(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	struct test_dns dns;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	use_test_resolver(&dns, base);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_socket_connect_hostname(bev, (struct evdns_base *)&dns,
	    AF_INET, "no.such.host", 80);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(dns.cancelled, 1);
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	bufferevent_free(bev);
	close(l);
	evutil_set_hostname_resolver(NULL);
	event_base_free(base);
}

/* Without a registered resolver a DNS base falls back to the blocking one. */
static void
test_no_registered_resolver_means_the_blocking_one(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	struct recorder r;
	struct bufferevent *bev;
	int fake_dns;

	(void)state;
	evutil_set_hostname_resolver(NULL);
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect_hostname(bev,
	    (struct evdns_base *)&fake_dns, AF_INET, "127.0.0.1",
	    ntohs(sin.sin_port)), 0);
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

/* libevent's issues #43 and #1295: enabling a fresh socket before
 * connecting it must not report an error while the loop runs in between. */
static void
test_enable_before_connect_on_a_fresh_socket_is_quiet(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), fd;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	evutil_make_socket_nonblocking(fd);
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	r.break_on_event = 1;
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(r.events, 0);
	assert_int_equal(bufferevent_socket_connect(bev,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

/* The program connects by itself and says so with a NULL address. */
static void
test_a_connect_the_program_started_is_reported_too(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin), fd;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	evutil_make_socket_nonblocking(fd);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	assert_int_equal(bufferevent_socket_connect(bev, NULL, 0), 0);
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	bufferevent_free(bev);
	close(l);
	event_base_free(base);
}

static void
test_a_write_timeout_while_connecting_ends_the_attempt(void **state)
{
	struct event_base *base = event_base_new();
	struct timeval t = { 0, 20000 };
	struct sockaddr_in blackhole;
	struct recorder r;
	struct bufferevent *bev;

	(void)state;
	/* A TEST-NET address: the SYN goes nowhere and nothing answers. */
	memset(&blackhole, 0, sizeof(blackhole));
	blackhole.sin_family = AF_INET;
	blackhole.sin_port = htons(9);
	blackhole.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	rec_init(&r, base);
	rec_setcb(bev, &r);
	bufferevent_set_timeouts(bev, NULL, &t);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&blackhole,
	    sizeof(blackhole)) < 0) {
		/* No route at all on this machine: nothing to time out. */
		bufferevent_free(bev);
		event_base_free(base);
		skip();
	}
	run_bounded(base, 10);
	assert_int_equal(r.events, 1);
	assert_true(r.what[0] == (BEV_EVENT_WRITING | BEV_EVENT_TIMEOUT) ||
	    r.what[0] == BEV_EVENT_ERROR);
	bufferevent_free(bev);
	event_base_free(base);
}

/* A kind carried by a socket (as chapter 10's TLS in socket mode is): the
 * connect calls work on the socket its carrier operation names; a kind
 * with no carrier, or one that answers NULL, is refused with -1. */
static struct bufferevent *the_carrier;

static struct bufferevent *
carried_by(struct bufferevent *bev)
{
	(void)bev;
	return the_carrier;
}

static void
test_a_kind_carried_by_a_socket_connects_through_it(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	evutil_socket_t l = listen_loopback(&sin);
	const struct bufferevent_ops carried = { .kind = "carried",
		.carrier = carried_by };
	struct bufferevent outer, *f;
	struct recorder r;

	(void)state;
	memset(&outer, 0, sizeof(outer));
	outer.be_ops = &carried;
	the_carrier = NULL;
	assert_int_equal(bufferevent_socket_connect(&outer,
	    (struct sockaddr *)&sin, sizeof(sin)), -1);
	the_carrier = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	f = bufferevent_filter_new(the_carrier, NULL, NULL, 0, NULL, NULL);
	assert_int_equal(bufferevent_socket_connect(f,
	    (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(bufferevent_socket_connect_hostname(f, NULL,
	    AF_INET, "127.0.0.1", ntohs(sin.sin_port)), -1);
	bufferevent_free(f);
	rec_init(&r, base);
	rec_setcb(the_carrier, &r);
	assert_int_equal(bufferevent_socket_connect_hostname(&outer, NULL,
	    AF_INET, "127.0.0.1", ntohs(sin.sin_port)), 0);
	run_bounded(base, 10);
	assert_string_equal(r.order, "C");
	assert_true(bufferevent_getfd(the_carrier) >= 0);
	assert_int_equal(bufferevent_socket_get_dns_error(&outer), 0);
	bufferevent_free(the_carrier);
	the_carrier = NULL;
	close(l);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_to_a_listener_reports_connected_then_sends),
		cmocka_unit_test(test_connect_to_a_closed_port_reports_an_error_later),
		cmocka_unit_test(test_an_immediate_refusal_is_reported_from_the_loop),
		cmocka_unit_test(test_a_connect_that_cannot_start_returns_minus_one_and_no_callback),
		cmocka_unit_test(test_no_descriptor_left_fails_connect_with_minus_one),
		cmocka_unit_test(test_no_descriptor_left_in_a_hostname_connect_is_reported_from_the_loop),
		cmocka_unit_test(test_connect_by_the_name_localhost),
		cmocka_unit_test(test_hostname_connect_refuses_bad_arguments_without_callbacks),
		cmocka_unit_test(test_hostname_connect_through_a_registered_resolver),
		cmocka_unit_test(test_a_resolver_that_answers_at_once_still_reports_from_the_loop),
		cmocka_unit_test(test_a_failed_lookup_is_reported_with_its_error),
		cmocka_unit_test(test_freeing_with_a_lookup_in_flight_cancels_it),
		cmocka_unit_test(test_a_second_connect_abandons_the_lookup),
		cmocka_unit_test(test_no_registered_resolver_means_the_blocking_one),
		cmocka_unit_test(test_enable_before_connect_on_a_fresh_socket_is_quiet),
		cmocka_unit_test(test_a_connect_the_program_started_is_reported_too),
		cmocka_unit_test(test_a_write_timeout_while_connecting_ends_the_attempt),
		cmocka_unit_test(test_a_kind_carried_by_a_socket_connects_through_it),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
