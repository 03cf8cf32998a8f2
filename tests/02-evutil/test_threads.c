/* Chapter 02: the lock layer, the pthreads glue and the threading trap.
 * Each test leaves threading off again (the teardown checks that it can). */
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evthread-internal.h"
#include "evutil_test.h"

static int
threading_off(void **state)
{
	(void)state;
	assert_int_equal(evthread_set_lock_callbacks(NULL), 0);
	assert_int_equal(evthread_set_condition_callbacks(NULL), 0);
	evthread_set_id_callback(NULL);
	return 0;
}

static void
test_locks_are_null_and_cost_nothing_while_threading_is_off(void **state)
{
	void *lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	void *cond = evthread_cond_alloc(0);
	struct timeval tv = { 0, 1000 };

	(void)state;
	assert_int_equal(evthread_is_enabled(), 0);
	assert_null(lock);
	assert_null(cond);
	assert_int_equal(evthread_lock(lock, 0), 0);
	assert_int_equal(evthread_lock(lock, EVTHREAD_TRY), 0);
	assert_int_equal(evthread_unlock(lock, 0), 0);
	assert_int_equal(evthread_cond_signal(cond), 0);
	assert_int_equal(evthread_cond_broadcast(cond), 0);
	assert_int_equal(evthread_cond_wait(cond, lock, &tv), 0);
	assert_int_equal(evthread_get_id(), 1);
	evthread_cond_free(cond);
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

static void
test_enabling_threads_after_an_unlocked_object_fails_loudly(void **state)
{
	/* Two objects (think: two event_bases) made before threading. */
	void *first = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	void *second = litevent_lock_alloc(0);

	(void)state;
	capture_log_start();
	assert_int_equal(evthread_use_pthreads(), -1);
	assert_int_equal(captured.count, 1);
	assert_int_equal(captured.last_severity, EVENT_LOG_WARN);
	assert_true(captured_contains("2 object(s)"));
	assert_true(captured_contains("created before threading was enabled"));
	assert_int_equal(evthread_is_enabled(), 0);
	assert_null(litevent_lock_alloc(0));	/* still off: a third object */
	litevent_lock_free(NULL, 0);

	/* Freeing one is not enough... */
	litevent_lock_free(first, EVTHREAD_LOCKTYPE_RECURSIVE);
	assert_int_equal(evthread_use_pthreads(), -1);
	assert_true(captured_contains("1 object(s)"));
	capture_log_stop();

	/* ...freeing all of them is. */
	litevent_lock_free(second, 0);
	assert_int_equal(evthread_use_pthreads(), 0);
	assert_int_equal(evthread_is_enabled(), 1);
}

/* Threads other than the main one must not use cmocka's assertions (they
 * jump back into the main thread's stack), so they count their failures. */
struct shared_counter {
	void *lock;
	long value;
	int failures;
};

static void *
add_many(void *arg)
{
	struct shared_counter *c = arg;
	int i, failures = 0;

	/* The failures are counted apart: c->failures is not under the lock. */
	for (i = 0; i < 20000; i++) {
		failures += evthread_lock(c->lock, 0) != 0;
		c->value++;
		failures += evthread_unlock(c->lock, 0) != 0;
	}
	__atomic_add_fetch(&c->failures, failures, __ATOMIC_RELAXED);
	return NULL;
}

static void
test_pthread_locks_exclude_each_other(void **state)
{
	struct shared_counter c = { NULL, 0, 0 };
	pthread_t threads[4];
	int i;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	c.lock = litevent_lock_alloc(0);
	assert_non_null(c.lock);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, add_many, &c), 0);
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(c.value, 4 * 20000);
	assert_int_equal(c.failures, 0);
	litevent_lock_free(c.lock, 0);
}

static void *
try_lock_from_another_thread(void *lock)
{
	int r = evthread_lock(lock, EVTHREAD_TRY);

	if (r == 0)
		evthread_unlock(lock, 0);
	return (void *)(intptr_t)r;
}

static int
try_elsewhere(void *lock)
{
	pthread_t t;
	void *r;

	assert_int_equal(pthread_create(&t, NULL, try_lock_from_another_thread, lock), 0);
	pthread_join(t, &r);
	return (int)(intptr_t)r;
}

