/* Chapter 02: the blocking resolver, evutil_getaddrinfo(). */
#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evutil_test.h"

static int allocs, frees;

static void *
counting_malloc(size_t n)
{
	allocs++;
	return malloc(n);
}

static void *
counting_realloc(void *p, size_t n)
{
	if (!p)
		allocs++;
	return realloc(p, n);
}

static void
counting_free(void *p)
{
	frees++;
	free(p);
}

static int
start_counting(void **state)
{
	(void)state;
	allocs = frees = 0;
	event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
	return 0;
}

static int
stop_counting(void **state)
{
	(void)state;
	event_set_mem_functions(NULL, NULL, NULL);
	assert_int_equal(allocs, frees);	/* nothing the resolver made leaked */
	return 0;
}

static int
count_nodes(const struct evutil_addrinfo *ai)
{
	int n = 0;

	for (; ai; ai = ai->ai_next)
		n++;
	return n;
}

static struct evutil_addrinfo
hints_of(int family, int socktype, int flags)
{
	struct evutil_addrinfo h;

	memset(&h, 0, sizeof(h));
	h.ai_family = family;
	h.ai_socktype = socktype;
	h.ai_flags = flags;
	return h;
}

static void
test_numeric_ipv4_is_answered_with_one_node_per_socket_type(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, 0, 0), *ai = NULL;
	const struct sockaddr_in *sin;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("192.0.2.7", "8080", &hints, &ai), 0);
	/* The system's getaddrinfo() would add a SOCK_RAW node; ours lists the
	 * two kinds a numeric answer can serve, so this answer is our own. */
	assert_int_equal(count_nodes(ai), 2);
	assert_int_equal(ai->ai_socktype, SOCK_STREAM);
	assert_int_equal(ai->ai_protocol, IPPROTO_TCP);
	assert_int_equal(ai->ai_next->ai_socktype, SOCK_DGRAM);
	assert_int_equal(ai->ai_next->ai_protocol, IPPROTO_UDP);
	assert_int_equal(ai->ai_family, AF_INET);
	assert_int_equal(ai->ai_addrlen, sizeof(struct sockaddr_in));
	sin = (const struct sockaddr_in *)ai->ai_addr;
	assert_int_equal(ntohs(sin->sin_port), 8080);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc0000207u);
	assert_null(ai->ai_canonname);
	evutil_freeaddrinfo(ai);
	assert_true(allocs >= 2);
}

static void
test_numeric_ipv6_with_a_socket_type_gives_one_node(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, SOCK_STREAM, 0), *ai = NULL;
	const struct sockaddr_in6 *sin6;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("2001:db8::5", NULL, &hints, &ai), 0);
	assert_int_equal(count_nodes(ai), 1);
	assert_int_equal(ai->ai_family, AF_INET6);
	sin6 = (const struct sockaddr_in6 *)ai->ai_addr;
	assert_int_equal(sin6->sin6_port, 0);
	assert_int_equal(sin6->sin6_addr.s6_addr[15], 5);
	evutil_freeaddrinfo(ai);
}

static void
test_no_host_means_wildcard_when_passive_and_loopback_otherwise(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_PASSIVE);
	struct evutil_addrinfo *ai = NULL;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	(void)state;
	assert_int_equal(evutil_getaddrinfo(NULL, "9000", &hints, &ai), 0);
	assert_int_equal(count_nodes(ai), 2);
	sin = (const struct sockaddr_in *)ai->ai_addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(sin->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(sin->sin_port), 9000);
	sin6 = (const struct sockaddr_in6 *)ai->ai_next->ai_addr;
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_memory_equal(&sin6->sin6_addr, &in6addr_any, 16);
	evutil_freeaddrinfo(ai);

	hints = hints_of(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(evutil_getaddrinfo(NULL, "53", &hints, &ai), 0);
	assert_int_equal(count_nodes(ai), 1);
	sin = (const struct sockaddr_in *)ai->ai_addr;
	assert_int_equal(sin->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(ai->ai_socktype, SOCK_DGRAM);
	evutil_freeaddrinfo(ai);
}

static void
test_numerichost_refuses_a_name_without_looking_it_up(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, 0, EVUTIL_AI_NUMERICHOST);
	struct evutil_addrinfo *ai = (struct evutil_addrinfo *)&hints;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("localhost", "80", &hints, &ai),
	    EVUTIL_EAI_NONAME);
	assert_null(ai);
	hints.ai_flags = EVUTIL_AI_NUMERICSERV;
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", "http", &hints, &ai),
	    EVUTIL_EAI_NONAME);
	assert_null(ai);
	assert_int_equal(allocs, 0);
}

static void
test_literal_of_the_wrong_family_is_an_addrfamily_error(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_INET, 0, 0), *ai = NULL;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("::1", "80", &hints, &ai),
	    EVUTIL_EAI_ADDRFAMILY);
	assert_null(ai);
	hints.ai_family = AF_INET6;
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", "80", &hints, &ai),
	    EVUTIL_EAI_ADDRFAMILY);
}

static void
test_canonname_of_a_literal_is_the_literal(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, SOCK_STREAM,
	    EVUTIL_AI_CANONNAME), *ai = NULL;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("10.1.2.3", "1", &hints, &ai), 0);
	assert_non_null(ai->ai_canonname);
	assert_string_equal(ai->ai_canonname, "10.1.2.3");
	evutil_freeaddrinfo(ai);
	assert_int_equal(allocs, 2);	/* the node and its name, both hooked */
}

