/* Chapter 09: evdns_getaddrinfo -- numeric and hosts-file answers without a
 * packet, A and AAAA in parallel, the skew timer, canonical names, errors,
 * cancel and free; and #1765, names from the hosts file in every family. */
#include "evdns-internal.h"
#include "dns_test.h"

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define LIMIT 5000		/* ms: a safety net against hangs, not a timing */

/* What a getaddrinfo callback received. */
struct answer {
	int calls;
	int result;
	int n;
	char addr[8][INET6_ADDRSTRLEN + 8];	/* "a.b.c.d/port/socktype" */
	char canon[256];
};

static void
record_answer(int result, struct evutil_addrinfo *res, void *arg)
{
	struct answer *a = arg;
	struct evutil_addrinfo *ai;

	a->calls++;
	a->result = result;
	a->n = 0;
	a->canon[0] = '\0';
	if (res && res->ai_canonname)
		snprintf(a->canon, sizeof(a->canon), "%s", res->ai_canonname);
	for (ai = res; ai; ai = ai->ai_next, a->n++) {
		char text[INET6_ADDRSTRLEN] = "";
		int port;

		if (ai->ai_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)ai->ai_addr;

			inet_ntop(AF_INET, &s->sin_addr, text, sizeof(text));
			port = ntohs(s->sin_port);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)ai->ai_addr;

			inet_ntop(AF_INET6, &s->sin6_addr, text, sizeof(text));
			port = ntohs(s->sin6_port);
		}
		if (a->n < 8)
			snprintf(a->addr[a->n], sizeof(a->addr[a->n]), "%s/%d/%d",
			    text, port, ai->ai_socktype);
	}
	evutil_freeaddrinfo(res);
}

static struct evutil_addrinfo
hints_for(int family, int socktype, int flags)
{
	struct evutil_addrinfo h;

	memset(&h, 0, sizeof(h));
	h.ai_family = family;
	h.ai_socktype = socktype;
	h.ai_flags = flags;
	return h;
}

static struct evdns_base *
resolver_with_hosts(int port, const char *hosts)
{
	struct evdns_base *dns = resolver_for(base, port, 0, NULL);

	if (hosts)
		assert_int_equal(evdns_base_load_hosts(dns, temp_file(0, hosts)), 0);
	return dns;
}

/* ---- Answers without a packet ---- */

static void
test_numeric_hosts_are_answered_before_the_call_returns(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 }, c = { 0 };

	(void)state;
	assert_null(evdns_getaddrinfo(dns, "192.0.2.5", "80", &h, record_answer, &a));
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.result, 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.addr[0], "192.0.2.5/80/1");
	assert_null(evdns_getaddrinfo(dns, "2001:db8::5", "http", &h,
	    record_answer, &b));
	assert_string_equal(b.addr[0], "2001:db8::5/80/1");
	h = hints_for(AF_INET, SOCK_DGRAM, EVUTIL_AI_PASSIVE);
	assert_null(evdns_getaddrinfo(dns, NULL, "53", &h, record_answer, &c));
	assert_string_equal(c.addr[0], "0.0.0.0/53/2");
	evdns_base_free(dns, 0);
}

static void
test_bad_arguments_are_answered_at_once(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct evutil_addrinfo h = hints_for(AF_UNIX, 0, 0);
	struct answer a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, e = { 0 };

	(void)state;
	assert_null(evdns_getaddrinfo(dns, "name.example", "80", &h,
	    record_answer, &a));
	assert_int_equal(a.result, EVUTIL_EAI_FAMILY);
	assert_null(evdns_getaddrinfo(dns, NULL, NULL, NULL, record_answer, &b));
	assert_int_equal(b.result, EVUTIL_EAI_NONAME);
	assert_null(evdns_getaddrinfo(dns, "name.example", "no-such-service",
	    NULL, record_answer, &c));
	assert_true(c.result == EVUTIL_EAI_SERVICE || c.result == EVUTIL_EAI_NONAME);
	assert_null(evdns_getaddrinfo(dns, "a..b", NULL, NULL, record_answer, &d));
	assert_int_equal(d.result, EVUTIL_EAI_NONAME);
	h = hints_for(AF_UNSPEC, 0, EVUTIL_AI_NUMERICHOST);
	assert_null(evdns_getaddrinfo(dns, "name.example", NULL, &h,
	    record_answer, &e));
	assert_int_equal(e.result, EVUTIL_EAI_NONAME);
	assert_int_equal(a.calls + b.calls + c.calls + d.calls + e.calls, 5);
	assert_null(evdns_getaddrinfo(dns, "x", NULL, NULL, NULL, NULL));
	evdns_base_free(dns, 0);
}

