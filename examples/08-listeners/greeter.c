/* greeter.c -- chapter 8's first program: a server that greets every client
 * with the address it came from, then hangs up.
 *
 *   greeter [PORT]   listen on 127.0.0.1:PORT (none or 0: a free port the
 *                    kernel picks), print "listening on PORT", and serve
 *                    until SIGTERM or SIGINT; then print "served N".
 *
 * It needs nothing but a listener: each greeting is one send() on the fresh
 * socket, whose empty send buffer always has room for one short line. */
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

// tag::greet[]
static void
greet(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *arg)
{
	struct sockaddr_in *from = (struct sockaddr_in *)peer;
	unsigned long *served = arg;
	char host[INET_ADDRSTRLEN] = "?", line[64];
	int n;

	(void)listener;
	(void)peerlen;
	evutil_inet_ntop(AF_INET, &from->sin_addr, host, sizeof(host));
	n = snprintf(line, sizeof(line), "hello, %s:%d\n", host,
	    ntohs(from->sin_port));
	send(fd, line, (size_t)n, MSG_NOSIGNAL);
	evutil_closesocket(fd);
	++*served;
}

static void
report(struct evconnlistener *listener, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();

	(void)listener;
	(void)arg;
	fprintf(stderr, "greeter: accept failed: %s\n",
	    evutil_socket_error_to_string(err));
}
// end::greet[]

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
// tag::listen[]
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(argc > 1 ? (unsigned short)atoi(argv[1]) : 0);
	listener = evconnlistener_new_bind(base, greet, &served,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL) {
		perror("greeter: cannot listen");
		return 1;
	}
	evconnlistener_set_error_cb(listener, report);
// end::listen[]
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
