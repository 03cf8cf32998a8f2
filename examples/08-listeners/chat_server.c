/* chat_server.c -- chapter 8's third program: every line a client sends
 * goes to every client connected, prefixed with the sender's address.
 *
 *   chat_server [PORT]   listen on 127.0.0.1:PORT (none or 0: any free
 *                        port), print "listening on PORT", serve until
 *                        SIGTERM or SIGINT; then print "relayed N lines".
 *
 * A client that reads too slowly is dropped once a quarter of a megabyte
 * waits for it, so that one stalled reader cannot make the server keep
 * everybody's lines in memory for ever. */
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

#define MAX_BACKLOG (256 * 1024)	/* bytes waiting for one client */
#define MAX_LINE 4096			/* longer lines are cut short */

// tag::chat[]
struct room {
	struct client *clients;
	unsigned long relayed;
};

struct client {
	struct room *room;
	struct bufferevent *bev;
	char name[INET_ADDRSTRLEN + 8];	/* "127.0.0.1:40312" */
	struct client *next;
};

static void
leave(struct client *gone)
{
	struct client **p = &gone->room->clients;

	while (*p != gone)
		p = &(*p)->next;
	*p = gone->next;
	bufferevent_free(gone->bev);	/* closes the socket too */
	free(gone);
}

/* One line to everyone, the sender included; a reader too far behind is
 * dropped (never the sender: its own callback is running). */
static void
broadcast(struct client *from, const char *line, size_t len)
{
	struct client *to, *next;

	for (to = from->room->clients; to != NULL; to = next) {
		struct evbuffer *out = bufferevent_get_output(to->bev);

		next = to->next;
		evbuffer_add_printf(out, "%s: %.*s\n", from->name, (int)len, line);
		if (to != from && evbuffer_get_length(out) > MAX_BACKLOG)
			leave(to);
	}
	from->room->relayed++;
}

static void
read_lines(struct bufferevent *bev, void *arg)
{
	struct client *from = arg;
	char *line;
	size_t len;

	while ((line = evbuffer_readln(bufferevent_get_input(bev), &len,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		broadcast(from, line, len < MAX_LINE ? len : MAX_LINE);
		free(line);
	}
}

static void
hang_up(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		leave(arg);
}

static void
join(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *peer, int peerlen, void *arg)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)peer;
	struct client *c = calloc(1, sizeof(*c));
	char host[INET_ADDRSTRLEN] = "?";

	(void)peerlen;
	if (c == NULL || (c->bev = bufferevent_socket_new(
	    evconnlistener_get_base(listener), fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(c);
		evutil_closesocket(fd);
		return;
	}
	evutil_inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
	snprintf(c->name, sizeof(c->name), "%s:%d", host, ntohs(sin->sin_port));
	c->room = arg;
	c->next = c->room->clients;
	c->room->clients = c;
	bufferevent_setcb(c->bev, read_lines, NULL, hang_up, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}
// end::chat[]

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
	struct room room = { NULL, 0 };

	if (base == NULL)
		return 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(argc > 1 ? (unsigned short)atoi(argv[1]) : 0);
	listener = evconnlistener_new_bind(base, join, &room,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL) {
		perror("chat_server: cannot listen");
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

	printf("relayed %lu lines\n", room.relayed);
	evconnlistener_free(listener);
	while (room.clients)
		leave(room.clients);
	event_free(term);
	event_free(intr);
	event_base_free(base);
	return 0;
}
