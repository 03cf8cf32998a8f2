/* Which backend a base gets: the configuration's avoided methods and
 * required features, and the environment unless the base ignores it. */
#include "backend_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static const char *const env_vars[] = {
	"EVENT_NOEPOLL", "EVENT_NOPOLL", "EVENT_NOSELECT", "EVENT_SHOW_METHOD",
	"EVENT_EPOLL_USE_CHANGELIST", "EVENT_PRECISE_TIMER", NULL
};

/* Each test starts from a clean environment, whatever ENVIRONMENTS set. */
static int
clear_env(void **state)
{
	int i;

	(void)state;
	for (i = 0; env_vars[i]; i++)
		unsetenv(env_vars[i]);
	return 0;
}

/* The method a configuration gets, or NULL; the base is freed. */
static const char *
method_for(struct event_config *cfg, int *features)
{
	struct event_base *base = event_base_new_with_config(cfg);
	const char *name;

	event_config_free(cfg);
	if (base == NULL)
		return NULL;
	name = event_base_get_method(base);	/* a static string */
	if (features)
		*features = event_base_get_features(base);
	event_base_free(base);
	return name;
}

static struct event_config *
avoiding(const char *a, const char *b, const char *c)
{
	struct event_config *cfg = event_config_new();

	assert_non_null(cfg);
	if (a)
		assert_int_equal(event_config_avoid_method(cfg, a), 0);
	if (b)
		assert_int_equal(event_config_avoid_method(cfg, b), 0);
	if (c)
		assert_int_equal(event_config_avoid_method(cfg, c), 0);
	return cfg;
}

static struct event_config *
requiring(int features)
{
	struct event_config *cfg = event_config_new();

	assert_non_null(cfg);
	assert_int_equal(event_config_require_features(cfg, features), 0);
	return cfg;
}

static void
test_supported_methods_are_listed_best_first(void **state)
{
	const char **m = event_get_supported_methods();

	(void)state;
	assert_string_equal(m[0], "epoll");
	assert_string_equal(m[1], "poll");
	assert_string_equal(m[2], "select");
	assert_null(m[3]);
}

static void
test_default_base_uses_epoll(void **state)
{
	struct event_base *base = event_base_new();

	(void)state;
	assert_non_null(base);
	assert_string_equal(event_base_get_method(base), "epoll");
	assert_int_equal(event_base_get_features(base),
	    EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE);
	event_base_free(base);
}

