/* Chapter 09: the DNS server -- replies with compression, flags, drops,
 * the requesting address, truncation, malformed queries, closing. */
#include "dns-wire-internal.h"
#include "dns_test.h"

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* One server port and one raw client socket, both on 127.0.0.1. */
struct fixture {
	struct event_base *base;
	int server_fd, port;
	struct evdns_server_port *server;
	int client_fd;
	struct sockaddr_in to;
	/* what the callback does */
	void (*act)(struct fixture *, struct evdns_server_request *);
	int calls;
	struct evdns_server_request *held;	/* kept for later */
};

static void
server_cb(struct evdns_server_request *req, void *arg)
{
	struct fixture *f = arg;

	f->calls++;
	f->act(f, req);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int client_port;

	f->base = event_base_new();
	f->server_fd = udp_socket_on_loopback(&f->port);
	f->server = evdns_add_server_port_with_base(f->base, f->server_fd, 0,
	    server_cb, f);
	assert_non_null(f->server);
	f->client_fd = udp_socket_on_loopback(&client_port);
	f->to.sin_family = AF_INET;
	f->to.sin_port = htons((uint16_t)f->port);
	f->to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->server)
		evdns_close_server_port(f->server);	/* it closes server_fd */
	close(f->client_fd);
	event_base_free(f->base);
	free(f);
	return 0;
}

static void
send_msg(struct fixture *f, const struct msg *m)
{
	assert_int_equal(sendto(f->client_fd, m->b, m->len, 0,
	    (struct sockaddr *)&f->to, sizeof(f->to)), (ssize_t)m->len);
}

/* Send m and run the loop until the callback has run `calls` times: at
 * once, since the server answers in the same round; 1 s is a safety net. */
static void
ask(struct fixture *f, const struct msg *m, int calls)
{
	send_msg(f, m);
	run_until_at_least(f->base, &f->calls, calls, 1000);
}

/* The reply waiting on the client socket, or -1 when there is none. */
static ssize_t
reply(struct fixture *f, struct msg *r)
{
	ssize_t n = recv(f->client_fd, r->b, sizeof(r->b), MSG_DONTWAIT);

	r->len = n > 0 ? (size_t)n : 0;
	return n;
}

static void
query(struct msg *m, unsigned id, const char *name, unsigned type)
{
	m->len = 0;
	msg_header(m, id, DNS_FLAG_RD, 1, 0, 0, 0);
	msg_question(m, name, type);
}

static const unsigned char addr1[4] = { 192, 0, 2, 1 };

