/* Chapter 02: inet_pton/ntop, scoped IPv6 addresses, evutil_parse_sockaddr_port,
 * evutil_sockaddr_cmp. */
#include <event2/util.h>

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static void
test_inet_pton_accepts_ipv4_and_ipv6(void **state)
{
	struct in_addr a4;
	struct in6_addr a6;
	const unsigned char loop6[16] = { [15] = 1 };

	(void)state;
	assert_int_equal(evutil_inet_pton(AF_INET, "192.0.2.33", &a4), 1);
	assert_int_equal(ntohl(a4.s_addr), 0xc0000221u);
	assert_int_equal(evutil_inet_pton(AF_INET6, "::1", &a6), 1);
	assert_memory_equal(&a6, loop6, 16);
	assert_int_equal(evutil_inet_pton(AF_INET6, "::ffff:10.0.0.1", &a6), 1);
	assert_int_equal(a6.s6_addr[10], 0xff);
	assert_int_equal(a6.s6_addr[15], 1);
}

static void
test_inet_pton_rejects_malformed_text(void **state)
{
	static const char *bad4[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4", "1.2.3.4 ",
		"1.2.3.4x", "1..2.3", "a.b.c.d", "1.2.3.-4", "0x7f.0.0.1",
		"1.2.3.4444444444444444444444444444444444444444444444",
	};
	static const char *bad6[] = {
		"", ":", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7:8:9",
		"[::1]", "::1 ", "::1.2.3", "fe80::1%lo0x",
	};
	unsigned char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++)
		assert_int_equal(evutil_inet_pton(AF_INET, bad4[i], out), 0);
	for (i = 0; i < sizeof(bad6) / sizeof(bad6[0]); i++)
		assert_int_equal(evutil_inet_pton(AF_INET6, bad6[i], out), 0);
	assert_int_equal(evutil_inet_pton(AF_INET, NULL, out), 0);
	assert_int_equal(evutil_inet_pton(AF_UNIX, "1.2.3.4", out), -1);
}

static const unsigned char fe80_1[16] = { 0xfe, 0x80, [15] = 1 };

static void
test_inet_pton_scope_reads_a_numeric_zone(void **state)
{
	struct in6_addr a6;
	unsigned index = 99;

	(void)state;
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1%7", &a6, &index), 1);
	assert_memory_equal(&a6, fe80_1, 16);
	assert_int_equal(index, 7);
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1%4294967295", &a6,
	    &index), 1);
	assert_int_equal(index, UINT_MAX);
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1%0", &a6, &index), 1);
	assert_int_equal(index, 0);
}

static void
test_inet_pton_scope_reads_an_interface_name(void **state)
{
	struct in6_addr a6;
	unsigned lo = if_nametoindex("lo"), index = 0;

	(void)state;
	assert_true(lo > 0);	/* every Linux network namespace has lo */
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1%lo", &a6, &index), 1);
	assert_memory_equal(&a6, fe80_1, 16);
	assert_int_equal(index, lo);
}

static void
test_inet_pton_scope_without_a_zone_gives_index_zero(void **state)
{
	struct in6_addr a6;
	struct in_addr a4;
	unsigned index = 99;

	(void)state;
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1", &a6, &index), 1);
	assert_memory_equal(&a6, fe80_1, 16);
	assert_int_equal(index, 0);
	index = 99;
	assert_int_equal(evutil_inet_pton_scope(AF_INET, "192.0.2.33", &a4, &index), 1);
	assert_int_equal(ntohl(a4.s_addr), 0xc0000221u);
	assert_int_equal(index, 0);
	/* A caller that wants only the bytes passes no index. */
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, "fe80::1%3", &a6, NULL), 1);
	assert_int_equal(evutil_inet_pton_scope(AF_UNIX, "fe80::1%3", &a6, &index), -1);
}

