/* Chapter 03: <event2/event_struct.h> gives a program what libevent 2.1's
 * does, including <event2/keyvalq_struct.h>.  It is included first and
 * alone, so that nothing else brings the header. */
#include <event2/event_struct.h>

/* The header defines TAILQ_ENTRY and TAILQ_HEAD only for its own use. */
#if defined(TAILQ_ENTRY) || defined(TAILQ_HEAD)
#define QUEUE_MACROS_LEAKED 1
#endif

#include <sys/queue.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

/* The list of key/value pairs (HTTP headers, in libevent's evhttp) has the
 * layout of <sys/queue.h>'s TAILQ, so a program walks it with TAILQ_*. */
static void
test_event_struct_h_brings_the_key_value_queue(void **state)
{
	(void)state;
#ifdef EVENT2_KEYVALQ_STRUCT_H_INCLUDED_
	{
		struct evkeyvalq q;
		struct evkeyval a = { .key = "Host", .value = "example.org" };
		struct evkeyval b = { .key = "Accept", .value = "*/*" };
		struct evkeyval *kv;
		char seen[64] = "";

		TAILQ_INIT(&q);
		TAILQ_INSERT_TAIL(&q, &a, next);
		TAILQ_INSERT_TAIL(&q, &b, next);
		TAILQ_FOREACH(kv, &q, next) {
			strcat(seen, kv->key);
			strcat(seen, "=");
			strcat(seen, kv->value);
			strcat(seen, ";");
		}
		assert_string_equal(seen, "Host=example.org;Accept=*/*;");
		TAILQ_REMOVE(&q, &a, next);
		assert_ptr_equal(TAILQ_FIRST(&q), &b);
	}
#else
	fail_msg("<event2/event_struct.h> did not include <event2/keyvalq_struct.h>");
#endif
}

/* libevent's header undefines the two queue macros it defined, so that a
 * program's own <sys/queue.h>, included later, defines them without a clash. */
static void
test_keyvalq_header_leaves_no_queue_macros_behind(void **state)
{
	(void)state;
#ifdef QUEUE_MACROS_LEAKED
	fail_msg("<event2/keyvalq_struct.h> left TAILQ_ENTRY or TAILQ_HEAD defined");
#endif
}

/* Programs embed struct event and allocate arrays of it: its size is ABI.
 * libevent 2.1's is 128 bytes on this platform, and so is ours. */
static void
test_struct_event_is_128_bytes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct event), 128);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_struct_h_brings_the_key_value_queue),
		cmocka_unit_test(test_keyvalq_header_leaves_no_queue_macros_behind),
		cmocka_unit_test(test_struct_event_is_128_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
