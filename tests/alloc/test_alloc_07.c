/* Chapter 07 under allocation failure: socket bufferevents echoing 64 KiB
 * over a socketpair, a filter over one end of a pair, and a rate-limited
 * bufferevent in a group -- made, written to, driven by the loop and freed.
 *
 * A call that reports failure leaves the buffers as they were; an error
 * event is allowed only when an allocation was refused since the transfer
 * began; a transfer with no error delivers every byte, in order.  The loop
 * turns a bounded number of times (everything here is ready at once, on a
 * socketpair or in memory), so no refusal can make a run hang.
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

#define PAYLOAD (64 * 1024)
#define TURNS 400

static unsigned char payload[PAYLOAD];

struct watch {
	int errors;			/* BEV_EVENT_ERROR seen */
};

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct watch *w = arg;

	(void)bev;
	if (what & BEV_EVENT_ERROR)
		w->errors++;
}

/* The echo side: whatever arrives goes back. */
static void
echo_back(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(bev, bufferevent_get_input(bev));
}

/* Turn the loop until READER's input holds WANT bytes, an error was seen,
 * or TURNS passes went by.  Returns whether the bytes arrived. */
static int
drive(struct event_base *base, struct bufferevent *reader, size_t want,
    const struct watch *w)
{
	int i;

	for (i = 0; i < TURNS && w->errors == 0; i++) {
		if (evbuffer_get_length(bufferevent_get_input(reader)) >= want)
			return 1;
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	return evbuffer_get_length(bufferevent_get_input(reader)) >= want;
}

/* The bytes in BEV's input are the payload's first LEN bytes. */
static void
assert_payload(struct bufferevent *bev, size_t len)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char *got;

	alloc_pause();
	got = evbuffer_pullup(in, (ev_ssize_t)len);
	assert_non_null(got);
	assert_memory_equal(got, payload, len);
	alloc_resume();
}

/* Enable both directions of A and B; refused, say so. */
static int
enable_both(struct bufferevent *a, struct bufferevent *b)
{
	long m = alloc_mark();

	if (!ALLOC_OK(m, bufferevent_enable(a, EV_READ | EV_WRITE) == 0))
		return 0;
	m = alloc_mark();
	return ALLOC_OK(m, bufferevent_enable(b, EV_READ | EV_WRITE) == 0);
}

/* Write the payload into BEV: refused, its output is unchanged. */
static int
write_payload(struct bufferevent *bev)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t before = evbuffer_get_length(out);
	long m = alloc_mark();

	if (ALLOC_OK(m, bufferevent_write(bev, payload, sizeof(payload)) == 0))
		return 1;
	assert_int_equal(evbuffer_get_length(out), before);
	return 0;
}

/* A base, or NULL when its allocation was refused. */
static struct event_base *
make_base(void)
{
	long m = alloc_mark();
	struct event_base *base = event_base_new();

	ALLOC_OK(m, base != NULL);
	return base;
}

static void
socket_echo(void)
{
	struct watch w = { 0 };
	struct bufferevent *client = NULL, *server = NULL;
	struct event_base *base;
	evutil_socket_t fds[2];
	long m;

	if ((base = make_base()) == NULL)
		return;
	alloc_pause();
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
	alloc_resume();
	m = alloc_mark();
	client = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, client != NULL))
		evutil_closesocket(fds[0]);
	m = alloc_mark();
	server = bufferevent_socket_new(base, fds[1],
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!ALLOC_OK(m, server != NULL))
		evutil_closesocket(fds[1]);
	if (client == NULL || server == NULL)
		goto out;
	bufferevent_setcb(client, NULL, NULL, on_event, &w);
	bufferevent_setcb(server, echo_back, NULL, on_event, &w);
	if (!enable_both(client, server) || !write_payload(client))
		goto out;
	m = alloc_mark();
	if (ALLOC_OK(m, drive(base, client, PAYLOAD, &w)))
		assert_payload(client, PAYLOAD);
out:
	if (client)
		bufferevent_free(client);
	if (server)
		bufferevent_free(server);
	event_base_free(base);
}

/* A pass-through filter. */
static enum bufferevent_filter_result
pass(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	(void)limit, (void)mode, (void)arg;
	return evbuffer_remove_buffer(src, dst, evbuffer_get_length(src)) < 0 ?
	    BEV_ERROR : BEV_OK;
}