static void
test_inet_pton_scope_rejects_malformed_zones_and_addresses(void **state)
{
	char overlong[128];
	const char *bad[] = {
		"fe80::1%",			/* empty zone */
		"fe80::1%no-such-if0",		/* no interface has that name */
		"fe80::1%abcdefghijklmnopqrstuvwxyz",	/* longer than any name */
		"fe80::1%4294967296",		/* UINT_MAX + 1 */
		"fe80::1%99999999999999999999999",
		"fe80::1%12x",			/* digits, then not */
		"fe80::1%-1", "fe80::1%+1", "fe80::1% 1",
		"fe80::1%lo%lo",		/* two zones */
		"fe80:%lo",			/* truncated address */
		"%lo", "%", "", "fe80::1 %1", "fe80::g%1",
		"192.0.2.1%1",			/* IPv4 has no zones */
		overlong,
	};
	unsigned char dst[16];
	unsigned index;
	size_t i;

	(void)state;
	memset(overlong, '1', sizeof(overlong));
	memcpy(overlong + sizeof(overlong) - 3, "%1", 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(dst, 0xaa, sizeof(dst));
		index = 99;
		if (evutil_inet_pton_scope(AF_INET6, bad[i], dst, &index) != 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(dst[0], 0xaa);	/* nothing was written */
		assert_int_equal(dst[15], 0xaa);
		assert_int_equal(index, 99);
	}
	assert_int_equal(evutil_inet_pton_scope(AF_INET, "192.0.2.1%1", dst, &index), 0);
	assert_int_equal(evutil_inet_pton_scope(AF_INET6, NULL, dst, &index), 0);
	assert_int_equal(index, 99);
}

static void
test_inet_ntop_round_trips_and_refuses_short_buffers(void **state)
{
	struct in6_addr a6;
	struct in_addr a4;
	char buf[64];

	(void)state;
	assert_int_equal(evutil_inet_pton(AF_INET6, "2001:db8:0:0:0:0:0:1", &a6), 1);
	assert_ptr_equal(evutil_inet_ntop(AF_INET6, &a6, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "2001:db8::1");
	a4.s_addr = htonl(0x7f000001);
	assert_string_equal(evutil_inet_ntop(AF_INET, &a4, buf, sizeof(buf)), "127.0.0.1");
	assert_null(evutil_inet_ntop(AF_INET, &a4, buf, 9));
	assert_null(evutil_inet_ntop(AF_UNIX, &a4, buf, sizeof(buf)));
}

/* Parses str into a fresh buffer; returns the result and the length used. */
static int
parse(const char *str, struct sockaddr_storage *ss, int *len)
{
	memset(ss, 0, sizeof(*ss));
	*len = (int)sizeof(*ss);
	return evutil_parse_sockaddr_port(str, (struct sockaddr *)ss, len);
}

static void
expect_ipv6(const char *str, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct in6_addr want;
	int len;

	assert_int_equal(parse(str, &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), port);
	assert_int_equal(inet_pton(AF_INET6, addr, &want), 1);
	assert_memory_equal(&sin6->sin6_addr, &want, sizeof(want));
}

static void
expect_ipv4(const char *str, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct in_addr want;
	int len;

	assert_int_equal(parse(str, &ss, &len), 0);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), port);
	assert_int_equal(inet_pton(AF_INET, addr, &want), 1);
	assert_int_equal(sin->sin_addr.s_addr, want.s_addr);
}

static void
test_parse_sockaddr_port_accepts_every_documented_form(void **state)
{
	(void)state;
	expect_ipv6("[ffff::1]:8080", "ffff::1", 8080);
	expect_ipv6("ffff::1", "ffff::1", 0);
	expect_ipv6("[ffff::1]", "ffff::1", 0);
	expect_ipv6("[::]:65535", "::", 65535);
	expect_ipv6("::ffff:1.2.3.4", "::ffff:1.2.3.4", 0);
	expect_ipv4("1.2.3.4:80", "1.2.3.4", 80);
	expect_ipv4("1.2.3.4", "1.2.3.4", 0);
	expect_ipv4("0.0.0.0:1", "0.0.0.0", 1);
	expect_ipv4("255.255.255.255:00080", "255.255.255.255", 80);
}

static void
test_parse_sockaddr_port_keeps_the_zone_of_an_ipv6_address(void **state)
{
	struct sockaddr_in6 sin6;
	int len;

	(void)state;
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port("[fe80::1%lo]:80",
	    (struct sockaddr *)&sin6, &len), 0);
	assert_int_equal(len, sizeof(sin6));
	assert_memory_equal(&sin6.sin6_addr, fe80_1, 16);
	assert_int_equal(ntohs(sin6.sin6_port), 80);
	assert_int_equal(sin6.sin6_scope_id, if_nametoindex("lo"));
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port("fe80::1%2",
	    (struct sockaddr *)&sin6, &len), 0);
	assert_int_equal(sin6.sin6_scope_id, 2);
	assert_int_equal(sin6.sin6_port, 0);
	/* Without a zone the scope is 0. */
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port("[fe80::1]:80",
	    (struct sockaddr *)&sin6, &len), 0);
	assert_int_equal(sin6.sin6_scope_id, 0);
}

