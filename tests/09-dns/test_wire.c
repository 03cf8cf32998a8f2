/* Chapter 09: the wire format -- reading names (with compression), headers,
 * questions and records; the rules that refuse hostile messages; writing
 * names with compression; reading the answers of a reply. */
#include "dns-wire-internal.h"
#include "dns_test.h"

#include <event2/dns.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* Read a name at offset at of m; the reader's position afterwards in *end. */
static int
name_at(const struct msg *m, size_t at, char *out, size_t *end)
{
	struct dns_reader r;
	int rv;

	dns_reader_init(&r, m->b, m->len);
	r.pos = at;
	rv = dns_get_name(&r, out);
	if (end)
		*end = r.pos;
	return rv;
}

/* A message whose byte 12 starts the names under test. */
static void
start(struct msg *m)
{
	m->len = 0;
	msg_header(m, 0x1234, 0, 0, 0, 0, 0);
}

static void
test_plain_name_reads_as_dotted_text(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];
	size_t end;

	(void)state;
	start(&m);
	msg_name(&m, "www.Example.com");
	assert_int_equal(name_at(&m, 12, out, &end), 0);
	assert_string_equal(out, "www.Example.com");	/* case kept */
	assert_int_equal(end, m.len);
}

static void
test_root_name_is_empty_text(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];
	size_t end;

	(void)state;
	start(&m);
	msg_name(&m, "");
	assert_int_equal(name_at(&m, 12, out, &end), 0);
	assert_string_equal(out, "");
	assert_int_equal(end, 13);
}

static void
test_pointer_continues_elsewhere_and_reader_resumes_after_it(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];
	size_t end, second;

	(void)state;
	start(&m);
	msg_name(&m, "www.example.com");	/* example.com starts at 16 */
	second = m.len;
	msg_label(&m, "cdn");
	msg_pointer(&m, 16);
	msg_u16(&m, 0xbeef);
	assert_int_equal(name_at(&m, second, out, &end), 0);
	assert_string_equal(out, "cdn.example.com");
	assert_int_equal(end, second + 4 + 2);	/* past the pointer only */
}

static void
test_chain_of_backward_pointers_is_followed(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];
	size_t b, c;

	(void)state;
	start(&m);
	msg_name(&m, "com");		/* 12 */
	b = m.len;
	msg_label(&m, "example");
	msg_pointer(&m, 12);
	c = m.len;
	msg_label(&m, "www");
	msg_pointer(&m, (unsigned)b);
	assert_int_equal(name_at(&m, c, out, NULL), 0);
	assert_string_equal(out, "www.example.com");
}

static void
test_pointer_to_itself_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_pointer(&m, 12);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_pointer_loop_through_two_names_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	/* 12: "a" then a pointer to 17; 17: "b" then a pointer to 12. */
	start(&m);
	msg_label(&m, "a");
	msg_pointer(&m, 17);
	msg_bytes(&m, "", 1);
	msg_label(&m, "b");
	msg_pointer(&m, 12);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
	assert_int_equal(name_at(&m, 17, out, NULL), -1);
}

static void
test_backward_pointer_into_its_own_stretch_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	/* 12: "aa" "bb" then a pointer back to 12: backwards, but a loop. */
	start(&m);
	msg_label(&m, "aa");
	msg_label(&m, "bb");
	msg_pointer(&m, 12);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_forward_pointer_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_pointer(&m, 14);
	msg_name(&m, "later");
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_pointer_outside_the_message_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_name(&m, "x");
	msg_pointer(&m, 0x3fff);
	assert_int_equal(name_at(&m, 15, out, NULL), -1);
}

