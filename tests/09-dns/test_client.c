/* Chapter 09: the resolver against real servers on 127.0.0.1 -- lookups of
 * every kind, the checks that refuse forged replies, retries and failover,
 * server health and probes, rotate, SERVFAIL, TC and TCP, cancel, free, and
 * thousands of requests at once.  Timeouts are short and asserted as
 * outcomes and counts, never as durations. */
#include "evdns-internal.h"
#include "dns_test.h"

#include <event2/dns.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define LIMIT 5000		/* ms: a safety net against hangs, not a timing */

static const unsigned char v4[4] = { 192, 0, 2, 1 };

/* ---- Good answers from the evdns test server ---- */

static void
test_ipv4_lookup_answers_from_the_loop(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	assert_non_null(evdns_base_resolve_ipv4(dns, "host.example", 0,
	    record_lookup, &l));
	assert_int_equal(l.calls, 0);		/* never inside the call */
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(l.type, DNS_IPv4_A);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.ttl, 60);
	assert_memory_equal(l.addrs, v4, 4);
	assert_int_equal(s.queries, 1);
	assert_int_equal(evdns_base_counters(dns)->replies_accepted, 1);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_ipv6_lookup_gets_aaaa_records(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_resolve_ipv6(dns, "host.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(l.type, DNS_IPv6_AAAA);
	assert_int_equal(l.count, 1);
	assert_memory_equal(l.addrs, v6, 16);
	assert_int_equal(s.last_type, EVDNS_TYPE_AAAA);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_reverse_lookups_ask_arpa_names_and_get_a_name(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l4 = { 0 }, l6 = { 0 };
	struct in_addr a;
	struct in6_addr a6;

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, "never.example");	/* reverse ignores it */
	a.s_addr = htonl(0xc0000207);
	inet_pton(AF_INET6, "2001:db8::567:89ab", &a6);
	evdns_base_resolve_reverse(dns, &a, 0, record_lookup, &l4);
	evdns_base_resolve_reverse_ipv6(dns, &a6, 0, record_lookup, &l6);
	run_until(base, &l4.calls, LIMIT);
	run_until(base, &l6.calls, LIMIT);
	assert_int_equal(l4.result, DNS_ERR_NONE);
	assert_int_equal(l4.type, DNS_PTR);
	assert_int_equal(l4.count, 1);
	assert_string_equal(l4.ptr, "host.example");
	assert_int_equal(l6.result, DNS_ERR_NONE);
	assert_true(test_server_index_of(&s, "7.2.0.192.in-addr.arpa") >= 0);
	assert_true(test_server_index_of(&s, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0"
	    ".0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa") >= 0);
	assert_int_equal(s.nseen, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_cname_is_followed_and_the_smallest_ttl_reported(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l = { 0 }, many = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_resolve_ipv4(dns, "cname.example", 0, record_lookup, &l);
	evdns_base_resolve_ipv4(dns, "many.example", 0, record_lookup, &many);
	run_until(base, &l.calls, LIMIT);
	run_until(base, &many.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.ttl, 30);
	assert_int_equal(many.count, 20);
	assert_int_equal(many.addrs[19 * 4 + 3], 20);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_missing_name_and_missing_records_are_told_apart(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup nx = { 0 }, nodata = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_resolve_ipv4(dns, "nxdomain.example", 0, record_lookup, &nx);
	evdns_base_resolve_ipv4(dns, "nodata.example", 0, record_lookup, &nodata);
	run_until(base, &nx.calls, LIMIT);
	run_until(base, &nodata.calls, LIMIT);
	assert_int_equal(nx.result, DNS_ERR_NOTEXIST);
	assert_int_equal(nodata.result, DNS_ERR_NODATA);
	assert_int_equal(nx.count, 0);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_names_the_wire_cannot_carry_are_refused(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct lookup l = { 0 };
	char label[70];

	(void)state;
	memset(label, 'x', 64);
	label[64] = '\0';
	assert_null(evdns_base_resolve_ipv4(dns, "a..b", 0, record_lookup, &l));
	assert_null(evdns_base_resolve_ipv4(dns, label, 0, record_lookup, &l));
	assert_null(evdns_base_resolve_ipv4(dns, NULL, 0, record_lookup, &l));
	assert_null(evdns_base_resolve_ipv4(dns, "ok", 0, NULL, &l));
	evdns_base_free(dns, 1);
	assert_int_equal(l.calls, 0);
}

/* ---- IDs and case ---- */

static void
test_letters_go_out_in_random_case_unless_told_not_to(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l[20];
	int i, mixed = 0, distinct = 0;

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	memset(l, 0, sizeof(l));
	for (i = 0; i < 20; i++)
		evdns_base_resolve_ipv4(dns, "abcdefghijklmnop.example", 0,
		    record_lookup, &l[i]);
	for (i = 0; i < 20; i++)
		run_until(base, &l[i].calls, LIMIT);
	for (i = 0; i < 20; i++) {
		assert_int_equal(l[i].result, DNS_ERR_NONE);
		assert_int_equal(strcasecmp(s.seen[i], "abcdefghijklmnop.example"), 0);
		mixed += strcmp(s.seen[i], "abcdefghijklmnop.example") != 0;
		distinct += i == 0 || strcmp(s.seen[i], s.seen[i - 1]) != 0;
	}
	assert_true(mixed >= 19);	/* 2^-23 odds per name of no change */
	assert_true(distinct >= 19);
	assert_int_equal(evdns_base_set_option(dns, "randomize-case", "0"), 0);
	memset(&l[0], 0, sizeof(l[0]));
	evdns_base_resolve_ipv4(dns, "MiXeD.example", 0, record_lookup, &l[0]);
	run_until(base, &l[0].calls, LIMIT);
	assert_string_equal(s.seen[20], "MiXeD.example");
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* The raw responder that only listens: it records and never answers. */
static void
record_only(struct raw_responder *r, const struct raw_query *q)
{
	uint16_t *ids = r->arg;

	if (ids && r->queries <= 256)
		ids[r->queries - 1] = q->id;
}

static void
test_transaction_ids_are_distinct_and_unpredictable(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	uint16_t ids[256];
	int i, j, same = 0, ascending = 0;

	(void)state;
	raw_responder_start(&r, base, record_only, ids);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_set_option(dns, "max-inflight", "256");
	for (i = 0; i < 256; i++)
		evdns_base_resolve_ipv4(dns, "id.example", 0, record_lookup, NULL);
	run_until_at_least(base, &r.queries, 256, LIMIT);
	for (i = 0; i < 256; i++)
		for (j = i + 1; j < 256; j++)
			same += ids[i] == ids[j];
	for (i = 1; i < 256; i++)
		ascending += ids[i] == (uint16_t)(ids[i - 1] + 1);
	assert_int_equal(same, 0);	/* unique while in flight */
	assert_true(ascending < 3);	/* not a counter */
	evdns_base_free(dns, 0);	/* discarded: record_lookup never runs */
	raw_responder_stop(&r);
}

/* The pool of random bytes must not be shared with a child: the child's
 * next ID and case are not the parent's. */
static void
test_a_forked_child_does_not_repeat_the_parents_random_bytes(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evdns_request *req;
	int p[2], status;
	char child[DNS_NAME_SIZE + 8];
	pid_t pid;

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_resolve_ipv4(dns, "first.example", 0, record_lookup, NULL);
	assert_int_equal(pipe(p), 0);
	memset(child, 0, sizeof(child));
	if ((pid = fork()) == 0) {	/* the pool is filled: draw from it */
		req = evdns_base_resolve_ipv4(dns, "abcdefghijklmnopqrstuvwx.example",
		    0, record_lookup, NULL);
		snprintf(child, sizeof(child), "%04x%s", req->id, req->asked);
		_exit(write(p[1], child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	req = evdns_base_resolve_ipv4(dns, "abcdefghijklmnopqrstuvwx.example", 0,
	    record_lookup, NULL);
	assert_int_equal(read(p[0], child, sizeof(child)), (ssize_t)sizeof(child));
	waitpid(pid, &status, 0);
	assert_int_equal(status, 0);
	{
		char parent[DNS_NAME_SIZE + 8];

		snprintf(parent, sizeof(parent), "%04x%s", req->id, req->asked);
		assert_string_not_equal(parent, child);	/* 2^-40 to fail by chance */
	}
	close(p[0]);
	close(p[1]);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

/* ---- Forged and broken replies: each is dropped and counted ---- */

struct forgery {
	void (*forge)(struct raw_responder *, const struct raw_query *);
	int then_answer;	/* after the forgery, send the true reply */
};

static void
forge_then_maybe_answer(struct raw_responder *r, const struct raw_query *q)
{
	struct forgery *f = r->arg;
	struct msg m;

	f->forge(r, q);
	if (f->then_answer) {
		raw_answer_a(&m, q, 0x8180, 1);
		raw_reply(r, q, &m);
	}
}

static void
forge_wrong_id(struct raw_responder *r, const struct raw_query *q)
{
	struct raw_query other = *q;
	struct msg m;

	other.id = (uint16_t)(q->id ^ 0x5a5a);
	raw_answer_a(&m, &other, 0x8180, 1);
	raw_reply(r, q, &m);
}

static void
forge_wrong_port(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	(void)r;
	raw_answer_a(&m, q, 0x8180, 1);
	raw_reply_from_elsewhere(q, &m);
}

static void
forge_wrong_case(struct raw_responder *r, const struct raw_query *q)
{
	struct raw_query other = *q;
	struct msg m;
	char *p;

	for (p = other.name; *p; p++)		/* the case a guesser would send */
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_string_not_equal(other.name, q->name);
	raw_answer_a(&m, &other, 0x8180, 1);
	raw_reply(r, q, &m);
}

static void
forge_wrong_type(struct raw_responder *r, const struct raw_query *q)
{
	struct raw_query other = *q;
	struct msg m;

	other.type = EVDNS_TYPE_AAAA;
	raw_answer_a(&m, &other, 0x8180, 1);
	raw_reply(r, q, &m);
}

static void
forge_wrong_class(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;
	/* The question's class follows its name (labels and a final 0) and type. */
	size_t class_at = DNS_HEADER_LEN + strlen(q->name) + 2 + 2;

	raw_answer_a(&m, q, 0x8180, 1);
	msg_patch_u16(&m, class_at, 3);		/* CHAOS, not IN */
	raw_reply(r, q, &m);
}

static void
forge_truncated_datagram(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x8180, 1);
	m.len = 20;			/* cut inside the question */
	raw_reply(r, q, &m);
}

static void
forge_lying_count(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x8180, 1);
	msg_patch_u16(&m, 6, 9);	/* ANCOUNT 9, one record present */
	raw_reply(r, q, &m);
}

static void
forge_query_not_reply(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x0100, 1);	/* QR clear */
	raw_reply(r, q, &m);
}

static void
forge_pointer_loop(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x8180, 0);
	msg_patch_u16(&m, 6, 1);
	msg_pointer(&m, (unsigned)m.len);	/* an owner pointing at itself */
	msg_bytes(&m, "\0\1\0\1\0\0\0\x3c\0\4\1\2\3\4", 14);
	raw_reply(r, q, &m);
}

/* One request against the forger; returns its lookup, checks the count. */
static void
forged(struct forgery *f, int then_answer, size_t counter, int result)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	const unsigned long *c;

	f->then_answer = then_answer;
	raw_responder_start(&r, base, forge_then_maybe_answer, f);
	dns = resolver_for(base, r.port, 0, "0.2");
	evdns_base_set_option(dns, "attempts", "1");
	evdns_base_resolve_ipv4(dns, "Forge.Example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.result, result);
	c = (const unsigned long *)((const char *)evdns_base_counters(dns) + counter);
	assert_int_equal(*c, 1);
	assert_int_equal(evdns_base_counters(dns)->replies_accepted, then_answer);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

#define COUNTER(f) offsetof(struct evdns_counters, f)

static void
test_reply_with_wrong_id_is_dropped_and_counted(void **state)
{
	struct forgery f = { forge_wrong_id, 0 };

	(void)state;
	forged(&f, 0, COUNTER(dropped_unknown_id), DNS_ERR_TIMEOUT);
	forged(&f, 1, COUNTER(dropped_unknown_id), DNS_ERR_NONE);
}

static void
test_reply_from_wrong_port_is_dropped_and_counted(void **state)
{
	struct forgery f = { forge_wrong_port, 0 };

	(void)state;
	forged(&f, 0, COUNTER(dropped_wrong_source), DNS_ERR_TIMEOUT);
	forged(&f, 1, COUNTER(dropped_wrong_source), DNS_ERR_NONE);
}

static void
test_reply_with_wrong_case_is_dropped_and_counted(void **state)
{
	struct forgery f = { forge_wrong_case, 0 };

	(void)state;
	forged(&f, 0, COUNTER(dropped_wrong_question), DNS_ERR_TIMEOUT);
	forged(&f, 1, COUNTER(dropped_wrong_question), DNS_ERR_NONE);
}

static void
test_reply_with_wrong_type_is_dropped_and_counted(void **state)
{
	struct forgery f = { forge_wrong_type, 0 };

	(void)state;
	forged(&f, 1, COUNTER(dropped_wrong_question), DNS_ERR_NONE);
}

static void
test_reply_with_wrong_class_is_dropped_and_counted(void **state)
{
	struct forgery f = { forge_wrong_class, 0 };

	(void)state;
	forged(&f, 1, COUNTER(dropped_wrong_question), DNS_ERR_NONE);
}

static void
test_malformed_replies_are_dropped_and_counted(void **state)
{
	struct forgery cut = { forge_truncated_datagram, 0 };
	struct forgery lie = { forge_lying_count, 0 };
	struct forgery qr = { forge_query_not_reply, 0 };
	struct forgery loop = { forge_pointer_loop, 0 };

	(void)state;
	forged(&cut, 1, COUNTER(dropped_malformed), DNS_ERR_NONE);
	forged(&lie, 0, COUNTER(dropped_malformed), DNS_ERR_TIMEOUT);
	forged(&qr, 1, COUNTER(dropped_malformed), DNS_ERR_NONE);
	forged(&loop, 0, COUNTER(dropped_malformed), DNS_ERR_TIMEOUT);
}

static void
answer_for_someone_else(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;
	static const unsigned char a[4] = { 6, 6, 6, 6 };

	m.len = 0;
	msg_header(&m, q->id, 0x8180, 1, 1, 0, 0);
	msg_question(&m, q->name, q->type);
	msg_rr(&m, "victim.example", -1, 1, 60, a, 4);
	raw_reply(r, q, &m);
}

static void
test_records_for_other_names_are_not_answers(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	raw_responder_start(&r, base, answer_for_someone_else, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_resolve_ipv4(dns, "asked.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NODATA);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

/* ---- Retries, failover, health ---- */

static void
test_silent_server_fails_over_to_the_next(void **state)
{
	struct raw_responder silent;
	struct test_server good;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	test_server_start(&good, base);
	dns = resolver_for(base, silent.port, good.portno, "0.2");
	evdns_base_resolve_ipv4(dns, "fail.over", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(silent.queries, 1);
	assert_int_equal(good.queries, 1);
	evdns_base_free(dns, 0);
	test_server_stop(&good);
	raw_responder_stop(&silent);
}

static void
test_server_down_after_max_timeouts_gets_no_new_requests(void **state)
{
	struct raw_responder silent;
	struct test_server good;
	struct evdns_base *dns;
	struct lookup a = { 0 }, b = { 0 };
	struct nameserver_state st;

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	test_server_start(&good, base);
	dns = resolver_for(base, silent.port, good.portno, "0.2");
	evdns_base_set_option(dns, "max-timeouts", "1");
	evdns_base_resolve_ipv4(dns, "first.example", 0, record_lookup, &a);
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(evdns_base_nameserver_state(dns, 0, &st), 0);
	assert_true(st.down);
	evdns_base_resolve_ipv4(dns, "second.example", 0, record_lookup, &b);
	run_until(base, &b.calls, LIMIT);
	assert_int_equal(b.result, DNS_ERR_NONE);
	assert_int_equal(silent.queries, 1);	/* only the first request */
	assert_int_equal(good.queries, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&good);
	raw_responder_stop(&silent);
}

static void
set_when_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Silent until told, then answers everything (probes included). */
static void
answer_when_awake(struct raw_responder *r, const struct raw_query *q)
{
	int *awake = r->arg;
	struct msg m;

	if (*awake) {
		raw_answer_a(&m, q, 0x8180, 0);
		raw_reply(r, q, &m);
	}
}

static void
wait_for_probe_wait(struct evdns_base *dns, long usec_total)
{
	struct nameserver_state st;
	struct timeval limit = { LIMIT / 1000, 0 };
	int expired = 0;
	struct event *guard = evtimer_new(base, set_when_fired, &expired);

	evtimer_add(guard, &limit);
	do {
		event_base_loop(base, EVLOOP_ONCE);
		assert_int_equal(evdns_base_nameserver_state(dns, 0, &st), 0);
	} while (!expired && st.probe_wait.tv_sec * 1000000L +
	    st.probe_wait.tv_usec != usec_total);
	event_free(guard);
	assert_false(expired);
}

static void
test_down_server_is_probed_with_back_off_and_comes_back(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	struct nameserver_state st;
	int awake = 0, before;

	(void)state;
	raw_responder_start(&r, base, answer_when_awake, &awake);
	dns = resolver_for(base, r.port, 0, "0.05");
	evdns_base_set_option(dns, "max-timeouts", "1");
	evdns_base_set_option(dns, "attempts", "1");
	evdns_base_set_option(dns, "initial-probe-timeout", "0.05");
	evdns_base_resolve_ipv4(dns, "x.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_TIMEOUT);
	wait_for_probe_wait(dns, 150000);	/* one probe failed: x3 */
	assert_int_equal(r.queries, 2);
	assert_string_equal(r.last.name, "");	/* the root's NS */
	assert_int_equal(r.last.type, EVDNS_TYPE_NS);
	wait_for_probe_wait(dns, 450000);	/* two probes failed: x9 */
	assert_int_equal(r.queries, 3);
	awake = 1;
	before = r.queries;
	{
		int up = 0;

		while (!up) {
			run_until_at_least(base, &r.queries, r.queries + 1, LIMIT);
			run_for(base, 10);	/* the probe's reply comes back */
			evdns_base_nameserver_state(dns, 0, &st);
			up = !st.down;
		}
	}
	assert_int_equal(r.queries, before + 1);	/* the probe that worked */
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

static void
test_rotate_spreads_requests_and_without_it_the_first_gets_all(void **state)
{
	struct test_server a, b;
	struct evdns_base *dns;
	struct lookup l[10];
	const char *conf;
	char text[200];
	int i, rotate;

	(void)state;
	for (rotate = 0; rotate <= 1; rotate++) {
		test_server_start(&a, base);
		test_server_start(&b, base);
		snprintf(text, sizeof(text), "nameserver 127.0.0.1:%d\n"
		    "nameserver 127.0.0.1:%d\noptions timeout:0.5 attempts:2\n%s",
		    a.portno, b.portno, rotate ? "options rotate\n" : "");
		conf = temp_file(0, text);
		dns = evdns_base_new(base, 0);
		assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL &
		    ~DNS_OPTION_HOSTSFILE, conf), 0);
		memset(l, 0, sizeof(l));
		for (i = 0; i < 10; i++)
			evdns_base_resolve_ipv4(dns, "r.example", 0, record_lookup, &l[i]);
		for (i = 0; i < 10; i++)
			run_until(base, &l[i].calls, LIMIT);
		assert_int_equal(a.queries, rotate ? 5 : 10);
		assert_int_equal(b.queries, rotate ? 5 : 0);
		evdns_base_free(dns, 0);
		test_server_stop(&a);
		test_server_stop(&b);
	}
}

/* ---- #1790: SERVFAIL moves on; all SERVFAIL is SERVERFAILED ----
 * (libevent 2.1 moves on too, but counts a SERVFAIL as a failed attempt:
 * with every server saying it, a probe against it gets DNS_ERR_TIMEOUT
 * after three SERVFAIL answers.) */

static void
say_servfail(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x8182, 0);
	raw_reply(r, q, &m);
}

static void
test_servfail_moves_the_request_to_the_next_server(void **state)
{
	struct raw_responder bad;
	struct test_server good;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	raw_responder_start(&bad, base, say_servfail, NULL);
	test_server_start(&good, base);
	dns = resolver_for(base, bad.port, good.portno, NULL);
	evdns_base_resolve_ipv4(dns, "sf.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(bad.queries, 1);
	assert_int_equal(good.queries, 1);
	evdns_base_free(dns, 0);
	test_server_stop(&good);
	raw_responder_stop(&bad);
}

static void
test_servfail_from_every_server_is_serverfailed_not_timeout(void **state)
{
	struct raw_responder a, b;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	raw_responder_start(&a, base, say_servfail, NULL);
	raw_responder_start(&b, base, say_servfail, NULL);
	dns = resolver_for(base, a.port, b.port, NULL);
	evdns_base_resolve_ipv4(dns, "sf.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_SERVERFAILED);	/* libevent: TIMEOUT */
	assert_int_equal(a.queries, 1);
	assert_int_equal(b.queries, 1);
	evdns_base_free(dns, 0);
	raw_responder_stop(&a);
	raw_responder_stop(&b);
}

/* ---- #106: no server, or every server down: bounded failure ---- */

static void
test_requests_without_any_server_time_out_instead_of_hanging(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct lookup l[3];
	int i;

	(void)state;
	memset(l, 0, sizeof(l));
	evdns_base_set_option(dns, "timeout", "0.05");
	evdns_base_set_option(dns, "attempts", "2");
	for (i = 0; i < 3; i++)
		assert_non_null(evdns_base_resolve_ipv4(dns, "nowhere.example", 0,
		    record_lookup, &l[i]));
	for (i = 0; i < 3; i++) {	/* libevent 2.1: never called */
		run_until(base, &l[i].calls, LIMIT);
		assert_int_equal(l[i].result, DNS_ERR_TIMEOUT);
	}
	evdns_base_free(dns, 0);
}

static void
test_request_waiting_for_a_server_goes_to_one_added_later(void **state)
{
	struct test_server s;
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct lookup l = { 0 };
	char addr[64];

	(void)state;
	evdns_base_set_option(dns, "timeout", "30");
	evdns_base_resolve_ipv4(dns, "later.example", 0, record_lookup, &l);
	run_for(base, 20);
	assert_int_equal(l.calls, 0);
	test_server_start(&s, base);
	evdns_base_nameserver_ip_add(dns, loopback_addr(addr, sizeof(addr), s.portno));
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_requests_to_servers_that_are_all_down_still_end(void **state)
{
	struct raw_responder a, b;
	struct evdns_base *dns;
	struct lookup l1 = { 0 }, l2 = { 0 };
	struct nameserver_state st;

	(void)state;
	raw_responder_start(&a, base, NULL, NULL);
	raw_responder_start(&b, base, NULL, NULL);
	dns = resolver_for(base, a.port, b.port, "0.05");
	evdns_base_set_option(dns, "max-timeouts", "1");
	evdns_base_set_option(dns, "attempts", "2");
	evdns_base_resolve_ipv4(dns, "down.example", 0, record_lookup, &l1);
	run_until(base, &l1.calls, LIMIT);
	evdns_base_nameserver_state(dns, 0, &st);
	assert_true(st.down);
	evdns_base_nameserver_state(dns, 1, &st);
	assert_true(st.down);
	evdns_base_resolve_ipv4(dns, "down.example", 0, record_lookup, &l2);
	run_until(base, &l2.calls, LIMIT);
	assert_int_equal(l2.result, DNS_ERR_TIMEOUT);
	evdns_base_free(dns, 0);
	raw_responder_stop(&a);
	raw_responder_stop(&b);
}

/* ---- TC: ask again over TCP ---- */

static void
say_truncated(struct raw_responder *r, const struct raw_query *q)
{
	struct msg m;

	raw_answer_a(&m, q, 0x8380, 0);	/* TC set, nothing in it */
	raw_reply(r, q, &m);
}

static void
answer_forty_over_tcp(struct tcp_responder *t, const struct raw_query *q,
    struct msg *reply)
{
	(void)t;
	raw_answer_a(reply, q, 0x8180, 40);
}

static void
test_truncated_reply_is_asked_again_over_tcp(void **state)
{
	struct raw_responder r;
	struct tcp_responder t;
	struct evdns_base *dns;
	struct lookup l = { 0 };

	(void)state;
	raw_responder_start(&r, base, say_truncated, NULL);
	tcp_responder_start(&t, base, r.port, answer_forty_over_tcp);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_resolve_ipv4(dns, "big.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_int_equal(l.count, 40);
	assert_int_equal(l.addrs[39 * 4 + 3], 40);
	assert_int_equal(t.connections, 1);
	assert_int_equal(evdns_base_counters(dns)->tcp_retries, 1);
	evdns_base_free(dns, 0);
	tcp_responder_stop(&t);
	raw_responder_stop(&r);
}

static void
answer_wrong_id_over_tcp(struct tcp_responder *t, const struct raw_query *q,
    struct msg *reply)
{
	struct raw_query other = *q;

	(void)t;
	other.id ^= 1;
	raw_answer_a(reply, &other, 0x8180, 1);
}

static void
test_truncated_reply_without_tcp_is_truncated(void **state)
{
	struct raw_responder r;
	struct tcp_responder t;
	struct evdns_base *dns;
	struct lookup refused = { 0 }, forged_id = { 0 };

	(void)state;
	raw_responder_start(&r, base, say_truncated, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_resolve_ipv4(dns, "big.example", 0, record_lookup, &refused);
	run_until(base, &refused.calls, LIMIT);	/* nothing listens on TCP */
	assert_int_equal(refused.result, DNS_ERR_TRUNCATED);
	tcp_responder_start(&t, base, r.port, answer_wrong_id_over_tcp);
	evdns_base_resolve_ipv4(dns, "big.example", 0, record_lookup, &forged_id);
	run_until(base, &forged_id.calls, LIMIT);
	assert_int_equal(forged_id.result, DNS_ERR_TRUNCATED);
	evdns_base_free(dns, 0);
	tcp_responder_stop(&t);
	raw_responder_stop(&r);
}

/* ---- Cancel ---- */

static void
test_cancel_runs_the_callback_once_from_the_loop(void **state)
{
	struct raw_responder silent;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	struct evdns_request *req;

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	dns = resolver_for(base, silent.port, 0, "0.05");
	req = evdns_base_resolve_ipv4(dns, "c.example", 0, record_lookup, &l);
	run_for(base, 10);
	evdns_cancel_request(dns, req);
	assert_int_equal(l.calls, 0);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_CANCEL);
	run_for(base, 300);		/* past every timeout it had */
	assert_int_equal(l.calls, 1);
	evdns_base_free(dns, 1);
	assert_int_equal(l.calls, 1);
	raw_responder_stop(&silent);
}

/* Hold queries until two have come, then answer both back to back, so that
 * both replies are read in the same callback. */
static void
answer_in_pairs(struct raw_responder *r, const struct raw_query *q)
{
	static struct raw_query first;
	struct msg m;

	if (r->queries % 2 == 1) {
		first = *q;
		return;
	}
	raw_answer_a(&m, &first, 0x8180, 1);
	raw_reply(r, &first, &m);
	raw_answer_a(&m, q, 0x8180, 1);
	raw_reply(r, q, &m);
}

struct pair {
	struct evdns_base *dns;
	struct evdns_request *other;
	struct lookup l[2];
	int first;
};

static void
cancel_the_other(int result, char type, int count, int ttl, void *addrs,
    void *arg)
{
	struct pair *p = arg;

	record_lookup(result, type, count, ttl, addrs, &p->l[0]);
	evdns_cancel_request(p->dns, p->other);	/* answered already */
}

static void
test_cancel_after_the_answer_arrived_changes_nothing(void **state)
{
	struct raw_responder r;
	struct pair p;

	(void)state;
	memset(&p, 0, sizeof(p));
	raw_responder_start(&r, base, answer_in_pairs, NULL);
	p.dns = resolver_for(base, r.port, 0, NULL);
	evdns_base_resolve_ipv4(p.dns, "one.example", 0, cancel_the_other, &p);
	p.other = evdns_base_resolve_ipv4(p.dns, "two.example", 0, record_lookup,
	    &p.l[1]);
	run_until(base, &p.l[1].calls, LIMIT);
	assert_int_equal(p.l[0].calls, 1);
	assert_int_equal(p.l[1].calls, 1);
	assert_int_equal(p.l[1].result, DNS_ERR_NONE);	/* not CANCEL */
	run_for(base, 20);
	assert_int_equal(p.l[1].calls, 1);
	evdns_base_free(p.dns, 0);
	raw_responder_stop(&r);
}

/* ---- evdns_base_free with requests outstanding ---- */

static void
test_free_failing_requests_calls_each_once_before_returning(void **state)
{
	struct raw_responder silent;
	struct test_server good;
	struct evdns_base *dns;
	struct lookup l[4];
	int i;

	(void)state;
	memset(l, 0, sizeof(l));
	raw_responder_start(&silent, base, NULL, NULL);
	test_server_start(&good, base);
	dns = resolver_for(base, silent.port, 0, NULL);
	for (i = 0; i < 3; i++)
		evdns_base_resolve_ipv4(dns, "pending.example", 0, record_lookup, &l[i]);
	evdns_base_set_option(dns, "max-inflight", "1");	/* two wait */
	evdns_base_free(dns, 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(l[i].calls, 1);
		assert_int_equal(l[i].result, DNS_ERR_SHUTDOWN);
	}
	/* An answer already in, callback not yet run, is delivered as such. */
	dns = resolver_for(base, good.portno, 0, NULL);
	evdns_base_resolve_ipv4(dns, "answered.example", 0, record_lookup, &l[3]);
	run_until_at_least(base, &good.queries, 1, LIMIT);
	evdns_base_free(dns, 1);
	assert_int_equal(l[3].calls, 1);
	run_for(base, 20);
	assert_int_equal(l[3].calls, 1);
	test_server_stop(&good);
	raw_responder_stop(&silent);
}

static void
test_free_without_failing_discards_requests_silently(void **state)
{
	struct raw_responder silent;
	struct evdns_base *dns;
	struct lookup l[3];
	int i;

	(void)state;
	memset(l, 0, sizeof(l));
	raw_responder_start(&silent, base, NULL, NULL);
	dns = resolver_for(base, silent.port, 0, NULL);
	for (i = 0; i < 3; i++)
		evdns_base_resolve_ipv4(dns, "pending.example", 0, record_lookup, &l[i]);
	run_for(base, 10);
	evdns_base_free(dns, 0);
	run_for(base, 20);
	for (i = 0; i < 3; i++)
		assert_int_equal(l[i].calls, 0);	/* and valgrind: no leak */
	raw_responder_stop(&silent);
}

struct reentry {
	struct evdns_base *dns;
	int calls;
	struct evdns_request *again;
};

static void
try_again_while_freeing(int result, char type, int count, int ttl,
    void *addrs, void *arg)
{
	struct reentry *r = arg;

	(void)result; (void)type; (void)count; (void)ttl; (void)addrs;
	r->calls++;
	r->again = evdns_base_resolve_ipv4(r->dns, "again.example", 0,
	    try_again_while_freeing, r);
}

static void
test_callback_during_free_cannot_start_new_requests(void **state)
{
	struct raw_responder silent;
	struct reentry r = { 0 };

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	r.dns = resolver_for(base, silent.port, 0, NULL);
	evdns_base_resolve_ipv4(r.dns, "x.example", 0, try_again_while_freeing, &r);
	evdns_base_free(r.dns, 1);
	assert_int_equal(r.calls, 1);
	assert_null(r.again);
	raw_responder_stop(&silent);
}

struct freer {
	struct evdns_base *dns;
	int calls;
};

static void
free_resolver_from_callback(int result, char type, int count, int ttl,
    void *addrs, void *arg)
{
	struct freer *f = arg;

	(void)result; (void)type; (void)count; (void)ttl; (void)addrs;
	f->calls++;
	evdns_base_free(f->dns, 0);
}

static void
test_resolver_freed_inside_a_callback(void **state)
{
	struct test_server s;
	struct freer f = { 0 };

	(void)state;
	test_server_start(&s, base);
	f.dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_resolve_ipv4(f.dns, "a.example", 0, free_resolver_from_callback, &f);
	evdns_base_resolve_ipv4(f.dns, "b.example", 0, free_resolver_from_callback, &f);
	run_until(base, &f.calls, LIMIT);
	run_for(base, 20);
	/* The second was answered too: the free delivers it, and its own
	 * evdns_base_free() finds the first one under way. */
	assert_int_equal(f.calls, 2);
	test_server_stop(&s);
}

/* ---- Suspend and resume ---- */

static void
test_suspended_requests_wait_and_resume_with_full_attempts(void **state)
{
	struct raw_responder silent;
	struct test_server good;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	char addr[64];

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	dns = resolver_for(base, silent.port, 0, "0.05");
	evdns_base_set_option(dns, "attempts", "1");
	evdns_base_resolve_ipv4(dns, "parked.example", 0, record_lookup, &l);
	run_for(base, 10);
	assert_int_equal(evdns_base_clear_nameservers_and_suspend(dns), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 0);
	run_for(base, 200);		/* four timeouts' worth */
	assert_int_equal(l.calls, 0);
	test_server_start(&good, base);
	evdns_base_nameserver_ip_add(dns, loopback_addr(addr, sizeof(addr),
	    good.portno));
	assert_int_equal(good.queries, 0);	/* still suspended */
	assert_int_equal(evdns_base_resume(dns), 0);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(l.result, DNS_ERR_NONE);
	evdns_base_free(dns, 0);
	test_server_stop(&good);
	raw_responder_stop(&silent);
}

/* ---- The loop, with and without DISABLE_WHEN_INACTIVE ---- */

static void
test_quiet_resolver_lets_the_loop_end_when_idle(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	char addr[64];
	int fd, port;

	(void)state;
	test_server_start(&s, base);
	/* The server's own port keeps a loop alive: run that one apart. */
	{
		struct event_base *other = event_base_new();

		dns = evdns_base_new(other, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		fd = udp_socket_on_loopback(&port);
		close(fd);
		evdns_base_nameserver_ip_add(dns, loopback_addr(addr, sizeof(addr),
		    port));
		assert_int_equal(event_base_dispatch(other), 1);	/* nothing to do */
		evdns_base_free(dns, 0);
		event_base_free(other);
	}
	dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, loopback_addr(addr, sizeof(addr), s.portno));
	evdns_base_resolve_ipv4(dns, "x.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0); /* still has events */
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* ---- Thousands at once ---- */

struct tally {
	int calls, good;
};

static void
count_good(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	struct tally *t = arg;

	(void)type; (void)ttl;
	t->calls++;
	t->good += result == DNS_ERR_NONE && count == 1 &&
	    memcmp(addrs, v4, 4) == 0;
}

static void
thousands(const char *max_inflight)
{
	struct test_server s;
	struct evdns_base *dns;
	struct tally t = { 0, 0 };
	int i, n = 3000, done;
	char name[32];

	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, "1");
	if (max_inflight)
		evdns_base_set_option(dns, "max-inflight", max_inflight);
	evdns_base_set_option(dns, "so-rcvbuf", "1048576");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "h%d.example", i);
		assert_non_null(evdns_base_resolve_ipv4(dns, name, 0, count_good, &t));
	}
	done = 0;
	while (!done) {
		event_base_loop(base, EVLOOP_ONCE);
		assert_int_equal(t.good, t.calls);	/* stop at the first bad one */
		done = t.calls == n;
	}
	assert_int_equal(t.good, n);
	assert_int_equal(s.queries, n);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_three_thousand_requests_with_the_default_limit(void **state)
{
	(void)state;
	thousands(NULL);
}

/* 200 in flight: the test server's socket buffer (the kernel's default,
 * about 200 KiB) holds that many queries; more would be dropped by the
 * kernel before the server saw them. */
static void
test_three_thousand_requests_two_hundred_in_flight(void **state)
{
	(void)state;
	thousands("200");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, dns_setup, dns_teardown)
		T(test_ipv4_lookup_answers_from_the_loop),
		T(test_ipv6_lookup_gets_aaaa_records),
		T(test_reverse_lookups_ask_arpa_names_and_get_a_name),
		T(test_cname_is_followed_and_the_smallest_ttl_reported),
		T(test_missing_name_and_missing_records_are_told_apart),
		T(test_names_the_wire_cannot_carry_are_refused),
		T(test_letters_go_out_in_random_case_unless_told_not_to),
		T(test_transaction_ids_are_distinct_and_unpredictable),
		T(test_a_forked_child_does_not_repeat_the_parents_random_bytes),
		T(test_reply_with_wrong_id_is_dropped_and_counted),
		T(test_reply_from_wrong_port_is_dropped_and_counted),
		T(test_reply_with_wrong_case_is_dropped_and_counted),
		T(test_reply_with_wrong_type_is_dropped_and_counted),
		T(test_reply_with_wrong_class_is_dropped_and_counted),
		T(test_malformed_replies_are_dropped_and_counted),
		T(test_records_for_other_names_are_not_answers),
		T(test_silent_server_fails_over_to_the_next),
		T(test_server_down_after_max_timeouts_gets_no_new_requests),
		T(test_down_server_is_probed_with_back_off_and_comes_back),
		T(test_rotate_spreads_requests_and_without_it_the_first_gets_all),
		T(test_servfail_moves_the_request_to_the_next_server),
		T(test_servfail_from_every_server_is_serverfailed_not_timeout),
		T(test_requests_without_any_server_time_out_instead_of_hanging),
		T(test_request_waiting_for_a_server_goes_to_one_added_later),
		T(test_requests_to_servers_that_are_all_down_still_end),
		T(test_truncated_reply_is_asked_again_over_tcp),
		T(test_truncated_reply_without_tcp_is_truncated),
		T(test_cancel_runs_the_callback_once_from_the_loop),
		T(test_cancel_after_the_answer_arrived_changes_nothing),
		T(test_free_failing_requests_calls_each_once_before_returning),
		T(test_free_without_failing_discards_requests_silently),
		T(test_callback_during_free_cannot_start_new_requests),
		T(test_resolver_freed_inside_a_callback),
		T(test_suspended_requests_wait_and_resume_with_full_attempts),
		T(test_quiet_resolver_lets_the_loop_end_when_idle),
		T(test_three_thousand_requests_with_the_default_limit),
		T(test_three_thousand_requests_two_hundred_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