static void
test_parse_sockaddr_port_rejects_malformed_input(void **state)
{
	static const char *bad[] = {
		"", ":", "[", "[]", "[]:80", "[::1", "[::1]x", "[::1]:", "[::1]::80",
		"[::1]:80x", "[1.2.3.4]:80", "1.2.3.4:", "1.2.3.4:65536",
		"1.2.3.4:99999999999999999999", "1.2.3.4:-1", "1.2.3.4:+80",
		"1.2.3.4:http", "1.2.3.4: 80", "1.2.3:80", "256.0.0.1",
		"localhost:80", "::1]:80", "1.2.3.4:80:90", " 1.2.3.4",
		"[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:1",
		"[fe80::1%]:80", "[fe80::1%no-such-if0]:80", "fe80::1%",
		"[fe80::1%lo", "1.2.3.4%1:80", "1.2.3.4%lo",
	};
	struct sockaddr_storage ss;
	size_t i;
	int len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ss, 0xab, sizeof(ss));
		len = (int)sizeof(ss);
		if (evutil_parse_sockaddr_port(bad[i], (struct sockaddr *)&ss, &len) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		/* A failure leaves the output alone. */
		assert_int_equal(len, sizeof(ss));
		assert_int_equal(((unsigned char *)&ss)[0], 0xab);
	}
}

static void
test_parse_sockaddr_port_rejects_an_overlong_string(void **state)
{
	char longest[4096];
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss);

	(void)state;
	memset(longest, '1', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(evutil_parse_sockaddr_port(longest, (struct sockaddr *)&ss, &len), -1);
	longest[0] = '[';
	assert_int_equal(evutil_parse_sockaddr_port(longest, (struct sockaddr *)&ss, &len), -1);
	memcpy(longest, "1.2.3.4:", 8);
	assert_int_equal(evutil_parse_sockaddr_port(longest, (struct sockaddr *)&ss, &len), -1);
}

/* libevent 2.1 refuses a port that is written as 0; only a missing one is 0. */
static void
test_parse_sockaddr_port_refuses_an_explicit_port_zero(void **state)
{
	static const char *zero[] = {
		"1.2.3.4:0", "[ffff::1]:0", "0.0.0.0:0", "1.2.3.4:00", "[::]:000",
	};
	struct sockaddr_storage ss;
	size_t i;
	int len;

	(void)state;
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++) {
		memset(&ss, 0xab, sizeof(ss));
		len = (int)sizeof(ss);
		if (evutil_parse_sockaddr_port(zero[i], (struct sockaddr *)&ss, &len) != -1)
			fail_msg("accepted \"%s\"", zero[i]);
		assert_int_equal(len, sizeof(ss));
		assert_int_equal(((unsigned char *)&ss)[0], 0xab);
	}
	expect_ipv4("1.2.3.4", "1.2.3.4", 0);
	expect_ipv6("[ffff::1]", "ffff::1", 0);
}

/* "[fe80::1%0...02]:80" whose host part (inside the brackets) is len
 * characters: a numeric zone padded with zeros. */
static void
zoned_host(char *out, size_t len, int bracketed)
{
	size_t n = 0, i;

	if (bracketed)
		out[n++] = '[';
	memcpy(out + n, "fe80::1%", 8);
	n += 8;
	for (i = 8; i + 1 < len; i++)
		out[n++] = '0';
	out[n++] = '2';
	if (bracketed) {
		memcpy(out + n, "]:80", 4);
		n += 4;
	}
	out[n] = '\0';
}

static void
test_parse_sockaddr_port_takes_a_host_of_up_to_127_characters(void **state)
{
	char text[300];
	struct sockaddr_in6 sin6;
	int len;

	(void)state;
	zoned_host(text, 127, 1);
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port(text, (struct sockaddr *)&sin6, &len), 0);
	assert_int_equal(sin6.sin6_scope_id, 2);
	assert_int_equal(ntohs(sin6.sin6_port), 80);
	zoned_host(text, 64, 1);
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port(text, (struct sockaddr *)&sin6, &len), 0);
	/* One more character does not fit the host part, as in libevent. */
	zoned_host(text, 128, 1);
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port(text, (struct sockaddr *)&sin6, &len), -1);
	/* A bare address is the whole string and has no such limit. */
	zoned_host(text, 200, 0);
	len = (int)sizeof(sin6);
	assert_int_equal(evutil_parse_sockaddr_port(text, (struct sockaddr *)&sin6, &len), 0);
	assert_int_equal(sin6.sin6_scope_id, 2);
	assert_int_equal(sin6.sin6_port, 0);
}

