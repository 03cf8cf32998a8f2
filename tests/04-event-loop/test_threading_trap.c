/* The threading trap with a real base: a base made before threading is
 * switched on keeps evthread_use_pthreads() from succeeding until it is
 * freed.  Threading is process-wide and cannot be switched off again, so
 * each test runs in a forked child and reports through its exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "event-internal.h"

static void
run_in_child(int (*body)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(body());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Each step that goes wrong exits with its own number, so a failure says
 * which step it was. */
static int
base_made_too_early_refuses_threading(void)
{
	struct event_base *early = event_base_new();

	if (early == NULL || early->th_base_lock != NULL)
		return 1;
	if (evthread_use_pthreads() != -1)
		return 2;		/* the trap must be refused, loudly */
	if (event_base_loop(early, EVLOOP_NONBLOCK) < 0)
		return 3;		/* and the early base still works */
	event_base_free(early);
	return 0;
}

static int
freeing_the_early_base_lets_threading_on(void)
{
	struct event_base *early = event_base_new(), *later;

	if (early == NULL)
		return 1;
	event_base_free(early);
	if (evthread_use_pthreads() != 0)
		return 2;
	later = event_base_new();
	if (later == NULL || later->th_base_lock == NULL)
		return 3;		/* a base made now is locked */
	event_base_free(later);
	return 0;
}

static int
nolock_base_does_not_block_threading(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base, *unlocked;

	if (cfg == NULL || event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK) < 0)
		return 1;
	base = event_base_new_with_config(cfg);
	if (base == NULL)
		return 2;
	/* The owner asked for no lock: that is a choice, not the trap. */
	if (evthread_use_pthreads() != 0)
		return 3;
	event_base_free(base);
	/* Freeing it gave back no lock it never took, and a base made now,
	 * with threading on, is locked. */
	unlocked = event_base_new();
	if (unlocked == NULL || unlocked->th_base_lock == NULL)
		return 4;
	event_base_free(unlocked);
	event_config_free(cfg);
	return 0;
}

static void
test_base_made_before_threading_refuses_evthread_use_pthreads(void **state)
{
	(void)state;
	run_in_child(base_made_too_early_refuses_threading);
}

static void
test_freeing_the_early_base_lets_threading_be_enabled(void **state)
{
	(void)state;
	run_in_child(freeing_the_early_base_lets_threading_on);
}

static void
test_nolock_base_does_not_block_threading(void **state)
{
	(void)state;
	run_in_child(nolock_base_does_not_block_threading);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_made_before_threading_refuses_evthread_use_pthreads),
		cmocka_unit_test(test_freeing_the_early_base_lets_threading_be_enabled),
		cmocka_unit_test(test_nolock_base_does_not_block_threading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
