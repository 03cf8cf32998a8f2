/* fuzz-chapter: 09 */
/* The DNS server's query parser of chapter 9, checked by a round trip.
 *
 * The input is read as a query (server_read_query).  The verdict must agree
 * with a plain walk of the header and questions.  A query that parses is
 * answered: one A record per question, owned by the question's name, plus a
 * CNAME to the first question's name, written with compression into 512
 * bytes and into 64 KiB.  The reply is then read back with the client's
 * reader, and must echo every question exactly (case kept), carry honest
 * counts, and set TC exactly when answers were left out.  A mismatch fails
 * a CHECK(), which calls abort(). */
#include "evdns-server-internal.h"

#include <event2/dns.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include <string.h>

/* 1: a query that should parse; 0: malformed; -1: not a query. */
static int
model_verdict(const uint8_t *data, size_t size, int *nq)
{
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	int i;

	dns_reader_init(&r, data, size);
	if (size < 12 || (data[2] & 0x80))
		return -1;
	dns_get_header(&r, &h);
	for (i = 0; i < h.qdcount; i++)
		if (dns_get_question(&r, &q) < 0)
			return 0;
	*nq = h.qdcount;
	return 1;
}

static void
check_reply(struct server_request *req, const unsigned char *buf, size_t len,
    size_t cap)
{
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	struct dns_rr rr;
	int i, added = req->pub.nquestions + (req->pub.nquestions > 0);

	CHECK(!(len > cap || len < DNS_HEADER_LEN));
	dns_reader_init(&r, buf, len);
	CHECK(!(dns_get_header(&r, &h) < 0 || h.id != req->id || !(h.flags & DNS_FLAG_QR)));
	CHECK(!(h.qdcount != req->pub.nquestions &&
	    !(h.qdcount == 0 && (h.flags & DNS_FLAG_TC) && len == DNS_HEADER_LEN)));
	for (i = 0; i < h.qdcount; i++) {
		const struct evdns_server_question *sq = req->pub.questions[i];

		CHECK(!(dns_get_question(&r, &q) < 0 || strcmp(q.name, sq->name) ||
		    q.type != (uint16_t)sq->type ||
		    q.dns_class != (uint16_t)sq->dns_question_class));
	}
	CHECK(!(h.ancount > added || h.nscount || h.arcount));
	CHECK(!(h.qdcount == req->pub.nquestions &&
	    ((h.ancount < added) != ((h.flags & DNS_FLAG_TC) != 0))));
	for (i = 0; i < h.ancount; i++)
		CHECK(!(dns_get_rr(&r, &rr) < 0));
	CHECK(!(r.pos != len));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char big[65535];
	static const unsigned char addr[4] = { 192, 0, 2, 1 };
	struct evdns_server_port port;
	struct server_request *req;
	unsigned char small[DNS_MAX_UDP];
	int verdict, model, nq = -1, i;

	if (size > 4096)
		return 0;
	memset(&port, 0, sizeof(port));
	port.refcount = 1;		/* lock NULL: threading is off */
	req = calloc(1, sizeof(*req));
	for (i = 0; i < 3; i++)
		req->tails[i] = &req->records[i];
	req->port = &port;
	port.refcount++;
	verdict = server_read_query(req, data, size);
	model = model_verdict(data, size, &nq);
	CHECK(!((verdict == SERVER_QUERY_OK) != (model == 1) ||
	    (verdict == SERVER_QUERY_IGNORED) != (model == -1)));
	if (verdict == SERVER_QUERY_OK) {
		CHECK(!(req->pub.nquestions != nq));
		for (i = 0; i < req->pub.nquestions; i++)
			CHECK(!(evdns_server_request_add_a_reply(&req->pub,
			    req->pub.questions[i]->name, 1, addr, 60) < 0));
		CHECK(!(req->pub.nquestions > 0 &&
		    evdns_server_request_add_cname_reply(&req->pub, "alias.example",
		    req->pub.questions[0]->name, 60) < 0));
		check_reply(req, small, server_write_reply(req, 0, small,
		    sizeof(small)), sizeof(small));
		check_reply(req, big, server_write_reply(req, 0, big, sizeof(big)),
		    sizeof(big));
	}
	/* The request (port set) gives back its count; the port is ours. */
	CHECK(!(server_request_release(req) != 0 || port.refcount != 1));
	return 0;
}
