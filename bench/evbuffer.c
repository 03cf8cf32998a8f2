/* bench/evbuffer.c -- evbuffer workloads, built unchanged against litevent and
 * against the system's libevent 2.1 (see bench/compare.sh).
 *
 *   evbuffer ROUNDS [small|readln|pingpong|socket]...   (no name: all four)
 *
 * Each workload runs ROUNDS times; it prints one line, NAME<TAB>nanoseconds
 * per operation (CPU time, bench/bench.h), the median of its rounds.  Under
 * callgrind every round's timed part is counted (bench/counts.sh); making
 * and filling the buffers is not. */
#include <event2/buffer.h>
#include <event2/util.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

static void
die(const char *what)
{
	fprintf(stderr, "bench/evbuffer: %s failed\n", what);
	exit(1);
}

/* The timed part of a round of workload NAME: start it, then end it after
 * OPS operations, getting nanoseconds per operation. */
static double started;

static void
timed_begin(void)
{
	count_begin();
	started = now_ns();
}

static double
timed_end(const char *name, long ops)
{
	double ns = now_ns() - started;

	count_end(name, ops);
	return ns / (double)ops;
}

/* Small adds and removes: a queue of 48-byte records, 16 in, 16 out, so the
 * buffer empties every 16 records.  Operations: adds and removes. */
static double
round_small(const char *name)
{
	struct evbuffer *buf = evbuffer_new();
	char rec[48], out[48];
	const int batches = 200000;
	double t;
	int i, j;

	memset(rec, 'r', sizeof(rec));
	timed_begin();
	for (i = 0; i < batches; i++) {
		for (j = 0; j < 16; j++)
			if (evbuffer_add(buf, rec, sizeof(rec)) < 0)
				die("evbuffer_add");
		for (j = 0; j < 16; j++)
			if (evbuffer_remove(buf, out, sizeof(out)) != sizeof(out))
				die("evbuffer_remove");
	}
	t = timed_end(name, batches * 32L);
	evbuffer_free(buf);
	return t;
}

/* evbuffer_readln over a million CRLF lines (filling the buffer is not
 * timed).  Operations: lines. */
static double
round_readln(const char *name)
{
	struct evbuffer *buf = evbuffer_new();
	const int lines = 1000000;
	double t;
	size_t len;
	char *line;
	int i;

	for (i = 0; i < lines; i++)
		evbuffer_add_printf(buf, "Header-%d: some value here\r\n", i);
	timed_begin();
	for (i = 0; i < lines; i++) {
		line = evbuffer_readln(buf, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL)
			die("evbuffer_readln");
		free(line);
	}
	t = timed_end(name, lines);
	if (evbuffer_get_length(buf) != 0)
		die("draining every line");
	evbuffer_free(buf);
	return t;
}

/* evbuffer_add_buffer moving 4 KiB (four 1 KiB adds) back and forth between
 * two buffers.  Operations: moves. */
static double
round_pingpong(const char *name)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	const int trips = 1000000;
	char chunk[1024];
	double t;
	int i;

	memset(chunk, 'p', sizeof(chunk));
	for (i = 0; i < 4; i++)
		evbuffer_add(a, chunk, sizeof(chunk));
	timed_begin();
	for (i = 0; i < trips; i++) {
		if (evbuffer_add_buffer(b, a) < 0 || evbuffer_add_buffer(a, b) < 0)
			die("evbuffer_add_buffer");
	}
	t = timed_end(name, trips * 2L);
	if (evbuffer_get_length(a) != 4096)
		die("ping-pong length");
	evbuffer_free(a);
	evbuffer_free(b);
	return t;
}

/* 256 MiB through a nonblocking socketpair with evbuffer_write/evbuffer_read.
 * Operations: KiB delivered. */
static double
round_socket(const char *name)
{
	struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
	const size_t total = (size_t)256 << 20;
	static char chunk[64 * 1024];
	size_t queued = 0, received = 0;
	double t;
	int fds[2], n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 ||
	    evutil_make_socket_nonblocking(fds[0]) < 0 ||
	    evutil_make_socket_nonblocking(fds[1]) < 0)
		die("socketpair");
	memset(chunk, 's', sizeof(chunk));
	timed_begin();
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
	t = timed_end(name, (long)(total >> 10));
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(out);
	evbuffer_free(in);
	return t;
}

static const struct workload {
	const char *arg, *name;
	double (*round)(const char *name);	/* ns per operation */
} workloads[] = {
	{ "small", "small_add_remove", round_small },
	{ "readln", "readln_crlf_1M", round_readln },
	{ "pingpong", "add_buffer_pingpong", round_pingpong },
	{ "socket", "socketpair_256MiB_per_KiB", round_socket },
};

/* Run one workload ROUNDS times and print the median. */
static void
run(const struct workload *w, int rounds)
{
	double t[rounds];
	int r;

	for (r = 0; r < rounds; r++)
		t[r] = w->round(w->name);
	printf("%s\t%.2f\n", w->name, median(t, rounds));
}

int
main(int argc, char **argv)
{
	size_t i;
	int a, rounds, chosen;

	if (argc < 2 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: evbuffer ROUNDS [small|readln|pingpong|socket]...\n");
		return 2;
	}
	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		chosen = argc < 3;
		for (a = 2; a < argc; a++)
			if (strcmp(argv[a], workloads[i].arg) == 0)
				chosen = 1;
		if (chosen)
			run(&workloads[i], rounds);
	}
	return 0;
}