static const char hosts[] =
    "10.1.2.3 myhost alias1   # v4 only\n"
    "::5 myhost6\n"
    "10.9.9.9 both\n"
    "::9 both\n"
    "10.9.9.9 both\n"
    "[::1] brackets\n"
    "1.2.3.4:80 withport\n"
    "10.7.7.7 fq.example.com\n";

static void
test_hosts_file_names_are_answered_without_a_packet(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_with_hosts(r.port, hosts);
	assert_null(evdns_getaddrinfo(dns, "MyHost", "22", &h, record_answer, &a));
	assert_int_equal(a.result, 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.addr[0], "10.1.2.3/22/1");
	assert_null(evdns_getaddrinfo(dns, "alias1", "22", &h, record_answer, &b));
	assert_string_equal(b.addr[0], "10.1.2.3/22/1");
	assert_null(evdns_getaddrinfo(dns, "both", "22", &h, record_answer, &c));
	assert_int_equal(c.n, 2);			/* the repeat added nothing */
	assert_string_equal(c.addr[0], "10.9.9.9/22/1");
	assert_string_equal(c.addr[1], "::9/22/1");
	h = hints_for(AF_UNSPEC, 0, 0);
	assert_null(evdns_getaddrinfo(dns, "fq.example.com", "7", &h,
	    record_answer, &d));
	assert_int_equal(d.n, 2);			/* TCP and UDP */
	run_for(base, 10);
	assert_int_equal(r.queries, 0);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

/* #1765: libevent 2.1 answers success with an empty list here. */
static void
test_hosts_name_of_the_other_family_is_asked_of_dns(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct evutil_addrinfo h6 = hints_for(AF_INET6, SOCK_STREAM, 0);
	struct evutil_addrinfo h4 = hints_for(AF_INET, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_with_hosts(s.portno, hosts);
	assert_non_null(evdns_getaddrinfo(dns, "myhost", "80", &h6,
	    record_answer, &a));
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(a.result, 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.addr[0], "2001:db8::1/80/1");
	assert_non_null(evdns_getaddrinfo(dns, "myhost6", "80", &h4,
	    record_answer, &b));
	run_until(base, &b.calls, LIMIT);
	assert_string_equal(b.addr[0], "192.0.2.1/80/1");
	assert_int_equal(s.queries, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* #1765: the absolute form, with its trailing dot, is the same name. */
static void
test_hosts_name_with_a_trailing_dot_is_found(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_INET, SOCK_STREAM, 0);
	struct answer a = { 0 };

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_with_hosts(r.port, hosts);
	assert_null(evdns_getaddrinfo(dns, "myhost.", "80", &h, record_answer, &a));
	assert_int_equal(a.result, 0);		/* libevent 2.1: asks DNS */
	assert_string_equal(a.addr[0], "10.1.2.3/80/1");
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

static void
test_bad_hosts_lines_are_skipped_and_clearing_forgets_all(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_INET, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_with_hosts(s.portno, hosts);
	assert_int_equal(dns->nhosts, 6);	/* brackets and withport skipped */
	assert_int_equal(evdns_base_load_hosts(dns, "/nonexistent/hosts"), -1);
	assert_int_equal(dns->nhosts, 6);
	evdns_base_clear_host_addresses(dns);
	assert_int_equal(dns->nhosts, 0);
	assert_non_null(evdns_getaddrinfo(dns, "myhost", "80", &h, record_answer, &a));
	run_until(base, &a.calls, LIMIT);
	assert_string_equal(a.addr[0], "192.0.2.1/80/1");	/* from DNS now */
	assert_int_equal(evdns_base_load_hosts(dns, NULL), 0);
	assert_null(evdns_getaddrinfo(dns, "localhost", "80", &h, record_answer, &b));
	assert_string_equal(b.addr[0], "127.0.0.1/80/1");
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_localhost_is_loopback_without_any_hosts_file(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 };

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	assert_null(evdns_getaddrinfo(dns, "LOCALHOST.", "80", &h, record_answer, &a));
	assert_int_equal(a.n, 2);
	assert_string_equal(a.addr[0], "127.0.0.1/80/1");
	assert_string_equal(a.addr[1], "::1/80/1");
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

static void
test_many_hosts_entries_grow_the_table(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct evutil_addrinfo h = hints_for(AF_INET, SOCK_STREAM, 0);
	struct answer a = { 0 };
	char *text = malloc(5000 * 40), *p = text;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++)
		p += sprintf(p, "10.%d.%d.1 host%d\n", i / 256, i % 256, i);
	assert_int_equal(evdns_base_load_hosts(dns, temp_file(0, text)), 0);
	free(text);
	assert_int_equal(dns->nhosts, 5000);
	assert_true(dns->hosts_buckets >= 2500);
	assert_null(evdns_getaddrinfo(dns, "HOST4321", "1", &h, record_answer, &a));
	assert_string_equal(a.addr[0], "10.16.225.1/1/1");
	evdns_base_free(dns, 0);
}

/* ---- DNS: both halves, the skew, names ---- */

static void
hold_query(struct raw_responder *r, const struct raw_query *q)
{
	struct raw_query *held = r->arg;

	if (r->queries <= 2)
		held[r->queries - 1] = *q;
}

static void
answer_held(struct raw_responder *r, const struct raw_query *q)
{
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 6 };
	struct msg m;

	if (q->type == EVDNS_TYPE_A) {
		raw_answer_a(&m, q, 0x8180, 1);
	} else {
		m.len = 0;
		msg_header(&m, q->id, 0x8180, 1, 1, 0, 0);
		msg_question(&m, q->name, q->type);
		msg_rr(&m, NULL, 12, EVDNS_TYPE_AAAA, 60, v6, 16);
	}
	raw_reply(r, q, &m);
}

static void
test_both_families_are_asked_in_parallel_v4_listed_first(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 };
	struct raw_query held[2];
	int aaaa;

	(void)state;
	raw_responder_start(&r, base, hold_query, held);
	dns = resolver_for(base, r.port, 0, NULL);
	assert_non_null(evdns_getaddrinfo(dns, "dual.example", "443", &h,
	    record_answer, &a));
	run_until_at_least(base, &r.queries, 2, LIMIT);
	assert_int_equal(a.calls, 0);		/* both out before any answer */
	assert_int_not_equal(held[0].type, held[1].type);
	aaaa = held[0].type == EVDNS_TYPE_AAAA ? 0 : 1;
	answer_held(&r, &held[aaaa]);		/* AAAA first, then A */
	answer_held(&r, &held[1 - aaaa]);
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.addr[0], "10.0.0.1/443/1");
	assert_string_equal(a.addr[1], "2001:db8::6/443/1");
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

/* Answers A at once and AAAA never, or AAAA at once and A never. */
static void
answer_one_family(struct raw_responder *r, const struct raw_query *q)
{
	const unsigned *only = r->arg;
	struct msg m;
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 6 };

	if (q->type != *only)
		return;
	if (q->type == EVDNS_TYPE_A) {
		raw_answer_a(&m, q, 0x8180, 2);
	} else {
		m.len = 0;
		msg_header(&m, q->id, 0x8180, 1, 1, 0, 0);
		msg_question(&m, q->name, q->type);
		msg_rr(&m, NULL, 12, EVDNS_TYPE_AAAA, 60, v6, 16);
	}
	raw_reply(r, q, &m);
}

static void
test_second_family_is_given_up_after_the_allowed_skew(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 };
	unsigned only = EVDNS_TYPE_A;

	(void)state;
	raw_responder_start(&r, base, answer_one_family, &only);
	dns = resolver_for(base, r.port, 0, "5");
	evdns_base_set_option(dns, "getaddrinfo-allow-skew", "0.05");
	evdns_getaddrinfo(dns, "slow6.example", "80", &h, record_answer, &a);
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(a.result, 0);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.addr[0], "10.0.0.1/80/1");
	assert_int_equal(r.queries, 2);		/* AAAA was never asked again */
	assert_int_equal(evdns_base_counters(dns)->queries_sent, 2);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