static void
answer_a(struct fixture *f, struct evdns_server_request *req)
{
	(void)f;
	assert_int_equal(evdns_server_request_add_a_reply(req,
	    req->questions[0]->name, 1, addr1, 300), 0);
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
test_query_is_answered_with_a_compressed_owner(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;
	struct dns_reader rd;
	struct dns_header h;
	struct dns_question qq;
	struct dns_rr rr;

	f->act = answer_a;
	query(&q, 0x1111, "wWw.Example.com", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	dns_reader_init(&rd, r.b, r.len);
	assert_int_equal(dns_get_header(&rd, &h), 0);
	assert_int_equal(h.id, 0x1111);
	assert_int_equal(h.flags, DNS_FLAG_QR | DNS_FLAG_RD);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(h.ancount, 1);
	assert_int_equal(dns_get_question(&rd, &qq), 0);
	assert_string_equal(qq.name, "wWw.Example.com");
	assert_int_equal(r.b[rd.pos], 0xc0);		/* the owner is a pointer */
	assert_int_equal(r.b[rd.pos + 1], 12);
	assert_int_equal(dns_get_rr(&rd, &rr), 0);
	assert_int_equal(rr.ttl, 300);
	assert_memory_equal(r.b + rr.rdata, addr1, 4);
	assert_int_equal(rd.pos, r.len);
	assert_int_equal(r.len, 12 + 17 + 4 + 16);
}

static void
set_aa_and_ra(struct fixture *f, struct evdns_server_request *req)
{
	(void)f;
	assert_int_equal(req->flags, DNS_FLAG_RD);
	evdns_server_request_set_flags(req, EVDNS_FLAGS_AA | EVDNS_FLAGS_RD);
	assert_int_equal(evdns_server_request_respond(req, DNS_ERR_NOTEXIST), 0);
}

static void
set_tc(struct fixture *f, struct evdns_server_request *req)
{
	(void)f;
	evdns_server_request_set_flags(req, DNS_FLAG_TC);
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
respond_with_flags_in_err(struct fixture *f, struct evdns_server_request *req)
{
	(void)f;
	assert_int_equal(evdns_server_request_respond(req, 0x7000), -1);
	assert_int_equal(evdns_server_request_respond(req,
	    EVDNS_FLAGS_AA | DNS_ERR_REFUSED), 0);
}

static void
test_flags_set_aa_and_ra_and_err_may_carry_them(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = set_aa_and_ra;
	query(&q, 2, "a.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[2] << 8 | r.b[3], DNS_FLAG_QR | DNS_FLAG_AA |
	    DNS_FLAG_RD | DNS_FLAG_RA | DNS_ERR_NOTEXIST);
	f->act = respond_with_flags_in_err;
	query(&q, 3, "b.example", EVDNS_TYPE_A);
	ask(f, &q, 2);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[2] << 8 | r.b[3], DNS_FLAG_QR | DNS_FLAG_AA |
	    DNS_FLAG_RD | DNS_ERR_REFUSED);
	assert_true(reply(f, &r) < 0);			/* one reply only */
}

/* As in libevent 2.1: a program may send its client to TCP. */
static void
test_program_may_set_tc_itself(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = set_tc;
	query(&q, 4, "tcp.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[2] << 8 | r.b[3], DNS_FLAG_QR | DNS_FLAG_TC |
	    DNS_FLAG_RD);
}

static void
drop_first(struct fixture *f, struct evdns_server_request *req)
{
	if (f->calls == 1)
		assert_int_equal(evdns_server_request_drop(req), 0);
	else
		answer_a(f, req);
}

static void
test_dropped_request_gets_no_reply(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = drop_first;
	query(&q, 7, "drop.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	query(&q, 8, "keep.example", EVDNS_TYPE_A);
	ask(f, &q, 2);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[0] << 8 | r.b[1], 8);	/* the first is never sent */
	assert_true(reply(f, &r) < 0);
}

static void
check_requesting_addr(struct fixture *f, struct evdns_server_request *req)
{
	struct sockaddr_storage ss;
	struct sockaddr_in client, *got = (struct sockaddr_in *)&ss;
	socklen_t len = sizeof(client);

	assert_int_equal(getsockname(f->client_fd, (struct sockaddr *)&client,
	    &len), 0);
	assert_int_equal(evdns_server_request_get_requesting_addr(req,
	    (struct sockaddr *)&ss, 4), -1);
	assert_int_equal(evdns_server_request_get_requesting_addr(req,
	    (struct sockaddr *)&ss, sizeof(ss)), 0);
	assert_int_equal(got->sin_family, AF_INET);
	assert_int_equal(got->sin_port, client.sin_port);
	assert_int_equal(got->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	evdns_server_request_drop(req);
}

static void
test_requesting_address_is_the_client(void **state)
{
	struct fixture *f = *state;
	struct msg q;

	f->act = check_requesting_addr;
	query(&q, 9, "who.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
}

static void
answer_sixty(struct fixture *f, struct evdns_server_request *req)
{
	unsigned char many[60 * 4];
	int i;

	(void)f;
	for (i = 0; i < 60; i++)
		memcpy(many + 4 * i, addr1, 4);
	assert_int_equal(evdns_server_request_add_a_reply(req,
	    req->questions[0]->name, 60, many, 60), 0);
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
test_too_many_answers_are_cut_with_tc_and_honest_counts(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;
	struct dns_reader rd;
	struct dns_header h;
	struct dns_question qq;
	struct dns_rr rr;
	int i;

	f->act = answer_sixty;
	query(&q, 10, "big.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_true(r.len <= DNS_MAX_UDP);
	dns_reader_init(&rd, r.b, r.len);
	assert_int_equal(dns_get_header(&rd, &h), 0);
	assert_true(h.flags & DNS_FLAG_TC);
	assert_true(h.ancount > 20 && h.ancount < 60);
	assert_int_equal(dns_get_question(&rd, &qq), 0);
	for (i = 0; i < h.ancount; i++)			/* every one is there */
		assert_int_equal(dns_get_rr(&rd, &rr), 0);
	assert_int_equal(rd.pos, r.len);
}

static void
answer_with_oversized_additional(struct fixture *f,
    struct evdns_server_request *req)
{
	char pad[600];

	(void)f;
	memset(pad, 'p', sizeof(pad));
	assert_int_equal(evdns_server_request_add_a_reply(req,
	    req->questions[0]->name, 1, addr1, 60), 0);
	assert_int_equal(evdns_server_request_add_reply(req,
	    EVDNS_ADDITIONAL_SECTION, "extra.example", EVDNS_TYPE_TXT,
	    EVDNS_CLASS_INET, 60, (int)sizeof(pad), 0, pad), 0);
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
test_additional_records_that_do_not_fit_are_left_out_without_tc(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = answer_with_oversized_additional;
	query(&q, 11, "add.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[2] & 0x02, 0);		/* no TC */
	assert_int_equal(r.b[7], 1);			/* ANCOUNT 1 */
	assert_int_equal(r.b[11], 0);			/* ARCOUNT 0 */
}

static void
answer_cname_and_ptr(struct fixture *f, struct evdns_server_request *req)
{
	struct in_addr in;

	(void)f;
	in.s_addr = htonl(0x01020304);
	assert_int_equal(evdns_server_request_add_cname_reply(req,
	    req->questions[0]->name, "cdn.example.com", 60), 0);
	assert_int_equal(evdns_server_request_add_ptr_reply(req, &in, NULL,
	    "host.example.com", 60), 0);
	assert_int_equal(evdns_server_request_add_ptr_reply(req, NULL, NULL,
	    "x", 60), -1);
	assert_int_equal(evdns_server_request_add_ptr_reply(req, &in, "a.b",
	    "x", 60), -1);
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
test_names_in_rdata_are_compressed_and_read_back(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;
	struct dns_reader rd;
	struct dns_header h;
	struct dns_question qq;
	struct dns_rr rr;
	char name[DNS_NAME_SIZE];

	f->act = answer_cname_and_ptr;
	query(&q, 12, "www.example.com", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	dns_reader_init(&rd, r.b, r.len);
	assert_int_equal(dns_get_header(&rd, &h), 0);
	assert_int_equal(h.ancount, 2);
	assert_int_equal(dns_get_question(&rd, &qq), 0);
	assert_int_equal(dns_get_rr(&rd, &rr), 0);
	assert_int_equal(rr.type, EVDNS_TYPE_CNAME);
	assert_int_equal(rr.rdlength, 4 + 2);		/* "cdn" and a pointer */
	assert_int_equal(dns_get_rdata_name(&rd, &rr, name), 0);
	assert_string_equal(name, "cdn.example.com");
	assert_int_equal(dns_get_rr(&rd, &rr), 0);
	assert_string_equal(rr.name, "4.3.2.1.in-addr.arpa");
	assert_int_equal(dns_get_rdata_name(&rd, &rr, name), 0);
	assert_string_equal(name, "host.example.com");
}

static void
check_argument_errors(struct fixture *f, struct evdns_server_request *req)
{
	char big[70000];

	(void)f;
	memset(big, 'x', sizeof(big));
	assert_int_equal(evdns_server_request_add_reply(req, 3, "a", 1, 1, 60,
	    4, 0, "abcd"), -1);
	assert_int_equal(evdns_server_request_add_reply(req, 0, "a..b", 1, 1,
	    60, 4, 0, "abcd"), -1);
	assert_int_equal(evdns_server_request_add_reply(req, 0, "a", 1, 1, -5,
	    4, 0, "abcd"), -1);
	assert_int_equal(evdns_server_request_add_reply(req, 0, "a", 1, 1, 60,
	    (int)sizeof(big), 0, big), -1);
	assert_int_equal(evdns_server_request_add_reply(req, 0, "a", 1, 1, 60,
	    -1, 0, "abcd"), -1);
	assert_int_equal(evdns_server_request_add_cname_reply(req, "a",
	    "bad..name", 60), -1);
	assert_int_equal(evdns_server_request_add_a_reply(req, "a", -1, addr1,
	    60), -1);
	/* Nothing was added: the reply has no answers. */
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

static void
test_bad_records_are_refused_and_add_nothing(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = check_argument_errors;
	query(&q, 13, "args.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.b[7], 0);
}

static void
just_respond(struct fixture *f, struct evdns_server_request *req)
{
	(void)f;
	assert_int_equal(evdns_server_request_respond(req, 0), 0);
}

/* Found by fuzz_dns_query: compression must not change an echo's case. */
static void
test_questions_differing_in_case_are_echoed_exactly(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;
	struct dns_reader rd;
	struct dns_header h;
	struct dns_question qq;

	f->act = just_respond;
	q.len = 0;
	msg_header(&q, 18, 0, 2, 0, 0, 0);
	msg_question(&q, "www.example.com", 1);
	msg_question(&q, "WWW.example.COM", 1);
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	dns_reader_init(&rd, r.b, r.len);
	assert_int_equal(dns_get_header(&rd, &h), 0);
	assert_int_equal(dns_get_question(&rd, &qq), 0);
	assert_string_equal(qq.name, "www.example.com");
	assert_int_equal(dns_get_question(&rd, &qq), 0);
	assert_string_equal(qq.name, "WWW.example.COM");
}

/* ---- Hostile queries: each is sent, then a good query, so that the
 * good reply proves the server is still alive and what came before. ---- */

static void
hostile_bytes(struct fixture *f, const void *bad, size_t len,
    int expect_formerr)
{
	struct msg q, r;
	int before = f->calls;

	f->act = answer_a;
	assert_int_equal(sendto(f->client_fd, bad, len, 0,
	    (struct sockaddr *)&f->to, sizeof(f->to)), (ssize_t)len);
	query(&q, 0x7777, "alive.example", EVDNS_TYPE_A);
	ask(f, &q, before + 1);
	assert_int_equal(f->calls, before + 1);		/* the bad one: no call */
	assert_true(reply(f, &r) > 0);
	if (expect_formerr) {
		assert_int_equal(r.len, DNS_HEADER_LEN);
		assert_memory_equal(r.b, bad, 2);	/* its ID */
		assert_int_equal(r.b[3] & 0x0f, DNS_ERR_FORMAT);
		assert_int_equal(r.b[5], 0);		/* no question echoed */
		assert_true(reply(f, &r) > 0);
	}
	assert_int_equal(r.b[0] << 8 | r.b[1], 0x7777);
}

static void
hostile(struct fixture *f, const struct msg *bad, int expect_formerr)
{
	hostile_bytes(f, bad->b, bad->len, expect_formerr);
}

static void
test_three_byte_datagram_is_dropped_not_a_crash(void **state)
{
	struct msg m = { .len = 0 };

	msg_bytes(&m, "\x12\x37\x01", 3);	/* libevent 2.1.12 segfaults */
	hostile(*state, &m, 0);
}

static void
test_empty_datagram_is_dropped(void **state)
{
	struct msg m = { .len = 0 };

	hostile(*state, &m, 0);
}

static void
test_response_sent_to_the_server_is_dropped(void **state)
{
	struct msg m = { .len = 0 };

	msg_header(&m, 5, DNS_FLAG_QR, 1, 0, 0, 0);
	msg_question(&m, "loop.example", 1);
	hostile(*state, &m, 0);
}

static void
test_missing_question_gets_formerr(void **state)
{
	struct msg m = { .len = 0 };

	msg_header(&m, 0x0102, DNS_FLAG_RD, 2, 0, 0, 0);
	msg_question(&m, "one.example", 1);		/* only one of two */
	hostile(*state, &m, 1);
}

static void
test_lying_question_count_gets_formerr(void **state)
{
	struct msg m = { .len = 0 };

	msg_header(&m, 0x0103, 0, 65535, 0, 0, 0);
	msg_question(&m, "x", 1);
	hostile(*state, &m, 1);
}

static void
test_long_label_in_query_gets_formerr(void **state)
{
	struct msg m = { .len = 0 };
	char label[64];

	memset(label, 'l', 64);
	msg_header(&m, 0x0104, 0, 1, 0, 0, 0);
	msg_bytes(&m, "\x40", 1);
	msg_bytes(&m, label, 64);
	msg_bytes(&m, "\0\0\1\0\1", 5);
	hostile(*state, &m, 1);
}

static void
test_pointer_loop_in_query_gets_formerr(void **state)
{
	struct msg m = { .len = 0 };

	msg_header(&m, 0x0105, 0, 1, 0, 0, 0);
	msg_pointer(&m, 12);
	msg_bytes(&m, "\0\1\0\1", 4);
	hostile(*state, &m, 1);
}

static void
test_forward_pointer_in_query_gets_formerr(void **state)
{
	struct msg m = { .len = 0 };

	msg_header(&m, 0x0106, 0, 1, 0, 0, 0);
	msg_pointer(&m, 20);
	msg_bytes(&m, "\0\1\0\1\0\0\0\0\1a\0", 11);
	hostile(*state, &m, 1);
}

static void
test_oversized_datagram_is_dropped(void **state)
{
	static unsigned char huge[5000];
	struct msg m = { .len = 0 };

	msg_header(&m, 0x0107, 0, 1, 0, 0, 0);
	msg_question(&m, "big.example", 1);
	memcpy(huge, m.b, m.len);	/* a good query, 5000 bytes long */
	hostile_bytes(*state, huge, sizeof(huge), 0);
}

static void
test_questions_too_long_to_echo_give_a_bare_truncated_header(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;
	char name[250];
	int i;

	int k;

	f->act = answer_a;
	q.len = 0;
	msg_header(&q, 14, 0, 3, 0, 0, 0);
	for (k = 0; k < 3; k++) {	/* 3 x 251 bytes that share nothing */
		for (i = 0; i < 249; i++)
			name[i] = (i % 50 == 49) ? '.' : (char)('a' + k);
		name[249] = '\0';
		msg_question(&q, name, 1);
	}
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(r.len, DNS_HEADER_LEN);
	assert_true(r.b[2] & 0x02);
	assert_int_equal(r.b[5], 0);
}

/* ---- Closing, and replies made later ---- */

static void
hold(struct fixture *f, struct evdns_server_request *req)
{
	f->held = req;
}

static void
test_request_answered_after_close_is_freed_and_not_sent(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = hold;
	query(&q, 15, "late.example", EVDNS_TYPE_A);
	ask(f, &q, 1);
	evdns_close_server_port(f->server);
	f->server = NULL;
	assert_int_equal(evdns_server_request_add_a_reply(f->held, "late.example",
	    1, addr1, 60), 0);
	assert_int_equal(evdns_server_request_respond(f->held, 0), 0);
	assert_true(reply(f, &r) < 0);
}

/* libevent 2.1 closes the socket, so programs written for it never do. */
static void
test_closing_the_port_closes_its_socket(void **state)
{
	struct fixture *f = *state;

	assert_true(fcntl(f->server_fd, F_GETFD) >= 0);
	evdns_close_server_port(f->server);
	f->server = NULL;
	assert_true(fcntl(f->server_fd, F_GETFD) < 0);
	assert_int_equal(errno, EBADF);
}

static void
close_from_callback(struct fixture *f, struct evdns_server_request *req)
{
	answer_a(f, req);
	evdns_close_server_port(f->server);
	f->server = NULL;
}

static void
test_port_closed_inside_its_callback(void **state)
{
	struct fixture *f = *state;
	struct msg q, r;

	f->act = close_from_callback;
	query(&q, 16, "a.example", EVDNS_TYPE_A);
	send_msg(f, &q);
	query(&q, 17, "b.example", EVDNS_TYPE_A);	/* never read */
	ask(f, &q, 1);
	assert_true(reply(f, &r) > 0);
	assert_int_equal(f->calls, 1);
}

/* ---- A full socket: replies wait, in order ---- */

static void
test_replies_wait_for_a_full_socket_and_keep_their_order(void **state)
{
	struct fixture *f = *state;
	int sv[2], i, got = 0, rounds = 0;
	struct evdns_server_port *port;
	struct msg q, r;

	(void)state;
	int tiny = 1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	/* The kernel rounds this up to its minimum: a few datagrams. */
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &tiny,
	    sizeof(tiny)), 0);
	f->act = answer_a;
	port = evdns_add_server_port_with_base(f->base, sv[0], 0, server_cb, f);
	assert_non_null(port);
	f->calls = 0;
	for (i = 0; i < 60; i++) {	/* far more than the buffer holds */
		query(&q, (unsigned)(1000 + i), "q.example", EVDNS_TYPE_A);
		assert_int_equal(send(sv[1], q.b, q.len, 0), (ssize_t)q.len);
		run_until_at_least(f->base, &f->calls, i + 1, 1000);
	}
	while (got < 60) {
		ssize_t n = recv(sv[1], r.b, sizeof(r.b), MSG_DONTWAIT);

		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			assert_true(++rounds < 10000);	/* replies were lost */
			event_base_loop(f->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
			continue;
		}
		assert_int_equal(r.b[0] << 8 | r.b[1], 1000 + got);
		got++;
	}
	evdns_close_server_port(port);		/* closes sv[0] */
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_query_is_answered_with_a_compressed_owner),
		T(test_flags_set_aa_and_ra_and_err_may_carry_them),
		T(test_program_may_set_tc_itself),
		T(test_dropped_request_gets_no_reply),
		T(test_requesting_address_is_the_client),
		T(test_too_many_answers_are_cut_with_tc_and_honest_counts),
		T(test_additional_records_that_do_not_fit_are_left_out_without_tc),
		T(test_names_in_rdata_are_compressed_and_read_back),
		T(test_bad_records_are_refused_and_add_nothing),
		T(test_questions_differing_in_case_are_echoed_exactly),
		T(test_three_byte_datagram_is_dropped_not_a_crash),
		T(test_empty_datagram_is_dropped),
		T(test_response_sent_to_the_server_is_dropped),
		T(test_missing_question_gets_formerr),
		T(test_lying_question_count_gets_formerr),
		T(test_long_label_in_query_gets_formerr),
		T(test_pointer_loop_in_query_gets_formerr),
		T(test_forward_pointer_in_query_gets_formerr),
		T(test_oversized_datagram_is_dropped),
		T(test_questions_too_long_to_echo_give_a_bare_truncated_header),
		T(test_request_answered_after_close_is_freed_and_not_sent),
		T(test_closing_the_port_closes_its_socket),
		T(test_port_closed_inside_its_callback),
		T(test_replies_wait_for_a_full_socket_and_keep_their_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
