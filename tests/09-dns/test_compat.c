/* Chapter 09: the obsolete global resolver of dns_compat.h and the 1.x
 * header <evdns.h>, on the current base of event_init(). */
#include <evdns.h>

#include "evdns-internal.h"
#include "dns_test.h"

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define LIMIT 5000		/* ms: a safety net against hangs, not a timing */

static void
test_calls_before_evdns_init_fail_quietly(void **state)
{
	(void)state;
	assert_null(evdns_get_global_base());
	assert_int_equal(evdns_count_nameservers(), 0);
	assert_int_equal(evdns_nameserver_ip_add("127.0.0.1"), -1);
	assert_int_equal(evdns_resolve_ipv4("x", 0, record_lookup, NULL), -1);
	assert_int_equal(evdns_set_option("ndots", "2", 0), -1);
	evdns_search_add("nothing.example");
	evdns_shutdown(1);
}

static void
test_global_resolver_does_what_the_modern_calls_do(void **state)
{
	struct event_base *base = event_init();
	struct test_server s;
	struct lookup l4 = { 0 }, l6 = { 0 }, lr = { 0 }, lr6 = { 0 };
	struct in_addr a;
	struct in6_addr a6;
	char addr[64];

	(void)state;
	evdns_use_system_files(temp_file(0, "options ndots:3\n"),
	    temp_file(1, "127.0.0.1 localhost\n"));
	assert_int_equal(evdns_init(), 0);
	assert_int_equal(evdns_init(), 0);		/* again: harmless */
	assert_non_null(evdns_get_global_base());
	assert_int_equal(evdns_get_global_base()->opt.ndots, 3);
	assert_int_equal(evdns_count_nameservers(), 1);	/* the default */
	assert_int_equal(evdns_clear_nameservers_and_suspend(), 0);
	test_server_start(&s, base);
	assert_int_equal(evdns_nameserver_ip_add(loopback_addr(addr, sizeof(addr),
	    s.portno)), 0);
	assert_int_equal(evdns_nameserver_add(htonl(0x7f00000a)), 0);
	assert_int_equal(evdns_count_nameservers(), 2);
	assert_int_equal(evdns_resume(), 0);
	assert_int_equal(evdns_set_option("randomize-case", "0", 0), 0);
	evdns_search_ndots_set(1);
	evdns_search_add("compat.example");
	evdns_search_clear();
	assert_int_equal(evdns_resolve_ipv4("old.example", 0, record_lookup, &l4), 0);
	assert_int_equal(evdns_resolve_ipv6("old.example", 0, record_lookup, &l6), 0);
	a.s_addr = htonl(0x01020304);
	inet_pton(AF_INET6, "::1", &a6);
	assert_int_equal(evdns_resolve_reverse(&a, 0, record_lookup, &lr), 0);
	assert_int_equal(evdns_resolve_reverse_ipv6(&a6, 0, record_lookup, &lr6), 0);
	run_until(base, &l4.calls, LIMIT);
	run_until(base, &l6.calls, LIMIT);
	run_until(base, &lr.calls, LIMIT);
	run_until(base, &lr6.calls, LIMIT);
	assert_int_equal(l4.result + l6.result + lr.result + lr6.result, 0);
	assert_string_equal(s.seen[0], "old.example");	/* no case mixing */
	assert_string_equal(lr.ptr, "host.example");
	assert_int_equal(evdns_resolv_conf_parse(DNS_OPTION_MISC,
	    temp_file(2, "options attempts:5\n")), 0);
	assert_int_equal(evdns_get_global_base()->opt.attempts, 5);
	assert_int_equal(evdns_resolve_ipv4("a..b", 0, record_lookup, &l4), -1);
	evdns_shutdown(0);
	assert_null(evdns_get_global_base());
	test_server_stop(&s);
	evdns_use_system_files(NULL, NULL);
	event_base_free(base);
	remove_temp_files();
}

static void
test_shutdown_fails_outstanding_requests(void **state)
{
	struct event_base *base = event_init();
	struct raw_responder silent;
	struct lookup l = { 0 };
	char addr[64];

	(void)state;
	raw_responder_start(&silent, base, NULL, NULL);
	evdns_use_system_files(temp_file(0, ""), NULL);
	assert_int_equal(evdns_init(), 0);
	evdns_clear_nameservers_and_suspend();
	evdns_nameserver_ip_add(loopback_addr(addr, sizeof(addr), silent.port));
	evdns_resume();
	assert_int_equal(evdns_resolve_ipv4("x.example", 0, record_lookup, &l), 0);
	evdns_shutdown(1);
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.result, DNS_ERR_SHUTDOWN);
	raw_responder_stop(&silent);
	evdns_use_system_files(NULL, NULL);
	event_base_free(base);
	remove_temp_files();
}

static void
answer_once(struct evdns_server_request *req, void *arg)
{
	int *calls = arg;
	static const unsigned char a[4] = { 1, 1, 1, 1 };

	(*calls)++;
	evdns_server_request_add_a_reply(req, req->questions[0]->name, 1, a, 9);
	evdns_server_request_respond(req, 0);
}

static void
test_old_server_port_runs_on_the_current_base(void **state)
{
	struct event_base *base = event_init();
	struct evdns_server_port *port;
	struct evdns_base *dns;
	struct lookup l = { 0 };
	int fd, portno, calls = 0;

	(void)state;
	fd = udp_socket_on_loopback(&portno);
	port = evdns_add_server_port(fd, 0, answer_once, &calls);
	assert_non_null(port);
	dns = resolver_for(base, portno, 0, NULL);
	evdns_base_resolve_ipv4(dns, "q.example", 0, record_lookup, &l);
	run_until(base, &l.calls, LIMIT);
	assert_int_equal(calls, 1);
	assert_int_equal(l.ttl, 9);
	evdns_base_free(dns, 0);
	evdns_close_server_port(port);		/* and fd */
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_before_evdns_init_fail_quietly),
		cmocka_unit_test(test_global_resolver_does_what_the_modern_calls_do),
		cmocka_unit_test(test_shutdown_fails_outstanding_requests),
		cmocka_unit_test(test_old_server_port_runs_on_the_current_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