static void
test_answer_in_both_families_lists_ipv4_then_ipv6(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_getaddrinfo(dns, "dual.example", "443", &h, record_answer, &a);
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.addr[0], "192.0.2.1/443/1");
	assert_string_equal(a.addr[1], "2001:db8::1/443/1");
	assert_int_equal(s.queries, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_canonical_name_comes_from_the_cname_chain(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_INET, SOCK_STREAM,
	    EVUTIL_AI_CANONNAME);
	struct answer a = { 0 }, b = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_getaddrinfo(dns, "cname.example", NULL, &h, record_answer, &a);
	evdns_getaddrinfo(dns, "plain.example", NULL, &h, record_answer, &b);
	run_until(base, &a.calls, LIMIT);
	run_until(base, &b.calls, LIMIT);
	assert_string_equal(a.canon, "target.example");
	assert_string_equal(b.canon, "plain.example");
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_dns_errors_become_getaddrinfo_errors(void **state)
{
	struct test_server s;
	struct raw_responder silent;
	struct evdns_base *dns, *dead;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer nx = { 0 }, nodata = { 0 }, timeout = { 0 };

	(void)state;
	test_server_start(&s, base);
	raw_responder_start(&silent, base, NULL, NULL);
	dns = resolver_for(base, s.portno, 0, NULL);
	dead = resolver_for(base, silent.port, 0, "0.05");
	evdns_base_set_option(dead, "attempts", "1");
	evdns_getaddrinfo(dns, "nxdomain.example", NULL, &h, record_answer, &nx);
	evdns_getaddrinfo(dns, "nodata.example", NULL, &h, record_answer, &nodata);
	evdns_getaddrinfo(dead, "slow.example", NULL, &h, record_answer, &timeout);
	run_until(base, &nx.calls, LIMIT);
	run_until(base, &nodata.calls, LIMIT);
	run_until(base, &timeout.calls, LIMIT);
	assert_int_equal(nx.result, EVUTIL_EAI_NONAME);
	assert_int_equal(nodata.result, EVUTIL_EAI_NODATA);
	assert_int_equal(timeout.result, EVUTIL_EAI_AGAIN);
	assert_int_equal(nx.n + nodata.n + timeout.n, 0);
	evdns_base_free(dns, 0);
	evdns_base_free(dead, 0);
	raw_responder_stop(&silent);
	test_server_stop(&s);
}

static void
test_arguments_are_copied(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct evutil_addrinfo *h = malloc(sizeof(*h));
	char *node = strdup("copied.example"), *serv = strdup("8080");
	struct answer a = { 0 };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	*h = hints_for(AF_INET, SOCK_STREAM, 0);
	evdns_getaddrinfo(dns, node, serv, h, record_answer, &a);
	memset(node, 'X', strlen(node));
	free(node);
	free(serv);
	free(h);
	run_until(base, &a.calls, LIMIT);
	assert_string_equal(a.addr[0], "192.0.2.1/8080/1");
	assert_int_equal(strcasecmp(s.seen[0], "copied.example"), 0);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* ---- Cancel and free ---- */

static void
test_cancel_calls_back_once_with_cancel(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 };
	struct evdns_getaddrinfo_request *req;
	unsigned only = EVDNS_TYPE_A;

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_for(base, r.port, 0, "0.05");
	req = evdns_getaddrinfo(dns, "c.example", NULL, &h, record_answer, &a);
	assert_non_null(req);
	evdns_getaddrinfo_cancel(req);
	assert_int_equal(a.calls, 0);
	run_until(base, &a.calls, LIMIT);
	assert_int_equal(a.result, EVUTIL_EAI_CANCEL);
	/* Cancelled while waiting for the second half: still CANCEL. */
	r.script = answer_one_family;
	r.arg = &only;
	evdns_base_set_option(dns, "timeout", "5");
	req = evdns_getaddrinfo(dns, "d.example", NULL, &h, record_answer, &b);
	run_until_at_least(base, &r.queries, 4, LIMIT);
	run_for(base, 20);			/* the A answer is in */
	assert_int_equal(b.calls, 0);
	evdns_getaddrinfo_cancel(req);
	run_until(base, &b.calls, LIMIT);
	assert_int_equal(b.result, EVUTIL_EAI_CANCEL);
	run_for(base, 20);
	assert_int_equal(a.calls + b.calls, 2);
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
}

static void
test_free_calls_outstanding_getaddrinfo_back_either_way(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	struct evutil_addrinfo h = hints_for(AF_UNSPEC, SOCK_STREAM, 0);
	struct answer a = { 0 }, b = { 0 };

	(void)state;
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_getaddrinfo(dns, "a.example", NULL, &h, record_answer, &a);
	evdns_base_free(dns, 0);		/* libevent 2.1: never called */
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.result, EVUTIL_EAI_CANCEL);
	dns = resolver_for(base, r.port, 0, NULL);
	evdns_getaddrinfo(dns, "b.example", NULL, &h, record_answer, &b);
	evdns_base_free(dns, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.result, EVUTIL_EAI_FAIL);
	run_for(base, 20);
	assert_int_equal(a.calls + b.calls, 2);
	raw_responder_stop(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, dns_setup, dns_teardown)
		T(test_numeric_hosts_are_answered_before_the_call_returns),
		T(test_bad_arguments_are_answered_at_once),
		T(test_hosts_file_names_are_answered_without_a_packet),
		T(test_hosts_name_of_the_other_family_is_asked_of_dns),
		T(test_hosts_name_with_a_trailing_dot_is_found),
		T(test_bad_hosts_lines_are_skipped_and_clearing_forgets_all),
		T(test_localhost_is_loopback_without_any_hosts_file),
		T(test_many_hosts_entries_grow_the_table),
		T(test_both_families_are_asked_in_parallel_v4_listed_first),
		T(test_second_family_is_given_up_after_the_allowed_skew),
		T(test_answer_in_both_families_lists_ipv4_then_ipv6),
		T(test_canonical_name_comes_from_the_cname_chain),
		T(test_dns_errors_become_getaddrinfo_errors),
		T(test_arguments_are_copied),
		T(test_cancel_calls_back_once_with_cancel),
		T(test_free_calls_outstanding_getaddrinfo_back_either_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
