/* echo_server.c -- chapter 8's second program: every byte a client sends
 * comes back to it, for as many clients at once as the process has
 * descriptors.  The listener accepts; a bufferevent (chapter 7) per
 * connection does the reading and the writing.
 *
 *   echo_server [PORT]   listen on 127.0.0.1:PORT (none or 0: any free
 *                        port), print "listening on PORT", serve until
 *                        SIGTERM or SIGINT; then print "served N".
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

// tag::echo[]
/* Whatever arrived goes straight back: the input buffer's chains move to
 * the output buffer without a copy. */
static void
echo_back(struct bufferevent *bev, void *arg)
{
	(void)arg;
	evbuffer_add_buffer(bufferevent_get_output(bev),
	    bufferevent_get_input(bev));
}

static void
hang_up(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);	/* closes the socket too */
}

static void
new_client(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *arg)
{
	struct event_base *base = evconnlistener_get_base(listener);
	struct bufferevent *bev;
	unsigned long *served = arg;

	(void)peer;
	(void)peerlen;
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, echo_back, NULL, hang_up, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	++*served;
}
// end::echo[]

static void
stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct evconnlistener *listener;
	struct event *term, *intr;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	unsigned long served = 0;

	if (base == NULL)
		return 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(argc > 1 ? (unsigned short)atoi(argv[1]) : 0);
	listener = evconnlistener_new_bind(base, new_client, &served,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL) {
		perror("echo_server: cannot listen");
		return 1;
	}
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin,
	    &len);
	printf("listening on %d\n", ntohs(sin.sin_port));
	fflush(stdout);

	term = evsignal_new(base, SIGTERM, stop, base);
	intr = evsignal_new(base, SIGINT, stop, base);
	event_add(term, NULL);
	event_add(intr, NULL);
	event_base_dispatch(base);

	printf("served %lu\n", served);
	evconnlistener_free(listener);
	event_free(term);
	event_free(intr);
	event_base_free(base);
	return 0;
}
