#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <event2/event_struct.h>
#include "bev_test.h"

void
rec_init(struct recorder *r, struct event_base *base)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
}

void
rec_clear(struct recorder *r)
{
	if (r->got)
		evbuffer_free(r->got);
	r->got = NULL;
}

static void
rec_note(struct recorder *r, char c)
{
	if (r->n < REC_MAX)
		r->order[r->n++] = c;
	r->order[r->n] = '\0';
}

/* Free what the recorder was asked to free at callback c. */
static void
rec_maybe_free(struct recorder *r, struct bufferevent *bev, char c)
{
	if (r->free_on != c)
		return;
	if (r->free_other) {
		bufferevent_free(*r->free_other);
		r->freed = *r->free_other;
		*r->free_other = NULL;
	} else {
		bufferevent_free(bev);
		r->freed = bev;
	}
}

void
rec_read(struct bufferevent *bev, void *arg)
{
	struct recorder *r = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (++r->depth > r->max_depth)
		r->max_depth = r->depth;
	if (r->reads < REC_MAX)
		r->input_seen[r->reads] = evbuffer_get_length(in);
	r->reads++;
	rec_note(r, 'R');
	if (r->drain) {
		if (r->got == NULL)
			r->got = evbuffer_new();
		evbuffer_add_buffer(r->got, in);
		if (r->stop_after &&
		    evbuffer_get_length(r->got) >= r->stop_after)
			event_base_loopbreak(r->base);
	}
	if (r->echo)
		bufferevent_write_buffer(bev, in);
	r->depth--;
	rec_maybe_free(r, bev, 'R');
}

void
rec_write(struct bufferevent *bev, void *arg)
{
	struct recorder *r = arg;

	if (++r->depth > r->max_depth)
		r->max_depth = r->depth;
	if (r->writes < REC_MAX)
		r->output_seen[r->writes] =
		    evbuffer_get_length(bufferevent_get_output(bev));
	r->writes++;
	rec_note(r, 'W');
	r->depth--;
	rec_maybe_free(r, bev, 'W');
}

void
rec_event(struct bufferevent *bev, short what, void *arg)
{
	struct recorder *r = arg;
	char c = (what & BEV_EVENT_CONNECTED) ? 'C' : (what & BEV_EVENT_EOF) ?
	    'E' : (what & BEV_EVENT_ERROR) ? 'X' : (what & BEV_EVENT_TIMEOUT) ?
	    'T' : '?';

	if (r->events < REC_MAX) {
		r->what[r->events] = what;
		r->errnos[r->events] = EVUTIL_SOCKET_ERROR();
	}
	r->events++;
	rec_note(r, (what & BEV_EVENT_WRITING) ? (char)(c | 0x20) : c);
	rec_maybe_free(r, bev, 'E');
	if (r->break_on_event)
		event_base_loopbreak(r->base);
}

void
rec_setcb(struct bufferevent *bev, struct recorder *r)
{
	bufferevent_setcb(bev, rec_read, rec_write, rec_event, r);
}

void
make_socketpair(evutil_socket_t fds[2])
{
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fds[0]), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fds[1]), 0);
}

evutil_socket_t
listen_loopback(struct sockaddr_in *sin)
{
	evutil_socket_t fd = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*sin);

	assert_true(fd >= 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return fd;
}

void
closed_port(struct sockaddr_in *sin)
{
	evutil_socket_t fd = listen_loopback(sin);

	close(fd);	/* the port is free again: a connect is refused */
}

evutil_socket_t
accept_one(evutil_socket_t listener)
{
	evutil_socket_t fd = accept(listener, NULL, NULL);

	assert_true(fd >= 0);
	assert_int_equal(evutil_make_socket_nonblocking(fd), 0);
	return fd;
}

static void
guard_fired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int
run_bounded(struct event_base *base, int seconds)
{
	struct timeval limit = { seconds, 0 };
	struct event *guard = evtimer_new(base, guard_fired, base);
	int r;

	/* An internal timer does not keep the loop alive: the loop ends as
	 * soon as the bufferevents have nothing left to wait for, and the
	 * guard only stops a test that would otherwise hang. */
	guard->ev_evcallback.evcb_flags |= EVLIST_INTERNAL;
	event_add(guard, &limit);
	r = event_base_dispatch(base);
	event_free(guard);
	return r;
}

unsigned char
pattern_at(size_t i)
{
	return (unsigned char)((i * 7 + (i >> 10)) & 0xff);
}

void
fill_pattern(unsigned char *buf, size_t len, size_t offset)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_at(offset + i);
}

size_t
read_fully(evutil_socket_t fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (got < len) {
		n = recv(fd, (char *)buf + got, len - got, 0);
		if (n > 0) {
			got += (size_t)n;
		} else if (n == 0) {
			break;
		} else if (errno == EAGAIN || errno == EINTR) {
			if (poll(&p, 1, 10000) <= 0)
				break;
		} else {
			break;
		}
	}
	return got;
}