static void
test_pointer_into_the_header_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_pointer(&m, 4);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_pointer_cut_in_half_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_label(&m, "a");
	msg_bytes(&m, "\xc0", 1);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_label_of_64_bytes_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE], label[65];
	unsigned char len = 64;

	(void)state;
	memset(label, 'a', 64);
	start(&m);
	msg_bytes(&m, &len, 1);		/* 0x40: the "01" label type */
	msg_bytes(&m, label, 64);
	msg_bytes(&m, "", 1);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_label_type_10_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_bytes(&m, "\x81x\0", 3);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_label_of_63_bytes_is_read(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE], label[64];

	(void)state;
	memset(label, 'a', 63);
	label[63] = '\0';
	start(&m);
	msg_label(&m, label);
	msg_bytes(&m, "", 1);
	assert_int_equal(name_at(&m, 12, out, NULL), 0);
	assert_string_equal(out, label);
}

/* Labels of 63 bytes, then one of last bytes: wire length 4*64+... */
static void
long_name(struct msg *m, size_t last)
{
	char label[64];
	int i;

	memset(label, 'x', 63);
	label[63] = '\0';
	for (i = 0; i < 3; i++)
		msg_label(m, label);
	label[last] = '\0';
	msg_label(m, label);
	msg_bytes(m, "", 1);
}

static void
test_name_of_255_wire_bytes_is_read_and_of_256_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	long_name(&m, 61);		/* 3*64 + 62 + 1 = 255 */
	assert_int_equal(name_at(&m, 12, out, NULL), 0);
	assert_int_equal(strlen(out), 253);
	start(&m);
	long_name(&m, 62);		/* 256 */
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_name_grown_past_255_through_pointers_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE], label[64];
	size_t at[5];
	int i;

	(void)state;
	memset(label, 'y', 63);
	label[63] = '\0';
	start(&m);
	at[0] = m.len;
	msg_name(&m, label);		/* 65 bytes */
	for (i = 1; i < 5; i++) {	/* each adds a label and points back */
		at[i] = m.len;
		msg_label(&m, label);
		msg_pointer(&m, (unsigned)at[i - 1]);
	}
	assert_int_equal(name_at(&m, at[2], out, NULL), 0);	/* 193 bytes */
	assert_int_equal(strlen(out), 3 * 63 + 2);
	assert_int_equal(name_at(&m, at[3], out, NULL), -1);	/* 257 */
	assert_int_equal(name_at(&m, at[4], out, NULL), -1);	/* 321 */
}

static void
test_label_running_past_the_end_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_bytes(&m, "\x05" "ab", 3);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
	start(&m);
	msg_label(&m, "abc");		/* no final zero byte */
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_dot_or_nul_inside_a_label_is_refused(void **state)
{
	struct msg m;
	char out[DNS_NAME_SIZE];

	(void)state;
	start(&m);
	msg_bytes(&m, "\x03" "a.b" "\0", 5);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
	start(&m);
	msg_bytes(&m, "\x03" "a\0b" "\0", 5);
	assert_int_equal(name_at(&m, 12, out, NULL), -1);
}

static void
test_failed_reads_leave_the_position_alone(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_question q;
	struct dns_rr rr;
	uint16_t v;

	(void)state;
	start(&m);
	msg_name(&m, "abc");
	msg_u16(&m, 1);			/* a type, but no class */
	dns_reader_init(&r, m.b, m.len);
	r.pos = 12;
	assert_int_equal(dns_get_question(&r, &q), -1);
	assert_int_equal(r.pos, 12);
	assert_int_equal(dns_get_rr(&r, &rr), -1);
	assert_int_equal(r.pos, 12);
	r.pos = m.len - 1;
	assert_int_equal(dns_get_u16(&r, &v), -1);
	assert_int_equal(r.pos, m.len - 1);
}

static void
test_empty_and_short_messages_have_no_header(void **state)
{
	struct dns_reader r;
	struct dns_header h;
	unsigned char eleven[11] = { 0 };

	(void)state;
	dns_reader_init(&r, "", 0);
	assert_int_equal(dns_get_header(&r, &h), -1);
	dns_reader_init(&r, eleven, sizeof(eleven));
	assert_int_equal(dns_get_header(&r, &h), -1);
	assert_int_equal(r.pos, 0);
}

