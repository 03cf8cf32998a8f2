/* bench/bufferevent.c -- bufferevent workloads, built unchanged against
 * litevent and against the system's libevent 2.1 (see bench/compare.sh).
 *
 *   bufferevent ROUNDS [echo|filter|pair]...   (no name: all three)
 *
 * echo    N = 1, 100, 1000 socketpairs, a socket bufferevent at each end; each
 *         client sends a message (64 B or 16 KiB), the server's read callback
 *         writes its whole input back, and the client sends the next message
 *         once the echo is complete.  All N connections run at once.
 * filter  the same echo with the server's bufferevent a
 *         pass-through filter over the socket one.
 * pair    a bufferevent pair (BEV_OPT_DEFER_CALLBACKS) ping-ponging a 64 B
 *         message: no system calls, only the library.
 *
 * Operations: round trips (a message there and back).  Each figure is the
 * median of ROUNDS rounds of nanoseconds per round trip (CPU time,
 * bench/bench.h); making the connections is not timed. */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

#define MAX_MSG (16 * 1024)
#define TRIPS_PER_ROUND 10000L	/* round trips a round makes, all clients together */

static void
die(const char *what)
{
	fprintf(stderr, "bench/bufferevent: %s failed\n", what);
	exit(1);
}

static unsigned char message[MAX_MSG];

struct client {
	struct bufferevent *bev;
	size_t msg_len;
	long trips_left;
};

static int clients_running;

static void
send_message(struct client *c)
{
	if (bufferevent_write(c->bev, message, c->msg_len) < 0)
		die("bufferevent_write");
}

/* The client's read callback: once the whole echo is in, drop it and send
 * the next message, or stop after the last. */
static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (evbuffer_get_length(in) < c->msg_len)
		return;
	evbuffer_drain(in, c->msg_len);
	if (--c->trips_left > 0)
		send_message(c);
	else if (--clients_running == 0)
		event_base_loopbreak(bufferevent_get_base(bev));
}

/* The server's read callback: the echo. */
static void
server_read(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (bufferevent_write_buffer(bev, bufferevent_get_input(bev)) < 0)
		die("bufferevent_write_buffer");
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev, (void)arg;
	fprintf(stderr, "bench/bufferevent: unexpected event 0x%x\n", what);
	exit(1);
}

/* A filter that passes everything through unchanged, both ways. */
static enum bufferevent_filter_result
pass_through(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	(void)limit, (void)mode, (void)arg;
	if (evbuffer_remove_buffer(src, dst, evbuffer_get_length(src)) < 0)
		return BEV_ERROR;
	return BEV_OK;
}

/* Echo over N socketpairs, messages of LEN bytes, the server side filtered
 * or not.  Returns nanoseconds per round trip. */
static double
round_echo(const char *name, int n, size_t len, int filtered)
{
	struct event_base *base = event_base_new();
	struct client *clients = calloc((size_t)n, sizeof(*clients));
	struct bufferevent **servers = calloc((size_t)n, sizeof(*servers));
	long trips = TRIPS_PER_ROUND / n > 0 ? TRIPS_PER_ROUND / n : 1;
	double started, ns;
	int i, fds[2];

	if (len > MAX_MSG)
		len = MAX_MSG;
	if (!base || !clients || !servers)
		die("allocating a round");
	for (i = 0; i < n; i++) {
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 ||
		    evutil_make_socket_nonblocking(fds[0]) < 0 ||
		    evutil_make_socket_nonblocking(fds[1]) < 0)
			die("socketpair");
		clients[i].bev = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
		servers[i] = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
		if (!clients[i].bev || !servers[i])
			die("bufferevent_socket_new");
		if (filtered) {
			servers[i] = bufferevent_filter_new(servers[i], pass_through,
			    pass_through, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
			if (!servers[i])
				die("bufferevent_filter_new");
		}
		clients[i].msg_len = len;
		clients[i].trips_left = trips;
		bufferevent_setcb(clients[i].bev, client_read, NULL, on_event, &clients[i]);
		bufferevent_setcb(servers[i], server_read, NULL, on_event, NULL);
		bufferevent_enable(clients[i].bev, EV_READ | EV_WRITE);
		bufferevent_enable(servers[i], EV_READ | EV_WRITE);
	}
	clients_running = n;
	count_begin();
	started = now_ns();
	for (i = 0; i < n; i++)
		send_message(&clients[i]);
	if (event_base_dispatch(base) < 0)
		die("event_base_dispatch");
	ns = now_ns() - started;
	count_end(name, trips * n);
	if (clients_running != 0)
		die("finishing every client");
	for (i = 0; i < n; i++) {
		bufferevent_free(clients[i].bev);
		bufferevent_free(servers[i]);
	}
	free(clients);
	free(servers);
	event_base_free(base);
	return ns / (double)(trips * n);
}

