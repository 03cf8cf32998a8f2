/* Shared by the chapter 04 tests: bare callbacks that record the order in
 * which the loop runs them. */
#ifndef LOOP_TEST_H
#define LOOP_TEST_H

#include <event2/event.h>
#include "event-internal.h"

#define MAX_RUNS 64

struct trace {
	int order[MAX_RUNS];	/* ids, in the order they ran */
	int n;
};

struct probe {
	struct event_callback cb;
	struct event_base *base;
	struct trace *trace;
	int id;
	int again;		/* how many more times to re-activate itself */
	int do_break, do_exit, do_continue;
	struct probe *wake;	/* another probe to activate when run */
};

void probe_init(struct probe *p, struct event_base *base, struct trace *t,
    int id, int priority);
void probe_activate(struct probe *p);

#endif
