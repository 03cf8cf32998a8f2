/* Fuzz target: chapter 2's text parsers, each checked against a model or
 * against itself the other way round.
 *
 * The first input byte picks the parser, the rest is its text (up to the
 * first NUL, as a C string would be):
 *   0  evutil_parse_sockaddr_port: accepted exactly when a model of the five
 *      documented forms accepts, with the model's address, port and zone,
 *      and parsing the address printed back gives the same sockaddr;
 *   1  evutil_inet_pton: the same answer as the C library's inet_pton, and
 *      evutil_inet_ntop prints an address that parses back to the same
 *      bytes, needs exactly the room it reports, and refuses less;
 *   2  evutil_inet_ntop of raw bytes, then evutil_inet_pton of the text;
 *   3  evutil_strtoll against strtoll: value, end pointer and errno;
 *   4  evutil_ascii_strcasecmp and evutil_ascii_strncasecmp against a model
 *      that folds A-Z only.
 */
/* fuzz-chapter: 02 */
#include <event2/util.h>
#include <event2/event.h>
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ACCEPTS 1
#define REJECTS 0
#define EITHER (-1)	/* where the documentation leaves the answer open */

/* ---- evutil_parse_sockaddr_port ---- */

/* What the model makes of an address string. */
struct expected {
	int verdict;			/* ACCEPTS, REJECTS or EITHER */
	int family;
	unsigned char addr[16];
	unsigned port, scope;
};

static int
count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* A port: one or more digits, at most 65535; -1 if not. */
static long
model_port(const char *p)
{
	long v = 0;

	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > 65535)
			return -1;
	}
	return v;
}

/* An IPv6 host with an optional %zone (a number or an interface name). */
static int
model_ipv6_host(const char *host, struct expected *e)
{
	char addr[64];
	const char *pct = strchr(host, '%');
	size_t len = pct ? (size_t)(pct - host) : strlen(host);
	char *end;
	unsigned long zone;

	if (len >= sizeof(addr))
		return REJECTS;
	memcpy(addr, host, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, e->addr) != 1)
		return REJECTS;
	e->family = AF_INET6;
	e->scope = 0;
	if (!pct)
		return ACCEPTS;
	pct++;
	if (*pct == '\0')
		return REJECTS;
	if (strspn(pct, "0123456789") == strlen(pct)) {
		errno = 0;
		zone = strtoul(pct, &end, 10);
		if (errno == ERANGE || zone > UINT_MAX)
			return REJECTS;
		e->scope = (unsigned)zone;
		return ACCEPTS;
	}
	e->scope = if_nametoindex(pct);
	return e->scope ? ACCEPTS : REJECTS;
}

static void
model_parse(const char *s, struct expected *e)
{
	char host[4096];
	const char *port = NULL, *close;
	int v6;
	long p = 0;

	memset(e, 0, sizeof(*e));
	e->verdict = REJECTS;
	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL ||
		    (size_t)(close - s) >= sizeof(host))
			return;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return;
		v6 = 1;
	} else if (count_char(s, ':') >= 2) {
		snprintf(host, sizeof(host), "%s", s);
		v6 = 1;
	} else {
		snprintf(host, sizeof(host), "%s", s);
		if ((close = strchr(host, ':')) != NULL) {
			host[close - host] = '\0';
			port = s + (close - host) + 1;
		}
		v6 = 0;
	}
	if (port && (p = model_port(port)) < 0)
		return;
	e->port = (unsigned)p;
	if (v6) {
		e->verdict = model_ipv6_host(host, e);
	} else if (inet_pton(AF_INET, host, e->addr) == 1) {
		e->family = AF_INET;
		e->verdict = ACCEPTS;
	}
	/* Left open: a port of 0 (libevent 2.1 refuses it), and hosts longer
	 * than any address text (a zone with many leading zeros). */
	if (e->verdict == ACCEPTS && ((port && p == 0) || strlen(host) >= 64))
		e->verdict = EITHER;
}

/* Print a parsed address back in the bracketed, numeric form, with no port
 * when it is 0 (libevent 2.1 refuses an explicit ":0"). */
static void
print_sockaddr(const struct sockaddr_storage *ss, char *text, size_t len)
{
	char a[INET6_ADDRSTRLEN], port[8] = "";
	unsigned scope = 0;
	in_port_t p;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		CHECK(evutil_inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL);
		p = sin->sin_port;
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		CHECK(evutil_inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) != NULL);
		p = sin6->sin6_port;
		scope = sin6->sin6_scope_id;
	}
	if (p)
		snprintf(port, sizeof(port), ":%u", ntohs(p));
	if (ss->ss_family == AF_INET)
		snprintf(text, len, "%s%s", a, port);
	else if (scope)
		snprintf(text, len, "[%s%%%u]%s", a, scope, port);
	else
		snprintf(text, len, "[%s]%s", a, port);
}

static void
check_matches_model(const struct sockaddr_storage *ss, int len,
    const struct expected *e)
{
	CHECK(ss->ss_family == e->family);
	if (e->family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		CHECK(len == (int)sizeof(*sin));
		CHECK(memcmp(&sin->sin_addr, e->addr, 4) == 0);
		CHECK(ntohs(sin->sin_port) == e->port);
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		CHECK(len == (int)sizeof(*sin6));
		CHECK(memcmp(&sin6->sin6_addr, e->addr, 16) == 0);
		CHECK(ntohs(sin6->sin6_port) == e->port);
		CHECK(sin6->sin6_scope_id == e->scope);
	}
}

