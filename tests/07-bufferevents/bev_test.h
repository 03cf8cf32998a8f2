/* Shared by the chapter 07 tests: a recorder for bufferevent callbacks,
 * sockets (socketpairs, loopback TCP, refused ports) and a bounded loop. */
#ifndef BEV_TEST_H
#define BEV_TEST_H

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <netinet/in.h>

#define REC_MAX 256

/* What the callbacks saw.  order[] spells them: R read, W write, C
 * connected, E end of stream, X error, T timeout (lower case: WRITING). */
struct recorder {
	struct event_base *base;
	int reads, writes, events;
	short what[REC_MAX];		/* the event callback's flags, in order */
	int errnos[REC_MAX];		/* EVUTIL_SOCKET_ERROR() at each event */
	char order[REC_MAX + 1];
	int n;
	size_t input_seen[REC_MAX];	/* input length at each read callback */
	size_t output_seen[REC_MAX];	/* output length at each write callback */
	struct evbuffer *got;		/* with drain: everything read */
	int drain;			/* move the input into got */
	size_t stop_after;		/* loopbreak once got holds this much */
	int echo;			/* write the input back */
	char free_on;			/* free the bufferevent at this callback */
	struct bufferevent **free_other;	/* ... or this one instead */
	int break_on_event;		/* loopbreak after an event callback */
	int depth, max_depth;		/* nesting of our callbacks */
	struct bufferevent *freed;	/* set when a callback freed one */
};

void rec_init(struct recorder *r, struct event_base *base);
void rec_clear(struct recorder *r);
void rec_read(struct bufferevent *bev, void *arg);
void rec_write(struct bufferevent *bev, void *arg);
void rec_event(struct bufferevent *bev, short what, void *arg);
void rec_setcb(struct bufferevent *bev, struct recorder *r);

/* A nonblocking AF_UNIX stream socketpair. */
void make_socketpair(evutil_socket_t fds[2]);
/* A listening TCP socket on 127.0.0.1 at an unused port; *sin its address. */
evutil_socket_t listen_loopback(struct sockaddr_in *sin);
/* 127.0.0.1 at a port nobody listens on. */
void closed_port(struct sockaddr_in *sin);
/* Accept one pending connection (blocking); nonblocking result. */
evutil_socket_t accept_one(evutil_socket_t listener);
/* Run the loop until it has nothing to do, or give up after seconds. */
int run_bounded(struct event_base *base, int seconds);
/* Bytes of a known pattern. */
unsigned char pattern_at(size_t i);
void fill_pattern(unsigned char *buf, size_t len, size_t offset);
/* Read everything from fd (blocking) until EOF or len bytes. */
size_t read_fully(evutil_socket_t fd, void *buf, size_t len);

#endif
