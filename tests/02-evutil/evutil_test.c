/* Helpers shared by the tests of chapter 02. */
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evutil_test.h"

struct captured_log captured;

static void
keep_message(int severity, const char *msg)
{
	size_t used = strlen(captured.all);

	captured.count++;
	captured.last_severity = severity;
	snprintf(captured.last, sizeof(captured.last), "%s", msg);
	snprintf(captured.all + used, sizeof(captured.all) - used, "%s\n", msg);
}

void
capture_log_start(void)
{
	memset(&captured, 0, sizeof(captured));
	event_set_log_callback(keep_message);
}

void
capture_log_stop(void)
{
	event_set_log_callback(NULL);
}

int
captured_contains(const char *text)
{
	return strstr(captured.all, text) != NULL;
}

static int child_log_fd = -1;

static void
send_message_to_parent(int severity, const char *msg)
{
	char line[1100];
	int n = snprintf(line, sizeof(line), "%d %s\n", severity, msg);

	if (n > 0 && write(child_log_fd, line, (size_t)n) < 0)
		_exit(120);
}

void
run_in_child(void (*fn)(void), struct child_result *result)
{
	int fds[2], status;
	size_t used = 0;
	ssize_t got;
	pid_t pid;

	memset(result, 0, sizeof(*result));
	if (pipe(fds) < 0)
		abort();
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);	/* an abort leaves no core file */
		close(fds[0]);
		child_log_fd = fds[1];
		event_set_log_callback(send_message_to_parent);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (used < sizeof(result->log) - 1 &&
	    (got = read(fds[0], result->log + used, sizeof(result->log) - 1 - used)) > 0)
		used += (size_t)got;
	close(fds[0]);
	waitpid(pid, &status, 0);
	result->exited = WIFEXITED(status);
	result->status = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
}