static void
test_names_go_to_the_system_and_come_back_on_our_heap(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_INET, SOCK_STREAM,
	    EVUTIL_AI_CANONNAME), *ai = NULL;
	const struct sockaddr_in *sin;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("localhost", "http", &hints, &ai), 0);
	assert_non_null(ai);
	sin = (const struct sockaddr_in *)ai->ai_addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohl(sin->sin_addr.s_addr) >> 24, 127);
	assert_int_equal(ntohs(sin->sin_port), 80);
	assert_non_null(ai->ai_canonname);
	/* Every node and the name came through the allocation hooks. */
	assert_true(allocs >= count_nodes(ai) + 1);
	evutil_freeaddrinfo(ai);
}

static void
test_hints_may_be_null(void **state)
{
	struct evutil_addrinfo *ai = NULL;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", NULL, NULL, &ai), 0);
	assert_int_equal(count_nodes(ai), 2);
	evutil_freeaddrinfo(ai);
}

static void
test_bad_requests_fail_with_the_right_code(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNIX, 0, 0), *ai = NULL;

	(void)state;
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", "80", &hints, &ai),
	    EVUTIL_EAI_FAMILY);
	assert_int_equal(evutil_getaddrinfo(NULL, NULL, NULL, &ai), EVUTIL_EAI_NONAME);
	capture_log_start();
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", "80", NULL, NULL),
	    EVUTIL_EAI_FAIL);
	assert_int_equal(captured.count, 1);
	capture_log_stop();
	hints = hints_of(AF_INET, 0, 0);
	assert_int_equal(evutil_getaddrinfo("127.0.0.1", "no-such-service-here", &hints, &ai),
	    EVUTIL_EAI_SERVICE);
	assert_null(ai);
	evutil_freeaddrinfo(NULL);	/* harmless */
}

static void
configured_families(int *have4, int *have6)
{
	struct ifaddrs *list, *ifa;

	*have4 = *have6 = 0;
	assert_int_equal(getifaddrs(&list), 0);
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || (ifa->ifa_flags & IFF_LOOPBACK))
			continue;
		*have4 |= ifa->ifa_addr->sa_family == AF_INET;
		*have6 |= ifa->ifa_addr->sa_family == AF_INET6;
	}
	freeifaddrs(list);
}

static void
test_addrconfig_lists_only_families_the_host_can_use(void **state)
{
	struct evutil_addrinfo hints = hints_of(AF_UNSPEC, SOCK_STREAM,
	    EVUTIL_AI_ADDRCONFIG | EVUTIL_AI_PASSIVE), *ai = NULL, *p;
	int have4, have6, saw4 = 0, saw6 = 0;

	(void)state;
	configured_families(&have4, &have6);
	assert_int_equal(evutil_getaddrinfo(NULL, "80", &hints, &ai), 0);
	for (p = ai; p; p = p->ai_next) {
		saw4 |= p->ai_family == AF_INET;
		saw6 |= p->ai_family == AF_INET6;
	}
	evutil_freeaddrinfo(ai);
	if (have4 != have6) {
		/* Exactly one family is usable: only it may appear. */
		assert_int_equal(saw4, have4);
		assert_int_equal(saw6, have6);
	} else {
		assert_true(saw4 && saw6);
	}
}

static void
test_gai_strerror_describes_every_code(void **state)
{
	static const int codes[] = {
		EVUTIL_EAI_ADDRFAMILY, EVUTIL_EAI_AGAIN, EVUTIL_EAI_BADFLAGS,
		EVUTIL_EAI_FAIL, EVUTIL_EAI_FAMILY, EVUTIL_EAI_MEMORY,
		EVUTIL_EAI_NODATA, EVUTIL_EAI_NONAME, EVUTIL_EAI_SERVICE,
		EVUTIL_EAI_SOCKTYPE, EVUTIL_EAI_SYSTEM, EVUTIL_EAI_CANCEL,
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_true(strlen(evutil_gai_strerror(codes[i])) > 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(codes[i], codes[j]);
	}
	assert_string_equal(evutil_gai_strerror(EVUTIL_EAI_NONAME), gai_strerror(EAI_NONAME));
	assert_string_equal(evutil_gai_strerror(EVUTIL_EAI_CANCEL), "Request canceled");
}

#define HOOKED(t) cmocka_unit_test_setup_teardown(t, start_counting, stop_counting)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HOOKED(test_numeric_ipv4_is_answered_with_one_node_per_socket_type),
		HOOKED(test_numeric_ipv6_with_a_socket_type_gives_one_node),
		HOOKED(test_no_host_means_wildcard_when_passive_and_loopback_otherwise),
		HOOKED(test_numerichost_refuses_a_name_without_looking_it_up),
		HOOKED(test_literal_of_the_wrong_family_is_an_addrfamily_error),
		HOOKED(test_canonname_of_a_literal_is_the_literal),
		HOOKED(test_names_go_to_the_system_and_come_back_on_our_heap),
		HOOKED(test_hints_may_be_null),
		HOOKED(test_bad_requests_fail_with_the_right_code),
		HOOKED(test_addrconfig_lists_only_families_the_host_can_use),
		cmocka_unit_test(test_gai_strerror_describes_every_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