static void
fuzz_parse_sockaddr_port(const char *s)
{
	struct sockaddr_storage ss, again, untouched;
	struct expected e;
	char text[128];
	int len = (int)sizeof(ss), len2 = (int)sizeof(again), small, r;

	model_parse(s, &e);
	memset(&ss, 0xa5, sizeof(ss));
	memcpy(&untouched, &ss, sizeof(ss));
	r = evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len);
	if (e.verdict != EITHER)
		CHECK((r == 0) == (e.verdict == ACCEPTS));
	CHECK(r == 0 || r == -1);
	if (r < 0) {
		CHECK(memcmp(&ss, &untouched, sizeof(ss)) == 0);
		return;
	}
	check_matches_model(&ss, len, &e);

	/* Printed back and parsed again: the same address. */
	print_sockaddr(&ss, text, sizeof(text));
	memset(&again, 0, sizeof(again));
	CHECK(evutil_parse_sockaddr_port(text, (struct sockaddr *)&again, &len2) == 0);
	CHECK(len2 == len && memcmp(&again, &ss, (size_t)len) == 0);
	CHECK(evutil_sockaddr_cmp((struct sockaddr *)&again,
	    (struct sockaddr *)&ss, 1) == 0);

	/* One byte less room than the answer needs: refused, untouched. */
	small = len - 1;
	memcpy(&again, &untouched, sizeof(again));
	CHECK(evutil_parse_sockaddr_port(s, (struct sockaddr *)&again, &small) == -1);
	CHECK(small == len - 1 && memcmp(&again, &untouched, sizeof(again)) == 0);
}

/* ---- evutil_inet_pton and evutil_inet_ntop ---- */

/* Print bytes of family af; the text must need exactly strlen + 1 bytes
 * of room: every smaller buffer (each malloc'd to its exact size, so that
 * a byte written past it is caught) is refused. */
static void
check_ntop_room(int af, const void *bytes, char *text, size_t size)
{
	size_t need, k;
	char *tight;

	CHECK(evutil_inet_ntop(af, bytes, text, size) == text);
	need = strlen(text) + 1;
	for (k = 1; k <= need; k++) {
		tight = malloc(k);
		CHECK(tight != NULL);
		if (k < need) {
			CHECK(evutil_inet_ntop(af, bytes, tight, k) == NULL);
		} else {
			CHECK(evutil_inet_ntop(af, bytes, tight, k) == tight);
			CHECK(strcmp(tight, text) == 0);
		}
		free(tight);
	}
}

static void
check_round_trip(int af, const unsigned char *bytes)
{
	char text[INET6_ADDRSTRLEN + 8], again_text[INET6_ADDRSTRLEN + 8];
	unsigned char again[16];
	size_t n = af == AF_INET ? 4 : 16;

	check_ntop_room(af, bytes, text, sizeof(text));
	CHECK(evutil_inet_pton(af, text, again) == 1);
	CHECK(memcmp(again, bytes, n) == 0);
	CHECK(evutil_inet_ntop(af, again, again_text, sizeof(again_text)) != NULL);
	CHECK(strcmp(text, again_text) == 0);
}

static void
fuzz_inet_pton(const char *s, int af)
{
	unsigned char ours[16], libc[16];
	int r = evutil_inet_pton(af, s, ours);

	CHECK(r == inet_pton(af, s, libc));
	if (r == 1) {
		CHECK(memcmp(ours, libc, af == AF_INET ? 4 : 16) == 0);
		check_round_trip(af, ours);
	}
}

static void
fuzz_inet_ntop(const uint8_t *data, size_t size, int af)
{
	unsigned char bytes[16] = { 0 };

	memcpy(bytes, data, size < 16 ? size : 16);
	check_round_trip(af, bytes);
}

/* ---- evutil_strtoll ---- */

static void
fuzz_strtoll(const char *s, int base)
{
	char *end_ours, *end_libc;
	long long ours, libc;
	int errno_ours, errno_libc;

	errno = 0;
	ours = evutil_strtoll(s, &end_ours, base);
	errno_ours = errno;
	errno = 0;
	libc = strtoll(s, &end_libc, base);
	errno_libc = errno;
	CHECK(ours == libc);
	CHECK(end_ours == end_libc);
	CHECK(errno_ours == errno_libc);
}

/* ---- evutil_ascii_strcasecmp ---- */

static int
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
model_strncasecmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int x = fold((unsigned char)a[i]), y = fold((unsigned char)b[i]);

		if (x != y)
			return x < y ? -1 : 1;
		if (x == 0)
			break;
	}
	return 0;
}

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
fuzz_strcasecmp(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 2);
	const char *a, *b;
	size_t n = size ? data[0] : 0;

	CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = '\0';
	a = copy + (size ? 1 : 0);	/* the first byte is n */
	b = a + strlen(a) + 1;
	if (b > copy + size)
		b = copy + size;
	CHECK(sign(evutil_ascii_strcasecmp(a, b)) ==
	    model_strncasecmp(a, b, (size_t)-1));
	CHECK(sign(evutil_ascii_strncasecmp(a, b, n)) == model_strncasecmp(a, b, n));
	CHECK(evutil_ascii_strcasecmp(a, a) == 0);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	unsigned mode;

	if (size == 0)
		return 0;
	event_set_log_callback(fuzz_quiet_log);
	mode = data[0];
	data++;
	size--;
	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	switch (mode % 8) {
	case 0:
	case 5:
		fuzz_parse_sockaddr_port(text);
		break;
	case 1:
	case 6:
		fuzz_inet_pton(text, (mode & 8) ? AF_INET6 : AF_INET);
		break;
	case 2:
		fuzz_inet_ntop(data, size, (mode & 8) ? AF_INET6 : AF_INET);
		break;
	case 3:
	case 7:
		fuzz_strtoll(text, (int)(mode >> 3) % 38);
		break;
	case 4:
		fuzz_strcasecmp(data, size);
		break;
	}
	free(text);
	return 0;
}
