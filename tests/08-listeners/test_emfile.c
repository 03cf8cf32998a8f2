/* Out of descriptors.  In a child process with RLIMIT_NOFILE lowered and
 * every descriptor taken, clients wait in the queue: the error callback
 * hears EMFILE, a thousand turns of the loop make only a handful of
 * accept4() attempts (libevent 2.1 makes one per turn, for ever), and once
 * descriptors are free again every waiting client is accepted.
 *
 * The attempts are counted by this file's own accept4(), which the linker
 * prefers to the C library's: it counts the call and makes the real
 * system call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <valgrind/valgrind.h>
#include <event2/event.h>
#include <event2/listener.h>
#include "listener_test.h"

static int accept_attempts, emfile_failures;

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	accept_attempts++;
	int r = (int)syscall(SYS_accept4, fd, addr, len, flags);

	if (r < 0 && errno == EMFILE)
		emfile_failures++;
	return r;
}

#define CLIENTS 30
#define FILLERS_MAX 256

/* How many clients should be accepted in the end: all of them.  Except
 * under valgrind, which lowers the descriptor limit only in its own
 * bookkeeping: the kernel's accept4() succeeds, and valgrind then closes
 * the new socket and reports EMFILE, so each failure costs a client. */
static int
clients_left(void)
{
	return RUNNING_ON_VALGRIND ? CLIENTS - emfile_failures : CLIENTS;
}

/* Take every free descriptor number below a soft limit a little above the
 * lowest free one.  (The hard limit stays: valgrind refuses to have it
 * changed.)  Returns how many were taken, -1 on failure. */
static int
fill_descriptor_table(evutil_socket_t *filler)
{
	struct rlimit low;
	int n = 0, lowest = dup(0);

	if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &low) < 0)
		return -1;
	close(lowest);
	low.rlim_cur = (rlim_t)lowest + 16;
	if (setrlimit(RLIMIT_NOFILE, &low) < 0)
		return -1;
	while (n < FILLERS_MAX && (filler[n] = dup(0)) >= 0)
		n++;
	return errno == EMFILE ? n : -1;
}

static void
free_descriptor_table(evutil_socket_t *filler, int n)
{
	while (n > 0)
		close(filler[--n]);
}

/* After connections were accepted, the next shortage starts again with the
 * shortest pause. */
static int
pause_starts_short_again(struct server *s)
{
	evutil_socket_t late = connect_client(&s->addr, s->len), filler[FILLERS_MAX];
	int before = s->r->errors, n = fill_descriptor_table(filler);

	if (n < 0)
		return -1;
	turn_loop(s->base, 10);
	free_descriptor_table(filler, n);
	close(late);
	if (s->r->errors == before || labs(s->r->pause_msec[before] - 10) > 1)
		return -1;
	return 0;
}

/* Each step that goes wrong exits with its own number. */
static int
exhaust_then_recover(int with_error_cb)
{
	struct server s;
	struct record *r;
	struct event_base *base;
	evutil_socket_t c[CLIENTS], filler[FILLERS_MAX];
	int nfill = 0, i, attempts;

	server_start4(&s, 0);
	r = s.r;
	base = s.base;
	if (with_error_cb)
		evconnlistener_set_error_cb(s.lev, record_error_cb);
	else
		log_capture();
	for (i = 0; i < CLIENTS; i++)
		c[i] = connect_client(&s.addr, s.len);

	if ((nfill = fill_descriptor_table(filler)) < 0)
		return 2;

	turn_loop(base, 1000);
	attempts = accept_attempts;
	if (r->n != 0 || attempts < 1 || attempts > 20)
		return 4;			/* spun, or never tried */
	if (with_error_cb && (r->errors != attempts || r->last_error != EMFILE))
		return 5;			/* not told, or told wrong */
	if (!with_error_cb && (logged_messages() < 1 || logged_messages() > 20))
		return 6;

	free_descriptor_table(filler, nfill);
	if (run_until(base, &r->n, clients_left()) < 0)
		return 7;			/* never came back */
	if (r->n != clients_left())
		return 9;
	if (with_error_cb && r->errors != attempts)
		return 8;
	for (i = 0; i < CLIENTS; i++)
		close(c[i]);
	if (with_error_cb && pause_starts_short_again(&s) < 0)
		return 10;
	event_set_log_callback(NULL);
	server_stop(&s);
	return 0;
}

static void
run_in_child(int with_error_cb)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(exhaust_then_recover(with_error_cb));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_emfile_pauses_tells_the_error_callback_and_recovers(void **state)
{
	(void)state;
	run_in_child(1);
}

static void
test_emfile_without_an_error_callback_is_logged_and_recovers(void **state)
{
	(void)state;
	run_in_child(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emfile_pauses_tells_the_error_callback_and_recovers),
		cmocka_unit_test(test_emfile_without_an_error_callback_is_logged_and_recovers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
