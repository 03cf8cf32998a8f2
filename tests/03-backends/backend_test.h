/* Helpers for driving a backend directly, below the loop of chapter 04:
 * register hand-made events in the fd and signal tables, call the backend's
 * dispatch once, and look at what became active. */
#ifndef BACKEND_TEST_H
#define BACKEND_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "event-internal.h"

/* The method ENVIRONMENTS selected: "epoll", "epoll (with changelist)",
 * "poll" or "select". */
const char *expected_method(void);

/* A socketpair, both ends non-blocking; fails the test if it cannot. */
void make_pair(int pair[2]);

/* Fill in an I/O (or, with EV_SIGNAL, a signal) event by hand. */
void init_event(struct event *ev, struct event_base *base, int fd, short what);

/* Put an event into the fd table (or the signal table); 0 or -1. */
int watch(struct event *ev);
/* Take it out again; 0 or -1. */
int unwatch(struct event *ev);

/* One call of the backend's dispatch; tv_usec microseconds, -1 = forever. */
int dispatch_once(struct event_base *base, long usec);

/* Run the base's internal callbacks that are active (the signal pair's
 * reader), the way the loop would, and take them off the queue. */
void run_internal(struct event_base *base);

/* Is this event on the active queue, and with which result bits. */
int is_active(const struct event *ev);

/* Take every callback off the active queues; returns how many there were. */
int clear_active(struct event_base *base);

/* Raise the soft descriptor limit as far as the hard limit allows, up to
 * want; returns the resulting soft limit. */
long raise_fd_limit(long want);

#endif
