/* Chapter 09: configuration -- options, resolv.conf (every keyword, every
 * flag, every return code), the search list and ndots counted at a real
 * server, name server addresses, the log, and #1388. */
#include "evdns-internal.h"
#include "dns_test.h"

#include <event2/dns.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define LIMIT 5000		/* ms: a safety net against hangs, not a timing */

static long
usec(struct timeval tv)
{
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* ---- Options ---- */

static void
test_every_option_is_read_into_its_setting(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	const struct evdns_options *o = &dns->opt;

	(void)state;
	assert_int_equal(evdns_base_set_option(dns, "ndots", "3"), 0);
	assert_int_equal(evdns_base_set_option(dns, "timeout", "0.25"), 0);
	assert_int_equal(evdns_base_set_option(dns, "max-timeouts", "7"), 0);
	assert_int_equal(evdns_base_set_option(dns, "max-inflight", "99"), 0);
	assert_int_equal(evdns_base_set_option(dns, "attempts", "4"), 0);
	assert_int_equal(evdns_base_set_option(dns, "randomize-case", "0"), 0);
	assert_int_equal(evdns_base_set_option(dns, "bind-to", "127.0.0.2"), 0);
	assert_int_equal(evdns_base_set_option(dns, "initial-probe-timeout", "1.5"), 0);
	assert_int_equal(evdns_base_set_option(dns, "getaddrinfo-allow-skew", "0.1"), 0);
	assert_int_equal(evdns_base_set_option(dns, "so-rcvbuf", "65536"), 0);
	assert_int_equal(evdns_base_set_option(dns, "so-sndbuf", "32768"), 0);
	assert_int_equal(evdns_base_set_option(dns, "rotate", ""), 0);
	assert_int_equal(o->ndots, 3);
	assert_int_equal(usec(o->timeout), 250000);
	assert_int_equal(o->max_timeouts, 7);
	assert_int_equal(o->max_inflight, 99);
	assert_int_equal(o->attempts, 4);
	assert_int_equal(o->randomize_case, 0);
	assert_int_equal(o->bind_to.ss_family, AF_INET);
	assert_int_equal(usec(o->initial_probe), 1500000);
	assert_int_equal(usec(o->getaddrinfo_skew), 100000);
	assert_int_equal(o->so_rcvbuf, 65536);
	assert_int_equal(o->so_sndbuf, 32768);
	assert_int_equal(o->rotate, 1);
	evdns_base_free(dns, 0);
}

static void
test_bad_values_are_refused_and_change_nothing(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	const struct evdns_options *o = &dns->opt;
	struct evdns_options before;
	static const char *const bad[][2] = {
		{ "ndots", "-1" }, { "ndots", "abc" }, { "ndots", "2x" },
		{ "ndots", "" }, { "timeout", "abc" }, { "timeout", "-1" },
		{ "timeout", "0" }, { "timeout", "nan" }, { "timeout", "inf" },
		{ "attempts", "-3" }, { "bind-to", "garbage" },
		{ "so-sndbuf", "x" }, { "initial-probe-timeout", "0" },
		{ "getaddrinfo-allow-skew", "-0.5" },
	};
	size_t i;

	(void)state;
	evdns_base_set_option(dns, "bind-to", "127.0.0.2");
	before = *o;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(evdns_base_set_option(dns, bad[i][0], bad[i][1]), -1);
		assert_memory_equal(o, &before, sizeof(before));
	}
	assert_int_equal(evdns_base_set_option(dns, "timeout", NULL), -1);
	evdns_base_free(dns, 0);
}