static void
test_recursive_lock_is_released_after_as_many_unlocks(void **state)
{
	void *lock;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	assert_int_equal(evthread_lock(lock, 0), 0);
	assert_int_equal(evthread_lock(lock, 0), 0);
	assert_int_not_equal(try_elsewhere(lock), 0);
	assert_int_equal(evthread_unlock(lock, 0), 0);
	assert_int_not_equal(try_elsewhere(lock), 0);
	assert_int_equal(evthread_unlock(lock, 0), 0);
	assert_int_equal(try_elsewhere(lock), 0);
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

struct waiters {
	void *lock, *cond;
	int go, woken, waiting, failures;
};

static void *
wait_for_go(void *arg)
{
	struct waiters *w = arg;

	evthread_lock(w->lock, 0);
	w->waiting++;
	while (!w->go)
		w->failures += evthread_cond_wait(w->cond, w->lock, NULL) != 0;
	w->woken++;
	w->go = w->go == 1 ? 0 : w->go;	/* a signal is for one waiter only */
	evthread_unlock(w->lock, 0);
	return NULL;
}

static void
wait_until_waiting(struct waiters *w, int n)
{
	struct timeval tick = { 0, 1000 };

	evthread_lock(w->lock, 0);
	while (w->waiting < n)
		evthread_cond_wait(w->cond, w->lock, &tick);
	evthread_unlock(w->lock, 0);
}

static void
test_condition_signal_wakes_one_and_broadcast_wakes_all(void **state)
{
	struct waiters w;
	pthread_t threads[3];
	int i;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(evthread_use_pthreads(), 0);
	w.lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	w.cond = evthread_cond_alloc(0);
	assert_non_null(w.cond);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, wait_for_go, &w), 0);
	wait_until_waiting(&w, 3);

	evthread_lock(w.lock, 0);
	w.go = 1;
	assert_int_equal(evthread_cond_signal(w.cond), 0);
	evthread_unlock(w.lock, 0);
	/* Exactly one waiter consumes the signal; wait for it to do so. */
	for (;;) {
		evthread_lock(w.lock, 0);
		if (w.woken == 1) {
			assert_int_equal(w.go, 0);
			w.go = 2;	/* now everyone may go */
			assert_int_equal(evthread_cond_broadcast(w.cond), 0);
			evthread_unlock(w.lock, 0);
			break;
		}
		evthread_unlock(w.lock, 0);
		sched_yield();
	}
	for (i = 0; i < 3; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(w.woken, 3);
	assert_int_equal(w.failures, 0);
	evthread_cond_free(w.cond);
	litevent_lock_free(w.lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

static void
test_condition_wait_times_out(void **state)
{
	void *lock, *cond;
	struct timeval tv = { 0, 20000 };

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	lock = litevent_lock_alloc(0);
	cond = evthread_cond_alloc(0);
	evthread_lock(lock, 0);
	assert_int_equal(evthread_cond_wait(cond, lock, &tv), 1);
	/* The lock is held again after the timeout. */
	assert_int_not_equal(try_elsewhere(lock), 0);
	evthread_unlock(lock, 0);
	evthread_cond_free(cond);
	litevent_lock_free(lock, 0);
}

static void *
report_id(void *out)
{
	*(unsigned long *)out = evthread_get_id();
	return NULL;
}

static void
test_thread_ids_tell_threads_apart(void **state)
{
	unsigned long mine, theirs = 0;
	pthread_t t;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	mine = evthread_get_id();
	assert_int_equal(mine, evthread_get_id());
	assert_int_equal(pthread_create(&t, NULL, report_id, &theirs), 0);
	pthread_join(t, NULL);
	assert_int_not_equal(theirs, 0);
	assert_int_not_equal(mine, theirs);
}

/* A program's own callbacks: they record what the library asks of them. */
static struct {
	int allocs, frees, locks, unlocks, signals, broadcasts, waits;
	unsigned last_type, last_mode;
	void *last_wait_lock;
} seen;
static char lock_storage[4], cond_storage[2];

static void *
my_alloc(unsigned locktype)
{
	seen.last_type = locktype;
	return &lock_storage[seen.allocs++ % 4];
}

static void
my_free(void *lock, unsigned locktype)
{
	(void)lock;
	seen.last_type = locktype;
	seen.frees++;
}

static int
my_lock(unsigned mode, void *lock)
{
	(void)lock;
	seen.last_mode = mode;
	seen.locks++;
	return mode & EVTHREAD_TRY ? 1 : 0;
}

static int
my_unlock(unsigned mode, void *lock)
{
	(void)lock;
	seen.last_mode = mode;
	seen.unlocks++;
	return 0;
}

static void *
my_cond_alloc(unsigned type)
{
	(void)type;
	return &cond_storage[0];
}

static void
my_cond_free(void *cond)
{
	(void)cond;
}

static int
my_signal(void *cond, int broadcast)
{
	(void)cond;
	if (broadcast)
		seen.broadcasts++;
	else
		seen.signals++;
	return 0;
}

static int
my_wait(void *cond, void *lock, const struct timeval *tv)
{
	(void)cond;
	(void)tv;
	seen.waits++;
	seen.last_wait_lock = lock;
	return 1;
}

static const struct evthread_lock_callbacks my_locks = {
	EVTHREAD_LOCK_API_VERSION,
	EVTHREAD_LOCKTYPE_RECURSIVE | EVTHREAD_LOCKTYPE_READWRITE,
	my_alloc, my_free, my_lock, my_unlock
};
static const struct evthread_condition_callbacks my_conds = {
	EVTHREAD_CONDITION_API_VERSION, my_cond_alloc, my_cond_free, my_signal, my_wait
};

static void
test_custom_callbacks_receive_every_call_with_its_mode(void **state)
{
	void *lock, *cond;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(evthread_set_lock_callbacks(&my_locks), 0);
	assert_int_equal(evthread_set_condition_callbacks(&my_conds), 0);
	lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_READWRITE);
	assert_ptr_equal(lock, &lock_storage[0]);
	assert_int_equal(seen.last_type, EVTHREAD_LOCKTYPE_READWRITE);
	assert_int_equal(evthread_lock(lock, EVTHREAD_READ), 0);
	assert_int_equal(seen.last_mode, EVTHREAD_READ);
	assert_int_equal(evthread_unlock(lock, EVTHREAD_READ), 0);
	assert_int_equal(evthread_lock(lock, EVTHREAD_WRITE | EVTHREAD_TRY), 1);
	assert_int_equal(seen.last_mode, EVTHREAD_WRITE | EVTHREAD_TRY);
	assert_int_equal(seen.locks, 2);
	assert_int_equal(seen.unlocks, 1);
	cond = evthread_cond_alloc(0);
	assert_ptr_equal(cond, &cond_storage[0]);
	evthread_cond_signal(cond);
	evthread_cond_broadcast(cond);
	evthread_cond_broadcast(cond);
	assert_int_equal(evthread_cond_wait(cond, lock, NULL), 1);
	assert_ptr_equal(seen.last_wait_lock, lock);
	assert_int_equal(seen.signals, 1);
	assert_int_equal(seen.broadcasts, 2);
	evthread_cond_free(cond);
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_READWRITE);
	assert_int_equal(seen.frees, 1);
	assert_int_equal(seen.last_type, EVTHREAD_LOCKTYPE_READWRITE);
}

