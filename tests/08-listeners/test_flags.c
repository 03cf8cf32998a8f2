/* Every LEV_OPT_* flag, observed where the kernel keeps it: fcntl() and
 * getsockopt() on the listening socket and on the accepted ones, the
 * backlog in TCP_INFO, and (for LEV_OPT_THREADSAFE) the lock callbacks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include "listener_test.h"

/* One client connects and is accepted. */
static void
accept_one(struct server *s)
{
	evutil_socket_t c = connect_client(&s->addr, s->len);
	int want = s->r->n + 1;

	assert_int_equal(run_until(s->base, &s->r->n, want), 0);
	close(c);
}

static int
listener_fd(struct server *s)
{
	return evconnlistener_get_fd(s->lev);
}

static void
test_accepted_sockets_are_nonblocking_unless_asked(void **state)
{
	struct server s;

	(void)state;
	server_start4(&s, 0);
	accept_one(&s);
	assert_true(s.r->fl[0] & O_NONBLOCK);
	server_stop(&s);
	server_start4(&s, LEV_OPT_LEAVE_SOCKETS_BLOCKING);
	accept_one(&s);
	assert_false(s.r->fl[0] & O_NONBLOCK);
	server_stop(&s);
}

static void
test_close_on_exec_marks_the_listener_and_accepted_sockets(void **state)
{
	struct server s;

	(void)state;
	server_start4(&s, LEV_OPT_CLOSE_ON_EXEC);
	assert_true(fcntl(listener_fd(&s), F_GETFD) & FD_CLOEXEC);
	accept_one(&s);
	assert_true(s.r->fd_flags[0] & FD_CLOEXEC);
	server_stop(&s);
	server_start4(&s, 0);
	assert_false(fcntl(listener_fd(&s), F_GETFD) & FD_CLOEXEC);
	accept_one(&s);
	assert_false(s.r->fd_flags[0] & FD_CLOEXEC);
	server_stop(&s);
}

/* On the program's own socket too, as the manual says (libevent 2.1 leaves
 * it alone); and that socket becomes nonblocking. */
static void
test_a_programs_socket_becomes_nonblocking_and_close_on_exec(void **state)
{
	struct event_base *base = event_base_new();
	evutil_socket_t fd = bound_socket4(SOCK_STREAM);
	struct evconnlistener *lev;

	(void)state;
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	lev = evconnlistener_new(base, record_cb, NULL, LEV_OPT_CLOSE_ON_EXEC,
	    -1, fd);
	assert_non_null(lev);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	evconnlistener_free(lev);
	close(fd);
	event_base_free(base);
}

