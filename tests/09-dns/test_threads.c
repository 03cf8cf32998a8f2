/* Chapter 09 with threads: evthread_use_pthreads() first, the resolver's
 * loop in the main thread, an evdns server on a base of its own in a
 * second, and four more threads that start lookups -- answered ones,
 * getaddrinfo from DNS and from the hosts file, and lookups they cancel at
 * once -- all on the one evdns_base at the same time.  Whatever the
 * interleaving: every callback runs exactly once, with the result its kind
 * of lookup must have, and nothing is left behind (valgrind watches). */
#include "dns_test.h"

#include <event2/thread.h>
#include <event2/util.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#define WORKERS 4
#define PER_WORKER 150
#define KINDS 5

enum kind { ANSWERED, GAI_FROM_DNS, CANCELLED, GAI_FROM_HOSTS, GAI_CANCELLED };

struct record {
	int calls;			/* atomic */
	int result;
	int right_answer;
};

struct shared {
	struct evdns_base *dns;
	struct event_base *base;
	int done;			/* atomic: callbacks run so far */
	int refused;			/* atomic: calls that failed to start */
	struct record rec[WORKERS][PER_WORKER];
	int worker_ids[WORKERS];
};

static struct shared sh;

static void
one_more(void)
{
	__atomic_add_fetch(&sh.done, 1, __ATOMIC_SEQ_CST);
}

/* cmocka's asserts cannot leave a thread of their own: a worker counts
 * what went wrong, and the main thread asserts the count. */
static void
expect(int ok)
{
	if (!ok)
		__atomic_add_fetch(&sh.refused, 1, __ATOMIC_SEQ_CST);
}

