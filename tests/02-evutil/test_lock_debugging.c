/* Chapter 02: lock debugging.  Correct use passes; each misuse stops the
 * process through the fatal path, so misuses run in forked children. */
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "evthread-internal.h"
#include "evutil_test.h"
#include "log-internal.h"

static int
debugging_on(void **state)
{
	(void)state;
	/* Debugging first, threading second: the order does not matter.  The
	 * 2.0 spelling is the same switch, and a second call changes nothing. */
	evthread_enable_lock_debugging();
	evthread_enable_lock_debuging();
	return evthread_use_pthreads();
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
test_correct_locking_passes_the_checks(void **state)
{
	void *plain = litevent_lock_alloc(0);
	void *recursive = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);

	(void)state;
	assert_non_null(plain);
	assert_int_equal(evthread_lock(plain, 0), 0);
	assert_int_not_equal(try_elsewhere(plain), 0);
	assert_int_equal(evthread_unlock(plain, 0), 0);
	assert_int_equal(try_elsewhere(plain), 0);
	assert_int_equal(evthread_lock(recursive, 0), 0);
	assert_int_equal(evthread_lock(recursive, 0), 0);
	assert_int_equal(evthread_unlock(recursive, 0), 0);
	assert_int_equal(evthread_unlock(recursive, 0), 0);
	/* A TRY on a lock this thread holds fails instead of deadlocking. */
	assert_int_equal(evthread_lock(plain, 0), 0);
	assert_int_not_equal(evthread_lock(plain, EVTHREAD_TRY), 0);
	assert_int_equal(evthread_unlock(plain, 0), 0);
	litevent_lock_free(plain, 0);
	litevent_lock_free(recursive, EVTHREAD_LOCKTYPE_RECURSIVE);
}

static void
test_condition_wait_with_its_lock_passes(void **state)
{
	void *lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	void *cond = evthread_cond_alloc(0);
	struct timeval tv = { 0, 5000 };

	(void)state;
	evthread_lock(lock, 0);
	assert_int_equal(evthread_cond_wait(cond, lock, &tv), 1);
	/* Held again, and released normally. */
	assert_int_not_equal(try_elsewhere(lock), 0);
	assert_int_equal(evthread_unlock(lock, 0), 0);
	assert_int_equal(try_elsewhere(lock), 0);
	evthread_cond_free(cond);
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

/* The misuses, each run in a child. */
static void
unlock_a_lock_never_taken(void)
{
	void *lock = litevent_lock_alloc(0);

	evthread_unlock(lock, 0);
}

static void
unlock_twice(void)
{
	void *lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);

	evthread_lock(lock, 0);
	evthread_unlock(lock, 0);
	evthread_unlock(lock, 0);
}

static void *
take_and_keep(void *lock)
{
	evthread_lock(lock, 0);
	return NULL;
}

static void
unlock_a_lock_another_thread_holds(void)
{
	void *lock = litevent_lock_alloc(0);
	pthread_t t;

	pthread_create(&t, NULL, take_and_keep, lock);
	pthread_join(t, NULL);
	evthread_unlock(lock, 0);
}

static void
relock_a_non_recursive_lock(void)
{
	void *lock = litevent_lock_alloc(0);

	evthread_lock(lock, 0);
	evthread_lock(lock, 0);
}

static void
free_a_held_lock(void)
{
	void *lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);

	evthread_lock(lock, 0);
	litevent_lock_free(lock, EVTHREAD_LOCKTYPE_RECURSIVE);
}

static void
wait_without_the_lock(void)
{
	void *lock = litevent_lock_alloc(0);
	void *cond = evthread_cond_alloc(0);
	struct timeval tv = { 0, 1000 };

	evthread_cond_wait(cond, lock, &tv);
}

static void
wait_holding_a_recursive_lock_twice(void)
{
	void *lock = litevent_lock_alloc(EVTHREAD_LOCKTYPE_RECURSIVE);
	void *cond = evthread_cond_alloc(0);
	struct timeval tv = { 0, 1000 };

	evthread_lock(lock, 0);
	evthread_lock(lock, 0);
	evthread_cond_wait(cond, lock, &tv);
}

static void
expect_abort(void (*misuse)(void), const char *message)
{
	struct child_result r;

	run_in_child(misuse, &r);
	if (r.exited)
		fail_msg("the misuse was not caught (exit status %d)", r.status);
	assert_int_equal(r.status, SIGABRT);
	if (!strstr(r.log, message))
		fail_msg("expected \"%s\" in the log, got \"%s\"", message, r.log);
	assert_non_null(strstr(r.log, "3 lock debugging:"));	/* EVENT_LOG_ERR */
}

static void
test_unlocking_a_lock_never_taken_aborts(void **state)
{
	(void)state;
	expect_abort(unlock_a_lock_never_taken,
	    "releasing a lock this thread does not hold");
}