static void
test_header_question_and_record_are_read(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	struct dns_rr rr;
	static const unsigned char a[4] = { 192, 0, 2, 9 };

	(void)state;
	m.len = 0;
	msg_header(&m, 0xabcd, 0x8180, 1, 1, 0, 0);
	msg_question(&m, "host.example", 1);
	msg_rr(&m, NULL, 12, 1, 300, a, 4);
	dns_reader_init(&r, m.b, m.len);
	assert_int_equal(dns_get_header(&r, &h), 0);
	assert_int_equal(h.id, 0xabcd);
	assert_int_equal(h.flags, 0x8180);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(h.ancount, 1);
	assert_int_equal(dns_get_question(&r, &q), 0);
	assert_string_equal(q.name, "host.example");
	assert_int_equal(q.type, 1);
	assert_int_equal(q.dns_class, 1);
	assert_int_equal(dns_get_rr(&r, &rr), 0);
	assert_string_equal(rr.name, "host.example");
	assert_int_equal(rr.ttl, 300);
	assert_int_equal(rr.rdlength, 4);
	assert_memory_equal(m.b + rr.rdata, a, 4);
	assert_int_equal(r.pos, m.len);
}

static void
test_rdata_past_the_end_is_refused(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_rr rr;

	(void)state;
	start(&m);
	msg_name(&m, "x");
	msg_u16(&m, 1);
	msg_u16(&m, 1);
	msg_u32(&m, 60);
	msg_u16(&m, 4);
	msg_bytes(&m, "\1\2\3", 3);	/* one byte short */
	dns_reader_init(&r, m.b, m.len);
	r.pos = 12;
	assert_int_equal(dns_get_rr(&r, &rr), -1);
}

static void
test_name_in_rdata_must_fill_the_rdata(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_rr rr;
	char out[DNS_NAME_SIZE];
	struct msg data;

	(void)state;
	data.len = 0;
	msg_name(&data, "alias");
	msg_bytes(&data, "zz", 2);	/* two bytes of something else */
	start(&m);
	msg_rr(&m, "x", -1, 5, 60, data.b, data.len);
	dns_reader_init(&r, m.b, m.len);
	r.pos = 12;
	assert_int_equal(dns_get_rr(&r, &rr), 0);
	assert_int_equal(dns_get_rdata_name(&r, &rr, out), -1);
	rr.rdlength -= 2;
	assert_int_equal(dns_get_rdata_name(&r, &rr, out), 0);
	assert_string_equal(out, "alias");
}

/* ---- Writing ---- */

static void
test_names_are_validated_before_writing(void **state)
{
	char l64[65], big[300];
	size_t i;

	(void)state;
	memset(l64, 'a', 64);
	l64[64] = '\0';
	assert_true(dns_name_is_valid("www.example.com"));
	assert_true(dns_name_is_valid("www.example.com."));
	assert_true(dns_name_is_valid(""));
	assert_true(dns_name_is_valid("."));
	assert_false(dns_name_is_valid("a..b"));
	assert_false(dns_name_is_valid(".a"));
	assert_false(dns_name_is_valid("a.."));
	assert_false(dns_name_is_valid(l64));
	l64[63] = '\0';
	assert_true(dns_name_is_valid(l64));
	for (i = 0; i < 253; i++)	/* "a.a.a...": 127 labels, 253 chars */
		big[i] = (i % 2) ? '.' : 'a';
	big[253] = '\0';
	assert_true(dns_name_is_valid(big));
	big[253] = '.';
	big[254] = 'a';
	big[255] = '\0';
	assert_false(dns_name_is_valid(big));
}