static void
test_close_on_free_closes_the_socket_and_only_then(void **state)
{
	struct server s;
	evutil_socket_t fd;

	(void)state;
	server_start4(&s, 0);		/* start4 adds LEV_OPT_CLOSE_ON_FREE */
	fd = listener_fd(&s);
	server_stop(&s);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);

	{
		struct sockaddr_in sin;
		struct event_base *base = event_base_new();
		struct evconnlistener *lev;

		loopback4(&sin);
		lev = evconnlistener_new_bind(base, record_cb, NULL, 0, -1,
		    (struct sockaddr *)&sin, sizeof(sin));
		fd = evconnlistener_get_fd(lev);
		evconnlistener_free(lev);
		assert_true(fcntl(fd, F_GETFD) >= 0);	/* still ours to close */
		assert_int_equal(int_option(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
		close(fd);
		event_base_free(base);
	}
}

static void
test_reuseable_sets_so_reuseaddr(void **state)
{
	struct server s;

	(void)state;
	server_start4(&s, LEV_OPT_REUSEABLE);
	assert_int_equal(int_option(listener_fd(&s), SOL_SOCKET, SO_REUSEADDR), 1);
	server_stop(&s);
	server_start4(&s, 0);
	assert_int_equal(int_option(listener_fd(&s), SOL_SOCKET, SO_REUSEADDR), 0);
	server_stop(&s);
}

/* Two listeners with the flag share a port; without it the second bind
 * fails. */
static void
test_reuseable_port_lets_two_listeners_share_a_port(void **state)
{
	struct server s;
	struct evconnlistener *twin;

	(void)state;
	server_start4(&s, LEV_OPT_REUSEABLE_PORT);
	assert_int_equal(int_option(listener_fd(&s), SOL_SOCKET, SO_REUSEPORT), 1);
	twin = evconnlistener_new_bind(s.base, record_cb, s.r,
	    LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE, -1,
	    (struct sockaddr *)&s.addr, (int)s.len);
	assert_non_null(twin);
	evconnlistener_free(twin);
	server_stop(&s);

	server_start4(&s, 0);
	assert_int_equal(int_option(listener_fd(&s), SOL_SOCKET, SO_REUSEPORT), 0);
	twin = evconnlistener_new_bind(s.base, record_cb, s.r,
	    LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&s.addr, (int)s.len);
	assert_null(twin);
	assert_int_equal(errno, EADDRINUSE);
	server_stop(&s);
}

/* A client that connects and stays silent is not announced; one that
 * speaks is, with its bytes already there. */
static void
test_deferred_accept_waits_for_the_first_bytes(void **state)
{
	struct server s;
	struct sockaddr_storage speaker;
	evutil_socket_t silent, talker;

	(void)state;
	server_start4(&s, LEV_OPT_DEFERRED_ACCEPT);
	assert_true(int_option(listener_fd(&s), IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0);
	silent = connect_client(&s.addr, s.len);
	talker = connect_client(&s.addr, s.len);
	bound_address(talker, &speaker);
	assert_int_equal(send(talker, "hi", 2, 0), 2);
	assert_int_equal(run_until(s.base, &s.r->n, 1), 0);
	turn_loop(s.base, 10);
	assert_int_equal(s.r->n, 1);
	assert_true(same_address(&speaker, (struct sockaddr *)&s.r->peer[0]));
	assert_true(s.r->readable_at_once[0]);
	close(silent);
	close(talker);
	server_stop(&s);

	server_start4(&s, 0);
	assert_int_equal(int_option(listener_fd(&s), IPPROTO_TCP, TCP_DEFER_ACCEPT), 0);
	server_stop(&s);
}

static void
test_keepalive_is_on_for_listener_and_accepted_sockets(void **state)
{
	struct server s;

	(void)state;
	server_start4(&s, 0);
	assert_int_equal(int_option(listener_fd(&s), SOL_SOCKET, SO_KEEPALIVE), 1);
	accept_one(&s);
	assert_int_equal(s.r->keepalive[0], 1);
	server_stop(&s);
}

static int
start6(struct server *s, unsigned flags)
{
	struct sockaddr_in6 any;
	evutil_socket_t probe = socket(AF_INET6, SOCK_STREAM, 0);

	if (probe < 0)
		return -1;
	close(probe);
	memset(&any, 0, sizeof(any));
	any.sin6_family = AF_INET6;
	any.sin6_addr = in6addr_any;
	server_start(s, (struct sockaddr *)&any, sizeof(any), flags | LEV_OPT_CLOSE_ON_FREE);
	return 0;
}

static int
system_value(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* An IPv4 client reaches a [::] listener as a mapped address, unless the
 * listener is IPv6-only; then it is refused. */
static void
test_ipv6only_refuses_ipv4_clients(void **state)
{
	struct server s;
	struct sockaddr_in v4;
	struct sockaddr_storage to;

	(void)state;
	if (start6(&s, LEV_OPT_BIND_IPV6ONLY) < 0)
		skip();
	assert_int_equal(int_option(listener_fd(&s), IPPROTO_IPV6, IPV6_V6ONLY), 1);
	loopback4(&v4);
	v4.sin_port = ((struct sockaddr_in6 *)&s.addr)->sin6_port;
	memset(&to, 0, sizeof(to));
	memcpy(&to, &v4, sizeof(v4));
	assert_int_equal(try_connect(&to, sizeof(v4)), ECONNREFUSED);
	server_stop(&s);

	if (system_value("/proc/sys/net/ipv6/bindv6only") != 0)
		return;		/* the default is already IPv6-only here */
	assert_int_equal(start6(&s, 0), 0);
	assert_int_equal(int_option(listener_fd(&s), IPPROTO_IPV6, IPV6_V6ONLY), 0);
	v4.sin_port = ((struct sockaddr_in6 *)&s.addr)->sin6_port;
	memcpy(&to, &v4, sizeof(v4));
	{
		evutil_socket_t c = connect_client(&to, sizeof(v4));
		assert_int_equal(run_until(s.base, &s.r->n, 1), 0);
		assert_int_equal(s.r->peer[0].ss_family, AF_INET6);
		assert_true(IN6_IS_ADDR_V4MAPPED(
		    &((struct sockaddr_in6 *)&s.r->peer[0])->sin6_addr));
		close(c);
	}
	server_stop(&s);
}

/* Options that mean nothing for the family are ignored, not fatal
 * (libevent 2.1 fails both calls). */
static void
test_options_foreign_to_the_family_are_ignored(void **state)
{
	struct server s;
	struct sockaddr_un sun;

	(void)state;
	server_start4(&s, LEV_OPT_BIND_IPV6ONLY);
	accept_one(&s);
	server_stop(&s);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/litevent-08-defer-%d",
	    (int)getpid());
	unlink(sun.sun_path);
	server_start(&s, (struct sockaddr *)&sun, sizeof(sun),
	    LEV_OPT_DEFERRED_ACCEPT | LEV_OPT_CLOSE_ON_FREE);
	accept_one(&s);		/* announced without waiting for bytes */
	server_stop(&s);
	unlink(sun.sun_path);
}

/* A disabled listener leaves connections queued: a turn of the loop with
 * one waiting runs no callback; enabling takes it. */
static void
test_disabled_starts_without_accepting(void **state)
{
	struct server s;
	evutil_socket_t c;

	(void)state;
	server_start4(&s, LEV_OPT_DISABLED);
	c = connect_client(&s.addr, s.len);
	turn_loop(s.base, 10);
	assert_int_equal(s.r->n, 0);
	assert_int_equal(evconnlistener_enable(s.lev), 0);
	assert_int_equal(run_until(s.base, &s.r->n, 1), 0);
	close(c);
	server_stop(&s);
}

/* The kernel reports a listening socket's backlog in TCP_INFO. */
static int
backlog_of(evutil_socket_t fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	return (int)info.tcpi_sacked;
}

static void
test_backlog_minus_one_asks_for_the_longest_queue(void **state)
{
	struct server s;
	int limit = system_value("/proc/sys/net/core/somaxconn");

	(void)state;
	server_start4(&s, 0);
	if (limit > 0)
		assert_int_equal(backlog_of(listener_fd(&s)),
		    limit < SOMAXCONN ? limit : SOMAXCONN);
	else
		assert_true(backlog_of(listener_fd(&s)) > 128);
	server_stop(&s);
}

static void
test_backlog_is_passed_on_and_zero_keeps_the_programs_listen(void **state)
{
	struct event_base *base = event_base_new();
	evutil_socket_t fd = bound_socket4(SOCK_STREAM);
	struct evconnlistener *lev;

	(void)state;
	lev = evconnlistener_new(base, record_cb, NULL, 0, 5, fd);
	assert_non_null(lev);
	assert_int_equal(backlog_of(fd), 5);
	evconnlistener_free(lev);
	assert_int_equal(listen(fd, 7), 0);
	lev = evconnlistener_new(base, record_cb, NULL, 0, 0, fd);
	assert_non_null(lev);
	assert_int_equal(backlog_of(fd), 7);
	evconnlistener_free(lev);
	close(fd);
	event_base_free(base);
}

/* Lock callbacks that count what they make: with LEV_OPT_THREADSAFE the
 * listener makes one lock and gives it back; without it, none.  Threading
 * cannot be switched off again, so these tests run in a child.  Unlocking
 * leaves errno changed, as a program's lock functions may. */
static int locks_made, locks_freed;

static void *
counted_alloc(unsigned type)
{
	pthread_mutex_t *m = malloc(sizeof(*m));
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	if (type & EVTHREAD_LOCKTYPE_RECURSIVE)
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	locks_made++;
	return m;
}

static void
counted_free(void *lock, unsigned type)
{
	(void)type;
	pthread_mutex_destroy(lock);
	free(lock);
	locks_freed++;
}

static int
counted_lock(unsigned mode, void *lock)
{
	(void)mode;
	return pthread_mutex_lock(lock);
}

static int
counted_unlock(unsigned mode, void *lock)
{
	int r;

	(void)mode;
	r = pthread_mutex_unlock(lock);
	errno = ENOLCK;
	return r;
}

/* How many locks a base with one listener makes, and how many of them it
 * gives back by the time both are freed (*freed_out). */
static int
locks_for_a_listener(unsigned flags, int *freed_out)
{
	struct event_base *base = event_base_new();
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	int made = locks_made, freed = locks_freed;

	loopback4(&sin);
	lev = evconnlistener_new_bind(base, record_cb, NULL,
	    flags | LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof(sin));
	if (lev == NULL)
		return -1;
	evconnlistener_free(lev);
	event_base_free(base);
	*freed_out = locks_freed - freed;
	return locks_made - made;
}

/* The error callback of a locked listener still reads accept()'s error,
 * though every unlock on the way changed errno. */
static int
error_survives_the_locks(void)
{
	struct server s;

	server_start4(&s, LEV_OPT_THREADSAFE);
	evconnlistener_set_error_cb(s.lev, record_error_cb);
	if (shutdown(evconnlistener_get_fd(s.lev), SHUT_RD) < 0 ||
	    run_until(s.base, &s.r->errors, 1) < 0)
		return 1;
	if (s.r->last_error != EINVAL)
		return 1;
	server_stop(&s);
	return 0;
}

static void
with_counted_locks(int (*body)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct evthread_lock_callbacks cbs = {
			EVTHREAD_LOCK_API_VERSION, EVTHREAD_LOCKTYPE_RECURSIVE,
			counted_alloc, counted_free, counted_lock, counted_unlock
		};

		if (evthread_set_lock_callbacks(&cbs) < 0)
			_exit(10);
		_exit(body());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int
one_more_lock_with_threadsafe(void)
{
	int freed_first, freed_with, freed_without;
	int first = locks_for_a_listener(0, &freed_first);
	int with_flag = locks_for_a_listener(LEV_OPT_THREADSAFE, &freed_with);
	int without = locks_for_a_listener(0, &freed_without);

	/* The first base may make process-wide locks that live on. */
	return first >= 0 && with_flag == without + 1 &&
	    freed_with == freed_without + 1 ? 0 : 1;
}

static void
test_threadsafe_gives_the_listener_a_lock(void **state)
{
	(void)state;
	with_counted_locks(one_more_lock_with_threadsafe);
}

static void
test_the_error_callback_sees_accepts_error_through_the_locks(void **state)
{
	(void)state;
	with_counted_locks(error_survives_the_locks);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_sockets_are_nonblocking_unless_asked),
		cmocka_unit_test(test_close_on_exec_marks_the_listener_and_accepted_sockets),
		cmocka_unit_test(test_a_programs_socket_becomes_nonblocking_and_close_on_exec),
		cmocka_unit_test(test_close_on_free_closes_the_socket_and_only_then),
		cmocka_unit_test(test_reuseable_sets_so_reuseaddr),
		cmocka_unit_test(test_reuseable_port_lets_two_listeners_share_a_port),
		cmocka_unit_test(test_deferred_accept_waits_for_the_first_bytes),
		cmocka_unit_test(test_keepalive_is_on_for_listener_and_accepted_sockets),
		cmocka_unit_test(test_ipv6only_refuses_ipv4_clients),
		cmocka_unit_test(test_options_foreign_to_the_family_are_ignored),
		cmocka_unit_test(test_disabled_starts_without_accepting),
		cmocka_unit_test(test_backlog_minus_one_asks_for_the_longest_queue),
		cmocka_unit_test(test_backlog_is_passed_on_and_zero_keeps_the_programs_listen),
		cmocka_unit_test(test_threadsafe_gives_the_listener_a_lock),
		cmocka_unit_test(test_the_error_callback_sees_accepts_error_through_the_locks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
