/* Chapter 06: evbuffer locking with real threads. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "evbuffer-internal.h"
#include "evbuffer_helpers.h"

#include <pthread.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define N_THREADS 4
#define N_RECORDS 5000
#define RECORD_LEN 16

static struct evbuffer *shared;

/* Each thread appends records of its own letter; with the lock, no record
 * is ever torn by another thread's append. */
static void *
append_records(void *arg)
{
	char rec[RECORD_LEN];
	int i;

	memset(rec, *(const char *)arg, sizeof(rec));
	for (i = 0; i < N_RECORDS; i++)
		evbuffer_add(shared, rec, sizeof(rec));
	return NULL;
}

static void
test_locked_buffer_keeps_concurrent_appends_whole(void **state)
{
	static const char letters[N_THREADS] = { 'a', 'b', 'c', 'd' };
	pthread_t th[N_THREADS];
	char rec[RECORD_LEN];
	int counts[N_THREADS] = { 0 }, i, j;

	(void)state;
	shared = evbuffer_new();
	assert_int_equal(evbuffer_enable_locking(shared, NULL), 0);
	assert_int_equal(evbuffer_enable_locking(shared, NULL), -1);
	for (i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, append_records,
		    (void *)&letters[i]), 0);
	for (i = 0; i < N_THREADS; i++)
		pthread_join(th[i], NULL);
	evbuffer_check_invariants(shared);
	assert_int_equal(evbuffer_get_length(shared),
	    N_THREADS * N_RECORDS * RECORD_LEN);
	while (evbuffer_remove(shared, rec, sizeof(rec)) == RECORD_LEN) {
		for (j = 1; j < RECORD_LEN; j++)
			assert_int_equal(rec[j], rec[0]);
		counts[rec[0] - 'a']++;
	}
	for (i = 0; i < N_THREADS; i++)
		assert_int_equal(counts[i], N_RECORDS);
	evbuffer_free(shared);
}

static void
test_lock_and_unlock_make_several_calls_atomic(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];

	(void)state;
	assert_int_equal(evbuffer_enable_locking(buf, NULL), 0);
	evbuffer_lock(buf);
	assert_true(evbuffer_reserve_space(buf, 4, v, 2) > 0);
	memcpy(v[0].iov_base, "lock", 4);
	v[0].iov_len = 4;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), 0);
	evbuffer_unlock(buf);
	assert_holds_str(buf, "lock");
	evbuffer_free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locked_buffer_keeps_concurrent_appends_whole),
		cmocka_unit_test(test_lock_and_unlock_make_several_calls_atomic),
	};
	int r;

	if (evthread_use_pthreads() < 0)
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	libevent_global_shutdown();
	return r;
}
