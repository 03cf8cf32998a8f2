/* Chapter 02 under allocation failure: the resolver's result lists, locks
 * and conditions (with lock debugging, which wraps each lock in a second
 * allocation), and monotonic timers.
 */
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include "evthread-internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

/* ---- evutil_getaddrinfo ---- */

/* How many nodes a list has, and whether each is as the request implies. */
static int
check_list(const struct evutil_addrinfo *ai, int family, int port,
    const char *canonname)
{
	int n = 0;

	for (; ai; ai = ai->ai_next, n++) {
		if (family != AF_UNSPEC)
			assert_int_equal(ai->ai_family, family);
		assert_non_null(ai->ai_addr);
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)ai->ai_addr;

			assert_int_equal(ai->ai_addrlen, sizeof(*sin));
			assert_int_equal(ntohs(sin->sin_port), port);
		} else {
			const struct sockaddr_in6 *sin6 = (const void *)ai->ai_addr;

			assert_int_equal(ai->ai_family, AF_INET6);
			assert_int_equal(ai->ai_addrlen, sizeof(*sin6));
			assert_int_equal(ntohs(sin6->sin6_port), port);
		}
		if (n == 0 && canonname)
			assert_string_equal(ai->ai_canonname, canonname);
	}
	return n;
}

/* One request; a refused allocation must give EVUTIL_EAI_MEMORY and no
 * list, anything else the list the request asks for. */
static void
resolve(const char *node, const char *service, int flags, int family,
    int socktype, int want_nodes, int port)
{
	struct evutil_addrinfo hints, *ai = (void *)&hints;
	long m = alloc_mark();
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = flags;
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	r = evutil_getaddrinfo(node, service, &hints, &ai);
	if (!ALLOC_OK(m, r == 0)) {
		assert_int_equal(r, EVUTIL_EAI_MEMORY);
		assert_null(ai);
		return;
	}
	assert_int_equal(check_list(ai, family, port,
	    (flags & EVUTIL_AI_CANONNAME) ? node : NULL), want_nodes);
	evutil_freeaddrinfo(ai);
}

static void
numeric_and_system_lookups(void)
{
	/* No host: the wildcard in both families, for TCP and UDP. */
	resolve(NULL, "8080", EVUTIL_AI_PASSIVE, AF_UNSPEC, 0, 4, 8080);
	resolve("192.0.2.1", "53", EVUTIL_AI_CANONNAME, AF_INET, 0, 2, 53);
	resolve("2001:db8::1", NULL, 0, AF_INET6, SOCK_STREAM, 1, 0);
	/* Not numeric: the system's answer, copied onto our heap. */
	resolve("localhost", "80", EVUTIL_AI_CANONNAME, AF_INET, SOCK_STREAM, 1, 80);
}

/* ---- locks, conditions, timers ---- */

static void
locks_and_conditions(void)
{
	struct evutil_monotonic_timer *timer;
	struct timeval tv;
	void *lock, *plain, *cond;
	long m;

	m = alloc_mark();
	lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	if (!ALLOC_OK(m, lock != NULL))
		return;
	m = alloc_mark();
	plain = litevent_lock_alloc(0);
	if (ALLOC_OK(m, plain != NULL)) {
		assert_int_equal(evthread_lock(plain, 0), 0);
		assert_int_equal(evthread_unlock(plain, 0), 0);
		litevent_lock_free(plain, 0);
	}
	m = alloc_mark();
	cond = evthread_cond_alloc(0);
	if (ALLOC_OK(m, cond != NULL)) {
		assert_int_equal(evthread_lock(lock, 0), 0);
		assert_int_equal(evthread_lock(lock, 0), 0);	/* recursive */
		assert_int_equal(evthread_cond_signal(cond), 0);
		assert_int_equal(evthread_unlock(lock, 0), 0);
		assert_int_equal(evthread_unlock(lock, 0), 0);
		evthread_cond_free(cond);
	}
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);

	m = alloc_mark();
	timer = evutil_monotonic_timer_new();
	if (ALLOC_OK(m, timer != NULL)) {
		assert_int_equal(evutil_configure_monotonic_time(timer, 0), 0);
		assert_int_equal(evutil_gettime_monotonic(timer, &tv), 0);
		evutil_monotonic_timer_free(timer);
	}
}

static const struct alloc_workload workloads[] = {
	{ "resolver_results", numeric_and_system_lookups },
	{ "locks_conditions_and_timers", locks_and_conditions },
};

int
main(void)
{
	assert_int_equal(evthread_use_pthreads(), 0);
	evthread_enable_lock_debugging();
	return ALLOC_RUN_WORKLOADS(workloads);
}
