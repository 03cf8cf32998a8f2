/*
 * Exercise 3.4: write event_choose_backend().
 *
 * Read "Choosing a backend and making a base" in chapters/03-backends/03-backends.adoc.
 * This file stands in for the chunk ⟨Pick the backend for a base⟩ when you run
 *     make exercise EX=3.4
 * Hint: Start just after 'after' in eventops (at the top when it is NULL) and return the first method the config does not avoid, whose features include every required one, and that the environment does not disable (unless EVENT_BASE_FLAG_IGNORE_ENV is set).
 */
static const struct eventop *
event_choose_backend(const struct event_config *cfg, int flags,
    const struct eventop *after)
{
	/* Your code here. */
	return NULL;
}