static void
test_values_beyond_bounds_are_clamped_and_colons_and_unknowns_accepted(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	const struct evdns_options *o = &dns->opt;

	(void)state;
	assert_int_equal(evdns_base_set_option(dns, "max-timeouts", "0"), 0);
	assert_int_equal(o->max_timeouts, 1);
	assert_int_equal(evdns_base_set_option(dns, "attempts", "300"), 0);
	assert_int_equal(o->attempts, 255);
	assert_int_equal(evdns_base_set_option(dns, "max-inflight", "100000"), 0);
	assert_int_equal(o->max_inflight, 16384);
	assert_int_equal(evdns_base_set_option(dns, "ndots:", "2"), 0);
	assert_int_equal(o->ndots, 2);
	assert_int_equal(evdns_base_set_option(dns, "no-such-option", "1"), 0);
	assert_int_equal(evdns_base_set_option(dns, "initial-probe-timeout",
	    "99999"), 0);
	assert_int_equal(o->initial_probe.tv_sec, 3600);
	evdns_base_free(dns, 0);
}

static void
note_requester(struct test_server *s, struct evdns_server_request *req)
{
	struct sockaddr_in sin;

	assert_int_equal(evdns_server_request_get_requesting_addr(req,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	s->rcode = 0;
	s->last_type = (int)ntohl(sin.sin_addr.s_addr);	/* borrow a field */
	evdns_server_request_respond(req, DNS_ERR_NOTEXIST);
}

static void
test_bind_to_and_buffer_sizes_reach_the_servers_sockets(void **state)
{
	struct test_server s;
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct lookup l = { 0 };
	char addr[64];
	int got;
	socklen_t len = sizeof(got);

	(void)state;
	test_server_start(&s, base);
	s.answer = note_requester;
	assert_int_equal(evdns_base_set_option(dns, "bind-to", "127.0.0.2"), 0);
	evdns_base_nameserver_ip_add(dns, loopback_addr(addr, sizeof(addr), s.portno));
	assert_int_equal(evdns_base_set_option(dns, "so-rcvbuf", "65536"), 0);
	assert_int_equal(getsockopt(dns->servers->fd, SOL_SOCKET, SO_RCVBUF, &got,
	    &len), 0);
	assert_int_equal(got, 2 * 65536);	/* Linux doubles it */
	evdns_base_resolve_ipv4(dns, "who.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(s.last_type, 0x7f000002);	/* asked from 127.0.0.2 */
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* ---- Name server addresses ---- */

static void
test_name_server_addresses_in_every_form(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	static const char *const good[] = { "127.0.0.1", "127.0.0.1:5353",
		"[::1]:54", "::2", "[::3]" };
	static const char *const bad[] = { "1.2.3", "", "127.0.0.1:99999",
		"[::1", "localhost", "127.0.0.1:0", "127.0.0.3 ", "[::1]:0" };
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(evdns_base_nameserver_ip_add(dns, good[i]), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(evdns_base_nameserver_ip_add(dns, bad[i]), -1);
	assert_int_equal(evdns_base_nameserver_ip_add(dns, "127.0.0.1:53"), -1);
	assert_int_equal(evdns_base_count_nameservers(dns), 5);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 0,
	    (struct sockaddr *)&ss, sizeof(ss)), (int)sizeof(*sin));
	assert_int_equal(ntohs(sin->sin_port), 53);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 1,
	    (struct sockaddr *)&ss, sizeof(ss)), (int)sizeof(*sin));
	assert_int_equal(ntohs(sin->sin_port), 5353);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 2,
	    (struct sockaddr *)&ss, sizeof(ss)), (int)sizeof(*sin6));
	assert_int_equal(ntohs(sin6->sin6_port), 54);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 4,
	    (struct sockaddr *)&ss, sizeof(ss)), (int)sizeof(*sin6));
	assert_int_equal(ntohs(sin6->sin6_port), 53);
	memset(&ss, 0xee, sizeof(ss));
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 2,
	    (struct sockaddr *)&ss, 4), (int)sizeof(*sin6));	/* size needed */
	assert_int_equal(((unsigned char *)&ss)[0], 0xee);	/* nothing written */
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 5,
	    (struct sockaddr *)&ss, sizeof(ss)), -1);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, -1,
	    (struct sockaddr *)&ss, sizeof(ss)), -1);
	assert_int_equal(evdns_base_nameserver_add(dns, htonl(0x7f000009)), 0);
	assert_int_equal(evdns_base_get_nameserver_addr(dns, 5,
	    (struct sockaddr *)&ss, sizeof(ss)), (int)sizeof(*sin));
	assert_int_equal(sin->sin_addr.s_addr, htonl(0x7f000009));
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	assert_int_equal(evdns_base_nameserver_sockaddr_add(dns,
	    (struct sockaddr *)&ss, sizeof(ss), 0), -1);
	sin->sin_family = AF_INET;
	sin->sin_port = 0;
	assert_int_equal(evdns_base_nameserver_sockaddr_add(dns,
	    (struct sockaddr *)&ss, sizeof(*sin), 0), -1);
	sin->sin_port = htons(53);
	assert_int_equal(evdns_base_nameserver_sockaddr_add(dns,
	    (struct sockaddr *)&ss, 4, 0), -1);
	assert_int_equal(evdns_base_count_nameservers(dns), 6);
	evdns_base_free(dns, 0);
}

