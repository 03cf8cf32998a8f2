/* Shared by the chapter 05 tests: a log of which callback ran, and
 * socketpair helpers. */
#ifndef EVENTS_TEST_H
#define EVENTS_TEST_H

#include <event2/event.h>
#include <event2/event_struct.h>

#define LOG_MAX 256

struct runlog {
	int id[LOG_MAX];
	short what[LOG_MAX];
	int n;
};

/* What a logging callback gets: where to log, and what to do after. */
struct logged {
	struct runlog *log;
	int id;
	struct event *ev;		/* the event itself, when needed */
	int del_after;			/* event_del itself after this many runs */
	int runs;
	int break_after;		/* loopbreak after this many runs */
	int drain_fd;			/* read and discard from ev's fd */
};

void log_cb(evutil_socket_t fd, short what, void *arg);
void make_pair(evutil_socket_t pair[2]);
void close_pair(evutil_socket_t pair[2]);
void write_byte(evutil_socket_t fd);

#endif