static void
filter_over_pair(void)
{
	struct watch w = { 0 };
	struct bufferevent *pair[2] = { NULL, NULL }, *top = NULL;
	struct event_base *base;
	long m;

	if ((base = make_base()) == NULL)
		return;
	m = alloc_mark();
	if (!ALLOC_OK(m, bufferevent_pair_new(base, BEV_OPT_DEFER_CALLBACKS, pair) == 0))
		goto out;
	m = alloc_mark();
	top = bufferevent_filter_new(pair[0], pass, pass, BEV_OPT_CLOSE_ON_FREE,
	    NULL, NULL);
	if (!ALLOC_OK(m, top != NULL))
		goto out;
	pair[0] = NULL;		/* the filter owns it now */
	bufferevent_setcb(top, NULL, NULL, on_event, &w);
	bufferevent_setcb(pair[1], NULL, NULL, on_event, &w);
	if (!enable_both(top, pair[1]) || !write_payload(top))
		goto out;
	m = alloc_mark();
	if (ALLOC_OK(m, drive(base, pair[1], PAYLOAD, &w)))
		assert_payload(pair[1], PAYLOAD);
out:
	if (top)
		bufferevent_free(top);
	if (pair[0])
		bufferevent_free(pair[0]);
	if (pair[1])
		bufferevent_free(pair[1]);
	event_base_free(base);
}

static void
rate_limited_group(void)
{
	struct timeval tick = { 0, 1000 };
	struct watch w = { 0 };
	struct bufferevent *pair[2] = { NULL, NULL };
	struct bufferevent_rate_limit_group *group = NULL;
	struct ev_token_bucket_cfg *cfg;
	struct event_base *base;
	long m;

	if ((base = make_base()) == NULL)
		return;
	m = alloc_mark();
	cfg = ev_token_bucket_cfg_new(PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD, &tick);
	if (!ALLOC_OK(m, cfg != NULL))
		goto out;
	m = alloc_mark();
	if (!ALLOC_OK(m, bufferevent_pair_new(base, 0, pair) == 0))
		goto out;
	m = alloc_mark();
	if (!ALLOC_OK(m, bufferevent_set_rate_limit(pair[0], cfg) == 0))
		assert_null(bufferevent_get_token_bucket_cfg(pair[0]));
	m = alloc_mark();
	group = bufferevent_rate_limit_group_new(base, cfg);
	if (ALLOC_OK(m, group != NULL)) {
		m = alloc_mark();
		ALLOC_OK(m, bufferevent_add_to_rate_limit_group(pair[0], group) == 0);
	}
	bufferevent_setcb(pair[0], NULL, NULL, on_event, &w);
	bufferevent_setcb(pair[1], NULL, NULL, on_event, &w);
	if (!enable_both(pair[0], pair[1]) || !write_payload(pair[0]))
		goto out;
	m = alloc_mark();
	if (ALLOC_OK(m, drive(base, pair[1], PAYLOAD, &w)))
		assert_payload(pair[1], PAYLOAD);
out:
	if (pair[0])
		bufferevent_free(pair[0]);
	if (pair[1])
		bufferevent_free(pair[1]);
	if (group)
		bufferevent_rate_limit_group_free(group);
	if (cfg)
		ev_token_bucket_cfg_free(cfg);
	event_base_free(base);
}

/* A connect on a descriptor numbered far above the rest, so that waiting
 * for it grows the event core's descriptor table: refused, the connect
 * must still end in CONNECTED or ERROR, never in silence. */
struct heard {
	int connected, errors;
};

static void
on_connect_event(struct bufferevent *bev, short what, void *arg)
{
	struct heard *h = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		h->connected++;
	if (what & BEV_EVENT_ERROR)
		h->errors++;
}

static void
connect_high_descriptor(void)
{
	struct heard h = { 0, 0 };
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct bufferevent *bev = NULL;
	struct event_base *base;
	evutil_socket_t lst, fd, high = 700;
	long m;
	int i, r;

	if ((base = make_base()) == NULL)
		return;
	alloc_pause();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lst = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(lst >= 0);
	assert_int_equal(bind(lst, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lst, 8), 0);
	assert_int_equal(getsockname(lst, (struct sockaddr *)&sin, &len), 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(dup2(fd, high), high);
	close(fd);
	evutil_make_socket_nonblocking(high);
	alloc_resume();
	m = alloc_mark();
	bev = bufferevent_socket_new(base, high, BEV_OPT_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, bev != NULL)) {
		close(high);
		goto out;
	}
	bufferevent_setcb(bev, NULL, NULL, on_connect_event, &h);
	m = alloc_mark();
	r = bufferevent_socket_connect(bev, (struct sockaddr *)&sin,
	    (int)sizeof(sin));
	if (!ALLOC_OK(m, r == 0))
		goto out;
	for (i = 0; i < TURNS && h.connected + h.errors == 0; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(h.connected + h.errors, 1);
	ALLOC_OK(m, h.errors == 0);
out:
	if (bev)
		bufferevent_free(bev);
	close(lst);
	event_base_free(base);
}

static const struct alloc_workload workloads[] = {
	{ "socket_echo", socket_echo },
	{ "filter_over_pair", filter_over_pair },
	{ "rate_limited_group", rate_limited_group },
	{ "connect_high_descriptor", connect_high_descriptor },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (unsigned char)(i * 31 + (i >> 8));
	return ALLOC_RUN_WORKLOADS(workloads);
}
