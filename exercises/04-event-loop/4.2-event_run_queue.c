/*
 * Exercise 4.2: write event_run_queue().
 *
 * Read "Running one priority" in chapters/04-event-loop/04-event-loop.adoc.
 * This file stands in for the chunk ⟨Run the active callbacks of one priority⟩ when you run
 *     make exercise EX=4.2
 * Hint: Loop while q->first is not NULL: count non-internal callbacks, run each with event_run_callback(); return -1 on event_break, the count when it reaches max or when endtime has passed (reset the cache with event_base_reset_time_cache, then event_base_now), and stop (return the count) on event_continue.
 */
static int
event_run_queue(struct event_base *base, struct evcb_queue *q, int max,
    const struct timeval *endtime)
{
	/* Your code here. */
	(void)q; (void)max; (void)endtime; event_errx(EVENT_ABORT_NOT_EXIT, "%s: exercise 4.2 is not written yet", __func__);
}