static void
test_unlocking_once_too_often_aborts(void **state)
{
	(void)state;
	expect_abort(unlock_twice, "releasing a lock this thread does not hold");
}

static void
test_unlocking_another_threads_lock_aborts(void **state)
{
	(void)state;
	expect_abort(unlock_a_lock_another_thread_holds,
	    "releasing a lock this thread does not hold");
}

static void
test_relocking_a_non_recursive_lock_aborts_instead_of_deadlocking(void **state)
{
	(void)state;
	expect_abort(relock_a_non_recursive_lock,
	    "taking a non-recursive lock this thread holds");
}

static void
test_freeing_a_held_lock_aborts(void **state)
{
	(void)state;
	expect_abort(free_a_held_lock, "freeing a lock that is held");
}

static void
test_waiting_without_the_lock_aborts(void **state)
{
	(void)state;
	expect_abort(wait_without_the_lock,
	    "waiting on a condition without holding its lock");
	expect_abort(wait_holding_a_recursive_lock_twice,
	    "waiting on a condition without holding its lock");
}

static void
unlock_another_threads_lock_without_an_id_callback(void)
{
	/* Every thread now has ID 1; the debugger must still tell them apart. */
	evthread_set_id_callback(NULL);
	unlock_a_lock_another_thread_holds();
}

struct handshake {
	void *lock;
	int held[2], go[2];	/* pipes: "I hold it", "you may release it" */
};

static void *
hold_until_told(void *arg)
{
	struct handshake *h = arg;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char c = 'h';

	evthread_lock(h->lock, 0);
	if (write(h->held[1], &c, 1) != 1 || read(h->go[0], &c, 1) != 1)
		abort();
	/* Give the main thread time to reach its check while we hold it. */
	nanosleep(&pause, NULL);
	evthread_unlock(h->lock, 0);
	return NULL;
}

static void
test_waiting_for_another_threads_lock_is_not_a_self_deadlock(void **state)
{
	struct handshake h;
	pthread_t t;
	char c = 'g';

	(void)state;
	/* Without an ID callback every thread has ID 1; the debugger must
	 * still see that the holder is another thread. */
	evthread_set_id_callback(NULL);
	h.lock = litevent_lock_alloc(0);
	assert_int_equal(pipe(h.held), 0);
	assert_int_equal(pipe(h.go), 0);
	assert_int_equal(pthread_create(&t, NULL, hold_until_told, &h), 0);
	assert_int_equal(read(h.held[0], &c, 1), 1);
	assert_int_equal(write(h.go[1], &c, 1), 1);
	assert_int_equal(evthread_lock(h.lock, 0), 0);	/* waits, no abort */
	assert_int_equal(evthread_unlock(h.lock, 0), 0);
	pthread_join(t, NULL);
	litevent_lock_free(h.lock, 0);
	close(h.held[0]);
	close(h.held[1]);
	close(h.go[0]);
	close(h.go[1]);
	assert_int_equal(evthread_use_pthreads(), 0);	/* the ID callback again */
}

static void
test_another_threads_lock_is_caught_without_an_id_callback(void **state)
{
	(void)state;
	expect_abort(unlock_another_threads_lock_without_an_id_callback,
	    "releasing a lock this thread does not hold");
}

static void
exit_with_code(int err)
{
	_exit(err == EVENT_ABORT_NOT_EXIT ? 66 : 1);
}

static void
misuse_with_a_fatal_callback(void)
{
	event_set_fatal_callback(exit_with_code);
	unlock_a_lock_never_taken();
}

static void
test_misuse_reaches_the_fatal_callback(void **state)
{
	struct child_result r;

	(void)state;
	run_in_child(misuse_with_a_fatal_callback, &r);
	assert_true(r.exited);
	assert_int_equal(r.status, 66);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_correct_locking_passes_the_checks),
		cmocka_unit_test(test_condition_wait_with_its_lock_passes),
		cmocka_unit_test(test_unlocking_a_lock_never_taken_aborts),
		cmocka_unit_test(test_unlocking_once_too_often_aborts),
		cmocka_unit_test(test_unlocking_another_threads_lock_aborts),
		cmocka_unit_test(test_relocking_a_non_recursive_lock_aborts_instead_of_deadlocking),
		cmocka_unit_test(test_freeing_a_held_lock_aborts),
		cmocka_unit_test(test_waiting_without_the_lock_aborts),
		cmocka_unit_test(test_misuse_reaches_the_fatal_callback),
		cmocka_unit_test(test_waiting_for_another_threads_lock_is_not_a_self_deadlock),
		cmocka_unit_test(test_another_threads_lock_is_caught_without_an_id_callback),
	};
	return cmocka_run_group_tests(tests, debugging_on, NULL);
}