static void
test_written_names_compress_against_earlier_ones(void **state)
{
	unsigned char buf[512];
	struct dns_writer w;
	struct dns_reader r;
	char out[DNS_NAME_SIZE];
	size_t second, third;

	(void)state;
	dns_writer_init(&w, buf, sizeof(buf));
	memset(buf, 0, 12);
	w.len = 12;
	assert_int_equal(dns_put_name(&w, "www.example.com"), 0);
	assert_int_equal(w.len, 12 + 17);
	second = w.len;
	assert_int_equal(dns_put_name(&w, "www.example.com"), 0);
	assert_int_equal(w.len, second + 2);		/* one pointer */
	assert_int_equal(buf[second], 0xc0);
	assert_int_equal(buf[second + 1], 12);
	third = w.len;
	/* Another case is another spelling: written in full, read back as is. */
	assert_int_equal(dns_put_name(&w, "WWW.EXAMPLE.COM"), 0);
	assert_int_equal(w.len, third + 17);
	dns_reader_init(&r, buf, w.len);
	r.pos = third;
	assert_int_equal(dns_get_name(&r, out), 0);
	assert_string_equal(out, "WWW.EXAMPLE.COM");
	third = w.len;
	assert_int_equal(dns_put_name(&w, "cdn.example.com."), 0);
	assert_int_equal(w.len, third + 4 + 2);		/* cdn, pointer */
	assert_int_equal(buf[third + 5], 16);		/* example.com */
	dns_reader_init(&r, buf, w.len);
	r.pos = third;
	assert_int_equal(dns_get_name(&r, out), 0);
	assert_string_equal(out, "cdn.example.com");
}

static void
test_a_name_that_does_not_fit_writes_nothing(void **state)
{
	unsigned char buf[20];
	struct dns_writer w;

	(void)state;
	dns_writer_init(&w, buf, sizeof(buf));
	w.len = 12;
	assert_int_equal(dns_put_name(&w, "www.example.com"), -1);
	assert_int_equal(w.len, 12);
	assert_int_equal(w.nwritten, 0);
	assert_int_equal(dns_put_name(&w, "a..b"), -1);
	assert_int_equal(dns_put_name(&w, "short"), 0);
	assert_int_equal(w.len, 19);
}

static void
test_rollback_forgets_names_for_compression(void **state)
{
	unsigned char buf[512];
	struct dns_writer w;
	size_t mark;

	(void)state;
	dns_writer_init(&w, buf, sizeof(buf));
	w.len = 12;
	assert_int_equal(dns_put_name(&w, "keep.example"), 0);
	mark = w.len;
	assert_int_equal(dns_put_name(&w, "gone.test"), 0);
	dns_writer_rollback(&w, mark);
	assert_int_equal(w.len, mark);
	assert_int_equal(dns_put_name(&w, "gone.test"), 0);
	assert_int_equal(w.len, mark + 11);		/* written again in full */
	assert_int_equal(dns_put_name(&w, "x.keep.example"), 0);
	assert_int_equal(w.len, mark + 11 + 4);
}

static void
test_query_is_header_rd_and_one_question(void **state)
{
	unsigned char buf[DNS_MAX_QUERY];
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	int n = dns_build_query(buf, sizeof(buf), 0x4242, "wWw.example", 28);

	(void)state;
	assert_int_equal(n, 12 + 13 + 4);
	dns_reader_init(&r, buf, (size_t)n);
	assert_int_equal(dns_get_header(&r, &h), 0);
	assert_int_equal(h.id, 0x4242);
	assert_int_equal(h.flags, DNS_FLAG_RD);
	assert_int_equal(h.qdcount, 1);
	assert_int_equal(dns_get_question(&r, &q), 0);
	assert_string_equal(q.name, "wWw.example");
	assert_int_equal(q.type, 28);
	assert_int_equal(dns_build_query(buf, sizeof(buf), 1, "a..b", 1), -1);
}

/* ---- Answers ---- */

/* A reply's answer section: the reader placed past the question. */
static void
reply_reader(const struct msg *m, struct dns_reader *r, struct dns_header *h)
{
	struct dns_question q;

	dns_reader_init(r, m->b, m->len);
	assert_int_equal(dns_get_header(r, h), 0);
	assert_int_equal(dns_get_question(r, &q), 0);
}

