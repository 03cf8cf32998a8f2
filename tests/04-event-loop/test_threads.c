/* A locked base, and a second thread waking the loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "loop_test.h"

/* Wait until the loop of base is running, then a little longer, so that it
 * is very likely asleep in the backend.  Correctness never depends on it. */
static void
wait_for_loop(struct event_base *base)
{
	int running = 0;

	while (!running) {
		EVBASE_ACQUIRE_LOCK(base);
		running = base->running_loop;
		EVBASE_RELEASE_LOCK(base);
		usleep(1000);
	}
	usleep(20000);
}

static void *
activate_later(void *arg)
{
	struct probe *p = arg;

	wait_for_loop(p->base);
	probe_activate(p);
	return NULL;
}

static void
test_callback_activated_by_another_thread_wakes_the_loop(void **state)
{
	struct event_base *base = event_base_new();
	struct trace t = { .n = 0 };
	struct probe p;
	pthread_t th;

	(void)state;
	assert_non_null(base->th_base_lock);
	probe_init(&p, base, &t, 1, 0);
	p.do_break = 1;
	assert_int_equal(pthread_create(&th, NULL, activate_later, &p), 0);
	assert_int_equal(event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_int_equal(t.n, 1);
	assert_true(event_base_got_break(base));
	event_base_free(base);
}

static void *
break_later(void *arg)
{
	struct event_base *base = arg;

	wait_for_loop(base);
	event_base_loopbreak(base);
	return NULL;
}

static void *
exit_later(void *arg)
{
	struct event_base *base = arg;

	wait_for_loop(base);
	event_base_loopexit(base, NULL);
	return NULL;
}

static void
test_loopbreak_from_another_thread_ends_a_sleeping_loop(void **state)
{
	struct event_base *base = event_base_new();
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, break_later, base), 0);
	assert_int_equal(event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_true(event_base_got_break(base));
	event_base_free(base);
}

static void
test_loopexit_from_another_thread_ends_a_sleeping_loop(void **state)
{
	struct event_base *base = event_base_new();
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, exit_later, base), 0);
	assert_int_equal(event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY), 0);
	pthread_join(th, NULL);
	assert_true(event_base_got_exit(base));
	event_base_free(base);
}

static void
test_nolock_flag_gives_a_base_without_a_lock(void **state)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	(void)state;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	assert_null(base->th_base_lock);
	assert_false(base->th_notifiable);
	event_base_free(base);
}

static void
test_reinit_gives_a_forked_child_its_own_wakeup(void **state)
{
	struct event_base *base = event_base_new();
	pid_t pid;
	int status;

	(void)state;
	assert_true(base->th_notifiable);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = event_reinit(base) == 0 && base->th_notifiable;
		pthread_t th;
		ok = ok && pthread_create(&th, NULL, break_later, base) == 0;
		ok = ok && event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY) == 0;
		pthread_join(th, NULL);
		event_base_free(base);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	event_base_free(base);
}

static int
setup(void **state)
{
	(void)state;
	return evthread_use_pthreads();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_activated_by_another_thread_wakes_the_loop),
		cmocka_unit_test(test_loopbreak_from_another_thread_ends_a_sleeping_loop),
		cmocka_unit_test(test_loopexit_from_another_thread_ends_a_sleeping_loop),
		cmocka_unit_test(test_nolock_flag_gives_a_base_without_a_lock),
		cmocka_unit_test(test_reinit_gives_a_forked_child_its_own_wakeup),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
