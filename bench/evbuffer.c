/* bench/evbuffer.c -- evbuffer workloads, built unchanged against litevent and
 * against the system's libevent 2.1 (see bench/compare.sh).
 *
 *   evbuffer [small|readln|pingpong|socket]...   (no argument: all four)
 *
 * Prints one line per workload: NAME<TAB>nanoseconds per operation. */
#include <event2/buffer.h>
#include <event2/util.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench/evbuffer: %s failed\n", what);
	exit(1);
}

/* Small adds and removes: a queue of 48-byte records, 16 in, 16 out. */
static void
bench_small(void)
{
	struct evbuffer *buf = evbuffer_new();
	char rec[48], out[48];
	const int rounds = 200000;
	double t0, t1;
	int i, j;

	memset(rec, 'r', sizeof(rec));
	t0 = now_ns();
	for (i = 0; i < rounds; i++) {
		for (j = 0; j < 16; j++)
			if (evbuffer_add(buf, rec, sizeof(rec)) < 0)
				die("evbuffer_add");
		for (j = 0; j < 16; j++)
			if (evbuffer_remove(buf, out, sizeof(out)) != sizeof(out))
				die("evbuffer_remove");
	}
	t1 = now_ns();
	evbuffer_free(buf);
	printf("small_add_remove\t%.2f\n", (t1 - t0) / (rounds * 32.0));
}

/* evbuffer_readln over a million CRLF lines. */
static void
bench_readln(void)
{
	struct evbuffer *buf = evbuffer_new();
	const int lines = 1000000;
	double t0, t1;
	size_t len;
	char *line;
	int i;

	for (i = 0; i < lines; i++)
		evbuffer_add_printf(buf, "Header-%d: some value here\r\n", i);
	t0 = now_ns();
	for (i = 0; i < lines; i++) {
		line = evbuffer_readln(buf, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL)
			die("evbuffer_readln");
		free(line);
	}
	t1 = now_ns();
	if (evbuffer_get_length(buf) != 0)
		die("draining every line");
	evbuffer_free(buf);
	printf("readln_crlf_1M\t%.2f\n", (t1 - t0) / lines);
}

/* evbuffer_add_buffer moving 4 KiB back and forth. */
static void
bench_pingpong(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	const int rounds = 1000000;
	char chunk[1024];
	double t0, t1;
	int i;

	memset(chunk, 'p', sizeof(chunk));
	for (i = 0; i < 4; i++)
		evbuffer_add(a, chunk, sizeof(chunk));
	t0 = now_ns();
	for (i = 0; i < rounds; i++) {
		if (evbuffer_add_buffer(b, a) < 0 || evbuffer_add_buffer(a, b) < 0)
			die("evbuffer_add_buffer");
	}
	t1 = now_ns();
	if (evbuffer_get_length(a) != 4096)
		die("ping-pong length");
	evbuffer_free(a);
	evbuffer_free(b);
	printf("add_buffer_pingpong\t%.2f\n", (t1 - t0) / (rounds * 2.0));
}

/* 256 MiB through a nonblocking socketpair with evbuffer_write/evbuffer_read;
 * the figure is nanoseconds per KiB delivered. */
static void
bench_socket(void)
{
	struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
	const size_t total = (size_t)256 << 20;
	static char chunk[64 * 1024];
	size_t queued = 0, received = 0;
	double t0, t1;
	int fds[2], n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 ||
	    evutil_make_socket_nonblocking(fds[0]) < 0 ||
	    evutil_make_socket_nonblocking(fds[1]) < 0)
		die("socketpair");
	memset(chunk, 's', sizeof(chunk));
	t0 = now_ns();
	while (received < total) {
		while (queued < total && evbuffer_get_length(out) < sizeof(chunk) * 4) {
			evbuffer_add(out, chunk, sizeof(chunk));
			queued += sizeof(chunk);
		}
		if (evbuffer_get_length(out) > 0) {
			n = evbuffer_write(out, fds[0]);
			if (n < 0 && errno != EAGAIN)
				die("evbuffer_write");
		}
		while ((n = evbuffer_read(in, fds[1], -1)) > 0)
			received += (size_t)n;
		if (n < 0 && errno != EAGAIN)
			die("evbuffer_read");
		evbuffer_drain(in, evbuffer_get_length(in));
	}
	t1 = now_ns();
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(out);
	evbuffer_free(in);
	printf("socketpair_256MiB_per_KiB\t%.2f\n", (t1 - t0) / (double)(total >> 10));
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} all[] = {
		{ "small", bench_small },
		{ "readln", bench_readln },
		{ "pingpong", bench_pingpong },
		{ "socket", bench_socket },
	};
	size_t i;
	int a, ran;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ran = argc < 2;
		for (a = 1; a < argc; a++)
			if (strcmp(argv[a], all[i].name) == 0)
				ran = 1;
		if (ran)
			all[i].fn();
	}
	return 0;
}
