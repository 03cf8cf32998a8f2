/* bench/evutil.c -- the utility layer of chapter 2, litevent against libevent.
 *
 * Prints "NAME<TAB>ns per operation" for: secure random bytes (small and
 * large draws), numeric evutil_getaddrinfo() with its free, address parsing,
 * and ASCII case-insensitive comparison.  Usage: evutil [ITERATIONS]
 */
#include <event2/event.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile unsigned sink;

static void
bench_rng(const char *name, size_t size, long n)
{
	unsigned char buf[4096];
	double start = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		evutil_secure_rng_get_bytes(buf, size);
		sink += buf[0];
	}
	printf("%s\t%.1f\n", name, (now_ns() - start) / n);
}

static void
bench_getaddrinfo(long n)
{
	struct evutil_addrinfo hints, *ai;
	double start;
	long i;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	start = now_ns();
	for (i = 0; i < n; i++) {
		if (evutil_getaddrinfo("192.0.2.1", "8080", &hints, &ai) != 0)
			abort();
		sink += ai->ai_family;
		evutil_freeaddrinfo(ai);
	}
	printf("getaddrinfo_numeric_ipv4\t%.1f\n", (now_ns() - start) / n);
}

static void
bench_parse(long n)
{
	struct sockaddr_storage ss;
	double start = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		int len = (int)sizeof(ss);

		if (evutil_parse_sockaddr_port(i & 1 ? "[2001:db8::1]:443" : "192.0.2.1:80",
		    (struct sockaddr *)&ss, &len) < 0)
			abort();
		sink += (unsigned)len;
	}
	printf("parse_sockaddr_port\t%.1f\n", (now_ns() - start) / n);
}

static void
bench_strcasecmp(long n)
{
	static const char *a = "Content-Type-Options-And-More", *b = "content-type-options-and-morE";
	double start = now_ns();
	long i;

	for (i = 0; i < n; i++)
		sink += (unsigned)evutil_ascii_strcasecmp(a, b);
	printf("ascii_strcasecmp_29_bytes\t%.1f\n", (now_ns() - start) / n);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;

	evutil_secure_rng_init();
	bench_rng("secure_rng_16_bytes", 16, n);
	bench_rng("secure_rng_4096_bytes", 4096, n / 10);
	bench_getaddrinfo(n);
	bench_parse(n);
	bench_strcasecmp(n * 10);
	return 0;
}