/* ---- resolv.conf ---- */

static void
test_resolv_conf_keywords_options_and_comments(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	const struct evdns_options *o = &dns->opt;
	struct sockaddr_storage ss;
	const char *path = temp_file(0,
	    "# a comment\n"
	    "; another\n"
	    "nameserver 127.0.0.1:5301\n"
	    "nameserver bogus\n"
	    "nameserver [::1]:5302   # trailing comment\n"
	    "domain first.example\n"
	    "search a.example b.example\n"
	    "options ndots:2 timeout:0.2 attempts:1 rotate max-timeouts:2 "
	    "max-inflight:7 randomize-case:0 initial-probe-timeout:2 "
	    "getaddrinfo-allow-skew:0.5 so-sndbuf:8192 unknown:5 debug\n"
	    "sortlist 130.155.160.0/255.255.240.0\n");

	(void)state;
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL &
	    ~DNS_OPTION_HOSTSFILE, path), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 2);
	evdns_base_get_nameserver_addr(dns, 1, (struct sockaddr *)&ss, sizeof(ss));
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(dns->nsearch, 2);		/* search replaced domain */
	assert_string_equal(dns->search[0], "a.example");
	assert_string_equal(dns->search[1], "b.example");
	assert_int_equal(o->ndots, 2);
	assert_int_equal(usec(o->timeout), 200000);
	assert_int_equal(o->attempts, 1);
	assert_int_equal(o->rotate, 1);
	assert_int_equal(o->max_timeouts, 2);
	assert_int_equal(o->max_inflight, 7);
	assert_int_equal(o->randomize_case, 0);
	assert_int_equal(o->initial_probe.tv_sec, 2);
	assert_int_equal(usec(o->getaddrinfo_skew), 500000);
	assert_int_equal(o->so_sndbuf, 8192);
	evdns_base_free(dns, 0);
}

static void
test_resolv_conf_flags_choose_what_is_taken(void **state)
{
	const char *path = temp_file(0, "nameserver 127.0.0.1:5301\n"
	    "search s.example\noptions ndots:4 attempts:2\n");
	struct evdns_base *dns;

	(void)state;
	dns = evdns_base_new(base, 0);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTION_SEARCH, path), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 0);
	assert_int_equal(dns->nsearch, 1);
	assert_int_equal(dns->opt.ndots, 4);
	assert_int_equal(dns->opt.attempts, 3);		/* MISC not asked */
	evdns_base_free(dns, 0);
	dns = evdns_base_new(base, 0);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTION_MISC, path), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 0);
	assert_int_equal(dns->nsearch, 0);
	assert_int_equal(dns->opt.ndots, 1);		/* SEARCH not asked */
	assert_int_equal(dns->opt.attempts, 2);
	evdns_base_free(dns, 0);
	dns = evdns_base_new(base, 0);
	assert_int_equal(evdns_base_resolv_conf_parse(dns,
	    DNS_OPTION_NAMESERVERS, path), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 1);
	assert_int_equal(dns->nsearch, 0);
	evdns_base_free(dns, 0);
}