static void
set_flag(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Turn the loop until every callback has run (or 30 s have passed). */
static void
run_until_all_called_back(void)
{
	struct timeval limit = { 30, 0 };
	int expired = 0;
	struct event *guard = evtimer_new(sh.base, set_flag, &expired);

	evtimer_add(guard, &limit);
	while (__atomic_load_n(&sh.done, __ATOMIC_SEQ_CST) < WORKERS * PER_WORKER &&
	    !expired)
		event_base_loop(sh.base, EVLOOP_ONCE);
	event_free(guard);
	assert_int_equal(__atomic_load_n(&sh.done, __ATOMIC_SEQ_CST),
	    WORKERS * PER_WORKER);
}

static void
got_a(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	struct record *r = arg;
	static const unsigned char want[4] = { 192, 0, 2, 1 };

	(void)ttl;
	r->result = result;
	r->right_answer = result == DNS_ERR_NONE && type == DNS_IPv4_A &&
	    count == 1 && memcmp(addrs, want, 4) == 0;
	__atomic_add_fetch(&r->calls, 1, __ATOMIC_SEQ_CST);
	one_more();
}

static void
got_addrinfo(int result, struct evutil_addrinfo *res, void *arg)
{
	struct record *r = arg;

	r->result = result;
	r->right_answer = result == 0 && res && res->ai_family == AF_INET;
	evutil_freeaddrinfo(res);
	__atomic_add_fetch(&r->calls, 1, __ATOMIC_SEQ_CST);
	one_more();
}

/* The server: 192.0.2.1 for every A question, silence for names that
 * begin with "silent". */
static void
answer_or_stay_silent(struct test_server *s, struct evdns_server_request *req)
{
	static const unsigned char v4[4] = { 192, 0, 2, 1 };
	const struct evdns_server_question *q = req->questions[0];

	(void)s;
	if (strncasecmp(q->name, "silent", 6) == 0) {
		evdns_server_request_drop(req);
		return;
	}
	if (q->type == EVDNS_TYPE_A)
		evdns_server_request_add_a_reply(req, q->name, 1, v4, 60);
	evdns_server_request_respond(req, 0);
}

static void *
serve(void *arg)
{
	struct event_base *sbase = arg;

	event_base_loop(sbase, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void
start_one(int w, int i)
{
	struct record *r = &sh.rec[w][i];
	struct evutil_addrinfo hints;
	struct evdns_request *req;
	struct evdns_getaddrinfo_request *greq;
	char name[64];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	switch ((enum kind)(i % KINDS)) {
	case ANSWERED:
		snprintf(name, sizeof(name), "w%d-%d.example", w, i);
		expect(evdns_base_resolve_ipv4(sh.dns, name,
		    DNS_QUERY_NO_SEARCH, got_a, r) != NULL);
		break;
	case GAI_FROM_DNS:
		snprintf(name, sizeof(name), "g%d-%d.example", w, i);
		expect(evdns_getaddrinfo(sh.dns, name, "80", &hints,
		    got_addrinfo, r) != NULL);
		break;
	case CANCELLED:		/* the server never answers: no race with a reply */
		snprintf(name, sizeof(name), "silent%d-%d.example", w, i);
		req = evdns_base_resolve_ipv4(sh.dns, name, DNS_QUERY_NO_SEARCH,
		    got_a, r);
		expect(req != NULL);
		if (req)
			evdns_cancel_request(sh.dns, req);
		break;
	case GAI_FROM_HOSTS:	/* answered in this thread, before the return */
		expect(evdns_getaddrinfo(sh.dns, "hostsname", "80", &hints,
		    got_addrinfo, r) == NULL);
		expect(__atomic_load_n(&r->calls, __ATOMIC_SEQ_CST) == 1);
		break;
	case GAI_CANCELLED:
		snprintf(name, sizeof(name), "silentg%d-%d.example", w, i);
		greq = evdns_getaddrinfo(sh.dns, name, "80", &hints,
		    got_addrinfo, r);
		expect(greq != NULL);
		if (greq)
			evdns_getaddrinfo_cancel(greq);
		break;
	}
}

static void *
work(void *arg)
{
	int w = *(int *)arg, i;

	for (i = 0; i < PER_WORKER; i++)
		start_one(w, i);
	return NULL;
}

static void
check_records(void)
{
	int w, i;

	for (w = 0; w < WORKERS; w++)
		for (i = 0; i < PER_WORKER; i++) {
			struct record *r = &sh.rec[w][i];

			assert_int_equal(r->calls, 1);
			switch ((enum kind)(i % KINDS)) {
			case ANSWERED:
			case GAI_FROM_DNS:
			case GAI_FROM_HOSTS:
				assert_true(r->right_answer);
				break;
			case CANCELLED:
				assert_int_equal(r->result, DNS_ERR_CANCEL);
				break;
			case GAI_CANCELLED:
				assert_int_equal(r->result, EVUTIL_EAI_CANCEL);
				break;
			}
		}
}

static void
test_lookups_from_four_threads_each_call_back_exactly_once(void **state)
{
	struct test_server s;
	struct event_base *sbase = event_base_new();
	pthread_t server, workers[WORKERS];
	int w;

	(void)state;
	memset(&sh, 0, sizeof(sh));
	assert_non_null(sbase);
	test_server_start(&s, sbase);
	s.answer = answer_or_stay_silent;
	assert_int_equal(pthread_create(&server, NULL, serve, sbase), 0);

	sh.base = base;
	/* Five seconds: no answered lookup comes near it, and no silent one
	 * times out before the thread that started it has cancelled it. */
	sh.dns = resolver_for(base, s.portno, 0, "5");
	assert_int_equal(evdns_base_load_hosts(sh.dns,
	    temp_file(0, "127.0.0.1 hostsname\n")), 0);
	for (w = 0; w < WORKERS; w++) {
		sh.worker_ids[w] = w;
		assert_int_equal(pthread_create(&workers[w], NULL, work,
		    &sh.worker_ids[w]), 0);
	}
	run_until_all_called_back();
	for (w = 0; w < WORKERS; w++)
		pthread_join(workers[w], NULL);
	assert_int_equal(sh.refused, 0);
	check_records();
	evdns_base_free(sh.dns, 0);

	event_base_loopbreak(sbase);
	pthread_join(server, NULL);
	/* The answered lookups and the getaddrinfo ones from DNS reached it. */
	assert_true(s.queries >= 2 * WORKERS * PER_WORKER / KINDS);
	test_server_stop(&s);
	event_base_free(sbase);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_lookups_from_four_threads_each_call_back_exactly_once,
		    dns_setup, dns_teardown),
	};

	if (evthread_use_pthreads() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
