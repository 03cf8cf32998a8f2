/* Chapter 09 test helpers that use the library's DNS code: the table-driven
 * evdns test server (a real server on 127.0.0.1), resolvers pointed at local
 * servers, and the recording callback (see dns_test.h). */
#include "dns_test.h"
#include "evdns-internal.h"

#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

/* ---- The fixture ---- */

struct event_base *base;

int
dns_setup(void **state)
{
	(void)state;
	base = event_base_new();
	return base ? 0 : -1;
}

int
dns_teardown(void **state)
{
	(void)state;
	evdns_use_system_files(NULL, NULL);
	event_base_free(base);
	base = NULL;
	remove_temp_files();
	return 0;
}

/* ---- The evdns test server ---- */

static int
has_prefix(const char *name, const char *prefix)
{
	return strncasecmp(name, prefix, strlen(prefix)) == 0;
}

static void
answer_from_table(struct test_server *s, struct evdns_server_request *req)
{
	const struct evdns_server_question *q = req->questions[0];
	static const unsigned char v4[4] = { 192, 0, 2, 1 };
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	unsigned char many[20 * 4];
	int i;

	(void)s;
	if (has_prefix(q->name, "nxdomain")) {
		evdns_server_request_respond(req, DNS_ERR_NOTEXIST);
		return;
	}
	if (has_prefix(q->name, "cname.")) {
		evdns_server_request_add_cname_reply(req, q->name,
		    "target.example", 100);
		if (q->type == EVDNS_TYPE_A)
			evdns_server_request_add_a_reply(req, "target.example",
			    1, v4, 30);
	} else if (has_prefix(q->name, "many.") && q->type == EVDNS_TYPE_A) {
		for (i = 0; i < 20; i++) {
			many[4 * i] = 10;
			many[4 * i + 1] = 0;
			many[4 * i + 2] = 0;
			many[4 * i + 3] = (unsigned char)(i + 1);
		}
		evdns_server_request_add_a_reply(req, q->name, 20, many, 60);
	} else if (has_prefix(q->name, "nodata.")) {
		/* the name exists, with no records of any type */
	} else if (q->type == EVDNS_TYPE_A && !has_prefix(q->name, "v6only.")) {
		evdns_server_request_add_a_reply(req, q->name, 1, v4, 60);
	} else if (q->type == EVDNS_TYPE_AAAA && !has_prefix(q->name, "v4only.")) {
		evdns_server_request_add_aaaa_reply(req, q->name, 1, v6, 60);
	} else if (q->type == EVDNS_TYPE_PTR) {
		evdns_server_request_add_ptr_reply(req, NULL, q->name,
		    "host.example", 60);
	}
	evdns_server_request_respond(req, 0);
}

static void
test_server_cb(struct evdns_server_request *req, void *arg)
{
	struct test_server *s = arg;

	s->queries++;
	if (req->nquestions > 0) {
		s->last_type = req->questions[0]->type;
		if (s->nseen < 64)
			s->seen[s->nseen++] = strdup(req->questions[0]->name);
	}
	if (s->silent || req->nquestions != 1)
		evdns_server_request_drop(req);
	else if (s->rcode)
		evdns_server_request_respond(req, s->rcode);
	else if (s->answer)
		s->answer(s, req);
	else
		answer_from_table(s, req);
}

void
test_server_start(struct test_server *s, struct event_base *base)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->fd = udp_socket_on_loopback(&s->portno);
	s->port = evdns_add_server_port_with_base(base, s->fd, 0,
	    test_server_cb, s);
	assert_non_null(s->port);
}

void
test_server_stop(struct test_server *s)
{
	int i;

	evdns_close_server_port(s->port);	/* and its socket */
	for (i = 0; i < s->nseen; i++)
		free(s->seen[i]);
	s->nseen = 0;
}

int
test_server_index_of(const struct test_server *s, const char *name)
{
	int i;

	for (i = 0; i < s->nseen; i++)
		if (strcasecmp(s->seen[i], name) == 0)
			return i;
	return -1;
}
/* ---- Resolvers ---- */

struct evdns_base *
resolver_for(struct event_base *base, int port_a, int port_b,
    const char *timeout)
{
	struct evdns_base *dns = evdns_base_new(base, 0);
	char addr[64];

	assert_non_null(dns);
	if (port_a > 0)
		assert_int_equal(evdns_base_nameserver_ip_add(dns,
		    loopback_addr(addr, sizeof(addr), port_a)), 0);
	if (port_b > 0)
		assert_int_equal(evdns_base_nameserver_ip_add(dns,
		    loopback_addr(addr, sizeof(addr), port_b)), 0);
	/* Local servers answer in microseconds, valgrind or not: a short
	 * default keeps a broken build (an exercise half done) from waiting
	 * 15 s per lookup; three attempts leave slack for a loaded machine. */
	assert_int_equal(evdns_base_set_option(dns, "timeout",
	    timeout ? timeout : "0.5"), 0);
	return dns;
}

void
record_lookup(int result, char type, int count, int ttl, void *addresses,
    void *arg)
{
	struct lookup *l = arg;

	l->calls++;
	l->result = result;
	l->type = type;
	l->count = count;
	l->ttl = ttl;
	if (result == DNS_ERR_NONE && type == DNS_PTR)
		snprintf(l->ptr, sizeof(l->ptr), "%s", *(char **)addresses);
	else if (result == DNS_ERR_NONE && addresses)
		memcpy(l->addrs, addresses, (size_t)(count > 64 ? 64 : count) *
		    (type == DNS_IPv6_AAAA ? 16 : 4));
}
