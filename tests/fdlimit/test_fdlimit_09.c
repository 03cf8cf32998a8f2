/* Chapter 09 with the descriptor table full: an evdns server on 127.0.0.1
 * and a resolver that asks it one question.  Short of a descriptor for the
 * server's socket, the name server's socket or the event base's, the call
 * that needed it fails (evdns_base_nameserver_ip_add() returns nonzero and
 * adds nothing: the resolver still has no server) and nothing stays open;
 * with enough, the lookup is answered. */
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fdlimit.h"

struct outcome {
	int calls;
	int result;
	unsigned char addr[4];
};

static void
answer(struct evdns_server_request *req, void *arg)
{
	static const unsigned char a[4] = { 192, 0, 2, 9 };

	(void)arg;
	if (req->nquestions == 1 && req->questions[0]->type == EVDNS_TYPE_A)
		evdns_server_request_add_a_reply(req, req->questions[0]->name, 1,
		    a, 60);
	evdns_server_request_respond(req, 0);
}

static void
got(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	struct outcome *o = arg;

	(void)ttl;
	o->calls++;
	o->result = result;
	if (result == DNS_ERR_NONE && type == DNS_IPv4_A && count == 1)
		memcpy(o->addr, addrs, 4);
}

static int
udp_on_loopback(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FD_CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	FD_CHECK(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static int
serve_and_ask_once(void)
{
	struct outcome o = { 0, -1, { 0 } };
	static const unsigned char want[4] = { 192, 0, 2, 9 };
	struct timeval limit = { 5, 0 };
	struct event_base *base = event_base_new();
	struct evdns_server_port *port = NULL;
	struct evdns_base *dns = NULL;
	struct event *guard = NULL;
	char addr[32];
	int fd = -1, portno = 0, r = -1, err = 0;

	if (base == NULL)
		return -1;
	if ((fd = udp_on_loopback(&portno)) < 0) {
		err = errno;		/* the test's own socket: EMFILE */
		goto out;
	}
	port = evdns_add_server_port_with_base(base, fd, 0, answer, NULL);
	FD_CHECK(port != NULL);		/* it opens nothing of its own */
	dns = evdns_base_new(base, 0);
	FD_CHECK(dns != NULL);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", portno);
	if (evdns_base_nameserver_ip_add(dns, addr) != 0) {
		err = errno;		/* the name server's socket: EMFILE */
		FD_CHECK(evdns_base_count_nameservers(dns) == 0);
		goto out;
	}
	FD_CHECK(evdns_base_count_nameservers(dns) == 1);
	evdns_base_set_option(dns, "timeout", "1");
	FD_CHECK(evdns_base_resolve_ipv4(dns, "full.example", 0, got, &o) != NULL);
	guard = evtimer_new(base, stop, base);
	FD_CHECK(guard != NULL && evtimer_add(guard, &limit) == 0);
	while (o.calls == 0 && event_base_loop(base, EVLOOP_ONCE) == 0 &&
	    evtimer_pending(guard, NULL))
		;
	FD_CHECK(o.calls == 1);
	FD_CHECK(o.result == DNS_ERR_NONE);
	FD_CHECK(memcmp(o.addr, want, 4) == 0);
	r = 0;
out:
	if (guard)
		event_free(guard);
	if (dns)
		evdns_base_free(dns, 0);
	if (port)
		evdns_close_server_port(port);	/* and fd */
	else if (fd >= 0)
		close(fd);
	event_base_free(base);
	errno = err;			/* what the failure said, for the driver */
	return r;
}

static void
test_resolver_and_server_under_emfile(void **state)
{
	static const struct fd_scenario s = {
	    "evdns server + evdns_base_nameserver_ip_add + lookup",
	    serve_and_ask_once };

	(void)state;
	/* The base's epoll descriptor, the server's socket and the name
	 * server's socket. */
	assert_int_equal(fdlimit_check(&s), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolver_and_server_under_emfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
