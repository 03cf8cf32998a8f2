/* fuzz-chapter: 09 */
/* The DNS reply parser of chapter 9 against a model.
 *
 * For every offset of the input, dns_get_name() must agree with a second,
 * deliberately plain decoder written here from the rules of section "The
 * rules the reader enforces": same verdict, same text, same end position.
 * Every name it reads must write back (dns_put_name) and read again to the
 * same text.  The whole input is then read as a reply: header, question and
 * answer section for A, AAAA and PTR, and what dns_get_answers() returns
 * must be consistent with the message (no more addresses than records,
 * names that fit, a verdict that matches a plain walk of the records).
 * Any disagreement fails a CHECK(), which calls abort(). */
#include "dns-wire-internal.h"

#include <event2/dns.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include <string.h>

/* The model: collect the labels first, then check the rules. */
static int
model_name(const uint8_t *msg, size_t len, size_t start, char *out,
    size_t *end)
{
	size_t at = start, floor = start, resume = 0, wire = 1, n = 0;
	size_t labels[DNS_MAX_WIRE_NAME][2];
	int nlabels = 0, i;

	while (1) {
		if (at >= len)
			return -1;
		if (msg[at] >= 0xc0) {
			size_t to;

			if (at + 2 > len)
				return -1;
			to = ((size_t)msg[at] - 0xc0) * 256 + msg[at + 1];
			if (!(to < floor && to >= 12))
				return -1;
			if (resume == 0)
				resume = at + 2;
			floor = to;
			at = to;
		} else if (msg[at] >= 0x40) {
			return -1;
		} else if (msg[at] == 0) {
			break;
		} else {
			if (nlabels == DNS_MAX_WIRE_NAME)
				return -1;
			labels[nlabels][0] = at + 1;
			labels[nlabels][1] = msg[at];
			nlabels++;
			wire += 1 + (size_t)msg[at];
			if (wire > 255)
				return -1;
			at += 1 + (size_t)msg[at];
		}
	}
	for (i = 0; i < nlabels; i++) {
		if (labels[i][0] + labels[i][1] > len)
			return -1;
		if (memchr(msg + labels[i][0], '.', labels[i][1]) ||
		    memchr(msg + labels[i][0], '\0', labels[i][1]))
			return -1;
		if (i > 0)
			out[n++] = '.';
		memcpy(out + n, msg + labels[i][0], labels[i][1]);
		n += labels[i][1];
	}
	out[n] = '\0';
	*end = resume ? resume : at + 1;
	return 0;
}

static void
check_names(const uint8_t *data, size_t size)
{
	char ours[DNS_NAME_SIZE], model[DNS_NAME_SIZE];
	unsigned char again[DNS_MAX_WIRE_NAME + 16];
	size_t at, model_end;

	for (at = 12; at < size; at++) {
		struct dns_reader r;
		int a, b;

		dns_reader_init(&r, data, size);
		r.pos = at;
		a = dns_get_name(&r, ours);
		b = model_name(data, size, at, model, &model_end);
		CHECK(!(a != b));
		if (a < 0) {
			CHECK(!(r.pos != at));
			continue;
		}
		CHECK(!(strcmp(ours, model) != 0 || r.pos != model_end ||
		    strlen(ours) > 253));
		/* Whatever reads must write, and read back the same. */
		{
			struct dns_writer w;
			struct dns_reader back;
			char text[DNS_NAME_SIZE];

			dns_writer_init(&w, again, sizeof(again));
			memset(again, 0, 12);
			w.len = 12;
			CHECK(!(dns_put_name(&w, ours) < 0));
			dns_reader_init(&back, again, w.len);
			back.pos = 12;
			CHECK(!(dns_get_name(&back, text) < 0 || strcmp(text, ours) ||
			    back.pos != w.len));
		}
	}
}

/* How many of the first n records after r parse: the plain walk. */
static int
records_parse(struct dns_reader r, int n)
{
	struct dns_rr rr;

	while (n-- > 0)
		if (dns_get_rr(&r, &rr) < 0)
			return 0;
	return 1;
}

static void
check_reply(const uint8_t *data, size_t size)
{
	static const uint16_t types[3] = { EVDNS_TYPE_A, EVDNS_TYPE_AAAA,
		EVDNS_TYPE_PTR };
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	int i;

	dns_reader_init(&r, data, size);
	if (dns_get_header(&r, &h) < 0 || dns_get_question(&r, &q) < 0)
		return;
	for (i = 0; i < 3; i++) {
		struct dns_answers a;
		int rv = dns_get_answers(&r, &h, types[i], &a);

		CHECK(!((rv == 0) != records_parse(r, h.ancount)));
		if (rv < 0) {
			CHECK(!(a.addrs || a.ptr_name || a.cname || a.naddrs));
			continue;
		}
		CHECK(!(a.naddrs > h.ancount || (a.naddrs > 0) != (a.addrs != NULL)));
		CHECK(!(a.naddrs > 0 && a.addrlen != (types[i] == EVDNS_TYPE_AAAA ? 16u : 4u)));
		CHECK(!(a.ptr_name && (types[i] != EVDNS_TYPE_PTR ||
		    strlen(a.ptr_name) > 253)));
		CHECK(!(a.cname && strlen(a.cname) > 253));
		CHECK(!(a.naddrs > 0 && a.ttl & 0x80000000u));
		dns_answers_clear(&a);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	check_names(data, size);
	check_reply(data, size);
	return 0;
}
