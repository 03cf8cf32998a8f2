/* test_abi_dns.c -- a DNS program built against libevent 2.1's headers,
 * linked with libevent_extra-2.1.so.7, libevent_core-2.1.so.7 and
 * libevent_pthreads-2.1.so.7 (three shared libraries, so the DNS code calls
 * the core across a library boundary), run on litevent's libraries.
 *
 * The program also defines functions under names litevent's libraries once
 * used for internals (request_new, hosts_find, mm_malloc, ...), and is linked
 * with --export-dynamic, as programs that load plugins or print backtraces
 * are.  Had the libraries exported those internals, the loader would have
 * bound their calls to the program's functions; they must call their own.
 *
 * abi-link: -Wl,--export-dynamic -levent_extra -levent_core -levent_pthreads
 * abi-chapter: 09
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>

#include "litevent_proof.h"

/* ---- The program's own helpers, with names a library must not take ---- */

static int strangers_called;

#define PROGRAM_HELPER(type, name, fail)	\
	type name(void);			\
	type name(void)				\
	{					\
		strangers_called++;		\
		return fail;			\
	}
PROGRAM_HELPER(void *, mm_malloc, NULL)
PROGRAM_HELPER(void *, mm_calloc, NULL)
PROGRAM_HELPER(int, mm_free, 0)
PROGRAM_HELPER(void *, request_new, NULL)
PROGRAM_HELPER(int, request_free, 0)
PROGRAM_HELPER(void *, hosts_find, NULL)
PROGRAM_HELPER(int, nameserver_add, -1)
PROGRAM_HELPER(int, tcp_close, 0)
PROGRAM_HELPER(void *, evthread_lock_alloc, NULL)

static void
test_runs_on_litevent(void **state)
{
	(void)state;
	assert_int_equal(litevent_proof(), 0);
}

/* ---- A name server on 127.0.0.1 that knows one name ---- */

static const char served_name[] = "abi.litevent.test";
#define SERVED_ADDRESS "192.0.2.7"

static void
answer_query(struct evdns_server_request *req, void *arg)
{
	ev_uint32_t addr;

	(void)arg;
	if (req->nquestions == 1 && req->questions[0]->type == EVDNS_TYPE_A &&
	    evutil_ascii_strcasecmp(req->questions[0]->name, served_name) == 0) {
		inet_pton(AF_INET, SERVED_ADDRESS, &addr);
		evdns_server_request_add_a_reply(req, served_name, 1, &addr, 60);
		evdns_server_request_respond(req, 0);
	} else {
		evdns_server_request_respond(req, DNS_ERR_NOTEXIST);
	}
}

static evutil_socket_t
udp_socket_on_loopback(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	evutil_socket_t fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fd), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* ---- Lookups ---- */

struct outcome {
	struct event_base *base;
	int result, count, pending;
	char address[INET6_ADDRSTRLEN];
};

static void
on_resolved(int result, char type, int count, int ttl, void *addresses,
    void *arg)
{
	struct outcome *o = arg;

	(void)ttl;
	o->result = result;
	o->count = count;
	if (result == DNS_ERR_NONE && type == DNS_IPv4_A && count > 0)
		inet_ntop(AF_INET, addresses, o->address, sizeof(o->address));
	if (--o->pending == 0)
		event_base_loopexit(o->base, NULL);
}

static void
on_addrinfo(int result, struct evutil_addrinfo *res, void *arg)
{
	struct outcome *o = arg;

	o->result = result;
	if (result == 0 && res && res->ai_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;

		inet_ntop(AF_INET, &sin->sin_addr, o->address, sizeof(o->address));
		o->count = 1;
	}
	if (res)
		evutil_freeaddrinfo(res);
	if (--o->pending == 0)
		event_base_loopexit(o->base, NULL);
}

/* With pthreads locking on, an A lookup asked of a server on loopback, and
 * a getaddrinfo answered from a hosts file: the DNS library allocates, locks
 * and keeps its requests and hosts table through the core and itself. */
static void
test_lookups_use_the_libraries_own_internals(void **state)
{
	struct event_base *base;
	struct evdns_base *dns;
	struct evdns_server_port *port;
	struct evdns_getaddrinfo_request *gai;
	struct evutil_addrinfo hints;
	struct outcome a = { 0 }, h = { 0 };
	char hosts[] = "/tmp/litevent-abi-hosts-XXXXXX", server[32];
	int fd, portno;
	FILE *f;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	base = event_base_new();
	assert_non_null(base);
	port = evdns_add_server_port_with_base(base, udp_socket_on_loopback(&portno),
	    0, answer_query, NULL);
	assert_non_null(port);
	dns = evdns_base_new(base, 0);
	assert_non_null(dns);
	snprintf(server, sizeof(server), "127.0.0.1:%d", portno);
	assert_int_equal(evdns_base_nameserver_ip_add(dns, server), 0);
	fd = mkstemp(hosts);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("192.0.2.9 from-hosts.litevent.test\n", f);
	fclose(f);
	assert_int_equal(evdns_base_load_hosts(dns, hosts), 0);
	unlink(hosts);

	a.base = h.base = base;
	a.pending = h.pending = 1;
	assert_non_null(evdns_base_resolve_ipv4(dns, served_name, 0, on_resolved, &a));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	gai = evdns_getaddrinfo(dns, "from-hosts.litevent.test", NULL, &hints,
	    on_addrinfo, &h);
	(void)gai;	/* answered from the hosts file, maybe at once */
	while (a.pending || h.pending)
		assert_int_equal(event_base_dispatch(base), 0);

	assert_int_equal(a.result, DNS_ERR_NONE);
	assert_int_equal(a.count, 1);
	assert_string_equal(a.address, SERVED_ADDRESS);
	assert_int_equal(h.result, 0);
	assert_string_equal(h.address, "192.0.2.9");
	assert_int_equal(strangers_called, 0);

	evdns_base_free(dns, 0);
	evdns_close_server_port(port);
	event_base_free(base);
	libevent_global_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_on_litevent),
		cmocka_unit_test(test_lookups_use_the_libraries_own_internals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
