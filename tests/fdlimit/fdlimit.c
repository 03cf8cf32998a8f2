/* The descriptor-exhaustion driver (tests/fdlimit/fdlimit.h). */
#include "fdlimit.h"

#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define MAX_FREE 16		/* no scenario needs more descriptors than this */
#define HEADROOM 64		/* the limit: this far above what is open */

static int fillers[4096], nfillers;
static int logged_emfile;
static int fd_limit = 1024;		/* the soft limit, once lowered */

static void
note_log(int severity, const char *msg)
{
	(void)severity;
	if (strstr(msg, strerror(EMFILE)))
		logged_emfile = 1;
}

void
fdlimit_check_(int ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	printf("%s:%d: '%s' is false\n", file, line, what);
	fflush(stdout);
	_exit(1);
}

int
fdlimit_reported(void)
{
	return errno == EMFILE || logged_emfile;
}

/* How many descriptors are open, counted without opening one (the table
 * is full when this runs). */
static int
open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < fd_limit; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Take every free slot below the limit. */
static void
fill_table(void)
{
	int fd;

	while ((fd = dup(0)) >= 0) {
		FD_CHECK(nfillers < (int)(sizeof(fillers) / sizeof(fillers[0])));
		fillers[nfillers++] = fd;
	}
	FD_CHECK(errno == EMFILE);
}

/* Free the k highest of the slots taken. */
static void
free_slots(int k)
{
	while (k-- > 0)
		close(fillers[--nfillers]);
}

static void
lower_limit(void)
{
	struct rlimit rl;
	int fd, highest = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			highest = fd;
	FD_CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	fd_limit = highest + 1 + HEADROOM;
	rl.rlim_cur = (rlim_t)fd_limit;
	FD_CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

/* In the child: every k until one is enough.  Prints that k. */
static void
child(const struct fd_scenario *s)
{
	int k, before, r, saved;

	event_set_log_callback(note_log);
	lower_limit();
	for (k = 0; k <= MAX_FREE; k++) {
		fill_table();
		free_slots(k);
		before = open_fds();
		logged_emfile = 0;
		errno = 0;
		r = s->run();
		saved = errno;
		if (open_fds() != before) {
			printf("%s with %d free: %d descriptor(s) left open\n",
			    s->name, k, open_fds() - before);
			_exit(1);
		}
		if (r == 0) {
			printf("needs %d\n", k);
			fflush(stdout);
			_exit(0);
		}
		errno = saved;
		if (!fdlimit_reported()) {
			printf("%s with %d free: failed without saying why "
			    "(errno %d)\n", s->name, k, saved);
			_exit(1);
		}
		free_slots(nfillers);
	}
	printf("%s: still failing with %d descriptors free\n", s->name, MAX_FREE);
	_exit(1);
}

int
fdlimit_check(const struct fd_scenario *s)
{
	char out[4096];
	int pipefd[2], status, needs = -1;
	ssize_t n, used = 0;
	pid_t pid;

	/* valgrind keeps descriptors of its own and emulates the limit, not
	 * exactly (and what it sees in the child it does not report). */
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload")) {
		print_message("%s: not under valgrind, which emulates the "
		    "descriptor limit\n", s->name);
		skip();
	}
	assert_int_equal(pipe(pipefd), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[1]);
		child(s);
	}
	close(pipefd[1]);
	while (used < (ssize_t)sizeof(out) - 1 &&
	    (n = read(pipefd[0], out + used, sizeof(out) - 1 - (size_t)used)) > 0)
		used += n;
	out[used] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(out, "needs %d", &needs) != 1)
		fail_msg("%s: the child %s %d:\n%s", s->name,
		    WIFEXITED(status) ? "exited with" : "was killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), out);
	print_message("%s: fails cleanly with fewer than %d free descriptors\n",
	    s->name, needs);
	return needs;
}