static void
test_installing_twice_is_harmless_but_replacing_is_refused(void **state)
{
	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	assert_int_equal(evthread_use_pthreads(), 0);
	capture_log_start();
	assert_int_equal(evthread_set_lock_callbacks(&my_locks), -1);
	assert_int_equal(evthread_set_condition_callbacks(&my_conds), -1);
	assert_int_equal(captured.count, 2);
	assert_true(captured_contains("already installed"));
	capture_log_stop();
}

static void
test_threading_stays_on_while_locks_exist(void **state)
{
	void *lock;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	lock = litevent_lock_alloc(0);
	capture_log_start();
	assert_int_equal(evthread_set_lock_callbacks(NULL), -1);
	assert_int_equal(evthread_set_condition_callbacks(NULL), -1);
	assert_true(captured_contains("1 lock(s) exist"));
	capture_log_stop();
	assert_int_equal(evthread_is_enabled(), 1);
	litevent_lock_free(lock, 0);
}

static void
test_malformed_callbacks_are_refused(void **state)
{
	struct evthread_lock_callbacks locks = my_locks;
	struct evthread_condition_callbacks conds = my_conds;

	(void)state;
	capture_log_start();
	locks.lock_api_version = 2;
	assert_int_equal(evthread_set_lock_callbacks(&locks), -1);
	locks = my_locks;
	locks.unlock = NULL;
	assert_int_equal(evthread_set_lock_callbacks(&locks), -1);
	locks = my_locks;
	locks.supported_locktypes = EVTHREAD_LOCKTYPE_READWRITE;
	assert_int_equal(evthread_set_lock_callbacks(&locks), -1);
	conds.condition_api_version = 0;
	assert_int_equal(evthread_set_condition_callbacks(&conds), -1);
	conds = my_conds;
	conds.wait_condition = NULL;
	assert_int_equal(evthread_set_condition_callbacks(&conds), -1);
	assert_int_equal(captured.count, 5);
	assert_true(captured_contains("recursive locks are required"));
	capture_log_stop();
	assert_int_equal(evthread_is_enabled(), 0);
}

static void
debugging_after_a_lock_exists(void)
{
	void *lock;

	if (evthread_use_pthreads() < 0)
		_exit(1);
	lock = litevent_lock_alloc(0);
	evthread_enable_lock_debugging();
	/* Still a plain lock, so a plain unlock of it must work. */
	evthread_lock(lock, 0);
	evthread_unlock(lock, 0);
	litevent_lock_free(lock, 0);
}

static void
test_lock_debugging_is_refused_once_locks_exist(void **state)
{
	struct child_result r;

	(void)state;
	run_in_child(debugging_after_a_lock_exists, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.log, "evthread_enable_lock_debugging: 1 lock(s) exist"));
}

#define T(t) cmocka_unit_test_teardown(t, threading_off)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_locks_are_null_and_cost_nothing_while_threading_is_off),
		T(test_enabling_threads_after_an_unlocked_object_fails_loudly),
		T(test_pthread_locks_exclude_each_other),
		T(test_recursive_lock_is_released_after_as_many_unlocks),
		T(test_condition_signal_wakes_one_and_broadcast_wakes_all),
		T(test_condition_wait_times_out),
		T(test_thread_ids_tell_threads_apart),
		T(test_custom_callbacks_receive_every_call_with_its_mode),
		T(test_installing_twice_is_harmless_but_replacing_is_refused),
		T(test_threading_stays_on_while_locks_exist),
		T(test_malformed_callbacks_are_refused),
		T(test_lock_debugging_is_refused_once_locks_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
