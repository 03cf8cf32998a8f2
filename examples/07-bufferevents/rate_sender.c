/*
 * rate_sender.c - serve one file at a limited rate.
 *
 *	usage: rate_sender FILE BYTES_PER_SECOND [PORT]	(PORT 0: the kernel picks)
 *
 * Listens on 127.0.0.1 and prints "listening on PORT".  The first client
 * that connects receives FILE, never faster than BYTES_PER_SECOND: a
 * token bucket with ten ticks a second refills BYTES_PER_SECOND/10 bytes a
 * tick, and the bufferevent writes no more than the bucket holds.  The
 * file goes into the output buffer whole with evbuffer_add_file, so no
 * byte of it is copied by the program.  Once the last byte has left, it
 * prints "sent N bytes in T ticks" (ticks counted by a timer of its own)
 * and exits 0.
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../01-async-io/listen.h"	/* open_listener: 127.0.0.1, port printed */
#include <sys/stat.h>
#include <unistd.h>

static const struct timeval tick = { 0, 100000 };	/* ten ticks a second */

struct sending {
	struct event_base *base;
	struct ev_token_bucket_cfg *bucket;
	struct event *ticker;
	int file;
	off_t size;
	long ticks;
	int status;
};

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sending *s = arg;

	(void)fd, (void)what;
	s->ticks++;
}

/* The output buffer is empty: the whole file is in the kernel's hands. */
static void
on_sent(struct bufferevent *bev, void *arg)
{
	struct sending *s = arg;

	(void)bev;
	printf("sent %lld bytes in %ld ticks\n", (long long)s->size, s->ticks);
	s->status = 0;
	event_base_loopexit(s->base, NULL);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct sending *s = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fprintf(stderr, "rate_sender: the client went away\n");
		event_base_loopexit(s->base, NULL);
	}
}

/* One client: a rate-limited bufferevent with the file in its output. */
static void
on_accept(evutil_socket_t listener, short what, void *arg)
{
	struct sending *s = arg;
	struct bufferevent *bev;
	evutil_socket_t fd = accept(listener, NULL, NULL);

	(void)what;
	if (fd < 0)
		return;
	evutil_make_socket_nonblocking(fd);
	bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL || bufferevent_set_rate_limit(bev, s->bucket) < 0 ||
	    evbuffer_add_file(bufferevent_get_output(bev), s->file, 0, s->size) < 0) {
		fprintf(stderr, "rate_sender: could not set up the client\n");
		event_base_loopexit(s->base, NULL);
		return;
	}
	s->file = -1;	/* the buffer owns it now */
	bufferevent_setcb(bev, NULL, on_sent, on_event, s);
	bufferevent_enable(bev, EV_WRITE);
	event_add(s->ticker, &tick);
	event_del(event_base_get_running_event(s->base));	/* one client only */
}

int
main(int argc, char **argv)
{
	struct sending s = { .status = 1 };
	struct event *accepting;
	struct stat st;
	evutil_socket_t fd;
	long rate;

	if (argc < 3 || (rate = atol(argv[2])) < 10) {
		fprintf(stderr, "usage: rate_sender FILE BYTES_PER_SECOND(>=10) [PORT]\n");
		return 2;
	}
	if ((s.file = open(argv[1], O_RDONLY)) < 0 || fstat(s.file, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	s.size = st.st_size;
	s.base = event_base_new();
	/* Read unlimited; write rate/10 a tick, at most that much at once. */
	s.bucket = ev_token_bucket_cfg_new(EV_RATE_LIMIT_MAX, EV_RATE_LIMIT_MAX,
	    (size_t)rate / 10, (size_t)rate / 10, &tick);
	fd = open_listener(argc > 3 ? argv[3] : "0", SOCK_NONBLOCK);
	if (s.base == NULL || s.bucket == NULL || fd < 0)
		return 1;
	s.ticker = event_new(s.base, -1, EV_PERSIST, on_tick, &s);
	accepting = event_new(s.base, fd, EV_READ | EV_PERSIST, on_accept, &s);
	event_add(accepting, NULL);
	event_base_dispatch(s.base);
	return s.status;
}
