/* bench/echo.c -- memory per connection: N echo connections over
 * socketpairs, each server side with an input and an output evbuffer (what a
 * bufferevent holds), echoing messages of 4 to 8 KiB.
 *
 * Each of ROUNDS rounds: all N clients send a message; the servers read it
 * and queue the echo in their output buffers, and only when every server
 * has its message do the servers write and the clients read (a peer that is
 * slow to read), so that at the peak every connection has an echo waiting
 * in its output buffer.  Then the buffers drain.  After the last round
 * everything is idle: connections open, buffers empty.  Measured, in KiB:
 *   - peak RSS (getrusage), and idle RSS at the end (VmRSS after
 *     malloc_trim, so that memory the buffers gave back and malloc kept
 *     cached is not counted as held);
 *   - the library's own heap in use, peak and idle, counted through
 *     event_set_mem_functions with malloc_usable_size (exact, and immune to
 *     how malloc caches).
 * The client side uses plain read/write and a static message, so the
 * library's memory is the server's buffers and events.
 *
 *   echo N ROUNDS
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "bench.h"

#define MSG_MIN 4096
#define MSG_MAX 8192

struct conn {
	int client, server;
	struct evbuffer *in, *out;	/* the server side's buffers */
	struct event *server_read, *server_write, *client_read;
	size_t msg_len;			/* the message of this round */
	size_t server_got, client_got;	/* how much of it each side has */
};

static unsigned char message[MSG_MAX];
static char scratch[MSG_MAX];
static int remaining;			/* sides still short of the message */
static size_t live, live_peak;		/* the library's heap in use */

static void *
count_malloc(size_t n)
{
	void *p = malloc(n);

	if (p) {
		live += malloc_usable_size(p);
		if (live > live_peak)
			live_peak = live;
	}
	return p;
}

static void *
count_realloc(void *old, size_t n)
{
	size_t before = old ? malloc_usable_size(old) : 0;
	void *p = realloc(old, n);

	if (p || n == 0) {
		live -= before;
		if (p)
			live += malloc_usable_size(p);
		if (live > live_peak)
			live_peak = live;
	}
	return p;
}

static void
count_free(void *p)
{
	if (p)
		live -= malloc_usable_size(p);
	free(p);
}

static void
client_send(struct conn *c)
{
	c->msg_len = MSG_MIN + (size_t)(rand() % (MSG_MAX - MSG_MIN + 1));
	c->server_got = c->client_got = 0;
	if (write(c->client, message, c->msg_len) != (ssize_t)c->msg_len)
		exit(2);	/* a socketpair takes 8 KiB at once */
}

static void
server_flush(struct conn *c)
{
	if (evbuffer_write(c->out, c->server) < 0 && errno != EAGAIN)
		exit(3);
	if (evbuffer_get_length(c->out) > 0)
		event_add(c->server_write, NULL);
	else
		event_del(c->server_write);
}

static void
on_server_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	int n;

	(void)what;
	if ((n = evbuffer_read(c->in, fd, -1)) <= 0)
		return;
	c->server_got += (size_t)n;
	if (c->server_got == c->msg_len)
		remaining--;
	evbuffer_add_buffer(c->out, c->in);	/* sent once the client reads */
}

static void
on_server_write(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	server_flush(arg);
}

static void
on_client_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	ssize_t n;

	(void)what;
	n = read(fd, scratch, sizeof(scratch));
	if (n <= 0)
		return;
	c->client_got += (size_t)n;
	if (c->client_got < c->msg_len)
		return;
	event_del(c->client_read);
	remaining--;
}

static long
rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void
setup(struct event_base *base, struct conn *c)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		fprintf(stderr, "socketpair: %s\n", strerror(errno));
		exit(1);
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	c->client = sv[0];
	c->server = sv[1];
	c->in = evbuffer_new();
	c->out = evbuffer_new();
	c->server_read = event_new(base, c->server, EV_READ | EV_PERSIST,
	    on_server_read, c);
	c->server_write = event_new(base, c->server, EV_WRITE | EV_PERSIST,
	    on_server_write, c);
	c->client_read = event_new(base, c->client, EV_READ | EV_PERSIST,
	    on_client_read, c);
	if (!c->in || !c->out || !c->server_read || !c->server_write ||
	    !c->client_read)
		exit(1);
	event_add(c->server_read, NULL);
}

/* Loop until every connection's side has the whole message. */
static void
run_until_all_have_it(struct event_base *base, int n)
{
	remaining = n;
	while (remaining > 0)
		event_base_loop(base, EVLOOP_ONCE);
}

static void
teardown(struct conn *c)
{
	event_free(c->server_read);
	event_free(c->server_write);
	event_free(c->client_read);
	evbuffer_free(c->in);
	evbuffer_free(c->out);
	close(c->client);
	close(c->server);
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct conn *conns;
	struct rusage ru;
	long idle_rss;
	size_t live_idle;
	int n, rounds, i;

	if (argc != 3) {
		fprintf(stderr, "usage: echo N ROUNDS\n");
		return 1;
	}
	n = atoi(argv[1]);
	rounds = atoi(argv[2]);
	raise_fd_limit();
	event_set_mem_functions(count_malloc, count_realloc, count_free);
	memset(message, 'm', sizeof(message));
	srand(12345);
	conns = calloc((size_t)n, sizeof(*conns));
	base = event_base_new();
	if (!conns || !base)
		return 1;
	for (i = 0; i < n; i++)
		setup(base, &conns[i]);
	while (rounds-- > 0) {
		/* Every server reads its message and queues the echo, which
		 * waits in the output buffer: the peak. */
		for (i = 0; i < n; i++)
			client_send(&conns[i]);
		run_until_all_have_it(base, n);
		/* Then the clients read, the servers write, and the buffers
		 * drain. */
		for (i = 0; i < n; i++) {
			event_add(conns[i].client_read, NULL);
			event_add(conns[i].server_write, NULL);
		}
		run_until_all_have_it(base, n);
	}
	live_idle = live;
	malloc_trim(0);
	idle_rss = rss_kib();
	getrusage(RUSAGE_SELF, &ru);
	printf("echo n=%d peak RSS (KiB)\t%ld\n", n, ru.ru_maxrss);
	printf("echo n=%d idle RSS (KiB)\t%ld\n", n, idle_rss);
	printf("echo n=%d peak library heap (KiB)\t%zu\n", n, live_peak / 1024);
	printf("echo n=%d idle library heap (KiB)\t%zu\n", n, live_idle / 1024);
	for (i = 0; i < n; i++)
		teardown(&conns[i]);
	event_base_free(base);
	free(conns);
	return 0;
}
