/*
 * rot13_server.c - chapter 1's ROT13 server, on bufferevents.
 *
 *	usage: rot13_server [PORT]	(default 0 = let the kernel pick)
 *
 * Listens on 127.0.0.1, prints "listening on PORT", and answers every
 * client with each byte it sends rotated by 13 letters.  A bufferevent per
 * client does the reading, the buffering and the writing; the program only
 * transforms what arrives in the input buffer and hands it to the output.
 * On SIGTERM it prints "served N" and exits 0.
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../01-async-io/listen.h"	/* open_listener: 127.0.0.1, port printed */

static int served;

static char
rot13_char(char c)
{
	if ((c >= 'a' && c <= 'm') || (c >= 'A' && c <= 'M'))
		return (char)(c + 13);
	if ((c >= 'n' && c <= 'z') || (c >= 'N' && c <= 'Z'))
		return (char)(c - 13);
	return c;
}

/* Whatever arrived, rotated into the output: one pass over the input's
 * chains where they lie, then the input drained. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(bev);
	struct evbuffer_iovec vec[8];
	int n, i;
	size_t j;

	(void)arg;
	while ((n = evbuffer_peek(in, -1, NULL, vec, 8)) > 0) {
		if (n > 8)
			n = 8;
		for (i = 0; i < n; i++) {
			char *p = vec[i].iov_base;

			for (j = 0; j < vec[i].iov_len; j++)
				p[j] = rot13_char(p[j]);
			evbuffer_add(out, p, vec[i].iov_len);
			evbuffer_drain(in, vec[i].iov_len);
		}
	}
}

/* EOF or an error ends the client: free its bufferevent (and, with
 * BEV_OPT_CLOSE_ON_FREE, its socket). */
static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void
on_accept(evutil_socket_t listener, short what, void *arg)
{
	struct event_base *base = arg;
	struct bufferevent *bev;
	evutil_socket_t fd;

	(void)what;
	fd = accept(listener, NULL, NULL);
	if (fd < 0)
		return;
	evutil_make_socket_nonblocking(fd);
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	served++;
}

static void
on_term(evutil_socket_t sig, short what, void *arg)
{
	(void)sig, (void)what;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	evutil_socket_t fd = open_listener(argc > 1 ? argv[1] : "0", SOCK_NONBLOCK);
	struct event *accepting, *term;

	if (base == NULL || fd < 0)
		return 1;
	accepting = event_new(base, fd, EV_READ | EV_PERSIST, on_accept, base);
	term = evsignal_new(base, SIGTERM, on_term, base);
	event_add(accepting, NULL);
	event_add(term, NULL);
	event_base_dispatch(base);
	printf("served %d\n", served);
	event_free(accepting);
	event_free(term);
	evutil_closesocket(fd);
	event_base_free(base);
	return 0;
}