static void
test_answers_collect_addresses_and_the_smallest_ttl(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	static const unsigned char x[4] = { 1, 2, 3, 4 }, y[4] = { 5, 6, 7, 8 };

	(void)state;
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 3, 0, 0);
	msg_question(&m, "h.example", 1);
	msg_rr(&m, NULL, 12, 1, 300, x, 4);
	msg_rr(&m, "other.example", -1, 1, 5, y, 4);	/* not ours */
	msg_rr(&m, "H.EXAMPLE", -1, 1, 100, y, 4);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), 0);
	assert_int_equal(a.naddrs, 2);
	assert_memory_equal(a.addrs, x, 4);
	assert_memory_equal(a.addrs + 4, y, 4);
	assert_int_equal(a.ttl, 100);
	assert_null(a.cname);
	dns_answers_clear(&a);
}

static void
test_answers_follow_cnames_in_any_order(void **state)
{
	struct msg m, t1, t2;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	static const unsigned char x[4] = { 9, 9, 9, 9 };

	(void)state;
	t1.len = t2.len = 0;
	msg_name(&t1, "mid.example");
	msg_name(&t2, "end.example");
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 3, 0, 0);
	msg_question(&m, "start.example", 1);
	msg_rr(&m, "end.example", -1, 1, 50, x, 4);	/* address first */
	msg_rr(&m, "mid.example", -1, 5, 40, t2.b, t2.len);
	msg_rr(&m, NULL, 12, 5, 70, t1.b, t1.len);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), 0);
	assert_int_equal(a.naddrs, 1);
	assert_memory_equal(a.addrs, x, 4);
	assert_string_equal(a.cname, "end.example");
	assert_int_equal(a.ttl, 40);
	dns_answers_clear(&a);
}

static void
test_cname_loop_ends_the_chain(void **state)
{
	struct msg m, ta, tb;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;

	(void)state;
	ta.len = tb.len = 0;
	msg_name(&ta, "b.example");
	msg_name(&tb, "a.example");
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 2, 0, 0);
	msg_question(&m, "a.example", 1);
	msg_rr(&m, NULL, 12, 5, 60, ta.b, ta.len);
	msg_rr(&m, "b.example", -1, 5, 60, tb.b, tb.len);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), 0);
	assert_int_equal(a.naddrs, 0);
	assert_string_equal(a.cname, "b.example");
	dns_answers_clear(&a);
}

static void
test_count_promising_more_records_than_present_is_refused(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	static const unsigned char x[4] = { 1, 2, 3, 4 };

	(void)state;
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 65535, 0, 0);
	msg_question(&m, "h.example", 1);
	msg_rr(&m, NULL, 12, 1, 60, x, 4);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), -1);
	assert_null(a.addrs);
	assert_int_equal(a.naddrs, 0);
}

static void
test_address_of_the_wrong_length_is_skipped(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	static const unsigned char x[16] = { 1 };

	(void)state;
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 2, 0, 0);
	msg_question(&m, "h.example", 1);
	msg_rr(&m, NULL, 12, 1, 60, x, 16);		/* an "A" of 16 bytes */
	msg_rr(&m, NULL, 12, 1, 60, x, 4);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), 0);
	assert_int_equal(a.naddrs, 1);
	dns_answers_clear(&a);
}

static void
test_ttl_with_top_bit_counts_as_zero(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	static const unsigned char x[4] = { 1, 2, 3, 4 };

	(void)state;
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 1, 0, 0);
	msg_question(&m, "h.example", 1);
	msg_rr(&m, NULL, 12, 1, 0x80000001u, x, 4);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 1, &a), 0);
	assert_int_equal(a.ttl, 0);
	dns_answers_clear(&a);
}