static void
test_resolv_conf_without_servers_is_6_with_127_0_0_1(void **state)
{
	const char *path = temp_file(0, "search only.example\n");
	struct evdns_base *dns = evdns_base_new(base, 0);
	struct sockaddr_in sin;

	(void)state;
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL &
	    ~DNS_OPTION_HOSTSFILE, path), 6);
	assert_int_equal(evdns_base_count_nameservers(dns), 1);
	evdns_base_get_nameserver_addr(dns, 0, (struct sockaddr *)&sin, sizeof(sin));
	assert_int_equal(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(ntohs(sin.sin_port), 53);
	evdns_base_free(dns, 0);
	dns = evdns_base_new(base, 0);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL |
	    DNS_OPTION_NAMESERVERS_NO_DEFAULT, path), 0);
	assert_int_equal(evdns_base_count_nameservers(dns), 0);
	evdns_base_free(dns, 0);
}

static int fail_size;
static void *
failing_malloc(size_t n)
{
	return n == (size_t)fail_size ? NULL : malloc(n);
}

static void
test_resolv_conf_return_codes(void **state)
{
	struct evdns_base *dns;
	char big[70000], dir[] = "/tmp/litevent-dns-dirXXXXXX";
	const char *path;

	(void)state;
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dns = evdns_base_new(base, 0);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL &
	    ~DNS_OPTION_HOSTSFILE, "/nonexistent/resolv.conf"), 1);
	assert_int_equal(evdns_base_count_nameservers(dns), 1);	/* default */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, dir), 2);
	rmdir(dir);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL,
	    temp_file(0, big)), 3);
	path = temp_file(1, "nameserver 127.0.0.1:5999\n");
	fail_size = (int)strlen("nameserver 127.0.0.1:5999\n") + 1;
	event_set_mem_functions(failing_malloc, realloc, free);
	assert_int_equal(evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, path), 4);
	event_set_mem_functions(NULL, NULL, NULL);
	assert_int_equal(evdns_base_count_nameservers(dns), 1);	/* unchanged */
	assert_int_equal(evdns_base_resolv_conf_parse(NULL, 0, path), 1);
	evdns_base_free(dns, 0);
}

/* #1388: a resolv.conf without name servers still makes a resolver. */
static void
test_new_resolver_on_a_resolv_conf_without_servers_uses_127_0_0_1(void **state)
{
	struct evdns_base *dns;
	struct sockaddr_in sin;
	char dir[] = "/tmp/litevent-dns-dirXXXXXX";

	(void)state;
	evdns_use_system_files(temp_file(0, "search x.example\n"),
	    temp_file(1, "127.0.0.1 localhost\n"));
	dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	assert_non_null(dns);			/* libevent 2.1: NULL */
	assert_int_equal(evdns_base_count_nameservers(dns), 1);
	evdns_base_get_nameserver_addr(dns, 0, (struct sockaddr *)&sin, sizeof(sin));
	assert_int_equal(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	evdns_base_free(dns, 0);
	dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_NAMESERVERS_NO_DEFAULT);
	assert_non_null(dns);
	assert_int_equal(evdns_base_count_nameservers(dns), 0);
	evdns_base_free(dns, 0);
	evdns_use_system_files("/nonexistent/resolv.conf", NULL);
	dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	assert_non_null(dns);			/* a missing file: the same default */
	assert_int_equal(evdns_base_count_nameservers(dns), 1);
	evdns_base_free(dns, 0);
	assert_non_null(mkdtemp(dir));
	evdns_use_system_files(dir, NULL);
	assert_null(evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS));
	rmdir(dir);
}

/* ---- The search list, counted at the server ---- */

struct only {
	const char *exists;	/* answered; every other name is NXDOMAIN */
	const char *empty;	/* exists with no records */
};

static void
answer_only(struct test_server *s, struct evdns_server_request *req)
{
	const struct only *o = s->arg;
	const char *name = req->questions[0]->name;
	static const unsigned char a[4] = { 10, 9, 8, 7 };

	if (o->exists && strcasecmp(name, o->exists) == 0)
		evdns_server_request_add_a_reply(req, name, 1, a, 60);
	else if (!(o->empty && strcasecmp(name, o->empty) == 0)) {
		evdns_server_request_respond(req, DNS_ERR_NOTEXIST);
		return;
	}
	evdns_server_request_respond(req, 0);
}

