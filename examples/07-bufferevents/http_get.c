/*
 * http_get.c - fetch one resource over HTTP/1.0, connecting by hostname.
 *
 *	usage: http_get HOST PORT PATH
 *
 * bufferevent_socket_connect_hostname resolves HOST (here with the
 * blocking resolver: no evdns_base) and connects; the request goes into
 * the output buffer before the connection exists, and leaves once it
 * does.  The response is copied to stdout as it arrives.  Exit status: 0
 * when the server ended the response (EOF), 1 when the lookup or the
 * connection failed, with the reason on stderr.
 */
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static int status = 1;

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	(void)arg;
	evbuffer_write(in, 1);	/* stdout: blocking, so it takes everything */
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	int dns_error;

	(void)arg;
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_EOF) {
		status = 0;
	} else if (what & BEV_EVENT_ERROR) {
		dns_error = bufferevent_socket_get_dns_error(bev);
		if (dns_error)
			fprintf(stderr, "http_get: lookup failed: %s\n", evutil_gai_strerror(dns_error));
		else
			fprintf(stderr, "http_get: %s\n",
			    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	}
	event_base_loopexit(bufferevent_get_base(bev), NULL);
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct bufferevent *bev;

	if (argc != 4) {
		fprintf(stderr, "usage: http_get HOST PORT PATH\n");
		return 2;
	}
	base = event_base_new();
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (base == NULL || bev == NULL)
		return 1;
	bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	evbuffer_add_printf(bufferevent_get_output(bev),
	    "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", argv[3], argv[1]);
	if (bufferevent_socket_connect_hostname(bev, NULL, AF_UNSPEC, argv[1], atoi(argv[2])) < 0) {
		fprintf(stderr, "http_get: could not start connecting\n");
		bufferevent_free(bev);
		return 1;
	}
	event_base_dispatch(base);
	bufferevent_free(bev);
	event_base_free(base);
	return status;
}
