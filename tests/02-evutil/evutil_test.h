/* Helpers shared by the tests of chapter 02 (linked into each test). */
#ifndef EVUTIL_TEST_H_INCLUDED_
#define EVUTIL_TEST_H_INCLUDED_

#include <stddef.h>

/* The log callback the tests install: it keeps every message. */
struct captured_log {
	int count;
	int last_severity;
	char last[1024];
	char all[8192];		/* every message, one per line */
};
extern struct captured_log captured;

void capture_log_start(void);	/* clears and installs the callback */
void capture_log_stop(void);	/* restores the default callback */
int captured_contains(const char *text);

/* Runs fn in a forked child whose log messages come back to the parent.
 * The child exits 0 if fn returns.  The result says how the child ended. */
struct child_result {
	int exited;		/* 1: exit status in status; 0: killed by signal */
	int status;		/* exit status or signal number */
	char log[8192];		/* the child's log messages, one per line */
};
void run_in_child(void (*fn)(void), struct child_result *result);

#endif