static struct lookup
search_for(struct test_server *s, struct evdns_base *dns, const char *name,
    int flags, struct only *o)
{
	struct lookup l = { 0 };
	int i;

	for (i = 0; i < s->nseen; i++)
		free(s->seen[i]);
	s->nseen = 0;
	s->arg = o;
	s->answer = answer_only;
	evdns_base_resolve_ipv4(dns, name, flags, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	return l;
}

static void
assert_asked(const struct test_server *s, const char *const *names, int n)
{
	int i;

	assert_int_equal(s->nseen, n);
	for (i = 0; i < n; i++)
		assert_int_equal(strcasecmp(s->seen[i], names[i]), 0);
}

static void
test_short_names_try_the_search_list_first(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct only o = { NULL, NULL };
	struct lookup l;
	static const char *const order[] = { "build.a.example",
		"build.b.example", "build" };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, "a.example");
	evdns_base_search_add(dns, ".b.example.");	/* dots trimmed */
	l = search_for(&s, dns, "build", 0, &o);
	assert_int_equal(l.result, DNS_ERR_NOTEXIST);
	assert_asked(&s, order, 3);
	o.exists = "build.b.example";
	l = search_for(&s, dns, "build", 0, &o);
	assert_int_equal(l.result, DNS_ERR_NONE);
	assert_asked(&s, order, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_names_with_ndots_dots_are_tried_as_they_are_first(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct only o = { NULL, NULL };
	struct lookup l;
	static const char *const as_is_first[] = { "www.example.com",
		"www.example.com.a.example" };
	static const char *const as_is_last[] = { "www.example.com.a.example",
		"www.example.com" };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, "a.example");
	l = search_for(&s, dns, "www.example.com", 0, &o);
	assert_int_equal(l.result, DNS_ERR_NOTEXIST);
	assert_asked(&s, as_is_first, 2);
	evdns_base_search_ndots_set(dns, 3);
	l = search_for(&s, dns, "www.example.com", 0, &o);
	assert_asked(&s, as_is_last, 2);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_qualified_names_and_no_search_ask_once(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct only o = { NULL, NULL };
	static const char *const once[] = { "build" };

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, "a.example");
	search_for(&s, dns, "build.", 0, &o);
	assert_asked(&s, once, 1);
	search_for(&s, dns, "build", DNS_QUERY_NO_SEARCH, &o);
	assert_asked(&s, once, 1);
	evdns_base_search_clear(dns);
	search_for(&s, dns, "build", 0, &o);
	assert_asked(&s, once, 1);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_search_that_met_an_empty_name_reports_nodata(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct only o = { NULL, "host.a.example" };
	struct lookup l;

	(void)state;
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, "a.example");
	evdns_base_search_add(dns, "b.example");
	l = search_for(&s, dns, "host", 0, &o);
	assert_int_equal(s.nseen, 3);		/* it went on after the empty one */
	assert_int_equal(l.result, DNS_ERR_NODATA);
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

static void
test_candidates_too_long_for_dns_are_skipped(void **state)
{
	struct test_server s;
	struct evdns_base *dns;
	struct only o = { NULL, NULL };
	char name[250], domain[64];

	(void)state;
	memset(name, 'n', 60);
	name[60] = '.';
	memset(name + 61, 'n', 60);
	name[121] = '.';
	memset(name + 122, 'n', 60);
	name[182] = '.';
	memset(name + 183, 'n', 40);
	name[223] = '\0';			/* 223 characters, 3 dots */
	memset(domain, 'd', 40);
	domain[40] = '\0';
	test_server_start(&s, base);
	dns = resolver_for(base, s.portno, 0, NULL);
	evdns_base_search_add(dns, domain);	/* name.domain: 264 > 253 */
	evdns_base_search_add(dns, "ok");
	search_for(&s, dns, name, 0, &o);
	assert_int_equal(s.nseen, 2);		/* as is, then .ok */
	evdns_base_free(dns, 0);
	test_server_stop(&s);
}

/* ---- Strings, the log, the ignored random functions ---- */

static void
test_every_error_code_has_its_own_description(void **state)
{
	static const int codes[] = { DNS_ERR_NONE, DNS_ERR_FORMAT,
		DNS_ERR_SERVERFAILED, DNS_ERR_NOTEXIST, DNS_ERR_NOTIMPL,
		DNS_ERR_REFUSED, DNS_ERR_TRUNCATED, DNS_ERR_UNKNOWN,
		DNS_ERR_TIMEOUT, DNS_ERR_SHUTDOWN, DNS_ERR_CANCEL, DNS_ERR_NODATA };
	size_t i, j;

	(void)state;
	for (i = 0; i < 12; i++)
		for (j = i + 1; j < 12; j++)
			assert_string_not_equal(evdns_err_to_string(codes[i]),
			    evdns_err_to_string(codes[j]));
	assert_non_null(strstr(evdns_err_to_string(6), "unknown"));
	assert_non_null(strstr(evdns_err_to_string(-1), "unknown"));
}

static int log_warnings;
static char last_log[512];

static void
capture_log(int is_warning, const char *msg)
{
	log_warnings += is_warning;
	snprintf(last_log, sizeof(last_log), "%s", msg);
}

static uint16_t
constant_id(void)
{
	return 7;
}

static void
constant_bytes(char *buf, size_t n)
{
	memset(buf, 0, n);
}

static void
test_log_goes_to_the_programs_function(void **state)
{
	struct evdns_base *dns = evdns_base_new(base, 0);

	(void)state;
	evdns_set_log_fn(capture_log);
	log_warnings = 0;
	assert_int_equal(evdns_base_nameserver_ip_add(dns, "not-an-address"), -1);
	assert_int_equal(log_warnings, 1);
	assert_non_null(strstr(last_log, "not-an-address"));
	evdns_set_log_fn(NULL);
	evdns_base_free(dns, 0);
}

static void
test_old_random_functions_are_ignored(void **state)
{
	struct raw_responder r;
	struct evdns_base *dns;
	int i;

	(void)state;
	evdns_set_transaction_id_fn(constant_id);
	evdns_set_random_bytes_fn(constant_bytes);
	raw_responder_start(&r, base, NULL, NULL);
	dns = resolver_for(base, r.port, 0, NULL);
	for (i = 0; i < 2; i++)
		evdns_base_resolve_ipv4(dns, "x.example", 0, record_lookup, NULL);
	run_until_at_least(base, &r.queries, 1, LIMIT);
	assert_int_not_equal(r.last.id, 7);	/* 1 in 65536 to fail */
	evdns_base_free(dns, 0);
	raw_responder_stop(&r);
	evdns_set_transaction_id_fn(NULL);
	evdns_set_random_bytes_fn(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, dns_setup, dns_teardown)
		T(test_every_option_is_read_into_its_setting),
		T(test_bad_values_are_refused_and_change_nothing),
		T(test_values_beyond_bounds_are_clamped_and_colons_and_unknowns_accepted),
		T(test_bind_to_and_buffer_sizes_reach_the_servers_sockets),
		T(test_name_server_addresses_in_every_form),
		T(test_resolv_conf_keywords_options_and_comments),
		T(test_resolv_conf_flags_choose_what_is_taken),
		T(test_resolv_conf_without_servers_is_6_with_127_0_0_1),
		T(test_resolv_conf_return_codes),
		T(test_new_resolver_on_a_resolv_conf_without_servers_uses_127_0_0_1),
		T(test_short_names_try_the_search_list_first),
		T(test_names_with_ndots_dots_are_tried_as_they_are_first),
		T(test_qualified_names_and_no_search_ask_once),
		T(test_search_that_met_an_empty_name_reports_nodata),
		T(test_candidates_too_long_for_dns_are_skipped),
		T(test_every_error_code_has_its_own_description),
		T(test_log_goes_to_the_programs_function),
		T(test_old_random_functions_are_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
