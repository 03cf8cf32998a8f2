/*
 * tests/harness/watchdog.c -- a time limit for each test, for the exercise runner.
 *
 * cmocka runs a group's tests one after another in one process and has no
 * time limit: a test that never returns (a learner's loop that never ends)
 * stops the whole binary, and every test after it is lost.  tools/lib.mk links
 * this file into every test binary and asks the linker to route the call that
 * cmocka_run_group_tests() expands to through it (-Wl,--wrap), so no test file
 * has to change.  With none of the variables below set it hands the group to
 * cmocka untouched: that is how `make check` and valgrind run the tests.
 *
 *   LITEVENT_TEST_LIST=1      print the name of each test, one a line, and run none
 *   LITEVENT_TEST=pattern     run only the tests whose names match (fnmatch: * and ?)
 *   LITEVENT_TEST_SECONDS=N   run each test in a child process of its own; a child
 *                             still running after N seconds is killed and reported
 *                             as "[  TIMEOUT ] name", one killed by a signal as
 *                             "[  CRASHED ] name"; every test also gets a line
 *                             "[     TIME ] name 0.012s"
 *   LITEVENT_TEST_STOP_AFTER_TIMEOUT=1
 *                             after a test timed out, run no more of them: each
 *                             one left is reported as "[  NOT RUN ] name"
 *
 * A child runs the group's setup, its one test and the group's teardown, so
 * tests cannot leak state into each other; it costs one fork per test (about
 * a millisecond).  The parent never runs a test, so it has no threads when it
 * forks.  The return value is what cmocka's would be: the number of tests
 * that did not pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int __real__cmocka_run_group_tests(const char *group_name,
    const struct CMUnitTest *const tests, const size_t num_tests,
    CMFixtureFunction group_setup, CMFixtureFunction group_teardown);
int __wrap__cmocka_run_group_tests(const char *group_name,
    const struct CMUnitTest *const tests, const size_t num_tests,
    CMFixtureFunction group_setup, CMFixtureFunction group_teardown);

static double
seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Wait for the child until the deadline; SIGCHLD is blocked, so a child that
 * ends between the check and the wait is still seen by sigtimedwait(). */
static int
wait_with_limit(pid_t child, double limit, int *status)
{
	struct timespec start;
	sigset_t chld;

	clock_gettime(CLOCK_MONOTONIC, &start);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(child, status, WNOHANG);
		if (r == child)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		double left = limit - seconds_since(&start);
		if (left <= 0)
			return 1;
		struct timespec wait = { (time_t)left,
		    (long)((left - (double)(time_t)left) * 1e9) };
		sigtimedwait(&chld, NULL, &wait);
	}
}

/* Fork a child for one test.  In the child it returns -1: the caller runs
 * the test there and returns to main(), which ends the child as it would have
 * ended the whole binary.  In the parent it returns 0 if the test passed, 2
 * if it ran out of time and 1 if it failed otherwise (saying how it ended
 * when cmocka could not). */
static int
run_isolated(const struct CMUnitTest *test, double limit, const sigset_t *old_mask)
{
	struct timespec start;
	int status = 0, outcome;

	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid_t child = fork();
	if (child < 0) {
		printf("[  CRASHED ] %s: fork: %s\n", test->name, strerror(errno));
		return 1;
	}
	if (child == 0) {
		/* Die with the parent, so an interrupted run leaves no test behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		return -1;
	}
	int waited = wait_with_limit(child, limit, &status);
	if (waited != 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		fflush(stdout);
		printf("\n[  TIMEOUT ] %s: still running after %g s\n", test->name, limit);
		outcome = 2;
	} else if (WIFSIGNALED(status)) {
		printf("\n[  CRASHED ] %s: killed by signal %d (%s)\n", test->name,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
		outcome = 1;
	} else {
		outcome = WEXITSTATUS(status) != 0;
	}
	printf("[     TIME ] %s %.3fs\n", test->name, seconds_since(&start));
	fflush(stdout);
	return outcome;
}

static int
env_flag(const char *name)
{
	const char *value = getenv(name);
	return value != NULL && strcmp(value, "1") == 0;
}

/* Each test in a child of its own.  Returns the number that did not pass; in
 * a child it sets *in_child and returns what cmocka says of its one test. */
static int
run_each_alone(const char *group_name, const struct CMUnitTest *tests, size_t n,
    CMFixtureFunction group_setup, CMFixtureFunction group_teardown, double limit,
    int *in_child)
{
	int stop = env_flag("LITEVENT_TEST_STOP_AFTER_TIMEOUT");
	int failed = 0, timed_out = 0;
	sigset_t chld, old_mask;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old_mask);
	for (size_t i = 0; i < n; i++) {
		if (timed_out && stop) {
			printf("[  NOT RUN ] %s\n", tests[i].name);
			continue;
		}
		int r = run_isolated(&tests[i], limit, &old_mask);
		if (r < 0) {
			*in_child = 1;
			return __real__cmocka_run_group_tests(group_name, &tests[i], 1,
			    group_setup, group_teardown);
		}
		timed_out |= r == 2;
		failed += r != 0;
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return failed;
}

int
__wrap__cmocka_run_group_tests(const char *group_name,
    const struct CMUnitTest *const tests, const size_t num_tests,
    CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
	const char *pattern = getenv("LITEVENT_TEST");
	const char *seconds = getenv("LITEVENT_TEST_SECONDS");
	struct CMUnitTest *chosen = calloc(num_tests ? num_tests : 1, sizeof(*chosen));
	size_t n = 0;
	int failed = 0, in_child = 0;

	if (chosen == NULL)
		return -1;
	for (size_t i = 0; i < num_tests; i++)
		if (pattern == NULL || fnmatch(pattern, tests[i].name, 0) == 0)
			chosen[n++] = tests[i];
	if (env_flag("LITEVENT_TEST_LIST")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", chosen[i].name);
	} else if (seconds != NULL && atof(seconds) > 0) {
		failed = run_each_alone(group_name, chosen, n, group_setup, group_teardown,
		    atof(seconds), &in_child);
		if (in_child)
			return failed;     /* the child's test: main() ends the child */
	} else {
		failed = __real__cmocka_run_group_tests(group_name, chosen, n,
		    group_setup, group_teardown);
	}
	free(chosen);
	return failed;
}