static void
test_parse_sockaddr_port_refuses_a_small_buffer_and_null(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	int len = (int)sizeof(sin);

	(void)state;
	/* An IPv6 address does not fit a sockaddr_in. */
	assert_int_equal(evutil_parse_sockaddr_port("[::1]:80", (struct sockaddr *)&sin, &len), -1);
	assert_int_equal(len, sizeof(sin));
	len = 3;
	assert_int_equal(evutil_parse_sockaddr_port("1.2.3.4", (struct sockaddr *)&sin, &len), -1);
	len = -1;
	assert_int_equal(evutil_parse_sockaddr_port("1.2.3.4", (struct sockaddr *)&sin, &len), -1);
	len = (int)sizeof(ss);
	assert_int_equal(evutil_parse_sockaddr_port(NULL, (struct sockaddr *)&ss, &len), -1);
	assert_int_equal(evutil_parse_sockaddr_port("1.2.3.4", NULL, &len), -1);
	assert_int_equal(evutil_parse_sockaddr_port("1.2.3.4", (struct sockaddr *)&ss, NULL), -1);
}

static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage ss;
	int len;

	assert_int_equal(parse(text, &ss, &len), 0);
	return ss;
}

#define SA(x) ((struct sockaddr *)&(x))

static void
test_sockaddr_cmp_orders_family_address_then_port(void **state)
{
	struct sockaddr_storage a = addr("10.0.0.1:80"), b = addr("10.0.0.2:79");
	struct sockaddr_storage c = addr("10.0.0.1:81"), d = addr("[::1]:80");
	struct sockaddr_storage e = addr("[::2]:1"), f = addr("[::1]:81");
	struct sockaddr_storage g = addr("9.255.255.255:80");

	(void)state;
	assert_true(evutil_sockaddr_cmp(SA(a), SA(b), 1) < 0);
	assert_true(evutil_sockaddr_cmp(SA(b), SA(a), 1) > 0);
	assert_true(evutil_sockaddr_cmp(SA(g), SA(a), 1) < 0);	/* network order */
	assert_true(evutil_sockaddr_cmp(SA(a), SA(c), 1) < 0);
	assert_int_equal(evutil_sockaddr_cmp(SA(a), SA(c), 0), 0);
	assert_int_equal(evutil_sockaddr_cmp(SA(a), SA(a), 1), 0);
	assert_true(evutil_sockaddr_cmp(SA(a), SA(d), 1) < 0);	/* AF_INET < AF_INET6 */
	assert_true(evutil_sockaddr_cmp(SA(d), SA(a), 0) > 0);
	assert_true(evutil_sockaddr_cmp(SA(d), SA(e), 1) < 0);
	assert_true(evutil_sockaddr_cmp(SA(d), SA(f), 1) < 0);
	assert_int_equal(evutil_sockaddr_cmp(SA(d), SA(f), 0), 0);
}

static void
test_sockaddr_cmp_never_calls_unknown_families_equal(void **state)
{
	struct sockaddr_storage x, y;

	(void)state;
	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	x.ss_family = y.ss_family = AF_UNIX;
	assert_int_not_equal(evutil_sockaddr_cmp(SA(x), SA(y), 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_pton_accepts_ipv4_and_ipv6),
		cmocka_unit_test(test_inet_pton_rejects_malformed_text),
		cmocka_unit_test(test_inet_pton_scope_reads_a_numeric_zone),
		cmocka_unit_test(test_inet_pton_scope_reads_an_interface_name),
		cmocka_unit_test(test_inet_pton_scope_without_a_zone_gives_index_zero),
		cmocka_unit_test(test_inet_pton_scope_rejects_malformed_zones_and_addresses),
		cmocka_unit_test(test_inet_ntop_round_trips_and_refuses_short_buffers),
		cmocka_unit_test(test_parse_sockaddr_port_accepts_every_documented_form),
		cmocka_unit_test(test_parse_sockaddr_port_keeps_the_zone_of_an_ipv6_address),
		cmocka_unit_test(test_parse_sockaddr_port_rejects_malformed_input),
		cmocka_unit_test(test_parse_sockaddr_port_rejects_an_overlong_string),
		cmocka_unit_test(test_parse_sockaddr_port_refuses_an_explicit_port_zero),
		cmocka_unit_test(test_parse_sockaddr_port_takes_a_host_of_up_to_127_characters),
		cmocka_unit_test(test_parse_sockaddr_port_refuses_a_small_buffer_and_null),
		cmocka_unit_test(test_sockaddr_cmp_orders_family_address_then_port),
		cmocka_unit_test(test_sockaddr_cmp_never_calls_unknown_families_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
