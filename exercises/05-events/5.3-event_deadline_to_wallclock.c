/*
 * Exercise 5.3: write event_deadline_to_wallclock().
 *
 * Read "Activating, and asking" in chapters/05-events/05-events.adoc.
 * This file stands in for the chunk ⟨Turn a deadline into wall-clock time⟩ when you run
 *     make exercise EX=5.3
 * Hint: Read the monotonic now with event_base_now(); the time left is deadline - now, or zero if it has passed; add it to the wall-clock now from event_base_gettimeofday_cached().
 */
static void
event_deadline_to_wallclock(struct event_base *base,
    const struct timeval *deadline, struct timeval *tv)
{
	/* Your code here. */
	(void)base; (void)deadline; tv->tv_sec = 0; tv->tv_usec = 0;
}