static void
test_ptr_answer_gives_the_first_name(void **state)
{
	struct msg m, t1, t2;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	const char *q = "4.3.2.1.in-addr.arpa";

	(void)state;
	t1.len = t2.len = 0;
	msg_name(&t1, "first.example");
	msg_name(&t2, "second.example");
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 2, 0, 0);
	msg_question(&m, q, 12);
	msg_rr(&m, NULL, 12, 12, 60, t1.b, t1.len);
	msg_rr(&m, NULL, 12, 12, 60, t2.b, t2.len);
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 12, &a), 0);
	assert_string_equal(a.ptr_name, "first.example");
	dns_answers_clear(&a);
}

static void
test_many_addresses_grow_the_array(void **state)
{
	struct msg m;
	struct dns_reader r;
	struct dns_header h;
	struct dns_answers a;
	unsigned char x[16];
	int i;

	(void)state;
	m.len = 0;
	msg_header(&m, 1, 0x8180, 1, 100, 0, 0);
	msg_question(&m, "h.example", 28);
	for (i = 0; i < 100; i++) {
		memset(x, i, sizeof(x));
		msg_rr(&m, NULL, 12, 28, 60, x, 16);
	}
	reply_reader(&m, &r, &h);
	assert_int_equal(dns_get_answers(&r, &h, 28, &a), 0);
	assert_int_equal(a.naddrs, 100);
	assert_int_equal(a.addrs[99 * 16], 99);
	dns_answers_clear(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_name_reads_as_dotted_text),
		cmocka_unit_test(test_root_name_is_empty_text),
		cmocka_unit_test(test_pointer_continues_elsewhere_and_reader_resumes_after_it),
		cmocka_unit_test(test_chain_of_backward_pointers_is_followed),
		cmocka_unit_test(test_pointer_to_itself_is_refused),
		cmocka_unit_test(test_pointer_loop_through_two_names_is_refused),
		cmocka_unit_test(test_backward_pointer_into_its_own_stretch_is_refused),
		cmocka_unit_test(test_forward_pointer_is_refused),
		cmocka_unit_test(test_pointer_outside_the_message_is_refused),
		cmocka_unit_test(test_pointer_into_the_header_is_refused),
		cmocka_unit_test(test_pointer_cut_in_half_is_refused),
		cmocka_unit_test(test_label_of_64_bytes_is_refused),
		cmocka_unit_test(test_label_type_10_is_refused),
		cmocka_unit_test(test_label_of_63_bytes_is_read),
		cmocka_unit_test(test_name_of_255_wire_bytes_is_read_and_of_256_refused),
		cmocka_unit_test(test_name_grown_past_255_through_pointers_is_refused),
		cmocka_unit_test(test_label_running_past_the_end_is_refused),
		cmocka_unit_test(test_dot_or_nul_inside_a_label_is_refused),
		cmocka_unit_test(test_failed_reads_leave_the_position_alone),
		cmocka_unit_test(test_empty_and_short_messages_have_no_header),
		cmocka_unit_test(test_header_question_and_record_are_read),
		cmocka_unit_test(test_rdata_past_the_end_is_refused),
		cmocka_unit_test(test_name_in_rdata_must_fill_the_rdata),
		cmocka_unit_test(test_names_are_validated_before_writing),
		cmocka_unit_test(test_written_names_compress_against_earlier_ones),
		cmocka_unit_test(test_a_name_that_does_not_fit_writes_nothing),
		cmocka_unit_test(test_rollback_forgets_names_for_compression),
		cmocka_unit_test(test_query_is_header_rd_and_one_question),
		cmocka_unit_test(test_answers_collect_addresses_and_the_smallest_ttl),
		cmocka_unit_test(test_answers_follow_cnames_in_any_order),
		cmocka_unit_test(test_cname_loop_ends_the_chain),
		cmocka_unit_test(test_count_promising_more_records_than_present_is_refused),
		cmocka_unit_test(test_address_of_the_wrong_length_is_skipped),
		cmocka_unit_test(test_ttl_with_top_bit_counts_as_zero),
		cmocka_unit_test(test_ptr_answer_gives_the_first_name),
		cmocka_unit_test(test_many_addresses_grow_the_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