static void
test_avoided_methods_fall_through_in_order(void **state)
{
	int f = 0;

	(void)state;
	assert_string_equal(method_for(avoiding("epoll", NULL, NULL), &f), "poll");
	assert_int_equal(f, EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
	assert_string_equal(method_for(avoiding("epoll", "poll", NULL), &f), "select");
	assert_int_equal(f, EV_FEATURE_FDS);
	assert_string_equal(method_for(avoiding("poll", NULL, NULL), NULL), "epoll");
	assert_null(method_for(avoiding("epoll", "poll", "select"), NULL));
	/* A name we do not know is simply never matched. */
	assert_string_equal(method_for(avoiding("kqueue", NULL, NULL), NULL), "epoll");
}

static void
test_required_features_pick_a_method_that_has_them(void **state)
{
	(void)state;
	assert_string_equal(method_for(requiring(EV_FEATURE_O1), NULL), "epoll");
	assert_string_equal(method_for(requiring(EV_FEATURE_ET), NULL), "epoll");
	assert_string_equal(method_for(requiring(EV_FEATURE_EARLY_CLOSE), NULL), "epoll");
	assert_string_equal(method_for(requiring(EV_FEATURE_FDS), NULL), "poll");
	/* poll reports an early close through POLLRDHUP, as in libevent. */
	assert_string_equal(method_for(requiring(EV_FEATURE_FDS |
	    EV_FEATURE_EARLY_CLOSE), NULL), "poll");
	/* No Linux method has both. */
	assert_null(method_for(requiring(EV_FEATURE_O1 | EV_FEATURE_FDS), NULL));
}

static void
test_avoid_and_require_combine(void **state)
{
	struct event_config *cfg = avoiding("poll", NULL, NULL);

	(void)state;
	assert_int_equal(event_config_require_features(cfg, EV_FEATURE_FDS), 0);
	assert_string_equal(method_for(cfg, NULL), "select");
	cfg = avoiding("epoll", NULL, NULL);
	assert_int_equal(event_config_require_features(cfg, EV_FEATURE_ET), 0);
	assert_null(method_for(cfg, NULL));
}

static void
test_environment_vetoes_methods(void **state)
{
	(void)state;
	setenv("EVENT_NOEPOLL", "1", 1);
	assert_string_equal(method_for(NULL, NULL), "poll");
	/* Any value counts, even an empty one. */
	setenv("EVENT_NOPOLL", "", 1);
	assert_string_equal(method_for(NULL, NULL), "select");
	setenv("EVENT_NOSELECT", "yes", 1);
	assert_null(method_for(NULL, NULL));
	unsetenv("EVENT_NOEPOLL");
	assert_string_equal(method_for(NULL, NULL), "epoll");
}

static void
test_ignore_env_flag_reads_no_variables(void **state)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	(void)state;
	setenv("EVENT_NOEPOLL", "1", 1);
	setenv("EVENT_EPOLL_USE_CHANGELIST", "1", 1);
	setenv("EVENT_PRECISE_TIMER", "1", 1);
	assert_int_equal(event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV), 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	assert_string_equal(event_base_get_method(base), "epoll");
	assert_false(base->flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	assert_false(base->flags & EVENT_BASE_FLAG_PRECISE_TIMER);
	event_base_free(base);
}

static void
test_environment_turns_on_changelist_and_precise_timer(void **state)
{
	struct event_base *base;

	(void)state;
	base = event_base_new();
	assert_non_null(base);
	assert_false(base->flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	assert_false(base->flags & EVENT_BASE_FLAG_PRECISE_TIMER);
	event_base_free(base);
	setenv("EVENT_EPOLL_USE_CHANGELIST", "1", 1);
	setenv("EVENT_PRECISE_TIMER", "1", 1);
	base = event_base_new();
	assert_non_null(base);
	assert_string_equal(event_base_get_method(base), "epoll (with changelist)");
	assert_true(base->flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	assert_true(base->flags & EVENT_BASE_FLAG_PRECISE_TIMER);
	event_base_free(base);
}

static char logged[256];
static int nlogged;

static void
capture_log(int severity, const char *msg)
{
	if (severity == EVENT_LOG_MSG) {
		snprintf(logged, sizeof(logged), "%s", msg);
		nlogged++;
	}
}

static void
test_show_method_announces_the_choice(void **state)
{
	struct event_base *base;

	(void)state;
	event_set_log_callback(capture_log);
	nlogged = 0;
	base = event_base_new();
	event_base_free(base);
	assert_int_equal(nlogged, 0);
	setenv("EVENT_SHOW_METHOD", "1", 1);
	setenv("EVENT_NOEPOLL", "1", 1);
	base = event_base_new();
	assert_non_null(base);
	event_base_free(base);
	event_set_log_callback(NULL);
	assert_int_equal(nlogged, 1);
	assert_non_null(strstr(logged, "poll"));
}

/* What the child of the fallback test logged at warning level. */
static char warned[1024];

static void
capture_warnings(int severity, const char *msg)
{
	size_t used = strlen(warned);

	if (severity == EVENT_LOG_WARN)
		snprintf(warned + used, sizeof(warned) - used, "%s\n", msg);
}

/* In a child: no descriptor can be opened any more, so epoll_create1 fails
 * with EMFILE; poll and select need no descriptor to start.  Returns 0 or
 * the number of the check that failed. */
static int
fallback_in_child(void)
{
	struct event_config *cfg;
	struct event_base *base;
	struct rlimit rl;
	int next = dup(0), ok;

	if (next < 0)
		return 1;
	close(next);
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 2;
	rl.rlim_cur = (rlim_t)next;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 3;
	event_set_log_callback(capture_warnings);
	base = event_base_new();
	if (base == NULL || strcmp(event_base_get_method(base), "poll") != 0)
		return 4;
	event_base_free(base);
	/* The warning says which method failed and why. */
	if (!strstr(warned, "epoll") || !strstr(warned, strerror(EMFILE)))
		return 5;
	cfg = event_config_new();
	event_config_avoid_method(cfg, "poll");
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base == NULL || strcmp(event_base_get_method(base), "select") != 0)
		return 6;
	event_base_free(base);
	/* Only epoll has O(1): nothing is left to fall back to. */
	cfg = event_config_new();
	event_config_require_features(cfg, EV_FEATURE_O1);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	ok = base == NULL;
	event_base_free(base);
	return ok ? 0 : 7;
}

static void
test_backend_that_cannot_start_falls_back_to_the_next(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fallback_in_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_config_calls_reject_null(void **state)
{
	(void)state;
	assert_int_equal(event_config_avoid_method(NULL, "epoll"), -1);
	assert_int_equal(event_config_require_features(NULL, EV_FEATURE_O1), -1);
	assert_int_equal(event_config_set_flag(NULL, EVENT_BASE_FLAG_NOLOCK), -1);
	event_config_free(NULL);
	assert_null(event_base_get_method(NULL));
	assert_int_equal(event_base_get_features(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, clear_env, clear_env)
		T(test_supported_methods_are_listed_best_first),
		T(test_default_base_uses_epoll),
		T(test_avoided_methods_fall_through_in_order),
		T(test_required_features_pick_a_method_that_has_them),
		T(test_avoid_and_require_combine),
		T(test_environment_vetoes_methods),
		T(test_ignore_env_flag_reads_no_variables),
		T(test_environment_turns_on_changelist_and_precise_timer),
		T(test_show_method_announces_the_choice),
		T(test_backend_that_cannot_start_falls_back_to_the_next),
		T(test_config_calls_reject_null),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