/* Ping-pong of a 64 B message over a bufferevent pair. */
static double
round_pair(const char *name)
{
	struct event_base *base = event_base_new();
	struct bufferevent *pair[2];
	struct client c;
	const long trips = 200000;
	double started, ns;

	if (!base || bufferevent_pair_new(base, BEV_OPT_DEFER_CALLBACKS, pair) < 0)
		die("bufferevent_pair_new");
	c.bev = pair[0];
	c.msg_len = 64;
	c.trips_left = trips;
	bufferevent_setcb(pair[0], client_read, NULL, on_event, &c);
	bufferevent_setcb(pair[1], server_read, NULL, on_event, NULL);
	bufferevent_enable(pair[0], EV_READ | EV_WRITE);
	bufferevent_enable(pair[1], EV_READ | EV_WRITE);
	clients_running = 1;
	count_begin();
	started = now_ns();
	send_message(&c);
	if (event_base_dispatch(base) < 0)
		die("event_base_dispatch");
	ns = now_ns() - started;
	count_end(name, trips);
	if (clients_running != 0)
		die("finishing the ping-pong");
	bufferevent_free(pair[0]);
	bufferevent_free(pair[1]);
	event_base_free(base);
	return ns / (double)trips;
}

/* Run one measurement ROUNDS times and print the median. */
static void
report(const char *name, int rounds, int n, size_t len, int kind)
{
	double t[rounds];
	int r;

	for (r = 0; r < rounds; r++)
		t[r] = kind == 2 ? round_pair(name) : round_echo(name, n, len, kind);
	printf("%s\t%.1f\n", name, median(t, rounds));
}

static int
chosen(int argc, char **argv, const char *what)
{
	int a;

	if (argc < 3)
		return 1;
	for (a = 2; a < argc; a++)
		if (strcmp(argv[a], what) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static const int conns[] = { 1, 100, 1000 };
	static const size_t sizes[] = { 64, MAX_MSG };
	char name[64];
	size_t i, j;
	int rounds;

	if (argc < 2 || (rounds = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: bufferevent ROUNDS [echo|filter|pair]...\n");
		return 2;
	}
	raise_fd_limit();
	memset(message, 'm', sizeof(message));
	for (i = 0; chosen(argc, argv, "echo") && i < 3; i++)
		for (j = 0; j < 2; j++) {
			snprintf(name, sizeof(name), "bev_echo_N%d_%zuB", conns[i], sizes[j]);
			report(name, rounds, conns[i], sizes[j], 0);
		}
	for (i = 0; chosen(argc, argv, "filter") && i < 3; i++)
		for (j = 0; j < 2; j++) {
			snprintf(name, sizeof(name), "bev_filter_echo_N%d_%zuB", conns[i], sizes[j]);
			report(name, rounds, conns[i], sizes[j], 1);
		}
	if (chosen(argc, argv, "pair"))
		report("bev_pair_pingpong_64B", rounds, 1, 64, 2);
	return 0;
}
